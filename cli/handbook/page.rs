//! The handbook's page model: what each page says, computed from the loaded model, the check's
//! findings and the sign-off evaluation. No markup here: `html.rs` renders it. Text that comes
//! from the repository is held as [`Txt`], which can only be written out escaped.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::check::Checked;
use crate::clock::Clock;
use crate::diagnostic::{Diagnostic, Severity};
use crate::format::Kind;
use crate::model::{
    Availability, Contact, ExerciseKind, FindingStatus, Located, Model, Outcome, Place, Resolver, Side,
};
use crate::rules::contacts::{status, Status};
use crate::rules::contracts::kind_word;
use crate::rules::policy::{Facts, Inventory};
use crate::signoff::{self, PartyState, State};
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
    pub party: Txt,
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
    pub contacts: Vec<ContactView>,
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

fn level_word(l: crate::model::Level) -> &'static str {
    match l {
        crate::model::Level::Normal => "normal",
        crate::model::Level::High => "high",
        crate::model::Level::VeryHigh => "very high",
    }
}

fn place_word(p: Place) -> &'static str {
    match p {
        Place::Client => "client",
        Place::Provider => "provider",
        Place::Interface => "interface",
    }
}

fn outcome_word(o: Outcome) -> &'static str {
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

struct Builder<'m> {
    facts: Facts<'m>,
    model: &'m Model,
    today: Date,
    parties: HashMap<&'m str, &'m crate::model::Party>,
    duplicates: HashSet<&'m str>,
}

impl<'m> Builder<'m> {
    fn party_name(&self, id: &str) -> Txt {
        match self.parties.get(id) {
            Some(p) => Txt::new(format!("{} ({})", p.name, p.id.value)),
            None => Txt::new(id),
        }
    }

    fn contact(&self, id: &str, with_deputy: bool) -> ContactView {
        let Some(c) = self.facts.contacts.get(id).copied() else {
            return ContactView {
                id: Txt::new(id),
                known: false,
                name: Txt::new(format!("{id} (no such contact: run `contingent check`)")),
                party: Txt::default(),
                roles: Vec::new(),
                channels: Vec::new(),
                verified: None,
                stale: false,
                stale_since: None,
                deputy: None,
            };
        };
        self.contact_of(c, with_deputy)
    }

    fn contact_of(&self, c: &Located<Contact>, with_deputy: bool) -> ContactView {
        let (st, expires) = status(c, &self.facts.policy, self.today);
        let channel = |kind: &'static str, list: &[crate::model::Channel]| {
            list.iter()
                .map(|ch| ChannelView {
                    kind,
                    value: Txt::new(ch.value.clone()),
                    always: ch.available == Availability::Always,
                })
                .collect::<Vec<_>>()
        };
        let mut channels = channel("phone", &c.phone);
        channels.extend(channel("mobile", &c.mobile));
        channels.extend(channel("e-mail", &c.email));
        // around-the-clock channels first: that is what is needed at night
        channels.sort_by_key(|ch| !ch.always);
        let deputy = c
            .deputy
            .as_ref()
            .filter(|d| with_deputy && d.value != c.id.value)
            .map(|d| Box::new(self.contact(&d.value, false)));
        ContactView {
            id: Txt::new(c.id.value.clone()),
            known: !self.duplicates.contains(c.id.value.as_str()),
            name: Txt::new(c.name.clone()),
            party: self.party_name(&c.party.value),
            roles: c.role.iter().cloned().map(Txt::new).collect(),
            channels,
            verified: Some(c.verified.value),
            stale: st == Status::Stale,
            stale_since: (st == Status::Stale).then_some(expires),
            deputy,
        }
    }
}

