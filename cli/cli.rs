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
    /// Run as if started in this folder (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Print nothing but errors; the exit code is unchanged (a report asked for with --output is
    /// still written).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Write the report to FILE instead of standard output. The file is replaced atomically, and
    /// only when the command ran (exit code 0 or 1); it is never written through a symbolic link.
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE
    /// forces it), always or never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// on a terminal, as NO_COLOR and CLICOLOR_FORCE say
    Auto,
    /// always, even into a pipe or a file
    Always,
    /// never
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a plan repository: syntax, schema, cross-references, policy rules, sign-offs.
    ///
    /// Exit codes: 0 no errors (warnings allowed), 1 errors found (with `--fail-on warning`, warnings
    /// too), 2 the check could not run; `--exit-zero` turns 1 into 0.
    Check(CheckArgs),
    /// Show what a change does to the emergency preparedness: the domain diff of two versions.
    ///
    /// Compares BASE (default: the merge base of the default branch and HEAD) with HEAD (default:
    /// the work tree; `--staged`: the index) over the typed model: every change classified as
    /// weaker, stronger or neutral, with the sign-offs it voids and the findings it adds or
    /// resolves. Exit codes: 0 it ran (whatever changed), 2 it could not run.
    #[command(
        override_usage = "contingent diff [OPTIONS] [BASE [HEAD]] [PATH]\n       contingent diff [OPTIONS] [BASE [HEAD]] -- PATH"
    )]
    Diff(DiffArgs),
    /// Show each plan's versions from Git history, or which version was in force on a date.
    History(HistoryArgs),
    /// Install or remove the Git pre-commit hook that runs `contingent check --staged`.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Sign a plan for the client or the provider with an SSH key (`ssh-keygen -Y sign`).
    Sign(SignArgs),
    /// Show each plan's sign-off state for client and provider.
    Signoffs(SignoffsArgs),
    /// Review a pull request on GitHub: one sticky comment and the `contingent/sign-off` status.
    ///
    /// Reads the base and the head as Git objects (never checks the head out); the trust comes
    /// from the base. In GitHub Actions, the pull request, base and head are read from the event.
    Review(ReviewArgs),
    /// Keep the dashboard issue of what falls due on GitHub, and mention the owners of what
    /// became due since the last run in one new comment (for a scheduled workflow).
    Remind(RemindArgs),
    /// Print a plan's canonical digest (what a sign-off signs).
    Digest {
        /// The plan's id.
        plan: String,
        /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
        path: Option<PathBuf>,
        #[command(flatten)]
        repo: FormerPath,
    },
    /// Show each contract's revisions and the revision each plan pins.
    Contracts(ReportArgs),
    /// List contacts by party with their verification state and who relies on them.
    Contacts(ContactsArgs),
    /// List what falls due: verifications, exercises, restore tests, findings, revisions, waivers.
    Due(DueArgs),
    /// Write the emergency handbook: one printable HTML page per plan, an index and a contact
    /// directory (docs/handbook.md).
    ///
    /// Every page carries the plan's digest, the commit, the date and the sign-off manifest;
    /// plans that are not approved, stale or rely on stale contacts get a warning banner.
    #[command(override_usage = "contingent handbook [OPTIONS] [PATH] [PLAN]...")]
    Handbook(HandbookArgs),
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
    /// Start a new plan repository: a small, commented example for two parties that checks clean
    /// apart from the sign-offs (`contingent check --allow-unsigned`). Never overwrites a file.
    Init(InitArgs),
    /// Lay out every KDL file of the repository in one canonical way (comments kept; a plan's
    /// digest never changes). Exit codes with `--check`: 0 formatted, 1 a file would change.
    Fmt(FmtArgs),
    /// Run the language server over standard input and output (for editors: diagnostics as you
    /// type, go to definition, references, completion, hover, fixes and formatting; see the
    /// README's "In your editor").
    Lsp(LspArgs),
    /// Export the repository as JSON: one document per object, as the schemas validate it, with
    /// its file and kind (docs/export.md), for jq, OPA/conftest and other tools.
    Export(ExportArgs),
    /// Generate a CODEOWNERS file from the contacts' GitHub logins: both parties' responsible
    /// contacts own each plan and its sign-offs, approvers own the contacts.
    Codeowners(CodeownersArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// the shell to complete for
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff; `contingent man | man -l -`).
    Man,
    /// Benchmark baseline: only list, read and KDL-parse the files (no checks).
    #[command(hide = true)]
    BenchParse {
        /// A folder inside the plan repository.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// List every rule with its code, name, default severity and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    /// `-` reads the file named by --stdin-filename from standard input.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// With PATH `-`: the file of the plan repository whose text standard input holds (an
    /// editor's unsaved buffer); the rest of the repository is read as usual.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on findings of this severity or worse: error (the default) or warning.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit 0 even when there are findings; 2 still means the check could not run.
    #[arg(long, conflicts_with = "fail_on")]
    pub exit_zero: bool,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Check the content of the Git index (what is staged), not the work tree.
    #[arg(long, conflicts_with_all = ["rev"])]
    pub staged: bool,
    /// Check the repository as it was at a commit, tag or branch.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Report only findings in files changed since BASE (and findings those changes cause).
    #[arg(long, value_name = "BASE")]
    pub changed_since: Option<String>,
    /// Verify sign-offs against the approver rosters of this trusted commit: sign-offs made with
    /// keys it does not trust do not count, roster changes are reported. `--changed-since BASE`
    /// trusts BASE unless this is given.
    #[arg(long, value_name = "REV")]
    pub trust: Option<String>,
    /// Tolerate unsigned and stale plans: SIG001, SIG002 and SIG019 become warnings (for a trial, or a
    /// check before review). Every output says so. Invalid sign-offs stay errors.
    #[arg(long)]
    pub allow_unsigned: bool,
    /// Also read the plans' Git history: warn (EXR011) when a plan changed in meaning (escalation,
    /// steps, contacts, objectives) after its last exercise. Needs the full history (no shallow clone).
    #[arg(long, conflicts_with_all = ["rev"])]
    pub history: bool,
    /// Apply the safe fixes (those that keep what was written: a bare `15m` quoted, KDL v1's
    /// `true` written `#true`), then report what is left. Never rewrites a file that changed
    /// since it was read.
    #[arg(long, conflicts_with_all = ["staged", "rev", "changed_since", "trust", "stdin_filename"])]
    pub fix: bool,
    /// Apply the unsafe fixes too: a unique did-you-mean for a misspelled name or id, a missing
    /// member added with the placeholder "TODO". Read the result before committing it.
    #[arg(long, conflicts_with_all = ["staged", "rev", "changed_since", "trust", "stdin_filename"])]
    pub unsafe_fixes: bool,
    /// Show the fixes (safe ones, or all with --unsafe-fixes) as a unified diff instead of
    /// writing them; exit 1 when there is one.
    #[arg(long, conflicts_with_all = ["staged", "rev", "changed_since", "trust", "stdin_filename"])]
    pub diff: bool,
}

