//! The action's installer (`action/install.sh`) against a fake GitHub API on 127.0.0.1
//! (wiremock, with GitHub's JSON shapes from `tests/fixtures/github/`): the release binary of the
//! action's version is downloaded, checked against SHA256SUMS and its attestation, and installed;
//! a checksum that does not match, an attestation that does not verify, a missing SHA256SUMS or
//! a binary of another version fail the step and install nothing (no build instead); only when no
//! release matches (no release, none for the platform, a ref that is not the tag's commit) is it
//! built from source; a commit SHA pinned to the tag's commit gets the release binary, bound to
//! that commit. `gh`, `cargo` and `rustup` are stand-ins that record their arguments: the fake
//! `gh attestation verify` passes only for a digest the test attested with exactly the
//! repository, signer workflow, tag (and commit) the installer must ask for.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "ghs_TESTtoken0123456789abcdefSECRET";
const REPO: &str = "octo-org/contingent";
const VERSION: &str = "0.3.1";
const TAG: &str = "v0.3.1";
const TAG_COMMIT: &str = "3f2a9c41d7e05b8a6c1f4e2d9b7a3c5e8f0d1a2b";
const OTHER_COMMIT: &str = "8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b";
const LINUX_X64: &str = "x86_64-unknown-linux-musl";

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The fake API: releases by tag, their assets, commits by ref

#[derive(Default)]
struct State {
    /// tag → release (assets filled in)
    releases: HashMap<String, Value>,
    /// asset id → contents
    assets: HashMap<u64, Vec<u8>>,
    /// ref (branch, tag or SHA) → commit SHA
    commits: HashMap<String, String>,
    /// When set, every release look-up is answered with this status.
    release_status: Option<u16>,
    next_asset: u64,
}

#[derive(Clone)]
struct Api {
    state: Arc<Mutex<State>>,
    origin: String,
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json; charset=utf-8")
        .insert_header("x-github-api-version-selected", "2022-11-28")
        .set_body_string(body.to_string())
}

fn not_found() -> ResponseTemplate {
    json_response(
        404,
        json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}),
    )
}

impl Respond for Api {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let s = self.state.lock().unwrap();
        let path = req.url.path().to_string();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // the storage the asset endpoint redirects to: a signed URL, no token needed
        if let ["download", id] = parts.as_slice() {
            return match id.parse::<u64>().ok().and_then(|id| s.assets.get(&id)) {
                Some(bytes) => ResponseTemplate::new(200)
                    .insert_header("content-type", "application/octet-stream")
                    .set_body_bytes(bytes.clone()),
                None => ResponseTemplate::new(404),
            };
        }
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {TOKEN}") {
            return json_response(401, json!({"message": "Bad credentials", "status": "401"}));
        }
        let accept = req.headers.get("accept").and_then(|v| v.to_str().ok()).unwrap_or("");
        let repo: Vec<&str> = REPO.split('/').collect();
        match parts.as_slice() {
            ["repos", o, r, rest @ ..] if *o == repo[0] && *r == repo[1] && req.method.as_str() == "GET" => {
                match rest {
                    ["releases", "tags", tag] => {
                        if let Some(status) = s.release_status {
                            return json_response(status, fixture("error-server.json"));
                        }
                        match s.releases.get(*tag) {
                            Some(r) => json_response(200, r.clone()),
                            None => not_found(),
                        }
                    }
                    ["releases", "assets", id] => {
                        let Some(id) = id.parse::<u64>().ok().filter(|id| s.assets.contains_key(id)) else {
                            return not_found();
                        };
                        if accept == "application/octet-stream" {
                            ResponseTemplate::new(302)
                                .insert_header("location", format!("{}/download/{id}", self.origin))
                        } else {
                            let asset = s
                                .releases
                                .values()
                                .flat_map(|r| r["assets"].as_array().unwrap().iter())
                                .find(|a| a["id"].as_u64() == Some(id));
                            json_response(200, asset.cloned().unwrap())
                        }
                    }
                    ["commits", reference] => match s.commits.get(*reference) {
                        Some(sha) => {
                            let mut c = fixture("commit.json");
                            c["sha"] = sha.as_str().into();
                            json_response(200, c)
                        }
                        None => json_response(
                            422,
                            json!({"message": format!("No commit found for SHA: {reference}"),
                                   "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                                   "status": "422"}),
                        ),
                    },
                    _ => not_found(),
                }
            }
            _ => not_found(),
        }
    }
}

