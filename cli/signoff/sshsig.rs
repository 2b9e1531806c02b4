//! SSH signatures (`SSHSIG`, as made by `ssh-keygen -Y sign`) and public keys, verified natively
//! with the `ssh-key` crate. Every function takes untrusted text and returns an error in words;
//! nothing here panics on input.

use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, PublicKey, SshSig};

/// The algorithms a signing key may use, for messages.
pub const SUPPORTED: &str =
    "ssh-ed25519, sk-ssh-ed25519@openssh.com, ecdsa-sha2-nistp256, sk-ecdsa-sha2-nistp256@openssh.com, ssh-rsa (2048 to 4096 bits)";

/// Parses a contact's key entry: an OpenSSH public key line (`ssh-ed25519 AAAA... comment`).
pub fn parse_public_key(text: &str) -> Result<KeyData, String> {
    let text = text.trim();
    let key = PublicKey::from_openssh(text).map_err(|e| {
        let algorithm = text.split_whitespace().next().unwrap_or("");
        if text.split_whitespace().count() < 2 {
            "not an OpenSSH public key: write the algorithm and the base64 key, e.g. \"ssh-ed25519 AAAAC3Nza...\" (the content of the .pub file)".to_string()
        } else if matches!(e, ssh_key::Error::AlgorithmUnknown) {
            format!("unknown key algorithm `{algorithm}`")
        } else {
            format!("not a readable OpenSSH public key ({})", describe(&e))
        }
    })?;
    supported(key.key_data())?;
    Ok(key.key_data().clone())
}

/// Whether verification supports this key.
pub fn supported(key: &KeyData) -> Result<(), String> {
    // One key has one encoding: OpenSSH accepts only uncompressed points (0x04, x, y), so the
    // same P-256 key written compressed (0x02/0x03, x) is refused, never a second identity.
    let uncompressed = |point: &[u8]| {
        if point.len() == 65 && point[0] == 0x04 {
            Ok(())
        } else {
            Err(format!(
                "the ECDSA public key is not an uncompressed point ({} bytes starting with 0x{:02x}): OpenSSH accepts only uncompressed points (65 bytes starting with 0x04)",
                point.len(),
                point.first().copied().unwrap_or(0)
            ))
        }
    };
    match key {
        KeyData::Ed25519(_) | KeyData::SkEd25519(_) => Ok(()),
        KeyData::SkEcdsaSha2NistP256(k) => uncompressed(k.ec_point().as_bytes()),
        KeyData::Ecdsa(k) if k.curve() == EcdsaCurve::NistP256 => uncompressed(k.as_sec1_bytes()),
        KeyData::Rsa(k) => {
            let bits = k.n.as_positive_bytes().map(|b| b.len() * 8).unwrap_or(0);
            if (2048..=4096).contains(&bits) {
                Ok(())
            } else {
                Err(format!("RSA keys must have 2048 to 4096 bits, this one has {bits}"))
            }
        }
        other => Err(format!("{} keys are not supported; use one of: {SUPPORTED}", other.algorithm())),
    }
}

