//! `contingent export [PATH] --format json`: every object of the repository as the JSON document
//! its schema validates, in a versioned envelope (docs/export.md).

use serde_json::{json, Value};

use crate::cli::{ExportArgs, ExportFormat};
use crate::source::worktree::WorkTree;

/// The envelope's `format` and `version`: fields are only ever added within a version.
pub const FORMAT: &str = "contingent-export";
pub const VERSION: u64 = 1;

/// One exported object as the envelope lists it.
fn entry(o: crate::load::Exported) -> Value {
    let mut v = json!({
        "kind": o.kind.name(),
        "file": o.path,
        "schema": format!("https://contingent.dev/schema/v1/{}.schema.json", o.kind.name()),
    });
    if let Some(id) = o.id {
        v["id"] = json!(id);
    }
    if let Some(digest) = o.digest {
        v["digest"] = json!(digest);
    }
    v["object"] = o.json;
    v
}

/// The envelope for a repository's exported objects.
pub fn envelope(objects: Vec<crate::load::Exported>, complete: bool) -> Value {
    let objects: Vec<Value> = objects.into_iter().map(entry).collect();
    json!({
        "format": FORMAT,
        "version": VERSION,
        "tool": { "name": "contingent", "version": env!("CARGO_PKG_VERSION") },
        "complete": complete,
        "objects": objects,
    })
}

/// The objects of one file as the lines of the envelope's `objects` list: each entry
/// pretty-printed as `serde_json` prints it two levels deep, separated by `,\n`, escaped as
/// `report::json` escapes the whole document (escaping is per character, so per piece is the
/// same).
fn entries(objects: Vec<crate::load::Exported>) -> String {
    let mut out = String::new();
    for o in objects {
        if !out.is_empty() {
            out.push_str(",\n");
        }
        let text = serde_json::to_string_pretty(&entry(o)).expect("serialises");
        out.push_str("    ");
        // JSON strings hold no raw line break: every one is the layout's
        out.push_str(&text.replace('\n', "\n    "));
    }
    crate::escape::json(&out).into_owned()
}

/// Where the entries wait while the repository is loaded (the envelope's `complete`, which comes
/// first, is known only at the end): a file in a private temporary folder, else memory.
enum Spill {
    File(std::io::BufWriter<std::fs::File>, std::path::PathBuf, crate::tempdir::TempDir),
    Memory(Vec<u8>),
}

impl Spill {
    fn new() -> Spill {
        let Ok(dir) = crate::tempdir::TempDir::new("export") else { return Spill::Memory(Vec::new()) };
        let path = dir.path().join("objects.json");
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => Spill::File(std::io::BufWriter::with_capacity(1 << 20, f), path, dir),
            Err(_) => Spill::Memory(Vec::new()),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        use std::io::Write as _;
        match self {
            Spill::File(w, _, _) => w.write_all(bytes).map_err(|e| format!("cannot write a temporary file: {e}")),
            Spill::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    /// Prints what was written, a run of whole lines at a time.
    fn print(self) -> Result<(), String> {
        use std::io::{Read as _, Write as _};
        let (mut reader, _dir): (Box<dyn std::io::Read>, _) = match self {
            Spill::Memory(v) => (Box::new(std::io::Cursor::new(v)), None),
            Spill::File(mut w, path, dir) => {
                w.flush().map_err(|e| format!("cannot write a temporary file: {e}"))?;
                drop(w);
                let f = std::fs::File::open(&path).map_err(|e| format!("cannot read a temporary file: {e}"))?;
                (Box::new(f), Some(dir))
            }
        };
        let mut buf = vec![0u8; 1 << 20];
        let mut held = Vec::new();
        loop {
            let n = reader.read(&mut buf).map_err(|e| format!("cannot read a temporary file: {e}"))?;
            if n == 0 {
                break;
            }
            held.extend_from_slice(&buf[..n]);
            if let Some(end) = held.iter().rposition(|&b| b == b'\n') {
                let text = std::str::from_utf8(&held[..=end]).map_err(|e| format!("temporary file: {e}"))?;
                super::print(text)?;
                held.drain(..=end);
            }
        }
        let text = std::str::from_utf8(&held).map_err(|e| format!("temporary file: {e}"))?;
        if !text.is_empty() {
            super::print(text)?;
        }
        Ok(())
    }
}

pub fn run(args: &ExportArgs) -> Result<u8, String> {
    let ExportFormat::Json = args.format;
    let root = super::check::find_root(&args.path)?;
    let source = WorkTree::new(&root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    // One load: the loader's errors say which files and objects are missing from the export, and
    // the objects that pass are turned into their lines as they are loaded.
    let mut spill = Spill::new();
    let mut count = 0usize;
    let (files, errors) = crate::load::export(&source, entries, |text: String| {
        if text.is_empty() {
            return Ok(());
        }
        if count > 0 {
            spill.write(b",\n")?;
        }
        count += 1;
        spill.write(text.as_bytes())
    })?;
    // the envelope around the entries, as `report::json` prints it
    let empty = super::report::json(&envelope(Vec::new(), errors.is_empty()));
    if count == 0 {
        super::print(&empty)?;
    } else {
        let at = empty.find("\"objects\": []").expect("the envelope has objects") + "\"objects\": [".len();
        super::print(&format!("{}\n", &empty[..at]))?;
        spill.print()?;
        super::print(&format!("\n  {}", &empty[at..]))?;
    }
    if errors.is_empty() {
        return Ok(crate::exit::CLEAN);
    }
    let prefix = super::check::path_prefix(&root);
    for d in errors.iter().take(20) {
        let place = match &d.location {
            Some(l) => {
                let f = files.get(l.file);
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
