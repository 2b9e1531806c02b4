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

/// The messages and help of all findings with `code`.
fn said(report: &serde_json::Value, code: &str) -> Vec<(String, String)> {
    let all = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code);
    all.map(|d| (d["message"].as_str().unwrap().to_string(), d["help"].as_str().unwrap_or("").to_string())).collect()
}

#[test]
fn reference_findings_name_the_kind_with_its_article_and_say_how_to_fix() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "covers payroll-app", "covers ex-2026-tabletop");
    repo.edit("exercises/2026-tabletop.kdl", "plan payroll", "plan anna.schmidt");
    let (_, report) = repo.check_json();
    let wrong = said(&report, "REF003");
    assert_eq!(
        wrong.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
        [
            "`anna.schmidt` is a contact, not a plan",
            "`ex-2026-tabletop` is an exercise record, not a system or interface"
        ]
    );
    let d = report["diagnostics"].as_array().unwrap().iter().find(|d| d["message"] == wrong[1].0).unwrap();
    assert_eq!(d["related"][0]["message"], "`ex-2026-tabletop` is defined here as an exercise record");

    // no similar id: how many there are; none at all: define one first
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "provider=jan.peters", "provider=zzz");
    std::fs::remove_file(repo.path().join("contracts/msa.kdl")).unwrap();
    let (_, report) = repo.check_json();
    assert_eq!(
        said(&report, "REF002"),
        [
            ("no contract is named `msa`".to_string(), "define the contract first".to_string()),
            (
                "no contact is named `zzz`".to_string(),
                "define it, or use one of the existing ids (`contingent` knows 4 of them)".to_string()
            ),
        ]
    );
}

#[test]
fn an_unknown_scenario_of_an_exercise_lists_the_plans_scenarios() {
    let repo = Repo::minimal();
    repo.edit("exercises/2026-tabletop.kdl", "scenarios disk-full", "scenarios power-cut");
    let (_, report) = repo.check_json();
    assert_eq!(
        said(&report, "REF002"),
        [("plan `payroll` has no scenario `power-cut`".to_string(), "scenarios of `payroll`: disk-full".to_string())]
    );
    let text = repo.read("plans/payroll.kdl");
    let (from, to) = (text.find("    scenario disk-full").unwrap(), text.find("    exercise tabletop").unwrap());
    repo.write("plans/payroll.kdl", format!("{}{}", &text[..from], &text[to..]));
    let (_, report) = repo.check_json();
    assert_eq!(
        said(&report, "REF002"),
        [("plan `payroll` has no scenario `power-cut`".to_string(), "plan `payroll` has no scenarios".to_string())]
    );
}

#[test]
fn a_dependency_loop_names_each_step_at_its_place() {
    let repo = Repo::minimal();
    let system = |id: &str, dep: &str| {
        format!("system {id} {{ name \"S\"; side provider; operator dc; owner anna.schmidt; protection confidentiality=normal integrity=normal availability=normal; acknowledged by=jan.peters date=\"2026-01-15\"; mtpd \"48h\"; rto \"8h\"; rpo \"4h\"; infrastructure shared; holds-data #false; depends-on {dep}; }}\n")
    };
    repo.write(
        "inventory/loop.kdl",
        system("loop-a", "loop-b") + &system("loop-b", "loop-c") + &system("loop-c", "loop-a"),
    );
    let (_, report) = repo.check_json();
    let d = the(&report, "REF004");
    assert_eq!(
        d["message"],
        "system `loop-a` depends on itself through others: `loop-a` → `loop-b` → `loop-c` → `loop-a`"
    );
    let related: Vec<&str> = d["related"].as_array().unwrap().iter().map(|r| r["message"].as_str().unwrap()).collect();
    assert_eq!(related, ["`loop-b` depends on `loop-c`", "`loop-c` depends on `loop-a`"]);
}
