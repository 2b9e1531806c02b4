//! `contingent review` against a fake GitHub API on 127.0.0.1 (wiremock): the exact requests of
//! each run, the sticky comment's life (created, left alone, edited, recreated, deduplicated,
//! cut), no second POST after a 5xx, rate limits waited out, an `/api/v3` prefix, a fork's
//! `workflow_run`, and the status judged with the base's trust. The fake answers with GitHub's
//! full JSON shapes (`tests/fixtures/github/`), keeps state between runs and records nothing but
//! what the binary sends. Plan repositories are real Git repositories made here from the bundled
//! example; sign-offs are made with `contingent sign` and `ssh-keygen`.

mod common;
use common::{copy_dir, output, Output, Tree};

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

#[path = "common/github.rs"]
mod github;
use github::{fixture, Fake, PR, REPO, TOKEN};

const MARKER: &str = "<!-- contingent:review v1 plans -->";

/// The bodies of the comments now on the pull request.
fn pr_bodies(fake: &Fake) -> Vec<String> {
    fake.comments_of(PR)
}

// ---------------------------------------------------------------------------------------------
// A plan repository: the bundled example, committed on `main`; the pull request on `change`

struct Work {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

fn isolate<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    common::isolate(cmd).env("HOME", home).env("NO_COLOR", "1").env("CONTINGENT_ALLOW_UNSIGNED", "0");
    for v in [
        "GITHUB_API_URL",
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_SERVER_URL",
        "GITHUB_RUN_ID",
        "GITHUB_SHA",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

impl Tree for Work {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Work {
    fn new() -> Work {
        common::require("git");
        common::require("ssh-keygen");
        let w = Work { dir: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap() };
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"), &w.path().join("plans"));
        w.git(&["init", "-q", "-b", "main"]);
        w.commit("the bundled example");
        w.git(&["checkout", "-q", "-b", "change"]);
        w
    }

    fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        isolate(&mut cmd, self.home.path())
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .env("GIT_AUTHOR_DATE", "2026-10-31T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-10-31T12:00:00Z");
        let out = output(cmd.output().unwrap());
        assert_eq!(out.code, 0, "git {args:?}: {}", out.stderr);
        out.stdout.trim().to_string()
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn sha(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev])
    }

    /// The pull request raises the payroll batch's RTO.
    fn raise_rto(&self) -> String {
        self.edit(
            "plans/plans/payroll.kdl",
            "objective payroll-batch rto=\"1d\"",
            "objective payroll-batch rto=\"2d\"",
        );
        self.commit("payroll: RTO of the batch 2d")
    }

    fn event(&self, name: &str, event: &Value) -> PathBuf {
        let p = self.home.path().join(format!("{name}.json"));
        std::fs::write(&p, event.to_string()).unwrap();
        p
    }

    fn pull_request_event(&self) -> PathBuf {
        let (head, base) = (self.sha("change"), self.sha("main"));
        self.event(
            "pull_request",
            &json!({"action": "synchronize", "number": PR, "pull_request": {
                "number": PR, "head": {"sha": head, "ref": "change"}, "base": {"sha": base, "ref": "main"}}}),
        )
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
        isolate(&mut cmd, self.home.path()).args(args).current_dir(self.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = output(cmd.output().expect("the binary runs"));
        assert!(
            !out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN),
            "the token leaked:\n{}{}",
            out.stdout,
            out.stderr
        );
        out
    }

    fn run_program(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(program);
        isolate(&mut cmd, self.home.path()).args(args).current_dir(self.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = output(cmd.output().expect("the program runs"));
        assert!(!out.stdout.contains(TOKEN) && !out.stderr.contains(TOKEN), "the token leaked");
        out
    }

    fn summary_file(&self) -> PathBuf {
        self.home.path().join("step-summary.md")
    }

    /// `contingent review plans` as the Actions job runs it on a `pull_request` event.
    fn review(&self, fake: &Fake) -> Output {
        let event = self.pull_request_event();
        self.review_event(fake, "pull_request", &event)
    }

    fn review_event(&self, fake: &Fake, name: &str, event: &Path) -> Output {
        let summary = self.summary_file();
        self.run(
            &["review", "plans"],
            &[
                ("GITHUB_API_URL", &fake.url()),
                ("GITHUB_TOKEN", TOKEN),
                ("GITHUB_REPOSITORY", REPO),
                ("GITHUB_EVENT_NAME", name),
                ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
                ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ],
        )
    }

    /// Signs a plan with one of the example's keys (or a key made here), dated before the
    /// example's reference date.
    fn sign(&self, plan: &str, party: &str, who: &str, key: &Path) {
        let out = self.run(
            &[
                "sign",
                plan,
                "--party",
                party,
                "--as",
                who,
                "--key",
                key.to_str().unwrap(),
                "--as-of",
                "2026-10-31",
                "--repo",
                "plans",
            ],
            &[],
        );
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }

    /// A private key of the example, readable only by us (ssh-keygen insists).
    fn example_key(&self, who: &str) -> PathBuf {
        let to = self.home.path().join(who);
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/keys").join(who), &to).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        to
    }

    /// A new Ed25519 key pair; the public key line.
    fn keygen(&self, who: &str) -> (PathBuf, String) {
        let path = self.home.path().join(who);
        let mut cmd = Command::new("ssh-keygen");
        isolate(&mut cmd, self.home.path()).args(["-q", "-t", "ed25519", "-N", "", "-C", who, "-f"]).arg(&path);
        let out = output(cmd.output().unwrap());
        assert_eq!(out.code, 0, "{}", out.stderr);
        let line = std::fs::read_to_string(format!("{}.pub", path.display())).unwrap().trim().to_string();
        (path, line)
    }
}

/// The run did its job, and its exit code says what it found: 1 when the sign-off is missing
/// (the job is red), 0 when it is complete.
fn ok(out: &Output) {
    let missing = out.stdout.contains("status failure");
    assert!(missing || out.stdout.contains("status success"), "{}{}", out.stdout, out.stderr);
    // a dry run previews: it exits 0 whatever it found
    let dry = out.stdout.contains("\n---\nstatus ");
    assert_eq!(out.code, i32::from(missing && !dry), "{}{}", out.stdout, out.stderr);
}

fn the_status(fake: &Fake, sha: &str) -> (String, String) {
    let s = fake.state();
    let (_, st) = s.statuses.iter().find(|(c, _)| c == sha).expect("a status was set");
    (st["state"].as_str().unwrap().to_string(), st["description"].as_str().unwrap().to_string())
}

fn comments_path() -> String {
    format!("/repos/{REPO}/issues/{PR}/comments")
}

// ---------------------------------------------------------------------------------------------

#[test]
fn first_run_creates_rerun_writes_nothing_a_change_edits_and_a_deleted_comment_is_recreated() {
    let w = Work::new();
    let head = w.raise_rto();
    let mut fake = Fake::start("");
    let first = w.review(&fake);
    ok(&first);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head}"),
        ]
    );
    assert!(fake.state().authorised.iter().all(|a| *a), "every request carries the token");
    let bodies = pr_bodies(&fake);
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].starts_with(&format!("{MARKER}\n### ❌ Not ready to merge")), "{}", bodies[0]);
    assert!(bodies[0].contains("| payroll | changed |"), "{}", bodies[0]);
    let (state, description) = the_status(&fake, &head);
    assert_eq!(state, "failure");
    assert!(description.starts_with("to sign: payroll: client "), "{description}");
    assert!(first.stdout.contains("created"), "{}", first.stdout);
    // the job summary is appended to, never overwritten
    let summary = std::fs::read_to_string(w.summary_file()).unwrap();
    assert!(summary.contains("| payroll | changed |") && summary.contains("contingent/sign-off"), "{summary}");

    // the same again: reads only
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head}/statuses"),
        ]
    );
    assert_eq!(std::fs::read_to_string(w.summary_file()).unwrap().matches("contingent/sign-off").count(), 2);

    // a further change: the same comment is edited; the new head gets its status
    w.edit("plans/plans/payroll.kdl", "objective mft-gateway rto=\"8h\"", "objective mft-gateway rto=\"12h\"");
    let head2 = w.commit("mft gateway RTO 12h");
    let id = fake.state().comments[0]["id"].clone();
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("PATCH /repos/{REPO}/issues/comments/{id}"),
            format!("GET /repos/{REPO}/commits/{head2}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head2}"),
        ]
    );
    assert_eq!(pr_bodies(&fake).len(), 1);
    assert_ne!(pr_bodies(&fake)[0], bodies[0]);

    // someone deleted the comment: it is made again
    fake.state().comments.clear();
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head2}/statuses"),
        ]
    );
    assert_eq!(pr_bodies(&fake).len(), 1);
}

