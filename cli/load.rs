//! Loading a repository: read, parse, map to JSON, validate, build the model. Files are processed
//! in parallel; the result is deterministic (files in path order, diagnostics sorted).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::syntax::Node;
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::format::Kind;
use crate::model::{de, Config, Located, Model, PartyRole};
use crate::source::codes as file;
use crate::source::{normalise_dir, Files, Listed, Read, Source};
use crate::validate::codes as schema;
use crate::validate::{self, map::Kids, Mapper, SpanNode};

pub use crate::source::CONFIG_FILE;

pub mod codes;

/// The outcome of loading: every file, the model, and what was found on the way.
pub struct Loaded {
    pub files: Files,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Ids of objects that exist but failed validation, per kind: references to them are not
    /// reported again. An empty id stands for a file that could hold objects of the kind but
    /// could not be read or parsed: any id of the kind may be defined there.
    pub broken: HashSet<(Kind, String)>,
}

#[derive(Clone)]
enum Object {
    Contact(Located<crate::model::Contact>),
    System(Box<Located<crate::model::System>>),
    Interface(Box<Located<crate::model::Interface>>),
    Contract(Located<crate::model::Contract>),
    Plan(Box<Located<crate::model::Plan>>),
    Exercise(Located<crate::model::ExerciseRecord>),
    Signoff(Located<crate::model::Signoff>),
    Roster(Located<crate::model::RosterSignoff>),
    /// An object that failed validation, with the parts in error left out.
    Salvaged(Box<Object>),
    /// The JSON mapping of a contact, system, interface or contract as compact text, for the
    /// context a sign-off binds (`signoff::context`).
    Json(Kind, String, crate::model::Kept),
}

struct FileOut {
    text: String,
    objects: Vec<Object>,
    broken: Vec<(Kind, String)>,
    diags: Vec<Diagnostic>,
}

/// Decodes a file's bytes: UTF-8, with a leading byte-order mark allowed (KDL v2 allows it).
/// `Err(Some(text))` when the text can be shown but not checked.
fn decode(file: FileId, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Result<String, Option<String>> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // Point at the replacement character that stands for the first invalid byte.
            let shown = String::from_utf8_lossy(&bytes[..at]).len();
            diags.push(
                Diagnostic::new(&file::FILE_NOT_UTF8, format!("invalid UTF-8 at byte {at}: the file is not checked"))
                    .at(file, Span::new(shown, shown + 3))
                    .label("not UTF-8")
                    .help("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\"); Latin-1 and UTF-16 are not accepted"),
            );
            // Keep the lossy text so the snippet can be shown; the file is not parsed.
            Err(Some(text))
        }
    }
}

fn read_text(
    source: &dyn Source,
    path: &str,
    file: FileId,
    limit: u64,
    diags: &mut Vec<Diagnostic>,
) -> Result<String, Option<String>> {
    match source.read(path, limit) {
        Read::Bytes(b) => decode(file, b, diags),
        Read::TooLarge(size) => {
            diags.push(
                Diagnostic::new(
                    &file::FILE_TOO_LARGE,
                    format!("file is {size} bytes, more than the limit of {limit} bytes; it is not read"),
                )
                .in_file(file)
                .help("split the file, or raise `limits max-file-size=...` in contingent.kdl"),
            );
            Err(None)
        }
        Read::NotFound => Err(None),
        Read::Outside(target) => {
            diags.push(
                Diagnostic::new(
                    &file::FILE_SYMLINK_OUTSIDE,
                    format!("{path} is a symbolic link to {target}, outside the repository; not followed"),
                )
                .in_file(file)
                .help("copy the file into the repository, or remove the link"),
            );
            Err(None)
        }
        Read::Failed(e) => {
            diags.push(Diagnostic::new(&file::FILE_UNREADABLE, format!("cannot read {path}: {e}")).in_file(file));
            Err(None)
        }
    }
}

/// "plan `payroll`", for messages about a top-level node.
fn what(kind_word: &str, node: &Node) -> String {
    match node.entries.first().filter(|e| e.name.is_none()).map(|e| &e.value) {
        Some(crate::syntax::Value::String(id)) => format!("{kind_word} `{id}`"),
        _ => kind_word.to_string(),
    }
}

fn has_errors(diags: &[Diagnostic], from: usize) -> bool {
    diags[from..].iter().any(|d| d.severity == crate::diagnostic::Severity::Error)
}

