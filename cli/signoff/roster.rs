//! Roster sign-offs: an approver of a party signs the digest of the party's new approver roster,
//! so that a change of who may approve (a new approver, a new or rotated key) is valid only when
//! someone the roster trusted *before* the change approved it (docs/signoff.md, section 9).
//! Verification here is of the record alone (signature, statement, fields, date); whom it binds is
//! decided against a trusted base (`super::against_base`).

use super::codes;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Located, Model, RosterSignoff, Side};
use crate::units::Date;

use super::statement::{self, is_digest, party_word};
use super::{sshsig, RosterKey};

/// The first line of a version 1 roster statement (five lines: no version, no previous roster).
/// Still verified where the trusted base holds it; a change cannot add one.
pub const HEADER: &str = "contingent-roster-v1";
/// The first line of a version 2 roster statement: seven lines, binding the roster's version and
/// the digest of the roster it replaces, so that an old roster record cannot be replayed.
pub const HEADER_V2: &str = "contingent-roster-v2";

/// What a roster sign-off signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterStatement {
    pub party: Side,
    pub roster: String,
    pub signer: String,
    pub date: Date,
    /// Version 2: the roster's version and the digest of the roster it replaces.
    pub chain: Option<Chain>,
}

/// Where a roster stands in its party's chain (version 2 statements).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// One more than the version of the roster it replaces (the first roster is version 1).
    pub version: u64,
    /// The digest of the roster it replaces.
    pub previous: String,
}

impl RosterStatement {
    /// The lines joined by LF, without a final LF: five (version 1) or seven (version 2).
    pub fn text(&self) -> String {
        match &self.chain {
            None => format!(
                "{HEADER}\nparty {}\nroster {}\nsigner {}\ndate {}",
                party_word(self.party),
                self.roster,
                self.signer,
                self.date
            ),
            Some(c) => format!(
                "{HEADER_V2}\nparty {}\nversion {}\nprevious {}\nroster {}\nsigner {}\ndate {}",
                party_word(self.party),
                c.version,
                c.previous,
                self.roster,
                self.signer,
                self.date
            ),
        }
    }

    pub fn message(&self) -> Vec<u8> {
        statement::message(&self.text())
    }

    pub fn parse(text: &str) -> Result<RosterStatement, String> {
        let lines: Vec<&str> = text.split('\n').collect();
        let v2 = match lines[0] {
            HEADER => false,
            HEADER_V2 => true,
            _ => return Err(format!("line 1 is not `{HEADER_V2}` or `{HEADER}`")),
        };
        let expected = if v2 { 7 } else { 5 };
        if lines.len() != expected {
            return Err(format!("it has {} lines, a `{}` statement has {expected}", lines.len(), lines[0]));
        }
        // version 2 has `version` and `previous` after `party`: read the rest as version 1 does
        let (chain, lines) = if v2 {
            let value = |n: usize, key: &str| -> Result<&str, String> {
                lines[n]
                    .strip_prefix(key)
                    .and_then(|r| r.strip_prefix(' '))
                    .filter(|v| !v.is_empty() && !v.contains([' ', '\t', '\r']))
                    .ok_or_else(|| format!("line {} is not `{key} <value>`", n + 1))
            };
            let version = value(2, "version")?;
            let version: u64 = version
                .parse()
                .ok()
                .filter(|v| *v >= 1 && !version.starts_with('0'))
                .ok_or("line 3: the version is not a whole number from 1")?;
            let previous = value(3, "previous")?;
            if !is_digest(previous) {
                return Err("line 4: the previous roster's digest is not sha256: and 64 lowercase hex digits".into());
            }
            let mut rest = vec![lines[0], lines[1]];
            rest.extend_from_slice(&lines[4..]);
            (Some(Chain { version, previous: previous.into() }), rest)
        } else {
            (None, lines)
        };
        let shift = if v2 { 2 } else { 0 };
        let field = |n: usize, key: &str| -> Result<&str, String> {
            lines[n]
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix(' '))
                .filter(|v| !v.is_empty() && !v.contains([' ', '\t', '\r']))
                .ok_or_else(|| format!("line {} is not `{key} <value>`", if n >= 2 { n + 1 + shift } else { n + 1 }))
        };
        let party = match field(1, "party")? {
            "client" => Side::Client,
            "provider" => Side::Provider,
            _ => return Err("line 2: the party is neither client nor provider".into()),
        };
        let roster = field(2, "roster")?;
        if !is_digest(roster) {
            return Err(format!("line {}: the roster digest is not sha256: and 64 lowercase hex digits", 3 + shift));
        }
        let signer = field(3, "signer")?;
        let date = Date::parse(field(4, "date")?).map_err(|e| format!("line {}: {e}", 5 + shift))?;
        Ok(RosterStatement { party, roster: roster.into(), signer: signer.into(), date, chain })
    }
}

