//! `contingent remind`: the dashboard issue of what falls due, and one comment per run that
//! mentions the owners of what became due since the last run.
//!
//! Reads the plan repository's work tree (as `due` does); the texts are `crate::remind`'s, the
//! network is `crate::github`'s alone. What was announced is kept in the issue body itself, so a
//! run needs no cache and no permission beyond `issues: write`.

use crate::cli::RemindArgs;
use crate::github::{self, sticky::is_ours_by, Identity, RepoName};
use crate::remind::{self, State};
use crate::source::git::Repo;
use crate::units::Duration;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn run(args: &RemindArgs) -> Result<u8, String> {
    let within = Duration::parse(&args.within).map_err(|e| format!("invalid --within: {e}"))?;
    let repo = match args.repo.clone().or_else(|| env("GITHUB_REPOSITORY")) {
        Some(r) => Some(RepoName::parse(&r)?),
        None if args.dry_run => None,
        None => return Err("which repository? give --repo OWNER/NAME (GITHUB_REPOSITORY in Actions)".into()),
    };
    for a in &args.assignees {
        if !super::report::is_github_login(a) {
            return Err(format!("--assignee `{}` is not a GitHub login", crate::escape::terminal(a)));
        }
    }
    if let Some(l) = args.labels.iter().find(|l| l.trim().is_empty() || l.len() > 50) {
        return Err(format!("--label `{}`: a label has 1 to 50 characters", crate::escape::terminal(l)));
    }
    let client = if args.dry_run {
        None
    } else {
        let token = env("GITHUB_TOKEN")
            .ok_or("GITHUB_TOKEN is not set: remind needs it to keep the issue and comment (or use --dry-run)")?;
        let api = env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_string());
        Some(github::Client::new(&api, &token)?)
    };

    let (clock, checked) = super::report::load(&args.path, args.as_of.as_deref())?;
    let today = clock.today;
    let root_dir = super::check::find_root(&args.path)?;
    // The plan root inside the Git repository, and the revision the links point at: the branch
    // the workflow runs on (GITHUB_REF_NAME: the default branch on a schedule), else the commit.
    let (root, rev) = match Repo::discover(&root_dir) {
        Ok(git) => (
            git.relative_dir(&root_dir).unwrap_or_default(),
            env("GITHUB_REF_NAME").or(git.head().map(|h| h.to_string())),
        ),
        Err(_) => (String::new(), env("GITHUB_REF_NAME")),
    };
    let blob = match (&repo, &rev) {
        (Some(r), Some(rev)) => {
            let server = env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_string());
            Some(format!("{}/{r}/blob/{}", server.trim_end_matches('/'), remind::url_path(rev)))
        }
        _ => None,
    };
    let model = &checked.loaded.model;
    let items = crate::due::items(model, &checked.loaded.files, today, within);
    let rows = remind::rows(items, &root, blob.as_deref());
    let people = remind::people(model);
    let marker = remind::marker(&root);

    let (Some(client), Some(repo)) = (client, repo) else {
        let ann = remind::announce(&rows, &State::default(), &people, today);
        let body = remind::body(&marker, &rows, &people, &ann.state, today, within);
        super::print(&body)?;
        match &ann.comment {
            Some(c) => super::print(&format!("\n---\ncomment ({} mentioned):\n\n{c}", ann.mentioned.join(", ")))?,
            None => super::print("\n---\nno comment: nobody to mention\n")?,
        }
        return Ok(crate::exit::CLEAN);
    };

    let me = client.identity();
    let creator = match &me {
        Identity::Login(l) => Some(l.as_str()),
        Identity::AnyBot => None,
    };
    let issues = client.issues(&repo, creator)?;
    let mut ours: Vec<&github::Issue> =
        issues.iter().filter(|i| is_ours_by(&i.body, &i.login, &i.user_type, &marker, &me)).collect();
    ours.sort_by(|a, b| (&a.created_at, a.number).cmp(&(&b.created_at, b.number)));
    // the dashboard: the oldest open one of ours, else the newest closed one
    let open: Vec<&&github::Issue> = ours.iter().filter(|i| i.state == "open").collect();
    let dashboard = open.first().map(|i| **i).or_else(|| ours.last().copied());
    let old = dashboard.map(|i| State::parse(&i.body)).unwrap_or_default();
    let ann = remind::announce(&rows, &old, &people, today);
    let body = remind::body(&marker, &rows, &people, &ann.state, today, within);
    let due = !rows.is_empty();
    let mut said = Vec::new();
    // Mentions go into a new comment (an edited one notifies nobody), and the state that records
    // them is written after it: should the comment fail, the next run mentions them again rather
    // than never. A new dashboard is made with the state as it was before this run.
    let (number, current) = match dashboard {
        None if !due => {
            super::print(&format!("{repo}: nothing due within {within} as of {today}; no dashboard issue needed\n"))?;
            return Ok(crate::exit::CLEAN);
        }
        None => {
            let first = match &ann.comment {
                Some(_) => remind::body(&marker, &rows, &people, &old, today, within),
                None => body.clone(),
            };
            let n = client.create_issue(&repo, &remind::title(&root), &first, &args.labels, &args.assignees)?;
            said.push("issue created".to_string());
            (n, (first, "open".to_string()))
        }
        Some(issue) => (issue.number, (issue.body.clone(), issue.state.clone())),
    };
    if let Some(c) = &ann.comment {
        client.create_comment(&repo, number, c)?;
        said.push(format!("comment mentioning {}", ann.mentioned.join(", ")));
    }
    let want = if due { "open" } else { "closed" };
    let body_changed = !remind::same(&current.0, &body);
    let state_changed = current.1 != want;
    if body_changed || state_changed {
        client.update_issue(&repo, number, body_changed.then_some(body.as_str()), state_changed.then_some(want))?;
    }
    if dashboard.is_some() {
        said.push(
            match (body_changed, state_changed, due) {
                (_, true, true) => "issue reopened",
                (_, true, false) => "issue closed: nothing due",
                (true, false, _) => "issue updated",
                (false, false, _) => "issue unchanged",
            }
            .to_string(),
        );
    }
    // Duplicates (two runs raced): closed, the dashboard kept.
    for dup in open.iter().filter(|i| i.number != number) {
        client.update_issue(&repo, dup.number, None, Some("closed"))?;
        said.push(format!("duplicate #{} closed", dup.number));
    }
    if ann.comment.is_none() {
        said.push("nobody newly due".to_string());
    }
    super::print(&format!("{repo}#{number}: {} ({} writes)\n", said.join("; "), client.writes()))?;
    Ok(crate::exit::CLEAN)
}
