//! Contracts against plans, stale contacts, what falls due, and the clock.

mod common;
use common::*;
use std::path::Path;

struct Case {
    code: &'static str,
    severity: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    file: &'static str,
    line: usize,
}

const P: &str = "plans/payroll.kdl";
const C: &str = "contracts/msa.kdl";
const B: &str = "contacts/bank.kdl";
const REV3_IN_GRACE: &str = "    }\n    revision 3 effective=\"2026-10-01\" {\n        category critical type=\"outage\" severity=\"high\" urgency=\"immediate\"; action \"Open an incident ticket\"; escalation \"Duty desk\"; cooperation \"Yes\"; client-participation \"Yes\"\n        sla payroll-app rto=\"4h\" rpo=\"4h\" redundant=#false { response critical within=\"15m\"; }\n    }\n}";

const CASES: &[Case] = &[
    Case { code: "CON001", severity: "error", edits: &[(C, "revision 2 effective=\"2026-01-01\"", "revision 2 effective=\"2024-06-01\"")], file: C, line: 8 },
    Case { code: "CON002", severity: "error", edits: &[(P, "    contract msa revision=2\n", "")], file: P, line: 1 },
    Case { code: "CON003", severity: "warning", edits: &[(C, "    }\n}", REV3_IN_GRACE)], file: P, line: 4 },
    Case {
        code: "CON003",
        severity: "error",
        edits: &[(C, "    }\n}", REV3_IN_GRACE), (C, "effective=\"2026-10-01\"", "effective=\"2026-08-01\"")],
        file: P,
        line: 4,
    },
    Case {
        code: "CON004",
        severity: "note",
        edits: &[(C, "    }\n}", REV3_IN_GRACE), (C, "effective=\"2026-10-01\"", "effective=\"2026-11-20\"")],
        file: C,
        line: 14,
    },
    Case {
        code: "CON005",
        severity: "warning",
        edits: &[(C, "    }\n}", REV3_IN_GRACE), (C, "effective=\"2026-10-01\"", "effective=\"2026-12-20\""), (P, "revision=2", "revision=3")],
        file: P,
        line: 4,
    },
    Case { code: "CON006", severity: "error", edits: &[(C, "sla payroll-app rto=\"8h\" rpo=\"4h\" redundant", "sla payroll-app rto=\"4h\" rpo=\"4h\" redundant")], file: P, line: 3 },
    Case { code: "CON007", severity: "error", edits: &[(C, "client-participation \"The client joins the yearly tabletop\"\n        sla", "client-participation \"The client joins the yearly tabletop\"; exercise alarm-test every=\"6mo\"\n        sla")], file: P, line: 1 },
    Case { code: "CON007", severity: "error", edits: &[(C, "client-participation \"The client joins the yearly tabletop\"\n        sla", "client-participation \"The client joins the yearly tabletop\"; exercise tabletop every=\"6mo\"\n        sla")], file: P, line: 18 },
    Case { code: "CON008", severity: "error", edits: &[(C, "within=\"30m\"; backup every=\"4h\"", "within=\"30m\"; backup every=\"1h\"")], file: P, line: 19 },
    Case { code: "CON011", severity: "error", edits: &[(C, "    client bank\n    provider dc", "    client dc\n    provider bank")], file: C, line: 3 },
    Case { code: "CON012", severity: "error", edits: &[(C, "within=\"30m\"; backup every=\"4h\"", "within=\"30m\"; backup every=\"5h\"")], file: C, line: 11 },
    Case { code: "CON013", severity: "error", edits: &[(P, "level 1 notify=dc-duty within=\"15m\"", "level 1 notify=dc-duty within=\"45m\"")], file: P, line: 7 },
    Case { code: "CNT010", severity: "error", edits: &[("contacts/dc.kdl", "contact dc-duty {", "contact spare {\n    party dc\n    name \"Spare\"\n    deputy dc-duty\n    verified \"2026-09-04\"\n}\ncontact dc-duty {")], file: "contacts/dc.kdl", line: 9 },
    Case { code: "CON009", severity: "error", edits: &[(C, "rto=\"8h\" rpo=\"4h\" redundant=#false {\n", "rto=\"8h\" rpo=\"4h\" redundant=#true {\n")], file: P, line: 3 },
    Case { code: "CON010", severity: "warning", edits: &[(C, "urgency=\"immediate\"; action \"Open an incident ticket\"; escalation \"Duty desk\" \"Account manager\"; cooperation \"The provider cooperates in every emergency\"; client-participation \"The client joins the yearly tabletop\"\n        sla", "urgency=\"immediate\"\n        sla")], file: C, line: 8 },
    Case { code: "CNT001", severity: "error", edits: &[(B, "verified \"2026-09-01\"", "verified \"2026-03-01\"")], file: B, line: 8 },
    Case { code: "CNT002", severity: "warning", edits: &[(B, "verified \"2026-09-01\"", "verified \"2026-05-15\"")], file: B, line: 8 },
    Case { code: "CNT003", severity: "error", edits: &[(B, "verified \"2026-09-01\"", "verified \"2026-12-01\"")], file: B, line: 8 },
    Case { code: "CNT004", severity: "warning", edits: &[(B, "verified \"2026-09-02\"", "verified \"2026-01-01\"")], file: B, line: 7 },
    Case { code: "CNT008", severity: "error", edits: &[(B, "    verified \"2026-09-01\"\n    may-approve #true", "    verified \"2026-09-01\"\n    left \"2026-10-01\"\n    may-approve #true")], file: P, line: 5 },
    Case { code: "CNT009", severity: "error", edits: &[(P, "level 2 notify=anna.schmidt within=\"1h\"", "level 2 notify=bernd.mueller within=\"30m\"")], file: P, line: 8 },
    Case { code: "CNT006", severity: "error", edits: &[(B, "mobile \"+49 171 555 0101\" available=\"24x7\"", "mobile \"+49 171 555 0101\" available=business-hours")], file: P, line: 8 },
    Case {
        code: "CNT007",
        severity: "error",
        edits: &[("contacts/dc.kdl", "available=\"24x7\"", "available=business-hours"), ("contacts/dc.kdl", "available=\"24x7\"", "available=business-hours")],
        file: "contingent.kdl",
        line: 3,
    },
];

