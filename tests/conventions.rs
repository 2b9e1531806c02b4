//! The conventions every command shares (help on every option, PATH for the plan repository,
//! `--quiet`, `--output`, `--color`), the exit-code options and standard input of `check`, the
//! CI report formats (JUnit XML, GitLab code quality) validated against their schemas, and the
//! outputs of `rules` and `due`.

mod common;
use common::*;
use serde_json::Value;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::CommandFactory;

const AS_OF: &str = "2026-11-01";

fn broken_repo() -> Repo {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "notify=dc-duty", "notify=dc-duti");
    repo
}

/// Runs the binary in `dir` with `stdin` as standard input.
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd);
    cmd.args(args)
        .current_dir(dir)
        .env("CONTINGENT_ALLOW_UNSIGNED", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    output(child.wait_with_output().unwrap())
}

// ---------------------------------------------------------------------------------------------
// help text and PATH

/// Every subcommand, argument and possible value of the command tree, with a missing help
/// text reported by its path.
fn missing_help(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            missing.push(format!("{path} {id}"));
        }
        // flags have the values true and false, which need no help
        let values = if arg.get_action().takes_values() { arg.get_possible_values() } else { Vec::new() };
        for value in values {
            if value.get_help().is_none() {
                missing.push(format!("{path} {id}={}", value.get_name()));
            }
        }
    }
    for sub in cmd.get_subcommands() {
        let name = format!("{path} {}", sub.get_name());
        if sub.get_about().is_none() && sub.get_long_about().is_none() {
            missing.push(name.clone());
        }
        missing_help(sub, &name, missing);
    }
}

#[test]
fn every_subcommand_option_and_value_has_help() {
    let cmd = contingent::cli::Cli::command();
    // clap's own consistency checks (no clashing names or short flags, valid conflicts)
    cmd.clone().debug_assert();
    let mut missing = Vec::new();
    missing_help(&cmd, "contingent", &mut missing);
    assert!(missing.is_empty(), "without help text: {missing:#?}");
    // the walk sees the tree: a few that must be there
    let check = cmd.find_subcommand("check").unwrap();
    for id in ["path", "format", "fail_on", "exit_zero", "stdin_filename"] {
        assert!(check.get_arguments().any(|a| a.get_id() == id), "check has no {id}");
    }
}

#[test]
fn every_command_on_a_repository_takes_path_and_the_former_repo_option_is_hidden() {
    let cmd = contingent::cli::Cli::command();
    let mut on_repository = vec![];
    for sub in cmd.get_subcommands() {
        let subs: Vec<&clap::Command> = if sub.has_subcommands() { sub.get_subcommands().collect() } else { vec![sub] };
        for s in subs {
            // not on an existing repository: the catalogue, the shell and manual pages, and `init`,
            // whose DIR is the repository it creates
            if ["schema", "explain", "rules", "help", "completions", "man", "init"].contains(&s.get_name()) {
                continue;
            }
            let positional = s.get_positionals().any(|a| {
                a.get_id() == "path" || a.get_value_names().is_some_and(|v| v.iter().any(|n| n.contains("PATH")))
            });
            assert!(positional, "{} takes no positional PATH", s.get_name());
            if let Some(repo) = s.get_arguments().find(|a| a.get_id() == "repo" && a.get_long() == Some("repo")) {
                // review and remind name the GitHub repository with --repo
                if !["review", "remind"].contains(&s.get_name()) {
                    assert!(repo.is_hide_set(), "{}: --repo is not hidden", s.get_name());
                }
            }
            on_repository.push(s.get_name().to_string());
        }
    }
    for name in ["check", "diff", "history", "install", "uninstall", "sign", "signoffs", "digest", "due", "contacts"] {
        assert!(on_repository.contains(&name.to_string()), "{name} missing in {on_repository:?}");
    }
}

