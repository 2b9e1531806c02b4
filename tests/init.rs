//! `contingent init`: the scaffold checks clean apart from its sign-offs, never overwrites, and
//! survives hostile names.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "2026-03-01";

fn init(dir: &Path, client: &str, provider: &str) -> Output {
    run_in(
        dir.parent().unwrap(),
        &["init", dir.to_str().unwrap(), "--client", client, "--provider", provider, "--as-of", AS_OF],
        &[],
    )
}

/// `check --allow-unsigned --format json` as of the scaffold's date, with no tolerance from the
/// environment: only the documented flag.
fn check(dir: &Path, extra: &[&str]) -> (i32, Value) {
    check_on(dir, AS_OF, extra)
}

fn check_on(dir: &Path, as_of: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", dir.to_str().unwrap(), "--format", "json", "--as-of", as_of];
    args.extend_from_slice(extra);
    let out = run_in(dir, &args, &[("CONTINGENT_ALLOW_UNSIGNED", "0")]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    (out.code, v)
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_new_repository_checks_clean_apart_from_its_sign_offs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plans");
    let out = init(&dir, "Example Bank AG", "Example Data Centre GmbH");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // the next steps name the exact command of a clean first run, and signing, the hook and the workflow
    let dir_text = dir.to_str().unwrap();
    for step in [
        format!("contingent check {dir_text} --allow-unsigned"),
        format!("contingent sign example-bank-ag-app --party client --as example-bank-ag-lead {dir_text}"),
        format!("contingent sign example-bank-ag-app --party provider --as example-data-centre-gmbh-lead {dir_text}"),
        format!("contingent hook install {dir_text}"),
        "plan-repository.yml".to_string(),
    ] {
        assert!(out.stdout.contains(&step), "missing {step:?} in\n{}", out.stdout);
    }
    let (code, report) = check(&dir, &["--allow-unsigned"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), ["SIG001"], "{report:#}");
    assert_eq!(report["summary"]["errors"], 0);
    // without the flag, the missing sign-offs (and nothing else) are errors
    let (code, report) = check(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["SIG001"], "{report:#}");
    // the scaffold is laid out as `contingent fmt` lays files out
    let out = run_in(&dir, &["fmt", "--check"], &[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    // every file carries comments for the reader
    for rel in ["contingent.kdl", "contacts/client.kdl", "plans/app.kdl", "exercises/app.kdl"] {
        assert!(std::fs::read_to_string(dir.join(rel)).unwrap().starts_with("// "), "{rel}");
    }
    // the human output of the documented command is what the README shows
    let out = run_in(&dir, &["check", "--allow-unsigned", "--as-of", AS_OF], &[("CONTINGENT_ALLOW_UNSIGNED", "0")]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("checked 7 files: 0 errors, 1 warning"), "{}", out.stdout);
}

#[test]
fn the_current_folder_is_the_default_and_the_date_comes_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(
        tmp.path(),
        &["init", "--client", "Bank", "--provider", "Provider"],
        &[("CONTINGENT_AS_OF", "2027-05-04")],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("contingent check --allow-unsigned\n"), "{}", out.stdout);
    assert!(out.stdout.contains("--party client --as bank-lead\n"), "{}", out.stdout);
    let contacts = std::fs::read_to_string(tmp.path().join("contacts/client.kdl")).unwrap();
    assert!(contacts.contains("verified \"2027-05-04\""), "{contacts}");
    let (code, report) = check_on(tmp.path(), "2027-05-04", &["--allow-unsigned"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), ["SIG001"]);
}

#[test]
fn it_never_overwrites_and_writes_nothing_when_one_file_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    std::fs::write(dir.join("plans/app.kdl"), "// mine\n").unwrap();
    let out = init(&dir, "Bank", "Provider");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("refusing to overwrite") && out.stderr.contains("app.kdl"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("plans/app.kdl")).unwrap(), "// mine\n");
    assert!(!dir.join("contingent.kdl").exists());
    assert!(!dir.join("contacts").exists());

    // a dangling symbolic link in the place of a file is not followed
    let dir = tmp.path().join("linked");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = tmp.path().join("victim.kdl");
    std::os::unix::fs::symlink(&victim, dir.join("contingent.kdl")).unwrap();
    let out = init(&dir, "Bank", "Provider");
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(!victim.exists());
    // a folder in the place of a folder the scaffold needs that is a link is refused too
    let dir = tmp.path().join("linked-folder");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(tmp.path(), dir.join("plans")).unwrap();
    let out = init(&dir, "Bank", "Provider");
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("not a folder"), "{}", out.stderr);

    // a second init over the first changes nothing
    let dir = tmp.path().join("twice");
    assert_eq!(init(&dir, "Bank", "Provider").code, 0);
    let before = std::fs::read_to_string(dir.join("contingent.kdl")).unwrap();
    let out = init(&dir, "Other", "Names");
    assert_eq!(out.code, 2);
    assert_eq!(std::fs::read_to_string(dir.join("contingent.kdl")).unwrap(), before);

    // a repository inside another is refused: the outer one would read its files
    let out = init(&dir.join("plans/inner"), "Bank", "Provider");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is inside the plan repository"), "{}", out.stderr);
    assert!(!dir.join("plans/inner").exists());
}

