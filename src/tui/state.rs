//! Everything the app shows, as plain data: `update` changes it, the views only read it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::article::{Article, Rendered};
use crate::audio::PlayState;
use crate::model::{CommentKind, CommentThread, Headline, HeadlineIndex, Listing};
use crate::store::{FeedStatus, HeadlineCounts};

use super::images::Images;
use super::keymap::Keymap;
use super::screen::{Screen, Shown};
use super::theme::Theme;

mod pages;
mod queue;
mod related;
mod rows;
pub use pages::Texts;
pub use queue::Queue;
pub use related::RelatedRow;
pub use rows::{Filter, MassMark, Scope};

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
    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading)
    }

    pub fn loaded(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(t) => Some(t),
            _ => None,
        }
    }
}

/// How the headline list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Newest,
    ByFeed,
    ByTag,
}

/// One row of the headline list: 8 bytes, as there is one per headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// An index into `AppState::groups`.
    Group(u32),
    /// An index into `AppState::headlines`.
    Headline(u32),
}

impl Row {
    /// The headline's position in `AppState::headlines`, for a headline's row.
    pub fn headline(self) -> Option<usize> {
        match self {
            Row::Headline(i) => Some(i as usize),
            Row::Group(_) => None,
        }
    }
}

/// A group's header in the headline list.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub unread: usize,
    pub total: usize,
    /// Why the feed's last refresh failed (grouped by feed only).
    pub error: Option<String>,
}

/// One row of the comments pane, laid out for a width.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentRow {
    /// Index into the thread's comments.
    pub comment: usize,
    pub kind: CommentRowKind,
    /// Spaces before the text.
    pub indent: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentRowKind {
    /// `author · date`, with how many replies a fold hides.
    Header,
    Text,
    Blank,
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
    /// The comments laid out for `comments_width`, folds applied.
    pub comment_rows: Vec<CommentRow>,
    pub comments_width: usize,
    /// The selected comment (an index into the thread).
    pub comment_selected: usize,
    /// Comments whose replies are hidden.
    pub folded: HashSet<usize>,
    /// First body line shown.
    pub scroll: usize,
    /// First comment row shown.
    pub comments_scroll: usize,
    /// The view follows the paragraph being spoken until the reader scrolls away.
    pub follow: bool,
    /// A paragraph the reader clicked: `p` speaks from it.
    pub chosen: Option<usize>,
    /// The length of the article's recording, learned before it plays.
    pub recording_total: Option<Duration>,
    /// Where the listener stopped in the article's recording: playing it starts there.
    pub resume_at: Option<Duration>,
    /// The part of its speech the listener stopped in (1 is the first paragraph).
    pub resume_part: Option<usize>,
    /// The article's pictures asked for so far, by URL.
    pub images: Images,
    /// Other coverage of the story, shown below the article.
    pub related: Loadable<Vec<crate::store::Related>>,
    /// Space was pressed before the article had loaded: it plays once it has.
    pub play_when_loaded: bool,
}

impl OpenItem {
    pub fn new(id: i64, url: String, title: String) -> OpenItem {
        OpenItem {
            id,
            url,
            title,
            article: Loadable::Loading,
            rendered: None,
            rendered_width: 0,
            comments: Loadable::Loading,
            comment_rows: Vec::new(),
            comments_width: 0,
            comment_selected: 0,
            folded: HashSet::new(),
            scroll: 0,
            comments_scroll: 0,
            follow: true,
            chosen: None,
            recording_total: None,
            resume_at: None,
            resume_part: None,
            images: Images::new(),
            related: Loadable::Loading,
            play_when_loaded: false,
        }
    }

    /// The comment rows for the pane's `width`, folds applied, the selection kept in view.
    pub fn relayout_comments(&mut self, width: usize) {
        self.comments_width = width;
        self.comment_rows = match &self.comments {
            Loadable::Loaded(thread) => layout_comments(thread, &self.folded, width),
            _ => Vec::new(),
        };
        self.comments_scroll = self
            .comments_scroll
            .min(self.comment_rows.len().saturating_sub(1));
    }

