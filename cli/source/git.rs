//! Files from Git: the index (what is staged) or the tree of a commit, behind the same [`Source`]
//! trait as the work tree, so every check runs the same way whatever the files come from.
//!
//! The plan repository (the folder holding `contingent.kdl`) may be the whole Git repository or a
//! folder inside it. A [`Snapshot`] takes paths relative to the plan repository, like every
//! source, and maps them onto Git paths with the plan root as prefix. Only the entries below the
//! plan root are ever listed or read.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use gix::ObjectId;

use super::links::{self, Child, Entry, Tree};
use super::CONFIG_FILE;
use super::{Listed, Read, Source};

/// A Git repository opened for reading plans.
pub struct Repo {
    shared: gix::ThreadSafeRepository,
    repo: gix::Repository,
}

/// A conflicted path of the index: which of the stages base (1), ours (2) and theirs (3) it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Relative to the plan repository root.
    pub path: String,
    pub base: bool,
    pub ours: bool,
    pub theirs: bool,
}

impl Conflict {
    /// Git's words for the kind of conflict (`git status`).
    pub fn describe(&self) -> &'static str {
        match (self.base, self.ours, self.theirs) {
            (true, true, true) => "both modified",
            (false, true, true) => "both added",
            (true, false, true) => "deleted by us",
            (true, true, false) => "deleted by them",
            (false, true, false) => "added by us",
            (false, false, true) => "added by them",
            _ => "both deleted",
        }
    }
}

