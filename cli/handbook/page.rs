//! The handbook's page model: what each page says, computed from the loaded model, the check's
//! findings and the sign-off evaluation. No markup here: `html.rs` renders it. Text that comes
//! from the repository is held as [`Txt`], which can only be written out escaped.

use std::collections::{HashMap, HashSet};

use super::sections::Builder;
use crate::check::Checked;
use crate::clock::Clock;
use crate::diagnostic::{Diagnostic, Severity};
use crate::format::Kind;
use crate::model::{Cause, Located, Model, Outcome, Place, Plan, Resolver, Side};
use crate::signoff::{self, State};
use crate::units::{Date, Duration, Unit};

/// Text from the repository. It has no `Deref` to `str`: the renderer writes it only through
/// its `Render` implementation, which neutralises control and bidirectional characters and
/// escapes HTML.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Txt(String);

impl Txt {
    pub fn new(s: impl Into<String>) -> Txt {
        Txt(s.into())
    }
    /// The raw text, for tests and for deriving file names (which sanitise it themselves).
    pub fn raw(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where the files came from: the commit, or why there is none.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// Full commit id of `HEAD`, when the plan repository is in a Git repository with commits.
    pub commit: Option<String>,
    /// Abbreviated commit id.
    pub short: Option<String>,
    /// Plan files of the work tree that differ from that commit (added, changed or removed).
    pub modified: Vec<Txt>,
    /// One line for the stamp: `commit 1a2b3c4`, `commit 1a2b3c4 + uncommitted changes`,
    /// `not a Git repository (work tree)`.
    pub summary: String,
}

/// The whole handbook.
pub struct Handbook {
    pub title: Txt,
    pub as_of: Date,
    pub as_of_source: &'static str,
    pub provenance: Provenance,
    pub version: &'static str,
    pub plans: Vec<PlanPage>,
    /// Plans that failed to load: listed on the index, no page.
    pub broken_plans: Vec<Txt>,
    pub parties: Vec<PartyDirectory>,
    /// Errors of the check that concern no single plan (broken files, configuration).
    pub repository_errors: Vec<Txt>,
    /// What the approvals were judged against: the trusted base (`handbook --trust REV`), or a
    /// sentence saying there was none.
    pub judged_against: Txt,
}

#[derive(Clone, Debug)]
pub struct ChannelView {
    /// `phone`, `mobile`, `e-mail`
    pub kind: &'static str,
    pub value: Txt,
    pub always: bool,
}

impl ChannelView {
    pub fn hours(&self) -> &'static str {
        if self.always {
            "24x7"
        } else {
            "business hours"
        }
    }
    /// `tel:` or `mailto:` target, built only from characters that are safe in a URL.
    pub fn href(&self) -> Option<String> {
        let raw = self.value.raw();
        match self.kind {
            "e-mail" if raw.chars().all(|c| c.is_ascii_alphanumeric() || "@.-_+".contains(c)) && raw.contains('@') => {
                Some(format!("mailto:{raw}"))
            }
            "phone" | "mobile" => {
                let digits: String = raw.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
                (digits.len() >= 3).then(|| format!("tel:{digits}"))
            }
            _ => None,
        }
    }
}

/// A contact as a card: who, which party, how to reach them, their deputy.
#[derive(Clone, Debug)]
pub struct ContactView {
    pub id: Txt,
    /// False when the id names no contact (the check reports it).
    pub known: bool,
    pub name: Txt,
    /// The party's name and id, `Rechenzentrum Nord GmbH (rzn)`.
    pub party: Txt,
    /// The party's id alone (empty for an unknown contact).
    pub party_id: Txt,
    pub roles: Vec<Txt>,
    pub channels: Vec<ChannelView>,
    pub verified: Option<Date>,
    pub stale: bool,
    pub stale_since: Option<Date>,
    pub deputy: Option<Box<ContactView>>,
}

impl ContactView {
    pub fn reachable_always(&self) -> bool {
        self.channels.iter().any(|c| c.always)
    }
}

#[derive(Clone, Debug)]
pub struct Banner {
    /// One word in capitals that says it without colour: `NOT APPROVED`, `STALE`, ...
    pub word: &'static str,
    pub lines: Vec<Txt>,
}

