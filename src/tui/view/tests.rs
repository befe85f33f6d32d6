//! Screens drawn through `TestBackend` and compared with the text in `snapshots/`.
//! `HERALD_UPDATE_SNAPSHOTS=1 cargo test --lib tui` rewrites them after a deliberate change.

use std::path::PathBuf;
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

fn check(name: &str, state: &AppState) {
    let got = screen(state);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/tui/snapshots")
        .join(format!("{name}_{}x{}.txt", state.size.0, state.size.1));
    if std::env::var_os("HERALD_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("snapshot dir");
        std::fs::write(&path, &got).expect("snapshot written");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with HERALD_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert!(
        got == want,
        "{name} at {}x{} differs from {}:\n{got}",
        state.size.0,
        state.size.1,
        path.display()
    );
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
    for b in crate::tui::keymap::BINDINGS {
        assert!(text.contains(b.help), "help lacks {:?}", b.action);
    }
}

#[test]
fn nothing_cached_says_how_to_fetch() {
    let s = AppState::new(Vec::new(), (80, 24));
    let text = screen(&s);
    assert!(text.contains("No headlines yet. Press r to fetch your feeds."));
}