fn process_file(
    file: FileId,
    path: &str,
    allowed: &[Kind],
    folder: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
    mut exported: Option<&mut Vec<Exported>>,
) -> (Vec<Object>, Vec<(Kind, String)>) {
    let mut objects = Vec::new();
    let mut broken = Vec::new();
    let Some((doc, repaired)) = crate::syntax::parse_salvaging(file, text, diags) else {
        broken.extend(allowed.iter().map(|&k| (k, String::new())));
        broken.extend(scan_ids(text, allowed));
        return (objects, broken);
    };
    if doc.is_empty() {
        diags.push(
            Diagnostic::new(&file::FILE_EMPTY, format!("{path} holds no nodes"))
                .in_file(file)
                .help("delete the file, or add its content"),
        );
        return (objects, broken);
    }
    for node in &doc {
        let name = node.name.value.as_str();
        let name_span = node.name.span;
        let Some(kind) = Kind::from_node_name(name).filter(|k| *k != Kind::Config) else {
            let names: Vec<&str> = allowed.iter().filter_map(|k| k.node_name()).collect();
            let suggestion = crate::diagnostic::did_you_mean(name, names.iter().copied());
            diags.push(
                Diagnostic::new(&schema::SCH_UNKNOWN, format!("unknown node `{name}` at the top of {path}"))
                    .at(file, name_span)
                    .label("not a kind of object")
                    .help(match suggestion {
                        Some(s) => format!("did you mean `{s}`? files in {folder}/ hold: {}", names.join(", ")),
                        None => format!("files in {folder}/ hold: {}", names.join(", ")),
                    }),
            );
            continue;
        };
        if !allowed.contains(&kind) {
            let names: Vec<&str> = allowed.iter().filter_map(|k| k.node_name()).collect();
            diags.push(
                Diagnostic::new(&schema::SCH_MISPLACED, format!("{} {} does not belong in {folder}/", kind.article(), name))
                    .at(file, name_span)
                    .label("misplaced")
                    .help(format!("files in {folder}/ hold: {}; move this node to the folder for {name} files set in contingent.kdl `paths`", names.join(", "))),
            );
            continue;
        }
        let label = what(kind.name(), node);
        let start = diags.len();
        let compiled = validate::compiled(kind);
        let validate::shape::Shape::Object(shape) = &compiled.shape else { unreachable!("kinds are objects") };
        let (mut json, mut spans) = Mapper { file, src: text, diags }.object_node(node, shape);
        let errors = validate::validate(kind, &json, &spans, file, &label, text, diags);
        let id = json.get("id").or_else(|| json.get("plan")).and_then(Value::as_str).map(str::to_string);
        let head = spans.key;
        // An object the parser read past a syntax error in has errors too: what it holds is what
        // its author evidently meant, but not what is written.
        let misread = repaired.iter().any(|r| r.start < node.span.end && r.end > node.span.start);
        if has_errors(diags, start) || misread {
            if let Some(id) = &id {
                broken.push((kind, id.clone()));
            }
            // What is left without the parts in error still exists: its id, its other
            // references, and for an exercise record the fact that it was held.
            let salvageable = !matches!(kind, Kind::Signoff | Kind::Roster);
            if salvageable && validate::salvage(kind, &mut json, &mut spans, &errors) {
                if let Ok(mut o) = build(kind, file, head, &json, &spans) {
                    if let Object::Plan(p) = &mut o {
                        p.value.cut = errors
                            .iter()
                            .filter_map(|e| e.trim_start_matches('/').split('/').next())
                            .map(str::to_string)
                            .collect();
                    }
                    objects.push(Object::Salvaged(Box::new(o)));
                }
            }
            continue;
        }
        let built = build(kind, file, head, &json, &spans);
        // `export` takes every object that passes its schema, from files read without repairs
        // (what `syntax::parse` accepts), with the digest the model computed.
        if let Some(out) = exported.as_deref_mut().filter(|_| repaired.is_empty()) {
            let digest = match &built {
                Ok(Object::Plan(p)) => Some(p.value.digest.clone()),
                _ if kind == Kind::Plan => Some(crate::signoff::digest::plan_digest(&json)),
                _ => None,
            };
            if let Err(e) = &built {
                diags.push(Diagnostic::new(&schema::SCH_VALUE, format!("{label}: {e}")).at(file, head));
            }
            out.push(Exported { path: path.to_string(), kind, id, digest, json });
            continue;
        }
        match built {
            Ok(o) => {
                objects.push(o);
                if matches!(kind, Kind::Contact | Kind::System | Kind::Interface | Kind::Contract) {
                    if let Some(id) = id {
                        objects.push(Object::Json(kind, id, crate::model::Kept::new(kind, &json)));
                    }
                }
            }
            Err(e) => {
                // The schema accepted what the model rejects: report, never panic.
                diags.push(Diagnostic::new(&schema::SCH_VALUE, format!("{label}: {e}")).at(file, head));
                if let Some(id) = id {
                    broken.push((kind, id));
                }
            }
        }
    }
    (objects, broken)
}

