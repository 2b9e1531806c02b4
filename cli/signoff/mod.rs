//! Sign-off: the canonical digest of a plan, the signed statement, SSH signature verification,
//! and each plan's approval state. docs/signoff.md is the specification; this module implements
//! it.
//!
//! Verification of one record, in order (the first failure is the record's one finding):
//! 1. the armoured signature decodes, canonically (`SIG004`);
//! 2. its namespace is [`statement::NAMESPACE`] (`SIG005`);
//! 3. it verifies over the stored statement with the key it names; if not, over the statement
//!    the record's fields give (`SIG010`), over another record's statement (`SIG012`), else
//!    `SIG003`;
//! 4. the stored statement is well-formed (`SIG010`), names the record's plan (`SIG012`) and
//!    says what the record's fields say (`SIG009`);
//! 5. the key is one of the signer's keys (`SIG006`), valid on the signing date (`SIG007`);
//! 6. the signer may approve, for that party (`SIG008`).
//!
//! A plan is approved when valid client and provider sign-offs of its current digest exist, by
//! different contacts with different keys (`SIG011`); otherwise `SIG002` (stale) or `SIG001`.

pub mod codes;
pub mod context;
pub mod digest;
pub mod record;
pub mod roster;
pub mod ssh_keygen;
pub mod sshsig;
pub mod statement;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::context::Context;
use crate::diagnostic::{Diagnostic, FileId, Location, Severity, Span};
use crate::model::{fold_case, Contact, Located, Model, PartyRole, Plan, Side, SigningKey, Signoff};
use crate::source::Files;
use crate::units::Date;
use ssh_key::SshSig;
use statement::{party_word, Statement};

/// Verifies every plan's sign-offs and reports what is missing, stale or invalid; with a trusted
/// base, also what the change adds that the base does not trust (the one verdict:
/// [`evaluate_with`]).
pub fn check(model: &Model, files: &Files, ctx: &Context, base: Option<&Base>, diags: &mut Vec<Diagnostic>) {
    diags.extend(evaluate_with(model, files, ctx, base).diagnostics);
    roster::verify_all(model, Some(ctx.as_of), diags);
}

/// Every sign-off finding of `model` judged against a trusted base (what [`check`] adds with a
/// base): for a caller that checked the change without one and replaces its `SIG` findings.
pub fn against_base(model: &Model, files: &Files, base: &Base, ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check(model, files, ctx, Some(base), &mut out);
    out
}

/// The trusted base of a check: the current tip of the protected branch (`check --changed-since
/// BASE`, `--trust REV`, `review`, `signoffs --trust`, `handbook --trust`). What it holds decides
/// which keys approve, which records a change adds, and which plans it removes; the check date
/// is the base's too (the caller's clock, never the change's).
pub struct Base<'b> {
    pub model: &'b Model,
    pub files: &'b Files,
    /// How findings name it: "commit 1a2b3c4 (--changed-since main)".
    pub name: String,
    /// Plans the change leaves unreadable (ids recovered from files with errors): not removed,
    /// reported where they break.
    pub broken_plans: HashSet<String>,
}

/// What a check with a base trusts, computed once ([`Trust::new`]).
struct Trust<'b> {
    name: String,
    base: &'b Model,
    files: &'b Files,
    broken_plans: &'b HashSet<String>,
    /// Per party (client, provider): the base's roster, or the change's roster when a version 2
    /// roster record signs it as the next version of the base's roster ([`rotate`]).
    rosters: [Vec<RosterKey>; 2],
    /// The roster record that made the change's roster trusted, per party.
    rotations: [Option<roster::ValidRoster>; 2],
    /// The rosters of the base and of the change, their records and versions.
    chain: RosterChain,
    /// The base's sign-off records by identity (signature body, stored statement): a record of
    /// the change that is not among them is new, and judged as new.
    inherited: HashSet<(String, String)>,
    /// The base's roster records by signature body.
    inherited_rosters: HashSet<String>,
    /// The base's plans: (id, digest).
    contents: HashSet<(&'b str, &'b str)>,
    /// The base's valid sign-offs and retirements: later ones make a restored approval a rollback.
    earlier: Vec<ValidSignoff>,
    /// The check date: a record the change adds is judged by the trusted roster on this day,
    /// whatever date it claims.
    today: Date,
}

impl<'b> Trust<'b> {
    fn new(model: &Model, base: &'b Base<'b>, today: Date) -> Trust<'b> {
        let chain = RosterChain::new(model, base.model, today);
        let [(client, client_record), (provider, provider_record)] = chain.trusted.clone();
        Trust {
            name: base.name.clone(),
            base: base.model,
            files: base.files,
            broken_plans: &base.broken_plans,
            rosters: [client, provider],
            rotations: [client_record, provider_record],
            chain,
            inherited: base
                .model
                .signoffs
                .iter()
                .map(|r| (signature_body(&r.signature.value), r.statement.value.clone()))
                .collect(),
            inherited_rosters: base.model.rosters.iter().map(|r| signature_body(&r.signature.value)).collect(),
            contents: base.model.plans.iter().map(|p| (p.id.value.as_str(), p.digest.as_str())).collect(),
            earlier: valid_signoffs(base.model, base.files),
            today,
        }
    }
}

/// A party's state for one plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A valid sign-off of the current content.
    Signed,
    /// Valid sign-offs, but only of older content.
    Stale,
    /// Sign-off records exist, but none is valid.
    Invalid,
    /// No sign-off record.
    Missing,
}

impl State {
    pub fn word(self) -> &'static str {
        match self {
            State::Signed => "signed",
            State::Stale => "stale",
            State::Invalid => "invalid",
            State::Missing => "missing",
        }
    }
}

/// One sign-off as the state reports it.
#[derive(Clone, Debug)]
pub struct Approval {
    pub signer: String,
    pub date: Date,
    pub digest: String,
    pub location: Location,
}

#[derive(Clone, Debug)]
pub struct PartyState {
    pub state: State,
    /// Signed: the valid sign-offs of the current content. Stale: the valid sign-offs of older
    /// content, newest first. Invalid and missing: empty.
    pub approvals: Vec<Approval>,
    /// Why records of this party are invalid (one line per record).
    pub problems: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct PlanState {
    pub plan: String,
    pub location: Location,
    pub digest: String,
    pub approved: bool,
    pub client: PartyState,
    pub provider: PartyState,
    /// Why a plan signed by both parties is still not approved (the same person signed twice).
    pub problem: Option<String>,
}

pub struct Evaluation {
    /// Every plan that loaded, in model order.
    pub plans: Vec<PlanState>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A contact's usable key.
struct Key<'m> {
    contact: &'m Located<Contact>,
    entry: &'m SigningKey,
    /// Keys are compared by fingerprint (`SHA256:...`), never by their parsed structure.
    fingerprint: String,
}

/// A record that passed every check.
struct Valid<'m> {
    record: &'m Located<Signoff>,
    /// The signing key's fingerprint.
    key: String,
    /// Version 2: the context digest the statement binds, and the context the record holds.
    /// With a base, a version 1 record the base holds binds the base's context of the plan.
    context: Option<(String, serde_json::Value)>,
}

struct Ctx<'m> {
    model: &'m Model,
    files: &'m Files,
    client: Option<&'m str>,
    provider: Option<&'m str>,
    contacts: HashMap<&'m str, &'m Located<Contact>>,
    /// Contact ids defined more than once, with every definition: a sign-off by such an id is
    /// ambiguous and never counts.
    duplicates: HashMap<&'m str, Vec<&'m Located<Contact>>>,
    /// Why the client's and the provider's party cannot be told (none, or several, with the role).
    party_problem: [Option<String>; 2],
    keys: Vec<Key<'m>>,
    /// Keys by fingerprint.
    by_fingerprint: HashMap<String, Vec<usize>>,
    /// For SIG012 (a copied signature is the signature of another record): by the bytes of an
    /// armoured signature that several records carry, the records whose statement it verifies
    /// over.
    by_signature: HashMap<String, Vec<&'m Located<Signoff>>>,
    /// The check date: sign-offs dated after it are reported (`None`: not judged, history).
    as_of: Option<Date>,
    /// Contacts who may approve and have a key, of the client and of the provider.
    approvers: [Vec<&'m str>; 2],
    /// Contact ids and system or interface ids that are defined more than once, also when they
    /// differ only in case: what relies on them is ambiguous.
    ambiguous_ids: HashMap<String, Vec<Location>>,
    /// The trusted base, when the check has one.
    trust: Option<Trust<'m>>,
}

