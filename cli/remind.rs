//! The reminder bot's texts, as `contingent remind` keeps them on GitHub: the dashboard issue's
//! body (a table of everything due, owners named but not mentioned), the hidden state of what
//! was already announced, and the comment that mentions the owners of what became due since.
//! Pure: `commands::remind` builds the [`Row`]s from `due::items` and does the network part.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::due::Item;
use crate::model::Model;
use crate::review::text;
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

/// The dashboard issue's title.
pub fn title(root: &str) -> String {
    if root.is_empty() {
        "contingent: what falls due in the emergency plans".to_string()
    } else {
        format!("contingent: what falls due in the emergency plans ({})", text(root))
    }
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
    /// Who is mentioned instead when there is no login: the party's responsible contact (its
    /// first approver, by id, with a login).
    pub stand_in: Option<(String, String)>,
}

/// The people of a repository by contact id.
pub fn people(model: &Model) -> HashMap<String, Person> {
    let login = |g: &Option<String>| {
        g.as_deref().map(str::trim).filter(|g| crate::review::is_github_login(g)).map(str::to_string)
    };
    let mut responsible: BTreeMap<&str, (&str, String, String)> = BTreeMap::new();
    for c in &model.contacts {
        if let (true, Some(l)) = (c.may_approve, login(&c.github)) {
            let e =
                responsible.entry(c.party.value.as_str()).or_insert((c.id.value.as_str(), l.clone(), c.name.clone()));
            if c.id.value.as_str() < e.0 {
                *e = (c.id.value.as_str(), l, c.name.clone());
            }
        }
    }
    model
        .contacts
        .iter()
        .map(|c| {
            let own = login(&c.github);
            let stand_in = if own.is_none() {
                responsible.get(c.party.value.as_str()).map(|(_, l, n)| (l.clone(), n.clone()))
            } else {
                None
            };
            (c.id.value.clone(), Person { id: c.id.value.clone(), name: c.name.clone(), login: own, stand_in })
        })
        .collect()
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

/// The sections of the dashboard, in order: kind, heading.
const SECTIONS: [(&str, &str); 7] = [
    ("contact-verification", "Contact verifications"),
    ("exercise", "Exercises"),
    ("restore-test", "Restore tests"),
    ("finding", "Open findings"),
    ("contract-revision", "Contract revisions"),
    ("plan-review", "Plan reviews"),
    ("waiver", "Waivers"),
];

fn rank(kind: &str) -> usize {
    SECTIONS.iter().position(|(k, _)| *k == kind).unwrap_or(SECTIONS.len())
}

/// The announcement key of an item: 8 hex digits of SHA-256 over its UID, date and stage.
pub fn key(item: &Item) -> String {
    let stage = if item.overdue { "overdue" } else { "due" };
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

/// The rows, in dashboard order: by section, overdue first, then by date.
pub fn rows(items: Vec<Item>, root: &str, blob: Option<&str>) -> Vec<Row> {
    let mut rows: Vec<Row> = items
        .into_iter()
        .map(|item| {
            let path = if root.is_empty() { item.file.clone() } else { format!("{root}/{}", item.file) };
            let link = blob.map(|b| format!("{b}/{}#L{}", url_path(&path), item.line));
            Row { key: key(&item), place: format!("{path}:{}", item.line), link, item }
        })
        .collect();
    rows.sort_by(|a, b| {
        (rank(a.item.kind), !a.item.overdue, a.item.date).cmp(&(rank(b.item.kind), !b.item.overdue, b.item.date))
    });
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

fn targets(row: &Row, people: &HashMap<String, Person>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for owner in &row.item.owners {
        let Some(p) = people.get(owner) else { continue };
        let (login, name, own) = match (&p.login, &p.stand_in) {
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
        Some(url) => format!("[{}]({url})", text(&row.place)),
        None => format!("`{}`", row.place.replace('`', "'")),
    }
}

/// What the person mentioned is asked to do about an item.
fn action(row: &Row, t: &Target) -> String {
    let title = text(&short(&row.item.title));
    let at = place(row);
    match row.item.kind {
        "contact-verification" => match t.for_whom.first() {
            Some(who) if !t.own => {
                format!("have the contact details of {} verified and update `verified` in {at}", text(who))
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

/// Announces the rows not announced yet: one comment mentioning their owners (overdue first),
/// at most [`MAX_MENTIONS`] people and [`BODY_BUDGET`] bytes; what does not fit stays
/// unannounced for the next run. The state keeps the keys of every current row announced.
pub fn announce(rows: &[Row], old: &State, people: &HashMap<String, Person>, as_of: Date) -> Announcement {
    let fresh: Vec<&Row> = {
        let mut f: Vec<&Row> = rows.iter().filter(|r| !old.has(r)).collect();
        // overdue first, the longest overdue first; then by date and section
        f.sort_by(|a, b| {
            (!a.item.overdue, a.item.date, rank(a.item.kind)).cmp(&(!b.item.overdue, b.item.date, rank(b.item.kind)))
        });
        f
    };
    let head = |n: usize| {
        let what = match old.as_of {
            Some(d) => format!("{} became due since the last run ({d})", count(n, "item", "items")),
            None => format!("{} {} due", count(n, "item", "items"), if n == 1 { "is" } else { "are" }),
        };
        format!("### Due as of {as_of}\n\n{what}; the table above lists everything due.\n")
    };
    // Rows are taken whole, the most urgent first: a row is told when its line goes to every
    // person it concerns; one that would pass a limit waits for the next run, so no line is ever
    // told twice.
    let reserve = 600;
    let mut used = head(fresh.len()).len() + reserve;
    // (login, header, lines), in the order of each person's most urgent line
    let mut sections: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut told: Vec<&Row> = Vec::new();
    let mut waiting = 0;
    for row in &fresh {
        let ts = targets(row, people);
        let known = |t: &Target| sections.iter().position(|s| s.0.eq_ignore_ascii_case(&t.login));
        let newcomers = ts.iter().filter(|t| known(t).is_none()).count();
        let full = ts.iter().any(|t| known(t).is_some_and(|i| sections[i].2.len() >= MAX_LINES));
        let urgency = if row.item.overdue {
            format!("⚠️ **{}** (due {})", when(&row.item, as_of), row.item.date)
        } else {
            format!("{} ({})", when(&row.item, as_of), row.item.date)
        };
        let lines: Vec<(String, String, String)> = ts
            .iter()
            .map(|t| {
                let for_whom = if t.for_whom.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = t.for_whom.iter().map(|w| text(w)).collect();
                    let also = if t.own { "also " } else { "" };
                    let has = if names.len() == 1 { "who has" } else { "who have" };
                    format!(" — {also}for {}, {has} no GitHub login", names.join(" and "))
                };
                let header = format!("@{} ({})", t.login, text(&t.name));
                (t.login.clone(), header, format!("- {urgency}: {}{for_whom}", action(row, t)))
            })
            .collect();
        let cost: usize = lines
            .iter()
            .map(|(l, h, line)| {
                line.len() + 1 + if sections.iter().any(|s| s.0.eq_ignore_ascii_case(l)) { 0 } else { h.len() + 2 }
            })
            .sum();
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
    let comment = if sections.is_empty() {
        None
    } else {
        let mut c = head(told.len());
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
        Some(c)
    };
    let mentioned = sections.iter().map(|s| s.0.clone()).collect();
    // the state: every current row announced before or now
    let now: BTreeSet<&str> = told.iter().map(|r| r.key.as_str()).collect();
    let state = bounded_state(rows, &|r: &Row| old.has(r) || now.contains(r.key.as_str()), as_of);
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
        return State { as_of: Some(as_of), announced: keys, before: None };
    }
    let before = match rows.iter().filter(|r| !told(r)).map(|r| r.item.date).min() {
        Some(first_untold) => first_untold.add_days(-1),
        None => announced.last().map_or(as_of, |r| r.item.date),
    };
    let keys = announced.iter().filter(|r| r.item.date > before).take(fit).map(|r| r.key.clone()).collect();
    State { as_of: Some(as_of), announced: keys, before: Some(before) }
}

/// The dashboard: marker, summary, one table per section (rows summarised, never cut, to stay
/// within [`BODY_BUDGET`]), and the state block last.
pub fn body(
    marker: &str,
    rows: &[Row],
    people: &HashMap<String, Person>,
    state: &State,
    as_of: Date,
    within: Duration,
) -> String {
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
    let _ = writeln!(
        head,
        "**{}** due within {within} or overdue ({overdue} overdue). Owners are named here, not mentioned: the comments below mention the owners of what became due since the run before. `contingent remind` keeps this issue up to date (edits are overwritten); an item disappears when it is done.",
        count(rows.len(), "item", "items"),
    );
    let name = |id: &String| match people.get(id) {
        Some(p) => text(&p.name),
        None => text(id),
    };
    let row_text = |r: &Row| {
        let owners: Vec<String> = r.item.owners.iter().map(name).collect();
        let state = if r.item.overdue { format!("⚠️ {}", when(&r.item, as_of)) } else { when(&r.item, as_of) };
        format!(
            "| {} | {state} | {} | {} | {} |\n",
            r.item.date,
            text(&short(&r.item.title)),
            owners.join(", "),
            place(r)
        )
    };
    // sections with their rows
    let mut groups: Vec<(&str, Vec<&Row>)> = Vec::new();
    for (kind, heading) in SECTIONS {
        let list: Vec<&Row> = rows.iter().filter(|r| r.item.kind == kind).collect();
        if !list.is_empty() {
            groups.push((heading, list));
        }
    }
    let section_head = |heading: &str, list: &[&Row]| {
        let o = list.iter().filter(|r| r.item.overdue).count();
        let late = if o > 0 { format!(", {o} overdue") } else { String::new() };
        format!(
            "\n### {heading} ({}{late})\n\n| Due | State | Item | Owners | Where |\n|---|---|---|---|---|\n",
            list.len()
        )
    };
    let more_line = |n: usize| {
        format!("\n… and {n} more not shown here (an issue holds at most 65,536 characters): `contingent due` lists them all.\n")
    };
    // the fixed part: heads, every section's head and room for its summary line
    let fixed: usize = head.len()
        + state_block.len()
        + 2
        + groups.iter().map(|(h, l)| section_head(h, l).len() + more_line(l.len()).len()).sum::<usize>();
    let mut room = BODY_BUDGET.saturating_sub(fixed);
    // rows shared out round-robin, so that every section shows its most urgent
    let texts: Vec<Vec<String>> = groups.iter().map(|(_, l)| l.iter().map(|r| row_text(r)).collect()).collect();
    let mut shown = vec![0usize; groups.len()];
    loop {
        let mut progress = false;
        for (i, t) in texts.iter().enumerate() {
            if shown[i] < t.len() && t[shown[i]].len() <= room {
                room -= t[shown[i]].len();
                shown[i] += 1;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    let mut out = head;
    for (i, (heading, list)) in groups.iter().enumerate() {
        out.push_str(&section_head(heading, list));
        for t in &texts[i][..shown[i]] {
            out.push_str(t);
        }
        if shown[i] < list.len() {
            out.push_str(&more_line(list.len() - shown[i]));
        }
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
                stand_in: stand_in.map(|s| (s.to_string(), "Boss".to_string())),
            },
        )
    }

    #[test]
    fn state_round_trips_and_ignores_junk() {
        let s = State {
            as_of: Some(Date::parse("2026-11-01").unwrap()),
            announced: ["0a0b0c0d".to_string(), "ffffffff".to_string()].into(),
            before: None,
        };
        let body = format!("x\n{}\n", s.render());
        assert_eq!(State::parse(&body), s);
        assert_eq!(State::parse("<!-- contingent:remind-state v1 {\"announced\":\"xyz\"} -->"), State::default());
        assert_eq!(State::parse("nothing"), State::default());
    }

    #[test]
    fn announces_once_overdue_first_with_stand_ins() {
        let as_of = Date::parse("2026-11-01").unwrap();
        let people: HashMap<String, Person> =
            [person("a", Some("alice"), None), person("b", None, Some("boss")), person("c", None, None)].into();
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
        let people: HashMap<String, Person> = [person("a", Some("alice"), None)].into();
        let a = announce(&rows, &State::default(), &people, as_of);
        assert!(a.state.render().len() <= STATE_BUDGET);
        let b = body("<!-- m -->", &rows, &people, &a.state, as_of, Duration::parse("30d").unwrap());
        assert!(b.len() <= BODY_BUDGET, "{}", b.len());
        assert!(b.contains("more not shown here"));
        assert!(b.lines().filter(|l| l.starts_with("| 2026")).all(|l| l.ends_with('|')));
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
}
