//! rustc-style diagnostics with source snippets.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::Report;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::escape::line as esc;

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
                format!("{}:{}:{}: ", esc(&p.path), p.line, p.column)
            });
            let w = d.waived.as_ref().expect("filtered");
            let _ = writeln!(
                out,
                "  {}{}[{}] {} — {} (approved by {}, until {})",
                place.unwrap_or_default(),
                d.severity.as_str(),
                d.rule.code,
                esc(&d.message),
                esc(&w.reason),
                esc(&w.approved_by),
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
    let _ = writeln!(out, "{s}{}[{}]{s:#}{BOLD}: {}{BOLD:#}", d.severity.as_str(), d.rule.code, esc(&d.message));
    let width = std::iter::once(d.location.as_ref())
        .chain(d.labels.iter().map(|l| Some(&l.location)))
        .flatten()
        .map(|l| report.position(l).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    if let Some(loc) = &d.location {
        let pos = report.position(loc);
        let _ = writeln!(out, "{pad}{BLUE}-->{BLUE:#} {}:{}:{}", esc(&pos.path), pos.line, pos.column);
        snippet(report, loc, d.label.as_deref(), '^', s, width, out);
    }
    for label in &d.labels {
        let pos = report.position(&label.location);
        let _ = writeln!(out, "{pad}{BLUE}:::{BLUE:#} {}:{}:{}", esc(&pos.path), pos.line, pos.column);
        snippet(report, &label.location, Some(&label.message), '-', BLUE, width, out);
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} {BLUE}={BLUE:#} {BOLD}help{BOLD:#}: {}", esc(help));
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
    let len = if end_line == line { end_col.saturating_sub(col).max(1) } else { usize::MAX };
    let (shown, mark_at, len) = window(text, col - 1, len);
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#}");
    let _ = writeln!(out, "{BLUE}{line:>width$} |{BLUE:#} {shown}");
    let marks: String = std::iter::repeat_n(mark, len).collect();
    let label = label.map(|l| format!(" {}", esc(l))).unwrap_or_default();
    let _ = writeln!(out, "{pad} {BLUE}|{BLUE:#} {}{style}{marks}{label}{style:#}", " ".repeat(mark_at));
}

/// Characters of a snippet line shown before and after the marked span.
const CONTEXT: usize = 40;
/// Longest marked span shown.
const MAX_MARKS: usize = 80;

/// A bounded window of a line around the characters `col..col + len` (character indexes): the
/// shown text (tabs as spaces, cut ends as `…`), where the marks start in it, and how many.
fn window(text: &str, col: usize, len: usize) -> (String, usize, usize) {
    let from = col.saturating_sub(CONTEXT);
    let mut shown = String::new();
    let mut mark_at = col - from;
    if from > 0 {
        shown.push('…');
        mark_at += 1;
    }
    let mut n = 0usize;
    let mut chars = text.chars().skip(from);
    let limit = (col - from) + len.min(MAX_MARKS) + CONTEXT;
    let mut rest = false;
    for c in chars.by_ref() {
        if n == limit {
            rest = true;
            break;
        }
        shown.push(match c {
            '\t' => ' ',
            c if crate::escape::is_unsafe(c) => '\u{fffd}',
            c => c,
        });
        n += 1;
    }
    let len = len.min(n.saturating_sub(col - from)).clamp(1, MAX_MARKS);
    if rest {
        shown.push('…');
    }
    (shown, mark_at, len)
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn snippets_are_a_bounded_window_around_the_span() {
        assert_eq!(window("ab\tcd", 1, 2), ("ab cd".into(), 1, 2));
        let line = "x".repeat(90_000);
        let (shown, at, len) = window(&line, 50_000, 3);
        assert_eq!(shown.chars().count(), 1 + 40 + 3 + 40 + 1);
        assert_eq!((at, len), (41, 3));
        let (shown, at, len) = window(&line, 0, usize::MAX);
        assert_eq!((shown.chars().count(), at, len), (80 + 40 + 1, 0, 80));
    }
}
