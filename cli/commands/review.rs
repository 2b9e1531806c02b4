//! `contingent review`: the pull request's sticky comment and its `contingent/sign-off` status.
//!
//! Reads the base and the head as Git objects only (the head is never checked out, and nothing of
//! it runs); the plan root, the check date and the trust (approver rosters and keys) come from
//! the base. The network is `crate::github`'s alone.

use std::collections::{HashMap, HashSet};

use crate::check::{self, Checked, Context};
use crate::cli::ReviewArgs;
use crate::diagnostic::Diagnostic;
use crate::format::Kind;
use crate::github::{self, event::Event, RepoName};
use crate::model::Side;
use crate::review::{self, Change, Finding, PartyReview, PlanReview, Review};
use crate::signoff;
use crate::source::git::Repo;

/// The hidden first line that finds the comment again: one comment per plan root.
pub fn marker(root: &str) -> String {
    let root: String =
        root.chars().map(|c| if c.is_ascii_alphanumeric() || "/._".contains(c) { c } else { '_' }).collect();
    if root.is_empty() {
        "<!-- contingent:review v1 -->".to_string()
    } else {
        format!("<!-- contingent:review v1 {root} -->")
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn read_event() -> Result<Option<Event>, String> {
    let (Some(name), Some(path)) = (env("GITHUB_EVENT_NAME"), env("GITHUB_EVENT_PATH")) else { return Ok(None) };
    let text = github::event::read_file(&path)?;
    github::event::parse(&name, &text).map(Some)
}

/// The pull request, the base and the head, as the event and the arguments name them.
struct Target {
    event: Event,
    repo: Option<RepoName>,
    client: Option<github::Client>,
    pr: Option<u64>,
    base_rev: String,
    head_rev: String,
    /// A merge queue's entry: a status on its head, no comment.
    queue: bool,
}

fn target(args: &ReviewArgs) -> Result<Target, String> {
    let event = read_event()?.unwrap_or_default();
    let repo = match args.repo.as_deref().map(str::to_string).or_else(|| env("GITHUB_REPOSITORY")) {
        Some(r) => Some(RepoName::parse(&r)?),
        None if args.dry_run => None,
        None => return Err("which repository? give --repo OWNER/NAME (GITHUB_REPOSITORY in Actions)".into()),
    };
    let client = if args.dry_run {
        None
    } else {
        let token = env("GITHUB_TOKEN")
            .ok_or("GITHUB_TOKEN is not set: the review needs it to comment and set the status (or use --dry-run)")?;
        let api = env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_string());
        Some(github::Client::new(&api, &token)?)
    };
    let head_rev = args.head.clone().or(event.head.clone()).unwrap_or_else(|| "HEAD".to_string());
    let mut pr = args.pr.or(event.pr);
    let mut base_rev = args.base.clone().or(event.base.clone());
    let queue = event.name == "merge_group" && pr.is_none();
    if let (Some(client), Some(repo)) = (&client, &repo) {
        if pr.is_none() && !queue {
            // a workflow_run for a pull request from a fork lists no pull request: find it by
            // its head commit
            let sha = event.head.clone().unwrap_or_else(|| head_rev.clone());
            let found = client.pulls_for_commit(repo, &sha)?;
            match found.as_slice() {
                [one] => {
                    pr = Some(one.number);
                    base_rev = base_rev.or(Some(one.base.sha.clone()));
                }
                [] => return Err(format!("no open pull request of {repo} has the head commit {sha}: give --pr")),
                more => {
                    let numbers: Vec<String> = more.iter().map(|p| format!("#{}", p.number)).collect();
                    return Err(format!(
                        "several open pull requests have the head commit {sha} ({}): give --pr",
                        numbers.join(", ")
                    ));
                }
            }
        }
    }
    let base_rev =
        base_rev.ok_or("which base? give --base REV (on pull_request events it is read from GITHUB_EVENT_PATH)")?;
    if pr.is_none() && !(args.dry_run || queue) {
        return Err("which pull request? give --pr N".into());
    }
    Ok(Target { event, repo, client, pr, base_rev, head_rev, queue })
}

/// The link to this Actions run, when it runs in one.
fn run_url() -> Option<String> {
    match (env("GITHUB_SERVER_URL"), env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID")) {
        (Some(server), Some(r), Some(run)) if run.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{}/{r}/actions/runs/{run}", server.trim_end_matches('/')))
        }
        _ => None,
    }
}

