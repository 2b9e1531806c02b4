//! Findings that point the right way: each test seeds one defect into a copy of the bundled
//! example (or the minimal fixture) and checks what is said about it, and what is not.

mod common;
use common::*;
use serde_json::Value;

fn example() -> Repo {
    Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
}

/// `check --format json` as of the date the example is checked on in CI.
fn report(repo: &Repo) -> (i32, Value) {
    let out = repo.check(&["--format", "json", "--as-of", "2026-11-26"]);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

fn codes(report: &Value) -> Vec<String> {
    let mut c: Vec<String> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    c.sort();
    c
}

fn all<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn an_exercise_record_with_one_bad_value_still_counts_as_held() {
    let repo = example();
    repo.edit("exercises/payroll.kdl", " owner=dirk.hansen due=\"2026-12-18\"", " due=\"2026-12-18\"");
    let (code, r) = report(&repo);
    assert_eq!(code, 1);
    // only the missing owner, at its place; the restore test was held
    assert_eq!(codes(&r), ["SCH002"], "{r:#}");
}

#[test]
fn a_schema_error_in_an_object_does_not_hide_its_reference_errors() {
    let repo = example();
    repo.edit("plans/backup-restore.kdl", "level 2 notify=stefan.richter", "level 2 notify=stefan.richtr");
    repo.edit("plans/backup-restore.kdl", "retention \"90d\"", "retention \"90 days\"");
    let (_, r) = report(&repo);
    assert_eq!(codes(&r), ["REF002", "SCH006"], "{r:#}");
    assert!(the(&r, "REF002")["help"].as_str().unwrap().contains("stefan.richter"), "{r:#}");
}

#[test]
fn a_misspelled_property_is_reported_once() {
    let repo = example();
    repo.edit("inventory/provider.kdl", "acknowledged by=michael.wagner", "acknowledged bye=michael.wagner");
    let (_, r) = report(&repo);
    let schema: Vec<String> = codes(&r).into_iter().filter(|c| c.starts_with("SCH")).collect();
    assert_eq!(schema, ["SCH001"], "{r:#}");
    assert!(the(&r, "SCH001")["help"].as_str().unwrap().starts_with("did you mean `by`?"));
    // the sign-off context does not claim the system is gone
    for d in all(&r, "SIG019") {
        assert!(!d["message"].as_str().unwrap().contains("no longer exists"), "{d:#}");
    }
}

#[test]
fn a_duplicated_plan_id_blames_the_copy_and_keeps_the_signed_original_approved() {
    let repo = example();
    // "a-copy" sorts before "payroll": the order of files must not decide which is the original
    let text = repo.read("plans/payroll.kdl").replace("title \"", "title \"Copy of ");
    repo.write("plans/a-copy.kdl", text);
    let (_, r) = report(&repo);
    let dup = the(&r, "REF001");
    assert!(dup["location"]["file"].as_str().unwrap().ends_with("plans/a-copy.kdl"), "{dup:#}");
    for d in r["diagnostics"].as_array().unwrap() {
        let file = d["location"]["file"].as_str().unwrap_or("");
        assert!(!file.ends_with("plans/payroll.kdl"), "the signed original is blamed: {d:#}");
    }
    // the copy is not said to have "changed since it was signed"
    let stale = the(&r, "SIG002");
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .starts_with("a second plan `payroll` is defined here (REF001) and is not approved: "),
        "{stale:#}"
    );
}

#[test]
fn never_holding_an_exercise_is_at_least_as_severe_as_holding_it_late() {
    use contingent::diagnostic::Severity;
    let sev = |code| contingent::rules::find(code).unwrap().default_severity;
    let rank = |s: Severity| match s {
        Severity::Error => 2,
        Severity::Warning => 1,
        _ => 0,
    };
    assert!(rank(sev("EXR005")) >= rank(sev("EXR004")));
    // Late: an error. Deleting the only record must not make it look better.
    let late = example();
    late.edit("exercises/payroll.kdl", "date \"2026-09-16\"", "date \"2026-01-16\"");
    let (code_late, r) = report(&late);
    assert_eq!(the(&r, "EXR004")["severity"], "error");
    let never = example();
    let text = never.read("exercises/payroll.kdl");
    let start = text.find("exercise ex-2026-09-payroll-restore").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    never.write("exercises/payroll.kdl", format!("{}{}", &text[..start], &text[end..]));
    let (code_never, r) = report(&never);
    let d = the(&r, "EXR005");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "plan `payroll` has never held its restore-test");
    assert!(code_never >= code_late);
}

