//! `check --fix`, `--unsafe-fixes` and `--diff` on the example with every kind of fixable
//! mistake: the safe fixes keep every plan's digest, the unsafe ones repair the rest, and what
//! is left are the findings no fix names.

mod common;

use common::{run_in, Repo};
use serde_json::Value;

fn example() -> Repo {
    Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
}

fn digests(repo: &Repo) -> Vec<(String, String)> {
    let out = run_in(repo.path(), &["export", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut d: Vec<(String, String)> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "plan")
        .map(|o| (o["id"].as_str().unwrap().to_string(), o["digest"].as_str().unwrap_or_default().to_string()))
        .collect();
    d.sort();
    d
}

fn codes(repo: &Repo) -> Vec<String> {
    let out = run_in(repo.path(), &["check", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn safe_fixes_keep_digests_and_unsafe_fixes_repair_the_rest() {
    let repo = example();
    let before = digests(&repo);
    // safe: a bare duration and KDL v1 booleans (the files do not parse until fixed)
    repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=15m");
    repo.edit("plans/payroll.kdl", "offsite #true", "offsite true");
    repo.edit("plans/core-banking.kdl", "affects-others=#false", "affects-others=false");
    // unsafe: a misspelled reference, a misspelled property, a missing member
    repo.edit("plans/wan-connectivity.kdl", "notify=", "notify=x");
    let wan = repo.read("plans/wan-connectivity.kdl");
    let at = wan.find("notify=x").unwrap() + "notify=x".len();
    let id: String = wan[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    let typo = format!("notify={}", &id[..id.len() - 1]);
    repo.write("plans/wan-connectivity.kdl", wan.replacen(&format!("notify=x{id}"), &typo, 1));
    repo.edit("plans/backup-restore.kdl", "    title ", "    titel ");

    // --diff shows and writes nothing
    let text = repo.read("plans/payroll.kdl");
    let out = run_in(repo.path(), &["check", "--diff"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("+        level 1 notify=rzn-duty-desk within=\"15m\""), "{}", out.stdout);
    assert!(out.stdout.contains("+        offsite #true"), "{}", out.stdout);
    assert!(!out.stdout.contains("titel"), "unsafe fixes are not shown without --unsafe-fixes: {}", out.stdout);
    assert_eq!(repo.read("plans/payroll.kdl"), text);
    // the JSON output carries the fixes, with their applicability
    let out = run_in(repo.path(), &["check", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let kinds: Vec<&Value> =
        v["diagnostics"].as_array().unwrap().iter().filter_map(|d| d.get("fix")).map(|f| &f["applicability"]).collect();
    assert!(kinds.contains(&&Value::from("safe")) && kinds.contains(&&Value::from("unsafe")), "{kinds:?}");
    let out = run_in(repo.path(), &["check", "--format", "sarif"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"].as_str().is_some()));

    // --fix: the safe ones; the plans they touched mean what they meant
    let out = run_in(repo.path(), &["check", "--fix"], &[]);
    assert!(out.stderr.contains("applied 3 fixes in 2 files"), "{}", out.stderr);
    let after = digests(&repo);
    for (id, digest) in &before {
        if id == "payroll" || id == "core-banking" {
            assert!(after.contains(&(id.clone(), digest.clone())), "{id} changed: {after:?}");
        }
    }
    let left = codes(&repo);
    assert!(left.contains(&"REF002".to_string()) && left.contains(&"SCH001".to_string()), "{left:?}");

    // --unsafe-fixes: the guesses too; what is left is only what no fix names
    let out = run_in(repo.path(), &["check", "--unsafe-fixes"], &[]);
    assert!(out.stderr.contains("applied 2 fixes in 2 files"), "{}", out.stderr);
    assert!(repo.read("plans/wan-connectivity.kdl").contains(&format!("notify={id}")));
    assert!(repo.read("plans/backup-restore.kdl").contains("    title "));
    assert_eq!(digests(&repo), before, "the repaired plans are the plans that were signed");
    assert_eq!(codes(&repo), Vec::<String>::new());
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn a_missing_member_gets_a_placeholder_only_as_an_unsafe_fix() {
    let repo = example();
    let text = repo.read("contacts/hpb.kdl");
    let verified = text.lines().find(|l| l.trim_start().starts_with("verified ")).unwrap().to_string();
    repo.write("contacts/hpb.kdl", text.replacen(&format!("{verified}\n"), "", 1));
    let out = run_in(repo.path(), &["check", "--fix"], &[]);
    assert!(out.stderr.contains("applied 0 fixes"), "{}", out.stderr);
    let out = run_in(repo.path(), &["check", "--unsafe-fixes", "--diff"], &[]);
    assert!(out.stdout.contains("+    verified \"TODO\""), "{}", out.stdout);
    assert_eq!(out.code, 1);
}
