//! The reminder bot's texts, as `contingent remind` keeps them on GitHub: the dashboard issue's
//! body (a table of everything due, owners named but not mentioned), the hidden state of what
//! was already announced, and the comment that mentions the owners of what became due since.
//! Pure: `commands::remind` builds the [`Row`]s from `due::items` and does the network part.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::due::Item;
use crate::escape::markdown as md;
use crate::model::Model;
use crate::units::{Date, Duration};

/// The most bytes of the issue body or the comment: GitHub refuses more than 65,536 characters;
/// bytes of UTF-8 are never fewer than GitHub's count, and the margin leaves room for the marker.
pub const BODY_BUDGET: usize = crate::review::BODY_BUDGET;
/// The most bytes of the hidden state block (part of the body's budget).
pub const STATE_BUDGET: usize = 20_000;
/// The most people one comment mentions; the others are mentioned by the next run.
pub const MAX_MENTIONS: usize = 50;
/// The most lines for one person in one comment; the rest wait for the next run.
const MAX_LINES: usize = 10;
/// The longest item text shown in one row, in characters.
const TITLE_MAX: usize = 300;
/// The state block's opening.
const STATE_OPEN: &str = "<!-- contingent:remind-state v1 ";

/// The words every dashboard's title holds (the search finds the dashboard by them).
pub const TITLE: &str = "contingent: what falls due in the emergency plans";

/// The dashboard issue's title.
pub fn title(root: &str) -> String {
    if root.is_empty() {
        TITLE.to_string()
    } else {
        format!("{TITLE} ({})", md(root))
    }
}

/// The branch of the pull request that records confirmed contacts.
pub fn branch(root: &str) -> String {
    let slug: String =
        root.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "contingent-verified-contacts".to_string()
    } else {
        format!("contingent-verified-contacts-{slug}")
    }
}

