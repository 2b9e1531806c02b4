//! Plan history from Git: each plan's versions (a version is a change of the plan's meaning, i.e.
//! of its canonical digest, not a reformatting), with the contract revision it pinned, the revision
//! in effect at the commit's date and its sign-off state at that commit; and, for an auditor's
//! date, the version of each plan in force then.
//!
//! Everything is read from commits with the loader's own steps ([`crate::load::load_file`]), so a
//! version's digest is the digest a sign-off signs. The folders are those of `contingent.kdl` at
//! the commit the walk starts from (HEAD, or the commit in force on the `--as-of` date).

pub mod walk;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gix::ObjectId;

use crate::format::Kind;
use crate::load::CONFIG_FILE;
use crate::model::{Config, Model, Side};
use crate::rules::{self, Rule};
use crate::signoff::roster::ValidRoster;
use crate::signoff::{RosterKey, ValidSignoff};
use crate::source::git::{self, Repo};
use crate::source::{Listed, Read, Source};
use crate::units::Date;
use walk::{Content, Engine, Found, Node};

/// A commit as shown in history.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    pub short: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Committer date (UTC).
    pub date: Date,
    pub author: String,
    pub email: String,
}

impl CommitInfo {
    fn new(repo: &Repo, node: &Node) -> CommitInfo {
        CommitInfo {
            id: node.id.to_string(),
            short: repo.short(node.id),
            time: node.time,
            date: node.date(),
            author: node.author.clone(),
            email: node.email.clone(),
        }
    }

    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub fn timestamp(&self) -> String {
        let secs = self.time.rem_euclid(86_400);
        format!("{}T{:02}:{:02}:{:02}Z", self.date, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// Which parties had signed a version: a sign-off record of the party for the plan whose digest
/// is the version's digest, in the same commit, that verifies against the contacts of that commit
/// ([`crate::signoff::valid_signoffs`]: signature, statement, key, validity, signer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signed {
    pub client: bool,
    pub provider: bool,
    /// Parties whose valid sign-off for the plan names another digest (an older version).
    pub stale: Vec<&'static str>,
    /// Parties with a record of this digest that does not verify.
    pub unverified: Vec<&'static str>,
    /// Parties whose record of this digest verifies but is made with a key the chain of rosters
    /// does not trust at that commit (a roster change no approver of the roster before it signed).
    pub untrusted: Vec<&'static str>,
    /// Parties whose version-2 sign-off of this digest binds a context (contacts, inventory,
    /// contract terms) that is no longer the plan's context at that commit.
    pub context_changed: Vec<&'static str>,
    /// Parties whose sign-off of this digest is older than their sign-off of other content seen
    /// earlier in the history: a rollback, which does not count.
    pub rolled_back: Vec<&'static str>,
    /// The newest counted sign-off date per party (client, provider).
    pub dates: [Option<Date>; 2],
}

impl Signed {
    pub fn both(&self) -> bool {
        self.client && self.provider
    }
}

/// One version of a plan.
#[derive(Debug, Clone)]
pub struct Version {
    pub commit: Rc<CommitInfo>,
    /// Path in the Git repository.
    pub path: String,
    pub content: Content,
    /// The revision of the pinned contract in effect at the date (the commit's date in history,
    /// the `--as-of` date in [`AsOf`]), from the contracts of that commit.
    pub in_effect: Option<u32>,
    pub signed: Signed,
    /// The sign-off state for this version's digest at the last commit before the next version
    /// (at HEAD for the newest): whether it was signed while it was current. Sign-offs are usually
    /// committed after the version they sign. `None` in [`AsOf`].
    pub signed_until_replaced: Option<Signed>,
}

impl Version {
    pub fn digest(&self) -> Option<&str> {
        match &self.content {
            Content::Valid { digest, .. } => Some(digest),
            _ => None,
        }
    }
    pub fn contract(&self) -> Option<(&str, u32)> {
        match &self.content {
            Content::Valid { contract: Some((id, rev)), .. } => Some((id, *rev)),
            _ => None,
        }
    }
    /// Whether the pinned revision is the revision in effect (`None` without a pinned contract or
    /// when the revision in effect is unknown).
    pub fn implements(&self) -> Option<bool> {
        let (_, pinned) = self.contract()?;
        self.in_effect.map(|r| r == pinned)
    }
}

#[derive(Debug, Clone)]
pub struct PlanHistory {
    pub plan: String,
    /// Newest first.
    pub versions: Vec<Version>,
}

/// Something in the history that could not be read; the history continues.
#[derive(Debug, Clone)]
pub struct Problem {
    pub rule: &'static Rule,
    pub message: String,
}

pub struct History {
    /// The commit the history starts from (HEAD).
    pub head: Rc<CommitInfo>,
    pub plans: Vec<PlanHistory>,
    pub problems: Vec<Problem>,
}

/// A plan on the `--as-of` date.
#[derive(Debug, Clone)]
pub struct InForce {
    pub plan: String,
    /// The version in force: its commit is where this content was introduced; its path, sign-off
    /// state and revision in effect are those of the as-of commit and date. `None` when the plan
    /// did not exist then.
    pub version: Option<Version>,
}

pub struct AsOf {
    pub date: Date,
    /// The newest commit of HEAD's first-parent history dated on or before the date.
    pub commit: Rc<CommitInfo>,
    pub plans: Vec<InForce>,
    pub problems: Vec<Problem>,
    /// What the reader should know about the answer: committer dates that go backwards without
    /// changing it.
    pub notes: Vec<String>,
}

/// Reads just the configuration blob.
struct ConfigBlob(Vec<u8>);

impl Source for ConfigBlob {
    fn list(&self, _dir: &str) -> Vec<Listed> {
        Vec::new()
    }
    fn read(&self, path: &str, limit: u64) -> Read {
        match path {
            CONFIG_FILE if self.0.len() as u64 > limit => Read::TooLarge(self.0.len() as u64),
            CONFIG_FILE => Read::Bytes(self.0.clone()),
            _ => Read::NotFound,
        }
    }
    fn describe(&self) -> String {
        CONFIG_FILE.into()
    }
}

/// The configuration of the plan repository at a commit (defaults when it is missing or broken).
fn config_at(repo: &Repo, commit_tree: ObjectId, root: &str) -> Config {
    let path = git::join(root, CONFIG_FILE);
    let blob = match git::lookup(repo.gix(), commit_tree, &path) {
        Ok(Some((mode, id))) if mode.is_blob() => id,
        _ => return Config::default(),
    };
    match repo.gix().find_object(blob) {
        Ok(mut o) => crate::load::read_config(&ConfigBlob(std::mem::take(&mut o.data))).unwrap_or_default(),
        Err(_) => Config::default(),
    }
}

/// HEAD and the plan root (found by walking up from `start_dir` to a folder whose
/// `contingent.kdl` is in HEAD).
fn start(repo: &Repo, start_dir: &str) -> Result<(ObjectId, String), String> {
    if repo.is_shallow() {
        return Err(format!(
            "{} is a shallow clone: its history is incomplete, so the versions of plans cannot be told; {}",
            repo.location().display(),
            Repo::shallow_help()
        ));
    }
    let head = repo.head().ok_or_else(|| format!("{} has no commits yet", repo.location().display()))?;
    let tree = git::commit_tree(repo.gix(), head)?;
    for dir in git::ancestors(start_dir) {
        if let Ok(Some((mode, _))) = git::lookup(repo.gix(), tree, &git::join(&dir, CONFIG_FILE)) {
            if mode.is_blob() {
                return Ok((head, dir));
            }
        }
    }
    Err(format!(
        "no {CONFIG_FILE} in HEAD at {} or any parent folder: point --repo at a plan repository that is committed",
        if start_dir.is_empty() { "the root".to_string() } else { format!("`{start_dir}`") }
    ))
}

/// Plans found in a commit, (plan, path), and the ids not found.
type Located = (Vec<(String, String)>, Vec<String>);

/// Where the given plans (or all) are in a commit: (plan, path). Plans not found are returned
/// separately.
fn locate(engine: &mut Engine, commit: ObjectId, wanted: &[String]) -> Result<Located, String> {
    let node = engine.node(commit)?;
    let list = engine.listing(node.tree, Kind::Plan)?;
    let mut found: Vec<(String, String)> = Vec::new();
    if wanted.is_empty() {
        let mut seen = HashSet::new();
        for (path, blob) in list.iter() {
            let parsed = engine.parse(*blob, path);
            for id in parsed.plan_ids() {
                if seen.insert(id.to_string()) {
                    found.push((id.to_string(), path.to_string()));
                }
            }
        }
        found.sort();
        return Ok((found, Vec::new()));
    }
    let stem = |p: &str| p.rsplit('/').next().unwrap_or(p).trim_end_matches(".kdl").to_string();
    let mut missing = Vec::new();
    for id in wanted {
        if found.iter().any(|(f, _)| f == id) {
            continue;
        }
        // The file named after the plan first, then every file.
        let mut at = None;
        for (path, blob) in list.iter().filter(|(p, _)| stem(p) == *id) {
            if engine.parse(*blob, path).content(id, true).is_some() {
                at = Some(path.to_string());
                break;
            }
        }
        if at.is_none() {
            for (path, blob) in list.iter() {
                if engine.parse(*blob, path).content(id, false).is_some() {
                    at = Some(path.to_string());
                    break;
                }
            }
        }
        match at {
            Some(path) => found.push((id.clone(), path)),
            None => missing.push(id.clone()),
        }
    }
    Ok((found, missing))
}

/// Every plan id of a commit, for suggestions.
fn all_ids(engine: &mut Engine, commit: ObjectId) -> Result<Vec<String>, String> {
    Ok(locate(engine, commit, &[])?.0.into_iter().map(|(id, _)| id).collect())
}

fn unknown_plans(engine: &mut Engine, commit: ObjectId, missing: &[String], what: &str) -> Result<String, String> {
    let ids = all_ids(engine, commit)?;
    let first = &missing[0];
    let hint = match crate::diagnostic::did_you_mean(first, ids.iter().map(String::as_str)) {
        Some(s) => format!("; did you mean `{s}`?"),
        None if ids.is_empty() => String::new(),
        None => format!("; plans there: {}", ids.join(", ")),
    };
    let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
    Ok(format!("no plan {} in {what}{hint}", names.join(", ")))
}

/// What a sign-off record of a commit counts for.
#[derive(Clone, Debug)]
enum RecordState {
    /// It verifies and the roster trusted at the commit trusts its signer and key: the signing
    /// date, and the context digest a version-2 statement binds.
    Valid { date: Date, context: Option<String> },
    /// It verifies, but with a key the roster trusted at the commit does not trust.
    Untrusted,
    /// It does not verify.
    Invalid,
}

/// What a commit says about the plans: sign-off records by plan (party, digest, state),
/// contracts by id.
struct CommitFacts {
    signoffs: HashMap<String, Vec<(Side, String, RecordState)>>,
    contracts: HashMap<String, Vec<(u32, Date)>>,
}

/// The sign-off records of one file version that verify.
type ValidRecords = Rc<Vec<ValidSignoff>>;

/// The approver rosters trusted at a commit (client, provider): along the first-parent chain from
/// the first commit, whose rosters are the root, a change of a party's roster is trusted only when
/// an approver of the roster trusted before it signed the new roster (`sign --roster`).
#[derive(Debug, PartialEq, Eq)]
struct Trusted {
    keys: [Vec<RosterKey>; 2],
    /// Names this state in cache keys: the two rosters' digests.
    id: String,
    /// Whether a party without approvers takes its first roster as its root: along the
    /// first-parent history of the root only, never in a history merged in from elsewhere.
    bootstrap: bool,
}

impl Trusted {
    fn new(keys: [Vec<RosterKey>; 2], bootstrap: bool) -> Trusted {
        let id = format!("{} {}", crate::signoff::roster::digest(&keys[0]), crate::signoff::roster::digest(&keys[1]));
        Trusted { keys, id, bootstrap }
    }
}

/// The configuration blob, the contacts, inventory and contracts folders of a commit: what the
/// context of an approval is computed from besides the plan.
type ContextKey = (Option<ObjectId>, Option<ObjectId>, Option<ObjectId>, Option<ObjectId>);

fn side_index(side: Side) -> usize {
    usize::from(side == Side::Provider)
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Provider => "provider",
    }
}

/// The configuration blob and the contacts folder of a commit: what a verification depends on
/// besides the record.
type SignersKey = (Option<ObjectId>, Option<ObjectId>);

/// The configuration and the contact files that name the given signers, loaded: enough to verify
/// their sign-offs.
struct Signers {
    model: crate::model::Model,
    files: crate::source::Files,
}

/// Files held in memory, as a [`Source`]: a commit's configuration and some contact files.
struct MemorySource {
    config: Option<Vec<u8>>,
    files: Vec<(String, Vec<u8>)>,
}

impl Source for MemorySource {
    fn list(&self, dir: &str) -> Vec<Listed> {
        let dir = crate::source::normalise_dir(dir);
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        self.files.iter().filter(|(p, _)| p.starts_with(&prefix)).map(|(p, _)| Listed::File(p.clone())).collect()
    }
    fn read(&self, path: &str, limit: u64) -> Read {
        let bytes = if path == CONFIG_FILE {
            self.config.as_ref()
        } else {
            self.files.iter().find(|(p, _)| p == path).map(|(_, b)| b)
        };
        match bytes {
            Some(b) if b.len() as u64 > limit => Read::TooLarge(b.len() as u64),
            Some(b) => Read::Bytes(b.clone()),
            None => Read::NotFound,
        }
    }
    fn describe(&self) -> String {
        "a commit".into()
    }
}

struct Evaluator<'r, 'e> {
    repo: &'r Repo,
    engine: &'e mut Engine,
    /// By the configuration, contacts, sign-off and contract folders: consecutive commits mostly
    /// share them.
    facts: walk::Recent<FactsKey, Rc<CommitFacts>>,
    /// Loaded configuration and contacts, by what they were loaded from and for which signers.
    signers: HashMap<(SignersKey, Vec<String>), Signers>,
    /// Verified sign-off file versions.
    valid: HashMap<(SignersKey, ObjectId), ValidRecords>,
    commits: HashMap<ObjectId, Rc<CommitInfo>>,
    /// The rosters trusted at each commit.
    trusted: HashMap<ObjectId, Rc<Trusted>>,
    /// A commit's own rosters, by its configuration blob and contacts folder.
    own_rosters: HashMap<SignersKey, Rc<[Vec<RosterKey>; 2]>>,
    /// The roster sign-offs that verify, by sign-offs folder.
    roster_records: HashMap<Option<ObjectId>, Rc<Vec<ValidRoster>>>,
    /// Unapproved roster changes already reported: (party, roster digest).
    roster_reported: HashSet<(usize, String)>,
    /// The root of the first-parent history the walk starts from: the only commit whose rosters
    /// are trusted without a roster sign-off. `None` until [`Self::set_root`].
    root: Option<ObjectId>,
    /// The first-parent history the walk starts from (the mainline): only along it does a party
    /// without approvers take its first roster as its root; a branch merged in cannot bootstrap.
    mainline: HashSet<ObjectId>,
    /// Configuration, contacts, inventory and contracts of a commit, loaded.
    context_models: walk::Recent<ContextKey, Rc<Model>>,
    /// The context digest of a plan (by its blob) at a [`ContextKey`].
    contexts: HashMap<(ContextKey, ObjectId, String), Option<String>>,
    problems: Vec<Problem>,
    reported: HashSet<String>,
}

type FactsKey = (Option<ObjectId>, Option<ObjectId>, Option<ObjectId>, Option<ObjectId>, Rc<str>);

impl<'r, 'e> Evaluator<'r, 'e> {
    fn new(repo: &'r Repo, engine: &'e mut Engine) -> Self {
        Evaluator {
            repo,
            engine,
            facts: walk::Recent::new(64),
            signers: HashMap::new(),
            valid: HashMap::new(),
            commits: HashMap::new(),
            trusted: HashMap::new(),
            own_rosters: HashMap::new(),
            roster_records: HashMap::new(),
            roster_reported: HashSet::new(),
            root: None,
            mainline: HashSet::new(),
            context_models: walk::Recent::new(8),
            contexts: HashMap::new(),
            problems: Vec::new(),
            reported: HashSet::new(),
        }
    }

