//! The history engine: the commit graph, folder trees compared by id, blobs parsed once, and the
//! backward walk that follows each plan through its commits.
//!
//! Costs are kept close to `git log -- PATH`: a commit whose plans folder has the same tree id as
//! its parent's costs one commit and a few small tree reads; otherwise the two folder trees are
//! compared entry by entry without decoding unchanged subtrees, and only the blobs of changed
//! files are ever read, each at most once.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::rc::Rc;

use gix::objs::tree::EntryMode;
use gix::ObjectId;

use crate::format::Kind;
use crate::model::{Config, Side};
use crate::source::git::{error_text, join};
use crate::source::normalise_dir;
use crate::units::Date;

/// One entry of a tree object as stored: mode, name, id.
#[derive(Clone, Copy)]
struct RawEntry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: ObjectId,
}

impl RawEntry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }
    fn is_blob(&self) -> bool {
        self.mode.starts_with(b"100")
    }
}

/// The entry of a tree object starting at `pos`, and where the next one starts.
fn raw_entry(buf: &[u8], pos: usize, hash_len: usize) -> Option<(RawEntry<'_>, usize)> {
    use gix::bstr::ByteSlice;
    let rest = buf.get(pos..)?;
    let space = rest.find_byte(b' ')?;
    let nul = space + 1 + rest[space + 1..].find_byte(0)?;
    let id = rest.get(nul + 1..nul + 1 + hash_len)?;
    let id = gix::hash::oid::try_from_bytes(id).ok()?.to_owned();
    Some((RawEntry { mode: &rest[..space], name: &rest[space + 1..nul], id }, pos + nul + 1 + hash_len))
}

/// Where the tree entry starting at `pos` ends, without decoding it.
fn skip_entry(buf: &[u8], pos: usize, hash_len: usize) -> Option<usize> {
    use gix::bstr::ByteSlice;
    let end = pos + buf.get(pos..)?.find_byte(0)? + 1 + hash_len;
    (end <= buf.len()).then_some(end)
}

/// How many leading bytes two buffers share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 1024 <= n && a[i..i + 1024] == b[i..i + 1024] {
        i += 1024;
    }
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many trailing bytes two buffers share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + 1024 <= n && a[n - i - 1024..n - i] == b[n - i - 1024..n - i] {
        i += 1024;
    }
    while i + 64 <= n && a[n - i - 64..n - i] == b[n - i - 64..n - i] {
        i += 64;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

/// One commit of the graph.
pub struct Node {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the epoch (UTC).
    pub time: i64,
    pub author: String,
    pub email: String,
}

impl Node {
    /// The committer date in UTC.
    pub fn date(&self) -> Date {
        Date::from_days(self.time.div_euclid(86_400))
    }
}

/// What a version of a plan is, compared between commits: the digest of a valid plan, else the
/// blob (an invalid version is the same version only if it is the same bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Digest(Rc<str>),
    Blob(ObjectId),
}

/// The content of one plan in one blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Valid { digest: String, contract: Option<(String, u32)> },
    Invalid { reason: String },
    NotUtf8 { at: usize },
}

#[derive(Debug, Clone)]
pub struct SignoffAt {
    pub plan: String,
    pub party: Side,
    pub digest: String,
}

#[derive(Debug, Clone)]
pub struct ContractAt {
    pub id: String,
    pub revisions: Vec<(u32, Date)>,
}

/// A valid plan in a file: id, digest, pinned contract and revision.
type PlanEntry = (String, Rc<str>, Option<(String, u32)>);

/// The files of a folder at a commit: path (relative to the plan repository) and blob, by path.
pub type Listing = Rc<Vec<(Rc<str>, ObjectId)>>;

/// Files of a folder with what they hold: path, blob, parsed content.
pub type ParsedFiles = Vec<(Rc<str>, ObjectId, Rc<Parsed>)>;

/// One file version run through the loader.
#[derive(Debug, Default)]
pub struct Parsed {
    plans: Vec<PlanEntry>,
    broken: Vec<String>,
    pub signoffs: Vec<SignoffAt>,
    pub contracts: Vec<ContractAt>,
    /// Why nothing in the file could be read (not UTF-8, KDL syntax, too large).
    failure: Option<Content>,
    first_error: Option<String>,
}

