//! Scenarios and work instructions (`SCN`): cause class, fault location, steps, who may resolve,
//! client contacts, forbidden actions and steps that contradict them.

use super::facts::{role_word, Facts};
use super::words::{self, normalise};
use crate::diagnostic::Diagnostic;
use crate::model::{Cause, Located, PartyRole, Place, Plan, Resolver, Scenario, Spanned};

policy_rules! {
    SCENARIOS;
    /// ## What it does
    /// Reports a scenario without `cause=technical|application|interface|security|external`.
    ///
    /// ## Why
    /// The cause class decides who may act: the provider alone, or only together with the client.
    ///
    /// ## Example
    /// ```kdl
    /// scenario disk-full cause=technical affects-others=#false resolver=provider { ... }
    /// ```
    SCN001 = "SCN001" "cause-class-missing" Scenarios Error
        "a scenario does not state its cause class"
        requirement: "A malfunction of an application may have technical causes (eg data carrier full, network problems) or application-specific (eg processing of a wrong data record, program error, incorrect parameter setting).";
    /// ## What it does
    /// Reports a scenario without `step` nodes.
    ///
    /// ## Why
    /// Provider staff often lack knowledge of the application; precise instructions are what keeps them from guessing.
    ///
    /// ## Example
    /// ```kdl
    /// step "Extend the volume by 20% following runbook RB-12"
    /// ```
    SCN002 = "SCN002" "work-instructions-missing" Scenarios Error
        "a scenario has no step-by-step work instructions"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a scenario without `fault-in client|provider|interface`.
    ///
    /// ## Why
    /// A failed line and a failed provider system can look the same; staff must locate the fault before acting.
    ///
    /// ## Example
    /// ```kdl
    /// fault-in provider interface
    /// ```
    SCN003 = "SCN003" "fault-location-missing" Scenarios Error
        "a scenario does not say where the fault may lie"
        requirement: "In general, contingency plans must exist for the systems at the client, at the outsourcing service provider and for the interfaces between the client and the service provider (eg network connection, router, telecommunications provider).";
    /// ## What it does
    /// Reports `resolver=provider` on a scenario whose cause is not technical, or that affects other applications (or does not say).
    ///
    /// ## Why
    /// Only technical errors without impact on other applications may be fixed by the provider alone.
    ///
    /// ## Example
    /// Fails: `scenario wrong-record cause=application resolver=provider`.
    ///
    /// Passes: `resolver=joint`.
    SCN004 = "SCN004" "provider-alone-not-allowed" Scenarios Error
        "a scenario lets the provider resolve alone what needs the client"
        requirement: "In the case of technical errors without any impact on other applications, the outsourcing service provider will be able to correct the error itself. In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level.";
    /// ## What it does
    /// Reports a scenario without `resolver=provider|joint|client`.
    ///
    /// ## Why
    /// Who may act must be decided before the emergency, not during it.
    ///
    /// ## Example
    /// `resolver=joint`
    SCN005 = "SCN005" "resolver-missing" Scenarios Error
        "a scenario does not say who may resolve it"
        requirement: "In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level.";
    /// ## What it does
    /// Reports a scenario with `cause=application` whose `contacts` are missing or include no client contact.
    ///
    /// ## Why
    /// Application knowledge is only available at the client.
    ///
    /// ## Example
    /// ```kdl
    /// contacts anna.schmidt bernd.mueller
    /// ```
    SCN006 = "SCN006" "client-contacts-missing" Scenarios Error
        "an application-specific scenario names no client contact"
        requirement: "If there are application-specific problems, the outsourcing service provider needs detailed and comprehensive instructions as well as lists of contact persons on the side of the client so that he can react correctly.";
    /// ## What it does
    /// Reports a plan without `forbidden` and without `no-forbidden-actions "reason"`.
    ///
    /// ## Why
    /// What staff must not do is as important as what they must do; an explicit empty statement shows it was considered.
    ///
    /// ## Example
    /// ```kdl
    /// forbidden "Reboot the batch server while a payroll run is active"
    /// ```
    SCN007 = "SCN007" "forbidden-actions-missing" Scenarios Error
        "a plan neither states forbidden actions nor says explicitly that there are none"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine).";
    /// ## What it does
    /// Reports a step whose text contains the text of a forbidden action of its plan or scenario (compared without case, punctuation and repeated spaces). The same action in other words is SCN011.
    ///
    /// ## Why
    /// Contradicting instructions are worse than none.
    ///
    /// ## Example
    /// Fails: `forbidden "Reboot the batch server"` and `step "Reboot the batch server and restart the run"`.
    SCN008 = "SCN008" "step-contradicts-forbidden-action" Scenarios Error
        "a work instruction step does what the plan forbids"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine).";
    /// ## What it does
    /// Reports a scenario resolved jointly (`resolver=joint`) or by the client, or one that may affect other applications (`affects-others=#true`), whose `contacts` name no contact of the client. The message names the contacts it lists and their party. (Application-specific scenarios are SCN006.)
    ///
    /// ## Why
    /// Whenever the client must act or decide, the provider's staff need to know whom to call at the client; a list of provider contacts does not help them.
    ///
    /// ## Example
    /// Fails: `scenario line-down cause=interface resolver=joint { contacts frank.meyer }` with frank.meyer a provider contact.
    ///
    /// Passes: `contacts ole.carstens frank.meyer` (ole.carstens of the client).
    SCN009 = "SCN009" "client-cooperation-contacts-missing" Scenarios Error
        "a scenario that needs the client names no client contact"
        requirement: "If there are application-specific problems, the outsourcing service provider needs detailed and comprehensive instructions as well as lists of contact persons on the side of the client so that he can react correctly.";
    /// ## What it does
    /// Reports a scenario with `cause=technical resolver=provider` whose `title` or `detect` text describes an application cause: a wrong or faulty data record, a program error, a wrong parameter setting (recognised in English and German wording, e.g. "wrong data record", "Programmfehler", "falsche Parametrierung").
    ///
    /// ## Why
    /// The cause class decides who may act alone. An application cause classed technical lets the provider repair what only the client understands.
    ///
    /// ## Example
    /// Fails: `scenario bad-record cause=technical affects-others=#false resolver=provider { title "Run stops on a wrong data record" }`.
    ///
    /// Passes: `cause=application resolver=joint` with client contacts.
    SCN010 = "SCN010" "application-cause-classed-technical" Scenarios Error
        "a scenario describing an application cause is classed technical and left to the provider"
        requirement: "A malfunction of an application may have technical causes (eg data carrier full, network problems) or application-specific (eg processing of a wrong data record, program error, incorrect parameter setting).";
    /// ## What it does
    /// Compares each step with the forbidden actions of its plan and scenario by their words: lower case, stop words (English and German) dropped, each word reduced to a simple stem. A forbidden action is split into alternatives at "or"/"and" ("oder"/"und"); the first word is its verb, the first two words of each alternative its object. A step with a clause (steps are cut into clauses at `;`, `!`, `?`, line breaks and a full stop before a space) that has the verb and the whole object of one alternative, and that does not mention the condition that would allow it (the words after "without", "unless", "before", "ohne"), is reported for review with both texts. A step containing the whole forbidden text is SCN008, an error.
    ///
    /// ## Why
    /// Real plans say the same thing in other words; a contradiction between a step and a forbidden action is worse than either alone.
    ///
    /// ## Example
    /// Warns: `forbidden "Delete archive logs or backup pieces by hand"` and `step "Delete the oldest archive logs by hand"`.
    ///
    /// Passes: `step "Check the archive logs in the RMAN catalogue"`; and against `forbidden "Restore client data into the environment of another client"`, `step "Restore to the restore environment first; the client checks the data"` (the verb and the object stand in different clauses).
    SCN011 = "SCN011" "step-may-contradict-forbidden-action" Scenarios Warning
        "a work instruction step says in other words what the plan forbids"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine).";
    /// ## What it does
    /// Warns about a step of fewer than two meaningful words (stop words of English and German not counted), or with a wording that leaves the decision to the reader: "if necessary", "as usual", "fix the problem", "etc", "bei Bedarf", "wie üblich" and the like.
    ///
    /// ## Why
    /// The requirement asks for detailed instructions for specific error situations; provider staff often lack knowledge of the application and cannot fill the gaps.
    ///
    /// ## Example
    /// Warns: `step "Fix the problem"`, `step "Restart the service if necessary"`.
    ///
    /// Passes: `step "Extend the logical volume of /data/hpb by 20% following runbook RB-12"`.
    SCN012 = "SCN012" "work-instruction-vague" Scenarios Warning
        "a work instruction step is too vague to follow"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a scenario whose `fault-in` places the fault at the client only, but whose `resolver=provider` lets the provider resolve it alone.
    ///
    /// ## Why
    /// The provider cannot repair what lies at the client; either the place or the resolver is wrong, and staff would act on the wrong side.
    ///
    /// ## Example
    /// Fails: `resolver=provider` with `fault-in client` as the only place.
    SCN013 = "SCN013" "fault-place-contradicts-resolver" Scenarios Error
        "a scenario places the fault at the client but lets the provider resolve it alone"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a step, detection text, forbidden action or fallback rule that refers to a scenario, plan, system, interface or contact by an id (`scenario database-site-loss`, `plan wan-recovery`) that the repository does not define.
    ///
    /// ## Why
    /// Work instructions must be precise: a reference to something that does not exist sends staff looking for it in an emergency.
    ///
    /// ## Example
    /// Warns: `step "If the VPN is down, continue with plan wan-recovery"` when no plan `wan-recovery` exists.
    SCN014 = "SCN014" "text-names-unknown-object" Scenarios Warning
        "a work instruction refers to a scenario, plan, system or contact that does not exist"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a scenario with `affects-others=#false` whose title or detection text says that other clients or applications are affected.
    ///
    /// ## Why
    /// Whether other applications are affected decides whether the provider may act alone; the structured field must agree with the description staff read.
    ///
    /// ## Example
    /// Warns: `affects-others=#false` with `detect "Backup jobs of several clients wait for media"`.
    SCN015 = "SCN015" "affects-others-contradicts-text" Scenarios Warning
        "a scenario says it affects no other application but its description says otherwise"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a plan that covers systems or interfaces but describes no error situation (`scenario`).
    ///
    /// ## Why
    /// The requirement asks for detailed work instructions for specific error situations; a plan without any has none to give.
    ///
    /// ## Example
    /// Fails: `plan payroll { covers payroll-batch ... }` without a `scenario`.
    SCN016 = "SCN016" "no-error-situations" Scenarios Error
        "a plan describes no error situation"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
    /// ## What it does
    /// Reports a plan that lists `forbidden` actions and also says `no-forbidden-actions`.
    ///
    /// ## Why
    /// Staff must know whether anything is forbidden; two answers at once leave them to pick one.
    ///
    /// ## Example
    /// Fails: `forbidden "Reboot the batch server"` beside `no-forbidden-actions "nothing is forbidden"`.
    SCN017 = "SCN017" "forbidden-actions-contradicted" Scenarios Error
        "a plan lists forbidden actions and says there are none"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine).";
    /// ## What it does
    /// Reports a scenario without `detect`: nothing says how staff recognise the error situation.
    ///
    /// ## Why
    /// Work instructions for a specific error situation are of use only if staff can tell that it is this situation; without the signs they follow the wrong scenario or none.
    ///
    /// ## Example
    /// Fails: `scenario spool-disk-full ... { fault-in provider; step "..." }` without `detect "..."`.
    SCN018 = "SCN018" "detection-missing" Scenarios Error
        "a scenario does not say how the error situation is recognised"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created.";
}

