//! Cross-reference checks: ids unique per kind, every reference resolves to an object of the
//! right kind, with "did you mean" suggestions.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::{did_you_mean, Diagnostic, FileId, Location, Span};
use crate::format::Kind;
use crate::model::{fold_case, Id, Model};

rules! {
    REFERENCES;
    /// ## What it does
    /// Reports an id used twice for the same kind (two contacts, two plans, two scenarios of one plan, two revisions of one contract), in one file or across files, and points at both.
    ///
    /// ## Why
    /// References must name exactly one object; with two, a plan could point at the wrong person in an emergency.
    ///
    /// ## Example
    /// Two files both define `contact anna.schmidt`. Rename or merge one.
    REF_DUPLICATE = "REF001" "duplicate-id" Reference Error
        "two objects of the same kind share an id";
    /// ## What it does
    /// Reports a reference to a contact, party, system, interface, contract, revision, plan or scenario that does not exist, with a suggestion when a similar id exists.
    ///
    /// ## Why
    /// M 6.83: responsibilities, contact persons and processes must be clearly regulated and fully documented. A reference to nobody is a gap that is found only in the emergency.
    ///
    /// ## Example
    /// ```kdl
    /// responsible client=anna.schmid provider=jan.peters
    /// ```
    /// ```kdl
    /// responsible client=anna.schmidt provider=jan.peters
    /// ```
    REF_UNRESOLVED = "REF002" "unresolved-reference" Reference Error
        "a reference names nothing that exists";
    /// ## What it does
    /// Reports a reference that names an existing object of another kind than the place requires, such as a contact where a system is expected.
    ///
    /// ## Why
    /// Ids are unique per kind only; the same word may name a contact and a system. The reference must resolve to the right one.
    ///
    /// ## Example
    /// ```kdl
    /// covers anna.schmidt   // a contact, not a system
    /// ```
    REF_WRONG_KIND = "REF003" "wrong-kind-reference" Reference Error
        "a reference names an object of the wrong kind";
    /// ## What it does
    /// Reports a system or interface whose `depends-on` names itself, or a loop of dependencies (`a` depends on `b`, `b` on `c`, `c` on `a`), with the whole loop.
    ///
    /// ## Why
    /// Dependencies say what must run before a system can be restored; the restart order of an emergency follows them. A loop has no first step, so the order cannot be followed.
    ///
    /// ## Example
    /// ```kdl
    /// system payroll-db { depends-on payroll-db san }
    /// ```
    /// ```kdl
    /// system payroll-db { depends-on san }
    /// ```
    REF_CYCLE = "REF004" "dependency-cycle" Reference Error
        "a system or interface depends on itself, directly or through others";
    /// ## What it does
    /// Reports two ids of the same kind (two parties, contacts, systems or interfaces, contracts, plans or exercise records) that are equal when upper and lower case are ignored, such as `contact Anna.Schmidt` and `contact anna.schmidt`, or plans `Payroll` and `payroll`, and points at both definitions.
    ///
    /// ## Why
    /// Ids are compared exactly, so both are valid and references resolve to one or the other by a single letter's case. People read them as one name, and so do file systems that ignore case: the handbook's pages of plans `Payroll` and `payroll` would share a file name. In an emergency, someone calls the wrong `Anna.Schmidt`, or reads the wrong plan.
    ///
    /// ## Example
    /// ```kdl
    /// contact anna.schmidt { party bank; name "Anna Schmidt" }
    /// contact Anna.Schmidt { party bank; name "Anna Schmidt (new)" }
    /// ```
    /// Rename one (`anna.schmidt-2`), or merge the two if they are the same person.
    REF_CASE = "REF005" "ids-differ-only-in-case" Reference Error
        "two ids of the same kind differ only in upper and lower case";
    /// ## What it does
    /// Reports an item named twice in one list: a system in `covers`, an objective or a planned exercise kind twice in a plan, a contact or a place twice in a scenario, a step or a forbidden action written twice, a participant or scenario twice in an exercise record, a dependency twice, an SLA target, a response category or a required exercise twice in a revision.
    ///
    /// ## Why
    /// A second entry is at best noise and at worst a contradiction (two objectives for one system, two intervals for one exercise): which one counts is left to the reader.
    ///
    /// ## Example
    /// Fails: `covers core-banking-db branch-workstations core-banking-db`.
    REF_LIST_DUPLICATE = "REF006" "duplicate-list-item" Reference Error
        "the same item appears twice in one list";
}

