//! `contingent diff [BASE [HEAD]] [PATH]`: resolves the two versions, checks both as of one date
//! and prints the domain diff (`crate::diff`).

use std::path::{Path, PathBuf};

use crate::check::{self, Context};
use crate::cli::{DiffArgs, DiffFormat};
use crate::clock;
use crate::diff::{self, Sides};
use crate::exit;
use crate::load::CONFIG_FILE;
use crate::source::git::Repo;
use crate::source::worktree::WorkTree;

/// The branches tried, in order, as the default branch when no BASE is given.
pub(crate) const DEFAULT_BRANCHES: [&str; 5] = ["origin/HEAD", "main", "master", "origin/main", "origin/master"];

/// The positional arguments split like `git diff`'s: revisions, then at most one path. The last
/// argument is the path when it exists on disk (and is not also a revision: that is ambiguous).
fn split(args: &DiffArgs) -> Result<(Vec<String>, Option<PathBuf>), String> {
    let mut revs = args.args.clone();
    let mut path = args.path.clone();
    if path.is_none() {
        if let Some(last) = revs.last() {
            if Path::new(last).exists() {
                path = Some(PathBuf::from(last));
                revs.pop();
                let repo = Repo::discover(path.as_deref().unwrap_or(Path::new(".")))?;
                if repo.names_something(args.args.last().expect("one argument")) {
                    return Err(format!(
                        "`{}` is both a revision and a folder: write `contingent diff {} -- {}` for the folder, or `{}` alone for the revision",
                        args.args.last().expect("one argument"),
                        revs.join(" "),
                        args.args.last().expect("one argument"),
                        args.args.last().expect("one argument"),
                    ));
                }
            }
        }
    }
    if revs.len() > 2 {
        return Err(format!(
            "at most two revisions (BASE and HEAD) and a folder: `{}` is not a folder",
            revs.last().expect("more than two")
        ));
    }
    if args.staged && revs.len() == 2 {
        return Err("--staged compares BASE with the index: give at most one revision with it".into());
    }
    Ok((revs, path))
}

/// The newer side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    WorkTree,
    Index,
    Revision(String),
}

/// The two versions, checked as of one date.
pub struct Compared {
    pub base: check::Checked,
    pub head: check::Checked,
    pub sides: Sides,
    pub clock: clock::Clock,
}

