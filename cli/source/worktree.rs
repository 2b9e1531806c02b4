//! Files from the work tree, confined to the repository root.

use std::collections::HashSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

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

    fn walk(&self, dir: &Path, rel: &str, seen: &mut HashSet<PathBuf>, out: &mut Vec<Listed>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let rel_path = if rel == "." { name.to_string() } else { format!("{rel}/{name}") };
            let path = entry.path();
            // the directory entry's own type: no extra system call per file
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let (is_dir, is_file) = if file_type.is_symlink() {
                let Ok(target) = path.canonicalize() else {
                    continue;
                };
                if !target.starts_with(&self.canonical_root) {
                    if name.ends_with(".kdl") || target.is_dir() {
                        out.push(Listed::SymlinkOutside { path: rel_path, target: target.display().to_string() });
                    }
                    continue;
                }
                (target.is_dir(), target.is_file())
            } else {
                (file_type.is_dir(), file_type.is_file())
            };
            if is_dir {
                let Ok(canonical) = path.canonicalize() else {
                    continue;
                };
                if seen.insert(canonical) {
                    self.walk(&path, &rel_path, seen, out);
                }
            } else if is_file && name.ends_with(".kdl") {
                out.push(Listed::File(rel_path));
            }
        }
    }
}

impl Source for WorkTree {
    fn list(&self, dir: &str) -> Vec<Listed> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let path = if dir == "." { self.root.clone() } else { self.root.join(dir) };
        if let Ok(c) = path.canonicalize() {
            if !c.starts_with(&self.canonical_root) {
                return vec![Listed::SymlinkOutside { path: dir.to_string(), target: c.display().to_string() }];
            }
            seen.insert(c);
        }
        self.walk(&path, dir, &mut seen, &mut out);
        out
    }

    fn read(&self, path: &str, limit: u64) -> Read {
        let full = self.root.join(path);
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