/// What was judged: the review, its domain diff and the commit the status goes on.
struct Judged {
    review: Review,
    diff: crate::diff::DiffReport,
    root: String,
    status_commit: String,
}

fn judge(args: &ReviewArgs, t: &Target) -> Result<Judged, String> {
    let git = Repo::discover(&args.path)?;
    let start = git.relative_dir(&args.path)?;
    // The trusted base is the base branch's current tip (the event's base commit is the tip when
    // the pull request was last updated), unless --base names one.
    let base = match (&args.base, &t.event.base_ref) {
        (None, Some(branch)) => [format!("refs/remotes/origin/{branch}"), format!("refs/heads/{branch}")]
            .iter()
            .find_map(|r| git.commit(r).ok())
            .map_or_else(|| git.commit(&t.base_rev), Ok)?,
        _ => git.commit(&t.base_rev)?,
    };
    let status_commit = git.commit(&t.head_rev).map_err(|e| {
        format!("{e} (fetch the pull request's head as objects first, e.g. `git fetch origin refs/pull/N/head`)")
    })?;
    // What merging would produce, when GitHub's test merge of this head was fetched: the status
    // stays on the head, the judgement is of the merge.
    let head = match (&args.head, &t.event.merge) {
        (None, Some(m)) => match git.commit(m) {
            Ok(merge) if git.parents(merge).get(1) == Some(&status_commit) => merge,
            _ => status_commit,
        },
        _ => status_commit,
    };
    let from = git.merge_base(base, head).unwrap_or(base);
    // The plan root, the date and the trust come from the base, never from the change.
    let base_snapshot = git.tree(base, &start, &t.base_rev)?;
    let root = base_snapshot.root().to_string();
    let head_snapshot = git.tree_at_root(head, &root, &format!("commit {} (head)", git.short(head)))?;
    let from_snapshot = git.tree_at_root(from, &root, &format!("commit {} (merge base)", git.short(from)))?;
    let clock = crate::clock::for_source(args.as_of.as_deref(), &base_snapshot)?;
    let ctx = Context::new(clock.today);
    let base_checked = check::check(&base_snapshot, &ctx);
    let base_name = format!("commit {} (base)", git.short(base));
    // the head judged against the base's current tip: its roster, its records, its clock
    let trusted = signoff::Base {
        model: &base_checked.loaded.model,
        files: &base_checked.loaded.files,
        name: base_name.clone(),
        broken_plans: Default::default(),
    };
    let head_checked = check::check_trusted(&head_snapshot, &ctx, Some(&trusted), |_| Default::default());
    let from_checked = if from == base { None } else { Some(check::check(&from_snapshot, &ctx)) };
    let from_checked = from_checked.as_ref().unwrap_or(&base_checked);
    let checked = Sides3 { base: &base_checked, from: from_checked, head: &head_checked };
    let mut review = build((&git.short(base), &git.short(head)), &root, &checked, &base_name, clock.today);
    // The status branch protection reads is set only for a pull request into a protected branch
    // (the default branch unless --protected says otherwise).
    let protected: Vec<String> = if args.protected.is_empty() {
        t.event.default_branch.iter().cloned().collect()
    } else {
        args.protected.clone()
    };
    review.context = review::context_for(t.event.base_ref.as_deref(), &protected);
    review.root = root.clone();
    review.run_url = run_url();
    let sides = crate::diff::Sides {
        base: format!("commit {} (merge base)", git.short(from)),
        head: format!("commit {} (head)", git.short(head)),
    };
    let diff = crate::diff::diff(&from_checked.loaded, &head_checked.loaded, sides, clock.today);
    Ok(Judged { review, diff, root, status_commit: status_commit.to_string() })
}

