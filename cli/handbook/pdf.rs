//! Printing the pages to PDF with headless Chromium (`--format pdf`): the only process the
//! handbook starts. Each run gets a fresh, private profile folder, no network services, and
//! writes into that folder; the PDF is then copied into the output folder like every page.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names looked for on `PATH`, in order.
pub const NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// How long one page may take to print before Chromium is stopped.
const DEADLINE: Duration = Duration::from_secs(120);

pub fn install_help() -> String {
    format!(
        "--format pdf prints the pages with headless Chromium, and none was found on PATH (looked for {}). \
         Install it: Debian `apt-get install chromium`, Ubuntu `snap install chromium`, Fedora `dnf install chromium`, \
         macOS `brew install --cask chromium`; or name the browser with `--chromium PATH`. \
         Without it, `--format html` writes the pages, which print from any browser.",
        NAMES.join(", ")
    )
}

/// The browser to run: `--chromium PATH`, else the first of [`NAMES`] on `PATH`.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        let found = if p.components().count() > 1 { Some(p.to_path_buf()) } else { on_path(&p.to_string_lossy()) };
        return match found {
            Some(f) if is_executable(&f) => Ok(f),
            _ => Err(format!("--chromium {}: no such program (or not executable)", p.display())),
        };
    }
    NAMES.iter().find_map(|n| on_path(n)).ok_or_else(install_help)
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether this process runs as root (Chromium's sandbox refuses to start as root, so
/// `--no-sandbox` is added then, and only then).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The arguments for printing `page` (a `file://` URL) to `pdf`.
pub fn arguments(profile: &Path, pdf: &Path, page: &str, root: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--no-pdf-header-footer",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if root {
        args.push("--no-sandbox".into());
    }
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push(format!("--print-to-pdf={}", pdf.display()));
    args.push(page.to_string());
    args
}

/// A `file://` URL of an absolute path, percent-encoding everything but unreserved characters.
pub fn file_url(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Prints one HTML file of `dir` to PDF and returns the PDF's bytes.
pub fn print(browser: &Path, html: &Path) -> Result<Vec<u8>, String> {
    let tmp = crate::tempdir::TempDir::new("chromium")?;
    let profile = tmp.path().join("profile");
    let pdf = tmp.path().join("page.pdf");
    let mut child = Command::new(browser)
        .args(arguments(&profile, &pdf, &file_url(html), is_root()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", browser.display()))?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            use std::io::Read;
            let _ = e.take(64 << 10).read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not finish printing {} within {} s",
                    browser.display(),
                    html.display(),
                    DEADLINE.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for {}: {e}", browser.display())),
        }
    };
    let log = reader.join().unwrap_or_default();
    match std::fs::read(&pdf) {
        Ok(bytes) if status.success() && bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => {
            let tail: Vec<&str> = log.lines().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
            Err(format!(
                "{} could not print {} ({status}){}",
                browser.display(),
                html.display(),
                if tail.is_empty() {
                    String::new()
                } else {
                    format!(":\n{}", crate::escape::terminal(&tail.join("\n")))
                }
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_runs_without_network_services_and_sandboxed_unless_root() {
        let args = arguments(Path::new("/tmp/p"), Path::new("/tmp/p/x.pdf"), "file:///h/index.html", false);
        for flag in [
            "--headless",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-pdf-header-footer",
            "--no-first-run",
        ] {
            assert!(args.iter().any(|a| a == flag), "{flag}");
        }
        assert!(!args.iter().any(|a| a == "--no-sandbox"));
        assert!(
            args.contains(&"--user-data-dir=/tmp/p".to_string())
                && args.contains(&"--print-to-pdf=/tmp/p/x.pdf".to_string())
        );
        assert_eq!(args.last().unwrap(), "file:///h/index.html");
        assert!(arguments(Path::new("/p"), Path::new("/p/x.pdf"), "file:///x", true)
            .iter()
            .any(|a| a == "--no-sandbox"));
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(file_url(Path::new("/tmp/a b/#x?.html")), "file:///tmp/a%20b/%23x%3F.html");
    }
}
