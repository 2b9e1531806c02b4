//! The rules of the diff: which change of which field is weaker, stronger or neutral, and how it
//! is explained. Pure functions of two models.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use similar::{Algorithm, DiffOp};

use super::{by_id, Change, Class, Op, Words};
use crate::model::*;
use crate::units::Duration;

use Class::{Neutral, Stronger, Weaker};

/// Every change from `base` to `head`.
pub fn changes(base: &Model, head: &Model) -> Vec<Change> {
    let mut out = Out::default();
    config(base, head, &mut out);
    plans(base, head, &mut out);
    contacts(base, head, &mut out);
    systems(base, head, &mut out);
    interfaces(base, head, &mut out);
    contracts(base, head, &mut out);
    exercises(base, head, &mut out);
    signoffs(base, head, &mut out);
    duplicates(base, head, &mut out);
    out.changes
}

/// An id defined more often in the new version than in the old, and more than once: only its
/// first definition is compared, so the others could say anything (a weaker copy of a plan).
fn duplicates(base: &Model, head: &Model, out: &mut Out) {
    fn counts<'m>(ids: impl Iterator<Item = &'m str>) -> BTreeMap<&'m str, usize> {
        let mut m = BTreeMap::new();
        for id in ids {
            *m.entry(id).or_default() += 1;
        }
        m
    }
    type Counts<'m> = BTreeMap<&'m str, usize>;
    let kinds: [(&str, Counts, Counts); 6] = [
        (
            "plan",
            counts(base.plans.iter().map(|p| p.id.value.as_str())),
            counts(head.plans.iter().map(|p| p.id.value.as_str())),
        ),
        (
            "contact",
            counts(base.contacts.iter().map(|p| p.id.value.as_str())),
            counts(head.contacts.iter().map(|p| p.id.value.as_str())),
        ),
        (
            "system",
            counts(base.systems.iter().map(|p| p.id.value.as_str())),
            counts(head.systems.iter().map(|p| p.id.value.as_str())),
        ),
        (
            "interface",
            counts(base.interfaces.iter().map(|p| p.id.value.as_str())),
            counts(head.interfaces.iter().map(|p| p.id.value.as_str())),
        ),
        (
            "contract",
            counts(base.contracts.iter().map(|p| p.id.value.as_str())),
            counts(head.contracts.iter().map(|p| p.id.value.as_str())),
        ),
        (
            "exercise",
            counts(base.exercises.iter().map(|p| p.id.value.as_str())),
            counts(head.exercises.iter().map(|p| p.id.value.as_str())),
        ),
    ];
    for (kind, old, new) in kinds {
        for (id, n) in new {
            let o = old.get(id).copied().unwrap_or(0);
            if n > 1 && n > o {
                out.push(
                    &At::top(kind, id),
                    Weaker,
                    "object-duplicated",
                    Some(o.to_string()),
                    Some(n.to_string()),
                    format!(
                        "the {kind} is defined {n} times (REF001): only the first definition is compared, the others could say anything; keep one"
                    ),
                );
            }
        }
    }
}

#[derive(Default)]
struct Out {
    changes: Vec<Change>,
}

/// Where changes are being collected: the path so far and the subject.
#[derive(Clone)]
struct At {
    path: Vec<String>,
    subject: String,
}

impl At {
    fn top(kind: &str, id: &str) -> At {
        At { path: vec![format!("{kind} {id}")], subject: format!("{kind}:{id}") }
    }
    fn with(&self, segment: impl Into<String>) -> At {
        let mut a = self.clone();
        a.path.push(segment.into());
        a
    }
}

impl Out {
    fn push(
        &mut self,
        at: &At,
        class: Class,
        kind: &'static str,
        old: Option<String>,
        new: Option<String>,
        explanation: impl Into<String>,
    ) {
        self.changes.push(Change {
            class,
            kind,
            path: at.path.clone(),
            subject: at.subject.clone(),
            old,
            new,
            explanation: explanation.into(),
            words: None,
        });
    }

    /// A text that changed: neutral, with the word-level diff; added or removed text is neutral
    /// too unless the caller says otherwise.
    fn text(&mut self, at: &At, kind: &'static str, what: &str, old: Option<&str>, new: Option<&str>) {
        match (old, new) {
            (Some(o), Some(n)) if o != n => {
                self.changes.push(Change {
                    class: Neutral,
                    kind,
                    path: at.path.clone(),
                    subject: at.subject.clone(),
                    old: Some(o.to_string()),
                    new: Some(n.to_string()),
                    explanation: format!("{what} is reworded"),
                    words: Some(words(o, n)),
                });
            }
            (Some(o), None) => self.push(at, Neutral, kind, Some(o.into()), None, format!("{what} is removed")),
            (None, Some(n)) => self.push(at, Neutral, kind, None, Some(n.into()), format!("{what} is added")),
            _ => {}
        }
    }

    /// Any other value that changed: neutral.
    fn value<T: Display + PartialEq>(
        &mut self,
        at: &At,
        kind: &'static str,
        what: &str,
        old: Option<T>,
        new: Option<T>,
    ) {
        if old == new {
            return;
        }
        let explanation = match (&old, &new) {
            (Some(_), Some(_)) => format!("{what} changed"),
            (Some(_), None) => format!("{what} is removed"),
            _ => format!("{what} is set"),
        };
        self.push(at, Neutral, kind, old.map(|v| v.to_string()), new.map(|v| v.to_string()), explanation);
    }

    /// A duration where longer is weaker (a recovery time, a backup interval, an escalation
    /// limit); `missing` says what having none means (weaker than any value).
    #[allow(clippy::too_many_arguments)]
    fn longer_is_weaker(
        &mut self,
        at: &At,
        kind: &'static str,
        what: &str,
        old: Option<Duration>,
        new: Option<Duration>,
        slower: &str,
        faster: &str,
    ) {
        match (old, new) {
            (Some(o), Some(n)) if o == n => {}
            (Some(o), Some(n)) if o.minutes() == n.minutes() => self.push(
                at,
                Neutral,
                kind,
                Some(o.to_string()),
                Some(n.to_string()),
                format!("{what} is written differently, same length"),
            ),
            (Some(o), Some(n)) if n > o => self.push(
                at,
                Weaker,
                kind,
                Some(o.to_string()),
                Some(n.to_string()),
                format!("{what} is raised from {o} to {n}: {slower}"),
            ),
            (Some(o), Some(n)) => self.push(
                at,
                Stronger,
                kind,
                Some(o.to_string()),
                Some(n.to_string()),
                format!("{what} is lowered from {o} to {n}: {faster}"),
            ),
            (Some(o), None) => self.push(
                at,
                Weaker,
                kind,
                Some(o.to_string()),
                None,
                format!("{what} ({o}) is removed: nothing is promised any more"),
            ),
            (None, Some(n)) => {
                self.push(at, Stronger, kind, None, Some(n.to_string()), format!("{what} is set to {n}"))
            }
            (None, None) => {}
        }
    }

    /// A yes/no safeguard: dropping it is weaker.
    fn safeguard(&mut self, at: &At, kind: &'static str, what: &str, old: bool, new: bool) {
        match (old, new) {
            (true, false) => {
                self.push(at, Weaker, kind, Some("yes".into()), Some("no".into()), format!("{what} is dropped"))
            }
            (false, true) => {
                self.push(at, Stronger, kind, Some("no".into()), Some("yes".into()), format!("{what} is added"))
            }
            _ => {}
        }
    }

