//! Symbolic links, resolved by one rule for every source: the work tree and the Git index or a
//! commit list and read the same files through the same links, so a check of a commit judges the
//! file that the work tree of that commit shows.
//!
//! The rule: a path is resolved component by component from the plan repository's root; a link's
//! target replaces it (relative to the link's folder; an absolute target only where the source
//! can tell that it lies inside the root, which Git cannot), links to links are followed up to
//! [`MAX_LINKS`] in all (as Linux does), and a `..` above the root, or an absolute target outside
//! it, leads outside and is never followed. A source only says what is at a path without links
//! ([`Tree`]).

use std::collections::{HashSet, VecDeque};

use super::Listed;

/// The most links followed for one path (Linux's limit, so the work tree reads the same files as
/// the operating system would): more is taken for a loop.
pub const MAX_LINKS: usize = 40;

/// What is at a path without links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    /// A symbolic link and its target, as written.
    Link(String),
    /// Something that is not a regular file or folder, in words (`a named pipe (FIFO)`).
    Other(&'static str),
}

/// An entry of a folder: its name (`Err` with the name shown lossily when it is not UTF-8) and
/// what it is.
pub type Child = (Result<String, String>, Entry);

/// A folder tree as a source holds it: entries at paths (relative to the plan repository root,
/// `/`-separated, `""` for the root) that contain no links.
pub trait Tree {
    /// The entry at `path`; `None` when nothing is there.
    fn entry(&self, path: &str) -> Option<Entry>;
    /// The entries of the folder at `path`, sorted by name: the name (`Err` with the name shown
    /// lossily when it is not UTF-8) and the entry. Empty when the folder does not exist; `Err`
    /// with the reason when it cannot be read.
    fn children(&self, path: &str) -> Result<Vec<Child>, String>;
    /// An absolute link target as a path relative to the root, when the source can tell that it
    /// lies inside the root.
    fn inside(&self, _target: &str) -> Option<String> {
        None
    }
}

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// To an entry that is not a link, at a path without links.
    Real { path: String, entry: Entry },
    /// To nothing: `path` is the first part that does not exist; `links` followed on the way.
    Missing { path: String, links: usize },
    /// Out of the plan repository, through a link with this target.
    Outside { target: String },
    /// Through more than [`MAX_LINKS`] links: a loop.
    Loop,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Resolves `path` (relative to the root) through every link on the way.
pub fn resolve(tree: &dyn Tree, path: &str) -> Resolved {
    let mut queue: VecDeque<String> = path.split('/').map(str::to_string).collect();
    let mut at: Vec<String> = Vec::new();
    let mut entry = Entry::Dir;
    let mut links = 0;
    let mut through: Option<String> = None;
    while let Some(part) = queue.pop_front() {
        if part.is_empty() || part == "." {
            continue;
        }
        if entry != Entry::Dir {
            // a name below a file: nothing is there
            return Resolved::Missing { path: join(&at.join("/"), &part), links };
        }
        if part == ".." {
            if at.pop().is_none() {
                return Resolved::Outside { target: through.unwrap_or_else(|| path.to_string()) };
            }
            continue;
        }
        at.push(part);
        let here = at.join("/");
        match tree.entry(&here) {
            None => return Resolved::Missing { path: here, links },
            Some(Entry::Link(target)) => {
                at.pop();
                links += 1;
                if links > MAX_LINKS {
                    return Resolved::Loop;
                }
                let rest: Vec<String> = queue.drain(..).collect();
                let start = if target.starts_with('/') {
                    match tree.inside(&target) {
                        Some(rel) => {
                            at.clear();
                            rel
                        }
                        None => return Resolved::Outside { target },
                    }
                } else {
                    target.clone()
                };
                queue.extend(start.split('/').map(str::to_string));
                queue.extend(rest);
                through = Some(target);
                entry = Entry::Dir;
            }
            Some(e) => entry = e,
        }
    }
    Resolved::Real { path: at.join("/"), entry }
}