/// 16 hex digits of SHA-256 over the confirmations: what the pull request was made from.
pub fn confirmations_digest(confirmed: &[Confirmation]) -> String {
    let text: String = confirmed.iter().map(|c| format!("{}|{}|{}\n", c.contact, c.date, c.by)).collect();
    Sha256::digest(text.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The files the pull request changes: in each confirmed contact's file, the `verified` value
/// replaced by the day of the tick (never an earlier date than the file has).
pub fn verified_edits(
    model: &Model,
    files: &crate::source::Files,
    confirmed: &[Confirmation],
    root: &str,
) -> Vec<crate::github::FileEdit> {
    let mut texts: Vec<(crate::diagnostic::FileId, String)> = Vec::new();
    // edits from the end of a file backwards, so that earlier spans stay right
    let mut spans: Vec<(crate::diagnostic::FileId, u32, u32, Date)> = confirmed
        .iter()
        .filter_map(|k| {
            let c = model.contacts.iter().find(|c| c.id.value == k.contact)?;
            (k.date > c.verified.value).then_some((c.file, c.verified.span.start, c.verified.span.end, k.date))
        })
        .collect();
    spans.sort_by(|a, b| (a.0, b.1).cmp(&(b.0, a.1)));
    for (file, start, end, date) in spans {
        let i = match texts.iter().position(|t| t.0 == file) {
            Some(i) => i,
            None => {
                texts.push((file, files.get(file).text.clone()));
                texts.len() - 1
            }
        };
        let text = &mut texts[i].1;
        let (start, end) = (start as usize, end as usize);
        let Some(old) = text.get(start..end) else { continue };
        let new = if old.starts_with('"') { format!("\"{date}\"") } else { date.to_string() };
        text.replace_range(start..end, &new);
    }
    texts
        .into_iter()
        .map(|(file, text)| {
            let path = &files.get(file).path;
            let path = if root.is_empty() { path.clone() } else { format!("{root}/{path}") };
            crate::github::FileEdit { path, text }
        })
        .collect()
}

/// The pull request's title, commit message and body, naming who confirmed what and when.
pub fn pull_texts(confirmed: &[Confirmation], model: &Model) -> (String, String, String) {
    let name = |id: &str| model.contacts.iter().find(|c| c.id.value == id).map_or(id.to_string(), |c| c.name.clone());
    let lines: Vec<String> = confirmed
        .iter()
        .map(|k| {
            format!(
                "- {} ({}): `verified \"{}\"`, confirmed on the dashboard by `{}`",
                name(&k.contact),
                k.contact,
                k.date,
                k.by
            )
        })
        .collect();
    let title = format!("Contact details confirmed: {}", count(confirmed.len(), "contact", "contacts"));
    let message = format!(
        "contacts: verified dates as confirmed on the dashboard\n\n{}\n",
        confirmed
            .iter()
            .map(|k| format!("{} verified {} (confirmed by {})", k.contact, k.date, k.by))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let body = format!(
        "The contacts below ticked their box on the reminder dashboard, confirming that their details are correct. Merging this sets their `verified` dates to the day they ticked it.\n\n{}\n\nMade by `contingent remind`; the next run updates it.\n",
        lines.iter().map(|l| md_line(l)).collect::<Vec<_>>().join("\n")
    );
    (title, message, body)
}

/// A line of our own with repository text in it: names escaped, our code spans kept.
fn md_line(l: &str) -> String {
    crate::review::inline::message(l)
}

/// The hidden first line that finds the dashboard again: one issue per plan root.
pub fn marker(root: &str) -> String {
    let root: String =
        root.chars().map(|c| if c.is_ascii_alphanumeric() || "/._".contains(c) { c } else { '_' }).collect();
    if root.is_empty() {
        "<!-- contingent:remind v1 -->".to_string()
    } else {
        format!("<!-- contingent:remind v1 {root} -->")
    }
}

/// A contact as the bot names and mentions them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// A valid GitHub login, if the contact has one.
    pub login: Option<String>,
    /// The contact's party.
    pub party: String,
    /// Who is mentioned instead when there is no login: the contact's deputy (or, when the
    /// deputy has no login either, the deputy's deputy, up to four steps), as (login, name).
    pub stand_in: Option<(String, String)>,
}

/// The people of a repository: contacts by id, and for the stand-ins, each plan's responsible
/// contacts and the plans that rely on each contact.
#[derive(Clone, Debug, Default)]
pub struct People {
    pub by_id: HashMap<String, Person>,
    /// plan id → its responsible contacts (client, provider) that have a login.
    responsible: HashMap<String, Vec<String>>,
    /// contact id → the plans that name it, sorted.
    relied_on: HashMap<String, Vec<String>>,
}

impl From<HashMap<String, Person>> for People {
    fn from(by_id: HashMap<String, Person>) -> People {
        People { by_id, ..People::default() }
    }
}

impl People {
    pub fn get(&self, id: &str) -> Option<&Person> {
        self.by_id.get(id)
    }

    /// Who stands in for an owner without a login, for an item about `subject`: the owner's
    /// deputy with a login; else the responsible contact of the owner's party of the plan the
    /// item is about (or of the first plan that relies on the owner).
    fn stand_in(&self, owner: &Person, subject: &str) -> Option<(String, String)> {
        if let Some(d) = &owner.stand_in {
            return Some(d.clone());
        }
        let plans: Vec<&String> = match subject.strip_prefix("plan:") {
            Some(plan) => self.responsible.get_key_value(plan).map(|(k, _)| k).into_iter().collect(),
            None => self.relied_on.get(&owner.id).map(|p| p.iter().collect()).unwrap_or_default(),
        };
        plans.iter().flat_map(|plan| self.responsible.get(*plan).into_iter().flatten()).find_map(|id| {
            let p = self.by_id.get(id)?;
            if p.party == owner.party && p.id != owner.id {
                Some((p.login.clone()?, p.name.clone()))
            } else {
                None
            }
        })
    }
}

fn login_of(g: &Option<String>) -> Option<String> {
    g.as_deref().map(str::trim).filter(|g| crate::review::is_github_login(g)).map(str::to_string)
}

/// The people of a repository.
pub fn people(model: &Model) -> People {
    let contacts: HashMap<&str, &crate::model::Contact> =
        model.contacts.iter().map(|c| (c.id.value.as_str(), &c.value)).collect();
    // the deputy, or the deputy's deputy when the deputy has no login (a duty desk), and so on
    let deputy_with_login = |c: &crate::model::Contact| {
        let mut next = c.deputy.as_ref().map(|d| d.value.as_str());
        for _ in 0..4 {
            let d = contacts.get(next?)?;
            if d.id.value == c.id.value {
                return None;
            }
            if let Some(l) = login_of(&d.github) {
                return Some((l, d.name.clone()));
            }
            next = d.deputy.as_ref().map(|x| x.value.as_str());
        }
        None
    };
    let by_id = model
        .contacts
        .iter()
        .map(|c| {
            let stand_in = deputy_with_login(c);
            let person = Person {
                id: c.id.value.clone(),
                name: c.name.clone(),
                login: login_of(&c.github),
                party: c.party.value.clone(),
                stand_in,
            };
            (c.id.value.clone(), person)
        })
        .collect();
    let mut responsible: HashMap<String, Vec<String>> = HashMap::new();
    for p in &model.plans {
        if let Some(r) = &p.responsible {
            let ids = r.client.iter().chain(r.provider.iter()).map(|c| c.value.clone()).collect();
            responsible.insert(p.id.value.clone(), ids);
        }
    }
    let mut relied_on: HashMap<String, Vec<String>> = HashMap::new();
    for (contact, refs) in crate::model::referenced_by(model) {
        let mut plans: Vec<String> =
            refs.iter().filter_map(|r| r.split_once(" (").map(|(p, _)| p.to_string())).collect();
        plans.sort();
        plans.dedup();
        relied_on.insert(contact.to_string(), plans);
    }
    People { by_id, responsible, relied_on }
}

/// One line of the dashboard: an item due, with where it is written.
#[derive(Clone, Debug)]
pub struct Row {
    pub item: Item,
    /// `path:line`, repository-relative.
    pub place: String,
    /// The file and line on GitHub, when the repository is known.
    pub link: Option<String>,
    /// What identifies the announcement: the item, its date and whether it is overdue (so an
    /// item announced as due soon is announced once more when it becomes overdue).
    pub key: String,
}

/// The kinds of items, in the order of equally urgent ones: kind, word, plural.
const SECTIONS: [(&str, &str, &str); 7] = [
    ("contact-verification", "contact verification", "contact verifications"),
    ("exercise", "exercise", "exercises"),
    ("restore-test", "restore test", "restore tests"),
    ("finding", "open finding", "open findings"),
    ("contract-revision", "contract revision", "contract revisions"),
    ("plan-review", "plan review", "plan reviews"),
    ("waiver", "waiver", "waivers"),
];

fn kind_word(kind: &str) -> &str {
    SECTIONS.iter().find(|(k, _, _)| *k == kind).map_or(kind, |s| s.1)
}

fn rank(kind: &str) -> usize {
    SECTIONS.iter().position(|(k, _, _)| *k == kind).unwrap_or(SECTIONS.len())
}

/// The announcement key of an item: 8 hex digits of SHA-256 over its UID, date and stage.
pub fn key(item: &Item) -> String {
    key_at(item, if item.overdue { "overdue" } else { "due" })
}

fn key_at(item: &Item, stage: &str) -> String {
    let digest = Sha256::digest(format!("{}|{}|{stage}", item.uid, item.date).as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Percent-encodes a repository path for a URL (letters, digits, `-._~/` kept).
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The rows, in dashboard order: by urgency across kinds (the longest overdue first, then what
/// falls due soonest), then by kind.
pub fn rows(items: Vec<Item>, root: &str, blob: Option<&str>) -> Vec<Row> {
    let mut rows: Vec<Row> = items
        .into_iter()
        .map(|item| {
            let path = if root.is_empty() { item.file.clone() } else { format!("{root}/{}", item.file) };
            let link = blob.map(|b| format!("{b}/{}#L{}", url_path(&path), item.line));
            Row { key: key(&item), place: format!("{path}:{}", item.line), link, item }
        })
        .collect();
    rows.sort_by_key(|r| (r.item.date, rank(r.item.kind)));
    rows
}

/// What was announced, kept in the issue body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The date of the run that wrote it.
    #[serde(default)]
    pub as_of: Option<Date>,
    /// The keys of the items announced (8 hex digits each, concatenated, sorted).
    #[serde(default, with = "keys")]
    pub announced: BTreeSet<String>,
    /// When the keys did not all fit: every item due on or before this date counts as
    /// announced (the oldest keys are given up first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Date>,
    /// Contacts who confirmed their details with the dashboard's checkbox, waiting for the pull
    /// request that records them to be merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmed: Vec<Confirmation>,
    /// Ticks by someone other than the contact, ignored (shown once in the dashboard).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<Confirmation>,
    /// The time of the newest body edit already read for ticks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edits_seen: Option<String>,
    /// The pull request that records the confirmations, and what it was made from (the base
    /// commit and the confirmations), so that an unchanged one is not written again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull: Option<Pull>,
}

/// A tick of a contact's checkbox: whose details, the day it was ticked, and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub contact: String,
    pub date: Date,
    pub by: String,
}

/// The pull request of the confirmations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pull {
    pub number: u64,
    /// The commit it was made on and a digest of the confirmations it records.
    pub made_from: String,
}

mod keys {
    use std::collections::BTreeSet;

    pub fn serialize<S: serde::Serializer>(keys: &BTreeSet<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&keys.iter().map(String::as_str).collect::<String>())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeSet<String>, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        if !s.len().is_multiple_of(8) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(serde::de::Error::custom("announced keys are 8 hex digits each"));
        }
        Ok(s.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).to_lowercase()).collect())
    }
}

