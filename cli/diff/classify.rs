//! The rules of the diff: which change of which field is weaker, stronger or neutral, and how it
//! is explained. Pure functions of two models.
//!
//! Each object is walked through serde's data model (`serde_json::to_value` of the typed model,
//! so the members are the format's names) by the table of `fields.rs`: a row says how its field
//! compares, and a member no row claims is compared as neutral and listed (`field-changed`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use serde_json::Value;

use super::align::{align, words};
use super::custom::{duplicates, ids, signoffs};
use super::fields::ROWS;
use super::{by_id, Change, Class};
use crate::model::*;
use crate::units::Duration;

use Class::{Neutral, Stronger, Weaker};

/// Every change from `base` to `head`.
pub fn changes(base: &Model, head: &Model) -> Vec<Change> {
    let mut out = Out::default();
    if let (Some(o), Some(n)) = (base.config.as_ref(), head.config.as_ref()) {
        let at = At { path: vec!["configuration".into()], subject: "config".into() };
        compare("config", &at, "", Some(&json(&o.value)), Some(&json(&n.value)), &mut out);
    }
    let plan_removed = Say::F(|p: Option<&Value>| {
        let covers = ids(member(p, "covers"))?;
        let verb = if member(p, "covers").and_then(Value::as_array).map_or(0, Vec::len) == 1 { "is" } else { "are" };
        Some(format!("the plan is removed: {covers} {verb} no longer covered by it"))
    });
    objects(
        "plan",
        (&base.plans, &head.plans),
        |p| (&p.id.value, Some(&p.digest)),
        [
            Event::new(
                Stronger,
                "plan-added",
                Say::T("{title}"),
                Say::T("a new plan: what it covers is now prepared for"),
            ),
            Event::new(Weaker, "plan-removed", Say::T("{title}"), plan_removed),
        ],
        &mut out,
    );
    objects(
        "contact",
        (&base.contacts, &head.contacts),
        |c| (&c.id.value, None),
        [
            Event::new(Neutral, "contact-added", Say::T("{name}"), Say::T("a new contact of {party}")),
            Event::new(
                Neutral,
                "contact-removed",
                Say::T("{name}"),
                Say::T("the contact of {party} is removed: plans naming it lose the contact"),
            ),
        ],
        &mut out,
    );
    let inventory = |[added, removed]: [&'static str; 2], [new, gone]: [&'static str; 2]| {
        [
            Event::new(Neutral, added, Say::T("{name}"), Say::T(new)),
            Event::new(Neutral, removed, Say::T("{name}"), Say::T(gone)),
        ]
    };
    let system = inventory(
        ["system-added", "system-removed"],
        ["a new system in the inventory", "the system is removed from the inventory"],
    );
    objects("system", (&base.systems, &head.systems), |s| (&s.id.value, None), system, &mut out);
    let interface = inventory(
        ["interface-added", "interface-removed"],
        ["a new interface in the inventory", "the interface is removed from the inventory"],
    );
    objects("interface", (&base.interfaces, &head.interfaces), |i| (&i.id.value, None), interface, &mut out);
    objects(
        "contract",
        (&base.contracts, &head.contracts),
        |c| (&c.id.value, None),
        [
            Event::new(Neutral, "contract-added", Say::T("{title}"), Say::T("a new contract")),
            Event::new(Neutral, "contract-removed", Say::T("{title}"), Say::T("the contract is removed")),
        ],
        &mut out,
    );
    objects(
        "exercise",
        (&base.exercises, &head.exercises),
        |e| (&e.id.value, None),
        [
            Event::new(Neutral, "record-added", Say::T("{kind} of {plan} on {date}"), Say::T("a new exercise record")),
            Event::new(
                Neutral,
                "record-removed",
                Say::T("{kind} of {plan} on {date}"),
                Say::T("the exercise record is removed: the plan counts as exercised less"),
            ),
        ],
        &mut out,
    );
    signoffs(base, head, &mut out);
    duplicates(base, head, &mut out);
    out.changes
}

