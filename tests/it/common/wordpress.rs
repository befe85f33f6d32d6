//! The real WordPress of ../shared/wordpress on 127.0.0.1:8080, started on demand.

use std::net::TcpStream;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub const SITE: &str = "http://127.0.0.1:8080";

/// One test at a time uses the site, so a theme one test switches to never shows in another.
static SITE_IN_USE: Mutex<()> = Mutex::new(());

/// The site, held by one test until dropped.
pub struct Site(#[allow(dead_code)] MutexGuard<'static, ()>);

fn reachable() -> bool {
    TcpStream::connect_timeout(
        &"127.0.0.1:8080".parse().expect("constant address"),
        Duration::from_secs(2),
    )
    .is_ok()
}

/// Runs setup.sh (idempotent: about 45 s the first time, 5 s after) with `theme`.
fn setup(theme: &str) -> Result<(), String> {
    let script = super::shared().join("wordpress/setup.sh");
    if !script.exists() {
        return Err(format!("{} is missing", script.display()));
    }
    let out = Command::new("bash")
        .arg(&script)
        .env("THEME", theme)
        .output()
        .map_err(|e| format!("could not run {}: {e}", script.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed:\n{}{}",
            script.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The site once WordPress answers, starting it if needed, for the caller alone until the
/// [`Site`] is dropped. Outside CI a machine that cannot run it skips (`None`); in CI that is a
/// failure.
pub fn available() -> Option<Site> {
    let site = Site(SITE_IN_USE.lock().unwrap_or_else(|e| e.into_inner()));
    if reachable() {
        return Some(site);
    }
    match setup("twentytwentythree") {
        Ok(()) if reachable() => Some(site),
        result => {
            let why = result
                .err()
                .unwrap_or_else(|| "it still does not answer".into());
            assert!(!super::in_ci(), "WordPress could not be started: {why}");
            eprintln!("skipped: WordPress at {SITE} is not available: {why}");
            None
        }
    }
}

impl Site {
    /// Runs `f` with the site switched to `theme`, then switches back to the default theme.
    pub fn with_theme(&self, theme: &str, f: impl FnOnce()) {
        setup(theme).unwrap_or_else(|e| panic!("{e}"));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let restored = setup("twentytwentythree");
        if let Err(panic) = result {
            std::panic::resume_unwind(panic);
        }
        restored.unwrap_or_else(|e| panic!("{e}"));
    }
}
