//! The GitHub REST API: the only module of contingent that talks to the network.
//!
//! Everything goes through [`Client`]: one octocrab client on a current-thread Tokio runtime,
//! built without octocrab's retry layer, so a request is sent once. A write (POST, PATCH,
//! DELETE) that fails is never repeated automatically: a `5xx` answer to a POST may still have
//! created the comment, and a second POST would create a duplicate. Only a request GitHub
//! refused for a rate limit (`403` or `429` with `retry-after`, or with
//! `x-ratelimit-remaining: 0` and `x-ratelimit-reset`) is sent again, after the wait GitHub asks
//! for, and never after more than [`MAX_WAIT`] of waiting in one run; writes are capped at
//! [`MAX_WRITES`] per run. A read (GET) answered with 502, 503 or 504 is read again, twice at
//! most. The token is never printed: every error message is scrubbed of it.
//!
//! `sticky.rs` keeps one comment per pull request; `event.rs` reads the Actions event file.

pub mod event;
pub mod sticky;

use std::time::Duration;

use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

/// The longest total wait for rate limits in one run.
pub const MAX_WAIT: Duration = Duration::from_secs(600);
/// The most API writes (comments created, edited or deleted, statuses set) in one run.
pub const MAX_WRITES: usize = 20;
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a GET answered with 502, 503 or 504 is sent again (never a write).
const GATEWAY_RETRIES: u64 = 2;
/// The most pages read of one listing (100 entries each).
const MAX_PAGES: usize = 50;

/// `owner/name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl RepoName {
    pub fn parse(s: &str) -> Result<RepoName, String> {
        let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        match s.split_once('/') {
            Some((o, n)) if ok(o) && ok(n) && n != "." && n != ".." => {
                Ok(RepoName { owner: o.to_string(), name: n.to_string() })
            }
            _ => Err(format!("`{s}` is not a repository name of the form OWNER/NAME")),
        }
    }
}

impl std::fmt::Display for RepoName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// The login that writes with an Actions token (`GITHUB_TOKEN`), whose `GET /user` is refused.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// Whose comments and issues are ours: one login, matched exactly (another app's bot is not us).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity(pub String);

/// A comment as listed.
#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub body: String,
    pub login: String,
    pub user_type: String,
    pub created_at: String,
}

/// An issue as listed (pull requests, which the issues listing includes, are left out).
#[derive(Clone, Debug)]
pub struct Issue {
    pub number: u64,
    pub body: String,
    pub login: String,
    pub user_type: String,
    /// `open` or `closed`.
    pub state: String,
    /// Why it was closed: `completed`, `not_planned`, `reopened`, or empty.
    pub state_reason: String,
    pub created_at: String,
}

/// One edit of an issue's body (GraphQL `userContentEdits`): who, when, and the body after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub editor: String,
    /// `2026-12-03T09:12:44Z`
    pub at: String,
    pub body: String,
}

/// A file for [`Client::commit_files`]: its repository path and new text.
#[derive(Clone, Debug)]
pub struct FileEdit {
    pub path: String,
    pub text: String,
}

/// A commit status as listed (newest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub state: String,
    pub context: String,
    pub description: String,
}

