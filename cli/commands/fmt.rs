//! `contingent fmt [PATH] [--check]`: the canonical layout ([`crate::fmt`]) for every `.kdl` file
//! of the plan repository.
//!
//! Files are written atomically (a new temporary file in the same folder, then a rename over the
//! old one, keeping its permissions), never through a symbolic link and never outside the
//! repository. A `.kdl` name that is a symbolic link is skipped with a note:
//! its target is formatted where it is listed itself, and `--check` does not count it. A file that does not parse is reported with its place and left as it is; the
//! others are still formatted.

use std::path::Path;

use crate::cli::FmtArgs;
use crate::fmt::{format, Formatted};
use crate::source::worktree::WorkTree;
use crate::source::{Listed, Read, Source, SourceFile};

pub fn run(args: &FmtArgs) -> Result<u8, String> {
    let root = super::check::find_root(&args.path)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let prefix = super::check::path_prefix(&root);
    // files over the repository's size limit are not read, as `check` does not read them
    let limit = crate::load::read_config(&source).unwrap_or_default().limits.max_file_size;
    let below = below_root(&args.path, &root);
    let mut tally = Tally::default();
    for listed in source.list(".").into_iter().filter(|l| in_scope(l, &below)) {
        let Some(rel) = listed_file(listed, &prefix, &mut tally.problems) else { continue };
        let shown = format!("{prefix}{rel}");
        // a link is never rewritten: its target is formatted where it is listed itself (a file
        // below a folder link is its folder's own, listed under the first name that reaches it)
        if root.join(&rel).symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            super::note(&format!(
                "note: {shown} is a symbolic link; fmt formats its target where the target is listed itself"
            ));
            continue;
        }
        let text = match read_text(&source, &rel, &shown, limit) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(problem) => {
                tally.problems.push(problem);
                continue;
            }
        };
        let new = match reformat(&text, &rel, &shown) {
            Ok(new) => new,
            Err(problems) => {
                tally.problems.extend(problems);
                continue;
            }
        };
        if new == text {
            tally.unchanged += 1;
            continue;
        }
        tally.changed += 1;
        if args.check {
            tally.diffs.push_str(&unified_diff(&text, &new, &shown));
        } else {
            write_atomic(&root, &rel, &new).map_err(|e| format!("{shown}: {e}; the file is unchanged"))?;
        }
    }
    report(args, &tally)
}

/// What one run of `fmt` found: the files it would change or changed, the ones already in the
/// layout, the diffs `--check` prints and the files it could not format.
#[derive(Default)]
struct Tally {
    problems: Vec<String>,
    diffs: String,
    changed: usize,
    unchanged: usize,
}

/// PATH relative to the repository root (empty when PATH is the root or cannot be resolved).
fn below_root(path: &Path, root: &Path) -> String {
    std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.strip_prefix(root).ok().map(|r| r.to_string_lossy().replace('\\', "/")))
        .unwrap_or_default()
}

/// Only the files at or below PATH (the whole repository when PATH is its root).
fn in_scope(listed: &Listed, below: &str) -> bool {
    let (Listed::File(rel) | Listed::SymlinkOutside { path: rel, .. } | Listed::Skipped { path: rel, .. }) = listed;
    below.is_empty() || rel == below || rel.starts_with(&format!("{below}/"))
}

/// The path of a listed file, or `None` after noting why a listed name is not one to format.
fn listed_file(listed: Listed, prefix: &str, problems: &mut Vec<String>) -> Option<String> {
    match listed {
        Listed::File(rel) => Some(rel),
        Listed::SymlinkOutside { path, target } => {
            problems.push(format!("{prefix}{path}: a symbolic link out of the repository (to {target}): not followed"));
            None
        }
        Listed::Skipped { path, why } => {
            problems.push(format!("{prefix}{path}: not formatted: {why}"));
            None
        }
    }
}