impl State {
    /// The state in an issue body; empty when there is none or it does not read.
    pub fn parse(body: &str) -> State {
        body.lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix(STATE_OPEN).and_then(|r| r.strip_suffix("-->")))
            .and_then(|json| serde_json::from_str(json.trim()).ok())
            .unwrap_or_default()
    }

    /// The hidden block.
    pub fn render(&self) -> String {
        format!("{STATE_OPEN}{} -->", serde_json::to_string(self).expect("serialises"))
    }

    pub fn has(&self, row: &Row) -> bool {
        self.announced.contains(&row.key) || self.before.is_some_and(|b| row.item.date <= b)
    }
}

/// Who one comment line is for.
struct Target {
    login: String,
    /// The name of the person mentioned.
    name: String,
    /// Whether they own the item themselves.
    own: bool,
    /// The owners without a login they stand in for.
    for_whom: Vec<String>,
}

fn targets(row: &Row, people: &People) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for owner in &row.item.owners {
        let Some(p) = people.get(owner) else { continue };
        let stand_in = people.stand_in(p, &row.item.subject);
        let (login, name, own) = match (&p.login, &stand_in) {
            (Some(l), _) => (l, &p.name, true),
            (None, Some((l, n))) => (l, n, false),
            (None, None) => continue,
        };
        let i = match out.iter().position(|o| o.login.eq_ignore_ascii_case(login)) {
            Some(i) => i,
            None => {
                out.push(Target { login: login.clone(), name: name.clone(), own: false, for_whom: Vec::new() });
                out.len() - 1
            }
        };
        if own {
            out[i].own = true;
        } else if !out[i].for_whom.contains(&p.name) {
            out[i].for_whom.push(p.name.clone());
        }
    }
    out
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// `overdue by 12 days`, `due today`, `due in 5 days`.
pub fn when(item: &Item, as_of: Date) -> String {
    let d = item.date.to_days() - as_of.to_days();
    match d {
        d if d < 0 => format!("overdue by {}", days(-d)),
        0 => "due today".to_string(),
        d => format!("due in {}", days(d)),
    }
}

