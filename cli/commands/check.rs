//! `contingent check`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, FailOn};
use crate::clock::{self, Clock};
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::load::CONFIG_FILE;
use crate::render::{self, Format, Report};
use crate::rules;
use crate::source::git::{Conflict, Repo, Snapshot};
use crate::source::overlay::Overlay;
use crate::source::worktree::WorkTree;
use crate::source::{Read, Source};
use crate::units::Date;
use crate::{check, exit};
use gix::ObjectId;

/// Walks up from `start` to the folder holding `contingent.kdl`.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::metadata(start).map_err(|e| format!("cannot read {}: {e}", start.display()))?;
    let mut dir =
        if meta.is_dir() { start.to_path_buf() } else { start.parent().map(Path::to_path_buf).unwrap_or_default() };
    if dir.as_os_str().is_empty() {
        dir = PathBuf::from(".");
    }
    let absolute = dir.canonicalize().map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for candidate in absolute.ancestors() {
        if candidate.join(CONFIG_FILE).symlink_metadata().is_ok_and(|m| !m.is_dir()) {
            return Ok(candidate.to_path_buf());
        }
    }
    if let Some(sub) = uninitialised_submodule(&absolute) {
        return Err(format!(
            "no {CONFIG_FILE} in {}: it is a Git submodule that is not checked out; run `git submodule update --init {sub}` first",
            start.display()
        ));
    }
    Err(format!(
        "no {CONFIG_FILE} in {} or any parent folder: point `contingent check` at a plan repository (the bundled example is `contingent check plans`)",
        start.display()
    ))
}

/// The path of `dir` as a submodule of an enclosing repository when a `.gitmodules` above it names
/// it (`path = ...`): an empty folder there is a submodule that is not checked out.
fn uninitialised_submodule(dir: &Path) -> Option<String> {
    for top in dir.ancestors().skip(1) {
        let Ok(rel) = dir.strip_prefix(top) else { continue };
        let rel = rel.to_str()?;
        let Ok(text) = std::fs::read_to_string(top.join(".gitmodules")) else {
            if top.join(".git").exists() {
                return None; // the enclosing repository, without submodules
            }
            continue;
        };
        let named = text.lines().any(|l| {
            let l = l.trim();
            l.strip_prefix("path").map(str::trim_start).and_then(|r| r.strip_prefix('=')).map(str::trim) == Some(rel)
        });
        return named.then(|| rel.to_string());
    }
    None
}