/// The digest of a roster: the canonical digest of its JSON, a list of
/// `{"contact", "key", "valid-after", "valid-before"}` (key as its `SHA256:` fingerprint, dates
/// only when set) sorted by contact and key, as [`super::roster`] returns it.
pub fn digest(roster: &[RosterKey]) -> String {
    let list: Vec<serde_json::Value> = roster
        .iter()
        .map(|k| {
            let mut m = serde_json::Map::new();
            m.insert("contact".into(), k.contact.clone().into());
            m.insert("key".into(), k.fingerprint.clone().into());
            if let Some(a) = k.valid_after {
                m.insert("valid-after".into(), a.to_string().into());
            }
            if let Some(b) = k.valid_before {
                m.insert("valid-before".into(), b.to_string().into());
            }
            serde_json::Value::Object(m)
        })
        .collect();
    super::digest::plan_digest(&serde_json::Value::Array(list))
}

/// A roster record whose signature verifies over its statement, which says what the record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRoster {
    pub party: Side,
    pub signer: String,
    pub date: Date,
    pub roster: String,
    /// The signing key's fingerprint (the key in the signature: it may be a key the new roster
    /// no longer lists, as in a rotation).
    pub key: String,
    /// Version 2: the version and the roster it replaces; `None` for a version 1 record.
    pub chain: Option<Chain>,
    /// The base64 body of the signature: the record's identity (the same record in the trusted
    /// base and in the change has the same one).
    pub signature: String,
    pub location: Location,
}

/// The version of a party's roster `current` as its valid records `valid` (of the same
/// repository) give it: the highest version of a record that signs exactly it (a version 1
/// record counts as version 1); 0 when none does (the root, never rotated).
pub fn version_of(current: &[RosterKey], side: Side, valid: &[ValidRoster]) -> u64 {
    let digest = digest(current);
    valid
        .iter()
        .filter(|r| r.party == side && r.roster == digest)
        .map(|r| r.chain.as_ref().map_or(1, |c| c.version))
        .max()
        .unwrap_or(0)
}

/// Verifies every roster record of the model on its own; the invalid ones are reported.
pub fn verify_all(model: &Model, as_of: Option<Date>, diags: &mut Vec<Diagnostic>) -> Vec<ValidRoster> {
    model.rosters.iter().filter_map(|r| verify(r, as_of).map_err(|d| diags.push(*d)).ok()).collect()
}

