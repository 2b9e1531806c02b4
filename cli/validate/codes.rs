//! The codes of the file format (`SCH`), beside the mapping and the schema validation that
//! report them.

rules! {
    SCHEMA;
    /// ## What it does
    /// Reports a node or property that the format does not know at that place, and lists the names allowed there.
    ///
    /// ## Why
    /// A misspelt name (`forbiden`) would otherwise be ignored, and the plan would silently lack what the author wrote.
    ///
    /// ## Example
    /// ```kdl
    /// plan payroll { forbiden "Reboot the batch server" }
    /// ```
    /// ```kdl
    /// plan payroll { forbidden "Reboot the batch server" }
    /// ```
    SCH_UNKNOWN = "SCH001" "unknown-node" Schema Error
        "a node or property name is not part of the format";
    /// ## What it does
    /// Reports a required node, property or argument that is missing, at the node that should hold it.
    ///
    /// ## Why
    /// Every required field carries information an emergency depends on, such as a plan's title or a contact's party.
    ///
    /// ## Example
    /// ```kdl
    /// contact anna.schmidt { name "Anna Schmidt" }
    /// ```
    /// ```kdl
    /// contact anna.schmidt { name "Anna Schmidt"; party bank; verified "2026-09-01" }
    /// ```
    SCH_MISSING = "SCH002" "missing-required" Schema Error
        "something the format requires is missing";
    /// ## What it does
    /// Reports a value of the wrong type: a number where text is expected, text where `#true` or `#false` is expected, and so on.
    ///
    /// ## Why
    /// Values are compared and computed with; a wrong type would make every later check meaningless.
    ///
    /// ## Example
    /// ```kdl
    /// offsite "yes"
    /// ```
    /// ```kdl
    /// offsite #true
    /// ```
    SCH_TYPE = "SCH003" "wrong-value-type" Schema Error
        "a value has the wrong type";
    /// ## What it does
    /// Reports a value outside its allowed set (for example a cause class) or of the wrong form (for example an id with spaces), with the allowed values and a suggestion.
    ///
    /// ## Why
    /// Closed vocabularies keep plans comparable and let the policy rules reason about them.
    ///
    /// ## Example
    /// ```kdl
    /// scenario disk-full cause=tech
    /// ```
    /// ```kdl
    /// scenario disk-full cause=technical
    /// ```
    SCH_VALUE = "SCH004" "invalid-value" Schema Error
        "a value is not one of the allowed values or has the wrong form";
    /// ## What it does
    /// Reports dates that are not ISO calendar dates (`YYYY-MM-DD`), including impossible ones like `2026-02-30`.
    ///
    /// ## Why
    /// Dates decide whether contacts are stale and exercises overdue; a date read wrongly would hide both.
    ///
    /// ## Example
    /// ```kdl
    /// verified "14.09.2026"
    /// ```
    /// ```kdl
    /// verified "2026-09-14"
    /// ```
    SCH_DATE = "SCH005" "invalid-date" Schema Error
        "a date is not a calendar date in YYYY-MM-DD form";
    /// ## What it does
    /// Reports durations that are not a whole number followed by one of the units `m` (minutes), `h` (hours), `d` (days), `w` (weeks), `mo` (months), `y` (years).
    ///
    /// ## Why
    /// Recovery times, intervals and retention periods are compared against each other and against the contract; one notation keeps those comparisons exact.
    ///
    /// ## Example
    /// ```kdl
    /// rto "4 hours"
    /// ```
    /// ```kdl
    /// rto "4h"
    /// ```
    SCH_DURATION = "SCH006" "invalid-duration" Schema Error
        "a duration is not written as a number and a unit";
    /// ## What it does
    /// Reports a second occurrence of a node or property that may appear only once at that place (including a property also given as a child node).
    ///
    /// ## Why
    /// Two values for one field leave the reader guessing which one counts.
    ///
    /// ## Example
    /// ```kdl
    /// plan payroll { title "Payroll"; title "Payroll batch" }
    /// ```
    SCH_DUPLICATE = "SCH007" "duplicate-entry" Schema Error
        "a node or property that may appear once appears twice";
    /// ## What it does
    /// Reports a node with a missing or an extra argument, or properties or children where the node takes a single value.
    ///
    /// ## Why
    /// An extra value is information the format has no place for: it would be lost silently.
    ///
    /// ## Example
    /// ```kdl
    /// title "Payroll" "batch"
    /// ```
    /// ```kdl
    /// title "Payroll batch"
    /// ```
    SCH_ARGUMENTS = "SCH008" "wrong-arguments" Schema Error
        "a node has more or fewer arguments than its definition";
    /// ## What it does
    /// Reports a top-level node whose kind does not belong in the folder of its file, as set in `paths` in `contingent.kdl` (contacts in `contacts/`, plans in `plans/`, ...).
    ///
    /// ## Why
    /// A predictable layout lets reviewers find things and lets each file be checked against the right schema.
    ///
    /// ## Example
    /// A `plan` node in `contacts/bank.kdl` fails: move it to a file in the plans folder.
    SCH_MISPLACED = "SCH009" "misplaced-node" Schema Error
        "a top-level node is of a kind that does not belong in its folder";
    /// ## What it does
    /// Reports KDL type annotations such as `(date)"2026-01-01"`.
    ///
    /// ## Why
    /// The format gives every value its type by position, so an annotation would be ignored; it is rejected rather than silently dropped.
    ///
    /// ## Example
    /// ```kdl
    /// verified (date)"2026-09-14"
    /// ```
    /// ```kdl
    /// verified "2026-09-14"
    /// ```
    SCH_ANNOTATION = "SCH010" "unsupported-type-annotation" Schema Error
        "a KDL type annotation is used";
}