impl<'m> Ctx<'m> {
    /// Parties, contacts and their keys; unusable keys are reported to `diags`.
    fn new(
        model: &'m Model,
        files: &'m Files,
        as_of: Option<Date>,
        base: Option<&'m Base<'m>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Ctx<'m> {
        let role = |r: PartyRole| -> Result<&'m str, String> {
            let word = if r == PartyRole::Client { "client" } else { "provider" };
            let Some(config) = model.config.as_ref() else {
                return Err(format!("contingent.kdl could not be read, so no party with role={word} is known"));
            };
            let all: Vec<&str> = config.party.iter().filter(|p| *p.role == r).map(|p| p.id.value.as_str()).collect();
            match all.as_slice() {
                [one] => Ok(one),
                [] => Err(format!("contingent.kdl names no party with role={word}")),
                many => Err(format!(
                    "contingent.kdl names {} parties with role={word} ({}): which one signs for the {word} is ambiguous",
                    many.len(),
                    many.join(", ")
                )),
            }
        };
        let (client, provider) = (role(PartyRole::Client), role(PartyRole::Provider));
        let mut c = Ctx {
            model,
            files,
            client: client.as_ref().ok().copied(),
            provider: provider.as_ref().ok().copied(),
            contacts: HashMap::new(),
            duplicates: HashMap::new(),
            party_problem: [client.err(), provider.err()],
            keys: Vec::new(),
            by_fingerprint: HashMap::new(),
            by_signature: HashMap::new(),
            as_of,
            approvers: [Vec::new(), Vec::new()],
            ambiguous_ids: HashMap::new(),
            trust: None,
        };
        if let (Some(base), Some(today)) = (base, as_of) {
            c.trust = Some(Trust::new(model, base, today));
        }
        let ids = model.contacts.len() + model.systems.len() + model.interfaces.len();
        let mut folded: HashMap<Cow<'m, str>, Vec<Location>> = HashMap::with_capacity(ids);
        for (id, l) in model
            .contacts
            .iter()
            .map(|c| (&c.id.value, Location { file: c.file, span: c.head }))
            .chain(model.systems.iter().map(|s| (&s.id.value, Location { file: s.file, span: s.head })))
            .chain(model.interfaces.iter().map(|i| (&i.id.value, Location { file: i.file, span: i.head })))
        {
            folded.entry(fold_case(id)).or_default().push(l);
        }
        c.ambiguous_ids = folded.into_iter().filter(|(_, v)| v.len() > 1).map(|(k, v)| (k.into_owned(), v)).collect();
        let mut by_folded: HashMap<Cow<'m, str>, Vec<&'m Located<Contact>>> =
            HashMap::with_capacity(model.contacts.len());
        c.contacts.reserve(model.contacts.len());
        for contact in &model.contacts {
            by_folded.entry(fold_case(&contact.id.value)).or_default().push(contact);
        }
        for contact in &model.contacts {
            let id = contact.id.value.as_str();
            c.contacts.entry(id).or_insert(contact);
            // defined twice, or beside an id that differs only in case: ambiguous
            match by_folded.get(&fold_case(id)) {
                Some(all) if all.len() > 1 => {
                    c.duplicates.insert(id, all.clone());
                }
                _ => {}
            }
            read_keys(contact, &mut c.keys, diags);
            if contact.may_approve && !contact.key.is_empty() {
                for (i, side) in [Side::Client, Side::Provider].into_iter().enumerate() {
                    if c.party_id(side) == Some(contact.party.value.as_str()) {
                        c.approvers[i].push(contact.id.value.as_str());
                    }
                }
            }
        }
        for (i, k) in c.keys.iter().enumerate() {
            c.by_fingerprint.entry(k.fingerprint.clone()).or_default().push(i);
        }
        for r in &model.signoffs {
            c.by_signature.entry(signature_body(&r.signature.value)).or_default().push(r);
        }
        // A signature found in several records was made for (at most) some of their statements:
        // verify it once per distinct statement, and keep the records it was made for.
        for group in c.by_signature.values_mut() {
            if group.len() < 2 {
                group.clear();
                continue;
            }
            let Ok(sig) = sshsig::parse_armour(&group[0].signature.value) else {
                group.clear();
                continue;
            };
            let mut tried = std::collections::HashSet::new();
            group.retain(|r| {
                tried.insert(r.statement.value.as_str())
                    && sshsig::verifies(&sig, &statement::message(&r.statement.value))
            });
        }
        c
    }

    fn party_id(&self, side: Side) -> Option<&'m str> {
        match side {
            Side::Client => self.client,
            Side::Provider => self.provider,
        }
    }
    fn party_label(&self, side: Side) -> String {
        match self.party_id(side) {
            Some(id) => format!("the {} ({id})", party_word(side)),
            None => format!("the {}", party_word(side)),
        }
    }
    /// "`contingent sign PLAN --party P --as FIRST` (or OTHERS)", naming who can sign.
    fn sign_hint(&self, plan: &str, side: Side) -> String {
        let p = party_word(side);
        match self.approvers[usize::from(side == Side::Provider)].split_first() {
            None => format!(
                "`contingent sign {plan} --party {p} --as <contact>` (no {p} contact has `may-approve #true` and a `key` yet)"
            ),
            Some((first, [])) => format!("`contingent sign {plan} --party {p} --as {first}`"),
            Some((first, rest)) => format!("`contingent sign {plan} --party {p} --as {first}` (or {})", rest.join(", ")),
        }
    }

    fn place(&self, file: FileId, span: Span) -> String {
        let f = self.files.get(file);
        let (line, _) = f.line_col(span.start);
        format!("{}:{line}", f.path)
    }
}

/// A sign-off record that verifies: signature, statement, key, validity and signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSignoff {
    pub plan: String,
    pub party: Side,
    pub signer: String,
    pub date: Date,
    pub digest: String,
    /// The signing key's fingerprint, `SHA256:...`.
    pub key: String,
    /// The record's head.
    pub location: Location,
    /// The signature's place.
    pub signature: Location,
    /// Version 2: whether the context the statement binds is the plan's current context in this
    /// model (always true for version 1, and when the plan is not in the model).
    pub context_holds: bool,
    /// Version 2: the digest of the context the statement binds.
    pub context: Option<String>,
    /// A retirement (`contingent-retire-v1`), not an approval of content.
    pub retire: bool,
}

/// Every sign-off record of the model that verifies, whatever version it signs, in model order.
/// For callers that judge other versions than the current one (Git history): a version is
/// approved when valid client and provider sign-offs of its digest exist by different signers
/// with different keys.
pub fn valid_signoffs(model: &Model, files: &Files) -> Vec<ValidSignoff> {
    let c = Ctx::new(model, files, None, None, &mut Vec::new());
    let plans: HashMap<&str, &Located<Plan>> = model.plans.iter().map(|p| (p.id.value.as_str(), p)).collect();
    let mut contexts: HashMap<&str, String> = HashMap::new();
    let mut holds = |plan: &str, bound: &Option<(String, serde_json::Value)>| -> bool {
        let (Some((digest, _)), Some(p)) = (bound, plans.get(plan)) else { return true };
        let now = contexts.entry(p.id.value.as_str()).or_insert_with(|| context::digest(&context::of_plan(model, p)));
        now == digest
    };
    model
        .signoffs
        .iter()
        .filter_map(|r| match verify(&c, r) {
            Some(Ok(v)) => Some(ValidSignoff {
                context_holds: holds(&r.plan.value, &v.context),
                context: v.context.as_ref().map(|(d, _)| d.clone()),
                retire: r.is_retirement(),
                plan: r.plan.value.clone(),
                party: *r.party,
                signer: r.signer.value.clone(),
                date: r.date.value,
                digest: r.digest.value.clone(),
                key: v.key,
                location: Location { file: r.file, span: r.head },
                signature: Location { file: r.file, span: r.signature.span },
            }),
            _ => None,
        })
        .collect()
}

/// Every plan's approval state, and the findings, verified with the repository's own rosters
/// (no trusted base: a change could approve itself; see [`evaluate_with`]).
pub fn evaluate(model: &Model, files: &Files, ctx: &Context) -> Evaluation {
    evaluate_with(model, files, ctx, None)
}

/// The one verdict on every plan: `check` (every source), `review`'s status, `signoffs`,
/// `history`'s current state and the handbook call this, so they agree. With a trusted `base`:
/// a record the change adds must be of the current statement version and is judged by the
/// base's roster (or its signed successor) on the check date, whatever date it claims; a record
/// the base holds is judged as the base judged it; later sign-offs and retirements in the base
/// make restored approvals rollbacks; a plan the base has and the change removes needs a
/// retirement signed by both parties; a changed roster needs a roster record of the next version.
pub fn evaluate_with(model: &Model, files: &Files, ctx: &Context, base: Option<&Base>) -> Evaluation {
    let mut diags = Vec::new();
    let c = Ctx::new(model, files, Some(ctx.as_of), base, &mut diags);
    let plans: HashMap<&str, &Located<Plan>> = model.plans.iter().map(|p| (p.id.value.as_str(), p)).collect();
    let mut valid: HashMap<&str, Vec<Valid>> = HashMap::new(); // by plan id
    let mut retirements: Vec<Valid> = Vec::new();
    let mut invalid: HashMap<(&str, Side), Vec<String>> = HashMap::new();
    // plans with errors: their records are still verified (a forged signature is reported now,
    // not after the plan is fixed), but approve nothing
    let with_errors: HashSet<&str> =
        model.salvaged.as_deref().map_or(HashSet::new(), |m| m.plans.iter().map(|p| p.id.value.as_str()).collect());
    for record in &model.signoffs {
        if !plans.contains_key(record.plan.value.as_str()) && !record.is_retirement() {
            if with_errors.contains(record.plan.value.as_str()) {
                if let Some(Err(d)) = verify(&c, record) {
                    diags.push(d.about("plan", &record.plan.value));
                }
            }
            continue; // an unknown or broken plan: reported by the reference check or the plan's own
        }
        match verify(&c, record) {
            Some(Ok(v)) if record.is_retirement() => retirements.push(v),
            Some(Ok(mut v)) => {
                // with a base, a version 1 record (the base holds it: a change cannot add one)
                // binds what the plan relied on in the base
                if let (None, Some(t), Some(plan)) = (&v.context, &c.trust, plans.get(record.plan.value.as_str())) {
                    let then = t
                        .base
                        .plans
                        .iter()
                        .find(|p| p.id.value == plan.id.value)
                        .map_or(serde_json::Value::Null, |p| context::of_plan(t.base, p));
                    v.context = Some((context::digest(&then), then));
                }
                valid.entry(record.plan.value.as_str()).or_default().push(v)
            }
            Some(Err(d)) => {
                invalid.entry((record.plan.value.as_str(), *record.party)).or_default().push(format!(
                    "{}: {} ({})",
                    d.rule.code,
                    d.message,
                    c.place(record.file, record.head)
                ));
                diags.push(d.about("plan", &record.plan.value));
            }
            None => {}
        }
    }

    let mut states = Vec::new();
    for plan in &model.plans {
        // Every plan of an id (a duplicate is reported by the reference check) is judged by the
        // same records: each is approved only on its own digest, so the original stays approved.
        let records = valid.get(plan.id.value.as_str()).map_or(&[][..], Vec::as_slice);
        states.push(plan_state(&c, ctx, plan, records, &mut invalid, &mut diags));
    }
    if let Some(t) = &c.trust {
        removals(&c, t, &plans, &retirements, ctx, &mut diags);
        roster_changes(&c, t, ctx, &mut diags);
    }
    Evaluation { plans: states, diagnostics: diags }
}

