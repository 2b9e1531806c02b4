//! The audit matrix (`docs/audit-matrix.md`) against the schemas and the rule registry: a row for
//! every field of every schema and nothing else, seven answered questions per row, every code it
//! names a rule that exists, and every gap listed under "Gaps". `explain` shows the cells a rule
//! answers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

const QUESTIONS: usize = 7;

/// Every field path of a schema: its name and the property names down to the field, through
/// `$ref`, `allOf`/`anyOf`/`oneOf` and array items.
fn fields(schema: &Value, at: &Value, path: &str, out: &mut BTreeSet<String>, depth: usize) {
    assert!(depth < 32, "{path}: the schema nests too deep");
    if let Some(r) = at.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        return fields(schema, &schema["$defs"][name], path, out, depth + 1);
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        for x in at.get(k).and_then(Value::as_array).into_iter().flatten() {
            fields(schema, x, path, out, depth + 1);
        }
    }
    for (k, v) in at.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let p = format!("{path}.{k}");
        out.insert(p.clone());
        fields(schema, v, &p, out, depth + 1);
    }
    if let Some(items) = at.get("items").filter(|i| i.is_object()) {
        fields(schema, items, path, out, depth + 1);
    }
}

fn schema_fields() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        let Some(stem) = name.strip_suffix(".schema.json") else { continue };
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut set = BTreeSet::new();
        fields(&schema, &schema, stem, &mut set, 0);
        out.insert(stem.to_string(), set);
    }
    out
}

struct Matrix {
    /// schema → field → its seven cells
    rows: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    gaps: Vec<String>,
}

fn matrix() -> Matrix {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/audit-matrix.md")).unwrap();
    let mut rows: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut gaps = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_string();
        } else if line.starts_with("| `") {
            let cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
            assert_eq!(cells.len(), QUESTIONS + 3, "a row has a field and seven cells: {line}");
            let field = cells[1].trim_matches('`').to_string();
            let answers = cells[2..2 + QUESTIONS].to_vec();
            let previous = rows.entry(section.clone()).or_default().insert(field.clone(), answers);
            assert!(previous.is_none(), "`{field}` has two rows");
        } else if section == "Gaps" && line.starts_with("- `") {
            gaps.push(line.to_string());
        }
    }
    Matrix { rows, gaps }
}

fn rule_codes() -> BTreeSet<String> {
    contingent::rules::RULES.iter().map(|r| r.code.to_string()).collect()
}

/// The codes a cell links to: `[CODE](rules.md#code)`.
fn linked(cell: &str) -> Vec<String> {
    cell.split('[').skip(1).filter_map(|p| p.split_once("](rules.md#")).map(|(code, _)| code.to_string()).collect()
}

#[test]
fn every_schema_field_has_exactly_one_row_in_its_section() {
    let m = matrix();
    for (schema, wanted) in schema_fields() {
        let have: BTreeSet<String> = m.rows.get(&schema).map(|r| r.keys().cloned().collect()).unwrap_or_default();
        let missing: Vec<&String> = wanted.difference(&have).collect();
        let extra: Vec<&String> = have.difference(&wanted).collect();
        assert!(missing.is_empty(), "docs/audit-matrix.md, section {schema}: no row for {missing:?}");
        assert!(
            extra.is_empty(),
            "docs/audit-matrix.md, section {schema}: rows for fields the schema lacks: {extra:?}"
        );
    }
    let sections: BTreeSet<&String> = m.rows.keys().collect();
    let schemas = schema_fields();
    assert!(sections.iter().all(|s| schemas.contains_key(*s)), "a section of the matrix names no schema: {sections:?}");
}

#[test]
fn every_cell_answers_its_question_with_rules_or_a_reason() {
    let m = matrix();
    let codes = rule_codes();
    let mut gap_cells = 0;
    for (schema, rows) in &m.rows {
        for (field, cells) in rows {
            for cell in cells {
                let at = format!("`{field}` in section {schema}: {cell:?}");
                let links = linked(cell);
                let reason = cell == "n/a" || cell.starts_with("no rule: ") || cell.starts_with("gap: ");
                assert!(
                    !links.is_empty() || reason,
                    "a cell must name rules, `n/a`, `no rule: why` or `gap: what`: {at}"
                );
                assert!(cell.starts_with('[') || reason, "a cell with rules starts with them: {at}");
                for code in links {
                    assert!(codes.contains(&code), "{code} is not a rule: {at}");
                    assert!(
                        cell.contains(&format!("[{code}](rules.md#{})", code.to_lowercase())),
                        "{code} links to its own entry: {at}"
                    );
                }
                if cell.starts_with("gap: ") {
                    gap_cells += 1;
                    assert!(
                        m.gaps.iter().any(|g| g.starts_with(&format!("- `{field}` ("))),
                        "the gap of `{field}` is not listed under Gaps"
                    );
                }
            }
        }
    }
    assert_eq!(gap_cells, m.gaps.len(), "every gap cell is listed once under Gaps, and nothing else is");
    println!("audit matrix: {gap_cells} open gaps");
}

#[test]
fn every_policy_rule_answers_a_question_and_explain_says_which() {
    let m = matrix();
    let named: BTreeSet<String> = m.rows.values().flat_map(|r| r.values()).flatten().flat_map(|c| linked(c)).collect();
    for r in contingent::rules::RULES.iter() {
        let policy = !matches!(
            r.family,
            contingent::rules::Family::File
                | contingent::rules::Family::Kdl
                | contingent::rules::Family::Git
                | contingent::rules::Family::Schema
        );
        if policy {
            assert!(named.contains(r.code), "{} answers no question of the audit matrix", r.code);
        }
    }
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_contingent")).args(["explain", "ESC002"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("In the audit matrix (docs/audit-matrix.md), it answers:")
            && text.contains("`plan.escalation.level.within` (value)"),
        "{text}"
    );
}
