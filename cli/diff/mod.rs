//! The domain diff of two versions of a plan repository (`contingent diff`): what a change does to
//! the emergency preparedness, over the typed model, not the text. docs/diff.md specifies the
//! classes, the change kinds and the JSON document.
//!
//! Objects are matched by the identity keys the format declares (plan, scenario, contact, system,
//! interface, contract and exercise-record ids; escalation levels by number; objectives and SLAs
//! by their target; contract revisions by number; planned exercises by kind), never by position;
//! so a reformatting, a comment or a renamed file is no change. Lists without identities (steps,
//! forbidden actions, detection signals) are aligned with a sequence diff of their texts.
//!
//! Everything here is pure: [`diff`] reads two checked repositories and returns a [`DiffReport`];
//! [`render`] turns it into text. No file, process or network is touched.

pub mod align;
pub mod classify;
pub mod custom;
pub mod fields;
pub mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::{Located, Model, PartyRole, Plan, Side};
use crate::signoff;
use crate::source::Files;
use crate::units::Date;

pub use render::{human, json, markdown, markdown_without_findings};

/// The version of the JSON document (`--format json`).
pub const JSON_VERSION: u32 = 1;

/// What a change does to the preparedness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Less protection: a longer recovery, a dropped safeguard, a removed step.
    Weaker,
    /// More protection: the opposite of a weaker change.
    Stronger,
    /// A change of content that neither weakens nor strengthens by itself (a reworded step, a new
    /// phone number, another contact).
    Neutral,
}

impl Class {
    pub fn word(self) -> &'static str {
        match self {
            Class::Weaker => "weaker",
            Class::Stronger => "stronger",
            Class::Neutral => "neutral",
        }
    }
}

/// One operation of a word-level diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Delete,
    Insert,
}

/// A run of words of a word-level diff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Words {
    pub op: Op,
    pub text: String,
}

/// One change of meaning.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub class: Class,
    /// Stable kebab-case name of the kind of change (docs/diff.md lists them).
    pub kind: &'static str,
    /// Where: `["plan payroll", "scenario db-down", "step 3"]`.
    pub path: Vec<String>,
    /// The top-level object the change belongs to, as findings name it: `plan:payroll`.
    pub subject: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What the change means, in domain words.
    pub explanation: String,
    /// For a reworded text: the word-level diff from `old` to `new`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<Words>>,
}

impl Change {
    /// The path as shown: `plan payroll › scenario db-down › step 3`.
    pub fn path_text(&self) -> String {
        self.path.join(" › ")
    }
}

/// A contact who may approve for a party.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// One party's sign-off after a change of a plan's content.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PartySignoff {
    pub party: Side,
    /// The party's id in `contingent.kdl` (`hpb`), when exactly one party has the role.
    pub party_id: Option<String>,
    /// Who had signed the base version (valid sign-offs of the base digest).
    pub signed_before: Vec<String>,
    /// Who has signed the new version, with a key the base trusts.
    pub signed_now: Vec<String>,
    /// Whether the party must sign (again): no trusted sign-off of the new content.
    pub must_sign: bool,
    /// The approvers of the party (the base's roster: `may-approve #true` with a key).
    pub approvers: Vec<Person>,
}

/// A plan whose content, and so whose digest, changed: the sign-offs of the old content no longer
/// approve it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    pub plan: String,
    /// `None` for a plan the change adds.
    pub old_digest: Option<String>,
    pub new_digest: String,
    /// Whether the base version was approved (by both parties): the change voids that approval.
    pub was_approved: bool,
    pub parties: Vec<PartySignoff>,
}

/// A finding of `check` that one version has and the other has not.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    /// Repository-relative path and 1-based line, of the version that has the finding.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub subject: Option<String>,
}

/// A plan whose pinned contract revision changed: it pins another one, or the terms of the one it
/// pins changed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Pin {
    pub plan: String,
    /// `msa revision 3`; `None` when the plan pinned nothing.
    pub old: Option<String>,
    pub new: Option<String>,
    /// The plan pins the same revision, and the change alters that revision's terms.
    pub terms_changed: bool,
}

/// A contact added to or removed from a plan's escalation chain (escalation levels and the
/// backup's `on-failure`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChainContact {
    pub plan: String,
    pub contact: String,
    pub name: Option<String>,
    pub added: bool,
    /// Where in the chain (`level 2`, `backup on-failure`), of the version that has the contact.
    pub roles: Vec<String>,
}

/// What the change entails besides the changes themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Consequences {
    pub approvals: Vec<Approval>,
    pub new_findings: Vec<Finding>,
    pub resolved_findings: Vec<Finding>,
    pub contract_pins: Vec<Pin>,
    pub escalation_contacts: Vec<ChainContact>,
}

