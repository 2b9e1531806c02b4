//! The fake GitHub API that `tests/review.rs` and `tests/remind.rs` run against: one wiremock
//! server on 127.0.0.1 with a stateful responder answering with GitHub's full JSON shapes
//! (`tests/fixtures/github/`): the token's user, issues and their comments (a pull request's
//! comments are an issue's), the issue search, commit statuses, pull requests, the Git data API
//! (trees, commits, refs) and the GraphQL edit history of an issue body. It keeps state between
//! runs, records nothing but what the binary sends, and has switches for the failures a test
//! provokes (5xx before or after a write, rate limits, 502 on reads and writes, a refused token).
//! Included by both test files with `#[path = "common/github.rs"] mod github;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "ghs_TESTtoken0123456789abcdefSECRET";
pub const REPO: &str = "octo-org/plans";
/// The pull request the review tests comment on.
pub const PR: u64 = 7;

pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json; charset=utf-8")
        .insert_header("x-github-api-version-selected", "2022-11-28")
        .set_body_string(body.to_string())
}

pub fn not_found() -> ResponseTemplate {
    json_response(
        404,
        json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}),
    )
}

pub fn label(name: &str) -> Value {
    let mut l = fixture("label.json");
    l["name"] = name.into();
    l["url"] = format!("https://api.github.com/repos/{REPO}/labels/{name}").into();
    l
}

pub fn user(login: &str) -> Value {
    let mut u = fixture("someone.json");
    u["login"] = login.into();
    u["url"] = format!("https://api.github.com/users/{login}").into();
    u["html_url"] = format!("https://github.com/{login}").into();
    u
}

/// What the fake holds and how it is to fail.
#[derive(Default)]
pub struct State {
    /// The answer to `GET /user`; `None`: 403, as for an Actions token.
    pub me: Option<Value>,
    /// `GET /user` answers 500.
    pub user_fails: bool,
    /// Issues (and pull requests, which GitHub's issue listing includes), oldest first.
    pub issues: Vec<Value>,
    /// Comments of every issue and pull request, oldest first (`issue_url` says whose).
    pub comments: Vec<Value>,
    /// The edits of each issue's body (GraphQL `userContentEdits`): (editor, time, body).
    pub edits: HashMap<u64, Vec<(String, String, String)>>,
    /// Statuses by commit, newest first.
    pub statuses: Vec<(String, Value)>,
    /// The answer to `GET /repos/{o}/{r}/commits/{sha}/pulls`.
    pub pulls: Vec<Value>,
    /// The answer to `GET /search/issues` for pull requests, and the pull requests by number.
    pub search: Option<Value>,
    pub pull_requests: Vec<Value>,
    /// Git objects made through the API: trees and commits by sha; refs by name.
    pub trees: HashMap<String, Value>,
    pub commits: HashMap<String, Value>,
    pub refs: HashMap<String, String>,
    next_id: u64,
    next_number: u64,
    minute: u64,
    /// The next this many comment POSTs fail with 500 (after doing nothing).
    pub fail_posts: usize,
    /// The next this many comment POSTs fail with 500 after making the comment.
    pub fail_posts_after: usize,
    /// The next this many listings (comments, issues, search) are refused with 403 and
    /// `retry-after: 1`.
    pub rate_limited: usize,
    /// The next this many comment listings answer 502.
    pub bad_gateway_reads: usize,
    /// The next this many status POSTs answer 502.
    pub bad_gateway_writes: usize,
    /// The next this many comment listings are refused with 403, `x-ratelimit-remaining: 0`
    /// and a reset two seconds ahead (the primary rate limit).
    pub primary_limited: usize,
    /// The next comment listing is refused with 401 and a message quoting the token.
    pub echo_token: bool,
    /// Writes are refused as for a read-only token (403 "Resource not accessible by integration").
    pub read_only: bool,
    /// Whether each request carried the token.
    pub authorised: Vec<bool>,
}

impl State {
    pub fn at(&mut self) -> String {
        self.minute += 1;
        format!("2026-11-01T{:02}:{:02}:00Z", 10 + self.minute / 60, self.minute % 60)
    }

    pub fn me_or_bot(&self) -> Value {
        self.me.clone().unwrap_or_else(|| fixture("github-actions.json"))
    }

