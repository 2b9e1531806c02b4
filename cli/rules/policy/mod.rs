//! The M 6.83 policy rules over the typed model. Each check is a pure function of the model and
//! the check date; findings carry the object they are about (`subject`) so waivers can match them.

mod codes;
pub mod words;
pub use codes::*;
use words::normalise;

use std::collections::{HashMap, HashSet};

use crate::context::Context;
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::format::Kind;
use crate::model::{
    Acknowledgement, Cause, Contact, ExerciseRecord, Infrastructure, Interface, Level, Located, Media, Model,
    Outcome, PartyRole, Plan, Policy, Protection, Resolver, Spanned, System,
};
use crate::units::Duration;

/// A system or an interface: what plans cover.
#[derive(Clone, Copy)]
pub enum Inventory<'m> {
    System(&'m Located<System>),
    Interface(&'m Located<Interface>),
}

impl<'m> Inventory<'m> {
    pub fn id(&self) -> &'m Spanned<String> {
        match self {
            Inventory::System(s) => &s.id,
            Inventory::Interface(i) => &i.id,
        }
    }
    pub fn file(&self) -> FileId {
        match self {
            Inventory::System(s) => s.file,
            Inventory::Interface(i) => i.file,
        }
    }
    pub fn head(&self) -> Span {
        match self {
            Inventory::System(s) => s.head,
            Inventory::Interface(i) => i.head,
        }
    }
    pub fn word(&self) -> &'static str {
        match self {
            Inventory::System(_) => "system",
            Inventory::Interface(_) => "interface",
        }
    }
    pub fn protection(&self) -> Option<&'m Spanned<Protection>> {
        match self {
            Inventory::System(s) => s.protection.as_ref(),
            Inventory::Interface(i) => i.protection.as_ref(),
        }
    }
    pub fn acknowledged(&self) -> Option<&'m Spanned<Acknowledgement>> {
        match self {
            Inventory::System(s) => s.acknowledged.as_ref(),
            Inventory::Interface(i) => i.acknowledged.as_ref(),
        }
    }
    pub fn mtpd(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.mtpd.as_ref(),
            Inventory::Interface(i) => i.mtpd.as_ref(),
        }
    }
    pub fn rto(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.rto.as_ref(),
            Inventory::Interface(i) => i.rto.as_ref(),
        }
    }
    pub fn rpo(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.rpo.as_ref(),
            Inventory::Interface(i) => i.rpo.as_ref(),
        }
    }
    pub fn holds_data(&self) -> bool {
        matches!(self, Inventory::System(s) if s.holds_data == Some(true))
    }
    /// The stated availability need: what emergency exercises protect.
    pub fn availability(&self) -> Option<Level> {
        self.protection()?.availability.as_ref().map(|l| l.value)
    }
}

/// Lookups the rules share.
pub struct Facts<'m> {
    pub model: &'m Model,
    pub roles: HashMap<&'m str, PartyRole>,
    pub contacts: HashMap<&'m str, &'m Located<Contact>>,
    pub inventory: HashMap<&'m str, Inventory<'m>>,
    /// The configuration's policy parameters (defaults without a configuration).
    pub policy: Policy,
    /// Exercise records by the plan they record, in model order.
    pub exercises: HashMap<&'m str, Vec<&'m Located<ExerciseRecord>>>,
    /// Exercise records with errors in some of their parts (`Model::salvaged`): they count as
    /// held, but what they say is not judged.
    pub partial: HashSet<&'m str>,
}

