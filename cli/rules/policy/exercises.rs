//! Exercises (`EXR`): a concept, intervals, joint exercises, records held in time and with their
//! results followed up, every scenario exercised, plans changed since they were exercised.

use std::collections::HashSet;

use super::facts::Facts;
use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{ExerciseRecord, Level, Located, Model, Outcome, PartyRole, Plan};
use crate::units::Duration;

policy_rules! {
    EXERCISES;
    /// ## What it does
    /// Reports a plan without `exercise` entries.
    ///
    /// ## Why
    /// M 6.83 requires a concept for emergency exercises carried out regularly.
    ///
    /// ## Example
    /// ```kdl
    /// exercise tabletop every="12mo" joint=#true
    /// ```
    EXR001 = "EXR001" "exercise-concept-missing" Exercises Error
        "a plan has no exercise concept"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports an exercise whose `every` is longer than `policy exercise-interval` allows for the highest availability need of the covered systems (defaults: normal 24mo, high 12mo, very-high 6mo).
    ///
    /// ## Why
    /// "Regularly" is an organisation-set parameter; a higher availability need calls for more frequent exercises.
    ///
    /// ## Example
    /// Fails: a very-high system and `exercise tabletop every="12mo"` with the defaults.
    EXR002 = "EXR002" "exercise-interval-too-long" Exercises Error
        "an exercise interval exceeds the policy's maximum for the protection need"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports an exercise record of a kind the plan marks `joint=#true` whose participants do not include both a client and a provider contact.
    ///
    /// ## Why
    /// A joint exercise tests the cooperation between the parties; it needs both.
    ///
    /// ## Example
    /// Passes: `participants anna.schmidt dirk.hansen`.
    EXR003 = "EXR003" "joint-exercise-one-sided" Exercises Error
        "a joint exercise was held without participants of both parties"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports each planned exercise whose last record (of that plan and kind) that did not fail is older than its interval as of the check date; a later failed attempt is named but does not count.
    ///
    /// ## Why
    /// Planned but not held exercises give false confidence.
    ///
    /// ## Example
    /// Fails: `exercise restore-test every="3mo"` and the last restore test on record 5 months ago.
    EXR004 = "EXR004" "exercise-overdue" Exercises Error
        "a planned exercise has not been held within its interval"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports a planned exercise kind with no exercise record for the plan, or only records with `result failed` (a failed exercise does not count as held).
    ///
    /// ## Why
    /// An exercise never held is at least as serious as one held late (EXR004): deleting the only record must not make the check look better.
    ///
    /// ## Example
    /// Add an `exercise` record in the exercises folder after the first successful exercise.
    EXR005 = "EXR005" "exercise-never-held" Exercises Error
        "a planned exercise has never been held (or only failed)"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports each `finding` with `status=open` whose `due` date has passed.
    ///
    /// ## Why
    /// Exercises only improve preparedness when their findings are resolved.
    ///
    /// ## Example
    /// Fails as of 2026-12-01: `finding "Restore took 5h" owner=dirk.hansen due="2026-11-15" status=open`.
    EXR006 = "EXR006" "finding-overdue" Exercises Error
        "an open exercise finding is past its due date"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Warns about a scenario that no exercise record within `policy scenario-cycle` (default 24mo) lists in `scenarios` (failed exercises do not count), saying when it was last exercised or that it never was.
    ///
    /// ## Why
    /// Over a cycle, every error situation should have been practised at least once.
    ///
    /// ## Example
    /// Add the scenario to the `scenarios` of an exercise record.
    EXR007 = "EXR007" "scenario-never-exercised" Exercises Warning
        "a scenario was not exercised within the exercise cycle"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports an exercise record whose `result` is `failed`, `partial` or `passed-with-findings` but that has no `finding`.
    ///
    /// ## Why
    /// An exercise improves preparedness only through what is put right after it; a failure without findings leaves nothing to follow up, and a failed exercise does not count as held (EXR004, EXR005).
    ///
    /// ## Example
    /// Fails: `result failed` and no finding.
    ///
    /// Passes:
    /// ```kdl
    /// result failed
    /// finding "Standby could not be opened: password of the broker expired" owner=dirk.hansen due="2026-12-01" status=open
    /// ```
    EXR008 = "EXR008" "exercise-result-without-findings" Exercises Error
        "a failed or partly failed exercise records no findings"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports an exercise record whose `date` lies after the check date. Such a record does not count as held (EXR004, EXR005, EXR007).
    ///
    /// ## Why
    /// A record proves that an exercise was held; one dated in the future is a typo or a plan written as a record.
    ///
    /// ## Example
    /// Fails as of 2026-11-26: `date "2027-06-09"`.
    EXR009 = "EXR009" "exercise-dated-in-the-future" Exercises Error
        "an exercise record is dated after the check date"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports a `finding` whose `due` date lies before the `date` of its exercise.
    ///
    /// ## Why
    /// A finding cannot be due before it was found: one of the dates is wrong, and the follow-up is planned on a wrong date.
    ///
    /// ## Example
    /// Fails: `date "2026-09-16"` and `finding "..." due="2026-08-18"`.
    EXR010 = "EXR010" "finding-due-before-exercise" Exercises Error
        "a finding of an exercise is due before the exercise was held"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// With `check --history`, reads the plans' versions from the Git history and finds each plan's last change of meaning: of its escalation chain, responsible contacts, covered systems, objectives, backup regulation, forbidden actions, or its scenarios' steps, detection, contacts, cause or resolver (the change kinds of `contingent diff`; a new title or contract pin does not count). When that change is dated after the plan's last exercise that did not fail (a change on the day of the exercise counts as exercised: dates are days), it warns with the date, the commit and the kinds of change. Content not yet committed that differs from the last commit counts as changed on the check date.
    ///
    /// ## Why
    /// An exercise proves the plan as it was. After a new escalation level or reworded steps, nobody has tried the plan that is now in force.
    ///
    /// ## Example
    /// Warns: the tabletop of plan `payroll` was held on 2026-10-06 and commit 1a2b3c4 of 2026-11-12 added a step.
    EXR011 = "EXR011" "plan-changed-since-exercised" Exercises Warning
        "a plan changed in meaning after its last exercise"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
    /// ## What it does
    /// Reports an exercise record with `result passed` that records findings.
    ///
    /// ## Why
    /// A finding is something to put right; a record that says both "passed" and what went wrong contradicts itself. `passed-with-findings` says what happened.
    ///
    /// ## Example
    /// Fails: `result passed` with `finding "Call tree out of date" owner=anna.schmidt due="2026-12-31" status=open`.
    EXR012 = "EXR012" "passed-with-recorded-findings" Exercises Error
        "an exercise recorded as passed records findings"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
}