    /// A comment on the pull request [`PR`].
    pub fn comment(&mut self, body: &str, author: Value) -> Value {
        self.comment_on(PR, body, author)
    }

    pub fn comment_on(&mut self, number: u64, body: &str, author: Value) -> Value {
        self.next_id += 1;
        let id = 2456789000 + self.next_id;
        let mut c = fixture("issue-comment.json");
        c["id"] = id.into();
        c["url"] = format!("https://api.github.com/repos/{REPO}/issues/comments/{id}").into();
        c["html_url"] = format!("https://github.com/{REPO}/issues/{number}#issuecomment-{id}").into();
        c["issue_url"] = format!("https://api.github.com/repos/{REPO}/issues/{number}").into();
        c["reactions"]["url"] = format!("https://api.github.com/repos/{REPO}/issues/comments/{id}/reactions").into();
        c["user"] = author;
        c["body"] = body.into();
        let at = self.at();
        c["created_at"] = at.clone().into();
        c["updated_at"] = at.into();
        c
    }

    pub fn issue(&mut self, title: &str, body: &str, author: Value) -> Value {
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
        let login = author["login"].as_str().unwrap_or("").to_string();
        i["user"] = author;
        let at = self.at();
        i["created_at"] = at.clone().into();
        i["updated_at"] = at.clone().into();
        self.edits.entry(n).or_default().push((login, at, body.to_string()));
        i
    }

    pub fn issue_mut(&mut self, n: &str) -> Option<&mut Value> {
        self.issues.iter_mut().find(|i| i["number"].as_u64().map(|x| x.to_string()).as_deref() == Some(n))
    }

    /// A person edits an issue's body on GitHub (ticking a box) at `at`.
    pub fn edit_body(&mut self, n: u64, login: &str, at: &str, body: &str) {
        let i = self.issue_mut(&n.to_string()).expect("the issue");
        i["body"] = body.into();
        i["updated_at"] = at.into();
        self.edits.entry(n).or_default().push((login.to_string(), at.to_string(), body.to_string()));
    }

    fn sha(&mut self, what: &str) -> String {
        self.next_id += 1;
        format!("{what:0<8}{:032x}", self.next_id)
            .chars()
            .take(40)
            .collect::<String>()
            .replace(|c: char| !c.is_ascii_hexdigit(), "a")
    }
}

fn of_issue(c: &Value) -> Option<u64> {
    c["issue_url"].as_str()?.rsplit('/').next()?.parse().ok()
}

/// The fake's answers.
#[derive(Clone)]
struct Api {
    state: Arc<Mutex<State>>,
    prefix: &'static str,
    /// `http://127.0.0.1:PORT`, for the absolute links of paginated answers.
    origin: String,
}

/// One page of a list, with GitHub's `Link` header.
fn page(list: Vec<Value>, query: &HashMap<String, String>, origin_path: &str) -> ResponseTemplate {
    let per_page: usize = query.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(30);
    let page: usize = query.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
    let pages = list.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = list.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    let mut response = json_response(200, Value::Array(slice));
    if page < pages {
        let mut q: Vec<(String, String)> =
            query.iter().filter(|(k, _)| *k != "page").map(|(k, v)| (k.clone(), v.clone())).collect();
        q.sort();
        let q: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", url_escape(v))).collect();
        let link = |n: usize| format!("<{origin_path}?{}&page={n}>", q.join("&"));
        response = response
            .insert_header("link", format!("{}; rel=\"next\", {}; rel=\"last\"", link(page + 1), link(pages)).as_str());
    }
    response
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn refused() -> ResponseTemplate {
    json_response(
        403,
        json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest", "status": "403"}),
    )
}

impl Respond for Api {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        s.authorised.push(auth == format!("Bearer {TOKEN}"));
        if auth != format!("Bearer {TOKEN}") {
            return json_response(401, json!({"message": "Requires authentication", "status": "401"}));
        }
        let Some(path) = req.url.path().strip_prefix(self.prefix).map(str::to_string) else { return not_found() };
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let query: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let origin_path = format!("{}{}{}", self.origin, self.prefix, path);
        if s.read_only && req.method.as_str() != "GET" && parts != ["graphql"] {
            return refused();
        }
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", ["user"]) if s.user_fails => json_response(500, fixture("error-server.json")),
            ("GET", ["user"]) => match &s.me {
                Some(me) => json_response(200, me.clone()),
                None => json_response(403, fixture("error-user.json")),
            },
            ("GET", ["search", "issues"]) => search(&mut s, &query),
            ("POST", ["graphql"]) => graphql(&s, &body),
            (m, ["repos", o, r, rest @ ..]) if format!("{o}/{r}") == REPO => {
                repo(&mut s, (m, rest), (&body, &query, &origin_path, &auth))
            }
            _ => not_found(),
        }
    }
}

