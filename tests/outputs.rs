//! The machine outputs: JSON (versioned), SARIF 2.1.0 (valid against the official schema),
//! GitHub annotations and job summary, and the human renderer.

mod common;
use common::*;
use serde_json::Value;

fn broken_repo() -> Repo {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "notify=dc-duty", "notify=dc-duti");
    repo.edit("contacts/bank.kdl", "verified \"2026-09-01\"", "verified \"2026-13-01\"");
    repo.write("contacts/empty.kdl", "");
    repo
}

#[test]
fn json_output_is_versioned_and_complete() {
    let repo = broken_repo();
    let (code, v) = repo.check_json();
    assert_eq!(code, 1);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "contingent");
    assert_eq!(v["as_of"], "2026-11-01");
    assert_eq!(v["as_of_source"], "from --as-of");
    assert_eq!(v["summary"]["errors"], 2);
    // the warnings: CNT… and the unsigned plan (SIG001, tolerated by the test runner)
    assert_eq!(v["summary"]["warnings"], 2);
    let d = the(&v, "REF002");
    assert_eq!(d["name"], "unresolved-reference");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "no contact is named `dc-duti`");
    // The offset is the byte offset of the reference in the file, found here independently.
    let text = repo.read("plans/payroll.kdl");
    let offset = text.find("notify=dc-duti").unwrap() + "notify=".len();
    assert_eq!(text.lines().nth(6).unwrap().find("dc-duti"), Some(23), "line 7, column 24");
    assert_eq!(d["location"]["start"], serde_json::json!({"line": 7, "column": 24, "offset": offset}));
    assert_eq!(d["location"]["end"], serde_json::json!({"line": 7, "column": 31, "offset": offset + 7}));
    assert_eq!(d["help"], "did you mean `dc-duty`?");
    assert!(d["related"][0]["file"].as_str().unwrap().ends_with("contacts/dc.kdl"));
    assert_eq!(d["related"][0]["message"], "`dc-duty` is defined here");
}

fn sarif_validator() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let validator = sarif_validator();
    for repo in [broken_repo(), Repo::minimal()] {
        let out = repo.check(&["--format", "sarif", "--as-of", "2026-11-01"]);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&v).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), contingent::rules::RULES.len());
        for r in v["runs"][0]["results"].as_array().unwrap() {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
        }
    }
    let out = broken_repo().check(&["--format", "sarif"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // the validator is not a rubber stamp
    let mut wrong = v.clone();
    wrong["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&wrong));
    let result = v["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "REF002").unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(7), Some(24)));
}

#[test]
fn github_annotations_are_escaped_and_the_summary_is_written() {
    let repo = broken_repo();
    let summary = repo.path().join("summary.md");
    // An earlier step's summary is kept: the table is appended to it.
    let earlier = "## Build\n\nearlier step\n";
    std::fs::write(&summary, earlier).unwrap();
    let out = run_in(
        repo.path(),
        &["check", ".", "--format", "github", "--as-of", "2026-11-01"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(out.code, 1);
    let line = out.stdout.lines().find(|l| l.contains("REF002")).unwrap();
    assert!(
        line.starts_with(
            "::error file=plans/payroll.kdl,line=7,col=24,endLine=7,endColumn=31,title=REF002 unresolved-reference::"
        ),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: did you mean"), "newlines are escaped: {line}");
    assert!(
        out.stdout.lines().any(|l| l.starts_with("::warning file=contacts/empty.kdl,title=FILE005")),
        "{}",
        out.stdout
    );
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(md.starts_with(earlier) && md.len() > earlier.len(), "{md}");
    assert!(md.contains("| error | REF002 | `plans/payroll.kdl:7:24` | no contact is named `dc-duti` |"), "{md}");
}

#[test]
fn human_output_shows_the_snippet_and_help_without_colour_when_piped() {
    let repo = broken_repo();
    let out = run_in(repo.path(), &["check", "--as-of", "2026-11-01"], &[]);
    assert_eq!(out.code, 1);
    let expected = "error[REF002]: no contact is named `dc-duti`
 --> plans/payroll.kdl:7:24
  |
7 |         level 1 notify=dc-duti within=\"15m\"
  |                        ^^^^^^^ unknown contact
 ::: contacts/dc.kdl:9:9
  |
9 | contact dc-duty {
  |         ------- `dc-duty` is defined here
  = help: did you mean `dc-duty`?
";
    assert!(out.stdout.contains(expected), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{1b}'), "no escape codes when not a terminal");
    assert!(
        out.stdout.ends_with("checked 8 files: 2 errors, 2 warnings; unsigned and stale plans are tolerated (CONTINGENT_ALLOW_UNSIGNED=1): SIG001, SIG002 and SIG019 are warnings (as of 2026-11-01, from --as-of)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn colour_can_be_forced() {
    let repo = broken_repo();
    let out = run_in(repo.path(), &["check", "--as-of", "2026-11-01"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]);
    assert!(out.stdout.contains("\u{1b}["), "{}", out.stdout);
    // Without colour the text is the same once the escape sequences are taken out.
    let plain = run_in(repo.path(), &["check", "--as-of", "2026-11-01"], &[]).stdout;
    let mut stripped = String::new();
    let mut rest = out.stdout.as_str();
    while let Some(i) = rest.find('\u{1b}') {
        stripped.push_str(&rest[..i]);
        let end = rest[i..].find('m').expect("an SGR sequence ends with m");
        rest = &rest[i + end + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
}
