//! Contact lists that stay true: verification age, deputies, reachability around the clock.

use std::collections::HashSet;

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{Availability, Contact, Level, Located, Model, PartyRole, Policy};
use crate::rules::policy::facts::Facts;
use crate::units::{Date, Duration, Unit};

policy_rules! {
    CONTACTS;
    /// ## What it does
    /// Reports a contact whose `verified` date is older than `policy contact-max-age` (default 6mo).
    ///
    /// ## Why
    /// Contact lists rot: people change roles, numbers change. An unverified list is found wrong in the emergency.
    ///
    /// ## Example
    /// Fails on 2026-11-01: `verified "2026-03-01"` with the default maximum age.
    CNT001 = "CNT001" "contact-stale" Contacts Error
        "a contact was last verified longer ago than the policy allows"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Warns when a contact becomes stale within `policy contact-warning` (default 30d).
    ///
    /// ## Why
    /// Verifying before the deadline keeps the list current without a rush.
    ///
    /// ## Example
    /// On 2026-11-01, `verified "2026-05-15"` expires on 2026-11-15.
    CNT002 = "CNT002" "contact-verification-expiring" Contacts Warning
        "a contact's verification expires soon"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a `verified` date after the check date.
    ///
    /// ## Why
    /// A future date is a typo that would keep the contact from ever looking stale.
    ///
    /// ## Example
    /// `verified "2027-09-01"` checked on 2026-11-01.
    CNT003 = "CNT003" "verified-in-the-future" Contacts Error
        "a contact's verification date lies in the future"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Warns about a contact whose deputy's verification is older than the maximum age.
    ///
    /// ## Why
    /// A substitution rule is only as good as the substitute's details.
    ///
    /// ## Example
    /// Verify the deputy's contact details.
    CNT004 = "CNT004" "deputy-stale" Contacts Warning
        "a contact's deputy is itself stale"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Warns about a contact without `deputy` that no plan relies on yet (contacts plans rely on are reported by ESC005).
    ///
    /// ## Why
    /// Substitution rules belong to every contact on an emergency list.
    ///
    /// ## Example
    /// `deputy bernd.mueller`
    CNT005 = "CNT005" "contact-without-deputy" Contacts Warning
        "a contact has no deputy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// For plans covering a system with a high or very high availability need, every escalation level that allows less than a day must reach its contact around the clock: the contact needs a channel with `available="24x7"`. Also reports a 24x7 need met only by business-hours channels.
    ///
    /// ## Why
    /// An emergency at night cannot wait for office hours when the allowed time is shorter than a day.
    ///
    /// ## Example
    /// ```kdl
    /// mobile "+49 171 555 0101" available="24x7"
    /// ```
    CNT006 = "CNT006" "contact-not-reachable-around-the-clock" Contacts Error
        "a contact that must be reachable around the clock has no 24x7 channel"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports the client or provider party when none of its contacts has a channel with `available="24x7"`.
    ///
    /// ## Why
    /// Each party needs an emergency contact that answers at any time (a duty desk, an on-call phone).
    ///
    /// ## Example
    /// ```kdl
    /// contact rzn-duty-desk { party rzn; phone "+49 40 555 2000" available="24x7"; ... }
    /// ```
    CNT007 = "CNT007" "party-without-emergency-contact" Contacts Error
        "the client or the provider has no contact reachable around the clock"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// A contact with `former #true`, or with `left "YYYY-MM-DD"` on or before the check date, is kept for the history: past exercise records may name it as a participant (held before it left) and an acknowledgement stays valid. Reports every place that relies on it now: a plan's `responsible`, escalation levels, backup deputy and `on-failure`, scenario contacts, a system's `owner`, an interface's contacts, another contact's `deputy`, an exercise record dated after it left, and an open finding it owns. Former contacts are not asked to be verified, to have a deputy or to be reachable.
    ///
    /// ## Why
    /// A person who left cannot be called; removing the contact would break the records of the exercises they took part in.
    ///
    /// ## Example
    /// ```kdl
    /// contact dirk.hansen { party rzn; name "Dirk Hansen"; verified "2026-01-10"; left "2026-10-31" }
    /// ```
    /// Fails: `level 2 notify=dirk.hansen` after 2026-10-31.
    CNT008 = "CNT008" "former-contact-relied-on" Contacts Error
        "a former contact is relied on in a current plan, escalation, inventory or deputy chain"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports an escalation level that allows less than an hour for a contact with no phone or mobile number, and, for plans covering a system with a high or very high availability need, a level that allows less than a day for a contact whose only channel `available="24x7"` is e-mail.
    ///
    /// ## Why
    /// An e-mail reaches a mailbox, not a person: nobody has to read it within the time the level allows, least of all at night.
    ///
    /// ## Example
    /// Fails: `level 1 notify=rzn-mailbox within="15m"` where the contact has only `email`.
    ///
    /// Passes: `phone "+49 40 555 2000" available="24x7"`.
    CNT009 = "CNT009" "reachable-only-by-email" Contacts Error
        "a contact an escalation level must reach quickly can be reached only by e-mail"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a current contact with no phone, mobile or e-mail at all. (A contact a plan relies on is reported by ESC008 instead.)
    ///
    /// ## Why
    /// A contact list is kept to reach people; an entry without a channel is a name, and anyone who relies on it later (as a deputy, in an interface) cannot call.
    ///
    /// ## Example
    /// Fails: `contact sven.jacobsen { party nordnetz; name "Sven Jacobsen"; verified "2026-10-01" }`.
    CNT010 = "CNT010" "contact-without-channel" Contacts Error
        "a contact has no phone, mobile or e-mail"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Current,
    Expiring,
    Stale,
    Future,
}

