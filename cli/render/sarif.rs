//! SARIF 2.1.0, with the rule registry in `tool.driver.rules`.

use serde_json::{json, Value};

use super::Report;
use crate::diagnostic::{Location, Severity};
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(report: &Report<'_>, loc: &Location, message: Option<&str>) -> Value {
    let p = report.position(loc);
    let mut region =
        json!({"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column});
    if loc.span.start == 0 && loc.span.end == 0 {
        region = json!({"startLine": 1});
    }
    let mut l = json!({"physicalLocation": {"artifactLocation": {"uri": p.path}, "region": region}});
    if let Some(m) = message {
        l["message"] = json!({"text": m});
    }
    l
}

pub fn rules_json() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": if r.requirement.is_empty() { r.summary.to_string() } else { format!("{} (requirement: \"{}\")", r.summary, r.requirement) }},
                "help": {"text": r.doc, "markdown": r.doc},
                "defaultConfiguration": {"level": level(r.default_severity)},
                "properties": {"tags": [r.family.title()]}
            })
        })
        .collect()
}

pub fn render(report: &Report<'_>) -> String {
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut r = json!({
                "ruleId": d.rule.code,
                "ruleIndex": RULES.iter().position(|r| std::ptr::eq(*r, d.rule)).unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text},
            });
            if let Some(loc) = &d.location {
                r["locations"] = json!([location(report, loc, d.label.as_deref())]);
            }
            if let Some(w) = &d.waived {
                r["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (approved by {}, until {})", w.reason, w.approved_by, w.expires),
                    "location": location(report, &w.location, None),
                }]);
            }
            if let (Some(fix), Some(loc)) = (&d.fix, &d.location) {
                // SARIF `fixes`: one artifact change with a replacement per edit (the deleted
                // region in line and column, the inserted text); whether the fix is safe is a
                // property, as SARIF has no word for it
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let p = report.position(&Location { file: loc.file, span: e.span });
                        json!({
                            "deletedRegion": {"startLine": p.line, "startColumn": p.column, "endLine": p.end_line, "endColumn": p.end_column},
                            "insertedContent": {"text": e.text},
                        })
                    })
                    .collect();
                r["fixes"] = json!([{
                    "description": {"text": fix.title},
                    "artifactChanges": [{"artifactLocation": {"uri": report.path(loc)}, "replacements": replacements}],
                    "properties": {"applicability": fix.applicability},
                }]);
            }
            if !d.labels.is_empty() {
                r["relatedLocations"] = Value::Array(
                    d.labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut v = location(report, &l.location, Some(&l.message));
                            v["id"] = json!(i);
                            v
                        })
                        .collect(),
                );
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "contingent",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules_json(),
            }},
            "columnKind": "unicodeCodePoints",
            "properties": {"unsignedTolerated": report.notice.is_some(), "notice": report.notice},
            "results": results,
        }]
    });
    let mut s = crate::escape::json(&serde_json::to_string_pretty(&doc).expect("SARIF serialises")).into_owned();
    s.push('\n');
    s
}
