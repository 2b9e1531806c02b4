//! The lookups every policy rule shares, built once per check: party roles, contacts, systems
//! and interfaces, exercise records by plan, the policy parameters.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::memo::Slot;

use crate::diagnostic::{FileId, Span};
use crate::model::{
    Acknowledgement, Contact, ExerciseRecord, Interface, Level, Located, Model, PartyRole, Plan, Policy, Protection,
    Spanned, System,
};
use crate::units::Duration;

/// A system or an interface: what plans cover.
#[derive(Clone, Copy)]
pub enum Inventory<'m> {
    System(&'m Located<System>),
    Interface(&'m Located<Interface>),
}

impl<'m> Inventory<'m> {
    pub fn id(&self) -> &'m Spanned<String> {
        match self {
            Inventory::System(s) => &s.id,
            Inventory::Interface(i) => &i.id,
        }
    }
    pub fn file(&self) -> FileId {
        match self {
            Inventory::System(s) => s.file,
            Inventory::Interface(i) => i.file,
        }
    }
    pub fn head(&self) -> Span {
        match self {
            Inventory::System(s) => s.head,
            Inventory::Interface(i) => i.head,
        }
    }
    pub fn word(&self) -> &'static str {
        match self {
            Inventory::System(_) => "system",
            Inventory::Interface(_) => "interface",
        }
    }
    pub fn protection(&self) -> Option<&'m Spanned<Protection>> {
        match self {
            Inventory::System(s) => s.protection.as_ref(),
            Inventory::Interface(i) => i.protection.as_ref(),
        }
    }
    pub fn acknowledged(&self) -> Option<&'m Spanned<Acknowledgement>> {
        match self {
            Inventory::System(s) => s.acknowledged.as_ref(),
            Inventory::Interface(i) => i.acknowledged.as_ref(),
        }
    }
    pub fn mtpd(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.mtpd.as_ref(),
            Inventory::Interface(i) => i.mtpd.as_ref(),
        }
    }
    pub fn rto(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.rto.as_ref(),
            Inventory::Interface(i) => i.rto.as_ref(),
        }
    }
    pub fn rpo(&self) -> Option<&'m Spanned<Duration>> {
        match self {
            Inventory::System(s) => s.rpo.as_ref(),
            Inventory::Interface(i) => i.rpo.as_ref(),
        }
    }
    pub fn holds_data(&self) -> bool {
        matches!(self, Inventory::System(s) if s.holds_data == Some(true))
    }
    /// The stated availability need: what emergency exercises protect.
    pub fn availability(&self) -> Option<Level> {
        self.protection()?.availability.as_ref().map(|l| l.value)
    }
}

/// Lookups the rules share.
pub struct Facts<'m> {
    pub model: &'m Model,
    pub roles: HashMap<&'m str, PartyRole>,
    pub contacts: HashMap<&'m str, &'m Located<Contact>>,
    pub inventory: HashMap<&'m str, Inventory<'m>>,
    /// The configuration's policy parameters (defaults without a configuration).
    pub policy: Policy,
    /// Exercise records by the plan they record, in model order.
    pub exercises: HashMap<&'m str, Vec<&'m Located<ExerciseRecord>>>,
    /// Exercise records with errors in some of their parts (`Model::salvaged`): they count as
    /// held, but what they say is not judged.
    pub partial: HashSet<&'m str>,
    /// What plan texts may name, gathered once on first use (see [`Facts::named`]).
    named: std::sync::OnceLock<Arc<Named>>,
    /// Every contact id in lower case, as one automaton, built on first use (see
    /// [`Facts::mentions_contact_id`]).
    contact_ids: std::sync::OnceLock<Arc<Option<aho_corasick::AhoCorasick>>>,
}

/// Kept across checks (see `crate::memo`): the language server checks on every keystroke.
static CONTACT_IDS: Slot<Option<aho_corasick::AhoCorasick>> = Slot::new();
static NAMED: Slot<Named> = Slot::new();

/// What a plan's free text may name: every contact's phone and mobile numbers (digits only),
/// every incident category of every contract revision, and whether contact ids are written as
/// people's names (`first.last`), so that such a word in a text is taken for a contact.
pub struct Named {
    pub numbers: HashSet<String>,
    pub categories: HashSet<String>,
    pub ids_are_names: bool,
}