fn short(s: &str) -> String {
    if s.chars().count() <= TITLE_MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(TITLE_MAX - 1).collect();
        format!("{cut}…")
    }
}

fn place(row: &Row) -> String {
    match &row.link {
        Some(url) => format!("[{}]({url})", md(&row.place)),
        None => format!("`{}`", row.place.replace('`', "'")),
    }
}

/// What the person mentioned is asked to do about an item.
fn action(row: &Row, t: &Target) -> String {
    let title = md(&short(&row.item.title));
    let at = place(row);
    match row.item.kind {
        "contact-verification" => match t.for_whom.first() {
            Some(who) if !t.own => {
                format!("have the contact details of {} verified and update `verified` in {at}", md(who))
            }
            _ => format!("verify your contact details and update `verified` in {at}"),
        },
        "exercise" | "restore-test" => format!("hold the {title} and add its exercise record (plan: {at})"),
        "finding" => format!("resolve the {title}, and set its `status` in {at}"),
        "contract-revision" => format!("{title}: check the plans that pin the contract ({at})"),
        "plan-review" => format!("{title}, and update the pinned `revision` in {at}"),
        "waiver" => format!("{title}: renew or remove the waiver in {at}"),
        _ => format!("{title} ({at})"),
    }
}

/// What one run announces: the comment (when anyone is to be mentioned) and the state to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub comment: Option<String>,
    /// The logins the comment mentions, in its order.
    pub mentioned: Vec<String>,
    pub state: State,
}

/// The hidden first line of a mention comment: the keys of the items it tells, so that a run
/// sees what an earlier one told even when that run failed before it could record it.
const MENTION_OPEN: &str = "<!-- contingent:remind-told v1 ";

/// The keys a mention comment of ours records (none for any other text).
pub fn told_keys(body: &str) -> BTreeSet<String> {
    let Some(line) = body.lines().next() else { return BTreeSet::new() };
    let Some(keys) = line.trim().strip_prefix(MENTION_OPEN).and_then(|r| r.strip_suffix("-->")) else {
        return BTreeSet::new();
    };
    let keys = keys.trim();
    if !keys.len().is_multiple_of(8) || !keys.bytes().all(|b| b.is_ascii_hexdigit()) {
        return BTreeSet::new();
    }
    keys.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).to_lowercase()).collect()
}

/// What the comment says first: how many items are newly due and how many, announced before as
/// due soon, are overdue now.
fn comment_head(fresh: &[&Row], old: &State, as_of: Date) -> String {
    let escalated = fresh.iter().filter(|r| r.item.overdue && old.announced.contains(&key_at(&r.item, "due"))).count();
    let new = fresh.len() - escalated;
    let mut parts = Vec::new();
    if new > 0 {
        parts.push(format!("{} newly due", count(new, "item", "items")));
    }
    if escalated > 0 {
        parts.push(format!("{} overdue now (announced before as due soon)", count(escalated, "item", "items")));
    }
    let since = match old.as_of {
        Some(d) => format!(" since the last run ({d})"),
        None => String::new(),
    };
    format!("### Due as of {as_of}\n\n{}{since}; the dashboard above lists everything due.\n", parts.join(", "))
}

/// The comment's lines of one row, one per person it goes to: (login, header, line).
fn lines_of(row: &Row, targets: &[Target], as_of: Date) -> Vec<(String, String, String)> {
    let urgency = if row.item.overdue {
        format!("⚠️ **{}** (due {})", when(&row.item, as_of), row.item.date)
    } else {
        format!("{} ({})", when(&row.item, as_of), row.item.date)
    };
    targets
        .iter()
        .map(|t| {
            let for_whom = if t.for_whom.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = t.for_whom.iter().map(|w| md(w)).collect();
                let also = if t.own { "also " } else { "" };
                let has = if names.len() == 1 { "who has" } else { "who have" };
                format!(" — {also}for {}, {has} no GitHub login", names.join(" and "))
            };
            let header = format!("@{} ({})", t.login, md(&t.name));
            (t.login.clone(), header, format!("- {urgency}: {}{for_whom}", action(row, t)))
        })
        .collect()
}