/// The namespaces ids live in. Systems and interfaces share one: a plan's `covers` names either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ns {
    Party,
    Contact,
    Inventory,
    Contract,
    Plan,
    Exercise,
}

impl Ns {
    const ALL: [Ns; 6] = [Ns::Party, Ns::Contact, Ns::Inventory, Ns::Contract, Ns::Plan, Ns::Exercise];

    fn words(self) -> &'static str {
        match self {
            Ns::Party => "party",
            Ns::Contact => "contact",
            Ns::Inventory => "system or interface",
            Ns::Contract => "contract",
            Ns::Plan => "plan",
            Ns::Exercise => "exercise record",
        }
    }
    fn plural(self) -> &'static str {
        match self {
            Ns::Party => "parties",
            Ns::Contact => "contacts",
            Ns::Inventory => "systems or interfaces",
            Ns::Contract => "contracts",
            Ns::Plan => "plans",
            Ns::Exercise => "exercise records",
        }
    }
    fn article(self) -> &'static str {
        match self {
            Ns::Exercise => "an",
            _ => "a",
        }
    }
    fn of_kind(kind: Kind) -> Option<Ns> {
        Some(match kind {
            Kind::Contact => Ns::Contact,
            Kind::System | Kind::Interface => Ns::Inventory,
            Kind::Contract => Ns::Contract,
            Kind::Plan => Ns::Plan,
            Kind::Exercise => Ns::Exercise,
            Kind::Config | Kind::Signoff | Kind::Roster => return None,
        })
    }
}

/// Every defined id by namespace, with where it is defined. Keys borrow from the model.
pub struct Index<'m> {
    defs: HashMap<(Ns, &'m str), Location>,
    broken: HashSet<(Ns, String)>,
    /// References not resolved, per namespace, because a file that could define them does not
    /// read or parse: counted, and reported once instead of one misleading finding each.
    unchecked: [std::cell::Cell<u32>; 6],
}

impl Index<'_> {
    pub fn get(&self, ns: Ns, id: &str) -> Option<Location> {
        self.defs.get(&(ns, id)).copied()
    }

    /// The ids of one namespace, in no order (for suggestions, which do not depend on it).
    fn ids(&self, ns: Ns) -> Vec<&str> {
        self.defs.keys().filter(|(n, _)| *n == ns).map(|(_, id)| *id).collect()
    }

    /// Reports a reference that does not resolve in `ns`. Returns whether it resolved.
    pub fn resolve(&self, ns: Ns, id: &Id, file: FileId, diags: &mut Vec<Diagnostic>) -> bool {
        if self.get(ns, &id.value).is_some() {
            return true;
        }
        if self.broken.contains(&(ns, id.value.clone())) {
            return false; // exists, but invalid: already reported where it is defined
        }
        if self.broken.contains(&(ns, String::new())) {
            let n = &self.unchecked[ns as usize];
            n.set(n.get() + 1);
            return false;
        }
        for other in Ns::ALL {
            if other == ns {
                continue;
            }
            if let Some(loc) = self.get(other, &id.value) {
                diags.push(
                    Diagnostic::new(
                        &REF_WRONG_KIND,
                        format!(
                            "`{}` is {} {}, not {} {}",
                            id.value,
                            other.article(),
                            other.words(),
                            ns.article(),
                            ns.words()
                        ),
                    )
                    .at(file, id.span)
                    .label(format!("expected {} {}", ns.article(), ns.words()))
                    .with_label(
                        loc.file,
                        loc.span,
                        format!("`{}` is defined here as {} {}", id.value, other.article(), other.words()),
                    )
                    .help(format!("name {} {} here", ns.article(), ns.words())),
                );
                return false;
            }
        }
        let candidates = self.ids(ns);
        let mut d = Diagnostic::new(&REF_UNRESOLVED, format!("no {} is named `{}`", ns.words(), id.value))
            .at(file, id.span)
            .label(format!("unknown {}", ns.words()));
        d = match did_you_mean(&id.value, candidates.iter().copied()) {
            Some(s) => {
                let loc = self.get(ns, s).expect("a candidate is defined");
                d.help(format!("did you mean `{s}`?"))
                    .with_label(loc.file, loc.span, format!("`{s}` is defined here"))
                    // the only near id, but which one the author meant is a guess
                    .fix(crate::diagnostic::Fix::replace(
                        crate::diagnostic::Applicability::Unsafe,
                        format!("write `{s}`"),
                        id.span,
                        crate::diagnostic::kdl_word(s),
                    ))
            }
            None if candidates.is_empty() => d.help(format!("define the {} first", ns.words())),
            None => d.help(format!(
                "define it, or use one of the existing ids (`contingent` knows {} of them)",
                candidates.len()
            )),
        };
        diags.push(d);
        false
    }
}

