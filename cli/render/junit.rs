//! JUnit XML, as Jenkins, GitLab and other CI systems read test reports.
//!
//! One `<testsuite>` per checked file (named by its path), and a first one, `contingent check`,
//! for the run (its date, the files checked, what it tolerates) and the findings that belong to
//! no file. Each finding is a `<testcase>`: a `<failure>` when it fails the check (errors, and
//! warnings with `--fail-on warning`), otherwise a passing test case whose `<system-out>` holds
//! the finding (warnings, notes, waived findings). A file without findings is one passing test
//! case, so every checked file shows. Every text is escaped with `escape::xml`.

use std::fmt::Write as _;

use super::Report;
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::escape::xml;

struct Case {
    name: String,
    failure: Option<(String, String, String)>,
    out: Option<String>,
}

fn text_of(report: &Report<'_>, d: &Diagnostic) -> String {
    let mut text = match &d.location {
        Some(loc) => {
            let p = report.position(loc);
            format!("{}:{}:{}: {}[{}]: {}", p.path, p.line, p.column, d.severity.as_str(), d.rule.code, d.message)
        }
        None => format!("{}[{}]: {}", d.severity.as_str(), d.rule.code, d.message),
    };
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    if let Some(w) = &d.waived {
        let _ = write!(text, "\nwaived: {} (approved by {}, until {})", w.reason, w.approved_by, w.expires);
    }
    text
}

fn case(report: &Report<'_>, d: &Diagnostic, fail_on: Severity) -> Case {
    let place = d.location.as_ref().map(|l| {
        let p = report.position(l);
        format!(" at {}:{}", p.line, p.column)
    });
    let name = format!("{} {}{}", d.rule.code, d.rule.name, place.unwrap_or_default());
    let fails = d.counts() && d.severity != Severity::Note && d.severity >= fail_on;
    let text = text_of(report, d);
    if fails {
        let message = format!("{}: {}", d.severity.as_str(), d.message);
        Case { name, failure: Some((d.rule.code.to_string(), message, text)), out: None }
    } else {
        Case { name, failure: None, out: Some(text) }
    }
}

fn suite(out: &mut String, name: &str, file: Option<&str>, properties: &[(&str, String)], cases: &[Case]) {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let file_attr = file.map(|f| format!(" file=\"{}\"", xml(f))).unwrap_or_default();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\"{file_attr} tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        xml(name),
        cases.len()
    );
    if !properties.is_empty() {
        let _ = writeln!(out, "    <properties>");
        for (k, v) in properties {
            let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", xml(k), xml(v));
        }
        let _ = writeln!(out, "    </properties>");
    }
    for c in cases {
        let _ = write!(out, "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"", xml(&c.name), xml(name));
        match (&c.failure, &c.out) {
            (None, None) => {
                let _ = writeln!(out, "/>");
            }
            (failure, system_out) => {
                let _ = writeln!(out, ">");
                if let Some((kind, message, text)) = failure {
                    let _ = writeln!(
                        out,
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                        xml(kind),
                        xml(message),
                        xml(text)
                    );
                }
                if let Some(text) = system_out {
                    let _ = writeln!(out, "      <system-out>{}</system-out>", xml(text));
                }
                let _ = writeln!(out, "    </testcase>");
            }
        }
    }
    let _ = writeln!(out, "  </testsuite>");
}

pub fn render(report: &Report<'_>, fail_on: Severity) -> String {
    let mut by_file: Vec<Vec<Case>> = (0..report.files.len()).map(|_| Vec::new()).collect();
    let mut unplaced = Vec::new();
    for d in report.diagnostics {
        match &d.location {
            Some(l) => by_file[l.file.0 as usize].push(case(report, d, fail_on)),
            None => unplaced.push(case(report, d, fail_on)),
        }
    }
    if unplaced.is_empty() {
        unplaced.push(Case { name: "repository".into(), failure: None, out: Some(report.summary_line()) });
    }
    for cases in by_file.iter_mut().filter(|c| c.is_empty()) {
        cases.push(Case { name: "no findings".into(), failure: None, out: None });
    }
    let tests = unplaced.len() + by_file.iter().map(Vec::len).sum::<usize>();
    let failures = unplaced.iter().chain(by_file.iter().flatten()).filter(|c| c.failure.is_some()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"contingent check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">"
    );
    let mut properties = vec![
        ("as-of", report.as_of.to_string()),
        ("as-of-source", report.as_of_source.to_string()),
        ("files-checked", report.files_checked.to_string()),
        ("fail-on", fail_on.as_str().to_string()),
    ];
    if let Some(n) = report.notice {
        properties.push(("notice", n.to_string()));
    }
    suite(&mut out, "contingent check", None, &properties, &unplaced);
    for (i, cases) in by_file.iter().enumerate() {
        let path = format!("{}{}", report.path_prefix, report.files.get(FileId(i as u32)).path);
        suite(&mut out, &path, Some(&path), &[], cases);
    }
    out.push_str("</testsuites>\n");
    out
}
