//! The pure heart of the app: a message in, the state changed, effects out as data. No IO and
//! no waiting here; `app` runs the effects and sends their results back as messages.
//!
//! Models arrive sanitized; the error and status texts that effects send are sanitized here,
//! the one way they reach the screen. This file dispatches; each pane's handling is in the
//! module of its name.

mod archive;
mod article;
mod comments;
mod list;
mod player;
mod pointer;
mod queue;
mod queue_view;
mod related;
mod results;
mod search;
#[cfg(test)]
mod tests;
mod views;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use crate::article::{Article, Rendered};
use crate::audio::{Command, PlayerEvent};
use crate::model::{Comment, CommentThread, Headline, Listing, Narration};
use crate::reader::RefreshOutcome;
use crate::store::listening::Resume;
use crate::store::worker::TextsFor;

use super::images::Picture;
use super::keymap::Action;
use super::state::{AppState, Focus, Scope};

pub use player::SEEK_STEP;

#[derive(Debug)]
pub enum Msg {
    /// A key from the terminal: typed into the search box when it is open, else looked up
    /// in the keymap.
    Input(KeyEvent),
    Key(Action),
    Mouse(MouseEvent),
    ArticleLoaded {
        id: i64,
        result: Result<Box<Article>, String>,
        /// Said when an older copy is shown (the page could not be fetched).
        notice: Option<String>,
        /// The article laid out off the loop, for the width asked for.
        layout: Option<Layout>,
    },
    /// The replies a "N more replies" stub stood for, or why they could not be had.
    MoreReplies {
        id: i64,
        /// The stub's place in the thread and the replies it named, to know it again.
        stub: usize,
        children: Vec<String>,
        result: Result<Vec<Comment>, String>,
    },
    /// The open article laid out again for a new width.
    LaidOut {
        id: i64,
        layout: Layout,
    },
    CommentsLoaded {
        id: i64,
        result: Result<CommentThread, String>,
    },
    /// A picture of article `id`, encoded for the terminal, or why it could not be.
    ImageLoaded {
        id: i64,
        url: String,
        result: Result<Picture, String>,
    },
    Player(PlayerEvent),
    /// The length of item `item`'s recording, when it could be learned.
    RecordingLength {
        item: i64,
        total: Option<std::time::Duration>,
    },
    /// The player or the narration could not start.
    PlaybackFailed(String),
    /// What item `item` plays, once its article was read: its recording, or speech, and the
    /// article's lead picture when it was read for this.
    NowPlaying {
        item: i64,
        recording: Option<String>,
        picture: Option<String>,
    },
    /// Where the listener stopped in item `item`, read when its article opened.
    PositionLoaded {
        item: i64,
        resume: Option<Resume>,
    },
    RefreshProgress {
        done: usize,
        total: usize,
    },
    /// A refresh ended: the headlines as they now are, or why it failed.
    RefreshDone(Result<RefreshOutcome, String>),
    /// `[refresh] every` has passed since the app started or last refreshed on its own.
    RefreshDue,
    /// Something done off the draw path that the reader should hear of.
    Notice(String),
    /// The terminal was handed back (after a suspension): draw everything again.
    Redraw,
    /// SIGTERM, SIGHUP or SIGINT: leave as `q` would.
    Terminate,
    /// The whole list as the store has it, with every mark sent before it saved: read after
    /// the first frame was drawn from its first page, after a refresh, and whenever another
    /// herald process changed the store.
    HeadlinesLoaded(Result<Listing, String>),
    /// The texts of headlines `asked` (those still in the store), read for `purpose`.
    TextsRead {
        asked: Vec<i64>,
        purpose: TextsFor,
        result: Result<Vec<Headline>, String>,
    },
    /// The headlines whose title contains `needle` (case-folded), for the list's search.
    TitlesFound {
        needle: String,
        result: Result<Vec<i64>, String>,
    },
    /// Every subscribed feed with its name and last error, as the store has them, read just
    /// before the whole list.
    FeedsLoaded(Result<Vec<crate::store::FeedStatus>, String>),
    /// The oldest mark not yet saved was saved, or why it could not be.
    MarkSaved {
        error: Option<String>,
    },
    /// The database was found damaged and rebuilt: say so and fetch the headlines again.
    StoreRebuilt {
        notice: String,
    },
    /// The desktop's media keys or controls (MPRIS).
    Media(crate::mpris::MediaCommand),
    /// The results of archive search `asked`, best first, or why it failed.
    ArchiveFound {
        asked: u64,
        result: Result<Vec<crate::store::Hit>, String>,
    },
    /// Other coverage of item `id`, best first, or why it could not be looked for.
    RelatedFound {
        id: i64,
        result: Result<Vec<crate::store::Related>, String>,
    },
    Resize(u16, u16),
    Tick,
}

