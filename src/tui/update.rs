//! The pure heart of the app: a message in, the state changed, effects out as data. No IO and
//! no waiting here; `app` runs the effects and sends their results back as messages.

use crate::article::Article;
use crate::audio::{Command, PlayState, PlayerEvent};
use crate::model::{CommentThread, Headline, Narration};

use super::keymap::Action;
use super::state::{AppState, Focus, Loadable, OpenItem};

/// Seconds a seek key moves.
pub const SEEK_STEP: f64 = 10.0;

#[derive(Debug)]
pub enum Msg {
    Key(Action),
    ArticleLoaded {
        id: i64,
        result: Result<Article, String>,
        /// Said when an older copy is shown (the page could not be fetched).
        notice: Option<String>,
    },
    CommentsLoaded {
        id: i64,
        result: Result<CommentThread, String>,
    },
    Player(PlayerEvent),
    /// The player or the narration could not start.
    PlaybackFailed(String),
    RefreshProgress {
        done: usize,
        total: usize,
    },
    /// A refresh ended: the headlines as they now are and a summary, or why it failed.
    RefreshDone(Result<(Vec<Headline>, String), String>),
    Resize(u16, u16),
    Tick,
}

#[derive(Debug)]
pub enum Effect {
    LoadArticle {
        id: i64,
        url: String,
    },
    LoadComments {
        id: i64,
        url: String,
    },
    Player(Command),
    /// Play the article's own recording.
    PlayRecording {
        item: i64,
        narration: Narration,
    },
    /// Synthesize `parts` (the title, then the paragraphs) from `first` and play them.
    StartSpeech {
        item: i64,
        parts: Vec<String>,
        first: usize,
    },
    Refresh,
    Quit,
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(action) => {
            state.dirty = true;
            key(state, action)
        }
        Msg::ArticleLoaded { id, result, notice } => {
            let width = state.article_width();
            let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
                return Vec::new();
            };
            match result {
                Ok(article) => {
                    open.rendered = Some(article.render(width));
                    open.rendered_width = width;
                    open.title = article.title.clone();
                    open.article = Loadable::Loaded(article);
                }
                Err(e) => open.article = Loadable::Failed(e),
            }
            if let Some(notice) = notice {
                state.status = notice;
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::CommentsLoaded { id, result } => {
            let Some(open) = state.open.as_mut().filter(|o| o.id == id) else {
                return Vec::new();
            };
            open.comments = match result {
                Ok(thread) => Loadable::Loaded(thread),
                Err(e) => Loadable::Failed(e),
            };
            state.dirty = true;
            Vec::new()
        }
        Msg::Player(event) => {
            player_event(state, event);
            Vec::new()
        }
        Msg::PlaybackFailed(reason) => {
            state.player.state = PlayState::Stopped;
            state.status = format!("cannot play: {reason}");
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
                Ok((headlines, summary)) => {
                    let keep = state.headlines.get(state.selected).map(|h| h.id);
                    state.headlines = headlines;
                    state.selected = keep
                        .and_then(|id| state.headlines.iter().position(|h| h.id == id))
                        .unwrap_or(0);
                    state.status = summary;
                }
                Err(e) => state.status = format!("refresh failed: {e}"),
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::Resize(cols, rows) => {
            state.size = (cols, rows);
            relayout(state);
            state.dirty = true;
            Vec::new()
        }
        Msg::Tick => Vec::new(),
    }
}

/// Lays the article out again when its column width changed.
fn relayout(state: &mut AppState) {
    let width = state.article_width();
    let rows = state.article_rows();
    if let Some(open) = state.open.as_mut()
        && open.rendered_width != width
        && let Loadable::Loaded(article) = &open.article
    {
        open.rendered = Some(article.render(width));
        open.rendered_width = width;
        let lines = open.rendered.as_ref().map_or(0, |r| r.lines.len());
        open.scroll = open.scroll.min(lines.saturating_sub(rows));
    }
}

fn key(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.focus == Focus::Help {
        return match action {
            Action::Quit => quit(state),
            Action::Back | Action::Help => {
                state.focus = state.before_help;
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    match action {
        Action::Quit => quit(state),
        Action::Help => {
            state.before_help = state.focus;
            state.focus = Focus::Help;
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
            _ => Vec::new(),
        },
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
            let page = state.article_rows().max(2) - 1;
            let delta: isize = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -(page as isize),
                _ => page as isize,
            };
            move_by(state, delta);
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
        Action::SeekBack | Action::SeekForward if state.player.item.is_some() => {
            let step = if action == Action::SeekBack {
                -SEEK_STEP
            } else {
                SEEK_STEP
            };
            vec![Effect::Player(Command::SeekBy(step))]
        }
        Action::SeekBack | Action::SeekForward => Vec::new(),
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

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Player(Command::Stop), Effect::Quit]
}

/// Moves the selection or scrolls the focused pane; `isize::MIN`/`MAX` go to either end.
fn move_by(state: &mut AppState, delta: isize) {
    let rows = state.article_rows();
    let step = |at: usize, len: usize| -> usize {
        let last = len.saturating_sub(1);
        match delta {
            isize::MIN => 0,
            isize::MAX => last,
            d => at.saturating_add_signed(d).min(last),
        }
    };
    match state.focus {
        Focus::Headlines => state.selected = step(state.selected, state.headlines.len()),
        Focus::Article => {
            if let Some(open) = state.open.as_mut() {
                let lines = open.rendered.as_ref().map_or(0, |r| r.lines.len());
                open.scroll = step(open.scroll, lines.saturating_sub(rows) + 1);
                open.follow = false;
            }
        }
        Focus::Comments => {
            if let Some(open) = state.open.as_mut() {
                open.comments_scroll = step(open.comments_scroll, usize::MAX);
            }
        }
        Focus::Help => {}
    }
}

fn open_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = state.headlines.get_mut(state.selected) else {
        return Vec::new();
    };
    if state.open.as_ref().is_some_and(|o| o.id == h.id) {
        state.focus = Focus::Article;
        return Vec::new();
    }
    let Some(url) = h.link.clone() else {
        state.status = "this headline has no link to open".to_string();
        return Vec::new();
    };
    h.read = true;
    let id = h.id;
    state.open = Some(OpenItem {
        id,
        url: url.clone(),
        title: h.title.clone(),
        article: Loadable::Loading,
        rendered: None,
        rendered_width: 0,
        comments: Loadable::Loading,
        scroll: 0,
        comments_scroll: 0,
        follow: true,
    });
    state.focus = Focus::Article;
    vec![
        Effect::LoadArticle {
            id,
            url: url.clone(),
        },
        Effect::LoadComments { id, url },
    ]
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
    state.player = super::state::PlayerSnapshot {
        state: PlayState::Loading,
        title: article.title.clone(),
        item: Some(item),
        speech: article.narration.is_none(),
        volume: state.player.volume,
        ..Default::default()
    };
    let start = match &article.narration {
        Some(narration) => Effect::PlayRecording {
            item,
            narration: narration.clone(),
        },
        None => Effect::StartSpeech {
            item,
            parts: crate::narration::article_parts(article),
            first: 0,
        },
    };
    vec![start, Effect::Player(Command::Play)]
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
            state.status = format!("playback stopped: {e}");
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
