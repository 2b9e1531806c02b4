//! Crafted files never crash, hang or blow up the checker: each gets a diagnostic at the right
//! place (exit 1), and the rest of the repository is still checked.

mod common;
use common::*;

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs the binary with a deadline; fails the test on a hang or a crash (a signal, 101, 134).
fn run_bounded(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    cmd.args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("CONTINGENT_AS_OF")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout.read_to_end(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        stderr.read_to_end(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("contingent {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    let code = status.code().unwrap_or_else(|| panic!("killed by a signal: {status:?}\n{stderr}"));
    assert!(![101, 134].contains(&code), "crashed with {code}:\n{stderr}");
    Output { code, stdout, stderr }
}

const LIMIT: Duration = Duration::from_secs(30);

/// `check --format json` on a repository, bounded in time.
fn check_json(repo: &Repo) -> (i32, Value) {
    let dir = repo.path().to_str().unwrap();
    let out = run_bounded(&["check", dir, "--format", "json", "--as-of", "2026-11-01"], &[], LIMIT);
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", &out.stdout[..out.stdout.len().min(2000)], out.stderr));
    (out.code, v)
}

/// The one finding of `code` in `file`, with its line and column.
fn at(report: &Value, code: &str, file: &str) -> (u64, u64) {
    let all: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code && d["location"]["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .collect();
    assert_eq!(all.len(), 1, "expected one {code} in {file}: {:#}", report["diagnostics"]);
    let s = &all[0]["location"]["start"];
    (s["line"].as_u64().unwrap(), s["column"].as_u64().unwrap())
}

/// The first finding in a file.
fn first_in<'a>(report: &'a Value, file: &str) -> &'a Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["location"]["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .unwrap_or_else(|| panic!("no finding in {file}"))
}

/// The other files are still checked: a broken reference elsewhere is still found.
fn with_other_error(repo: &Repo) {
    repo.edit("exercises/2026-tabletop.kdl", "participants anna.schmidt", "participants anna.schmid");
}

fn assert_rest_checked(report: &Value) {
    assert!(
        report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "REF002"
            && d["location"]["file"].as_str().unwrap().ends_with("exercises/2026-tabletop.kdl")),
        "{:#}",
        report["diagnostics"]
    );
}

fn hostile(text: impl AsRef<[u8]>) -> (i32, Value) {
    let repo = Repo::minimal();
    with_other_error(&repo);
    repo.write("plans/hostile.kdl", text);
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert_rest_checked(&report);
    (code, report)
}

#[test]
fn a_line_comment_ends_at_every_kdl_newline() {
    for nl in ["\r", "\r\n", "\n", "\u{85}", "\u{b}", "\u{c}", "\u{2028}", "\u{2029}"] {
        let (_, report) = hostile(format!("// x{nl}{}", "a {".repeat(3000)));
        // the 65th `{`, on the line after the comment
        assert_eq!(at(&report, "KDL003", "plans/hostile.kdl"), (2, 3 * 64 + 3), "newline {nl:?}");
    }
}

#[test]
fn an_unterminated_multi_line_string_does_not_hide_the_nesting() {
    let (_, report) = hostile(format!("a \"\"\"\n{}", "a {".repeat(3000)));
    assert_eq!(at(&report, "KDL003", "plans/hostile.kdl"), (2, 3 * 64 + 3));
    let (_, report) = hostile(format!("a ##\"\n{}", "a {".repeat(3000)));
    assert_eq!(at(&report, "KDL003", "plans/hostile.kdl"), (2, 3 * 64 + 3));
}

#[test]
fn ten_thousand_nested_comments() {
    let (_, report) = hostile("/*".repeat(10_000));
    assert_eq!(at(&report, "KDL003", "plans/hostile.kdl"), (1, 2 * 64 + 1));
}

#[test]
fn runs_of_slashdashes_annotations_and_blocks() {
    let cases: [(String, u64); 6] = [
        ("/-".repeat(5000), 2 * 16 + 1),
        ("/- ".repeat(5000) + "a", 3 * 16 + 1),
        (format!("a {}", "(t)".repeat(100_000)), 2 + 3 * 16 + 1),
        ("(t)".repeat(100_000), 3 * 16 + 1),
        (format!("a{}", " {}".repeat(100_000)), 1 + 3 * 16 + 2),
        (format!("a {}", "\\ ".repeat(100_000)), 2 + 2 * 16 + 1),
    ];
    for (text, column) in cases {
        let (_, report) = hostile(&text);
        assert_eq!(at(&report, "KDL004", "plans/hostile.kdl"), (1, column), "{}", &text[..20]);
    }
}

#[test]
fn long_erroneous_text_is_parsed_in_bounded_pieces() {
    // error recovery of the reference parser recurses per error: these crashed it
    for text in ["\"".repeat(1_000_000), format!("a {}", "=".repeat(1_000_000)), "}".repeat(1_000_000)] {
        let (_, report) = hostile(&text);
        assert_eq!(at(&report, "KDL004", "plans/hostile.kdl"), (1, 1));
    }
    // many lines with errors: every piece is parsed, the errors are found where they are
    let (_, report) = hostile(format!("{}a {{\n", "}\n".repeat(40_000)));
    let first = first_in(&report, "plans/hostile.kdl");
    assert_eq!(first["code"], "KDL001");
    assert_eq!(first["location"]["start"]["line"], 1);
    // a comment with 100,000 `*` in a file with an error
    let (_, report) = hostile(format!("a {{\n/*{}*/", "*a".repeat(100_000)));
    assert!(first_in(&report, "plans/hostile.kdl")["code"].as_str().unwrap().starts_with("KDL"));
}

#[test]
fn a_large_valid_file_left_to_the_reference_parser_is_parsed_in_pieces() {
    // a multi-line string with an escape in its closing line is left to the reference parser; a
    // 200 KB file holding one parses in pieces, with the positions of the whole
    let repo = Repo::minimal();
    let mut big = String::new();
    for i in 0..2000 {
        big.push_str(&format!("// {i}: {}\n", "x".repeat(80)));
    }
    big.push_str("contact x.y {\n    party dc\n    name \"\"\"\n      X \\\n      Y\n      \\   \"\"\"\n    mobile \"+49 1\"\n    deputy dc-duty\n    verified \"2026-10-01\"\n    undefined 1\n}\n");
    repo.write("contacts/big.kdl", &big);
    assert!(contingent::syntax::parser::parse(&big).is_none(), "the fast parser leaves this to the reference");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert_eq!(at(&report, "SCH001", "contacts/big.kdl"), (2010, 5));
}

#[test]
fn lines_are_counted_as_kdl_counts_them() {
    // a CR-only file, a stray CR, NEL, LS: every finding on its own line
    for nl in ["\r", "\r\n", "\u{85}", "\u{2028}", "\u{c}"] {
        let repo = Repo::minimal();
        let text = repo.read("plans/payroll.kdl").replace('\n', nl).replace("title \"Payroll\"", "titel \"Payroll\"");
        repo.write("plans/payroll.kdl", text);
        let (_, report) = check_json(&repo);
        assert_eq!(at(&report, "SCH001", "plans/payroll.kdl"), (2, 5), "newline {nl:?}");
    }
    let repo = Repo::minimal();
    let text =
        repo.read("plans/payroll.kdl").replacen("\n", "\r\n", 1).replace("title \"Payroll\"", "titel \"Payroll\"");
    repo.write("plans/payroll.kdl", format!("\u{feff}// a stray\r// CR\n{text}"));
    let (_, report) = check_json(&repo);
    assert_eq!(at(&report, "SCH001", "plans/payroll.kdl"), (4, 5));
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    let repo = Repo::minimal();
    let text = repo.read("plans/payroll.kdl").replacen("plan payroll", "plan payroll x=1", 1);
    repo.write("plans/payroll.kdl", format!("\u{feff}{text}"));
    let (_, report) = check_json(&repo);
    assert_eq!(at(&report, "SCH001", "plans/payroll.kdl"), (1, 14));
}

#[test]
fn repeated_findings_on_one_line_are_summarised_and_snippets_are_bounded() {
    let repo = Repo::minimal();
    let props: Vec<String> = (0..10_000).map(|i| format!("u{i}=1")).collect();
    repo.write("plans/hostile.kdl", format!("plan p {}\n", props.join(" ")));
    let (_, report) = check_json(&repo);
    let here: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SCH001" && d["location"]["file"].as_str().unwrap().ends_with("hostile.kdl"))
        .collect();
    assert_eq!(here.len(), 6);
    assert_eq!(here[5]["message"], "9995 more SCH001 findings on this line are not shown");
    assert_eq!(here[5]["location"]["start"]["column"], 33);
    let dir = repo.path().to_str().unwrap();
    let out = run_bounded(&["check", dir, "--as-of", "2026-11-01"], &[], LIMIT);
    assert_eq!(out.code, 1);
    assert!(out.stdout.len() < 20_000, "{} bytes of output", out.stdout.len());
    assert!(out.stdout.contains("1 | plan p u0=1 u1=1"), "{}", out.stdout);
    // Source snippets are windows around the span (help texts are the tool's own and may be long).
    let snippets: Vec<&str> = out.stdout.lines().filter(|l| l.contains(" | ")).collect();
    assert!(!snippets.is_empty());
    assert!(snippets.iter().all(|l| l.chars().count() < 200), "{snippets:#?}");
}

#[test]
fn findings_per_file_are_bounded_in_every_format() {
    let repo = Repo::minimal();
    let nodes: String = (0..100_000).map(|i| format!("n{i}\n")).collect();
    repo.write("plans/hostile.kdl", nodes);
    let (_, report) = check_json(&repo);
    let here: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"].as_str().unwrap().ends_with("hostile.kdl"))
        .collect();
    assert_eq!(here.len(), 201);
    assert_eq!(here[200]["message"], "99800 more findings in this file are not shown");
    assert_eq!(here[200]["location"]["start"]["line"], 201);
    let dir = repo.path().to_str().unwrap();
    for format in ["sarif", "github", "human", "junit", "gitlab"] {
        let out = run_bounded(&["check", dir, "--as-of", "2026-11-01", "--format", format], &[], LIMIT);
        assert_eq!(out.code, 1);
        assert!(out.stdout.len() < 450_000, "{format}: {} bytes", out.stdout.len());
    }
}

/// No raw control character (but newlines and tabs) and no bidirectional override in the text.
fn assert_inert(text: &str) {
    for c in text.chars() {
        assert!(!contingent::escape::is_unsafe(c), "raw {:?} in output:\n{}", c, text);
    }
}

#[test]
fn repository_text_reaches_no_terminal_or_comment_raw() {
    let repo = Repo::minimal();
    repo.edit(
        "contacts/dc.kdl",
        "name \"Jan Peters\"",
        "name \"Jan\\u{1b}[2A\\u{1b}[2K approved\\u{202e}sretep\\u{9b}\\r\"",
    );
    repo.edit("plans/payroll.kdl", "cause=technical", "cause=\"tech\\u{1b}]0;x\\u{7}\\u{2066}\"");
    let dir = repo.path().to_str().unwrap();
    for args in [
        vec!["check", dir, "--as-of", "2026-11-01"],
        vec!["check", dir, "--as-of", "2026-11-01", "--format", "github"],
        vec!["check", dir, "--as-of", "2026-11-01", "--format", "junit"],
        vec!["check", dir, "--as-of", "2026-11-01", "--format", "gitlab"],
        vec!["contacts", dir, "--as-of", "2026-11-01"],
        vec!["contacts", dir, "--as-of", "2026-11-01", "--format", "markdown"],
    ] {
        let out = run_bounded(&args, &[], LIMIT);
        assert_inert(&out.stdout);
        assert_inert(&out.stderr);
    }
    let out = run_bounded(&["contacts", dir, "--as-of", "2026-11-01"], &[], LIMIT);
    assert!(out.stdout.contains("Jan\\u{1b}[2A\\u{1b}[2K approved\\u{202e}sretep\\u{9b}\\r"), "{}", out.stdout);
    let out = run_bounded(&["check", dir, "--as-of", "2026-11-01"], &[], LIMIT);
    assert!(out.stdout.contains("\\u{1b}]0;x\\u{7}\\u{2066}"), "{}", out.stdout);
    // JSON and SARIF keep the exact text, as JSON escapes
    for format in ["json", "sarif"] {
        let out = run_bounded(&["check", dir, "--as-of", "2026-11-01", "--format", format], &[], LIMIT);
        assert_inert(&out.stdout);
        assert!(out.stdout.contains("\\u2066"), "{format}");
        let _: Value = serde_json::from_str(&out.stdout).unwrap();
    }
    let out = run_bounded(&["contacts", dir, "--as-of", "2026-11-01", "--format", "json"], &[], LIMIT);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v.to_string().contains("approved\u{202e}sretep") || out.stdout.contains("\\u202e"), "{}", out.stdout);
    assert_inert(&out.stdout);
}