/// Forbidden actions normalised for the literal comparison, with the node each came from.
type Normalised<'p> = Vec<(String, &'p Spanned<String>)>;
/// Forbidden actions read as actions for the paraphrase comparison, with the node each came from.
type Actions<'p> = Vec<(words::Action, &'p Spanned<String>)>;

/// The plan's forbidden actions, prepared once for the comparisons with every step.
struct Forbidden<'p> {
    normalised: Normalised<'p>,
    actions: Actions<'p>,
}

impl<'p> Forbidden<'p> {
    fn of(forbidden: &'p [Spanned<String>]) -> Self {
        Forbidden {
            normalised: forbidden.iter().map(|f| (normalise(&f.value), f)).filter(|(n, _)| !n.is_empty()).collect(),
            actions: forbidden.iter().map(|f| (words::action(&f.value), f)).collect(),
        }
    }
}

pub(crate) fn scenarios(p: &Located<Plan>, f: &Facts, d: &mut Vec<Diagnostic>) {
    forbidden_actions_stated(p, d);
    consistency(p, f, d);
    let plan_forbidden = Forbidden::of(&p.forbidden);
    for s in &p.scenario {
        cause_class_stated(p, s, d);
        client_contacts_named(p, s, f, d);
        application_cause_not_technical(p, s, d);
        instructions_complete(p, s, d);
        resolver_allowed(p, s, d);
        steps_not_forbidden(p, s, &plan_forbidden, d);
    }
}

