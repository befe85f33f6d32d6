//! The sync password: the first line a command prints (a password manager's), a variable of the
//! environment, or, with a warning, the config itself. It is held only for the login.

use std::process::{Command, Stdio};

use super::SyncError;
use crate::config::SyncConfig;

pub fn resolve(config: &SyncConfig) -> Result<String, SyncError> {
    if let Some(command) = &config.password_command {
        return from_command(command);
    }
    if let Some(var) = &config.password_env {
        return std::env::var(var)
            .ok()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                SyncError::Password(format!(
                    "[sync] password_env names {var}, which is not set (or empty) here"
                ))
            });
    }
    match &config.password {
        Some(password) => {
            crate::say!(
                "herald: [sync] password is kept in the config in clear; password_command or password_env keeps it out of the file"
            );
            Ok(password.clone())
        }
        None => Err(SyncError::Password(
            "[sync] has no password_command, password_env or password".to_string(),
        )),
    }
}

fn from_command(command: &str) -> Result<String, SyncError> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            SyncError::Password(format!("[sync] password_command could not be run: {e}"))
        })?;
    if !out.status.success() {
        // What it printed may be the password: only its status is told.
        return Err(SyncError::Password(format!(
            "[sync] password_command failed ({})",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .next()
        .map(|l| l.trim_end_matches('\r').to_string())
        .filter(|l| !l.is_empty())
        .ok_or_else(|| SyncError::Password("[sync] password_command printed nothing".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SyncConfig {
        SyncConfig {
            api: "greader".into(),
            url: "http://127.0.0.1:1/api/greader.php".into(),
            user: "alice".into(),
            password_command: None,
            password_env: None,
            password: None,
        }
    }

    #[test]
    fn the_first_line_of_the_command_is_the_password() {
        let mut c = config();
        c.password_command = Some("printf 'hunter2\\nsecond line\\n'".into());
        assert_eq!(resolve(&c).expect("password"), "hunter2");
        c.password_command = Some("exit 3".into());
        let e = resolve(&c).expect_err("fails").to_string();
        assert!(e.contains("password_command failed"), "{e}");
        c.password_command = Some("true".into());
        assert!(resolve(&c).is_err());
    }

    #[test]
    fn a_variable_not_set_is_named() {
        let mut c = config();
        c.password_env = Some("HERALD_TEST_SURELY_UNSET_VARIABLE".into());
        let e = resolve(&c).expect_err("unset").to_string();
        assert!(e.contains("HERALD_TEST_SURELY_UNSET_VARIABLE"), "{e}");
    }
}
