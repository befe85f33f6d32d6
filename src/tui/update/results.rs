//! What the app's work off the loop reports back: a refresh's progress and end, the store's
//! list and saved marks, a rebuilt store, notices.

use std::collections::HashMap;

use crate::model::Headline;
use crate::sanitize;
use crate::tui::state::{AppState, Mark};

use super::{Effect, Refreshed};

pub(super) fn refresh_progress(state: &mut AppState, done: usize, total: usize) {
    state.status = format!("refreshing {done}/{total}");
    state.dirty = true;
}

/// A refresh ended: its failures are kept for their groups, and the new list asked for.
pub(super) fn refresh_done(state: &mut AppState, result: Result<Refreshed, String>) -> Vec<Effect> {
    state.refreshing = false;
    state.dirty = true;
    match result {
        Ok(refreshed) => {
            state.feed_errors = refreshed
                .failures
                .into_iter()
                .map(|f| (f.url, (sanitize::line(&f.name), sanitize::line(&f.reason))))
                .collect();
            // Failing feeds have groups of their own, before the new list comes.
            state.regroup();
            state.status = sanitize::line(&refreshed.summary);
            vec![Effect::LoadHeadlines]
        }
        Err(e) => {
            state.status = format!("refresh failed: {}", sanitize::line(&e));
            Vec::new()
        }
    }
}

pub(super) fn mark_saved(state: &mut AppState, error: Option<String>) {
    state.unsaved_marks.pop_front();
    if let Some(e) = error {
        state.status = format!("could not save: {}", sanitize::line(&e));
        state.dirty = true;
    }
}

/// The database was rebuilt: said, and refreshed unless a refresh runs already.
pub(super) fn store_rebuilt(state: &mut AppState, notice: &str) -> Vec<Effect> {
    state.status = sanitize::line(notice);
    state.dirty = true;
    if state.refreshing {
        return Vec::new();
    }
    state.refreshing = true;
    vec![Effect::Refresh]
}

pub(super) fn notice(state: &mut AppState, text: &str) {
    state.status = sanitize::line(text);
    state.dirty = true;
}

/// The whole list as the store has it, with the reader's marks not yet saved laid over it.
pub(super) fn headlines_loaded(state: &mut AppState, result: Result<Vec<Headline>, String>) {
    let first_page_only = state.loading_rest.take().is_some();
    match result {
        Ok(mut headlines) => {
            // Marks not saved yet when the list was read: the reader's are newer.
            let unsaved: HashMap<i64, Vec<Mark>> =
                state
                    .unsaved_marks
                    .iter()
                    .fold(HashMap::new(), |mut by_id, (id, mark)| {
                        by_id.entry(*id).or_default().push(*mark);
                        by_id
                    });
            for h in headlines.iter_mut() {
                for mark in unsaved.get(&h.id).into_iter().flatten() {
                    match *mark {
                        Mark::Read(read) => h.read = read,
                        Mark::Starred(starred) => h.starred = starred,
                    }
                }
            }
            state.set_headlines(headlines);
        }
        Err(e) if first_page_only => {
            state.status = format!("could not read every headline: {}", sanitize::line(&e))
        }
        Err(e) => state.status = format!("could not read the headlines: {}", sanitize::line(&e)),
    }
    state.dirty = true;
}
