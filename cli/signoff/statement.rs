//! The signed statement: six lines that bind a plan's canonical digest to a party, a signer and a
//! date. The exact format is specified in docs/signoff.md; this is its only implementation.

use crate::model::Side;
use crate::units::Date;

/// The SSH signature namespace of sign-offs (`ssh-keygen -Y sign -n ...`). It is part of the
/// signed data, so a signature made for Git commits, files or any other tool never verifies here.
pub const NAMESPACE: &str = "signoff@contingent.dev";

/// The first line of a version 1 statement (six lines: no context). Still verified.
pub const HEADER: &str = "contingent-signoff-v1";
/// The first line of a version 2 statement: seven lines, the last binding the approval's context
/// (`signoff::context`). `contingent sign` writes this version.
pub const HEADER_V2: &str = "contingent-signoff-v2";
/// The first line of a retirement: six lines like version 1, by which a party approves that the
/// plan with this id and this last content is removed (`contingent sign PLAN --retire`).
pub const HEADER_RETIRE: &str = "contingent-retire-v1";

/// What a sign-off signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub plan: String,
    pub digest: String,
    pub party: Side,
    pub signer: String,
    pub date: Date,
    /// Version 2: the digest of the context the approval relies on; `None` in version 1.
    pub context: Option<String>,
    /// A retirement (`contingent-retire-v1`): the party approves removing the plan whose last
    /// content has `digest`. Never with a context.
    pub retire: bool,
}

pub fn party_word(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Provider => "provider",
    }
}

impl Statement {
    /// The statement as stored in a record: its lines joined by LF, without a final LF.
    pub fn text(&self) -> String {
        let header = if self.retire {
            HEADER_RETIRE
        } else if self.context.is_some() {
            HEADER_V2
        } else {
            HEADER
        };
        let mut text = format!(
            "{header}\nplan {}\ndigest {}\nparty {}\nsigner {}\ndate {}",
            self.plan,
            self.digest,
            party_word(self.party),
            self.signer,
            self.date
        );
        if let Some(c) = self.context.as_ref().filter(|_| !self.retire) {
            text.push_str("\ncontext ");
            text.push_str(c);
        }
        text
    }

    /// The bytes that are signed: the stored text and one final LF.
    pub fn message(&self) -> Vec<u8> {
        message(&self.text())
    }

    /// Parses a stored statement exactly: the lines of its version in order, single spaces,
    /// nothing else.
    pub fn parse(text: &str) -> Result<Statement, String> {
        let lines: Vec<&str> = text.split('\n').collect();
        let expected = match lines[0] {
            HEADER | HEADER_RETIRE => 6,
            HEADER_V2 => 7,
            other => {
                return Err(format!(
                    "line 1 is `{}`, expected `{HEADER_V2}`, `{HEADER}` or `{HEADER_RETIRE}`",
                    shorten(other)
                ));
            }
        };
        if lines.len() != expected {
            let n = lines.len();
            return Err(format!(
                "it has {n} line{}, a `{}` statement has {expected}",
                if n == 1 { "" } else { "s" },
                lines[0]
            ));
        }
        let field = |n: usize, key: &str| -> Result<&str, String> {
            lines[n]
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix(' '))
                .filter(|v| !v.is_empty() && !v.contains([' ', '\t', '\r']))
                .ok_or_else(|| format!("line {} is `{}`, expected `{key} <value>`", n + 1, shorten(lines[n])))
        };
        let plan = field(1, "plan")?;
        let digest = field(2, "digest")?;
        if !is_digest(digest) {
            return Err(format!("line 3: `{}` is not sha256: and 64 lowercase hex digits", shorten(digest)));
        }
        let party = match field(3, "party")? {
            "client" => Side::Client,
            "provider" => Side::Provider,
            other => return Err(format!("line 4: party `{}` is neither client nor provider", shorten(other))),
        };
        let signer = field(4, "signer")?;
        let date = Date::parse(field(5, "date")?).map_err(|e| format!("line 6: {e}"))?;
        let context = if expected == 7 {
            let c = field(6, "context")?;
            if !is_digest(c) {
                return Err(format!("line 7: `{}` is not sha256: and 64 lowercase hex digits", shorten(c)));
            }
            Some(c.to_string())
        } else {
            None
        };
        Ok(Statement {
            plan: plan.into(),
            digest: digest.into(),
            party,
            signer: signer.into(),
            date,
            context,
            retire: lines[0] == HEADER_RETIRE,
        })
    }
}

/// The signed bytes of a stored statement text.
pub fn message(stored: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(stored.len() + 1);
    m.extend_from_slice(stored.as_bytes());
    m.push(b'\n');
    m
}