    /// The records of these sign-off blobs that verify against the configuration and contacts of
    /// `commit` ([`crate::signoff::valid_signoffs`]). Each file version is verified once per
    /// configuration and contacts folder, and only the contact files naming a signer are loaded.
    fn verified(
        &mut self,
        commit: ObjectId,
        key: SignersKey,
        blobs: &[(Rc<str>, ObjectId)],
    ) -> Result<HashMap<ObjectId, ValidRecords>, String> {
        let pending: Vec<&(Rc<str>, ObjectId)> =
            blobs.iter().filter(|(_, b)| !self.valid.contains_key(&(key, *b))).collect();
        if !pending.is_empty() {
            let mut texts = Vec::new();
            let mut records = Vec::new();
            let mut names = std::collections::BTreeSet::new();
            for (path, blob) in pending {
                self.valid.insert((key, *blob), Rc::default());
                let Some(text) = self.engine.text(*blob) else { continue };
                let (m, _, _) = crate::load::load_file(path, &text, &[Kind::Signoff, Kind::Roster]);
                for r in m.signoffs {
                    names.insert(r.signer.value.clone());
                    records.push((texts.len(), *blob, r));
                }
                texts.push((path.to_string(), text));
            }
            let names: Vec<String> = names.into_iter().collect();
            if !records.is_empty() {
                let signers_key = (key, names);
                if !self.signers.contains_key(&signers_key) {
                    if self.signers.len() >= 16 {
                        self.signers.clear();
                    }
                    let loaded = self.load_signers(commit, &signers_key.1)?;
                    self.signers.insert(signers_key.clone(), loaded);
                }
                let signers = self.signers.get_mut(&signers_key).expect("inserted above");
                let ids: Vec<crate::diagnostic::FileId> =
                    texts.into_iter().map(|(path, text)| signers.files.add(path, text)).collect();
                let mut owners = Vec::new();
                for (i, blob, mut record) in records {
                    record.file = ids[i];
                    owners.push(blob);
                    signers.model.signoffs.push(record);
                }
                let valid = crate::signoff::valid_signoffs(&signers.model, &signers.files);
                // `valid_signoffs` keeps model order, and the records were pushed in blob order.
                let owner: HashMap<crate::diagnostic::Location, ObjectId> = signers
                    .model
                    .signoffs
                    .iter()
                    .zip(&owners)
                    .map(|(r, blob)| (crate::diagnostic::Location { file: r.file, span: r.head }, *blob))
                    .collect();
                let mut found: HashMap<ObjectId, Vec<ValidSignoff>> = HashMap::new();
                for v in valid {
                    if let Some(blob) = owner.get(&v.location) {
                        found.entry(*blob).or_default().push(v);
                    }
                }
                signers.model.signoffs.clear();
                for (blob, list) in found {
                    self.valid.insert((key, blob), Rc::new(list));
                }
            }
        }
        Ok(blobs.iter().map(|(_, b)| (*b, self.valid.get(&(key, *b)).cloned().unwrap_or_default())).collect())
    }