#[test]
fn each_rule_is_triggered_at_its_place_with_its_severity() {
    let mut failures = Vec::new();
    for case in CASES {
        let repo = Repo::minimal();
        for (file, from, to) in case.edits {
            repo.edit(file, from, to);
        }
        let (_, report) = repo.check_json();
        let hit = report["diagnostics"].as_array().unwrap().iter().find(|d| {
            d["code"] == case.code
                && d["location"]["file"].as_str().unwrap_or("").ends_with(case.file)
                && d["location"]["start"]["line"] == case.line
        });
        match hit {
            Some(d) if d["severity"] == case.severity => {}
            Some(d) => {
                failures.push(format!("{} at {}:{} has severity {}", case.code, case.file, case.line, d["severity"]))
            }
            None => failures.push(format!(
                "{} expected at {}:{}, got {:?}",
                case.code,
                case.file,
                case.line,
                findings(&report, &repo)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_contract_and_contact_rule_has_a_case() {
    use contingent::rules::Family::*;
    for rule in contingent::rules::RULES.iter() {
        if matches!(rule.family, Contracts | Contacts) && rule.code != "CNT005" {
            assert!(CASES.iter().any(|c| c.code == rule.code), "no test triggers {}", rule.code);
        }
    }
}

#[test]
fn a_contact_without_deputy_that_no_plan_needs_is_a_warning() {
    let repo = Repo::minimal();
    repo.write("contacts/extra.kdl", "contact extra {\n    party bank\n    name \"Extra\"\n    email \"x@bank.example\" available=business-hours\n    verified \"2026-09-01\"\n}\n");
    let (code, report) = repo.check_json();
    assert_eq!(code, 0);
    assert_eq!(the(&report, "CNT005")["location"]["start"]["line"], 1);
}

#[test]
fn a_plan_pinned_to_an_old_revision_names_the_changed_terms() {
    let repo = Repo::minimal();
    repo.edit(C, "    }\n}", REV3_IN_GRACE);
    let (_, report) = repo.check_json();
    let d = the(&report, "CON003");
    let m = d["message"].as_str().unwrap();
    assert!(m.contains("implements revision 2 of `msa`, but revision 3 is in effect since 2026-10-01"), "{m}");
    assert!(m.contains("review by 2026-11-30"), "{m}");
    assert!(m.contains("payroll-app RTO 8h → 4h"), "{m}");
    assert!(m.contains("payroll-app response times changed"), "{m}");
    let out = run_in(repo.path(), &["contracts", "--as-of", "2026-11-01", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["plans"][0]["status"], "review due by 2026-11-30");
    assert_eq!(v["plans"][0]["pinned"], 2);
    assert_eq!(v["plans"][0]["in_effect"], 3);
    assert_eq!(v["revisions"][1]["state"], "superseded");
}

#[test]
fn the_bundled_example_ages_when_checked_a_year_later() {
    let out = run(&["check", "plans", "--format", "json", "--as-of", "2027-11-01"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"CNT001"), "stale contacts: {codes:?}");
    assert!(codes.contains(&"EXR004"), "overdue exercises: {codes:?}");
}

#[test]
fn contacts_lists_status_and_filters() {
    let repo = Repo::minimal();
    repo.edit(B, "verified \"2026-09-01\"", "verified \"2026-03-01\"");
    let out = run_in(repo.path(), &["contacts", "--as-of", "2026-11-01", "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let anna = v["contacts"].as_array().unwrap().iter().find(|c| c["id"] == "anna.schmidt").unwrap();
    assert_eq!(anna["status"], "stale");
    assert_eq!(anna["age_days"], 245);
    assert!(anna["referenced_by"].as_array().unwrap().iter().any(|r| r == "payroll (responsible)"));
    let out = run_in(repo.path(), &["contacts", "--as-of", "2026-11-01", "--stale"], &[]);
    let rows: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("bank ")).collect();
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert!(rows[0].contains("anna.schmidt") && rows[0].contains("stale"), "{}", out.stdout);
    let out = run_in(repo.path(), &["contacts", "--as-of", "2026-11-01", "--party", "dc"], &[]);
    assert!(out.stdout.contains("jan.peters") && !out.stdout.contains("anna.schmidt"), "{}", out.stdout);
    let out =
        run_in(repo.path(), &["contacts", "--as-of", "2026-11-01", "--expiring", "130d", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["contacts"].as_array().unwrap().len(), 4, "all expire by 2027-03-11");
    let out = run_in(repo.path(), &["contacts", "--party", "nobody"], &[]);
    assert_eq!(out.code, 2);
    let out = run_in(repo.path(), &["contacts", "--expiring", "soon"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid --expiring"), "{}", out.stderr);
}

#[test]
fn due_lists_everything_sorted_by_date() {
    let repo = Repo::minimal();
    repo.edit(
        "exercises/2026-tabletop.kdl",
        "result passed",
        "result passed-with-findings\n    finding \"Runbook outdated\" owner=jan.peters due=\"2026-12-01\" status=open",
    );
    repo.edit(
        "contingent.kdl",
        "name ",
        "waiver CNT005 contact=anna.schmidt reason=\"x\" approved-by=anna.schmidt expires=\"2026-12-24\"\nname ",
    );
    let out = run_in(repo.path(), &["due", "--as-of", "2026-11-01", "--within", "6mo", "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let items = v["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    for k in ["contact-verification", "restore-test", "finding", "waiver"] {
        assert!(kinds.contains(&k), "{k} missing: {kinds:?}");
    }
    let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let restore = items.iter().find(|i| i["kind"] == "restore-test").unwrap();
    assert_eq!(
        (restore["date"].as_str(), &restore["overdue"]),
        (Some("2026-11-01"), &serde_json::json!(false)),
        "never held: due now"
    );
    let finding = items.iter().find(|i| i["kind"] == "finding").unwrap();
    assert_eq!(finding["date"], "2026-12-01");
    assert_eq!(finding["owners"][0], "jan.peters");
    // a short window leaves later items out
    let out = run_in(repo.path(), &["due", "--as-of", "2026-11-01", "--within", "7d", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["date"].as_str().unwrap() <= "2026-11-08"));
}

#[test]
fn due_as_icalendar_has_stable_uids_folded_lines_and_crlf() {
    let repo = Repo::minimal();
    let ics =
        |as_of: &str| run_in(repo.path(), &["due", "--as-of", as_of, "--within", "1y", "--format", "ics"], &[]).stdout;
    let a = ics("2026-11-01");
    assert!(a.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{a}");
    assert!(a.ends_with("END:VCALENDAR\r\n"));
    for line in a.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
        assert!(!line.contains('\n'));
    }
    let uids = |s: &str| s.split("\r\n").filter(|l| l.starts_with("UID:")).map(str::to_string).collect::<Vec<_>>();
    let mut unique = uids(&a);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), uids(&a).len(), "UIDs are unique");
    // the same items a week later keep their UIDs, so subscribed calendars update them
    assert_eq!(uids(&a), uids(&ics("2026-11-08")));
    // an all-day event on the day the item falls due, stamped with the check date
    let anna = a.split("BEGIN:VEVENT\r\n").find(|e| e.contains("UID:contact-verification.anna.schmidt")).unwrap();
    assert!(
        anna.contains("DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n"),
        "{anna}"
    );
}

#[test]
fn the_example_declares_a_reference_date_that_reports_use() {
    let out = run(&["contacts", "plans"]);
    assert!(out.stdout.contains("as of 2026-11-01, from reference-date in contingent.kdl"), "{}", out.stdout);
    let out = run(&["due", "plans", "--as-of", "2026-12-01"]);
    assert!(out.stdout.contains("as of 2026-12-01, from --as-of"), "{}", out.stdout);
}

#[test]
fn the_example_checks_clean_as_of_its_reference_date_whatever_today_is() {
    // `check plans` (the README's first command) reads the example's reference date, not today.
    let out = run(&["check", "plans"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("(as of 2026-11-01, from reference-date in contingent.kdl)"), "{}", out.stdout);
    // The environment variable overrides the reference date, as hooks and CI use it.
    let out = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "plans"], &[("CONTINGENT_AS_OF", "2026-11-02")]);
    assert!(out.stdout.contains("(as of 2026-11-02, from CONTINGENT_AS_OF)"), "{}", out.stdout);
    // Without the reference date the same contacts age: five years on, they are stale.
    let repo = Repo::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    repo.edit("contingent.kdl", "reference-date \"2026-11-01\"", "");
    let out = repo.check(&["--as-of", "2031-11-01", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(findings(&report, &repo).iter().any(|(code, file, _)| code == "CNT001" && file.starts_with("contacts/")));
    assert_eq!(report["as_of_source"], "from --as-of");
}

#[test]
fn due_and_contracts_as_tables_and_markdown() {
    let repo = Repo::minimal();
    repo.edit(
        "contacts/dc.kdl",
        "    verified \"2026-09-03\"",
        "    github \"jan-peters\"\n    verified \"2026-09-03\"",
    );
    // A title from the repository that looks like a mention stays text; only owners are mentioned.
    repo.edit("contacts/bank.kdl", "name \"Anna Schmidt\"", "name \"Anna @everyone | Schmidt\"");
    let due = |format: &str| {
        let out = run_in(repo.path(), &["due", "--as-of", "2027-03-02", "--within", "2d", "--format", format], &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    assert_eq!(
        due("table"),
        "Due by 2027-03-04 (as of 2027-03-02, from --as-of):\n\n\
date        state    what                  item                                                                   owners\n\
2027-03-01  overdue  contact-verification  verify the contact details of Anna @everyone | Schmidt (anna.schmidt)  anna.schmidt\n\
2027-03-02  due      contact-verification  verify the contact details of Bernd Müller (bernd.mueller)             bernd.mueller\n\
2027-03-02  due      restore-test          restore test of plan payroll (every 3mo, never held)                   anna.schmidt, jan.peters, dc-duty\n\
2027-03-03  due      contact-verification  verify the contact details of Jan Peters (jan.peters)                  jan.peters\n\
2027-03-04  due      contact-verification  verify the contact details of Datacenter duty desk (dc-duty)           dc-duty\n"
    );
    assert_eq!(
        due("markdown"),
        "### Due by 2027-03-04 (as of 2027-03-02)\n\n\
| date | state | what | item | owners |\n|---|---|---|---|---|\n\
| 2027-03-01 | overdue | contact-verification | verify the contact details of Anna @\u{200b}everyone \\| Schmidt (anna.schmidt) | anna.schmidt |\n\
| 2027-03-02 | due | contact-verification | verify the contact details of Bernd Müller (bernd.mueller) | bernd.mueller |\n\
| 2027-03-02 | due | restore-test | restore test of plan payroll (every 3mo, never held) | anna.schmidt @jan-peters dc-duty |\n\
| 2027-03-03 | due | contact-verification | verify the contact details of Jan Peters (jan.peters) | @jan-peters |\n\
| 2027-03-04 | due | contact-verification | verify the contact details of Datacenter duty desk (dc-duty) | dc-duty |\n"
    );
    let contracts = |format: &str| {
        let out = run_in(repo.path(), &["contracts", "--as-of", "2026-11-01", "--format", format], &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    assert_eq!(
        contracts("table"),
        "Contract revisions (as of 2026-11-01, from --as-of):\n\n\
contract  revision  effective   state       summary\n\
msa       1         2025-01-01  superseded  \n\
msa       2         2026-01-01  in effect   \n\n\
Plans:\n\n\
plan     contract  pinned  in effect  status\n\
payroll  msa       2       2          current\n"
    );
    assert_eq!(
        contracts("markdown"),
        "Contract revisions (as of 2026-11-01, from --as-of):\n\n\
| contract | revision | effective | state | summary |\n|---|---|---|---|---|\n\
| msa | 1 | 2025-01-01 | superseded |  |\n\
| msa | 2 | 2026-01-01 | in effect |  |\n\n\
Plans:\n\n\
| plan | contract | pinned | in effect | status |\n|---|---|---|---|---|\n\
| payroll | msa | 2 | 2 | current |\n"
    );
}

#[test]
fn two_waivers_of_one_rule_expiring_the_same_day_are_two_events() {
    let repo = Repo::minimal();
    let waiver =
        |target: &str| format!("waiver CNT005 {target} reason=\"x\" approved-by=anna.schmidt expires=\"2026-12-24\"\n");
    let waivers = format!(
        "{}{}{}name ",
        waiver("contact=anna.schmidt"),
        waiver("contact=bernd.mueller"),
        waiver("contact=bernd.mueller")
    );
    repo.edit("contingent.kdl", "name ", &waivers);
    let out = run_in(repo.path(), &["due", "--as-of", "2026-11-01", "--within", "2mo", "--format", "ics"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // long lines are folded (a CRLF and a space): unfolded, each UID is whole
    let unfolded = out.stdout.replace("\r\n ", "");
    let uids: Vec<(&str, &str)> = unfolded
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("UID:waiver."))
        .map(|u| u.rsplit_once('@').unwrap())
        .collect();
    assert_eq!(
        uids.iter().map(|u| u.0).collect::<Vec<_>>(),
        [
            "CNT005.contact-anna.schmidt.2026-12-24",
            "CNT005.contact-bernd.mueller.2026-12-24",
            "CNT005.contact-bernd.mueller.2026-12-24-2",
        ]
    );
    // the domain part is the repository's, the same for every event
    assert!(uids.iter().all(|u| u.1 == uids[0].1 && u.1.ends_with(".contingent")), "{uids:?}");
}

/// The items of `due --format json` as (kind, date, title, owners).
fn due_items(repo: &Repo, as_of: &str, within: &str) -> Vec<(String, String, String, Vec<String>)> {
    let out = run_in(repo.path(), &["due", "--as-of", as_of, "--within", within, "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["date"].as_str().unwrap().to_string(),
                i["title"].as_str().unwrap().to_string(),
                i["owners"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn due_lists_a_restore_test_once_and_every_other_exercise() {
    let repo = Repo::minimal();
    // A restore test both as an exercise and in the backup regulation: one item, the backup's.
    repo.edit(
        "plans/payroll.kdl",
        "    exercise tabletop",
        "    exercise restore-test every=\"6mo\"\n    exercise tabletop",
    );
    let items = due_items(&repo, "2026-11-01", "1y");
    let exercises: Vec<(&str, &str)> = items
        .iter()
        .filter(|i| i.0 == "restore-test" || i.0 == "exercise")
        .map(|i| (i.0.as_str(), i.2.as_str()))
        .collect();
    assert_eq!(
        exercises,
        [
            ("restore-test", "restore test of plan payroll (every 3mo, never held)"),
            ("exercise", "tabletop of plan payroll (every 12mo, last 2026-05-01)"),
        ]
    );
}

#[test]
fn due_lists_plan_reviews_and_revisions_not_yet_in_effect() {
    let repo = Repo::minimal();
    let kinds = |items: &[(String, String, String, Vec<String>)], kind: &str| {
        items.iter().filter(|i| i.0 == kind).map(|i| (i.1.clone(), i.3.clone())).collect::<Vec<_>>()
    };
    let owners = vec!["anna.schmidt".to_string(), "jan.peters".to_string()];
    // Pinned to the revision in effect: nothing to review.
    assert!(kinds(&due_items(&repo, "2026-11-01", "1y"), "plan-review").is_empty());
    // Revision 2 takes effect on 2026-01-01: listed the day before, with the responsible contacts
    // of the plans pinning that contract; not on the day itself, when it is in effect.
    assert_eq!(
        kinds(&due_items(&repo, "2025-12-31", "30d"), "contract-revision"),
        [("2026-01-01".into(), owners.clone())]
    );
    assert!(kinds(&due_items(&repo, "2026-01-01", "30d"), "contract-revision").is_empty());
    // Pinned to revision 1 while 2 is in effect: the review ends 60 days after 2026-01-01.
    repo.edit("plans/payroll.kdl", "contract msa revision=2", "contract msa revision=1");
    assert_eq!(kinds(&due_items(&repo, "2026-01-15", "90d"), "plan-review"), [("2026-03-02".into(), owners.clone())]);
    // ... and before revision 2 takes effect, the pinned one is current.
    assert!(kinds(&due_items(&repo, "2025-12-31", "90d"), "plan-review").is_empty());
}

#[test]
fn a_contact_needs_a_24x7_channel_only_for_limits_under_a_day() {
    let has_cnt006 = |within: &str| {
        let repo = Repo::minimal();
        repo.edit(
            "plans/payroll.kdl",
            "level 2 notify=anna.schmidt within=\"1h\"",
            &format!("level 2 notify=bernd.mueller within=\"{within}\""),
        );
        let out = run_in(repo.path(), &["check", "--as-of", "2026-11-01", "--format", "json"], &[]);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        v["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "CNT006")
    };
    // bernd.mueller is reachable by e-mail in business hours only
    assert!(has_cnt006("23h"));
    assert!(!has_cnt006("1d"));
    assert!(!has_cnt006("2d"));
}

/// The contract with revision 2 (effective 2026-01-01) and revision 3 (effective 2026-10-01).
fn two_revisions(two: &str, three: &str) -> String {
    format!("contract msa {{\n    title \"MSA\"\n    client bank\n    provider dc\n    revision 2 effective=\"2026-01-01\" {{\n{two}\n    }}\n    revision 3 effective=\"2026-10-01\" {{\n{three}\n    }}\n}}\n")
}

const TERMS: &str = "        category critical type=\"outage\" severity=\"high\" urgency=\"immediate\"; action \"Open an incident ticket\"; escalation \"Duty desk\"; cooperation \"Yes\"; client-participation \"Yes\"";
const SLA: &str = "        sla payroll-app rto=\"8h\" rpo=\"4h\" redundant=#false { response critical within=\"30m\"; backup every=\"4h\" retention=\"30d\" offsite=#true restore-test=\"3mo\"; }";
/// Every kind of term changed against TERMS and SLA.
const CHANGED: &str = "        sla payroll-app rto=\"8h\" rpo=\"4h\" availability=\"99.9%\" redundant=#true { response critical within=\"30m\"; backup every=\"4h\" retention=\"60d\" offsite=#true restore-test=\"3mo\"; }\n        sla wan-line rto=\"4h\"\n        exercise tabletop every=\"12mo\"";

/// The changed terms `contracts` lists for the plan, and the CON003 message.
fn changed_terms(repo: &Repo) -> (serde_json::Value, String) {
    let out = run_in(repo.path(), &["contracts", "--as-of", "2026-11-01", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    let m = repo.messages_at("2026-11-01", "CON003");
    assert_eq!(m.len(), 1, "{m:?}");
    (v["plans"][0]["changed_terms"].clone(), m[0].clone())
}

#[test]
fn the_changed_terms_of_a_newer_revision_are_named_one_by_one() {
    let repo = Repo::minimal();
    let added = [
        "payroll-app availability - → 99.9%",
        "payroll-app must now be redundant",
        "payroll-app backup terms changed",
        "wan-line added",
        "required exercises changed",
    ];
    let removed = [
        "payroll-app availability 99.9% → -",
        "payroll-app no longer needs redundancy",
        "payroll-app backup terms changed",
        "wan-line removed",
        "required exercises changed",
    ];
    // each change, and the other way round
    for (old, new, expected) in [(SLA, CHANGED, added), (CHANGED, SLA, removed)] {
        repo.write(C, two_revisions(&format!("{TERMS}\n{old}"), &format!("{TERMS}\n{new}")));
        let (terms, message) = changed_terms(&repo);
        assert_eq!(terms, serde_json::json!(expected));
        assert!(message.ends_with(&format!("changed: {}", expected.join(", "))), "{message}");
    }
    // only the response time
    repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{TERMS}\n{}", SLA.replace("30m", "15m"))));
    assert_eq!(changed_terms(&repo).0, serde_json::json!(["payroll-app response times changed"]));
    // nothing but the number
    repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{TERMS}\n{SLA}")));
    let (terms, message) = changed_terms(&repo);
    assert_eq!(terms, serde_json::json!([]));
    assert!(message.ends_with("changed: no SLA terms of the systems it covers"), "{message}");
}

#[test]
fn contract_dates_and_backup_terms_are_judged_on_the_boundary() {
    let repo = Repo::minimal();
    // a revision taking effect within the notice of 30 days is announced, naming the plans to review
    for (on, expected) in [("2026-11-01", None), ("2026-12-01", Some("2026-12-01")), ("2026-12-02", None)] {
        repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{TERMS}\n{SLA}")).replace("2026-10-01", on));
        let m = repo.messages_at("2026-11-01", "CON004");
        let expected: Vec<String> = expected
            .map(|d| format!("revision 3 of contract `msa` takes effect on {d}; plans to review: payroll"))
            .into_iter()
            .collect();
        assert_eq!(m, expected, "{on}");
    }
    // a plan may pin a revision from the day it takes effect
    repo.edit(P, "revision=2", "revision=3");
    for (on, found) in [("2026-11-01", 0), ("2026-11-02", 1)] {
        repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{TERMS}\n{SLA}")).replace("2026-10-01", on));
        assert_eq!(repo.messages_at("2026-11-01", "CON005").len(), found, "{on}");
    }
    // incident categories are complete only with type, severity and urgency
    let lacks = |repo: &Repo| {
        let m = repo.messages_at("2026-11-01", "CON010");
        m.iter().any(|m| m.contains("incident categories with type, severity and urgency"))
    };
    assert!(!lacks(&repo));
    for categories in ["category critical type=\"outage\" urgency=\"immediate\"; ", ""] {
        let terms =
            TERMS.replace("category critical type=\"outage\" severity=\"high\" urgency=\"immediate\"; ", categories);
        repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{terms}\n{SLA}")));
        assert!(lacks(&repo), "{categories:?}");
    }
    // the plan keeps backups 30 days and tests a restore every 3 months
    let gaps = |retention: &str, restore: &str| {
        let sla = SLA
            .replace("retention=\"30d\"", &format!("retention=\"{retention}\""))
            .replace("restore-test=\"3mo\"", &format!("restore-test=\"{restore}\""));
        repo.write(C, two_revisions(&format!("{TERMS}\n{SLA}"), &format!("{TERMS}\n{sla}")));
        repo.messages_at("2026-11-01", "CON008")
    };
    assert_eq!(gaps("30d", "3mo"), Vec::<String>::new());
    assert_eq!(gaps("29d", "4mo"), Vec::<String>::new());
    let m = gaps("31d", "2mo");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("retention 30d (contract: at least 31d)"), "{m:?}");
    assert!(m[0].contains("restore tests every 3mo (contract: at least every 2mo)"), "{m:?}");
}
