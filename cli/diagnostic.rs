//! The one diagnostic type every check produces and every renderer consumes.

/// Byte offsets into one file's text, `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end.max(start) as u32 }
    }
    pub fn from_kdl(s: miette::SourceSpan) -> Span {
        Span::new(s.offset(), s.offset() + s.len())
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Index of a file in [`crate::source::Files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A place in the repository: a file and, when known, a span in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A secondary place that explains the primary one ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is. `None` for findings about the repository as a whole.
    pub location: Option<Location>,
    /// What to write at the primary span ("expected a duration").
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The object the finding is about, for waivers: `plan:payroll`, `system:payroll-db`,
    /// `contact:anna.schmidt`, `contract:msa`.
    pub subject: Option<String>,
    /// Set when a waiver in the configuration exempts this finding: it is listed, but does not
    /// count.
    pub waived: Option<Waived>,
    /// Edits that repair the finding, when the repair is certain (`check --fix`, the editor's
    /// code actions). They apply to the file of `location`.
    pub fix: Option<Fix>,
}

/// Whether a fix may be applied without a person looking at it. Nothing that changes the
/// meaning of a plan that loads is ever safe: only a repair of text that did not parse (its
/// meaning is the one its author wrote) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps what the author wrote (quoting a bare `15m`, KDL v1 `true` as `#true`).
    Safe,
    /// A guess or a placeholder: a did-you-mean, a missing member filled with `"TODO"`.
    Unsafe,
}

/// One replacement in a file: the bytes of `span` become `text` (an insertion when the span is
/// empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A machine-applicable repair of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for people ("quote `15m`").
    pub title: String,
    pub applicability: Applicability,
    /// Edits of the finding's file, not overlapping, in any order.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), applicability: Applicability::Safe, edits }
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), applicability: Applicability::Unsafe, edits }
    }
    /// A replacement of one span.
    pub fn replace(applicability: Applicability, title: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix { title: title.into(), applicability, edits: vec![Edit { span, text: text.into() }] }
    }
}

/// Applies non-overlapping edits to a text; `None` when two overlap or one lies outside the
/// text or inside a character.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in edits {
        let r = e.span.range();
        if r.start < at || r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            return None;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&e.text);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// How to write a name or value in KDL: bare when it is a plain ASCII word that KDL reads as a
/// string (`anna.schmidt`, `business-hours`), quoted otherwise (`"24x7"`, `"a b"`). The one
/// quoting style of `fmt` and of every fix.
pub fn kdl_word(s: &str) -> String {
    if is_plain_word(s) {
        s.to_string()
    } else {
        kdl_quoted(s)
    }
}

/// A quoted KDL string with the escapes it needs.
pub fn kdl_quoted(s: &str) -> String {
    let mut out = String::new();
    crate::escape::quoted(s, &mut out, |c, out| match c {
        '\r' => out.push_str("\\r"),
        c if c.is_control() || crate::escape::is_unsafe(c) || c == '\u{feff}' => crate::escape::visible(c, out),
        c => out.push(c),
    });
    out
}

/// An ASCII word KDL v2 reads as a bare string: a letter or `_` first, then letters, digits,
/// `_`, `.` or `-`, and not a keyword.
pub fn is_plain_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !matches!(s, "true" | "false" | "null" | "inf" | "nan")
}

/// The waiver that exempts a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waived {
    pub reason: String,
    pub approved_by: String,
    pub expires: crate::units::Date,
    pub location: Location,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            location: None,
            label: None,
            labels: Vec::new(),
            help: None,
            subject: None,
            waived: None,
            fix: None,
        }
    }
    pub fn about(mut self, kind: &str, id: &str) -> Self {
        self.subject = Some(format!("{kind}:{id}"));
        self
    }
    pub fn at(mut self, file: FileId, span: Span) -> Self {
        self.location = Some(Location { file, span });
        self
    }
    pub fn in_file(mut self, file: FileId) -> Self {
        self.location = Some(Location { file, span: Span::default() });
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { location: Location { file, span }, message: message.into() });
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
    /// Whether the finding counts: not waived.
    pub fn counts(&self) -> bool {
        self.waived.is_none()
    }
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// Edit distance counting a swap of two neighbouring characters as one edit (optimal string
/// alignment), for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    distance_within(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// The edit distance of two words, or `None` once it is certain to exceed `limit`: three rows
/// of the table, and a stop as soon as a whole row is above the limit (a row's minimum never
/// falls in the rows below it).
fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let (mut before, mut prev): (Vec<usize>, Vec<usize>) = (vec![0; b.len() + 1], (0..=b.len()).collect());
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        // a swap reaches back two rows: stop only when this row and the one before it are over
        if row.iter().min().is_some_and(|&m| m > limit) && prev.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

