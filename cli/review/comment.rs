//! The review comment, in the order a reviewer acts on it: what blocks the merge and who must
//! act (one block per party, its approvers named once, the exact `contingent sign` command for
//! each), the weaker changes whole, the errors the change adds, the plans (each with why it needs
//! signing), and then, shortened to fit, the stronger and neutral changes and the other
//! findings. Everything stays within the body's budget.

use std::fmt::Write as _;

use super::inline::{changed_text, code, message};
use super::{Change, Finding, PartyReview, PlanReview, Review};
use crate::diff::{Class, DiffReport};
use crate::escape::markdown as md;

const FOOTER: &str = "<sub>The full report is in the job summary. Plan text is shown as data: mentions, references and markup are neutralised.</sub>\n";
/// Room kept for the sections after the weaker changes (the plans table at least in summary).
const RESERVE: usize = 6_000;
/// The approval findings already shown per plan in the table: grouped to one line per code.
const PER_PLAN_CODES: [&str; 4] = ["SIG001", "SIG002", "SIG016", "SIG019"];

/// The comment body within `budget` bytes; the one-line comment when the change touches nothing
/// contingent judges.
pub fn body(marker: &str, r: &Review, diff: Option<&DiffReport>, budget: usize) -> String {
    if r.is_empty() && diff.is_none_or(DiffReport::is_empty) {
        return format!("{marker}\n{}\n", quiet_line(r));
    }
    let mut out = format!("{marker}\n");
    out.push_str(&headline(r));
    out.push_str(&who_must_act(r, budget / 4));
    let room = |out: &String| budget.saturating_sub(out.len() + FOOTER.len() + 200);
    if let Some(d) = diff {
        let weaker = changes(d, Class::Weaker, room(&out).saturating_sub(RESERVE), false);
        out.push_str(&weaker);
    }
    // the plans table is laid out first, so that the errors before it leave it its room
    let table = plans_table(r, (room(&out) / 2).min(RESERVE * 2));
    let errors: Vec<&Finding> = r.new.iter().filter(|f| f.severity == "error" && !per_plan(f)).collect();
    let room_for_errors = room(&out).saturating_sub(table.len()) / 2;
    out.push_str(&findings_list("Errors the change adds", &errors, room_for_errors, false));
    out.push_str(&table);
    if let Some(d) = diff {
        for class in [Class::Stronger, Class::Neutral] {
            let part = changes(d, class, room(&out) / 2, true);
            out.push_str(&part);
        }
    }
    let rest: Vec<&Finding> = r.new.iter().filter(|f| f.severity != "error" || per_plan(f)).collect();
    out.push_str(&findings_list("Other new findings", &rest, room(&out) * 2 / 3, true));
    let resolved: Vec<&Finding> = r.resolved.iter().collect();
    out.push_str(&findings_list("Resolved findings", &resolved, room(&out), true));
    out.push_str(FOOTER);
    out
}

/// The verdict, who must act and every plan, for the job summary (the findings and the domain
/// diff follow it there).
pub fn overview(r: &Review, room: usize) -> String {
    if r.is_empty() {
        return format!("{}\n\n", quiet_line(r));
    }
    let mut s = headline(r);
    s.push_str(&who_must_act(r, room / 4));
    s.push_str(&plans_table(r, room / 2));
    s
}

/// The one line for a pull request that changes nothing contingent judges.
pub fn quiet_line(r: &Review) -> String {
    format!(
        "contingent review: base `{}` → head `{}` changes no plan and nothing a plan relies on: nothing to sign.",
        md(&r.base),
        md(&r.head)
    )
}

