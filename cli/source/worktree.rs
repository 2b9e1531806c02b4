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
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                out.push(Listed::Skipped { path: rel.to_string(), why: format!("the folder cannot be read: {e}") });
                return;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                let shown = name.to_string_lossy();
                if !shown.starts_with('.') {
                    let path = if rel == "." { shown.to_string() } else { format!("{rel}/{shown}") };
                    out.push(Listed::Skipped {
                        path,
                        why: "its name is not valid UTF-8 (shown with U+FFFD); rename it".into(),
                    });
                }
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let rel_path = if rel == "." { name.to_string() } else { format!("{rel}/{name}") };
            let path = entry.path();
            // the directory entry's own type: no extra system call per file
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let kdl = name.ends_with(".kdl");
            let (is_dir, is_file) = if file_type.is_symlink() {
                let target = match path.canonicalize() {
                    Ok(t) => t,
                    Err(e) => {
                        if kdl {
                            let why = match std::fs::read_link(&path) {
                                Ok(t) if e.raw_os_error() == Some(40) => {
                                    format!("it is a symbolic link to {} in a loop of links", t.display())
                                }
                                Ok(t) => format!("it is a symbolic link to {}, which does not exist", t.display()),
                                Err(_) => format!("it is a symbolic link that cannot be followed: {e}"),
                            };
                            out.push(Listed::Skipped { path: rel_path, why });
                        }
                        continue;
                    }
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
            } else if is_file && kdl {
                out.push(Listed::File(rel_path));
            } else if kdl {
                out.push(Listed::Skipped {
                    path: rel_path,
                    why: format!("it is {}, not a regular file", special(&path)),
                });
            }
        }
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
        // never open what is not a regular file inside the repository: a named pipe would block,
        // a link could lead anywhere
        match full.canonicalize() {
            Ok(c) if !c.starts_with(&self.canonical_root) => return Read::Outside(c.display().to_string()),
            Ok(c) => match std::fs::metadata(&c) {
                Ok(m) if !m.is_file() => return Read::Failed(format!("it is {}, not a regular file", special(&c))),
                _ => {}
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && full.symlink_metadata().is_ok() => {
                return Read::Failed(format!("it is a symbolic link to a missing target: {e}"))
            }
            Err(_) => {}
        }
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