impl<'m> Facts<'m> {
    pub fn new(model: &'m Model) -> Facts<'m> {
        let roles = model
            .config
            .as_ref()
            .map(|c| c.party.iter().map(|p| (p.id.value.as_str(), p.role.value)).collect())
            .unwrap_or_default();
        let contacts = model.contacts.iter().map(|c| (c.id.value.as_str(), c)).collect();
        let mut inventory: HashMap<&str, Inventory> = HashMap::new();
        for s in &model.systems {
            inventory.insert(&s.id.value, Inventory::System(s));
        }
        for i in &model.interfaces {
            inventory.insert(&i.id.value, Inventory::Interface(i));
        }
        let mut exercises: HashMap<&str, Vec<&Located<ExerciseRecord>>> = HashMap::new();
        let mut partial = HashSet::new();
        // A record with an error in one of its parts (a finding without an owner) was held all
        // the same: it counts, and only what it says beyond that is not judged.
        let salvaged = model.salvaged.as_deref().map_or(&[][..], |m| m.exercises.as_slice());
        for e in model.exercises.iter().chain(salvaged) {
            exercises.entry(e.plan.value.as_str()).or_default().push(e);
        }
        for e in salvaged {
            partial.insert(e.id.value.as_str());
        }
        let policy = model.config.as_ref().map(|c| c.policy.clone()).unwrap_or_default();
        Facts { model, roles, contacts, inventory, policy, exercises, partial }
    }

    /// The role of the party a contact belongs to.
    pub fn role_of(&self, contact: &str) -> Option<PartyRole> {
        self.contacts.get(contact).and_then(|c| self.roles.get(c.party.value.as_str()).copied())
    }

    pub fn covered(&self, plan: &'m Plan) -> Vec<Inventory<'m>> {
        plan.covers.iter().filter_map(|c| self.inventory.get(c.value.as_str()).copied()).collect()
    }
}

fn role_word(r: PartyRole) -> &'static str {
    match r {
        PartyRole::Client => "client",
        PartyRole::Provider => "provider",
        PartyRole::SubProvider => "sub-provider",
        PartyRole::Carrier => "carrier",
    }
}

fn has_channel(c: &Contact) -> bool {
    !(c.phone.is_empty() && c.mobile.is_empty() && c.email.is_empty())
}

/// Runs every policy rule. `broken` lists the objects that failed validation: what depends on them
/// is not judged (a broken plan may cover what looks uncovered; a broken contact may be the
/// party's 24x7 contact).
pub fn check(model: &Model, broken: &HashSet<(Kind, String)>, ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let facts = Facts::new(model);
    let plans_broken = broken.iter().any(|(k, _)| *k == Kind::Plan);
    let contacts_broken = broken.iter().any(|(k, _)| *k == Kind::Contact);
    coverage(&facts, plans_broken, diags);
    contacts(&facts, ctx.as_of, diags);
    let relied: HashSet<&str> = relied_contacts(&facts, ctx.as_of).into_iter().map(|(id, _, _)| id).collect();
    super::contacts::check(&facts, &relied, contacts_broken, ctx, diags);
    super::contracts::check(&facts, ctx, diags);
    // The rules of each plan read only the shared facts: plans are judged in parallel, in chunks.
    let chunks: Vec<&[Located<Plan>]> = model.plans.chunks(256).collect();
    for found in crate::load::parallel(&chunks, |plans| {
        let mut d = Vec::new();
        for plan in *plans {
            escalation(&facts, plan, &mut d);
            scenarios(plan, &facts, &mut d);
            backup(&facts, plan, &mut d);
            objectives(&facts, plan, &mut d);
            exercises(&facts, plan, ctx, &mut d);
        }
        d
    }) {
        diags.extend(found);
    }
    inventory_objectives(&facts, diags);
    findings(model, ctx, diags);
}

fn coverage(f: &Facts, plans_broken: bool, d: &mut Vec<Diagnostic>) {
    let mut covered: HashSet<&str> = HashSet::new();
    for p in &f.model.plans {
        covered.extend(p.covers.iter().map(|c| c.value.as_str()));
    }
    let mut inventory: Vec<&Inventory> = f.inventory.values().collect();
    inventory.sort_by_key(|i| (i.file(), i.head()));
    for inv in inventory {
        let id = &inv.id().value;
        if !covered.contains(id.as_str()) {
            if plans_broken {
                continue;
            }
            d.push(
                Diagnostic::new(&COV001, format!("{} `{id}` is not covered by any plan", inv.word()))
                    .at(inv.file(), inv.id().span)
                    .label("no plan covers this")
                    .help(format!("add `{id}` to the `covers` of the plan that handles its emergencies"))
                    .about("system", id),
            );
            continue;
        }
        let protection = inv.protection();
        let missing: Vec<&str> = match protection {
            None => vec!["confidentiality", "integrity", "availability"],
            Some(p) => [
                ("confidentiality", &p.confidentiality),
                ("integrity", &p.integrity),
                ("availability", &p.availability),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| n)
            .collect(),
        };
        if !missing.is_empty() {
            let span = protection.map_or(inv.head(), |p| p.span);
            d.push(
                Diagnostic::new(
                    &COV005,
                    format!("{} `{id}` does not state its protection need for {}", inv.word(), missing.join(", ")),
                )
                .at(inv.file(), span)
                .help("write `protection confidentiality=normal|high|very-high integrity=... availability=...`")
                .about("system", id),
            );
        }
        let availability = protection.and_then(|p| p.availability.as_ref()).map(|a| a.value);
        if matches!(availability, Some(Level::High | Level::VeryHigh)) {
            let missing: Vec<&str> =
                [("mtpd", inv.mtpd().is_none()), ("rto", inv.rto().is_none()), ("rpo", inv.rpo().is_none())]
                    .into_iter()
                    .filter(|(_, m)| *m)
                    .map(|(n, _)| n)
                    .collect();
            if !missing.is_empty() {
                d.push(
                    Diagnostic::new(
                        &COV006,
                        format!("{} `{id}` has a high availability need but no {}", inv.word(), missing.join(", ")),
                    )
                    .at(inv.file(), inv.head())
                    .help("set `mtpd`, `rto` and `rpo`, e.g. `mtpd \"24h\"`, `rto \"4h\"`, `rpo \"1h\"`")
                    .about("system", id),
                );
            }
        }
        // The provider must be told the protection needs of what it operates; a system the client
        // operates itself needs no acknowledgement by the provider.
        let client_operated = matches!(inv, Inventory::System(s) if f.roles.get(s.operator.value.as_str()) == Some(&PartyRole::Client));
        match inv.acknowledged().filter(|_| !client_operated) {
            None if client_operated => {}
            None => d.push(
                Diagnostic::new(
                    &COV007,
                    format!("the provider has not acknowledged the protection needs of {} `{id}`", inv.word()),
                )
                .at(inv.file(), inv.head())
                .help("add `acknowledged by=<provider contact> date=\"YYYY-MM-DD\"` once the provider has been told")
                .about("system", id),
            ),
            Some(a) => {
                if let Some(role) = f.role_of(&a.by.value).filter(|r| *r != PartyRole::Provider) {
                    d.push(
                        Diagnostic::new(
                            &COV007,
                            format!(
                                "`{}` acknowledged the protection needs of `{id}`, but is a {} contact",
                                a.by.value,
                                role_word(role)
                            ),
                        )
                        .at(inv.file(), a.by.span)
                        .label("not a provider contact")
                        .help("the provider must acknowledge: name a provider contact")
                        .about("system", id),
                    );
                }
            }
        }
    }
    for s in &f.model.systems {
        if let Some(role) = f.role_of(&s.owner.value).filter(|r| *r != PartyRole::Client) {
            d.push(
                Diagnostic::new(
                    &COV003,
                    format!(
                        "the application owner of `{}` must be a client contact, but `{}` is a {} contact",
                        s.id.value,
                        s.owner.value,
                        role_word(role)
                    ),
                )
                .at(s.file, s.owner.span)
                .label("not a client contact")
                .help("the application remains the client's responsibility: name the client's application owner")
                .about("system", &s.id.value),
            );
        }
    }
    for i in &f.model.interfaces {
        let contacts = i.contacts.as_ref();
        for (side, role, given) in [
            ("client", PartyRole::Client, contacts.and_then(|c| c.client.as_ref())),
            ("provider", PartyRole::Provider, contacts.and_then(|c| c.provider.as_ref())),
        ] {
            match given {
                None => d.push(
                    Diagnostic::new(&COV004, format!("interface `{}` has no {side} contact", i.id.value))
                        .at(i.file, contacts.map_or(i.head, |c| c.span))
                        .help(format!("add `contacts {side}=<contact>`"))
                        .about("system", &i.id.value),
                ),
                Some(c) => {
                    if let Some(actual) = f.role_of(&c.value).filter(|r| *r != role) {
                        d.push(
                            Diagnostic::new(
                                &COV004,
                                format!(
                                    "the {side} contact of interface `{}` is a {} contact",
                                    i.id.value,
                                    role_word(actual)
                                ),
                            )
                            .at(i.file, c.span)
                            .label(format!("not a {side} contact"))
                            .about("system", &i.id.value),
                        );
                    }
                }
            }
        }
    }
}

/// Contacts the plans rely on, with the first place each is relied on.
fn relied_contacts<'m>(f: &Facts<'m>, as_of: crate::units::Date) -> Vec<(&'m str, FileId, Span)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in &f.model.plans {
        let mut refs: Vec<&Spanned<String>> = Vec::new();
        if let Some(r) = &p.responsible {
            refs.extend(r.client.iter().chain(r.provider.iter()));
        }
        if let Some(e) = &p.escalation {
            refs.extend(e.level.iter().map(|l| &l.notify));
        }
        if let Some(b) = &p.backup {
            refs.extend(b.deputy.iter());
            refs.extend(b.on_failure.iter().map(|o| &o.escalate_to));
        }
        for s in &p.scenario {
            refs.extend(s.contacts.iter());
        }
        for r in refs {
            // a former contact relied on is CNT008: it needs a successor, not a deputy
            let current = f.contacts.get(r.value.as_str()).is_some_and(|c| !c.is_former_on(as_of));
            if current && seen.insert(r.value.as_str()) {
                out.push((r.value.as_str(), p.file, r.span));
            }
        }
    }
    out
}

