//! Backup (`BAK`): a complete regulation, separate media on shared infrastructure, a schedule
//! that meets the RPO, an off-site copy.

use super::coverage::lacking;
use super::facts::{Facts, Inventory};
use crate::diagnostic::Diagnostic;
use crate::model::{Infrastructure, Located, Media, Plan};

policy_rules! {
    BACKUP;
    /// ## What it does
    /// Reports a plan that covers a system with `holds-data #true` but has no `backup` block.
    ///
    /// ## Why
    /// M 6.83 asks for detailed backup regulations in the emergency concept.
    ///
    /// ## Example
    /// Passes: a `backup { ... }` block with media, schedule, retention, off-site, antivirus, restore test, deputy and on-failure.
    BAK001 = "BAK001" "backup-regulation-missing" Backup Error
        "a plan covering a system that holds data has no backup regulation"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports a `backup` block that lacks any of: `media`, `schedule`, `retention`, `offsite`, `antivirus`, `restore-test`, `deputy`, `on-failure`; the message lists what is missing.
    ///
    /// ## Why
    /// Each item is named in M 6.83 or follows from it (availability via off-site copies and restore tests, substitution rules, escalation strategies, antivirus protection).
    ///
    /// ## Example
    /// See the bundled example's `plans/plans/payroll.kdl`.
    BAK002 = "BAK002" "backup-regulation-incomplete" Backup Error
        "a backup regulation lacks one of the required items"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports a plan whose backup uses `media shared` while it covers a data-holding system on `infrastructure shared`.
    ///
    /// ## Why
    /// On multi-client infrastructure, separate backup media per client keep one client's restore from exposing or overwriting another's data.
    ///
    /// ## Example
    /// Passes: `media dedicated`.
    BAK003 = "BAK003" "backup-media-shared" Backup Error
        "a system on shared infrastructure is backed up to shared media"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports a backup schedule whose interval is longer than the smallest RPO of the covered data-holding systems (and of the plan's own objectives).
    ///
    /// ## Why
    /// With a 4h RPO, a daily backup loses up to 24h of data.
    ///
    /// ## Example
    /// Fails: `rpo "4h"` and `schedule every="24h"`.
    BAK004 = "BAK004" "backup-less-frequent-than-rpo" Backup Error
        "backups run less often than the recovery point objective allows"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Warns about `offsite #false`.
    ///
    /// ## Why
    /// Backups in the same place as the systems share their fate in a site-wide emergency.
    ///
    /// ## Example
    /// Passes: `offsite #true`.
    BAK005 = "BAK005" "no-offsite-copy" Backup Warning
        "a backup regulation keeps no off-site copy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports a backup `deputy` who belongs to none of the parties that operate the systems holding data that the plan covers.
    ///
    /// ## Why
    /// The deputy stands in for whoever runs the backups; a contact of another party has neither the access nor the duty to do it.
    ///
    /// ## Example
    /// Fails: `deputy sabine.krueger` (a client contact) in a plan whose only data-holding system the provider operates.
    BAK006 = "BAK006" "backup-deputy-of-other-party" Backup Error
        "a backup deputy belongs to none of the parties that operate the backed-up systems"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
    /// ## What it does
    /// Reports an `on-failure` escalation that allows more time than the backup interval (at least one hour): a failed backup must reach someone before the next one fails as well.
    ///
    /// ## Why
    /// Every interval a failure goes unreported is data the RPO promised to keep; the escalation strategy must act within the schedule.
    ///
    /// ## Example
    /// Fails: `schedule every="15m"` and `on-failure escalate-to=oliver.neumann within="2d"`.
    BAK007 = "BAK007" "backup-failure-escalated-late" Backup Error
        "a failed backup is escalated later than the next backup is due"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection).";
}

pub(crate) fn backup(f: &Facts, p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    let data: Vec<Inventory> = f.covered(p).into_iter().filter(|i| i.holds_data()).collect();
    if data.is_empty() {
        return;
    }
    let Some(b) = &p.backup else {
        d.push(
            Diagnostic::new(
                &BAK001,
                format!("plan `{id}` covers `{}`, which holds data, but has no backup regulation", data[0].id().value),
            )
            .at(p.file, p.head)
            .help("add a `backup { ... }` block (see `contingent explain BAK002` for what it must hold)")
            .about("plan", id),
        );
        return;
    };
    let missing = lacking([
        ("media", b.media.is_none()),
        ("schedule", b.schedule.is_none()),
        ("retention", b.retention.is_none()),
        ("offsite", b.offsite.is_none()),
        ("antivirus", b.antivirus.as_ref().is_none_or(|a| says_none(&a.value))),
        ("restore-test", b.restore_test.is_none()),
        ("deputy", b.deputy.is_none()),
        ("on-failure", b.on_failure.is_none()),
    ]);
    if !missing.is_empty() {
        d.push(
            Diagnostic::new(&BAK002, format!("the backup regulation of plan `{id}` lacks {}", missing.join(", ")))
                .at(p.file, b.span)
                .help("see `contingent explain BAK002`")
                .about("plan", id),
        );
    }
    if let Some(m) = b.media.as_ref().filter(|m| m.value == Media::Shared) {
        if let Some(shared) = data.iter().find(|i| matches!(i, Inventory::System(s) if s.infrastructure.as_ref().is_some_and(|x| x.value == Infrastructure::Shared))) {
            d.push(
                Diagnostic::new(&BAK003, format!("`{}` runs on shared infrastructure, so its backups need media separate from other clients'", shared.id().value))
                    .at(p.file, m.span)
                    .label("shared media")
                    .help("use `media dedicated`")
                    .about("plan", id),
            );
        }
    }
    if let Some(s) = &b.schedule {
        let rpos = data.iter().filter_map(|i| i.rpo().map(|r| (r.value, i.id().value.as_str())));
        let objectives = p.objective.iter().filter_map(|o| o.rpo.as_ref().map(|r| (r.value, o.target.value.as_str())));
        if let Some((rpo, of)) = rpos.chain(objectives).min_by_key(|(r, _)| *r) {
            if s.every.value > rpo {
                d.push(
                    Diagnostic::new(
                        &BAK004,
                        format!("backups every {} cannot meet the RPO of {rpo} for `{of}`", s.every.value),
                    )
                    .at(p.file, s.every.span)
                    .help(format!("back up at least every {rpo}, or agree on the RPO this schedule can keep and state it in the inventory and the objectives"))
                    .about("plan", id),
                );
            }
        }
    }
    if let Some(o) = b.offsite.as_ref().filter(|o| !o.value) {
        d.push(
            Diagnostic::new(&BAK005, format!("plan `{id}` keeps no off-site copy of its backups"))
                .at(p.file, o.span)
                .help("keep a copy at another site (`offsite #true`) so that losing the site does not lose the backups")
                .about("plan", id),
        );
    }
    deputy_and_failure(f, p, b, &data, d);
}

