//! `contingent history`: each plan's versions from Git history, or the version of each plan in
//! force on a date.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::cli::{HistoryArgs, TableFormat};
use crate::history::walk::Content;
use crate::history::{self, AsOf, History, Problem, Signed, Version};
use crate::source::git::Repo;
use crate::units::Date;

pub fn run(args: &HistoryArgs) -> Result<u8, String> {
    let date = match &args.as_of {
        Some(v) => Some(Date::parse(v).map_err(|e| format!("invalid --as-of: {e}"))?),
        None => None,
    };
    let (plans, path, guessed) = split(args);
    let repo = Repo::discover(&path)?;
    let start = repo.relative_dir(&path)?;
    let mut notes = Vec::new();
    let (text, problems) = match date {
        Some(date) => {
            let r = history::as_of(&repo, &start, &plans, date)?;
            notes.clone_from(&r.notes);
            ambiguous(guessed.as_deref(), &plans, r.plans.iter().map(|p| p.plan.as_str()))?;
            let text = match args.format {
                TableFormat::Table => as_of_table(&r),
                TableFormat::Markdown => as_of_markdown(&r),
                TableFormat::Json => json_text(&as_of_json(&r)),
            };
            (text, r.problems)
        }
        None => {
            let h = history::history(&repo, &start, &plans)?;
            ambiguous(guessed.as_deref(), &plans, h.plans.iter().map(|p| p.plan.as_str()))?;
            let text = match args.format {
                TableFormat::Table => history_table(&h),
                TableFormat::Markdown => history_markdown(&h),
                TableFormat::Json => json_text(&history_json(&h)),
            };
            (text, h.problems)
        }
    };
    super::print(&text)?;
    // The JSON document carries them; for people they go to stderr, like check's warnings.
    if args.format != TableFormat::Json {
        for p in &problems {
            super::note(&format!("{}[{}]: {}", p.rule.default_severity.as_str(), p.rule.code, p.message));
        }
        for n in &notes {
            super::note(&format!("note: {n}"));
        }
    }
    Ok(crate::exit::CLEAN)
}

/// The plan ids and the folder: `-- PATH` (or the former `--repo PATH`) names the folder;
/// otherwise the last argument is the folder when it is one on disk (returned as `guessed`, so
/// that a plan of the same id makes it ambiguous), and everything else is a plan id.
fn split(args: &HistoryArgs) -> (Vec<String>, std::path::PathBuf, Option<String>) {
    let mut plans = args.plans.clone();
    if args.path.is_some() || args.repo.repo.is_some() {
        return (plans, args.repo.or(&args.path), None);
    }
    match plans.last() {
        Some(last) if std::path::Path::new(last).is_dir() => {
            let last = plans.pop().expect("a last argument");
            (plans, std::path::PathBuf::from(&last), Some(last))
        }
        _ => (plans, std::path::PathBuf::from("."), None),
    }
}

/// A last argument taken for the folder is ambiguous when a plan has that id too.
fn ambiguous<'a>(
    guessed: Option<&str>,
    plans: &[String],
    mut ids: impl Iterator<Item = &'a str>,
) -> Result<(), String> {
    match guessed {
        Some(name) if ids.any(|id| id == name) => {
            let before: String = plans.iter().map(|p| format!("{p} ")).collect();
            Err(format!(
                "`{name}` is both a plan id and a folder: write `contingent history {before}-- {name}` for the folder, or `contingent history {before}{name} -- .` for the plan"
            ))
        }
        _ => Ok(()),
    }
}

fn json_text(v: &Value) -> String {
    let mut s = crate::escape::json(&serde_json::to_string_pretty(v).unwrap_or_default()).into_owned();
    s.push('\n');
    s
}

/// The digest without its `sha256:` prefix, shortened for tables.
fn short_digest(v: &Version) -> String {
    match &v.content {
        Content::Valid { digest, .. } => digest.trim_start_matches("sha256:").chars().take(12).collect(),
        Content::Invalid { .. } => "(invalid)".into(),
        Content::NotUtf8 { .. } => "(not UTF-8)".into(),
    }
}