/// The typed object of a validated mapping.
fn build(kind: Kind, file: FileId, head: Span, json: &Value, spans: &SpanNode) -> Result<Object, serde_json::Error> {
    Ok(match kind {
        Kind::Contact => Object::Contact(Located { file, head, value: de::from_json(json, spans)? }),
        Kind::System => Object::System(Box::new(Located { file, head, value: de::from_json(json, spans)? })),
        Kind::Interface => Object::Interface(Box::new(Located { file, head, value: de::from_json(json, spans)? })),
        Kind::Contract => Object::Contract(Located { file, head, value: de::from_json(json, spans)? }),
        Kind::Plan => {
            let mut plan: crate::model::Plan = de::from_json(json, spans)?;
            plan.digest = crate::signoff::digest::plan_digest(json);
            Object::Plan(Box::new(Located { file, head, value: plan }))
        }
        Kind::Exercise => Object::Exercise(Located { file, head, value: de::from_json(json, spans)? }),
        Kind::Signoff => Object::Signoff(Located { file, head, value: de::from_json(json, spans)? }),
        Kind::Roster => Object::Roster(Located { file, head, value: de::from_json(json, spans)? }),
        Kind::Config => unreachable!("the configuration is loaded on its own"),
    })
}

/// The ids a file that does not parse defines, found leniently: a line starting (without
/// indentation) with a kind's node name and an id (`plan labor {`, `contact "anna.schmidt"`).
/// References to them are then not reported as missing.
pub fn scan_ids(text: &str, allowed: &[Kind]) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.splitn(3, [' ', '\t']);
        let (Some(name), Some(id)) = (words.next(), words.next()) else { continue };
        let Some(kind) = Kind::from_node_name(name).filter(|k| allowed.contains(k)) else { continue };
        let id = id.trim_end_matches('{').trim_matches('"');
        let valid = id.chars().next().is_some_and(char::is_alphabetic)
            && id.len() <= 64
            && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid {
            out.push((kind, id.to_string()));
        }
    }
    out
}

/// Puts a loaded object into the model.
fn add(model: &mut Model, o: Object) {
    match o {
        Object::Contact(x) => model.contacts.push(x),
        Object::System(x) => model.systems.push(*x),
        Object::Interface(x) => model.interfaces.push(*x),
        Object::Contract(x) => model.contracts.push(x),
        Object::Plan(x) => model.plans.push(*x),
        Object::Exercise(x) => model.exercises.push(x),
        Object::Signoff(x) => model.signoffs.push(x),
        Object::Roster(x) => model.rosters.push(x),
        Object::Salvaged(x) => add(model.salvaged.get_or_insert_with(Box::default), *x),
        Object::Json(kind, id, json) => model.json.insert(kind, id, json),
    }
}

/// Reads only the configuration, for commands that need its settings before a full check.
pub fn read_config(source: &dyn Source) -> Option<Config> {
    load_config(source, &mut Files::default(), &mut Vec::new()).map(|c| c.value)
}

/// Reads the configuration. A broken configuration is reported and defaults are used, so the
/// rest of the repository is still checked.
fn load_config(source: &dyn Source, files: &mut Files, diags: &mut Vec<Diagnostic>) -> Option<Located<Config>> {
    let file = files.add(CONFIG_FILE.to_string(), String::new());
    let text = match read_text(source, CONFIG_FILE, file, 1 << 20, diags) {
        Ok(t) => t,
        Err(shown) => {
            files.set_text(file, shown.unwrap_or_default());
            return None;
        }
    };
    files.set_text(file, text);
    let text = &files.get(file).text;
    let doc = crate::syntax::parse(file, text, diags)?;
    let compiled = validate::compiled(Kind::Config);
    let validate::shape::Shape::Object(shape) = &compiled.shape else { unreachable!("config is an object") };
    let mut obj = Map::new();
    let mut spans = Vec::new();
    let start = diags.len();
    Mapper { file, src: text, diags }.children(&doc, shape, "contingent.kdl", &mut obj, &mut spans);
    let json = Value::Object(obj);
    let spans = SpanNode { span: Span::new(0, text.len()), key: Span::new(0, 0), kids: Kids::Object(spans) };
    let _ = validate::validate(Kind::Config, &json, &spans, file, "contingent.kdl", text, diags);
    if has_errors(diags, start) {
        return None;
    }
    match de::from_json::<Config>(&json, &spans) {
        Ok(mut value) => {
            for key in ["policy", "rule", "waiver"] {
                if let Some(v) = json.get(key) {
                    value.settings.insert(key.to_string(), v.clone());
                }
            }
            Some(Located { file, head: Span::default(), value })
        }
        Err(e) => {
            diags.push(Diagnostic::new(&schema::SCH_VALUE, format!("contingent.kdl: {e}")).in_file(file));
            None
        }
    }
}

