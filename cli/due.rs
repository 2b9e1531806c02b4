//! What falls due: one list, sorted by date, of everything with a deadline in a plan repository.

use serde::Serialize;

use std::collections::HashMap;

use crate::model::{Contract, ExerciseKind, ExerciseRecord, FindingStatus, Located, Model};
use crate::rules::contacts::status;
use crate::rules::contracts::{in_effect, kind_word};
use crate::rules::policy::Facts;
use crate::source::Files;
use crate::units::{Date, Duration};

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Item {
    pub date: Date,
    /// `contact-verification`, `exercise`, `restore-test`, `finding`, `contract-revision`,
    /// `plan-review`, `waiver`.
    pub kind: &'static str,
    /// What the item is about: `contact:anna.schmidt`, `plan:payroll`, ...
    pub subject: String,
    pub title: String,
    pub overdue: bool,
    pub file: String,
    pub line: usize,
    /// Contacts who should act.
    pub owners: Vec<String>,
    /// Their GitHub logins, where known.
    pub github: Vec<String>,
    /// Stable across runs and date changes, so a calendar updates the event.
    pub uid: String,
}

/// Everything due on or before `as_of + within` (overdue items included), sorted by date.
#[allow(clippy::too_many_lines)] // longer than a screen: to be split into named steps
pub fn items(model: &Model, files: &Files, as_of: Date, within: Duration) -> Vec<Item> {
    let horizon = as_of.plus(within);
    let facts = Facts::new(model);
    let policy = &facts.policy;
    let contact = |id: &str| facts.contacts.get(id).copied();
    let contracts: HashMap<&str, &Located<Contract>> =
        model.contracts.iter().map(|c| (c.id.value.as_str(), c)).collect();
    let github = |owners: &[String]| -> Vec<String> {
        owners.iter().filter_map(|o| contact(o).and_then(|c| c.github.clone())).collect()
    };
    let line = |file, span: crate::diagnostic::Span| files.get(file).line_col(span.start).0;
    let path = |file| files.get(file).path.clone();
    let mut out = Vec::new();
    let mut push = |date: Date,
                    kind: &'static str,
                    subject: String,
                    title: String,
                    file,
                    span,
                    owners: Vec<String>,
                    key: String| {
        if date <= horizon {
            let gh = github(&owners);
            out.push(Item {
                date,
                kind,
                subject,
                title,
                overdue: date < as_of,
                file: path(file),
                line: line(file, span),
                owners,
                github: gh,
                uid: format!("{kind}.{key}@contingent"),
            });
        }
    };
    for c in &model.contacts {
        let (_, expires) = status(c, policy, as_of);
        push(
            expires,
            "contact-verification",
            format!("contact:{}", c.id.value),
            format!("verify the contact details of {} ({})", c.name, c.id.value),
            c.file,
            c.verified.span,
            vec![c.id.value.clone()],
            c.id.value.clone(),
        );
    }
    for p in &model.plans {
        let responsible: Vec<String> = p
            .responsible
            .as_ref()
            .map(|r| r.client.iter().chain(r.provider.iter()).map(|c| c.value.clone()).collect())
            .unwrap_or_default();
        let records: &[&Located<ExerciseRecord>] = facts.exercises.get(p.id.value.as_str()).map_or(&[], Vec::as_slice);
        let last = |kind: ExerciseKind| records.iter().filter(|r| r.kind.value == kind).map(|r| r.date.value).max();
        let restore_in_backup = p.backup.as_ref().and_then(|b| b.restore_test.as_ref());
        for e in &p.exercise {
            if e.kind.value == ExerciseKind::RestoreTest && restore_in_backup.is_some() {
                continue; // listed once, as the backup regulation's restore test
            }
            let word = kind_word(e.kind.value);
            let (date, title) = match last(e.kind.value) {
                Some(d) => (
                    d.plus(e.every.value),
                    format!("{word} of plan {} (every {}, last {d})", p.id.value, e.every.value),
                ),
                None => (as_of, format!("{word} of plan {} (every {}, never held)", p.id.value, e.every.value)),
            };
            push(
                date,
                "exercise",
                format!("plan:{}", p.id.value),
                title,
                p.file,
                e.kind.span,
                responsible.clone(),
                format!("{}.{word}", p.id.value),
            );
        }
        if let Some(rt) = restore_in_backup {
            let (date, title) = match last(ExerciseKind::RestoreTest) {
                Some(d) => (
                    d.plus(rt.every.value),
                    format!("restore test of plan {} (every {}, last {d})", p.id.value, rt.every.value),
                ),
                None => (as_of, format!("restore test of plan {} (every {}, never held)", p.id.value, rt.every.value)),
            };
            let mut owners = responsible.clone();
            if let Some(dep) = p.backup.as_ref().and_then(|b| b.deputy.as_ref()) {
                owners.push(dep.value.clone());
            }
            push(
                date,
                "restore-test",
                format!("plan:{}", p.id.value),
                title,
                p.file,
                rt.span,
                owners,
                p.id.value.clone(),
            );
        }
        if let Some(pin) = &p.contract {
            if let Some(contract) = contracts.get(pin.id.value.as_str()) {
                if let Some(current) = in_effect(contract, as_of).filter(|r| r.number.value > pin.revision.value) {
                    let end = current.effective.value.plus(policy.review_grace);
                    push(
                        end,
                        "plan-review",
                        format!("plan:{}", p.id.value),
                        format!(
                            "review plan {} against revision {} of {} (pinned: {})",
                            p.id.value, current.number.value, contract.id.value, pin.revision.value
                        ),
                        p.file,
                        pin.revision.span,
                        responsible.clone(),
                        format!("{}.{}.{}", p.id.value, contract.id.value, current.number.value),
                    );
                }
            }
        }
    }
    for e in &model.exercises {
        for (i, f) in e.finding.iter().enumerate() {
            if f.status == FindingStatus::Open {
                push(
                    f.due.value,
                    "finding",
                    format!("plan:{}", e.plan.value),
                    format!("finding of {}: {}", e.id.value, f.text),
                    e.file,
                    f.due.span,
                    vec![f.owner.value.clone()],
                    format!("{}.{}", e.id.value, i + 1),
                );
            }
        }
    }
    for c in &model.contracts {
        for r in c.revision.iter().filter(|r| r.effective.value > as_of) {
            let plans: Vec<String> = model
                .plans
                .iter()
                .filter(|p| p.contract.as_ref().is_some_and(|x| x.id.value == c.id.value))
                .flat_map(|p| {
                    p.responsible
                        .as_ref()
                        .map(|r| r.client.iter().chain(r.provider.iter()).map(|c| c.value.clone()).collect::<Vec<_>>())
                        .unwrap_or_default()
                })
                .collect();
            let mut owners = plans;
            owners.sort();
            owners.dedup();
            push(
                r.effective.value,
                "contract-revision",
                format!("contract:{}", c.id.value),
                format!("revision {} of contract {} takes effect", r.number.value, c.id.value),
                c.file,
                r.effective.span,
                owners,
                format!("{}.{}", c.id.value, r.number.value),
            );
        }
    }
    if let Some(config) = &model.config {
        for w in &config.waiver {
            // The waiver's target is part of its identity: two waivers of one rule for different
            // objects may expire on the same day.
            let target = w.targets().join("+").replace(':', "-");
            push(
                w.expires.value,
                "waiver",
                format!("rule:{}", w.rule.value),
                format!("waiver for {} expires: {}", w.rule.value, w.reason),
                config.file,
                w.expires.span,
                vec![w.approved_by.value.clone()],
                format!("{}.{}.{}", w.rule.value, uid_part(&target), w.expires.value),
            );
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.kind.cmp(b.kind))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| (&a.file, a.line).cmp(&(&b.file, b.line)))
    });
    unique_uids(&mut out);
    out
}

