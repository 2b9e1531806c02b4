//! Applying the fixes diagnostics carry (`check --fix`, `--unsafe-fixes`, `--diff`, and the
//! language server's code actions): pure functions of a checked repository and its texts.
//!
//! `check --fix` runs rounds: check, apply every applicable fix that does not overlap another in
//! the same file, check the fixed texts again (a file that parses after a quote was added may
//! now show a misspelled name), until nothing more applies or [`MAX_ROUNDS`]. The rounds work on
//! texts in memory, through [`Patched`]; only the end result is written, and only to a file whose
//! text on disk is still the one the first round read.

use std::collections::BTreeMap;

use crate::diagnostic::{apply_edits, Applicability, Diagnostic, Edit};
use crate::source::{Files, Listed, Read, Source};

/// Rounds of check-and-fix before giving up on reaching a fixed point.
pub const MAX_ROUNDS: usize = 8;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only fixes that keep what the author wrote.
    Safe,
    /// Every fix, guesses and placeholders included.
    Unsafe,
}

impl Mode {
    pub fn admits(self, a: Applicability) -> bool {
        a == Applicability::Safe || self == Mode::Unsafe
    }
}

/// The new texts of the files that fixes change in one round (repository-relative paths), and
/// how many fixes were applied. Fixes that overlap an earlier one in the same file wait for the
/// next round; a fix of a finding without a location, or whose edits do not apply, is left out.
pub fn apply_round(files: &Files, diags: &[Diagnostic], mode: Mode) -> (BTreeMap<String, String>, usize) {
    let mut by_file: BTreeMap<u32, Vec<&crate::diagnostic::Fix>> = BTreeMap::new();
    for d in diags {
        let (Some(fix), Some(loc)) = (&d.fix, &d.location) else { continue };
        if mode.admits(fix.applicability) && !fix.edits.is_empty() {
            by_file.entry(loc.file.0).or_default().push(fix);
        }
    }
    let mut out = BTreeMap::new();
    let mut applied = 0;
    for (file, fixes) in by_file {
        let f = files.get(crate::diagnostic::FileId(file));
        let mut taken: Vec<Edit> = Vec::new();
        for fix in fixes {
            let overlaps = fix.edits.iter().any(|e| {
                taken.iter().any(|t| {
                    (e.span.start < t.span.end && t.span.start < e.span.end)
                        || (e.span.start == t.span.start && (e.span.start == e.span.end || t.span.start == t.span.end))
                })
            });
            if overlaps {
                continue;
            }
            let mut with = taken.clone();
            with.extend(fix.edits.iter().cloned());
            if apply_edits(&f.text, &with).is_some() {
                taken = with;
                applied += 1;
            }
        }
        if let Some(new) = apply_edits(&f.text, &taken).filter(|n| *n != f.text) {
            out.insert(f.path.clone(), new);
        }
    }
    (out, applied)
}

/// A source with some files' texts replaced: by fixed ones, or by the language server's editor
/// buffers (a buffer of a file that does not exist yet is listed with the others; fixes never
/// create files).
pub struct Patched<'a> {
    inner: &'a dyn Source,
    texts: &'a BTreeMap<String, String>,
}

impl<'a> Patched<'a> {
    pub fn new(inner: &'a dyn Source, texts: &'a BTreeMap<String, String>) -> Patched<'a> {
        Patched { inner, texts }
    }
}

impl Source for Patched<'_> {
    fn list(&self, dir: &str) -> Vec<Listed> {
        let mut listed = self.inner.list(dir);
        let below = |p: &str| dir == "." || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
        let known: std::collections::HashSet<&str> = listed.iter().map(Listed::path).collect();
        let new: Vec<Listed> = self
            .texts
            .keys()
            .filter(|p| below(p) && !known.contains(p.as_str()))
            .map(|p| Listed::File(p.clone()))
            .collect();
        if !new.is_empty() {
            listed.extend(new);
            listed.sort_by(|a, b| a.path().cmp(b.path()));
        }
        listed
    }
    fn read(&self, path: &str, limit: u64) -> Read {
        match self.texts.get(path) {
            Some(t) => Read::of_text(t, limit),
            None => self.inner.read(path, limit),
        }
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// What `check --fix` did: the fixed texts with the texts they were made from, the number of
/// fixes, and the check of the result.
pub struct Outcome {
    /// path → (text first read, fixed text)
    pub changed: BTreeMap<String, (String, String)>,
    pub applied: usize,
    pub checked: crate::check::Checked,
}

/// Checks and fixes in rounds, in memory.
pub fn fix(source: &dyn Source, ctx: &crate::check::Context, mode: Mode) -> Outcome {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    let mut applied = 0;
    let mut checked = crate::check::check(source, ctx);
    for _ in 0..MAX_ROUNDS {
        let (new, n) = apply_round(&checked.loaded.files, checked.diagnostics(), mode);
        if new.is_empty() {
            break;
        }
        applied += n;
        for (path, text) in new {
            if !originals.contains_key(&path) {
                let first = (0..checked.loaded.files.len())
                    .map(|i| checked.loaded.files.get(crate::diagnostic::FileId(i as u32)))
                    .find(|f| f.path == path)
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                originals.insert(path.clone(), first);
            }
            texts.insert(path, text);
        }
        checked = crate::check::check(&Patched::new(source, &texts), ctx);
    }
    let changed = texts
        .into_iter()
        .filter_map(|(path, text)| {
            let before = originals.remove(&path)?;
            (before != text).then_some((path, (before, text)))
        })
        .collect();
    Outcome { changed, applied, checked }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Span};

    fn diag(file: u32, fix: Fix) -> Diagnostic {
        Diagnostic::new(&crate::syntax::codes::KDL_SYNTAX, "x")
            .at(crate::diagnostic::FileId(file), Span::new(0, 0))
            .fix(fix)
    }

    #[test]
    fn overlapping_and_unsafe_fixes_wait() {
        let mut files = Files::default();
        files.add("a.kdl".into(), "x 15m y 2d\n".into());
        let quote = |s, e, t: &str| Fix::replace(Applicability::Safe, "q", Span::new(s, e), format!("\"{t}\""));
        let diags = vec![
            diag(0, quote(2, 5, "15m")),
            diag(0, quote(2, 4, "15")),
            diag(0, quote(8, 10, "2d")),
            diag(0, Fix::replace(Applicability::Unsafe, "u", Span::new(0, 1), "z")),
        ];
        let (out, n) = apply_round(&files, &diags, Mode::Safe);
        assert_eq!(n, 2);
        assert_eq!(out["a.kdl"], "x \"15m\" y \"2d\"\n");
        let (out, n) = apply_round(&files, &diags, Mode::Unsafe);
        assert_eq!(n, 3);
        assert_eq!(out["a.kdl"], "z \"15m\" y \"2d\"\n");
    }

    #[test]
    fn edits_outside_the_text_or_inside_a_character_are_refused() {
        assert_eq!(apply_edits("ab", &[Edit { span: Span::new(1, 9), text: "x".into() }]), None);
        assert_eq!(apply_edits("é", &[Edit { span: Span::new(1, 2), text: "x".into() }]), None);
        assert_eq!(apply_edits("ab", &[Edit { span: Span::new(2, 2), text: "c".into() }]).as_deref(), Some("abc"));
    }
}
