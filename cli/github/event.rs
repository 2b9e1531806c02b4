//! What the GitHub Actions event file (`GITHUB_EVENT_PATH`) says about the pull request.

use serde_json::Value;

/// The pull request an event is about, as far as the event file tells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub pr: Option<u64>,
    /// The pull request's head commit: `pull_request.head.sha` (never `GITHUB_SHA`, which is the
    /// merge commit on `pull_request` and the base on `pull_request_target`), or
    /// `workflow_run.head_sha`.
    pub head: Option<String>,
    pub base: Option<String>,
    /// The base branch's name (`pull_request.base.ref`): its current tip is what the review
    /// trusts, not the base commit the event recorded when the pull request was opened.
    pub base_ref: Option<String>,
    /// The test merge GitHub computed (`pull_request.merge_commit_sha`): what merging would
    /// produce, judged when it was fetched.
    pub merge: Option<String>,
    /// The repository's default branch (`repository.default_branch`).
    pub default_branch: Option<String>,
}

/// A branch name as Git allows it, and nothing that could read as an option or a range.
fn branch(v: &Value) -> Option<String> {
    v.as_str()
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 255
                && !s.starts_with(['-', '/', '.'])
                && !s.contains("..")
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
        })
        .map(str::to_string)
}

fn sha(v: &Value) -> Option<String> {
    v.as_str().filter(|s| s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit())).map(str::to_string)
}

/// The largest event file read: GitHub's webhook payloads are capped at 25 MB, and an event file
/// is one such payload.
pub const MAX_EVENT_BYTES: u64 = 25 << 20;

/// Reads the event file (`GITHUB_EVENT_PATH`): only a regular file (a device such as
/// `/dev/zero`, a pipe or a folder is refused before it is opened, and again by the opened
/// file's own metadata), and at most [`MAX_EVENT_BYTES`] (read with `Read::take`, so a file
/// growing after the check cannot make the read unbounded).
pub fn read_file(path: &str) -> Result<String, String> {
    use std::io::Read as _;
    let limit = MAX_EVENT_BYTES;
    let refuse = |what: String| {
        format!("the event file {path} {what}: an event file is a regular file of at most {} MiB", limit >> 20)
    };
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the event file {path}: {e}"))?;
    if !meta.is_file() {
        return Err(refuse("is not a regular file".into()));
    }
    if meta.len() > limit {
        return Err(refuse(format!("has {} bytes", meta.len())));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the event file {path}: {e}"))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(refuse("is not a regular file".into()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read the event file {path}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(refuse(format!("has more than {limit} bytes")));
    }
    String::from_utf8(bytes).map_err(|e| format!("the event file {path} is not UTF-8: {e}"))
}

/// Reads an event of `name` (`GITHUB_EVENT_NAME`) from its JSON text.
pub fn parse(name: &str, text: &str) -> Result<Event, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("the event file is not JSON: {e}"))?;
    let mut event = Event { name: name.to_string(), ..Event::default() };
    event.default_branch = branch(&v["repository"]["default_branch"]);
    match name {
        "pull_request" | "pull_request_target" => {
            let pr = &v["pull_request"];
            event.pr = pr["number"].as_u64().or(v["number"].as_u64());
            event.head = sha(&pr["head"]["sha"]);
            event.base = sha(&pr["base"]["sha"]);
            event.base_ref = branch(&pr["base"]["ref"]);
            event.merge = sha(&pr["merge_commit_sha"]);
        }
        "merge_group" => {
            // a merge queue's entry: its head is the merge of the queued pull requests into the
            // base; no pull request of its own
            let group = &v["merge_group"];
            event.head = sha(&group["head_sha"]);
            event.base = sha(&group["base_sha"]);
            event.base_ref = group["base_ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("refs/heads/"))
                .and_then(|r| branch(&Value::from(r)));
        }
        "workflow_run" => {
            let run = &v["workflow_run"];
            event.head = sha(&run["head_sha"]);
            // For pull requests from forks the list is empty: the pull request is then found by
            // its head commit through the API.
            let found = run["pull_requests"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| sha(&p["head"]["sha"]).is_some() && sha(&p["head"]["sha"]) == event.head);
            if let Some(p) = found {
                event.pr = p["number"].as_u64();
                event.base = sha(&p["base"]["sha"]);
            }
        }
        _ => {}
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events() {
        let e = parse(
            "pull_request",
            r#"{"number":7,"pull_request":{"number":7,"head":{"sha":"aaaaaaa1"},"base":{"sha":"bbbbbbb2"}}}"#,
        )
        .unwrap();
        assert_eq!((e.pr, e.head.as_deref(), e.base.as_deref()), (Some(7), Some("aaaaaaa1"), Some("bbbbbbb2")));
        let fork = parse("workflow_run", r#"{"workflow_run":{"head_sha":"ccccccc3","pull_requests":[]}}"#).unwrap();
        assert_eq!((fork.pr, fork.head.as_deref(), fork.base), (None, Some("ccccccc3"), None));
        let bad = parse("pull_request", r#"{"pull_request":{"head":{"sha":"; rm -rf /"}}}"#).unwrap();
        assert_eq!(bad.head, None);
        let target = parse(
            "pull_request_target",
            r#"{"pull_request":{"number":8,"head":{"sha":"aaaaaaa1"},"base":{"sha":"bbbbbbb2","ref":"main"},"merge_commit_sha":"ddddddd4"}}"#,
        )
        .unwrap();
        assert_eq!((target.base_ref.as_deref(), target.merge.as_deref()), (Some("main"), Some("ddddddd4")));
        let queue = parse(
            "merge_group",
            r#"{"merge_group":{"head_sha":"eeeeeee5","base_sha":"bbbbbbb2","base_ref":"refs/heads/main","head_ref":"refs/heads/gh-readonly-queue/main/pr-8-bbbbbbb2"},"repository":{"default_branch":"main"}}"#,
        )
        .unwrap();
        assert_eq!(
            (queue.pr, queue.head.as_deref(), queue.base.as_deref(), queue.base_ref.as_deref()),
            (None, Some("eeeeeee5"), Some("bbbbbbb2"), Some("main"))
        );
        for hostile in ["--upload-pack=x", "a..b", "", "main branch", "/etc", ".hidden"] {
            let e = parse(
                "pull_request",
                &format!(r#"{{"pull_request":{{"base":{{"ref":{}}}}}}}"#, serde_json::json!(hostile)),
            )
            .unwrap();
            assert_eq!(e.base_ref, None, "{hostile}");
        }
    }
}
