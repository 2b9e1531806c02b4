//! `contingent init [DIR] --client NAME --provider NAME`: a small, commented plan repository
//! that checks clean apart from the sign-offs only its approvers can make.
//!
//! The names are user input: ids are derived from them as slugs (ASCII letters, digits and `-`,
//! with a fallback when nothing is left), and the names themselves appear only inside KDL strings,
//! escaped ([`kdl_string`]), never in comments. Nothing is overwritten: every target is checked
//! first, and each file is created with `create_new`, which never follows a symbolic link.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::InitArgs;
use crate::units::Date;

/// A KDL v2 quoted string with the exact text of `s`: quotes, backslashes, newlines and every
/// control, bidirectional or otherwise invisible code point KDL refuses literally are escaped.
pub fn kdl_string(s: &str) -> String {
    let mut out = String::new();
    crate::escape::quoted(s, &mut out, |c, out| match c {
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if needs_escape(c) => crate::escape::visible(c, out),
        c => out.push(c),
    });
    out
}

/// Code points written as `\u{…}`: controls, KDL's other newlines, the bidirectional controls,
/// the byte-order mark and other format characters that would hide text.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
                | '\u{061C}' | '\u{FEFF}'
        )
}

/// An id from a name: lower-case ASCII letters and digits, German umlauts and ß spelled out,
/// everything else a single `-`; at most 24 characters; `fallback` when nothing is left or the
/// result does not start with a letter (a leading digit gets the fallback as prefix).
pub fn slug(name: &str, fallback: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let piece = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                s.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" {
            if !s.is_empty() && !s.ends_with('-') {
                s.push('-');
            }
        } else {
            s.push_str(piece);
        }
    }
    let mut s = s.trim_matches('-').to_string();
    // KDL v2 keeps these words from bare identifiers (`#true`, `#inf`, ...)
    if s.starts_with(|c: char| c.is_ascii_digit()) || matches!(s.as_str(), "true" | "false" | "null" | "inf" | "nan") {
        s = format!("{fallback}-{s}");
    }
    s.truncate(24);
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

/// The files of the new repository, relative to its folder, in the order they are written.
pub fn files(client: &str, provider: &str, today: Date) -> Vec<(&'static str, String)> {
    let (c, p) = ids(client, provider);
    let n = Names { client, provider, c: &c, p: &p, d: today.to_string() };
    vec![
        ("contingent.kdl", config_file(&n)),
        ("contacts/client.kdl", contacts_file(&n, &c, client, "client")),
        ("contacts/provider.kdl", contacts_file(&n, &p, provider, "provider")),
        ("inventory/systems.kdl", inventory_file(&n)),
        ("contracts/contract.kdl", contract_file(&n)),
        ("plans/app.kdl", plan_file(&n)),
        ("exercises/app.kdl", exercises_file(&n)),
        (".gitignore", GITIGNORE.to_string()),
    ]
}

/// The ids of the two parties, slugs of their names; the provider's differs from the client's.
fn ids(client: &str, provider: &str) -> (String, String) {
    let c = slug(client, "client");
    let mut p = slug(provider, "provider");
    if p == c {
        p = format!("{c}-provider");
    }
    (c, p)
}

/// What the files are written from: the parties' names and ids, and today's date.
struct Names<'a> {
    client: &'a str,
    provider: &'a str,
    c: &'a str,
    p: &'a str,
    d: String,
}

fn q(s: String) -> String {
    kdl_name(&s)
}

/// A name as `fmt` lays it out: bare when it is a plain word, else the quoted string of
/// [`kdl_string`].
fn kdl_name(s: &str) -> String {
    let quoted = kdl_string(s);
    let verbatim = !quoted.contains('\\') && !s.chars().any(|c| c.is_control() || crate::escape::is_unsafe(c));
    if verbatim {
        crate::diagnostic::kdl_word(s)
    } else {
        quoted
    }
}