fn contacts(f: &Facts, as_of: crate::units::Date, d: &mut Vec<Diagnostic>) {
    for c in f.model.contacts.iter().filter(|c| !c.is_former_on(as_of)) {
        if let Some(dep) = &c.deputy {
            if dep.value == c.id.value {
                d.push(
                    Diagnostic::new(&ESC007, format!("`{}` is named as its own deputy", c.id.value))
                        .at(c.file, dep.span)
                        .help("name another person of the same party who can stand in")
                        .about("contact", &c.id.value),
                );
            } else if let Some(deputy) = f.contacts.get(dep.value.as_str()) {
                if deputy.party.value != c.party.value {
                    d.push(
                        Diagnostic::new(
                            &ESC006,
                            format!(
                                "the deputy of `{}` (party `{}`) is `{}` of party `{}`",
                                c.id.value, c.party.value, dep.value, deputy.party.value
                            ),
                        )
                        .at(c.file, dep.span)
                        .label("another party")
                        .with_label(deputy.file, deputy.party.span, "the deputy's party")
                        .help("a deputy stands in with the same authority: name a contact of the same party")
                        .about("contact", &c.id.value),
                    );
                }
            }
        }
    }
    for (id, plan_file, used_at) in relied_contacts(f, as_of) {
        let c = f.contacts[id];
        if c.deputy.is_none() {
            d.push(
                Diagnostic::new(&ESC005, format!("`{id}` has no deputy, but a plan relies on this contact"))
                    .at(c.file, c.head)
                    .with_label(plan_file, used_at, "relied on here")
                    .help("add `deputy <contact>` naming someone of the same party")
                    .about("contact", id),
            );
        }
        if !has_channel(c) {
            d.push(
                Diagnostic::new(
                    &ESC008,
                    format!("`{id}` has no phone, mobile or e-mail, but a plan relies on this contact"),
                )
                .at(c.file, c.head)
                .with_label(plan_file, used_at, "relied on here")
                .help("add at least one channel, e.g. `mobile \"+49 ...\" available=\"24x7\"`")
                .about("contact", id),
            );
        } else if let Some(dep) = &c.deputy {
            // the deputy chain must reach someone reachable; mutual deputies are fine
            let mut current = dep.value.as_str();
            let mut visited = HashSet::from([id]);
            let reachable = loop {
                let Some(next) = f.contacts.get(current) else { break true }; // unresolved: reported elsewhere
                if has_channel(next) {
                    break true;
                }
                if !visited.insert(current) {
                    break false;
                }
                match &next.deputy {
                    Some(n) => current = n.value.as_str(),
                    None => break false,
                }
            };
            if !reachable {
                d.push(
                    Diagnostic::new(&ESC008, format!("nobody in the deputy chain of `{id}` can be reached"))
                        .at(c.file, dep.span)
                        .with_label(plan_file, used_at, "relied on here")
                        .help("give the deputy a phone, mobile or e-mail")
                        .about("contact", id),
                );
            }
        }
    }
}

