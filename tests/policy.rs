//! Each policy rule, triggered by a defect seeded into the clean minimal fixture, at the right
//! file and line; the clean fixture and the bundled example pass them all.

mod common;
use common::*;

struct Case {
    code: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    file: &'static str,
    line: usize,
    /// Findings that follow from the seeded defect besides `code` (sorted).
    also: &'static [&'static str],
}

const P: &str = "plans/payroll.kdl";
const S: &str = "inventory/systems.kdl";

const CASES: &[Case] = &[
    Case { code: "COV001", edits: &[(P, "covers payroll-app wan-line", "covers payroll-app")], file: S, line: 14, also: &[] },
    Case { code: "COV002", edits: &[(P, "client=anna.schmidt provider=jan.peters", "client=anna.schmidt")], file: P, line: 5, also: &[] },
    Case { code: "COV002", edits: &[(P, "client=anna.schmidt provider=jan.peters", "client=anna.schmidt provider=bernd.mueller")], file: P, line: 5, also: &[] },
    Case { code: "COV003", edits: &[(S, "owner anna.schmidt", "owner jan.peters")], file: S, line: 5, also: &[] },
    Case { code: "COV004", edits: &[(S, "contacts client=bernd.mueller provider=dc-duty", "contacts client=bernd.mueller")], file: S, line: 18, also: &[] },
    Case { code: "COV005", edits: &[(S, "confidentiality=high integrity=high", "confidentiality=high")], file: S, line: 6, also: &[] },
    Case { code: "COV006", edits: &[(S, "    rpo \"4h\"\n", "")], file: S, line: 1, also: &["CON006"] },
    Case { code: "COV007", edits: &[(S, "    acknowledged by=jan.peters date=\"2026-01-15\"\n    mtpd \"48h\"", "    mtpd \"48h\"")], file: S, line: 1, also: &[] },
    Case { code: "COV007", edits: &[(S, "acknowledged by=jan.peters date=\"2026-01-15\"\n    mtpd \"48h\"", "acknowledged by=anna.schmidt date=\"2026-01-15\"\n    mtpd \"48h\"")], file: S, line: 7, also: &[] },
    Case {
        code: "ESC001",
        edits: &[(P, "        level 1 notify=dc-duty within=\"15m\"\n        level 2 notify=anna.schmidt within=\"1h\"\n", "")],
        file: P,
        line: 6,
        also: &[],
    },
    Case { code: "ESC002", edits: &[(P, "within=\"1h\"", "within=\"10m\"")], file: P, line: 8, also: &[] },
    Case { code: "ESC002", edits: &[(P, "level 2 notify", "level 3 notify")], file: P, line: 8, also: &[] },
    Case { code: "ESC003", edits: &[(P, "level 2 notify=anna.schmidt", "level 2 notify=jan.peters")], file: P, line: 6, also: &[] },
    Case { code: "ESC004", edits: &[(P, "        unreachable \"Call the deputy of the contact\"\n", "")], file: P, line: 6, also: &[] },
    Case { code: "ESC005", edits: &[("contacts/dc.kdl", "    deputy dc-duty\n", "")], file: "contacts/dc.kdl", line: 1, also: &[] },
    Case { code: "ESC006", edits: &[("contacts/bank.kdl", "deputy bernd.mueller", "deputy dc-duty")], file: "contacts/bank.kdl", line: 7, also: &[] },
    Case { code: "ESC007", edits: &[("contacts/bank.kdl", "deputy bernd.mueller", "deputy anna.schmidt")], file: "contacts/bank.kdl", line: 7, also: &[] },
    Case {
        code: "ESC008",
        edits: &[("contacts/bank.kdl", "    phone \"+49 40 555 0101\" available=business-hours\n    mobile \"+49 171 555 0101\" available=\"24x7\"\n", "")],
        file: "contacts/bank.kdl",
        line: 1,
        also: &["CNT006", "CNT007"],
    },
    Case {
        code: "ESC009",
        edits: &[(P, "within=\"1h\"\n", "within=\"1h\"\n        level 3 notify=dc-duty within=\"2h\"\n")],
        file: P,
        line: 9,
        also: &[],
    },
    Case { code: "SCN001", edits: &[(P, "cause=technical affects-others=#false resolver=provider", "affects-others=#false resolver=joint")], file: P, line: 12, also: &["SCN009"] },
    Case {
        code: "SCN002",
        edits: &[(P, "        step \"Extend the volume\"\n        step \"Inform the application owner\"\n", "")],
        file: P,
        line: 12,
        also: &[],
    },
    Case { code: "SCN003", edits: &[(P, "        fault-in provider\n", "")], file: P, line: 12, also: &[] },
    Case { code: "SCN004", edits: &[(P, "affects-others=#false resolver=provider", "affects-others=#true resolver=provider")], file: P, line: 12, also: &["SCN009"] },
    Case { code: "SCN004", edits: &[(P, "cause=technical affects-others=#false", "cause=security affects-others=#false")], file: P, line: 12, also: &[] },
    Case { code: "SCN005", edits: &[(P, " resolver=provider", "")], file: P, line: 12, also: &[] },
    Case {
        code: "SCN006",
        edits: &[(P, "cause=technical affects-others=#false resolver=provider", "cause=application affects-others=#false resolver=joint")],
        file: P,
        line: 12,
        also: &[],
    },
    Case { code: "SCN007", edits: &[(P, "    forbidden \"Reboot the payroll server during a run\"\n", "")], file: P, line: 1, also: &[] },
    Case {
        code: "SCN008",
        edits: &[(P, "step \"Extend the volume\"", "step \"Reboot the payroll server, during a run if needed\"")],
        file: P,
        line: 14,
        also: &[],
    },
    Case { code: "SCN008", edits: &[(P, "step \"Extend the volume\"", "step \"REBOOT the payroll server during a  run!\"")], file: P, line: 14, also: &[] },
    Case {
        code: "SCN009",
        edits: &[
            (P, "cause=technical affects-others=#false resolver=provider", "cause=interface affects-others=#false resolver=joint"),
            (P, "        fault-in provider\n", "        fault-in provider\n        contacts jan.peters\n"),
        ],
        file: P,
        line: 14,
        also: &[],
    },
    Case {
        code: "SCN010",
        edits: &[(P, "        fault-in provider\n", "        title \"Payroll run stops on a wrong data record\"\n        fault-in provider\n")],
        file: P,
        line: 12,
        also: &[],
    },
    Case { code: "SCN011", edits: &[(P, "step \"Extend the volume\"", "step \"Reboot the payroll server now\"")], file: P, line: 14, also: &[] },
    Case { code: "SCN012", edits: &[(P, "step \"Extend the volume\"", "step \"Extend the volume if necessary\"")], file: P, line: 14, also: &[] },
    Case { code: "BAK001", edits: &[(P, "    backup {", "    /-backup {")], file: P, line: 1, also: &[] },
    Case { code: "BAK002", edits: &[(P, "        antivirus \"Scanned before each backup\"\n", "")], file: P, line: 19, also: &[] },
    Case { code: "BAK003", edits: &[(P, "media dedicated", "media shared")], file: P, line: 20, also: &[] },
    Case { code: "BAK004", edits: &[(P, "schedule every=\"4h\"", "schedule every=\"24h\"")], file: P, line: 21, also: &["CON008"] },
    Case { code: "BAK005", edits: &[(P, "offsite #true", "offsite #false")], file: P, line: 23, also: &["CON008"] },
    Case { code: "OBJ001", edits: &[(S, "rto \"8h\"", "rto \"48h\"")], file: S, line: 9, also: &["CON006"] },
    Case { code: "OBJ001", edits: &[(P, "covers payroll-app wan-line", "covers payroll-app wan-line; objective wan-line rto=\"1d\"")], file: P, line: 3, also: &["OBJ002"] },
    Case { code: "OBJ002", edits: &[(P, "covers payroll-app wan-line", "covers payroll-app wan-line; objective payroll-app rto=\"12h\"")], file: P, line: 3, also: &["CON006"] },
    Case { code: "OBJ003", edits: &[(P, "covers payroll-app wan-line", "covers payroll-app; objective wan-line rto=\"2h\"")], file: P, line: 3, also: &["COV001"] },
    Case { code: "EXR001", edits: &[(P, "    exercise tabletop every=\"12mo\" joint=#true\n", "")], file: P, line: 1, also: &[] },
    Case { code: "SCN017", edits: &[(P, "    forbidden \"Reboot", "    no-forbidden-actions \"none\"\n    forbidden \"Reboot")], file: P, line: 11, also: &[] },
    Case { code: "EXR002", edits: &[(P, "every=\"12mo\"", "every=\"36mo\"")], file: P, line: 18, also: &[] },
    Case {
        code: "EXR003",
        edits: &[("exercises/2026-tabletop.kdl", "participants anna.schmidt jan.peters", "participants jan.peters dc-duty")],
        file: "exercises/2026-tabletop.kdl",
        line: 1,
        also: &[],
    },
    Case { code: "EXR004", edits: &[("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2025-05-01\"")], file: P, line: 18, also: &[] },
    Case { code: "EXR005", edits: &[("exercises/2026-tabletop.kdl", "kind tabletop", "kind walkthrough")], file: P, line: 18, also: &[] },
    Case {
        code: "EXR006",
        edits: &[(
            "exercises/2026-tabletop.kdl",
            "result passed",
            "result passed-with-findings\n    finding \"Runbook outdated\" owner=jan.peters due=\"2026-10-01\" status=open",
        )],
        file: "exercises/2026-tabletop.kdl",
        line: 8,
        also: &[],
    },
    Case { code: "EXR007", edits: &[("exercises/2026-tabletop.kdl", "    scenarios disk-full\n", "")], file: P, line: 12, also: &[] },
    Case { code: "EXR008", edits: &[("exercises/2026-tabletop.kdl", "result passed", "result failed")], file: "exercises/2026-tabletop.kdl", line: 7, also: &["EXR005", "EXR007"] },
    Case { code: "EXR009", edits: &[("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2026-12-01\"")], file: "exercises/2026-tabletop.kdl", line: 4, also: &["EXR005", "EXR007"] },
    Case {
        code: "EXR010",
        edits: &[(
            "exercises/2026-tabletop.kdl",
            "result passed",
            "result passed-with-findings\n    finding \"Runbook outdated\" owner=jan.peters due=\"2026-04-01\" status=closed",
        )],
        file: "exercises/2026-tabletop.kdl",
        line: 8,
        also: &[],
    },
    Case { code: "CFG002", edits: &[("contingent.kdl", "name ", "rule XYZ999 severity=off\nname ")], file: "contingent.kdl", line: 1, also: &[] },
    Case { code: "CFG002", edits: &[("contingent.kdl", "name ", "rule SCH001 severity=off\nname ")], file: "contingent.kdl", line: 1, also: &[] },
];

