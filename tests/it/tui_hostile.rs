//! A feed and an article whose every text carries terminal escape sequences
//! (newsfixture's `/fault/escape` and `/fault/escape-article`: a title change, a screen clear,
//! a colour, a cursor position report, a bidi override, bells) shown by the real app in a
//! pseudo-terminal: the text appears, harmless, and the terminal is left as the app drew it.

use crate::common;

use common::pty::{Pty, alsa_none, find, row_text, screen_text};
use common::*;

/// What newsfixture's hostile text looks like once its sequences are gone.
const VISIBLE: &str = "REDevil";
const COLS: u16 = 140;
const ROWS: u16 = 30;

/// Nothing on the screen but plain characters in the terminal's own colours (the app runs
/// under `NO_COLOR`): no cell was coloured, and no cell holds a control or bidi character.
fn assert_plain(screen: &vt100::Screen) {
    for r in 0..ROWS {
        for c in 0..COLS {
            let cell = screen.cell(r, c).expect("a cell");
            assert!(
                cell.fgcolor() == vt100::Color::Default && cell.bgcolor() == vt100::Color::Default,
                "row {r} column {c} is coloured:\n{}",
                screen_text(screen)
            );
            assert!(
                !cell.contents().chars().any(|ch| ch.is_control()
                    || matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "row {r} column {c} holds {:?}",
                cell.contents()
            );
        }
    }
}

/// The app's own frame is whole: both borders of every pane, the player bar and the status
/// line, which a screen clear from the content would have wiped (ratatui redraws only cells it
/// changed).
fn assert_frame_whole(screen: &vt100::Screen, panes: &[(u16, u16)]) {
    let text = screen_text(screen);
    let bottom = ROWS - 3;
    for &(left, right) in panes {
        for (row, corners) in [(0, ("┌", "┐")), (bottom, ("└", "┘"))] {
            let at = |c| screen.cell(row, c).map(|cell| cell.contents().to_string());
            assert_eq!(
                (at(left).as_deref(), at(right).as_deref()),
                (Some(corners.0), Some(corners.1)),
                "row {row}:\n{text}"
            );
        }
        for row in 1..bottom {
            for col in [left, right] {
                assert_eq!(
                    screen.cell(row, col).map(|c| c.contents()),
                    Some("│"),
                    "border at row {row} column {col}:\n{text}"
                );
            }
        }
    }
    assert!(
        row_text(screen, ROWS - 2, 0, COLS).starts_with("■ nothing playing"),
        "{text}"
    );
    assert!(
        screen.cell(ROWS - 1, 0).is_some_and(|c| c.inverse()),
        "the status line:\n{text}"
    );
    assert!(screen.alternate_screen() && screen.hide_cursor(), "{text}");
}

#[test]
fn escape_sequences_in_a_feed_article_and_comments_stay_text() {
    let site = NewsFixture::start(&["--feeds", "1", "--items", "1"]);
    let dir = temp_dir("tui-hostile");
    write_config(&dir, &[site.url("/fault/escape")], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));

    // Under NO_COLOR the app itself sets no colour, so any colour on screen came from the text.
    let mut pty = Pty::herald(
        &dir,
        &alsa_none(&dir),
        &[],
        &[("NO_COLOR", "1")],
        COLS,
        ROWS,
    );
    let screen = pty.wait_for("Headlines (1 unread)");
    let headline = screen_text(&screen);
    // The feed's name and the headline's title, both hostile.
    assert_eq!(
        headline.matches(VISIBLE).count(),
        2,
        "the feed and title show as text:\n{headline}"
    );
    assert_plain(&screen);
    assert_frame_whole(&screen, &[(0, COLS - 1)]);

    pty.press("\r");
    let screen = pty.wait_for("Comments (1)");
    let screen = if screen_text(&screen).contains(&format!("{VISIBLE} {VISIBLE}")) {
        screen
    } else {
        pty.wait_for(&format!("{VISIBLE} {VISIBLE}"))
    };
    let text = screen_text(&screen);
    let split = COLS * 3 / 5;
    // The title, the text (the title twice), the comment's author and its text.
    let (title_row, _) = find(&screen, VISIBLE).expect("the title");
    assert_eq!(title_row, 1, "{text}");
    let comments: String = (1..ROWS - 3)
        .map(|r| row_text(&screen, r, split + 1, COLS - split - 2) + "\n")
        .collect();
    assert_eq!(comments.matches(VISIBLE).count(), 2, "{comments}");
    assert_plain(&screen);
    assert_frame_whole(&screen, &[(0, split - 1), (split, COLS - 1)]);

    // What the output asked of the terminal: nothing but drawing.
    let requests = pty.requests();
    assert!(
        requests.titles.is_empty(),
        "title set: {:?}",
        requests.titles
    );
    assert!(requests.icon_names.is_empty(), "{:?}", requests.icon_names);
    assert_eq!(requests.bells, 0, "bells rung");
    assert_eq!(requests.clipboard, 0, "the clipboard was used");
    assert!(requests.other_osc.is_empty(), "{:?}", requests.other_osc);
    assert!(
        !requests.other_csi.iter().any(|s| s.ends_with('n')),
        "a status report was asked for: {:?}",
        requests.other_csi
    );
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    for hostile in [
        "pwned", "\x1b]", "\x1b[2J", "\x1b[31m", "\u{9b}", "\u{202e}", "\x07",
    ] {
        assert!(!raw.contains(hostile), "the terminal was sent {hostile:?}");
    }

    pty.press("q");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let screen = pty.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor());
    let _ = std::fs::remove_dir_all(&dir);
}
