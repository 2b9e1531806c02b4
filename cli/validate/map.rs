//! KDL to JSON, driven by the schema's shape, keeping a span for every JSON location.
//!
//! The mapping (documented in `schema/README.md`):
//! - a top-level node becomes one JSON object; the configuration file is one object whose
//!   members are its top-level nodes;
//! - a node's positional arguments fill the properties named by `x-kdl-args`, in order;
//! - `key=value` properties and child nodes both become members named by the key or node name;
//! - a member whose schema is a scalar is a child node with exactly one argument;
//! - a member whose schema is an array of scalars collects the arguments of every node with that
//!   name; an array of objects gets one element per node: repeated nodes are always arrays, even
//!   when they appear once;
//! - strings, integers, decimals, `#true`/`#false` and `#null` become their JSON counterparts.
//!
//! Names the schema does not know, duplicates and wrong argument counts are reported here, with the
//! exact span; everything else (types, enums, patterns, required members) by the JSON Schema.

use crate::syntax::{Entry, Node, Value as KdlValue};
use serde_json::{Map, Number, Value};

use super::codes;
use super::shape::{Leaf, LeafType, ObjShape, Shape};
use crate::diagnostic::{did_you_mean, Diagnostic, FileId, Span};

/// The span of one JSON location and of the members below it.
#[derive(Debug, Clone, Default)]
pub struct SpanNode {
    /// The value: an entry's value, or a whole node.
    pub span: Span,
    /// What names it: the node head (`plan payroll`), a property key, or the value itself.
    pub key: Span,
    pub kids: Kids,
}

#[derive(Debug, Clone, Default)]
pub enum Kids {
    #[default]
    Leaf,
    Object(Vec<(String, SpanNode)>),
    Array(Vec<SpanNode>),
}

impl SpanNode {
    fn leaf(span: Span, key: Span) -> SpanNode {
        SpanNode { span, key, kids: Kids::Leaf }
    }

    /// One step down: a member name or an array index.
    pub fn get(&self, segment: &str) -> Option<&SpanNode> {
        match &self.kids {
            Kids::Object(m) => m.iter().find(|(k, _)| k == segment).map(|(_, v)| v),
            Kids::Array(a) => segment.parse::<usize>().ok().and_then(|i| a.get(i)),
            Kids::Leaf => None,
        }
    }

    /// The deepest node along a JSON pointer's segments, and how many segments were found.
    pub fn lookup<I: IntoIterator<Item = S>, S: AsRef<str>>(&self, segments: I) -> (&SpanNode, usize) {
        let mut node = self;
        let mut depth = 0;
        for seg in segments {
            match node.get(seg.as_ref()) {
                Some(n) => {
                    node = n;
                    depth += 1;
                }
                None => break,
            }
        }
        (node, depth)
    }

    /// Every JSON pointer below this node with its value span, in document order.
    pub fn pointers(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        fn walk(n: &SpanNode, path: &mut String, out: &mut Vec<(String, Span)>) {
            out.push((if path.is_empty() { String::new() } else { path.clone() }, n.span));
            let len = path.len();
            match &n.kids {
                Kids::Leaf => {}
                Kids::Object(m) => {
                    for (k, v) in m {
                        path.push('/');
                        path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                        walk(v, path, out);
                        path.truncate(len);
                    }
                }
                Kids::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        path.push('/');
                        path.push_str(&i.to_string());
                        walk(v, path, out);
                        path.truncate(len);
                    }
                }
            }
        }
        walk(self, &mut String::new(), &mut out);
        out
    }
}

pub struct Mapper<'a> {
    pub file: FileId,
    pub src: &'a str,
    pub diags: &'a mut Vec<Diagnostic>,
}

/// The span of an entry's key (`key` of `key=value`), or of its value for arguments.
fn key_span(entry: &Entry) -> Span {
    entry.name.as_ref().map_or(entry.span, |n| n.span)
}

fn describe(node: &Node) -> String {
    match node.entries.first() {
        Some(e) if e.name.is_none() => match &e.value {
            KdlValue::String(s) => format!("`{} {}`", node.name.value, s),
            v => format!("`{} {}`", node.name.value, v),
        },
        _ => format!("`{}`", node.name.value),
    }
}

