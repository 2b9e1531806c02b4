//! What a pull request does to the plans' sign-off, as the review comment and the commit status
//! say it. Pure: [`review_body`] and [`status`] read a [`Review`] that `commands::review` builds
//! from Git objects; nothing here reads files or the network. `comment.rs` lays the comment out,
//! `inline.rs` turns contingent's messages into inert Markdown.

mod comment;
pub mod inline;

use std::fmt::Write as _;

use crate::diff::DiffReport;
use crate::escape::markdown as md;

/// The commit status context: a repository makes it a required check.
pub const CONTEXT: &str = "contingent/sign-off";
/// The most bytes of a comment body: GitHub refuses more than 65,536 characters; bytes of UTF-8
/// are never fewer than GitHub's count, and the margin leaves room for the marker.
pub const BODY_BUDGET: usize = 60_000;
/// The most characters GitHub keeps of a status description.
pub const DESCRIPTION_MAX: usize = 140;
/// The most bytes of the job summary this writes (GitHub's limit is 1 MiB per step).
pub const SUMMARY_BUDGET: usize = 900_000;

/// How a plan differs between the merge base and the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
    /// The plan's file is unchanged, but what its approval binds (contacts, systems, contract
    /// terms: `SIG019`) changed, so it needs signing again.
    Context,
    /// The plan's file does not load at the head: its content cannot be judged.
    Broken,
    /// The change removes the plan without a retirement signed by both parties (`SIG021`).
    Removed,
}

impl Change {
    pub fn word(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Context => "what it relies on changed",
            Change::Broken => "does not load",
            Change::Removed => "removed: its retirement must be signed",
        }
    }
}

/// One party's sign-off of a changed plan, judged with the base's trust.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyReview {
    /// Contacts whose valid sign-off of the head's content the base trusts ("Name (id)").
    pub signed_by: Vec<String>,
    /// Contacts whose sign-off of the head's content verifies on its own but does not count
    /// against the base (a key or approver it does not trust, an older statement version, a
    /// rollback: the findings say which).
    pub untrusted: Vec<String>,
    /// Who may sign for the party, by the base's approver roster ("Name (id)").
    pub approvers: Vec<String>,
}

