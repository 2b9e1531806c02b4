//! What a check needs besides the files: the date and who runs it. Below every rule and the
//! sign-off verification, which read it; `check::Context` is the same type.

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