/// The message of the one finding of `code`.
fn message(report: &Value, code: &str, file: &str) -> String {
    at(report, code, file);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["location"]["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn entries_that_cannot_be_checked_are_reported_and_nothing_hangs() {
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::minimal();
    // Contacts and plans may be missing (they could be in the entries not read): the other error
    // is of another kind.
    repo.edit("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2026-05-32\"");
    mkfifo(&repo.path().join("plans/x.kdl"));
    std::os::unix::fs::symlink("missing.kdl", repo.path().join("contacts/dangling.kdl")).unwrap();
    std::os::unix::fs::symlink("loop-b.kdl", repo.path().join("contacts/loop-a.kdl")).unwrap();
    std::os::unix::fs::symlink("loop-a.kdl", repo.path().join("contacts/loop-b.kdl")).unwrap();
    let latin1 = std::ffi::OsStr::from_bytes(b"plans/m\xfcller.kdl");
    std::fs::write(repo.path().join(latin1), "plan m { }\n").unwrap();
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert_eq!(at(&report, "SCH005", "exercises/2026-tabletop.kdl"), (4, 10));
    assert_eq!(
        message(&report, "FILE006", "plans/x.kdl"),
        "plans/x.kdl is not checked: it is a named pipe (FIFO), not a regular file"
    );
    assert_eq!(
        message(&report, "FILE006", "contacts/dangling.kdl"),
        "contacts/dangling.kdl is not checked: it is a symbolic link to missing.kdl, which does not exist"
    );
    assert!(message(&report, "FILE006", "contacts/loop-a.kdl").contains("in a loop of links"));
    assert!(message(&report, "FILE006", "plans/m\u{fffd}ller.kdl").contains("not valid UTF-8"));
}

#[test]
fn a_config_that_is_a_pipe_or_a_link_out_of_the_repository_is_not_read() {
    let repo = Repo::minimal();
    std::fs::remove_file(repo.path().join("contingent.kdl")).unwrap();
    mkfifo(&repo.path().join("contingent.kdl"));
    let (_, report) = check_json(&repo);
    assert!(message(&report, "FILE001", "contingent.kdl").contains("named pipe"));

    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("minimal/contingent.kdl"), outside.path().join("contingent.kdl")).unwrap();
    let repo = Repo::minimal();
    std::fs::remove_file(repo.path().join("contingent.kdl")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("contingent.kdl"), repo.path().join("contingent.kdl")).unwrap();
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert!(message(&report, "FILE004", "contingent.kdl").contains("outside the repository"));
}