/// SCN007, SCN017: the plan states its forbidden actions, or that there are none, not both.
fn forbidden_actions_stated(p: &Located<Plan>, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if p.forbidden.is_empty() && p.no_forbidden_actions.is_none() {
        d.push(
            Diagnostic::new(&SCN007, format!("plan `{id}` states no forbidden actions"))
                .at(p.file, p.head)
                .help(
                    "add `forbidden \"...\"` for each action staff must not take, or `no-forbidden-actions \"reason\"`",
                )
                .about("plan", id),
        );
    }
    if let (Some(none), Some(first)) = (&p.no_forbidden_actions, p.forbidden.first()) {
        d.push(
            Diagnostic::new(&SCN017, format!("plan `{id}` lists forbidden actions and says there are none"))
                .at(p.file, none.span)
                .with_label(p.file, first.span, "a forbidden action")
                .help("remove `no-forbidden-actions`, or the forbidden actions if there really are none")
                .about("plan", id),
        );
    }
}

/// SCN001: the scenario states its cause class.
fn cause_class_stated(p: &Located<Plan>, s: &Scenario, d: &mut Vec<Diagnostic>) {
    if s.cause.is_none() {
        let (id, sid) = (p.id.value.as_str(), s.id.value.as_str());
        d.push(
            Diagnostic::new(&SCN001, format!("scenario `{sid}` does not state its cause class"))
                .at(p.file, s.id.span)
                .help("add `cause=technical`, `application`, `interface`, `security` or `external`")
                .about("plan", id),
        );
    }
}

