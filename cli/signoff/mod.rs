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

use std::collections::HashMap;

use crate::context::Context;
use crate::diagnostic::{Diagnostic, FileId, Location, Severity, Span};
use crate::model::{Contact, Located, Model, PartyRole, Plan, Side, SigningKey, Signoff};
use crate::source::Files;
use crate::units::Date;
use statement::{party_word, Statement};

/// Verifies every plan's sign-offs and reports what is missing, stale or invalid.
pub fn check(model: &Model, files: &Files, ctx: &Context, diags: &mut Vec<Diagnostic>) {
    diags.extend(evaluate(model, files, ctx).diagnostics);
    roster::verify_all(model, Some(ctx.as_of), diags);
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
}

impl<'m> Ctx<'m> {
    /// Parties, contacts and their keys; unusable keys are reported to `diags`.
    fn new(model: &'m Model, files: &'m Files, as_of: Option<Date>, diags: &mut Vec<Diagnostic>) -> Ctx<'m> {
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
        };
        for contact in &model.contacts {
            let id = contact.id.value.as_str();
            if let Some(first) = c.contacts.get(id) {
                c.duplicates.entry(id).or_insert_with(|| vec![*first]).push(contact);
            } else {
                c.contacts.insert(id, contact);
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
}

/// Every sign-off record of the model that verifies, whatever version it signs, in model order.
/// For callers that judge other versions than the current one (Git history): a version is
/// approved when valid client and provider sign-offs of its digest exist by different signers
/// with different keys.
pub fn valid_signoffs(model: &Model, files: &Files) -> Vec<ValidSignoff> {
    let c = Ctx::new(model, files, None, &mut Vec::new());
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

/// Every plan's approval state, and the findings.
pub fn evaluate(model: &Model, files: &Files, ctx: &Context) -> Evaluation {
    let mut diags = Vec::new();
    let c = Ctx::new(model, files, Some(ctx.as_of), &mut diags);
    let plans: HashMap<&str, &Located<Plan>> = model.plans.iter().map(|p| (p.id.value.as_str(), p)).collect();
    let mut valid: HashMap<&str, Vec<Valid>> = HashMap::new(); // by plan id
    let mut invalid: HashMap<(&str, Side), Vec<String>> = HashMap::new();
    for record in &model.signoffs {
        if !plans.contains_key(record.plan.value.as_str()) {
            continue; // an unknown or broken plan: reported by the reference check or the plan's own
        }
        match verify(&c, record) {
            Some(Ok(v)) => valid.entry(record.plan.value.as_str()).or_default().push(v),
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
    let file = record.file;
    let sig_span = record.signature.span;
    let resign = format!("contingent sign {} --party {} --as <contact>", record.plan.value, party_word(*record.party));

    // 0. what the verification depends on must be unambiguous
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
        return Some(Err(
            d.help("name exactly one party with role=client and one with role=provider in contingent.kdl")
        ));
    }
    if let Some(all) = c.duplicates.get(record.signer.value.as_str()) {
        let places: Vec<String> = all.iter().map(|d| c.place(d.file, d.head)).collect();
        let mut d = Diagnostic::new(
            &codes::SIG_AMBIGUOUS,
            format!(
                "this sign-off cannot be verified: contact `{}` is defined {} times ({}), so whose keys and party apply is ambiguous; it does not count",
                record.signer.value,
                all.len(),
                places.join(", ")
            ),
        )
        .at(file, record.signer.span)
        .label("which contact?");
        for def in all {
            d = d.with_label(def.file, def.head, format!("{} is defined here", def.id.value));
        }
        return Some(Err(d.help("define each contact once")));
    }
    let fields = Statement {
        plan: record.plan.value.clone(),
        digest: record.digest.value.clone(),
        party: *record.party,
        signer: record.signer.value.clone(),
        date: record.date.value,
        context: record.context_digest.as_ref().map(|c| c.value.clone()),
    };

    // 1. the armour
    let sig = match sshsig::parse_armour(&record.signature.value) {
        Ok(s) => s,
        Err(e) => {
            return Some(Err(Diagnostic::new(&codes::SIG_MALFORMED, format!("the signature cannot be read: {e}"))
                .at(file, sig_span)
                .label("not a valid SSH signature")
                .help(format!("delete this record and sign again: `{resign}`"))));
        }
    };
    // 2. the namespace
    if sig.namespace() != statement::NAMESPACE {
        return Some(Err(Diagnostic::new(
            &codes::SIG_NAMESPACE,
            format!(
                "the signature was made in the SSH signature namespace `{}`, not `{}`: it was not made as a sign-off",
                sig.namespace(),
                statement::NAMESPACE
            ),
        )
        .at(file, sig_span)
        .label(format!("namespace `{}`", sig.namespace()))
        .help(format!("sign with `{resign}`, which signs in the namespace `{}`", statement::NAMESPACE))));
    }
    // 3. the signature over the stored statement
    let stored = &record.statement.value;
    if !sshsig::verifies(&sig, &statement::message(stored)) {
        let from_fields = fields.text();
        if *stored != from_fields && sshsig::verifies(&sig, &fields.message()) {
            return Some(Err(Diagnostic::new(
                &codes::SIG_STATEMENT_EDITED,
                format!(
                    "the statement was edited after signing: the signature verifies over the statement the record's fields give, not over the stored one{}",
                    first_difference(stored, &from_fields)
                ),
            )
            .at(file, record.statement.span)
            .label("not the signed statement")
            .help("restore the statement (it must say what the record's fields say), or sign again")));
        }
        // the records whose statement this very signature was made for (indexed, verified once)
        let made_for = c.by_signature.get(&signature_body(&record.signature.value)).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(other) = made_for.iter().find(|o| !std::ptr::eq(**o, record) && o.statement.value != *stored) {
            return Some(Err(Diagnostic::new(
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
                .help(format!("a signature approves one statement only; sign this plan with `{resign}`"))));
        }
        return Some(Err(Diagnostic::new(
            &codes::SIG_BAD_SIGNATURE,
            format!(
                "the signature does not verify over the statement with the key it names ({}): the signature or the statement was changed after signing",
                sshsig::fingerprint(sig.public_key())
            ),
        )
        .at(file, sig_span)
        .label("bad signature")
        .with_label(file, record.statement.span, "the statement")
        .help(format!("delete this record and sign again: `{resign}`"))));
    }
    // 4. the statement says what the record says
    let signed = match Statement::parse(stored) {
        Ok(s) => s,
        Err(e) => {
            return Some(Err(Diagnostic::new(
                &codes::SIG_STATEMENT_EDITED,
                format!("the signed statement is not a sign-off statement: {e}"),
            )
            .at(file, record.statement.span)
            .label("not a sign-off statement")
            .help(format!("sign with `{resign}`, which writes the statement"))));
        }
    };
    if signed.plan != record.plan.value {
        return Some(Err(Diagnostic::new(
            &codes::SIG_COPIED,
            format!(
                "this signature approves plan `{}`, not `{}`: it was copied from another plan's sign-off",
                signed.plan, record.plan.value
            ),
        )
        .at(file, record.plan.span)
        .label(format!("the signed statement names plan `{}`", signed.plan))
        .with_label(file, record.statement.span, "the signed statement")
        .help(format!("a signature approves one plan version only; sign this plan with `{resign}`"))));
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
        return Some(Err(Diagnostic::new(
            &codes::SIG_MISMATCH,
            format!("this sign-off was edited after signing: {}", what.join("; ")),
        )
        .at(file, *span)
        .label("not what was signed")
        .with_label(file, record.statement.span, "the signed statement")
        .help("restore the record's fields from the statement, or sign again")));
    }
    // 5. whose key
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
            .with_label(k.contact.file, k.entry.key.span, format!("the key of {}", k.contact.id.value)),
            None => Diagnostic::new(
                &codes::SIG_UNLISTED_KEY,
                format!("signed with key {}, which is not listed for {}", sshsig::fingerprint(key), signer.id.value),
            ),
        };
        d = d
            .at(file, sig_span)
            .label(format!("key {}", sshsig::fingerprint(key)))
            .with_label(signer.file, signer.head, format!("the keys of {} are listed here", signer.id.value))
            .help(if owners.is_empty() {
                format!("if this is {}'s key, add it to the contact: key \"{}\"", signer.id.value, sshsig::openssh(key))
            } else {
                format!("each signer signs with their own key: `{resign}`")
            });
        return Some(Err(d));
    }
    let date = record.date.value;
    if !own.iter().any(|k| valid_on(k.entry, date)) {
        let k = own[0];
        let (why, span) = match (&k.entry.valid_after, &k.entry.valid_before) {
            (Some(a), _) if date < a.value => (format!("is valid only from {}", a.value), a.span),
            (_, Some(b)) => (format!("is no longer valid from {}", b.value), b.span),
            _ => ("is not valid".to_string(), k.entry.key.span),
        };
        return Some(Err(Diagnostic::new(
            &codes::SIG_KEY_NOT_VALID,
            format!("signed on {date} with a key of {} ({}) that {why}", signer.id.value, sshsig::fingerprint(key)),
        )
        .at(file, record.date.span)
        .label("outside the key's validity")
        .with_label(k.contact.file, span, "the key's validity")
        .help(format!("sign again with a key of {} that is valid today", signer.id.value))));
    }
    // 6. may the signer approve for this party?
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
        return Some(Err(Diagnostic::new(&codes::SIG_NOT_AUTHORISED, message)
            .at(file, record.signer.span)
            .label("not authorised")
            .with_label(signer.file, signer.head, format!("{} is defined here", signer.id.value))
            .help(format!(
                "a sign-off counts when a contact of {} marked `may-approve #true` signs it",
                c.party_label(*record.party)
            ))));
    }
    // 7. a sign-off cannot be dated after the check date
    if let Some(today) = c.as_of {
        if date > today {
            return Some(Err(Diagnostic::new(
                &codes::SIG_FUTURE,
                format!("this sign-off is dated {date}, after the check date {today}: a sign-off from the future does not count"),
            )
            .at(file, record.date.span)
            .label("in the future")
            .help(format!("sign with today's date: `{resign}`; if the check date is wrong, set it with --as-of"))));
        }
    }
    // 8. version 2: the stored context is the one signed
    let context = match (&signed.context, &record.context) {
        (None, None) => None,
        (None, Some(ctx)) => {
            return Some(Err(Diagnostic::new(
                &codes::SIG_MISMATCH,
                "this sign-off holds a context, but its statement (version 1) binds none: the context was added after signing",
            )
            .at(file, ctx.span)
            .label("not signed")
            .help(format!("remove the context, or sign again: `{resign}`"))));
        }
        (Some(_), None) => {
            return Some(Err(Diagnostic::new(
                &codes::SIG_MISMATCH,
                "this sign-off's statement binds a context, but the record does not hold it: it was removed after signing",
            )
            .at(file, record.statement.span)
            .label("the context is missing")
            .help(format!("restore the record's `context`, or sign again: `{resign}`"))));
        }
        (Some(bound), Some(ctx)) => {
            let parsed: Result<serde_json::Value, String> = serde_json::from_str(&ctx.value).map_err(|e| e.to_string());
            match parsed {
                Ok(v) if context::digest(&v) == *bound => Some((bound.clone(), v)),
                Ok(v) => {
                    return Some(Err(Diagnostic::new(
                        &codes::SIG_MISMATCH,
                        format!(
                            "this sign-off's context was edited after signing: its digest is {}, the statement binds {}",
                            short_digest(&context::digest(&v)),
                            short_digest(bound)
                        ),
                    )
                    .at(file, ctx.span)
                    .label("not the signed context")
                    .help(format!("restore the context, or sign again: `{resign}`"))));
                }
                Err(e) => {
                    return Some(Err(Diagnostic::new(
                        &codes::SIG_MISMATCH,
                        format!("this sign-off's context is not JSON ({e}): it was edited after signing"),
                    )
                    .at(file, ctx.span)
                    .label("not the signed context")
                    .help(format!("restore the context, or sign again: `{resign}`"))));
                }
            }
        }
    };
    Some(Ok(Valid { record, key: fingerprint, context }))
}

/// The base64 body of an armoured signature, blanks and line breaks removed: equal for two
/// copies of one signature however they are laid out.
fn signature_body(armour: &str) -> String {
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
    let id = plan.id.value.as_str();
    let location = Location { file: plan.file, span: plan.head };
    let approval = |v: &Valid| Approval {
        signer: v.record.signer.value.clone(),
        date: v.record.date.value,
        digest: v.record.digest.value.clone(),
        location: Location { file: v.record.file, span: v.record.head },
    };
    // Version 2 sign-offs bind the context too: computed only when one is there.
    let now = records.iter().any(|v| v.context.is_some()).then(|| {
        let v = context::of_plan(c.model, plan);
        (context::digest(&v), v)
    });
    let context_holds =
        |v: &Valid| v.context.as_ref().is_none_or(|(d, _)| now.as_ref().is_some_and(|(current, _)| current == d));
    let current = |side: Side| -> Vec<&Valid> {
        records
            .iter()
            .filter(|v| *v.record.party == side && v.record.digest.value == plan.digest && context_holds(v))
            .collect()
    };
    let (mut cur_client, mut cur_provider) = (current(Side::Client), current(Side::Provider));

    // Rollback: a party's newest sign-off of the current content is older than its sign-off of
    // other content (`sign` replaces a party's records of other versions, so both are there only
    // when old records were restored). The current sign-offs then do not count.
    let mut rolled_back = Vec::new();
    for (side, cur) in [(Side::Client, &mut cur_client), (Side::Provider, &mut cur_provider)] {
        let Some(newest_current) = cur.iter().map(|v| v.record.date.value).max() else { continue };
        let later = records
            .iter()
            .filter(|v| *v.record.party == side && v.record.digest.value != plan.digest)
            .filter(|v| v.record.date.value > newest_current)
            .max_by_key(|v| v.record.date.value);
        if let Some(later) = later {
            diags.push(rollback(
                plan,
                side,
                newest_current,
                &format!(
                    "{} signed other content ({}) for the {} on {} ({})",
                    later.record.signer.value,
                    short_digest(&later.record.digest.value),
                    party_word(side),
                    later.record.date.value,
                    c.place(later.record.file, later.record.head)
                ),
            ));
            rolled_back.push(side);
            cur.clear();
        }
    }

    // Approved: a pair of different people with different keys.
    let pair = cur_client
        .iter()
        .flat_map(|a| cur_provider.iter().map(move |b| (*a, *b)))
        .find(|(a, b)| a.record.signer.value != b.record.signer.value && a.key != b.key);
    let mut problem = None;
    if pair.is_none() && !cur_client.is_empty() && !cur_provider.is_empty() {
        let (a, b) = (cur_client[0], cur_provider[0]);
        let how = if a.key == b.key {
            format!("with the same key {}", a.key)
        } else {
            format!("by the same contact {}", a.record.signer.value)
        };
        let message = format!(
            "plan `{id}`: the client's sign-off ({}) and the provider's sign-off ({}) were made {how}: one person cannot approve for both parties",
            a.record.signer.value, b.record.signer.value
        );
        problem = Some(message.clone());
        diags.push(
            Diagnostic::new(&codes::SIG_SAME_PERSON, message)
                .at(b.record.file, b.record.signer.span)
                .label("the same person as the client's signer")
                .with_label(a.record.file, a.record.signer.span, "the client's signer")
                .help("the plan needs sign-offs by two different people, one of each party, each with their own key")
                .about("plan", id),
        );
    }

    let mut party = |side: Side| -> PartyState {
        let cur = if side == Side::Client { &cur_client } else { &cur_provider };
        let problems = invalid.remove(&(id, side)).unwrap_or_default();
        if !cur.is_empty() {
            return PartyState { state: State::Signed, approvals: cur.iter().map(|v| approval(v)).collect(), problems };
        }
        let mut old: Vec<&Valid> = records.iter().filter(|v| *v.record.party == side).collect();
        old.sort_by_key(|v| std::cmp::Reverse(v.record.date.value));
        if !old.is_empty() {
            return PartyState { state: State::Stale, approvals: old.iter().map(|v| approval(v)).collect(), problems };
        }
        let state = if problems.is_empty() { State::Missing } else { State::Invalid };
        PartyState { state, approvals: Vec::new(), problems }
    };
    let client = party(Side::Client);
    let provider = party(Side::Provider);
    let approved = pair.is_some();

    let lenient = |d: Diagnostic| if ctx.staged || ctx.allow_unsigned { d.severity(Severity::Warning) } else { d };
    // context changed: parties whose newest valid sign-off is of the current content, but binds a
    // context that is no longer current
    let needs = |client: &PartyState, provider: &PartyState| -> Vec<&'static str> {
        [(Side::Client, client), (Side::Provider, provider)]
            .into_iter()
            .filter(|(_, p)| p.state != State::Signed)
            .map(|(s, _)| party_word(s))
            .collect()
    };
    let mut context_changed = Vec::new();
    for (side, p) in [(Side::Client, &client), (Side::Provider, &provider)] {
        if p.state != State::Stale || rolled_back.contains(&side) || p.approvals[0].digest != plan.digest {
            continue;
        }
        let newest = records
            .iter()
            .filter(|v| *v.record.party == side && v.record.digest.value == plan.digest && !context_holds(v))
            .max_by_key(|v| v.record.date.value);
        let (Some(v), Some((_, current))) = (newest, now.as_ref()) else { continue };
        let Some((_, approved)) = &v.context else { continue };
        context_changed.push(side);
        let changes = context::differences(approved, current, 8);
        let who = needs(&client, &provider);
        let commands: Vec<String> = [Side::Client, Side::Provider]
            .into_iter()
            .filter(|s| who.contains(&party_word(*s)))
            .map(|s| c.sign_hint(id, s))
            .collect();
        diags.push(lenient(
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
    // stale: parties whose newest valid sign-off is of older content
    let stale: Vec<(Side, &Approval)> = [(Side::Client, &client), (Side::Provider, &provider)]
        .into_iter()
        .filter(|(s, p)| p.state == State::Stale && !rolled_back.contains(s) && !context_changed.contains(s))
        .map(|(s, p)| (s, &p.approvals[0]))
        .collect();
    if !stale.is_empty() {
        let by: Vec<String> =
            stale.iter().map(|(s, a)| format!("{} ({}) on {}", a.signer, party_word(*s), a.date)).collect();
        let needs: Vec<&str> = [(Side::Client, &client), (Side::Provider, &provider)]
            .into_iter()
            .filter(|(_, p)| p.state != State::Signed)
            .map(|(s, _)| party_word(s))
            .collect();
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
        let commands: Vec<String> = [Side::Client, Side::Provider]
            .into_iter()
            .filter(|s| needs.contains(&party_word(*s)))
            .map(|s| c.sign_hint(id, s))
            .collect();
        diags.push(lenient(
            d.help(format!("review the change (`git diff`), then sign the new version: {}", commands.join("; ")))
                .about("plan", id),
        ));
    }
    // missing: parties without any valid sign-off
    let missing: Vec<(Side, &PartyState)> = [(Side::Client, &client), (Side::Provider, &provider)]
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
        diags.push(lenient(
            Diagnostic::new(
                &codes::SIG_MISSING,
                format!("plan `{id}` is not approved: no valid sign-off by {}{invalid_note}", who.join(" or by ")),
            )
            .at(plan.file, plan.head)
            .label("not approved")
            .help(format!("after review, sign it: {}", approvers.join("; ")))
            .about("plan", id),
        ));
    }
    PlanState { plan: id.to_string(), location, digest: plan.digest.clone(), approved, client, provider, problem }
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

/// Rollback against an earlier, trusted state (`check --changed-since BASE`): for every plan that
/// is approved now, a party's sign-off in `earlier` of other content, dated after the party's
/// newest current sign-off, is `SIG016`.
pub fn rollbacks_since(now: &Evaluation, model: &Model, earlier: &[ValidSignoff], base: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for state in &now.plans {
        let Some(plan) = model.plans.iter().find(|p| p.id.value == state.plan) else { continue };
        for (side, party) in [(Side::Client, &state.client), (Side::Provider, &state.provider)] {
            if party.state != State::Signed {
                continue;
            }
            let Some(newest) = party.approvals.iter().map(|a| a.date).max() else { continue };
            let later = earlier
                .iter()
                .filter(|e| e.plan == state.plan && e.party == side && e.digest != state.digest && e.date > newest)
                .max_by_key(|e| e.date);
            if let Some(e) = later {
                out.push(rollback(
                    plan,
                    side,
                    newest,
                    &format!(
                        "{} signed other content ({}) for the {} on {} in {base}",
                        e.signer,
                        short_digest(&e.digest),
                        party_word(side),
                        e.date
                    ),
                ));
            }
        }
    }
    out
}

/// One key a party trusts for approvals: the approver, the key's fingerprint and its validity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterKey {
    pub contact: String,
    pub fingerprint: String,
    pub valid_after: Option<Date>,
    pub valid_before: Option<Date>,
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
    roster.iter().any(|k| {
        k.contact == v.signer
            && k.fingerprint == v.key
            && k.valid_after.is_none_or(|a| a <= v.date)
            && k.valid_before.is_none_or(|b| v.date < b)
    })
}

/// The rosters a check with a trusted base trusts, per party (client, provider): the base's,
/// or the roster of `model` when it differs from the base's and a roster sign-off of exactly it
/// (its digest) is made by an approver of the base's roster with a key the base trusts on the
/// signing date; then also that sign-off.
pub fn trusted_rosters(model: &Model, base: &Model, as_of: Date) -> [(Vec<RosterKey>, Option<roster::ValidRoster>); 2] {
    let valid = roster::verify_all(model, Some(as_of), &mut Vec::new());
    let before = [roster(base, Side::Client), roster(base, Side::Provider)];
    let now = [roster(model, Side::Client), roster(model, Side::Provider)];
    [0, 1].map(|i| rotate(&before[i], &now[i], if i == 0 { Side::Client } else { Side::Provider }, &valid))
}

/// One step of the chain of rosters: the roster trusted after a change from `before` (trusted) to
/// `now`, for one party. `now` when it equals `before`, or when one of `valid` (roster sign-offs
/// that verify) signs exactly it (its digest) for the party, made by an approver of `before`
/// with a key `before` trusts on the signing date, which is returned beside it; else `before`.
pub fn rotate(
    before: &[RosterKey],
    now: &[RosterKey],
    side: Side,
    valid: &[roster::ValidRoster],
) -> (Vec<RosterKey>, Option<roster::ValidRoster>) {
    if now == before {
        return (before.to_vec(), None);
    }
    let digest = roster::digest(now);
    let approval = valid
        .iter()
        .filter(|r| r.party == side && r.roster == digest)
        .find(|r| {
            before.iter().any(|k| {
                k.contact == r.signer
                    && k.fingerprint == r.key
                    && k.valid_after.is_none_or(|a| a <= r.date)
                    && k.valid_before.is_none_or(|b| r.date < b)
            })
        })
        .cloned();
    match approval {
        Some(a) => (now.to_vec(), Some(a)),
        None => (before.to_vec(), None),
    }
}

/// Verification against a trusted base (`check --changed-since BASE`, `--trust REV`): every valid
/// sign-off made with a key the trusted roster of that party does not trust for that signer on
/// that date is `SIG017` (a change cannot approve itself with keys it adds), and every change of a
/// party's roster that no approver of the base's roster signed (`sign --roster`) is `SIG018`,
/// naming who must approve it. A roster change so approved is trusted ([`trusted_rosters`]).
pub fn against_base(model: &Model, files: &Files, base: &Model, base_name: &str, ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let trusted = trusted_rosters(model, base, ctx.as_of);
    let base_rosters = [roster(base, Side::Client), roster(base, Side::Provider)];
    let rosters = [trusted[0].0.clone(), trusted[1].0.clone()];
    for v in valid_signoffs(model, files) {
        let trusted = &rosters[usize::from(v.party == Side::Provider)];
        if trusts(trusted, &v) {
            continue;
        }
        let approvers: Vec<&str> = trusted.iter().map(|k| k.contact.as_str()).collect();
        out.push(
            Diagnostic::new(
                &codes::SIG_UNTRUSTED,
                format!(
                    "this {} sign-off by {} is made with key {}, which {base_name} does not trust for {} on {}: a change cannot approve itself with a key or approver it adds; it does not count",
                    party_word(v.party),
                    v.signer,
                    v.key,
                    v.signer,
                    v.date
                ),
            )
            .at(v.signature.file, v.signature.span)
            .label("not trusted by the base")
            .help(if approvers.is_empty() {
                format!("{base_name} trusts no approver of the {}", party_word(v.party))
            } else {
                let mut a = approvers.clone();
                a.dedup();
                format!("a sign-off counts here when made by an approver {base_name} lists: {}", a.join(", "))
            })
            .about("plan", &v.plan),
        );
    }
    for side in [Side::Client, Side::Provider] {
        let before = &base_rosters[usize::from(side == Side::Provider)];
        let now = roster(model, side);
        if now == *before || trusted[usize::from(side == Side::Provider)].1.is_some() {
            continue; // unchanged, or approved by the roster before it
        }
        let added: Vec<String> =
            now.iter().filter(|k| !before.contains(k)).map(|k| format!("{} {}", k.contact, k.fingerprint)).collect();
        let removed: Vec<String> =
            before.iter().filter(|k| !now.contains(k)).map(|k| format!("{} {}", k.contact, k.fingerprint)).collect();
        let mut who: Vec<&str> = before.iter().map(|k| k.contact.as_str()).collect();
        who.dedup();
        let mut d = Diagnostic::new(
            &codes::SIG_ROSTER_CHANGED,
            format!(
                "the {}'s approver roster differs from {base_name}: {}{}{}; sign-offs with keys {base_name} does not trust do not count",
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
        if let Some(config) = model.config.as_ref() {
            d = d.at(config.file, Span::default());
        }
        if ctx.staged || ctx.allow_unsigned {
            d = d.severity(Severity::Warning);
        }
        out.push(d);
    }
    out
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
