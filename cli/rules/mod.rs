//! The rule catalogue, at the top of the layers: every diagnostic code the tool can emit, with
//! its documentation, gathered from the layers that define and report them (`source`, `syntax`,
//! `validate`, `load`, the rule families here, `signoff`).
//!
//! Codes are stable: a code is never renumbered or reused. Families:
//! `FILE` reading files, `KDL` syntax, `SCH` schema, `REF` cross-references, `CFG` configuration.

pub use crate::diagnostic::{Family, Rule};

pub mod contacts;
pub mod contracts;
pub mod matrix;
pub mod policy;
pub mod settings;
pub mod xref;

// Every code under its old path (`crate::rules::SCH_UNKNOWN`): each layer defines its own, the
// catalogue gathers them.
pub use crate::load::codes::*;
pub use crate::signoff::codes::*;
pub use crate::source::codes::*;
pub use crate::syntax::codes::*;
pub use crate::validate::codes::*;
pub use xref::{REF_CASE, REF_CYCLE, REF_DUPLICATE, REF_UNRESOLVED, REF_WRONG_KIND};

/// Every rule, in code order.
pub static RULES: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [
        crate::source::codes::SOURCE,
        crate::syntax::codes::SYNTAX,
        crate::validate::codes::SCHEMA,
        xref::REFERENCES,
        crate::load::codes::CONFIG,
        policy::POLICY.as_slice(),
        settings::SETTINGS,
        contracts::CONTRACTS,
        contacts::CONTACTS,
        crate::signoff::codes::SIGNOFF,
    ]
    .concat();
    all.sort_by_key(|r| r.code);
    all
});

/// Looks a rule up by code (case-insensitive) or by name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in RULES.iter() {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            let (prefix, number) = r.code.split_at(r.code.len() - 3);
            assert!(prefix.chars().all(|c| c.is_ascii_uppercase()), "{}", r.code);
            assert!(number.chars().all(|c| c.is_ascii_digit()), "{}", r.code);
            assert!(
                r.name
                    .split('-')
                    .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{} is not kebab-case",
                r.name
            );
        }
    }

    #[test]
    fn every_configurable_rule_is_traced_to_a_requirement() {
        for r in RULES.iter().filter(|r| {
            matches!(
                r.family,
                Family::Coverage
                    | Family::Escalation
                    | Family::Scenarios
                    | Family::Backup
                    | Family::Objectives
                    | Family::Exercises
            )
        }) {
            assert!(!r.requirement.is_empty(), "{} has no requirement", r.code);
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for r in RULES.iter() {
            for section in ["## What it does", "## Why", "## Example"] {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
            assert!(!r.summary.ends_with('.'), "{} summary ends with a period", r.code);
        }
    }
}