/// The two versions compared, as they are named in the output.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sides {
    /// `commit 3cf1a2b (merge base of main and HEAD)`
    pub base: String,
    /// `the work tree`, `the index`, `commit 9ab1c2d (feature)`
    pub head: String,
}

/// The domain diff of two versions.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiffReport {
    pub sides: Sides,
    pub as_of: Date,
    /// Sorted: by the subject, then in the order of the objects in the file.
    pub changes: Vec<Change>,
    pub consequences: Consequences,
}

impl DiffReport {
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
    /// Nothing changed in meaning and nothing follows from the change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.consequences.approvals.is_empty()
            && self.consequences.new_findings.is_empty()
            && self.consequences.resolved_findings.is_empty()
    }
}

/// Compares two checked versions of a repository (`base` before, `head` after; both as
/// [`crate::check::check`] returns them, with their diagnostics) as of one date.
pub fn diff(base: &Loaded, head: &Loaded, sides: Sides, as_of: Date) -> DiffReport {
    let mut changes = classify::changes(&base.model, &head.model);
    unreadable(base, head, &mut changes);
    // stable sort: objects in id order, the changes of one object in the order they were found
    changes.sort_by(|a, b| a.subject.cmp(&b.subject));
    // the head was checked against the base (`check::check_trusted`): its sign-off findings are
    // the one verdict
    let head_findings = &head.diagnostics;
    let (new_findings, resolved_findings) = findings(&base.diagnostics, &base.files, head_findings, &head.files);
    let consequences = Consequences {
        approvals: approvals(base, head, as_of),
        new_findings,
        resolved_findings,
        contract_pins: pins(&base.model, &head.model, &changes),
        escalation_contacts: chains(&base.model, &head.model),
    };
    DiffReport { sides, as_of, changes, consequences }
}

/// An object missing from the head because its file or the object itself does not load (a syntax
/// error, a schema violation) is not removed: it cannot be compared. Such a "removal" becomes
/// neutral (`object-unreadable`); the new findings say what is wrong.
fn unreadable(base: &Loaded, head: &Loaded, changes: &mut [Change]) {
    use crate::format::Kind;
    let failed: HashSet<&str> = head
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .filter(|d| d.rule.code.starts_with("KDL") || d.rule.code.starts_with("FILE"))
        .filter_map(|d| d.location)
        .map(|l| head.files.get(l.file).path.as_str())
        .collect();
    let m = &base.model;
    for c in changes.iter_mut().filter(|c| c.path.len() == 1 && c.kind.ends_with("-removed")) {
        let Some((kind, id)) = c.subject.split_once(':') else { continue };
        let (k, file) = match kind {
            "plan" => (Kind::Plan, m.plans.iter().find(|o| o.id.value == id).map(|o| o.file)),
            "contact" => (Kind::Contact, m.contacts.iter().find(|o| o.id.value == id).map(|o| o.file)),
            "system" => (Kind::System, m.systems.iter().find(|o| o.id.value == id).map(|o| o.file)),
            "interface" => (Kind::Interface, m.interfaces.iter().find(|o| o.id.value == id).map(|o| o.file)),
            "contract" => (Kind::Contract, m.contracts.iter().find(|o| o.id.value == id).map(|o| o.file)),
            "exercise" => (Kind::Exercise, m.exercises.iter().find(|o| o.id.value == id).map(|o| o.file)),
            _ => continue,
        };
        let invalid = head.broken.contains(&(k, id.to_string()));
        let path = file.map(|f| base.files.get(f).path.as_str());
        if invalid || path.is_some_and(|p| failed.contains(p)) {
            c.class = Class::Neutral;
            c.kind = "object-unreadable";
            c.new = None;
            c.explanation = format!(
                "the {kind} cannot be read in the new version ({}): it is not compared; the new findings say what is wrong",
                if invalid { "it does not pass validation".to_string() } else { format!("{} does not load", path.unwrap_or_default()) }
            );
        }
    }
}

/// The first object of each id (a duplicate id is a finding of `check`; the diff follows the
/// first definition).
pub(crate) fn by_id<T>(items: &[Located<T>], id: impl Fn(&T) -> &str) -> BTreeMap<&str, &T> {
    let mut out = BTreeMap::new();
    for i in items {
        out.entry(id(&i.value)).or_insert(&i.value);
    }
    out
}

fn party_ids(model: &Model) -> [Option<String>; 2] {
    let one = |role: PartyRole| {
        let config = model.config.as_ref()?;
        let all: Vec<&str> = config.party.iter().filter(|p| *p.role == role).map(|p| p.id.value.as_str()).collect();
        match all.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
    };
    [one(PartyRole::Client), one(PartyRole::Provider)]
}

