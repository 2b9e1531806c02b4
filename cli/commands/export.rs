//! `contingent export`.

pub fn run(_args: &crate::cli::ExportArgs) -> Result<u8, String> {
    Err("not yet".into())
}
