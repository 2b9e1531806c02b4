//! The table of the domain diff: for each field of the format that has a direction (or words of
//! its own), one row with its schema path, the segment it adds to a change's path, its change
//! kind, its words and how its two values compare. `classify` walks the typed model through
//! serde's data model by this table; a field without a row is compared as neutral and listed
//! (`field-changed`), never skipped, and a test fails when a schema field has neither a row nor
//! an entry in [`NEUTRAL`] or [`ELSEWHERE`].
//!
//! Paths are `kind/member/member` as in `schema/*.schema.json`; a row's children are the rows
//! whose path continues its own, compared in table order. In words, `{key}` is the key of the
//! nearest keyed item (`scenario {key}`), `{old}` and `{new}` the two values, `{member}` a
//! member of the item.

use super::classify::{
    custom, keyed, level, list, longer, object, presence, ranked, retention, safeguard, set, summary, text, value,
    Event, How, Row, Say,
};
use super::custom::{
    acknowledgement, channels, config_parties, contact_keys, contract_pin, findings, ids, ids_of_items,
    interface_contacts, joined_lines, joined_text, objective_text, rule_severities, waivers,
};
use super::Class::{Neutral, Stronger, Weaker};

/// Fields compared by the generic walk only: any change is neutral, listed as `field-changed`.
pub const NEUTRAL: &[&str] = &["config/paths", "config/limits", "contact/former", "contact/left"];

/// Kinds compared as whole records, with the reason.
pub const ELSEWHERE: &[(&str, &str)] = &[
    ("signoff", "sign-off records are compared whole (added or removed, by plan, party, signer and digest)"),
    ("roster", "a changed roster is judged in the consequences: who must sign, against the base's roster"),
];

