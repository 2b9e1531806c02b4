//! KDL text to a document with spans. Parse errors become diagnostics; nothing here panics on input.
//!
//! Well-formed files take the fast path ([`parser`]); anything it is not sure of goes to the `kdl`
//! crate, the reference, whose tree is converted ([`convert`]) or whose errors are reported.

pub mod codes;
mod convert;
pub mod guard;
pub mod parser;
pub mod tree;

use kdl::KdlDocument;
pub use tree::{Entry, Ident, Node, Value};

use crate::diagnostic::{Applicability, Diagnostic, Edit, FileId, Fix, Span};
use guard::Refusal;

pub use guard::MAX_DEPTH;

/// Stack of the thread the reference parser runs on: reserved, and used only as deep as the
/// parser recurses (at most ~50 MB on a hostile piece of [`guard::MAX_PIECE`] bytes).
const REFERENCE_STACK: usize = 128 << 20;

/// After this many syntax errors in a file, the rest of the file is not parsed for more.
const MAX_SYNTAX_ERRORS: usize = 100;

/// The reference parser alone (the `kdl` crate), converted; for tests that compare parsers.
pub fn parse_reference(src: &str) -> Option<Vec<Node>> {
    KdlDocument::parse_v2(src).ok().map(|doc| convert::document(&doc, src))
}