fn escalation(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if let Some(r) = &p.responsible {
        for (side, role, given) in
            [("client", PartyRole::Client, &r.client), ("provider", PartyRole::Provider, &r.provider)]
        {
            match given {
                None => d.push(
                    Diagnostic::new(&COV002, format!("plan `{id}` names no responsible {side} contact"))
                        .at(p.file, r.span)
                        .help(format!("add `{side}=<contact>` to `responsible`"))
                        .about("plan", id),
                ),
                Some(c) => {
                    if let Some(actual) = f.role_of(&c.value).filter(|x| *x != role) {
                        d.push(
                            Diagnostic::new(
                                &COV002,
                                format!(
                                    "the responsible {side} contact of plan `{id}` is a {} contact",
                                    role_word(actual)
                                ),
                            )
                            .at(p.file, c.span)
                            .label(format!("not a {side} contact"))
                            .about("plan", id),
                        );
                    }
                }
            }
        }
    } else {
        d.push(
            Diagnostic::new(&COV002, format!("plan `{id}` names no responsible contacts"))
                .at(p.file, p.head)
                .help("add `responsible client=<contact> provider=<contact>`")
                .about("plan", id),
        );
    }
    let Some(e) = p.escalation.as_ref().filter(|e| !e.level.is_empty()) else {
        d.push(
            Diagnostic::new(&ESC001, format!("plan `{id}` has no escalation chain"))
                .at(p.file, p.escalation.as_ref().map_or(p.head, |e| e.span))
                .help("add `escalation { level 1 notify=<contact> within=\"15m\" ... unreachable \"...\" }`")
                .about("plan", id),
        );
        return;
    };
    let mut previous: Option<&Spanned<crate::model::EscalationLevel>> = None;
    let mut notified: Vec<&str> = Vec::new();
    let mut roles = HashSet::new();
    for (i, l) in e.level.iter().enumerate() {
        if l.level.value as usize != i + 1 {
            d.push(
                Diagnostic::new(
                    &ESC002,
                    format!("escalation level {} of plan `{id}` should be level {}", l.level.value, i + 1),
                )
                .at(p.file, l.level.span)
                .help("number the levels 1, 2, 3, ... in the order they are reached")
                .about("plan", id),
            );
        }
        if let Some(prev) = previous {
            if l.within.value <= prev.within.value {
                d.push(
                    Diagnostic::new(
                        &ESC002,
                        format!(
                            "escalation level {} allows {} but level {} already {}: time limits must increase",
                            l.level.value, l.within.value, prev.level.value, prev.within.value
                        ),
                    )
                    .at(p.file, l.within.span)
                    .with_label(p.file, prev.within.span, "the previous level's limit")
                    .about("plan", id),
                );
            }
        }
        if let Some(first) = notified.iter().position(|n| *n == l.notify.value) {
            d.push(
                Diagnostic::new(
                    &ESC009,
                    format!(
                        "level {} notifies `{}` again, who was already notified at level {}",
                        l.level.value,
                        l.notify.value,
                        first + 1
                    ),
                )
                .at(p.file, l.notify.span)
                .help("escalate to new help: name the next person in the hierarchy or the other party")
                .about("plan", id),
            );
        }
        notified.push(&l.notify.value);
        if let Some(r) = f.role_of(&l.notify.value) {
            roles.insert(r);
        }
        previous = Some(l);
    }
    let has_unknown = e.level.iter().any(|l| f.role_of(&l.notify.value).is_none());
    let both = roles.contains(&PartyRole::Client) && roles.contains(&PartyRole::Provider);
    if !has_unknown && !both {
        let missing = if roles.contains(&PartyRole::Client) { "provider" } else { "client" };
        d.push(
            Diagnostic::new(&ESC003, format!("the escalation chain of plan `{id}` never reaches the {missing}"))
                .at(p.file, e.span)
                .help(format!("add a level that notifies a {missing} contact"))
                .about("plan", id),
        );
    }
    if e.unreachable.is_none() {
        d.push(
            Diagnostic::new(
                &ESC004,
                format!("the escalation chain of plan `{id}` does not say what happens when nobody answers"),
            )
            .at(p.file, e.span)
            .help("add `unreachable \"...\"` inside `escalation`")
            .about("plan", id),
        );
    }
}

