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
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "ghs_TESTtoken0123456789abcdefSECRET";
const REPO: &str = "octo-org/plans";
const MARKER: &str = "<!-- contingent:remind v1 plans -->";
/// GitHub's limit on an issue or comment body, in characters.
const GITHUB_LIMIT: usize = 65_536;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The fake GitHub API: issues and their comments

#[derive(Default)]
struct State {
    /// The answer to `GET /user`; `None`: 403, as for an Actions token.
    me: Option<Value>,
    /// Issues (and pull requests, which GitHub's issue listing includes), oldest first.
    issues: Vec<Value>,
    /// Comments: (issue number, comment).
    comments: Vec<(u64, Value)>,
    next_number: u64,
    next_comment: u64,
    minute: u64,
    /// The next this many comment POSTs fail with 500 (after doing nothing).
    fail_comment_posts: usize,
    /// The next this many issue listings are refused with 403 and `retry-after: 1`.
    rate_limited: usize,
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

fn label(name: &str) -> Value {
    let mut l = fixture("label.json");
    l["name"] = name.into();
    l["url"] = format!("https://api.github.com/repos/{REPO}/labels/{name}").into();
    l
}

fn user(login: &str) -> Value {
    let mut u = fixture("someone.json");
    u["login"] = login.into();
    u["url"] = format!("https://api.github.com/users/{login}").into();
    u["html_url"] = format!("https://github.com/{login}").into();
    u
}

impl State {
    fn at(&mut self) -> String {
        self.minute += 1;
        format!("2026-11-01T{:02}:{:02}:00Z", 10 + self.minute / 60, self.minute % 60)
    }

    fn issue(&mut self, title: &str, body: &str, author: Value) -> Value {
        self.next_number += 1;
        let n = self.next_number;
        let mut i = fixture("issue.json");
        i["number"] = n.into();
        i["id"] = (2601234500 + n).into();
        for (k, tail) in [
            ("url", ""),
            ("labels_url", "/labels{/name}"),
            ("comments_url", "/comments"),
            ("events_url", "/events"),
            ("timeline_url", "/timeline"),
        ] {
            i[k] = format!("https://api.github.com/repos/{REPO}/issues/{n}{tail}").into();
        }
        i["reactions"]["url"] = format!("https://api.github.com/repos/{REPO}/issues/{n}/reactions").into();
        i["html_url"] = format!("https://github.com/{REPO}/issues/{n}").into();
        i["title"] = title.into();
        i["body"] = body.into();
        i["user"] = author;
        let at = self.at();
        i["created_at"] = at.clone().into();
        i["updated_at"] = at.into();
        i
    }

    fn issue_mut(&mut self, n: &str) -> Option<&mut Value> {
        self.issues.iter_mut().find(|i| i["number"].as_u64().map(|x| x.to_string()).as_deref() == Some(n))
    }

