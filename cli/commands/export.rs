//! `contingent export [PATH] --format json`: every object of the repository as the JSON document
//! its schema validates, in a versioned envelope (docs/export.md).

use serde_json::{json, Value};

use crate::cli::{ExportArgs, ExportFormat};
use crate::diagnostic::Severity;
use crate::source::worktree::WorkTree;

/// The envelope's `format` and `version`: fields are only ever added within a version.
pub const FORMAT: &str = "contingent-export";
pub const VERSION: u64 = 1;

/// The envelope for a repository's exported objects.
pub fn envelope(objects: &[crate::load::Exported], complete: bool) -> Value {
    let objects: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut v = json!({
                "kind": o.kind.name(),
                "file": o.path,
                "schema": format!("https://contingent.dev/schema/v1/{}.schema.json", o.kind.name()),
            });
            if let Some(id) = &o.id {
                v["id"] = json!(id);
            }
            if o.kind == crate::format::Kind::Plan {
                v["digest"] = json!(crate::signoff::digest::plan_digest(&o.json));
            }
            v["object"] = o.json.clone();
            v
        })
        .collect();
    json!({
        "format": FORMAT,
        "version": VERSION,
        "tool": { "name": "contingent", "version": env!("CARGO_PKG_VERSION") },
        "complete": complete,
        "objects": objects,
    })
}

pub fn run(args: &ExportArgs) -> Result<u8, String> {
    let ExportFormat::Json = args.format;
    let root = super::check::find_root(&args.path)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    // The loader's diagnostics say which files and objects are missing from the export.
    let loaded = crate::load::load(&source);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    let objects = crate::load::export(&source);
    super::print(&super::report::json(&envelope(&objects, errors.is_empty())))?;
    if errors.is_empty() {
        return Ok(crate::exit::CLEAN);
    }
    let prefix = super::check::path_prefix(&root);
    for d in errors.iter().take(20) {
        let place = match &d.location {
            Some(l) => {
                let f = loaded.files.get(l.file);
                let (line, col) = f.line_col(l.span.start);
                format!("{prefix}{}:{line}:{col}: ", f.path)
            }
            None => String::new(),
        };
        super::error_line(&format!("error[{}]: {place}{}", d.rule.code, d.message));
    }
    eprintln!(
        "{} error{} in the repository: what they concern is not exported (`\"complete\": false`); `contingent check` shows them",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Ok(crate::exit::FINDINGS)
}
