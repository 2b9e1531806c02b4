//! `contingent hook`.

pub fn run(_action: &crate::cli::HookAction) -> Result<u8, String> {
    Err("`contingent hook` is not available yet".into())
}
