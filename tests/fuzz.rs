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
