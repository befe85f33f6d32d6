//! The comments pane: the thread arrives, j/k step through it, Enter folds a thread or loads
//! the replies a "N more replies" stub stands for, and those replies take the stub's place.

use crate::model::{Comment, CommentKind, CommentThread};
use crate::sanitize;
use crate::tui::state::{AppState, CommentRowKind, Loadable};

use super::Effect;

pub(super) fn loaded(
    state: &mut AppState,
    id: i64,
    result: Result<CommentThread, String>,
) -> Vec<Effect> {
    let width = state.comments_width();
    let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
        return Vec::new();
    };
    open.comments = match result {
        Ok(thread) => Loadable::Loaded(thread),
        Err(e) => Loadable::Failed(sanitize::line(&e)),
    };
    open.relayout_comments(width);
    state.dirty = true;
    Vec::new()
}

/// Enter in the comments: a stub's replies are asked for, any other comment folds.
pub(super) fn enter(state: &mut AppState) -> Vec<Effect> {
    match more_replies(state) {
        Some(effect) => vec![effect],
        None => {
            fold(state);
            Vec::new()
        }
    }
}

/// The replies a stub stood for, spliced in its place (its depth added to theirs).
pub(super) fn more_replies_loaded(
    state: &mut AppState,
    id: i64,
    stub: usize,
    children: Vec<String>,
    result: Result<Vec<Comment>, String>,
) -> Vec<Effect> {
    let width = state.comments_width();
    let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
        return Vec::new();
    };
    let Loadable::Loaded(thread) = &mut open.comments else {
        return Vec::new();
    };
    // The stub must still be where it was (the thread may have been reloaded).
    let Some(at) = thread
        .comments
        .get(stub)
        .filter(|c| matches!(&c.kind, CommentKind::More { children: k, .. } if *k == children))
    else {
        return Vec::new();
    };
    match result {
        Ok(replies) => {
            let (depth, parent) = (at.depth, at.parent.clone());
            let added = replies.len();
            // A reply may come with a stub of its own, which is not a reply yet.
            let loaded = replies
                .iter()
                .filter(|c| !matches!(c.kind, CommentKind::More { .. }))
                .count();
            let replies = replies.into_iter().map(|mut c| {
                c.depth += depth;
                if c.parent.is_none() {
                    c.parent = parent.clone();
                }
                c
            });
            thread.comments.splice(stub..=stub, replies);
            // Folds below the stub moved with the comments.
            open.folded = open
                .folded
                .iter()
                .map(|&f| if f > stub { f + added - 1 } else { f })
                .collect();
            open.relayout_comments(width);
            state.status = format!(
                "{loaded} more {} loaded",
                if loaded == 1 { "reply" } else { "replies" }
            );
        }
        Err(e) => state.status = format!("could not load more replies: {}", sanitize::line(&e)),
    }
    state.dirty = true;
    Vec::new()
}

/// j/k in the comments: a long comment scrolls line by line until its end shows, then the
/// next comment is selected.
pub(super) fn step(state: &mut AppState, down: bool) {
    let rows = state.comments_rows();
    let Some(open) = state.open.as_mut() else {
        return;
    };
    let Some((first, last)) = open.comment_span(open.comment_selected) else {
        return;
    };
    let bottom = open.comments_scroll + rows;
    if down {
        if last >= bottom {
            open.comments_scroll += 1;
            return;
        }
        let Some(next) = open.comment_rows.get(last + 1).map(|r| r.comment) else {
            return;
        };
        open.comment_selected = next;
    } else {
        // The header (the row after the blank that separates comments) out of view: scroll.
        let header = open.comment_rows[first..=last]
            .iter()
            .position(|r| r.kind == CommentRowKind::Header)
            .map_or(first, |p| first + p);
        if header < open.comments_scroll {
            open.comments_scroll -= 1;
            return;
        }
        let Some(previous) = first.checked_sub(1).map(|i| open.comment_rows[i].comment) else {
            return;
        };
        open.comment_selected = previous;
    }
    open.show_comment(rows);
}

/// Enter on a "N more replies" stub: ask for them.
fn more_replies(state: &mut AppState) -> Option<Effect> {
    let open = state.open.as_ref()?;
    let stub = open.comment_selected;
    let comment = open.comments.loaded()?.comments.get(stub)?;
    let CommentKind::More { count, children } = &comment.kind else {
        return None;
    };
    state.status = format!(
        "loading {count} more {}…",
        if *count == 1 { "reply" } else { "replies" }
    );
    Some(Effect::LoadMoreReplies {
        id: open.id,
        url: open.url.clone(),
        stub,
        children: children.clone(),
    })
}

/// Folds the selected comment's replies, or unfolds them.
pub(super) fn fold(state: &mut AppState) {
    let width = state.comments_width();
    let rows = state.comments_rows();
    let Some(open) = state.open.as_mut() else {
        return;
    };
    let Some(thread) = open.comments.loaded() else {
        return;
    };
    let selected = open.comment_selected;
    let Some(depth) = thread.comments.get(selected).map(|c| c.depth) else {
        return;
    };
    let replies = thread.comments[selected + 1..]
        .iter()
        .take_while(|c| c.depth > depth)
        .count();
    if replies == 0 {
        state.status = "no replies to fold".to_string();
        return;
    }
    if !open.folded.remove(&selected) {
        open.folded.insert(selected);
    }
    open.relayout_comments(width);
    open.show_comment(rows);
}