fn read_keys<'m>(contact: &'m Located<Contact>, keys: &mut Vec<Key<'m>>, diags: &mut Vec<Diagnostic>) {
    let mut own: Vec<String> = Vec::new();
    let mut parsed = Vec::new();
    for entry in &contact.key {
        let bad = |message: String, span: Span| {
            Diagnostic::new(&codes::SIG_INVALID_KEY, message).at(contact.file, span).about("contact", &contact.id.value)
        };
        let data = match sshsig::parse_public_key(&entry.key.value) {
            Ok(d) => d,
            Err(e) => {
                diags.push(
                    bad(format!("key of {}: {e}", contact.id.value), entry.key.span)
                        .label("not a usable public key")
                        .help(
                        "copy the whole line of the signer's `.pub` file, e.g. \"ssh-ed25519 AAAAC3Nza... name@host\"",
                    ),
                );
                continue;
            }
        };
        if let (Some(after), Some(before)) = (&entry.valid_after, &entry.valid_before) {
            if after.value >= before.value {
                diags.push(
                    bad(
                        format!(
                            "key of {} is never valid: valid-after {} is not before valid-before {}",
                            contact.id.value, after.value, before.value
                        ),
                        before.span,
                    )
                    .label("no day is left")
                    .help("valid-before is the first day the key is no longer valid"),
                );
                continue;
            }
        }
        parsed.push((entry, data));
    }
    for (entry, data) in &parsed {
        if own.contains(&sshsig::fingerprint(data)) {
            diags.push(
                Diagnostic::new(
                    &codes::SIG_INVALID_KEY,
                    format!("key {} is listed twice for {}", sshsig::fingerprint(data), contact.id.value),
                )
                .at(contact.file, entry.key.span)
                .label("listed again")
                .help("list each key once; give one entry the combined validity dates")
                .about("contact", &contact.id.value),
            );
            continue;
        }
        own.push(sshsig::fingerprint(data));
    }
    let mut seen: Vec<String> = Vec::new();
    for (entry, data) in parsed {
        let fingerprint = sshsig::fingerprint(&data);
        if seen.contains(&fingerprint) {
            continue;
        }
        seen.push(fingerprint.clone());
        keys.push(Key { contact, entry, fingerprint });
    }
}

/// Why a record is invalid, or the valid record. `None` when the record cannot be judged
/// (its signer does not exist: reported by the reference check).
fn verify<'m>(c: &Ctx<'m>, record: &'m Located<Signoff>) -> Option<Result<Valid<'m>, Diagnostic>> {
    let signer = *c.contacts.get(record.signer.value.as_str())?;
    let check = Check {
        c,
        record,
        signer,
        file: record.file,
        sig_span: record.signature.span,
        resign: format!("contingent sign {} --party {} --as <contact>", record.plan.value, party_word(*record.party)),
    };
    Some(check.verified().map_err(|d| *d))
}

/// A step of [`Check::verified`]: what it finds, or the record's problem (boxed: a diagnostic
/// is large beside what the steps return).
type Step<T> = Result<T, Box<Diagnostic>>;

/// The verification of one sign-off record by an existing contact.
struct Check<'c, 'm> {
    c: &'c Ctx<'m>,
    record: &'m Located<Signoff>,
    signer: &'m Located<Contact>,
    file: FileId,
    sig_span: Span,
    /// the command that signs the plan again, for the help texts
    resign: String,
}