pub fn run(args: &ReviewArgs) -> Result<u8, String> {
    let t = target(args)?;
    let Judged { review, diff, root, status_commit: head_sha } = judge(args, &t)?;
    let marker = marker(&root);
    let details = crate::diff::markdown_without_findings(&diff);
    let body = review::review_body(&marker, &review, Some(&diff));
    let (state, description) = review::status(&review);
    let context = review.context.clone();
    // the job's colour says what the review found: red when the sign-off is missing
    let code = if state == "success" { crate::exit::CLEAN } else { crate::exit::FINDINGS };
    let (Some(client), Some(repo)) = (&t.client, &t.repo) else {
        if !t.queue {
            super::print(&body)?;
        }
        super::print(&format!("\n---\nstatus {state} `{context}` on {head_sha}: {description}\n"))?;
        // a preview: what it found is in what it printed
        return Ok(crate::exit::CLEAN);
    };
    super::check::append_step_summary(&review::full_report(&review, Some(&details)))?;
    let me = client.identity(env("CONTINGENT_BOT_LOGIN").as_deref())?;
    // The comment and the status are independent: a refused write (a read-only token on a fork)
    // is reported and the other is still made.
    let mut refused = Vec::new();
    let mut failed = None;
    let mut said = String::new();
    let mut outcome = |what: &str, r: Result<String, String>, said: &mut String| match r {
        Ok(s) => said.push_str(&s),
        Err(e) if client.refused() => {
            refused.push(format!("{what}: {e}"));
            said.push_str(&format!("; {what} not written (refused)"));
        }
        Err(e) => {
            failed.get_or_insert(e);
        }
    };
    let comment = match t.pr {
        Some(pr) => write_comment(client, repo, pr, (&marker, &me), &body, !review.is_empty() || !diff.is_empty())
            .map(|s| format!("#{pr}: {s}")),
        None => Ok(": a merge queue entry, no comment".to_string()),
    };
    outcome("the comment", comment, &mut said);
    let status =
        github::Status { state: state.to_string(), context: context.clone(), description: description.clone() };
    outcome(
        "the status",
        write_status(client, repo, &head_sha, &status)
            .map(|s| format!("; status {state} `{context}` {s} on {head_sha}: {description}")),
        &mut said,
    );
    super::print(&format!("{repo}{said}\n"))?;
    for r in &refused {
        super::note(&format!(
            "warning: {r} (a read-only token, as pull requests from forks get on `pull_request`: see docs/github.md for the pull_request_target workflow)"
        ));
    }
    if !refused.is_empty() {
        let _ = super::check::append_step_summary(&format!(
            "\n> [!WARNING]\n> {} refused by GitHub (a read-only token?): the review above is what it would say.\n",
            refused.len()
        ));
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(code),
    }
}

/// Keeps the one sticky comment; with nothing to review, only an existing one is edited (to one
/// line), none is made.
fn write_comment(
    client: &github::Client,
    repo: &RepoName,
    pr: u64,
    who: (&str, &github::Identity),
    body: &str,
    something: bool,
) -> Result<String, String> {
    let (outcome, deleted) = github::sticky::sync(client, repo, pr, who, body, something)?;
    let dups = if deleted > 0 { format!(", {deleted} duplicate(s) deleted") } else { String::new() };
    Ok(match outcome {
        Some(github::sticky::Outcome::Created(id)) => format!("comment {id} created{dups}"),
        Some(github::sticky::Outcome::Updated(id)) => format!("comment {id} updated{dups}"),
        Some(github::sticky::Outcome::Unchanged(id)) => format!("comment {id} unchanged{dups}"),
        None => "no plan changed, no comment".to_string(),
    })
}

/// Sets the status unless it is set already.
fn write_status(
    client: &github::Client,
    repo: &RepoName,
    sha: &str,
    status: &github::Status,
) -> Result<String, String> {
    let current = client.statuses(repo, sha)?.into_iter().find(|s| s.context == status.context);
    if current.as_ref() == Some(status) {
        return Ok("unchanged".to_string());
    }
    client.create_status(repo, sha, status, run_url().as_deref())?;
    Ok("set".to_string())
}

/// The finding without its place in the text, so that an edit moving lines does not make every
/// finding of the file new.
type Key = (&'static str, String, String);

fn key(d: &Diagnostic, c: &Checked) -> Key {
    let path = d.location.map(|l| c.loaded.files.get(l.file).path.clone()).unwrap_or_default();
    (d.rule.code, path, d.message.clone())
}

fn finding(d: &Diagnostic, c: &Checked, root: &str) -> Finding {
    let place = match d.location {
        Some(l) => {
            let f = c.loaded.files.get(l.file);
            format!("{}:{}", with_root(root, &f.path), f.line_col(l.span.start).0)
        }
        None => "(repository)".to_string(),
    };
    Finding {
        severity: format!("{:?}", d.severity).to_lowercase(),
        code: d.rule.code.to_string(),
        place,
        message: d.message.clone(),
    }
}

fn with_root(root: &str, path: &str) -> String {
    if root.is_empty() {
        path.to_string()
    } else {
        format!("{root}/{path}")
    }
}

/// The three checked versions a review compares: the trusted base, the merge base and the head.
struct Sides3<'a> {
    base: &'a Checked,
    from: &'a Checked,
    head: &'a Checked,
}

