//! The app through the real binary in a pseudo-terminal: keys in, the screen out as a terminal
//! emulator (vt100, see tests/common/pty.rs) shows it.

use crate::common;

use std::time::{Duration, Instant};

use common::pty::{Pty, alsa_none, find};
use common::*;

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
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    pty.wait_for("Headlines (1 unread)");
    pty.wait_for("Ferry timetable changes");
    let screen = pty.screen();
    assert!(
        screen.alternate_screen(),
        "the app draws on the alternate screen"
    );
    assert!(
        screen.hide_cursor(),
        "the cursor is hidden while the app runs"
    );
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
    pty.wait_for("Esc closes)");
    // Esc alone (an Esc followed at once by a key reads as Alt+key).
    pty.press("\x1b");
    pty.wait_gone("Esc closes)");
    pty.press("q");
    pty.wait_for("Headlines (0 unread)");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let screen = pty.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "cursor shown again");
    assert!(
        !pty.text().contains("Headlines"),
        "the screen from before the app is back:\n{}",
        pty.text()
    );
}

#[test]
fn offline_the_status_line_counts_the_discussion_sites_as_unreachable() {
    let dir = temp_dir("tui-offline-sites");
    let _offline = subscribe_to_offline_sites(&dir);
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 120, 30);
    pty.wait_for("Headlines");
    pty.press("r");
    let screen = pty.wait_for("3 unreachable");
    let text = common::pty::screen_text(&screen);
    assert!(
        text.contains("3 feeds, 0 new; 3 unreachable (t groups by feed to see which)"),
        "only counted, none named as failed:\n{text}"
    );
    assert!(!text.contains("failed:"), "{text}");
    pty.press("q");
    assert!(pty.wait_exit().success());
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

/// The terminal as the shell had it: main screen, cursor shown, no mouse reporting.
fn assert_restored(pty: &Pty, after: &str) {
    let screen = pty.screen();
    assert!(
        !screen.alternate_screen(),
        "{after}: left the alternate screen"
    );
    assert!(!screen.hide_cursor(), "{after}: cursor shown again");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "{after}: mouse reporting off"
    );
}

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal() {
    let dir = edition("tui-signals");
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
    ] {
        let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
        pty.wait_for("Headlines (1 unread)");
        assert!(pty.screen().alternate_screen());
        // SAFETY: kill sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(pty.pid(), signal) }, 0);
        pty.wait_exit();
        assert_restored(&pty, name);
    }
    let log = std::fs::read_to_string(dir.join("data/herald.log")).expect("the app's log");
    for name in ["SIGTERM", "SIGHUP", "SIGINT"] {
        assert!(log.contains(&format!("{name}: quitting")), "{log}");
    }
}

#[test]
fn a_terminal_that_goes_away_ends_the_app_as_q_would() {
    let dir = edition("tui-hang-up");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    pty.wait_for("Headlines (1 unread)");
    pty.press("m");
    pty.wait_for("Headlines (0 unread)");
    // The window closed: SIGHUP, and the terminal can no longer be written to (ratatui's
    // own farewell to it used to panic on the closed stderr, and the app abort).
    pty.hang_up();
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(dir.join("data/herald.log")).expect("the app's log");
    assert!(log.contains("SIGHUP: quitting"), "{log}");
    assert!(log.contains("herald stopped"), "{log}");
    assert!(!log.contains("panic"), "{log}");
    let unread = herald(&dir, &["headlines", "--unread", "--count"]);
    assert_eq!(stdout(&unread).trim(), "0", "the mark made before was kept");
}

/// The process state letter from /proc (`T` when stopped).
fn process_state(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // The state follows the command's name, which is in parentheses.
    stat.rsplit(')')
        .next()
        .and_then(|rest| rest.trim_start().chars().next())
        .expect("a state")
}

#[test]
fn ctrl_z_hands_the_terminal_back_and_the_app_returns_on_continue() {
    let dir = edition("tui-suspend");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    pty.wait_for("Headlines (1 unread)");
    pty.press("\x1a");
    let start = Instant::now();
    while process_state(pty.pid()) != 'T' {
        assert!(start.elapsed() < Duration::from_secs(15), "never stopped");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Written before it stopped; the reader may still be catching up.
    pty.wait_until("the terminal restored", |s| !s.alternate_screen());
    assert_restored(&pty, "Ctrl-Z");
    // What the shell's `fg` sends.
    // SAFETY: kill sends a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pty.pid(), libc::SIGCONT) }, 0);
    let screen = pty.wait_until("the app drawn again", |s| {
        s.alternate_screen() && s.contents().contains("Headlines (1 unread)")
    });
    assert!(screen.hide_cursor());
    // And it still takes keys.
    pty.press("\r");
    pty.wait_for("Commuters who travel before seven");
    pty.press("qq");
    assert!(pty.wait_exit().success());
    assert_restored(&pty, "quit after resuming");
}

/// A left click at a cell (0-based), as an xterm reports it with SGR mouse mode.
fn click(pty: &mut Pty, col: u16, row: u16) {
    pty.press(&format!(
        "\x1b[<0;{};{}M\x1b[<0;{};{}m",
        col + 1,
        row + 1,
        col + 1,
        row + 1
    ));
}

#[test]
fn the_mouse_selects_opens_and_plays() {
    let dir = edition("tui-mouse");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    let screen = pty.wait_for("Headlines (1 unread)");
    assert_ne!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the app asks for the mouse"
    );
    let (row, col) = find(&screen, "Ferry timetable changes").expect("the headline");
    // The first click selects (it is already selected), so it opens.
    click(&mut pty, col, row);
    let screen = pty.wait_for("Listen to the article");
    let (row, col) = find(&screen, "Listen to the article").expect("the listen bar");
    click(&mut pty, col, row);
    // No audio device here: the click reached the player, which says why it cannot play.
    pty.wait_for("cannot play:");
    pty.press("qq");
    assert!(pty.wait_exit().success());
    assert_restored(&pty, "quit");
}

