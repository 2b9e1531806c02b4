//! The file format: the kinds of file a plan repository holds and one JSON Schema per kind.
//!
//! The schemas are written here, once, with small helpers, and are the single source of truth
//! for the KDL-to-JSON mapping too ([`crate::validate::shape`]): whether a node may repeat (an
//! array in the schema), which positional arguments a node takes (`x-kdl-args`), and what a value
//! must look like. `schema/*.schema.json` holds the same schemas as files for other tools; a test
//! fails when those files drift from this module (`CONTINGENT_UPDATE=1 cargo test --test generated`
//! rewrites them).

use serde_json::{json, Map, Value};

/// The kinds of object in a plan repository, each with its own schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Config,
    Contact,
    System,
    Interface,
    Contract,
    Plan,
    Exercise,
    Signoff,
    Roster,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Config,
        Kind::Contact,
        Kind::System,
        Kind::Interface,
        Kind::Contract,
        Kind::Plan,
        Kind::Exercise,
        Kind::Signoff,
        Kind::Roster,
    ];

    /// The schema's name, as in `schema/<name>.schema.json` and `contingent schema <name>`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::Contact => "contact",
            Kind::System => "system",
            Kind::Interface => "interface",
            Kind::Contract => "contract",
            Kind::Plan => "plan",
            Kind::Exercise => "exercise",
            Kind::Signoff => "signoff",
            Kind::Roster => "roster",
        }
    }

    /// The top-level KDL node name of objects of this kind (the config is a whole document).
    pub fn node_name(self) -> Option<&'static str> {
        match self {
            Kind::Config => None,
            k => Some(k.name()),
        }
    }

    pub fn from_node_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.node_name() == Some(name))
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Words used in messages: "a contact", "a system".
    pub fn article(self) -> &'static str {
        match self {
            Kind::Interface | Kind::Exercise => "an",
            _ => "a",
        }
    }

    pub fn schema(self) -> Value {
        let (title, body) = match self {
            Kind::Config => ("repository configuration (contingent.kdl)", config()),
            Kind::Contact => ("contact", contact()),
            Kind::System => ("system", system()),
            Kind::Interface => ("interface", interface()),
            Kind::Contract => ("contract", contract()),
            Kind::Plan => ("plan", plan()),
            Kind::Exercise => ("exercise record", exercise()),
            Kind::Signoff => ("sign-off", signoff()),
            Kind::Roster => ("roster sign-off", roster()),
        };
        let mut schema = Map::new();
        schema.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        schema.insert("$id".into(), json!(format!("https://contingent.dev/schema/v1/{}.schema.json", self.name())));
        schema.insert("title".into(), json!(title));
        let Value::Object(body) = body else { unreachable!("schemas are objects") };
        schema.extend(body);
        schema.insert("$defs".into(), defs());
        Value::Object(schema)
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers. Every property carries a `description`: it is shown in diagnostics and editors.

fn text(desc: &str) -> Value {
    json!({"type": "string", "minLength": 1, "description": desc})
}
fn boolean(desc: &str) -> Value {
    json!({"type": "boolean", "description": desc})
}
fn integer(desc: &str, min: i64) -> Value {
    json!({"type": "integer", "minimum": min, "description": desc})
}
fn def(name: &str, desc: &str) -> Value {
    json!({"$ref": format!("#/$defs/{name}"), "description": desc})
}
fn id(desc: &str) -> Value {
    def("id", desc)
}
fn date(desc: &str) -> Value {
    def("date", desc)
}
fn duration(desc: &str) -> Value {
    def("duration", desc)
}
fn one_of(desc: &str, values: &[&str]) -> Value {
    json!({"type": "string", "enum": values, "description": desc})
}
fn list(desc: &str, items: Value) -> Value {
    json!({"type": "array", "items": items, "minItems": 1, "description": desc})
}
fn ids(desc: &str) -> Value {
    list(desc, json!({"$ref": "#/$defs/id"}))
}
fn texts(desc: &str) -> Value {
    list(desc, json!({"type": "string", "minLength": 1}))
}

/// An object. `args` names the properties that positional KDL arguments fill, in order.
fn object(desc: &str, args: &[&str], required: &[&str], props: Vec<(&str, Value)>) -> Value {
    let mut properties = Map::new();
    for (k, v) in props {
        properties.insert(k.to_string(), v);
    }
    let mut o = json!({
        "type": "object",
        "description": desc,
        "properties": properties,
        "additionalProperties": false,
    });
    if !args.is_empty() {
        o["x-kdl-args"] = json!(args);
    }
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

fn defs() -> Value {
    json!({
        "id": {
            "title": "id",
            "description": "an id: a letter, then letters, digits, '.', '_' or '-' (at most 64)",
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9._-]{0,63}$"
        },
        "date": {
            "title": "date",
            "description": "a calendar date written YYYY-MM-DD, e.g. \"2026-03-31\"",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "format": "date"
        },
        "duration": {
            "title": "duration",
            "description": "a duration: a whole number and a unit m, h, d, w, mo or y, e.g. \"15m\", \"4h\", \"3mo\"",
            "type": "string",
            "pattern": "^(0|[1-9][0-9]{0,5})(m|h|d|w|mo|y)$"
        },
        "level": {
            "title": "protection need",
            "description": "a protection need: normal, high or very-high",
            "type": "string",
            "enum": ["normal", "high", "very-high"]
        },
        "protection": {
            "title": "protection needs",
            "description": "the protection needs of the data and system (confidentiality, integrity, availability)",
            "type": "object",
            "properties": {
                "confidentiality": {"$ref": "#/$defs/level", "description": "protection need for confidentiality"},
                "integrity": {"$ref": "#/$defs/level", "description": "protection need for integrity"},
                "availability": {"$ref": "#/$defs/level", "description": "protection need for availability"}
            },
            "additionalProperties": false
        },
        "acknowledgement": {
            "title": "acknowledgement",
            "description": "who on the provider side acknowledged the protection needs, and when",
            "type": "object",
            "properties": {
                "by": {"$ref": "#/$defs/id", "description": "the provider contact who acknowledged"},
                "date": {"$ref": "#/$defs/date", "description": "when the protection needs were acknowledged"}
            },
            "required": ["by", "date"],
            "additionalProperties": false
        },
        "channel": {
            "title": "channel",
            "description": "a way to reach the contact, with the hours it is answered",
            "type": "object",
            "x-kdl-args": ["value"],
            "properties": {
                "value": {"type": "string", "minLength": 1, "description": "the number or address"},
                "available": {"type": "string", "enum": ["24x7", "business-hours"], "description": "when the channel is answered: \"24x7\" or business-hours"}
            },
            "required": ["value", "available"],
            "additionalProperties": false
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The kinds.

const EXERCISE_KINDS: &[&str] =
    &["plan-review", "walkthrough", "tabletop", "alarm-test", "restore-test", "functional-test", "full-exercise"];

fn config() -> Value {
    object(
        "the repository configuration: parties, file locations, policy parameters",
        &[],
        &["party"],
        vec![
            ("name", text("a name for this plan repository, shown in reports")),
            (
                "party",
                list(
                    "the parties: exactly one client and one provider, plus sub-providers and carriers",
                    object(
                        "a party to the outsourcing arrangement",
                        &["id"],
                        &["id", "role", "name"],
                        vec![
                            ("id", id("the party's id, used by contacts and systems")),
                            ("role", one_of("the party's role", &["client", "provider", "sub-provider", "carrier"])),
                            ("name", text("the party's legal name")),
                        ],
                    ),
                ),
            ),
            (
                "paths",
                object(
                    "where each kind of file lives, relative to contingent.kdl",
                    &[],
                    &[],
                    vec![
                        ("contacts", text("folder of contact files (default \"contacts\")")),
                        ("inventory", text("folder of system and interface files (default \"inventory\")")),
                        ("contracts", text("folder of contract files (default \"contracts\")")),
                        ("plans", text("folder of plan files (default \"plans\")")),
                        ("exercises", text("folder of exercise records (default \"exercises\")")),
                        ("signoffs", text("folder of sign-off records (default \"signoffs\")")),
                    ],
                ),
            ),
            (
                "limits",
                object(
                    "limits that protect the checker",
                    &[],
                    &[],
                    vec![("max-file-size", integer("largest file read, in bytes (default 1048576)", 1))],
                ),
            ),
            (
                "reference-date",
                date("the date date-dependent checks use when neither --as-of nor CONTINGENT_AS_OF is given; for example repositories that must not age"),
            ),
            (
                "policy",
                object(
                    "the organisation's policy parameters",
                    &[],
                    &[],
                    vec![
                        (
                            "exercise-interval",
                            object(
                                "the longest allowed exercise interval per availability need (the highest of the covered systems)",
                                &[],
                                &[],
                                vec![
                                    ("normal", duration("for a normal availability need (default 24mo)")),
                                    ("high", duration("for a high availability need (default 12mo)")),
                                    ("very-high", duration("for a very high availability need (default 6mo)")),
                                ],
                            ),
                        ),
                        ("scenario-cycle", duration("every scenario must be exercised within this period (default 24mo)")),
                        ("contact-max-age", duration("a contact verified longer ago than this is stale (default 6mo)")),
                        ("contact-warning", duration("warn this long before a contact becomes stale (default 30d)")),
                        ("review-grace", duration("time to review a plan after a new contract revision takes effect (default 60d)")),
                        ("revision-notice", duration("announce contract revisions taking effect within this period (default 30d)")),
                    ],
                ),
            ),
            (
                "rule",
                list(
                    "severity overrides for configurable rules",
                    object(
                        "the severity of one rule",
                        &["code"],
                        &["code"],
                        vec![
                            ("code", text("the rule's code, e.g. ESC005, or its name")),
                            ("severity", one_of("the severity", &["error", "warning", "off"])),
                            ("staged", one_of("the severity when the Git index is checked (pre-commit hook)", &["error", "warning", "off"])),
                        ],
                    ),
                ),
            ),
            (
                "waiver",
                list(
                    "exemptions from a rule for one file or object, approved and time-limited",
                    object(
                        "an exemption from one rule",
                        &["rule"],
                        &["rule", "reason", "approved-by", "expires"],
                        vec![
                            ("rule", text("the rule's code")),
                            ("file", text("the file exempted, relative to contingent.kdl")),
                            ("plan", id("the plan exempted")),
                            ("system", id("the system or interface exempted")),
                            ("contact", id("the contact exempted")),
                            ("contract", id("the contract exempted")),
                            ("reason", text("why the exemption is acceptable")),
                            ("approved-by", id("the contact who approved the exemption")),
                            ("expires", date("the last day the waiver applies")),
                        ],
                    ),
                ),
            ),
        ],
    )
}

fn contact() -> Value {
    object(
        "a person or desk that can be reached in an emergency",
        &["id"],
        &["id", "party", "name", "verified"],
        vec![
            ("id", id("the contact's id, e.g. anna.schmidt or rzn-duty-desk")),
            ("party", id("the party the contact belongs to")),
            ("name", text("the person's or desk's name")),
            ("role", texts("the contact's roles, e.g. \"Application owner, payroll\"")),
            ("phone", list("landline numbers", def("channel", "a phone number"))),
            ("mobile", list("mobile numbers", def("channel", "a mobile number"))),
            ("email", list("e-mail addresses", def("channel", "an e-mail address"))),
            ("deputy", id("the contact who stands in when this one is unreachable")),
            ("verified", date("when the contact details were last verified")),
            ("may-approve", boolean("whether the contact may sign off plans for their party")),
            (
                "github",
                json!({
                    "type": "string",
                    "pattern": "^(?=.{1,39}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
                    "description": "the contact's GitHub login (1 to 39 letters, digits and single hyphens, not at either end, no @), for mentions and CODEOWNERS"
                }),
            ),
            (
                "former",
                boolean(
                    "a former contact, kept for the history of past exercise records; refused in plans and escalations",
                ),
            ),
            ("left", date("the day the contact left: from then on a former contact")),
            (
                "key",
                list(
                    "SSH public keys the contact signs with",
                    object(
                        "an SSH public key, as in an authorized_keys line",
                        &["key"],
                        &["key"],
                        vec![
                            ("key", text("the public key, e.g. \"ssh-ed25519 AAAA...\"")),
                            ("valid-after", date("first day the key is valid")),
                            ("valid-before", date("first day the key is no longer valid")),
                        ],
                    ),
                ),
            ),
        ],
    )
}

fn inventory_common(extra: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("name", text("a human-readable name")),
        ("protection", def("protection", "the protection needs (C/I/A)")),
        ("acknowledged", def("acknowledgement", "the provider's acknowledgement of the protection needs")),
        ("mtpd", duration("maximum tolerable period of disruption")),
        ("rto", duration("recovery time objective")),
        ("rpo", duration("recovery point objective (tolerable data loss)")),
        ("depends-on", ids("systems and interfaces this one needs in order to work")),
        ("description", text("free text")),
    ];
    v.extend(extra);
    v
}

fn system() -> Value {
    object(
        "a system (application, server, database) at the client or at the provider",
        &["id"],
        &["id", "name", "side", "operator", "owner"],
        inventory_common(vec![
            ("id", id("the system's id")),
            ("side", one_of("where the system runs", &["client", "provider"])),
            ("operator", id("the party that operates the system")),
            ("owner", id("the application owner, a client contact")),
            (
                "infrastructure",
                one_of("whether the system runs on infrastructure shared with other clients", &["shared", "dedicated"]),
            ),
            ("holds-data", boolean("whether the system stores data that must be backed up")),
        ]),
    )
}

fn interface() -> Value {
    object(
        "an interface between client and provider: network link, router, telecom line",
        &["id"],
        &["id", "name", "type"],
        inventory_common(vec![
            ("id", id("the interface's id")),
            (
                "type",
                one_of("what the interface is", &["network-link", "router", "telecom-line", "vpn", "data-exchange"]),
            ),
            ("carrier", id("the party (carrier) that provides the line, if any")),
            (
                "contacts",
                object(
                    "the named contact on each side of the interface",
                    &[],
                    &[],
                    vec![
                        ("client", id("the client's contact for this interface")),
                        ("provider", id("the provider's contact for this interface")),
                        ("carrier", id("the carrier's contact for this interface")),
                    ],
                ),
            ),
        ]),
    )
}

fn contract() -> Value {
    let sla = object(
        "service levels for one system or interface",
        &["target"],
        &["target"],
        vec![
            ("target", id("the system or interface these terms apply to")),
            ("rto", duration("the recovery time the contract guarantees")),
            ("rpo", duration("the data loss the contract tolerates at most")),
            (
                "availability",
                json!({"type": "string", "pattern": "^[0-9]{1,3}(\\.[0-9]+)?%$", "description": "guaranteed availability, e.g. \"99.5%\""}),
            ),
            ("redundant", boolean("whether the contract requires the target to be redundant")),
            (
                "response",
                list(
                    "response times per incident category",
                    object(
                        "the response time for one incident category",
                        &["category"],
                        &["category", "within"],
                        vec![
                            ("category", id("the incident category")),
                            ("within", duration("the guaranteed response time")),
                        ],
                    ),
                ),
            ),
            (
                "backup",
                object(
                    "the client's backup requirements for the target",
                    &[],
                    &[],
                    vec![
                        ("every", duration("longest interval between two backups")),
                        ("retention", duration("shortest retention")),
                        ("offsite", boolean("whether an off-site copy is required")),
                        ("restore-test", duration("longest interval between restore tests")),
                    ],
                ),
            ),
        ],
    );
    let revision = object(
        "one revision of the contract",
        &["number"],
        &["number", "effective"],
        vec![
            ("number", integer("the revision number, increasing from 1", 1)),
            ("effective", date("the date the revision takes effect")),
            ("summary", text("what changed in this revision")),
            ("sla", list("service levels per system or interface", sla)),
            (
                "exercise",
                list(
                    "exercises the contract requires",
                    object(
                        "a required exercise",
                        &["kind"],
                        &["kind", "every"],
                        vec![
                            ("kind", one_of("the kind of exercise", EXERCISE_KINDS)),
                            ("every", duration("longest interval between two exercises")),
                            ("client-participates", boolean("whether the client takes part")),
                        ],
                    ),
                ),
            ),
            (
                "category",
                list(
                    "incident categories by type, severity and urgency",
                    object(
                        "an incident category",
                        &["id"],
                        &["id"],
                        vec![
                            ("id", id("the category's id")),
                            ("type", text("the type of incident")),
                            ("severity", text("the severity")),
                            ("urgency", text("the urgency")),
                            ("description", text("free text")),
                        ],
                    ),
                ),
            ),
            ("escalation", texts("the contract's escalation levels, in order")),
            ("cooperation", text("the provider's duty to cooperate in emergencies")),
            ("client-participation", text("how the client takes part in the provider's exercises")),
            ("action", texts("actions the contract requires in an emergency")),
        ],
    );
    object(
        "a contract between client and provider, with its revisions",
        &["id"],
        &["id", "title", "client", "provider", "revision"],
        vec![
            ("id", id("the contract's id")),
            ("title", text("the contract's title")),
            ("client", id("the client party")),
            ("provider", id("the provider party")),
            ("revision", list("the revisions, oldest first", revision)),
        ],
    )
}

fn plan() -> Value {
    object(
        "an emergency plan for systems and interfaces",
        &["id"],
        &["id", "title", "covers"],
        vec![
            ("id", id("the plan's id")),
            ("title", text("the plan's title")),
            ("covers", ids("the systems and interfaces the plan covers")),
            (
                "contract",
                object(
                    "the contract and revision the plan implements",
                    &["id"],
                    &["id", "revision"],
                    vec![("id", id("the contract")), ("revision", integer("the revision number", 1))],
                ),
            ),
            (
                "responsible",
                object(
                    "the responsible contacts of both parties",
                    &[],
                    &[],
                    vec![
                        ("client", id("the responsible client contact")),
                        ("provider", id("the responsible provider contact")),
                    ],
                ),
            ),
            (
                "objective",
                list(
                    "recovery objectives the plan commits to, per system or interface",
                    object(
                        "recovery objectives for one system or interface",
                        &["target"],
                        &["target"],
                        vec![
                            ("target", id("the system or interface")),
                            ("rto", duration("recovery time objective")),
                            ("rpo", duration("recovery point objective")),
                        ],
                    ),
                ),
            ),
            (
                "escalation",
                object(
                    "the escalation chain",
                    &[],
                    &[],
                    vec![
                        ("level", list("the levels, in order", plan_level())),
                        ("unreachable", text("what happens when nobody answers")),
                    ],
                ),
            ),
            ("backup", plan_backup()),
            ("forbidden", texts("actions that are explicitly forbidden")),
            ("no-forbidden-actions", text("an explicit statement that nothing is forbidden, with the reason")),
            ("scenario", list("the error situations", plan_scenario())),
            ("exercise", list("the exercise concept", plan_exercise())),
        ],
    )
}

/// One level of the plan's escalation chain.
fn plan_level() -> Value {
    object(
        "one escalation level",
        &["level"],
        &["level", "notify", "within"],
        vec![
            ("level", integer("the level's number, from 1", 1)),
            ("notify", id("the contact notified at this level")),
            ("within", duration("time allowed before escalating further")),
        ],
    )
}

/// A scenario of the plan.
fn plan_scenario() -> Value {
    object(
        "an error situation with its work instructions",
        &["id"],
        &["id"],
        vec![
            ("id", id("the scenario's id, unique within the plan")),
            ("title", text("a short title")),
            ("cause", one_of("the class of cause", &["technical", "application", "interface", "security", "external"])),
            ("affects-others", boolean("whether other applications are affected")),
            ("resolver", one_of("who may resolve it", &["provider", "joint", "client"])),
            ("fault-in", list("where the fault may lie", one_of("a place", &["client", "provider", "interface"]))),
            ("detect", texts("how the situation is detected")),
            ("contacts", ids("client contacts for this scenario")),
            ("step", texts("the work instructions, step by step")),
            ("forbidden", texts("actions forbidden in this scenario")),
            ("failover", boolean("whether the scenario switches to a redundant system")),
        ],
    )
}

/// The plan's backup regulation.
fn plan_backup() -> Value {
    object(
        "the backup regulation",
        &[],
        &[],
        vec![
            ("media", one_of("separate backup media for this client (dedicated) or shared", &["dedicated", "shared"])),
            (
                "schedule",
                object(
                    "how often backups run",
                    &[],
                    &["every"],
                    vec![
                        ("every", duration("interval between backups")),
                        (
                            "at",
                            json!({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "time of day, HH:MM"}),
                        ),
                    ],
                ),
            ),
            ("retention", duration("how long backups are kept")),
            ("offsite", boolean("whether a copy is kept off-site")),
            ("antivirus", text("how backups are scanned for malware")),
            (
                "restore-test",
                object(
                    "how often restores are tested",
                    &[],
                    &["every"],
                    vec![("every", duration("interval between restore tests"))],
                ),
            ),
            ("deputy", id("who runs backups when the responsible person is absent")),
            (
                "on-failure",
                object(
                    "escalation when a backup fails",
                    &[],
                    &["escalate-to", "within"],
                    vec![("escalate-to", id("the contact to escalate to")), ("within", duration("how soon"))],
                ),
            ),
        ],
    )
}

/// A kind of exercise in the plan's exercise concept.
fn plan_exercise() -> Value {
    object(
        "a kind of exercise and how often it is held",
        &["kind"],
        &["kind", "every"],
        vec![
            ("kind", one_of("the kind of exercise", EXERCISE_KINDS)),
            ("every", duration("interval between exercises")),
            ("joint", boolean("whether both parties take part")),
        ],
    )
}

fn exercise() -> Value {
    object(
        "a record of an exercise that was held",
        &["id"],
        &["id", "plan", "kind", "date", "result"],
        vec![
            ("id", id("the record's id")),
            ("plan", id("the plan exercised")),
            ("kind", one_of("the kind of exercise", EXERCISE_KINDS)),
            ("date", date("when the exercise was held")),
            ("scenarios", ids("the scenarios of the plan that were exercised")),
            ("participants", ids("the contacts who took part")),
            ("result", one_of("the outcome", &["passed", "passed-with-findings", "partial", "failed"])),
            ("summary", text("free text")),
            (
                "finding",
                list(
                    "findings, each with an owner and a due date",
                    object(
                        "a finding",
                        &["text"],
                        &["text", "owner", "due", "status"],
                        vec![
                            ("text", text("what was found")),
                            ("owner", id("who must resolve it")),
                            ("due", date("by when")),
                            ("status", one_of("whether it is resolved", &["open", "closed"])),
                        ],
                    ),
                ),
            ),
        ],
    )
}

fn signoff() -> Value {
    object(
        "a signed approval of one plan version by one party",
        &["plan"],
        &["plan", "party", "signer", "date", "digest", "statement", "signature"],
        vec![
            ("plan", id("the plan signed")),
            ("retire", boolean("a retirement: the party approves removing the plan whose last content has `digest` (docs/signoff.md, section 2)")),
            ("party", one_of("the side the signer signs for", &["client", "provider"])),
            ("signer", id("the contact who signed")),
            ("date", date("the signing date")),
            (
                "digest",
                json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "the plan's canonical digest, sha256:<hex>"}),
            ),
            (
                "context-digest",
                json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "version 2: the digest of the context the approval relies on (contacts, systems, contract terms), sha256:<hex>"}),
            ),
            (
                "context",
                text("version 2: the context the approval relies on, as JSON (docs/signoff.md, section 2)"),
            ),
            (
                "statement",
                text("the statement that was signed: the lines naming the plan, digest, party, signer, date and (version 2) context digest (docs/signoff.md)"),
            ),
            ("signature", text("the SSH signature over the statement (armoured SSHSIG block of `ssh-keygen -Y sign`)")),
        ],
    )
}

fn roster() -> Value {
    object(
        "a signed approval of a party's approver roster by an approver of the roster before it",
        &["party"],
        &["party", "signer", "date", "roster", "statement", "signature"],
        vec![
            ("party", one_of("the party whose roster is approved", &["client", "provider"])),
            ("signer", id("the approver who signed (an approver of the party in the roster before the change)")),
            ("date", date("the signing date")),
            (
                "roster",
                json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "the digest of the approved roster, sha256:<hex> (docs/signoff.md, section 9)"}),
            ),
            (
                "version",
                json!({"type": "integer", "minimum": 1, "description": "version 2 statements: the roster's version, one more than the roster it replaces"}),
            ),
            (
                "previous",
                json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "version 2 statements: the digest of the roster it replaces, sha256:<hex>"}),
            ),
            ("statement", text("the statement that was signed: the lines naming the party, (version 2) the version and the roster replaced, the roster digest, the signer and the date (docs/signoff.md)")),
            ("signature", text("the SSH signature over the statement (armoured SSHSIG block of `ssh-keygen -Y sign`)")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Kind::from_node_name("plan"), Some(Kind::Plan));
        assert_eq!(Kind::from_node_name("config"), None);
    }
}