#[test]
fn two_marked_comments_become_one_and_other_peoples_comments_stay() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    {
        let mut s = fake.state();
        let me = fixture("user.json");
        let (a, b, c) = (
            s.comment(&format!("{MARKER}\nan older run"), me.clone()),
            s.comment(&format!("{MARKER}\na racing run"), me),
            s.comment(&format!("{MARKER}\nquoted by someone else"), fixture("someone.json")),
        );
        s.comments = vec![a, b, c];
    }
    let ids: Vec<Value> = fake.state().comments.iter().map(|c| c["id"].clone()).collect();
    ok(&w.review(&fake));
    let requests = fake.requests();
    assert_eq!(
        requests[..4],
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("PATCH /repos/{REPO}/issues/comments/{}", ids[0]),
            format!("DELETE /repos/{REPO}/issues/comments/{}", ids[1]),
        ]
    );
    let left: Vec<Value> = fake.state().comments.iter().map(|c| c["id"].clone()).collect();
    assert_eq!(left, [ids[0].clone(), ids[2].clone()]);
}

#[test]
fn without_a_login_the_marked_bot_comment_is_ours() {
    // Actions tokens cannot read `GET /user`: a marked comment by a bot is ours, one by a person not
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    {
        let mut s = fake.state();
        s.me = None;
        let mine = s.comment(&format!("{MARKER}\nold"), fixture("github-actions.json"));
        let theirs = s.comment(&format!("{MARKER}\nforged"), fixture("someone.json"));
        // another app's bot is not us: only github-actions[bot] is, with an Actions token
        let mut other = fixture("github-actions.json");
        other["login"] = "renovate[bot]".into();
        let app = s.comment(&format!("{MARKER}\nanother app"), other);
        s.comments = vec![theirs, app, mine];
    }
    let id = fake.state().comments[2]["id"].clone();
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests()[..3],
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("PATCH /repos/{REPO}/issues/comments/{id}"),
        ]
    );
    assert_eq!(pr_bodies(&fake)[..2], [format!("{MARKER}\nforged"), format!("{MARKER}\nanother app")]);
}

