//! Escalation and the contacts plans rely on (`ESC`): ordered levels, both parties, a fallback,
//! deputies, reachable contacts.

use std::collections::HashSet;

use super::coverage::COV002;
use super::facts::{has_channel, role_word, Facts};
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::{Located, PartyRole, Plan, Spanned};

policy_rules! {
    ESCALATION;
    /// ## What it does
    /// Reports a plan without an `escalation` block with at least one `level`.
    ///
    /// ## Why
    /// Without an escalation chain, nobody knows whom to call next when the first contact does not resolve the emergency.
    ///
    /// ## Example
    /// Passes:
    /// ```kdl
    /// escalation {
    ///     level 1 notify=rzn-duty-desk within="15m"
    ///     level 2 notify=anna.schmidt within="1h"
    ///     unreachable "Call the deputy"
    /// }
    /// ```
    ESC001 = "ESC001" "escalation-missing" Escalation Error
        "a plan has no escalation chain"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports levels that are not numbered consecutively from 1 in order, or whose `within` does not grow from level to level.
    ///
    /// ## Why
    /// Staff follow the chain under stress; a later level that is due earlier than the one before is a contradiction.
    ///
    /// ## Example
    /// Fails: `level 1 ... within="1h"` then `level 2 ... within="30m"`.
    ESC002 = "ESC002" "escalation-out-of-order" Escalation Error
        "escalation levels are not numbered 1, 2, 3, ... with increasing time limits"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports an escalation chain whose levels notify contacts of only one party.
    ///
    /// ## Why
    /// Most emergencies need both parties; a chain that never reaches the client (or the provider) cannot get that cooperation.
    ///
    /// ## Example
    /// Passes: level 1 notifies the provider's duty desk, level 2 the client's application owner.
    ESC003 = "ESC003" "escalation-one-sided" Escalation Error
        "an escalation chain does not name contacts of both client and provider"
        requirement: "In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level.";
    /// ## What it does
    /// Reports an `escalation` block without `unreachable "..."`.
    ///
    /// ## Why
    /// The chain must work at night and during holidays; the fallback is part of the process.
    ///
    /// ## Example
    /// ```kdl
    /// unreachable "Call the contact's deputy, then the client's 24x7 desk"
    /// ```
    ESC004 = "ESC004" "no-fallback-when-unreachable" Escalation Error
        "an escalation chain does not say what happens when nobody answers"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports each contact a plan relies on (responsible, escalation, backup, scenario contacts) that has no `deputy`.
    ///
    /// ## Why
    /// Substitution rules are part of the regulations M 6.83 asks for; a single person is a single point of failure.
    ///
    /// ## Example
    /// Passes: `deputy bernd.mueller` in the contact.
    ESC005 = "ESC005" "deputy-missing" Escalation Error
        "a contact a plan relies on has no deputy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports a contact whose deputy is a contact of a different party.
    ///
    /// ## Why
    /// A deputy stands in with the same authority and knowledge; the provider cannot deputise for the client's application owner.
    ///
    /// ## Example
    /// Fails: client contact `anna.schmidt` with `deputy rzn-duty-desk`.
    ESC006 = "ESC006" "deputy-of-other-party" Escalation Error
        "a contact's deputy belongs to another party"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports `deputy` naming the contact itself.
    ///
    /// ## Why
    /// A self-deputy hides the fact that there is no substitute.
    ///
    /// ## Example
    /// Fails: `contact anna.schmidt { deputy anna.schmidt }`.
    ESC007 = "ESC007" "own-deputy" Escalation Error
        "a contact is named as its own deputy"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a relied-upon contact, or the deputy it falls back to, that has no channel at all. Mutual deputies are fine: the chain only has to end at someone reachable.
    ///
    /// ## Why
    /// A contact list is useful only if the people on it can be reached.
    ///
    /// ## Example
    /// Passes: `mobile "+49 171 555 0101" available="24x7"`.
    ESC008 = "ESC008" "contact-unreachable" Escalation Error
        "a contact a plan relies on, or its deputy, has no phone, mobile or e-mail"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports a level whose `notify` is a contact of an earlier level.
    ///
    /// ## Why
    /// Escalating means bringing in new help; calling the same person again wastes the time the level allows.
    ///
    /// ## Example
    /// Fails: level 1 and level 3 both notify `dirk.hansen`.
    ESC009 = "ESC009" "escalation-repeats-contact" Escalation Error
        "an escalation level notifies a contact already notified at an earlier level"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports an `unreachable` rule that names nobody to turn to: no contact of the repository, no party, no deputy, desk, duty or on-call service, no phone number.
    ///
    /// ## Why
    /// When nobody answers, the person on duty must know whom to call next; "try again later" is no escalation strategy.
    ///
    /// ## Example
    /// Fails: `unreachable "Try again later."`.
    ///
    /// Passes: `unreachable "Call the contact's deputy; after 30 minutes call the HPB IT emergency desk"`.
    ESC010 = "ESC010" "fallback-names-no-one" Escalation Error
        "the rule for when nobody answers names no one to turn to"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
    /// ## What it does
    /// Reports an escalation level whose time limit is longer than the maximum tolerable period of disruption (`mtpd`) of a system or interface the plan covers.
    ///
    /// ## Why
    /// A level reached only after the disruption has become intolerable comes too late to do anything about it.
    ///
    /// ## Example
    /// Fails: `level 3 notify=anna.schmidt within="30d"` for a system with `mtpd "1d"`.
    ESC011 = "ESC011" "escalation-after-mtpd" Escalation Error
        "an escalation level is reached only after the maximum tolerable period of disruption"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented.";
}