impl Mapper<'_> {
    fn err(&mut self, rule: &'static crate::diagnostic::Rule, span: Span, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(rule, message).at(self.file, span));
        self.diags.last_mut().expect("just pushed")
    }

    fn check_annotations(&mut self, node: &Node) {
        let types = node.ty.iter().chain(node.entries.iter().filter_map(|e| e.ty.as_ref()));
        for ty in types {
            self.err(
                &codes::SCH_ANNOTATION,
                ty.span,
                format!("type annotation `({})` is not used by this format", ty.value),
            )
            .help = Some("remove the annotation: every value's type follows from where it stands".into());
        }
    }

    /// Converts a KDL value to JSON, reporting numbers JSON cannot hold.
    fn scalar(&mut self, value: &KdlValue, span: Span) -> Value {
        match value {
            KdlValue::String(s) => Value::String(s.clone()),
            KdlValue::Integer(i) => match i64::try_from(*i) {
                Ok(i) => Value::Number(i.into()),
                Err(_) => {
                    self.err(&codes::SCH_TYPE, span, format!("the number {i} is too large"));
                    Value::Null
                }
            },
            KdlValue::Float(f) => match Number::from_f64(*f) {
                Some(n) => Value::Number(n),
                None => {
                    self.err(&codes::SCH_TYPE, span, format!("{value} is not a finite number"));
                    Value::Null
                }
            },
            KdlValue::Bool(b) => Value::Bool(*b),
            KdlValue::Null => Value::Null,
        }
    }

    /// Maps one node as an object of the given shape.
    pub fn object_node(&mut self, node: &Node, shape: &ObjShape) -> (Value, SpanNode) {
        self.check_annotations(node);
        let context = describe(node);
        let mut obj = Map::new();
        let mut spans: Vec<(String, SpanNode)> = Vec::new();
        let mut arg_index = 0;
        for entry in &node.entries {
            let vspan = entry.span;
            let (name, kspan) = match &entry.name {
                Some(n) => (n.value.clone(), n.span),
                None => {
                    let Some(name) = shape.args.get(arg_index) else {
                        let expected = match shape.args.len() {
                            0 => "no arguments".to_string(),
                            1 => "one argument".to_string(),
                            n => format!("{n} arguments"),
                        };
                        self.err(
                            &codes::SCH_ARGUMENTS,
                            vspan,
                            format!("unexpected argument {} to {context}", entry.value),
                        )
                        .help = Some(format!(
                            "{} takes {expected}; give other values as `name=value`",
                            describe_name(node)
                        ));
                        continue;
                    };
                    arg_index += 1;
                    (name.clone(), vspan)
                }
            };
            let Some(prop_shape) = shape.prop(&name) else {
                self.unknown(&name, kspan, &context, shape, true);
                continue;
            };
            if let Some((_, first)) = spans.iter().find(|(k, _)| *k == name) {
                let first = first.key;
                let file = self.file;
                self.err(&codes::SCH_DUPLICATE, kspan, format!("`{name}` is given twice in {context}")).labels.push(
                    crate::diagnostic::Label {
                        location: crate::diagnostic::Location { file, span: first },
                        message: "first given here".into(),
                    },
                );
                continue;
            }
            let value = self.scalar(&entry.value, vspan);
            let value = match prop_shape {
                Shape::ScalarList(_) => Value::Array(vec![value]),
                Shape::Object(_) | Shape::ObjectList(_) => {
                    self.err(&codes::SCH_TYPE, vspan, format!("`{name}` cannot be given as a value")).help =
                        Some(format!("write `{name}` as a child node: {}", prop_shape.description()));
                    continue;
                }
                Shape::Scalar(_) => value,
            };
            let kids = match value {
                Value::Array(_) => Kids::Array(vec![SpanNode::leaf(vspan, vspan)]),
                _ => Kids::Leaf,
            };
            obj.insert(name.clone(), value);
            spans.push((name, SpanNode { span: vspan, key: kspan, kids }));
        }
        if let Some(children) = &node.children {
            self.children(children, shape, &context, &mut obj, &mut spans);
        }
        (Value::Object(obj), SpanNode { span: node.span, key: node.head(), kids: Kids::Object(spans) })
    }

    /// Maps a list of nodes as the members of one object (a node's children, or a whole document).
    pub fn children(
        &mut self,
        nodes: &[Node],
        shape: &ObjShape,
        context: &str,
        obj: &mut Map<String, Value>,
        spans: &mut Vec<(String, SpanNode)>,
    ) {
        for child in nodes {
            let name = child.name.value.as_str();
            let nspan = child.name.span;
            let Some(prop_shape) = shape.prop(name) else {
                self.unknown(name, nspan, context, shape, false);
                continue;
            };
            let existing = spans.iter().position(|(k, _)| k == name);
            match prop_shape {
                Shape::Scalar(leaf) => {
                    if let Some(i) = existing {
                        self.duplicate(name, nspan, context, spans[i].1.key);
                        continue;
                    }
                    self.scalar_member(child, leaf, obj, spans);
                }
                Shape::ScalarList(_) => self.scalar_list_member(child, existing, obj, spans),
                Shape::Object(o) => {
                    if let Some(i) = existing {
                        self.duplicate(name, nspan, context, spans[i].1.key);
                        continue;
                    }
                    let (v, s) = self.object_node(child, o);
                    obj.insert(name.to_string(), v);
                    spans.push((name.to_string(), s));
                }
                Shape::ObjectList(o) => {
                    let (v, s) = self.object_node(child, o);
                    push_object_item(name, v, s, existing, obj, spans);
                }
            }
        }
    }

    /// Reports a member given a second time in `context`, pointing at where it was `first` given.
    fn duplicate(&mut self, name: &str, span: Span, context: &str, first: Span) {
        let file = self.file;
        self.err(&codes::SCH_DUPLICATE, span, format!("`{name}` is given twice in {context}")).labels.push(
            crate::diagnostic::Label {
                location: crate::diagnostic::Location { file, span: first },
                message: "first given here".into(),
            },
        );
    }

    /// Maps a child node with exactly one value as a scalar member; reports missing or extra
    /// values, properties and a block.
    fn scalar_member(
        &mut self,
        child: &Node,
        leaf: &Leaf,
        obj: &mut Map<String, Value>,
        spans: &mut Vec<(String, SpanNode)>,
    ) {
        let name = child.name.value.as_str();
        let nspan = child.name.span;
        self.check_annotations(child);
        let mut args = child.entries.iter().filter(|e| e.name.is_none());
        let (Some(arg), None) = (args.next(), args.next()) else {
            let n = child.entries.iter().filter(|e| e.name.is_none()).count();
            let msg =
                if n == 0 { format!("`{name}` needs a value") } else { format!("`{name}` takes one value, found {n}") };
            let example = match (leaf.ty, leaf.def.as_deref()) {
                (LeafType::Boolean, _) => "#true or #false".to_string(),
                (_, Some("date")) => "\"2026-03-31\"".to_string(),
                (_, Some("duration")) => "\"4h\"".to_string(),
                (LeafType::Integer | LeafType::Number, _) => "a number".to_string(),
                _ => "\"...\"".to_string(),
            };
            self.err(&codes::SCH_ARGUMENTS, child.head(), msg).help =
                Some(format!("write `{name} {example}`: {}", leaf.description));
            return;
        };
        if let Some(extra) = child.entries.iter().find(|e| e.name.is_some()) {
            let span = key_span(extra);
            self.err(&codes::SCH_ARGUMENTS, span, format!("`{name}` takes a single value, not properties"));
        }
        if child.children.is_some() {
            self.err(&codes::SCH_ARGUMENTS, nspan, format!("`{name}` takes a single value, not a block"));
        }
        let vspan = arg.span;
        let value = self.scalar(&arg.value, vspan);
        obj.insert(name.to_string(), value);
        spans.push((name.to_string(), SpanNode::leaf(vspan, nspan)));
    }

    /// Maps a child node's values as items of a list member, appended to the `existing` one;
    /// reports properties, a block and a node without values.
    fn scalar_list_member(
        &mut self,
        child: &Node,
        existing: Option<usize>,
        obj: &mut Map<String, Value>,
        spans: &mut Vec<(String, SpanNode)>,
    ) {
        let name = child.name.value.as_str();
        let nspan = child.name.span;
        self.check_annotations(child);
        let mut items = Vec::new();
        let mut item_spans = Vec::new();
        for e in &child.entries {
            if e.name.is_some() {
                let span = key_span(e);
                self.err(&codes::SCH_ARGUMENTS, span, format!("`{name}` takes a list of values, not properties"));
                continue;
            }
            let vspan = e.span;
            items.push(self.scalar(&e.value, vspan));
            item_spans.push(SpanNode::leaf(vspan, vspan));
        }
        if child.children.is_some() {
            self.err(&codes::SCH_ARGUMENTS, nspan, format!("`{name}` takes a list of values, not a block"));
        }
        if items.is_empty() {
            self.err(&codes::SCH_ARGUMENTS, nspan, format!("`{name}` needs at least one value"));
            return;
        }
        match existing {
            Some(i) => {
                if let Some(Value::Array(a)) = obj.get_mut(name) {
                    a.extend(items);
                }
                if let Kids::Array(a) = &mut spans[i].1.kids {
                    a.extend(item_spans);
                }
            }
            None => {
                obj.insert(name.to_string(), Value::Array(items));
                let whole = child.span;
                spans.push((name.to_string(), SpanNode { span: whole, key: nspan, kids: Kids::Array(item_spans) }));
            }
        }
    }

    fn unknown(&mut self, name: &str, span: Span, context: &str, shape: &ObjShape, is_property: bool) {
        let what = if is_property { "property" } else { "node" };
        let allowed: Vec<&str> = shape.names().filter(|n| !shape.args.iter().any(|a| a == n)).collect();
        let suggestion = did_you_mean(name, allowed.iter().copied());
        let mut help = match suggestion {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        if allowed.is_empty() {
            help.push_str("nothing else is allowed here");
        } else {
            help.push_str(&format!("allowed here: {}", allowed.join(", ")));
        }
        let d = self.err(&codes::SCH_UNKNOWN, span, format!("unknown {what} `{name}` in {context}"));
        d.help = Some(help);
        d.label = Some(format!("not part of {context}"));
        if let Some(s) = suggestion {
            // a guess: the name the author meant is likely, not certain
            d.fix = Some(crate::diagnostic::Fix::replace(
                crate::diagnostic::Applicability::Unsafe,
                format!("rename `{name}` to `{s}`"),
                span,
                crate::diagnostic::kdl_word(s),
            ));
        }
    }
}

