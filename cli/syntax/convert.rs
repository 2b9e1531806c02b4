//! The `kdl` crate's document to [`super::tree`], for files the fast parser leaves to it.

use kdl::{KdlDocument, KdlEntry, KdlIdentifier, KdlNode, KdlValue};

use super::tree::{Entry, Ident, Node, Value};
use crate::diagnostic::Span;

pub fn document(doc: &KdlDocument, src: &str) -> Vec<Node> {
    doc.nodes().iter().map(|n| node(n, src)).collect()
}

fn ident(i: &KdlIdentifier) -> Ident {
    Ident { value: i.value().to_string(), span: Span::from_kdl(i.span()) }
}

fn node(n: &KdlNode, src: &str) -> Node {
    let entries: Vec<Entry> = n.entries().iter().map(|e| entry(e, src)).collect();
    let name = ident(n.name());
    let full = Span::from_kdl(n.span());
    // the crate's node span may include trailing space; end at the last entry or the block
    let end = match n.children() {
        Some(_) => trim_end(src, full).end,
        None => entries.iter().map(|e| e.span.end).max().unwrap_or(name.span.end),
    };
    let start = n
        .ty()
        .map(|t| Span::from_kdl(t.span()).start.saturating_sub(1))
        .unwrap_or(name.span.start)
        .min(name.span.start);
    Node {
        ty: n.ty().map(ident),
        name,
        entries,
        children: n.children().map(|c| document(c, src)),
        span: Span { start, end: end.max(start) },
    }
}

fn trim_end(src: &str, span: Span) -> Span {
    let text = src.get(span.range()).unwrap_or("");
    Span { start: span.start, end: span.start + text.trim_end().len() as u32 }
}

fn entry(e: &KdlEntry, src: &str) -> Entry {
    Entry { name: e.name().map(ident), ty: e.ty().map(ident), value: value(e.value()), span: value_span(src, e) }
}

fn value(v: &KdlValue) -> Value {
    match v {
        KdlValue::String(s) => Value::String(s.clone()),
        KdlValue::Integer(i) => Value::Integer(*i),
        KdlValue::Float(f) => Value::Float(*f),
        KdlValue::Bool(b) => Value::Bool(*b),
        KdlValue::Null => Value::Null,
    }
}

/// The span of an entry's value, without surrounding whitespace, the `key=` part or a type.
fn value_span(src: &str, entry: &KdlEntry) -> Span {
    let full = Span::from_kdl(entry.span());
    let mut start = full.start as usize;
    let mut end = (full.end as usize).min(src.len());
    if let Some(name) = entry.name() {
        let after = Span::from_kdl(name.span()).end as usize;
        if let Some(eq) = src.get(after..end).and_then(|s| s.find('=')) {
            start = after + eq + 1;
        }
    }
    if let Some(ty) = entry.ty() {
        let ty_end = Span::from_kdl(ty.span()).end as usize;
        if let Some(close) = src.get(ty_end..end).and_then(|s| s.find(')')) {
            start = start.max(ty_end + close + 1);
        }
    }
    let text = src.get(start..end).unwrap_or("");
    let trimmed_start = text.len() - text.trim_start().len();
    let trimmed_end = text.trim_end().len();
    if trimmed_end > trimmed_start {
        end = start + trimmed_end;
        start += trimmed_start;
    }
    Span::new(start, end)
}
