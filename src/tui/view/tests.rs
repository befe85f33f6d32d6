//! Screens drawn through `TestBackend` and compared with insta snapshots in `snapshots/`.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::audio::{PlayState, PlayerEvent};
use crate::tui::keymap::Action;
use crate::tui::state::AppState;
use crate::tui::testdata;
use crate::tui::update::{Msg, update};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn screen(state: &AppState) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..w {
            let symbol = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(symbol);
            skip = unicode_columns(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Columns a cell's symbol covers (the cells it hides after it are skipped).
fn unicode_columns(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width()
}

/// Compares the screen with its snapshot in `snapshots/` (`cargo insta review`, or
/// `INSTA_UPDATE=always cargo test --lib tui`, after a deliberate change).
fn check(name: &str, state: &AppState) {
    let snapshot = format!("{name}_{}x{}", state.size.0, state.size.1);
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(snapshot, screen(state));
    });
}

fn app(size: (u16, u16)) -> AppState {
    AppState::new(testdata::headlines(), size)
}

fn opened(size: (u16, u16), narrated: bool) -> AppState {
    let mut s = app(size);
    update(&mut s, Msg::Key(Action::Open));
    let id = s.headlines[0].id;
    testdata::deliver(&mut s, id, narrated);
    s
}

#[test]
fn headlines() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Down));
        check("headlines", &s);
    }
}

#[test]
fn article_with_comments() {
    for size in SIZES {
        let s = opened(size, true);
        check("article", &s);
    }
}

#[test]
fn narrow_terminals_show_the_comments_instead_of_the_article() {
    let mut s = opened((80, 24), true);
    update(&mut s, Msg::Key(Action::ToggleComments));
    check("comments", &s);
}

#[test]
fn speech_marks_the_paragraph_being_spoken() {
    for size in SIZES {
        let mut s = opened(size, false);
        update(&mut s, Msg::Key(Action::TogglePlay));
        update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
        update(
            &mut s,
            Msg::Player(PlayerEvent::Position {
                pos: Duration::from_secs(62),
                total: Some(Duration::from_secs(252)),
                part: Some(2),
            }),
        );
        check("speaking", &s);
    }
}

#[test]
fn loading() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Open));
        check("loading", &s);
    }
}

#[test]
fn error() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Open));
        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Err("https://gazette.example/1: connection refused".into()),
                notice: None,
                layout: None,
            },
        );
        update(
            &mut s,
            Msg::CommentsLoaded {
                id: 1,
                result: Err("https://gazette.example/1: connection refused".into()),
            },
        );
        check("error", &s);
    }
}

#[test]
fn help() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Help));
        check("help", &s);
    }
}

#[test]
fn help_lists_every_binding() {
    let s = {
        let mut s = app((160, 48));
        update(&mut s, Msg::Key(Action::Help));
        s
    };
    let text = screen(&s);
    for a in crate::tui::keymap::ACTIONS {
        assert!(text.contains(a.help), "help lacks {}", a.name);
    }
}

#[test]
fn help_shows_the_keys_as_configured() {
    let mut s = app((160, 48));
    let keys = [(
        "refresh".to_string(),
        crate::tui::keymap::KeyList::Many(vec!["R".into(), "f5".into()]),
    )]
    .into();
    s.keymap = crate::tui::Keymap::from_config(&keys).expect("valid").0;
    update(&mut s, Msg::Key(Action::Help));
    let text = screen(&s);
    assert!(text.contains(" R F5       refresh the feeds"), "{text}");
}

#[test]
fn grouped_by_feed() {
    let mut s = app((80, 24));
    s.headlines[2].feed = "Coast Weekly".into();
    s.headlines[2].feed_url = "https://coast.example/feed".into();
    s.regroup();
    update(&mut s, Msg::Key(Action::Group));
    check("grouped", &s);
}

#[test]
fn search_matches_stand_out() {
    let mut s = opened((80, 24), true);
    s.search.query = "forty".into();
    let (w, h) = s.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, &s))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let text = screen(&s);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("forty"))
        .expect("the word shows");
    let x = line[..line.find("forty").expect("found")].chars().count();
    let cell = &buffer[(x as u16, y as u16)];
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        "{cell:?}"
    );
}

/// The style of the first cell showing `symbol`.
fn style_of(state: &AppState, symbol: &str) -> ratatui::style::Style {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let cell = buffer
        .content()
        .iter()
        .find(|c| c.symbol() == symbol)
        .unwrap_or_else(|| panic!("{symbol} not on screen"));
    cell.style()
}

#[test]
fn colours_come_from_the_theme_and_no_color_leaves_only_attributes() {
    let mut s = opened((80, 24), false);
    update(&mut s, Msg::Key(Action::TogglePlay));
    update(
        &mut s,
        Msg::Player(PlayerEvent::Position {
            pos: Duration::from_secs(62),
            total: Some(Duration::from_secs(252)),
            part: Some(1),
        }),
    );
    let spoken = style_of(&s, "▌");
    assert_eq!(spoken.fg, Some(ratatui::style::Color::Yellow));
    let config = [("spoken".to_string(), "#ff8800".to_string())].into();
    s.theme = crate::tui::theme::Theme::from_config(&config, false).expect("valid");
    assert_eq!(
        style_of(&s, "▌").fg,
        Some(ratatui::style::Color::Rgb(0xff, 0x88, 0x00))
    );
    s.theme = crate::tui::theme::Theme::from_config(&config, true).expect("valid");
    let plain = style_of(&s, "▌");
    assert!(
        matches!(plain.fg, None | Some(ratatui::style::Color::Reset)),
        "{plain:?}"
    );
    assert!(plain.add_modifier.contains(ratatui::style::Modifier::BOLD));
}

#[test]
fn nothing_cached_says_how_to_fetch() {
    let s = AppState::new(Vec::new(), (80, 24));
    let text = screen(&s);
    assert!(text.contains("No headlines yet. Press r to fetch your feeds."));
}