/// Parses KDL v2. Returns `None` when the file does not parse; the reasons are in `diags`.
pub fn parse(file: FileId, src: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Node>> {
    let mut repaired = Vec::new();
    let nodes = parse_characters(file, src, diags, &mut repaired)?;
    repaired.is_empty().then_some(nodes)
}

/// [`parse`], reading past the mistakes whose intent is certain, so the rest of the file is still
/// checked: a bare value starting with a digit (`rto 4h`) is read as the string it was meant to
/// be, and KDL v1's bare `true`, `false` and `null` as `#true`, `#false` and `#null`. The mistakes
/// are reported all the same; the spans returned are where the text was read other than written,
/// so the objects there can be treated as having errors.
pub fn parse_salvaging(file: FileId, src: &str, diags: &mut Vec<Diagnostic>) -> Option<(Vec<Node>, Vec<Span>)> {
    let mut repaired = Vec::new();
    let nodes = parse_characters(file, src, diags, &mut repaired)?;
    Some((nodes, repaired))
}

fn parse_characters(
    file: FileId,
    src: &str,
    diags: &mut Vec<Diagnostic>,
    repaired: &mut Vec<Span>,
) -> Option<Vec<Node>> {
    let found = disallowed(src);
    if found.is_empty() {
        return parse_allowed(file, src, diags, repaired, 0);
    }
    for &(at, c) in found.iter().take(MAX_CHARACTER_FINDINGS) {
        diags.push(
            Diagnostic::new(&codes::KDL_CHARACTER, format!("{} is not allowed in a KDL document", character_name(c)))
                .at(file, Span::new(at, at + c.len_utf8()))
                .label("not allowed here")
                .help(format!(
                    "remove it; if a value really needs it, write it as the escape \\u{{{:X}}} inside a quoted string",
                    c as u32
                )),
        );
    }
    if found.len() > MAX_CHARACTER_FINDINGS {
        let (at, c) = found[MAX_CHARACTER_FINDINGS];
        diags.push(
            Diagnostic::new(
                &codes::KDL_CHARACTER,
                format!("{} more characters that KDL does not allow", found.len() - MAX_CHARACTER_FINDINGS),
            )
            .at(file, Span::new(at, at + c.len_utf8()))
            .label("the next one"),
        );
    }
    // The rest of the file is checked as if each such character were spaces of the same length
    // in bytes, so every span still points into the original text.
    let mut cleaned = String::with_capacity(src.len());
    let mut last = 0;
    for &(at, c) in &found {
        cleaned.push_str(&src[last..at]);
        cleaned.extend(std::iter::repeat_n(' ', c.len_utf8()));
        last = at + c.len_utf8();
    }
    cleaned.push_str(&src[last..]);
    parse_allowed(file, &cleaned, diags, repaired, 0)
}

/// Characters reported one by one in a file; the rest are counted.
const MAX_CHARACTER_FINDINGS: usize = 20;

/// The code points KDL v2 forbids literally in a document ("Disallowed Literal Code Points"),
/// with their byte offsets. A byte order mark is allowed as the first character only.
fn disallowed(src: &str) -> Vec<(usize, char)> {
    let bytes = src.as_bytes();
    // Fast path: every disallowed character is a C0 control other than whitespace, DEL, or starts
    // with byte 0xE2 or 0xEF in UTF-8.
    if !bytes.iter().any(|&b| (b < 0x20 && !(0x09..=0x0D).contains(&b)) || b == 0x7F || b == 0xE2 || b == 0xEF) {
        return Vec::new();
    }
    src.char_indices()
        .filter(|&(at, c)| {
            matches!(c, '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                || (c == '\u{FEFF}' && at != 0)
        })
        .collect()
}

/// "NUL (U+0000)", "the right-to-left override (U+202E)".
fn character_name(c: char) -> String {
    let name = match c {
        '\u{0}' => "the NUL character",
        '\u{7F}' => "the DEL character",
        '\u{1B}' => "the escape character",
        '\u{200E}' => "the left-to-right mark",
        '\u{200F}' => "the right-to-left mark",
        '\u{202A}' => "the left-to-right embedding",
        '\u{202B}' => "the right-to-left embedding",
        '\u{202C}' => "the pop directional formatting",
        '\u{202D}' => "the left-to-right override",
        '\u{202E}' => "the right-to-left override",
        '\u{2066}' => "the left-to-right isolate",
        '\u{2067}' => "the right-to-left isolate",
        '\u{2068}' => "the first strong isolate",
        '\u{2069}' => "the pop directional isolate",
        '\u{FEFF}' => "a byte order mark after the start of the file",
        _ => "the control character",
    };
    format!("{name} (U+{:04X})", c as u32)
}

/// How many times a text is repaired and parsed again: each round can uncover the next mistake.
const MAX_REPAIRS: usize = 3;

fn parse_allowed(
    file: FileId,
    src: &str,
    diags: &mut Vec<Diagnostic>,
    repaired: &mut Vec<Span>,
    round: usize,
) -> Option<Vec<Node>> {
    if let Some(refusal) = guard::too_deep(src) {
        diags.push(refused(file, src, refusal));
        return None;
    }
    if let Some(nodes) = parser::parse(src) {
        return Some(nodes);
    }
    let scanned = match guard::scan(src) {
        Ok(s) => s,
        Err(refusal) => {
            diags.push(refused(file, src, refusal));
            return None;
        }
    };
    let errors = match reference(src, &scanned) {
        Ok(nodes) => return Some(nodes),
        Err(errors) => errors,
    };
    let v1 = v1_places(src);
    let mut edits: Vec<(Span, String)> = Vec::new();
    if let Some((span, what, fix, _)) = v1.first() {
        let more = match v1.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let mut d = Diagnostic::new(&codes::KDL_V1, format!("this file is KDL v1 ({what}{more}); contingent reads KDL v2"))
            .at(file, *span)
            .label(format!("KDL v1: {what}"))
            .help(format!(
                "convert the file to KDL v2: {fix}; in v2, #true, #false and #null replace true, false and null, and raw strings are written #\"...\"#"
            ));
        let complete = v1.iter().all(|(_, _, _, e)| !e.is_empty());
        let all: Vec<Edit> = v1.iter().flat_map(|(_, _, _, e)| e.iter().cloned()).collect();
        if complete {
            // the same values written as v2: the file means what its author wrote
            d = d.fix(Fix {
                title: "convert to KDL v2 (#true, #false, #null, #\"...\"#)".into(),
                applicability: Applicability::Safe,
                edits: all.clone(),
            });
        }
        diags.push(d);
        if !complete {
            return None;
        }
        edits.extend(all.into_iter().map(|e| (e.span, e.text)));
    }
    // A bare value starting with a digit (`15m`, `2026-01-01`) derails the parser into
    // several follow-on errors; the token itself is the one worth reporting.
    let tokens = bare_digit_tokens(src);
    for (span, token) in tokens {
        diags.push(
            Diagnostic::new(
                &codes::KDL_SYNTAX,
                format!("`{token}` is not a KDL value: a bare value cannot start with a digit"),
            )
            .at(file, span)
            .label("put this in quotes")
            .help(format!("dates, durations and values such as 24x7 are strings: write \"{token}\""))
            .fix(Fix::replace(
                Applicability::Safe,
                format!("quote `{token}`"),
                span,
                format!("\"{token}\""),
            )),
        );
        edits.push((span, format!("\"{token}\"")));
    }
    if !edits.is_empty() {
        return (round < MAX_REPAIRS).then(|| reparse(file, src, edits, diags, repaired, round)).flatten();
    }
    let mut seen = std::collections::HashSet::new();
    for d in errors {
        let span = clamp(d.span, src);
        let message = d.message.unwrap_or_else(|| "invalid KDL".into());
        if !seen.insert((span, message.clone())) {
            continue;
        }
        let mut diag = Diagnostic::new(d.rule, lower_first(&message)).at(file, span);
        if let Some(label) = d.label {
            diag = diag.label(label);
        }
        if let Some(help) = d.help {
            diag = diag.help(help);
        }
        diags.push(diag);
    }
    None
}

/// Parses `src` again with `edits` applied (each a span and what to read there instead), and maps
/// the tree and the further findings back onto `src`.
fn reparse(
    file: FileId,
    src: &str,
    mut edits: Vec<(Span, String)>,
    diags: &mut Vec<Diagnostic>,
    repaired: &mut Vec<Span>,
    round: usize,
) -> Option<Vec<Node>> {
    edits.sort_by_key(|(span, _)| span.start);
    edits.dedup_by_key(|(span, _)| span.start);
    // (start and end in `src`, start and end in the repaired text)
    let mut map: Vec<(u32, u32, u32, u32)> = Vec::with_capacity(edits.len());
    let mut fixed = String::with_capacity(src.len() + 2 * edits.len());
    let mut last = 0usize;
    for (span, with) in &edits {
        let (start, end) = (span.start as usize, span.end as usize);
        if start < last || end > src.len() {
            continue;
        }
        fixed.push_str(&src[last..start]);
        let new_start = fixed.len() as u32;
        fixed.push_str(with);
        map.push((span.start, span.end, new_start, fixed.len() as u32));
        last = end;
    }
    fixed.push_str(&src[last..]);
    let back = |p: u32| -> u32 {
        let mut shifted = i64::from(p);
        for &(start, end, new_start, new_end) in &map {
            if p < new_start {
                break;
            }
            if p < new_end {
                return start + (p - new_start).min(end - start);
            }
            shifted = i64::from(p) + i64::from(end) - i64::from(new_end);
        }
        shifted.clamp(0, src.len() as i64) as u32
    };
    let mut found = Vec::new();
    let mut again = Vec::new();
    let nodes = parse_allowed(file, &fixed, &mut found, &mut again, round + 1);
    for mut d in found {
        if let Some(l) = &mut d.location {
            l.span = Span { start: back(l.span.start), end: back(l.span.end).max(back(l.span.start)) };
        }
        for l in &mut d.labels {
            l.location.span = Span { start: back(l.location.span.start), end: back(l.location.span.end) };
        }
        diags.push(d);
    }
    repaired.extend(map.iter().map(|&(start, end, _, _)| Span { start, end }));
    repaired.extend(again.into_iter().map(|s| Span { start: back(s.start), end: back(s.end) }));
    let mut nodes = nodes?;
    tree::remap(&mut nodes, &back);
    Some(nodes)
}

/// The diagnostic for text the guard does not give to a parser.
fn refused(file: FileId, src: &str, refusal: Refusal) -> Diagnostic {
    let one = |at: usize| Span::new(at, (at + 1).min(src.len()));
    match refusal {
        Refusal::Blocks(at) => {
            Diagnostic::new(&codes::KDL_TOO_DEEP, format!("blocks are nested more than {MAX_DEPTH} levels deep"))
                .at(file, one(at))
                .label("too deep")
                .help("no file of this format nests more than a few levels: the file is probably generated or corrupt")
        }
        Refusal::Comments(at) => Diagnostic::new(
            &codes::KDL_TOO_DEEP,
            format!("comments `/* */` are nested more than {MAX_DEPTH} levels deep"),
        )
        .at(file, Span::new(at, at + 2))
        .label("too deep")
        .help("close the comments with `*/`; no file needs comments inside comments this deep"),
        Refusal::Run { what, start, at } => {
            let (name, rule) = what.describe();
            let len = match what {
                guard::Construct::Slashdash => 2,
                _ => 1,
            };
            Diagnostic::new(&codes::KDL_RUN, format!("more than {} {name} in a row", guard::MAX_RUN))
                .at(file, Span::new(at, at + len))
                .label(format!("number {} in a row", guard::MAX_RUN + 1))
                .with_label(file, Span::new(start, start + len), "the run starts here")
                .help(format!("{rule}: remove the repetition; the file is probably generated or corrupt, and the rest of it is not checked"))
        }
    }
}

/// A syntax error reported by the reference parser, at a span of the whole text.
struct RefError {
    rule: &'static crate::diagnostic::Rule,
    span: Span,
    message: Option<String>,
    label: Option<String>,
    help: Option<String>,
}

/// The reference parser on the text, on a thread with a large stack. A text larger than
/// [`guard::MAX_PIECE`] is parsed in pieces that start and end at top-level node boundaries, so
/// the parser's stack and time stay bounded whatever the file holds; a single top-level node
/// larger than a piece that does not parse fast is reported, not parsed.
fn reference(src: &str, scanned: &guard::Scanned) -> Result<Vec<Node>, Vec<RefError>> {
    let pieces = guard::pieces(src.len(), scanned);
    let owned = src.to_string();
    let work = move || {
        let src = owned.as_str();
        let mut nodes = Vec::new();
        let mut errors = Vec::new();
        for (start, end, small) in pieces {
            if errors.len() >= MAX_SYNTAX_ERRORS {
                break;
            }
            if !small {
                errors.push(RefError {
                    rule: &codes::KDL_RUN,
                    span: Span::new(start, start + src[start..].chars().next().map_or(0, char::len_utf8)),
                    message: Some(if end - start > guard::MAX_PIECE {
                        format!(
                            "this top-level node is {} bytes long and is not valid KDL; a node longer than {} bytes is not searched for the exact error",
                            end - start,
                            guard::MAX_PIECE
                        )
                    } else {
                        format!(
                            "this top-level node ({} bytes) is not valid KDL and holds strings that are not closed or not laid out as KDL requires, with quotes in or after them: it is not searched for the exact error",
                            end - start
                        )
                    }),
                    label: Some("the node starts here".into()),
                    help: Some("split the node into smaller ones, or find the error in it (an unterminated string, an extra brace, a value without quotes)".into()),
                });
                continue;
            }
            let piece = &src[start..end];
            // a piece the fast parser accepts is valid: the reference parser (slow on large
            // text) is needed only for the pieces that hold the errors
            if let Some(mut fast) = parser::parse(piece) {
                if errors.is_empty() {
                    if start > 0 {
                        tree::shift(&mut fast, start as u32);
                    }
                    nodes.extend(fast);
                }
                continue;
            }
            match KdlDocument::parse_v2(piece) {
                Ok(doc) if errors.is_empty() => {
                    let mut converted = convert::document(&doc, piece);
                    if start > 0 {
                        tree::shift(&mut converted, start as u32);
                    }
                    nodes.extend(converted);
                }
                Ok(_) => {}
                Err(err) => errors.extend(err.diagnostics.into_iter().map(|d| {
                    let s = Span::from_kdl(d.span);
                    RefError {
                        rule: &codes::KDL_SYNTAX,
                        span: Span { start: s.start + start as u32, end: s.end + start as u32 },
                        message: d.message,
                        label: d.label,
                        help: d.help,
                    }
                })),
            }
        }
        if errors.is_empty() {
            Ok(nodes)
        } else {
            Err(errors)
        }
    };
    let timed_out = || {
        RefError {
        rule: &codes::KDL_RUN,
        span: Span::new(0, src.chars().next().map_or(0, char::len_utf8)),
        message: Some(format!(
            "this file is not valid KDL, and its errors were not located within {} s",
            REFERENCE_TIME.as_secs()
        )),
        label: None,
        help: Some("the file is probably generated or corrupt: look for unusual repetitions (type annotations, `=`, quotes, `#`), or restore it from version control".into()),
    }
    };
    match on_large_stack(work) {
        Outcome::Done(r) => r,
        Outcome::TimedOut => Err(vec![timed_out()]),
        Outcome::Panicked => Err(vec![RefError {
            rule: &codes::KDL_SYNTAX,
            span: Span::new(0, 0),
            message: Some("the KDL parser failed on this file".into()),
            label: None,
            help: Some("please report this file as a bug in contingent".into()),
        }]),
    }
}

/// How long the reference parser may search one file for its errors. Its error recovery is
/// superlinear on some crafted text (seconds for 32 KiB); a well-formed or ordinarily broken file
/// takes milliseconds.
const REFERENCE_TIME: std::time::Duration = std::time::Duration::from_secs(if cfg!(debug_assertions) { 5 } else { 2 });

/// Reference parses given up on and still running; past a few, no more are started.
static ABANDONED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

enum Outcome<R> {
    Done(R),
    Panicked,
    TimedOut,
}

/// Runs `f` on a thread with [`REFERENCE_STACK`] bytes of stack, waiting at most
/// [`REFERENCE_TIME`] for it (a thread given up on ends with the process).
fn on_large_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Outcome<R> {
    use std::sync::atomic::Ordering;
    if ABANDONED.load(Ordering::Relaxed) >= 4 {
        return Outcome::TimedOut;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned =
        std::thread::Builder::new().name("kdl-reference".into()).stack_size(REFERENCE_STACK).spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(r.ok());
        });
    if spawned.is_err() {
        return Outcome::Panicked;
    }
    match rx.recv_timeout(REFERENCE_TIME) {
        Ok(Some(r)) => Outcome::Done(r),
        Ok(None) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Outcome::Panicked,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            Outcome::TimedOut
        }
    }
}

