//! The three outputs of a [`DiffReport`]: human text (repository text escaped for the terminal
//! here, the rest by `commands::print_styled`), Markdown for a pull-request comment (all repository text through
//! [`crate::escape::markdown`]), and the versioned JSON document of docs/diff.md.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};

use super::{Approval, ChainContact, Change, Class, DiffReport, Finding, Op, PartySignoff, JSON_VERSION};
use crate::escape;
use crate::model::Side;
use crate::signoff::short_digest;

/// New and resolved findings listed in Markdown, each: a comment stays readable (and small) when a
/// change touches every plan; the human and JSON outputs list all.
pub const MAX_FINDINGS: usize = 100;

const CLASSES: [Class; 3] = [Class::Weaker, Class::Stronger, Class::Neutral];

fn party_word(p: Side) -> &'static str {
    match p {
        Side::Client => "client",
        Side::Provider => "provider",
    }
}

fn party_label(p: &PartySignoff) -> String {
    match &p.party_id {
        Some(id) => format!("{} ({id})", party_word(p.party)),
        None => party_word(p.party).to_string(),
    }
}

fn counts(r: &DiffReport) -> String {
    let n = r.changes.len();
    format!(
        "{n} change{}: {} weaker, {} stronger, {} neutral",
        if n == 1 { "" } else { "s" },
        r.count(Class::Weaker),
        r.count(Class::Stronger),
        r.count(Class::Neutral)
    )
}

fn approvers(p: &PartySignoff) -> String {
    if p.approvers.is_empty() {
        return "no approver with a key".to_string();
    }
    p.approvers
        .iter()
        .map(|a| if a.name.is_empty() { a.id.clone() } else { format!("{} ({})", a.name, a.id) })
        .collect::<Vec<_>>()
        .join(", ")
}

fn place(f: &Finding) -> String {
    match (&f.file, f.line) {
        (Some(p), Some(l)) => format!("{p}:{l}"),
        (Some(p), None) => p.clone(),
        _ => "(repository)".into(),
    }
}

fn pin_sentence(p: &super::Pin) -> String {
    let (o, n) = (p.old.as_deref().unwrap_or("no contract"), p.new.as_deref().unwrap_or("no contract"));
    if p.terms_changed {
        format!("pins {n}, whose terms this change alters: the plan is checked against the new terms")
    } else {
        format!("{o} → {n}")
    }
}

/// `plan P: added|removed NAME (ID) (ROLES)`, every text through `esc`.
fn chain_contact_sentence(c: &ChainContact, esc: fn(&str) -> String) -> String {
    let who = match &c.name {
        Some(n) => format!("{} ({})", n, c.contact),
        None => c.contact.clone(),
    };
    format!(
        "plan {}: {} {} ({})",
        esc(&c.plan),
        if c.added { "added" } else { "removed" },
        esc(&who),
        esc(&c.roles.join(", "))
    )
}

fn approval_sentence(a: &Approval) -> String {
    match (&a.old_digest, a.was_approved) {
        (None, _) => format!("new plan (content {}): both parties must approve it", short_digest(&a.new_digest)),
        (Some(old), true) if *old == a.new_digest => format!(
            "the approval of {} is void: the plan is unchanged, but what its sign-offs bind (contacts, systems, contract terms) changed",
            short_digest(old)
        ),
        (Some(old), true) => {
            format!("the approval of {} is void: the content is now {}", short_digest(old), short_digest(&a.new_digest))
        }
        (Some(old), false) => format!(
            "content {} → {} (the base version was not approved by both parties)",
            short_digest(old),
            short_digest(&a.new_digest)
        ),
    }
}

fn party_sentence(p: &PartySignoff) -> String {
    let before = if p.signed_before.is_empty() {
        "no sign-off of the base version".to_string()
    } else {
        format!("signed the base version: {}", p.signed_before.join(", "))
    };
    if p.must_sign {
        let again = if p.signed_before.is_empty() { "" } else { " again" };
        format!("{before}; must sign{again}, one of: {}", approvers(p))
    } else {
        format!("{before}; signed again by {}", p.signed_now.join(", "))
    }
}

// ---- human ----

/// One line of repository text for the terminal: line breaks shown as `\n`.
fn line(s: &str) -> String {
    escape::line(s).replace('\t', " ")
}

fn human_value(c: &Change) -> Option<String> {
    value(c, line, ["[-", "-]", "{+", "+}"])
}

