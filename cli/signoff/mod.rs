//! Sign-off: the canonical digest of a plan, the signed statement, SSH signature verification.

pub mod digest;