fn verify(record: &Located<RosterSignoff>, as_of: Option<Date>) -> Result<ValidRoster, Box<Diagnostic>> {
    let file = record.file;
    let party = party_word(*record.party);
    let resign = format!("contingent sign --roster {party} --as <approver>");
    let sig = sshsig::parse_armour(&record.signature.value).map_err(|e| {
        Box::new(
            Diagnostic::new(&codes::SIG_MALFORMED, format!("the roster signature cannot be read: {e}"))
                .at(file, record.signature.span)
                .label("not a valid SSH signature")
                .help(format!("delete this record and sign again: `{resign}`")),
        )
    })?;
    if sig.namespace() != statement::NAMESPACE {
        return Err(Box::new(
            Diagnostic::new(
                &codes::SIG_NAMESPACE,
                format!(
                    "the roster signature was made in the namespace `{}`, not `{}`",
                    sig.namespace(),
                    statement::NAMESPACE
                ),
            )
            .at(file, record.signature.span)
            .label("wrong namespace")
            .help(format!("sign with `{resign}`")),
        ));
    }
    if !sshsig::verifies(&sig, &statement::message(&record.statement.value)) {
        return Err(Box::new(Diagnostic::new(
            &codes::SIG_BAD_SIGNATURE,
            format!(
                "the roster signature does not verify over the statement with the key it names ({}): the signature or the statement was changed after signing",
                sshsig::fingerprint(sig.public_key())
            ),
        )
        .at(file, record.signature.span)
        .label("bad signature")
        .help(format!("delete this record and sign again: `{resign}`"))));
    }
    let signed = RosterStatement::parse(&record.statement.value).map_err(|e| {
        Box::new(
            Diagnostic::new(
                &codes::SIG_STATEMENT_EDITED,
                format!("the signed statement is not a roster statement: {e}"),
            )
            .at(file, record.statement.span)
            .label("not a roster statement")
            .help(format!("sign with `{resign}`, which writes the statement")),
        )
    })?;
    let mut diffs = Vec::new();
    if signed.party != *record.party {
        diffs.push(format!("party is {party} in the record but {} in the statement", party_word(signed.party)));
    }
    if signed.signer != record.signer.value {
        diffs.push(format!("signer is {} in the record but {} in the statement", record.signer.value, signed.signer));
    }
    if signed.date != record.date.value {
        diffs.push(format!("date is {} in the record but {} in the statement", record.date.value, signed.date));
    }
    if signed.roster != record.roster.value {
        diffs.push(format!("roster is {} in the record but {} in the statement", record.roster.value, signed.roster));
    }
    let word = |v: Option<String>| v.unwrap_or_else(|| "absent".to_string());
    let (version, previous) = (record.version.as_ref().map(|v| v.value), record.previous.as_ref().map(|p| &p.value));
    if version != signed.chain.as_ref().map(|c| c.version) {
        diffs.push(format!(
            "version is {} in the record but {} in the statement",
            word(version.map(|v| v.to_string())),
            word(signed.chain.as_ref().map(|c| c.version.to_string()))
        ));
    }
    if previous != signed.chain.as_ref().map(|c| &c.previous) {
        diffs.push(format!(
            "previous is {} in the record but {} in the statement",
            word(previous.cloned()),
            word(signed.chain.as_ref().map(|c| c.previous.clone()))
        ));
    }
    if !diffs.is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                &codes::SIG_MISMATCH,
                format!("this roster sign-off was edited after signing: {}", diffs.join("; ")),
            )
            .at(file, record.head)
            .label("not what was signed")
            .with_label(file, record.statement.span, "the signed statement")
            .help("restore the record's fields from the statement, or sign again"),
        ));
    }
    if let Some(today) = as_of {
        if signed.date > today {
            return Err(Box::new(
                Diagnostic::new(
                    &codes::SIG_FUTURE,
                    format!(
                        "this roster sign-off is dated {}, after the check date {today}: it does not count",
                        signed.date
                    ),
                )
                .at(file, record.date.span)
                .label("in the future")
                .help(format!("sign with today's date: `{resign}`")),
            ));
        }
    }
    Ok(ValidRoster {
        party: signed.party,
        signer: signed.signer,
        date: signed.date,
        roster: signed.roster,
        key: sshsig::fingerprint(sig.public_key()),
        chain: signed.chain,
        signature: super::signature_body(&record.signature.value),
        location: Location { file, span: record.head },
    })
}