fn check_parties(config: &Located<Config>, diags: &mut Vec<Diagnostic>) {
    for role in [PartyRole::Client, PartyRole::Provider] {
        let parties: Vec<_> = config.party.iter().filter(|p| *p.role == role).collect();
        let word = if role == PartyRole::Client { "client" } else { "provider" };
        if parties.is_empty() {
            diags.push(
                Diagnostic::new(&codes::CFG_PARTIES, format!("no party has role={word}"))
                    .in_file(config.file)
                    .help(format!("add `party <id> role={word} name=\"...\"` to contingent.kdl")),
            );
        }
        for extra in parties.iter().skip(1) {
            diags.push(
                Diagnostic::new(&codes::CFG_PARTIES, format!("more than one party has role={word}"))
                    .at(config.file, extra.role.span)
                    .with_label(config.file, parties[0].role.span, format!("the {word} is already `{}`", parties[0].id.value))
                    .help("a plan repository covers one client and one provider; use role=sub-provider or role=carrier for others"),
            );
        }
    }
}

/// Whether a configured folder names a place outside the repository (absolute, or above it).
fn outside_repository(dir: &str) -> bool {
    if dir.starts_with('/') || dir.starts_with('\\') {
        return true;
    }
    let mut depth = 0i32;
    for part in dir.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Reports `paths` folders outside the repository (not read) and configured folders that hold
/// no `.kdl` file (or do not exist).
fn check_paths(source: &dyn Source, files: &Files, config: &Located<Config>, diags: &mut Vec<Diagnostic>) {
    let p = &config.paths;
    let defaults = crate::model::Paths::default();
    let text = &files.get(config.file).text;
    for ((name, dir), default) in ["contacts", "inventory", "contracts", "plans", "exercises", "signoffs"]
        .into_iter()
        .zip(p.all())
        .zip(defaults.all())
    {
        let key = format!("{name}=");
        let span = text.find(&key).map_or(Span::default(), |at| Span::new(at, at + key.len() + dir.len() + 2));
        if outside_repository(dir) {
            diags.push(
                Diagnostic::new(
                    &codes::CFG_PATHS_OUTSIDE,
                    format!("`paths {name}=\"{dir}\"` names a folder outside the repository; it is not read"),
                )
                .at(config.file, span)
                .label("outside the repository")
                .help(format!(
                    "name a folder inside the repository, relative to contingent.kdl (the default is \"{default}\")"
                )),
            );
        } else if dir != default && source.list(dir).is_empty() {
            diags.push(
                Diagnostic::new(
                    &codes::CFG_PATHS_EMPTY,
                    format!("`paths {name}=\"{dir}\"`: the folder does not exist or holds no .kdl file"),
                )
                .at(config.file, span)
                .label("no files here")
                .help("correct the folder name, or add the files; until then, nothing of this kind is checked"),
            );
        }
    }
}

/// Runs `f` on every job on all cores; results come back in job order.
pub fn parallel<T: Sync, R: Send>(jobs: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len().max(1));
    let mut outs: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(job) = jobs.get(i) else { break };
                            done.push((i, f(job)));
                        }
                        done
                    })
                    .expect("a worker thread can be started")
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("workers do not panic")).collect()
    });
    outs.sort_by_key(|(i, _)| *i);
    outs.into_iter().map(|(_, r)| r).collect()
}

/// Files of the repository by path, each with the configured folder it belongs to and the kinds
/// that folder holds; and the symbolic links that point outside (path, target).
/// The files to read with their folder and kinds; links out of the repository and entries that
/// cannot be checked, each with the kinds its folder holds (what may be missing because of it).
type Listing =
    (BTreeMap<String, (String, Vec<Kind>)>, Vec<(String, String, Vec<Kind>)>, Vec<(String, String, Vec<Kind>)>);

fn list_files(source: &dyn Source, cfg: &Config) -> Listing {
    let p = &cfg.paths;
    let mut folders: BTreeMap<String, Vec<Kind>> = BTreeMap::new();
    for (dir, kinds) in p.with_kinds() {
        if outside_repository(dir) {
            continue; // reported by `check_paths`
        }
        folders.entry(normalise_dir(dir)).or_default().extend_from_slice(kinds);
    }
    // A file belongs to the deepest configured folder that contains it.
    let mut listed: BTreeMap<String, (String, Vec<Kind>)> = BTreeMap::new();
    let mut outside = Vec::new();
    let mut skipped = Vec::new();
    for (dir, kinds) in &folders {
        for entry in source.list(dir) {
            match entry {
                Listed::File(path) if path == CONFIG_FILE => {}
                Listed::File(path) => {
                    let better = listed.get(&path).is_none_or(|(d, _)| d.len() < dir.len() || d == ".");
                    if better {
                        listed.insert(path, (dir.clone(), kinds.clone()));
                    }
                }
                Listed::SymlinkOutside { path, target } => outside.push((path, target, kinds.clone())),
                Listed::Skipped { path, why } => skipped.push((path, why, kinds.clone())),
            }
        }
    }
    (listed, outside, skipped)
}