    /// A list of texts without identities (steps, forbidden actions, detection signals), aligned
    /// by a sequence diff: a removed entry is `removed` (its class given), an added one the
    /// opposite, a replaced one that is mostly the same words is reworded (neutral, word diff);
    /// with `numbered` (an ordered list), an entry that moved is reported as moved; otherwise the
    /// list is a set and a move is no change.
    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        at: &At,
        noun: &str,
        numbered: bool,
        old: &[&str],
        new: &[&str],
        kinds: [&'static str; 4],
        removed: Class,
        meaning: [&str; 2],
    ) {
        if old == new {
            return;
        }
        let [k_removed, k_added, k_reworded, k_moved] = kinds;
        let added = if removed == Weaker { Stronger } else { Weaker };
        let seg = |i: usize| if numbered { format!("{noun} {}", i + 1) } else { noun.to_string() };
        let mut deleted: Vec<usize> = Vec::new();
        let mut inserted: Vec<usize> = Vec::new();
        let mut reworded: Vec<(usize, usize)> = Vec::new();
        for op in similar::capture_diff_slices(Algorithm::Myers, old, new) {
            match op {
                DiffOp::Equal { .. } => {}
                DiffOp::Delete { old_index, old_len, .. } => deleted.extend(old_index..old_index + old_len),
                DiffOp::Insert { new_index, new_len, .. } => inserted.extend(new_index..new_index + new_len),
                DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                    // pair the most similar texts first, each at most once (not by position: a
                    // removed step next to a reworded one must not be read as its rewording)
                    // (all pairs when the block is small, as every real edit is; else by position,
                    // so a crafted list of thousands cannot make this quadratic)
                    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
                    let candidates: Vec<(usize, usize)> = if old_len * new_len <= MAX_PAIRS {
                        (old_index..old_index + old_len)
                            .flat_map(|o| (new_index..new_index + new_len).map(move |n| (o, n)))
                            .collect()
                    } else {
                        (0..old_len.min(new_len)).map(|i| (old_index + i, new_index + i)).collect()
                    };
                    for (o, n) in candidates {
                        let score = similarity(old[o], new[n]);
                        if score >= 0.5 {
                            pairs.push((score, o, n));
                        }
                    }
                    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
                    let (mut used_old, mut used_new) =
                        (std::collections::HashSet::new(), std::collections::HashSet::new());
                    for (_, o, n) in pairs {
                        if !used_old.contains(&o) && !used_new.contains(&n) {
                            used_old.insert(o);
                            used_new.insert(n);
                            reworded.push((o, n));
                        }
                    }
                    reworded.sort_unstable();
                    deleted.extend((old_index..old_index + old_len).filter(|o| !used_old.contains(o)));
                    inserted.extend((new_index..new_index + new_len).filter(|n| !used_new.contains(n)));
                }
            }
        }
        // the same text removed at one place and added at another moved
        let mut moved: Vec<(usize, usize)> = Vec::new();
        deleted.retain(|&o| match inserted.iter().position(|&n| new[n] == old[o]) {
            Some(p) => {
                moved.push((o, inserted.remove(p)));
                false
            }
            None => true,
        });
        let mut found: Vec<(usize, Change)> = Vec::new();
        let mut note = |order: usize, out: &mut Out| {
            if let Some(c) = out.changes.pop() {
                found.push((order, c));
            }
        };
        for &o in &deleted {
            self.push(
                &at.with(seg(o)),
                removed,
                k_removed,
                Some(old[o].into()),
                None,
                format!("{noun} removed: {}", meaning[0]),
            );
            note(2 * o, self);
        }
        for &n in &inserted {
            self.push(
                &at.with(seg(n)),
                added,
                k_added,
                None,
                Some(new[n].into()),
                format!("{noun} added: {}", meaning[1]),
            );
            note(2 * n + 1, self);
        }
        for &(o, n) in &reworded {
            self.text(&at.with(seg(n)), k_reworded, &format!("the {noun}"), Some(old[o]), Some(new[n]));
            note(2 * n + 1, self);
        }
        if numbered {
            for &(o, n) in &moved {
                self.push(
                    &at.with(seg(n)),
                    Neutral,
                    k_moved,
                    Some(format!("{noun} {}", o + 1)),
                    Some(format!("{noun} {}", n + 1)),
                    format!("the {noun} moved from {} to {}: the order of the work changes", o + 1, n + 1),
                );
                note(2 * n + 1, self);
            }
        }
        found.sort_by_key(|(o, _)| *o);
        self.changes.extend(found.into_iter().map(|(_, c)| c));
    }
}

/// Pairs of texts compared in one replaced block of a list, at most.
const MAX_PAIRS: usize = 400;

/// How much of two texts' words they share in order: 2 × (longest common subsequence of words)
/// / (words of both), whitespace not counted. At least 0.5: a replacement is a rewording.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared: usize = similar::capture_diff_slices(Algorithm::Myers, &a, &b)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// The word-level diff of two texts, as runs of equal, deleted and inserted text.
pub fn words(old: &str, new: &str) -> Vec<Words> {
    let diff = similar::TextDiff::from_words(old, new);
    let mut out: Vec<Words> = Vec::new();
    for c in diff.iter_all_changes() {
        let op = match c.tag() {
            similar::ChangeTag::Equal => Op::Equal,
            similar::ChangeTag::Delete => Op::Delete,
            similar::ChangeTag::Insert => Op::Insert,
        };
        let text = c.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(Words { op, text: text.to_string() }),
        }
    }
    out
}

fn d(s: &Option<Spanned<Duration>>) -> Option<Duration> {
    s.as_ref().map(|x| x.value)
}

fn ids(v: &[Id]) -> String {
    v.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(" ")
}

/// Compares two keyed collections: `added`, `removed` and `both` are called in key order.
fn keyed<'a, T>(
    old: &BTreeMap<&'a str, &'a T>,
    new: &BTreeMap<&'a str, &'a T>,
    out: &mut Out,
    both: impl Fn(&mut Out, &'a str, &'a T, &'a T),
    added: impl Fn(&mut Out, &'a str, &'a T),
    removed: impl Fn(&mut Out, &'a str, &'a T),
) {
    let keys: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    for k in keys {
        match (old.get(k), new.get(k)) {
            (Some(o), Some(n)) => both(out, k, o, n),
            (None, Some(n)) => added(out, k, n),
            (Some(o), None) => removed(out, k, o),
            (None, None) => {}
        }
    }
}

fn level_word(l: Level) -> &'static str {
    match l {
        Level::Normal => "normal",
        Level::High => "high",
        Level::VeryHigh => "very-high",
    }
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

// ---- configuration ----