    fn me_or_bot(&self) -> Value {
        self.me.clone().unwrap_or_else(|| fixture("github-actions.json"))
    }
}

impl Respond for Api {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {TOKEN}") {
            return json_response(401, json!({"message": "Requires authentication", "status": "401"}));
        }
        let path = req.url.path().to_string();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let repo: Vec<&str> = REPO.split('/').collect();
        let query: std::collections::HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", ["user"]) => match &s.me {
                Some(me) => json_response(200, me.clone()),
                None => json_response(403, fixture("error-user.json")),
            },
            (m, ["repos", o, r, rest @ ..]) if *o == repo[0] && *r == repo[1] => match (m, rest) {
                ("GET", ["issues"]) => {
                    if s.rate_limited > 0 {
                        s.rate_limited -= 1;
                        return json_response(403, fixture("error-forbidden.json")).insert_header("retry-after", "1");
                    }
                    assert_eq!(query.get("state").map(String::as_str), Some("all"), "closed issues are listed too");
                    let creator = query.get("creator");
                    let list: Vec<Value> = s
                        .issues
                        .iter()
                        .filter(|i| creator.is_none_or(|c| i["user"]["login"].as_str() == Some(c)))
                        .cloned()
                        .collect();
                    let per_page: usize = query.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(30);
                    let page: usize = query.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
                    let pages = list.len().div_ceil(per_page).max(1);
                    let slice: Vec<Value> = list.into_iter().skip((page - 1) * per_page).take(per_page).collect();
                    let mut response = json_response(200, Value::Array(slice));
                    if page < pages {
                        let mut q: Vec<(String, String)> =
                            query.iter().filter(|(k, _)| *k != "page").map(|(k, v)| (k.clone(), v.clone())).collect();
                        q.sort();
                        let q: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        let link = |n: usize| format!("<{}{path}?{}&page={n}>", self.origin, q.join("&"));
                        response = response.insert_header(
                            "link",
                            format!("{}; rel=\"next\", {}; rel=\"last\"", link(page + 1), link(pages)).as_str(),
                        );
                    }
                    response
                }
                ("POST", ["issues"]) => {
                    let me = s.me_or_bot();
                    let mut i = s.issue(body["title"].as_str().unwrap(), body["body"].as_str().unwrap(), me);
                    if let Some(ls) = body["labels"].as_array() {
                        i["labels"] = ls.iter().map(|l| label(l.as_str().unwrap())).collect();
                    }
                    if let Some(us) = body["assignees"].as_array() {
                        i["assignees"] = us.iter().map(|u| user(u.as_str().unwrap())).collect();
                        i["assignee"] = i["assignees"][0].clone();
                    }
                    s.issues.push(i.clone());
                    json_response(201, i)
                }
                ("PATCH", ["issues", n]) => {
                    let at = s.at();
                    let me = s.me_or_bot();
                    let Some(i) = s.issue_mut(n) else { return not_found() };
                    if let Some(b) = body["body"].as_str() {
                        i["body"] = b.into();
                    }
                    match body["state"].as_str() {
                        Some("closed") => {
                            i["state"] = "closed".into();
                            i["state_reason"] = body["state_reason"].clone();
                            i["closed_at"] = at.clone().into();
                            i["closed_by"] = me;
                        }
                        Some("open") => {
                            i["state"] = "open".into();
                            i["state_reason"] = "reopened".into();
                            i["closed_at"] = Value::Null;
                            i["closed_by"] = Value::Null;
                        }
                        _ => {}
                    }
                    i["updated_at"] = at.into();
                    json_response(200, i.clone())
                }
                ("POST", ["issues", n, "comments"]) => {
                    if s.fail_comment_posts > 0 {
                        s.fail_comment_posts -= 1;
                        return json_response(500, fixture("error-server.json"));
                    }
                    let number: u64 = n.parse().unwrap();
                    if s.issue_mut(n).is_none() {
                        return not_found();
                    }
                    s.next_comment += 1;
                    let id = 2456789000 + s.next_comment;
                    let mut c = fixture("issue-comment.json");
                    c["id"] = id.into();
                    c["url"] = format!("https://api.github.com/repos/{REPO}/issues/comments/{id}").into();
                    c["html_url"] = format!("https://github.com/{REPO}/issues/{number}#issuecomment-{id}").into();
                    c["issue_url"] = format!("https://api.github.com/repos/{REPO}/issues/{number}").into();
                    c["reactions"]["url"] =
                        format!("https://api.github.com/repos/{REPO}/issues/comments/{id}/reactions").into();
                    c["user"] = s.me_or_bot();
                    c["body"] = body["body"].clone();
                    let at = s.at();
                    c["created_at"] = at.clone().into();
                    c["updated_at"] = at.into();
                    if let Some(i) = s.issue_mut(n) {
                        i["comments"] = (i["comments"].as_u64().unwrap_or(0) + 1).into();
                    }
                    s.comments.push((number, c.clone()));
                    json_response(201, c)
                }
                _ => not_found(),
            },
            _ => not_found(),
        }
    }
}

struct Fake {
    rt: tokio::runtime::Runtime,
    server: MockServer,
    state: Arc<Mutex<State>>,
    seen: usize,
}

