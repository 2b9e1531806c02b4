//! Coverage and responsibility (`COV`): every system and interface covered, responsible
//! contacts of both parties, protection needs stated and acknowledged.

use std::collections::HashSet;

use super::facts::{role_word, Facts, Inventory};
use crate::diagnostic::Diagnostic;
use crate::model::{Level, PartyRole};

policy_rules! {
    COVERAGE;
    /// ## What it does
    /// Reports every system (client or provider side) and every interface that no plan lists in `covers`.
    ///
    /// ## Why
    /// M 6.83 requires contingency plans for the systems at both parties *and* for the interfaces between them; an uncovered line or router is where outsourcing emergencies typically start.
    ///
    /// ## Example
    /// Fails: `interface mpls-line { ... }` and no plan with `covers mpls-line`.
    ///
    /// Passes:
    /// ```kdl
    /// plan wan { covers mpls-line vpn-router }
    /// ```
    COV001 = "COV001" "system-not-covered" Coverage Error
        "a system or interface is not covered by any plan"
        requirement: "In general, contingency plans must exist for the systems at the client, at the outsourcing service provider and for the interfaces between the client and the service provider (eg network connection, router, telecommunications provider).";
    /// ## What it does
    /// Reports a plan whose `responsible` node lacks the client or the provider contact, or names a contact of the wrong party.
    ///
    /// ## Why
    /// Emergency preparedness is divided between the parties; each must have one person answerable for the plan.
    ///
    /// ## Example
    /// Fails: `responsible client=anna.schmidt` (no provider).
    ///
    /// Passes:
    /// ```kdl
    /// responsible client=anna.schmidt provider=dirk.hansen
    /// ```
    COV002 = "COV002" "responsible-contact-missing" Coverage Error
        "a plan does not name a responsible contact of both client and provider"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a system whose `owner` is a contact of a party other than the client.
    ///
    /// ## Why
    /// The application remains the client's responsibility even when the provider operates it.
    ///
    /// ## Example
    /// Fails: `owner dirk.hansen` where dirk.hansen belongs to the provider.
    ///
    /// Passes: `owner anna.schmidt` (a client contact).
    COV003 = "COV003" "owner-not-client-contact" Coverage Error
        "the application owner of a system is not a client contact"
        requirement: "Nevertheless, the responsibility for the application lies exclusively with the client.";
    /// ## What it does
    /// Reports an interface without `contacts client=... provider=...`, or whose contacts belong to the wrong party.
    ///
    /// ## Why
    /// A failed line is diagnosed from both ends; each side needs someone to call.
    ///
    /// ## Example
    /// Passes:
    /// ```kdl
    /// interface mpls-line { contacts client=ole.carstens provider=frank.meyer }
    /// ```
    COV004 = "COV004" "interface-contact-missing" Coverage Error
        "an interface lacks a named contact on the client or the provider side"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a system or interface covered by a plan whose `protection` lacks confidentiality, integrity or availability.
    ///
    /// ## Why
    /// The provider can take reasonable care only when told the protection needs.
    ///
    /// ## Example
    /// Passes:
    /// ```kdl
    /// protection confidentiality=high integrity=high availability=very-high
    /// ```
    COV005 = "COV005" "protection-needs-missing" Coverage Error
        "a covered system does not state its protection needs for confidentiality, integrity and availability"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken.";
    /// ## What it does
    /// Reports a system or interface with `availability=high` or `very-high` that does not set `mtpd`, `rto` and `rpo`.
    ///
    /// ## Why
    /// A high availability need is only actionable with explicit recovery objectives.
    ///
    /// ## Example
    /// Passes:
    /// ```kdl
    /// mtpd "24h"
    /// rto "4h"
    /// rpo "1h"
    /// ```
    COV006 = "COV006" "recovery-objectives-missing" Coverage Error
        "a system with high or very high availability need lacks MTPD, RTO or RPO"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken.";
    /// ## What it does
    /// Reports a covered system or interface without `acknowledged by=<provider contact> date="..."`, or acknowledged by someone not of the provider. A system whose `operator` is the client party is not asked for: the client operates it itself.
    ///
    /// ## Why
    /// The requirement says the provider must be told the protection needs; the acknowledgement is the evidence.
    ///
    /// ## Example
    /// Passes:
    /// ```kdl
    /// acknowledged by=michael.wagner date="2026-02-01"
    /// ```
    COV007 = "COV007" "protection-needs-not-acknowledged" Coverage Error
        "the provider has not acknowledged a covered system's protection needs"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken.";
    /// ## What it does
    /// Reports an interface whose `carrier` is not a party with `role=carrier` (or `sub-provider`) in `contingent.kdl`, or whose `contacts carrier=` contact belongs to another party than the interface's carrier.
    ///
    /// ## Why
    /// In an outage of the line, staff call the carrier named here; naming the client or the provider as carrier, or another carrier's contact, sends them to the wrong desk.
    ///
    /// ## Example
    /// Fails: `carrier rzn` where `party rzn role=provider`.
    COV008 = "COV008" "carrier-not-a-carrier" Coverage Error
        "an interface's carrier is not a carrier party, or its carrier contact belongs to another party"
        requirement: "In general, contingency plans must exist for the systems at the client, at the outsourcing service provider and for the interfaces between the client and the service provider (eg network connection, router, telecommunications provider).";
}