fn config(base: &Model, head: &Model, out: &mut Out) {
    let (Some(o), Some(n)) = (base.config.as_ref(), head.config.as_ref()) else { return };
    let at = At { path: vec!["configuration".into()], subject: "config".into() };
    out.text(&at.with("name"), "config-name", "the repository's name", o.name.as_deref(), n.name.as_deref());
    out.value(
        &at.with("reference-date"),
        "config-reference-date",
        "the reference date",
        o.reference_date.as_ref().map(|d| d.value),
        n.reference_date.as_ref().map(|d| d.value),
    );
    let parties = |c: &Config| {
        c.party
            .iter()
            .map(|p| format!("{} role={} name={:?}", p.id.value, kebab(&p.role.value), p.name))
            .collect::<Vec<_>>()
    };
    let (po, pn) = (parties(o), parties(n));
    if po != pn {
        out.push(
            &at.with("parties"),
            Neutral,
            "config-parties",
            Some(po.join("; ")),
            Some(pn.join("; ")),
            "the parties changed: who signs for the client and the provider follows from them",
        );
    }
    let (p, q) = (&o.policy, &n.policy);
    let pat = at.with("policy");
    for (name, a, b) in [
        ("normal", p.exercise_interval.normal, q.exercise_interval.normal),
        ("high", p.exercise_interval.high, q.exercise_interval.high),
        ("very-high", p.exercise_interval.very_high, q.exercise_interval.very_high),
    ] {
        out.longer_is_weaker(
            &pat.with(format!("exercise-interval {name}")),
            "policy-exercise-interval",
            &format!("the required exercise interval for {name} availability"),
            Some(a),
            Some(b),
            "plans are exercised less often",
            "plans are exercised more often",
        );
    }
    out.longer_is_weaker(
        &pat.with("scenario-cycle"),
        "policy-scenario-cycle",
        "the scenario cycle",
        Some(p.scenario_cycle),
        Some(q.scenario_cycle),
        "every scenario needs to be exercised less often",
        "every scenario is exercised more often",
    );
    out.longer_is_weaker(
        &pat.with("contact-max-age"),
        "policy-contact-max-age",
        "the maximum age of a contact's verification",
        Some(p.contact_max_age),
        Some(q.contact_max_age),
        "contact data may be older",
        "contact data is verified more often",
    );
    out.longer_is_weaker(
        &pat.with("review-grace"),
        "policy-review-grace",
        "the grace period for reviews after a contract revision",
        Some(p.review_grace),
        Some(q.review_grace),
        "plans may lag behind the contract longer",
        "plans follow the contract sooner",
    );
    out.value(
        &pat.with("contact-warning"),
        "policy-changed",
        "the warning period before a contact's verification expires",
        Some(p.contact_warning),
        Some(q.contact_warning),
    );
    out.value(
        &pat.with("revision-notice"),
        "policy-changed",
        "the notice period for contract revisions",
        Some(p.revision_notice),
        Some(q.revision_notice),
    );
    // rule severities, by code
    let rank = |s: SeveritySetting| match s {
        SeveritySetting::Error => 2,
        SeveritySetting::Warning => 1,
        SeveritySetting::Off => 0,
    };
    let settings = |c: &Config| {
        c.rule
            .iter()
            .map(|r| (r.code.value.clone(), (r.severity.as_ref().map(|s| s.value), r.staged.as_ref().map(|s| s.value))))
            .collect::<BTreeMap<String, _>>()
    };
    let (so, sn) = (settings(o), settings(n));
    let codes: BTreeSet<&String> = so.keys().chain(sn.keys()).collect();
    for code in codes {
        let (a, b) = (so.get(code).and_then(|s| s.0), sn.get(code).and_then(|s| s.0));
        // unset: the rule's default severity (an unknown code: reported by `check`, neutral here)
        let default = crate::rules::find(code).map(|r| match r.default_severity {
            crate::diagnostic::Severity::Error => 2,
            crate::diagnostic::Severity::Warning => 1,
            crate::diagnostic::Severity::Note => 0,
        });
        let word = |s: Option<SeveritySetting>| s.map_or("its default".to_string(), |x| kebab(&x));
        let rat = at.with(format!("rule {code}"));
        if a != b {
            let (ra, rb) = (a.map(rank).or(default), b.map(rank).or(default));
            let class = if ra.is_none() || rb.is_none() || ra == rb {
                Neutral
            } else if rb < ra {
                Weaker
            } else {
                Stronger
            };
            let expl = match class {
                Weaker => format!("findings of {code} count less: {} instead of {}", word(b), word(a)),
                Stronger => format!("findings of {code} count more: {} instead of {}", word(b), word(a)),
                Neutral => format!("the severity of {code} is now {} (was {})", word(b), word(a)),
            };
            out.push(&rat, class, "rule-severity", Some(word(a)), Some(word(b)), expl);
        }
        let (a, b) = (so.get(code).and_then(|s| s.1), sn.get(code).and_then(|s| s.1));
        if a != b {
            let word = |s: Option<SeveritySetting>| s.map_or("not set".to_string(), |x| kebab(&x));
            out.push(
                &rat.with("staged"),
                Neutral,
                "rule-severity",
                Some(word(a)),
                Some(word(b)),
                format!("the severity of {code} for `check --staged` changed"),
            );
        }
    }
    // waivers, by rule and target
    let (wo, wn) = (waiver_map(o), waiver_map(n));
    let keys: BTreeSet<&String> = wo.keys().chain(wn.keys()).collect();
    for k in keys {
        let wat = at.with(format!("waiver {k}"));
        match (wo.get(k), wn.get(k)) {
            (None, Some(w)) => out.push(
                &wat,
                Weaker,
                "waiver-added",
                None,
                Some(format!("until {}: {}", w.expires.value, w.reason)),
                format!(
                    "findings of {} are waived until {}, approved by {}",
                    w.rule.value, w.expires.value, w.approved_by.value
                ),
            ),
            (Some(w), None) => out.push(
                &wat,
                Stronger,
                "waiver-removed",
                Some(format!("until {}: {}", w.expires.value, w.reason)),
                None,
                format!("findings of {} count again", w.rule.value),
            ),
            (Some(a), Some(b)) => {
                match b.expires.value.cmp(&a.expires.value) {
                    std::cmp::Ordering::Greater => out.push(
                        &wat.with("expires"),
                        Weaker,
                        "waiver-extended",
                        Some(a.expires.value.to_string()),
                        Some(b.expires.value.to_string()),
                        "the waiver is extended: the findings stay waived longer",
                    ),
                    std::cmp::Ordering::Less => out.push(
                        &wat.with("expires"),
                        Stronger,
                        "waiver-shortened",
                        Some(a.expires.value.to_string()),
                        Some(b.expires.value.to_string()),
                        "the waiver ends sooner",
                    ),
                    std::cmp::Ordering::Equal => {}
                }
                out.text(
                    &wat.with("reason"),
                    "waiver-changed",
                    "the waiver's reason",
                    Some(&a.reason),
                    Some(&b.reason),
                );
                out.value(
                    &wat.with("approved-by"),
                    "waiver-changed",
                    "who approved the waiver",
                    Some(&a.approved_by.value),
                    Some(&b.approved_by.value),
                );
            }
            (None, None) => {}
        }
    }
}

// ---- plans ----

fn plans(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.plans, |p: &Plan| &p.id.value);
    let new = by_id(&head.plans, |p: &Plan| &p.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| {
            // the digest covers the plan's whole content: equal digests, equal plans
            if o.digest != n.digest {
                plan(&At::top("plan", id), o, n, out);
            }
        },
        |out, id, n| {
            out.push(
                &At::top("plan", id),
                Stronger,
                "plan-added",
                None,
                Some(n.title.clone()),
                "a new plan: what it covers is now prepared for",
            )
        },
        |out, id, o| {
            out.push(
                &At::top("plan", id),
                Weaker,
                "plan-removed",
                Some(o.title.clone()),
                None,
                format!(
                    "the plan is removed: {} {} no longer covered by it",
                    ids(&o.covers),
                    if o.covers.len() == 1 { "is" } else { "are" }
                ),
            )
        },
    );
}

fn plan(at: &At, o: &Plan, n: &Plan, out: &mut Out) {
    let before = out.changes.len();
    out.text(&at.with("title"), "plan-title", "the title", Some(&o.title), Some(&n.title));
    let (co, cn): (BTreeSet<&str>, BTreeSet<&str>) =
        (o.covers.iter().map(|i| i.value.as_str()).collect(), n.covers.iter().map(|i| i.value.as_str()).collect());
    for s in co.difference(&cn) {
        out.push(
            &at.with("covers"),
            Weaker,
            "covers-removed",
            Some(s.to_string()),
            None,
            format!("{s} is no longer covered by this plan"),
        );
    }
    for s in cn.difference(&co) {
        out.push(
            &at.with("covers"),
            Stronger,
            "covers-added",
            None,
            Some(s.to_string()),
            format!("{s} is now covered by this plan"),
        );
    }
    let pin = |p: &Plan| p.contract.as_ref().map(|c| format!("{} revision {}", c.id.value, c.revision.value));
    if pin(o) != pin(n) {
        out.push(
            &at.with("contract"),
            Neutral,
            "contract-pin",
            pin(o),
            pin(n),
            "the plan pins another contract revision: it must conform to that revision's terms",
        );
    }
    let resp = |p: &Plan, s: Side| {
        p.responsible
            .as_ref()
            .and_then(|r| if s == Side::Client { r.client.as_ref() } else { r.provider.as_ref() })
            .map(|i| i.value.clone())
    };
    for s in [Side::Client, Side::Provider] {
        let word = kebab(&s);
        out.value(
            &at.with(format!("responsible {word}")),
            "responsible",
            &format!("the {word}'s responsible person"),
            resp(o, s),
            resp(n, s),
        );
    }
    // objectives, by target
    keyed(
        &objectives(o),
        &objectives(n),
        out,
        |out, t, a, b| {
            let oat = at.with(format!("objective {t}"));
            out.longer_is_weaker(
                &oat.with("rto"),
                "rto",
                &format!("the recovery time objective (RTO) of {t}"),
                d(&a.rto),
                d(&b.rto),
                "recovery may take longer",
                "recovery must be faster",
            );
            out.longer_is_weaker(
                &oat.with("rpo"),
                "rpo",
                &format!("the recovery point objective (RPO) of {t}"),
                d(&a.rpo),
                d(&b.rpo),
                "more data may be lost",
                "less data may be lost",
            );
        },
        |out, t, b| {
            out.push(
                &at.with(format!("objective {t}")),
                Stronger,
                "objective-added",
                None,
                Some(objective_text(b)),
                format!("recovery objectives for {t} are set"),
            )
        },
        |out, t, a| {
            out.push(
                &at.with(format!("objective {t}")),
                Weaker,
                "objective-removed",
                Some(objective_text(a)),
                None,
                format!("the recovery objectives for {t} are removed: no recovery time or data loss is promised"),
            )
        },
    );
    escalation(at, o.escalation.as_ref().map(|e| &e.value), n.escalation.as_ref().map(|e| &e.value), out);
    backup(at, o.backup.as_ref().map(|b| &b.value), n.backup.as_ref().map(|b| &b.value), out);
    forbidden(at, &texts(&o.forbidden), &texts(&n.forbidden), out);
    out.text(
        &at.with("no-forbidden-actions"),
        "no-forbidden-actions",
        "the reason the plan forbids nothing",
        o.no_forbidden_actions.as_ref().map(|s| s.value.as_str()),
        n.no_forbidden_actions.as_ref().map(|s| s.value.as_str()),
    );
    // scenarios, by id
    let (so, sn) = (scenario_map(o), scenario_map(n));
    keyed(
        &so,
        &sn,
        out,
        |out, id, a, b| scenario(&at.with(format!("scenario {id}")), a, b, out),
        |out, id, b| {
            out.push(
                &at.with(format!("scenario {id}")),
                Stronger,
                "scenario-added",
                None,
                b.title.clone(),
                "a new scenario: this kind of emergency is now prepared for",
            )
        },
        |out, id, a| {
            out.push(
                &at.with(format!("scenario {id}")),
                Weaker,
                "scenario-removed",
                a.title.clone(),
                None,
                "the scenario is removed: its steps, contacts and forbidden actions no longer apply",
            )
        },
    );
    // planned exercises, by kind
    keyed(
        &planned(o),
        &planned(n),
        out,
        |out, k, a, b| {
            let eat = at.with(format!("exercise {k}"));
            out.longer_is_weaker(
                &eat.with("every"),
                "exercise-interval",
                &format!("the {k} interval"),
                Some(a.every.value),
                Some(b.every.value),
                "the plan is exercised less often",
                "the plan is exercised more often",
            );
            out.safeguard(
                &eat.with("joint"),
                "exercise-joint",
                &format!("joint participation of both parties in the {k}"),
                a.joint,
                b.joint,
            );
        },
        |out, k, b| {
            out.push(
                &at.with(format!("exercise {k}")),
                Stronger,
                "exercise-added",
                None,
                Some(format!("every {}", b.every.value)),
                format!("a {k} is planned every {}", b.every.value),
            )
        },
        |out, k, a| {
            out.push(
                &at.with(format!("exercise {k}")),
                Weaker,
                "exercise-removed",
                Some(format!("every {}", a.every.value)),
                None,
                format!("the {k} is no longer planned"),
            )
        },
    );
    if out.changes.len() == before {
        // the digest differs but no field rule saw a difference: say so rather than nothing
        out.push(
            at,
            Neutral,
            "plan-changed",
            Some(o.digest.clone()),
            Some(n.digest.clone()),
            "the plan's content changed (its digest differs)",
        );
    }
}