fn party_manifest(
    b: &Builder,
    side: Side,
    state: &PartyState,
    current: &str,
    place: &dyn Fn(&crate::diagnostic::Location) -> String,
) -> PartyManifest {
    let config = b.model.config.as_ref();
    let role = match side {
        Side::Client => crate::model::PartyRole::Client,
        Side::Provider => crate::model::PartyRole::Provider,
    };
    let party = config
        .and_then(|c| c.party.iter().find(|p| p.role.value == role))
        .map(|p| Txt::new(format!("{} ({})", p.name, p.id.value)))
        .unwrap_or_default();
    PartyManifest {
        side: match side {
            Side::Client => "client",
            Side::Provider => "provider",
        },
        party,
        state: state.state,
        signed: state
            .approvals
            .iter()
            .map(|a| SignedBy {
                signer: Txt::new(a.signer.clone()),
                name: b.facts.contacts.get(a.signer.as_str()).map(|c| Txt::new(c.name.clone())).unwrap_or_default(),
                date: a.date,
                digest: a.digest.clone(),
                place: Txt::new(place(&a.location)),
                current: a.digest == current,
            })
            .collect(),
        problems: state.problems.iter().cloned().map(Txt::new).collect(),
    }
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

/// Builds the handbook of the plans named (all when `only` is empty) from a checked repository.
#[allow(clippy::too_many_lines)] // longer than a screen: to be split into named steps
pub fn build(
    checked: &Checked,
    clock: &Clock,
    provenance: Provenance,
    only: &[String],
    trust: Option<&signoff::Base>,
) -> Result<Handbook, String> {
    let model = &checked.loaded.model;
    let files = &checked.loaded.files;
    let today = clock.today;
    let mut seen = HashSet::new();
    let duplicates =
        model.contacts.iter().filter(|c| !seen.insert(c.id.value.as_str())).map(|c| c.id.value.as_str()).collect();
    let b = Builder {
        facts: Facts::new(model),
        model,
        today,
        parties: model.config.iter().flat_map(|c| c.party.iter().map(|p| (p.id.value.as_str(), p))).collect(),
        duplicates,
    };
    let broken: Vec<&str> = {
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
    };
    for id in only {
        if !model.plans.iter().any(|p| p.id.value == *id) && !broken.contains(&id.as_str()) {
            let known: Vec<&str> = model.plans.iter().map(|p| p.id.value.as_str()).collect();
            let hint = crate::diagnostic::did_you_mean(id, known.iter().copied())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(format!("no plan `{id}` in this repository: {hint}plans are {}", known.join(", ")));
        }
    }
    let wanted = |id: &str| only.is_empty() || only.iter().any(|o| o == id);
    let eval = signoff::evaluate_with(model, files, &crate::check::Context::new(today), trust);
    let states: HashMap<&str, &signoff::PlanState> = eval.plans.iter().map(|p| (p.plan.as_str(), p)).collect();
    let place = |l: &crate::diagnostic::Location| {
        let f = files.get(l.file);
        format!("{}:{}", f.path, f.line_col(l.span.start).0)
    };
    // findings that count, by the plan they are about (subject) or the plan file they are in
    let plan_files: HashMap<crate::diagnostic::FileId, Vec<&str>> = {
        let mut m: HashMap<_, Vec<&str>> = HashMap::new();
        for p in &model.plans {
            m.entry(p.file).or_default().push(p.id.value.as_str());
        }
        m
    };
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
                    Some(l) => format!("{} {}: {} ({})", d.rule.code, place(&l), d.message, d.severity.as_str()),
                    None => format!("{}: {}", d.rule.code, d.message),
                }))
            }
            None => {}
        }
    }
    let mut plans = Vec::new();
    let selected: Vec<&Located<crate::model::Plan>> = model.plans.iter().filter(|p| wanted(&p.id.value)).collect();
    let names = file_names(selected.iter().map(|p| p.id.value.as_str()));
    for (p, file_name) in selected.into_iter().zip(names) {
        let id = p.id.value.as_str();
        let state = states.get(id).copied();
        let manifest = match state {
            Some(s) => vec![
                party_manifest(&b, Side::Client, &s.client, &p.digest, &place),
                party_manifest(&b, Side::Provider, &s.provider, &p.digest, &place),
            ],
            None => Vec::new(),
        };
        let approved = state.is_some_and(|s| s.approved);
        let mut banners = Vec::new();
        if !approved {
            let mut lines = vec![Txt::new(
                "This version of the plan is not approved by both parties. Follow it only as far as the emergency managers of both parties confirm it.",
            )];
            for m in &manifest {
                let what = match m.state {
                    State::Signed => continue,
                    State::Stale => "signed an older version; the plan changed since",
                    State::Invalid => "has sign-off records, but none verifies",
                    State::Missing => "has not signed",
                };
                lines.push(Txt::new(format!("The {} {} {what}.", m.side, m.party.raw())));
            }
            if let Some(problem) = state.and_then(|s| s.problem.clone()) {
                lines.push(Txt::new(problem));
            }
            banners.push(Banner { word: "NOT APPROVED", lines });
        }
        let plan_findings = findings.get(id).map(Vec::as_slice).unwrap_or_default();
        let stale_lines: Vec<Txt> = plan_findings
            .iter()
            .filter(|d| STALE_CODES.contains(&d.rule.code))
            .map(|d| Txt::new(format!("{} ({})", d.message, d.rule.code)))
            .collect();
        if !stale_lines.is_empty() {
            banners.push(Banner { word: "STALE", lines: stale_lines });
        }
        let relied = signoff::context::contacts_named(model, p);
        let stale_contacts: Vec<ContactView> = relied
            .iter()
            .filter_map(|c| b.facts.contacts.get(c.as_str()))
            .map(|c| b.contact_of(c, false))
            .filter(|c| c.stale)
            .collect();
        if !stale_contacts.is_empty() {
            let mut lines = vec![Txt::new(
                "This plan relies on contacts whose details have not been verified in time: the numbers below may be wrong. If a call fails, go on with the next level and the deputy at once.",
            )];
            for c in &stale_contacts {
                lines.push(Txt::new(format!(
                    "{} ({}): last verified {}, stale since {}",
                    c.name.raw(),
                    c.id.raw(),
                    c.verified.map(|d| d.to_string()).unwrap_or_default(),
                    c.stale_since.map(|d| d.to_string()).unwrap_or_default()
                )));
            }
            banners.push(Banner { word: "STALE CONTACT", lines });
        }
        let errors: Vec<&&Diagnostic> = plan_findings.iter().filter(|d| d.severity == Severity::Error).collect();
        let other: Vec<Txt> = errors
            .iter()
            .filter(|d| !STALE_CODES.contains(&d.rule.code) && (approved || !d.rule.code.starts_with("SIG")))
            .map(|d| {
                let at = d.location.map(|l| format!(" ({})", place(&l))).unwrap_or_default();
                Txt::new(format!("{}: {}{at}", d.rule.code, d.message))
            })
            .collect();
        if !other.is_empty() {
            banners.push(Banner { word: "CHECK FAILED", lines: other });
        }

        // scope
        let objectives: HashMap<&str, &crate::model::Objective> =
            p.objective.iter().map(|o| (o.target.value.as_str(), &o.value)).collect();
        let scope = p
            .covers
            .iter()
            .map(|c| {
                let o = objectives.get(c.value.as_str());
                let (plan_rto, plan_rpo) =
                    (o.and_then(|o| o.rto.as_ref().map(|d| d.value)), o.and_then(|o| o.rpo.as_ref().map(|d| d.value)));
                match b.facts.inventory.get(c.value.as_str()) {
                    Some(inv) => {
                        let prot = inv.protection().map(|p| &p.value);
                        let lvl =
                            |l: Option<&crate::model::de::Spanned<crate::model::Level>>| l.map(|l| level_word(l.value));
                        let (name, what, operator, owner, contacts, description) = match inv {
                            Inventory::System(s) => (
                                s.name.clone(),
                                format!(
                                    "system at the {}",
                                    match s.side.value {
                                        Side::Client => "client",
                                        Side::Provider => "provider",
                                    }
                                ),
                                b.party_name(&s.operator.value),
                                {
                                    let c = b.contact(&s.owner.value, false);
                                    Txt::new(format!("{} ({})", c.name.raw(), c.id.raw()))
                                },
                                Vec::new(),
                                s.description.clone(),
                            ),
                            Inventory::Interface(i) => {
                                let mut contacts = Vec::new();
                                if let Some(ic) = &i.contacts {
                                    for (side, id) in
                                        [("client", &ic.client), ("provider", &ic.provider), ("carrier", &ic.carrier)]
                                    {
                                        if let Some(id) = id {
                                            let c = b.contact(&id.value, false);
                                            contacts.push((
                                                side.to_string(),
                                                Txt::new(format!("{} ({})", c.name.raw(), c.id.raw())),
                                            ));
                                        }
                                    }
                                }
                                (
                                    i.name.clone(),
                                    format!("interface ({})", i.kind),
                                    i.carrier
                                        .as_ref()
                                        .map(|c| b.party_name(&c.value))
                                        .unwrap_or_else(|| Txt::new("client and provider")),
                                    Txt::new("—"),
                                    contacts,
                                    i.description.clone(),
                                )
                            }
                        };
                        ScopeItem {
                            id: Txt::new(c.value.clone()),
                            name: Txt::new(name),
                            what: Txt::new(what),
                            operator,
                            owner,
                            contacts,
                            protection: [
                                lvl(prot.and_then(|p| p.confidentiality.as_ref())),
                                lvl(prot.and_then(|p| p.integrity.as_ref())),
                                lvl(prot.and_then(|p| p.availability.as_ref())),
                            ],
                            mtpd: inv.mtpd().map(|d| d.value),
                            rto: inv.rto().map(|d| d.value),
                            rpo: inv.rpo().map(|d| d.value),
                            plan_rto,
                            plan_rpo,
                            description: description.map(Txt::new),
                            known: true,
                        }
                    }
                    None => ScopeItem {
                        id: Txt::new(c.value.clone()),
                        name: Txt::new("(no such system or interface: run `contingent check`)"),
                        what: Txt::default(),
                        operator: Txt::default(),
                        owner: Txt::default(),
                        contacts: Vec::new(),
                        protection: [None; 3],
                        mtpd: None,
                        rto: None,
                        rpo: None,
                        plan_rto,
                        plan_rpo,
                        description: None,
                        known: false,
                    },
                }
            })
            .collect();
        let covered: HashSet<&str> = p.covers.iter().map(|c| c.value.as_str()).collect();
        let contract = p.contract.as_ref().map(|cr| {
            let contract = model.contracts.iter().find(|c| c.id.value == cr.id.value);
            let rev = contract.and_then(|c| c.revision.iter().find(|r| r.number.value == cr.revision.value));
            let in_force = contract.and_then(|c| crate::rules::contracts::in_effect(c, today));
            ContractView {
                id: Txt::new(cr.id.value.clone()),
                title: contract
                    .map(|c| Txt::new(c.title.clone()))
                    .unwrap_or_else(|| Txt::new("(no such contract: run `contingent check`)")),
                revision: cr.revision.value,
                effective: rev.map(|r| r.effective.value),
                summary: rev.and_then(|r| r.summary.clone()).map(Txt::new),
                newer_in_force: in_force.map(|r| r.number.value).filter(|n| *n != cr.revision.value),
                sla: rev
                    .map(|r| {
                        r.sla
                            .iter()
                            .filter(|s| covered.contains(s.target.value.as_str()))
                            .map(|s| SlaView {
                                target: Txt::new(s.target.value.clone()),
                                rto: s.rto.as_ref().map(|d| d.value),
                                rpo: s.rpo.as_ref().map(|d| d.value),
                                availability: s.availability.clone().map(Txt::new),
                                redundant: s.redundant,
                                responses: s
                                    .response
                                    .iter()
                                    .map(|r| (Txt::new(r.category.value.clone()), r.within.value))
                                    .collect(),
                                backup: s.backup.as_ref().map(|bt| {
                                    let mut parts = Vec::new();
                                    if let Some(e) = &bt.every {
                                        parts.push(format!("every {}", duration_words(e.value)));
                                    }
                                    if let Some(r) = &bt.retention {
                                        parts.push(format!("kept {}", duration_words(r.value)));
                                    }
                                    if let Some(o) = bt.offsite {
                                        parts.push(if o {
                                            "off-site copy".into()
                                        } else {
                                            "no off-site copy".to_string()
                                        });
                                    }
                                    if let Some(t) = &bt.restore_test {
                                        parts.push(format!("restore test every {}", duration_words(t.value)));
                                    }
                                    Txt::new(parts.join(", "))
                                }),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                categories: rev
                    .map(|r| {
                        r.category
                            .iter()
                            .map(|c| {
                                let mut d = c.kind.clone().unwrap_or_default();
                                if let Some(desc) = &c.description {
                                    if !d.is_empty() {
                                        d.push_str(": ");
                                    }
                                    d.push_str(desc);
                                }
                                (Txt::new(c.id.value.clone()), Txt::new(d))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                known: rev.is_some(),
            }
        });
        let mut forbidden: Vec<ForbiddenView> =
            p.forbidden.iter().map(|f| ForbiddenView { text: Txt::new(f.value.clone()), scenario: None }).collect();
        for s in &p.scenario {
            let title = Txt::new(s.title.clone().unwrap_or_else(|| s.id.value.clone()));
            forbidden.extend(s.forbidden.iter().map(|f| ForbiddenView {
                text: Txt::new(f.value.clone()),
                scenario: Some((Txt::new(s.id.value.clone()), title.clone())),
            }));
        }
        let mut levels: Vec<LevelView> = p
            .escalation
            .iter()
            .flat_map(|e| e.level.iter())
            .map(|l| LevelView {
                level: l.level.value,
                within: l.within.value,
                contact: b.contact(&l.notify.value, true),
            })
            .collect();
        levels.sort_by_key(|l| l.level);
        let scenarios: Vec<ScenarioView> = p
            .scenario
            .iter()
            .map(|s| ScenarioView {
                id: Txt::new(s.id.value.clone()),
                anchor: anchor("s-", &s.id.value),
                title: Txt::new(s.title.clone().unwrap_or_else(|| s.id.value.clone())),
                cause: s.cause.as_ref().map(|c| match c.value {
                    crate::model::Cause::Technical => "technical",
                    crate::model::Cause::Application => "application",
                    crate::model::Cause::Interface => "interface",
                    crate::model::Cause::Security => "security",
                    crate::model::Cause::External => "external",
                }),
                fault_in: s.fault_in.iter().map(|f| place_word(f.value)).collect(),
                affects_others: s.affects_others.as_ref().map(|a| a.value),
                failover: s.failover,
                resolver: s.resolver.as_ref().map(|r| r.value),
                detect: s.detect.iter().cloned().map(Txt::new).collect(),
                contacts: s.contacts.iter().map(|c| b.contact(&c.value, true)).collect(),
                steps: s.step.iter().map(|st| Txt::new(st.value.clone())).collect(),
                forbidden: s.forbidden.iter().map(|f| Txt::new(f.value.clone())).collect(),
            })
            .collect();
        let records: Vec<&Located<crate::model::ExerciseRecord>> =
            b.facts.exercises.get(id).cloned().unwrap_or_default();
        // The last exercise that counts as held, as the rules judge it: not failed, not dated
        // after the handbook's date.
        let last = |kind: ExerciseKind| {
            records.iter().filter(|r| r.kind.value == kind && r.counts_as_held(today)).max_by_key(|r| r.date.value)
        };
        let backup = p.backup.as_ref().map(|bk| BackupView {
            media: bk.media.as_ref().map(|m| match m.value {
                crate::model::Media::Dedicated => "dedicated to this client",
                crate::model::Media::Shared => "SHARED with other clients",
            }),
            schedule: bk.schedule.as_ref().map(|s| (s.every.value, s.at.clone().map(Txt::new))),
            retention: bk.retention.as_ref().map(|r| r.value),
            offsite: bk.offsite.as_ref().map(|o| o.value),
            antivirus: bk.antivirus.as_ref().map(|a| Txt::new(a.value.clone())),
            restore_test: bk.restore_test.as_ref().map(|r| r.every.value),
            last_restore_test: last(ExerciseKind::RestoreTest).map(|r| r.date.value),
            deputy: bk.deputy.as_ref().map(|d| b.contact(&d.value, true)),
            on_failure: bk.on_failure.as_ref().map(|o| (b.contact(&o.escalate_to.value, true), o.within.value)),
            restore_scenarios: scenarios
                .iter()
                .filter(|s| {
                    let t = format!("{} {}", s.id.raw(), s.title.raw()).to_lowercase();
                    t.contains("restore") || t.contains("recovery")
                })
                .map(|s| (s.id.clone(), s.anchor.clone(), s.title.clone()))
                .collect(),
        });
        let exercises = p
            .exercise
            .iter()
            .map(|e| {
                let l = last(e.kind.value);
                let next_due = l.map_or(today, |r| r.date.value.plus(e.every.value));
                ExerciseRow {
                    kind: kind_word(e.kind.value),
                    every: e.every.value,
                    joint: e.joint,
                    last: l.map(|r| (r.date.value, Txt::new(r.id.value.clone()), outcome_word(r.result.value))),
                    next_due,
                    overdue: l.is_none() || next_due < today,
                }
            })
            .collect();
        let mut record_rows: Vec<RecordRow> = records
            .iter()
            .map(|r| RecordRow {
                id: Txt::new(r.id.value.clone()),
                kind: kind_word(r.kind.value),
                date: r.date.value,
                result: outcome_word(r.result.value),
                summary: r.summary.clone().map(Txt::new),
            })
            .collect();
        record_rows.sort_by_key(|r| std::cmp::Reverse(r.date));
        let open_findings = records
            .iter()
            .flat_map(|r| r.finding.iter().map(move |f| (r, f)))
            .filter(|(_, f)| f.status == FindingStatus::Open)
            .map(|(r, f)| {
                let owner = b.contact(&f.owner.value, false);
                FindingRow {
                    text: Txt::new(f.text.clone()),
                    owner: Txt::new(format!("{} ({})", owner.name.raw(), owner.id.raw())),
                    due: f.due.value,
                    overdue: f.due.value < today,
                    exercise: Txt::new(r.id.value.clone()),
                }
            })
            .collect();
        let responsible = p
            .responsible
            .as_ref()
            .map(|r| {
                [("client", &r.client), ("provider", &r.provider)]
                    .into_iter()
                    .filter_map(|(side, c)| c.as_ref().map(|c| (side.to_string(), b.contact(&c.value, true))))
                    .collect()
            })
            .unwrap_or_default();
        plans.push(PlanPage {
            id: Txt::new(id),
            file_name,
            title: Txt::new(p.title.clone()),
            source: Txt::new(files.get(p.file).path.clone()),
            digest: p.digest.clone(),
            approved,
            approval_problem: state.and_then(|s| s.problem.clone()).map(Txt::new),
            manifest,
            banners,
            stale_contacts: stale_contacts.iter().map(|c| c.id.clone()).collect(),
            errors: errors.len(),
            responsible,
            scope,
            contract,
            forbidden,
            no_forbidden_reason: p.no_forbidden_actions.as_ref().map(|n| Txt::new(n.value.clone())),
            levels,
            unreachable: p.escalation.as_ref().and_then(|e| e.unreachable.as_ref()).map(|u| Txt::new(u.value.clone())),
            scenarios,
            backup,
            exercises,
            records: record_rows,
            open_findings,
        });
    }
    // the contact directory: every contact by party, with who relies on it
    let referenced = crate::model::referenced_by(model);
    let mut parties: Vec<PartyDirectory> = model
        .config
        .iter()
        .flat_map(|c| c.party.iter())
        .map(|p| PartyDirectory {
            id: Txt::new(p.id.value.clone()),
            name: Txt::new(p.name.clone()),
            role: match p.role.value {
                crate::model::PartyRole::Client => "client",
                crate::model::PartyRole::Provider => "provider",
                crate::model::PartyRole::SubProvider => "sub-provider",
                crate::model::PartyRole::Carrier => "carrier",
            },
            entries: Vec::new(),
        })
        .collect();
    let mut by_party: BTreeMap<&str, Vec<&Located<Contact>>> = BTreeMap::new();
    for c in &model.contacts {
        by_party.entry(c.party.value.as_str()).or_default().push(c);
    }
    for (party, contacts) in by_party {
        let dir = match parties.iter().position(|p| p.id.raw() == party) {
            Some(i) => &mut parties[i],
            None => {
                parties.push(PartyDirectory {
                    id: Txt::new(party),
                    name: Txt::new(format!("{party} (not a party of contingent.kdl)")),
                    role: "unknown",
                    entries: Vec::new(),
                });
                parties.last_mut().expect("just pushed")
            }
        };
        for c in contacts {
            dir.entries.push(DirectoryEntry {
                contact: b.contact_of(c, true),
                relied_on_by: referenced
                    .get(c.id.value.as_str())
                    .into_iter()
                    .flatten()
                    .cloned()
                    .map(Txt::new)
                    .collect(),
            });
        }
    }
    // contacts the plans rely on first, then alphabetically
    for p in &mut parties {
        p.entries.sort_by(|a, b| {
            (a.relied_on_by.is_empty(), a.contact.id.raw()).cmp(&(b.relied_on_by.is_empty(), b.contact.id.raw()))
        });
    }
    parties.retain(|p| !p.entries.is_empty());
    Ok(Handbook {
        title: Txt::new(
            model.config.as_ref().and_then(|c| c.name.clone()).unwrap_or_else(|| "Emergency handbook".into()),
        ),
        as_of: today,
        as_of_source: clock.source,
        provenance,
        version: env!("CARGO_PKG_VERSION"),
        plans,
        broken_plans: broken.iter().filter(|id| wanted(id)).map(|id| Txt::new(*id)).collect(),
        parties,
        repository_errors,
        judged_against: Txt::new(match trust {
            Some(b) => format!("{}: its approvers and keys, its records", b.name),
            None => "no trusted base: the approvers and keys of these files themselves (a change could approve itself; generate with --trust REV, the protected branch)".to_string(),
        }),
    })
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
    fn durations_in_words() {
        assert_eq!(duration_words(Duration { count: 1, unit: Unit::Days }), "1 day");
        assert_eq!(duration_words(Duration { count: 15, unit: Unit::Minutes }), "15 minutes");
    }
}