/// `contingent.kdl`: the parties and the policy parameters.
fn config_file(n: &Names) -> String {
    let Names { client, provider, c, p, .. } = n;
    let (cn, pn) = (kdl_name(client), kdl_name(provider));
    format!(
        r#"// The plan repository for the emergency preparedness (IT-Grundschutz M 6.83) of outsourced IT
// operations: the client `{c}` and the provider `{p}`. Written by `contingent init`.
//
// Folders (the defaults): contacts/, inventory/, contracts/, plans/, exercises/, signoffs/.
// Check it with `contingent check`; until both parties have signed the plan,
// `contingent check --allow-unsigned` tolerates the missing sign-offs.

name {name}

// Exactly one client and one provider; a carrier (role=carrier) may be added.
party {c} role=client name={cn}
party {p} role=provider name={pn}

// Policy parameters (these are the defaults): exercise intervals per availability need, how
// often every scenario is exercised, how old a contact's verification may get.
policy {{
    exercise-interval normal="24mo" high="12mo" very-high="6mo"
    scenario-cycle "24mo"
    contact-max-age "6mo"
}}
"#,
        name = q(format!("{client} / {provider}: emergency preparedness")),
    )
}

/// The contacts of one side: its 24x7 desk and the emergency manager who signs its plans.
fn contacts_file(names: &Names, id: &str, name: &str, side: &str) -> String {
    let d = &names.d;
    let party = id;
    format!(
        r#"// Contacts of the {side}. Replace the names and numbers with real ones, and set `verified` to
// the day they were last checked (a verification older than six months is stale).

// The 24x7 desk: reachable around the clock, the first level of the escalation.
contact {id}-desk {{
    party {party}
    name {desk}
    role "24x7 IT emergency desk of the {side}"
    phone "+00 0000 {n}00000" available="24x7"
    deputy {id}-lead
    verified "{d}"
}}

// The person responsible for the plan on the {side}'s side, who also signs it off.
contact {id}-lead {{
    party {party}
    name {lead}
    role "Emergency manager ({side})"
    phone "+00 0000 {n}00001" available=business-hours
    mobile "+00 0000 {n}00002" available="24x7"
    deputy {id}-desk
    verified "{d}"
    // An approver signs plans for the {side}: add the SSH public key they sign with, e.g.
    // key "ssh-ed25519 AAAA... name@example" valid-after="{d}"
    may-approve #true
    // The GitHub login, for `contingent codeowners` and reminders:
    // github "login"
}}
"#,
        desk = q(format!("{name} IT emergency desk")),
        lead = q(format!("Emergency manager, {name}")),
        // placeholder numbers of their own per party: two parties' approvers never share one
        n = if side == "client" { 1 } else { 2 },
    )
}

/// `inventory/systems.kdl`: the application and the link it is reached through.
fn inventory_file(n: &Names) -> String {
    let Names { client, provider, c, p, d } = n;
    format!(
        r#"// Systems and interfaces covered by the plans. Protection needs are the client's to state and
// the provider's to acknowledge (`acknowledged`).

system {c}-app {{
    name {app}
    side provider
    operator {p}
    owner {c}-lead
    protection confidentiality=high integrity=high availability=high
    acknowledged by={p}-lead date="{d}"
    mtpd "48h"
    rto "8h"
    rpo "4h"
    infrastructure shared
    holds-data #true
}}

interface {c}-link {{
    name {link}
    type network-link
    contacts client={c}-desk provider={p}-desk
    protection confidentiality=high integrity=high availability=high
    acknowledged by={p}-lead date="{d}"
    mtpd "24h"
    rto "4h"
    rpo "0m"
}}
"#,
        app = q(format!("Core application of {client}")),
        link = q(format!("Network link between {client} and {provider}")),
    )
}

/// `contracts/contract.kdl`: the contract with its first revision.
fn contract_file(n: &Names) -> String {
    let Names { c, p, d, .. } = n;
    let contract_id = format!("{c}-{p}");
    format!(
        r#"// The contract and its revisions. A plan pins the revision it implements; a newer revision in
// effect makes it due for review. The emergency terms (categories, actions, escalation,
// cooperation, client participation) are those IT-Grundschutz M 2.253 asks for.

contract {contract_id} {{
    title "Outsourcing agreement"
    client {c}
    provider {p}
    revision 1 effective="{d}" {{
        sla {c}-app rto="8h" rpo="4h" availability="99.5%" redundant=#false {{
            response critical within="30m"
            backup every="4h" retention="30d" offsite=#true restore-test="3mo"
        }}
        sla {c}-link rto="4h" redundant=#false {{
            response critical within="30m"
        }}
        category critical type=outage severity=high urgency=immediate
        action "Open an incident ticket and call the provider's 24x7 desk"
        escalation "24x7 desk" "Emergency manager"
        cooperation "The provider cooperates with the client in every emergency"
        client-participation "The client takes part in the yearly joint exercise"
    }}
}}
"#
    )
}

