//! A source with one file's text replaced: `check - --stdin-filename PATH` checks an editor's
//! unsaved buffer in place of that file, and reads the rest of the repository as usual.

use super::{Listed, Read, Source};

pub struct Overlay<'a> {
    inner: &'a dyn Source,
    /// Repository-relative, `/`-separated.
    path: String,
    text: Vec<u8>,
}

impl<'a> Overlay<'a> {
    pub fn new(inner: &'a dyn Source, path: String, text: Vec<u8>) -> Overlay<'a> {
        Overlay { inner, path, text }
    }

    /// Whether the replaced file lies below the listed folder `dir`.
    fn below(&self, dir: &str) -> bool {
        dir == "." || self.path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
    }
}

impl Source for Overlay<'_> {
    fn list(&self, dir: &str) -> Vec<Listed> {
        let mut listed = self.inner.list(dir);
        if !self.below(dir) {
            return listed;
        }
        // the buffer is the file, whatever is on disk under its name (nothing, or a link)
        listed.retain(|l| l.path() != self.path);
        listed.push(Listed::File(self.path.clone()));
        listed.sort_by(|a, b| a.path().cmp(b.path()));
        listed
    }

    fn read(&self, path: &str, limit: u64) -> Read {
        if path != self.path {
            return self.inner.read(path, limit);
        }
        if self.text.len() as u64 > limit {
            return Read::TooLarge(self.text.len() as u64);
        }
        Read::Bytes(self.text.clone())
    }

    fn describe(&self) -> String {
        format!("{} (with {} from standard input)", self.inner.describe(), self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Two;
    impl Source for Two {
        fn list(&self, dir: &str) -> Vec<Listed> {
            match dir {
                "." | "plans" => vec![Listed::File("plans/a.kdl".into()), Listed::File("plans/c.kdl".into())],
                _ => Vec::new(),
            }
        }
        fn read(&self, path: &str, _limit: u64) -> Read {
            Read::Bytes(format!("on disk: {path}").into_bytes())
        }
        fn describe(&self) -> String {
            "two files".into()
        }
    }

    fn text(r: Read) -> String {
        match r {
            Read::Bytes(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_buffer_replaces_its_file_and_a_new_file_is_listed_in_order() {
        let replaced = Overlay::new(&Two, "plans/a.kdl".into(), b"buffer".to_vec());
        assert_eq!(replaced.list("plans").len(), 2);
        assert_eq!(text(replaced.read("plans/a.kdl", 100)), "buffer");
        assert_eq!(text(replaced.read("plans/c.kdl", 100)), "on disk: plans/c.kdl");
        let new = Overlay::new(&Two, "plans/b.kdl".into(), b"new".to_vec());
        assert_eq!(
            new.list("plans"),
            ["plans/a.kdl", "plans/b.kdl", "plans/c.kdl"].map(|p| Listed::File(p.into())).to_vec()
        );
        assert_eq!(new.list("contacts"), Vec::new());
        assert!(!Overlay::new(&Two, "plansx/b.kdl".into(), Vec::new()).below("plans"));
        assert!(matches!(new.read("plans/b.kdl", 2), Read::TooLarge(3)));
    }
}
