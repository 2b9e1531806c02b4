//! `contingent sign`, `contingent signoffs`, `contingent digest`.

use std::fmt::Write as _;
use std::path::Path;

use crate::check::{self, Checked, Context};
use crate::cli::{Party, SignArgs, SignoffsArgs, TableFormat};
use crate::commands::check::{find_root, path_prefix};
use crate::diagnostic::{did_you_mean, Diagnostic, Severity};
use crate::exit;
use crate::format::Kind;
use crate::model::{Contact, Located, Model, PartyRole, Plan, Side};
use crate::render::{self, Report};
use crate::rules::Family;
use crate::signoff::statement::{self, party_word, Statement};
use crate::signoff::{self, record, ssh_keygen, sshsig, State};
use crate::source::worktree::WorkTree;
use crate::units::Date;

fn load(root: &Path, as_of: Date) -> Result<Checked, String> {
    let source = WorkTree::new(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    Ok(check::check(&source, &Context::new(as_of)))
}

/// The plan with this id, or why there is none.
fn find_plan<'m>(checked: &'m Checked, id: &str) -> Result<&'m Located<Plan>, String> {
    let model = &checked.loaded.model;
    if let Some(p) = model.plans.iter().find(|p| p.id.value == id) {
        return Ok(p);
    }
    if checked.loaded.broken.contains(&(Kind::Plan, id.to_string())) {
        return Err(format!("plan `{id}` has errors: run `contingent check` and fix them first"));
    }
    let hint = did_you_mean(id, model.plans.iter().map(|p| p.id.value.as_str()))
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_else(|| {
            let ids: Vec<&str> = model.plans.iter().map(|p| p.id.value.as_str()).collect();
            if ids.is_empty() {
                " (the repository has no plans)".into()
            } else {
                format!(" (plans: {})", ids.join(", "))
            }
        });
    Err(format!("no plan is named `{id}`{hint}"))
}

fn party_id(model: &Model, side: Side) -> Option<String> {
    let role = if side == Side::Client { PartyRole::Client } else { PartyRole::Provider };
    let config = model.config.as_ref()?;
    let mut it = config.party.iter().filter(|p| *p.role == role);
    let first = it.next()?;
    it.next().is_none().then(|| first.id.value.clone())
}

/// `contingent digest PLAN`: the canonical digest, one line.
pub fn digest(plan: &str, repo: &Path) -> Result<u8, String> {
    let root = find_root(repo)?;
    let checked = load(&root, Date::today_utc())?;
    let p = find_plan(&checked, plan)?;
    super::print(&format!("{}\n", p.digest))?;
    Ok(exit::CLEAN)
}

fn side_of(p: Party) -> Side {
    match p {
        Party::Client => Side::Client,
        Party::Provider => Side::Provider,
    }
}

/// `contingent sign PLAN --party P --as CONTACT [--key PATH]`, or `sign --roster P --as CONTACT`.
pub fn sign(args: &SignArgs) -> Result<u8, String> {
    let date = match crate::clock::explicit(args.as_of.as_deref())? {
        Some(c) => c.today,
        None => Date::today_utc(),
    };
    if let Some(p) = args.roster {
        // no plan is named with --roster: the one positional argument is the folder
        if args.plan.is_some() && args.repo.repo.is_some() {
            return Err("--roster signs no plan: give the folder once, as PATH or --repo".into());
        }
        let root = find_root(&args.repo.or(&args.plan.as_ref().map(std::path::PathBuf::from)))?;
        return sign_roster(args, &root, side_of(p), date);
    }
    let root = find_root(&args.repo.or(&args.path))?;
    let (Some(plan_id), Some(party)) = (&args.plan, args.party) else {
        return Err("name the plan and the party (`contingent sign PLAN --party client|provider --as CONTACT`), or sign a roster with --roster".into());
    };
    let checked = load(&root, date)?;
    let plan = find_plan(&checked, plan_id)?;
    let side = side_of(party);
    refuse_plan_errors(&checked, plan, &root, date)?;
    let signer = signer_for(&checked.loaded.model, side, &args.signer)?;
    let key = key_to_sign_with(&root, args.key.as_deref())?;
    listed_key(&key, signer, date)?;
    let rel = signoffs_file(&checked.loaded.model, &format!("{}.kdl", plan.id.value));
    if rel == crate::load::CONFIG_FILE {
        return Err(format!(
            "the sign-off file of plan `{}` would be {rel}: set another `paths signoffs=...`",
            plan.id.value
        ));
    }
    let existing = read_existing(&inside_root(&root, &rel)?, &rel)?;
    let signing = Signing { args, root: &root, checked: &checked, plan, signer, side, rel, date };
    let remove = signing.superseded(existing.as_deref())?;
    let new_text = signing.signed_record(&key, existing.as_deref(), &remove)?;
    write_record(&root, &signing.rel, &new_text)?;
    let out = signing.report(remove.len())?;
    super::print(&out)?;
    Ok(exit::CLEAN)
}

