//! Linear scans that keep hostile text away from the recursive reference parser.
//!
//! The `kdl` crate recurses once per nested block, nested comment, and per step of its error
//! recovery; on text it rejects, its stack use and time grow with the input (a few kilobytes of
//! `/*`, `/-`, `(t)` or ` {}` in a row exhaust a thread's stack, a run of `/-` takes quadratic
//! time). So:
//!
//! - [`too_deep`] runs before either parser and refuses `{ }` blocks or `/* */` comments nested
//!   deeper than [`MAX_DEPTH`];
//! - [`scan`] runs before the reference parser only (the fast parser has failed) and refuses runs
//!   of more than [`MAX_RUN`] slashdashes, type annotations, child blocks or line continuations in
//!   a row, and finds the top-level node boundaries, so that the reference parser is given pieces
//!   of at most [`MAX_PIECE`] bytes (see `super::reference`).
//!
//! Both follow KDL v2's lexical rules: strings (quoted, multi-line, raw), comments (`//` ends at
//! any KDL newline: CR, LF, CRLF, NEL, VT, FF, LS, PS), and treat an unterminated string as no
//! string at all, so an unterminated `"""` cannot hide what follows.

/// Deepest `{ }` nesting (and `/* */` nesting) accepted. The format needs five levels; the limit
/// keeps the recursive parser far from the stack's end on generated or corrupt files.
pub const MAX_DEPTH: usize = 64;

/// Longest run of one construct the reference parser recovers from by recursion: slashdashes,
/// type annotations, child blocks of one node, line continuations. Valid files have one.
pub const MAX_RUN: usize = 16;

/// Largest piece of text given to the reference parser at once (after the fast parser failed).
/// Its stack use on hostile text is about 1.5 KB per byte, so a piece needs at most ~50 MB of the
/// 128 MB stack of the thread it runs on.
pub const MAX_PIECE: usize = 32 << 10;

/// Commented-out child blocks (`/-{`) open inside each other in a file that is not valid KDL, at
/// most.
pub const MAX_COMMENTED_NESTING: usize = 8;

/// Why a text is not given to a parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A `{` deeper than [`MAX_DEPTH`], at this offset.
    Blocks(usize),
    /// A `/*` deeper than [`MAX_DEPTH`], at this offset.
    Comments(usize),
    /// A run of more than [`MAX_RUN`] of one construct starting at `start`, the first one past
    /// the limit at `at`.
    Run { what: Construct, start: usize, at: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Construct {
    Slashdash,
    TypeAnnotation,
    ChildBlock,
    LineContinuation,
}

impl Construct {
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Construct::Slashdash => ("`/-` slashdash comments", "a node, entry or block is commented out once"),
            Construct::TypeAnnotation => ("type annotations `(...)`", "a value or node takes at most one annotation"),
            Construct::ChildBlock => ("child blocks `{ }` of one node", "a node takes at most one child block"),
            Construct::LineContinuation => ("line continuations `\\`", "one `\\` continues a node on the next line"),
        }
    }
}

/// Length of the KDL newline starting at `b[i]` (CRLF counts as one), 0 if none.
#[inline]
pub fn newline_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b'\n' | 0x0b | 0x0c => 1,
        b'\r' => {
            if b.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            }
        }
        0xc2 if b.get(i + 1) == Some(&0x85) => 2,
        0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => 3,
        _ => 0,
    }
}

/// The offset of the newline (or the end of the text) that ends a `//` comment starting at `i`.
#[inline]
fn line_comment_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\n' | b'\r' | 0x0b | 0x0c => return i,
            0xc2 | 0xe2 if newline_len(b, i) > 0 => return i,
            _ => i += 1,
        }
    }
    i
}

