//! `contingent contracts`: each contract's revisions, and the revision each plan pins.

use std::collections::HashMap;

use serde_json::json;

use crate::cli::{ReportArgs, TableFormat};
use crate::rules::contracts::{in_effect, sla_changes};

pub fn run(args: &ReportArgs) -> Result<u8, String> {
    let (clock, checked) = super::report::load(&args.path, args.as_of.as_deref())?;
    let model = &checked.loaded.model;
    let today = clock.today;
    let grace =
        model.config.as_ref().map(|c| c.policy.review_grace).unwrap_or(crate::model::Policy::default().review_grace);
    let mut revisions = Vec::new();
    let mut plans = Vec::new();
    for c in &model.contracts {
        let current = in_effect(c, today).map(|r| r.number.value);
        for r in &c.revision {
            let state = if Some(r.number.value) == current {
                "in effect"
            } else if r.effective.value > today {
                "upcoming"
            } else {
                "superseded"
            };
            revisions.push((
                c.id.value.clone(),
                r.number.value,
                r.effective.value,
                state,
                r.summary.clone().unwrap_or_default(),
            ));
        }
    }
    let by_id: HashMap<&str, _> = model.contracts.iter().map(|c| (c.id.value.as_str(), c)).collect();
    for p in &model.plans {
        let Some(pin) = &p.contract else {
            plans.push((p.id.value.clone(), String::new(), None, None, "no contract pinned".to_string(), Vec::new()));
            continue;
        };
        let contract = by_id.get(pin.id.value.as_str()).copied();
        let current = contract.and_then(|c| in_effect(c, today));
        let pinned = contract.and_then(|c| c.revision.iter().find(|r| r.number.value == pin.revision.value));
        let (status, changes) = match (pinned, current) {
            (None, _) => ("pinned revision does not exist".to_string(), Vec::new()),
            (Some(p), _) if p.effective.value > today => {
                (format!("pinned revision takes effect on {}", p.effective.value), Vec::new())
            }
            (Some(p), Some(c)) if c.number.value > p.number.value => {
                let end = c.effective.value.plus(grace);
                let s =
                    if today <= end { format!("review due by {end}") } else { format!("review overdue since {end}") };
                (s, sla_changes(p, c))
            }
            _ => ("current".to_string(), Vec::new()),
        };
        plans.push((
            p.id.value.clone(),
            pin.id.value.clone(),
            Some(pin.revision.value),
            current.map(|c| c.number.value),
            status,
            changes,
        ));
    }
    let out = match args.format {
        TableFormat::Json => super::report::json(&json!({
            "version": 1,
            "as_of": today.to_string(),
            "as_of_source": clock.source,
            "revisions": revisions.iter().map(|(c, n, e, s, sum)| json!({"contract": c, "revision": n, "effective": e.to_string(), "state": s, "summary": sum})).collect::<Vec<_>>(),
            "plans": plans.iter().map(|(p, c, pin, cur, s, ch)| json!({"plan": p, "contract": c, "pinned": pin, "in_effect": cur, "status": s, "changed_terms": ch})).collect::<Vec<_>>(),
        })),
        f => {
            let rev_rows: Vec<Vec<String>> = revisions
                .iter()
                .map(|(c, n, e, s, sum)| vec![c.clone(), n.to_string(), e.to_string(), s.to_string(), sum.clone()])
                .collect();
            let plan_rows: Vec<Vec<String>> = plans
                .iter()
                .map(|(p, c, pin, cur, s, ch)| {
                    let mut status = s.clone();
                    if !ch.is_empty() {
                        status.push_str(&format!(" ({})", ch.join(", ")));
                    }
                    vec![
                        p.clone(),
                        c.clone(),
                        pin.map(|n| n.to_string()).unwrap_or_default(),
                        cur.map(|n| n.to_string()).unwrap_or_default(),
                        status,
                    ]
                })
                .collect();
            let render = if f == TableFormat::Markdown { super::report::markdown } else { super::report::table };
            format!(
                "Contract revisions (as of {today}, {}):\n\n{}\nPlans:\n\n{}",
                clock.source,
                render(&["contract", "revision", "effective", "state", "summary"], &rev_rows),
                render(&["plan", "contract", "pinned", "in effect", "status"], &plan_rows)
            )
        }
    };
    super::print(&out)?;
    Ok(crate::exit::CLEAN)
}
