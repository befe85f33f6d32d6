//! Opening a link in the person's browser: `$BROWSER` (a `:`-separated list, as other tools
//! read it), else the desktop's opener. The browser is started detached from the terminal.

use std::process::{Command, Stdio};

/// Starts a browser on `url`; an error says what was tried and what to set.
pub fn open(url: &str) -> Result<(), String> {
    if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("file://")) {
        return Err(format!("not opening {url}: only web and file links open"));
    }
    let from_env = std::env::var("BROWSER").unwrap_or_default();
    let mut candidates: Vec<String> = from_env
        .split(':')
        .filter(|c| !c.trim().is_empty())
        .map(str::to_string)
        .collect();
    candidates.extend(["xdg-open", "open"].map(String::from));
    let mut tried = Vec::new();
    for candidate in candidates {
        // `$BROWSER` may hold arguments, and `%s` where the URL goes.
        let mut words = candidate.split_whitespace();
        let Some(program) = words.next() else {
            continue;
        };
        let mut args: Vec<String> = words.map(|w| w.replace("%s", url)).collect();
        if !candidate.contains("%s") {
            args.push(url.to_string());
        }
        let started = Command::new(program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match started {
            Ok(mut child) => {
                // Reaped off the loop so no zombie stays; the browser may run for hours.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(_) => tried.push(program.to_string()),
        }
    }
    Err(format!(
        "no browser found (tried {}); set $BROWSER to one",
        tried.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_file_links_open() {
        let err = open("javascript:alert(1)").expect_err("refused");
        assert!(err.starts_with("not opening"), "{err}");
    }
}