/// Plans whose digest differs (or that are new), or whose approval the change voids through what
/// its sign-offs bind (`SIG019`): who had signed, who has signed again with a trusted key, who may
/// sign.
fn approvals(base: &Loaded, head: &Loaded, as_of: Date) -> Vec<Approval> {
    let old_plans = by_id(&base.model.plans, |p: &Plan| &p.id.value);
    let new_plans = by_id(&head.model.plans, |p: &Plan| &p.id.value);
    let before = signoff::valid_signoffs(&base.model, &base.files);
    let now = signoff::valid_signoffs(&head.model, &head.files);
    // an unchanged plan whose approval held at the base but whose sign-offs' context no longer
    // holds (SIG019) needs signing again too
    let held = |list: &[signoff::ValidSignoff], id: &str, digest: &str, side: Side| {
        list.iter().any(|v| v.plan == id && v.party == side && v.digest == digest && v.context_holds)
    };
    let changed: Vec<(&str, Option<&Plan>, &Plan)> = new_plans
        .iter()
        .filter_map(|(id, p)| match old_plans.get(id) {
            Some(o) if o.digest == p.digest => {
                let sides = [Side::Client, Side::Provider];
                let approved_before = sides.iter().all(|&s| held(&before, id, &o.digest, s));
                let approved_now = sides.iter().all(|&s| held(&now, id, &p.digest, s));
                (approved_before && !approved_now).then_some((*id, Some(*o), *p))
            }
            o => Some((*id, o.copied(), *p)),
        })
        .collect();
    if changed.is_empty() {
        return Vec::new();
    }
    // the base's rosters, or a changed roster its approvers signed (`sign --roster`)
    let trusted = signoff::trusted_rosters(&head.model, &base.model, as_of);
    let rosters = [trusted[0].0.clone(), trusted[1].0.clone()];
    let names: HashMap<&str, &str> =
        base.model.contacts.iter().map(|c| (c.id.value.as_str(), c.name.as_str())).collect();
    let parties = party_ids(&base.model);
    let mut out = Vec::new();
    for (id, old, new) in changed {
        let mut sides = Vec::new();
        for (i, side) in [Side::Client, Side::Provider].into_iter().enumerate() {
            let signers = |list: &[signoff::ValidSignoff], digest: &str, trusted: bool| {
                let mut s: Vec<String> = list
                    .iter()
                    .filter(|v| v.plan == id && v.party == side && v.digest == digest && v.context_holds)
                    .filter(|v| {
                        !trusted
                            || rosters[i].iter().any(|k| {
                                k.contact == v.signer
                                    && k.fingerprint == v.key
                                    && k.valid_after.is_none_or(|a| a <= v.date)
                                    && k.valid_before.is_none_or(|b| v.date < b)
                            })
                    })
                    .map(|v| v.signer.clone())
                    .collect();
                s.sort();
                s.dedup();
                s
            };
            let signed_before = old.map(|o| signers(&before, &o.digest, false)).unwrap_or_default();
            let signed_now = signers(&now, &new.digest, true);
            let mut approvers: Vec<Person> = rosters[i]
                .iter()
                .map(|k| Person {
                    id: k.contact.clone(),
                    name: names.get(k.contact.as_str()).map(|n| n.to_string()).unwrap_or_default(),
                })
                .collect();
            approvers.dedup();
            sides.push(PartySignoff {
                party: side,
                party_id: parties[i].clone(),
                must_sign: signed_now.is_empty(),
                signed_before,
                signed_now,
                approvers,
            });
        }
        let was_approved = old.is_some() && sides.iter().all(|s| !s.signed_before.is_empty());
        out.push(Approval {
            plan: id.to_string(),
            old_digest: old.map(|o| o.digest.clone()),
            new_digest: new.digest.clone(),
            was_approved,
            parties: sides,
        });
    }
    out
}

/// What identifies a finding across two versions: code, severity, the object it is about (or its
/// file), and the message. Spans are left out: a line inserted above a finding does not make it
/// new. Like `check --changed-since`, counted as a multiset.
type Key<'a> = (&'static str, &'static str, String, &'a str);

fn key<'a>(d: &'a Diagnostic, files: &Files) -> Key<'a> {
    let place = match (&d.subject, d.location) {
        (Some(s), _) => s.clone(),
        (None, Some(l)) => files.get(l.file).path.clone(),
        (None, None) => String::new(),
    };
    (d.rule.code, d.severity.as_str(), place, d.message.as_str())
}

