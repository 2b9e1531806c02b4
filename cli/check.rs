//! Checking a repository end to end: load, cross-reference, policy, sign-offs, sort. Pure apart
//! from the source.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{load, Loaded};
use crate::rules::xref;
use crate::source::Source;
use crate::units::Date;

/// What a check needs besides the files.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// "Today" for every date-dependent rule.
    pub as_of: Date,
    /// Whether the files come from the Git index (`check --staged`, the pre-commit hook).
    pub staged: bool,
    /// Whether unsigned and stale plans (`SIG001`, `SIG002`) are warnings: chosen by whoever runs
    /// the check (`check --allow-unsigned`, and `check --staged`), never by the checked files.
    pub allow_unsigned: bool,
}

impl Context {
    /// A check of committed or work-tree content as of a date: every sign-off rule an error.
    pub fn new(as_of: Date) -> Context {
        Context { as_of, staged: false, allow_unsigned: false }
    }
}

/// Everything `check` found.
pub struct Checked {
    pub loaded: Loaded,
}

impl Checked {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.loaded.diagnostics
    }
    pub fn has_errors(&self) -> bool {
        self.loaded.diagnostics.iter().any(|d| d.severity == Severity::Error && d.counts())
    }
}

/// Runs every check on a source. Diagnostics come sorted by file path and position.
pub fn check(source: &dyn Source, ctx: &Context) -> Checked {
    let mut loaded = load(source);
    let mut diags = std::mem::take(&mut loaded.diagnostics);
    // Cross-references, policy rules and sign-offs read the model only: they run side by side.
    let (model, broken, files) = (&loaded.model, &loaded.broken, &loaded.files);
    let (index, rest) = std::thread::scope(|scope| {
        let policy = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn_scoped(scope, || {
                let mut d = Vec::new();
                crate::rules::policy::check(model, broken, ctx, &mut d);
                crate::signoff::check(model, files, ctx, &mut d);
                d
            })
            .expect("a thread can be started");
        let index = xref::check(model, broken, &mut diags);
        (index, policy.join().expect("rules do not panic"))
    });
    diags.extend(rest);
    crate::rules::settings::apply(&loaded.model, &loaded.files, &index, ctx, &mut diags);
    let files = &loaded.files;
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.location.map(|l| (files.get(l.file).path.clone(), l.span.start, l.span.end));
        key(a).cmp(&key(b)).then_with(|| a.rule.code.cmp(b.rule.code)).then_with(|| a.message.cmp(&b.message))
    });
    loaded.diagnostics = diags;
    Checked { loaded }
}