/// The baseline for benchmarks: reads the configuration, lists, reads and parses every file like
/// [`load`], and does nothing else. Returns the number of files and of top-level nodes.
pub fn read_and_parse_only(source: &dyn Source) -> (usize, usize) {
    let mut files = Files::default();
    let config = load_config(source, &mut files, &mut Vec::new()).map(|c| c.value).unwrap_or_default();
    let paths: Vec<String> = list_files(source, &config).0.into_keys().collect();
    let limit = config.limits.max_file_size;
    let nodes = parallel(&paths, |path| {
        let mut diags = Vec::new();
        match read_text(source, path, FileId(0), limit, &mut diags) {
            Ok(text) => crate::syntax::parse(FileId(0), &text, &mut diags).map_or(0, |d| d.len()),
            Err(_) => 0,
        }
    });
    (paths.len(), nodes.iter().sum())
}

/// Loads and checks the files of a repository (schema and syntax; cross-references follow in
/// [`crate::rules::xref`]).
pub fn load(source: &dyn Source) -> Loaded {
    Live::new(source).into_loaded()
}

/// [`load`], taking over what an earlier load of another version of the repository found in the
/// files that are the same in both (`reuse`), or recording it for the next load.
pub fn load_reusing(source: &dyn Source, reuse: &Reuse) -> Loaded {
    let live = Live::load(source, Some(reuse));
    reuse.recording.store(false, Ordering::Relaxed);
    live.into_loaded()
}

/// What loading each file gave, kept from one load of a repository for a load of another version
/// of it (`diff` and `check --changed-since` load two commits, or a commit and the work tree, in
/// which nearly every file is the same): the first load records every file it reads; a later one
/// takes over the objects, findings and broken ids of a file at the same path, in a folder of the
/// same kinds, with the same text, instead of parsing, mapping, validating and building it again
/// (the loader's steps are a function of those and the file's id, which is set to the new one).
/// Each recorded file is taken over once.
pub struct Reuse {
    recording: std::sync::atomic::AtomicBool,
    files: std::sync::Mutex<std::collections::HashMap<String, Recorded>>,
}

struct Recorded {
    dir: String,
    kinds: Vec<Kind>,
    text: String,
    file: FileId,
    objects: Vec<Object>,
    broken: Vec<(Kind, String)>,
    diags: Vec<Diagnostic>,
}

impl Default for Reuse {
    fn default() -> Reuse {
        Reuse { recording: std::sync::atomic::AtomicBool::new(true), files: Default::default() }
    }
}

impl Reuse {
    fn record(&self, path: &str, dir: &str, kinds: &[Kind], text: &str, file: FileId, out: &FileOut) {
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        let recorded = Recorded {
            dir: dir.to_string(),
            kinds: kinds.to_vec(),
            text: text.to_string(),
            file,
            objects: out.objects.clone(),
            broken: out.broken.clone(),
            diags: out.diags.clone(),
        };
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_string(), recorded);
        }
    }

    /// What the file gave in the recorded load, in file `file`, if it is the same file.
    fn take(&self, path: &str, dir: &str, kinds: &[Kind], text: &str, file: FileId) -> Option<FileOut> {
        let mut r = {
            let mut files = self.files.lock().ok()?;
            let same = files.get(path).is_some_and(|r| r.dir == dir && r.kinds == kinds && r.text == text);
            if !same {
                return None;
            }
            files.remove(path)?
        };
        for o in &mut r.objects {
            refile(o, file);
        }
        for d in &mut r.diags {
            if let Some(l) = d.location.as_mut().filter(|l| l.file == r.file) {
                l.file = file;
            }
            for l in d.labels.iter_mut().filter(|l| l.location.file == r.file) {
                l.location.file = file;
            }
        }
        Some(FileOut { text: String::new(), objects: r.objects, broken: r.broken, diags: r.diags })
    }
}

/// Moves an object to another file id.
fn refile(o: &mut Object, file: FileId) {
    match o {
        Object::Contact(x) => x.file = file,
        Object::System(x) => x.file = file,
        Object::Interface(x) => x.file = file,
        Object::Contract(x) => x.file = file,
        Object::Plan(x) => x.file = file,
        Object::Exercise(x) => x.file = file,
        Object::Signoff(x) => x.file = file,
        Object::Roster(x) => x.file = file,
        Object::Salvaged(x) => refile(x, file),
        Object::Json(..) => {}
    }
}

/// What one listed file contributed to a load, kept so that the file can be loaded again alone.
struct PerFile {
    dir: String,
    kinds: Vec<Kind>,
    diags: Vec<Diagnostic>,
    broken: Vec<(Kind, String)>,
}