#[test]
fn an_oversized_report_is_cut_below_the_limit_and_the_summary_has_everything() {
    let w = Work::new();
    w.raise_rto();
    // 40 contact files of 200 unknown nodes each: thousands of new findings
    for i in 0..40 {
        let text: String = (0..200).map(|j| format!("bogus-node-{i}-{j} \"@everyone #1 <b>x</b>\"\n")).collect();
        w.write(&format!("plans/contacts/junk-{i}.kdl"), &text);
    }
    w.commit("junk");
    let mut fake = Fake::start("");
    ok(&w.review(&fake));
    fake.requests();
    let body = &pr_bodies(&fake)[0];
    assert!(body.len() < 60_000, "{} bytes", body.len());
    assert!(body.starts_with(&format!("{MARKER}\n### ❌ Not ready to merge")), "{}", &body[..200]);
    assert!(body.contains("| payroll | changed |"), "the summary is never cut");
    assert!(body.contains("more: see the job summary"), "{}", &body[body.len() - 500..]);
    assert!(
        !body.contains("@everyone") && !body.contains("<b>") && !body.contains(" #1 "),
        "repository text is neutralised"
    );
    let summary = std::fs::read_to_string(w.summary_file()).unwrap();
    assert!(summary.len() > body.len() * 2, "the job summary holds the full report");
}

#[test]
fn every_page_of_comments_is_read_also_under_api_v3() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("/api/v3");
    {
        let mut s = fake.state();
        let mut list: Vec<Value> =
            (0..150).map(|i| s.comment(&format!("comment {i}"), fixture("someone.json"))).collect();
        list.push(s.comment(&format!("{MARKER}\nan old run"), fixture("user.json")));
        s.comments = list;
    }
    let id = fake.state().comments[150]["id"].clone();
    ok(&w.review(&fake));
    let comments = format!("/api/v3{}", comments_path());
    assert_eq!(
        fake.requests()[..4],
        [
            "GET /api/v3/user".to_string(),
            format!("GET {comments}"),
            format!("GET {comments}"),
            format!("PATCH /api/v3/repos/{REPO}/issues/comments/{id}"),
        ]
    );
    assert_eq!(pr_bodies(&fake).len(), 151);
}

#[test]
fn writes_are_capped_per_run() {
    // 30 marked comments of ours (a runaway race): one edit and 19 deletions, then the run stops
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    {
        let mut s = fake.state();
        s.comments = (0..30).map(|i| s.comment(&format!("{MARKER}\nrun {i}"), fixture("user.json"))).collect();
    }
    let out = w.review(&fake);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("already made 20 writes"), "{}", out.stderr);
    let requests = fake.requests();
    let writes = requests.iter().filter(|r| !r.starts_with("GET")).count();
    assert_eq!(writes, 20, "{requests:?}");
    assert_eq!(pr_bodies(&fake).len(), 11);
    // the next run goes on where it stopped
    ok(&w.review(&fake));
    assert_eq!(pr_bodies(&fake).len(), 1);
}

