//! The app through the real binary in a pseudo-terminal: keys in, what the terminal receives
//! out. No terminal emulator parses the output here; the checks look for text that ratatui
//! writes in one run and for the sequences that enter and leave the alternate screen.

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

struct Pty {
    cols: u16,
    rows: u16,
    child: Child,
    keys: File,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    fn spawn(dir: &std::path::Path, cols: u16, rows: u16) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors it opened into the given integers.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: both descriptors were just opened and are owned by nobody else.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let alsa = dir.join("asound-none.conf");
        std::fs::write(&alsa, "\n").expect("write");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
        cmd.arg("--config")
            .arg(dir.join("config.toml"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .env("ALSA_CONFIG_PATH", &alsa)
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("run herald");
        let keys = File::from(master.try_clone().expect("dup"));
        let screen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&screen);
        let mut reader = File::from(master);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            cols,
            rows,
            child,
            keys,
            screen,
        }
    }

    fn output(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// The screen as the terminal shows it now.
    fn screen(&self) -> String {
        render(&self.output(), self.cols, self.rows)
    }

    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("never saw {needle:?}; the screen shows:\n{}", self.screen());
    }

    fn wait_gone(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if !self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{needle:?} stayed; the screen shows:\n{}", self.screen());
    }

    fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).expect("write keys");
    }

    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!(
                    "herald did not quit; the terminal got:\n{}",
                    self.output().escape_debug()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Just enough of a terminal for ratatui's output: cursor moves (`CSI row;col H`), printed
/// characters, and clearing; attributes and modes are ignored. Each character takes one cell.
fn render(out: &str, cols: u16, rows: u16) -> String {
    let (cols, rows) = (usize::from(cols), usize::from(rows));
    let mut grid = vec![vec![' '; cols]; rows];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() != Some(&'[') {
                chars.next();
                continue;
            }
            chars.next();
            let mut params = String::new();
            let mut end = ' ';
            for p in chars.by_ref() {
                if p.is_ascii_alphabetic() || p == '@' || p == '~' {
                    end = p;
                    break;
                }
                params.push(p);
            }
            match end {
                'H' => {
                    let mut it = params.split(';').map(|n| n.parse::<usize>().unwrap_or(1));
                    row = it.next().unwrap_or(1).saturating_sub(1).min(rows - 1);
                    col = it.next().unwrap_or(1).saturating_sub(1).min(cols - 1);
                }
                'J' if params == "2" => grid = vec![vec![' '; cols]; rows],
                _ => {}
            }
        } else if c == '\r' {
            col = 0;
        } else if c == '\n' {
            row = (row + 1).min(rows - 1);
        } else if !c.is_control() && col < cols {
            grid[row][col] = c;
            col += 1;
        }
    }
    grid.into_iter()
        .map(|r| r.into_iter().collect::<String>().trim_end().to_string() + "\n")
        .collect()
}

/// A feed of one local article, refreshed into the store.
fn edition(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let article = dir.join("article.html");
    std::fs::write(
        &article,
        "<html><head><title>Ferry timetable changes</title></head><body><article>\
         <h1>Ferry timetable changes</h1>\
         <p>The harbour ferry will run every forty minutes from the first of December, the \
         operator said on Monday, replacing the half-hourly summer service.</p>\
         <p>Commuters who travel before seven will see no change: the early sailings keep \
         their times, and the new timetable is posted at both piers.</p>\
         <p>Fewer passengers travel in the dark months, and the operator wants to service one \
         of its two boats before spring.</p></article></body></html>",
    )
    .expect("write");
    let feed = dir.join("feed.xml");
    std::fs::write(
        &feed,
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour Gazette</title>\
             <link>file://{d}/</link><description>d</description><item>\
             <title>Ferry timetable changes</title><link>file://{a}</link><guid>a1</guid>\
             <pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>",
            d = dir.display(),
            a = article.display()
        ),
    )
    .expect("write");
    write_config(&dir, &[feed.display().to_string()], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    dir
}

#[test]
fn headlines_open_an_article_and_q_restores_the_terminal() {
    let dir = edition("tui-open");
    let mut pty = Pty::spawn(&dir, 100, 30);
    pty.wait_for("Headlines (1 unread)");
    pty.wait_for("Ferry timetable changes");
    pty.press("\r");
    pty.wait_for("Listen to the article (synthesized speech)  0:00 / --:--");
    pty.wait_for("Commuters who travel before seven");
    // Narrow: the comments take the article's place.
    pty.press("c");
    pty.wait_for("Comments (0)");
    pty.press("c");
    // No audio device: said in the status line, the app carries on.
    pty.press(" ");
    pty.wait_for("cannot play:");
    pty.press("?");
    pty.wait_for("Keys (Esc closes)");
    // Esc alone (an Esc followed at once by a key reads as Alt+key).
    pty.press("\x1b");
    pty.wait_gone("Keys (Esc closes)");
    pty.press("q");
    pty.wait_for("Headlines (0 unread)");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let out = pty.output();
    let entered = out
        .find("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = out.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    assert!(out[left..].contains("\x1b[?25h"), "cursor shown again");
}

#[test]
fn without_a_terminal_the_app_says_so() {
    let dir = temp_dir("tui-no-tty");
    write_config(&dir, &[], "");
    let out = herald(&dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the app needs a terminal"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
