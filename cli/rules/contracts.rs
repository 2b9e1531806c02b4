//! Plans against the contract revisions they implement, and the contract's own completeness.

use std::collections::HashMap;

use crate::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ExerciseKind, Located, Plan, Revision, Sla, Spanned};
use crate::rules::policy::facts::Facts;
use crate::units::{Date, Duration};

policy_rules! {
    CONTRACTS;
    /// ## What it does
    /// Reports a revision whose number or effective date is not greater than the previous revision's.
    ///
    /// ## Why
    /// Plans pin revisions by number, and the revision in effect is found by date; both must increase together.
    ///
    /// ## Example
    /// Fails: `revision 2 effective="2025-04-01"` followed by `revision 3 effective="2025-01-01"`.
    CON001 = "CON001" "revisions-out-of-order" Contracts Error
        "contract revisions are not numbered and dated in increasing order"
        requirement: "In M 2.253 contract design with the outsourcing service provider, there are some indications as to which aspects should already be regulated in the service level agreement.";
    /// ## What it does
    /// Reports a plan without `contract <id> revision=<n>`.
    ///
    /// ## Why
    /// A plan implements the SLA of one contract revision; without the pin nobody can tell whether it is current.
    ///
    /// ## Example
    /// ```kdl
    /// contract msa revision=3
    /// ```
    CON002 = "CON002" "contract-not-pinned" Contracts Error
        "a plan does not say which contract revision it implements"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Reports a plan pinned to an older revision than the one in effect on the check date. During the grace period (`policy review-grace`, default 60d, after the new revision took effect) it is a warning, afterwards an error. The message names both revisions, the date the new one took effect and the SLA terms that changed between them.
    ///
    /// ## Why
    /// A new revision changes what the plan must deliver.
    ///
    /// ## Example
    /// Fails: `contract msa revision=2` while revision 3 took effect 90 days ago.
    CON003 = "CON003" "plan-review-due" Contracts Error
        "a newer contract revision is in effect than the one the plan implements"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Notes a revision that takes effect within `policy revision-notice` (default 30d), naming the plans that will need review.
    ///
    /// ## Why
    /// Reviews are easier before the revision applies than after.
    ///
    /// ## Example
    /// A `revision 4 effective="2026-12-01"` checked on 2026-11-15.
    CON004 = "CON004" "revision-taking-effect" Contracts Note
        "a contract revision takes effect soon"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Warns about a plan pinned to a revision whose effective date is after the check date.
    ///
    /// ## Why
    /// Until then, the revision in effect is the older one, which the plan no longer claims to implement.
    ///
    /// ## Example
    /// `contract msa revision=4` on 2026-11-15, with revision 4 effective 2026-12-01.
    CON005 = "CON005" "pinned-revision-not-in-effect" Contracts Warning
        "a plan pins a revision that has not taken effect yet"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Compares, for each covered system with SLA terms in the pinned revision, the plan's RTO and RPO (its `objective`, else the system's own) with the contract's.
    ///
    /// ## Why
    /// The plan must deliver what the contract promises.
    ///
    /// ## Example
    /// Fails: SLA `rto="2h"` and `objective payment-hub rto="4h"`.
    CON006 = "CON006" "objective-weaker-than-sla" Contracts Error
        "a plan's RTO or RPO for a system is weaker than the contract's"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Reports each exercise the pinned revision requires that the plan lacks, holds less often, or holds without the client although the contract requires the client's participation (`joint=#true`).
    ///
    /// ## Why
    /// The contract fixes the exercises; the plan must at least match them.
    ///
    /// ## Example
    /// Fails: contract `exercise alarm-test every="6mo"` and no `exercise alarm-test` in the plan.
    CON007 = "CON007" "exercises-below-contract" Contracts Error
        "a plan's exercise concept does not meet the contract's exercise terms"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Compares the plan's `backup` with the backup terms of the SLA of each covered system: interval, retention, off-site copy and restore-test interval.
    ///
    /// ## Why
    /// The client's backup requirements are part of the contract (M 2.253).
    ///
    /// ## Example
    /// Fails: SLA `backup every="15m"` and plan `schedule every="1h"`.
    CON008 = "CON008" "backup-below-contract" Contracts Error
        "a plan's backup regulation does not meet the contract's backup terms"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports an SLA target marked `redundant=#true` in the pinned revision when the plan covering it has no scenario with `failover #true`.
    ///
    /// ## Why
    /// Redundancy helps only when staff know how to switch over.
    ///
    /// ## Example
    /// Add `scenario hub-node-failover ... failover=#true { ... }`.
    CON009 = "CON009" "redundant-without-failover" Contracts Error
        "the contract requires a system to be redundant but no plan covering it has a failover scenario"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Lists what a revision lacks of: incident categories by type, severity and urgency; required actions; response times; escalation levels; the provider's duty to cooperate; the client's participation in exercises; the client's backup requirements; which systems must be redundant.
    ///
    /// ## Why
    /// Contract design for outsourcing (M 2.253) puts these in the contract so the emergency plans can rely on them.
    ///
    /// ## Example
    /// ```kdl
    /// escalation "Level 1: RZN shift lead" "Level 2: account manager"
    /// cooperation "RZN cooperates in every emergency ..."
    /// ```
    CON010 = "CON010" "emergency-terms-missing" Contracts Warning
        "a contract revision lacks emergency terms that M 2.253 asks for"
        requirement: "In M 2.253 contract design with the outsourcing service provider, there are some indications as to which aspects should already be regulated in the service level agreement.";
    /// ## What it does
    /// Reports a contract whose `client` is not the party with `role=client` in `contingent.kdl`, or whose `provider` is not a party with `role=provider`.
    ///
    /// ## Why
    /// The contract's duties (who cooperates, who answers within the response time) follow from the roles; a contract with the parties swapped obliges the wrong side.
    ///
    /// ## Example
    /// Fails: `client rzn` and `provider hpb` where `party hpb role=client` and `party rzn role=provider`.
    CON011 = "CON011" "contract-party-in-wrong-role" Contracts Error
        "a contract names a party in a role the configuration does not give it"
        requirement: "In M 2.253 contract design with the outsourcing service provider, there are some indications as to which aspects should already be regulated in the service level agreement.";
    /// ## What it does
    /// Reports SLA terms of one revision that contradict each other or the system they are for: a backup interval (`backup every=`) longer than the `rpo`, or an `rto` not below the target system's `mtpd`.
    ///
    /// ## Why
    /// A plan that implements contradictory terms cannot meet them all; the contract must be precise before the plan can be.
    ///
    /// ## Example
    /// Fails: `sla core-banking-db rpo="15m" { backup every="1h" }`.
    CON012 = "CON012" "sla-terms-inconsistent" Contracts Error
        "the SLA terms of a revision contradict each other or the system they are for"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Reports a plan whose first escalation level allows more time than the shortest response time the pinned revision promises for a system the plan covers.
    ///
    /// ## Why
    /// The response time is the contract's promise for the first reaction; an escalation chain that starts later breaks it in every emergency.
    ///
    /// ## Example
    /// Fails: `level 1 notify=rzn-duty-desk within="20m"` with `response p1 within="15m"`.
    CON013 = "CON013" "escalation-slower-than-response-time" Contracts Error
        "a plan's first escalation level is slower than the contract's response time"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
}

