//! `contingent sign`, `contingent signoffs`, `contingent digest`.

use std::path::Path;

pub fn sign(_args: &crate::cli::SignArgs) -> Result<u8, String> {
    Err("`contingent sign` is not available yet".into())
}

pub fn signoffs(_args: &crate::cli::SignoffsArgs) -> Result<u8, String> {
    Err("`contingent signoffs` is not available yet".into())
}

pub fn digest(_plan: &str, _repo: &Path) -> Result<u8, String> {
    Err("`contingent digest` is not available yet".into())
}