    /// Scrolls the comments (a pane of `rows` rows) so the selected one shows, header first.
    pub fn show_comment(&mut self, rows: usize) {
        let Some((first, last)) = self.comment_span(self.comment_selected) else {
            return;
        };
        if first < self.comments_scroll {
            self.comments_scroll = first;
        } else if last >= self.comments_scroll + rows {
            self.comments_scroll = first.max((last + 1).saturating_sub(rows)).min(first);
            // A comment taller than the pane shows from its start.
            if last + 1 - first > rows {
                self.comments_scroll = first;
            }
        }
    }

    /// After a page or a jump: the selection moves to the first comment whose header shows.
    pub fn select_first_visible_comment(&mut self, rows: usize) {
        let top = self.comments_scroll;
        let visible = |c: usize| {
            self.comment_span(c)
                .is_some_and(|(first, last)| last >= top && first < top + rows)
        };
        if visible(self.comment_selected) {
            return;
        }
        if let Some(row) = self.comment_rows[top.min(self.comment_rows.len())..]
            .iter()
            .take(rows)
            .find(|r| r.kind == CommentRowKind::Header)
        {
            self.comment_selected = row.comment;
        }
    }

    /// The first and last row of a comment in the laid-out pane.
    pub fn comment_span(&self, comment: usize) -> Option<(usize, usize)> {
        let first = self
            .comment_rows
            .iter()
            .position(|r| r.comment == comment)?;
        let last = self.comment_rows[first..]
            .iter()
            .take_while(|r| r.comment == comment)
            .count()
            + first
            - 1;
        Some((first, last))
    }
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
    /// Its article's address, under which where the listener stopped is kept.
    pub link: Option<String>,
    /// The recording playing, once known (`None` for speech).
    pub recording: Option<String>,
    /// Its article's lead picture, once its article was read to play it.
    pub picture: Option<String>,
    /// The position last saved, to save again after a few seconds more.
    pub saved_pos: Duration,
    /// Synthesized speech rather than the article's recording.
    pub speech: bool,
    pub volume: f32,
    pub speed: f32,
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
            link: None,
            recording: None,
            picture: None,
            saved_pos: Duration::ZERO,
            speech: false,
            volume: 1.0,
            speed: 1.0,
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

    /// A new narration for `item`, keeping the reader's volume and speed.
    pub fn starting(&self, item: i64, title: String, speech: bool) -> PlayerSnapshot {
        PlayerSnapshot {
            state: PlayState::Loading,
            title,
            item: Some(item),
            speech,
            volume: self.volume,
            speed: self.speed,
            ..Default::default()
        }
    }
}

/// The search box and the last search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// The text being typed after `/`, while the box is open.
    pub typing: Option<String>,
    /// The last search made; `n` and `N` look for it again.
    pub query: String,
    /// The box open searches the whole archive (`S`), not the pane.
    pub archive: bool,
    /// The headlines whose title holds a case-folded needle, as the store found them: the
    /// list's search (the list holds no titles). Forgotten when the list is read again.
    pub titles: Option<(String, HashSet<i64>)>,
    /// The way the search asked of the store goes once it is answered.
    pub forward: bool,
}

/// A search of the whole archive and its results, best first, shown in place of the list
/// until the reader goes back to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveSearch {
    /// Which search this is: results answering an earlier one are dropped.
    pub asked: u64,
    pub query: String,
    pub results: Loadable<Vec<crate::store::Hit>>,
    pub selected: usize,
    /// The first result shown.
    pub offset: usize,
}

