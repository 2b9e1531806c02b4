//! Dual sign-off: signing with the real `ssh-keygen`, native verification, each attack with its
//! own diagnostic at its place, interop with `ssh-keygen -Y verify`, and the commands.
//!
//! Needs `ssh-keygen` (Debian package openssh-client) and `git` on the PATH.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use contingent::model::Side;
use contingent::signoff::record;
use contingent::signoff::statement::{Statement, NAMESPACE};
use contingent::units::Date;
use serde_json::Value;
use ssh_key::{HashAlg, LineEnding, PrivateKey, SshSig};

const AS_OF: &str = "2026-11-01";
const P: &str = "plans/payroll.kdl";
const SIGNED: &str = "signoffs/payroll.kdl";

/// The common isolation (`common::isolate`: no personal Git or SSH configuration, a home of the
/// tests' own), with sign-off rules as on a normal check (nothing tolerated).
fn isolate(cmd: &mut Command) -> &mut Command {
    common::isolate(cmd).env("CONTINGENT_ALLOW_UNSIGNED", "0")
}

/// The binary in the isolated environment, from the crate root.
fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

/// The binary in the isolated environment, from `dir`, with `env` on top.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut strict = vec![("CONTINGENT_ALLOW_UNSIGNED", "0")];
    strict.extend_from_slice(env);
    common::run_in(dir, args, &strict)
}

fn keys() -> PathBuf {
    fixture("signoff/keys")
}

fn public(name: &str) -> String {
    std::fs::read_to_string(keys().join(format!("{name}.pub"))).unwrap().trim().to_string()
}

/// A copy of the minimal fixture with sign-off checks on, signing keys for anna.schmidt
/// (client) and jan.peters (provider), and private key copies readable only by the owner.
struct T {
    repo: Repo,
    keys: tempfile::TempDir,
}

impl T {
    fn new() -> T {
        let repo = Repo::minimal();
        let config = repo.read("contingent.kdl");
        let kept: Vec<&str> =
            config.lines().filter(|l| !l.contains("SIG0") && !l.contains("Sign-off is tested")).collect();
        repo.write("contingent.kdl", kept.join("\n") + "\n");
        let t = T { repo, keys: tempfile::tempdir().unwrap() };
        t.add_key("contacts/bank.kdl", "anna.schmidt", &public("anna.schmidt"), "");
        t.add_key("contacts/dc.kdl", "jan.peters", &public("jan.peters"), "");
        for e in std::fs::read_dir(keys()).unwrap() {
            let e = e.unwrap();
            let to = t.keys.path().join(e.file_name());
            std::fs::copy(e.path(), &to).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        }
        t
    }

    fn path(&self) -> &Path {
        self.repo.path()
    }

    fn key(&self, name: &str) -> String {
        self.keys.path().join(name).to_str().unwrap().to_string()
    }

    /// Adds `key "LINE" EXTRA` as the first child of a contact.
    fn add_key(&self, file: &str, contact: &str, line: &str, extra: &str) {
        let head = format!("contact {contact} {{\n");
        self.repo.edit(file, &head, &format!("{head}    key \"{line}\"{extra}\n"));
    }

    fn sign(&self, plan: &str, party: &str, who: &str, key: &str, date: &str) -> Output {
        let key = self.key(key);
        let repo = self.path().to_str().unwrap();
        run(&["sign", plan, "--party", party, "--as", who, "--key", &key, "--as-of", date, "--repo", repo])
    }

    fn sign_ok(&self, plan: &str, party: &str, who: &str, key: &str, date: &str) {
        let out = self.sign(plan, party, who, key, date);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }

    /// Both parties sign payroll: anna.schmidt on 2026-10-20, jan.peters on 2026-10-21.
    fn sign_both(&self) {
        self.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
        self.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-21");
    }

