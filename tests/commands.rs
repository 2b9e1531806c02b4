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
    let out = run_in(&repo.path().join("plans"), &["check"], &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = run(&["check", "plans/plans/payroll.kdl"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
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
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    for word in ["check", "schema", "explain", "rules"] {
        assert!(out.stdout.contains(word));
    }
    assert!(!out.stdout.contains("bench-parse"));
}