/// A mark the reader set on a headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Read(bool),
    Starred(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub focus: Focus,
    /// The focus to return to when help closes.
    pub before_help: Focus,
    /// Every headline of the view's list, by id, feed and marks: there may be hundreds of
    /// thousands.
    pub headlines: HeadlineIndex,
    /// The texts of the headlines around the rows on the screen.
    pub texts: Texts,
    /// Headline `id` opens once its texts have been read (it was opened before).
    pub open_when_read: Option<i64>,
    /// The list as shown: headlines, under group headers when grouped.
    pub rows: Vec<Row>,
    /// The group headers of `rows`.
    pub groups: Vec<Group>,
    pub grouping: Grouping,
    /// Which headlines the list shows (unread only, starred only).
    pub filter: Filter,
    /// How many headlines pass the filter.
    pub shown: usize,
    /// The selected row of `rows` (a headline whenever there is one).
    /// Set while `headlines` holds only the first page of the list (at start-up, until the
    /// whole list has been read off the draw path): the whole list's counts.
    pub loading_rest: Option<HeadlineCounts>,
    /// Marks sent to the store's worker and not yet saved, oldest first: a list read before
    /// they were saved gets them again.
    pub unsaved_marks: std::collections::VecDeque<(Vec<i64>, Mark)>,
    /// The last mark of a feed, a group or the view, until it is undone.
    pub undo: Option<MassMark>,
    /// Opening a headline marks it read (`[reading] mark_on_open`).
    pub mark_on_open: bool,
    pub selected: usize,
    /// The first row shown.
    pub list_offset: usize,
    /// Tags of each subscribed feed, by its URL.
    pub tags: HashMap<String, Vec<String>>,
    /// Every subscribed feed, named as the reader named it, with why its last refresh failed
    /// (sanitized).
    pub feeds: Vec<FeedStatus>,
    /// The display width of the widest feed name, for the list's feed column.
    pub widest_feed: usize,
    pub open: Option<OpenItem>,
    pub player: PlayerSnapshot,
    pub queue: Queue,
    /// `[listen]` of the config.
    pub listen: crate::config::ListenConfig,
    pub status: String,
    pub search: Search,
    /// The archive's search results, while they are shown.
    pub archive: Option<ArchiveSearch>,
    /// How many archive searches were asked for.
    pub archive_asked: u64,
    /// Digits typed before a key (`3o` opens link 3).
    pub count: Option<usize>,
    pub help_scroll: usize,
    /// A refresh is running.
    pub refreshing: bool,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Articles' pictures are drawn (`[display] images` is not `off`).
    pub pictures: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
}

/// Deeper replies are indented no further.
pub const MAX_INDENT: usize = 6;

impl AppState {
    pub fn new(headlines: impl Into<Listing>, size: (u16, u16)) -> AppState {
        let headlines = headlines.into();
        let status = if headlines.index.is_empty() {
            "no headlines cached yet: press r to refresh, ? for help".to_string()
        } else {
            format!("{} headlines · ? for help", headlines.index.len())
        };
        let mut state = AppState {
            focus: Focus::Headlines,
            before_help: Focus::Headlines,
            headlines: HeadlineIndex::new(),
            texts: Texts::default(),
            open_when_read: None,
            rows: Vec::new(),
            groups: Vec::new(),
            grouping: Grouping::Newest,
            filter: Filter::default(),
            shown: 0,
            loading_rest: None,
            unsaved_marks: Default::default(),
            undo: None,
            mark_on_open: true,
            selected: 0,
            list_offset: 0,
            tags: HashMap::new(),
            feeds: Vec::new(),
            widest_feed: 0,
            open: None,
            player: PlayerSnapshot::default(),
            queue: Queue::default(),
            listen: Default::default(),
            status,
            search: Search::default(),
            archive: None,
            archive_asked: 0,
            count: None,
            help_scroll: 0,
            refreshing: false,
            keymap: Keymap::default(),
            theme: Theme::default(),
            size,
            pictures: false,
            dirty: true,
            quit: false,
        };
        state.set_headlines(headlines);
        state
    }

    /// Replaces the headlines, keeping the selected one selected when it is still there.
    pub fn set_headlines(&mut self, headlines: impl Into<Listing>) {
        let keep = self.selected_id();
        let listing = headlines.into();
        self.headlines = listing.index;
        self.texts.age(listing.texts);
        self.measure_feeds();
        self.lay_out_rows(keep);
    }

    /// Replaces the subscribed feeds (their names and errors), the list laid out again.
    pub fn set_feeds(&mut self, feeds: Vec<FeedStatus>) {
        self.feeds = feeds;
        self.measure_feeds();
        self.regroup();
    }