/// A change's value: its word diff (deleted and inserted runs between `marks`), else the old and
/// the new value; every text through `esc`.
fn value(c: &Change, esc: fn(&str) -> String, marks: [&str; 4]) -> Option<String> {
    if let Some(words) = &c.words {
        let mut s = String::new();
        for w in words {
            let (open, close) = match w.op {
                Op::Equal => ("", ""),
                Op::Delete => (marks[0], marks[1]),
                Op::Insert => (marks[2], marks[3]),
            };
            let _ = write!(s, "{open}{}{close}", esc(&w.text));
        }
        return Some(s);
    }
    match (&c.old, &c.new) {
        (Some(o), Some(n)) => Some(format!("{} → {}", esc(o), esc(n))),
        (Some(o), None) => Some(format!("was: {}", esc(o))),
        (None, Some(n)) => Some(format!("now: {}", esc(n))),
        (None, None) => None,
    }
}

const WEAKER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).bold();
const STRONGER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green))).bold();

/// Terminal text, with the class in colour (`commands::print_styled` strips it when stdout is not a
/// terminal, or with NO_COLOR). Repository text is escaped here, one line each.
pub fn human(r: &DiffReport, as_of_source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "contingent diff: {} → {}, as of {} ({as_of_source})\n",
        line(&r.sides.base),
        line(&r.sides.head),
        r.as_of
    );
    if r.changes.is_empty() {
        let _ = writeln!(out, "no change in meaning: the two versions say the same");
    } else {
        let _ = writeln!(out, "{}\n", counts(r));
        for c in &r.changes {
            let style = match c.class {
                Class::Weaker => WEAKER,
                Class::Stronger => STRONGER,
                Class::Neutral => Style::new(),
            };
            let _ = writeln!(
                out,
                "{}{:<9}{}{}",
                style.render(),
                c.class.word(),
                style.render_reset(),
                line(&c.path_text())
            );
            if let Some(v) = human_value(c) {
                let _ = writeln!(out, "         {v}");
            }
            let _ = writeln!(out, "         {}", line(&c.explanation));
        }
    }
    let q = &r.consequences;
    if !q.approvals.is_empty() {
        let _ = writeln!(out, "\nsign-offs:");
        for a in &q.approvals {
            let _ = writeln!(out, "  plan {}: {}", line(&a.plan), approval_sentence(a));
            for p in &a.parties {
                let _ = writeln!(out, "    {}: {}", line(&party_label(p)), line(&party_sentence(p)));
            }
        }
    }
    if !q.new_findings.is_empty() || !q.resolved_findings.is_empty() {
        let _ =
            writeln!(out, "\nfindings of check: {} new, {} resolved", q.new_findings.len(), q.resolved_findings.len());
        for (word, list) in [("new", &q.new_findings), ("resolved", &q.resolved_findings)] {
            for f in list {
                let _ = writeln!(out, "  {word:<9}{} {} {}: {}", f.severity, f.code, line(&place(f)), line(&f.message));
            }
        }
    }
    if !q.contract_pins.is_empty() {
        let _ = writeln!(out, "\ncontract revisions pinned:");
        for p in &q.contract_pins {
            let _ = writeln!(out, "  plan {}: {}", line(&p.plan), line(&pin_sentence(p)));
        }
    }
    if !q.escalation_contacts.is_empty() {
        let _ = writeln!(out, "\nescalation chains:");
        for c in &q.escalation_contacts {
            let _ = writeln!(out, "  {}", chain_contact_sentence(c, line));
        }
    }
    out
}

// ---- Markdown ----

fn md(s: &str) -> String {
    escape::markdown(s)
}

fn md_value(c: &Change) -> Option<String> {
    value(c, md, ["<del>", "</del>", "<ins>", "</ins>"])
}

fn md_change(c: &Change, out: &mut String) {
    let _ = write!(out, "- **{}**: {}", md(&c.path_text()), md(&c.explanation));
    if let Some(v) = md_value(c) {
        let _ = write!(out, "<br>{v}");
    }
    out.push('\n');
}

fn md_table(header: &[&str], rows: &[Vec<String>], out: &mut String) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}|", header.iter().map(|_| "---").collect::<Vec<_>>().join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
}

/// Markdown for a pull-request comment or a job summary. Every text from the repository goes
/// through [`escape::markdown`]: it is shown, never interpreted (no mention, no `#123` link, no
/// HTML, no Markdown). The weaker changes come first and are never folded; the neutral ones are
/// folded into `<details>`.
pub fn markdown(r: &DiffReport) -> String {
    markdown_with(r, true)
}

/// The Markdown without the section of new and resolved findings, for a comment that lists
/// them itself (`contingent review`).
pub fn markdown_without_findings(r: &DiffReport) -> String {
    markdown_with(r, false)
}

