//! Each kind of bad input gets its diagnostic at the right place, and the rest of the repository
//! is still checked.

mod common;
use common::*;

#[test]
fn the_minimal_fixture_is_clean() {
    let repo = Repo::minimal();
    let (code, report) = repo.check_json();
    // its plan is unsigned: tolerated by the test runner (CONTINGENT_ALLOW_UNSIGNED=1), a warning
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("SIG001", "warning")], "{report:#}");
    assert_eq!(report["unsigned_tolerated"], true);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 7);
}

#[test]
fn malformed_kdl_is_reported_and_other_files_are_still_checked() {
    let repo = Repo::minimal();
    repo.write("plans/broken.kdl", "plan broken {\n    title \"unterminated\n}\n");
    repo.edit("exercises/2026-tabletop.kdl", "participants anna.schmidt", "participants anna.schmid");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let f = findings(&report, &repo);
    assert!(f.contains(&("KDL001".into(), "plans/broken.kdl".into(), 2)), "{f:?}");
    assert!(f.contains(&("REF002".into(), "exercises/2026-tabletop.kdl".into(), 6)), "{f:?}");
}

#[test]
fn bare_durations_are_pointed_at_with_the_fix() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=15m");
    let (_, report) = repo.check_json();
    let d = the(&report, "KDL001");
    assert_eq!(d["location"]["start"]["line"], 7);
    assert_eq!(d["location"]["start"]["column"], 39);
    assert!(d["help"].as_str().unwrap().contains("\"15m\""));
}

#[test]
fn kdl_v1_files_are_recognised() {
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "may-approve #true", "may-approve true");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let d = the(&report, "KDL002");
    assert_eq!(d["location"]["start"]["line"], 9);
    assert!(d["help"].as_str().unwrap().contains("#true"));
}

#[test]
fn invalid_utf8_is_reported_at_the_byte() {
    let repo = Repo::minimal();
    let mut bytes = repo.read("contacts/bank.kdl").into_bytes();
    let at = repo.read("contacts/bank.kdl").find("Müller").unwrap() + 1;
    bytes.splice(at..at + 2, [0xfc]); // Latin-1 ü
    repo.write("contacts/bank.kdl", bytes);
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let d = the(&report, "FILE002");
    assert_eq!(d["location"]["start"]["line"], 13);
    // the contacts of that file are gone, so references to them are reported too
    assert!(findings(&report, &repo).iter().any(|(c, _, _)| c == "REF002"));
}

#[test]
fn an_empty_file_is_a_warning() {
    let repo = Repo::minimal();
    repo.write("contacts/empty.kdl", "// nothing yet\n");
    let (code, report) = repo.check_json();
    assert_eq!(code, 0);
    let d = the(&report, "FILE005");
    assert_eq!(d["severity"], "warning");
}

#[test]
fn a_byte_order_mark_is_accepted_and_positions_stay_right() {
    let repo = Repo::minimal();
    let text = repo.read("plans/payroll.kdl").replace("notify=dc-duty", "notify=dc-duty-x");
    repo.write("plans/payroll.kdl", format!("\u{feff}{text}"));
    let (_, report) = repo.check_json();
    let d = the(&report, "REF002");
    assert_eq!(d["location"]["start"]["line"], 7);
    assert_eq!(d["location"]["start"]["column"], 24);
    assert_eq!(d["help"], "did you mean `dc-duty`?");
}

#[test]
fn files_over_the_size_limit_are_not_read() {
    let repo = Repo::minimal();
    repo.write("contacts/huge.kdl", format!("// {}\n", "x".repeat(2 << 20)));
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let d = the(&report, "FILE003");
    assert!(d["message"].as_str().unwrap().contains("1048576"));
    assert_eq!(d["location"]["file"].as_str().unwrap().rsplit('/').next(), Some("huge.kdl"));
    // a configured limit applies
    repo.edit("contingent.kdl", "name ", "limits max-file-size=100\nname ");
    let (_, report) = repo.check_json();
    assert!(findings(&report, &repo).iter().filter(|(c, _, _)| c == "FILE003").count() > 3);
}

#[test]
fn ten_thousand_levels_of_nesting_do_not_overflow() {
    let repo = Repo::minimal();
    let deep = "plan deep {".to_string() + &"a {".repeat(10_000) + &"}".repeat(10_001);
    repo.write("plans/deep.kdl", deep);
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    assert_eq!(the(&report, "KDL003")["location"]["start"]["line"], 1);
}

#[test]
fn duplicate_ids_in_one_file_and_across_files() {
    let repo = Repo::minimal();
    let bernd = repo.read("contacts/bank.kdl");
    let second = &bernd[bernd.find("contact bernd.mueller").unwrap()..];
    repo.write("contacts/more.kdl", second);
    repo.write(
        "plans/copy.kdl",
        repo.read("plans/payroll.kdl").replace("scenario disk-full", "scenario disk-full {}\n    scenario disk-full"),
    );
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let f = findings(&report, &repo);
    assert!(f.contains(&("REF001".into(), "contacts/more.kdl".into(), 1)), "{f:?}");
    assert!(
        f.contains(&("REF001".into(), "plans/payroll.kdl".into(), 1))
            || f.contains(&("REF001".into(), "plans/copy.kdl".into(), 1)),
        "{f:?}"
    );
    assert!(f.contains(&("REF001".into(), "plans/copy.kdl".into(), 13)), "{f:?}");
    let dup = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "REF001" && d["message"].as_str().unwrap().contains("bernd"))
        .unwrap();
    assert_eq!(dup["related"][0]["start"]["line"], 11, "points at the first definition");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.kdl"),
        "contact evil { party bank; name \"x\"; verified \"2026-01-01\" }",
    )
    .unwrap();
    let repo = Repo::minimal();
    std::os::unix::fs::symlink(outside.path().join("secret.kdl"), repo.path().join("contacts/linked.kdl")).unwrap();
    std::os::unix::fs::symlink(repo.path().join("contacts/bank.kdl"), repo.path().join("contacts/inside.kdl")).unwrap();
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let d = the(&report, "FILE004");
    assert!(d["location"]["file"].as_str().unwrap().ends_with("contacts/linked.kdl"));
    // a link inside the repository is read: its contacts duplicate bank.kdl's
    assert!(findings(&report, &repo).iter().any(|(c, f, _)| c == "REF001" && f.ends_with("inside.kdl")));
    assert!(!report.to_string().contains("evil"));
}