    /// The widest feed name, measured once per list rather than at every frame.
    fn measure_feeds(&mut self) {
        let mut widest = self
            .feeds
            .iter()
            .map(|f| crate::width::of(&f.name))
            .max()
            .unwrap_or(0);
        for feed in self.headlines.feed_names() {
            widest = widest.max(crate::width::of(feed));
        }
        self.widest_feed = widest;
    }

    /// Lays the rows out again for the grouping, the selected headline still selected.
    pub fn regroup(&mut self) {
        let keep = self.selected_id();
        self.lay_out_rows(keep);
    }

    /// The index into `headlines` of the selected row.
    pub fn selected_index(&self) -> Option<usize> {
        match self.rows.get(self.selected) {
            Some(Row::Headline(i)) => Some(*i as usize),
            _ => None,
        }
    }

    /// The selected headline, whole.
    /// The header of a group's row.
    pub fn group(&self, row: Row) -> Option<&Group> {
        match row {
            Row::Group(g) => self.groups.get(g as usize),
            Row::Headline(_) => None,
        }
    }

    pub fn selected_headline(&self) -> Option<Headline> {
        self.selected_index().and_then(|i| self.headline_at(i))
    }

    /// The id of the selected headline.
    pub fn selected_id(&self) -> Option<i64> {
        self.selected_index()
            .filter(|&i| i < self.headlines.len())
            .map(|i| self.headlines.id(i))
    }

    /// Where everything is on the terminal, for drawing, scrolling and the mouse.
    pub fn screen(&self) -> Screen {
        Screen::of_size(self.size)
    }

    /// What the body of the screen shows: the list, or the open article or its comments.
    pub fn shown(&self) -> Shown {
        match (&self.open, self.showing()) {
            (Some(_), Focus::Article) => Shown::Article,
            (Some(_), Focus::Comments) => Shown::Comments,
            _ => Shown::List,
        }
    }

    /// Rows the headline list shows.
    pub fn list_rows(&self) -> usize {
        self.screen().list_rows()
    }

    /// Moves the selection or scrolls the focused pane; `isize::MIN`/`MAX` go to either end.
    pub fn move_by(&mut self, delta: isize) {
        let screen = self.screen();
        let (rows, comments_rows) = (screen.article_rows(), screen.comments_rows());
        let step = |at: usize, len: usize| -> usize {
            let last = len.saturating_sub(1);
            match delta {
                isize::MIN => 0,
                isize::MAX => last,
                d => at.saturating_add_signed(d).min(last),
            }
        };
        match self.focus {
            Focus::Headlines => {
                let target = step(self.selected, self.rows.len());
                self.select_row(target, delta >= 0);
            }
            Focus::Article => {
                if let Some(open) = self.open.as_mut() {
                    let lines = open.body_lines();
                    open.scroll = step(open.scroll, lines.saturating_sub(rows) + 1);
                    open.follow = false;
                }
            }
            Focus::Comments => {
                if let Some(open) = self.open.as_mut() {
                    let lines = open.comment_rows.len();
                    open.comments_scroll = step(
                        open.comments_scroll,
                        lines.saturating_sub(comments_rows) + 1,
                    );
                    open.select_first_visible_comment(comments_rows);
                }
            }
            Focus::Help => {}
        }
    }

    /// Selects row `target` of the list, or the nearest headline in the direction of travel
    /// when it is a group's header.
    pub fn select_row(&mut self, target: usize, downwards: bool) {
        let is_headline = |i: usize| matches!(self.rows.get(i), Some(Row::Headline(_)));
        let found = if downwards {
            (target..self.rows.len())
                .find(|&i| is_headline(i))
                .or_else(|| (0..target).rev().find(|&i| is_headline(i)))
        } else {
            (0..=target.min(self.rows.len().saturating_sub(1)))
                .rev()
                .find(|&i| is_headline(i))
                .or_else(|| (target..self.rows.len()).find(|&i| is_headline(i)))
        };
        if let Some(i) = found {
            self.selected = i;
        }
        self.keep_selection_visible();
    }