/// The least severity that fails a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// errors fail the check (warnings do not)
    Error,
    /// warnings fail the check too
    Warning,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// A folder inside the plan repository (the plan root is found in the base commit).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The trusted base: its approvers, keys and configuration judge the sign-offs (default: the
    /// pull request's base commit from GITHUB_EVENT_PATH).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The pull request's head commit (default: `pull_request.head.sha` of the event, else HEAD).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// The pull request's number (default: from the event, or found by the head commit).
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// The GitHub repository (default: GITHUB_REPOSITORY).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// Print the comment and the status instead of sending them; nothing goes over the network.
    #[arg(long)]
    pub dry_run: bool,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the base's reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A base branch whose pull requests set the status `contingent/sign-off` (repeatable;
    /// default: the repository's default branch, from the event). A pull request into any other
    /// branch gets `contingent/sign-off (into BRANCH)`, so a second pull request with the same
    /// head into a branch the author controls never sets the status a protected branch requires.
    #[arg(long, value_name = "BRANCH")]
    pub protected: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// `[BASE [HEAD]] [PATH]`: revisions (anything `git rev-parse` accepts) and a folder inside
    /// the plan repository, like `git diff`; write `-- PATH` when a folder's name is also a
    /// revision.
    #[arg(value_name = "REVISION_OR_PATH", num_args = 0..=3)]
    pub args: Vec<String>,
    /// A folder inside the plan repository (after `--`).
    #[arg(last = true, value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Compare with the content of the Git index (what is staged) instead of the work tree.
    #[arg(long)]
    pub staged: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Check both versions as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the
    /// reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// text for a terminal
    Human,
    /// Markdown for a pull-request comment or a job summary
    Markdown,
    /// a versioned JSON document (docs/diff.md)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The GitHub repository that keeps the dashboard issue (default: GITHUB_REPOSITORY).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// How far ahead to look (a duration such as 30d or 3mo).
    #[arg(long, default_value = "30d", value_name = "DURATION")]
    pub within: String,
    /// Remind as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A label for the dashboard issue when it is made (repeat for several).
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,
    /// A GitHub login to assign the dashboard issue to when it is made (repeat for several).
    #[arg(long = "assignee", value_name = "LOGIN")]
    pub assignees: Vec<String>,
    /// Leave a dashboard that someone closed as not planned closed for good (by default it is
    /// reopened when something new falls due).
    #[arg(long)]
    pub keep_closed: bool,
    /// Print the issue body and the comment instead of sending them; nothing goes over the network.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Plan ids (default: every plan), then optionally a folder inside the plan repository: the
    /// last argument is the folder when it is one (write `-- PATH` when a folder's name is also a
    /// plan id).
    #[arg(value_name = "PLAN_OR_PATH")]
    pub plans: Vec<String>,
    /// A folder inside the plan repository (after `--`).
    #[arg(last = true, value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Show the version of each plan in force on this date (YYYY-MM-DD) instead of every version.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    #[command(flatten)]
    pub repo: FormerPath,
}

