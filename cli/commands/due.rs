//! `contingent due`.

pub fn run(_args: &crate::cli::DueArgs) -> Result<u8, String> {
    Err("`contingent due` is not available yet".into())
}
