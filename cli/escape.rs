//! Neutralising repository text on its way out. Every file, name and string in a plan repository
//! may be crafted: control characters (C0, DEL, C1) could move the cursor or rewrite a line on a
//! terminal, and bidirectional overrides (U+202A–U+202E, U+2066–U+2069, and the marks U+200E,
//! U+200F, U+061C) could make text read differently from what it is; the line and paragraph
//! separators U+2028 and U+2029 could break a line where none is shown. The output sinks apply these
//! functions (`commands::print`, `commands::print_styled`, the JSON, SARIF and GitHub renderers),
//! so every command, present or new, gets them; each returns the text unchanged (borrowed) when
//! nothing needs escaping, which is the usual case.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or a rendered comment as it is.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
        || c == '\r'
}

/// Cheap test on bytes: can the text hold an unsafe character? (Exact for ASCII; for the lead
/// bytes of C1 and of the bidi characters, the caller looks closer.)
#[inline]
fn may_need(s: &str) -> bool {
    s.bytes().any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2)
}

fn escape_with(s: &str, keep: impl Fn(&str, usize) -> usize, write: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !may_need(s) || !s.char_indices().any(|(i, c)| is_unsafe(c) && keep(s, i) == 0) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let kept = if is_unsafe(c) { keep(s, i) } else { 0 };
        if kept > 0 {
            out.push_str(&s[i..i + kept]);
            while chars.peek().is_some_and(|&(j, _)| j < i + kept) {
                chars.next();
            }
        } else if is_unsafe(c) {
            write(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character as the text `\u{..}` (its code point in hex).
pub fn visible(c: char, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// `s` between double quotes, as KDL and JSON strings share it: `"` and `\` backslash-escaped,
/// a line feed and a tab written `\n` and `\t`, and every other character as `other` writes it
/// (each string syntax has its own further escapes).
pub fn quoted(s: &str, out: &mut String, other: impl Fn(char, &mut String)) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => other(c, out),
        }
    }
    out.push('"');
}

/// `CRLF` is a line end (iCalendar uses it), a lone CR is not.
fn crlf(s: &str, i: usize) -> usize {
    if s[i..].starts_with("\r\n") {
        2
    } else {
        0
    }
}

/// For plain text on a terminal: unsafe characters become visible escapes (`\u{1b}`, `\u{202e}`);
/// newlines, tabs and CRLF stay.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_with(s, crlf, visible)
}