impl Fake {
    fn start() -> Fake {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let server = rt.block_on(MockServer::start());
        let state = Arc::new(Mutex::new(State { me: Some(fixture("user.json")), ..State::default() }));
        rt.block_on(
            Mock::given(wiremock::matchers::any())
                .respond_with(Api { state: state.clone(), origin: server.uri() })
                .mount(&server),
        );
        Fake { rt, server, state, seen: 0 }
    }

    /// The requests since the last call, as `METHOD path` (query left out).
    fn requests(&mut self) -> Vec<String> {
        let all = self.rt.block_on(self.server.received_requests()).unwrap();
        let new: Vec<String> = all[self.seen..].iter().map(|r| format!("{} {}", r.method, r.url.path())).collect();
        self.seen = all.len();
        new
    }

    /// The query of every request since the start, by path.
    fn queries(&self) -> Vec<String> {
        let all = self.rt.block_on(self.server.received_requests()).unwrap();
        all.iter().map(|r| format!("{} {}", r.url.path(), r.url.query().unwrap_or(""))).collect()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

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
        self.state().comments.iter().map(|(_, c)| c["body"].as_str().unwrap().to_string()).collect()
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
        let uri = fake.server.uri();
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
    let mut fake = Fake::start();

    let first = w.remind(&fake, "2026-12-01", &["--label", "emergency-plans", "--assignee", "kvogel-hpb"]);
    ok(&first);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", issues_path()),
            format!("POST {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert!(
        fake.queries().iter().any(|q| q.starts_with(&format!("{} ", issues_path())) && q.contains("creator=plans-bot")),
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
    // contact verifications first, then exercises, restore tests, findings
    let order: Vec<usize> = [
        "### Contact verifications (1, 1 overdue)",
        "### Exercises (2)",
        "### Restore tests (3)",
        "### Open findings (2)",
    ]
    .iter()
    .map(|h| body.find(h).unwrap_or_else(|| panic!("{h} in {body}")))
    .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{body}");
    assert!(
        body.contains(&format!(
            "| 2026-11-20 | ⚠️ overdue by 11 days | verify the contact details of Katharina Vogel (katharina.vogel) | Katharina Vogel | [plans/contacts/hpb.kdl:25](https://github.com/{REPO}/blob/{sha}/plans/contacts/hpb.kdl#L25) |"
        )),
        "{body}"
    );
    let comments = fake.comments();
    assert_eq!(comments.len(), 1);
    let c = &comments[0];
    let m = mentions(c);
    assert_eq!(m.len(), 6, "everyone once: {c}");
    assert_eq!(
        m.iter().cloned().collect::<BTreeSet<_>>(),
        set(&["kvogel-hpb", "skrueger-hpb", "clange-rzn", "jhoffmann-hpb", "oneumann-rzn", "aschmidt-hpb"])
    );
    // overdue first, with how long, and what to do
    assert_eq!(m[0], "kvogel-hpb", "{c}");
    assert!(
        c.contains(&format!("@kvogel-hpb (Katharina Vogel)\n- ⚠️ **overdue by 11 days** (due 2026-11-20): verify your contact details and update `verified` in [plans/contacts/hpb.kdl:25](https://github.com/{REPO}/blob/{sha}/plans/contacts/hpb.kdl#L25)")),
        "{c}"
    );
    // owners without a login: their party's responsible contact is mentioned for them
    assert!(c.contains("— for Dirk Hansen, who has no GitHub login"), "{c}");
    assert!(first.stdout.contains("issue created") && first.stdout.contains("comment mentioning"), "{}", first.stdout);

    // the same run again: reads only
    let again = w.remind(&fake, "2026-12-01", &[]);
    ok(&again);
    assert_eq!(fake.requests(), ["GET /user".to_string(), format!("GET {}", issues_path())]);
    assert!(again.stdout.contains("issue unchanged; nobody newly due"), "{}", again.stdout);
    assert_eq!(fake.comments().len(), 1);

    // a week later: the restore test of payment-orders is overdue now (escalated), the alarm
    // test of wan-connectivity falls within the window; nobody else is mentioned
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    let c = fake.last_comment();
    assert_eq!(
        mentions(&c).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn", "lpetersen-hpb", "fmeyer-rzn"]),
        "{c}"
    );
    assert!(c.contains("2 items became due since the last run (2026-12-01)"), "{c}");
    assert!(c.find("overdue by 7 days").unwrap() < c.find("due in 30 days").unwrap(), "overdue first: {c}");
    assert!(fake.body().contains("as of 2026-12-08"));
    // and the same day again: nobody twice
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), format!("GET {}", issues_path())]);

    // Katharina Vogel verifies her details: her row goes, nobody is mentioned
    w.edit("plans/contacts/hpb.kdl", "verified \"2026-05-20\"", "verified \"2026-12-08\"");
    w.commit("contact verified");
    ok(&w.remind(&fake, "2026-12-08", &[]));
    assert_eq!(
        fake.requests(),
        ["GET /user".to_string(), format!("GET {}", issues_path()), format!("PATCH {}/1", issues_path())]
    );
    let body = fake.body();
    assert!(!body.contains("Katharina Vogel") && !body.contains("Contact verifications"), "{body}");
    assert_eq!(fake.comments().len(), 2);
    assert_eq!(fake.dashboard()["state"], "open");
}

