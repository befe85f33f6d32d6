//! A long list in the real app: the list holds ids and marks, the titles come from the store a
//! page at a time as rows come into view; the end, the top and a search far down all show
//! their titles.

use crate::common;

use std::path::Path;

use common::pty::{Pty, alsa_none, screen_text};
use common::*;

const PER_FEED: usize = 1500;

/// A local RSS feed of `PER_FEED` items, item `n` of feed `f` published at minute `2n + f`:
/// the oldest is item 0 of feed 0.
fn feed(dir: &Path, f: usize, title: &str) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://{f}.example/</link><description>d</description>"
    );
    let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").expect("date");
    for n in 0..PER_FEED {
        let at = start + chrono::Duration::minutes((2 * n + f) as i64);
        xml.push_str(&format!(
            "<item><title>Pier note {n:04} of the {title}</title>\
             <link>https://{f}.example/{n}</link><guid>{f}-{n}</guid>\
             <pubDate>{}</pubDate></item>",
            at.to_rfc2822()
        ));
    }
    xml.push_str("</channel></rss>");
    let path = dir.join(format!("feed{f}.xml"));
    std::fs::write(&path, xml).expect("write the feed");
    path.display().to_string()
}

/// Every headline row on the screen has its title (none still waiting for its texts).
fn every_row_titled(text: &str) -> bool {
    text.lines()
        .filter(|l| l.contains('●'))
        .all(|l| l.contains("Pier note"))
}

#[test]
fn the_end_the_top_and_a_search_far_down_show_their_titles() {
    let dir = temp_dir("tui-long-list");
    let config = format!(
        "[[feeds]]\nurl = \"{}\"\n\n[[feeds]]\nurl = \"{}\"\n",
        feed(&dir, 0, "Gazette"),
        feed(&dir, 1, "Coast")
    );
    std::fs::write(dir.join("config.toml"), config).expect("write the config");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let total = 2 * PER_FEED;

    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 24);
    pty.wait_for(&format!("Headlines ({total} unread)"));
    pty.wait_until("the newest titles", |s| {
        let text = screen_text(s);
        text.contains("Pier note 1499 of the Coast") && every_row_titled(&text)
    });

    pty.press("G");
    let screen = pty.wait_until("the oldest titles", |s| {
        let text = screen_text(s);
        text.contains("Pier note 0000 of the Gazette") && every_row_titled(&text)
    });
    assert!(
        screen_text(&screen).contains("Pier note 0005 of the Coast"),
        "{}",
        screen_text(&screen)
    );

    pty.press("g");
    pty.wait_until("the newest titles again", |s| {
        let text = screen_text(s);
        text.contains("Pier note 1499 of the Coast") && every_row_titled(&text)
    });

    // Far down the list, in a title the app has not read yet: the store finds it.
    pty.press("/note 0750 of the gazette\r");
    pty.wait_for("/note 0750 of the gazette: match 1 of 1");
    pty.wait_until("the match's title", |s| {
        let text = screen_text(s);
        text.contains("Pier note 0750 of the Gazette") && every_row_titled(&text)
    });
    // A feed's name finds its headlines, whose titles the app does not hold.
    pty.press("/Coast\r");
    pty.wait_for(&format!(" of {PER_FEED}"));
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&dir);
}