/// The rows, in the order their changes are reported within an object.
pub static ROWS: &[Row] = &[
    // ---- configuration ----
    text("config/name", "name", "config-name", "the repository's name"),
    value("config/reference-date", "reference-date", "config-reference-date", "the reference date"),
    custom("config/party", config_parties),
    object("config/policy", "policy"),
    object("config/policy/exercise-interval", ""),
    longer("config/policy/exercise-interval/normal", "exercise-interval normal", "policy-exercise-interval",
        "the required exercise interval for normal availability", "plans are exercised less often", "plans are exercised more often"),
    longer("config/policy/exercise-interval/high", "exercise-interval high", "policy-exercise-interval",
        "the required exercise interval for high availability", "plans are exercised less often", "plans are exercised more often"),
    longer("config/policy/exercise-interval/very-high", "exercise-interval very-high", "policy-exercise-interval",
        "the required exercise interval for very-high availability", "plans are exercised less often", "plans are exercised more often"),
    longer("config/policy/scenario-cycle", "scenario-cycle", "policy-scenario-cycle", "the scenario cycle",
        "every scenario needs to be exercised less often", "every scenario is exercised more often"),
    longer("config/policy/contact-max-age", "contact-max-age", "policy-contact-max-age",
        "the maximum age of a contact's verification", "contact data may be older", "contact data is verified more often"),
    longer("config/policy/review-grace", "review-grace", "policy-review-grace",
        "the grace period for reviews after a contract revision", "plans may lag behind the contract longer", "plans follow the contract sooner"),
    value("config/policy/contact-warning", "contact-warning", "policy-changed",
        "the warning period before a contact's verification expires"),
    value("config/policy/revision-notice", "revision-notice", "policy-changed", "the notice period for contract revisions"),
    custom("config/rule", rule_severities),
    custom("config/waiver", waivers),
    // ---- plans ----
    text("plan/title", "title", "plan-title", "the title"),
    set("plan/covers", "covers",
        Event::new(Weaker, "covers-removed", Say::Plain, Say::T("{old} is no longer covered by this plan")),
        Event::new(Stronger, "covers-added", Say::Plain, Say::T("{new} is now covered by this plan"))),
    summary("plan/contract", "contract", "contract-pin", contract_pin,
        "the plan pins another contract revision: it must conform to that revision's terms"),
    object("plan/responsible", ""),
    value("plan/responsible/client", "responsible client", "responsible", "the client's responsible person"),
    value("plan/responsible/provider", "responsible provider", "responsible", "the provider's responsible person"),
    keyed("plan/objective", "target", "objective {key}",
        Some(Event::new(Stronger, "objective-added", Say::F(objective_text), Say::T("recovery objectives for {key} are set"))),
        Some(Event::new(Weaker, "objective-removed", Say::F(objective_text),
            Say::T("the recovery objectives for {key} are removed: no recovery time or data loss is promised")))),
    longer("plan/objective/rto", "rto", "rto", "the recovery time objective (RTO) of {key}",
        "recovery may take longer", "recovery must be faster"),
    longer("plan/objective/rpo", "rpo", "rpo", "the recovery point objective (RPO) of {key}",
        "more data may be lost", "less data may be lost"),
    object("plan/escalation", "escalation"),
    keyed("plan/escalation/level", "level", "level {key}",
        Some(Event::new(Stronger, "escalation-level-added", Say::T("notify {notify} within {within}"),
            Say::T("escalation level {key} is added: {notify} is notified within {within}"))),
        Some(Event::new(Weaker, "escalation-level-removed", Say::T("notify {notify} within {within}"),
            Say::T("escalation level {key} is dropped: {notify} is no longer notified")))),
    summary("plan/escalation/level/notify", "notify", "escalation-contact", ids,
        "level {key} now notifies {new} instead of {old}"),
    longer("plan/escalation/level/within", "within", "escalation-time", "the time limit of escalation level {key}",
        "the escalation is slower", "the escalation is faster"),
    presence("plan/escalation/unreachable", "unreachable", "unreachable-reworded", "what to do when no one can be reached", &How::Text,
        Event::new(Weaker, "unreachable-removed", Say::Plain, Say::T("what to do when no one can be reached is no longer said")),
        Event::new(Stronger, "unreachable-added", Say::Plain, Say::T("what to do when no one can be reached is now said"))),
    presence("plan/backup", "backup", "", "", &How::Object,
        Event::new(Weaker, "backup-removed", Say::T("backup"), Say::T(
            "the plan's backup section is removed: schedule, retention, off-site copy and restore tests are no longer part of it")),
        Event::new(Stronger, "backup-added", Say::T("backup"), Say::T("the plan now has a backup section"))),
    ranked("plan/backup/media", "media", "backup-media", "the backup media", ["dedicated", "shared"],
        "backups go to media shared with other clients", "backups go to dedicated media"),
    object("plan/backup/schedule", ""),
    longer("plan/backup/schedule/every", "schedule", "backup-interval", "the backup interval",
        "backups are made less often, so more data can be lost", "backups are made more often"),
    value("plan/backup/schedule/at", "schedule at", "backup-time", "the backup time"),
    retention("plan/backup/retention", "retention", "backup-retention", [
        "backups are kept shorter ({new} instead of {old}): older states cannot be restored",
        "backups are kept longer ({new} instead of {old})",
        "the retention of backups is no longer said",
        "backups are kept {new}",
    ]),
    safeguard("plan/backup/offsite", "offsite", "backup-offsite", "the off-site copy of backups"),
    presence("plan/backup/antivirus", "antivirus", "backup-antivirus-reworded", "the malware scan", &How::Text,
        Event::new(Weaker, "backup-antivirus", Say::Plain, Say::T("the malware scan of backups and restores is dropped")),
        Event::new(Stronger, "backup-antivirus", Say::Plain, Say::T("backups and restores are now scanned for malware"))),
    object("plan/backup/restore-test", ""),
    longer("plan/backup/restore-test/every", "restore-test", "restore-test-interval", "the restore test interval",
        "restores are tested less often", "restores are tested more often"),
    presence("plan/backup/deputy", "deputy", "backup-deputy", "the backup's deputy", &How::Value,
        Event::new(Weaker, "backup-deputy", Say::Plain, Say::T("the backup has no deputy any more")),
        Event::new(Stronger, "backup-deputy", Say::Plain, Say::T("the backup now has a deputy"))),
    presence("plan/backup/on-failure", "", "", "", &How::Object,
        Event::new(Weaker, "backup-on-failure", Say::T("{escalate-to}"), Say::T("a failed backup is no longer escalated"))
            .at("on-failure"),
        Event::new(Stronger, "backup-on-failure", Say::T("{escalate-to} within {within}"), Say::T("a failed backup is now escalated"))
            .at("on-failure")),
    value("plan/backup/on-failure/escalate-to", "on-failure escalate-to", "backup-on-failure", "who a failed backup is escalated to"),
    longer("plan/backup/on-failure/within", "on-failure within", "backup-on-failure-time",
        "the time limit for escalating a failed backup", "a failed backup is escalated later", "a failed backup is escalated sooner"),
    list("plan/forbidden", "forbidden action", false, ["forbidden-removed", "forbidden-added", "forbidden-reworded", "forbidden-moved"],
        ["it is no longer forbidden", "it is now forbidden"]),
    text("plan/no-forbidden-actions", "no-forbidden-actions", "no-forbidden-actions", "the reason the plan forbids nothing"),
    keyed("plan/scenario", "id", "scenario {key}",
        Some(Event::new(Stronger, "scenario-added", Say::T("{title}"), Say::T("a new scenario: this kind of emergency is now prepared for"))),
        Some(Event::new(Weaker, "scenario-removed", Say::T("{title}"),
            Say::T("the scenario is removed: its steps, contacts and forbidden actions no longer apply")))),
    text("plan/scenario/title", "title", "scenario-title", "the scenario's title"),
    value("plan/scenario/cause", "cause", "scenario-cause", "the cause"),
    value("plan/scenario/resolver", "resolver", "scenario-resolver", "who resolves the scenario"),
    value("plan/scenario/affects-others", "affects-others", "scenario-affects-others", "whether other clients are affected"),
    summary("plan/scenario/fault-in", "fault-in", "scenario-fault-in", ids, "where the fault lies changed"),
    list("plan/scenario/detect", "detection", false, ["detect-removed", "detect-added", "detect-reworded", "detect-moved"],
        ["the emergency may be noticed later", "the emergency may be noticed sooner"]),
    set("plan/scenario/contacts", "contacts",
        Event::new(Neutral, "scenario-contact-removed", Say::Plain, Say::T("{old} is no longer a contact of this scenario")),
        Event::new(Neutral, "scenario-contact-added", Say::Plain, Say::T("{new} is now a contact of this scenario"))),
    list("plan/scenario/step", "step", true, ["step-removed", "step-added", "step-reworded", "step-moved"],
        ["the work it described is no longer part of the plan", "the plan describes more of the work"]),
    list("plan/scenario/forbidden", "forbidden action", false,
        ["forbidden-removed", "forbidden-added", "forbidden-reworded", "forbidden-moved"],
        ["it is no longer forbidden", "it is now forbidden"]),
    safeguard("plan/scenario/failover", "failover", "scenario-failover", "the failover"),
    keyed("plan/exercise", "kind", "exercise {key}",
        Some(Event::new(Stronger, "exercise-added", Say::T("every {every}"), Say::T("a {key} is planned every {every}"))),
        Some(Event::new(Weaker, "exercise-removed", Say::T("every {every}"), Say::T("the {key} is no longer planned")))),
    longer("plan/exercise/every", "every", "exercise-interval", "the {key} interval",
        "the plan is exercised less often", "the plan is exercised more often"),
    safeguard("plan/exercise/joint", "joint", "exercise-joint", "joint participation of both parties in the {key}"),
    // ---- contacts ----
    value("contact/party", "party", "contact-party", "the contact's party"),
    text("contact/name", "name", "contact-name", "the name"),
    summary("contact/role", "role", "contact-role", joined_lines, "the contact's roles changed"),
    custom("contact/phone|mobile|email", channels),
    presence("contact/deputy", "deputy", "contact-deputy", "the deputy", &How::Value,
        Event::new(Weaker, "contact-deputy", Say::Plain, Say::T("the contact has no deputy any more")),
        Event::new(Stronger, "contact-deputy", Say::Plain, Say::T("the contact now has a deputy"))),
    value("contact/verified", "verified", "contact-verified", "the date the contact data was verified"),
    value("contact/may-approve", "may-approve", "contact-may-approve", "whether the contact may approve plans"),
    custom("contact/key", contact_keys),
    value("contact/github", "github", "contact-github", "the GitHub login"),
    // ---- systems ----
    text("system/name", "name", "system-name", "the name"),
    value("system/side", "side", "system-side", "the side the system runs on"),
    value("system/operator", "operator", "system-operator", "the operator"),
    value("system/owner", "owner", "system-owner", "the owner"),
    object("system/protection", ""),
    level("system/protection/confidentiality", "protection confidentiality", "confidentiality"),
    level("system/protection/integrity", "protection integrity", "integrity"),
    level("system/protection/availability", "protection availability", "availability"),
    longer("system/mtpd", "mtpd", "mtpd", "the maximum tolerable period of disruption of the system",
        "a longer outage is tolerated", "a shorter outage is tolerated"),
    longer("system/rto", "rto", "rto", "the system's recovery time objective (RTO)", "recovery may take longer", "recovery must be faster"),
    longer("system/rpo", "rpo", "rpo", "the system's recovery point objective (RPO)", "more data may be lost", "less data may be lost"),
    summary("system/depends-on", "depends-on", "depends-on", ids, "what the system depends on changed"),
    text("system/description", "description", "description", "the description"),
    ranked("system/infrastructure", "infrastructure", "infrastructure", "the infrastructure", ["dedicated", "shared"],
        "the system now runs on infrastructure shared with other clients", "the system now runs on dedicated infrastructure"),
    value("system/holds-data", "holds-data", "holds-data", "whether the system holds data"),
    value("system/acknowledged", "acknowledged", "acknowledged", "the acknowledgement of the protection needs")
        .show(acknowledgement),
    // ---- interfaces ----
    text("interface/name", "name", "interface-name", "the name"),
    value("interface/type", "type", "interface-type", "the interface type"),
    value("interface/carrier", "carrier", "interface-carrier", "the carrier"),
    value("interface/contacts", "contacts", "interface-contacts", "the interface's contacts").show(interface_contacts),
    object("interface/protection", ""),
    level("interface/protection/confidentiality", "protection confidentiality", "confidentiality"),
    level("interface/protection/integrity", "protection integrity", "integrity"),
    level("interface/protection/availability", "protection availability", "availability"),
    longer("interface/mtpd", "mtpd", "mtpd", "the maximum tolerable period of disruption of the interface",
        "a longer outage is tolerated", "a shorter outage is tolerated"),
    longer("interface/rto", "rto", "rto", "the interface's recovery time objective (RTO)", "recovery may take longer",
        "recovery must be faster"),
    longer("interface/rpo", "rpo", "rpo", "the interface's recovery point objective (RPO)", "more data may be lost",
        "less data may be lost"),
    summary("interface/depends-on", "depends-on", "depends-on", ids, "what the interface depends on changed"),
    text("interface/description", "description", "description", "the description"),
    value("interface/acknowledged", "acknowledged", "acknowledged", "the acknowledgement of the protection needs")
        .show(acknowledgement),
    // ---- contracts ----
    text("contract/title", "title", "contract-title", "the title"),
    value("contract/client", "client", "contract-parties", "the client"),
    value("contract/provider", "provider", "contract-parties", "the provider"),
    keyed("contract/revision", "number", "revision {key}",
        Some(Event::new(Neutral, "revision-added", Say::T("effective {effective}"), Say::T(
            "contract revision {key} is added, effective {effective}: plans pinning an older revision are reviewed against it"))),
        Some(Event::new(Neutral, "revision-removed", Say::T("effective {effective}"), Say::T("contract revision {key} is removed")))),
    value("contract/revision/effective", "effective", "revision-effective", "the date the revision takes effect"),
    text("contract/revision/summary", "summary", "revision-text", "the summary"),
    keyed("contract/revision/sla", "target", "sla {key}",
        Some(Event::new(Stronger, "sla-added", Say::T("{key}"), Say::T("the contract now has service levels for {key}"))),
        Some(Event::new(Weaker, "sla-removed", Say::T("{key}"), Say::T("the contract no longer has service levels for {key}")))),
    longer("contract/revision/sla/rto", "rto", "sla-rto", "the contracted RTO of {key}",
        "the provider promises a slower recovery", "the provider promises a faster recovery"),
    longer("contract/revision/sla/rpo", "rpo", "sla-rpo", "the contracted RPO of {key}",
        "the provider promises less data safety", "the provider promises more data safety"),
    value("contract/revision/sla/availability", "availability", "sla-availability", "the contracted availability"),
    safeguard("contract/revision/sla/redundant", "redundant", "sla-redundant", "contracted redundancy"),
    keyed("contract/revision/sla/response", "category", "response {key}", None, None),
    longer("contract/revision/sla/response/within", "", "sla-response", "the contracted response time for {key}",
        "the provider responds later", "the provider responds sooner"),
    object("contract/revision/sla/backup", "backup"),
    longer("contract/revision/sla/backup/every", "every", "sla-backup-interval", "the contracted backup interval",
        "backups are made less often", "backups are made more often"),
    retention("contract/revision/sla/backup/retention", "retention", "sla-backup-retention", [
        "the contract keeps backups shorter",
        "the contract keeps backups longer",
        "the contract no longer sets how long backups are kept",
        "the contract now sets how long backups are kept",
    ]),
    safeguard("contract/revision/sla/backup/offsite", "offsite", "sla-backup-offsite", "the contracted off-site copy"),
    longer("contract/revision/sla/backup/restore-test", "restore-test", "sla-restore-test",
        "the contracted restore test interval", "restores are tested less often", "restores are tested more often"),
    keyed("contract/revision/exercise", "kind", "exercise {key}", None, None).only("every"),
    longer("contract/revision/exercise/every", "", "sla-exercise", "the contracted {key} interval",
        "the contract requires exercises less often", "the contract requires exercises more often"),
    keyed("contract/revision/exercise", "kind", "exercise {key}", None, None).only("client-participates").both(),
    safeguard("contract/revision/exercise/client-participates", "client-participates", "sla-exercise-joint",
        "the client's contracted participation in the {key}"),
    value("contract/revision/category", "categories", "revision-text", "the incident categories").show(ids_of_items),
    keyed("contract/revision/category", "id", "category {key}", None, None).both().source_order(),
    value("contract/revision/category/type", "type", "category-term", "the category's type"),
    value("contract/revision/category/severity", "severity", "category-term", "the category's severity"),
    value("contract/revision/category/urgency", "urgency", "category-term", "the category's urgency"),
    text("contract/revision/category/description", "description", "category-term", "the category's description"),
    text("contract/revision/escalation", "escalation", "revision-text", "the contract's escalation terms").show(joined_text),
    text("contract/revision/cooperation", "cooperation", "revision-text", "the cooperation terms"),
    text("contract/revision/client-participation", "client-participation", "revision-text", "the client's participation"),
    text("contract/revision/action", "action", "revision-text", "the contract's actions").show(joined_text),
    // ---- exercise records ----
    value("exercise/plan", "plan", "record-changed", "the exercised plan"),
    value("exercise/kind", "kind", "record-changed", "the kind of exercise"),
    value("exercise/date", "date", "record-changed", "the exercise date"),
    value("exercise/result", "result", "record-changed", "the result"),
    value("exercise/scenarios", "scenarios", "record-changed", "the exercised scenarios").show(ids),
    value("exercise/participants", "participants", "record-changed", "the participants").show(ids),
    text("exercise/summary", "summary", "record-changed", "the summary"),
    summary("exercise/finding", "findings", "record-findings", findings, "the exercise's findings changed"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// Every member path of a schema (`plan/backup/retention`), following `$ref`s.
    fn schema_paths(kind: crate::format::Kind) -> BTreeSet<String> {
        fn walk(s: &Value, path: &str, defs: &Value, depth: usize, out: &mut BTreeSet<String>) {
            if depth > 16 {
                return;
            }
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                let name = r.rsplit('/').next().unwrap_or_default();
                return walk(&defs[name], path, defs, depth + 1, out);
            }
            if let Some(items) = s.get("items") {
                walk(items, path, defs, depth + 1, out);
            }
            for (k, v) in s.get("properties").and_then(Value::as_object).into_iter().flatten() {
                let p = format!("{path}/{k}");
                out.insert(p.clone());
                walk(v, &p, defs, depth + 1, out);
            }
            for key in ["oneOf", "anyOf", "allOf"] {
                for x in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                    walk(x, path, defs, depth + 1, out);
                }
            }
        }
        let schema = kind.schema();
        let mut out = BTreeSet::new();
        walk(&schema, kind.name(), &schema["$defs"], 0, &mut out);
        out
    }

    /// Whether a schema path has a row, lies inside a row that compares its whole value, is the
    /// key of a keyed list or an object's id, or is declared neutral or compared elsewhere.
    fn covered(path: &str) -> bool {
        let within = |p: &str| path == p || path.starts_with(&format!("{p}/"));
        if NEUTRAL.iter().any(|p| within(p)) || ELSEWHERE.iter().any(|(p, _)| within(p)) {
            return true;
        }
        if path.matches('/').count() == 1 && path.ends_with("/id") {
            return true; // the identity of a top-level object
        }
        ROWS.iter().any(|r| {
            let (parent, names) = r.split();
            let whole = names.map(|n| format!("{parent}/{n}")).any(|p| within(&p));
            let key = matches!(r.how, How::Keyed { key, .. } if path == format!("{}/{key}", r.path));
            let opaque = !matches!(r.how, How::Keyed { .. } | How::Object | How::Presence { then: How::Object, .. });
            key || (whole && (opaque || r.split().1.any(|n| path == format!("{parent}/{n}"))))
        })
    }

    #[test]
    fn every_schema_field_has_a_row_or_is_declared_neutral() {
        let missing: Vec<String> =
            crate::format::Kind::ALL.into_iter().flat_map(schema_paths).filter(|p| !covered(p)).collect();
        assert!(
            missing.is_empty(),
            "fields without a row in diff/fields.rs (add one, or list them in NEUTRAL): {missing:?}"
        );
    }

    #[test]
    fn every_row_names_a_schema_field() {
        let all: BTreeSet<String> = crate::format::Kind::ALL.into_iter().flat_map(schema_paths).collect();
        let neutral = NEUTRAL.iter().map(|p| p.to_string());
        for path in ROWS
            .iter()
            .flat_map(|r| {
                let (parent, names) = r.split();
                names.map(move |n| format!("{parent}/{n}"))
            })
            .chain(neutral)
        {
            assert!(all.contains(&path), "{path} is not a field of the format");
        }
    }
}
