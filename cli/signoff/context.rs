//! The context of an approval: what a plan relies on outside its own file, as the provider's staff
//! act on it. A `contingent-signoff-v2` statement binds its digest beside the plan's, and the record
//! keeps the context itself, so a later change of a contact's phone number, a covered system's
//! protection needs or the pinned contract revision's terms is found from the record alone and
//! named field by field. The exact content is specified in docs/signoff.md, section 2.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::model::{ContactMentions, Model, Plan};

/// Members of a contact that are not part of the context: they do not change what anyone acts
/// on (re-verifying a contact or rotating a key must not void approvals; the approver roster has
/// its own chain). The GitHub login is part of it: `codeowners` makes it a required reviewer.
const CONTACT_ADMIN: &[&str] = &["verified", "key", "may-approve"];
/// Members of a system or interface left out: the acknowledgement records who agreed, when.
const INVENTORY_ADMIN: &[&str] = &["acknowledged"];
/// Members of a contract revision left out: its summary describes, it does not oblige.
const REVISION_ADMIN: &[&str] = &["summary"];

fn without(json: &Value, drop: &[&str]) -> Value {
    match json {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(k, _)| !drop.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect(),
        ),
        other => other.clone(),
    }
}

/// The contact ids a plan names, and their deputies (the next person staff call).
pub fn contacts_named(model: &Model, plan: &Plan) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    if let Some(r) = &plan.responsible {
        ids.extend([&r.client, &r.provider].into_iter().flatten().map(|c| c.value.clone()));
    }
    if let Some(e) = &plan.escalation {
        ids.extend(e.level.iter().map(|l| l.notify.value.clone()));
    }
    if let Some(b) = &plan.backup {
        ids.extend(b.deputy.iter().map(|d| d.value.clone()));
        ids.extend(b.on_failure.iter().map(|o| o.escalate_to.value.clone()));
    }
    for s in &plan.scenario {
        ids.extend(s.contacts.iter().map(|c| c.value.clone()));
    }
    // the fallback named only in prose ("call the HPB IT Emergency Desk (+49 40 555 1000)"): by
    // its id, its name or one of its numbers
    if let Some(text) = plan.escalation.as_ref().and_then(|e| e.unreachable.as_ref()) {
        ids.extend(named_in(model, &text.value));
    }
    let deputies: Vec<String> = ids.iter().filter_map(|id| model.json.deputy(id).map(str::to_string)).collect();
    ids.extend(deputies);
    ids
}

/// The digits of a phone number as mentions are compared: the last nine when there are more
/// ("+49 40 555 1000", "0049 40 555 1000" and "040 555 1000" are one number), `None` under six.
fn number_key(text: &str) -> Option<String> {
    let d: String = text.chars().filter(char::is_ascii_digit).collect();
    match d.len() {
        0..=5 => None,
        6..=9 => Some(d),
        n => Some(d[n - 9..].to_string()),
    }
}

fn mentions(model: &Model) -> ContactMentions {
    let mut m = ContactMentions::default();
    for c in &model.contacts {
        let id = c.id.value.clone();
        m.ids.insert(id.clone());
        let name = c.name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if name.contains(' ') || name.chars().count() >= 8 {
            let first = name.split(' ').next().unwrap_or_default().to_string();
            m.names.entry(first).or_default().push((name, id.clone()));
        }
        for p in c.phone.iter().chain(&c.mobile) {
            if let Some(k) = number_key(&p.value) {
                m.numbers.entry(k).or_default().push(id.clone());
            }
        }
    }
    m
}

