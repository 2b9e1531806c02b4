//! Contact lists that stay true: verification age, deputies, reachability around the clock.

use std::collections::HashSet;

use crate::check::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{Availability, Contact, Level, Model, PartyRole, Policy};
use crate::rules::policy::Facts;
use crate::units::{Date, Duration, Unit};

policy_rules! {
    CONTACTS;
    CNT001 = "CNT001" "contact-stale" Contacts Error
        "a contact was last verified longer ago than the policy allows"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a contact whose `verified` date is older than `policy contact-max-age` (default 6mo).\n\n## Why\nContact lists rot: people change roles, numbers change. An unverified list is found wrong in the emergency.\n\n## Example\nFails on 2026-11-01: `verified \"2026-03-01\"` with the default maximum age.";
    CNT002 = "CNT002" "contact-verification-expiring" Contacts Warning
        "a contact's verification expires soon"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nWarns when a contact becomes stale within `policy contact-warning` (default 30d).\n\n## Why\nVerifying before the deadline keeps the list current without a rush.\n\n## Example\nOn 2026-11-01, `verified \"2026-05-15\"` expires on 2026-11-15.";
    CNT003 = "CNT003" "verified-in-the-future" Contacts Error
        "a contact's verification date lies in the future"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a `verified` date after the check date.\n\n## Why\nA future date is a typo that would keep the contact from ever looking stale.\n\n## Example\n`verified \"2027-09-01\"` checked on 2026-11-01.";
    CNT004 = "CNT004" "deputy-stale" Contacts Warning
        "a contact's deputy is itself stale"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nWarns about a contact whose deputy's verification is older than the maximum age.\n\n## Why\nA substitution rule is only as good as the substitute's details.\n\n## Example\nVerify the deputy's contact details.";
    CNT005 = "CNT005" "contact-without-deputy" Contacts Warning
        "a contact has no deputy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nWarns about a contact without `deputy` that no plan relies on yet (contacts plans rely on are reported by ESC005).\n\n## Why\nSubstitution rules belong to every contact on an emergency list.\n\n## Example\n`deputy bernd.mueller`";
    CNT006 = "CNT006" "contact-not-reachable-around-the-clock" Contacts Error
        "a contact that must be reachable around the clock has no 24x7 channel"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nFor plans covering a system with a high or very high availability need, every escalation level that allows less than a day must reach its contact around the clock: the contact needs a channel with `available=\"24x7\"`. Also reports a 24x7 need met only by business-hours channels.\n\n## Why\nAn emergency at night cannot wait for office hours when the allowed time is shorter than a day.\n\n## Example\n```kdl\nmobile \"+49 171 555 0101\" available=\"24x7\"\n```";
    CNT007 = "CNT007" "party-without-emergency-contact" Contacts Error
        "the client or the provider has no contact reachable around the clock"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports the client or provider party when none of its contacts has a channel with `available=\"24x7\"`.\n\n## Why\nEach party needs an emergency contact that answers at any time (a duty desk, an on-call phone).\n\n## Example\n```kdl\ncontact rzn-duty-desk { party rzn; phone \"+49 40 555 2000\" available=\"24x7\"; ... }\n```";
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

pub fn check(f: &Facts, relied: &HashSet<&str>, contacts_broken: bool, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let model: &Model = f.model;
    let policy = &f.policy;
    for c in &model.contacts {
        let id = c.id.value.as_str();
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
        match &c.deputy {
            None if !relied.contains(id) => d.push(
                Diagnostic::new(&CNT005, format!("`{id}` has no deputy"))
                    .at(c.file, c.head)
                    .help("add `deputy <contact>` of the same party")
                    .about("contact", id),
            ),
            Some(dep) => {
                if let Some(deputy) = f.contacts.get(dep.value.as_str()) {
                    if st != Status::Stale && status(deputy, policy, ctx.as_of).0 == Status::Stale {
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
                            .about("contact", id),
                        );
                    }
                }
            }
            None => {}
        }
    }
    // Reachability around the clock, as the plans need it.
    let mut reported = HashSet::new();
    for p in &model.plans {
        let high = f.covered(p).iter().any(|i| matches!(i.availability(), Some(Level::High | Level::VeryHigh)));
        let Some(e) = p.escalation.as_ref().filter(|_| high) else { continue };
        for l in e.level.iter().filter(|l| l.within.value < Duration { count: 1, unit: Unit::Days }) {
            let Some(c) = f.contacts.get(l.notify.value.as_str()) else { continue };
            if !always_reachable(c) && reported.insert((p.id.value.as_str(), c.id.value.as_str())) {
                d.push(
                    Diagnostic::new(&CNT006, format!("level {} of plan `{}` must reach `{}` within {} at any hour, but the contact has no 24x7 channel", l.level.value, p.id.value, c.id.value, l.within.value))
                        .at(p.file, l.notify.span)
                        .with_label(c.file, c.head, "the contact")
                        .help("add a channel with `available=\"24x7\"` (an on-call phone), or notify a 24x7 desk at this level")
                        .about("contact", &c.id.value),
                );
            }
        }
    }
    if let Some(config) = model.config.as_ref().filter(|_| !contacts_broken) {
        for party in config.party.iter().filter(|p| matches!(p.role.value, PartyRole::Client | PartyRole::Provider)) {
            let any = model.contacts.iter().any(|c| c.party.value == party.id.value && always_reachable(c));
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
