//! Rule codes of sign-off verification (`SIG`). The format of statements and records and the
//! verification steps are specified in docs/signoff.md. Each rule enforces the product's central
//! promise, quoted as its requirement.

policy_rules! {
    SIGNOFF;
    SIG_MISSING = "SIG001" "missing-signoff" Signoff Error
        "a plan has no valid sign-off by the client or by the provider"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a plan that lacks a valid sign-off record of the client, of the provider, or of both, for any version. (A sign-off for an older version is `SIG002` instead; invalid records are reported on their own and do not count.) When the Git index is checked (`check --staged`, the pre-commit hook), it is a warning: plans are signed after review, so a commit must be possible before the sign-offs exist.\n\n## Why\nA plan version counts as approved only when both the client and the provider have signed exactly that content. M 6.83 requires emergency preparedness to be agreed between the client and the outsourcing provider; a plan one side has never approved is not an agreed plan.\n\n## Example\n```text\nerror[SIG001]: plan `payroll` is not approved: no valid sign-off by the provider (rzn)\n```\nReview the plan, then sign it:\n```sh\ncontingent sign payroll --party provider --as michael.wagner\n```";
    SIG_STALE = "SIG002" "stale-signoff" Signoff Error
        "a plan changed after it was signed off and needs re-approval"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a plan whose content (its canonical digest) differs from the digest in a party's valid sign-off, when that party has no sign-off of the current content. The message names who signed the old version and when. Reformatting a plan, reordering properties or adding comments do not change the digest; changing any value does. When the Git index is checked (`check --staged`, the pre-commit hook), it is a warning: the change is committed first and approved after review.\n\n## Why\nA sign-off approves exactly the content that was signed. After a change of meaning, the old approval no longer covers the plan, and both parties must approve the new version (M 6.83: the plans are agreed between client and provider).\n\n## Example\n```text\nerror[SIG002]: plan `payroll` changed since it was signed by katharina.vogel (client) on 2026-10-20 and michael.wagner (provider) on 2026-10-21: needs re-approval by the client and the provider\n```\nReview the change (`git diff`), then both parties sign again with `contingent sign`.";
    SIG_BAD_SIGNATURE = "SIG003" "bad-signature" Signoff Error
        "a sign-off's signature does not verify over its statement"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose SSH signature is well-formed but does not verify over the record's statement with the key it names: the signature bytes or the statement were changed after signing.\n\n## Why\nA sign-off is evidence only if anyone can check, offline and years later, that the named person signed exactly this statement.\n\n## Example\n```text\nerror[SIG003]: the signature of this sign-off does not verify over its statement\n```\nDelete the record and sign again with `contingent sign`.";
    SIG_MALFORMED = "SIG004" "malformed-signature" Signoff Error
        "a sign-off's signature is not a readable SSH signature"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a `signature` that is not an armoured SSH signature (`-----BEGIN SSH SIGNATURE-----` ... `-----END SSH SIGNATURE-----`) in the canonical encoding of `ssh-keygen -Y sign`: truncated, garbled, not base64, another armour, an unsupported version or an unsupported key or signature algorithm.\n\n## Why\nA signature that cannot be read cannot be verified; it is no approval.\n\n## Example\n```kdl\nsignature \"-----BEGIN SSH SIGNATURE-----\\nU1NIU0lHAAAAAQ\"   // truncated\n```\nSign again with `contingent sign`.";
    SIG_NAMESPACE = "SIG005" "wrong-signature-namespace" Signoff Error
        "a sign-off's signature was made for another purpose"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a signature whose SSH signature namespace is not `signoff@contingent.dev`, for example one made for a Git commit (`git`) or a file (`file`).\n\n## Why\nThe namespace is part of the signed data and says what the signer meant to sign. A signature made for another purpose must never count as an approval of a plan.\n\n## Example\n```text\nerror[SIG005]: the signature was made in the SSH signature namespace `git`, not `signoff@contingent.dev`\n```\nSign with `contingent sign`, which uses the right namespace.";
    SIG_UNLISTED_KEY = "SIG006" "unlisted-signing-key" Signoff Error
        "a sign-off is signed with a key that is not listed for its signer"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose signature was made with a public key that is not among the `key` entries of the signing contact. When the key belongs to another contact, the message says whose it is.\n\n## Why\nOnly the keys a contact's own party has recorded for that person identify them. A valid signature by someone else's key, for example a key of the other party, proves nothing about the named signer.\n\n## Example\n```kdl\ncontact katharina.vogel {\n    ...\n    key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI...\" valid-after=\"2026-01-01\"\n}\n```";
    SIG_KEY_NOT_VALID = "SIG007" "signing-key-not-valid" Signoff Error
        "a sign-off was signed on a date outside its key's validity dates"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose signing date lies before the key's `valid-after` date or on or after its `valid-before` date (the first day the key is no longer valid), like Git's allowed-signers `valid-after` and `valid-before`.\n\n## Why\nA key that was retired (lost, replaced, or its owner left) must not approve plans after its retirement, and a key must not approve plans before it was issued.\n\n## Example\n```kdl\nkey \"ssh-ed25519 AAAA...\" valid-after=\"2025-01-01\" valid-before=\"2026-07-01\"\n```\nA sign-off dated 2026-10-20 with this key fails: sign with the contact's current key.";
    SIG_NOT_AUTHORISED = "SIG008" "signer-not-authorised" Signoff Error
        "the signer may not approve plans for the party signed for"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off by a contact who is not marked `may-approve #true`, or who belongs to another party than the one the sign-off is for (a provider contact signing for the client).\n\n## Why\nEach party decides who may approve plans on its behalf; a sign-off counts only when it is given by such a person for their own party.\n\n## Example\n```kdl\ncontact katharina.vogel {\n    party hpb\n    may-approve #true\n}\n```";
    SIG_MISMATCH = "SIG009" "record-statement-mismatch" Signoff Error
        "a sign-off record does not match the statement that was signed"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose `party`, `signer`, `date` or `digest` differ from the same field in its signed `statement`: the record was edited after signing.\n\n## Why\nThe record's fields are what people and tools read; the statement is what was signed. They must say the same, or the record claims an approval nobody gave (for example, an old approval relabelled with the current digest).\n\n## Example\n```text\nerror[SIG009]: this sign-off's date 2026-10-21 is not what was signed: the statement says 2026-10-20\n```\nRestore the record, or sign again.";
    SIG_STATEMENT_EDITED = "SIG010" "statement-edited" Signoff Error
        "a sign-off's stored statement is not the statement that was signed"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose `statement` was edited after signing (the signature verifies over the statement the record's fields give, not over the stored one), or is not a statement of the format at all.\n\n## Why\nThe stored statement lets an auditor verify a sign-off with `ssh-keygen -Y verify` alone. It must be exactly the signed text.\n\n## Example\n```text\nerror[SIG010]: the statement was edited after signing: the signature verifies over the statement the record's fields give, not over the stored one\n```";
    SIG_SAME_PERSON = "SIG011" "same-signer-both-parties" Signoff Error
        "the client's and the provider's sign-off of a plan were made by the same person"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a plan whose only valid client and provider sign-offs of the current version were made by the same contact or with the same key (one person listed as a contact of both parties).\n\n## Why\nDual sign-off means two different people, one for each party, approved the plan. One person signing twice is one approval.\n\n## Example\n```text\nerror[SIG011]: plan `payroll`: the client's and the provider's sign-offs were made with the same key SHA256:...\n```";
    SIG_COPIED = "SIG012" "copied-signature" Signoff Error
        "a sign-off carries a signature made for another plan's or another record's statement"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a sign-off whose signature was made over the statement of another plan (the signed statement names another plan), or over the statement of another sign-off record in the repository.\n\n## Why\nA signature approves one statement only. Copied onto another plan or record, it would claim an approval that was never given.\n\n## Example\n```text\nerror[SIG012]: this signature approves plan `core-banking`, not `payroll`: it was copied from another plan's sign-off\n```";
    SIG_INVALID_KEY = "SIG013" "invalid-signing-key" Signoff Error
        "a contact's signing key cannot be used"
        requirement: "A plan version counts as approved only when both the client and the provider have signed exactly that content."
        "## What it does\nReports a contact's `key` entry that is not an OpenSSH public key line, uses an unsupported algorithm (supported: ssh-ed25519, ecdsa-sha2-nistp256, rsa with 2048 to 4096 bits, and their security-key variants), is listed twice, or whose validity dates leave no day on which it is valid.\n\n## Why\nSign-offs are verified against these keys; a key that cannot be read or is never valid makes every sign-off of that contact fail.\n\n## Example\n```kdl\nkey \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE...\" valid-after=\"2026-01-01\"\n```\nCopy the whole line of the `.pub` file.";
}