/// A pull request found for a commit.
#[derive(Clone, Debug, Deserialize)]
pub struct PullRef {
    pub number: u64,
    pub state: String,
    pub head: CommitRef,
    pub base: CommitRef,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CommitRef {
    pub sha: String,
}

/// A connection to the GitHub REST API.
pub struct Client {
    octo: octocrab::Octocrab,
    runtime: tokio::runtime::Runtime,
    /// `GITHUB_GRAPHQL_URL`, or derived from the REST URL.
    graphql: String,
    token: String,
    writes: std::cell::Cell<usize>,
    waited: std::cell::Cell<Duration>,
    /// The HTTP status of the last answer (0 before any).
    last_status: std::cell::Cell<u16>,
    /// Rate-limit waits and such, for the log (never the token).
    pub log: Box<dyn Fn(&str)>,
}

struct Reply {
    status: StatusCode,
    headers: http::HeaderMap,
    text: String,
}

impl Client {
    /// A client for `api_url` (`GITHUB_API_URL`, e.g. `https://api.github.com` or
    /// `https://ghe.example/api/v3`: a path prefix is kept) with `token` (`GITHUB_TOKEN`).
    pub fn new(api_url: &str, token: &str) -> Result<Client, String> {
        if token.trim().is_empty() {
            return Err("GITHUB_TOKEN is empty: contingent needs a token to write to GitHub".into());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the network runtime: {e}"))?;
        let uri: http::Uri =
            api_url.trim_end_matches('/').parse().map_err(|_| format!("GITHUB_API_URL `{api_url}` is not a URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(format!("GITHUB_API_URL `{api_url}` is not an http(s) URL"));
        }
        let octo = {
            let _guard = runtime.enter();
            octocrab::Octocrab::builder()
                .base_uri(uri)
                .map_err(|e| format!("GITHUB_API_URL `{api_url}`: {}", scrub(&e.to_string(), token)))?
                .personal_token(token.to_string())
                .build()
                .map_err(|e| format!("cannot set up the GitHub client: {}", scrub(&e.to_string(), token)))?
        };
        let graphql = match std::env::var("GITHUB_GRAPHQL_URL").ok().filter(|u| !u.trim().is_empty()) {
            Some(u) => u,
            None => {
                let base = api_url.trim_end_matches('/');
                match base.strip_suffix("/api/v3") {
                    Some(host) => format!("{host}/api/graphql"),
                    None => format!("{base}/graphql"),
                }
            }
        };
        Ok(Client {
            octo,
            runtime,
            graphql,
            token: token.to_string(),
            writes: Default::default(),
            waited: Default::default(),
            last_status: Default::default(),
            log: Box::new(|m| eprintln!("{m}")),
        })
    }

    /// Whether the last request was refused for lack of permission (`403` that is no rate limit,
    /// such as "Resource not accessible by integration" for a read-only token on a fork).
    pub fn refused(&self) -> bool {
        self.last_status.get() == 403
    }

    /// How many writes this run made.
    pub fn writes(&self) -> usize {
        self.writes.get()
    }

    fn scrub(&self, s: &str) -> String {
        scrub(s, &self.token)
    }

    /// Sends one request; waits out rate limits; any answer but 2xx is an error.
    fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Reply, String> {
        self.send_as(method, path, body, false)
    }

    /// [`Client::send`]; `read` marks a POST that changes nothing (a GraphQL query): it is not
    /// counted as a write.
    fn send_as(&self, method: Method, path: &str, body: Option<&Value>, read: bool) -> Result<Reply, String> {
        if method != Method::GET && !read {
            if self.writes.get() >= MAX_WRITES {
                return Err(format!(
                    "not sending {method} {path}: this run already made {MAX_WRITES} writes to GitHub, the most it makes"
                ));
            }
            self.writes.set(self.writes.get() + 1);
        }
        let mut gateway_retries = 0;
        loop {
            let reply = self.runtime.block_on(async {
                let fut = async {
                    let response = match method {
                        Method::GET => self.octo._get(path).await,
                        Method::POST => self.octo._post(path, body).await,
                        Method::PATCH => self.octo._patch(path, body).await,
                        Method::DELETE => self.octo._delete(path, None::<&()>).await,
                        _ => unreachable!("only GET, POST, PATCH and DELETE are sent"),
                    }?;
                    let (status, headers) = (response.status(), response.headers().clone());
                    let text = self.octo.body_to_string(response).await?;
                    Ok::<_, octocrab::Error>(Reply { status, headers, text })
                };
                tokio::time::timeout(REQUEST_TIMEOUT, fut).await
            });
            let reply = match reply {
                Err(_) => return Err(format!("{method} {path}: GitHub did not answer within {REQUEST_TIMEOUT:?}")),
                Ok(Err(e)) => return Err(self.scrub(&format!("{method} {path}: {}", error_chain(&e)))),
                Ok(Ok(r)) => r,
            };
            if let Some(wait) = rate_limit_wait(reply.status, &reply.headers, now_epoch()) {
                let total = self.waited.get() + wait;
                if total > MAX_WAIT {
                    return Err(format!(
                        "{method} {path}: GitHub's rate limit asks for a wait of {}s, beyond the {}s this run waits in all",
                        wait.as_secs(),
                        MAX_WAIT.as_secs()
                    ));
                }
                (self.log)(&format!(
                    "note: GitHub rate limit ({}) on {method} {path}: waiting {}s",
                    reply.status.as_u16(),
                    wait.as_secs()
                ));
                self.waited.set(total);
                self.runtime.block_on(async { tokio::time::sleep(wait).await });
                continue;
            }
            // A read answered by an unavailable gateway is read again, twice at most: reads
            // change nothing. A write is never sent again.
            if method == Method::GET && matches!(reply.status.as_u16(), 502..=504) && gateway_retries < GATEWAY_RETRIES
            {
                gateway_retries += 1;
                (self.log)(&format!("note: GET {path}: GitHub answered {}: reading again", reply.status));
                self.runtime.block_on(async { tokio::time::sleep(Duration::from_secs(gateway_retries)).await });
                continue;
            }
            self.last_status.set(reply.status.as_u16());
            if !reply.status.is_success() {
                let message = refusal(&reply.text);
                let hint = if reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::NOT_FOUND {
                    " (does the token have the permissions: `pull-requests: write` and `statuses: write` for the review, `issues: write` for the reminders? Pull requests from forks get a read-only token on `pull_request`: see docs/github.md)"
                } else if method == Method::POST && reply.status.is_server_error() {
                    " (not sent again: the write may have been made; the next run finds it and keeps one)"
                } else {
                    ""
                };
                return Err(self.scrub(&format!(
                    "{method} {path}: GitHub answered {}: {}{hint}",
                    reply.status,
                    crate::escape::terminal(&message)
                )));
            }
            return Ok(reply);
        }
    }

    fn get_json(&self, path: &str) -> Result<Value, String> {
        let r = self.send(Method::GET, path, None)?;
        serde_json::from_str(&r.text).map_err(|e| format!("GET {path}: GitHub's answer is not JSON: {e}"))
    }

    /// Every page of a listing (`Link: <…>; rel="next"`), as typed values.
    fn get_all<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, String> {
        let mut out = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(format!("GET {path}: more than {MAX_PAGES} pages"));
            }
            let r = self.send(Method::GET, &url, None)?;
            let page: Vec<T> =
                serde_json::from_str(&r.text).map_err(|e| format!("GET {url}: unexpected answer from GitHub: {e}"))?;
            out.extend(page);
            next = r.headers.get(http::header::LINK).and_then(|v| v.to_str().ok()).and_then(next_link);
        }
        Ok(out)
    }

