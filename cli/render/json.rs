//! The JSON output, format version 1. A contract: fields are only ever added.

use serde::Serialize;

use super::Report;
use crate::diagnostic::{Location, Severity};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    as_of: String,
    as_of_source: &'a str,
    /// Whether unsigned and stale plans were tolerated (`--allow-unsigned`, `--staged`).
    unsigned_tolerated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<&'a str>,
    summary: Summary,
    diagnostics: Vec<Diag>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    waived: usize,
}

#[derive(Serialize)]
struct WaivedBy {
    reason: String,
    approved_by: String,
    expires: String,
    waiver: Place,
}

#[derive(Serialize)]
struct Point {
    line: usize,
    column: usize,
    offset: u32,
}

#[derive(Serialize)]
struct Place {
    file: String,
    start: Point,
    end: Point,
}

#[derive(Serialize)]
struct Related {
    #[serde(flatten)]
    place: Place,
    message: String,
}

#[derive(Serialize)]
struct Diag {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<WaivedBy>,
    /// A repair `check --fix` can apply (`safe`) or `--unsafe-fixes` (`unsafe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut>,
}

#[derive(Serialize)]
struct FixOut {
    title: String,
    applicability: crate::diagnostic::Applicability,
    edits: Vec<EditOut>,
}

#[derive(Serialize)]
struct EditOut {
    #[serde(flatten)]
    place: Place,
    /// The text that replaces the range (an insertion when the range is empty).
    text: String,
}

fn place(report: &Report<'_>, loc: &Location) -> Place {
    let p = report.position(loc);
    Place {
        file: p.path,
        start: Point { line: p.line, column: p.column, offset: loc.span.start },
        end: Point { line: p.end_line, column: p.end_column, offset: loc.span.end },
    }
}

pub fn render(report: &Report<'_>) -> String {
    let out = Output {
        version: VERSION,
        tool: Tool { name: "contingent", version: env!("CARGO_PKG_VERSION") },
        as_of: report.as_of.to_string(),
        as_of_source: report.as_of_source,
        unsigned_tolerated: report.notice.is_some(),
        notice: report.notice,
        summary: Summary {
            files: report.files_checked,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
            waived: report.waived(),
        },
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| Diag {
                code: d.rule.code,
                name: d.rule.name,
                severity: d.severity,
                message: d.message.clone(),
                location: d.location.as_ref().map(|l| place(report, l)),
                label: d.label.clone(),
                help: d.help.clone(),
                related: d
                    .labels
                    .iter()
                    .map(|l| Related { place: place(report, &l.location), message: l.message.clone() })
                    .collect(),
                waived: d.waived.as_ref().map(|w| WaivedBy {
                    reason: w.reason.clone(),
                    approved_by: w.approved_by.clone(),
                    expires: w.expires.to_string(),
                    waiver: place(report, &w.location),
                }),
                fix: d.fix.as_ref().zip(d.location.as_ref()).map(|(f, l)| FixOut {
                    title: f.title.clone(),
                    applicability: f.applicability,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| EditOut {
                            place: place(report, &Location { file: l.file, span: e.span }),
                            text: e.text.clone(),
                        })
                        .collect(),
                }),
            })
            .collect(),
    };
    let mut s = crate::escape::json(&serde_json::to_string_pretty(&out).expect("the output serialises")).into_owned();
    s.push('\n');
    s
}
