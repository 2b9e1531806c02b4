//! The M 6.83 policy rules over the typed model, one file per family with its codes and its
//! checks side by side: `coverage`, `escalation`, `scenarios`, `backup`, `objectives`,
//! `exercises` (and `contacts`, `contracts` beside this folder); `facts` holds the lookups they
//! share, `words` the comparison of free text. Each check is a pure function of the model and the
//! check date; findings carry the object they are about (`subject`) so waivers can match them.

pub mod backup;
pub mod coverage;
pub mod escalation;
pub mod exercises;
pub mod facts;
pub mod objectives;
pub mod scenarios;
pub mod words;

pub use backup::*;
pub use coverage::*;
pub use escalation::*;
pub use exercises::*;
pub use facts::{Facts, Inventory};
pub use objectives::*;
pub use scenarios::*;

use std::collections::HashSet;

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::format::Kind;
use crate::model::{Located, Model, Plan};

/// The policy rules of the M 6.83 families, in code order.
pub static POLICY: std::sync::LazyLock<Vec<&'static crate::diagnostic::Rule>> =
    std::sync::LazyLock::new(|| [COVERAGE, ESCALATION, SCENARIOS, BACKUP, OBJECTIVES, EXERCISES].concat());

/// Runs every policy rule. `broken` lists the objects that failed validation: what depends on them
/// is not judged (a broken plan may cover what looks uncovered; a broken contact may be the
/// party's 24x7 contact).
pub fn check(model: &Model, broken: &HashSet<(Kind, String)>, ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let facts = Facts::new(model);
    let plans_broken = broken.iter().any(|(k, _)| *k == Kind::Plan);
    let contacts_broken = broken.iter().any(|(k, _)| *k == Kind::Contact);
    coverage::coverage(&facts, plans_broken, ctx.as_of, diags);
    escalation::contacts(&facts, ctx.as_of, diags);
    let relied: HashSet<&str> =
        escalation::relied_contacts(&facts, ctx.as_of).into_iter().map(|(id, _, _)| id).collect();
    super::contacts::check(&facts, &relied, contacts_broken, ctx, diags);
    super::contracts::check(&facts, ctx, diags);
    // The rules of each plan read only the shared facts: plans are judged in parallel, in chunks.
    let chunks: Vec<&[Located<Plan>]> = model.plans.chunks(256).collect();
    for found in crate::load::parallel(&chunks, |plans| {
        let mut d = Vec::new();
        for plan in *plans {
            escalation::escalation(&facts, plan, &mut d);
            scenarios::scenarios(plan, &facts, &mut d);
            backup::backup(&facts, plan, &mut d);
            objectives::objectives(&facts, plan, &mut d);
            exercises::exercises(&facts, plan, ctx, &mut d);
        }
        d
    }) {
        diags.extend(found);
    }
    // A plan with errors is judged on what could be read: the families of rules that read a
    // part left out wait until it is fixed (their findings would say what is not so).
    for plan in model.salvaged.as_deref().map_or(&[][..], |m| m.plans.as_slice()) {
        let mut d = Vec::new();
        escalation::escalation(&facts, plan, &mut d);
        scenarios::scenarios(plan, &facts, &mut d);
        backup::backup(&facts, plan, &mut d);
        objectives::objectives(&facts, plan, &mut d);
        exercises::exercises(&facts, plan, ctx, &mut d);
        d.retain(|x| !reads_cut_part(x.rule.family, &plan.cut));
        diags.extend(d);
    }
    objectives::inventory_objectives(&facts, diags);
    exercises::findings(model, ctx, diags);
}

/// Whether rules of `family` read one of the top-level plan fields in `cut`.
fn reads_cut_part(family: crate::diagnostic::Family, cut: &[String]) -> bool {
    use crate::diagnostic::Family;
    let reads: &[&str] = match family {
        Family::Coverage | Family::Escalation | Family::Contacts => &["escalation", "responsible", "covers"],
        Family::Scenarios => &["scenario", "forbidden", "no-forbidden-actions", "covers"],
        Family::Backup => &["backup", "covers", "objective"],
        Family::Objectives => &["objective", "covers"],
        Family::Exercises => &["exercise", "scenario", "covers", "id"],
        _ => return !cut.is_empty(),
    };
    cut.iter().any(|c| c.is_empty() || c == "id" || reads.contains(&c.as_str()))
}