/// A contact's verification state and the date it becomes stale.
pub fn status(c: &Contact, policy: &Policy, today: Date) -> (Status, Date) {
    let verified = c.verified.value;
    let expires = verified.plus(policy.contact_max_age);
    let status = if verified > today {
        Status::Future
    } else if expires < today {
        Status::Stale
    } else if expires <= today.plus(policy.contact_warning) {
        Status::Expiring
    } else {
        Status::Current
    };
    (status, expires)
}

pub fn always_reachable(c: &Contact) -> bool {
    c.phone.iter().chain(&c.mobile).chain(&c.email).any(|ch| ch.available == Availability::Always)
}

/// Whether a person answers the contact's phone or mobile around the clock.
fn always_by_voice(c: &Contact) -> bool {
    c.phone.iter().chain(&c.mobile).any(|ch| ch.available == Availability::Always)
}

/// A place that relies on a contact: the file, the reference and what it is (for the message).
struct Use<'m> {
    file: crate::diagnostic::FileId,
    at: &'m crate::model::Id,
    what: String,
    subject: (&'static str, &'m str),
}

/// Every current use of a contact: plans, inventory, deputies, exercise records and findings.
fn uses<'m>(model: &'m Model) -> Vec<Use<'m>> {
    let mut out = Vec::new();
    for p in &model.plans {
        let pid = p.id.value.as_str();
        let mut add =
            |at: &'m crate::model::Id, what: String| out.push(Use { file: p.file, at, what, subject: ("plan", pid) });
        if let Some(r) = &p.responsible {
            for c in r.client.iter().chain(r.provider.iter()) {
                add(c, format!("plan `{pid}` names it as responsible"));
            }
        }
        if let Some(e) = &p.escalation {
            for l in &e.level {
                add(&l.notify, format!("level {} of plan `{pid}` notifies it", l.level.value));
            }
        }
        if let Some(b) = &p.backup {
            for c in b.deputy.iter() {
                add(c, format!("the backup of plan `{pid}` names it as deputy"));
            }
            for o in b.on_failure.iter() {
                add(&o.escalate_to, format!("the backup of plan `{pid}` escalates to it"));
            }
        }
        for sc in &p.scenario {
            for c in &sc.contacts {
                add(c, format!("scenario `{}` of plan `{pid}` lists it", sc.id.value));
            }
        }
    }
    for sy in &model.systems {
        out.push(Use {
            file: sy.file,
            at: &sy.owner,
            what: format!("system `{}` names it as owner", sy.id.value),
            subject: ("system", &sy.id.value),
        });
    }
    for i in &model.interfaces {
        if let Some(cs) = &i.contacts {
            for c in [&cs.client, &cs.provider, &cs.carrier].into_iter().flatten() {
                out.push(Use {
                    file: i.file,
                    at: c,
                    what: format!("interface `{}` names it as contact", i.id.value),
                    subject: ("system", &i.id.value),
                });
            }
        }
    }
    out
}

