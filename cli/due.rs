//! What falls due: one list, sorted by date, of everything with a deadline in a plan repository.

use serde::Serialize;

use std::collections::HashMap;

use crate::diagnostic::{FileId, Span};
use crate::model::{ExerciseKind, ExerciseRecord, FindingStatus, Located, Model, Plan};
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
pub fn items(model: &Model, files: &Files, as_of: Date, within: Duration) -> Vec<Item> {
    let facts = Facts::new(model);
    let mut due = Due { facts: &facts, files, as_of, horizon: as_of.plus(within), items: Vec::new() };
    due.contact_verifications();
    for p in &model.plans {
        due.exercises(p);
        due.restore_test(p);
        due.plan_review(p);
    }
    due.open_findings();
    due.contract_revisions();
    due.waivers();
    let mut out = due.items;
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

/// One thing with a deadline, before it is placed in its file and given its owners' logins.
struct Entry {
    date: Date,
    kind: &'static str,
    subject: String,
    title: String,
    file: FileId,
    span: Span,
    owners: Vec<String>,
    /// what makes the UID unique within `kind`
    key: String,
}

/// The list being gathered: what falls due by `horizon`, each kind of deadline from its own step.
struct Due<'a> {
    facts: &'a Facts<'a>,
    files: &'a Files,
    as_of: Date,
    horizon: Date,
    items: Vec<Item>,
}

