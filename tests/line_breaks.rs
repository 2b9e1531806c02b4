//! A line break in repository text never starts a line of its own. On GitHub Actions a line of
//! a job's log that starts with `::` is a workflow command (an annotation, `::add-mask::`,
//! `::stop-commands::`), so a pull request whose file names or strings hold a newline followed
//! by `::warning::` could write into the log of the job that checks it. Every KDL newline (CRLF,
//! CR, LF, NEL, VT, FF, LS, PS) is tried in file names and in string values, through every
//! command that prints human text or tables; only `check --format github` prints lines starting
//! with `::`, and only its own.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// Each KDL newline: its name, the character(s), the KDL escape that writes it in a string, and
/// how the output shows it.
const NEWLINES: [(&str, &str, &str, &str); 8] = [
    ("crlf", "\r\n", "\\r\\n", "\\r\\n"),
    ("cr", "\r", "\\r", "\\r"),
    ("lf", "\n", "\\n", "\\n"),
    ("nel", "\u{85}", "\\u{85}", "\\u{85}"),
    ("vt", "\u{b}", "\\u{b}", "\\u{b}"),
    ("ff", "\u{c}", "\\u{c}", "\\u{c}"),
    ("ls", "\u{2028}", "\\u{2028}", "\\u{2028}"),
    ("ps", "\u{2029}", "\\u{2029}", "\\u{2029}"),
];

fn example() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/plans"))
}

/// Every newline followed by a workflow command, as KDL string escapes.
fn hostile_escapes() -> String {
    NEWLINES.iter().map(|(name, _, kdl, _)| format!("{kdl}::warning::owned-{name}")).collect()
}

/// The example with crafted file names (a broken plan and a broken contact per newline) and
/// crafted strings in a valid plan and contact (title, forbidden action, name, role).
fn plant(dir: &Path) {
    let e = hostile_escapes();
    for (name, nl, _, _) in NEWLINES {
        std::fs::write(dir.join(format!("plans/x{nl}::warning::owned-{name}.kdl")), "plan {\n").unwrap();
        std::fs::write(
            dir.join(format!("contacts/c{nl}::warning::owned-{name}.kdl")),
            format!(
                "contact evil-{name} {{\n    party hpb\n    name \"Evil{e}\"\n    phone \"1{e}\"\n    deputy \"nobody{e}\"\n    verified \"2020-01-01\"\n}}\n"
            ),
        )
        .unwrap();
    }
    let edit = |rel: &str, pairs: &[(&str, String)]| {
        let p = dir.join(rel);
        let mut text = std::fs::read_to_string(&p).unwrap();
        for (from, to) in pairs {
            assert!(text.contains(from), "{rel}: {from}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(p, text).unwrap();
    };
    edit(
        "contacts/hpb.kdl",
        &[
            ("name \"Katharina Vogel\"", format!("name \"Katharina Vogel{e}\"")),
            ("role \"Emergency manager (client)\"", format!("role \"Emergency manager{e}\"")),
        ],
    );
    edit(
        "plans/payroll.kdl",
        &[
            ("title \"Payroll:", format!("title \"Payroll{e}:")),
            ("forbidden \"Reboot", format!("forbidden \"Reboot{e}")),
        ],
    );
}

fn git(dir: &Path, args: &[&str]) {
    let mut cmd = Command::new("git");
    isolate(&mut cmd);
    let out = cmd
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-10-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-10-01T12:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A Git repository: `main` holds the example, `change` (checked out) adds the crafted files.
fn repository() -> tempfile::TempDir {
    require("git");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(example(), dir.path());
    git(dir.path(), &["init", "-q", "-b", "main", "."]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "change"]);
    plant(dir.path());
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "change"]);
    dir
}

/// No line of either stream starts with `::` (nor does a line break hide before one).
fn assert_no_workflow_command(what: &str, out: &Output) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for line in text.split(['\n', '\r', '\u{85}', '\u{b}', '\u{c}', '\u{2028}', '\u{2029}']) {
            assert!(!line.starts_with("::"), "{what}: a line of {stream} starts with `::`: {line:?}\n{text}");
        }
    }
}

#[test]
fn no_command_lets_a_line_break_in_repository_text_start_a_line() {
    let repo = repository();
    let dir = repo.path();
    let out_dir = tempfile::tempdir().unwrap();
    let site = out_dir.path().join("site");
    let site = site.to_str().unwrap();
    let as_of = ["--as-of", "2026-11-01"];
    // (command, of how many newlines it shows the crafted text: `history` follows plans by id,
    // and the broken plans share the empty one, so it names one of their files)
    let runs: Vec<(Vec<&str>, usize)> = vec![
        (vec!["check", "."], 8),
        (vec!["check", ".", "--format", "human", "--color", "always"], 8),
        (vec!["fmt", "--check", "."], 8),
        (vec!["export", "."], 8),
        (vec!["history", "."], 1),
        (vec!["due", ".", "--within", "1y"], 8),
        (vec!["contacts", "."], 8),
        (vec!["contracts", "."], 0),
        (vec!["signoffs", "."], 0),
        (vec!["diff", "main"], 8),
        (vec!["review", ".", "--base", "main", "--head", "change", "--dry-run"], 0),
        (vec!["handbook", ".", "--out", site], 0),
    ];
    for (args, shown) in runs {
        let mut args = args.clone();
        if !matches!(args[0], "fmt" | "export" | "history" | "review") {
            args.extend_from_slice(&as_of);
        }
        let out = run_in(dir, &args, &[]);
        let what = args.join(" ");
        assert!(matches!(out.code, 0 | 1), "{what}: exit {}: {}", out.code, out.stderr);
        assert_no_workflow_command(&what, &out);
        assert!(!out.stdout.contains("\\u{3a}"), "{what}: the sink's backstop had to act:\n{}", out.stdout);
        let all = format!("{}{}", out.stdout, out.stderr);
        let escaped: Vec<String> =
            NEWLINES.iter().map(|(name, _, _, visible)| format!("{visible}::warning::owned-{name}")).collect();
        let n = escaped.iter().filter(|e| all.contains(e.as_str())).count();
        assert!(n >= shown, "{what}: {n} of the escaped forms shown, expected {shown}:\n{all}");
    }
}

#[test]
fn the_github_format_prints_only_its_own_workflow_commands() {
    let repo = repository();
    let out = run_in(repo.path(), &["check", ".", "--format", "github", "--as-of", "2026-11-01"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let commands: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(commands.len() > 10, "{}", out.stdout);
    for line in &commands {
        assert!(
            [
                "::error file=",
                "::warning file=",
                "::notice file=",
                "::error title=",
                "::warning title=",
                "::notice title="
            ]
            .iter()
            .any(|p| line.starts_with(p)),
            "{line}"
        );
        assert!(!line.contains('\r'), "{line:?}");
    }
    assert!(out.stdout.contains("%0A::warning::owned-lf"), "{}", out.stdout);
    assert_no_workflow_command(
        "check --format github (stderr)",
        &Output { code: 0, stdout: String::new(), stderr: out.stderr },
    );
}

#[test]
fn the_sinks_backstop_a_workflow_command_in_text_that_was_not_escaped() {
    // `--output` collects what the sinks print; an error message holding a line break (the
    // folder named by the user) is printed by `main` through the same escaping
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("x\n::warning::owned");
    let out = run_in(dir.path(), &["check", odd.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2);
    assert_no_workflow_command("check on a missing folder", &out);
    assert!(out.stderr.contains("x\\n::warning::owned"), "{}", out.stderr);
}
