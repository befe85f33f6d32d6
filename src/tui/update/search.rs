//! The search box's editing, and `n`/`N` looking for the last search again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::search;
use crate::tui::state::AppState;

use super::Effect;

/// `/`: the search box opens, empty.
pub(super) fn open_box(state: &mut AppState) {
    state.search.typing = Some(String::new());
    state.search.archive = false;
}

/// `n` and `N`: the next or previous match of the last search.
pub(super) fn again(state: &mut AppState, forward: bool) -> Vec<Effect> {
    if state.search.query.is_empty() {
        state.status = "nothing searched yet: / searches".to_string();
        return Vec::new();
    }
    step(state, forward)
}

/// The next match, or the store asked for the titles that match first.
fn step(state: &mut AppState, forward: bool) -> Vec<Effect> {
    search::step(state, forward)
        .map(|needle| Effect::FindTitles { needle })
        .into_iter()
        .collect()
}

/// The store's answer to the list's search: the match found, when it is still the search.
pub(super) fn titles_found(
    state: &mut AppState,
    needle: String,
    result: Result<Vec<i64>, String>,
) -> Vec<Effect> {
    if search::fold_case(&state.search.query) != needle {
        return Vec::new();
    }
    state.dirty = true;
    match result {
        Ok(ids) => {
            state.search.titles = Some((needle, ids.into_iter().collect()));
            step(state, state.search.forward)
        }
        Err(e) => {
            state.status = format!("the search failed: {}", crate::sanitize::line(&e));
            Vec::new()
        }
    }
}

/// Typing after `/` (or `S`): Enter searches, Esc gives up, Backspace and Ctrl-U edit.
pub(super) fn search_box(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(typing) = state.search.typing.as_mut() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            state.search.typing = None;
            state.search.archive = false;
            state.status.clear();
        }
        KeyCode::Enter => {
            let query = typing.trim().to_string();
            state.search.typing = None;
            if std::mem::take(&mut state.search.archive) {
                if !query.is_empty() {
                    return super::archive::ask(state, query);
                }
            } else if !query.is_empty() {
                state.search.query = query;
                return step(state, true);
            }
        }
        KeyCode::Backspace => {
            typing.pop();
        }
        KeyCode::Char('u') if ctrl => typing.clear(),
        KeyCode::Char(c) if !ctrl && typing.chars().count() < 200 => typing.push(c),
        _ => {}
    }
    Vec::new()
}