/// A loaded repository that takes a new text for one file without loading the others again:
/// the language server's model, kept up to date keystroke by keystroke. [`load`] is
/// `Live::new(source).into_loaded()`.
pub struct Live {
    pub files: Files,
    pub model: Model,
    /// Findings about the repository as a whole (configuration, folders, skipped entries).
    global: Vec<Diagnostic>,
    /// Kinds whose content is unknown because an entry was not read.
    unread: HashSet<(Kind, String)>,
    /// By file id: the listed files' own contributions (`None` for the configuration and
    /// entries that were not read).
    per_file: Vec<Option<PerFile>>,
    /// Ids whose objects failed validation, from `unread` and every file (kept in step).
    pub broken: HashSet<(Kind, String)>,
    /// The listed files by path.
    by_path: std::collections::HashMap<String, FileId>,
}

/// What is known before the listed files are read: the configuration (its file read and
/// checked), the findings about the repository as a whole, what could not be read, and the files
/// to read (path, folder, kinds, id).
struct Prepared {
    files: Files,
    diagnostics: Vec<Diagnostic>,
    config: Option<Located<Config>>,
    limit: u64,
    unread: HashSet<(Kind, String)>,
    jobs: Vec<(String, String, Vec<Kind>, FileId)>,
}

impl Prepared {
    fn new(source: &dyn Source) -> Prepared {
        let mut files = Files::default();
        let mut diagnostics = Vec::new();
        let config = load_config(source, &mut files, &mut diagnostics);
        if let Some(c) = &config {
            check_parties(c, &mut diagnostics);
            check_paths(source, &files, c, &mut diagnostics);
        }
        let defaults = Config::default();
        let cfg = config.as_ref().map(|c| &c.value).unwrap_or(&defaults);
        let limit = cfg.limits.max_file_size;

        let (listed, mut outside, mut skipped) = list_files(source, cfg);
        outside.sort();
        outside.dedup();
        skipped.sort();
        skipped.dedup();
        // What an entry that is not read could hold may be missing: references to it are not judged.
        let mut unread: HashSet<(Kind, String)> = HashSet::new();
        for (_, _, kinds) in skipped.iter().chain(&outside) {
            unread.extend(kinds.iter().map(|&k| (k, String::new())));
        }
        for (path, why, _) in skipped {
            let file = files.add(path.clone(), String::new());
            diagnostics.push(
                Diagnostic::new(&file::FILE_SKIPPED, format!("{path} is not checked: {why}"))
                    .in_file(file)
                    .help("a plan folder holds regular `.kdl` files and folders of them; replace or remove this entry"),
            );
        }
        for (path, target, _) in outside {
            let file = files.add(path.clone(), String::new());
            diagnostics.push(
                Diagnostic::new(
                    &file::FILE_SYMLINK_OUTSIDE,
                    format!("{path} is a symbolic link to {target}, outside the repository; not followed"),
                )
                .in_file(file)
                .help("copy the file into the repository, or remove the link"),
            );
        }

        let jobs: Vec<(String, String, Vec<Kind>, FileId)> = listed
            .into_iter()
            .map(|(path, (dir, kinds))| {
                let id = files.add(path.clone(), String::new());
                (path, dir, kinds, id)
            })
            .collect();
        Prepared { files, diagnostics, config, limit, unread, jobs }
    }
}

impl Live {
    pub fn new(source: &dyn Source) -> Live {
        Live::load(source, None)
    }

    fn load(source: &dyn Source, reuse: Option<&Reuse>) -> Live {
        let Prepared { mut files, diagnostics, config, limit, unread, jobs } = Prepared::new(source);
        let outs = parallel(&jobs, |(path, dir, kinds, file)| {
            let mut diags = Vec::new();
            match read_text(source, path, *file, limit, &mut diags) {
                Ok(text) => {
                    if let Some(out) = reuse.and_then(|r| r.take(path, dir, kinds, &text, *file)) {
                        return FileOut { text, ..out };
                    }
                    let (objects, broken) = process_file(*file, path, kinds, dir, &text, &mut diags, None);
                    let out = FileOut { text: String::new(), objects, broken, diags };
                    if let Some(r) = reuse {
                        r.record(path, dir, kinds, &text, *file, &out);
                    }
                    FileOut { text, ..out }
                }
                Err(shown) => FileOut {
                    text: shown.unwrap_or_default(),
                    objects: Vec::new(),
                    broken: kinds.iter().map(|&k| (k, String::new())).collect(),
                    diags,
                },
            }
        });

        let mut model = Model { config, ..Model::default() };
        let mut broken = unread.clone();
        let mut per_file: Vec<Option<PerFile>> = (0..files.len()).map(|_| None).collect();
        for ((_, dir, kinds, file), out) in jobs.into_iter().zip(outs) {
            if !out.text.is_empty() {
                files.set_text(file, out.text);
            }
            broken.extend(out.broken.iter().cloned());
            for o in out.objects {
                add(&mut model, o);
            }
            per_file[file.0 as usize] = Some(PerFile { dir, kinds, diags: out.diags, broken: out.broken });
        }
        let by_path = (0..files.len())
            .map(|i| FileId(i as u32))
            .filter(|f| per_file[f.0 as usize].is_some())
            .map(|f| (files.get(f).path.clone(), f))
            .collect();
        Live { files, model, global: diagnostics, unread, per_file, broken, by_path }
    }

