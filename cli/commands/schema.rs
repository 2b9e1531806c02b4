//! `contingent schema [KIND]`.

use crate::format::Kind;

pub fn run(kind: Option<&str>) -> Result<u8, String> {
    match kind {
        None => {
            let mut out = String::from("kinds (print one with `contingent schema KIND`):\n");
            for k in Kind::ALL {
                let title = k.schema()["description"].as_str().unwrap_or_default().to_string();
                out.push_str(&format!("  {:<10} {title}\n", k.name()));
            }
            super::print(&out)?;
            Ok(crate::exit::CLEAN)
        }
        Some(name) => {
            let Some(kind) = Kind::from_name(name) else {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                let hint = crate::diagnostic::did_you_mean(name, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return Err(format!("unknown kind `{name}`: {hint}kinds are {}", names.join(", ")));
            };
            let mut s = serde_json::to_string_pretty(&kind.schema()).expect("schemas serialise");
            s.push('\n');
            super::print(&s)?;
            Ok(crate::exit::CLEAN)
        }
    }
}
