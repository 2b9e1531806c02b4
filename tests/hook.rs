//! The pre-commit hook: `contingent hook install|uninstall` and `hooks/pre-commit`, exercised by
//! real `git commit`s in temporary repositories.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A Git repository whose plan repository is `plans/`, with `contingent` on the PATH of every
/// command (as the hook expects) and no user or system Git configuration.
struct HookRepo {
    dir: tempfile::TempDir,
}

impl HookRepo {
    fn new() -> HookRepo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(), &dir.path().join("plans"));
        let repo = HookRepo { dir };
        repo.ok("git", &["init", "-q", "-b", "main"]);
        repo.ok("git", &["add", "-A"]);
        repo.ok("git", &["commit", "-q", "-m", "plan repository"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, program: &str, args: &[&str]) -> Out {
        let program = if program == "contingent" { env!("CARGO_BIN_EXE_contingent") } else { program };
        let bin = Path::new(env!("CARGO_BIN_EXE_contingent")).parent().unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let out = Command::new(program)
            .args(args)
            .current_dir(self.path())
            .env("PATH", path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", common::home())
            .env_remove("XDG_CONFIG_HOME")
            .env("GIT_AUTHOR_NAME", "Anna Schmidt")
            .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_COMMITTER_NAME", "Anna Schmidt")
            .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_AUTHOR_DATE", "2026-03-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-03-01T10:00:00Z")
            .env("CONTINGENT_AS_OF", "2026-11-01")
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("runs");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args);
        assert_eq!(out.code, 0, "{program} {args:?}: {}{}", out.stdout, out.stderr);
        out.stdout
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(p, text.replacen(from, to, 1)).unwrap();
    }

    fn hook(&self) -> PathBuf {
        self.path().join(".git/hooks/pre-commit")
    }

    fn commits(&self) -> usize {
        self.ok("git", &["rev-list", "--count", "HEAD"]).trim().parse().unwrap()
    }
}

const PLAN: &str = "plans/plans/payroll.kdl";
const GOOD: &str = "notify=dc-duty";
const BAD: &str = "notify=dc-dutty";