fn scenarios(p: &Located<Plan>, f: &Facts, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if p.forbidden.is_empty() && p.no_forbidden_actions.is_none() {
        d.push(
            Diagnostic::new(&SCN007, format!("plan `{id}` states no forbidden actions"))
                .at(p.file, p.head)
                .help(
                    "add `forbidden \"...\"` for each action staff must not take, or `no-forbidden-actions \"reason\"`",
                )
                .about("plan", id),
        );
    }
    // The plan's forbidden actions, normalised once for all its scenarios.
    let plan_forbidden: Vec<(String, &Spanned<String>)> =
        p.forbidden.iter().map(|f| (normalise(&f.value), f)).filter(|(n, _)| !n.is_empty()).collect();
    let plan_actions: Vec<(words::Action, &Spanned<String>)> =
        p.forbidden.iter().map(|f| (words::action(&f.value), f)).collect();
    for s in &p.scenario {
        let sid = s.id.value.as_str();
        let at = s.id.span;
        if s.cause.is_none() {
            d.push(
                Diagnostic::new(&SCN001, format!("scenario `{sid}` does not state its cause class"))
                    .at(p.file, at)
                    .help("add `cause=technical`, `application`, `interface`, `security` or `external`")
                    .about("plan", id),
            );
        }
        // Whoever needs the client must be able to call the client: name client contacts.
        let application = s.cause.as_ref().is_some_and(|c| c.value == Cause::Application);
        let need = if application {
            Some("is application-specific")
        } else if s.resolver.as_ref().is_some_and(|r| r.value == Resolver::Joint) {
            Some("is resolved jointly with the client")
        } else if s.resolver.as_ref().is_some_and(|r| r.value == Resolver::Client) {
            Some("is resolved by the client")
        } else if s.affects_others.as_ref().is_some_and(|a| a.value) {
            Some("may affect other applications of the client")
        } else {
            None
        };
        let client_contact = s.contacts.iter().any(|c| f.role_of(&c.value) == Some(PartyRole::Client));
        let unknown = s.contacts.iter().any(|c| f.role_of(&c.value).is_none()); // reported by the reference check
        if let Some(why) = need.filter(|_| !client_contact && !unknown) {
            let (rule, help) = if application {
                (&SCN006, "add `contacts <client contact> ...`: application knowledge is only available at the client")
            } else {
                (&SCN009, "add `contacts <client contact> ...` so the provider knows whom to call at the client")
            };
            let named: Vec<String> = s
                .contacts
                .iter()
                .map(|c| format!("`{}` ({})", c.value, f.role_of(&c.value).map_or("unknown", role_word)))
                .collect();
            let message = if named.is_empty() {
                format!("scenario `{sid}` {why}, but names no contacts: it needs client contacts")
            } else {
                format!("scenario `{sid}` {why}, but names no client contact, only {}", named.join(", "))
            };
            d.push(
                Diagnostic::new(rule, message)
                    .at(p.file, s.contacts.first().map_or(at, |c| c.span))
                    .help(help)
                    .about("plan", id),
            );
        }
        // An application cause classed technical lets the provider act alone where it must not.
        if let (Some(c), Some(r)) = (&s.cause, &s.resolver) {
            if c.value == Cause::Technical && r.value == Resolver::Provider {
                let texts = s.title.iter().map(String::as_str).chain(s.detect.iter().map(String::as_str));
                if let Some(phrase) = texts.filter_map(words::application_cause).next() {
                    d.push(
                        Diagnostic::new(
                            &SCN010,
                            format!(
                                "scenario `{sid}` is classed `technical` and left to the provider alone, but describes an application cause (\"{phrase}\")"
                            ),
                        )
                        .at(p.file, c.span)
                        .label("classed technical")
                        .help("class it `cause=application` and resolve it with the client (`resolver=joint`), naming client contacts")
                        .about("plan", id),
                    );
                }
            }
        }
        if s.step.is_empty() {
            d.push(
                Diagnostic::new(&SCN002, format!("scenario `{sid}` has no work instructions"))
                    .at(p.file, at)
                    .help("add `step \"...\"` nodes, one per step, in order")
                    .about("plan", id),
            );
        }
        if s.fault_in.is_empty() {
            d.push(
                Diagnostic::new(&SCN003, format!("scenario `{sid}` does not say where the fault may lie"))
                    .at(p.file, at)
                    .help("add `fault-in client`, `provider` and/or `interface`")
                    .about("plan", id),
            );
        }
        match &s.resolver {
            None => d.push(
                Diagnostic::new(&SCN005, format!("scenario `{sid}` does not say who may resolve it"))
                    .at(p.file, at)
                    .help("add `resolver=provider`, `joint` or `client`")
                    .about("plan", id),
            ),
            Some(r) if r.value == Resolver::Provider => {
                let technical = s.cause.as_ref().is_some_and(|c| c.value == Cause::Technical);
                let isolated = s.affects_others.as_ref().is_some_and(|a| !a.value);
                if !(technical && isolated) {
                    let why =
                        if !technical { "its cause is not technical" } else { "it may affect other applications" };
                    d.push(
                        Diagnostic::new(&SCN004, format!("scenario `{sid}` lets the provider resolve it alone, but {why}"))
                            .at(p.file, r.span)
                            .help("use `resolver=joint` (or `client`); the provider may act alone only on technical errors with `affects-others=#false`")
                            .about("plan", id),
                    );
                }
            }
            Some(_) => {}
        }
        let own: Vec<(String, &Spanned<String>)> =
            s.forbidden.iter().map(|f| (normalise(&f.value), f)).filter(|(n, _)| !n.is_empty()).collect();
        let own_actions: Vec<(words::Action, &Spanned<String>)> =
            s.forbidden.iter().map(|f| (words::action(&f.value), f)).collect();
        for step in &s.step {
            let text = normalise(&step.value);
            if let Some((_, f)) = plan_forbidden.iter().chain(&own).find(|(n, _)| text.contains(n.as_str())) {
                d.push(
                    Diagnostic::new(
                        &SCN008,
                        format!("a step of scenario `{sid}` does what the plan forbids: \"{}\"", f.value),
                    )
                    .at(p.file, step.span)
                    .label("contradicts a forbidden action")
                    .with_label(p.file, f.span, "forbidden here")
                    .about("plan", id),
                );
                continue;
            }
            if let Some(why) = words::vague(&step.value) {
                d.push(
                    Diagnostic::new(&SCN012, format!("a step of scenario `{sid}` is too vague to follow: {why}"))
                        .at(p.file, step.span)
                        .label("what exactly, on what, how?")
                        .help("say what to do, on which system and how (name the runbook), and decide the conditions in the plan, not at 3 a.m.")
                        .about("plan", id),
                );
            }
            let stems = words::stems(&step.value);
            let find = |(a, _): &&(words::Action, &Spanned<String>)| words::likely_does(&stems, a);
            if let Some((_, f)) = plan_actions.iter().chain(&own_actions).find(find).filter(|_| !words::negates(&step.value)) {
                d.push(
                    Diagnostic::new(
                        &SCN011,
                        format!(
                            "a step of scenario `{sid}` may do what the plan forbids: step \"{}\" against forbidden \"{}\"",
                            step.value, f.value
                        ),
                    )
                    .at(p.file, step.span)
                    .label("in other words, a forbidden action?")
                    .with_label(p.file, f.span, "forbidden here")
                    .help("if the step does what is forbidden, rewrite it; if not, word it so it cannot be read that way (or waive the finding with the reason)")
                    .about("plan", id),
                );
            }
        }
    }
}

