//! The canonical layout of a KDL file (`contingent fmt`), as a pure function of its text.
//!
//! The formatter works on KDL's tokens, not on a parsed document, so that nothing but whitespace
//! can change: strings (quoted, raw, multi-line) and comments (`//`, nested `/* */`) are copied
//! byte for byte, and so are slashdashed parts. The layout:
//!
//! - four spaces of indentation per `{` block (counted from the tokens, so slashdashed blocks
//!   too), a line that starts with `}` one level less, a continuation line after `\` one more;
//! - one space between tokens that had space between them, none around `=`, inside `( )` and
//!   before `;`, one before `{` and before a `//` comment that follows a token;
//! - no trailing whitespace (a `//` comment's trailing blanks included), at most one blank line in a row, none at the start or end of a
//!   block or of the file, `\n` line ends (inside strings and comments line ends are kept), one
//!   `\n` at the end.
//!
//! [`format`] then proves its result: the output must parse to the same tree (names, types,
//! values, children; spans aside) and equal the input once all whitespace is removed from both,
//! which keeps every comment and literal. A file for which either fails is left as it is and
//! reported, never rewritten.

use crate::diagnostic::{Diagnostic, FileId};
use crate::syntax::{self, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// spaces and tabs (and KDL's other blanks)
    Space,
    Newline,
    /// a quoted or raw string, single- or multi-line, verbatim
    Str,
    LineComment,
    BlockComment,
    Slashdash,
    Open,
    Close,
    Semi,
    Eq,
    LParen,
    RParen,
    /// a line continuation `\`
    Escline,
    /// identifiers, numbers, keywords (`#true`), a byte-order mark
    Word,
}

/// Newlines as KDL v2 has them; returns the length of the one at `i`, or 0.
fn newline_at(s: &str, i: usize) -> usize {
    let rest = &s[i..];
    if rest.starts_with("\r\n") {
        return 2;
    }
    match rest.chars().next() {
        Some(c @ ('\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')) => c.len_utf8(),
        _ => 0,
    }
}

