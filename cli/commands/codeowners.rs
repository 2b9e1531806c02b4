//! `contingent codeowners`.

pub fn run(_args: &crate::cli::CodeownersArgs) -> Result<u8, String> {
    Err("not yet".into())
}
