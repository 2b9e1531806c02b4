//! The context of an approval (`contingent-signoff-v2`): after both parties sign, a change of what
//! the plan relies on outside its own file (a contact's phone number, a covered system's
//! protection needs, the pinned contract revision's terms) voids the approval, is found from the
//! record alone and is named field by field; administrative changes are not.

mod common;
use common::*;

use std::path::Path;

use serde_json::Value;

fn example() -> Repo {
    Repo::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
}

/// `check --format json` with unsigned plans not tolerated.
fn check(repo: &Repo) -> (i32, Value) {
    let out = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", repo.path().to_str().unwrap(), "--format", "json", "--as-of", "2026-11-01"],
        &[("CONTINGENT_ALLOW_UNSIGNED", "0")],
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

/// (plan, message) of every SIG019, sorted.
fn changed(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SIG019")
        .map(|d| {
            let m = d["message"].as_str().unwrap().to_string();
            let plan = m.split('`').nth(1).unwrap().to_string();
            (plan, m)
        })
        .collect();
    out.sort();
    out
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_example_is_signed_with_version_2_statements_and_checks_clean() {
    let repo = example();
    let (code, report) = check(&repo);
    assert_eq!(code, 0, "{:#}", report["diagnostics"]);
    let text = repo.read("signoffs/payroll.kdl");
    assert!(text.contains("contingent-signoff-v2\n"));
    assert!(text.contains("    context-digest \"sha256:"));
}

#[test]
fn a_changed_phone_number_of_the_level_1_contact_voids_every_plan_that_calls_it() {
    let repo = example();
    repo.edit(
        "contacts/rzn.kdl",
        "phone \"+49 40 555 2000\" available=\"24x7\"",
        "phone \"+49 40 555 2999\" available=\"24x7\"",
    );
    let (code, report) = check(&repo);
    assert_eq!(code, 1);
    let found = changed(&report);
    // every plan escalates to the duty desk at level 1, and both parties' sign-offs bound it
    let plans: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        plans,
        [
            "backup-restore",
            "backup-restore",
            "core-banking",
            "core-banking",
            "payment-orders",
            "payment-orders",
            "payroll",
            "payroll",
            "wan-connectivity",
            "wan-connectivity"
        ]
    );
    let (_, payroll) = found.iter().find(|(p, m)| p == "payroll" && m.contains("(client)")).unwrap();
    assert_eq!(
        payroll,
        "plan `payroll` relies on objects that changed since katharina.vogel (client) signed it on 2026-10-20: contact `rzn-duty-desk`: `phone` was [{\"available\":\"24x7\",\"value\":\"+49 40 555 2000\"}], is now [{\"available\":\"24x7\",\"value\":\"+49 40 555 2999\"}]; needs re-approval by the client and the provider"
    );
    // not reported as a changed plan: the plan itself did not change
    assert!(!codes(&report).contains(&"SIG002".to_string()), "{:#}", report["diagnostics"]);
    // signoffs agrees: not approved
    let out = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["signoffs", repo.path().to_str().unwrap(), "--format", "json", "--as-of", "2026-11-01"],
        &[("CONTINGENT_ALLOW_UNSIGNED", "0")],
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let payroll = v["plans"].as_array().unwrap().iter().find(|p| p["plan"] == "payroll").unwrap();
    assert_eq!(payroll["approved"], false, "{payroll:#}");
}

#[test]
fn the_pinned_revisions_terms_for_a_covered_system_void_only_the_plans_covering_it() {
    let repo = example();
    repo.edit("contracts/msa.kdl", "sla payroll-batch rto=\"1d\"", "sla payroll-batch rto=\"2d\"");
    let (code, report) = check(&repo);
    assert_eq!(code, 1);
    let found = changed(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found.iter().all(|(p, m)| p == "payroll" && m.contains("the terms of contract `msa` revision 3: `sla` was")),
        "{found:#?}"
    );
}

#[test]
fn a_covered_systems_protection_needs_are_part_of_the_approval() {
    let repo = example();
    let text = repo.read("inventory/provider.kdl");
    let at = text.find("system backup-platform").unwrap();
    let rest = &text[at..];
    let line = rest.lines().find(|l| l.trim_start().starts_with("protection ")).unwrap().to_string();
    let lowered = line
        .replace("availability=high", "availability=normal")
        .replace("availability=very-high", "availability=normal");
    assert_ne!(line, lowered);
    repo.write("inventory/provider.kdl", format!("{}{}", &text[..at], rest.replacen(&line, &lowered, 1)));
    let (_, report) = check(&repo);
    let found = changed(&report);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(
            |(p, m)| p == "backup-restore" && m.contains("system or interface `backup-platform`: `protection` was")
        ),
        "{found:#?}"
    );
}

#[test]
fn re_verifying_a_contact_or_acknowledging_a_system_keeps_the_approval() {
    let repo = example();
    repo.edit("contacts/rzn.kdl", "verified \"2026-10-01\"", "verified \"2026-10-31\"");
    let (code, report) = check(&repo);
    assert_eq!(code, 0, "{:#}", report["diagnostics"]);
}

#[test]
fn an_edited_context_in_the_record_is_found() {
    let repo = example();
    repo.edit("signoffs/payroll.kdl", "+49 40 555 2000", "+49 40 555 2999");
    let (code, report) = check(&repo);
    assert_eq!(code, 1);
    let mismatches: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "SIG009").collect();
    assert_eq!(mismatches.len(), 1, "{:#}", report["diagnostics"]);
    assert!(mismatches[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("this sign-off's context was edited after signing: its digest is sha256:"));
}

#[test]
fn a_context_removed_from_the_record_is_found() {
    let repo = example();
    let text = repo.read("signoffs/payroll.kdl");
    let start = text.find("    context #\"\"\"").unwrap();
    let end = text[start..].find("\"\"\"#\n").unwrap() + start + 5;
    repo.write("signoffs/payroll.kdl", format!("{}{}", &text[..start], &text[end..]));
    let (code, report) = check(&repo);
    assert_eq!(code, 1);
    assert!(report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "SIG009"
        && d["message"] == "this sign-off's statement binds a context, but the record does not hold it: it was removed after signing"));
}

fn doc_block(tag: &str) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/signoff.md")).unwrap();
    let start = doc.find(&format!("<!-- {tag} -->")).unwrap_or_else(|| panic!("no {tag} block"));
    let rest = &doc[start..];
    let body = &rest[rest.find("```").unwrap()..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

/// docs/signoff.md shows an auditor how to recompute the context digest with `jq` and
/// `sha256sum`: it gives the digest the statement binds.
#[test]
fn the_context_digest_can_be_recomputed_with_standard_tools() {
    require("jq");
    require("sha256sum");
    let repo = example();
    let out = isolate(&mut std::process::Command::new("sh"))
        .arg("-c")
        .arg(doc_block("auditor-context"))
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let digest = String::from_utf8(out.stdout).unwrap();
    let text = repo.read("signoffs/payroll.kdl");
    let bound = text.lines().find_map(|l| l.trim().strip_prefix("context sha256:")).unwrap();
    assert_eq!(digest.trim(), format!("sha256:{bound}"));
}