/// Resolves and checks the two versions of the plan repository at `path`: `base` a revision (with
/// `head` a revision too: as it is; otherwise its merge base with `HEAD`), or `None` for the merge
/// base of the default branch and `HEAD`. For `contingent diff` and for commands that report on
/// a change (a pull request's base and head are two revisions).
pub fn compare(path: &Path, base: Option<&str>, head: &Head, as_of: Option<&str>) -> Result<Compared, String> {
    let repo = Repo::discover(path)?;
    let start = repo.relative_dir(path)?;

    // the head side first: it decides the plan root
    let (head_source, head_name, root_rel, clock, tip): (Box<dyn crate::source::Source>, _, _, _, _) = match head {
        Head::Revision(rev) => {
            let commit = repo.commit(rev)?;
            let snapshot = repo.tree(commit, &start, rev)?;
            let clock = clock::for_source(as_of, &snapshot)?;
            let name = format!("commit {} ({rev})", repo.short(commit));
            let root = snapshot.root().to_string();
            (Box::new(snapshot), name, root, clock, Some(commit))
        }
        Head::Index => {
            let snapshot = repo.index(&start)?;
            let clock = clock::for_source(as_of, &snapshot)?;
            let root = snapshot.root().to_string();
            (Box::new(snapshot), "the index".to_string(), root, clock, repo.head())
        }
        Head::WorkTree => {
            if repo.is_bare() {
                return Err(format!(
                    "{} is a bare repository: it has no work tree; name two revisions (`contingent diff BASE HEAD`)",
                    repo.location().display()
                ));
            }
            let root = super::check::find_root(path)?;
            let root_rel = repo.relative_dir(&root.join(CONFIG_FILE))?;
            let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
            let clock = clock::for_source(as_of, &source)?;
            (Box::new(source), "the work tree".to_string(), root_rel, clock, repo.head())
        }
    };

    let (base_commit, base_name) = match base {
        // two revisions are compared as they are, like `git diff A B`
        Some(rev) if matches!(head, Head::Revision(_)) => {
            let commit = repo.commit(rev)?;
            (commit, format!("commit {} ({rev})", repo.short(commit)))
        }
        // one: the commit the change started from, as `check --changed-since BASE` compares
        Some(rev) => {
            let commit = repo.commit(rev)?;
            match tip.and_then(|t| repo.merge_base(commit, t)) {
                Some(m) if m != commit => (m, format!("commit {} (merge base of {rev} and HEAD)", repo.short(m))),
                _ => (commit, format!("commit {} ({rev})", repo.short(commit))),
            }
        }
        None => {
            let Some(branch) = DEFAULT_BRANCHES.iter().find(|b| repo.names_something(b)) else {
                return Err(format!(
                    "no default branch to compare with ({} do not exist): name the base, e.g. `contingent diff main`",
                    DEFAULT_BRANCHES.join(", ")
                ));
            };
            let branch_commit = repo.commit(branch)?;
            match tip.and_then(|t| repo.merge_base(branch_commit, t)) {
                Some(m) if m != branch_commit => {
                    (m, format!("commit {} (merge base of {branch} and HEAD)", repo.short(m)))
                }
                _ => (branch_commit, format!("commit {} ({branch})", repo.short(branch_commit))),
            }
        }
    };
    let base_snapshot = repo.tree_at_root(base_commit, &root_rel, &base_name)?;
    // the base is checked as of the same date and in the same mode (`--staged` lowers some
    // severities), so only the change makes a difference
    let staged = matches!(head, Head::Index);
    // nearly every file is the same in both versions: each such file is loaded once
    let reuse = crate::load::Reuse::default();
    let base_checked = check::check_reusing(
        &base_snapshot,
        &Context { as_of: clock.today, staged, allow_unsigned: false },
        None,
        |_| Default::default(),
        Some(&reuse),
    );
    // the head's sign-offs judged against the base, as `check --changed-since` judges them
    let trusted = crate::signoff::Base {
        model: &base_checked.loaded.model,
        files: &base_checked.loaded.files,
        name: base_name.clone(),
        broken_plans: Default::default(),
    };
    let ctx = Context { as_of: clock.today, staged, allow_unsigned: false };
    let head_checked =
        check::check_reusing(head_source.as_ref(), &ctx, Some(&trusted), |_| Default::default(), Some(&reuse));
    Ok(Compared { base: base_checked, head: head_checked, sides: Sides { base: base_name, head: head_name }, clock })
}

pub fn run(args: &DiffArgs) -> Result<u8, String> {
    let (revs, path) = split(args)?;
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    let head = match (revs.get(1), args.staged) {
        (Some(rev), _) => Head::Revision(rev.clone()),
        (None, true) => Head::Index,
        (None, false) => Head::WorkTree,
    };
    let c = compare(&path, revs.first().map(String::as_str), &head, args.as_of.as_deref())?;
    let report = diff::diff(&c.base.loaded, &c.head.loaded, c.sides.clone(), c.clock.today);
    match args.format {
        DiffFormat::Human => super::print_styled(&diff::human(&report, c.clock.source))?,
        DiffFormat::Markdown => super::print(&diff::markdown(&report))?,
        DiffFormat::Json => super::print(&super::report::json(&diff::json(&report, c.clock.source)))?,
    }
    // the process ends next: freeing thousands of objects one by one would only delay the exit
    std::mem::forget(c);
    Ok(exit::CLEAN)
}
