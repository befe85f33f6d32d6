//! The pure heart of the app: a message in, the state changed, effects out as data. No IO and
//! no waiting here; `app` runs the effects and sends their results back as messages.
//!
//! Models arrive sanitized; the error and status texts that effects send are sanitized here,
//! the one way they reach the screen.

use std::collections::HashSet;

use crate::article::Article;
use crate::audio::{Command, PlayState, PlayerEvent};
use crate::model::{CommentThread, Headline, Narration};
use crate::sanitize;

use super::keymap::Action;
use super::state::{AppState, Focus, Loadable, OpenItem};

/// Seconds a seek key moves.
pub const SEEK_STEP: f64 = 10.0;

#[derive(Debug)]
pub enum Msg {
    Key(Action),
    ArticleLoaded {
        id: i64,
        result: Result<Box<Article>, String>,
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
    /// The whole list, read after the first frame was drawn from its first page.
    HeadlinesLoaded(Result<Vec<Headline>, String>),
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
                    open.article = Loadable::Loaded(*article);
                }
                Err(e) => open.article = Loadable::Failed(sanitize::line(&e)),
            }
            if let Some(notice) = notice {
                state.status = sanitize::line(&notice);
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
                Err(e) => Loadable::Failed(sanitize::line(&e)),
            };
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
                Ok((headlines, summary)) => {
                    let keep = state.headlines.get(state.selected).map(|h| h.id);
                    state.headlines = headlines;
                    state.loading_rest = None;
                    state.selected = keep
                        .and_then(|id| state.headlines.iter().position(|h| h.id == id))
                        .unwrap_or(0);
                    state.status = sanitize::line(&summary);
                }
                Err(e) => state.status = format!("refresh failed: {}", sanitize::line(&e)),
            }
            state.dirty = true;
            Vec::new()
        }
        Msg::HeadlinesLoaded(result) => {
            // None when a refresh has replaced the list meanwhile: this one is older.
            if state.loading_rest.take().is_none() {
                return Vec::new();
            }
            match result {
                Ok(mut headlines) => {
                    // Headlines opened meanwhile were marked read on the first page only.
                    let read: HashSet<i64> = state
                        .headlines
                        .iter()
                        .filter(|h| h.read)
                        .map(|h| h.id)
                        .collect();
                    for h in headlines.iter_mut().filter(|h| read.contains(&h.id)) {
                        h.read = true;
                    }
                    let keep = state.headlines.get(state.selected).map(|h| h.id);
                    state.headlines = headlines;
                    state.selected = keep
                        .and_then(|id| state.headlines.iter().position(|h| h.id == id))
                        .unwrap_or(0);
                }
                Err(e) => {
                    state.status = format!("could not read every headline: {}", sanitize::line(&e))
                }
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
    let (comments_width, comments_rows) = (state.comments_width(), state.comments_rows());
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
                let lines = open
                    .comments
                    .loaded()
                    .map_or(0, |t| super::view::comments::rows(t, comments_width));
                open.comments_scroll = step(
                    open.comments_scroll,
                    lines.saturating_sub(comments_rows) + 1,
                );
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
    if !h.read
        && let Some(counts) = state.loading_rest.as_mut()
    {
        counts.unread = counts.unread.saturating_sub(1);
    }
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

/// `p` in the article: synthesized speech from the first paragraph at or below the top of
/// the view (the paragraph's own words, whether or not the article has a recording).
fn play_from_here(state: &mut AppState) -> Vec<Effect> {
    if state.focus != Focus::Article {
        return Vec::new();
    }
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    let (Some(article), Some(rendered)) = (open.article.loaded(), &open.rendered) else {
        state.status = "the article is still loading".to_string();
        return Vec::new();
    };
    let Some(paragraph) = rendered.lines[open.scroll.min(rendered.lines.len())..]
        .iter()
        .find_map(|l| l.block)
    else {
        state.status = "no paragraph here to speak".to_string();
        return Vec::new();
    };
    open.follow = true;
    state.player = super::state::PlayerSnapshot {
        state: PlayState::Loading,
        title: article.title.clone(),
        item: Some(open.id),
        speech: true,
        volume: state.player.volume,
        ..Default::default()
    };
    state.status = format!(
        "speaking from paragraph {} of {}",
        paragraph + 1,
        article.paragraphs.len()
    );
    vec![
        Effect::StartSpeech {
            item: open.id,
            parts: crate::narration::article_parts(article),
            first: paragraph + 1,
        },
        Effect::Player(Command::Play),
    ]
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
                Effect::LoadArticle { id: 2, url: a },
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
    fn failures_are_kept_for_the_view() {
        let mut s = app();
        key(&mut s, Action::Open);
        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Err("connection refused".into()),
                notice: None,
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
        let Some(Effect::StartSpeech { item, parts, first }) = effects.first() else {
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
        update(&mut s, Msg::Resize(80, 12));
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
        update(&mut s, Msg::Resize(60, 12));
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
        update(&mut s, Msg::Resize(80, 10));
        key(&mut s, Action::ToggleComments);
        key(&mut s, Action::Bottom);
        let thread = testdata::thread();
        let total = crate::tui::view::comments::rows(&thread, s.comments_width());
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
        update(&mut s, Msg::Resize(160, 48));
        let open = s.open.as_ref().expect("open");
        assert_eq!(open.rendered_width, s.article_width());
        assert_ne!(open.rendered_width, narrow);
        let widest = open
            .rendered
            .as_ref()
            .expect("rendered")
            .lines
            .iter()
            .map(|l| l.text().chars().count())
            .max();
        assert!(widest.is_some_and(|w| w <= s.article_width()));
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
            Msg::RefreshDone(Ok((fresh, "5 feeds, 1 new".into()))),
        );
        assert_eq!(s.headlines[s.selected].id, 2);
        assert_eq!(s.status, "5 feeds, 1 new");
        assert!(!s.refreshing);
        update(&mut s, Msg::RefreshDone(Err("database is locked".into())));
        assert_eq!(s.status, "refresh failed: database is locked");
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
        assert_eq!(s.headlines[s.selected].id, 2, "the selection stays");
        assert!(s.headlines[1].read, "opened before the list came");
        assert_eq!(s.unread(), 2);
        key(&mut s, Action::Bottom);
        assert_eq!(s.headlines[s.selected].id, 4);
    }

    #[test]
    fn a_list_older_than_a_refresh_is_dropped() {
        let mut s = first_page();
        let fresh = vec![testdata::headline(10, "A new headline", false)];
        update(
            &mut s,
            Msg::RefreshDone(Ok((fresh, "5 feeds, 1 new".into()))),
        );
        update(&mut s, Msg::HeadlinesLoaded(Ok(testdata::headlines())));
        assert_eq!(s.headlines.len(), 1);
        assert_eq!(s.unread(), 1);
    }

    #[test]
    fn a_list_that_cannot_be_read_leaves_the_first_page() {
        let mut s = first_page();
        update(&mut s, Msg::HeadlinesLoaded(Err("disk I/O error".into())));
        assert_eq!(s.headlines.len(), 2);
        assert_eq!(s.status, "could not read every headline: disk I/O error");
    }
}
