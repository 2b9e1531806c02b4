//! Time objectives (`OBJ`): RTO below MTPD, plan objectives no weaker than the system's, only
//! for covered systems.

use super::facts::{Facts, Inventory};
use crate::diagnostic::Diagnostic;
use crate::model::{Located, Plan};

policy_rules! {
    OBJECTIVES;
    /// ## What it does
    /// Reports a system or interface, or a plan objective, whose `rto` is not shorter than the system's `mtpd`.
    ///
    /// ## Why
    /// Recovery must finish before the disruption becomes intolerable.
    ///
    /// ## Example
    /// Fails: `mtpd "8h"` and `rto "8h"`.
    OBJ001 = "OBJ001" "rto-not-below-mtpd" Objectives Error
        "a recovery time objective is not below the maximum tolerable period of disruption"
        requirement: "recovery time objective (RTO) must be below the maximum tolerable downtime (MTPD)";
    /// ## What it does
    /// Reports a plan `objective` whose `rto` or `rpo` is longer than the covered system's own.
    ///
    /// ## Why
    /// The plan must be able to meet what the system needs.
    ///
    /// ## Example
    /// Fails: system `rto "4h"`, plan `objective payroll-db rto="8h"`.
    OBJ002 = "OBJ002" "plan-objective-weaker-than-system" Objectives Error
        "a plan commits to a weaker RTO or RPO than the system it covers requires"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Reports an `objective` whose target is not in the plan's `covers`.
    ///
    /// ## Why
    /// Objectives for systems outside the plan suggest a mistaken target.
    ///
    /// ## Example
    /// Fails: `covers payroll-app` and `objective payroll-db ...`.
    OBJ003 = "OBJ003" "objective-for-uncovered-system" Objectives Error
        "a plan states objectives for a system it does not cover"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
    /// ## What it does
    /// Reports a system or interface that depends on (`depends-on`) another whose RTO is longer than its own.
    ///
    /// ## Why
    /// A system cannot be back before what it needs is back: its RTO is a promise the dependency cannot keep.
    ///
    /// ## Example
    /// Fails: `system payroll-batch { rto "4h"; depends-on san }` with `system san { rto "1d" }`.
    OBJ004 = "OBJ004" "dependency-recovers-later" Objectives Error
        "a system depends on something that recovers later than its own RTO"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail.";
}

pub(crate) fn inventory_objectives(f: &Facts, d: &mut Vec<Diagnostic>) {
    let mut inventory: Vec<&Inventory> = f.inventory.values().collect();
    inventory.sort_by_key(|i| (i.file(), i.head()));
    for inv in inventory {
        dependencies(f, inv, d);
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

pub(crate) fn objectives(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
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
                        .help(format!("commit to the system's {what} of {} at most, or change the system's objective if it is wrong", sv.value))
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
                    .help(format!(
                        "commit to an RTO below {}: recovery must finish before the disruption becomes intolerable",
                        mtpd.value
                    ))
                    .about("plan", id),
                );
            }
        }
    }
}

/// What a system depends on recovers no later than the system itself must (OBJ004).
fn dependencies(f: &Facts, inv: &Inventory, d: &mut Vec<Diagnostic>) {
    let Some(rto) = inv.rto() else { return };
    let depends_on = match inv {
        Inventory::System(s) => &s.depends_on,
        Inventory::Interface(i) => &i.depends_on,
    };
    for dep in depends_on {
        let Some(other) = f.inventory.get(dep.value.as_str()) else { continue };
        let Some(later) = other.rto().filter(|r| r.value.minutes() > rto.value.minutes()) else { continue };
        d.push(
            Diagnostic::new(
                &OBJ004,
                format!(
                    "`{}` must recover within {}, but depends on `{}`, whose RTO is {}",
                    inv.id().value,
                    rto.value,
                    dep.value,
                    later.value
                ),
            )
            .at(inv.file(), dep.span)
            .with_label(other.file(), later.span, "the dependency's RTO")
            .help(format!(
                "shorten the RTO of `{}` to {} at most, or agree on the RTO `{}` can really keep",
                dep.value,
                rto.value,
                inv.id().value
            ))
            .about("system", &inv.id().value),
        );
    }
}
