//! The reading list in the real app, in a pseudo-terminal: the unread-only view, a feed marked
//! read and undone, the next unread across feeds, the names the config gives feeds, and a
//! feed's failure in a refresh run from the command line shown in the by-feed view.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::pty::{PATIENCE, Pty, alsa_none, screen_text};
use common::*;

/// A local RSS feed of `items` (key, title, day of November 2026), each linking to a small
/// article of its own.
fn feed(dir: &Path, file: &str, title: &str, items: &[(&str, &str, u32)]) -> PathBuf {
    let mut xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>file://{d}/</link><description>d</description>",
        d = dir.display()
    );
    for (key, headline, day) in items {
        let article = dir.join(format!("{key}.html"));
        std::fs::write(
            &article,
            format!(
                "<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>\
                 <p>The {headline} story, told in a paragraph long enough to count as the \
                 article's text for the reader, with a second sentence to be sure.</p>\
                 <p>The harbour office said on Monday that more would follow in the spring, \
                 once the boats are back from their winter service at the yard.</p>\
                 <p>Readers may write to the desk with questions; the answers are printed in \
                 the weekend edition, beside the tide tables and the ferry times.</p>\
                 </article></body></html>"
            ),
        )
        .expect("write the article");
        xml.push_str(&format!(
            "<item><title>{headline}</title><link>file://{a}</link><guid>{key}</guid>\
             <pubDate>{day:02} Nov 2026 08:00:00 GMT</pubDate></item>",
            a = article.display()
        ));
    }
    xml.push_str("</channel></rss>");
    let path = dir.join(file);
    std::fs::write(&path, xml).expect("write the feed");
    path
}

/// Two feeds of two unread items each, the first named in the config "Local WordPress" (its
/// own title is "Harbour Gazette"), and a feed with no items; refreshed from the command line.
/// Newest first: Quay (24), Ferry (23), Tides (22), Lighthouse (21).
fn edition(name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let gazette = feed(
        &dir,
        "gazette.xml",
        "Harbour Gazette",
        &[
            ("g1", "Ferry timetable changes", 23),
            ("g2", "Lighthouse restored", 21),
        ],
    );
    let coast = feed(
        &dir,
        "coast.xml",
        "Coast Weekly",
        &[
            ("c1", "Quay cycle lanes approved", 24),
            ("c2", "Tides higher this winter", 22),
        ],
    );
    let empty = feed(&dir, "empty.xml", "Empty Desk", &[]);
    let config = format!(
        "[[feeds]]\nurl = \"{}\"\nname = \"Local WordPress\"\n\n\
         [[feeds]]\nurl = \"{}\"\n\n[[feeds]]\nurl = \"{}\"\n",
        gazette.display(),
        coast.display(),
        empty.display()
    );
    std::fs::write(dir.join("config.toml"), config).expect("write the config");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    (dir, coast)
}