#[test]
fn a_5xx_on_post_is_not_sent_again() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().fail_posts = 1;
    let out = w.review(&fake);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("500"), "{}", out.stderr);
    let requests = fake.requests();
    assert_eq!(
        requests.iter().filter(|r| r.starts_with("POST") && r.ends_with("/comments")).count(),
        1,
        "{requests:?}"
    );
    // the status is independent of the comment: it is still set
    assert!(requests.last().unwrap().starts_with(&format!("POST /repos/{REPO}/statuses/")), "{requests:?}");
    // the next run makes the one comment
    ok(&w.review(&fake));
    assert_eq!(pr_bodies(&fake).len(), 1);
}

#[test]
fn a_403_with_retry_after_is_waited_out() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().rate_limited = 1;
    let started = std::time::Instant::now();
    let out = w.review(&fake);
    ok(&out);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(out.stderr.contains("rate limit") && out.stderr.contains("waiting 1s"), "{}", out.stderr);
    assert_eq!(
        fake.requests()[..4],
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
        ]
    );
}

#[test]
fn a_read_is_repeated_after_a_502_and_a_write_is_not() {
    let w = Work::new();
    let head = w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().bad_gateway_reads = 1;
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head}"),
        ]
    );
    w.edit("plans/plans/payroll.kdl", "objective mft-gateway rto=\"8h\"", "objective mft-gateway rto=\"12h\"");
    let head2 = w.commit("mft gateway RTO 12h");
    let id = fake.state().comments[0]["id"].clone();
    fake.state().bad_gateway_writes = 1;
    let out = w.review(&fake);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("502"), "{}", out.stderr);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("PATCH /repos/{REPO}/issues/comments/{id}"),
            format!("GET /repos/{REPO}/commits/{head2}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head2}"),
        ]
    );
}

#[test]
fn an_exhausted_rate_limit_is_waited_out_until_its_reset() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().primary_limited = 1;
    let started = std::time::Instant::now();
    let out = w.review(&fake);
    ok(&out);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(out.stderr.contains("GitHub rate limit (403)"), "{}", out.stderr);
    assert_eq!(
        fake.requests()[..4],
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
        ]
    );
}

#[test]
fn an_api_v3_base_path_works() {
    let w = Work::new();
    let head = w.raise_rto();
    let mut fake = Fake::start("/api/v3");
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /api/v3/user".to_string(),
            format!("GET /api/v3{}", comments_path()),
            format!("POST /api/v3{}", comments_path()),
            format!("GET /api/v3/repos/{REPO}/commits/{head}/statuses"),
            format!("POST /api/v3/repos/{REPO}/statuses/{head}"),
        ]
    );
}

#[test]
fn a_fork_workflow_run_resolves_its_pull_request_by_head_sha() {
    let w = Work::new();
    let head = w.raise_rto();
    let base = w.sha("main");
    let mut fake = Fake::start("");
    {
        let text = fixture("pull.json").to_string().replace("HEAD_SHA", &head).replace("BASE_SHA", &base);
        let mut pull: Value = serde_json::from_str(&text).unwrap();
        pull["user"] = fixture("someone.json");
        pull["head"]["user"] = fixture("someone.json");
        pull["head"]["repo"]["owner"] = fixture("someone.json");
        fake.state().pulls = vec![pull];
    }
    // for a fork, the event lists no pull request
    let event = w.event(
        "workflow_run",
        &json!({"action": "completed", "workflow_run": {"id": 1, "event": "pull_request", "head_sha": head,
            "head_branch": "rto", "pull_requests": [], "head_repository": {"full_name": "mallory/plans"}}}),
    );
    ok(&w.review_event(&fake, "workflow_run", &event));
    let requests = fake.requests();
    assert_eq!(requests[0], format!("GET /repos/{REPO}/commits/{head}/pulls"));
    assert!(requests.contains(&format!("POST {}", comments_path())), "{requests:?}");
    assert!(requests.contains(&format!("POST /repos/{REPO}/statuses/{head}")), "{requests:?}");
}

#[test]
fn a_fork_pull_request_the_commit_listing_misses_is_found_by_search() {
    let w = Work::new();
    let head = w.raise_rto();
    let base = w.sha("main");
    let mut fake = Fake::start("");
    {
        let text = fixture("pull.json").to_string().replace("HEAD_SHA", &head).replace("BASE_SHA", &base);
        let mut pull: Value = serde_json::from_str(&text).unwrap();
        pull["user"] = fixture("someone.json");
        let mut hits = fixture("search-issues.json");
        hits["items"][0]["user"] = fixture("someone.json");
        let mut s = fake.state();
        s.search = Some(hits);
        s.pull_requests = vec![pull];
    }
    let event = w.event(
        "workflow_run",
        &json!({"action": "completed", "workflow_run": {"head_sha": head, "pull_requests": []}}),
    );
    ok(&w.review_event(&fake, "workflow_run", &event));
    let requests = fake.requests();
    assert_eq!(
        requests[..3],
        [
            format!("GET /repos/{REPO}/commits/{head}/pulls"),
            "GET /search/issues".to_string(),
            format!("GET /repos/{REPO}/pulls/{PR}"),
        ]
    );
    assert!(requests.contains(&format!("POST {}", comments_path())), "{requests:?}");
}