fn objectives(p: &Plan) -> BTreeMap<&str, &Objective> {
    let mut m = BTreeMap::new();
    for x in &p.objective {
        m.entry(x.target.value.as_str()).or_insert(&x.value);
    }
    m
}

fn planned(p: &Plan) -> BTreeMap<&'static str, &PlannedExercise> {
    let mut m = BTreeMap::new();
    for e in &p.exercise {
        m.entry(exercise_kind(e.kind.value)).or_insert(&e.value);
    }
    m
}

fn texts(v: &[Spanned<String>]) -> Vec<&str> {
    v.iter().map(|s| s.value.as_str()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn objective_text(o: &Objective) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &o.rto {
        parts.push(format!("rto={}", r.value));
    }
    if let Some(r) = &o.rpo {
        parts.push(format!("rpo={}", r.value));
    }
    parts.join(" ")
}

fn exercise_kind(k: ExerciseKind) -> &'static str {
    match k {
        ExerciseKind::PlanReview => "plan-review",
        ExerciseKind::Walkthrough => "walkthrough",
        ExerciseKind::Tabletop => "tabletop",
        ExerciseKind::AlarmTest => "alarm-test",
        ExerciseKind::RestoreTest => "restore-test",
        ExerciseKind::FunctionalTest => "functional-test",
        ExerciseKind::FullExercise => "full-exercise",
    }
}

fn scenario_map(p: &Plan) -> BTreeMap<&str, &Scenario> {
    let mut m = BTreeMap::new();
    for s in &p.scenario {
        m.entry(s.id.value.as_str()).or_insert(&s.value);
    }
    m
}

