//! rustc-style diagnostics with source snippets.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::Report;
use crate::diagnostic::{Diagnostic, Location, Severity};

fn sev_style(s: Severity) -> Style {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Note => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

const BOLD: Style = Style::new().bold();
const BLUE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue))).bold();

/// Renders with ANSI styles; the caller's stream strips them when colour is off.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for d in report.diagnostics.iter().filter(|d| d.counts()) {
        diagnostic(report, d, &mut out);
        out.push('\n');
    }
    let waived: Vec<_> = report.diagnostics.iter().filter(|d| !d.counts()).collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "{BOLD}waived{BOLD:#} (listed, not counted):");
        for d in waived {
            let place = d.location.as_ref().map(|l| {
                let p = report.position(l);
                format!("{}:{}:{}: ", p.path, p.line, p.column)
            });
            let w = d.waived.as_ref().expect("filtered");
            let _ = writeln!(
                out,
                "  {}{}[{}] {} — {} (approved by {}, until {})",
                place.unwrap_or_default(),
                d.severity.as_str(),
                d.rule.code,
                d.message,
                w.reason,
                w.approved_by,
                w.expires
            );
        }
        out.push('\n');
    }
    let style = if report.count(Severity::Error) > 0 {
        sev_style(Severity::Error)
    } else if report.count(Severity::Warning) > 0 {
        sev_style(Severity::Warning)
    } else {
        BOLD
    };
    let _ =
        writeln!(out, "{style}{}{style:#} (as of {}, {})", report.summary_line(), report.as_of, report.as_of_source);
    out
}

fn diagnostic(report: &Report<'_>, d: &Diagnostic, out: &mut String) {
    let s = sev_style(d.severity);
    let _ = writeln!(out, "{s}{}[{}]{s:#}{BOLD}: {}{BOLD:#}", d.severity.as_str(), d.rule.code, d.message);
    let width = std::iter::once(d.location.as_ref())
        .chain(d.labels.iter().map(|l| Some(&l.location)))
        .flatten()
        .map(|l| report.position(l).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    if let Some(loc) = &d.location {
        let pos = report.position(loc);
        let _ = writeln!(out, "{pad}{BLUE}-->{BLUE:#} {}:{}:{}", pos.path, pos.line, pos.column);
        snippet(report, loc, d.label.as_deref(), '^', s, width, out);
    }
    for label in &d.labels {
        let pos = report.position(&label.location);
        let _ = writeln!(out, "{pad}{BLUE}:::{BLUE:#} {}:{}:{}", pos.path, pos.line, pos.column);
        snippet(report, &label.location, Some(&label.message), '-', BLUE, width, out);
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} {BLUE}={BLUE:#} {BOLD}help{BOLD:#}: {help}");
    }
}

fn snippet(
    report: &Report<'_>,
    loc: &Location,
    label: Option<&str>,
    mark: char,
    style: Style,
    width: usize,
    out: &mut String,
) {
    let file = report.files.get(loc.file);
    if file.text.is_empty() {
        return;
    }
    let (line, col) = file.line_col(loc.span.start);
    let (end_line, end_col) = file.line_col(loc.span.end);
    let text = file.line(line);
    let len = if end_line == line {
        end_col.saturating_sub(col).max(1)
    } else {
        text.chars().count().saturating_sub(col - 1).max(1)
    };
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#}");
    let _ = writeln!(out, "{BLUE}{line:>width$} |{BLUE:#} {}", text.replace('\t', " "));
    let marks: String = std::iter::repeat_n(mark, len).collect();
    let label = label.map(|l| format!(" {l}")).unwrap_or_default();
    let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#} {}{style}{marks}{label}{style:#}", " ".repeat(col - 1));
}
