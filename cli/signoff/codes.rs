//! Rule codes of sign-off verification (`SIG`). The format of statements and records and the
//! verification steps are specified in docs/signoff.md. Each rule enforces the product's central
//! promise, quoted as its requirement.

policy_rules! {
    SIGNOFF;
    /// ## What it does
    /// Reports a plan that lacks a valid sign-off record of the client, of the provider, or of both, for any version. (A sign-off for an older version is `SIG002` instead; invalid records are reported on their own and do not count.) When the Git index is checked (`check --staged`, the pre-commit hook) or the check is run with `--allow-unsigned`, it is a warning: plans are signed after review, so a commit must be possible before the sign-offs exist. Sign-off rules cannot be configured or waived in `contingent.kdl`.
    ///
    /// ## Why
    /// A plan version counts as approved only when both the client and the provider have signed exactly that content. M 6.83 requires emergency preparedness to be agreed between the client and the outsourcing provider; a plan one side has never approved is not an agreed plan.
    ///
    /// ## Example
    /// ```text
    /// error[SIG001]: plan `payroll` is not approved: no valid sign-off by the provider (rzn)
    /// ```
    /// Review the plan, then sign it:
    /// ```sh
    /// contingent sign payroll --party provider --as michael.wagner
    /// ```
    SIG_MISSING = "SIG001" "missing-signoff" Signoff Error
        "a plan has no valid sign-off by the client or by the provider"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a plan whose content (its canonical digest) differs from the digest in a party's valid sign-off, when that party has no sign-off of the current content. The message names who signed the old version and when. Reformatting a plan, reordering properties or adding comments do not change the digest; changing any value does. When the Git index is checked (`check --staged`, the pre-commit hook) or the check is run with `--allow-unsigned`, it is a warning: the change is committed first and approved after review. Sign-off rules cannot be configured or waived in `contingent.kdl`.
    ///
    /// ## Why
    /// A sign-off approves exactly the content that was signed. After a change of meaning, the old approval no longer covers the plan, and both parties must approve the new version (M 6.83: the plans are agreed between client and provider).
    ///
    /// ## Example
    /// ```text
    /// error[SIG002]: plan `payroll` changed since it was signed by katharina.vogel (client) on 2026-10-20 and michael.wagner (provider) on 2026-10-21: needs re-approval by the client and the provider
    /// ```
    /// Review the change (`git diff`), then both parties sign again with `contingent sign`.
    SIG_STALE = "SIG002" "stale-signoff" Signoff Error
        "a plan changed after it was signed off and needs re-approval"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose SSH signature is well-formed but does not verify over the record's statement with the key it names: the signature bytes or the statement were changed after signing.
    ///
    /// ## Why
    /// A sign-off is evidence only if anyone can check, offline and years later, that the named person signed exactly this statement.
    ///
    /// ## Example
    /// ```text
    /// error[SIG003]: the signature of this sign-off does not verify over its statement
    /// ```
    /// Delete the record and sign again with `contingent sign`.
    SIG_BAD_SIGNATURE = "SIG003" "bad-signature" Signoff Error
        "a sign-off's signature does not verify over its statement"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a `signature` that is not an armoured SSH signature (`-----BEGIN SSH SIGNATURE-----` ... `-----END SSH SIGNATURE-----`) in the canonical encoding of `ssh-keygen -Y sign`: truncated, garbled, not base64, another armour, an unsupported version or an unsupported key or signature algorithm.
    ///
    /// ## Why
    /// A signature that cannot be read cannot be verified; it is no approval.
    ///
    /// ## Example
    /// ```kdl
    /// signature "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ"   // truncated
    /// ```
    /// Sign again with `contingent sign`.
    SIG_MALFORMED = "SIG004" "malformed-signature" Signoff Error
        "a sign-off's signature is not a readable SSH signature"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a signature whose SSH signature namespace is not `signoff@contingent.dev`, for example one made for a Git commit (`git`) or a file (`file`).
    ///
    /// ## Why
    /// The namespace is part of the signed data and says what the signer meant to sign. A signature made for another purpose must never count as an approval of a plan.
    ///
    /// ## Example
    /// ```text
    /// error[SIG005]: the signature was made in the SSH signature namespace `git`, not `signoff@contingent.dev`
    /// ```
    /// Sign with `contingent sign`, which uses the right namespace.
    SIG_NAMESPACE = "SIG005" "wrong-signature-namespace" Signoff Error
        "a sign-off's signature was made for another purpose"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose signature was made with a public key that is not among the `key` entries of the signing contact. When the key belongs to another contact, the message says whose it is.
    ///
    /// ## Why
    /// Only the keys a contact's own party has recorded for that person identify them. A valid signature by someone else's key, for example a key of the other party, proves nothing about the named signer.
    ///
    /// ## Example
    /// ```kdl
    /// contact katharina.vogel {
    ///     ...
    ///     key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI..." valid-after="2026-01-01"
    /// }
    /// ```
    SIG_UNLISTED_KEY = "SIG006" "unlisted-signing-key" Signoff Error
        "a sign-off is signed with a key that is not listed for its signer"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose signing date lies before the key's `valid-after` date or on or after its `valid-before` date (the first day the key is no longer valid), like Git's allowed-signers `valid-after` and `valid-before`.
    ///
    /// ## Why
    /// A key that was retired (lost, replaced, or its owner left) must not approve plans after its retirement, and a key must not approve plans before it was issued.
    ///
    /// ## Example
    /// ```kdl
    /// key "ssh-ed25519 AAAA..." valid-after="2025-01-01" valid-before="2026-07-01"
    /// ```
    /// A sign-off dated 2026-10-20 with this key fails: sign with the contact's current key.
    SIG_KEY_NOT_VALID = "SIG007" "signing-key-not-valid" Signoff Error
        "a sign-off was signed on a date outside its key's validity dates"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off by a contact who is not marked `may-approve #true`, or who belongs to another party than the one the sign-off is for (a provider contact signing for the client).
    ///
    /// ## Why
    /// Each party decides who may approve plans on its behalf; a sign-off counts only when it is given by such a person for their own party.
    ///
    /// ## Example
    /// ```kdl
    /// contact katharina.vogel {
    ///     party hpb
    ///     may-approve #true
    /// }
    /// ```
    SIG_NOT_AUTHORISED = "SIG008" "signer-not-authorised" Signoff Error
        "the signer may not approve plans for the party signed for"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose `party`, `signer`, `date` or `digest` differ from the same field in its signed `statement`: the record was edited after signing.
    ///
    /// ## Why
    /// The record's fields are what people and tools read; the statement is what was signed. They must say the same, or the record claims an approval nobody gave (for example, an old approval relabelled with the current digest).
    ///
    /// ## Example
    /// ```text
    /// error[SIG009]: this sign-off's date 2026-10-21 is not what was signed: the statement says 2026-10-20
    /// ```
    /// Restore the record, or sign again.
    SIG_MISMATCH = "SIG009" "record-statement-mismatch" Signoff Error
        "a sign-off record does not match the statement that was signed"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose `statement` was edited after signing (the signature verifies over the statement the record's fields give, not over the stored one), or is not a statement of the format at all.
    ///
    /// ## Why
    /// The stored statement lets an auditor verify a sign-off with `ssh-keygen -Y verify` alone. It must be exactly the signed text.
    ///
    /// ## Example
    /// ```text
    /// error[SIG010]: the statement was edited after signing: the signature verifies over the statement the record's fields give, not over the stored one
    /// ```
    SIG_STATEMENT_EDITED = "SIG010" "statement-edited" Signoff Error
        "a sign-off's stored statement is not the statement that was signed"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a plan whose only valid client and provider sign-offs of the current version were made by the same contact or with the same key (one person listed as a contact of both parties).
    ///
    /// ## Why
    /// Dual sign-off means two different people, one for each party, approved the plan. One person signing twice is one approval.
    ///
    /// ## Example
    /// ```text
    /// error[SIG011]: plan `payroll`: the client's and the provider's sign-offs were made with the same key SHA256:...
    /// ```
    SIG_SAME_PERSON = "SIG011" "same-signer-both-parties" Signoff Error
        "the client's and the provider's sign-off of a plan were made by the same person"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose signature was made over the statement of another plan (the signed statement names another plan), or over the statement of another sign-off record in the repository.
    ///
    /// ## Why
    /// A signature approves one statement only. Copied onto another plan or record, it would claim an approval that was never given.
    ///
    /// ## Example
    /// ```text
    /// error[SIG012]: this signature approves plan `core-banking`, not `payroll`: it was copied from another plan's sign-off
    /// ```
    SIG_COPIED = "SIG012" "copied-signature" Signoff Error
        "a sign-off carries a signature made for another plan's or another record's statement"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a contact's `key` entry that is not an OpenSSH public key line, uses an unsupported algorithm (supported: ssh-ed25519, ecdsa-sha2-nistp256, rsa with 2048 to 4096 bits, and their security-key variants), is listed twice, or whose validity dates leave no day on which it is valid.
    ///
    /// ## Why
    /// Sign-offs are verified against these keys; a key that cannot be read or is never valid makes every sign-off of that contact fail.
    ///
    /// ## Example
    /// ```kdl
    /// key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE..." valid-after="2026-01-01"
    /// ```
    /// Copy the whole line of the `.pub` file.
    SIG_INVALID_KEY = "SIG013" "invalid-signing-key" Signoff Error
        "a contact's signing key cannot be used"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose verification depends on something that is not unambiguous: the configuration names no party, or several parties, with the role the sign-off is for (`role=client`, `role=provider`), or the signer's contact id is defined more than once (with possibly other keys or another party). Such a record never counts; `signoffs` and `history` treat it the same way.
    ///
    /// ## Why
    /// Verification must fail closed. With two client parties, which contacts may approve for the client is a guess; with two definitions of one contact id, whose keys apply is a guess. A guess is exactly what an attacker adds to get a sign-off through.
    ///
    /// ## Example
    /// ```text
    /// error[SIG014]: this sign-off cannot be verified: contact `anna.schmidt` is defined 2 times (contacts/bank.kdl:1, contacts/extra.kdl:1), so whose keys and party apply is ambiguous; it does not count
    /// ```
    /// Define each contact once, and exactly one party per role.
    SIG_AMBIGUOUS = "SIG014" "ambiguous-signoff-context" Signoff Error
        "a sign-off cannot be verified because what it depends on is ambiguous"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a sign-off whose date (the signed statement's `date`) lies after the date the check runs as of (`--as-of`, `CONTINGENT_AS_OF`, the `reference-date`, or today). It does not count.
    ///
    /// ## Why
    /// The date decides whether the signing key was valid. A sign-off dated in the future is either a mistake or an attempt to use a key on a day it is not yet retired, or to make an approval look newer than another one.
    ///
    /// ## Example
    /// ```text
    /// error[SIG015]: this sign-off is dated 2027-01-01, after the check date 2026-11-01: a sign-off from the future does not count
    /// ```
    /// Sign again with today's date.
    SIG_FUTURE = "SIG015" "signoff-in-future" Signoff Error
        "a sign-off is dated after the check date"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a plan whose current content has a valid sign-off by a party, while the same party signed other content of the plan later: the plan and its old sign-off records were restored after a newer version was approved. It is found from the records (both are in the repository) and, with `check --changed-since BASE`, from the sign-offs BASE holds. The old approval does not count.
    ///
    /// ## Why
    /// An approval is given to a version at a time. Restoring an older version together with its old records would make a version approved again that both parties have since replaced, without anyone approving the return.
    ///
    /// ## Example
    /// ```text
    /// error[SIG016]: plan `payroll` was rolled back: the client's sign-off of its current content is of 2026-10-01, but anna.schmidt signed other content (sha256:4b1e…) for the client on 2026-10-10 in commit 1a2b3c4; an older approval does not count again
    /// ```
    /// If the return is intended, review the plan and sign it again.
    SIG_ROLLBACK = "SIG016" "rolled-back-signoff" Signoff Error
        "a plan was returned to older content whose approval predates a later sign-off"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// With a trusted base (`check --changed-since BASE`, or `--trust REV` with `--staged` or `--rev`), reports every valid sign-off whose signer and key are not in the base's approver roster of the party signed for (contacts with `may-approve #true` and their keys, valid on the signing date). It does not count.
    ///
    /// ## Why
    /// The contacts are part of the change under review. A change that adds an approver or a key and signs with it would approve itself; only keys the base already trusted can approve a change.
    ///
    /// ## Example
    /// ```text
    /// error[SIG017]: this client sign-off by anna.schmidt is made with key SHA256:..., which commit 1a2b3c4 (--changed-since main) does not trust for anna.schmidt on 2026-10-20: a change cannot approve itself with a key or approver it adds; it does not count
    /// ```
    SIG_UNTRUSTED = "SIG017" "untrusted-signing-key" Signoff Error
        "a sign-off is made with a key the trusted base does not list for its signer"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// Reports a plan whose sign-off (a `contingent-signoff-v2` statement) binds a context that is no longer current: the contacts the plan names and their deputies (name, party, roles, every channel and its hours, deputy), the systems and interfaces it covers, or the pinned contract revision's terms for them changed since. It names each object and field, with the old value from the record and the new one. Until the parties sign again the sign-off does not count. A warning, not an error, where unsigned plans are tolerated (`--staged`, `--allow-unsigned`), as for `SIG002`.
    ///
    /// ## Why
    /// The provider's staff act on more than the plan's own file: the level-1 contact's phone number, the protection needs of the systems, the service levels of the contract. An approval of a plan that calls a number nobody approved is not an approval of what will happen. Re-verifying a contact (`verified`), its keys, `may-approve` and `github`, a system's `acknowledged` and a revision's `summary` are not part of the context.
    ///
    /// ## Example
    /// ```text
    /// error[SIG019]: plan `payroll` relies on objects that changed since katharina.vogel (client) signed it on 2026-10-20: contact `rzn-duty-desk`: `phone` was [...], is now [...]; needs re-approval by the client
    /// ```
    /// Review the change, then sign the plan again.
    SIG_CONTEXT_CHANGED = "SIG019" "approval-context-changed" Signoff Error
        "what an approved plan relies on changed after it was signed"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// With a trusted base (`check --changed-since BASE`, `--trust REV`), reports each party whose approver roster (contacts with `may-approve #true`, their keys and the keys' validity) differs from the base's, unless a roster sign-off of exactly the new roster (`contingent sign --roster client|provider`) is made by an approver of the base's roster with a key the base trusts on the signing date. It lists the keys added and removed and names the base's approvers, one of whom must sign. Until then the base's roster is trusted and sign-offs made with the new keys do not count (`SIG017`). A warning where unsigned plans are tolerated (`--staged`, `--allow-unsigned`).
    ///
    /// ## Why
    /// The roster decides who can approve. A change to it is the most sensitive change a repository can see: it is valid only when someone the roster trusted before the change approves it, so nobody who can push to the repository can make themselves an approver.
    ///
    /// ## Example
    /// ```text
    /// error[SIG018]: the client's approver roster differs from commit 1a2b3c4 (--changed-since main): added or changed mallory SHA256:...; sign-offs with keys commit 1a2b3c4 (--changed-since main) does not trust do not count
    /// ```
    /// After review, an approver of the base signs the new roster: `contingent sign --roster client --as katharina.vogel`.
    SIG_ROSTER_CHANGED = "SIG018" "approver-roster-changed" Signoff Error
        "a party's approver roster differs from the trusted base and no approver of the base signed the new one"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// With a trusted base (`check --changed-since BASE`, `--trust REV`, `review`), reports a sign-off record of version 1 (`contingent-signoff-v1`, which binds no context) or a roster record of version 1 (`contingent-roster-v1`, which binds no version and no previous roster) that the base does not already hold. It does not count. Records of an older version count only where the base already had them, and a version 1 sign-off the base holds counts only while what the plan relies on is what it was in the base.
    ///
    /// ## Why
    /// A repository that signed before version 2 keeps the old records in its history. Restoring them in place of the version 2 records would drop the binding of the context (a duty desk's phone, an SLA term) or of the roster chain, and an old roster record could re-admit a key a party has since removed.
    ///
    /// ## Example
    /// ```text
    /// error[SIG020]: this client sign-off is a `contingent-signoff-v1` statement that commit 1a2b3c4 (--changed-since main) does not hold: a change can add only `contingent-signoff-v2` sign-offs; it does not count
    /// ```
    /// Sign again with `contingent sign`, which writes the current version.
    SIG_OUTDATED = "SIG020" "outdated-statement-version" Signoff Error
        "a change adds a sign-off or roster record of an older statement version"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
    /// ## What it does
    /// With a trusted base (`check --changed-since BASE`, `--trust REV`, `review`), reports each plan the base has and the change removes, unless both parties signed its retirement (`contingent sign PLAN --retire`): a `contingent-retire-v1` statement naming the plan and the digest of its content in the base, by two different people with two different keys that the base trusts.
    ///
    /// ## Why
    /// Removing a plan changes the emergency preparedness as much as changing it: the provider's staff lose the instructions. Without a signed retirement, one pull request could remove a plan and a later one restore an old version with its old records, and the plan's approved history would be gone.
    ///
    /// ## Example
    /// ```text
    /// error[SIG021]: plan `payroll` (plans/payroll.kdl in commit 1a2b3c4 (--changed-since main)) is removed, but its retirement is not signed by the provider
    /// ```
    /// Both parties sign the retirement before the plan file is deleted: `contingent sign payroll --retire --party client --as CONTACT`, and the same for the provider.
    SIG_REMOVED = "SIG021" "plan-removed-without-retirement" Signoff Error
        "a change removes a plan without a retirement signed by both parties"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content.";
}