/// How paths are shown: relative to the current folder when the repository is below it.
pub fn path_prefix(root: &Path) -> String {
    let cwd = std::env::current_dir().ok().and_then(|c| c.canonicalize().ok());
    match cwd.as_deref().and_then(|c| root.strip_prefix(c).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => String::new(),
        Some(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        None => format!("{}/", root.display()),
    }
}

/// `check --history`: the plans' last changes of meaning come from the Git history (a failure
/// to read it, a shallow clone for one, stops the run with its reason).
fn with_history(
    repo: &Repo,
    start: &str,
    source: &dyn crate::source::Source,
    ctx: &check::Context,
    base: Option<&crate::signoff::Base>,
) -> Result<check::Checked, String> {
    let mut failed = None;
    let checked = check::check_trusted(source, ctx, base, |model| {
        crate::history::meaning_changes(repo, start, model, ctx.as_of).unwrap_or_else(|e| {
            failed = Some(e);
            Default::default()
        })
    });
    match failed {
        Some(e) => Err(format!("--history: {e}")),
        None => Ok(checked),
    }
}

/// The check of one source, with the plans' changes of meaning from the Git history when
/// `--history` gives the repository and the plan folder in it.
fn run_check(
    history: Option<(&Repo, &str)>,
    source: &dyn Source,
    ctx: &check::Context,
) -> Result<check::Checked, String> {
    run_trusted(history, source, ctx, None, None)
}

/// [`run_check`] against a trusted base.
fn run_trusted(
    history: Option<(&Repo, &str)>,
    source: &dyn Source,
    ctx: &check::Context,
    base: Option<&crate::signoff::Base>,
    reuse: Option<&crate::load::Reuse>,
) -> Result<check::Checked, String> {
    match history {
        Some((repo, start)) => with_history(repo, start, source, ctx, base),
        None => Ok(check::check_reusing(source, ctx, base, |_| Default::default(), reuse)),
    }
}

/// `check --fix`, `--unsafe-fixes`, `--diff`: fixes in rounds (`crate::fix`), then the written
/// files (or the diff) and the report of what is left.
fn fix(
    args: &CheckArgs,
    root: &Path,
    tree: &WorkTree,
    ctx: &check::Context,
    clock: Clock,
    notice: Option<&'static str>,
) -> Result<u8, String> {
    let mode = if args.unsafe_fixes { crate::fix::Mode::Unsafe } else { crate::fix::Mode::Safe };
    let outcome = crate::fix::fix(tree, ctx, mode);
    let prefix = path_prefix(root);
    if args.diff {
        let mut diffs = String::new();
        for (path, (before, after)) in &outcome.changed {
            let shown = crate::escape::line(&format!("{prefix}{path}")).into_owned();
            let diff = similar::TextDiff::from_lines(before, after);
            diffs.push_str(
                &diff.unified_diff().context_radius(3).header(&format!("a/{shown}"), &format!("b/{shown}")).to_string(),
            );
        }
        super::print(&diffs)?;
        let n = outcome.changed.len();
        super::note(&format!(
            "{} fix{} in {n} file{} would be applied",
            outcome.applied,
            if outcome.applied == 1 { "" } else { "es" },
            if n == 1 { "" } else { "s" }
        ));
        return Ok(if n == 0 { exit::CLEAN } else { exit::FINDINGS });
    }
    let mut written = 0;
    let mut refused = false;
    for (path, result) in write_fixed(root, tree, &outcome.changed) {
        match result {
            Ok(()) => written += 1,
            Err(e) => {
                super::error_line(&format!("error: {prefix}{path}: {e}; not fixed"));
                refused = true;
            }
        }
    }
    super::note(&format!(
        "applied {} fix{} in {written} file{}",
        outcome.applied,
        if outcome.applied == 1 { "" } else { "es" },
        if written == 1 { "" } else { "s" }
    ));
    // what is left: the check of the fixed texts, or of the files as they are now when one
    // could not be written
    let checked = if refused { check::check(tree, ctx) } else { outcome.checked };
    let code = output(args, &checked.loaded.files, checked.diagnostics(), prefix, clock, notice)?;
    std::mem::forget(checked);
    Ok(if refused { exit::FINDINGS.max(code) } else { code })
}

/// Writes the fixed texts of `check --fix` (path → (text first read, fixed text)) into the
/// work tree at `root`, each only over a file whose bytes are still the text the first round
/// read: a file edited in the meantime is refused with "changed since it was read".
pub fn write_fixed(
    root: &Path,
    tree: &WorkTree,
    changed: &std::collections::BTreeMap<String, (String, String)>,
) -> Vec<(String, Result<(), String>)> {
    let limit = crate::load::read_config(tree).unwrap_or_default().limits.max_file_size;
    let mut out = Vec::new();
    for (path, (before, after)) in changed {
        // never over a file that changed since the check read it
        let now = match tree.read(path, limit) {
            Read::Bytes(b) => b,
            _ => Vec::new(),
        };
        let result = if now != before.as_bytes() {
            Err("changed since it was read".to_string())
        } else {
            crate::commands::fmt::write_atomic(root, path, after)
        };
        out.push((path.clone(), result));
    }
    out
}

/// The work tree, or the work tree with standard input in place of one file.
fn either<'a>(replaced: &'a Option<Overlay<'a>>, tree: &'a WorkTree) -> &'a dyn Source {
    match replaced {
        Some(o) => o,
        None => tree,
    }
}