fn sla_map(r: &Revision) -> HashMap<&str, &Sla> {
    r.sla.iter().map(|s| (s.target.value.as_str(), s)).collect()
}

fn d(o: &Option<Spanned<Duration>>) -> String {
    o.as_ref().map_or("-".into(), |d| d.value.to_string())
}

/// The SLA terms that differ between two revisions, in words ("payment-hub RTO 4h → 2h").
pub fn sla_changes(old: &Revision, new: &Revision) -> Vec<String> {
    changes(old, new, None)
}

/// The SLA terms that differ between two revisions for the systems and interfaces a plan covers,
/// and changes of the required exercises: what concerns that plan.
pub fn sla_changes_for(old: &Revision, new: &Revision, covers: &[&str]) -> Vec<String> {
    changes(old, new, Some(covers))
}

fn changes(old: &Revision, new: &Revision, only: Option<&[&str]>) -> Vec<String> {
    let (a, b) = (sla_map(old), sla_map(new));
    let mut targets: Vec<&str> =
        a.keys().chain(b.keys()).copied().filter(|t| only.is_none_or(|o| o.contains(t))).collect();
    targets.sort_unstable();
    targets.dedup();
    let mut out = Vec::new();
    for t in targets {
        match (a.get(t), b.get(t)) {
            (None, Some(_)) => out.push(format!("{t} added")),
            (Some(_), None) => out.push(format!("{t} removed")),
            (Some(x), Some(y)) => {
                for (what, p, q) in [("RTO", d(&x.rto), d(&y.rto)), ("RPO", d(&x.rpo), d(&y.rpo))] {
                    if p != q {
                        out.push(format!("{t} {what} {p} → {q}"));
                    }
                }
                if x.availability != y.availability {
                    out.push(format!(
                        "{t} availability {} → {}",
                        x.availability.as_deref().unwrap_or("-"),
                        y.availability.as_deref().unwrap_or("-")
                    ));
                }
                if x.redundant.unwrap_or(false) != y.redundant.unwrap_or(false) {
                    out.push(format!(
                        "{t} {}",
                        if y.redundant == Some(true) { "must now be redundant" } else { "no longer needs redundancy" }
                    ));
                }
                let bx = x.backup.as_ref().map(|b| (d(&b.every), d(&b.retention), b.offsite, d(&b.restore_test)));
                let by = y.backup.as_ref().map(|b| (d(&b.every), d(&b.retention), b.offsite, d(&b.restore_test)));
                if bx != by {
                    out.push(format!("{t} backup terms changed"));
                }
                let rx: Vec<(String, String)> =
                    x.response.iter().map(|r| (r.category.value.clone(), r.within.value.to_string())).collect();
                let ry: Vec<(String, String)> =
                    y.response.iter().map(|r| (r.category.value.clone(), r.within.value.to_string())).collect();
                if rx != ry {
                    out.push(format!("{t} response times changed"));
                }
            }
            (None, None) => {}
        }
    }
    let ex = |r: &Revision| {
        r.exercise.iter().map(|e| (e.kind.value, e.every.value, e.client_participates)).collect::<Vec<_>>()
    };
    if ex(old) != ex(new) {
        out.push("required exercises changed".into());
    }
    out
}