#[derive(Clone, Debug)]
pub struct SignedBy {
    pub signer: Txt,
    pub name: Txt,
    pub date: Date,
    pub digest: String,
    /// The record's place, `signoffs/payroll.kdl:3`.
    pub place: Txt,
    /// Whether this sign-off is of the current digest.
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct PartyManifest {
    pub side: &'static str,
    pub party: Txt,
    pub state: State,
    pub signed: Vec<SignedBy>,
    pub problems: Vec<Txt>,
}

impl PartyManifest {
    pub fn state_words(&self) -> &'static str {
        match self.state {
            State::Signed => "signed, verified",
            State::Stale => "STALE: signed an older version",
            State::Invalid => "INVALID: no sign-off verifies",
            State::Missing => "MISSING: not signed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ScopeItem {
    pub id: Txt,
    pub name: Txt,
    /// `system at the provider`, `interface (telecom-line)`
    pub what: Txt,
    pub operator: Txt,
    pub owner: Txt,
    pub contacts: Vec<(String, Txt)>,
    pub protection: [Option<&'static str>; 3],
    pub mtpd: Option<Duration>,
    pub rto: Option<Duration>,
    pub rpo: Option<Duration>,
    pub plan_rto: Option<Duration>,
    pub plan_rpo: Option<Duration>,
    pub description: Option<Txt>,
    pub known: bool,
}

impl ScopeItem {
    /// A covered id that names no system or interface (the check reports it).
    pub fn unknown() -> ScopeItem {
        ScopeItem {
            id: Txt::default(),
            name: Txt::new("(no such system or interface: run `contingent check`)"),
            what: Txt::default(),
            operator: Txt::default(),
            owner: Txt::default(),
            contacts: Vec::new(),
            protection: [None; 3],
            mtpd: None,
            rto: None,
            rpo: None,
            plan_rto: None,
            plan_rpo: None,
            description: None,
            known: false,
        }
    }
}

/// A party as a heading: its name, id and role in `contingent.kdl` (`unknown` when it is not
/// one of its parties).
#[derive(Clone, Debug)]
pub struct PartyHead {
    pub id: Txt,
    pub name: Txt,
    pub role: &'static str,
}

/// A party on a plan's page: what it operates, carries or owns in the plan, and its people.
#[derive(Clone, Debug)]
pub struct PlanParty {
    pub head: PartyHead,
    /// `operates Payroll batch platform (payroll-batch)`, `carries …`, `owns …`, `the client of
    /// contract msa`.
    pub does: Vec<Txt>,
    pub contacts: Vec<PlanContact>,
    /// The plan names none of the party's contacts: these come from the contact directory.
    pub from_directory: bool,
}

/// A contact on a plan's page with what the plan names it as (`escalation level 2`, `carrier
/// contact of mpls-line`).
#[derive(Clone, Debug)]
pub struct PlanContact {
    pub contact: ContactView,
    pub named_as: Vec<Txt>,
}

#[derive(Clone, Debug)]
pub struct SlaView {
    pub target: Txt,
    pub rto: Option<Duration>,
    pub rpo: Option<Duration>,
    pub availability: Option<Txt>,
    pub redundant: Option<bool>,
    pub responses: Vec<(Txt, Duration)>,
    pub backup: Option<Txt>,
}

#[derive(Clone, Debug)]
pub struct ContractView {
    pub id: Txt,
    pub title: Txt,
    pub revision: u32,
    pub effective: Option<Date>,
    pub summary: Option<Txt>,
    /// The revision in force on the handbook's date, when it is not the pinned one.
    pub newer_in_force: Option<u32>,
    pub sla: Vec<SlaView>,
    pub categories: Vec<(Txt, Txt)>,
    pub known: bool,
}

#[derive(Clone, Debug)]
pub struct ForbiddenView {
    pub text: Txt,
    /// `None`: plan-wide; else the scenario's id and title.
    pub scenario: Option<(Txt, Txt)>,
}

#[derive(Clone, Debug)]
pub struct LevelView {
    pub level: u32,
    pub within: Duration,
    pub contact: ContactView,
}

#[derive(Clone, Debug)]
pub struct ScenarioView {
    pub id: Txt,
    pub anchor: String,
    pub title: Txt,
    pub cause: Option<&'static str>,
    pub fault_in: Vec<&'static str>,
    pub affects_others: Option<bool>,
    pub failover: bool,
    pub resolver: Option<Resolver>,
    pub detect: Vec<Txt>,
    /// The scenario's contacts, under their parties' headings.
    pub contacts: Vec<(PartyHead, Vec<ContactView>)>,
    pub steps: Vec<Txt>,
    pub forbidden: Vec<Txt>,
}

#[derive(Clone, Debug)]
pub struct BackupView {
    pub media: Option<&'static str>,
    pub schedule: Option<(Duration, Option<Txt>)>,
    pub retention: Option<Duration>,
    pub offsite: Option<bool>,
    pub antivirus: Option<Txt>,
    pub restore_test: Option<Duration>,
    pub last_restore_test: Option<Date>,
    pub deputy: Option<ContactView>,
    pub on_failure: Option<(ContactView, Duration)>,
    /// Scenarios of the plan that are about restores (id, anchor, title).
    pub restore_scenarios: Vec<(Txt, String, Txt)>,
}

#[derive(Clone, Debug)]
pub struct ExerciseRow {
    pub kind: String,
    pub every: Duration,
    pub joint: bool,
    pub last: Option<(Date, Txt, &'static str)>,
    pub next_due: Date,
    pub overdue: bool,
}

#[derive(Clone, Debug)]
pub struct FindingRow {
    pub text: Txt,
    pub owner: Txt,
    pub due: Date,
    pub overdue: bool,
    pub exercise: Txt,
}

#[derive(Clone, Debug)]
pub struct RecordRow {
    pub id: Txt,
    pub kind: String,
    pub date: Date,
    pub result: &'static str,
    pub summary: Option<Txt>,
}

#[derive(Clone, Debug)]
pub struct PlanPage {
    pub id: Txt,
    pub file_name: String,
    pub title: Txt,
    pub source: Txt,
    pub digest: String,
    pub approved: bool,
    pub approval_problem: Option<Txt>,
    pub manifest: Vec<PartyManifest>,
    pub banners: Vec<Banner>,
    pub stale_contacts: Vec<Txt>,
    pub errors: usize,
    pub responsible: Vec<(String, ContactView)>,
    pub scope: Vec<ScopeItem>,
    pub parties: Vec<PlanParty>,
    pub contract: Option<ContractView>,
    pub forbidden: Vec<ForbiddenView>,
    pub no_forbidden_reason: Option<Txt>,
    pub levels: Vec<LevelView>,
    pub unreachable: Option<Txt>,
    pub scenarios: Vec<ScenarioView>,
    pub backup: Option<BackupView>,
    pub exercises: Vec<ExerciseRow>,
    pub records: Vec<RecordRow>,
    pub open_findings: Vec<FindingRow>,
}

impl PlanPage {
    /// One phrase for the index and the stamp.
    pub fn state_phrase(&self) -> &'static str {
        if !self.approved {
            "NOT APPROVED"
        } else if !self.banners.is_empty() {
            "approved, with warnings"
        } else {
            "approved"
        }
    }
}

#[derive(Clone, Debug)]
pub struct DirectoryEntry {
    pub contact: ContactView,
    pub relied_on_by: Vec<Txt>,
}

#[derive(Clone, Debug)]
pub struct PartyDirectory {
    pub id: Txt,
    pub name: Txt,
    pub role: &'static str,
    pub entries: Vec<DirectoryEntry>,
}

/// What a resolver means for the person holding the handbook.
pub fn resolver_words(r: Resolver) -> (&'static str, &'static str) {
    match r {
        Resolver::Provider => ("PROVIDER ALONE", "the provider may resolve this on its own"),
        Resolver::Joint => ("JOINTLY", "provider and client resolve this together: decide nothing alone"),
        Resolver::Client => ("CLIENT", "the client resolves this; the provider acts only on the client's instruction"),
    }
}

/// A duration in words: `15 minutes`, `1 day`, `3 months`.
pub fn duration_words(d: Duration) -> String {
    let (one, many) = match d.unit {
        Unit::Minutes => ("minute", "minutes"),
        Unit::Hours => ("hour", "hours"),
        Unit::Days => ("day", "days"),
        Unit::Weeks => ("week", "weeks"),
        Unit::Months => ("month", "months"),
        Unit::Years => ("year", "years"),
    };
    format!("{} {}", d.count, if d.count == 1 { one } else { many })
}

pub(super) fn level_word(l: crate::model::Level) -> &'static str {
    match l {
        crate::model::Level::Normal => "normal",
        crate::model::Level::High => "high",
        crate::model::Level::VeryHigh => "very high",
    }
}

pub(super) fn place_word(p: Place) -> &'static str {
    match p {
        Place::Client => "client",
        Place::Provider => "provider",
        Place::Interface => "interface",
    }
}

pub(super) fn side_word(s: Side) -> &'static str {
    match s {
        Side::Client => "client",
        Side::Provider => "provider",
    }
}