fn per_plan(f: &Finding) -> bool {
    PER_PLAN_CODES.contains(&f.code.as_str())
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The verdict and what blocks it, never cut.
fn headline(r: &Review) -> String {
    let mut s = String::new();
    let unsigned = r.plans.iter().filter(|p| !p.approved).count();
    if r.approved() {
        let _ = writeln!(s, "### ✅ Ready to merge: sign-off complete\n");
    } else {
        let _ = writeln!(s, "### ❌ Not ready to merge\n");
        let mut blocks = Vec::new();
        if unsigned > 0 {
            blocks.push(format!("{} without the sign-off of both parties", count(unsigned, "plan", "plans")));
        }
        if !r.unloadable.is_empty() {
            blocks.push(format!("{} that do not load", count(r.unloadable.len(), "file", "files")));
        }
        if !r.record_errors.is_empty() {
            blocks.push(count(r.record_errors.len(), "sign-off error", "sign-off errors"));
        }
        for c in &r.roster_changes {
            blocks.push(format!("the {}'s approver roster changes unsigned", c.party));
        }
        let _ = writeln!(s, "**Blocks the merge:** {}.\n", blocks.join("; "));
    }
    let run = match &r.run_url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            format!(" · [the run]({})", url.replace(['(', ')', ' '], ""))
        }
        _ => String::new(),
    };
    let _ = writeln!(
        s,
        "Base `{}` → head `{}`: {} changed, {} removed, {} new and {} resolved (sign-offs judged with the base's approvers and keys){run}.\n",
        md(&r.base),
        md(&r.head),
        count(r.plans.len(), "plan", "plans"),
        r.removed.len(),
        count(r.new.len(), "finding", "findings"),
        r.resolved.len(),
    );
    s.push_str(&blockers(r, 4_000));
    s
}

/// Files that do not load, sign-off errors and roster changes, within `room` bytes each.
fn blockers(r: &Review, room: usize) -> String {
    let mut s = String::new();
    if !r.unloadable.is_empty() {
        let _ = writeln!(
            s,
            "❌ **Files that do not load** (they could hold a plan, so the sign-off cannot be judged): {}\n",
            names_within(&r.unloadable, room)
        );
    }
    if !r.record_errors.is_empty() {
        let list: Vec<String> = r.record_errors.iter().map(|f| format!("{} at {}", f.code, f.place)).collect();
        let _ = writeln!(
            s,
            "❌ **The change adds sign-off errors** (records that are invalid or that the base does not trust; `check` fails on them too): {}\n",
            names_within(&list, room)
        );
    }
    for c in &r.roster_changes {
        let who = if c.reviewers.is_empty() { "the base has none".to_string() } else { names(&c.reviewers) };
        let _ = writeln!(
            s,
            "❌ **The {p}'s approver roster changes** (keys or approvers added or removed) and no approver of the base signed the new roster: sign-offs with what it adds do not count. After review, an approver of the {p} in the base signs it (`contingent sign --roster {p}`): {who}.\n",
            p = c.party,
        );
    }
    s
}

fn names(list: &[String]) -> String {
    list.iter().map(|n| md(n)).collect::<Vec<_>>().join(", ")
}

/// [`names`] in at most `room` bytes: the names that fit, then how many more the job summary has.
fn names_within(list: &[String], room: usize) -> String {
    let mut out = String::new();
    for (i, n) in list.iter().enumerate() {
        let item = md(n);
        if out.len() + item.len() + 60 > room {
            let sep = if out.is_empty() { "" } else { ", " };
            let _ = write!(out, "{sep}and {} more (see the job summary)", list.len() - i);
            return out;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&item);
    }
    out
}

/// Characters a shell passes through unquoted and Markdown shows as they are.
fn shell_safe(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
        && !s.split('/').any(|p| p == "..")
}

/// `Katharina Vogel (katharina.vogel)` → `katharina.vogel`.
fn contact_id(display: &str) -> &str {
    super::contact_id(display)
}

/// For each party that must sign: its approvers once, and for each the command that signs every
/// plan waiting for that party (`--retire` for a removal).
fn who_must_act(r: &Review, room: usize) -> String {
    let mut s = String::new();
    for (word, side) in [("client", 0), ("provider", 1)] {
        let party = |p: &PlanReview| if side == 0 { p.client.clone() } else { p.provider.clone() };
        let waiting: Vec<&PlanReview> =
            r.plans.iter().filter(|p| !p.approved && p.change != Change::Broken && !party(p).signed()).collect();
        if waiting.is_empty() {
            continue;
        }
        let mut approvers: Vec<String> = Vec::new();
        for a in waiting.iter().flat_map(|p| party(p).approvers) {
            if !approvers.contains(&a) {
                approvers.push(a);
            }
        }
        let _ = writeln!(
            s,
            "**The {word} must sign {}** — one of: {}.",
            count(waiting.len(), "plan", "plans"),
            if approvers.is_empty() {
                "nobody (the base lists no approver with a valid key)".to_string()
            } else {
                names(&approvers)
            }
        );
        let content: Vec<&str> =
            waiting.iter().filter(|p| p.change != Change::Removed).map(|p| p.plan.as_str()).collect();
        let retire: Vec<&str> =
            waiting.iter().filter(|p| p.change == Change::Removed).map(|p| p.plan.as_str()).collect();
        s.push_str(&commands(r, (&content, &retire), word, &approvers, room / 2));
    }
    s
}

