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

#[allow(clippy::too_many_lines)] // longer than a screen: to be split into named steps
pub fn run(args: &ReviewArgs) -> Result<u8, String> {
    let event = read_event()?.unwrap_or_default();
    let repo_name = match args.repo.as_deref().map(str::to_string).or_else(|| env("GITHUB_REPOSITORY")) {
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
    // a merge queue's entry has no pull request: the status is set on its head, no comment
    let queue = event.name == "merge_group" && pr.is_none();
    if let (Some(client), Some(repo)) = (&client, &repo_name) {
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
    let pr = match (pr, args.dry_run || queue) {
        (Some(n), _) => Some(n),
        (None, true) => None,
        (None, false) => return Err("which pull request? give --pr N".into()),
    };

    let git = Repo::discover(&args.path)?;
    let start = git.relative_dir(&args.path)?;
    // The trusted base is the base branch's current tip (the event's base commit is the tip when
    // the pull request was last updated), unless --base names one.
    let base = match (&args.base, &event.base_ref) {
        (None, Some(branch)) => [format!("refs/remotes/origin/{branch}"), format!("refs/heads/{branch}")]
            .iter()
            .find_map(|r| git.commit(r).ok())
            .map_or_else(|| git.commit(&base_rev), Ok)?,
        _ => git.commit(&base_rev)?,
    };
    let status_commit = git.commit(&head_rev).map_err(|e| {
        format!("{e} (fetch the pull request's head as objects first, e.g. `git fetch origin refs/pull/N/head`)")
    })?;
    // What merging would produce, when GitHub's test merge of this head was fetched: the status
    // stays on the head, the judgement is of the merge.
    let head = match (&args.head, &event.merge) {
        (None, Some(m)) => match git.commit(m) {
            Ok(merge) if git.parents(merge).get(1) == Some(&status_commit) => merge,
            _ => status_commit,
        },
        _ => status_commit,
    };
    let from = git.merge_base(base, head).unwrap_or(base);
    // The plan root, the date and the trust come from the base, never from the change.
    let base_snapshot = git.tree(base, &start, &base_rev)?;
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

    let review = build(
        (&git.short(base), &git.short(head)),
        &root,
        &base_checked,
        from_checked,
        &head_checked,
        &base_name,
        clock.today,
    );
    // The status branch protection reads is set only for a pull request into a protected branch
    // (the default branch unless --protected says otherwise).
    let protected: Vec<String> =
        if args.protected.is_empty() { event.default_branch.iter().cloned().collect() } else { args.protected.clone() };
    let mut review = review;
    review.context = review::context_for(event.base_ref.as_deref(), &protected);
    let context = review.context.clone();
    let marker = marker(&root);
    let details = domain_diff_markdown(&git, (from, head), (from_checked, &head_checked), clock.today);
    let body = review::review_body(&marker, &review, details.as_deref());
    let (state, description) = review::status(&review);
    let head_sha = status_commit.to_string();

    let (Some(client), Some(repo)) = (client, repo_name) else {
        if !queue {
            super::print(&body)?;
        }
        super::print(&format!("\n---\nstatus {state} `{context}` on {head_sha}: {description}\n"))?;
        return Ok(crate::exit::CLEAN);
    };
    super::check::append_step_summary(&review::full_report(&review, details.as_deref()))?;
    let (said, deleted) = match pr {
        Some(pr) => {
            let (outcome, deleted) = github::sticky::sync(&client, &repo, pr, &marker, &body)?;
            let said = match outcome {
                github::sticky::Outcome::Created(id) => format!("#{pr}: comment {id} created"),
                github::sticky::Outcome::Updated(id) => format!("#{pr}: comment {id} updated"),
                github::sticky::Outcome::Unchanged(id) => format!("#{pr}: comment {id} unchanged"),
            };
            (said, deleted)
        }
        None => (": a merge queue entry, no comment".to_string(), 0),
    };
    let status =
        github::Status { state: state.to_string(), context: context.clone(), description: description.clone() };
    let current = client.statuses(&repo, &head_sha)?.into_iter().find(|s| s.context == context);
    let status_said = if current.as_ref() == Some(&status) {
        "unchanged"
    } else {
        let target = match (env("GITHUB_SERVER_URL"), env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID")) {
            (Some(server), Some(r), Some(run)) => {
                Some(format!("{}/{r}/actions/runs/{run}", server.trim_end_matches('/')))
            }
            _ => None,
        };
        client.create_status(&repo, &head_sha, &status, target.as_deref())?;
        "set"
    };
    let dups = if deleted > 0 { format!(", {deleted} duplicate(s) deleted") } else { String::new() };
    super::print(&format!(
        "{repo}{said}{dups}; status {state} `{context}` {status_said} on {head_sha}: {description}\n"
    ))?;
    Ok(crate::exit::CLEAN)
}

/// The domain diff (`contingent diff`) of the merge base against the head, as Markdown: what the
/// change does to the plans (weaker, stronger, neutral), whose approvals it voids. It goes into
/// the comment after the summary (cut as a whole when it does not fit) and into the job summary.
fn domain_diff_markdown(
    git: &Repo,
    (from, head): (gix::ObjectId, gix::ObjectId),
    (from_checked, head_checked): (&Checked, &Checked),
    today: crate::units::Date,
) -> Option<String> {
    let sides = crate::diff::Sides {
        base: format!("commit {} (merge base)", git.short(from)),
        head: format!("commit {} (head)", git.short(head)),
    };
    let report = crate::diff::diff(&from_checked.loaded, &head_checked.loaded, sides, today);
    Some(crate::diff::markdown_without_findings(&report))
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

/// The review of `head` against the merge base `from`, judged with the trust of `base`.
#[allow(clippy::too_many_lines)] // longer than a screen: to be split into named steps
pub fn build(
    (base_short, head_short): (&str, &str),
    root: &str,
    base: &Checked,
    from: &Checked,
    head: &Checked,
    base_name: &str,
    today: crate::units::Date,
) -> Review {
    // findings: the head's own, checked against the base (`check::check_trusted`)
    let now: Vec<&Diagnostic> = head.diagnostics().iter().filter(|d| d.counts()).collect();
    let before: Vec<&Diagnostic> = from.diagnostics().iter().filter(|d| d.counts()).collect();
    let before_keys: HashSet<Key> = before.iter().map(|d| key(d, from)).collect();
    let now_keys: HashSet<Key> = now.iter().map(|d| key(d, head)).collect();
    let new: Vec<Finding> =
        now.iter().filter(|d| !before_keys.contains(&key(d, head))).map(|d| finding(d, head, root)).collect();
    let resolved: Vec<Finding> =
        before.iter().filter(|d| !now_keys.contains(&key(d, from))).map(|d| finding(d, from, root)).collect();
    // errors the change adds in the sign-offs folder, about any plan (a record for content to
    // come, an untrusted or invalid record, a record naming no plan)
    let folder = head
        .loaded
        .model
        .config
        .as_ref()
        .map_or("signoffs".to_string(), |c| crate::source::normalise_dir(&c.paths.signoffs));
    let in_folder = with_root(root, &format!("{folder}/"));
    let record_errors: Vec<Finding> = new
        .iter()
        // the records' own findings are at the records; a plan's approval findings (SIG001,
        // SIG002, SIG019, …) are at the plan and already in `plans`
        .filter(|f| f.severity == "error" && f.place.starts_with(&in_folder))
        .cloned()
        .collect();

    // plans: digest at the merge base against the head
    let old: HashMap<&str, &str> =
        from.loaded.model.plans.iter().map(|p| (p.id.value.as_str(), p.digest.as_str())).collect();
    // the one verdict: the same function `check --changed-since` asks
    let trusted = signoff::Base {
        model: &base.loaded.model,
        files: &base.loaded.files,
        name: base_name.to_string(),
        broken_plans: check::broken_plans(&head.loaded.broken),
    };
    let eval = signoff::evaluate_with(&head.loaded.model, &head.loaded.files, &Context::new(today), Some(&trusted));
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
    // the base's rosters, or a changed roster its approvers signed (`sign --roster`)
    let trusted = signoff::trusted_rosters(&head.loaded.model, &base.loaded.model, today);
    let rosters = [trusted[0].0.clone(), trusted[1].0.clone()];
    let names: HashMap<&str, &str> =
        base.loaded.model.contacts.iter().map(|c| (c.id.value.as_str(), c.name.as_str())).collect();
    let display = |id: &str| match names.get(id) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    };
    // who can still sign for a party: the roster's approvers with a key valid today
    let approvers_today = |roster: &[signoff::RosterKey]| -> Vec<String> {
        let mut a: Vec<String> = roster.iter().filter(|k| k.valid_on(today)).map(|k| display(&k.contact)).collect();
        a.dedup();
        a
    };
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
            let roster = &rosters[usize::from(side == Side::Provider)];
            let judged = if side == Side::Client { &state.client } else { &state.provider };
            let mut signed_by: Vec<String> = if judged.state == signoff::State::Signed {
                judged.approvals.iter().map(|a| display(&a.signer)).collect()
            } else {
                Vec::new()
            };
            signed_by.sort();
            signed_by.dedup();
            let mut untrusted: Vec<String> = valid
                .iter()
                .filter(|v| v.plan == state.plan && v.party == side && v.digest == state.digest && v.context_holds)
                .filter(|v| !v.retire)
                .map(|v| display(&v.signer))
                .filter(|n| !signed_by.contains(n))
                .collect();
            untrusted.sort();
            untrusted.dedup();
            let approvers = approvers_today(roster);
            (PartyReview { signed_by, untrusted, approvers }, ())
        };
        let (client, _) = party(Side::Client);
        let (provider, _) = party(Side::Provider);
        plans.push(PlanReview {
            plan: state.plan.clone(),
            change,
            approved: state.approved,
            client,
            provider,
            problem: state.problem.clone(),
        });
    }
    let loaded: HashSet<&str> = head.loaded.model.plans.iter().map(|p| p.id.value.as_str()).collect();
    let mut broken: Vec<&String> = head
        .loaded
        .broken
        .iter()
        // broken by the change: a plan already broken at the merge base is not the change's doing
        .filter(|(kind, id)| {
            // an empty id stands for a file that does not parse: reported as such below
            *kind == Kind::Plan
                && !id.is_empty()
                && !loaded.contains(id.as_str())
                && !from.loaded.broken.contains(&(Kind::Plan, id.clone()))
        })
        .map(|(_, id)| id)
        .collect();
    broken.sort();
    broken.dedup();
    // Files the change leaves unreadable (syntax, schema, file errors it adds): a plan in one of
    // them is not removed, it cannot be judged; and any such file fails the status, as it could
    // hold a plan (fail closed).
    let mut unloadable: Vec<String> = head
        .diagnostics()
        .iter()
        .filter(|d| d.counts() && ["KDL", "SCH", "FILE"].iter().any(|f| d.rule.code.starts_with(f)))
        .filter(|d| !before_keys.contains(&key(d, head)))
        .filter_map(|d| d.location.map(|l| head.loaded.files.get(l.file).path.clone()))
        .collect();
    unloadable.sort();
    unloadable.dedup();
    for id in &broken {
        // a plan whose file does not parse (its id recovered from the text): name the file
        let file =
            from.loaded.model.plans.iter().find(|p| p.id.value == **id).map(|p| &from.loaded.files.get(p.file).path);
        let problem = match file.filter(|f| unloadable.contains(f)) {
            Some(path) => {
                format!("{} does not load, so the plan's content and sign-offs cannot be judged", with_root(root, path))
            }
            None => "the plan has errors, so its content and sign-offs cannot be judged".to_string(),
        };
        plans.push(PlanReview {
            plan: id.to_string(),
            change: Change::Broken,
            approved: false,
            client: PartyReview::default(),
            provider: PartyReview::default(),
            problem: Some(problem),
        });
    }
    plans.sort_by(|a, b| a.plan.cmp(&b.plan));
    let mut removed = Vec::new();
    for p in &from.loaded.model.plans {
        let id = p.id.value.as_str();
        if loaded.contains(id) || broken.iter().any(|b| b.as_str() == id) {
            continue;
        }
        let path = &from.loaded.files.get(p.file).path;
        if unloadable.contains(path) {
            plans.push(PlanReview {
                plan: id.to_string(),
                change: Change::Broken,
                approved: false,
                client: PartyReview::default(),
                provider: PartyReview::default(),
                problem: Some(format!(
                    "{} does not load, so the plan's content and sign-offs cannot be judged",
                    with_root(root, path)
                )),
            });
        } else if let Some(d) = eval.diagnostics.iter().find(|d| {
            d.rule.code == signoff::codes::SIG_REMOVED.code && d.subject.as_deref() == Some(&format!("plan:{id}"))
        }) {
            // removed without a retirement both parties signed: as unapproved as an unsigned change
            let party = |side: Side| {
                let roster = &rosters[usize::from(side == Side::Provider)];
                let mut signed_by: Vec<String> = valid
                    .iter()
                    .filter(|v| v.retire && v.plan == id && v.party == side && v.digest == p.digest)
                    .filter(|v| signoff::trusts(roster, v))
                    .map(|v| display(&v.signer))
                    .collect();
                signed_by.sort();
                signed_by.dedup();
                let approvers = approvers_today(roster);
                PartyReview { signed_by, untrusted: Vec::new(), approvers }
            };
            plans.push(PlanReview {
                plan: id.to_string(),
                change: Change::Removed,
                approved: false,
                client: party(Side::Client),
                provider: party(Side::Provider),
                problem: Some(d.message.clone()),
            });
        } else {
            removed.push(id.to_string());
        }
    }
    plans.sort_by(|a, b| a.plan.cmp(&b.plan));
    removed.sort();
    let unloadable: Vec<String> = unloadable.iter().map(|p| with_root(root, p)).collect();
    let mut roster_changes = Vec::new();
    for (side, word) in [(Side::Client, "client"), (Side::Provider, "provider")] {
        let before = &rosters[usize::from(side == Side::Provider)];
        if signoff::roster(&head.loaded.model, side) != *before
            && trusted[usize::from(side == Side::Provider)].1.is_none()
        {
            let mut reviewers: Vec<String> = before.iter().map(|k| display(&k.contact)).collect();
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
        unloadable,
        record_errors,
        context: String::new(),
    }
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