impl Parsed {
    /// The plan ids of the file (valid and invalid).
    pub fn plan_ids(&self) -> impl Iterator<Item = &str> {
        self.plans.iter().map(|p| p.0.as_str()).chain(self.broken.iter().map(String::as_str))
    }

    /// The content of plan `id`; when the file cannot be read at all and `assume_present`, the
    /// plan is taken to be in it (it is where the plan was before and after).
    pub fn content(&self, id: &str, assume_present: bool) -> Option<Content> {
        if let Some((_, digest, contract)) = self.plans.iter().find(|p| p.0 == id) {
            return Some(Content::Valid { digest: digest.to_string(), contract: contract.clone() });
        }
        if self.broken.iter().any(|b| b == id) {
            let reason = self.first_error.clone().unwrap_or_else(|| "it does not pass the format checks".into());
            return Some(Content::Invalid { reason });
        }
        if assume_present {
            return self.failure.clone();
        }
        None
    }

    fn key(&self, id: &str, blob: ObjectId, assume_present: bool) -> Option<Key> {
        if let Some((_, digest, _)) = self.plans.iter().find(|p| p.0 == id) {
            return Some(Key::Digest(digest.clone()));
        }
        self.content(id, assume_present).map(|_| Key::Blob(blob))
    }

    /// Why the whole file could not be read, if it could not.
    pub fn failure(&self) -> Option<&Content> {
        self.failure.as_ref()
    }
}

/// A file that changed between two commits: path (relative to the plan repository), blob before
/// and after.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: Rc<str>,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// Where a plan was found changed: commit, path, blob.
#[derive(Debug, Clone)]
pub struct Found {
    pub commit: ObjectId,
    pub path: Rc<str>,
    pub blob: Option<ObjectId>,
}

/// The plans followed into a commit and the path of each there.
#[derive(Clone, Default)]
struct Track {
    by_plan: HashMap<Rc<str>, Rc<str>>,
    by_path: HashMap<Rc<str>, Vec<Rc<str>>>,
}

impl Track {
    fn insert(&mut self, plan: Rc<str>, path: Rc<str>) {
        self.remove(&plan);
        self.by_path.entry(path.clone()).or_default().push(plan.clone());
        self.by_plan.insert(plan, path);
    }
    fn remove(&mut self, plan: &str) {
        if let Some(old) = self.by_plan.remove(plan) {
            if let Some(v) = self.by_path.get_mut(&old) {
                v.retain(|p| &**p != plan);
                if v.is_empty() {
                    self.by_path.remove(&old);
                }
            }
        }
    }
}