/// `check - --stdin-filename PATH`: the folder to start from, and the file standard input
/// replaces (repository-relative) with its text.
struct Stdin {
    start: PathBuf,
    file: String,
    text: Vec<u8>,
}

fn stdin_buffer(args: &CheckArgs) -> Result<Option<Stdin>, String> {
    let dash = args.path.as_os_str() == "-";
    let name =
        match (&args.stdin_filename, dash) {
            (None, false) => return Ok(None),
            (None, true) => return Err(
                "`check -` reads a file of the plan repository from standard input: name it with --stdin-filename PATH"
                    .into(),
            ),
            (Some(n), false) => {
                return Err(format!(
                    "--stdin-filename {} goes with PATH `-` (`contingent check - --stdin-filename {}`)",
                    n.display(),
                    n.display()
                ))
            }
            (Some(n), true) => n,
        };
    if args.staged || args.rev.is_some() {
        return Err("`check -` replaces a file of the work tree: it cannot be combined with --staged or --rev".into());
    }
    let file_name = name
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.ends_with(".kdl"))
        .ok_or_else(|| format!("--stdin-filename {}: name a .kdl file of the plan repository", name.display()))?;
    let start = match name.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let root = find_root(&start)?;
    let dir = start.canonicalize().map_err(|e| format!("cannot read {}: {e}", start.display()))?;
    let rel =
        dir.join(file_name).strip_prefix(&root).map(|r| r.to_string_lossy().replace('\\', "/")).map_err(|_| {
            format!("--stdin-filename {} lies outside the plan repository {}", name.display(), root.display())
        })?;
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(Some(Stdin { start, file: rel, text }))
}

pub fn run(args: &CheckArgs) -> Result<u8, String> {
    let (allow_unsigned, notice) = tolerance(args)?;
    let run = Run { args, allow_unsigned, notice, stdin: stdin_buffer(args)? };
    if !args.staged && args.rev.is_none() && args.changed_since.is_none() && args.trust.is_none() {
        run.work_tree()
    } else {
        run.git()
    }
}

/// What a `check` runs with: its arguments, whether missing sign-offs are tolerated, the notice
/// above the report, and the file standard input replaces (`check -`).
struct Run<'a> {
    args: &'a CheckArgs,
    allow_unsigned: bool,
    notice: Option<&'static str>,
    stdin: Option<Stdin>,
}

/// The version `check` reads from Git, or the work tree under the plan root it names.
enum Head {
    Index(Snapshot),
    Rev(Snapshot),
    Tree(PathBuf),
}

/// The checked version: where its plan root is in the repository, and which commit it comes from.
struct Version {
    head: Head,
    root_rel: String,
    tip: Option<ObjectId>,
}

/// The trusted base (`--trust REV`, else the tip of `--changed-since BASE`): its commit, how
/// findings name it, and its files.
struct Trusted {
    commit: ObjectId,
    name: String,
    snapshot: Snapshot,
}