fn define<K: std::hash::Hash + Eq>(
    defs: &mut HashMap<K, Location>,
    key: K,
    what: &str,
    id: &Id,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) {
    let here = Location { file, span: id.span };
    if let Some(first) = defs.get(&key) {
        diags.push(
            Diagnostic::new(&REF_DUPLICATE, format!("{what} `{}` is defined twice", id.value))
                .at(file, id.span)
                .label("defined again here")
                .with_label(first.file, first.span, "first defined here")
                .help("ids must be unique for each kind across the repository: rename or merge one of them"),
        );
    } else {
        defs.insert(key, here);
    }
}

/// Builds the index of ids, reporting duplicates.
pub fn index<'m>(model: &'m Model, broken: &HashSet<(Kind, String)>, diags: &mut Vec<Diagnostic>) -> Index<'m> {
    let mut defs: HashMap<(Ns, &'m str), Location> = HashMap::with_capacity(
        model.contacts.len() + model.systems.len() + model.interfaces.len() + model.plans.len() + model.exercises.len(),
    );
    if let Some(c) = &model.config {
        for p in &c.party {
            define(&mut defs, (Ns::Party, p.id.value.as_str()), "party", &p.id, c.file, diags);
        }
    }
    let mut def = |ns: Ns, what: &str, id: &'m Id, file: FileId| {
        define(&mut defs, (ns, id.value.as_str()), what, id, file, diags)
    };
    // A plan that is signed is the original: a copy with its id is the one defined again.
    let signed: HashSet<(&str, &str)> =
        model.signoffs.iter().map(|s| (s.plan.value.as_str(), s.digest.value.as_str())).collect();
    for m in std::iter::once(model).chain(model.salvaged.as_deref()) {
        for c in &m.contacts {
            def(Ns::Contact, "contact", &c.id, c.file);
        }
        for s in &m.systems {
            def(Ns::Inventory, "system", &s.id, s.file);
        }
        for i in &m.interfaces {
            def(Ns::Inventory, "interface", &i.id, i.file);
        }
        for c in &m.contracts {
            def(Ns::Contract, "contract", &c.id, c.file);
        }
        let mut plans: Vec<&crate::model::Located<crate::model::Plan>> = m.plans.iter().collect();
        plans.sort_by_key(|p| !signed.contains(&(p.id.value.as_str(), p.digest.as_str())));
        for p in plans {
            def(Ns::Plan, "plan", &p.id, p.file);
        }
        for e in &m.exercises {
            def(Ns::Exercise, "exercise record", &e.id, e.file);
        }
    }
    differ_only_in_case(&defs, diags);
    let broken = broken.iter().filter_map(|(k, id)| Ns::of_kind(*k).map(|ns| (ns, id.clone()))).collect();
    Index { defs, broken, unchecked: Default::default() }
}

/// Reports ids of one namespace that are equal ignoring case (REF005): each at its definition,
/// against the first of them (in file and position order).
fn differ_only_in_case(defs: &HashMap<(Ns, &str), Location>, diags: &mut Vec<Diagnostic>) {
    // Two different ids equal ignoring case: at least one of them has a letter that lower case
    // changes. Only those are folded, then joined by the id equal to their folded form, if any.
    let mut folded: HashMap<(Ns, String), Vec<(Location, &str)>> = HashMap::new();
    for ((ns, id), loc) in defs {
        if let Cow::Owned(lower) = fold_case(id) {
            folded.entry((*ns, lower)).or_default().push((*loc, id));
        }
    }
    if !folded.is_empty() {
        for ((ns, id), loc) in defs.iter().filter(|((_, id), _)| matches!(fold_case(id), Cow::Borrowed(_))) {
            if let Some(group) = folded.get_mut(&(*ns, id.to_string())) {
                group.push((*loc, id));
            }
        }
    }
    for ((ns, _), mut group) in folded {
        if group.len() < 2 {
            continue;
        }
        group.sort_by_key(|(loc, id)| (loc.file, loc.span.start, *id));
        let (first, first_id) = group[0];
        for (loc, id) in &group[1..] {
            diags.push(
                Diagnostic::new(&REF_CASE, format!("{} ids `{id}` and `{first_id}` differ only in case", ns.words()))
                    .at(loc.file, loc.span)
                    .label(format!("`{id}` is defined here"))
                    .with_label(first.file, first.span, format!("`{first_id}` is defined here"))
                    .help("ids are compared exactly; give each its own name"),
            );
        }
    }
}