#[test]
fn digest_and_sign_take_the_folder_after_the_plan() {
    let repo = Repo::minimal();
    let dir = repo.path().to_str().unwrap();
    let positional = run(&["digest", "payroll", dir]);
    let former = run(&["digest", "payroll", "--repo", dir]);
    assert_eq!(positional.code, 0, "{}", positional.stderr);
    assert!(positional.stdout.starts_with("sha256:"), "{}", positional.stdout);
    assert_eq!(positional.stdout, former.stdout);
    let both = run(&["digest", "payroll", dir, "--repo", dir]);
    assert_eq!(both.code, 2);
    assert!(both.stderr.contains("cannot be used with"), "{}", both.stderr);
    // sign looks for the plan repository in PATH (here one that does not exist)
    let out = run(&["sign", "payroll", "/nonexistent/plans", "--party", "client", "--as", "anna.schmidt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read /nonexistent/plans"), "{}", out.stderr);
    let out = run(&["sign", "--roster", "client", "/nonexistent/roster", "--as", "anna.schmidt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read /nonexistent/roster"), "{}", out.stderr);
    let out = run(&["sign", "--roster", "client", "/a", "--repo", "/b", "--as", "anna.schmidt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("give the folder once"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// rules

#[test]
fn rules_aligns_its_columns() {
    let out = run(&["rules"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let header = lines[0];
    let starts: Vec<usize> = ["code", "name", "default", "summary"].iter().map(|h| header.find(h).unwrap()).collect();
    assert_eq!(starts[0], 0);
    assert!(lines.len() > 50, "{}", out.stdout);
    let longest = lines[1..].iter().map(|l| l.split_whitespace().nth(1).unwrap().len()).max().unwrap();
    assert!(starts[2] - starts[1] > longest, "the name column holds the longest name ({longest})");
    for line in &lines[1..] {
        for (i, &s) in starts.iter().enumerate().skip(1) {
            assert_eq!(&line[s - 2..s], "  ", "column {i} of {line:?} is not preceded by its gap");
            assert!(!line[s..].starts_with(' '), "column {i} of {line:?} does not start at {s}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// --quiet, --output, --color

#[test]
fn quiet_prints_nothing_but_errors_and_keeps_the_exit_code() {
    let broken = broken_repo();
    let out = run_in(broken.path(), &["check", "--as-of", AS_OF, "--quiet"], &[]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (1, "", ""));
    let clean = Repo::minimal();
    let out = run_in(clean.path(), &["-q", "check", "--as-of", AS_OF], &[]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));
    // an error that stops the run is still said
    let out = run_in(clean.path(), &["check", "--as-of", "2026-13-01", "--quiet"], &[]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("error: invalid --as-of"), "{}", out.stderr);
    // every command honours it
    let out = run_in(clean.path(), &["due", "--as-of", AS_OF, "--quiet"], &[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn output_writes_the_report_to_a_file_atomically_and_only_when_the_command_ran() {
    let repo = broken_repo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let f = file.to_str().unwrap();
    let piped = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "json"], &[]);
    let out = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "json", "--output", f], &[]);
    assert_eq!(out.code, 1, "the exit code is the check's");
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), piped.stdout);
    // --quiet silences the terminal, not the report asked for
    std::fs::remove_file(&file).unwrap();
    let out = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "json", "--output", f, "-q"], &[]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (1, "", ""));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), piped.stdout);
    // a failed run leaves the earlier report as it was
    let out = run_in(repo.path(), &["check", "--as-of", "nonsense", "--format", "json", "--output", f], &[]);
    assert_eq!(out.code, 2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), piped.stdout);
    // no temporary file is left behind
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["report.json"]);
    // a symbolic link is replaced by the report, never written through
    let target = dir.path().join("elsewhere.txt");
    std::fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run_in(repo.path(), &["due", "--as-of", AS_OF, "--output", link.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(!link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&link).unwrap().starts_with("Due by 2026-12-31"));
    // a folder, or a folder that does not exist, is refused before anything runs
    let out = run_in(repo.path(), &["check", "--output", dir.path().to_str().unwrap()], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("it is a folder"), "{}", out.stderr);
    let out = run_in(repo.path(), &["check", "--output", "/nonexistent/dir/report.txt"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("its folder cannot be used"), "{}", out.stderr);
    // relative to the folder given with -C
    let out = run_in(Path::new("/"), &["-C", dir.path().to_str().unwrap(), "rules", "--output", "rules.txt"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::read_to_string(dir.path().join("rules.txt")).unwrap().starts_with("code "));
}

#[test]
fn color_follows_the_option_then_no_color_and_clicolor_force() {
    let repo = broken_repo();
    let check = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["check", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        run_in(repo.path(), &args, env).stdout.contains("\u{1b}[")
    };
    // the tests run with NO_COLOR=1 and a pipe
    assert!(!check(&[], &[]));
    assert!(check(&["--color", "always"], &[]), "always wins over NO_COLOR");
    assert!(!check(&["--color", "never"], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]));
    assert!(check(&["--color", "auto"], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]));
    assert!(
        !check(&["--color", "auto"], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    // a file gets colour only when asked for
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.txt");
    let f = file.to_str().unwrap();
    run_in(repo.path(), &["check", "--as-of", AS_OF, "--output", f], &[("NO_COLOR", "")]);
    assert!(!std::fs::read_to_string(&file).unwrap().contains('\u{1b}'));
    run_in(repo.path(), &["check", "--as-of", AS_OF, "--output", f, "--color", "always"], &[]);
    assert!(std::fs::read_to_string(&file).unwrap().contains("\u{1b}["));
    let out = run_in(repo.path(), &["check", "--color", "sometimes"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("possible values: auto, always, never"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// exit codes

#[test]
fn exit_zero_and_fail_on_decide_the_exit_code() {
    let broken = broken_repo();
    let code = |repo: &Repo, extra: &[&str]| {
        let mut args = vec!["check", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        run_in(repo.path(), &args, &[]).code
    };
    assert_eq!(code(&broken, &[]), 1);
    assert_eq!(code(&broken, &["--exit-zero"]), 0);
    // the tool's own failure is still 2
    assert_eq!(code(&broken, &["--exit-zero", "--as-of", "2026-02-30"]), 2);
    // the minimal repository has one warning (its unsigned plan, tolerated)
    let warned = Repo::minimal();
    assert_eq!(code(&warned, &[]), 0);
    assert_eq!(code(&warned, &["--fail-on", "warning"]), 1);
    assert_eq!(code(&warned, &["--fail-on", "error"]), 0);
    assert_eq!(code(&broken, &["--fail-on", "warning"]), 1);
    let out = run_in(warned.path(), &["check", "--exit-zero", "--fail-on", "warning"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// check - --stdin-filename

#[test]
fn check_reads_an_unsaved_buffer_in_place_of_its_file() {
    let repo = Repo::minimal();
    let plan = repo.read("plans/payroll.kdl");
    let buffer = plan.replace("notify=dc-duty", "notify=dc-duti");
    let out = run_with_stdin(
        repo.path(),
        &["check", "-", "--stdin-filename", "plans/payroll.kdl", "--as-of", AS_OF, "--format", "json"],
        buffer.as_bytes(),
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        findings(&v, &repo).iter().filter(|f| f.0 == "REF002").collect::<Vec<_>>(),
        [&("REF002".to_string(), "plans/payroll.kdl".to_string(), 7)]
    );
    assert_eq!(v["summary"]["files"], 7, "the rest of the repository is read as usual");
    assert_eq!(repo.read("plans/payroll.kdl"), plan, "the file on disk is untouched");
    // the clean buffer of the same file from another folder, by an absolute name
    let abs = repo.path().join("plans/payroll.kdl");
    let out = run_with_stdin(
        Path::new("/"),
        &["check", "-", "--stdin-filename", abs.to_str().unwrap(), "--as-of", AS_OF],
        plan.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // a new file that is not on disk yet is checked with the others
    let out = run_with_stdin(
        &repo.path().join("plans"),
        &["check", "-", "--stdin-filename", "draft.kdl", "--as-of", AS_OF, "--format", "json"],
        b"plan draft {\n    title \"Draft\"\n    covers nothing-here\n}\n",
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(findings(&v, &repo).iter().any(|f| f.1 == "plans/draft.kdl"), "{}", out.stdout);
    assert!(!repo.path().join("plans/draft.kdl").exists());
}

#[test]
fn check_from_stdin_refuses_what_it_cannot_place() {
    let repo = Repo::minimal();
    let outside = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["check", "-"], "name it with --stdin-filename PATH"),
        (&["check", ".", "--stdin-filename", "plans/payroll.kdl"], "goes with PATH `-`"),
        (&["check", "-", "--stdin-filename", "plans/notes.txt"], "name a .kdl file"),
        (&["check", "-", "--stdin-filename", "plans/payroll.kdl", "--staged"], "cannot be combined"),
        (&["check", "-", "--stdin-filename", "nowhere/x.kdl"], "cannot read nowhere"),
    ];
    for (args, message) in cases {
        let out = run_with_stdin(repo.path(), args, b"");
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    // a file outside the plan repository (its folder holds none)
    let name = outside.path().join("x.kdl");
    let out = run_with_stdin(repo.path(), &["check", "-", "--stdin-filename", name.to_str().unwrap()], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no contingent.kdl"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// JUnit XML and GitLab code quality

/// A repository whose findings carry hostile text: markup, quotes, a CDATA end, terminal
/// controls, NUL (invalid in XML 1.0 even as a reference), a bidi override, U+FFFE; in a file
/// whose name holds markup too.
fn hostile_repo() -> Repo {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "notify=dc-duty", r#"notify="x<&\"'\u{1b}[2J\u{0}\u{7}]]>\u{202e}\u{fffe}\u{85}""#);
    repo.write("plans/a<&>'\".kdl", "plan broken {\n  title \"x\"\n  covers nothing\n}\n");
    repo
}

fn xmllint(schema: &Path, xml: &str) -> Output {
    require("xmllint");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let out =
        Command::new("xmllint").args(["--noout", "--schema"]).arg(schema).arg(&file).output().expect("xmllint runs");
    output(out)
}

#[test]
fn junit_validates_against_the_schema_and_escapes_hostile_text() {
    let schema = fixture("junit.xsd");
    for repo in [Repo::minimal(), broken_repo(), hostile_repo()] {
        for fail_on in ["error", "warning"] {
            let out = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "junit", "--fail-on", fail_on], &[]);
            assert!(
                out.stdout.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "),
                "{}",
                out.stdout
            );
            let lint = xmllint(&schema, &out.stdout);
            assert_eq!(lint.code, 0, "{}\n{}", lint.stderr, out.stdout);
            assert!(
                out.stdout
                    .chars()
                    .all(|c| c == '\n' || (c >= ' ' && c != '\u{7f}' && !('\u{80}'..='\u{9f}').contains(&c))),
                "only characters XML 1.0 allows, and no controls: {}",
                out.stdout
            );
        }
    }
    let repo = hostile_repo();
    let out = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "junit"], &[]);
    assert_eq!(out.code, 1);
    let x = &out.stdout;
    assert!(
        x.contains("&quot;x&lt;&amp;&quot;&apos;\\u{1b}[2J\\u{0}\\u{7}]]&gt;\\u{202e}\\u{fffe}\\u{85}&quot;"),
        "{x}"
    );
    assert!(x.contains("<testsuite name=\"plans/a&lt;&amp;&gt;&apos;&quot;.kdl\""), "{x}");
    assert!(!x.contains('\u{202e}') && !x.contains("]]>"));
}

#[test]
fn junit_counts_failures_by_fail_on_and_shows_every_checked_file() {
    let repo = Repo::minimal();
    let report = |fail_on: &str| {
        run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "junit", "--fail-on", fail_on], &[]).stdout
    };
    let lenient = report("error");
    // 7 files and the run: one test case each, and the plan's one warning (SIG001)
    assert!(
        lenient.contains("<testsuites name=\"contingent check\" tests=\"8\" failures=\"0\" errors=\"0\" time=\"0\">"),
        "{lenient}"
    );
    assert_eq!(lenient.matches("<testsuite ").count(), 8);
    assert!(lenient.contains("<testcase name=\"SIG001 missing-signoff at"), "{lenient}");
    assert!(lenient.contains("<system-out>plans/payroll.kdl:"), "{lenient}");
    assert!(lenient.contains("<property name=\"as-of\" value=\"2026-11-01\"/>"), "{lenient}");
    let strict = report("warning");
    assert!(strict.contains("tests=\"8\" failures=\"1\""), "{strict}");
    assert!(strict.contains("<failure type=\"SIG001\" message=\"warning: "), "{strict}");
    let contacts = strict.split("<testsuite name=\"contacts/bank.kdl\"").nth(1).unwrap();
    assert!(contacts.starts_with(" file=\"contacts/bank.kdl\" tests=\"1\" failures=\"0\""), "{contacts}");
}

fn gitlab_validator() -> jsonschema::Validator {
    let path = fixture("gitlab-codequality.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn gitlab_code_quality_validates_against_the_schema_with_unique_stable_fingerprints() {
    let validator = gitlab_validator();
    for repo in [Repo::minimal(), broken_repo(), hostile_repo()] {
        let out = run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "gitlab"], &[]);
        let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{}", out.stdout);
        let prints: Vec<&str> = v.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
        let mut unique = prints.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), prints.len(), "fingerprints are unique: {}", out.stdout);
    }
    let repo = broken_repo();
    let report = |repo: &Repo| -> Value {
        serde_json::from_str(&run_in(repo.path(), &["check", "--as-of", AS_OF, "--format", "gitlab"], &[]).stdout)
            .unwrap()
    };
    let v = report(&repo);
    let issue = v.as_array().unwrap().iter().find(|i| i["check_name"] == "REF002").unwrap();
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["location"], serde_json::json!({"path": "plans/payroll.kdl", "lines": {"begin": 7}}));
    assert_eq!(issue["description"], "no contact is named `dc-duti` (help: did you mean `dc-duty`?)");
    let warning = v.as_array().unwrap().iter().find(|i| i["check_name"] == "SIG001").unwrap();
    assert_eq!(warning["severity"], "minor");
    // a line added above moves the finding, not its fingerprint
    repo.edit("plans/payroll.kdl", "plan payroll {", "// moved down\nplan payroll {");
    let moved = report(&repo);
    let again = moved.as_array().unwrap().iter().find(|i| i["check_name"] == "REF002").unwrap();
    assert_eq!(again["location"]["lines"]["begin"], 8);
    assert_eq!(again["fingerprint"], issue["fingerprint"]);
    // hostile text stays text: escaped in the file, the same string once parsed
    let hostile = hostile_repo();
    let raw = run_in(hostile.path(), &["check", "--as-of", AS_OF, "--format", "gitlab"], &[]).stdout;
    assert!(raw.contains(r#"x<&\"'\u001b[2J\u0000\u0007]]>\u202e"#), "{raw}");
    assert!(!raw.contains('\u{202e}') && !raw.contains('\u{1b}'));
    let v: Value = serde_json::from_str(&raw).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["description"].as_str().unwrap().contains("x<&\"'\u{1b}[2J\u{0}\u{7}]]>\u{202e}\u{fffe}\u{85}")));
}

// ---------------------------------------------------------------------------------------------
// due

#[test]
fn due_says_when_nothing_is_due() {
    // the bundled example has nothing due in the first days of June 2026
    let due =
        |format: &str| run(&["due", "plans", "--as-of", "2026-06-01", "--within", "1d", "--format", format]).stdout;
    assert_eq!(due("table"), "Nothing due within 1d: by 2026-06-02 (as of 2026-06-01, from --as-of).\n");
    assert_eq!(due("markdown"), "### Due by 2026-06-02 (as of 2026-06-01)\n\nNothing due within 1d.\n");
    let v: Value = serde_json::from_str(&due("json")).unwrap();
    assert_eq!(v["items"], serde_json::json!([]));
    assert!(due("ics").contains("BEGIN:VCALENDAR") && !due("ics").contains("VEVENT"));
}

#[test]
fn due_markdown_has_a_header_and_a_value_for_every_column() {
    let repo = Repo::minimal();
    let out = run_in(repo.path(), &["due", "--as-of", AS_OF, "--within", "1y", "--format", "markdown"], &[]).stdout;
    let table: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 3, "{out}");
    assert_eq!(table[0], "| date | state | what | item | owners |");
    assert_eq!(table[1], "|---|---|---|---|---|");
    for row in &table[2..] {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 5, "{row}");
        assert!(cells.iter().all(|c| !c.is_empty()), "an empty cell in {row}");
        assert!(["due", "overdue"].contains(&cells[1]), "{row}");
    }
}

/// The UIDs of a feed, its folded lines (a CRLF and a space) joined first.
fn uids(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "").split("\r\n").filter_map(|l| l.strip_prefix("UID:")).map(str::to_string).collect()
}