pub(super) fn cause_word(c: Cause) -> &'static str {
    match c {
        Cause::Technical => "technical",
        Cause::Application => "application",
        Cause::Interface => "interface",
        Cause::Security => "security",
        Cause::External => "external",
    }
}

pub(super) fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::PassedWithFindings => "passed with findings",
        Outcome::Partial => "PARTLY FAILED",
        Outcome::Failed => "FAILED",
    }
}

/// The anchor of a scenario on its page: `s-` and the id with everything but ASCII letters,
/// digits and `-` replaced (ids are checked by the schema, but the page must not trust that).
pub fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    for c in id.chars().take(80) {
        out.push(if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' });
    }
    out
}

/// Findings that make a plan stale: its contract revision was superseded (review due), an
/// exercise is overdue or was never held, a finding of an exercise is overdue.
pub const STALE_CODES: [&str; 4] = ["CON003", "EXR004", "EXR005", "EXR006"];

/// A diagnostic's message as a sentence for the person holding the page: without `plan `ID`: `
/// in front (the page is that plan's), without the terminal's backticks, with a capital first
/// letter, the notes (a place, a rule code) in parentheses, and a full stop.
pub fn sentence(message: &str, plan: &str, notes: &[&str]) -> String {
    let prefix = format!("plan `{plan}`: ");
    let message = message.strip_prefix(prefix.as_str()).unwrap_or(message);
    let text: String = message.chars().filter(|c| *c != '`').collect();
    let text = text.trim().trim_end_matches(['.', ':', ';', ',']);
    let mut chars = text.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    out.push_str(chars.as_str());
    if !notes.is_empty() {
        out.push_str(&format!(" ({})", notes.join(", ")));
    }
    out.push('.');
    out
}

