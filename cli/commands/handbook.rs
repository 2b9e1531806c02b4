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
    let out = write::check_out_dir(&args.out, &root, &paths.all())?;
    let book = page::build(&checked, &clock, handbook::provenance(&root, limit), &plans, base.as_ref())?;
    let pages = html::render(&book);
    write::create_dir(&out)?;
    let mut written = Vec::new();
    for (name, text) in &pages {
        write::write_file(&out, name, text.as_bytes())?;
        written.push(name.clone());
    }
    if let Some(browser) = &browser {
        for (name, _) in &pages {
            let bytes = pdf::print(browser, &out.join(name))?;
            let pdf_name = format!("{}.pdf", name.trim_end_matches(".html"));
            write::write_file(&out, &pdf_name, &bytes)?;
            written.push(pdf_name);
        }
    }
    let removed = write::remove_stale(&out, &written)?;
    let mut msg = format!(
        "contingent handbook: {} plan{} as of {} ({}), from {}\n",
        book.plans.len(),
        if book.plans.len() == 1 { "" } else { "s" },
        book.as_of,
        book.as_of_source,
        crate::escape::line(&book.provenance.summary)
    );
    msg.push_str(&format!(
        "wrote {} files to {}:\n",
        written.len(),
        crate::escape::line(&args.out.display().to_string())
    ));
    for name in &written {
        msg.push_str(&format!("  {}\n", crate::escape::line(&args.out.join(name).display().to_string())));
    }
    for name in &removed {
        msg.push_str(&format!(
            "removed the page of an earlier run: {}\n",
            crate::escape::line(&args.out.join(name).display().to_string())
        ));
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
    msg.push_str(&format!(
        "open {} in a browser, or print it\n",
        crate::escape::line(&args.out.join("index.html").display().to_string())
    ));
    super::print(&msg)?;
    Ok(crate::exit::CLEAN)
}
