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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::cli::{Cli, ColorWhen, Command};

/// `--quiet`: nothing goes to standard output, and notes and warnings stay off standard error.
static QUIET: AtomicBool = AtomicBool::new(false);
/// `--output FILE`: what the command prints, kept until it has run.
static OUTPUT: Mutex<Option<Vec<u8>>> = Mutex::new(None);

/// Whether `--quiet` was given: commands print notes and warnings to stderr only when not.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A note or warning for people on stderr (not an error: errors are returned), unless `--quiet`.
/// One line: every line break in it is shown escaped (`escape::line`), so repository text in a
/// note never starts a line of its own.
pub fn note(text: &str) {
    if !quiet() {
        eprintln!("{}", crate::escape::line(text));
    }
}

/// An error line on stderr (even with `--quiet`), escaped as [`note`] is: `main` prints the
/// error a command returns through it, and commands that go on after an error report it here.
pub fn error_line(text: &str) {
    eprintln!("{}", crate::escape::line(text));
}

/// Appends to the `--output` buffer when there is one; returns the text back when there is not.
fn to_output(bytes: &[u8]) -> bool {
    match OUTPUT.lock() {
        Ok(mut guard) => match guard.as_mut() {
            Some(buffer) => {
                buffer.extend_from_slice(bytes);
                true
            }
            None => false,
        },
        Err(_) => false,
    }
}

/// Writes to stdout; a closed pipe (`contingent check | head`) is not an error. Repository text
/// in it has been escaped where it was placed (`escape::line`); as a backstop, no line of it
/// starts with `::`, a GitHub Actions workflow command (`escape::no_workflow_commands`).
pub fn print(text: &str) -> Result<(), String> {
    write_plain(crate::escape::no_workflow_commands(crate::escape::terminal(text)))
}

/// Writes GitHub Actions workflow commands (`check --format github`) to stdout: the only output
/// whose lines may start with `::`, each made by the renderer with its data escaped (`%0A`).
pub fn print_workflow_commands(text: &str) -> Result<(), String> {
    write_plain(crate::escape::terminal(text))
}

fn write_plain(text: std::borrow::Cow<'_, str>) -> Result<(), String> {
    if to_output(text.as_bytes()) || quiet() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes text with ANSI styles to stdout, stripping them unless stdout is a terminal that
/// wants colour (NO_COLOR and CLICOLOR_FORCE are respected).
pub fn print_styled(text: &str) -> Result<(), String> {
    let text = crate::escape::no_workflow_commands(crate::escape::terminal_styled(text));
    if OUTPUT.lock().is_ok_and(|g| g.is_some()) {
        // a file is no terminal: styles only with --color always (or CLICOLOR_FORCE)
        let mut styled = anstream::AutoStream::auto(Vec::new());
        let _ = styled.write_all(text.as_bytes());
        to_output(&styled.into_inner());
        return Ok(());
    }
    if quiet() {
        return Ok(());
    }
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
    QUIET.store(cli.quiet, Ordering::Relaxed);
    match cli.color {
        ColorWhen::Auto => {}
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
    }
    let Some(file) = cli.output.clone() else {
        return dispatch(cli);
    };
    let target = output_target(&file)?;
    if let Ok(mut guard) = OUTPUT.lock() {
        *guard = Some(Vec::new());
    }
    let code = dispatch(cli)?;
    let bytes = OUTPUT.lock().ok().and_then(|mut g| g.take()).unwrap_or_default();
    write_atomically(&target, &bytes)?;
    Ok(code)
}

/// Checks `--output FILE` before the command runs, so a bad name costs nothing: its folder
/// must exist, and FILE must not be a folder. An existing file is replaced (as a report of an
/// earlier run is); a symbolic link there is replaced by the file, never written through.
fn output_target(file: &Path) -> Result<PathBuf, String> {
    let name = file.file_name().ok_or_else(|| format!("--output {}: name a file", file.display()))?;
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir =
        parent.canonicalize().map_err(|e| format!("--output {}: its folder cannot be used: {e}", file.display()))?;
    if !dir.is_dir() {
        return Err(format!("--output {}: {} is not a folder", file.display(), parent.display()));
    }
    let target = dir.join(name);
    if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("--output {}: it is a folder; name a file", file.display()));
    }
    Ok(target)
}

/// Replaces `target` as a whole: a reader sees the old report or the new one, never half of one.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::replace::file(dir, &name, bytes, None).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

fn dispatch(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::History(args) => history::run(&args),
        Command::Hook { action } => hook::run(&action),
        Command::Review(args) => review::run(&args),
        Command::Remind(args) => remind::run(&args),
        Command::Sign(args) => sign::sign(&args),
        Command::Signoffs(args) => sign::signoffs(&args),
        Command::Digest { plan, path, repo } => sign::digest(&plan, &repo.or(&path)),
        Command::Contracts(args) => contracts::run(&args),
        Command::Contacts(args) => contacts::run(&args),
        Command::Due(args) => due::run(&args),
        Command::Handbook(args) => handbook::run(&args),
        Command::Schema { kind } => schema::run(kind.as_deref()),
        Command::Explain { code } => explain::explain(&code),
        Command::Rules { format } => explain::list(format),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Lsp(args) => crate::lsp::run(args.path, args.as_of),
        Command::Export(args) => export::run(&args),
        Command::Codeowners(args) => codeowners::run(&args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                clap_complete::Shell::from(shell),
                &mut <Cli as clap::CommandFactory>::command(),
                "contingent",
                &mut out,
            );
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
