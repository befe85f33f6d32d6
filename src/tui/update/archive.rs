//! `S`: a search of the whole archive (titles, summaries, saved articles and comments), run
//! by the store's worker off the loop; its results, best first, take the list's place until
//! the reader goes back to it.

use crate::model::Headline;
use crate::sanitize;
use crate::store::Hit;
use crate::tui::keymap::Action;
use crate::tui::state::{AppState, ArchiveSearch, Focus, Loadable, Mark, OpenItem, Row};

use super::Effect;

/// `S`: the search box opens, empty, for the archive.
pub(super) fn open_box(state: &mut AppState) {
    state.search.typing = Some(String::new());
    state.search.archive = true;
}

/// Enter in the box: the search is asked for, and its results shown when they come.
pub(super) fn ask(state: &mut AppState, query: String) -> Vec<Effect> {
    state.archive_asked += 1;
    let asked = state.archive_asked;
    state.status = format!("searching the archive for {}…", sanitize::line(&query));
    state.archive = Some(ArchiveSearch {
        asked,
        query: query.clone(),
        results: Loadable::Loading,
        selected: 0,
        offset: 0,
    });
    state.focus = Focus::Headlines;
    vec![Effect::SearchArchive { asked, query }]
}

/// The results of search `asked`; those of a search since replaced or closed are dropped.
pub(super) fn found(state: &mut AppState, asked: u64, result: Result<Vec<Hit>, String>) {
    let Some(archive) = state.archive.as_mut().filter(|a| a.asked == asked) else {
        return;
    };
    let query = sanitize::line(&archive.query);
    match result {
        Ok(hits) => {
            state.status = match hits.len() {
                0 => format!("nothing matches {query} · S searches again, Esc back to the list"),
                n => format!("{n} found for {query} · Enter opens, Esc back to the list"),
            };
            archive.results = Loadable::Loaded(hits.into_iter().map(cleaned).collect());
        }
        Err(e) => {
            let e = sanitize::line(&e);
            state.status = e.clone();
            archive.results = Loadable::Failed(e);
        }
    }
    state.dirty = true;
}

/// The store's text as the screen may show it: snippets keep their spaces at the ends.
fn cleaned(mut hit: Hit) -> Hit {
    let h = &mut hit.headline;
    h.title = sanitize::line(&h.title);
    h.feed = sanitize::line(&h.feed).into();
    for (text, _) in &mut hit.snippet {
        *text = sanitize::text(text).replace(['\n', '\t'], " ");
    }
    hit
}

/// The keys the results take while they show; `None` leaves the key to the app.
pub(super) fn key(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let count = match &state.archive.as_ref()?.results {
        Loadable::Loaded(hits) => hits.len(),
        _ => 0,
    };
    // Each result takes two rows.
    let page = (state.list_rows() / 2).max(2) - 1;
    let delta: isize = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -(page as isize),
        Action::PageDown => page as isize,
        Action::Top => isize::MIN,
        Action::Bottom => isize::MAX,
        Action::Open => return Some(open(state)),
        Action::OpenInBrowser => return Some(open_in_browser(state)),
        Action::Back => {
            state.archive = None;
            state.status = "back to the list".to_string();
            return Some(Vec::new());
        }
        // What acts on the list under the results would act unseen.
        Action::ToggleRead
        | Action::ToggleStar
        | Action::Group
        | Action::Search
        | Action::SearchNext
        | Action::SearchPrevious
        | Action::UnreadOnly
        | Action::StarredOnly
        | Action::MarkFeedRead
        | Action::MarkGroupRead
        | Action::MarkViewRead
        | Action::UndoMark
        | Action::NextUnread
        | Action::QueueAdd
        | Action::QueueAll => {
            state.status = "Esc goes back to the list first".to_string();
            return Some(Vec::new());
        }
        _ => return None,
    };
    let shown = (state.list_rows() / 2).max(1);
    let archive = state.archive.as_mut()?;
    let last = count.saturating_sub(1);
    archive.selected = match delta {
        isize::MIN => 0,
        isize::MAX => last,
        d => archive.selected.saturating_add_signed(d).min(last),
    };
    if archive.selected < archive.offset {
        archive.offset = archive.selected;
    } else if archive.selected >= archive.offset + shown {
        archive.offset = archive.selected + 1 - shown;
    }
    Some(Vec::new())
}

fn selected(state: &AppState) -> Option<&Hit> {
    let archive = state.archive.as_ref()?;
    archive.results.loaded()?.get(archive.selected)
}

/// Enter: the result opens as its headline in the list would.
fn open(state: &mut AppState) -> Vec<Effect> {
    match selected(state) {
        Some(hit) => open_headline(state, hit.headline.clone()),
        None => Vec::new(),
    }
}

/// `h` opens as its headline in the list would (marked read); one the list does not hold
/// (it is still being read, or it is not in the list's view) opens by itself.
pub(super) fn open_headline(state: &mut AppState, h: Headline) -> Vec<Effect> {
    let row = state
        .rows
        .iter()
        .position(|r| matches!(r, Row::Headline(i) if state.headlines.id(*i as usize) == h.id));
    if let Some(row) = row {
        state.selected = row;
        state.keep_selection_visible();
        // Its texts are here: it opens without waiting for the store.
        state.texts.add(vec![h]);
        return super::list::open_selected(state);
    }
    if state.open.as_ref().is_some_and(|o| o.id == h.id) {
        state.focus = Focus::Article;
        return Vec::new();
    }
    let Some(url) = h.link else {
        state.status = "this item has no link to open".to_string();
        return Vec::new();
    };
    let mut effects = Vec::new();
    if !h.read && state.mark_on_open {
        effects.push(super::list::mark(state, h.id, Mark::Read(true)));
    }
    state.open = Some(OpenItem::new(h.id, url.clone(), h.title));
    state.focus = Focus::Article;
    effects.push(Effect::LoadArticle {
        id: h.id,
        url: url.clone(),
        width: state.article_width(),
    });
    effects.push(Effect::LoadComments { id: h.id, url });
    effects
}

fn open_in_browser(state: &mut AppState) -> Vec<Effect> {
    match selected(state).and_then(|h| h.headline.link.clone()) {
        Some(url) => {
            state.status = format!("opening {}", sanitize::line(&url));
            vec![Effect::OpenInBrowser(url)]
        }
        None => {
            state.status = "nothing to open".to_string();
            Vec::new()
        }
    }
}
