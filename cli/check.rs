//! Checking a repository end to end: load, cross-reference, policy, sign-offs, sort. Pure apart
//! from the source.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{load, Loaded};
use crate::rules::xref;
use crate::source::Source;

pub use crate::context::Context;

/// Everything `check` found.
pub struct Checked {
    pub loaded: Loaded,
}

impl Checked {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.loaded.diagnostics
    }
    pub fn has_errors(&self) -> bool {
        self.loaded.diagnostics.iter().any(|d| d.severity == Severity::Error && d.counts())
    }
}

/// Runs every check on a source. Diagnostics come sorted by file path and position.
pub fn check(source: &dyn Source, ctx: &Context) -> Checked {
    check_with(source, ctx, |_| Default::default())
}

/// [`check`] with facts from outside the files, computed from the loaded model before the
/// rules run: the plans' last changes of meaning in the Git history (`check --history`).
pub fn check_with(
    source: &dyn Source,
    ctx: &Context,
    facts: impl FnOnce(&crate::model::Model) -> std::collections::HashMap<String, crate::model::MeaningChange>,
) -> Checked {
    check_trusted(source, ctx, None, facts)
}

/// [`check_with`] against a trusted base (the tip of the protected branch): the sign-offs are
/// judged as [`crate::signoff::evaluate_with`] says, so every command that checks a change
/// against a base reaches the same verdict. `base.broken_plans` is filled here from the load.
pub fn check_trusted(
    source: &dyn Source,
    ctx: &Context,
    base: Option<&crate::signoff::Base>,
    facts: impl FnOnce(&crate::model::Model) -> std::collections::HashMap<String, crate::model::MeaningChange>,
) -> Checked {
    check_reusing(source, ctx, base, facts, None)
}

/// [`check_trusted`], loading with [`crate::load::load_reusing`] when `reuse` is given: for the
/// commands that check two versions of a repository (`diff`, `check --changed-since`), whose
/// unchanged files are then parsed, mapped and validated once.
pub fn check_reusing(
    source: &dyn Source,
    ctx: &Context,
    base: Option<&crate::signoff::Base>,
    facts: impl FnOnce(&crate::model::Model) -> std::collections::HashMap<String, crate::model::MeaningChange>,
    reuse: Option<&crate::load::Reuse>,
) -> Checked {
    let mut loaded = match reuse {
        Some(r) => crate::load::load_reusing(source, r),
        None => load(source),
    };
    loaded.model.meaning_changed = facts(&loaded.model);
    let load_diags = std::mem::take(&mut loaded.diagnostics);
    loaded.diagnostics = rules(&loaded.model, &loaded.broken, &loaded.files, load_diags, ctx, base);
    Checked { loaded }
}

/// Every rule on a loaded model, after the loader's findings `diags`: cross-references, policy
/// and sign-offs side by side, then settings; sorted and bounded. The language server runs it on
/// the part of the model an edit can change.
pub fn rules(
    model: &crate::model::Model,
    broken: &std::collections::HashSet<(crate::format::Kind, String)>,
    files: &crate::source::Files,
    mut diags: Vec<Diagnostic>,
    ctx: &Context,
    base: Option<&crate::signoff::Base>,
) -> Vec<Diagnostic> {
    let base = base.map(|b| crate::signoff::Base {
        model: b.model,
        files: b.files,
        name: b.name.clone(),
        broken_plans: broken_plans(broken),
    });
    // Cross-references, policy rules and sign-offs read the model only: they run side by side.
    let (index, rest) = std::thread::scope(|scope| {
        let policy = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn_scoped(scope, || {
                let mut d = Vec::new();
                crate::rules::policy::check(model, broken, ctx, &mut d);
                crate::signoff::check(model, files, ctx, base.as_ref(), &mut d);
                d
            })
            .expect("a thread can be started");
        let index = xref::check(model, broken, &mut diags);
        (index, policy.join().expect("rules do not panic"))
    });
    diags.extend(rest);
    for d in diags.iter_mut().filter(|d| d.rule.family == crate::rules::Family::Signoff) {
        unread_context(broken, d);
    }
    withhold_dependent(broken, &mut diags);
    second_definitions(&mut diags);
    crate::rules::settings::apply(model, files, &index, ctx, &mut diags);
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.location.map(|l| (files.get(l.file).path.clone(), l.span.start, l.span.end));
        key(a).cmp(&key(b)).then_with(|| a.rule.code.cmp(b.rule.code)).then_with(|| a.message.cmp(&b.message))
    });
    bound(files, diags)
}

