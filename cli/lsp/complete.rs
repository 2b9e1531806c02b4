//! Completion: where the cursor is in the KDL (which node, which argument or property), read
//! from the text alone so that it works while the file does not parse; what may be written there
//! from the schema's shape; and which kind of id a reference takes.

use crate::format::Kind;
use crate::rules::xref;
use crate::validate::shape::{ObjShape, Shape};

use super::symbols::Ns;

/// What the cursor is writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// the name of a node (a new line, or the first word of one)
    NodeName,
    /// a positional argument of the node `node`, the `index`th
    Arg { node: String, index: usize },
    /// the value of `prop=` on the node `node`
    PropValue { node: String, prop: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// the names of the enclosing nodes, outermost first
    pub path: Vec<String>,
    pub slot: Slot,
    /// where the word being written starts (bytes); it ends at the cursor
    pub word_start: usize,
    /// the positional values already written in the statement, as far as their text is plain
    /// (bare words, and strings without escapes): a list is not offered an item twice
    pub written: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// a closed string whose content is plain (no escape)
    Text(String),
    Value,
    Eq,
}

/// Reads the text up to `offset`: the enclosing nodes and the current statement.
pub fn place(text: &str, offset: usize) -> Place {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let b = &text.as_bytes()[..offset];
    let mut stack: Vec<String> = Vec::new();
    let mut stmt: Vec<Tok> = Vec::new();
    let mut word_start = offset;
    let mut i = 0;
    let mut continued = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' | b'\r' | b';' => {
                if !continued || c == b';' {
                    stmt.clear();
                }
                continued = false;
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            b'\\' => {
                continued = true;
                i += 1;
            }
            b'{' => {
                let name = match stmt.first() {
                    Some(Tok::Word(w)) => w.clone(),
                    _ => String::new(),
                };
                stack.push(name);
                stmt.clear();
                i += 1;
            }
            b'}' => {
                stack.pop();
                stmt.clear();
                i += 1;
            }
            b'=' => {
                stmt.push(Tok::Eq);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' | b'#' if opens_string(&b[i..]) => {
                let hashes = b[i..].iter().take_while(|&&x| x == b'#').count();
                let start = i;
                i += hashes + 1;
                let mut closed = false;
                while i < b.len() {
                    if hashes == 0 && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&x| x == b'#').count() == hashes {
                        i += 1 + hashes;
                        closed = true;
                        break;
                    }
                    i += 1;
                }
                if !closed {
                    // inside a string being written: its content is the word
                    word_start = (start + hashes + 1).min(offset);
                    return finish(stack, stmt, word_start);
                }
                let content = &text[start + hashes + 1..i - 1 - hashes];
                stmt.push(if content.contains('\n') || (hashes == 0 && content.contains('\\')) {
                    Tok::Value
                } else {
                    Tok::Text(content.to_string())
                });
            }
            b'(' => {
                while i < b.len() && b[i] != b')' {
                    i += 1;
                }
                i += 1;
            }
            _ => {
                let start = i;
                while i < b.len() && !is_break(b[i]) {
                    i += 1;
                }
                if i == b.len() {
                    word_start = start;
                    break;
                }
                // a keyword (#true) or a lone # is a value; any other bare word is a name
                stmt.push(if c == b'#' { Tok::Value } else { Tok::Word(text[start..i].to_string()) });
            }
        }
    }
    finish(stack, stmt, word_start)
}

/// Whether a quoted or raw string starts the text (not a keyword such as `#true`, nor a lone `#`).
fn opens_string(b: &[u8]) -> bool {
    let hashes = b.iter().take_while(|&&x| x == b'#').count();
    b.get(hashes) == Some(&b'"')
}

fn is_break(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b'=' | b'"' | b'(' | b')' | b'\\')
}

fn finish(path: Vec<String>, stmt: Vec<Tok>, word_start: usize) -> Place {
    let mut written = Vec::new();
    let slot = match stmt.split_first() {
        None => Slot::NodeName,
        Some((first, rest)) => {
            let node = match first {
                Tok::Word(w) => w.clone(),
                _ => String::new(),
            };
            let prop = match rest {
                [.., Tok::Word(prop), Tok::Eq] => Some(prop.clone()),
                _ => None,
            };
            // positional values: every value not part of `key=value` (nor the property being written)
            let positional = &rest[..rest.len() - if prop.is_some() { 2 } else { 0 }];
            let mut index = 0;
            let mut k = 0;
            while k < positional.len() {
                if positional.get(k + 1) == Some(&Tok::Eq) {
                    k += 3;
                } else {
                    if let Tok::Word(w) | Tok::Text(w) = &positional[k] {
                        written.push(w.clone());
                    }
                    index += 1;
                    k += 1;
                }
            }
            match prop {
                Some(prop) => Slot::PropValue { node, prop },
                None => Slot::Arg { node, index },
            }
        }
    };
    Place { path, slot, word_start, written }
}

