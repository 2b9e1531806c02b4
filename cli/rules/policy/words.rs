//! Words of free text, compared by meaning rather than by letters: lower case, stop words of
//! English and German dropped, a simple stem per word. Used to compare work steps with forbidden
//! actions and to recognise the wording of application causes.

/// Text compared for contradictions: lower case, letters and digits, single spaces.
pub fn normalise(s: &str) -> String {
    normalise_clauses(s).0
}

/// Whether the character at byte `i` of `s` ends a clause: `;`, `!`, `?`, a line break, or a full
/// stop followed by a space or the end ("Restore to the test environment first; the client
/// checks the data" is two clauses, "v1.2" and "e.g." inside a word are not cut).
fn ends_clause(s: &str, i: usize, c: char) -> bool {
    match c {
        ';' | '!' | '?' | '\n' | '\r' => true,
        '.' => s[i + 1..].chars().next().is_none_or(char::is_whitespace),
        _ => false,
    }
}

/// [`normalise`], and the index of the first word of every clause after the first.
fn normalise_clauses(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut clauses = Vec::new();
    let mut gap = false;
    let mut cut = false;
    let mut words = 0;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            if gap || out.is_empty() {
                if cut && words > 0 {
                    clauses.push(words);
                }
                cut = false;
                words += 1;
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
            cut |= ends_clause(s, i, c);
        }
    }
    (out, clauses)
}

/// Words that carry no meaning of their own here (English and German), and verb particles.
const STOP: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "of",
    "by",
    "at",
    "in",
    "on",
    "to",
    "for",
    "from",
    "with",
    "into",
    "onto",
    "its",
    "it",
    "this",
    "that",
    "these",
    "those",
    "be",
    "is",
    "are",
    "was",
    "were",
    "all",
    "any",
    "some",
    "each",
    "every",
    "as",
    "if",
    "then",
    "than",
    "their",
    "them",
    "they",
    "up",
    "down",
    "off",
    "out",
    "over",
    "per",
    "via",
    "after",
    "during",
    "when",
    "while",
    "not",
    "no",
    "do",
    "does",
    "must",
    "may",
    "can",
    "should",
    "shall",
    "will",
    "own",
    "other",
    "oldest",
    "newest",
    "first",
    "last",
    "still",
    "also",
    "only",
    "even",
    "needed",
    // German
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "mit",
    "von",
    "vom",
    "zu",
    "zum",
    "zur",
    "im",
    "am",
    "an",
    "auf",
    "aus",
    "bei",
    "für",
    "nach",
    "über",
    "unter",
    "nicht",
    "kein",
    "keine",
    "sich",
    "ist",
    "sind",
    "wird",
    "werden",
    "bitte",
    "alle",
    "alten",
    "ältesten",
    "neue",
    "hand",
    "manuell",
];

/// Words that join alternatives ("delete logs or backup pieces").
const JOIN: &[&str] = &["or", "and", "oder", "und", "bzw", "sowie", "nor"];

/// Words after which a forbidden action names the condition that makes it allowed.
const UNLESS: &[&str] = &["without", "unless", "except", "before", "ohne", "außer", "ausser", "bevor", "sofern", "vor"];

/// A simple stem: common English and German endings removed while at least three letters remain.
pub fn stem(word: &str) -> String {
    // every ending is ASCII: its length in bytes is its length in characters
    const ENDINGS: &[&str] = &["ungen", "ung", "ing", "ies", "ied", "ed", "en", "er", "es", "e", "s", "n", "y"];
    let chars = word.chars().count();
    for end in ENDINGS {
        if chars >= end.len() + 3 && word.ends_with(end) {
            return word[..word.len() - end.len()].to_string();
        }
    }
    word.to_string()
}

fn is_stop(w: &str) -> bool {
    static STOPS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP.iter().copied().collect());
    STOPS.contains(w) || w.chars().all(|c| c.is_ascii_digit())
}

/// Whether a normalised word is meaningful: neither a stop word nor a joining one.
fn meaningful(w: &str) -> bool {
    !w.is_empty() && !is_stop(w) && !JOIN.contains(&w)
}

/// The stems of a text's meaningful words, in order.
pub fn stems(text: &str) -> Vec<String> {
    normalise(text).split(' ').filter(|w| meaningful(w)).map(stem).collect()
}

