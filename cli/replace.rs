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