/// What introduces an item of the listening queue: its feed's name and its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Introduction {
    pub feed: String,
    pub title: String,
}

/// An article laid out for a width. A long article takes a while to lay out, so it is done
/// off the loop.
#[derive(Debug)]
pub struct Layout {
    pub width: usize,
    pub rendered: Rendered,
}

#[derive(Debug)]
pub enum Effect {
    /// Fetch (or read the saved copy of) the article and lay it out for `width` columns.
    LoadArticle {
        id: i64,
        url: String,
        width: usize,
    },
    /// Load the replies a stub in the discussion of the article at `url` stands for.
    LoadMoreReplies {
        id: i64,
        url: String,
        stub: usize,
        children: Vec<String>,
    },
    /// Lay the open article out again for `width` columns.
    LayOut {
        id: i64,
        article: Box<Article>,
        width: usize,
    },
    LoadComments {
        id: i64,
        url: String,
    },
    /// Fetch a picture of article `id` and encode it for at most `cols` x `rows` cells.
    LoadImage {
        id: i64,
        url: String,
        cols: u16,
        rows: u16,
    },
    Player(Command),
    /// Learn the lengths of the queue's recordings, one after the other.
    ProbeQueue {
        items: Vec<(i64, Narration)>,
    },
    /// Learn the length of the article's recording without playing it.
    ProbeRecording {
        item: i64,
        narration: Narration,
    },
    /// Synthesize `parts` (the title, then the paragraphs) from `first` at `speed` and play them.
    StartSpeech {
        item: i64,
        parts: Vec<String>,
        first: usize,
        speed: f32,
    },
    /// Play item `item` (its article at `url`) from where the listener stopped, or from its
    /// start: its recording when `narration` is given, else speech of `parts` when given,
    /// else what its article (read first) has.
    PlayItem {
        item: i64,
        url: String,
        narration: Option<Narration>,
        parts: Option<Vec<String>>,
        /// Its recording failed: its article's text is spoken, not its recording tried again.
        speech_only: bool,
        from_start: bool,
        speed: f32,
        /// Spoken first, unless it resumes where the listener stopped.
        announce: Option<Introduction>,
    },
    /// Make ready what the queue's next item (its article at `url`) starts with, while the
    /// current one plays: its spoken introduction, its recording in the cache (or, for speech,
    /// the part it starts from synthesized).
    PrepareItem {
        url: String,
        narration: Option<Narration>,
        announce: Option<Introduction>,
        speed: f32,
    },
    /// Where the listener is in the article at `url`.
    SavePosition {
        url: String,
        resume: Resume,
    },
    /// Read where the listener stopped in item `item`'s article at `url`.
    LoadPosition {
        item: i64,
        url: String,
    },
    /// The listening queue, to outlive a restart.
    SaveQueue {
        items: Vec<i64>,
        current: Option<usize>,
    },
    SetRead {
        id: i64,
        read: bool,
    },
    SetStarred {
        id: i64,
        starred: bool,
    },
    /// Many headlines marked at once, saved in one go.
    SetReadMany {
        ids: Vec<i64>,
        read: bool,
    },
    OpenInBrowser(String),
    Refresh,
    /// Read the whole list of headlines again (after the store's worker has saved every mark
    /// sent before).
    LoadHeadlines,
    /// Read the texts of headlines `ids` (by the store's worker).
    ReadTexts {
        ids: Vec<i64>,
        purpose: TextsFor,
    },
    /// Find the headlines whose title contains `needle` (by the store's worker).
    FindTitles {
        needle: String,
    },
    /// Search the archive (by the store's worker); the results answer `asked`.
    SearchArchive {
        asked: u64,
        query: String,
    },
    /// Look for other coverage of item `id` (by the store's worker).
    LoadRelated {
        id: i64,
    },
    /// Hand the terminal back to the shell until resumed.
    Suspend,
    Quit,
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = handle(state, msg);
    // Whatever moved the view may have brought pictures, or rows whose texts are not
    // here yet, into it.
    effects.extend(article::wanted_images(state));
    if let Some(ids) = state.texts_wanted() {
        effects.push(Effect::ReadTexts {
            ids,
            purpose: TextsFor::List,
        });
    }
    effects
}

