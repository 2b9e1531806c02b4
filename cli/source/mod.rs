//! The only code that reads plan files. A [`Source`] lists and reads files by repository-relative
//! path; the work tree is one source (and the Git index or a commit can be others), so every check
//! runs the same way whatever the files come from.

pub mod git;
pub mod links;
pub mod overlay;
pub mod worktree;

use crate::diagnostic::FileId;

pub mod codes;
pub use codes::*;

/// The configuration file at the root of a plan repository.
pub const CONFIG_FILE: &str = "contingent.kdl";

/// A file listed by a source, or a listed path that must not be read (and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    File(String),
    SymlinkOutside {
        path: String,
        target: String,
    },
    /// An entry that looks like a plan file or folder but cannot be checked, and why (a named
    /// pipe, a dangling link, a link loop, a name that is not UTF-8, a folder that cannot be read).
    Skipped {
        path: String,
        why: String,
    },
}

impl Listed {
    /// The listed path, whatever it is.
    pub fn path(&self) -> &str {
        match self {
            Listed::File(p) | Listed::SymlinkOutside { path: p, .. } | Listed::Skipped { path: p, .. } => p,
        }
    }
}

/// The outcome of reading one file.
#[derive(Debug)]
pub enum Read {
    Bytes(Vec<u8>),
    TooLarge(u64),
    NotFound,
    Failed(String),
    /// A symbolic link that leads outside the repository (its target); not followed.
    Outside(String),
}

impl Read {
    /// The bytes of a text held in memory, as read with `limit`.
    pub fn of_text(text: &str, limit: u64) -> Read {
        if text.len() as u64 > limit {
            Read::TooLarge(text.len() as u64)
        } else {
            Read::Bytes(text.as_bytes().to_vec())
        }
    }
}

pub trait Source: Sync {
    /// Every `.kdl` file below `dir` (repository-relative, `/`-separated), sorted.
    fn list(&self, dir: &str) -> Vec<Listed>;
    /// Reads a file, refusing files larger than `limit` bytes without reading them.
    fn read(&self, path: &str, limit: u64) -> Read;
    /// How to name the repository in messages.
    fn describe(&self) -> String;
}

/// A file of the repository with its text (empty when it could not be read).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        SourceFile { path, text, line_starts: std::sync::OnceLock::new() }
    }

    /// Offsets where lines start. Lines end as in KDL v2: at CRLF, CR, LF, NEL, VT, FF, LS or PS.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let b = self.text.as_bytes();
            let mut starts = vec![0];
            let mut i = 0;
            while i < b.len() {
                let n = match b[i] {
                    b'\r' if b.get(i + 1) == Some(&b'\n') => 0,
                    b'\n' | b'\r' | 0x0b | 0x0c => 1,
                    0xc2 | 0xe2 => crate::syntax::guard::newline_len(b, i),
                    _ => 0,
                };
                if n > 0 {
                    starts.push((i + n) as u32);
                    i += n;
                } else {
                    i += 1;
                }
            }
            starts
        })
    }

    /// The 1-based line of a byte offset (without counting columns).
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts().partition_point(|&s| s <= offset)
    }

    /// Where the text of a line starts: after the byte-order mark on the first line.
    fn content_start(&self, line: usize, start: usize) -> usize {
        if line == 0 && self.text.starts_with('\u{feff}') {
            start + 3
        } else {
            start
        }
    }

    /// 1-based line and column (in characters) of a byte offset. A byte-order mark is not a column.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.content_start(line, starts[line] as usize).min(offset);
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let start = start.min(col_end);
        let col = self.text[start..col_end].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line break (and without a byte-order mark).
    pub fn line(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map(|&e| e as usize).unwrap_or(self.text.len());
        let start = self.content_start(line - 1, start as usize).min(end);
        self.text[start..end].trim_end_matches(['\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}'])
    }

    /// The byte range of a 1-based line's text, as [`SourceFile::line`].
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let text = self.line(line);
        let start = text.as_ptr() as usize - self.text.as_ptr() as usize;
        start..start + text.len()
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn set_text(&mut self, id: FileId, text: String) {
        let f = &mut self.files[id.0 as usize];
        *f = SourceFile::new(std::mem::take(&mut f.path), text);
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Normalises a configured folder: no leading `./`, no trailing `/`, `.` for the root.
pub fn normalise_dir(dir: &str) -> String {
    let mut parts = Vec::new();
    for p in dir.split('/') {
        match p {
            "" | "." => {}
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x".into(), "ab\nüx y\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(5), (2, 2)); // after the two-byte ü
        assert_eq!(f.line(2), "üx y");
    }

    #[test]
    fn lines_end_at_every_kdl_newline_and_a_bom_is_no_column() {
        let f = SourceFile::new("x".into(), "\u{feff}a\rb\r\nc\u{85}d\u{b}e\u{c}f\u{2028}g\u{2029}h\ni".into());
        let lines: Vec<&str> = (1..=9).map(|l| f.line(l)).collect();
        assert_eq!(lines, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(5), (2, 1));
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line(10), "");
        assert_eq!(f.line(0), "");
    }

    #[test]
    fn dirs_are_normalised() {
        assert_eq!(normalise_dir("./plans/"), "plans");
        assert_eq!(normalise_dir("."), ".");
        assert_eq!(normalise_dir("a//b"), "a/b");
    }
}