pub fn is_digest(s: &str) -> bool {
    s.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Statement {
        Statement {
            plan: "payroll".into(),
            digest: format!("sha256:{}", "ab".repeat(32)),
            party: Side::Client,
            signer: "anna.schmidt".into(),
            date: Date::new(2026, 10, 20).unwrap(),
            context: None,
            retire: false,
        }
    }

    #[test]
    fn a_retirement_has_six_lines_and_no_context() {
        let s = Statement { retire: true, ..sample() };
        let text = s.text();
        assert!(text.starts_with("contingent-retire-v1\nplan payroll\n"), "{text}");
        assert_eq!(text.lines().count(), 6);
        assert_eq!(Statement::parse(&text), Ok(s));
        assert!(Statement::parse(&format!("{text}\ncontext sha256:{}", "cd".repeat(32))).is_err());
    }

    #[test]
    fn text_round_trips_and_message_ends_with_one_newline() {
        let s = sample();
        let text = s.text();
        assert_eq!(
            text,
            format!(
                "contingent-signoff-v1\nplan payroll\ndigest sha256:{}\nparty client\nsigner anna.schmidt\ndate 2026-10-20",
                "ab".repeat(32)
            )
        );
        assert_eq!(Statement::parse(&text), Ok(s.clone()));
        assert_eq!(s.message(), format!("{text}\n").into_bytes());
    }

    #[test]
    fn version_2_binds_the_context_on_a_seventh_line() {
        let s = Statement { context: Some(format!("sha256:{}", "cd".repeat(32))), ..sample() };
        let text = s.text();
        assert!(text.starts_with("contingent-signoff-v2\nplan payroll\n"));
        assert!(text.ends_with(&format!("\ndate 2026-10-20\ncontext sha256:{}", "cd".repeat(32))));
        assert_eq!(Statement::parse(&text), Ok(s));
        let e = Statement::parse(&text.replace("context sha256:cd", "context sha256:CD")).unwrap_err();
        assert!(e.contains("line 7"), "{e}");
        let e = Statement::parse(&text.replace("contingent-signoff-v2", "contingent-signoff-v1")).unwrap_err();
        assert!(e.contains("7 lines"), "{e}");
    }

    #[test]
    fn parse_is_strict_and_says_where() {
        let text = sample().text();
        for (bad, needle) in [
            (text.replace("contingent-signoff-v1", "contingent-signoff-v3"), "line 1"),
            (text.replace("contingent-signoff-v1", "contingent-signoff-v2"), "7"),
            (text.replace("plan payroll", "plan  payroll"), "line 2"),
            (text.replace("party client", "party carrier"), "line 4"),
            (text.replace("date 2026-10-20", "date 2026-02-30"), "line 6"),
            (format!("{text}\n"), "7 lines"),
            (text.replace('\n', "\r\n"), "line 1"),
            (text.replace("sha256:ab", "sha256:AB"), "line 3"),
            (String::new(), "line 1"),
            (text.replace("signer anna.schmidt", "signer anna schmidt"), "line 5"),
            (text.replace("signer anna.schmidt", "signer "), "line 5"),
            (text.replace("signer anna.schmidt", "signer anna.schmidt\t"), "line 5"),
            (text.replace("signer anna.schmidt", "signer anna.schmidt\r"), "line 5"),
            (text.replace("plan payroll", "planpayroll"), "line 2"),
        ] {
            let e = Statement::parse(&bad).unwrap_err();
            assert!(e.contains(needle), "{bad:?}: {e}");
        }
        assert_eq!(
            Statement::parse("contingent-signoff-v1"),
            Err("it has 1 line, a `contingent-signoff-v1` statement has 6".into())
        );
        assert_eq!(
            Statement::parse("contingent-signoff-v1\nplan x"),
            Err("it has 2 lines, a `contingent-signoff-v1` statement has 6".into())
        );
        // a long line is shown shortened to 60 characters
        let long = "x".repeat(61);
        let e = Statement::parse(&long).unwrap_err();
        assert_eq!(
            e,
            format!(
                "line 1 is `{}…`, expected `contingent-signoff-v2`, `contingent-signoff-v1` or `contingent-retire-v1`",
                "x".repeat(60)
            )
        );
        let e = Statement::parse(&"y".repeat(60)).unwrap_err();
        assert!(e.starts_with(&format!("line 1 is `{}`,", "y".repeat(60))), "{e}");
    }

    #[test]
    fn a_digest_is_sha256_and_64_lowercase_hex_digits() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(is_digest(&format!("sha256:{hex}")));
        assert!(!is_digest(&format!("sha256:{}", &hex[1..])));
        assert!(!is_digest(&format!("sha256:{hex}0")));
        assert!(!is_digest(&hex));
        for bad in ['g', 'A', '`', '/', ':', 'F'] {
            assert!(!is_digest(&format!("sha256:{}{bad}", &hex[1..])), "{bad}");
        }
        assert!(is_digest(&format!("sha256:{}f", &hex[1..])));
        assert!(is_digest(&format!("sha256:{}a", &hex[1..])));
        assert!(is_digest(&format!("sha256:{}9", &hex[1..])));
        assert!(is_digest(&format!("sha256:{}0", &hex[1..])));
    }
}