/// Skips a `/* */` comment at `i`. Returns the offset after it (or the end of the text), or the
/// offset of the first `/*` nested deeper than [`MAX_DEPTH`].
#[inline]
fn block_comment_end(b: &[u8], mut i: usize) -> Result<usize, usize> {
    let mut level = 1;
    i += 2;
    while i < b.len() && level > 0 {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            level += 1;
            if level > MAX_DEPTH {
                return Err(i);
            }
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            level -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    Ok(i)
}

/// Skips a string at `i` (a `"`, or the `#`s of a raw string). Returns the offset after it. A
/// single-line string ends at the line's end at the latest. An unterminated multi-line string
/// returns the offset after its opening quotes, so the rest is scanned as if it were not there
/// (as the reference parser's error recovery goes on); `dead` remembers the hash counts whose
/// multi-line closing was not found to the end, so no opening is searched twice (linear time).
///
/// `suspicious` collects where the reference parser's error recovery will try a string again:
/// the opening of every unterminated string, and every quote inside an unterminated single-line
/// one (see [`MAX_WORK`]).
#[inline]
fn string_end(b: &[u8], i: usize, st: &mut Strings) -> usize {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    let q = i + hashes;
    let multi = b[q..].starts_with(b"\"\"\"");
    let quote: &[u8] = if multi { b"\"\"\"" } else { b"\"" };
    let open = q + quote.len();
    if multi && st.dead.contains(&hashes) {
        st.suspicious.push(i);
        return open;
    }
    // a single-line opening with these hashes before a line end already known to have no
    // closing for them: unterminated too, without a second scan (linear time on a line of
    // openings)
    if !multi && st.dead_lines.iter().any(|&(h, end)| h == hashes && i < end) {
        st.suspicious.push(i);
        return open;
    }
    let unterminated = |j: usize, st: &mut Strings| {
        st.suspicious.push(i);
        st.suspicious.extend((open..j).filter(|&k| b[k] == b'"'));
        if !multi {
            st.dead_lines.retain(|&(_, end)| end > i);
            st.dead_lines.push((hashes, j));
        }
    };
    let mut j = open;
    while j < b.len() {
        let c = b[j];
        if hashes == 0 && c == b'\\' {
            // an escape KDL does not know makes the string invalid, and the parser's recovery
            // reads its content as code: so does the scan (its nesting counts)
            let known = b.get(j + 1).is_some_and(|&e| {
                matches!(e, b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' | b's' | b'u' | b' ' | b'\t')
                    || newline_len(b, j + 1) > 0
                    || e >= 0x80
            });
            if !known {
                unterminated(j, st);
                return open;
            }
            j += 2;
            continue;
        }
        if c == b'"'
            && b[j..].starts_with(quote)
            // stops at the first byte that is not `#`: a run of quotes inside a raw string with
            // many hashes costs one look each, not one count of `hashes` bytes each
            && b.len() >= j + quote.len() + hashes
            && b[j + quote.len()..j + quote.len() + hashes].iter().all(|&c| c == b'#')
        {
            // a closed multi-line string that is not valid (text right after the opening, or a
            // line not indented like the closing quotes) sends the parser's recovery back
            // through its quotes too
            if multi && !multi_line_valid(b, open, j) {
                unterminated(j, st);
            }
            return j + quote.len() + hashes;
        }
        if !multi && newline_len(b, j) > 0 {
            // unterminated: the rest of the line is scanned as if the quote were not there (the
            // parser's error recovery reads on, so its nesting and runs count)
            unterminated(j, st);
            return open;
        }
        j += 1;
    }
    if multi {
        st.dead.push(hashes);
        st.suspicious.push(i);
        open
    } else {
        unterminated(b.len(), st);
        open
    }
}

/// Whether a multi-line string whose body runs from `open` (after the opening quotes) to `close`
/// (the closing quotes) is laid out as KDL requires: a newline right after the opening, only
/// whitespace before the closing quotes on their line, and every line that is not blank starting
/// with that whitespace.
fn multi_line_valid(b: &[u8], open: usize, close: usize) -> bool {
    let first = newline_len(b, open);
    if first == 0 {
        return false;
    }
    // the lines of the body, split at KDL newlines
    let mut lines = Vec::new();
    let (mut start, mut k) = (open + first, open + first);
    while k < close {
        let n = newline_len(b, k);
        if n > 0 {
            lines.push(&b[start..k]);
            k += n;
            start = k;
        } else {
            k += 1;
        }
    }
    let indent = &b[start..close];
    if !indent.iter().all(|&c| c == b' ' || c == b'\t') {
        return false;
    }
    lines.iter().all(|l| l.iter().all(|&c| c == b' ' || c == b'\t') || l.starts_with(indent))
}

/// What the scans remember about strings.
#[derive(Default)]
struct Strings {
    /// Hash counts of multi-line strings whose closing is not in the text.
    dead: Vec<usize>,
    /// Offsets where an unterminated string opens, or a quote stands inside one.
    suspicious: Vec<usize>,
    /// Single-line strings found unterminated: their hash count and where their line ends.
    dead_lines: Vec<(usize, usize)>,
}

/// The number of `#` at `i` and whether a quote follows them (a string starts here).
#[inline]
fn string_start(b: &[u8], i: usize) -> (usize, bool) {
    match b[i] {
        b'"' => (0, true),
        _ => {
            let h = b[i..].iter().take_while(|&&c| c == b'#').count();
            (h, b.get(i + h) == Some(&b'"'))
        }
    }
}

/// Scans for `{ }` nesting and `/* */` nesting outside strings and comments; runs before every
/// parse, so it only looks at the bytes that matter.
pub fn too_deep(src: &str) -> Option<Refusal> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut strings = Strings::default();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'#' => match string_start(b, i) {
                (_, true) => i = string_end(b, i, &mut strings),
                (h, false) => i += h,
            },
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_comment_end(b, i + 2),
            b'/' if b.get(i + 1) == Some(&b'*') => match block_comment_end(b, i) {
                Ok(end) => i = end,
                Err(at) => return Some(Refusal::Comments(at)),
            },
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Refusal::Blocks(i));
                }
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Other,
    CloseParen,
    CloseBrace,
    Slashdash,
    Escline,
}

