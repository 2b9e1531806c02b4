//! `contingent fmt`: the layout never changes a document (nor a plan's digest), keeps comments,
//! is idempotent and canonical; `--check` reports with a diff; broken files are left alone.

mod common;
use common::*;
use contingent::fmt::{format, shape, Formatted};
use contingent::format::Kind;
use std::path::{Path, PathBuf};

fn kdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            kdl_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "kdl") {
            out.push(p);
        }
    }
}

/// Every KDL file of the example and of the test fixtures (the KDL specification's inputs, the
/// fuzzer's regression files, the minimal repository).
fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    kdl_files(&root.join("plans"), &mut files);
    kdl_files(&root.join("tests/fixtures"), &mut files);
    files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().and_then(|b| String::from_utf8(b).ok()).map(|t| (p, t)))
        .collect()
}

fn digests(path: &Path, text: &str) -> Vec<(String, String)> {
    let (model, _, _) = contingent::load::load_file("plans/x.kdl", text, &[Kind::Plan]);
    let mut d: Vec<_> = model.plans.iter().map(|p| (p.value.id.value.clone(), p.value.digest.clone())).collect();
    d.sort();
    let _ = path;
    d
}

#[test]
fn formatting_never_changes_a_document_or_a_plan_digest_and_is_idempotent() {
    let (mut formatted, mut invalid, mut plans) = (0, 0, 0);
    for (path, text) in corpus() {
        match format(&text) {
            Formatted::Text(out) => {
                formatted += 1;
                // the reference parser (the kdl crate) reads the same document from both
                let before = contingent::syntax::parse_reference(&text);
                let after = contingent::syntax::parse_reference(&out);
                assert!(after.is_some(), "{}: the output does not parse:\n{out}", path.display());
                if let Some(before) = before {
                    assert_eq!(shape(&before), shape(&after.unwrap()), "{}", path.display());
                }
                let d = digests(&path, &text);
                plans += d.len();
                assert_eq!(d, digests(&path, &out), "{}: a plan digest changed", path.display());
                // idempotent
                match format(&out) {
                    Formatted::Text(again) => assert_eq!(again, out, "{}: not idempotent", path.display()),
                    other => panic!("{}: formatted output refused: {other:?}", path.display()),
                }
                // comments kept: every comment line of the input is in the output
                for line in text.lines().filter(|l| l.trim_start().starts_with("//")) {
                    assert!(out.contains(line.trim()), "{}: lost {line:?}", path.display());
                }
            }
            Formatted::Invalid(d) => {
                assert!(!d.is_empty());
                invalid += 1;
            }
            Formatted::Unsafe(why) => panic!("{}: a valid file the formatter cannot lay out: {why}", path.display()),
        }
    }
    // the corpus is what it claims to be: the example's plans and many valid and invalid inputs
    assert!(formatted > 200 && invalid > 20 && plans >= 6, "{formatted} formatted, {invalid} invalid, {plans} plans");
}

#[test]
fn the_bundled_example_is_formatted() {
    let out = run(&["fmt", "plans", "--check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(out.stderr.contains("23 files formatted already"), "{}", out.stderr);
}

#[test]
fn the_layout_is_canonical_whatever_the_whitespace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    kdl_files(&root.join("plans/plans"), &mut files);
    kdl_files(&root.join("tests/fixtures/minimal"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("\"\"\""), "the whitespace below would change a multi-line string");
        // tabs and odd indentation, trailing blanks, runs of blank lines, CRLF
        let messy: String = text
            .replace("\n\n", "\n\n\n\n")
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let l = l.trim_start();
                match i % 4 {
                    0 => format!("\t{l}  \r\n"),
                    1 => format!("  {l}\n"),
                    2 if !l.starts_with("//") => format!("{}\n", l.replacen(' ', "   ", 1)),
                    2 => format!("{l}\n"),
                    _ => format!("      {l}\t\n"),
                }
            })
            .collect();
        let (Formatted::Text(a), Formatted::Text(b)) = (format(&text), format(&messy)) else {
            panic!("{}: not formatted", path.display())
        };
        assert_eq!(a, b, "{}", path.display());
    }
}