/// Renders an error of gix on one line, lower-case start, no trailing period.
pub fn error_text(e: impl std::fmt::Display) -> String {
    let text = e.to_string().replace('\n', " ");
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

/// `path` made absolute and free of `.` and `..` without touching the file system.
fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The ancestors of a `/`-separated relative folder, deepest first, ending with the root `""`.
pub fn ancestors(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = dir.trim_matches('/').to_string();
    loop {
        out.push(cur.clone());
        if cur.is_empty() {
            break;
        }
        cur = cur.rfind('/').map(|i| cur[..i].to_string()).unwrap_or_default();
    }
    out
}

/// `dir/name`, or `name` at the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else if name.is_empty() || name == "." {
        dir.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

impl Repo {
    /// Finds the Git repository containing `start` (honouring `GIT_DIR`, `GIT_WORK_TREE` and
    /// `GIT_INDEX_FILE`, as Git sets them for hooks).
    pub fn discover(start: &Path) -> Result<Repo, String> {
        let shared = gix::ThreadSafeRepository::discover_with_environment_overrides(start).map_err(|e| {
            let detail = error_text(e);
            let detail = if detail.starts_with("could not find a git repository") {
                String::new()
            } else {
                format!(" ({detail})")
            };
            format!(
                "not a Git repository: {} nor any parent folder{detail}; --staged, --rev, --changed-since and `contingent history` read Git, while plain `contingent check` reads the files",
                start.display(),
            )
        })?;
        let mut repo = shared.to_thread_local();
        // History walks revisit trees and commits: keep recently used objects in memory.
        repo.object_cache_size_if_unset(64 << 20);
        Ok(Repo { shared, repo })
    }

    pub fn gix(&self) -> &gix::Repository {
        &self.repo
    }

    pub fn is_bare(&self) -> bool {
        self.repo.workdir().is_none()
    }

    /// The work tree, or the Git directory of a bare repository.
    pub fn location(&self) -> PathBuf {
        let path = self.repo.workdir().unwrap_or_else(|| self.repo.git_dir());
        path.canonicalize().unwrap_or_else(|_| absolute(path))
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The message for an incomplete history, naming how to fetch it.
    pub fn shallow_help() -> &'static str {
        "fetch the whole history with `git fetch --unshallow` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
    }

    /// The folder holding `path` relative to the work tree root (`""` for the root),
    /// `/`-separated. In a bare repository, always the root.
    pub fn relative_dir(&self, path: &Path) -> Result<String, String> {
        let Some(workdir) = self.repo.workdir() else {
            return Ok(String::new());
        };
        let workdir = workdir.canonicalize().unwrap_or_else(|_| absolute(workdir));
        let mut dir = path.canonicalize().unwrap_or_else(|_| absolute(path));
        if dir.is_file() {
            dir.pop();
        }
        let rel = dir
            .strip_prefix(&workdir)
            .map_err(|_| format!("{} is outside the Git work tree {}", path.display(), workdir.display()))?;
        let mut parts = Vec::new();
        for c in rel.components() {
            match c.as_os_str().to_str() {
                Some(s) => parts.push(s.to_string()),
                None => return Err(format!("{} is not a valid UTF-8 path", path.display())),
            }
        }
        Ok(parts.join("/"))
    }

    /// Resolves a commit, tag or branch (anything `git rev-parse` accepts) to a commit, never
    /// guessing between refs: a full object id and a full ref name (`refs/remotes/origin/main`)
    /// name one thing; a short name that more than one of Git's candidate refs matches is refused
    /// with the full names to choose from ([`Repo::candidates`]).
    pub fn commit(&self, rev: &str) -> Result<ObjectId, String> {
        let unknown = |detail: String| {
            let mut msg = format!("unknown revision `{rev}`: {detail}");
            if self.is_shallow() {
                msg.push_str(&format!("; this is a shallow clone, {}", Repo::shallow_help()));
            }
            msg
        };
        let spec = self.unambiguous(rev)?;
        let id = self
            .repo
            .rev_parse_single(spec.as_str())
            .map_err(|_| unknown(format!("no commit, tag or branch of that name in {}", self.location().display())))?;
        let object = id.object().map_err(|e| unknown(error_text(e)))?;
        let commit = object.peel_to_commit().map_err(|_| format!("`{rev}` names a Git object that is not a commit"))?;
        Ok(commit.id)
    }

    /// Whether `rev` names something, possibly ambiguously: for guessing whether an argument is
    /// meant as a revision, where an ambiguous one must be reported rather than skipped.
    pub fn names_something(&self, rev: &str) -> bool {
        self.commit(rev).is_ok() || self.unambiguous(rev).is_err()
    }

    /// `rev` with its leading name replaced by the one full ref name it stands for; `rev` itself
    /// when the name is a full object id or ref name, or matches no ref (an abbreviated id,
    /// `@{-1}`, `:/text`). An error listing the full names when it matches more than one.
    fn unambiguous(&self, rev: &str) -> Result<String, String> {
        let end = ["~", "^", ":", "@{"].iter().filter_map(|m| rev.find(m)).min().unwrap_or(rev.len());
        let (name, rest) = rev.split_at(end);
        let name = if name == "@" { "HEAD" } else { name };
        if name.is_empty() || name.starts_with("refs/") || is_object_id(name) {
            return Ok(rev.to_string());
        }
        let mut found = self.candidates(name);
        // An abbreviated object id that is also a ref name: Git would take the ref.
        let hex = name.len() >= 4 && name.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        if hex && !found.is_empty() {
            if let Ok(prefix) = gix::hash::Prefix::from_hex(name) {
                if let Ok(Some(Ok(id))) = self.repo.objects.lookup_prefix(prefix, None) {
                    found.push(id.to_string());
                }
            }
        }
        match found.len() {
            0 => Ok(rev.to_string()),
            1 => Ok(format!("{}{rest}", found[0])),
            _ => {
                let listed: Vec<String> = found
                    .iter()
                    .map(|full| match self.repo.rev_parse_single(full.as_str()).ok().and_then(|id| id.object().ok()) {
                        Some(o) => match o.peel_to_commit() {
                            Ok(_) if is_object_id(full) => format!("the object {full}"),
                            Ok(c) => format!("{full} (commit {})", self.short(c.id)),
                            Err(_) => format!("{full} (not a commit)"),
                        },
                        None => full.clone(),
                    })
                    .collect();
                Err(format!(
                    "the revision `{rev}` is ambiguous: `{name}` names {}; give the full name of the one you mean, e.g. `{}{rest}` (a full ref name or a full commit id is never ambiguous)",
                    listed.join(" and "),
                    found[0],
                ))
            }
        }
    }

    /// The refs a short name can stand for, in Git's order of lookup (`git rev-parse`, which warns
    /// "refname is ambiguous" when more than one exists): `NAME` in the Git directory (`HEAD`,
    /// `FETCH_HEAD`, …), `refs/NAME`, `refs/tags/NAME`, `refs/heads/NAME`, `refs/remotes/NAME`,
    /// `refs/remotes/NAME/HEAD`. Only those that exist.
    pub fn candidates(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let pseudo = !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
        if pseudo
            && (name == "HEAD"
                || self.repo.git_dir().join(name).is_file()
                || self.repo.common_dir().join(name).is_file())
        {
            out.push(name.to_string());
        }
        for pattern in ["refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}", "refs/remotes/{}/HEAD"] {
            let full = pattern.replace("{}", name);
            let exists = gix::refs::FullName::try_from(full.as_str())
                .ok()
                .is_some_and(|n| matches!(self.repo.refs.try_find(n.as_ref()), Ok(Some(_))));
            if exists {
                out.push(full);
            }
        }
        out
    }

    /// The commit `HEAD` points to; `None` before the first commit.
    pub fn head(&self) -> Option<ObjectId> {
        self.repo.head_id().ok().map(|id| id.detach())
    }

    /// The best common ancestor of two commits.
    pub fn merge_base(&self, one: ObjectId, two: ObjectId) -> Option<ObjectId> {
        self.repo.merge_base(one, two).ok().flatten().map(|id| id.detach())
    }

    /// The parents of a commit, first parent first; empty when it is not a readable commit.
    pub fn parents(&self, commit: ObjectId) -> Vec<ObjectId> {
        self.repo.find_commit(commit).ok().map(|c| c.parent_ids().map(|p| p.detach()).collect()).unwrap_or_default()
    }

    /// The root commit of `commit`'s first-parent history (the commit itself when it has none),
    /// and whether `ancestor` is on that chain.
    pub fn first_parent_root(&self, commit: ObjectId, ancestor: ObjectId) -> (ObjectId, bool) {
        let (mut at, mut found) = (commit, commit == ancestor);
        while let Some(p) = self.parents(at).first() {
            at = *p;
            found |= at == ancestor;
        }
        (at, found)
    }

    /// The abbreviated id of an object (7 hex digits, more when ambiguous).
    pub fn short(&self, id: ObjectId) -> String {
        use gix::prelude::ObjectIdExt;
        id.attach(&self.repo).shorten().map(|p| p.to_string()).unwrap_or_else(|_| id.to_hex_with_len(7).to_string())
    }

    fn pool(&self) -> Pool {
        Pool {
            shared: self.shared.clone(),
            free: Mutex::new(Vec::new()),
            objects: self.shared.objects_dir().to_path_buf(),
        }
    }

    /// The files of the index (`GIT_INDEX_FILE` when set) below the plan root found by walking up
    /// from `start_dir` (relative to the work tree) to the first folder whose `contingent.kdl` is
    /// in the index.
    pub fn index(&self, start_dir: &str) -> Result<Snapshot, String> {
        if self.is_bare() {
            return Err(format!(
                "{} is a bare repository: it has no index to check; use --rev to check a commit",
                self.location().display()
            ));
        }
        let index_path = self.repo.index_path();
        // a named pipe or device would block the read forever
        if let Ok(m) = std::fs::metadata(&index_path) {
            if !m.is_file() {
                return Err(format!(
                    "cannot read the Git index {}: it is not a regular file; check GIT_INDEX_FILE",
                    index_path.display()
                ));
            }
        }
        let index = self.repo.index_or_empty().map_err(|e| {
            let text = error_text(e);
            let meaning = if text.contains("checksum") {
                ": the index file is damaged (its content does not match its checksum); `git status` shows whether Git can read it, and `rm .git/index && git reset` rebuilds it from HEAD (staged changes are lost)"
            } else {
                ""
            };
            format!("cannot read the Git index {}: {text}{meaning}", index_path.display())
        })?;
        let state: &gix::index::State = &index;
        let found = |path: &str| -> bool {
            use gix::bstr::ByteSlice;
            let p = path.as_bytes().as_bstr();
            state.entry_by_path(p).is_some()
                || state.entry_by_path_and_stage(p, gix::index::entry::Stage::Ours).is_some()
        };
        let Some(root) = ancestors(start_dir).into_iter().find(|d| found(&join(d, CONFIG_FILE))) else {
            let gitlink = ancestors(start_dir).into_iter().find(|d| {
                use gix::bstr::ByteSlice;
                !d.is_empty()
                    && state
                        .entry_by_path(d.as_bytes().as_bstr())
                        .is_some_and(|e| e.mode.contains(gix::index::entry::Mode::COMMIT))
            });
            if let Some(sub) = gitlink {
                return Err(submodule_error(&sub, "the index"));
            }
            return Err(format!(
                "no {CONFIG_FILE} is staged in {} or any parent folder: stage the plan repository with `git add`, or check the work tree without --staged",
                if start_dir.is_empty() { "the root of the work tree".to_string() } else { format!("`{start_dir}`") }
            ));
        };
        let mut snapshot = Snapshot::new(self.pool(), root.clone(), "the Git index".to_string());
        let prefix = if root.is_empty() { String::new() } else { format!("{root}/") };
        let mut conflicts: BTreeMap<String, Conflict> = BTreeMap::new();
        for entry in state.entries() {
            let path = entry.path(state);
            let Ok(path) = std::str::from_utf8(path) else { continue };
            let Some(rel) = path.strip_prefix(prefix.as_str()) else { continue };
            // hidden entries are never listed, but a link may lead into them
            let hidden = rel.split('/').any(|c| c.starts_with('.'));
            if entry.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD) {
                continue;
            }
            let stage = entry.stage_raw();
            if stage != 0 && hidden {
                continue;
            }
            if stage != 0 {
                let c = conflicts.entry(rel.to_string()).or_insert_with(|| Conflict {
                    path: rel.to_string(),
                    base: false,
                    ours: false,
                    theirs: false,
                });
                match stage {
                    1 => c.base = true,
                    2 => c.ours = true,
                    _ => c.theirs = true,
                }
                // A conflicted file is checked as it is on our side (the version of HEAD).
                if stage != 2 {
                    continue;
                }
            }
            let mode = entry.mode;
            use gix::index::entry::Mode;
            if mode.contains(Mode::COMMIT) && !mode.contains(Mode::FILE) {
                continue; // a submodule
            }
            if mode == Mode::DIR {
                // A sparse index keeps whole folders as one entry: list the folder's tree.
                snapshot.add_tree(&self.repo, entry.id, rel)?;
            } else if mode == Mode::SYMLINK {
                snapshot.link_blobs.push((rel.to_string(), entry.id));
            } else {
                let size = (entry.stat.size > 0).then_some(u64::from(entry.stat.size));
                snapshot.files.insert(rel.to_string(), Item { id: entry.id, size_hint: size });
            }
        }
        snapshot.conflicts = conflicts.into_values().collect();
        snapshot.resolve_links(&self.repo);
        Ok(snapshot)
    }

    /// The files of a commit below the plan root found by walking up from `start_dir` to the first
    /// folder whose `contingent.kdl` is in the commit.
    pub fn tree(&self, commit: ObjectId, start_dir: &str, rev: &str) -> Result<Snapshot, String> {
        let what = format!("commit {} ({rev})", self.short(commit));
        let tree = commit_tree(&self.repo, commit)?;
        let has = |path: &str| matches!(lookup(&self.repo, tree, path), Ok(Some((mode, _))) if mode.is_blob());
        let Some(root) = ancestors(start_dir).into_iter().find(|d| has(&join(d, CONFIG_FILE))) else {
            let gitlink = ancestors(start_dir).into_iter().find(|d| {
                !d.is_empty() && matches!(lookup(&self.repo, tree, d), Ok(Some((mode, _))) if mode.is_commit())
            });
            if let Some(sub) = gitlink {
                return Err(submodule_error(&sub, &what));
            }
            return Err(format!(
                "no {CONFIG_FILE} in {what} at {} or any parent folder",
                if start_dir.is_empty() { "the root".to_string() } else { format!("`{start_dir}`") }
            ));
        };
        self.tree_at_root(commit, &root, &what)
    }

    /// The files of a commit below a given plan root; an empty snapshot when the root is not in
    /// the commit.
    pub fn tree_at_root(&self, commit: ObjectId, root: &str, what: &str) -> Result<Snapshot, String> {
        let tree = commit_tree(&self.repo, commit)?;
        let mut snapshot = Snapshot::new(self.pool(), root.to_string(), what.to_string());
        let root_tree = if root.is_empty() {
            Some(tree)
        } else {
            match lookup(&self.repo, tree, root)? {
                Some((mode, id)) if mode.is_tree() => Some(id),
                _ => None,
            }
        };
        if let Some(id) = root_tree {
            snapshot.add_tree(&self.repo, id, "")?;
        }
        snapshot.resolve_links(&self.repo);
        Ok(snapshot)
    }
}

