//! One function per subcommand. Each returns the exit code, or an error message (exit 2).

pub mod check;
pub mod codeowners;
pub mod contacts;
pub mod contracts;
pub mod diff;
pub mod due;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod handbook;
pub mod history;
pub mod hook;
pub mod init;
pub mod remind;
pub mod report;
pub mod review;
pub mod schema;
pub mod sign;

use std::io::Write;

use crate::cli::{Cli, Command};

/// Writes to stdout; a closed pipe (`contingent check | head`) is not an error.
pub fn print(text: &str) -> Result<(), String> {
    let text = crate::escape::terminal(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes text with ANSI styles to stdout, stripping them unless stdout is a terminal that
/// wants colour (NO_COLOR and CLICOLOR_FORCE are respected).
pub fn print_styled(text: &str) -> Result<(), String> {
    let text = crate::escape::terminal_styled(text);
    let mut out = anstream::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<u8, String> {
    if let Some(dir) = &cli.dir {
        std::env::set_current_dir(dir).map_err(|e| format!("cannot change to {}: {e}", dir.display()))?;
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::History(args) => history::run(&args),
        Command::Hook { action } => hook::run(&action),
        Command::Review(args) => review::run(&args),
        Command::Remind(args) => remind::run(&args),
        Command::Sign(args) => sign::sign(&args),
        Command::Signoffs(args) => sign::signoffs(&args),
        Command::Digest { plan, repo } => sign::digest(&plan, &repo),
        Command::Contracts(args) => contracts::run(&args),
        Command::Contacts(args) => contacts::run(&args),
        Command::Due(args) => due::run(&args),
        Command::Handbook(args) => handbook::run(&args),
        Command::Schema { kind } => schema::run(kind.as_deref()),
        Command::Explain { code } => explain::explain(&code),
        Command::Rules { format } => explain::list(format),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Codeowners(args) => codeowners::run(&args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "contingent", &mut out);
            print(&String::from_utf8_lossy(&out))?;
            Ok(crate::exit::CLEAN)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| format!("cannot render the manual page: {e}"))?;
            print(&String::from_utf8_lossy(&out))?;
            Ok(crate::exit::CLEAN)
        }
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