    fn digest(&self, plan: &str) -> String {
        let out = run(&["digest", plan, "--repo", self.path().to_str().unwrap()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_string()
    }

    fn check(&self) -> (i32, Value) {
        let repo = self.path().to_str().unwrap();
        let out = run(&["check", repo, "--format", "json", "--as-of", AS_OF]);
        let v: Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
        (out.code, v)
    }

    /// The sign-off findings as (code, file, line).
    fn sig(&self) -> Vec<(String, String, usize)> {
        let (_, v) = self.check();
        findings(&v, &self.repo).into_iter().filter(|(c, _, _)| c.starts_with("SIG")).collect()
    }

    /// Asserts exactly one sign-off finding, with this code, at this file and the line holding
    /// `needle`; returns its message.
    fn only(&self, code: &str, file: &str, needle: &str) -> String {
        let (_, v) = self.check();
        let sig: Vec<&Value> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"].as_str().unwrap().starts_with("SIG"))
            .collect();
        let brief: Vec<(String, String, usize)> =
            findings(&v, &self.repo).into_iter().filter(|(c, _, _)| c.starts_with("SIG")).collect();
        assert_eq!(sig.len(), 1, "expected only {code}: {brief:?}\n{v:#}");
        assert_eq!(brief[0], (code.to_string(), file.to_string(), self.line_of(file, needle)), "{:#}", sig[0]);
        sig[0]["message"].as_str().unwrap().to_string()
    }

    fn line_of(&self, file: &str, needle: &str) -> usize {
        let text = self.repo.read(file);
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {file}:\n{text}"));
        text[..at].matches('\n').count() + 1
    }

    /// A record signed natively with a test key under `namespace`.
    fn native(&self, st: &Statement, key: &str, namespace: &str) -> String {
        record::render(st, None, &sign_natively(st, key, namespace))
    }

    fn signoffs_json(&self) -> Value {
        let out = run(&["signoffs", self.path().to_str().unwrap(), "--format", "json", "--as-of", AS_OF]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }
}

/// The algorithm and base64 of a test key, without its comment.
fn key_only(name: &str) -> String {
    public(name).split(' ').take(2).collect::<Vec<_>>().join(" ")
}

fn sign_natively(st: &Statement, key: &str, namespace: &str) -> String {
    let k = PrivateKey::read_openssh_file(&keys().join(key)).unwrap();
    k.sign(namespace, HashAlg::Sha512, &st.message()).unwrap().to_pem(LineEnding::LF).unwrap()
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

/// The records of a sign-off file, each from `signoff` to the line before the next one.
fn records(text: &str) -> Vec<String> {
    let starts: Vec<usize> =
        text.match_indices("signoff ").map(|(i, _)| i).filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n').collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &s)| text[s..starts.get(n + 1).copied().unwrap_or(text.len())].to_string())
        .collect()
}

/// The armoured signature inside a record's text.
fn armour_of(text: &str) -> String {
    let start = text.find("-----BEGIN SSH SIGNATURE-----").unwrap();
    let end = text.find("-----END SSH SIGNATURE-----").unwrap() + "-----END SSH SIGNATURE-----".len();
    text[start..end].lines().map(str::trim).collect::<Vec<_>>().join("\n") + "\n"
}

fn ssh_keygen(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = isolate(&mut Command::new("ssh-keygen"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen is installed (Debian: openssh-client)");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Approval, the digest, and what changes it

#[test]
fn a_plan_signed_by_both_parties_is_approved() {
    let t = T::new();
    assert_eq!(
        t.only("SIG001", P, "plan payroll"),
        "plan `payroll` is not approved: no valid sign-off by the client (bank) or by the provider (dc)"
    );
    t.sign_both();
    let (code, _) = t.check();
    assert_eq!((code, t.sig()), (0, vec![]));
    let v = t.signoffs_json();
    let p = &v["plans"][0];
    assert_eq!(p["plan"], "payroll");
    assert_eq!(p["approved"], true);
    assert_eq!(p["digest"], t.digest("payroll").as_str());
    assert_eq!(p["client"]["state"], "signed");
    assert_eq!(p["client"]["signoffs"][0]["signer"], "anna.schmidt");
    assert_eq!(p["client"]["signoffs"][0]["date"], "2026-10-20");
    assert_eq!(p["provider"]["signoffs"][0]["signer"], "jan.peters");
    assert_eq!(v["namespace"], NAMESPACE);
}

#[test]
fn one_party_alone_does_not_approve() {
    let t = T::new();
    t.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    let m = t.only("SIG001", P, "plan payroll");
    assert_eq!(m, "plan `payroll` is not approved: no valid sign-off by the provider (dc)");
    let (_, v) = t.check();
    assert_eq!(
        the(&v, "SIG001")["help"],
        "after review, sign it: `contingent sign payroll --party provider --as jan.peters`"
    );
}

#[test]
fn reformatting_a_signed_plan_or_adding_comments_keeps_it_approved() {
    let t = T::new();
    t.sign_both();
    let before = t.digest("payroll");
    // comments, blank lines, properties as child nodes and back, another property order,
    // quoting, a node split in two, and `;` separators
    t.repo.edit(
        P,
        "plan payroll {\n",
        "// Reviewed 2026-10 by both parties.\nplan \"payroll\" {\n    /* the title */\n",
    );
    t.repo.edit(P, "contract msa revision=2", "contract msa {\n        revision 2 // pinned\n    }");
    t.repo.edit(
        P,
        "responsible client=anna.schmidt provider=jan.peters",
        "responsible provider=jan.peters client=anna.schmidt",
    );
    t.repo.edit(P, "covers payroll-app wan-line", "covers payroll-app\n\n    covers \"wan-line\"");
    t.repo.edit(
        P,
        "exercise tabletop every=\"12mo\" joint=#true",
        "exercise tabletop { every \"12mo\"; joint #true; }",
    );
    assert_eq!(t.digest("payroll"), before);
    let (code, _) = t.check();
    assert_eq!((code, t.sig()), (0, vec![]));
}

#[test]
fn changing_a_value_voids_both_signoffs() {
    let t = T::new();
    t.sign_both();
    let before = t.digest("payroll");
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    assert_ne!(t.digest("payroll"), before);
    let m = t.only("SIG002", P, "plan payroll");
    assert_eq!(
        m,
        "plan `payroll` changed since it was signed by anna.schmidt (client) on 2026-10-20 and jan.peters (provider) on 2026-10-21: needs re-approval by the client and the provider"
    );
    let v = t.signoffs_json();
    assert_eq!(
        (v["plans"][0]["approved"].clone(), v["plans"][0]["client"]["state"].clone()),
        (Value::Bool(false), Value::from("stale"))
    );
    assert_eq!(v["plans"][0]["provider"]["state"], "stale");
    // the client re-approves: only the provider is still needed
    t.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-25");
    let m = t.only("SIG002", P, "plan payroll");
    assert!(m.ends_with("signed by jan.peters (provider) on 2026-10-21: needs re-approval by the provider"), "{m}");
    t.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-26");
    assert_eq!(t.sig(), vec![]);
}

#[test]
fn the_digest_is_sha256_over_the_canonical_json() {
    let t = T::new();
    let d = t.digest("payroll");
    assert!(d.starts_with("sha256:") && d.len() == 71, "{d}");
    // the same as computed by the library from the plan's JSON mapping
    let source = contingent::source::worktree::WorkTree::new(t.path()).unwrap();
    let checked = contingent::check::check(&source, &contingent::check::Context::new(date(AS_OF)));
    assert_eq!(checked.loaded.model.plans[0].digest, d);
    let out = run(&["digest", "nope", "--repo", t.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no plan is named `nope`"), "{}", out.stderr);
}

/// The code block after `<!-- tag -->` in docs/signoff.md.
fn doc_block(tag: &str) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/signoff.md")).unwrap();
    let start = doc.find(&format!("<!-- {tag} -->")).unwrap_or_else(|| panic!("no {tag} block"));
    let rest = &doc[start..];
    let body = &rest[rest.find("```").unwrap()..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

/// docs/signoff.md works an example through by hand; its numbers must be right.
#[test]
fn the_worked_example_in_the_specification_is_right() {
    let block = doc_block;
    let kdl = block("example-plan");
    let json = block("example-json");
    let canonical = block("example-canonical");
    let digest = block("example-digest");
    // the KDL maps to the JSON shown
    let repo = Repo::minimal();
    repo.write(P, &kdl);
    let source = contingent::source::worktree::WorkTree::new(repo.path()).unwrap();
    let checked = contingent::check::check(&source, &contingent::check::Context::new(date(AS_OF)));
    let plan = checked.loaded.model.plans.iter().find(|p| p.id.value == "payroll").expect("the example plan loads");
    let shown: Value = serde_json::from_str(&json).unwrap();
    let mut c = String::new();
    contingent::signoff::digest::canonical(&shown, &mut c);
    assert_eq!(c, canonical.trim_end_matches('\n'));
    assert_eq!(contingent::signoff::digest::plan_digest(&shown), plan.digest, "the JSON shown is the plan's mapping");
    assert_eq!(digest.trim(), plan.digest);
    // and `sha256sum` of the canonical text, as the document says: an independent SHA-256
    let out = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(canonical.trim_end_matches('\n').as_bytes())?;
            c.wait_with_output()
        })
        .expect("sha256sum (coreutils) is needed by this test; .ci/run installs it");
    assert!(out.status.success());
    let hex = String::from_utf8(out.stdout).unwrap();
    assert_eq!(format!("sha256:{}", &hex[..64]), plan.digest);
}

#[test]
fn unsigned_and_stale_plans_are_warnings_when_the_index_is_checked() {
    let t = T::new();
    let source = contingent::source::worktree::WorkTree::new(t.path()).unwrap();
    let run_check = |staged| {
        let ctx = contingent::check::Context { as_of: date(AS_OF), staged, allow_unsigned: false };
        let checked = contingent::check::check(&source, &ctx);
        checked
            .diagnostics()
            .iter()
            .filter(|d| d.rule.code.starts_with("SIG"))
            .map(|d| (d.rule.code, d.severity))
            .collect::<Vec<_>>()
    };
    use contingent::diagnostic::Severity::{Error, Warning};
    assert_eq!(run_check(false), vec![("SIG001", Error)]);
    assert_eq!(run_check(true), vec![("SIG001", Warning)]);
    t.sign_both();
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    assert_eq!(run_check(false), vec![("SIG002", Error)]);
    assert_eq!(run_check(true), vec![("SIG002", Warning)]);
}

// ---------------------------------------------------------------------------------------------
// Security: each attack fails verification with its own diagnostic

/// A second plan, so that sign-offs can be copied between plans.
fn with_second_plan(t: &T) {
    let text = t
        .repo
        .read(P)
        .replace("plan payroll {", "plan payroll-copy {")
        .replace("title \"Payroll\"", "title \"Payroll (second plan)\"");
    t.repo.write("plans/payroll-copy.kdl", text);
}

#[test]
fn a_signoff_copied_from_another_plan_is_rejected() {
    let t = T::new();
    with_second_plan(&t);
    t.sign_both();
    // the whole client record, relabelled for the other plan
    let client = records(&t.repo.read(SIGNED))[0].clone();
    t.repo.write("signoffs/payroll-copy.kdl", client.replacen("signoff payroll {", "signoff payroll-copy {", 1));
    let (_, v) = t.check();
    let d = the(&v, "SIG012");
    assert_eq!(
        d["message"],
        "this signature approves plan `payroll`, not `payroll-copy`: it was copied from another plan's sign-off"
    );
    assert_eq!(d["location"]["start"]["line"], 1);
    assert!(d["location"]["file"].as_str().unwrap().ends_with("signoffs/payroll-copy.kdl"));
}

#[test]
fn the_same_record_twice_is_not_a_copied_signature() {
    let t = T::new();
    t.sign_both();
    // the whole file again under another name: the same statement, the same signature
    t.repo.write("signoffs/payroll-again.kdl", t.repo.read(SIGNED));
    let codes: Vec<String> = t.sig().into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, Vec::<String>::new(), "{:?}", t.sig());
    assert_eq!(t.signoffs_json()["plans"][0]["approved"], true);
}

#[test]
fn a_signature_copied_onto_another_plans_statement_is_rejected() {
    let t = T::new();
    with_second_plan(&t);
    t.sign_both();
    // a correct statement for the second plan, with the first plan's signature
    let st = statement("payroll-copy", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll-copy"));
    t.repo.write("signoffs/payroll-copy.kdl", record::render(&st, None, &armour_of(&t.repo.read(SIGNED))));
    let (_, v) = t.check();
    let d = the(&v, "SIG012");
    assert_eq!(
        d["message"],
        "this signature was made for another sign-off's statement (plan `payroll`, client anna.schmidt on 2026-10-20), not for this one: it was copied"
    );
    assert_eq!(d["location"]["start"]["line"], t.line_of("signoffs/payroll-copy.kdl", "signature \"\"\"") as u64);
    assert!(d["related"][0]["file"].as_str().unwrap().ends_with(SIGNED));
}

#[test]
fn a_signoff_of_an_older_version_is_stale() {
    let t = T::new();
    // signed while the plan said 1h, then changed to 45m
    let old = t.digest("payroll");
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &old);
    let pr = statement("payroll", Side::Provider, "jan.peters", "2026-10-21", &old);
    t.repo.write(SIGNED, t.native(&st, "anna.schmidt", NAMESPACE) + &t.native(&pr, "jan.peters", NAMESPACE));
    let m = t.only("SIG002", P, "plan payroll");
    assert!(m.starts_with("plan `payroll` changed since it was signed by anna.schmidt (client) on 2026-10-20"), "{m}");
}

fn flipped(armour: &str) -> String {
    let sig = SshSig::from_pem(armour).unwrap();
    let mut bytes = sig.signature_bytes().to_vec();
    bytes[10] ^= 0x01;
    SshSig::new(
        sig.public_key().clone(),
        sig.namespace(),
        sig.hash_alg(),
        ssh_key::Signature::new(sig.algorithm(), bytes).unwrap(),
    )
    .unwrap()
    .to_pem(LineEnding::LF)
    .unwrap()
}

#[test]
fn a_flipped_byte_in_the_signature_is_a_bad_signature() {
    let t = T::new();
    t.sign_both();
    let text = t.repo.read(SIGNED);
    let old_armour = armour_of(&text);
    let first_body_line = old_armour.lines().nth(1).unwrap();
    assert!(text.contains(first_body_line));
    // replace the client record's signature, keep its layout
    let new_text = replace_armour(&text, &old_armour, &flipped(&old_armour));
    t.repo.write(SIGNED, new_text);
    let m = t.only_many("SIG003", SIGNED, "signature \"\"\"");
    assert!(m.starts_with("the signature does not verify over the statement with the key it names (SHA256:"), "{m}");
    assert!(m.ends_with("the signature or the statement was changed after signing"), "{m}");
}

#[test]
fn a_flipped_byte_in_the_second_records_signature_is_a_bad_signature_not_a_copy() {
    let t = T::new();
    t.sign_both();
    let text = t.repo.read(SIGNED);
    // the provider's record, after the client's valid one: its signature is its own, not a copy
    let old_armour = armour_of(&records(&text)[1]);
    t.repo.write(SIGNED, replace_armour(&text, &old_armour, &flipped(&old_armour)));
    let sig: Vec<(String, usize)> = t.sig().into_iter().filter(|f| f.0 != "SIG001").map(|f| (f.0, f.2)).collect();
    let line = text[..text.rfind("signature \"\"\"").unwrap()].matches('\n').count() + 1;
    assert_eq!(sig, [("SIG003".to_string(), line)]);
}

/// Replaces the armour lines of the first record (indented by 8) with `new`.
fn replace_armour(text: &str, old: &str, new: &str) -> String {
    let indent = |a: &str| a.lines().map(|l| format!("        {l}")).collect::<Vec<_>>().join("\n");
    let (o, n) = (indent(old), indent(new));
    assert!(text.contains(&o));
    text.replacen(&o, &n, 1)
}

impl T {
    /// Like `only`, but the plan's SIG001 (a consequence of the invalid record) may also be
    /// there.
    fn only_many(&self, code: &str, file: &str, needle: &str) -> String {
        let (_, v) = self.check();
        let all: Vec<(String, String, usize)> =
            findings(&v, &self.repo).into_iter().filter(|(c, _, _)| c.starts_with("SIG") && c != "SIG001").collect();
        assert_eq!(all, vec![(code.to_string(), file.to_string(), self.line_of(file, needle))]);
        the(&v, code)["message"].as_str().unwrap().to_string()
    }
}

#[test]
fn a_valid_signature_by_a_key_of_the_other_party_is_rejected() {
    let t = T::new();
    // jan.peters (provider) signs the client's statement in anna.schmidt's name, with his key
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "jan.peters", NAMESPACE));
    let m = t.only_many("SIG006", SIGNED, "signature \"\"\"");
    assert_eq!(m, "signed with a key of jan.peters (dc), not with a key listed for anna.schmidt");
}

#[test]
fn a_key_not_listed_for_anyone_is_rejected() {
    let t = T::new();
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "mallory", NAMESPACE));
    let m = t.only_many("SIG006", SIGNED, "signature \"\"\"");
    assert!(m.starts_with("signed with key SHA256:") && m.ends_with(", which is not listed for anna.schmidt"), "{m}");
    let (_, v) = t.check();
    let help = the(&v, "SIG006")["help"].as_str().unwrap().to_string();
    assert_eq!(help, format!("if this is anna.schmidt's key, add it to the contact: key \"{}\"", key_only("mallory")));
}

#[test]
fn the_same_person_signing_for_both_parties_is_one_approval() {
    let t = T::new();
    // anna.schmidt is also listed as a contact of the provider, with the same key
    t.repo.write(
        "contacts/dc-anna.kdl",
        format!(
            "contact anna.schmidt-dc {{\n    party dc\n    name \"Anna Schmidt\"\n    mobile \"+49 171 555 0299\" available=\"24x7\"\n    deputy jan.peters\n    verified \"2026-09-03\"\n    may-approve #true\n    key \"{}\"\n}}\n",
            public("anna.schmidt")
        ),
    );
    t.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    // `sign` refuses to make such a sign-off ...
    let out = t.sign("payroll", "provider", "anna.schmidt-dc", "anna.schmidt", "2026-10-21");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the new sign-off does not verify, so it was not written: SIG011: "), "{}", out.stderr);
    // ... so it is made by hand
    let st = statement("payroll", Side::Provider, "anna.schmidt-dc", "2026-10-21", &t.digest("payroll"));
    let text = t.repo.read(SIGNED) + "\n" + &t.native(&st, "anna.schmidt", NAMESPACE);
    t.repo.write(SIGNED, text);
    let m = t.only("SIG011", SIGNED, "signer anna.schmidt-dc");
    assert!(m.starts_with("plan `payroll`: the client's sign-off (anna.schmidt) and the provider's sign-off (anna.schmidt-dc) were made with the same key SHA256:"), "{m}");
    assert!(m.ends_with("one person cannot approve for both parties"), "{m}");
    assert_eq!(t.signoffs_json()["plans"][0]["approved"], false);
    // a second, different provider signer approves it
    t.sign_ok("payroll", "provider", "jan.peters", "jan.peters", "2026-10-22");
    assert_eq!(t.sig(), vec![]);
}

#[test]
fn a_signature_under_another_namespace_is_rejected() {
    let t = T::new();
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    // made with ssh-keygen for Git (`-n git`), over the right statement
    let out = ssh_keygen(&["-Y", "sign", "-n", "git", "-f", &t.key("anna.schmidt")], &st.message());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    t.repo.write(SIGNED, record::render(&st, None, &String::from_utf8(out.stdout).unwrap()));
    let m = t.only_many("SIG005", SIGNED, "signature \"\"\"");
    assert_eq!(
        m,
        "the signature was made in the SSH signature namespace `git`, not `signoff@contingent.dev`: it was not made as a sign-off"
    );
}

#[test]
fn a_statement_edited_after_signing_is_rejected() {
    let t = T::new();
    t.sign_both();
    // the stored statement's date moved, the record's field left alone
    t.repo.edit(SIGNED, "        date 2026-10-20\n", "        date 2026-10-25\n");
    let m = t.only_many("SIG010", SIGNED, "statement \"\"\"");
    assert_eq!(
        m,
        "the statement was edited after signing: the signature verifies over the statement the record's fields give, not over the stored one (it says `date 2026-10-25` where the signed statement says `date 2026-10-20`)"
    );
}

#[test]
fn a_record_edited_after_signing_is_rejected() {
    let t = T::new();
    t.sign_both();
    // the field, not the statement: the record claims another date than was signed
    t.repo.edit(SIGNED, "date \"2026-10-20\"", "date \"2026-10-25\"");
    let m = t.only_many("SIG009", SIGNED, "date \"2026-10-25\"");
    assert_eq!(
        m,
        "this sign-off was edited after signing: date is 2026-10-25 in the record but 2026-10-20 in the statement"
    );
}

#[test]
fn a_statement_and_its_record_edited_differently_is_a_bad_signature_not_an_edited_statement() {
    let t = T::new();
    t.sign_both();
    // the statement says 2026-10-25, the field 2026-10-24: neither is what was signed, so the
    // signature verifies over neither, and "edited after signing" (SIG010) would claim too much
    t.repo.edit(SIGNED, "        date 2026-10-20\n", "        date 2026-10-25\n");
    t.repo.edit(SIGNED, "date \"2026-10-20\"", "date \"2026-10-24\"");
    let codes: Vec<String> = t.sig().into_iter().map(|(c, _, _)| c).filter(|c| c != "SIG001").collect();
    assert_eq!(codes, ["SIG003"], "{:?}", t.sig());
}

#[test]
fn relabelling_an_old_signoff_with_the_new_digest_is_a_bad_signature() {
    let t = T::new();
    t.sign_both();
    let old = t.digest("payroll");
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    let new = t.digest("payroll");
    // both the field and the statement updated by hand, without signing
    let text = t.repo.read(SIGNED);
    let relabelled = text.replacen(&old, &new, 2);
    assert_ne!(relabelled, text);
    t.repo.write(SIGNED, relabelled);
    let (_, v) = t.check();
    let codes: Vec<String> =
        findings(&v, &t.repo).into_iter().map(|(c, _, _)| c).filter(|c| c.starts_with("SIG")).collect();
    assert_eq!(codes, vec!["SIG001", "SIG002", "SIG003"], "{v:#}");
    assert!(the(&v, "SIG002")["message"].as_str().unwrap().contains("signed by jan.peters (provider)"));
}

#[test]
fn a_truncated_armour_block_is_malformed() {
    let t = T::new();
    t.sign_both();
    let text = t.repo.read(SIGNED);
    let armour = armour_of(&text);
    let lines: Vec<&str> = armour.lines().collect();
    let truncated = lines[..lines.len() - 2].join("\n") + "\n";
    t.repo.write(SIGNED, replace_armour(&text, &armour, &truncated));
    let m = t.only_many("SIG004", SIGNED, "signature \"\"\"");
    assert_eq!(
        m,
        "the signature cannot be read: the signature is truncated: it does not end with `-----END SSH SIGNATURE-----`"
    );
}

#[test]
fn a_garbage_armour_block_is_malformed() {
    let t = T::new();
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    for (armour, expected) in [
        ("hello world", "the signature does not start with `-----BEGIN SSH SIGNATURE-----`"),
        (
            "-----BEGIN SSH SIGNATURE-----\nnot base64!\n-----END SSH SIGNATURE-----",
            "the armour holds a line that is not base64: `not base64!`",
        ),
        (
            "-----BEGIN SSH SIGNATURE-----\nAAAAAAAA\n-----END SSH SIGNATURE-----",
            "the armour does not hold an SSHSIG blob (no `SSHSIG` preamble)",
        ),
        (
            "-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----",
            "the armour is `-----BEGIN PGP SIGNATURE-----`, not an SSH signature (`-----BEGIN SSH SIGNATURE-----`)",
        ),
    ] {
        t.repo.write(SIGNED, record::render(&st, None, armour));
        let m = t.only_many("SIG004", SIGNED, "signature ");
        assert_eq!(m, format!("the signature cannot be read: {expected}"));
    }
    // one changed base64 character inside a real signature: still caught, never accepted
    let good = sign_natively(&st, "anna.schmidt", NAMESPACE);
    let mut chars: Vec<char> = good.chars().collect();
    let lines_start = good.find('\n').unwrap() + 1;
    for i in (lines_start..good.len() - 30).step_by(7) {
        let original = chars[i];
        if !original.is_ascii_alphanumeric() {
            continue;
        }
        chars[i] = if original == 'A' { 'B' } else { 'A' };
        t.repo.write(SIGNED, record::render(&st, None, &chars.iter().collect::<String>()));
        let sig = t.sig();
        assert!(
            sig.iter().any(|(c, _, _)| ["SIG003", "SIG004", "SIG005", "SIG006"].contains(&c.as_str())),
            "character {i} changed: {sig:?}"
        );
        chars[i] = original;
        if i > lines_start + 60 {
            break; // a sample is enough for a test run: the unit tests flip every byte
        }
    }
}

#[test]
fn a_key_that_expired_before_the_signing_date_is_rejected() {
    let t = T::new();
    t.repo.edit(
        "contacts/bank.kdl",
        &format!("key \"{}\"", public("anna.schmidt")),
        &format!("key \"{}\" valid-after=\"2025-01-01\" valid-before=\"2026-07-01\"", public("anna.schmidt")),
    );
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "anna.schmidt", NAMESPACE));
    let m = t.only_many("SIG007", SIGNED, "date \"2026-10-20\"");
    assert!(m.starts_with("signed on 2026-10-20 with a key of anna.schmidt (SHA256:"), "{m}");
    assert!(m.ends_with(") that is no longer valid from 2026-07-01"), "{m}");
    // the day before valid-before is still valid
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-06-30", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "anna.schmidt", NAMESPACE));
    assert_eq!(t.sig(), vec![("SIG001".to_string(), P.to_string(), 1)]);
    // and `sign` refuses to sign with it
    let out = t.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not valid on 2026-10-20"), "{}", out.stderr);
}

#[test]
fn a_key_not_yet_valid_on_the_signing_date_is_rejected() {
    let t = T::new();
    t.repo.edit(
        "contacts/bank.kdl",
        &format!("key \"{}\"", public("anna.schmidt")),
        &format!("key \"{}\" valid-after=\"2026-12-01\"", public("anna.schmidt")),
    );
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "anna.schmidt", NAMESPACE));
    let m = t.only_many("SIG007", SIGNED, "date \"2026-10-20\"");
    assert!(m.ends_with(") that is valid only from 2026-12-01"), "{m}");
}