fn handle(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Input(key) => input(state, key),
        Msg::Key(action) => {
            state.dirty = true;
            self::key(state, action)
        }
        Msg::Mouse(event) => pointer::mouse(state, event),
        Msg::ArticleLoaded {
            id,
            result,
            notice,
            layout,
        } => article::loaded(state, id, result, notice, layout),
        Msg::LaidOut { id, layout } => article::laid_out(state, id, layout),
        Msg::ImageLoaded { id, url, result } => article::image_loaded(state, id, url, result),
        Msg::CommentsLoaded { id, result } => comments::loaded(state, id, result),
        Msg::MoreReplies {
            id,
            stub,
            children,
            result,
        } => comments::more_replies_loaded(state, id, stub, children, result),
        Msg::Media(crate::mpris::MediaCommand::Next) => queue::step(state, true),
        Msg::Media(crate::mpris::MediaCommand::Previous) => queue::step(state, false),
        Msg::Media(command) => player::media(state, command),
        Msg::Player(event) => player::player_event(state, event),
        Msg::NowPlaying {
            item,
            recording,
            picture,
        } => {
            queue::now_playing(state, item, recording, picture);
            Vec::new()
        }
        Msg::PositionLoaded { item, resume } => {
            player::position_loaded(state, item, resume);
            Vec::new()
        }
        Msg::RecordingLength { item, total } => {
            player::recording_length(state, item, total);
            Vec::new()
        }
        Msg::PlaybackFailed(reason) => {
            player::failed(state, &reason);
            Vec::new()
        }
        Msg::RefreshProgress { done, total } => {
            results::refresh_progress(state, done, total);
            Vec::new()
        }
        Msg::RefreshDone(result) => results::refresh_done(state, result),
        Msg::RefreshDue => results::refresh_due(state),
        Msg::MarkSaved { error } => {
            results::mark_saved(state, error);
            Vec::new()
        }
        Msg::StoreRebuilt { notice } => results::store_rebuilt(state, &notice),
        Msg::Notice(text) => {
            results::notice(state, &text);
            Vec::new()
        }
        Msg::HeadlinesLoaded(result) => {
            results::headlines_loaded(state, result);
            Vec::new()
        }
        Msg::TextsRead {
            asked,
            purpose,
            result,
        } => results::texts_read(state, &asked, purpose, result),
        Msg::TitlesFound { needle, result } => search::titles_found(state, needle, result),
        Msg::FeedsLoaded(result) => {
            results::feeds_loaded(state, result);
            Vec::new()
        }
        Msg::ArchiveFound { asked, result } => {
            archive::found(state, asked, result);
            Vec::new()
        }
        Msg::RelatedFound { id, result } => {
            related::found(state, id, result);
            Vec::new()
        }
        Msg::Redraw => {
            state.dirty = true;
            Vec::new()
        }
        Msg::Terminate => quit(state),
        Msg::Resize(cols, rows) => {
            state.size = (cols, rows);
            let effects = article::relayout(state);
            state.keep_selection_visible();
            state.dirty = true;
            effects
        }
        Msg::Tick => Vec::new(),
    }
}

/// A key from the terminal: the search box's when it is open, a count when it is a digit
/// nothing is bound to, else the keymap's action.
fn input(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if state.search.typing.is_some() {
        state.dirty = true;
        return search::search_box(state, key);
    }
    if state.queue.view.is_some() {
        state.dirty = true;
        return queue_view::key(state, key);
    }
    let action = state.keymap.resolve(key);
    if action.is_none()
        && let KeyCode::Char(d @ '0'..='9') = key.code
        && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
    {
        let digit = d as usize - '0' as usize;
        let count = state.count.unwrap_or(0).saturating_mul(10) + digit;
        state.count = Some(count.min(99_999));
        let coverage = state
            .open
            .as_ref()
            .is_some_and(|o| state.focus == Focus::Article && !o.related_items().is_empty());
        state.status = if coverage {
            format!("{count}… (o opens link {count}, Enter other coverage {count})")
        } else {
            format!("{count}… (o opens link {count})")
        };
        state.dirty = true;
        return Vec::new();
    }
    let Some(action) = action else {
        return Vec::new();
    };
    state.dirty = true;
    let effects = self::key(state, action);
    state.count = None;
    effects
}