// `--repo PATH`, the former name of a command's PATH argument: hidden, still accepted.
#[derive(Debug, clap::Args)]
pub struct FormerPath {
    /// The former name of PATH, still accepted.
    #[arg(long, hide = true, value_name = "PATH", conflicts_with = "path")]
    pub repo: Option<PathBuf>,
}

impl FormerPath {
    /// The plan repository a command is pointed at: PATH, else the former `--repo PATH`, else `.`.
    pub fn or(&self, path: &Option<PathBuf>) -> PathBuf {
        path.clone().or_else(|| self.repo.clone()).unwrap_or_else(|| PathBuf::from("."))
    }
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install the pre-commit hook into the repository's hooks folder (honours core.hooksPath).
    Install {
        /// Replace an existing hook that contingent did not install.
        #[arg(long)]
        force: bool,
        /// A folder inside the plan repository.
        path: Option<PathBuf>,
        #[command(flatten)]
        repo: FormerPath,
    },
    /// Remove the pre-commit hook installed by contingent.
    Uninstall {
        /// A folder inside the plan repository.
        path: Option<PathBuf>,
        #[command(flatten)]
        repo: FormerPath,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Party {
    /// the client, who outsources
    Client,
    /// the provider, who runs the outsourced operations
    Provider,
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The plan's id (with --roster, no plan is named: the one argument is PATH).
    #[arg(required_unless_present = "roster")]
    pub plan: Option<String>,
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    pub path: Option<PathBuf>,
    /// The party you sign for.
    #[arg(long, value_enum, required_unless_present = "roster")]
    pub party: Option<Party>,
    /// Sign the party's approver roster instead of a plan: after review of a change of who may
    /// approve (an approver or key added, removed or rotated), an approver of the roster before
    /// the change signs the new one (docs/signoff.md, section 9).
    #[arg(long, value_enum, value_name = "PARTY", conflicts_with_all = ["path", "party"])]
    pub roster: Option<Party>,
    /// Sign the plan's retirement instead of its content: the party approves removing the plan
    /// (sign before deleting the plan's file; both parties sign; docs/signoff.md, section 2).
    #[arg(long, conflicts_with = "roster")]
    pub retire: bool,
    /// With --roster: the commit whose roster the new one replaces (its version and digest are
    /// signed with it); default HEAD.
    #[arg(long, value_name = "REV", requires = "roster")]
    pub base: Option<String>,
    /// Your contact id.
    #[arg(long = "as", value_name = "CONTACT")]
    pub signer: String,
    /// The SSH private key (or public key with ssh-agent); default: Git's user.signingkey.
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
    /// The signing date (YYYY-MM-DD) instead of CONTINGENT_AS_OF or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub repo: FormerPath,
}

#[derive(Debug, clap::Args)]
pub struct SignoffsArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Judge the sign-offs against this trusted revision (the protected branch), as
    /// `check --trust` does: its approvers and keys, its records, its clock.
    #[arg(long, value_name = "REV")]
    pub trust: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A folder inside the plan repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ContactsArgs {
    /// A folder inside the plan repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only contacts whose verification is older than the maximum age.
    #[arg(long)]
    pub stale: bool,
    /// Only contacts whose verification expires within this duration (e.g. 30d).
    #[arg(long, value_name = "WITHIN")]
    pub expiring: Option<String>,
    /// Only contacts of this party.
    #[arg(long, value_name = "PARTY")]
    pub party: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DueArgs {
    /// A folder inside the plan repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// How far ahead to look (a duration such as 60d or 3mo).
    #[arg(long, default_value = "60d", value_name = "DURATION")]
    pub within: String,
    /// Output format (ics: an iCalendar feed to subscribe to).
    #[arg(long, value_enum, default_value_t = DueFormat::Table)]
    pub format: DueFormat,
    /// With --format ics: a reminder this long before each item (a duration such as 2d or 1w),
    /// as a VALARM of each event.
    #[arg(long, value_name = "DURATION")]
    pub alarm: Option<String>,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct HandbookArgs {
    /// `[PATH] [PLAN]...`: a folder inside the plan repository (when the first argument is an
    /// existing file or folder), then the ids of the plans to include (default: every plan).
    #[arg(value_name = "PATH_OR_PLAN")]
    pub args: Vec<String>,
    /// A folder inside the plan repository; every argument is then a plan id (the former name
    /// of PATH on other commands, kept here for a plan id that is also a folder's name).
    #[arg(long, hide = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The folder to write the pages to (created if needed; not inside the plan files).
    /// Default: `handbook` at the plan repository's root, which holds a `.gitignore` of its own
    /// so that Git does not show the pages.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// html: the pages; pdf: the pages and a PDF of each, printed by headless Chromium.
    #[arg(long, value_enum, default_value_t = HandbookFormat::Html)]
    pub format: HandbookFormat,
    /// The Chromium or Chrome program for `--format pdf` (default: chromium, chromium-browser,
    /// google-chrome or google-chrome-stable on PATH).
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,
    /// Judge sign-offs, contacts and exercises as of this date (YYYY-MM-DD) instead of
    /// CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Judge the sign-offs against this trusted revision (the protected branch), as
    /// `check --trust` does; without it the handbook says that its approvals are self-certified.
    #[arg(long, value_name = "REV")]
    pub trust: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    /// Bash (`source <(contingent completions bash)`)
    Bash,
    /// Elvish
    Elvish,
    /// fish (`contingent completions fish > ~/.config/fish/completions/contingent.fish`)
    Fish,
    /// PowerShell
    Powershell,
    /// Zsh (write it as `_contingent` into a folder of `$fpath`)
    Zsh,
}

impl From<CompletionShell> for clap_complete::Shell {
    fn from(s: CompletionShell) -> clap_complete::Shell {
        match s {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Elvish => clap_complete::Shell::Elvish,
            CompletionShell::Fish => clap_complete::Shell::Fish,
            CompletionShell::Powershell => clap_complete::Shell::PowerShell,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HandbookFormat {
    /// static HTML pages
    Html,
    /// the HTML pages and one PDF per page (needs Chromium)
    Pdf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// aligned columns for a terminal
    Table,
    /// a JSON document
    Json,
    /// a Markdown table
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DueFormat {
    /// aligned columns for a terminal
    Table,
    /// a JSON document
    Json,
    /// a Markdown table
    Markdown,
    /// an iCalendar feed to subscribe to
    Ics,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the repository in (made if missing; no file in it is overwritten).
    #[arg(default_value = ".", value_name = "DIR")]
    pub folder: PathBuf,
    /// The client's name, e.g. "Example Bank AG" (its id is derived from it).
    #[arg(long, value_name = "NAME")]
    pub client: String,
    /// The provider's name, e.g. "Example Data Centre GmbH" (its id is derived from it).
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    /// The date the example's verifications, contract revision and exercises carry (YYYY-MM-DD)
    /// instead of CONTINGENT_AS_OF or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// A file or folder of the plan repository (found by walking up to `contingent.kdl`): the KDL
    /// files at or below it are formatted; the repository's root formats them all.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Change nothing: show the diff of what would change and exit 1 if any file would.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// A folder inside the plan repository (default: the editor's workspace folder); its root
    /// is found by walking up to `contingent.kdl`.
    pub path: Option<PathBuf>,
    /// Check as of this date (YYYY-MM-DD) instead of CONTINGENT_AS_OF, the reference-date or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Accepted for editors that pass it (VS Code's language client does); the server always
    /// speaks over standard input and output.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// one versioned JSON document (docs/export.md)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CodeownersArgs {
    /// A folder inside the plan repository; its root is found by walking up to `contingent.kdl`.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write it to .github/CODEOWNERS at the root of the Git repository instead of printing it.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Compare with .github/CODEOWNERS of the Git repository: exit 1 with the diff when it differs.
    #[arg(long)]
    pub check: bool,
}