/// A text prepared once for every comparison of it (a work step against the vague wordings and
/// every forbidden action): normalised, the stems of its meaningful words, and where its clauses
/// begin among them.
pub struct Prepared {
    /// [`normalise`]d.
    pub norm: String,
    /// [`stems`].
    pub stems: Vec<String>,
    /// The index in `stems` of the first stem of every clause after the first.
    clauses: Vec<usize>,
}

impl Prepared {
    pub fn new(text: &str) -> Prepared {
        let (norm, cuts) = normalise_clauses(text);
        let mut stems = Vec::new();
        let mut clauses = Vec::new();
        let mut cuts = cuts.into_iter().peekable();
        for (i, w) in norm.split(' ').enumerate() {
            if cuts.next_if_eq(&i).is_some() && !stems.is_empty() && clauses.last() != Some(&stems.len()) {
                clauses.push(stems.len());
            }
            if meaningful(w) {
                stems.push(stem(w));
            }
        }
        clauses.retain(|&c| c < stems.len());
        Prepared { norm, stems, clauses }
    }

    /// The stems of each clause, in order.
    pub fn clauses(&self) -> impl Iterator<Item = &[String]> {
        let starts = std::iter::once(0).chain(self.clauses.iter().copied());
        let ends = self.clauses.iter().copied().chain(std::iter::once(self.stems.len()));
        starts.zip(ends).map(|(a, b)| &self.stems[a..b])
    }

    /// Whether the text says what not to do ([`negates`]).
    pub fn negates(&self) -> bool {
        self.norm.split(' ').any(|w| NEGATION.contains(&w))
    }
}

/// Words after which a forbidden action says when it is forbidden ("during opening hours"): a
/// step need not repeat that to do what is forbidden.
const WHEN: &[&str] = &["during", "while", "whilst", "when", "at", "während", "wenn", "solange"];

/// One alternative's object: its head (the first two meaningful words) and the words after it.
#[derive(Debug, PartialEq)]
pub struct Object {
    pub head: Vec<String>,
    pub rest: Vec<String>,
}

/// A forbidden action taken apart: its verbs, the objects of its alternatives, and the words of
/// the condition that would make it allowed ("without the approval of ...").
#[derive(Debug, PartialEq)]
pub struct Action {
    pub verbs: Vec<String>,
    pub objects: Vec<Object>,
    pub condition: Vec<String>,
}

/// Splits a forbidden action into alternatives at "or"/"and" (English and German). The first
/// meaningful word is the verb; a first alternative of one word is a verb alternative
/// ("Restart or shut down a node"), whose object is the next alternative's. What follows
/// "without"/"unless"/"ohne" is the condition that allows it, what follows "during"/"while"/
/// "at" says when it is forbidden: neither belongs to the object.
pub fn action(text: &str) -> Action {
    // a list ("parameters, tax tables or master data") is alternatives too
    let norm = normalise(&text.replace([',', ';', '/'], " or "));
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let unless = words.iter().position(|w| UNLESS.contains(w));
    let condition: Vec<String> = unless
        .map(|u| words[u + 1..].iter().filter(|w| !is_stop(w) && !JOIN.contains(w)).take(2).map(|w| stem(w)).collect())
        .unwrap_or_default();
    let cut = words.iter().position(|w| UNLESS.contains(w) || WHEN.contains(w)).unwrap_or(words.len());
    let mut segments: Vec<Vec<String>> = vec![Vec::new()];
    for w in &words[..cut] {
        if JOIN.contains(w) {
            segments.push(Vec::new());
        } else if !is_stop(w) {
            segments.last_mut().expect("one segment at least").push(stem(w));
        }
    }
    segments.retain(|s| !s.is_empty());
    let mut verbs = Vec::new();
    let mut objects = Vec::new();
    let mut expect_verb = true;
    for (i, seg) in segments.iter().enumerate() {
        let mut rest: &[String] = seg;
        if i == 0 || expect_verb {
            verbs.push(seg[0].clone());
            rest = &seg[1..];
            // a first alternative of only a verb: the next one starts with a verb too
            expect_verb = i == 0 && rest.is_empty();
        }
        if !rest.is_empty() {
            let n = rest.len().min(2);
            objects.push(Object { head: rest[..n].to_vec(), rest: rest[n..].to_vec() });
        }
    }
    Action { verbs, objects, condition }
}

