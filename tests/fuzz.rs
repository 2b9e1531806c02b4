//! A mutation fuzzer on stable Rust: the bundled example `plans/` and the KDL specification's test
//! inputs, mutated (bytes flipped, deleted, duplicated, spliced, KDL tokens and hostile characters
//! inserted, slices repeated thousands of times), through the library (parser and the loader's
//! per-file steps) and through the binary (`check` on a repository holding the mutated file).
//!
//! `cargo test --test fuzz` runs a bounded, deterministic round (a fixed seed, a few seconds) and
//! every regression file in `tests/fixtures/fuzz/`. A long run on demand:
//!
//! ```text
//! CONTINGENT_FUZZ_SECONDS=600 [CONTINGENT_FUZZ_SEED=7] [CONTINGENT_FUZZ_SLOW_MS=1000] cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! Whatever fails (a panic, a crash, a hang, an exit code other than 0, 1 or 2) is written to
//! `tests/fixtures/fuzz/found-<hash>.kdl` and fails the test; keep the file as a regression input
//! once fixed. The input being run is also written to `target/fuzz-current.kdl`, so an input that
//! aborts the process (a stack overflow) is not lost.

mod common;
use common::*;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use contingent::diagnostic::FileId;
use contingent::format::Kind;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "{}",
    " {}",
    "/*",
    "*/",
    "//",
    "/-",
    "(t)",
    "(",
    ")",
    "\"",
    "\"\"\"",
    "#\"",
    "\"#",
    "##",
    "\\",
    "=",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{0}",
    "\u{202e}",
    "\u{2066}",
    "\u{1b}[2A",
    "\u{9b}",
    "\u{7f}",
    "#nan",
    "#inf",
    "#-inf",
    "1e400",
    "-0",
    "0x",
    "1.",
    "99999999999999999999",
    "#true",
    "#null",
    "true",
    "r\"x\"",
    "15m",
    "2026-02-30",
    "\"2026-11-01\"",
    "\"\\u{1b}\"",
    "\"\\u{202e}\"",
    "x=",
    " a=1",
    "plan",
    "contact",
    "revision=",
    "depends-on",
    "..",
    "/etc",
    "ü",
    "\u{10ffff}",
    "\t",
];

fn corpus() -> Vec<Vec<u8>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "kdl") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    walk(&root.join("plans"), &mut paths);
    walk(&root.join("tests/fixtures/kdl-spec"), &mut paths);
    paths.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut b = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(7) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let end = (at + rng.below(16)).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                b.splice(at..at, t.bytes());
            }
            3 => {
                // a token or slice repeated: the shape of the inputs that exhausted the stack
                let t: Vec<u8> = if rng.below(2) == 0 || b.is_empty() {
                    TOKENS[rng.below(TOKENS.len())].bytes().collect()
                } else {
                    let s = rng.below(b.len());
                    b[s..(s + 1 + rng.below(8)).min(b.len())].to_vec()
                };
                let n = [20, 100, 3000, 20_000][rng.below(4)];
                let rep: Vec<u8> = t.iter().copied().cycle().take(t.len() * n).collect();
                b.splice(at..at, rep);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let s = rng.below(other.len());
                let e = (s + rng.below(200)).min(other.len());
                b.splice(at..at, other[s..e].iter().copied());
            }
            5 if !b.is_empty() => {
                let s = rng.below(b.len());
                let e = (s + rng.below(64)).min(b.len());
                let dup = b[s..e].to_vec();
                b.splice(at..at, dup);
            }
            _ => b.truncate(at),
        }
    }
    b
}

/// An input taking longer through the library counts as a hang: three parses (the parser and
/// two loader runs), each of which may give the reference parser its 2 s (5 s in debug builds).
const SLOW: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 8 });

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

fn save(input: &[u8], why: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut h);
    let path = fuzz_dir().join(format!("found-{:016x}.kdl", h.finish()));
    std::fs::write(&path, input).unwrap();
    eprintln!("fuzz: {why}: saved {}", path.display());
    path
}

