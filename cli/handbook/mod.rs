//! The emergency handbook (`contingent handbook`): static HTML pages, one per plan, an index and
//! a contact directory, for the provider's staff to read on screen or print (docs/handbook.md).
//!
//! `page.rs` builds the page model from a checked repository (the same sign-off evaluation,
//! contact status and findings as `check`, `signoffs` and `contacts`); `html.rs` holds the maud
//! templates, the only place markup is made; `write.rs` writes the pages without following
//! symbolic links; `pdf.rs` prints them with headless Chromium, the one process this module
//! starts.

// a page is its sections: every function here fits on a screen

pub mod html;
pub mod page;
pub mod pdf;
mod sections;
pub mod write;

use std::collections::BTreeMap;
use std::path::Path;

use crate::source::git::Repo;
use crate::source::worktree::WorkTree;
use crate::source::{Listed, Read, Source};

use page::{Provenance, Txt};

/// Where the plan repository at `root` comes from: the `HEAD` commit of its Git repository, and
/// which plan files of the work tree differ from it; or that it is not in a Git repository.
pub fn provenance(root: &Path, limit: u64) -> Provenance {
    let not_git = || Provenance {
        commit: None,
        short: None,
        modified: Vec::new(),
        summary: "not a Git repository: the files of the work tree".into(),
    };
    let Ok(repo) = Repo::discover(root) else { return not_git() };
    let Some(head) = repo.head() else {
        return Provenance {
            commit: None,
            short: None,
            modified: Vec::new(),
            summary: "a Git repository without commits: the files of the work tree".into(),
        };
    };
    let short = repo.short(head);
    let full = head.to_string();
    let Ok(dir) = repo.relative_dir(root) else { return not_git() };
    let Some(committed) = repo.tree(head, &dir, "HEAD").ok() else {
        return Provenance {
            commit: Some(full),
            short: Some(short.clone()),
            modified: Vec::new(),
            summary: format!("the work tree; the plan repository is not in commit {short}"),
        };
    };
    let Ok(work) = WorkTree::new(root) else { return not_git() };
    let modified = differences(&work, &committed, limit);
    let summary = if modified.is_empty() {
        format!("commit {short}")
    } else {
        let n = modified.len();
        format!("commit {short} with uncommitted changes ({n} file{})", if n == 1 { "" } else { "s" })
    };
    Provenance {
        commit: Some(full),
        short: Some(short),
        modified: modified.into_iter().map(Txt::new).collect(),
        summary,
    }
}

/// The `.kdl` files whose content differs between two sources (present in one only, or not
/// the same bytes), sorted.
fn differences(a: &dyn Source, b: &dyn Source, limit: u64) -> Vec<String> {
    let hashes = |s: &dyn Source| -> BTreeMap<String, Option<Vec<u8>>> {
        s.list(".")
            .into_iter()
            .filter_map(|l| match l {
                Listed::File(p) => Some(p),
                _ => None,
            })
            .map(|p| {
                let bytes = match s.read(&p, limit) {
                    Read::Bytes(b) => Some(b),
                    _ => None,
                };
                (p, bytes)
            })
            .collect()
    };
    let (a, b) = (hashes(a), hashes(b));
    let mut out: Vec<String> = a.keys().chain(b.keys()).filter(|p| a.get(*p) != b.get(*p)).cloned().collect();
    out.sort();
    out.dedup();
    out
}