pub(crate) fn coverage(f: &Facts, plans_broken: bool, as_of: crate::units::Date, d: &mut Vec<Diagnostic>) {
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
        protection_stated(inv, d);
        objectives_for_high_availability(inv, d);
        acknowledgement(f, inv, as_of, d);
    }
    application_owners(f, d);
    for i in &f.model.interfaces {
        interface_contacts(f, i, d);
        carrier(f, i, d);
    }
}

/// The names of the parts that are missing, in the order given.
pub(super) fn lacking<const N: usize>(parts: [(&'static str, bool); N]) -> Vec<&'static str> {
    parts.into_iter().filter(|(_, missing)| *missing).map(|(name, _)| name).collect()
}

/// A covered system or interface states its protection need in all three respects (COV005).
fn protection_stated(inv: &Inventory, d: &mut Vec<Diagnostic>) {
    let id = &inv.id().value;
    let protection = inv.protection();
    let missing: Vec<&str> = match protection {
        None => vec!["confidentiality", "integrity", "availability"],
        Some(p) => {
            [("confidentiality", &p.confidentiality), ("integrity", &p.integrity), ("availability", &p.availability)]
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| n)
                .collect()
        }
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
}

/// A high availability need comes with a maximum tolerable downtime, RTO and RPO (COV006).
fn objectives_for_high_availability(inv: &Inventory, d: &mut Vec<Diagnostic>) {
    let id = &inv.id().value;
    let protection = inv.protection();
    let availability = protection.and_then(|p| p.availability.as_ref()).map(|a| a.value);
    if matches!(availability, Some(Level::High | Level::VeryHigh)) {
        let missing =
            lacking([("mtpd", inv.mtpd().is_none()), ("rto", inv.rto().is_none()), ("rpo", inv.rpo().is_none())]);
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
}

/// The provider has acknowledged the protection needs of what it operates, by a provider
/// contact and not after the check date (COV007).
fn acknowledgement(f: &Facts, inv: &Inventory, as_of: crate::units::Date, d: &mut Vec<Diagnostic>) {
    let id = &inv.id().value;
    // The provider must be told the protection needs of what it operates; a system the client
    // operates itself needs no acknowledgement by the provider.
    let client_operated =
        matches!(inv, Inventory::System(s) if f.roles.get(s.operator.value.as_str()) == Some(&PartyRole::Client));
    match inv.acknowledged() {
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
        // An acknowledgement, where given, is the provider's and lies in the past, whoever
        // operates the system.
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
            if a.date.value > as_of {
                d.push(
                    Diagnostic::new(
                        &COV007,
                        format!(
                            "the protection needs of `{id}` are acknowledged on {}, after the check date {as_of}: they are not acknowledged yet",
                            a.date.value
                        ),
                    )
                    .at(inv.file(), a.date.span)
                    .label("in the future")
                    .help("write the day the provider acknowledged the protection needs; if it has not yet, it must before the plan counts")
                    .about("system", id),
                );
            }
        }
    }
}

/// The application owner of a system is a client contact (COV003).
fn application_owners(f: &Facts, d: &mut Vec<Diagnostic>) {
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
}

/// An interface names a contact of each side, of that side's party (COV004).
fn interface_contacts(f: &Facts, i: &crate::model::Located<crate::model::Interface>, d: &mut Vec<Diagnostic>) {
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
                        .help(format!("name a contact of the {side} party"))
                        .about("system", &i.id.value),
                    );
                }
            }
        }
    }
}

/// The carrier of an interface is a carrier, and its carrier contact is the carrier's (COV008).
fn carrier(f: &Facts, i: &crate::model::Located<crate::model::Interface>, d: &mut Vec<Diagnostic>) {
    let id = i.id.value.as_str();
    if let Some(c) = &i.carrier {
        if let Some(&role) = f.roles.get(c.value.as_str()) {
            if !matches!(role, PartyRole::Carrier | PartyRole::SubProvider) {
                d.push(
                    Diagnostic::new(
                        &COV008,
                        format!("the carrier of interface `{id}` is `{}`, the {}", c.value, role_word(role)),
                    )
                    .at(i.file, c.span)
                    .label("not a carrier")
                    .help("name the party that carries the line (a party with `role=carrier` in contingent.kdl)")
                    .about("system", id),
                );
            }
        }
    }
    let contact = i.contacts.as_ref().and_then(|cs| cs.carrier.as_ref());
    // a line the client needs highly available must be reportable to its carrier at once
    let needed = i
        .protection
        .as_ref()
        .and_then(|p| p.availability.as_ref())
        .is_some_and(|a| matches!(a.value, crate::model::Level::High | crate::model::Level::VeryHigh));
    if let (None, Some(carrier), true) = (contact, &i.carrier, needed) {
        d.push(
            Diagnostic::new(
                &COV004,
                format!("interface `{id}` is carried by `{}` but names no carrier contact", carrier.value),
            )
            .at(i.file, carrier.span)
            .help("add `carrier=<contact>` to `contacts`: the carrier's fault desk that takes the report")
            .about("system", id),
        );
    }
    if let (Some(c), Some(carrier)) = (contact, &i.carrier) {
        if let Some(x) = f.contacts.get(c.value.as_str()).filter(|x| x.party.value != carrier.value) {
            d.push(
                Diagnostic::new(
                    &COV008,
                    format!(
                        "the carrier contact `{}` of interface `{id}` belongs to `{}`, not to its carrier `{}`",
                        c.value, x.party.value, carrier.value
                    ),
                )
                .at(i.file, c.span)
                .with_label(i.file, carrier.span, "the carrier")
                .help(format!("name a contact of `{}`", carrier.value))
                .about("system", id),
            );
        }
    }
}