/// The revision of a contract in effect on a date: the highest-numbered one already effective.
pub fn in_effect(c: &crate::model::Contract, on: Date) -> Option<&Spanned<Revision>> {
    c.revision.iter().filter(|r| r.effective.value <= on).max_by_key(|r| r.number.value)
}

pub fn check(f: &Facts, ctx: &Context, d: &mut Vec<Diagnostic>) {
    let model = f.model;
    let policy = &f.policy;
    for c in &model.contracts {
        for w in c.revision.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if b.number.value <= a.number.value || b.effective.value <= a.effective.value {
                d.push(
                    Diagnostic::new(&CON001, format!("revision {} (effective {}) follows revision {} (effective {}): numbers and dates must both increase", b.number.value, b.effective.value, a.number.value, a.effective.value))
                        .at(c.file, b.effective.span)
                        .with_label(c.file, a.effective.span, "the previous revision")
                        .help("number the revisions 1, 2, 3, ... in the order they take effect, each with a later date")
                        .about("contract", &c.id.value),
                );
            }
        }
        parties_and_terms(f, c, ctx.as_of, d);
        for r in &c.revision {
            completeness(c, r, d);
            let notice_end = ctx.as_of.plus(policy.revision_notice);
            if r.effective.value > ctx.as_of && r.effective.value <= notice_end {
                let plans: Vec<&str> = model
                    .plans
                    .iter()
                    .filter(|p| p.contract.as_ref().is_some_and(|x| x.id.value == c.id.value))
                    .map(|p| p.id.value.as_str())
                    .collect();
                d.push(
                    Diagnostic::new(
                        &CON004,
                        format!(
                            "revision {} of contract `{}` takes effect on {}; plans to review: {}",
                            r.number.value,
                            c.id.value,
                            r.effective.value,
                            if plans.is_empty() { "none".to_string() } else { plans.join(", ") }
                        ),
                    )
                    .at(c.file, r.effective.span)
                    .about("contract", &c.id.value),
                );
            }
        }
    }
    let contracts: HashMap<&str, &Located<crate::model::Contract>> =
        model.contracts.iter().map(|c| (c.id.value.as_str(), c)).collect();
    for p in &model.plans {
        let Some(pin) = &p.contract else {
            d.push(
                Diagnostic::new(
                    &CON002,
                    format!("plan `{}` does not say which contract revision it implements", p.id.value),
                )
                .at(p.file, p.head)
                .help("add `contract <id> revision=<number>`")
                .about("plan", &p.id.value),
            );
            continue;
        };
        let Some(contract) = contracts.get(pin.id.value.as_str()) else { continue }; // REF002
        let Some(pinned) = contract.revision.iter().find(|r| r.number.value == pin.revision.value) else { continue }; // REF002
        if pinned.effective.value > ctx.as_of {
            d.push(
                Diagnostic::new(
                    &CON005,
                    format!(
                        "plan `{}` pins revision {} of `{}`, which takes effect only on {}",
                        p.id.value, pinned.number.value, contract.id.value, pinned.effective.value
                    ),
                )
                .at(p.file, pin.revision.span)
                .with_label(contract.file, pinned.effective.span, "effective date")
                .about("plan", &p.id.value),
            );
        }
        if let Some(current) = in_effect(contract, ctx.as_of).filter(|r| r.number.value > pinned.number.value) {
            let grace_end = current.effective.value.plus(policy.review_grace);
            let covers: Vec<&str> = p.covers.iter().map(|c| c.value.as_str()).collect();
            let changes = sla_changes_for(pinned, current, &covers);
            let severity = if ctx.as_of <= grace_end { Severity::Warning } else { Severity::Error };
            let when = if severity == Severity::Warning {
                format!("review by {grace_end}")
            } else {
                format!("the review was due on {grace_end}")
            };
            d.push(
                Diagnostic::new(&CON003, format!(
                    "plan `{}` implements revision {} of `{}`, but revision {} is in effect since {} ({when}); changed: {}",
                    p.id.value,
                    pinned.number.value,
                    contract.id.value,
                    current.number.value,
                    current.effective.value,
                    if changes.is_empty() { "no SLA terms of the systems it covers".to_string() } else { changes.join(", ") }
                ))
                .severity(severity)
                .at(p.file, pin.revision.span)
                .with_label(contract.file, current.effective.span, format!("revision {} takes effect", current.number.value))
                .help(format!("review the plan against revision {}, then pin it: `contract {} revision={}`", current.number.value, contract.id.value, current.number.value))
                .about("plan", &p.id.value),
            );
        }
        conformance(f, p, contract, pinned, d);
        first_response(p, contract, pinned, d);
    }
}