fn forbidden(at: &At, old: &[&str], new: &[&str], out: &mut Out) {
    // a set: its order means nothing
    let (mut a, mut b) = (old.to_vec(), new.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    if a == b {
        return;
    }
    out.list(
        at,
        "forbidden action",
        false,
        old,
        new,
        ["forbidden-removed", "forbidden-added", "forbidden-reworded", "forbidden-moved"],
        Weaker,
        ["it is no longer forbidden", "it is now forbidden"],
    );
}

fn escalation(at: &At, o: Option<&Escalation>, n: Option<&Escalation>, out: &mut Out) {
    let empty = Escalation::default();
    let (o, n) = (o.unwrap_or(&empty), n.unwrap_or(&empty));
    let (lo, ln) = (levels(o), levels(n));
    let keys: BTreeSet<u32> = lo.keys().chain(ln.keys()).copied().collect();
    let eat = at.with("escalation");
    for k in keys {
        let lat = eat.with(format!("level {k}"));
        match (lo.get(&k), ln.get(&k)) {
            (Some(a), Some(b)) => {
                if a.notify.value != b.notify.value {
                    out.push(
                        &lat.with("notify"),
                        Neutral,
                        "escalation-contact",
                        Some(a.notify.value.clone()),
                        Some(b.notify.value.clone()),
                        format!("level {k} now notifies {} instead of {}", b.notify.value, a.notify.value),
                    );
                }
                out.longer_is_weaker(
                    &lat.with("within"),
                    "escalation-time",
                    &format!("the time limit of escalation level {k}"),
                    Some(a.within.value),
                    Some(b.within.value),
                    "the escalation is slower",
                    "the escalation is faster",
                );
            }
            (None, Some(b)) => out.push(
                &lat,
                Stronger,
                "escalation-level-added",
                None,
                Some(format!("notify {} within {}", b.notify.value, b.within.value)),
                format!("escalation level {k} is added: {} is notified within {}", b.notify.value, b.within.value),
            ),
            (Some(a), None) => out.push(
                &lat,
                Weaker,
                "escalation-level-removed",
                Some(format!("notify {} within {}", a.notify.value, a.within.value)),
                None,
                format!("escalation level {k} is dropped: {} is no longer notified", a.notify.value),
            ),
            (None, None) => {}
        }
    }
    let (uo, un) = (o.unreachable.as_ref().map(|s| s.value.as_str()), n.unreachable.as_ref().map(|s| s.value.as_str()));
    match (uo, un) {
        (Some(a), None) => out.push(
            &eat.with("unreachable"),
            Weaker,
            "unreachable-removed",
            Some(a.into()),
            None,
            "what to do when no one can be reached is no longer said",
        ),
        (None, Some(b)) => out.push(
            &eat.with("unreachable"),
            Stronger,
            "unreachable-added",
            None,
            Some(b.into()),
            "what to do when no one can be reached is now said",
        ),
        _ => {
            out.text(&eat.with("unreachable"), "unreachable-reworded", "what to do when no one can be reached", uo, un)
        }
    }
}

fn backup(at: &At, o: Option<&Backup>, n: Option<&Backup>, out: &mut Out) {
    let bat = at.with("backup");
    let (o, n) = match (o, n) {
        (None, None) => return,
        (Some(_), None) => return out.push(&bat, Weaker, "backup-removed", Some("backup".into()), None, "the plan's backup section is removed: schedule, retention, off-site copy and restore tests are no longer part of it"),
        (None, Some(_)) => return out.push(&bat, Stronger, "backup-added", None, Some("backup".into()), "the plan now has a backup section"),
        (Some(o), Some(n)) => (o, n),
    };
    let media = |b: &Backup| b.media.as_ref().map(|m| m.value);
    match (media(o), media(n)) {
        (Some(Media::Dedicated), Some(Media::Shared)) => out.push(
            &bat.with("media"),
            Weaker,
            "backup-media",
            Some("dedicated".into()),
            Some("shared".into()),
            "backups go to media shared with other clients",
        ),
        (Some(Media::Shared), Some(Media::Dedicated)) => out.push(
            &bat.with("media"),
            Stronger,
            "backup-media",
            Some("shared".into()),
            Some("dedicated".into()),
            "backups go to dedicated media",
        ),
        (a, b) => out.value(
            &bat.with("media"),
            "backup-media",
            "the backup media",
            a.map(|m| kebab(&m)),
            b.map(|m| kebab(&m)),
        ),
    }
    let every = |b: &Backup| b.schedule.as_ref().map(|s| s.every.value);
    out.longer_is_weaker(
        &bat.with("schedule"),
        "backup-interval",
        "the backup interval",
        every(o),
        every(n),
        "backups are made less often, so more data can be lost",
        "backups are made more often",
    );
    out.value(
        &bat.with("schedule at"),
        "backup-time",
        "the backup time",
        o.schedule.as_ref().and_then(|s| s.at.clone()),
        n.schedule.as_ref().and_then(|s| s.at.clone()),
    );
    // retention: shorter is weaker
    match (d(&o.retention), d(&n.retention)) {
        (Some(a), Some(b)) if b < a => out.push(
            &bat.with("retention"),
            Weaker,
            "backup-retention",
            Some(a.to_string()),
            Some(b.to_string()),
            format!("backups are kept shorter ({b} instead of {a}): older states cannot be restored"),
        ),
        (Some(a), Some(b)) if b > a => out.push(
            &bat.with("retention"),
            Stronger,
            "backup-retention",
            Some(a.to_string()),
            Some(b.to_string()),
            format!("backups are kept longer ({b} instead of {a})"),
        ),
        (Some(a), None) => out.push(
            &bat.with("retention"),
            Weaker,
            "backup-retention",
            Some(a.to_string()),
            None,
            "the retention of backups is no longer said",
        ),
        (None, Some(b)) => out.push(
            &bat.with("retention"),
            Stronger,
            "backup-retention",
            None,
            Some(b.to_string()),
            format!("backups are kept {b}"),
        ),
        _ => {}
    }
    let flag = |b: &Backup| b.offsite.as_ref().is_some_and(|f| f.value);
    out.safeguard(&bat.with("offsite"), "backup-offsite", "the off-site copy of backups", flag(o), flag(n));
    match (antivirus(o), antivirus(n)) {
        (Some(a), None) => out.push(
            &bat.with("antivirus"),
            Weaker,
            "backup-antivirus",
            Some(a.into()),
            None,
            "the malware scan of backups and restores is dropped",
        ),
        (None, Some(b)) => out.push(
            &bat.with("antivirus"),
            Stronger,
            "backup-antivirus",
            None,
            Some(b.into()),
            "backups and restores are now scanned for malware",
        ),
        (a, b) => out.text(&bat.with("antivirus"), "backup-antivirus-reworded", "the malware scan", a, b),
    }
    let rt = |b: &Backup| b.restore_test.as_ref().map(|r| r.every.value);
    out.longer_is_weaker(
        &bat.with("restore-test"),
        "restore-test-interval",
        "the restore test interval",
        rt(o),
        rt(n),
        "restores are tested less often",
        "restores are tested more often",
    );
    let deputy = |b: &Backup| b.deputy.as_ref().map(|i| i.value.clone());
    match (deputy(o), deputy(n)) {
        (Some(a), None) => {
            out.push(&bat.with("deputy"), Weaker, "backup-deputy", Some(a), None, "the backup has no deputy any more")
        }
        (None, Some(b)) => {
            out.push(&bat.with("deputy"), Stronger, "backup-deputy", None, Some(b), "the backup now has a deputy")
        }
        (a, b) => out.value(&bat.with("deputy"), "backup-deputy", "the backup's deputy", a, b),
    }
    let of = |b: &Backup| b.on_failure.as_ref().map(|f| (f.escalate_to.value.clone(), f.within.value));
    match (of(o), of(n)) {
        (Some((a, _)), None) => out.push(
            &bat.with("on-failure"),
            Weaker,
            "backup-on-failure",
            Some(a),
            None,
            "a failed backup is no longer escalated",
        ),
        (None, Some((b, w))) => out.push(
            &bat.with("on-failure"),
            Stronger,
            "backup-on-failure",
            None,
            Some(format!("{b} within {w}")),
            "a failed backup is now escalated",
        ),
        (Some((a, wa)), Some((b, wb))) => {
            out.value(
                &bat.with("on-failure escalate-to"),
                "backup-on-failure",
                "who a failed backup is escalated to",
                Some(a),
                Some(b),
            );
            out.longer_is_weaker(
                &bat.with("on-failure within"),
                "backup-on-failure-time",
                "the time limit for escalating a failed backup",
                Some(wa),
                Some(wb),
                "a failed backup is escalated later",
                "a failed backup is escalated sooner",
            );
        }
        (None, None) => {}
    }
}

fn scenario(at: &At, o: &Scenario, n: &Scenario, out: &mut Out) {
    out.text(&at.with("title"), "scenario-title", "the scenario's title", o.title.as_deref(), n.title.as_deref());
    out.value(
        &at.with("cause"),
        "scenario-cause",
        "the cause",
        o.cause.as_ref().map(|c| kebab(&c.value)),
        n.cause.as_ref().map(|c| kebab(&c.value)),
    );
    out.value(
        &at.with("resolver"),
        "scenario-resolver",
        "who resolves the scenario",
        o.resolver.as_ref().map(|c| kebab(&c.value)),
        n.resolver.as_ref().map(|c| kebab(&c.value)),
    );
    out.value(
        &at.with("affects-others"),
        "scenario-affects-others",
        "whether other clients are affected",
        o.affects_others.as_ref().map(|c| c.value),
        n.affects_others.as_ref().map(|c| c.value),
    );
    let places = |s: &Scenario| s.fault_in.iter().map(|p| kebab(&p.value)).collect::<Vec<_>>().join(" ");
    let (po, pn) = (places(o), places(n));
    if po != pn {
        out.push(
            &at.with("fault-in"),
            Neutral,
            "scenario-fault-in",
            Some(po),
            Some(pn),
            "where the fault lies changed",
        );
    }
    let (mut da, mut db) = (strs(&o.detect), strs(&n.detect));
    da.sort_unstable();
    db.sort_unstable();
    if da != db {
        out.list(
            at,
            "detection",
            false,
            &strs(&o.detect),
            &strs(&n.detect),
            ["detect-removed", "detect-added", "detect-reworded", "detect-moved"],
            Weaker,
            ["the emergency may be noticed later", "the emergency may be noticed sooner"],
        );
    }
    let (ca, cb): (BTreeSet<&str>, BTreeSet<&str>) =
        (o.contacts.iter().map(|i| i.value.as_str()).collect(), n.contacts.iter().map(|i| i.value.as_str()).collect());
    for c in ca.difference(&cb) {
        out.push(
            &at.with("contacts"),
            Neutral,
            "scenario-contact-removed",
            Some(c.to_string()),
            None,
            format!("{c} is no longer a contact of this scenario"),
        );
    }
    for c in cb.difference(&ca) {
        out.push(
            &at.with("contacts"),
            Neutral,
            "scenario-contact-added",
            None,
            Some(c.to_string()),
            format!("{c} is now a contact of this scenario"),
        );
    }
    out.list(
        at,
        "step",
        true,
        &texts(&o.step),
        &texts(&n.step),
        ["step-removed", "step-added", "step-reworded", "step-moved"],
        Weaker,
        ["the work it described is no longer part of the plan", "the plan describes more of the work"],
    );
    forbidden(at, &texts(&o.forbidden), &texts(&n.forbidden), out);
    out.safeguard(&at.with("failover"), "scenario-failover", "the failover", o.failover, n.failover);
}

// ---- contacts ----

fn has_24x7(c: &Contact) -> bool {
    c.phone.iter().chain(&c.mobile).chain(&c.email).any(|ch| ch.available == Availability::Always)
}

fn channels(c: &Contact) -> Vec<String> {
    let mut v = Vec::new();
    for (kind, list) in [("phone", &c.phone), ("mobile", &c.mobile), ("email", &c.email)] {
        for ch in list {
            v.push(format!("{kind} {} ({})", ch.value, kebab(&ch.available)));
        }
    }
    v
}

fn contacts(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.contacts, |c: &Contact| &c.id.value);
    let new = by_id(&head.contacts, |c: &Contact| &c.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| contact(&At::top("contact", id), o, n, out),
        |out, id, n| {
            out.push(
                &At::top("contact", id),
                Neutral,
                "contact-added",
                None,
                Some(n.name.clone()),
                format!("a new contact of {}", n.party.value),
            )
        },
        |out, id, o| {
            out.push(
                &At::top("contact", id),
                Neutral,
                "contact-removed",
                Some(o.name.clone()),
                None,
                format!("the contact of {} is removed: plans naming it lose the contact", o.party.value),
            )
        },
    );
}