#[test]
fn nothing_due_closes_the_dashboard_something_due_reopens_it_and_a_deleted_one_is_recreated() {
    let w = Work::new();
    let mut fake = Fake::start();
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(fake.requests().len(), 5);
    assert_eq!(
        mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn"])
    );

    // the restore test of payment-orders is held: nothing is due, the issue says so and closes
    w.edit("plans/exercises/payment-orders.kdl", "date \"2026-09-01\"", "date \"2026-11-01\"");
    w.commit("restore test held");
    let closed = w.remind(&fake, "2026-11-01", &[]);
    ok(&closed);
    assert_eq!(
        fake.requests(),
        ["GET /user".to_string(), format!("GET {}", issues_path()), format!("PATCH {}/1", issues_path())]
    );
    let issue = fake.dashboard();
    assert_eq!((issue["state"].as_str(), issue["state_reason"].as_str()), (Some("closed"), Some("completed")));
    assert!(fake.body().contains("Nothing is due within 30d and nothing is overdue."), "{}", fake.body());
    assert!(closed.stdout.contains("issue closed: nothing due"), "{}", closed.stdout);
    // closed and still nothing due: reads only
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(fake.requests(), ["GET /user".to_string(), format!("GET {}", issues_path())]);

    // a month later things fall due again: the same issue is reopened, the owners mentioned
    let reopened = w.remind(&fake, "2026-12-01", &[]);
    ok(&reopened);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert_eq!(fake.dashboard()["state"], "open");
    assert!(reopened.stdout.contains("issue reopened"), "{}", reopened.stdout);
    let told = mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>();
    assert_eq!(told, set(&["skrueger-hpb", "clange-rzn", "jhoffmann-hpb", "oneumann-rzn", "aschmidt-hpb"]));

    // someone deleted the dashboard: it is made again, and its first comment tells everyone
    fake.state().issues.clear();
    ok(&w.remind(&fake, "2026-12-01", &[]));
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", issues_path()),
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
    let mut fake = Fake::start();
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
            format!("GET {}", issues_path()),
            format!("GET {}", issues_path()),
            format!("POST {}", issues_path()),
            format!("POST {}/153/comments", issues_path()),
            format!("PATCH {}/153", issues_path()),
        ]
    );
    assert_eq!(fake.state().issues[152]["user"]["login"], "github-actions[bot]");
    // found again as the bot's
    ok(&w.remind(&fake, "2026-11-01", &[]));
    assert_eq!(
        fake.requests(),
        ["GET /user".to_string(), format!("GET {}", issues_path()), format!("GET {}", issues_path())]
    );
    assert_eq!(fake.comments().len(), 1);
}