fn backup(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    let data: Vec<Inventory> = f.covered(p).into_iter().filter(|i| i.holds_data()).collect();
    if data.is_empty() {
        return;
    }
    let Some(b) = &p.backup else {
        d.push(
            Diagnostic::new(
                &BAK001,
                format!("plan `{id}` covers `{}`, which holds data, but has no backup regulation", data[0].id().value),
            )
            .at(p.file, p.head)
            .help("add a `backup { ... }` block (see `contingent explain BAK002` for what it must hold)")
            .about("plan", id),
        );
        return;
    };
    let missing: Vec<&str> = [
        ("media", b.media.is_none()),
        ("schedule", b.schedule.is_none()),
        ("retention", b.retention.is_none()),
        ("offsite", b.offsite.is_none()),
        ("antivirus", b.antivirus.is_none()),
        ("restore-test", b.restore_test.is_none()),
        ("deputy", b.deputy.is_none()),
        ("on-failure", b.on_failure.is_none()),
    ]
    .into_iter()
    .filter(|(_, m)| *m)
    .map(|(n, _)| n)
    .collect();
    if !missing.is_empty() {
        d.push(
            Diagnostic::new(&BAK002, format!("the backup regulation of plan `{id}` lacks {}", missing.join(", ")))
                .at(p.file, b.span)
                .help("see `contingent explain BAK002`")
                .about("plan", id),
        );
    }
    if let Some(m) = b.media.as_ref().filter(|m| m.value == Media::Shared) {
        if let Some(shared) = data.iter().find(|i| matches!(i, Inventory::System(s) if s.infrastructure.as_ref().is_some_and(|x| x.value == Infrastructure::Shared))) {
            d.push(
                Diagnostic::new(&BAK003, format!("`{}` runs on shared infrastructure, so its backups need media separate from other clients'", shared.id().value))
                    .at(p.file, m.span)
                    .label("shared media")
                    .help("use `media dedicated`")
                    .about("plan", id),
            );
        }
    }
    if let Some(s) = &b.schedule {
        let rpos = data.iter().filter_map(|i| i.rpo().map(|r| (r.value, i.id().value.as_str())));
        let objectives = p.objective.iter().filter_map(|o| o.rpo.as_ref().map(|r| (r.value, o.target.value.as_str())));
        if let Some((rpo, of)) = rpos.chain(objectives).min_by_key(|(r, _)| *r) {
            if s.every.value > rpo {
                d.push(
                    Diagnostic::new(
                        &BAK004,
                        format!("backups every {} cannot meet the RPO of {rpo} for `{of}`", s.every.value),
                    )
                    .at(p.file, s.every.span)
                    .help(format!("back up at least every {rpo}, or use continuous replication and say so"))
                    .about("plan", id),
                );
            }
        }
    }
    if let Some(o) = b.offsite.as_ref().filter(|o| !o.value) {
        d.push(
            Diagnostic::new(&BAK005, format!("plan `{id}` keeps no off-site copy of its backups"))
                .at(p.file, o.span)
                .about("plan", id),
        );
    }
}

fn inventory_objectives(f: &Facts, d: &mut Vec<Diagnostic>) {
    let mut inventory: Vec<&Inventory> = f.inventory.values().collect();
    inventory.sort_by_key(|i| (i.file(), i.head()));
    for inv in inventory {
        if let (Some(rto), Some(mtpd)) = (inv.rto(), inv.mtpd()) {
            if rto.value >= mtpd.value {
                d.push(
                    Diagnostic::new(
                        &OBJ001,
                        format!(
                            "the RTO of `{}` ({}) is not below its MTPD ({})",
                            inv.id().value,
                            rto.value,
                            mtpd.value
                        ),
                    )
                    .at(inv.file(), rto.span)
                    .with_label(inv.file(), mtpd.span, "MTPD")
                    .help("recovery must finish before the disruption becomes intolerable: lower the RTO")
                    .about("system", &inv.id().value),
                );
            }
        }
    }
}