/// SCN006, SCN009: whoever needs the client must be able to call the client: name client contacts.
fn client_contacts_named(p: &Located<Plan>, s: &Scenario, f: &Facts, d: &mut Vec<Diagnostic>) {
    let (id, sid) = (p.id.value.as_str(), s.id.value.as_str());
    let application = s.cause.as_ref().is_some_and(|c| c.value == Cause::Application);
    let need = if application {
        Some("is application-specific")
    } else if s.resolver.as_ref().is_some_and(|r| r.value == Resolver::Joint) {
        Some("is resolved jointly with the client")
    } else if s.resolver.as_ref().is_some_and(|r| r.value == Resolver::Client) {
        Some("is resolved by the client")
    } else if s.affects_others.as_ref().is_some_and(|a| a.value) {
        Some("may affect other applications of the client")
    } else {
        None
    };
    let client_contact = s.contacts.iter().any(|c| f.role_of(&c.value) == Some(PartyRole::Client));
    let unknown = s.contacts.iter().any(|c| f.role_of(&c.value).is_none()); // reported by the reference check
    if let Some(why) = need.filter(|_| !client_contact && !unknown) {
        let (rule, help) = if application {
            (&SCN006, "add `contacts <client contact> ...`: application knowledge is only available at the client")
        } else {
            (&SCN009, "add `contacts <client contact> ...` so the provider knows whom to call at the client")
        };
        let named: Vec<String> = s
            .contacts
            .iter()
            .map(|c| format!("`{}` ({})", c.value, f.role_of(&c.value).map_or("unknown", role_word)))
            .collect();
        let message = if named.is_empty() {
            format!("scenario `{sid}` {why}, but names no contacts: it needs client contacts")
        } else {
            format!("scenario `{sid}` {why}, but names no client contact, only {}", named.join(", "))
        };
        d.push(
            Diagnostic::new(rule, message)
                .at(p.file, s.contacts.first().map_or(s.id.span, |c| c.span))
                .help(help)
                .about("plan", id),
        );
    }
}