/// Decodes an armoured signature (`-----BEGIN SSH SIGNATURE-----` ... `-----END SSH SIGNATURE-----`).
/// Leading and trailing blanks on each line, blank lines and CR line ends are tolerated.
pub fn parse_armour(text: &str) -> Result<SshSig, String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
    const END: &str = "-----END SSH SIGNATURE-----";
    match lines.first() {
        Some(&BEGIN) => {}
        Some(first) if first.starts_with("-----BEGIN") => {
            return Err(format!("the armour is `{first}`, not an SSH signature (`{BEGIN}`)"));
        }
        _ => return Err(format!("the signature does not start with `{BEGIN}`")),
    }
    if lines.last() != Some(&END) || lines.len() < 3 {
        return Err(format!("the signature is truncated: it does not end with `{END}`"));
    }
    if let Some(bad) = lines[1..lines.len() - 1]
        .iter()
        .find(|l| !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
    {
        return Err(format!("the armour holds a line that is not base64: `{}`", shorten(bad)));
    }
    let pem = format!("{}\n", lines.join("\n"));
    let sig = SshSig::from_pem(pem.as_bytes()).map_err(|e| match e {
        ssh_key::Error::Version { number } => format!("SSHSIG version {number} is not supported (only version 1)"),
        ssh_key::Error::FormatEncoding => "the armour does not hold an SSHSIG blob (no `SSHSIG` preamble)".to_string(),
        e => format!("the SSHSIG blob cannot be decoded: {} (truncated or garbled)", describe(&e)),
    })?;
    // The decoder tolerates some malformed length fields; OpenSSH does not. Accept only the
    // canonical encoding, so that any changed byte is an error.
    let body = lines[1..lines.len() - 1].concat();
    let canonical = sig.to_pem(ssh_key::LineEnding::LF).map(|p| {
        let l: Vec<&str> = p.lines().collect();
        l.get(1..l.len().saturating_sub(1)).map(<[&str]>::concat).unwrap_or_default()
    });
    if canonical.as_deref() != Ok(body.as_str()) {
        return Err("the SSHSIG blob is not encoded as ssh-keygen writes it: it was changed after signing".into());
    }
    if sig.version() != SshSig::VERSION {
        return Err(format!("SSHSIG version {} is not supported (only version 1)", sig.version()));
    }
    supported(sig.public_key()).map_err(|e| format!("signed with an unsupported key: {e}"))?;
    match (sig.public_key().algorithm(), sig.algorithm()) {
        (Algorithm::Rsa { .. }, Algorithm::Rsa { hash: Some(_) }) => {}
        (Algorithm::Rsa { .. }, _) => {
            return Err(
                "an RSA signature must use rsa-sha2-256 or rsa-sha2-512 (SHA-1 `ssh-rsa` signatures are not accepted)"
                    .into(),
            );
        }
        (k, s) if k != s => return Err(format!("the signature's algorithm {s} does not match its key's {k}")),
        _ => {}
    }
    Ok(sig)
}

/// Verifies a signature over a message with the public key the signature names, under the
/// namespace it names. The caller checks the namespace and whose key it is.
pub fn verifies(sig: &SshSig, message: &[u8]) -> bool {
    let key = PublicKey::from(sig.public_key().clone());
    if key.verify(sig.namespace(), message, sig).is_err() {
        return false;
    }
    // Security keys: like OpenSSH, require that the user was present (touched the key).
    if matches!(sig.public_key(), KeyData::SkEd25519(_) | KeyData::SkEcdsaSha2NistP256(_)) {
        let bytes = sig.signature_bytes();
        return bytes.len() >= 5 && bytes[bytes.len() - 5] & 0x01 == 0x01;
    }
    true
}

/// `SHA256:...`, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The key as an OpenSSH public key line without comment.
pub fn openssh(key: &KeyData) -> String {
    PublicKey::from(key.clone()).to_openssh().unwrap_or_else(|_| fingerprint(key))
}

