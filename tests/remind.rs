//! `contingent remind` against a fake GitHub API on 127.0.0.1 (wiremock): the dashboard issue's
//! life (created, left alone, updated, closed when nothing is due, reopened, recreated when
//! deleted), who each run mentions (the newly due only, each once, in a new comment), the exact
//! requests of each run, no second POST after a 5xx, the body's size on a generated repository,
//! and `--dry-run` on the bundled example. The fake answers with GitHub's full JSON shapes
//! (`tests/fixtures/github/`) and keeps state between runs. The clock is `--as-of`.

mod common;
use common::{copy_dir, output, Output};

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

#[path = "common/github.rs"]
mod github;
use github::{fixture, Fake, REPO, TOKEN};

const MARKER: &str = "<!-- contingent:remind v1 plans -->";
/// GitHub's limit on an issue or comment body, in characters.
const GITHUB_LIMIT: usize = 65_536;

/// The dashboard as the tests look at it.
trait Dashboard {
    fn dashboards(&self) -> Vec<Value>;
    fn dashboard(&self) -> Value;
    fn body(&self) -> String;
    fn comments(&self) -> Vec<String>;
    fn last_comment(&self) -> String;
}

impl Dashboard for Fake {
    /// Our dashboard issues.
    fn dashboards(&self) -> Vec<Value> {
        self.state()
            .issues
            .iter()
            .filter(|i| i["body"].as_str().unwrap_or("").starts_with(MARKER) && i["pull_request"].is_null())
            .cloned()
            .collect()
    }

    fn dashboard(&self) -> Value {
        let d = self.dashboards();
        assert_eq!(d.len(), 1, "one dashboard");
        d[0].clone()
    }

    fn body(&self) -> String {
        self.dashboard()["body"].as_str().unwrap().to_string()
    }

    fn comments(&self) -> Vec<String> {
        self.state().comments.iter().map(|c| c["body"].as_str().unwrap().to_string()).collect()
    }

    fn last_comment(&self) -> String {
        self.comments().last().cloned().expect("a comment")
    }
}

// ---------------------------------------------------------------------------------------------
// A plan repository: the bundled example, committed, as the scheduled job checks it out