/// What the full scan found: where top-level nodes may start (after a newline or `;` at depth 0
/// that ends a node, in order, without 0), and where unterminated strings make the reference
/// parser's error recovery expensive (in order).
pub struct Scanned {
    pub boundaries: Vec<usize>,
    pub suspicious: Vec<usize>,
}

/// The full scan before the reference parser: refuses long runs of recursive constructs.
pub fn scan(src: &str) -> Result<Scanned, Refusal> {
    if let Some(r) = too_deep(src) {
        return Err(r);
    }
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut prev = Prev::Other;
    let mut run = (Construct::Slashdash, 0usize, 0usize); // what, count, start
    let mut boundaries = Vec::new();
    let mut strings = Strings::default();
    let mut i = 0;
    let mut paren_open = false;
    let mut after_slashdash = false;
    // for each open block, whether it is commented out (`/-{`)
    let mut blocks: Vec<bool> = Vec::new();
    let mut nested = 0; // how many of them are commented out
    let mut commented_start = 0;
    let mut count = |what: Construct, at: usize, continues: bool| -> Result<(), Refusal> {
        if continues && run.0 == what {
            run.1 += 1;
        } else {
            run = (what, 1, at);
        }
        if run.1 > MAX_RUN {
            return Err(Refusal::Run { what, start: run.2, at });
        }
        Ok(())
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'"' | b'#' => {
                match string_start(b, i) {
                    (_, true) => i = string_end(b, i, &mut strings),
                    (h, false) => i += h,
                }
                prev = Prev::Other;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_comment_end(b, i + 2),
            b'/' if b.get(i + 1) == Some(&b'*') => i = block_comment_end(b, i).unwrap_or(b.len()),
            b'/' if b.get(i + 1) == Some(&b'-') => {
                count(Construct::Slashdash, i, prev == Prev::Slashdash)?;
                prev = Prev::Slashdash;
                i += 2;
            }
            b'\\' => {
                // `/-` then `\`: the slashdash still applies after the continued line, and its
                // run goes on
                after_slashdash = prev == Prev::Slashdash;
                if !after_slashdash {
                    count(Construct::LineContinuation, i, prev == Prev::Escline)?;
                }
                prev = Prev::Escline;
                i += 1;
            }
            b'(' => {
                // annotations do not nest: a `(` while one is open continues the run too (the
                // reference parser backtracks over each unclosed one)
                count(Construct::TypeAnnotation, i, prev == Prev::CloseParen || paren_open)?;
                paren_open = true;
                prev = Prev::Other;
                i += 1;
            }
            b')' => {
                paren_open = false;
                prev = Prev::CloseParen;
                i += 1;
            }
            b'{' => {
                // blocks commented out inside blocks commented out: the parser's backtracking over
                // them grows exponentially with their number (21 unclosed ones took seconds)
                let commented = prev == Prev::Slashdash;
                count(Construct::ChildBlock, i, prev == Prev::CloseBrace)?;
                blocks.push(commented);
                nested += usize::from(commented);
                if commented && nested > MAX_COMMENTED_NESTING {
                    return Err(Refusal::Run { what: Construct::Slashdash, start: commented_start, at: i });
                }
                if commented && nested == 1 {
                    commented_start = i;
                }
                depth += 1;
                prev = Prev::Other;
                i += 1;
            }
            b'}' => {
                if blocks.pop() == Some(true) {
                    nested -= 1;
                }
                depth = depth.saturating_sub(1);
                prev = Prev::CloseBrace;
                i += 1;
            }
            b';' => {
                if depth == 0 && prev != Prev::Slashdash {
                    boundaries.push(i + 1);
                }
                prev = Prev::Other;
                i += 1;
            }
            _ => {
                let nl = newline_len(b, i);
                if nl > 0 {
                    i += nl;
                    paren_open = false;
                    match prev {
                        // a continued line (still under a slashdash when one came before the
                        // `\`, so `/-\` lines in a row are one run), or a slashdash that
                        // comments out what follows
                        Prev::Escline => prev = if after_slashdash { Prev::Slashdash } else { Prev::Other },
                        Prev::Slashdash => {}
                        _ if depth == 0 => boundaries.push(i),
                        _ => {}
                    }
                    // a child block may follow its node on the next line only after `\`
                    if prev == Prev::CloseBrace {
                        prev = Prev::Other;
                    }
                } else {
                    prev = Prev::Other;
                    i += 1;
                }
            }
        }
    }
    let mut suspicious = strings.suspicious;
    suspicious.sort_unstable();
    suspicious.dedup();
    Ok(Scanned { boundaries, suspicious })
}