/// Appends an object to the list member `name`, the `existing` one or a new one.
fn push_object_item(
    name: &str,
    v: Value,
    s: SpanNode,
    existing: Option<usize>,
    obj: &mut Map<String, Value>,
    spans: &mut Vec<(String, SpanNode)>,
) {
    match existing {
        Some(i) => {
            if let Some(Value::Array(a)) = obj.get_mut(name) {
                a.push(v);
            }
            if let Kids::Array(a) = &mut spans[i].1.kids {
                a.push(s);
            }
        }
        None => {
            obj.insert(name.to_string(), Value::Array(vec![v]));
            spans.push((name.to_string(), SpanNode { span: s.span, key: s.key, kids: Kids::Array(vec![s]) }));
        }
    }
}

fn describe_name(node: &Node) -> String {
    format!("`{}`", node.name.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Kind;
    use crate::validate::compiled;

    fn map(src: &str) -> (Value, SpanNode, Vec<Diagnostic>) {
        let doc = crate::syntax::parse(FileId(0), src, &mut Vec::new()).unwrap();
        let Shape::Object(shape) = &compiled(Kind::Plan).shape else { unreachable!() };
        let mut diags = Vec::new();
        let (v, s) = Mapper { file: FileId(0), src, diags: &mut diags }.object_node(&doc[0], shape);
        (v, s, diags)
    }

    #[test]
    fn repeated_nodes_are_arrays_even_once_and_pointers_map_to_spans() {
        let src = "plan p {\n  title \"T\"\n  covers a b\n  covers c\n  escalation {\n    level 1 notify=x within=\"15m\"\n  }\n}";
        let (v, spans, diags) = map(src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            v,
            serde_json::json!({"id": "p", "title": "T", "covers": ["a", "b", "c"],
                "escalation": {"level": [{"level": 1, "notify": "x", "within": "15m"}]}})
        );
        let text = |ptr: &str| {
            let (_, span) = spans.pointers().into_iter().find(|(p, _)| p == ptr).unwrap();
            &src[span.range()]
        };
        assert_eq!(text("/id"), "p");
        assert_eq!(text("/title"), "\"T\"");
        assert_eq!(text("/covers/2"), "c");
        assert_eq!(text("/escalation/level/0/within"), "\"15m\"");
        assert_eq!(text("/escalation/level/0"), "level 1 notify=x within=\"15m\"");
    }

    #[test]
    fn duplicates_and_extra_arguments_are_reported_at_their_span() {
        let src = "plan p extra {\n  title \"T\"\n  title \"U\"\n  forbidden x=1\n}";
        let (_, _, diags) = map(src);
        let got: Vec<(&str, &str)> =
            diags.iter().map(|d| (d.rule.code, &src[d.location.unwrap().span.range()])).collect();
        assert_eq!(got, vec![("SCH008", "extra"), ("SCH007", "title"), ("SCH008", "x"), ("SCH008", "forbidden")]);
    }
}