impl Run<'_> {
    fn ctx(&self, as_of: Date, staged: bool) -> check::Context {
        check::Context { as_of, staged, allow_unsigned: self.allow_unsigned }
    }

    /// Where the plan root is looked for: PATH, or the folder of `--stdin-filename`.
    fn start_path(&self) -> &Path {
        self.stdin.as_ref().map_or(self.args.path.as_path(), |s| s.start.as_path())
    }

    /// Standard input over the file it replaces, when `check -` reads one.
    fn overlay<'t>(&self, tree: &'t WorkTree) -> Option<Overlay<'t>> {
        self.stdin.as_ref().map(|s| Overlay::new(tree, s.file.clone(), s.text.clone()))
    }

    /// The work tree as it is (`--fix` and `--diff` fix it), with the history of its
    /// repository for `--history`.
    fn work_tree(&self) -> Result<u8, String> {
        let args = self.args;
        let root = find_root(self.start_path())?;
        let tree = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        let replaced = self.overlay(&tree);
        let source = either(&replaced, &tree);
        let clock = clock::for_source(args.as_of.as_deref(), source)?;
        if args.fix || args.unsafe_fixes || args.diff {
            return fix(args, &root, &tree, &self.ctx(clock.today, false), clock, self.notice);
        }
        let found = if args.history {
            let repo = Repo::discover(&root)?;
            let start = repo.relative_dir(&root)?;
            Some((repo, start))
        } else {
            None
        };
        let checked = run_check(found.as_ref().map(|(r, s)| (r, s.as_str())), source, &self.ctx(clock.today, false))?;
        let diagnostics = checked.diagnostics();
        let code = output(args, &checked.loaded.files, diagnostics, path_prefix(&root), clock, self.notice)?;
        // The process ends next: freeing thousands of objects one by one would only delay the exit.
        std::mem::forget(checked);
        Ok(code)
    }

    /// A version from Git (`--staged`, `--rev`) or the work tree, checked against a trusted base
    /// (`--trust`, `--changed-since`); with `--changed-since`, only what the change touched.
    fn git(&self) -> Result<u8, String> {
        let args = self.args;
        let repo = Repo::discover(self.start_path())?;
        let start = repo.relative_dir(self.start_path())?;
        let version = self.version(&repo, &start)?;
        let tree;
        let replaced;
        let source: &dyn Source = match &version.head {
            Head::Index(s) | Head::Rev(s) => s,
            Head::Tree(root) => {
                tree = WorkTree::new(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
                replaced = self.overlay(&tree);
                either(&replaced, &tree)
            }
        };
        let trusted = trusted_base(args, &repo, &version.root_rel)?;
        // the base's configuration's reference-date, not the change's, sets the clock
        let clock = match &trusted {
            Some(t) => clock::for_source(args.as_of.as_deref(), &t.snapshot)?,
            None => clock::for_source(args.as_of.as_deref(), source)?,
        };
        // the base and the checked version share nearly every file: each such file is loaded once
        let reuse = trusted.as_ref().map(|_| crate::load::Reuse::default());
        let base_checked = trusted.as_ref().map(|t| {
            check::check_reusing(
                &t.snapshot,
                &self.ctx(clock.today, false),
                None,
                |_| Default::default(),
                reuse.as_ref(),
            )
        });
        let base = trusted.as_ref().zip(base_checked.as_ref()).map(|(t, b)| crate::signoff::Base {
            model: &b.loaded.model,
            files: &b.loaded.files,
            name: t.name.clone(),
            broken_plans: Default::default(),
        });
        let history = args.history.then_some((&repo, start.as_str()));
        let checked = match &version.head {
            Head::Index(snapshot) => {
                let mut checked =
                    run_trusted(history, snapshot, &self.ctx(clock.today, true), base.as_ref(), reuse.as_ref())?;
                add_conflicts(&mut checked, snapshot.conflicts());
                checked
            }
            Head::Rev(snapshot) => check::check_reusing(
                snapshot,
                &self.ctx(clock.today, false),
                base.as_ref(),
                |_| Default::default(),
                reuse.as_ref(),
            ),
            Head::Tree(_) => {
                run_trusted(history, source, &self.ctx(clock.today, false), base.as_ref(), reuse.as_ref())?
            }
        };
        let prefix = repo_prefix(&repo, &version.root_rel);
        let mut diagnostics = checked.diagnostics().to_vec();
        let root_problem = match (&trusted, version.tip) {
            (Some(t), Some(tip)) => root_replaced(&repo, t, tip, &checked),
            _ => None,
        };
        if let Some(base) = &args.changed_since {
            let (from, before) = self.merge_base_check(&repo, &version, base, trusted.as_ref(), clock.today)?;
            let before = before.as_ref().or(base_checked.as_ref()).expect("a base was checked");
            diagnostics = hide_unchanged(&repo, base, from, &checked, before, diagnostics);
        }
        // shown whatever changed: it is about the history, not a file
        diagnostics.extend(root_problem);
        std::mem::forget(base);
        std::mem::forget(base_checked);
        let notice = self.notice.or(args.staged.then_some(STAGED_NOTICE));
        let code = output(args, &checked.loaded.files, &diagnostics, prefix, clock, notice)?;
        std::mem::forget(checked);
        Ok(code)
    }

    /// Which version is checked: the index (`--staged`), a commit (`--rev`) or the work tree.
    fn version(&self, repo: &Repo, start: &str) -> Result<Version, String> {
        if self.args.staged {
            let snapshot = repo.index(start)?;
            let root_rel = snapshot.root().to_string();
            return Ok(Version { head: Head::Index(snapshot), root_rel, tip: repo.head() });
        }
        if let Some(rev) = &self.args.rev {
            let commit = repo.commit(rev)?;
            let snapshot = repo.tree(commit, start, rev)?;
            let root_rel = snapshot.root().to_string();
            return Ok(Version { head: Head::Rev(snapshot), root_rel, tip: Some(commit) });
        }
        if repo.is_bare() {
            return Err(format!(
                "{} is a bare repository: it has no work tree to check; use --rev to check a commit",
                repo.location().display()
            ));
        }
        let root = find_root(self.start_path())?;
        let root_rel = repo.relative_dir(&root.join(CONFIG_FILE))?;
        Ok(Version { head: Head::Tree(root), root_rel, tip: repo.head() })
    }

    /// `--changed-since BASE`: the merge base of the checked commit with BASE's tip, and its
    /// check (`None` when it is the trusted base, already checked).
    fn merge_base_check(
        &self,
        repo: &Repo,
        version: &Version,
        base: &str,
        trusted: Option<&Trusted>,
        today: Date,
    ) -> Result<(ObjectId, Option<check::Checked>), String> {
        let base_commit = repo.commit(base)?;
        let from = version.tip.and_then(|t| repo.merge_base(base_commit, t)).unwrap_or(base_commit);
        let what = format!("commit {} (merge base with {base})", repo.short(from));
        if Some(from) == trusted.map(|t| t.commit) && self.args.trust.is_none() {
            return Ok((from, None));
        }
        let from_snapshot = repo.tree_at_root(from, &version.root_rel, &what)?;
        Ok((from, Some(check::check(&from_snapshot, &self.ctx(today, false)))))
    }
}