fn rate_limit(s: &mut State) -> Option<ResponseTemplate> {
    if s.rate_limited > 0 {
        s.rate_limited -= 1;
        return Some(json_response(403, fixture("error-forbidden.json")).insert_header("retry-after", "1"));
    }
    None
}

fn search(s: &mut State, query: &HashMap<String, String>) -> ResponseTemplate {
    if let Some(r) = rate_limit(s) {
        return r;
    }
    let q = query.get("q").cloned().unwrap_or_default();
    if !q.contains("is:issue") {
        return match &s.search {
            Some(v) => json_response(200, v.clone()),
            None => json_response(200, json!({"total_count": 0, "incomplete_results": false, "items": []})),
        };
    }
    // `repo:R is:issue author:LOGIN in:title "words"`: GitHub's search of issues by author and title
    assert!(q.contains(&format!("repo:{REPO}")), "{q}");
    let author = q.split(' ').find_map(|w| w.strip_prefix("author:")).unwrap_or("").to_string();
    let words = q.split('"').nth(1).unwrap_or("").to_lowercase();
    let items: Vec<Value> = s
        .issues
        .iter()
        .filter(|i| i["pull_request"].is_null())
        .filter(|i| {
            let login = i["user"]["login"].as_str().unwrap_or("");
            let who = match login.strip_suffix("[bot]") {
                Some(app) => format!("app/{app}"),
                None => login.to_string(),
            };
            who.eq_ignore_ascii_case(&author)
        })
        .filter(|i| {
            let title: String =
                i["title"].as_str().unwrap_or("").chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
            title.to_lowercase().contains(&words)
        })
        .cloned()
        .collect();
    json_response(200, json!({"total_count": items.len(), "incomplete_results": false, "items": items}))
}

fn graphql(s: &State, body: &Value) -> ResponseTemplate {
    let query = body["query"].as_str().unwrap_or("");
    assert!(query.contains("userContentEdits"), "{query}");
    let v = &body["variables"];
    assert_eq!(format!("{}/{}", v["owner"].as_str().unwrap(), v["name"].as_str().unwrap()), REPO);
    let n = v["number"].as_u64().unwrap();
    // GitHub lists the newest edit first
    let nodes: Vec<Value> = s
        .edits
        .get(&n)
        .into_iter()
        .flatten()
        .rev()
        .map(|(login, at, text)| json!({"editedAt": at, "editor": {"login": login}, "diff": text}))
        .collect();
    json_response(200, json!({"data": {"repository": {"issue": {"userContentEdits": {"nodes": nodes}}}}}))
}

type Call<'a> = (&'a Value, &'a HashMap<String, String>, &'a str, &'a str);

fn repo(s: &mut State, (m, rest): (&str, &[&str]), call: Call) -> ResponseTemplate {
    match (m, rest) {
        (_, ["issues", ..]) => issues(s, (m, rest), call),
        (_, ["git", ..]) => git(s, (m, rest), call.0),
        (_, ["pulls", ..]) => pulls(s, (m, rest), call),
        ("GET", ["commits", sha, "statuses"]) => {
            let list: Vec<Value> = s.statuses.iter().filter(|(c, _)| c == sha).map(|(_, v)| v.clone()).collect();
            json_response(200, Value::Array(list))
        }
        ("POST", ["statuses", sha]) => {
            if s.bad_gateway_writes > 0 {
                s.bad_gateway_writes -= 1;
                return json_response(502, json!({"message": "Server Error"}));
            }
            let mut st = fixture("status.json");
            for k in ["state", "description", "context", "target_url"] {
                if !call.0[k].is_null() {
                    st[k] = call.0[k].clone();
                }
            }
            st["url"] = format!("https://api.github.com/repos/{REPO}/statuses/{sha}").into();
            st["creator"] = s.me_or_bot();
            s.statuses.insert(0, (sha.to_string(), st.clone()));
            json_response(201, st)
        }
        ("GET", ["commits", _sha, "pulls"]) => json_response(200, Value::Array(s.pulls.clone())),
        _ => not_found(),
    }
}