#[test]
fn check_shows_a_unified_diff_and_fmt_writes_atomically() {
    let repo = Repo::minimal();
    let messy = "// the payroll plan\nplan payroll   {\n  title \"Payroll\"   // shown in reports\n";
    let text = repo.read("plans/payroll.kdl").replacen("plan payroll {\n    title \"Payroll\"\n", messy, 1);
    repo.write("plans/payroll.kdl", &text);
    let dir = repo.path().to_str().unwrap();

    let out = run(&["fmt", dir, "--check"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let shown = format!("{dir}/plans/payroll.kdl");
    assert!(out.stdout.contains(&format!("--- a/{shown}\n+++ b/{shown}\n@@ -1,")), "{}", out.stdout);
    assert!(out.stdout.contains("-plan payroll   {\n-  title \"Payroll\"   // shown in reports\n+plan payroll {\n+    title Payroll // shown in reports\n"), "{}", out.stdout);
    // and the fixture's contract, whose `;`-joined nodes get a line each
    assert!(out.stderr.contains("2 files would be reformatted"), "{}", out.stderr);
    assert_eq!(repo.read("plans/payroll.kdl"), text, "--check writes nothing");

    let out = run(&["fmt", dir]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("formatted 2 files, 5 unchanged"), "{}", out.stderr);
    let after = repo.read("plans/payroll.kdl");
    assert!(
        after.starts_with("// the payroll plan\nplan payroll {\n    title Payroll // shown in reports\n"),
        "{after}"
    );
    // no temporary file is left behind
    let names: Vec<_> = std::fs::read_dir(repo.path().join("plans")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");

    let out = run(&["fmt", dir, "--check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(out.stderr.contains("7 files formatted already"), "{}", out.stderr);

    // a file or a folder: only what lies below it
    repo.write("contacts/bank.kdl", repo.read("contacts/bank.kdl").replace("    party bank", "  party   bank"));
    repo.write("plans/payroll.kdl", repo.read("plans/payroll.kdl").replace("    covers", "  covers"));
    let out = run(&["fmt", &format!("{dir}/plans/payroll.kdl")]);
    assert!(out.stderr.contains("formatted 1 file, 0 unchanged"), "{}", out.stderr);
    let out = run_in(&repo.path().join("plans"), &["fmt", "--check"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("1 file formatted already"), "{}", out.stderr);
    let out = run(&["fmt", dir, "--check"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("contacts/bank.kdl") && !out.stdout.contains("payroll.kdl"), "{}", out.stdout);
    assert_eq!(repo.check(&["--as-of", "2026-11-01"]).code, 0);
}

#[test]
fn broken_files_are_reported_and_left_alone_and_links_are_not_followed() {
    let repo = Repo::minimal();
    repo.write("plans/broken.kdl", "plan broken {\n  title \"x\n");
    repo.write("plans/messy.kdl", "// keep\nplan   messy\n");
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.kdl");
    std::fs::write(&victim, "node    1\n").unwrap();
    std::os::unix::fs::symlink(&victim, repo.path().join("plans/link.kdl")).unwrap();
    let dir = repo.path().to_str().unwrap();

    let out = run(&["fmt", dir]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&format!("error: {dir}/plans/broken.kdl:2:")), "{}", out.stderr);
    assert!(out.stderr.contains("does not parse, not formatted"), "{}", out.stderr);
    assert!(out.stderr.contains("plans/link.kdl: a symbolic link out of the repository"), "{}", out.stderr);
    assert_eq!(repo.read("plans/broken.kdl"), "plan broken {\n  title \"x\n");
    assert_eq!(repo.read("plans/messy.kdl"), "// keep\nplan messy\n", "the others are still formatted");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "node    1\n");

    // a file over the repository's size limit is not read
    std::fs::remove_file(repo.path().join("plans/link.kdl")).unwrap();
    std::fs::remove_file(repo.path().join("plans/broken.kdl")).unwrap();
    let config = repo.read("contingent.kdl") + "limits max-file-size=2000\n";
    repo.write("contingent.kdl", config);
    repo.write("plans/big.kdl", format!("// {}\nplan   big\n", "x".repeat(3000)));
    let out = run(&["fmt", dir]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("plans/big.kdl: 3015 bytes, more than the limit of 2000"), "{}", out.stderr);
    assert!(repo.read("plans/big.kdl").contains("plan   big"));
}

#[test]
fn a_link_inside_the_repository_is_skipped_with_a_note_and_the_rest_is_formatted() {
    let repo = Repo::minimal();
    // `a-link.kdl` sorts before the files it would stop: a link to a file that needs formatting
    repo.write("plans/messy.kdl", "// keep\nplan   messy\n");
    repo.write("plans/zz-messy.kdl", "plan   zz\n");
    std::os::unix::fs::symlink("messy.kdl", repo.path().join("plans/a-link.kdl")).unwrap();
    let dir = repo.path().to_str().unwrap();

    let out = run(&["fmt", dir, "--check"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "note: {dir}/plans/a-link.kdl is a symbolic link; fmt formats its target where the target is listed itself"
        )),
        "{}",
        out.stderr
    );
    // the two messy files, and the fixture's contract and contact file (a `;`-joined line and
    // quoted plain words, laid out one node per line and unquoted)
    assert!(out.stderr.contains("4 files would be reformatted"), "{}", out.stderr);
    assert!(!out.stdout.contains("a-link.kdl"), "{}", out.stdout);
    assert!(!out.stderr.contains("error"), "{}", out.stderr);

    let out = run(&["fmt", dir]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("a-link.kdl is a symbolic link"), "{}", out.stderr);
    assert!(out.stderr.contains("formatted 4 files"), "{}", out.stderr);
    assert_eq!(repo.read("plans/messy.kdl"), "// keep\nplan messy\n");
    assert_eq!(repo.read("plans/zz-messy.kdl"), "plan zz\n");
    let link = repo.path().join("plans/a-link.kdl").symlink_metadata().unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");

    let out = run(&["fmt", dir, "--check"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(&["--quiet", "fmt", dir, "--check"]);
    assert!(!out.stderr.contains("note:"), "{}", out.stderr);
}

/// Inserts KDL's whitespace, comments, slashdashes, continuations and terminators at random
/// places of valid files: whatever still parses, the formatter lays out (never refuses its own
/// proof) and a second run leaves as it is.
#[test]
fn mutated_documents_that_parse_are_formatted_idempotently() {
    let pieces = [
        " ",
        "\n",
        "\t",
        "\r\n",
        "/* c */",
        "/* a /* nested */ b */",
        "// c\n",
        "/- ",
        " \\\n",
        " \\ // c\n",
        ";",
        "\n\n\n",
        "   ",
        "\u{3000}",
        "{}",
        " { }",
        "x=1 ",
        "(t)",
        "\"s\"",
        "#\"r\"#",
        " \"\"\"\n  a\n    b\n  \"\"\" ",
        " #\"\"\"\n\tx \"\"\" y\n\t\"\"\"# ",
        " #true",
        " -1.5e3",
        " n { m 1; }\n",
        " \"a\\\" \\\\\"",
    ];
    // a longer or another run: CONTINGENT_FMT_MUTATIONS=100000 CONTINGENT_FMT_SEED=7
    let rounds: usize = std::env::var("CONTINGENT_FMT_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let mut seed: u64 =
        std::env::var("CONTINGENT_FMT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let corpus: Vec<String> = corpus()
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| t.len() < 4000 && matches!(format(t), Formatted::Text(_)))
        .collect();
    let (mut tried, mut parsed) = (0, 0);
    for _ in 0..rounds {
        let base = &corpus[(next() % corpus.len() as u64) as usize];
        let mut text = base.clone();
        for _ in 0..1 + next() % 3 {
            let mut at = (next() % (text.len() as u64 + 1)) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, pieces[(next() % pieces.len() as u64) as usize]);
        }
        tried += 1;
        match format(&text) {
            Formatted::Text(out) => {
                parsed += 1;
                match format(&out) {
                    Formatted::Text(again) => assert_eq!(again, out, "not idempotent on {text:?}"),
                    other => panic!("output refused ({other:?}) for {text:?}"),
                }
            }
            Formatted::Invalid(_) => {}
            Formatted::Unsafe(why) => panic!("{why} for {text:?}"),
        }
    }
    assert!(parsed > 500, "{parsed} of {tried} mutations parsed");
}
