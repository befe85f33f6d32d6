//! What the app's work off the loop reports back: a refresh's progress and end, the store's
//! list and saved marks, a rebuilt store, notices.

use std::collections::HashMap;

use crate::model::{Headline, Listing};
use crate::sanitize;
use crate::store::FeedStatus;
use crate::store::worker::TextsFor;
use crate::tui::state::{AppState, Mark};

use super::{Effect, RefreshOutcome};

pub(super) fn refresh_progress(state: &mut AppState, done: usize, total: usize) {
    state.status = format!("refreshing {done}/{total}");
    state.dirty = true;
}

/// A refresh ended: its failures are kept for their groups, and the new list asked for.
pub(super) fn refresh_done(
    state: &mut AppState,
    result: Result<RefreshOutcome, String>,
) -> Vec<Effect> {
    state.refreshing = false;
    state.dirty = true;
    match result {
        Ok(refreshed) => {
            // Failing feeds show on their groups before the store's list and feeds come.
            let mut feeds = std::mem::take(&mut state.feeds);
            for feed in feeds.iter_mut() {
                feed.last_error = None;
            }
            for failure in refreshed.failures {
                let reason = Some(sanitize::line(&failure.reason));
                match feeds.iter_mut().find(|f| f.url == failure.url) {
                    Some(feed) => feed.last_error = reason,
                    None => feeds.push(FeedStatus {
                        url: failure.url,
                        name: sanitize::line(&failure.name),
                        last_error: reason,
                    }),
                }
            }
            state.set_feeds(feeds);
            state.status = sanitize::line(&refreshed.summary);
            vec![Effect::LoadHeadlines]
        }
        Err(e) => {
            state.status = format!("refresh failed: {}", sanitize::line(&e));
            Vec::new()
        }
    }
}

/// `[refresh] every` passed: a refresh like `r`'s, unless one runs.
pub(super) fn refresh_due(state: &mut AppState) -> Vec<Effect> {
    if state.refreshing {
        return Vec::new();
    }
    state.dirty = true;
    super::list::refresh(state)
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
pub(super) fn headlines_loaded(state: &mut AppState, result: Result<Listing, String>) {
    let first_page_only = state.loading_rest.take().is_some();
    match result {
        Ok(mut listing) => {
            let headlines = &mut listing.index;
            // Marks not saved yet when the list was read: the reader's are newer.
            let unsaved: HashMap<i64, Vec<Mark>> =
                state
                    .unsaved_marks
                    .iter()
                    .fold(HashMap::new(), |mut by_id, (ids, mark)| {
                        for id in ids {
                            by_id.entry(*id).or_default().push(*mark);
                        }
                        by_id
                    });
            for i in 0..headlines.len() {
                for mark in unsaved.get(&headlines.id(i)).into_iter().flatten() {
                    match *mark {
                        Mark::Read(read) => headlines.set_read(i, read),
                        Mark::Starred(starred) => headlines.set_starred(i, starred),
                    }
                }
            }
            // Titles found before may have changed, or have new neighbours.
            state.search.titles = None;
            state.set_headlines(listing);
        }
        Err(e) if first_page_only => {
            state.status = format!("could not read every headline: {}", sanitize::line(&e))
        }
        Err(e) => state.status = format!("could not read the headlines: {}", sanitize::line(&e)),
    }
    state.dirty = true;
}

/// The subscribed feeds as the store has them: their names and last errors, whichever
/// process refreshed them.
pub(super) fn feeds_loaded(state: &mut AppState, result: Result<Vec<FeedStatus>, String>) {
    match result {
        Ok(feeds) => state.set_feeds(
            feeds
                .into_iter()
                .map(|f| FeedStatus {
                    name: sanitize::line(&f.name),
                    last_error: f.last_error.as_deref().map(sanitize::line),
                    url: f.url,
                })
                .collect(),
        ),
        Err(e) => state.status = format!("could not read the feeds: {}", sanitize::line(&e)),
    }
    state.dirty = true;
}

/// The store's answer to a read of headlines' texts: the list's rows (and the headline that
/// waited for them to open), or what joins the queue.
pub(super) fn texts_read(
    state: &mut AppState,
    asked: &[i64],
    purpose: TextsFor,
    result: Result<Vec<Headline>, String>,
) -> Vec<Effect> {
    state.dirty = true;
    match purpose {
        TextsFor::Queue => super::queue::add_read(state, asked, result),
        TextsFor::List => {
            let failed = result.is_err();
            state.texts_read(asked, result);
            // The headline waiting to open, when this is the answer it waited for.
            let Some(id) = state.open_when_read.filter(|id| asked.contains(id)) else {
                return Vec::new();
            };
            state.open_when_read = None;
            if failed {
                // Said by `texts_read`.
                Vec::new()
            } else if state.texts.get(id).is_none() {
                state.status = "that headline is no longer in the store".to_string();
                Vec::new()
            } else if state.selected_id() == Some(id) {
                super::list::open_selected(state)
            } else {
                Vec::new()
            }
        }
    }
}