fn contact(at: &At, o: &Contact, n: &Contact, out: &mut Out) {
    out.value(&at.with("party"), "contact-party", "the contact's party", Some(&o.party.value), Some(&n.party.value));
    out.text(&at.with("name"), "contact-name", "the name", Some(&o.name), Some(&n.name));
    if o.role != n.role {
        out.push(
            &at.with("role"),
            Neutral,
            "contact-role",
            Some(o.role.join("; ")),
            Some(n.role.join("; ")),
            "the contact's roles changed",
        );
    }
    match (has_24x7(o), has_24x7(n)) {
        (true, false) => out.push(
            &at.with("channels"),
            Weaker,
            "contact-24x7-lost",
            Some(channels(o).join("; ")),
            Some(channels(n).join("; ")),
            "the contact loses its 24x7 channel: outside business hours it cannot be reached",
        ),
        (false, true) => out.push(
            &at.with("channels"),
            Stronger,
            "contact-24x7-gained",
            Some(channels(o).join("; ")),
            Some(channels(n).join("; ")),
            "the contact can now be reached 24x7",
        ),
        _ => {
            let (a, b) = (channels(o), channels(n));
            if a != b {
                out.push(
                    &at.with("channels"),
                    Neutral,
                    "contact-channels",
                    Some(a.join("; ")),
                    Some(b.join("; ")),
                    "the contact's phone numbers or addresses changed",
                );
            }
        }
    }
    let dep = |c: &Contact| c.deputy.as_ref().map(|i| i.value.clone());
    match (dep(o), dep(n)) {
        (Some(a), None) => {
            out.push(&at.with("deputy"), Weaker, "contact-deputy", Some(a), None, "the contact has no deputy any more")
        }
        (None, Some(b)) => {
            out.push(&at.with("deputy"), Stronger, "contact-deputy", None, Some(b), "the contact now has a deputy")
        }
        (a, b) => out.value(&at.with("deputy"), "contact-deputy", "the deputy", a, b),
    }
    out.value(
        &at.with("verified"),
        "contact-verified",
        "the date the contact data was verified",
        Some(o.verified.value),
        Some(n.verified.value),
    );
    out.value(
        &at.with("may-approve"),
        "contact-may-approve",
        "whether the contact may approve plans",
        Some(o.may_approve),
        Some(n.may_approve),
    );
    let keys = |c: &Contact| c.key.iter().map(|k| k.key.value.clone()).collect::<Vec<_>>().join("; ");
    if keys(o) != keys(n)
        || o.key.iter().zip(&n.key).any(|(a, b)| {
            a.valid_after.as_ref().map(|x| x.value) != b.valid_after.as_ref().map(|x| x.value)
                || a.valid_before.as_ref().map(|x| x.value) != b.valid_before.as_ref().map(|x| x.value)
        })
    {
        out.push(
            &at.with("key"),
            Neutral,
            "contact-keys",
            Some(format!("{} key(s)", o.key.len())),
            Some(format!("{} key(s)", n.key.len())),
            "the contact's signing keys changed: who can approve plans changes (see `check --changed-since`)",
        );
    }
    out.value(&at.with("github"), "contact-github", "the GitHub login", o.github.clone(), n.github.clone());
}

// ---- systems and interfaces ----

