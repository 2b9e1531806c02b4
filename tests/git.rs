//! Reading plans from Git: `check --staged`, `--rev`, `--changed-since` and `history`, on real
//! repositories built with the `git` command in temporary folders.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AS_OF: &str = "2026-11-01";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal")
}

/// Environment shared by `git` and `contingent`: no user or system configuration, no variables
/// of a surrounding Git hook.
fn hermetic(cmd: &mut Command) {
    for var in ["GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", common::home())
        .env_remove("XDG_CONFIG_HOME")
        .env("GIT_AUTHOR_NAME", "Anna Schmidt")
        .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
        .env("GIT_COMMITTER_NAME", "Anna Schmidt")
        .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
        .env_remove("CONTINGENT_AS_OF")
        .env_remove("GITHUB_STEP_SUMMARY")
        // the fixture's plans are unsigned
        .env("CONTINGENT_ALLOW_UNSIGNED", "1")
        .env("NO_COLOR", "1");
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A Git repository in a temporary folder; the plan repository is `plans/` inside it unless
/// created with [`GitRepo::at_root`].
struct GitRepo {
    dir: tempfile::TempDir,
    plans: String,
    /// The date of the next commit (one day later each time).
    day: std::cell::Cell<u32>,
}

impl GitRepo {
    fn new() -> GitRepo {
        GitRepo::with_plans("plans")
    }

    fn at_root() -> GitRepo {
        GitRepo::with_plans("")
    }

    fn with_plans(plans: &str) -> GitRepo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(), &dir.path().join(plans));
        let repo = GitRepo { dir, plans: plans.to_string(), day: std::cell::Cell::new(1) };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["add", "-A"]);
        repo.commit_on("2026-01-10", "plan repository");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path of the plan repository as a Git path.
    fn p(&self, rel: &str) -> String {
        if self.plans.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.plans)
        }
    }

    fn git_in(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(dir);
        hermetic(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("git runs");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.git_in(self.path(), args, &[]);
        assert_eq!(out.code, 0, "git {args:?} failed: {}{}", out.stdout, out.stderr);
        out.stdout.trim().to_string()
    }

    fn commit_on(&self, date: &str, message: &str) -> String {
        let stamp = format!("{date}T10:00:00Z");
        let out = self.git_in(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
            &[("GIT_AUTHOR_DATE", &stamp), ("GIT_COMMITTER_DATE", &stamp)],
        );
        assert_eq!(out.code, 0, "commit failed: {}{}", out.stdout, out.stderr);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Commits everything staged, dated one day after the previous commit of this helper.
    fn commit(&self, message: &str) -> String {
        let day = self.day.get();
        self.day.set(day + 1);
        self.commit_on(&format!("2026-02-{day:02}"), message)
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path().join(self.p(rel));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(self.p(rel))).unwrap()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, text.replacen(from, to, 1));
    }

    fn add(&self, rel: &str) {
        self.git(&["add", "--", &self.p(rel)]);
    }

    fn run(&self, args: &[&str]) -> Out {
        self.run_in(self.path(), args, &[])
    }

    fn run_in(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
        cmd.args(args).current_dir(dir);
        hermetic(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the binary runs");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `contingent check <plans> --as-of ... --format json <extra>` from the work tree root.
    fn check(&self, extra: &[&str]) -> (i32, Value, String) {
        let plans = if self.plans.is_empty() { "." } else { self.plans.as_str() };
        let mut args = vec!["check", plans, "--as-of", AS_OF, "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let v = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}), exit {}: {}\n{}", out.code, out.stdout, out.stderr));
        (out.code, v, out.stderr)
    }

    fn history(&self, extra: &[&str]) -> Out {
        let plans = if self.plans.is_empty() { "." } else { self.plans.as_str() };
        let mut args = vec!["history"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", plans]);
        self.run(&args)
    }

    fn history_json(&self, extra: &[&str]) -> Value {
        let mut args = extra.to_vec();
        args.extend_from_slice(&["--format", "json"]);
        let out = self.history(&args);
        assert_eq!(out.code, 0, "history failed: {}\n{}", out.stdout, out.stderr);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
    }

    /// The canonical digest of a plan in the work tree, from `contingent digest`.
    fn digest(&self, plan: &str) -> String {
        let plans = if self.plans.is_empty() { "." } else { self.plans.as_str() };
        let out = self.run(&["digest", plan, plans]);
        assert_eq!(out.code, 0, "digest failed: {}", out.stderr);
        let d = out.stdout.split_whitespace().find(|w| w.starts_with("sha256:")).expect("a digest").to_string();
        d
    }

    /// A sign-off record (not cryptographically valid: history only compares digests).
    fn signoff(&self, plan: &str, party: &str, digest: &str) -> String {
        let signer = if party == "client" { "anna.schmidt" } else { "jan.peters" };
        format!(
            "signoff {plan} party={party} signer={signer} date=\"2026-03-01\" digest=\"{digest}\" statement=\"signed\" signature=\"-----BEGIN SSH SIGNATURE-----\"\n"
        )
    }
}

/// The codes of the findings of a JSON report, with the file (relative to the Git root).
fn codes(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["location"]["file"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// [`codes`] without the fixture's unsigned plan (SIG001, a warning while tolerated).
fn signed_codes(report: &Value) -> Vec<(String, String)> {
    codes(report).into_iter().filter(|(c, _)| c != "SIG001").collect()
}

/// The one finding with this code.
fn the<'a>(report: &'a Value, code: &str) -> &'a Value {
    let all: Vec<&Value> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect();
    assert_eq!(all.len(), 1, "expected one {code}: {report}");
    all[0]
}

fn has(report: &Value, code: &str, file_suffix: &str) -> bool {
    codes(report).iter().any(|(c, f)| c == code && f.ends_with(file_suffix))
}

const BROKEN_REF: (&str, &str) = ("notify=dc-duty", "notify=dc-dutty");

// ------------------------------------------------------------------------------------------
// check --staged

#[test]
fn staged_bad_and_work_tree_good_fails() {
    let repo = GitRepo::new();
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    repo.add("plans/payroll.kdl");
    repo.edit("plans/payroll.kdl", BROKEN_REF.1, BROKEN_REF.0);
    let (code, work, _) = repo.check(&[]);
    assert_eq!(code, 0, "the work tree is good: {work}");
    let (code, staged, _) = repo.check(&["--staged"]);
    assert_eq!(code, 1, "{staged}");
    assert!(has(&staged, "REF002", "plans/plans/payroll.kdl"), "{staged}");
}

#[test]
fn staged_good_and_work_tree_bad_passes() {
    let repo = GitRepo::new();
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    let (code, work, _) = repo.check(&[]);
    assert_eq!(code, 1, "the work tree is bad: {work}");
    let (code, staged, _) = repo.check(&["--staged"]);
    assert_eq!(code, 0, "{staged}");
    // Untracked files are not part of the index either.
    repo.write("contacts/extra.kdl", "contact broken {");
    let (code, staged, _) = repo.check(&["--staged"]);
    assert_eq!(code, 0, "{staged}");
}

#[test]
fn a_file_staged_for_deletion_is_gone() {
    let repo = GitRepo::new();
    repo.git(&["rm", "-q", "--cached", &repo.p("contacts/dc.kdl")]);
    assert!(repo.path().join("plans/contacts/dc.kdl").exists());
    let (code, work, _) = repo.check(&[]);
    assert_eq!(code, 0, "{work}");
    let (code, staged, _) = repo.check(&["--staged"]);
    assert_eq!(code, 1);
    // The plan that is not part of the change breaks: its contact is gone.
    assert!(has(&staged, "REF002", "plans/plans/payroll.kdl"), "{staged}");
}

#[test]
fn git_index_file_is_honoured() {
    let repo = GitRepo::new();
    let alternate = repo.path().join(".git/alternate-index");
    std::fs::copy(repo.path().join(".git/index"), &alternate).unwrap();
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    let env = [("GIT_INDEX_FILE", alternate.to_str().unwrap())];
    let out = repo.git_in(repo.path(), &["add", "plans"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    repo.edit("plans/payroll.kdl", BROKEN_REF.1, BROKEN_REF.0);
    let args = ["check", "plans", "--staged", "--as-of", AS_OF];
    assert_eq!(repo.run(&args).code, 0, "the default index is good");
    let out = repo.run_in(repo.path(), &args, &env);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("REF002"), "{}", out.stdout);
}

#[test]
fn staged_finds_the_plan_root_from_inside_and_from_the_work_tree_root() {
    let repo = GitRepo::new();
    let inside = repo.path().join("plans/plans");
    let out = repo.run_in(&inside, &["check", "--staged", "--as-of", AS_OF], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // Paths are shown relative to the current folder, like the work tree check.
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    repo.add("plans/payroll.kdl");
    let out = repo.run(&["check", "plans", "--staged", "--as-of", AS_OF, "--format", "github"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("file=plans/plans/payroll.kdl,line=7"), "{}", out.stdout);
    // The root of the work tree holds no contingent.kdl of its own.
    let out = repo.run(&["check", "--staged", "--as-of", AS_OF]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no contingent.kdl is staged"), "{}", out.stderr);
}

#[test]
fn staged_reports_conflicted_plan_files() {
    let repo = GitRepo::new();
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Payroll (other)\"");
    repo.add("plans/payroll.kdl");
    repo.commit("other title");
    repo.git(&["checkout", "-q", "main"]);
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Payroll (main)\"");
    repo.add("plans/payroll.kdl");
    repo.commit("main title");
    let merge = repo.git_in(repo.path(), &["merge", "-q", "other"], &[]);
    assert_ne!(merge.code, 0, "the merge conflicts");
    let (code, report, _) = repo.check(&["--staged"]);
    assert_eq!(code, 1, "{report}");
    let conflicts: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "GIT001").collect();
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["location"]["file"], "plans/plans/payroll.kdl");
    assert!(conflicts[0]["message"].as_str().unwrap().contains("both modified"), "{report}");
    // Our side is checked meanwhile: references into the file still resolve.
    assert!(!has(&report, "REF002", ""), "{report}");
}

// ------------------------------------------------------------------------------------------
// check --rev

#[test]
fn rev_checks_a_commit_tag_or_branch() {
    let repo = GitRepo::new();
    repo.git(&["tag", "good"]);
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    repo.add("plans/payroll.kdl");
    repo.commit("break a reference");
    // Repair the work tree: --rev must not look at it.
    repo.edit("plans/payroll.kdl", BROKEN_REF.1, BROKEN_REF.0);
    for (rev, expected) in [("HEAD", 1), ("HEAD~1", 0), ("good", 0), ("main", 1)] {
        let (code, report, _) = repo.check(&["--rev", rev]);
        assert_eq!(code, expected, "--rev {rev}: {report}");
    }
    let (_, report, _) = repo.check(&["--rev", "HEAD"]);
    assert!(has(&report, "REF002", "plans/plans/payroll.kdl"), "{report}");
    // A file that exists only in the old commit is checked from the commit.
    repo.git(&["rm", "-q", &repo.p("exercises/2026-tabletop.kdl")]);
    repo.commit("remove the exercise record");
    let (_, report, _) = repo.check(&["--rev", "good"]);
    assert_eq!(report["summary"]["files"], 7, "{report}");
}

#[test]
fn rev_in_a_bare_repository_reads_the_commit() {
    let repo = GitRepo::at_root();
    let bare = tempfile::tempdir().unwrap();
    let bare_path = bare.path().join("plans.git");
    repo.git(&["clone", "-q", "--bare", ".", bare_path.to_str().unwrap()]);
    let out = repo.run_in(&bare_path, &["check", "--rev", "main", "--as-of", AS_OF], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = repo.run_in(&bare_path, &["check", "--staged", "--as-of", AS_OF], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bare repository"), "{}", out.stderr);
}

// ------------------------------------------------------------------------------------------
// check --changed-since

#[test]
fn changed_since_reports_changed_files_and_what_the_change_broke() {
    let repo = GitRepo::new();
    // A problem that is older than the change: not shown with --changed-since.
    repo.edit("exercises/2026-tabletop.kdl", "result passed", "result passed\n    colour \"blue\"");
    repo.add("exercises/2026-tabletop.kdl");
    repo.commit("an old mistake");
    repo.git(&["checkout", "-q", "-b", "change"]);
    // The change: a new mistake in the plan, and a deleted contact another file relies on.
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Payroll\"\n    colour \"red\"");
    repo.add("plans/payroll.kdl");
    repo.git(&["rm", "-q", &repo.p("contacts/dc.kdl")]);
    repo.commit("the change");

    let (code, all, _) = repo.check(&[]);
    assert_eq!(code, 1);
    assert!(has(&all, "SCH001", "exercises/2026-tabletop.kdl"), "{all}");

    let (code, changed, stderr) = repo.check(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{changed}");
    assert!(has(&changed, "SCH001", "plans/plans/payroll.kdl"), "the change's own mistake: {changed}");
    assert!(!has(&changed, "SCH001", "exercises/2026-tabletop.kdl"), "an older mistake: {changed}");
    // The inventory was not changed, but its reference to the deleted contact broke.
    assert!(has(&changed, "REF002", "plans/inventory/systems.kdl"), "caused by the change: {changed}");
    assert!(stderr.contains("not shown"), "{stderr}");

    // Nothing changed since HEAD: only problems new in the work tree would show.
    let (code, none, _) = repo.check(&["--changed-since", "HEAD"]);
    assert_eq!(code, 0, "{none}");
    assert_eq!(none["diagnostics"].as_array().unwrap().len(), 0, "{none}");

    // The base is the merge base: main fixing the old mistake after the branch point does not
    // make the branch's copy of it new.
    repo.git(&["checkout", "-q", "main"]);
    repo.edit("exercises/2026-tabletop.kdl", "\n    colour \"blue\"", "");
    repo.add("exercises/2026-tabletop.kdl");
    repo.commit("main fixes the old mistake");
    let (_, changed, _) = repo.check(&["--rev", "change", "--changed-since", "main"]);
    assert!(has(&changed, "SCH001", "plans/plans/payroll.kdl"), "{changed}");
    assert!(!has(&changed, "SCH001", "exercises/2026-tabletop.kdl"), "{changed}");
}

#[test]
fn changed_since_keeps_older_findings_of_a_file_the_change_touches() {
    // An old mistake in the plan, then a change to another line of the same plan: whoever
    // changes a file sees all of its findings, old ones included (docs/git.md).
    let repo = GitRepo::new();
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    repo.add("plans/payroll.kdl");
    repo.commit("an old mistake");
    repo.git(&["checkout", "-q", "-b", "change"]);
    // Below the old finding, so that it keeps its place (and is the same finding as before).
    repo.edit("plans/payroll.kdl", "step \"Extend the volume\"", "step \"Extend the volume by 10 GB\"");
    repo.add("plans/payroll.kdl");
    repo.commit("the change");
    let (code, changed, stderr) = repo.check(&["--changed-since", "main~1"]);
    assert_eq!(code, 1, "{changed}");
    assert_eq!(signed_codes(&changed), [("REF002".to_string(), "plans/plans/payroll.kdl".to_string())], "{changed}");
    assert!(!stderr.contains("not shown"), "nothing is hidden: {stderr}");
    let (code, changed, stderr) = repo.check(&["--changed-since", "main"]);
    assert_eq!(code, 1, "{changed}");
    assert_eq!(signed_codes(&changed), [("REF002".to_string(), "plans/plans/payroll.kdl".to_string())], "{changed}");
    assert!(!stderr.contains("not shown"), "{stderr}");
    // An untouched file's old findings are hidden (the REF002 and the unsigned plan), and the note
    // counts them as in unchanged files.
    repo.edit("plans/payroll.kdl", "step \"Extend the volume by 10 GB\"", "step \"Extend the volume\"");
    repo.add("plans/payroll.kdl");
    repo.commit("back");
    let (code, changed, stderr) = repo.check(&["--changed-since", "main"]);
    assert_eq!((code, signed_codes(&changed).len()), (0, 0), "{changed}");
    assert!(stderr.contains("2 findings in files unchanged since"), "{stderr}");
}

#[test]
fn a_staged_severity_applies_to_check_staged_only() {
    let repo = GitRepo::new();
    repo.edit("contingent.kdl", "name ", "rule ESC002 severity=error staged=warning\nname ");
    repo.edit("plans/payroll.kdl", "level 2 notify", "level 3 notify");
    repo.add("contingent.kdl");
    repo.add("plans/payroll.kdl");
    let (code, staged, _) = repo.check(&["--staged"]);
    assert_eq!(code, 0, "{staged}");
    assert_eq!(the(&staged, "ESC002")["severity"], "warning");
    let (code, work, _) = repo.check(&[]);
    assert_eq!(code, 1, "{work}");
    assert_eq!(the(&work, "ESC002")["severity"], "error");
    repo.commit("level 3");
    let (code, rev, _) = repo.check(&["--rev", "HEAD"]);
    assert_eq!((code, the(&rev, "ESC002")["severity"].as_str()), (1, Some("error")), "{rev}");
}

#[test]
fn the_reference_date_comes_from_the_checked_index_or_commit() {
    let repo = GitRepo::new();
    let plans = repo.plans.clone();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", plans.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let out = repo.run(&args);
        let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
        (v["as_of"].as_str().unwrap().to_string(), v["as_of_source"].as_str().unwrap().to_string())
    };
    let from_config = "from reference-date in contingent.kdl".to_string();
    repo.edit("contingent.kdl", "name ", "reference-date \"2026-06-01\"\nname ");
    repo.add("contingent.kdl");
    repo.commit("reference date");
    // The work tree, the index and the commit each answer with their own contingent.kdl.
    repo.edit("contingent.kdl", "2026-06-01", "2026-07-01");
    repo.add("contingent.kdl");
    repo.edit("contingent.kdl", "2026-07-01", "2026-08-01");
    assert_eq!(check(&[]), ("2026-08-01".to_string(), from_config.clone()));
    assert_eq!(check(&["--staged"]), ("2026-07-01".to_string(), from_config.clone()));
    assert_eq!(check(&["--rev", "HEAD"]), ("2026-06-01".to_string(), from_config.clone()));
    assert_eq!(check(&["--rev", "HEAD~1"]).1, "today", "the first commit has no reference date");
    // --as-of still wins over all of them.
    assert_eq!(
        check(&["--rev", "HEAD", "--as-of", "2030-01-01"]),
        ("2030-01-01".to_string(), "from --as-of".to_string())
    );
}

#[test]
fn a_blob_missing_from_the_object_store_is_an_unreadable_file() {
    let repo = GitRepo::new();
    let blob = repo.git(&["rev-parse", &format!("HEAD:{}", repo.p("contacts/bank.kdl"))]);
    let object = repo.path().join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&object).unwrap_or_else(|e| panic!("{}: {e}", object.display()));
    let (code, report, _) = repo.check(&["--rev", "HEAD"]);
    assert_eq!(code, 1, "{report}");
    let unreadable: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "FILE001").collect();
    assert_eq!(unreadable.len(), 1, "{report}");
    assert!(unreadable[0]["location"]["file"].as_str().unwrap().ends_with("plans/contacts/bank.kdl"), "{report}");
    assert_eq!(
        unreadable[0]["message"],
        format!("cannot read contacts/bank.kdl: an object with id {blob} could not be found")
    );
}