struct Work {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

fn isolate<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    common::isolate(cmd).env("HOME", home).env("NO_COLOR", "1");
    for v in [
        "GITHUB_API_URL",
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_SERVER_URL",
        "GITHUB_REF_NAME",
        "GITHUB_RUN_ID",
        "GITHUB_SHA",
        "CONTINGENT_AS_OF",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

impl Work {
    fn new() -> Work {
        Work::from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
    }

    fn from(plans: &Path) -> Work {
        common::require("git");
        let w = Work { dir: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap() };
        copy_dir(plans, &w.path().join("plans"));
        w.git(&["init", "-q", "-b", "main"]);
        w.commit("the plans");
        w
    }

    fn path(&self) -> &Path {
        self.dir.path()
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

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
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

    /// `contingent remind plans --as-of DATE` as the scheduled job runs it.
    fn remind(&self, fake: &Fake, as_of: &str, extra: &[&str]) -> Output {
        let uri = fake.url();
        let mut args = vec!["remind", "plans", "--as-of", as_of];
        args.extend_from_slice(extra);
        self.run(&args, &[("GITHUB_API_URL", &uri), ("GITHUB_TOKEN", TOKEN), ("GITHUB_REPOSITORY", REPO)])
    }
}

fn ok(out: &Output) {
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

/// The logins a text mentions: `@login` not broken by a zero-width space.
fn mentions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('@') {
        let login: String = text[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if !login.is_empty() {
            out.push(login);
        }
    }
    out
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The dashboard's comments, read before a run mentions anyone (what the last run told).
fn comments_read(n: u64) -> String {
    format!("GET /repos/{REPO}/issues/{n}/comments")
}

fn issues_path() -> String {
    format!("/repos/{REPO}/issues")
}

// ---------------------------------------------------------------------------------------------

#[test]
fn first_run_mentions_every_owner_once_rerun_writes_nothing_a_week_later_only_the_newly_due() {
    let w = Work::new();
    // Katharina Vogel's contact details were last verified over a year ago
    w.edit("plans/contacts/hpb.kdl", "verified \"2026-09-14\"", "verified \"2026-05-20\"");
    let sha = w.commit("a stale contact");
    let mut fake = Fake::start("");

    let first = w.remind(&fake, "2026-12-01", &["--label", "emergency-plans", "--assignee", "kvogel-hpb"]);
    ok(&first);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            format!("POST {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert!(
        fake.queries().iter().any(|q| q.starts_with("/search/issues ") && q.contains("author%3Aplans-bot")),
        "{:?}",
        fake.queries()
    );
    let issue = fake.dashboard();
    assert_eq!(issue["title"], "contingent: what falls due in the emergency plans (plans)");
    assert_eq!(issue["labels"][0]["name"], "emergency-plans");
    assert_eq!(issue["assignees"][0]["login"], "kvogel-hpb");
    let body = fake.body();
    assert!(body.starts_with(&format!("{MARKER}\n## What falls due: by 2026-12-31 (as of 2026-12-01)")), "{body}");
    assert_eq!(mentions(&body), Vec::<String>::new(), "the dashboard names owners, it mentions nobody: {body}");
    assert!(body.contains("**8 items** due within 30d or overdue (1 overdue): 1 contact verification, 2 exercises, 3 restore tests, 2 open findings."), "{body}");
    // one table by urgency across kinds: the most overdue first, then by due date
    let dates: Vec<&str> = body.lines().filter(|l| l.starts_with("| 20")).map(|l| &l[2..12]).collect();
    assert_eq!(dates.len(), 8, "{body}");
    assert!(dates.windows(2).all(|d| d[0] <= d[1]), "{dates:?}");
    assert!(
        body.contains(&format!(
            "| 2026-11-20 | ⚠️ overdue by 11 days | contact verification | verify the contact details of Katharina Vogel (katharina.vogel) | Katharina Vogel | [plans/contacts/hpb.kdl:25](https://github.com/{REPO}/blob/{sha}/plans/contacts/hpb.kdl#L25) |"
        )),
        "{body}"
    );
    // how to opt out, and the box only Katharina Vogel's own login can tick
    assert!(body.contains("Close this issue as **not planned**"), "{body}");
    assert!(
        body.contains("- [ ] <!-- contingent:verify katharina.vogel --> **Katharina Vogel**: my contact details in "),
        "{body}"
    );
    let comments = fake.comments();
    assert_eq!(comments.len(), 1);
    let c = &comments[0];
    let m = mentions(c);
    assert_eq!(m.len(), 8, "everyone once: {c}");
    assert_eq!(
        m.iter().cloned().collect::<BTreeSet<_>>(),
        set(&[
            "kvogel-hpb",
            "skrueger-hpb",
            "clange-rzn",
            "srichter-rzn",
            "jhoffmann-hpb",
            "oneumann-rzn",
            "aschmidt-hpb",
            "mwagner-rzn"
        ])
    );
    // an owner without a login: their deputy is mentioned for them, not the first approver
    assert!(
        c.contains(
            "@srichter-rzn (Stefan Richter)\n- due today (2026-12-01): hold the restore test of plan payment-orders"
        ),
        "{c}"
    );
    assert!(c.contains("8 items newly due;"), "{c}");
    // overdue first, with how long, and what to do
    assert_eq!(m[0], "kvogel-hpb", "{c}");
    assert!(
        c.contains(&format!("@kvogel-hpb (Katharina Vogel)\n- ⚠️ **overdue by 11 days** (due 2026-11-20): verify your contact details and update `verified` in [plans/contacts/hpb.kdl:25](https://github.com/{REPO}/blob/{sha}/plans/contacts/hpb.kdl#L25)")),
        "{c}"
    );
    // Dirk Hansen's deputy (the duty desk) has no login: the desk's deputy stands in
    assert!(
        c.contains("@mwagner-rzn (Michael Wagner)\n- due in 8 days (2026-12-09): hold the alarm-test of plan payroll"),
        "{c}"
    );
    assert!(c.contains("— for Dirk Hansen, who has no GitHub login"), "{c}");
    assert!(first.stdout.contains("issue created") && first.stdout.contains("comment mentioning"), "{}", first.stdout);

    // the same run again: reads only
    let again = w.remind(&fake, "2026-12-01", &[]);
    ok(&again);
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);
    assert!(again.stdout.contains("issue unchanged; nobody newly due"), "{}", again.stdout);
    assert_eq!(fake.comments().len(), 1);

    // a week later: the restore test of payment-orders is overdue now (escalated), the alarm
    // test of wan-connectivity falls within the window; nobody else is mentioned
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            comments_read(1),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    let c = fake.last_comment();
    assert_eq!(
        mentions(&c).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn", "srichter-rzn", "lpetersen-hpb", "fmeyer-rzn"]),
        "{c}"
    );
    // what is new and what escalated, told apart
    assert!(
        c.contains(
            "1 item newly due, 1 item overdue now (announced before as due soon) since the last run (2026-12-01)"
        ),
        "{c}"
    );
    assert!(c.find("overdue by 7 days").unwrap() < c.find("due in 30 days").unwrap(), "overdue first: {c}");
    assert!(fake.body().contains("as of 2026-12-08"));
    // and the same day again: nobody twice
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);

    // Katharina Vogel verifies her details: her row goes, nobody is mentioned
    w.edit("plans/contacts/hpb.kdl", "verified \"2026-05-20\"", "verified \"2026-12-08\"");
    w.commit("contact verified");
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(
        fake.requests(),
        ["GET /user".to_string(), "GET /search/issues".to_string(), format!("PATCH {}/1", issues_path())]
    );
    let body = fake.body();
    assert!(!body.contains("Katharina Vogel") && !body.contains("Contact verifications"), "{body}");
    assert_eq!(fake.comments().len(), 2);
    assert_eq!(fake.dashboard()["state"], "open");
}

#[test]
fn nothing_due_closes_the_dashboard_something_due_reopens_it_and_a_deleted_one_is_recreated() {
    let w = Work::new();
    let mut fake = Fake::start("");
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(fake.requests().len(), 5);
    assert_eq!(
        mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn", "srichter-rzn"])
    );

    // the restore test of payment-orders is held: nothing is due, the issue says so and closes
    w.edit("plans/exercises/payment-orders.kdl", "date \"2026-09-01\"", "date \"2026-11-01\"");
    w.commit("restore test held");
    let closed = w.remind(&fake, "2026-11-01", &[]);
    ok(&closed);
    assert_eq!(
        fake.requests(),
        ["GET /user".to_string(), "GET /search/issues".to_string(), format!("PATCH {}/1", issues_path())]
    );
    let issue = fake.dashboard();
    assert_eq!((issue["state"].as_str(), issue["state_reason"].as_str()), (Some("closed"), Some("completed")));
    assert!(fake.body().contains("Nothing is due within 30d and nothing is overdue."), "{}", fake.body());
    assert!(closed.stdout.contains("issue closed: nothing due"), "{}", closed.stdout);
    // closed and still nothing due: reads only
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);

    // a month later things fall due again: the same issue is reopened, the owners mentioned
    let reopened = w.remind(&fake, "2026-12-01", &[]);
    ok(&reopened);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            comments_read(1),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert_eq!(fake.dashboard()["state"], "open");
    assert!(reopened.stdout.contains("issue reopened"), "{}", reopened.stdout);
    let told = mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>();
    assert_eq!(
        told,
        set(&["skrueger-hpb", "srichter-rzn", "jhoffmann-hpb", "oneumann-rzn", "aschmidt-hpb", "mwagner-rzn"])
    );

    // someone deleted the dashboard: it is made again, and its first comment tells everyone
    fake.state().issues.clear();
    ok(&w.remind(&fake, "2026-12-01", &[]));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            format!("POST {}", issues_path()),
            format!("POST {}/2/comments", issues_path()),
            format!("PATCH {}/2", issues_path()),
        ]
    );
    assert_eq!(fake.dashboard()["number"], 2);
    assert_eq!(mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>(), told);
}