/// A sign-off of a plan being made: by whom, for which party, into which file.
struct Signing<'a> {
    args: &'a SignArgs,
    root: &'a Path,
    checked: &'a Checked,
    plan: &'a Located<Plan>,
    signer: &'a Located<Contact>,
    side: Side,
    /// the sign-off file, relative to the root
    rel: String,
    date: Date,
}

/// The plan must be free of errors (sign-off findings aside: they are what signing fixes;
/// and whether its exercises were held is a fact of the records, not of the content signed:
/// a new plan is exercised after it is approved). Prints them when it is not.
fn refuse_plan_errors(checked: &Checked, plan: &Located<Plan>, root: &Path, date: Date) -> Result<(), String> {
    let files = &checked.loaded.files;
    let subject = format!("plan:{}", plan.id.value);
    let records_only = |d: &Diagnostic| matches!(d.rule.code, "EXR004" | "EXR005" | "EXR009");
    let errors: Vec<Diagnostic> = checked
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error && d.counts() && d.rule.family != Family::Signoff)
        .filter(|d| !records_only(d))
        .filter(|d| d.location.is_some_and(|l| l.file == plan.file) || d.subject.as_deref() == Some(subject.as_str()))
        .cloned()
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let report = Report {
        files,
        diagnostics: &errors,
        path_prefix: path_prefix(root),
        as_of: date,
        as_of_source: "the signing date",
        notice: None,
        files_checked: files.len(),
    };
    super::print_styled(&render::human::render(&report))?;
    Err(format!(
        "refusing to sign plan `{}`: it has {} error{} (above); fix {} and sign again",
        plan.id.value,
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        if errors.len() == 1 { "it" } else { "them" }
    ))
}

/// The id of the single party with the side's role, or why the configuration lacks one.
fn single_party(model: &Model, side: Side) -> Result<String, String> {
    party_id(model, side).ok_or_else(|| {
        format!("contingent.kdl names no single party with role={}: fix the configuration first", party_word(side))
    })
}

/// The contact with this id, or why there is none.
fn known_contact<'m>(model: &'m Model, id: &str) -> Result<&'m Located<Contact>, String> {
    model.contacts.iter().find(|c| c.id.value == id).ok_or_else(|| {
        let hint = did_you_mean(id, model.contacts.iter().map(|c| c.id.value.as_str()))
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        format!("no contact is named `{id}`{hint}")
    })
}

/// The signer must be able to sign for the party: a contact of it, an approver, with a key.
fn signer_for<'m>(model: &'m Model, side: Side, id: &str) -> Result<&'m Located<Contact>, String> {
    let party = party_word(side);
    let party_id = single_party(model, side)?;
    let signer = known_contact(model, id)?;
    if signer.party.value != party_id {
        return Err(format!(
            "{} is a contact of {}, not of the {party} ({party_id}): they cannot sign for the {party}",
            signer.id.value, signer.party.value
        ));
    }
    if !signer.may_approve {
        return Err(format!(
            "{} may not approve plans: their contact entry lacks `may-approve #true`",
            signer.id.value
        ));
    }
    if signer.key.is_empty() {
        return Err(format!(
            "{} has no signing key: add the public key to the contact (`key \"ssh-ed25519 AAAA...\"`) first",
            signer.id.value
        ));
    }
    Ok(signer)
}

/// The key `--key` names (or Git's signing key), when its file is there.
fn key_to_sign_with(root: &Path, flag: Option<&Path>) -> Result<ssh_keygen::SigningKey, String> {
    let key = ssh_keygen::signing_key(root, flag)?;
    if let ssh_keygen::SigningKey::File(path) = &key {
        if !path.is_file() {
            return Err(format!("no key file at {}", path.display()));
        }
    }
    Ok(key)
}

