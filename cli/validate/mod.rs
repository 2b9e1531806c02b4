//! KDL to JSON, and JSON Schema validation with errors translated back to KDL spans in domain words.

pub mod codes;
pub mod map;
pub mod shape;

use std::sync::{Arc, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value;

use crate::diagnostic::{did_you_mean, Diagnostic, FileId, Span};
use crate::format::Kind;
use map::Kids;
pub use map::{Mapper, SpanNode};
use shape::{Leaf, LeafType, Shape};

pub struct CompiledKind {
    pub kind: Kind,
    pub schema: Value,
    pub shape: Shape,
    pub validator: jsonschema::Validator,
}

/// Every kind's schema, shape and compiled validator, built once per process.
pub fn compiled(kind: Kind) -> &'static CompiledKind {
    static ALL: OnceLock<Vec<CompiledKind>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|&kind| {
                let schema = kind.schema();
                let shape = Shape::of_schema(&schema);
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("schema of {} does not compile: {e}", kind.name()));
                CompiledKind { kind, schema, shape, validator }
            })
            .collect()
    });
    &all[Kind::ALL.iter().position(|k| *k == kind).expect("every kind is compiled")]
}

pub(crate) fn segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

fn shape_at<'a>(mut shape: &'a Shape, segs: &[String]) -> Option<&'a Shape> {
    let mut in_list = false;
    for seg in segs {
        if in_list {
            in_list = false;
            continue; // an index into the list: the element shape is the list's item shape
        }
        shape = match shape {
            Shape::Object(o) => o.prop(seg)?,
            Shape::ObjectList(o) => o.prop(seg)?,
            _ => return None,
        };
        if matches!(shape, Shape::ObjectList(_) | Shape::ScalarList(_)) {
            in_list = true;
        }
    }
    Some(shape)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "#null",
        Value::Bool(_) => "#true/#false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a block",
    }
}

/// The value found, in words: "#null", "the number 5", "text \"x\"".
fn found(v: &Value) -> String {
    match v {
        Value::Null | Value::Bool(_) => show(v),
        Value::Number(_) => format!("the number {v}"),
        Value::String(_) => format!("text {}", show(v)),
        other => json_type(other).to_string(),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Bool(true) => "#true".into(),
        Value::Bool(false) => "#false".into(),
        Value::Null => "#null".into(),
        other => other.to_string(),
    }
}