/// For repository text inside one line of plain or styled output (a file name, a message, a
/// table cell, a header): as [`terminal`], and every line break too (`\n`, `\r`, CRLF; NEL, VT,
/// FF, LS and PS are unsafe anyway) becomes a visible escape, so the text never starts a line
/// of its own: on GitHub Actions a line starting with `::` is a workflow command. The output's
/// own layout newlines are added around such text, never inside it.
pub fn line(s: &str) -> Cow<'_, str> {
    if !may_need(s) && !s.contains('\n') {
        return Cow::Borrowed(s);
    }
    if !s.chars().any(|c| c == '\n' || is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => visible(c, &mut out),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// For a whole text a command prints that is not a workflow-command format: a line that starts
/// with `::` (which GitHub Actions would read as a workflow command: an annotation, `add-mask`,
/// `stop-commands`) gets its first colon as a visible `\u{3a}`. Repository text is escaped with
/// [`line`] where it is placed, so this is the backstop of the output sinks, not the escaping.
pub fn no_workflow_commands(s: Cow<'_, str>) -> Cow<'_, str> {
    // styled text: a colour sequence before the colons is gone once colour is stripped
    if !s.contains("::") || !(s.starts_with("::") || s.contains("\n::") || s.contains("\r::") || s.contains("m::")) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_start = true;
    let mut rest: &str = &s;
    while !rest.is_empty() {
        if at_start {
            let n = sgr(rest, 0);
            if n > 0 && rest.as_bytes()[0] == 0x1b {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
            if rest.starts_with("::") {
                out.push_str("\\u{3a}");
                rest = &rest[1..];
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        at_start = c == '\n' || c == '\r';
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Length of an SGR sequence (`ESC [ digits and ; m`: colour and weight only) at `i`, else 0.
fn sgr(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    if b[i] != 0x1b || b.get(i + 1) != Some(&b'[') {
        return crlf(s, i);
    }
    let n = b[i + 2..].iter().take_while(|c| c.is_ascii_digit() || **c == b';').count();
    if b.get(i + 2 + n) == Some(&b'm') {
        n + 3
    } else {
        0
    }
}

/// For styled text on a terminal: as [`terminal`], but the colour and weight sequences (SGR)
/// the renderer wrote stay; nothing that moves the cursor or clears does. Repository text inside
/// styled output is escaped with [`terminal`] by the renderer first.
pub fn terminal_styled(s: &str) -> Cow<'_, str> {
    escape_with(s, sgr, visible)
}

/// For JSON text (as serde_json writes it: C0 already escaped): DEL, C1 and bidi characters
/// become `\uXXXX` escapes, which decode to the same string.
pub fn json(s: &str) -> Cow<'_, str> {
    escape_with(
        s,
        |s, i| usize::from(s.as_bytes()[i] < 0x20) * s[i..].chars().next().map_or(1, char::len_utf8),
        |c, out| {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", c as u32);
        },
    )
}

/// For Markdown and GitHub annotations: unsafe characters become visible `U+202E` text.
pub fn markup(s: &str) -> Cow<'_, str> {
    escape_with(
        s,
        |_, _| 0,
        |c, out| {
            use std::fmt::Write as _;
            let _ = write!(out, "U+{:04X}", c as u32);
        },
    )
}

/// For plain text placed inside Markdown (a pull-request comment, an issue, a job summary, a
/// table cell): the text reads as it is and is never markup. This is the one Markdown escaper:
/// on top of [`markup`], `&`, `<` and `>` become entities (no HTML), ASCII punctuation that
/// Markdown gives a meaning is backslash-escaped (no emphasis, links, code, tables or headings),
/// a line break or tab becomes a space, and `@` and `#` are followed by a zero-width space, so
/// `@someone` mentions no one and `#123` links no issue. An e-mail address or a URL (`http://`,
/// `https://`, `mailto:`, `www.`) becomes a code span instead: inert (no link, no mention) and
/// copied exactly, with no invisible character inside. For text inside a line (after a list
/// marker, in a cell): at the start of a line, `-`, `+`, `=` and `1.` would still begin a block.
pub fn markdown(s: &str) -> String {
    let s = markup(s);
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest: &str = &s;
    while !rest.is_empty() {
        let ws = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        for c in rest[..ws].chars() {
            out.push(if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c });
        }
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        let core = token.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"']);
        if is_address(core) {
            out.push('`');
            out.push_str(core);
            out.push('`');
            out.push_str(&markdown_plain(&token[core.len()..]));
        } else {
            out.push_str(&markdown_plain(token));
        }
    }
    out
}

/// One word of [`markdown`] that is not an address, escaped character by character.
fn markdown_plain(s: &str) -> String {
    no_autolinks(with_entities(s, |c, out| match c {
        '\n' | '\r' | '\t' => out.push(' '),
        '@' | '#' => {
            out.push(c);
            out.push('\u{200b}');
        }
        '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '!' | '|' | '~' | '$' => {
            out.push('\\');
            out.push(c);
        }
        _ => out.push(c),
    }))
}

/// `s` with `&`, `<` and `>` as entities (what Markdown and XML share), every other character as
/// `other` writes it.
fn with_entities(s: &str, other: impl Fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => other(c, &mut out),
        }
    }
    out
}

/// Whether a word is an e-mail address or a URL that a code span can hold as it is: only the
/// characters of addresses (no backtick, no `|` that would split a table cell, no `<`, `>`).
fn is_address(w: &str) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
    if w.len() < 4 || !w.chars().all(plain) {
        return false;
    }
    let lower = w.to_ascii_lowercase();
    let url = ["http://", "https://", "mailto:", "www."].iter().any(|p| lower.starts_with(p) && w.len() > p.len());
    let email = match w.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.chars().all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        }
        None => false,
    };
    url || email
}

/// For XML 1.0 text and attribute values (JUnit reports): `&`, `<`, `>`, `"` and `'` become
/// entities, tab and line feed become character references (so an attribute keeps them), and
/// every character XML 1.0 forbids (the C0 controls but tab, line feed and carriage return;
/// U+FFFE, U+FFFF), like the other unsafe characters (a carriage return, DEL, C1, bidi controls,
/// line separators), becomes visible `\u{..}` text, since no reference can stand for them.
pub fn xml(s: &str) -> String {
    with_entities(s, |c, out| match c {
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        '\n' => out.push_str("&#10;"),
        '\t' => out.push_str("&#9;"),
        '\u{fffe}' | '\u{ffff}' => visible(c, out),
        c if is_unsafe(c) => visible(c, out),
        c => out.push(c),
    })
}