/// The shape of the object the path names: the kind's shape for a top-level node, and one step
/// down per enclosing node. For `contingent.kdl` the document itself is the object.
pub fn object_at<'a>(config_file: bool, root: &'a Shape, path: &[String]) -> Option<&'a ObjShape> {
    let mut shape = root;
    let skip = usize::from(!config_file);
    for name in path.iter().skip(skip) {
        shape = shape_child(shape, name)?;
    }
    match shape {
        Shape::Object(o) | Shape::ObjectList(o) => Some(o),
        _ => None,
    }
}

fn shape_child<'a>(shape: &'a Shape, name: &str) -> Option<&'a Shape> {
    match shape {
        Shape::Object(o) | Shape::ObjectList(o) => o.prop(name),
        _ => None,
    }
}

/// The root shape for a file: the configuration's, or the kind of the top-level node.
pub fn root_shape(config_file: bool, path: &[String]) -> Option<(Kind, &'static Shape)> {
    let kind = if config_file { Kind::Config } else { Kind::from_node_name(path.first()?)? };
    Some((kind, &crate::validate::compiled(kind).shape))
}

/// Which party's contacts a reference takes, when the place says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Provider,
    Carrier,
}

/// The kind of id a field takes: `(kind of the object, enclosing names below it, field)`;
/// `args`, the node's positional values already written, name the contract a revision is of.
pub fn reference(kind: Kind, path: &[String], field: &str, args: &[String]) -> Option<(Ns, Option<Side>)> {
    let inner: Vec<&str> = path.iter().skip(usize::from(kind != Kind::Config)).map(String::as_str).collect();
    let contact = Some((Ns::Id(xref::Ns::Contact), None));
    match (kind, inner.as_slice(), field) {
        (Kind::Plan, [], "covers") => Some((Ns::Id(xref::Ns::Inventory), None)),
        (Kind::Plan, [], "contract") | (Kind::Plan, ["contract"], "id") => Some((Ns::Id(xref::Ns::Contract), None)),
        (Kind::Plan, ["contract"], "revision") => Some((Ns::Revision(args.first()?.clone()), None)),
        (Kind::Plan, ["responsible"] | [], "client") => Some((Ns::Id(xref::Ns::Contact), Some(Side::Client))),
        (Kind::Plan, ["responsible"] | [], "provider") => Some((Ns::Id(xref::Ns::Contact), Some(Side::Provider))),
        (Kind::Plan, [] | ["objective"], "objective" | "target") => Some((Ns::Id(xref::Ns::Inventory), None)),
        (Kind::Plan, ["escalation"] | ["escalation", "level"], "notify") => contact,
        (Kind::Plan, ["backup"], "deputy") | (Kind::Plan, ["backup"] | ["backup", "on-failure"], "escalate-to") => {
            contact
        }
        (Kind::Plan, ["scenario"], "contacts") => contact,
        (Kind::Contact, [], "party") => Some((Ns::Id(xref::Ns::Party), None)),
        (Kind::Contact, [], "deputy") => contact,
        (Kind::System | Kind::Interface, [], "operator" | "carrier") => Some((Ns::Id(xref::Ns::Party), None)),
        (Kind::System, [], "owner") => contact,
        (Kind::System | Kind::Interface, [], "depends-on") => Some((Ns::Id(xref::Ns::Inventory), None)),
        (Kind::System | Kind::Interface, ["acknowledged"] | [], "by") => {
            Some((Ns::Id(xref::Ns::Contact), Some(Side::Provider)))
        }
        (Kind::Interface, ["contacts"], "client") => Some((Ns::Id(xref::Ns::Contact), Some(Side::Client))),
        (Kind::Interface, ["contacts"], "provider") => Some((Ns::Id(xref::Ns::Contact), Some(Side::Provider))),
        (Kind::Interface, ["contacts"], "carrier") => Some((Ns::Id(xref::Ns::Contact), Some(Side::Carrier))),
        (Kind::Contract, [], "client" | "provider") => Some((Ns::Id(xref::Ns::Party), None)),
        (Kind::Contract, ["revision"] | ["revision", "sla"], "sla" | "target") => {
            Some((Ns::Id(xref::Ns::Inventory), None))
        }
        (Kind::Exercise, [], "plan") | (Kind::Signoff, [], "plan") => Some((Ns::Id(xref::Ns::Plan), None)),
        (Kind::Exercise, [], "participants") | (Kind::Exercise, ["finding"], "owner") => contact,
        (Kind::Signoff | Kind::Roster, [], "signer") => contact,
        _ => None,
    }
}