impl PartyReview {
    pub fn signed(&self) -> bool {
        !self.signed_by.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReview {
    pub plan: String,
    pub change: Change,
    pub approved: bool,
    pub client: PartyReview,
    pub provider: PartyReview,
    /// Why a plan both parties signed is still not approved.
    pub problem: Option<String>,
    /// For a plan whose file is unchanged ([`Change::Context`]): what changed that its approval
    /// relies on (a contact's phone, a system, the contract's terms), in contingent's words.
    pub cause: Option<String>,
}

/// A finding for the comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: String,
    pub code: String,
    /// `path:line`, repository-relative.
    pub place: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    /// Short ids of the trusted base and the head.
    pub base: String,
    pub head: String,
    /// Plans the merge changes: digest differs from the merge base, new, or broken.
    pub plans: Vec<PlanReview>,
    /// Plans the change removes, with their retirement signed by both parties (removals without
    /// one are in `plans`, as `Change::Removed`).
    pub removed: Vec<String>,
    /// Findings the change adds, and those it resolves (as `check --changed-since` compares).
    pub new: Vec<Finding>,
    pub resolved: Vec<Finding>,
    /// Parties whose approver roster the change alters (`SIG018`), with the base's approvers who
    /// must review it: a roster change is not signed (docs/signoff.md, section 9), so it does not
    /// fail the status, but the comment and the status say so.
    pub roster_changes: Vec<RosterChange>,
    /// Files the change leaves unreadable (new syntax, schema or file errors): they could hold a
    /// plan, so they fail the status.
    pub unloadable: Vec<String>,
    /// Errors the change adds in the sign-offs folder (invalid or untrusted records, records that
    /// name no plan), whatever plan they are about: `check --changed-since` fails on them, so
    /// the status does too, and a record nobody may add never reaches the base.
    pub record_errors: Vec<Finding>,
    /// The status context: [`CONTEXT`] (when empty), or `contingent/sign-off (into BRANCH)` for a
    /// pull request into a branch that is not protected ([`context_for`]).
    pub context: String,
    /// The plan root inside the Git repository (for the `contingent sign` commands).
    pub root: String,
    /// The Actions run that made the review, for the comment's link.
    pub run_url: Option<String>,
}

/// The status context of a pull request into `base_ref`: [`CONTEXT`] when the base is one of the
/// `protected` branches (or either is unknown), else `contingent/sign-off (into BRANCH)`, so that
/// a second pull request with the same head into another branch never sets the status branch
/// protection reads.
pub fn context_for(base_ref: Option<&str>, protected: &[String]) -> String {
    match base_ref {
        Some(b) if !protected.is_empty() && !protected.iter().any(|p| p == b) => format!("{CONTEXT} (into {b})"),
        _ => CONTEXT.to_string(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterChange {
    /// `client` or `provider`.
    pub party: String,
    /// The base's approvers of that party ("Name (id)").
    pub reviewers: Vec<String>,
}

impl Review {
    /// Every changed plan approved, every file loads, and no approver roster changes without a
    /// roster sign-off by an approver of the base (`roster_changes` holds only those).
    pub fn approved(&self) -> bool {
        self.plans.iter().all(|p| p.approved)
            && self.unloadable.is_empty()
            && self.roster_changes.is_empty()
            && self.record_errors.is_empty()
    }

    /// Nothing to review: no plan changed, nothing removed, no finding added or resolved, no
    /// file broken, no roster or record touched (a pull request of documentation only).
    pub fn is_empty(&self) -> bool {
        self.plans.is_empty()
            && self.removed.is_empty()
            && self.new.is_empty()
            && self.resolved.is_empty()
            && self.roster_changes.is_empty()
            && self.unloadable.is_empty()
            && self.record_errors.is_empty()
    }
}

/// Who still has to sign, per plan and party, in plain words (for the status description).
fn missing(r: &Review) -> Vec<String> {
    let who = |p: &PartyReview| {
        if p.approvers.is_empty() {
            "no approver".to_string()
        } else {
            p.approvers.iter().map(|a| contact_id(a)).collect::<Vec<_>>().join("/")
        }
    };
    // the plans whose content changed first: they are what the pull request is about
    let rank = |c: Change| match c {
        Change::Changed => 0,
        Change::New => 1,
        Change::Removed => 2,
        Change::Broken => 3,
        Change::Context => 4,
    };
    let mut waiting: Vec<&PlanReview> = r.plans.iter().filter(|p| !p.approved).collect();
    waiting.sort_by_key(|p| rank(p.change));
    waiting
        .into_iter()
        .map(|p| {
            let mut parts = Vec::new();
            if p.change == Change::Broken {
                return format!("{} does not load", p.plan);
            }
            if !p.client.signed() {
                parts.push(format!("client {}", who(&p.client)));
            }
            if !p.provider.signed() {
                parts.push(format!("provider {}", who(&p.provider)));
            }
            if parts.is_empty() {
                parts.push(p.problem.clone().unwrap_or_else(|| "not approved".into()));
            }
            format!("{}: {}", p.plan, parts.join(", "))
        })
        .collect()
}

/// `anna.schmidt` of `Anna Schmidt (anna.schmidt)`.
pub(crate) fn contact_id(display: &str) -> &str {
    display.rsplit_once(" (").and_then(|(_, id)| id.strip_suffix(')')).unwrap_or(display)
}

/// The commit status: `success` when every plan the merge changes is approved by both parties
/// with keys the base trusts, else `failure` naming who still has to sign. The description is
/// cut to [`DESCRIPTION_MAX`] characters, at a character.
pub fn status(r: &Review) -> (&'static str, String) {
    if r.approved() {
        let n = r.plans.len();
        let d = match n {
            0 => "no plan changed: nothing to sign".to_string(),
            1 => "the changed plan is approved by client and provider".to_string(),
            n => format!("all {n} changed plans are approved by client and provider"),
        };
        return ("success", cut(&one_line(&d), DESCRIPTION_MAX));
    }
    let mut m = missing(r);
    for c in &r.roster_changes {
        let who: Vec<&str> = c.reviewers.iter().map(|a| contact_id(a)).collect();
        m.push(format!("{} roster unsigned: sign --roster as {}", c.party, who.join("/")));
    }
    if let Some(f) = r.record_errors.first() {
        m.push(format!(
            "{} sign-off error{} the change adds ({} at {})",
            r.record_errors.len(),
            if r.record_errors.len() == 1 { "" } else { "s" },
            f.code,
            f.place
        ));
    }
    let d = if m.is_empty() {
        format!("does not load: {}", r.unloadable.join(", "))
    } else if r.plans.iter().any(|p| !p.approved && p.change != Change::Broken) {
        format!("to sign: {}", m.join("; "))
    } else {
        m.join("; ")
    };
    ("failure", cut(&one_line(&d), DESCRIPTION_MAX))
}

/// A status description is one line: unsafe characters and line feeds as visible `U+000A` text.
fn one_line(d: &str) -> String {
    crate::escape::markup(d).replace('\n', "U+000A")
}

/// At most `max` characters, ending in `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The comment body: the marker, then [`comment::body`] within [`BODY_BUDGET`] bytes; the domain
/// diff (when given) supplies the weaker, stronger and neutral changes.
pub fn review_body(marker: &str, r: &Review, diff: Option<&DiffReport>) -> String {
    comment::body(marker, r, diff, BODY_BUDGET)
}

/// [`review_body`] within `budget` bytes.
pub fn review_body_within(marker: &str, r: &Review, diff: Option<&DiffReport>, budget: usize) -> String {
    comment::body(marker, r, diff, budget)
}

/// The full report for the job summary: everything, uncut (up to [`SUMMARY_BUDGET`]).
pub fn full_report(r: &Review, extra: Option<&str>) -> String {
    let mut s = comment::overview(r, SUMMARY_BUDGET / 2);
    if let Some(extra) = extra {
        // cut at a line, leaving room for the findings and the status
        let room = (SUMMARY_BUDGET * 3 / 4).saturating_sub(s.len());
        let extra = extra.trim_end();
        if extra.len() <= room {
            s.push_str(extra);
        } else {
            let cut = extra[..extra.floor_char_boundary(room)].rfind('\n').unwrap_or(0);
            s.push_str(&extra[..cut]);
            let _ = write!(
                s,
                "\n\n… the domain diff is cut here ({} of {} bytes); `contingent diff` prints all of it",
                cut,
                extra.len()
            );
        }
        s.push_str("\n\n");
    }
    for (title, list) in [("New findings", &r.new), ("Resolved findings", &r.resolved)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "#### {title} ({})\n", list.len());
        for (i, f) in list.iter().enumerate() {
            let line = comment::finding_line(f);
            if s.len() + line.len() > SUMMARY_BUDGET {
                let _ = writeln!(s, "- … {} more", list.len() - i);
                break;
            }
            s.push_str(&line);
        }
        s.push('\n');
    }
    let (state, description) = status(r);
    let context = if r.context.is_empty() { CONTEXT } else { r.context.as_str() };
    let _ = writeln!(s, "Status `{}`: **{state}**, {}\n", md(context), md(&description));
    s
}

/// GitHub's login syntax: 1 to 39 ASCII letters, digits and single hyphens, not at either end.
pub fn is_github_login(s: &str) -> bool {
    (1..=39).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(signed: &[&str], approvers: &[&str]) -> PartyReview {
        PartyReview {
            signed_by: signed.iter().map(|s| s.to_string()).collect(),
            untrusted: vec![],
            approvers: approvers.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn review() -> Review {
        Review {
            base: "1111111".into(),
            head: "2222222".into(),
            plans: vec![PlanReview {
                plan: "payroll".into(),
                change: Change::Changed,
                approved: false,
                client: party(&["Anna Schmidt (anna.schmidt)"], &["Anna Schmidt (anna.schmidt)"]),
                provider: party(&[], &["Jan Peters (jan.peters)"]),
                problem: None,
                cause: None,
            }],
            ..Review::default()
        }
    }

    #[test]
    fn long_lists_of_removed_plans_and_unreadable_files_stay_within_the_budget() {
        let long = |i: usize| format!("plan-with-a-rather-long-identifier-number-{i:05}-{}", "x".repeat(12));
        let r = Review {
            removed: (0..1500).map(long).collect(),
            unloadable: (0..1500).map(|i| format!("plans/{}.kdl", long(i))).collect(),
            ..review()
        };
        let body = review_body("<!-- m -->", &r, None);
        assert!(body.len() <= BODY_BUDGET, "{}", body.len());
        assert!(body.contains(" more (see the job summary)"), "{body}");
        let huge = "- a line of the domain diff\n".repeat(100_000);
        let report = full_report(&r, Some(&huge));
        assert!(report.len() <= SUMMARY_BUDGET, "{}", report.len());
        assert!(report.contains("the domain diff is cut here"));
        assert!(report.contains("Status `contingent/sign-off`"));
    }

    #[test]
    fn status_names_who_signs() {
        let r = review();
        assert_eq!(status(&r), ("failure", "to sign: payroll: provider jan.peters".to_string()));
        let mut many = r.clone();
        many.plans = (0..40).map(|i| PlanReview { plan: format!("plan-{i}"), ..r.plans[0].clone() }).collect();
        let (_, d) = status(&many);
        assert_eq!(d.chars().count(), DESCRIPTION_MAX);
        assert!(d.ends_with('…'));
        assert_eq!(status(&Review::default()).0, "success");
        // the plan whose content changed is named first, not the alphabetically first
        let mut context = r.plans[0].clone();
        (context.plan, context.change) = ("aaa-relies-on-a-phone".into(), Change::Context);
        let mut both = r.clone();
        both.plans.insert(0, context);
        assert!(
            status(&both).1.starts_with("to sign: payroll: provider jan.peters; aaa-relies"),
            "{:?}",
            status(&both)
        );
    }

    #[test]
    fn body_stays_within_budget_and_keeps_the_summary() {
        let mut r = review();
        r.new = (0..5000)
            .map(|i| Finding {
                severity: if i % 2 == 0 { "error" } else { "warning" }.into(),
                code: "POL001".into(),
                place: format!("plans/p{i}.kdl:1"),
                message: "é".repeat(40),
            })
            .collect();
        let body = review_body("<!-- m -->", &r, None);
        assert!(body.len() < BODY_BUDGET, "{}", body.len());
        assert!(body.starts_with("<!-- m -->\n### ❌ Not ready to merge"), "{body}");
        assert!(body.contains("| payroll | changed |"));
        assert!(body.contains("contingent sign payroll --party provider --as jan.peters"), "{body}");
        assert!(body.contains("more: see the job summary"));
        assert!(body.contains("</details>"));
    }
}