fn git(dir: &Path, args: &[&str]) {
    let home = dir.join(".home");
    std::fs::create_dir_all(&home).unwrap();
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &home)
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn an_index_that_is_a_pipe_does_not_hang_and_a_corrupt_one_is_explained() {
    let repo = Repo::minimal();
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    let fifo = dir.join("index-fifo");
    mkfifo(&fifo);
    let home = dir.join(".home");
    let env = [
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("HOME", home.to_str().unwrap()),
        ("GIT_INDEX_FILE", fifo.to_str().unwrap()),
    ];
    let out = run_bounded(&["check", dir.to_str().unwrap(), "--staged", "--as-of", "2026-11-01"], &env, LIMIT);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not a regular file"), "{}", out.stderr);

    let index = dir.join(".git/index");
    let mut bytes = std::fs::read(&index).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 0xff;
    std::fs::write(&index, bytes).unwrap();
    let out = run_bounded(&["check", dir.to_str().unwrap(), "--staged", "--as-of", "2026-11-01"], &env[..3], LIMIT);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the index file is damaged"), "{}", out.stderr);
}

#[test]
fn paths_outside_the_repository_or_empty_are_reported() {
    let repo = Repo::minimal();
    repo.edit("contingent.kdl", "name ", "paths signoffs=\"/etc\" contacts=\"..\" exercises=\"exercise\"\nname ");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let outside: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "CFG006").collect();
    assert_eq!(outside.len(), 2, "{:#}", report["diagnostics"]);
    assert_eq!(
        outside[0]["message"],
        "`paths signoffs=\"/etc\"` names a folder outside the repository; it is not read"
    );
    assert_eq!(outside[0]["location"]["start"]["line"], 1);
    assert_eq!(outside[0]["location"]["start"]["column"], 7);
    assert_eq!(outside[1]["message"], "`paths contacts=\"..\"` names a folder outside the repository; it is not read");
    let d = the(&report, "CFG007");
    assert_eq!(d["severity"], "warning");
    assert!(!report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "FILE004"));
}

