//! The codes of reading files (`FILE`) and of reading them from Git (`GIT`), beside the
//! sources that report them.

rules! {
    SOURCE;
    /// ## What it does
    /// Reports a file in the repository that exists but cannot be read (permissions, I/O error).
    ///
    /// ## Why
    /// A plan that cannot be read cannot be checked; silently skipping it would hide it from every other check.
    ///
    /// ## Example
    /// ```text
    /// error[FILE001]: cannot read plans/payroll.kdl: permission denied
    /// ```
    /// Fix the file's permissions.
    FILE_UNREADABLE = "FILE001" "unreadable-file" File Error
        "a file could not be read";
    /// ## What it does
    /// Reports a file whose bytes are not valid UTF-8, at the first invalid byte.
    ///
    /// ## Why
    /// KDL documents are UTF-8 text. A file saved as Latin-1 or UTF-16 by an editor would show names such as `Müller` garbled.
    ///
    /// ## Example
    /// A contact file saved as Latin-1 with `name "J\xfcrgen"` fails. Re-save the file as UTF-8.
    FILE_NOT_UTF8 = "FILE002" "invalid-utf8" File Error
        "a file is not valid UTF-8";
    /// ## What it does
    /// Reports a file larger than the size limit (`limits max-file-size=...` in `contingent.kdl`, 1 MiB by default) without reading it.
    ///
    /// ## Why
    /// No plan file needs megabytes; such a file is usually a mistake (a binary or a generated dump), and reading it would slow every commit.
    ///
    /// ## Example
    /// Split the file, or raise the limit in `contingent.kdl`:
    /// ```kdl
    /// limits max-file-size=4194304
    /// ```
    FILE_TOO_LARGE = "FILE003" "file-too-large" File Error
        "a file is larger than the configured limit";
    /// ## What it does
    /// Reports a symbolic link in a plan folder whose target lies outside the plan repository, directly or through other links (`a.kdl -> b.kdl -> ../../x.kdl`). The link is not followed.
    ///
    /// Links inside the repository are followed, chains of links too (up to 40), by one rule whether the files come from the work tree or from Git (`--staged`, `--rev`, `--changed-since`): each target relative to its link's folder, never above the plan repository's root. An absolute target counts as inside only in the work tree; in Git, where the repository will be checked out is not known, so it is outside there. Use relative links.
    ///
    /// ## Why
    /// A check must judge what is in the repository. Following links out of it would check files nobody reviews and that differ from machine to machine.
    ///
    /// ## Example
    /// `contacts/shared.kdl -> /etc/contacts.kdl` fails. Copy the file into the repository instead.
    FILE_SYMLINK_OUTSIDE = "FILE004" "symlink-outside-repository" File Error
        "a symbolic link points outside the repository and was not followed";
    /// ## What it does
    /// Warns about a `.kdl` file in a plan folder that is empty or holds only comments.
    ///
    /// ## Why
    /// An empty file is usually a plan or contact list that was truncated by mistake.
    ///
    /// ## Example
    /// Delete the file, or fill it.
    FILE_EMPTY = "FILE005" "empty-file" File Warning
        "a file holds no nodes";
    /// ## What it does
    /// Reports an entry in a plan folder that cannot be checked: a `.kdl` name that is a named pipe, socket or device, a symbolic link whose target (at the end of a chain of links) is missing, or that is part of a loop of links or of a chain of more than 40, a name that is not valid UTF-8, or a folder that cannot be read.
    ///
    /// ## Why
    /// Such an entry was skipped silently before: its plans or contacts would be missing from the check without a word, and the findings that follow (references to missing contacts) would point elsewhere. A named pipe would even block a reader forever.
    ///
    /// ## Example
    /// ```text
    /// error[FILE006]: contacts/bank.kdl is not checked: it is a symbolic link to ../shared/bank.kdl, which does not exist
    /// ```
    /// Replace the entry with a regular file, or remove it.
    FILE_SKIPPED = "FILE006" "entry-not-checked" File Error
        "an entry in a plan folder looks like a plan file but cannot be checked";
    /// ## What it does
    /// Reports every plan file (a `.kdl` file below the plan repository) that the Git index holds in conflicted form, during a merge, rebase or cherry-pick, when checking with `--staged`. The rest of the index is checked as usual, and a conflicted file is checked in the version of our side (`HEAD`) so that references into it still resolve.
    ///
    /// ## Why
    /// A conflicted file has no single staged content: what would be committed is not decided yet, so it cannot be checked, and Git refuses to commit until every conflict is resolved.
    ///
    /// ## Example
    /// ```text
    /// error[GIT001]: plans/payroll.kdl has unresolved merge conflicts in the index (both modified); the version of HEAD (our side) is checked meanwhile
    /// ```
    /// Edit the file to resolve the conflict, then `git add plans/payroll.kdl`.
    GIT_CONFLICT = "GIT001" "conflicted-file" Git Error
        "a plan file has unresolved merge conflicts in the index";
    /// ## What it does
    /// Reports, in `contingent history`, a version of a plan, sign-off or contract file in an earlier commit whose bytes are not valid UTF-8. The history continues: the version is listed without a digest, and the sign-offs or contracts of such a file are not counted.
    ///
    /// ## Why
    /// History cannot be rewritten: an old commit may hold a file saved in Latin-1 before the repository was checked. The auditor still needs every other version, and needs to see which one cannot be read.
    ///
    /// ## Example
    /// ```text
    /// warning[GIT002]: plans/payroll.kdl at 1a2b3c4: not valid UTF-8 at byte 211; this version is listed without a digest
    /// ```
    /// Nothing to fix in the past; the current version is checked by `contingent check` (FILE002).
    GIT_HISTORY_NOT_UTF8 = "GIT002" "history-not-utf8" Git Warning
        "a file in the Git history is not valid UTF-8";
    /// ## What it does
    /// Reports, in `contingent history`, a version of a plan in an earlier commit that cannot be read as a plan (KDL syntax or schema errors), with its first error. The version is listed without a digest, because only a valid plan has a canonical digest.
    ///
    /// ## Why
    /// A sign-off names the digest of a plan. A version without one cannot have been signed, and the auditor needs to know which commits held a broken plan.
    ///
    /// ## Example
    /// ```text
    /// warning[GIT003]: plans/payroll.kdl at 1a2b3c4: plan `payroll` is not valid (missing title); this version is listed without a digest
    /// ```
    /// Nothing to fix in the past; `contingent check` keeps new versions valid.
    GIT_HISTORY_INVALID = "GIT003" "history-invalid-version" Git Warning
        "a plan version in the Git history does not pass the format checks";
    /// ## What it does
    /// With a trusted base (`check --changed-since BASE`, `--rev REV --trust BASE`), reports a checked commit whose first-parent history does not start at the base's root commit: its first parents lead to another root (an unrelated history, an orphan branch merged with the base as its second parent).
    ///
    /// ## Why
    /// `contingent history` trusts the approver rosters of the root of the first-parent history. A fast-forward of the default branch to such a commit would replace that root with one the change brings, and with it whose keys history trusts, although the change's tree may equal the base's.
    ///
    /// ## Example
    /// ```text
    /// error[GIT004]: commit 1a2b3c4 does not descend from commit 5d6e7f8 (--changed-since main) along first parents: its first parents end at root commit 9a8b7c6, not at 0f1e2d3, the base's root
    /// ```
    /// Merge the base into the branch the usual way (the base as the first parent, or rebase onto it).
    GIT_ROOT_REPLACED = "GIT004" "history-root-replaced" Git Error
        "the checked commit does not descend from the trusted base along first parents";
}
