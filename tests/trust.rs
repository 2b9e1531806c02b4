//! Sign-off when the repository under review is the attacker's: nothing in the checked files can
//! switch sign-off rules off, ambiguity fails closed, one key has one identity, `sign` writes only
//! inside the repository, dates are judged against the check date.
//!
//! Every key is made by `ssh-keygen` in the test, every signature by `ssh-keygen -Y sign`; every
//! process runs with an isolated Git configuration and a fixed `HOME`; every check has a fixed date.

mod common;
use common::{copy_dir, fixture, output, Output, Tree};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use contingent::model::Side;
use contingent::signoff::record;
use contingent::signoff::statement::{Statement, NAMESPACE};
use contingent::units::Date;
use serde_json::Value;

const AS_OF: &str = "2026-11-01";
const P: &str = "plans/payroll.kdl";
const SIGNED: &str = "signoffs/payroll.kdl";

/// The isolated environment of every process the tests start (`common::isolate`), with a home
/// of the test's own and sign-off rules as on a normal check (nothing tolerated).
fn isolate<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    common::isolate(cmd).env("HOME", home).env("NO_COLOR", "1").env("CONTINGENT_ALLOW_UNSIGNED", "0")
}

/// A copy of the minimal fixture whose approvers anna.schmidt (client, party bank) and
/// jan.peters (provider, party dc) have Ed25519 keys made here; `home` is the fixed `HOME`, and
/// holds the private keys.
struct W {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Tree for W {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl W {
    /// A Git repository on `main` whose payroll plan anna.schmidt (client) signed on 2026-10-01
    /// and jan.peters (provider) on 2026-10-02, committed; returns the commit.
    fn signed_main(&self) -> String {
        self.git(&["init", "-q", "-b", "main"], "2026-10-01");
        self.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-01");
        self.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-02");
        self.commit("payroll, signed", "2026-10-02")
    }

    fn new() -> W {
        let w = W { dir: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap() };
        copy_dir(&fixture("minimal"), w.path());
        for (file, who) in [("contacts/bank.kdl", "anna.schmidt"), ("contacts/dc.kdl", "jan.peters")] {
            let line = w.keygen(who, "ed25519");
            w.add_key(file, who, &line);
        }
        w
    }

    fn key(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Makes a key pair with `ssh-keygen -t TYPE`; returns the public key line.
    fn keygen(&self, name: &str, kind: &str) -> String {
        let path = self.key(name);
        let mut cmd = Command::new("ssh-keygen");
        isolate(&mut cmd, self.home.path()).args(["-q", "-t", kind, "-N", "", "-C", name, "-f"]).arg(&path);
        if kind == "ecdsa" {
            cmd.args(["-b", "256"]);
        }
        let out = output(cmd.output().expect("ssh-keygen is installed (Debian: openssh-client)"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        std::fs::read_to_string(format!("{}.pub", path.display())).unwrap().trim().to_string()
    }

    fn add_key(&self, file: &str, contact: &str, line: &str) {
        let head = format!("contact {contact} {{\n");
        self.edit(file, &head, &format!("{head}    key \"{line}\"\n"));
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
        isolate(&mut cmd, self.home.path()).args(args).current_dir(self.path());
        output(cmd.output().expect("the binary runs"))
    }

    fn sign(&self, plan: &str, party: &str, who: &str, key: &str, date: &str) -> Output {
        let key = self.key(key);
        let repo = self.path().to_str().unwrap().to_string();
        self.run(&[
            "sign",
            plan,
            "--party",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            date,
            "--repo",
            &repo,
        ])
    }

    fn sign_ok(&self, plan: &str, party: &str, who: &str, key: &str, date: &str) {
        let out = self.sign(plan, party, who, key, date);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }

    fn digest(&self, plan: &str) -> String {
        let out = self.run(&["digest", plan]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_string()
    }

    /// A record of `st` signed with `ssh-keygen -Y sign` and the key `key`, as an attacker with
    /// that key would write it by hand.
    fn forge(&self, st: &Statement, key: &str) -> String {
        use std::io::Write;
        let mut cmd = Command::new("ssh-keygen");
        isolate(&mut cmd, self.home.path())
            .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(self.key(key))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(&st.message()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        record::render(st, None, &String::from_utf8(out.stdout).unwrap())
    }

    fn append(&self, rel: &str, text: &str) {
        let old = std::fs::read_to_string(self.path().join(rel)).unwrap_or_default();
        self.write(rel, &format!("{old}\n{text}"));
    }

    fn check(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["check", ".", "--format", "json"];
        if !extra.contains(&"--as-of") {
            args.extend(["--as-of", AS_OF]);
        }
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let v: Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
        (out.code, v)
    }

    /// Findings as (code, severity, file:line, message).
    fn findings(&self, extra: &[&str]) -> (i32, Vec<(String, String, String, String)>) {
        let (code, v) = self.check(extra);
        let root = format!("{}/", self.path().display());
        let list = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let file = d["location"]["file"].as_str().unwrap_or("").trim_start_matches(&root).to_string();
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                    format!("{file}:{}", d["location"]["start"]["line"]),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (code, list)
    }

    /// file:line of the first line holding `needle`.
    fn at(&self, file: &str, needle: &str) -> String {
        let text = self.read(file);
        let i = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {file}:\n{text}"));
        format!("{file}:{}", text[..i].matches('\n').count() + 1)
    }

    /// file:line of the `n`-th (0-based) line holding `needle`.
    fn nth(&self, file: &str, needle: &str, n: usize) -> String {
        let text = self.read(file);
        let i = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle:?} #{n} not in {file}")).0;
        format!("{file}:{}", text[..i].matches('\n').count() + 1)
    }

    /// The related places of the first finding with `code`, as "file:line message".
    fn related(&self, extra: &[&str], code: &str) -> Vec<String> {
        let (_, v) = self.check(extra);
        let root = format!("{}/", self.path().display());
        let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == code).expect(code).clone();
        d["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let file = r["file"].as_str().unwrap().trim_start_matches(&root);
                format!("{file}:{} {}", r["start"]["line"], r["message"].as_str().unwrap())
            })
            .collect()
    }

    fn signoffs(&self) -> Value {
        let out = self.run(&["signoffs", ".", "--format", "json", "--as-of", AS_OF]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn statement(plan: &str, party: Side, signer: &str, on: &str, digest: &str) -> Statement {
    Statement {
        plan: plan.into(),
        digest: digest.into(),
        party,
        signer: signer.into(),
        date: date(on),
        context: None,
        retire: false,
    }
}

/// Asserts one finding with this code, and returns it.
fn one<'a>(list: &'a [(String, String, String, String)], code: &str) -> &'a (String, String, String, String) {
    let all: Vec<&(String, String, String, String)> = list.iter().filter(|f| f.0 == code).collect();
    assert_eq!(all.len(), 1, "expected one {code}: {list:#?}");
    all[0]
}

// ---------------------------------------------------------------------------------------------
// Attack 2: the repository cannot switch sign-off off

#[test]
fn the_checked_repository_cannot_switch_off_lower_or_waive_signoff_rules() {
    let w = W::new();
    w.keygen("mallory", "ed25519");
    let digest = w.digest("payroll");
    // a client record forged with a key nobody listed, and the rules that would hide it
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest), "mallory"));
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    w.edit(
        "contingent.kdl",
        "name ",
        "rule SIG001 severity=off\nrule SIG006 severity=off\nrule SIG002 severity=warning\nwaiver SIG011 plan=payroll reason=\"same person\" approved-by=anna.schmidt expires=\"2027-01-31\"\nname ",
    );
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let cfg: Vec<(&str, &str)> = f.iter().filter(|x| x.0 == "CFG002").map(|x| (x.2.as_str(), x.3.as_str())).collect();
    assert_eq!(
        cfg,
        [
            ("contingent.kdl:1", "SIG001 (missing-signoff) cannot be configured"),
            ("contingent.kdl:2", "SIG006 (unlisted-signing-key) cannot be configured"),
            ("contingent.kdl:3", "SIG002 (stale-signoff) cannot be configured"),
            ("contingent.kdl:4", "SIG011 (same-signer-both-parties) cannot be configured"),
        ],
        "{f:#?}"
    );
    let sig006 = one(&f, "SIG006");
    assert_eq!((sig006.1.as_str(), sig006.2.clone()), ("error", w.at(SIGNED, "signature \"\"\"")));
    assert!(sig006.3.contains("not listed for anna.schmidt"), "{}", sig006.3);
    let sig001 = one(&f, "SIG001");
    assert_eq!((sig001.1.as_str(), sig001.2.clone()), ("error", w.at(P, "plan payroll")));
    assert!(sig001.3.contains("no valid sign-off by the client (bank)"), "{}", sig001.3);
    // the help of CFG002 says who may tolerate unsigned plans
    let (_, v) = w.check(&[]);
    let help = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CFG002").unwrap()["help"].clone();
    assert!(help.as_str().unwrap().contains("--allow-unsigned"), "{help}");
    // and `signoffs` agrees: not approved
    assert_eq!(w.signoffs()["plans"][0]["approved"], false);
}

#[test]
fn a_stale_signoff_stays_an_error_whatever_the_configuration_says() {
    let w = W::new();
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.edit("contingent.kdl", "name ", "rule SIG002 severity=warning staged=off\nname ");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    let stale = one(&f, "SIG002");
    assert_eq!((stale.1.as_str(), stale.2.clone()), ("error", w.at(P, "plan payroll")));
    assert_eq!(one(&f, "CFG002").2, "contingent.kdl:1");
}

#[test]
fn tolerating_unsigned_plans_is_the_callers_choice_and_every_output_says_so() {
    let w = W::new();
    let (code, f) = w.findings(&[]);
    assert_eq!((code, one(&f, "SIG001").1.as_str()), (1, "error"));

    let (code, v) = w.check(&["--allow-unsigned"]);
    assert_eq!(code, 0, "{v:#}");
    let notice = "unsigned and stale plans are tolerated (--allow-unsigned): SIG001, SIG002 and SIG019 are warnings";
    assert_eq!((v["unsigned_tolerated"].clone(), v["notice"].clone()), (Value::Bool(true), Value::from(notice)));
    let codes: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("SIG001", "warning")]);
    let (_, strict) = w.check(&[]);
    assert_eq!((strict["unsigned_tolerated"].clone(), strict.get("notice")), (Value::Bool(false), None));

    let human = w.run(&["check", ".", "--as-of", AS_OF, "--allow-unsigned"]);
    assert!(
        human
            .stdout
            .ends_with(&format!("checked 7 files: 0 errors, 1 warning; {notice} (as of 2026-11-01, from --as-of)\n")),
        "{}",
        human.stdout
    );
    let sarif: Value =
        serde_json::from_str(&w.run(&["check", ".", "--as-of", AS_OF, "--allow-unsigned", "--format", "sarif"]).stdout)
            .unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["unsignedTolerated"], true);
    assert_eq!(sarif["runs"][0]["properties"]["notice"], notice);
    let github = w.run(&["check", ".", "--as-of", AS_OF, "--allow-unsigned", "--format", "github"]);
    assert!(github.stdout.contains(&format!("1 warning; {notice}")), "{}", github.stdout);
    // the environment variable is the same choice, and says where it came from
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd, w.home.path())
        .args(["check", ".", "--as-of", AS_OF])
        .current_dir(w.path())
        .env("CONTINGENT_ALLOW_UNSIGNED", "1");
    let out = output(cmd.output().unwrap());
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("tolerated (CONTINGENT_ALLOW_UNSIGNED=1)"), "{}", out.stdout);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd, w.home.path())
        .args(["check", ".", "--as-of", AS_OF])
        .current_dir(w.path())
        .env("CONTINGENT_ALLOW_UNSIGNED", "yes");
    let out = output(cmd.output().unwrap());
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("CONTINGENT_ALLOW_UNSIGNED is `yes`"), "{}", out.stderr);
}

