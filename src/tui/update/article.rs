//! The open article: it arrives, is laid out again for a new width, and asks for the pictures
//! that come into view.

use crate::article::Article;
use crate::sanitize;
use crate::tui::images::{ImageState, Picture};
use crate::tui::state::{AppState, Loadable};

use super::player::follow_speech;
use super::{Effect, Layout};

/// Pictures this many screens below the view are loaded already, so that scrolling down
/// finds them ready.
const LOOKAHEAD_SCREENS: usize = 1;

pub(super) fn loaded(
    state: &mut AppState,
    id: i64,
    result: Result<Box<Article>, String>,
    notice: Option<String>,
    layout: Option<Layout>,
) -> Vec<Effect> {
    let width = state.article_width();
    let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    match result {
        Ok(article) => {
            // Laid out for a width the terminal no longer has: shown meanwhile, and
            // laid out again.
            let layout = layout.unwrap_or_else(|| Layout {
                width,
                rendered: article.render_for(width, state.pictures),
            });
            if layout.width != width {
                effects.push(Effect::LayOut {
                    id,
                    article: article.clone(),
                    width,
                });
            }
            open.rendered = Some(layout.rendered);
            open.rendered_width = layout.width;
            open.title = article.title.clone();
            if let Some(narration) = article.narration.clone() {
                effects.push(Effect::ProbeRecording {
                    item: id,
                    narration,
                });
            }
            open.article = Loadable::Loaded(*article);
            // Asked once the article is in: its saved text is then in the index, to match.
            effects.push(Effect::LoadRelated { id });
        }
        Err(e) => open.article = Loadable::Failed(sanitize::line(&e)),
    }
    let play = std::mem::take(&mut open.play_when_loaded);
    if let Some(notice) = notice {
        state.status = sanitize::line(&notice);
    }
    state.dirty = true;
    if play {
        effects.extend(super::queue::play_open(state));
    }
    effects
}

/// The open article laid out again for a new width: the reader keeps their place.
pub(super) fn laid_out(state: &mut AppState, id: i64, layout: Layout) -> Vec<Effect> {
    let rows = state.article_rows();
    let current = state.article_width();
    let Some(open) = state
        .open
        .as_mut()
        .filter(|o| o.id == id && layout.width == current)
    else {
        return Vec::new();
    };
    // The paragraph at the top stays at the top.
    let top_block = open.rendered.as_ref().and_then(|r| {
        r.lines[open.scroll.min(r.lines.len())..]
            .iter()
            .find_map(|l| l.block)
    });
    let lines = &layout.rendered.lines;
    open.scroll = top_block
        .and_then(|b| lines.iter().position(|l| l.block == Some(b)))
        .unwrap_or(0)
        .min(lines.len().saturating_sub(rows));
    if open.rendered_width != layout.width {
        // Encoded for the old width: encoded again (from the kept copy) as they show.
        open.images.clear();
    }
    open.rendered = Some(layout.rendered);
    open.rendered_width = layout.width;
    follow_speech(state);
    state.dirty = true;
    Vec::new()
}

/// Lays the comments out again when their width changed, and asks for the article to be
/// laid out again when its width did (shown as it was meanwhile).
pub(super) fn relayout(state: &mut AppState) -> Vec<Effect> {
    let width = state.article_width();
    let comments_width = state.comments_width();
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    if open.comments_width != comments_width {
        open.relayout_comments(comments_width);
    }
    match &open.article {
        Loadable::Loaded(article) if open.rendered_width != width => vec![Effect::LayOut {
            id: open.id,
            article: Box::new(article.clone()),
            width,
        }],
        _ => Vec::new(),
    }
}

pub(super) fn image_loaded(
    state: &mut AppState,
    id: i64,
    url: String,
    result: Result<Picture, String>,
) -> Vec<Effect> {
    // Only the load asked for last counts: the article may have closed, or been laid out for
    // another width since.
    let Some(open) = state
        .open
        .as_mut()
        .filter(|o| o.id == id && o.images.get(&url) == Some(&ImageState::Loading))
    else {
        return Vec::new();
    };
    let image = match result {
        Ok(picture) => ImageState::Ready(picture),
        Err(e) => ImageState::Failed(sanitize::line(&e)),
    };
    open.images.insert(url, image);
    state.dirty = true;
    Vec::new()
}

/// Loads for the pictures of the open article that are in view or about to be and not yet
/// asked for; each is marked loading, so it is asked for once.
pub(super) fn wanted_images(state: &mut AppState) -> Vec<Effect> {
    if !state.pictures {
        return Vec::new();
    }
    let rows = state.article_rows();
    let cols = state.article_width();
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    let Some(rendered) = &open.rendered else {
        return Vec::new();
    };
    let top = open.scroll;
    let bottom = open.scroll + rows * (1 + LOOKAHEAD_SCREENS);
    let mut effects = Vec::new();
    for image in &rendered.images {
        let visible = image.line < bottom && image.line + image.rows > top;
        if visible && !open.images.contains_key(&image.url) {
            open.images.insert(image.url.clone(), ImageState::Loading);
            effects.push(Effect::LoadImage {
                id: open.id,
                url: image.url.clone(),
                cols: u16::try_from(cols).unwrap_or(u16::MAX),
                rows: u16::try_from(image.rows).unwrap_or(u16::MAX),
            });
        }
    }
    effects
}
