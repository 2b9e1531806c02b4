//! Rules about reading, parsing and the file format: always on, always errors (or warnings).

rules! {
    STRUCTURE;
    FILE_UNREADABLE = "FILE001" "unreadable-file" File Error
        "a file could not be read"
        "## What it does\nReports a file in the repository that exists but cannot be read (permissions, I/O error).\n\n## Why\nA plan that cannot be read cannot be checked; silently skipping it would hide it from every other check.\n\n## Example\n```text\nerror[FILE001]: cannot read plans/payroll.kdl: permission denied\n```\nFix the file's permissions.";
    FILE_NOT_UTF8 = "FILE002" "invalid-utf8" File Error
        "a file is not valid UTF-8"
        "## What it does\nReports a file whose bytes are not valid UTF-8, at the first invalid byte.\n\n## Why\nKDL documents are UTF-8 text. A file saved as Latin-1 or UTF-16 by an editor would show names such as `Müller` garbled.\n\n## Example\nA contact file saved as Latin-1 with `name \"J\\xfcrgen\"` fails. Re-save the file as UTF-8.";
    FILE_TOO_LARGE = "FILE003" "file-too-large" File Error
        "a file is larger than the configured limit"
        "## What it does\nReports a file larger than the size limit (`limits max-file-size=...` in `contingent.kdl`, 1 MiB by default) without reading it.\n\n## Why\nNo plan file needs megabytes; such a file is usually a mistake (a binary or a generated dump), and reading it would slow every commit.\n\n## Example\nSplit the file, or raise the limit in `contingent.kdl`:\n```kdl\nlimits max-file-size=4194304\n```";
    FILE_SYMLINK_OUTSIDE = "FILE004" "symlink-outside-repository" File Error
        "a symbolic link points outside the repository and was not followed"
        "## What it does\nReports a symbolic link in a plan folder whose target lies outside the plan repository. The link is not followed.\n\n## Why\nA check must judge what is in the repository. Following links out of it would check files nobody reviews and that differ from machine to machine.\n\n## Example\n`contacts/shared.kdl -> /etc/contacts.kdl` fails. Copy the file into the repository instead.";
    FILE_EMPTY = "FILE005" "empty-file" File Warning
        "a file holds no nodes"
        "## What it does\nWarns about a `.kdl` file in a plan folder that is empty or holds only comments.\n\n## Why\nAn empty file is usually a plan or contact list that was truncated by mistake.\n\n## Example\nDelete the file, or fill it.";
    FILE_SKIPPED = "FILE006" "entry-not-checked" File Error
        "an entry in a plan folder looks like a plan file but cannot be checked"
        "## What it does\nReports an entry in a plan folder that cannot be checked: a `.kdl` name that is a named pipe, socket or device, a symbolic link whose target is missing or that is part of a loop of links, a name that is not valid UTF-8, or a folder that cannot be read.\n\n## Why\nSuch an entry was skipped silently before: its plans or contacts would be missing from the check without a word, and the findings that follow (references to missing contacts) would point elsewhere. A named pipe would even block a reader forever.\n\n## Example\n```text\nerror[FILE006]: contacts/bank.kdl is not checked: it is a symbolic link to ../shared/bank.kdl, which does not exist\n```\nReplace the entry with a regular file, or remove it.";
    KDL_SYNTAX = "KDL001" "kdl-syntax-error" Kdl Error
        "a file is not valid KDL v2"
        "## What it does\nReports KDL syntax errors at their position. The rest of the repository is still checked.\n\n## Why\nA file that does not parse cannot be checked at all.\n\n## Example\n```kdl\nlevel 1 within=15m     // a bare value cannot start with a digit\n```\n```kdl\nlevel 1 within=\"15m\"   // dates and durations are strings\n```";
    KDL_V1 = "KDL002" "kdl-v1-syntax" Kdl Error
        "a file uses KDL v1 syntax"
        "## What it does\nRecognises KDL v1 syntax in a file that fails to parse as KDL v2 and says how to convert it.\n\n## Why\ncontingent reads KDL v2 only, so every file has one meaning. v1 and v2 differ in keywords and raw strings.\n\n## Example\n```kdl\noffsite true            // KDL v1\nnote r\"C:\\path\"\n```\n```kdl\noffsite #true           // KDL v2\nnote #\"C:\\path\"#\n```";
    KDL_TOO_DEEP = "KDL003" "nesting-too-deep" Kdl Error
        "child blocks are nested deeper than any file needs"
        "## What it does\nReports a file whose `{ }` blocks nest deeper than 64 levels, without parsing it further.\n\n## Why\nNo valid file nests more than a few levels; a deeper file is generated or corrupt, and parsing it could exhaust the stack.\n\n## Example\n`a { a { a { ... } } }` thousands of levels deep fails.";
    KDL_RUN = "KDL004" "unrecoverable-syntax" Kdl Error
        "a file that is not valid KDL holds constructs its errors cannot be located in"
        "## What it does\nReports, in a file that is not valid KDL, a run of more than 16 slashdashes (`/-`), type annotations (`(t)`), child blocks of one node (`{ } { }`) or line continuations (`\\`) in a row, or a top-level node longer than 32 KiB, instead of searching it for the exact error. The rest of the repository is still checked.\n\n## Why\nThe error-reporting KDL parser recurses on such runs: thousands of them, a few kilobytes of text, would exhaust its stack or take minutes. No valid file needs more than one of these in a row, so such a file is generated or corrupt.\n\n## Example\n```kdl\nplan payroll (t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)(t)\"x\"\n```\nRemove the repetition.";
    KDL_CHARACTER = "KDL005" "disallowed-character" Kdl Error
        "a file holds a character that KDL does not allow in a document"
        "## What it does\nReports, at its exact position, a character KDL v2 does not allow anywhere in a document: control characters such as NUL (U+0000), DEL (U+007F), the bidirectional controls U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069, and U+FEFF other than at the start. The rest of the file is still checked, as if the character were a space.\n\n## Why\nThese characters are invisible or change how the text around them is displayed: a right-to-left override can make a reviewer read a step, a phone number or an id other than the one the file holds. KDL forbids them literally; a value that really needs one writes it as an escape.\n\n## Example\nA contact name holding U+202E fails. Remove the character, or write it as the escape `\\u{202E}` inside a quoted string.";
    SCH_UNKNOWN = "SCH001" "unknown-node" Schema Error
        "a node or property name is not part of the format"
        "## What it does\nReports a node or property that the format does not know at that place, and lists the names allowed there.\n\n## Why\nA misspelt name (`forbiden`) would otherwise be ignored, and the plan would silently lack what the author wrote.\n\n## Example\n```kdl\nplan payroll { forbiden \"Reboot the batch server\" }\n```\n```kdl\nplan payroll { forbidden \"Reboot the batch server\" }\n```";
    SCH_MISSING = "SCH002" "missing-required" Schema Error
        "something the format requires is missing"
        "## What it does\nReports a required node, property or argument that is missing, at the node that should hold it.\n\n## Why\nEvery required field carries information an emergency depends on, such as a plan's title or a contact's party.\n\n## Example\n```kdl\ncontact anna.schmidt { name \"Anna Schmidt\" }\n```\n```kdl\ncontact anna.schmidt { name \"Anna Schmidt\"; party bank; verified \"2026-09-01\" }\n```";
    SCH_TYPE = "SCH003" "wrong-value-type" Schema Error
        "a value has the wrong type"
        "## What it does\nReports a value of the wrong type: a number where text is expected, text where `#true` or `#false` is expected, and so on.\n\n## Why\nValues are compared and computed with; a wrong type would make every later check meaningless.\n\n## Example\n```kdl\noffsite \"yes\"\n```\n```kdl\noffsite #true\n```";
    SCH_VALUE = "SCH004" "invalid-value" Schema Error
        "a value is not one of the allowed values or has the wrong form"
        "## What it does\nReports a value outside its allowed set (for example a cause class) or of the wrong form (for example an id with spaces), with the allowed values and a suggestion.\n\n## Why\nClosed vocabularies keep plans comparable and let the policy rules reason about them.\n\n## Example\n```kdl\nscenario disk-full cause=tech\n```\n```kdl\nscenario disk-full cause=technical\n```";
    SCH_DATE = "SCH005" "invalid-date" Schema Error
        "a date is not a calendar date in YYYY-MM-DD form"
        "## What it does\nReports dates that are not ISO calendar dates (`YYYY-MM-DD`), including impossible ones like `2026-02-30`.\n\n## Why\nDates decide whether contacts are stale and exercises overdue; a date read wrongly would hide both.\n\n## Example\n```kdl\nverified \"14.09.2026\"\n```\n```kdl\nverified \"2026-09-14\"\n```";
    SCH_DURATION = "SCH006" "invalid-duration" Schema Error
        "a duration is not written as a number and a unit"
        "## What it does\nReports durations that are not a whole number followed by one of the units `m` (minutes), `h` (hours), `d` (days), `w` (weeks), `mo` (months), `y` (years).\n\n## Why\nRecovery times, intervals and retention periods are compared against each other and against the contract; one notation keeps those comparisons exact.\n\n## Example\n```kdl\nrto \"4 hours\"\n```\n```kdl\nrto \"4h\"\n```";
    SCH_DUPLICATE = "SCH007" "duplicate-entry" Schema Error
        "a node or property that may appear once appears twice"
        "## What it does\nReports a second occurrence of a node or property that may appear only once at that place (including a property also given as a child node).\n\n## Why\nTwo values for one field leave the reader guessing which one counts.\n\n## Example\n```kdl\nplan payroll { title \"Payroll\"; title \"Payroll batch\" }\n```";
    SCH_ARGUMENTS = "SCH008" "wrong-arguments" Schema Error
        "a node has more or fewer arguments than its definition"
        "## What it does\nReports a node with a missing or an extra argument, or properties or children where the node takes a single value.\n\n## Why\nAn extra value is information the format has no place for: it would be lost silently.\n\n## Example\n```kdl\ntitle \"Payroll\" \"batch\"\n```\n```kdl\ntitle \"Payroll batch\"\n```";
    SCH_MISPLACED = "SCH009" "misplaced-node" Schema Error
        "a top-level node is of a kind that does not belong in its folder"
        "## What it does\nReports a top-level node whose kind does not belong in the folder of its file, as set in `paths` in `contingent.kdl` (contacts in `contacts/`, plans in `plans/`, ...).\n\n## Why\nA predictable layout lets reviewers find things and lets each file be checked against the right schema.\n\n## Example\nA `plan` node in `contacts/bank.kdl` fails: move it to a file in the plans folder.";
    SCH_ANNOTATION = "SCH010" "unsupported-type-annotation" Schema Error
        "a KDL type annotation is used"
        "## What it does\nReports KDL type annotations such as `(date)\"2026-01-01\"`.\n\n## Why\nThe format gives every value its type by position, so an annotation would be ignored; it is rejected rather than silently dropped.\n\n## Example\n```kdl\nverified (date)\"2026-09-14\"\n```\n```kdl\nverified \"2026-09-14\"\n```";
    REF_DUPLICATE = "REF001" "duplicate-id" Reference Error
        "two objects of the same kind share an id"
        "## What it does\nReports an id used twice for the same kind (two contacts, two plans, two scenarios of one plan, two revisions of one contract), in one file or across files, and points at both.\n\n## Why\nReferences must name exactly one object; with two, a plan could point at the wrong person in an emergency.\n\n## Example\nTwo files both define `contact anna.schmidt`. Rename or merge one.";
    REF_UNRESOLVED = "REF002" "unresolved-reference" Reference Error
        "a reference names nothing that exists"
        "## What it does\nReports a reference to a contact, party, system, interface, contract, revision, plan or scenario that does not exist, with a suggestion when a similar id exists.\n\n## Why\nM 6.83: responsibilities, contact persons and processes must be clearly regulated and fully documented. A reference to nobody is a gap that is found only in the emergency.\n\n## Example\n```kdl\nresponsible client=anna.schmid provider=jan.peters\n```\n```kdl\nresponsible client=anna.schmidt provider=jan.peters\n```";
    REF_WRONG_KIND = "REF003" "wrong-kind-reference" Reference Error
        "a reference names an object of the wrong kind"
        "## What it does\nReports a reference that names an existing object of another kind than the place requires, such as a contact where a system is expected.\n\n## Why\nIds are unique per kind only; the same word may name a contact and a system. The reference must resolve to the right one.\n\n## Example\n```kdl\ncovers anna.schmidt   // a contact, not a system\n```";
    REF_CYCLE = "REF004" "dependency-cycle" Reference Error
        "a system or interface depends on itself, directly or through others"
        "## What it does\nReports a system or interface whose `depends-on` names itself, or a loop of dependencies (`a` depends on `b`, `b` on `c`, `c` on `a`), with the whole loop.\n\n## Why\nDependencies say what must run before a system can be restored; the restart order of an emergency follows them. A loop has no first step, so the order cannot be followed.\n\n## Example\n```kdl\nsystem payroll-db { depends-on payroll-db san }\n```\n```kdl\nsystem payroll-db { depends-on san }\n```";
    CFG_PARTIES = "CFG001" "missing-party-role" Config Error
        "the configuration does not name exactly one client and one provider"
        "## What it does\nChecks that `contingent.kdl` names exactly one party with `role=client` and exactly one with `role=provider` (any number of sub-providers and carriers may follow).\n\n## Why\nM 6.83 divides emergency preparedness between the client and the outsourcing service provider; every responsibility and sign-off check needs to know which party is which.\n\n## Example\n```kdl\nparty bank role=client name=\"Hanseatische Privatbank AG\"\nparty rzn role=provider name=\"Rechenzentrum Nord GmbH\"\n```";
    CFG_PATHS_OUTSIDE = "CFG006" "paths-outside-repository" Config Error
        "a `paths` folder lies outside the repository"
        "## What it does\nReports a folder in `paths` in `contingent.kdl` that is absolute or leads above the repository (`signoffs=\"/etc\"`, `contacts=\"..\"`). The folder is not read.\n\n## Why\nA check must judge what is in the repository. A folder outside it would be read from whatever the machine holds there, or silently yield nothing (no sign-offs, no contacts).\n\n## Example\n```kdl\npaths signoffs=\"/etc\"\n```\n```kdl\npaths signoffs=\"approvals\"\n```";
    CFG_PATHS_EMPTY = "CFG007" "paths-folder-empty" Config Warning
        "a configured `paths` folder does not exist or holds no plan files"
        "## What it does\nWarns about a folder set in `paths` in `contingent.kdl` (other than its default) that does not exist or holds no `.kdl` file.\n\n## Why\nA misspelt folder name silently checks nothing of that kind: no contacts, no sign-offs.\n\n## Example\n```kdl\npaths contacts=\"contcts\"\n```";
}
