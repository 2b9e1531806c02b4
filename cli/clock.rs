//! The one clock every date-dependent check reads.
//!
//! In order: `--as-of DATE`, the `CONTINGENT_AS_OF` environment variable, the repository's
//! `reference-date` in `contingent.kdl` (for example repositories that must not age), and
//! today's date in UTC. Every output says which one was used.

use std::path::Path;

use crate::source::worktree::WorkTree;
use crate::source::Source;
use crate::units::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub today: Date,
    /// Where the date came from, for output: "from --as-of", "today", ...
    pub source: &'static str,
}

/// The date from the flag or the environment, if either is given.
pub fn explicit(flag: Option<&str>) -> Result<Option<Clock>, String> {
    if let Some(v) = flag {
        return Date::parse(v)
            .map(|d| Some(Clock { today: d, source: "from --as-of" }))
            .map_err(|e| format!("invalid --as-of: {e}"));
    }
    match std::env::var("CONTINGENT_AS_OF") {
        Ok(v) if !v.is_empty() => Date::parse(&v)
            .map(|d| Some(Clock { today: d, source: "from CONTINGENT_AS_OF" }))
            .map_err(|e| format!("invalid CONTINGENT_AS_OF: {e}")),
        _ => Ok(None),
    }
}

/// The clock for the repository in the work tree at `root`.
pub fn resolve(flag: Option<&str>, root: &Path) -> Result<Clock, String> {
    if let Some(c) = explicit(flag)? {
        return Ok(c);
    }
    Ok(match WorkTree::new(root) {
        Ok(source) => from_config(&source),
        Err(_) => Clock { today: Date::today_utc(), source: "today" },
    })
}

/// The clock for a repository read from any source (work tree, index, commit): the flag or
/// environment, else the `reference-date` of that source's own `contingent.kdl`, else today.
pub fn for_source(flag: Option<&str>, source: &dyn Source) -> Result<Clock, String> {
    match explicit(flag)? {
        Some(c) => Ok(c),
        None => Ok(from_config(source)),
    }
}

fn from_config(source: &dyn Source) -> Clock {
    let reference = crate::load::read_config(source).and_then(|c| c.reference_date);
    match reference {
        Some(d) => Clock { today: d.value, source: "from reference-date in contingent.kdl" },
        None => Clock { today: Date::today_utc(), source: "today" },
    }
}