/// Whether a regulation's text says there is none ("No malware scan", "none", "keine").
fn says_none(text: &str) -> bool {
    let norm = super::words::normalise(text);
    let first = norm.split(' ').next().unwrap_or_default();
    norm.is_empty()
        || matches!(
            first,
            "no" | "none"
                | "not"
                | "never"
                | "n"
                | "na"
                | "without"
                | "keine"
                | "kein"
                | "keiner"
                | "nicht"
                | "ohne"
                | "entfällt"
        )
}

/// Who stands in for the backups (BAK006), and how soon a failure reaches someone (BAK007).
fn deputy_and_failure(
    f: &Facts,
    p: &Located<Plan>,
    b: &crate::model::Backup,
    data: &[Inventory],
    d: &mut Vec<Diagnostic>,
) {
    let id = p.id.value.as_str();
    let mut operators: std::collections::BTreeSet<&str> = data
        .iter()
        .filter_map(|i| match i {
            Inventory::System(s) => Some(s.operator.value.as_str()),
            Inventory::Interface(_) => None,
        })
        .collect();
    // The backups of what the provider (or a sub-provider) operates are theirs to run: the client
    // stands in only where it operates everything backed up itself.
    let client = |o: &&str| f.roles.get(o) == Some(&crate::model::PartyRole::Client);
    if operators.iter().any(|o| !client(o)) {
        operators.retain(|o| !client(o));
    }
    if let (Some(deputy), Some(of)) = (&b.deputy, &b.on_failure) {
        if deputy.value == of.escalate_to.value {
            d.push(
                Diagnostic::new(
                    &BAK006,
                    format!("the backup deputy of plan `{id}` is `{}`, the person failed backups escalate to: nobody stands in for them", deputy.value),
                )
                .at(p.file, deputy.span)
                .with_label(p.file, of.escalate_to.span, "failures go here")
                .help("name as deputy someone else who can run the backups when the person failures escalate to is away")
                .about("plan", id),
            );
        }
    }
    if let Some(a) = &b.antivirus {
        if let Some(why) = super::words::vague(&a.value) {
            d.push(
                Diagnostic::new(
                    &super::scenarios::SCN012,
                    format!("the antivirus rule of plan `{id}` is too vague to follow: {why}"),
                )
                .at(p.file, a.span)
                .help("say what is scanned, when, with what, and what happens on a finding")
                .about("plan", id),
            );
        }
    }
    if let Some(deputy) = &b.deputy {
        if let Some(c) = f.contacts.get(deputy.value.as_str()) {
            if !operators.is_empty() && !operators.contains(c.party.value.as_str()) {
                let list: Vec<String> = operators.iter().map(|o| format!("`{o}`")).collect();
                d.push(
                    Diagnostic::new(
                        &BAK006,
                        format!(
                            "the backup deputy `{}` of plan `{id}` belongs to `{}`, but the backed-up systems are operated by {}",
                            deputy.value,
                            c.party.value,
                            list.join(", ")
                        ),
                    )
                    .at(p.file, deputy.span)
                    .label("of another party")
                    .help(format!("name a contact of {} who can run the backups", list.join(" or ")))
                    .about("plan", id),
                );
            }
        }
    }
    if let (Some(of), Some(s)) = (&b.on_failure, &b.schedule) {
        let limit = s.every.value.minutes().max(60);
        if of.within.value.minutes() > limit {
            d.push(
                Diagnostic::new(
                    &BAK007,
                    format!(
                        "plan `{id}` escalates a failed backup within {}, but backups run every {}",
                        of.within.value, s.every.value
                    ),
                )
                .at(p.file, of.within.span)
                .with_label(p.file, s.every.span, "the backup interval")
                .help(format!(
                    "escalate within {} at most, so that someone acts before the next backup fails as well",
                    if s.every.value.minutes() >= 60 { s.every.value.to_string() } else { "1h".to_string() }
                ))
                .about("plan", id),
            );
        }
    }
}