/// The closest candidate within a distance that scales with the word's length, or the only
/// candidate that the word abbreviates (`tech` for `technical`). Of two equally near ones, the
/// first in sort order. Candidates whose length alone puts them out of reach cost no table.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w: Vec<char> = word.chars().collect();
    let limit = (w.len() / 3).clamp(1, 4);
    let mut near: Option<(usize, &str)> = None;
    let mut prefixed: (Option<&str>, usize) = (None, 0);
    let mut c: Vec<char> = Vec::new();
    for candidate in candidates {
        if word.len() >= 3 && candidate.starts_with(word) {
            prefixed = (prefixed.0.or(Some(candidate)), prefixed.1 + 1);
        }
        // a character is 1 to 4 bytes: too long or too short in bytes is too far in characters
        if candidate.len() + limit < w.len() || candidate.len() > 4 * (w.len() + limit) {
            continue;
        }
        c.clear();
        c.extend(candidate.chars());
        let reach = near.map_or(limit, |(d, _)| d);
        if let Some(d) = distance_within(&w, &c, reach) {
            if near.is_none_or(|n| (d, candidate) < n) {
                near = Some((d, candidate));
            }
        }
    }
    near.map(|(_, c)| c).or(match prefixed {
        (Some(only), 1) => Some(only),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_pick_the_nearest_within_reach() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(did_you_mean("tech", ["technical", "application"]), Some("technical"));
        assert_eq!(did_you_mean("anna.schmid", ["anna.schmidt", "bernd.mueller"]), Some("anna.schmidt"));
        assert_eq!(did_you_mean("xyz", ["anna.schmidt"]), None);
        assert_eq!(did_you_mean("senario", ["scenario", "step"]), Some("scenario"));
        // equally near: the first in sort order, whatever the order given
        assert_eq!(did_you_mean("anna", ["annb", "anba"]), Some("anba"));
        assert_eq!(did_you_mean("anna", ["anba", "annb"]), Some("anba"));
        // a swap is one edit, also at the end
        assert_eq!(did_you_mean("anan", ["anna"]), Some("anna"));
        assert_eq!(did_you_mean("tech", ["technical", "technician"]), None);
    }

    /// The whole table, as the distance was first computed.
    fn table(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn the_bounded_distance_agrees_with_the_whole_table() {
        let words =
            ["", "a", "ab", "ba", "abc", "acb", "kitten", "sitting", "mark.brandt", "markus.brandt", "ü-x", "x-ü"];
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = table(a, b);
                assert_eq!(edit_distance(a, b), full);
                for limit in 0..6 {
                    let want = (full <= limit).then_some(full);
                    assert_eq!(distance_within(&x, &y, limit), want, "{a:?} {b:?} within {limit}");
                }
            }
        }
    }
}

// --- the rule type: every code of every layer is a `Rule`, defined beside the code that reports it

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    File,
    Kdl,
    Schema,
    Reference,
    Config,
    Coverage,
    Escalation,
    Scenarios,
    Backup,
    Objectives,
    Exercises,
    Contracts,
    Contacts,
    Signoff,
    Git,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::File => "reading files",
            Family::Kdl => "KDL syntax",
            Family::Schema => "file format (JSON Schema)",
            Family::Reference => "cross-references",
            Family::Config => "repository configuration",
            Family::Coverage => "coverage and responsibility",
            Family::Escalation => "escalation and contacts in plans",
            Family::Scenarios => "scenarios and work instructions",
            Family::Backup => "backup",
            Family::Objectives => "time objectives",
            Family::Exercises => "exercises",
            Family::Contracts => "contracts and plan versions",
            Family::Contacts => "contact lists",
            Family::Signoff => "dual sign-off",
            Family::Git => "reading from Git",
        }
    }

    /// Whether the repository configuration may change the severity of rules of this family.
    /// Structural rules cannot be configured: every later check depends on them.
    pub fn configurable(self) -> bool {
        !matches!(
            self,
            Family::File
                | Family::Kdl
                | Family::Schema
                | Family::Reference
                | Family::Config
                | Family::Git
                | Family::Signoff
        )
    }
}