pub(crate) fn exercises(f: &Facts, p: &Located<Plan>, ctx: &Context, d: &mut Vec<Diagnostic>) {
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
    let level = f.covered(p).iter().filter_map(|i| i.availability()).max().unwrap_or(Level::Normal);
    let records: &[&Located<ExerciseRecord>] = f.exercises.get(id).map_or(&[], Vec::as_slice);
    for ex in &p.exercise {
        interval_within_policy(f, p, ex, level, d);
        // A failed exercise proves nothing: it does not count as the exercise held for its interval.
        // An exercise dated after the check date has not been held yet (EXR009).
        let of_kind: Vec<&Located<ExerciseRecord>> =
            records.iter().copied().filter(|r| r.kind.value == ex.kind.value && r.date.value <= ctx.as_of).collect();
        held_in_time(p, ex, &of_kind, ctx, d);
        if ex.joint {
            joint_participation(f, p, ex, &of_kind, d);
        }
    }
    // the exercises that count as held by the check date
    let held: Vec<&Located<ExerciseRecord>> = records.iter().copied().filter(|r| r.counts_as_held(ctx.as_of)).collect();
    exercised_since_change(f, p, &held, d);
    scenarios_in_cycle(f, p, &held, back(ctx.as_of, f.policy.scenario_cycle), d);
}