/// The trusted base: --trust REV, else the current tip of --changed-since BASE (never the merge
/// base: a branch forked before a key was removed must not bring that key's trust).
fn trusted_base(args: &CheckArgs, repo: &Repo, root_rel: &str) -> Result<Option<Trusted>, String> {
    let Some(rev) = args.trust.as_ref().or(args.changed_since.as_ref()) else { return Ok(None) };
    let commit = repo.commit(rev)?;
    let flag = if args.trust.is_some() { "--trust" } else { "--changed-since" };
    let name = format!("commit {} ({flag} {rev})", repo.short(commit));
    let snapshot = repo.tree_at_root(commit, root_rel, &name)?;
    Ok(Some(Trusted { commit, name, snapshot }))
}

/// How paths are shown for a version from Git: relative to the plan root in a bare repository,
/// else as [`path_prefix`] of the plan root in the work tree.
fn repo_prefix(repo: &Repo, root_rel: &str) -> String {
    if repo.is_bare() {
        if root_rel.is_empty() {
            String::new()
        } else {
            format!("{root_rel}/")
        }
    } else {
        let location = repo.location();
        let location = location.canonicalize().unwrap_or(location);
        path_prefix(&if root_rel.is_empty() { location } else { location.join(root_rel) })
    }
}

/// The checked commit must descend from the base along first parents: a fast-forward to it
/// must not replace the root whose rosters `history` trusts.
fn root_replaced(repo: &Repo, trusted: &Trusted, tip: ObjectId, checked: &check::Checked) -> Option<Diagnostic> {
    let (root, _) = repo.first_parent_root(tip, trusted.commit);
    let (base_root, _) = repo.first_parent_root(trusted.commit, trusted.commit);
    if root == base_root {
        return None;
    }
    let mut d = Diagnostic::new(
        &crate::rules::GIT_ROOT_REPLACED,
        format!(
            "commit {} does not descend from {} along first parents: its first parents end at root commit {}, not at {}, the base's root",
            repo.short(tip),
            trusted.name,
            repo.short(root),
            repo.short(base_root)
        ),
    )
    .help("merge the base into the branch with the base as the first parent, or rebase the branch onto it: a fast-forward to this commit would replace the history's root of trust");
    if let Some(config) = checked.loaded.model.config.as_ref() {
        d = d.at(config.file, crate::diagnostic::Span::default());
    }
    Some(d)
}