fn issues(s: &mut State, (m, rest): (&str, &[&str]), (body, query, origin_path, auth): Call) -> ResponseTemplate {
    match (m, rest) {
        ("GET", ["issues"]) => {
            if let Some(r) = rate_limit(s) {
                return r;
            }
            assert_eq!(query.get("state").map(String::as_str), Some("all"), "closed issues are listed too");
            let creator = query.get("creator");
            let list: Vec<Value> = s
                .issues
                .iter()
                .filter(|i| creator.is_none_or(|c| i["user"]["login"].as_str() == Some(c)))
                .cloned()
                .collect();
            page(list, query, origin_path)
        }
        ("POST", ["issues"]) => {
            if let Some(bad) = body["assignees"].as_array().and_then(|a| a.iter().find(|u| u == &"nobody-here")) {
                return json_response(
                    422,
                    json!({"message": "Validation Failed", "errors": [{"value": bad, "resource": "Issue", "field": "assignees", "code": "invalid"}], "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"}),
                );
            }
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
            let login = me["login"].as_str().unwrap_or("").to_string();
            let Some(i) = s.issue_mut(n) else { return not_found() };
            let edited = body["body"].as_str().map(str::to_string);
            if let Some(b) = &edited {
                i["body"] = b.as_str().into();
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
            i["updated_at"] = at.clone().into();
            let answer = i.clone();
            if let Some(b) = edited {
                s.edits.entry(n.parse().unwrap()).or_default().push((login, at, b));
            }
            json_response(200, answer)
        }
        ("GET", ["issues", n, "comments"]) => comments(s, n, query, (origin_path, auth)),
        ("POST", ["issues", n, "comments"]) => {
            if s.fail_posts > 0 {
                s.fail_posts -= 1;
                return json_response(500, fixture("error-server.json"));
            }
            let number: u64 = n.parse().unwrap();
            if number != PR && s.issue_mut(n).is_none() {
                return not_found();
            }
            let me = s.me_or_bot();
            let c = s.comment_on(number, body["body"].as_str().unwrap(), me);
            if let Some(i) = s.issue_mut(n) {
                i["comments"] = (i["comments"].as_u64().unwrap_or(0) + 1).into();
            }
            s.comments.push(c.clone());
            if s.fail_posts_after > 0 {
                s.fail_posts_after -= 1;
                return json_response(500, fixture("error-server.json"));
            }
            json_response(201, c)
        }
        ("PATCH", ["issues", "comments", id]) => {
            let Some(c) =
                s.comments.iter_mut().find(|c| c["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(*id))
            else {
                return not_found();
            };
            c["body"] = body["body"].clone();
            c["updated_at"] = "2026-11-01T11:00:00Z".into();
            json_response(200, c.clone())
        }
        ("DELETE", ["issues", "comments", id]) => {
            let before = s.comments.len();
            s.comments.retain(|c| c["id"].as_u64().map(|n| n.to_string()).as_deref() != Some(*id));
            if s.comments.len() == before {
                return not_found();
            }
            ResponseTemplate::new(204)
        }
        _ => not_found(),
    }
}

fn comments(
    s: &mut State,
    n: &str,
    query: &HashMap<String, String>,
    (origin_path, auth): (&str, &str),
) -> ResponseTemplate {
    if std::mem::take(&mut s.echo_token) {
        return json_response(
            401,
            json!({"message": format!("Bad credentials: {auth}"), "documentation_url": "https://docs.github.com/rest", "status": "401"}),
        );
    }
    if s.bad_gateway_reads > 0 {
        s.bad_gateway_reads -= 1;
        return json_response(502, json!({"message": "Server Error"}));
    }
    if s.primary_limited > 0 {
        s.primary_limited -= 1;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        return json_response(
            403,
            json!({"message": "API rate limit exceeded for installation ID 4242.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", "status": "403"}),
        )
        .insert_header("x-ratelimit-limit", "1000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-used", "1000")
        .insert_header("x-ratelimit-resource", "core")
        .insert_header("x-ratelimit-reset", (now + 2).to_string().as_str());
    }
    if let Some(r) = rate_limit(s) {
        return r;
    }
    let number: u64 = n.parse().unwrap_or(0);
    let list: Vec<Value> = s.comments.iter().filter(|c| of_issue(c) == Some(number)).cloned().collect();
    page(list, query, origin_path)
}

fn git(s: &mut State, (m, rest): (&str, &[&str]), body: &Value) -> ResponseTemplate {
    match (m, rest) {
        ("POST", ["git", "trees"]) => {
            assert!(body["base_tree"].is_string(), "a tree on top of the base's");
            let sha = s.sha("7ree");
            let tree = json!({"sha": sha, "url": format!("https://api.github.com/repos/{REPO}/git/trees/{sha}"), "tree": body["tree"], "truncated": false, "base_tree": body["base_tree"]});
            s.trees.insert(sha.clone(), tree.clone());
            json_response(201, tree)
        }
        ("POST", ["git", "commits"]) => {
            let sha = s.sha("c0");
            let tree = body["tree"].as_str().unwrap_or("");
            assert!(s.trees.contains_key(tree), "the commit's tree was made first");
            let at = s.at();
            let commit = json!({
                "sha": sha, "node_id": "C_kwDOMx2yVNoAKD", "url": format!("https://api.github.com/repos/{REPO}/git/commits/{sha}"),
                "html_url": format!("https://github.com/{REPO}/commit/{sha}"),
                "author": {"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com", "date": at},
                "committer": {"name": "GitHub", "email": "noreply@github.com", "date": at},
                "tree": {"sha": tree, "url": format!("https://api.github.com/repos/{REPO}/git/trees/{tree}")},
                "message": body["message"], "parents": body["parents"].as_array().unwrap().iter().map(|p| json!({"sha": p, "url": "", "html_url": ""})).collect::<Vec<_>>(),
                "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}
            });
            s.commits.insert(sha.clone(), commit.clone());
            json_response(201, commit)
        }
        ("GET", ["git", "ref", "heads", branch]) => match s.refs.get(&format!("refs/heads/{branch}")) {
            Some(sha) => json_response(200, git_ref(branch, sha)),
            None => not_found(),
        },
        ("POST", ["git", "refs"]) => {
            let name = body["ref"].as_str().unwrap().to_string();
            if s.refs.contains_key(&name) {
                return json_response(422, json!({"message": "Reference already exists", "status": "422"}));
            }
            let sha = body["sha"].as_str().unwrap().to_string();
            s.refs.insert(name.clone(), sha.clone());
            json_response(201, git_ref(name.trim_start_matches("refs/heads/"), &sha))
        }
        ("PATCH", ["git", "refs", "heads", branch]) => {
            let name = format!("refs/heads/{branch}");
            if !s.refs.contains_key(&name) {
                return json_response(422, json!({"message": "Reference does not exist", "status": "422"}));
            }
            let sha = body["sha"].as_str().unwrap().to_string();
            s.refs.insert(name, sha.clone());
            json_response(200, git_ref(branch, &sha))
        }
        _ => not_found(),
    }
}

fn git_ref(branch: &str, sha: &str) -> Value {
    json!({"ref": format!("refs/heads/{branch}"), "node_id": "REF_kwDOMx2yVM", "url": format!("https://api.github.com/repos/{REPO}/git/refs/heads/{branch}"),
        "object": {"sha": sha, "type": "commit", "url": format!("https://api.github.com/repos/{REPO}/git/commits/{sha}")}})
}

fn pulls(s: &mut State, (m, rest): (&str, &[&str]), (body, query, ..): Call) -> ResponseTemplate {
    match (m, rest) {
        ("GET", ["pulls"]) => {
            let head = query.get("head").cloned().unwrap_or_default();
            let list: Vec<Value> = s
                .pull_requests
                .iter()
                .filter(|p| p["state"] == "open")
                .filter(|p| {
                    head.is_empty()
                        || format!("{}:{}", REPO.split('/').next().unwrap(), p["head"]["ref"].as_str().unwrap_or(""))
                            == head
                })
                .cloned()
                .collect();
            json_response(200, Value::Array(list))
        }
        ("POST", ["pulls"]) => {
            let number = 100 + s.pull_requests.len() as u64;
            let mut p = fixture("pull.json");
            p["number"] = number.into();
            p["url"] = format!("https://api.github.com/repos/{REPO}/pulls/{number}").into();
            p["html_url"] = format!("https://github.com/{REPO}/pull/{number}").into();
            p["title"] = body["title"].clone();
            p["body"] = body["body"].clone();
            p["state"] = "open".into();
            let branch = body["head"].as_str().unwrap();
            let sha = s
                .refs
                .get(&format!("refs/heads/{branch}"))
                .cloned()
                .expect("the branch exists before its pull request");
            p["head"]["ref"] = branch.into();
            p["head"]["sha"] = sha.into();
            p["base"]["ref"] = body["base"].clone();
            p["user"] = s.me_or_bot();
            s.pull_requests.push(p.clone());
            json_response(201, p)
        }
        ("PATCH", ["pulls", n]) => {
            let Some(p) =
                s.pull_requests.iter_mut().find(|p| p["number"].as_u64().map(|x| x.to_string()).as_deref() == Some(*n))
            else {
                return not_found();
            };
            for k in ["title", "body"] {
                if !body[k].is_null() {
                    p[k] = body[k].clone();
                }
            }
            json_response(200, p.clone())
        }
        ("GET", ["pulls", n]) => {
            match s.pull_requests.iter().find(|p| p["number"].as_u64().map(|x| x.to_string()).as_deref() == Some(*n)) {
                Some(p) => json_response(200, p.clone()),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

/// The fake API and the runtime its client side (`received_requests`) runs on.
pub struct Fake {
    pub rt: tokio::runtime::Runtime,
    pub server: MockServer,
    state: Arc<Mutex<State>>,
    pub prefix: &'static str,
    seen: usize,
}

impl Fake {
    /// A fake API under `prefix` (`""`, or `/api/v3` as GitHub Enterprise has it), its token's
    /// user `user.json`.
    pub fn start(prefix: &'static str) -> Fake {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let server = rt.block_on(MockServer::start());
        let state = Arc::new(Mutex::new(State { me: Some(fixture("user.json")), ..State::default() }));
        rt.block_on(
            Mock::given(wiremock::matchers::any())
                .respond_with(Api { state: state.clone(), prefix, origin: server.uri() })
                .mount(&server),
        );
        Fake { rt, server, state, prefix, seen: 0 }
    }

    pub fn url(&self) -> String {
        format!("{}{}", self.server.uri(), self.prefix)
    }

    /// The requests since the last call, as `METHOD path` (query left out).
    pub fn requests(&mut self) -> Vec<String> {
        let all = self.rt.block_on(self.server.received_requests()).unwrap();
        let new: Vec<String> = all[self.seen..].iter().map(|r| format!("{} {}", r.method, r.url.path())).collect();
        self.seen = all.len();
        new
    }

    /// The query of every request since the start, by path.
    pub fn queries(&self) -> Vec<String> {
        let all = self.rt.block_on(self.server.received_requests()).unwrap();
        all.iter().map(|r| format!("{} {}", r.url.path(), r.url.query().unwrap_or(""))).collect()
    }

    /// The body of every request since the start, by `METHOD path`.
    pub fn sent(&self) -> Vec<(String, Value)> {
        let all = self.rt.block_on(self.server.received_requests()).unwrap();
        all.iter()
            .map(|r| (format!("{} {}", r.method, r.url.path()), serde_json::from_slice(&r.body).unwrap_or(Value::Null)))
            .collect()
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The bodies of the comments on issue or pull request `n`, oldest first.
    pub fn comments_of(&self, n: u64) -> Vec<String> {
        self.state()
            .comments
            .iter()
            .filter(|c| of_issue(c) == Some(n))
            .map(|c| c["body"].as_str().unwrap().to_string())
            .collect()
    }
}