/// Whether `name` is a full object id (40 or 64 lowercase hex digits).
fn is_object_id(name: &str) -> bool {
    matches!(name.len(), 40 | 64) && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The root tree of a commit.
pub fn commit_tree(repo: &gix::Repository, commit: ObjectId) -> Result<ObjectId, String> {
    let object = repo.find_object(commit).map_err(|e| format!("cannot read commit {commit}: {}", error_text(e)))?;
    gix::objs::CommitRefIter::from_bytes(&object.data, repo.object_hash())
        .tree_id()
        .map_err(|e| format!("cannot read commit {commit}: {}", error_text(e)))
}

/// The entries of a tree object: name, mode, id. Names that are not UTF-8 are skipped.
pub fn tree_entries(
    repo: &gix::Repository,
    tree: ObjectId,
) -> Result<Vec<(String, gix::objs::tree::EntryMode, ObjectId)>, String> {
    let object = repo.find_object(tree).map_err(|e| format!("cannot read tree {tree}: {}", error_text(e)))?;
    let mut out = Vec::new();
    for entry in gix::objs::TreeRefIter::from_bytes(&object.data, repo.object_hash()) {
        let entry = entry.map_err(|e| format!("cannot read tree {tree}: {}", error_text(e)))?;
        if let Ok(name) = std::str::from_utf8(entry.filename) {
            out.push((name.to_string(), entry.mode, entry.oid.to_owned()));
        }
    }
    Ok(out)
}

/// The mode and id of the entry at a `/`-separated path below a tree.
pub fn lookup(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<Option<(gix::objs::tree::EntryMode, ObjectId)>, String> {
    let mut current = tree;
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        let object = repo.find_object(current).map_err(|e| format!("cannot read tree {current}: {}", error_text(e)))?;
        if object.kind != gix::objs::Kind::Tree {
            return Ok(None);
        }
        let found = gix::objs::TreeRefIter::from_bytes(&object.data, repo.object_hash())
            .filter_map(Result::ok)
            .find(|e| e.filename == part.as_bytes())
            .map(|e| (e.mode, e.oid.to_owned()));
        match found {
            None => return Ok(None),
            Some((mode, id)) if parts.peek().is_none() => return Ok(Some((mode, id))),
            Some((mode, id)) if mode.is_tree() => current = id,
            Some(_) => return Ok(None),
        }
    }
    Ok(Some((gix::objs::tree::EntryKind::Tree.into(), tree)))
}

/// The error for a plan folder that is a Git submodule of the repository being read: its files
/// are in the submodule's own repository, not in this one's index or commits.
fn submodule_error(path: &str, what: &str) -> String {
    format!(
        "`{path}` is a Git submodule in {what}: its files live in the submodule's own repository, which --staged, --rev and --changed-since do not enter; `cd {path}` and run the same command there, after `git submodule update --init {path}` if it is not checked out"
    )
}

/// Thread-local handles on one repository: a [`Source`] is read from many threads at once.
struct Pool {
    shared: gix::ThreadSafeRepository,
    free: Mutex<Vec<gix::Repository>>,
    /// The object directory, for reading loose objects directly.
    objects: PathBuf,
}

impl Pool {
    fn with<R>(&self, f: impl FnOnce(&gix::Repository) -> R) -> R {
        let taken = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let repo = taken.unwrap_or_else(|| self.shared.to_thread_local());
        let out = f(&repo);
        self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(repo);
        out
    }
}

#[derive(Debug, Clone, Copy)]
struct Item {
    id: ObjectId,
    /// The size Git recorded for the file in the index, when known: it spares reading the
    /// object's header before reading the object.
    size_hint: Option<u64>,
}

/// The files of the index or of a commit below the plan root.
pub struct Snapshot {
    pool: Pool,
    /// Plan-repository-relative path → blob, sorted: the regular files, hidden ones included.
    files: BTreeMap<String, Item>,
    /// Symbolic links (path, blob holding the target) until their targets are read.
    link_blobs: Vec<(String, ObjectId)>,
    /// Symbolic links: path → target.
    links: BTreeMap<String, String>,
    /// Every folder holding an entry (`""` for the root).
    dirs: std::collections::BTreeSet<String>,
    root: String,
    what: String,
    conflicts: Vec<Conflict>,
}

impl Snapshot {
    fn new(pool: Pool, root: String, what: String) -> Snapshot {
        Snapshot {
            pool,
            files: BTreeMap::new(),
            link_blobs: Vec::new(),
            links: BTreeMap::new(),
            dirs: std::collections::BTreeSet::new(),
            root,
            what,
            conflicts: Vec::new(),
        }
    }

    /// The plan root inside the Git work tree: `""` or a folder such as `plans`.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Conflicted entries of the index below the plan root (empty for a commit).
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The blob id of a file, for comparing versions.
    pub fn blob(&self, path: &str) -> Option<ObjectId> {
        self.files.get(path).map(|i| i.id)
    }

    /// Every file (plan-repository-relative path) with its blob id.
    pub fn files(&self) -> impl Iterator<Item = (&str, ObjectId)> {
        self.files.iter().map(|(p, i)| (p.as_str(), i.id))
    }

    fn add_tree(&mut self, repo: &gix::Repository, tree: ObjectId, dir: &str) -> Result<(), String> {
        for (name, mode, id) in tree_entries(repo, tree)? {
            let path = join(dir, &name);
            if mode.is_tree() {
                self.add_tree(repo, id, &path)?;
            } else if mode.is_link() {
                self.link_blobs.push((path, id));
            } else if mode.is_blob() {
                self.files.insert(path, Item { id, size_hint: None });
            }
        }
        Ok(())
    }

    /// Reads the targets of the symbolic links and notes every folder, so that links resolve
    /// by the rule the work tree follows ([`links`]).
    fn resolve_links(&mut self, repo: &gix::Repository) {
        for (path, blob) in std::mem::take(&mut self.link_blobs) {
            let target = match repo.find_object(blob) {
                Ok(object) => String::from_utf8_lossy(&object.data).into_owned(),
                Err(_) => String::new(),
            };
            self.links.insert(path, target);
        }
        let mut dirs = std::collections::BTreeSet::from([String::new()]);
        for path in self.files.keys().chain(self.links.keys()) {
            let mut at = path.as_str();
            while let Some(i) = at.rfind('/') {
                at = &at[..i];
                if !dirs.insert(at.to_string()) {
                    break;
                }
            }
        }
        self.dirs = dirs;
    }

    /// The entries directly below `dir` (`""` for the root): name and entry, sorted by name.
    fn entries_below(&self, dir: &str) -> BTreeMap<String, Entry> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut out = BTreeMap::new();
        let direct = |p: &str| p.strip_prefix(prefix.as_str()).filter(|rest| !rest.contains('/')).map(str::to_string);
        for p in self.files.range(prefix.clone()..).map(|(p, _)| p).take_while(|p| p.starts_with(&prefix)) {
            if let Some(name) = direct(p) {
                out.insert(name, Entry::File);
            }
        }
        for (p, target) in self.links.range(prefix.clone()..).take_while(|(p, _)| p.starts_with(&prefix)) {
            if let Some(name) = direct(p) {
                out.insert(name, Entry::Link(target.clone()));
            }
        }
        for p in self.dirs.range(prefix.clone()..).take_while(|p| p.starts_with(&prefix)) {
            if let Some(name) = direct(p).filter(|n| !n.is_empty()) {
                out.insert(name, Entry::Dir);
            }
        }
        out
    }
}