/// Contacts the plans rely on, with the first place each is relied on.
pub(crate) fn relied_contacts<'m>(f: &Facts<'m>, as_of: crate::units::Date) -> Vec<(&'m str, FileId, Span)> {
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

pub(crate) fn contacts(f: &Facts, as_of: crate::units::Date, d: &mut Vec<Diagnostic>) {
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

pub(crate) fn escalation(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    responsible_contacts(f, p, d);
    let Some(e) = p.escalation.as_ref().filter(|e| !e.level.is_empty()) else {
        d.push(
            Diagnostic::new(&ESC001, format!("plan `{id}` has no escalation chain"))
                .at(p.file, p.escalation.as_ref().map_or(p.head, |e| e.span))
                .help("add `escalation { level 1 notify=<contact> within=\"15m\" ... unreachable \"...\" }`")
                .about("plan", id),
        );
        return;
    };
    levels(p, e, d);
    reaches_both_parties(f, p, e, d);
    unreachable_stated(p, e, d);
    fallback_and_timing(f, p, e, d);
}

/// A plan names a responsible contact of each side, of that side's party (COV002).
fn responsible_contacts(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
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
                            .help(format!("name a contact of the {side} party here"))
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
}

/// The levels are numbered 1, 2, 3, ... (ESC002), with increasing time limits (ESC002), and each
/// notifies someone new (ESC009).
fn levels(p: &Located<Plan>, e: &Spanned<crate::model::Escalation>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    let mut previous: Option<&Spanned<crate::model::EscalationLevel>> = None;
    let mut notified: Vec<&str> = Vec::new();
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
                    .help("give each level more time than the one before it")
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
        previous = Some(l);
    }
}

/// The chain reaches both the client and the provider (ESC003), unless it names someone whose
/// party is unknown.
fn reaches_both_parties(f: &Facts, p: &Located<Plan>, e: &Spanned<crate::model::Escalation>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    let roles: HashSet<PartyRole> = e.level.iter().filter_map(|l| f.role_of(&l.notify.value)).collect();
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
}

/// The chain says what happens when nobody answers (ESC004).
fn unreachable_stated(p: &Located<Plan>, e: &Spanned<crate::model::Escalation>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
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

/// Words that name someone to turn to in a fallback rule, in English and German (normalised).
const SOMEONE: &[&str] = &[
    "deputy",
    "deputies",
    "substitute",
    "stand",
    "desk",
    "duty",
    "call",
    "hotline",
    "oncall",
    "on",
    "noc",
    "soc",
    "leitstand",
    "manager",
    "management",
    "head",
    "ciso",
    "cio",
    "supervisor",
    "vertretung",
    "vertreter",
    "vertreterin",
    "stellvertreter",
    "stellvertreterin",
    "bereitschaft",
    "rufbereitschaft",
    "leitung",
    "notfall",
    "hotline",
    "servicedesk",
    "service",
];

/// Whether a fallback text names someone: a contact or party of the repository, a phone number,
/// or a word for a deputy, desk or duty service.
fn names_someone(f: &Facts, text: &str) -> bool {
    let lower = text.to_lowercase();
    let norm = super::words::normalise(text);
    let words: Vec<&str> = norm.split(' ').collect();
    let phone = text.chars().filter(char::is_ascii_digit).count() >= 6;
    let contact = f.mentions_contact_id(&lower);
    let party = f.model.config.as_ref().is_some_and(|c| {
        c.party.iter().any(|p| {
            words.contains(&p.id.value.to_lowercase().as_str())
                || (!p.name.is_empty() && lower.contains(&p.name.to_lowercase()))
        })
    });
    let role = words.iter().any(|w| SOMEONE.contains(w) && *w != "call" && *w != "on" && *w != "stand")
        || norm.contains("on call")
        || norm.contains("stand by")
        || norm.contains("standby");
    phone || contact || party || role
}

/// The fallback when nobody answers names someone (ESC010); no level comes after the disruption
/// has become intolerable (ESC011).
fn fallback_and_timing(f: &Facts, p: &Located<Plan>, e: &crate::model::Escalation, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if let Some(u) = &e.unreachable {
        if !names_someone(f, &u.value) {
            d.push(
                Diagnostic::new(
                    &ESC010,
                    format!("the rule of plan `{id}` for when nobody answers names no one to turn to: \"{}\"", u.value),
                )
                .at(p.file, u.span)
                .label("whom to call next?")
                .help(
                    "name whom to call and when: the contact's deputy, a 24x7 desk or duty service, or a contact by id",
                )
                .about("plan", id),
            );
        }
    }
    let tightest = f
        .covered(&p.value)
        .into_iter()
        .filter_map(|i| i.mtpd().map(|m| (m.value, i.id().value.clone())))
        .min_by_key(|(m, _)| m.minutes());
    let Some((mtpd, of)) = tightest else { return };
    if let Some(l) = e.level.iter().find(|l| l.within.value.minutes() > mtpd.minutes()) {
        d.push(
            Diagnostic::new(
                &ESC011,
                format!(
                    "level {} of plan `{id}` is reached only after {}, longer than the MTPD of `{of}` ({mtpd})",
                    l.level.value, l.within.value
                ),
            )
            .at(p.file, l.within.span)
            .help(format!("reach this level within {mtpd} at most: after that the disruption is no longer tolerable"))
            .about("plan", id),
        );
    }
}
