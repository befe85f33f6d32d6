//! The app through the real binary in a pseudo-terminal: keys in, the screen out as a terminal
//! emulator (vt100, see tests/common/pty.rs) shows it.

mod common;

use common::pty::{Pty, alsa_none};
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
    pty.wait_for("Keys (Esc closes)");
    // Esc alone (an Esc followed at once by a key reads as Alt+key).
    pty.press("\x1b");
    pty.wait_gone("Keys (Esc closes)");
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
