//! Every independent mistake in one run: a file is read past the mistakes whose intent is certain,
//! a plan with errors is judged on what could be read, and findings that depend on an object
//! that could not be read wait instead of prescribing a fix for a problem that does not exist.

mod common;
use common::*;

use serde_json::Value;

fn example() -> Repo {
    Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
}

fn findings(repo: &Repo) -> Vec<Value> {
    let out = repo.check(&["--format", "json", "--as-of", "2026-11-26"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    v["diagnostics"].as_array().unwrap().clone()
}

fn codes(d: &[Value]) -> Vec<&str> {
    d.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn an_unquoted_value_in_the_inventory_is_reported_once_and_prescribes_nothing_elsewhere() {
    let repo = example();
    repo.edit("inventory/interfaces.kdl", "rto \"4h\"", "rto 4h");
    let d = findings(&repo);
    let syntax: Vec<&Value> = d.iter().filter(|d| d["code"] == "KDL001").collect();
    assert_eq!(syntax.len(), 1, "{d:#?}");
    assert!(syntax[0]["message"].as_str().unwrap().contains("`4h`"));
    assert!(!codes(&d).iter().any(|c| ["CON006", "OBJ002", "COV001", "REF002"].contains(c)), "{:?}", codes(&d));
    for s in d.iter().filter(|d| d["code"] == "SIG019") {
        let (m, h) = (s["message"].as_str().unwrap(), s["help"].as_str().unwrap());
        assert!(m.contains("judged again once those errors are fixed") && !m.contains("needs re-approval"), "{m}");
        assert!(!h.contains("contingent sign"), "{h}");
    }
}

#[test]
fn the_other_objects_of_a_file_with_a_syntax_error_still_count() {
    let repo = example();
    // one system of the provider's inventory has the mistake; the plans that rely only on the
    // others are still approved
    repo.edit("inventory/provider.kdl", "rto \"2h\"", "rto 2h");
    let d = findings(&repo);
    let stale: Vec<&str> = d
        .iter()
        .filter(|d| d["code"] == "SIG019")
        .filter_map(|d| d["message"].as_str())
        .filter(|m| !m.contains("core-banking-db"))
        .collect();
    assert!(stale.is_empty(), "{stale:#?}");
}

#[test]
fn kdl_v1_a_bare_value_and_a_misspelt_contact_in_one_plan_are_all_reported() {
    let repo = example();
    repo.edit("plans/payroll.kdl", "offsite #true", "offsite true");
    repo.edit(
        "plans/payroll.kdl",
        "on-failure escalate-to=stefan.richter within=\"2h\"",
        "on-failure escalate-to=stefan.richter within=2h",
    );
    repo.edit("plans/payroll.kdl", "responsible client=anna.schmidt", "responsible client=anna.schmit");
    let d = findings(&repo);
    let c = codes(&d);
    assert!(c.contains(&"KDL002") && c.contains(&"KDL001") && c.contains(&"REF002"), "{c:?}");
    let v1 = d.iter().find(|d| d["code"] == "KDL002").unwrap();
    assert_eq!(v1["location"]["start"]["line"], 27, "{v1:#?}");
}

#[test]
fn a_schema_error_in_a_plan_leaves_its_policy_and_its_records_judged() {
    let repo = example();
    repo.edit(
        "plans/payroll.kdl",
        "level 2 notify=dirk.hansen within=\"1h\"",
        "level 2 notify=dirk.hansen within=\"1hour\"",
    );
    repo.edit("plans/payroll.kdl", "deputy nina.schulz", "deputy anna.schmidt");
    repo.edit("signoffs/payroll.kdl", "signer katharina.vogel", "signer thomas.klein");
    let d = findings(&repo);
    let c = codes(&d);
    assert!(c.contains(&"SCH006"), "{c:?}");
    // the backup regulation does not hold the error: it is judged
    assert!(c.contains(&"BAK006"), "{c:?}");
    // the record was edited after signing, whatever the plan holds
    assert!(c.contains(&"SIG009"), "{c:?}");
    // the escalation holds the error: its rules wait rather than report the gap it leaves
    assert!(!c.iter().any(|c| c.starts_with("ESC")), "{c:?}");
}
