//! The reading list of a heavy reader: the list narrowed to unread or starred headlines,
//! a feed, a group or the whole view marked read at once (and undone), and the next unread.

use std::collections::HashSet;

use crate::tui::state::{AppState, Focus, Mark, MassMark, Scope};

use super::Effect;

/// `U` and `*`: only unread (or starred) headlines, or all of them again.
pub(super) fn toggle_filter(state: &mut AppState, unread: bool) {
    if unread {
        state.filter.unread_only = !state.filter.unread_only;
    } else {
        state.filter.starred_only = !state.filter.starred_only;
    }
    // Headlines kept while read one by one go with the filter they were kept for.
    state.filter.kept.clear();
    state.regroup();
    state.status = match state.filter.describe() {
        Some(filter) => format!("{filter}: {} headlines", state.shown),
        None => format!("all {} headlines", state.shown),
    };
}

/// `M`, `x`, `X`: the unread headlines of the feed, the group or the view marked read at
/// once, saved in one go, and remembered to be undone.
pub(super) fn mark_read(state: &mut AppState, scope: Scope) -> Vec<Effect> {
    if state.loading_rest.is_some() {
        state.status =
            "the list is still being read: marks of many wait until it is all here".to_string();
        return Vec::new();
    }
    let marked = match state.mark_targets(scope) {
        Ok(marked) => marked,
        Err(why) => {
            state.status = why;
            return Vec::new();
        }
    };
    if marked.ids.is_empty() {
        state.status = format!("{}: nothing unread to mark", marked.what);
        return Vec::new();
    }
    let effect = set_read(state, &marked.ids, true);
    let undo = state.keymap.label(crate::tui::Action::UndoMark);
    state.status = match undo.split(' ').next().filter(|k| !k.is_empty()) {
        Some(key) => format!(
            "{}: {} marked read — {key} to undo",
            marked.what,
            marked.ids.len()
        ),
        None => format!("{}: {} marked read", marked.what, marked.ids.len()),
    };
    state.undo = Some(marked);
    vec![effect]
}

/// `u`: the last mark of many undone, its headlines unread again.
pub(super) fn undo(state: &mut AppState) -> Vec<Effect> {
    let Some(MassMark { ids, what }) = state.undo.take() else {
        state.status =
            "nothing to undo: u undoes the last mark of a feed, a group or the view".to_string();
        return Vec::new();
    };
    let effect = set_read(state, &ids, false);
    state.status = format!("{what}: {} unread again", ids.len());
    vec![effect]
}

/// The headlines `ids` marked, the list laid out again, and the effect that saves them.
fn set_read(state: &mut AppState, ids: &[i64], read: bool) -> Effect {
    let wanted: HashSet<i64> = ids.iter().copied().collect();
    for i in 0..state.headlines.len() {
        if wanted.contains(&state.headlines.id(i)) {
            state.headlines.set_read(i, read);
        }
    }
    for id in ids {
        state.filter.kept.remove(id);
    }
    state.regroup();
    state
        .unsaved_marks
        .push_back((ids.to_vec(), Mark::Read(read)));
    Effect::SetReadMany {
        ids: ids.to_vec(),
        read,
    }
}

/// `.`: the next unread headline in the view, in whatever feed or group, opened (and so
/// marked read, unless `[reading] mark_on_open` is off).
pub(super) fn next_unread(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = state.next_unread_row() else {
        // Only the starred filter hides unread headlines.
        state.status = match state.filter.describe() {
            Some(filter) if state.filter.starred_only => {
                format!("no unread headline in the view ({filter})")
            }
            _ => "no unread headline left".to_string(),
        };
        return Vec::new();
    };
    state.select_row(row, true);
    let effects = super::list::open_selected(state);
    if state.open.is_none() {
        state.focus = Focus::Headlines;
    }
    effects
}