#[test]
fn with_an_actions_token_only_bot_issues_count_and_others_marked_issues_or_pull_requests_do_not() {
    let w = Work::new();
    let mut fake = Fake::start("");
    {
        let mut s = fake.state();
        s.me = None; // GET /user is refused, as for GITHUB_TOKEN
        let forged = s.issue(
            "forged",
            &format!("{MARKER}\n<!-- contingent:remind-state v1 {{\"announced\":\"\"}} -->"),
            fixture("someone.json"),
        );
        let mut pr = s.issue("a pull request", &format!("{MARKER}\n"), fixture("github-actions.json"));
        pr["pull_request"] = json!({"url": format!("https://api.github.com/repos/{REPO}/pulls/2"), "html_url": format!("https://github.com/{REPO}/pull/2"), "diff_url": format!("https://github.com/{REPO}/pull/2.diff"), "patch_url": format!("https://github.com/{REPO}/pull/2.patch"), "merged_at": null});
        s.issues = vec![forged, pr];
        // 150 other issues before ours: the listing has two pages
        for k in 0..150 {
            let other = s.issue(&format!("issue {k}"), "something else", fixture("someone.json"));
            s.issues.push(other);
        }
    }
    ok(&w.remind(&fake, "2026-11-01", &[]));
    let requests = fake.requests();
    assert_eq!(
        requests,
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            format!("POST {}", issues_path()),
            format!("POST {}/153/comments", issues_path()),
            format!("PATCH {}/153", issues_path()),
        ]
    );
    assert_eq!(fake.state().issues[152]["user"]["login"], "github-actions[bot]");
    // found again as the bot's
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);
    assert_eq!(fake.comments().len(), 1);
    let q = fake.queries();
    assert!(
        q.iter().any(|q| q.contains("author%3Aapp%2Fgithub-actions")),
        "the bot is searched as app/github-actions: {q:?}"
    );
}