/// Who may sign, as names: the roster's approvers and a display of contacts.
struct People<'a> {
    names: HashMap<&'a str, &'a str>,
    /// The base's rosters, or a changed roster its approvers signed (`sign --roster`).
    rosters: [Vec<signoff::RosterKey>; 2],
    today: crate::units::Date,
}

impl People<'_> {
    fn display(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        }
    }

    fn roster(&self, side: Side) -> &[signoff::RosterKey] {
        &self.rosters[usize::from(side == Side::Provider)]
    }

    /// Who can still sign for a party: the roster's approvers with a key valid today.
    fn approvers(&self, side: Side) -> Vec<String> {
        let mut a: Vec<String> =
            self.roster(side).iter().filter(|k| k.valid_on(self.today)).map(|k| self.display(&k.contact)).collect();
        a.dedup();
        a
    }
}

/// The review of `head` against the merge base `from`, judged with the trust of `base`.
fn build(
    (base_short, head_short): (&str, &str),
    root: &str,
    c: &Sides3,
    base_name: &str,
    today: crate::units::Date,
) -> Review {
    let (new, resolved) = new_and_resolved(c, root);
    let record_errors = record_errors(c.head, root, &new);
    // the one verdict: the same function `check --changed-since` asks
    let trusted = signoff::Base {
        model: &c.base.loaded.model,
        files: &c.base.loaded.files,
        name: base_name.to_string(),
        broken_plans: check::broken_plans(&c.head.loaded.broken),
    };
    let eval = signoff::evaluate_with(&c.head.loaded.model, &c.head.loaded.files, &Context::new(today), Some(&trusted));
    let trusted = signoff::trusted_rosters(&c.head.loaded.model, &c.base.loaded.model, today);
    let people = People {
        names: c.base.loaded.model.contacts.iter().map(|c| (c.id.value.as_str(), c.name.as_str())).collect(),
        rosters: [trusted[0].0.clone(), trusted[1].0.clone()],
        today,
    };
    let mut plans = changed_plans(c, &eval, &people, today);
    let unloadable = unloadable(c);
    let removed = broken_and_removed(c, root, &eval, &people, &unloadable, &mut plans);
    plans.sort_by(|a, b| a.plan.cmp(&b.plan));
    let mut roster_changes = Vec::new();
    for (side, word) in [(Side::Client, "client"), (Side::Provider, "provider")] {
        let before = people.roster(side);
        if signoff::roster(&c.head.loaded.model, side) != *before
            && trusted[usize::from(side == Side::Provider)].1.is_none()
        {
            let mut reviewers: Vec<String> = before.iter().map(|k| people.display(&k.contact)).collect();
            reviewers.dedup();
            roster_changes.push(review::RosterChange { party: word.to_string(), reviewers });
        }
    }
    Review {
        base: base_short.into(),
        head: head_short.into(),
        plans,
        removed,
        new,
        resolved,
        roster_changes,
        unloadable: unloadable.iter().map(|p| with_root(root, p)).collect(),
        record_errors,
        ..Review::default()
    }
}

/// The findings the change adds and those it resolves: the head's own, checked against the base
/// (`check::check_trusted`), compared with the merge base's without positions.
fn new_and_resolved(c: &Sides3, root: &str) -> (Vec<Finding>, Vec<Finding>) {
    let (head, from) = (c.head, c.from);
    let now: Vec<&Diagnostic> = head.diagnostics().iter().filter(|d| d.counts()).collect();
    let before: Vec<&Diagnostic> = from.diagnostics().iter().filter(|d| d.counts()).collect();
    let before_keys: HashSet<Key> = before.iter().map(|d| key(d, from)).collect();
    let now_keys: HashSet<Key> = now.iter().map(|d| key(d, head)).collect();
    let new = now.iter().filter(|d| !before_keys.contains(&key(d, head))).map(|d| finding(d, head, root)).collect();
    let resolved =
        before.iter().filter(|d| !now_keys.contains(&key(d, from))).map(|d| finding(d, from, root)).collect();
    (new, resolved)
}