/// The ids of plans in files that do not load (recovered from their text).
pub fn broken_plans(
    broken: &std::collections::HashSet<(crate::format::Kind, String)>,
) -> std::collections::HashSet<String> {
    broken
        .iter()
        .filter(|(k, id)| *k == crate::format::Kind::Plan && !id.is_empty())
        .map(|(_, id)| id.clone())
        .collect()
}

/// A sign-off finding that follows from objects that do not load says so: a contact or system
/// in a file with errors has not "ceased to exist", and a signer whose contacts file does not
/// parse cannot be verified. The finding stays (verification fails closed).
fn unread_context(broken: &std::collections::HashSet<(crate::format::Kind, String)>, d: &mut Diagnostic) {
    use crate::format::Kind;
    let is_broken = |kinds: &[Kind], id: &str| {
        kinds.iter().any(|k| broken.contains(&(*k, id.to_string())) || broken.contains(&(*k, String::new())))
    };
    for (word, kinds) in
        [("contact", &[Kind::Contact][..]), ("system or interface", &[Kind::System, Kind::Interface][..])]
    {
        let mut out = String::with_capacity(d.message.len());
        let mut rest = d.message.as_str();
        let open = format!("{word} `");
        while let Some(at) = rest.find(&open) {
            let after = &rest[at + open.len()..];
            let Some(end) = after.find('`') else { break };
            let id = &after[..end];
            let tail = &after[end + 1..];
            out.push_str(&rest[..at]);
            if tail.starts_with(" no longer exists") && is_broken(kinds, id) {
                out.push_str(&format!("{word} `{id}` cannot be read (its file has errors, reported there)"));
                rest = &tail[" no longer exists".len()..];
            } else {
                out.push_str(&rest[at..at + open.len() + end + 1]);
                rest = tail;
            }
        }
        out.push_str(rest);
        d.message = out;
    }
    const UNREAD: &str = "cannot be read (its file has errors, reported there)";
    const AGAIN: &str = "; needs re-approval by the client and the provider";
    if let Some((head, reasons)) = d.message.split_once(": ") {
        if let Some(reasons) = reasons.strip_suffix(AGAIN) {
            if reasons.split("; ").all(|r| r.ends_with(UNREAD)) {
                d.message = format!("{head}: {reasons}; the approval is judged again once those errors are fixed");
                d.help = Some("fix the errors reported in the files of the objects named above; whether the plan must be signed again is known once they can be read".into());
            }
        }
    }
    let contacts_unread = broken.iter().any(|(k, _)| *k == Kind::Contact);
    if contacts_unread && d.rule.code == "SIG001" && !d.message.contains("cannot be read") {
        d.message.push_str(" (some contacts cannot be read: a contacts file has errors, reported there; signers' keys may be among them)");
    }
}

/// A policy finding that names an object whose file has errors waits for them to be fixed: it was
/// judged without that object (a system whose `rto` did not parse has no RTO), so what it says
/// and the fix it names may be wrong. The errors themselves are reported where they are.
fn withhold_dependent(broken: &std::collections::HashSet<(crate::format::Kind, String)>, diags: &mut Vec<Diagnostic>) {
    let ids: std::collections::HashSet<&str> =
        broken.iter().map(|(_, id)| id.as_str()).filter(|id| !id.is_empty()).collect();
    if ids.is_empty() {
        return;
    }
    // the object the finding is about is judged on what could be read of it (a plan with
    // errors, `Model::salvaged`); another object that could not be read makes the finding wait
    let names_unread = |d: &Diagnostic| {
        let own = d.subject.as_deref().and_then(|s| s.split_once(':')).map(|(_, id)| id);
        d.message.split('`').skip(1).step_by(2).any(|id| ids.contains(id) && Some(id) != own)
    };
    diags.retain(|d| {
        // the policy families (those a configuration may tune): structural and sign-off
        // findings are never held back
        let policy = d.rule.family.configurable();
        !(policy && names_unread(d))
    });
}