    /// Who the token is: its login (`GET /user`). An Actions or app token is refused that
    /// request (`403`): it is then `bot` (`CONTINGENT_BOT_LOGIN` for another app's token), else
    /// [`ACTIONS_BOT`]. Any other failure is an error: guessing would make a run take someone
    /// else's comment for its own, or miss its own and post a second.
    pub fn identity(&self, bot: Option<&str>) -> Result<Identity, String> {
        match self.get_json("/user") {
            Ok(v) => serde_json::from_value::<octocrab::models::Author>(v)
                .map(|me| Identity(me.login))
                .map_err(|e| format!("GET /user: unexpected answer from GitHub: {e}")),
            Err(_) if self.refused() => Ok(Identity(bot.unwrap_or(ACTIONS_BOT).to_string())),
            Err(e) => Err(format!(
                "cannot tell which account the token writes as ({e}): not guessing, since a wrong guess could post a second comment or take another's for ours"
            )),
        }
    }

    pub fn comments(&self, repo: &RepoName, pr: u64) -> Result<Vec<Comment>, String> {
        let list: Vec<octocrab::models::issues::Comment> =
            self.get_all(&format!("/repos/{repo}/issues/{pr}/comments?per_page=100"))?;
        Ok(list.into_iter().map(comment).collect())
    }

    /// The repository's issues, open and closed, oldest first; `creator` narrows the listing to
    /// one author's.
    pub fn issues(&self, repo: &RepoName, creator: Option<&str>) -> Result<Vec<Issue>, String> {
        let mut path = format!("/repos/{repo}/issues?state=all&sort=created&direction=asc&per_page=100");
        if let Some(login) = creator {
            path.push_str(&format!("&creator={}", encode(login)));
        }
        let list: Vec<octocrab::models::issues::Issue> = self.get_all(&path)?;
        Ok(list.into_iter().filter(|i| i.pull_request.is_none()).map(issue).collect())
    }

