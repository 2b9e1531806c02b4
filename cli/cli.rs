//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::render::Format;

/// Policy-as-code for the emergency-preparedness plans of IT outsourcing (IT-Grundschutz M 6.83).
///
/// Plans, contacts, inventory, contracts, exercise records and sign-offs live as KDL files in a
/// Git repository; contingent checks them against the format's JSON Schemas, cross-references
/// and policy rules.
#[derive(Debug, Parser)]
#[command(name = "contingent", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a plan repository: syntax, schema, cross-references.
    ///
    /// Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 the check could not run.
    Check(CheckArgs),
    /// Print the JSON Schema of one kind of file, or list the kinds.
    Schema {
        /// config, contact, system, interface, contract, plan, exercise or signoff
        kind: Option<String>,
    },
    /// Explain a diagnostic code (e.g. REF002) or rule name.
    Explain {
        /// a code such as SCH001, or a rule name such as unknown-node
        code: String,
    },
    /// Benchmark baseline: only list, read and KDL-parse the files (no checks).
    #[command(hide = true)]
    BenchParse {
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// List every rule with its code, name, default severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check as of this date (YYYY-MM-DD) instead of today. Also read from CONTINGENT_AS_OF.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Markdown,
}