    /// The configuration of `commit` and those of its contact files that name one of `names`.
    fn load_signers(&mut self, commit: ObjectId, names: &[String]) -> Result<Signers, String> {
        let node = self.engine.node(commit)?;
        let config = match self.engine.blob_at(node.tree, CONFIG_FILE)? {
            Some(blob) => self.engine.text(blob).map(String::into_bytes),
            None => None,
        };
        let mut files = Vec::new();
        for (path, blob) in self.engine.listing(node.tree, Kind::Contact)?.iter() {
            let Some(text) = self.engine.text(*blob) else { continue };
            if text.contains('\\') || names.iter().any(|n| text.contains(n.as_str())) {
                files.push((path.to_string(), text.into_bytes()));
            }
        }
        let loaded = crate::load::load(&MemorySource { config, files });
        let mut model = loaded.model;
        model.signoffs.clear();
        Ok(Signers { model, files: loaded.files })
    }

    fn problem(&mut self, rule: &'static Rule, message: String) {
        if self.reported.insert(message.clone()) {
            self.problems.push(Problem { rule, message });
        }
    }

    fn commit(&mut self, id: ObjectId) -> Result<Rc<CommitInfo>, String> {
        if let Some(c) = self.commits.get(&id) {
            return Ok(c.clone());
        }
        let node = self.engine.node(id)?;
        let info = Rc::new(CommitInfo::new(self.repo, &node));
        self.commits.insert(id, info.clone());
        Ok(info)
    }

