//! The functions the table of `fields.rs` names: how some values are shown (`show`), and the
//! comparisons a row cannot express (`custom`: parties, rule severities, waivers, a contact's
//! channels and keys); and the two comparisons over whole models, sign-off records and
//! duplicated ids. Pure functions of two values or two models.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::classify::{fill, json, member, plain, At, Out};
use super::Class::{Neutral, Stronger, Weaker};
use crate::model::{Located, Model, Plan, Signoff};

// ---- how values are shown (the table's `show`) ----

/// Ids (or other scalars) joined by spaces; an absent list is empty.
pub fn ids(v: Option<&Value>) -> Option<String> {
    Some(v.and_then(plain).unwrap_or_default())
}

/// The `id`s of a list of items, joined by spaces.
pub fn ids_of_items(v: Option<&Value>) -> Option<String> {
    let items = v.and_then(Value::as_array).into_iter().flatten();
    Some(items.filter_map(|i| member(Some(i), "id").and_then(plain)).collect::<Vec<_>>().join(" "))
}

/// Texts joined by line breaks; an absent list is empty text.
pub fn joined_text(v: Option<&Value>) -> Option<String> {
    Some(v.and_then(Value::as_array).into_iter().flatten().filter_map(plain).collect::<Vec<_>>().join("\n"))
}

/// Texts joined by `; `.
pub fn joined_lines(v: Option<&Value>) -> Option<String> {
    Some(v.and_then(Value::as_array).into_iter().flatten().filter_map(plain).collect::<Vec<_>>().join("; "))
}

pub fn contract_pin(v: Option<&Value>) -> Option<String> {
    fill("{id} revision {revision}", "", v, None, None)
}

pub fn objective_text(v: Option<&Value>) -> Option<String> {
    let parts: Vec<String> =
        ["rto", "rpo"].iter().filter_map(|m| member(v, m).and_then(plain).map(|x| format!("{m}={x}"))).collect();
    Some(parts.join(" "))
}

pub fn acknowledgement(v: Option<&Value>) -> Option<String> {
    fill("{by} {date}", "", v, None, None)
}

pub fn interface_contacts(v: Option<&Value>) -> Option<String> {
    v?;
    let parts: Vec<String> = ["client", "provider", "carrier"]
        .iter()
        .filter_map(|k| member(v, k).and_then(plain).map(|x| format!("{k}={x}")))
        .collect();
    Some(parts.join(" "))
}

pub fn findings(v: Option<&Value>) -> Option<String> {
    let items = v.and_then(Value::as_array).into_iter().flatten();
    let each = items.filter_map(|f| fill("{text} ({status}, {due} by {owner})", "", Some(f), None, None));
    Some(each.collect::<Vec<_>>().join("; "))
}

// ---- comparisons of their own (the table's `custom`) ----

pub fn config_parties(at: &At, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    let parties = |c: Option<&Value>| -> Vec<String> {
        let items = member(c, "party").and_then(Value::as_array).into_iter().flatten();
        items
            .map(|p| {
                let name = member(Some(p), "name").and_then(plain).unwrap_or_default();
                let head = fill("{id} role={role}", "", Some(p), None, None).unwrap_or_default();
                format!("{head} name={name:?}")
            })
            .collect()
    };
    let (po, pn) = (parties(o), parties(n));
    if po != pn {
        let expl = "the parties changed: who signs for the client and the provider follows from them";
        out.push(&at.with("parties"), Neutral, "config-parties", Some(po.join("; ")), Some(pn.join("; ")), expl);
    }
}