/// Former contacts still relied on (CNT008).
fn former(f: &Facts, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let model = f.model;
    let former = |id: &str, on: Date| f.contacts.get(id).filter(|c| c.is_former_on(on)).copied();
    let report = |c: &crate::model::Located<Contact>, file, at: &crate::model::Id, what: String| {
        let since = c.left.as_ref().map_or(String::new(), |l| format!(" (left on {})", l.value));
        Diagnostic::new(&CNT008, format!("`{}` is a former contact{since}, but {what}", c.id.value))
            .at(file, at.span)
            .label("a former contact")
            .with_label(c.file, c.left.as_ref().map_or(c.head, |l| l.span), "former since")
            .help("name the person who took over; the former contact stays for the history of past exercises")
    };
    for u in uses(model) {
        if let Some(c) = former(&u.at.value, ctx.as_of) {
            d.push(report(c, u.file, u.at, u.what).about(u.subject.0, u.subject.1));
        }
    }
    for c in model.contacts.iter().filter(|c| !c.is_former_on(ctx.as_of)) {
        if let Some(dep) = &c.deputy {
            if let Some(x) = former(&dep.value, ctx.as_of) {
                d.push(
                    report(x, c.file, dep, format!("`{}` names it as deputy", c.id.value))
                        .about("contact", &c.id.value),
                );
            }
        }
    }
    for e in &model.exercises {
        for p in &e.participants {
            if let Some(x) = former(&p.value, e.date.value) {
                d.push(
                    report(
                        x,
                        e.file,
                        p,
                        format!("exercise `{}` of {} lists it as a participant", e.id.value, e.date.value),
                    )
                    .about("plan", &e.plan.value),
                );
            }
        }
        for finding in e.finding.iter().filter(|x| x.status == crate::model::FindingStatus::Open) {
            if let Some(x) = former(&finding.owner.value, ctx.as_of) {
                d.push(
                    report(
                        x,
                        e.file,
                        &finding.owner,
                        format!("an open finding of exercise `{}` is owned by it", e.id.value),
                    )
                    .about("plan", &e.plan.value),
                );
            }
        }
    }
}

pub fn check(f: &Facts, relied: &HashSet<&str>, contacts_broken: bool, ctx: &Context, d: &mut Vec<Diagnostic>) {
    former(f, ctx, d);
    carrier_contacts(f, d);
    for c in f.model.contacts.iter().filter(|c| !c.is_former_on(ctx.as_of)) {
        let relied_on = relied.contains(c.id.value.as_str());
        if !relied_on {
            reachable_at_all(c, d);
        }
        let stale = verification(f, c, ctx, d);
        deputy(f, c, stale, relied_on, ctx, d);
    }
    reachable_in_time(f, ctx, d);
    if !contacts_broken {
        parties_reachable_always(f, ctx, d);
    }
}

/// A contact nobody relies on has a phone, mobile or e-mail (CNT010).
fn reachable_at_all(c: &Located<Contact>, d: &mut Vec<Diagnostic>) {
    let id = c.id.value.as_str();
    if !crate::rules::policy::facts::has_channel(c) {
        d.push(
            Diagnostic::new(&CNT010, format!("`{id}` has no phone, mobile or e-mail"))
                .at(c.file, c.head)
                .help("add the channels the person can be reached on (`phone \"+49 ...\" available=\"24x7\"`), or remove the contact if nobody relies on it")
                .about("contact", id),
        );
    }
}