/// The library on one input: the parser and the loader's steps for a plan and a contact file,
/// on a thread with the loader's stack. Returns how long it took, or the panic message.
fn through_library(input: &[u8]) -> Result<Duration, String> {
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-current.kdl"), input);
    let text = String::from_utf8_lossy(input).into_owned();
    let start = Instant::now();
    let result = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let mut diags = Vec::new();
            let _ = contingent::syntax::parse(FileId(0), &text, &mut diags);
            for d in &diags {
                assert!(d.location.is_none_or(|l| l.span.end as usize <= text.len()), "span past the end: {d:?}");
            }
            let _ = contingent::load::load_file("plans/fuzz.kdl", &text, &[Kind::Plan]);
            let _ = contingent::load::load_file("contacts/fuzz.kdl", &text, &[Kind::Contact]);
        })
        .unwrap()
        .join();
    match result {
        Ok(()) => Ok(start.elapsed()),
        Err(p) => Err(p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()),
    }
}

/// The binary on a repository whose payroll plan is the input; `Err` for a crash or a hang.
fn through_binary(repo: &Repo, input: &[u8], format: &str) -> Result<(), String> {
    repo.write("plans/payroll.kdl", input);
    let mut child = Command::new(env!("CARGO_BIN_EXE_contingent"))
        .args(["check", repo.path().to_str().unwrap(), "--as-of", "2026-11-01", "--format", format])
        .env("NO_COLOR", "1")
        .env_remove("CONTINGENT_AS_OF")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
        sink.len()
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("hang: no result within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let size = reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    match status.code() {
        Some(0..=2) if size < 8 << 20 => Ok(()),
        Some(c @ 0..=2) => Err(format!("exit {c} with {size} bytes of output")),
        other => Err(format!("crash: {other:?} ({status}): {}", &stderr[..stderr.len().min(500)])),
    }
}