/// Whether a step likely does what a forbidden action forbids: it has one of the verbs, the head
/// of one alternative's object and at least half of the words after it, and does not mention
/// the condition that would allow it. (Negation words are stop words: whether a step says what
/// not to do is [`negates`], on its text.)
pub fn likely_does(step: &[String], forbidden: &Action) -> bool {
    in_clause(step, forbidden) && !forbidden.condition.iter().any(|w| step.contains(w))
}

/// [`likely_does`] for a prepared step: a verb and its object stand in one clause ("Restore to
/// the test environment first; the client checks the data" does not restore the client's
/// data), the condition that allows the action anywhere in the step.
pub fn likely_does_prepared(step: &Prepared, forbidden: &Action) -> bool {
    step.clauses().any(|c| in_clause(c, forbidden)) && !forbidden.condition.iter().any(|w| step.stems.contains(w))
}

/// Whether one clause's stems have a verb of the action and the object of one alternative.
fn in_clause(clause: &[String], forbidden: &Action) -> bool {
    let has = |w: &String| clause.contains(w);
    forbidden.verbs.iter().any(has)
        && forbidden
            .objects
            .iter()
            .any(|o| o.head.iter().all(has) && 2 * o.rest.iter().filter(|w| has(w)).count() >= o.rest.len())
}

/// Words that turn a step into a warning not to do something ("do not restart jobs").
pub const NEGATION: &[&str] =
    &["not", "no", "never", "don", "dont", "nicht", "kein", "keine", "keinen", "niemals", "nie"];

/// Whether a step says what not to do. Takes the step's text, not its stems.
pub fn negates(text: &str) -> bool {
    normalise(text).split(' ').any(|w| NEGATION.contains(&w))
}

/// Whether normalised `text` contains the normalised `phrase` as whole words at least once
/// without a negation word among the three words before it ("do not reboot the server" does not
/// reboot it).
pub fn contains_unnegated(text: &str, phrase: &str) -> bool {
    let Some(first) = phrase.chars().next() else { return false };
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(phrase).map(|i| i + from) {
        let end = at + phrase.len();
        let whole = (at == 0 || bytes[at - 1] == b' ') && (end == text.len() || bytes[end] == b' ');
        if whole && !text[..at].split(' ').rev().filter(|w| !w.is_empty()).take(3).any(|w| NEGATION.contains(&w)) {
            return true;
        }
        from = at + first.len_utf8();
    }
    false
}

/// Wordings that leave the reader to guess (English and German), normalised.
const VAGUE: &[&str] = &[
    "as needed",
    "as necessary",
    "if necessary",
    "if needed",
    "as usual",
    "as appropriate",
    "somehow",
    "etc",
    "and so on",
    "fix the problem",
    "fix the issue",
    "fix it",
    "solve the problem",
    "resolve the problem",
    "handle the problem",
    "handle it",
    "do the needful",
    "take care of it",
    "take appropriate action",
    "take appropriate measures",
    "bei bedarf",
    "falls nötig",
    "wie üblich",
    "usw",
    "problem beheben",
    "fehler beheben",
    "irgendwie",
    "geeignete maßnahmen",
];

/// Where the phrases of an automaton stand in normalised `norm` as whole words: (index of the
/// phrase, start, end), overlapping matches included.
pub(crate) fn whole_matches<'a>(
    automaton: &'a aho_corasick::AhoCorasick,
    norm: &'a str,
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    let bytes = norm.as_bytes();
    automaton
        .find_overlapping_iter(norm)
        .filter(move |m| {
            (m.start() == 0 || bytes[m.start() - 1] == b' ') && (m.end() == norm.len() || bytes[m.end()] == b' ')
        })
        .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
}