/// A contact's details were verified within the policy's maximum age (CNT001, CNT002), not after
/// the check date (CNT003). Returns whether they are stale.
fn verification(f: &Facts, c: &Located<Contact>, ctx: &Context, d: &mut Vec<Diagnostic>) -> bool {
    let id = c.id.value.as_str();
    let policy = &f.policy;
    let (st, expires) = status(c, policy, ctx.as_of);
    match st {
        Status::Stale => d.push(
            Diagnostic::new(
                &CNT001,
                format!(
                    "`{id}` was last verified on {}, longer than {} ago (stale since {expires})",
                    c.verified.value, policy.contact_max_age
                ),
            )
            .at(c.file, c.verified.span)
            .help("check the details with the person, then set `verified` to the date you did")
            .about("contact", id),
        ),
        Status::Expiring => d.push(
            Diagnostic::new(&CNT002, format!("the verification of `{id}` expires on {expires}"))
                .at(c.file, c.verified.span)
                .help("verify the details before then and update `verified`")
                .about("contact", id),
        ),
        Status::Future => d.push(
            Diagnostic::new(
                &CNT003,
                format!("`{id}` is verified on {}, after the check date {}", c.verified.value, ctx.as_of),
            )
            .at(c.file, c.verified.span)
            .help("write the date the details were actually verified")
            .about("contact", id),
        ),
        Status::Current => {}
    }
    st == Status::Stale
}

/// A contact has a deputy (CNT005) unless something relies on it directly, and the deputy of a
/// current contact is not stale (CNT004).
fn deputy(f: &Facts, c: &Located<Contact>, stale: bool, relied_on: bool, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let id = c.id.value.as_str();
    match &c.deputy {
        None if !relied_on => d.push(
            Diagnostic::new(&CNT005, format!("`{id}` has no deputy"))
                .at(c.file, c.head)
                .help("add `deputy <contact>` of the same party")
                .about("contact", id),
        ),
        Some(dep) => {
            if let Some(deputy) = f.contacts.get(dep.value.as_str()).filter(|x| !x.is_former_on(ctx.as_of)) {
                if !stale && status(deputy, &f.policy, ctx.as_of).0 == Status::Stale {
                    d.push(
                        Diagnostic::new(
                            &CNT004,
                            format!(
                                "the deputy of `{id}`, `{}`, is stale (last verified {})",
                                dep.value, deputy.verified.value
                            ),
                        )
                        .at(c.file, dep.span)
                        .with_label(deputy.file, deputy.verified.span, "last verified")
                        .help(format!(
                            "verify the details of `{}` and update its `verified`, or name a current deputy",
                            dep.value
                        ))
                        .about("contact", id),
                    );
                }
            }
        }
        None => {}
    }
}