    /// The file a repository-relative path names, if it was listed and read as a plan file.
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// Loads one listed file again from `text`: its objects, findings and broken ids replace the
    /// old ones. `false` when the path is not a listed file (the configuration, a new file, an
    /// entry that was skipped): then only a new [`Live::new`] is right.
    pub fn update(&mut self, path: &str, text: String) -> bool {
        let Some(file) = self.file_id(path) else { return false };
        let limit =
            self.model.config.as_ref().map_or(Config::default().limits.max_file_size, |c| c.limits.max_file_size);
        let Some(pf) = self.per_file[file.0 as usize].as_mut() else { return false };
        let mut diags = Vec::new();
        let (objects, broken) = if text.len() as u64 > limit {
            diags.push(
                Diagnostic::new(
                    &file::FILE_TOO_LARGE,
                    format!("file is {} bytes, more than the limit of {limit} bytes; it is not read", text.len()),
                )
                .in_file(file)
                .help("split the file, or raise `limits max-file-size=...` in contingent.kdl"),
            );
            (Vec::new(), pf.kinds.iter().map(|&k| (k, String::new())).collect())
        } else {
            process_file(file, path, &pf.kinds, &pf.dir, &text, &mut diags, None)
        };
        remove_file(&mut self.model, file);
        for o in objects {
            add(&mut self.model, o);
        }
        sort_model(&mut self.model);
        pf.diags = diags;
        pf.broken = broken;
        self.files.set_text(file, text);
        self.broken = self.unread.clone();
        for pf in self.per_file.iter().flatten() {
            self.broken.extend(pf.broken.iter().cloned());
        }
        true
    }

    /// The loader's findings: the repository's, then each file's in file order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.global.clone();
        for pf in self.per_file.iter().flatten() {
            out.extend(pf.diags.iter().cloned());
        }
        out
    }

    /// The loader's findings of some files.
    pub fn diagnostics_of(&self, files: &[FileId]) -> Vec<Diagnostic> {
        files
            .iter()
            .filter_map(|f| self.per_file.get(f.0 as usize).and_then(Option::as_ref))
            .flat_map(|pf| pf.diags.iter().cloned())
            .collect()
    }

    /// The loader's findings about the repository as a whole.
    pub fn global_diagnostics(&self) -> &[Diagnostic] {
        &self.global
    }

    pub fn into_loaded(self) -> Loaded {
        let mut diagnostics = self.global;
        for pf in self.per_file.into_iter().flatten() {
            diagnostics.extend(pf.diags);
        }
        Loaded { files: self.files, model: self.model, diagnostics, broken: self.broken }
    }
}

/// Removes every object a file defined from a model (and its salvaged part).
fn remove_file(model: &mut Model, file: FileId) {
    let mut gone: Vec<(Kind, String)> = Vec::new();
    gone.extend(model.contacts.iter().filter(|o| o.file == file).map(|o| (Kind::Contact, o.id.value.clone())));
    gone.extend(model.systems.iter().filter(|o| o.file == file).map(|o| (Kind::System, o.id.value.clone())));
    gone.extend(model.interfaces.iter().filter(|o| o.file == file).map(|o| (Kind::Interface, o.id.value.clone())));
    gone.extend(model.contracts.iter().filter(|o| o.file == file).map(|o| (Kind::Contract, o.id.value.clone())));
    for (kind, id) in gone {
        model.json.remove(kind, &id);
    }
    let had_contacts = model.contacts.iter().any(|o| o.file == file);
    model.contacts.retain(|o| o.file != file);
    model.systems.retain(|o| o.file != file);
    model.interfaces.retain(|o| o.file != file);
    model.contracts.retain(|o| o.file != file);
    model.plans.retain(|o| o.file != file);
    model.exercises.retain(|o| o.file != file);
    model.signoffs.retain(|o| o.file != file);
    model.rosters.retain(|o| o.file != file);
    if let Some(s) = model.salvaged.as_deref_mut() {
        remove_file(s, file);
    }
    if had_contacts {
        // built from the contacts on first use: only a change of contacts makes it stale
        model.contact_mentions = Default::default();
    }
}