/// The contract's parties against the configured roles (CON011), and each SLA's terms against
/// each other and against the system they are for (CON012).
fn parties_and_terms(f: &Facts, c: &Located<crate::model::Contract>, as_of: Date, d: &mut Vec<Diagnostic>) {
    use crate::model::PartyRole;
    use crate::rules::policy::facts::role_word;
    for (field, party, want) in
        [("client", &c.client, PartyRole::Client), ("provider", &c.provider, PartyRole::Provider)]
    {
        let Some(&role) = f.roles.get(party.value.as_str()) else { continue }; // REF002
        if role != want {
            d.push(
                Diagnostic::new(
                    &CON011,
                    format!(
                        "contract `{}` names `{}` as its {field}, but contingent.kdl gives it the role {}",
                        c.id.value,
                        party.value,
                        role_word(role)
                    ),
                )
                .at(c.file, party.span)
                .label(format!("not the {field}"))
                .help(format!("name the party with `role={field}` here (are client and provider swapped?)"))
                .about("contract", &c.id.value),
            );
        }
    }
    // superseded revisions are history: the terms in effect and those to come must hold
    let current = in_effect(c, as_of).map_or(0, |r| r.number.value);
    for r in c.revision.iter().filter(|r| r.number.value >= current) {
        for sla in &r.sla {
            let target = sla.target.value.as_str();
            let mut push = |span, message: String, help: &str| {
                d.push(
                    Diagnostic::new(&CON012, format!("revision {} of `{}`: {message}", r.number.value, c.id.value))
                        .at(c.file, span)
                        .help(help.to_string())
                        .about("contract", &c.id.value),
                );
            };
            if let (Some(every), Some(rpo)) = (sla.backup.as_ref().and_then(|b| b.every.as_ref()), &sla.rpo) {
                if every.value > rpo.value {
                    push(
                        every.span,
                        format!(
                            "backups every {} cannot keep the RPO of {} it promises for `{target}`",
                            every.value, rpo.value
                        ),
                        "back up at least as often as the RPO, or agree on the RPO the backups can keep",
                    );
                }
            }
            if let Some(a) = &sla.availability {
                let number = a.trim().trim_end_matches('%').trim().replace(',', ".");
                if number.parse::<f64>().is_ok_and(|x| !(0.0..=100.0).contains(&x)) {
                    push(
                        sla.target.span,
                        format!("the availability of `{target}` is {a}, which no service can have"),
                        "write the agreed availability as a percentage of at most 100 %",
                    );
                }
            }
            let rank = |category: &str| {
                let severity =
                    r.category.iter().find(|c| c.id.value == category).and_then(|c| c.severity.as_deref())?;
                ["low", "niedrig", "medium", "mittel", "high", "hoch", "critical", "kritisch"]
                    .iter()
                    .position(|w| severity.eq_ignore_ascii_case(w))
                    .map(|i| i / 2)
            };
            for a in &sla.response {
                for b in &sla.response {
                    if let (Some(ra), Some(rb)) = (rank(&a.category.value), rank(&b.category.value)) {
                        if ra > rb && a.within.value.minutes() > b.within.value.minutes() {
                            push(
                                a.within.span,
                                format!(
                                    "`{target}` gets a response within {} for the more severe category `{}`, but within {} for `{}`",
                                    a.within.value, a.category.value, b.within.value, b.category.value
                                ),
                                "answer the more severe category at least as fast as the less severe one",
                            );
                        }
                    }
                }
            }
            let own = f.inventory.get(target);
            for (what, term, need) in
                [("RTO", &sla.rto, own.and_then(|i| i.rto())), ("RPO", &sla.rpo, own.and_then(|i| i.rpo()))]
            {
                if let (Some(term), Some(need)) = (term, need) {
                    if term.value.minutes() > need.value.minutes() {
                        push(
                            term.span,
                            format!("the {what} of {} for `{target}` is weaker than the system's own {what} of {}", term.value, need.value),
                            "agree on terms that meet the system's objectives, or correct the system's objective if it is wrong",
                        );
                    }
                }
            }
            let mtpd = own.and_then(|i| i.mtpd());
            if let (Some(rto), Some(mtpd)) = (&sla.rto, mtpd) {
                if rto.value >= mtpd.value {
                    push(
                        rto.span,
                        format!("the RTO of {} for `{target}` is not below its MTPD of {}", rto.value, mtpd.value),
                        "agree on an RTO below the system's maximum tolerable period of disruption",
                    );
                }
            }
        }
    }
}