/// Rule severities, by code: lowered below the rule's default (or the old setting) is weaker.
pub fn rule_severities(at: &At, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    type Settings = BTreeMap<String, (Option<String>, Option<String>)>;
    let settings = |c: Option<&Value>| -> Settings {
        let items = member(c, "rule").and_then(Value::as_array).into_iter().flatten();
        let get = |r: &Value, m: &str| member(Some(r), m).and_then(plain);
        items.map(|r| (get(r, "code").unwrap_or_default(), (get(r, "severity"), get(r, "staged")))).collect()
    };
    let rank = |s: &str| match s {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    };
    let (so, sn) = (settings(o), settings(n));
    for code in so.keys().chain(sn.keys()).collect::<BTreeSet<_>>() {
        let (a, b) = (so.get(code).and_then(|s| s.0.clone()), sn.get(code).and_then(|s| s.0.clone()));
        // unset: the rule's default severity (an unknown code: reported by `check`, neutral here)
        let default = crate::rules::find(code).map(|r| match r.default_severity {
            crate::diagnostic::Severity::Error => 2,
            crate::diagnostic::Severity::Warning => 1,
            crate::diagnostic::Severity::Note => 0,
        });
        let word = |s: &Option<String>| s.clone().unwrap_or_else(|| "its default".to_string());
        let rat = at.with(format!("rule {code}"));
        if a != b {
            let (ra, rb) = (a.as_deref().map(rank).or(default), b.as_deref().map(rank).or(default));
            let class = match (ra, rb) {
                (Some(x), Some(y)) if y < x => Weaker,
                (Some(x), Some(y)) if y > x => Stronger,
                _ => Neutral,
            };
            let expl = match class {
                Weaker => format!("findings of {code} count less: {} instead of {}", word(&b), word(&a)),
                Stronger => format!("findings of {code} count more: {} instead of {}", word(&b), word(&a)),
                Neutral => format!("the severity of {code} is now {} (was {})", word(&b), word(&a)),
            };
            out.push(&rat, class, "rule-severity", Some(word(&a)), Some(word(&b)), expl);
        }
        let (a, b) = (so.get(code).and_then(|s| s.1.clone()), sn.get(code).and_then(|s| s.1.clone()));
        if a != b {
            let word = |s: Option<String>| s.unwrap_or_else(|| "not set".to_string());
            let expl = format!("the severity of {code} for `check --staged` changed");
            out.push(&rat.with("staged"), Neutral, "rule-severity", Some(word(a)), Some(word(b)), expl);
        }
    }
}

/// Waivers, by rule and target: a waiver added or extended is weaker.
pub fn waivers(at: &At, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    fn map(c: Option<&Value>) -> BTreeMap<String, &Value> {
        let items = member(c, "waiver").and_then(Value::as_array).into_iter().flatten();
        items.map(|w| (format!("{} {}", text_of(w, "rule"), waiver_targets(w).join(" ")), w)).collect()
    }
    let (wo, wn) = (map(o), map(n));
    for k in wo.keys().chain(wn.keys()).collect::<BTreeSet<_>>() {
        let wat = at.with(format!("waiver {k}"));
        let until = |w: &Value| format!("until {}: {}", text_of(w, "expires"), text_of(w, "reason"));
        match (wo.get(k), wn.get(k)) {
            (None, Some(w)) => {
                let expl = "findings of {rule} are waived until {expires}, approved by {approved-by}";
                let expl = fill(expl, "", Some(w), None, None).unwrap_or_default();
                out.push(&wat, Weaker, "waiver-added", None, Some(until(w)), expl);
            }
            (Some(w), None) => {
                let expl = format!("findings of {} count again", text_of(w, "rule"));
                out.push(&wat, Stronger, "waiver-removed", Some(until(w)), None, expl);
            }
            (Some(a), Some(b)) => {
                let expires = |w: &Value| crate::units::Date::parse(&text_of(w, "expires")).ok();
                let (x, y) = (text_of(a, "expires"), text_of(b, "expires"));
                let change = match expires(b).cmp(&expires(a)) {
                    std::cmp::Ordering::Greater => {
                        Some((Weaker, "waiver-extended", "the waiver is extended: the findings stay waived longer"))
                    }
                    std::cmp::Ordering::Less => Some((Stronger, "waiver-shortened", "the waiver ends sooner")),
                    std::cmp::Ordering::Equal => None,
                };
                if let Some((class, kind, expl)) = change {
                    out.push(&wat.with("expires"), class, kind, Some(x), Some(y), expl);
                }
                let (ra, rb) = (text_of(a, "reason"), text_of(b, "reason"));
                out.text(&wat.with("reason"), "waiver-changed", "the waiver's reason", Some(&ra), Some(&rb));
                let (pa, pb) = (text_of(a, "approved-by"), text_of(b, "approved-by"));
                out.value(&wat.with("approved-by"), "waiver-changed", "who approved the waiver", Some(pa), Some(pb));
            }
            (None, None) => {}
        }
    }
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    plain(&json(v)).unwrap_or_default()
}

fn text_of(v: &Value, name: &str) -> String {
    member(Some(v), name).and_then(plain).unwrap_or_default()
}