fn objectives(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    for o in &p.objective {
        let target = o.target.value.as_str();
        if !p.covers.iter().any(|c| c.value == target) {
            d.push(
                Diagnostic::new(
                    &OBJ003,
                    format!("plan `{id}` states objectives for `{target}`, which it does not cover"),
                )
                .at(p.file, o.target.span)
                .help(format!("add `{target}` to `covers`, or remove the objective"))
                .about("plan", id),
            );
        }
        let Some(inv) = f.inventory.get(target) else { continue };
        for (what, plan_value, system_value) in [("RTO", &o.rto, inv.rto()), ("RPO", &o.rpo, inv.rpo())] {
            if let (Some(pv), Some(sv)) = (plan_value, system_value) {
                if pv.value > sv.value {
                    d.push(
                        Diagnostic::new(
                            &OBJ002,
                            format!(
                                "plan `{id}` commits to an {what} of {} for `{target}`, weaker than the system's {}",
                                pv.value, sv.value
                            ),
                        )
                        .at(p.file, pv.span)
                        .with_label(inv.file(), sv.span, format!("the system's {what}"))
                        .about("plan", id),
                    );
                }
            }
        }
        if let (Some(rto), Some(mtpd)) = (&o.rto, inv.mtpd()) {
            if rto.value >= mtpd.value {
                d.push(
                    Diagnostic::new(
                        &OBJ001,
                        format!(
                            "plan `{id}` sets an RTO of {} for `{target}`, not below its MTPD of {}",
                            rto.value, mtpd.value
                        ),
                    )
                    .at(p.file, rto.span)
                    .with_label(inv.file(), mtpd.span, "MTPD")
                    .about("plan", id),
                );
            }
        }
    }
}

fn exercises(f: &Facts, p: &Located<Plan>, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if p.exercise.is_empty() {
        d.push(
            Diagnostic::new(&EXR001, format!("plan `{id}` has no exercise concept"))
                .at(p.file, p.head)
                .help("add `exercise <kind> every=\"12mo\"` entries, e.g. tabletop, restore-test, full-exercise")
                .about("plan", id),
        );
        return;
    }
    let policy = &f.policy;
    let level = f.covered(p).iter().filter_map(|i| i.availability()).max().unwrap_or(Level::Normal);
    let max = policy.exercise_interval.for_level(level);
    let records: &[&Located<ExerciseRecord>] = f.exercises.get(id).map_or(&[], Vec::as_slice);
    for ex in &p.exercise {
        let kind = ex.kind.value;
        let kind_word = super::contracts::kind_word(kind);
        if ex.every.value > max {
            let level_word = match level {
                Level::Normal => "normal",
                Level::High => "high",
                Level::VeryHigh => "very-high",
            };
            d.push(
                Diagnostic::new(&EXR002, format!("{kind_word} every {} is longer than the {max} the policy allows for a {level_word} availability need", ex.every.value))
                    .at(p.file, ex.every.span)
                    .help(format!("exercise at least every {max}, or change `policy exercise-interval` in contingent.kdl"))
                    .about("plan", id),
            );
        }
        let of_kind: Vec<_> = records.iter().filter(|r| r.kind.value == kind).collect();
        // A failed exercise proves nothing: it does not count as the exercise held for its interval.
        // An exercise dated after the check date has not been held yet (EXR009).
        let of_kind: Vec<_> = of_kind.into_iter().filter(|r| r.date.value <= ctx.as_of).collect();
        let held = of_kind.iter().filter(|r| r.result.value != Outcome::Failed).max_by_key(|r| r.date.value);
        let failed_since = |after: Option<crate::units::Date>| {
            of_kind
                .iter()
                .filter(|r| r.result.value == Outcome::Failed && after.is_none_or(|a| r.date.value > a))
                .max_by_key(|r| r.date.value)
        };
        match held {
            None => {
                let mut diag = match failed_since(None) {
                    None => Diagnostic::new(&EXR005, format!("plan `{id}` has never held its {kind_word}"))
                        .help("hold the exercise and record it in the exercises folder"),
                    Some(failed) => Diagnostic::new(
                        &EXR005,
                        format!(
                            "plan `{id}` has never held its {kind_word} successfully: `{}` on {} failed",
                            failed.id.value, failed.date.value
                        ),
                    )
                    .with_label(failed.file, failed.date.span, "failed")
                    .help("resolve the findings of the failed exercise, hold it again and record it"),
                };
                diag = diag.at(p.file, ex.kind.span).about("plan", id);
                d.push(diag);
            }
            Some(last) => {
                let due = last.date.value.plus(ex.every.value);
                if due < ctx.as_of {
                    let mut diag = Diagnostic::new(
                        &EXR004,
                        format!(
                            "the {kind_word} of plan `{id}` was due on {due}: last held {} (every {})",
                            last.date.value, ex.every.value
                        ),
                    )
                    .at(p.file, ex.kind.span)
                    .with_label(last.file, last.date.span, "last held")
                    .help("hold the exercise and add its record")
                    .about("plan", id);
                    if let Some(failed) = failed_since(Some(last.date.value)) {
                        diag.message.push_str(&format!("; `{}` on {} failed and does not count", failed.id.value, failed.date.value));
                        diag = diag.with_label(failed.file, failed.date.span, "failed: does not count");
                    }
                    d.push(diag);
                }
            }
        }
        if ex.joint {
            for r in of_kind.into_iter().filter(|r| !f.partial.contains(r.id.value.as_str())) {
                let roles: HashSet<PartyRole> = r.participants.iter().filter_map(|c| f.role_of(&c.value)).collect();
                let unknown = r.participants.iter().any(|c| f.role_of(&c.value).is_none()); // reported elsewhere
                let both = roles.contains(&PartyRole::Client) && roles.contains(&PartyRole::Provider);
                if !unknown && !both {
                    d.push(
                        Diagnostic::new(
                            &EXR003,
                            format!(
                                "the joint {kind_word} `{}` had no participants of both client and provider",
                                r.id.value
                            ),
                        )
                        .at(r.file, r.head)
                        .help("list the participants of both parties in `participants`")
                        .about("plan", id),
                    );
                }
            }
        }
    }
    // An exercise proves the plan as it was: a change of meaning after the last one is untested.
    if let Some(change) = f.model.meaning_changed.get(id) {
        let last = records
            .iter()
            .filter(|r| r.result.value != Outcome::Failed && r.date.value <= ctx.as_of)
            .max_by_key(|r| r.date.value);
        if let Some(last) = last.filter(|l| change.date > l.date.value) {
            let when = match &change.commit {
                Some(c) => format!("on {} (commit {c})", change.date),
                None => "in the checked content, not yet committed".to_string(),
            };
            d.push(
                Diagnostic::new(
                    &EXR011,
                    format!(
                        "plan `{id}` changed in meaning {when} after its last exercise `{}` on {}: {}",
                        last.id.value,
                        last.date.value,
                        change.kinds.join(", ")
                    ),
                )
                .at(p.file, p.head)
                .with_label(last.file, last.date.span, "last exercised")
                .help("the exercise proved the plan as it was: exercise the changed parts (a tabletop or an alarm test) and record it")
                .about("plan", id),
            );
        }
    }
    let since = back(ctx.as_of, policy.scenario_cycle);
    for s in &p.scenario {
        let last = records
            .iter()
            .filter(|r| r.result.value != Outcome::Failed && r.date.value <= ctx.as_of)
            .filter(|r| r.scenarios.iter().any(|x| x.value == s.id.value))
            .max_by_key(|r| r.date.value);
        let message = match last {
            Some(r) if r.date.value >= since => continue,
            Some(r) => format!(
                "scenario `{}` of plan `{id}` was last exercised on {} (`{}`), longer than the cycle of {} ago",
                s.id.value, r.date.value, r.id.value, policy.scenario_cycle
            ),
            None => format!(
                "scenario `{}` of plan `{id}` has never been exercised (the policy asks for once every {})",
                s.id.value, policy.scenario_cycle
            ),
        };
        let mut diag = Diagnostic::new(&EXR007, message)
            .at(p.file, s.id.span)
            .help(format!("exercise it within the cycle of {} (policy `scenario-cycle`)", policy.scenario_cycle))
            .about("plan", id);
        if let Some(r) = last {
            diag = diag.with_label(r.file, r.date.span, "last exercised");
        }
        d.push(diag);
    }
}