/// Checks ids and references of the whole model.
pub fn check<'m>(model: &'m Model, broken: &HashSet<(Kind, String)>, diags: &mut Vec<Diagnostic>) -> Index<'m> {
    let index = index(model, broken, diags);
    dependency_cycles(model, diags);
    for m in std::iter::once(model).chain(model.salvaged.as_deref()) {
        duplicate_items(m, diags);
    }
    references(&index, model, model, diags);
    if let Some(salvaged) = model.salvaged.as_deref() {
        // the other references of objects with errors elsewhere are checked all the same
        references(&index, salvaged, model, diags);
    }
    let d = diags;
    for s in &model.signoffs {
        // a retirement names a plan that is gone: that is what it approves
        if !s.is_retirement() {
            index.resolve(Ns::Plan, &s.plan, s.file, d);
        }
        index.resolve(Ns::Contact, &s.signer, s.file, d);
    }
    for ns in Ns::ALL {
        let n = index.unchecked[ns as usize].get();
        if n > 0 {
            d.push(
                Diagnostic::new(
                    &REF_UNRESOLVED,
                    format!(
                        "{n} reference{} to {} {} not checked: an entry that could define {} was not read or does not parse",
                        if n == 1 { "" } else { "s" },
                        ns.plural(),
                        if n == 1 { "was" } else { "were" },
                        if n == 1 { "it" } else { "them" },
                    ),
                )
                .severity(crate::diagnostic::Severity::Note)
                .help("fix the errors reported in that file first; then these references are checked again"),
            );
        }
    }
    index
}

/// Resolves the references of the objects of `model`; `whole` is the loaded model (contracts and
/// plans looked into for revisions and scenarios).
fn references(index: &Index, model: &Model, whole: &Model, d: &mut Vec<Diagnostic>) {
    contact_references(index, model, d);
    inventory_references(index, model, d);
    contract_references(index, model, d);
    plan_references(index, model, whole, d);
    exercise_references(index, model, whole, d);
}

/// A contact's party and deputy.
fn contact_references(index: &Index, model: &Model, d: &mut Vec<Diagnostic>) {
    for c in &model.contacts {
        index.resolve(Ns::Party, &c.party, c.file, d);
        if let Some(dep) = &c.deputy {
            index.resolve(Ns::Contact, dep, c.file, d);
        }
    }
}

/// What systems and interfaces name: operators, owners, carriers, contacts, dependencies and
/// who acknowledged their protection needs.
fn inventory_references(index: &Index, model: &Model, d: &mut Vec<Diagnostic>) {
    for s in &model.systems {
        index.resolve(Ns::Party, &s.operator, s.file, d);
        index.resolve(Ns::Contact, &s.owner, s.file, d);
        for dep in &s.depends_on {
            index.resolve(Ns::Inventory, dep, s.file, d);
        }
        if let Some(a) = &s.acknowledged {
            index.resolve(Ns::Contact, &a.by, s.file, d);
        }
    }
    for i in &model.interfaces {
        if let Some(c) = &i.carrier {
            index.resolve(Ns::Party, c, i.file, d);
        }
        if let Some(cs) = &i.contacts {
            for c in [&cs.client, &cs.provider, &cs.carrier].into_iter().flatten() {
                index.resolve(Ns::Contact, c, i.file, d);
            }
        }
        for dep in &i.depends_on {
            index.resolve(Ns::Inventory, dep, i.file, d);
        }
        if let Some(a) = &i.acknowledged {
            index.resolve(Ns::Contact, &a.by, i.file, d);
        }
    }
}