#[test]
fn a_signer_who_may_not_approve_is_rejected() {
    let t = T::new();
    t.add_key("contacts/bank.kdl", "bernd.mueller", &public("bernd.mueller"), "");
    let st = statement("payroll", Side::Client, "bernd.mueller", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "bernd.mueller", NAMESPACE));
    let m = t.only_many("SIG008", SIGNED, "signer bernd.mueller");
    assert_eq!(m, "bernd.mueller may not approve plans: the contact is not marked `may-approve #true`");
    let out = t.sign("payroll", "client", "bernd.mueller", "bernd.mueller", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bernd.mueller may not approve plans"), "{}", out.stderr);
}

#[test]
fn a_signer_of_the_other_party_is_rejected() {
    let t = T::new();
    // jan.peters signs for the client, with his own key
    let st = statement("payroll", Side::Client, "jan.peters", "2026-10-20", &t.digest("payroll"));
    t.repo.write(SIGNED, t.native(&st, "jan.peters", NAMESPACE));
    let m = t.only_many("SIG008", SIGNED, "signer jan.peters");
    assert_eq!(m, "jan.peters is a contact of dc, not of the client (bank): they cannot sign for the client");
    let out = t.sign("payroll", "client", "jan.peters", "jan.peters", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("jan.peters is a contact of dc, not of the client (bank)"), "{}", out.stderr);
}

