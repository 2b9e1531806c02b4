//! The shape of each kind, derived from its JSON Schema: which names exist at each place, which
//! repeat, which positional arguments a node takes. The KDL-to-JSON mapping is driven by it, so the
//! schema is the one source of truth for "this node repeats".

use std::sync::Arc;

use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Shape {
    Scalar(Arc<Leaf>),
    ScalarList(Arc<Leaf>),
    Object(Arc<ObjShape>),
    ObjectList(Arc<ObjShape>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafType {
    String,
    Integer,
    Number,
    Boolean,
}

#[derive(Debug)]
pub struct Leaf {
    pub ty: LeafType,
    /// The `$defs` entry the value refers to (`date`, `duration`, `id`, ...), if any.
    pub def: Option<String>,
    pub description: String,
    pub allowed: Vec<String>,
}

#[derive(Debug)]
pub struct ObjShape {
    pub description: String,
    pub args: Vec<String>,
    pub props: Vec<(String, Shape)>,
    pub required: Vec<String>,
}

impl ObjShape {
    pub fn prop(&self, name: &str) -> Option<&Shape> {
        self.props.iter().find(|(k, _)| k == name).map(|(_, s)| s)
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.props.iter().map(|(k, _)| k.as_str())
    }
}

impl Shape {
    /// Builds the shape of a whole schema. Panics on schema constructs the format does not use;
    /// the schemas are part of this program and a test builds every one.
    pub fn of_schema(schema: &Value) -> Shape {
        build(schema, schema)
    }

    pub fn description(&self) -> &str {
        match self {
            Shape::Scalar(l) | Shape::ScalarList(l) => &l.description,
            Shape::Object(o) | Shape::ObjectList(o) => &o.description,
        }
    }

    /// The shape one step down a JSON pointer.
    pub fn child(&self, segment: &str) -> Option<&Shape> {
        match self {
            Shape::Object(o) => o.prop(segment),
            Shape::ObjectList(_) | Shape::ScalarList(_) => None,
            Shape::Scalar(_) => None,
        }
    }
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> (&'a Value, Option<String>) {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("only local $defs references are used");
        let target = &root["$defs"][name];
        assert!(target.is_object(), "unknown $def {name}");
        let (t, inner) = resolve(root, target);
        return (t, inner.or_else(|| Some(name.to_string())));
    }
    (node, None)
}

fn build(root: &Value, node: &Value) -> Shape {
    let (target, def) = resolve(root, node);
    let description = node
        .get("description")
        .or_else(|| target.get("description"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    match target.get("type").and_then(Value::as_str) {
        Some("object") => Shape::Object(Arc::new(build_object(root, target, description))),
        Some("array") => match build(root, &target["items"]) {
            Shape::Scalar(l) => Shape::ScalarList(l),
            Shape::Object(o) => Shape::ObjectList(o),
            other => panic!("nested arrays are not part of the format: {other:?}"),
        },
        Some(t) => {
            let ty = match t {
                "string" => LeafType::String,
                "integer" => LeafType::Integer,
                "number" => LeafType::Number,
                "boolean" => LeafType::Boolean,
                other => panic!("unsupported type {other}"),
            };
            let allowed = target
                .get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            Shape::Scalar(Arc::new(Leaf { ty, def, description, allowed }))
        }
        None => panic!("schema node without type: {node}"),
    }
}

fn build_object(root: &Value, node: &Value, description: String) -> ObjShape {
    let strings = |key: &str| -> Vec<String> {
        node.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let props = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), build(root, v))).collect())
        .unwrap_or_default();
    ObjShape { description, args: strings("x-kdl-args"), props, required: strings("required") }
}