/// SCN010: an application cause classed technical lets the provider act alone where it must not.
fn application_cause_not_technical(p: &Located<Plan>, s: &Scenario, d: &mut Vec<Diagnostic>) {
    let (id, sid) = (p.id.value.as_str(), s.id.value.as_str());
    if let (Some(c), Some(r)) = (&s.cause, &s.resolver) {
        if c.value == Cause::Technical && r.value == Resolver::Provider {
            let texts = s.title.iter().map(String::as_str).chain(s.detect.iter().map(String::as_str));
            if let Some(phrase) = texts.filter_map(words::application_cause).next() {
                d.push(
                    Diagnostic::new(
                        &SCN010,
                        format!(
                            "scenario `{sid}` is classed `technical` and left to the provider alone, but describes an application cause (\"{phrase}\")"
                        ),
                    )
                    .at(p.file, c.span)
                    .label("classed technical")
                    .help("class it `cause=application` and resolve it with the client (`resolver=joint`), naming client contacts")
                    .about("plan", id),
                );
            }
        }
    }
}

/// SCN002, SCN018, SCN003: the scenario has work instructions, signs to recognise it by and
/// where the fault may lie.
fn instructions_complete(p: &Located<Plan>, s: &Scenario, d: &mut Vec<Diagnostic>) {
    let (id, sid, at) = (p.id.value.as_str(), s.id.value.as_str(), s.id.span);
    if s.step.is_empty() {
        d.push(
            Diagnostic::new(&SCN002, format!("scenario `{sid}` has no work instructions"))
                .at(p.file, at)
                .help("add `step \"...\"` nodes, one per step, in order")
                .about("plan", id),
        );
    }
    if s.detect.is_empty() {
        d.push(
            Diagnostic::new(&SCN018, format!("scenario `{sid}` does not say how it is recognised"))
                .at(p.file, at)
                .help("add `detect \"...\"` with the alert, message or symptom that shows this situation")
                .about("plan", id),
        );
    }
    if s.fault_in.is_empty() {
        d.push(
            Diagnostic::new(&SCN003, format!("scenario `{sid}` does not say where the fault may lie"))
                .at(p.file, at)
                .help("add `fault-in client`, `provider` and/or `interface`")
                .about("plan", id),
        );
    }
}

/// SCN005, SCN004: the scenario says who may resolve it, and the provider alone only where allowed.
fn resolver_allowed(p: &Located<Plan>, s: &Scenario, d: &mut Vec<Diagnostic>) {
    let (id, sid) = (p.id.value.as_str(), s.id.value.as_str());
    match &s.resolver {
        None => d.push(
            Diagnostic::new(&SCN005, format!("scenario `{sid}` does not say who may resolve it"))
                .at(p.file, s.id.span)
                .help("add `resolver=provider`, `joint` or `client`")
                .about("plan", id),
        ),
        Some(r) if r.value == Resolver::Provider => {
            let technical = s.cause.as_ref().is_some_and(|c| c.value == Cause::Technical);
            let isolated = s.affects_others.as_ref().is_some_and(|a| !a.value);
            if !(technical && isolated) {
                let why = if !technical { "its cause is not technical" } else { "it may affect other applications" };
                d.push(
                    Diagnostic::new(&SCN004, format!("scenario `{sid}` lets the provider resolve it alone, but {why}"))
                        .at(p.file, r.span)
                        .help("use `resolver=joint` (or `client`); the provider may act alone only on technical errors with `affects-others=#false`")
                        .about("plan", id),
                );
            }
        }
        Some(_) => {}
    }
}