/// Errors the change adds in the sign-offs folder, about any plan (a record for content to come,
/// an untrusted or invalid record, a record naming no plan).
fn record_errors(head: &Checked, root: &str, new: &[Finding]) -> Vec<Finding> {
    let folder = head
        .loaded
        .model
        .config
        .as_ref()
        .map_or("signoffs".to_string(), |c| crate::source::normalise_dir(&c.paths.signoffs));
    let in_folder = with_root(root, &format!("{folder}/"));
    new.iter()
        // the records' own findings are at the records; a plan's approval findings (SIG001,
        // SIG002, SIG019, …) are at the plan and already in `plans`
        .filter(|f| f.severity == "error" && f.place.starts_with(&in_folder))
        .cloned()
        .collect()
}

/// What changed that a plan's approval relies on, as `SIG019` says it (after "signed it on
/// DATE: ", before "; needs re-approval").
fn cause(eval: &signoff::Evaluation, plan: &str) -> Option<String> {
    let subject = format!("plan:{plan}");
    let d = eval.diagnostics.iter().find(|d| {
        d.rule.code == signoff::codes::SIG_CONTEXT_CHANGED.code && d.subject.as_deref() == Some(subject.as_str())
    })?;
    let m = d.message.as_str();
    let start = m.find(": ").map_or(0, |i| i + 2);
    let end = m.rfind("; needs re-approval").unwrap_or(m.len());
    Some(m[start..end.max(start)].to_string())
}

/// The plans the change touches that load at the head: new, changed, or (file unchanged) no
/// longer approved because what they rely on changed.
fn changed_plans(
    c: &Sides3,
    eval: &signoff::Evaluation,
    people: &People,
    today: crate::units::Date,
) -> Vec<PlanReview> {
    let (head, from) = (c.head, c.from);
    let old: HashMap<&str, &str> =
        from.loaded.model.plans.iter().map(|p| (p.id.value.as_str(), p.digest.as_str())).collect();
    // plans approved at the merge base: one whose own file is unchanged still needs signing
    // again when what its approval binds changed (SIG019)
    let approved_before: HashSet<String> =
        signoff::evaluate(&from.loaded.model, &from.loaded.files, &Context::new(today))
            .plans
            .into_iter()
            .filter(|p| p.approved)
            .map(|p| p.plan)
            .collect();
    let valid = signoff::valid_signoffs(&head.loaded.model, &head.loaded.files);
    let mut plans = Vec::new();
    for state in &eval.plans {
        let change = match old.get(state.plan.as_str()) {
            None => Change::New,
            Some(d) if *d != state.digest => Change::Changed,
            Some(_) if !state.approved && approved_before.contains(&state.plan) => Change::Context,
            Some(_) => continue,
        };
        // who signed, as the verdict counts them: the valid sign-offs of the current content that
        // the evaluation against the base kept; the others of the current content did not count
        let party = |side: Side| {
            let judged = if side == Side::Client { &state.client } else { &state.provider };
            let mut signed_by: Vec<String> = if judged.state == signoff::State::Signed {
                judged.approvals.iter().map(|a| people.display(&a.signer)).collect()
            } else {
                Vec::new()
            };
            signed_by.sort();
            signed_by.dedup();
            let mut untrusted: Vec<String> = valid
                .iter()
                .filter(|v| v.plan == state.plan && v.party == side && v.digest == state.digest && v.context_holds)
                .filter(|v| !v.retire)
                .map(|v| people.display(&v.signer))
                .filter(|n| !signed_by.contains(n))
                .collect();
            untrusted.sort();
            untrusted.dedup();
            PartyReview { signed_by, untrusted, approvers: people.approvers(side) }
        };
        plans.push(PlanReview {
            plan: state.plan.clone(),
            change,
            approved: state.approved,
            client: party(Side::Client),
            provider: party(Side::Provider),
            problem: state.problem.clone(),
            cause: if change == Change::Context { cause(eval, &state.plan) } else { None },
        });
    }
    plans
}