#[test]
fn calendar_uids_belong_to_their_repository_and_stay_stable() {
    let a = Repo::minimal();
    let b = Repo::minimal();
    b.edit("contingent.kdl", "name \"minimal test repository\"", "name \"another plan repository\"");
    let ics = |repo: &Repo, as_of: &str| {
        run_in(repo.path(), &["due", "--as-of", as_of, "--within", "1y", "--format", "ics"], &[]).stdout
    };
    let (ua, ub) = (uids(&ics(&a, AS_OF)), uids(&ics(&b, AS_OF)));
    assert!(!ua.is_empty() && ua.len() == ub.len());
    assert!(ua.iter().all(|u| !ub.contains(u)), "{ua:?} and {ub:?} share a UID");
    // the same for a copy elsewhere (another clone) and a week later
    let copy = Repo::copy_of(a.path());
    assert_eq!(uids(&ics(&copy, AS_OF)), ua);
    let later = uids(&ics(&a, "2026-11-08"));
    assert!(later.iter().all(|u| ua.contains(u)), "{later:?}");
    // the repository's part: 12 hex digits before `.contingent`
    let domain = ua[0].rsplit_once('@').unwrap().1;
    assert_eq!(domain.len(), 12 + ".contingent".len(), "{domain}");
    assert!(domain[..12].bytes().all(|c| c.is_ascii_hexdigit()), "{domain}");
    assert!(ua.iter().all(|u| u.ends_with(&format!("@{domain}"))));
    // the parties are part of the identity too
    let c = Repo::minimal();
    c.edit("contingent.kdl", "party dc role=provider", "party dc2 role=provider");
    assert_ne!(uids(&ics(&c, AS_OF))[0].rsplit_once('@').unwrap().1, domain);
}

