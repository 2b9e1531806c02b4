//! Signing with the external `ssh-keygen -Y sign`, as Git does for SSH commit signing, so
//! ssh-agent, passphrases and hardware keys work. Only signing uses it; verification is native.

use std::path::{Path, PathBuf};
use std::process::Command;

use ssh_key::public::KeyData;

/// Where the signing key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningKey {
    /// A private key file, or a public key file whose private key is in ssh-agent.
    File(PathBuf),
    /// A public key line (Git's `user.signingkey = key::ssh-ed25519 AAAA...`); the private key
    /// is in ssh-agent.
    Literal(String),
}

/// Runs `git config --get NAME` in `root`; `None` when unset or Git is not available.
fn git_config(root: &Path, name: &str) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(["config", "--get", name]).output().ok()?;
    let value = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !value.is_empty()).then_some(value)
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The key to sign with: `--key`, else Git's `user.signingkey` (read as Git reads it for
/// `gpg.format = ssh`: `key::` and `ssh-` values are public key lines, anything else a path).
pub fn signing_key(root: &Path, flag: Option<&Path>) -> Result<SigningKey, String> {
    if let Some(p) = flag {
        return Ok(SigningKey::File(p.to_path_buf()));
    }
    let Some(value) = git_config(root, "user.signingkey") else {
        return Err("no signing key: pass --key PATH (an SSH private key, or a public key whose private key is in ssh-agent), or set Git's user.signingkey as for SSH commit signing".into());
    };
    if let Some(line) = value.strip_prefix("key::") {
        return Ok(SigningKey::Literal(line.to_string()));
    }
    if value.starts_with("ssh-") || value.starts_with("ecdsa-") || value.starts_with("sk-") {
        return Ok(SigningKey::Literal(value));
    }
    let path = expand_home(&value);
    if !path.is_file() {
        return Err(format!(
            "Git's user.signingkey is `{value}`, which is not an SSH key file (is it a GPG key?): pass --key PATH"
        ));
    }
    Ok(SigningKey::File(path))
}

/// The public key of a signing key, when it can be read without a passphrase: a public key
/// line or file, an OpenSSH private key (its public part is not encrypted), or `PATH.pub`.
pub fn public_key(key: &SigningKey) -> Option<KeyData> {
    let text = match key {
        SigningKey::Literal(line) => return super::sshsig::parse_public_key(line).ok(),
        SigningKey::File(path) => std::fs::read_to_string(path).ok()?,
    };
    if let Ok(k) = super::sshsig::parse_public_key(text.trim()) {
        return Some(k);
    }
    if let Ok(k) = ssh_key::PrivateKey::from_openssh(text.trim()) {
        return Some(k.public_key().key_data().clone());
    }
    let SigningKey::File(path) = key else { return None };
    let mut pub_path = path.clone().into_os_string();
    pub_path.push(".pub");
    super::sshsig::parse_public_key(std::fs::read_to_string(pub_path).ok()?.trim()).ok()
}

/// The program: Git's `gpg.ssh.program` when set, else `ssh-keygen`.
pub fn program(root: &Path) -> String {
    git_config(root, "gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_string())
}

/// Signs `message` under `namespace` with `ssh-keygen -Y sign` and returns the armoured
/// signature. Like Git: the message goes in a temporary file, so a passphrase prompt can use
/// the terminal; a public key line is written to a file and used with `-U` (key in ssh-agent).
pub fn sign(program: &str, key: &SigningKey, namespace: &str, message: &[u8]) -> Result<String, String> {
    let tmp = crate::tempdir::TempDir::new("sign")?;
    let msg = tmp.path().join("statement");
    std::fs::write(&msg, message).map_err(|e| format!("cannot write {}: {e}", msg.display()))?;
    let mut cmd = Command::new(program);
    cmd.args(["-Y", "sign", "-n", namespace, "-f"]);
    match key {
        SigningKey::File(path) => {
            cmd.arg(path);
        }
        SigningKey::Literal(line) => {
            let key_file = tmp.path().join("key.pub");
            std::fs::write(&key_file, format!("{line}\n"))
                .map_err(|e| format!("cannot write {}: {e}", key_file.display()))?;
            cmd.arg(&key_file).arg("-U");
        }
    }
    cmd.arg(&msg);
    let out = cmd.stdin(std::process::Stdio::inherit()).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("cannot run `{program}`: it is not installed (Debian/Ubuntu: apt-get install openssh-client)")
        } else {
            format!("cannot run `{program}`: {e}")
        }
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("`{program} -Y sign` failed: {}", stderr.trim()));
    }
    let mut sig_path = msg.into_os_string();
    sig_path.push(".sig");
    std::fs::read_to_string(&sig_path).map_err(|e| format!("`{program} -Y sign` wrote no signature: {e}"))
}