/// The exact commands, one per approver and kind, in a code block; a loop when several plans
/// wait.
fn commands(
    r: &Review,
    (content, retire): (&[&str], &[&str]),
    party: &str,
    approvers: &[String],
    room: usize,
) -> String {
    if approvers.is_empty() {
        return "\n".to_string();
    }
    let root = if r.root.is_empty() { String::new() } else { format!(" {}", r.root) };
    let all_safe = content.iter().chain(retire).all(|p| shell_safe(p)) && (r.root.is_empty() || shell_safe(&r.root));
    if !all_safe {
        return "\n(A plan id or the folder has characters a command line would read otherwise: see `contingent sign --help`.)\n\n".to_string();
    }
    let mut block = String::from("\n```sh\n");
    'approvers: for a in approvers.iter().map(|a| contact_id(a)).filter(|a| shell_safe(a)) {
        for (plans, flag) in [(content, ""), (retire, " --retire")] {
            let line = match plans {
                [] => continue,
                [one] => format!("contingent sign {one}{root} --party {party} --as {a}{flag}\n"),
                many => format!(
                    "for plan in {}; do contingent sign \"$plan\"{root} --party {party} --as {a}{flag}; done\n",
                    many.join(" ")
                ),
            };
            if block.len() + line.len() > room {
                block.push_str("# … the job summary lists every plan\n");
                break 'approvers;
            }
            block.push_str(&line);
        }
    }
    block.push_str("```\n\n");
    block
}

/// One section of the domain diff's changes of a class: the weaker open and whole, the others
/// folded and cut to `room`.
fn changes(d: &DiffReport, class: Class, room: usize, folded: bool) -> String {
    let list: Vec<&crate::diff::Change> = d.changes.iter().filter(|c| c.class == class).collect();
    if list.is_empty() {
        return String::new();
    }
    let title = match class {
        Class::Weaker => "⚠️ Weaker",
        Class::Stronger => "Stronger",
        Class::Neutral => "Neutral",
    };
    let (head, tail) = if folded {
        (format!("<details><summary>{title} ({})</summary>\n\n", list.len()), "\n</details>\n\n")
    } else {
        (format!("#### {title} ({})\n\n", list.len()), "\n")
    };
    let mut body = String::new();
    for (i, c) in list.iter().enumerate() {
        let line = change_line(c);
        if head.len() + body.len() + line.len() + tail.len() + 80 > room {
            let _ = writeln!(body, "- … {} more: see the job summary", list.len() - i);
            break;
        }
        body.push_str(&line);
    }
    format!("{head}{body}{tail}")
}

fn change_line(c: &crate::diff::Change) -> String {
    let value = match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!(": {}", changed_text(o, n)),
        (Some(o), None) => format!(": was {}", md(&short(o))),
        (None, Some(n)) => format!(": now {}", md(&short(n))),
        (None, None) => String::new(),
    };
    format!("- **{}**: {}{value}\n", md(&c.path_text()), md(&c.explanation))
}

fn short(s: &str) -> String {
    if s.chars().count() <= 200 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(199).collect::<String>())
    }
}

pub(super) fn finding_line(f: &Finding) -> String {
    format!("- **{}** {} {}: {}\n", f.severity, f.code, code(&f.place), message(&f.message))
}