fn key(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.focus == Focus::Help {
        return help_key(state, action);
    }
    if state.focus == Focus::Headlines
        && state.archive.is_some()
        && let Some(effects) = archive::key(state, action)
    {
        return effects;
    }
    match action {
        Action::Quit => quit(state),
        Action::Suspend => vec![Effect::Suspend],
        Action::Help => {
            state.before_help = state.focus;
            state.focus = Focus::Help;
            state.help_scroll = 0;
            Vec::new()
        }
        Action::Back => match state.focus {
            Focus::Headlines => quit(state),
            _ => {
                state.focus = Focus::Headlines;
                Vec::new()
            }
        },
        Action::NextFocus => {
            state.focus = match (state.focus, &state.open) {
                (Focus::Headlines, Some(_)) => Focus::Article,
                (Focus::Article, _) => Focus::Comments,
                _ => Focus::Headlines,
            };
            Vec::new()
        }
        Action::ToggleComments => {
            state.focus = match state.focus {
                Focus::Article => Focus::Comments,
                Focus::Comments => Focus::Article,
                f => f,
            };
            Vec::new()
        }
        Action::Open => match state.focus {
            Focus::Headlines => list::open_selected(state),
            Focus::Comments => comments::enter(state),
            Focus::Article => related::enter(state),
            Focus::Help => Vec::new(),
        },
        Action::FoldThread => {
            if state.focus == Focus::Comments {
                comments::fold(state);
            }
            Vec::new()
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            move_key(state, action);
            Vec::new()
        }
        Action::Top => {
            state.move_by(isize::MIN);
            Vec::new()
        }
        Action::Bottom => {
            state.move_by(isize::MAX);
            Vec::new()
        }
        Action::TogglePlay => player::toggle_play(state),
        Action::PlayFromHere => player::play_from_here(state),
        Action::SeekBack | Action::SeekForward => player::seek(state, action),
        Action::SlowDown | Action::SpeedUp => {
            player::change_speed(state, action == Action::SpeedUp)
        }
        Action::VolumeUp | Action::VolumeDown => player::volume(state, action == Action::VolumeUp),
        Action::Follow => {
            if let Some(open) = state.open.as_mut() {
                open.follow = true;
            }
            player::follow_speech(state);
            Vec::new()
        }
        Action::Search => {
            search::open_box(state);
            Vec::new()
        }
        Action::SearchArchive => {
            archive::open_box(state);
            Vec::new()
        }
        Action::SearchNext | Action::SearchPrevious => {
            search::again(state, action == Action::SearchNext)
        }
        Action::ToggleRead => list::toggle_read(state),
        Action::ToggleStar => list::toggle_star(state),
        Action::UnreadOnly | Action::StarredOnly => {
            views::toggle_filter(state, action == Action::UnreadOnly);
            Vec::new()
        }
        Action::MarkFeedRead => views::mark_read(state, Scope::Feed),
        Action::MarkGroupRead => views::mark_read(state, Scope::Group),
        Action::MarkViewRead => views::mark_read(state, Scope::View),
        Action::UndoMark => views::undo(state),
        Action::NextUnread => views::next_unread(state),
        Action::OpenInBrowser => list::open_in_browser(state),
        Action::Group => {
            list::group(state);
            Vec::new()
        }
        Action::Refresh => list::refresh(state),
        Action::QueueAdd => queue::add(state),
        Action::QueueAll => queue::add_view(state),
        Action::NextItem | Action::PreviousItem => queue::step(state, action == Action::NextItem),
        Action::PlayFromStart => queue::from_start(state),
        Action::ShowQueue => queue_view::open(state),
    }
}

/// A line or a page up or down in the focused pane; j/k step through the comments.
fn move_key(state: &mut AppState, action: Action) {
    let page = match state.focus {
        Focus::Headlines => state.list_rows(),
        Focus::Comments => state.comments_rows(),
        _ => state.article_rows(),
    }
    .max(2)
        - 1;
    let delta: isize = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -(page as isize),
        _ => page as isize,
    };
    if state.focus == Focus::Comments && matches!(action, Action::Up | Action::Down) {
        comments::step(state, delta > 0);
    } else {
        state.move_by(delta);
    }
}

/// Help takes the keys while it shows: it scrolls, and closes with Esc, q or `?`.
fn help_key(state: &mut AppState, action: Action) -> Vec<Effect> {
    let last = super::view::help_rows(state).saturating_sub(1);
    match action {
        Action::Quit => return quit(state),
        Action::Back | Action::Help => state.focus = state.before_help,
        Action::Up | Action::PageUp => {
            let step = if action == Action::Up { 1 } else { 10 };
            state.help_scroll = state.help_scroll.saturating_sub(step);
        }
        Action::Down | Action::PageDown => {
            let step = if action == Action::Down { 1 } else { 10 };
            state.help_scroll = (state.help_scroll + step).min(last);
        }
        Action::Top => state.help_scroll = 0,
        Action::Bottom => state.help_scroll = last,
        _ => {}
    }
    Vec::new()
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    let mut effects: Vec<Effect> = queue::position_to_save(state, true).into_iter().collect();
    effects.extend([Effect::Player(Command::Stop), Effect::Quit]);
    effects
}