/// A contract's parties and SLA targets; its revision numbers are unique, and the incident
/// categories its SLAs respond to are its own.
fn contract_references(index: &Index, model: &Model, d: &mut Vec<Diagnostic>) {
    for c in &model.contracts {
        index.resolve(Ns::Party, &c.client, c.file, d);
        index.resolve(Ns::Party, &c.provider, c.file, d);
        let mut numbers: BTreeMap<u32, Span> = BTreeMap::new();
        for r in &c.revision {
            if let Some(first) = numbers.insert(r.number.value, r.number.span) {
                d.push(
                    Diagnostic::new(
                        &REF_DUPLICATE,
                        format!("contract `{}` has two revisions numbered {}", c.id.value, r.number.value),
                    )
                    .at(c.file, r.number.span)
                    .with_label(c.file, first, "first defined here")
                    .help("number revisions 1, 2, 3, ... in the order they take effect"),
                );
            }
            let categories: Vec<&str> = r.category.iter().map(|c| c.id.value.as_str()).collect();
            for sla in &r.sla {
                index.resolve(Ns::Inventory, &sla.target, c.file, d);
                for resp in &sla.response {
                    if !categories.is_empty() && !categories.contains(&resp.category.value.as_str()) {
                        let mut diag = Diagnostic::new(
                            &REF_UNRESOLVED,
                            format!(
                                "revision {} of contract `{}` defines no incident category `{}`",
                                r.number.value, c.id.value, resp.category.value
                            ),
                        )
                        .at(c.file, resp.category.span)
                        .label("unknown incident category");
                        diag = diag.help(match did_you_mean(&resp.category.value, categories.iter().copied()) {
                            Some(s) => {
                                format!("did you mean `{s}`? categories of this revision: {}", categories.join(", "))
                            }
                            None => format!("categories of this revision: {}", categories.join(", ")),
                        });
                        d.push(diag);
                    }
                }
            }
        }
    }
}