    /// Our issues whose title holds `title`, open and closed, oldest first, found with the
    /// search API (`author:` the login, `app/NAME` for a bot), so that a repository with
    /// thousands of issues is not listed; where the search is refused (`403`, `404`, `422`), the
    /// listing of the author's issues instead.
    pub fn find_issues(&self, repo: &RepoName, author: &str, title: &str) -> Result<Vec<Issue>, String> {
        let who = match author.strip_suffix("[bot]") {
            Some(app) => format!("app/{app}"),
            None => author.to_string(),
        };
        let words: String = title.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
        let q = format!("repo:{repo} is:issue author:{who} in:title \"{}\"", words.trim());
        let path = format!("/search/issues?q={}&sort=created&order=asc&per_page=100", encode(&q));
        match self.get_json(&path) {
            Ok(v) => {
                let items: Vec<octocrab::models::issues::Issue> = serde_json::from_value(v["items"].clone())
                    .map_err(|e| format!("GET /search/issues: unexpected answer: {e}"))?;
                Ok(items.into_iter().filter(|i| i.pull_request.is_none()).map(issue).collect())
            }
            Err(_) if matches!(self.last_status.get(), 403 | 404 | 422) => {
                (self.log)("note: the issue search is refused here: listing the issues instead");
                self.issues(repo, Some(author))
            }
            Err(e) => Err(e),
        }
    }

    /// The comments of an issue that a run needs to see what the last runs did: the first page
    /// and, when there are more, the last (100 each).
    pub fn recent_comments(&self, repo: &RepoName, number: u64) -> Result<Vec<Comment>, String> {
        let first = format!("/repos/{repo}/issues/{number}/comments?per_page=100");
        let r = self.send(Method::GET, &first, None)?;
        let mut list: Vec<octocrab::models::issues::Comment> =
            serde_json::from_str(&r.text).map_err(|e| format!("GET {first}: unexpected answer from GitHub: {e}"))?;
        let last = r.headers.get(http::header::LINK).and_then(|v| v.to_str().ok()).and_then(|l| link(l, "last"));
        if let Some(url) = last {
            let r = self.send(Method::GET, &url, None)?;
            let more: Vec<octocrab::models::issues::Comment> =
                serde_json::from_str(&r.text).map_err(|e| format!("GET {url}: unexpected answer from GitHub: {e}"))?;
            list.extend(more);
        }
        Ok(list.into_iter().map(comment).collect())
    }

    /// The edits of an issue's body, oldest first (GraphQL `userContentEdits`, the newest 100):
    /// the REST API says who created an issue, never who edited its body.
    pub fn body_edits(&self, repo: &RepoName, number: u64) -> Result<Vec<Edit>, String> {
        const QUERY: &str = "query($owner:String!,$name:String!,$number:Int!){repository(owner:$owner,name:$name){issue(number:$number){userContentEdits(last:100){nodes{editedAt editor{login} diff}}}}}";
        let request = serde_json::json!({
            "query": QUERY,
            "variables": {"owner": repo.owner, "name": repo.name, "number": number},
        });
        let r = self.send_as(Method::POST, &self.graphql.clone(), Some(&request), true)?;
        let v: Value =
            serde_json::from_str(&r.text).map_err(|e| format!("GraphQL: GitHub's answer is not JSON: {e}"))?;
        if let Some(errors) = v["errors"].as_array().filter(|e| !e.is_empty()) {
            let m = errors[0]["message"].as_str().unwrap_or("an error");
            return Err(format!("GraphQL userContentEdits of #{number}: {}", crate::escape::terminal(m)));
        }
        let nodes =
            v["data"]["repository"]["issue"]["userContentEdits"]["nodes"].as_array().cloned().unwrap_or_default();
        let mut edits: Vec<Edit> = nodes
            .iter()
            .filter_map(|n| {
                Some(Edit {
                    editor: n["editor"]["login"].as_str()?.to_string(),
                    at: n["editedAt"].as_str()?.to_string(),
                    body: n["diff"].as_str()?.to_string(),
                })
            })
            .collect();
        edits.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(edits)
    }