/// The plan's first escalation level against the shortest response time the revision promises
/// for what the plan covers (CON013).
fn first_response(p: &Located<Plan>, c: &Located<crate::model::Contract>, r: &Revision, d: &mut Vec<Diagnostic>) {
    let Some(first) = p.escalation.as_ref().and_then(|e| e.level.iter().min_by_key(|l| l.level.value)) else { return };
    let fastest = r
        .sla
        .iter()
        .filter(|s| p.covers.iter().any(|c| c.value == s.target.value))
        .flat_map(|s| s.response.iter().map(move |x| (s, x)))
        .min_by_key(|(_, x)| x.within.value.minutes());
    let Some((sla, response)) = fastest else { return };
    if first.within.value.minutes() > response.within.value.minutes() {
        d.push(
            Diagnostic::new(
                &CON013,
                format!(
                    "level {} of plan `{}` allows {}, but revision {} of `{}` promises a response within {} for `{}` ({})",
                    first.level.value,
                    p.id.value,
                    first.within.value,
                    r.number.value,
                    c.id.value,
                    response.within.value,
                    sla.target.value,
                    response.category.value
                ),
            )
            .at(p.file, first.within.span)
            .with_label(c.file, response.within.span, "the promised response time")
            .help(format!("let the first level react within {} at most", response.within.value))
            .about("plan", &p.id.value),
        );
    }
}