#[test]
fn unusable_contact_keys_are_reported_where_they_are_written() {
    let t = T::new();
    t.add_key("contacts/bank.kdl", "bernd.mueller", "ssh-ed25519", "");
    let (_, v) = t.check();
    let d = the(&v, "SIG013");
    assert!(d["message"].as_str().unwrap().starts_with("key of bernd.mueller: not an OpenSSH public key"), "{d:#}");
    assert_eq!(d["location"]["start"]["line"], t.line_of("contacts/bank.kdl", "key \"ssh-ed25519\"") as u64);
    let t = T::new();
    t.add_key(
        "contacts/bank.kdl",
        "bernd.mueller",
        &public("bernd.mueller"),
        " valid-after=\"2026-05-01\" valid-before=\"2026-05-01\"",
    );
    let (_, v) = t.check();
    assert_eq!(
        the(&v, "SIG013")["message"],
        "key of bernd.mueller is never valid: valid-after 2026-05-01 is not before valid-before 2026-05-01"
    );
}

#[test]
fn hostile_records_never_crash_the_check() {
    let t = T::new();
    let d = t.digest("payroll");
    let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &d);
    let good = sign_natively(&st, "anna.schmidt", NAMESPACE);
    let cases: Vec<(String, String)> = vec![
        (st.text(), String::from("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----")),
        (String::from("x"), good.clone()),
        (st.text().replace("plan payroll", "plan ../../etc"), good.clone()),
        (st.text(), good.replace("U1NIU0lH", "U1NIU0lI")),
        (st.text(), format!("-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----", "A".repeat(5000))),
        (st.text(), "-----BEGIN SSH SIGNATURE-----\nü\n-----END SSH SIGNATURE-----".to_string()),
    ];
    for (stmt, sig) in cases {
        let text = format!(
            "signoff payroll party=client signer=anna.schmidt date=\"2026-10-20\" digest=\"{d}\" statement={stmt:?} signature={sig:?}\n"
        );
        t.repo.write(SIGNED, text);
        let (code, v) = t.check();
        assert_eq!(code, 1, "{v:#}");
        assert!(findings(&v, &t.repo).iter().any(|(c, f, _)| c.starts_with("SIG") && f == SIGNED), "{v:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// Interop with OpenSSH

/// Signatures made by `ssh-keygen -Y sign` (Ed25519, RSA, ECDSA P-256; SHA-512 and SHA-256)
/// verify natively.
#[test]
fn signatures_made_with_ssh_keygen_verify_natively() {
    for (key, options) in [
        ("anna.schmidt", &[][..]),
        ("anna.schmidt", &["-O", "hashalg=sha256"][..]),
        ("rsa", &[][..]),
        ("ecdsa", &[][..]),
    ] {
        let t = T::new();
        if key != "anna.schmidt" {
            t.repo.edit("contacts/bank.kdl", &public("anna.schmidt"), &public(key));
        }
        let st = statement("payroll", Side::Client, "anna.schmidt", "2026-10-20", &t.digest("payroll"));
        let mut args = vec!["-Y", "sign", "-n", NAMESPACE, "-f"];
        let path = t.key(key);
        args.push(&path);
        args.extend_from_slice(options);
        let out = ssh_keygen(&args, &st.message());
        assert!(out.status.success(), "{key}: {}", String::from_utf8_lossy(&out.stderr));
        t.repo.write(SIGNED, record::render(&st, None, &String::from_utf8(out.stdout).unwrap()));
        let v = t.signoffs_json();
        assert_eq!(v["plans"][0]["client"]["state"], "signed", "{key} {options:?}: {v:#}");
        // and the same signature over another statement does not
        t.repo.edit(SIGNED, "        date 2026-10-20\n", "        date 2026-10-21\n");
        assert_eq!(t.signoffs_json()["plans"][0]["client"]["state"], "invalid", "{key}");
    }
}

/// What docs/signoff.md tells an auditor: build an allowed-signers file from the contacts,
/// take the statement and the signature out of the record, run `ssh-keygen -Y verify`.
#[test]
fn records_written_by_contingent_sign_verify_with_ssh_keygen() {
    let t = T::new();
    t.repo.edit(
        "contacts/dc.kdl",
        &format!("key \"{}\"", public("jan.peters")),
        &format!("key \"{}\" valid-after=\"2026-01-01\" valid-before=\"2026-10-22\"", public("jan.peters")),
    );
    t.sign_both();
    let source = contingent::source::worktree::WorkTree::new(t.path()).unwrap();
    let checked = contingent::check::check(&source, &contingent::check::Context::new(date(AS_OF)));
    let allowed = contingent::signoff::allowed_signers(&checked.loaded.model);
    assert!(
        allowed.contains(&format!(
            "jan.peters namespaces=\"signoff@contingent.dev\",valid-after=\"20260101Z\",valid-before=\"20261022Z\" {}\n",
            key_only("jan.peters")
        )),
        "{allowed}"
    );
    // the allowed-signers script of docs/signoff.md builds the same file
    let by_script = isolate(&mut Command::new("sh"))
        .arg("-c")
        .arg(doc_block("auditor-allowed-signers"))
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(by_script.status.success(), "{}", String::from_utf8_lossy(&by_script.stderr));
    let mut ours: Vec<&str> = allowed.lines().collect();
    let script_text = std::fs::read_to_string(t.path().join("allowed_signers")).unwrap();
    let mut theirs: Vec<&str> = script_text.lines().collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("allowed_signers"), &allowed).unwrap();
    // the extraction commands of docs/signoff.md, then the verification it shows
    let extract = doc_block("auditor-extract").replace("signoffs/payroll.kdl", "record.kdl");
    let verify = |record: &str, signer: &str, day: &str| -> std::process::Output {
        std::fs::write(dir.path().join("record.kdl"), record).unwrap();
        let script = format!(
            "set -e\n{extract}\nssh-keygen -Y verify -f allowed_signers -I {signer} -n signoff@contingent.dev -s signature.txt -Overify-time={day}1200Z < statement.txt"
        );
        isolate(&mut Command::new("sh")).arg("-c").arg(script).current_dir(dir.path()).output().unwrap()
    };
    let all = records(&t.repo.read(SIGNED));
    let (client, provider) = (all[0].as_str(), all[1].as_str());
    let out = verify(client, "anna.schmidt", "20261020");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Good \"signoff@contingent.dev\" signature for anna.schmidt"));
    let out = verify(provider, "jan.peters", "20261021");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // the statement must be exactly what was signed
    let out = verify(&client.replace("        party client\n", "        party provider\n"), "anna.schmidt", "20261020");
    assert!(!out.status.success());
    // ssh-keygen draws the validity line where contingent does: valid-before is the first day
    // the key is no longer valid
    let out = verify(provider, "jan.peters", "20261022");
    assert!(!out.status.success(), "ssh-keygen accepted a key on its valid-before day");
    let st = statement("payroll", Side::Provider, "jan.peters", "2026-10-22", &t.digest("payroll"));
    t.repo.write(SIGNED, client.to_string() + "\n" + &t.native(&st, "jan.peters", NAMESPACE));
    let m = t.only_many("SIG007", SIGNED, "date \"2026-10-22\"");
    assert!(m.ends_with("that is no longer valid from 2026-10-22"), "{m}");
}