    /// Commits `files` on top of `parent` (whose tree is `base_tree`) to the branch `branch`
    /// (made, or moved there: the branch is the bot's own), through the Git data API: a tree, a
    /// commit, the ref. Returns the new commit's id.
    pub fn commit_files(
        &self,
        repo: &RepoName,
        (parent, base_tree): (&str, &str),
        branch: &str,
        message: &str,
        files: &[FileEdit],
    ) -> Result<String, String> {
        let entries: Vec<Value> = files
            .iter()
            .map(|f| serde_json::json!({"path": f.path, "mode": "100644", "type": "blob", "content": f.text}))
            .collect();
        let tree = self.send(
            Method::POST,
            &format!("/repos/{repo}/git/trees"),
            Some(&serde_json::json!({"base_tree": base_tree, "tree": entries})),
        )?;
        let tree: Value = serde_json::from_str(&tree.text).map_err(|e| format!("the new tree: {e}"))?;
        let tree = tree["sha"].as_str().ok_or("the new tree: no sha in GitHub's answer")?;
        let commit = self.send(
            Method::POST,
            &format!("/repos/{repo}/git/commits"),
            Some(&serde_json::json!({"message": message, "tree": tree, "parents": [parent]})),
        )?;
        let commit: Value = serde_json::from_str(&commit.text).map_err(|e| format!("the new commit: {e}"))?;
        let sha = commit["sha"].as_str().ok_or("the new commit: no sha in GitHub's answer")?.to_string();
        let exists = self.send(Method::GET, &format!("/repos/{repo}/git/ref/heads/{branch}"), None);
        match exists {
            Ok(_) => self.send(
                Method::PATCH,
                &format!("/repos/{repo}/git/refs/heads/{branch}"),
                Some(&serde_json::json!({"sha": sha, "force": true})),
            )?,
            Err(_) if self.last_status.get() == 404 => self.send(
                Method::POST,
                &format!("/repos/{repo}/git/refs"),
                Some(&serde_json::json!({"ref": format!("refs/heads/{branch}"), "sha": sha})),
            )?,
            Err(e) => return Err(e),
        };
        Ok(sha)
    }

    /// Opens the pull request of `branch` into `base`, or edits the open one's title and body;
    /// its number.
    pub fn upsert_pull(
        &self,
        repo: &RepoName,
        (branch, base): (&str, &str),
        title: &str,
        body: &str,
    ) -> Result<u64, String> {
        let open = self.get_json(&format!(
            "/repos/{repo}/pulls?state=open&head={}:{}&per_page=10",
            repo.owner,
            encode(branch)
        ))?;
        let found = open.as_array().and_then(|a| a.iter().find(|p| p["head"]["ref"] == branch));
        if let Some(p) = found {
            let n = p["number"].as_u64().ok_or("a pull request without a number")?;
            if p["body"].as_str() != Some(body) || p["title"].as_str() != Some(title) {
                self.send(
                    Method::PATCH,
                    &format!("/repos/{repo}/pulls/{n}"),
                    Some(&serde_json::json!({"title": title, "body": body})),
                )?;
            }
            return Ok(n);
        }
        let r = self.send(
            Method::POST,
            &format!("/repos/{repo}/pulls"),
            Some(&serde_json::json!({"title": title, "head": branch, "base": base, "body": body})),
        )?;
        let v: Value = serde_json::from_str(&r.text).map_err(|e| format!("the new pull request: {e}"))?;
        v["number"].as_u64().ok_or_else(|| "the new pull request: no number in GitHub's answer".to_string())
    }

    /// Opens an issue; its number.
    pub fn create_issue(
        &self,
        repo: &RepoName,
        title: &str,
        body: &str,
        labels: &[String],
        assignees: &[String],
    ) -> Result<u64, String> {
        let mut request = serde_json::json!({ "title": title, "body": body });
        if !labels.is_empty() {
            request["labels"] = labels.into();
        }
        if !assignees.is_empty() {
            request["assignees"] = assignees.into();
        }
        let r = self.send(Method::POST, &format!("/repos/{repo}/issues"), Some(&request))?;
        let i: octocrab::models::issues::Issue =
            serde_json::from_str(&r.text).map_err(|e| format!("unexpected answer to the new issue: {e}"))?;
        Ok(i.number)
    }

    /// Edits an issue: its body, and its state (`open`, or `closed` as completed) when given.
    pub fn update_issue(
        &self,
        repo: &RepoName,
        number: u64,
        body: Option<&str>,
        state: Option<&str>,
    ) -> Result<(), String> {
        let mut request = serde_json::json!({});
        if let Some(body) = body {
            request["body"] = body.into();
        }
        match state {
            Some("closed") => {
                request["state"] = "closed".into();
                request["state_reason"] = "completed".into();
            }
            Some(s) => request["state"] = s.into(),
            None => {}
        }
        self.send(Method::PATCH, &format!("/repos/{repo}/issues/{number}"), Some(&request)).map(drop)
    }

