//! Every id of the model where it is defined and where it is referenced, by file: what "go to
//! definition", "find references" and the dependents of an edit are computed from. The places
//! are the ones `rules::xref` resolves, kind for kind.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostic::{FileId, Span};
use crate::model::{Id, Model};
use crate::rules::xref;

/// The kinds of id: the namespaces of `xref` (where systems and interfaces share one), and
/// revisions and scenarios, named within their contract and plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ns {
    /// an id of the model
    Id(xref::Ns),
    /// a revision number of the contract
    Revision(String),
    /// a scenario of the plan
    Scenario(String),
}

/// One occurrence of an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sym {
    pub ns: Ns,
    pub id: String,
    pub span: Span,
    pub def: bool,
}

/// The occurrences of every file (files without ids have no entry).
pub type Symbols = HashMap<FileId, Vec<Sym>>;

fn push(out: &mut Symbols, file: FileId, ns: Ns, id: &Id, def: bool) {
    out.entry(file).or_default().push(Sym { ns, id: id.value.clone(), span: id.span, def });
}

/// The occurrences in the whole model, or only in one file.
pub fn collect(model: &Model, only: Option<FileId>) -> Symbols {
    let mut out = Symbols::new();
    let keep = |f: FileId| only.is_none_or(|o| o == f);
    if let Some(c) = model.config.as_ref().filter(|c| keep(c.file)) {
        for p in &c.party {
            push(&mut out, c.file, Ns::Id(xref::Ns::Party), &p.id, true);
        }
    }
    for m in std::iter::once(model).chain(model.salvaged.as_deref()) {
        walk(m, &keep, &mut out);
    }
    for syms in out.values_mut() {
        syms.sort_by_key(|s| (s.span.start, s.span.end));
    }
    out
}

fn walk(m: &Model, keep: &impl Fn(FileId) -> bool, out: &mut Symbols) {
    for c in m.contacts.iter().filter(|o| keep(o.file)) {
        let f = c.file;
        push(out, f, Ns::Id(xref::Ns::Contact), &c.id, true);
        push(out, f, Ns::Id(xref::Ns::Party), &c.party, false);
        if let Some(d) = &c.deputy {
            push(out, f, Ns::Id(xref::Ns::Contact), d, false);
        }
    }
    for s in m.systems.iter().filter(|o| keep(o.file)) {
        let f = s.file;
        push(out, f, Ns::Id(xref::Ns::Inventory), &s.id, true);
        push(out, f, Ns::Id(xref::Ns::Party), &s.operator, false);
        push(out, f, Ns::Id(xref::Ns::Contact), &s.owner, false);
        for d in &s.depends_on {
            push(out, f, Ns::Id(xref::Ns::Inventory), d, false);
        }
        if let Some(a) = &s.acknowledged {
            push(out, f, Ns::Id(xref::Ns::Contact), &a.by, false);
        }
    }
    for i in m.interfaces.iter().filter(|o| keep(o.file)) {
        let f = i.file;
        push(out, f, Ns::Id(xref::Ns::Inventory), &i.id, true);
        if let Some(c) = &i.carrier {
            push(out, f, Ns::Id(xref::Ns::Party), c, false);
        }
        if let Some(cs) = &i.contacts {
            for c in [&cs.client, &cs.provider, &cs.carrier].into_iter().flatten() {
                push(out, f, Ns::Id(xref::Ns::Contact), c, false);
            }
        }
        for d in &i.depends_on {
            push(out, f, Ns::Id(xref::Ns::Inventory), d, false);
        }
        if let Some(a) = &i.acknowledged {
            push(out, f, Ns::Id(xref::Ns::Contact), &a.by, false);
        }
    }
    for c in m.contracts.iter().filter(|o| keep(o.file)) {
        let f = c.file;
        push(out, f, Ns::Id(xref::Ns::Contract), &c.id, true);
        push(out, f, Ns::Id(xref::Ns::Party), &c.client, false);
        push(out, f, Ns::Id(xref::Ns::Party), &c.provider, false);
        for r in &c.revision {
            let n = &r.number;
            out.entry(f).or_default().push(Sym {
                ns: Ns::Revision(c.id.value.clone()),
                id: n.value.to_string(),
                span: n.span,
                def: true,
            });
            for sla in &r.sla {
                push(out, f, Ns::Id(xref::Ns::Inventory), &sla.target, false);
            }
        }
    }
    for p in m.plans.iter().filter(|o| keep(o.file)) {
        let f = p.file;
        push(out, f, Ns::Id(xref::Ns::Plan), &p.id, true);
        for c in &p.covers {
            push(out, f, Ns::Id(xref::Ns::Inventory), c, false);
        }
        if let Some(cr) = &p.contract {
            push(out, f, Ns::Id(xref::Ns::Contract), &cr.id, false);
            out.entry(f).or_default().push(Sym {
                ns: Ns::Revision(cr.id.value.clone()),
                id: cr.revision.value.to_string(),
                span: cr.revision.span,
                def: false,
            });
        }
        if let Some(r) = &p.responsible {
            for c in [&r.client, &r.provider].into_iter().flatten() {
                push(out, f, Ns::Id(xref::Ns::Contact), c, false);
            }
        }
        for o in &p.objective {
            push(out, f, Ns::Id(xref::Ns::Inventory), &o.target, false);
        }
        if let Some(e) = &p.escalation {
            for l in &e.level {
                push(out, f, Ns::Id(xref::Ns::Contact), &l.notify, false);
            }
        }
        if let Some(b) = &p.backup {
            if let Some(d) = &b.deputy {
                push(out, f, Ns::Id(xref::Ns::Contact), d, false);
            }
            if let Some(of) = &b.on_failure {
                push(out, f, Ns::Id(xref::Ns::Contact), &of.escalate_to, false);
            }
        }
        for s in &p.scenario {
            push(out, f, Ns::Scenario(p.id.value.clone()), &s.id, true);
            for c in &s.contacts {
                push(out, f, Ns::Id(xref::Ns::Contact), c, false);
            }
        }
    }
    for e in m.exercises.iter().filter(|o| keep(o.file)) {
        let f = e.file;
        push(out, f, Ns::Id(xref::Ns::Exercise), &e.id, true);
        push(out, f, Ns::Id(xref::Ns::Plan), &e.plan, false);
        for s in &e.scenarios {
            push(out, f, Ns::Scenario(e.plan.value.clone()), s, false);
        }
        for c in &e.participants {
            push(out, f, Ns::Id(xref::Ns::Contact), c, false);
        }
        for x in &e.finding {
            push(out, f, Ns::Id(xref::Ns::Contact), &x.owner, false);
        }
    }
    for s in m.signoffs.iter().filter(|o| keep(o.file)) {
        push(out, s.file, Ns::Id(xref::Ns::Plan), &s.plan, false);
        push(out, s.file, Ns::Id(xref::Ns::Contact), &s.signer, false);
    }
    for r in m.rosters.iter().filter(|o| keep(o.file)) {
        push(out, r.file, Ns::Id(xref::Ns::Contact), &r.signer, false);
    }
}

