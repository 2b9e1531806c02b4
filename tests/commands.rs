//! The commands and their exit codes.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn the_bundled_example_checks_clean() {
    // every plan of the example is signed: clean without tolerating unsigned plans
    let out = run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "plans"],
        &[("CONTINGENT_ALLOW_UNSIGNED", "0")],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("checked 23 files: no problems (as of 2026-11-01"), "{}", out.stdout);
}

#[test]
fn check_finds_the_root_by_walking_up() {
    let repo = Repo::minimal();
    let out = run_in(&repo.path().join("plans"), &["check", "--as-of", "2026-11-01"], &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("checked 7 files: 0 errors, 1 warning; unsigned and stale plans are tolerated"),
        "{}",
        out.stdout
    );
    // A file inside the repository names the repository too; the example has its reference date.
    let out = run(&["check", "plans/plans/payroll.kdl"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("from reference-date in contingent.kdl"), "{}", out.stdout);
}

#[test]
fn exit_code_2_when_the_tool_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["check"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no contingent.kdl"), "{}", out.stderr);
    let out = run(&["check", "plans", "--as-of", "2026-02-30"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid --as-of"), "{}", out.stderr);
    let out = run(&["check", "plans", "--format", "xml"]);
    assert_eq!(out.code, 2);
    let out = run(&["check", "does/not/exist"]);
    assert_eq!(out.code, 2);
    let out = run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "plans"],
        &[("CONTINGENT_AS_OF", "tomorrow")],
    );
    assert_eq!(out.code, 2);
}

#[test]
fn as_of_comes_from_the_flag_or_the_environment() {
    let out = run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "plans", "--format", "json"],
        &[("CONTINGENT_AS_OF", "2027-01-01")],
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["as_of"], "2027-01-01");
    assert_eq!(v["as_of_source"], "from CONTINGENT_AS_OF");
}

#[test]
fn schema_prints_each_kind_and_lists_them() {
    let out = run(&["schema"]);
    assert_eq!(out.code, 0);
    for kind in contingent::format::Kind::ALL {
        assert!(out.stdout.contains(kind.name()));
        let out = run(&["schema", kind.name()]);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
    let out = run(&["schema", "plna"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `plan`?"), "{}", out.stderr);
}

#[test]
fn explain_and_rules() {
    let out = run(&["explain", "ref002"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("REF002 unresolved-reference"), "{}", out.stdout);
    assert!(out.stdout.contains("## Why"));
    let out = run(&["explain", "unknown-node"]);
    assert!(out.stdout.starts_with("SCH001"));
    let out = run(&["explain", "REF992"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean"), "{}", out.stderr);
    let out = run(&["rules"]);
    assert_eq!(out.stdout.lines().count(), contingent::rules::RULES.len() + 1);
    let out = run(&["rules", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), contingent::rules::RULES.len());
}

#[test]
fn help_describes_the_commands() {
    use clap::CommandFactory;
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("Git-native policy-as-code"), "{}", out.stdout);
    let cli = contingent::cli::Cli::command();
    let visible: Vec<_> = cli.get_subcommands().filter(|c| !c.is_hide_set()).collect();
    assert!(visible.len() >= 12, "{} subcommands", visible.len());
    for sub in &visible {
        // Each command is listed with the first words of its summary on its line.
        let about = sub.get_about().expect("every command has a summary").to_string();
        let first_words: String = about.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        let line = out.stdout.lines().find(|l| l.trim_start().starts_with(&format!("{} ", sub.get_name())));
        let line = line.unwrap_or_else(|| panic!("`{}` is not listed:\n{}", sub.get_name(), out.stdout));
        assert!(line.contains(&first_words), "`{}`: {line:?} lacks {first_words:?}", sub.get_name());
        // And its own help names every option it takes, each with a description.
        let help = run(&[sub.get_name(), "--help"]);
        assert_eq!(help.code, 0, "{} --help", sub.get_name());
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(help.stdout.contains(&format!("--{long}")), "{} --help lacks --{long}", sub.get_name());
                assert!(arg.get_help().is_some(), "{} --{long} has no description", sub.get_name());
            }
        }
    }
    for hidden in cli.get_subcommands().filter(|c| c.is_hide_set()) {
        assert!(!out.stdout.contains(hidden.get_name()), "hidden `{}` is listed", hidden.get_name());
    }
    let out = run(&["chekc"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("similar subcommand") && out.stderr.contains("check"), "{}", out.stderr);
}

/// `check` verifies signatures natively and reads Git itself: it starts no process at all (no
/// `ssh-keygen`, no `git`), on the work tree and on the index. Traced with strace.
#[test]
fn no_process_runs_during_check() {
    require("strace");
    require("git");
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    let git = |args: &[&str]| {
        let mut cmd = std::process::Command::new("git");
        isolate(&mut cmd).args(args).current_dir(repo.path());
        cmd.env("GIT_AUTHOR_NAME", "A").env("GIT_AUTHOR_EMAIL", "a@example.com");
        cmd.env("GIT_COMMITTER_NAME", "A").env("GIT_COMMITTER_EMAIL", "a@example.com");
        assert!(cmd.status().unwrap().success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "plans"]);
    for extra in [&[][..], &["--staged"], &["--rev", "HEAD"], &["--changed-since", "HEAD"]] {
        let log = repo.path().join("strace.log");
        let mut args = vec!["-f", "-qq", "-e", "trace=execve,execveat", "-o", log.to_str().unwrap()];
        args.extend([env!("CARGO_BIN_EXE_contingent"), "check", ".", "--as-of", "2026-11-01"]);
        args.extend_from_slice(extra);
        let mut cmd = std::process::Command::new("strace");
        isolate(&mut cmd).args(&args).current_dir(repo.path());
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "check {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
        let trace = std::fs::read_to_string(&log).unwrap();
        let execs: Vec<&str> = trace.lines().filter(|l| l.contains("execve")).collect();
        assert_eq!(execs.len(), 1, "check {extra:?} ran programs:\n{trace}");
        assert!(execs[0].contains(env!("CARGO_BIN_EXE_contingent")), "{trace}");
        std::fs::remove_file(&log).unwrap();
    }
}

/// The output is the same whatever the number of threads (one CPU or all of them), in every
/// format, byte for byte.
#[test]
fn output_does_not_depend_on_thread_scheduling() {
    require("taskset");
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    // Findings of many rule families at once, in several files.
    repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=\"2d\"");
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    for format in ["human", "json", "sarif", "github"] {
        let run_on = |cpu_list: &str| {
            let mut cmd = std::process::Command::new("taskset");
            isolate(&mut cmd).env("NO_COLOR", "1").current_dir(repo.path()).args([
                "-c",
                cpu_list,
                env!("CARGO_BIN_EXE_contingent"),
                "check",
                ".",
                "--as-of",
                "2027-06-01",
                "--format",
                format,
            ]);
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap()
        };
        let one = run_on("0");
        let all = run_on(&format!("0-{}", cpus - 1));
        assert!(one.lines().count() > 20, "{one}");
        assert_eq!(one, all, "{format}: one CPU and {cpus} differ");
        for _ in 0..3 {
            assert_eq!(run_on(&format!("0-{}", cpus - 1)), all, "{format}: two runs differ");
        }
    }
}