#[test]
fn a_comment_answered_with_500_is_not_sent_again_and_the_next_run_mentions_them() {
    let w = Work::new();
    let mut fake = Fake::start();
    fake.state().fail_comment_posts = 1;
    let failed = w.remind(&fake, "2026-11-01", &[]);
    assert_eq!(failed.code, 2, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stderr.contains("not sent again"), "{}", failed.stderr);
    assert_eq!(
        fake.requests(),
        [
            "GET /user".to_string(),
            format!("GET {}", issues_path()),
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
            format!("GET {}", issues_path()),
            format!("POST {}/1/comments", issues_path()),
            format!("PATCH {}/1", issues_path()),
        ]
    );
    assert_eq!(
        mentions(&fake.last_comment()).into_iter().collect::<BTreeSet<_>>(),
        set(&["skrueger-hpb", "clange-rzn"])
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
    let mut fake = Fake::start();
    ok(&w.remind(&fake, "2028-06-01", &[]));
    assert_eq!(fake.requests().len(), 5);
    let body = fake.body();
    assert!(body.len() <= 60_000 && body.chars().count() < GITHUB_LIMIT, "{} bytes", body.len());
    assert!(body.contains("more not shown here"), "summarised");
    let rows: Vec<&str> = body.lines().filter(|l| l.starts_with("| 20")).collect();
    assert!(rows.len() > 50, "{} rows shown", rows.len());
    assert!(rows.iter().all(|r| r.ends_with(" |") && r.matches(" | ").count() == 4), "whole rows only");
    for h in [
        "### Contact verifications (1500, 1500 overdue)",
        "### Exercises (2000, 2000 overdue)",
        "### Restore tests (1000)",
    ] {
        assert!(body.contains(h), "{h}");
    }
    let c = fake.last_comment();
    let first: Vec<String> = mentions(&c);
    assert!(c.len() <= 60_000 && first.len() <= 50, "{} bytes, {} mentions", c.len(), first.len());
    assert!(c.contains("more to tell: the next run mentions their owners"), "{c}");
    // the next run tells the next ones, no line twice
    ok(&w.remind(&fake, "2028-06-01", &[]));
    assert_eq!(fake.requests().len(), 4);
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
    assert!(body.starts_with(MARKER) && body.contains("### Restore tests (1)"), "{body}");
    assert_eq!(mentions(body), Vec::<String>::new());
    assert_eq!(mentions(comment.split_once("\n\n").unwrap().1), ["skrueger-hpb", "clange-rzn"], "{comment}");
    assert!(comment.contains("also for Nina Schulz, who has no GitHub login"), "{comment}");

    let dec = w.run(&["remind", "plans", "--dry-run", "--as-of", "2026-12-01"], &env);
    ok(&dec);
    let (body, comment) = dec.stdout.split_once("\n---\n").unwrap();
    assert_eq!(mentions(body), Vec::<String>::new());
    assert!(body.contains("`plans/contacts/") || body.contains("`plans/plans/"), "no repository: places, no links");
    assert_eq!(
        mentions(comment.split_once("\n\n").unwrap().1),
        ["skrueger-hpb", "clange-rzn", "jhoffmann-hpb", "oneumann-rzn", "aschmidt-hpb"],
        "{comment}"
    );
    // an owner without a login: named, their party's first approver with a login mentioned
    assert!(comment.contains("for Katrin Wolf, who has no GitHub login"), "{comment}");
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
    let mut fake = Fake::start();
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
            format!("GET {}", issues_path()),
            format!("GET {}", issues_path()),
            format!("PATCH {}/2", issues_path()),
        ]
    );
    let s = fake.state();
    assert_eq!((s.issues[0]["state"].as_str(), s.issues[1]["state"].as_str()), (Some("open"), Some("closed")));
    assert!(out.stdout.contains("duplicate #2 closed"), "{}", out.stdout);
    assert_eq!(s.comments.len(), 1, "nobody mentioned again");
}
