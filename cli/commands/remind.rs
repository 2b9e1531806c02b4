//! `contingent remind`: the dashboard issue of what falls due, and one comment per run that
//! mentions the owners of what became due since the last run.
//!
//! Reads the plan repository's work tree (as `due` does); the texts are `crate::remind`'s, the
//! network is `crate::github`'s alone. What was announced is kept in the issue body itself, so a
//! run needs no cache and no permission beyond `issues: write`.

use crate::cli::RemindArgs;
use crate::github::{self, sticky::is_ours_by, RepoName};
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

    let ctx = Ctx { client: &client, repo: &repo, args, marker: &marker, root: &root, rev: rev.as_deref() };
    let me = client.identity(env("CONTINGENT_BOT_LOGIN").as_deref())?;
    let issues = client.find_issues(&repo, &me.0, remind::TITLE)?;
    let mut ours: Vec<&github::Issue> = issues.iter().filter(|i| is_ours_by(&i.body, &i.login, &marker, &me)).collect();
    ours.sort_by(|a, b| (&a.created_at, a.number).cmp(&(&b.created_at, b.number)));
    // the dashboard: the oldest open one of ours, else the newest closed one
    let open: Vec<&github::Issue> = ours.iter().filter(|i| i.state == "open").copied().collect();
    let dashboard = open.first().copied().or_else(|| ours.last().copied());
    let mut old = dashboard.map(|i| State::parse(&i.body)).unwrap_or_default();
    if let Some(d) = dashboard.filter(|d| d.state == "closed" && d.state_reason == "not_planned") {
        // a person closed it as not planned: heard until something new falls due
        let news = rows.iter().any(|r| !old.has(r));
        if args.keep_closed || !news {
            let why = if args.keep_closed { "--keep-closed" } else { "nothing new falls due" };
            super::print(&format!("{repo}#{}: closed as not planned, left closed ({why})\n", d.number))?;
            return Ok(crate::exit::CLEAN);
        }
    }
    let mut said = Vec::new();
    if let Some(d) = dashboard {
        said.extend(confirmations(&ctx, d, &mut old, (&checked, &rows, &people))?);
    }
    let mut ann = remind::announce(&rows, &old, &people, today);
    if let (Some(_), Some(d)) = (&ann.comment, dashboard) {
        // a run that failed after GitHub made its comment: what that comment told is told
        let told: std::collections::BTreeSet<String> = client
            .recent_comments(&repo, d.number)?
            .iter()
            .filter(|c| c.login.eq_ignore_ascii_case(&me.0))
            .flat_map(|c| remind::told_keys(&c.body))
            .collect();
        if !told.is_empty() {
            old.announced.extend(told);
            ann = remind::announce(&rows, &old, &people, today);
        }
    }
    write(&ctx, (dashboard, &open), (&rows, &people, &old, &ann), (today, said))
}

/// What the network part needs.
struct Ctx<'a> {
    client: &'a github::Client,
    repo: &'a RepoName,
    args: &'a RemindArgs,
    marker: &'a str,
    root: &'a str,
    /// The branch the run is on (the links, the pull request's base).
    rev: Option<&'a str>,
}

/// Mentions go into a new comment (an edited one notifies nobody), and the state that records
/// them is written after it: should the comment fail, the next run sees what it told (its hidden
/// keys) or tells it again, never nothing. A new dashboard is made with the state as it was.
fn write(
    c: &Ctx,
    (dashboard, open): (Option<&github::Issue>, &[&github::Issue]),
    (rows, people, old, ann): (&[remind::Row], &remind::People, &State, &remind::Announcement),
    (today, mut said): (crate::units::Date, Vec<String>),
) -> Result<u8, String> {
    let (client, repo) = (c.client, c.repo);
    let within = Duration::parse(&c.args.within).map_err(|e| format!("invalid --within: {e}"))?;
    let body = remind::body(c.marker, rows, people, &ann.state, today, within);
    let due = !rows.is_empty();
    let (number, current) = match dashboard {
        None if !due => {
            super::print(&format!("{repo}: nothing due within {within} as of {today}; no dashboard issue needed\n"))?;
            return Ok(crate::exit::CLEAN);
        }
        None => {
            let first = match &ann.comment {
                Some(_) => remind::body(c.marker, rows, people, old, today, within),
                None => body.clone(),
            };
            let n = create_issue(c, &first)?;
            said.push("issue created".to_string());
            (n, (first, "open".to_string()))
        }
        Some(issue) => (issue.number, (issue.body.clone(), issue.state.clone())),
    };
    if let Some(text) = &ann.comment {
        client.create_comment(repo, number, text)?;
        said.push(format!("comment mentioning {}", ann.mentioned.join(", ")));
    }
    let want = if due { "open" } else { "closed" };
    let body_changed = !remind::same(&current.0, &body);
    let state_changed = current.1 != want;
    if body_changed || state_changed {
        client.update_issue(repo, number, body_changed.then_some(body.as_str()), state_changed.then_some(want))?;
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
        client.update_issue(repo, dup.number, None, Some("closed"))?;
        said.push(format!("duplicate #{} closed", dup.number));
    }
    if ann.comment.is_none() {
        said.push("nobody newly due".to_string());
    }
    super::print(&format!("{repo}#{number}: {} ({} writes)\n", said.join("; "), client.writes()))?;
    Ok(crate::exit::CLEAN)
}

