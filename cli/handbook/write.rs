//! Writing the handbook's files into the output folder: never through a symbolic link, never
//! into the plan repository's own folders, and replacing only pages this command wrote before.

use std::path::{Component, Path, PathBuf};

use super::html::GENERATOR;

/// The absolute form of a path that may not exist yet: its deepest existing ancestor resolved
/// (links included), the rest appended. `..` after the existing part is refused.
fn resolve(path: &Path) -> Result<PathBuf, String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?.join(path)
    };
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if existing.symlink_metadata().is_ok() {
            break;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", existing.display()))?;
    for part in rest.iter().rev() {
        let p = Path::new(part);
        if p.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir)) {
            return Err(format!("{}: write the output folder without `..`", path.display()));
        }
        out.push(part);
    }
    Ok(out)
}

/// Refuses an output path with a symbolic link anywhere on it: every component, from the current
/// folder for a relative path (`site`, `site/`, `site/handbook`) or from `/` for an absolute one,
/// is looked at without following it, up to the first that does not exist yet (which
/// `create_dir` makes as a real folder). A trailing slash does not hide a link, since the
/// components are looked at, not the path as the system resolves it.
fn no_link_on_the_way(out: &Path) -> Result<(), String> {
    let mut at = if out.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?
    };
    let mut shown = PathBuf::new();
    for part in out.components() {
        at.push(part);
        shown.push(part);
        if matches!(part, Component::RootDir | Component::Prefix(_) | Component::CurDir) {
            continue;
        }
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "--out {}: {} is a symbolic link: the handbook is never written through a link; name a folder with no link on the way",
                    out.display(),
                    shown.display()
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) => return Err(format!("cannot read {}: {e}", at.display())),
        }
    }
    Ok(())
}

/// Refuses an output folder that is the plan repository's root, one of its configured folders
/// (or inside one), or inside a `.git` folder; returns the resolved folder.
pub fn check_out_dir(out: &Path, root: &Path, data_dirs: &[&str]) -> Result<PathBuf, String> {
    no_link_on_the_way(out)?;
    if let Ok(m) = out.symlink_metadata() {
        if !m.is_dir() {
            return Err(format!("{} exists and is not a folder: choose another --out", out.display()));
        }
    }
    let resolved = resolve(out)?;
    let root = root.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", root.display()))?;
    let hint = "write the handbook outside the plan files, e.g. `--out handbook` next to the plan repository";
    if resolved == root {
        return Err(format!("{} is the plan repository itself: {hint}", out.display()));
    }
    for d in data_dirs {
        let dir = root.join(d);
        if resolved.starts_with(&dir) && (dir != root) {
            return Err(format!("{} is inside the plan repository's folder `{d}`: {hint}", out.display()));
        }
    }
    if resolved.components().any(|c| c.as_os_str() == ".git") {
        return Err(format!("{} is inside a Git folder: {hint}", out.display()));
    }
    Ok(resolved)
}

/// Creates the folder (and its parents); an existing link anywhere is not followed for the
/// last component, which [`check_out_dir`] has checked.
pub fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let m = dir.symlink_metadata().map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    if m.file_type().is_symlink() || !m.is_dir() {
        return Err(format!("{} is not a plain folder: the handbook is never written through a link", dir.display()));
    }
    Ok(())
}

/// Writes one file: a new temporary file (`create_new`, which never opens an existing file or
/// link) renamed over the name, so a link at the name is replaced, never followed.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    if name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.') {
        return Err(format!("refusing to write a file named `{name}`"));
    }
    let target = dir.join(name);
    if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("{} is a folder: remove it or choose another --out", target.display()));
    }
    crate::replace::file(dir, name, bytes, None).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// What the default output folder's `.gitignore` says: ignore everything here, this file too.
pub const GITIGNORE: &str = "# Written by `contingent handbook`: the handbook is generated from the plan files, so Git\n# ignores this folder. To keep a handbook in Git, write it elsewhere with --out DIR.\n*\n";

/// Keeps the folder out of Git with a `.gitignore` of its own (as Python's venv and pytest's
/// cache do), so the pages stay out of `git status` whether or not the repository ignores the
/// folder. A `.gitignore` already there (anything at the name, even a link) is left alone.
/// Returns whether it was written.
pub fn ignore_in_git(dir: &Path) -> Result<bool, String> {
    if dir.join(".gitignore").symlink_metadata().is_ok() {
        return Ok(false);
    }
    crate::replace::file(dir, ".gitignore", GITIGNORE.as_bytes(), None)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(".gitignore").display()))?;
    Ok(true)
}

/// Whether a file is a page an earlier run wrote (a regular file carrying the generator tag).
fn ours(path: &Path) -> bool {
    let Ok(m) = path.symlink_metadata() else { return false };
    if !m.is_file() {
        return false;
    }
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut head = Vec::with_capacity(4096);
    use std::io::Read;
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let tag = format!("<meta name=\"generator\" content=\"{GENERATOR}\">");
    String::from_utf8_lossy(&head).contains(&tag)
}

/// Removes pages of earlier runs that this run did not write (a plan removed or renamed), and
/// the PDF printed from each; returns their names. Files this command did not write stay.
pub fn remove_stale(dir: &Path, written: &[String]) -> Result<Vec<String>, String> {
    let mut removed = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    for name in names {
        let Some(stem) = name.strip_suffix(".html") else { continue };
        if written.contains(&name) || !ours(&dir.join(&name)) {
            continue;
        }
        std::fs::remove_file(dir.join(&name)).map_err(|e| format!("cannot remove the old page {name}: {e}"))?;
        removed.push(name.clone());
        let pdf = dir.join(format!("{stem}.pdf"));
        if pdf.symlink_metadata().is_ok_and(|m| m.is_file()) && !written.contains(&format!("{stem}.pdf")) {
            std::fs::remove_file(&pdf).map_err(|e| format!("cannot remove the old {stem}.pdf: {e}"))?;
            removed.push(format!("{stem}.pdf"));
        }
    }
    Ok(removed)
}
