//! `contingent export --format json`: the envelope, and every object valid against its published
//! schema (`schema/KIND.schema.json`).

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn validators() -> BTreeMap<String, jsonschema::Validator> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let Some(name) = p.file_name().unwrap().to_str().unwrap().strip_suffix(".schema.json") else { continue };
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        out.insert(name.to_string(), v);
    }
    out
}

fn export(dir: &Path) -> (i32, Value, String) {
    let out = run(&["export", dir.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    (out.code, v, out.stderr)
}

fn assert_valid(v: &Value) {
    let validators = validators();
    for o in v["objects"].as_array().unwrap() {
        let kind = o["kind"].as_str().unwrap();
        assert_eq!(o["schema"], format!("https://contingent.dev/schema/v1/{kind}.schema.json"));
        let errors: Vec<String> =
            validators[kind].iter_errors(&o["object"]).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{} {}: {errors:#?}", o["file"], o["id"]);
    }
}

#[test]
fn the_example_exports_every_object_valid_against_its_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
    let (code, v, stderr) = export(&root);
    assert_eq!(code, 0, "{stderr}");
    // the envelope
    assert_eq!(v["format"], "contingent-export");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "contingent");
    assert_eq!(v["complete"], true);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["complete", "format", "objects", "tool", "version"]);
    assert_valid(&v);
    // one object per top-level node, each with its file and kind
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for o in v["objects"].as_array().unwrap() {
        *count.entry(o["kind"].as_str().unwrap().to_string()).or_default() += 1;
        let file = o["file"].as_str().unwrap();
        assert!(root.join(file).is_file(), "{file}");
    }
    let want: BTreeMap<String, usize> = [
        ("config", 1),
        ("contact", 23),
        ("contract", 1),
        ("exercise", 20),
        ("interface", 2),
        ("plan", 5),
        ("signoff", 10),
        ("system", 8),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(count, want);
    // a plan: its id, its digest (as `contingent digest` prints it) and its content
    let payroll =
        v["objects"].as_array().unwrap().iter().find(|o| o["kind"] == "plan" && o["id"] == "payroll").unwrap();
    assert_eq!(payroll["file"], "plans/payroll.kdl");
    let digest = run(&["digest", "payroll", "--repo", root.to_str().unwrap()]);
    assert_eq!(digest.stdout.trim(), payroll["digest"].as_str().unwrap());
    assert_eq!(payroll["object"]["responsible"]["client"], "anna.schmidt");
    assert_eq!(payroll["object"]["escalation"]["level"][0]["within"], "15m");
}

#[test]
fn objects_with_errors_are_left_out_and_the_export_says_it_is_incomplete() {
    let repo = Repo::minimal();
    repo.write("contacts/extra.kdl", "contact broken {\n    party bank\n    nmae \"x\"\n}\ncontact fine {\n    party bank\n    name \"Fine \\u{202e} \\\"quoted\\\"\"\n    verified \"2026-09-01\"\n}\n");
    repo.write("plans/bad.kdl", "plan bad {\n");
    let (code, v, stderr) = export(repo.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(v["complete"], false);
    assert_valid(&v);
    let ids: Vec<&str> = v["objects"].as_array().unwrap().iter().filter_map(|o| o["id"].as_str()).collect();
    assert!(ids.contains(&"fine") && !ids.contains(&"broken") && !ids.contains(&"bad"), "{ids:?}");
    // the text arrives exactly (escaped as JSON), and the errors are named on stderr
    let fine = v["objects"].as_array().unwrap().iter().find(|o| o["id"] == "fine").unwrap();
    assert_eq!(fine["object"]["name"], "Fine \u{202e} \"quoted\"");
    assert!(stderr.contains("contacts/extra.kdl:3:5") && stderr.contains("plans/bad.kdl:1:"), "{stderr}");
    assert!(stderr.contains("is not exported"), "{stderr}");
}