#[test]
fn changed_since_with_staged_compares_the_index() {
    let repo = GitRepo::new();
    repo.edit("plans/payroll.kdl", BROKEN_REF.0, BROKEN_REF.1);
    repo.add("plans/payroll.kdl");
    let (code, report, _) = repo.check(&["--staged", "--changed-since", "HEAD"]);
    assert_eq!(code, 1);
    assert!(has(&report, "REF002", "plans/plans/payroll.kdl"), "{report}");
}

// ------------------------------------------------------------------------------------------
// bad input

#[test]
fn git_options_outside_a_repository_exit_2_and_plain_check_still_works() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    let repo = GitRepo::new(); // only for its runner
    let ceiling = dir.path().parent().unwrap().to_str().unwrap().to_string();
    let env = [("GIT_CEILING_DIRECTORIES", ceiling.as_str())];
    for flag in [&["--staged"][..], &["--rev", "HEAD"], &["--changed-since", "main"]] {
        let mut args = vec!["check", ".", "--as-of", AS_OF];
        args.extend_from_slice(flag);
        let out = repo.run_in(dir.path(), &args, &env);
        assert_eq!(out.code, 2, "{flag:?}: {}", out.stderr);
        assert!(out.stderr.contains("not a Git repository"), "{}", out.stderr);
        assert!(!out.stderr.trim_end().ends_with('.'), "{}", out.stderr);
    }
    let out = repo.run_in(dir.path(), &["check", ".", "--as-of", AS_OF], &env);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = repo.run_in(dir.path(), &["history"], &env);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a Git repository"), "{}", out.stderr);
}

