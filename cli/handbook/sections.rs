//! The sections of a plan's page, each computed by one method of [`Builder`] from the loaded
//! model, the sign-off evaluation and the check's findings, and the contact directory. No
//! markup here: `html.rs` renders what these return.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::page::*;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{
    Availability, Contact, ExerciseKind, ExerciseRecord, FindingStatus, Located, Model, Party, Plan, Side,
};
use crate::rules::contacts::{status, Status};
use crate::rules::contracts::kind_word;
use crate::rules::policy::{Facts, Inventory};
use crate::signoff::{self, PartyState, PlanState, State};
use crate::source::Files;
use crate::units::Date;

/// What every section is computed from.
pub(super) struct Builder<'m> {
    pub facts: Facts<'m>,
    pub model: &'m Model,
    pub files: &'m Files,
    pub today: Date,
    parties: HashMap<&'m str, &'m Party>,
    /// Each party's position in `contingent.kdl`: parties are listed in that order.
    order: HashMap<&'m str, usize>,
    /// Contact ids defined more than once: their cards say so.
    duplicates: HashSet<&'m str>,
}

type Records<'m> = [&'m Located<ExerciseRecord>];

impl<'m> Builder<'m> {
    pub fn new(model: &'m Model, files: &'m Files, today: Date) -> Builder<'m> {
        let mut seen = HashSet::new();
        let duplicates =
            model.contacts.iter().filter(|c| !seen.insert(c.id.value.as_str())).map(|c| c.id.value.as_str()).collect();
        let configured: Vec<&Party> = model.config.iter().flat_map(|c| c.party.iter()).collect();
        Builder {
            facts: Facts::new(model),
            model,
            files,
            today,
            parties: configured.iter().map(|p| (p.id.value.as_str(), *p)).collect(),
            order: configured.iter().enumerate().map(|(i, p)| (p.id.value.as_str(), i)).collect(),
            duplicates,
        }
    }

    /// A diagnostic's place as `path:line`.
    pub fn place(&self, l: &Location) -> String {
        let f = self.files.get(l.file);
        format!("{}:{}", f.path, f.line_col(l.span.start).0)
    }

    fn party_name(&self, id: &str) -> Txt {
        match self.parties.get(id) {
            Some(p) => Txt::new(format!("{} ({})", p.name, p.id.value)),
            None => Txt::new(id),
        }
    }

    /// A party as a heading; an id that names no party of `contingent.kdl` says so.
    pub fn party_head(&self, id: &str) -> PartyHead {
        match self.parties.get(id) {
            Some(p) => PartyHead { id: Txt::new(id), name: Txt::new(p.name.clone()), role: role_word(p.role.value) },
            None if id.is_empty() => PartyHead {
                id: Txt::default(),
                name: Txt::new("contacts that are not defined (run `contingent check`)"),
                role: "unknown",
            },
            None => PartyHead {
                id: Txt::new(id),
                name: Txt::new(format!("{id} (not a party of contingent.kdl)")),
                role: "unknown",
            },
        }
    }

    /// Sorts by the parties' order in `contingent.kdl`, unknown parties last by id.
    fn party_rank(&self, id: &str) -> (usize, String) {
        (self.order.get(id).copied().unwrap_or(usize::MAX), id.to_string())
    }

    pub fn contact(&self, id: &str, with_deputy: bool) -> ContactView {
        let Some(c) = self.facts.contacts.get(id).copied() else {
            return ContactView {
                id: Txt::new(id),
                known: false,
                name: Txt::new(format!("{id} (no such contact: run `contingent check`)")),
                party: Txt::default(),
                party_id: Txt::default(),
                roles: Vec::new(),
                channels: Vec::new(),
                verified: None,
                stale: false,
                stale_since: None,
                deputy: None,
            };
        };
        self.contact_of(c, with_deputy)
    }

    pub fn contact_of(&self, c: &Located<Contact>, with_deputy: bool) -> ContactView {
        let (st, expires) = status(c, &self.facts.policy, self.today);
        let channel = |kind: &'static str, list: &[crate::model::Channel]| {
            list.iter()
                .map(|ch| ChannelView {
                    kind,
                    value: Txt::new(ch.value.clone()),
                    always: ch.available == Availability::Always,
                })
                .collect::<Vec<_>>()
        };
        let mut channels = channel("phone", &c.phone);
        channels.extend(channel("mobile", &c.mobile));
        channels.extend(channel("e-mail", &c.email));
        // around-the-clock channels first: that is what is needed at night
        channels.sort_by_key(|ch| !ch.always);
        let deputy = c
            .deputy
            .as_ref()
            .filter(|d| with_deputy && d.value != c.id.value)
            .map(|d| Box::new(self.contact(&d.value, false)));
        ContactView {
            id: Txt::new(c.id.value.clone()),
            known: !self.duplicates.contains(c.id.value.as_str()),
            name: Txt::new(c.name.clone()),
            party: self.party_name(&c.party.value),
            party_id: Txt::new(c.party.value.clone()),
            roles: c.role.iter().cloned().map(Txt::new).collect(),
            channels,
            verified: Some(c.verified.value),
            stale: st == Status::Stale,
            stale_since: (st == Status::Stale).then_some(expires),
            deputy,
        }
    }

    /// `Name (id)` of a contact.
    fn named(&self, id: &str) -> Txt {
        let c = self.contact(id, false);
        Txt::new(format!("{} ({})", c.name.raw(), c.id.raw()))
    }

    /// A plan's page: its sections in the order of the page.
    pub fn plan_page(
        &self,
        p: &'m Located<Plan>,
        file_name: String,
        state: Option<&PlanState>,
        findings: &[&Diagnostic],
    ) -> PlanPage {
        let id = p.id.value.as_str();
        let manifest = self.manifest(p, state);
        let stale_contacts = self.stale_contacts(p);
        let banners = self.banners(p, state, &manifest, findings, &stale_contacts);
        let records: Vec<&Located<ExerciseRecord>> = self.facts.exercises.get(id).cloned().unwrap_or_default();
        let scenarios = self.scenarios(p);
        PlanPage {
            id: Txt::new(id),
            file_name,
            title: Txt::new(p.title.clone()),
            source: Txt::new(self.files.get(p.file).path.clone()),
            digest: p.digest.clone(),
            approved: state.is_some_and(|s| s.approved),
            approval_problem: state.and_then(|s| s.problem.clone()).map(Txt::new),
            manifest,
            banners,
            stale_contacts: stale_contacts.iter().map(|c| c.id.clone()).collect(),
            errors: findings.iter().filter(|d| d.severity == Severity::Error).count(),
            responsible: self.responsible(p),
            scope: self.scope(p),
            parties: self.parties(p),
            contract: self.contract(p),
            forbidden: forbidden(p),
            no_forbidden_reason: p.no_forbidden_actions.as_ref().map(|n| Txt::new(n.value.clone())),
            levels: self.levels(p),
            unreachable: p.escalation.as_ref().and_then(|e| e.unreachable.as_ref()).map(|u| Txt::new(u.value.clone())),
            backup: self.backup(p, &scenarios, &records),
            exercises: self.exercises(p, &records),
            records: record_rows(&records),
            open_findings: self.open_findings(&records),
            scenarios,
        }
    }

    /// The sign-off manifest: each party's state and sign-offs.
    fn manifest(&self, p: &Plan, state: Option<&PlanState>) -> Vec<PartyManifest> {
        match state {
            Some(s) => vec![
                self.party_manifest(Side::Client, &s.client, &p.digest),
                self.party_manifest(Side::Provider, &s.provider, &p.digest),
            ],
            None => Vec::new(),
        }
    }

    fn party_manifest(&self, side: Side, state: &PartyState, current: &str) -> PartyManifest {
        let role = match side {
            Side::Client => crate::model::PartyRole::Client,
            Side::Provider => crate::model::PartyRole::Provider,
        };
        let party = self
            .model
            .config
            .as_ref()
            .and_then(|c| c.party.iter().find(|p| p.role.value == role))
            .map(|p| Txt::new(format!("{} ({})", p.name, p.id.value)))
            .unwrap_or_default();
        PartyManifest {
            side: match side {
                Side::Client => "client",
                Side::Provider => "provider",
            },
            party,
            state: state.state,
            signed: state
                .approvals
                .iter()
                .map(|a| SignedBy {
                    signer: Txt::new(a.signer.clone()),
                    name: self
                        .facts
                        .contacts
                        .get(a.signer.as_str())
                        .map(|c| Txt::new(c.name.clone()))
                        .unwrap_or_default(),
                    date: a.date,
                    digest: a.digest.clone(),
                    place: Txt::new(self.place(&a.location)),
                    current: a.digest == current,
                })
                .collect(),
            problems: state.problems.iter().cloned().map(Txt::new).collect(),
        }
    }

    /// The banners, in the order they are shown: NOT APPROVED, STALE, STALE CONTACT, CHECK
    /// FAILED. Every line is a sentence: no rule code in front, no backticks.
    fn banners(
        &self,
        p: &Plan,
        state: Option<&PlanState>,
        manifest: &[PartyManifest],
        findings: &[&Diagnostic],
        stale_contacts: &[ContactView],
    ) -> Vec<Banner> {
        let id = p.id.value.as_str();
        let approved = state.is_some_and(|s| s.approved);
        let stale: Vec<Txt> = findings
            .iter()
            .filter(|d| STALE_CODES.contains(&d.rule.code))
            .map(|d| Txt::new(sentence(&d.message, id, &[d.rule.code])))
            .collect();
        let failed: Vec<Txt> = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| !STALE_CODES.contains(&d.rule.code) && (approved || !d.rule.code.starts_with("SIG")))
            .map(|d| {
                let at = d.location.map(|l| self.place(&l));
                let mut notes: Vec<&str> = at.iter().map(String::as_str).collect();
                notes.push(d.rule.code);
                Txt::new(sentence(&d.message, id, &notes))
            })
            .collect();
        let mut out = Vec::new();
        if !approved {
            out.push(not_approved(id, state, manifest));
        }
        if !stale.is_empty() {
            out.push(Banner { word: "STALE", lines: stale });
        }
        if !stale_contacts.is_empty() {
            out.push(stale_contact_banner(stale_contacts));
        }
        if !failed.is_empty() {
            out.push(Banner { word: "CHECK FAILED", lines: failed });
        }
        out
    }

    /// The contacts the plan relies on (and their deputies) whose verification is too old.
    fn stale_contacts(&self, p: &Plan) -> Vec<ContactView> {
        signoff::context::contacts_named(self.model, p)
            .iter()
            .filter_map(|c| self.facts.contacts.get(c.as_str()))
            .map(|c| self.contact_of(c, false))
            .filter(|c| c.stale)
            .collect()
    }

    fn responsible(&self, p: &Plan) -> Vec<(String, ContactView)> {
        p.responsible
            .as_ref()
            .map(|r| {
                [("client", &r.client), ("provider", &r.provider)]
                    .into_iter()
                    .filter_map(|(side, c)| c.as_ref().map(|c| (side.to_string(), self.contact(&c.value, true))))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What the plan covers: each system and interface with its operator, owner or contacts,
    /// protection needs and objectives.
    fn scope(&self, p: &Plan) -> Vec<ScopeItem> {
        let objectives: HashMap<&str, &crate::model::Objective> =
            p.objective.iter().map(|o| (o.target.value.as_str(), &o.value)).collect();
        p.covers
            .iter()
            .map(|c| {
                let o = objectives.get(c.value.as_str());
                let plan_rto = o.and_then(|o| o.rto.as_ref().map(|d| d.value));
                let plan_rpo = o.and_then(|o| o.rpo.as_ref().map(|d| d.value));
                let mut item = match self.facts.inventory.get(c.value.as_str()) {
                    Some(inv) => self.scope_item(inv),
                    None => ScopeItem::unknown(),
                };
                item.id = Txt::new(c.value.clone());
                (item.plan_rto, item.plan_rpo) = (plan_rto, plan_rpo);
                item
            })
            .collect()
    }

    fn scope_item(&self, inv: &Inventory) -> ScopeItem {
        let prot = inv.protection().map(|p| &p.value);
        let lvl = |l: Option<&crate::model::de::Spanned<crate::model::Level>>| l.map(|l| level_word(l.value));
        let (name, what, operator, owner, contacts, description) = match inv {
            Inventory::System(s) => (
                s.name.clone(),
                format!("system at the {}", side_word(s.side.value)),
                self.party_name(&s.operator.value),
                self.named(&s.owner.value),
                Vec::new(),
                s.description.clone(),
            ),
            Inventory::Interface(i) => (
                i.name.clone(),
                format!("interface ({})", i.kind),
                i.carrier
                    .as_ref()
                    .map(|c| self.party_name(&c.value))
                    .unwrap_or_else(|| Txt::new("client and provider")),
                Txt::new("—"),
                interface_contacts(i).into_iter().map(|(side, id)| (side.to_string(), self.named(id))).collect(),
                i.description.clone(),
            ),
        };
        ScopeItem {
            id: Txt::default(),
            name: Txt::new(name),
            what: Txt::new(what),
            operator,
            owner,
            contacts,
            protection: [
                lvl(prot.and_then(|p| p.confidentiality.as_ref())),
                lvl(prot.and_then(|p| p.integrity.as_ref())),
                lvl(prot.and_then(|p| p.availability.as_ref())),
            ],
            mtpd: inv.mtpd().map(|d| d.value),
            rto: inv.rto().map(|d| d.value),
            rpo: inv.rpo().map(|d| d.value),
            plan_rto: None,
            plan_rpo: None,
            description: description.map(Txt::new),
            known: true,
        }
    }

    /// Every party that operates, carries or owns something the plan covers, is a party of its
    /// contract, or has a contact the plan names, under its own heading: what it does in this
    /// plan and how to reach its people. A party none of whose contacts the plan names gets its
    /// contacts from the directory (those reachable around the clock, or all when none is).
    fn parties(&self, p: &'m Plan) -> Vec<PlanParty> {
        let mut does: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
        let mut add = |b: &Self, party: &str, what: String| {
            let list = does.entry(b.party_rank(party)).or_default();
            if !list.contains(&what) {
                list.push(what);
            }
        };
        for inv in self.facts.covered(p) {
            match inv {
                Inventory::System(s) => {
                    add(self, &s.operator.value, format!("operates {} ({})", s.name, s.id.value));
                    if let Some(owner) = self.facts.contacts.get(s.owner.value.as_str()) {
                        add(self, &owner.party.value, format!("owns {} ({})", s.name, s.id.value));
                    }
                }
                Inventory::Interface(i) => {
                    if let Some(c) = &i.carrier {
                        add(self, &c.value, format!("carries {} ({})", i.name, i.id.value));
                    }
                }
            }
        }
        if let Some(c) =
            p.contract.as_ref().and_then(|r| self.model.contracts.iter().find(|c| c.id.value == r.id.value))
        {
            add(self, &c.client.value, format!("the client of contract {}", c.id.value));
            add(self, &c.provider.value, format!("the provider of contract {}", c.id.value));
        }
        let named = self.named_in_plan(p);
        let mut by_party: BTreeMap<(usize, String), Vec<PlanContact>> = BTreeMap::new();
        for (id, roles) in named {
            let Some(c) = self.facts.contacts.get(id.as_str()) else { continue };
            does.entry(self.party_rank(&c.party.value)).or_default();
            by_party
                .entry(self.party_rank(&c.party.value))
                .or_default()
                .push(PlanContact { contact: self.contact_of(c, true), named_as: named_lines(roles) });
        }
        does.into_iter()
            .map(|((_, party), what)| {
                let named = by_party.remove(&self.party_rank(&party)).unwrap_or_default();
                let from_directory = named.is_empty();
                PlanParty {
                    head: self.party_head(&party),
                    does: what.into_iter().map(Txt::new).collect(),
                    contacts: if from_directory { self.directory_contacts(&party) } else { named },
                    from_directory,
                }
            })
            .collect()
    }

    /// The contacts a plan names, with what each is named as, in the order of the page:
    /// responsible, escalation, scenarios, backup, the inventory it covers, and last those the
    /// instruction for when nobody answers names.
    fn named_in_plan(&self, p: &'m Plan) -> Named {
        let mut out: Named = Vec::new();
        for (side, c) in self.responsible_ids(p) {
            add_named(&mut out, c, ("responsible for this plan", "responsible for this plan"), side);
        }
        for l in p.escalation.iter().flat_map(|e| e.level.iter()) {
            add_named(&mut out, &l.notify.value, ("escalation level", "escalation levels"), &l.level.value.to_string());
        }
        for s in &p.scenario {
            for c in &s.contacts {
                add_named(&mut out, &c.value, ("to call in scenario", "to call in scenarios"), &s.id.value);
            }
        }
        if let Some(b) = &p.backup {
            b.deputy.iter().for_each(|d| add_named(&mut out, &d.value, ("backup deputy", "backup deputy"), ""));
            b.on_failure.iter().for_each(|o| {
                add_named(&mut out, &o.escalate_to.value, ("when a backup fails", "when a backup fails"), "")
            });
        }
        for inv in self.facts.covered(p) {
            match inv {
                Inventory::System(s) => add_named(&mut out, &s.owner.value, ("owner of", "owner of"), &s.id.value),
                Inventory::Interface(i) => {
                    for (side, c) in interface_contacts(i) {
                        add_named(&mut out, c, interface_role(side), &i.id.value);
                    }
                }
            }
        }
        // the contacts only the instruction for when nobody answers names (not as a deputy)
        let deputies: HashSet<String> = out
            .iter()
            .filter_map(|(id, _)| self.facts.contacts.get(id.as_str()))
            .filter_map(|c| c.deputy.as_ref().map(|d| d.value.clone()))
            .collect();
        for id in signoff::context::contacts_named(self.model, p) {
            if !deputies.contains(&id) && !out.iter().any(|(c, _)| *c == id) {
                add_named(&mut out, &id, ("named in the instruction for when nobody answers", ""), "");
            }
        }
        out
    }

    fn responsible_ids<'p>(&self, p: &'p Plan) -> Vec<(&'static str, &'p str)> {
        let Some(r) = &p.responsible else { return Vec::new() };
        [("client", &r.client), ("provider", &r.provider)]
            .into_iter()
            .filter_map(|(side, c)| c.as_ref().map(|c| (side, c.value.as_str())))
            .collect()
    }

    /// A party's contacts from the directory, for a party the plan names no contact of: those
    /// reachable around the clock, or all of them when none is.
    fn directory_contacts(&self, party: &str) -> Vec<PlanContact> {
        let all: Vec<ContactView> =
            self.model.contacts.iter().filter(|c| c.party.value == party).map(|c| self.contact_of(c, true)).collect();
        let always = all.iter().any(ContactView::reachable_always);
        all.into_iter()
            .filter(|c| !always || c.reachable_always())
            .map(|contact| PlanContact { contact, named_as: vec![Txt::new("from the contact directory")] })
            .collect()
    }

    fn contract(&self, p: &Plan) -> Option<ContractView> {
        let covered: HashSet<&str> = p.covers.iter().map(|c| c.value.as_str()).collect();
        p.contract.as_ref().map(|cr| {
            let contract = self.model.contracts.iter().find(|c| c.id.value == cr.id.value);
            let rev = contract.and_then(|c| c.revision.iter().find(|r| r.number.value == cr.revision.value));
            let in_force = contract.and_then(|c| crate::rules::contracts::in_effect(c, self.today));
            ContractView {
                id: Txt::new(cr.id.value.clone()),
                title: contract
                    .map(|c| Txt::new(c.title.clone()))
                    .unwrap_or_else(|| Txt::new("(no such contract: run `contingent check`)")),
                revision: cr.revision.value,
                effective: rev.map(|r| r.effective.value),
                summary: rev.and_then(|r| r.summary.clone()).map(Txt::new),
                newer_in_force: in_force.map(|r| r.number.value).filter(|n| *n != cr.revision.value),
                sla: rev
                    .map(|r| r.sla.iter().filter(|s| covered.contains(s.target.value.as_str())).map(sla_view).collect())
                    .unwrap_or_default(),
                categories: rev
                    .map(|r| r.category.iter().map(|c| (Txt::new(c.id.value.clone()), category_words(c))).collect())
                    .unwrap_or_default(),
                known: rev.is_some(),
            }
        })
    }

    fn levels(&self, p: &Plan) -> Vec<LevelView> {
        let mut levels: Vec<LevelView> = p
            .escalation
            .iter()
            .flat_map(|e| e.level.iter())
            .map(|l| LevelView {
                level: l.level.value,
                within: l.within.value,
                contact: self.contact(&l.notify.value, true),
            })
            .collect();
        levels.sort_by_key(|l| l.level);
        levels
    }

    fn scenarios(&self, p: &Plan) -> Vec<ScenarioView> {
        p.scenario
            .iter()
            .map(|s| ScenarioView {
                id: Txt::new(s.id.value.clone()),
                anchor: anchor("s-", &s.id.value),
                title: Txt::new(s.title.clone().unwrap_or_else(|| s.id.value.clone())),
                cause: s.cause.as_ref().map(|c| cause_word(c.value)),
                fault_in: s.fault_in.iter().map(|f| place_word(f.value)).collect(),
                affects_others: s.affects_others.as_ref().map(|a| a.value),
                failover: s.failover,
                resolver: s.resolver.as_ref().map(|r| r.value),
                detect: s.detect.iter().cloned().map(Txt::new).collect(),
                contacts: self.by_party(s.contacts.iter().map(|c| self.contact(&c.value, true)).collect()),
                steps: s.step.iter().map(|st| Txt::new(st.value.clone())).collect(),
                forbidden: s.forbidden.iter().map(|f| Txt::new(f.value.clone())).collect(),
            })
            .collect()
    }

    /// Contact cards grouped under their parties, in the parties' order (in each, the order given).
    fn by_party(&self, contacts: Vec<ContactView>) -> Vec<(PartyHead, Vec<ContactView>)> {
        let mut groups: BTreeMap<(usize, String), Vec<ContactView>> = BTreeMap::new();
        for c in contacts {
            groups.entry(self.party_rank(c.party_id.raw())).or_default().push(c);
        }
        groups.into_iter().map(|((_, party), list)| (self.party_head(&party), list)).collect()
    }

    fn backup(&self, p: &Plan, scenarios: &[ScenarioView], records: &Records) -> Option<BackupView> {
        p.backup.as_ref().map(|bk| BackupView {
            media: bk.media.as_ref().map(|m| match m.value {
                crate::model::Media::Dedicated => "dedicated to this client",
                crate::model::Media::Shared => "SHARED with other clients",
            }),
            schedule: bk.schedule.as_ref().map(|s| (s.every.value, s.at.clone().map(Txt::new))),
            retention: bk.retention.as_ref().map(|r| r.value),
            offsite: bk.offsite.as_ref().map(|o| o.value),
            antivirus: bk.antivirus.as_ref().map(|a| Txt::new(a.value.clone())),
            restore_test: bk.restore_test.as_ref().map(|r| r.every.value),
            last_restore_test: self.last_held(records, ExerciseKind::RestoreTest).map(|r| r.date.value),
            deputy: bk.deputy.as_ref().map(|d| self.contact(&d.value, true)),
            on_failure: bk.on_failure.as_ref().map(|o| (self.contact(&o.escalate_to.value, true), o.within.value)),
            restore_scenarios: scenarios
                .iter()
                .filter(|s| {
                    let t = format!("{} {}", s.id.raw(), s.title.raw()).to_lowercase();
                    t.contains("restore") || t.contains("recovery")
                })
                .map(|s| (s.id.clone(), s.anchor.clone(), s.title.clone()))
                .collect(),
        })
    }

    /// The last exercise of a kind that counts as held, as the rules judge it: not failed, not
    /// dated after the handbook's date.
    fn last_held(&self, records: &Records<'m>, kind: ExerciseKind) -> Option<&'m Located<ExerciseRecord>> {
        records
            .iter()
            .copied()
            .filter(|r| r.kind.value == kind && r.counts_as_held(self.today))
            .max_by_key(|r| r.date.value)
    }

    fn exercises(&self, p: &Plan, records: &Records<'m>) -> Vec<ExerciseRow> {
        p.exercise
            .iter()
            .map(|e| {
                let l = self.last_held(records, e.kind.value);
                let next_due = l.map_or(self.today, |r| r.date.value.plus(e.every.value));
                ExerciseRow {
                    kind: kind_word(e.kind.value),
                    every: e.every.value,
                    joint: e.joint,
                    last: l.map(|r| (r.date.value, Txt::new(r.id.value.clone()), outcome_word(r.result.value))),
                    next_due,
                    overdue: l.is_none() || next_due < self.today,
                }
            })
            .collect()
    }

    fn open_findings(&self, records: &Records) -> Vec<FindingRow> {
        records
            .iter()
            .flat_map(|r| r.finding.iter().map(move |f| (r, f)))
            .filter(|(_, f)| f.status == FindingStatus::Open)
            .map(|(r, f)| FindingRow {
                text: Txt::new(f.text.clone()),
                owner: self.named(&f.owner.value),
                due: f.due.value,
                overdue: f.due.value < self.today,
                exercise: Txt::new(r.id.value.clone()),
            })
            .collect()
    }

    /// The contact directory: every contact by party, with who relies on it; contacts the plans
    /// rely on first, then alphabetically.
    pub fn directory(&self) -> Vec<PartyDirectory> {
        let referenced = crate::model::referenced_by(self.model);
        let mut parties: Vec<PartyDirectory> = self
            .model
            .config
            .iter()
            .flat_map(|c| c.party.iter())
            .map(|p| PartyDirectory {
                id: Txt::new(p.id.value.clone()),
                name: Txt::new(p.name.clone()),
                role: role_word(p.role.value),
                entries: Vec::new(),
            })
            .collect();
        let mut by_party: BTreeMap<&str, Vec<&Located<Contact>>> = BTreeMap::new();
        for c in &self.model.contacts {
            by_party.entry(c.party.value.as_str()).or_default().push(c);
        }
        for (party, contacts) in by_party {
            let dir = match parties.iter().position(|p| p.id.raw() == party) {
                Some(i) => &mut parties[i],
                None => {
                    parties.push(PartyDirectory {
                        id: Txt::new(party),
                        name: Txt::new(format!("{party} (not a party of contingent.kdl)")),
                        role: "unknown",
                        entries: Vec::new(),
                    });
                    parties.last_mut().expect("just pushed")
                }
            };
            for c in contacts {
                let relied_on_by = referenced.get(c.id.value.as_str()).into_iter().flatten().cloned().map(Txt::new);
                dir.entries
                    .push(DirectoryEntry { contact: self.contact_of(c, true), relied_on_by: relied_on_by.collect() });
            }
        }
        for p in &mut parties {
            p.entries.sort_by(|a, b| {
                (a.relied_on_by.is_empty(), a.contact.id.raw()).cmp(&(b.relied_on_by.is_empty(), b.contact.id.raw()))
            });
        }
        parties.retain(|p| !p.entries.is_empty());
        parties
    }
}

/// The NOT APPROVED banner: what it means for the reader, then why, party by party, in
/// sentences.
fn not_approved(plan: &str, state: Option<&PlanState>, manifest: &[PartyManifest]) -> Banner {
    let mut lines = vec![Txt::new(
        "This version of the plan is not approved by both parties. Follow it only as far as the emergency managers of both parties confirm it.",
    )];
    for m in manifest {
        let what = match m.state {
            State::Signed => continue,
            State::Stale => "signed an older version; the plan changed since",
            State::Invalid => "has sign-off records, but none verifies",
            State::Missing => "has not signed",
        };
        lines.push(Txt::new(format!("The {} {} {what}.", m.side, m.party.raw())));
        lines.extend(m.problems.iter().map(|pr| Txt::new(problem_sentence(pr.raw(), plan))));
    }
    if let Some(problem) = state.and_then(|s| s.problem.as_deref()) {
        lines.push(Txt::new(sentence(problem, plan, &[])));
    }
    Banner { word: "NOT APPROVED", lines }
}

/// A sign-off record's problem (`SIG003: the signature … (signoffs/payroll.kdl:4)`) as a
/// sentence: what is wrong, then where the record is, in words.
fn problem_sentence(problem: &str, plan: &str) -> String {
    let (code, rest) = match problem.split_once(": ") {
        Some((code, rest)) if is_code(code) => (Some(code), rest),
        _ => (None, problem),
    };
    let (message, place) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once(" (")) {
        Some((message, place)) if place.contains(".kdl:") => (message, Some(place)),
        _ => (rest, None),
    };
    let record = place.map(|p| match p.rsplit_once(':') {
        Some((file, line)) => format!("the record in {file}, line {line}"),
        None => format!("the record in {p}"),
    });
    let notes: Vec<&str> = record.iter().map(String::as_str).chain(code).collect();
    sentence(message, plan, &notes)
}

fn stale_contact_banner(stale_contacts: &[ContactView]) -> Banner {
    let mut lines = vec![Txt::new(
        "This plan relies on contacts whose details have not been verified in time: the numbers below may be wrong. If a call fails, go on with the next level and the deputy at once.",
    )];
    for c in stale_contacts {
        lines.push(Txt::new(format!(
            "{} ({}): last verified {}, stale since {}",
            c.name.raw(),
            c.id.raw(),
            c.verified.map(|d| d.to_string()).unwrap_or_default(),
            c.stale_since.map(|d| d.to_string()).unwrap_or_default()
        )));
    }
    Banner { word: "STALE CONTACT", lines }
}

/// Every forbidden action: plan-wide first, then each scenario's.
fn forbidden(p: &Plan) -> Vec<ForbiddenView> {
    let mut out: Vec<ForbiddenView> =
        p.forbidden.iter().map(|f| ForbiddenView { text: Txt::new(f.value.clone()), scenario: None }).collect();
    for s in &p.scenario {
        let title = Txt::new(s.title.clone().unwrap_or_else(|| s.id.value.clone()));
        out.extend(s.forbidden.iter().map(|f| ForbiddenView {
            text: Txt::new(f.value.clone()),
            scenario: Some((Txt::new(s.id.value.clone()), title.clone())),
        }));
    }
    out
}

/// The exercise record, newest first.
fn record_rows(records: &Records) -> Vec<RecordRow> {
    let mut rows: Vec<RecordRow> = records
        .iter()
        .map(|r| RecordRow {
            id: Txt::new(r.id.value.clone()),
            kind: kind_word(r.kind.value),
            date: r.date.value,
            result: outcome_word(r.result.value),
            summary: r.summary.clone().map(Txt::new),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.date));
    rows
}

/// The contacts of an interface: (side, contact id) for client, provider and carrier.
fn interface_contacts(i: &crate::model::Interface) -> Vec<(&'static str, &str)> {
    let Some(ic) = &i.contacts else { return Vec::new() };
    [("client", &ic.client), ("provider", &ic.provider), ("carrier", &ic.carrier)]
        .into_iter()
        .filter_map(|(side, id)| id.as_ref().map(|id| (side, id.value.as_str())))
        .collect()
}

fn sla_view(s: &crate::model::Sla) -> SlaView {
    SlaView {
        target: Txt::new(s.target.value.clone()),
        rto: s.rto.as_ref().map(|d| d.value),
        rpo: s.rpo.as_ref().map(|d| d.value),
        availability: s.availability.clone().map(Txt::new),
        redundant: s.redundant,
        responses: s.response.iter().map(|r| (Txt::new(r.category.value.clone()), r.within.value)).collect(),
        backup: s.backup.as_ref().map(|bt| {
            let mut parts = Vec::new();
            if let Some(e) = &bt.every {
                parts.push(format!("every {}", duration_words(e.value)));
            }
            if let Some(r) = &bt.retention {
                parts.push(format!("kept {}", duration_words(r.value)));
            }
            if let Some(o) = bt.offsite {
                parts.push(if o { "off-site copy" } else { "no off-site copy" }.to_string());
            }
            if let Some(t) = &bt.restore_test {
                parts.push(format!("restore test every {}", duration_words(t.value)));
            }
            Txt::new(parts.join(", "))
        }),
    }
}

/// An incident category's kind and description: `outage: Business-critical service …`.
fn category_words(c: &crate::model::Category) -> Txt {
    let mut d = c.kind.clone().unwrap_or_default();
    if let Some(desc) = &c.description {
        if !d.is_empty() {
            d.push_str(": ");
        }
        d.push_str(desc);
    }
    Txt::new(d)
}

/// What a contact is named as in a plan: a phrase (singular and plural) and the items it names
/// (`to call in scenarios` `a, b`).
type Named = Vec<(String, Vec<((&'static str, &'static str), Vec<String>)>)>;

/// Adds what a contact is named as, keeping the order of first mention and gathering the items
/// of one phrase.
fn add_named(out: &mut Named, id: &str, phrase: (&'static str, &'static str), item: &str) {
    let at = match out.iter().position(|(c, _)| c == id) {
        Some(i) => i,
        None => {
            out.push((id.to_string(), Vec::new()));
            out.len() - 1
        }
    };
    let phrases = &mut out[at].1;
    let items = match phrases.iter().position(|(p, _)| *p == phrase) {
        Some(i) => &mut phrases[i].1,
        None => {
            phrases.push((phrase, Vec::new()));
            &mut phrases.last_mut().expect("just pushed").1
        }
    };
    if !item.is_empty() && !items.iter().any(|i| i == item) {
        items.push(item.to_string());
    }
}

/// The phrases as lines: `to call in scenarios a, b`, `responsible for this plan (client)`.
fn named_lines(phrases: Vec<((&'static str, &'static str), Vec<String>)>) -> Vec<Txt> {
    phrases
        .into_iter()
        .map(|((one, many), items)| match items.len() {
            0 => Txt::new(one),
            1 if one == "responsible for this plan" => Txt::new(format!("{one} ({})", items[0])),
            1 => Txt::new(format!("{one} {}", items[0])),
            _ => Txt::new(format!("{many} {}", items.join(", "))),
        })
        .collect()
}

fn interface_role(side: &str) -> (&'static str, &'static str) {
    match side {
        "client" => ("client contact of", "client contact of"),
        "provider" => ("provider contact of", "provider contact of"),
        _ => ("carrier contact of", "carrier contact of"),
    }
}

fn role_word(r: crate::model::PartyRole) -> &'static str {
    match r {
        crate::model::PartyRole::Client => "client",
        crate::model::PartyRole::Provider => "provider",
        crate::model::PartyRole::SubProvider => "sub-provider",
        crate::model::PartyRole::Carrier => "carrier",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_off_problems_become_sentences() {
        assert_eq!(
            problem_sentence("SIG003: the signature does not verify (signoffs/payroll.kdl:4)", "payroll"),
            "The signature does not verify (the record in signoffs/payroll.kdl, line 4, SIG003)."
        );
        // without a code or a place, the text alone; a parenthesis that is not a place stays
        assert_eq!(problem_sentence("the key (SHA256:abc) expired", "payroll"), "The key (SHA256:abc) expired.");
        assert_eq!(problem_sentence("XYZ: `odd` text", "payroll"), "XYZ: odd text.");
    }
}