#[test]
fn a_failed_exercise_does_not_count_and_needs_findings() {
    let repo = Repo::minimal();
    repo.edit("exercises/2026-tabletop.kdl", "result passed", "result failed");
    let (_, r) = repo.check_json();
    assert_eq!(
        the(&r, "EXR005")["message"],
        "plan `payroll` has never held its tabletop successfully: `ex-2026-tabletop` on 2026-05-01 failed"
    );
    assert_eq!(the(&r, "EXR008")["message"], "exercise `ex-2026-tabletop` failed, but records no finding");
    assert_eq!(the(&r, "EXR008")["location"]["start"]["line"], 7);
    // with a finding, the failure is documented; the exercise still does not count
    repo.edit(
        "exercises/2026-tabletop.kdl",
        "result failed",
        "result partial\n    finding \"Nobody could extend the volume\" owner=jan.peters due=\"2026-12-01\" status=open",
    );
    let (_, r) = repo.check_json();
    assert!(all(&r, "EXR008").is_empty(), "{r:#}");
    assert!(all(&r, "EXR005").is_empty(), "a partly failed exercise was held: {r:#}");
}

#[test]
fn a_late_exercise_names_a_later_failed_attempt() {
    let repo = Repo::minimal();
    repo.edit("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2025-05-01\"");
    repo.write(
        "exercises/2026-retry.kdl",
        "exercise ex-2026-retry {\n    plan payroll\n    kind tabletop\n    date \"2026-10-01\"\n    participants anna.schmidt jan.peters\n    result failed\n    finding \"Duty desk had no runbook\" owner=jan.peters due=\"2026-12-01\" status=open\n}\n",
    );
    let (_, r) = repo.check_json();
    let m = the(&r, "EXR004")["message"].as_str().unwrap().to_string();
    assert!(
        m.contains("last held 2025-05-01") && m.contains("`ex-2026-retry` on 2026-10-01 failed and does not count"),
        "{m}"
    );
}

#[test]
fn a_scenario_never_exercised_is_not_given_a_date_that_reads_like_an_exercise() {
    let repo = Repo::minimal();
    repo.edit("exercises/2026-tabletop.kdl", "    scenarios disk-full\n", "");
    let (_, r) = repo.check_json();
    let m = the(&r, "EXR007")["message"].as_str().unwrap().to_string();
    assert_eq!(
        m,
        "scenario `disk-full` of plan `payroll` has never been exercised (the policy asks for once every 24mo)"
    );
    // exercised before the cycle: the date of that exercise, said as such
    let repo = Repo::minimal();
    repo.edit("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2024-05-01\"");
    let (_, r) = repo.check_json();
    let m = the(&r, "EXR007")["message"].as_str().unwrap().to_string();
    assert_eq!(
        m,
        "scenario `disk-full` of plan `payroll` was last exercised on 2024-05-01 (`ex-2026-tabletop`), longer than the cycle of 24mo ago"
    );
}

#[test]
fn a_scenario_with_provider_contacts_only_says_so_and_names_them() {
    let repo = example();
    repo.edit("plans/payroll.kdl", "contacts anna.schmidt miriam.becker", "contacts dirk.hansen rzn-duty-desk");
    let (_, r) = report(&repo);
    assert_eq!(
        the(&r, "SCN006")["message"],
        "scenario `wrong-data-record` is application-specific, but names no client contact, only `dirk.hansen` (provider), `rzn-duty-desk` (provider)"
    );
}

#[test]
fn a_file_that_does_not_parse_does_not_make_its_objects_missing() {
    // a plan file in KDL v1: nothing refers to a missing plan
    let repo = example();
    repo.edit("plans/payroll.kdl", "offsite #true", "offsite true");
    let (_, r) = report(&repo);
    assert_eq!(codes(&r), ["KDL002"], "{r:#}");
    // a contacts file in KDL v1: no party "without a 24x7 contact", no contact "no longer exists"
    let repo = example();
    repo.edit("contacts/rzn.kdl", "may-approve #true", "may-approve true");
    let (_, r) = report(&repo);
    for d in r["diagnostics"].as_array().unwrap() {
        let m = d["message"].as_str().unwrap();
        assert!(!["CNT007", "REF002", "ESC005", "ESC008"].contains(&d["code"].as_str().unwrap()), "{d:#}");
        assert!(!m.contains("no longer exists"), "{d:#}");
    }
    the(&r, "KDL002");
}

#[test]
fn the_ids_of_a_file_that_does_not_parse_are_recovered() {
    let text = "// broken\nplan labor {\n    title \"x\" true\n}\ncontact \"anna.schmidt\" {\n}\n  plan nested\n";
    let ids = contingent::load::scan_ids(text, &[contingent::format::Kind::Plan]);
    assert_eq!(ids, [(contingent::format::Kind::Plan, "labor".to_string())]);
    let ids = contingent::load::scan_ids(text, &[contingent::format::Kind::Contact]);
    assert_eq!(ids, [(contingent::format::Kind::Contact, "anna.schmidt".to_string())]);
}

#[test]
fn the_provider_is_not_asked_to_acknowledge_what_the_client_operates() {
    let repo = example();
    // branch-workstations: `operator hpb`, the client
    repo.edit(
        "inventory/client.kdl",
        "    protection confidentiality=high integrity=high availability=high\n    acknowledged by=claudia.lange date=\"2026-02-16\"\n    mtpd \"1d\"",
        "    protection confidentiality=high integrity=high availability=high\n    mtpd \"1d\"",
    );
    let (_, r) = report(&repo);
    assert!(all(&r, "COV007").is_empty(), "{r:#}");
    // a system the provider operates still needs it
    let repo = example();
    repo.edit("inventory/provider.kdl", "    acknowledged by=michael.wagner date=\"2026-03-02\"\n", "");
    let (_, r) = report(&repo);
    assert_eq!(all(&r, "COV007").len(), 1, "{r:#}");
}

