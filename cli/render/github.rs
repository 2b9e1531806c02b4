//! GitHub Actions workflow commands (annotations) and a Markdown job summary.

use std::fmt::Write as _;

use super::Report;
use crate::diagnostic::Severity;

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    crate::escape::markup(&s).into_owned()
}

/// Escapes a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for d in report.diagnostics.iter().filter(|d| d.counts()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(loc) = &d.location {
            let p = report.position(loc);
            props.push(format!("file={}", escape_property(&p.path)));
            if loc.span != Default::default() {
                props.push(format!("line={}", p.line));
                props.push(format!("col={}", p.column));
                props.push(format!("endLine={}", p.end_line));
                props.push(format!("endColumn={}", p.end_column));
            }
        }
        props.push(format!("title={}", escape_property(&format!("{} {}", d.rule.code, d.rule.name))));
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let _ = writeln!(out, "::{command} {}::{}", props.join(","), escape_data(&message));
    }
    let _ = writeln!(out, "{}", report.summary_line());
    out
}

fn cell(s: &str) -> String {
    crate::escape::markup(s).replace('|', "\\|").replace('\n', " ").replace('@', "@\u{200b}")
}

/// The job summary: every finding, since GitHub shows only a few annotations per step.
pub fn summary(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## contingent check\n\n{} (as of {})\n", report.summary_line(), report.as_of);
    if report.diagnostics.is_empty() {
        return out;
    }
    let _ = writeln!(out, "| severity | code | location | message |\n|---|---|---|---|");
    for d in report.diagnostics {
        let loc = d
            .location
            .as_ref()
            .map(|l| {
                let p = report.position(l);
                format!("`{}:{}:{}`", p.path, p.line, p.column)
            })
            .unwrap_or_default();
        let severity = if d.counts() { d.severity.as_str() } else { "waived" };
        let _ = writeln!(out, "| {severity} | {} | {} | {} |", d.rule.code, loc, cell(&d.message));
        if out.len() > 900_000 {
            let _ = writeln!(out, "\n(the list is cut here: GitHub limits a job summary to 1 MiB)");
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\nnext\r"), "50%25 done%0Anext%0D");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