    /// Scrolls the list just enough that the selection shows.
    pub fn keep_selection_visible(&mut self) {
        let rows = self.list_rows();
        if self.selected < self.list_offset {
            // A group's header stays in view above its first headline.
            self.list_offset = match self.selected.checked_sub(1).map(|i| &self.rows[i]) {
                Some(Row::Group(_)) => self.selected - 1,
                _ => self.selected,
            };
        } else if self.selected >= self.list_offset + rows {
            self.list_offset = self.selected + 1 - rows;
        }
        self.list_offset = self.list_offset.min(self.rows.len().saturating_sub(rows));
    }

    /// The first page of a list of `counts.total` headlines; the whole list follows as
    /// `Msg::HeadlinesLoaded`.
    pub fn first_page(
        page: impl Into<Listing>,
        counts: HeadlineCounts,
        size: (u16, u16),
    ) -> AppState {
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
            None => (0..self.headlines.len())
                .filter(|&i| !self.headlines.read(i))
                .count(),
        }
    }

    /// Comments sit beside the article.
    pub fn wide(&self) -> bool {
        self.screen().wide
    }

    /// The width the article's text is laid out for.
    pub fn article_width(&self) -> usize {
        self.screen().article_width()
    }

    /// The width of the comments' text.
    pub fn comments_width(&self) -> usize {
        self.screen().comments_width()
    }

    /// How many rows the comments pane shows.
    pub fn comments_rows(&self) -> usize {
        self.screen().comments_rows()
    }

    /// How many body lines the article pane shows.
    pub fn article_rows(&self) -> usize {
        self.screen().article_rows()
    }

    /// The pane behind the help overlay, or the focused one.
    pub fn showing(&self) -> Focus {
        match self.focus {
            Focus::Help => self.before_help,
            f => f,
        }
    }
}

/// The thread laid out in rows of at most `width` columns; the replies of folded comments
/// are left out and counted in their header.
pub fn layout_comments(
    thread: &CommentThread,
    folded: &HashSet<usize>,
    width: usize,
) -> Vec<CommentRow> {
    let mut rows = Vec::new();
    let comments = &thread.comments;
    let mut i = 0;
    while i < comments.len() {
        let c = &comments[i];
        let replies = comments[i + 1..]
            .iter()
            .take_while(|r| r.depth > c.depth)
            .count();
        if !rows.is_empty() {
            rows.push(CommentRow {
                comment: i,
                kind: CommentRowKind::Blank,
                indent: 0,
                text: String::new(),
            });
        }
        let indent = 2 * c.depth.min(MAX_INDENT);
        let marker = if c.depth > 0 { "↳ " } else { "" };
        if let CommentKind::More { count, .. } = &c.kind {
            // A stub has no text of its own: one row saying what Enter brings.
            rows.push(CommentRow {
                comment: i,
                kind: CommentRowKind::Header,
                indent,
                text: format!(
                    "{marker}⋯ {count} more {} (Enter loads)",
                    if *count == 1 { "reply" } else { "replies" }
                ),
            });
            i += 1;
            continue;
        }
        let date = c
            .date
            .as_deref()
            .map(|d| format!(" · {}", crate::dates::display_date(d)))
            .unwrap_or_default();
        let status = match c.kind {
            CommentKind::Deleted => " · deleted",
            CommentKind::Dead => " · dead",
            _ => "",
        };
        let fold = if folded.contains(&i) && replies > 0 {
            format!(
                "  [+{replies} {}]",
                if replies == 1 { "reply" } else { "replies" }
            )
        } else {
            String::new()
        };
        rows.push(CommentRow {
            comment: i,
            kind: CommentRowKind::Header,
            indent,
            text: format!("{marker}{}{date}{status}{fold}", c.author),
        });
        let text_width = width.saturating_sub(indent + 2).max(10);
        for (j, paragraph) in c.text.split("\n\n").enumerate() {
            if j > 0 {
                rows.push(CommentRow {
                    comment: i,
                    kind: CommentRowKind::Blank,
                    indent: 0,
                    text: String::new(),
                });
            }
            for line in crate::width::wrap(paragraph, text_width) {
                rows.push(CommentRow {
                    comment: i,
                    kind: CommentRowKind::Text,
                    indent: indent + 2,
                    text: line,
                });
            }
        }
        i += 1;
        if folded.contains(&(i - 1)) {
            i += replies;
        }
    }
    rows
}
