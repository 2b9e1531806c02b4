//! Cross-reference checks.

mod common;
use common::*;

#[test]
fn a_reference_to_another_kind_says_what_it_is() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "covers payroll-app", "covers anna.schmidt");
    let (_, report) = repo.check_json();
    let d = the(&report, "REF003");
    assert_eq!(d["message"], "`anna.schmidt` is a contact, not a system or interface");
    assert_eq!(d["location"]["start"]["line"], 3);
    assert!(d["related"][0]["file"].as_str().unwrap().ends_with("contacts/bank.kdl"));
}

#[test]
fn unknown_contract_revision_and_scenario() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "revision=2", "revision=7");
    repo.edit("exercises/2026-tabletop.kdl", "scenarios disk-full", "scenarios disk-ful");
    let (_, report) = repo.check_json();
    let f = findings(&report, &repo);
    assert_eq!(f.iter().filter(|(c, _, _)| c == "REF002").count(), 2, "{f:?}");
    let rev = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"] == "contract `msa` has no revision 7")
        .unwrap();
    assert_eq!(rev["help"], "pin one of the contract's revisions: 1, 2");
    let sc = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"] == "plan `payroll` has no scenario `disk-ful`")
        .unwrap();
    assert!(sc["help"].as_str().unwrap().starts_with("did you mean `disk-full`?"));
}

#[test]
fn every_kind_of_reference_is_resolved() {
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "party bank", "party bnk");
    repo.edit("contacts/bank.kdl", "deputy bernd.mueller", "deputy bernd");
    repo.edit("inventory/systems.kdl", "operator dc", "operator dcc");
    repo.edit("inventory/systems.kdl", "acknowledged by=jan.peters", "acknowledged by=jan");
    repo.edit("inventory/systems.kdl", "contacts client=bernd.mueller", "contacts client=nobody");
    repo.edit("contracts/msa.kdl", "response critical", "response critcal");
    repo.edit("plans/payroll.kdl", "provider=jan.peters", "provider=jan.peter");
    repo.edit("exercises/2026-tabletop.kdl", "plan payroll", "plan payrol");
    let (_, report) = repo.check_json();
    let f = findings(&report, &repo);
    let refs: Vec<_> =
        f.iter().filter(|(c, _, _)| c == "REF002").map(|(_, file, line)| (file.as_str(), *line)).collect();
    assert_eq!(
        refs,
        vec![
            ("contacts/bank.kdl", 2),
            ("contacts/bank.kdl", 7),
            ("contracts/msa.kdl", 6),
            ("exercises/2026-tabletop.kdl", 2),
            ("inventory/systems.kdl", 4),
            ("inventory/systems.kdl", 7),
            ("inventory/systems.kdl", 18),
            ("plans/payroll.kdl", 5),
        ],
        "{f:?}"
    );
}

#[test]
fn references_to_invalid_objects_are_not_reported_twice() {
    let repo = Repo::minimal();
    // the plan is invalid (unknown node), but it exists: the exercise's reference to it stands
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Payroll\"\n    owner x");
    let (_, report) = repo.check_json();
    let f = findings(&report, &repo);
    assert_eq!(f, vec![("SCH001".to_string(), "plans/payroll.kdl".to_string(), 3)]);
}
