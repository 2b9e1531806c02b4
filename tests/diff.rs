//! `contingent diff`: the domain diff of two versions, on real Git repositories built with the
//! `git` command in temporary folders.

mod common;
use common::Tree;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AS_OF: &str = "2026-11-01";

/// A Git repository in a temporary folder holding a plan repository at `plans/`, committed on
/// `main` (commits with fixed authors and dates, so commit ids are the same in every run).
struct GitRepo {
    dir: tempfile::TempDir,
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plans")
}

impl Tree for GitRepo {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl GitRepo {
    fn of(plans: &Path) -> GitRepo {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(plans, &dir.path().join("plans"));
        let repo = GitRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "plan repository"]);
        repo
    }
    fn minimal() -> GitRepo {
        GitRepo::of(&common::fixture("minimal"))
    }
    fn cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        common::isolate(&mut cmd);
        cmd.current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Anna Schmidt")
            .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_COMMITTER_NAME", "Anna Schmidt")
            .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_AUTHOR_DATE", "2026-10-25T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-10-25T10:00:00Z")
            .env("NO_COLOR", "1");
        cmd
    }
    fn git(&self, args: &[&str]) -> String {
        common::require("git");
        let out = self.cmd("git").args(args).output().expect("git runs");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// Runs `contingent diff` with the arguments.
    fn diff(&self, args: &[&str]) -> common::Output {
        let mut cmd = self.cmd(env!("CARGO_BIN_EXE_contingent"));
        cmd.arg("diff").args(args);
        common::output(cmd.output().expect("the binary runs"))
    }
    /// `diff --format json --as-of AS_OF` plus the arguments, parsed.
    fn diff_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json", "--as-of", AS_OF];
        all.extend_from_slice(args);
        let out = self.diff(&all);
        assert_eq!(out.code, 0, "diff failed: {}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
    }
}