/// What a plan names: what it covers, its contract revision, its contacts and objectives; its
/// scenario ids are unique.
fn plan_references(index: &Index, model: &Model, whole: &Model, d: &mut Vec<Diagnostic>) {
    let contracts: HashMap<&str, &crate::model::Located<crate::model::Contract>> =
        whole.contracts.iter().map(|c| (c.id.value.as_str(), c)).collect();
    for p in &model.plans {
        let f = p.file;
        for c in &p.covers {
            index.resolve(Ns::Inventory, c, f, d);
        }
        if let Some(cr) = &p.contract {
            if index.resolve(Ns::Contract, &cr.id, f, d) {
                if let Some(contract) = contracts.get(cr.id.value.as_str()) {
                    let numbers: Vec<u32> = contract.revision.iter().map(|r| r.number.value).collect();
                    if !numbers.contains(&cr.revision.value) {
                        d.push(
                            Diagnostic::new(
                                &REF_UNRESOLVED,
                                format!("contract `{}` has no revision {}", cr.id.value, cr.revision.value),
                            )
                            .at(f, cr.revision.span)
                            .label("unknown revision")
                            .with_label(
                                contract.file,
                                contract.head,
                                format!(
                                    "revisions: {}",
                                    numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                                ),
                            )
                            .help(format!(
                                "pin one of the contract's revisions: {}",
                                numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                }
            }
        }
        if let Some(r) = &p.responsible {
            for c in [&r.client, &r.provider].into_iter().flatten() {
                index.resolve(Ns::Contact, c, f, d);
            }
        }
        for o in &p.objective {
            index.resolve(Ns::Inventory, &o.target, f, d);
        }
        if let Some(e) = &p.escalation {
            for l in &e.level {
                index.resolve(Ns::Contact, &l.notify, f, d);
            }
        }
        if let Some(b) = &p.backup {
            if let Some(dep) = &b.deputy {
                index.resolve(Ns::Contact, dep, f, d);
            }
            if let Some(of) = &b.on_failure {
                index.resolve(Ns::Contact, &of.escalate_to, f, d);
            }
        }
        let mut scenario_ids = HashMap::new();
        for s in &p.scenario {
            define(&mut scenario_ids, s.id.value.as_str(), "scenario", &s.id, f, d);
            for c in &s.contacts {
                index.resolve(Ns::Contact, c, f, d);
            }
        }
    }
}

/// An exercise record's plan and the scenarios of that plan it names, its participants and the
/// owners of its findings.
fn exercise_references(index: &Index, model: &Model, whole: &Model, d: &mut Vec<Diagnostic>) {
    let plans: HashMap<&str, &crate::model::Located<crate::model::Plan>> =
        whole.plans.iter().map(|p| (p.id.value.as_str(), p)).collect();
    for e in &model.exercises {
        let f = e.file;
        if index.resolve(Ns::Plan, &e.plan, f, d) {
            if let Some(plan) = plans.get(e.plan.value.as_str()) {
                let ids: Vec<&str> = plan.scenario.iter().map(|s| s.id.value.as_str()).collect();
                for s in &e.scenarios {
                    if !ids.contains(&s.value.as_str()) {
                        let help = match did_you_mean(&s.value, ids.iter().copied()) {
                            Some(m) => {
                                format!("did you mean `{m}`? scenarios of `{}`: {}", plan.id.value, ids.join(", "))
                            }
                            None if ids.is_empty() => {
                                format!("plan `{}` has no scenarios", plan.id.value)
                            }
                            None => format!("scenarios of `{}`: {}", plan.id.value, ids.join(", ")),
                        };
                        d.push(
                            Diagnostic::new(
                                &REF_UNRESOLVED,
                                format!("plan `{}` has no scenario `{}`", plan.id.value, s.value),
                            )
                            .at(f, s.span)
                            .label("unknown scenario")
                            .with_label(plan.file, plan.head, "the plan is defined here")
                            .help(help),
                        );
                    }
                }
            }
        }
        for c in &e.participants {
            index.resolve(Ns::Contact, c, f, d);
        }
        for finding in &e.finding {
            index.resolve(Ns::Contact, &finding.owner, f, d);
        }
    }
}

/// A system or interface in the dependency graph: its id, file and `depends-on` list.
struct Dependent<'m> {
    kind: &'static str,
    id: &'m Id,
    file: FileId,
    deps: &'m [Id],
}

/// Reports systems and interfaces that depend on themselves, directly or in a loop. Iterative
/// (Tarjan's strongly connected components), so a hostile chain of any length cannot exhaust
/// the stack; linear in systems and dependencies.
fn dependency_cycles(model: &Model, diags: &mut Vec<Diagnostic>) {
    let nodes: Vec<Dependent> = model
        .systems
        .iter()
        .map(|s| Dependent { kind: "system", id: &s.id, file: s.file, deps: &s.depends_on })
        .chain(model.interfaces.iter().map(|i| Dependent {
            kind: "interface",
            id: &i.id,
            file: i.file,
            deps: &i.depends_on,
        }))
        .collect();
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
    for (n, node) in nodes.iter().enumerate() {
        by_id.entry(node.id.value.as_str()).or_insert(n); // a duplicate id is REF001's finding
    }
    let edges: Vec<Vec<(usize, Span)>> = nodes
        .iter()
        .map(|node| node.deps.iter().filter_map(|d| by_id.get(d.value.as_str()).map(|&t| (t, d.span))).collect())
        .collect();
    for (n, node) in nodes.iter().enumerate() {
        if let Some(&(_, span)) = edges[n].iter().find(|(t, _)| *t == n) {
            diags.push(
                Diagnostic::new(&REF_CYCLE, format!("{} `{}` depends on itself", node.kind, node.id.value))
                    .at(node.file, span)
                    .label("its own id")
                    .help("remove it from `depends-on`: list the systems and interfaces that must run before this one"),
            );
        }
    }
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        let members: HashSet<usize> = component.iter().copied().collect();
        // One loop through the component, from its first member in file order, for the message.
        let start = *component.iter().min_by_key(|&&n| (nodes[n].file, nodes[n].id.span.start)).expect("not empty");
        let path = loop_through(start, &edges, &members);
        let names: Vec<String> = path.iter().map(|&(n, _)| format!("`{}`", nodes[n].id.value)).collect();
        let first = &nodes[start];
        let mut diag = Diagnostic::new(
            &REF_CYCLE,
            format!(
                "{} `{}` depends on itself through {}: {} → `{}`",
                first.kind,
                first.id.value,
                if path.len() == 2 { "one other" } else { "others" },
                names.join(" → "),
                first.id.value
            ),
        );
        let (_, span) = path[0];
        diag = diag
            .at(first.file, span)
            .label(format!("depends on `{}`", nodes[path.get(1).map_or(start, |p| p.0)].id.value));
        for (i, &(n, span)) in path.iter().enumerate().skip(1) {
            let next = path.get(i + 1).map_or(start, |p| p.0);
            diag = diag.with_label(
                nodes[n].file,
                span,
                format!("`{}` depends on `{}`", nodes[n].id.value, nodes[next].id.value),
            );
        }
        diags.push(diag.help(
            "break the loop: a dependency says what must run first, so one of these cannot depend on the others",
        ));
    }
}

/// The strongly connected components of a graph, by Tarjan's algorithm without recursion.
fn strongly_connected(edges: &[Vec<(usize, Span)>]) -> Vec<Vec<usize>> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*e) {
                *e += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// A shortest loop from `start` back to itself inside one component: each step is a member and
/// the span of the dependency that leads from it to the next.
fn loop_through(start: usize, edges: &[Vec<(usize, Span)>], members: &HashSet<usize>) -> Vec<(usize, Span)> {
    let mut came_from: HashMap<usize, (usize, Span)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut end = None;
    'search: while let Some(v) = queue.pop_front() {
        for &(w, span) in &edges[v] {
            if !members.contains(&w) || w == v {
                continue;
            }
            if w == start {
                end = Some((v, span));
                break 'search;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = came_from.entry(w) {
                e.insert((v, span));
                queue.push_back(w);
            }
        }
    }
    let (last, span) = end.expect("a component of two or more members has a loop through each member");
    let mut path = vec![(last, span)];
    let mut at = last;
    while at != start {
        let &(prev, span) = came_from.get(&at).expect("every visited member has a predecessor");
        path.push((prev, span));
        at = prev;
    }
    path.reverse();
    path
}

/// Reports the second of two equal items of one list (REF006).
fn twice<S: AsRef<str>>(
    items: impl IntoIterator<Item = (S, crate::diagnostic::Span)>,
    what: &str,
    of: &str,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, crate::diagnostic::Span> = HashMap::new();
    for (item, span) in items {
        let item = item.as_ref();
        if let Some(first) = seen.get(item) {
            let mut diag = Diagnostic::new(&REF_LIST_DUPLICATE, format!("{of} names {what} `{item}` twice"))
                .at(file, span)
                .label("again")
                .with_label(file, *first, "first here")
                .help("remove the second entry; if the two were meant to differ, say so in one");
            if let (Some(kind), Some(id)) = (of.split(' ').next(), of.split('`').nth(1)) {
                diag = diag.about(kind, id);
            }
            diags.push(diag);
        } else {
            seen.insert(item.to_string(), span);
        }
    }
}

/// The lists of the format whose items must differ (REF006).
fn duplicate_items(m: &Model, d: &mut Vec<Diagnostic>) {
    fn ids(v: &[crate::model::Spanned<String>]) -> impl Iterator<Item = (&str, crate::diagnostic::Span)> {
        v.iter().map(|x| (x.value.as_str(), x.span))
    }
    let texts = ids;
    for p in &m.plans {
        let of = format!("plan `{}`", p.id.value);
        twice(ids(&p.covers), "system or interface", &of, p.file, d);
        twice(p.objective.iter().map(|o| (o.target.value.as_str(), o.target.span)), "an objective for", &of, p.file, d);
        twice(
            p.exercise.iter().map(|e| (crate::rules::contracts::kind_word(e.kind.value), e.kind.span)),
            "the planned exercise",
            &of,
            p.file,
            d,
        );
        twice(texts(&p.forbidden), "the forbidden action", &of, p.file, d);
        for s in &p.scenario {
            let of = format!("plan `{}` (scenario `{}`)", p.id.value, s.id.value);
            twice(ids(&s.contacts), "the contact", &of, p.file, d);
            let place = |x: &crate::model::Place| match x {
                crate::model::Place::Client => "client",
                crate::model::Place::Provider => "provider",
                crate::model::Place::Interface => "interface",
            };
            twice(s.fault_in.iter().map(|x| (place(&x.value), x.span)), "the place", &of, p.file, d);
            twice(texts(&s.step), "the step", &of, p.file, d);
            twice(texts(&s.forbidden), "the forbidden action", &of, p.file, d);
        }
    }
    if let Some(c) = &m.config {
        twice(
            c.rule.iter().map(|r| (r.code.value.to_ascii_uppercase(), r.code.span)),
            "a setting for rule",
            "contingent.kdl",
            c.file,
            d,
        );
    }
    for e in &m.exercises {
        let of = format!("exercise `{}`", e.id.value);
        twice(ids(&e.participants), "the participant", &of, e.file, d);
        twice(ids(&e.scenarios), "the scenario", &of, e.file, d);
    }
    for s in &m.systems {
        twice(ids(&s.depends_on), "the dependency", &format!("system `{}`", s.id.value), s.file, d);
    }
    for i in &m.interfaces {
        twice(ids(&i.depends_on), "the dependency", &format!("system `{}`", i.id.value), i.file, d);
    }
    for c in &m.contracts {
        for r in &c.revision {
            let of = format!("contract `{}` (revision {})", c.id.value, r.number.value);
            twice(r.sla.iter().map(|s| (s.target.value.as_str(), s.target.span)), "an SLA for", &of, c.file, d);
            twice(
                r.exercise.iter().map(|e| (crate::rules::contracts::kind_word(e.kind.value), e.kind.span)),
                "the required exercise",
                &of,
                c.file,
                d,
            );
            twice(
                ids(&r.category.iter().map(|x| x.id.clone()).collect::<Vec<_>>()).map(|(a, s)| (a.to_string(), s)),
                "the incident category",
                &of,
                c.file,
                d,
            );
            for s in &r.sla {
                let responses = s.response.iter().map(|x| (x.category.value.as_str(), x.category.span));
                twice(responses, &format!("for `{}` the response category", s.target.value), &of, c.file, d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edges from (from, to) pairs; the span of each dependency is its position in the list.
    fn graph(n: usize, pairs: &[(usize, usize)]) -> Vec<Vec<(usize, Span)>> {
        let mut edges = vec![Vec::new(); n];
        for (i, &(a, b)) in pairs.iter().enumerate() {
            edges[a].push((b, Span { start: i as u32, end: i as u32 + 1 }));
        }
        edges
    }

    fn sorted(mut components: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
        components.iter_mut().for_each(|c| c.sort_unstable());
        components.sort();
        components
    }

    #[test]
    fn strongly_connected_finds_each_loop_and_every_lone_member() {
        // 0 → 1 → 2 → 0, 1 → 3 → 4 → 3, 5 → 5, 6 → 0, 7 alone
        let edges = graph(8, &[(0, 1), (1, 2), (2, 0), (1, 3), (3, 4), (4, 3), (5, 5), (6, 0)]);
        assert_eq!(sorted(strongly_connected(&edges)), [vec![0, 1, 2], vec![3, 4], vec![5], vec![6], vec![7]]);
        // two loops joined at one member are one component
        let edges = graph(5, &[(0, 1), (1, 0), (1, 2), (2, 3), (3, 1), (4, 2)]);
        assert_eq!(sorted(strongly_connected(&edges)), [vec![0, 1, 2, 3], vec![4]]);
        assert_eq!(strongly_connected(&[]), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn loop_through_takes_the_shortest_way_back_with_the_span_of_each_step() {
        // each step as (member, position of the dependency that leads on)
        let steps = |start: usize, edges: &[Vec<(usize, Span)>], members: &[usize]| -> Vec<(usize, u32)> {
            let members: HashSet<usize> = members.iter().copied().collect();
            loop_through(start, edges, &members).iter().map(|&(n, s)| (n, s.start)).collect()
        };
        // 0 → 1 → 2 → 3 → 0, and the shortcut 1 → 3; 2 also depends on itself
        let edges = graph(4, &[(0, 1), (1, 2), (2, 3), (3, 0), (1, 3), (2, 2)]);
        assert_eq!(steps(0, &edges, &[0, 1, 2, 3]), [(0, 0), (1, 4), (3, 3)]);
        // from another start, only members are walked through
        let edges = graph(4, &[(0, 1), (1, 0), (1, 2), (2, 0), (0, 3), (3, 0)]);
        assert_eq!(steps(2, &edges, &[0, 1, 2]), [(2, 3), (0, 0), (1, 2)]);
        // a member that also depends on itself: the loop goes through the others
        let edges = graph(2, &[(0, 0), (0, 1), (1, 0)]);
        assert_eq!(steps(0, &edges, &[0, 1]), [(0, 1), (1, 2)]);
    }
}