/// The field a slot fills: the property, the argument's name by `x-kdl-args`, or the node
/// itself when it is a scalar (`deputy anna.schmidt`).
pub fn field<'a>(parent: &'a ObjShape, slot: &'a Slot) -> Option<(String, Vec<String>, Option<&'a Shape>)> {
    match slot {
        Slot::NodeName => None,
        Slot::PropValue { node, prop } => match parent.prop(node) {
            Some(Shape::Object(o)) | Some(Shape::ObjectList(o)) => {
                Some((prop.clone(), vec![node.clone()], o.prop(prop)))
            }
            _ => None,
        },
        Slot::Arg { node, index } => match parent.prop(node) {
            Some(s @ (Shape::Scalar(_) | Shape::ScalarList(_))) => Some((node.clone(), Vec::new(), Some(s))),
            Some(Shape::Object(o)) | Some(Shape::ObjectList(o)) => {
                let arg = o
                    .args
                    .get(*index)
                    .or_else(|| o.args.last().filter(|a| matches!(o.prop(a), Some(Shape::ScalarList(_)))))?;
                Some((arg.clone(), vec![node.clone()], o.prop(arg)))
            }
            None => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_of_the_cursor_is_read_from_the_text() {
        let t = "plan p {\n    responsible client=an";
        let p = place(t, t.len());
        assert_eq!(p.path, vec!["plan".to_string()]);
        assert_eq!(p.slot, Slot::PropValue { node: "responsible".into(), prop: "client".into() });
        assert_eq!(&t[p.word_start..], "an");

        let t = "plan p {\n    escalation {\n        le";
        let p = place(t, t.len());
        assert_eq!(p.path, vec!["plan".to_string(), "escalation".to_string()]);
        assert_eq!(p.slot, Slot::NodeName);

        let t = "plan p {\n    title \"a } b\" // }\n    covers x ";
        let p = place(t, t.len());
        assert_eq!(p.path, vec!["plan".to_string()]);
        assert_eq!(p.slot, Slot::Arg { node: "covers".into(), index: 1 });
        assert_eq!(p.written, vec!["x".to_string()]);

        let t = "plan p {\n    covers a \"b\" #\"c\"# \"d\\n\" e=f g";
        let p = place(t, t.len());
        assert_eq!(p.slot, Slot::Arg { node: "covers".into(), index: 4 });
        assert_eq!(p.written, vec!["a".to_string(), "b".to_string(), "c".to_string()]);
        assert_eq!(&t[p.word_start..], "g");

        let t = "plan p {\n    contract msa revision=";
        let p = place(t, t.len());
        assert_eq!(p.slot, Slot::PropValue { node: "contract".into(), prop: "revision".into() });
        assert_eq!(p.written, vec!["msa".to_string()]);

        let t = "contact c { party hpb; deputy \"an";
        let p = place(t, t.len());
        assert_eq!(p.slot, Slot::Arg { node: "deputy".into(), index: 0 });
        assert_eq!(&t[p.word_start..], "an");
    }

    #[test]
    fn references_are_known_by_their_place() {
        let plan = |path: &[&str]| path.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            reference(Kind::Plan, &plan(&["plan", "responsible"]), "provider", &[]),
            Some((Ns::Id(xref::Ns::Contact), Some(Side::Provider)))
        );
        assert_eq!(reference(Kind::Plan, &plan(&["plan"]), "covers", &[]), Some((Ns::Id(xref::Ns::Inventory), None)));
        assert_eq!(reference(Kind::Plan, &plan(&["plan"]), "title", &[]), None);
    }
}