    /// A commit's own approver rosters (client, provider), from its configuration and contacts.
    /// What a commit's rosters are read from: its configuration blob and contacts folder.
    fn roster_key(&mut self, commit: ObjectId) -> Result<SignersKey, String> {
        let node = self.engine.node(commit)?;
        Ok((self.engine.blob_at(node.tree, CONFIG_FILE)?, self.engine.folder_of(node.tree, Kind::Contact)?))
    }

    /// A commit's own rosters, read from `key` ([`Self::roster_key`]).
    fn own_roster(&mut self, commit: ObjectId, key: SignersKey) -> Result<Rc<[Vec<RosterKey>; 2]>, String> {
        if let Some(r) = self.own_rosters.get(&key) {
            return Ok(r.clone());
        }
        let model = self.load_kinds(commit, &[Kind::Contact])?;
        let rosters =
            Rc::new([crate::signoff::roster(&model, Side::Client), crate::signoff::roster(&model, Side::Provider)]);
        self.own_rosters.insert(key, rosters.clone());
        Ok(rosters)
    }

    /// The configuration of `commit` and every file of the given kinds, loaded.
    fn load_kinds(&mut self, commit: ObjectId, kinds: &[Kind]) -> Result<Model, String> {
        let node = self.engine.node(commit)?;
        let config = match self.engine.blob_at(node.tree, CONFIG_FILE)? {
            Some(blob) => self.engine.text(blob).map(String::into_bytes),
            None => None,
        };
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for kind in kinds {
            for (path, blob) in self.engine.listing(node.tree, *kind)?.iter() {
                if files.iter().any(|(p, _)| **p == **path) {
                    continue;
                }
                if let Some(text) = self.engine.text(*blob) {
                    files.push((path.to_string(), text.into_bytes()));
                }
            }
        }
        let mut model = crate::load::load(&MemorySource { config, files }).model;
        model.signoffs.clear();
        model.rosters.clear();
        Ok(model)
    }

    /// The roster sign-offs of a commit that verify on their own.
    fn roster_records(&mut self, commit: ObjectId) -> Result<Rc<Vec<ValidRoster>>, String> {
        let node = self.engine.node(commit)?;
        let key = self.engine.folder_of(node.tree, Kind::Roster)?;
        if let Some(r) = self.roster_records.get(&key) {
            return Ok(r.clone());
        }
        let mut model = Model::default();
        for (path, blob) in self.engine.listing(node.tree, Kind::Roster)?.iter() {
            let Some(text) = self.engine.text(*blob) else { continue };
            if !text.contains("roster") {
                continue;
            }
            let (m, _, _) = crate::load::load_file(path, &text, self.engine.kinds_for(path));
            model.rosters.extend(m.rosters);
        }
        let valid = Rc::new(crate::signoff::roster::verify_all(&model, None, &mut Vec::new()));
        self.roster_records.insert(key, valid.clone());
        Ok(valid)
    }

    /// The root of `start`'s first-parent history: the one commit whose rosters are trusted as
    /// they are. Every other commit without parents (a history of its own, merged in through a
    /// second parent) is a roster change from it.
    fn set_root(&mut self, start: ObjectId) -> Result<(), String> {
        let mut at = start;
        self.mainline.insert(at);
        while let Some(p) = self.engine.node(at)?.parents.first() {
            at = *p;
            self.mainline.insert(at);
        }
        self.root = Some(at);
        Ok(())
    }

    /// The rosters trusted at `commit`: those of the root of the first-parent history the walk
    /// starts from (for a party without approvers there, its first roster that lists one along
    /// that history), then, commit by commit along `commit`'s first-parent chain, a party's new
    /// roster only when a roster sign-off in that commit by an approver of the roster trusted
    /// before it signs it ([`crate::signoff::rotate`]). A change no such approver signed is
    /// reported once, and the roster before it stays trusted. A first-parent chain that ends in
    /// another root (an unrelated history merged in) starts from the rosters trusted at the root:
    /// its own root is a roster change like any other, and never a first roster.
    fn trusted(&mut self, commit: ObjectId) -> Result<Rc<Trusted>, String> {
        let mut chain = Vec::new();
        let mut base: Option<Rc<Trusted>> = None;
        let mut foreign = None;
        let mut at = commit;
        loop {
            if let Some(t) = self.trusted.get(&at) {
                base = Some(t.clone());
                break;
            }
            // Keys are read newest first, in the order the walk read the commits (packs store
            // older versions as deltas of newer ones).
            let key = self.roster_key(at)?;
            chain.push((at, key));
            match self.engine.node(at)?.parents.first() {
                Some(p) => at = *p,
                None => {
                    if let Some(root) = self.root.filter(|r| *r != at) {
                        let from = self.trusted(root)?;
                        base = Some(Rc::new(Trusted::new(from.keys.clone(), false)));
                        foreign = Some(at);
                    }
                    break;
                }
            }
        }
        for (c, key) in chain.into_iter().rev() {
            let own = self.own_roster(c, key)?;
            let next = match base.take() {
                None => Rc::new(Trusted::new((*own).clone(), true)),
                Some(prev) if prev.keys == *own => prev,
                Some(prev) => {
                    let valid = self.roster_records(c)?;
                    let mut keys = prev.keys.clone();
                    for side in [Side::Client, Side::Provider] {
                        let i = side_index(side);
                        if prev.keys[i].is_empty() && prev.bootstrap && self.mainline.contains(&c) {
                            // No approver yet: the party's first roster is its root.
                            keys[i] = own[i].clone();
                            continue;
                        }
                        let (k, approval) = crate::signoff::rotate(&prev.keys[i], &own[i], side, &valid, None);
                        if approval.is_none() && own[i] != prev.keys[i] {
                            self.unapproved_roster(c, side, &prev.keys[i], &own[i], foreign == Some(c));
                        }
                        keys[i] = k;
                    }
                    if keys == prev.keys {
                        prev
                    } else {
                        Rc::new(Trusted::new(keys, prev.bootstrap))
                    }
                }
            };
            self.trusted.insert(c, next.clone());
            base = Some(next);
        }
        Ok(base.expect("the chain has at least the commit itself"))
    }