fn finding(d: &Diagnostic, files: &Files) -> Finding {
    let (file, line) = match d.location {
        Some(l) => {
            let f = files.get(l.file);
            (Some(f.path.clone()), Some(f.line_col(l.span.start).0))
        }
        None => (None, None),
    };
    Finding {
        code: d.rule.code,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        file,
        line,
        subject: d.subject.clone(),
    }
}

fn count<'a>(list: &'a [Diagnostic], files: &Files) -> HashMap<Key<'a>, usize> {
    let mut m: HashMap<Key<'a>, usize> = HashMap::new();
    for d in list.iter().filter(|d| d.counts()) {
        *m.entry(key(d, files)).or_default() += 1;
    }
    m
}

fn findings(
    base: &[Diagnostic],
    base_files: &Files,
    head: &[Diagnostic],
    head_files: &Files,
) -> (Vec<Finding>, Vec<Finding>) {
    let (old, new) = (count(base, base_files), count(head, head_files));
    let only = |list: &[Diagnostic], files: &Files, other: &HashMap<Key<'_>, usize>| {
        let mut seen: HashMap<Key<'_>, usize> = HashMap::new();
        let mut out = Vec::new();
        for d in list.iter().filter(|d| d.counts()) {
            let k = key(d, files);
            let n = seen.entry(k.clone()).or_default();
            *n += 1;
            if *n > other.get(&k).copied().unwrap_or(0) {
                out.push(finding(d, files));
            }
        }
        out
    };
    (only(head, head_files, &old), only(base, base_files, &new))
}

fn pin_text(p: &Plan) -> Option<String> {
    p.contract.as_ref().map(|c| format!("{} revision {}", c.id.value, c.revision.value))
}

fn pins(base: &Model, head: &Model, changes: &[Change]) -> Vec<Pin> {
    let old = by_id(&base.plans, |p: &Plan| &p.id.value);
    let new = by_id(&head.plans, |p: &Plan| &p.id.value);
    // the contract revisions whose terms the change alters: `msa revision 3`
    let altered: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| {
            let contract = c.subject.strip_prefix("contract:")?;
            let revision = c.path.get(1).filter(|s| s.starts_with("revision "))?;
            Some(format!("{contract} {revision}"))
        })
        .collect();
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.into_iter()
        .filter_map(|id| {
            // a plan added or removed with its pin is reported as the plan's change
            let (o, n) = (old.get(id)?, new.get(id)?);
            let (o, n) = (pin_text(o), pin_text(n));
            if o != n {
                return Some(Pin { plan: id.to_string(), old: o, new: n, terms_changed: false });
            }
            let pinned = n.as_ref().filter(|p| altered.contains(*p))?;
            Some(Pin {
                plan: id.to_string(),
                old: Some(pinned.clone()),
                new: Some(pinned.clone()),
                terms_changed: true,
            })
        })
        .collect()
}

/// A plan's escalation chain: contact → where it is named.
fn chain(p: &Plan) -> BTreeMap<&str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    if let Some(e) = &p.escalation {
        for l in &e.level {
            out.entry(l.notify.value.as_str()).or_default().push(format!("level {}", l.level.value));
        }
    }
    if let Some(f) = p.backup.as_ref().and_then(|b| b.on_failure.as_ref()) {
        out.entry(f.escalate_to.value.as_str()).or_default().push("backup on-failure".into());
    }
    out
}

fn chains(base: &Model, head: &Model) -> Vec<ChainContact> {
    let old = by_id(&base.plans, |p: &Plan| &p.id.value);
    let new = by_id(&head.plans, |p: &Plan| &p.id.value);
    let name = |m: &Model, id: &str| m.contacts.iter().find(|c| c.id.value == id).map(|c| c.name.clone());
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let mut out = Vec::new();
    for id in ids {
        match (old.get(id), new.get(id)) {
            (Some(a), Some(b)) if a.digest == b.digest => continue, // equal content, equal chain
            // removed, or no longer loading (reported as unreadable): its chain is not compared
            (Some(_), None) => continue,
            _ => {}
        }
        let (o, n) =
            (old.get(id).map(|p| chain(p)).unwrap_or_default(), new.get(id).map(|p| chain(p)).unwrap_or_default());
        for (c, roles) in &n {
            if !o.contains_key(c) {
                out.push(ChainContact {
                    plan: id.to_string(),
                    contact: c.to_string(),
                    name: name(head, c),
                    added: true,
                    roles: roles.clone(),
                });
            }
        }
        for (c, roles) in &o {
            if !n.contains_key(c) {
                out.push(ChainContact {
                    plan: id.to_string(),
                    contact: c.to_string(),
                    name: name(base, c),
                    added: false,
                    roles: roles.clone(),
                });
            }
        }
    }
    out
}
