//! `contingent handbook`: the generated pages, parsed with a real HTML parser, hold what the
//! plan files say; warnings, escaping, safe writing and the missing-browser message.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn all(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s)).map(text).collect()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plans")
}

/// Runs `contingent handbook` with arguments and returns the output and the folder.
fn handbook(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, &[&["handbook"][..], args].concat(), &[("CONTINGENT_ALLOW_UNSIGNED", "0")])
}

fn page(out: &Path, name: &str) -> Html {
    let text = std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Html::parse_document(&text)
}

/// The string literal starting at a quote: `"a \"b\""` → `a "b"`.
fn literal(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.trim_start().strip_prefix('"').expect("a string").chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().unwrap()),
            '"' => break,
            c => out.push(c),
        }
    }
    out
}

/// What the example's plan file says, read line by line (the example writes one node a line).
struct PlanText {
    forbidden: Vec<String>,
    /// scenario id → steps in order
    scenarios: Vec<(String, Vec<String>)>,
    /// escalation level → contact id
    levels: Vec<String>,
    unreachable: String,
}

fn plan_text(path: &Path) -> PlanText {
    let text = std::fs::read_to_string(path).unwrap();
    let mut p =
        PlanText { forbidden: Vec::new(), scenarios: Vec::new(), levels: Vec::new(), unreachable: String::new() };
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("forbidden ") {
            p.forbidden.push(literal(rest));
        } else if let Some(rest) = line.strip_prefix("scenario ") {
            p.scenarios.push((rest.split_whitespace().next().unwrap().to_string(), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("step ") {
            p.scenarios.last_mut().unwrap().1.push(literal(rest));
        } else if let Some(rest) = line.strip_prefix("level ") {
            let notify = rest.split_whitespace().find_map(|w| w.strip_prefix("notify=")).unwrap();
            p.levels.push(notify.to_string());
        } else if let Some(rest) = line.strip_prefix("unreachable ") {
            p.unreachable = literal(rest);
        }
    }
    p
}

/// Contact id → its 24x7 channel values, from the example's contact files.
fn always_channels() -> std::collections::HashMap<String, Vec<String>> {
    let mut out = std::collections::HashMap::new();
    for f in std::fs::read_dir(example().join("contacts")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let mut current = String::new();
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("contact ") {
                current = rest.trim_end_matches('{').trim().to_string();
                out.entry(current.clone()).or_insert_with(Vec::new);
            }
            for kind in ["phone ", "mobile ", "email "] {
                if let Some(rest) = line.strip_prefix(kind) {
                    if line.contains("available=\"24x7\"") {
                        out.get_mut(&current).unwrap().push(literal(rest));
                    }
                }
            }
        }
    }
    out
}

fn plan_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(example().join("plans"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".kdl").to_string())
        .collect();
    ids.sort();
    ids
}