/// The record text of a roster sign-off.
pub fn render(s: &RosterStatement, armour: &str) -> String {
    let armour: String = armour.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    let block = |text: &str| {
        let mut out = String::from("\"\"\"\n");
        for line in text.lines() {
            out.push_str("        ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("        \"\"\"");
        out
    };
    let chain = match &s.chain {
        Some(c) => format!("    version {}\n    previous \"{}\"\n", c.version, c.previous),
        None => String::new(),
    };
    format!(
        "roster {} {{\n{chain}    signer {}\n    date \"{}\"\n    roster \"{}\"\n    statement {}\n    signature {}\n}}\n",
        party_word(s.party),
        s.signer,
        s.date,
        s.roster,
        block(&s.text()),
        block(&armour)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_round_trips_and_is_strict() {
        let s = RosterStatement {
            party: Side::Client,
            roster: format!("sha256:{}", "ab".repeat(32)),
            signer: "anna.schmidt".into(),
            date: Date::new(2026, 11, 2).unwrap(),
            chain: None,
        };
        let text = s.text();
        assert_eq!(
            text,
            format!(
                "contingent-roster-v1\nparty client\nroster sha256:{}\nsigner anna.schmidt\ndate 2026-11-02",
                "ab".repeat(32)
            )
        );
        assert_eq!(RosterStatement::parse(&text), Ok(s.clone()));
        assert!(RosterStatement::parse(&text.replace("party client", "party carrier")).is_err());
        assert!(RosterStatement::parse(&format!("{text}\n")).is_err());
        assert!(RosterStatement::parse(&text.replace("contingent-roster-v1", "contingent-signoff-v1")).is_err());
        // every value is one word, present, after exactly `key `
        for (from, to, why) in [
            ("signer anna.schmidt", "signer anna schmidt", "line 4 is not `signer <value>`"),
            ("signer anna.schmidt", "signer ", "line 4 is not `signer <value>`"),
            ("signer anna.schmidt", "signer anna.schmidt\t", "line 4 is not `signer <value>`"),
            ("signer anna.schmidt", "signer anna.schmidt\r", "line 4 is not `signer <value>`"),
            ("signer anna.schmidt", "signeranna.schmidt", "line 4 is not `signer <value>`"),
            ("signer anna.schmidt", "signer  anna.schmidt", "line 4 is not `signer <value>`"),
            ("party client", "party provider client", "line 2 is not `party <value>`"),
            ("party client", "party provider", ""),
            (
                "roster sha256:",
                "roster sha256:0",
                "line 3: the roster digest is not sha256: and 64 lowercase hex digits",
            ),
            ("date 2026-11-02", "date 2026-13-02", "line 5: "),
            ("date 2026-11-02", "date  2026-11-02", "line 5 is not `date <value>`"),
        ] {
            let changed = text.replace(from, to);
            match RosterStatement::parse(&changed) {
                Err(e) => assert!(!why.is_empty() && e.starts_with(why), "{to:?}: {e}"),
                Ok(p) => {
                    assert!(why.is_empty(), "{to:?} was accepted");
                    assert_eq!(p.party, Side::Provider);
                }
            }
        }
        assert_eq!(
            RosterStatement::parse("contingent-roster-v1\nparty client"),
            Err("it has 2 lines, a `contingent-roster-v1` statement has 5".into())
        );
    }

    #[test]
    fn the_digest_depends_on_every_member() {
        let k = |c: &str, f: &str, a: Option<Date>| RosterKey {
            contact: c.into(),
            fingerprint: f.into(),
            valid_after: a,
            valid_before: None,
        };
        let one = digest(&[k("a", "SHA256:x", None)]);
        assert_ne!(one, digest(&[k("b", "SHA256:x", None)]));
        assert_ne!(one, digest(&[k("a", "SHA256:y", None)]));
        assert_ne!(one, digest(&[k("a", "SHA256:x", Date::new(2026, 1, 1))]));
        assert_ne!(one, digest(&[]));
        assert_eq!(one, digest(&[k("a", "SHA256:x", None)]));
    }

    fn key(contact: &str, fp: &str, after: Option<Date>, before: Option<Date>) -> RosterKey {
        RosterKey { contact: contact.into(), fingerprint: fp.into(), valid_after: after, valid_before: before }
    }

    fn record(party: Side, signer: &str, key: &str, date: Date, roster: &[RosterKey]) -> ValidRoster {
        ValidRoster {
            party,
            signer: signer.into(),
            date,
            roster: digest(roster),
            key: key.into(),
            chain: None,
            signature: String::new(),
            location: Location { file: crate::diagnostic::FileId(0), span: Default::default() },
        }
    }

    /// The same record as the version-2 successor of `previous`.
    fn next(r: ValidRoster, version: u64, previous: &[RosterKey]) -> ValidRoster {
        ValidRoster { chain: Some(Chain { version, previous: digest(previous) }), ..r }
    }

    /// One step of the chain: who may approve a new roster, with which key, on which day.
    #[test]
    fn a_new_roster_is_trusted_only_when_the_roster_before_it_signs_exactly_it() {
        let d = |m: u8, day: u8| Date::new(2026, m, day).unwrap();
        let before = vec![key("anna", "SHA256:old", Some(d(1, 1)), Some(d(6, 1)))];
        let now = vec![key("anna", "SHA256:new", None, None)];
        // history: each record judged on its own date
        let rotate = |valid: &[ValidRoster]| super::super::rotate(&before, &now, Side::Client, valid, None);
        let rec =
            |party, signer, key, date, roster: &[RosterKey]| next(record(party, signer, key, date, roster), 1, &before);
        // unchanged: nothing to approve
        assert_eq!(super::super::rotate(&before, &before, Side::Client, &[], None), (before.clone(), None));
        // unsigned: the roster before stays
        assert_eq!(rotate(&[]), (before.clone(), None));
        let good = rec(Side::Client, "anna", "SHA256:old", d(3, 1), &now);
        assert_eq!(rotate(std::slice::from_ref(&good)), (now.clone(), Some(good.clone())));
        // the first day of the old key's validity counts, the day it ends does not
        let first = rec(Side::Client, "anna", "SHA256:old", d(1, 1), &now);
        assert_eq!(rotate(std::slice::from_ref(&first)).0, now);
        let last = rec(Side::Client, "anna", "SHA256:old", d(5, 31), &now);
        assert_eq!(rotate(std::slice::from_ref(&last)).0, now);
        for bad in [
            rec(Side::Client, "anna", "SHA256:old", d(6, 1), &now), // the key expired that day
            rec(Side::Client, "anna", "SHA256:old", Date::new(2025, 12, 31).unwrap(), &now), // not yet valid
            rec(Side::Client, "anna", "SHA256:new", d(3, 1), &now), // the new key signs itself in
            rec(Side::Client, "bert", "SHA256:old", d(3, 1), &now), // not an approver before
            rec(Side::Provider, "anna", "SHA256:old", d(3, 1), &now), // for the other party
            rec(Side::Client, "anna", "SHA256:old", d(3, 1), &before), // another roster's digest
            record(Side::Client, "anna", "SHA256:old", d(3, 1), &now), // version 1: no chain
            next(record(Side::Client, "anna", "SHA256:old", d(3, 1), &now), 1, &now), // replaces another roster
        ] {
            assert_eq!(rotate(std::slice::from_ref(&bad)), (before.clone(), None), "{bad:?}");
        }
        // one good record among bad ones is enough
        let bad = rec(Side::Client, "bert", "SHA256:old", d(3, 1), &now);
        assert_eq!(rotate(&[bad, good.clone()]), (now.clone(), Some(good.clone())));

        // against a base: the next version only, the key judged on the check date
        let against = |valid: &[ValidRoster], version: u64, today: Date| {
            super::super::rotate(&before, &now, Side::Client, valid, Some((version, today)))
        };
        assert_eq!(against(std::slice::from_ref(&good), 0, d(3, 2)).0, now);
        // a record of version 1 when the base's roster is version 1 already: an old record
        assert_eq!(against(std::slice::from_ref(&good), 1, d(3, 2)).0, before);
        // backdated: the key the base retired on June 1st signs, dated March 1st, checked in July
        assert_eq!(against(std::slice::from_ref(&good), 0, d(7, 1)).0, before);
    }

    #[test]
    fn the_version_of_a_roster_is_that_of_the_newest_record_signing_it() {
        let d = Date::new(2026, 3, 1).unwrap();
        let a = vec![key("anna", "SHA256:a", None, None)];
        let b = vec![key("anna", "SHA256:b", None, None)];
        assert_eq!(version_of(&a, Side::Client, &[]), 0);
        let v1 = record(Side::Client, "anna", "SHA256:a", d, &a);
        assert_eq!(version_of(&a, Side::Client, std::slice::from_ref(&v1)), 1);
        let v3 = next(record(Side::Client, "anna", "SHA256:a", d, &a), 3, &b);
        assert_eq!(version_of(&a, Side::Client, &[v1.clone(), v3]), 3);
        assert_eq!(version_of(&b, Side::Client, std::slice::from_ref(&v1)), 0);
        assert_eq!(version_of(&a, Side::Provider, &[v1]), 0);
    }

    #[test]
    fn a_version_2_statement_binds_the_version_and_the_previous_roster() {
        let s = RosterStatement {
            party: Side::Provider,
            roster: format!("sha256:{}", "ab".repeat(32)),
            signer: "jan".into(),
            date: Date::new(2026, 11, 2).unwrap(),
            chain: Some(Chain { version: 12, previous: format!("sha256:{}", "cd".repeat(32)) }),
        };
        let text = s.text();
        assert!(text.starts_with("contingent-roster-v2\nparty provider\nversion 12\nprevious sha256:cdcd"), "{text}");
        assert_eq!(RosterStatement::parse(&text), Ok(s.clone()));
        for (from, to, why) in [
            ("version 12", "version 0", "line 3"),
            ("version 12", "version 012", "line 3"),
            ("version 12", "version x", "line 3"),
            ("previous sha256:cd", "previous sha256:CD", "line 4"),
            ("signer jan", "signer  jan", "line 6"),
            ("date 2026-11-02", "date 2026-11-31", "line 7"),
        ] {
            let e = RosterStatement::parse(&text.replace(from, to)).unwrap_err();
            assert!(e.starts_with(why), "{to}: {e}");
        }
    }
}