/// How many unread headlines the store has, as the command line counts them, once it is
/// `expected` (the app saves its marks off its loop).
fn wait_unread(dir: &Path, expected: usize) {
    let start = Instant::now();
    loop {
        let out = herald(dir, &["headlines", "--unread", "--count"]);
        let count = stdout(&out).trim().to_string();
        if count == expected.to_string() {
            return;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the store counts {count} unread, not {expected}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_config_names_feeds_in_the_list_and_the_search_finds_them() {
    let (dir, _) = edition("tui-views-names");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 120, 30);
    let screen = pty.wait_for("Headlines (4 unread)");
    let text = screen_text(&screen);
    // Whole, not cut at 14 columns, and never the feed's own title.
    let row = text
        .lines()
        .find(|l| l.contains("Ferry timetable changes"))
        .unwrap_or_else(|| panic!("no Ferry row:\n{text}"));
    assert!(
        row.contains("Local WordPress Ferry timetable changes"),
        "{text}"
    );
    assert!(!text.contains("Harbour Gazette"), "{text}");
    // Feed names line up titles in one column.
    let quay = text
        .lines()
        .find(|l| l.contains("Quay cycle lanes"))
        .unwrap_or_else(|| panic!("no Quay row:\n{text}"));
    assert_eq!(
        quay.find("Quay cycle lanes"),
        row.find("Ferry timetable changes"),
        "{text}"
    );

    pty.press("/Local\r");
    pty.wait_for("/Local: match 1 of 2");
    pty.press("t");
    let screen = pty.wait_for("Headlines by feed (4 unread)");
    let text = screen_text(&screen);
    assert!(text.contains("Local WordPress (2/2)"), "{text}");
    // A feed with no items has its group too.
    assert!(text.contains("Empty Desk (0/0)"), "{text}");
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unread_only_a_feed_marked_read_and_undone_and_the_next_unread_across_feeds() {
    let (dir, _) = edition("tui-views-marks");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 120, 30);
    pty.wait_for("Headlines (4 unread)");
    // The first (Quay) read by `m`, then the view narrowed to the unread.
    pty.press("m");
    pty.wait_for("Headlines (3 unread)");
    pty.press("U");
    let screen = pty.wait_for("Headlines · unread only (3 shown, 3 unread)");
    assert!(
        !screen_text(&screen).contains("Quay cycle lanes"),
        "{}",
        screen_text(&screen)
    );
    pty.wait_for("unread only: 3 headlines");
    wait_unread(&dir, 3);

    // By feed: Coast Weekly (Tides), Empty Desk is left out, then Local WordPress.
    pty.press("t");
    let screen = pty.wait_for("Headlines by feed · unread only (3 shown, 3 unread)");
    let text = screen_text(&screen);
    assert!(!text.contains("Empty Desk"), "{text}");
    pty.press("G");
    pty.press("M");
    let screen = pty.wait_for("Local WordPress: 2 marked read — u to undo");
    let text = screen_text(&screen);
    assert!(text.contains("(1 shown, 1 unread)"), "{text}");
    assert!(!text.contains("Ferry timetable changes"), "{text}");
    wait_unread(&dir, 1);
    pty.press("u");
    pty.wait_for("Local WordPress: 2 unread again");
    pty.wait_for("(3 shown, 3 unread)");
    wait_unread(&dir, 3);

    // The next unread, from the top: Tides (Coast Weekly), then across to Local WordPress.
    pty.press("g");
    pty.press(".");
    pty.wait_for("The Tides higher this winter story");
    pty.press(".");
    pty.wait_for("The Ferry timetable changes story");
    pty.press(".");
    pty.wait_for("The Lighthouse restored story");
    pty.press(".");
    pty.wait_for("no unread headline left");
    wait_unread(&dir, 0);
    pty.press("q");
    pty.wait_for("Headlines by feed · unread only (3 shown, 0 unread)");
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_feed_failing_in_a_refresh_from_the_command_line_shows_its_error_in_the_app() {
    let (dir, coast) = edition("tui-views-cli-error");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 120, 30);
    pty.wait_for("Headlines (4 unread)");
    pty.press("t");
    let screen = pty.wait_for("Coast Weekly (2/2)");
    assert!(
        !screen_text(&screen).contains('⚠'),
        "{}",
        screen_text(&screen)
    );

    // The feed breaks, and another herald process refreshes while the app is open.
    std::fs::write(&coast, "<html><body>Gone fishing</body></html>").expect("break the feed");
    let out = herald(&dir, &["refresh"]);
    assert!(
        stdout(&out).contains("Coast Weekly: not a feed"),
        "{}",
        stdout(&out)
    );
    let screen = pty.wait_for("Coast Weekly (2/2) · ⚠ not a feed");
    let text = screen_text(&screen);
    assert!(!text.contains("Local WordPress (2/2) · ⚠"), "{text}");

    // Mended and refreshed again elsewhere: the error goes.
    feed(
        &dir,
        "coast.xml",
        "Coast Weekly",
        &[
            ("c1", "Quay cycle lanes approved", 24),
            ("c2", "Tides higher this winter", 22),
        ],
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "{}", stdout(&out));
    pty.wait_gone("⚠");
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `[refresh] every`: the app refreshes on its own while it is open. A minute is the shortest
/// period the config takes, so this waits a little over one.
#[test]
fn the_app_refreshes_on_its_timer() {
    let (dir, coast) = edition("tui-views-timer");
    let config = std::fs::read_to_string(dir.join("config.toml")).expect("config");
    std::fs::write(
        dir.join("config.toml"),
        format!("{config}\n[refresh]\nevery = \"1m\"\n"),
    )
    .expect("config");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 120, 30);
    pty.wait_for("Headlines (4 unread)");
    feed(
        &dir,
        "coast.xml",
        "Coast Weekly",
        &[
            ("c3", "Harbour fair opens on Saturday", 25),
            ("c1", "Quay cycle lanes approved", 24),
            ("c2", "Tides higher this winter", 22),
        ],
    );
    assert!(coast.exists());
    // Nothing before the minute is out; then the new headline, without a key.
    std::thread::sleep(Duration::from_secs(50));
    assert!(
        !pty.text().contains("Harbour fair opens"),
        "refreshed before its time:\n{}",
        pty.text()
    );
    pty.wait_for("Harbour fair opens on Saturday");
    pty.wait_for("Headlines (5 unread)");
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&dir);
}