/// The first of `phrases` (in their order) that stands in normalised `norm` as whole words, by one
/// automaton for all of them.
fn first_phrase(automaton: &aho_corasick::AhoCorasick, phrases: &[&'static str], norm: &str) -> Option<&'static str> {
    whole_matches(automaton, norm).map(|(i, _, _)| i).min().map(|i| phrases[i])
}

/// One automaton for phrases matched in normalised text.
pub(crate) fn automaton(phrases: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::new(phrases).expect("the phrases make an automaton")
}

static VAGUE_AUTOMATON: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| automaton(VAGUE));

/// Why a work step is too vague to follow under stress, if it is: too few meaningful words, or a
/// wording that leaves the decision to the reader.
pub fn vague(step: &str) -> Option<String> {
    vague_prepared(&Prepared::new(step))
}

/// [`vague`] for a prepared text.
pub fn vague_prepared(step: &Prepared) -> Option<String> {
    if let Some(p) = first_phrase(&VAGUE_AUTOMATON, VAGUE, &step.norm) {
        return Some(format!("\"{p}\" leaves it to the reader what to do"));
    }
    let n = step.stems.len();
    (n < 2)
        .then(|| format!("{n} meaningful word{} cannot say what to do, on what and how", if n == 1 { "" } else { "s" }))
}

/// Phrases (normalised, unstemmed) that describe an application cause: the requirement's
/// examples ("processing of a wrong data record, program error, incorrect parameter setting")
/// and their usual wordings, in English and German.
const APPLICATION_CAUSES: &[&str] = &[
    "wrong data record",
    "wrong record",
    "wrong records",
    "wrong data",
    "incorrect data",
    "faulty data",
    "faulty record",
    "invalid data record",
    "corrupt data record",
    "wrong input file",
    "wrong file",
    "program error",
    "programming error",
    "software error",
    "software bug",
    "application error",
    "application bug",
    "bug in",
    "wrong parameter",
    "wrong parameters",
    "incorrect parameter",
    "parameter setting",
    "wrong setting",
    "misconfigured parameter",
    "wrong configuration of the application",
    "wrong interest",
    "wrong booking",
    "wrong postings",
    "wrong calculation",
    "falscher datensatz",
    "falsche datensätze",
    "fehlerhafter datensatz",
    "fehlerhafte datensätze",
    "fehlerhafte daten",
    "falsche daten",
    "programmfehler",
    "softwarefehler",
    "anwendungsfehler",
    "falsche parametrierung",
    "falscher parameter",
    "falsche parameter",
    "fehlerhafte parametrierung",
    "parametereinstellung",
    "falsche buchung",
    "falsche buchungen",
];

static CAUSE_AUTOMATON: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| automaton(APPLICATION_CAUSES));

/// The first phrase of an application cause the text contains, if any.
pub fn application_cause(text: &str) -> Option<&'static str> {
    first_phrase(&CAUSE_AUTOMATON, APPLICATION_CAUSES, &normalise(text))
}

