//! `contingent contracts`.

pub fn run(_args: &crate::cli::ReportArgs) -> Result<u8, String> {
    Err("`contingent contracts` is not available yet".into())
}