#[test]
fn alarm_adds_a_reminder_to_every_event() {
    let repo = Repo::minimal();
    let ics = |extra: &[&str]| {
        let mut args = vec!["due", "--as-of", AS_OF, "--within", "1y", "--format", "ics"];
        args.extend_from_slice(extra);
        run_in(repo.path(), &args, &[])
    };
    let plain = ics(&[]).stdout;
    assert!(!plain.contains("VALARM"));
    for (given, trigger) in [("2d", "-P2D"), ("1w", "-P1W"), ("4h", "-PT4H"), ("30m", "-PT30M")] {
        let out = ics(&["--alarm", given]).stdout;
        let events: Vec<&str> = out.split("BEGIN:VEVENT\r\n").skip(1).collect();
        assert_eq!(events.len(), plain.matches("BEGIN:VEVENT").count());
        for e in events {
            let alarm = e.split("BEGIN:VALARM\r\n").nth(1).unwrap_or_else(|| panic!("no VALARM in {e}"));
            assert!(alarm.starts_with("ACTION:DISPLAY\r\nDESCRIPTION:"), "{alarm}");
            assert!(alarm.contains(&format!("\r\nTRIGGER:{trigger}\r\nEND:VALARM\r\nEND:VEVENT\r\n")), "{alarm}");
        }
    }
    let out = ics(&["--alarm", "1mo"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("minutes, hours, days or weeks"), "{}", out.stderr);
    let out = run_in(repo.path(), &["due", "--alarm", "2d"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("use it with --format ics"), "{}", out.stderr);
}