/// The objects a waiver names, as `Waiver::targets` gives them.
fn waiver_targets(w: &Value) -> Vec<String> {
    let file = member(Some(w), "file").and_then(plain).map(|f| format!("file:{}", crate::source::normalise_dir(&f)));
    let others = "plan system contact contract"
        .split(' ')
        .filter_map(|k| member(Some(w), k).and_then(plain).map(|id| format!("{k}:{id}")));
    file.into_iter().chain(others).collect()
}

/// A contact's channels: losing the last 24x7 one is weaker.
pub fn channels(at: &At, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    let list = |c: Option<&Value>| -> Vec<(String, bool)> {
        let mut v = Vec::new();
        for kind in ["phone", "mobile", "email"] {
            for ch in member(c, kind).and_then(Value::as_array).into_iter().flatten() {
                let available = text_of(ch, "available");
                v.push((format!("{kind} {} ({available})", text_of(ch, "value")), available == "24x7"));
            }
        }
        v
    };
    let (a, b) = (list(o), list(n));
    let shown = |l: &[(String, bool)]| l.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join("; ");
    let always = |l: &[(String, bool)]| l.iter().any(|(_, x)| *x);
    let (class, kind, expl) = match (always(&a), always(&b)) {
        (true, false) => (
            Weaker,
            "contact-24x7-lost",
            "the contact loses its 24x7 channel: outside business hours it cannot be reached",
        ),
        (false, true) => (Stronger, "contact-24x7-gained", "the contact can now be reached 24x7"),
        _ if a != b => (Neutral, "contact-channels", "the contact's phone numbers or addresses changed"),
        _ => return,
    };
    out.push(&at.with("channels"), class, kind, Some(shown(&a)), Some(shown(&b)), expl);
}

/// A contact's signing keys: any change of a key or its validity.
pub fn contact_keys(at: &At, o: Option<&Value>, n: Option<&Value>, out: &mut Out) {
    let keys = |c: Option<&Value>| member(c, "key").and_then(Value::as_array).cloned().unwrap_or_default();
    let (a, b) = (keys(o), keys(n));
    let texts = |l: &[Value]| l.iter().map(|k| text_of(k, "key")).collect::<Vec<_>>().join("; ");
    let validity = |k: &Value| (member(Some(k), "valid-after").cloned(), member(Some(k), "valid-before").cloned());
    if texts(&a) != texts(&b) || a.iter().zip(&b).any(|(x, y)| validity(x) != validity(y)) {
        out.push(
            &at.with("key"),
            Neutral,
            "contact-keys",
            Some(format!("{} key(s)", a.len())),
            Some(format!("{} key(s)", b.len())),
            "the contact's signing keys changed: who can approve plans changes (see `check --changed-since`)",
        );
    }
}

/// An id defined more often in the new version than in the old, and more than once: only its
/// first definition is compared, so the others could say anything (a weaker copy of a plan).
pub fn duplicates(base: &Model, head: &Model, out: &mut Out) {
    fn counts<'m>(m: &'m Model) -> [(&'static str, BTreeMap<&'m str, usize>); 6] {
        let ids = |v: Vec<&'m str>| {
            let mut c = BTreeMap::new();
            for id in v {
                *c.entry(id).or_default() += 1;
            }
            c
        };
        let of = |l: &'m [Located<Plan>]| l.iter().map(|p| p.id.value.as_str()).collect::<Vec<_>>();
        [
            ("plan", ids(of(&m.plans))),
            ("contact", ids(m.contacts.iter().map(|c| c.id.value.as_str()).collect())),
            ("system", ids(m.systems.iter().map(|s| s.id.value.as_str()).collect())),
            ("interface", ids(m.interfaces.iter().map(|i| i.id.value.as_str()).collect())),
            ("contract", ids(m.contracts.iter().map(|c| c.id.value.as_str()).collect())),
            ("exercise", ids(m.exercises.iter().map(|e| e.id.value.as_str()).collect())),
        ]
    }
    for ((kind, old), (_, new)) in counts(base).into_iter().zip(counts(head)) {
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

// ---- sign-off records ----

/// Sign-off records by plan, party, signer and the digest they sign: added or removed records are
/// neutral (whether they count is the consequences' business).
pub fn signoffs(base: &Model, head: &Model, out: &mut Out) {
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
