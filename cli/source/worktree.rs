//! Files from the work tree, confined to the repository root.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::links::{self, Child, Entry, Tree};
use super::{Listed, Read, Source};

pub struct WorkTree {
    root: PathBuf,
    canonical_root: PathBuf,
}

impl WorkTree {
    pub fn new(root: &Path) -> std::io::Result<WorkTree> {
        let canonical_root = root.canonicalize()?;
        Ok(WorkTree { root: root.to_path_buf(), canonical_root })
    }

    fn full(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }
}

/// The file system below the root, for [`links`]: the same rule of links as the Git sources.
impl Tree for WorkTree {
    fn entry(&self, path: &str) -> Option<Entry> {
        if path.is_empty() {
            return Some(Entry::Dir);
        }
        let full = self.full(path);
        let meta = std::fs::symlink_metadata(&full).ok()?;
        Some(entry_of(&full, meta.file_type()))
    }

    fn children(&self, path: &str) -> Result<Vec<Child>, String> {
        let dir = self.full(path);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.to_string()),
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            // the directory entry's own type: no extra system call per file
            let Ok(file_type) = e.file_type() else { continue };
            let name = e.file_name();
            let name = match name.to_str() {
                Some(n) => Ok(n.to_string()),
                None => Err(name.to_string_lossy().into_owned()),
            };
            if name.as_ref().is_ok_and(|n| n.starts_with('.')) {
                out.push((name, Entry::Other("a hidden entry")));
                continue;
            }
            out.push((name, entry_of(&e.path(), file_type)));
        }
        Ok(out)
    }

    fn inside(&self, target: &str) -> Option<String> {
        let target = Path::new(target);
        let rel = target.strip_prefix(&self.canonical_root).or_else(|_| target.strip_prefix(&self.root)).ok()?;
        rel.to_str().map(str::to_string)
    }
}

/// The entry at `path`, of type `file_type` (not following a link).
fn entry_of(path: &Path, file_type: std::fs::FileType) -> Entry {
    if file_type.is_symlink() {
        match std::fs::read_link(path) {
            Ok(t) => Entry::Link(t.to_string_lossy().into_owned()),
            Err(_) => Entry::Other("a symbolic link that cannot be read"),
        }
    } else if file_type.is_dir() {
        Entry::Dir
    } else if file_type.is_file() {
        Entry::File
    } else {
        Entry::Other(special(path))
    }
}

/// What kind of special file a path is, in words.
fn special(path: &Path) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::metadata(path).map(|m| m.file_type()) {
        Ok(t) if t.is_fifo() => "a named pipe (FIFO)",
        Ok(t) if t.is_socket() => "a socket",
        Ok(t) if t.is_block_device() || t.is_char_device() => "a device",
        _ => "a special file",
    }
}

impl Source for WorkTree {
    fn list(&self, dir: &str) -> Vec<Listed> {
        links::list(self, dir)
    }

    fn read(&self, path: &str, limit: u64) -> Read {
        // never open what is not a regular file inside the repository: a named pipe would block,
        // a link could lead anywhere; links are followed by the same rule as in Git
        let full = match links::file(self, path) {
            Ok(real) => self.full(&real),
            Err(read) => return read,
        };
        let mut file = match std::fs::File::open(&full) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Read::NotFound,
            Err(e) => return Read::Failed(e.to_string()),
        };
        let size = match file.metadata() {
            Ok(m) if m.len() > limit => return Read::TooLarge(m.len()),
            Ok(m) => m.len(),
            Err(e) => return Read::Failed(e.to_string()),
        };
        // Sized once (plus one byte to see the end of file): no regrowing while reading.
        let mut bytes = Vec::with_capacity(size as usize + 1);
        // Bounded even if the file grows between the size check and the read.
        match file.by_ref().take(limit + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > limit => Read::TooLarge(bytes.len() as u64),
            Ok(_) => Read::Bytes(bytes),
            Err(e) => Read::Failed(e.to_string()),
        }
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}