/// Whether a word is a rule code: three capitals and three digits (`SIG003`).
pub fn is_code(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 6 && b[..3].iter().all(u8::is_ascii_uppercase) && b[3..].iter().all(u8::is_ascii_digit)
}

/// File names of the plan pages: `plan-` and the id, with everything but ASCII letters, digits,
/// `.`, `_` and `-` replaced by `_`, at most 80 characters, made unique (ignoring case, for file
/// systems that do).
pub fn file_names<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = ["index.html", "contacts.html"].iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for id in ids {
        let mut stem = String::from("plan-");
        for c in id.chars().take(80) {
            stem.push(if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' });
        }
        let mut name = format!("{stem}.html");
        let mut n = 2;
        while !taken.insert(name.to_ascii_lowercase()) {
            name = format!("{stem}-{n}.html");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// Builds the handbook of the plans named (all when `only` is empty) from a checked repository:
/// a page per plan, made of its sections (`sections.rs`), the plans that do not load, the
/// contact directory and the errors that concern no single plan.
pub fn build(
    checked: &Checked,
    clock: &Clock,
    provenance: Provenance,
    only: &[String],
    trust: Option<&signoff::Base>,
) -> Result<Handbook, String> {
    let model = &checked.loaded.model;
    let b = Builder::new(model, &checked.loaded.files, clock.today);
    let broken = broken_plans(checked);
    known_plans(model, &broken, only)?;
    let wanted = |id: &str| only.is_empty() || only.iter().any(|o| o == id);
    let eval = signoff::evaluate_with(model, b.files, &crate::check::Context::new(b.today), trust);
    let states: HashMap<&str, &signoff::PlanState> = eval.plans.iter().map(|p| (p.plan.as_str(), p)).collect();
    let (findings, repository_errors) = findings_by_plan(checked, &b, &states);
    let selected: Vec<&Located<Plan>> = model.plans.iter().filter(|p| wanted(&p.id.value)).collect();
    let names = file_names(selected.iter().map(|p| p.id.value.as_str()));
    let plans = selected
        .into_iter()
        .zip(names)
        .map(|(p, file_name)| {
            let id = p.id.value.as_str();
            let plan_findings = findings.get(id).map(Vec::as_slice).unwrap_or_default();
            b.plan_page(p, file_name, states.get(id).copied(), plan_findings)
        })
        .collect();
    Ok(Handbook {
        title: Txt::new(
            model.config.as_ref().and_then(|c| c.name.clone()).unwrap_or_else(|| "Emergency handbook".into()),
        ),
        as_of: b.today,
        as_of_source: clock.source,
        provenance,
        version: env!("CARGO_PKG_VERSION"),
        plans,
        broken_plans: broken.iter().filter(|id| wanted(id)).map(|id| Txt::new(*id)).collect(),
        parties: b.directory(),
        repository_errors,
        judged_against: Txt::new(match trust {
            Some(b) => format!("{}: its approvers and keys, its records", b.name),
            None => "no trusted base: the approvers and keys of these files themselves (a change could approve itself; generate with --trust REV, the protected branch)".to_string(),
        }),
    })
}

/// The ids of plans that exist but did not load (listed on the index, without a page).
fn broken_plans(checked: &Checked) -> Vec<&str> {
    let model = &checked.loaded.model;
    let mut v: Vec<&str> = checked
        .loaded
        .broken
        .iter()
        .filter(|(k, id)| *k == Kind::Plan && !id.is_empty() && !model.plans.iter().any(|p| p.id.value == *id))
        .map(|(_, id)| id.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Refuses a plan id on the command line that names no plan, with a suggestion.
fn known_plans(model: &Model, broken: &[&str], only: &[String]) -> Result<(), String> {
    for id in only {
        if !model.plans.iter().any(|p| p.id.value == *id) && !broken.contains(&id.as_str()) {
            let known: Vec<&str> = model.plans.iter().map(|p| p.id.value.as_str()).collect();
            let hint = crate::diagnostic::did_you_mean(id, known.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(format!("no plan `{id}` in this repository: {hint}plans are {}", known.join(", ")));
        }
    }
    Ok(())
}

/// The findings that count, by the plan they are about (subject) or the plan file they are in;
/// the errors that concern no plan with a page, as lines for the index.
fn findings_by_plan<'c>(
    checked: &'c Checked,
    b: &Builder,
    states: &HashMap<&str, &signoff::PlanState>,
) -> (HashMap<&'c str, Vec<&'c Diagnostic>>, Vec<Txt>) {
    let model = &checked.loaded.model;
    let mut plan_files: HashMap<crate::diagnostic::FileId, Vec<&str>> = HashMap::new();
    for p in &model.plans {
        plan_files.entry(p.file).or_default().push(p.id.value.as_str());
    }
    let mut findings: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
    let mut repository_errors = Vec::new();
    for d in checked.diagnostics().iter().filter(|d| d.counts() && d.severity >= Severity::Warning) {
        let about = d.subject.as_deref().and_then(|s| s.strip_prefix("plan:"));
        let in_file = d.location.and_then(|l| plan_files.get(&l.file)).filter(|v| v.len() == 1).map(|v| v[0]);
        // a finding about a plan that has no page (removed: SIG021) concerns the repository
        let about = about.filter(|p| states.contains_key(p));
        match about.or(in_file) {
            Some(p) => findings.entry(p).or_default().push(d),
            None if d.severity == Severity::Error && d.rule.code != "CNT001" => {
                repository_errors.push(Txt::new(match d.location {
                    Some(l) => format!("{} {}: {} ({})", d.rule.code, b.place(&l), d.message, d.severity.as_str()),
                    None => format!("{}: {}", d.rule.code, d.message),
                }))
            }
            None => {}
        }
    }
    (findings, repository_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_unique() {
        let names = file_names(["payroll", "../../etc/passwd", "a/b", "Payroll", "x\u{202e}y", "index"].into_iter());
        assert_eq!(
            names,
            [
                "plan-payroll.html",
                "plan-.._.._etc_passwd.html",
                "plan-a_b.html",
                "plan-Payroll-2.html",
                "plan-x_y.html",
                "plan-index.html"
            ]
        );
        let long = "a".repeat(500);
        assert_eq!(file_names([long.as_str()].into_iter())[0].len(), "plan-".len() + 80 + ".html".len());
    }

    #[test]
    fn anchors_keep_only_safe_characters() {
        assert_eq!(anchor("s-", "spool-disk-full"), "s-spool-disk-full");
        assert_eq!(anchor("s-", "a\"b<c> d"), "s-a_b_c__d");
    }

    #[test]
    fn diagnostics_become_sentences() {
        let same = "plan `payroll`: the client's sign-off (a.b) and the provider's sign-off (c.d) were made by the same contact a.b: one person cannot approve for both parties";
        assert_eq!(
            sentence(same, "payroll", &[]),
            "The client's sign-off (a.b) and the provider's sign-off (c.d) were made by the same contact a.b: one person cannot approve for both parties."
        );
        // another plan's prefix is kept, backticks go, notes come last
        assert_eq!(sentence("plan `other`: x `y` z.", "payroll", &["SIG001"]), "Plan other: x y z (SIG001).");
        assert_eq!(sentence("", "p", &[]), ".");
        assert_eq!(sentence("überprüft", "p", &[]), "Überprüft.");
        assert!(is_code("SIG003") && !is_code("SIG03") && !is_code("sig003") && !is_code("SIGOO3"));
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(Duration { count: 1, unit: Unit::Days }), "1 day");
        assert_eq!(duration_words(Duration { count: 15, unit: Unit::Minutes }), "15 minutes");
    }
}
