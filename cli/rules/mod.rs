//! The rule registry: every diagnostic code the tool can emit, with its documentation.
//!
//! Codes are stable: a code is never renumbered or reused. Families:
//! `FILE` reading files, `KDL` syntax, `SCH` schema, `REF` cross-references, `CFG` configuration.

use crate::diagnostic::Severity;

pub mod xref;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    File,
    Kdl,
    Schema,
    Reference,
    Config,
    Coverage,
    Escalation,
    Scenarios,
    Backup,
    Objectives,
    Exercises,
    Contracts,
    Contacts,
    Signoff,
    Git,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::File => "reading files",
            Family::Kdl => "KDL syntax",
            Family::Schema => "file format (JSON Schema)",
            Family::Reference => "cross-references",
            Family::Config => "repository configuration",
            Family::Coverage => "coverage and responsibility",
            Family::Escalation => "escalation and contacts in plans",
            Family::Scenarios => "scenarios and work instructions",
            Family::Backup => "backup",
            Family::Objectives => "time objectives",
            Family::Exercises => "exercises",
            Family::Contracts => "contracts and plan versions",
            Family::Contacts => "contact lists",
            Family::Signoff => "dual sign-off",
            Family::Git => "reading from Git",
        }
    }

    /// Whether the repository configuration may change the severity of rules of this family.
    /// Structural rules cannot be configured: every later check depends on them.
    pub fn configurable(self) -> bool {
        !matches!(
            self,
            Family::File
                | Family::Kdl
                | Family::Schema
                | Family::Reference
                | Family::Config
                | Family::Git
                | Family::Signoff
        )
    }
}

/// One rule: a stable code, a kebab-case name naming the problem, and its documentation.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Markdown with the sections `What it does`, `Why`, `Example`.
    pub doc: &'static str,
    /// The sentence of the requirement text (M 6.83) or the product brief the rule enforces;
    /// empty for structural rules.
    pub requirement: &'static str,
}

/// Defines rules as statics plus a list of them named `$list`.
macro_rules! rules {
    ($list:ident; $( $ident:ident = $code:literal $name:literal $family:ident $sev:ident $summary:literal $doc:literal; )*) => {
        $( pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code, name: $name, family: $crate::rules::Family::$family,
            default_severity: $crate::diagnostic::Severity::$sev, summary: $summary, doc: $doc,
            requirement: "",
        }; )*
        /// The rules of this file.
        pub static $list: &[&$crate::rules::Rule] = &[$( &$ident ),*];
    };
}

/// Defines policy rules, each traced to the sentence of the requirement it enforces.
macro_rules! policy_rules {
    ($list:ident; $( $ident:ident = $code:literal $name:literal $family:ident $sev:ident $summary:literal
        requirement: $req:literal $doc:literal; )*) => {
        $( pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code, name: $name, family: $crate::rules::Family::$family,
            default_severity: $crate::diagnostic::Severity::$sev, summary: $summary, doc: $doc,
            requirement: $req,
        }; )*
        /// The rules of this file.
        pub static $list: &[&$crate::rules::Rule] = &[$( &$ident ),*];
    };
}

pub mod contacts;
pub mod contracts;
mod git_codes;
pub mod policy;
pub mod settings;
mod signoff_codes;
mod structure;
pub use git_codes::*;
pub use signoff_codes::*;
pub use structure::*;

/// Every rule, in code order.
pub static RULES: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [
        structure::STRUCTURE,
        policy::POLICY,
        contracts::CONTRACTS,
        contacts::CONTACTS,
        signoff_codes::SIGNOFF,
        git_codes::GIT,
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
