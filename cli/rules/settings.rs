//! The repository configuration's say over findings: per-rule severities (`rule CODE
//! severity=... staged=...`) and waivers. Runs after every rule, so it works the same for every
//! family of configurable rules.

use std::collections::HashMap;

use super::xref::{Index, Ns};
use super::{find, Rule};
use crate::context::Context;
use crate::diagnostic::{Diagnostic, Location, Severity, Waived};
use crate::model::{Model, SeveritySetting};
use crate::source::Files;

policy_rules! {
    SETTINGS;
    /// ## What it does
    /// Reports a `rule` or `waiver` in `contingent.kdl` whose code is unknown, or names a structural rule (FILE, KDL, SCH, REF, CFG, GIT) that cannot be configured.
    ///
    /// ## Why
    /// A misspelt code would silently configure nothing.
    ///
    /// ## Example
    /// ```kdl
    /// rule ESC005 severity=warning
    /// ```
    CFG002 = "CFG002" "unknown-rule-in-config" Config Error
        "the configuration names a rule that does not exist or cannot be configured"
        requirement: "";
    /// ## What it does
    /// Reports a waiver whose `expires` date has passed; the findings it waived are reported again.
    ///
    /// ## Why
    /// Exemptions are temporary by design; an expired one must be renewed or removed.
    ///
    /// ## Example
    /// `expires "2026-06-30"` checked on 2026-07-01.
    CFG003 = "CFG003" "waiver-expired" Config Warning
        "a waiver has expired and no longer applies"
        requirement: "";
    /// ## What it does
    /// Reports a waiver that matched no finding in this check.
    ///
    /// ## Why
    /// An unused waiver is stale and could hide a future problem unnoticed.
    ///
    /// ## Example
    /// Remove the waiver once the problem is fixed.
    CFG004 = "CFG004" "waiver-unused" Config Warning
        "a waiver matches no finding"
        requirement: "";
    /// ## What it does
    /// Reports a waiver with none or more than one of `file`, `plan`, `system`, `contact`, `contract`.
    ///
    /// ## Why
    /// A waiver must exempt exactly one thing, or it exempts everything.
    ///
    /// ## Example
    /// ```kdl
    /// waiver EXR004 plan=payroll reason="..." approved-by=katharina.vogel expires="2027-01-31"
    /// ```
    CFG005 = "CFG005" "waiver-without-target" Config Error
        "a waiver does not name what it exempts"
        requirement: "";
    /// ## What it does
    /// Reports a `policy exercise-interval` whose maxima do not shrink as the availability need rises: `high` longer than `normal`, or `very-high` longer than `high`.
    ///
    /// ## Why
    /// The more a system is needed, the more often its emergency must be practised; an inverted policy lets the most critical plans be exercised least.
    ///
    /// ## Example
    /// Fails: `exercise-interval normal="12mo" high="12mo" very-high="24mo"`.
    CFG008 = "CFG008" "exercise-intervals-inverted" Config Error
        "the policy allows longer exercise intervals for a higher availability need"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed.";
}

fn severity(s: SeveritySetting) -> Option<Severity> {
    match s {
        SeveritySetting::Error => Some(Severity::Error),
        SeveritySetting::Warning => Some(Severity::Warning),
        SeveritySetting::Off => None,
    }
}

fn configurable_rule(
    code: &crate::model::Spanned<String>,
    file: crate::diagnostic::FileId,
    d: &mut Vec<Diagnostic>,
) -> Option<&'static Rule> {
    match find(&code.value) {
        Some(rule) if rule.family.configurable() => Some(rule),
        Some(rule) => {
            d.push(
                Diagnostic::new(&CFG002, format!("{} ({}) cannot be configured", rule.code, rule.name))
                    .at(file, code.span)
                    .help(if rule.family == super::Family::Signoff {
                        "sign-off rules always apply: the repository being checked cannot lower, switch off or waive them (whoever runs the check may tolerate unsigned plans with `contingent check --allow-unsigned`)"
                    } else {
                        "rules about reading, syntax, the format, references and configuration always apply: every other check depends on them"
                    }),
            );
            None
        }
        None => {
            let codes = crate::rules::RULES.iter().map(|r| r.code);
            let hint = crate::diagnostic::did_you_mean(&code.value.to_ascii_uppercase(), codes)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            d.push(
                Diagnostic::new(&CFG002, format!("no rule has the code or name `{}`", code.value))
                    .at(file, code.span)
                    .help(format!("{hint}`contingent rules` lists them all")),
            );
            None
        }
    }
}