/// A contact id shaped like a person's name: `first.last` in lower case, parts of letters and
/// hyphens, the last not a file extension or top-level domain.
pub(crate) fn person_shaped(token: &str) -> bool {
    const NOT_NAMES: &[&str] = &[
        "example", "com", "de", "net", "org", "eu", "io", "int", "local", "lan", "corp", "intern", "kdl", "log", "txt",
        "sh", "csv", "pdf", "conf", "cfg", "xml", "json", "yml", "yaml", "html", "sql", "bak", "tar", "gz", "zip",
    ];
    let Some((a, b)) = token.split_once('.') else { return false };
    let part = |p: &str| p.len() >= 2 && p.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !p.starts_with('-');
    part(a) && part(b) && !NOT_NAMES.contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_keeps_letters_and_digits_in_lower_case_with_single_spaces() {
        assert_eq!(normalise("  Reboot the DB-Server (node 2)!  "), "reboot the db server node 2");
        assert_eq!(normalise("Lösche   Straße"), "lösche straße");
        assert_eq!(normalise("--- ..."), "");
        assert_eq!(normalise("ÄRGER"), "ärger");
    }

    #[test]
    fn stems_drop_stop_words_and_endings_in_both_languages() {
        assert_eq!(stems("Delete the oldest archive logs by hand"), ["delet", "archiv", "log"]);
        assert_eq!(stems("Lösche die Archivlogs"), ["lösch", "archivlog"]);
        assert_eq!(stem("deleting"), stem("deleted"));
        assert_eq!(stem("pieces"), stem("piece"));
    }

    #[test]
    fn alternatives_share_the_verb_and_keep_the_condition_apart() {
        let a = action("Delete archive logs or backup pieces of CBSPRD by hand at operating-system level");
        assert_eq!(a.verbs, ["delet"]);
        let heads: Vec<&[String]> = a.objects.iter().map(|o| o.head.as_slice()).collect();
        assert_eq!(heads, [["archiv", "log"], ["backup", "piec"]]);
        assert_eq!(a.objects[1].rest, ["cbsprd"]);
        let b = action(
            "Restart or shut down a node of the CBSPRD cluster during opening hours without approval of the owner",
        );
        assert_eq!(b.verbs, ["restart", "shut"]);
        assert_eq!(b.objects, [Object { head: vec!["nod".into(), "cbsprd".into()], rest: vec!["clust".into()] }]);
        assert_eq!(b.condition, ["approval", "own"]);
    }

    #[test]
    fn a_step_in_other_words_is_a_likely_contradiction_but_not_an_unrelated_or_allowed_one() {
        let f = action("Delete archive logs or backup pieces of CBSPRD by hand at operating-system level");
        assert!(likely_does(&stems("Delete the oldest archive logs by hand"), &f));
        assert!(likely_does(&stems("Lösche die ältesten archive logs (delete backup pieces)"), &f));
        assert!(!likely_does(&stems("Check the archive logs in the RMAN catalogue"), &f));
        let g = action("Restart a node of the cluster without approval of the application owner");
        assert!(likely_does(&stems("Restart node 2 of the cluster"), &g));
        assert!(!likely_does(&stems("Restart node 2 of the cluster after the approval of the owner"), &g));
        assert!(negates("Do not restart node 2 of the cluster") && negates("Don't restart it"));
        assert!(contains_unnegated("reboot the server now", "reboot the server"));
        assert!(!contains_unnegated("wait and do not reboot the server", "reboot the server"));
        assert!(contains_unnegated("do not wait longer than ten minutes then reboot the server", "reboot the server"));
        assert!(!contains_unnegated("rebooting the servers", "reboot the server"));
        // the words after the head must be there in good part: "older" segments are not "current" ones
        let h = action("Compress or move journal segments of the current business day");
        assert!(!likely_does(&stems("Run the archiving job; it moves closed journal segments older than 7 days"), &h));
        assert!(likely_does(&stems("Move the journal segments of the current day to the archive"), &h));
    }

    #[test]
    fn a_verb_and_an_object_in_different_clauses_are_not_a_likely_contradiction() {
        let f = action("Restore client data into the environment of another client");
        let step = Prepared::new(
            "Restore to the restore environment first; the client checks the data and releases the production restore in writing",
        );
        assert!(likely_does(&step.stems, &f), "by its words alone the step looks like the forbidden action");
        assert!(!likely_does_prepared(&step, &f));
        let other =
            Prepared::new("Check the ticket. Restore the client data into the test environment of the other client");
        assert!(likely_does_prepared(&other, &f));
        let clauses: Vec<&[String]> = other.clauses().collect();
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[0], ["check", "ticket"]);
        // "v1.2" and "e.g." inside a word do not cut a clause; the condition counts in any clause
        let g = action("Restart a node of the cluster without approval of the application owner");
        assert!(likely_does_prepared(&Prepared::new("Restart node 2 of the cluster v1.2 now"), &g));
        assert!(!likely_does_prepared(&Prepared::new("Get the approval first. Restart node 2 of the cluster"), &g));
    }

    #[test]
    fn a_prepared_text_has_the_stems_and_wordings_of_the_text() {
        for text in [
            "Delete the oldest archive logs by hand",
            "Restart the service if necessary",
            "Neustart bei Bedarf; dann usw.",
            "  Reboot!  ",
            "",
            "Lösche die ältesten archive logs (delete backup pieces)",
        ] {
            let p = Prepared::new(text);
            assert_eq!(p.norm, normalise(text));
            assert_eq!(p.stems, stems(text));
            assert_eq!(p.clauses().flatten().cloned().collect::<Vec<_>>(), p.stems);
            assert_eq!(p.negates(), negates(text));
        }
        assert_eq!(
            vague("Neustart bei Bedarf; dann usw."),
            Some("\"bei bedarf\" leaves it to the reader what to do".into())
        );
        assert_eq!(
            vague("Restart it and so on as needed"),
            Some("\"as needed\" leaves it to the reader what to do".into())
        );
    }

    #[test]
    fn vague_steps_are_recognised() {
        assert!(vague("Fix the problem").is_some());
        assert!(vague("Restart the service if necessary").is_some());
        assert!(vague("Neustart bei Bedarf").is_some());
        assert!(vague("Reboot").is_some());
        assert_eq!(vague("Extend the logical volume of /data/hpb by 20% following runbook RB-12"), None);
    }

    #[test]
    fn application_causes_are_recognised_in_english_and_german() {
        assert_eq!(application_cause("Payroll run stopped on a wrong data record"), Some("wrong data record"));
        assert_eq!(application_cause("Abbruch wegen Programmfehler im Zinslauf"), Some("programmfehler"));
        assert_eq!(application_cause("Disk full on the database server"), None);
        assert_eq!(application_cause("Debugging session"), None);
    }
}