/// The key, where its public half is known, must be one the signer lists, valid on the date.
fn listed_key(key: &ssh_keygen::SigningKey, signer: &Located<Contact>, date: Date) -> Result<(), String> {
    let Some(public) = ssh_keygen::public_key(key) else { return Ok(()) };
    let listed = signer.key.iter().find(|k| sshsig::parse_public_key(&k.key.value).ok().as_ref() == Some(&public));
    let Some(k) = listed else {
        return Err(format!(
            "the key {} is not listed for {}: add it to the contact (`key \"{}\"`) or sign with a listed key (--key PATH)",
            sshsig::fingerprint(&public),
            signer.id.value,
            sshsig::openssh(&public)
        ));
    };
    let after = k.valid_after.as_ref().is_none_or(|a| a.value <= date);
    let before = k.valid_before.as_ref().is_none_or(|b| date < b.value);
    if !(after && before) {
        return Err(format!(
            "the key {} of {} is not valid on {date} (see its valid-after and valid-before)",
            sshsig::fingerprint(&public),
            signer.id.value
        ));
    }
    Ok(())
}

/// Where a sign-off file goes: `name` in the configuration's sign-off folder.
fn signoffs_file(model: &Model, name: &str) -> String {
    let config = model.config.as_ref().map(|c| c.paths.signoffs.clone()).unwrap_or_else(|| "signoffs".into());
    let folder = crate::source::normalise_dir(&config);
    if folder == "." {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// The text of the file at `path` when there is one; never one behind a link.
fn read_existing(path: &Path, rel: &str) -> Result<Option<String>, String> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() || !m.is_file() => {
            Err(format!("{rel} is not a regular file: refusing to write it"))
        }
        Ok(_) => Ok(Some(std::fs::read_to_string(path).map_err(|e| format!("cannot read {rel}: {e}"))?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {rel}: {e}")),
    }
}

impl Signing<'_> {
    /// The records the new one supersedes: the same plan and party in this file, of another version
    /// or by the same signer (a retirement supersedes every record of the party). The file must be
    /// one `check` reads, without errors.
    fn superseded(&self, existing: Option<&str>) -> Result<Vec<crate::diagnostic::Span>, String> {
        let Some(text) = existing else { return Ok(Vec::new()) };
        let Signing { args, checked, plan, signer, side, .. } = *self;
        let rel = self.rel.as_str();
        let (model, files) = (&checked.loaded.model, &checked.loaded.files);
        let file_id = (0..files.len() as u32)
            .map(crate::diagnostic::FileId)
            .find(|&f| files.get(f).path == rel && files.get(f).text == *text);
        let file_errors = file_id.is_some_and(|f| {
            checked.diagnostics().iter().any(|d| {
                d.severity == Severity::Error
                    && d.rule.family != Family::Signoff
                    && d.location.is_some_and(|l| l.file == f)
            })
        });
        if file_id.is_none() {
            return Err(format!(
                "{rel} is not one of the files `contingent check` reads (it was not loaded as a sign-off file): refusing to add a record to it"
            ));
        }
        if file_errors {
            return Err(format!("{rel} has errors: run `contingent check`, fix them, and sign again"));
        }
        let mut diags = Vec::new();
        let nodes = crate::syntax::parse(crate::diagnostic::FileId(0), text, &mut diags)
            .ok_or_else(|| format!("{rel} does not parse: run `contingent check`"))?;
        let mut remove = Vec::new();
        for s in &model.signoffs {
            if Some(s.file) != file_id || s.plan.value != plan.id.value || *s.party != side {
                continue;
            }
            // a retirement supersedes every record of the party; an approval, those of other
            // content and the signer's own
            if args.retire || s.is_retirement() || s.digest.value != plan.digest || s.signer.value == signer.id.value {
                if let Some(n) = nodes.iter().find(|n| n.span.start <= s.head.start && s.head.start < n.span.end) {
                    remove.push(n.span);
                }
            }
        }
        Ok(remove)
    }

    /// Signs the statement (with the plan's context unless it retires the plan) and returns the
    /// file's new text, verified exactly as `check` will read it.
    fn signed_record(
        &self,
        key: &ssh_keygen::SigningKey,
        existing: Option<&str>,
        remove: &[crate::diagnostic::Span],
    ) -> Result<String, String> {
        let Signing { args, root, plan, .. } = *self;
        let context = signoff::context::of_plan(&self.checked.loaded.model, plan);
        let statement = Statement {
            plan: plan.id.value.clone(),
            digest: plan.digest.clone(),
            party: self.side,
            signer: self.signer.id.value.clone(),
            date: self.date,
            context: (!args.retire).then(|| signoff::context::digest(&context)),
            retire: args.retire,
        };
        let armour = ssh_keygen::sign(&ssh_keygen::program(root), key, statement::NAMESPACE, &statement.message())?;
        let pretty = signoff::context::pretty(&context);
        let text = record::render(&statement, (!args.retire).then_some(pretty.as_str()), &armour);
        let new_text = record::replace(existing.unwrap_or(&record::header(&plan.id.value)), remove, &text);
        verify_new_record(root, &self.rel, &new_text, self.date, &statement)?;
        Ok(new_text)
    }

    /// What `sign` reports: the record written and what it replaced, other files with sign-offs of
    /// the plan, and what the plan still needs.
    fn report(&self, replaced: usize) -> Result<String, String> {
        let Signing { args, root, checked, plan, signer, side, date, .. } = *self;
        let rel = self.rel.as_str();
        let party = party_word(side);
        let mut out = format!(
            "signed {}plan `{}` ({}) for the {party} as {} on {date}\nwrote {}{rel}",
            if args.retire { "the retirement of " } else { "" },
            plan.id.value,
            plan.digest,
            signer.id.value,
            path_prefix(root)
        );
        if replaced > 0 {
            let _ = write!(
                out,
                " (replacing {replaced} earlier sign-off{} of the {party})",
                if replaced == 1 { "" } else { "s" }
            );
        }
        out.push('\n');
        for p in others_elsewhere(checked, plan, rel) {
            let _ = writeln!(out, "note: {p} also holds sign-offs of plan `{}`; it was not changed", plan.id.value);
        }
        let other = if side == Side::Client { Side::Provider } else { Side::Client };
        if args.retire {
            let _ = writeln!(
                out,
                "the plan is retired when the {} has signed its retirement too (`contingent sign {} --retire --party {} --as <contact>`) and its file is deleted in the same change",
                party_word(other),
                plan.id.value,
                party_word(other)
            );
            return Ok(out);
        }
        let after = load(root, date)?;
        let eval = signoff::evaluate(&after.loaded.model, &after.loaded.files, &Context::new(date));
        if let Some(state) = eval.plans.iter().find(|p| p.plan == plan.id.value) {
            let o = if other == Side::Client { &state.client } else { &state.provider };
            if state.approved {
                let _ = writeln!(out, "plan `{}` is approved by the client and the provider", plan.id.value);
            } else if o.state != State::Signed {
                let _ = writeln!(
                    out,
                    "the {} still has to sign: contingent sign {} --party {} --as <contact>",
                    party_word(other),
                    plan.id.value,
                    party_word(other)
                );
            }
        }
        Ok(out)
    }
}

/// Writes a sign-off file: a temporary file next to the target, then a rename over it, in a
/// folder that is (still) inside the repository, so no link at either name is written through.
fn write_record(root: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = inside_root(root, rel)?;
    std::fs::create_dir_all(path.parent().unwrap_or(root))
        .map_err(|e| format!("cannot create the folder for {rel}: {e}"))?;
    // the folder just made (or found) must still be inside the repository
    let path = inside_root(root, rel)?;
    let (dir, name) = (path.parent().unwrap_or(root), path.file_name().unwrap_or_default().to_string_lossy());
    crate::replace::file(dir, &name, text.as_bytes(), None).map_err(|e| format!("cannot write {rel}: {e}"))
}

/// The other files that hold sign-offs of the plan (as `check` read them before signing).
fn others_elsewhere(checked: &Checked, plan: &Located<Plan>, rel: &str) -> Vec<String> {
    let mut others: Vec<String> = Vec::new();
    for s in &checked.loaded.model.signoffs {
        let p = &checked.loaded.files.get(s.file).path;
        if s.plan.value == plan.id.value && *p != rel && !others.contains(p) {
            others.push(p.clone());
        }
    }
    others
}

/// `contingent sign --roster P --as CONTACT`: signs the digest of the party's approver roster as
/// the work tree has it, into `signoffs/roster-<party>.kdl` (replacing that file's earlier roster
/// sign-offs of the party). Whether the sign-off counts is decided against a trusted base: the
/// signer must be an approver of the base's roster, with a key it trusts.
fn sign_roster(args: &SignArgs, root: &Path, side: Side, date: Date) -> Result<u8, String> {
    let checked = load(root, date)?;
    let model = &checked.loaded.model;
    let party = party_word(side);
    single_party(model, side)?;
    known_contact(model, &args.signer)?;
    let roster = signoff::roster(model, side);
    if roster.is_empty() {
        return Err(format!("the {party} has no approver with a key: there is no roster to sign"));
    }
    let rel = signoffs_file(model, &format!("roster-{party}.kdl"));
    if let Some(text) = read_existing(&inside_root(root, &rel)?, &rel)? {
        let nodes = crate::syntax::parse(crate::diagnostic::FileId(0), &text, &mut Vec::new())
            .ok_or_else(|| format!("{rel} does not parse: run `contingent check`"))?;
        let ours = nodes.iter().all(|n| {
            n.name.value == "roster"
                && n.entries.first().is_some_and(|e| e.value == crate::syntax::Value::String(party.into()))
        });
        if !ours {
            return Err(format!("{rel} holds more than roster sign-offs of the {party}: refusing to rewrite it"));
        }
    }
    let base = match &args.base {
        Some(rev) => rev.clone(),
        None => default_base(root)?,
    };
    let (chain, approvers) = replaced_roster(root, side, &base, date)?;
    if !approvers.contains(&args.signer) {
        return Err(format!(
            "{} is not an approver of the {party} in {base} ({}): a roster is signed by an approver of the roster it replaces, with a key that roster lists",
            args.signer,
            if approvers.is_empty() { "it has none".to_string() } else { format!("its approvers: {}", approvers.join(", ")) }
        ));
    }
    if chain.previous == signoff::roster::digest(&roster) {
        return Err(format!(
            "the {party}'s approver roster is the same as in {base}: there is no change to sign (name the commit the change will be checked against with --base REV)"
        ));
    }
    let statement = signoff::roster::RosterStatement {
        party: side,
        roster: signoff::roster::digest(&roster),
        signer: args.signer.clone(),
        date,
        chain: Some(chain),
    };
    let key = key_to_sign_with(root, args.key.as_deref())?;
    let armour = ssh_keygen::sign(&ssh_keygen::program(root), &key, statement::NAMESPACE, &statement.message())?;
    let text = format!(
        "// The approver roster of the {party}, signed by an approver of the roster before the change.\n// Written by `contingent sign --roster`; docs/signoff.md, section 9.\n\n{}",
        signoff::roster::render(&statement, &armour)
    );
    // verify what was made exactly as `check` will read it
    let (m, _, diags) = crate::load::load_file(&rel, &text, &[Kind::Roster]);
    let mut problems = diags;
    let valid = signoff::roster::verify_all(&m, Some(date), &mut problems);
    if valid.len() != 1 || problems.iter().any(|d| d.severity == Severity::Error) {
        let why: Vec<String> = problems.iter().map(|d| format!("{}: {}", d.rule.code, d.message)).collect();
        return Err(format!("the new roster sign-off does not verify, so it was not written: {}", why.join("; ")));
    }
    write_record(root, &rel, &text)?;
    let mut approvers: Vec<&str> = roster.iter().map(|k| k.contact.as_str()).collect();
    approvers.dedup();
    super::print(&format!(
        "signed the {party}'s approver roster ({}; {} key{} of {}) as {} on {date}\nwrote {}{rel}\nit counts where the trusted base (`check --changed-since`, `--trust`) lists {} as an approver of the {party} with this key\n",
        statement.roster,
        roster.len(),
        if roster.len() == 1 { "" } else { "s" },
        approvers.join(", "),
        args.signer,
        path_prefix(root),
        args.signer
    ))?;
    Ok(exit::CLEAN)
}

/// The default branch, which pull requests are checked against: the first of
/// `origin/HEAD`, `main`, `master`, `origin/main`, `origin/master` that exists.
fn default_base(root: &Path) -> Result<String, String> {
    let repo = crate::source::git::Repo::discover(root)
        .map_err(|e| format!("{e}: signing a roster needs the Git history, to name the roster it replaces"))?;
    super::diff::DEFAULT_BRANCHES.iter().find(|b| repo.commit(b).is_ok()).map(|b| b.to_string()).ok_or_else(|| {
        format!(
            "no default branch ({}) to take the replaced roster from: name the commit the change will be checked against with --base REV",
            super::diff::DEFAULT_BRANCHES.join(", ")
        )
    })
}

/// Where the new roster stands in the party's chain: the digest of the roster at `rev` (the
/// commit it replaces: the trusted base the change will be checked against) and one more than
/// that roster's version there.
fn replaced_roster(
    root: &Path,
    side: Side,
    rev: &str,
    date: Date,
) -> Result<(signoff::roster::Chain, Vec<String>), String> {
    use crate::source::git::Repo;
    let repo = Repo::discover(root).map_err(|e| {
        format!("{e}: signing a roster needs the Git history, to name the roster it replaces (--base REV)")
    })?;
    let root_rel = repo.relative_dir(&root.join(crate::load::CONFIG_FILE))?;
    let commit = repo.commit(rev)?;
    let snapshot = repo.tree_at_root(commit, &root_rel, &format!("commit {} (--base {rev})", repo.short(commit)))?;
    let base = check::check(&snapshot, &Context::new(date));
    let before = signoff::roster(&base.loaded.model, side);
    let valid = signoff::roster::verify_all(&base.loaded.model, None, &mut Vec::new());
    let mut approvers: Vec<String> = before.iter().map(|k| k.contact.clone()).collect();
    approvers.dedup();
    Ok((
        signoff::roster::Chain {
            version: signoff::roster::version_of(&before, side, &valid) + 1,
            previous: signoff::roster::digest(&before),
        },
        approvers,
    ))
}

/// `root/rel`, when it is inside the repository root: `rel` has no `..` and is not absolute, and
/// no folder on the way (nor the file) is a symbolic link; the canonical parent folder, where it
/// exists, is below the canonical root. `sign` writes nowhere else.
fn inside_root(root: &Path, rel: &str) -> Result<std::path::PathBuf, String> {
    let refuse = |why: String| {
        Err(format!(
            "the sign-off file {rel} {why}: `contingent sign` writes only inside the repository ({})",
            root.display()
        ))
    };
    let rel_path = Path::new(rel);
    if rel_path.is_absolute()
        || rel_path.components().any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
    {
        return refuse("is outside the repository (check `paths signoffs=` in contingent.kdl)".into());
    }
    let canonical_root = root.canonicalize().map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let mut at = canonical_root.clone();
    for part in rel_path.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let shown = at.strip_prefix(&canonical_root).unwrap_or(&at).display().to_string();
                return refuse(format!("goes through the symbolic link {shown}"));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) => return Err(format!("cannot read {}: {e}", at.display())),
        }
    }
    let path = canonical_root.join(rel_path);
    if let Some(parent) = path.parent().and_then(|p| p.canonicalize().ok()) {
        if !parent.starts_with(&canonical_root) {
            return refuse("is outside the repository".into());
        }
    }
    Ok(path)
}