    fn unapproved_roster(
        &mut self,
        commit: ObjectId,
        side: Side,
        before: &[RosterKey],
        now: &[RosterKey],
        foreign_root: bool,
    ) {
        let digest = crate::signoff::roster::digest(now);
        if !self.roster_reported.insert((side_index(side), digest)) {
            return;
        }
        let list = |keys: Vec<&RosterKey>| -> String {
            keys.iter().map(|k| format!("{} {}", k.contact, k.fingerprint)).collect::<Vec<_>>().join(", ")
        };
        let added = list(now.iter().filter(|k| !before.contains(k)).collect());
        let removed = list(before.iter().filter(|k| !now.contains(k)).collect());
        let mut what = Vec::new();
        if !added.is_empty() {
            what.push(format!("added or changed {added}"));
        }
        if !removed.is_empty() {
            what.push(format!("removed or changed {removed}"));
        }
        let mut who: Vec<&str> = before.iter().map(|k| k.contact.as_str()).collect();
        who.dedup();
        let who = if who.is_empty() { "none".to_string() } else { who.join(", ") };
        let message = if foreign_root {
            let root = self.root.map(|r| self.repo.short(r)).unwrap_or_default();
            format!(
                "{} at {}: commit {} starts a history of its own (it has no parent, and HEAD's first-parent history starts at {root}; it came in through a merge); its {party}'s approver roster differs from the one trusted from {root} ({}) and no approver of that roster ({who}) signed it (`contingent sign --roster {party}`), so it is not trusted: sign-offs made with keys the trusted roster does not list do not count in that history",
                self.git_path(self.engine.contacts_dir()),
                self.repo.short(commit),
                self.repo.short(commit),
                what.join("; "),
                party = side_word(side),
            )
        } else {
            format!(
                "{} at {}: the {party}'s approver roster changed ({}) and no approver of the roster trusted before it ({who}) signed the new roster (`contingent sign --roster {party}`); sign-offs made with keys the trusted roster does not list do not count from here on",
                self.git_path(self.engine.contacts_dir()),
                self.repo.short(commit),
                what.join("; "),
                party = side_word(side),
            )
        };
        self.problems.push(Problem { rule: &rules::SIG_ROSTER_CHANGED, message });
    }

    /// The context digest of plan `plan` (in blob `blob` at `path`) with the contacts, inventory
    /// and contracts of `commit`: what a version-2 sign-off must bind to hold there.
    fn context_at(
        &mut self,
        commit: ObjectId,
        plan: &str,
        blob: ObjectId,
        path: &str,
    ) -> Result<Option<String>, String> {
        let node = self.engine.node(commit)?;
        let key: ContextKey = (
            self.engine.blob_at(node.tree, CONFIG_FILE)?,
            self.engine.folder_of(node.tree, Kind::Contact)?,
            self.engine.folder_of(node.tree, Kind::System)?,
            self.engine.folder_of(node.tree, Kind::Contract)?,
        );
        let wanted = (key, blob, plan.to_string());
        if let Some(d) = self.contexts.get(&wanted) {
            return Ok(d.clone());
        }
        let model = match self.context_models.get(&key) {
            Some(m) => m,
            None => {
                let m = Rc::new(self.load_kinds(commit, &[Kind::Contact, Kind::System, Kind::Contract])?);
                self.context_models.insert(key, m.clone());
                m
            }
        };
        let digest = self.engine.text(blob).and_then(|text| {
            let (m, _, _) = crate::load::load_file(path, &text, &[Kind::Plan]);
            let p = m.plans.iter().find(|p| p.id.value == plan)?;
            Some(crate::signoff::context::digest(&crate::signoff::context::of_plan(&model, p)))
        });
        self.contexts.insert(wanted, digest.clone());
        Ok(digest)
    }

    fn git_path(&self, path: &str) -> String {
        git::join(self.engine.root(), path)
    }

    fn facts(&mut self, commit: ObjectId) -> Result<Rc<CommitFacts>, String> {
        let node = self.engine.node(commit)?;
        let signers = (self.engine.blob_at(node.tree, CONFIG_FILE)?, self.engine.folder_of(node.tree, Kind::Contact)?);
        let trusted = self.trusted(commit)?;
        let key = (
            signers.0,
            signers.1,
            self.engine.folder_of(node.tree, Kind::Signoff)?,
            self.engine.folder_of(node.tree, Kind::Contract)?,
            Rc::from(trusted.id.as_str()),
        );
        if let Some(f) = self.facts.get(&key) {
            return Ok(f);
        }
        let short = self.repo.short(commit);
        let mut facts = CommitFacts { signoffs: HashMap::new(), contracts: HashMap::new() };
        let signoff_files = self.engine.signoffs_at(node.tree)?;
        let with_records: Vec<(Rc<str>, ObjectId)> = signoff_files
            .iter()
            .filter(|(_, _, parsed)| !parsed.signoffs.is_empty())
            .map(|(path, blob, _)| (path.clone(), *blob))
            .collect();
        let verified = self.verified(commit, signers, &with_records)?;
        for (path, blob, parsed) in &signoff_files {
            if let Some(Content::NotUtf8 { at }) = parsed.failure() {
                let message = format!(
                    "{} at {short}: not valid UTF-8 at byte {at}; its sign-offs are not counted",
                    self.git_path(path)
                );
                self.problem(&rules::GIT_HISTORY_NOT_UTF8, message);
            }
            let valid = verified.get(blob);
            for s in &parsed.signoffs {
                let matching = || {
                    valid
                        .into_iter()
                        .flat_map(|v| v.iter())
                        .filter(|v| v.plan == s.plan && v.party == s.party && v.digest == s.digest)
                };
                let roster = &trusted.keys[side_index(s.party)];
                let state = match matching().filter(|v| crate::signoff::trusts(roster, v)).max_by_key(|v| v.date) {
                    Some(v) => RecordState::Valid { date: v.date, context: v.context.clone() },
                    None if matching().next().is_some() => RecordState::Untrusted,
                    None => RecordState::Invalid,
                };
                facts.signoffs.entry(s.plan.clone()).or_default().push((s.party, s.digest.clone(), state));
            }
        }
        for (path, _, parsed) in self.engine.contracts_at(node.tree)? {
            if let Some(Content::NotUtf8 { at }) = parsed.failure() {
                let message = format!(
                    "{} at {short}: not valid UTF-8 at byte {at}; its contracts are not read",
                    self.git_path(&path)
                );
                self.problem(&rules::GIT_HISTORY_NOT_UTF8, message);
            }
            for c in &parsed.contracts {
                facts.contracts.entry(c.id.clone()).or_insert_with(|| c.revisions.clone());
            }
        }
        let facts = Rc::new(facts);
        self.facts.insert(key, facts.clone());
        Ok(facts)
    }