fn is_space(c: char) -> bool {
    c != '\u{FEFF}'
        && c.is_whitespace()
        && !matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The tokens of a document that parses (on other text the result is meaningless but finite).
fn tokens(s: &str) -> Vec<(Tok, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        let c = s[i..].chars().next().expect("in bounds");
        let n = newline_at(s, i);
        let kind = if n > 0 {
            i += n;
            Tok::Newline
        } else if is_space(c) {
            while i < s.len() && s[i..].chars().next().is_some_and(is_space) {
                i += s[i..].chars().next().map_or(1, char::len_utf8);
            }
            Tok::Space
        } else if s[i..].starts_with("//") {
            while i < s.len() && newline_at(s, i) == 0 {
                i += s[i..].chars().next().map_or(1, char::len_utf8);
            }
            Tok::LineComment
        } else if s[i..].starts_with("/*") {
            let mut depth = 0usize;
            while i < s.len() {
                if s[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if s[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += s[i..].chars().next().map_or(1, char::len_utf8);
                }
            }
            Tok::BlockComment
        } else if s[i..].starts_with("/-") {
            i += 2;
            Tok::Slashdash
        } else if c == '"' || (c == '#' && b[i..].iter().position(|&x| x != b'#').is_some_and(|p| b[i + p] == b'"')) {
            let hashes = b[i..].iter().take_while(|&&x| x == b'#').count();
            i += hashes;
            // `"""` opens a multi-line string only when a newline follows (else `#"""x"#` is a
            // raw string holding `""x`, and `""` an empty string)
            let multi = s[i..].starts_with("\"\"\"") && {
                let after = s[i + 3..].trim_start_matches(is_space);
                newline_at(after, 0) > 0
            };
            i += if multi { 3 } else { 1 };
            let close = format!("{}{}", if multi { "\"\"\"" } else { "\"" }, "#".repeat(hashes));
            while i < s.len() {
                if hashes == 0 && b[i] == b'\\' {
                    i += 1;
                    i += s[i..].chars().next().map_or(0, char::len_utf8);
                } else if s[i..].starts_with(&close) {
                    i += close.len();
                    break;
                } else {
                    i += s[i..].chars().next().map_or(1, char::len_utf8);
                }
            }
            Tok::Str
        } else {
            i += c.len_utf8();
            match c {
                '{' => Tok::Open,
                '}' => Tok::Close,
                ';' => Tok::Semi,
                '=' => Tok::Eq,
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                '\\' => Tok::Escline,
                _ => {
                    while i < s.len() {
                        let d = s[i..].chars().next().expect("in bounds");
                        if newline_at(s, i) > 0 || is_space(d) || "{}();=\"/\\".contains(d) {
                            break;
                        }
                        i += d.len_utf8();
                    }
                    Tok::Word
                }
            }
        };
        out.push((kind, &s[start..i]));
    }
    out
}

struct Line {
    text: String,
    /// where a `//` comment after code starts (bytes), to align the comments of adjacent lines
    comment_at: Option<usize>,
    level: usize,
    /// the line ends with a `\` (and maybe a comment): the next newline does not end the node
    continues: bool,
    opens: bool,
    closes_first: bool,
}

/// Adjacent lines of one level that each end with a `//` comment after code get their comments
/// aligned one space after the longest code (counted in characters).
fn align_comments(lines: &mut [Line]) {
    let mut i = 0;
    while i < lines.len() {
        let Some(_) = lines[i].comment_at else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j < lines.len() && lines[j].comment_at.is_some() && lines[j].level == lines[i].level {
            j += 1;
        }
        if j - i > 1 {
            let width = |l: &Line| l.text[..l.comment_at.expect("in group")].trim_end().chars().count();
            let column = lines[i..j].iter().map(width).max().unwrap_or(0) + 1;
            for l in &mut lines[i..j] {
                let at = l.comment_at.expect("in group");
                let code = l.text[..at].trim_end().to_string();
                let pad = column - code.chars().count();
                l.text = format!("{code}{}{}", " ".repeat(pad), &l.text[at..]);
            }
        }
        i = j;
    }
}

/// The canonical spelling of a string or word token: a quoted string without escapes whose
/// text is a plain word is written bare, a single-line raw string that needs no escape is
/// quoted (or bare), a bare word that is not a plain ASCII word is quoted: one quoting style
/// ([`crate::diagnostic::kdl_word`]). Multi-line strings, strings with escapes and numbers and
/// keywords stay as they are.
fn canonical(k: Tok, t: &str) -> std::borrow::Cow<'_, str> {
    use crate::diagnostic::{is_plain_word, kdl_word};
    use std::borrow::Cow;
    match k {
        Tok::Str => match string_value(t) {
            Some(v)
                if !v.contains(['"', '\\']) && !v.chars().any(|c| c.is_control() || crate::escape::is_unsafe(c)) =>
            {
                Cow::Owned(kdl_word(v))
            }
            _ => Cow::Borrowed(t),
        },
        Tok::Word => {
            let first = t.chars().next().unwrap_or('0');
            let number_or_keyword = first.is_ascii_digit()
                || matches!(first, '#' | '\u{feff}')
                || ((first == '-' || first == '+' || first == '.')
                    && t[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.'));
            if number_or_keyword || is_plain_word(t) || matches!(t, "-" | "+") {
                Cow::Borrowed(t)
            } else {
                Cow::Owned(crate::diagnostic::kdl_quoted(t))
            }
        }
        _ => Cow::Borrowed(t),
    }
}

/// The text of a single-line string token without escapes: `"abc"` and `#"abc"#` give `abc`;
/// `None` for a multi-line string or one with a backslash escape.
fn string_value(t: &str) -> Option<&str> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    let inner = t.get(hashes..t.len().checked_sub(hashes)?)?;
    let v = inner.strip_prefix('"')?.strip_suffix('"')?;
    if v.starts_with("\"\"")
        || (hashes == 0 && v.contains('\\'))
        || v.contains(|c: char| newline_at(&c.to_string(), 0) > 0)
    {
        return None;
    }
    Some(v)
}

/// One node per line: a `;` between nodes becomes a line break (a trailing one goes), and a
/// block written on one line (`a { b; c }`) gets its children on lines of their own.
fn one_node_per_line<'a>(toks: Vec<(Tok, &'a str)>) -> Vec<(Tok, &'a str)> {
    let mut out: Vec<(Tok, &'a str)> = Vec::with_capacity(toks.len());
    let significant = |t: &(Tok, &str)| !matches!(t.0, Tok::Space);
    for (i, &(k, t)) in toks.iter().enumerate() {
        let next = toks[i + 1..].iter().find(|t| significant(t)).map(|t| t.0);
        let line_ends_next = matches!(next, None | Some(Tok::Newline | Tok::LineComment));
        match k {
            Tok::Semi => {
                if !line_ends_next && next != Some(Tok::Close) {
                    out.push((Tok::Newline, "\n"));
                }
            }
            Tok::Open => {
                out.push((k, t));
                if !line_ends_next && next != Some(Tok::Close) {
                    out.push((Tok::Newline, "\n"));
                }
            }
            Tok::Close => {
                let prev = out.iter().rev().find(|t| significant(t)).map(|t| t.0);
                if !matches!(prev, None | Some(Tok::Newline | Tok::Open)) {
                    out.push((Tok::Newline, "\n"));
                }
                out.push((k, t));
            }
            _ => out.push((k, t)),
        }
    }
    out
}

/// The canonical layout of `src`, without the proof (see [`format`]).
pub fn layout(src: &str) -> String {
    let canon: Vec<(Tok, std::borrow::Cow<'_, str>)> =
        tokens(src).into_iter().map(|(k, t)| (k, canonical(k, t))).collect();
    let toks: Vec<(Tok, &str)> = one_node_per_line(canon.iter().map(|(k, t)| (*k, t.as_ref())).collect());
    let mut lines: Vec<Line> = Vec::new();
    let mut depth: usize = 0;
    let mut continuation = false;
    let mut raws: Vec<&[(Tok, &str)]> = toks.split(|(k, _)| *k == Tok::Newline).collect();
    // what follows the last newline is no line of its own
    if raws.last().is_some_and(|r| r.is_empty()) {
        raws.pop();
    }
    for raw in raws {
        let mut sig: Vec<(Tok, &str, bool)> = Vec::new();
        let mut spaced = false;
        for &(k, t) in raw {
            if k == Tok::Space {
                spaced = true;
            } else {
                sig.push((k, t, spaced));
                spaced = false;
            }
        }
        if sig.is_empty() {
            lines.push(Line {
                text: String::new(),
                comment_at: None,
                level: 0,
                continues: continuation,
                opens: false,
                closes_first: false,
            });
            continuation = false;
            continue;
        }
        let closes_first = sig[0].0 == Tok::Close;
        let level = if closes_first { depth.saturating_sub(1) } else { depth } + usize::from(continuation);
        let mut text = "    ".repeat(level);
        let mut comment_at = None;
        for (i, &(k, t, spaced)) in sig.iter().enumerate() {
            if i > 0 {
                let prev = sig[i - 1].0;
                let space = match (prev, k) {
                    (Tok::Eq, _) | (_, Tok::Eq) | (Tok::LParen, _) | (_, Tok::RParen) | (_, Tok::Semi) => false,
                    (_, Tok::Open) | (_, Tok::LineComment) => true,
                    _ => spaced,
                };
                if space {
                    text.push(' ');
                }
                if k == Tok::LineComment && !text.contains('\n') {
                    comment_at = Some(text.len());
                }
            }
            // a comment's trailing blanks are trailing whitespace of the line
            text.push_str(if k == Tok::LineComment { t.trim_end() } else { t });
        }
        for &(k, _, _) in &sig {
            match k {
                Tok::Open => depth += 1,
                Tok::Close => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let last = sig.iter().rev().find(|(k, _, _)| *k != Tok::LineComment).map(|s| s.0);
        let next_continues = last == Some(Tok::Escline);
        lines.push(Line {
            text,
            comment_at,
            level,
            continues: next_continues,
            opens: last == Some(Tok::Open),
            closes_first,
        });
        continuation = next_continues;
    }
    align_comments(&mut lines);
    // Blank lines: at most one in a row; none at the start or end of the file or of a block,
    // except one that ends a node after a continuation (it is its terminator).
    let mut out = String::with_capacity(src.len());
    let mut pending_blank = false;
    let mut prev: Option<&Line> = None;
    for line in &lines {
        if line.text.is_empty() {
            if line.continues {
                // a blank line right after `\`: it terminates the node, keep it
                out.push('\n');
                prev = Some(line);
                continue;
            }
            pending_blank = prev.is_some_and(|p| !p.opens);
            continue;
        }
        if pending_blank && !line.closes_first {
            out.push('\n');
        }
        pending_blank = false;
        out.push_str(&line.text);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// A formatted file, or why it was left as it is.
#[derive(Debug)]
pub enum Formatted {
    /// The canonical text (equal to the input when it was formatted already).
    Text(String),
    /// The file does not parse: its diagnostics (file id 0).
    Invalid(Vec<Diagnostic>),
    /// The layout would change the document or lose text (a bug): left untouched.
    Unsafe(&'static str),
}

/// Formats a file, or says why not. Nothing but whitespace changes, proven on every file.
pub fn format(src: &str) -> Formatted {
    let mut diags = Vec::new();
    let before = syntax::parse(FileId(0), src, &mut diags);
    let Some(before) = before.filter(|_| diags.is_empty()) else {
        return Formatted::Invalid(diags);
    };
    let out = layout(src);
    let mut again = Vec::new();
    let Some(after) = syntax::parse(FileId(0), &out, &mut again).filter(|_| again.is_empty()) else {
        return Formatted::Unsafe("the formatted text does not parse");
    };
    if shape(&before) != shape(&after) {
        return Formatted::Unsafe("the formatted text would mean something else");
    }
    if meaning(src) != meaning(&out) {
        return Formatted::Unsafe("the formatted text would lose a comment or change a literal");
    }
    Formatted::Text(out)
}

/// The tokens that carry meaning, each as what it means: strings by their text (however
/// quoted), comments and everything else by their bytes; whitespace and `;` left out. Equal for
/// two layouts of one document, slashdashed parts and comments included.
fn meaning(src: &str) -> Vec<String> {
    tokens(src)
        .into_iter()
        .filter(|(k, _)| !matches!(k, Tok::Space | Tok::Newline | Tok::Semi))
        .map(|(k, t)| match k {
            Tok::Str => format!("s{}", string_value(t).unwrap_or(t)),
            Tok::Word => format!("s{t}"),
            Tok::LineComment => format!("c{}", t.trim_end()),
            _ => format!("t{t}"),
        })
        .collect()
}

/// The document without spans, as text: what two layouts of one document share.
pub fn shape(nodes: &[Node]) -> String {
    fn walk(nodes: &[Node], out: &mut String) {
        for n in nodes {
            if let Some(t) = &n.ty {
                out.push_str(&format!("({:?})", t.value));
            }
            out.push_str(&format!("{:?}", n.name.value));
            for e in &n.entries {
                out.push(' ');
                if let Some(k) = &e.name {
                    out.push_str(&format!("{:?}=", k.value));
                }
                if let Some(t) = &e.ty {
                    out.push_str(&format!("({:?})", t.value));
                }
                out.push_str(&e.value.to_string());
            }
            if let Some(c) = &n.children {
                out.push_str(" {\n");
                walk(c, out);
                out.push('}');
            }
            out.push('\n');
        }
    }
    let mut out = String::new();
    walk(nodes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        match format(s) {
            Formatted::Text(t) => t,
            other => panic!("{other:?} for {s:?}"),
        }
    }

    #[test]
    fn layout_is_canonical_and_keeps_comments() {
        let src = "\n\n// head\n\n\n\nplan  x   a = 1  {  // open\n\n  title \"t  t\"   // c\n\t\tstep  \"s\"\n\n\n  /- old  \"x\" {\n  inner\n  }\n\n}\n\n\n(t)n  (u)\"v\" ;  m\n";
        let want = "// head\n\nplan x a=1 { // open\n    title \"t  t\" // c\n    step s\n\n    /- old x {\n        inner\n    }\n}\n\n(t)n (u)v\nm\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn a_node_per_line_and_one_quoting_style() {
        let src = "contact a { party \"hpb\"; name \"Anna Schmidt\"; verified \"2026-01-01\"; }\nb #\"raw\"# #\"x \\ y\"# M\u{fc}ller \"a\\tb\" \"\"\nc {}\nd { e 1 }\n";
        let want = "contact a {\n    party hpb\n    name \"Anna Schmidt\"\n    verified \"2026-01-01\"\n}\nb raw #\"x \\ y\"# \"M\u{fc}ller\" \"a\\tb\" \"\"\nc {}\nd {\n    e 1\n}\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn trailing_comments_of_adjacent_lines_are_aligned() {
        let src = "b {\n    media dedicated // one\n    schedule every=\"24h\"       // two\n    retention \"9d\"\n    offsite #true     // three\n}\n";
        let want = "b {\n    media dedicated      // one\n    schedule every=\"24h\" // two\n    retention \"9d\"\n    offsite #true // three\n}\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn strings_and_comments_stay_byte_for_byte() {
        let src = "a \"\"\"\n      keep   this\n    \"\"\" #\"raw \\ \"quote\"\"# b=##\"x\"#\"##\n/* multi\n   line */ c\nd \\ // continued\n  1 \\\n  2\n";
        let out = fmt(src);
        assert!(out.contains("\"\"\"\n      keep   this\n    \"\"\""), "{out}");
        assert!(out.contains("#\"raw \\ \"quote\"\"#") && out.contains("b=##\"x\"#\"##"), "{out}");
        assert!(out.contains("/* multi\n   line */ c"), "{out}");
        assert!(out.contains("d \\ // continued\n    1 \\\n    2\n"), "{out}");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn line_ends_and_a_terminating_blank_line_after_a_continuation() {
        assert_eq!(fmt("a 1\r\nb 2\r\n"), "a 1\nb 2\n");
        assert_eq!(fmt("a \\\n\nb"), "a \\\n\nb\n");
    }

    #[test]
    fn what_does_not_parse_is_not_formatted() {
        assert!(matches!(format("a {\n"), Formatted::Invalid(d) if !d.is_empty()));
    }
}
