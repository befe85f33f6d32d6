//! The pure heart of the app: a message in, the state changed, effects out as data. No IO and
//! no waiting here; `app` runs the effects and sends their results back as messages.
//!
//! Models arrive sanitized; the error and status texts that effects send are sanitized here,
//! the one way they reach the screen.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use crate::article::{Article, Rendered};
use crate::audio::{Command, PlayState, PlayerEvent};
use crate::model::{Comment, CommentKind, CommentThread, Headline, Narration};
use crate::refresh::FeedFailure;
use crate::sanitize;

use super::images::{self, ImageState, Picture};
use super::keymap::Action;
use super::state::{AppState, Focus, Grouping, Loadable, Mark, OpenItem, layout_comments};
use super::{mouse, search};

/// Seconds a seek key moves.
pub const SEEK_STEP: f64 = 10.0;

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
    RefreshProgress {
        done: usize,
        total: usize,
    },
    /// A refresh ended: the headlines as they now are, or why it failed.
    RefreshDone(Result<Refreshed, String>),
    /// Something done off the draw path that the reader should hear of.
    Notice(String),
    /// The terminal was handed back (after a suspension): draw everything again.
    Redraw,
    /// SIGTERM, SIGHUP or SIGINT: leave as `q` would.
    Terminate,
    /// The whole list as the store has it, with every mark sent before it saved: read after
    /// the first frame was drawn from its first page, after a refresh, and whenever another
    /// herald process changed the store.
    HeadlinesLoaded(Result<Vec<Headline>, String>),
    /// The oldest mark not yet saved was saved, or why it could not be.
    MarkSaved {
        error: Option<String>,
    },
    /// The database was found damaged and rebuilt: say so and fetch the headlines again.
    StoreRebuilt {
        notice: String,
    },
    Resize(u16, u16),
    Tick,
}

