//! The real app against the real WordPress of ../shared/wordpress (started when down; a skip
//! outside CI when it cannot be, a failure under `CI=true`): subscribe to the site, `r`, open
//! the reference article.

use crate::common;

use std::time::Duration;

use common::media::mp3_duration;
use common::pty::{Pty, alsa_none, find, listen_times, row_text, screen_text};
use common::wordpress::{self, SITE};
use common::*;

const TITLE: &str = "Iraq Begins Transfer of ISIS Prisoners from Syria Amid Security Concerns";
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/article-page.txt"
);

/// A terminal big enough to show the whole article beside its whole discussion.
const COLS: u16 = 200;
const ROWS: u16 = 100;
/// The article pane takes 3/5 of the width; its text starts after the border and the gutter,
/// below the title, byline, listen bar and a blank row.
const ARTICLE_COLS: u16 = COLS * 3 / 5;
const TEXT_COL: u16 = 3;
const BODY_TOP: u16 = 5;

/// The 13 body paragraphs as the seed gives them.
fn seed_paragraphs() -> Vec<String> {
    let seed = std::fs::read_to_string(SEED).expect("read ../shared/seed/article-page.txt");
    let paras: Vec<&str> = seed.split("\n\n").map(str::trim).collect();
    let first = paras
        .iter()
        .position(|p| p.starts_with("Iraqi authorities have initiated"))
        .expect("first paragraph in the seed");
    let last = paras
        .iter()
        .position(|p| p.starts_with("As regional dynamics continue"))
        .expect("last paragraph in the seed");
    paras[first..=last].iter().map(|p| normalize(p)).collect()
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The recording's length from its own frames (fetched here, apart from the app).
fn recording_length(dir: &std::path::Path, article_url: &str) -> Duration {
    let out = herald(dir, &["read", article_url, "--json"]);
    assert!(out.status.success(), "read: {}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let url = json["narration"]["url"]
        .as_str()
        .expect("the article has a recording")
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bytes = runtime
        .block_on(async { reqwest::get(&url).await?.error_for_status()?.bytes().await })
        .unwrap_or_else(|e| panic!("download {url}: {e}"));
    mp3_duration(&bytes)
}

/// The row of the selected headline (drawn in reverse video).
fn selected_row(screen: &vt100::Screen) -> Option<u16> {
    (1..ROWS - 3).find(|&r| screen.cell(r, 2).is_some_and(|c| c.inverse()))
}

#[test]
fn the_reference_article_with_its_comments_and_recording_length() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let want_paragraphs = seed_paragraphs();
    assert_eq!(want_paragraphs.len(), 13);
    let dir = temp_dir("tui-wordpress");
    write_config(&dir, &[format!("{SITE}/")], "");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], COLS, ROWS);
    // Nothing is cached yet: the app fetches at once; `r` then fetches again.
    pty.wait_for(TITLE);
    let first = pty.wait_until("the first refresh's summary", |s| {
        screen_text(s).contains("1 feeds, ") && !screen_text(s).contains("refreshing")
    });
    assert!(
        !screen_text(&first).contains("1 feeds, 0 new"),
        "{}",
        screen_text(&first)
    );
    pty.press("r");
    pty.wait_for("1 feeds, 0 new");

    let screen = pty.screen();
    let (title_row, _) = find(&screen, TITLE).expect("the reference headline");
    let selected = selected_row(&screen).expect("a selected headline");
    let moves = if title_row >= selected { "j" } else { "k" };
    pty.press(&moves.repeat(usize::from(title_row.abs_diff(selected))));
    pty.wait_until("the reference headline selected", |s| {
        selected_row(s) == Some(title_row)
    });
    pty.press("\r");

    let headlines = herald(&dir, &["headlines", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&headlines.stdout).expect("JSON");
    let link = list
        .as_array()
        .expect("headlines")
        .iter()
        .find(|h| h["title"] == TITLE)
        .and_then(|h| h["link"].as_str())
        .expect("the reference article's link")
        .to_string();
    let want_length = recording_length(&dir, &link);
    assert!(want_length > Duration::from_secs(60), "{want_length:?}");

    let screen = pty.wait_until("the listen bar with the recording's length", |s| {
        listen_times(s).is_some_and(|(_, total)| total.is_some())
    });
    let text = screen_text(&screen);
    let (elapsed, total) = listen_times(&screen).expect("the listen bar");
    let total = total.expect("a length");
    eprintln!("listen bar: {total:?}; the mp3's frames: {want_length:?}");
    assert_eq!(elapsed, Duration::ZERO, "{text}");
    assert!(
        (total.as_secs_f64() - want_length.as_secs_f64()).abs() <= 1.5,
        "the bar says {total:?}, the mp3's frames {want_length:?}:\n{text}"
    );
    assert!(
        text.contains("■ nothing playing"),
        "before playing:\n{text}"
    );

    let screen = pty.wait_for("Comments (6)");
    let text = screen_text(&screen);

    // The article: the body lines, paragraphs separated by blank lines.
    let body: Vec<String> = (BODY_TOP..ROWS - 3)
        .map(|r| row_text(&screen, r, TEXT_COL, ARTICLE_COLS - TEXT_COL - 1))
        .collect();
    let paragraphs: Vec<String> = body
        .split(|l| l.is_empty())
        .filter(|p| !p.is_empty())
        .map(|p| normalize(&p.join(" ")))
        .collect();
    assert_eq!(paragraphs, want_paragraphs, "{text}");

    // The comments: author lines (bold) in order, the reply indented under its parent. Their
    // text starts after the pane's border and the margin that marks the selected comment.
    let comments_col = ARTICLE_COLS + 2;
    let width = COLS - comments_col - 1;
    let authors: Vec<(u16, usize, String)> = (1..ROWS - 3)
        .filter_map(|r| {
            let line = row_text(&screen, r, comments_col, width);
            let indent = line.len() - line.trim_start().len();
            let bold = screen
                .cell(r, comments_col + indent as u16)
                .is_some_and(|c| c.bold());
            (bold && !line.trim().is_empty()).then(|| (r, indent, line.trim().to_string()))
        })
        .collect();
    let names: Vec<(usize, &str)> = authors
        .iter()
        .map(|(_, indent, line)| (*indent, line.split(" · ").next().unwrap_or_default()))
        .collect();
    assert_eq!(
        names,
        [
            (0, "Daniel Brooks"),
            (2, "↳ Hannah Ortiz"),
            (0, "Mary L. Williams"),
            (0, "Samuel Reed"),
            (0, "William Taylor"),
            (0, "Oliver X. Lopez"),
        ],
        "{text}"
    );
    // The reply's text sits under its author, indented with it.
    let reply_row = authors[1].0;
    let reply_text = row_text(&screen, reply_row + 1, comments_col, width);
    assert!(
        reply_text.starts_with("    This transfer highlights"),
        "{reply_text:?}\n{text}"
    );

    pty.press("q");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