/// The findings of one code, as (message, line, column).
fn all_of(report: &Value, code: &str) -> Vec<(String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            let s = &d["location"]["start"];
            (
                d["message"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap_or(0),
                s["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn characters_kdl_forbids_are_reported_where_they_are_and_the_file_is_still_checked() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Pay\u{0}ro\u{202e}ll\"\n    titel \"x\"");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert_eq!(
        all_of(&report, "KDL005"),
        [
            ("the NUL character (U+0000) is not allowed in a KDL document".to_string(), 2, 15),
            ("the right-to-left override (U+202E) is not allowed in a KDL document".to_string(), 2, 18),
        ]
    );
    // No misleading syntax error, and the rest of the same file is still checked.
    assert!(all_of(&report, "KDL001").is_empty(), "{:#}", report["diagnostics"]);
    assert_eq!(all_of(&report, "SCH001").len(), 1, "{:#}", report["diagnostics"]);
    assert!(all_of(&report, "REF002").is_empty(), "{:#}", report["diagnostics"]);
}

#[test]
fn a_number_json_cannot_hold_is_one_finding_that_says_what_was_expected() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "revision=2", "revision=99999999999999999999");
    repo.edit("inventory/systems.kdl", "holds-data #true", "holds-data #nan");
    repo.edit("inventory/systems.kdl", "rpo \"4h\"", "rpo 1e400");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let mut found = all_of(&report, "SCH003");
    found.sort();
    assert_eq!(
        found,
        [
            ("`holds-data` must be #true or #false, but #nan is not a finite number".to_string(), 12, 16),
            ("`revision` must be a whole number, but the number 99999999999999999999 is too large".to_string(), 4, 27),
            ("`rpo` must be text, but #inf is not a finite number".to_string(), 10, 9),
        ]
    );
    assert!(!report.to_string().contains("#null #null"));
}

