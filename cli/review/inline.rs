//! contingent's own sentences, with repository text inside, as Markdown that reads as the
//! terminal does: a backticked name becomes a code span (never a backslashed backtick), a JSON
//! value a finding quotes becomes plain words (never a raw JSON array), and a changed long value
//! shows what changed (`2000 → 2099`) instead of both values whole. Everything stays inert: code
//! spans hold text as it is, the rest goes through [`crate::escape::markdown`].

use serde_json::Value;

use crate::escape::markdown as md;

/// Text longer than this (both sides together, in characters) is shown as what changed.
const LONG: usize = 60;
/// Unchanged text kept beside a change, in characters.
const CONTEXT: usize = 16;

/// A code span holding `s` as it is: unsafe characters as visible `U+XXXX`, line breaks as
/// spaces, and a fence longer than any run of backticks inside.
pub fn code(s: &str) -> String {
    let s = crate::escape::markup(s).replace(['\n', '\r', '\t'], " ");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// One of contingent's messages as Markdown: the parts between backticks are code spans, JSON
/// values are words, `was A, is now B` names what changed.
pub fn message(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::with_capacity(s.len() + 16);
    for (i, p) in parts.iter().enumerate() {
        if i % 2 == 1 && i + 1 < parts.len() {
            out.push_str(&code(p));
        } else {
            if i % 2 == 1 {
                // an unmatched backtick: shown as one
                out.push_str("\\`");
            }
            out.push_str(&prose(p));
        }
    }
    out
}

/// Text with JSON values in it (`was ["a","b"], is now ["a","c"]`).
fn prose(s: &str) -> String {
    let mut out = String::new();
    let mut plain = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(was) = rest.strip_prefix("was ") {
            if let Some((old, n1)) = json_at(was) {
                if let Some(now) = was[n1..].strip_prefix(", is now ") {
                    if let Some((new, n2)) = json_at(now) {
                        out.push_str(&md(&s[plain..i]));
                        out.push_str(&changed_values(&old, &new));
                        i += 4 + n1 + ", is now ".len() + n2;
                        plain = i;
                        continue;
                    }
                }
            }
        }
        if rest.starts_with(['[', '{', '"']) {
            if let Some((v, n)) = json_at(rest) {
                out.push_str(&md(&s[plain..i]));
                out.push_str(&words(&v));
                i += n;
                plain = i;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&md(&s[plain..]));
    out
}

/// A JSON array, object or string at the start of `s`, and its length in bytes.
fn json_at(s: &str) -> Option<(Value, usize)> {
    if !s.starts_with(['[', '{', '"']) {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Some((v, stream.byte_offset())),
        _ => None,
    }
}

/// A JSON value as plain words: a list as its items, an object as `key: value` pairs.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Object(o) => {
            let rest: Vec<String> =
                o.iter().filter(|(k, _)| *k != "value").map(|(k, v)| format!("{k} {}", plain(v))).collect();
            match (o.get("value"), rest.is_empty()) {
                (Some(v), true) => plain(v),
                (Some(v), false) => format!("{} ({})", plain(v), rest.join(", ")),
                (None, _) => rest.join(", "),
            }
        }
        Value::Null => "nothing".to_string(),
        other => other.to_string(),
    }
}

fn words(v: &Value) -> String {
    match v {
        Value::Array(a) if a.is_empty() => "none".to_string(),
        v => md(&plain(v)),
    }
}

/// `was A, is now B` for two JSON values: for lists, what left and what came
/// (`2000 → 2099`, the unchanged items counted); for long text, the changed words.
fn changed_values(old: &Value, new: &Value) -> String {
    if let (Value::Array(a), Value::Array(b)) = (old, new) {
        let gone: Vec<String> = a.iter().filter(|x| !b.contains(x)).map(plain).collect();
        let came: Vec<String> = b.iter().filter(|x| !a.contains(x)).map(plain).collect();
        let kept = a.iter().filter(|x| b.contains(x)).count();
        let kept = if kept == 0 { String::new() } else { format!(" ({kept} unchanged)") };
        return match (gone.as_slice(), came.as_slice()) {
            ([], []) => format!("reordered{kept}"),
            (g, []) => format!("removed {}{kept}", md(&g.join(", "))),
            ([], c) => format!("added {}{kept}", md(&c.join(", "))),
            ([g], [c]) => format!("changed: {}{kept}", changed_text(g, c)),
            (g, c) => format!("changed: **{} → {}**{kept}", md(&g.join(", ")), md(&c.join(", "))),
        };
    }
    format!("changed: {}", changed_text(&plain(old), &plain(new)))
}