fn signed_text(s: &Signed, v: &Version) -> String {
    if v.digest().is_none() {
        return "-".into();
    }
    let mut parts = Vec::new();
    if s.client {
        parts.push("client");
    }
    if s.provider {
        parts.push("provider");
    }
    let mut out = match parts.as_slice() {
        [] => "none".to_string(),
        [one] => format!("{one} only"),
        _ => parts.join(", "),
    };
    if !s.stale.is_empty() {
        let _ = write!(out, " (older version signed by {})", s.stale.join(", "));
    }
    if !s.unverified.is_empty() {
        let _ = write!(out, " (a record of {} does not verify)", s.unverified.join(", "));
    }
    if !s.untrusted.is_empty() {
        let _ = write!(out, " (signed by {} with a key the roster then did not trust)", s.untrusted.join(", "));
    }
    if !s.context_changed.is_empty() {
        let _ = write!(out, " (context changed since {} signed)", s.context_changed.join(", "));
    }
    if !s.rolled_back.is_empty() {
        let _ = write!(out, " (rolled back: {} signed other content later)", s.rolled_back.join(", "));
    }
    out
}

fn contract_text(v: &Version) -> String {
    match v.contract() {
        Some((id, rev)) => format!("{id} r{rev}"),
        None => "-".into(),
    }
}

fn in_effect_text(v: &Version) -> String {
    match (v.contract(), v.in_effect) {
        (Some((id, _)), Some(r)) => format!("{id} r{r}"),
        (Some(_), None) => "none".into(),
        (None, _) => "-".into(),
    }
}

fn md_escape(s: &str) -> String {
    crate::escape::line(s).replace('|', "\\|")
}

fn md_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

const HISTORY_HEADER: [&str; 9] = [
    "commit",
    "date",
    "author",
    "file",
    "digest",
    "contract",
    "in effect",
    "signed at commit",
    "signed until replaced",
];

fn history_row(v: &Version) -> Vec<String> {
    vec![
        v.commit.short.clone(),
        v.commit.date.to_string(),
        v.commit.author.clone(),
        v.path.clone(),
        short_digest(v),
        contract_text(v),
        in_effect_text(v),
        signed_text(&v.signed, v),
        v.signed_until_replaced.as_ref().map_or_else(|| "-".to_string(), |s| signed_text(s, v)),
    ]
}

fn versions_word(n: usize) -> String {
    if n == 1 {
        "1 version".into()
    } else {
        format!("{n} versions")
    }
}

fn history_table(h: &History) -> String {
    let plans = if h.plans.len() == 1 { "1 plan".to_string() } else { format!("{} plans", h.plans.len()) };
    let mut out = format!("history from commit {} ({}), {plans}\n", h.head.short, h.head.date);
    for p in &h.plans {
        let _ = writeln!(out, "\n{} — {}", crate::escape::line(&p.plan), versions_word(p.versions.len()));
        let rows: Vec<Vec<String>> = p.versions.iter().map(history_row).collect();
        out.push_str(&super::report::indented_table(&HISTORY_HEADER, &rows, "  "));
    }
    out
}

fn history_markdown(h: &History) -> String {
    let mut out = format!("# Plan history\n\nFrom commit `{}` ({}).\n", h.head.short, h.head.date);
    for p in &h.plans {
        let _ = writeln!(out, "\n## {}\n", md_escape(&p.plan));
        let rows: Vec<Vec<String>> = p
            .versions
            .iter()
            .map(|v| {
                let mut r = history_row(v);
                r[0] = format!("`{}`", r[0]);
                r[3] = format!("`{}`", r[3]);
                r
            })
            .collect();
        out.push_str(&md_table(&HISTORY_HEADER, &rows));
    }
    out
}

fn commit_json(c: &history::CommitInfo) -> Value {
    json!({
        "id": c.id,
        "short": c.short,
        "date": c.date.to_string(),
        "time": c.timestamp(),
        "author": { "name": c.author, "email": c.email },
    })
}