impl<'m> Facts<'m> {
    pub fn new(model: &'m Model) -> Facts<'m> {
        let roles = model
            .config
            .as_ref()
            .map(|c| c.party.iter().map(|p| (p.id.value.as_str(), p.role.value)).collect())
            .unwrap_or_default();
        let contacts = model.contacts.iter().map(|c| (c.id.value.as_str(), c)).collect();
        let mut inventory: HashMap<&str, Inventory> = HashMap::new();
        for s in &model.systems {
            inventory.insert(&s.id.value, Inventory::System(s));
        }
        for i in &model.interfaces {
            inventory.insert(&i.id.value, Inventory::Interface(i));
        }
        let mut exercises: HashMap<&str, Vec<&Located<ExerciseRecord>>> = HashMap::new();
        let mut partial = HashSet::new();
        // A record with an error in one of its parts (a finding without an owner) was held all
        // the same: it counts, and only what it says beyond that is not judged.
        let salvaged = model.salvaged.as_deref().map_or(&[][..], |m| m.exercises.as_slice());
        for e in model.exercises.iter().chain(salvaged) {
            exercises.entry(e.plan.value.as_str()).or_default().push(e);
        }
        for e in salvaged {
            partial.insert(e.id.value.as_str());
        }
        let policy = model.config.as_ref().map(|c| c.policy.clone()).unwrap_or_default();
        Facts {
            model,
            roles,
            contacts,
            inventory,
            policy,
            exercises,
            partial,
            named: std::sync::OnceLock::new(),
            contact_ids: std::sync::OnceLock::new(),
        }
    }

    /// Whether lower-case `text` contains the id of a contact (in lower case) anywhere: one pass
    /// over the text for all contacts, not one per contact.
    /// An automaton too large to build (crafted ids) falls back to one search per contact.
    pub fn mentions_contact_id(&self, text: &str) -> bool {
        let automaton = self.contact_ids.get_or_init(|| {
            let ids = self.model.contacts.iter().map(|c| c.id.value.as_str());
            CONTACT_IDS.get(ids, || {
                let ids: Vec<String> = self.contacts.keys().map(|id| id.to_lowercase()).collect();
                aho_corasick::AhoCorasick::new(&ids).ok()
            })
        });
        match automaton.as_ref() {
            Some(a) => a.is_match(text),
            None => self.contacts.keys().any(|id| text.contains(&id.to_lowercase())),
        }
    }

    /// What plan texts may name, computed once for all plans.
    pub fn named(&self) -> &Named {
        self.named.get_or_init(|| {
            let model = self.model;
            // the key: each contact's id and numbers, then every category, in model order; an
            // empty text ends each part (the schema allows no empty id, number or category)
            let channels = model.contacts.iter().flat_map(|c| {
                let numbers = c.phone.iter().chain(&c.mobile).map(|ch| ch.value.as_str());
                std::iter::once(c.id.value.as_str()).chain(numbers).chain(std::iter::once(""))
            });
            let categories = model
                .contracts
                .iter()
                .flat_map(|c| c.revision.iter().flat_map(|r| r.category.iter().map(|x| x.id.value.as_str())));
            NAMED.get(channels.chain(std::iter::once("")).chain(categories), || Self::name(model))
        })
    }

    fn name(model: &Model) -> Named {
        let numbers = model
            .contacts
            .iter()
            .flat_map(|c| c.phone.iter().chain(&c.mobile))
            .map(|ch| ch.value.chars().filter(char::is_ascii_digit).collect())
            .collect();
        let categories = model
            .contracts
            .iter()
            .flat_map(|c| c.revision.iter().flat_map(|r| r.category.iter().map(|x| x.id.value.clone())))
            .collect();
        let people = model.contacts.iter().filter(|c| super::words::person_shaped(&c.id.value)).count();
        Named { numbers, categories, ids_are_names: !model.contacts.is_empty() && 2 * people >= model.contacts.len() }
    }

    /// The role of the party a contact belongs to.
    pub fn role_of(&self, contact: &str) -> Option<PartyRole> {
        self.contacts.get(contact).and_then(|c| self.roles.get(c.party.value.as_str()).copied())
    }

    pub fn covered(&self, plan: &'m Plan) -> Vec<Inventory<'m>> {
        plan.covers.iter().filter_map(|c| self.inventory.get(c.value.as_str()).copied()).collect()
    }
}

pub(crate) fn role_word(r: PartyRole) -> &'static str {
    match r {
        PartyRole::Client => "client",
        PartyRole::Provider => "provider",
        PartyRole::SubProvider => "sub-provider",
        PartyRole::Carrier => "carrier",
    }
}

pub(crate) fn has_channel(c: &Contact) -> bool {
    !(c.phone.is_empty() && c.mobile.is_empty() && c.email.is_empty())
}