/// `plans/app.kdl`: the plan for the application.
fn plan_file(n: &Names) -> String {
    let Names { client, provider, c, p, .. } = n;
    let contract_id = format!("{c}-{p}");
    format!(
        r#"// The contingency plan for the core application and the link it is reached through.

plan {c}-app {{
    title {title}
    covers {c}-app {c}-link
    contract {contract_id} revision=1
    responsible client={c}-lead provider={p}-lead
    objective {c}-app rto="8h" rpo="4h"

    // Who is told, in this order, each within its time limit; then the fallback.
    escalation {{
        level 1 notify={p}-desk within="15m"
        level 2 notify={p}-lead within="1h"
        level 3 notify={c}-desk within="2h"
        unreachable "Call the contact's deputy, then the other party's 24x7 desk"
    }}

    backup {{
        media dedicated
        schedule every="4h"
        retention "30d"
        offsite #true
        antivirus "Scanned before each backup and before a restore is handed back"
        restore-test every="3mo"
        deputy {p}-desk
        on-failure escalate-to={p}-lead within="2h"
    }}

    forbidden "Restart the application server while a batch run is active"

    // One scenario per kind of emergency: the cause, where the fault lies, who resolves it, how it
    // is detected and the work instructions.
    scenario disk-full cause=technical affects-others=#false resolver=provider {{
        fault-in provider
        detect "Monitoring alert: data volume above 90%"
        step "Extend the volume following the provider's runbook"
        step "Inform the client's emergency manager within one business day"
    }}

    exercise tabletop every="12mo" joint=#true
    exercise restore-test every="3mo"
}}
"#,
        title = q(format!("Core application of {client}, operated by {provider}")),
    )
}

/// `exercises/app.kdl`: the records of the exercises that put the plan in force.
fn exercises_file(n: &Names) -> String {
    let Names { c, p, d, .. } = n;
    format!(
        r#"// Exercise records of plan {c}-app: one per exercise held. These two stand for the exercises
// that put the plan in force; replace them with your own (date, participants, result, findings).

exercise {c}-app-tabletop-1 {{
    plan {c}-app
    kind tabletop
    date "{d}"
    scenarios disk-full
    participants {c}-lead {p}-lead
    result passed
}}

exercise {c}-app-restore-1 {{
    plan {c}-app
    kind restore-test
    date "{d}"
    scenarios disk-full
    participants {p}-desk {c}-lead
    result passed
}}
"#
    )
}

/// The repository's `.gitignore`: the handbook's default folder, which is generated.
const GITIGNORE: &str = "# Generated from the plan files, not part of them: the emergency handbook\n# (`contingent handbook` writes it here unless --out says otherwise).\n/handbook/\n";