fn completeness(c: &Located<crate::model::Contract>, r: &Spanned<Revision>, d: &mut Vec<Diagnostic>) {
    let mut missing = Vec::new();
    let categories_complete = !r.category.is_empty()
        && r.category.iter().all(|c| c.kind.is_some() && c.severity.is_some() && c.urgency.is_some());
    if !categories_complete {
        missing.push("incident categories with type, severity and urgency");
    }
    if r.action.is_empty() {
        missing.push("required actions");
    }
    if !r.sla.iter().any(|s| !s.response.is_empty()) {
        missing.push("response times");
    }
    if r.escalation.is_empty() {
        missing.push("escalation levels");
    }
    if r.cooperation.is_none() {
        missing.push("the provider's duty to cooperate");
    }
    if r.client_participation.is_none() {
        missing.push("the client's participation in exercises");
    }
    if !r.sla.iter().any(|s| s.backup.is_some()) {
        missing.push("the client's backup requirements");
    }
    if !r.sla.iter().any(|s| s.redundant.is_some()) {
        missing.push("which systems must be redundant");
    }
    if !missing.is_empty() {
        d.push(
            Diagnostic::new(
                &CON010,
                format!("revision {} of contract `{}` lacks {}", r.number.value, c.id.value, missing.join("; ")),
            )
            .at(c.file, r.number.span)
            .help("see `contingent explain CON010`")
            .about("contract", &c.id.value),
        );
    }
}

/// Whether a plan keeps the terms of the contract revision it implements: for each system or
/// interface it covers, the recovery objectives, the backup terms and redundancy; then the
/// exercises the contract requires.
fn conformance(
    f: &Facts,
    p: &Located<Plan>,
    c: &Located<crate::model::Contract>,
    r: &Revision,
    d: &mut Vec<Diagnostic>,
) {
    let slas = sla_map(r);
    for cov in &p.covers {
        let Some(sla) = slas.get(cov.value.as_str()) else { continue };
        let terms = Terms { p, c, r, cov, sla };
        terms.recovery_objectives(f, d);
        terms.backup(d);
        terms.redundancy(d);
    }
    required_exercises(p, c, r, d);
}

/// The terms of one SLA of a contract revision, and the plan that covers its target.
struct Terms<'a> {
    p: &'a Located<Plan>,
    c: &'a Located<crate::model::Contract>,
    r: &'a Revision,
    cov: &'a crate::model::Id,
    sla: &'a Sla,
}