impl<'m> Check<'_, 'm> {
    /// The checks in order: the first that fails is the record's problem.
    fn verified(&self) -> Step<Valid<'m>> {
        self.unambiguous()?;
        let sig = self.armour()?;
        self.namespace(&sig)?;
        self.signature_over_statement(&sig)?;
        let signed = self.statement_matches_record()?;
        let fingerprint = self.signers_key(&sig)?;
        self.authorised()?;
        self.not_in_future()?;
        let context = self.context(&signed)?;
        self.trusted_by_base(&signed, &fingerprint)?;
        Ok(Valid { record: self.record, key: fingerprint, context })
    }

    /// The statement the record's fields give.
    fn fields(&self) -> Statement {
        let record = self.record;
        Statement {
            plan: record.plan.value.clone(),
            digest: record.digest.value.clone(),
            party: *record.party,
            signer: record.signer.value.clone(),
            date: record.date.value,
            context: record.context_digest.as_ref().map(|c| c.value.clone()),
            retire: record.is_retirement(),
        }
    }

    /// What the verification depends on must be unambiguous: the party, and the signer.
    fn unambiguous(&self) -> Step<()> {
        let Check { c, record, file, .. } = *self;
        if let Some(problem) = &c.party_problem[usize::from(*record.party == Side::Provider)] {
            let config = c.model.config.as_ref();
            let mut d = Diagnostic::new(
                &codes::SIG_AMBIGUOUS,
                format!("this {} sign-off cannot be verified: {problem}; it does not count", party_word(*record.party)),
            )
            .at(file, record.party.span)
            .label("for which party?");
            if let Some(config) = config {
                let role = if *record.party == Side::Client { PartyRole::Client } else { PartyRole::Provider };
                for p in config.party.iter().filter(|p| *p.role == role) {
                    d = d.with_label(
                        config.file,
                        p.id.span,
                        format!("party {} has role={}", p.id.value, party_word(*record.party)),
                    );
                }
            }
            return Err(d
                .help("name exactly one party with role=client and one with role=provider in contingent.kdl")
                .into());
        }
        if let Some(all) = c.duplicates.get(record.signer.value.as_str()) {
            let exact = all.iter().all(|d| d.id.value == record.signer.value);
            let places: Vec<String> = all
                .iter()
                .map(|d| {
                    let at = c.place(d.file, d.head);
                    if exact {
                        at
                    } else {
                        format!("`{}` at {at}", d.id.value)
                    }
                })
                .collect();
            let how = if exact {
                format!("is defined {} times", all.len())
            } else {
                "shares its id with another contact apart from case".to_string()
            };
            let mut d = Diagnostic::new(
                &codes::SIG_AMBIGUOUS,
                format!(
                    "this sign-off cannot be verified: contact `{}` {how} ({}), so whose keys and party apply is ambiguous; it does not count",
                    record.signer.value,
                    places.join(", ")
                ),
            )
            .at(file, record.signer.span)
            .label("which contact?");
            for def in all {
                d = d.with_label(def.file, def.head, format!("{} is defined here", def.id.value));
            }
            return Err(d.help("define each contact once").into());
        }
        Ok(())
    }

    /// The armour.
    fn armour(&self) -> Step<SshSig> {
        let Check { record, file, sig_span, .. } = *self;
        let resign = self.resign.as_str();
        match sshsig::parse_armour(&record.signature.value) {
            Ok(s) => Ok(s),
            Err(e) => Err(Diagnostic::new(&codes::SIG_MALFORMED, format!("the signature cannot be read: {e}"))
                .at(file, sig_span)
                .label("not a valid SSH signature")
                .help(format!("delete this record and sign again: `{resign}`"))
                .into()),
        }
    }

    /// The namespace.
    fn namespace(&self, sig: &SshSig) -> Step<()> {
        let Check { file, sig_span, .. } = *self;
        let resign = self.resign.as_str();
        if sig.namespace() != statement::NAMESPACE {
            return Err(Diagnostic::new(
                &codes::SIG_NAMESPACE,
                format!(
                    "the signature was made in the SSH signature namespace `{}`, not `{}`: it was not made as a sign-off",
                    sig.namespace(),
                    statement::NAMESPACE
                ),
            )
            .at(file, sig_span)
            .label(format!("namespace `{}`", sig.namespace()))
            .help(format!("sign with `{resign}`, which signs in the namespace `{}`", statement::NAMESPACE)).into());
        }
        Ok(())
    }

    /// The signature over the stored statement.
    fn signature_over_statement(&self, sig: &SshSig) -> Step<()> {
        let Check { c, record, file, sig_span, .. } = *self;
        let resign = self.resign.as_str();
        let stored = &record.statement.value;
        if !sshsig::verifies(sig, &statement::message(stored)) {
            let fields = self.fields();
            let from_fields = fields.text();
            if *stored != from_fields && sshsig::verifies(sig, &fields.message()) {
                return Err(Diagnostic::new(
                    &codes::SIG_STATEMENT_EDITED,
                    format!(
                        "the statement was edited after signing: the signature verifies over the statement the record's fields give, not over the stored one{}",
                        first_difference(stored, &from_fields)
                    ),
                )
                .at(file, record.statement.span)
                .label("not the signed statement")
                .help("restore the statement (it must say what the record's fields say), or sign again").into());
            }
            // the records whose statement this very signature was made for (indexed, verified once)
            let made_for =
                c.by_signature.get(&signature_body(&record.signature.value)).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(other) = made_for.iter().find(|o| !std::ptr::eq(**o, record) && o.statement.value != *stored) {
                return Err(Diagnostic::new(
                        &codes::SIG_COPIED,
                        format!(
                            "this signature was made for another sign-off's statement (plan `{}`, {} {} on {}), not for this one: it was copied",
                            other.plan.value,
                            party_word(*other.party),
                            other.signer.value,
                            other.date.value
                        ),
                    )
                    .at(file, sig_span)
                    .label("copied signature")
                    .with_label(other.file, other.signature.span, "the signature was made for this record")
                    .help(format!("a signature approves one statement only; sign this plan with `{resign}`")).into());
            }
            return Err(Diagnostic::new(
                &codes::SIG_BAD_SIGNATURE,
                format!(
                    "the signature does not verify over the statement with the key it names ({}): the signature or the statement was changed after signing",
                    sshsig::fingerprint(sig.public_key())
                ),
            )
            .at(file, sig_span)
            .label("bad signature")
            .with_label(file, record.statement.span, "the statement")
            .help(format!("delete this record and sign again: `{resign}`")).into());
        }
        Ok(())
    }

    /// The statement says what the record says; the signed statement.
    fn statement_matches_record(&self) -> Step<Statement> {
        let Check { record, file, .. } = *self;
        let resign = self.resign.as_str();
        let signed = match Statement::parse(&record.statement.value) {
            Ok(s) => s,
            Err(e) => {
                return Err(Diagnostic::new(
                    &codes::SIG_STATEMENT_EDITED,
                    format!("the signed statement is not a sign-off statement: {e}"),
                )
                .at(file, record.statement.span)
                .label("not a sign-off statement")
                .help(format!("sign with `{resign}`, which writes the statement"))
                .into());
            }
        };
        if signed.plan != record.plan.value {
            return Err(Diagnostic::new(
                &codes::SIG_COPIED,
                format!(
                    "this signature approves plan `{}`, not `{}`: it was copied from another plan's sign-off",
                    signed.plan, record.plan.value
                ),
            )
            .at(file, record.plan.span)
            .label(format!("the signed statement names plan `{}`", signed.plan))
            .with_label(file, record.statement.span, "the signed statement")
            .help(format!("a signature approves one plan version only; sign this plan with `{resign}`"))
            .into());
        }
        let mut diffs = Vec::new();
        if signed.party != *record.party {
            diffs.push((
                "party",
                party_word(*record.party).to_string(),
                party_word(signed.party).to_string(),
                record.party.span,
            ));
        }
        if signed.signer != record.signer.value {
            diffs.push(("signer", record.signer.value.clone(), signed.signer.clone(), record.signer.span));
        }
        if signed.date != record.date.value {
            diffs.push(("date", record.date.value.to_string(), signed.date.to_string(), record.date.span));
        }
        if signed.digest != record.digest.value {
            diffs.push(("digest", record.digest.value.clone(), signed.digest.clone(), record.digest.span));
        }
        if signed.retire != record.is_retirement() {
            let word = |r: bool| if r { "a retirement" } else { "an approval" };
            let span = record.retire.as_ref().map_or(record.head, |r| r.span);
            diffs.push(("retire", word(record.is_retirement()).to_string(), word(signed.retire).to_string(), span));
        }
        let recorded_context = record.context_digest.as_ref().map(|c| c.value.clone());
        if signed.context != recorded_context {
            let word = |c: &Option<String>| c.clone().unwrap_or_else(|| "absent".to_string());
            let span = record.context_digest.as_ref().map_or(record.head, |c| c.span);
            diffs.push(("context-digest", word(&recorded_context), word(&signed.context), span));
        }
        if let Some((_, _, _, span)) = diffs.first() {
            let what: Vec<String> = diffs
                .iter()
                .map(|(k, rec, st, _)| format!("{k} is {rec} in the record but {st} in the statement"))
                .collect();
            return Err(Diagnostic::new(
                &codes::SIG_MISMATCH,
                format!("this sign-off was edited after signing: {}", what.join("; ")),
            )
            .at(file, *span)
            .label("not what was signed")
            .with_label(file, record.statement.span, "the signed statement")
            .help("restore the record's fields from the statement, or sign again")
            .into());
        }
        Ok(signed)
    }

    /// Whose key: one listed for the signer, valid on the signing date; its fingerprint.
    fn signers_key(&self, sig: &SshSig) -> Step<String> {
        let Check { c, record, signer, file, sig_span, .. } = *self;
        let resign = self.resign.as_str();
        let key = sig.public_key();
        let fingerprint = sshsig::fingerprint(key);
        let owners: Vec<&Key> = c.by_fingerprint.get(&fingerprint).into_iter().flatten().map(|&i| &c.keys[i]).collect();
        let own: Vec<&Key> = owners.iter().copied().filter(|k| std::ptr::eq(k.contact, signer)).collect();
        if own.is_empty() {
            let mut d = match owners.first() {
                Some(k) => Diagnostic::new(
                    &codes::SIG_UNLISTED_KEY,
                    format!(
                        "signed with a key of {} ({}), not with a key listed for {}",
                        k.contact.id.value, k.contact.party.value, signer.id.value
                    ),
                )
                .with_label(
                    k.contact.file,
                    k.entry.key.span,
                    format!("the key of {}", k.contact.id.value),
                ),
                None => Diagnostic::new(
                    &codes::SIG_UNLISTED_KEY,
                    format!(
                        "signed with key {}, which is not listed for {}",
                        sshsig::fingerprint(key),
                        signer.id.value
                    ),
                ),
            };
            d = d
                .at(file, sig_span)
                .label(format!("key {}", sshsig::fingerprint(key)))
                .with_label(signer.file, signer.head, format!("the keys of {} are listed here", signer.id.value))
                .help(if owners.is_empty() {
                    format!(
                        "if this is {}'s key, add it to the contact: key \"{}\"",
                        signer.id.value,
                        sshsig::openssh(key)
                    )
                } else {
                    format!("each signer signs with their own key: `{resign}`")
                });
            return Err(d.into());
        }
        let date = record.date.value;
        if !own.iter().any(|k| valid_on(k.entry, date)) {
            let k = own[0];
            let (why, span) = match (&k.entry.valid_after, &k.entry.valid_before) {
                (Some(a), _) if date < a.value => (format!("is valid only from {}", a.value), a.span),
                (_, Some(b)) => (format!("is no longer valid from {}", b.value), b.span),
                _ => ("is not valid".to_string(), k.entry.key.span),
            };
            return Err(Diagnostic::new(
                &codes::SIG_KEY_NOT_VALID,
                format!("signed on {date} with a key of {} ({}) that {why}", signer.id.value, sshsig::fingerprint(key)),
            )
            .at(file, record.date.span)
            .label("outside the key's validity")
            .with_label(k.contact.file, span, "the key's validity")
            .help(format!("sign again with a key of {} that is valid today", signer.id.value))
            .into());
        }
        Ok(fingerprint)
    }

    /// May the signer approve for this party? Nor could a contact who had left by the
    /// signing date.
    fn authorised(&self) -> Step<()> {
        let Check { c, record, signer, file, .. } = *self;
        let date = record.date.value;
        let wanted = c.party_id(*record.party);
        let wrong_party = wanted.is_some_and(|p| signer.party.value != p);
        if wrong_party || !signer.may_approve {
            let message = if wrong_party {
                format!(
                    "{} is a contact of {}, not of {}: they cannot sign for the {}",
                    signer.id.value,
                    signer.party.value,
                    c.party_label(*record.party),
                    party_word(*record.party)
                )
            } else {
                format!("{} may not approve plans: the contact is not marked `may-approve #true`", signer.id.value)
            };
            return Err(Diagnostic::new(&codes::SIG_NOT_AUTHORISED, message)
                .at(file, record.signer.span)
                .label("not authorised")
                .with_label(signer.file, signer.head, format!("{} is defined here", signer.id.value))
                .help(format!(
                    "a sign-off counts when a contact of {} marked `may-approve #true` signs it",
                    c.party_label(*record.party)
                ))
                .into());
        }
        // 6b. nor could a contact who had left by the signing date
        if signer.is_former_on(date) {
            let since =
                signer.left.as_ref().map_or("is a former contact".to_string(), |l| format!("left on {}", l.value));
            return Err(Diagnostic::new(
                &codes::SIG_NOT_AUTHORISED,
                format!("{} {since} and could not approve on {date}", signer.id.value),
            )
            .at(file, record.signer.span)
            .label("a former contact")
            .with_label(signer.file, signer.left.as_ref().map_or(signer.head, |l| l.span), "left here")
            .help(format!(
                "a sign-off counts when a current contact of {} marked `may-approve #true` signs it",
                c.party_label(*record.party)
            ))
            .into());
        }
        Ok(())
    }

    /// A sign-off cannot be dated after the check date.
    fn not_in_future(&self) -> Step<()> {
        let Check { c, record, file, .. } = *self;
        let resign = self.resign.as_str();
        let date = record.date.value;
        if let Some(today) = c.as_of {
            if date > today {
                return Err(Diagnostic::new(
                    &codes::SIG_FUTURE,
                    format!("this sign-off is dated {date}, after the check date {today}: a sign-off from the future does not count"),
                )
                .at(file, record.date.span)
                .label("in the future")
                .help(format!("sign with today's date: `{resign}`; if the check date is wrong, set it with --as-of")).into());
            }
        }
        Ok(())
    }

    /// Version 2: the stored context is the one signed; the bound digest and the context.
    fn context(&self, signed: &Statement) -> Step<Option<(String, serde_json::Value)>> {
        let Check { record, file, .. } = *self;
        let resign = self.resign.as_str();
        match (&signed.context, &record.context) {
            (None, None) => Ok(None),
            (None, Some(ctx)) => {
                Err(Diagnostic::new(
                    &codes::SIG_MISMATCH,
                    "this sign-off holds a context, but its statement (version 1) binds none: the context was added after signing",
                )
                .at(file, ctx.span)
                .label("not signed")
                .help(format!("remove the context, or sign again: `{resign}`")).into())
            }
            (Some(_), None) => {
                Err(Diagnostic::new(
                    &codes::SIG_MISMATCH,
                    "this sign-off's statement binds a context, but the record does not hold it: it was removed after signing",
                )
                .at(file, record.statement.span)
                .label("the context is missing")
                .help(format!("restore the record's `context`, or sign again: `{resign}`")).into())
            }
            (Some(bound), Some(ctx)) => {
                let parsed: Result<serde_json::Value, String> = serde_json::from_str(&ctx.value).map_err(|e| e.to_string());
                match parsed {
                    Ok(v) if context::digest(&v) == *bound => Ok(Some((bound.clone(), v))),
                    Ok(v) => {
                        Err(Diagnostic::new(
                            &codes::SIG_MISMATCH,
                            format!(
                                "this sign-off's context was edited after signing: its digest is {}, the statement binds {}",
                                short_digest(&context::digest(&v)),
                                short_digest(bound)
                            ),
                        )
                        .at(file, ctx.span)
                        .label("not the signed context")
                        .help(format!("restore the context, or sign again: `{resign}`")).into())
                    }
                    Err(e) => {
                        Err(Diagnostic::new(
                            &codes::SIG_MISMATCH,
                            format!("this sign-off's context is not JSON ({e}): it was edited after signing"),
                        )
                        .at(file, ctx.span)
                        .label("not the signed context")
                        .help(format!("restore the context, or sign again: `{resign}`")).into())
                    }
                }
            }
        }
    }

    /// With a trusted base: a record the change adds is of the current version, and is judged
    /// by the base's roster on the check date, whatever date it claims.
    fn trusted_by_base(&self, signed: &Statement, fingerprint: &str) -> Step<()> {
        let Check { c, record, file, sig_span, .. } = *self;
        let resign = self.resign.as_str();
        let date = record.date.value;
        if let Some(t) = &c.trust {
            // A record the base holds counts as the base judged it only for content the base's plan
            // has: a record of other content (a future version, a plan the base does not have) is
            // judged as one the change adds, since approvals arrive with the change they approve.
            let base_content = t.contents.contains(&(record.plan.value.as_str(), record.digest.value.as_str()));
            let added = !(base_content || signed.retire)
                || !t.inherited.contains(&(signature_body(&record.signature.value), record.statement.value.clone()));
            if added && signed.context.is_none() && !signed.retire {
                return Err(Diagnostic::new(
                    &codes::SIG_OUTDATED,
                    format!(
                        "this {} sign-off is a `{}` statement that {} does not hold: a change can add only `{}` sign-offs (version 1 binds no context); it does not count",
                        party_word(*record.party),
                        statement::HEADER,
                        t.name,
                        statement::HEADER_V2
                    ),
                )
                .at(file, record.statement.span)
                .label("an older statement version")
                .help(format!("sign again, which writes the current version: `{resign}`")).into());
            }
            let when = if added { t.today } else { date };
            let roster = &t.rosters[usize::from(*record.party == Side::Provider)];
            if !trusted_on(roster, &record.signer.value, fingerprint, when) {
                let approvers = roster_names(roster);
                let why = if added && when != date {
                    format!(
                        " (the check date: a sign-off the change adds is judged by the roster {} trusts today, whatever date it claims)",
                        t.name
                    )
                } else {
                    String::new()
                };
                return Err(Diagnostic::new(
                    &codes::SIG_UNTRUSTED,
                    format!(
                        "this {} sign-off by {} is made with key {fingerprint}, which {} does not trust for {} on {when}{why}: a change cannot approve itself with a key or approver it adds, or with a key the base retired or removed; it does not count",
                        party_word(*record.party),
                        record.signer.value,
                        t.name,
                        record.signer.value,
                    ),
                )
                .at(file, sig_span)
                .label("not trusted by the base")
                .help(if approvers.is_empty() {
                    format!("{} trusts no approver of the {}", t.name, party_word(*record.party))
                } else {
                    format!(
                        "a sign-off counts here when made by an approver {} lists, with a key valid today: {}",
                        t.name,
                        approvers.join(", ")
                    )
                }).into());
            }
        }
        Ok(())
    }
}

