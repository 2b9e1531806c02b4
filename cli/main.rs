use std::process::ExitCode;

use clap::Parser;
use contingent::{cli::Cli, commands, exit};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::FAILURE } else { exit::CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            commands::error_line(&format!("error: {message}"));
            ExitCode::from(exit::FAILURE)
        }
    }
}

// Loading allocates many small strings and maps; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