/// Objects in file and position order, as [`load`] adds them.
pub fn sort_model(model: &mut Model) {
    fn by<T>(v: &mut [Located<T>]) {
        v.sort_by_key(|o| (o.file, o.head.start));
    }
    by(&mut model.contacts);
    by(&mut model.systems);
    by(&mut model.interfaces);
    by(&mut model.contracts);
    by(&mut model.plans);
    by(&mut model.exercises);
    by(&mut model.signoffs);
    by(&mut model.rosters);
    if let Some(s) = model.salvaged.as_deref_mut() {
        sort_model(s);
    }
}

/// One file through the loader's steps (syntax, KDL to JSON, schema, model) on its own, as [`load`]
/// checks a file of a folder holding `kinds`: for old versions of files read from Git history.
/// Returns the objects that passed (in a [`Model`] without configuration, each plan with its
/// digest), the objects that failed, and the diagnostics, all in file `FileId(0)`.
pub fn load_file(path: &str, text: &str, kinds: &[Kind]) -> (Model, HashSet<(Kind, String)>, Vec<Diagnostic>) {
    let folder = path.rfind('/').map_or(".", |i| &path[..i]);
    let mut diagnostics = Vec::new();
    let (objects, broken) = process_file(FileId(0), path, kinds, folder, text, &mut diagnostics, None);
    let mut model = Model::default();
    for o in objects {
        add(&mut model, o);
    }
    (model, broken.into_iter().collect(), diagnostics)
}

/// One object of the repository as the JSON its schema validated, for `contingent export`.
#[derive(Debug)]
pub struct Exported {
    /// The file, relative to `contingent.kdl`'s folder, with `/`.
    pub path: String,
    pub kind: Kind,
    /// The object's id (a sign-off's plan; none for the configuration).
    pub id: Option<String>,
    /// A plan's digest, as the model computed it.
    pub digest: Option<String>,
    pub json: Value,
}

/// How many files [`export`] loads between two calls of its `emit`: what it holds at once.
const EXPORT_BATCH: usize = 256;

/// Every object that passes its schema, in file order (the configuration first), from the same
/// mapping [`load`] validates, for `contingent export`; objects and files with errors are left out
/// (their diagnostics are [`load`]'s). The repository is loaded as [`load`] loads it, without
/// keeping the model: the files go through the loader's steps in parallel, a batch at a time;
/// `each` turns a file's exported objects into what is kept of them (on the worker thread) and
/// `emit` receives those in file order, so what is held at once is bounded by a batch. Returns
/// the loader's findings that are errors, in [`load`]'s order, and the files, with the text of
/// those the errors are in.
pub fn export<R: Send>(
    source: &dyn Source,
    each: impl Fn(Vec<Exported>) -> R + Sync,
    mut emit: impl FnMut(R) -> Result<(), String>,
) -> Result<(Files, Vec<Diagnostic>), String> {
    let Prepared { mut files, diagnostics, config, limit, jobs, .. } = Prepared::new(source);
    let is_error = |d: &Diagnostic| d.severity == crate::diagnostic::Severity::Error;
    let mut errors: Vec<Diagnostic> = diagnostics.into_iter().filter(is_error).collect();
    if let Some(c) = &config {
        let text = &files.get(c.file).text;
        if let Some(doc) = crate::syntax::parse(c.file, text, &mut Vec::new()) {
            let compiled = validate::compiled(Kind::Config);
            let validate::shape::Shape::Object(shape) = &compiled.shape else { unreachable!("config is an object") };
            let mut obj = Map::new();
            let mut spans = Vec::new();
            Mapper { file: c.file, src: text, diags: &mut Vec::new() }.children(
                &doc,
                shape,
                CONFIG_FILE,
                &mut obj,
                &mut spans,
            );
            let config = Exported {
                path: CONFIG_FILE.to_string(),
                kind: Kind::Config,
                id: None,
                digest: None,
                json: Value::Object(obj),
            };
            emit(each(vec![config]))?;
        }
    }
    for batch in jobs.chunks(EXPORT_BATCH) {
        let outs = parallel(batch, |(path, dir, kinds, file)| {
            let mut diags = Vec::new();
            let mut exported = Vec::new();
            let text = match read_text(source, path, *file, limit, &mut diags) {
                Ok(text) => {
                    process_file(*file, path, kinds, dir, &text, &mut diags, Some(&mut exported));
                    text
                }
                Err(shown) => shown.unwrap_or_default(),
            };
            diags.retain(is_error);
            // the text is kept only where an error must be shown with its line
            let text = if diags.is_empty() { String::new() } else { text };
            (each(exported), diags, text)
        });
        for ((_, _, _, file), (kept, diags, text)) in batch.iter().zip(outs) {
            if !text.is_empty() {
                files.set_text(*file, text);
            }
            errors.extend(diags);
            emit(kept)?;
        }
    }
    Ok((files, errors))
}
