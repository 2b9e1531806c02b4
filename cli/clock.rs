//! The one clock every date-dependent check reads.
//!
//! In order: `--as-of DATE`, the `CONTINGENT_AS_OF` environment variable, the repository's
//! `reference-date` in `contingent.kdl` (for example repositories that must not age), and
//! today's date in UTC. Every output says which one was used.

use std::path::Path;

use crate::source::worktree::WorkTree;
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

/// The clock for the repository at `root`.
pub fn resolve(flag: Option<&str>, root: &Path) -> Result<Clock, String> {
    if let Some(c) = explicit(flag)? {
        return Ok(c);
    }
    let reference = WorkTree::new(root).ok().and_then(|s| crate::load::read_config(&s)).and_then(|c| c.reference_date);
    Ok(match reference {
        Some(d) => Clock { today: d.value, source: "from reference-date in contingent.kdl" },
        None => Clock { today: Date::today_utc(), source: "today" },
    })
}