    /// A version found at `found.commit`, with its sign-off state at commit `state_at` and the
    /// revision in effect on `date` from the contracts of `state_at`.
    fn version(
        &mut self,
        plan: &str,
        found: &Found,
        state_at: ObjectId,
        date: Option<Date>,
    ) -> Result<Version, String> {
        let commit = self.commit(found.commit)?;
        let path = self.git_path(&found.path);
        let content = match found.blob {
            Some(blob) => self.engine.parse(blob, &found.path).content(plan, true),
            None => None,
        }
        .unwrap_or_else(|| Content::Invalid { reason: "the file cannot be read".into() });
        match &content {
            Content::Valid { .. } => {}
            Content::NotUtf8 { at } => self.problem(
                &rules::GIT_HISTORY_NOT_UTF8,
                format!(
                    "{path} at {}: not valid UTF-8 at byte {at}; this version is listed without a digest",
                    commit.short
                ),
            ),
            Content::Invalid { reason } => self.problem(
                &rules::GIT_HISTORY_INVALID,
                format!(
                    "{path} at {}: plan `{plan}` is not valid ({reason}); this version is listed without a digest",
                    commit.short
                ),
            ),
        }
        let facts = self.facts(state_at)?;
        let signed = self.signed_at(plan, &content, found.blob.map(|b| (b, &*found.path)), state_at, found.commit)?;
        let Content::Valid { contract, .. } = &content else {
            return Ok(Version { commit, path, content, in_effect: None, signed, signed_until_replaced: None });
        };
        let on = match date {
            Some(d) => d,
            None => self.commit(state_at)?.date,
        };
        let in_effect = contract.as_ref().and_then(|(id, _)| {
            facts
                .contracts
                .get(id)
                .and_then(|revs| revs.iter().filter(|(_, eff)| *eff <= on).max_by_key(|(n, eff)| (*eff, *n)))
                .map(|(n, _)| *n)
        });
        Ok(Version { commit, path, content, in_effect, signed, signed_until_replaced: None })
    }

