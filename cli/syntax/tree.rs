//! The parsed form of a KDL document that the rest of the program reads: names, entries and
//! children with exact spans, and nothing of the source formatting.

use crate::diagnostic::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) if x.is_nan() => f.write_str("#nan"),
            Value::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "#inf" } else { "#-inf" }),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Bool(b) => write!(f, "#{b}"),
            Value::Null => f.write_str("#null"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key of a property; `None` for an argument.
    pub name: Option<Ident>,
    pub ty: Option<Ident>,
    pub value: Value,
    /// The value alone, without the `key=` part or surrounding space.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub ty: Option<Ident>,
    pub name: Ident,
    pub entries: Vec<Entry>,
    pub children: Option<Vec<Node>>,
    /// From the name (or type) to the end of the last entry or the closing brace.
    pub span: Span,
}

impl Node {
    /// The name and entries: what a reader sees as "the node" on its first line.
    pub fn head(&self) -> Span {
        let end = self.entries.iter().map(|e| e.span.end).max().unwrap_or(self.name.span.end);
        Span { start: self.name.span.start, end: end.max(self.name.span.end) }
    }
}

/// Moves every span of a tree by `delta` bytes (for a piece of a text parsed on its own).
pub fn shift(nodes: &mut [Node], delta: u32) {
    remap(nodes, &|p| p + delta);
}

/// Maps every offset of a tree through `f` (from a repaired text back to the original).
pub fn remap(nodes: &mut [Node], f: &dyn Fn(u32) -> u32) {
    let mv = |s: &mut Span| {
        s.start = f(s.start);
        s.end = f(s.end).max(s.start);
    };
    for n in nodes {
        mv(&mut n.span);
        mv(&mut n.name.span);
        if let Some(t) = &mut n.ty {
            mv(&mut t.span);
        }
        for e in &mut n.entries {
            mv(&mut e.span);
            if let Some(k) = &mut e.name {
                mv(&mut k.span);
            }
            if let Some(t) = &mut e.ty {
                mv(&mut t.span);
            }
        }
        if let Some(c) = &mut n.children {
            remap(c, f);
        }
    }
}