impl Terms<'_> {
    /// The plan's RTO and RPO (its own objective, else the system's) are within the
    /// contract's (CON006).
    fn recovery_objectives(&self, f: &Facts, d: &mut Vec<Diagnostic>) {
        let Terms { p, c, r, cov, sla } = *self;
        let id = p.id.value.as_str();
        let objective = p.objective.iter().find(|o| o.target.value == cov.value);
        // without an objective of its own, the plan commits to the system's
        let inv = f.inventory.get(cov.value.as_str());
        for (what, contract_value, plan_value) in [
            ("RTO", &sla.rto, objective.and_then(|o| o.rto.as_ref()).or_else(|| inv.and_then(|i| i.rto()))),
            ("RPO", &sla.rpo, objective.and_then(|o| o.rpo.as_ref()).or_else(|| inv.and_then(|i| i.rpo()))),
        ] {
            let Some(cv) = contract_value else { continue };
            match plan_value {
                Some(pv) if pv.value > cv.value => d.push(
                    Diagnostic::new(
                        &CON006,
                        format!(
                            "plan `{id}` allows an {what} of {} for `{}`, but revision {} of `{}` guarantees {}",
                            pv.value, cov.value, r.number.value, c.id.value, cv.value
                        ),
                    )
                    .at(p.file, objective.map_or(cov.span, |_| pv.span))
                    .with_label(c.file, cv.span, "the contract's term")
                    .help(format!(
                        "plan for the contract's {what} of {} at most: `objective {} {}=\"{}\"` (and the system's own, if the plan has none)",
                        cv.value,
                        cov.value,
                        what.to_lowercase(),
                        cv.value
                    ))
                    .about("plan", id),
                ),
                None => d.push(
                    Diagnostic::new(
                        &CON006,
                        format!(
                            "plan `{id}` states no {what} for `{}`, but revision {} of `{}` guarantees {}",
                            cov.value, r.number.value, c.id.value, cv.value
                        ),
                    )
                    .at(p.file, cov.span)
                    .with_label(c.file, cv.span, "the contract's term")
                    .help(format!("add `objective {} {}=\"{}\"`", cov.value, what.to_lowercase(), cv.value))
                    .about("plan", id),
                ),
                _ => {}
            }
        }
    }

    /// The plan's backup meets the contract's backup terms (CON008).
    fn backup(&self, d: &mut Vec<Diagnostic>) {
        let Terms { p, c, cov, sla, .. } = *self;
        let id = p.id.value.as_str();
        if let (Some(terms), Some(b)) = (&sla.backup, &p.backup) {
            let mut gaps = Vec::new();
            if let (Some(req), Some(s)) = (&terms.every, &b.schedule) {
                if s.every.value > req.value {
                    gaps.push(format!("backups every {} (contract: at least every {})", s.every.value, req.value));
                }
            }
            if let (Some(req), Some(ret)) = (&terms.retention, &b.retention) {
                if ret.value < req.value {
                    gaps.push(format!("retention {} (contract: at least {})", ret.value, req.value));
                }
            }
            if terms.offsite == Some(true) && b.offsite.as_ref().is_some_and(|o| !o.value) {
                gaps.push("no off-site copy (contract: required)".to_string());
            }
            if let (Some(req), Some(t)) = (&terms.restore_test, &b.restore_test) {
                if t.every.value > req.value {
                    gaps.push(format!(
                        "restore tests every {} (contract: at least every {})",
                        t.every.value, req.value
                    ));
                }
            }
            if !gaps.is_empty() {
                d.push(
                    Diagnostic::new(
                        &CON008,
                        format!(
                            "the backup of plan `{id}` falls short of the contract for `{}`: {}",
                            cov.value,
                            gaps.join("; ")
                        ),
                    )
                    .at(p.file, b.span)
                    .with_label(c.file, terms.span, "the contract's backup terms")
                    .help("plan the backup to meet every term of the contract: schedule, retention, off-site copy and restore tests")
                    .about("plan", id),
                );
            }
        }
    }

    /// A target the contract requires to be redundant has a failover scenario (CON009).
    fn redundancy(&self, d: &mut Vec<Diagnostic>) {
        let Terms { p, c, r, cov, sla } = *self;
        let id = p.id.value.as_str();
        if sla.redundant == Some(true) && !p.scenario.iter().any(|s| s.failover) {
            d.push(
                Diagnostic::new(
                    &CON009,
                    format!(
                        "revision {} of `{}` requires `{}` to be redundant, but plan `{id}` has no failover scenario",
                        r.number.value, c.id.value, cov.value
                    ),
                )
                .at(p.file, cov.span)
                .help("add a scenario with `failover #true` describing the switch-over")
                .about("plan", id),
            );
        }
    }
}

/// The plan plans every exercise the contract requires, as often and as joint as it requires
/// (CON007).
fn required_exercises(p: &Located<Plan>, c: &Located<crate::model::Contract>, r: &Revision, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    for req in &r.exercise {
        let kind = req.kind.value;
        let word = kind_word(kind);
        match p.exercise.iter().find(|e| e.kind.value == kind) {
            None => d.push(
                Diagnostic::new(
                    &CON007,
                    format!(
                        "revision {} of `{}` requires {} {word} every {}, which plan `{id}` does not plan",
                        r.number.value,
                        c.id.value,
                        article(&word),
                        req.every.value
                    ),
                )
                .at(p.file, p.head)
                .with_label(c.file, req.kind.span, "required here")
                .help(format!(
                    "add `exercise {word} every=\"{}\"{}`",
                    req.every.value,
                    if req.client_participates { " joint=#true" } else { "" }
                ))
                .about("plan", id),
            ),
            Some(e) => {
                if e.every.value > req.every.value {
                    d.push(
                        Diagnostic::new(
                            &CON007,
                            format!(
                                "plan `{id}` holds its {word} every {}, but the contract requires every {}",
                                e.every.value, req.every.value
                            ),
                        )
                        .at(p.file, e.every.span)
                        .with_label(c.file, req.every.span, "the contract's term")
                        .help(format!("hold the {word} every {} at most", req.every.value))
                        .about("plan", id),
                    );
                }
                if req.client_participates && !e.joint {
                    d.push(
                        Diagnostic::new(&CON007, format!("the contract requires the client to take part in the {word}, but plan `{id}` does not mark it joint"))
                            .at(p.file, e.kind.span)
                            .help("add `joint=#true`")
                            .about("plan", id),
                    );
                }
            }
        }
    }
}

/// "a" or "an" before a word: "an alarm-test", "a restore-test".
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub fn kind_word(kind: ExerciseKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