/// The changes of a JSON report as (class, kind, path).
fn changes(report: &Value) -> BTreeSet<(String, String, String)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let path: Vec<&str> = c["path"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            (c["class"].as_str().unwrap().to_string(), c["kind"].as_str().unwrap().to_string(), path.join(" › "))
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

const PLAN: &str = "plans/plans/payroll.kdl";

/// One edit of the minimal repository per row, and the changes it must give (class, kind, path).
#[test]
fn each_kind_of_change_is_classified() {
    type Row = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str, &'static str)]);
    let rows: &[Row] = &[
        (PLAN, r#"level 2 notify=anna.schmidt within="1h""#, r#"level 2 notify=anna.schmidt within="2h""#,
            &[("weaker", "escalation-time", "plan payroll › escalation › level 2 › within")]),
        (PLAN, r#"level 1 notify=dc-duty within="15m""#, r#"level 1 notify=dc-duty within="5m""#,
            &[("stronger", "escalation-time", "plan payroll › escalation › level 1 › within")]),
        (PLAN, "        level 2 notify=anna.schmidt within=\"1h\"\n", "",
            &[("weaker", "escalation-level-removed", "plan payroll › escalation › level 2")]),
        (PLAN, r#"level 2 notify=anna.schmidt"#, r#"level 2 notify=bernd.mueller"#,
            &[("neutral", "escalation-contact", "plan payroll › escalation › level 2 › notify")]),
        (PLAN, "        unreachable \"Call the deputy of the contact\"\n", "",
            &[("weaker", "unreachable-removed", "plan payroll › escalation › unreachable")]),
        (PLAN, "    forbidden \"Reboot the payroll server during a run\"\n", "",
            &[("weaker", "forbidden-removed", "plan payroll › forbidden action")]),
        (PLAN, "    forbidden \"Reboot the payroll server during a run\"\n",
            "    forbidden \"Reboot the payroll server during a run\"\n    forbidden \"Delete payroll data\"\n",
            &[("stronger", "forbidden-added", "plan payroll › forbidden action")]),
        (PLAN, r#"schedule every="4h""#, r#"schedule every="8h""#,
            &[("weaker", "backup-interval", "plan payroll › backup › schedule")]),
        (PLAN, r#"schedule every="4h""#, r#"schedule every="2h""#,
            &[("stronger", "backup-interval", "plan payroll › backup › schedule")]),
        (PLAN, r#"retention "30d""#, r#"retention "14d""#,
            &[("weaker", "backup-retention", "plan payroll › backup › retention")]),
        (PLAN, "offsite #true", "offsite #false",
            &[("weaker", "backup-offsite", "plan payroll › backup › offsite")]),
        (PLAN, "        antivirus \"Scanned before each backup\"\n", "",
            &[("weaker", "backup-antivirus", "plan payroll › backup › antivirus")]),
        (PLAN, "media dedicated", "media shared",
            &[("weaker", "backup-media", "plan payroll › backup › media")]),
        (PLAN, r#"restore-test every="3mo""#, r#"restore-test every="6mo""#,
            &[("weaker", "restore-test-interval", "plan payroll › backup › restore-test")]),
        (PLAN, r#"exercise tabletop every="12mo""#, r#"exercise tabletop every="24mo""#,
            &[("weaker", "exercise-interval", "plan payroll › exercise tabletop › every")]),
        (PLAN, r#"exercise tabletop every="12mo" joint=#true"#, r#"exercise tabletop every="12mo" joint=#false"#,
            &[("weaker", "exercise-joint", "plan payroll › exercise tabletop › joint")]),
        (PLAN, "    exercise tabletop every=\"12mo\" joint=#true\n", "",
            &[("weaker", "exercise-removed", "plan payroll › exercise tabletop")]),
        (PLAN, "        step \"Inform the application owner\"\n", "",
            &[("weaker", "step-removed", "plan payroll › scenario disk-full › step 2")]),
        (PLAN, "        step \"Inform the application owner\"\n",
            "        step \"Inform the application owner\"\n        step \"Close the ticket\"\n",
            &[("stronger", "step-added", "plan payroll › scenario disk-full › step 3")]),
        // a different text sharing a word or two is not a rewording of it
        (PLAN, r#"forbidden "Reboot the payroll server during a run""#, r#"forbidden "Print the payroll report""#,
            &[("weaker", "forbidden-removed", "plan payroll › forbidden action"),
              ("stronger", "forbidden-added", "plan payroll › forbidden action")]),
        // a step removed next to a reworded one: the removed one is named, the other reworded
        (PLAN, "        step \"Extend the volume\"\n        step \"Inform the application owner\"\n",
            "        step \"Inform the application owner by phone\"\n",
            &[("weaker", "step-removed", "plan payroll › scenario disk-full › step 1"),
              ("neutral", "step-reworded", "plan payroll › scenario disk-full › step 1")]),
        (PLAN, r#"step "Extend the volume""#, r#"step "Extend the volume by 20%""#,
            &[("neutral", "step-reworded", "plan payroll › scenario disk-full › step 1")]),
        (PLAN, "        step \"Extend the volume\"\n        step \"Inform the application owner\"\n",
            "        step \"Inform the application owner\"\n        step \"Extend the volume\"\n",
            &[("neutral", "step-moved", "plan payroll › scenario disk-full › step 1")]),
        (PLAN, "    scenario disk-full cause=technical affects-others=#false resolver=provider {\n        fault-in provider\n        step \"Extend the volume\"\n        step \"Inform the application owner\"\n        detect \"Monitoring alert: the payroll volume is more than 90% full\"\n    }\n", "",
            &[("weaker", "scenario-removed", "plan payroll › scenario disk-full")]),
        (PLAN, "    covers payroll-app wan-line\n", "    covers payroll-app wan-line\n    objective payroll-app rto=\"8h\" rpo=\"4h\"\n",
            &[("stronger", "objective-added", "plan payroll › objective payroll-app")]),
        (PLAN, "contract msa revision=2", "contract msa revision=1",
            &[("neutral", "contract-pin", "plan payroll › contract")]),
        ("plans/inventory/systems.kdl", "availability=high", "availability=normal",
            &[("weaker", "protection-lowered", "system payroll-app › protection availability")]),
        ("plans/inventory/systems.kdl", "confidentiality=high", "confidentiality=very-high",
            &[("stronger", "protection-raised", "system payroll-app › protection confidentiality")]),
        ("plans/inventory/systems.kdl", r#"rto "8h""#, r#"rto "12h""#,
            &[("weaker", "rto", "system payroll-app › rto")]),
        ("plans/inventory/systems.kdl", r#"rpo "4h""#, r#"rpo "1h""#,
            &[("stronger", "rpo", "system payroll-app › rpo")]),
        ("plans/inventory/systems.kdl", r#"rto "4h""#, r#"rto "2h""#,
            &[("stronger", "rto", "interface wan-line › rto")]),
        ("plans/contacts/dc.kdl", r#"mobile "+49 171 555 0201" available="24x7""#, r#"mobile "+49 171 555 0201" available=business-hours"#,
            &[("weaker", "contact-24x7-lost", "contact jan.peters › channels")]),
        ("plans/contacts/bank.kdl", r#"email "bernd.mueller@bank.example" available=business-hours"#, r#"email "bernd.mueller@bank.example" available="24x7""#,
            &[("stronger", "contact-24x7-gained", "contact bernd.mueller › channels")]),
        ("plans/contacts/bank.kdl", "+49 40 555 0101", "+49 40 555 0109",
            &[("neutral", "contact-channels", "contact anna.schmidt › channels")]),
        ("plans/contacts/bank.kdl", "    deputy anna.schmidt\n", "",
            &[("weaker", "contact-deputy", "contact bernd.mueller › deputy")]),
        ("plans/contracts/msa.kdl", "sla payroll-app rto=\"8h\" rpo=\"4h\" redundant=#false {", "sla payroll-app rto=\"12h\" rpo=\"4h\" redundant=#false {",
            &[("weaker", "sla-rto", "contract msa › revision 2 › sla payroll-app › rto")]),
        ("plans/contracts/msa.kdl", "retention=\"30d\" offsite", "offsite",
            &[("weaker", "sla-backup-retention", "contract msa › revision 1 › sla payroll-app › backup › retention")]),
        ("plans/contracts/msa.kdl", "severity=\"high\" urgency=\"immediate\"; action", "severity=\"low\" urgency=\"immediate\"; action",
            &[("neutral", "category-term", "contract msa › revision 1 › category critical › severity")]),
        ("plans/contingent.kdl", "party tel", "rule BAK005 severity=off\nparty tel",
            &[("weaker", "rule-severity", "configuration › rule BAK005")]),
        ("plans/contingent.kdl", "party tel", "waiver EXR004 plan=payroll reason=\"moved\" approved-by=anna.schmidt expires=\"2027-01-31\"\nparty tel",
            &[("weaker", "waiver-added", "configuration › waiver EXR004 plan:payroll")]),
        (PLAN, "        fault-in provider\n", "        fault-in provider\n        detect \"Disk usage above 90%\"\n",
            &[("stronger", "detect-added", "plan payroll › scenario disk-full › detection")]),
        (PLAN, "    covers payroll-app wan-line\n", "    covers payroll-app\n",
            &[("weaker", "covers-removed", "plan payroll › covers")]),
        (PLAN, "    scenario disk-full cause=technical", "    scenario disk-full cause=application",
            &[("neutral", "scenario-cause", "plan payroll › scenario disk-full › cause")]),
        ("plans/exercises/2026-tabletop.kdl", "result passed", "result failed",
            &[("neutral", "record-changed", "exercise ex-2026-tabletop › result")]),
        ("plans/contracts/msa.kdl", "    revision 2 effective=\"2026-01-01\" {", "    revision 3 effective=\"2026-12-01\" {\n        category critical type=\"outage\" severity=\"high\" urgency=\"immediate\"\n    }\n    revision 2 effective=\"2026-01-01\" {",
            &[("neutral", "revision-added", "contract msa › revision 3")]),
        ("plans/contingent.kdl", "party tel", "policy {\n    exercise-interval high=\"24mo\"\n}\nparty tel",
            &[("weaker", "policy-exercise-interval", "configuration › policy › exercise-interval high")]),
    ];
    let repo = GitRepo::minimal();
    let mut failures = Vec::new();
    for (file, from, to, expected) in rows {
        repo.git(&["checkout", "-q", "--", "."]);
        repo.edit(file, from, to);
        let report = repo.diff_json(&["plans"]);
        let got = changes(&report);
        if got != set(expected) {
            failures.push(format!("{file}: {from:?} → {to:?}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reformatting_and_comments_give_an_empty_diff() {
    let repo = GitRepo::minimal();
    repo.write(
        PLAN,
        r#"// the payroll plan, reformatted
plan payroll {
  title "Payroll"     // same title
  covers payroll-app wan-line
  contract msa revision=2
  responsible provider=jan.peters client=anna.schmidt
  /* an escalation chain
     in two levels */
  escalation {
    level 1 within="15m" notify=dc-duty
    level 2 within="1h" notify=anna.schmidt
    unreachable "Call the deputy of the contact"
  }
  /- forbidden "a commented-out node"
  forbidden "Reboot the payroll server during a run"

  scenario disk-full cause=technical affects-others=#false resolver=provider {
    fault-in provider
    step "Extend the volume"
    step "Inform the application owner"
    detect "Monitoring alert: the payroll volume is more than 90% full"
  }
  exercise tabletop every="12mo" joint=#true
  backup {
    media dedicated; schedule every="4h"; retention "30d"; offsite #true
    antivirus "Scanned before each backup"
    restore-test every="3mo"
    deputy dc-duty
    on-failure within="2h" escalate-to=jan.peters
  }
}
"#,
    );
    repo.edit("plans/contacts/bank.kdl", "contact anna.schmidt {", "// reviewed in October\ncontact anna.schmidt {");
    let report = repo.diff_json(&["plans"]);
    assert_eq!(report["changes"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["consequences"]["approvals"], serde_json::json!([]));
    assert_eq!(report["consequences"]["new_findings"], serde_json::json!([]));
    let human = repo.diff(&["--as-of", AS_OF, "plans"]);
    assert!(human.stdout.contains("no change in meaning"), "{}", human.stdout);
}

#[test]
fn a_renamed_file_carrying_the_same_objects_is_no_change() {
    let repo = GitRepo::minimal();
    repo.git(&["checkout", "-q", "-b", "rename"]);
    repo.git(&["mv", PLAN, "plans/plans/payroll-plan.kdl"]);
    // a contact moved to a file of its own
    let bank = repo.read("plans/contacts/bank.kdl");
    let split = bank.find("contact bernd.mueller").unwrap();
    repo.write("plans/contacts/bank.kdl", &bank[..split]);
    repo.write("plans/contacts/bernd.kdl", &bank[split..]);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "rename"]);
    let report = repo.diff_json(&["main", "rename", "plans"]);
    assert_eq!(report["changes"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["consequences"]["approvals"], serde_json::json!([]));
    assert_eq!(report["consequences"]["new_findings"], serde_json::json!([]));
    assert_eq!(report["consequences"]["resolved_findings"], serde_json::json!([]));
}

/// The bundled example on a branch that raises an RTO, removes a forbidden action and rewords a
/// step: the diff names all three with the right classes and whose sign-off is void.
fn example_change() -> GitRepo {
    let repo = GitRepo::of(&example());
    repo.git(&["checkout", "-q", "-b", "payroll-change"]);
    let plan = "plans/plans/payroll.kdl";
    repo.edit(plan, r#"objective payroll-batch rto="1d""#, r#"objective payroll-batch rto="2d""#);
    repo.edit(plan, "    forbidden \"Reboot the batch server while a payroll run is active\"\n", "");
    repo.edit(plan, "by 20% following runbook RB-12", "by 30% following runbook RB-12");
    repo.git(&["commit", "-q", "-a", "-m", "payroll: relax the batch RTO"]);
    repo
}

#[test]
fn the_example_branch_names_the_three_changes_and_the_void_sign_offs() {
    let repo = example_change();
    // default: the merge base with main against the work tree
    let report = repo.diff_json(&["plans"]);
    assert_eq!(
        changes(&report),
        set(&[
            ("weaker", "rto", "plan payroll › objective payroll-batch › rto"),
            ("weaker", "forbidden-removed", "plan payroll › forbidden action"),
            ("neutral", "step-reworded", "plan payroll › scenario spool-disk-full › step 2"),
        ])
    );
    let rto = report["changes"].as_array().unwrap().iter().find(|c| c["kind"] == "rto").unwrap();
    assert_eq!((rto["old"].as_str(), rto["new"].as_str()), (Some("1d"), Some("2d")));
    let step = report["changes"].as_array().unwrap().iter().find(|c| c["kind"] == "step-reworded").unwrap();
    assert_eq!(
        step["words"],
        serde_json::json!([
            {"op": "equal", "text": "Extend the logical volume of /data/hpb by "},
            {"op": "delete", "text": "20%"},
            {"op": "insert", "text": "30%"},
            {"op": "equal", "text": " following runbook RB-12"},
        ])
    );
    assert_eq!(report["version"], 1);
    let approvals = report["consequences"]["approvals"].as_array().unwrap();
    assert_eq!(approvals.len(), 1, "{approvals:#?}");
    let a = &approvals[0];
    assert_eq!(a["plan"], "payroll");
    assert_eq!(a["was_approved"], true);
    let parties = a["parties"].as_array().unwrap();
    assert_eq!(parties[0]["party"], "client");
    assert_eq!(parties[0]["party_id"], "hpb");
    assert_eq!(parties[0]["signed_before"], serde_json::json!(["katharina.vogel"]));
    assert_eq!(parties[0]["must_sign"], true);
    assert!(parties[0]["approvers"].as_array().unwrap().iter().any(|p| p["name"] == "Katharina Vogel"));
    assert_eq!(parties[1]["party"], "provider");
    assert_eq!(parties[1]["signed_before"], serde_json::json!(["claudia.lange"]));
    assert_eq!(parties[1]["must_sign"], true);
    let new: Vec<&str> = report["consequences"]["new_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(new.contains(&"SIG002"), "{new:?}");
    // the same with the two revisions named
    let named = repo.diff_json(&["main", "payroll-change", "plans"]);
    assert_eq!(changes(&named), changes(&report));
    let human = repo.diff(&["--as-of", AS_OF, "plans"]);
    assert_eq!(human.code, 0);
    for line in [
        "weaker   plan payroll › objective payroll-batch › rto",
        "weaker   plan payroll › forbidden action",
        "neutral  plan payroll › scenario spool-disk-full › step 2",
        "by [-20%-]{+30%+} following",
        "client (hpb): signed the base version: katharina.vogel; must sign again",
        "provider (rzn): signed the base version: claudia.lange; must sign again",
    ] {
        assert!(human.stdout.contains(line), "no {line:?} in\n{}", human.stdout);
    }
}

#[test]
fn the_markdown_of_the_example_branch_matches_the_golden_file() {
    let repo = example_change();
    let out = repo.diff(&["--format", "markdown", "--as-of", AS_OF, "main", "payroll-change", "plans"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // commit ids depend on how the example's files were checked out (file modes): not compared
    let mut text = out.stdout.clone();
    for side in ["main", "payroll-change"] {
        let id = repo.git(&["rev-parse", "--short", side]);
        text = text.replace(&format!("commit {} ({side})", id.trim()), &format!("commit <{side}> ({side})"));
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/example.md");
    if std::env::var_os("CONTINGENT_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("the golden file (CONTINGENT_BLESS=1 writes it)");
    assert_eq!(text, expected, "the Markdown differs from {}", golden.display());
}

#[test]
fn markdown_shows_plan_text_and_never_interprets_it() {
    let repo = GitRepo::minimal();
    repo.edit(
        PLAN,
        r#"step "Extend the volume""#,
        r#"step "Extend the volume, ask @ops-team (see #123) <img src=x onerror=alert(1)> **now** | `rm`""#,
    );
    let out = repo.diff(&["--format", "markdown", "--as-of", AS_OF, "plans"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = out.stdout;
    assert!(md.contains("@\u{200b}ops-team"), "{md}");
    assert!(md.contains("#\u{200b}123"), "{md}");
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");
    assert!(md.contains("\\*\\*now\\*\\* \\| \\`rm\\`"), "{md}");
    for raw in ["@ops-team", "#123", "<img", "**now**"] {
        assert!(!md.contains(raw), "{raw} reaches the Markdown as it is:\n{md}");
    }
}

#[test]
fn human_output_escapes_control_characters_of_plan_text() {
    let repo = GitRepo::minimal();
    repo.edit(PLAN, r#"step "Extend the volume""#, r#"step "Extend the volume\u{1b}[2J\u{202e}""#);
    let out = repo.diff(&["--as-of", AS_OF, "plans"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'), "{:?}", out.stdout);
    assert!(out.stdout.contains("\\u{1b}[2J\\u{202e}"), "{}", out.stdout);
    // JSON: lossless escapes, never the raw characters
    let json = repo.diff(&["--format", "json", "--as-of", AS_OF, "plans"]);
    assert!(!json.stdout.contains('\u{202e}') && json.stdout.contains("\\u202e"), "{}", json.stdout);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["changes"][0]["new"].as_str().unwrap().ends_with("\u{1b}[2J\u{202e}"));
}

#[test]
fn consequences_name_contract_pins_escalation_contacts_and_resolved_findings() {
    let repo = GitRepo::minimal();
    repo.edit(PLAN, "contract msa revision=2", "contract msa revision=1");
    repo.edit(PLAN, "level 2 notify=anna.schmidt", "level 2 notify=bernd.mueller");
    let report = repo.diff_json(&["plans"]);
    let q = &report["consequences"];
    assert_eq!(
        q["contract_pins"],
        serde_json::json!([{"plan": "payroll", "old": "msa revision 2", "new": "msa revision 1", "terms_changed": false}])
    );
    assert_eq!(
        q["escalation_contacts"],
        serde_json::json!([
            {"plan": "payroll", "contact": "bernd.mueller", "name": "Bernd Müller", "added": true, "roles": ["level 2"]},
            {"plan": "payroll", "contact": "anna.schmidt", "name": "Anna Schmidt", "added": false, "roles": ["level 2"]},
        ])
    );
    // an unsigned plan changed: both parties must sign it, and no one had signed it before
    let a = &q["approvals"][0];
    assert_eq!(a["was_approved"], false);
    assert_eq!(a["parties"][0]["signed_before"], serde_json::json!([]));
    // going back resolves what the change introduced
    repo.git(&["commit", "-q", "-a", "-m", "pin revision 1"]);
    repo.edit(PLAN, "contract msa revision=1", "contract msa revision=2");
    repo.edit(PLAN, "level 2 notify=bernd.mueller", "level 2 notify=anna.schmidt");
    let back = repo.diff_json(&["HEAD", "plans"]);
    let resolved: Vec<&str> = back["consequences"]["resolved_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    let introduced: Vec<&str> = report["consequences"]["new_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(resolved, introduced);
}

#[test]
fn staged_compares_with_the_index() {
    let repo = GitRepo::minimal();
    repo.edit(PLAN, r#"retention "30d""#, r#"retention "14d""#);
    repo.git(&["add", PLAN]);
    repo.edit(PLAN, "offsite #true", "offsite #false");
    let staged = repo.diff_json(&["--staged", "plans"]);
    assert_eq!(changes(&staged), set(&[("weaker", "backup-retention", "plan payroll › backup › retention")]));
    assert_eq!(staged["head"], "the index");
    // both sides are checked as --staged checks: an unsigned plan is a warning on both, not a
    // new warning and a resolved error
    for list in ["new_findings", "resolved_findings"] {
        let sig: Vec<&Value> =
            staged["consequences"][list].as_array().unwrap().iter().filter(|f| f["code"] == "SIG001").collect();
        assert!(sig.is_empty(), "{list}: {sig:#?}");
    }
    let work = repo.diff_json(&["plans"]);
    assert_eq!(changes(&work).len(), 2);
}

#[test]
fn usage_and_source_errors_exit_2() {
    let repo = GitRepo::minimal();
    let unknown = repo.diff(&["no-such-branch", "plans"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("unknown revision `no-such-branch`"), "{}", unknown.stderr);
    let staged_two = repo.diff(&["--staged", "main", "main", "plans"]);
    assert_eq!(staged_two.code, 2, "{}", staged_two.stderr);
    let format = repo.diff(&["--format", "sarif"]);
    assert_eq!(format.code, 2);
    // a folder that is also a branch name is ambiguous; `--` says it is the folder
    repo.git(&["branch", "plans"]);
    let ambiguous = repo.diff(&["plans"]);
    assert_eq!(ambiguous.code, 2, "{}", ambiguous.stderr);
    assert!(ambiguous.stderr.contains("both a revision and a folder"), "{}", ambiguous.stderr);
    let separated = repo.diff(&["--as-of", AS_OF, "main", "--", "plans"]);
    assert_eq!(separated.code, 0, "{}", separated.stderr);
    // outside a Git repository
    let outside = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("minimal"), outside.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    common::isolate(&mut cmd);
    cmd.current_dir(outside.path()).env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap());
    let out = common::output(cmd.args(["diff", "--as-of", AS_OF]).output().unwrap());
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn one_base_is_compared_from_its_merge_base_with_head_two_as_they_are() {
    let repo = GitRepo::minimal();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.edit(PLAN, r#"retention "30d""#, r#"retention "14d""#);
    repo.git(&["commit", "-q", "-a", "-m", "shorter retention"]);
    // main moves on meanwhile
    repo.git(&["checkout", "-q", "main"]);
    repo.edit(PLAN, "offsite #true", "offsite #false");
    repo.git(&["commit", "-q", "-a", "-m", "no off-site copy"]);
    repo.git(&["checkout", "-q", "feature"]);
    let report = repo.diff_json(&["main", "plans"]);
    assert_eq!(changes(&report), set(&[("weaker", "backup-retention", "plan payroll › backup › retention")]));
    assert!(report["base"].as_str().unwrap().contains("merge base of main and HEAD"), "{}", report["base"]);
    // without BASE: the default branch (main), the same merge base
    assert_eq!(changes(&repo.diff_json(&["plans"])), changes(&report));
    let literal = repo.diff_json(&["main", "feature", "plans"]);
    assert_eq!(
        changes(&literal),
        set(&[
            ("weaker", "backup-retention", "plan payroll › backup › retention"),
            ("stronger", "backup-offsite", "plan payroll › backup › offsite"),
        ])
    );
}

#[test]
fn plans_pinning_a_revision_whose_terms_change_are_named() {
    let repo = GitRepo::minimal();
    repo.edit("plans/contracts/msa.kdl", "response critical within=\"30m\"", "response critical within=\"2h\"");
    let report = repo.diff_json(&["plans"]);
    assert_eq!(
        changes(&report),
        set(&[("weaker", "sla-response", "contract msa › revision 2 › sla payroll-app › response critical")])
    );
    assert_eq!(
        report["consequences"]["contract_pins"],
        serde_json::json!([{"plan": "payroll", "old": "msa revision 2", "new": "msa revision 2", "terms_changed": true}])
    );
}

#[test]
fn a_party_that_signed_the_new_content_need_not_sign_again() {
    common::require("ssh-keygen");
    // a change `sign` accepts (no errors): a reworded step
    let repo = GitRepo::of(&example());
    repo.git(&["checkout", "-q", "-b", "reword"]);
    repo.edit("plans/plans/payroll.kdl", "by 20% following runbook RB-12", "by 30% following runbook RB-12");
    repo.git(&["commit", "-q", "-a", "-m", "payroll: extend by 30%"]);
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("katharina.vogel");
    std::fs::copy(example().join("keys/katharina.vogel"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = repo.cmd(env!("CARGO_BIN_EXE_contingent"));
    cmd.args([
        "sign",
        "payroll",
        "--party",
        "client",
        "--as",
        "katharina.vogel",
        "--as-of",
        "2026-10-26",
        "--repo",
        "plans",
    ])
    .arg("--key")
    .arg(&key);
    let signed = common::output(cmd.output().unwrap());
    assert_eq!(signed.code, 0, "{}{}", signed.stdout, signed.stderr);
    let report = repo.diff_json(&["plans"]);
    assert!(
        changes(&report).contains(&(
            "neutral".to_string(),
            "signoff-added".to_string(),
            "plan payroll › sign-off client katharina.vogel".to_string()
        )),
        "{:?}",
        changes(&report)
    );
    let parties = &report["consequences"]["approvals"][0]["parties"];
    assert_eq!(parties[0]["signed_now"], serde_json::json!(["katharina.vogel"]));
    assert_eq!(parties[0]["must_sign"], false);
    assert_eq!(parties[1]["must_sign"], true);
    let human = repo.diff(&["--as-of", AS_OF, "plans"]);
    assert!(
        human
            .stdout
            .contains("client (hpb): signed the base version: katharina.vogel; signed again by katharina.vogel"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_plan_that_no_longer_loads_is_not_reported_as_removed() {
    let repo = GitRepo::minimal();
    // a syntax error: the file does not parse
    repo.edit(PLAN, "    title \"Payroll\"\n", "    title \"Payroll\n");
    let report = repo.diff_json(&["plans"]);
    assert_eq!(changes(&report), set(&[("neutral", "object-unreadable", "plan payroll")]), "{report:#}");
    assert!(report["consequences"]["new_findings"].as_array().unwrap().iter().any(|f| f["code"] == "KDL001"));
    // not compared, so its escalation contacts are not "removed" either
    assert_eq!(report["consequences"]["escalation_contacts"], serde_json::json!([]), "{report:#}");
    // a schema violation: the plan exists but is invalid
    repo.git(&["checkout", "-q", "--", "."]);
    repo.edit(PLAN, "    title \"Payroll\"\n", "    title \"Payroll\"\n    colour \"red\"\n");
    let report = repo.diff_json(&["plans"]);
    assert_eq!(changes(&report), set(&[("neutral", "object-unreadable", "plan payroll")]), "{report:#}");
}

/// A second definition of a plan with weaker content is not compared, so it is a change of its own.
#[test]
fn a_second_definition_of_a_plan_is_reported() {
    let repo = GitRepo::minimal();
    let text = std::fs::read_to_string(repo.path().join(PLAN)).unwrap();
    repo.write(
        "plans/plans/zz-payroll.kdl",
        &text.replace("    forbidden \"Reboot the payroll server during a run\"\n", ""),
    );
    let report = repo.diff_json(&["plans"]);
    assert!(
        changes(&report).contains(&("weaker".into(), "object-duplicated".into(), "plan payroll".into())),
        "{report:#}"
    );
}

/// docs/diff.md names every kind of change the rules can report (the kinds of the diff's table, and
/// those found in the source: the string after the class, or the second argument of the helpers).
#[test]
fn every_change_kind_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src: String = ["classify.rs", "custom.rs", "mod.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join("cli/diff").join(f)).unwrap())
        .collect();
    let doc = std::fs::read_to_string(root.join("docs/diff.md")).unwrap();
    let kebab = |s: &str| -> Option<String> {
        let s = s.trim_start();
        let rest = s.strip_prefix('"')?;
        let end = rest.find('"')?;
        let k = &rest[..end];
        (!k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .then(|| k.to_string())
    };
    let mut kinds = BTreeSet::new();
    for marker in ["Neutral,", "Weaker,", "Stronger,", "c.kind = "] {
        for (i, _) in src.match_indices(marker) {
            if let Some(k) = kebab(&src[i + marker.len()..]) {
                kinds.insert(k);
            }
        }
    }
    for helper in [".text(", ".value(", ".longer_is_weaker(", ".safeguard("] {
        for (i, _) in src.match_indices(helper) {
            // the second argument: after the first comma at depth 0
            let args = &src[i + helper.len()..];
            let mut depth = 0;
            let comma = args.char_indices().find(|&(_, c)| {
                match c {
                    '(' | '[' => depth += 1,
                    ')' | ']' => depth -= 1,
                    _ => {}
                }
                c == ',' && depth == 0
            });
            if let Some(k) = comma.and_then(|(j, _)| kebab(&args[j + 1..])) {
                kinds.insert(k);
            }
        }
    }
    for (i, _) in src.match_indices("[\"") {
        let list = &src[i + 1..src[i..].find(']').map_or(i, |e| i + e)];
        let items: Vec<Option<String>> = list.split(',').map(kebab).collect();
        if items.len() == 4 && items.iter().all(Option::is_some) {
            // removed, added, reworded, moved: a set's moves are never reported
            kinds.extend(items.into_iter().flatten().filter(|k| !k.ends_with("-moved") || k == "step-moved"));
        }
    }
    // the kinds of the diff's table (cli/diff/fields.rs)
    kinds.extend(contingent::diff::classify::kinds().into_iter().map(String::from));
    assert!(kinds.len() > 100, "only {} kinds found: {kinds:?}", kinds.len());
    let missing: Vec<&String> = kinds.iter().filter(|k| !doc.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "docs/diff.md does not name {missing:?}");
}

/// The Markdown of every section: changes of each class, sign-offs of an unsigned plan, findings,
/// contract pins and escalation chains.
#[test]
fn the_markdown_of_every_section_matches_the_golden_file() {
    let repo = GitRepo::minimal();
    repo.edit(PLAN, "contract msa revision=2", "contract msa revision=1");
    repo.edit(PLAN, "level 2 notify=anna.schmidt", "level 2 notify=bernd.mueller");
    repo.edit(PLAN, r#"level 1 notify=dc-duty within="15m""#, r#"level 1 notify=dc-duty within="10m""#);
    repo.edit(PLAN, r#"step "Extend the volume""#, r#"step "Extend the volume [RB-7] by *20%*""#);
    repo.edit(
        "plans/contacts/dc.kdl",
        r#"mobile "+49 171 555 0201" available="24x7""#,
        r#"mobile "+49 171 555 0201" available=business-hours"#,
    );
    let out = repo.diff(&["--format", "markdown", "--as-of", AS_OF, "main", "plans"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = repo.git(&["rev-parse", "--short", "main"]);
    let text = out.stdout.replace(&format!("commit {} (main)", id.trim()), "commit <main> (main)");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/sections.md");
    if std::env::var_os("CONTINGENT_BLESS").is_some() {
        std::fs::write(&golden, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("the golden file (CONTINGENT_BLESS=1 writes it)");
    assert_eq!(text, expected, "the Markdown differs from {}", golden.display());
}