fn protection(at: &At, o: Option<&Protection>, n: Option<&Protection>, out: &mut Out) {
    let get = |p: Option<&Protection>, i: usize| {
        p.and_then(|p| [&p.confidentiality, &p.integrity, &p.availability][i].as_ref().map(|l| l.value))
    };
    for (i, name) in ["confidentiality", "integrity", "availability"].into_iter().enumerate() {
        let pat = at.with(format!("protection {name}"));
        match (get(o, i), get(n, i)) {
            (Some(a), Some(b)) if b < a => out.push(
                &pat,
                Weaker,
                "protection-lowered",
                Some(level_word(a).into()),
                Some(level_word(b).into()),
                format!("the protection need for {name} is lowered: less is required"),
            ),
            (Some(a), Some(b)) if b > a => out.push(
                &pat,
                Stronger,
                "protection-raised",
                Some(level_word(a).into()),
                Some(level_word(b).into()),
                format!("the protection need for {name} is raised"),
            ),
            (Some(a), None) => out.push(
                &pat,
                Weaker,
                "protection-lowered",
                Some(level_word(a).into()),
                None,
                format!("the protection need for {name} is no longer stated"),
            ),
            (None, Some(b)) => out.push(
                &pat,
                Stronger,
                "protection-raised",
                None,
                Some(level_word(b).into()),
                format!("the protection need for {name} is stated"),
            ),
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn targets(
    at: &At,
    what: &str,
    po: Option<&Protection>,
    pn: Option<&Protection>,
    times: [(Option<Duration>, Option<Duration>); 3],
    deps: (&[Id], &[Id]),
    desc: (Option<&str>, Option<&str>),
    out: &mut Out,
) {
    protection(at, po, pn, out);
    let [mtpd, rto, rpo] = times;
    out.longer_is_weaker(
        &at.with("mtpd"),
        "mtpd",
        &format!("the maximum tolerable period of disruption of the {what}"),
        mtpd.0,
        mtpd.1,
        "a longer outage is tolerated",
        "a shorter outage is tolerated",
    );
    out.longer_is_weaker(
        &at.with("rto"),
        "rto",
        &format!("the {what}'s recovery time objective (RTO)"),
        rto.0,
        rto.1,
        "recovery may take longer",
        "recovery must be faster",
    );
    out.longer_is_weaker(
        &at.with("rpo"),
        "rpo",
        &format!("the {what}'s recovery point objective (RPO)"),
        rpo.0,
        rpo.1,
        "more data may be lost",
        "less data may be lost",
    );
    let (a, b) = (ids(deps.0), ids(deps.1));
    if a != b {
        out.push(
            &at.with("depends-on"),
            Neutral,
            "depends-on",
            Some(a),
            Some(b),
            format!("what the {what} depends on changed"),
        );
    }
    out.text(&at.with("description"), "description", "the description", desc.0, desc.1);
}

fn systems(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.systems, |s: &System| &s.id.value);
    let new = by_id(&head.systems, |s: &System| &s.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| {
            let at = At::top("system", id);
            out.text(&at.with("name"), "system-name", "the name", Some(&o.name), Some(&n.name));
            out.value(
                &at.with("side"),
                "system-side",
                "the side the system runs on",
                Some(kebab(&o.side.value)),
                Some(kebab(&n.side.value)),
            );
            out.value(
                &at.with("operator"),
                "system-operator",
                "the operator",
                Some(&o.operator.value),
                Some(&n.operator.value),
            );
            out.value(&at.with("owner"), "system-owner", "the owner", Some(&o.owner.value), Some(&n.owner.value));
            targets(
                &at,
                "system",
                o.protection.as_ref().map(|p| &p.value),
                n.protection.as_ref().map(|p| &p.value),
                [(d(&o.mtpd), d(&n.mtpd)), (d(&o.rto), d(&n.rto)), (d(&o.rpo), d(&n.rpo))],
                (&o.depends_on, &n.depends_on),
                (o.description.as_deref(), n.description.as_deref()),
                out,
            );
            match (o.infrastructure.as_ref().map(|i| i.value), n.infrastructure.as_ref().map(|i| i.value)) {
                (Some(Infrastructure::Dedicated), Some(Infrastructure::Shared)) => out.push(
                    &at.with("infrastructure"),
                    Weaker,
                    "infrastructure",
                    Some("dedicated".into()),
                    Some("shared".into()),
                    "the system now runs on infrastructure shared with other clients",
                ),
                (Some(Infrastructure::Shared), Some(Infrastructure::Dedicated)) => out.push(
                    &at.with("infrastructure"),
                    Stronger,
                    "infrastructure",
                    Some("shared".into()),
                    Some("dedicated".into()),
                    "the system now runs on dedicated infrastructure",
                ),
                (a, b) => out.value(
                    &at.with("infrastructure"),
                    "infrastructure",
                    "the infrastructure",
                    a.map(|x| kebab(&x)),
                    b.map(|x| kebab(&x)),
                ),
            }
            out.value(
                &at.with("holds-data"),
                "holds-data",
                "whether the system holds data",
                o.holds_data,
                n.holds_data,
            );
            out.value(
                &at.with("acknowledged"),
                "acknowledged",
                "the acknowledgement of the protection needs",
                o.acknowledged.as_ref().map(|a| format!("{} {}", a.by.value, a.date.value)),
                n.acknowledged.as_ref().map(|a| format!("{} {}", a.by.value, a.date.value)),
            );
        },
        |out, id, n| {
            out.push(
                &At::top("system", id),
                Neutral,
                "system-added",
                None,
                Some(n.name.clone()),
                "a new system in the inventory",
            )
        },
        |out, id, o| {
            out.push(
                &At::top("system", id),
                Neutral,
                "system-removed",
                Some(o.name.clone()),
                None,
                "the system is removed from the inventory",
            )
        },
    );
}

fn interfaces(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.interfaces, |s: &Interface| &s.id.value);
    let new = by_id(&head.interfaces, |s: &Interface| &s.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| {
            let at = At::top("interface", id);
            out.text(&at.with("name"), "interface-name", "the name", Some(&o.name), Some(&n.name));
            out.value(&at.with("type"), "interface-type", "the interface type", Some(&o.kind), Some(&n.kind));
            out.value(
                &at.with("carrier"),
                "interface-carrier",
                "the carrier",
                o.carrier.as_ref().map(|c| &c.value),
                n.carrier.as_ref().map(|c| &c.value),
            );
            let contacts = |i: &Interface| {
                i.contacts.as_ref().map(|c| {
                    [("client", &c.client), ("provider", &c.provider), ("carrier", &c.carrier)]
                        .iter()
                        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", v.value)))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
            };
            out.value(&at.with("contacts"), "interface-contacts", "the interface's contacts", contacts(o), contacts(n));
            targets(
                &at,
                "interface",
                o.protection.as_ref().map(|p| &p.value),
                n.protection.as_ref().map(|p| &p.value),
                [(d(&o.mtpd), d(&n.mtpd)), (d(&o.rto), d(&n.rto)), (d(&o.rpo), d(&n.rpo))],
                (&o.depends_on, &n.depends_on),
                (o.description.as_deref(), n.description.as_deref()),
                out,
            );
            out.value(
                &at.with("acknowledged"),
                "acknowledged",
                "the acknowledgement of the protection needs",
                o.acknowledged.as_ref().map(|a| format!("{} {}", a.by.value, a.date.value)),
                n.acknowledged.as_ref().map(|a| format!("{} {}", a.by.value, a.date.value)),
            );
        },
        |out, id, n| {
            out.push(
                &At::top("interface", id),
                Neutral,
                "interface-added",
                None,
                Some(n.name.clone()),
                "a new interface in the inventory",
            )
        },
        |out, id, o| {
            out.push(
                &At::top("interface", id),
                Neutral,
                "interface-removed",
                Some(o.name.clone()),
                None,
                "the interface is removed from the inventory",
            )
        },
    );
}

// ---- contracts ----

fn contracts(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.contracts, |c: &Contract| &c.id.value);
    let new = by_id(&head.contracts, |c: &Contract| &c.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| {
            let at = At::top("contract", id);
            out.text(&at.with("title"), "contract-title", "the title", Some(&o.title), Some(&n.title));
            out.value(
                &at.with("client"),
                "contract-parties",
                "the client",
                Some(&o.client.value),
                Some(&n.client.value),
            );
            out.value(
                &at.with("provider"),
                "contract-parties",
                "the provider",
                Some(&o.provider.value),
                Some(&n.provider.value),
            );
            let (ro, rn) = (revisions(o), revisions(n));
            let keys: BTreeSet<u32> = ro.keys().chain(rn.keys()).copied().collect();
            for k in keys {
                let rat = at.with(format!("revision {k}"));
                match (ro.get(&k), rn.get(&k)) {
                    (Some(a), Some(b)) => revision(&rat, a, b, out),
                    (None, Some(b)) => out.push(&rat, Neutral, "revision-added", None, Some(format!("effective {}", b.effective.value)), format!("contract revision {k} is added, effective {}: plans pinning an older revision are reviewed against it", b.effective.value)),
                    (Some(a), None) => out.push(&rat, Neutral, "revision-removed", Some(format!("effective {}", a.effective.value)), None, format!("contract revision {k} is removed")),
                    (None, None) => {}
                }
            }
        },
        |out, id, n| {
            out.push(&At::top("contract", id), Neutral, "contract-added", None, Some(n.title.clone()), "a new contract")
        },
        |out, id, o| {
            out.push(
                &At::top("contract", id),
                Neutral,
                "contract-removed",
                Some(o.title.clone()),
                None,
                "the contract is removed",
            )
        },
    );
}

fn revision(at: &At, o: &Revision, n: &Revision, out: &mut Out) {
    out.value(
        &at.with("effective"),
        "revision-effective",
        "the date the revision takes effect",
        Some(o.effective.value),
        Some(n.effective.value),
    );
    out.text(&at.with("summary"), "revision-text", "the summary", o.summary.as_deref(), n.summary.as_deref());
    keyed(
        &slas(o),
        &slas(n),
        out,
        |out, t, a, b| {
            let sat = at.with(format!("sla {t}"));
            out.longer_is_weaker(
                &sat.with("rto"),
                "sla-rto",
                &format!("the contracted RTO of {t}"),
                d(&a.rto),
                d(&b.rto),
                "the provider promises a slower recovery",
                "the provider promises a faster recovery",
            );
            out.longer_is_weaker(
                &sat.with("rpo"),
                "sla-rpo",
                &format!("the contracted RPO of {t}"),
                d(&a.rpo),
                d(&b.rpo),
                "the provider promises less data safety",
                "the provider promises more data safety",
            );
            out.value(
                &sat.with("availability"),
                "sla-availability",
                "the contracted availability",
                a.availability.clone(),
                b.availability.clone(),
            );
            out.safeguard(
                &sat.with("redundant"),
                "sla-redundant",
                "contracted redundancy",
                a.redundant == Some(true),
                b.redundant == Some(true),
            );
            let (xa, xb) = (responses(a), responses(b));
            let cats: BTreeSet<&str> = xa.keys().chain(xb.keys()).copied().collect();
            for c in cats {
                out.longer_is_weaker(
                    &sat.with(format!("response {c}")),
                    "sla-response",
                    &format!("the contracted response time for {c}"),
                    xa.get(c).copied(),
                    xb.get(c).copied(),
                    "the provider responds later",
                    "the provider responds sooner",
                );
            }
            let terms = |s: &Sla| s.backup.as_ref().map(|b| b.value.clone()).unwrap_or_default();
            let (ba, bb) = (terms(a), terms(b));
            let bat = sat.with("backup");
            out.longer_is_weaker(
                &bat.with("every"),
                "sla-backup-interval",
                "the contracted backup interval",
                d(&ba.every),
                d(&bb.every),
                "backups are made less often",
                "backups are made more often",
            );
            match (d(&ba.retention), d(&bb.retention)) {
                (Some(x), Some(y)) if y < x => out.push(
                    &bat.with("retention"),
                    Weaker,
                    "sla-backup-retention",
                    Some(x.to_string()),
                    Some(y.to_string()),
                    "the contract keeps backups shorter",
                ),
                (Some(x), Some(y)) if y > x => out.push(
                    &bat.with("retention"),
                    Stronger,
                    "sla-backup-retention",
                    Some(x.to_string()),
                    Some(y.to_string()),
                    "the contract keeps backups longer",
                ),
                (Some(x), None) => out.push(
                    &bat.with("retention"),
                    Weaker,
                    "sla-backup-retention",
                    Some(x.to_string()),
                    None,
                    "the contract no longer sets how long backups are kept",
                ),
                (None, Some(y)) => out.push(
                    &bat.with("retention"),
                    Stronger,
                    "sla-backup-retention",
                    None,
                    Some(y.to_string()),
                    "the contract now sets how long backups are kept",
                ),
                _ => {}
            }
            out.safeguard(
                &bat.with("offsite"),
                "sla-backup-offsite",
                "the contracted off-site copy",
                ba.offsite == Some(true),
                bb.offsite == Some(true),
            );
            out.longer_is_weaker(
                &bat.with("restore-test"),
                "sla-restore-test",
                "the contracted restore test interval",
                d(&ba.restore_test),
                d(&bb.restore_test),
                "restores are tested less often",
                "restores are tested more often",
            );
        },
        |out, t, _| {
            out.push(
                &at.with(format!("sla {t}")),
                Stronger,
                "sla-added",
                None,
                Some(t.to_string()),
                format!("the contract now has service levels for {t}"),
            )
        },
        |out, t, _| {
            out.push(
                &at.with(format!("sla {t}")),
                Weaker,
                "sla-removed",
                Some(t.to_string()),
                None,
                format!("the contract no longer has service levels for {t}"),
            )
        },
    );
    let ex = |r: &'_ Revision| {
        r.exercise.iter().map(|e| (exercise_kind(e.kind.value), e.every.value)).collect::<BTreeMap<_, _>>()
    };
    let (ea, eb) = (ex(o), ex(n));
    let kinds: BTreeSet<&str> = ea.keys().chain(eb.keys()).copied().collect();
    for k in kinds {
        out.longer_is_weaker(
            &at.with(format!("exercise {k}")),
            "sla-exercise",
            &format!("the contracted {k} interval"),
            ea.get(k).copied(),
            eb.get(k).copied(),
            "the contract requires exercises less often",
            "the contract requires exercises more often",
        );
    }
    let joint = |r: &'_ Revision| {
        r.exercise.iter().map(|e| (exercise_kind(e.kind.value), e.client_participates)).collect::<BTreeMap<_, _>>()
    };
    let (ja, jb) = (joint(o), joint(n));
    for (k, was) in &ja {
        if let Some(now) = jb.get(k) {
            out.safeguard(
                &at.with(format!("exercise {k}")).with("client-participates"),
                "sla-exercise-joint",
                &format!("the client's contracted participation in the {k}"),
                *was,
                *now,
            );
        }
    }
    let cats = |r: &Revision| r.category.iter().map(|c| c.id.value.clone()).collect::<Vec<_>>().join(" ");
    out.value(&at.with("categories"), "revision-text", "the incident categories", Some(cats(o)), Some(cats(n)));
    // a category kept by id, with other terms: each term with its old and new value
    for a in &o.category {
        let Some(b) = n.category.iter().find(|c| c.id.value == a.id.value) else { continue };
        let cat = at.with(format!("category {}", a.id.value));
        for (member, x, y) in
            [("type", &a.kind, &b.kind), ("severity", &a.severity, &b.severity), ("urgency", &a.urgency, &b.urgency)]
        {
            out.value(&cat.with(member), "category-term", &format!("the category's {member}"), x.clone(), y.clone());
        }
        out.text(
            &cat.with("description"),
            "category-term",
            "the category's description",
            a.description.as_deref(),
            b.description.as_deref(),
        );
    }
    let (a, b) = (o.escalation.join("\n"), n.escalation.join("\n"));
    out.text(&at.with("escalation"), "revision-text", "the contract's escalation terms", Some(&a), Some(&b));
    out.text(
        &at.with("cooperation"),
        "revision-text",
        "the cooperation terms",
        o.cooperation.as_deref(),
        n.cooperation.as_deref(),
    );
    out.text(
        &at.with("client-participation"),
        "revision-text",
        "the client's participation",
        o.client_participation.as_deref(),
        n.client_participation.as_deref(),
    );
    let (a, b) = (o.action.join("\n"), n.action.join("\n"));
    out.text(&at.with("action"), "revision-text", "the contract's actions", Some(&a), Some(&b));
}