#[test]
fn unknown_nodes_are_pointed_at_with_the_allowed_names() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "forbidden \"Reboot", "forbiden \"Reboot");
    repo.write("contacts/odd.kdl", "contakt x {}\n");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let unknown: Vec<_> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "SCH001").collect();
    assert_eq!(unknown.len(), 2, "{report:#}");
    assert_eq!(unknown[0]["location"]["start"]["line"], 1);
    assert!(unknown[0]["help"].as_str().unwrap().starts_with("did you mean `contact`?"));
    assert_eq!(unknown[1]["location"]["start"]["line"], 11);
    assert_eq!(unknown[1]["location"]["start"]["column"], 5);
    let help = unknown[1]["help"].as_str().unwrap();
    assert!(help.starts_with("did you mean `forbidden`?") && help.contains("scenario"), "{help}");
}

#[test]
fn wrong_value_types() {
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "may-approve #true", "may-approve \"yes\"");
    repo.edit("contracts/msa.kdl", "revision 2 effective", "revision \"two\" effective");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let f = findings(&report, &repo);
    assert!(f.contains(&("SCH003".into(), "contacts/bank.kdl".into(), 9)), "{f:?}");
    assert!(f.contains(&("SCH003".into(), "contracts/msa.kdl".into(), 8)), "{f:?}");
    let d = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "SCH003").unwrap();
    assert_eq!(d["message"], "`may-approve` must be #true or #false, found text \"yes\"");
}

#[test]
fn unparseable_dates_and_durations() {
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "verified \"2026-09-01\"", "verified \"01.09.2026\"");
    repo.edit("contacts/dc.kdl", "verified \"2026-09-03\"", "verified \"2026-02-30\"");
    repo.edit("inventory/systems.kdl", "rto \"8h\"", "rto \"8 hours\"");
    repo.edit("plans/payroll.kdl", "every=\"12mo\"", "every=\"12q\"");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let f = findings(&report, &repo);
    assert!(f.contains(&("SCH005".into(), "contacts/bank.kdl".into(), 8)), "{f:?}");
    assert!(f.contains(&("SCH005".into(), "contacts/dc.kdl".into(), 6)), "{f:?}");
    assert!(f.contains(&("SCH006".into(), "inventory/systems.kdl".into(), 9)), "{f:?}");
    assert!(f.contains(&("SCH006".into(), "plans/payroll.kdl".into(), 18)), "{f:?}");
    let feb = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("2026-02-30"))
        .unwrap();
    assert!(feb["message"].as_str().unwrap().contains("no day 30"), "{feb}");
}

#[test]
fn missing_required_members_and_duplicates() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "    title \"Payroll\"\n", "");
    repo.edit("contacts/dc.kdl", "name \"Jan Peters\"", "name \"Jan Peters\"\n    name \"Jan P.\"");
    repo.edit("plans/payroll.kdl", "level 1 notify=dc-duty", "level 1 2 notify=dc-duty");
    let (_, report) = repo.check_json();
    let f = findings(&report, &repo);
    assert!(f.contains(&("SCH002".into(), "plans/payroll.kdl".into(), 1)), "{f:?}");
    assert!(f.contains(&("SCH007".into(), "contacts/dc.kdl".into(), 4)), "{f:?}");
    assert!(f.contains(&("SCH008".into(), "plans/payroll.kdl".into(), 6)), "{f:?}");
}

#[test]
fn a_node_in_the_wrong_folder_is_misplaced() {
    let repo = Repo::minimal();
    repo.write("contacts/plan.kdl", repo.read("plans/payroll.kdl").replace("plan payroll", "plan other"));
    let (_, report) = repo.check_json();
    assert_eq!(the(&report, "SCH009")["location"]["start"]["line"], 1);
}

#[test]
fn type_annotations_are_rejected() {
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "verified \"2026-09-01\"", "verified (date)\"2026-09-01\"");
    let (_, report) = repo.check_json();
    assert_eq!(the(&report, "SCH010")["location"]["start"]["line"], 8);
}

#[test]
fn a_broken_config_is_reported_and_the_rest_still_checked() {
    let repo = Repo::minimal();
    repo.edit("contingent.kdl", "role=provider", "role=supplier");
    repo.edit("plans/payroll.kdl", "covers payroll-app", "covers payroll-ap");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    let f = findings(&report, &repo);
    assert!(f.contains(&("SCH004".into(), "contingent.kdl".into(), 3)), "{f:?}");
    assert!(f.contains(&("REF002".into(), "plans/payroll.kdl".into(), 3)), "{f:?}");
}

#[test]
fn config_needs_one_client_and_one_provider() {
    let repo = Repo::minimal();
    repo.edit("contingent.kdl", "role=carrier", "role=provider");
    let (_, report) = repo.check_json();
    assert_eq!(the(&report, "CFG001")["location"]["start"]["line"], 4);
}