/// An exercise is held at least as often as the policy asks for the availability need of what
/// the plan covers (EXR002).
fn interval_within_policy(
    f: &Facts,
    p: &Located<Plan>,
    ex: &crate::model::Spanned<crate::model::PlannedExercise>,
    level: Level,
    d: &mut Vec<Diagnostic>,
) {
    let id = p.id.value.as_str();
    let max = f.policy.exercise_interval.for_level(level);
    let kind_word = crate::rules::contracts::kind_word(ex.kind.value);
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
}

/// Each exercise has been held (EXR005), and again within its interval (EXR004); failed
/// exercises do not count.
fn held_in_time(
    p: &Located<Plan>,
    ex: &crate::model::Spanned<crate::model::PlannedExercise>,
    of_kind: &[&Located<ExerciseRecord>],
    ctx: &Context,
    d: &mut Vec<Diagnostic>,
) {
    let id = p.id.value.as_str();
    let kind_word = crate::rules::contracts::kind_word(ex.kind.value);
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
                    diag.message.push_str(&format!(
                        "; `{}` on {} failed and does not count",
                        failed.id.value, failed.date.value
                    ));
                    diag = diag.with_label(failed.file, failed.date.span, "failed: does not count");
                }
                d.push(diag);
            }
        }
    }
}

/// A joint exercise had participants of both the client and the provider (EXR003).
fn joint_participation(
    f: &Facts,
    p: &Located<Plan>,
    ex: &crate::model::Spanned<crate::model::PlannedExercise>,
    of_kind: &[&Located<ExerciseRecord>],
    d: &mut Vec<Diagnostic>,
) {
    let id = p.id.value.as_str();
    let kind_word = crate::rules::contracts::kind_word(ex.kind.value);
    for r in of_kind.iter().filter(|r| !f.partial.contains(r.id.value.as_str())) {
        let roles: HashSet<PartyRole> = r.participants.iter().filter_map(|c| f.role_of(&c.value)).collect();
        let unknown = r.participants.iter().any(|c| f.role_of(&c.value).is_none()); // reported elsewhere
        let both = roles.contains(&PartyRole::Client) && roles.contains(&PartyRole::Provider);
        if !unknown && !both {
            d.push(
                Diagnostic::new(
                    &EXR003,
                    format!("the joint {kind_word} `{}` had no participants of both client and provider", r.id.value),
                )
                .at(r.file, r.head)
                .help("list the participants of both parties in `participants`")
                .about("plan", id),
            );
        }
    }
}

/// An exercise proves the plan as it was: a change of meaning after the last one is untested
/// (EXR011).
fn exercised_since_change(f: &Facts, p: &Located<Plan>, held: &[&Located<ExerciseRecord>], d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if let Some(change) = f.model.meaning_changed.get(id) {
        let last = held.iter().max_by_key(|r| r.date.value);
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
}

/// Every scenario of the plan has been exercised within the policy's scenario cycle, that is
/// `since` (EXR007).
fn scenarios_in_cycle(
    f: &Facts,
    p: &Located<Plan>,
    held: &[&Located<ExerciseRecord>],
    since: crate::units::Date,
    d: &mut Vec<Diagnostic>,
) {
    let id = p.id.value.as_str();
    let policy = &f.policy;
    for s in &p.scenario {
        let last =
            held.iter().filter(|r| r.scenarios.iter().any(|x| x.value == s.id.value)).max_by_key(|r| r.date.value);
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

pub(crate) fn findings(model: &Model, ctx: &Context, d: &mut Vec<Diagnostic>) {
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
        if let Some(first) = e.finding.first().filter(|_| e.result.value == Outcome::Passed) {
            d.push(
                Diagnostic::new(
                    &EXR012,
                    format!("exercise `{}` passed, but records {} finding(s)", e.id.value, e.finding.len()),
                )
                .at(e.file, e.result.span)
                .with_label(e.file, first.span, "a finding")
                .help("write `result passed-with-findings` (or `partial`, `failed`), or remove findings that are not")
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
