//! A fast KDL v2 parser for well-formed documents.
//!
//! It returns `None` — "let the reference parser decide" — for anything it does not handle with
//! certainty: every syntax error, and a few rare constructs. The caller then runs the `kdl` crate,
//! which either accepts the document (and its tree is converted) or reports precise errors. So
//! this parser never decides that a document is invalid and never accepts one the reference parser
//! rejects; `tests/kdl_compliance.rs` checks both on the KDL specification's test inputs.

use super::tree::{Entry, Ident, Node, Value};
use crate::diagnostic::Span;

/// Parses a whole document, or `None` when the reference parser must decide.
pub fn parse(src: &str) -> Option<Vec<Node>> {
    let mut p = P { s: src, b: src.as_bytes(), i: 0, depth: 0 };
    if src.starts_with('\u{feff}') {
        p.i = 3;
    }
    let nodes = p.nodes(false)?;
    (p.i == p.b.len()).then_some(nodes)
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

const KEYWORDS: [&str; 6] = ["true", "false", "null", "inf", "-inf", "nan"];

fn is_unicode_space(c: char) -> bool {
    matches!(c, '\t' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

fn is_newline(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{b}' | '\u{c}' | '\u{2028}' | '\u{2029}')
}

fn is_disallowed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{e}'..='\u{1f}' | '\u{200e}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn is_ident_char(c: char) -> bool {
    !(is_unicode_space(c)
        || is_newline(c)
        || is_disallowed(c)
        || matches!(c, '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '=')
        // other equals signs are reserved too; leave them to the reference parser
        || matches!(c, '\u{fe66}' | '\u{ff1d}' | '\u{1f7f0}'))
}

impl P<'_> {
    fn peek(&self) -> Option<char> {
        let &b = self.b.get(self.i)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            self.s[self.i..].chars().next()
        }
    }

    fn at(&self, s: &str) -> bool {
        self.b[self.i..].starts_with(s.as_bytes())
    }

    /// Length of a newline at the cursor (CRLF counts as one), 0 if none.
    fn newline_len(&self) -> usize {
        match self.peek() {
            Some('\r') if self.b.get(self.i + 1) == Some(&b'\n') => 2,
            Some(c) if is_newline(c) => c.len_utf8(),
            _ => 0,
        }
    }

    /// `/* ... */`, nested. The cursor is at `/*`.
    fn block_comment(&mut self) -> Option<()> {
        let mut level = 0usize;
        loop {
            if self.at("/*") {
                level += 1;
                self.i += 2;
            } else if self.at("*/") {
                level -= 1;
                self.i += 2;
                if level == 0 {
                    return Some(());
                }
            } else {
                let c = self.peek()?; // unterminated: reference parser
                self.i += c.len_utf8();
            }
        }
    }

    /// `//` to the end of the line, including the newline.
    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            let n = self.newline_len();
            if n > 0 {
                self.i += n;
                return;
            }
            self.i += c.len_utf8();
        }
    }

    /// Skips `ws*` (unicode spaces and block comments); returns whether anything was skipped.
    fn ws(&mut self) -> Option<bool> {
        let start = self.i;
        loop {
            match self.peek() {
                Some(c) if is_unicode_space(c) => self.i += c.len_utf8(),
                Some('/') if self.at("/*") => self.block_comment()?,
                _ => return Some(self.i > start),
            }
        }
    }

    /// Skips node-space: whitespace and line continuations.
    fn node_space(&mut self) -> Option<bool> {
        let start = self.i;
        loop {
            self.ws()?;
            if self.peek() == Some('\\') {
                self.i += 1;
                self.ws()?;
                if self.at("//") {
                    self.line_comment();
                } else if self.newline_len() > 0 {
                    self.i += self.newline_len();
                } else if self.i < self.b.len() {
                    return None;
                }
                continue;
            }
            return Some(self.i > start);
        }
    }

    /// Skips line-space: node-space, newlines and line comments.
    fn line_space(&mut self) -> Option<()> {
        loop {
            self.node_space()?;
            let n = self.newline_len();
            if n > 0 {
                self.i += n;
            } else if self.at("//") {
                self.line_comment();
            } else {
                return Some(());
            }
        }
    }

    fn nodes(&mut self, in_block: bool) -> Option<Vec<Node>> {
        self.depth += 1;
        if self.depth > 128 {
            return None;
        }
        let mut nodes = Vec::new();
        loop {
            self.line_space()?;
            match self.peek() {
                None if in_block => return None,
                None => break,
                Some('}') if in_block => break,
                Some('}') => return None,
                Some('/') if self.at("/-") => {
                    self.i += 2;
                    self.line_space()?;
                    self.node(in_block)?;
                }
                Some(_) => nodes.push(self.node(in_block)?),
            }
        }
        self.depth -= 1;
        Some(nodes)
    }

    fn type_annotation(&mut self) -> Option<Ident> {
        self.i += 1; // '('
        self.node_space()?;
        let (value, span) = self.string()?;
        self.node_space()?;
        if self.peek() != Some(')') {
            return None;
        }
        self.i += 1;
        Some(Ident { value, span })
    }

    /// A type annotation and the space after it, if one starts here (`Some(None)` when none does).
    fn annotation(&mut self) -> Option<Option<Ident>> {
        if self.peek() != Some('(') {
            return Some(None);
        }
        let t = self.type_annotation()?;
        self.node_space()?;
        Some(Some(t))
    }

    fn node(&mut self, in_block: bool) -> Option<Node> {
        let start = self.i;
        let ty = self.annotation()?;
        let (name, name_span) = self.string()?;
        let mut end = self.i;
        let mut entries = Vec::new();
        let mut children = None;
        let mut saw_block = false;
        loop {
            let spaced = self.node_space()?;
            match self.peek() {
                None => break,
                Some(';') => {
                    self.i += 1;
                    break;
                }
                Some('}') if in_block => break,
                Some('/') if self.at("//") => {
                    self.line_comment();
                    break;
                }
                Some(c) if is_newline(c) => {
                    self.i += self.newline_len();
                    break;
                }
                Some('{') => {
                    if !spaced || children.is_some() {
                        return None;
                    }
                    children = Some(self.block()?);
                    saw_block = true;
                    end = self.i;
                }
                Some('/') if self.at("/-") => {
                    if !spaced {
                        return None;
                    }
                    self.i += 2;
                    self.line_space()?;
                    if self.peek() == Some('{') {
                        self.block()?;
                        saw_block = true;
                    } else {
                        if saw_block {
                            return None;
                        }
                        self.entry()?;
                    }
                }
                Some(_) => {
                    if !spaced || saw_block {
                        return None;
                    }
                    let e = self.entry()?;
                    end = self.i;
                    entries.push(e);
                }
            }
        }
        Some(Node { ty, name: Ident { value: name, span: name_span }, entries, children, span: Span::new(start, end) })
    }

    fn block(&mut self) -> Option<Vec<Node>> {
        self.i += 1; // '{'
        let nodes = self.nodes(true)?;
        if self.peek() != Some('}') {
            return None;
        }
        self.i += 1;
        Some(nodes)
    }

    /// After a value: only space, a terminator, a comment, `}` or a line continuation may follow.
    fn value_ends(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => is_unicode_space(c) || is_newline(c) || matches!(c, ';' | '}' | '/' | '\\'),
        }
    }

    fn entry(&mut self) -> Option<Entry> {
        let ty = self.annotation()?;
        let (value, span) = self.spanned_value()?;
        if let Value::String(key) = &value {
            let after = self.i;
            self.node_space()?;
            if self.peek() == Some('=') {
                if ty.is_some() || !self.is_string_token(span.start as usize) {
                    return None;
                }
                self.i += 1;
                self.node_space()?;
                let vty = self.annotation()?;
                let (v, vspan) = self.spanned_value()?;
                if !self.value_ends() {
                    return None;
                }
                return Some(Entry { name: Some(Ident { value: key.clone(), span }), ty: vty, value: v, span: vspan });
            }
            self.i = after;
        }
        if !self.value_ends() {
            return None;
        }
        Some(Entry { name: None, ty, value, span })
    }

    /// A value and its span.
    fn spanned_value(&mut self) -> Option<(Value, Span)> {
        let start = self.i;
        let value = self.value()?;
        Some((value, Span::new(start, self.i)))
    }

    /// Whether the token at `start` is a string (identifier, quoted or raw), not a keyword.
    fn is_string_token(&self, start: usize) -> bool {
        let b = self.b[start];
        b != b'#' || matches!(self.b.get(start + 1), Some(b'"' | b'#'))
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            '"' => self.quoted().map(Value::String),
            '#' => match self.b.get(self.i + 1) {
                Some(b'"' | b'#') => self.raw().map(Value::String),
                _ => self.keyword(),
            },
            _ => {
                let start = self.i;
                let tok = self.ident_run();
                let bytes = tok.as_bytes();
                let first = *bytes.first()?;
                let second = bytes.get(1).copied();
                let numeric = first.is_ascii_digit()
                    || (matches!(first, b'+' | b'-') && second.is_some_and(|c| c.is_ascii_digit()));
                if numeric {
                    return number(tok);
                }
                self.i = start;
                self.string().map(|(s, _)| Value::String(s))
            }
        }
    }

    fn keyword(&mut self) -> Option<Value> {
        self.i += 1; // '#'
        let tok = self.ident_run();
        Some(match tok {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "inf" => Value::Float(f64::INFINITY),
            "-inf" => Value::Float(f64::NEG_INFINITY),
            "nan" => Value::Float(f64::NAN),
            _ => return None,
        })
    }

    /// The run of identifier characters at the cursor (possibly empty).
    fn ident_run(&mut self) -> &str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if !is_ident_char(c) {
                break;
            }
            self.i += c.len_utf8();
        }
        &self.s[start..self.i]
    }

    /// A string: bare identifier, quoted or raw. Returns the value and its span.
    fn string(&mut self) -> Option<(String, Span)> {
        let start = self.i;
        let value = match self.peek()? {
            '"' => self.quoted()?,
            '#' if matches!(self.b.get(self.i + 1), Some(b'"' | b'#')) => self.raw()?,
            _ => {
                let tok = self.ident_run();
                let mut chars = tok.chars();
                let first = chars.next()?;
                let rest = chars.as_str();
                let digit_after = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_digit());
                let bad = first.is_ascii_digit()
                    || (matches!(first, '+' | '-')
                        && (digit_after(rest) || (rest.starts_with('.') && digit_after(&rest[1..]))))
                    || (first == '.' && digit_after(rest))
                    || KEYWORDS.contains(&tok);
                if bad {
                    return None;
                }
                tok.to_string()
            }
        };
        Some((value, Span::new(start, self.i)))
    }

    /// Whether a multi-line string opens here: `"""` and a newline, both stepped over (`None` for
    /// `"""` without the newline).
    fn multi_line_open(&mut self) -> Option<bool> {
        if !self.at("\"\"\"") {
            return Some(false);
        }
        self.i += 3;
        let n = self.newline_len();
        if n == 0 {
            return None;
        }
        self.i += n;
        Some(true)
    }

    /// A quoted string, single- or multi-line, at `"`.
    fn quoted(&mut self) -> Option<String> {
        if self.multi_line_open()? {
            let body_start = self.i;
            // find the closing quotes, skipping escapes
            loop {
                match self.peek()? {
                    '\\' => {
                        self.i += 1;
                        let c = self.peek()?;
                        self.i += c.len_utf8();
                    }
                    '"' if self.at("\"\"\"") => break,
                    c => self.i += c.len_utf8(),
                }
            }
            let body = &self.s[body_start..self.i];
            self.i += 3;
            return dedent(body, true);
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            match c {
                '"' => {
                    self.i += 1;
                    return Some(out);
                }
                '\\' => {
                    self.i += 1;
                    self.escape(&mut out)?;
                }
                c if is_newline(c) || is_disallowed(c) => return None,
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    /// An escape after `\` in a quoted string.
    fn escape(&mut self, out: &mut String) -> Option<()> {
        let c = self.peek()?;
        let simple = match c {
            '\\' => Some('\\'),
            '"' => Some('"'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            's' => Some(' '),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.i += 1;
            return Some(());
        }
        if c == 'u' {
            self.i += 1;
            if self.peek() != Some('{') {
                return None;
            }
            self.i += 1;
            let start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.i += 1;
            }
            let hex = &self.s[start..self.i];
            if hex.is_empty() || hex.len() > 6 || self.peek() != Some('}') {
                return None;
            }
            self.i += 1;
            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
            return Some(());
        }
        if is_unicode_space(c) || is_newline(c) {
            while let Some(c) = self.peek() {
                if is_unicode_space(c) || is_newline(c) {
                    self.i += c.len_utf8();
                } else {
                    break;
                }
            }
            return Some(());
        }
        None
    }

    /// A raw string `#"..."#` (any number of `#`), single- or multi-line.
    fn raw(&mut self) -> Option<String> {
        let hashes = self.b[self.i..].iter().take_while(|&&c| c == b'#').count();
        self.i += hashes;
        if self.b.get(self.i) != Some(&b'"') {
            return None; // `#` not followed by a quote: not a raw string
        }
        let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
        if self.multi_line_open()? {
            let close = format!("\"\"{close}");
            let rel = self.s[self.i..].find(&close)?;
            let body = &self.s[self.i..self.i + rel];
            self.i += rel + close.len();
            return dedent(body, false);
        }
        self.i += 1;
        let rel = self.s[self.i..].find(&close)?;
        let body = &self.s[self.i..self.i + rel];
        if body.chars().any(|c| is_newline(c) || is_disallowed(c)) {
            return None;
        }
        self.i += rel + close.len();
        Some(body.to_string())
    }
}

/// Splits text at every KDL newline.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_newline(c) {
            out.push(&text[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' && it.peek().map(|(_, n)| *n) == Some('\n') {
                it.next();
                end += 1;
            }
            start = end;
        }
    }
    out.push(&text[start..]);
    out
}