// ---- exercise records ----

fn exercises(base: &Model, head: &Model, out: &mut Out) {
    let old = by_id(&base.exercises, |e: &ExerciseRecord| &e.id.value);
    let new = by_id(&head.exercises, |e: &ExerciseRecord| &e.id.value);
    keyed(
        &old,
        &new,
        out,
        |out, id, o, n| {
            let at = At::top("exercise", id);
            out.value(
                &at.with("plan"),
                "record-changed",
                "the exercised plan",
                Some(&o.plan.value),
                Some(&n.plan.value),
            );
            out.value(
                &at.with("kind"),
                "record-changed",
                "the kind of exercise",
                Some(exercise_kind(o.kind.value)),
                Some(exercise_kind(n.kind.value)),
            );
            out.value(&at.with("date"), "record-changed", "the exercise date", Some(o.date.value), Some(n.date.value));
            out.value(
                &at.with("result"),
                "record-changed",
                "the result",
                Some(kebab(&o.result.value)),
                Some(kebab(&n.result.value)),
            );
            out.value(
                &at.with("scenarios"),
                "record-changed",
                "the exercised scenarios",
                Some(ids(&o.scenarios)),
                Some(ids(&n.scenarios)),
            );
            out.value(
                &at.with("participants"),
                "record-changed",
                "the participants",
                Some(ids(&o.participants)),
                Some(ids(&n.participants)),
            );
            out.text(&at.with("summary"), "record-changed", "the summary", o.summary.as_deref(), n.summary.as_deref());
            let f = |e: &ExerciseRecord| {
                e.finding
                    .iter()
                    .map(|f| format!("{} ({}, {} by {})", f.text, kebab(&f.status), f.due.value, f.owner.value))
                    .collect::<Vec<_>>()
            };
            let (fa, fb) = (f(o), f(n));
            if fa != fb {
                out.push(
                    &at.with("findings"),
                    Neutral,
                    "record-findings",
                    Some(fa.join("; ")),
                    Some(fb.join("; ")),
                    "the exercise's findings changed",
                );
            }
        },
        |out, id, n| {
            out.push(
                &At::top("exercise", id),
                Neutral,
                "record-added",
                None,
                Some(format!("{} of {} on {}", exercise_kind(n.kind.value), n.plan.value, n.date.value)),
                "a new exercise record",
            )
        },
        |out, id, o| {
            out.push(
                &At::top("exercise", id),
                Neutral,
                "record-removed",
                Some(format!("{} of {} on {}", exercise_kind(o.kind.value), o.plan.value, o.date.value)),
                None,
                "the exercise record is removed: the plan counts as exercised less",
            )
        },
    );
}

fn waiver_map(c: &Config) -> BTreeMap<String, &Waiver> {
    c.waiver.iter().map(|w| (format!("{} {}", w.rule.value, w.targets().join(" ")), &w.value)).collect()
}

fn levels(e: &Escalation) -> BTreeMap<u32, &EscalationLevel> {
    let mut m = BTreeMap::new();
    for l in &e.level {
        m.entry(l.level.value).or_insert(&l.value);
    }
    m
}

fn antivirus(b: &Backup) -> Option<&str> {
    b.antivirus.as_ref().map(|s| s.value.as_str())
}

fn revisions(c: &Contract) -> BTreeMap<u32, &Revision> {
    let mut m = BTreeMap::new();
    for r in &c.revision {
        m.entry(r.number.value).or_insert(&r.value);
    }
    m
}

fn slas(r: &Revision) -> BTreeMap<&str, &Sla> {
    let mut m = BTreeMap::new();
    for s in &r.sla {
        m.entry(s.target.value.as_str()).or_insert(s);
    }
    m
}

fn responses(s: &Sla) -> BTreeMap<&str, Duration> {
    s.response.iter().map(|r| (r.category.value.as_str(), r.within.value)).collect()
}

// ---- sign-off records ----

/// Sign-off records by plan, party, signer and the digest they sign: added or removed records are
/// neutral (whether they count is the consequences' business).
fn signoffs(base: &Model, head: &Model, out: &mut Out) {
    let key =
        |s: &Signoff| (s.plan.value.clone(), kebab(&s.party.value), s.signer.value.clone(), s.digest.value.clone());
    let (old, new): (BTreeMap<_, &Signoff>, BTreeMap<_, &Signoff>) = (
        base.signoffs.iter().map(|s| (key(s), &s.value)).collect(),
        head.signoffs.iter().map(|s| (key(s), &s.value)).collect(),
    );
    for (k, s) in &new {
        if !old.contains_key(k) {
            let at = At::top("plan", &k.0).with(format!("sign-off {} {}", k.1, k.2));
            let what = format!("{} of {} on {}", crate::signoff::short_digest(&k.3), k.0, s.date.value);
            out.push(&at, Neutral, "signoff-added", None, Some(what), format!("{} signs for the {}", k.2, k.1));
        }
    }
    for (k, s) in &old {
        if !new.contains_key(k) {
            let at = At::top("plan", &k.0).with(format!("sign-off {} {}", k.1, k.2));
            let what = format!("{} of {} on {}", crate::signoff::short_digest(&k.3), k.0, s.date.value);
            out.push(
                &at,
                Neutral,
                "signoff-removed",
                Some(what),
                None,
                format!("the {} sign-off by {} is removed", k.1, k.2),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        At::top("plan", "p")
    }

    fn kinds(out: &Out) -> Vec<(Class, &'static str, String)> {
        out.changes.iter().map(|c| (c.class, c.kind, c.path_text())).collect()
    }

    const KINDS: [&str; 4] = ["step-removed", "step-added", "step-reworded", "step-moved"];

    #[test]
    fn word_diff_keeps_the_unchanged_words() {
        let w = words("call the duty desk at once", "call the duty desk immediately");
        let ops: Vec<(Op, &str)> = w.iter().map(|w| (w.op, w.text.as_str())).collect();
        assert_eq!(ops, [(Op::Equal, "call the duty desk "), (Op::Delete, "at once"), (Op::Insert, "immediately")]);
    }

    #[test]
    fn steps_are_aligned_by_text_not_by_position() {
        // a step inserted at the top shifts the others: one addition, nothing else
        let mut out = Out::default();
        out.list(&at(), "step", true, &["b", "c"], &["a", "b", "c"], KINDS, Weaker, ["", ""]);
        assert_eq!(kinds(&out), [(Stronger, "step-added", "plan p › step 1".to_string())]);
        // a replacement that keeps most words is a rewording, one that keeps none a removal and an addition
        let mut out = Out::default();
        out.list(
            &at(),
            "step",
            true,
            &["stop the batch chain now", "x y z"],
            &["stop the batch chain at once", "q r s"],
            KINDS,
            Weaker,
            ["", ""],
        );
        assert_eq!(
            kinds(&out),
            [
                (Neutral, "step-reworded", "plan p › step 1".to_string()),
                (Weaker, "step-removed", "plan p › step 2".to_string()),
                (Stronger, "step-added", "plan p › step 2".to_string()),
            ]
        );
    }

    #[test]
    fn a_set_ignores_order() {
        let mut out = Out::default();
        forbidden(&at(), &["a", "b"], &["b", "a"], &mut out);
        assert!(out.changes.is_empty());
        forbidden(&at(), &["a", "b", "c"], &["c", "a"], &mut out);
        assert_eq!(kinds(&out), [(Weaker, "forbidden-removed", "plan p › forbidden action".to_string())]);
    }

    #[test]
    fn the_same_length_written_differently_is_neutral() {
        let mut out = Out::default();
        let (a, b) = (Duration::parse("1d").unwrap(), Duration::parse("24h").unwrap());
        out.longer_is_weaker(&at(), "rto", "the RTO", Some(a), Some(b), "", "");
        assert_eq!(out.changes[0].class, Neutral);
    }
}
