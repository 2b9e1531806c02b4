//! The layers have no import cycle: the top-level modules of `cli/` form a directed acyclic
//! graph, and so do the files of the rule catalogue (`cli/rules/`). Edges are the `crate::…`
//! (and, inside `rules`, `super::…`) paths in the code of each file, comments and tests left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its test module and without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.find("#[cfg(test)]").map_or(text.as_str(), |i| &text[..i]);
    text.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n")
}

/// Every path after `prefix` in the text, as its segments (`crate::rules::xref::Ns` → rules, xref, Ns).
fn paths(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        let qualified = rest[..i].ends_with("::");
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') || qualified {
            continue; // `mycrate::`, `self::super::`
        }
        let mut segs = Vec::new();
        let mut at = rest;
        loop {
            let name = ident(at);
            if name.is_empty() {
                break;
            }
            at = &at[name.len()..];
            segs.push(name);
            match at.strip_prefix("::") {
                Some(next) => at = next,
                None => break,
            }
        }
        out.push(segs);
    }
    out
}

/// Finds a cycle in a graph, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn cli() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cli")
}

/// The module path of a file below `cli/` (`rules/policy/mod.rs` → rules::policy).
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(cli()).unwrap().with_extension("");
    let mut segs: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    segs
}

#[test]
fn the_top_level_modules_have_no_import_cycle() {
    let mut files = Vec::new();
    rust_files(&cli(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let module = module_of(f);
        let Some(top) = module.first().filter(|t| *t != "lib" && *t != "main") else { continue };
        let edges = graph.entry(top.clone()).or_default();
        for p in paths(&code(f), "crate::") {
            if let Some(to) = p.first().filter(|t| *t != top) {
                edges.insert(to.clone());
            }
        }
    }
    assert!(graph.len() > 15, "{graph:?}");
    assert!(graph["load"].contains("source") && graph["check"].contains("rules"), "the scan finds imports");
    assert_eq!(cycle(&graph), None, "an import cycle between top-level modules");
    // the layers below the rules do not reach up to them
    for low in ["diagnostic", "syntax", "source", "validate", "model", "load", "signoff", "context"] {
        assert!(!graph[low].contains("rules"), "{low} imports from the rules");
        assert!(!graph[low].contains("check"), "{low} imports from check");
    }
}

#[test]
fn the_files_of_the_rule_catalogue_have_no_import_cycle() {
    let mut files = Vec::new();
    rust_files(&cli().join("rules"), &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    // the longest prefix of a path that is a module of the catalogue
    let resolve = |p: &[String]| -> Option<String> {
        (1..=p.len()).rev().map(|n| p[..n].to_vec()).find(|m| modules.contains(m)).map(|m| m.join("::"))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let module = module_of(f);
        let name = module.join("::");
        let text = code(f);
        let mut targets = Vec::new();
        for p in paths(&text, "crate::") {
            if p.first().is_some_and(|s| s == "rules") {
                targets.extend(resolve(&p));
            }
        }
        let is_mod = f.file_name().is_some_and(|n| n == "mod.rs");
        // `super` is the parent module, for `a/b/mod.rs` (module a::b) and `a/b.rs` alike
        let parent: Vec<String> = module[..module.len() - 1].to_vec();
        for p in paths(&text, "super::") {
            let mut full = parent.clone();
            full.extend(p);
            targets.extend(resolve(&full));
        }
        // a parent's `pub use child::…` depends on the child
        for line in text.lines().map(str::trim).filter(|l| l.starts_with("pub use ") || l.starts_with("use ")) {
            let first = line.trim_start_matches("pub ").trim_start_matches("use ").split("::").next().unwrap_or("");
            let mut child = module.clone();
            child.push(first.to_string());
            if is_mod && modules.contains(&child) {
                targets.push(child.join("::"));
            }
        }
        let edges = graph.entry(name.clone()).or_default();
        edges.extend(targets.into_iter().filter(|t| *t != name));
    }
    assert!(graph.len() >= 12, "{graph:?}");
    assert!(graph["rules::policy"].contains("rules::contacts"), "{graph:?}");
    assert_eq!(cycle(&graph), None, "an import cycle between files of the rule catalogue: {graph:#?}");
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not_one() {
    let g = |edges: &[(&str, &str)]| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            m.entry(a.to_string()).or_default().insert(b.to_string());
            m.entry(b.to_string()).or_default();
        }
        m
    };
    assert_eq!(cycle(&g(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(
        cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(paths("use crate::rules::xref::{Ns};\nx::crate::no", "crate::"), [vec!["rules", "xref"]]);
}
