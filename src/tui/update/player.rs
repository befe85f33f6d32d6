//! The player and speech: play and pause, speaking from a paragraph, speed, volume and
//! seeking, the player's events, and the article following the paragraph being spoken.

use std::time::Duration;

use crate::audio::{Command, PlayState, PlayerEvent};
use crate::mpris::MediaCommand;
use crate::sanitize;
use crate::store::listening::{Heard, Resume};
use crate::tui::keymap::Action;
use crate::tui::state::{AppState, Focus, PlayerSnapshot};

use super::Effect;

/// Seconds a seek key moves.
pub const SEEK_STEP: f64 = 10.0;

/// Space: pause or resume what is loaded; on a headline in the list, that headline plays
/// without opening; in another article, that article's narration starts (its recording, or
/// synthesized speech when it has none). Either becomes the listening queue's current item.
pub(super) fn toggle_play(state: &mut AppState) -> Vec<Effect> {
    let reading = match state.focus {
        Focus::Article | Focus::Comments => state.open.as_ref(),
        Focus::Headlines => return super::queue::play_selected(state),
        _ => None,
    };
    let ended = state.player.state == PlayState::Stopped;
    if reading.is_some_and(|o| state.player.item != Some(o.id) || ended) {
        return super::queue::play_open(state);
    }
    if state.player.item.is_some() {
        vec![Effect::Player(Command::Toggle)]
    } else {
        state.status = "open an article to listen to it".to_string();
        Vec::new()
    }
}

