//! `contingent contacts`: contacts by party, their verification state, who relies on them.

use serde_json::json;

use crate::cli::{ContactsArgs, TableFormat};
use crate::rules::contacts::{status, Status};
use crate::units::Duration;

pub fn run(args: &ContactsArgs) -> Result<u8, String> {
    let expiring =
        args.expiring.as_deref().map(Duration::parse).transpose().map_err(|e| format!("invalid --expiring: {e}"))?;
    let (clock, checked) = super::report::load(&args.path, args.as_of.as_deref())?;
    let model = &checked.loaded.model;
    if let Some(p) = &args.party {
        let known: Vec<&str> = model.config.iter().flat_map(|c| c.party.iter().map(|p| p.id.value.as_str())).collect();
        if !known.contains(&p.as_str()) {
            return Err(format!("no party `{p}`: parties are {}", known.join(", ")));
        }
    }
    let policy = model.config.as_ref().map(|c| c.policy.clone()).unwrap_or_default();
    let refs = crate::model::referenced_by(model);
    let mut contacts: Vec<_> = model.contacts.iter().collect();
    contacts.sort_by(|a, b| (&a.party.value, &a.id.value).cmp(&(&b.party.value, &b.id.value)));
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for c in contacts {
        if args.party.as_deref().is_some_and(|p| p != c.party.value) {
            continue;
        }
        let (st, expires) = status(c, &policy, clock.today);
        if args.stale && st != Status::Stale {
            continue;
        }
        if let Some(w) = expiring {
            if !(st == Status::Stale || expires <= clock.today.plus(w)) {
                continue;
            }
        }
        let age = clock.today.to_days() - c.verified.value.to_days();
        let used = refs.get(c.id.value.as_str()).cloned().unwrap_or_default();
        let word = serde_json::to_value(st).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        rows.push(vec![
            c.party.value.clone(),
            c.id.value.clone(),
            c.name.clone(),
            c.verified.value.to_string(),
            format!("{age}d"),
            word.clone(),
            expires.to_string(),
            used.join(", "),
        ]);
        items.push(json!({
            "party": c.party.value, "id": c.id.value, "name": c.name, "verified": c.verified.value.to_string(),
            "age_days": age, "status": word, "stale_from": expires.to_string(), "github": c.github, "referenced_by": used,
        }));
    }
    let header = ["party", "contact", "name", "verified", "age", "status", "stale from", "referenced by"];
    let out = match args.format {
        TableFormat::Json => super::report::json(
            &json!({"version": 1, "as_of": clock.today.to_string(), "as_of_source": clock.source, "contacts": items}),
        ),
        TableFormat::Markdown => super::report::markdown(&header, &rows),
        TableFormat::Table => {
            format!("Contacts (as of {}, {}):\n\n{}", clock.today, clock.source, super::report::table(&header, &rows))
        }
    };
    super::print(&out)?;
    Ok(crate::exit::CLEAN)
}