/// The reference parser's error recovery tries a string again from every unterminated opening
/// and every quote after one ([`Scanned::suspicious`]): its time grows with bytes × those. A
/// piece is searched only while the product stays below this (a typo, one unclosed quote in a
/// 32 KiB piece, is 64 Ki; 100 unclosed multi-line strings in 700 bytes take 0.2 s in a debug
/// build).
pub const MAX_WORK: usize = 128 << 10;

/// Groups the text of `len` bytes into pieces of at most [`MAX_PIECE`] bytes, and at most
/// [`MAX_WORK`] bytes × suspicious places, that start and end at top-level boundaries. A piece
/// is larger only when one top-level node is; it is returned with `false`.
pub fn pieces(len: usize, scanned: &Scanned) -> Vec<(usize, usize, bool)> {
    let boundaries = &scanned.boundaries;
    let suspicious = |a: usize, b: usize| {
        scanned.suspicious.partition_point(|&x| x < b) - scanned.suspicious.partition_point(|&x| x < a)
    };
    let fits = |a: usize, b: usize| b - a <= MAX_PIECE && (b - a).saturating_mul(suspicious(a, b).max(1)) <= MAX_WORK;
    let mut out = Vec::new();
    let mut start = 0;
    let mut last = 0; // the last boundary that keeps the piece small enough
    for &b in boundaries.iter().chain(std::iter::once(&len)) {
        if b <= start {
            continue;
        }
        if fits(start, b) {
            last = b;
            continue;
        }
        if last > start {
            out.push((start, last, true));
            start = last;
            if fits(start, b) {
                last = b;
                continue;
            }
        }
        // one node larger than a piece
        out.push((start, b, false));
        start = b;
        last = b;
    }
    if len > start {
        out.push((start, len, fits(start, len)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kdl_newline_ends_a_line_comment() {
        for nl in ["\n", "\r", "\r\n", "\u{85}", "\u{b}", "\u{c}", "\u{2028}", "\u{2029}"] {
            let src = format!("// x{nl}{}", "a {".repeat(100));
            assert_eq!(too_deep(&src), Some(Refusal::Blocks(4 + nl.len() + 3 * 64 + 2)), "{nl:?}");
        }
    }

    #[test]
    fn an_unterminated_string_hides_nothing() {
        for open in ["\"\"\"", "#\"\"\"", "\"", "##\""] {
            let src = format!("a {open}\n{}", "a {".repeat(100));
            assert!(matches!(too_deep(&src), Some(Refusal::Blocks(_))), "{open}");
        }
        assert_eq!(too_deep("a \"\"\"\n{{{\n\"\"\" #\"{{\"# \"{\\\"{\""), None);
        // and the nesting in a string with an escape KDL does not know
        let src = format!("a \"\\{}x\"", "{".repeat(200));
        assert!(matches!(too_deep(&src), Some(Refusal::Blocks(_))), "{:?}", too_deep(&src));
        assert_eq!(too_deep(&format!("a \"\\n\\u{{41}}\\\" {}\"", "{".repeat(200))), None);
        // the nesting on the rest of a line after an unclosed quote counts
        let src = format!("node #\u{fffd}-)arg\n\"\\{}", "{".repeat(200));
        assert!(matches!(too_deep(&src), Some(Refusal::Blocks(_))), "{:?}", too_deep(&src));
    }

    #[test]
    fn comments_nested_too_deep_are_refused() {
        assert_eq!(too_deep(&"/*".repeat(10_000)), Some(Refusal::Comments(2 * 64)));
        assert_eq!(too_deep(&format!("{}{}", "/*".repeat(64), "*/".repeat(64))), None);
    }

    #[test]
    fn runs_are_refused_and_single_constructs_are_not() {
        let run = |src: &str| match scan(src) {
            Err(Refusal::Run { what, start, at }) => Some((what, start, at)),
            _ => None,
        };
        assert_eq!(run(&"/- ".repeat(5000)), Some((Construct::Slashdash, 0, 3 * 16)));
        assert_eq!(run(&format!("a {}", "(t)".repeat(100))), Some((Construct::TypeAnnotation, 2, 2 + 3 * 16)));
        // commented-out blocks inside commented-out blocks
        assert_eq!(run(&format!("node fo {}", "/-{o ".repeat(21))).map(|r| r.0), Some(Construct::Slashdash));
        assert!(run(&format!("node {}", "/-{o } ".repeat(100))).is_none());
        // slashdashes on continued lines are one run
        assert_eq!(run(&"/-\\\n".repeat(100)).map(|r| r.0), Some(Construct::Slashdash));
        // unclosed annotations, with anything between them, are one run too
        assert_eq!(run(&format!("a k={}", "(ty=".repeat(100))), Some((Construct::TypeAnnotation, 4, 4 + 4 * 16)));
        assert_eq!(run(&format!("a{}", " {}".repeat(100))), Some((Construct::ChildBlock, 2, 1 + 3 * 16 + 1)));
        assert_eq!(run(&format!("a {}", "\\ ".repeat(100))), Some((Construct::LineContinuation, 2, 2 + 2 * 16)));
        let fine = "/- a (t)1 {}\n/-b\n(u)c (v)2 /-{ x } { y }\nd \\\n  e\n".repeat(1000);
        assert!(scan(&fine).is_ok());
    }

    #[test]
    fn boundaries_are_top_level_line_ends() {
        let src = "a { b\nc }\nd; e \\\n f\n/-\ng\nh";
        assert_eq!(scan(src).ok().unwrap().boundaries, vec![10, 12, 20, 25]);
    }

    #[test]
    fn pieces_stay_small_unless_one_node_is_large() {
        let plain = |b: &[usize]| Scanned { boundaries: b.to_vec(), suspicious: Vec::new() };
        assert_eq!(pieces(10, &plain(&[3, 6])), vec![(0, 10, true)]);
        let big = MAX_PIECE + 10;
        assert_eq!(pieces(big + 5, &plain(&[5, big])), vec![(0, 5, true), (5, big, false), (big, big + 5, true)]);
        assert_eq!(pieces(2 * MAX_PIECE, &plain(&[MAX_PIECE - 1, MAX_PIECE + 1])).len(), 3);
        // many unterminated strings: smaller pieces, so that bytes × openings stays bounded
        let text = "e #\"\"\"\n".repeat(4000);
        let scanned = scan(&format!("a {{\n{text}")).map(|s| s.suspicious.len()).ok();
        assert_eq!(scanned, Some(4000));
        let s = scan(&text).ok().unwrap();
        let p = pieces(text.len(), &s);
        assert!(p.len() > 10 && p.iter().all(|&(a, b, small)| small && (b - a) * ((b - a) / 7) <= MAX_WORK), "{p:?}");
        // one node of 20,000 bytes, an unterminated raw string holding 2,000 quotes: not searched
        let node = format!("a x={}", "#\"ste)".repeat(2000));
        let s = scan(&node).ok().unwrap();
        assert!(s.suspicious.len() >= 2000, "{}", s.suspicious.len());
        assert_eq!(pieces(node.len(), &s), vec![(0, node.len(), false)]);
        // a closed multi-line string laid out wrongly counts its quotes too
        let bad = format!("a #\"\"\"\n x\n{}\n  \"\"\"#\n", "  e #\"\"\"".repeat(100));
        assert_eq!(scan(&bad).ok().unwrap().suspicious.len(), 1 + 300);
        let good = format!("a #\"\"\"\n  x\n{}\n  \"\"\"#\n", "  e #\"\"\"".repeat(100));
        assert!(scan(&good).ok().unwrap().suspicious.is_empty());
        // one unclosed quote in a large piece is searched
        let typo = format!("{}b \"x\n", "c \"y\"\n".repeat(4000));
        let s = scan(&typo).ok().unwrap();
        assert!(pieces(typo.len(), &s).iter().all(|p| p.2));
    }
}
