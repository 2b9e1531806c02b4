//! GitLab code quality report (`artifacts:reports:codequality`): a JSON array of issues, each
//! with `description`, `check_name`, `fingerprint`, `severity` and `location` (`path`,
//! `lines.begin`). Waived findings are left out (GitLab has no suppressions). A finding that
//! belongs to no file is placed on line 1 of `contingent.kdl`.
//!
//! The fingerprint is SHA-256 over the code, the path, the message and the finding's rank among
//! equal ones: stable when lines move (GitLab compares a merge request's report with its base's
//! by fingerprint) and unique within a report (GitLab shows one issue per fingerprint).

use std::collections::HashMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Report;
use crate::diagnostic::Severity;
use crate::load::CONFIG_FILE;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

pub fn render(report: &Report<'_>) -> String {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.counts())
        .map(|d| {
            let (path, line) = match &d.location {
                Some(l) => {
                    let p = report.position(l);
                    (p.path, p.line.max(1))
                }
                None => (format!("{}{CONFIG_FILE}", report.path_prefix), 1),
            };
            let mut description = d.message.clone();
            if let Some(h) = &d.help {
                description.push_str(" (help: ");
                description.push_str(h);
                description.push(')');
            }
            let rank = seen.entry((d.rule.code.to_string(), path.clone(), d.message.clone())).or_insert(0);
            *rank += 1;
            let mut hash = Sha256::new();
            for part in [d.rule.code, path.as_str(), d.message.as_str(), &rank.to_string()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            let fingerprint: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
            json!({
                "description": description,
                "check_name": d.rule.code,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    let mut s = crate::escape::json(&serde_json::to_string_pretty(&issues).expect("issues serialise")).into_owned();
    s.push('\n');
    s
}
