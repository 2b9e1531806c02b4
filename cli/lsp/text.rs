//! Positions and URIs: LSP lines and columns (UTF-16 code units unless the client takes UTF-8)
//! against byte offsets, and `file:` URIs against repository-relative paths.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range};

/// How the client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Where LSP lines start: after `\n`, `\r\n` or `\r` (LSP's line ends, which are fewer than KDL's).
pub fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 2;
            }
            b'\n' | b'\r' => {
                starts.push(i + 1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    starts
}

/// The LSP position of a byte offset.
pub fn position(text: &str, starts: &[usize], offset: usize, enc: Encoding) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let part = &text[starts[line]..offset];
    let col = match enc {
        Encoding::Utf8 => part.len(),
        Encoding::Utf16 => part.chars().map(char::len_utf16).sum(),
    };
    Position { line: line as u32, character: col as u32 }
}

/// The byte offset of an LSP position, clamped to its line (a column past the end is the end,
/// as the protocol says) and to the text.
pub fn offset(text: &str, starts: &[usize], pos: Position, enc: Encoding) -> usize {
    let Some(&start) = starts.get(pos.line as usize) else { return text.len() };
    let end = starts.get(pos.line as usize + 1).copied().unwrap_or(text.len());
    let line = &text[start..end];
    let line = line.trim_end_matches(['\n', '\r']);
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    start + line.len()
}

pub fn range(text: &str, starts: &[usize], span: crate::diagnostic::Span, enc: Encoding) -> Range {
    Range {
        start: position(text, starts, span.start as usize, enc),
        end: position(text, starts, span.end as usize, enc),
    }
}

/// The path of a `file:` URI (percent-decoded); `None` for any other scheme, a host other than
/// `localhost`, a relative path or bytes that are not UTF-8.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => return None,
    };
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next()?;
    let mut bytes = Vec::with_capacity(path.len());
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    if path.contains('\0') {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The `file:` URI of a path, with everything but unreserved characters and `/` percent-encoded.
pub fn path_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The repository-relative path (`/`-separated) of a URI's file: `None` unless it is a `.kdl`
/// file inside the root, reached without `..` and not through a link that leads out.
pub fn relative(root: &Path, uri: &str) -> Option<String> {
    let path = uri_path(uri)?;
    if !path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    if !name.ends_with(".kdl") || name.starts_with('.') {
        return None;
    }
    // the folder as it really is (a link inside the root may point out); a folder that does
    // not exist yet is judged by the path as written
    let dir = path.parent()?;
    let real = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let rel = real.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        let std::path::Component::Normal(part) = c else { return None };
        let part = part.to_str()?;
        if part.starts_with('.') {
            return None;
        }
        out.push_str(part);
        out.push('/');
    }
    out.push_str(name);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_or_bytes() {
        let text = "ä😀x\r\ny";
        let s = line_starts(text);
        assert_eq!(s, vec![0, 9]);
        assert_eq!(position(text, &s, 6, Encoding::Utf16), Position { line: 0, character: 3 });
        assert_eq!(position(text, &s, 6, Encoding::Utf8), Position { line: 0, character: 6 });
        assert_eq!(offset(text, &s, Position { line: 0, character: 3 }, Encoding::Utf16), 6);
        assert_eq!(offset(text, &s, Position { line: 0, character: 99 }, Encoding::Utf16), 7);
        assert_eq!(offset(text, &s, Position { line: 1, character: 0 }, Encoding::Utf16), 9);
        assert_eq!(offset(text, &s, Position { line: 7, character: 0 }, Encoding::Utf16), text.len());
    }

    #[test]
    fn only_kdl_files_inside_the_root_have_a_path() {
        let root = Path::new("/nonexistent-root");
        assert_eq!(relative(root, "file:///nonexistent-root/plans/a%20b.kdl").as_deref(), Some("plans/a b.kdl"));
        assert_eq!(relative(root, "file:///nonexistent-root/../etc/a.kdl"), None);
        assert_eq!(relative(root, "file:///elsewhere/a.kdl"), None);
        assert_eq!(relative(root, "file:///nonexistent-root/a.txt"), None);
        assert_eq!(relative(root, "file:///nonexistent-root/.git/a.kdl"), None);
        assert_eq!(relative(root, "untitled:Untitled-1"), None);
        assert_eq!(relative(root, "file://evil.example/nonexistent-root/a.kdl"), None);
        assert_eq!(relative(root, "file:///nonexistent-root/%ff.kdl"), None);
        assert_eq!(relative(root, "file:///nonexistent-root/%2"), None);
        assert_eq!(uri_path(&path_uri(Path::new("/a b/ü.kdl"))), Some(PathBuf::from("/a b/ü.kdl")));
    }
}