#[test]
fn a_comment_answered_with_500_is_not_sent_again_and_the_next_run_mentions_them() {
    let w = Work::new();
    let mut fake = Fake::start("");
    fake.state().fail_posts = 1;
    let failed = w.remind(&fake, "2026-11-01", &[]);
    assert_eq!(failed.code, 2, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stderr.contains("not sent again"), "{}", failed.stderr);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            format!("POST {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
        ]
    );
    // the issue was made without recording the announcement: the next run makes it
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            comments_read(1),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert_eq!(
        mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn", "srichter-rzn"])
    );
}

/// A generated repository of 1,000 plans (bench/gen.py), everything overdue: about 4,500 items,
/// some 1.2 MB of table before summarising. (The 10,000-plan repository takes 45 s per run in a
/// debug build; the same code path.)
#[test]
fn on_a_generated_repository_the_body_is_summarised_within_githubs_limit_never_cut_mid_row() {
    common::require("python3");
    let gen = tempfile::tempdir().unwrap();
    let out = output(
        Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen.py"))
            .arg(gen.path().join("plans"))
            .args(["--plans", "1000"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let w = Work::from(&gen.path().join("plans"));
    let mut fake = Fake::start("");
    ok(&w.remind(&fake, "2028-06-01", &[]));
    assert_eq!(fake.requests().len(), 5);
    let body = fake.body();
    assert!(body.len() <= 60_000 && body.chars().count() < GITHUB_LIMIT, "{} bytes", body.len());
    assert!(body.contains("more not shown here"), "summarised");
    let rows: Vec<&str> = body.lines().filter(|l| l.starts_with("| 20")).collect();
    assert!(rows.len() > 50, "{} rows shown", rows.len());
    assert!(rows.iter().all(|r| r.ends_with(" |") && r.matches(" | ").count() == 5), "whole rows only");
    for h in ["1500 contact verifications", "2000 exercises", "1000 restore tests"] {
        assert!(body.contains(h), "{h}");
    }
    // by urgency across kinds: the shown rows are the most overdue
    let dates: Vec<&str> = rows.iter().map(|l| &l[2..12]).collect();
    assert!(dates.windows(2).all(|d| d[0] <= d[1]), "{dates:?}");
    let c = fake.last_comment();
    let first: Vec<String> = mentions(&c);
    assert!(c.len() <= 60_000 && first.len() <= 50, "{} bytes, {} mentions", c.len(), first.len());
    assert!(c.contains("more to tell: the next run mentions their owners"), "{c}");
    // the next run tells the next ones, no line twice
    ok(&w.remind(&fake, "2028-06-01", &[]));
    assert_eq!(fake.requests().len(), 5, "with the read of the dashboard's comments");
    let c2 = fake.last_comment();
    let second = mentions(&c2);
    assert!(second.iter().any(|l| !first.contains(l)), "{first:?} {second:?}");
    let told = |c: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut who = String::new();
        for l in c.lines() {
            if l.starts_with('@') {
                who = l.to_string();
            } else if l.starts_with("- ") {
                out.insert(format!("{who} {l}"));
            }
        }
        out
    };
    let (one, two) = (told(&c), told(&c2));
    assert!(!one.is_empty() && !two.is_empty() && one.is_disjoint(&two), "a line told twice");
    assert!(fake.body().len() <= 60_000);
}

#[test]
fn dry_run_on_the_bundled_example_a_month_apart_mentions_exactly_the_right_people() {
    let w = Work::new();
    let env = [("GITHUB_API_URL", "http://127.0.0.1:9"), ("GITHUB_TOKEN", TOKEN)];
    let nov = w.run(&["remind", "plans", "--dry-run", "--as-of", "2026-11-01", "--repo", REPO], &env);
    ok(&nov);
    let (body, comment) = nov.stdout.split_once("\n---\n").expect("body, then the comment");
    assert!(body.starts_with(MARKER) && body.contains("1 restore test."), "{body}");
    assert_eq!(mentions(body), Vec::<String>::new());
    assert_eq!(
        mentions(comment.split_once("\n\n").unwrap().1),
        ["skrueger-hpb", "clange-rzn", "srichter-rzn"],
        "{comment}"
    );
    assert!(comment.contains("@srichter-rzn (Stefan Richter)\n- due in 30 days (2026-12-01): hold the restore test of plan payment-orders"), "{comment}");
    assert!(comment.contains("— for Nina Schulz, who has no GitHub login"), "{comment}");

    let dec = w.run(&["remind", "plans", "--dry-run", "--as-of", "2026-12-01"], &env);
    ok(&dec);
    let (body, comment) = dec.stdout.split_once("\n---\n").unwrap();
    assert_eq!(mentions(body), Vec::<String>::new());
    assert!(body.contains("`plans/contacts/") || body.contains("`plans/plans/"), "no repository: places, no links");
    assert_eq!(
        mentions(comment.split_once("\n\n").unwrap().1),
        ["skrueger-hpb", "clange-rzn", "srichter-rzn", "jhoffmann-hpb", "oneumann-rzn", "aschmidt-hpb", "mwagner-rzn"],
        "{comment}"
    );
    // an owner without a login: named, their deputy (Oliver Neumann for Katrin Wolf) mentioned
    assert!(comment.contains("also for Katrin Wolf, who has no GitHub login"), "{comment}");
}

#[test]
fn repository_text_is_neutralised_in_the_dashboard_and_the_comment() {
    let w = Work::new();
    w.edit(
        "plans/exercises/payment-orders.kdl",
        "There is no written four-eyes procedure",
        "@everyone see #123 <img src=x onerror=alert(1)> | ](https://evil.example) *bold*",
    );
    w.commit("a crafted finding");
    let out = w.run(&["remind", "plans", "--dry-run", "--as-of", "2026-12-01", "--repo", REPO], &[]);
    ok(&out);
    assert!(!mentions(&out.stdout).contains(&"everyone".to_string()), "{}", out.stdout);
    for bad in ["#123", "<img", "| ](https", "*bold*"] {
        assert!(!out.stdout.contains(bad), "{bad} in {}", out.stdout);
    }
    assert!(out.stdout.contains("&lt;img") && out.stdout.contains("\\| \\](https"), "{}", out.stdout);
}

#[test]
fn refused_without_a_repository_or_a_token_and_bad_arguments() {
    let w = Work::new();
    let no_repo = w.run(&["remind", "plans", "--as-of", "2026-11-01"], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(no_repo.code, 2);
    assert!(no_repo.stderr.contains("--repo OWNER/NAME"), "{}", no_repo.stderr);
    let no_token = w.run(&["remind", "plans", "--as-of", "2026-11-01", "--repo", REPO], &[]);
    assert_eq!(no_token.code, 2);
    assert!(no_token.stderr.contains("GITHUB_TOKEN is not set"), "{}", no_token.stderr);
    let bad = w.run(&["remind", "plans", "--dry-run", "--assignee", "not a login"], &[]);
    assert_eq!(bad.code, 2);
    let within = w.run(&["remind", "plans", "--dry-run", "--within", "soon"], &[]);
    assert_eq!(within.code, 2);
    assert!(within.stderr.contains("invalid --within"), "{}", within.stderr);
}

#[test]
fn a_rate_limit_is_waited_out_and_of_two_open_dashboards_the_older_is_kept_and_the_other_closed() {
    let w = Work::new();
    let mut fake = Fake::start("");
    ok(&w.remind(&fake, "2026-11-01", &[]));
    fake.requests();
    {
        // a racing run made a second dashboard
        let mut s = fake.state();
        let body = s.issues[0]["body"].as_str().unwrap().to_string();
        let dup = s.issue("contingent: what falls due in the emergency plans (plans)", &body, fixture("user.json"));
        s.issues.push(dup);
        s.rate_limited = 1;
    }
    let out = w.remind(&fake, "2026-11-01", &[]);
    ok(&out);
    assert!(out.stderr.contains("rate limit"), "{}", out.stderr);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            "GET /search/issues".to_string(),
            format!("PATCH {}/2", issues_path()),
        ]
    );
    let s = fake.state();
    assert_eq!((s.issues[0]["state"].as_str(), s.issues[1]["state"].as_str()), (Some("open"), Some("closed")));
    assert!(out.stdout.contains("duplicate #2 closed"), "{}", out.stdout);
    assert_eq!(s.comments.len(), 1, "nobody mentioned again");
}

/// The checkbox loop: Katharina Vogel is due for verification; her own login ticks her box,
/// mallory ticks it too and another's: the next run opens one pull request that sets her
/// `verified` date to the day she ticked it, naming who confirmed, and says the other tick was
/// ignored. A run with nothing new writes nothing more to the pull request.
#[test]
fn a_tick_by_the_contacts_own_login_opens_the_pull_request_that_sets_the_verified_date() {
    let w = Work::new();
    w.edit("plans/contacts/hpb.kdl", "verified \"2026-09-14\"", "verified \"2026-05-20\"");
    let sha = w.commit("a stale contact");
    let mut fake = Fake::start("");
    let env = |fake: &Fake| {
        vec![
            ("GITHUB_API_URL", fake.url()),
            ("GITHUB_TOKEN", TOKEN.to_string()),
            ("GITHUB_REPOSITORY", REPO.to_string()),
            ("GITHUB_REF_NAME", "main".to_string()),
        ]
    };
    let run = |fake: &Fake| {
        let e = env(fake);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.run(&["remind", "plans", "--as-of", "2026-12-05"], &e)
    };
    ok(&run(&fake));
    fake.requests();
    let body = fake.body();
    let ticked = body.replace(
        "- [ ] <!-- contingent:verify katharina.vogel -->",
        "- [x] <!-- contingent:verify katharina.vogel -->",
    );
    assert_ne!(ticked, body, "her box: {body}");
    fake.state().edit_body(1, "kvogel-hpb", "2026-12-03T09:15:00Z", &ticked);
    // someone else ticks the box of another contact (made due here by hand)
    let forged = format!("{ticked}\n- [x] <!-- contingent:verify claudia.lange -->\n");
    fake.state().edit_body(1, "mallory", "2026-12-04T10:00:00Z", &forged);

    let out = run(&fake);
    ok(&out);
    let requests = fake.requests();
    assert_eq!(
        requests,
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            "POST /graphql".to_string(),
            format!("POST /repos/{REPO}/git/trees"),
            format!("POST /repos/{REPO}/git/commits"),
            "GET /repos/octo-org/plans/git/ref/heads/contingent-verified-contacts-plans".to_string(),
            format!("POST /repos/{REPO}/git/refs"),
            format!("GET /repos/{REPO}/pulls"),
            format!("POST /repos/{REPO}/pulls"),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert!(out.stdout.contains("katharina.vogel confirmed by kvogel-hpb on 2026-12-03"), "{}", out.stdout);
    let s = fake.state();
    // the tree: hpb.kdl with her verified date set to the day of the tick, on top of the commit
    let tree = s.trees.values().next().unwrap().clone();
    assert_eq!(tree["base_tree"].as_str().unwrap().len(), 40);
    let entry = &tree["tree"][0];
    assert_eq!(entry["path"], "plans/contacts/hpb.kdl");
    let text = entry["content"].as_str().unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(w.path().join("plans/contacts/hpb.kdl")).unwrap().replacen(
            "verified \"2026-05-20\"",
            "verified \"2026-12-03\"",
            1
        )
    );
    let commit = s.commits.values().next().unwrap();
    assert_eq!(commit["parents"][0]["sha"], sha.as_str());
    let pull = &s.pull_requests[0];
    assert_eq!(
        (pull["head"]["ref"].as_str(), pull["base"]["ref"].as_str()),
        (Some("contingent-verified-contacts-plans"), Some("main"))
    );
    let pr_body = pull["body"].as_str().unwrap();
    assert!(
        pr_body.contains(
            "Katharina Vogel (katharina.vogel): `verified \"2026-12-03\"`, confirmed on the dashboard by `kvogel-hpb`"
        ),
        "{pr_body}"
    );
    assert_eq!(mentions(pr_body), Vec::<String>::new(), "{pr_body}");
    // the dashboard: her box stays ticked, naming who and the pull request; mallory's tick ignored
    let dash = s.issues[0]["body"].as_str().unwrap().to_string();
    drop(s);
    assert!(dash.contains("- [x] <!-- contingent:verify katharina.vogel --> **Katharina Vogel**"), "{dash}");
    assert!(dash.contains("confirmed by `kvogel-hpb` on 2026-12-03: pull request 100"), "{dash}");
    assert!(dash.contains("- ignored: a tick by `mallory` on 2026-12-04 for Claudia Lange: only the contact's own GitHub login confirms their details"), "{dash}");
    assert!(out.stdout.contains("a tick by mallory for claudia.lange ignored"), "{}", out.stdout);

    // again: nothing new, nothing written to the pull request
    ok(&run(&fake));
    let again = fake.requests();
    assert!(again.iter().all(|r| !r.contains("/git/") && !r.contains("/pulls") && r != "POST /graphql"), "{again:?}");
}

/// A 500 after GitHub made the mention comment: the next run reads the hidden keys of that
/// comment and mentions nobody again.
#[test]
fn a_mention_comment_made_despite_a_500_is_not_posted_again() {
    let w = Work::new();
    let mut fake = Fake::start("");
    ok(&w.remind(&fake, "2026-11-01", &[]));
    fake.requests();
    // a month later: new items; the comment is made, but GitHub answers 500
    fake.state().fail_posts_after = 1;
    let failed = w.remind(&fake, "2026-12-01", &[]);
    assert_eq!(failed.code, 2, "{}{}", failed.stdout, failed.stderr);
    assert_eq!(fake.comments().len(), 2);
    fake.requests();
    let next = w.remind(&fake, "2026-12-01", &[]);
    ok(&next);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            "GET /search/issues".to_string(),
            comments_read(1),
            format!("PATCH {}/1", issues_path())
        ]
    );
    assert_eq!(fake.comments().len(), 2, "nobody mentioned twice");
    assert!(next.stdout.contains("nobody newly due"), "{}", next.stdout);
}