/// One rule: a stable code, a kebab-case name naming the problem, and its documentation.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Markdown with the sections `What it does`, `Why`, `Example`: the rule's doc comment.
    pub doc: &'static str,
    /// The sentence of the requirement text (M 6.83) or the product brief the rule enforces;
    /// empty for structural rules.
    pub requirement: &'static str,
}

/// Defines rules as statics plus a list of them named `$list`. Each rule's documentation is its
/// doc comment (Markdown with the sections `What it does`, `Why`, `Example`), written above it as
/// on any item: the macro keeps it on the static and joins its lines into `Rule::doc`.
macro_rules! rules {
    ($list:ident; $( $(#[doc = $doc:literal])* $ident:ident = $code:literal $name:literal $family:ident
        $sev:ident $summary:literal; )*) => {
        $( $(#[doc = $doc])*
        pub static $ident: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code, name: $name, family: $crate::diagnostic::Family::$family,
            default_severity: $crate::diagnostic::Severity::$sev, summary: $summary,
            doc: doc_comment!($($doc),*), requirement: "",
        }; )*
        /// The rules of this file.
        pub static $list: &[&$crate::diagnostic::Rule] = &[$( &$ident ),*];
    };
}

/// Defines policy rules, each traced to the sentence of the requirement it enforces; the
/// documentation is the doc comment, as for `rules!`.
macro_rules! policy_rules {
    ($list:ident; $( $(#[doc = $doc:literal])* $ident:ident = $code:literal $name:literal $family:ident
        $sev:ident $summary:literal requirement: $req:literal; )*) => {
        $( $(#[doc = $doc])*
        pub static $ident: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code, name: $name, family: $crate::diagnostic::Family::$family,
            default_severity: $crate::diagnostic::Severity::$sev, summary: $summary,
            doc: doc_comment!($($doc),*), requirement: $req,
        }; )*
        /// The rules of this file.
        pub static $list: &[&$crate::diagnostic::Rule] = &[$( &$ident ),*];
    };
}

/// The lines of a doc comment (`///` gives each line with the space after the slashes) as one
/// `&'static str`, joined with newlines at compile time: what rustdoc shows is what `explain`
/// prints.
macro_rules! doc_comment {
    ($($line:literal),*) => {{
        const LINES: &[&str] = &[$($line),*];
        const BYTES: [u8; $crate::diagnostic::doc_len(LINES)] = $crate::diagnostic::doc_bytes(LINES);
        $crate::diagnostic::doc_str(&BYTES)
    }};
}

/// A doc comment's line without the one space `///` puts before the text.
const fn doc_line(line: &str) -> &[u8] {
    match line.as_bytes() {
        [b' ', rest @ ..] => rest,
        bytes => bytes,
    }
}

/// The length of a doc comment's lines joined by newlines.
pub const fn doc_len(lines: &[&str]) -> usize {
    let mut n = lines.len().saturating_sub(1);
    let mut i = 0;
    while i < lines.len() {
        n += doc_line(lines[i]).len();
        i += 1;
    }
    n
}

/// A doc comment's lines joined by newlines; `N` is `doc_len(lines)`.
pub const fn doc_bytes<const N: usize>(lines: &[&str]) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut at, mut i) = (0, 0);
    while i < lines.len() {
        if i > 0 {
            out[at] = b'\n';
            at += 1;
        }
        let line = doc_line(lines[i]);
        let mut j = 0;
        while j < line.len() {
            out[at] = line[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// The joined lines as text (whole lines of UTF-8, so always text).
pub const fn doc_str(bytes: &'static [u8]) -> &'static str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("a doc comment is UTF-8"),
    }
}
