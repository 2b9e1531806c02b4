//! The canonical digest of a plan: SHA-256 over the RFC 8785 (JCS) canonical form of the plan's
//! JSON mapping. Formatting, comments, the order of properties and the choice between `key=value`
//! and a child node do not change it; any change of meaning does.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// `sha256:<64 lowercase hex digits>`.
pub fn plan_digest(plan: &Value) -> String {
    let mut text = String::new();
    canonical(plan, &mut text);
    let hash = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// JCS: objects with members sorted by key (UTF-16 code units), no whitespace, JSON string
/// escaping with lowercase `\u00xx` for other control characters.
pub fn canonical(v: &Value, out: &mut String) {
    canonical_with(v, out, string);
}

/// The canonical layout (members sorted by UTF-16 code units, no whitespace) with strings
/// written by `string`: JCS for digests, or an escaping that keeps text safe to store.
pub fn canonical_with(v: &Value, out: &mut String, string: fn(&str, &mut String)) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_with(x, out, string);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                canonical_with(&m[k], out, string);
            }
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    crate::escape::quoted(s, out, |c, out| match c {
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_keys_and_escapes() {
        let v = serde_json::json!({"b": [1, "x\ny"], "a": {"d": true, "c": null}, "é": "\u{1}"});
        let mut s = String::new();
        canonical(&v, &mut s);
        assert_eq!(s, r#"{"a":{"c":null,"d":true},"b":[1,"x\ny"],"é":"\u0001"}"#);
        assert!(plan_digest(&v).starts_with("sha256:"));
        assert_eq!(plan_digest(&v).len(), 71);
    }
}