/// The approval findings of a plan defined a second time (`REF001` in its file) say so: the
/// copy did not "change since it was signed", it is another plan with the same id.
fn second_definitions(diags: &mut [Diagnostic]) {
    let copies: std::collections::HashSet<(crate::diagnostic::FileId, String)> = diags
        .iter()
        .filter(|d| d.rule.code == "REF001")
        .filter_map(|d| {
            let id = d.message.strip_prefix("plan `")?.strip_suffix("` is defined twice")?;
            Some((d.location?.file, format!("plan:{id}")))
        })
        .collect();
    for d in diags.iter_mut().filter(|d| matches!(d.rule.code, "SIG001" | "SIG002")) {
        let (Some(l), Some(subject)) = (d.location, d.subject.clone()) else { continue };
        if copies.contains(&(l.file, subject.clone())) {
            let id = subject.trim_start_matches("plan:");
            d.message = format!("a second plan `{id}` is defined here (REF001) and is not approved: {}", d.message);
        }
    }
}

/// Findings of one code on one line shown before the rest are summarised in one finding.
pub const MAX_SAME_LINE: usize = 5;
/// Findings shown per file; the rest are summarised in one finding. With the size limit on
/// files, this keeps every output format's memory and size proportional to the repository.
pub const MAX_PER_FILE: usize = 200;

/// Applies [`MAX_SAME_LINE`] and [`MAX_PER_FILE`] to sorted diagnostics (waived findings are
/// kept: they are listed as waived).
fn bound(files: &crate::source::Files, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if diags.len() <= MAX_SAME_LINE {
        return diags;
    }
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len().min(4096));
    // (file, line, code) of the current group, how many of it were kept, how many dropped
    let mut group: Option<(crate::diagnostic::FileId, usize, &'static str)> = None;
    let mut in_group = 0usize;
    let mut dropped_in_group: Option<(Diagnostic, usize)> = None;
    let mut file: Option<crate::diagnostic::FileId> = None;
    let mut in_file = 0usize;
    let mut dropped_in_file: Option<(Diagnostic, usize)> = None;
    let flush_group = |out: &mut Vec<Diagnostic>, dropped: &mut Option<(Diagnostic, usize)>| {
        if let Some((first, n)) = dropped.take() {
            let code = first.rule.code;
            let message =
                format!("{n} more {code} finding{} on this line are not shown", if n == 1 { "" } else { "s" });
            let mut d = Diagnostic {
                message,
                label: Some("and more like this".into()),
                labels: Vec::new(),
                subject: None,
                ..first
            };
            d.help = Some(format!(
                "at most {MAX_SAME_LINE} findings of one code are shown per line; fix the ones shown and check again"
            ));
            out.push(d);
        }
    };
    let flush_file = |out: &mut Vec<Diagnostic>, dropped: &mut Option<(Diagnostic, usize)>| {
        if let Some((first, n)) = dropped.take() {
            let message = format!("{n} more finding{} in this file are not shown", if n == 1 { "" } else { "s" });
            let mut d = Diagnostic {
                message,
                label: Some("the first one not shown".into()),
                labels: Vec::new(),
                subject: None,
                ..first
            };
            d.help =
                Some(format!("at most {MAX_PER_FILE} findings are shown per file; fix the ones shown and check again"));
            out.push(d);
        }
    };
    for d in diags {
        let Some(loc) = d.location.filter(|_| d.waived.is_none()) else {
            out.push(d);
            continue;
        };
        if file != Some(loc.file) {
            flush_group(&mut out, &mut dropped_in_group);
            flush_file(&mut out, &mut dropped_in_file);
            file = Some(loc.file);
            in_file = 0;
            group = None;
        }
        let key = (loc.file, files.get(loc.file).line_of(loc.span.start), d.rule.code);
        if group != Some(key) {
            flush_group(&mut out, &mut dropped_in_group);
            group = Some(key);
            in_group = 0;
        }
        in_group += 1;
        if in_group > MAX_SAME_LINE {
            match &mut dropped_in_group {
                Some((_, n)) => *n += 1,
                None => dropped_in_group = Some((d, 1)),
            }
            continue;
        }
        in_file += 1;
        if in_file > MAX_PER_FILE {
            match &mut dropped_in_file {
                Some((_, n)) => *n += 1,
                None => dropped_in_file = Some((d, 1)),
            }
            continue;
        }
        out.push(d);
    }
    flush_group(&mut out, &mut dropped_in_group);
    flush_file(&mut out, &mut dropped_in_file);
    out
}
