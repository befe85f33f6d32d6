//! The headline list: opening a headline, marks, the browser, grouping and refreshing.

use crate::sanitize;
use crate::tui::state::{AppState, Focus, Grouping, Mark, OpenItem};

use super::Effect;

pub(super) fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = state.selected_index() else {
        return Vec::new();
    };
    if index >= state.headlines.len() {
        return Vec::new();
    }
    let id = state.headlines.id(index);
    if state.open.as_ref().is_some_and(|o| o.id == id) {
        state.focus = Focus::Article;
        return Vec::new();
    }
    let Some(texts) = state.texts_at(index) else {
        // Its texts are on their way (it has just come into view): it opens when they come.
        state.open_when_read = Some(id);
        state.status = "opening…".to_string();
        return Vec::new();
    };
    let Some(url) = texts.link.clone() else {
        state.status = "this headline has no link to open".to_string();
        return Vec::new();
    };
    let (title, was_read) = (texts.title.clone(), state.headlines.read(index));
    let mut effects = Vec::new();
    if !was_read && state.mark_on_open {
        state.headlines.set_read(index, true);
        effects.push(mark(state, id, Mark::Read(true)));
        if let Some(counts) = state.loading_rest.as_mut() {
            counts.unread = counts.unread.saturating_sub(1);
        }
        keep_listed(state, id);
        if state.grouping != Grouping::Newest {
            state.regroup();
        }
    }
    state.open = Some(OpenItem::new(id, url.clone(), title));
    state.focus = Focus::Article;
    effects.push(Effect::LoadArticle {
        id,
        url: url.clone(),
        width: state.article_width(),
    });
    effects.push(Effect::LoadPosition {
        item: id,
        url: url.clone(),
    });
    effects.push(Effect::LoadComments { id, url });
    effects
}

/// The position in the list of the headline the keys act on: the selected one in the list,
/// else the one being read.
fn target_headline(state: &AppState) -> Option<usize> {
    match state.focus {
        Focus::Headlines => state.selected_index(),
        _ => state.headlines.position(state.open.as_ref()?.id),
    }
    .filter(|&i| i < state.headlines.len())
}

pub(super) fn toggle_read(state: &mut AppState) -> Vec<Effect> {
    let Some(i) = target_headline(state) else {
        return Vec::new();
    };
    let (id, read) = (state.headlines.id(i), !state.headlines.read(i));
    state.headlines.set_read(i, read);
    state.status = if read { "marked read" } else { "marked unread" }.to_string();
    keep_listed(state, id);
    if state.grouping != Grouping::Newest {
        state.regroup();
    }
    vec![mark(state, id, Mark::Read(read))]
}

pub(super) fn toggle_star(state: &mut AppState) -> Vec<Effect> {
    let Some(i) = target_headline(state) else {
        return Vec::new();
    };
    let (id, starred) = (state.headlines.id(i), !state.headlines.starred(i));
    state.headlines.set_starred(i, starred);
    state.status = if starred { "starred" } else { "unstarred" }.to_string();
    keep_listed(state, id);
    vec![mark(state, id, Mark::Starred(starred))]
}

/// A headline marked one by one stays in a filtered list until the filter changes.
fn keep_listed(state: &mut AppState, id: i64) {
    if state.filter.active() {
        state.filter.kept.insert(id);
    }
}

/// The effect that saves a mark, remembered until the store's worker says it is saved.
pub(super) fn mark(state: &mut AppState, id: i64, mark: Mark) -> Effect {
    state.unsaved_marks.push_back((vec![id], mark));
    match mark {
        Mark::Read(read) => Effect::SetRead { id, read },
        Mark::Starred(starred) => Effect::SetStarred { id, starred },
    }
}

/// `o`: the article in the browser; after a count (`3o`), the article's link 3.
pub(super) fn open_in_browser(state: &mut AppState) -> Vec<Effect> {
    let url = match (state.focus, state.count, &state.open) {
        (Focus::Article | Focus::Comments, Some(n), Some(open)) => {
            let links = open.rendered.as_ref().map_or(&[][..], |r| &r.links[..]);
            match n.checked_sub(1).and_then(|i| links.get(i)) {
                Some(link) => link.clone(),
                None => {
                    state.status = format!("no link [{n}]: this article has {}", links.len());
                    return Vec::new();
                }
            }
        }
        (Focus::Article | Focus::Comments, None, Some(open)) => open.url.clone(),
        _ => match state
            .selected_index()
            .and_then(|i| state.texts_at(i))
            .and_then(|h| h.link.clone())
        {
            Some(link) => link,
            None => {
                state.status = "nothing to open".to_string();
                return Vec::new();
            }
        },
    };
    state.status = format!("opening {}", sanitize::line(&url));
    vec![Effect::OpenInBrowser(url)]
}

/// `t`: newest first, by feed, by tag (when feeds are tagged), and round again.
pub(super) fn group(state: &mut AppState) {
    let tagged = state.tags.values().any(|t| !t.is_empty());
    state.grouping = match state.grouping {
        Grouping::Newest => Grouping::ByFeed,
        Grouping::ByFeed if tagged => Grouping::ByTag,
        _ => Grouping::Newest,
    };
    state.regroup();
    state.status = match state.grouping {
        Grouping::Newest => "newest first",
        Grouping::ByFeed => "grouped by feed",
        Grouping::ByTag => "grouped by tag",
    }
    .to_string();
}

/// `r`: one refresh at a time.
pub(super) fn refresh(state: &mut AppState) -> Vec<Effect> {
    if state.refreshing {
        return Vec::new();
    }
    state.refreshing = true;
    state.status = "refreshing…".to_string();
    vec![Effect::Refresh]
}