#[test]
fn the_status_is_success_when_both_parties_sign_with_keys_the_base_trusts() {
    let w = Work::new();
    w.edit("plans/plans/payroll.kdl", "objective mft-gateway rto=\"8h\"", "objective mft-gateway rto=\"4h\"");
    w.sign("payroll", "client", "katharina.vogel", &w.example_key("katharina.vogel"));
    w.sign("payroll", "provider", "claudia.lange", &w.example_key("claudia.lange"));
    let head = w.commit("payroll: RTO 2d, signed");
    let fake = Fake::start("");
    ok(&w.review(&fake));
    assert_eq!(
        the_status(&fake, &head),
        ("success".into(), "the changed plan is approved by client and provider".into())
    );
    assert!(pr_bodies(&fake)[0].contains("✅ Katharina Vogel (katharina.vogel)"), "{}", pr_bodies(&fake)[0]);
    assert!(pr_bodies(&fake)[0].starts_with(&format!("{MARKER}\n### ✅ Ready to merge")), "{}", pr_bodies(&fake)[0]);
}

#[test]
fn the_status_is_failure_when_the_pull_request_adds_its_own_approver_key_and_signs_with_it() {
    let w = Work::new();
    w.edit("plans/plans/payroll.kdl", "objective mft-gateway rto=\"8h\"", "objective mft-gateway rto=\"4h\"");
    // the change gives katharina.vogel a second key it controls, and signs with it
    let (key, line) = w.keygen("forged");
    w.edit(
        "plans/contacts/hpb.kdl",
        "    may-approve #true\n    key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgdRSlaYSnWmNgdZJzUG3TpS0sesrz71d28FjColl9y",
        &format!("    may-approve #true\n    key \"{line}\" valid-after=\"2026-01-01\"\n    key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgdRSlaYSnWmNgdZJzUG3TpS0sesrz71d28FjColl9y"),
    );
    w.sign("payroll", "client", "katharina.vogel", &key);
    w.sign("payroll", "provider", "claudia.lange", &w.example_key("claudia.lange"));
    let head = w.commit("payroll: RTO 2d, signed with a new key");
    // on its own terms the head is approved ...
    let own = w.run(&["signoffs", "plans", "--format", "json"], &[]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    let own: Value = serde_json::from_str(&own.stdout).unwrap();
    let payroll = own["plans"].as_array().unwrap().iter().find(|p| p["plan"] == "payroll").unwrap().clone();
    assert_eq!(payroll["approved"], true, "{payroll}");
    // ... but not with the base's trust
    let fake = Fake::start("");
    ok(&w.review(&fake));
    let (state, description) = the_status(&fake, &head);
    assert_eq!(state, "failure");
    assert_eq!(
        description,
        "to sign: payroll: client jens.hoffmann/katharina.vogel/thomas.klein; client roster unsigned: sign --roster as jens.hoffmann/katharina.vogel…"
    );
    let body = &pr_bodies(&fake)[0];
    assert!(
        body.contains("❌ to sign (not counted against the base: Katharina Vogel (katharina.vogel); see the findings)"),
        "{body}"
    );
    assert!(body.contains("SIG017") && body.contains("SIG018"), "{body}");
    assert!(body.contains("❌ **The client's approver roster changes**"), "{body}");
}

#[test]
fn a_roster_change_fails_the_status_until_an_approver_of_the_base_signs_the_new_roster() {
    let w = Work::new();
    let (_, line) = w.keygen("new-key");
    w.edit(
        "plans/contacts/hpb.kdl",
        "    may-approve #true\n    key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgdRSlaYSnWmNgdZJzUG3TpS0sesrz71d28FjColl9y",
        &format!("    may-approve #true\n    key \"{line}\" valid-after=\"2026-01-01\"\n    key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAgdRSlaYSnWmNgdZJzUG3TpS0sesrz71d28FjColl9y"),
    );
    let head = w.commit("a second key for katharina.vogel");
    let fake = Fake::start("");
    ok(&w.review(&fake));
    assert_eq!(
        the_status(&fake, &head),
        (
            "failure".into(),
            "client roster unsigned: sign --roster as jens.hoffmann/katharina.vogel/thomas.klein".into()
        )
    );
    assert!(pr_bodies(&fake)[0].contains("After review, an approver of the client in the base signs it (`contingent sign --roster client`): Jens Hoffmann (jens.hoffmann), Katharina Vogel (katharina.vogel), Thomas Klein (thomas.klein)."), "{}", pr_bodies(&fake)[0]);
    // katharina.vogel signs the new roster with the key the base trusts
    let key = w.example_key("katharina.vogel");
    let out = w.run(
        &[
            "sign",
            "--roster",
            "client",
            "--as",
            "katharina.vogel",
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            "2026-11-01",
            "--repo",
            "plans",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let head = w.commit("the client's new roster, signed");
    let fake = Fake::start("");
    ok(&w.review(&fake));
    assert_eq!(the_status(&fake, &head), ("success".into(), "no plan changed: nothing to sign".into()));
}

#[test]
fn a_plan_the_change_breaks_fails_the_status() {
    let w = Work::new();
    w.edit("plans/plans/payroll.kdl", "objective mft-gateway rto=\"8h\"", "objective mft-gateway rto=");
    let head = w.commit("broken");
    let out = w.run(&["review", "plans", "--base", "main", "--head", "change", "--dry-run"], &[]);
    ok(&out);
    assert!(
        out.stdout
            .contains("| payroll | does not load | plans/plans/payroll.kdl does not load, so the plan's content and sign-offs cannot be judged | cannot be judged | cannot be judged |"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("status failure `contingent/sign-off` on {head}: payroll does not load\n")),
        "{}",
        out.stdout
    );
}

#[test]
fn dry_run_on_the_bundled_example_prints_the_comment_and_a_failure_status() {
    let w = Work::new();
    w.edit("plans/plans/payroll.kdl", "objective payroll-batch rto=\"1d\"", "objective payroll-batch rto=\"3d\"");
    w.edit("plans/plans/payroll.kdl", "    forbidden \"Reboot the batch server while a payroll run is active\"\n", "");
    w.edit(
        "plans/plans/payroll.kdl",
        "step \"Inform the HPB payroll application owner within one business day\"",
        "step \"Tell the HPB payroll application owner within one business day\"",
    );
    let head = w.commit("payroll: RTO 3d, reboot allowed, a step reworded");
    // nothing is listening there: a dry run sends nothing
    let out = w.run(
        &["review", "plans", "--base", "main", "--head", "change", "--dry-run"],
        &[("GITHUB_API_URL", "http://127.0.0.1:9"), ("GITHUB_TOKEN", TOKEN)],
    );
    ok(&out);
    let c = &out.stdout;
    // what blocks, first; then who must act, each approver once with the exact command
    assert!(
        c.starts_with(&format!(
            "{MARKER}\n### ❌ Not ready to merge\n\n**Blocks the merge:** 1 plan without the sign-off of both parties."
        )),
        "{c}"
    );
    assert!(c.contains("**The client must sign 1 plan** — one of: Jens Hoffmann (jens.hoffmann), Katharina Vogel (katharina.vogel), Thomas Klein (thomas.klein)."), "{c}");
    assert!(c.contains("contingent sign payroll plans --party client --as katharina.vogel\n"), "{c}");
    assert!(c.contains("contingent sign payroll plans --party provider --as claudia.lange\n"), "{c}");
    assert_eq!(c.matches("Katharina Vogel").count(), 1, "the approvers once per party: {c}");
    // the weaker changes next, whole, before the plans
    let weaker = c.find("#### ⚠️ Weaker (2)").expect("weaker changes");
    assert!(weaker < c.find("#### Plans (1)").unwrap(), "{c}");
    assert!(c.contains("- **plan payroll › objective payroll-batch › rto**: the recovery time objective (RTO) of payroll-batch is raised from 1d to 3d"), "{c}");
    assert!(c.contains("- **plan payroll › forbidden action**: forbidden action removed: it is no longer forbidden: was Reboot the batch server while a payroll run is active"), "{c}");
    assert!(c.contains("**Inform → Tell** the HPB payroll"), "{c}");
    assert!(c.contains("| payroll | changed |  | ❌ to sign | ❌ to sign |"), "{c}");
    // findings read as on the terminal: code spans, no backslashed backticks; the contract
    // breach open, the per-plan sign-off finding one line
    assert!(
        c.contains(
            "- **error** CON006 `plans/plans/payroll.kdl:11`: plan `payroll` allows an RTO of 3d for `payroll-batch`"
        ),
        "{c}"
    );
    assert!(!c.contains("\\`"), "{c}");
    assert!(c.contains("- SIG002 on 1 place: shown per plan above"), "{c}");
    assert!(
        out.stdout.contains(&format!(
            "status failure `contingent/sign-off` on {head}: to sign: payroll: client jens.hoffmann/katharina.vogel/thomas.klein, provider claudia.lange/michael.wagner\n"
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn the_token_is_never_printed_even_when_github_quotes_it() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().echo_token = true;
    // `Work::run` fails the test if the token is in the output
    let out = w.review(&fake);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("401") && out.stderr.contains("Bad credentials: Bearer ***"), "{}", out.stderr);
    assert_eq!(fake.requests()[..2], ["GET /user".to_string(), format!("GET {}", comments_path())]);
}

/// `review` runs no program (no `git`, no `ssh-keygen`: Git objects and signatures are read
/// natively), and a dry run opens no network connection. Traced with strace.
#[test]
fn review_runs_no_program_and_a_dry_run_connects_nowhere() {
    common::require("strace");
    let w = Work::new();
    w.raise_rto();
    let fake = Fake::start("");
    let event = w.pull_request_event();
    let url = fake.url();
    let summary = w.summary_file();
    let env: Vec<(&str, &str)> = vec![
        ("GITHUB_API_URL", &url),
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_REPOSITORY", REPO),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    for dry in [true, false] {
        let log = w.home.path().join("strace.log");
        let mut args = vec!["-f", "-qq", "-e", "trace=execve,execveat,connect", "-o", log.to_str().unwrap()];
        args.extend([env!("CARGO_BIN_EXE_contingent"), "review", "plans"]);
        if dry {
            args.push("--dry-run");
        }
        let out = w.run_program("strace", &args, &env);
        ok(&out);
        let trace = std::fs::read_to_string(&log).unwrap();
        let execs: Vec<&str> = trace.lines().filter(|l| l.contains("execve")).collect();
        assert_eq!(execs.len(), 1, "review ran programs:\n{trace}");
        let inet = trace.lines().filter(|l| l.contains("connect(") && l.contains("AF_INET")).count();
        if dry {
            assert_eq!(inet, 0, "a dry run connected:\n{trace}");
        } else {
            assert!(inet > 0, "{trace}");
        }
    }
}

/// A plan whose own file is unchanged still needs signing again when what its approval binds
/// changes (the level-1 contact's phone number: SIG019): the status fails, and both the table and
/// the domain diff name the plans.
#[test]
fn a_changed_contact_the_plans_rely_on_fails_the_status() {
    let w = Work::new();
    w.edit(
        "plans/contacts/rzn.kdl",
        "phone \"+49 40 555 2000\" available=\"24x7\"",
        "phone \"+49 40 555 2999\" available=\"24x7\"",
    );
    let head = w.commit("the duty desk has a new number");
    let out = w.run(&["review", "plans", "--base", "main", "--head", "change", "--dry-run"], &[]);
    ok(&out);
    // the cause beside the plan nobody edited, and what changed in the long value
    assert!(out.stdout.contains("| payroll | what it relies on changed | contact `rzn-duty-desk`: `phone` changed: +49 40 555 **2000 → 2999** (available 24x7)"), "{}", out.stdout);
    assert!(!out.stdout.contains("[\""), "no raw JSON: {}", out.stdout);
    assert!(
        out.stdout.contains(&format!("status failure `contingent/sign-off` on {head}: to sign: ")),
        "{}",
        out.stdout
    );
}

/// `review` reads `GITHUB_EVENT_PATH` before anything else: a device (`/dev/zero` would give
/// gigabytes in seconds), a named pipe (which would block) or a file over the limit is refused
/// at once with the limit named, never read without bound.
#[test]
fn the_event_file_is_read_within_a_limit() {
    common::require("mkfifo");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(30 << 20).unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let link = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    for (path, why) in [
        (Path::new("/dev/zero"), "is not a regular file"),
        (link.as_path(), "is not a regular file"),
        (fifo.as_path(), "is not a regular file"),
        (big.as_path(), "has 31457280 bytes"),
    ] {
        let start = std::time::Instant::now();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_contingent"));
        isolate(&mut cmd, dir.path());
        let mut child = cmd
            .args(["review", ".", "--dry-run"])
            .current_dir(dir.path())
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > std::time::Duration::from_secs(10) {
                let _ = child.kill();
                panic!("{}: no answer within 10 s", path.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let out = output(child.wait_with_output().unwrap());
        assert_eq!(status.code(), Some(2), "{}: {}", path.display(), out.stderr);
        assert!(out.stderr.contains(why), "{}: {}", path.display(), out.stderr);
        assert!(out.stderr.contains("at most 25 MiB"), "{}: {}", path.display(), out.stderr);
    }
}

/// 250 new plans and every forbidden action of the five plans of the example removed: the
/// comment shows every weaker change, whole, before the plans; the new plans are one row.
#[test]
fn the_comment_of_a_250_plan_pull_request_shows_every_weaker_change() {
    let w = Work::new();
    let payroll = w.read("plans/plans/payroll.kdl");
    for i in 0..250 {
        w.write(
            &format!("plans/plans/gen-{i:03}.kdl"),
            &payroll.replacen("plan payroll {", &format!("plan gen-{i:03} {{"), 1),
        );
    }
    for plan in ["backup-restore", "core-banking", "payment-orders", "payroll", "wan-connectivity"] {
        let path = format!("plans/plans/{plan}.kdl");
        let text: String = w
            .read(&path)
            .lines()
            .filter(|l| !l.trim_start().starts_with("forbidden "))
            .map(|l| format!("{l}\n"))
            .collect();
        w.write(&path, &text);
    }
    w.commit("250 plans, the forbidden actions gone");
    let diff = w.run(&["diff", "main", "change", "--format", "json", "--", "plans"], &[]);
    assert!(diff.code <= 1, "{}", diff.stderr);
    let diff: Value = serde_json::from_str(&diff.stdout).unwrap();
    let weaker: Vec<String> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["class"] == "weaker")
        .map(|c| c["path"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join(" › "))
        .collect();
    assert!(weaker.len() >= 30, "{weaker:?}");
    let mut fake = Fake::start("");
    ok(&w.review(&fake));
    fake.requests();
    let body = &pr_bodies(&fake)[0];
    assert!(body.len() <= 60_000, "{}", body.len());
    let section = &body[body.find(&format!("#### ⚠️ Weaker ({})", weaker.len())).expect("the weaker changes")..];
    let section = &section[..section.find("\n#### ").unwrap_or(section.len())];
    assert!(!section.contains("more: see the job summary"), "none cut: {section}");
    for path in &weaker {
        let shown = format!("- **{}**: ", path.replace('_', "\\_"));
        assert_eq!(
            section.matches(&shown).count(),
            weaker.iter().filter(|p| *p == path).count(),
            "{path} in {section}"
        );
    }
    assert!(body.find("#### ⚠️ Weaker").unwrap() < body.find("#### Plans").unwrap(), "weaker first");
    let plans = &body[body.find("#### Plans").unwrap()..];
    assert!(plans.contains("| 250 new plans: gen-000, gen-001, "), "the new plans in one row: {plans}");
    assert!(!body.contains("| gen-100 | new |"), "{body}");
    // the command signs every waiting plan in one line per approver
    assert!(body.contains("for plan in "), "{body}");
}

/// An identity that cannot be known fails the run before anything is written: a guess could
/// post a second comment.
#[test]
fn a_failed_get_user_fails_the_run_without_writing() {
    let w = Work::new();
    w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().user_fails = true;
    let out = w.review(&fake);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("cannot tell which account the token writes as"), "{}", out.stderr);
    assert!(fake.requests().iter().all(|r| r.starts_with("GET ")), "nothing written");
}

/// A read-only token (a fork's `pull_request`): the job summary is written, both writes are
/// tried and refused, the job says what the review found (red: the sign-off is missing), and the
/// log says the writes were refused.
#[test]
fn a_read_only_token_writes_the_summary_and_tries_both_writes() {
    let w = Work::new();
    let head = w.raise_rto();
    let mut fake = Fake::start("");
    fake.state().read_only = true;
    let out = w.review(&fake);
    assert_eq!(out.code, 1, "the sign-off is missing: {}{}", out.stdout, out.stderr);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("POST {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head}"),
        ]
    );
    assert!(
        out.stderr.contains("warning: the comment:") && out.stderr.contains("warning: the status:"),
        "{}",
        out.stderr
    );
    let summary = std::fs::read_to_string(w.summary_file()).unwrap();
    assert!(summary.contains("| payroll | changed |") && summary.contains("refused by GitHub"), "{summary}");
}

/// A pull request that changes no plan file gets no comment; one that had a comment from an
/// earlier push gets it cut to one line. The status is success.
#[test]
fn a_pull_request_of_documentation_only_gets_no_comment_or_one_line() {
    let w = Work::new();
    w.write("README.md", "# The plans\n");
    let head = w.commit("docs only");
    let mut fake = Fake::start("");
    ok(&w.review(&fake));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", comments_path()),
            format!("GET /repos/{REPO}/commits/{head}/statuses"),
            format!("POST /repos/{REPO}/statuses/{head}"),
        ]
    );
    assert!(pr_bodies(&fake).is_empty());
    assert_eq!(the_status(&fake, &head).0, "success");
    // an earlier push changed a plan: its comment becomes one line
    {
        let mut s = fake.state();
        let me = fixture("user.json");
        let old = s.comment(&format!("{MARKER}\nan earlier push"), me);
        s.comments.push(old);
    }
    ok(&w.review(&fake));
    let bodies = pr_bodies(&fake);
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].lines().count(), 2, "{}", bodies[0]);
    assert!(bodies[0].contains("changes no plan and nothing a plan relies on: nothing to sign"), "{}", bodies[0]);
}