// ---------------------------------------------------------------------------------------------
// The commands

#[test]
fn sign_refuses_a_plan_with_errors_and_writes_nothing() {
    let t = T::new();
    t.repo.edit(P, "notify=dc-duty", "notify=dc-duti");
    let out = t.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("error[REF002]: no contact is named `dc-duti`"), "{}", out.stdout);
    assert!(out.stderr.contains("refusing to sign plan `payroll`: it has 1 error (above)"), "{}", out.stderr);
    assert!(!t.path().join("signoffs").exists());
    let out = t.sign("payrol", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no plan is named `payrol`: did you mean `payroll`?"), "{}", out.stderr);
}

#[test]
fn sign_refuses_a_key_not_listed_for_the_signer() {
    let t = T::new();
    let out = t.sign("payroll", "client", "anna.schmidt", "mallory", "2026-10-20");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is not listed for anna.schmidt"), "{}", out.stderr);
    assert!(!t.path().join("signoffs").exists());
}

#[test]
fn sign_replaces_its_own_older_records_and_keeps_everything_else() {
    let t = T::new();
    t.sign_both();
    // a comment and an unrelated record somebody wrote into the file are kept
    let text = t.repo.read(SIGNED);
    t.repo.write(
        SIGNED,
        text.replace(
            "signoff payroll {\n    party provider",
            "// approved in the change board of 2026-10-21\nsignoff payroll {\n    party provider",
        ),
    );
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    let out = t.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-25");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("(replacing 1 earlier sign-off of the client)"), "{}", out.stdout);
    assert!(out.stdout.contains("the provider still has to sign"), "{}", out.stdout);
    let text = t.repo.read(SIGNED);
    assert_eq!(text.matches("signoff payroll {").count(), 2, "{text}");
    assert!(
        text.contains("// approved in the change board of 2026-10-21\nsignoff payroll {\n    party provider"),
        "{text}"
    );
    assert!(text.starts_with("// Sign-offs of plan `payroll`."), "{text}");
    assert!(!text.contains("2026-10-20"), "{text}");
    let v = t.signoffs_json();
    assert_eq!(v["plans"][0]["client"]["state"], "signed");
    assert_eq!(v["plans"][0]["provider"]["state"], "stale");
    // signing the same version again replaces the signer's record instead of adding one
    t.sign_ok("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-26");
    assert_eq!(t.repo.read(SIGNED).matches("signoff payroll {\n    party client").count(), 1);
}