/// `p` in the article: synthesized speech from the paragraph the reader clicked when it is
/// in view, else from the first paragraph at or below the top of the view (the paragraph's
/// own words, whether or not the article has a recording).
pub(super) fn play_from_here(state: &mut AppState) -> Vec<Effect> {
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
    let (item, link) = (open.id, open.url.clone());
    state.player = state.player.starting(item, article.title.clone(), true);
    state.player.link = Some(link);
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
pub(super) fn change_speed(state: &mut AppState, faster: bool) -> Vec<Effect> {
    set_speed(state, crate::audio::step_speed(state.player.speed, faster))
}

fn set_speed(state: &mut AppState, speed: f32) -> Vec<Effect> {
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
    // A new narration plays as soon as it is loaded: paused, it is told to wait.
    effects.push(Effect::Player(if playing {
        Command::Play
    } else {
        Command::Pause
    }));
    effects
}

/// The seek keys move what is loaded by [`SEEK_STEP`].
pub(super) fn seek(state: &AppState, action: Action) -> Vec<Effect> {
    if state.player.item.is_none() {
        return Vec::new();
    }
    let step = if action == Action::SeekBack {
        -SEEK_STEP
    } else {
        SEEK_STEP
    };
    vec![Effect::Player(Command::SeekBy(step))]
}

/// A click on a gauge: that fraction of the narration, as a relative seek (speech counts
/// time over the whole narration, which only the app knows).
pub(super) fn seek_to(state: &mut AppState, ratio: f64) -> Vec<Effect> {
    let Some(total) = state.player.total.filter(|_| state.player.item.is_some()) else {
        state.status = "nothing to seek in: its length is not known yet".to_string();
        return Vec::new();
    };
    let target = total.as_secs_f64() * ratio.clamp(0.0, 1.0);
    let delta = target - state.player.pos.as_secs_f64();
    state.status = format!(
        "to {}",
        crate::audio::format_time(Some(Duration::from_secs_f64(target)))
    );
    vec![Effect::Player(Command::SeekBy(delta))]
}

pub(super) fn volume(state: &mut AppState, up: bool) -> Vec<Effect> {
    let v = state.player.volume + if up { 0.1 } else { -0.1 };
    set_volume(state, (v.clamp(0.0, 2.0) * 10.0).round() / 10.0)
}

fn set_volume(state: &mut AppState, volume: f32) -> Vec<Effect> {
    state.player.volume = volume;
    state.status = format!("volume {:.0}%", state.player.volume * 100.0);
    vec![Effect::Player(Command::Volume(state.player.volume))]
}

/// What the desktop's media keys and controls ask for (MPRIS): what is loaded is steered as
/// the keys would; with nothing loaded, play starts the open article as Space would.
pub(super) fn media(state: &mut AppState, command: MediaCommand) -> Vec<Effect> {
    let loaded = state.player.item.is_some();
    let player = |command| vec![Effect::Player(command)];
    state.dirty = true;
    match command {
        MediaCommand::PlayPause if loaded => player(Command::Toggle),
        MediaCommand::Play if loaded => player(Command::Play),
        MediaCommand::PlayPause | MediaCommand::Play => toggle_play(state),
        MediaCommand::Pause if loaded => player(Command::Pause),
        // Stopped, a later play starts from the beginning.
        MediaCommand::Stop if loaded => vec![
            Effect::Player(Command::Pause),
            Effect::Player(Command::SeekBy(-state.player.pos.as_secs_f64())),
        ],
        MediaCommand::SeekBy(micros) if loaded => {
            player(Command::SeekBy(micros as f64 / 1_000_000.0))
        }
        // Relative: speech counts time over the whole narration, which only the app knows.
        MediaCommand::SeekTo(to) if loaded => player(Command::SeekBy(
            to.as_secs_f64() - state.player.pos.as_secs_f64(),
        )),
        MediaCommand::SetRate(rate) => set_speed(state, rate as f32),
        MediaCommand::SetVolume(volume) => set_volume(state, volume as f32),
        MediaCommand::Pause
        | MediaCommand::Stop
        | MediaCommand::SeekBy(_)
        | MediaCommand::SeekTo(_) => Vec::new(),
        // The queue's, handled by `update`.
        MediaCommand::Next | MediaCommand::Previous => Vec::new(),
    }
}

/// The length of an article's recording, learned before it plays.
pub(super) fn recording_length(state: &mut AppState, item: i64, total: Option<Duration>) {
    if let Some(total) = total.filter(|_| state.queue.position(item).is_some()) {
        state.queue.lengths.insert(item, total);
        state.dirty |= state.queue.view.is_some();
    }
    if let Some(open) = state.open.as_mut().filter(|o| o.id == item) {
        open.recording_total = total;
        state.dirty = true;
    }
}

/// Nothing is loaded after a failed start: the next Space tries again.
pub(super) fn failed(state: &mut AppState, reason: &str) {
    state.player = PlayerSnapshot {
        volume: state.player.volume,
        speed: state.player.speed,
        ..Default::default()
    };
    state.status = format!("cannot play: {}", sanitize::line(reason));
    state.dirty = true;
}

/// Where the listener stopped in the open article, shown on its listen bar before it plays.
pub(super) fn position_loaded(state: &mut AppState, item: i64, resume: Option<Resume>) {
    let Some(open) = state.open.as_mut().filter(|o| o.id == item) else {
        return;
    };
    let start = resume.as_ref().and_then(|r| r.start());
    (open.resume_at, open.resume_part) = match start {
        Some((Heard::Recording { .. }, at)) => (Some(at), None),
        Some((Heard::Speech { part }, _)) => (None, Some(*part)),
        None => (None, None),
    };
    state.dirty = true;
}

pub(super) fn player_event(state: &mut AppState, event: PlayerEvent) -> Vec<Effect> {
    let mut effects = Vec::new();
    match &event {
        PlayerEvent::State(PlayState::Paused) => {
            effects.extend(super::queue::position_to_save(state, true));
        }
        PlayerEvent::Position { .. } => {}
        PlayerEvent::Ended => {
            let item = state.player.item;
            effects = super::queue::ended(state);
            state.dirty = true;
            if state.player.item != item {
                // The next item of the queue is starting.
                return effects;
            }
        }
        _ => {}
    }
    let p = &mut state.player;
    match event {
        PlayerEvent::State(s) => p.state = s,
        PlayerEvent::Position { pos, total, part } => {
            let moved = part.is_some() && part != p.part;
            // Redraw only when what is shown changes: whole seconds, the length, the part.
            let shown = pos.as_secs() != p.pos.as_secs() || total != p.total || moved;
            p.pos = pos;
            p.total = total.or(p.total);
            if let (Some(item), Some(total)) = (p.item, p.total) {
                state.queue.lengths.insert(item, total);
            }
            let p = &mut state.player;
            p.part = part.or(p.part);
            if p.state == PlayState::Playing {
                effects.extend(super::queue::position_to_save(state, false));
            }
            if !shown {
                return effects;
            }
            if moved {
                follow_speech(state);
            }
        }
        PlayerEvent::Ended => {
            p.state = PlayState::Stopped;
            p.part = None;
        }
        PlayerEvent::Failed(e) if !p.speech && p.item.is_some() => {
            // A broken recording (gone, a page, a format not played) is not the end: the
            // article's text is spoken instead.
            state.status = format!(
                "the recording could not be played ({}); speaking the text instead",
                sanitize::line(&e)
            );
            effects.extend(super::queue::speak_instead(state));
        }
        PlayerEvent::Error(e) | PlayerEvent::Failed(e) => {
            p.state = PlayState::Stopped;
            state.status = format!("playback stopped: {}", sanitize::line(&e));
        }
    }
    state.dirty = true;
    effects
}

/// Scrolls the open article to the paragraph being spoken, when it is that article's speech
/// and the reader has not scrolled away.
pub(super) fn follow_speech(state: &mut AppState) {
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