#[test]
fn a_literal_null_is_named_once() {
    let repo = Repo::minimal();
    repo.edit("inventory/systems.kdl", "holds-data #true", "holds-data #null");
    let (_, report) = check_json(&repo);
    assert_eq!(the(&report, "SCH003")["message"], "`holds-data` must be #true or #false, found #null");
}

#[test]
fn a_system_that_depends_on_itself_or_in_a_loop_is_reported() {
    let repo = Repo::minimal();
    repo.edit(
        "inventory/systems.kdl",
        "    holds-data #true",
        "    holds-data #true\n    depends-on payroll-app wan-line",
    );
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    assert_eq!(all_of(&report, "REF004"), [("system `payroll-app` depends on itself".to_string(), 13, 16)]);

    let repo = Repo::minimal();
    repo.edit("inventory/systems.kdl", "    holds-data #true", "    holds-data #true\n    depends-on wan-line");
    repo.edit("inventory/systems.kdl", "    rto \"4h\"", "    rto \"4h\"\n    depends-on payroll-app");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let d = the(&report, "REF004");
    assert_eq!(
        d["message"],
        "system `payroll-app` depends on itself through one other: `payroll-app` → `wan-line` → `payroll-app`"
    );
    assert_eq!(d["location"]["start"]["line"], 13);
    assert_eq!(d["related"].as_array().map(Vec::len), Some(1), "{d:#}");
}

#[test]
fn a_long_dependency_chain_does_not_exhaust_the_stack() {
    let repo = Repo::minimal();
    let n = 20_000;
    for file in 0..8 {
        let mut text = String::new();
        for i in file * n / 8..(file + 1) * n / 8 {
            text.push_str(&format!(
            "system s{i} {{ name \"S\"; side provider; operator dc; owner anna.schmidt; protection confidentiality=normal integrity=normal availability=normal; acknowledged by=jan.peters date=\"2026-01-15\"; mtpd \"48h\"; rto \"8h\"; rpo \"4h\"; infrastructure shared; holds-data #false; depends-on s{}; }}\n",
            (i + 1) % n
        ));
        }
        repo.write(&format!("inventory/chain-{file}.kdl"), text);
    }
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let d = the(&report, "REF004");
    assert!(d["message"]
        .as_str()
        .unwrap()
        .starts_with("system `s0` depends on itself through others: `s0` → `s1` → `s2`"));
}