/// The text of a file: `Ok(None)` when it has gone, `Err` with the problem when it cannot be
/// read as UTF-8 within the size limit.
fn read_text(source: &WorkTree, rel: &str, shown: &str, limit: u64) -> Result<Option<String>, String> {
    match source.read(rel, limit) {
        Read::Bytes(b) => match String::from_utf8(b) {
            Ok(t) => Ok(Some(t)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let (line, col) = SourceFile::new(rel.to_string(), String::from_utf8_lossy(&e.as_bytes()[..at]).into())
                    .line_col(at as u32);
                Err(format!("{shown}:{line}:{col}: not UTF-8 (byte {at}): not formatted"))
            }
        },
        Read::TooLarge(n) => Err(format!(
            "{shown}: {n} bytes, more than the limit of {limit} (`limits max-file-size` in contingent.kdl): not formatted"
        )),
        Read::Outside(target) => Err(format!("{shown}: a symbolic link out of the repository (to {target}): not followed")),
        Read::NotFound => Ok(None),
        Read::Failed(e) => Err(format!("{shown}: cannot read: {e}")),
    }
}

/// The text in the canonical layout, or the problems that keep the file as it is (the first
/// three parse errors, with their places).
fn reformat(text: &str, rel: &str, shown: &str) -> Result<String, Vec<String>> {
    match format(text) {
        Formatted::Text(t) => Ok(t),
        Formatted::Invalid(diags) => {
            let file = SourceFile::new(rel.to_string(), text.to_string());
            let mut problems = Vec::new();
            for d in diags.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).take(3) {
                let (line, col) = d.location.as_ref().map_or((1, 1), |l| file.line_col(l.span.start));
                problems.push(format!(
                    "{shown}:{line}:{col}: {}{}: {}",
                    if problems.is_empty() { "does not parse, not formatted: " } else { "" },
                    d.rule.code,
                    d.message
                ));
            }
            if problems.is_empty() {
                problems.push(format!("{shown}: does not parse, not formatted (see `contingent check`)"));
            }
            Err(problems)
        }
        Formatted::Unsafe(why) => Err(vec![format!("{shown}: not formatted: {why}")]),
    }
}

/// The unified diff `--check` prints for one file.
fn unified_diff(old: &str, new: &str, shown: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", crate::escape::line(shown)), &format!("b/{}", crate::escape::line(shown)))
        .to_string()
}

/// Prints the diffs, the problems and the summary line; the exit code.
fn report(args: &FmtArgs, tally: &Tally) -> Result<u8, String> {
    let Tally { problems, diffs, changed, unchanged } = tally;
    super::print(diffs)?;
    for p in problems {
        super::error_line(&format!("error: {p}"));
    }
    let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
    let summary = if args.check {
        match changed {
            0 => format!("{} formatted already", files(*unchanged)),
            n => format!("{} would be reformatted, {unchanged} formatted already", files(*n)),
        }
    } else {
        format!("formatted {}, {unchanged} unchanged", files(*changed))
    };
    let trouble = if problems.is_empty() { String::new() } else { format!("; {} not formatted", problems.len()) };
    eprintln!("{summary}{trouble}");
    Ok(if problems.is_empty() && !(args.check && *changed > 0) { crate::exit::CLEAN } else { crate::exit::FINDINGS })
}

/// Replaces (or creates) `root/rel` with `text`: a temporary file next to it, made with
/// `create_new` (never through a link), then renamed over it. Refuses a path that is a symbolic
/// link or not a regular file, and one whose folder lies outside `root`.
pub fn write_atomic(root: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = root.join(rel);
    let permissions = match path.symlink_metadata() {
        Ok(meta) if meta.file_type().is_file() => Some(meta.permissions()),
        Ok(_) => {
            return Err("is a symbolic link or not a regular file: not rewritten (format the file it points to)".into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read: {e}")),
    };
    let dir = path.parent().ok_or("has no folder")?;
    let canonical_root = root.canonicalize().map_err(|e| format!("cannot resolve the repository: {e}"))?;
    let canonical_dir = dir.canonicalize().map_err(|e| format!("cannot resolve its folder: {e}"))?;
    if !canonical_dir.starts_with(&canonical_root) {
        return Err("its folder lies outside the repository (a symbolic link): not rewritten".into());
    }
    let name = path.file_name().and_then(|n| n.to_str()).ok_or("has no file name")?;
    crate::replace::file(&canonical_dir, name, text.as_bytes(), permissions).map_err(|e| format!("cannot write: {e}"))
}