/// `s` as one shell word: unchanged when it holds only safe characters, else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub fn run(args: &InitArgs) -> Result<u8, String> {
    for (what, name) in [("--client", &args.client), ("--provider", &args.provider)] {
        if name.trim().is_empty() {
            return Err(format!("{what} needs a name, e.g. {what} \"Example Bank AG\""));
        }
    }
    let today = match crate::clock::explicit(args.as_of.as_deref())? {
        Some(c) => c.today,
        None => Date::today_utc(),
    };
    let mut files = files(&args.client, &args.provider, today);
    // in the layout `fmt` keeps, so a new repository passes `fmt --check` (the `fmt` hook)
    for (rel, text) in &mut files {
        if let (true, crate::fmt::Formatted::Text(canonical)) = (rel.ends_with(".kdl"), crate::fmt::format(text)) {
            *text = canonical;
        }
    }
    let dir = &args.folder;
    // a .gitignore already there is the user's: kept as it is, and no reason to stop (the
    // handbook's default folder ignores itself anyway)
    let kept_ignore = dir.join(".gitignore").symlink_metadata().is_ok();
    if kept_ignore {
        files.retain(|(rel, _)| *rel != ".gitignore");
    }
    // Everything is checked before anything is written.
    if let Ok(meta) = dir.symlink_metadata() {
        if !meta.is_dir() {
            return Err(format!("{} exists and is not a folder: nothing was written", dir.display()));
        }
    }
    // A repository inside another would have its files read as the outer one's.
    let absolute = std::path::absolute(dir).map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    if let Some(outer) = absolute
        .ancestors()
        .skip(1)
        .find_map(|a| a.canonicalize().ok().filter(|c| c.join(crate::load::CONFIG_FILE).symlink_metadata().is_ok()))
    {
        return Err(format!(
            "{} is inside the plan repository {}: its files would be read as part of that one; nothing was written (choose a folder outside it)",
            dir.display(),
            outer.display()
        ));
    }
    let mut existing = Vec::new();
    let mut folders: Vec<PathBuf> = Vec::new();
    for (rel, _) in &files {
        let path = dir.join(rel);
        if path.symlink_metadata().is_ok() {
            existing.push(path.display().to_string());
        }
        if let Some(parent) = Path::new(rel).parent().filter(|p| !p.as_os_str().is_empty()) {
            let folder = dir.join(parent);
            match folder.symlink_metadata() {
                Ok(m) if m.is_dir() => {}
                Ok(_) => existing.push(format!("{} (not a folder)", folder.display())),
                Err(_) => {
                    if !folders.contains(&folder) {
                        folders.push(folder)
                    }
                }
            }
        }
    }
    if !existing.is_empty() {
        return Err(format!(
            "refusing to overwrite: {} already exist{}; nothing was written (run `contingent init` in an empty folder)",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<(), String> {
        for folder in &folders {
            std::fs::create_dir(folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
            written.push(folder.clone());
        }
        for (rel, text) in &files {
            let path = dir.join(rel);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            written.push(path.clone());
            file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        // Take back what this run made (only that), newest first.
        for path in written.iter().rev() {
            let _ = if path.is_dir() { std::fs::remove_dir(path) } else { std::fs::remove_file(path) };
        }
        return Err(format!("{e}; nothing was kept"));
    }
    let shown = dir.display().to_string();
    let arg = if shown == "." { String::new() } else { format!(" {}", shell_word(&shown)) };
    let (c, p) = ids(&args.client, &args.provider);
    let mut out = format!("wrote a plan repository in {shown}:\n");
    for (rel, _) in &files {
        out.push_str(&format!("  {rel}\n"));
    }
    if kept_ignore {
        out.push_str("  (the .gitignore there was kept as it was)\n");
    }
    out.push_str(&format!(
        "\nnext steps:\n\
         1. check it (clean apart from the sign-offs, which only the approvers can make):\n\
         \x20     contingent check{arg} --allow-unsigned\n\
         2. replace the example names, numbers and dates with real ones; `contingent fmt{arg}` lays the files out\n\
         3. add each approver's SSH public key (`key \"ssh-ed25519 ...\"` in contacts/client.kdl and contacts/provider.kdl)\n\
         4. both parties sign the plan:\n\
         \x20     contingent sign {c}-app --party client --as {c}-lead{arg}\n\
         \x20     contingent sign {c}-app --party provider --as {p}-lead{arg}\n\
         \x20  then `contingent check{arg}` is clean without --allow-unsigned\n\
         5. in a Git repository: `git init`, commit, and `contingent hook install{arg}` (the pre-commit hook);\n\
         \x20  for GitHub, copy .github/workflows/plan-repository.yml of contingent (README, \"Git\")\n",
    ));
    super::print(&out)?;
    Ok(crate::exit::CLEAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Hanseatische Privatbank AG", "client"), "hanseatische-privatbank");
        assert_eq!(slug("Müller & Söhne GmbH", "client"), "mueller-soehne-gmbh");
        assert_eq!(slug("東京銀行", "client"), "client");
        assert_eq!(slug("  --  ", "provider"), "provider");
        assert_eq!(slug("1&1 Versatel", "provider"), "provider-1-1-versatel");
        assert_eq!(slug("#true", "client"), "client-true");
        assert!(slug(&"a".repeat(100), "x").len() <= 24);
    }

    #[test]
    fn strings_round_trip() {
        for s in ["plain", "a \"quoted\" \\ name", "line\nbreak\ttab", "\u{202e}bidi\u{0}nul", "Ünïcødé ✓"] {
            let doc: kdl::KdlDocument = format!("n {}", kdl_string(s)).parse().expect("parses");
            assert_eq!(doc.nodes()[0].entries()[0].value().as_string(), Some(s));
        }
    }
}
