//! `contingent due`: everything that falls due, sorted by date; also as an iCalendar feed.

use serde_json::json;

use crate::cli::{DueArgs, DueFormat};
use crate::units::Duration;

pub fn run(args: &DueArgs) -> Result<u8, String> {
    let within = Duration::parse(&args.within).map_err(|e| format!("invalid --within: {e}"))?;
    let alarm = match &args.alarm {
        Some(_) if args.format != DueFormat::Ics => {
            return Err("--alarm adds reminders to the iCalendar feed: use it with --format ics".into())
        }
        Some(a) => Some(Duration::parse(a).and_then(crate::due::trigger).map_err(|e| format!("invalid --alarm: {e}"))?),
        None => None,
    };
    let (clock, checked) = super::report::load(&args.path, args.as_of.as_deref())?;
    let loaded = &checked.loaded;
    let items = crate::due::items(&loaded.model, &loaded.files, clock.today, within);
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.date.to_string(),
                if i.overdue { "overdue".into() } else { "due".into() },
                i.kind.to_string(),
                i.title.clone(),
                i.owners.join(", "),
            ]
        })
        .collect();
    let header = ["date", "state", "what", "item", "owners"];
    let out = match args.format {
        DueFormat::Json => super::report::json(&json!({
            "version": 1,
            "as_of": clock.today.to_string(),
            "as_of_source": clock.source,
            "within": within.to_string(),
            "items": items,
        })),
        DueFormat::Markdown => {
            // Owners are mentioned by GitHub login where known (the bot's comments notify them),
            // and named by contact id where not.
            let logins: std::collections::HashMap<&str, &str> = loaded
                .model
                .contacts
                .iter()
                .filter_map(|c| c.github.as_deref().map(|g| (c.id.value.as_str(), g)))
                .collect();
            let mut rows = rows.clone();
            for (r, i) in rows.iter_mut().zip(&items) {
                r[4] = i
                    .owners
                    .iter()
                    .map(|o| logins.get(o.as_str()).map_or_else(|| o.clone(), |g| format!("@{g}")))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            // logins are meant as mentions in the owners column, and only there
            if rows.is_empty() {
                format!(
                    "### Due by {} (as of {})\n\nNothing due within {within}.\n",
                    clock.today.plus(within),
                    clock.today
                )
            } else {
                let md = super::report::markdown_with_mentions(&header, &rows, Some(4));
                format!("### Due by {} (as of {})\n\n{md}", clock.today.plus(within), clock.today)
            }
        }
        DueFormat::Ics => {
            let name = loaded.model.config.as_ref().and_then(|c| c.name.clone()).unwrap_or_else(|| "contingent".into());
            let id = crate::due::repository_id(&loaded.model);
            crate::due::ics(&items, &format!("{name}: due"), clock.today, &id, alarm.as_deref())
        }
        DueFormat::Table if rows.is_empty() => format!(
            "Nothing due within {within}: by {} (as of {}, {}).\n",
            clock.today.plus(within),
            clock.today,
            clock.source
        ),
        DueFormat::Table => format!(
            "Due by {} (as of {}, {}):\n\n{}",
            clock.today.plus(within),
            clock.today,
            clock.source,
            super::report::table(&header, &rows)
        ),
    };
    super::print(&out)?;
    Ok(crate::exit::CLEAN)
}
