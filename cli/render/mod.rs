//! One renderer per output format. Renderers read diagnostics and files; they never decide what
//! is a finding.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::Files;
use crate::units::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text with source snippets (colour on a terminal, unless NO_COLOR is set)
    Human,
    /// a versioned JSON document (see README, "Output formats")
    Json,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
    /// GitHub Actions workflow annotations, plus a job summary when GITHUB_STEP_SUMMARY is set
    Github,
    /// JUnit XML: a test suite per file, a failing test case per finding that fails the check
    Junit,
    /// GitLab code quality report (JSON), for `artifacts:reports:codequality`
    Gitlab,
}

/// What a renderer needs: the findings, the files they point into, and how to name paths.
pub struct Report<'a> {
    pub files: &'a Files,
    pub diagnostics: &'a [Diagnostic],
    /// Prefix that turns a repository-relative path into the path shown to the user
    /// (`plans/` when the plan repository is the `plans` folder of the current directory).
    pub path_prefix: String,
    pub as_of: Date,
    pub as_of_source: &'static str,
    pub files_checked: usize,
    /// What the run tolerates that a normal check does not (`--allow-unsigned`), said in every
    /// output format.
    pub notice: Option<&'static str>,
}

/// A resolved position, 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Report<'_> {
    pub fn path(&self, loc: &Location) -> String {
        format!("{}{}", self.path_prefix, self.files.get(loc.file).path)
    }

    pub fn position(&self, loc: &Location) -> Position {
        let f = self.files.get(loc.file);
        let (line, column) = f.line_col(loc.span.start);
        let (end_line, end_column) = f.line_col(loc.span.end);
        Position { path: self.path(loc), line, column, end_line, end_column }
    }

    /// Findings of a severity that count (not waived).
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity && d.counts()).count()
    }

    pub fn waived(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.counts()).count()
    }

    pub fn summary_line(&self) -> String {
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let files = plural(self.files_checked, "file");
        let waived = match self.waived() {
            0 => String::new(),
            n => format!(" ({n} waived)"),
        };
        let notice = self.notice.map(|n| format!("; {n}")).unwrap_or_default();
        if e == 0 && w == 0 {
            format!("checked {files}: no problems{waived}{notice}")
        } else {
            format!("checked {files}: {}, {}{waived}{notice}", plural(e, "error"), plural(w, "warning"))
        }
    }
}