fn markdown_with(r: &DiffReport, with_findings: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## contingent diff\n");
    let _ = writeln!(out, "{} → {}, as of {}\n", md(&r.sides.base), md(&r.sides.head), r.as_of);
    if r.changes.is_empty() {
        let _ = writeln!(out, "No change in meaning: the two versions say the same.\n");
    } else {
        let _ = writeln!(out, "**{}**\n", counts(r));
    }
    for class in CLASSES {
        let list: Vec<&Change> = r.changes.iter().filter(|c| c.class == class).collect();
        if list.is_empty() {
            continue;
        }
        let title = match class {
            Class::Weaker => "Weaker",
            Class::Stronger => "Stronger",
            Class::Neutral => "Neutral",
        };
        if class == Class::Neutral {
            let _ = writeln!(out, "<details><summary>{title} ({})</summary>\n", list.len());
        } else {
            let _ = writeln!(out, "### {title} ({})\n", list.len());
        }
        for c in list {
            md_change(c, &mut out);
        }
        out.push('\n');
        if class == Class::Neutral {
            let _ = writeln!(out, "</details>\n");
        }
    }
    let q = &r.consequences;
    if !q.approvals.is_empty() {
        let _ = writeln!(out, "### Sign-offs\n");
        let mut rows = Vec::new();
        for a in &q.approvals {
            for p in &a.parties {
                rows.push(vec![
                    md(&a.plan),
                    md(&party_label(p)),
                    if p.signed_before.is_empty() { "none".into() } else { md(&p.signed_before.join(", ")) },
                    if p.must_sign && p.signed_before.is_empty() {
                        "**must sign**".into()
                    } else if p.must_sign {
                        "**must sign again**".into()
                    } else {
                        format!("signed by {}", md(&p.signed_now.join(", ")))
                    },
                    md(&approvers(p)),
                ]);
            }
        }
        md_table(&["plan", "party", "signed the base version", "now", "approvers"], &rows, &mut out);
        out.push('\n');
        for a in &q.approvals {
            let _ = writeln!(out, "- {}: {}", md(&a.plan), md(&approval_sentence(a)));
        }
        out.push('\n');
    }
    if with_findings && (!q.new_findings.is_empty() || !q.resolved_findings.is_empty()) {
        let _ = writeln!(
            out,
            "### Findings of check ({} new, {} resolved)\n",
            q.new_findings.len(),
            q.resolved_findings.len()
        );
        let mut rows = Vec::new();
        for (word, list) in [("new", &q.new_findings), ("resolved", &q.resolved_findings)] {
            for f in list.iter().take(MAX_FINDINGS) {
                rows.push(vec![
                    word.to_string(),
                    f.severity.to_string(),
                    f.code.to_string(),
                    md(&place(f)),
                    md(&f.message),
                ]);
            }
        }
        md_table(&["", "severity", "code", "where", "finding"], &rows, &mut out);
        let cut =
            q.new_findings.len().saturating_sub(MAX_FINDINGS) + q.resolved_findings.len().saturating_sub(MAX_FINDINGS);
        if cut > 0 {
            let _ = writeln!(
                out,
                "\n{cut} more not shown (at most {MAX_FINDINGS} new and {MAX_FINDINGS} resolved): `contingent diff --format json` lists all."
            );
        }
        out.push('\n');
    }
    if !q.contract_pins.is_empty() {
        let _ = writeln!(out, "### Contract revisions pinned\n");
        for p in &q.contract_pins {
            let _ = writeln!(out, "- plan {}: {}", md(&p.plan), md(&pin_sentence(p)));
        }
        out.push('\n');
    }
    if !q.escalation_contacts.is_empty() {
        let _ = writeln!(out, "### Escalation chains\n");
        for c in &q.escalation_contacts {
            let _ = writeln!(out, "- {}", chain_contact_sentence(c, md));
        }
        out.push('\n');
    }
    out
}

// ---- JSON ----

/// The JSON document (docs/diff.md), version [`JSON_VERSION`].
pub fn json(r: &DiffReport, as_of_source: &str) -> Value {
    let q = &r.consequences;
    json!({
        "version": JSON_VERSION,
        "base": r.sides.base,
        "head": r.sides.head,
        "as_of": r.as_of.to_string(),
        "as_of_source": as_of_source,
        "summary": {
            "changes": r.changes.len(),
            "weaker": r.count(Class::Weaker),
            "stronger": r.count(Class::Stronger),
            "neutral": r.count(Class::Neutral),
        },
        "changes": r.changes,
        "consequences": {
            "approvals": q.approvals,
            "new_findings": q.new_findings,
            "resolved_findings": q.resolved_findings,
            "contract_pins": q.contract_pins,
            "escalation_contacts": q.escalation_contacts,
        },
    })
}