#[test]
fn an_unknown_revision_exits_2() {
    let repo = GitRepo::new();
    for flag in ["--rev", "--changed-since"] {
        let out = repo.run(&["check", "plans", flag, "no-such-branch", "--as-of", AS_OF]);
        assert_eq!(out.code, 2, "{flag}");
        assert!(out.stderr.contains("unknown revision `no-such-branch`"), "{}", out.stderr);
    }
    let blob = repo.git(&["rev-parse", "HEAD:plans/contingent.kdl"]);
    let out = repo.run(&["check", "plans", "--rev", &blob, "--as-of", AS_OF]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a commit"), "{}", out.stderr);
}

// ------------------------------------------------------------------------------------------
// history

/// The test keys of anna.schmidt (client) and jan.peters (provider), readable only by the owner
/// as ssh-keygen requires.
fn signing_keys() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["anna.schmidt", "jan.peters"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signoff/keys").join(name);
        let to = dir.path().join(name);
        std::fs::copy(from, &to).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    dir
}

/// main: init (01-10); signing keys for anna.schmidt and jan.peters (02-01); reformat (02-02, not
/// a version); retitle (02-03); sign-off records with forged signatures (02-04); real sign-offs of
/// both parties (02-05); rename the file (02-06); contract revision 3, in effect from 2026-06-01
/// (02-07). Returns the repository, the first and the retitle commit and the retitled digest.
fn repo_with_history() -> (GitRepo, Vec<String>) {
    let repo = GitRepo::new();
    let first = repo.git(&["rev-parse", "HEAD"]);
    let keys_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signoff/keys");
    for (file, contact) in [("contacts/bank.kdl", "anna.schmidt"), ("contacts/dc.kdl", "jan.peters")] {
        let public = std::fs::read_to_string(keys_dir.join(format!("{contact}.pub"))).unwrap();
        let head = format!("contact {contact} {{\n");
        repo.edit(file, &head, &format!("{head}    key \"{}\"\n", public.trim()));
        repo.add(file);
    }
    repo.commit("signing keys");
    repo.edit("plans/payroll.kdl", "    title \"Payroll\"", "    title   \"Payroll\"   // same meaning");
    repo.add("plans/payroll.kdl");
    repo.commit("reformat");
    repo.edit("plans/payroll.kdl", "\"Payroll\"", "\"Payroll batch\"");
    repo.add("plans/payroll.kdl");
    let retitle = repo.commit("retitle");
    let digest = repo.digest("payroll");
    let forged =
        format!("{}{}", repo.signoff("payroll", "client", &digest), repo.signoff("payroll", "provider", &digest));
    repo.write("signoffs/payroll.kdl", forged);
    repo.add("signoffs/payroll.kdl");
    repo.commit("forged sign-offs");
    repo.git(&["rm", "-q", &repo.p("signoffs/payroll.kdl")]);
    let keys = signing_keys();
    for (party, who) in [("client", "anna.schmidt"), ("provider", "jan.peters")] {
        let key = keys.path().join(who);
        let out = repo.run(&[
            "sign",
            "payroll",
            "--party",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            "2026-02-05",
            "plans",
        ]);
        assert_eq!(out.code, 0, "sign failed: {}{}", out.stdout, out.stderr);
    }
    repo.git(&["add", "-A"]);
    repo.commit("sign");
    repo.git(&["mv", &repo.p("plans/payroll.kdl"), &repo.p("plans/batch-payroll.kdl")]);
    repo.commit("rename");
    let contract = repo.read("contracts/msa.kdl");
    let at = contract.rfind('}').unwrap();
    let revision3 = "    revision 3 effective=\"2026-06-01\" {\n        category critical type=\"outage\" severity=\"high\" urgency=\"immediate\"; action \"Open an incident ticket\"; escalation \"Duty desk\" \"Account manager\"; cooperation \"The provider cooperates in every emergency\"; client-participation \"The client joins the yearly tabletop\"\n        sla payroll-app rto=\"8h\" rpo=\"4h\" redundant=#false {\n            response critical within=\"30m\"; backup every=\"4h\" retention=\"30d\" offsite=#true restore-test=\"3mo\"\n        }\n    }\n";
    repo.write("contracts/msa.kdl", format!("{}{revision3}{}", &contract[..at], &contract[at..]));
    repo.add("contracts/msa.kdl");
    repo.commit("contract revision 3");
    (repo, vec![first, retitle, digest])
}

#[test]
fn history_lists_versions_follows_renames_and_ignores_reformatting() {
    let (repo, ids) = repo_with_history();
    let (first, retitle, digest) = (&ids[0], &ids[1], &ids[2]);
    let h = repo.history_json(&["payroll"]);
    let versions = h["plans"][0]["versions"].as_array().unwrap();
    assert_eq!(h["plans"][0]["plan"], "payroll");
    assert_eq!(versions.len(), 2, "{h:#}");
    assert_eq!(versions[0]["commit"]["id"], retitle.as_str());
    assert_eq!(versions[1]["commit"]["id"], first.as_str());
    assert_eq!(versions[0]["digest"], digest.as_str(), "the digest sign-offs use");
    assert_eq!(versions[0]["file"], "plans/plans/payroll.kdl", "the path of that commit");
    assert_eq!(versions[0]["commit"]["date"], "2026-02-03");
    assert_eq!(versions[0]["commit"]["author"]["name"], "Anna Schmidt");
    assert_eq!(versions[0]["contract"]["id"], "msa");
    assert_eq!(versions[0]["contract"]["revision"], 2);
    assert_eq!(versions[0]["revision_in_effect"], 2);
    // Signed in a later commit, while the version was current.
    assert_eq!(versions[0]["signed"]["client"], false);
    assert_eq!(versions[0]["signed_until_replaced"]["client"], true);
    assert_eq!(versions[0]["signed_until_replaced"]["provider"], true);
    assert_eq!(versions[1]["signed_until_replaced"]["client"], false);
    // The table names every version.
    let out = repo.history(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("payroll — 2 versions"), "{}", out.stdout);
    assert!(out.stdout.contains(&retitle[..7]), "{}", out.stdout);
}

#[test]
fn history_as_of_answers_which_version_was_in_force() {
    let (repo, ids) = repo_with_history();
    let (first, retitle, digest) = (&ids[0], &ids[1], &ids[2]);
    // Before the retitle: the first version, not signed.
    let r = repo.history_json(&["payroll", "--as-of", "2026-01-31"]);
    let p = &r["plans"][0];
    assert_eq!(p["in_force"], true, "{r:#}");
    assert_eq!(p["version"]["commit"]["id"], first.as_str());
    assert_eq!(p["both_signed"], false);
    assert_eq!(p["implements_revision_in_effect"], true);
    // Records with the right digest but forged signatures do not count.
    let r = repo.history_json(&["payroll", "--as-of", "2026-02-04"]);
    let p = &r["plans"][0];
    assert_eq!(p["version"]["commit"]["id"], retitle.as_str(), "{r:#}");
    assert_eq!(p["both_signed"], false, "{r:#}");
    assert_eq!(p["version"]["signed"]["records_not_verifying"], serde_json::json!(["client", "provider"]), "{r:#}");
    // After both real sign-offs: the retitled version, signed by both.
    let r = repo.history_json(&["--as-of", "2026-02-05"]);
    let p = &r["plans"][0];
    assert_eq!(p["plan"], "payroll");
    assert_eq!(p["version"]["commit"]["id"], retitle.as_str());
    assert_eq!(p["version"]["digest"], digest.as_str());
    assert_eq!(p["both_signed"], true, "{r:#}");
    assert_eq!(r["commit"]["date"], "2026-02-05");
    // Revision 3 is committed and in effect on 2026-07-01, but the plan still pins revision 2.
    let r = repo.history_json(&["payroll", "--as-of", "2026-07-01"]);
    let p = &r["plans"][0];
    assert_eq!(p["version"]["file"], "plans/plans/batch-payroll.kdl", "{r:#}");
    assert_eq!(p["version"]["commit"]["id"], retitle.as_str(), "a rename is not a new version");
    assert_eq!(p["version"]["revision_in_effect"], 3);
    assert_eq!(p["implements_revision_in_effect"], false);
    assert_eq!(p["both_signed"], true);
    let out = repo.history(&["--as-of", "2026-07-01"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("plans in force on 2026-07-01"), "{}", out.stdout);
    assert!(out.stdout.contains("NO"), "{}", out.stdout);
    // Before the first commit nothing was in force.
    let out = repo.history(&["--as-of", "2025-12-31"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no commit is dated on or before 2025-12-31"), "{}", out.stderr);
}

#[test]
fn history_follows_a_merged_branch() {
    let repo = GitRepo::new();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.edit("plans/payroll.kdl", "\"Payroll\"", "\"Payroll on the branch\"");
    repo.add("plans/payroll.kdl");
    let branch = repo.commit("change on a branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.kdl.txt", "unrelated");
    repo.git(&["add", "-A"]);
    repo.commit("unrelated change on main");
    let stamp = "2026-03-01T10:00:00Z";
    let out = repo.git_in(
        repo.path(),
        &["merge", "-q", "--no-ff", "-m", "merge", "feature"],
        &[("GIT_AUTHOR_DATE", stamp), ("GIT_COMMITTER_DATE", stamp)],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let h = repo.history_json(&["payroll"]);
    let ids: Vec<&str> =
        h["plans"][0]["versions"].as_array().unwrap().iter().map(|v| v["commit"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{h:#}");
    assert_eq!(ids[0], branch, "the branch commit is the version, not the merge");
    // In force after the merge: the branch's version.
    let r = repo.history_json(&["payroll", "--as-of", "2026-03-01"]);
    assert_eq!(r["plans"][0]["version"]["commit"]["id"], branch.as_str(), "{r:#}");
}

#[test]
fn history_reports_unreadable_versions_and_continues() {
    let repo = GitRepo::new();
    let text = repo.read("plans/payroll.kdl").replace("\"Payroll\"", "\"Payroll Müller\"");
    let latin1: Vec<u8> = text.chars().map(|c| if c == 'ü' { 0xFC } else { c as u8 }).collect();
    repo.write("plans/payroll.kdl", latin1);
    repo.add("plans/payroll.kdl");
    let latin = repo.commit("saved as Latin-1");
    repo.write("plans/payroll.kdl", text.replace("title", "titel"));
    repo.add("plans/payroll.kdl");
    let invalid = repo.commit("a misspelt node");
    repo.write("plans/payroll.kdl", text);
    repo.add("plans/payroll.kdl");
    let fixed = repo.commit("UTF-8 again");
    let h = repo.history_json(&["payroll"]);
    let versions = h["plans"][0]["versions"].as_array().unwrap();
    let ids: Vec<&str> = versions.iter().map(|v| v["commit"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "{h:#}");
    assert_eq!(ids[..3], [fixed.as_str(), invalid.as_str(), latin.as_str()]);
    assert_eq!(versions[2]["valid"], false);
    assert_eq!(versions[2]["digest"], Value::Null);
    assert!(versions[2]["problem"].as_str().unwrap().contains("UTF-8"), "{h:#}");
    assert_eq!(versions[1]["valid"], false);
    let problems: Vec<&str> = h["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(problems, ["GIT003", "GIT002"], "{h:#}");
    // In the table, problems go to stderr as warnings; the exit code stays 0.
    let out = repo.history(&["payroll"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("warning[GIT002]"), "{}", out.stderr);
    assert!(out.stdout.contains("(not UTF-8)"), "{}", out.stdout);
}

#[test]
fn history_of_a_shallow_clone_says_how_to_fetch_the_history() {
    let repo = GitRepo::new();
    repo.edit("plans/payroll.kdl", "\"Payroll\"", "\"Payroll batch\"");
    repo.add("plans/payroll.kdl");
    repo.commit("retitle");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let out = repo.git_in(clones.path(), &["clone", "-q", "--depth", "1", &url, "shallow"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = repo.run_in(&clones.path().join("shallow"), &["history", "--repo", "plans"], &[]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
}

#[test]
fn history_of_an_unknown_plan_exits_2_with_a_suggestion() {
    let repo = GitRepo::new();
    let out = repo.history(&["payrol"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no plan `payrol`"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `payroll`?"), "{}", out.stderr);
    let out = repo.history(&["--as-of", "2026-13-01"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid --as-of"), "{}", out.stderr);
}

#[test]
fn history_names_the_folder_last_after_the_plans_or_after_a_double_dash() {
    let repo = GitRepo::new();
    let last = repo.run(&["history", "--format", "json", "payroll", "plans"]);
    assert_eq!(last.code, 0, "{}", last.stderr);
    let v: Value = serde_json::from_str(&last.stdout).unwrap();
    assert_eq!(v["plans"][0]["plan"], "payroll");
    let dashed = repo.run(&["history", "--format", "json", "payroll", "--", "plans"]);
    let former = repo.run(&["history", "--format", "json", "payroll", "--repo", "plans"]);
    assert_eq!(dashed.stdout, last.stdout);
    assert_eq!(former.stdout, last.stdout);
    // a folder named like a plan is ambiguous: said, with both ways out
    repo.write("payroll/README.md", "notes");
    let plans = repo.path().join("plans");
    let out = repo.run_in(&plans, &["history", "payroll"], &[]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("`payroll` is both a plan id and a folder"), "{}", out.stderr);
    assert!(out.stderr.contains("`contingent history payroll -- .` for the plan"), "{}", out.stderr);
    let out = repo.run_in(&plans, &["history", "--format", "json", "payroll", "--", "."], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, last.stdout);
}

#[test]
fn history_markdown_is_a_table_per_plan() {
    let (repo, _) = repo_with_history();
    let out = repo.history(&["--format", "markdown"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("# Plan history"), "{}", out.stdout);
    assert!(out.stdout.contains("## payroll"), "{}", out.stdout);
    assert!(out.stdout.contains("| commit | date | author |"), "{}", out.stdout);
    let out = repo.history(&["--format", "markdown", "--as-of", "2026-07-01"]);
    assert!(out.stdout.contains("| payroll | `"), "{}", out.stdout);
}

/// `check --history`: a plan whose meaning changed in a commit after its last exercise is
/// reported with the commit's date and the kinds of change; a new title is no change of
/// meaning; uncommitted changes count as of the check date; an exercise after the change ends it.
#[test]
fn a_plan_changed_in_meaning_after_its_last_exercise_is_reported_with_history() {
    let repo = GitRepo::new(); // committed on 2026-01-10; the tabletop was held on 2026-05-01
    let check = |extra: &[&str]| {
        let (_, v, _) = repo.check(extra);
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "EXR011")
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(check(&["--history"]).is_empty(), "changed only before the exercise");
    repo.edit(
        "plans/payroll.kdl",
        "        step \"Inform the application owner\"\n",
        "        step \"Inform the application owner\"\n        step \"Record the measures in the ticket\"\n",
    );
    repo.git(&["add", "-A"]);
    let step = repo.commit_on("2026-06-01", "a step more");
    repo.edit("plans/payroll.kdl", "title \"Payroll\"", "title \"Payroll (batch)\"");
    repo.git(&["add", "-A"]);
    repo.commit_on("2026-07-01", "a new title");
    let short = &step[..7];
    let found = check(&["--history"]);
    assert_eq!(
        found,
        [format!("plan `payroll` changed in meaning on 2026-06-01 (commit {short}) after its last exercise `ex-2026-tabletop` on 2026-05-01: step-added")]
    );
    assert!(check(&[]).is_empty(), "only with --history");
    assert_eq!(check(&["--history", "--staged"]), found, "the index holds what HEAD holds");
    // not yet committed: as of the check date
    repo.edit(
        "plans/payroll.kdl",
        "level 2 notify=anna.schmidt within=\"1h\"",
        "level 2 notify=anna.schmidt within=\"2h\"",
    );
    assert_eq!(
        check(&["--history"]),
        ["plan `payroll` changed in meaning in the checked content, not yet committed after its last exercise `ex-2026-tabletop` on 2026-05-01: escalation-time"]
    );
    // exercised on the day of the change: dates are days, the exercise counts for it
    repo.edit("plans/payroll.kdl", "within=\"2h\"", "within=\"1h\"");
    repo.edit("exercises/2026-tabletop.kdl", "date \"2026-05-01\"", "date \"2026-06-01\"");
    assert!(check(&["--history"]).is_empty());
    // exercised again after the change: nothing to say
    repo.edit("exercises/2026-tabletop.kdl", "date \"2026-06-01\"", "date \"2026-08-01\"");
    assert!(check(&["--history"]).is_empty());
}