#[test]
fn hostile_names_are_escaped_and_give_valid_ids() {
    let names = [
        ("Bank \"Nord\" \\ AG", "Rechenzentrum Süd GmbH"),
        ("東京銀行", "!!!"),
        ("line\nbreak // not a comment\n} node", "tab\there\u{202e}rtl"),
        ("Same", "Same"),
        ("1&1 Versatel", "x\"; party evil role=client name=\"y"),
        ("#true", "/-"),
    ];
    for (i, (client, provider)) in names.iter().enumerate() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(format!("r{i}"));
        let out = init(&dir, client, provider);
        assert_eq!(out.code, 0, "{client:?} {provider:?}: {}", out.stderr);
        let (code, report) = check(&dir, &["--allow-unsigned"]);
        assert_eq!(code, 0, "{client:?} {provider:?}: {report:#}");
        assert_eq!(codes(&report), ["SIG001"], "{client:?} {provider:?}: {report:#}");
        // the names arrive exactly, as the parties' names
        let out = run_in(&dir, &["contacts", "--format", "json", "--as-of", AS_OF], &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let config = std::fs::read_to_string(dir.join("contingent.kdl")).unwrap();
        let doc: kdl::KdlDocument = config.parse().expect("the configuration is KDL");
        let parties: Vec<(String, String)> = doc
            .nodes()
            .iter()
            .filter(|n| n.name().value() == "party")
            .map(|n| {
                (
                    n.entry("role").unwrap().value().as_string().unwrap().to_string(),
                    n.entry("name").unwrap().value().as_string().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            parties,
            [("client".to_string(), client.to_string()), ("provider".to_string(), provider.to_string())]
        );
    }
    // empty names are refused with the fix
    let tmp = tempfile::tempdir().unwrap();
    let out = init(&tmp.path().join("e"), " ", "Provider");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--client needs a name"), "{}", out.stderr);
    assert!(!tmp.path().join("e").exists());
}

/// The printed next steps, followed: keys in the approvers' contacts, both parties sign, and the
/// repository checks clean without tolerating anything, then stays clean through `fmt`.
#[test]
fn following_the_next_steps_gives_a_clean_signed_repository() {
    require("ssh-keygen");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plans");
    assert_eq!(init(&dir, "Bank", "DC").code, 0);
    let keys = fixture("signoff/keys");
    for (contacts, key) in [("contacts/client.kdl", "anna.schmidt"), ("contacts/provider.kdl", "jan.peters")] {
        let private = tmp.path().join(key);
        std::fs::copy(keys.join(key), &private).unwrap();
        std::fs::set_permissions(&private, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        let public = std::fs::read_to_string(keys.join(format!("{key}.pub"))).unwrap();
        let path = dir.join(contacts);
        let text = std::fs::read_to_string(&path).unwrap().replacen(
            "    may-approve #true\n",
            &format!("    may-approve #true\n    key \"{}\" valid-after=\"2026-01-01\"\n", public.trim()),
            1,
        );
        std::fs::write(&path, text).unwrap();
    }
    let repo = dir.to_str().unwrap();
    for (party, signer, key) in [("client", "bank-lead", "anna.schmidt"), ("provider", "dc-lead", "jan.peters")] {
        let key = tmp.path().join(key);
        let out = run_in(
            tmp.path(),
            &[
                "sign",
                "bank-app",
                "--party",
                party,
                "--as",
                signer,
                "--key",
                key.to_str().unwrap(),
                repo,
                "--as-of",
                AS_OF,
            ],
            &[],
        );
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }
    let (code, report) = check(&dir, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), Vec::<String>::new(), "{report:#}");
    // `sign` writes its records as `fmt` lays files out
    let out = run_in(&dir, &["fmt", "--check"], &[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(out.stderr.contains("8 files formatted already"), "{}", out.stderr);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    isolate(&mut cmd);
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Anna Schmidt")
        .env("GIT_AUTHOR_EMAIL", "anna.schmidt@bank.example")
        .env("GIT_COMMITTER_NAME", "Anna Schmidt")
        .env("GIT_COMMITTER_EMAIL", "anna.schmidt@bank.example")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The repository `init` writes ignores the handbook's default folder; a `.gitignore` already
/// in the folder is the user's, kept as it is and no reason to stop.
#[test]
fn the_handbook_never_shows_in_git_status_and_a_gitignore_there_is_kept() {
    require("git");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plans");
    let out = init(&dir, "Bank", "DC");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("  .gitignore\n"), "{}", out.stdout);
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/handbook/"), "{ignore}");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "--no-gpg-sign", "-m", "plans"]);
    let out = run_in(&dir, &["handbook", "--as-of", AS_OF], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(dir.join("handbook/index.html").is_file());
    assert_eq!(git(&dir, &["status", "--porcelain", "--untracked-files=all"]), "");

    let dir = tmp.path().join("existing");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join(".gitignore"), "target/\n").unwrap();
    let out = init(&dir, "Bank", "DC");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("the .gitignore there was kept as it was"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(dir.join(".gitignore")).unwrap(), "target/\n");
    assert!(dir.join("contingent.kdl").is_file());
}