fn regression_inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(fuzz_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn regression_inputs_neither_crash_nor_hang() {
    let repo = Repo::minimal();
    for (path, input) in regression_inputs() {
        let took = through_library(&input).unwrap_or_else(|e| panic!("{}: panic {e}", path.display()));
        assert!(took < SLOW, "{}: {took:?}", path.display());
        for format in ["json", "human"] {
            through_binary(&repo, &input, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn mutated_inputs_neither_crash_nor_hang() {
    let seed = std::env::var("CONTINGENT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2026_u64);
    let seconds: Option<u64> = std::env::var("CONTINGENT_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok());
    // bounded by default: a fixed number of inputs, the same every run
    let (library_runs, binary_every) = match seconds {
        Some(_) => (usize::MAX, 50),
        None => (60, 20),
    };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let corpus = corpus();
    let mut rng = Rng(seed | 1);
    let repo = Repo::minimal();
    let mut failures = Vec::new();
    // CONTINGENT_FUZZ_SLOW_MS lowers the bar for a long run that hunts slow inputs
    let slow = std::env::var("CONTINGENT_FUZZ_SLOW_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(SLOW);
    let (mut runs, mut binary_runs, mut slowest) = (0usize, 0usize, Duration::ZERO);
    let started = Instant::now();
    while runs < library_runs && deadline.is_none_or(|d| Instant::now() < d) {
        let input = mutate(&mut rng, &corpus);
        runs += 1;
        match through_library(&input) {
            Ok(took) if took > slow => {
                failures.push(save(&input, &format!("slow: {took:?}")));
            }
            Ok(took) => slowest = slowest.max(took),
            Err(e) => failures.push(save(&input, &format!("panic: {e}"))),
        }
        if runs % binary_every == 0 {
            binary_runs += 1;
            let format = ["json", "human", "sarif", "github"][binary_runs % 4];
            if let Err(e) = through_binary(&repo, &input, format) {
                failures.push(save(&input, &e));
            }
        }
    }
    eprintln!(
        "fuzz: seed {seed}, {runs} inputs through the library, {binary_runs} through the binary in {:?}; slowest {slowest:?}; {} failures",
        started.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "inputs that fail: {failures:?}");
}

// ---- every command on mutated repositories ----
//
// A scratch Git repository per input: `main` holds the example, `change` the mutations (file
// contents mutated as above, strings given escaped line breaks before `::` workflow commands,
// files renamed with every KDL newline and `::` in their names, symbolic links inside the
// repository, out of it and on the handbook's output path). Every command that reads a plan
// repository runs on it, with oracles: an exit code of 0, 1 or 2 within a deadline; nothing
// written outside the scratch repository and the handbook's folder; no line of stdout or stderr
// starting with `::` but the workflow commands of `check --format github`, and never the sinks'
// backstop at work (`\u{3a}`); `export` (and `check --format json`) valid JSON; `fmt` keeping
// every plan's digest (`export`, `contingent digest`) and a second `fmt --check` finding nothing.
//
// `cargo test --test fuzz commands` runs a short deterministic round and every recipe in
// `tests/fixtures/fuzz/commands/`; `CONTINGENT_FUZZ_SECONDS` runs it longer (a release build is
// several times faster):
//
//     CONTINGENT_FUZZ_SECONDS=600 [CONTINGENT_FUZZ_SEED=7] cargo test --release --test fuzz commands -- --nocapture
//
// A failing input is minimised (entries dropped, changed files cut down by lines while the same
// oracle fails) and saved as `tests/fixtures/fuzz/commands/found-<hash>.json`: keep it once fixed.

use serde_json::{json, Value};

const AS_OF: &str = "2026-11-01";

/// What a mutated repository is: entries applied to a copy of the example, in order.
#[derive(Clone, Debug)]
enum Entry {
    Write(String, Vec<u8>),
    Link(String, String),
    Remove(String),
}

#[derive(Clone, Debug)]
struct Recipe {
    entries: Vec<Entry>,
    /// `--out` of `handbook`, relative to the repository.
    handbook_out: String,
}

impl Recipe {
    fn to_json(&self) -> Value {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Write(p, b) => match std::str::from_utf8(b) {
                    Ok(t) => json!({"write": p, "text": t}),
                    Err(_) => json!({"write": p, "bytes": b}),
                },
                Entry::Link(p, t) => json!({"link": p, "target": t}),
                Entry::Remove(p) => json!({"remove": p}),
            })
            .collect();
        json!({"entries": entries, "handbook_out": self.handbook_out})
    }

    fn from_json(v: &Value) -> Recipe {
        let s = |v: &Value| v.as_str().unwrap().to_string();
        let entries = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                if let Some(p) = e.get("write") {
                    let bytes = match e.get("text") {
                        Some(t) => t.as_str().unwrap().as_bytes().to_vec(),
                        None => e["bytes"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect(),
                    };
                    Entry::Write(s(p), bytes)
                } else if let Some(p) = e.get("link") {
                    Entry::Link(s(p), s(&e["target"]))
                } else {
                    Entry::Remove(s(&e["remove"]))
                }
            })
            .collect();
        Recipe { entries, handbook_out: s(&v["handbook_out"]) }
    }
}

/// Escaped line breaks before workflow commands, for string values.
const INJECT: &[&str] = &[
    "\\n::warning::fuzz",
    "\\r\\n::error::fuzz",
    "\\r::notice::fuzz",
    "\\u{85}::add-mask::fuzz",
    "\\u{b}::group::fuzz",
    "\\u{c}::endgroup::",
    "\\u{2028}::stop-commands::fuzz",
    "\\u{2029}::warning file=x::fuzz",
    "\\n\\n::error::",
];

/// Characters that end a line in KDL (and so in a log), for file names.
const NEWLINES: &[&str] = &["\n", "\r", "\r\n", "\u{85}", "\u{b}", "\u{c}", "\u{2028}", "\u{2029}"];

fn example_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
    let mut paths = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "kdl") {
                out.push(p);
            }
        }
    }
    walk(&root, &mut paths);
    paths
        .into_iter()
        .map(|p| (p.strip_prefix(&root).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

fn mutate_repository(rng: &mut Rng, files: &[(String, Vec<u8>)], corpus: &[Vec<u8>]) -> Recipe {
    let mut entries = Vec::new();
    let mut handbook_out = "../out".to_string();
    for _ in 0..1 + rng.below(3) {
        let (path, text) = &files[rng.below(files.len())];
        match rng.below(8) {
            0..=2 => {
                // the file's own text mutated, sometimes with a piece of another input
                let mut one = vec![text.clone()];
                if rng.below(4) == 0 {
                    one.push(corpus[rng.below(corpus.len())].clone());
                }
                let mut b = mutate(rng, &one[..1]);
                if one.len() > 1 && rng.below(2) == 0 {
                    b = mutate(rng, &[b, one[1].clone()]);
                }
                entries.push(Entry::Write(path.clone(), b));
            }
            3 | 4 => {
                // an escaped line break and a workflow command inside a few of its strings
                let mut b = text.clone();
                for _ in 0..1 + rng.below(3) {
                    let quotes: Vec<usize> = b
                        .iter()
                        .enumerate()
                        .filter(|(i, &c)| c == b'"' && *i > 0 && b[i - 1] != b'\\')
                        .map(|(i, _)| i)
                        .collect();
                    if quotes.is_empty() {
                        break;
                    }
                    let at = quotes[rng.below(quotes.len())];
                    b.splice(at..at, INJECT[rng.below(INJECT.len())].bytes());
                }
                entries.push(Entry::Write(path.clone(), b));
            }
            5 => {
                // renamed with a line break and a workflow command in its name
                let nl = NEWLINES[rng.below(NEWLINES.len())];
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                let stem = name.trim_end_matches(".kdl");
                let new = format!("{dir}/{stem}{nl}::warning::renamed.kdl");
                entries.push(Entry::Remove(path.clone()));
                entries.push(Entry::Write(new, text.clone()));
            }
            6 => {
                // a link inside the repository, before and after the file in sort order
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                let link = if rng.below(2) == 0 { format!("{dir}/0-link.kdl") } else { format!("{dir}/zz-link.kdl") };
                entries.push(Entry::Link(link, name.to_string()));
                if rng.below(2) == 0 {
                    // and its target out of the canonical layout, so fmt has work there
                    let mut b = text.clone();
                    b.splice(0..0, b"   ".iter().copied());
                    entries.push(Entry::Write(path.clone(), b));
                }
            }
            _ => {
                // links out of the repository: a plan file, and the handbook's output folder
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                let up = "../".repeat(dir.split('/').filter(|s| !s.is_empty()).count() + 1);
                entries.push(Entry::Link(format!("{dir}/out-link.kdl"), format!("{up}outside/victim.kdl")));
                entries.push(Entry::Link("site".into(), "../outside".into()));
                handbook_out = ["site", "site/", "site/handbook", "./site/handbook/"][rng.below(4)].to_string();
            }
        }
    }
    Recipe { entries, handbook_out }
}

/// Command runs so far (for the summary of a run).
static COMMAND_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One command with a deadline; `Err` for a hang or a crash.
fn run_cmd(dir: &Path, args: &[&str]) -> Result<Output, String> {
    COMMAND_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd);
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CONTINGENT_ALLOW_UNSIGNED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{}: hang: no result within 30 s", args.join(" ")));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = Output {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    };
    match out.code {
        0..=2 => Ok(out),
        c => {
            Err(format!("{}: crash: exit {c} ({status}): {}", args.join(" "), &out.stderr[..out.stderr.len().min(500)]))
        }
    }
}

fn git_in(dir: &Path, args: &[&str]) {
    let mut cmd = Command::new("git");
    isolate(&mut cmd);
    let out = cmd
        .args(["-c", "user.name=Fuzz", "-c", "user.email=fuzz@example.invalid", "-c", "commit.gpgsign=false"])
        .args(["-c", "core.symlinks=true"])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-10-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-10-01T12:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The example as a Git repository (`main`), made once per test and copied for each input.
fn template() -> tempfile::TempDir {
    require("git");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"), dir.path());
    git_in(dir.path(), &["init", "-q", "-b", "main", "."]);
    git_in(dir.path(), &["add", "-A"]);
    git_in(dir.path(), &["commit", "-q", "-m", "base"]);
    dir
}

/// Copies a tree, links as links.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        let t = e.file_type().unwrap();
        if t.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), target).unwrap();
        } else if t.is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Everything below `dir` but the named top-level entries: paths, link targets and contents.
fn snapshot(dir: &Path, except: &[&str]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            let m = p.symlink_metadata().unwrap();
            if m.file_type().is_symlink() {
                out.push((p.clone(), std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes()));
            } else if m.is_dir() {
                out.push((p.clone(), b"/".to_vec()));
                walk(&p, out);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if except.iter().any(|x| p.file_name().is_some_and(|n| n == *x)) {
            continue;
        }
        if p.is_dir() && !p.symlink_metadata().unwrap().file_type().is_symlink() {
            out.push((p.clone(), b"/".to_vec()));
            walk(&p, &mut out);
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
        }
    }
    out.sort();
    out
}

/// Commands whose human output is known to place repository text inside a line without
/// `escape::line`, so the sinks' backstop (`\u{3a}`) acts there: none.
const BACKSTOP_KNOWN: &[&str] = &[];

/// Lines of both streams that start with `::` (every KDL newline ends a line here), or show the
/// sinks' backstop at work; the workflow commands `check --format github` makes are allowed.
fn workflow_commands(out: &Output, github: bool) -> Option<String> {
    workflow_commands_of(out, github, false)
}

fn workflow_commands_of(out: &Output, github: bool, backstop_known: bool) -> Option<String> {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for line in text.split(['\n', '\r', '\u{85}', '\u{b}', '\u{c}', '\u{2028}', '\u{2029}']) {
            let ours = github
                && stream == "stdout"
                && [
                    "::error file=",
                    "::warning file=",
                    "::notice file=",
                    "::error title=",
                    "::warning title=",
                    "::notice title=",
                ]
                .iter()
                .any(|p| line.starts_with(p));
            if (line.starts_with("::") && !ours) || (line.starts_with("\\u{3a}:") && !backstop_known) {
                return Some(format!("a line of {stream} starts with `::`: {line:?}"));
            }
        }
    }
    None
}

