//! `update` driven as the app drives it: messages in, the state and the effects checked.

mod archive;
mod article;
mod comments;
mod keys;
mod list;
mod mouse;
mod pages;
mod player;
mod queue;
mod related;
mod search;
mod views;

use std::time::Duration;

use super::*;
use crate::audio::PlayState;
use crate::model::CommentKind;
use crate::refresh::FeedFailure;
use crate::tui::state::{Grouping, Loadable};
use crate::tui::testdata;
use crossterm::event::MouseEvent;

fn app() -> AppState {
    AppState::new(testdata::headlines(), (80, 24))
}

fn key(state: &mut AppState, action: Action) -> Vec<Effect> {
    let effects = update(state, Msg::Key(action));
    as_the_store_would(state, effects)
}

/// Answers the list's search as the store's worker would (from the titles of the list),
/// passing the other effects on.
fn as_the_store_would(s: &mut AppState, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        match effect {
            Effect::FindTitles { needle } => {
                let ids = s
                    .all_headlines()
                    .into_iter()
                    .filter(|h| crate::width::fold_case(&h.title).contains(&needle))
                    .map(|h| h.id)
                    .collect();
                let more = update(
                    s,
                    Msg::TitlesFound {
                        needle,
                        result: Ok(ids),
                    },
                );
                out.extend(as_the_store_would(s, more));
            }
            other => out.push(other),
        }
    }
    out
}

/// Opens headline `index` and delivers its article and comments.
fn opened(index: usize, narrated: bool) -> AppState {
    let mut s = app();
    s.selected = index;
    key(&mut s, Action::Open);
    let id = s.headlines.id(index);
    testdata::deliver(&mut s, id, narrated);
    s
}

fn position(secs: u64, part: Option<usize>) -> Msg {
    Msg::Player(PlayerEvent::Position {
        pos: Duration::from_secs(secs),
        total: Some(Duration::from_secs(252)),
        part,
    })
}

fn type_keys(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(
            s,
            Msg::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
}

fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let effects = update(s, Msg::Input(KeyEvent::new(code, KeyModifiers::NONE)));
    as_the_store_would(s, effects)
}

fn type_and_get(s: &mut AppState, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}
