//! The typed model, built with serde from validated JSON. Values that checks report on are
//! [`Spanned`], so every finding points at the KDL that caused it.

pub mod de;

use serde::Deserialize;

pub use de::Spanned;

use crate::diagnostic::{FileId, Span};
use crate::units::{Date, Duration};

pub type Id = Spanned<String>;

/// A top-level object with the file and the span of its head (`plan payroll`).
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub file: FileId,
    pub head: Span,
    pub value: T,
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartyRole {
    Client,
    Provider,
    SubProvider,
    Carrier,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    pub name: Option<String>,
    #[serde(default)]
    pub party: Vec<Party>,
    #[serde(default)]
    pub paths: Paths,
    #[serde(default)]
    pub limits: Limits,
    pub reference_date: Option<Spanned<Date>>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub rule: Vec<RuleSetting>,
    #[serde(default)]
    pub waiver: Vec<Spanned<Waiver>>,
    /// The JSON mapping of the members that judge plans (`policy`, `rule`, `waiver`), as they
    /// are written: part of the context an approval binds (`signoff::context`).
    #[serde(skip)]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeveritySetting {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct RuleSetting {
    pub code: Spanned<String>,
    pub severity: Option<Spanned<SeveritySetting>>,
    pub staged: Option<Spanned<SeveritySetting>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Waiver {
    pub rule: Spanned<String>,
    pub file: Option<Spanned<String>>,
    pub plan: Option<Id>,
    pub system: Option<Id>,
    pub contact: Option<Id>,
    pub contract: Option<Id>,
    pub reason: String,
    pub approved_by: Id,
    pub expires: Spanned<Date>,
}

impl Waiver {
    /// The objects the waiver names, as `kind:id` (`file:` with the normalised path). A valid
    /// waiver names exactly one.
    pub fn targets(&self) -> Vec<String> {
        [
            self.file.as_ref().map(|f| format!("file:{}", crate::source::normalise_dir(&f.value))),
            self.plan.as_ref().map(|p| format!("plan:{}", p.value)),
            self.system.as_ref().map(|s| format!("system:{}", s.value)),
            self.contact.as_ref().map(|c| format!("contact:{}", c.value)),
            self.contract.as_ref().map(|c| format!("contract:{}", c.value)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ExerciseIntervals {
    pub normal: Duration,
    pub high: Duration,
    pub very_high: Duration,
}

impl Default for ExerciseIntervals {
    fn default() -> Self {
        ExerciseIntervals {
            normal: Duration { count: 24, unit: crate::units::Unit::Months },
            high: Duration { count: 12, unit: crate::units::Unit::Months },
            very_high: Duration { count: 6, unit: crate::units::Unit::Months },
        }
    }
}

impl ExerciseIntervals {
    pub fn for_level(&self, level: Level) -> Duration {
        match level {
            Level::Normal => self.normal,
            Level::High => self.high,
            Level::VeryHigh => self.very_high,
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Policy {
    pub exercise_interval: ExerciseIntervals,
    pub scenario_cycle: Duration,
    pub contact_max_age: Duration,
    pub contact_warning: Duration,
    pub review_grace: Duration,
    pub revision_notice: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        use crate::units::Unit;
        Policy {
            exercise_interval: ExerciseIntervals::default(),
            scenario_cycle: Duration { count: 24, unit: Unit::Months },
            contact_max_age: Duration { count: 6, unit: Unit::Months },
            contact_warning: Duration { count: 30, unit: Unit::Days },
            review_grace: Duration { count: 60, unit: Unit::Days },
            revision_notice: Duration { count: 30, unit: Unit::Days },
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Party {
    pub id: Id,
    pub role: Spanned<PartyRole>,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Paths {
    pub contacts: String,
    pub inventory: String,
    pub contracts: String,
    pub plans: String,
    pub exercises: String,
    pub signoffs: String,
}

impl Paths {
    pub fn all(&self) -> [&str; 6] {
        [&self.contacts, &self.inventory, &self.contracts, &self.plans, &self.exercises, &self.signoffs]
    }

    /// Each folder with the kinds of file it holds.
    pub fn with_kinds(&self) -> [(&str, &'static [crate::format::Kind]); 6] {
        use crate::format::Kind;
        [
            (&self.contacts, &[Kind::Contact]),
            (&self.inventory, &[Kind::System, Kind::Interface]),
            (&self.contracts, &[Kind::Contract]),
            (&self.plans, &[Kind::Plan]),
            (&self.exercises, &[Kind::Exercise]),
            (&self.signoffs, &[Kind::Signoff, Kind::Roster]),
        ]
    }
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            contacts: "contacts".into(),
            inventory: "inventory".into(),
            contracts: "contracts".into(),
            plans: "plans".into(),
            exercises: "exercises".into(),
            signoffs: "signoffs".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct Limits {
    pub max_file_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_file_size: 1 << 20 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Availability {
    #[serde(rename = "24x7")]
    Always,
    #[serde(rename = "business-hours")]
    BusinessHours,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Channel {
    pub value: String,
    pub available: Availability,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SigningKey {
    pub key: Spanned<String>,
    pub valid_after: Option<Spanned<Date>>,
    pub valid_before: Option<Spanned<Date>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Contact {
    pub id: Id,
    pub party: Id,
    pub name: String,
    #[serde(default)]
    pub role: Vec<String>,
    #[serde(default)]
    pub phone: Vec<Channel>,
    #[serde(default)]
    pub mobile: Vec<Channel>,
    #[serde(default)]
    pub email: Vec<Channel>,
    pub deputy: Option<Id>,
    pub verified: Spanned<Date>,
    #[serde(default)]
    pub may_approve: bool,
    pub github: Option<String>,
    #[serde(default)]
    pub key: Vec<SigningKey>,
    /// A former contact: kept for the history (past exercise records), never to be relied on.
    #[serde(default)]
    pub former: bool,
    /// The day the contact left; from then on a former contact.
    pub left: Option<Spanned<Date>>,
}

impl Contact {
    /// Whether the contact is a former one on a date (`former #true`, or `left` on or before it).
    /// Whether the contact had left on `on`: from its `left` date when it has one (`former #true`
    /// beside it says no more), else always when it is marked `former`.
    pub fn is_former_on(&self, on: Date) -> bool {
        match &self.left {
            Some(l) => l.value <= on,
            None => self.former,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Normal,
    High,
    VeryHigh,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Protection {
    pub confidentiality: Option<Spanned<Level>>,
    pub integrity: Option<Spanned<Level>>,
    pub availability: Option<Spanned<Level>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Acknowledgement {
    pub by: Id,
    pub date: Spanned<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Client,
    Provider,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Infrastructure {
    Shared,
    Dedicated,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct System {
    pub id: Id,
    pub name: String,
    pub side: Spanned<Side>,
    pub operator: Id,
    pub owner: Id,
    pub protection: Option<Spanned<Protection>>,
    pub acknowledged: Option<Spanned<Acknowledgement>>,
    pub mtpd: Option<Spanned<Duration>>,
    pub rto: Option<Spanned<Duration>>,
    pub rpo: Option<Spanned<Duration>>,
    #[serde(default)]
    pub depends_on: Vec<Id>,
    pub infrastructure: Option<Spanned<Infrastructure>>,
    pub holds_data: Option<bool>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct InterfaceContacts {
    pub client: Option<Id>,
    pub provider: Option<Id>,
    pub carrier: Option<Id>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Interface {
    pub id: Id,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub carrier: Option<Id>,
    pub contacts: Option<Spanned<InterfaceContacts>>,
    pub protection: Option<Spanned<Protection>>,
    pub acknowledged: Option<Spanned<Acknowledgement>>,
    pub mtpd: Option<Spanned<Duration>>,
    pub rto: Option<Spanned<Duration>>,
    pub rpo: Option<Spanned<Duration>>,
    #[serde(default)]
    pub depends_on: Vec<Id>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Response {
    pub category: Id,
    pub within: Spanned<Duration>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct BackupTerms {
    pub every: Option<Spanned<Duration>>,
    pub retention: Option<Spanned<Duration>>,
    pub offsite: Option<bool>,
    pub restore_test: Option<Spanned<Duration>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Sla {
    pub target: Id,
    pub rto: Option<Spanned<Duration>>,
    pub rpo: Option<Spanned<Duration>>,
    pub availability: Option<String>,
    /// Whether the contract requires redundancy; `None` when it does not say.
    pub redundant: Option<bool>,
    #[serde(default)]
    pub response: Vec<Response>,
    pub backup: Option<Spanned<BackupTerms>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExerciseKind {
    PlanReview,
    Walkthrough,
    Tabletop,
    AlarmTest,
    RestoreTest,
    FunctionalTest,
    FullExercise,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RequiredExercise {
    pub kind: Spanned<ExerciseKind>,
    pub every: Spanned<Duration>,
    #[serde(default)]
    pub client_participates: bool,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Category {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub urgency: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Revision {
    pub number: Spanned<u32>,
    pub effective: Spanned<Date>,
    pub summary: Option<String>,
    #[serde(default)]
    pub sla: Vec<Sla>,
    #[serde(default)]
    pub exercise: Vec<RequiredExercise>,
    #[serde(default)]
    pub category: Vec<Category>,
    #[serde(default)]
    pub escalation: Vec<String>,
    pub cooperation: Option<String>,
    pub client_participation: Option<String>,
    #[serde(default)]
    pub action: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Contract {
    pub id: Id,
    pub title: String,
    pub client: Id,
    pub provider: Id,
    pub revision: Vec<Spanned<Revision>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ContractRef {
    pub id: Id,
    pub revision: Spanned<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Responsible {
    pub client: Option<Id>,
    pub provider: Option<Id>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Objective {
    pub target: Id,
    pub rto: Option<Spanned<Duration>>,
    pub rpo: Option<Spanned<Duration>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct EscalationLevel {
    pub level: Spanned<u32>,
    pub notify: Id,
    pub within: Spanned<Duration>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Escalation {
    #[serde(default)]
    pub level: Vec<Spanned<EscalationLevel>>,
    pub unreachable: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Media {
    Dedicated,
    Shared,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Schedule {
    pub every: Spanned<Duration>,
    pub at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Every {
    pub every: Spanned<Duration>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OnFailure {
    pub escalate_to: Id,
    pub within: Spanned<Duration>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Backup {
    pub media: Option<Spanned<Media>>,
    pub schedule: Option<Spanned<Schedule>>,
    pub retention: Option<Spanned<Duration>>,
    pub offsite: Option<Spanned<bool>>,
    pub antivirus: Option<Spanned<String>>,
    pub restore_test: Option<Spanned<Every>>,
    pub deputy: Option<Id>,
    pub on_failure: Option<Spanned<OnFailure>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    Technical,
    Application,
    Interface,
    Security,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolver {
    Provider,
    Joint,
    Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    Client,
    Provider,
    Interface,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Scenario {
    pub id: Id,
    pub title: Option<String>,
    pub cause: Option<Spanned<Cause>>,
    pub affects_others: Option<Spanned<bool>>,
    pub resolver: Option<Spanned<Resolver>>,
    #[serde(default)]
    pub fault_in: Vec<Spanned<Place>>,
    #[serde(default)]
    pub detect: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<Id>,
    #[serde(default)]
    pub step: Vec<Spanned<String>>,
    #[serde(default)]
    pub forbidden: Vec<Spanned<String>>,
    #[serde(default)]
    pub failover: bool,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct PlannedExercise {
    pub kind: Spanned<ExerciseKind>,
    pub every: Spanned<Duration>,
    #[serde(default)]
    pub joint: bool,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Plan {
    pub id: Id,
    pub title: String,
    pub covers: Vec<Id>,
    pub contract: Option<Spanned<ContractRef>>,
    pub responsible: Option<Spanned<Responsible>>,
    #[serde(default)]
    pub objective: Vec<Spanned<Objective>>,
    pub escalation: Option<Spanned<Escalation>>,
    pub backup: Option<Spanned<Backup>>,
    #[serde(default)]
    pub forbidden: Vec<Spanned<String>>,
    pub no_forbidden_actions: Option<Spanned<String>>,
    #[serde(default)]
    pub scenario: Vec<Spanned<Scenario>>,
    #[serde(default)]
    pub exercise: Vec<Spanned<PlannedExercise>>,
    /// The canonical digest of the plan's content (set by the loader; see `signoff::digest`).
    #[serde(skip)]
    pub digest: String,
    /// For a plan with errors (`Model::salvaged`): the top-level fields left out because they
    /// hold the errors. The rules that read them wait; the others judge the rest.
    #[serde(skip)]
    pub cut: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    PassedWithFindings,
    /// Partly failed: some objectives were met, others not.
    Partial,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    Open,
    Closed,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Finding {
    pub text: String,
    pub owner: Id,
    pub due: Spanned<Date>,
    pub status: FindingStatus,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ExerciseRecord {
    pub id: Id,
    pub plan: Id,
    pub kind: Spanned<ExerciseKind>,
    pub date: Spanned<Date>,
    #[serde(default)]
    pub scenarios: Vec<Id>,
    #[serde(default)]
    pub participants: Vec<Id>,
    pub result: Spanned<Outcome>,
    pub summary: Option<String>,
    #[serde(default)]
    pub finding: Vec<Spanned<Finding>>,
}

impl ExerciseRecord {
    /// Whether the record counts as the exercise held, on `as_of`: a failed exercise proves
    /// nothing, and one dated later has not been held yet.
    pub fn counts_as_held(&self, as_of: Date) -> bool {
        self.result.value != Outcome::Failed && self.date.value <= as_of
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Signoff {
    pub plan: Id,
    pub party: Spanned<Side>,
    pub signer: Id,
    pub date: Spanned<Date>,
    pub digest: Spanned<String>,
    /// Version 2: the digest of the approval's context, as in the statement's last line.
    pub context_digest: Option<Spanned<String>>,
    /// Version 2: the approval's context itself (JSON), whose canonical digest is
    /// `context_digest` (`signoff::context`).
    pub context: Option<Spanned<String>>,
    /// The signed statement, as stored (without its final line break).
    pub statement: Spanned<String>,
    pub signature: Spanned<String>,
    /// A retirement (`contingent-retire-v1`): the party approves removing the plan.
    #[serde(default)]
    pub retire: Option<Spanned<bool>>,
}

impl Signoff {
    pub fn is_retirement(&self) -> bool {
        self.retire.as_ref().is_some_and(|r| r.value)
    }
}

/// A roster sign-off: an approver of a party signs the digest of the party's approver roster.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RosterSignoff {
    pub party: Spanned<Side>,
    pub signer: Id,
    pub date: Spanned<Date>,
    pub roster: Spanned<String>,
    /// Version 2 statements: the roster's version (the one it replaces plus one).
    pub version: Option<Spanned<u64>>,
    /// Version 2 statements: the digest of the roster it replaces.
    pub previous: Option<Spanned<String>>,
    pub statement: Spanned<String>,
    pub signature: Spanned<String>,
}

/// Everything loaded from a repository.
#[derive(Debug, Default)]
pub struct Model {
    pub config: Option<Located<Config>>,
    pub contacts: Vec<Located<Contact>>,
    pub systems: Vec<Located<System>>,
    pub interfaces: Vec<Located<Interface>>,
    pub contracts: Vec<Located<Contract>>,
    pub plans: Vec<Located<Plan>>,
    pub exercises: Vec<Located<ExerciseRecord>>,
    pub signoffs: Vec<Located<Signoff>>,
    pub rosters: Vec<Located<RosterSignoff>>,
    /// The JSON mappings of contacts, systems, interfaces and contracts by id (the first of a
    /// duplicated id), for the context a sign-off binds.
    pub json: ObjectJson,
    /// Objects that failed validation, with the parts in error left out (`validate::salvage`):
    /// their ids exist and their other references are checked, and an exercise record counts
    /// as held; no rule judges them otherwise, and they are never signed or compared.
    pub salvaged: Option<Box<Model>>,
    /// Facts from outside the files: for each plan, its last change of meaning in the Git
    /// history (`history::meaning_changes`, computed only when asked for: `check --history`).
    pub meaning_changed: std::collections::HashMap<String, MeaningChange>,
    /// How prose names contacts (by id, name or number), built once on first use by
    /// `signoff::context` for every plan's `unreachable` text.
    pub contact_mentions: std::sync::OnceLock<ContactMentions>,
}

/// Lookups from the words and numbers of a text to the contacts it names.
#[derive(Debug, Default)]
pub struct ContactMentions {
    /// Contact ids.
    pub ids: std::collections::HashSet<String>,
    /// By the first word of a name (lowercase): the whole name (lowercase) and the contact id.
    pub names: std::collections::HashMap<String, Vec<(String, String)>>,
    /// By a number's digits (its last nine when it has more): the contact ids.
    pub numbers: std::collections::HashMap<String, Vec<String>>,
}

/// The last change of a plan's meaning (escalation, steps, contacts, objectives, ...): when,
/// in which commit (or `None` for the checked, uncommitted content), and of which kinds
/// (`docs/diff.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeaningChange {
    pub date: crate::units::Date,
    pub commit: Option<String>,
    pub kinds: Vec<&'static str>,
}

#[derive(Debug, Default)]
pub struct ObjectJson {
    /// By id: the compact JSON text of the object (its members in source order), parsed again
    /// only when a sign-off's context needs it. A `serde_json::Value` is about ten times larger,
    /// and most checks never read one.
    contacts: std::collections::HashMap<String, Box<str>>,
    /// Each contact's `deputy`, which every plan's context needs.
    deputies: std::collections::HashMap<String, String>,
    /// Systems and interfaces (one namespace).
    inventory: std::collections::HashMap<String, Box<str>>,
    /// By contract id: its revisions, each kept apart from its SLAs, so that a plan's context
    /// reads only the pinned revision and the SLAs of what the plan covers.
    contracts: std::collections::HashMap<String, Vec<KeptRevision>>,
}

/// A contract revision as [`ObjectJson`] keeps it.
#[derive(Debug, Clone)]
pub struct KeptRevision {
    number: Option<u64>,
    /// The revision's compact JSON with `sla` (when it is an array) emptied.
    text: Box<str>,
    /// Its SLAs in order: the target and the compact JSON.
    slas: Vec<(Option<String>, Box<str>)>,
}

/// An object's JSON as [`ObjectJson`] keeps it, made where the object is loaded (in parallel).
#[derive(Debug, Clone)]
pub enum Kept {
    /// A contact, system or interface: its compact JSON, and a contact's `deputy`.
    Object { text: Box<str>, deputy: Option<String> },
    /// A contract: its revisions.
    Contract(Vec<KeptRevision>),
}

impl Kept {
    pub fn new(kind: crate::format::Kind, json: &serde_json::Value) -> Kept {
        use serde_json::Value;
        match kind {
            crate::format::Kind::Contract => Kept::Contract(match json.get("revision") {
                Some(Value::Array(revs)) => revs.iter().map(KeptRevision::new).collect(),
                _ => Vec::new(),
            }),
            _ => Kept::Object {
                text: compact_json(json),
                deputy: json.get("deputy").and_then(Value::as_str).map(str::to_string),
            },
        }
    }
}

fn compact_json(json: &serde_json::Value) -> Box<str> {
    serde_json::to_string(json).expect("a JSON value serialises").into_boxed_str()
}

fn parse_kept(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("the kept JSON text parses")
}

impl ObjectJson {
    /// Keeps the JSON of a contact, system, interface or contract, unless an object of that
    /// namespace and id is already kept (the first of a duplicated id counts).
    pub fn insert(&mut self, kind: crate::format::Kind, id: String, kept: Kept) {
        use crate::format::Kind;
        match (kind, kept) {
            (Kind::Contract, Kept::Contract(revisions)) => {
                self.contracts.entry(id).or_insert(revisions);
            }
            (Kind::Contact, Kept::Object { text, deputy }) if !self.contacts.contains_key(&id) => {
                if let Some(d) = deputy {
                    self.deputies.insert(id.clone(), d);
                }
                self.contacts.insert(id, text);
            }
            (Kind::System | Kind::Interface, Kept::Object { text, .. }) => {
                self.inventory.entry(id).or_insert(text);
            }
            _ => {}
        }
    }

    /// Forgets the JSON kept for an id of a kind's namespace.
    pub fn remove(&mut self, kind: crate::format::Kind, id: &str) {
        use crate::format::Kind;
        match kind {
            Kind::Contact => {
                self.contacts.remove(id);
                self.deputies.remove(id);
            }
            Kind::System | Kind::Interface => {
                self.inventory.remove(id);
            }
            Kind::Contract => {
                self.contracts.remove(id);
            }
            _ => {}
        }
    }

    /// A contact's JSON.
    pub fn contact(&self, id: &str) -> Option<serde_json::Value> {
        self.contacts.get(id).map(|t| parse_kept(t))
    }

    /// A contact's `deputy`.
    pub fn deputy(&self, id: &str) -> Option<&str> {
        self.deputies.get(id).map(String::as_str)
    }

    /// A system's or interface's JSON.
    pub fn inventory(&self, id: &str) -> Option<serde_json::Value> {
        self.inventory.get(id).map(|t| parse_kept(t))
    }

    /// The first revision numbered `number` of a contract, with only the SLAs whose `target` is
    /// `wanted` (the context of a plan: the services it covers).
    pub fn contract_revision(&self, id: &str, number: u64, wanted: &dyn Fn(&str) -> bool) -> Option<serde_json::Value> {
        let r = self.contracts.get(id)?.iter().find(|r| r.number == Some(number))?;
        let mut v = parse_kept(&r.text);
        if let Some(serde_json::Value::Array(slas)) = v.get_mut("sla") {
            slas.extend(r.slas.iter().filter(|(t, _)| t.as_deref().is_some_and(wanted)).map(|(_, s)| parse_kept(s)));
        }
        Some(v)
    }
}

impl KeptRevision {
    fn new(revision: &serde_json::Value) -> KeptRevision {
        use serde_json::Value;
        let number = revision.get("number").and_then(Value::as_u64);
        let (text, slas) = match revision {
            Value::Object(members) if members.get("sla").is_some_and(Value::is_array) => {
                let slas = members["sla"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| (s.get("target").and_then(Value::as_str).map(str::to_string), compact_json(s)))
                    .collect();
                let mut without_slas = members.clone();
                without_slas.insert("sla".into(), Value::Array(Vec::new()));
                (compact_json(&Value::Object(without_slas)), slas)
            }
            _ => (compact_json(revision), Vec::new()),
        };
        KeptRevision { number, text, slas }
    }
}

/// An id in lower case, for comparing ids ignoring case: borrowed when lower case leaves it as
/// it is, as it leaves nearly every id.
pub fn fold_case(id: &str) -> std::borrow::Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        std::borrow::Cow::Owned(id.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(id)
    }
}

/// Who relies on each contact: `plan (role)` for every place a plan names it, `deputy of X`
/// for every contact it stands in for. Unknown ids are collected under `""`.
pub fn referenced_by(model: &Model) -> std::collections::BTreeMap<&str, Vec<String>> {
    let known: std::collections::HashSet<&str> = model.contacts.iter().map(|c| c.id.value.as_str()).collect();
    // who references each contact
    let mut refs: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for p in &model.plans {
        let mut add = |id: &str, role: &str| {
            refs.entry(known.get(id).copied().unwrap_or("")).or_default().push(format!("{} ({role})", p.id.value))
        };
        if let Some(r) = &p.responsible {
            for c in r.client.iter().chain(r.provider.iter()) {
                add(&c.value, "responsible");
            }
        }
        if let Some(e) = &p.escalation {
            for l in &e.level {
                add(&l.notify.value, &format!("escalation level {}", l.level.value));
            }
        }
        if let Some(b) = &p.backup {
            for c in b.deputy.iter().chain(b.on_failure.iter().map(|o| &o.escalate_to)) {
                add(&c.value, "backup");
            }
        }
        for s in &p.scenario {
            for c in &s.contacts {
                add(&c.value, &format!("scenario {}", s.id.value));
            }
        }
    }
    for c in &model.contacts {
        if let Some(d) = &c.deputy {
            if let Some(target) = known.get(d.value.as_str()) {
                refs.entry(target).or_default().push(format!("deputy of {}", c.id.value));
            }
        }
    }
    refs
}