    /// Which parties had signed the digest of `content` for `plan` in `commit`: a valid record of
    /// the digest by a signer and key the roster trusted at `commit` trusts ([`Self::trusted`]),
    /// whose version-2 context, if any, is the plan's context at `commit` (the plan read from
    /// `at`, its blob and path, when known), and which is not older than a sign-off of other
    /// content by the same party in `commit` or in the commit before `introduced`, where this
    /// content became the plan's (a rollback).
    fn signed_at(
        &mut self,
        plan: &str,
        content: &Content,
        at: Option<(ObjectId, &str)>,
        commit: ObjectId,
        introduced: ObjectId,
    ) -> Result<Signed, String> {
        let mut signed = Signed::default();
        let Content::Valid { digest, .. } = content else {
            return Ok(signed);
        };
        let facts = self.facts(commit)?;
        let push = |list: &mut Vec<&'static str>, w: &'static str| {
            if !list.contains(&w) {
                list.push(w);
            }
        };
        // The newest other content each party signed, validly, here or just before `introduced`.
        let mut other: [Option<(Date, String)>; 2] = [None, None];
        let mut note_other = |side: Side, date: Date, d: &str| {
            let slot = &mut other[side_index(side)];
            if slot.as_ref().is_none_or(|(old, _)| date > *old) {
                *slot = Some((date, d.to_string()));
            }
        };
        let mut context_now: Option<Option<String>> = None;
        for (party, signed_digest, state) in facts.signoffs.get(plan).into_iter().flatten() {
            let word = side_word(*party);
            match state {
                RecordState::Valid { date, context } if signed_digest == digest => {
                    if let Some(bound) = context {
                        if context_now.is_none() {
                            context_now = Some(match at {
                                Some((blob, path)) => self.context_at(commit, plan, blob, path)?,
                                None => None,
                            });
                        }
                        if context_now.as_ref().and_then(Option::as_ref) != Some(bound) {
                            push(&mut signed.context_changed, word);
                            continue;
                        }
                    }
                    let slot = &mut signed.dates[side_index(*party)];
                    if slot.is_none_or(|d| *date > d) {
                        *slot = Some(*date);
                    }
                }
                RecordState::Valid { date, .. } => {
                    push(&mut signed.stale, word);
                    note_other(*party, *date, signed_digest);
                }
                RecordState::Untrusted if signed_digest == digest => push(&mut signed.untrusted, word),
                RecordState::Invalid if signed_digest == digest => push(&mut signed.unverified, word),
                _ => {}
            }
        }
        if let Some(parent) = self.engine.node(introduced)?.parents.first().copied() {
            let before = self.facts(parent)?;
            for (party, signed_digest, state) in before.signoffs.get(plan).into_iter().flatten() {
                if let RecordState::Valid { date, .. } = state {
                    if signed_digest != digest {
                        note_other(*party, *date, signed_digest);
                    }
                }
            }
        }
        for side in [Side::Client, Side::Provider] {
            let i = side_index(side);
            let (Some(mine), Some((later, their))) = (signed.dates[i], other[i].as_ref()) else { continue };
            if *later > mine {
                signed.dates[i] = None;
                push(&mut signed.rolled_back, side_word(side));
                let message = format!(
                    "plan `{plan}` at {}: the {}'s sign-off of this content is dated {mine}, but the {} signed other content ({}) on {later}; an older approval does not count again (a rollback)",
                    self.repo.short(commit),
                    side_word(side),
                    side_word(side),
                    crate::signoff::short_digest(their),
                );
                self.problem(&rules::SIG_ROLLBACK, message);
            }
        }
        signed.client = signed.dates[0].is_some();
        signed.provider = signed.dates[1].is_some();
        let has = |w: &&str, s: &Signed| *w == "client" && s.client || *w == "provider" && s.provider;
        let done = signed.clone();
        for list in [&mut signed.stale, &mut signed.unverified, &mut signed.untrusted, &mut signed.context_changed] {
            list.retain(|w| !has(w, &done));
        }
        Ok(signed)
    }
}

/// Sign-off files are parsed only when they mention a plan asked for (when few are asked for).
fn filter_for(plans: &[(String, String)]) -> Option<Vec<String>> {
    (plans.len() <= 16).then(|| plans.iter().map(|(id, _)| id.clone()).collect())
}

/// The versions of the given plans (all plans of HEAD when none are given), newest first.
pub fn history(repo: &Repo, start_dir: &str, wanted: &[String]) -> Result<History, String> {
    let (head, root) = start(repo, start_dir)?;
    let config = config_at(repo, git::commit_tree(repo.gix(), head)?, &root);
    let mut engine = Engine::new(repo.gix(), &root, &config);
    let (plans, missing) = locate(&mut engine, head, wanted)?;
    if !missing.is_empty() {
        return Err(unknown_plans(&mut engine, head, &missing, "HEAD")?);
    }
    engine.signoff_filter = filter_for(&plans);
    let found = engine.follow(head, &plans, false)?;
    let mut eval = Evaluator::new(repo, &mut engine);
    eval.set_root(head)?;
    let head_info = eval.commit(head)?;
    let mut out = Vec::new();
    for (plan, _) in &plans {
        let mut versions = Vec::new();
        // The commit before the next (newer) version: the last one this version was current in.
        let mut until = Some(head);
        for f in found.get(plan.as_str()).into_iter().flatten() {
            let mut v = eval.version(plan, f, f.commit, None)?;
            if let Some(at) = until {
                v.signed_until_replaced =
                    Some(eval.signed_at(plan, &v.content, f.blob.map(|b| (b, &*f.path)), at, f.commit)?);
            }
            until = eval.engine.node(f.commit)?.parents.first().copied();
            versions.push(v);
        }
        out.push(PlanHistory { plan: plan.clone(), versions });
    }
    let problems = std::mem::take(&mut eval.problems);
    Ok(History { head: head_info, plans: out, problems })
}

/// The version of each plan (all plans of that day when none are given) in force on `date`:
/// the state of the newest commit of HEAD's first-parent history dated on or before it.
///
/// Committer dates are claims. Where they go backwards (a commit dated earlier than one it builds
/// on), one of the two is wrong, and the commit that was current on `date` is one of the
/// candidates of two readings: trusting the earlier commits' dates (a commit dated before its
/// ancestor was made after it, at an unknown time) and trusting the later ones (a commit dated
/// after its descendant was made before it). When every candidate gives the same answer, it is
/// given with a note naming the dates; otherwise none is.
pub fn as_of(repo: &Repo, start_dir: &str, wanted: &[String], date: Date) -> Result<AsOf, String> {
    let (head, root) = start(repo, start_dir)?;
    let head_config = config_at(repo, git::commit_tree(repo.gix(), head)?, &root);
    // HEAD's first-parent history, oldest first, with committer dates
    let mut chain: Vec<(ObjectId, Date)> = Vec::new();
    {
        let mut scout = Engine::new(repo.gix(), &root, &head_config);
        let mut at = Some(head);
        while let Some(id) = at {
            let node = scout.node(id)?;
            chain.push((id, node.date()));
            at = node.parents.first().copied();
        }
    }
    chain.reverse();
    let dates: Vec<Date> = chain.iter().map(|(_, d)| *d).collect();
    let Some(newest) = dates.iter().rposition(|d| *d <= date) else {
        let (id, first) = chain[0];
        return Err(format!(
            "the history of HEAD starts on {first} ({}): no commit is dated on or before {date}",
            repo.short(id)
        ));
    };
    let candidates = candidates(&dates, date);
    let answer = |at: ObjectId| as_of_commit(repo, &root, head, &head_config, wanted, date, at);
    if candidates == [newest] {
        return answer(chain[newest].0);
    }
    // the inversion to name: the first commit, from the oldest candidate on, dated before a
    // commit it builds on
    let (lo, hi) = (candidates[0], candidates[candidates.len() - 1]);
    let end = (hi + 1).min(dates.len() - 1);
    let mut pair = (lo, hi);
    for y in lo + 1..=end {
        let (x, latest) =
            dates[..y].iter().enumerate().max_by_key(|(i, d)| (**d, std::cmp::Reverse(*i))).expect("y > 0");
        if *latest > dates[y] {
            pair = (x, y);
            break;
        }
    }
    let (x, y) = pair;
    let backwards = format!(
        "committer dates go backwards along HEAD's first-parent history: commit {} is dated {}, but commit {} it builds on is dated {}",
        repo.short(chain[y].0),
        dates[y],
        repo.short(chain[x].0),
        dates[x]
    );
    let refuse = |detail: String| {
        format!(
            "history --as-of {date} cannot be answered: {backwards}{detail}; which version was in force on {date} cannot be told from these dates, so none is reported rather than a possibly wrong one"
        )
    };
    const MAX_CANDIDATES: usize = 16;
    if candidates.len() > MAX_CANDIDATES {
        return Err(refuse(format!(" (and {} commits could have been the state of that day)", candidates.len())));
    }
    let mut answers = Vec::new();
    for &i in &candidates {
        answers.push((i, answer(chain[i].0)?));
    }
    let key = |a: &AsOf| -> Vec<(String, Option<Answer>)> {
        a.plans
            .iter()
            .map(|p| {
                let v = p.version.as_ref().map(|v| {
                    (
                        v.commit.id.clone(),
                        v.digest().map(str::to_string),
                        v.path.clone(),
                        v.signed.client,
                        v.signed.provider,
                        v.in_effect,
                    )
                });
                (p.plan.clone(), v)
            })
            .collect()
    };
    let first = key(&answers[0].1);
    if let Some((i, other)) = answers.iter().find(|(_, a)| key(a) != first) {
        // name the first plan whose answer differs
        let differs = first
            .iter()
            .zip(key(other))
            .find(|(a, b)| **a != *b)
            .map(|(a, b)| {
                let describe = |v: &Option<Answer>| match v {
                    None => "did not exist".to_string(),
                    Some((id, _, _, c, pr, _)) => format!(
                        "version {}{}",
                        &id[..7.min(id.len())],
                        if *c && *pr { ", signed by both" } else { ", not signed by both" }
                    ),
                };
                format!(
                    " (plan `{}`: {} as of commit {}, {} as of commit {})",
                    a.0,
                    describe(&a.1),
                    repo.short(chain[answers[0].0].0),
                    describe(&b.1),
                    repo.short(chain[*i].0)
                )
            })
            .unwrap_or_else(|| " (the plans in force differ between these commits)".to_string());
        return Err(refuse(differs));
    }
    let mut out = answers.into_iter().find(|(i, _)| *i == newest).map(|(_, a)| a).expect("the newest is a candidate");
    let shorts: Vec<String> = candidates.iter().map(|&i| repo.short(chain[i].0)).collect();
    out.notes.push(format!(
        "{backwards}: one of these dates is wrong, so the state of {date} could be commit {}; the answer is the same for each",
        shorts.join(", commit ")
    ));
    Ok(out)
}

/// What `history --as-of` says of one plan's version, for comparing the answers of candidate
/// commits: the version's commit, digest, the file then, signed by client and provider, the
/// revision in effect.
type Answer = (String, Option<String>, String, bool, bool, Option<u32>);

/// The positions of the commits (oldest first, by committer date) that may have been the newest
/// on `date`: under the reading that trusts earlier commits' dates (a commit dated before one it
/// builds on was made at an unknown time after it) and under the one that trusts later commits'
/// dates (a commit dated after one that builds on it was made at an unknown time before that).
/// One position when the dates go forward. Sorted.
fn candidates(dates: &[Date], date: Date) -> Vec<usize> {
    let n = dates.len();
    let mut out = std::collections::BTreeSet::new();
    // trusting the earlier dates: a commit's date holds when no earlier commit is dated later
    let mut latest: Option<Date> = None;
    let early: Vec<bool> = dates
        .iter()
        .map(|d| {
            let holds = latest.is_none_or(|l| *d >= l);
            latest = Some(latest.map_or(*d, |l| l.max(*d)));
            holds
        })
        .collect();
    // trusting the later dates: a commit's date holds when no later commit is dated earlier
    let mut earliest: Option<Date> = None;
    let mut late = vec![false; n];
    for i in (0..n).rev() {
        late[i] = earliest.is_none_or(|e| dates[i] <= e);
        earliest = Some(earliest.map_or(dates[i], |e| e.min(dates[i])));
    }
    for holds in [&early, &late] {
        // the newest commit whose date holds and is on or before `date`, and every commit after
        // it up to the next whose date holds (the ones in between have unknown times)
        match (0..n).rev().find(|&i| holds[i] && dates[i] <= date) {
            Some(p) => {
                out.insert(p);
                for (i, h) in holds.iter().enumerate().skip(p + 1) {
                    if *h {
                        break;
                    }
                    out.insert(i);
                }
            }
            None => {
                // under this reading nothing existed yet: the oldest commit stands for it, so
                // that the answers differ unless nothing changes
                out.insert(0);
            }
        }
    }
    out.into_iter().collect()
}

/// [`as_of`] for one commit of HEAD's first-parent history taken as the state of `date`.
fn as_of_commit(
    repo: &Repo,
    root: &str,
    head: ObjectId,
    head_config: &Config,
    wanted: &[String],
    date: Date,
    at: ObjectId,
) -> Result<AsOf, String> {
    let config = config_at(repo, git::commit_tree(repo.gix(), at)?, root);
    let mut engine = Engine::new(repo.gix(), root, &config);
    let (plans, missing) = locate(&mut engine, at, wanted)?;
    if !missing.is_empty() {
        // A plan created later is simply not in force yet; a name that never existed is a mistake.
        let mut head_engine = Engine::new(repo.gix(), root, head_config);
        let (_, unknown) = locate(&mut head_engine, head, &missing)?;
        if !unknown.is_empty() {
            let what = format!("HEAD nor in {}", repo.short(at));
            return Err(unknown_plans(&mut head_engine, head, &unknown, &what)?);
        }
    }
    engine.signoff_filter = filter_for(&plans);
    let found = engine.follow(at, &plans, true)?;
    let mut eval = Evaluator::new(repo, &mut engine);
    eval.set_root(at)?;
    let commit = eval.commit(at)?;
    let mut rows = Vec::new();
    for (plan, path) in &plans {
        let version = match found.get(plan.as_str()).and_then(|v| v.first()) {
            Some(f) => {
                let mut v = eval.version(plan, f, at, Some(date))?;
                // Where the plan was on that date (it may have been renamed since the version).
                v.path = eval.git_path(path);
                Some(v)
            }
            None => None,
        };
        rows.push(InForce { plan: plan.clone(), version });
    }
    for plan in missing {
        rows.push(InForce { plan, version: None });
    }
    if !wanted.is_empty() {
        rows.sort_by_key(|r| wanted.iter().position(|w| *w == r.plan));
    }
    let problems = std::mem::take(&mut eval.problems);
    Ok(AsOf { date, commit, plans: rows, problems, notes: Vec::new() })
}

/// Whether a kind of change (`docs/diff.md`) changes what an exercise of the plan proved: who is
/// called and when, what is done, for which systems and objectives. A new title, another
/// contract pin or a changed exercise concept does not.
pub fn changes_meaning(kind: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "escalation-",
        "unreachable-",
        "step-",
        "scenario-",
        "objective-",
        "forbidden-",
        "covers-",
        "backup-",
        "detect-",
    ];
    kind == "responsible"
        || kind == "no-forbidden-actions"
        || (PREFIXES.iter().any(|p| kind.starts_with(p)) && kind != "scenario-title")
}