/// Applies severities and waivers to the findings, and reports problems with both.
pub fn apply(model: &Model, files: &Files, index: &Index<'_>, ctx: &Context, diags: &mut Vec<Diagnostic>) {
    let Some(config) = &model.config else { return };
    let file = config.file;
    let mut found = Vec::new();
    let intervals = &config.policy.exercise_interval;
    for (lower, longer, higher, shorter) in [
        ("normal", intervals.normal, "high", intervals.high),
        ("high", intervals.high, "very-high", intervals.very_high),
    ] {
        if shorter.minutes() > longer.minutes() {
            found.push(
                Diagnostic::new(
                    &CFG008,
                    format!("the policy allows exercises every {shorter} for a {higher} availability need, but every {longer} for {lower}"),
                )
                .in_file(file)
                .help(format!("set `exercise-interval {higher}=` to {longer} or less: the higher the need, the more often to exercise"))
                .about("config", "policy"),
            );
        }
    }

    // severities
    let mut overrides: HashMap<&'static str, Option<Severity>> = HashMap::new();
    for setting in &config.rule {
        let Some(rule) = configurable_rule(&setting.code, file, &mut found) else { continue };
        let chosen =
            if ctx.staged { setting.staged.as_ref().or(setting.severity.as_ref()) } else { setting.severity.as_ref() };
        if let Some(s) = chosen {
            overrides.insert(rule.code, severity(s.value));
        }
    }
    if !overrides.is_empty() {
        diags.retain_mut(|d| match overrides.get(d.rule.code) {
            Some(None) => false,
            Some(Some(s)) => {
                d.severity = *s;
                true
            }
            None => true,
        });
    }

    // waivers
    for w in &config.waiver {
        let targets = w.targets();
        index.resolve(Ns::Contact, &w.approved_by, file, &mut found);
        for (id, ns) in
            [(&w.plan, Ns::Plan), (&w.system, Ns::Inventory), (&w.contact, Ns::Contact), (&w.contract, Ns::Contract)]
        {
            if let Some(id) = id {
                index.resolve(ns, id, file, &mut found);
            }
        }
        let Some(rule) = configurable_rule(&w.rule, file, &mut found) else { continue };
        if targets.len() != 1 {
            found.push(
                Diagnostic::new(
                    &CFG005,
                    format!(
                        "the waiver for {} must name exactly one of file, plan, system, contact, contract",
                        rule.code
                    ),
                )
                .at(file, w.rule.span)
                .help("write one waiver per file or object"),
            );
            continue;
        }
        if w.expires.value < ctx.as_of {
            found.push(
                Diagnostic::new(
                    &CFG003,
                    format!(
                        "the waiver for {} ({}) expired on {}; the findings it covered count again",
                        rule.code, targets[0], w.expires.value
                    ),
                )
                .at(file, w.expires.span)
                .help("renew it with a new approval and expiry date, or remove it"),
            );
            continue;
        }
        let target = &targets[0];
        let waived = Waived {
            reason: w.reason.clone(),
            approved_by: w.approved_by.value.clone(),
            expires: w.expires.value,
            location: Location { file, span: w.rule.span },
        };
        let mut used = false;
        for d in diags.iter_mut().filter(|d| d.rule.code == rule.code && d.waived.is_none()) {
            let matches = match target.strip_prefix("file:") {
                Some(path) => d.location.is_some_and(|l| files.get(l.file).path == path),
                None => d.subject.as_deref() == Some(target.as_str()),
            };
            if matches {
                d.waived = Some(waived.clone());
                used = true;
            }
        }
        if !used {
            found.push(
                Diagnostic::new(&CFG004, format!("the waiver for {} ({target}) matches no finding", rule.code))
                    .at(file, w.rule.span)
                    .help("the problem is gone: remove the waiver"),
            );
        }
    }
    diags.extend(found);
}