/// Checks the new file's text as `check` would, with the new file in place, before anything is
/// written: the new record must be valid.
fn verify_new_record(root: &Path, rel: &str, text: &str, date: Date, statement: &Statement) -> Result<(), String> {
    struct Overlay<'a> {
        inner: WorkTree,
        rel: &'a str,
        text: &'a str,
    }
    impl crate::source::Source for Overlay<'_> {
        fn list(&self, dir: &str) -> Vec<crate::source::Listed> {
            let mut l = self.inner.list(dir);
            let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
            let f = crate::source::Listed::File(self.rel.to_string());
            if self.rel.starts_with(&prefix) && !l.contains(&f) {
                l.push(f);
                l.sort_by(|a, b| a.path().cmp(b.path()));
            }
            l
        }
        fn read(&self, path: &str, limit: u64) -> crate::source::Read {
            if path == self.rel {
                crate::source::Read::Bytes(self.text.as_bytes().to_vec())
            } else {
                self.inner.read(path, limit)
            }
        }
        fn describe(&self) -> String {
            self.inner.describe()
        }
    }
    let inner = WorkTree::new(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let checked = check::check(&Overlay { inner, rel, text }, &Context::new(date));
    let model = &checked.loaded.model;
    let files = &checked.loaded.files;
    let mine = model.signoffs.iter().find(|s| {
        files.get(s.file).path == rel
            && s.plan.value == statement.plan
            && s.signer.value == statement.signer
            && *s.party == statement.party
            && s.digest.value == statement.digest
    });
    let Some(mine) = mine else {
        return Err(format!("the new record in {rel} did not load: this is a bug in contingent"));
    };
    let within = |l: &crate::diagnostic::Location| {
        l.file == mine.file && mine.head.start <= l.span.start && l.span.start <= mine.signature.span.end
    };
    let problems: Vec<String> = checked
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error && d.location.as_ref().is_some_and(within))
        .map(|d| format!("{}: {}", d.rule.code, d.message))
        .collect();
    if !problems.is_empty() {
        return Err(format!("the new sign-off does not verify, so it was not written: {}", problems.join("; ")));
    }
    Ok(())
}