/// Asserts that the hook refused the commit because of the broken reference, and nothing else.
fn refused_for_the_bad_reference(out: &Out, what: &str) {
    assert_eq!(out.code, 1, "{what}: git commit must fail: {}{}", out.stdout, out.stderr);
    // Git passes the hook's output through to stderr.
    assert!(
        out.stderr.contains("error[REF002]: no contact is named `dc-dutty`"),
        "{what}: refused for another reason:\n{}{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stderr.contains("--> plans/plans/payroll.kdl:7:"), "{what}: {}", out.stderr);
}

#[test]
fn the_installed_hook_checks_what_is_staged() {
    let repo = HookRepo::new();
    let out = repo.ok("contingent", &["hook", "install", "plans"]);
    assert!(out.contains("contingent check --staged plans"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(repo.hook()).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the hook is executable");
    }

    // Staged bad, work tree good: the commit is refused.
    repo.edit(PLAN, GOOD, BAD);
    repo.ok("git", &["add", PLAN]);
    repo.edit(PLAN, BAD, GOOD);
    let out = repo.run("git", &["commit", "-q", "-m", "bad"]);
    refused_for_the_bad_reference(&out, "staged bad");
    assert_eq!(repo.commits(), 1);

    // Staged good, work tree bad: the commit goes through.
    repo.ok("git", &["add", PLAN]);
    repo.edit(PLAN, "title \"Payroll\"", "title \"Payroll batch\"");
    repo.ok("git", &["add", PLAN]);
    repo.edit(PLAN, GOOD, BAD);
    repo.ok("git", &["commit", "-q", "-m", "good"]);
    assert_eq!(repo.commits(), 2);

    // `git commit -a` stages the bad work tree into a temporary index (GIT_INDEX_FILE): refused.
    let out = repo.run("git", &["commit", "-q", "-a", "-m", "all"]);
    refused_for_the_bad_reference(&out, "commit -a with a bad work tree");
    assert_eq!(repo.commits(), 2);
    // `git commit PATH` likewise uses a temporary index holding the work tree's file.
    let out = repo.run("git", &["commit", "-q", "-m", "path", "--", PLAN]);
    refused_for_the_bad_reference(&out, "commit PATH with a bad file");
    assert_eq!(repo.commits(), 2);
}

#[test]
fn install_honours_core_hooks_path() {
    let repo = HookRepo::new();
    repo.ok("git", &["config", "core.hooksPath", "githooks"]);
    let out = repo.ok("contingent", &["hook", "install", "--repo", "plans"]);
    let hook = repo.path().join("githooks/pre-commit");
    assert!(hook.is_file(), "{out}");
    assert!(!repo.hook().exists());
    repo.edit(PLAN, GOOD, BAD);
    repo.ok("git", &["add", PLAN]);
    refused_for_the_bad_reference(&repo.run("git", &["commit", "-q", "-m", "bad"]), "core.hooksPath");
    repo.ok("contingent", &["hook", "uninstall", "plans"]);
    assert!(!hook.exists());
}

#[test]
fn a_foreign_hook_is_kept_unless_forced_and_restored_on_uninstall() {
    let repo = HookRepo::new();
    let foreign = "#!/bin/sh\n# the team's own hook\nexit 0\n";
    std::fs::create_dir_all(repo.hook().parent().unwrap()).unwrap();
    std::fs::write(repo.hook(), foreign).unwrap();

    let out = repo.run("contingent", &["hook", "install", "--repo", "plans"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("did not install"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(repo.hook()).unwrap(), foreign, "left alone");

    let out = repo.run("contingent", &["hook", "uninstall", "--repo", "plans"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not installed by contingent"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(repo.hook()).unwrap(), foreign, "left alone");

    let out = repo.ok("contingent", &["hook", "install", "--force", "--repo", "plans"]);
    assert!(out.contains("pre-commit.before-contingent"), "{out}");
    let backup = repo.hook().with_file_name("pre-commit.before-contingent");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), foreign);
    assert!(std::fs::read_to_string(repo.hook()).unwrap().contains("contingent hook install"));

    // Installing again replaces contingent's own hook without --force.
    repo.ok("contingent", &["hook", "install", "--repo", "plans"]);

    let out = repo.ok("contingent", &["hook", "uninstall", "--repo", "plans"]);
    assert!(out.contains("previous hook is back"), "{out}");
    assert_eq!(std::fs::read_to_string(repo.hook()).unwrap(), foreign);
    assert!(!backup.exists());

    // The pre-commit framework's hook gets a hint where contingent belongs instead.
    std::fs::write(repo.hook(), "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n")
        .unwrap();
    let out = repo.run("contingent", &["hook", "install", "--repo", "plans"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(".pre-commit-config.yaml"), "{}", out.stderr);
}

#[test]
fn uninstall_without_a_hook_and_install_outside_git() {
    let repo = HookRepo::new();
    let out = repo.ok("contingent", &["hook", "uninstall", "--repo", "plans"]);
    assert!(out.contains("nothing to remove"), "{out}");

    let plain = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), plain.path());
    let ceiling = plain.path().parent().unwrap().display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_contingent"))
        .args(["hook", "install", "--repo"])
        .arg(plain.path())
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Git repository"));

    let bare = repo.path().join("bare.git");
    repo.ok("git", &["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let out = repo.run("contingent", &["hook", "install", "--repo", bare.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bare repository"), "{}", out.stderr);
}

#[test]
fn the_hook_script_of_the_repository_works_when_copied() {
    let repo = HookRepo::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit");
    std::fs::create_dir_all(repo.hook().parent().unwrap()).unwrap();
    std::fs::copy(&script, repo.hook()).unwrap();
    repo.ok("git", &["config", "core.hooksPath", ".git/hooks"]);
    repo.edit(PLAN, GOOD, BAD);
    repo.ok("git", &["add", PLAN]);
    // Without CONTINGENT_PLANS the hook looks for contingent.kdl at the work tree root: none.
    let out = repo.run("git", &["commit", "-q", "-m", "bad"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no contingent.kdl is staged"), "{}", out.stderr);
    // With it, the staged plan repository is checked and the broken reference refused.
    let out = repo.run("sh", &["-c", "CONTINGENT_PLANS=plans git commit -q -m bad"]);
    refused_for_the_bad_reference(&out, "hooks/pre-commit copied");
    repo.edit(PLAN, BAD, GOOD);
    repo.ok("git", &["add", PLAN]);
    repo.ok("sh", &["-c", "CONTINGENT_PLANS=plans git commit -q --allow-empty -m good"]);
    assert_eq!(repo.commits(), 2);
}