/// The plan of one version, loaded from its blob (`None` when it is not a valid plan).
fn plan_at(repo: &Repo, version: &Version) -> Option<crate::model::Model> {
    version.digest()?;
    let commit = ObjectId::from_hex(version.commit.id.as_bytes()).ok()?;
    let tree = git::commit_tree(repo.gix(), commit).ok()?;
    let (mode, blob) = git::lookup(repo.gix(), tree, &version.path).ok()??;
    if !mode.is_blob() {
        return None;
    }
    let object = repo.gix().find_object(blob).ok()?;
    let text = std::str::from_utf8(&object.data).ok()?;
    let (model, _, _) = crate::load::load_file(&version.path, text, &[Kind::Plan]);
    Some(model)
}

/// The kinds of change of meaning between two versions of a plan, in the order found.
fn meaning_kinds(old: &crate::model::Model, new: &crate::model::Model, plan: &str) -> Vec<&'static str> {
    let only = |m: &crate::model::Model| crate::model::Model {
        plans: m.plans.iter().filter(|p| p.id.value == plan).cloned().collect(),
        ..Default::default()
    };
    let mut kinds: Vec<&'static str> = Vec::new();
    for c in crate::diff::classify::changes(&only(old), &only(new)) {
        if changes_meaning(c.kind) && !kinds.contains(&c.kind) {
            kinds.push(c.kind);
        }
    }
    kinds
}

/// For each plan of the checked model, its last change of meaning: against the newest committed
/// version when the checked content differs from it (dated `today`, no commit), else between
/// committed versions, newest first. Plans without such a change in their history are left out.
pub fn meaning_changes(
    repo: &Repo,
    start_dir: &str,
    checked: &crate::model::Model,
    today: Date,
) -> Result<HashMap<String, crate::model::MeaningChange>, String> {
    let wanted: Vec<String> = {
        let mut ids: Vec<String> = checked.plans.iter().map(|p| p.id.value.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let history = history(repo, start_dir, &[])?;
    let mut out = HashMap::new();
    for ph in history.plans.iter().filter(|ph| wanted.contains(&ph.plan)) {
        let current = checked.plans.iter().find(|p| p.id.value == ph.plan);
        let mut newer: Option<(Option<crate::model::Model>, Date, Option<String>)> = None;
        if let (Some(cur), Some(first)) = (current, ph.versions.first()) {
            if first.digest() != Some(cur.digest.as_str()) {
                let model = crate::model::Model { plans: vec![cur.clone()], ..Default::default() };
                newer = Some((Some(model), today, None));
            }
        }
        for v in &ph.versions {
            let this = plan_at(repo, v);
            if let (Some((Some(n), date, commit)), Some(o)) = (&newer, &this) {
                let kinds = meaning_kinds(o, n, &ph.plan);
                if !kinds.is_empty() {
                    out.insert(
                        ph.plan.clone(),
                        crate::model::MeaningChange { date: *date, commit: commit.clone(), kinds },
                    );
                    break;
                }
            }
            newer = Some((this, v.commit.date, Some(v.commit.short.clone())));
        }
    }
    Ok(out)
}