/// `contingent signoffs`: each plan's state for client and provider.
pub fn signoffs(args: &SignoffsArgs) -> Result<u8, String> {
    let report = &args.report;
    let root = find_root(&report.path)?;
    let (clock, checked, trusted) =
        super::report::load_trusted(&report.path, report.as_of.as_deref(), args.trust.as_deref())?;
    let files = &checked.loaded.files;
    let base = trusted.as_ref().map(|t| {
        let mut b = t.base();
        b.broken_plans = check::broken_plans(&checked.loaded.broken);
        b
    });
    let mut eval = signoff::evaluate_with(&checked.loaded.model, files, &Context::new(clock.today), base.as_ref());
    eval.plans.sort_by(|a, b| a.plan.cmp(&b.plan));
    let broken = broken_plans(&checked, &eval);
    let listing = Listing {
        eval: &eval,
        broken,
        // what a reader must know about the verdict: which base it was judged against, if any
        judged: match &trusted {
            Some(t) => format!("judged against {}: its approvers and keys, its records", t.name),
            None => format!("no trusted base: {}", super::report::NO_BASE),
        },
        prefix: path_prefix(&root),
        files,
    };
    let out = match report.format {
        TableFormat::Json => listing.json(&clock, trusted.as_ref().map(|t| t.name.clone()))?,
        TableFormat::Markdown => listing.markdown(),
        TableFormat::Table => listing.table(),
    };
    super::print(&out)?;
    Ok(exit::CLEAN)
}