/// Announces the rows not announced yet: one comment mentioning their owners (overdue first),
/// at most [`MAX_MENTIONS`] people and [`BODY_BUDGET`] bytes; what does not fit stays
/// unannounced for the next run. The state keeps the keys of every current row announced.
pub fn announce(rows: &[Row], old: &State, people: &People, as_of: Date) -> Announcement {
    let mut fresh: Vec<&Row> = rows.iter().filter(|r| !old.has(r)).collect();
    // overdue first, the longest overdue first; then by date and kind
    fresh.sort_by(|a, b| {
        (!a.item.overdue, a.item.date, rank(a.item.kind)).cmp(&(!b.item.overdue, b.item.date, rank(b.item.kind)))
    });
    // Rows are taken whole, the most urgent first: a row is told when its line goes to every
    // person it concerns; one that would pass a limit waits for the next run, so no line is ever
    // told twice.
    let mut used = comment_head(&fresh, old, as_of).len() + 600 + MAX_MENTIONS * MAX_LINES * 8;
    // (login, header, lines), in the order of each person's most urgent line
    let mut sections: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut told: Vec<&Row> = Vec::new();
    let mut waiting = 0;
    for row in &fresh {
        let ts = targets(row, people);
        let known = |l: &str| sections.iter().position(|s| s.0.eq_ignore_ascii_case(l));
        let newcomers = ts.iter().filter(|t| known(&t.login).is_none()).count();
        let full = ts.iter().any(|t| known(&t.login).is_some_and(|i| sections[i].2.len() >= MAX_LINES));
        let lines = lines_of(row, &ts, as_of);
        let cost: usize =
            lines.iter().map(|(l, h, line)| line.len() + 1 + if known(l).is_some() { 0 } else { h.len() + 2 }).sum();
        if full || sections.len() + newcomers > MAX_MENTIONS || used + cost > BODY_BUDGET {
            waiting += 1;
            continue;
        }
        used += cost;
        for (login, header, line) in lines {
            match sections.iter().position(|s| s.0.eq_ignore_ascii_case(&login)) {
                Some(i) => sections[i].2.push(line),
                None => sections.push((login, header, vec![line])),
            }
        }
        told.push(row);
    }
    let comment = (!sections.is_empty()).then(|| {
        let keys: String = told.iter().map(|r| r.key.as_str()).collect();
        let mut c = format!("{MENTION_OPEN}{keys} -->\n{}", comment_head(&told, old, as_of));
        for (_, header, lines) in &sections {
            let _ = write!(c, "\n{header}\n{}\n", lines.join("\n"));
        }
        if waiting > 0 {
            let _ = write!(
                c,
                "\n{} more to tell: the next run mentions their owners (at most {MAX_MENTIONS} people and {MAX_LINES} items each in a comment).\n",
                count(waiting, "item", "items")
            );
        }
        c
    });
    let mentioned = sections.iter().map(|s| s.0.clone()).collect();
    // the state: every current row announced before or now
    let now: BTreeSet<&str> = told.iter().map(|r| r.key.as_str()).collect();
    let mut state = bounded_state(rows, &|r: &Row| old.has(r) || now.contains(r.key.as_str()), as_of);
    state.confirmed = old.confirmed.clone();
    state.ignored = old.ignored.clone();
    state.edits_seen = old.edits_seen.clone();
    state.pull = old.pull.clone();
    Announcement { comment, mentioned, state }
}

/// The state of these rows, `told` among them announced, within [`STATE_BUDGET`]. When the
/// keys do not all fit, a date stands for the oldest: `before` is the day before the earliest
/// row not announced yet, so every row up to it is announced, and only the keys of later rows are
/// kept (the oldest first; should even those not fit, the latest are given up and may be
/// mentioned again).
fn bounded_state(rows: &[Row], told: &dyn Fn(&Row) -> bool, as_of: Date) -> State {
    let fit = (STATE_BUDGET - 200) / 8;
    let mut announced: Vec<&Row> = rows.iter().filter(|r| told(r)).collect();
    announced.sort_by_key(|r| r.item.date);
    if announced.len() <= fit {
        let keys = announced.iter().map(|r| r.key.clone()).collect();
        return State { as_of: Some(as_of), announced: keys, ..State::default() };
    }
    let before = match rows.iter().filter(|r| !told(r)).map(|r| r.item.date).min() {
        Some(first_untold) => first_untold.add_days(-1),
        None => announced.last().map_or(as_of, |r| r.item.date),
    };
    let keys = announced.iter().filter(|r| r.item.date > before).take(fit).map(|r| r.key.clone()).collect();
    State { as_of: Some(as_of), announced: keys, before: Some(before), ..State::default() }
}

/// What the dashboard says about closing it.
const OPT_OUT: &str = "Not wanted? Close this issue as **not planned**: `contingent remind` then leaves it closed, and mentions nobody, until something new falls due (with `--keep-closed`, for good).";

/// The most bytes of checkboxes in the dashboard (the most overdue contacts first).
const CHECKBOX_BUDGET: usize = 12_000;

