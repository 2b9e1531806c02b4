//! `contingent history`.

pub fn run(_args: &crate::cli::HistoryArgs) -> Result<u8, String> {
    Err("`contingent history` is not available yet".into())
}