/// Plans that failed to load are not approved: listed, never left out.
fn broken_plans<'c>(checked: &'c Checked, eval: &signoff::Evaluation) -> Vec<&'c str> {
    let mut broken: Vec<&str> = checked
        .loaded
        .broken
        .iter()
        .filter(|(kind, id)| *kind == Kind::Plan && !eval.plans.iter().any(|p| p.plan == *id))
        .map(|(_, id)| id.as_str())
        .collect();
    broken.sort_unstable();
    broken.dedup();
    broken
}

const BROKEN_PROBLEM: &str =
    "the plan has errors, so its content and sign-offs cannot be judged: run `contingent check` and fix them";

/// What `signoffs` lists: each plan's state, the plans that did not load, and which base the
/// verdict was judged against.
struct Listing<'a> {
    eval: &'a signoff::Evaluation,
    broken: Vec<&'a str>,
    judged: String,
    prefix: String,
    files: &'a crate::source::Files,
}

/// A party's cell in a table: its state, and who signed on which day.
fn cell(p: &signoff::PartyState) -> String {
    match p.approvals.first() {
        Some(a) if p.approvals.len() > 1 && p.state == State::Signed => {
            let names: Vec<&str> = p.approvals.iter().map(|a| a.signer.as_str()).collect();
            format!("{} {} {}", p.state.word(), names.join(", "), a.date)
        }
        Some(a) => format!("{} {} {}", p.state.word(), a.signer, a.date),
        None => p.state.word().to_string(),
    }
}