/// A cache that forgets everything but the most recent entries: history is walked in order, so
/// what is needed again is what was needed last.
pub struct Recent<K, V> {
    current: HashMap<K, V>,
    previous: HashMap<K, V>,
    capacity: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Recent<K, V> {
    pub fn new(capacity: usize) -> Self {
        Recent { current: HashMap::new(), previous: HashMap::new(), capacity }
    }
    pub fn get(&mut self, k: &K) -> Option<V> {
        if let Some(v) = self.current.get(k) {
            return Some(v.clone());
        }
        let (k, v) = self.previous.remove_entry(k)?;
        self.insert(k, v.clone());
        Some(v)
    }
    pub fn insert(&mut self, k: K, v: V) {
        if self.current.len() >= self.capacity {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(k, v);
    }
}

pub struct Engine {
    /// Without gix's object cache: the engine keeps what it reuses (trees, parsed blobs) itself.
    repo: gix::Repository,
    hash: gix::hash::Kind,
    /// The plan root inside the Git repository (`""` or `plans`).
    root: String,
    /// Configured folders (relative to the plan root) and the kinds they hold.
    folders: Vec<(String, Vec<Kind>)>,
    plans_dir: String,
    contacts_dir: String,
    signoffs_dir: String,
    contracts_dir: String,
    inventory_dir: String,
    limit: u64,
    nodes: HashMap<ObjectId, Rc<Node>>,
    trees: Recent<ObjectId, Rc<[u8]>>,
    folder_ids: Recent<(ObjectId, Kind), Option<ObjectId>>,
    listings: Recent<(Option<ObjectId>, Kind), Listing>,
    parsed: HashMap<ObjectId, Rc<Parsed>>,
    /// Sign-off files are parsed only when they mention one of these plans (all when `None`).
    pub signoff_filter: Option<Vec<String>>,
}

impl Engine {
    pub fn new(repo: &gix::Repository, root: &str, config: &Config) -> Engine {
        let mut repo = repo.clone();
        repo.object_cache_size(0);
        let p = &config.paths;
        let mut folders: Vec<(String, Vec<Kind>)> = Vec::new();
        for (dir, kinds) in p.with_kinds() {
            let dir = normalise_dir(dir);
            match folders.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, k)) => k.extend_from_slice(kinds),
                None => folders.push((dir, kinds.to_vec())),
            }
        }
        Engine {
            hash: repo.object_hash(),
            repo,
            root: root.to_string(),
            folders,
            plans_dir: normalise_dir(&p.plans),
            contacts_dir: normalise_dir(&p.contacts),
            signoffs_dir: normalise_dir(&p.signoffs),
            contracts_dir: normalise_dir(&p.contracts),
            inventory_dir: normalise_dir(&p.inventory),
            limit: config.limits.max_file_size,
            nodes: HashMap::new(),
            trees: Recent::new(32),
            folder_ids: Recent::new(1024),
            listings: Recent::new(16),
            parsed: HashMap::new(),
            signoff_filter: None,
        }
    }

    /// The plan root inside Git, for showing paths.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The folder of contact files (relative to the plan repository).
    pub fn contacts_dir(&self) -> &str {
        &self.contacts_dir
    }

    /// The text of a blob, when it is UTF-8 and within the size limit.
    pub fn text(&self, blob: ObjectId) -> Option<String> {
        match self.repo.find_header(blob) {
            Ok(h) if h.size() <= self.limit => {}
            _ => return None,
        }
        let mut object = self.repo.find_object(blob).ok()?;
        String::from_utf8(std::mem::take(&mut object.data)).ok()
    }

    /// The kinds the file at `path` may hold: those of the deepest configured folder holding it.
    pub fn kinds_for(&self, path: &str) -> &[Kind] {
        let mut best: Option<&(String, Vec<Kind>)> = None;
        for f in &self.folders {
            let inside = f.0 == "."
                || (path.len() > f.0.len() && path.starts_with(f.0.as_str()) && path.as_bytes()[f.0.len()] == b'/');
            if inside && best.is_none_or(|b| b.0 == "." || b.0.len() < f.0.len()) {
                best = Some(f);
            }
        }
        best.map(|b| b.1.as_slice()).unwrap_or(&[])
    }

    fn dir_of(&self, kind: Kind) -> &str {
        match kind {
            Kind::Signoff | Kind::Roster => &self.signoffs_dir,
            Kind::Contract => &self.contracts_dir,
            Kind::Contact => &self.contacts_dir,
            Kind::System | Kind::Interface => &self.inventory_dir,
            _ => &self.plans_dir,
        }
    }

    pub fn node(&mut self, id: ObjectId) -> Result<Rc<Node>, String> {
        if let Some(n) = self.nodes.get(&id) {
            return Ok(n.clone());
        }
        let object = self.repo.find_object(id).map_err(|e| format!("cannot read commit {id}: {}", error_text(e)))?;
        let bad = |e| format!("cannot read commit {id}: {}", error_text(e));
        let mut iter = gix::objs::CommitRefIter::from_bytes(&object.data, self.hash);
        let tree = iter.tree_id().map_err(bad)?;
        let parents: Vec<ObjectId> =
            gix::objs::CommitRefIter::from_bytes(&object.data, self.hash).parent_ids().collect();
        let author = gix::objs::CommitRefIter::from_bytes(&object.data, self.hash).author().map_err(bad)?;
        let committer = gix::objs::CommitRefIter::from_bytes(&object.data, self.hash).committer().map_err(bad)?;
        let node = Rc::new(Node {
            id,
            tree,
            parents,
            time: committer.seconds(),
            author: String::from_utf8_lossy(author.name.trim_ascii()).into_owned(),
            email: String::from_utf8_lossy(author.email.trim_ascii()).into_owned(),
        });
        self.nodes.insert(id, node.clone());
        Ok(node)
    }

    /// Every commit reachable from `start`, children before parents, newer first among commits
    /// that are ready.
    pub fn graph(&mut self, start: ObjectId) -> Result<Vec<ObjectId>, String> {
        let mut children: HashMap<ObjectId, u32> = HashMap::new();
        let mut stack = vec![start];
        let mut seen = HashSet::from([start]);
        while let Some(id) = stack.pop() {
            let node = self.node(id)?;
            for p in &node.parents {
                *children.entry(*p).or_default() += 1;
                if seen.insert(*p) {
                    stack.push(*p);
                }
            }
        }
        let mut order = Vec::with_capacity(seen.len());
        let mut ready = BinaryHeap::new();
        let start_node = self.node(start)?;
        ready.push((start_node.time, 0usize, start));
        let mut seq = 0usize;
        while let Some((_, _, id)) = ready.pop() {
            order.push(id);
            let node = self.node(id)?;
            for p in &node.parents {
                let left = children.get_mut(p).expect("counted above");
                *left -= 1;
                if *left == 0 {
                    seq += 1;
                    let time = self.node(*p)?.time;
                    // Among ready commits: the newest first, then the one found first.
                    ready.push((time, usize::MAX - seq, *p));
                }
            }
        }
        Ok(order)
    }

    fn tree(&mut self, id: ObjectId) -> Result<Rc<[u8]>, String> {
        if let Some(t) = self.trees.get(&id) {
            return Ok(t);
        }
        let object = self.repo.find_object(id).map_err(|e| format!("cannot read tree {id}: {}", error_text(e)))?;
        if object.kind != gix::objs::Kind::Tree {
            return Ok(Rc::from(&[][..]));
        }
        // A copy: gix keeps its buffer for the next object instead of growing a new one.
        let data: Rc<[u8]> = Rc::from(object.data.as_slice());
        self.trees.insert(id, data.clone());
        Ok(data)
    }

    /// The entry named `name` in a tree.
    fn entry(&mut self, tree: ObjectId, name: &str) -> Result<Option<(EntryMode, ObjectId)>, String> {
        let data = self.tree(tree)?;
        Ok(gix::objs::TreeRefIter::from_bytes(&data, self.hash)
            .filter_map(Result::ok)
            .find(|e| e.filename == name.as_bytes())
            .map(|e| (e.mode, e.oid.to_owned())))
    }

    /// The entry at a `/`-separated path below a tree.
    fn entry_at(&mut self, tree: ObjectId, path: &str) -> Result<Option<(EntryMode, ObjectId)>, String> {
        let mut current = (EntryMode::from(gix::objs::tree::EntryKind::Tree), tree);
        for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
            if !current.0.is_tree() {
                return Ok(None);
            }
            match self.entry(current.1, part)? {
                Some(e) => current = e,
                None => return Ok(None),
            }
        }
        Ok(Some(current))
    }

    /// The tree of the folder holding files of `kind` in a commit's tree.
    fn folder(&mut self, commit_tree: ObjectId, kind: Kind) -> Result<Option<ObjectId>, String> {
        if let Some(f) = self.folder_ids.get(&(commit_tree, kind)) {
            return Ok(f);
        }
        let path = join(&self.root, self.dir_of(kind));
        let found = match self.entry_at(commit_tree, &path)? {
            Some((mode, id)) if mode.is_tree() => Some(id),
            _ => None,
        };
        self.folder_ids.insert((commit_tree, kind), found);
        Ok(found)
    }

    /// Whether a changed or listed file is a file of `kind`: `.kdl`, no dot-file, in a folder
    /// configured for the kind.
    fn wanted(&self, path: &str, kind: Kind) -> bool {
        path.ends_with(".kdl") && self.kinds_for(path).contains(&kind)
    }

    /// The files that differ between two versions of the folder of `kind` (trees, `None` when
    /// the folder is missing), without reading unchanged subtrees.
    pub fn diff(&mut self, old: Option<ObjectId>, new: Option<ObjectId>, kind: Kind) -> Result<Vec<Change>, String> {
        let mut out = Vec::new();
        let dir = self.dir_of(kind).to_string();
        self.diff_in(old, new, &dir, kind, &mut out)?;
        Ok(out)
    }

    fn diff_in(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        dir: &str,
        kind: Kind,
        out: &mut Vec<Change>,
    ) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        let empty: Rc<[u8]> = Rc::from(&[][..]);
        let old_data = match old {
            Some(id) => self.tree(id)?,
            None => empty.clone(),
        };
        let new_data = match new {
            Some(id) => self.tree(id)?,
            None => empty,
        };
        let (a, b) = (&old_data[..], &new_data[..]);
        let hash_len = self.hash.len_in_bytes();
        // Most commits change a few entries of a folder: skip the identical entries before and
        // after them without decoding them.
        let prefix = common_prefix(a, b);
        let mut pa = 0;
        while let Some(next) = skip_entry(a, pa, hash_len) {
            if next > prefix {
                break;
            }
            pa = next;
        }
        let mut pb = pa;
        let tail = common_suffix(&a[pa..], &b[pb..]);
        // Sub-folders to compare after this one: (name, old, new).
        let mut sub: Vec<(String, Option<ObjectId>, Option<ObjectId>)> = Vec::new();
        let mut x = raw_entry(a, pa, hash_len);
        let mut y = raw_entry(b, pb, hash_len);
        loop {
            use std::cmp::Ordering;
            let (left_a, left_b) = (a.len() - pa, b.len() - pb);
            if left_a == left_b && left_a <= tail {
                break; // the rest is the same bytes
            }
            let order = match (&x, &y) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((ex, _)), Some((ey, _))) => {
                    gix::objs::tree::name_order(ex.name, ex.is_tree(), ey.name, ey.is_tree())
                }
            };
            let (ea, eb) = match order {
                Ordering::Less => (x.take(), None),
                Ordering::Greater => (None, y.take()),
                Ordering::Equal => (x.take(), y.take()),
            };
            if let Some((_, next)) = ea {
                pa = next;
                x = raw_entry(a, pa, hash_len);
            }
            if let Some((_, next)) = eb {
                pb = next;
                y = raw_entry(b, pb, hash_len);
            }
            let (ea, eb) = (ea.map(|e| e.0), eb.map(|e| e.0));
            let any = ea.or(eb).expect("one side has an entry");
            if any.name.first() == Some(&b'.') {
                continue;
            }
            let (xid, yid) = (ea.map(|e| e.id), eb.map(|e| e.id));
            if xid == yid {
                continue;
            }
            let Ok(name) = std::str::from_utf8(any.name) else { continue };
            if any.is_tree() {
                sub.push((name.to_string(), xid, yid));
            } else if any.is_blob() {
                let path = join(dir, name);
                if self.wanted(&path, kind) {
                    out.push(Change { path: path.into(), old: xid, new: yid });
                }
            }
        }
        for (name, x, y) in sub {
            self.diff_in(x, y, &join(dir, &name), kind, out)?;
        }
        Ok(())
    }

    /// Every file of `kind` in a commit: path and blob, sorted by path.
    pub fn listing(&mut self, commit_tree: ObjectId, kind: Kind) -> Result<Listing, String> {
        let folder = self.folder(commit_tree, kind)?;
        if let Some(l) = self.listings.get(&(folder, kind)) {
            return Ok(l);
        }
        let mut changes = self.diff(None, folder, kind)?;
        changes.sort_by(|x, y| x.path.cmp(&y.path));
        let list: Listing = Rc::new(changes.into_iter().filter_map(|c| c.new.map(|id| (c.path, id))).collect());
        self.listings.insert((folder, kind), list.clone());
        Ok(list)
    }

    /// The tree of the folder of `kind` in a commit (`None` when it is missing).
    pub fn folder_of(&mut self, commit_tree: ObjectId, kind: Kind) -> Result<Option<ObjectId>, String> {
        self.folder(commit_tree, kind)
    }

    /// The plans folder's tree in a commit (for cheap comparisons between commits).
    pub fn plans_folder(&mut self, commit_tree: ObjectId) -> Result<Option<ObjectId>, String> {
        self.folder(commit_tree, Kind::Plan)
    }

    /// The blob at a plan-repository-relative path of a commit.
    pub fn blob_at(&mut self, commit_tree: ObjectId, path: &str) -> Result<Option<ObjectId>, String> {
        let full = join(&self.root, path);
        Ok(match self.entry_at(commit_tree, &full)? {
            Some((mode, id)) if mode.is_blob() => Some(id),
            _ => None,
        })
    }

    /// A blob run through the loader (once per blob).
    pub fn parse(&mut self, blob: ObjectId, path: &str) -> Rc<Parsed> {
        if let Some(p) = self.parsed.get(&blob) {
            return p.clone();
        }
        let parsed = Rc::new(self.parse_now(blob, path, None));
        self.parsed.insert(blob, parsed.clone());
        parsed
    }

    fn parse_now(&self, blob: ObjectId, path: &str, filter: Option<&[String]>) -> Parsed {
        let failed = |reason: String| Parsed { failure: Some(Content::Invalid { reason }), ..Parsed::default() };
        match self.repo.find_header(blob) {
            Ok(h) if h.size() > self.limit => {
                return failed(format!("the file is {} bytes, more than the limit of {} bytes", h.size(), self.limit))
            }
            Ok(_) => {}
            Err(e) => return failed(format!("cannot read the file: {}", error_text(e))),
        }
        let bytes = match self.repo.find_object(blob) {
            Ok(mut o) => std::mem::take(&mut o.data),
            Err(e) => return failed(format!("cannot read the file: {}", error_text(e))),
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Parsed {
                    failure: Some(Content::NotUtf8 { at: e.utf8_error().valid_up_to() }),
                    ..Parsed::default()
                }
            }
        };
        if let Some(ids) = filter {
            if !text.contains('\\') && !ids.iter().any(|id| text.contains(id.as_str())) {
                return Parsed::default();
            }
        }
        let (model, broken, diags) = crate::load::load_file(path, &text, self.kinds_for(path));
        let first_error =
            diags.iter().find(|d| d.severity == crate::diagnostic::Severity::Error).map(|d| d.message.clone());
        let mut parsed = Parsed { first_error: first_error.clone(), ..Parsed::default() };
        for plan in &model.plans {
            let contract = plan.contract.as_ref().map(|c| (c.id.value.clone(), c.revision.value));
            parsed.plans.push((plan.id.value.clone(), plan.digest.as_str().into(), contract));
        }
        for (kind, id) in broken {
            if kind == Kind::Plan {
                parsed.broken.push(id);
            }
        }
        for s in &model.signoffs {
            parsed.signoffs.push(SignoffAt {
                plan: s.plan.value.clone(),
                party: s.party.value,
                digest: s.digest.value.clone(),
            });
        }
        for c in &model.contracts {
            let revisions = c.revision.iter().map(|r| (r.number.value, r.effective.value)).collect();
            parsed.contracts.push(ContractAt { id: c.id.value.clone(), revisions });
        }
        let nothing = parsed.plans.is_empty()
            && parsed.broken.is_empty()
            && parsed.signoffs.is_empty()
            && parsed.contracts.is_empty();
        if nothing {
            if let Some(reason) = first_error {
                parsed.failure = Some(Content::Invalid { reason });
            }
        }
        parsed
    }

    /// The sign-offs of a commit (of the filtered plans when a filter is set).
    pub fn signoffs_at(&mut self, commit_tree: ObjectId) -> Result<ParsedFiles, String> {
        let list = self.listing(commit_tree, Kind::Signoff)?;
        let mut out = Vec::with_capacity(list.len());
        for (path, blob) in list.iter() {
            let parsed = match self.parsed.get(blob) {
                Some(p) => p.clone(),
                None => {
                    let filter = self.signoff_filter.take();
                    let p = Rc::new(self.parse_now(*blob, path, filter.as_deref()));
                    self.signoff_filter = filter;
                    self.parsed.insert(*blob, p.clone());
                    p
                }
            };
            out.push((path.clone(), *blob, parsed));
        }
        Ok(out)
    }

    /// The contracts of a commit.
    pub fn contracts_at(&mut self, commit_tree: ObjectId) -> Result<ParsedFiles, String> {
        let list = self.listing(commit_tree, Kind::Contract)?;
        Ok(list.iter().map(|(path, blob)| (path.clone(), *blob, self.parse(*blob, path))).collect())
    }

    /// Follows plans back from `start`, where each is at the given path, through every commit
    /// reachable from it. A commit is a version of a plan when the plan's content there differs
    /// from its content in every parent (or it has no parent): a new digest, or new bytes of a
    /// version that does not pass the checks. Renamed and moved plans are followed: when a plan
    /// is no longer at its path in a parent, it is looked for in the files that differ.
    ///
    /// With `newest_only`, each plan is followed only along the parents it is unchanged in, and
    /// only its newest version is found: the version in force at `start`.
    pub fn follow(
        &mut self,
        start: ObjectId,
        plans: &[(String, String)],
        newest_only: bool,
    ) -> Result<HashMap<Rc<str>, Vec<Found>>, String> {
        let order = self.graph(start)?;
        let mut first = Track::default();
        for (plan, path) in plans {
            first.insert(plan.as_str().into(), path.as_str().into());
        }
        let total = first.by_plan.len();
        let mut state: HashMap<ObjectId, Rc<Track>> = HashMap::from([(start, Rc::new(first))]);
        let mut found: HashMap<Rc<str>, Vec<Found>> = HashMap::new();
        for c in order {
            if newest_only && found.len() == total {
                break;
            }
            let Some(track) = state.remove(&c) else { continue };
            if track.by_plan.is_empty() {
                continue;
            }
            let node = self.node(c)?;
            let folder_c = self.plans_folder(node.tree)?;
            // Plans changed in every parent so far (all, before the first parent).
            let mut changed_in_all: Option<HashSet<Rc<str>>> = None;
            let mut outs: Vec<(ObjectId, Rc<Track>)> = Vec::new();
            // Blobs of plans in this commit, as far as a comparison read them.
            let mut blobs_here: HashMap<Rc<str>, Option<ObjectId>> = HashMap::new();
            for (i, &p) in node.parents.iter().enumerate() {
                let (changed, moves) = self.changes_from_parent(p, folder_c, &track, &mut blobs_here)?;
                let follow_all = !newest_only || i == 0;
                let ptrack = parent_track(&track, follow_all, &changed_in_all, moves, newest_only.then_some(&changed));
                changed_in_all = Some(match changed_in_all {
                    None => changed,
                    Some(all) => all.intersection(&changed).cloned().collect(),
                });
                outs.push((p, ptrack));
            }
            let versions: Vec<Rc<str>> = match changed_in_all {
                None => track.by_plan.keys().cloned().collect(),
                Some(all) => all.into_iter().collect(),
            };
            self.record_versions(c, node.tree, &track, versions, &blobs_here, &mut found)?;
            merge_into_parents(&mut state, outs);
        }
        Ok(found)
    }

    /// Compares the plans followed into a commit (whose plans folder is `folder_c`) with its
    /// parent `p`: the plans changed there, and the plans at another path in the parent (`None`:
    /// not found there). Records in `blobs_here` the blobs of the plans the comparison read.
    fn changes_from_parent(
        &mut self,
        p: ObjectId,
        folder_c: Option<ObjectId>,
        track: &Track,
        blobs_here: &mut HashMap<Rc<str>, Option<ObjectId>>,
    ) -> Result<(HashSet<Rc<str>>, Moves), String> {
        let pnode = self.node(p)?;
        let folder_p = self.plans_folder(pnode.tree)?;
        let mut changed: HashSet<Rc<str>> = HashSet::new();
        let mut moves: Moves = Vec::new();
        if folder_p != folder_c {
            let diff = self.diff(folder_p, folder_c, Kind::Plan)?;
            for change in &diff {
                let Some(here) = track.by_path.get(&change.path) else { continue };
                for plan in here.clone() {
                    blobs_here.insert(plan.clone(), change.new);
                    let key_c = match change.new {
                        Some(b) => self.parse(b, &change.path).key(&plan, b, true),
                        None => None,
                    };
                    let at_p = self.in_parent(&plan, change, &diff);
                    let same = matches!((&at_p, &key_c), (Some((_, kp)), Some(kc)) if kp == kc);
                    if !same {
                        changed.insert(plan.clone());
                    }
                    match at_p {
                        Some((path, _)) if path != change.path => moves.push((plan, Some(path))),
                        Some(_) => {}
                        None => moves.push((plan, None)),
                    }
                }
            }
        }
        Ok((changed, moves))
    }

    /// Where `plan`, at the path of `change` in the commit, is in the parent, and its version
    /// there: at the same path, else in another file of the `diff` (moved or renamed).
    fn in_parent(&mut self, plan: &str, change: &Change, diff: &[Change]) -> Option<(Rc<str>, Key)> {
        if let Some(b) = change.old {
            if let Some(k) = self.parse(b, &change.path).key(plan, b, true) {
                return Some((change.path.clone(), k));
            }
        }
        for other in diff.iter().filter(|o| o.path != change.path) {
            let Some(b) = other.old else { continue };
            if let Some(k) = self.parse(b, &other.path).key(plan, b, false) {
                return Some((other.path.clone(), k));
            }
        }
        None
    }

    /// Records commit `c` (with tree `tree`) as a version of each of `versions`, with its path
    /// and blob there.
    fn record_versions(
        &mut self,
        c: ObjectId,
        tree: ObjectId,
        track: &Track,
        versions: Vec<Rc<str>>,
        blobs_here: &HashMap<Rc<str>, Option<ObjectId>>,
        found: &mut HashMap<Rc<str>, Vec<Found>>,
    ) -> Result<(), String> {
        for plan in versions {
            let path = track.by_plan[&plan].clone();
            let blob = match blobs_here.get(&plan) {
                Some(b) => *b,
                None => self.blob_at(tree, &path)?,
            };
            found.entry(plan).or_default().push(Found { commit: c, path, blob });
        }
        Ok(())
    }
}