/// The marker of a contact's checkbox.
fn checkbox_marker(contact: &str) -> String {
    format!("<!-- contingent:verify {} -->", contact_key(contact))
}

/// A contact id as it may stand inside an HTML comment (ids are plain; anything else is dropped).
fn contact_key(contact: &str) -> String {
    contact.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect()
}

/// The contacts whose checkbox is ticked in a dashboard body.
pub fn ticked(body: &str) -> BTreeSet<String> {
    body.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix("- [x] ").or_else(|| l.strip_prefix("- [X] "))?;
            let id = rest.strip_prefix("<!-- contingent:verify ")?.split_once(" -->")?.0;
            Some(id.to_string())
        })
        .collect()
}

/// The ticks the edits of the body made since `seen`: each box that went from unticked to
/// ticked, by the edit's author on its day. A tick counts for the contact whose own login made
/// it; any other is returned as ignored.
pub fn ticks(
    edits: &[crate::github::Edit],
    seen: Option<&str>,
    people: &People,
) -> (Vec<Confirmation>, Vec<Confirmation>) {
    let (mut counted, mut ignored) = (Vec::new(), Vec::new());
    for pair in edits.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if seen.is_some_and(|s| after.at.as_str() <= s) {
            continue;
        }
        let Some(date) = after.at.get(..10).and_then(|d| Date::parse(d).ok()) else { continue };
        for id in ticked(&after.body).difference(&ticked(&before.body)) {
            let own =
                people.get(id).and_then(|p| p.login.as_deref()).is_some_and(|l| l.eq_ignore_ascii_case(&after.editor));
            let c = Confirmation { contact: id.clone(), date, by: after.editor.clone() };
            if own {
                counted.push(c);
            } else {
                ignored.push(c);
            }
        }
    }
    (counted, ignored)
}

/// The checkboxes: one per contact due for verification who has a login; a confirmed contact's
/// box stays ticked, naming who confirmed and the pull request.
fn checkboxes(rows: &[Row], people: &People, state: &State) -> String {
    let mut out = String::new();
    let mut seen = BTreeSet::new();
    for r in rows.iter().filter(|r| r.item.kind == "contact-verification") {
        let Some(p) = r.item.subject.strip_prefix("contact:").and_then(|id| people.get(id)) else { continue };
        let Some(login) = &p.login else { continue };
        if !seen.insert(p.id.clone()) {
            continue;
        }
        let confirmed = state.confirmed.iter().find(|c| c.contact == p.id);
        let (mark, note) = match (confirmed, &state.pull) {
            (Some(c), Some(pull)) => {
                ("x", format!(" — confirmed by `{}` on {}: pull request {}", c.by, c.date, pull.number))
            }
            (Some(c), None) => ("x", format!(" — confirmed by `{}` on {}", c.by, c.date)),
            (None, _) => (" ", String::new()),
        };
        let line = format!(
            "- [{mark}] {} **{}**: my contact details in {} are correct (only `{login}` can tick this){note}\n",
            checkbox_marker(&p.id),
            md(&p.name),
            place(r)
        );
        if out.len() + line.len() > CHECKBOX_BUDGET {
            let _ = writeln!(out, "- … more contacts get their box as these are confirmed");
            break;
        }
        out.push_str(&line);
    }
    for i in &state.ignored {
        let whose = people.get(&i.contact).map_or_else(|| md(&i.contact), |p| md(&p.name));
        let _ = writeln!(
            out,
            "- ignored: a tick by `{}` on {} for {whose}: only the contact's own GitHub login confirms their details",
            i.by, i.date
        );
    }
    if out.is_empty() {
        return out;
    }
    format!("\n### Confirm your contact details\n\nTick your box when your details are still correct: the next run opens a pull request that sets your `verified` date to the day you ticked it.\n\n{out}")
}