/// SCN008, SCN012, SCN011: each step neither does what the plan or scenario forbids, nor is too
/// vague to follow, nor may be read as a forbidden action.
fn steps_not_forbidden(p: &Located<Plan>, s: &Scenario, plan: &Forbidden<'_>, d: &mut Vec<Diagnostic>) {
    let (id, sid) = (p.id.value.as_str(), s.id.value.as_str());
    let own = Forbidden::of(&s.forbidden);
    for step in &s.step {
        // normalised and stemmed once for every comparison below
        let prepared = words::Prepared::new(&step.value);
        let text = prepared.norm.as_str();
        let literal = plan.normalised.iter().chain(&own.normalised).find(|(n, _)| words::contains_unnegated(text, n));
        if let Some((_, f)) = literal {
            d.push(
                Diagnostic::new(&SCN008, format!("a step of scenario `{sid}` does what the plan forbids: \"{}\"", f.value))
                    .at(p.file, step.span)
                    .label("contradicts a forbidden action")
                    .with_label(p.file, f.span, "forbidden here")
                    .help("rewrite the step so that it does not do what is forbidden, or name in the forbidden action the condition under which it is allowed (\"without the approval of ...\")")
                    .about("plan", id),
            );
            continue;
        }
        if let Some(why) = words::vague_prepared(&prepared) {
            d.push(
                Diagnostic::new(&SCN012, format!("a step of scenario `{sid}` is too vague to follow: {why}"))
                    .at(p.file, step.span)
                    .label("what exactly, on what, how?")
                    .help("say what to do, on which system and how (name the runbook), and decide the conditions in the plan, not at 3 a.m.")
                    .about("plan", id),
            );
        }
        let find = |(a, _): &&(words::Action, &Spanned<String>)| words::likely_does_prepared(&prepared, a);
        if let Some((_, f)) = plan.actions.iter().chain(&own.actions).find(find).filter(|_| !prepared.negates()) {
            d.push(
                Diagnostic::new(
                    &SCN011,
                    format!(
                        "a step of scenario `{sid}` may do what the plan forbids: step \"{}\" against forbidden \"{}\"",
                        step.value, f.value
                    ),
                )
                .at(p.file, step.span)
                .label("in other words, a forbidden action?")
                .with_label(p.file, f.span, "forbidden here")
                .help("if the step does what is forbidden, rewrite it; if not, word it so it cannot be read that way (or waive the finding with the reason)")
                .about("plan", id),
            );
        }
    }
}

/// Words that introduce a reference to an object of the repository in free text, with the kind
/// of object they name.
const REFERRING: &[(&str, Kind)] = &[
    ("scenario", Kind::Scenario),
    ("szenario", Kind::Scenario),
    ("plan", Kind::Plan),
    ("notfallplan", Kind::Plan),
    ("system", Kind::System),
    ("interface", Kind::System),
    ("schnittstelle", Kind::System),
    ("contact", Kind::Contact),
    ("kontakt", Kind::Contact),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Scenario,
    Plan,
    System,
    Contact,
}

/// Phrases (normalised) that say other clients or applications are affected.
const OTHERS: &[&str] = &[
    "other clients",
    "several clients",
    "all clients",
    "multiple clients",
    "other customers",
    "several customers",
    "all customers",
    "other applications",
    "several applications",
    "all applications",
    "andere mandanten",
    "mehrere mandanten",
    "alle mandanten",
    "andere anwendungen",
    "mehrere anwendungen",
    "alle anwendungen",
];

/// The references in `text` to ids the repository does not define: `(word, id)`.
fn unknown_references<'t>(text: &'t str, known: &dyn Fn(Kind, &str) -> bool) -> Vec<(&'t str, &'t str)> {
    let mut out = Vec::new();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for pair in tokens.windows(2) {
        let word = pair[0].trim_matches(|c: char| !c.is_alphanumeric());
        let Some(&(_, kind)) = REFERRING.iter().find(|(w, _)| word.eq_ignore_ascii_case(w)) else { continue };
        let id = pair[1].trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
        // an id, not a word: lower case letters and digits joined by `-`, `_` or `.`
        let id_like = id.len() >= 3
            && id.contains(['-', '_', '.'])
            && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
        if id_like && !known(kind, id) {
            out.push((word, id));
        }
    }
    out
}