/// The edit that adds a missing member `prop` to the object written at `span` as a child node
/// with a placeholder (`prop "TODO"`, or `prop {}` for an object): inside its block, before the
/// closing brace, or in a new block. `None` for a positional argument, which has no name to
/// write, and for an object that takes arguments.
fn placeholder(
    src: &str,
    span: crate::diagnostic::Span,
    whole_file: bool,
    owner: &crate::validate::shape::ObjShape,
    prop: &str,
) -> Option<crate::diagnostic::Edit> {
    use crate::diagnostic::{kdl_word, Edit, Span};
    if owner.args.iter().any(|a| a == prop) {
        return None;
    }
    let value = match owner.prop(prop)? {
        Shape::Scalar(_) | Shape::ScalarList(_) => "\"TODO\"".to_string(),
        Shape::Object(o) | Shape::ObjectList(o) if o.args.is_empty() => "{\n}".to_string(),
        _ => return None,
    };
    let name = kdl_word(prop);
    if whole_file {
        let sep = if src.is_empty() || src.ends_with('\n') { "" } else { "\n" };
        return Some(Edit { span: Span::new(src.len(), src.len()), text: format!("{sep}{name} {value}\n") });
    }
    let r = span.range();
    let text = src.get(r.clone())?;
    let line_start = src[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = src[line_start..r.start].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    if text.ends_with('}') {
        let brace = r.end - 1;
        let brace_line = src[..brace].rfind('\n').map_or(0, |i| i + 1);
        if src[brace_line..brace].trim().is_empty() {
            return Some(Edit {
                span: Span::new(brace_line, brace_line),
                text: format!("{indent}    {name} {value}\n"),
            });
        }
        return Some(Edit { span: Span::new(brace, brace), text: format!("\n{indent}    {name} {value}\n{indent}") });
    }
    Some(Edit { span: Span::new(r.end, r.end), text: format!(" {{\n{indent}    {name} {value}\n{indent}}}") })
}

/// Validates one mapped object against its kind's schema; errors become diagnostics at spans.
/// `what` names the object in messages ("plan `payroll`").
/// Returns the JSON pointers of the locations it found errors at.
pub fn validate(
    kind: Kind,
    json: &Value,
    spans: &SpanNode,
    file: FileId,
    what: &str,
    src: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let compiled = compiled(kind);
    let mut pointers = Vec::new();
    if compiled.validator.is_valid(json) {
        return pointers; // the common case, much cheaper than collecting errors
    }
    // A value may break several keywords (a date's pattern and format): report it once per rule.
    let mut seen: Vec<(String, &'static str)> = Vec::new();
    for error in compiled.validator.iter_errors(json) {
        let pointer = error.instance_path().as_str().to_string();
        let site = Site::of(&compiled.shape, spans, &pointer, file, what);
        pointers.push(pointer.clone());
        let Some(d) = diagnose(kind, &error, &site, src, diags) else {
            continue;
        };
        if seen.iter().any(|(p, c)| *p == pointer && *c == d.rule.code) {
            continue;
        }
        seen.push((pointer, d.rule.code));
        diags.push(d);
    }
    pointers
}

/// Where a schema error lies, what it is called there and what the schema expects there.
struct Site<'s> {
    file: FileId,
    /// The segments of the error's JSON pointer.
    segs: Vec<String>,
    /// The deepest node written on the way to the location.
    node: &'s SpanNode,
    /// Whether `node` is the location itself (else a value missing there is written nowhere).
    exact: bool,
    /// The location in messages: its nearest member name, else the object (`what`).
    name: String,
    /// What the location belongs to in messages: the object at the top, else `name`.
    owner: String,
    shape: Option<&'s Shape>,
    /// The scalar expected at the location, if one is.
    leaf: Option<Arc<Leaf>>,
    /// The value where it is written, else what names it.
    value_span: Span,
}

impl<'s> Site<'s> {
    fn of(root: &'s Shape, spans: &'s SpanNode, pointer: &str, file: FileId, what: &str) -> Self {
        let segs = segments(pointer);
        let (node, depth) = spans.lookup(&segs);
        let exact = depth == segs.len();
        let key = segs.iter().rev().find(|s| s.parse::<usize>().is_err()).cloned();
        let name = key.as_deref().map(|k| format!("`{k}`")).unwrap_or_else(|| what.to_string());
        let owner = if segs.is_empty() { what.to_string() } else { name.clone() };
        let shape = shape_at(root, &segs);
        let at_item = segs.last().is_some_and(|s| s.parse::<usize>().is_ok());
        let leaf = match shape {
            Some(Shape::Scalar(l)) => Some(l.clone()),
            Some(Shape::ScalarList(l)) if at_item => Some(l.clone()),
            _ => None,
        };
        let value_span = if exact { node.span } else { node.key };
        Site { file, segs, node, exact, name, owner, shape, leaf, value_span }
    }
}

/// The diagnostic for one schema error, in domain words at its site; `None` where an earlier
/// diagnostic already says it.
fn diagnose(
    kind: Kind,
    error: &ValidationError<'_>,
    site: &Site<'_>,
    src: &str,
    diags: &mut [Diagnostic],
) -> Option<Diagnostic> {
    let instance: &Value = error.instance();
    let (file, name, value_span) = (site.file, &site.name, site.value_span);
    let d = match error.kind() {
        ValidationErrorKind::Required { property } => {
            return missing(kind, site, property.as_str().unwrap_or_default(), src, diags);
        }
        ValidationErrorKind::Type { kind } => return wrong_type(site, kind, instance, diags),
        ValidationErrorKind::Enum { options } => not_allowed(site, options, instance),
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => wrong_form(site, instance),
        ValidationErrorKind::Minimum { limit } => {
            Diagnostic::new(&codes::SCH_VALUE, format!("{name} must be at least {limit}, found {}", show(instance)))
                .at(file, value_span)
                .help(format!("write a value of {limit} or more"))
        }
        ValidationErrorKind::MinLength { .. } => {
            Diagnostic::new(&codes::SCH_VALUE, format!("{name} must not be empty"))
                .at(file, value_span)
                .help("write the value, or leave the entry out if it is optional")
        }
        ValidationErrorKind::MinItems { .. } => {
            Diagnostic::new(&codes::SCH_VALUE, format!("{name} needs at least one entry"))
                .at(file, site.node.key)
                .help("add an entry, or leave the node out if it is optional")
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            Diagnostic::new(&codes::SCH_UNKNOWN, format!("unknown `{}` in {}", unexpected.join("`, `"), site.owner))
                .at(file, site.node.key)
        }
        other => Diagnostic::new(&codes::SCH_VALUE, format!("{name}: {other:?}")).at(file, value_span),
    };
    Some(d)
}

/// A required member `prop` is missing, with a placeholder to add where one can be written;
/// `None` if a misspelled name reported earlier stands for it.
fn missing(kind: Kind, site: &Site<'_>, prop: &str, src: &str, diags: &[Diagnostic]) -> Option<Diagnostic> {
    let (file, node) = (site.file, site.node);
    // A misspelled name was reported where it is written ("unknown `bye`, did you
    // mean `by`?"): the missing name it stands for is the same mistake.
    let suggested = format!("did you mean `{prop}`?");
    if diags.iter().rev().take_while(|d| d.location.as_ref().is_some_and(|l| l.file == file)).any(|d| {
        std::ptr::eq(d.rule, &codes::SCH_UNKNOWN)
            && d.help.as_deref().is_some_and(|h| h.starts_with(&suggested))
            && d.location.as_ref().is_some_and(|l| l.span.start >= node.span.start && l.span.end <= node.span.end)
    }) {
        return None;
    }
    let owner_shape = match site.shape {
        Some(Shape::Object(o)) | Some(Shape::ObjectList(o)) => Some(o),
        _ => None,
    };
    let desc = owner_shape.and_then(|o| o.prop(prop)).map(|s| {
        let allowed = match s {
            Shape::Scalar(l) | Shape::ScalarList(l) if !l.allowed.is_empty() => {
                format!(" (one of: {})", l.allowed.join(", "))
            }
            _ => String::new(),
        };
        format!("{}{allowed}", s.description())
    });
    let d = Diagnostic::new(&codes::SCH_MISSING, format!("{} is missing `{prop}`", site.owner))
        .at(file, node.key)
        .label(format!("`{prop}` is required here"))
        .maybe_help(desc.map(|d| format!("add `{prop}`: {d}")));
    let whole_file = kind == Kind::Config && site.segs.is_empty();
    Some(match owner_shape.and_then(|o| placeholder(src, node.span, whole_file, o, prop)) {
        Some(edit) => d.fix(crate::diagnostic::Fix {
            title: format!("add `{prop}` with a placeholder"),
            applicability: crate::diagnostic::Applicability::Unsafe,
            edits: vec![edit],
        }),
        None => d,
    })
}

/// A value of the wrong type; `None` where the mapper reported the value already (a number
/// JSON cannot hold) and that diagnostic is completed instead.
fn wrong_type(site: &Site<'_>, kind: &TypeKind, instance: &Value, diags: &mut [Diagnostic]) -> Option<Diagnostic> {
    let (file, name, value_span, leaf) = (site.file, &site.name, site.value_span, &site.leaf);
    let expected = match kind {
        TypeKind::Single(t) => type_words(&t.to_string()),
        TypeKind::Multiple(_) => "another type".into(),
    };
    let help = match leaf.as_ref().map(|l| l.ty) {
        Some(LeafType::Boolean) => Some("write #true or #false (without quotes)".to_string()),
        Some(LeafType::String) if instance.is_number() => Some(format!("put the value in quotes: \"{instance}\"")),
        _ => leaf.as_ref().map(|l| format!("expected {}", l.description)),
    };
    // A number JSON cannot hold (`1e400`, `#nan`, beyond 64 bits) was reported by the
    // mapper and stands here as #null: say what was expected there, once.
    if instance.is_null() {
        let at = crate::diagnostic::Location { file, span: value_span };
        if let Some(earlier) =
            diags.iter_mut().rev().find(|d| std::ptr::eq(d.rule, &codes::SCH_TYPE) && d.location.as_ref() == Some(&at))
        {
            earlier.message = format!("{name} must be {expected}, but {}", earlier.message);
            earlier.label = Some(format!("expected {expected}"));
            if earlier.help.is_none() {
                earlier.help = help;
            }
            return None;
        }
    }
    Some(
        Diagnostic::new(&codes::SCH_TYPE, format!("{name} must be {expected}, found {}", found(instance)))
            .at(file, value_span)
            .label(format!("expected {expected}"))
            .maybe_help(help),
    )
}

/// A value not among the allowed ones, with the nearest allowed one as a fix where it is written.
fn not_allowed(site: &Site<'_>, options: &Value, instance: &Value) -> Diagnostic {
    let (file, name, value_span) = (site.file, &site.name, site.value_span);
    let allowed: Vec<String> = options
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect())
        .unwrap_or_default();
    let suggestion = instance.as_str().and_then(|s| did_you_mean(s, allowed.iter().map(String::as_str)));
    let mut help = String::new();
    if let Some(s) = suggestion {
        help.push_str(&format!("did you mean `{s}`? "));
    }
    help.push_str(&format!("allowed: {}", allowed.join(", ")));
    let d = Diagnostic::new(&codes::SCH_VALUE, format!("{name} cannot be {}", show(instance)))
        .at(file, value_span)
        .label("not an allowed value")
        .help(help);
    match suggestion {
        Some(s) if site.exact => d.fix(crate::diagnostic::Fix::replace(
            crate::diagnostic::Applicability::Unsafe,
            format!("write `{s}`"),
            value_span,
            crate::diagnostic::kdl_word(s),
        )),
        _ => d,
    }
}