/// The kinds of change the table and the walk report (docs/diff.md lists them).
pub fn kinds() -> BTreeSet<&'static str> {
    let mut k = BTreeSet::from(["field-changed", "plan-changed"]);
    for row in ROWS {
        if !row.kind.is_empty() {
            k.insert(row.kind);
        }
        match &row.how {
            How::Presence { removed, added, .. } | How::Set { removed, added } => {
                k.extend([removed.kind, added.kind]);
            }
            How::Keyed { added, removed, .. } => k.extend(added.iter().chain(removed).map(|e| e.kind)),
            How::List { kinds, numbered, .. } => {
                k.extend(kinds.iter().copied().filter(|k| *numbered || !k.ends_with("-moved")))
            }
            How::Level => k.extend(["protection-lowered", "protection-raised"]),
            _ => {}
        }
    }
    k
}

pub fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Compares the top-level objects of one kind by id: added and removed ones are `events`, the
/// others are walked (a plan only when its digest differs; one whose digest differs always
/// yields a change).
fn objects<T: serde::Serialize>(
    kind: &str,
    (old, new): (&[Located<T>], &[Located<T>]),
    id: impl Fn(&T) -> (&String, Option<&String>),
    [added, removed]: [Event; 2],
    out: &mut Out,
) {
    let (old, new) = (by_id(old, |o| id(o).0.as_str()), by_id(new, |o| id(o).0.as_str()));
    let keys: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    for k in keys {
        let at = At::top(kind, k);
        match (old.get(k), new.get(k)) {
            (Some(o), Some(n)) => {
                let (digest_o, digest_n) = (id(o).1, id(n).1);
                if digest_o.is_some() && digest_o == digest_n {
                    continue; // the digest covers the plan's whole content: equal digests, equal plans
                }
                let before = out.changes.len();
                compare(kind, &at, k, Some(&json(*o)), Some(&json(*n)), out);
                if let (Some(a), Some(b), true) = (digest_o, digest_n, out.changes.len() == before) {
                    // the digest differs but no row saw a difference: say so rather than nothing
                    let expl = "the plan's content changed (its digest differs)";
                    out.push(&at, Neutral, "plan-changed", Some(a.clone()), Some(b.clone()), expl);
                }
            }
            (None, Some(n)) => added.push(&at, k, None, Some(&json(*n)), out),
            (Some(o), None) => removed.push(&at, k, Some(&json(*o)), None, out),
            (None, None) => {}
        }
    }
}

// ---- the table's vocabulary ----

/// How a row shows a value (a member of the object, or the field's own value).
pub type Shown = fn(Option<&Value>) -> Option<String>;

/// One row of the table (`fields.rs`).
pub struct Row {
    /// The schema path, `plan/backup/retention`; the last part may name several members
    /// (`contact/phone|mobile|email`) that one custom comparison takes together.
    pub path: &'static str,
    /// The segments the field adds to a change's path (`/` between them, `{key}` the item's key);
    /// empty adds none.
    pub seg: &'static str,
    /// The change kind.
    pub kind: &'static str,
    /// What the field is, in words.
    pub what: &'static str,
    pub how: How,
    /// How a value is shown, when not as it is.
    pub show: Option<Shown>,
    /// For a keyed list: only these children (the others are compared by another row).
    pub only: &'static str,
    /// For a keyed list: items present on one side only are not compared.
    pub both: bool,
    /// For a keyed list: in the old version's order, not the keys' order.
    pub source_order: bool,
}

