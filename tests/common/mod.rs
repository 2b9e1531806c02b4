//! Test support: plan repositories in temporary folders, and running the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub struct Repo {
    pub dir: tempfile::TempDir,
}

/// A plan repository in a folder of its own: reading and editing its files by their
/// repository-relative paths.
pub trait Tree {
    fn path(&self) -> &Path;

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// Writes a file, making its folders.
    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replaces the first `from` with `to`; `from` must be there.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

impl Repo {
    /// A copy of `tests/fixtures/minimal`, a small repository that checks clean.
    pub fn minimal() -> Repo {
        Repo::copy_of(&fixture("minimal"))
    }

    pub fn copy_of(path: &Path) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(path, dir.path());
        Repo { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).unwrap()
    }

    /// Replaces the first occurrence of `from` in a file; fails if it is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1))
    }

    pub fn check(&self, extra: &[&str]) -> Output {
        let mut args = vec!["check", self.dir.path().to_str().unwrap()];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// `check --format json`, parsed.
    pub fn check_json(&self) -> (i32, Value) {
        let out = self.check(&["--format", "json", "--as-of", "2026-11-01"]);
        let v: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
        (out.code, v)
    }

    /// The messages of the findings with `code` that `check --as-of DATE` reports.
    pub fn messages_at(&self, date: &str, code: &str) -> Vec<String> {
        let out = self.check(&["--format", "json", "--as-of", date]);
        let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
        let all = v["diagnostics"].as_array().unwrap().iter();
        all.filter(|d| d["code"] == code).map(|d| d["message"].as_str().unwrap().to_string()).collect()
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

/// A home folder of the test run's own: nothing of the developer's configuration (Git, SSH)
/// reaches the commands the tests run.
pub fn home() -> PathBuf {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("home");
    std::fs::create_dir_all(&home).unwrap();
    home
}

/// Isolates a command from the user's and the system's Git configuration and from the
/// environment of a surrounding Git hook or CI job.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_PREFIX")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_COMMON_DIR")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("CONTINGENT_AS_OF")
        .env_remove("GITHUB_STEP_SUMMARY")
}

/// Fails (never skips) when a program the tests need is missing: `.ci/run` installs them.
pub fn require(program: &str) {
    let found =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file())).unwrap_or(false);
    assert!(found, "`{program}` is needed by this test and is not on the PATH (.ci/run installs it)");
}

pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd);
    cmd.args(args)
        .current_dir(dir)
        // the fixtures' plans are unsigned; sign-off tests set it to 0
        .env("CONTINGENT_ALLOW_UNSIGNED", "1")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    output(cmd.output().expect("the binary runs"))
}

/// A finished process as exit code (-1 when killed by a signal) and lossy UTF-8 text.
pub fn output(out: std::process::Output) -> Output {
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The diagnostics of a JSON report as (code, file relative to the repository, line).
pub fn findings(report: &Value, repo: &Repo) -> Vec<(String, String, usize)> {
    let root = format!("{}/", repo.path().display());
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["location"]["file"].as_str().unwrap_or("").trim_start_matches(&root).to_string();
            (
                d["code"].as_str().unwrap().to_string(),
                file,
                d["location"]["start"]["line"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect()
}

/// Asserts that exactly one finding has this code and returns it.
pub fn the<'a>(report: &'a Value, code: &str) -> &'a Value {
    let all: Vec<&Value> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect();
    assert_eq!(
        all.len(),
        1,
        "expected one {code}, got: {}",
        serde_json::to_string_pretty(&report["diagnostics"]).unwrap()
    );
    all[0]
}