fn plan_digests(export: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = export["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| o["kind"] == "plan")
                .filter_map(|o| Some((o["id"].as_str()?.to_string(), o["digest"].as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs every command on the repository the recipe makes; `Err` names the first broken promise.
fn through_commands(template: &Path, recipe: &Recipe) -> Result<(), String> {
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    copy_tree(template, &repo);
    let outside = work.path().join("outside");
    std::fs::create_dir_all(outside.join("handbook")).unwrap();
    std::fs::write(outside.join("victim.kdl"), "node    1\n").unwrap();
    let tagged = "<!DOCTYPE html><html><head><meta name=\"generator\" content=\"contingent handbook\"></head></html>";
    std::fs::write(outside.join("plan-gone.html"), tagged).unwrap();
    std::fs::write(outside.join("handbook/plan-gone.html"), tagged).unwrap();
    for e in &recipe.entries {
        match e {
            Entry::Write(p, b) => {
                let path = repo.join(p);
                let _ = std::fs::create_dir_all(path.parent().unwrap());
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::write(path, b);
            }
            Entry::Link(p, t) => {
                let _ = std::fs::remove_file(repo.join(p));
                let _ = std::os::unix::fs::symlink(t, repo.join(p));
            }
            Entry::Remove(p) => {
                let _ = std::fs::remove_file(repo.join(p));
            }
        }
    }
    git_in(&repo, &["checkout", "-q", "-b", "change"]);
    git_in(&repo, &["add", "-A"]);
    git_in(&repo, &["commit", "-q", "--allow-empty", "-m", "change"]);
    let before = snapshot(work.path(), &["repo", "out"]);
    let d = ["--as-of", AS_OF];
    let out_arg = recipe.handbook_out.as_str();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", ".", d[0], d[1]],
        vec!["check", ".", d[0], d[1], "--format", "github"],
        vec!["check", ".", d[0], d[1], "--format", "json"],
        vec!["check", ".", d[0], d[1], "--changed-since", "main"],
        vec!["fmt", "--check", "."],
        vec!["due", ".", d[0], d[1], "--within", "1y"],
        vec!["contacts", ".", d[0], d[1]],
        vec!["contracts", ".", d[0], d[1]],
        vec!["signoffs", ".", d[0], d[1]],
        vec!["handbook", ".", "--out", out_arg, d[0], d[1]],
        vec!["history", "."],
        vec!["diff", "main", d[0], d[1]],
        vec!["review", ".", "--base", "main", "--head", "change", "--dry-run"],
    ];
    for args in &runs {
        let out = run_cmd(&repo, args)?;
        let what = args.join(" ");
        if let Some(why) = workflow_commands_of(&out, args.contains(&"github"), BACKSTOP_KNOWN.contains(&args[0])) {
            return Err(format!("{what}: {why}"));
        }
        if args.contains(&"json") && out.code < 2 && serde_json::from_str::<Value>(&out.stdout).is_err() {
            return Err(format!("{what}: not JSON"));
        }
    }
    // export, fmt, and the digests and layout after it
    let export = |stage: &str| -> Result<Option<Value>, String> {
        let out = run_cmd(&repo, &["export", "."])?;
        if let Some(why) = workflow_commands(&out, false) {
            return Err(format!("export ({stage}): {why}"));
        }
        if out.code == 2 {
            return Ok(None);
        }
        serde_json::from_str(&out.stdout).map(Some).map_err(|e| format!("export ({stage}): not JSON: {e}"))
    };
    let exported = export("before fmt")?;
    let out = run_cmd(&repo, &["fmt", "."])?;
    if let Some(why) = workflow_commands(&out, false) {
        return Err(format!("fmt: {why}"));
    }
    let again = run_cmd(&repo, &["fmt", "--check", "."])?;
    if again.stderr.contains("would be reformatted") {
        return Err(format!("fmt is not idempotent: {}", again.stderr.lines().last().unwrap_or_default()));
    }
    let after = export("after fmt")?;
    if let (Some(a), Some(b)) = (&exported, &after) {
        let (a, b) = (plan_digests(a), plan_digests(b));
        if a != b {
            return Err(format!("fmt changed plan digests: {a:?} → {b:?}"));
        }
        // and as `contingent digest` tells them, for plans whose id is defined once
        for (id, digest) in a.iter().take(3) {
            if a.iter().filter(|(i, _)| i == id).count() != 1 {
                continue;
            }
            let out = run_cmd(&repo, &["digest", id, "."])?;
            if out.code == 0 && out.stdout.trim() != digest {
                return Err(format!("digest {id}: {} after fmt, {digest} before", out.stdout.trim()));
            }
        }
    }
    if snapshot(work.path(), &["repo", "out"]) != before {
        return Err("a command wrote outside the scratch repository".into());
    }
    Ok(())
}

fn commands_dir() -> PathBuf {
    fuzz_dir().join("commands")
}

/// The kind of a failure, to keep a minimised input failing for the same reason.
fn kind(e: &str) -> String {
    e.split(':').take(2).collect::<Vec<_>>().join(":")
}

/// Drops entries and cuts changed files down by halves of lines while the same kind of failure
/// remains; at most `budget` more runs.
fn minimise(template: &Path, recipe: &Recipe, why: &str, mut budget: usize) -> Recipe {
    let want = kind(why);
    let mut best = recipe.clone();
    let fails = |r: &Recipe, budget: &mut usize| {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        through_commands(template, r).err().is_some_and(|e| kind(&e) == want)
    };
    let mut i = 0;
    while i < best.entries.len() {
        let mut r = best.clone();
        r.entries.remove(i);
        if fails(&r, &mut budget) {
            best = r;
        } else {
            i += 1;
        }
    }
    for i in 0..best.entries.len() {
        let Entry::Write(p, b) = best.entries[i].clone() else { continue };
        let mut lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
        let mut chunk = lines.len() / 2;
        while chunk > 0 {
            let mut at = 0;
            while at < lines.len() {
                let mut fewer = lines.clone();
                fewer.drain(at..(at + chunk).min(lines.len()));
                let mut r = best.clone();
                r.entries[i] = Entry::Write(p.clone(), fewer.concat());
                if fails(&r, &mut budget) {
                    best = r;
                    lines = fewer;
                } else {
                    at += chunk;
                }
            }
            chunk /= 2;
        }
    }
    best
}

fn save_recipe(recipe: &Recipe, why: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let text = serde_json::to_string_pretty(&json!({"why": why, "recipe": recipe.to_json()})).unwrap();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    std::fs::create_dir_all(commands_dir()).unwrap();
    let path = commands_dir().join(format!("found-{:016x}.json", h.finish()));
    std::fs::write(&path, text + "\n").unwrap();
    eprintln!("fuzz: {why}: saved {}", path.display());
    path
}

#[test]
fn command_regression_recipes_keep_every_promise() {
    let template = template();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(commands_dir())
        .map(|d| d.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let recipe = Recipe::from_json(&v["recipe"]);
        through_commands(template.path(), &recipe).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn commands_on_mutated_repositories_keep_every_promise() {
    let seed = std::env::var("CONTINGENT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2026_u64);
    let seconds: Option<u64> = std::env::var("CONTINGENT_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok());
    // bounded by default: a fixed number of repositories, the same every run
    let limit = if seconds.is_some() { usize::MAX } else { 6 };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let template = template();
    let files = example_files();
    let corpus = corpus();
    let mut rng = Rng((seed ^ 0xc0ff_ee00) | 1);
    let (mut runs, mut failures, mut kinds) = (0usize, Vec::new(), std::collections::BTreeSet::new());
    let started = Instant::now();
    while runs < limit && deadline.is_none_or(|d| Instant::now() < d) {
        let recipe = mutate_repository(&mut rng, &files, &corpus);
        runs += 1;
        if let Err(why) = through_commands(template.path(), &recipe) {
            // one saved reproducer per kind of failure
            if kinds.insert(kind(&why)) {
                let small = minimise(template.path(), &recipe, &why, 60);
                failures.push(save_recipe(&small, &why));
            } else {
                eprintln!("fuzz: {why} (a kind already saved)");
            }
        }
    }
    eprintln!(
        "fuzz: seed {seed}, {runs} repositories through every command ({} command runs) in {:?}; {} kinds of failure",
        COMMAND_RUNS.load(std::sync::atomic::Ordering::Relaxed),
        started.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "repositories that break a promise: {failures:?}");
}
