//! Rule codes of reading plans from Git (`GIT`).

rules! {
    GIT;
    GIT_CONFLICT = "GIT001" "conflicted-file" Git Error
        "a plan file has unresolved merge conflicts in the index"
        "## What it does\nReports every plan file (a `.kdl` file below the plan repository) that the Git index holds in conflicted form, during a merge, rebase or cherry-pick, when checking with `--staged`. The rest of the index is checked as usual, and a conflicted file is checked in the version of our side (`HEAD`) so that references into it still resolve.\n\n## Why\nA conflicted file has no single staged content: what would be committed is not decided yet, so it cannot be checked, and Git refuses to commit until every conflict is resolved.\n\n## Example\n```text\nerror[GIT001]: plans/payroll.kdl has unresolved merge conflicts in the index (both modified); the version of HEAD (our side) is checked meanwhile\n```\nEdit the file to resolve the conflict, then `git add plans/payroll.kdl`.";
    GIT_HISTORY_NOT_UTF8 = "GIT002" "history-not-utf8" Git Warning
        "a file in the Git history is not valid UTF-8"
        "## What it does\nReports, in `contingent history`, a version of a plan, sign-off or contract file in an earlier commit whose bytes are not valid UTF-8. The history continues: the version is listed without a digest, and the sign-offs or contracts of such a file are not counted.\n\n## Why\nHistory cannot be rewritten: an old commit may hold a file saved in Latin-1 before the repository was checked. The auditor still needs every other version, and needs to see which one cannot be read.\n\n## Example\n```text\nwarning[GIT002]: plans/payroll.kdl at 1a2b3c4: not valid UTF-8 at byte 211; this version is listed without a digest\n```\nNothing to fix in the past; the current version is checked by `contingent check` (FILE002).";
    GIT_HISTORY_INVALID = "GIT003" "history-invalid-version" Git Warning
        "a plan version in the Git history does not pass the format checks"
        "## What it does\nReports, in `contingent history`, a version of a plan in an earlier commit that cannot be read as a plan (KDL syntax or schema errors), with its first error. The version is listed without a digest, because only a valid plan has a canonical digest.\n\n## Why\nA sign-off names the digest of a plan. A version without one cannot have been signed, and the auditor needs to know which commits held a broken plan.\n\n## Example\n```text\nwarning[GIT003]: plans/payroll.kdl at 1a2b3c4: plan `payroll` is not valid (missing title); this version is listed without a digest\n```\nNothing to fix in the past; `contingent check` keeps new versions valid.";
}