/// The occurrence at a byte offset of a file (its span holds the offset, or ends at it).
pub fn at(symbols: &Symbols, file: FileId, offset: u32) -> Option<&Sym> {
    symbols.get(&file)?.iter().find(|s| s.span.start <= offset && offset <= s.span.end)
}

/// For each id of a kind, the files it occurs in (defined or referenced), kept in step with
/// [`Symbols`] file by file: the dependents of an edit and every occurrence of an id are found
/// without walking every file's occurrences.
#[derive(Default)]
pub struct Index(HashMap<(Ns, String), BTreeSet<FileId>>);

impl Index {
    pub fn new(symbols: &Symbols) -> Index {
        let mut out = Index::default();
        for (file, syms) in symbols {
            out.add(*file, syms);
        }
        out
    }

    pub fn add(&mut self, file: FileId, syms: &[Sym]) {
        for s in syms {
            self.0.entry((s.ns.clone(), s.id.clone())).or_default().insert(file);
        }
    }

    pub fn remove(&mut self, file: FileId, syms: &[Sym]) {
        for s in syms {
            let key = (s.ns.clone(), s.id.clone());
            if let Some(files) = self.0.get_mut(&key) {
                files.remove(&file);
                if files.is_empty() {
                    self.0.remove(&key);
                }
            }
        }
    }

    /// The files an id of a kind occurs in, in file order.
    pub fn of(&self, ns: &Ns, id: &str) -> impl Iterator<Item = FileId> + '_ {
        self.0.get(&(ns.clone(), id.to_string())).into_iter().flatten().copied()
    }
}

/// Every occurrence of an id of a kind, definitions first, in file and position order.
pub fn occurrences<'a>(symbols: &'a Symbols, index: &Index, ns: &Ns, id: &str) -> Vec<(FileId, &'a Sym)> {
    let mut out: Vec<(FileId, &Sym)> = index
        .of(ns, id)
        .filter_map(|f| symbols.get(&f).map(|syms| (f, syms)))
        .flat_map(|(f, syms)| syms.iter().filter(|s| s.ns == *ns && s.id == id).map(move |s| (f, s)))
        .collect();
    out.sort_by_key(|(f, s)| (!s.def, *f, s.span.start));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_definitions_of_the_example_are_found() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
        let tree = crate::source::worktree::WorkTree::new(&root).unwrap();
        let loaded = crate::load::load(&tree);
        let syms = collect(&loaded.model, None);
        let index = Index::new(&syms);
        let uses = occurrences(&syms, &index, &Ns::Id(xref::Ns::Contact), "anna.schmidt");
        assert!(uses[0].1.def, "the definition comes first");
        assert_eq!(uses.iter().filter(|(_, s)| s.def).count(), 1);
        assert!(uses.len() > 3, "{uses:?}");
        let payroll = occurrences(&syms, &index, &Ns::Id(xref::Ns::Plan), "payroll");
        assert!(payroll.iter().any(|(f, _)| loaded.files.get(*f).path.starts_with("exercises/")));
        assert!(!occurrences(&syms, &index, &Ns::Revision("msa".into()), "3").is_empty());
        // one file alone gives the same occurrences as the whole model for that file
        let (f, _) = payroll[0];
        assert_eq!(collect(&loaded.model, Some(f))[&f], syms[&f]);
    }
}