/// `--changed-since BASE`: the findings of the files the change touched and those it caused,
/// with a note of how many others are not shown.
fn hide_unchanged(
    repo: &Repo,
    base: &str,
    from: ObjectId,
    checked: &check::Checked,
    before: &check::Checked,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (kept, hidden) = changed_only(checked, before, diagnostics);
    if hidden > 0 {
        let noun = if hidden == 1 { "finding" } else { "findings" };
        super::note(&format!(
            "note: --changed-since {base}: {hidden} {noun} in files unchanged since {} not shown (run without --changed-since to see everything)",
            repo.short(from)
        ));
    }
    kept
}

const STAGED_NOTICE: &str =
    "unsigned and stale plans are tolerated when the index is checked (--staged): SIG001, SIG002 and SIG019 are warnings";

/// Whether whoever runs the check tolerates unsigned and stale plans (`--allow-unsigned`, or
/// `CONTINGENT_ALLOW_UNSIGNED=1` in the environment), and the notice every output shows then.
/// Never read from the checked files.
fn tolerance(args: &CheckArgs) -> Result<(bool, Option<&'static str>), String> {
    if args.allow_unsigned {
        return Ok((
            true,
            Some("unsigned and stale plans are tolerated (--allow-unsigned): SIG001, SIG002 and SIG019 are warnings"),
        ));
    }
    match std::env::var("CONTINGENT_ALLOW_UNSIGNED").as_deref() {
        Ok("1") => Ok((
            true,
            Some(
                "unsigned and stale plans are tolerated (CONTINGENT_ALLOW_UNSIGNED=1): SIG001, SIG002 and SIG019 are warnings",
            ),
        )),
        Ok("" | "0") | Err(std::env::VarError::NotPresent) => Ok((false, None)),
        Ok(other) => Err(format!("CONTINGENT_ALLOW_UNSIGNED is `{other}`: set it to 1 (tolerate unsigned plans) or 0")),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err("CONTINGENT_ALLOW_UNSIGNED is not UTF-8: set it to 1 or 0".into())
        }
    }
}

/// Reports each conflicted plan file of the index (`GIT001`), at the file.
fn add_conflicts(checked: &mut check::Checked, conflicts: &[Conflict]) {
    if conflicts.is_empty() {
        return;
    }
    let files = &mut checked.loaded.files;
    for c in conflicts {
        if !c.path.ends_with(".kdl") {
            continue;
        }
        let existing = (0..files.len() as u32).map(FileId).find(|id| files.get(*id).path == c.path);
        let file = existing.unwrap_or_else(|| files.add(c.path.clone(), String::new()));
        let checked_side = if c.ours {
            "; the version of HEAD (our side) is checked meanwhile"
        } else {
            "; the file is missing on our side and is not checked"
        };
        checked.loaded.diagnostics.push(
            Diagnostic::new(
                &rules::GIT_CONFLICT,
                format!("{} has unresolved merge conflicts in the index ({}){checked_side}", c.path, c.describe()),
            )
            .in_file(file)
            .help(format!("resolve the conflict, then `git add {}` (or `git rm` it)", c.path)),
        );
    }
    let files = &checked.loaded.files;
    checked.loaded.diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.location.map(|l| (files.get(l.file).path.clone(), l.span.start, l.span.end));
        key(a).cmp(&key(b)).then_with(|| a.rule.code.cmp(b.rule.code)).then_with(|| a.message.cmp(&b.message))
    });
}