/// The contacts a text names: by id (a whole word), by name (at least two words or eight
/// letters, without case, spaces collapsed), or by a phone or mobile number (at least six digits;
/// with more than nine, the last nine), through an index built once per model.
fn named_in(model: &Model, text: &str) -> Vec<String> {
    let m = model.contact_mentions.get_or_init(|| mentions(model));
    let mut out = Vec::new();
    for w in text.split(|c: char| !(c.is_alphanumeric() || "._-".contains(c))) {
        let w = w.trim_end_matches(['.', '-', '_']);
        if m.ids.contains(w) {
            out.push(w.to_string());
        }
    }
    let lower = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let mut seen = std::collections::HashSet::new();
    for w in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !seen.insert(w) {
            continue;
        }
        for (name, id) in m.names.get(w).into_iter().flatten() {
            if lower.contains(name.as_str()) {
                out.push(id.clone());
            }
        }
    }
    // the numbers of the text: runs of digits with the spaces, dashes, slashes, brackets and
    // plus signs people write inside numbers
    for run in text.split(|c: char| !(c.is_ascii_digit() || " +-/()".contains(c))) {
        if let Some(ids) = number_key(run).and_then(|k| m.numbers.get(&k)) {
            out.extend(ids.iter().cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The settings that judge a plan, as `contingent.kdl` writes them: `policy` and `rule`, and the
/// waivers that name the plan or an object of its context. `None` when there are none.
fn settings(model: &Model, plan: &Plan, contacts: &BTreeSet<String>, covered: &BTreeSet<&str>) -> Option<Value> {
    let config = model.config.as_ref()?;
    let mut out = Map::new();
    for key in ["policy", "rule"] {
        if let Some(v) = config.settings.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    let pinned = plan.contract.as_ref().map(|c| c.id.value.as_str());
    let names = |w: &Value, key: &str, hit: &dyn Fn(&str) -> bool| w.get(key).and_then(Value::as_str).is_some_and(hit);
    let waivers: Vec<Value> = config
        .settings
        .get("waiver")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|w| {
            names(w, "plan", &|id| id == plan.id.value)
                || names(w, "system", &|id| covered.contains(id))
                || names(w, "contact", &|id| contacts.contains(id))
                || names(w, "contract", &|id| pinned == Some(id))
        })
        .cloned()
        .collect();
    if !waivers.is_empty() {
        out.insert("waiver".into(), Value::Array(waivers));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// The context of a plan as JSON: `contacts` and `inventory` map ids to the objects (or `null`
/// for an id that names nothing), `contract` is the pinned revision with the service levels of the
/// covered systems only (or `null`).
pub fn of_plan(model: &Model, plan: &Plan) -> Value {
    let named = contacts_named(model, plan);
    let contacts: Map<String, Value> = named
        .iter()
        .cloned()
        .map(|id| {
            let v = model.json.contact(&id).map_or(Value::Null, |c| without(&c, CONTACT_ADMIN));
            (id, v)
        })
        .collect();
    let covered: BTreeSet<&str> = plan
        .covers
        .iter()
        .map(|c| c.value.as_str())
        .chain(plan.objective.iter().map(|o| o.target.value.as_str()))
        .collect();
    let inventory: Map<String, Value> = covered
        .iter()
        .map(|&id| (id.to_string(), model.json.inventory(id).map_or(Value::Null, |s| without(&s, INVENTORY_ADMIN))))
        .collect();
    let contract = plan.contract.as_ref().map_or(Value::Null, |c| {
        let revision = model
            .json
            .contract_revision(&c.id.value, u64::from(c.revision.value), &|t| covered.contains(t))
            .map_or(Value::Null, |r| without(&r, REVISION_ADMIN));
        serde_json::json!({ "id": c.id.value, "revision": revision })
    });
    let mut context = serde_json::json!({ "contacts": contacts, "inventory": inventory, "contract": contract });
    if let Some(settings) = settings(model, plan, &named, &covered) {
        context["settings"] = settings;
    }
    context
}

/// The context's digest: the canonical digest of its JSON, as for plans.
pub fn digest(context: &Value) -> String {
    super::digest::plan_digest(context)
}

/// What is different between the context that was approved and the current one, in words, at
/// most `limit` entries (the rest counted in the last): "contact `dc-duty`: `phone` was …, is now …".
pub fn differences(old: &Value, new: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let section = |key: &str, word: &str, out: &mut Vec<String>| {
        let (o, n) = (old.get(key).and_then(Value::as_object), new.get(key).and_then(Value::as_object));
        let empty = Map::new();
        let (o, n) = (o.unwrap_or(&empty), n.unwrap_or(&empty));
        let ids: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for id in ids {
            match (o.get(id).filter(|v| !v.is_null()), n.get(id).filter(|v| !v.is_null())) {
                (Some(a), Some(b)) if a != b => {
                    fields(&format!("{word} `{id}`"), a, b, out);
                }
                (Some(_), None) => out.push(format!("{word} `{id}` no longer exists")),
                (None, Some(_)) if o.contains_key(id.as_str()) => out.push(format!("{word} `{id}` exists now")),
                (None, Some(_)) => out.push(format!("the plan now relies on {word} `{id}`")),
                _ => {}
            }
        }
        for id in o.keys().filter(|id| !n.contains_key(id.as_str())) {
            out.retain(|l| !l.starts_with(&format!("{word} `{id}` no longer exists")));
            out.push(format!("the plan no longer relies on {word} `{id}`"));
        }
    };
    section("contacts", "contact", &mut out);
    section("inventory", "system or interface", &mut out);
    let (oc, nc) = (old.get("contract").unwrap_or(&Value::Null), new.get("contract").unwrap_or(&Value::Null));
    if oc != nc {
        let name = |c: &Value| {
            let rev = c.get("revision").and_then(|r| r.get("number")).and_then(Value::as_u64);
            match (c.get("id").and_then(Value::as_str), rev) {
                (Some(id), Some(r)) => format!("contract `{id}` revision {r}"),
                (Some(id), None) => format!("contract `{id}`"),
                _ => "no contract".to_string(),
            }
        };
        let (on, nn) = (name(oc), name(nc));
        if on != nn {
            out.push(format!("the pinned contract was {on}, is now {nn}"));
        } else {
            fields(
                &format!("the terms of {on}"),
                oc.get("revision").unwrap_or(&Value::Null),
                nc.get("revision").unwrap_or(&Value::Null),
                &mut out,
            );
        }
    }
    let (os, ns) = (old.get("settings").unwrap_or(&Value::Null), new.get("settings").unwrap_or(&Value::Null));
    if os != ns {
        let none = Value::Object(Map::new());
        let or_none = |v: &'_ Value| if v.is_null() { none.clone() } else { v.clone() };
        fields("the settings of contingent.kdl that judge the plan", &or_none(os), &or_none(ns), &mut out);
    }
    if out.is_empty() && old != new {
        out.push("the context differs".to_string());
    }
    if out.len() > limit {
        let more = out.len() - limit + 1;
        out.truncate(limit - 1);
        out.push(format!("{more} more differences"));
    }
    out
}

/// The changed members of one object, each with its old and new value.
fn fields(what: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        out.push(format!("{what} was {}, is now {}", show(old), show(new)));
        return;
    };
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    for k in keys {
        match (o.get(k.as_str()), n.get(k.as_str())) {
            (Some(a), Some(b)) if a != b => out.push(format!("{what}: `{k}` was {}, is now {}", show(a), show(b))),
            (Some(a), None) => out.push(format!("{what}: `{k}` ({}) was removed", show(a))),
            (None, Some(b)) => out.push(format!("{what}: `{k}` {} was added", show(b))),
            _ => {}
        }
    }
}

/// A value in a message, shortened.
fn show(v: &Value) -> String {
    let mut text = String::new();
    super::digest::canonical(v, &mut text);
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

/// The context as stored in a record: JSON with one object (a contact, a system, the contract
/// revision) per line, indented by two spaces,
/// with every character outside printable ASCII and common letters escaped as `\uXXXX` where KDL
/// or a terminal could misread it (controls, bidirectional marks). Its canonical digest is the
/// context digest.
pub fn pretty(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, &mut out);
    out
}

fn write(v: &Value, depth: usize, out: &mut String) {
    let pad = |d: usize| "  ".repeat(d);
    if depth >= 2 {
        return compact(v, out); // one object (a contact, a system) per line
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                string(k, out);
                out.push_str(": ");
                write(&m[k.as_str()], depth + 1, out);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write(x, depth + 1, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::String(s) => string(s, out),
        other => super::digest::canonical(other, out),
    }
}

/// JSON without whitespace, members sorted, strings escaped as in [`pretty`].
fn compact(v: &Value, out: &mut String) {
    super::digest::canonical_with(v, out, string);
}

fn string(s: &str, out: &mut String) {
    crate::escape::quoted(s, out, |c, out| match c {
        // KDL newlines and disallowed characters too: the text is stored in a multi-line string
        c if crate::escape::is_unsafe(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
        c => out.push(c),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_has_the_same_canonical_digest_and_no_unsafe_characters() {
        let v = serde_json::json!({"b": ["x\u{202e}y\u{2028}\u{feff}", 1, true, null, {}], "a": {"c\"": "\u{0}\n\\", "d": []}});
        let text = pretty(&v);
        assert!(!text.chars().any(|c| crate::escape::is_unsafe(c) || c > '\u{2000}'), "{text}");
        assert!(!text.contains("\"\"\""));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        assert_eq!(digest(&back), digest(&v));
    }

    #[test]
    fn differences_name_the_object_and_the_field() {
        let old = serde_json::json!({"contacts": {"dc-duty": {"phone": [{"value": "+49 1", "available": "24x7"}]}, "gone": {}}, "inventory": {}, "contract": {"id": "msa", "revision": {"number": 2, "sla": [{"target": "a", "rto": "4h"}]}}});
        let new = serde_json::json!({"contacts": {"dc-duty": {"phone": [{"value": "+49 2", "available": "24x7"}]}}, "inventory": {"x": {}}, "contract": {"id": "msa", "revision": {"number": 2, "sla": [{"target": "a", "rto": "8h"}]}}});
        assert_eq!(
            differences(&old, &new, 10),
            [
                "contact `dc-duty`: `phone` was [{\"available\":\"24x7\",\"value\":\"+49 1\"}], is now [{\"available\":\"24x7\",\"value\":\"+49 2\"}]",
                "the plan no longer relies on contact `gone`",
                "the plan now relies on system or interface `x`",
                "the terms of contract `msa` revision 2: `sla` was [{\"rto\":\"4h\",\"target\":\"a\"}], is now [{\"rto\":\"8h\",\"target\":\"a\"}]",
            ]
        );
        assert_eq!(differences(&old, &old, 10), Vec::<String>::new());
        assert_eq!(differences(&old, &new, 2).len(), 2);
    }

    #[test]
    fn pretty_puts_one_object_per_line_in_a_fixed_form() {
        let v = serde_json::json!({
            "contacts": {"b": {"phone": "+49 2", "name": "B\u{202e}"}, "a": null},
            "inventory": {},
            "contract": {"id": "msa", "revision": {"number": 2, "sla": [], "x": [1, {"z": [], "y": "\u{2028}\u{feff}\u{1}\t\"\\"}]}},
            "list": [[], 1, "s", {"k": [2, {}]}]
        });
        let expected = concat!(
            "{\n",
            "  \"contacts\": {\n",
            "    \"a\": null,\n",
            "    \"b\": {\"name\":\"B\\u202e\",\"phone\":\"+49 2\"}\n",
            "  },\n",
            "  \"contract\": {\n",
            "    \"id\": \"msa\",\n",
            "    \"revision\": {\"number\":2,\"sla\":[],\"x\":[1,{\"y\":\"\\u2028\\ufeff\\u0001\\t\\\"\\\\\",\"z\":[]}]}\n",
            "  },\n",
            "  \"inventory\": {},\n",
            "  \"list\": [\n",
            "    [],\n",
            "    1,\n",
            "    \"s\",\n",
            "    {\"k\":[2,{}]}\n",
            "  ]\n",
            "}",
        );
        assert_eq!(pretty(&v), expected);
        assert_eq!(pretty(&serde_json::json!({})), "{}");
        assert_eq!(pretty(&serde_json::json!([])), "[]");
        assert_eq!(pretty(&serde_json::json!("é\u{7f}")), "\"é\\u007f\"");
    }

    #[test]
    fn differences_tell_appearing_disappearing_and_changed_objects_and_fields_apart() {
        let old = serde_json::json!({
            "contacts": {"kept": {"phone": "1", "old": "o"}, "deleted": {"phone": "1"}, "missing": null, "dropped": {}},
            "inventory": {"same": {"a": 1}, "scalar": "s", "still": "u"},
            "contract": {"id": "msa", "revision": null}
        });
        let new = serde_json::json!({
            "contacts": {"kept": {"phone": "2", "new": "n"}, "deleted": null, "missing": {"phone": "1"}, "added": {}},
            "inventory": {"same": {"a": 1}, "scalar": "t", "still": "u"},
            "contract": {"id": "msa", "revision": {"number": 3}}
        });
        assert_eq!(
            differences(&old, &new, 20),
            [
                "the plan now relies on contact `added`",
                "contact `deleted` no longer exists",
                "contact `kept`: `new` \"n\" was added",
                "contact `kept`: `old` (\"o\") was removed",
                "contact `kept`: `phone` was \"1\", is now \"2\"",
                "contact `missing` exists now",
                "the plan no longer relies on contact `dropped`",
                "system or interface `scalar` was \"s\", is now \"t\"",
                "the pinned contract was contract `msa`, is now contract `msa` revision 3",
            ]
        );
        let none = serde_json::json!({"contacts": {}, "inventory": {}, "contract": null});
        let pinned =
            serde_json::json!({"contacts": {}, "inventory": {}, "contract": {"id": "msa", "revision": {"number": 1}}});
        assert_eq!(
            differences(&none, &pinned, 20),
            ["the pinned contract was no contract, is now contract `msa` revision 1"]
        );
        // a difference outside the named parts is still reported
        let other = serde_json::json!({"contacts": {}, "inventory": {}, "contract": null, "x": 1});
        assert_eq!(differences(&none, &other, 20), ["the context differs"]);
    }

    #[test]
    fn differences_beyond_the_limit_are_counted_in_the_last_line() {
        let contacts = |n: usize, v: &str| serde_json::json!({"contacts": (0..n).map(|i| (format!("c{i}"), serde_json::json!({"phone": v}))).collect::<Map<String, Value>>()});
        let lines = |n: usize, limit: usize| differences(&contacts(n, "1"), &contacts(n, "2"), limit);
        assert_eq!(lines(8, 8).len(), 8);
        assert!(lines(8, 8).iter().all(|l| l.contains("`phone` was")));
        let cut = lines(11, 8);
        assert_eq!(cut.len(), 8);
        assert_eq!(cut[6], "contact `c5`: `phone` was \"1\", is now \"2\"");
        assert_eq!(cut[7], "4 more differences");
    }

    #[test]
    fn long_values_are_shortened_to_80_characters() {
        let value = |n: usize| serde_json::json!({"contacts": {"c": {"note": "x".repeat(n)}}});
        let line = |n: usize| differences(&value(n), &serde_json::json!({"contacts": {"c": {}}}), 8).remove(0);
        // the quotes count: 78 characters and two quotes are 80
        assert_eq!(line(78), format!("contact `c`: `note` (\"{}\") was removed", "x".repeat(78)));
        assert_eq!(line(79), format!("contact `c`: `note` (\"{}…) was removed", "x".repeat(79)));
    }
}