/// Whether `roster` lists `signer` with the key `fingerprint`, valid on `day`.
fn trusted_on(roster: &[RosterKey], signer: &str, fingerprint: &str, day: Date) -> bool {
    roster.iter().any(|k| k.contact == signer && k.fingerprint == fingerprint && k.valid_on(day))
}

/// The approvers of a roster, each once, in roster order.
fn roster_names(roster: &[RosterKey]) -> Vec<&str> {
    let mut names: Vec<&str> = roster.iter().map(|k| k.contact.as_str()).collect();
    names.dedup();
    names
}

/// The base64 body of an armoured signature, blanks and line breaks removed: equal for two
/// copies of one signature however they are laid out.
pub(crate) fn signature_body(armour: &str) -> String {
    armour.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("-----")).collect::<Vec<_>>().concat()
}

/// Like Git's allowed-signers: valid from `valid-after` (inclusive) until `valid-before`
/// (exclusive: the first day the key is no longer valid).
fn valid_on(k: &SigningKey, date: Date) -> bool {
    k.valid_after.as_ref().is_none_or(|a| a.value <= date) && k.valid_before.as_ref().is_none_or(|b| date < b.value)
}

fn first_difference(stored: &str, expected: &str) -> String {
    for (a, b) in stored.split('\n').zip(expected.split('\n')) {
        if a != b {
            return format!(" (it says `{a}` where the signed statement says `{b}`)");
        }
    }
    String::new()
}

fn plan_state<'m>(
    c: &Ctx<'m>,
    ctx: &Context,
    plan: &'m Located<Plan>,
    records: &[Valid<'m>],
    invalid: &mut HashMap<(&'m str, Side), Vec<String>>,
    diags: &mut Vec<Diagnostic>,
) -> PlanState {
    let p = PlanCheck::new(c, ctx, plan, records);
    let mut current = [p.current(Side::Client), p.current(Side::Provider)];
    let ambiguous = p.ambiguous(&current, diags);
    let rolled_back = p.roll_back(&mut current, diags);
    let [cur_client, cur_provider] = current;
    // Approved: a pair of different people with different keys.
    let pair = if ambiguous.is_some() { None } else { find_pair(c, &cur_client, &cur_provider) };
    let problem = match ambiguous {
        None if pair.is_none() && !cur_client.is_empty() && !cur_provider.is_empty() => {
            Some(p.one_person_for_both(cur_client[0], cur_provider[0], diags))
        }
        problem => problem,
    };
    let client = p.party_state(Side::Client, &cur_client, invalid);
    let provider = p.party_state(Side::Provider, &cur_provider, invalid);
    let context_changed = p.context_changed(&client, &provider, &rolled_back, diags);
    p.stale(&client, &provider, &rolled_back, &context_changed, diags);
    p.missing(&client, &provider, diags);
    let (id, location) = (plan.id.value.to_string(), Location { file: plan.file, span: plan.head });
    PlanState { plan: id, location, digest: plan.digest.clone(), approved: pair.is_some(), client, provider, problem }
}

/// The judgement of one plan's sign-offs: the valid records of the plan, and the context the
/// plan has now.
struct PlanCheck<'a, 'm> {
    c: &'a Ctx<'m>,
    plan: &'m Located<Plan>,
    records: &'a [Valid<'m>],
    /// Version 2 sign-offs bind the context too: computed only when one is there.
    now: Option<(String, serde_json::Value)>,
    /// Findings of missing approvals are warnings (`check --staged`, `--allow-unsigned`).
    lenient: bool,
}

/// The parties that have not signed the current content.
fn needs(client: &PartyState, provider: &PartyState) -> Vec<&'static str> {
    [(Side::Client, client), (Side::Provider, provider)]
        .into_iter()
        .filter(|(_, p)| p.state != State::Signed)
        .map(|(s, _)| party_word(s))
        .collect()
}

fn approval(v: &Valid) -> Approval {
    Approval {
        signer: v.record.signer.value.clone(),
        date: v.record.date.value,
        digest: v.record.digest.value.clone(),
        location: Location { file: v.record.file, span: v.record.head },
    }
}