/// What identifies a finding across two checks of the same repository: rule, severity, file,
/// span and message.
type FindingKey = (&'static str, Severity, Option<(String, u32, u32)>, String);

fn finding_key(d: &Diagnostic, files: &crate::source::Files) -> FindingKey {
    let place = d.location.map(|l| (files.get(l.file).path.clone(), l.span.start, l.span.end));
    (d.rule.code, d.severity, place, d.message.clone())
}

/// Keeps the findings in files that differ from the base, and the findings elsewhere that the
/// base did not have (those the change caused, such as a reference broken by a deleted
/// contact). Returns them and how many were left out.
fn changed_only(
    now: &check::Checked,
    before: &check::Checked,
    diagnostics: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, usize) {
    let (files, old_files) = (&now.loaded.files, &before.loaded.files);
    let old_texts: HashMap<&str, &str> = (0..old_files.len() as u32)
        .map(|i| old_files.get(FileId(i)))
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let old_findings: HashSet<FindingKey> = before.diagnostics().iter().map(|d| finding_key(d, old_files)).collect();
    let total = diagnostics.len();
    let kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| {
            let changed_file = d.location.is_some_and(|l| {
                let f = files.get(l.file);
                old_texts.get(f.path.as_str()) != Some(&f.text.as_str())
            });
            changed_file || !old_findings.contains(&finding_key(d, files))
        })
        .collect();
    let hidden = total - kept.len();
    (kept, hidden)
}

/// Appends to the job summary (`GITHUB_STEP_SUMMARY`) when there is one; never overwrites what
/// earlier steps wrote.
pub fn append_step_summary(text: &str) -> Result<(), String> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot write the job summary to {}: {e}", PathBuf::from(&path).display()))?;
        f.write_all(text.as_bytes()).map_err(|e| format!("cannot write the job summary: {e}"))?;
    }
    Ok(())
}

fn output(
    args: &CheckArgs,
    files: &crate::source::Files,
    diagnostics: &[Diagnostic],
    path_prefix: String,
    clock: Clock,
    notice: Option<&'static str>,
) -> Result<u8, String> {
    let report = Report {
        notice,
        files,
        diagnostics,
        path_prefix,
        as_of: clock.today,
        as_of_source: clock.source,
        files_checked: files.len(),
    };
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    match args.format {
        Format::Human => super::print_styled(&render::human::render(&report))?,
        Format::Json => super::print(&render::json::render(&report))?,
        Format::Sarif => super::print(&render::sarif::render(&report))?,
        Format::Github => {
            super::print_workflow_commands(&render::github::render(&report))?;
            append_step_summary(&render::github::summary(&report))?;
        }
        Format::Junit => super::print(&render::junit::render(&report, fail_on))?,
        Format::Gitlab => super::print(&render::gitlab::render(&report))?,
    }
    if args.exit_zero {
        return Ok(exit::CLEAN);
    }
    Ok(if fails(diagnostics, fail_on) { exit::FINDINGS } else { exit::CLEAN })
}

/// Whether a finding that counts (not waived) is of `fail_on` or worse. Notes never fail.
pub fn fails(diagnostics: &[Diagnostic], fail_on: Severity) -> bool {
    diagnostics.iter().any(|d| d.counts() && d.severity != Severity::Note && d.severity >= fail_on)
}