#[test]
fn references_into_a_file_that_does_not_parse_are_not_reported_as_missing() {
    let repo = Repo::minimal();
    repo.write("plans/payroll.kdl", "plan payroll { title \"x");
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    // The exercise record names plan payroll, whose id is recovered from the broken file: the
    // reference is to a plan that is there, so nothing is said about it.
    assert!(all_of(&report, "REF002").is_empty(), "{:#}", report["diagnostics"]);
    // A broken file that defines another plan: the reference cannot be judged, one note.
    repo.write("plans/payroll.kdl", "plan labor { title \"x");
    let (_, report) = check_json(&repo);
    assert!(
        !all_of(&report, "REF002").iter().any(|(m, _, _)| m.contains("no plan is named")),
        "{:#}",
        report["diagnostics"]
    );
    let note = the(&report, "REF002");
    assert_eq!(note["severity"], "note");
    assert_eq!(
        note["message"],
        "1 reference to plans was not checked: an entry that could define it was not read or does not parse"
    );
}

#[test]
fn a_plan_folder_that_is_a_submodule_is_named_as_one() {
    let plans = Repo::minimal();
    git(plans.path(), &["init", "-q"]);
    git(plans.path(), &["add", "."]);
    git(plans.path(), &["commit", "-qm", "plans"]);
    let top = tempfile::tempdir().unwrap();
    let sup = top.path().join("sup");
    std::fs::create_dir(&sup).unwrap();
    git(&sup, &["init", "-q"]);
    git(&sup, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", plans.path().to_str().unwrap(), "plans"]);
    git(&sup, &["commit", "-qm", "with plans"]);
    let clone = top.path().join("clone");
    git(top.path(), &["clone", "-q", sup.to_str().unwrap(), clone.to_str().unwrap()]);
    let home = top.path().join(".home");
    let env = [("GIT_CONFIG_GLOBAL", "/dev/null"), ("GIT_CONFIG_NOSYSTEM", "1"), ("HOME", home.to_str().unwrap())];
    let dir = clone.join("plans");
    let dir = dir.to_str().unwrap();
    for (args, expected) in [
        (vec!["check", dir, "--rev", "HEAD"], "`plans` is a Git submodule in commit "),
        (vec!["check", dir, "--staged"], "`plans` is a Git submodule in the index: "),
        (
            vec!["check", dir],
            "it is a Git submodule that is not checked out; run `git submodule update --init plans` first",
        ),
    ] {
        let mut args = args;
        args.extend(["--as-of", "2026-11-01"]);
        let out = run_bounded(&args, &env, LIMIT);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
}

/// Runs the binary as an unprivileged user when the tests run as root (who can read anything).
fn check_unprivileged(dir: &Path) -> (i32, Value) {
    let root = std::process::Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    // A copy beside the repository: the build folder may not be reachable for that user.
    let exe = dir.parent().unwrap().join("contingent");
    std::fs::copy(env!("CARGO_BIN_EXE_contingent"), &exe).unwrap();
    let exe = exe.to_str().unwrap();
    let mut args = vec![];
    if root {
        require("setpriv");
        args.extend(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    }
    args.extend([exe, "check", dir.to_str().unwrap(), "--format", "json", "--as-of", "2026-11-01"]);
    let out = Command::new(args[0]).args(&args[1..]).stdin(Stdio::null()).output().unwrap();
    let code = out.status.code().expect("not killed by a signal");
    (code, serde_json::from_slice(&out.stdout).expect("JSON"))
}

#[test]
fn an_unreadable_folder_or_file_is_reported_without_follow_on_errors() {
    use std::os::unix::fs::PermissionsExt as _;
    let top = tempfile::tempdir().unwrap();
    let repo = Repo::minimal();
    let dir = top.path().join("repo");
    assert!(Command::new("cp").arg("-r").arg(repo.path()).arg(&dir).status().unwrap().success());
    for d in [top.path(), dir.as_path()] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(Command::new("chmod").args(["-R", "a+rX"]).arg(&dir).status().unwrap().success());
    std::fs::set_permissions(dir.join("contacts"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.join("plans/payroll.kdl"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (code, report) = check_unprivileged(&dir);
    assert_eq!(code, 1);
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    // Only the two entries are errors: no "no contact is named", no party without a 24x7 contact.
    assert_eq!(codes, [("REF002", "note"), ("REF002", "note"), ("FILE006", "error"), ("FILE001", "error")]);
    assert!(message(&report, "FILE006", "contacts").contains("the folder cannot be read"));
    let notes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "note")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(notes.iter().any(|m| m.starts_with("7 references to contacts were not checked")), "{notes:?}");
    std::fs::set_permissions(dir.join("contacts"), std::fs::Permissions::from_mode(0o755)).unwrap();
}
