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

#[allow(clippy::too_many_lines)] // longer than a screen: to be split into named steps
pub fn run(args: &FmtArgs) -> Result<u8, String> {
    let root = super::check::find_root(&args.path)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let prefix = super::check::path_prefix(&root);
    // files over the repository's size limit are not read, as `check` does not read them
    let limit = crate::load::read_config(&source).unwrap_or_default().limits.max_file_size;
    // Only the files at or below PATH (the whole repository when PATH is its root).
    let below = std::fs::canonicalize(&args.path)
        .ok()
        .and_then(|p| p.strip_prefix(&root).ok().map(|r| r.to_string_lossy().replace('\\', "/")))
        .unwrap_or_default();
    let wanted = |rel: &str| below.is_empty() || rel == below || rel.starts_with(&format!("{below}/"));
    let mut problems = Vec::new();
    let mut diffs = String::new();
    let (mut changed, mut unchanged) = (0usize, 0usize);
    let listing = source.list(".");
    let in_scope = |l: &Listed| match l {
        Listed::File(p) | Listed::SymlinkOutside { path: p, .. } | Listed::Skipped { path: p, .. } => wanted(p),
    };
    for listed in listing.into_iter().filter(in_scope) {
        let rel = match listed {
            Listed::File(rel) => rel,
            Listed::SymlinkOutside { path, target } => {
                problems
                    .push(format!("{prefix}{path}: a symbolic link out of the repository (to {target}): not followed"));
                continue;
            }
            Listed::Skipped { path, why } => {
                problems.push(format!("{prefix}{path}: not formatted: {why}"));
                continue;
            }
        };
        let shown = format!("{prefix}{rel}");
        // a link is never rewritten: its target is formatted where it is listed itself (a file
        // below a folder link is its folder's own, listed under the first name that reaches it)
        if root.join(&rel).symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            super::note(&format!(
                "note: {shown} is a symbolic link; fmt formats its target where the target is listed itself"
            ));
            continue;
        }
        let text = match source.read(&rel, limit) {
            Read::Bytes(b) => match String::from_utf8(b) {
                Ok(t) => t,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let (line, col) = SourceFile::new(rel.clone(), String::from_utf8_lossy(&e.as_bytes()[..at]).into())
                        .line_col(at as u32);
                    problems.push(format!("{shown}:{line}:{col}: not UTF-8 (byte {at}): not formatted"));
                    continue;
                }
            },
            Read::TooLarge(n) => {
                problems.push(format!(
                    "{shown}: {n} bytes, more than the limit of {limit} (`limits max-file-size` in contingent.kdl): not formatted"
                ));
                continue;
            }
            Read::Outside(target) => {
                problems.push(format!("{shown}: a symbolic link out of the repository (to {target}): not followed"));
                continue;
            }
            Read::NotFound => continue,
            Read::Failed(e) => {
                problems.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        let new = match format(&text) {
            Formatted::Text(t) => t,
            Formatted::Invalid(diags) => {
                let file = SourceFile::new(rel.clone(), text.clone());
                let mut first = true;
                for d in diags.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).take(3) {
                    let (line, col) = d.location.as_ref().map_or((1, 1), |l| file.line_col(l.span.start));
                    problems.push(format!(
                        "{shown}:{line}:{col}: {}{}: {}",
                        if first { "does not parse, not formatted: " } else { "" },
                        d.rule.code,
                        d.message
                    ));
                    first = false;
                }
                if first {
                    problems.push(format!("{shown}: does not parse, not formatted (see `contingent check`)"));
                }
                continue;
            }
            Formatted::Unsafe(why) => {
                problems.push(format!("{shown}: not formatted: {why}"));
                continue;
            }
        };
        if new == text {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if args.check {
            let diff = similar::TextDiff::from_lines(&text, &new);
            diffs.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{}", crate::escape::line(&shown)),
                        &format!("b/{}", crate::escape::line(&shown)),
                    )
                    .to_string(),
            );
        } else {
            write_atomic(&root, &rel, &new).map_err(|e| format!("{shown}: {e}; the file is unchanged"))?;
        }
    }
    super::print(&diffs)?;
    for p in &problems {
        super::error_line(&format!("error: {p}"));
    }
    let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
    let summary = if args.check {
        match changed {
            0 => format!("{} formatted already", files(unchanged)),
            n => format!("{} would be reformatted, {unchanged} formatted already", files(n)),
        }
    } else {
        format!("formatted {}, {unchanged} unchanged", files(changed))
    };
    let trouble = if problems.is_empty() { String::new() } else { format!("; {} not formatted", problems.len()) };
    eprintln!("{summary}{trouble}");
    Ok(if problems.is_empty() && !(args.check && changed > 0) { crate::exit::CLEAN } else { crate::exit::FINDINGS })
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