/// The entries of the index or commit, for [`links`]: the same rule of links as the work tree.
/// An absolute target is always outside: where the repository is checked out is not known.
impl Tree for Snapshot {
    fn entry(&self, path: &str) -> Option<Entry> {
        if self.files.contains_key(path) {
            Some(Entry::File)
        } else if let Some(target) = self.links.get(path) {
            Some(Entry::Link(target.clone()))
        } else if self.dirs.contains(path) {
            Some(Entry::Dir)
        } else {
            None
        }
    }

    fn children(&self, path: &str) -> Result<Vec<Child>, String> {
        Ok(self.entries_below(path).into_iter().map(|(name, e)| (Ok(name), e)).collect())
    }
}

/// Reads a loose blob; `None` when the object is not loose (it is in a pack or an alternate).
fn read_loose(objects: &Path, id: ObjectId, limit: u64) -> Option<Read> {
    let hex = id.to_hex().to_string();
    let compressed = match std::fs::read(objects.join(&hex[..2]).join(&hex[2..])) {
        Ok(bytes) => bytes,
        Err(_) => return None,
    };
    let corrupt = |what: &str| Some(Read::Failed(format!("the Git object {hex} is corrupt: {what}")));
    let mut inflate = gix::zlib::Inflate::default();
    let mut header = [0u8; 64];
    let Ok((status, consumed_in, consumed_out)) = inflate.prefix(&compressed, &mut header) else {
        return corrupt("it cannot be decompressed");
    };
    let Ok((kind, size, header_size)) = gix::objs::decode::loose_header(&header[..consumed_out]) else {
        return corrupt("its header cannot be read");
    };
    if kind != gix::objs::Kind::Blob {
        return Some(Read::Failed(format!("the Git object {hex} is a {kind}, not a file")));
    }
    if size > limit {
        return Some(Read::TooLarge(size));
    }
    let mut out = Vec::new();
    if status == gix::zlib::Status::StreamEnd {
        out.extend_from_slice(&header[header_size.min(consumed_out)..consumed_out]);
    } else if inflate
        .rest(&compressed[consumed_in..], &header[..consumed_out], header_size, &mut out, size as usize)
        .is_err()
    {
        return corrupt("it cannot be decompressed");
    }
    if out.len() as u64 != size {
        return corrupt("its size does not match its header");
    }
    Some(Read::Bytes(out))
}