/// A person's name (two capitalised words) right after a verb of calling ("Call Peter Brandt").
fn person_named(tokens: &[&str], i: usize, before: Option<&str>) -> Option<String> {
    const CALL: &[&str] = &[
        "call",
        "phone",
        "inform",
        "notify",
        "contact",
        "ask",
        "alert",
        "rufe",
        "informiere",
        "anrufen",
        "benachrichtige",
    ];
    if !before.is_some_and(|b| CALL.contains(&b)) {
        return None;
    }
    let word = |t: &str| {
        let t = t.trim_end_matches(|c: char| !c.is_alphabetic());
        let mut cs = t.chars();
        (cs.next().is_some_and(char::is_uppercase) && t.chars().count() >= 2 && cs.all(char::is_lowercase))
            .then(|| t.to_string())
    };
    let first = word(tokens.get(i)?)?;
    let last = word(tokens.get(i + 1)?)?;
    Some(format!("{first} {last}"))
}

/// Phone numbers written in international form (`+49 40 555 1000`) in a text.
fn phone_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('+') {
        let tail = &rest[at..];
        let len = tail
            .char_indices()
            .skip(1)
            .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '/' | '(' | ')'))
            .last()
            .map_or(1, |(i, c)| i + c.len_utf8());
        let number = tail[..len].trim_end_matches(|c: char| !c.is_ascii_digit());
        if number.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push(number.to_string());
        }
        rest = &tail[len.max(1)..];
    }
    out
}

/// Whether a phrase of [`OTHERS`] stands in `text` without a negation near it (among the three
/// words before or after it): the first such phrase in the order of [`OTHERS`].
fn says_others_affected(text: &str) -> Option<&'static str> {
    static AUTOMATON: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| words::automaton(OTHERS));
    let norm = normalise(text);
    words::whole_matches(&AUTOMATON, &norm)
        .filter(|&(_, start, end)| {
            let before = norm[..start].split(' ').rev().filter(|w| !w.is_empty()).take(3);
            let after = norm[end..].split(' ').filter(|w| !w.is_empty()).take(3);
            !before.chain(after).any(|w| words::NEGATION.contains(&w))
        })
        .map(|(i, _, _)| i)
        .min()
        .map(|i| OTHERS[i])
}

/// Structured fields against each other and against the plan's texts: the place of the fault
/// and the resolver (SCN013), references in free text (SCN014), `affects-others` and the
/// description (SCN015), and whether there are error situations at all (SCN016).
fn consistency(p: &Located<Plan>, f: &Facts, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    if p.scenario.is_empty() && !p.covers.is_empty() {
        d.push(
            Diagnostic::new(&SCN016, format!("plan `{id}` describes no error situation"))
                .at(p.file, p.head)
                .help("add a `scenario <id> cause=... resolver=... { detect ...; step ... }` for each error situation staff must handle")
                .about("plan", id),
        );
    }
    text_references(p, f, d);
    for s in &p.scenario {
        let sid = s.id.value.as_str();
        let only_client = !s.fault_in.is_empty() && s.fault_in.iter().all(|x| x.value == Place::Client);
        if let Some(r) = s.resolver.as_ref().filter(|r| r.value == Resolver::Provider && only_client) {
            d.push(
                Diagnostic::new(
                    &SCN013,
                    format!("scenario `{sid}` places the fault at the client only, but lets the provider resolve it alone"),
                )
                .at(p.file, r.span)
                .with_label(p.file, s.fault_in[0].span, "the fault lies at the client")
                .help("correct the place of the fault (`fault-in provider`), or resolve it jointly with the client (`resolver=joint`)")
                .about("plan", id),
            );
        }
        if let Some(a) = s.affects_others.as_ref().filter(|a| !a.value) {
            let described = s.title.iter().chain(&s.detect).find_map(|t| says_others_affected(t).map(|ph| (t, ph)));
            if let Some((text, phrase)) = described {
                d.push(
                    Diagnostic::new(
                        &SCN015,
                        format!("scenario `{sid}` says it affects no other application, but its description says \"{phrase}\": \"{text}\""),
                    )
                    .at(p.file, a.span)
                    .label("affects-others=#false")
                    .help("if other clients or applications are affected, set `affects-others=#true` (the provider then may not act alone); otherwise reword the description")
                    .about("plan", id),
                );
            }
        }
    }
}