fn version_json(v: &Version) -> Value {
    let (valid, problem) = match &v.content {
        Content::Valid { .. } => (true, Value::Null),
        Content::Invalid { reason } => (false, json!(reason)),
        Content::NotUtf8 { at } => (false, json!(format!("not valid UTF-8 at byte {at}"))),
    };
    json!({
        "commit": commit_json(&v.commit),
        "file": v.path,
        "valid": valid,
        "problem": problem,
        "digest": v.digest(),
        "contract": v.contract().map(|(id, rev)| json!({ "id": id, "revision": rev })),
        "revision_in_effect": v.in_effect,
        "signed": signed_json(&v.signed),
        "signed_until_replaced": v.signed_until_replaced.as_ref().map(signed_json),
    })
}

fn signed_json(s: &Signed) -> Value {
    json!({
        "client": s.client,
        "provider": s.provider,
        "older_version_signed_by": s.stale,
        "records_not_verifying": s.unverified,
        "signed_with_untrusted_key": s.untrusted,
        "context_changed_since_signed": s.context_changed,
        "rolled_back": s.rolled_back,
    })
}

fn problems_json(problems: &[Problem]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|p| {
                json!({
                    "code": p.rule.code,
                    "name": p.rule.name,
                    "severity": p.rule.default_severity.as_str(),
                    "message": p.message,
                })
            })
            .collect(),
    )
}

fn history_json(h: &History) -> Value {
    json!({
        "version": 1,
        "head": commit_json(&h.head),
        "plans": h.plans.iter().map(|p| json!({
            "plan": p.plan,
            "versions": p.versions.iter().map(version_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "problems": problems_json(&h.problems),
    })
}

const AS_OF_HEADER: [&str; 9] =
    ["plan", "version", "since", "file", "digest", "signed then", "contract", "in effect", "implements"];

fn as_of_row(plan: &str, v: Option<&Version>) -> Vec<String> {
    let Some(v) = v else {
        let mut row = vec![plan.to_string(), "-".into(), "did not exist".into()];
        row.extend(std::iter::repeat_n("-".to_string(), 6));
        return row;
    };
    let implements = match v.implements() {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "-",
    };
    let signed = if v.digest().is_none() {
        "-".to_string()
    } else if v.signed.both() {
        "both".to_string()
    } else {
        format!("NOT BOTH ({})", signed_text(&v.signed, v))
    };
    vec![
        plan.to_string(),
        v.commit.short.clone(),
        v.commit.date.to_string(),
        v.path.clone(),
        short_digest(v),
        signed,
        contract_text(v),
        in_effect_text(v),
        implements.to_string(),
    ]
}

fn as_of_table(r: &AsOf) -> String {
    let mut out = format!(
        "plans in force on {} (the repository as of commit {} of {})\n\n",
        r.date, r.commit.short, r.commit.date
    );
    let rows: Vec<Vec<String>> = r.plans.iter().map(|p| as_of_row(&p.plan, p.version.as_ref())).collect();
    out.push_str(&super::report::table(&AS_OF_HEADER, &rows));
    out
}

fn as_of_markdown(r: &AsOf) -> String {
    let mut out = format!(
        "# Plans in force on {}\n\nThe repository as of commit `{}` ({}).\n\n",
        r.date, r.commit.short, r.commit.date
    );
    let rows: Vec<Vec<String>> = r
        .plans
        .iter()
        .map(|p| {
            let mut row = as_of_row(&p.plan, p.version.as_ref());
            if p.version.is_some() {
                row[1] = format!("`{}`", row[1]);
                row[3] = format!("`{}`", row[3]);
            }
            row
        })
        .collect();
    out.push_str(&md_table(&AS_OF_HEADER, &rows));
    out
}

fn as_of_json(r: &AsOf) -> Value {
    json!({
        "version": 1,
        "as_of": r.date.to_string(),
        "commit": commit_json(&r.commit),
        "plans": r.plans.iter().map(|p| match &p.version {
            None => json!({ "plan": p.plan, "in_force": false, "version": Value::Null }),
            Some(v) => json!({
                "plan": p.plan,
                "in_force": true,
                "version": version_json(v),
                "both_signed": v.signed.both(),
                "implements_revision_in_effect": v.implements(),
            }),
        }).collect::<Vec<_>>(),
        "problems": problems_json(&r.problems),
        "notes": r.notes,
    })
}