#[test]
fn tolerating_unsigned_plans_never_makes_a_forged_signoff_pass() {
    let w = W::new();
    w.keygen("mallory", "ed25519");
    let digest = w.digest("payroll");
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest), "mallory"));
    let (code, f) = w.findings(&["--allow-unsigned"]);
    assert_eq!(code, 1, "{f:#?}");
    assert_eq!(one(&f, "SIG006").1, "error");
    assert_eq!(one(&f, "SIG001").1, "warning");
}

// ---------------------------------------------------------------------------------------------
// Attack 3: ambiguity fails closed

#[test]
fn with_two_client_parties_no_signoff_counts_for_the_client() {
    let w = W::new();
    w.edit(
        "contingent.kdl",
        "party dc role=provider",
        "party bank2 role=client name=\"Second Bank\"\nparty dc role=provider",
    );
    let digest = w.digest("payroll");
    // a provider contact signs "for the client": the party check must not be skipped
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Client, "jan.peters", "2026-10-20", &digest), "jan.peters"));
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    let amb = one(&f, "SIG014");
    assert_eq!(amb.2, w.at(SIGNED, "party client"));
    assert_eq!(
        amb.3,
        "this client sign-off cannot be verified: contingent.kdl names 2 parties with role=client (bank, bank2): which one signs for the client is ambiguous; it does not count"
    );
    one(&f, "CFG001");
    // it points at the two parties that make it ambiguous, and only at them
    assert_eq!(
        w.related(&[], "SIG014"),
        [
            format!("{} party bank has role=client", w.at("contingent.kdl", "party bank ")),
            format!("{} party bank2 has role=client", w.at("contingent.kdl", "party bank2")),
        ]
    );
    let v = w.signoffs();
    assert_eq!(v["plans"][0]["approved"], false);
    assert_eq!(v["plans"][0]["client"]["state"], "invalid");
    assert!(v["plans"][0]["client"]["problems"][0].as_str().unwrap().starts_with("SIG014: "), "{v:#}");
}

#[test]
fn a_second_definition_of_an_approvers_contact_id_makes_their_signoffs_invalid() {
    let w = W::new();
    let mallory = w.keygen("mallory", "ed25519");
    w.write(
        "contacts/extra.kdl",
        &format!(
            "contact anna.schmidt {{\n    key \"{mallory}\"\n    party bank\n    name \"Anna Schmidt\"\n    mobile \"+49 171 555 0101\" available=\"24x7\"\n    verified \"2026-09-01\"\n    may-approve #true\n}}\n"
        ),
    );
    let digest = w.digest("payroll");
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest), "mallory"));
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    let at = w.at(SIGNED, "signer anna.schmidt");
    let amb: Vec<_> = f.iter().filter(|x| x.0 == "SIG014" && x.2 == at).collect();
    assert_eq!(amb.len(), 1, "{f:#?}");
    let amb = amb[0];
    assert!(
        amb.3.contains("contact `anna.schmidt` is defined 2 times (contacts/bank.kdl:1, contacts/extra.kdl:1)"),
        "{}",
        amb.3
    );
    one(&f, "SIG001");
    let v = w.signoffs();
    assert_eq!(
        (v["plans"][0]["approved"].clone(), v["plans"][0]["client"]["state"].clone()),
        (Value::Bool(false), Value::from("invalid"))
    );
}

// ---------------------------------------------------------------------------------------------
// Attack 4: one ECDSA key in two encodings

/// The same P-256 key as an OpenSSH line with its point compressed (0x02/0x03 and x).
fn compressed(line: &str) -> String {
    use ssh_key::public::{EcdsaPublicKey, KeyData};
    let key = ssh_key::PublicKey::from_openssh(line).unwrap();
    let KeyData::Ecdsa(EcdsaPublicKey::NistP256(point)) = key.key_data() else { panic!("not P-256: {line}") };
    let bytes = point.as_bytes();
    assert_eq!((bytes.len(), bytes[0]), (65, 0x04));
    let mut c = vec![0x02 | (bytes[64] & 1)];
    c.extend_from_slice(&bytes[1..33]);
    // the wire format: string "ecdsa-sha2-nistp256", string "nistp256", string point
    let mut blob = Vec::new();
    for part in [&b"ecdsa-sha2-nistp256"[..], b"nistp256", &c] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    format!("ecdsa-sha2-nistp256 {}", base64(&blob))
}

fn base64(data: &[u8]) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() { B64[(n >> (18 - 6 * i)) as usize & 63] as char } else { '=' });
        }
    }
    out
}

#[test]
fn one_ecdsa_key_in_two_encodings_is_one_key_and_the_compressed_form_is_refused() {
    let w = W::new();
    let line = w.keygen("both", "ecdsa");
    // one person listed for the client with the key, and for the provider with the same key compressed
    w.add_key("contacts/bank.kdl", "anna.schmidt", &line);
    w.add_key("contacts/dc.kdl", "jan.peters", &compressed(&line));
    let digest = w.digest("payroll");
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest), "both"));
    w.append(SIGNED, &w.forge(&statement("payroll", Side::Provider, "jan.peters", "2026-10-21", &digest), "both"));
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let bad_key = one(&f, "SIG013");
    assert_eq!(bad_key.2, w.at("contacts/dc.kdl", "key \"ecdsa"));
    assert!(
        bad_key.3.contains("the ECDSA public key is not an uncompressed point (33 bytes starting with 0x0"),
        "{}",
        bad_key.3
    );
    let other = one(&f, "SIG006");
    assert_eq!(other.2, w.nth(SIGNED, "signature \"\"\"", 1));
    assert!(
        other.3.starts_with("signed with a key of anna.schmidt (bank), not with a key listed for jan.peters"),
        "{}",
        other.3
    );
    one(&f, "SIG001");
    assert_eq!(w.signoffs()["plans"][0]["approved"], false);
}

// ---------------------------------------------------------------------------------------------
// Attack 8: dates

#[test]
fn a_signoff_dated_after_the_check_date_is_reported_and_does_not_count() {
    let w = W::new();
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-12-24");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let future = one(&f, "SIG015");
    assert_eq!(future.2, w.at(SIGNED, "date \"2026-12-24\""));
    assert_eq!(
        future.3,
        "this sign-off is dated 2026-12-24, after the check date 2026-11-01: a sign-off from the future does not count"
    );
    assert!(one(&f, "SIG001").3.contains("no valid sign-off by the provider (dc)"));
    // on the day itself it counts
    let (code, f) = w.findings(&["--as-of", "2026-12-24"]);
    assert_eq!((code, f.iter().filter(|x| x.0.starts_with("SIG")).count()), (0, 0), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------
// Attack 5: `sign` writes only inside the repository, and replaces a party's record

#[test]
fn sign_refuses_a_signoff_folder_outside_the_repository() {
    let w = W::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere");
    // `paths signoffs=` pointing out of the repository, relatively
    let up = format!(
        "{}/elsewhere",
        "../".repeat(w.path().components().count() + 1) + outside.path().to_str().unwrap().trim_start_matches('/')
    );
    w.edit("contingent.kdl", "name ", &format!("paths signoffs=\"{up}\"\nname "));
    let out = w.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("is outside the repository (check `paths signoffs=` in contingent.kdl): `contingent sign` writes only inside the repository"),
        "{}",
        out.stderr
    );
    assert!(!target.exists(), "nothing may be written outside");
    w.edit("contingent.kdl", &format!("paths signoffs=\"{up}\"\n"), "paths signoffs=\"../x\"\n");
    let out = w.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the sign-off file ../x/payroll.kdl is outside the repository"), "{}", out.stderr);
}

#[test]
fn sign_refuses_a_signoff_folder_that_is_a_symbolic_link() {
    let w = W::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), w.path().join("signoffs")).unwrap();
    let out = w.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("the sign-off file signoffs/payroll.kdl goes through the symbolic link signoffs: `contingent sign` writes only inside the repository"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing may be written through the link");
}

