//! Seeded defects and clean variants written from the requirement text and the format alone, by
//! auditors who had not seen the rules (`tests/fixtures/blind/round*.json`): each case is a small
//! edit of the bundled example. They stay as regressions: a defect must still raise the codes it
//! raised when it was scored, a clean variant nothing beyond the sign-off findings any edit of
//! signed content brings, every finding a help line, and a case without a finding says why: `accepted` by design, or
//! `missed`, a gap the audit matrix lists.

mod common;
use common::*;

use serde_json::Value;

/// The sign-off findings any change of signed content brings.
const SIGNOFF: &[&str] = &["SIG001", "SIG002", "SIG019"];

fn codes_after(case: &Value) -> Vec<String> {
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    for e in case["edits"].as_array().unwrap() {
        repo.edit(e["file"].as_str().unwrap(), e["find"].as_str().unwrap(), e["replace"].as_str().unwrap());
    }
    let out = repo.check(&["--format", "json", "--as-of", "2026-11-26"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    // every finding says how to fix it
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(
            d["help"].as_str().is_some_and(|h| !h.is_empty()),
            "{}: {} {} has no help line",
            case["name"],
            d["code"],
            d["message"]
        );
    }
    let mut codes: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .filter(|c| !SIGNOFF.contains(&c.as_str()))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn run(round: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/blind/{round}.json"));
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 50, "{round} has {} cases", cases.len());
    let (a, b) = cases.split_at(cases.len() / 2);
    let (a, b) = (a.to_vec(), b.to_vec());
    let other = std::thread::spawn(move || a.iter().map(|c| (c.clone(), codes_after(c))).collect::<Vec<_>>());
    let mut results: Vec<(Value, Vec<String>)> = b.iter().map(|c| (c.clone(), codes_after(c))).collect();
    results.extend(other.join().unwrap());
    let mut failures = Vec::new();
    let (mut defects, mut caught, mut clean, mut alarms) = (0, 0, 0, 0);
    for (case, found) in &results {
        let name = case["name"].as_str().unwrap();
        let expect: Vec<&str> = case["expect"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        match case["kind"].as_str().unwrap() {
            "defect" => {
                defects += 1;
                let missing: Vec<&&str> = expect.iter().filter(|c| !found.iter().any(|f| f == *c)).collect();
                if missing.is_empty() && !found.is_empty() {
                    caught += 1;
                } else {
                    failures.push(format!("missed: {name} (expected {expect:?}, found {found:?})"));
                }
            }
            "clean" => {
                clean += 1;
                if !found.is_empty() {
                    alarms += 1;
                    failures.push(format!("false alarm: {name} raised {found:?}"));
                }
            }
            // accepted: no finding by design; missed: a gap the audit matrix lists
            "accepted" | "missed" => {
                assert!(case["reason"].as_str().is_some_and(|r| !r.is_empty()), "{name}: says why there is no finding");
                if found.iter().any(|f| !expect.contains(&f.as_str())) {
                    failures.push(format!("{name} now raises {found:?}: score it again and update the file"));
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    println!("{round}: {caught}/{defects} seeded defects caught, {alarms} false alarms on {clean} clean variants");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn blind_round_one_is_still_caught_without_false_alarms() {
    run("round1");
}

#[test]
fn blind_round_two_is_still_caught_without_false_alarms() {
    run("round2");
}

#[test]
fn blind_round_three_is_still_caught_without_false_alarms() {
    run("round3");
}

#[test]
fn blind_round_four_is_still_caught_without_false_alarms() {
    run("round4");
}
