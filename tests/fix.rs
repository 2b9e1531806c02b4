//! `check --fix`, `--unsafe-fixes` and `--diff` on the example with every kind of fixable
//! mistake: the safe fixes keep every plan's digest, the unsafe ones repair the rest, and what
//! is left are the findings no fix names.

mod common;

use common::{run_in, Repo};
use serde_json::Value;

fn example() -> Repo {
    Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"))
}

fn digests(repo: &Repo) -> Vec<(String, String)> {
    let out = run_in(repo.path(), &["export", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut d: Vec<(String, String)> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "plan")
        .map(|o| (o["id"].as_str().unwrap().to_string(), o["digest"].as_str().unwrap_or_default().to_string()))
        .collect();
    d.sort();
    d
}

fn codes(repo: &Repo) -> Vec<String> {
    let out = run_in(repo.path(), &["check", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn safe_fixes_keep_digests_and_unsafe_fixes_repair_the_rest() {
    let repo = example();
    let before = digests(&repo);
    // safe: a bare duration and KDL v1 booleans (the files do not parse until fixed)
    repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=15m");
    repo.edit("plans/payroll.kdl", "offsite #true", "offsite true");
    repo.edit("plans/core-banking.kdl", "affects-others=#false", "affects-others=false");
    // unsafe: a misspelled reference, a misspelled property, a missing member
    repo.edit("plans/wan-connectivity.kdl", "notify=", "notify=x");
    let wan = repo.read("plans/wan-connectivity.kdl");
    let at = wan.find("notify=x").unwrap() + "notify=x".len();
    let id: String = wan[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    let typo = format!("notify={}", &id[..id.len() - 1]);
    repo.write("plans/wan-connectivity.kdl", wan.replacen(&format!("notify=x{id}"), &typo, 1));
    repo.edit("plans/backup-restore.kdl", "    title ", "    titel ");

    // --diff shows and writes nothing
    let text = repo.read("plans/payroll.kdl");
    let out = run_in(repo.path(), &["check", "--diff"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("+        level 1 notify=rzn-duty-desk within=\"15m\""), "{}", out.stdout);
    assert!(out.stdout.contains("+        offsite #true"), "{}", out.stdout);
    assert!(!out.stdout.contains("titel"), "unsafe fixes are not shown without --unsafe-fixes: {}", out.stdout);
    assert_eq!(repo.read("plans/payroll.kdl"), text);
    // the JSON output carries the fixes, with their applicability
    let out = run_in(repo.path(), &["check", "--format", "json"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let kinds: Vec<&Value> =
        v["diagnostics"].as_array().unwrap().iter().filter_map(|d| d.get("fix")).map(|f| &f["applicability"]).collect();
    assert!(kinds.contains(&&Value::from("safe")) && kinds.contains(&&Value::from("unsafe")), "{kinds:?}");
    let out = run_in(repo.path(), &["check", "--format", "sarif"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"].as_str().is_some()));

    // --fix: the safe ones; the plans they touched mean what they meant
    let out = run_in(repo.path(), &["check", "--fix"], &[]);
    assert!(out.stderr.contains("applied 3 fixes in 2 files"), "{}", out.stderr);
    let after = digests(&repo);
    for (id, digest) in &before {
        if id == "payroll" || id == "core-banking" {
            assert!(after.contains(&(id.clone(), digest.clone())), "{id} changed: {after:?}");
        }
    }
    let left = codes(&repo);
    assert!(left.contains(&"REF002".to_string()) && left.contains(&"SCH001".to_string()), "{left:?}");

    // --unsafe-fixes: the guesses too; what is left is only what no fix names
    let out = run_in(repo.path(), &["check", "--unsafe-fixes"], &[]);
    assert!(out.stderr.contains("applied 2 fixes in 2 files"), "{}", out.stderr);
    assert!(repo.read("plans/wan-connectivity.kdl").contains(&format!("notify={id}")));
    assert!(repo.read("plans/backup-restore.kdl").contains("    title "));
    assert_eq!(digests(&repo), before, "the repaired plans are the plans that were signed");
    assert_eq!(codes(&repo), Vec::<String>::new());
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn a_missing_member_gets_a_placeholder_only_as_an_unsafe_fix() {
    let repo = example();
    let text = repo.read("contacts/hpb.kdl");
    let verified = text.lines().find(|l| l.trim_start().starts_with("verified ")).unwrap().to_string();
    repo.write("contacts/hpb.kdl", text.replacen(&format!("{verified}\n"), "", 1));
    let out = run_in(repo.path(), &["check", "--fix"], &[]);
    assert!(out.stderr.contains("applied 0 fixes"), "{}", out.stderr);
    let out = run_in(repo.path(), &["check", "--unsafe-fixes", "--diff"], &[]);
    assert!(out.stdout.contains("+    verified \"TODO\""), "{}", out.stdout);
    assert_eq!(out.code, 1);
}

/// `check --fix` writes a fixed file only over the bytes its first round read: a file saved in
/// between (by an editor, another run) is refused and keeps what was saved, the others are
/// written. The check and the write are called one after the other, with the save between them.
#[test]
fn a_file_that_changed_after_it_was_read_is_not_overwritten() {
    let repo = Repo::minimal();
    repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=15m");
    repo.edit("contacts/dc.kdl", "may-approve #true", "may-approve true");
    let tree = contingent::source::worktree::WorkTree::new(repo.path()).unwrap();
    let ctx = contingent::check::Context {
        as_of: contingent::units::Date::parse("2026-11-01").unwrap(),
        staged: false,
        allow_unsigned: true,
    };
    let outcome = contingent::fix::fix(&tree, &ctx, contingent::fix::Mode::Safe);
    let fixed: Vec<&str> = outcome.changed.keys().map(String::as_str).collect();
    assert_eq!(fixed, ["contacts/dc.kdl", "plans/payroll.kdl"]);

    // saved after the check read it, before the fixes are written
    let saved = repo.read("plans/payroll.kdl").replace("title \"Payroll\"", "title \"Payroll (monthly run)\"");
    repo.write("plans/payroll.kdl", &saved);

    let written = contingent::commands::check::write_fixed(repo.path(), &tree, &outcome.changed);
    assert_eq!(
        written,
        [
            ("contacts/dc.kdl".to_string(), Ok(())),
            ("plans/payroll.kdl".to_string(), Err("changed since it was read".to_string()))
        ]
    );
    assert_eq!(repo.read("plans/payroll.kdl"), saved, "the saved text stays");
    assert!(repo.read("contacts/dc.kdl").contains("may-approve #true"));

    // the command says so and exits with findings; the next run fixes the saved text
    repo.write("contacts/dc.kdl", repo.read("contacts/dc.kdl").replace("may-approve #true", "may-approve true"));
    let out = run_in(repo.path(), &["check", "--fix"], &[]);
    assert!(out.stderr.contains("applied 2 fixes in 2 files"), "{}", out.stderr);
    assert!(repo.read("plans/payroll.kdl").contains("title \"Payroll (monthly run)\""));
    assert!(repo.read("plans/payroll.kdl").contains("within=\"15m\""));
}

/// A copy of `tests/fixtures/minimal` with a second plan and its exercise record, checking
/// clean (apart from the unsigned plans the fixture tolerates).
fn corpus() -> Repo {
    let repo = Repo::minimal();
    let plan = repo.read("plans/payroll.kdl");
    repo.write(
        "plans/payroll-night.kdl",
        plan.replace("plan payroll {", "plan payroll-night {")
            .replace("title \"Payroll\"", "title \"Payroll night run\""),
    );
    let record = repo.read("exercises/2026-tabletop.kdl");
    repo.write(
        "exercises/2026-night.kdl",
        record.replace("ex-2026-tabletop", "ex-2026-night").replace("plan payroll", "plan payroll-night"),
    );
    repo
}

/// (code, file, the applicability of its fix) of every finding, sorted.
fn findings_of(repo: &Repo) -> Vec<(String, String, Option<String>)> {
    let out = run_in(repo.path(), &["check", "--format", "json", "--as-of", "2026-11-01"], &[]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    let root = format!("{}/", repo.path().display());
    let mut all: Vec<(String, String, Option<String>)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["location"]["file"].as_str().unwrap_or_default();
            (
                d["code"].as_str().unwrap().to_string(),
                file.strip_prefix(&root).unwrap_or(file).to_string(),
                d["fix"]["applicability"].as_str().map(str::to_string),
            )
        })
        .collect();
    all.sort();
    all
}

fn unfixed(code: &str, file: &str) -> (String, String, Option<String>) {
    (code.to_string(), file.to_string(), None)
}

/// Every kind of fixable mistake seeded into the corpus: `payroll` gets only mistakes with a
/// safe fix, `payroll-night` safe and unsafe ones, a contact a missing member; two mistakes no
/// fix names stay. `--fix` applies the safe fixes and keeps every plan's digest; then
/// `--unsafe-fixes` applies the rest, and only the plan it guessed for changes its digest.
#[test]
fn every_fixable_mistake_is_fixed_and_only_unsafe_fixes_change_a_digest() {
    let clean = corpus();
    let unsigned = [unfixed("SIG001", "plans/payroll-night.kdl"), unfixed("SIG001", "plans/payroll.kdl")];
    assert_eq!(findings_of(&clean), unsigned);
    let clean_digests = digests(&clean);
    assert_eq!(clean_digests.len(), 2, "{clean_digests:?}");

    let seed = |repo: &Repo| {
        // safe: a bare value to quote, KDL v1 keywords
        repo.edit("plans/payroll.kdl", "within=\"15m\"", "within=15m");
        repo.edit("plans/payroll.kdl", "offsite #true", "offsite true");
        repo.edit("plans/payroll.kdl", "affects-others=#false", "affects-others=false");
        repo.edit("plans/payroll-night.kdl", "joint=#true", "joint=true");
        // unsafe: a reference, a node name and an enumerated value with one did-you-mean each,
        // a missing required member of a plan and of a contact
        repo.edit("plans/payroll-night.kdl", "notify=dc-duty", "notify=dc-dut");
        repo.edit("plans/payroll-night.kdl", "restore-test every", "restore-tset every");
        repo.edit("plans/payroll-night.kdl", "media dedicated", "media dedicatd");
        repo.edit("plans/payroll-night.kdl", "    title \"Payroll night run\"\n", "");
        repo.edit("contacts/bank.kdl", "    verified \"2026-09-02\"\n", "");
        // unfixable: a reference that resembles no contact
        repo.edit("exercises/2026-night.kdl", "participants anna.schmidt", "participants anna.schmidt nobody-at-all");
    };

    // --fix: the safe fixes, and only they; the plan they made load means what it meant
    let repo = corpus();
    seed(&repo);
    let out = run_in(repo.path(), &["check", "--fix", "--as-of", "2026-11-01"], &[]);
    assert!(out.stderr.contains("applied 3 fixes in 2 files"), "{}", out.stderr);
    let text = repo.read("plans/payroll.kdl");
    assert!(
        text.contains("within=\"15m\"") && text.contains("offsite #true") && text.contains("affects-others=#false")
    );
    assert!(repo.read("plans/payroll-night.kdl").contains("joint=#true"));
    let payroll = clean_digests.iter().find(|(id, _)| id == "payroll").unwrap().clone();
    assert_eq!(digests(&repo), [payroll], "payroll-night has errors left and is not exported");
    // left: findings with an unsafe fix, and the ones no fix names (the signature a plan with
    // errors left does not need yet)
    let left = findings_of(&repo);
    assert!(left.iter().all(|(_, _, fix)| fix.as_deref() != Some("safe")), "{left:?}");
    let unsafe_left: Vec<&str> =
        left.iter().filter(|(_, _, fix)| fix.as_deref() == Some("unsafe")).map(|(code, _, _)| code.as_str()).collect();
    assert_eq!(unsafe_left, ["SCH001", "SCH002", "SCH002", "SCH004"], "{left:?}");
    let no_fix: Vec<_> = left.into_iter().filter(|(_, _, fix)| fix.is_none()).collect();
    assert_eq!(no_fix, [unfixed("REF002", "exercises/2026-night.kdl"), unfixed("SIG001", "plans/payroll.kdl")]);

    // --unsafe-fixes on the seeded corpus: every fix; only the plan guessed for changes
    let repo = corpus();
    seed(&repo);
    let out = run_in(repo.path(), &["check", "--unsafe-fixes", "--as-of", "2026-11-01"], &[]);
    assert!(out.stderr.contains("applied 8 fixes in 3 files"), "{}", out.stderr);
    let night = repo.read("plans/payroll-night.kdl");
    for fixed in ["notify=dc-duty", "restore-test every", "media dedicated", "title \"TODO\"", "joint=#true"] {
        assert!(night.contains(fixed), "{fixed}: {night}");
    }
    assert!(repo.read("contacts/bank.kdl").contains("verified \"TODO\""));
    let after = digests(&repo);
    assert_eq!(after.len(), 2, "{after:?}");
    for ((id, digest), (_, now)) in clean_digests.iter().zip(&after) {
        if id == "payroll" {
            assert_eq!(now, digest, "{id}: only safe fixes were applied to it");
        } else {
            assert_ne!(now, digest, "{id}: its placeholder title is an unsafe fix");
        }
    }
    // left: what no fix names, and the placeholder date that still has to be written
    let mut expected = unsigned.to_vec();
    expected.extend([unfixed("REF002", "exercises/2026-night.kdl"), unfixed("SCH005", "contacts/bank.kdl")]);
    expected.sort();
    assert_eq!(findings_of(&repo), expected);
}
