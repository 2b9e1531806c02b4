//! `contingent check`.

use std::path::{Path, PathBuf};

use crate::cli::CheckArgs;
use crate::load::CONFIG_FILE;
use crate::render::{self, Format, Report};
use crate::source::worktree::WorkTree;
use crate::units::Date;
use crate::{check, exit};

/// Walks up from `start` to the folder holding `contingent.kdl`.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::metadata(start).map_err(|e| format!("cannot read {}: {e}", start.display()))?;
    let mut dir =
        if meta.is_dir() { start.to_path_buf() } else { start.parent().map(Path::to_path_buf).unwrap_or_default() };
    if dir.as_os_str().is_empty() {
        dir = PathBuf::from(".");
    }
    let absolute = dir.canonicalize().map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for candidate in absolute.ancestors() {
        if candidate.join(CONFIG_FILE).is_file() {
            return Ok(candidate.to_path_buf());
        }
    }
    Err(format!(
        "no {CONFIG_FILE} in {} or any parent folder: point `contingent check` at a plan repository (the bundled example is `contingent check plans`)",
        start.display()
    ))
}

/// The date checks run as of: `--as-of`, else `CONTINGENT_AS_OF`, else today (UTC).
pub fn resolve_as_of(flag: Option<&str>) -> Result<(Date, &'static str), String> {
    if let Some(v) = flag {
        return Date::parse(v).map(|d| (d, "from --as-of")).map_err(|e| format!("invalid --as-of: {e}"));
    }
    if let Ok(v) = std::env::var("CONTINGENT_AS_OF") {
        if !v.is_empty() {
            return Date::parse(&v)
                .map(|d| (d, "from CONTINGENT_AS_OF"))
                .map_err(|e| format!("invalid CONTINGENT_AS_OF: {e}"));
        }
    }
    Ok((Date::today_utc(), "today"))
}

/// How paths are shown: relative to the current folder when the repository is below it.
fn path_prefix(root: &Path) -> String {
    let cwd = std::env::current_dir().ok().and_then(|c| c.canonicalize().ok());
    match cwd.as_deref().and_then(|c| root.strip_prefix(c).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => String::new(),
        Some(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        None => format!("{}/", root.display()),
    }
}

pub fn run(args: &CheckArgs) -> Result<u8, String> {
    let (as_of, as_of_source) = resolve_as_of(args.as_of.as_deref())?;
    let root = find_root(&args.path)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let checked = check::check(&source, &check::Context { as_of, staged: false });
    let files = &checked.loaded.files;
    let report = Report {
        files,
        diagnostics: checked.diagnostics(),
        path_prefix: path_prefix(&root),
        as_of,
        as_of_source,
        files_checked: files.len(),
    };
    match args.format {
        Format::Human => super::print_styled(&render::human::render(&report))?,
        Format::Json => super::print(&render::json::render(&report))?,
        Format::Sarif => super::print(&render::sarif::render(&report))?,
        Format::Github => {
            super::print(&render::github::render(&report))?;
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                use std::io::Write;
                let mut f =
                    std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| {
                        format!("cannot write the job summary to {}: {e}", PathBuf::from(&path).display())
                    })?;
                f.write_all(render::github::summary(&report).as_bytes())
                    .map_err(|e| format!("cannot write the job summary: {e}"))?;
            }
        }
    }
    let code = if checked.has_errors() { exit::FINDINGS } else { exit::CLEAN };
    // The process ends next: freeing thousands of objects one by one would only delay the exit.
    std::mem::forget(checked);
    Ok(code)
}