/// Reachability around the clock, as the plans need it, and within the time a level allows:
/// a level of a plan with a high availability need that must reach someone within a day reaches
/// a contact with a 24x7 channel (CNT006), and a short time limit is not met by e-mail alone
/// (CNT009).
fn reachable_in_time(f: &Facts, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let mut reported = HashSet::new();
    let mut by_mail = HashSet::new();
    let hour = Duration { count: 1, unit: Unit::Hours };
    for p in &f.model.plans {
        let high = f.covered(p).iter().any(|i| matches!(i.availability(), Some(Level::High | Level::VeryHigh)));
        let Some(e) = p.escalation.as_ref() else { continue };
        for l in &e.level {
            let Some(c) = f.contacts.get(l.notify.value.as_str()).filter(|c| !c.is_former_on(ctx.as_of)) else {
                continue;
            };
            let level = |rule, message: String, help: &str| {
                Diagnostic::new(rule, message)
                    .at(p.file, l.notify.span)
                    .with_label(c.file, c.head, "the contact")
                    .help(help)
                    .about("contact", &c.id.value)
            };
            let short = l.within.value < Duration { count: 1, unit: Unit::Days };
            if high && short && !always_reachable(c) && reported.insert((p.id.value.as_str(), c.id.value.as_str())) {
                d.push(level(
                    &CNT006,
                    format!("level {} of plan `{}` must reach `{}` within {} at any hour, but the contact has no 24x7 channel", l.level.value, p.id.value, c.id.value, l.within.value),
                    "add a channel with `available=\"24x7\"` (an on-call phone), or notify a 24x7 desk at this level",
                ));
            }
            let voice = !(c.phone.is_empty() && c.mobile.is_empty());
            let why = if l.within.value < hour && !voice && !c.email.is_empty() {
                Some("can be reached only by e-mail".to_string())
            } else if high && short && always_reachable(c) && !always_by_voice(c) {
                Some("can be reached around the clock only by e-mail".to_string())
            } else {
                None
            };
            if let Some(why) = why.filter(|_| by_mail.insert((p.id.value.as_str(), c.id.value.as_str()))) {
                d.push(level(
                    &CNT009,
                    format!("level {} of plan `{}` must reach `{}` within {}, but the contact {why}: an e-mail does not reach a person in that time", l.level.value, p.id.value, c.id.value, l.within.value),
                    "add a phone or mobile number whose `available` hours cover the level (e.g. an on-call mobile with `available=\"24x7\"`), or notify a desk that answers the phone",
                ));
            }
        }
    }
}

/// The client and the provider each have a current contact reachable around the clock (CNT007).
fn parties_reachable_always(f: &Facts, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let model: &Model = f.model;
    if let Some(config) = model.config.as_ref() {
        for party in config.party.iter().filter(|p| matches!(p.role.value, PartyRole::Client | PartyRole::Provider)) {
            let any = model
                .contacts
                .iter()
                .any(|c| c.party.value == party.id.value && always_reachable(c) && !c.is_former_on(ctx.as_of));
            if !any {
                d.push(
                    Diagnostic::new(
                        &CNT007,
                        format!("party `{}` has no contact reachable around the clock", party.id.value),
                    )
                    .at(config.file, party.id.span)
                    .help("add a duty desk or on-call contact with a channel `available=\"24x7\"`"),
                );
            }
        }
    }
}

/// The carrier contact of an interface with a high or very high availability need can take a
/// fault report at any hour (CNT006): a line fails at night too.
fn carrier_contacts(f: &Facts, d: &mut Vec<Diagnostic>) {
    use crate::model::{Availability, Level};
    for i in &f.model.interfaces {
        let need = i.protection.as_ref().and_then(|p| p.availability.as_ref()).map(|a| a.value);
        if !matches!(need, Some(Level::High | Level::VeryHigh)) {
            continue;
        }
        let Some(c) = i.contacts.as_ref().and_then(|cs| cs.carrier.as_ref()) else { continue };
        let Some(contact) = f.contacts.get(c.value.as_str()) else { continue };
        let always = contact
            .phone
            .iter()
            .chain(&contact.mobile)
            .chain(&contact.email)
            .any(|ch| ch.available == Availability::Always);
        if !always && crate::rules::policy::facts::has_channel(contact) {
            d.push(
                Diagnostic::new(
                    &CNT006,
                    format!(
                        "the carrier contact `{}` of interface `{}` (availability need {}) has no 24x7 channel: a fault of the line at night cannot be reported",
                        c.value,
                        i.id.value,
                        if need == Some(Level::VeryHigh) { "very high" } else { "high" }
                    ),
                )
                .at(i.file, c.span)
                .help("name the carrier's 24x7 fault desk (NOC) here, or give this contact a channel with `available=\"24x7\"`")
                .about("system", &i.id.value),
            );
        }
    }
}