#[test]
fn sign_replaces_the_partys_record_instead_of_adding_one() {
    let w = W::new();
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-22");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-23");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-25");
    let text = w.read(SIGNED);
    assert_eq!(text.matches("signoff payroll {\n    party client").count(), 1, "{text}");
    assert_eq!(text.matches("signoff payroll {\n    party provider").count(), 1, "{text}");
    assert!(
        text.contains("date \"2026-10-25\"")
            && !text.contains("date \"2026-10-20\"")
            && !text.contains("date \"2026-10-22\""),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Attack 8: a broken plan is listed as not approved

#[test]
fn signoffs_lists_a_plan_with_errors_as_not_approved() {
    let w = W::new();
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    w.edit(P, "plan payroll {\n", "plan payroll {\n    no-such-node 1\n");
    let v = w.signoffs();
    let plans = v["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1, "{v:#}");
    assert_eq!(
        (plans[0]["plan"].clone(), plans[0]["approved"].clone(), plans[0]["broken"].clone()),
        (Value::from("payroll"), Value::Bool(false), Value::Bool(true))
    );
    assert_eq!(plans[0]["client"]["state"], "broken");
    let out = w.run(&["signoffs", ".", "--as-of", AS_OF]);
    assert_eq!(
        out.stdout,
        "plan     approved  client  provider\npayroll  no        broken  broken\n\npayroll: the plan has errors, so its content and sign-offs cannot be judged: run `contingent check` and fix them\n\nno trusted base: approvals are verified with the approvers and keys of the checked files themselves, so a change could approve itself: give --trust REV (the protected branch) to judge them against it\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Key types

#[test]
fn an_rsa_key_signing_with_sha256_is_verified() {
    use std::io::Write;
    let w = W::new();
    let line = w.keygen("anna-rsa", "rsa");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &line);
    let digest = w.digest("payroll");
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest);
    // ssh-keygen -Y sign with the SHA-256 message hash (`-O hashalg=sha256`)
    let mut cmd = Command::new("ssh-keygen");
    isolate(&mut cmd, w.home.path())
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-O", "hashalg=sha256", "-f"])
        .arg(w.key("anna-rsa"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(&st.message()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let armour = String::from_utf8(out.stdout).unwrap();
    let sig = ssh_key::SshSig::from_pem(armour.as_bytes()).unwrap();
    assert_eq!((sig.hash_alg(), sig.public_key().algorithm().as_str()), (ssh_key::HashAlg::Sha256, "ssh-rsa"));
    w.write(SIGNED, &record::render(&st, None, &armour));
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.clone()), (0, vec![]), "{f:#?}");
    assert_eq!(w.signoffs()["plans"][0]["approved"], true);
    // the same record with one byte of the statement changed does not verify
    w.edit(SIGNED, "signer anna.schmidt\n        date", "signer anna.schmidx\n        date");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    assert!(f.iter().any(|x| x.0 == "SIG010" || x.0 == "SIG003"), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------
// Attack 6: rollback, with a real Git repository

impl W {
    /// `git ARGS` in the repository, isolated, with fixed author and committer dates.
    fn git(&self, args: &[&str], date: &str) -> String {
        let stamp = format!("{date}T10:00:00Z");
        let mut cmd = Command::new("git");
        isolate(&mut cmd, self.home.path())
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Anna Schmidt")
            .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_COMMITTER_NAME", "Anna Schmidt")
            .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_AUTHOR_DATE", &stamp)
            .env("GIT_COMMITTER_DATE", &stamp);
        let out = output(cmd.output().expect("git is installed"));
        assert_eq!(out.code, 0, "git {args:?}: {}{}", out.stdout, out.stderr);
        out.stdout.trim().to_string()
    }

    fn commit(&self, message: &str, date: &str) -> String {
        self.git(&["add", "-A"], date);
        self.git(&["commit", "-q", "-m", message], date);
        self.git(&["rev-parse", "HEAD"], date)
    }
}

/// v1 signed by both parties, then v2 signed by both; returns (v1 commit, v2 commit).
fn two_signed_versions(w: &W) -> (String, String) {
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-01");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-02");
    let v1 = w.commit("payroll v1, signed", "2026-10-02");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-11");
    let v2 = w.commit("payroll v2, signed", "2026-10-11");
    (v1, v2)
}

#[test]
fn restoring_an_old_version_with_its_old_records_is_a_rollback_against_the_base() {
    let w = W::new();
    let (v1, v2) = two_signed_versions(&w);
    // the attack: plan and sign-off file as they were in v1
    w.git(&["checkout", "-q", &v1, "--", P, SIGNED], "2026-10-20");
    w.commit("restore payroll", "2026-10-20");
    // the records alone look fine: v1's records are all there is
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // against the base, the later approval of v2 is known
    let (code, f) = w.findings(&["--changed-since", &v2]);
    assert_eq!(code, 1, "{f:#?}");
    let sig: Vec<&(String, String, String, String)> = f.iter().filter(|x| x.0 == "SIG016").collect();
    assert_eq!(sig.len(), 2, "{f:#?}");
    let short = &v2[..7];
    assert_eq!(sig[0].2, w.at(P, "plan payroll"));
    assert_eq!(
        sig[0].3,
        format!("plan `payroll` was rolled back: the client's sign-off of its current content is of 2026-10-01, but anna.schmidt signed other content ({}) for the client on 2026-10-10 in commit {short} (--changed-since {v2}); an older approval does not count again", {
            let d = w.git(&["show", &format!("{v2}:{SIGNED}")], "2026-10-20");
            let i = d.find("digest \"").unwrap() + 8;
            format!("{}…", &d[i..i + 15])
        })
    );
    assert!(
        sig[1].3.contains(
            "the provider's sign-off of its current content is of 2026-10-02, but jan.peters signed other content"
        ),
        "{}",
        sig[1].3
    );
}

#[test]
fn old_records_restored_beside_newer_ones_are_a_rollback_from_the_records() {
    let w = W::new();
    let (v1, _) = two_signed_versions(&w);
    // plan back to v1; v1's records added back next to v2's
    let old = w.git(&["show", &format!("{v1}:{SIGNED}")], "2026-10-20");
    w.git(&["checkout", "-q", &v1, "--", P], "2026-10-20");
    let now = w.read(SIGNED);
    w.write("signoffs/payroll-old.kdl", &old);
    assert!(now.contains("2026-10-10"));
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let codes: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(codes, ["SIG016", "SIG016"], "{f:#?}");
    let first = &f.iter().find(|x| x.0 == "SIG016").unwrap();
    assert_eq!(first.2, w.at(P, "plan payroll"));
    assert!(
        first.3.starts_with("plan `payroll` was rolled back: the client's sign-off of its current content is of 2026-10-01, but anna.schmidt signed other content (sha256:"),
        "{}",
        first.3
    );
    assert!(first.3.contains("for the client on 2026-10-10 (signoffs/payroll.kdl:"), "{}", first.3);
    let v = w.signoffs();
    assert_eq!(v["plans"][0]["approved"], false, "{v:#}");
}

#[test]
fn a_context_change_is_reported_only_for_the_newest_signoff_of_the_current_content() {
    let w = W::new();
    let (v1, _) = two_signed_versions(&w);
    // v1's records kept beside v2's, and v2's content current: v2 signed on 2026-10-10/11
    let old = w.git(&["show", &format!("{v1}:{SIGNED}")], "2026-10-20");
    w.write("signoffs/payroll-old.kdl", &old);
    // then the level-1 desk's number changes: v2's sign-offs bind the old number
    w.edit("contacts/dc.kdl", "+49 40 555 0299", "+49 40 555 0300");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let sig: Vec<(&str, &str)> = f.iter().map(|x| (x.0.as_str(), x.3.as_str())).collect();
    assert_eq!(sig.iter().map(|x| x.0).collect::<Vec<_>>(), ["SIG019", "SIG019"], "{sig:#?}");
    assert!(
        sig[0].1.starts_with(
            "plan `payroll` relies on objects that changed since anna.schmidt (client) signed it on 2026-10-10: "
        ),
        "{}",
        sig[0].1
    );
    assert!(sig[1].1.contains("since jan.peters (provider) signed it on 2026-10-11: "), "{}", sig[1].1);
    // the plan back at v1, whose records are older than v2's: stale, and not a context change of v1
    w.git(&["checkout", "-q", &v1, "--", P], "2026-10-20");
    let (_, f) = w.findings(&[]);
    let codes: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert!(!codes.contains(&"SIG019"), "{f:#?}");
}

#[test]
fn versions_signed_on_the_same_day_are_not_called_a_rollback() {
    // sign-off dates are days: v1 signed in the morning and v2 in the afternoon of 2026-10-10
    // cannot be ordered by their dates, so neither is reported as rolled back against the other
    let w = W::new();
    w.git(&["init", "-q", "-b", "main"], "2026-10-10");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-10");
    let v1 = w.commit("payroll v1, signed", "2026-10-10");
    let old = w.read(SIGNED);
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-10");
    // the change that a pull request makes on the day v1 was approved: not a rollback of v1
    let (code, f) = w.findings(&["--changed-since", &v1]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // v1's records kept beside v2's: v2 is still approved, v1's records are not later
    w.write("signoffs/payroll-old.kdl", &old);
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    assert_eq!(w.signoffs()["plans"][0]["approved"], true);
}

// ---------------------------------------------------------------------------------------------
// Attack 1: a change approves itself (real Git repository)

#[test]
fn a_change_that_adds_approver_keys_and_signs_with_them_does_not_count_against_the_trusted_base() {
    let w = W::new();
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    // the change: the plan, one extra key line on the client's approver, a new provider approver
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    let mallory = w.keygen("mallory", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &mallory);
    let eve = w.keygen("eve", "ed25519");
    w.edit(
        "contacts/dc.kdl",
        "contact dc-duty {",
        &format!("contact eve {{\n    key \"{eve}\"\n    party dc\n    name \"Eve\"\n    deputy dc-duty\n    mobile \"+49 171 555 0299\" available=\"24x7\"\n    verified \"2026-10-01\"\n    may-approve #true\n}}\ncontact dc-duty {{"),
    );
    w.sign_ok("payroll", "client", "anna.schmidt", "mallory", "2026-10-05");
    w.sign_ok("payroll", "provider", "eve", "eve", "2026-10-05");
    w.commit("payroll: level 1 in 45m", "2026-10-05");

    // without a trusted base, the change looks approved
    let (code, f) = w.findings(&["--rev", "HEAD"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    for extra in
        [&["--changed-since", "main"][..], &["--rev", "HEAD", "--trust", "main"], &["--staged", "--trust", "main"]]
    {
        let (code, f) = w.findings(extra);
        assert_eq!(code, 1, "{extra:?}: {f:#?}");
        let untrusted: Vec<(&str, &str)> =
            f.iter().filter(|x| x.0 == "SIG017").map(|x| (x.2.as_str(), x.3.as_str())).collect();
        assert_eq!(untrusted.len(), 2, "{extra:?}: {f:#?}");
        assert_eq!(untrusted[0].0, w.nth(SIGNED, "signature \"\"\"", 0));
        assert!(
            untrusted[0].1.starts_with("this client sign-off by anna.schmidt is made with key SHA256:"),
            "{}",
            untrusted[0].1
        );
        assert!(
            untrusted[0].1.contains("does not trust for anna.schmidt on 2026-11-01 (the check date: a sign-off the change adds is judged by the roster"),
            "{}",
            untrusted[0].1
        );
        assert_eq!(untrusted[1].0, w.nth(SIGNED, "signature \"\"\"", 1));
        assert!(
            untrusted[1].1.starts_with("this provider sign-off by eve is made with key SHA256:"),
            "{}",
            untrusted[1].1
        );
        let roster: Vec<&str> = f.iter().filter(|x| x.0 == "SIG018").map(|x| x.3.as_str()).collect();
        assert_eq!(roster.len(), 2, "{f:#?}");
        assert!(roster[0].starts_with("the client's approver roster differs from commit "), "{}", roster[0]);
        assert!(roster[0].contains("added or changed anna.schmidt SHA256:"), "{}", roster[0]);
        assert!(roster[1].contains("added or changed eve SHA256:"), "{}", roster[1]);
    }
    let (_, v) = w.check(&["--changed-since", "main"]);
    let help = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "SIG018").unwrap()["help"].clone();
    let help = help.as_str().unwrap();
    assert!(help.starts_with("after review, an approver of the client in commit "), "{help}");
    assert!(
        help.ends_with(
            "(--changed-since main) signs the new roster: `contingent sign --roster client --as anna.schmidt`"
        ),
        "{help}"
    );
}

impl W {
    fn sign_roster(&self, party: &str, who: &str, key: &str, date: &str) -> Output {
        let key = self.key(key);
        let repo = self.path().to_str().unwrap().to_string();
        self.run(&[
            "sign",
            "--roster",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            date,
            "--repo",
            &repo,
        ])
    }
}

/// main: payroll signed by anna.schmidt (client) and jan.peters (provider). Branch `change`:
/// anna.schmidt's key is replaced by a new one, and the changed plan is signed with it.
fn rotated(w: &W) -> String {
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    let old = std::fs::read_to_string(format!("{}.pub", w.key("anna.schmidt").display())).unwrap();
    let new = w.keygen("anna-2026", "ed25519");
    w.edit("contacts/bank.kdl", old.trim(), &new);
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna-2026", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    new
}

#[test]
fn a_key_rotation_signed_with_the_key_the_base_trusts_passes() {
    let w = W::new();
    rotated(&w);
    w.commit("anna.schmidt rotates her key; payroll level 1 in 45m", "2026-10-05");
    // not yet approved: the new key is not trusted, the roster change is an error
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
    assert!(codes.contains(&"SIG017") && codes.contains(&"SIG018"), "{f:#?}");
    // the roster sign-off, with the key the base trusts
    let out = w.sign_roster("client", "anna.schmidt", "anna.schmidt", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("signed the client's approver roster (sha256:"), "{}", out.stdout);
    assert!(
        w.read("signoffs/roster-client.kdl")
            .contains("contingent-roster-v2\n        party client\n        version 1\n"),
        "{}",
        w.read("signoffs/roster-client.kdl")
    );
    w.commit("the client's new roster, signed", "2026-10-06");
    for extra in [&["--changed-since", "main"][..], &["--rev", "HEAD", "--trust", "main"]] {
        let (code, f) = w.findings(extra);
        assert_eq!((code, f.len()), (0, 0), "{extra:?}: {f:#?}");
    }
    // the record is verified on every check, and an edit is found
    w.edit("signoffs/roster-client.kdl", "date \"2026-10-06\"", "date \"2026-10-07\"");
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    assert!(
        one(&f, "SIG009").3.starts_with("this roster sign-off was edited after signing: date is 2026-10-07"),
        "{f:#?}"
    );
}

#[test]
fn a_roster_signed_by_someone_the_base_does_not_trust_or_a_different_roster_does_not_count() {
    let w = W::new();
    rotated(&w);
    // signed with the new key only: the base does not know it
    let out = w.sign_roster("client", "anna.schmidt", "anna-2026", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("self-approved roster", "2026-10-06");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert!(f.iter().any(|x| x.0 == "SIG018"), "{f:#?}");
    assert!(f.iter().any(|x| x.0 == "SIG017"), "{f:#?}");
    // signed with the trusted key, then the roster changed again: the signed digest is another
    let out = w.sign_roster("client", "anna.schmidt", "anna.schmidt", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let extra = w.keygen("anna-spare", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &extra);
    w.commit("a spare key, after the roster was signed", "2026-10-07");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert!(f.iter().any(|x| x.0 == "SIG018"), "{f:#?}");
    // --staged tolerates the unsigned roster change as a warning, like an unsigned plan
    let (_, v) = w.check(&["--staged", "--trust", "main"]);
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "SIG018").unwrap();
    assert_eq!(d["severity"], "warning");
}

#[test]
fn a_change_signed_by_the_base_rosters_approvers_passes_against_the_base() {
    let w = W::new();
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-06");
    w.commit("payroll: level 1 in 45m", "2026-10-06");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    let (code, f) = w.findings(&["--rev", "HEAD", "--trust", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
}

/// Time comes from the log, not from the signer: a record the change adds is judged by the
/// base's roster on the check date, whatever date it claims. A key the base retires signs
/// nothing new from its `valid-before` day on, however the record is dated.
#[test]
fn a_key_the_base_retired_signs_nothing_new_whatever_date_the_record_claims() {
    let w = W::new();
    let line = w.read("contacts/bank.kdl").lines().find(|l| l.contains("key \"ssh-ed25519")).unwrap().to_string();
    w.edit("contacts/bank.kdl", &line, &format!("{line} valid-before=\"2026-10-20\""));
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    // the change is signed with the retiring key, the record dated (or backdated) 2026-10-19
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-19");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-19");
    w.commit("payroll: level 1 in 45m", "2026-10-19");
    // checked on the last day of the key: it counts
    let (code, f) = w.findings(&["--changed-since", "main", "--as-of", "2026-10-19"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // checked from the day the key is retired: the same record, still dated 2026-10-19, does not
    for day in ["2026-10-20", "2026-11-01"] {
        let (code, f) = w.findings(&["--changed-since", "main", "--as-of", day]);
        assert_eq!(code, 1, "{f:#?}");
        let sig017: Vec<&str> = f.iter().filter(|x| x.0 == "SIG017").map(|x| x.3.as_str()).collect();
        assert_eq!(sig017.len(), 1, "{day}: {f:#?}");
        assert!(
            sig017[0].contains(&format!("does not trust for anna.schmidt on {day} (the check date: a sign-off the change adds is judged by the roster")),
            "{}",
            sig017[0]
        );
        assert!(f.iter().any(|x| x.0 == "SIG001"), "{f:#?}");
    }
    // the base's own records, made before the key was retired, still count after it
    w.git(&["checkout", "-q", "main"], "2026-11-01");
    let (code, f) = w.findings(&["--rev", "HEAD", "--trust", "main", "--as-of", "2026-11-01"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // the change extends the key's window in its own contacts: a roster change the base must
    // approve, and still no new record by the retired key
    w.git(&["checkout", "-q", "change"], "2026-11-01");
    w.edit("contacts/bank.kdl", "valid-before=\"2026-10-20\"", "valid-before=\"2026-12-01\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-19");
    w.commit("a longer key window", "2026-11-01");
    let (code, f) = w.findings(&["--changed-since", "main", "--as-of", "2026-11-01"]);
    assert_eq!(code, 1, "{f:#?}");
    let sig018: Vec<&str> = f.iter().filter(|x| x.0 == "SIG018").map(|x| x.3.as_str()).collect();
    assert_eq!(sig018.len(), 1, "{f:#?}");
    let entry = format!("anna.schmidt {}", &sig018[0][sig018[0].find("SHA256:").unwrap()..][..50]);
    assert!(
        sig018[0].contains(&format!("added or changed {entry}; removed or changed {entry}; sign-offs")),
        "{}",
        sig018[0]
    );
    assert_eq!(f.iter().filter(|x| x.0 == "SIG017").count(), 1, "{f:#?}");
}

// ---------------------------------------------------------------------------------------------
// Attack 7: committer dates that go backwards (real Git repository)

#[test]
fn history_as_of_refuses_to_answer_when_committer_dates_go_backwards() {
    let w = W::new();
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    let v1 = w.commit("payroll v1, unsigned", "2026-10-01");
    // the next commit claims an earlier date, and carries a signed new version
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-09-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-09-10");
    let v2 = w.commit("payroll v2, signed", "2026-09-15");
    let out = w.run(&["history", "payroll", "--as-of", "2026-10-05"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "history --as-of 2026-10-05 cannot be answered: committer dates go backwards along HEAD's first-parent history: commit {} is dated 2026-09-15, but commit {} it builds on is dated 2026-10-01",
            &v2[..7],
            &v1[..7]
        )),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no answer rather than a wrong one: {}", out.stdout);
    // with dates in order, the answer is given
    let w = W::new();
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    w.commit("payroll v1, unsigned", "2026-10-01");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-10");
    w.commit("payroll v2, signed", "2026-10-12");
    let out = w.run(&["history", "payroll", "--as-of", "2026-10-05", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (v["plans"][0]["both_signed"].clone(), v["plans"][0]["version"]["commit"]["date"].clone()),
        (Value::Bool(false), Value::from("2026-10-01")),
        "{v:#}"
    );
}

/// Version 1 records (no context) stay valid; a context added to one after signing is not
/// signed, and the record does not count.
#[test]
fn a_version_1_record_stays_valid_and_a_context_added_to_it_is_found() {
    let w = W::new();
    let digest = w.digest("payroll");
    let client = w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &digest), "anna.schmidt");
    let provider = w.forge(&statement("payroll", Side::Provider, "jan.peters", "2026-10-21", &digest), "jan.peters");
    assert!(client.contains("contingent-signoff-v1\n"));
    w.write(SIGNED, &format!("{client}\n{provider}"));
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // a contact change does not touch a version 1 approval: it binds no context
    w.edit("contacts/dc.kdl", "+49 40 555 0299", "+49 40 555 0298");
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    let with_context =
        client.replacen("    statement", "    context #\"\"\"\n        {}\n        \"\"\"#\n    statement", 1);
    w.write(SIGNED, &format!("{with_context}\n{provider}"));
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        one(&f, "SIG009").3,
        "this sign-off holds a context, but its statement (version 1) binds none: the context was added after signing"
    );
}

// ---------------------------------------------------------------------------------------------
// History walks the chain of rosters, judges version-2 contexts and finds rollbacks

impl W {
    /// `history payroll --format json`.
    fn history(&self) -> Value {
        let repo = self.path().to_str().unwrap().to_string();
        let out = self.run(&["history", "payroll", "--format", "json", "--repo", &repo]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }
}

/// The newest version's sign-off state at HEAD, and the problems' (code, message).
fn newest(h: &Value) -> (Value, Vec<(String, String)>) {
    let state = h["plans"][0]["versions"][0]["signed_until_replaced"].clone();
    let problems = h["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap().to_string(), p["message"].as_str().unwrap().to_string()))
        .collect();
    (state, problems)
}

#[test]
fn history_does_not_count_a_change_that_approved_itself_with_keys_it_added() {
    let w = W::new();
    let root = w.signed_main();
    // committed on main itself: an extra client key and signatures made with new keys only
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    let mallory = w.keygen("mallory", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &mallory);
    let old = std::fs::read_to_string(format!("{}.pub", w.key("jan.peters").display())).unwrap();
    let eve = w.keygen("eve", "ed25519");
    w.edit("contacts/dc.kdl", old.trim(), &eve);
    w.sign_ok("payroll", "client", "anna.schmidt", "mallory", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "eve", "2026-10-05");
    let change = w.commit("payroll: level 1 in 45m", "2026-10-05");

    let h = w.history();
    let (state, problems) = newest(&h);
    assert_eq!(state["client"], false, "{h:#}");
    assert_eq!(state["provider"], false, "{h:#}");
    assert_eq!(state["signed_with_untrusted_key"], serde_json::json!(["client", "provider"]), "{h:#}");
    // the first version was approved: the root roster trusts its keys
    let first = &h["plans"][0]["versions"][1];
    assert_eq!(first["commit"]["id"], root);
    assert_eq!((first["signed"]["client"].clone(), first["signed"]["provider"].clone()), (true.into(), true.into()));
    let roster: Vec<&String> = problems.iter().filter(|p| p.0 == "SIG018").map(|p| &p.1).collect();
    assert_eq!(roster.len(), 2, "{problems:#?}");
    let short = &change[..7];
    assert!(
        roster[0].starts_with(&format!(
            "contacts at {short}: the client's approver roster changed (added or changed anna.schmidt SHA256:"
        )),
        "{}",
        roster[0]
    );
    assert!(roster[0].contains("no approver of the roster trusted before it (anna.schmidt) signed the new roster (`contingent sign --roster client`)"), "{}", roster[0]);
    assert!(
        roster[1].contains("the provider's approver roster changed (added or changed jan.peters SHA256:"),
        "{}",
        roster[1]
    );
    assert!(roster[1].contains("; removed or changed jan.peters SHA256:"), "{}", roster[1]);
    let text = w.run(&["history", "payroll", "--repo", w.path().to_str().unwrap()]);
    assert!(
        text.stdout.contains("(signed by client, provider with a key the roster then did not trust)"),
        "{}",
        text.stdout
    );
}

#[test]
fn history_trusts_a_roster_rotation_signed_by_the_roster_before_it() {
    // the rotation and its roster sign-off in one commit
    let w = W::new();
    rotated(&w);
    let out = w.sign_roster("client", "anna.schmidt", "anna.schmidt", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("anna.schmidt rotates her key, the roster signed with the old one", "2026-10-06");
    let h = w.history();
    let (state, problems) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (true.into(), true.into()), "{h:#}");
    assert!(problems.is_empty(), "{problems:#?}");

    // the rotation first, unsigned: the new key does not count until the roster sign-off
    let w = W::new();
    rotated(&w);
    let unsigned = w.commit("anna.schmidt rotates her key", "2026-10-05");
    let h = w.history();
    let (state, problems) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (false.into(), true.into()), "{h:#}");
    assert_eq!(state["signed_with_untrusted_key"], serde_json::json!(["client"]), "{h:#}");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0]
        .1
        .starts_with(&format!("contacts at {}: the client's approver roster changed", &unsigned[..7])));
    let out = w.sign_roster("client", "anna.schmidt", "anna.schmidt", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("the client's new roster, signed", "2026-10-06");
    let h = w.history();
    let (state, problems) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (true.into(), true.into()), "{h:#}");
    // what history says of the commit before the roster sign-off stays true
    assert_eq!(problems.len(), 1, "{problems:#?}");
    // a roster sign-off made with the new key alone is not trusted
    let w = W::new();
    rotated(&w);
    let out = w.sign_roster("client", "anna.schmidt", "anna-2026", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("self-approved roster", "2026-10-06");
    let (state, problems) = newest(&w.history());
    assert_eq!(state["client"], false);
    assert_eq!(problems.iter().filter(|p| p.0 == "SIG018").count(), 1, "{problems:#?}");
}

#[test]
fn history_reports_a_rollback_to_an_older_version_with_its_old_records() {
    let w = W::new();
    let (v1, _) = two_signed_versions(&w);
    w.git(&["checkout", "-q", &v1, "--", P, SIGNED], "2026-10-20");
    let restore = w.commit("restore payroll", "2026-10-20");
    let h = w.history();
    let newest_version = &h["plans"][0]["versions"][0];
    assert_eq!(newest_version["commit"]["id"], restore, "{h:#}");
    let (state, problems) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (false.into(), false.into()), "{h:#}");
    assert_eq!(state["rolled_back"], serde_json::json!(["client", "provider"]), "{h:#}");
    let rollback: Vec<&String> = problems.iter().filter(|p| p.0 == "SIG016").map(|p| &p.1).collect();
    assert_eq!(rollback.len(), 2, "{problems:#?}");
    assert!(
        rollback[0].starts_with(&format!(
            "plan `payroll` at {}: the client's sign-off of this content is dated 2026-10-01, but the client signed other content (sha256:",
            &restore[..7]
        )),
        "{}",
        rollback[0]
    );
    assert!(
        rollback[0].ends_with("on 2026-10-10; an older approval does not count again (a rollback)"),
        "{}",
        rollback[0]
    );
    // the first version was approved while it was current
    let first = &h["plans"][0]["versions"][2];
    assert_eq!(first["signed_until_replaced"]["client"], true, "{h:#}");
    // the auditor's question for a day after the restore gets the same answer
    let repo = w.path().to_str().unwrap().to_string();
    let out = w.run(&["history", "payroll", "--as-of", "2026-10-21", "--format", "json", "--repo", &repo]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["plans"][0]["both_signed"], false, "{v:#}");
    assert_eq!(v["plans"][0]["version"]["signed"]["rolled_back"], serde_json::json!(["client", "provider"]), "{v:#}");
    // and on a day v1 was in force, v1 was approved
    let out = w.run(&["history", "payroll", "--as-of", "2026-10-05", "--format", "json", "--repo", &repo]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["plans"][0]["both_signed"], true, "{v:#}");
}

#[test]
fn history_judges_a_version_2_signoff_by_its_context() {
    let w = W::new();
    w.signed_main();
    let h = w.history();
    let (state, _) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (true.into(), true.into()), "{h:#}");
    // the level-1 contact's number changes after both signed: the plan's digest stays
    w.edit("contacts/dc.kdl", "+49 40 555 0299", "+49 40 555 0300");
    w.commit("duty desk: new number", "2026-10-03");
    let h = w.history();
    assert_eq!(h["plans"][0]["versions"].as_array().unwrap().len(), 1, "{h:#}");
    let version = &h["plans"][0]["versions"][0];
    assert_eq!(version["signed"]["client"], true, "{h:#}");
    let (state, _) = newest(&h);
    assert_eq!((state["client"].clone(), state["provider"].clone()), (false.into(), false.into()), "{h:#}");
    assert_eq!(state["context_changed_since_signed"], serde_json::json!(["client", "provider"]), "{h:#}");
}

/// docs/signoff.md, section 8, for a roster sign-off: the same extraction and `ssh-keygen -Y
/// verify` with the allowed signers of the roster before the change.
#[test]
fn a_roster_signoff_verifies_with_ssh_keygen_against_the_roster_before_it() {
    let w = W::new();
    rotated(&w);
    let before = w.git(&["show", "main:contacts/bank.kdl"], "2026-10-06");
    let out = w.sign_roster("client", "anna.schmidt", "anna.schmidt", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/signoff.md")).unwrap();
    let block = |tag: &str| -> String {
        let rest = &doc[doc.find(&format!("<!-- {tag} -->")).unwrap()..];
        let body = &rest[rest.find("```").unwrap()..];
        let body = &body[body.find('\n').unwrap() + 1..];
        body[..body.find("```").unwrap()].to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("contacts")).unwrap();
    std::fs::write(dir.path().join("contacts/bank.kdl"), before).unwrap();
    std::fs::write(dir.path().join("record.kdl"), w.read("signoffs/roster-client.kdl")).unwrap();
    let extract = block("auditor-extract").replace("signoffs/payroll.kdl", "record.kdl");
    let run = |day: &str, signer: &str| {
        let script = format!(
            "set -e\n{}\n{extract}\nssh-keygen -Y verify -f allowed_signers -I {signer} -n signoff@contingent.dev -s signature.txt -Overify-time={day}1200Z < statement.txt",
            block("auditor-allowed-signers")
        );
        output(
            isolate(&mut Command::new("sh"), w.home.path())
                .arg("-c")
                .arg(script)
                .current_dir(dir.path())
                .output()
                .unwrap(),
        )
    };
    let out = run("20261006", "anna.schmidt");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Good \"signoff@contingent.dev\" signature for anna.schmidt"), "{}", out.stdout);
    let statement = std::fs::read_to_string(dir.path().join("statement.txt")).unwrap();
    assert!(statement.starts_with("contingent-roster-v2\nparty client\nversion 1\nprevious sha256:"), "{statement}");
    // signed with the new key, the roster before it does not verify it
    let out = w.sign_roster("client", "anna.schmidt", "anna-2026", "2026-10-06");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    std::fs::write(dir.path().join("record.kdl"), w.read("signoffs/roster-client.kdl")).unwrap();
    assert_ne!(run("20261006", "anna.schmidt").code, 0);
}

// ---------------------------------------------------------------------------------------------
// The second review: attacks by someone who can push branches and open pull requests and has
// read docs/signoff.md. Each builds the attack with real keys and a real Git repository and
// checks it against the base's tip (`check --changed-since main`) and in the review's status.

impl W {
    /// `contingent review --dry-run` of `head` against `base`: the status line's state and text.
    fn review_status(&self, base: &str, head: &str) -> (String, String) {
        let out = self.run(&["review", ".", "--base", base, "--head", head, "--dry-run", "--as-of", AS_OF]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        let line = out.stdout.lines().find(|l| l.starts_with("status ")).unwrap_or_else(|| panic!("{}", out.stdout));
        let state = line.split_whitespace().nth(1).unwrap().to_string();
        (state, line.to_string())
    }

    fn sign_roster_against(&self, party: &str, who: &str, key: &str, date: &str, base: &str) -> Output {
        let key = self.key(key);
        let repo = self.path().to_str().unwrap().to_string();
        self.run(&[
            "sign",
            "--roster",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            date,
            "--base",
            base,
            "--repo",
            &repo,
        ])
    }
}

fn codes(f: &[(String, String, String, String)]) -> Vec<&str> {
    f.iter().map(|x| x.0.as_str()).collect()
}

/// Critical 1: replacing a plan's version 2 records with older version 1 records of the same
/// digest drops the context binding. A change can add only version 2 records.
#[test]
fn downgrading_the_records_to_version_1_does_not_approve_a_changed_context() {
    let w = W::new();
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    let digest = w.digest("payroll");
    // a repository that signed before version 2: version 1 records, by the real keys
    let v1 = format!(
        "{}\n{}",
        w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-01", &digest), "anna.schmidt"),
        w.forge(&statement("payroll", Side::Provider, "jan.peters", "2026-10-02", &digest), "jan.peters")
    );
    w.write(SIGNED, &v1);
    let old = w.commit("payroll, signed (version 1)", "2026-10-02");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-10");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-11");
    w.commit("payroll, signed again (version 2)", "2026-10-11");
    let (code, f) = w.findings(&["--rev", "HEAD"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");

    // the attack: a new duty desk number, and the old version 1 records back in place
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-12");
    w.edit("contacts/dc.kdl", "+49 40 555 0299", "+49 40 555 0666");
    let text = w.git(&["show", &format!("{old}:{SIGNED}")], "2026-10-12");
    w.write(SIGNED, &text);
    w.commit("duty desk: new number", "2026-10-12");
    // without a base the repository approves itself: the limit docs/signoff.md names
    let (code, _) = w.findings(&["--rev", "HEAD"]);
    assert_eq!(code, 0);
    for extra in [&["--changed-since", "main"][..], &["--rev", "HEAD", "--trust", "main"]] {
        let (code, f) = w.findings(extra);
        assert_eq!(code, 1, "{f:#?}");
        let outdated: Vec<&(String, String, String, String)> = f.iter().filter(|x| x.0 == "SIG020").collect();
        assert_eq!(outdated.len(), 2, "{f:#?}");
        assert!(
            outdated[0].3.starts_with("this client sign-off is a `contingent-signoff-v1` statement that commit "),
            "{}",
            outdated[0].3
        );
        assert!(outdated[0].3.ends_with("does not hold: a change can add only `contingent-signoff-v2` sign-offs (version 1 binds no context); it does not count"), "{}", outdated[0].3);
        assert!(codes(&f).contains(&"SIG001"), "{f:#?}");
    }
    let (state, line) = w.review_status("main", "change");
    assert_eq!(state, "failure", "{line}");

    // a version 1 record the base holds binds what the plan relied on in the base
    w.git(&["checkout", "-q", "-b", "legacy", &old], "2026-10-12");
    w.edit("contacts/dc.kdl", "+49 40 555 0299", "+49 40 555 0666");
    w.commit("duty desk: new number", "2026-10-12");
    let (code, f) = w.findings(&["--changed-since", &old]);
    assert_eq!(code, 1, "{f:#?}");
    let changed: Vec<&str> = f.iter().filter(|x| x.0 == "SIG019").map(|x| x.3.as_str()).collect();
    assert_eq!(changed.len(), 2, "{f:#?}");
    assert!(changed[0].contains("contact `dc-duty`: `phone`"), "{}", changed[0]);
    assert!(changed[0].contains("+49 40 555 0666"), "{}", changed[0]);
    assert!(!codes(&f).contains(&"SIG020"), "{f:#?}");
}

/// Critical 2: a roster record names its version and the roster it replaces, so a record of an
/// older roster cannot be replayed to re-admit a key the party removed.
#[test]
fn an_old_roster_record_cannot_re_admit_a_removed_key() {
    let w = W::new();
    w.signed_main();
    // version 1: anna adds a second key (later stolen)
    w.git(&["checkout", "-q", "-b", "add-spare"], "2026-10-03");
    let spare = w.keygen("spare", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &spare);
    let out = w.sign_roster_against("client", "anna.schmidt", "anna.schmidt", "2026-10-03", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let added = w.commit("anna.schmidt: a spare key", "2026-10-03");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    w.git(&["checkout", "-q", "main"], "2026-10-03");
    w.git(&["merge", "-q", "--ff-only", "add-spare"], "2026-10-03");
    // version 2: the spare key was stolen; anna removes it
    w.git(&["checkout", "-q", "-b", "remove-spare"], "2026-10-04");
    w.edit("contacts/bank.kdl", &format!("    key \"{spare}\"\n"), "");
    let out = w.sign_roster_against("client", "anna.schmidt", "anna.schmidt", "2026-10-04", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(w.read("signoffs/roster-client.kdl").contains("version 2\n"), "{}", w.read("signoffs/roster-client.kdl"));
    w.commit("anna.schmidt: the spare key is gone", "2026-10-04");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    w.git(&["checkout", "-q", "main"], "2026-10-04");
    w.git(&["merge", "-q", "--ff-only", "remove-spare"], "2026-10-04");

    // the attack: the thief re-adds the key, restores the version 1 roster record, and signs
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &spare);
    let record = w.git(&["show", &format!("{added}:signoffs/roster-client.kdl")], "2026-10-05");
    w.write("signoffs/roster-client.kdl", &record);
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "spare", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    w.commit("payroll: level 2 in 45m", "2026-10-05");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let roster: Vec<&str> = f.iter().filter(|x| x.0 == "SIG018").map(|x| x.3.as_str()).collect();
    assert_eq!(roster.len(), 1, "{f:#?}");
    assert!(roster[0].contains("signs it as version 1 replacing sha256:"), "{}", roster[0]);
    assert!(roster[0].contains("not as version 3 replacing the roster commit "), "{}", roster[0]);
    assert!(roster[0].contains("an old or forked roster record does not count"), "{}", roster[0]);
    let untrusted: Vec<&str> = f.iter().filter(|x| x.0 == "SIG017").map(|x| x.3.as_str()).collect();
    assert_eq!(untrusted.len(), 1, "{f:#?}");
    assert!(
        untrusted[0].starts_with("this client sign-off by anna.schmidt is made with key SHA256:"),
        "{}",
        untrusted[0]
    );
    let (state, line) = w.review_status("main", "change");
    assert_eq!(state, "failure", "{line}");
}

/// Critical 3, for rosters: a key the base retired signs a roster that adds the thief's own
/// approver, backdated to a day the key was valid. It is judged on the check date.
#[test]
fn a_retired_key_cannot_sign_a_backdated_roster() {
    let w = W::new();
    let line = w.read("contacts/bank.kdl").lines().find(|l| l.contains("key \"ssh-ed25519")).unwrap().to_string();
    w.edit("contacts/bank.kdl", &line, &format!("{line} valid-before=\"2026-10-20\""));
    let next = w.keygen("anna-next", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &next);
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-25");
    let mallory = w.keygen("mallory", "ed25519");
    w.edit(
        "contacts/bank.kdl",
        "contact bernd.mueller {",
        &format!("contact mallory {{\n    key \"{mallory}\"\n    party bank\n    name \"Mallory\"\n    mobile \"+49 171 555 0666\" available=\"24x7\"\n    deputy anna.schmidt\n    verified \"2026-10-01\"\n    may-approve #true\n}}\ncontact bernd.mueller {{"),
    );
    // signed with the retired key, dated while it was valid
    let out = w.sign_roster_against("client", "anna.schmidt", "anna.schmidt", "2026-10-15", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "mallory", "mallory", "2026-10-25");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-25");
    w.commit("mallory approves", "2026-10-25");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let roster: Vec<&str> = f.iter().filter(|x| x.0 == "SIG018").map(|x| x.3.as_str()).collect();
    assert_eq!(roster.len(), 1, "{f:#?}");
    assert!(roster[0].contains("added or changed mallory SHA256:"), "{}", roster[0]);
    assert!(roster[0].contains("does not trust for anna.schmidt today"), "{}", roster[0]);
    assert!(f.iter().any(|x| x.0 == "SIG017" && x.3.contains("by mallory")), "{f:#?}");
    // the same roster signed with the key the base trusts today passes
    let out = w.sign_roster_against("client", "anna.schmidt", "anna-next", "2026-10-25", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("the new roster, signed with the current key", "2026-10-25");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
}

/// High 4: the review's status is the verdict of `check --changed-since`: a rollback fails it.
#[test]
fn the_review_status_fails_a_rollback_as_check_does() {
    let w = W::new();
    let (v1, _) = two_signed_versions(&w);
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-12");
    for file in [P, SIGNED] {
        let text = w.git(&["show", &format!("{v1}:{file}")], "2026-10-12");
        w.write(file, &text);
    }
    w.commit("back to v1, with its records", "2026-10-12");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert!(codes(&f).contains(&"SIG016"), "{f:#?}");
    let (state, line) = w.review_status("main", "change");
    assert_eq!(state, "failure", "{line}");
}

/// High 4: a change adding a second definition of a contact a plan relies on (the context binds
/// one definition, the handbook may print the other) is not approved, in check and review.
#[test]
fn a_second_definition_of_a_contact_the_plan_relies_on_voids_its_approval() {
    let w = W::new();
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    for id in ["dc-duty", "DC-Duty"] {
        w.write(
            "contacts/zz.kdl",
            &format!("contact {id} {{\n    party dc\n    name \"Duty desk\"\n    phone \"+49 40 555 0666\" available=\"24x7\"\n    deputy jan.peters\n    verified \"2026-10-01\"\n}}\n"),
        );
        w.commit("another duty desk", "2026-10-05");
        let (code, f) = w.findings(&["--changed-since", "main"]);
        assert_eq!(code, 1, "{f:#?}");
        let amb: Vec<&str> = f.iter().filter(|x| x.0 == "SIG014").map(|x| x.3.as_str()).collect();
        assert_eq!(amb.len(), 1, "{id}: {f:#?}");
        assert!(amb[0].starts_with("plan `payroll` relies on `dc-duty` (contacts/dc.kdl:"), "{}", amb[0]);
        assert!(amb[0].ends_with("is ambiguous; it is not approved"), "{}", amb[0]);
        let (state, line) = w.review_status("main", "change");
        assert_eq!(state, "failure", "{id}: {line}");
    }
}

/// High 5: removing a plan needs a retirement signed by both parties; a retired plan restored
/// with its old records is a rollback.
#[test]
fn removing_a_plan_needs_a_retirement_signed_by_both_parties() {
    let w = W::new();
    let signed = w.signed_main();
    // the attack: the plan and its records deleted, nothing signed
    w.git(&["checkout", "-q", "-b", "drop"], "2026-10-05");
    w.git(&["rm", "-q", "-r", P, SIGNED, "exercises"], "2026-10-05");
    w.commit("payroll is gone", "2026-10-05");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let removed: Vec<&str> = f.iter().filter(|x| x.0 == "SIG021").map(|x| x.3.as_str()).collect();
    assert_eq!(removed, vec![&format!("plan `payroll` (plans/payroll.kdl in commit {} (--changed-since main)) is removed, but its retirement is not signed by the client (bank) or by the provider (dc): removing a plan needs the approval of both parties", &signed[..7])], "{f:#?}");
    let (state, line) = w.review_status("main", "drop");
    assert_eq!(state, "failure", "{line}");

    // the legitimate way: both parties sign the retirement, then the file is deleted
    w.git(&["checkout", "-q", "main"], "2026-10-06");
    w.git(&["checkout", "-q", "-b", "retire"], "2026-10-06");
    for (party, who) in [("client", "anna.schmidt"), ("provider", "jan.peters")] {
        let key = w.key(who);
        let out = w.run(&[
            "sign",
            "payroll",
            ".",
            "--retire",
            "--party",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            "2026-10-06",
        ]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.starts_with("signed the retirement of plan `payroll`"), "{}", out.stdout);
    }
    assert!(w.read(SIGNED).contains("retire #true"), "{}", w.read(SIGNED));
    assert!(w.read(SIGNED).contains("contingent-retire-v1"), "{}", w.read(SIGNED));
    // the systems it covered go with it
    w.git(&["rm", "-q", "-r", P, "exercises", "inventory", "contracts"], "2026-10-06");
    w.commit("payroll retired by both parties", "2026-10-06");
    let (code, f) = w.findings(&["--changed-since", "main", "--as-of", "2026-10-06"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    let (state, line) = w.review_status("main", "retire");
    assert_eq!(state, "success", "{line}");
    // one party's retirement is not enough
    let text = w.read(SIGNED);
    let provider = text.find("signoff payroll {\n    retire #true\n    party provider").unwrap();
    w.write(SIGNED, &text[..provider]);
    let (code, f) = w.findings(&["--changed-since", "main", "--as-of", "2026-10-06"]);
    assert_eq!(code, 1, "{f:#?}");
    assert!(f.iter().any(|x| x.0 == "SIG021" && x.3.contains("is not signed by the provider (dc)")), "{f:#?}");
    w.write(SIGNED, &text);
    w.git(&["checkout", "-q", "main"], "2026-10-07");
    w.git(&["merge", "-q", "--ff-only", "retire"], "2026-10-07");

    // the plan restored with its old version and its old records: a rollback
    w.git(&["checkout", "-q", "-b", "restore"], "2026-10-08");
    for file in [P, SIGNED, "exercises/2026-tabletop.kdl", "inventory/systems.kdl", "contracts/msa.kdl"] {
        let text = w.git(&["show", &format!("{signed}:{file}")], "2026-10-08");
        w.write(file, &text);
    }
    w.commit("payroll is back", "2026-10-08");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let back: Vec<&str> = f.iter().filter(|x| x.0 == "SIG016").map(|x| x.3.as_str()).collect();
    assert_eq!(back.len(), 2, "{f:#?}");
    assert!(
        back[0].contains("but anna.schmidt signed its retirement for the client on 2026-10-06 in commit "),
        "{}",
        back[0]
    );
    let (state, line) = w.review_status("main", "restore");
    assert_eq!(state, "failure", "{line}");
}

/// High 6: the trust root is the base's current tip, not the merge base: a branch forked before
/// a key was removed does not bring that key's trust with it.
#[test]
fn a_branch_forked_before_a_key_was_removed_does_not_keep_its_trust() {
    let w = W::new();
    let spare = w.keygen("spare", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &spare);
    w.signed_main();
    // the old branch, forked while the spare key was trusted
    w.git(&["checkout", "-q", "-b", "old-branch"], "2026-10-03");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.commit("payroll: level 2 in 45m", "2026-10-03");
    // main removes the (stolen) spare key
    w.git(&["checkout", "-q", "main"], "2026-10-04");
    w.edit("contacts/bank.kdl", &format!("    key \"{spare}\"\n"), "");
    let out = w.sign_roster_against("client", "anna.schmidt", "anna.schmidt", "2026-10-04", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("the spare key is gone", "2026-10-04");
    // the thief signs on the old branch
    w.git(&["checkout", "-q", "old-branch"], "2026-10-05");
    w.sign_ok("payroll", "client", "anna.schmidt", "spare", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    w.commit("signed", "2026-10-05");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let untrusted: Vec<&str> = f.iter().filter(|x| x.0 == "SIG017").map(|x| x.3.as_str()).collect();
    assert_eq!(untrusted.len(), 1, "{f:#?}");
    assert!(
        untrusted[0].contains("(--changed-since main) does not trust for anna.schmidt on 2026-11-01"),
        "{}",
        untrusted[0]
    );
    let (state, line) = w.review_status("main", "old-branch");
    assert_eq!(state, "failure", "{line}");
}

/// High 7: the change's own `reference-date` does not set the clock of a check against a base.
#[test]
fn the_changes_reference_date_does_not_move_the_clock_of_a_check_against_the_base() {
    let w = W::new();
    w.edit(
        "contingent.kdl",
        "name \"minimal test repository\"\n",
        "name \"minimal test repository\"\nreference-date \"2026-11-01\"\n",
    );
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    w.edit("contingent.kdl", "reference-date \"2026-11-01\"", "reference-date \"2027-06-01\"");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2027-05-01");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2027-05-01");
    w.commit("signed in the future", "2026-10-05");
    let out = w.run(&["check", ".", "--format", "json", "--changed-since", "main"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let future: Vec<&Value> = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "SIG015").collect();
    assert_eq!(future.len(), 2, "{v:#}");
    assert!(future[0]["message"].as_str().unwrap().contains("after the check date 2026-11-01"), "{v:#}");
}

/// Medium 10: one person approving for both parties through a second contact (another key,
/// the same e-mail address or phone number) is not a pair.
#[test]
fn one_person_under_two_contacts_does_not_approve_for_both_parties() {
    let w = W::new();
    w.edit(
        "contacts/bank.kdl",
        "    mobile \"+49 171 555 0101\" available=\"24x7\"\n",
        "    mobile \"+49 (171) 555-0201\" available=\"24x7\"\n",
    );
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    // `sign` refuses to complete such a pair
    let out = w.sign("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("SIG011"), "{}", out.stderr);
    // a record made by hand is judged the same way by `check`
    let digest = w.digest("payroll");
    w.append(
        SIGNED,
        &w.forge(&statement("payroll", Side::Provider, "jan.peters", "2026-10-21", &digest), "jan.peters"),
    );
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let same = one(&f, "SIG011");
    assert!(
        same.3.contains("were made by contacts anna.schmidt and jan.peters that share the phone number +49 (171) 555-0201: one person cannot approve for both parties"),
        "{}",
        same.3
    );
    assert_eq!(w.signoffs()["plans"][0]["approved"], Value::Bool(false));
}

/// Low 11: a signer whose id differs from another contact's only in case cannot be told apart.
#[test]
fn a_signer_beside_a_contact_id_that_differs_only_in_case_does_not_count() {
    let w = W::new();
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    let mallory = w.keygen("mallory", "ed25519");
    w.write(
        "contacts/extra.kdl",
        &format!("contact Jan.Peters {{\n    key \"{mallory}\"\n    party dc\n    name \"J. Peters\"\n    mobile \"+49 171 555 0666\" available=\"24x7\"\n    deputy dc-duty\n    verified \"2026-09-01\"\n    may-approve #true\n}}\n"),
    );
    let (code, f) = w.findings(&[]);
    assert_eq!(code, 1, "{f:#?}");
    let at = w.at(SIGNED, "signer jan.peters");
    let amb: Vec<&str> = f.iter().filter(|x| x.0 == "SIG014" && x.2 == at).map(|x| x.3.as_str()).collect();
    assert_eq!(amb.len(), 1, "{f:#?}");
    assert!(amb[0].contains("contact `jan.peters` shares its id with another contact apart from case (`jan.peters` at contacts/dc.kdl:1, `Jan.Peters` at contacts/extra.kdl:1)"), "{}", amb[0]);
}

/// Medium 9: what the provider's staff act on is in the context: the fallback named only in the
/// `unreachable` prose (by name or number), the settings that judge the plan, the GitHub logins
/// that `codeowners` makes required reviewers.
#[test]
fn the_context_binds_the_fallback_in_prose_the_settings_and_the_logins() {
    let w = W::new();
    w.append(
        "contacts/bank.kdl",
        "contact bank-desk {\n    party bank\n    name \"Bank IT Emergency Desk\"\n    phone \"+49 40 555 0100\" available=\"24x7\"\n    deputy anna.schmidt\n    verified \"2026-09-01\"\n}\n",
    );
    w.edit(P, "unreachable \"Call the deputy of the contact\"", "unreachable \"Call the deputy of the contact; if nobody answers, call the bank's emergency desk (040 555 0100)\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    let (code, f) = w.findings(&[]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    let changed = |w: &W| -> String {
        let (code, f) = w.findings(&[]);
        assert_eq!(code, 1, "{f:#?}");
        let c: Vec<&str> = f.iter().filter(|x| x.0 == "SIG019").map(|x| x.3.as_str()).collect();
        assert_eq!(c.len(), 2, "{f:#?}");
        c[0].to_string()
    };
    for (file, from, to, expected) in [
        // the number in the prose is no longer the desk's: the prose is stale, and says so
        ("contacts/bank.kdl", "+49 40 555 0100", "+49 40 555 0199", "the plan no longer relies on contact `bank-desk`"),
        ("contacts/bank.kdl", "available=\"24x7\"\n    deputy anna.schmidt", "available=business-hours\n    deputy anna.schmidt", "contact `bank-desk`: `phone`"),
        ("contacts/dc.kdl", "    may-approve #true\n", "    may-approve #true\n    github \"mallory\"\n", "contact `jan.peters`: `github` \"mallory\" was added"),
        (
            "contingent.kdl",
            "party tel role=carrier name=\"Example Telecom GmbH\"\n",
            "party tel role=carrier name=\"Example Telecom GmbH\"\nrule ESC005 severity=off\n",
            "the settings of contingent.kdl that judge the plan: `rule`",
        ),
        (
            "contingent.kdl",
            "party tel role=carrier name=\"Example Telecom GmbH\"\n",
            "party tel role=carrier name=\"Example Telecom GmbH\"\nwaiver BAK004 plan=payroll reason=\"later\" approved-by=anna.schmidt expires=\"2027-01-01\"\n",
            "the settings of contingent.kdl that judge the plan: `waiver`",
        ),
    ] {
        let before = w.read(file);
        w.edit(file, from, to);
        let m = changed(&w);
        assert!(m.contains(expected), "{to}: {m}");
        w.write(file, &before);
    }
    // a waiver of another plan's object is not this plan's context
    w.edit(
        "contingent.kdl",
        "party tel role=carrier name=\"Example Telecom GmbH\"\n",
        "party tel role=carrier name=\"Example Telecom GmbH\"\nwaiver CON003 contact=nobody.else reason=\"later\" approved-by=anna.schmidt expires=\"2027-01-01\"\n",
    );
    let (_, f) = w.findings(&[]);
    assert!(!f.iter().any(|x| x.0 == "SIG019"), "{f:#?}");
}

impl W {
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
        isolate(&mut cmd, self.home.path()).args(args).envs(env.iter().copied()).current_dir(self.path());
        output(cmd.output().expect("the binary runs"))
    }
}

/// High 6: on a pull request the review trusts the base branch's current tip (not the base
/// commit the event recorded when the pull request was opened), judges GitHub's test merge when
/// it was fetched, and sets the status on the head.
#[test]
fn the_review_trusts_the_base_branchs_tip_and_judges_the_test_merge() {
    let w = W::new();
    let spare = w.keygen("spare", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &spare);
    let opened = w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-03");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "spare", "2026-10-03");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-03");
    let head = w.commit("payroll: level 2 in 45m", "2026-10-03");
    // after the pull request was opened, main removes the spare key
    w.git(&["checkout", "-q", "main"], "2026-10-04");
    w.edit("contacts/bank.kdl", &format!("    key \"{spare}\"\n"), "");
    let out = w.sign_roster_against("client", "anna.schmidt", "anna.schmidt", "2026-10-04", "main");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    w.commit("the spare key is gone", "2026-10-04");
    // GitHub's test merge of the head into main
    w.git(&["checkout", "-q", "--detach", "main"], "2026-10-05");
    w.git(&["merge", "-q", "--no-ff", "-m", "test merge", "change"], "2026-10-05");
    let merge = w.git(&["rev-parse", "HEAD"], "2026-10-05");
    w.git(&["checkout", "-q", "main"], "2026-10-05");
    let event = w.path().join("event.json");
    let review = |with_ref: bool| -> String {
        let base = if with_ref { r#","ref":"main""# } else { "" };
        std::fs::write(
            &event,
            format!(r#"{{"pull_request":{{"number":5,"head":{{"sha":"{head}"}},"base":{{"sha":"{opened}"{base}}},"merge_commit_sha":"{merge}"}}}}"#),
        )
        .unwrap();
        let out = w.run_env(
            &["review", ".", "--dry-run", "--as-of", AS_OF],
            &[("GITHUB_EVENT_NAME", "pull_request_target"), ("GITHUB_EVENT_PATH", event.to_str().unwrap())],
        );
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        out.stdout
    };
    // the base branch's tip no longer trusts the spare key
    let now = review(true);
    let status = now.lines().find(|l| l.starts_with("status ")).unwrap();
    assert!(status.starts_with("status failure"), "{now}");
    assert!(status.contains(&format!("on {head}")), "{status}");
    // the merge is what was judged
    assert!(now.contains(&format!("head `{}`", &merge[..7])), "{now}");
}

/// Low 11: `signoffs` and `handbook` judge against a trusted base when asked (`--trust REV`), and
/// say so when they do not: a change that approves itself is not printed as approved.
#[test]
fn signoffs_and_the_handbook_judge_against_a_trusted_base_and_say_when_they_do_not() {
    let w = W::new();
    w.signed_main();
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-05");
    let mallory = w.keygen("mallory", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &mallory);
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "mallory", "2026-10-05");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    w.commit("self-approved", "2026-10-05");

    let out = w.run(&["signoffs", ".", "--as-of", AS_OF]);
    assert!(out.stdout.contains("payroll  yes"), "{}", out.stdout);
    assert!(out.stdout.ends_with("no trusted base: approvals are verified with the approvers and keys of the checked files themselves, so a change could approve itself: give --trust REV (the protected branch) to judge them against it\n"), "{}", out.stdout);
    let out = w.run(&["signoffs", ".", "--as-of", AS_OF, "--trust", "main"]);
    assert!(out.stdout.contains("payroll  no        invalid"), "{}", out.stdout);
    assert!(out.stdout.contains("SIG017: this client sign-off by anna.schmidt"), "{}", out.stdout);
    assert!(out.stdout.contains("judged against commit "), "{}", out.stdout);
    let out = w.run(&["signoffs", ".", "--as-of", AS_OF, "--trust", "main", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["trusted_base"].as_str().unwrap().ends_with("(--trust main)"), "{v:#}");
    assert_eq!(v["plans"][0]["approved"], Value::Bool(false));

    let book = tempfile::tempdir().unwrap();
    let page = |trust: Option<&str>| -> String {
        let out_dir = book.path().to_str().unwrap();
        let mut args = vec!["handbook", ".", "--out", out_dir, "--as-of", AS_OF];
        if let Some(t) = trust {
            args.extend(["--trust", t]);
        }
        let out = w.run(&args);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        let name = std::fs::read_dir(book.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .find(|n| n.contains("payroll") && n.ends_with(".html"))
            .unwrap();
        std::fs::read_to_string(book.path().join(name)).unwrap()
    };
    let own = page(None);
    assert!(own.contains("approved by client and provider"), "not approved without a base");
    assert!(own.contains("no trusted base: the approvers and keys of these files themselves"), "{own}");
    let trusted = page(Some("main"));
    assert!(trusted.contains("NOT APPROVED"), "{trusted}");
    assert!(trusted.contains("(--trust main): its approvers and keys, its records"), "{trusted}");
}

// ---------------------------------------------------------------------------------------------
// Found by an attack round working from the documentation alone.

/// A second pull request with the same head into a branch the author controls does not set the
/// status that protects the default branch.
#[test]
fn a_pull_request_into_an_unprotected_branch_sets_a_status_of_its_own() {
    let w = W::new();
    w.signed_main();
    // the attacker's branch trusts the attacker's provider key
    w.git(&["checkout", "-q", "-b", "evil"], "2026-10-03");
    let evil = w.keygen("evil", "ed25519");
    w.add_key("contacts/dc.kdl", "jan.peters", &evil);
    w.commit("an extra provider key", "2026-10-03");
    w.git(&["checkout", "-q", "-b", "pr"], "2026-10-04");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-04");
    w.sign_ok("payroll", "provider", "jan.peters", "evil", "2026-10-04");
    let head = w.commit("payroll: level 2 in 45m", "2026-10-04");
    let event = w.path().join("event.json");
    let status = |base: &str| -> String {
        let sha = w.git(&["rev-parse", base], "2026-10-05");
        std::fs::write(
            &event,
            format!(r#"{{"pull_request":{{"number":8,"head":{{"sha":"{head}"}},"base":{{"sha":"{sha}","ref":"{base}"}}}},"repository":{{"default_branch":"main"}}}}"#),
        )
        .unwrap();
        w.git(&["checkout", "-q", base], "2026-10-05");
        let out = w.run_env(
            &["review", ".", "--dry-run", "--as-of", AS_OF],
            &[("GITHUB_EVENT_NAME", "pull_request_target"), ("GITHUB_EVENT_PATH", event.to_str().unwrap())],
        );
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        out.stdout.lines().find(|l| l.starts_with("status ")).unwrap().to_string()
    };
    assert!(status("main").starts_with("status failure `contingent/sign-off` on "), "{}", status("main"));
    let into_evil = status("evil");
    assert!(into_evil.starts_with("status success `contingent/sign-off (into evil)` on "), "{into_evil}");
    // --protected names the branches that set the protected context
    w.git(&["checkout", "-q", "evil"], "2026-10-05");
    let out = w.run_env(
        &["review", ".", "--dry-run", "--as-of", AS_OF, "--protected", "main", "--protected", "evil"],
        &[("GITHUB_EVENT_NAME", "pull_request_target"), ("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    assert!(out.stdout.contains("status success `contingent/sign-off` on "), "{}", out.stdout);
}

/// A retirement kept in the sign-offs folder does not retire a plan that was restored and
/// approved again since: a removal needs a retirement the change adds.
#[test]
fn an_old_retirement_does_not_remove_a_plan_approved_again_since() {
    let w = W::new();
    w.signed_main();
    for (party, who) in [("client", "anna.schmidt"), ("provider", "jan.peters")] {
        let key = w.key(who);
        let out = w.run(&[
            "sign",
            "payroll",
            ".",
            "--retire",
            "--party",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            "2026-10-06",
        ]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
    let retired = w.read(SIGNED);
    // approved again by both, the retirements kept beside the new approvals
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-08");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-08");
    assert!(!w.read(SIGNED).contains("retire #true"), "an approval supersedes the party's retirement");
    let approvals = w.read(SIGNED);
    w.write(SIGNED, &format!("{approvals}\n{}", &retired[retired.find("signoff payroll").unwrap()..]));
    w.commit("payroll approved again", "2026-10-08");
    let (code, f) = w.findings(&["--rev", "HEAD"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
    // the attack: the plan removed, only the old retirements kept, no key needed
    w.git(&["checkout", "-q", "-b", "drop"], "2026-10-09");
    w.git(&["rm", "-q", "-r", P, "exercises", "inventory", "contracts"], "2026-10-09");
    w.write(SIGNED, &retired);
    w.commit("payroll is gone again", "2026-10-09");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    assert!(f.iter().any(|x| x.0 == "SIG021"), "{f:#?}");
    let (state, line) = w.review_status("main", "drop");
    assert_eq!(state, "failure", "{line}");
}

/// `sign --roster` refuses a signer who is not an approver of that party in the base.
#[test]
fn a_roster_is_signed_only_by_an_approver_of_the_party_it_belongs_to() {
    let w = W::new();
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    w.commit("the approvers", "2026-10-01");
    let spare = w.keygen("spare", "ed25519");
    w.add_key("contacts/dc.kdl", "jan.peters", &spare);
    let out = w.sign_roster_against("provider", "anna.schmidt", "anna.schmidt", "2026-10-02", "main");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("anna.schmidt is not an approver of the provider in main (its approvers: jan.peters)"),
        "{}",
        out.stderr
    );
}

/// History: a branch merged in through a second parent cannot bootstrap a roster the first-parent
/// history has not (a repository started before its approvers listed keys).
#[test]
fn history_does_not_let_a_merged_branch_bootstrap_a_roster() {
    let w = W::new();
    let bank = w.read("contacts/bank.kdl");
    let dc = w.read("contacts/dc.kdl");
    w.edit("contacts/bank.kdl", "    may-approve #true\n", "");
    w.edit("contacts/dc.kdl", "    may-approve #true\n", "");
    w.git(&["init", "-q", "-b", "main"], "2026-10-01");
    let root = w.commit("set up, no approvers yet", "2026-10-01");
    // main: the approvers listed and the plan signed (a reviewed bootstrap)
    w.write("contacts/bank.kdl", &bank);
    w.write("contacts/dc.kdl", &dc);
    w.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-02");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-02");
    w.commit("approvers listed, payroll signed", "2026-10-02");
    // the attacker's branch from the root: their own keys, version X signed with them
    w.git(&["checkout", "-q", "-b", "side", &root], "2026-10-03");
    let (mc, mp) = (w.keygen("mc", "ed25519"), w.keygen("mp", "ed25519"));
    let key_line = |text: &str| text.lines().find(|l| l.contains("key \"ssh-ed25519")).unwrap().to_string();
    w.write("contacts/bank.kdl", &bank.replace(&key_line(&bank), &format!("    key \"{mc}\"")));
    w.write("contacts/dc.kdl", &dc.replace(&key_line(&dc), &format!("    key \"{mp}\"")));
    w.edit(P, "within=\"15m\"", "within=\"25m\"");
    w.sign_ok("payroll", "client", "anna.schmidt", "mc", "2026-10-03");
    w.sign_ok("payroll", "provider", "jan.peters", "mp", "2026-10-03");
    let x_commit = w.commit("version X", "2026-10-03");
    // back to main's tree, then merged into main
    w.git(&["read-tree", "-u", "--reset", "main"], "2026-10-04");
    w.commit("as main", "2026-10-04");
    w.git(&["checkout", "-q", "main"], "2026-10-05");
    w.git(&["merge", "-q", "--no-ff", "-m", "merge side", "side"], "2026-10-05");
    let h = w.history();
    let versions = h["plans"][0]["versions"].as_array().unwrap();
    // version X is in the history, and it is not approved: the branch could not bootstrap
    let x = versions.iter().find(|v| v["commit"]["id"] == x_commit.as_str()).unwrap_or_else(|| panic!("{h:#}"));
    assert_eq!((x["signed"]["client"].clone(), x["signed"]["provider"].clone()), (false.into(), false.into()), "{h:#}");
    let problems: Vec<&str> = h["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "SIG018")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(!problems.is_empty(), "{h:#}");
}

// ---------------------------------------------------------------------------------------------
// Found by a second attack round working from the documentation alone.

/// A record for content to come, signed with a key the base retired and dated before, smuggled
/// in by a pull request that changes no plan, neither passes the review nor approves that content
/// later: a record the base holds counts as the base judged it only for the base's own content.
#[test]
fn a_record_for_content_to_come_neither_passes_the_review_nor_approves_it_later() {
    let w = W::new();
    let line = w.read("contacts/bank.kdl").lines().find(|l| l.contains("key \"ssh-ed25519")).unwrap().to_string();
    w.edit("contacts/bank.kdl", &line, &format!("{line} valid-before=\"2026-10-20\""));
    let next = w.keygen("anna-next", "ed25519");
    w.add_key("contacts/bank.kdl", "anna.schmidt", &next);
    w.signed_main();
    // the content to come, and a client record of it with the retired key, dated before
    let base_plan = w.read(P);
    w.edit(P, "within=\"1h\"", "within=\"4h\"");
    let digest = w.digest("payroll");
    w.write(P, &base_plan);
    let record = w.forge(&statement("payroll", Side::Client, "anna.schmidt", "2026-10-19", &digest), "anna.schmidt");
    w.git(&["checkout", "-q", "-b", "smuggle"], "2026-10-25");
    w.write("signoffs/notes.kdl", &record);
    w.commit("notes", "2026-10-25");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    assert!(f.iter().any(|x| x.0 == "SIG020" || x.0 == "SIG017"), "{f:#?}");
    let (state, line) = w.review_status("main", "smuggle");
    assert_eq!(state, "failure", "{line}");
    assert!(line.contains("sign-off error the change adds"), "{line}");
    // merged all the same (say, by an administrator): the content it names is still not approved
    w.git(&["checkout", "-q", "main"], "2026-10-26");
    w.git(&["merge", "-q", "--ff-only", "smuggle"], "2026-10-26");
    w.git(&["checkout", "-q", "-b", "change"], "2026-10-27");
    w.edit(P, "within=\"1h\"", "within=\"4h\"");
    w.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-27");
    w.commit("payroll: level 2 in 4h", "2026-10-27");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    // the smuggled record is judged as one the change adds (the base's plan never had that
    // content), so the client has not signed it
    assert!(f.iter().any(|x| x.0 == "SIG020" && x.2 == "signoffs/notes.kdl:6"), "{f:#?}");
    assert!(f.iter().any(|x| x.0 == "SIG002" && x.3.ends_with("needs re-approval by the client")), "{f:#?}");
    let (state, line) = w.review_status("main", "change");
    assert_eq!(state, "failure", "{line}");
}

/// A pull request whose head has an orphan history as its first parent (the base merged in as
/// the second) would replace the root `history` trusts if the base were fast-forwarded to it.
#[test]
fn a_commit_whose_first_parents_lead_to_another_root_is_refused() {
    let w = W::new();
    let main = w.signed_main();
    w.git(&["checkout", "-q", "--orphan", "orphan"], "2026-06-01");
    w.commit("a history of its own", "2026-06-01");
    w.git(&["merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "main merged in", "main"], "2026-10-05");
    w.git(&["read-tree", "-u", "--reset", "main"], "2026-10-05");
    w.git(&["commit", "-q", "--amend", "--no-edit"], "2026-10-05");
    assert_eq!(w.git(&["diff", "main", "HEAD", "--stat"], "2026-10-05"), "");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{f:#?}");
    let root = one(&f, "GIT004");
    assert!(
        root.3.contains("(--changed-since main) along first parents: its first parents end at root commit "),
        "{}",
        root.3
    );
    assert!(root.3.ends_with(&format!("not at {}, the base's root", &main[..7])), "{}", root.3);
    // the ordinary merge of main into a branch is fine
    w.git(&["checkout", "-q", "-b", "ordinary", &main], "2026-10-06");
    w.write("NOTES.txt", "not a plan file\n");
    w.commit("notes", "2026-10-06");
    let (code, f) = w.findings(&["--changed-since", "main"]);
    assert_eq!((code, f.len()), (0, 0), "{f:#?}");
}

/// A merge queue's entry (`merge_group`) is judged against the base like a pull request: the
/// status on its head, no comment.
#[test]
fn a_merge_queue_entry_gets_the_status_on_its_head() {
    let w = W::new();
    let main = w.signed_main();
    w.git(&["checkout", "-q", "-b", "gh-readonly-queue/main/pr-8"], "2026-10-05");
    w.edit(P, "within=\"1h\"", "within=\"45m\"");
    let head = w.commit("payroll: level 2 in 45m (unsigned)", "2026-10-05");
    let event = w.path().join("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"merge_group":{{"head_sha":"{head}","base_sha":"{main}","base_ref":"refs/heads/main","head_ref":"refs/heads/gh-readonly-queue/main/pr-8"}},"repository":{{"default_branch":"main"}}}}"#),
    )
    .unwrap();
    let out = w.run_env(
        &["review", ".", "--dry-run", "--as-of", AS_OF],
        &[("GITHUB_EVENT_NAME", "merge_group"), ("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("contingent:review"), "no comment for a queue entry: {}", out.stdout);
    let status = out.stdout.lines().find(|l| l.starts_with("status ")).unwrap();
    assert!(status.starts_with(&format!("status failure `contingent/sign-off` on {head}: ")), "{status}");
}

/// `--trust` with a revision that does not exist stops with the revision named, before anything is
/// written.
#[test]
fn a_trust_revision_that_does_not_exist_is_refused() {
    let w = W::new();
    w.signed_main();
    let book = tempfile::tempdir().unwrap();
    for args in [
        vec!["signoffs", ".", "--trust", "no-such-branch"],
        vec!["handbook", ".", "--out", book.path().to_str().unwrap(), "--trust", "no-such-branch"],
    ] {
        let out = w.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains("no-such-branch"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(std::fs::read_dir(book.path()).unwrap().count(), 0, "nothing written");
}