/// The dashboard: marker, summary, the checkboxes, one table of everything due by urgency
/// (rows summarised, never cut, to stay within [`BODY_BUDGET`]), and the state block last.
pub fn body(marker: &str, rows: &[Row], people: &People, state: &State, as_of: Date, within: Duration) -> String {
    let state_block = state.render();
    let horizon = as_of.plus(within);
    let mut head = format!("{marker}\n## What falls due: by {horizon} (as of {as_of})\n\n");
    if rows.is_empty() {
        let _ = write!(
            head,
            "Nothing is due within {within} and nothing is overdue. This issue is closed; `contingent remind` reopens it when something falls due.\n\n{state_block}\n"
        );
        return head;
    }
    let overdue = rows.iter().filter(|r| r.item.overdue).count();
    let kinds: Vec<String> = SECTIONS
        .iter()
        .filter_map(|(k, one, many)| {
            let n = rows.iter().filter(|r| r.item.kind == *k).count();
            (n > 0).then(|| count(n, one, many))
        })
        .collect();
    let _ = writeln!(
        head,
        "**{}** due within {within} or overdue ({overdue} overdue): {}. The most urgent come first. Owners are named here, not mentioned: the comments below mention the owners of what became due since the run before. `contingent remind` keeps this issue up to date (edits are overwritten, ticks are read); an item disappears when it is done.\n\n{OPT_OUT}",
        count(rows.len(), "item", "items"),
        kinds.join(", ")
    );
    head.push_str(&checkboxes(rows, people, state));
    let name = |id: &String| match people.get(id) {
        Some(p) => md(&p.name),
        None => md(id),
    };
    let row_text = |r: &Row| {
        let owners: Vec<String> = r.item.owners.iter().map(name).collect();
        let state = if r.item.overdue { format!("⚠️ {}", when(&r.item, as_of)) } else { when(&r.item, as_of) };
        format!(
            "| {} | {state} | {} | {} | {} | {} |\n",
            r.item.date,
            kind_word(r.item.kind),
            md(&short(&r.item.title)),
            owners.join(", "),
            place(r)
        )
    };
    let table = "\n### Everything due, most urgent first\n\n| Due | State | Kind | Item | Owners | Where |\n|---|---|---|---|---|---|\n";
    let more_line = |n: usize| {
        format!("\n… and {n} more not shown here (an issue holds at most 65,536 characters): `contingent due` lists them all.\n")
    };
    let mut room =
        BODY_BUDGET.saturating_sub(head.len() + table.len() + state_block.len() + more_line(rows.len()).len() + 4);
    let mut out = head;
    out.push_str(table);
    let mut shown = 0;
    for r in rows {
        let t = row_text(r);
        if t.len() > room {
            break;
        }
        room -= t.len();
        out.push_str(&t);
        shown += 1;
    }
    if shown < rows.len() {
        out.push_str(&more_line(rows.len() - shown));
    }
    let _ = write!(out, "\n{state_block}\n");
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Whether two bodies say the same (GitHub may hand back CRLF and drop the last newline).
pub fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").trim_end().to_string();
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(uid: &str, kind: &'static str, date: &str, overdue: bool, owners: &[&str]) -> Item {
        Item {
            date: Date::parse(date).unwrap(),
            kind,
            subject: "contact:x".into(),
            title: format!("verify @everyone <b>{uid}</b> #12"),
            overdue,
            file: "contacts/hpb.kdl".into(),
            line: 25,
            owners: owners.iter().map(|s| s.to_string()).collect(),
            github: vec![],
            uid: format!("{uid}@contingent"),
        }
    }

    fn person(id: &str, login: Option<&str>, stand_in: Option<&str>) -> (String, Person) {
        (
            id.into(),
            Person {
                id: id.into(),
                name: format!("Name of {id}"),
                login: login.map(str::to_string),
                party: "p".into(),
                stand_in: stand_in.map(|s| (s.to_string(), "Boss".to_string())),
            },
        )
    }

    #[test]
    fn state_round_trips_and_ignores_junk() {
        let s = State {
            as_of: Some(Date::parse("2026-11-01").unwrap()),
            announced: ["0a0b0c0d".to_string(), "ffffffff".to_string()].into(),
            ..State::default()
        };
        let body = format!("x\n{}\n", s.render());
        assert_eq!(State::parse(&body), s);
        assert_eq!(State::parse("<!-- contingent:remind-state v1 {\"announced\":\"xyz\"} -->"), State::default());
        assert_eq!(State::parse("nothing"), State::default());
    }

    #[test]
    fn announces_once_overdue_first_with_stand_ins() {
        let as_of = Date::parse("2026-11-01").unwrap();
        let people: People =
            HashMap::from([person("a", Some("alice"), None), person("b", None, Some("boss")), person("c", None, None)])
                .into();
        let rows = rows(
            vec![
                item("one", "exercise", "2026-11-20", false, &["a"]),
                item("two", "contact-verification", "2026-10-20", true, &["b"]),
                item("three", "waiver", "2026-11-02", false, &["c"]),
            ],
            "plans",
            Some("https://github.com/o/r/blob/main"),
        );
        let first = announce(&rows, &State::default(), &people, as_of);
        assert_eq!(first.mentioned, ["boss", "alice"]);
        let c = first.comment.unwrap();
        assert!(
            c.contains("@boss (Boss)\n- ⚠️ **overdue by 12 days** (due 2026-10-20): have the contact details of Name of b verified"),
            "{c}"
        );
        assert!(
            c.contains("[plans/contacts/hpb.kdl:25](https://github.com/o/r/blob/main/plans/contacts/hpb.kdl#L25)"),
            "{c}"
        );
        assert!(!c.contains("@everyone") && !c.contains("<b>") && !c.contains("#12"), "{c}");
        assert_eq!(first.state.announced.len(), 3, "the row without anyone to tell counts as told");
        let again = announce(&rows, &first.state, &people, as_of);
        assert_eq!((again.comment, again.state.announced), (None, first.state.announced.clone()));
        let b = body("<!-- m -->", &rows, &people, &first.state, as_of, Duration::parse("30d").unwrap());
        assert!(b.contains("Name of b") && !b.contains("@boss") && !b.contains("@alice"), "{b}");
        assert_eq!(State::parse(&b), first.state);
    }

    #[test]
    fn body_is_summarised_within_the_budget() {
        let as_of = Date::parse("2026-11-01").unwrap();
        let items: Vec<Item> = (0..3000)
            .map(|i| {
                item(&format!("i{i}"), if i % 2 == 0 { "exercise" } else { "finding" }, "2026-10-01", true, &["a"])
            })
            .collect();
        let rows = rows(items, "", None);
        let people: People = HashMap::from([person("a", Some("alice"), None)]).into();
        let a = announce(&rows, &State::default(), &people, as_of);
        assert!(a.state.render().len() <= STATE_BUDGET);
        let b = body("<!-- m -->", &rows, &people, &a.state, as_of, Duration::parse("30d").unwrap());
        assert!(b.len() <= BODY_BUDGET, "{}", b.len());
        assert!(b.contains("more not shown here"));
        assert!(b.lines().filter(|l| l.starts_with("| 2026")).all(|l| l.ends_with('|')));
        assert!(b.contains("1500 exercises, 1500 open findings"), "{}", &b[..600]);
        assert_eq!(State::parse(&b), a.state);
    }

    #[test]
    fn the_state_watermark_never_covers_what_was_not_announced() {
        let as_of = Date::parse("2028-01-01").unwrap();
        let items: Vec<Item> = (0..6000)
            .map(|i| {
                item(
                    &format!("i{i}"),
                    "exercise",
                    &Date::parse("2026-01-01").unwrap().add_days(i / 3).to_string(),
                    true,
                    &[],
                )
            })
            .collect();
        let rows = rows(items, "", None);
        // every row up to a date was told, and a few later ones; one early row was not
        let told =
            |r: &Row| r.item.uid != "i10@contingent" && (r.item.date.to_days() % 7 != 3 || r.item.uid.as_str() < "i3");
        let s = bounded_state(&rows, &told, as_of);
        assert!(s.render().len() <= STATE_BUDGET, "{}", s.render().len());
        for r in &rows {
            if !told(r) {
                assert!(!s.has(r), "{} counts as announced", r.item.uid);
            }
        }
        assert!(rows.iter().filter(|r| told(r)).all(|r| s.has(r)) || s.announced.len() == (STATE_BUDGET - 200) / 8);
    }

    #[test]
    fn a_tick_counts_only_by_the_contacts_own_login_on_the_day_of_the_edit() {
        let people: People =
            HashMap::from([person("anna", Some("anna-gh"), None), person("bob", Some("bob-gh"), None)]).into();
        let edit = |editor: &str, at: &str, body: &str| crate::github::Edit {
            editor: editor.into(),
            at: at.into(),
            body: body.into(),
        };
        let open = "- [ ] <!-- contingent:verify anna -->\n- [ ] <!-- contingent:verify bob -->";
        let edits = [
            edit("bot", "2026-12-01T06:00:00Z", open),
            edit("Anna-GH", "2026-12-03T09:00:00Z", &open.replacen("[ ]", "[x]", 1)),
            edit(
                "mallory",
                "2026-12-04T09:00:00Z",
                "- [x] <!-- contingent:verify anna -->\n- [X] <!-- contingent:verify bob -->",
            ),
        ];
        let (counted, ignored) = ticks(&edits, None, &people);
        assert_eq!(
            counted,
            [Confirmation { contact: "anna".into(), date: Date::parse("2026-12-03").unwrap(), by: "Anna-GH".into() }]
        );
        assert_eq!(
            ignored,
            [Confirmation { contact: "bob".into(), date: Date::parse("2026-12-04").unwrap(), by: "mallory".into() }]
        );
        // edits already read are not read again
        assert_eq!(ticks(&edits, Some("2026-12-04T09:00:00Z"), &people), (vec![], vec![]));
        assert_eq!(told_keys("<!-- contingent:remind-told v1 0a0b0c0dffffffff -->\nhi").len(), 2);
        assert!(told_keys("> <!-- contingent:remind-told v1 0a0b0c0d -->").is_empty());
    }

    #[test]
    fn the_comment_says_what_is_new_and_what_escalated() {
        let people: People = HashMap::from([person("a", Some("alice"), None)]).into();
        let soon = rows(vec![item("x", "exercise", "2026-11-20", false, &["a"])], "", None);
        let first = announce(&soon, &State::default(), &people, Date::parse("2026-11-01").unwrap());
        let later = rows(
            vec![item("x", "exercise", "2026-11-20", true, &["a"]), item("y", "waiver", "2026-12-20", false, &["a"])],
            "",
            None,
        );
        let second = announce(&later, &first.state, &people, Date::parse("2026-12-01").unwrap());
        let c = second.comment.unwrap();
        assert!(
            c.contains(
                "1 item newly due, 1 item overdue now (announced before as due soon) since the last run (2026-11-01)"
            ),
            "{c}"
        );
        assert_eq!(told_keys(&c).len(), 2);
    }
}
