//! The real WordPress of ../shared/wordpress on 127.0.0.1:8080, started on demand.

use std::net::TcpStream;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

pub const SITE: &str = "http://127.0.0.1:8080";

static SETUP: Mutex<()> = Mutex::new(());

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

/// True when WordPress answers, starting it if needed. Outside CI a machine that cannot run
/// it skips (false); in CI that is a failure.
pub fn available() -> bool {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    if reachable() {
        return true;
    }
    match setup("twentytwentythree") {
        Ok(()) if reachable() => true,
        result => {
            let why = result
                .err()
                .unwrap_or_else(|| "it still does not answer".into());
            assert!(!super::in_ci(), "WordPress could not be started: {why}");
            eprintln!("skipped: WordPress at {SITE} is not available: {why}");
            false
        }
    }
}

/// Runs `f` with the site switched to `theme`, then switches back to the default theme.
pub fn with_theme(theme: &str, f: impl FnOnce()) {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    setup(theme).unwrap_or_else(|e| panic!("{e}"));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let restored = setup("twentytwentythree");
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    restored.unwrap_or_else(|e| panic!("{e}"));
}
