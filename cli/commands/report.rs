//! Shared by the report commands (`contracts`, `contacts`, `due`): load a repository the way
//! `check` does, as of the resolved clock, and print tables.

use std::path::Path;

use crate::check::{self, Checked, Context};
use crate::clock::{self, Clock};
use crate::source::worktree::WorkTree;

pub fn load(path: &Path, as_of: Option<&str>) -> Result<(Clock, Checked), String> {
    let root = super::check::find_root(path)?;
    let clock = clock::resolve(as_of, &root)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let checked = check::check(&source, &Context::new(clock.today));
    Ok((clock, checked))
}

/// The work tree checked as [`load`] does, but against a trusted base when `trust` names one (a
/// revision of the protected branch): sign-offs are then judged as `check --trust REV` judges
/// them, and the base's `reference-date` sets the clock. Returns the base (its name and its
/// check) beside it; [`Trusted::base`] gives it to the sign-off verdict.
pub fn load_trusted(
    path: &Path,
    as_of: Option<&str>,
    trust: Option<&str>,
) -> Result<(Clock, Checked, Option<Trusted>), String> {
    let Some(rev) = trust else {
        let (clock, checked) = load(path, as_of)?;
        return Ok((clock, checked, None));
    };
    let root = super::check::find_root(path)?;
    let repo = crate::source::git::Repo::discover(&root)?;
    let root_rel = repo.relative_dir(&root.join(crate::load::CONFIG_FILE))?;
    let commit = repo.commit(rev)?;
    let name = format!("commit {} (--trust {rev})", repo.short(commit));
    let snapshot = repo.tree_at_root(commit, &root_rel, &name)?;
    let clock = clock::for_source(as_of, &snapshot)?;
    let base = check::check(&snapshot, &Context::new(clock.today));
    let trusted = crate::signoff::Base {
        model: &base.loaded.model,
        files: &base.loaded.files,
        name: name.clone(),
        broken_plans: Default::default(),
    };
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let checked = check::check_trusted(&source, &Context::new(clock.today), Some(&trusted), |_| Default::default());
    Ok((clock, checked, Some(Trusted { name, checked: base })))
}

/// A trusted base as the report commands load it.
pub struct Trusted {
    pub name: String,
    pub checked: Checked,
}

impl Trusted {
    pub fn base(&self) -> crate::signoff::Base<'_> {
        crate::signoff::Base {
            model: &self.checked.loaded.model,
            files: &self.checked.loaded.files,
            name: self.name.clone(),
            broken_plans: Default::default(),
        }
    }
}

/// Said by every output that shows approvals judged without a trusted base.
pub const NO_BASE: &str = "approvals are verified with the approvers and keys of the checked files themselves, so a change could approve itself: give --trust REV (the protected branch) to judge them against it";

/// A plain text table with a header row; columns padded to their widest cell. Each cell is
/// repository text inside a line, escaped with `escape::line` (a line break in a name or a title
/// is shown as `\n`, never starts a row of its own) before it is measured.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    indented_table(header, rows, "")
}

/// [`table`] with every line indented by `indent`.
pub fn indented_table(header: &[&str], rows: &[Vec<String>], indent: &str) -> String {
    let rows: Vec<Vec<String>> =
        rows.iter().map(|r| r.iter().map(|c| crate::escape::line(c).into_owned()).collect()).collect();
    let rows = &rows;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        out.push_str(indent);
        let last = cells.len() - 1;
        for (i, c) in cells.iter().enumerate() {
            out.push_str(c);
            if i < last {
                out.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        out.push('\n');
    };
    line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>(), &mut out);
    for r in rows {
        line(r, &mut out);
    }
    out
}

/// A Markdown table; cells escaped, and `@` neutralised so no one is mentioned by accident.
pub fn markdown(header: &[&str], rows: &[Vec<String>]) -> String {
    markdown_with_mentions(header, rows, None)
}

/// A Markdown table whose cells are escaped (no mention, no table break), except that the
/// column `mentions`, if given, may hold `@login` mentions: each word of it that is a valid
/// GitHub login after `@` stays a mention, everything else is escaped as usual.
pub fn markdown_with_mentions(header: &[&str], rows: &[Vec<String>], mentions: Option<usize>) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ").replace('@', "@\u{200b}");
    let mention_cell = |s: &str| {
        s.split(' ')
            .map(|w| match w.strip_prefix('@') {
                Some(login) if is_github_login(login) => w.to_string(),
                _ => cell(w),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out =
        format!("| {} |\n|{}|\n", header.join(" | "), header.iter().map(|_| "---").collect::<Vec<_>>().join("|"));
    for r in rows {
        let cells: Vec<String> =
            r.iter().enumerate().map(|(i, c)| if Some(i) == mentions { mention_cell(c) } else { cell(c) }).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

pub use crate::review::is_github_login;

pub fn json(value: &serde_json::Value) -> String {
    let mut s = crate::escape::json(&serde_json::to_string_pretty(value).expect("serialises")).into_owned();
    s.push('\n');
    s
}