struct Fake {
    rt: tokio::runtime::Runtime,
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl Fake {
    fn start() -> Fake {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let server = rt.block_on(MockServer::start());
        let state = Arc::new(Mutex::new(State { next_asset: 204512345, ..State::default() }));
        let api = Api { state: state.clone(), origin: server.uri() };
        rt.block_on(Mock::given(wiremock::matchers::any()).respond_with(api).mount(&server));
        Fake { rt, server, state }
    }

    /// Publishes a release of `tag` with these assets (name, contents).
    fn release(&self, tag: &str, assets: &[(&str, Vec<u8>)]) {
        let mut s = self.state.lock().unwrap();
        let mut release = fixture("release.json");
        release["tag_name"] = tag.into();
        release["name"] = format!("contingent {tag}").into();
        let mut list = Vec::new();
        for (name, bytes) in assets {
            s.next_asset += 1;
            let id = s.next_asset;
            let mut a = fixture("release-asset.json");
            a["id"] = id.into();
            a["name"] = (*name).into();
            a["size"] = bytes.len().into();
            a["digest"] = format!("sha256:{}", sha256(bytes)).into();
            a["url"] = format!("{}/repos/{REPO}/releases/assets/{id}", self.server.uri()).into();
            a["browser_download_url"] = format!("https://github.com/{REPO}/releases/download/{tag}/{name}").into();
            list.push(a);
            s.assets.insert(id, bytes.clone());
        }
        release["assets"] = Value::Array(list);
        s.releases.insert(tag.to_string(), release);
    }

    fn commit(&self, reference: &str, sha: &str) {
        self.state.lock().unwrap().commits.insert(reference.to_string(), sha.to_string());
    }

    /// The paths of the requests received, in order.
    fn requests(&self) -> Vec<String> {
        self.rt.block_on(self.server.received_requests()).unwrap().iter().map(|r| r.url.path().to_string()).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// A runner: the action's folder, RUNNER_TEMP, stand-ins for gh, cargo and rustup

struct Runner {
    dir: tempfile::TempDir,
    fake: Fake,
}

struct Run {
    status: std::process::ExitStatus,
    stdout: String,
    outputs: String,
}

fn write_exe(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl Runner {
    fn new() -> Runner {
        for program in ["bash", "curl", "jq", "tar", "sha256sum", "awk", "sed"] {
            common::require(program);
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // the action as GitHub checks it out: its script and a Cargo.toml of version VERSION
        std::fs::create_dir_all(root.join("action/action")).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"),
            root.join("action/action/install.sh"),
        )
        .unwrap();
        std::fs::write(
            root.join("action/Cargo.toml"),
            format!("[package]\nname = \"contingent\"\nversion = \"{VERSION}\"\nedition = \"2021\"\n\n[dependencies]\nserde = {{ version = \"1\" }}\n"),
        )
        .unwrap();
        for d in ["temp", "bin", "log"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("attested"), "").unwrap();
        write_exe(
            &root.join("bin/gh"),
            r#"#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_LOG/gh"
[ "$1 $2" = "attestation verify" ] || { echo "unexpected gh command: $*" >&2; exit 2; }
file=$3
shift 3
digest=$(sha256sum "$file" | cut -d' ' -f1)
if grep -qxF "$digest $*" "$FAKE_ATTESTED"; then
    echo "Loaded digest sha256:$digest for file://$file"
    echo "The following 1 attestation matched the policy criteria"
    exit 0
fi
echo "Loaded digest sha256:$digest for file://$file"
echo "Error: verifying with issuer \"sigstore.dev\": no attestations matched the policy" >&2
exit 1
"#,
        );
        write_exe(
            &root.join("bin/cargo"),
            r#"#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_LOG/cargo"
root=""
while [ $# -gt 0 ]; do
    if [ "$1" = "--root" ]; then root=$2; fi
    shift
done
mkdir -p "$root/bin"
printf '#!/bin/sh\necho "contingent 0.3.1"\n' > "$root/bin/contingent"
chmod +x "$root/bin/contingent"
"#,
        );
        write_exe(&root.join("bin/rustup"), "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_LOG/rustup\"\n");
        Runner { dir, fake: Fake::start() }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn installed(&self) -> PathBuf {
        self.root().join("temp/contingent/bin/contingent")
    }

    /// What a stand-in was called with, one line per call (empty when never called).
    fn log(&self, tool: &str) -> String {
        std::fs::read_to_string(self.root().join("log").join(tool)).unwrap_or_default()
    }

    /// A release archive of `target` whose binary says `says` to `--version`.
    fn archive(&self, target: &str, says: &str) -> Vec<u8> {
        let build = tempfile::tempdir().unwrap();
        let folder = format!("contingent-{TAG}-{target}");
        std::fs::create_dir_all(build.path().join(&folder)).unwrap();
        write_exe(&build.path().join(&folder).join("contingent"), &format!("#!/bin/sh\necho \"{says}\"\n"));
        std::fs::write(build.path().join(&folder).join("README.md"), "# contingent\n").unwrap();
        let out = Command::new("tar")
            .args(["-czf", "-", &folder])
            .current_dir(build.path())
            .env("GZIP", "-n")
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    }

    /// Records an attestation for `bytes` as `gh attestation verify` must be asked for it.
    fn attest(&self, bytes: &[u8], source_digest: Option<&str>) {
        let mut line = format!(
            "{} --repo {REPO} --signer-workflow {REPO}/.github/workflows/release.yml --source-ref refs/tags/{TAG}",
            sha256(bytes)
        );
        if let Some(d) = source_digest {
            line.push_str(&format!(" --source-digest {d}"));
        }
        let path = self.root().join("attested");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&line);
        text.push('\n');
        std::fs::write(path, text).unwrap();
    }

    /// Publishes the usual release: the Linux x86_64 archive and its SHA256SUMS, attested.
    fn publish(&self) -> Vec<u8> {
        let archive = self.archive(LINUX_X64, &format!("contingent {VERSION}"));
        let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
        let sums =
            format!("{}  {name}\n{}  contingent-{TAG}-aarch64-apple-darwin.tar.gz\n", sha256(&archive), "1".repeat(64));
        self.fake.release(TAG, &[(&name, archive.clone()), ("SHA256SUMS", sums.into_bytes())]);
        self.attest(&archive, None);
        self.attest(&archive, Some(TAG_COMMIT));
        self.fake.commit(TAG, TAG_COMMIT);
        archive
    }

    fn run(&self, action_ref: &str, env: &[(&str, &str)]) -> Run {
        let root = self.root();
        let outputs = root.join("outputs");
        let _ = std::fs::remove_file(&outputs);
        let path = format!("{}:{}", root.join("bin").display(), std::env::var("PATH").unwrap_or_default());
        let mut cmd = Command::new("bash");
        // nothing of the surrounding job: only what a runner gives the step
        cmd.env_clear();
        common::isolate(&mut cmd);
        cmd.arg(root.join("action/action/install.sh"))
            .env("PATH", path)
            .env("HOME", root.join("temp"))
            .env("ACTION_PATH", root.join("action"))
            .env("ACTION_REF", action_ref)
            .env("ACTION_REPOSITORY", REPO)
            .env("GH_TOKEN", TOKEN)
            .env("TOOLCHAIN", "1.95.0")
            .env("CACHE_HIT", "")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", root.join("temp"))
            .env("GITHUB_API_URL", self.fake.server.uri())
            .env("GITHUB_OUTPUT", &outputs)
            .env("FAKE_LOG", root.join("log"))
            .env("FAKE_ATTESTED", root.join("attested"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(!stdout.contains(TOKEN), "the token was printed:\n{stdout}");
        Run { status: out.status, stdout, outputs: std::fs::read_to_string(&outputs).unwrap_or_default() }
    }
}

fn assert_built_from_source(r: &Runner, run: &Run, reason: &str) {
    assert!(run.status.success(), "{}", run.stdout);
    assert!(run.stdout.contains(reason), "the reason for building is not given:\n{}", run.stdout);
    assert!(run.stdout.contains("built from source (took "), "{}", run.stdout);
    assert!(run.outputs.contains("source=build\n"), "{}", run.outputs);
    assert_eq!(r.log("rustup"), "toolchain install 1.95.0 --profile minimal --no-self-update\n");
    assert_eq!(
        r.log("cargo"),
        format!(
            "+1.95.0 install --locked --quiet --path {} --root {}\n",
            r.root().join("action").display(),
            r.root().join("temp/contingent").display()
        )
    );
    assert_eq!(r.log("gh"), "", "nothing was downloaded, so nothing is verified");
}

/// The step failed, saying why, and installed and built nothing.
fn assert_refused(r: &Runner, run: &Run, why: &str) {
    assert!(!run.status.success(), "the step passed:\n{}", run.stdout);
    assert!(run.stdout.contains("::error title=contingent::"), "{}", run.stdout);
    assert!(run.stdout.contains(why), "the error does not say {why:?}:\n{}", run.stdout);
    assert!(!r.installed().exists(), "a binary was installed:\n{}", run.stdout);
    assert_eq!(r.log("cargo"), "", "a failed verification must not fall back to a build");
    assert!(!run.outputs.contains("source="), "{}", run.outputs);
}

// ---------------------------------------------------------------------------------------------

#[test]
fn the_release_binary_is_downloaded_verified_and_installed() {
    let r = Runner::new();
    let archive = r.publish();
    let run = r.run(TAG, &[]);
    assert!(run.status.success(), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "contingent: the release binary contingent-{TAG}-{LINUX_X64}.tar.gz of {REPO}@{TAG}, checksum and attestation verified (took "
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!("SHA-256 matches SHA256SUMS: {}", sha256(&archive))), "{}", run.stdout);
    assert!(run.outputs.starts_with("source=release\nseconds="), "{}", run.outputs);
    // the installed binary is the archive's
    let out = Command::new(r.installed()).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("contingent {VERSION}\n"));
    let gh = r.log("gh");
    assert_eq!(gh.lines().count(), 1, "{gh}");
    assert!(
        gh.ends_with(&format!(
            "contingent-{TAG}-{LINUX_X64}.tar.gz --repo {REPO} --signer-workflow {REPO}/.github/workflows/release.yml --source-ref refs/tags/{TAG}\n"
        )),
        "{gh}"
    );
    assert_eq!(r.log("cargo"), "");
    assert_eq!(r.log("rustup"), "");
    // the tag itself needs no commit look-up: the release, then the two assets through the API
    let requests = r.fake.requests();
    assert_eq!(requests[0], format!("/repos/{REPO}/releases/tags/{TAG}"), "{requests:?}");
    assert_eq!(requests.iter().filter(|p| p.starts_with(&format!("/repos/{REPO}/releases/assets/"))).count(), 2);
    assert_eq!(requests.iter().filter(|p| p.starts_with("/download/")).count(), 2);
    assert!(!requests.iter().any(|p| p.contains("/commits/")), "{requests:?}");
    // nothing of the download is left behind
    assert!(!r.root().join("temp/contingent-download").exists());
}

#[test]
fn a_checksum_that_does_not_match_fails_closed() {
    let r = Runner::new();
    let archive = r.archive(LINUX_X64, &format!("contingent {VERSION}"));
    let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
    // SHA256SUMS of another build; the archive is even attested, so only the checksum stops it
    let sums = format!("{}  {name}\n", sha256(b"another build"));
    r.fake.release(TAG, &[(&name, archive.clone()), ("SHA256SUMS", sums.into_bytes())]);
    r.attest(&archive, None);
    let run = r.run(TAG, &[]);
    assert_refused(&r, &run, &format!("{name} does not match SHA256SUMS of {TAG}"));
    assert_eq!(r.log("gh"), "", "the checksum is checked first");
}

#[test]
fn an_archive_without_a_checksum_line_fails_closed() {
    let r = Runner::new();
    let archive = r.archive(LINUX_X64, &format!("contingent {VERSION}"));
    let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
    // a line for another file whose name ends like ours does not count
    let sums = format!("{}  x{name}\n", sha256(&archive));
    r.fake.release(TAG, &[(&name, archive.clone()), ("SHA256SUMS", sums.into_bytes())]);
    r.attest(&archive, None);
    let run = r.run(TAG, &[]);
    assert_refused(&r, &run, &format!("SHA256SUMS of {TAG} has no single SHA-256 for {name}"));
}

#[test]
fn a_release_without_sha256sums_fails_closed() {
    let r = Runner::new();
    let archive = r.archive(LINUX_X64, &format!("contingent {VERSION}"));
    let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
    r.fake.release(TAG, &[(&name, archive.clone())]);
    r.attest(&archive, None);
    let run = r.run(TAG, &[]);
    assert_refused(&r, &run, "but no SHA256SUMS: refusing to use it");
}

#[test]
fn an_attestation_that_does_not_verify_fails_closed() {
    let r = Runner::new();
    // the checksum matches (SHA256SUMS comes from the same release), but nothing attests the
    // archive: a release whose files were replaced
    let archive = r.archive(LINUX_X64, &format!("contingent {VERSION}"));
    let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
    let sums = format!("{}  {name}\n", sha256(&archive));
    r.fake.release(TAG, &[(&name, archive), ("SHA256SUMS", sums.into_bytes())]);
    r.attest(b"the archive the release workflow built", None);
    let run = r.run(TAG, &[]);
    assert_refused(&r, &run, &format!("the build-provenance attestation of {name} does not verify: not used"));
    assert!(run.stdout.contains("no attestations matched the policy"), "gh's reason is shown:\n{}", run.stdout);
}

#[test]
fn without_gh_the_attestation_cannot_be_verified_and_the_step_fails() {
    let r = Runner::new();
    r.publish();
    std::fs::remove_file(r.root().join("bin/gh")).unwrap();
    // a PATH without any gh
    let path: Vec<String> = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !Path::new(d).join("gh").exists())
        .map(String::from)
        .collect();
    let path = format!("{}:{}", r.root().join("bin").display(), path.join(":"));
    let run = r.run(TAG, &[("PATH", &path)]);
    assert_refused(&r, &run, "gh (GitHub CLI) is needed to verify the attestation");
}

#[test]
fn a_binary_of_another_version_is_refused() {
    let r = Runner::new();
    let archive = r.archive(LINUX_X64, "contingent 0.2.9");
    let name = format!("contingent-{TAG}-{LINUX_X64}.tar.gz");
    let sums = format!("{}  {name}\n", sha256(&archive));
    r.fake.release(TAG, &[(&name, archive.clone()), ("SHA256SUMS", sums.into_bytes())]);
    r.attest(&archive, None);
    let run = r.run(TAG, &[]);
    assert!(!run.status.success(), "{}", run.stdout);
    assert!(run.stdout.contains("says \"contingent 0.2.9\", not \"contingent 0.3.1\""), "{}", run.stdout);
    assert_eq!(r.log("cargo"), "");
}

#[test]
fn no_release_for_the_tag_builds_from_source() {
    let r = Runner::new();
    let run = r.run(TAG, &[]);
    assert_built_from_source(
        &r,
        &run,
        &format!("{REPO} has no release {TAG}: building contingent from the action's source"),
    );
}

#[test]
fn a_release_without_a_binary_for_this_platform_builds_from_source() {
    let r = Runner::new();
    r.publish();
    let run = r.run(TAG, &[("RUNNER_ARCH", "ARM64")]);
    assert_built_from_source(
        &r,
        &run,
        &format!("the release {TAG} has no contingent-{TAG}-aarch64-unknown-linux-musl.tar.gz"),
    );
}

#[test]
fn a_commit_sha_of_the_tag_gets_the_release_binary_bound_to_that_commit() {
    let r = Runner::new();
    r.publish();
    r.fake.commit(TAG_COMMIT, TAG_COMMIT);
    let run = r.run(TAG_COMMIT, &[]);
    assert!(run.status.success(), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("the action's ref {TAG_COMMIT} is the commit of {TAG}")), "{}", run.stdout);
    assert!(run.outputs.starts_with("source=release\n"), "{}", run.outputs);
    assert!(
        r.log("gh").ends_with(&format!("--source-ref refs/tags/{TAG} --source-digest {TAG_COMMIT}\n")),
        "{}",
        r.log("gh")
    );
    let requests = r.fake.requests();
    assert_eq!(requests[0], format!("/repos/{REPO}/commits/{TAG_COMMIT}"));
    assert_eq!(requests[1], format!("/repos/{REPO}/commits/{TAG}"));
}

#[test]
fn a_moving_tag_at_the_release_commit_gets_the_release_binary() {
    let r = Runner::new();
    r.publish();
    r.fake.commit("v0", TAG_COMMIT);
    let run = r.run("v0", &[]);
    assert!(run.status.success(), "{}", run.stdout);
    assert!(run.outputs.starts_with("source=release\n"), "{}", run.outputs);
}

#[test]
fn a_branch_past_the_release_builds_from_source() {
    let r = Runner::new();
    r.publish();
    r.fake.commit("main", OTHER_COMMIT);
    let run = r.run("main", &[]);
    assert_built_from_source(&r, &run, &format!("the action's ref main is not the commit of {TAG}"));
    assert!(!r.fake.requests().iter().any(|p| p.contains("/releases/")), "no release is looked at");
}

#[test]
fn a_commit_that_is_not_the_tag_builds_from_source() {
    let r = Runner::new();
    r.publish();
    // unknown to the fake (GitHub answers 422)
    let run = r.run(OTHER_COMMIT, &[]);
    assert_built_from_source(&r, &run, &format!("the action's ref {OTHER_COMMIT} is not the commit of {TAG}"));
}

#[test]
fn an_error_from_github_fails_instead_of_guessing() {
    let r = Runner::new();
    r.publish();
    r.fake.state.lock().unwrap().release_status = Some(500);
    let run = r.run(TAG, &[]);
    assert_refused(&r, &run, &format!("GitHub answered 500 for the release {TAG} of {REPO}"));
}

#[test]
fn a_wrong_token_fails() {
    let r = Runner::new();
    r.publish();
    let run = r.run(TAG, &[("GH_TOKEN", "ghs_wrong")]);
    assert_refused(&r, &run, "GitHub answered 401");
}

#[test]
fn a_cache_hit_downloads_nothing() {
    let r = Runner::new();
    r.publish();
    std::fs::create_dir_all(r.root().join("temp/contingent/bin")).unwrap();
    write_exe(&r.installed(), "#!/bin/sh\necho \"contingent 0.3.1\"\n");
    let run = r.run(TAG, &[("CACHE_HIT", "true")]);
    assert!(run.status.success(), "{}", run.stdout);
    assert!(run.stdout.contains("contingent: the binary restored from the Actions cache (took "), "{}", run.stdout);
    assert!(run.outputs.starts_with("source=cache\n"), "{}", run.outputs);
    assert!(r.fake.requests().is_empty());
}

#[test]
fn a_local_action_builds_from_source() {
    let r = Runner::new();
    let run = r.run("", &[]);
    assert_built_from_source(&r, &run, "the action is not used from a repository (a local path)");
}