/// Text of a UID part: letters, digits, `.`, `-` and `_` kept, anything else as `_`.
fn uid_part(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') { c } else { '_' }).collect()
}

/// Makes every UID unique: a calendar keeps one event per UID, so two items with the same one
/// (two identical waivers, say) would show as one. The second and later get `-2`, `-3`, ... in
/// the order of the sorted list, which is stable from run to run.
fn unique_uids(items: &mut [Item]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for it in items.iter_mut() {
        let n = seen.entry(it.uid.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let (local, domain) = it.uid.rsplit_once('@').unwrap_or((it.uid.as_str(), "contingent"));
            it.uid = format!("{local}-{n}@{domain}");
        }
    }
}

/// Escapes iCalendar TEXT (RFC 5545, 3.3.11).
pub fn ics_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a character (RFC 5545, 3.1), CRLF-ended.
pub fn ics_fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}

/// What makes a repository's calendar UIDs its own: 12 hex digits of SHA-256 over the identity
/// the configuration declares (its `name`, and each party's id and role, in id order). It stays
/// the same across runs, clones (shallow ones too), forks and copies outside Git, and differs
/// between two repositories unless both have the same name and parties.
pub fn repository_id(model: &Model) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    if let Some(config) = &model.config {
        hash.update(config.name.as_deref().unwrap_or("").as_bytes());
        hash.update([0]);
        let mut parties: Vec<(&str, String)> = config
            .party
            .iter()
            .map(|p| (p.id.value.as_str(), serde_json::to_string(&*p.role).unwrap_or_default()))
            .collect();
        parties.sort();
        for (id, role) in parties {
            for part in [id, role.as_str()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
        }
    }
    hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// A reminder before an event as an iCalendar TRIGGER (`-P2D`, `-PT4H`); RFC 5545 durations
/// have no months or years.
pub fn trigger(before: Duration) -> Result<String, String> {
    use crate::units::Unit;
    let n = before.count;
    match before.unit {
        Unit::Minutes => Ok(format!("-PT{n}M")),
        Unit::Hours => Ok(format!("-PT{n}H")),
        Unit::Days => Ok(format!("-P{n}D")),
        Unit::Weeks => Ok(format!("-P{n}W")),
        Unit::Months | Unit::Years => Err(format!(
            "`{before}`: a reminder is given in minutes, hours, days or weeks (m, h, d, w), e.g. \"2d\" or \"1w\""
        )),
    }
}

/// The calendar UID of an item: its own UID with the repository's id in the domain part, so two
/// subscribed repositories never share one.
pub fn calendar_uid(item: &Item, repository_id: &str) -> String {
    let local = item.uid.rsplit_once('@').map_or(item.uid.as_str(), |(l, _)| l);
    format!("{local}@{repository_id}.contingent")
}

/// An iCalendar file a team can subscribe to: one all-day event per item, with stable UIDs
/// unique to the repository (`repository_id`), and with `alarm` (a TRIGGER such as `-P2D`) a
/// reminder before each.
pub fn ics(items: &[Item], name: &str, as_of: Date, repository_id: &str, alarm: Option<&str>) -> String {
    let mut out = String::new();
    for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//contingent//due//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        ics_fold(l, &mut out);
    }
    ics_fold(&format!("X-WR-CALNAME:{}", ics_escape(name)), &mut out);
    for it in items {
        ics_fold("BEGIN:VEVENT", &mut out);
        ics_fold(&format!("UID:{}", calendar_uid(it, repository_id)), &mut out);
        ics_fold(&format!("DTSTAMP:{}T000000Z", ymd(as_of)), &mut out);
        ics_fold(&format!("DTSTART;VALUE=DATE:{}", ymd(it.date)), &mut out);
        ics_fold(&format!("DTEND;VALUE=DATE:{}", ymd(it.date.add_days(1))), &mut out);
        let prefix = if it.overdue { "OVERDUE: " } else { "" };
        ics_fold(&format!("SUMMARY:{}", ics_escape(&format!("{prefix}{}", it.title))), &mut out);
        let description =
            format!("{} ({})\n{}:{}\nowners: {}", it.title, it.kind, it.file, it.line, it.owners.join(", "));
        ics_fold(&format!("DESCRIPTION:{}", ics_escape(&description)), &mut out);
        ics_fold(&format!("CATEGORIES:{}", it.kind), &mut out);
        ics_fold("TRANSP:TRANSPARENT", &mut out);
        if let Some(trigger) = alarm {
            ics_fold("BEGIN:VALARM", &mut out);
            ics_fold("ACTION:DISPLAY", &mut out);
            ics_fold(&format!("DESCRIPTION:{}", ics_escape(&format!("{prefix}{}", it.title))), &mut out);
            ics_fold(&format!("TRIGGER:{trigger}"), &mut out);
            ics_fold("END:VALARM", &mut out);
        }
        ics_fold("END:VEVENT", &mut out);
    }
    ics_fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "ü".repeat(80));
        ics_fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn folded_lines_use_all_75_octets_and_the_continuation_space_counts() {
        // ASCII: the first line holds 75 octets, each continuation line a space and 74 more.
        let line = "x".repeat(75 + 74 + 74 + 10);
        let mut out = String::new();
        ics_fold(&line, &mut out);
        let lens: Vec<usize> = out.split("\r\n").filter(|l| !l.is_empty()).map(str::len).collect();
        assert_eq!(lens, [75, 75, 75, 11]);
        // A 3-octet character that would end at octet 76 moves to the next line whole.
        let line = format!("{}€€", "x".repeat(73));
        let mut out = String::new();
        ics_fold(&line, &mut out);
        assert_eq!(out, format!("{}\r\n €€\r\n", "x".repeat(73)));
        // A line of exactly 75 octets is not folded.
        let mut out = String::new();
        ics_fold(&"y".repeat(75), &mut out);
        assert_eq!(out, format!("{}\r\n", "y".repeat(75)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