impl Listing<'_> {
    /// A place as the listing shows it: the file (with the path prefix) and the line.
    fn place(&self, l: &crate::diagnostic::Location) -> (String, usize) {
        let f = self.files.get(l.file);
        (format!("{}{}", self.prefix, f.path), f.line_col(l.span.start).0)
    }

    /// `--format json`.
    fn json(&self, clock: &crate::clock::Clock, trusted_base: Option<String>) -> Result<String, String> {
        let party = |p: &signoff::PartyState| {
            serde_json::json!({
                "state": p.state,
                "signoffs": p.approvals.iter().map(|a| {
                    let (file, line) = self.place(&a.location);
                    serde_json::json!({"signer": a.signer, "date": a.date.to_string(), "digest": a.digest, "file": file, "line": line})
                }).collect::<Vec<_>>(),
                "problems": p.problems,
            })
        };
        let plans: Vec<serde_json::Value> = self
            .eval
            .plans
            .iter()
            .map(|p| {
                let (file, line) = self.place(&p.location);
                serde_json::json!({
                    "plan": p.plan,
                    "file": file,
                    "line": line,
                    "digest": p.digest,
                    "approved": p.approved,
                    "problem": p.problem,
                    "client": party(&p.client),
                    "provider": party(&p.provider),
                })
            })
            .chain(self.broken.iter().map(|id| {
                let party = serde_json::json!({"state": "broken", "signoffs": [], "problems": []});
                serde_json::json!({
                    "plan": id,
                    "broken": true,
                    "approved": false,
                    "problem": BROKEN_PROBLEM,
                    "client": party,
                    "provider": party,
                })
            }))
            .collect();
        let doc = serde_json::json!({
            "version": 1,
            "as_of": clock.today.to_string(),
            "as_of_source": clock.source,
            "namespace": statement::NAMESPACE,
            "trusted_base": trusted_base,
            "plans": plans,
        });
        let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        s.push('\n');
        Ok(s)
    }

    /// `--format markdown`.
    fn markdown(&self) -> String {
        let mut s = String::from("| plan | approved | client | provider |\n|---|---|---|---|\n");
        for p in &self.eval.plans {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                p.plan,
                if p.approved { "yes" } else { "**no**" },
                cell(&p.client),
                cell(&p.provider)
            );
        }
        for id in &self.broken {
            let _ = writeln!(s, "| `{id}` | **no** | broken | broken |");
        }
        s.push_str(&self.footer());
        s
    }

    /// The plain table, columns padded to their widest cell.
    fn table(&self) -> String {
        let rows: Vec<[String; 4]> = self
            .eval
            .plans
            .iter()
            .map(|p| [p.plan.clone(), if p.approved { "yes" } else { "no" }.into(), cell(&p.client), cell(&p.provider)])
            .chain(self.broken.iter().map(|id| [id.to_string(), "no".into(), "broken".into(), "broken".into()]))
            .collect();
        let header = ["plan".to_string(), "approved".into(), "client".into(), "provider".into()];
        let mut widths = [0usize; 4];
        for r in std::iter::once(&header).chain(&rows) {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut s = String::new();
        for r in std::iter::once(&header).chain(&rows) {
            let line: Vec<String> = r.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
            let _ = writeln!(s, "{}", line.join("  ").trim_end());
        }
        if rows.is_empty() {
            s.push_str("(no plans)\n");
        }
        s.push_str(&self.footer());
        s
    }

    /// The lines under a table: the notes, the plans that did not load, and the base.
    fn footer(&self) -> String {
        let mut s = notes(self.eval, &|l| self.place(l));
        for id in &self.broken {
            let _ = writeln!(s, "\n{}: {BROKEN_PROBLEM}", crate::escape::line(id));
        }
        let _ = writeln!(s, "\n{}", crate::escape::line(&self.judged));
        s
    }
}