/// Files the change leaves unreadable (syntax, schema, file errors it adds): a plan in one of
/// them is not removed, it cannot be judged; and any such file fails the status, as it could
/// hold a plan (fail closed).
fn unloadable(c: &Sides3) -> Vec<String> {
    let before_keys: HashSet<Key> =
        c.from.diagnostics().iter().filter(|d| d.counts()).map(|d| key(d, c.from)).collect();
    let mut unloadable: Vec<String> = c
        .head
        .diagnostics()
        .iter()
        .filter(|d| d.counts() && ["KDL", "SCH", "FILE"].iter().any(|f| d.rule.code.starts_with(f)))
        .filter(|d| !before_keys.contains(&key(d, c.head)))
        .filter_map(|d| d.location.map(|l| c.head.loaded.files.get(l.file).path.clone()))
        .collect();
    unloadable.sort();
    unloadable.dedup();
    unloadable
}

fn cannot_judge(plan: &str, problem: String) -> PlanReview {
    PlanReview {
        plan: plan.to_string(),
        change: Change::Broken,
        approved: false,
        client: PartyReview::default(),
        provider: PartyReview::default(),
        problem: Some(problem),
        cause: None,
    }
}

/// The plans the change breaks or removes: broken ones and removals without a signed retirement
/// go into `plans`; the removals whose retirement both parties signed are returned.
fn broken_and_removed(
    c: &Sides3,
    root: &str,
    eval: &signoff::Evaluation,
    people: &People,
    unloadable: &[String],
    plans: &mut Vec<PlanReview>,
) -> Vec<String> {
    let (head, from) = (c.head, c.from);
    let loaded: HashSet<&str> = head.loaded.model.plans.iter().map(|p| p.id.value.as_str()).collect();
    let mut broken: Vec<&String> = head
        .loaded
        .broken
        .iter()
        // broken by the change: a plan already broken at the merge base is not the change's doing;
        // an empty id stands for a file that does not parse, reported as such
        .filter(|(kind, id)| {
            *kind == Kind::Plan
                && !id.is_empty()
                && !loaded.contains(id.as_str())
                && !from.loaded.broken.contains(&(Kind::Plan, id.clone()))
        })
        .map(|(_, id)| id)
        .collect();
    broken.sort();
    broken.dedup();
    let file_of = |id: &str| {
        from.loaded.model.plans.iter().find(|p| p.id.value == id).map(|p| &from.loaded.files.get(p.file).path)
    };
    for id in &broken {
        // a plan whose file does not parse (its id recovered from the text): name the file
        let problem = match file_of(id).filter(|f| unloadable.contains(f)) {
            Some(path) => {
                format!("{} does not load, so the plan's content and sign-offs cannot be judged", with_root(root, path))
            }
            None => "the plan has errors, so its content and sign-offs cannot be judged".to_string(),
        };
        plans.push(cannot_judge(id, problem));
    }
    let valid = signoff::valid_signoffs(&head.loaded.model, &head.loaded.files);
    let mut removed = Vec::new();
    for p in &from.loaded.model.plans {
        let id = p.id.value.as_str();
        if loaded.contains(id) || broken.iter().any(|b| b.as_str() == id) {
            continue;
        }
        let path = &from.loaded.files.get(p.file).path;
        let retirement = eval.diagnostics.iter().find(|d| {
            d.rule.code == signoff::codes::SIG_REMOVED.code && d.subject.as_deref() == Some(&format!("plan:{id}"))
        });
        if unloadable.contains(path) {
            let problem = format!(
                "{} does not load, so the plan's content and sign-offs cannot be judged",
                with_root(root, path)
            );
            plans.push(cannot_judge(id, problem));
        } else if let Some(d) = retirement {
            // removed without a retirement both parties signed: as unapproved as an unsigned change
            let party = |side: Side| {
                let mut signed_by: Vec<String> = valid
                    .iter()
                    .filter(|v| v.retire && v.plan == id && v.party == side && v.digest == p.digest)
                    .filter(|v| signoff::trusts(people.roster(side), v))
                    .map(|v| people.display(&v.signer))
                    .collect();
                signed_by.sort();
                signed_by.dedup();
                PartyReview { signed_by, untrusted: Vec::new(), approvers: people.approvers(side) }
            };
            plans.push(PlanReview {
                change: Change::Removed,
                client: party(Side::Client),
                provider: party(Side::Provider),
                ..cannot_judge(id, d.message.clone())
            });
        } else {
            removed.push(id.to_string());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    #[test]
    fn markers() {
        assert_eq!(super::marker(""), "<!-- contingent:review v1 -->");
        assert_eq!(super::marker("plans/eu-west"), "<!-- contingent:review v1 plans/eu_west -->");
        assert_eq!(super::marker("a -->b"), "<!-- contingent:review v1 a____b -->");
    }
}
