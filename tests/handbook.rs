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
        let levels: Vec<ElementRef> = doc.select(&sel("section#escalation li.level")).collect();
        assert_eq!(levels.len(), expected.levels.len(), "{id}");
        for (i, (li, contact)) in levels.iter().zip(&expected.levels).enumerate() {
            let t = text(*li);
            assert!(t.starts_with(&format!("Level {}: notify within", i + 1)), "{id}: {t}");
            let card = li.select(&sel(".card")).next().unwrap();
            assert!(text(card).contains(&format!("({contact})")), "{id}: level {} is {contact}: {t}", i + 1);
            let own: Vec<String> = card
                .select(&sel(":scope > ul.channels li"))
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
    let cards: Vec<String> = all(&doc, ".card");
    assert!(cards.iter().any(|c| c.contains("(dirk.hansen)") && c.contains("STALE CONTACT")), "the card says it too");
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
    assert!(stale.contains("the alarm-test of plan `core-banking` was due on 2027-03-22"), "{stale}");
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
