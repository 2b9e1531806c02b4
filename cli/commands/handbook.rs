//! `contingent handbook`: the emergency handbook as static HTML (and PDF) pages.

use std::path::{Path, PathBuf};

use crate::cli::{HandbookArgs, HandbookFormat};
use crate::handbook::{self, html, page, pdf, write};

/// Splits `[PATH] [PLAN...]`: the first argument is the repository when it names an existing
/// file or folder (and `--repo` is not given), every other argument is a plan id.
fn split(args: &HandbookArgs) -> (PathBuf, Vec<String>) {
    let mut plans = args.args.clone();
    if let Some(repo) = &args.repo {
        return (repo.clone(), plans);
    }
    if plans.first().is_some_and(|a| Path::new(a).exists()) {
        let path = PathBuf::from(plans.remove(0));
        return (path, plans);
    }
    (PathBuf::from("."), plans)
}

/// Where the handbook goes without `--out`: this folder at the plan repository's root, which
/// holds a `.gitignore` of its own, so the pages never show in `git status` (`init` lists it in
/// the repository's `.gitignore` too).
pub const DEFAULT_OUT: &str = "handbook";

pub fn run(args: &HandbookArgs) -> Result<u8, String> {
    let (path, plans) = split(args);
    // the browser is looked for first: a missing one costs nothing written
    let browser = match args.format {
        HandbookFormat::Pdf => Some(pdf::find(args.chromium.as_deref())?),
        HandbookFormat::Html => None,
    };
    let (clock, checked, trusted) = super::report::load_trusted(&path, args.as_of.as_deref(), args.trust.as_deref())?;
    let base = trusted.as_ref().map(|t| {
        let mut b = t.base();
        b.broken_plans = crate::check::broken_plans(&checked.loaded.broken);
        b
    });
    let root = super::check::find_root(&path)?;
    let model = &checked.loaded.model;
    let paths = model.config.as_ref().map(|c| c.paths.clone()).unwrap_or_default();
    let limit = model.config.as_ref().map_or(crate::model::Limits::default().max_file_size, |c| c.limits.max_file_size);
    let shown = match &args.out {
        Some(out) => out.clone(),
        None => shown_from_here(&root).join(DEFAULT_OUT),
    };
    let out = write::check_out_dir(&shown, &root, &paths.all())?;
    let book = page::build(&checked, &clock, handbook::provenance(&root, limit), &plans, base.as_ref())?;
    write::create_dir(&out)?;
    // the default folder keeps itself out of Git, in repositories with a .gitignore or without
    let ignored = args.out.is_none() && write::ignore_in_git(&out)?;
    let written = write_pages(&out, &book, browser.as_ref())?;
    let removed = write::remove_stale(&out, &written)?;
    super::print(&summary(&book, &shown, &written, &removed, ignored))?;
    Ok(crate::exit::CLEAN)
}

/// The plan repository's root as the user can type it: relative to the current folder when one
/// is inside the other (`plans`, `..`), else absolute.
fn shown_from_here(root: &Path) -> PathBuf {
    let Ok(here) = std::env::current_dir().and_then(|d| d.canonicalize()) else { return root.to_path_buf() };
    if let Ok(below) = root.strip_prefix(&here) {
        return below.to_path_buf();
    }
    match here.strip_prefix(root) {
        Ok(above) => above.components().map(|_| Path::new("..")).collect(),
        Err(_) => root.to_path_buf(),
    }
}

/// Writes every page as it is rendered (one held at a time), and with a browser the PDF of
/// each; returns the names written. The pages replace the old ones together, after one sync
/// (`write::Staged`); the PDFs, printed from the pages in place, after them.
fn write_pages(out: &Path, book: &page::Handbook, browser: Option<&PathBuf>) -> Result<Vec<String>, String> {
    let mut staged = write::Staged::new(out);
    for (name, text) in html::pages(book) {
        staged.add(&name, text.as_bytes())?;
    }
    let mut written = staged.commit()?;
    if let Some(browser) = browser {
        let mut staged = write::Staged::new(out);
        for name in written.clone() {
            let bytes = pdf::print(browser, &out.join(&name))?;
            let pdf_name = format!("{}.pdf", name.trim_end_matches(".html"));
            staged.add(&pdf_name, &bytes)?;
        }
        written.extend(staged.commit()?);
    }
    Ok(written)
}

/// What the command prints: the source, every file written or removed, a warning per plan with
/// a banner, and where to open the handbook.
fn summary(book: &page::Handbook, out: &Path, written: &[String], removed: &[String], ignored: bool) -> String {
    let path = |name: &str| crate::escape::line(&out.join(name).display().to_string()).into_owned();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut msg = format!(
        "contingent handbook: {} plan{} as of {} ({}), from {}\n",
        book.plans.len(),
        plural(book.plans.len()),
        book.as_of,
        book.as_of_source,
        crate::escape::line(&book.provenance.summary)
    );
    msg.push_str(&format!("wrote {} files to {}:\n", written.len(), crate::escape::line(&out.display().to_string())));
    for name in written {
        msg.push_str(&format!("  {}\n", path(name)));
    }
    if ignored {
        msg.push_str(&format!("  {} (Git does not show the handbook's files)\n", path(".gitignore")));
    }
    for name in removed {
        msg.push_str(&format!("removed the page of an earlier run: {}\n", path(name)));
    }
    for p in &book.plans {
        if !p.banners.is_empty() {
            let words: Vec<&str> = p.banners.iter().map(|b| b.word).collect();
            msg.push_str(&format!("warning: plan {}: {}\n", crate::escape::line(p.id.raw()), words.join(", ")));
        }
    }
    for id in &book.broken_plans {
        msg.push_str(&format!(
            "warning: plan {} cannot be loaded and has no page: run `contingent check`\n",
            crate::escape::line(id.raw())
        ));
    }
    if !book.repository_errors.is_empty() {
        msg.push_str(&format!(
            "warning: the repository has {} errors that concern no single plan (listed on the index): run `contingent check`\n",
            book.repository_errors.len()
        ));
    }
    msg.push_str(&format!("open {} in a browser, or print it\n", path("index.html")));
    msg
}