/// A date moved back by a duration.
fn back(date: crate::units::Date, d: Duration) -> crate::units::Date {
    match d.unit {
        crate::units::Unit::Months => date.add_months(-i64::from(d.count)),
        crate::units::Unit::Years => date.add_months(-12 * i64::from(d.count)),
        _ => date.add_days(-d.minutes() / 1440),
    }
}

fn findings(model: &Model, ctx: &Context, d: &mut Vec<Diagnostic>) {
    for e in &model.exercises {
        if e.date.value > ctx.as_of {
            d.push(
                Diagnostic::new(
                    &EXR009,
                    format!("exercise `{}` is dated {}, after the check date {}", e.id.value, e.date.value, ctx.as_of),
                )
                .at(e.file, e.date.span)
                .label("not held yet")
                .help("record an exercise once it has been held, with the day it was held; plan future exercises in the plan's `exercise` entries")
                .about("plan", &e.plan.value),
            );
        }
        for finding in e.finding.iter().filter(|x| x.due.value < e.date.value) {
            d.push(
                Diagnostic::new(
                    &EXR010,
                    format!(
                        "a finding of exercise `{}` is due on {}, before the exercise that found it ({})",
                        e.id.value, finding.due.value, e.date.value
                    ),
                )
                .at(e.file, finding.due.span)
                .with_label(e.file, e.date.span, "held on")
                .help("check both dates: a finding is due after the exercise")
                .about("plan", &e.plan.value),
            );
        }
        if e.finding.is_empty() && e.result.value != Outcome::Passed {
            let result = match e.result.value {
                Outcome::Failed => "failed",
                Outcome::Partial => "partly failed",
                _ => "passed with findings",
            };
            d.push(
                Diagnostic::new(&EXR008, format!("exercise `{}` {result}, but records no finding", e.id.value))
                    .at(e.file, e.result.span)
                    .label("no `finding` says what went wrong")
                    .help("add `finding \"...\" owner=<contact> due=\"YYYY-MM-DD\" status=open` for each thing to put right")
                    .about("plan", &e.plan.value),
            );
        }
        for finding in &e.finding {
            if finding.status == crate::model::FindingStatus::Open && finding.due.value < ctx.as_of {
                d.push(
                    Diagnostic::new(
                        &EXR006,
                        format!(
                            "finding of exercise `{}` is open past its due date {}: {}",
                            e.id.value, finding.due.value, finding.text
                        ),
                    )
                    .at(e.file, finding.due.span)
                    .help(format!(
                        "resolve it and set `status=closed`, or agree a new due date with `{}`",
                        finding.owner.value
                    ))
                    .about("plan", &e.plan.value),
                );
            }
        }
    }
}