/// Opens the dashboard with the labels and assignees; an assignee GitHub refuses (`422` naming
/// the field) is left out with a warning, so that the dashboard is still made.
fn create_issue(c: &Ctx, body: &str) -> Result<u64, String> {
    let title = remind::title(c.root);
    match c.client.create_issue(c.repo, &title, body, &c.args.labels, &c.args.assignees) {
        Err(e) if !c.args.assignees.is_empty() && e.contains("GitHub answered 422") && e.contains("`assignees`") => {
            super::note(&format!("warning: {e}: the dashboard is made without assignees"));
            c.client.create_issue(c.repo, &title, body, &c.args.labels, &[])
        }
        other => other,
    }
}

/// The checkbox loop: reads who ticked which box since the last run (the body's edit history),
/// keeps the ticks of the contacts themselves, and opens or updates the one pull request that
/// sets their `verified` dates. Returns what it did, for the log.
fn confirmations(
    c: &Ctx,
    dashboard: &github::Issue,
    state: &mut State,
    (checked, rows, people): (&crate::check::Checked, &[remind::Row], &remind::People),
) -> Result<Vec<String>, String> {
    let due: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.item.kind == "contact-verification")
        .filter_map(|r| r.item.subject.strip_prefix("contact:"))
        .collect();
    // confirmations that are recorded now (the pull request was merged) are done
    state.confirmed.retain(|k| due.contains(k.contact.as_str()));
    let mut said = Vec::new();
    let known: std::collections::BTreeSet<String> = state.confirmed.iter().map(|k| k.contact.clone()).collect();
    if remind::ticked(&dashboard.body).difference(&known).next().is_some() {
        let edits = c.client.body_edits(c.repo, dashboard.number)?;
        let (counted, ignored) = remind::ticks(&edits, state.edits_seen.as_deref(), people);
        for k in counted.into_iter().filter(|k| due.contains(k.contact.as_str())) {
            said.push(format!("{} confirmed by {} on {}", k.contact, k.by, k.date));
            state.confirmed.retain(|o| o.contact != k.contact);
            state.confirmed.push(k);
        }
        for i in &ignored {
            said.push(format!("a tick by {} for {} ignored: not that contact's login", i.by, i.contact));
        }
        state.ignored = ignored;
        state.edits_seen = edits.last().map(|e| e.at.clone()).or(state.edits_seen.take());
    }
    if state.confirmed.is_empty() {
        state.pull = None;
        return Ok(said);
    }
    said.extend(pull_request(c, state, checked)?);
    Ok(said)
}

/// The pull request that sets the confirmed contacts' `verified` dates, made from the checked
/// out commit: written only when the commit or the confirmations changed.
fn pull_request(c: &Ctx, state: &mut State, checked: &crate::check::Checked) -> Result<Vec<String>, String> {
    let Some(base) = c.rev.filter(|r| !r.is_empty() && !r.bytes().all(|b| b.is_ascii_hexdigit())) else {
        super::note("note: confirmed contacts wait: the run is on no branch (GITHUB_REF_NAME) for their pull request");
        return Ok(Vec::new());
    };
    let root_dir = super::check::find_root(&c.args.path)?;
    let git = Repo::discover(&root_dir)?;
    let parent = git.head().ok_or("the plan repository has no commit to base the pull request on")?;
    let tree = crate::source::git::commit_tree(git.gix(), parent)?;
    let files = remind::verified_edits(&checked.loaded.model, &checked.loaded.files, &state.confirmed, c.root);
    let digest = remind::confirmations_digest(&state.confirmed);
    let made_from = format!("{parent}:{digest}");
    if state.pull.as_ref().is_some_and(|p| p.made_from == made_from) {
        return Ok(Vec::new());
    }
    let branch = remind::branch(c.root);
    let (title, message, body) = remind::pull_texts(&state.confirmed, &checked.loaded.model);
    c.client.commit_files(c.repo, (&parent.to_string(), &tree.to_string()), &branch, &message, &files)?;
    let number = c.client.upsert_pull(c.repo, (&branch, base), &title, &body)?;
    state.pull = Some(remind::Pull { number, made_from });
    Ok(vec![format!("pull request #{number} sets the verified dates")])
}