/// GitHub turns bare `https://…` and `www.…` into links by itself: a zero-width space after the
/// scheme's colon and after `www` keeps them text.
pub fn no_autolinks(s: String) -> String {
    if !s.contains("://") && !s.to_ascii_lowercase().contains("www.") {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    let b = s.as_bytes();
    for (i, c) in s.char_indices() {
        out.push(c);
        if c == ':' && b[i + 1..].starts_with(b"//") {
            out.push('\u{200b}');
        }
        if (c == 'w' || c == 'W') && i >= 2 && b[i - 2..=i].eq_ignore_ascii_case(b"www") && b.get(i + 1) == Some(&b'.')
        {
            out.push('\u{200b}');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(terminal("Müller\tx\n–"), Cow::Borrowed(_)));
        assert!(matches!(json("{\"a\": \"ü\"}\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(
            terminal("a\u{1b}[2Ab\rc\r\nd\u{7f}\u{85}\u{202e}\u{2066}"),
            "a\\u{1b}[2Ab\\u{d}c\r\nd\\u{7f}\\u{85}\\u{202e}\\u{2066}"
        );
        assert_eq!(
            terminal_styled("\u{1b}[1;31mx\u{1b}[0m \u{1b}[2J\u{1b}]0;t\u{7}"),
            "\u{1b}[1;31mx\u{1b}[0m \\u{1b}[2J\\u{1b}]0;t\\u{7}"
        );
        assert_eq!(terminal("a\u{61c}b\u{2028}c\u{2029}"), "a\\u{61c}b\\u{2028}c\\u{2029}");
        assert_eq!(json("\"a\u{202e}b\u{9b}\""), "\"a\\u202eb\\u009b\"");
        let v: serde_json::Value = serde_json::from_str(&json("\"a\u{202e}\"")).unwrap();
        assert_eq!(v, "a\u{202e}");
        assert_eq!(markup("x\u{202e}y\u{0}"), "xU+202EyU+0000");
    }

    #[test]
    fn line_breaks_never_start_a_line_of_their_own() {
        assert!(matches!(line("Müller\tx –"), Cow::Borrowed(_)));
        assert_eq!(
            line("a\r\n::b\r::c\n::d\u{85}::e\u{b}::f\u{c}::g\u{2028}::h\u{2029}::i\u{1b}"),
            "a\\r\\n::b\\r::c\\n::d\\u{85}::e\\u{b}::f\\u{c}::g\\u{2028}::h\\u{2029}::i\\u{1b}"
        );
        assert_eq!(no_workflow_commands("::x\nok ::y\n::z\r\n".into()), "\\u{3a}:x\nok ::y\n\\u{3a}:z\r\n");
        assert!(matches!(no_workflow_commands("a ::b\n".into()), Cow::Borrowed(_)));
        assert_eq!(no_workflow_commands("\u{1b}[1m::x\u{1b}[0m\n".into()), "\u{1b}[1m\\u{3a}:x\u{1b}[0m\n");
    }

    #[test]
    fn xml_text_is_well_formed_and_keeps_its_meaning() {
        assert_eq!(xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("x\u{0}\u{1b}y\u{fffe}\u{202e}\r\n\t"), "x\\u{0}\\u{1b}y\\u{fffe}\\u{202e}\\u{d}&#10;&#9;");
        assert_eq!(xml("]]>"), "]]&gt;");
        assert_eq!(xml("Müller – ü"), "Müller – ü");
    }

    #[test]
    fn markdown_text_is_never_markup() {
        assert_eq!(markdown("Call @ops-team about #123"), "Call @\u{200b}ops-team about #\u{200b}123");
        assert_eq!(markdown("<img src=x> **b** [l](u) a|b\nc"), "&lt;img src=x&gt; \\*\\*b\\*\\* \\[l\\](u) a\\|b c");
        assert_eq!(markdown("x\u{202e}"), "xU+202E");
        // addresses are code spans: inert, and copied without an invisible character
        assert_eq!(
            markdown("see https://evil.example/x, or WWW.evil.example. Mail anna.schmidt@hpb.example!"),
            "see `https://evil.example/x`, or `WWW.evil.example`. Mail `anna.schmidt@hpb.example`\\!"
        );
        // what a code span cannot hold stays escaped text
        assert_eq!(markdown("https://a.example/`x`|y"), "https:\u{200b}//a.example/\\`x\\`\\|y");
        assert_eq!(markdown("@team\tsee #12 ~x~ {y}"), "@\u{200b}team see #\u{200b}12 \\~x\\~ \\{y\\}");
        assert_eq!(markdown("a@b"), "a@\u{200b}b");
    }
}