/// A value not of the form its pattern or format asks for: a date, a duration, an id or other.
fn wrong_form(site: &Site<'_>, instance: &Value) -> Diagnostic {
    let (file, name, value_span, leaf) = (site.file, &site.name, site.value_span, &site.leaf);
    let def = leaf.as_ref().and_then(|l| l.def.clone());
    let desc = leaf.as_ref().map(|l| l.description.clone()).unwrap_or_default();
    match def.as_deref() {
        Some("date") => {
            let reason = instance.as_str().map(|s| match crate::units::Date::parse(s) {
                Err(e) => e,
                Ok(_) => format!("`{s}` is not a date"),
            });
            Diagnostic::new(&codes::SCH_DATE, format!("{name}: {}", reason.unwrap_or_default()))
                .at(file, value_span)
                .label("not a date")
                .help("write a calendar date as YYYY-MM-DD in quotes, e.g. \"2026-03-31\"")
        }
        Some("duration") => {
            Diagnostic::new(&codes::SCH_DURATION, format!("{name}: {} is not a duration", show(instance)))
                .at(file, value_span)
                .label("not a duration")
                .help(crate::units::DURATION_HELP)
        }
        Some("id") => Diagnostic::new(&codes::SCH_VALUE, format!("{name}: {} is not a valid id", show(instance)))
            .at(file, value_span)
            .label("not an id")
            .help("an id starts with a letter, then letters, digits, '.', '_' or '-', at most 64 characters"),
        _ => Diagnostic::new(&codes::SCH_VALUE, format!("{name}: {} is not {desc}", show(instance)))
            .at(file, value_span)
            .label("wrong form")
            .help(format!("write {desc}")),
    }
}