/// How a field's two values compare.
pub enum How {
    /// Free text: neutral, reworded (word diff), added or removed.
    Text,
    /// Any other value: neutral (changed, set, removed).
    Value,
    /// A duration where longer is weaker: what a longer and a shorter one mean.
    Longer { slower: &'static str, faster: &'static str },
    /// A duration where longer is stronger (a retention): shorter, longer, removed, added.
    Retention([&'static str; 4]),
    /// A yes/no safeguard (absent is no): dropping it is weaker.
    Safeguard,
    /// Two words, the stronger first: the move to the other is weaker, and back stronger.
    Ranked { words: [&'static str; 2], weaker: &'static str, stronger: &'static str },
    /// A protection level (normal < high < very-high): lowering it is weaker.
    Level,
    /// Whether the field is there first (`removed` and `added`), then compared as `then`.
    Presence { then: &'static How, removed: Event, added: Event },
    /// A set of ids: each removed and each added one is an event.
    Set { removed: Event, added: Event },
    /// A list of texts without identities, aligned by a sequence diff (`Out::list`); unless
    /// numbered, a set whose order means nothing. Removing is weaker.
    List { noun: &'static str, numbered: bool, kinds: [&'static str; 4], meaning: [&'static str; 2] },
    /// A neutral change when the shown values differ, with its own explanation.
    Summary(&'static str),
    /// A list of items matched by the member `key`, each compared by the rows below it; items on
    /// one side only are the events (or, without them, compared against nothing).
    Keyed { key: &'static str, added: Option<Event>, removed: Option<Event> },
    /// An object whose members are compared by the rows below it.
    Object,
    /// A comparison of its own, given the two parent objects.
    Custom(fn(&At, Option<&Value>, Option<&Value>, &mut Out)),
}

/// What a row says when something is added or removed.
pub struct Event {
    pub class: Class,
    pub kind: &'static str,
    /// The value shown (of the item, or of the field).
    pub value: Say,
    pub explanation: Say,
    /// Segments added to the path, as `Row::seg`.
    pub seg: &'static str,
}

/// Words: the value as it is, a template (`{key}`, `{old}`, `{new}`, `{member}`), or a function
/// of the value.
#[derive(Clone, Copy)]
pub enum Say {
    Plain,
    T(&'static str),
    F(fn(Option<&Value>) -> Option<String>),
}

impl Event {
    pub const fn new(class: Class, kind: &'static str, value: Say, explanation: Say) -> Event {
        Event { class, kind, value, explanation, seg: "" }
    }
    pub const fn at(mut self, seg: &'static str) -> Event {
        self.seg = seg;
        self
    }
    /// Reports the event for an item (or a value) `old` or `new`, with its key.
    fn push(&self, at: &At, key: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Out) {
        let at = at.under(self.seg, key);
        let item = old.or(new);
        let value = self.value.say(key, item, old, new);
        let explanation = self.explanation.say(key, item, old, new).unwrap_or_default();
        let (o, n) = if old.is_some() { (value, None) } else { (None, value) };
        out.push(&at, self.class, self.kind, o, n, explanation);
    }
}

impl Say {
    fn say(self, key: &str, item: Option<&Value>, old: Option<&Value>, new: Option<&Value>) -> Option<String> {
        match self {
            Say::Plain => item.and_then(plain),
            Say::F(f) => f(item),
            Say::T(t) => fill(t, key, item, old.and_then(plain).as_deref(), new.and_then(plain).as_deref()),
        }
    }
}

/// A template with its placeholders filled; `None` when a member it names is missing.
pub fn fill(t: &str, key: &str, item: Option<&Value>, old: Option<&str>, new: Option<&str>) -> Option<String> {
    let mut out = String::new();
    let mut rest = t;
    while let Some(start) = rest.find('{') {
        let end = start + rest[start..].find('}')?;
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        let v = match name {
            "key" => Some(key.to_string()),
            "old" => old.map(str::to_string),
            "new" => new.map(str::to_string),
            _ => member(item, name).and_then(plain),
        };
        out.push_str(&v?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A member of an object; `null` counts as absent.
pub fn member<'v>(v: Option<&'v Value>, name: &str) -> Option<&'v Value> {
    v?.get(name).filter(|v| !v.is_null())
}

/// A value as shown: text as it is, a list of scalars joined by spaces.
pub fn plain(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(items.iter().filter_map(plain).collect::<Vec<_>>().join(" ")),
        other => Some(other.to_string()),
    }
}

fn duration(v: Option<&Value>) -> Option<Duration> {
    v?.as_str().and_then(|s| Duration::parse(s).ok())
}

// row constructors: one per way of comparing

const fn row(path: &'static str, seg: &'static str, kind: &'static str, what: &'static str, how: How) -> Row {
    Row { path, seg, kind, what, how, show: None, only: "", both: false, source_order: false }
}
pub const fn text(path: &'static str, seg: &'static str, kind: &'static str, what: &'static str) -> Row {
    row(path, seg, kind, what, How::Text)
}
pub const fn value(path: &'static str, seg: &'static str, kind: &'static str, what: &'static str) -> Row {
    row(path, seg, kind, what, How::Value)
}
pub const fn longer(
    path: &'static str,
    seg: &'static str,
    kind: &'static str,
    what: &'static str,
    slower: &'static str,
    faster: &'static str,
) -> Row {
    row(path, seg, kind, what, How::Longer { slower, faster })
}
pub const fn retention(path: &'static str, seg: &'static str, kind: &'static str, words: [&'static str; 4]) -> Row {
    row(path, seg, kind, "", How::Retention(words))
}
pub const fn safeguard(path: &'static str, seg: &'static str, kind: &'static str, what: &'static str) -> Row {
    row(path, seg, kind, what, How::Safeguard)
}
pub const fn ranked(
    path: &'static str,
    seg: &'static str,
    kind: &'static str,
    what: &'static str,
    words: [&'static str; 2],
    weaker: &'static str,
    stronger: &'static str,
) -> Row {
    row(path, seg, kind, what, How::Ranked { words, weaker, stronger })
}
pub const fn level(path: &'static str, seg: &'static str, name: &'static str) -> Row {
    row(path, seg, "", name, How::Level)
}
#[allow(clippy::too_many_arguments)]
pub const fn presence(
    path: &'static str,
    seg: &'static str,
    kind: &'static str,
    what: &'static str,
    then: &'static How,
    removed: Event,
    added: Event,
) -> Row {
    row(path, seg, kind, what, How::Presence { then, removed, added })
}
pub const fn set(path: &'static str, seg: &'static str, removed: Event, added: Event) -> Row {
    row(path, seg, "", "", How::Set { removed, added })
}
pub const fn list(
    path: &'static str,
    noun: &'static str,
    numbered: bool,
    kinds: [&'static str; 4],
    meaning: [&'static str; 2],
) -> Row {
    row(path, "", "", "", How::List { noun, numbered, kinds, meaning })
}
pub const fn summary(
    path: &'static str,
    seg: &'static str,
    kind: &'static str,
    show: fn(Option<&Value>) -> Option<String>,
    explanation: &'static str,
) -> Row {
    row(path, seg, kind, "", How::Summary(explanation)).show(show)
}
pub const fn keyed(
    path: &'static str,
    key: &'static str,
    seg: &'static str,
    added: Option<Event>,
    removed: Option<Event>,
) -> Row {
    row(path, seg, "", "", How::Keyed { key, added, removed })
}
pub const fn object(path: &'static str, seg: &'static str) -> Row {
    row(path, seg, "", "", How::Object)
}
pub const fn custom(path: &'static str, f: fn(&At, Option<&Value>, Option<&Value>, &mut Out)) -> Row {
    row(path, "", "", "", How::Custom(f))
}

impl Row {
    pub const fn show(mut self, f: fn(Option<&Value>) -> Option<String>) -> Row {
        self.show = Some(f);
        self
    }
    pub const fn only(mut self, child: &'static str) -> Row {
        self.only = child;
        self
    }
    pub const fn both(mut self) -> Row {
        self.both = true;
        self
    }
    pub const fn source_order(mut self) -> Row {
        self.source_order = true;
        self
    }
    /// The object path the row's field belongs to, and the members it takes.
    pub fn split(&self) -> (&'static str, impl Iterator<Item = &'static str>) {
        let (parent, names) = self.path.rsplit_once('/').unwrap_or(("", self.path));
        (parent, names.split('|'))
    }
    fn shown(&self, v: Option<&Value>) -> Option<String> {
        match self.show {
            Some(f) => f(v),
            None => v.and_then(plain),
        }
    }
}

// ---- the walk ----

/// Compares two objects at `prefix` (a schema path) by the rows below it, in table order; then
/// lists every member no row takes that differs.
fn compare(prefix: &str, at: &At, key: &str, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    compare_only(prefix, "", at, key, o, n, out);
}

fn compare_only(prefix: &str, only: &str, at: &At, key: &str, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for r in ROWS {
        let (parent, names) = r.split();
        if parent != prefix {
            continue;
        }
        let names: Vec<&str> = names.collect();
        taken.extend(&names);
        if only.is_empty() || names.contains(&only) {
            apply(r, names[0], at, key, o, n, out);
        }
    }
    if !only.is_empty() {
        return;
    }
    let members: BTreeSet<&String> =
        [o, n].into_iter().flatten().filter_map(Value::as_object).flat_map(|m| m.keys()).collect();
    for name in members {
        let (a, b) = (member(o, name), member(n, name));
        if !taken.contains(name.as_str()) && a != b {
            let show = |v: Option<&Value>| v.and_then(plain);
            out.value(&at.with(name.as_str()), "field-changed", &format!("`{name}`"), show(a), show(b));
        }
    }
}

fn apply(r: &Row, name: &str, at: &At, key: &str, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    if let How::Custom(f) = r.how {
        return f(at, o, n, out);
    }
    let (ov, nv) = (member(o, name), member(n, name));
    if let How::List { .. } | How::Keyed { .. } = r.how {
        return compare_value(r, &r.how, at, key, ov, nv, out);
    }
    compare_value(r, &r.how, &at.under(r.seg, key), key, ov, nv, out);
}

/// Compares a field's two values as `how` says, at `at` (the field's own path; for lists and
/// keyed lists, the parent's).
#[allow(clippy::too_many_arguments)]
fn compare_value(r: &Row, how: &How, at: &At, key: &str, ov: Option<&Value>, nv: Option<&Value>, out: &mut Out) {
    let what = fill(r.what, key, None, None, None).unwrap_or_default();
    let at = at.clone();
    match how {
        How::Text => out.text(&at, r.kind, &what, r.shown(ov).as_deref(), r.shown(nv).as_deref()),
        How::Value => out.value(&at, r.kind, &what, r.shown(ov), r.shown(nv)),
        How::Longer { slower, faster } => {
            out.longer_is_weaker(&at, r.kind, &what, duration(ov), duration(nv), slower, faster)
        }
        How::Retention(words) => out.retention(&at, r.kind, words, duration(ov), duration(nv)),
        How::Safeguard => {
            let yes = |v: Option<&Value>| v == Some(&Value::Bool(true));
            out.safeguard(&at, r.kind, &what, yes(ov), yes(nv))
        }
        How::Ranked { words, weaker, stronger } => match (ov.and_then(Value::as_str), nv.and_then(Value::as_str)) {
            (Some(a), Some(b)) if a == words[0] && b == words[1] => {
                out.push(&at, Weaker, r.kind, Some(a.into()), Some(b.into()), *weaker)
            }
            (Some(a), Some(b)) if a == words[1] && b == words[0] => {
                out.push(&at, Stronger, r.kind, Some(a.into()), Some(b.into()), *stronger)
            }
            _ => out.value(&at, r.kind, &what, r.shown(ov), r.shown(nv)),
        },
        How::Level => out.level(&at, &what, ov.and_then(Value::as_str), nv.and_then(Value::as_str)),
        How::Presence { then, removed, added } => match (ov, nv) {
            (Some(_), None) => removed.push(&at, key, ov, None, out),
            (None, Some(_)) => added.push(&at, key, None, nv, out),
            _ => compare_value(r, then, &at, key, ov, nv, out),
        },
        How::Set { removed, added } => {
            let set = |v: Option<&Value>| -> BTreeSet<String> {
                v.and_then(Value::as_array).into_iter().flatten().filter_map(plain).collect()
            };
            let (a, b) = (set(ov), set(nv));
            for s in a.difference(&b) {
                removed.push(&at, key, Some(&Value::String(s.clone())), None, out);
            }
            for s in b.difference(&a) {
                added.push(&at, key, None, Some(&Value::String(s.clone())), out);
            }
        }
        How::List { noun, numbered, kinds, meaning } => {
            let texts = |v: Option<&Value>| -> Vec<String> {
                v.and_then(Value::as_array).into_iter().flatten().filter_map(plain).collect()
            };
            let (a, b) = (texts(ov), texts(nv));
            let (a, b): (Vec<&str>, Vec<&str>) =
                (a.iter().map(String::as_str).collect(), b.iter().map(String::as_str).collect());
            if !numbered {
                // a set: its order means nothing
                let (mut x, mut y) = (a.clone(), b.clone());
                x.sort_unstable();
                y.sort_unstable();
                if x == y {
                    return;
                }
            }
            out.list(&at, noun, *numbered, &a, &b, *kinds, Weaker, *meaning);
        }
        How::Summary(explanation) => {
            let (a, b) = (r.shown(ov), r.shown(nv));
            if a != b {
                let expl = fill(explanation, key, None, a.as_deref(), b.as_deref()).unwrap_or_default();
                out.push(&at, Neutral, r.kind, a, b, expl);
            }
        }
        How::Keyed { key: member_key, added, removed } => items(r, member_key, (added, removed), &at, ov, nv, out),
        How::Object => compare(r.path, &at, key, ov, nv, out),
        How::Custom(_) => {}
    }
}

/// The items of a keyed list, matched by their key.
fn items(
    r: &Row,
    member_key: &str,
    (added, removed): (&Option<Event>, &Option<Event>),
    at: &At,
    ov: Option<&Value>,
    nv: Option<&Value>,
    out: &mut Out,
) {
    let ((old, old_order), (new, _)) = (by_key(ov, member_key), by_key(nv, member_key));
    let keys: Vec<&Key> = if r.source_order {
        old_order.iter().collect()
    } else {
        old.keys().chain(new.keys()).collect::<BTreeSet<_>>().into_iter().collect()
    };
    for k in keys {
        let text = k.to_string();
        let (a, b) = (old.get(k).copied(), new.get(k).copied());
        let item_at = at.under(r.seg, &text);
        match (a, b, added, removed) {
            (None, Some(_), Some(e), _) => e.push(&item_at, &text, None, b, out),
            (Some(_), None, _, Some(e)) => e.push(&item_at, &text, a, None, out),
            (Some(_), Some(_), ..) => compare_only(r.path, r.only, &item_at, &text, a, b, out),
            _ if !r.both => compare_only(r.path, r.only, &item_at, &text, a, b, out),
            _ => {}
        }
    }
}

/// The items of a list by their key (the first of a repeated key), and the keys in list order.
fn by_key<'v>(v: Option<&'v Value>, member_key: &str) -> (BTreeMap<Key, &'v Value>, Vec<Key>) {
    let mut m: BTreeMap<Key, &Value> = BTreeMap::new();
    let mut order = Vec::new();
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        let k = Key::of(member(Some(item), member_key));
        if let std::collections::btree_map::Entry::Vacant(e) = m.entry(k.clone()) {
            order.push(k);
            e.insert(item);
        }
    }
    (m, order)
}

/// An item's key: numbers in their order, before texts.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Number(u64),
    Text(String),
}

impl Key {
    fn of(v: Option<&Value>) -> Key {
        match v {
            Some(Value::Number(n)) if n.as_u64().is_some() => Key::Number(n.as_u64().unwrap_or_default()),
            other => Key::Text(other.and_then(plain).unwrap_or_default()),
        }
    }
}

impl Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Number(n) => write!(f, "{n}"),
            Key::Text(s) => f.write_str(s),
        }
    }
}

#[derive(Default)]
pub struct Out {
    changes: Vec<Change>,
}

/// Where changes are being collected: the path so far and the subject.
#[derive(Clone)]
pub struct At {
    path: Vec<String>,
    subject: String,
}

impl At {
    pub fn top(kind: &str, id: &str) -> At {
        At { path: vec![format!("{kind} {id}")], subject: format!("{kind}:{id}") }
    }
    pub fn with(&self, segment: impl Into<String>) -> At {
        let mut a = self.clone();
        a.path.push(segment.into());
        a
    }
    /// With a row's segments (`/` between them, `{key}` the item's key); empty adds none.
    fn under(&self, seg: &str, key: &str) -> At {
        let mut a = self.clone();
        if !seg.is_empty() {
            a.path.extend(seg.replace("{key}", key).split('/').map(str::to_string));
        }
        a
    }
}

impl Out {
    pub fn push(
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
    pub fn text(&mut self, at: &At, kind: &'static str, what: &str, old: Option<&str>, new: Option<&str>) {
        match (old, new) {
            (Some(o), Some(n)) if o != n => {
                let expl = format!("{what} is reworded");
                self.push(at, Neutral, kind, Some(o.to_string()), Some(n.to_string()), expl);
                if let Some(c) = self.changes.last_mut() {
                    c.words = Some(words(o, n));
                }
            }
            (Some(o), None) => self.push(at, Neutral, kind, Some(o.into()), None, format!("{what} is removed")),
            (None, Some(n)) => self.push(at, Neutral, kind, None, Some(n.into()), format!("{what} is added")),
            _ => {}
        }
    }

    /// Any other value that changed: neutral.
    pub fn value<T: Display + PartialEq>(
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
        let (class, expl) = match (old, new) {
            (Some(o), Some(n)) if o == n => return,
            (Some(o), Some(n)) if o.minutes() == n.minutes() => {
                (Neutral, format!("{what} is written differently, same length"))
            }
            (Some(o), Some(n)) if n > o => (Weaker, format!("{what} is raised from {o} to {n}: {slower}")),
            (Some(o), Some(n)) => (Stronger, format!("{what} is lowered from {o} to {n}: {faster}")),
            (Some(o), None) => (Weaker, format!("{what} ({o}) is removed: nothing is promised any more")),
            (None, Some(n)) => (Stronger, format!("{what} is set to {n}")),
            (None, None) => return,
        };
        self.push(at, class, kind, old.map(|d| d.to_string()), new.map(|d| d.to_string()), expl);
    }

    /// A duration where longer is stronger (how long backups are kept): `words` for shorter,
    /// longer, removed and added, with `{old}` and `{new}`.
    fn retention(
        &mut self,
        at: &At,
        kind: &'static str,
        words: &[&str; 4],
        old: Option<Duration>,
        new: Option<Duration>,
    ) {
        let (class, i) = match (old, new) {
            (Some(a), Some(b)) if b < a => (Weaker, 0),
            (Some(a), Some(b)) if b > a => (Stronger, 1),
            (Some(_), None) => (Weaker, 2),
            (None, Some(_)) => (Stronger, 3),
            _ => return,
        };
        let (o, n) = (old.map(|d| d.to_string()), new.map(|d| d.to_string()));
        let expl = fill(words[i], "", None, o.as_deref(), n.as_deref()).unwrap_or_default();
        self.push(at, class, kind, o, n, expl);
    }

    /// A protection level (`normal` < `high` < `very-high`): lowered or no longer stated is weaker.
    fn level(&mut self, at: &At, name: &str, old: Option<&str>, new: Option<&str>) {
        let rank = |l: &str| ["normal", "high", "very-high"].iter().position(|x| *x == l);
        let (class, kind, expl) = match (old.map(rank), new.map(rank)) {
            (Some(a), Some(b)) if b < a => (Weaker, "protection-lowered", "is lowered: less is required"),
            (Some(a), Some(b)) if b > a => (Stronger, "protection-raised", "is raised"),
            (Some(_), None) => (Weaker, "protection-lowered", "is no longer stated"),
            (None, Some(_)) => (Stronger, "protection-raised", "is stated"),
            _ => return,
        };
        let expl = format!("the protection need for {name} {expl}");
        self.push(at, class, kind, old.map(str::to_string), new.map(str::to_string), expl);
    }

    /// A yes/no safeguard: dropping it is weaker.
    fn safeguard(&mut self, at: &At, kind: &'static str, what: &str, old: bool, new: bool) {
        let (done, class) = match (old, new) {
            (true, false) => ("dropped", Weaker),
            (false, true) => ("added", Stronger),
            _ => return,
        };
        let word = |b: bool| Some(if b { "yes" } else { "no" }.to_string());
        self.push(at, class, kind, word(old), word(new), format!("{what} is {done}"));
    }

    /// A list of texts without identities (steps, forbidden actions, detection signals), aligned
    /// by `align`: a removed entry is `removed` (its class given), an added one the opposite, a
    /// replaced one that is mostly the same words is reworded (neutral, word diff); with
    /// `numbered` (an ordered list), an entry that moved is reported as moved; otherwise the list
    /// is a set and a move is no change. Changes come in list order.
    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        at: &At,
        noun: &str,
        numbered: bool,
        old: &[&str],
        new: &[&str],
        [k_removed, k_added, k_reworded, k_moved]: [&'static str; 4],
        removed: Class,
        meaning: [&str; 2],
    ) {
        if old == new {
            return;
        }
        let added = if removed == Weaker { Stronger } else { Weaker };
        let seg = |i: usize| at.with(if numbered { format!("{noun} {}", i + 1) } else { noun.to_string() });
        let a = align(old, new);
        let mut found = Out::default();
        let mut order = Vec::new();
        for &o in &a.deleted {
            let expl = format!("{noun} removed: {}", meaning[0]);
            found.push(&seg(o), removed, k_removed, Some(old[o].into()), None, expl);
            order.push(2 * o);
        }
        for &n in &a.inserted {
            let expl = format!("{noun} added: {}", meaning[1]);
            found.push(&seg(n), added, k_added, None, Some(new[n].into()), expl);
            order.push(2 * n + 1);
        }
        for &(o, n) in &a.reworded {
            found.text(&seg(n), k_reworded, &format!("the {noun}"), Some(old[o]), Some(new[n]));
            order.push(2 * n + 1);
        }
        for &(o, n) in a.moved.iter().filter(|_| numbered) {
            let (from, to) = (format!("{noun} {}", o + 1), format!("{noun} {}", n + 1));
            let expl = format!("the {noun} moved from {} to {}: the order of the work changes", o + 1, n + 1);
            found.push(&seg(n), Neutral, k_moved, Some(from), Some(to), expl);
            order.push(2 * n + 1);
        }
        let mut found: Vec<(usize, Change)> = order.into_iter().zip(found.changes).collect();
        found.sort_by_key(|(o, _)| *o);
        self.changes.extend(found.into_iter().map(|(_, c)| c));
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
    fn a_field_without_a_row_is_listed_as_neutral() {
        let mut out = Out::default();
        let at = At::top("contact", "c");
        let (o, n) = (serde_json::json!({"former": false, "new-member": "a"}), serde_json::json!({"former": true}));
        compare("contact", &at, "c", Some(&o), Some(&n), &mut out);
        type Seen<'c> = (Class, &'c str, String, Option<String>, Option<String>);
        let got: Vec<Seen> =
            out.changes.iter().map(|c| (c.class, c.kind, c.path_text(), c.old.clone(), c.new.clone())).collect();
        assert_eq!(
            got,
            [
                (Neutral, "field-changed", "contact c › former".to_string(), Some("false".into()), Some("true".into())),
                (Neutral, "field-changed", "contact c › new-member".to_string(), Some("a".into()), None),
            ]
        );
        assert_eq!(out.changes[0].explanation, "`former` changed");
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
        let row = ROWS.iter().find(|r| r.path == "plan/forbidden").unwrap();
        let plan = |v: &[&str]| serde_json::json!({ "forbidden": v });
        let mut out = Out::default();
        apply(row, "forbidden", &at(), "p", Some(&plan(&["a", "b"])), Some(&plan(&["b", "a"])), &mut out);
        assert!(out.changes.is_empty());
        apply(row, "forbidden", &at(), "p", Some(&plan(&["a", "b", "c"])), Some(&plan(&["c", "a"])), &mut out);
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
