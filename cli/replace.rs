//! Replacing a file: the bytes go to a new temporary file beside it (`create_new`, which never
//! opens an existing file or follows a link), which is then renamed over the name. A reader sees
//! the old content or the new, never half; a link at the name is replaced, never written through.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` as `dir/name`, with `permissions` when given.
pub fn file(dir: &Path, name: &str, bytes: &[u8], permissions: Option<std::fs::Permissions>) -> std::io::Result<()> {
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    if temp.symlink_metadata().is_ok() {
        // a leftover of an interrupted run (removing a link removes the link, not its target)
        let _ = std::fs::remove_file(&temp);
    }
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if let Some(p) = permissions {
            std::fs::set_permissions(&temp, p)?;
        }
        std::fs::rename(&temp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(all(test, unix))]
mod tests {
    use super::file;
    use std::os::unix::fs::{symlink, PermissionsExt};
    use std::path::PathBuf;

    /// A temporary folder holding `repo/` and, beside it, a file `outside` reading "precious".
    fn folder_and_file_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let (inside, outside) = (d.path().join("repo"), d.path().join("outside"));
        std::fs::create_dir(&inside).unwrap();
        std::fs::write(&outside, "precious").unwrap();
        (d, inside, outside)
    }

    #[test]
    fn a_link_at_the_temporary_name_is_not_written_through() {
        let (_d, inside, outside) = folder_and_file_outside();
        symlink(&outside, inside.join(format!(".x.kdl.{}.tmp", std::process::id()))).unwrap();
        file(&inside, "x.kdl", b"new", None).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(inside.join("x.kdl")).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&inside).unwrap().count(), 1, "the temporary file is gone");
    }

    #[test]
    fn a_link_at_the_name_is_replaced_not_written_through() {
        let (_d, inside, outside) = folder_and_file_outside();
        symlink(&outside, inside.join("x.kdl")).unwrap();
        file(&inside, "x.kdl", b"new", Some(std::fs::Permissions::from_mode(0o640))).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        let meta = std::fs::symlink_metadata(inside.join("x.kdl")).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_to_string(inside.join("x.kdl")).unwrap(), "new");
    }

    #[test]
    fn a_failed_replacement_leaves_the_old_content_and_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        // a non-empty folder at the name: the rename fails
        std::fs::create_dir_all(d.path().join("x.kdl").join("inner")).unwrap();
        assert!(file(d.path(), "x.kdl", b"new", None).is_err());
        let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["x.kdl"]);
        assert!(d.path().join("x.kdl").join("inner").is_dir());
    }
}
