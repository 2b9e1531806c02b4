//! The Git side when the attacker can push branches and open pull requests: each test builds the
//! attack with real repositories (the `git` command, keys made by `ssh-keygen`) in temporary
//! folders and runs the real binary on it, with an isolated Git configuration and fixed dates.

mod common;
use common::{copy_dir, fixture, output, Output, Tree};

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const AS_OF: &str = "2026-11-01";
const P: &str = "plans/payroll.kdl";

/// A copy of the minimal fixture at the root of a Git repository; `home` is the fixed `HOME`
/// (and holds private keys).
struct G {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Tree for G {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl G {
    /// The fixture, not yet a Git repository.
    fn files() -> G {
        let g = G { dir: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap() };
        copy_dir(&fixture("minimal"), g.path());
        g
    }

    /// The fixture committed on `main` on 2026-10-01.
    fn new() -> G {
        let g = G::files();
        g.git(&["init", "-q", "-b", "main"], "2026-10-01");
        g.commit("plan repository", "2026-10-01");
        g
    }

    fn isolate<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        common::isolate(cmd)
            .env("HOME", self.home.path())
            .env("NO_COLOR", "1")
            .env("CONTINGENT_ALLOW_UNSIGNED", "1")
            .current_dir(self.path())
    }

    /// `git ARGS` with author and committer dated `date`; fails the test when git fails.
    fn git(&self, args: &[&str], date: &str) -> String {
        let out = self.git_out(args, date);
        assert_eq!(out.code, 0, "git {args:?}: {}{}", out.stdout, out.stderr);
        out.stdout.trim().to_string()
    }

    fn git_out(&self, args: &[&str], date: &str) -> Output {
        let stamp = format!("{date}T10:00:00Z");
        let mut cmd = Command::new("git");
        self.isolate(&mut cmd)
            .args(args)
            .env("GIT_AUTHOR_NAME", "Anna Schmidt")
            .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_COMMITTER_NAME", "Anna Schmidt")
            .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
            .env("GIT_AUTHOR_DATE", &stamp)
            .env("GIT_COMMITTER_DATE", &stamp);
        output(cmd.output().expect("git is installed"))
    }

    /// Commits everything; returns the commit id.
    fn commit(&self, message: &str, date: &str) -> String {
        self.git(&["add", "-A"], date);
        self.git(&["commit", "-q", "--allow-empty", "-m", message], date);
        self.git(&["rev-parse", "HEAD"], date)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_contingent"));
        self.isolate(&mut cmd).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        output(cmd.output().expect("the binary runs"))
    }

    /// `check . --format json --as-of AS_OF EXTRA`: exit code and report.
    fn check(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["check", ".", "--format", "json", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let v = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}), exit {}: {}{}", out.code, out.stdout, out.stderr));
        (out.code, v)
    }

