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

/// Refuses a name that is not a plain file name, or names a folder.
fn writable(dir: &Path, name: &str) -> Result<PathBuf, String> {
    if name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.') {
        return Err(format!("refusing to write a file named `{name}`"));
    }
    let target = dir.join(name);
    if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("{} is a folder: remove it or choose another --out", target.display()));
    }
    Ok(target)
}

/// Writes one file: a new temporary file (`create_new`, which never opens an existing file or
/// link) renamed over the name, so a link at the name is replaced, never followed.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let target = writable(dir, name)?;
    crate::replace::file(dir, name, bytes, None).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// Files written together: each goes to a new temporary file beside its name (`create_new`,
/// which never opens an existing file or follows a link) as it is added, so only one is held in
/// memory; [`Staged::commit`] makes them all durable with one sync and then renames each over
/// its name (a link at the name is replaced, never followed). Until then no name has changed: a
/// failure on the way leaves the earlier files as they were, and the temporary files are removed.
pub struct Staged {
    dir: PathBuf,
    /// (temporary file, name)
    files: Vec<(PathBuf, String)>,
    names: std::collections::HashSet<String>,
}

impl Staged {
    pub fn new(dir: &Path) -> Staged {
        Staged { dir: dir.to_path_buf(), files: Vec::new(), names: Default::default() }
    }

    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), String> {
        use std::io::Write;
        let target = writable(&self.dir, name)?;
        let temp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        // a name added again: the last bytes win, as when each was written in turn
        if !self.names.insert(name.to_string()) {
            self.files.retain(|(_, n)| n != name);
        }
        if temp.symlink_metadata().is_ok() {
            // a leftover of an interrupted run (removing a link removes the link, not its target)
            let _ = std::fs::remove_file(&temp);
        }
        let written =
            std::fs::OpenOptions::new().write(true).create_new(true).open(&temp).and_then(|mut f| f.write_all(bytes));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(format!("cannot write {}: {e}", target.display()));
        }
        self.files.push((temp, name.to_string()));
        Ok(())
    }

    /// One sync for every file added, then each renamed over its name; returns the names.
    pub fn commit(mut self) -> Result<Vec<String>, String> {
        sync(&self.dir, &self.files).map_err(|e| format!("cannot write {}: {e}", self.dir.display()))?;
        let files = std::mem::take(&mut self.files);
        for (i, (temp, name)) in files.iter().enumerate() {
            if let Err(e) = std::fs::rename(temp, self.dir.join(name)) {
                let _ = std::fs::remove_file(temp);
                // the rest are removed on drop
                self.files = files[i + 1..].to_vec();
                return Err(format!("cannot write {}: {e}", self.dir.join(name).display()));
            }
        }
        let names = files.into_iter().map(|(_, name)| name).collect();
        // the renames themselves
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(names)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (temp, _) in &self.files {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Makes the files' contents durable: on Linux one `syncfs` of the file system holding the
/// folder, elsewhere each file.
fn sync(dir: &Path, files: &[(PathBuf, String)]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let _ = files;
        let d = std::fs::File::open(dir)?;
        // SAFETY: `syncfs` only reads the open descriptor, which `d` keeps alive for the call.
        if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        for (temp, _) in files {
            std::fs::File::open(temp)?.sync_all()?;
        }
        Ok(())
    }
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
    let written: std::collections::HashSet<&str> = written.iter().map(String::as_str).collect();
    for name in names {
        let Some(stem) = name.strip_suffix(".html") else { continue };
        if written.contains(name.as_str()) || !ours(&dir.join(&name)) {
            continue;
        }
        std::fs::remove_file(dir.join(&name)).map_err(|e| format!("cannot remove the old page {name}: {e}"))?;
        removed.push(name.clone());
        let pdf = dir.join(format!("{stem}.pdf"));
        if pdf.symlink_metadata().is_ok_and(|m| m.is_file()) && !written.contains(format!("{stem}.pdf").as_str()) {
            std::fs::remove_file(&pdf).map_err(|e| format!("cannot remove the old {stem}.pdf: {e}"))?;
            removed.push(format!("{stem}.pdf"));
        }
    }
    Ok(removed)
}
