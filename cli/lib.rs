//! contingent: policy-as-code for the emergency-preparedness plans of IT outsourcing.
//!
//! The pipeline: [`source`] lists and reads files, [`syntax`] parses KDL, [`validate`] maps KDL
//! to JSON and validates it against the schemas of [`format`], [`model`] builds typed objects,
//! [`rules`] checks cross-references, and [`render`] prints [`diagnostic::Diagnostic`]s.
//! See ARCHITECTURE.md.

// A function that does not fit on a screen is split into named steps (clippy.toml sets the limit).
#![warn(clippy::too_many_lines)]

// The diagnostic type and the `Rule` type with the macros that define codes come first: every
// layer defines its own codes with them, and the rule catalogue (`rules`) gathers them all.
#[macro_use]
pub mod diagnostic;

pub mod check;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod context;
pub mod diff;
pub mod due;
pub mod escape;
pub mod fix;
pub mod fmt;
pub mod format;
pub mod github;
pub mod handbook;
pub mod history;
pub mod load;
pub mod lsp;
pub mod memo;
pub mod model;
pub mod remind;
pub mod render;
pub mod replace;
pub mod review;
pub mod rules;
pub mod signoff;
pub mod source;
pub mod syntax;
pub mod tempdir;
pub mod units;
pub mod validate;

/// Exit codes: 0 no errors, 1 errors found, 2 the tool could not run.
pub mod exit {
    pub const CLEAN: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const FAILURE: u8 = 2;
}