impl Source for Snapshot {
    fn list(&self, dir: &str) -> Vec<Listed> {
        let dir = super::normalise_dir(dir);
        let mut out = links::list(self, &dir);
        out.sort_by(|a, b| a.path().cmp(b.path()));
        out
    }

    fn read(&self, path: &str, limit: u64) -> Read {
        let item = match self.files.get(path) {
            Some(item) => *item,
            None => match links::file(self, path) {
                Ok(real) => match self.files.get(&real) {
                    Some(item) => *item,
                    None => return Read::NotFound,
                },
                Err(read) => return read,
            },
        };
        // What `git add` just wrote is a loose object: read it with one plain read (gix maps
        // each loose object into memory, and unmapping costs every thread a TLB flush).
        if let Some(read) = read_loose(&self.pool.objects, item.id, limit) {
            return read;
        }
        self.pool.with(|repo| {
            let known_small = item.size_hint.is_some_and(|s| s <= limit);
            if !known_small {
                match repo.find_header(item.id) {
                    Ok(h) if h.size() > limit => return Read::TooLarge(h.size()),
                    Ok(_) => {}
                    Err(e) => return Read::Failed(error_text(e)),
                }
            }
            match repo.find_object(item.id) {
                Ok(o) if o.data.len() as u64 > limit => Read::TooLarge(o.data.len() as u64),
                // A copy: gix keeps its buffer for the next object instead of growing a new one.
                Ok(o) => Read::Bytes(o.data.clone()),
                Err(e) => Read::Failed(error_text(e)),
            }
        })
    }

    fn describe(&self) -> String {
        if self.root.is_empty() {
            self.what.clone()
        } else {
            format!("{} at {}/", self.what, self.root)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_end_at_the_root() {
        assert_eq!(ancestors("a/b"), vec!["a/b", "a", ""]);
        assert_eq!(ancestors(""), vec![""]);
    }

    #[test]
    fn conflicts_are_named_like_git_status() {
        let c = |base, ours, theirs| Conflict { path: String::new(), base, ours, theirs }.describe();
        assert_eq!(c(true, true, true), "both modified");
        assert_eq!(c(false, true, true), "both added");
        assert_eq!(c(true, false, true), "deleted by us");
        assert_eq!(c(true, true, false), "deleted by them");
    }

    #[test]
    fn errors_start_lower_case() {
        assert_eq!(error_text("Could not find it."), "could not find it");
        assert_eq!(error_text("HEAD is gone"), "HEAD is gone");
    }
}