fn digest(repo: &Path, plan: &str) -> String {
    let out = run(&["digest", plan, "--repo", repo.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.split_whitespace().find(|w| w.starts_with("sha256:")).unwrap().to_string()
}

/// Structure every page must have: language, one h1, headings in order, table headers with
/// scope, the policy, no script and nothing loaded from elsewhere.
fn well_formed(name: &str, doc: &Html, raw: &str) {
    let html = doc.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("en"), "{name}");
    assert_eq!(doc.select(&sel("h1")).count(), 1, "{name}: one h1");
    let mut last = 0;
    for h in doc.select(&sel("h1, h2, h3, h4, h5, h6")) {
        let level: usize = h.value().name()[1..].parse().unwrap();
        assert!(level <= last + 1, "{name}: heading {} after h{last}: {}", h.value().name(), text(h));
        last = level;
    }
    for th in doc.select(&sel("th")) {
        assert!(matches!(th.value().attr("scope"), Some("col" | "row")), "{name}: th without scope: {}", text(th));
    }
    let csp = doc
        .select(&sel(r#"meta[http-equiv="Content-Security-Policy"]"#))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap_or_default()
        .to_string();
    assert_eq!(csp, "default-src 'none'; style-src 'unsafe-inline'", "{name}");
    assert_eq!(doc.select(&sel("script, link, img, iframe, object, embed")).count(), 0, "{name}");
    assert!(!raw.contains("http://") && !raw.contains("https://"), "{name}: no external reference");
    assert!(raw.contains("@page") && raw.contains("size: A4"), "{name}: print CSS");
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap();
        assert!(
            href.starts_with('#') || href.ends_with(".html") || href.starts_with("tel:") || href.starts_with("mailto:"),
            "{name}: link {href}"
        );
    }
}

#[test]
fn the_example_handbook_holds_every_forbidden_action_step_and_contact() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("handbook");
    let out = handbook(Path::new(env!("CARGO_MANIFEST_DIR")), &["plans", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("5 plans as of 2026-11-01"), "{}", out.stdout);
    assert!(out.stdout.contains("plan-payroll.html"), "{}", out.stdout);
    assert!(!out.stdout.contains("warning"), "the example has no warnings: {}", out.stdout);
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap().trim().to_string();
    assert_eq!(head.len(), 40, "the checkout is a Git repository");
    let channels = always_channels();
    let ids = plan_ids();
    assert_eq!(ids.len(), 5);
    for id in &ids {
        let name = format!("plan-{id}.html");
        let raw = std::fs::read_to_string(out_dir.join(&name)).unwrap();
        let doc = Html::parse_document(&raw);
        well_formed(&name, &doc, &raw);
        let expected = plan_text(&example().join(format!("plans/{id}.kdl")));
        // every forbidden action, plan-wide and of every scenario, is in the forbidden box
        let forbidden = all(&doc, "section#forbidden li");
        assert!(!expected.forbidden.is_empty());
        for f in &expected.forbidden {
            assert!(forbidden.iter().any(|li| li.contains(f.as_str())), "{id}: forbidden action missing: {f}");
        }
        assert_eq!(forbidden.len(), expected.forbidden.len(), "{id}: {forbidden:#?}");
        // every scenario's steps, in order, numbered, with a tick box and a time field
        for (scenario, steps) in &expected.scenarios {
            let article =
                doc.select(&sel(&format!("article#s-{scenario}"))).next().unwrap_or_else(|| panic!("{id}: {scenario}"));
            let rows: Vec<ElementRef> = article.select(&sel("table.steps tbody tr")).collect();
            let texts: Vec<String> = rows.iter().map(|r| text(r.select(&sel("td")).nth(1).unwrap())).collect();
            assert_eq!(&texts, steps, "{id}/{scenario}");
            for (i, r) in rows.iter().enumerate() {
                assert_eq!(text(r.select(&sel("td.n")).next().unwrap()), (i + 1).to_string());
                assert_eq!(r.select(&sel("td.tick .box")).count(), 1);
                assert_eq!(r.select(&sel("td.time .blank")).count(), 1);
            }
        }
        assert_eq!(doc.select(&sel("article.scenario")).count(), expected.scenarios.len());
        // the escalation chain in order, each contact with every 24x7 channel
        let levels: Vec<ElementRef> = doc.select(&sel("section#escalation tr.level")).collect();
        assert_eq!(levels.len(), expected.levels.len(), "{id}");
        for (i, (tr, contact)) in levels.iter().zip(&expected.levels).enumerate() {
            let t = text(*tr);
            assert_eq!(text(tr.select(&sel("th strong")).next().unwrap()), format!("Level {}", i + 1), "{id}: {t}");
            let whom = tr.select(&sel("td")).next().unwrap();
            assert!(text(whom).contains(&format!("({contact})")), "{id}: level {} is {contact}: {t}", i + 1);
            let numbers = tr.select(&sel("td")).nth(1).unwrap();
            let own: Vec<String> = numbers
                .select(&sel("ul.channels li"))
                .filter(|l| l.select(&sel(".h24")).next().is_some())
                .map(text)
                .collect();
            let wanted = &channels[contact];
            assert!(!wanted.is_empty(), "{contact} has a 24x7 channel");
            for ch in wanted {
                assert!(
                    own.iter().any(|l| l.starts_with("24x7") && l.contains(ch.as_str())),
                    "{id}: {contact} {ch}: {own:?}"
                );
            }
        }
        assert!(text(doc.select(&sel("section#nobody")).next().unwrap()).contains(&expected.unreachable), "{id}");
        // proof: digest, commit and date on the page and in the stamp; the manifest
        let d = digest(&example(), id);
        assert!(text(doc.select(&sel("dl.proof")).next().unwrap()).contains(&d), "{id}");
        let stamp = text(doc.select(&sel("footer.stamp")).next().unwrap());
        assert!(stamp.contains(&d) && stamp.contains(&head[..7]) && stamp.contains("2026-11-01"), "{id}: {stamp}");
        assert!(stamp.contains("APPROVED") && !stamp.contains("NOT APPROVED"), "{stamp}");
        let style = text(doc.select(&sel("style")).next().unwrap());
        assert!(style.contains("@bottom-left") && style.contains(&d[7..]), "{id}: the printed stamp has the digest");
        let signoffs = std::fs::read_to_string(example().join(format!("signoffs/{id}.kdl"))).unwrap();
        let signers: Vec<&str> = signoffs.lines().filter_map(|l| l.strip_prefix("    signer ")).collect();
        assert_eq!(signers.len(), 2, "{id}");
        let rows: Vec<String> = all(&doc, "section#manifest table tbody tr");
        assert_eq!(rows.len(), 2, "{id}: {rows:#?}");
        for (row, (party, signer)) in rows.iter().zip([("client", signers[0]), ("provider", signers[1])]) {
            assert!(row.starts_with(party), "{row}");
            assert!(row.contains(&format!("({signer})")) && row.contains(&d) && row.contains("verified"), "{row}");
        }
        assert_eq!(doc.select(&sel(".banner")).count(), 0, "{id}: approved and current");
    }
    // the index lists every plan with its state; the directory every contact
    let raw = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    let index = Html::parse_document(&raw);
    well_formed("index.html", &index, &raw);
    let rows = all(&index, "table tbody tr");
    assert_eq!(rows.len(), 5);
    for (row, id) in rows.iter().zip(&ids) {
        assert!(row.contains(id.as_str()) && row.contains("approved") && !row.contains("NOT APPROVED"), "{row}");
    }
    let raw = std::fs::read_to_string(out_dir.join("contacts.html")).unwrap();
    let dir = Html::parse_document(&raw);
    well_formed("contacts.html", &dir, &raw);
    let cards = all(&dir, ".cards > div > .card h3");
    assert_eq!(cards.len(), channels.len(), "{cards:#?}");
}

#[test]
fn a_plan_changed_after_signing_and_a_stale_contact_get_banners() {
    let repo = Repo::copy_of(&example());
    repo.edit("plans/payroll.kdl", "following runbook RB-12", "following runbook RB-12a").edit(
        "contacts/rzn.kdl",
        "verified \"2026-07-15\"",
        "verified \"2026-01-15\"",
    );
    let out_dir = repo.path().join("out");
    let out = handbook(repo.path(), &[".", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("not a Git repository"), "{}", out.stdout);
    assert!(out.stdout.contains("warning: plan payroll: NOT APPROVED, STALE CONTACT"), "{}", out.stdout);
    let doc = page(&out_dir, "plan-payroll.html");
    let banners: Vec<ElementRef> = doc.select(&sel(".banner")).collect();
    let words: Vec<String> = banners.iter().map(|b| text(b.select(&sel(".word")).next().unwrap())).collect();
    assert_eq!(words, ["NOT APPROVED", "STALE CONTACT"]);
    for b in &banners {
        assert_eq!(b.value().attr("role"), Some("alert"));
        assert_eq!(text(b.select(&sel(".icon")).next().unwrap()), "⚠");
    }
    assert!(
        text(banners[0]).contains("The client Hanseatische Privatbank AG (hpb) signed an older version"),
        "{}",
        text(banners[0])
    );
    assert!(
        text(banners[1]).contains("Dirk Hansen (dirk.hansen): last verified 2026-01-15, stale since 2026-07-15"),
        "{}",
        text(banners[1])
    );
    let stamp = text(doc.select(&sel("footer.stamp")).next().unwrap());
    assert!(stamp.contains("NOT APPROVED") && stamp.contains("not a Git repository"), "{stamp}");
    let manifest = all(&doc, "section#manifest table tbody tr");
    assert!(
        manifest.iter().all(|r| r.contains("STALE: signed an older version") && r.contains("not the current digest")),
        "{manifest:#?}"
    );
    // the escalation row and the contact's row under its party say it too
    for rows in ["section#escalation tr.level", "section#parties tbody tr"] {
        let rows = all(&doc, rows);
        assert!(rows.iter().any(|c| c.contains("dirk.hansen") && c.contains("STALE CONTACT")), "{rows:#?}");
    }
    // the index names the state of every plan
    let index = page(&out_dir, "index.html");
    let rows = all(&index, "table tbody tr");
    let payroll = rows.iter().find(|r| r.contains("payroll")).unwrap();
    assert!(
        payroll.contains("NOT APPROVED") && payroll.contains("STALE CONTACT") && payroll.contains("dirk.hansen"),
        "{payroll}"
    );
    let other = rows.iter().find(|r| r.contains("core-banking")).unwrap();
    assert!(!other.contains("NOT APPROVED"), "{other}");
    assert!(text(index.select(&sel(".banner")).next().unwrap()).contains("payroll"));
}

#[test]
fn a_year_later_contacts_and_exercises_are_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("h");
    let out = handbook(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["plans", "core-banking", "--out", out_dir.to_str().unwrap(), "--as-of", "2027-11-01"],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["contacts.html", "index.html", "plan-core-banking.html"]);
    let doc = page(&out_dir, "plan-core-banking.html");
    let words = all(&doc, ".banner .word");
    assert_eq!(words, ["STALE", "STALE CONTACT"]);
    let stale = text(doc.select(&sel(".banner")).next().unwrap());
    assert!(stale.contains("The alarm-test of plan core-banking was due on 2027-03-22"), "{stale}");
    assert!(!stale.contains('`'), "a banner speaks in sentences: {stale}");
    assert!(all(&doc, "section#exercises td").iter().any(|t| t.starts_with("OVERDUE since")));
    let unknown =
        handbook(Path::new(env!("CARGO_MANIFEST_DIR")), &["plans", "payrol", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no plan `payrol`") && unknown.stderr.contains("did you mean `payroll`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn repository_text_comes_out_as_text() {
    let repo = Repo::copy_of(&example());
    repo.edit("contacts/hpb.kdl", "name \"Anna Schmidt\"", "name \"<script>alert(1)</script>\"").edit(
        "plans/payroll.kdl",
        "step \"Extend the logical volume",
        "step \"<b>Run</b> <img src=x onerror=alert(2)> & \\\"quote\\\" \\u{202e}reversed\\u{202c} <a href='https://evil.example'>x</a> Extend the logical volume",
    );
    let out = handbook(repo.path(), &["--repo", ".", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let raw = std::fs::read_to_string(repo.path().join("out/plan-payroll.html")).unwrap();
    let doc = Html::parse_document(&raw);
    assert_eq!(doc.select(&sel("script, img, b, main a[href^='https']")).count(), 0);
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let names = all(&doc, ".card .name");
    assert!(names.iter().any(|n| n == "<script>alert(1)</script>"), "{names:?}");
    let step = all(&doc, "article#s-spool-disk-full table.steps tbody tr td:nth-child(2)").remove(1);
    assert!(step.starts_with("<b>Run</b> <img src=x onerror=alert(2)> & \"quote\" U+202Ereversed"), "{step}");
    assert!(!raw.contains('\u{202e}'), "bidirectional controls are neutralised");
    let dir = std::fs::read_to_string(repo.path().join("out/contacts.html")).unwrap();
    assert!(dir.contains("&lt;script&gt;") && !dir.contains("<script>"));
}

#[test]
fn pdf_without_chromium_says_how_to_install_it() {
    let repo = Repo::copy_of(&example());
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_contingent"));
    isolate(&mut cmd);
    let out = output(
        cmd.args(["handbook", ".", "--out", "out", "--format", "pdf"])
            .current_dir(repo.path())
            .env("PATH", empty.path())
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("none was found on PATH (looked for chromium, chromium-browser, google-chrome"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("apt-get install chromium") && out.stderr.contains("--chromium PATH"),
        "{}",
        out.stderr
    );
    assert!(!repo.path().join("out").exists(), "nothing is written");
    let named = run_in(
        repo.path(),
        &["handbook", ".", "--out", "out", "--format", "pdf", "--chromium", "/nonexistent/chrome"],
        &[],
    );
    assert_eq!(named.code, 2);
    assert!(named.stderr.contains("--chromium /nonexistent/chrome: no such program"), "{}", named.stderr);
}

#[test]
fn writing_never_follows_links_nor_enters_the_plan_files() {
    let repo = Repo::copy_of(&example());
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    // inside the plan repository's folders, or the repository itself: refused
    for out in ["plans", "plans/handbook", ".", "contacts/x"] {
        let r = handbook(repo.path(), &[".", "--out", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stdout);
        assert!(r.stderr.contains("write the handbook outside the plan files"), "{out}: {}", r.stderr);
    }
    assert!(!repo.path().join("plans/handbook").exists());
    // the output folder as a link: refused
    let link_dir = repo.path().join("linked");
    std::os::unix::fs::symlink(outside.path(), &link_dir).unwrap();
    let r = handbook(repo.path(), &[".", "--out", "linked"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is a symbolic link"), "{}", r.stderr);
    // a page name that is a link: replaced, its target untouched; old pages of ours removed,
    // other files kept
    let out_dir = repo.path().join("hb");
    std::fs::create_dir(&out_dir).unwrap();
    std::os::unix::fs::symlink(&victim, out_dir.join("plan-payroll.html")).unwrap();
    std::fs::write(
        out_dir.join("plan-gone.html"),
        "<!DOCTYPE html><html><head><meta name=\"generator\" content=\"contingent handbook\"></head></html>",
    )
    .unwrap();
    std::fs::write(out_dir.join("plan-gone.pdf"), "%PDF-1.4").unwrap();
    std::fs::write(out_dir.join("notes.html"), "<p>my notes</p>").unwrap();
    let r = handbook(repo.path(), &[".", "--out", "hb"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let m = out_dir.join("plan-payroll.html").symlink_metadata().unwrap();
    assert!(m.is_file() && !m.file_type().is_symlink());
    assert!(!out_dir.join("plan-gone.html").exists() && !out_dir.join("plan-gone.pdf").exists());
    assert!(r.stdout.contains("removed the page of an earlier run: hb/plan-gone.html"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(out_dir.join("notes.html")).unwrap(), "<p>my notes</p>");
    assert!(!std::fs::read_dir(&out_dir).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
}

#[test]
fn a_link_anywhere_on_the_output_path_is_refused() {
    let repo = Repo::copy_of(&example());
    let outside = tempfile::tempdir().unwrap();
    // a page of an earlier run there: a run through the link would remove it as stale
    let tagged = "<!DOCTYPE html><html><head><meta name=\"generator\" content=\"contingent handbook\"></head></html>";
    std::fs::write(outside.path().join("plan-gone.html"), tagged).unwrap();
    std::fs::create_dir(outside.path().join("handbook")).unwrap();
    std::fs::write(outside.path().join("handbook/plan-gone.html"), tagged).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("site")).unwrap();
    let before = |dir: &Path| {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    let (top, inner) = (before(outside.path()), before(&outside.path().join("handbook")));
    // the link itself, with a trailing slash, with `/.`, and as a folder on the way
    for out in ["site", "site/", "site/.", "./site/", "site/handbook", "site/handbook/", "site/new/deeper"] {
        let r = handbook(repo.path(), &[".", "--out", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stdout);
        assert!(r.stderr.contains("is a symbolic link"), "{out}: {}", r.stderr);
        assert!(r.stderr.contains("name a folder with no link on the way"), "{out}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{out}: {}", r.stdout);
    }
    assert_eq!(before(outside.path()), top);
    assert_eq!(before(&outside.path().join("handbook")), inner);
    assert!(!outside.path().join("new").exists());
    // an absolute path through the link too
    let absolute = repo.path().join("site/handbook");
    let r = handbook(repo.path(), &[".", "--out", absolute.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("is a symbolic link"), "{}", r.stderr);
    assert_eq!(before(&outside.path().join("handbook")), inner);
    // a real folder with a trailing slash is fine
    let r = handbook(repo.path(), &[".", "--out", "real/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(repo.path().join("real/index.html").is_file());
}

#[test]
fn plans_that_do_not_load_are_listed_not_left_out() {
    let repo = Repo::copy_of(&example());
    // valid KDL that fails its schema (no title), and a file that is not KDL at all
    repo.edit(
        "plans/payroll.kdl",
        "    title \"Payroll: HR front-end, file transfer gateway and payroll batch processing\"\n",
        "",
    )
    .write("plans/broken.kdl", "plan broken {\n    title \"unclosed\n}\n");
    let out = handbook(repo.path(), &[".", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("warning: plan payroll cannot be loaded and has no page"), "{}", out.stdout);
    assert!(out.stdout.contains("warning: the repository has"), "{}", out.stdout);
    assert!(!repo.path().join("out/plan-payroll.html").exists());
    let index = page(&repo.path().join("out"), "index.html");
    let rows = all(&index, "table tbody tr");
    assert!(rows.iter().any(|r| r.starts_with("payroll") && r.contains("CANNOT BE LOADED")), "{rows:#?}");
    let errors = all(&index, "main > ul li");
    assert!(errors.iter().any(|e| e.starts_with("KDL001 plans/broken.kdl:2")), "{errors:#?}");
    let attention = text(index.select(&sel(".banner")).next().unwrap());
    assert!(
        attention.contains("payroll: CANNOT BE LOADED") && attention.contains("errors in the repository"),
        "{attention}"
    );
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
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn the_stamp_names_the_commit_and_uncommitted_changes() {
    require("git");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&example(), &tmp.path().join("plans"));
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "--no-gpg-sign", "-m", "plans"]);
    let head = git(tmp.path(), &["rev-parse", "HEAD"]);
    let out = handbook(tmp.path(), &["plans", "--out", "hb"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stamp = |name: &str| text(page(&tmp.path().join("hb"), name).select(&sel("footer.stamp")).next().unwrap());
    assert!(stamp("plan-payroll.html").contains(&format!("commit {}", &head[..7])), "{}", stamp("plan-payroll.html"));
    assert!(!stamp("index.html").contains("uncommitted"));
    let index = page(&tmp.path().join("hb"), "index.html");
    assert!(all(&index, "dl.proof dd").contains(&head), "the index has the full commit id");
    // a changed file of the work tree: said on every page, named on the index
    std::fs::write(tmp.path().join("plans/contacts/extra.kdl"), "// a note\n").unwrap();
    let out = handbook(tmp.path(), &["plans", "--out", "hb"]);
    assert!(out.stdout.contains(&format!("from commit {}", &head[..7])), "{}", out.stdout);
    assert!(out.stdout.contains("with uncommitted changes (1 file)\n"), "{}", out.stdout);
    assert!(stamp("contacts.html").contains("with uncommitted changes (1 file)"));
    let index = page(&tmp.path().join("hb"), "index.html");
    assert!(all(&index, "dl.proof dd").iter().any(|d| d == "contacts/extra.kdl"), "{:?}", all(&index, "dl.proof dd"));
}

/// A contact of the example as its file says it: name, deputy and 24x7 channel values.
struct ContactText {
    name: String,
    deputy: Option<String>,
    always: Vec<String>,
}

fn example_contacts() -> std::collections::HashMap<String, ContactText> {
    let mut out = std::collections::HashMap::new();
    let channels = always_channels();
    for f in std::fs::read_dir(example().join("contacts")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let mut current = String::new();
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("contact ") {
                current = rest.trim_end_matches('{').trim().to_string();
                let always = channels[&current].clone();
                out.insert(current.clone(), ContactText { name: String::new(), deputy: None, always });
            } else if let Some(rest) = line.strip_prefix("name ") {
                out.get_mut(&current).unwrap().name = literal(rest);
            } else if let Some(rest) = line.strip_prefix("deputy ") {
                out.get_mut(&current).unwrap().deputy = Some(rest.trim().to_string());
            }
        }
    }
    out
}

/// The names of the elements of `main` up to the reference part, as `tag#id.class`.
fn first_part(doc: &Html) -> Vec<String> {
    let main = doc.select(&sel("main")).next().unwrap();
    main.children()
        .filter_map(ElementRef::wrap)
        .take_while(|e| !e.value().classes().any(|c| c == "reference"))
        .map(|e| {
            let v = e.value();
            let id = v.id().map(|i| format!("#{i}")).unwrap_or_default();
            let class = v.classes().next().map(|c| format!(".{c}")).unwrap_or_default();
            format!("{}{id}{class}", v.name())
        })
        .collect()
}

#[test]
fn the_first_page_is_what_the_first_minutes_need_and_the_reference_follows() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("hb");
    let out = handbook(Path::new(env!("CARGO_MANIFEST_DIR")), &["plans", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let contacts = example_contacts();
    for id in plan_ids() {
        let raw = std::fs::read_to_string(out_dir.join(format!("plan-{id}.html"))).unwrap();
        let doc = Html::parse_document(&raw);
        // what comes first: the title, the state, the forbidden actions, whom to call and when
        // to escalate (with when nobody answers); then, on a page of its own when printed, the
        // reference
        assert_eq!(
            first_part(&doc),
            ["h1", "p.subtitle", "div.ok", "section#forbidden.forbidden", "section#escalation"],
            "{id}"
        );
        let reference = doc.select(&sel("main > div.reference")).next().unwrap();
        assert!(reference.value().classes().any(|c| c == "page-break"), "{id}");
        assert!(raw.contains(".page-break { break-before: page; }"), "{id}: the print style sheet breaks the page");
        let parts: Vec<String> = reference
            .children()
            .filter_map(ElementRef::wrap)
            .map(|e| e.value().id().map(str::to_string).unwrap_or_else(|| e.value().name().to_string()))
            .collect();
        assert_eq!(parts, ["dl", "nav", "scope", "parties", "scenarios", "backup", "exercises", "manifest"], "{id}");
        assert!(doc.select(&sel("section#escalation section#nobody")).next().is_some(), "{id}");
        // level 1 is marked as the first call; every level has its contact's 24x7 numbers and
        // the deputy with theirs
        let expected = plan_text(&example().join(format!("plans/{id}.kdl")));
        let rows: Vec<ElementRef> = doc.select(&sel("section#escalation table.chain tbody tr")).collect();
        assert_eq!(rows.len(), expected.levels.len(), "{id}");
        for (i, (row, contact)) in rows.iter().zip(&expected.levels).enumerate() {
            let cells: Vec<String> = row.select(&sel("th, td")).map(text).collect();
            assert_eq!(cells[0].contains("call first"), i == 0, "{id}: {cells:?}");
            let c = &contacts[contact];
            assert!(cells[1].starts_with(&c.name), "{id}: {cells:?}");
            for number in &c.always {
                assert!(cells[2].contains(number.as_str()), "{id}: {number}: {cells:?}");
            }
            let deputy = &contacts[c.deputy.as_ref().expect("every escalation contact of the example has a deputy")];
            assert!(cells[3].starts_with(&deputy.name), "{id}: {cells:?}");
            for number in &deputy.always {
                assert!(cells[3].contains(number.as_str()), "{id}: the deputy's {number}: {cells:?}");
            }
        }
    }
}

#[test]
fn every_party_of_a_plan_is_under_its_own_heading_with_its_numbers() {
    let repo = Repo::copy_of(&example());
    // the carrier's NOC among a scenario's contacts; a sub-provider that operates a covered
    // system and whose contacts the plan does not name
    repo.edit(
        "plans/wan-connectivity.kdl",
        "contacts ole.carstens lars.petersen\n",
        "contacts ole.carstens lars.petersen nordnetz-noc\n",
    )
    .edit(
        "contingent.kdl",
        "party nordnetz role=carrier",
        "party tapevault role=sub-provider name=\"TapeVault Archivdienste GmbH\"\nparty nordnetz role=carrier",
    )
    .edit(
        "inventory/provider.kdl",
        "    operator rzn\n    owner katharina.vogel",
        "    operator tapevault\n    owner katharina.vogel",
    )
    .write(
        "contacts/tapevault.kdl",
        r#"contact tapevault-desk {
    party tapevault
    name "TapeVault 24h service desk"
    phone "+49 40 555 7000" available="24x7"
    verified "2026-10-01"
}

contact tapevault-sales {
    party tapevault
    name "TapeVault account manager"
    phone "+49 40 555 7010" available=business-hours
    verified "2026-10-01"
}
"#,
    );
    let out = handbook(repo.path(), &[".", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc = page(&repo.path().join("out"), "plan-wan-connectivity.html");
    // the scenario's contacts under their parties' headings, the NOC under the carrier's
    let article = doc.select(&sel("article#s-mpls-primary-down")).next().unwrap();
    let headings: Vec<String> = article.select(&sel("h4")).map(text).filter(|h| h.starts_with("Whom")).collect();
    assert_eq!(
        headings,
        [
            "Whom to call at the client: Hanseatische Privatbank AG (hpb)",
            "Whom to call at the carrier: NordNetz Telekom GmbH (nordnetz)"
        ]
    );
    let groups: Vec<String> = article.select(&sel("div.cards")).map(text).collect();
    assert!(!groups[0].contains("nordnetz-noc"), "{groups:?}");
    assert!(groups[1].contains("(nordnetz-noc)") && groups[1].contains("+49 40 555 3000"), "{groups:?}");
    // every party of the plan in the order of contingent.kdl, with what it does in the plan
    let parties = |doc: &Html| -> Vec<(String, String)> {
        doc.select(&sel("section#parties div.party"))
            .map(|p| (text(p.select(&sel("h3")).next().unwrap()), text(p)))
            .collect()
    };
    let wan = parties(&doc);
    let names: Vec<&str> = wan.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        names,
        [
            "Hanseatische Privatbank AG (client, hpb)",
            "Rechenzentrum Nord GmbH (provider, rzn)",
            "NordNetz Telekom GmbH (carrier, nordnetz)"
        ]
    );
    let carrier = &wan[2].1;
    assert!(carrier.contains("In this plan: carries MPLS line HPB headquarters"), "{carrier}");
    assert!(carrier.contains("(mpls-line)"), "{carrier}");
    assert!(
        carrier.contains("NordNetz Network Operations Centre") && carrier.contains("+49 40 555 3000"),
        "the NOC and its number: {carrier}"
    );
    assert!(carrier.contains("carrier contact of mpls-line") && carrier.contains("escalation level 2"), "{carrier}");
    assert!(carrier.contains("Petra Lorenz") && carrier.contains("+49 40 555 3910"), "the NOC's deputy: {carrier}");
    // the sub-provider operates a covered system; its 24x7 desk comes from the directory
    let doc = page(&repo.path().join("out"), "plan-backup-restore.html");
    let backup = parties(&doc);
    let sub = backup.iter().find(|(h, _)| h == "TapeVault Archivdienste GmbH (sub-provider, tapevault)");
    let sub = &sub.unwrap_or_else(|| panic!("{backup:#?}")).1;
    assert!(sub.contains("In this plan: operates Backup platform"), "{sub}");
    assert!(sub.contains("names no contact of this party"), "{sub}");
    assert!(sub.contains("TapeVault 24h service desk") && sub.contains("+49 40 555 7000"), "{sub}");
    assert!(!sub.contains("TapeVault account manager"), "only the contacts reachable at any hour: {sub}");
    let client = &backup.iter().find(|(h, _)| h.starts_with("Hanseatische")).unwrap().1;
    assert!(client.contains("owns Backup platform"), "the owner's party owns the system: {client}");
}

#[test]
fn the_not_approved_banner_speaks_in_sentences() {
    let repo = Repo::copy_of(&example());
    // a signature changed after signing, and a contact the plan relies on defined twice
    let signoffs = repo.read("signoffs/core-banking.kdl");
    let line = signoffs.lines().find(|l| l.trim_start().starts_with("WMG")).unwrap().trim().to_string();
    let mut broken = line.clone();
    let last = broken.pop().unwrap();
    broken.push(if last == 'A' { 'B' } else { 'A' });
    repo.edit("signoffs/core-banking.kdl", &line, &broken);
    let out = handbook(repo.path(), &[".", "core-banking", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc = page(&repo.path().join("out"), "plan-core-banking.html");
    let banner = doc.select(&sel(".banner")).next().unwrap();
    assert_eq!(text(banner.select(&sel(".word")).next().unwrap()), "NOT APPROVED");
    let lines = all(&doc, ".banner li");
    assert!(
        lines.contains(
            &"The client Hanseatische Privatbank AG (hpb) has sign-off records, but none verifies.".to_string()
        ),
        "{lines:#?}"
    );
    let why =
        lines.iter().find(|l| l.starts_with("The signature does not verify")).unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(why.ends_with("(the record in signoffs/core-banking.kdl, line 4, SIG003)."), "{why}");
    for l in &lines {
        assert!(!l.contains('`'), "no backticks: {l}");
        assert!(
            !l.split_whitespace().next().is_some_and(|w| w.len() == 7 && w.ends_with(':')),
            "no code in front: {l}"
        );
        assert!(l.ends_with('.'), "a sentence: {l}");
    }

    // the same person signing for both parties cannot be made without keys here; a contact
    // the plan relies on defined twice makes the approval ambiguous, said as a sentence
    let repo = Repo::copy_of(&example());
    let rzn = repo.read("contacts/rzn.kdl");
    let desk = &rzn[rzn.find("contact rzn-duty-desk").unwrap()..];
    let desk = &desk[..desk.find("\n}\n").unwrap() + 3];
    repo.write("contacts/again.kdl", desk);
    let out = handbook(repo.path(), &[".", "core-banking", "--out", "out"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let lines = all(&page(&repo.path().join("out"), "plan-core-banking.html"), ".banner li");
    let ambiguous =
        lines.iter().find(|l| l.starts_with("Plan core-banking relies on")).unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(ambiguous.contains("rzn-duty-desk") && !ambiguous.contains('`') && ambiguous.ends_with('.'), "{ambiguous}");
}

#[test]
fn without_out_the_handbook_stays_out_of_git_status() {
    require("git");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("plans");
    copy_dir(&example(), &root);
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "--no-gpg-sign", "-m", "plans"]);
    // from a folder inside the repository: the pages go to handbook/ at its root
    let out = handbook(&root.join("contacts"), &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("wrote 7 files to ../handbook:\n"), "{}", out.stdout);
    assert!(out.stdout.contains("../handbook/.gitignore (Git does not show the handbook's files)"), "{}", out.stdout);
    assert!(root.join("handbook/plan-payroll.html").is_file());
    let ignore = std::fs::read_to_string(root.join("handbook/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    assert_eq!(git(&root, &["status", "--porcelain", "--untracked-files=all"]), "", "the repository has no .gitignore");
    // a second run keeps a .gitignore the user changed, and does not list it again
    std::fs::write(root.join("handbook/.gitignore"), "*\n!keep.txt\n").unwrap();
    let out = handbook(&root, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("wrote 7 files to handbook:\n") && !out.stdout.contains(".gitignore"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(root.join("handbook/.gitignore")).unwrap(), "*\n!keep.txt\n");
    // a plan repository in a folder of a larger Git repository: the same
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&example(), &tmp.path().join("ops/plans"));
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "--no-gpg-sign", "-m", "plans"]);
    let out = handbook(tmp.path(), &["ops/plans", "payroll"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("wrote 3 files to ops/plans/handbook:\n"), "{}", out.stdout);
    assert_eq!(git(tmp.path(), &["status", "--porcelain", "--untracked-files=all"]), "");
    // --out names the folder as before, and gets no .gitignore: it is the user's choice
    let out = handbook(tmp.path(), &["ops/plans", "--out", "site"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!tmp.path().join("site/.gitignore").exists());
    // a repository whose handbook/ is a link out of it: refused, nothing written through it
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(tmp.path().join("ops/plans/handbook")).unwrap();
    std::os::unix::fs::symlink(outside.path(), tmp.path().join("ops/plans/handbook")).unwrap();
    let out = handbook(tmp.path(), &["ops/plans"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("is a symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}