#[cfg(unix)]
#[test]
fn sign_never_writes_through_a_link_planted_beside_the_record() {
    use std::os::unix::fs::symlink;
    let t = T::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("authorized_keys");
    std::fs::write(&target, "precious\n").unwrap();
    std::fs::create_dir_all(t.path().join("signoffs")).unwrap();
    // the temporary name older versions used, and the shape of the current one
    for name in ["payroll.kdl.tmp", ".payroll.kdl.tmp", ".payroll.kdl.1.tmp"] {
        symlink(&target, t.path().join("signoffs").join(name)).unwrap();
    }
    t.sign_both();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(t.path().join(SIGNED)).unwrap().file_type().is_file());
    assert_eq!(t.repo.read(SIGNED).matches("signoff payroll {").count(), 2);
}

#[test]
fn sign_uses_gits_signing_key_and_ssh_agent() {
    let t = T::new();
    let git = |args: &[&str]| {
        let out = isolate(&mut Command::new("git")).args(args).current_dir(t.path()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    // a private key file, as in `git config user.signingkey ~/.ssh/id_ed25519`
    git(&["config", "user.signingkey", &t.key("anna.schmidt")]);
    let repo = t.path().to_str().unwrap();
    let out =
        run(&["sign", "payroll", "--party", "client", "--as", "anna.schmidt", "--as-of", "2026-10-20", "--repo", repo]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // a public key whose private key is in ssh-agent, as in `user.signingkey = key::ssh-ed25519 ...`
    let sock = t.keys.path().join("agent.sock");
    /// Stops the agent however the test ends.
    struct Agent(std::process::Child);
    impl Drop for Agent {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // ssh-agent is a test peer like ssh-keygen: when it cannot start, the test fails
    let agent = isolate(&mut Command::new("ssh-agent"))
        .arg("-D")
        .arg("-a")
        .arg(&sock)
        .stdout(Stdio::null())
        .spawn()
        .expect("ssh-agent starts (Debian: openssh-client)");
    let agent = Agent(agent);
    for _ in 0..250 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(sock.exists(), "ssh-agent did not create its socket {}", sock.display());
    let sock_s = sock.to_str().unwrap();
    let added = isolate(&mut Command::new("ssh-add"))
        .arg("-q")
        .arg(t.key("jan.peters"))
        .env("SSH_AUTH_SOCK", sock_s)
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    git(&["config", "user.signingkey", &format!("key::{}", public("jan.peters"))]);
    let out = run_in(
        t.path(),
        &["sign", "payroll", "--party", "provider", "--as", "jan.peters", "--as-of", "2026-10-21"],
        &[("SSH_AUTH_SOCK", sock_s)],
    );
    drop(agent);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("plan `payroll` is approved by the client and the provider"), "{}", out.stdout);
    assert_eq!(t.sig(), vec![]);
}

#[test]
fn signoffs_shows_each_plans_state_in_every_format() {
    let t = T::new();
    with_second_plan(&t);
    t.sign_both();
    t.sign_ok("payroll-copy", "client", "anna.schmidt", "anna.schmidt", "2026-10-20");
    let path = t.path().to_str().unwrap();
    let out = run(&["signoffs", path, "--as-of", AS_OF]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "plan          approved  client                          provider\n\
         payroll       yes       signed anna.schmidt 2026-10-20  signed jan.peters 2026-10-21\n\
         payroll-copy  no        signed anna.schmidt 2026-10-20  missing\n\n\
         no trusted base: approvals are verified with the approvers and keys of the checked files themselves, so a change could approve itself: give --trust REV (the protected branch) to judge them against it\n"
    );
    let out = run(&["signoffs", path, "--as-of", AS_OF, "--format", "markdown"]);
    assert!(out.stdout.starts_with("| plan | approved | client | provider |\n|---|---|---|---|\n| `payroll` | yes | signed anna.schmidt 2026-10-20 | signed jan.peters 2026-10-21 |\n| `payroll-copy` | **no** | signed anna.schmidt 2026-10-20 | missing |\n"), "{}", out.stdout);
    // an invalid record is shown with its reason
    t.repo.edit("signoffs/payroll-copy.kdl", "        date 2026-10-20\n", "        date 2026-10-19\n");
    let out = run(&["signoffs", path, "--as-of", AS_OF]);
    assert!(out.stdout.contains("payroll-copy  no        invalid"), "{}", out.stdout);
    assert!(
        out.stdout.contains("payroll-copy (client): invalid sign-off: SIG010: the statement was edited after signing"),
        "{}",
        out.stdout
    );
    let v = t.signoffs_json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["trusted_base"], Value::Null);
    assert_eq!(v["plans"][1]["client"]["state"], "invalid");
    assert!(v["plans"][1]["client"]["problems"][0].as_str().unwrap().starts_with("SIG010: "));
    assert_eq!(v["plans"][1]["provider"]["state"], "missing");
}

#[test]
fn the_bundled_example_shows_every_plan_approved_and_checks_clean() {
    let out = run(&["signoffs", "plans", "--format", "json", "--as-of", AS_OF]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let states: Vec<(String, bool)> = v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["plan"].as_str().unwrap().to_string(), p["approved"].as_bool().unwrap()))
        .collect();
    let approved: Vec<&str> = states.iter().filter(|(_, a)| *a).map(|(p, _)| p.as_str()).collect();
    assert_eq!(approved, ["backup-restore", "core-banking", "payment-orders", "payroll", "wan-connectivity"], "{v:#}");
    // the README's first command, with nothing tolerated
    let out = run(&["check", "plans"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "checked 23 files: no problems (as of 2026-11-01, from reference-date in contingent.kdl)\n");
}

#[test]
fn valid_signoffs_lists_verified_records_of_every_version_for_history() {
    let t = T::new();
    t.sign_both();
    let old = t.digest("payroll");
    t.repo.edit(P, "within=\"1h\"", "within=\"45m\"");
    t.repo.edit(SIGNED, "        date 2026-10-21\n", "        date 2026-10-22\n"); // the provider's is now invalid
    let source = contingent::source::worktree::WorkTree::new(t.path()).unwrap();
    let checked = contingent::check::check(&source, &contingent::check::Context::new(date(AS_OF)));
    let valid = contingent::signoff::valid_signoffs(&checked.loaded.model, &checked.loaded.files);
    assert_eq!(valid.len(), 1, "{valid:?}");
    assert_eq!(
        (valid[0].plan.as_str(), valid[0].party, valid[0].signer.as_str()),
        ("payroll", Side::Client, "anna.schmidt")
    );
    assert_eq!(valid[0].digest, old);
    assert!(valid[0].key.starts_with("SHA256:"));
}
