//! The codes of KDL syntax (`KDL`), beside the parser that reports them.

rules! {
    SYNTAX;
    /// ## What it does
    /// Reports KDL syntax errors at their position. The rest of the repository is still checked.
    ///
    /// ## Why
    /// A file that does not parse cannot be checked at all.
    ///
    /// ## Example
    /// ```kdl
    /// level 1 within=15m     // a bare value cannot start with a digit
    /// ```
    /// ```kdl
    /// level 1 within="15m"   // dates and durations are strings
    /// ```
    KDL_SYNTAX = "KDL001" "kdl-syntax-error" Kdl Error
        "a file is not valid KDL v2";
    /// ## What it does
    /// Recognises KDL v1 syntax in a file that fails to parse as KDL v2 and says how to convert it.
    ///
    /// ## Why
    /// contingent reads KDL v2 only, so every file has one meaning. v1 and v2 differ in keywords and raw strings.
    ///
    /// ## Example
    /// ```kdl
    /// offsite true            // KDL v1
    /// note r"C:\path"
    /// ```
    /// ```kdl
    /// offsite #true           // KDL v2
    /// note #"C:\path"#
    /// ```
    KDL_V1 = "KDL002" "kdl-v1-syntax" Kdl Error
        "a file uses KDL v1 syntax";
    /// ## What it does
    /// Reports a file whose `{ }` blocks nest deeper than 64 levels, without parsing it further.
    ///
    /// ## Why
    /// No valid file nests more than a few levels; a deeper file is generated or corrupt, and parsing it could exhaust the stack.
    ///
    /// ## Example
    /// `a { a { a { ... } } }` thousands of levels deep fails.
    KDL_TOO_DEEP = "KDL003" "nesting-too-deep" Kdl Error
        "child blocks are nested deeper than any file needs";
    /// ## What it does
    /// Reports, in a file that is not valid KDL, a run of more than 16 slashdashes (`/-`), type annotations (`(t)`), child blocks of one node (`{ } { }`) or line continuations (`\`) in a row, or a top-level node longer than 32 KiB, instead of searching it for the exact error. The rest of the repository is still checked.
    ///
    /// ## Why
    /// The error-reporting KDL parser recurses on such runs: thousands of them, a few kilobytes of text, would exhaust its stack or take minutes. No valid file needs more than one of these in a row, so such a file is generated or corrupt.
    ///
    /// ## Example
    /// ```kdl
    /// plan payroll (t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)"x"
    /// ```
    /// Remove the repetition.
    KDL_RUN = "KDL004" "unrecoverable-syntax" Kdl Error
        "a file that is not valid KDL holds constructs its errors cannot be located in";
    /// ## What it does
    /// Reports, at its exact position, a character KDL v2 does not allow anywhere in a document: control characters such as NUL (U+0000), DEL (U+007F), the bidirectional controls U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069, and U+FEFF other than at the start. The rest of the file is still checked, as if the character were a space.
    ///
    /// ## Why
    /// These characters are invisible or change how the text around them is displayed: a right-to-left override can make a reviewer read a step, a phone number or an id other than the one the file holds. KDL forbids them literally; a value that really needs one writes it as an escape.
    ///
    /// ## Example
    /// A contact name holding U+202E fails. Remove the character, or write it as the escape `\u{202E}` inside a quoted string.
    KDL_CHARACTER = "KDL005" "disallowed-character" Kdl Error
        "a file holds a character that KDL does not allow in a document";
}