/// Lines under a table: what is wrong with invalid sign-offs and unapproved plans.
fn notes(eval: &signoff::Evaluation, place: &dyn Fn(&crate::diagnostic::Location) -> (String, usize)) -> String {
    let mut s = String::new();
    // each note on a line of its own: repository text inside it is escaped (`escape::line`), so
    // a line break in a file name or a message never starts a line
    let mut note = |text: String| {
        let _ = writeln!(s, "\n{}", crate::escape::line(&text));
    };
    for p in &eval.plans {
        if let Some(problem) = &p.problem {
            note(format!("{}: {problem}", p.plan));
        }
        for (side, st) in [(Side::Client, &p.client), (Side::Provider, &p.provider)] {
            for problem in &st.problems {
                note(format!("{} ({}): invalid sign-off: {problem}", p.plan, party_word(side)));
            }
            if st.state == State::Stale && st.approvals[0].digest != p.digest {
                let (file, line) = place(&p.location);
                note(format!(
                    "{} ({}): changed since signed ({file}:{line} is now {}, the sign-off is for {})",
                    p.plan,
                    party_word(side),
                    signoff::short_digest(&p.digest),
                    signoff::short_digest(&st.approvals[0].digest)
                ));
            }
        }
    }
    // why a sign-off of the current content does not count (what it relies on changed, a
    // rollback), and what a trusted base finds (removals, roster changes): the findings themselves
    for d in eval.diagnostics.iter().filter(|d| matches!(d.rule.code, "SIG016" | "SIG018" | "SIG019" | "SIG021")) {
        let about =
            d.subject.as_deref().and_then(|x| x.strip_prefix("plan:")).map(|p| format!("{p}: ")).unwrap_or_default();
        note(format!("{about}{}: {}", d.rule.code, d.message));
    }
    s
}
