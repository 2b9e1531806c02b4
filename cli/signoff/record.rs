//! Writing sign-off records: the KDL text of one record, and the new text of a sign-off file
//! with some records replaced. Pure functions on text; `contingent sign` does the I/O.

use crate::diagnostic::Span;
use crate::signoff::statement::{party_word, Statement};

/// KDL words that cannot be bare identifiers.
fn kdl_id(id: &str) -> String {
    if matches!(id, "true" | "false" | "null" | "inf" | "nan") {
        format!("\"{id}\"")
    } else {
        id.to_string()
    }
}

/// A KDL v2 multi-line string holding `text`, indented by `indent` spaces, closing `"""` at
/// `indent` spaces too (so its value is exactly `text`). `text` holds no `\`, `"` or CR.
fn multi_line(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("\"\"\"\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&pad);
    out.push_str("\"\"\"");
    out
}

/// A KDL v2 raw multi-line string holding `text` (which may hold `"` and `\`, but no CR), with
/// as many `#` as needed so that nothing in `text` ends it.
fn raw_multi_line(text: &str, indent: usize) -> String {
    let mut hashes = "#".to_string();
    while text.contains(&format!("\"\"\"{hashes}")) {
        hashes.push('#');
    }
    format!("{hashes}{}{hashes}", multi_line(text, indent))
}

/// The record of one sign-off. `context` is the approval's context as JSON text (version 2
/// statements; `signoff::context::pretty`); `armour` is the signature as `ssh-keygen -Y sign`
/// writes it.
pub fn render(s: &Statement, context: Option<&str>, armour: &str) -> String {
    let armour: String = armour.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    let mut out = format!(
        "signoff {} {{\n{}    party {}\n    signer {}\n    date \"{}\"\n    digest \"{}\"\n",
        kdl_id(&s.plan),
        if s.retire { "    retire #true\n" } else { "" },
        party_word(s.party),
        kdl_id(&s.signer),
        s.date,
        s.digest,
    );
    if let (Some(digest), Some(context)) = (&s.context, context) {
        out.push_str(&format!("    context-digest \"{digest}\"\n    context {}\n", raw_multi_line(context, 8)));
    }
    out.push_str(&format!(
        "    statement {}\n    signature {}\n}}\n",
        multi_line(&s.text(), 8),
        multi_line(&armour, 8)
    ));
    out
}

/// The header of a new sign-off file.
pub fn header(plan: &str) -> String {
    format!(
        "// Sign-offs of plan `{plan}`. Written by `contingent sign`, verified by `contingent check`;\n// the format and how to verify a sign-off without contingent: docs/signoff.md.\n"
    )
}

/// `text` with the nodes at `remove` deleted (each with its own lines when nothing else is on
/// them) and `record` appended, separated by a blank line.
pub fn replace(text: &str, remove: &[Span], record: &str) -> String {
    let mut cuts: Vec<(usize, usize)> = remove.iter().map(|s| whole_lines(text, s.range())).collect();
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len() + record.len());
    let mut at = 0;
    for (start, end) in cuts {
        if start >= at {
            out.push_str(&text[at..start]);
            at = end;
            // one blank line, not two, where a record was taken out
            if (out.is_empty() || out.ends_with("\n\n")) && text[at..].starts_with('\n') {
                at += 1;
            }
        }
    }
    out.push_str(&text[at..]);
    let trimmed = out.trim_end_matches(['\n', ' ', '\t', '\r']).len();
    out.truncate(trimmed);
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(record);
    out
}

/// Widens a byte range to whole lines when only blanks share its first and last lines.
fn whole_lines(text: &str, r: std::ops::Range<usize>) -> (usize, usize) {
    let (mut start, mut end) = (r.start.min(text.len()), r.end.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..start].trim().is_empty() {
        start = line_start;
    }
    let rest = &text[end..];
    let line_end = rest.find('\n').map_or(text.len(), |i| end + i + 1);
    if text[end..line_end].trim().is_empty() {
        end = line_end;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Side;
    use crate::units::Date;

    #[test]
    fn multi_line_string_values_are_exact() {
        let s = Statement {
            plan: "null".into(),
            digest: format!("sha256:{}", "0".repeat(64)),
            party: Side::Provider,
            signer: "jan.peters".into(),
            date: Date::new(2026, 1, 2).unwrap(),
            context: Some(format!("sha256:{}", "1".repeat(64))),
            retire: false,
        };
        let context = "{\n  \"a\": \"\\\"\"\"\"#\",\n  \"b\": []\n}";
        let text = render(&s, Some(context), "-----BEGIN SSH SIGNATURE-----\r\nAAAA\n-----END SSH SIGNATURE-----\n");
        let nodes = crate::syntax::parse_reference(&text).expect("parses as KDL v2");
        let node = &nodes[0];
        assert_eq!(node.entries[0].value, crate::syntax::Value::String("null".into()));
        let children = node.children.as_ref().unwrap();
        let value = |name: &str| {
            let n = children.iter().find(|c| c.name.value == name).unwrap();
            match &n.entries[0].value {
                crate::syntax::Value::String(s) => s.clone(),
                v => panic!("{v:?}"),
            }
        };
        assert_eq!(value("statement"), s.text());
        assert_eq!(value("context"), context);
        assert_eq!(value("context-digest"), s.context.clone().unwrap());
        assert_eq!(value("signature"), "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----");
    }

    #[test]
    fn replace_keeps_everything_else() {
        let text = "// header\n\nsignoff a {\n    party client\n}\n\n// keep me\nsignoff b { party provider }\n";
        let start = text.find("signoff a").unwrap();
        let end = text.find("}\n").unwrap() + 1;
        let out = replace(text, &[Span::new(start, end)], "signoff c {}\n");
        assert_eq!(out, "// header\n\n// keep me\nsignoff b { party provider }\n\nsignoff c {}\n");
        assert_eq!(replace("", &[], "x\n"), "x\n");
    }

    #[test]
    fn replace_takes_out_exactly_the_lines_of_a_record_between_others() {
        let text = "// keep\nsignoff a { }\nsignoff b { }\n";
        let start = text.find("signoff a").unwrap();
        let end = start + "signoff a { }".len();
        let out = replace(text, &[Span::new(start, end)], "signoff c { }\n");
        assert_eq!(out, "// keep\nsignoff b { }\n\nsignoff c { }\n");
        // a record sharing its line with other text keeps the line
        let text = "x; signoff a { } // why\nsignoff b { }\n";
        let start = text.find("signoff a").unwrap();
        let end = start + "signoff a { }".len();
        let out = replace(text, &[Span::new(start, end)], "signoff c { }\n");
        assert_eq!(out, "x;  // why\nsignoff b { }\n\nsignoff c { }\n");
    }
}