/// Findings, errors first; the approval findings the plans table shows per plan are one line per
/// code.
fn findings_list(title: &str, findings: &[&Finding], room: usize, folded: bool) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let rank = |f: &Finding| match f.severity.as_str() {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    let mut sorted: Vec<&Finding> = findings.iter().copied().filter(|f| !per_plan(f)).collect();
    sorted.sort_by_key(|f| rank(f));
    let mut lines: Vec<String> = sorted.iter().map(|f| finding_line(f)).collect();
    for code in PER_PLAN_CODES {
        let n = findings.iter().filter(|f| f.code == code).count();
        if n > 0 {
            lines.push(format!("- {code} on {}: shown per plan above\n", count(n, "place", "places")));
        }
    }
    let (head, tail) = if folded {
        (format!("<details><summary>{title} ({})</summary>\n\n", findings.len()), "\n</details>\n\n")
    } else {
        (format!("#### ❌ {title} ({})\n\n", findings.len()), "\n")
    };
    if room < head.len() + tail.len() + 100 {
        return format!("{title}: {} (see the job summary)\n\n", findings.len());
    }
    let mut body = String::new();
    for (i, line) in lines.iter().enumerate() {
        if head.len() + body.len() + line.len() + tail.len() + 60 > room {
            let _ = writeln!(body, "- … {} more: see the job summary", lines.len() - i);
            break;
        }
        body.push_str(line);
    }
    format!("{head}{body}{tail}")
}

fn party_cell(p: &PlanReview, party: &PartyReview) -> String {
    if p.change == Change::Broken {
        return "cannot be judged".to_string();
    }
    let mut cell = if party.signed() { format!("✅ {}", names(&party.signed_by)) } else { "❌ to sign".to_string() };
    if !party.untrusted.is_empty() {
        let _ = write!(cell, " (not counted against the base: {}; see the findings)", names(&party.untrusted));
    }
    cell
}

/// Why a plan is in the table: the change, what its approval relies on, or why it is not
/// approved though both signed.
fn why(p: &PlanReview) -> String {
    match (&p.cause, &p.problem) {
        (Some(cause), _) => message(cause),
        (None, Some(problem)) if !p.approved => message(problem),
        _ => String::new(),
    }
}

fn plan_row(p: &PlanReview) -> String {
    format!(
        "| {} | {} | {} | {} | {} |\n",
        md(&p.plan),
        p.change.word(),
        why(p),
        party_cell(p, &p.client),
        party_cell(p, &p.provider)
    )
}

/// The plans: every changed, removed or broken one as a row; new plans with the same sign-off
/// state as one row naming them, so that 250 new plans are one line, not 250.
fn plans_table(r: &Review, room: usize) -> String {
    let removed = if r.removed.is_empty() {
        String::new()
    } else {
        format!("Removed, their retirement signed by both parties: {}\n\n", names_within(&r.removed, room / 3))
    };
    if r.plans.is_empty() {
        return removed;
    }
    let mut s = format!(
        "#### Plans ({})\n\n| Plan | Change | Why | Client | Provider |\n|---|---|---|---|---|\n",
        r.plans.len()
    );
    let (new, others): (Vec<&PlanReview>, Vec<&PlanReview>) = r.plans.iter().partition(|p| p.change == Change::New);
    let mut rows: Vec<String> = others.iter().map(|p| plan_row(p)).collect();
    // new plans grouped by how they stand
    let mut groups: Vec<(String, String, Vec<&PlanReview>)> = Vec::new();
    for p in new {
        let cells = (party_cell(p, &p.client), party_cell(p, &p.provider));
        match groups.iter_mut().find(|g| (g.0.as_str(), g.1.as_str()) == (cells.0.as_str(), cells.1.as_str())) {
            Some(g) => g.2.push(p),
            None => groups.push((cells.0, cells.1, vec![p])),
        }
    }
    for (client, provider, list) in groups {
        if list.len() <= 3 {
            rows.extend(list.iter().map(|p| plan_row(p)));
            continue;
        }
        let ids: Vec<String> = list.iter().map(|p| p.plan.clone()).collect();
        rows.push(format!(
            "| {} new plans: {} | new |  | {client} | {provider} |\n",
            list.len(),
            names_within(&ids, 1_200)
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if s.len() + row.len() + 80 > room {
            let _ = writeln!(s, "\n{} more rows: see the job summary.", rows.len() - i);
            break;
        }
        s.push_str(row);
    }
    s.push('\n');
    s.push_str(&removed);
    s
}