    pub fn create_comment(&self, repo: &RepoName, pr: u64, body: &str) -> Result<u64, String> {
        let r = self.send(
            Method::POST,
            &format!("/repos/{repo}/issues/{pr}/comments"),
            Some(&serde_json::json!({ "body": body })),
        )?;
        let c: octocrab::models::issues::Comment =
            serde_json::from_str(&r.text).map_err(|e| format!("unexpected answer to the new comment: {e}"))?;
        Ok(c.id.into_inner())
    }

    pub fn update_comment(&self, repo: &RepoName, id: u64, body: &str) -> Result<(), String> {
        self.send(
            Method::PATCH,
            &format!("/repos/{repo}/issues/comments/{id}"),
            Some(&serde_json::json!({ "body": body })),
        )
        .map(drop)
    }

    pub fn delete_comment(&self, repo: &RepoName, id: u64) -> Result<(), String> {
        self.send(Method::DELETE, &format!("/repos/{repo}/issues/comments/{id}"), None).map(drop)
    }

    /// The statuses of a commit, newest first (first page: the newest 100).
    pub fn statuses(&self, repo: &RepoName, sha: &str) -> Result<Vec<Status>, String> {
        let v = self.get_json(&format!("/repos/{repo}/commits/{sha}/statuses?per_page=100"))?;
        let list: Vec<octocrab::models::Status> =
            serde_json::from_value(v).map_err(|e| format!("unexpected answer listing statuses: {e}"))?;
        Ok(list
            .into_iter()
            .map(|s| Status {
                state: serde_json::to_value(s.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                context: s.context.unwrap_or_default(),
                description: s.description.unwrap_or_default(),
            })
            .collect())
    }

    pub fn create_status(
        &self,
        repo: &RepoName,
        sha: &str,
        status: &Status,
        target_url: Option<&str>,
    ) -> Result<(), String> {
        let mut body = serde_json::json!({
            "state": status.state,
            "context": status.context,
            "description": status.description,
        });
        if let Some(url) = target_url {
            body["target_url"] = url.into();
        }
        self.send(Method::POST, &format!("/repos/{repo}/statuses/{sha}"), Some(&body)).map(drop)
    }

    /// The open pull requests whose head is `sha` (for `workflow_run` from forks, whose event
    /// lists none): `GET /repos/{o}/{r}/commits/{sha}/pulls`, and when that finds none, the
    /// search (`is:pr is:open SHA`), each hit read again to compare its head.
    pub fn pulls_for_commit(&self, repo: &RepoName, sha: &str) -> Result<Vec<PullRef>, String> {
        if !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{sha}` is not a commit id"));
        }
        let list: Vec<PullRef> = self.get_all(&format!("/repos/{repo}/commits/{sha}/pulls?per_page=100"))?;
        let found: Vec<PullRef> = list.into_iter().filter(|p| p.head.sha == sha && p.state == "open").collect();
        if !found.is_empty() {
            return Ok(found);
        }
        let hits = self.get_json(&format!("/search/issues?q=repo%3A{repo}+is%3Apr+is%3Aopen+{sha}&per_page=10"))?;
        let mut out = Vec::new();
        for number in hits["items"].as_array().into_iter().flatten().filter_map(|i| i["number"].as_u64()) {
            let v = self.get_json(&format!("/repos/{repo}/pulls/{number}"))?;
            let pull: PullRef =
                serde_json::from_value(v).map_err(|e| format!("unexpected answer for pull request #{number}: {e}"))?;
            if pull.head.sha == sha && pull.state == "open" {
                out.push(pull);
            }
        }
        Ok(out)
    }
}

fn comment(c: octocrab::models::issues::Comment) -> Comment {
    Comment {
        id: c.id.into_inner(),
        body: c.body.unwrap_or_default(),
        login: c.user.login,
        user_type: c.user.r#type,
        created_at: c.created_at.to_rfc3339(),
    }
}

/// Percent-encodes a query value (letters, digits and `-._~` kept).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn issue(i: octocrab::models::issues::Issue) -> Issue {
    let word = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let state = word(serde_json::to_value(&i.state).ok());
    let state_reason = word(i.state_reason.as_ref().and_then(|r| serde_json::to_value(r).ok()));
    Issue {
        state_reason,
        number: i.number,
        body: i.body.unwrap_or_default(),
        login: i.user.login,
        user_type: i.user.r#type,
        state,
        created_at: i.created_at.to_rfc3339(),
    }
}

/// GitHub's message of a refused request, with the fields a `422` names
/// (`{"errors": [{"field": "assignees", "code": "invalid", "value": "x"}]}`).
fn refusal(text: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return text.chars().take(200).collect() };
    let mut message = v["message"].as_str().unwrap_or("").to_string();
    let fields: Vec<String> = v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| match (e["field"].as_str(), e["code"].as_str(), e["message"].as_str()) {
            (Some(field), code, _) => {
                let value = match &e["value"] {
                    Value::Null => String::new(),
                    Value::String(s) => format!(" `{}`", s.chars().take(100).collect::<String>()),
                    other => format!(" `{}`", other.to_string().chars().take(100).collect::<String>()),
                };
                format!("the field `{field}`{value} is {}", code.unwrap_or("refused").replace('_', " "))
            }
            (None, _, Some(m)) => m.chars().take(200).collect(),
            _ => e.to_string().chars().take(200).collect(),
        })
        .collect();
    if !fields.is_empty() {
        message = format!("{message}: {}", fields.join("; "));
    }
    message
}

/// The message of an error and its sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = inner.source();
    }
    s
}

/// Removes the token from text (octocrab sends it only as `Authorization: Bearer`, never Base64).
pub fn scrub(s: &str, token: &str) -> String {
    let token = token.trim();
    if token.len() < 4 {
        return s.to_string();
    }
    s.replace(token, "***")
}

fn now_epoch() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// How long GitHub asks to wait before a refused request may be sent again; `None` when the
/// answer is not a rate limit. `retry-after` (seconds) wins; else, with no requests left,
/// `x-ratelimit-reset` (epoch seconds); a `429` that says neither waits a minute, as GitHub
/// documents for secondary limits.
pub fn rate_limit_wait(status: StatusCode, headers: &http::HeaderMap, now: u64) -> Option<Duration> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs.max(1)));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_secs(reset.saturating_sub(now).max(1)));
        }
    }
    (status == StatusCode::TOO_MANY_REQUESTS).then_some(Duration::from_secs(60))
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    link(header, "next")
}

/// The target of a `Link` header with the relation `rel`.
fn link(header: &str, rel: &str) -> Option<String> {
    let want = format!("rel=\"{rel}\"");
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.split(';').any(|p| p.trim() == want).then(|| url.trim().trim_matches(['<', '>']).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits() {
        let mut h = http::HeaderMap::new();
        assert_eq!(rate_limit_wait(StatusCode::FORBIDDEN, &h, 100), None);
        assert_eq!(rate_limit_wait(StatusCode::TOO_MANY_REQUESTS, &h, 100), Some(Duration::from_secs(60)));
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert("x-ratelimit-reset", "130".parse().unwrap());
        assert_eq!(rate_limit_wait(StatusCode::FORBIDDEN, &h, 100), Some(Duration::from_secs(30)));
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(rate_limit_wait(StatusCode::FORBIDDEN, &h, 100), Some(Duration::from_secs(2)));
        assert_eq!(rate_limit_wait(StatusCode::INTERNAL_SERVER_ERROR, &h, 100), None);
    }

    #[test]
    fn links_and_names() {
        assert_eq!(
            next_link("<https://h/api/v3/x?page=2>; rel=\"next\", <https://h/x?page=5>; rel=\"last\"").as_deref(),
            Some("https://h/api/v3/x?page=2")
        );
        assert_eq!(next_link("<https://h/x?page=1>; rel=\"prev\""), None);
        assert_eq!(RepoName::parse("octo-org/plans.git").unwrap().to_string(), "octo-org/plans.git");
        assert!(
            RepoName::parse("a/b/c").is_err() && RepoName::parse("/b").is_err() && RepoName::parse("a/..").is_err()
        );
        assert_eq!(scrub("Bearer ghp_secret123 failed", "ghp_secret123"), "Bearer *** failed");
        assert_eq!(
            refusal(
                r#"{"message":"Validation Failed","errors":[{"value":"nobody-here","resource":"Issue","field":"assignees","code":"invalid"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}"#
            ),
            "Validation Failed: the field `assignees` `nobody-here` is invalid"
        );
    }
}