/// Removes the common indentation of a multi-line string: the whitespace before the closing
/// quotes. Escapes (in quoted strings) are processed after dedenting.
fn dedent(body: &str, escapes: bool) -> Option<String> {
    let ls = lines(body);
    let (last, content) = ls.split_last()?;
    if !last.chars().all(is_unicode_space) {
        return None;
    }
    let mut joined = String::new();
    for (n, line) in content.iter().enumerate() {
        if n > 0 {
            joined.push('\n');
        }
        if line.chars().all(is_unicode_space) {
            if escapes && line.contains('\\') {
                return None;
            }
            continue;
        }
        let rest = line.strip_prefix(last)?;
        if rest.chars().any(is_disallowed) {
            return None;
        }
        joined.push_str(rest);
    }
    if !escapes {
        return Some(joined);
    }
    let mut p = P { s: &joined, b: joined.as_bytes(), i: 0, depth: 0 };
    let mut out = String::new();
    while let Some(c) = p.peek() {
        p.i += c.len_utf8();
        if c == '\\' {
            p.escape(&mut out)?;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Parses a number token; `None` if it is not a valid KDL number.
pub(crate) fn number(tok: &str) -> Option<Value> {
    let (neg, body) = match tok.as_bytes()[0] {
        b'-' => (true, &tok[1..]),
        b'+' => (false, &tok[1..]),
        _ => (false, tok),
    };
    let radix = |prefix: &str, radix: u32| -> Option<Option<Value>> {
        let digits = body.strip_prefix(prefix)?;
        let first_ok = digits.chars().next().is_some_and(|c| c.is_digit(radix));
        if !first_ok || !digits.chars().all(|c| c == '_' || c.is_digit(radix)) {
            return Some(None);
        }
        let v = i128::from_str_radix(&digits.replace('_', ""), radix).ok();
        Some(v.map(|v| Value::Integer(if neg { -v } else { v })))
    };
    for (prefix, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(v) = radix(prefix, r) {
            return v;
        }
    }
    // decimal := integer ('.' integer)? exponent?, integer := digit (digit | '_')*
    let b = body.as_bytes();
    let mut i = 0;
    let integer = |i: &mut usize| -> bool {
        if !b.get(*i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(*i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            *i += 1;
        }
        true
    };
    if !integer(&mut i) {
        return None;
    }
    let mut float = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !integer(&mut i) {
            return None;
        }
        float = true;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !integer(&mut i) {
            return None;
        }
        float = true;
    }
    if i != b.len() {
        return None;
    }
    let clean = tok.replace('_', "");
    if float {
        clean.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
    } else {
        clean.parse::<i128>().ok().map(Value::Integer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Node {
        let mut nodes = parse(src).unwrap_or_else(|| panic!("did not parse: {src:?}"));
        assert_eq!(nodes.len(), 1);
        nodes.remove(0)
    }

    #[test]
    fn entries_and_spans() {
        let src = "plan payroll x=\"a b\" y = 1_000 {\n  step \"one\"; step #\"two\"#\n}\n";
        let n = one(src);
        assert_eq!(n.name.value, "plan");
        assert_eq!(n.entries[0].value, Value::String("payroll".into()));
        assert_eq!(&src[n.entries[1].span.range()], "\"a b\"");
        assert_eq!(n.entries[2].name.as_ref().unwrap().value, "y");
        assert_eq!(n.entries[2].value, Value::Integer(1000));
        let kids = n.children.unwrap();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[1].entries[0].value, Value::String("two".into()));
        assert_eq!(&src[n.span.range()], &src[..src.len() - 1]);
    }

    #[test]
    fn numbers_keywords_and_comments() {
        let n = one("a 0x1F -0b101 1.5e3 #true #null #-inf /* c /* nested */ */ 7 /-8 // end");
        let v: Vec<_> = n.entries.iter().map(|e| e.value.clone()).collect();
        assert_eq!(
            v[..6],
            [
                Value::Integer(31),
                Value::Integer(-5),
                Value::Float(1500.0),
                Value::Bool(true),
                Value::Null,
                Value::Float(f64::NEG_INFINITY)
            ]
        );
        assert_eq!(v[6], Value::Integer(7));
        assert_eq!(v.len(), 7);
    }

    #[test]
    fn multi_line_strings_are_dedented() {
        let n = one("a \"\"\"\n    first\n      second\\n\n\n    third\n    \"\"\"");
        assert_eq!(n.entries[0].value, Value::String("first\n  second\n\n\nthird".into()));
    }

    #[test]
    fn anything_doubtful_is_left_to_the_reference_parser() {
        for src in [
            "a 15m",
            "a true",
            "a \"open",
            "a { b",
            "a}",
            "a\"b\"",
            "a 1.",
            "(t)a (x)k=1",
            "a r\"x\"",
            "a \"\"\"x\"\"\"",
            "1a",
            "a .5",
        ] {
            assert!(parse(src).is_none(), "{src}");
        }
    }
}
