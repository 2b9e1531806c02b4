//! `contingent fmt`.

pub fn run(_args: &crate::cli::FmtArgs) -> Result<u8, String> {
    Err("not yet".into())
}