/// What a refresh did; the headlines it brought are read by the store's worker.
#[derive(Debug)]
pub struct Refreshed {
    pub summary: String,
    pub failures: Vec<FeedFailure>,
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
    /// Learn the length of the article's recording without playing it.
    ProbeRecording {
        item: i64,
        narration: Narration,
    },
    /// Play the article's own recording.
    PlayRecording {
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
    SetRead {
        id: i64,
        read: bool,
    },
    SetStarred {
        id: i64,
        starred: bool,
    },
    OpenInBrowser(String),
    Refresh,
    /// Read the whole list of headlines again (after the store's worker has saved every mark
    /// sent before).
    LoadHeadlines,
    /// Hand the terminal back to the shell until resumed.
    Suspend,
    Quit,
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = handle(state, msg);
    // Whatever moved the view may have brought pictures into it.
    effects.extend(images::wanted(state));
    effects
}

fn handle(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::ImageLoaded { id, url, result } => {
            // Only the load asked for last counts: the article may have closed, or been laid
            // out for another width since.
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
        Msg::Input(key) => input(state, key),
        Msg::Key(action) => {
            state.dirty = true;
            self::key(state, action)
        }
        Msg::Mouse(event) => mouse::handle(state, event),
        Msg::ArticleLoaded {
            id,
            result,
            notice,
            layout,
        } => {
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
                }
                Err(e) => open.article = Loadable::Failed(sanitize::line(&e)),
            }
            if let Some(notice) = notice {
                state.status = sanitize::line(&notice);
            }
            state.dirty = true;
            effects
        }
        Msg::RecordingLength { item, total } => {
            if let Some(open) = state.open.as_mut().filter(|o| o.id == item) {
                open.recording_total = total;
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::CommentsLoaded { id, result } => {
            let width = state.comments_width();
            let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
                return Vec::new();
            };
            open.comments = match result {
                Ok(thread) => Loadable::Loaded(thread),
                Err(e) => Loadable::Failed(sanitize::line(&e)),
            };
            relayout_comments(open, width);
            state.dirty = true;
            Vec::new()
        }
        Msg::Player(event) => {
            player_event(state, event);
            Vec::new()
        }
        Msg::PlaybackFailed(reason) => {
            // Nothing is loaded: the next Space tries again.
            state.player = super::state::PlayerSnapshot {
                volume: state.player.volume,
                speed: state.player.speed,
                ..Default::default()
            };
            state.status = format!("cannot play: {}", sanitize::line(&reason));
            state.dirty = true;
            Vec::new()
        }
        Msg::RefreshProgress { done, total } => {
            state.status = format!("refreshing {done}/{total}");
            state.dirty = true;
            Vec::new()
        }
        Msg::RefreshDone(result) => {
            state.refreshing = false;
            match result {
                Ok(refreshed) => {
                    state.feed_errors = refreshed
                        .failures
                        .into_iter()
                        .map(|f| (f.url, (sanitize::line(&f.name), sanitize::line(&f.reason))))
                        .collect();
                    // Failing feeds have groups of their own, before the new list comes.
                    state.regroup();
                    state.status = sanitize::line(&refreshed.summary);
                    state.dirty = true;
                    return vec![Effect::LoadHeadlines];
                }
                Err(e) => state.status = format!("refresh failed: {}", sanitize::line(&e)),
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::MarkSaved { error } => {
            state.unsaved_marks.pop_front();
            if let Some(e) = error {
                state.status = format!("could not save: {}", sanitize::line(&e));
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::StoreRebuilt { notice } => {
            state.status = sanitize::line(&notice);
            state.dirty = true;
            if state.refreshing {
                return Vec::new();
            }
            state.refreshing = true;
            vec![Effect::Refresh]
        }
        Msg::Notice(text) => {
            state.status = sanitize::line(&text);
            state.dirty = true;
            Vec::new()
        }
        Msg::Redraw => {
            state.dirty = true;
            Vec::new()
        }
        Msg::Terminate => quit(state),
        Msg::HeadlinesLoaded(result) => {
            let first_page_only = state.loading_rest.take().is_some();
            match result {
                Ok(mut headlines) => {
                    // Marks not saved yet when the list was read: the reader's are newer.
                    let unsaved: HashMap<i64, Vec<Mark>> =
                        state
                            .unsaved_marks
                            .iter()
                            .fold(HashMap::new(), |mut by_id, (id, mark)| {
                                by_id.entry(*id).or_default().push(*mark);
                                by_id
                            });
                    for h in headlines.iter_mut() {
                        for mark in unsaved.get(&h.id).into_iter().flatten() {
                            match *mark {
                                Mark::Read(read) => h.read = read,
                                Mark::Starred(starred) => h.starred = starred,
                            }
                        }
                    }
                    state.set_headlines(headlines);
                }
                Err(e) if first_page_only => {
                    state.status = format!("could not read every headline: {}", sanitize::line(&e))
                }
                Err(e) => {
                    state.status = format!("could not read the headlines: {}", sanitize::line(&e))
                }
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::Resize(cols, rows) => {
            state.size = (cols, rows);
            let effects = relayout(state);
            state.keep_selection_visible();
            state.dirty = true;
            effects
        }
        Msg::MoreReplies {
            id,
            stub,
            children,
            result,
        } => {
            let width = state.comments_width();
            let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
                return Vec::new();
            };
            let Loadable::Loaded(thread) = &mut open.comments else {
                return Vec::new();
            };
            // The stub must still be where it was (the thread may have been reloaded).
            let Some(at) = thread.comments.get(stub).filter(
                |c| matches!(&c.kind, CommentKind::More { children: k, .. } if *k == children),
            ) else {
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
                    relayout_comments(open, width);
                    state.status = format!(
                        "{loaded} more {} loaded",
                        if loaded == 1 { "reply" } else { "replies" }
                    );
                }
                Err(e) => {
                    state.status = format!("could not load more replies: {}", sanitize::line(&e))
                }
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::LaidOut { id, layout } => {
            let rows = state.article_rows();
            let current = state.article_width();
            let Some(open) = state
                .open
                .as_mut()
                .filter(|o| o.id == id && layout.width == current)
            else {
                return Vec::new();
            };
            // The reader keeps their place: the paragraph at the top stays at the top.
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
        search_box(state, key);
        state.dirty = true;
        return Vec::new();
    }
    let action = state.keymap.resolve(key);
    if action.is_none()
        && let KeyCode::Char(d @ '0'..='9') = key.code
        && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
    {
        let digit = d as usize - '0' as usize;
        let count = state.count.unwrap_or(0).saturating_mul(10) + digit;
        state.count = Some(count.min(99_999));
        state.status = format!("{count}… (o opens link {count})");
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

/// Typing after `/`: Enter searches, Esc gives up, Backspace and Ctrl-U edit.
fn search_box(state: &mut AppState, key: KeyEvent) {
    let Some(typing) = state.search.typing.as_mut() else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            state.search.typing = None;
            state.status.clear();
        }
        KeyCode::Enter => {
            let query = typing.trim().to_string();
            state.search.typing = None;
            if !query.is_empty() {
                state.search.query = query;
                search::step(state, true);
            }
        }
        KeyCode::Backspace => {
            typing.pop();
        }
        KeyCode::Char('u') if ctrl => typing.clear(),
        KeyCode::Char(c) if !ctrl && typing.chars().count() < 200 => typing.push(c),
        _ => {}
    }
}

/// Lays the comments out again when their width changed, and asks for the article to be
/// laid out again when its width did (shown as it was meanwhile).
fn relayout(state: &mut AppState) -> Vec<Effect> {
    let width = state.article_width();
    let comments_width = state.comments_width();
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    if open.comments_width != comments_width {
        relayout_comments(open, comments_width);
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

/// The comment rows for the pane's width, folds applied, the selection kept in view.
pub(super) fn relayout_comments(open: &mut OpenItem, width: usize) {
    open.comments_width = width;
    open.comment_rows = match &open.comments {
        Loadable::Loaded(thread) => layout_comments(thread, &open.folded, width),
        _ => Vec::new(),
    };
    open.comments_scroll = open
        .comments_scroll
        .min(open.comment_rows.len().saturating_sub(1));
}

fn key(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.focus == Focus::Help {
        return help_key(state, action);
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
            Focus::Headlines => open_selected(state),
            Focus::Comments => match more_replies(state) {
                Some(effect) => vec![effect],
                None => {
                    fold(state);
                    Vec::new()
                }
            },
            _ => Vec::new(),
        },
        Action::FoldThread => {
            if state.focus == Focus::Comments {
                fold(state);
            }
            Vec::new()
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
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
                step_comment(state, delta > 0);
            } else {
                move_by(state, delta);
            }
            Vec::new()
        }
        Action::Top => {
            move_by(state, isize::MIN);
            Vec::new()
        }
        Action::Bottom => {
            move_by(state, isize::MAX);
            Vec::new()
        }
        Action::TogglePlay => toggle_play(state),
        Action::PlayFromHere => play_from_here(state),
        Action::SeekBack | Action::SeekForward if state.player.item.is_some() => {
            let step = if action == Action::SeekBack {
                -SEEK_STEP
            } else {
                SEEK_STEP
            };
            vec![Effect::Player(Command::SeekBy(step))]
        }
        Action::SeekBack | Action::SeekForward => Vec::new(),
        Action::SlowDown | Action::SpeedUp => change_speed(state, action == Action::SpeedUp),
        Action::VolumeUp | Action::VolumeDown => {
            let v = state.player.volume
                + if action == Action::VolumeUp {
                    0.1
                } else {
                    -0.1
                };
            state.player.volume = (v.clamp(0.0, 2.0) * 10.0).round() / 10.0;
            state.status = format!("volume {:.0}%", state.player.volume * 100.0);
            vec![Effect::Player(Command::Volume(state.player.volume))]
        }
        Action::Follow => {
            if let Some(open) = state.open.as_mut() {
                open.follow = true;
            }
            follow_speech(state);
            Vec::new()
        }
        Action::Search => {
            state.search.typing = Some(String::new());
            Vec::new()
        }
        Action::SearchNext | Action::SearchPrevious => {
            if state.search.query.is_empty() {
                state.status = "nothing searched yet: / searches".to_string();
            } else {
                search::step(state, action == Action::SearchNext);
            }
            Vec::new()
        }
        Action::ToggleRead => toggle_read(state),
        Action::ToggleStar => toggle_star(state),
        Action::OpenInBrowser => open_in_browser(state),
        Action::Group => {
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
            Vec::new()
        }
        Action::Refresh => {
            if state.refreshing {
                return Vec::new();
            }
            state.refreshing = true;
            state.status = "refreshing…".to_string();
            vec![Effect::Refresh]
        }
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
    vec![Effect::Player(Command::Stop), Effect::Quit]
}

/// Moves the selection or scrolls the focused pane; `isize::MIN`/`MAX` go to either end.
pub(super) fn move_by(state: &mut AppState, delta: isize) {
    let rows = state.article_rows();
    let comments_rows = state.comments_rows();
    let step = |at: usize, len: usize| -> usize {
        let last = len.saturating_sub(1);
        match delta {
            isize::MIN => 0,
            isize::MAX => last,
            d => at.saturating_add_signed(d).min(last),
        }
    };
    match state.focus {
        Focus::Headlines => {
            let target = step(state.selected, state.rows.len());
            select_row(state, target, delta >= 0);
        }
        Focus::Article => {
            if let Some(open) = state.open.as_mut() {
                let lines = open.rendered.as_ref().map_or(0, |r| r.lines.len());
                open.scroll = step(open.scroll, lines.saturating_sub(rows) + 1);
                open.follow = false;
            }
        }
        Focus::Comments => {
            if let Some(open) = state.open.as_mut() {
                let lines = open.comment_rows.len();
                open.comments_scroll = step(
                    open.comments_scroll,
                    lines.saturating_sub(comments_rows) + 1,
                );
                select_first_visible_comment(open, comments_rows);
            }
        }
        Focus::Help => {}
    }
}

/// Selects row `target` of the list, or the nearest headline in the direction of travel
/// when it is a group's header.
pub(super) fn select_row(state: &mut AppState, target: usize, downwards: bool) {
    let is_headline = |i: usize| matches!(state.rows.get(i), Some(super::state::Row::Headline(_)));
    let found = if downwards {
        (target..state.rows.len())
            .find(|&i| is_headline(i))
            .or_else(|| (0..target).rev().find(|&i| is_headline(i)))
    } else {
        (0..=target.min(state.rows.len().saturating_sub(1)))
            .rev()
            .find(|&i| is_headline(i))
            .or_else(|| (target..state.rows.len()).find(|&i| is_headline(i)))
    };
    if let Some(i) = found {
        state.selected = i;
    }
    state.keep_selection_visible();
}

/// j/k in the comments: a long comment scrolls line by line until its end shows, then the
/// next comment is selected.
fn step_comment(state: &mut AppState, down: bool) {
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
            .position(|r| r.kind == super::state::CommentRowKind::Header)
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
    show_comment(open, rows);
}

/// Scrolls the comments so the selected one shows, header first.
pub(super) fn show_comment(open: &mut OpenItem, rows: usize) {
    let Some((first, last)) = open.comment_span(open.comment_selected) else {
        return;
    };
    if first < open.comments_scroll {
        open.comments_scroll = first;
    } else if last >= open.comments_scroll + rows {
        open.comments_scroll = first.max((last + 1).saturating_sub(rows)).min(first);
        // A comment taller than the pane shows from its start.
        if last + 1 - first > rows {
            open.comments_scroll = first;
        }
    }
}

/// After a page or a jump: the selection moves to the first comment whose header shows.
fn select_first_visible_comment(open: &mut OpenItem, rows: usize) {
    let top = open.comments_scroll;
    let visible = |c: usize| {
        open.comment_span(c)
            .is_some_and(|(first, last)| last >= top && first < top + rows)
    };
    if visible(open.comment_selected) {
        return;
    }
    if let Some(row) = open.comment_rows[top.min(open.comment_rows.len())..]
        .iter()
        .take(rows)
        .find(|r| r.kind == super::state::CommentRowKind::Header)
    {
        open.comment_selected = row.comment;
    }
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
fn fold(state: &mut AppState) {
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
    relayout_comments(open, width);
    show_comment(open, rows);
}

fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = state.selected_index() else {
        return Vec::new();
    };
    let h = &mut state.headlines[index];
    if state.open.as_ref().is_some_and(|o| o.id == h.id) {
        state.focus = Focus::Article;
        return Vec::new();
    }
    let Some(url) = h.link.clone() else {
        state.status = "this headline has no link to open".to_string();
        return Vec::new();
    };
    let (id, title, was_read) = (h.id, h.title.clone(), h.read);
    h.read = true;
    let mut effects = Vec::new();
    if !was_read {
        effects.push(mark(state, id, Mark::Read(true)));
        if let Some(counts) = state.loading_rest.as_mut() {
            counts.unread = counts.unread.saturating_sub(1);
        }
    }
    state.open = Some(OpenItem::new(id, url.clone(), title));
    state.focus = Focus::Article;
    if state.grouping != Grouping::Newest {
        state.regroup();
    }
    effects.push(Effect::LoadArticle {
        id,
        url: url.clone(),
        width: state.article_width(),
    });
    effects.push(Effect::LoadComments { id, url });
    effects
}

/// The headline the keys act on: the selected one in the list, else the one being read.
fn target_headline(state: &mut AppState) -> Option<&mut Headline> {
    let index = match state.focus {
        Focus::Headlines => state.selected_index(),
        _ => {
            let id = state.open.as_ref()?.id;
            state.headlines.iter().position(|h| h.id == id)
        }
    }?;
    state.headlines.get_mut(index)
}

fn toggle_read(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = target_headline(state) else {
        return Vec::new();
    };
    h.read = !h.read;
    let (id, read) = (h.id, h.read);
    state.status = if read { "marked read" } else { "marked unread" }.to_string();
    if state.grouping != Grouping::Newest {
        state.regroup();
    }
    vec![mark(state, id, Mark::Read(read))]
}

fn toggle_star(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = target_headline(state) else {
        return Vec::new();
    };
    h.starred = !h.starred;
    let (id, starred) = (h.id, h.starred);
    state.status = if starred { "starred" } else { "unstarred" }.to_string();
    vec![mark(state, id, Mark::Starred(starred))]
}

/// The effect that saves a mark, remembered until the store's worker says it is saved.
fn mark(state: &mut AppState, id: i64, mark: Mark) -> Effect {
    state.unsaved_marks.push_back((id, mark));
    match mark {
        Mark::Read(read) => Effect::SetRead { id, read },
        Mark::Starred(starred) => Effect::SetStarred { id, starred },
    }
}

/// `o`: the article in the browser; after a count (`3o`), the article's link 3.
fn open_in_browser(state: &mut AppState) -> Vec<Effect> {
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
        _ => match state.selected_headline().and_then(|h| h.link.clone()) {
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

/// Space: pause or resume what is loaded, unless the reader is in another article, whose
/// narration then starts (its recording, or synthesized speech when it has none).
fn toggle_play(state: &mut AppState) -> Vec<Effect> {
    let reading = match state.focus {
        Focus::Article | Focus::Comments => state.open.as_ref(),
        _ => None,
    };
    let other_article = reading.filter(|o| state.player.item != Some(o.id));
    let Some(open) = other_article else {
        return if state.player.item.is_some() {
            vec![Effect::Player(Command::Toggle)]
        } else {
            state.status = "open an article to listen to it".to_string();
            Vec::new()
        };
    };
    let Some(article) = open.article.loaded() else {
        state.status = "the article is still loading".to_string();
        return Vec::new();
    };
    let item = open.id;
    let speed = state.player.speed;
    state.player = state
        .player
        .starting(item, article.title.clone(), article.narration.is_none());
    let start = match &article.narration {
        Some(narration) => Effect::PlayRecording {
            item,
            narration: narration.clone(),
        },
        None => Effect::StartSpeech {
            item,
            parts: crate::narration::article_parts(article),
            first: 0,
            speed,
        },
    };
    let mut effects = vec![start];
    if article.narration.is_some() && (speed - 1.0).abs() > 0.001 {
        effects.push(Effect::Player(Command::Speed(speed)));
    }
    effects.push(Effect::Player(Command::Play));
    effects
}

/// `p` in the article: synthesized speech from the paragraph the reader clicked when it is
/// in view, else from the first paragraph at or below the top of the view (the paragraph's
/// own words, whether or not the article has a recording).
fn play_from_here(state: &mut AppState) -> Vec<Effect> {
    if state.focus != Focus::Article {
        return Vec::new();
    }
    let rows = state.article_rows();
    let Some(open) = state.open.as_ref() else {
        return Vec::new();
    };
    let Some(rendered) = &open.rendered else {
        state.status = "the article is still loading".to_string();
        return Vec::new();
    };
    let in_view = &rendered.lines[open.scroll.min(rendered.lines.len())..];
    let chosen = open
        .chosen
        .filter(|c| in_view.iter().take(rows).any(|l| l.block == Some(*c)));
    let Some(paragraph) = chosen.or_else(|| in_view.iter().find_map(|l| l.block)) else {
        state.status = "no paragraph here to speak".to_string();
        return Vec::new();
    };
    speak_from(state, paragraph)
}

/// Synthesized speech of the open article from paragraph `paragraph`.
pub(super) fn speak_from(state: &mut AppState, paragraph: usize) -> Vec<Effect> {
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    let Some(article) = open.article.loaded() else {
        state.status = "the article is still loading".to_string();
        return Vec::new();
    };
    open.follow = true;
    open.chosen = None;
    let item = open.id;
    state.player = state.player.starting(item, article.title.clone(), true);
    state.status = format!(
        "speaking from paragraph {} of {}",
        paragraph + 1,
        article.paragraphs.len()
    );
    vec![
        Effect::StartSpeech {
            item,
            parts: crate::narration::article_parts(article),
            first: paragraph + 1,
            speed: state.player.speed,
        },
        Effect::Player(Command::Play),
    ]
}

/// `[` and `]`: a recording plays faster or slower (its pitch moves with it); speech is made
/// again from the part being spoken at the engine's new rate, so its pitch stays.
fn change_speed(state: &mut AppState, faster: bool) -> Vec<Effect> {
    let speed = crate::audio::step_speed(state.player.speed, faster);
    state.player.speed = speed;
    state.status = format!("speed {speed:.2}x");
    let Some(item) = state.player.item else {
        return Vec::new();
    };
    if !state.player.speech {
        return vec![Effect::Player(Command::Speed(speed))];
    }
    let article = state
        .open
        .as_ref()
        .filter(|o| o.id == item)
        .and_then(|o| o.article.loaded());
    let Some(article) = article else {
        state.status = format!(
            "speed {speed:.2}x from the next narration (open its article to change it now)"
        );
        return Vec::new();
    };
    let first = state.player.part.unwrap_or(0);
    let playing = state.player.state != PlayState::Paused;
    let mut effects = vec![Effect::StartSpeech {
        item,
        parts: crate::narration::article_parts(article),
        first,
        speed,
    }];
    if playing {
        effects.push(Effect::Player(Command::Play));
    }
    effects
}

fn player_event(state: &mut AppState, event: PlayerEvent) {
    let p = &mut state.player;
    match event {
        PlayerEvent::State(s) => p.state = s,
        PlayerEvent::Position { pos, total, part } => {
            let moved = part.is_some() && part != p.part;
            // Redraw only when what is shown changes: whole seconds, the length, the part.
            let shown = pos.as_secs() != p.pos.as_secs() || total != p.total || moved;
            p.pos = pos;
            p.total = total.or(p.total);
            p.part = part.or(p.part);
            if !shown {
                return;
            }
            if moved {
                follow_speech(state);
            }
        }
        PlayerEvent::Ended => {
            p.state = PlayState::Stopped;
            p.part = None;
        }
        PlayerEvent::Error(e) => {
            p.state = PlayState::Stopped;
            state.status = format!("playback stopped: {}", sanitize::line(&e));
        }
    }
    state.dirty = true;
}

/// Scrolls the open article to the paragraph being spoken, when it is that article's speech
/// and the reader has not scrolled away.
fn follow_speech(state: &mut AppState) {
    let Some(paragraph) = state.player.paragraph() else {
        return;
    };
    let rows = state.article_rows();
    let Some(open) = state
        .open
        .as_mut()
        .filter(|o| o.follow && state.player.item == Some(o.id))
    else {
        return;
    };
    let Some(rendered) = &open.rendered else {
        return;
    };
    if let Some(first) = rendered
        .lines
        .iter()
        .position(|l| l.block == Some(paragraph))
    {
        // The spoken paragraph a couple of lines below the top, the view never past the end.
        let last_top = rendered.lines.len().saturating_sub(rows);
        open.scroll = first.saturating_sub(2).min(last_top);
    }
    state.dirty = true;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::tui::testdata;
    use crossterm::event::MouseEvent;

    fn app() -> AppState {
        AppState::new(testdata::headlines(), (80, 24))
    }

    fn key(state: &mut AppState, action: Action) -> Vec<Effect> {
        update(state, Msg::Key(action))
    }

    /// Opens headline `index` and delivers its article and comments.
    fn opened(index: usize, narrated: bool) -> AppState {
        let mut s = app();
        s.selected = index;
        key(&mut s, Action::Open);
        let id = s.headlines[index].id;
        testdata::deliver(&mut s, id, narrated);
        s
    }

    fn position(secs: u64, part: Option<usize>) -> Msg {
        Msg::Player(PlayerEvent::Position {
            pos: Duration::from_secs(secs),
            total: Some(Duration::from_secs(252)),
            part,
        })
    }

    #[test]
    fn enter_marks_the_item_loading_and_asks_for_its_article_and_comments() {
        let mut s = app();
        key(&mut s, Action::Down);
        let effects = key(&mut s, Action::Open);
        assert_eq!(s.focus, Focus::Article);
        assert!(s.headlines[1].read);
        let open = s.open.as_ref().expect("an open item");
        assert_eq!(open.id, 2);
        assert_eq!(open.article, Loadable::Loading);
        assert_eq!(open.comments, Loadable::Loading);
        assert!(matches!(
            effects.as_slice(),
            [
                Effect::SetRead { id: 2, read: true },
                Effect::LoadArticle { id: 2, url: a, width: 75 },
                Effect::LoadComments { id: 2, url: c },
            ] if a == "https://gazette.example/2" && c == a
        ));
    }

    #[test]
    fn a_result_for_an_article_already_left_is_dropped() {
        let mut s = app();
        key(&mut s, Action::Open);
        key(&mut s, Action::Back);
        key(&mut s, Action::Down);
        key(&mut s, Action::Open);
        s.dirty = false;
        let stale = Msg::ArticleLoaded {
            id: 1,
            result: Ok(Box::new(testdata::article(1, true))),
            notice: None,
            layout: None,
        };
        assert!(update(&mut s, stale).is_empty());
        let stale_comments = Msg::CommentsLoaded {
            id: 1,
            result: Ok(testdata::thread()),
        };
        update(&mut s, stale_comments);
        let open = s.open.as_ref().expect("an open item");
        assert_eq!((open.id, &open.article), (2, &Loadable::Loading));
        assert_eq!(open.comments, Loadable::Loading);
        assert!(!s.dirty, "a dropped result draws nothing");

        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 2,
                result: Ok(Box::new(testdata::article(2, false))),
                notice: Some("offline; showing the saved copy".into()),
                layout: None,
            },
        );
        let open = s.open.as_ref().expect("an open item");
        assert!(open.article.loaded().is_some());
        assert!(open.rendered.as_ref().is_some_and(|r| !r.lines.is_empty()));
        assert_eq!(open.rendered_width, s.article_width());
        assert_eq!(s.status, "offline; showing the saved copy");
        assert!(s.dirty);
    }

    #[test]
    fn a_recording_s_length_is_learned_when_its_article_loads() {
        let mut s = app();
        key(&mut s, Action::Open);
        let effects = update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Ok(Box::new(testdata::article(1, true))),
                notice: None,
                layout: None,
            },
        );
        assert!(matches!(
            effects.as_slice(),
            [Effect::ProbeRecording { item: 1, narration }]
                if narration.url == "https://gazette.example/audio/1.mp3"
        ));
        let length = |item| Msg::RecordingLength {
            item,
            total: Some(Duration::from_secs(252)),
        };
        update(&mut s, length(1));
        assert_eq!(
            s.open.as_ref().expect("open").recording_total,
            Some(Duration::from_secs(252))
        );

        // The reader moved on before the length came: it is dropped.
        key(&mut s, Action::Back);
        key(&mut s, Action::Down);
        key(&mut s, Action::Open);
        s.dirty = false;
        assert!(update(&mut s, length(1)).is_empty());
        assert_eq!(s.open.as_ref().expect("open").recording_total, None);
        assert!(!s.dirty, "a dropped length draws nothing");
        let effects = update(
            &mut s,
            Msg::ArticleLoaded {
                id: 2,
                result: Ok(Box::new(testdata::article(2, false))),
                notice: None,
                layout: None,
            },
        );
        assert!(effects.is_empty(), "no recording, nothing to learn");
    }

    #[test]
    fn failures_are_kept_for_the_view() {
        let mut s = app();
        key(&mut s, Action::Open);
        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Err("connection refused".into()),
                notice: None,
                layout: None,
            },
        );
        update(
            &mut s,
            Msg::CommentsLoaded {
                id: 1,
                result: Err("timed out".into()),
            },
        );
        let open = s.open.as_ref().expect("an open item");
        assert_eq!(open.article, Loadable::Failed("connection refused".into()));
        assert_eq!(open.comments, Loadable::Failed("timed out".into()));
    }

    #[test]
    fn error_texts_cannot_drive_the_terminal() {
        let mut s = app();
        key(&mut s, Action::Open);
        let hostile = "bad\u{1b}]0;owned\u{7}\u{1b}[2J gateway\r\nreply".to_string();
        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Err(hostile.clone()),
                notice: None,
                layout: None,
            },
        );
        update(&mut s, Msg::Player(PlayerEvent::Error(hostile.clone())));
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.article, Loadable::Failed("bad gateway reply".into()));
        assert_eq!(s.status, "playback stopped: bad gateway reply");
        update(&mut s, Msg::RefreshDone(Err(hostile)));
        assert_eq!(s.status, "refresh failed: bad gateway reply");
    }

    #[test]
    fn reopening_the_open_item_does_not_fetch_it_again() {
        let mut s = opened(0, true);
        key(&mut s, Action::Back);
        assert_eq!(s.focus, Focus::Headlines);
        assert!(key(&mut s, Action::Open).is_empty());
        assert_eq!(s.focus, Focus::Article);
    }

    #[test]
    fn space_plays_the_recording_then_toggles_it() {
        let mut s = opened(0, true);
        let effects = key(&mut s, Action::TogglePlay);
        assert!(matches!(
            effects.as_slice(),
            [
                Effect::PlayRecording { item: 1, narration },
                Effect::Player(Command::Play),
            ] if narration.url == "https://gazette.example/audio/1.mp3"
        ));
        assert_eq!(s.player.state, PlayState::Loading);
        assert_eq!(s.player.item, Some(1));
        assert!(!s.player.speech);
        let effects = key(&mut s, Action::TogglePlay);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Toggle)]
        ));
        // From the headlines, space still pauses what plays.
        key(&mut s, Action::Back);
        let effects = key(&mut s, Action::TogglePlay);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Toggle)]
        ));
    }

    #[test]
    fn an_article_without_a_recording_is_spoken_title_first() {
        let mut s = opened(1, false);
        let effects = key(&mut s, Action::TogglePlay);
        let Some(Effect::StartSpeech {
            item, parts, first, ..
        }) = effects.first()
        else {
            panic!("expected speech, got {effects:?}");
        };
        let article = s
            .open
            .as_ref()
            .and_then(|o| o.article.loaded())
            .expect("loaded");
        assert_eq!((*item, *first), (2, 0));
        assert_eq!(parts[0], article.title);
        assert_eq!(&parts[1..], article.paragraphs.as_slice());
        assert!(s.player.speech);
    }

    #[test]
    fn p_speaks_from_the_paragraph_at_the_top_of_the_view() {
        let mut s = opened(0, true);
        testdata::resize(&mut s, 80, 12);
        let paragraph_two = s
            .open
            .as_ref()
            .and_then(|o| o.rendered.as_ref())
            .and_then(|r| r.lines.iter().position(|l| l.block == Some(1)))
            .expect("a second paragraph");
        // Scrolled to the blank line just above the second paragraph.
        for _ in 0..paragraph_two - 1 {
            key(&mut s, Action::Down);
        }
        let effects = key(&mut s, Action::PlayFromHere);
        assert!(matches!(
            effects.as_slice(),
            [
                Effect::StartSpeech {
                    item: 1,
                    first: 2,
                    ..
                },
                Effect::Player(Command::Play),
            ]
        ));
        assert!(
            s.player.speech,
            "speech even though the article has a recording"
        );
        assert!(s.open.as_ref().expect("open").follow);
        assert_eq!(s.status, "speaking from paragraph 2 of 5");
        key(&mut s, Action::Back);
        assert!(
            key(&mut s, Action::PlayFromHere).is_empty(),
            "only in the article"
        );
    }

    #[test]
    fn nothing_to_play_says_why() {
        let mut s = app();
        assert!(key(&mut s, Action::TogglePlay).is_empty());
        assert_eq!(s.status, "open an article to listen to it");
        key(&mut s, Action::Open);
        assert!(key(&mut s, Action::TogglePlay).is_empty());
        assert_eq!(s.status, "the article is still loading");
        assert!(key(&mut s, Action::SeekForward).is_empty());
    }

    #[test]
    fn seek_and_volume_go_to_the_player() {
        let mut s = opened(0, true);
        key(&mut s, Action::TogglePlay);
        let seek = key(&mut s, Action::SeekBack);
        assert!(
            matches!(seek.as_slice(), [Effect::Player(Command::SeekBy(x))] if *x == -SEEK_STEP)
        );
        let vol = key(&mut s, Action::VolumeDown);
        assert!(
            matches!(vol.as_slice(), [Effect::Player(Command::Volume(v))] if (*v - 0.9).abs() < 1e-6)
        );
        assert_eq!(s.status, "volume 90%");
    }

    #[test]
    fn the_view_follows_the_spoken_paragraph_until_the_reader_scrolls_away() {
        let mut s = opened(1, false);
        // A short terminal, so that the last paragraph lies below the first screen.
        testdata::resize(&mut s, 60, 12);
        key(&mut s, Action::TogglePlay);
        let last = s
            .open
            .as_ref()
            .and_then(|o| o.article.loaded())
            .map(|a| a.paragraphs.len())
            .expect("loaded");
        update(&mut s, position(30, Some(last)));
        let rows = s.article_rows();
        let open = s.open.as_ref().expect("open");
        let lines = &open.rendered.as_ref().expect("rendered").lines;
        let spoken = lines
            .iter()
            .position(|l| l.block == Some(last - 1))
            .expect("the last paragraph is rendered");
        assert!(open.scroll > 0, "followed down");
        assert!((open.scroll..open.scroll + rows).contains(&spoken));

        key(&mut s, Action::Top);
        assert!(!s.open.as_ref().expect("open").follow);
        update(&mut s, position(31, Some(1)));
        assert_eq!(
            s.open.as_ref().expect("open").scroll,
            0,
            "stays where the reader went"
        );
        update(&mut s, position(40, Some(last)));
        assert_eq!(s.open.as_ref().expect("open").scroll, 0);
        key(&mut s, Action::Follow);
        assert!(
            s.open.as_ref().expect("open").scroll > 0,
            "jumps back to the voice"
        );
    }

    #[test]
    fn positions_within_the_same_second_draw_nothing() {
        let mut s = opened(0, true);
        key(&mut s, Action::TogglePlay);
        update(&mut s, position(3, None));
        s.dirty = false;
        update(
            &mut s,
            Msg::Player(PlayerEvent::Position {
                pos: Duration::from_millis(3_400),
                total: Some(Duration::from_secs(252)),
                part: None,
            }),
        );
        assert!(!s.dirty);
        assert_eq!(s.player.pos, Duration::from_millis(3_400));
        update(&mut s, position(4, None));
        assert!(s.dirty);
    }

    #[test]
    fn player_errors_and_the_end_stop_the_snapshot() {
        let mut s = opened(0, true);
        key(&mut s, Action::TogglePlay);
        update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
        assert_eq!(s.player.state, PlayState::Playing);
        update(
            &mut s,
            Msg::Player(PlayerEvent::Error("device lost".into())),
        );
        assert_eq!(s.player.state, PlayState::Stopped);
        assert_eq!(s.status, "playback stopped: device lost");
        update(&mut s, Msg::PlaybackFailed("no audio output".into()));
        assert_eq!(s.status, "cannot play: no audio output");
        assert_eq!(s.player.item, None);
        let retry = key(&mut s, Action::TogglePlay);
        assert!(matches!(
            retry.first(),
            Some(Effect::PlayRecording { item: 1, .. })
        ));
    }

    #[test]
    fn back_leaves_help_then_the_article_then_quits() {
        let mut s = opened(0, true);
        key(&mut s, Action::Help);
        assert_eq!((s.focus, s.screen()), (Focus::Help, Focus::Article));
        assert!(key(&mut s, Action::Down).is_empty(), "help takes the keys");
        key(&mut s, Action::Back);
        assert_eq!(s.focus, Focus::Article);
        key(&mut s, Action::Back);
        assert_eq!(s.focus, Focus::Headlines);
        let effects = key(&mut s, Action::Back);
        assert!(s.quit);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Stop), Effect::Quit]
        ));
    }

    #[test]
    fn tab_and_c_move_between_the_panes() {
        let mut s = app();
        key(&mut s, Action::NextFocus);
        assert_eq!(
            s.focus,
            Focus::Headlines,
            "nothing open: nowhere else to go"
        );
        let mut s = opened(0, true);
        key(&mut s, Action::ToggleComments);
        assert_eq!(s.focus, Focus::Comments);
        key(&mut s, Action::ToggleComments);
        assert_eq!(s.focus, Focus::Article);
        key(&mut s, Action::NextFocus);
        assert_eq!(s.focus, Focus::Comments);
        key(&mut s, Action::NextFocus);
        assert_eq!(s.focus, Focus::Headlines);
        key(&mut s, Action::NextFocus);
        assert_eq!(s.focus, Focus::Article);
    }

    #[test]
    fn the_selection_stays_inside_the_list() {
        let mut s = app();
        key(&mut s, Action::Up);
        assert_eq!(s.selected, 0);
        key(&mut s, Action::Bottom);
        assert_eq!(s.selected, 3);
        key(&mut s, Action::Down);
        assert_eq!(s.selected, 3);
        key(&mut s, Action::PageUp);
        assert_eq!(s.selected, 0);
    }

    #[test]
    fn comments_scroll_no_further_than_their_last_line() {
        let mut s = opened(0, true);
        testdata::resize(&mut s, 80, 10);
        key(&mut s, Action::ToggleComments);
        key(&mut s, Action::Bottom);
        let total = s.open.as_ref().expect("open").comment_rows.len();
        let last_top = total - s.comments_rows();
        assert!(last_top > 0, "the thread is longer than the pane");
        assert_eq!(s.open.as_ref().expect("open").comments_scroll, last_top);
        key(&mut s, Action::Down);
        assert_eq!(s.open.as_ref().expect("open").comments_scroll, last_top);
        key(&mut s, Action::Top);
        assert_eq!(s.open.as_ref().expect("open").comments_scroll, 0);
    }

    #[test]
    fn a_resize_lays_the_article_out_again() {
        let mut s = opened(0, true);
        let narrow = s.open.as_ref().expect("open").rendered_width;
        testdata::resize(&mut s, 160, 48);
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.rendered_width, s.article_width());
        assert_ne!(open.rendered_width, narrow);
        let widest = open
            .rendered
            .as_ref()
            .expect("rendered")
            .lines
            .iter()
            .map(|l| crate::width::of(&l.text()))
            .max();
        assert!(widest.is_some_and(|w| w <= s.article_width()));
    }

    #[test]
    fn the_layout_is_made_off_the_loop_and_a_stale_one_is_dropped() {
        let mut s = opened(0, true);
        update(&mut s, Msg::Resize(60, 8));
        // Scrolled to the third paragraph, laid out at 80 columns.
        let third = |s: &AppState| {
            s.open
                .as_ref()
                .and_then(|o| o.rendered.as_ref())
                .and_then(|r| r.lines.iter().position(|l| l.block == Some(2)))
                .expect("a third paragraph")
        };
        s.open.as_mut().expect("open").scroll = third(&s);
        let effects = update(&mut s, Msg::Resize(120, 8));
        let Some(Effect::LayOut { id, article, width }) = effects.into_iter().next() else {
            panic!("a new width asks for a layout");
        };
        assert_eq!((id, width), (1, s.article_width()));
        assert_ne!(
            s.open.as_ref().expect("open").rendered_width,
            width,
            "the old layout shows meanwhile"
        );
        let stale = Layout {
            width: 40,
            rendered: article.render(40),
        };
        update(
            &mut s,
            Msg::LaidOut {
                id: 1,
                layout: stale,
            },
        );
        assert_ne!(s.open.as_ref().expect("open").rendered_width, 40);
        let layout = Layout {
            width,
            rendered: article.render(width),
        };
        update(&mut s, Msg::LaidOut { id: 1, layout });
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.rendered_width, width);
        assert_eq!(
            open.scroll,
            third(&s),
            "the reader's paragraph stays at the top"
        );
    }

    #[test]
    fn refresh_runs_once_reports_progress_and_keeps_the_selection() {
        let mut s = app();
        key(&mut s, Action::Down);
        assert!(matches!(
            key(&mut s, Action::Refresh).as_slice(),
            [Effect::Refresh]
        ));
        assert!(
            key(&mut s, Action::Refresh).is_empty(),
            "one refresh at a time"
        );
        update(
            &mut s,
            Msg::RefreshProgress {
                done: 37,
                total: 100,
            },
        );
        assert_eq!(s.status, "refreshing 37/100");
        let mut fresh = vec![testdata::headline(9, "A new headline", false)];
        fresh.extend(testdata::headlines());
        update(
            &mut s,
            Msg::RefreshDone(Ok(Refreshed {
                summary: "5 feeds, 1 new".into(),
                failures: Vec::new(),
            })),
        );
        assert_eq!(s.status, "5 feeds, 1 new");
        assert!(!s.refreshing);
        update(&mut s, Msg::HeadlinesLoaded(Ok(fresh)));
        assert_eq!(s.selected_headline().map(|h| h.id), Some(2));
        assert_eq!(s.headlines.len(), 5);
        update(&mut s, Msg::RefreshDone(Err("database is locked".into())));
        assert_eq!(s.status, "refresh failed: database is locked");
    }

    fn type_keys(s: &mut AppState, text: &str) {
        for c in text.chars() {
            update(
                s,
                Msg::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
        }
    }

    fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
        update(s, Msg::Input(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    #[test]
    fn slash_searches_the_headlines_and_n_finds_the_next_match() {
        let mut s = app();
        type_keys(&mut s, "/");
        assert_eq!(s.search.typing.as_deref(), Some(""));
        // Keys go to the box while it is open: `q` does not quit.
        type_keys(&mut s, "qe");
        press(&mut s, KeyCode::Backspace);
        press(&mut s, KeyCode::Backspace);
        assert!(!s.quit);
        type_keys(&mut s, "ER");
        press(&mut s, KeyCode::Enter);
        assert_eq!(s.search.typing, None);
        // In headlines 1 ("Ferry ... winter") and 4 ("... cooperative ...").
        assert_eq!(s.selected, 3);
        assert_eq!(s.status, "/ER: match 2 of 2");
        key(&mut s, Action::SearchNext);
        assert_eq!((s.selected, s.status.as_str()), (0, "/ER: match 1 of 2"));
        key(&mut s, Action::SearchPrevious);
        assert_eq!(s.selected, 3);
        type_keys(&mut s, "/");
        type_keys(&mut s, "zebra");
        press(&mut s, KeyCode::Enter);
        assert_eq!(s.status, "/zebra: not found");
        assert_eq!(s.selected, 3, "nothing found: the selection stays");
        type_keys(&mut s, "/x");
        press(&mut s, KeyCode::Esc);
        assert_eq!(
            (s.search.typing.as_ref(), s.search.query.as_str()),
            (None, "zebra")
        );
    }

    #[test]
    fn search_in_the_article_scrolls_to_the_line_and_in_the_comments_selects_one() {
        let mut s = opened(0, true);
        testdata::resize(&mut s, 60, 12);
        type_keys(&mut s, "/");
        type_keys(&mut s, "spring");
        press(&mut s, KeyCode::Enter);
        let open = s.open.as_ref().expect("open");
        let lines = &open.rendered.as_ref().expect("rendered").lines;
        let line = lines
            .iter()
            .position(|l| l.text().contains("spring"))
            .expect("the word is in the article");
        assert!((open.scroll..open.scroll + s.article_rows()).contains(&line));
        assert!(open.scroll > 0);
        assert!(!open.follow, "a search is the reader scrolling away");
        assert_eq!(s.status, "/spring: match 1 of 1");

        key(&mut s, Action::ToggleComments);
        type_keys(&mut s, "/");
        type_keys(&mut s, "early boats");
        press(&mut s, KeyCode::Enter);
        assert_eq!(s.open.as_ref().expect("open").comment_selected, 2);
    }

    #[test]
    fn a_search_match_inside_a_folded_thread_unfolds_it() {
        let mut s = opened(0, true);
        key(&mut s, Action::ToggleComments);
        key(&mut s, Action::FoldThread);
        assert!(s.open.as_ref().expect("open").folded.contains(&0));
        type_keys(&mut s, "/");
        type_keys(&mut s, "heated");
        press(&mut s, KeyCode::Enter);
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.comment_selected, 1);
        assert!(open.folded.is_empty());
    }

    #[test]
    fn folding_hides_the_replies_and_counts_them() {
        let mut s = opened(0, true);
        key(&mut s, Action::ToggleComments);
        let before = s.open.as_ref().expect("open").comment_rows.len();
        key(&mut s, Action::Open);
        let open = s.open.as_ref().expect("open");
        assert!(open.comment_rows.len() < before);
        assert!(
            open.comment_rows.iter().all(|r| r.comment != 1),
            "the reply is hidden"
        );
        assert!(
            open.comment_rows[0].text.ends_with("[+1 reply]"),
            "{:?}",
            open.comment_rows[0]
        );
        // j goes past the hidden reply to the next thread.
        key(&mut s, Action::Down);
        assert_eq!(s.open.as_ref().expect("open").comment_selected, 2);
        key(&mut s, Action::FoldThread);
        assert_eq!(s.status, "no replies to fold");
        key(&mut s, Action::Up);
        key(&mut s, Action::FoldThread);
        assert_eq!(s.open.as_ref().expect("open").comment_rows.len(), before);
    }

    #[test]
    fn j_and_k_step_through_the_comments_one_by_one() {
        let mut s = opened(0, true);
        key(&mut s, Action::ToggleComments);
        key(&mut s, Action::Down);
        assert_eq!(s.open.as_ref().expect("open").comment_selected, 1);
        key(&mut s, Action::Down);
        key(&mut s, Action::Down);
        assert_eq!(
            s.open.as_ref().expect("open").comment_selected,
            2,
            "stops at the last"
        );
        key(&mut s, Action::Up);
        assert_eq!(s.open.as_ref().expect("open").comment_selected, 1);
    }

    #[test]
    fn m_and_s_change_read_and_star_and_save_them() {
        let mut s = app();
        let effects = key(&mut s, Action::ToggleRead);
        assert!(matches!(
            effects.as_slice(),
            [Effect::SetRead { id: 1, read: true }]
        ));
        assert!(s.headlines[0].read);
        let effects = key(&mut s, Action::ToggleRead);
        assert!(matches!(
            effects.as_slice(),
            [Effect::SetRead { id: 1, read: false }]
        ));
        assert_eq!(s.status, "marked unread");
        let effects = key(&mut s, Action::ToggleStar);
        assert!(matches!(
            effects.as_slice(),
            [Effect::SetStarred {
                id: 1,
                starred: true
            }]
        ));
        assert!(s.headlines[0].starred);
        // In the article, they act on the article being read.
        let mut s = opened(1, false);
        let effects = key(&mut s, Action::ToggleStar);
        assert!(matches!(
            effects.as_slice(),
            [Effect::SetStarred {
                id: 2,
                starred: true
            }]
        ));
    }

    #[test]
    fn o_opens_the_article_or_after_a_count_one_of_its_links() {
        let mut s = app();
        assert!(matches!(
            key(&mut s, Action::OpenInBrowser).as_slice(),
            [Effect::OpenInBrowser(u)] if u == "https://gazette.example/1"
        ));
        let mut s = opened(0, true);
        type_keys(&mut s, "1");
        assert_eq!(s.count, Some(1));
        let effects = type_and_get(&mut s, 'o');
        assert!(
            matches!(effects.as_slice(), [Effect::OpenInBrowser(u)] if u == "https://gazette.example/timetable"),
            "{effects:?}"
        );
        assert_eq!(s.count, None, "a count is used once");
        type_keys(&mut s, "7");
        assert!(type_and_get(&mut s, 'o').is_empty());
        assert_eq!(s.status, "no link [7]: this article has 1");
    }

    fn type_and_get(s: &mut AppState, c: char) -> Vec<Effect> {
        update(
            s,
            Msg::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        )
    }

    fn group(row: &super::super::state::Row) -> Option<&super::super::state::Group> {
        match row {
            super::super::state::Row::Group(g) => Some(g),
            super::super::state::Row::Headline(_) => None,
        }
    }

    #[test]
    fn a_list_row_stays_small_as_there_is_one_per_headline() {
        assert!(std::mem::size_of::<super::super::state::Row>() <= 16);
    }

    #[test]
    fn t_groups_by_feed_then_by_tag_then_newest_first() {
        let mut s = app();
        s.headlines[2].feed = "Coast Weekly".into();
        s.headlines[2].feed_url = "https://coast.example/feed".into();
        s.tags = [(
            "https://coast.example/feed".to_string(),
            vec!["local".to_string()],
        )]
        .into();
        s.regroup();
        key(&mut s, Action::Down);
        let chosen = s.selected_headline().map(|h| h.id);
        key(&mut s, Action::Group);
        assert_eq!(s.grouping, Grouping::ByFeed);
        let first = group(&s.rows[0]).expect("a group first");
        assert_eq!((first.name.as_str(), first.total), ("Coast Weekly", 1));
        assert_eq!(
            s.selected_headline().map(|h| h.id),
            chosen,
            "the selection stays on its headline"
        );
        key(&mut s, Action::Top);
        assert!(
            s.selected_index().is_some(),
            "a group's header is never selected"
        );
        key(&mut s, Action::Group);
        assert_eq!(s.grouping, Grouping::ByTag);
        assert_eq!(group(&s.rows[0]).map(|g| g.name.as_str()), Some("local"));
        assert!(
            s.rows
                .iter()
                .filter_map(group)
                .any(|g| g.name == "untagged" && g.total == 3)
        );
        key(&mut s, Action::Group);
        assert_eq!(s.grouping, Grouping::Newest);
        assert_eq!(s.rows.len(), s.headlines.len());
    }

    #[test]
    fn failing_feeds_show_on_their_group() {
        let mut s = app();
        update(
            &mut s,
            Msg::RefreshDone(Ok(Refreshed {
                summary: "1 feeds, 0 new; 1 unreachable".into(),
                failures: vec![FeedFailure {
                    name: "The Harbour Gazette".into(),
                    url: "https://gazette.example/feed".into(),
                    kind: crate::failure::FailureKind::Unreachable,
                    reason: "could not connect: \u{1b}[31mrefused".into(),
                }],
            })),
        );
        key(&mut s, Action::Group);
        assert_eq!(
            group(&s.rows[0]).and_then(|g| g.error.as_deref()),
            Some("could not connect: refused")
        );
        // A feed that never answered has a group of its own, to show why.
        update(
            &mut s,
            Msg::RefreshDone(Ok(Refreshed {
                summary: String::new(),
                failures: vec![FeedFailure {
                    name: "Wire".into(),
                    url: "https://wire.example/feed".into(),
                    kind: crate::failure::FailureKind::Unreachable,
                    reason: "could not connect: no route".into(),
                }],
            })),
        );
        assert!(
            s.rows
                .iter()
                .filter_map(group)
                .any(|g| g.name == "Wire" && g.total == 0 && g.error.is_some())
        );
    }

    #[test]
    fn speed_keys_change_a_recordings_speed_and_restart_speech_at_the_new_rate() {
        let mut s = opened(0, true);
        key(&mut s, Action::TogglePlay);
        let effects = key(&mut s, Action::SpeedUp);
        assert!(
            matches!(effects.as_slice(), [Effect::Player(Command::Speed(x))] if (*x - 1.1).abs() < 1e-6)
        );
        assert_eq!(s.status, "speed 1.10x");

        let mut s = opened(1, false);
        key(&mut s, Action::TogglePlay);
        update(&mut s, position(20, Some(3)));
        let effects = key(&mut s, Action::SlowDown);
        assert!(
            matches!(
                effects.as_slice(),
                [Effect::StartSpeech { item: 2, first: 3, speed, .. }, Effect::Player(Command::Play)]
                    if (*speed - 0.9).abs() < 1e-6
            ),
            "{effects:?}"
        );
        // The next narration starts at the chosen speed.
        key(&mut s, Action::Back);
        key(&mut s, Action::Up);
        key(&mut s, Action::Open);
        testdata::deliver(&mut s, 1, true);
        let effects = key(&mut s, Action::TogglePlay);
        assert!(matches!(
            effects.as_slice(),
            [Effect::PlayRecording { .. }, Effect::Player(Command::Speed(x)), Effect::Player(Command::Play)]
                if (*x - 0.9).abs() < 1e-6
        ));
    }

    #[test]
    fn help_scrolls_and_takes_the_keys() {
        let mut s = app();
        testdata::resize(&mut s, 80, 12);
        key(&mut s, Action::Help);
        key(&mut s, Action::Down);
        key(&mut s, Action::Down);
        assert_eq!(s.help_scroll, 2);
        key(&mut s, Action::Bottom);
        assert_eq!(s.help_scroll, crate::tui::view::help_rows(&s) - 1);
        assert_eq!(s.selected, 0, "the list behind did not move");
        key(&mut s, Action::Help);
        assert_eq!(s.focus, Focus::Headlines);
    }

    #[test]
    fn suspend_and_signals() {
        let mut s = app();
        assert!(matches!(
            key(&mut s, Action::Suspend).as_slice(),
            [Effect::Suspend]
        ));
        let effects = update(&mut s, Msg::Terminate);
        assert!(s.quit);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Stop), Effect::Quit]
        ));
    }

    #[test]
    fn keys_follow_the_configured_keymap() {
        let mut s = app();
        let keys = [(
            "play_pause".to_string(),
            crate::tui::keymap::KeyList::One("x".to_string()),
        )]
        .into();
        s.keymap = crate::tui::Keymap::from_config(&keys).expect("valid").0;
        let mut s = {
            let keymap = s.keymap.clone();
            let mut o = opened(0, true);
            o.keymap = keymap;
            o
        };
        assert!(
            type_and_get(&mut s, ' ').is_empty(),
            "space is no longer bound"
        );
        assert!(matches!(
            type_and_get(&mut s, 'x').first(),
            Some(Effect::PlayRecording { .. })
        ));
    }

    fn click(s: &mut AppState, column: u16, row: u16) -> Vec<Effect> {
        update(
            s,
            Msg::Mouse(MouseEvent {
                kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
                column,
                row,
                modifiers: KeyModifiers::NONE,
            }),
        )
    }

    #[test]
    fn a_click_selects_a_headline_and_a_second_click_opens_it() {
        let mut s = app();
        // Row 0 is the border; headline rows start at 1.
        assert!(click(&mut s, 10, 3).is_empty());
        assert_eq!(s.selected, 2);
        let effects = click(&mut s, 10, 3);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::LoadArticle { id: 3, .. }))
        );
        assert_eq!(s.focus, Focus::Article);
    }

    #[test]
    fn the_wheel_scrolls_the_pane_under_the_pointer() {
        let mut s = opened(0, true);
        testdata::resize(&mut s, 160, 10);
        key(&mut s, Action::ToggleComments);
        let wheel = |s: &mut AppState, column| {
            update(
                s,
                Msg::Mouse(MouseEvent {
                    kind: crossterm::event::MouseEventKind::ScrollDown,
                    column,
                    row: 4,
                    modifiers: KeyModifiers::NONE,
                }),
            )
        };
        wheel(&mut s, 10);
        assert_eq!(s.focus, Focus::Article);
        assert_eq!(s.open.as_ref().expect("open").scroll, 3);
        wheel(&mut s, 120);
        assert_eq!(s.focus, Focus::Comments);
        assert!(s.open.as_ref().expect("open").comments_scroll > 0);
    }

    #[test]
    fn clicking_the_listen_bar_plays_and_its_gauge_seeks() {
        let mut s = opened(0, true);
        // The listen bar: the pane's border, title, byline, then the bar (row 3).
        let effects = click(&mut s, 5, 3);
        assert!(matches!(
            effects.first(),
            Some(Effect::PlayRecording { item: 1, .. })
        ));
        update(&mut s, position(0, None));
        let effects = click(&mut s, 5, 3);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Toggle)]
        ));
        // The gauge's last column (38 columns of text after the border, then 30 of gauge):
        // nearly the whole recording ahead.
        let effects = click(&mut s, 68, 3);
        assert!(
            matches!(effects.as_slice(), [Effect::Player(Command::SeekBy(d))] if *d > 200.0 && *d < 252.0),
            "{effects:?}"
        );
        // The player bar's gauge on the line above the status line.
        let effects = click(&mut s, 79, 22);
        assert!(matches!(effects.as_slice(), [Effect::Player(Command::SeekBy(d))] if *d > 200.0));
        let effects = click(&mut s, 1, 22);
        assert!(matches!(
            effects.as_slice(),
            [Effect::Player(Command::Toggle)]
        ));
    }

    #[test]
    fn a_clicked_paragraph_is_where_p_speaks_from() {
        let mut s = opened(0, true);
        let body_top = 1 + crate::tui::state::ARTICLE_HEADER;
        let third = s
            .open
            .as_ref()
            .and_then(|o| o.rendered.as_ref())
            .and_then(|r| r.lines.iter().position(|l| l.block == Some(2)))
            .expect("a third block");
        assert!(click(&mut s, 10, body_top + third as u16).is_empty());
        assert_eq!(s.open.as_ref().expect("open").chosen, Some(2));
        assert_eq!(s.status, "paragraph 3 chosen: p speaks from it");
        let effects = key(&mut s, Action::PlayFromHere);
        assert!(matches!(
            effects.first(),
            Some(Effect::StartSpeech {
                item: 1,
                first: 3,
                ..
            })
        ));
        assert_eq!(s.open.as_ref().expect("open").chosen, None, "used once");
    }

    fn first_page() -> AppState {
        let page = testdata::headlines()[..2].to_vec();
        let counts = crate::store::HeadlineCounts {
            total: 4,
            unread: 3,
        };
        AppState::first_page(page, counts, (80, 24))
    }

    #[test]
    fn the_first_page_shows_the_whole_lists_counts_until_the_list_arrives() {
        let mut s = first_page();
        assert_eq!(s.status, "4 headlines · ? for help");
        assert_eq!(s.unread(), 3);
        key(&mut s, Action::Down);
        key(&mut s, Action::Open);
        key(&mut s, Action::Back);
        assert_eq!(s.unread(), 2, "the opened headline is read");

        s.dirty = false;
        update(&mut s, Msg::HeadlinesLoaded(Ok(testdata::headlines())));
        assert!(s.dirty);
        assert_eq!((s.headlines.len(), s.loading_rest), (4, None));
        assert_eq!(
            s.selected_headline().map(|h| h.id).unwrap_or_default(),
            2,
            "the selection stays"
        );
        assert!(s.headlines[1].read, "opened before the list came");
        assert_eq!(s.unread(), 2);
        key(&mut s, Action::Bottom);
        assert_eq!(s.selected_headline().map(|h| h.id).unwrap_or_default(), 4);
    }

    #[test]
    fn marks_not_yet_saved_survive_a_list_read_before_them() {
        let mut s = app();
        // The second headline: marked read and starred, and a list read by the store before
        // either was saved comes back.
        key(&mut s, Action::Down);
        key(&mut s, Action::ToggleRead);
        key(&mut s, Action::ToggleStar);
        assert_eq!(s.unsaved_marks.len(), 2);
        update(&mut s, Msg::HeadlinesLoaded(Ok(testdata::headlines())));
        let second = &s.headlines[1];
        assert!(
            second.read && second.starred,
            "the reader's marks are newer"
        );
        // Once both are saved, a list from the store is taken as it is: another process may
        // have changed them since.
        update(&mut s, Msg::MarkSaved { error: None });
        update(&mut s, Msg::MarkSaved { error: None });
        assert!(s.unsaved_marks.is_empty());
        update(&mut s, Msg::HeadlinesLoaded(Ok(testdata::headlines())));
        let second = &s.headlines[1];
        assert!(!second.read && !second.starred);
        assert_eq!(s.selected_headline().map(|h| h.id), Some(second.id));
        update(
            &mut s,
            Msg::MarkSaved {
                error: Some("disk full".into()),
            },
        );
        assert_eq!(s.status, "could not save: disk full");
    }

    #[test]
    fn a_rebuilt_store_is_said_and_refreshed() {
        let mut s = app();
        let effects = update(
            &mut s,
            Msg::StoreRebuilt {
                notice: "the database herald.db is damaged".into(),
            },
        );
        assert!(matches!(effects.as_slice(), [Effect::Refresh]));
        assert!(s.refreshing);
        assert_eq!(s.status, "the database herald.db is damaged");
        let again = update(
            &mut s,
            Msg::StoreRebuilt {
                notice: "again".into(),
            },
        );
        assert!(again.is_empty(), "one refresh at a time");
    }

    #[test]
    fn a_list_that_cannot_be_read_leaves_the_first_page() {
        let mut s = first_page();
        update(&mut s, Msg::HeadlinesLoaded(Err("disk I/O error".into())));
        assert_eq!(s.headlines.len(), 2);
        assert_eq!(s.status, "could not read every headline: disk I/O error");
    }

    fn reddit_like() -> CommentThread {
        let mut thread = testdata::thread();
        // After Jane Holt's reply: a stub for two more replies to Tom Reed.
        thread.comments.insert(
            2,
            Comment {
                id: "more-1".into(),
                parent: Some("1".into()),
                depth: 1,
                author: String::new(),
                date: None,
                text: String::new(),
                kind: CommentKind::More {
                    count: 2,
                    children: vec!["a".into(), "b".into()],
                },
            },
        );
        thread
    }

    #[test]
    fn enter_on_a_stub_loads_its_replies_in_its_place() {
        let mut s = opened(0, true);
        update(
            &mut s,
            Msg::CommentsLoaded {
                id: 1,
                result: Ok(reddit_like()),
            },
        );
        key(&mut s, Action::ToggleComments);
        key(&mut s, Action::Down);
        key(&mut s, Action::Down);
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.comment_selected, 2);
        let stub_row = open
            .comment_rows
            .iter()
            .find(|r| r.comment == 2 && r.kind == crate::tui::state::CommentRowKind::Header)
            .expect("the stub's row");
        assert_eq!(stub_row.text, "↳ ⋯ 2 more replies (Enter loads)");
        let effects = key(&mut s, Action::Open);
        let Some(Effect::LoadMoreReplies {
            id,
            url,
            stub,
            children,
        }) = effects.into_iter().next()
        else {
            panic!("Enter on a stub loads it");
        };
        assert_eq!(
            (id, url.as_str(), stub),
            (1, "https://gazette.example/1", 2)
        );
        assert_eq!(s.status, "loading 2 more replies…");

        let reply = |id: &str, parent: Option<&str>, depth| Comment {
            id: id.into(),
            parent: parent.map(Into::into),
            depth,
            author: format!("Reader {id}"),
            date: None,
            text: "A reply that was not sent at first.".into(),
            kind: CommentKind::Normal,
        };
        // A stale answer (another stub's) changes nothing.
        update(
            &mut s,
            Msg::MoreReplies {
                id: 1,
                stub: 2,
                children: vec!["z".into()],
                result: Ok(vec![reply("z", None, 0)]),
            },
        );
        assert_eq!(
            s.open
                .as_ref()
                .and_then(|o| o.comments.loaded())
                .map(|t| t.comments.len()),
            Some(4)
        );
        update(
            &mut s,
            Msg::MoreReplies {
                id: 1,
                stub,
                children,
                result: Ok(vec![reply("a", None, 0), reply("b", Some("a"), 1)]),
            },
        );
        let thread = s
            .open
            .as_ref()
            .and_then(|o| o.comments.loaded())
            .expect("thread");
        let shape: Vec<(&str, usize, Option<&str>)> = thread
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.depth, c.parent.as_deref()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("1", 0, None),
                ("2", 1, Some("1")),
                ("a", 1, Some("1")),
                ("b", 2, Some("a")),
                ("3", 0, None),
            ]
        );
        assert_eq!(s.status, "2 more replies loaded");
    }

    #[test]
    fn deleted_and_dead_comments_keep_their_place_and_say_so() {
        let mut thread = testdata::thread();
        thread.comments[0].kind = CommentKind::Deleted;
        thread.comments[0].text = "[deleted]".into();
        thread.comments[2].kind = CommentKind::Dead;
        let rows = crate::tui::state::layout_comments(&thread, &Default::default(), 60);
        let headers: Vec<&str> = rows
            .iter()
            .filter(|r| r.kind == crate::tui::state::CommentRowKind::Header)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(
            headers,
            vec![
                "Tom Reed · 2026-11-11 09:15 · deleted",
                "↳ Jane Holt · 2026-11-11 09:15",
                "Sam Ortiz · 2026-11-11 09:15 · dead",
            ]
        );
    }
}