#[test]
fn a_plan_review_lists_only_the_contract_changes_that_concern_the_plan() {
    let repo = example();
    repo.edit("plans/payroll.kdl", "contract msa revision=3", "contract msa revision=2");
    let (_, r) = report(&repo);
    let m = the(&r, "CON003")["message"].as_str().unwrap().to_string();
    assert!(m.contains("payroll-batch RTO 2d → 1d"), "{m}");
    for other in ["core-banking-db", "payment-hub", "mpls-line", "vpn-router", "backup-platform"] {
        assert!(!m.contains(other), "{m}");
    }
}

#[test]
fn a_required_exercise_is_named_with_the_right_article() {
    let repo = example();
    repo.edit("plans/payroll.kdl", "    exercise alarm-test every=\"6mo\" joint=#true\n", "");
    let (_, r) = report(&repo);
    let con = all(&r, "CON007");
    assert!(!con.is_empty(), "{r:#}");
    for d in con {
        let m = d["message"].as_str().unwrap();
        assert!(m.contains("requires an alarm-test") && !m.contains(" a alarm"), "{m}");
    }
}

const FORMER: &str = "contact old.hand {\n    party bank\n    name \"Otto Hand\"\n    phone \"+49 40 555 0199\" available=business-hours\n    verified \"2025-01-10\"\n    left \"2026-06-30\"\n}\n";

#[test]
fn a_former_contact_stays_for_past_exercises_and_is_refused_in_plans() {
    let repo = Repo::minimal();
    let bank = repo.read("contacts/bank.kdl");
    repo.write("contacts/bank.kdl", format!("{bank}{FORMER}"));
    // an exercise held before the contact left: fine, and the former contact is not asked to be
    // verified or to have a deputy
    repo.edit(
        "exercises/2026-tabletop.kdl",
        "participants anna.schmidt jan.peters",
        "participants anna.schmidt jan.peters old.hand",
    );
    let (code, r) = repo.check_json();
    assert_eq!((code, codes(&r)), (0, vec!["SIG001".to_string()]), "{r:#}");
    // in the escalation chain and as someone's deputy: refused
    repo.edit("plans/payroll.kdl", "level 2 notify=anna.schmidt", "level 2 notify=old.hand");
    repo.edit("contacts/bank.kdl", "deputy anna.schmidt", "deputy old.hand");
    let (code, r) = repo.check_json();
    assert_eq!(code, 1);
    let msgs: Vec<&str> = all(&r, "CNT008").iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(
        msgs.contains(
            &"`old.hand` is a former contact (left on 2026-06-30), but level 2 of plan `payroll` notifies it"
        ),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"`old.hand` is a former contact (left on 2026-06-30), but `bernd.mueller` names it as deputy"),
        "{msgs:?}"
    );
    // an exercise after the day the contact left cannot have had them as a participant
    let repo = Repo::minimal();
    repo.write("contacts/bank.kdl", format!("{bank}{}", FORMER.replace("left \"2026-06-30\"", "former #true")));
    repo.edit(
        "exercises/2026-tabletop.kdl",
        "participants anna.schmidt jan.peters",
        "participants anna.schmidt jan.peters old.hand",
    );
    let (_, r) = repo.check_json();
    assert_eq!(
        the(&r, "CNT008")["message"],
        "`old.hand` is a former contact, but exercise `ex-2026-tabletop` of 2026-05-01 lists it as a participant"
    );
}

#[test]
fn a_level_with_a_short_limit_needs_a_voice_channel() {
    let repo = Repo::minimal();
    // bernd.mueller has only an e-mail address
    repo.edit(
        "plans/payroll.kdl",
        "level 2 notify=anna.schmidt within=\"1h\"",
        "level 2 notify=bernd.mueller within=\"30m\"",
    );
    let (_, r) = repo.check_json();
    let d = the(&r, "CNT009");
    assert!(d["message"].as_str().unwrap().starts_with("level 2 of plan `payroll` must reach `bernd.mueller` within 30m, but the contact can be reached only by e-mail"), "{d:#}");
    // with an hour, e-mail on business days is the plan's choice (the system is high: 24x7 needed)
    let repo = Repo::minimal();
    repo.edit(
        "contacts/bank.kdl",
        "email \"bernd.mueller@bank.example\" available=business-hours",
        "email \"bernd.mueller@bank.example\" available=\"24x7\"",
    );
    repo.edit(
        "plans/payroll.kdl",
        "level 2 notify=anna.schmidt within=\"1h\"",
        "level 2 notify=bernd.mueller within=\"2h\"",
    );
    let (_, r) = repo.check_json();
    assert!(
        the(&r, "CNT009")["message"].as_str().unwrap().contains("can be reached around the clock only by e-mail"),
        "{r:#}"
    );
    assert!(all(&r, "CNT006").is_empty(), "{r:#}");
}
