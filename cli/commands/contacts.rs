//! `contingent contacts`.

pub fn run(_args: &crate::cli::ContactsArgs) -> Result<u8, String> {
    Err("`contingent contacts` is not available yet".into())
}
