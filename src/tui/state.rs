//! Everything the app shows, as plain data: `update` changes it, the views only read it.

use std::time::Duration;

use crate::article::{Article, Rendered};
use crate::audio::PlayState;
use crate::model::{CommentThread, Headline};
use crate::store::HeadlineCounts;

/// Which pane takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Headlines,
    Article,
    Comments,
    /// The help overlay, over the pane that had the focus before.
    Help,
}

/// Something fetched off the draw path.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Loading,
    Loaded(T),
    /// Why it could not be had, for a person.
    Failed(String),
}

impl<T> Loadable<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(t) => Some(t),
            _ => None,
        }
    }
}

/// The item being read: results for any other id are stale and dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenItem {
    pub id: i64,
    pub url: String,
    /// The headline's title, shown until the article has loaded.
    pub title: String,
    pub article: Loadable<Article>,
    /// The article laid out for [`OpenItem::rendered_width`] columns.
    pub rendered: Option<Rendered>,
    pub rendered_width: usize,
    pub comments: Loadable<CommentThread>,
    /// First body line shown.
    pub scroll: usize,
    /// First comment line shown.
    pub comments_scroll: usize,
    /// The view follows the paragraph being spoken until the reader scrolls away.
    pub follow: bool,
}

/// What the player is doing, as far as its events told.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerSnapshot {
    pub state: PlayState,
    pub pos: Duration,
    pub total: Option<Duration>,
    /// The narration part being spoken (0 is the title, `i + 1` paragraph `i`).
    pub part: Option<usize>,
    pub title: String,
    /// The headline whose narration is loaded, if any.
    pub item: Option<i64>,
    /// Synthesized speech rather than the article's recording.
    pub speech: bool,
    pub volume: f32,
}

impl Default for PlayerSnapshot {
    fn default() -> Self {
        PlayerSnapshot {
            state: PlayState::Stopped,
            pos: Duration::ZERO,
            total: None,
            part: None,
            title: String::new(),
            item: None,
            speech: false,
            volume: 1.0,
        }
    }
}

impl PlayerSnapshot {
    /// The paragraph being spoken, when speech is playing one.
    pub fn paragraph(&self) -> Option<usize> {
        self.part
            .filter(|_| self.speech)
            .and_then(|p| p.checked_sub(1))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub focus: Focus,
    /// The focus to return to when help closes.
    pub before_help: Focus,
    pub headlines: Vec<Headline>,
    /// Set while `headlines` holds only the first page of the list (at start-up, until the
    /// whole list has been read off the draw path): the whole list's counts.
    pub loading_rest: Option<HeadlineCounts>,
    pub selected: usize,
    pub open: Option<OpenItem>,
    pub player: PlayerSnapshot,
    pub status: String,
    /// A refresh is running.
    pub refreshing: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
}

/// Below this width the comments replace the article instead of sitting beside it.
pub const WIDE: u16 = 120;
/// Rows above the body in the article pane: title, byline, listen bar, blank.
pub const ARTICLE_HEADER: u16 = 4;
/// Rows below every screen: the player bar and the status line.
pub const FOOTER: u16 = 2;
/// Columns left of the article's text, where the spoken paragraph is marked.
pub const GUTTER: u16 = 2;

impl AppState {
    pub fn new(headlines: Vec<Headline>, size: (u16, u16)) -> AppState {
        let status = if headlines.is_empty() {
            "no headlines cached yet: press r to refresh, ? for help".to_string()
        } else {
            format!("{} headlines · ? for help", headlines.len())
        };
        AppState {
            focus: Focus::Headlines,
            before_help: Focus::Headlines,
            headlines,
            loading_rest: None,
            selected: 0,
            open: None,
            player: PlayerSnapshot::default(),
            status,
            refreshing: false,
            size,
            dirty: true,
            quit: false,
        }
    }

    /// The first page of a list of `counts.total` headlines; the whole list follows as
    /// [`Msg::HeadlinesLoaded`](super::Msg::HeadlinesLoaded).
    pub fn first_page(page: Vec<Headline>, counts: HeadlineCounts, size: (u16, u16)) -> AppState {
        let mut state = AppState::new(page, size);
        if counts.total > state.headlines.len() {
            state.status = format!("{} headlines · ? for help", counts.total);
            state.loading_rest = Some(counts);
        }
        state
    }

    /// Unread headlines in the whole list, also while only its first page is here.
    pub fn unread(&self) -> usize {
        match self.loading_rest {
            Some(counts) => counts.unread,
            None => self.headlines.iter().filter(|h| !h.read).count(),
        }
    }

    /// Comments sit beside the article.
    pub fn wide(&self) -> bool {
        self.size.0 >= WIDE
    }

    /// The width the article's text is laid out for: inside its border, after the gutter that
    /// marks the paragraph being spoken.
    pub fn article_width(&self) -> usize {
        let cols = if self.wide() {
            article_columns(self.size.0)
        } else {
            self.size.0
        };
        usize::from(cols.saturating_sub(2 + GUTTER)).max(20)
    }

    /// The width of the comments' text (inside their border).
    pub fn comments_width(&self) -> usize {
        let cols = if self.wide() {
            self.size.0 - article_columns(self.size.0)
        } else {
            self.size.0
        };
        usize::from(cols.saturating_sub(2))
    }

    /// How many rows the comments pane shows.
    pub fn comments_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(FOOTER + 2).max(1))
    }

    /// How many body lines the article pane shows.
    pub fn article_rows(&self) -> usize {
        usize::from(
            self.size
                .1
                .saturating_sub(FOOTER + ARTICLE_HEADER + 2)
                .max(1),
        )
    }

    /// The screen behind the help overlay, or the focus itself.
    pub fn screen(&self) -> Focus {
        match self.focus {
            Focus::Help => self.before_help,
            f => f,
        }
    }
}

/// Columns of the article pane when the comments sit beside it (the rest is theirs).
pub fn article_columns(total: u16) -> u16 {
    total.saturating_mul(3) / 5
}