/// A person closes the dashboard as not planned: the next runs leave it closed and mention
/// nobody until something new falls due; with --keep-closed, for good.
#[test]
fn a_dashboard_closed_as_not_planned_is_heard_until_something_new_falls_due() {
    let w = Work::new();
    let mut fake = Fake::start("");
    ok(&w.remind(&fake, "2026-11-01", &[]));
    {
        let mut s = fake.state();
        s.issues[0]["state"] = "closed".into();
        s.issues[0]["state_reason"] = "not_planned".into();
    }
    fake.requests();
    let quiet = w.remind(&fake, "2026-11-02", &[]);
    ok(&quiet);
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);
    assert!(quiet.stdout.contains("closed as not planned, left closed"), "{}", quiet.stdout);
    // with --keep-closed, even new items leave it closed
    ok(&w.remind(&fake, "2026-12-01", &["--keep-closed"]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), "GET /search/issues".to_string()]);
    // something new falls due: reopened, its owners mentioned
    let reopened = w.remind(&fake, "2026-12-01", &[]);
    ok(&reopened);
    assert!(reopened.stdout.contains("issue reopened"), "{}", reopened.stdout);
    assert_eq!(fake.dashboard()["state"], "open");
}

/// An assignee GitHub refuses: the error names the field, and the dashboard is made without it.
/// A failed `GET /user` fails the run before anything is written.
#[test]
fn a_refused_assignee_is_named_and_a_failed_identity_stops_the_run() {
    let w = Work::new();
    let mut fake = Fake::start("");
    let out = w.remind(&fake, "2026-11-01", &["--assignee", "nobody-here"]);
    ok(&out);
    assert!(out.stderr.contains("the field `assignees` `nobody-here` is invalid"), "{}", out.stderr);
    assert_eq!(fake.dashboard()["assignees"].as_array().map(Vec::len), Some(0));
    fake.requests();
    fake.state().user_fails = true;
    let failed = w.remind(&fake, "2026-12-01", &[]);
    assert_eq!(failed.code, 2, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stderr.contains("cannot tell which account the token writes as"), "{}", failed.stderr);
    assert!(fake.requests().iter().all(|r| r.starts_with("GET ")), "nothing written");
}

/// The action's remind step passes labels and assignees with quotes through unharmed (it trims
/// with the shell, not with `xargs`, which strips quotes or stops at one).
#[test]
fn the_actions_remind_step_passes_labels_with_quotes_unharmed() {
    common::require("bash");
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let step = &action[action.find("- name: contingent remind").expect("the remind step")..];
    let run = &step[step.find("      run: |\n").unwrap() + "      run: |\n".len()..];
    let script: String = run
        .lines()
        .take_while(|l| l.starts_with("        ") || l.is_empty())
        .map(|l| format!("{}\n", l.get(8..).unwrap_or("")))
        .collect();
    let temp = tempfile::tempdir().unwrap();
    let bin = temp.path().join("contingent/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("contingent"), "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("contingent"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = output(
        Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("RUNNER_TEMP", temp.path())
            .env("PLANS", "plans")
            .env("WITHIN", "30d")
            .env("LABELS", " it's \"urgent\" , plain ,")
            .env("ASSIGNEES", " kvogel-hpb ")
            .env("DRY_RUN", "false")
            .env("AS_OF", "")
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("<--label>\n<it's \"urgent\">\n<--label>\n<plain>\n<--assignee>\n<kvogel-hpb>\n"),
        "{}",
        out.stdout
    );
}