    /// A command that cannot run: exit code 2, nothing on stdout; returns stderr.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        out.stderr
    }

    fn key(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Makes an Ed25519 key pair with `ssh-keygen`; returns the public key line.
    fn keygen(&self, name: &str) -> String {
        let path = self.key(name);
        let mut cmd = Command::new("ssh-keygen");
        self.isolate(&mut cmd).args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"]).arg(&path);
        let out = output(cmd.output().expect("ssh-keygen is installed (Debian: openssh-client)"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        std::fs::read_to_string(format!("{}.pub", path.display())).unwrap().trim().to_string()
    }

    fn add_key(&self, file: &str, contact: &str, line: &str) {
        let head = format!("contact {contact} {{\n");
        self.edit(file, &head, &format!("{head}    key \"{line}\"\n"));
    }

    /// Keys for the approvers anna.schmidt (client) and jan.peters (provider).
    fn with_keys(self) -> G {
        for (file, who) in [("contacts/bank.kdl", "anna.schmidt"), ("contacts/dc.kdl", "jan.peters")] {
            let line = self.keygen(who);
            self.add_key(file, who, &line);
        }
        self
    }

    fn sign(&self, plan: &str, party: &str, who: &str, key: &str, date: &str) {
        let key = self.key(key);
        let out = self.run(&[
            "sign",
            plan,
            "--party",
            party,
            "--as",
            who,
            "--key",
            key.to_str().unwrap(),
            "--as-of",
            date,
            ".",
        ]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
}

/// The codes and files (relative to the repository) of a JSON report, sorted.
fn findings(report: &Value, g: &G) -> Vec<(String, String, String)> {
    let root = format!("{}/", g.path().display());
    let mut out: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap_or("").trim_start_matches(&root).to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// 1. A tag named like the remote-tracking branch must not stand in for it

#[test]
fn a_revision_that_names_a_tag_and_a_remote_branch_is_refused_with_both_full_names() {
    let g = G::new();
    let reviewed = g.git(&["rev-parse", "HEAD"], "2026-10-01");
    g.edit(P, "notify=dc-duty", "notify=dc-dutty");
    let broken = g.commit("a broken reference", "2026-10-02");
    // origin/main is the reviewed commit; the attacker's tag `origin/main` names the broken one
    g.git(&["update-ref", "refs/remotes/origin/main", &reviewed], "2026-10-02");
    g.git(&["tag", "origin/main", &broken], "2026-10-02");
    let (r, b) = (&reviewed[..7], &broken[..7]);
    let expected = |rev: &str| {
        let rest = rev.trim_start_matches("origin/main");
        format!(
            "the revision `{rev}` is ambiguous: `origin/main` names refs/tags/origin/main (commit {b}) and refs/remotes/origin/main (commit {r}); give the full name of the one you mean, e.g. `refs/tags/origin/main{rest}` (a full ref name or a full commit id is never ambiguous)"
        )
    };
    let runs: [&[&str]; 7] = [
        &["check", ".", "--rev", "origin/main"],
        &["check", ".", "--changed-since", "origin/main"],
        &["check", ".", "--rev", "HEAD", "--trust", "origin/main"],
        &["check", ".", "--rev", "origin/main~0"],
        &["diff", "origin/main", "HEAD", "."],
        &["review", ".", "--dry-run", "--base", "origin/main", "--head", "HEAD"],
        &["review", ".", "--dry-run", "--base", "HEAD", "--head", "origin/main"],
    ];
    for args in runs {
        let stderr = g.refused(&[args, &["--as-of", AS_OF]].concat());
        let rev = args.iter().find(|a| a.starts_with("origin/")).unwrap();
        assert!(stderr.contains(&expected(rev)), "{args:?}: {stderr}");
    }
    // the full names and the full commit ids each name one commit
    for (rev, clean) in [
        ("refs/remotes/origin/main", true),
        ("refs/tags/origin/main", false),
        (reviewed.as_str(), true),
        (broken.as_str(), false),
    ] {
        let (code, v) = g.check(&["--rev", rev]);
        assert_eq!(code == 0, clean, "{rev}: {v}");
        assert_eq!(codes(&v).contains(&"REF002".to_string()), !clean, "{rev}: {v}");
    }
    let (code, v) = g.check(&["--changed-since", "refs/remotes/origin/main"]);
    assert_eq!(code, 1, "{v}");
    assert!(codes(&v).contains(&"REF002".to_string()), "{v}");
    // a short name that only one ref matches still works
    let (code, _) = g.check(&["--rev", "main"]);
    assert_eq!(code, 1);
}

#[test]
fn a_branch_named_like_a_full_commit_id_does_not_replace_the_commit() {
    let g = G::new();
    let reviewed = g.git(&["rev-parse", "HEAD"], "2026-10-01");
    g.edit(P, "notify=dc-duty", "notify=dc-dutty");
    let broken = g.commit("a broken reference", "2026-10-02");
    // Git itself would take the branch (with a warning); a full object id names the object
    g.git(&["update-ref", &format!("refs/heads/{reviewed}"), &broken], "2026-10-02");
    let (code, v) = g.check(&["--rev", &reviewed]);
    assert_eq!(code, 0, "{v}");
    // an abbreviated id that is also a branch name is ambiguous
    let short = &reviewed[..12];
    g.git(&["update-ref", &format!("refs/heads/{short}"), &broken], "2026-10-02");
    let stderr = g.refused(&["check", ".", "--rev", short, "--as-of", AS_OF]);
    assert!(
        stderr.contains(&format!(
            "the revision `{short}` is ambiguous: `{short}` names refs/heads/{short} (commit {}) and the object {reviewed};",
            &broken[..7]
        )),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. `sign --roster` never writes through a committed link

#[test]
fn sign_roster_does_not_write_through_a_link_at_any_temporary_name() {
    use std::os::unix::fs::symlink;
    let g = G::files().with_keys();
    let precious = g.home.path().join("precious");
    std::fs::write(&precious, "precious").unwrap();
    std::fs::create_dir_all(g.path().join("signoffs")).unwrap();
    // the name the write used before, and the names `replace` uses (`.NAME.PID.tmp`) for the
    // process ids the next processes are likely to get (a leftover there is removed anyway)
    let mut names = vec!["roster-client.kdl.tmp".to_string(), "roster-client.tmp".to_string()];
    if let Ok(last) = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid") {
        let last: u32 = last.trim().parse().unwrap();
        names.extend((last + 1..last + 400).map(|pid| format!(".roster-client.kdl.{pid}.tmp")));
    }
    for name in &names {
        symlink(&precious, g.path().join("signoffs").join(name)).unwrap();
    }
    g.git(&["init", "-q", "-b", "main"], "2026-10-01");
    g.commit("links at the temporary names", "2026-10-01");
    // a roster change to sign: a second key for the approver
    let spare = g.keygen("spare");
    g.add_key("contacts/bank.kdl", "anna.schmidt", &spare);
    let key = g.key("anna.schmidt");
    let out = g.run(&[
        "sign",
        "--roster",
        "client",
        "--as",
        "anna.schmidt",
        "--key",
        key.to_str().unwrap(),
        "--as-of",
        "2026-10-02",
        ".",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious", "written through a link");
    let written = std::fs::symlink_metadata(g.path().join("signoffs/roster-client.kdl")).unwrap();
    assert!(written.file_type().is_file());
    assert!(g.read("signoffs/roster-client.kdl").contains("contingent-roster-v2\n        party client\n"));
    // no temporary file is left behind, and the planted links were not followed
    for e in std::fs::read_dir(g.path().join("signoffs")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        assert!(name == "roster-client.kdl" || e.file_type().unwrap().is_symlink(), "{name} left behind");
    }
    // a link at the roster's own name is refused, and nothing is written
    std::fs::remove_file(g.path().join("signoffs/roster-client.kdl")).unwrap();
    symlink(&precious, g.path().join("signoffs/roster-client.kdl")).unwrap();
    let out = g.run(&[
        "sign",
        "--roster",
        "client",
        "--as",
        "anna.schmidt",
        "--key",
        key.to_str().unwrap(),
        "--as-of",
        "2026-10-02",
        ".",
    ]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("the sign-off file signoffs/roster-client.kdl goes through the symbolic link signoffs/roster-client.kdl: `contingent sign` writes only inside the repository"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
}

// ---------------------------------------------------------------------------------------------
// 7. Ids that differ only in case

#[test]
fn ids_that_differ_only_in_case_are_an_error_at_both_definitions() {
    let g = G::files();
    g.edit(
        "contacts/bank.kdl",
        "contact bernd.mueller {",
        "contact Anna.Schmidt {\n    party bank\n    name \"Anna Schmidt\"\n    email \"a.schmidt@bank.example\" available=business-hours\n    verified \"2026-09-01\"\n}\ncontact bernd.mueller {",
    );
    g.write("plans/Payroll.kdl", &g.read(P).replacen("plan payroll {", "plan Payroll {", 1));
    g.edit(
        "contingent.kdl",
        "party tel role=carrier",
        "party TEL role=carrier name=\"Example Telecom\"\nparty tel role=carrier",
    );
    let (code, v) = g.check(&[]);
    assert_eq!(code, 1, "{v:#}");
    let found: Vec<(String, String, String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "REF005")
        .map(|d| {
            let at = |l: &Value| format!("{}:{}", l["file"].as_str().unwrap(), l["start"]["line"]);
            (
                at(&d["location"]),
                d["message"].as_str().unwrap().to_string(),
                d["label"].as_str().unwrap().to_string(),
                format!("{} {}", at(&d["related"][0]), d["related"][0]["message"].as_str().unwrap()),
                d["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let help = "ids are compared exactly; give each its own name".to_string();
    assert_eq!(
        found,
        [
            (
                "contacts/bank.kdl:11".to_string(),
                "contact ids `Anna.Schmidt` and `anna.schmidt` differ only in case".to_string(),
                "`Anna.Schmidt` is defined here".to_string(),
                "contacts/bank.kdl:1 `anna.schmidt` is defined here".to_string(),
                help.clone()
            ),
            (
                "contingent.kdl:5".to_string(),
                "party ids `tel` and `TEL` differ only in case".to_string(),
                "`tel` is defined here".to_string(),
                "contingent.kdl:4 `TEL` is defined here".to_string(),
                help.clone()
            ),
            (
                "plans/payroll.kdl:1".to_string(),
                "plan ids `payroll` and `Payroll` differ only in case".to_string(),
                "`payroll` is defined here".to_string(),
                "plans/Payroll.kdl:1 `Payroll` is defined here".to_string(),
                help
            ),
        ],
        "{v:#}"
    );
    assert_eq!(
        v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "REF005").unwrap()["severity"],
        "error"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Chains of symbolic links: the work tree and Git read the same files

#[test]
fn chains_of_links_are_read_alike_from_the_work_tree_and_from_git() {
    use std::os::unix::fs::symlink;
    let g = G::files();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.kdl"), "contact evil { party bank; name \"x\"; verified \"2026-01-01\" }\n")
        .unwrap();
    // the plan file is a chain of two links to a version with a broken reference
    let plan = g.read(P).replacen("covers payroll-app", "covers payroll-ap", 1);
    g.write("shared/v2.kdl", &plan);
    std::fs::remove_file(g.path().join(P)).unwrap();
    symlink("../shared/current.kdl", g.path().join(P)).unwrap();
    symlink("v2.kdl", g.path().join("shared/current.kdl")).unwrap();
    // a link to a link that points out of the repository
    let out = format!("{}/x.kdl", outside.path().display());
    symlink(&out, g.path().join("shared/out.kdl")).unwrap();
    symlink("../shared/out.kdl", g.path().join("contacts/extra.kdl")).unwrap();
    symlink("../shared/up.kdl", g.path().join("contacts/up.kdl")).unwrap();
    symlink("../../x.kdl", g.path().join("shared/up.kdl")).unwrap();
    // a chain that ends nowhere, and a loop
    symlink("../shared/gone.kdl", g.path().join("contacts/gone.kdl")).unwrap();
    symlink("nothing.kdl", g.path().join("shared/gone.kdl")).unwrap();
    symlink("loop-b.kdl", g.path().join("contacts/loop-a.kdl")).unwrap();
    symlink("loop-a.kdl", g.path().join("contacts/loop-b.kdl")).unwrap();
    g.git(&["init", "-q", "-b", "main"], "2026-10-01");
    g.commit("plans behind links", "2026-10-01");

    let (work_code, work) = g.check(&[]);
    let expected = vec![
        (
            "FILE004".to_string(),
            "contacts/extra.kdl".to_string(),
            format!("contacts/extra.kdl is a symbolic link to {out}, outside the repository; not followed"),
        ),
        (
            "FILE004".to_string(),
            "contacts/up.kdl".to_string(),
            "contacts/up.kdl is a symbolic link to ../../x.kdl, outside the repository; not followed".to_string(),
        ),
        (
            "FILE006".to_string(),
            "contacts/gone.kdl".to_string(),
            "contacts/gone.kdl is not checked: it is a symbolic link to ../shared/gone.kdl, a chain of 2 links that ends at shared/nothing.kdl, which does not exist".to_string(),
        ),
        (
            "FILE006".to_string(),
            "contacts/loop-a.kdl".to_string(),
            "contacts/loop-a.kdl is not checked: it is a symbolic link to loop-b.kdl in a loop of links (or a chain of more than 40)".to_string(),
        ),
        (
            "FILE006".to_string(),
            "contacts/loop-b.kdl".to_string(),
            "contacts/loop-b.kdl is not checked: it is a symbolic link to loop-a.kdl in a loop of links (or a chain of more than 40)".to_string(),
        ),
        ("REF002".to_string(), P.to_string(), "no system or interface is named `payroll-ap`".to_string()),
    ];
    assert_eq!(work_code, 1);
    for (source, extra) in [("work tree", &[][..]), ("HEAD", &["--rev", "HEAD"][..]), ("index", &["--staged"][..])] {
        let (code, v) = g.check(extra);
        assert_eq!(code, 1, "{source}: {v:#}");
        let got: Vec<(String, String, String)> =
            findings(&v, &g).into_iter().filter(|(c, _, _)| c.starts_with("FILE") || c == "REF002").collect();
        assert_eq!(got, expected, "{source}");
        // before, Git dropped the first link of a chain without a word, and the plan was missing
        assert_eq!(findings(&v, &g), findings(&work, &g), "{source} differs from the work tree");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. The action checks a push against the previous tip

/// The script of the action's `contingent check` step, as the runner would run it.
fn action_check_script() -> String {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let step = &action[action.find("      id: check\n").expect("the check step")..];
    let run = &step[step.find("      run: |\n").expect("its script") + "      run: |\n".len()..];
    let mut script = String::from("set -eo pipefail\n");
    for line in run.lines() {
        if !line.is_empty() && !line.starts_with("        ") {
            break;
        }
        script.push_str(line.get(8..).unwrap_or(""));
        script.push('\n');
    }
    script
}

impl G {
    /// Runs the action's check step on a `push` event whose previous tip is `before`.
    fn action_on_push(&self, before: &str) -> Output {
        common::require("jq");
        let runner = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(runner.path().join("contingent/bin")).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_contingent"), runner.path().join("contingent/bin/contingent"))
            .unwrap();
        let mut cmd = Command::new("bash");
        self.isolate(&mut cmd)
            .arg("-c")
            .arg(action_check_script())
            .env("CONTINGENT_ALLOW_UNSIGNED", "0")
            .env("RUNNER_TEMP", runner.path())
            .env("GITHUB_OUTPUT", runner.path().join("output"))
            .env("PLANS", ".")
            .env("BASE", "")
            .env("ALL", "false")
            .env("AS_OF", AS_OF)
            .env("FAIL_ON", "error")
            .env("SARIF", "false")
            .env("EVENT", "push")
            .env("BEFORE", before);
        output(cmd.output().expect("bash runs"))
    }
}

#[test]
fn the_action_checks_a_push_against_the_previous_tip_so_it_cannot_approve_itself() {
    let g = G::files().with_keys();
    g.git(&["init", "-q", "-b", "main"], "2026-10-01");
    g.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-01");
    g.sign("payroll", "provider", "jan.peters", "jan.peters", "2026-10-01");
    let before = g.commit("payroll, signed", "2026-10-01");
    // the pushed change: the plan, a key of the attacker's for the client's approver, signed with it
    g.edit(P, "within=\"1h\"", "within=\"45m\"");
    let mallory = g.keygen("mallory");
    g.add_key("contacts/bank.kdl", "anna.schmidt", &mallory);
    g.sign("payroll", "client", "anna.schmidt", "mallory", "2026-10-05");
    g.sign("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    g.commit("payroll: level 2 in 45m", "2026-10-05");
    // checked without a base, the change approves itself
    let (code, v) = g.check(&["--rev", "HEAD"]);
    assert_eq!((code, codes(&v)), (0, Vec::<String>::new()), "{v:#}");
    for (before, log) in [
        (before.clone(), format!("push: trusted base {before}, the previous tip of the branch (github.event.before)")),
        (
            "0".repeat(40),
            format!("push: github.event.before is all zeros (a new branch)\npush: trusted base HEAD~1 ({before}), the first parent of the pushed commit"),
        ),
        (
            "1".repeat(40),
            format!("push: github.event.before {} is not in the clone (fetch-depth: 0 fetches it)\npush: trusted base HEAD~1 ({before})", "1".repeat(40)),
        ),
    ] {
        let out = g.action_on_push(&before);
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(&log), "{}", out.stdout);
        assert!(out.stdout.contains("--changed-since"), "{}", out.stdout);
        assert!(out.stdout.contains("SIG017") && out.stdout.contains("SIG018"), "{}", out.stdout);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. A history of its own, merged in, does not bring its own trusted rosters

#[test]
fn history_does_not_trust_the_rosters_of_an_orphan_branch_merged_in() {
    let g = G::files().with_keys();
    g.git(&["init", "-q", "-b", "main"], "2026-10-01");
    g.sign("payroll", "client", "anna.schmidt", "anna.schmidt", "2026-10-01");
    g.sign("payroll", "provider", "jan.peters", "jan.peters", "2026-10-01");
    let root = g.commit("payroll, signed", "2026-10-01");
    // the orphan branch: a client approver of the attacker's, and the changed plan signed by them
    g.git(&["checkout", "-q", "--orphan", "evil"], "2026-10-05");
    let mallory = g.keygen("mallory");
    g.edit(
        "contacts/bank.kdl",
        "contact bernd.mueller {",
        &format!("contact mallory {{\n    key \"{mallory}\"\n    party bank\n    name \"Mallory\"\n    deputy anna.schmidt\n    verified \"2026-10-01\"\n    may-approve #true\n}}\ncontact bernd.mueller {{"),
    );
    g.edit(P, "within=\"1h\"", "within=\"45m\"");
    g.sign("payroll", "client", "mallory", "mallory", "2026-10-05");
    g.sign("payroll", "provider", "jan.peters", "jan.peters", "2026-10-05");
    let orphan = g.commit("payroll: level 2 in 45m", "2026-10-05");
    // merged into main through a second parent, its content taken
    g.git(&["checkout", "-q", "main"], "2026-10-06");
    g.git(&["merge", "-q", "--allow-unrelated-histories", "--no-commit", "-s", "ours", "evil"], "2026-10-06");
    g.git(&["checkout", "evil", "--", "."], "2026-10-06");
    g.commit("merge evil", "2026-10-06");

    let out = g.run(&["history", "payroll", "--format", "json", "--", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let versions = v["plans"][0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{v:#}");
    let new = &versions[0];
    assert_eq!(new["commit"]["id"], orphan.as_str(), "{v:#}");
    for state in ["signed", "signed_until_replaced"] {
        assert_eq!(new[state]["client"], false, "{state}: {v:#}");
        assert_eq!(new[state]["provider"], true, "{state}: {v:#}");
        assert_eq!(new[state]["signed_with_untrusted_key"], serde_json::json!(["client"]), "{state}: {v:#}");
    }
    assert_eq!(versions[1]["commit"]["id"], root.as_str());
    assert_eq!(versions[1]["signed"]["client"], true);
    let problems: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "SIG018")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    let (o, r) = (&orphan[..7], &root[..7]);
    assert!(
        problems.iter().any(|m| m.starts_with(&format!(
            "contacts at {o}: commit {o} starts a history of its own (it has no parent, and HEAD's first-parent history starts at {r}; it came in through a merge); its client's approver roster differs from the one trusted from {r} (added or changed mallory SHA256:"
        )) && m.contains("and no approver of that roster (anna.schmidt) signed it (`contingent sign --roster client`), so it is not trusted")),
        "{problems:#?}"
    );
    // as of the day after the merge, the version in force is not approved by the client
    let out = g.run(&["history", "payroll", "--as-of", "2026-10-07", "--format", "json", "--", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["plans"][0]["both_signed"], false, "{v:#}");
}

// ---------------------------------------------------------------------------------------------
// 5. One implausible committer date refuses `history --as-of` only where it changes the answer

#[test]
fn a_commit_dated_2099_refuses_history_as_of_only_where_it_changes_the_answer() {
    let g = G::files();
    g.git(&["init", "-q", "-b", "main"], "2026-01-10");
    let c1 = g.commit("payroll v1", "2026-01-10");
    let c2 = g.commit("a commit from a machine with a wrong clock", "2099-01-01");
    let c3 = g.commit("an unrelated change", "2026-03-01");
    let short = |c: &str| c[..7].to_string();
    let backwards = format!(
        "committer dates go backwards along HEAD's first-parent history: commit {} is dated 2026-03-01, but commit {} it builds on is dated 2099-01-01",
        short(&c3),
        short(&c2)
    );
    let same = |g: &G| {
        let out = g.run(&["history", "payroll", "--as-of", "2026-04-01", "--format", "json", "--", "."]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["commit"]["id"], c3.as_str(), "{v:#}");
        assert_eq!(v["plans"][0]["version"]["commit"]["id"], c1.as_str(), "{v:#}");
        assert_eq!(
            v["notes"],
            serde_json::json!([format!(
                "{backwards}: one of these dates is wrong, so the state of 2026-04-01 could be commit {}, commit {}; the answer is the same for each",
                short(&c1),
                short(&c3)
            )]),
            "{v:#}"
        );
        // in a table, the note goes to stderr
        let out = g.run(&["history", "payroll", "--as-of", "2026-04-01", "--", "."]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.starts_with(&format!("note: {backwards}: one of these dates is wrong")), "{}", out.stderr);
    };
    // payroll is the same whichever date is right: answered, with a note
    same(&g);
    // a new version after the implausible date: on a date after it, the answer depends on
    // which date is right
    g.edit(P, "within=\"1h\"", "within=\"45m\"");
    let c4 = g.commit("payroll v2", "2026-05-01");
    let out = g.run(&["history", "payroll", "--as-of", "2026-06-01", "--", "."]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!(
            "history --as-of 2026-06-01 cannot be answered: {backwards} (plan `payroll`: version {}, not signed by both as of commit {}, version {}, not signed by both as of commit {}); which version was in force on 2026-06-01 cannot be told from these dates, so none is reported rather than a possibly wrong one",
            short(&c1),
            short(&c1),
            short(&c4),
            short(&c4)
        )),
        "{}",
        out.stderr
    );
    // before the new version, the answer still holds
    same(&g);
}