impl Due<'_> {
    /// Adds an entry that falls due by the horizon.
    fn push(&mut self, e: Entry) {
        if e.date > self.horizon {
            return;
        }
        let github = e
            .owners
            .iter()
            .filter_map(|o| self.facts.contacts.get(o.as_str()).and_then(|c| c.github.clone()))
            .collect();
        let file = self.files.get(e.file);
        self.items.push(Item {
            date: e.date,
            kind: e.kind,
            subject: e.subject,
            title: e.title,
            overdue: e.date < self.as_of,
            file: file.path.clone(),
            line: file.line_col(e.span.start).0,
            owners: e.owners,
            github,
            uid: format!("{}.{}@contingent", e.kind, e.key),
        });
    }

    /// Each contact's details, when their verification expires.
    fn contact_verifications(&mut self) {
        for c in &self.facts.model.contacts {
            let (_, expires) = status(c, &self.facts.policy, self.as_of);
            self.push(Entry {
                date: expires,
                kind: "contact-verification",
                subject: format!("contact:{}", c.id.value),
                title: format!("verify the contact details of {} ({})", c.name, c.id.value),
                file: c.file,
                span: c.verified.span,
                owners: vec![c.id.value.clone()],
                key: c.id.value.clone(),
            });
        }
    }

    /// The date the next exercise of `kind` falls due, and its title: `every` after the last
    /// one held, or today when none has been.
    fn next_exercise(&self, p: &Located<Plan>, kind: ExerciseKind, word: &str, every: Duration) -> (Date, String) {
        let records: &[&Located<ExerciseRecord>] =
            self.facts.exercises.get(p.id.value.as_str()).map_or(&[], Vec::as_slice);
        match records.iter().filter(|r| r.kind.value == kind).map(|r| r.date.value).max() {
            Some(d) => (d.plus(every), format!("{word} of plan {} (every {every}, last {d})", p.id.value)),
            None => (self.as_of, format!("{word} of plan {} (every {every}, never held)", p.id.value)),
        }
    }

    /// The exercises a plan schedules (a restore test the backup regulation schedules is listed
    /// once, by [`Due::restore_test`]).
    fn exercises(&mut self, p: &Located<Plan>) {
        let restore_in_backup = p.backup.as_ref().is_some_and(|b| b.restore_test.is_some());
        for e in &p.exercise {
            if e.kind.value == ExerciseKind::RestoreTest && restore_in_backup {
                continue; // listed once, as the backup regulation's restore test
            }
            let word = kind_word(e.kind.value);
            let (date, title) = self.next_exercise(p, e.kind.value, &word, e.every.value);
            self.push(Entry {
                date,
                kind: "exercise",
                subject: format!("plan:{}", p.id.value),
                title,
                file: p.file,
                span: e.kind.span,
                owners: responsible(p),
                key: format!("{}.{word}", p.id.value),
            });
        }
    }

    /// The restore test of a plan's backup regulation, for its responsible parties and the
    /// backup deputy.
    fn restore_test(&mut self, p: &Located<Plan>) {
        let Some(rt) = p.backup.as_ref().and_then(|b| b.restore_test.as_ref()) else { return };
        let (date, title) = self.next_exercise(p, ExerciseKind::RestoreTest, "restore test", rt.every.value);
        let mut owners = responsible(p);
        if let Some(dep) = p.backup.as_ref().and_then(|b| b.deputy.as_ref()) {
            owners.push(dep.value.clone());
        }
        self.push(Entry {
            date,
            kind: "restore-test",
            subject: format!("plan:{}", p.id.value),
            title,
            file: p.file,
            span: rt.span,
            owners,
            key: p.id.value.clone(),
        });
    }

    /// A plan pinned to an older revision of its contract than the one in effect: reviewed
    /// within the grace period after the new revision took effect.
    fn plan_review(&mut self, p: &Located<Plan>) {
        let Some(pin) = &p.contract else { return };
        let Some(contract) = self.facts.model.contracts.iter().rfind(|c| c.id.value == pin.id.value) else { return };
        let Some(current) = in_effect(contract, self.as_of).filter(|r| r.number.value > pin.revision.value) else {
            return;
        };
        self.push(Entry {
            date: current.effective.value.plus(self.facts.policy.review_grace),
            kind: "plan-review",
            subject: format!("plan:{}", p.id.value),
            title: format!(
                "review plan {} against revision {} of {} (pinned: {})",
                p.id.value, current.number.value, contract.id.value, pin.revision.value
            ),
            file: p.file,
            span: pin.revision.span,
            owners: responsible(p),
            key: format!("{}.{}.{}", p.id.value, contract.id.value, current.number.value),
        });
    }

    /// The open findings of exercise records, by their due dates.
    fn open_findings(&mut self) {
        for e in &self.facts.model.exercises {
            for (i, f) in e.finding.iter().enumerate().filter(|(_, f)| f.status == FindingStatus::Open) {
                self.push(Entry {
                    date: f.due.value,
                    kind: "finding",
                    subject: format!("plan:{}", e.plan.value),
                    title: format!("finding of {}: {}", e.id.value, f.text),
                    file: e.file,
                    span: f.due.span,
                    owners: vec![f.owner.value.clone()],
                    key: format!("{}.{}", e.id.value, i + 1),
                });
            }
        }
    }

    /// Contract revisions yet to take effect, for the parties responsible for the plans pinned
    /// to the contract.
    fn contract_revisions(&mut self) {
        let (model, as_of) = (self.facts.model, self.as_of);
        for c in &model.contracts {
            for r in c.revision.iter().filter(|r| r.effective.value > as_of) {
                let mut owners: Vec<String> = model
                    .plans
                    .iter()
                    .filter(|p| p.contract.as_ref().is_some_and(|x| x.id.value == c.id.value))
                    .flat_map(|p| responsible(p))
                    .collect();
                owners.sort();
                owners.dedup();
                self.push(Entry {
                    date: r.effective.value,
                    kind: "contract-revision",
                    subject: format!("contract:{}", c.id.value),
                    title: format!("revision {} of contract {} takes effect", r.number.value, c.id.value),
                    file: c.file,
                    span: r.effective.span,
                    owners,
                    key: format!("{}.{}", c.id.value, r.number.value),
                });
            }
        }
    }

    /// Waivers, when they expire.
    fn waivers(&mut self) {
        let Some(config) = &self.facts.model.config else { return };
        for w in &config.waiver {
            // The waiver's target is part of its identity: two waivers of one rule for different
            // objects may expire on the same day.
            let target = w.targets().join("+").replace(':', "-");
            self.push(Entry {
                date: w.expires.value,
                kind: "waiver",
                subject: format!("rule:{}", w.rule.value),
                title: format!("waiver for {} expires: {}", w.rule.value, w.reason),
                file: config.file,
                span: w.expires.span,
                owners: vec![w.approved_by.value.clone()],
                key: format!("{}.{}.{}", w.rule.value, uid_part(&target), w.expires.value),
            });
        }
    }
}

/// The parties responsible for a plan: its client's contacts, then its provider's.
fn responsible(p: &Plan) -> Vec<String> {
    p.responsible
        .as_ref()
        .map(|r| r.client.iter().chain(r.provider.iter()).map(|c| c.value.clone()).collect())
        .unwrap_or_default()
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