/// Why a link that leads nowhere is not checked.
fn dangling(target: &str, missing: &str, links: usize) -> String {
    if links <= 1 {
        format!("it is a symbolic link to {target}, which does not exist")
    } else {
        format!(
            "it is a symbolic link to {target}, a chain of {links} links that ends at {missing}, which does not exist"
        )
    }
}

fn looping(target: &str) -> String {
    format!("it is a symbolic link to {target} in a loop of links (or a chain of more than {MAX_LINKS})")
}

/// Every `.kdl` file below `dir` (`.` for the root), as [`super::Source::list`] returns them:
/// links are listed under their own names, links to folders are entered (each real folder once
/// per listing), and what cannot be checked is listed with the reason.
pub fn list(tree: &dyn Tree, dir: &str) -> Vec<Listed> {
    let start = if dir == "." { "" } else { dir };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    match resolve(tree, start) {
        Resolved::Real { path, entry: Entry::Dir } => {
            seen.insert(path.clone());
            walk(tree, &path, start, &mut seen, &mut out);
        }
        Resolved::Outside { target } => {
            return vec![Listed::SymlinkOutside { path: dir.to_string(), target }];
        }
        Resolved::Missing { .. } => {}
        Resolved::Loop => out.push(Listed::Skipped { path: dir.to_string(), why: looping(dir) }),
        Resolved::Real { .. } => out.push(Listed::Skipped {
            path: dir.to_string(),
            why: "the folder cannot be read: it is not a folder".into(),
        }),
    }
    out
}

fn walk(tree: &dyn Tree, real: &str, shown: &str, seen: &mut HashSet<String>, out: &mut Vec<Listed>) {
    let children = match tree.children(real) {
        Ok(c) => c,
        Err(why) => {
            let path = if shown.is_empty() { ".".to_string() } else { shown.to_string() };
            out.push(Listed::Skipped { path, why: format!("the folder cannot be read: {why}") });
            return;
        }
    };
    for (name, entry) in children {
        let name = match name {
            Ok(n) => n,
            Err(lossy) => {
                if !lossy.starts_with('.') {
                    out.push(Listed::Skipped {
                        path: join(shown, &lossy),
                        why: "its name is not valid UTF-8 (shown with U+FFFD); rename it".into(),
                    });
                }
                continue;
            }
        };
        if name.starts_with('.') {
            continue;
        }
        let rel = join(shown, &name);
        let kdl = name.ends_with(".kdl");
        let (entry, real_path) = match entry {
            Entry::Link(target) => match resolve(tree, &join(real, &name)) {
                Resolved::Real { path, entry } => (entry, path),
                Resolved::Outside { target } => {
                    // a folder of plans or a plan file out of the repository
                    if kdl || !name.contains('.') {
                        out.push(Listed::SymlinkOutside { path: rel, target });
                    }
                    continue;
                }
                Resolved::Missing { path, links } => {
                    if kdl {
                        out.push(Listed::Skipped { path: rel, why: dangling(&target, &path, links) });
                    }
                    continue;
                }
                Resolved::Loop => {
                    if kdl {
                        out.push(Listed::Skipped { path: rel, why: looping(&target) });
                    }
                    continue;
                }
            },
            e => (e, join(real, &name)),
        };
        match entry {
            Entry::Dir if seen.insert(real_path.clone()) => walk(tree, &real_path, &rel, seen, out),
            Entry::File if kdl => out.push(Listed::File(rel)),
            Entry::Other(what) if kdl => {
                out.push(Listed::Skipped { path: rel, why: format!("it is {what}, not a regular file") })
            }
            _ => {}
        }
    }
}

