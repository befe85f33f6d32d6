//! Other coverage below the open article: it arrives from the store's worker (answers for an
//! article no longer open are dropped), and an item of it opens in place, as its headline
//! would.

use crate::sanitize;
use crate::store::Related;
use crate::tui::state::{AppState, Loadable};

use super::Effect;

/// Other coverage of item `id`, for the article open now only.
pub(super) fn found(state: &mut AppState, id: i64, result: Result<Vec<Related>, String>) {
    let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
        return;
    };
    open.related = match result {
        Ok(items) => Loadable::Loaded(items.into_iter().map(cleaned).collect()),
        Err(e) => {
            // Said in the log, not on the screen: the article is what the reader asked for.
            log::warn!("other coverage of item {id}: {e}");
            Loadable::Failed(sanitize::line(&e))
        }
    };
    state.dirty = true;
}

/// The store's text as the screen may show it.
fn cleaned(mut item: Related) -> Related {
    let h = &mut item.headline;
    h.title = sanitize::line(&h.title);
    h.feed = sanitize::line(&h.feed).into();
    item
}

/// Enter in the article: after a count (`2⏎`), item 2 of other coverage opens.
pub(super) fn enter(state: &mut AppState) -> Vec<Effect> {
    let count = state.open.as_ref().map_or(0, |o| o.related_items().len());
    match state.count {
        Some(n) if n >= 1 && n <= count => open(state, n - 1),
        Some(n) => {
            state.status = match count {
                0 => "no other coverage of this story".to_string(),
                _ => format!("no item {n} of other coverage: there are {count}"),
            };
            Vec::new()
        }
        None if count > 0 => {
            state.status = format!(
                "other coverage is below the article: its number then Enter opens one (1–{count})"
            );
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// Item `n` of other coverage opens as its headline would.
pub(super) fn open(state: &mut AppState, n: usize) -> Vec<Effect> {
    let Some(item) = state
        .open
        .as_ref()
        .and_then(|o| o.related_items().get(n))
        .cloned()
    else {
        return Vec::new();
    };
    super::archive::open_headline(state, item.headline)
}