/// Rules that need more than a fixture, with the test that triggers them.
const ELSEWHERE: &[(&str, &str, &str)] = &[
    ("EXR011", "tests/git.rs", "a_plan_changed_in_meaning_after_its_last_exercise_is_reported_with_history"),
    // rules from the audit matrix, triggered by the seeded defects of the blind rounds
    ("BAK006", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("BAK007", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("ESC010", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("ESC011", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("OBJ004", "tests/blind.rs", "blind_round_two_is_still_caught_without_false_alarms"),
    ("SCN013", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("SCN014", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("SCN015", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("SCN018", "tests/blind.rs", "blind_round_three_is_still_caught_without_false_alarms"),
    ("COV008", "tests/blind.rs", "blind_round_one_is_still_caught_without_false_alarms"),
    ("SCN016", "tests/policy.rs", "a_plan_without_error_situations_is_reported"),
    ("EXR012", "tests/blind.rs", "blind_round_two_is_still_caught_without_false_alarms"),
];

#[test]
fn a_plan_without_error_situations_is_reported() {
    let repo = Repo::minimal();
    let text = repo.read(P);
    let start = text.find("    scenario disk-full").unwrap();
    let end = start + text[start..].find("\n    }\n").unwrap() + "\n    }\n".len();
    repo.write(P, format!("{}{}", &text[..start], &text[end..]));
    let (_, report) = repo.check_json();
    let d = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "SCN016").expect("SCN016");
    assert_eq!(d["location"]["start"]["line"], 1, "{d:#}");
}

fn apply(repo: &Repo, edits: &[(&str, &str, &str)]) {
    for (file, from, to) in edits {
        repo.edit(file, from, to);
    }
}

#[test]
fn each_rule_is_triggered_at_its_place() {
    let mut failures = Vec::new();
    for case in CASES {
        let repo = Repo::minimal();
        apply(&repo, case.edits);
        let (code, report) = repo.check_json();
        let f = findings(&report, &repo);
        if !f.contains(&(case.code.to_string(), case.file.to_string(), case.line)) {
            failures.push(format!("{} expected at {}:{}, got {f:?}", case.code, case.file, case.line));
        }
        // Nothing else is found but the follow-on findings the case declares.
        // (The fixture's plan is unsigned: SIG001, a warning while the runner tolerates it.)
        let mut others: Vec<&str> =
            f.iter().map(|(c, _, _)| c.as_str()).filter(|c| *c != case.code && *c != "SIG001").collect();
        others.sort();
        if others != case.also {
            failures.push(format!("{}: other findings {others:?}, expected {:?}", case.code, case.also));
        }
        // The exit code follows from the default severities of the expected findings, not from
        // what was found.
        let is_error = |code: &str| {
            contingent::rules::find(code).unwrap().default_severity == contingent::diagnostic::Severity::Error
        };
        let expected_exit = i32::from(is_error(case.code) || case.also.iter().any(|c| is_error(c)));
        if code != expected_exit {
            failures.push(format!("{}: exit {code}, expected {expected_exit}: {f:?}", case.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_policy_rule_has_a_triggering_case() {
    use contingent::rules::Family::*;
    for rule in contingent::rules::RULES.iter() {
        if matches!(rule.family, Coverage | Escalation | Scenarios | Backup | Objectives | Exercises) {
            if let Some((_, file, test)) = ELSEWHERE.iter().find(|(code, _, _)| *code == rule.code) {
                let text =
                    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
                assert!(
                    text.contains(&format!("fn {test}()")),
                    "{} is said to be triggered by {file}: {test}",
                    rule.code
                );
                continue;
            }
            assert!(CASES.iter().any(|c| c.code == rule.code), "no test triggers {}", rule.code);
        }
    }
}

#[test]
fn the_bundled_example_passes_every_policy_rule() {
    let out = run(&["check", "plans", "--format", "json", "--as-of", "2026-11-26"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    // every plan of the example is signed by both parties: no finding at all
    let codes: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, Vec::<&str>::new(), "{v:#}");
    assert_eq!(out.code, 0);
}

#[test]
fn severities_can_be_changed_and_rules_switched_off() {
    let repo = Repo::minimal();
    apply(&repo, &[(P, "level 2 notify", "level 3 notify")]);
    let (code, _) = repo.check_json();
    assert_eq!(code, 1);
    repo.edit("contingent.kdl", "name ", "rule ESC002 severity=warning\nname ");
    let (code, report) = repo.check_json();
    assert_eq!(code, 0);
    assert_eq!(the(&report, "ESC002")["severity"], "warning");
    repo.edit("contingent.kdl", "severity=warning", "severity=off");
    let (code, report) = repo.check_json();
    // left: only the fixture's unsigned plan, tolerated by the test runner
    let codes: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!((code, codes), (0, vec!["SIG001"]), "{report:#}");
    // rules can be named by name too
    repo.edit("contingent.kdl", "rule ESC002 severity=off", "rule escalation-out-of-order severity=off");
    let (code, _) = repo.check_json();
    assert_eq!(code, 0);
}

const WAIVER: &str = "waiver ESC002 plan=payroll reason=\"Level numbering is being reworked with the provider\" approved-by=anna.schmidt expires=\"2027-01-31\"\nname ";

#[test]
fn a_waiver_exempts_one_object_and_is_listed() {
    let repo = Repo::minimal();
    apply(&repo, &[(P, "level 2 notify", "level 3 notify"), ("contingent.kdl", "name ", WAIVER)]);
    let (code, report) = repo.check_json();
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(report["summary"]["errors"], 0);
    let d = the(&report, "ESC002");
    assert_eq!(d["waived"]["approved_by"], "anna.schmidt");
    assert_eq!(d["waived"]["expires"], "2027-01-31");
    let human = repo.check(&["--as-of", "2026-11-01"]).stdout;
    assert!(human.contains("waived (listed, not counted):"), "{human}");
    assert!(human.contains("(1 waived)"), "{human}");
    let sarif: serde_json::Value =
        serde_json::from_str(&repo.check(&["--format", "sarif", "--as-of", "2026-11-01"]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let esc = results.iter().find(|r| r["ruleId"] == "ESC002").unwrap();
    assert_eq!(esc["suppressions"][0]["kind"], "external");
}

#[test]
fn an_expired_waiver_stops_working_and_is_reported() {
    let repo = Repo::minimal();
    apply(&repo, &[(P, "level 2 notify", "level 3 notify"), ("contingent.kdl", "name ", WAIVER)]);
    repo.edit("contingent.kdl", "expires=\"2027-01-31\"", "expires=\"2026-10-31\"");
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    assert_eq!(the(&report, "CFG003")["location"]["start"]["line"], 1);
    assert!(the(&report, "ESC002")["waived"].is_null());
}

#[test]
fn a_waiver_matching_nothing_or_naming_nothing_is_reported() {
    let repo = Repo::minimal();
    apply(&repo, &[("contingent.kdl", "name ", WAIVER)]);
    let (code, report) = repo.check_json();
    assert_eq!(code, 0);
    assert_eq!(the(&report, "CFG004")["severity"], "warning");
    let repo = Repo::minimal();
    apply(&repo, &[("contingent.kdl", "name ", &WAIVER.replace("plan=payroll ", ""))]);
    let (code, report) = repo.check_json();
    assert_eq!(code, 1);
    the(&report, "CFG005");
    // approved-by must be a contact
    let repo = Repo::minimal();
    apply(&repo, &[("contingent.kdl", "name ", &WAIVER.replace("approved-by=anna.schmidt", "approved-by=anna"))]);
    let (_, report) = repo.check_json();
    assert_eq!(the(&report, "REF002")["location"]["start"]["line"], 1);
}

#[test]
fn a_waiver_by_file_matches_findings_in_that_file() {
    let repo = Repo::minimal();
    let waiver = WAIVER.replace("plan=payroll", "file=\"plans/payroll.kdl\"");
    apply(&repo, &[(P, "level 2 notify", "level 3 notify"), ("contingent.kdl", "name ", &waiver)]);
    let (code, report) = repo.check_json();
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["waived"], 1);
}

/// A copy of the bundled example with many defects seeded at once: each is found.
#[test]
fn the_bundled_example_with_seeded_defects_triggers_the_rules() {
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    let po = "plans/payment-orders.kdl";
    let edits: &[(&str, &str, &str, &str)] = &[
        ("COV001", "inventory/client.kdl", "system ", "system spare-pc {\n    name \"Spare PC\"\n    side client\n    operator hpb\n    owner anna.schmidt\n}\n\nsystem "),
        ("COV002", po, "responsible client=sabine.krueger provider=claudia.lange", "responsible client=sabine.krueger"),
        ("COV003", "inventory/provider.kdl", "owner jens.hoffmann", "owner michael.wagner"),
        ("COV004", "inventory/interfaces.kdl", "contacts client=lars.petersen provider=tobias.schmitz", "contacts client=lars.petersen"),
        ("COV005", "inventory/provider.kdl", "protection confidentiality=high integrity=very-high", "protection confidentiality=high"),
        ("COV007", "inventory/provider.kdl", "    acknowledged by=michael.wagner date=\"2026-03-02\"\n", ""),
        ("ESC002", po, "level 2 notify=sabine.krueger within=\"30m\"", "level 2 notify=sabine.krueger within=\"10m\""),
        ("ESC009", po, "level 3 notify=michael.wagner", "level 3 notify=rzn-duty-desk"),
        ("SCN001", "plans/core-banking.kdl", "scenario wrong-interest-run cause=application ", "scenario wrong-interest-run "),
        ("SCN003", po, "        fault-in client\n", ""),
        ("SCN004", po, "scenario journal-volume-full cause=technical affects-others=#false", "scenario journal-volume-full cause=technical affects-others=#true"),
        ("SCN005", "plans/core-banking.kdl", "cause=interface affects-others=#false resolver=joint", "cause=interface affects-others=#false"),
        ("SCN006", po, "        contacts sabine.krueger jens.hoffmann\n", ""),
        ("SCN008", po, "step \"Put the affected file", "step \"Edit or delete payment orders in the payment hub database; put the affected file"),
        ("BAK003", "plans/payroll.kdl", "media dedicated", "media shared"),
        ("BAK004", po, "schedule every=\"15m\"", "schedule every=\"1h\""),
        ("OBJ001", "inventory/provider.kdl", "mtpd \"4h\"", "mtpd \"2h\""),
        ("OBJ002", po, "objective payment-hub rto=\"2h\"", "objective payment-hub rto=\"3h\""),
        ("EXR002", "plans/payroll.kdl", "exercise tabletop every=\"12mo\"", "exercise tabletop every=\"36mo\""),
        ("CON001", "contracts/msa.kdl", "revision 3 effective=\"2026-03-01\"", "revision 3 effective=\"2025-03-01\""),
        ("CON002", "plans/wan-connectivity.kdl", "    contract msa revision=3\n", ""),
        ("CFG002", "contingent.kdl", "name ", "rule XYZ001 severity=off\nname "),
    ];
    for (_, file, from, to) in edits {
        repo.edit(file, from, to);
    }
    repo.write(
        "exercises/seeded.kdl",
        "exercise seeded {\n    plan payroll\n    kind tabletop\n    date \"2026-10-01\"\n    participants dirk.hansen\n    result passed-with-findings\n    finding \"x\" owner=dirk.hansen due=\"2026-10-15\" status=open\n}\n",
    );
    let (_, report) = repo.check_json();
    let codes: Vec<String> = findings(&report, &repo).into_iter().map(|(c, _, _)| c).collect();
    let mut missing: Vec<&str> = edits.iter().map(|(c, ..)| *c).filter(|c| !codes.iter().any(|x| x == c)).collect();
    for extra in ["EXR003", "EXR006"] {
        if !codes.iter().any(|x| x == extra) {
            missing.push(extra);
        }
    }
    assert!(missing.is_empty(), "not found: {missing:?} in {codes:?}");
}

#[test]
fn a_waiver_works_through_its_expiry_day_and_not_after() {
    let repo = Repo::minimal();
    apply(&repo, &[(P, "level 2 notify", "level 3 notify"), ("contingent.kdl", "name ", WAIVER)]);
    // On the expiry day itself the waiver still holds.
    let out = repo.check(&["--format", "json", "--as-of", "2027-01-31"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(out.code, 0, "{report:#}");
    assert_eq!(the(&report, "ESC002")["waived"]["expires"], "2027-01-31");
    assert!(findings(&report, &repo).iter().all(|(c, _, _)| c != "CFG003"), "{report:#}");
    // The day after, it has expired: the finding counts again and the waiver is reported.
    let out = repo.check(&["--format", "json", "--as-of", "2027-02-01"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(out.code, 1);
    assert!(the(&report, "ESC002")["waived"].is_null());
    assert!(the(&report, "CFG003")["message"].as_str().unwrap().contains("expired on 2027-01-31"), "{report:#}");
}

/// A waiver naming a system, a contact or a contract exempts the findings about that object
/// only; the same waiver naming another object of that kind matches nothing.
#[test]
fn waivers_name_systems_contacts_and_contracts() {
    struct Target {
        code: &'static str,
        edit: (&'static str, &'static str, &'static str),
        target: &'static str,
        /// Another object of the kind, or a name no object has (then also REF002).
        other: &'static str,
        other_unknown: bool,
    }
    let targets = [
        Target {
            code: "COV005",
            edit: (S, "confidentiality=high integrity=high", "confidentiality=high"),
            target: "system=payroll-app",
            other: "system=wan-line",
            other_unknown: false,
        },
        Target {
            code: "CNT001",
            edit: ("contacts/bank.kdl", "verified \"2026-09-02\"", "verified \"2026-01-02\""),
            target: "contact=bernd.mueller",
            other: "contact=anna.schmidt",
            other_unknown: false,
        },
        Target {
            code: "CON010",
            edit: (
                "contracts/msa.kdl",
                "; client-participation \"The client joins the yearly tabletop\"\n        sla",
                "\n        sla",
            ),
            target: "contract=msa",
            other: "contract=other",
            other_unknown: true,
        },
    ];
    for t in targets {
        let waiver = |target: &str| {
            format!("waiver {} {target} reason=\"Agreed with both parties\" approved-by=anna.schmidt expires=\"2027-01-31\"\nname ", t.code)
        };
        let repo = Repo::minimal();
        apply(&repo, &[t.edit]);
        let (code, report) = repo.check_json();
        let error = i32::from(the(&report, t.code)["severity"] == "error");
        assert_eq!(code, error, "{}: {report:#}", t.code);
        assert!(the(&report, t.code)["waived"].is_null());
        assert_eq!(report["summary"]["waived"], 0, "{}", t.code);

        apply(&repo, &[("contingent.kdl", "name ", &waiver(t.target))]);
        let (code, report) = repo.check_json();
        assert_eq!(code, 0, "{}: {report:#}", t.code);
        assert_eq!(the(&report, t.code)["waived"]["reason"], "Agreed with both parties", "{}", t.code);
        assert_eq!(report["summary"]["waived"], 1, "{}", t.code);

        let repo = Repo::minimal();
        apply(&repo, &[t.edit, ("contingent.kdl", "name ", &waiver(t.other))]);
        let (code, report) = repo.check_json();
        assert_eq!(code, error.max(i32::from(t.other_unknown)), "{} with {}: {report:#}", t.code, t.other);
        if t.other_unknown {
            the(&report, "REF002");
        }
        assert!(the(&report, t.code)["waived"].is_null(), "{}", t.code);
        assert_eq!(the(&report, "CFG004")["severity"], "warning", "{}", t.code);
    }
}

#[test]
fn a_contact_verified_on_the_check_date_is_current() {
    let repo = Repo::minimal();
    apply(&repo, &[("contacts/bank.kdl", "verified \"2026-09-01\"", "verified \"2026-11-01\"")]);
    let (code, report) = repo.check_json();
    // (only the fixture's unsigned plan, tolerated)
    assert_eq!((code, findings(&report, &repo)), (0, vec![("SIG001".into(), P.into(), 1)]), "{report:#}");
    // One day later than the check date is in the future.
    apply(&repo, &[("contacts/bank.kdl", "verified \"2026-11-01\"", "verified \"2026-11-02\"")]);
    let (_, report) = repo.check_json();
    let d = the(&report, "CNT003");
    assert_eq!(d["message"], "`anna.schmidt` is verified on 2026-11-02, after the check date 2026-11-01");
    assert_eq!(d["location"]["start"]["line"], 8);
}

#[test]
fn a_contact_goes_stale_the_day_after_its_maximum_age() {
    // bernd.mueller was verified on 2026-09-02; with a maximum age of 6 months the verification
    // holds through 2027-03-02.
    let repo = Repo::minimal();
    let at = |date: &str| {
        let out = repo.check(&["--format", "json", "--as-of", date]);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "CNT001" || d["code"] == "CNT002")
            .filter(|d| d["message"].as_str().unwrap().contains("bernd.mueller"))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(at("2027-03-02"), ["CNT002"]);
    assert_eq!(at("2027-03-03"), ["CNT001"]);
    assert_eq!(at("2027-01-31"), ["CNT002"]); // 30 days ahead: expiring
    assert!(at("2027-01-30").is_empty());
}

const EX: &str = "exercises/2026-tabletop.kdl";

#[test]
fn an_exercise_is_due_through_the_last_day_of_its_interval() {
    // the tabletop of 2026-05-01, every 12 months: due on 2027-05-01, late from the day after
    let repo = Repo::minimal();
    assert_eq!(repo.messages_at("2027-05-01", "EXR004"), Vec::<String>::new());
    assert_eq!(
        repo.messages_at("2027-05-02", "EXR004"),
        ["the tabletop of plan `payroll` was due on 2027-05-01: last held 2026-05-01 (every 12mo)"]
    );
    // failed tabletops before it and on the same day do not make it "failed since"
    for (id, date) in [("ex-fail-before", "2026-04-01"), ("ex-fail-same-day", "2026-05-01")] {
        repo.write(
            &format!("exercises/{id}.kdl"),
            format!("exercise {id} {{\n    plan payroll\n    kind tabletop\n    date \"{date}\"\n    scenarios disk-full\n    participants anna.schmidt jan.peters\n    result failed\n    finding \"The runbook was missing\" owner=jan.peters due=\"2026-06-01\" status=done\n}}\n"),
        );
    }
    assert_eq!(
        repo.messages_at("2027-05-02", "EXR004"),
        ["the tabletop of plan `payroll` was due on 2027-05-01: last held 2026-05-01 (every 12mo)"]
    );
}

#[test]
fn a_scenario_cycle_holds_through_its_last_day_in_every_unit() {
    // disk-full was last exercised on 2026-05-01
    let repo = Repo::minimal();
    let config = repo.read("contingent.kdl");
    for (cycle, last_day) in [("24mo", "2028-05-01"), ("2y", "2028-05-01"), ("400d", "2027-06-05")] {
        repo.write("contingent.kdl", format!("{config}policy {{\n    scenario-cycle \"{cycle}\"\n}}\n"));
        assert_eq!(repo.messages_at(last_day, "EXR007"), Vec::<String>::new(), "{cycle}");
        let after = contingent::units::Date::parse(last_day).unwrap().add_days(1).to_string();
        assert_eq!(
            repo.messages_at(&after, "EXR007"),
            [format!("scenario `disk-full` of plan `payroll` was last exercised on 2026-05-01 (`ex-2026-tabletop`), longer than the cycle of {cycle} ago")],
            "{cycle}"
        );
    }
}

#[test]
fn exercise_and_finding_dates_are_judged_on_the_day_itself() {
    let repo = Repo::minimal();
    // an exercise held on the check date has been held
    assert_eq!(repo.messages_at("2026-05-01", "EXR009"), Vec::<String>::new());
    assert_eq!(
        repo.messages_at("2026-04-30", "EXR009"),
        ["exercise `ex-2026-tabletop` is dated 2026-05-01, after the check date 2026-04-30"]
    );
    // a finding due on the day of its exercise is not due before it; one due the day before is
    repo.edit(
        EX,
        "    result passed\n",
        "    result partial\n    finding \"Volume alarm came late\" owner=jan.peters due=\"2026-05-01\" status=open\n",
    );
    assert_eq!(repo.messages_at("2026-05-01", "EXR010"), Vec::<String>::new());
    // open on its due date is not yet past it
    assert_eq!(repo.messages_at("2026-05-01", "EXR006"), Vec::<String>::new());
    assert_eq!(
        repo.messages_at("2026-05-02", "EXR006"),
        ["finding of exercise `ex-2026-tabletop` is open past its due date 2026-05-01: Volume alarm came late"]
    );
    repo.edit(EX, "due=\"2026-05-01\"", "due=\"2026-04-30\"");
    assert_eq!(
        repo.messages_at("2026-05-01", "EXR010"),
        ["a finding of exercise `ex-2026-tabletop` is due on 2026-04-30, before the exercise that found it (2026-05-01)"]
    );
    // a partly failed exercise without findings says so
    repo.edit(EX, "    finding \"Volume alarm came late\" owner=jan.peters due=\"2026-04-30\" status=open\n", "");
    assert_eq!(
        repo.messages_at("2026-05-01", "EXR008"),
        ["exercise `ex-2026-tabletop` partly failed, but records no finding"]
    );
}

#[test]
fn a_deputy_chain_may_pass_through_a_contact_without_a_channel() {
    // anna.schmidt's deputy has no channel of their own, but their deputy can be reached
    let repo = Repo::minimal();
    repo.edit("contacts/bank.kdl", "    deputy bernd.mueller\n", "    deputy bank-relay\n");
    let relay = |id: &str, deputy: &str| {
        format!("contact {id} {{\n    party bank\n    name \"Relay {id}\"\n    deputy {deputy}\n    verified \"2026-09-01\"\n}}\n")
    };
    repo.write("contacts/relay.kdl", relay("bank-relay", "bernd.mueller"));
    let chain = |m: &String| m.starts_with("nobody in the deputy chain");
    let found = repo.messages_at("2026-11-01", "ESC008");
    assert!(!found.iter().any(chain), "{found:?}");
    // two contacts without a channel, deputies of each other: nobody can be reached
    repo.write("contacts/relay.kdl", relay("bank-relay", "bank-relay2") + &relay("bank-relay2", "bank-relay"));
    let found = repo.messages_at("2026-11-01", "ESC008");
    assert_eq!(
        found.iter().filter(|m| chain(m)).collect::<Vec<_>>(),
        ["nobody in the deputy chain of `anna.schmidt` can be reached"],
        "{found:?}"
    );
}

#[test]
fn inventory_findings_name_the_kind_of_object_at_its_head() {
    let repo = Repo::minimal();
    repo.edit(S, "    acknowledged by=jan.peters date=\"2026-01-15\"\n}", "}");
    repo.edit(S, "confidentiality=high integrity=high", "confidentiality=high");
    let (_, report) = repo.check_json();
    let d = the(&report, "COV007");
    assert_eq!(d["message"], "the provider has not acknowledged the protection needs of interface `wan-line`");
    assert_eq!(d["location"]["start"]["line"], 14);
    assert_eq!(
        the(&report, "COV005")["message"],
        "system `payroll-app` does not state its protection need for integrity"
    );
}

#[test]
fn scenario_findings_follow_the_scenarios_own_cause_resolver_and_forbidden_actions() {
    const ON: &str = "2026-11-01";
    let repo = Repo::minimal();
    // the provider alone: the message names the condition that fails
    repo.edit(P, "affects-others=#false resolver=provider", "affects-others=#true resolver=provider");
    assert_eq!(
        repo.messages_at(ON, "SCN004"),
        ["scenario `disk-full` lets the provider resolve it alone, but it may affect other applications"]
    );
    repo.edit(P, "cause=technical affects-others=#true", "cause=security affects-others=#false");
    assert_eq!(
        repo.messages_at(ON, "SCN004"),
        ["scenario `disk-full` lets the provider resolve it alone, but its cause is not technical"]
    );
    // an application cause is SCN010 only when classed technical *and* left to the provider
    let title = "        title \"Payroll run stops on a wrong data record\"\n        fault-in provider\n";
    repo.edit(P, "        fault-in provider\n", title);
    for (from, to) in [
        (
            "cause=security affects-others=#false resolver=provider",
            "cause=application affects-others=#false resolver=provider",
        ),
        (
            "cause=application affects-others=#false resolver=provider",
            "cause=technical affects-others=#false resolver=joint",
        ),
    ] {
        repo.edit(P, from, to);
        assert_eq!(repo.messages_at(ON, "SCN010"), Vec::<String>::new(), "{to}");
    }
    // a scenario's own forbidden action is checked against its steps; one without words is not
    repo.edit(P, title, "        fault-in provider\n        forbidden \"Delete the spool files\"\n");
    repo.edit(P, "step \"Extend the volume\"", "step \"Delete the spool files of the run, then extend the volume\"");
    assert_eq!(
        repo.messages_at(ON, "SCN008"),
        ["a step of scenario `disk-full` does what the plan forbids: \"Delete the spool files\""]
    );
    repo.edit(P, "forbidden \"Delete the spool files\"", "forbidden \"--- ...\"");
    assert_eq!(repo.messages_at(ON, "SCN008"), Vec::<String>::new());
}