/// The path without links of the regular file a read of `path` opens, or what to answer instead.
pub fn file(tree: &dyn Tree, path: &str) -> Result<String, super::Read> {
    use super::Read;
    match resolve(tree, path) {
        Resolved::Real { path, entry: Entry::File } => Ok(path),
        Resolved::Real { entry: Entry::Dir, .. } => Err(Read::Failed("it is a folder, not a regular file".into())),
        Resolved::Real { entry, .. } => {
            let what = match entry {
                Entry::Other(what) => what,
                _ => "a special file",
            };
            Err(Read::Failed(format!("it is {what}, not a regular file")))
        }
        Resolved::Missing { links: 0, .. } => Err(Read::NotFound),
        Resolved::Missing { path, .. } => {
            Err(Read::Failed(format!("it is a symbolic link to a missing target: {path} does not exist")))
        }
        Resolved::Outside { target } => Err(Read::Outside(target)),
        Resolved::Loop => {
            Err(Read::Failed(format!("it is a symbolic link in a loop of links (or a chain of more than {MAX_LINKS})")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Map(BTreeMap<&'static str, Entry>);

    impl Tree for Map {
        fn entry(&self, path: &str) -> Option<Entry> {
            if path.is_empty() {
                return Some(Entry::Dir);
            }
            self.0.get(path).cloned()
        }
        fn children(&self, path: &str) -> Result<Vec<Child>, String> {
            let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
            Ok(self
                .0
                .iter()
                .filter_map(|(p, e)| {
                    p.strip_prefix(prefix.as_str()).filter(|r| !r.contains('/')).map(|r| (Ok(r.to_string()), e.clone()))
                })
                .collect())
        }
    }

    fn tree(entries: &[(&'static str, Entry)]) -> Map {
        Map(entries.iter().cloned().collect())
    }

    fn link(t: &str) -> Entry {
        Entry::Link(t.to_string())
    }

    #[test]
    fn chains_folders_and_parents_resolve_like_the_operating_system() {
        let t = tree(&[
            ("p", Entry::Dir),
            ("p/a.kdl", link("b.kdl")),
            ("p/b.kdl", link("../q/c.kdl")),
            ("q", Entry::Dir),
            ("q/c.kdl", Entry::File),
            ("p/d", link("../q")),
            ("p/e.kdl", link("d/c.kdl")),
            ("p/out.kdl", link("b.kdl/../../..")),
        ]);
        let real = |p: &str| Resolved::Real { path: p.to_string(), entry: Entry::File };
        assert_eq!(resolve(&t, "p/a.kdl"), real("q/c.kdl"));
        assert_eq!(resolve(&t, "p/e.kdl"), real("q/c.kdl"));
        assert_eq!(resolve(&t, "p/d/c.kdl"), real("q/c.kdl"));
        // `b.kdl/..` is below a file: nothing is there
        assert_eq!(resolve(&t, "p/out.kdl"), Resolved::Missing { path: "q/c.kdl/..".into(), links: 2 });
    }

    #[test]
    fn links_out_loops_and_long_chains_are_not_followed() {
        let mut entries: Vec<(&'static str, Entry)> =
            vec![("a.kdl", link("b.kdl")), ("b.kdl", link("../x.kdl")), ("l1", link("l2")), ("l2", link("l1"))];
        assert_eq!(resolve(&tree(&entries), "a.kdl"), Resolved::Outside { target: "../x.kdl".into() });
        assert_eq!(resolve(&tree(&entries), "l1"), Resolved::Loop);
        entries.push(("abs.kdl", link("/etc/passwd")));
        assert_eq!(resolve(&tree(&entries), "abs.kdl"), Resolved::Outside { target: "/etc/passwd".into() });
        // a chain of MAX_LINKS links is followed, one more is not
        let names: Vec<&'static str> =
            (0..=MAX_LINKS + 1).map(|i| &*Box::leak(format!("n{i}").into_boxed_str())).collect();
        let mut chain: Vec<(&'static str, Entry)> = (0..=MAX_LINKS).map(|i| (names[i], link(names[i + 1]))).collect();
        chain.push((names[MAX_LINKS + 1], Entry::File));
        assert_eq!(
            resolve(&tree(&chain), names[1]),
            Resolved::Real { path: names[MAX_LINKS + 1].into(), entry: Entry::File }
        );
        assert_eq!(resolve(&tree(&chain), names[0]), Resolved::Loop);
    }
}
