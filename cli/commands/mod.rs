//! One function per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod check;
pub mod explain;
pub mod schema;

use std::io::Write;

use crate::cli::{Cli, Command};

/// Writes to stdout; a closed pipe (`contingent check | head`) is not an error.
pub fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes text with ANSI styles to stdout, stripping them unless stdout is a terminal that
/// wants colour (NO_COLOR and CLICOLOR_FORCE are respected).
pub fn print_styled(text: &str) -> Result<(), String> {
    let mut out = anstream::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Schema { kind } => schema::run(kind.as_deref()),
        Command::Explain { code } => explain::explain(&code),
        Command::Rules { format } => explain::list(format),
        Command::BenchParse { path } => {
            let root = check::find_root(&path)?;
            let source = crate::source::worktree::WorkTree::new(&root)
                .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
            let (files, nodes) = crate::load::read_and_parse_only(&source);
            print(&format!("read and parsed {files} files, {nodes} top-level nodes\n"))?;
            Ok(crate::exit::CLEAN)
        }
    }
}