impl<'a, 'm> PlanCheck<'a, 'm> {
    fn new(c: &'a Ctx<'m>, ctx: &Context, plan: &'m Located<Plan>, records: &'a [Valid<'m>]) -> Self {
        let now = records.iter().any(|v| v.context.is_some()).then(|| {
            let v = context::of_plan(c.model, plan);
            (context::digest(&v), v)
        });
        PlanCheck { c, plan, records, now, lenient: ctx.staged || ctx.allow_unsigned }
    }

    fn lenient(&self, d: Diagnostic) -> Diagnostic {
        if self.lenient {
            d.severity(Severity::Warning)
        } else {
            d
        }
    }

    /// Whether the context a record binds (if any) is the plan's current one.
    fn context_holds(&self, v: &Valid) -> bool {
        v.context.as_ref().is_none_or(|(d, _)| self.now.as_ref().is_some_and(|(current, _)| current == d))
    }

    /// The side's valid sign-offs of the current content and context.
    fn current(&self, side: Side) -> Vec<&'a Valid<'m>> {
        self.records
            .iter()
            .filter(|v| *v.record.party == side && v.record.digest.value == self.plan.digest && self.context_holds(v))
            .collect()
    }

    /// The commands that sign the plan for the parties named.
    fn sign_hints(&self, who: &[&str]) -> Vec<String> {
        [Side::Client, Side::Provider]
            .into_iter()
            .filter(|s| who.contains(&party_word(*s)))
            .map(|s| self.c.sign_hint(&self.plan.id.value, s))
            .collect()
    }

    /// What the approval binds must be unambiguous: a contact, system or interface the plan relies
    /// on that is defined twice (or beside an id that differs only in case) could be read one way
    /// by the context and another by the handbook.
    fn ambiguous(&self, current: &[Vec<&Valid>; 2], diags: &mut Vec<Diagnostic>) -> Option<String> {
        if current.iter().all(Vec::is_empty) {
            return None;
        }
        let d = ambiguous_context(self.c, self.plan)?;
        let message = d.message.clone();
        diags.push(d);
        Some(message)
    }

    /// Rollback: a party's newest sign-off of the current content is older than its sign-off of
    /// other content in the records (`sign` replaces a party's records of other versions, so both
    /// are there only when old records were restored), then older than one the trusted base holds.
    /// The current sign-offs then do not count. Returns the parties rolled back.
    fn roll_back(&self, current: &mut [Vec<&Valid>; 2], diags: &mut Vec<Diagnostic>) -> Vec<Side> {
        let mut rolled_back = Vec::new();
        let in_records = |side, newest| self.later_in_records(side, newest);
        let in_base = |side, newest| self.later_in_base(side, newest);
        for later in [&in_records as &dyn Fn(Side, Date) -> Option<String>, &in_base] {
            for (side, cur) in [Side::Client, Side::Provider].into_iter().zip(current.iter_mut()) {
                let Some(newest_current) = cur.iter().map(|v| v.record.date.value).max() else { continue };
                if let Some(what) = later(side, newest_current) {
                    diags.push(rollback(self.plan, side, newest_current, &what));
                    rolled_back.push(side);
                    cur.clear();
                }
            }
        }
        rolled_back
    }

    /// A later sign-off of other content by the side, among the records.
    fn later_in_records(&self, side: Side, newest_current: Date) -> Option<String> {
        let later = self
            .records
            .iter()
            .filter(|v| *v.record.party == side && v.record.digest.value != self.plan.digest)
            .filter(|v| v.record.date.value > newest_current)
            .max_by_key(|v| v.record.date.value)?;
        Some(format!(
            "{} signed other content ({}) for the {} on {} ({})",
            later.record.signer.value,
            short_digest(&later.record.digest.value),
            party_word(side),
            later.record.date.value,
            self.c.place(later.record.file, later.record.head)
        ))
    }

    /// A later sign-off of other content, or a later retirement of the plan, by the side in the
    /// trusted base.
    fn later_in_base(&self, side: Side, newest_current: Date) -> Option<String> {
        let t = self.c.trust.as_ref()?;
        let e = t
            .earlier
            .iter()
            .filter(|e| e.plan == self.plan.id.value && e.party == side && (e.digest != self.plan.digest || e.retire))
            .filter(|e| e.date > newest_current)
            .max_by_key(|e| e.date)?;
        Some(if e.retire {
            format!("{} signed its retirement for the {} on {} in {}", e.signer, party_word(side), e.date, t.name)
        } else {
            format!(
                "{} signed other content ({}) for the {} on {} in {}",
                e.signer,
                short_digest(&e.digest),
                party_word(side),
                e.date,
                t.name
            )
        })
    }

    /// The client's and the provider's current sign-offs were made by one person (SIG011):
    /// the problem, reported.
    fn one_person_for_both(&self, a: &Valid, b: &Valid, diags: &mut Vec<Diagnostic>) -> String {
        let (c, id) = (self.c, self.plan.id.value.as_str());
        let how = if a.key == b.key {
            format!("with the same key {}", a.key)
        } else if a.record.signer.value == b.record.signer.value {
            format!("by the same contact {}", a.record.signer.value)
        } else {
            format!(
                "by contacts {} and {} that {}",
                a.record.signer.value,
                b.record.signer.value,
                same_person(c, &a.record.signer.value, &b.record.signer.value).unwrap_or_default()
            )
        };
        let message = format!(
            "plan `{id}`: the client's sign-off ({}) and the provider's sign-off ({}) were made {how}: one person cannot approve for both parties",
            a.record.signer.value, b.record.signer.value
        );
        diags.push(
            Diagnostic::new(&codes::SIG_SAME_PERSON, message.clone())
                .at(b.record.file, b.record.signer.span)
                .label("the same person as the client's signer")
                .with_label(a.record.file, a.record.signer.span, "the client's signer")
                .help("the plan needs sign-offs by two different people, one of each party, each with their own key")
                .about("plan", id),
        );
        message
    }

    /// A party's state: signed (current sign-offs), stale (older ones, newest first), invalid or
    /// missing.
    fn party_state(
        &self,
        side: Side,
        cur: &[&Valid],
        invalid: &mut HashMap<(&'m str, Side), Vec<String>>,
    ) -> PartyState {
        let problems = invalid.remove(&(self.plan.id.value.as_str(), side)).unwrap_or_default();
        if !cur.is_empty() {
            return PartyState { state: State::Signed, approvals: cur.iter().map(|v| approval(v)).collect(), problems };
        }
        let mut old: Vec<&Valid> = self.records.iter().filter(|v| *v.record.party == side).collect();
        old.sort_by_key(|v| std::cmp::Reverse(v.record.date.value));
        if !old.is_empty() {
            return PartyState { state: State::Stale, approvals: old.iter().map(|v| approval(v)).collect(), problems };
        }
        let state = if problems.is_empty() { State::Missing } else { State::Invalid };
        PartyState { state, approvals: Vec::new(), problems }
    }

    /// Context changed (SIG019): parties whose newest valid sign-off is of the current content,
    /// but binds a context that is no longer current. Returns those parties.
    fn context_changed(
        &self,
        client: &PartyState,
        provider: &PartyState,
        rolled_back: &[Side],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Side> {
        let (plan, records, id) = (self.plan, self.records, self.plan.id.value.as_str());
        let mut context_changed = Vec::new();
        for (side, p) in [(Side::Client, client), (Side::Provider, provider)] {
            if p.state != State::Stale || rolled_back.contains(&side) || p.approvals[0].digest != plan.digest {
                continue;
            }
            let newest = records
                .iter()
                .filter(|v| *v.record.party == side && v.record.digest.value == plan.digest && !self.context_holds(v))
                .max_by_key(|v| v.record.date.value);
            let (Some(v), Some((_, current))) = (newest, self.now.as_ref()) else { continue };
            let Some((_, approved)) = &v.context else { continue };
            context_changed.push(side);
            let changes = context::differences(approved, current, 8);
            let who = needs(client, provider);
            let commands = self.sign_hints(&who);
            diags.push(self.lenient(
                Diagnostic::new(
                    &codes::SIG_CONTEXT_CHANGED,
                    format!(
                        "plan `{id}` relies on objects that changed since {} ({}) signed it on {}: {}; needs re-approval by the {}",
                        v.record.signer.value,
                        party_word(side),
                        v.record.date.value,
                        changes.join("; "),
                        who.join(" and the ")
                    ),
                )
                .at(plan.file, plan.head)
                .label("what it relies on changed")
                .with_label(
                    v.record.file,
                    v.record.context.as_ref().map_or(v.record.head, |c| c.span),
                    format!("the context {} approved", v.record.signer.value),
                )
                .help(format!(
                    "review what changed (the objects named above), then sign the plan again: {}",
                    commands.join("; ")
                ))
                .about("plan", id),
            ));
        }
        context_changed
    }

    /// Stale (SIG002): parties whose newest valid sign-off is of older content.
    fn stale(
        &self,
        client: &PartyState,
        provider: &PartyState,
        rolled_back: &[Side],
        context_changed: &[Side],
        diags: &mut Vec<Diagnostic>,
    ) {
        let (plan, id) = (self.plan, self.plan.id.value.as_str());
        let stale: Vec<(Side, &Approval)> = [(Side::Client, client), (Side::Provider, provider)]
            .into_iter()
            .filter(|(s, p)| p.state == State::Stale && !rolled_back.contains(s) && !context_changed.contains(s))
            .map(|(s, p)| (s, &p.approvals[0]))
            .collect();
        if !stale.is_empty() {
            let by: Vec<String> =
                stale.iter().map(|(s, a)| format!("{} ({}) on {}", a.signer, party_word(*s), a.date)).collect();
            let needs = needs(client, provider);
            let mut d = Diagnostic::new(
                &codes::SIG_STALE,
                format!(
                    "plan `{id}` changed since it was signed by {}: needs re-approval by the {}",
                    by.join(" and "),
                    needs.join(" and the ")
                ),
            )
            .at(plan.file, plan.head)
            .label(format!("now {}", short_digest(&plan.digest)));
            for (s, a) in &stale {
                d = d.with_label(
                    a.location.file,
                    a.location.span,
                    format!("signed by {} for the {} ({})", a.signer, party_word(*s), short_digest(&a.digest)),
                );
            }
            let commands = self.sign_hints(&needs);
            diags.push(
                self.lenient(
                    d.help(format!(
                        "review the change (`git diff`), then sign the new version: {}",
                        commands.join("; ")
                    ))
                    .about("plan", id),
                ),
            );
        }
    }

    /// Missing (SIG001): parties without any valid sign-off.
    fn missing(&self, client: &PartyState, provider: &PartyState, diags: &mut Vec<Diagnostic>) {
        let (c, plan, id) = (self.c, self.plan, self.plan.id.value.as_str());
        let missing: Vec<(Side, &PartyState)> = [(Side::Client, client), (Side::Provider, provider)]
            .into_iter()
            .filter(|(_, p)| matches!(p.state, State::Missing | State::Invalid))
            .collect();
        if !missing.is_empty() {
            let who: Vec<String> = missing.iter().map(|(s, _)| c.party_label(*s)).collect();
            let invalid_note = if missing.iter().any(|(_, p)| p.state == State::Invalid) {
                " (its sign-off records are invalid, reported on their own)"
            } else {
                ""
            };
            let approvers: Vec<String> = missing.iter().map(|(s, _)| c.sign_hint(id, *s)).collect();
            diags.push(
                self.lenient(
                    Diagnostic::new(
                        &codes::SIG_MISSING,
                        format!(
                            "plan `{id}` is not approved: no valid sign-off by {}{invalid_note}",
                            who.join(" or by ")
                        ),
                    )
                    .at(plan.file, plan.head)
                    .label("not approved")
                    .help(format!("after review, sign it: {}", approvers.join("; ")))
                    .about("plan", id),
                ),
            );
        }
    }
}

/// `SIG016` at the plan: the party's current sign-off (dated `current`) is older than `later`.
fn rollback(plan: &Located<Plan>, side: Side, current: Date, later: &str) -> Diagnostic {
    let id = &plan.id.value;
    Diagnostic::new(
        &codes::SIG_ROLLBACK,
        format!(
            "plan `{id}` was rolled back: the {}'s sign-off of its current content is of {current}, but {later}; an older approval does not count again",
            party_word(side)
        ),
    )
    .at(plan.file, plan.head)
    .label("content signed before a later version")
    .help(format!(
        "if going back to this content is intended, review it and sign it again (`contingent sign {id} --party {} --as <contact>`)",
        party_word(side)
    ))
    .about("plan", id)
}

/// One key a party trusts for approvals: the approver, the key's fingerprint and its validity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterKey {
    pub contact: String,
    pub fingerprint: String,
    pub valid_after: Option<Date>,
    pub valid_before: Option<Date>,
}

impl RosterKey {
    /// Like Git's allowed-signers: valid from `valid-after` (inclusive) until `valid-before`
    /// (exclusive).
    pub fn valid_on(&self, day: Date) -> bool {
        self.valid_after.is_none_or(|a| a <= day) && self.valid_before.is_none_or(|b| day < b)
    }
}

/// A party's approver roster: its contacts with `may-approve #true`, their readable keys and the
/// keys' validity, sorted. Empty when the party cannot be told (none or several with the role):
/// then nothing is trusted.
pub fn roster(model: &Model, side: Side) -> Vec<RosterKey> {
    let role = if side == Side::Client { PartyRole::Client } else { PartyRole::Provider };
    let Some(config) = model.config.as_ref() else { return Vec::new() };
    let parties: Vec<&str> = config.party.iter().filter(|p| *p.role == role).map(|p| p.id.value.as_str()).collect();
    let [party] = parties.as_slice() else { return Vec::new() };
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for c in &model.contacts {
        *ids.entry(c.id.value.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    for contact in model.contacts.iter().filter(|c| c.may_approve && c.party.value == *party) {
        if ids.get(contact.id.value.as_str()) != Some(&1) {
            continue; // an ambiguous contact id is trusted with none of its definitions
        }
        for entry in &contact.key {
            let Ok(data) = sshsig::parse_public_key(&entry.key.value) else { continue };
            out.push(RosterKey {
                contact: contact.id.value.clone(),
                fingerprint: sshsig::fingerprint(&data),
                valid_after: entry.valid_after.as_ref().map(|a| a.value),
                valid_before: entry.valid_before.as_ref().map(|b| b.value),
            });
        }
    }
    out.sort_by(|a, b| (&a.contact, &a.fingerprint).cmp(&(&b.contact, &b.fingerprint)));
    out.dedup();
    out
}

/// Whether a roster trusts a valid sign-off: its signer is on it with the signing key, valid on
/// the signing date.
pub fn trusts(roster: &[RosterKey], v: &ValidSignoff) -> bool {
    trusted_on(roster, &v.signer, &v.key, v.date)
}

/// The rosters a check with a trusted base trusts, per party (client, provider): the base's, or
/// the roster of `model` when a roster record of the next version signs exactly it
/// ([`rotate`]); then also that record. `base_rosters` are the base's valid roster records.
pub fn trusted_rosters(model: &Model, base: &Model, as_of: Date) -> [(Vec<RosterKey>, Option<roster::ValidRoster>); 2] {
    RosterChain::new(model, base, as_of).trusted
}

/// One step of the roster chain against a base, per party (client, provider), computed once: the
/// base's rosters and versions, the change's rosters and valid roster records, and what is trusted.
struct RosterChain {
    base: [Vec<RosterKey>; 2],
    /// The version of each base roster (0: no roster record yet).
    versions: [u64; 2],
    now: [Vec<RosterKey>; 2],
    /// The change's roster records that verify (dated no later than the check date).
    valid: Vec<roster::ValidRoster>,
    /// The roster trusted for the change, and the record that rotated to it.
    trusted: [(Vec<RosterKey>, Option<roster::ValidRoster>); 2],
}

impl RosterChain {
    fn new(model: &Model, base: &Model, today: Date) -> RosterChain {
        let valid = roster::verify_all(model, Some(today), &mut Vec::new());
        let base_valid = roster::verify_all(base, None, &mut Vec::new());
        let sides = [Side::Client, Side::Provider];
        let before = sides.map(|side| roster(base, side));
        let now = sides.map(|side| roster(model, side));
        let versions = [0, 1].map(|i| roster::version_of(&before[i], sides[i], &base_valid));
        let trusted = [0, 1].map(|i| rotate(&before[i], &now[i], sides[i], &valid, Some((versions[i], today))));
        RosterChain { base: before, versions, now, valid, trusted }
    }
}

/// One step of the chain of rosters: the roster trusted after a change from `before` (trusted) to
/// `now`, for one party. `now` when it equals `before`, or when one of `valid` (roster records
/// that verify) is a version 2 record for the party that signs exactly `now` (its digest) as the
/// successor of `before` (its `previous` digest), made by an approver of `before` with a key
/// `before` trusts; that record is returned beside it. Else `before`.
///
/// `chain` is the trusted version of `before` and the check date (a check against a base: the
/// record must be of the next version, and the key is judged on the check date, whatever date
/// the record claims); `None` in history, which judges each record in the commit that adds it,
/// by its date.
pub fn rotate(
    before: &[RosterKey],
    now: &[RosterKey],
    side: Side,
    valid: &[roster::ValidRoster],
    chain: Option<(u64, Date)>,
) -> (Vec<RosterKey>, Option<roster::ValidRoster>) {
    if now == before {
        return (before.to_vec(), None);
    }
    let digest = roster::digest(now);
    let previous = roster::digest(before);
    let approval = valid
        .iter()
        .filter(|r| r.party == side && r.roster == digest)
        .filter(|r| {
            r.chain
                .as_ref()
                .is_some_and(|c| c.previous == previous && chain.is_none_or(|(version, _)| c.version == version + 1))
        })
        .find(|r| trusted_on(before, &r.signer, &r.key, chain.map_or(r.date, |(_, today)| today)))
        .cloned();
    match approval {
        Some(a) => (now.to_vec(), Some(a)),
        None => (before.to_vec(), None),
    }
}

/// `SIG021` for every plan the base has and the change removes without a retirement signed by
/// both parties (two different people, two different keys, the base's trust, the base's digest).
fn removals(
    c: &Ctx,
    t: &Trust,
    plans: &HashMap<&str, &Located<Plan>>,
    retirements: &[Valid],
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen = HashSet::new();
    for p in &t.base.plans {
        let id = p.id.value.as_str();
        if plans.contains_key(id) || t.broken_plans.contains(id) || !seen.insert(id) {
            continue;
        }
        // A retirement counts when the change adds it, and is not older than the party's newest
        // approval of the plan in the base: an old retirement kept in the folder, of a plan
        // restored and approved again since, does not retire it again.
        let newest_approval = |side: Side| {
            t.earlier.iter().filter(|e| e.plan == id && e.party == side && !e.retire).map(|e| e.date).max()
        };
        let of = |side: Side| -> Vec<&Valid> {
            retirements
                .iter()
                .filter(|v| v.record.plan.value == id && *v.record.party == side && v.record.digest.value == p.digest)
                .filter(|v| {
                    !t.inherited
                        .contains(&(signature_body(&v.record.signature.value), v.record.statement.value.clone()))
                })
                .filter(|v| newest_approval(side).is_none_or(|d| v.record.date.value >= d))
                .collect()
        };
        let (client, provider) = (of(Side::Client), of(Side::Provider));
        if find_pair(c, &client, &provider).is_some() {
            continue;
        }
        let missing: Vec<Side> = [(Side::Client, &client), (Side::Provider, &provider)]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(s, _)| s)
            .collect();
        let why = if missing.is_empty() {
            "its retirement is signed by both parties, but by one person or with one key".to_string()
        } else {
            format!(
                "its retirement is not signed by {}",
                missing.iter().map(|s| c.party_label(*s)).collect::<Vec<_>>().join(" or by ")
            )
        };
        let place = format!("{} in {}", t.base_path(p), t.name);
        let commands: Vec<String> = [Side::Client, Side::Provider]
            .into_iter()
            .filter(|s| missing.is_empty() || missing.contains(s))
            .map(|s| {
                let who = c.approvers[usize::from(s == Side::Provider)].first().copied().unwrap_or("<contact>");
                format!("`contingent sign {id} --retire --party {} --as {who}`", party_word(s))
            })
            .collect();
        let mut d = Diagnostic::new(
            &codes::SIG_REMOVED,
            format!("plan `{id}` ({place}) is removed, but {why}: removing a plan needs the approval of both parties"),
        )
        .help(format!(
            "restore the plan, or have both parties sign its retirement (of its content {} in the base) before it is deleted: {}",
            short_digest(&p.digest),
            commands.join("; ")
        ))
        .about("plan", id);
        if let Some(config) = c.model.config.as_ref() {
            d = d.at(config.file, Span::default());
        }
        diags.push(if ctx.staged || ctx.allow_unsigned { d.severity(Severity::Warning) } else { d });
    }
}

impl Trust<'_> {
    fn base_path(&self, p: &Located<Plan>) -> String {
        self.files.get(p.file).path.clone()
    }
}

/// Roster findings against the base: each party whose roster differs from the base's without a
/// roster record of the next version signed by the base's approvers (`SIG018`, saying why a
/// record that is there does not count), and each version 1 roster record the change adds
/// (`SIG020`).
fn roster_changes(c: &Ctx, t: &Trust, ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let lenient = |d: Diagnostic| if ctx.staged || ctx.allow_unsigned { d.severity(Severity::Warning) } else { d };
    let valid = &t.chain.valid;
    for r in valid {
        if r.chain.is_none() && !t.inherited_rosters.contains(&r.signature) {
            diags.push(
                Diagnostic::new(
                    &codes::SIG_OUTDATED,
                    format!(
                        "this {} roster sign-off is a `{}` statement that {} does not hold: it binds no version and no previous roster, so a change can add only `{}` roster sign-offs; it does not count",
                        party_word(r.party),
                        roster::HEADER,
                        t.name,
                        roster::HEADER_V2
                    ),
                )
                .at(r.location.file, r.location.span)
                .label("an older statement version")
                .help(format!("sign the roster again: `contingent sign --roster {} --as <approver>`", party_word(r.party))),
            );
        }
    }
    for (i, side) in [Side::Client, Side::Provider].into_iter().enumerate() {
        let (before, now) = (&t.chain.base[i], &t.chain.now[i]);
        if now == before || t.rotations[i].is_some() {
            continue; // unchanged, or approved as the next version by the roster before it
        }
        let added: Vec<String> =
            now.iter().filter(|k| !before.contains(k)).map(|k| format!("{} {}", k.contact, k.fingerprint)).collect();
        let removed: Vec<String> =
            before.iter().filter(|k| !now.contains(k)).map(|k| format!("{} {}", k.contact, k.fingerprint)).collect();
        let who = roster_names(before);
        // a record of this roster that is there but does not count: say why
        let version = t.chain.versions[i];
        let digest = roster::digest(now);
        let previous = roster::digest(before);
        let record = valid.iter().find(|r| r.party == side && r.roster == digest);
        let why = match record {
            None => String::new(),
            Some(r) => match &r.chain {
                None => " (its roster sign-off is of version 1, which a change cannot add)".to_string(),
                Some(ch) if ch.previous != previous || ch.version != version + 1 => format!(
                    " (its roster sign-off at {} signs it as version {} replacing {}, not as version {} replacing the roster {} trusts ({}): an old or forked roster record does not count)",
                    c.place(r.location.file, r.location.span),
                    ch.version,
                    short_digest(&ch.previous),
                    version + 1,
                    t.name,
                    short_digest(&previous)
                ),
                Some(_) => format!(
                    " (its roster sign-off at {} is by {} with key {}, which {} does not trust for {} today)",
                    c.place(r.location.file, r.location.span),
                    r.signer,
                    r.key,
                    t.name,
                    r.signer
                ),
            },
        };
        let base_name = &t.name;
        let mut d = Diagnostic::new(
            &codes::SIG_ROSTER_CHANGED,
            format!(
                "the {}'s approver roster differs from {base_name}: {}{}{}{why}; sign-offs with keys {base_name} does not trust do not count",
                party_word(side),
                if added.is_empty() { String::new() } else { format!("added or changed {}", added.join(", ")) },
                if added.is_empty() || removed.is_empty() { "" } else { "; " },
                if removed.is_empty() { String::new() } else { format!("removed or changed {}", removed.join(", ")) },
            ),
        )
        .help(if who.is_empty() {
            format!("{base_name} has no approver of the {}: the roster has no root to be approved by", party_word(side))
        } else {
            format!(
                "after review, an approver of the {p} in {base_name} signs the new roster: `contingent sign --roster {p} --as {}`{}",
                who[0],
                if who.len() > 1 { format!(" (or {})", who[1..].join(", ")) } else { String::new() },
                p = party_word(side),
            )
        });
        if let Some(config) = c.model.config.as_ref() {
            d = d.at(config.file, Span::default());
        }
        diags.push(lenient(d));
    }
}

/// The client and provider sign-offs that approve together: two different contacts, two
/// different keys, and not one person under two contacts (the same e-mail address or phone
/// number).
fn find_pair<'a, 'm>(
    c: &Ctx<'m>,
    client: &[&'a Valid<'m>],
    provider: &[&'a Valid<'m>],
) -> Option<(&'a Valid<'m>, &'a Valid<'m>)> {
    client.iter().flat_map(|a| provider.iter().map(move |b| (*a, *b))).find(|(a, b)| {
        a.record.signer.value != b.record.signer.value
            && a.key != b.key
            && same_person(c, &a.record.signer.value, &b.record.signer.value).is_none()
    })
}

/// Why two contacts look like one person: a shared e-mail address or phone number (compared
/// without case, spaces and punctuation).
fn same_person(c: &Ctx, a: &str, b: &str) -> Option<String> {
    let (a, b) = (c.contacts.get(a)?, c.contacts.get(b)?);
    let mail = |x: &Contact| -> Vec<String> { x.email.iter().map(|e| e.value.trim().to_lowercase()).collect() };
    let phone = |x: &Contact| -> Vec<String> {
        x.phone
            .iter()
            .chain(&x.mobile)
            .map(|p| {
                let digits: String = p.value.chars().filter(char::is_ascii_digit).collect();
                // +49 30 … and 0049 30 … are one number
                digits.strip_prefix("00").map(str::to_string).unwrap_or(digits)
            })
            .filter(|d| d.len() >= 5)
            .collect()
    };
    if let Some(m) = mail(a).into_iter().find(|m| mail(b).contains(m)) {
        return Some(format!("share the e-mail address {m}"));
    }
    let theirs = phone(b);
    let shared = a.phone.iter().chain(&a.mobile).zip(phone(a)).find(|(_, d)| theirs.contains(d));
    shared.map(|(p, _)| format!("share the phone number {}", p.value))
}

/// `SIG014` at the plan when an id it relies on (contacts and their deputies, covered systems and
/// interfaces) is defined more than once, or beside an id that differs only in case.
fn ambiguous_context(c: &Ctx, plan: &Located<Plan>) -> Option<Diagnostic> {
    let mut ids: Vec<String> = context::contacts_named(c.model, plan).into_iter().collect();
    ids.extend(plan.covers.iter().map(|x| x.value.clone()));
    ids.extend(plan.objective.iter().map(|o| o.target.value.clone()));
    let mut found: Vec<(&String, &Vec<Location>)> =
        ids.iter().filter_map(|id| c.ambiguous_ids.get(&id.to_lowercase()).map(|l| (id, l))).collect();
    found.sort();
    found.dedup_by(|a, b| a.0.to_lowercase() == b.0.to_lowercase());
    found.first()?;
    let names: Vec<String> = found
        .iter()
        .map(|(id, places)| {
            let at: Vec<String> = places.iter().map(|l| c.place(l.file, l.span)).collect();
            format!("`{id}` ({})", at.join(", "))
        })
        .collect();
    let id = &plan.id.value;
    let mut d = Diagnostic::new(
        &codes::SIG_AMBIGUOUS,
        format!(
            "plan `{id}` relies on {} defined more than once (or beside an id that differs only in case): which definition its approval binds, and which one the provider's staff read, is ambiguous; it is not approved",
            names.join(", ")
        ),
    )
    .at(plan.file, plan.head)
    .label("relies on an ambiguous id");
    for (_, places) in &found {
        for l in places.iter() {
            d = d.with_label(l.file, l.span, "defined here");
        }
    }
    Some(d.help("define each contact, system and interface once, under an id of its own").about("plan", id))
}

/// `sha256:0123abcd…`, for labels.
pub fn short_digest(d: &str) -> String {
    d.get(..15).map(|s| format!("{s}…")).unwrap_or_else(|| d.to_string())
}

/// An OpenSSH allowed-signers file for `ssh-keygen -Y verify`, built from the contacts as
/// docs/signoff.md describes: one line per readable key of every contact who may approve, the
/// contact id as principal, restricted to the sign-off namespace, with the key's validity dates
/// as midnight UTC. Verify with `-Overify-time=YYYYMMDD1200Z` (noon of the signing date): then
/// `ssh-keygen` accepts a key exactly on the days `contingent` does.
pub fn allowed_signers(model: &Model) -> String {
    let mut out = String::new();
    for contact in model.contacts.iter().filter(|c| c.may_approve) {
        for entry in &contact.key {
            let Ok(data) = sshsig::parse_public_key(&entry.key.value) else { continue };
            let mut options = format!("namespaces=\"{}\"", statement::NAMESPACE);
            if let Some(a) = &entry.valid_after {
                options.push_str(&format!(",valid-after=\"{}Z\"", compact(a.value)));
            }
            if let Some(b) = &entry.valid_before {
                options.push_str(&format!(",valid-before=\"{}Z\"", compact(b.value)));
            }
            out.push_str(&format!("{} {options} {}\n", contact.id.value, sshsig::openssh(&data)));
        }
    }
    out
}

/// `YYYYMMDD`, as `ssh-keygen` writes dates.
pub fn compact(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}