/// Plans at another path in a parent than in the commit: the path there, or `None` if not there.
type Moves = Vec<(Rc<str>, Option<Rc<str>>)>;

/// The plans to follow into a parent, at their paths there: all of `track` (`follow_all`), else
/// only those changed in every earlier parent; moved as `moves` says, and without the plans in
/// `changed_here` (changed in this parent, given when only the newest version is sought).
fn parent_track(
    track: &Rc<Track>,
    follow_all: bool,
    changed_in_all: &Option<HashSet<Rc<str>>>,
    moves: Moves,
    changed_here: Option<&HashSet<Rc<str>>>,
) -> Rc<Track> {
    let mut ptrack = if follow_all {
        track.clone()
    } else {
        let mut t = Track::default();
        for plan in changed_in_all.iter().flatten() {
            if let Some(path) = track.by_plan.get(plan) {
                t.insert(plan.clone(), path.clone());
            }
        }
        Rc::new(t)
    };
    for (plan, to) in moves {
        if !ptrack.by_plan.contains_key(&plan) {
            continue;
        }
        let t = Rc::make_mut(&mut ptrack);
        match to {
            Some(path) => t.insert(plan, path),
            None => t.remove(&plan),
        }
    }
    if let Some(changed) = changed_here {
        // Follow a plan only into a parent it is unchanged in: its content came from there.
        for plan in changed {
            if ptrack.by_plan.contains_key(plan) {
                Rc::make_mut(&mut ptrack).remove(plan);
            }
        }
    }
    ptrack
}