fn clamp(span: Span, src: &str) -> Span {
    let len = src.len() as u32;
    Span { start: span.start.min(len), end: span.end.min(len) }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect::<String>().trim_end_matches('.').to_string(),
        None => String::new(),
    }
}

/// Skips a string starting at the quote at `i`; `hashes` > 0 for raw strings. Returns the offset
/// after the string (or the end of the text).
fn skip_string(b: &[u8], i: usize, hashes: usize) -> usize {
    let multi = b[i..].starts_with(b"\"\"\"");
    let quote: &[u8] = if multi { b"\"\"\"" } else { b"\"" };
    let mut j = i + quote.len();
    while j < b.len() {
        if hashes == 0 && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j..].starts_with(quote)
            && b[j + quote.len()..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes
        {
            return j + quote.len() + hashes;
        }
        if !multi && b[j] == b'\n' {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// Every bare value that starts with a digit but is not a number (`4h`, `2026-01-01`, `24x7`),
/// outside strings and comments: KDL v2 has no such value, and the author meant a string.
fn bare_digit_tokens(src: &str) -> Vec<(Span, String)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = skip_string(b, i, 0),
            b'#' if matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
                i = if b.get(i + hashes) == Some(&b'"') {
                    // the closing quote and as many hashes, found in linear time whatever the runs
                    let close = format!("\"{}", "#".repeat(hashes));
                    let from = i + hashes + 1;
                    src[from..].find(&close).map_or(b.len(), |k| from + k + close.len())
                } else {
                    i + hashes
                };
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth = depth.saturating_sub(1);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            c if c.is_ascii_digit() && i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'=') => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'.' | b'_' | b'+' | b'%'))
                    .count();
                let token = &src[i..i + len];
                if parser::number(token).is_none() && is_value_end(b.get(i + len)) {
                    out.push((Span::new(i, i + len), token.to_string()));
                }
                i += len.max(1);
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' => {
                // the rest of a word: a digit inside it does not start a value
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.')) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_value_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'}'))
}