#[test]
fn keys_come_from_the_config_and_conflicts_are_reported_at_start() {
    let dir = edition("tui-keys");
    let feeds = std::fs::read_to_string(dir.join("config.toml")).expect("config");
    std::fs::write(
        dir.join("config.toml"),
        format!("{feeds}\n[keys]\ntoggle_star = \"j\"\nhelp = \"f1\"\n"),
    )
    .expect("config");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 48);
    pty.wait_for("[keys]: j now does toggle_star, no longer down");
    pty.press("j");
    pty.wait_for("starred");
    pty.wait_for("★");
    // F1 as xterm sends it opens help, which lists the keys as bound.
    pty.press("\x1bOP");
    let screen = pty.wait_for("Esc closes)");
    let text = screen.contents();
    assert!(text.contains("j          star / unstar"), "{text}");
    assert!(text.contains("F1         this help"), "{text}");
    pty.press("\x1b");
    pty.wait_gone("Esc closes)");
    pty.press("q");
    assert!(pty.wait_exit().success());
    // The star was saved.
    let out = herald(&dir, &["headlines", "--json"]);
    assert!(
        stdout(&out).contains("\"starred\": true"),
        "{}",
        stdout(&out)
    );
}

/// The lines a `$BROWSER` script has recorded, once there are `n` of them.
fn opened(path: &std::path::Path, n: usize) -> Vec<String> {
    let deadline = Instant::now() + common::pty::PATIENCE;
    loop {
        let lines: Vec<String> = std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if lines.len() >= n {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "the browser was started {} times, not {n}: {lines:?}",
            lines.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn o_opens_the_headline_or_article_and_a_count_opens_that_link_in_browser() {
    let dir = temp_dir("tui-browser");
    let article = dir.join("article.html");
    std::fs::write(
        &article,
        "<html><head><title>Three piers</title></head><body><article><h1>Three piers</h1>\
         <p>The <a href=\"https://example.org/north\">north pier</a> opens at six, the \
         <a href=\"https://example.org/south\">south pier</a> at seven, and the \
         <a href=\"https://example.org/east?day=mon&amp;time=8\">east pier</a> at eight.</p>\
         </article></body></html>",
    )
    .expect("write");
    let feed = dir.join("feed.xml");
    let article_url = format!("file://{}", article.display());
    std::fs::write(
        &feed,
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pier News</title>\
             <link>file://{d}/</link><description>d</description><item>\
             <title>Three piers</title><link>{article_url}</link><guid>p1</guid></item>\
             </channel></rss>",
            d = dir.display()
        ),
    )
    .expect("write");
    write_config(&dir, &[feed.display().to_string()], "");
    assert!(herald(&dir, &["refresh"]).status.success());
    // A browser that records what it was asked to open, one line each.
    let record = dir.join("opened.txt");
    let browser = dir.join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            record.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let browser_env = browser.display().to_string();

    let mut pty = Pty::herald(
        &dir,
        &alsa_none(&dir),
        &[],
        &[("BROWSER", &browser_env)],
        100,
        30,
    );
    pty.wait_for("Three piers");
    pty.press("o");
    assert_eq!(opened(&record, 1), std::slice::from_ref(&article_url));

    pty.press("\r");
    pty.wait_for("east pier");
    pty.press("o");
    assert_eq!(opened(&record, 2)[1], article_url);
    pty.press("3o");
    assert_eq!(
        opened(&record, 3)[2],
        "https://example.org/east?day=mon&time=8"
    );
    pty.press("1o");
    assert_eq!(opened(&record, 4)[3], "https://example.org/north");
    // A link the article does not have: said, and no browser.
    pty.press("9o");
    pty.wait_for("no link [9]: this article has 3");
    pty.press("q");
    pty.press("q");
    assert!(pty.wait_exit().success());
    assert_eq!(opened(&record, 4).len(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}