/// What the plan's texts name exists: ids after a referring word, phone numbers, people and
/// incident categories (SCN014).
fn text_references(p: &Located<Plan>, f: &Facts, d: &mut Vec<Diagnostic>) {
    let id = p.id.value.as_str();
    let model = f.model;
    let known = |kind: Kind, x: &str| match kind {
        Kind::Scenario => model.plans.iter().any(|p| p.scenario.iter().any(|s| s.id.value == x)),
        Kind::Plan => model.plans.iter().any(|p| p.id.value == x),
        Kind::System => f.inventory.contains_key(x),
        Kind::Contact => f.contacts.contains_key(x),
    };
    let mut texts: Vec<&Spanned<String>> = p.forbidden.iter().collect();
    texts.extend(p.escalation.as_ref().and_then(|e| e.unreachable.as_ref()));
    for s in &p.scenario {
        texts.extend(s.step.iter().chain(&s.forbidden));
    }
    let named = f.named();
    let (numbers, categories, ids_are_names) = (&named.numbers, &named.categories, named.ids_are_names);
    for t in &texts {
        let mut unknown: Vec<String> = phone_numbers(&t.value)
            .into_iter()
            .filter(|n| !numbers.contains(&n.chars().filter(char::is_ascii_digit).collect::<String>()))
            .map(|n| format!("the number {n}, which no contact has"))
            .collect();
        let tokens: Vec<&str> = t.value.split_whitespace().collect();
        for (i, raw) in tokens.iter().enumerate() {
            let token = raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
            if ids_are_names && super::words::person_shaped(token) && !f.contacts.contains_key(token) {
                unknown.push(format!("`{token}`, which is no contact"));
            }
            let before =
                i.checked_sub(1).map(|j| tokens[j].trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase());
            if let Some(name) = person_named(&tokens, i, before.as_deref()) {
                if !model.contacts.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
                    unknown.push(format!("{name}, who is no contact"));
                }
            }
            let after = tokens.get(i + 1).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase());
            let names_category = matches!(before.as_deref(), Some("category" | "priority" | "kategorie" | "priorität"))
                || matches!(after.as_deref(), Some("ticket" | "tickets" | "incident" | "incidents" | "störung"));
            let category_shaped = token.len() >= 2
                && token.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && token.chars().any(|c| c.is_ascii_digit())
                && token.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if names_category && category_shaped && !categories.is_empty() && !categories.contains(token) {
                unknown.push(format!("incident category `{token}`, which no contract revision defines"));
            }
        }
        unknown.sort();
        unknown.dedup();
        for what in unknown {
            d.push(
                Diagnostic::new(&SCN014, format!("plan `{id}` names {what}: \"{}\"", t.value))
                    .at(p.file, t.span)
                    .label("not in the repository")
                    .help("name what the repository defines (a contact's id or number, a category of the contract); if it is missing, add it there")
                    .about("plan", id),
            );
        }
    }
    for t in texts {
        for (word, unknown) in unknown_references(&t.value, &known) {
            d.push(
                Diagnostic::new(
                    &SCN014,
                    format!(
                        "plan `{id}` refers to {word} `{unknown}`, which the repository does not define: \"{}\"",
                        t.value
                    ),
                )
                .at(p.file, t.span)
                .label("no such object")
                .help("refer to the object by the id it is defined with, or define it")
                .about("plan", id),
            );
        }
    }
}