/// Adds the plans followed into each parent to what is followed into it from other children.
fn merge_into_parents(state: &mut HashMap<ObjectId, Rc<Track>>, outs: Vec<(ObjectId, Rc<Track>)>) {
    for (p, ptrack) in outs {
        if ptrack.by_plan.is_empty() {
            continue;
        }
        match state.entry(p) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(ptrack);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if !Rc::ptr_eq(o.get(), &ptrack) {
                    let t = Rc::make_mut(o.get_mut());
                    for (plan, path) in &ptrack.by_plan {
                        if !t.by_plan.contains_key(plan) {
                            t.insert(plan.clone(), path.clone());
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_and_suffix_of_buffers() {
        let a: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        let mut b = a.clone();
        b[2000] = 7;
        assert_eq!(common_prefix(&a, &b), 2000);
        assert_eq!(common_suffix(&a, &b), 999);
        assert_eq!(common_prefix(&a, &a[..10]), 10);
        assert_eq!(common_suffix(b"xyz", b"z"), 1);
        assert_eq!(common_prefix(b"", b"abc"), 0);
    }

    #[test]
    fn raw_tree_entries_are_read_and_skipped() {
        let id = [7u8; 20];
        let mut tree = Vec::new();
        for (mode, name) in [("100644", "a.kdl"), ("40000", "sub")] {
            tree.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            tree.extend_from_slice(&id);
        }
        let (first, next) = raw_entry(&tree, 0, 20).unwrap();
        assert_eq!(first.name, b"a.kdl");
        assert!(first.is_blob() && !first.is_tree());
        assert_eq!(skip_entry(&tree, 0, 20), Some(next));
        let (second, end) = raw_entry(&tree, next, 20).unwrap();
        assert!(second.is_tree());
        assert_eq!(end, tree.len());
        assert!(raw_entry(&tree, end, 20).is_none());
        // A truncated entry is not read.
        assert!(raw_entry(&tree[..tree.len() - 1], next, 20).is_none());
        assert!(skip_entry(&tree[..tree.len() - 1], next, 20).is_none());
    }
}