/// Leaves out of a mapped object what its errors are in, so the rest can still be used: for
/// each error location, the deepest list item it lies in, else the top-level member. Returns
/// whether what is left is valid for the kind's schema (nothing is left out at the top level
/// itself: an object missing a required member cannot be used).
pub fn salvage(kind: Kind, json: &mut Value, spans: &mut SpanNode, pointers: &[String]) -> bool {
    const CUT: &str = "\u{0}left out";
    for pointer in pointers {
        let segs = segments(pointer);
        let cut = match segs.iter().rposition(|s| s.parse::<usize>().is_ok()) {
            Some(i) => &segs[..=i],
            None if !segs.is_empty() => &segs[..1],
            None => return false,
        };
        let mut at = &mut *json;
        for seg in cut {
            let next = match at {
                Value::Object(m) => m.get_mut(seg.as_str()),
                Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            };
            match next {
                Some(n) => at = n,
                None => return false,
            }
        }
        *at = Value::String(CUT.into());
    }
    fn sweep(v: &mut Value, s: &mut SpanNode) -> bool {
        let cut = |v: &Value| v.as_str() == Some(CUT);
        match (v, &mut s.kids) {
            (Value::Object(m), Kids::Object(k)) => {
                // a list whose every item is left out is left out itself (lists are never empty)
                for v in m.values_mut() {
                    if v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(cut)) {
                        *v = Value::String(CUT.into());
                    }
                }
                k.retain(|(name, _)| m.get(name).is_some_and(|v| !cut(v)));
                m.retain(|_, v| !cut(v));
                m.len() == k.len() && k.iter_mut().all(|(name, s)| m.get_mut(name).is_some_and(|v| sweep(v, s)))
            }
            (Value::Array(a), Kids::Array(k)) if a.len() == k.len() => {
                let keep: Vec<bool> = a.iter().map(|v| !cut(v)).collect();
                let mut i = 0;
                k.retain(|_| (keep[i], i += 1).0);
                a.retain(|v| !cut(v));
                a.iter_mut().zip(k.iter_mut()).all(|(v, s)| sweep(v, s))
            }
            (Value::Object(_) | Value::Array(_), _) => false,
            _ => true,
        }
    }
    sweep(json, spans) && compiled(kind).validator.is_valid(json)
}

fn type_words(t: &str) -> String {
    match t {
        "string" => "text".into(),
        "integer" => "a whole number".into(),
        "number" => "a number".into(),
        "boolean" => "#true or #false".into(),
        "object" => "a block".into(),
        "array" => "a list".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_compiles_and_has_a_shape() {
        for k in Kind::ALL {
            let c = compiled(k);
            assert!(matches!(c.shape, Shape::Object(_)), "{}", k.name());
        }
    }

    #[test]
    fn every_schema_is_valid_against_the_2020_12_metaschema() {
        for k in Kind::ALL {
            let schema = k.schema();
            if let Err(e) = jsonschema::meta::validate(&schema) {
                panic!("{}: {e}", k.name());
            }
        }
    }
}