/// Every place of KDL v1 syntax, with the edits that write it as KDL v2 (the same value).
fn v1_places(src: &str) -> Vec<(Span, &'static str, &'static str, Vec<Edit>)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i, 0);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        let after_sep = i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'=');
        if after_sep {
            let mut found = false;
            for (word, what, fix) in [
                ("true", "bare `true`", "write #true"),
                ("false", "bare `false`", "write #false"),
                ("null", "bare `null`", "write #null"),
            ] {
                if b[i..].starts_with(word.as_bytes()) && is_value_end(b.get(i + word.len())) {
                    let span = Span::new(i, i + word.len());
                    out.push((span, what, fix, vec![Edit { span, text: format!("#{word}") }]));
                    i += word.len();
                    found = true;
                    break;
                }
            }
            if found {
                continue;
            }
            if b[i] == b'r' && matches!(b.get(i + 1), Some(b'"' | b'#')) {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let end = skip_raw(b, i + 1 + hashes, hashes);
                    let span = Span::new(i, end);
                    // `r#"x"#` is `#"x"#` in v2; `r"x"` (no hashes) needs one: `#"x"#`
                    let mut edits = vec![Edit {
                        span: Span::new(i, i + 1),
                        text: if hashes == 0 { "#".into() } else { String::new() },
                    }];
                    if hashes == 0 && end > i + 2 && b[end - 1] == b'"' {
                        edits.push(Edit { span: Span::new(end, end), text: "#".into() });
                    }
                    let complete = hashes > 0 || edits.len() == 2;
                    out.push((
                        span,
                        "a raw string r\"...\"",
                        "write #\"...\"# instead of r\"...\" or r#\"...\"#",
                        if complete { edits } else { Vec::new() },
                    ));
                    i = end.max(i + 1);
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// The end of a raw string whose opening quote is at `i`, with `hashes` hashes (the text's end
/// when it is not closed).
fn skip_raw(b: &[u8], i: usize, hashes: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'"' && b[j + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes {
            return j + 1 + hashes;
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<Diagnostic> {
        let mut d = Vec::new();
        assert!(parse(FileId(0), src, &mut d).is_none());
        d
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let src = "a {".repeat(10_000) + &"}".repeat(10_000);
        let d = errors(&src);
        assert_eq!(d[0].rule.code, "KDL003");
        assert_eq!(d[0].location.unwrap().span.start, 3 * 64 + 2);
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let src = format!(
            "a \"{}\" // {}\n/* {} */ b #\"{}\"#\n",
            "{".repeat(100),
            "{".repeat(100),
            "{".repeat(100),
            "{".repeat(100)
        );
        assert_eq!(guard::too_deep(&src), None);
        let mut d = Vec::new();
        assert!(parse(FileId(0), &src, &mut d).is_some(), "{d:?}");
    }

    #[test]
    fn v1_files_are_recognised() {
        let d = errors("node offsite=true\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule.code, "KDL002");
        assert_eq!(d[0].location.unwrap().span, Span::new(13, 17));
        let d = errors("note r\"C:\\x\"\n");
        assert_eq!(d[0].rule.code, "KDL002");
    }

    #[test]
    fn bare_durations_get_a_precise_hint() {
        let d = errors("level 1 within=15m\n");
        assert_eq!(d[0].rule.code, "KDL001");
        assert_eq!(d[0].location.unwrap().span, Span::new(15, 18));
        assert!(d[0].help.as_deref().unwrap().contains("\"15m\""));
    }
}