fn describe(e: &ssh_key::Error) -> String {
    match e {
        ssh_key::Error::Encoding(inner) => format!("{inner}"),
        e => e.to_string(),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::{LineEnding, PrivateKey};

    fn key(seed: u8) -> PrivateKey {
        let kp = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        PrivateKey::from(kp)
    }

    #[test]
    fn sign_and_verify_round_trip_and_reject_changes() {
        let k = key(7);
        let sig = k.sign("signoff@contingent.dev", HashAlg::Sha512, b"hello\n").unwrap();
        let pem = sig.to_pem(LineEnding::LF).unwrap();
        let parsed = parse_armour(&pem).unwrap();
        assert!(verifies(&parsed, b"hello\n"));
        assert!(!verifies(&parsed, b"hello"));
        // indented, as in a KDL multi-line string before dedent, and with CRLF
        let indented: String = pem.lines().map(|l| format!("    {l}\r\n")).collect();
        assert!(verifies(&parse_armour(&indented).unwrap(), b"hello\n"));
    }

    #[test]
    fn garbage_and_truncation_are_errors_not_panics() {
        let sig = key(1).sign("n", HashAlg::Sha256, b"m").unwrap().to_pem(LineEnding::LF).unwrap();
        assert!(parse_armour("").unwrap_err().contains("does not start"));
        assert!(parse_armour("-----BEGIN SSH SIGNATURE-----\nAAAA\n").unwrap_err().contains("truncated"));
        assert!(parse_armour("-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----\n")
            .unwrap_err()
            .contains("not base64"));
        // Every truncation of the blob, and every single-byte change, is handled.
        let lines: Vec<&str> = sig.lines().collect();
        let body = lines[1..lines.len() - 1].concat();
        let blob = base64_decode(&body);
        for cut in 0..blob.len() {
            let _ = parse_armour(&armour(&blob[..cut])).map(|s| verifies(&s, b"m"));
        }
        for i in 0..blob.len() {
            let mut b = blob.clone();
            b[i] ^= 0x01;
            if let Ok(s) = parse_armour(&armour(&b)) {
                assert!(!verifies(&s, b"m"), "byte {i} flipped still verifies");
            }
        }
    }

    #[test]
    fn public_keys_are_checked() {
        let k = key(3);
        let line = k.public_key().to_openssh().unwrap();
        assert_eq!(parse_public_key(&format!("{line} someone@example")).unwrap(), *k.public_key().key_data());
        assert!(parse_public_key("ssh-ed25519").unwrap_err().contains("not an OpenSSH public key"));
        assert!(parse_public_key("ssh-foo AAAA").is_err());
        assert!(parse_public_key("ssh-ed25519 AAAA!!").is_err());
        let dss = "ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZpRV1AIlH7WT2NWPq/xfW6MPbLm1Vs14E7gB00b/JmYLdrmVClpJ+f6AR7ECLCT7up1/63xhv4O1fnxqimFQ8E+4P208UewwI1VBNaFpEy9nXzrith1yrv8iIDGZ3RSAHHAAAAFQCXYFCPFSMLzLKSuYKi64QL8Fgc9QAAAIEA9+GghdabPd7LvKtcNrhXuXmUr7v6OuqC+VdMCz0HgmdRWVeOutRZT+ZxBxCBgLRJFnEj6EwoFhO3zwkyjMim4TwWeotUfI0o4KOuHiuzpnWRbqN/C/ohNWLx+2J6ASQ7zKTxvqhRkImog9/hWuWfBpKLZl6Ae1UlZAFMO/7PSSoAAACBAPPzDT1+WGeDxKBVbYFvS2cj5sWa5rDh4Q2EaNr0+lcaLUkc6mg1LYSlLwo8zQ6GjbhM8zUkrX/t6ITBZMbQ0WyQ8tMNJNWhVrz3Q1Ig+XJ0WP7LXvk3xiYCNspcKS3KlG2nbOAKFLgBHMPA8IXIIvQezKi7dDClWvTsSTiuZx0G";
        assert!(parse_public_key(dss).unwrap_err().contains("not supported"), "{:?}", parse_public_key(dss));
    }

    #[test]
    fn key_errors_say_what_is_wrong() {
        // two words that do not decode: unreadable, with the decoder's reason
        let e = parse_public_key("ssh-ed25519 AAAA!!").unwrap_err();
        assert!(e.starts_with("not a readable OpenSSH public key ("), "{e}");
        assert!(e.len() > "not a readable OpenSSH public key ()".len() && !e.contains("xyzzy"), "{e}");
        // an ECDSA curve other than P-256 is not supported (not "not an uncompressed point")
        let p384 = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBEydxud6ZH7iilPRVKoLbz3VvLreJkV+nYNQuj0L85mm+ycTczM0GpKwjWFkhskdQo3KEgcL1JAw+wUmCzg2FhvBu3YhZ49IjD/Rx1Jd15B5yZa7WuQLYViK2nD9hTW4pQ==";
        assert_eq!(
            parse_public_key(p384).unwrap_err(),
            format!("ecdsa-sha2-nistp384 keys are not supported; use one of: {SUPPORTED}")
        );
    }

    #[test]
    fn a_line_that_is_not_base64_is_shown_up_to_40_characters() {
        let with = |line: &str| {
            parse_armour(&format!("-----BEGIN SSH SIGNATURE-----\n{line}\n-----END SSH SIGNATURE-----\n")).unwrap_err()
        };
        let forty = "!".repeat(40);
        assert_eq!(with(&forty), format!("the armour holds a line that is not base64: `{forty}`"));
        assert_eq!(with(&"!".repeat(41)), format!("the armour holds a line that is not base64: `{forty}…`"));
    }

    #[test]
    fn a_signature_whose_algorithm_is_not_its_keys_is_refused() {
        let public = key(4).public_key().key_data().clone();
        let sk = ssh_key::Signature::new(Algorithm::SkEd25519, vec![0u8; 69]).unwrap();
        let sig = SshSig::new(public, "n", HashAlg::Sha512, sk).unwrap();
        assert_eq!(
            parse_armour(&sig.to_pem(LineEnding::LF).unwrap()).unwrap_err(),
            "the signature's algorithm sk-ssh-ed25519@openssh.com does not match its key's ssh-ed25519"
        );
    }

    /// A security-key (sk-ssh-ed25519) signature over `message` with the given flags byte, made
    /// as the authenticator makes it: over SHA-256(application), flags, counter, SHA-256(data).
    fn security_key_signature(flags: u8, message: &[u8]) -> SshSig {
        use sha2::Digest;
        use signature::Signer;
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[9; 32]);
        let public = KeyData::SkEd25519(ssh_key::public::SkEd25519::new(pair.public, "ssh:"));
        let data = SshSig::signed_data("n", HashAlg::Sha512, message).unwrap();
        let trailer = [flags, 0, 0, 0, 7];
        let signed: Vec<u8> = [&sha2::Sha256::digest("ssh:")[..], &trailer, &sha2::Sha256::digest(&data)[..]].concat();
        let raw: ssh_key::Signature = pair.try_sign(&signed).unwrap();
        let sk = ssh_key::Signature::new(Algorithm::SkEd25519, [raw.as_bytes(), &trailer[..]].concat()).unwrap();
        let sig = SshSig::new(public, "n", HashAlg::Sha512, sk).unwrap();
        parse_armour(&sig.to_pem(LineEnding::LF).unwrap()).unwrap()
    }

    #[test]
    fn a_security_key_signature_counts_only_when_the_user_was_present() {
        // flags: 0x01 user present, 0x04 user verified
        assert!(verifies(&security_key_signature(0x01, b"m"), b"m"));
        assert!(verifies(&security_key_signature(0x05, b"m"), b"m"));
        assert!(!verifies(&security_key_signature(0x01, b"m"), b"other"));
        assert!(!verifies(&security_key_signature(0x00, b"m"), b"m"), "not touched");
        assert!(!verifies(&security_key_signature(0x04, b"m"), b"m"), "verified, but not present");
    }

    pub fn armour(blob: &[u8]) -> String {
        let b64 = base64_encode(blob);
        let mut s = String::from("-----BEGIN SSH SIGNATURE-----\n");
        for chunk in b64.as_bytes().chunks(70) {
            s.push_str(std::str::from_utf8(chunk).unwrap());
            s.push('\n');
        }
        s.push_str("-----END SSH SIGNATURE-----\n");
        s
    }

    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn base64_encode(data: &[u8]) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(B64[(n >> (18 - 6 * i)) as usize & 63] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn base64_decode(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for c in s.bytes().filter(|&c| c != b'=') {
            let v = B64.iter().position(|&x| x == c).unwrap() as u32;
            buf = (buf << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        out
    }
}