/// Two versions of a text: `old → new` when short, else the changed words in bold with a
/// little unchanged text around them (`…+49 30 **2000 → 2099** 24x7…`).
pub fn changed_text(old: &str, new: &str) -> String {
    if old.chars().count() + new.chars().count() <= LONG {
        return format!("**{} → {}**", md(old), md(new));
    }
    let diff = similar::TextDiff::from_words(old, new);
    // runs of equal text, and changes as (removed, added)
    let mut runs: Vec<(bool, String, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let equal = change.tag() == similar::ChangeTag::Equal;
        if runs.last().is_none_or(|r| r.0 != equal) {
            runs.push((equal, String::new(), String::new()));
        }
        let last = runs.last_mut().expect("pushed");
        match change.tag() {
            similar::ChangeTag::Insert => last.2.push_str(change.value()),
            _ => last.1.push_str(change.value()),
        }
    }
    let mut out = String::new();
    let n = runs.len();
    for (i, (equal, a, b)) in runs.iter().enumerate() {
        if *equal {
            out.push_str(&md(&context(a, i > 0, i + 1 < n)));
            continue;
        }
        let (a, b) = (a.trim(), b.trim());
        let shown = match (a.is_empty(), b.is_empty()) {
            (false, false) => format!("**{} → {}**", md(a), md(b)),
            (true, _) => format!("**added {}**", md(b)),
            (_, true) => format!("**removed {}**", md(a)),
        };
        out.push_str(&shown);
    }
    out.trim().to_string()
}

/// Unchanged text between changes, shortened to its ends beside them.
fn context(s: &str, after_change: bool, before_change: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let keep = CONTEXT * (usize::from(after_change) + usize::from(before_change));
    if chars.len() <= keep.max(CONTEXT) + 1 {
        return s.to_string();
    }
    let head: String = if after_change { chars[..CONTEXT].iter().collect() } else { String::new() };
    let tail: String = if before_change { chars[chars.len() - CONTEXT..].iter().collect() } else { String::new() };
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_on_the_terminal() {
        assert_eq!(
            message("plan `payroll` relies on objects that changed: contact `rzn-duty`: `phone` was [\"+49 30 2000\",\"+49 30 3000\"], is now [\"+49 30 2099\",\"+49 30 3000\"]; needs re-approval"),
            "plan `payroll` relies on objects that changed: contact `rzn-duty`: `phone` changed: **+49 30 2000 → +49 30 2099** (1 unchanged); needs re-approval"
        );
        assert_eq!(message("a `x` b ` c"), "a `x` b \\` c");
        assert_eq!(message("id `a``b` @x"), "id `a``b` @\u{200b}x");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("@team #1 <b>\u{202e}"), "`@team #1 <b>U+202E`");
        assert_eq!(message("members [\"a\",\"b\"] and [] here"), "members a, b and none here");
    }

    #[test]
    fn a_long_value_shows_what_changed() {
        let old = "phone +49 30 123456 2000 24x7, mobile +49 170 555 0100 office hours, email duty@rzn.example";
        let new = "phone +49 30 123456 2099 24x7, mobile +49 170 555 0100 office hours, email duty@rzn.example";
        let shown = changed_text(old, new);
        assert!(shown.contains("**2000 → 2099**"), "{shown}");
        assert!(shown.len() < old.len(), "{shown}");
        assert_eq!(changed_text("1h", "2h"), "**1h → 2h**");
    }
}
