//! The listening queue: headlines added one by one or a view at a time, played in turn, the
//! next starting when one ends; and where the listener stopped in each, saved as it plays.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::audio::{Command, PlayState};
use crate::model::{Headline, Marks, Narration};
use crate::store::listening::{self, Heard, Resume};
use crate::tui::state::{AppState, Focus, Row};

use super::Effect;

/// Playing, the position is saved again after this much more has been heard.
pub const SAVE_EVERY: Duration = Duration::from_secs(5);

/// What is known of an item's narration before it starts: its recording, or the parts of its
/// loaded article; with neither, its article is read first.
#[derive(Debug, Default)]
pub(super) struct Known {
    pub narration: Option<Narration>,
    pub parts: Option<Vec<String>>,
    /// Its recording failed: its text is spoken, whatever its article offers.
    pub speech_only: bool,
}

/// Space on a headline in the list: it plays (pauses, when it is the one playing) without
/// opening, as the queue's current item.
pub(super) fn play_selected(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = selected_or_say_why(state) else {
        return Vec::new();
    };
    // Loaded and not at its end: pause or go on.
    if state.player.item == Some(h.id) && state.player.state != PlayState::Stopped {
        return vec![Effect::Player(Command::Toggle)];
    }
    let known = Known {
        narration: h.narration.as_deref().cloned(),
        ..Known::default()
    };
    play_now(state, h, known)
}

/// The selected headline whole; said when its texts are still being read.
fn selected_or_say_why(state: &mut AppState) -> Option<Headline> {
    let h = state.selected_headline();
    if h.is_none() && state.selected_index().is_some() {
        state.status = "that headline is still being read: try again in a moment".to_string();
    }
    h
}

/// The open article plays now, as the queue's current item, from what its loaded article says.
pub(super) fn play_open(state: &mut AppState) -> Vec<Effect> {
    let Some(open) = state.open.as_ref() else {
        return Vec::new();
    };
    let Some(article) = open.article.loaded() else {
        if let Some(open) = state.open.as_mut().filter(|o| o.article.is_loading()) {
            open.play_when_loaded = true;
            state.status = "it plays once the article has loaded".to_string();
        } else {
            state.status = "the article could not be loaded: nothing to play".to_string();
        }
        return Vec::new();
    };
    let known = Known {
        narration: article.narration.clone(),
        parts: Some(crate::narration::article_parts(article)),
        speech_only: false,
    };
    let h = headline_of_open(state, &article.title);
    play_now(state, h, known)
}

/// `a`: the selected headline, or the open article, joins the end of the queue.
pub(super) fn add(state: &mut AppState) -> Vec<Effect> {
    let h = match state.focus {
        Focus::Headlines => selected_or_say_why(state),
        _ => state
            .open
            .as_ref()
            .map(|o| headline_of_open(state, &o.title)),
    };
    let Some(h) = h else {
        return Vec::new();
    };
    if let Some(at) = state.queue.position(h.id) {
        state.status = format!(
            "already in the queue, {} of {}",
            at + 1,
            state.queue.items.len()
        );
        return Vec::new();
    }
    if h.link.is_none() && h.narration.is_none() {
        state.status = "this headline has nothing to listen to".to_string();
        return Vec::new();
    }
    state.queue.items.push(h);
    state.status = format!("queued: {} in the queue", state.queue.items.len());
    let next_is_new = state
        .queue
        .current
        .is_some_and(|c| c + 2 == state.queue.items.len());
    let mut effects = vec![save_queue(state)];
    if next_is_new && state.player.item.is_some() {
        effects.extend(prepare_next(state));
    }
    effects
}

/// `A`: every headline of the view (the selected one's group when grouped, else the whole
/// list) joins the queue, unread first, each in the list's order. Their texts are read from
/// the store first unless the list holds them all.
pub(super) fn add_view(state: &mut AppState) -> Vec<Effect> {
    let view = view_rows(state);
    let list = &state.headlines;
    let members = view.iter().filter_map(|r| match r {
        Row::Headline(i) => Some(*i as usize),
        Row::Group(_) => None,
    });
    let (unread, read): (Vec<usize>, Vec<usize>) = members.partition(|&i| !list.read(i));
    // Queued already, or met before (a feed in two tags): left out, each id looked up once.
    let mut seen: HashSet<i64> = state.queue.items.iter().map(|h| h.id).collect();
    let ids: Vec<i64> = unread
        .into_iter()
        .chain(read)
        .map(|i| list.id(i))
        .filter(|&id| seen.insert(id))
        .collect();
    if ids.iter().all(|&id| state.texts.get(id).is_some()) {
        return add_read(state, &ids, Ok(Vec::new()));
    }
    state.status = format!("queueing {} headlines…", ids.len());
    vec![Effect::ReadTexts {
        ids,
        purpose: crate::store::worker::TextsFor::Queue,
    }]
}

/// The headlines `asked` join the queue in that order, their texts from `result` or the
/// list; those with nothing to listen to are left out.
pub(super) fn add_read(
    state: &mut AppState,
    asked: &[i64],
    result: Result<Vec<Headline>, String>,
) -> Vec<Effect> {
    let read = match result {
        Ok(read) => read,
        Err(e) => {
            state.status = format!("could not queue them: {}", crate::sanitize::line(&e));
            return Vec::new();
        }
    };
    let mut by_id: HashMap<i64, Headline> = read.into_iter().map(|h| (h.id, h)).collect();
    // The list's marks are newer than the texts'; one pass over the list finds them all.
    let list = &state.headlines;
    let wanted: HashSet<i64> = asked.iter().copied().collect();
    let marks: HashMap<i64, Marks> = (0..list.len())
        .filter(|&i| wanted.contains(&list.id(i)))
        .map(|i| (list.id(i), list.marks(i)))
        .collect();
    let queued: HashSet<i64> = state.queue.items.iter().map(|h| h.id).collect();
    let new: Vec<Headline> = asked
        .iter()
        .filter(|id| !queued.contains(id))
        .filter_map(|&id| {
            let mut h = by_id.remove(&id).or_else(|| state.texts.get(id).cloned())?;
            if let Some(m) = marks.get(&id) {
                (h.read, h.starred, h.listened) = (m.read, m.starred, m.listened);
            }
            Some(h)
        })
        .filter(|h| h.link.is_some() || h.narration.is_some())
        .collect();
    let added = new.len();
    state.queue.items.extend(new);
    state.status = format!(
        "queued {added} more: {} in the queue",
        state.queue.items.len()
    );
    if added == 0 {
        return Vec::new();
    }
    vec![save_queue(state)]
}

/// The rows of the view `A` queues: the selected row's group, or all of them.
fn view_rows(state: &AppState) -> &[Row] {
    let rows = &state.rows[..];
    let selected = state.selected.min(rows.len());
    let is_group = |r: &Row| matches!(r, Row::Group(_));
    let Some(start) = rows[..selected.saturating_add(1).min(rows.len())]
        .iter()
        .rposition(is_group)
    else {
        return rows;
    };
    let end = rows[start + 1..]
        .iter()
        .position(is_group)
        .map_or(rows.len(), |n| start + 1 + n);
    &rows[start..end]
}

/// The next (or previous) item of the queue plays; the current one when nothing plays.
pub(super) fn step(state: &mut AppState, forward: bool) -> Vec<Effect> {
    let len = state.queue.items.len();
    let idle = state.player.item.is_none();
    let target = match (state.queue.current, forward) {
        // Nothing plays (after a restart): the current item goes on where it stopped.
        (Some(i), _) if idle && i < len => i,
        (Some(i), true) if i + 1 < len => i + 1,
        (Some(i), false) if i > 0 => i - 1,
        (None, _) if len > 0 => 0,
        _ => {
            state.status = if len == 0 {
                "the queue is empty: a adds a headline".to_string()
            } else if forward {
                "this is the last item of the queue".to_string()
            } else {
                "this is the first item of the queue".to_string()
            };
            return Vec::new();
        }
    };
    state.queue.current = Some(target);
    start_current(state, false)
}

/// `^`: what plays (or the open article, or the selected headline) starts from its beginning.
pub(super) fn from_start(state: &mut AppState) -> Vec<Effect> {
    if let Some(i) = state
        .player
        .item
        .and_then(|id| state.queue.position(id))
        .filter(|_| state.focus == Focus::Headlines || state.open.is_none())
    {
        state.queue.current = Some(i);
        return start_current(state, true);
    }
    let h = match state.focus {
        Focus::Headlines => selected_or_say_why(state),
        _ => state
            .open
            .as_ref()
            .map(|o| headline_of_open(state, &o.title)),
    };
    let Some(h) = h else {
        return Vec::new();
    };
    let at = enqueue_as_current(state, h);
    state.queue.current = Some(at);
    start_current(state, true)
}

/// Plays `h` now: it joins the queue after the item playing (unless it is in it already) and
/// becomes its current item.
fn play_now(state: &mut AppState, h: Headline, known: Known) -> Vec<Effect> {
    let at = enqueue_as_current(state, h);
    state.queue.current = Some(at);
    start(state, known, false)
}

/// Where `h` is in the queue, put after the current item when it was not there.
fn enqueue_as_current(state: &mut AppState, h: Headline) -> usize {
    if let Some(at) = state.queue.position(h.id) {
        return at;
    }
    let at = state
        .queue
        .current
        .map_or(state.queue.items.len(), |c| c + 1)
        .min(state.queue.items.len());
    state.queue.items.insert(at, h);
    at
}

/// The queue's current item plays, from where the listener stopped unless `from_start`.
pub(super) fn start_current(state: &mut AppState, from_start: bool) -> Vec<Effect> {
    start_current_as(state, from_start, false)
}

/// The item whose recording could not be played is spoken instead, from where it stopped.
pub(super) fn speak_instead(state: &mut AppState) -> Vec<Effect> {
    start_current_as(state, false, true)
}

fn start_current_as(state: &mut AppState, from_start: bool, speech_only: bool) -> Vec<Effect> {
    let Some(h) = state.queue.current_item() else {
        return Vec::new();
    };
    // The open article's text is at hand: no need to read it again.
    let parts = state
        .open
        .as_ref()
        .filter(|o| o.id == h.id)
        .and_then(|o| o.article.loaded())
        .map(|a| (a.narration.clone(), crate::narration::article_parts(a)));
    let known = match parts {
        Some((narration, parts)) => Known {
            narration,
            parts: Some(parts),
            speech_only,
        },
        None => Known {
            narration: h.narration.as_deref().cloned(),
            parts: None,
            speech_only,
        },
    };
    let known = match known {
        Known {
            speech_only: true, ..
        } => Known {
            narration: None,
            ..known
        },
        known => known,
    };
    start(state, known, from_start)
}

/// Leaves what plays (its position saved) and starts the queue's current item.
fn start(state: &mut AppState, known: Known, from_start: bool) -> Vec<Effect> {
    let Some(h) = state.queue.current_item().cloned() else {
        return Vec::new();
    };
    let Some(url) = h
        .link
        .clone()
        .or_else(|| known.narration.as_ref().map(|n| n.url.clone()))
    else {
        state.status = "this headline has nothing to listen to".to_string();
        return Vec::new();
    };
    let mut effects: Vec<Effect> = save_position(state, false).into_iter().collect();
    let speed = state.player.speed;
    let speech = known.narration.is_none();
    state.player = state.player.starting(h.id, h.title.clone(), speech);
    state.player.link = Some(url.clone());
    state.player.recording = known.narration.as_ref().map(|n| n.url.clone());
    if from_start {
        state.status = "from the beginning".to_string();
    }
    if let Some(open) = state.open.as_mut().filter(|o| o.id == h.id) {
        open.follow = true;
        open.resume_at = None;
        open.resume_part = None;
    }
    effects.push(Effect::PlayItem {
        item: h.id,
        url,
        narration: known.narration,
        parts: known.parts,
        speech_only: known.speech_only,
        from_start,
        speed,
        announce: state.listen.announce.then(|| super::Introduction {
            feed: h.feed.to_string(),
            title: h.title.clone(),
        }),
    });
    if (speed - 1.0).abs() > 0.001 {
        effects.push(Effect::Player(Command::Speed(speed)));
    }
    effects.push(Effect::Player(Command::Play));
    effects.push(save_queue(state));
    effects.extend(prepare_next(state));
    effects
}

/// What the item after the current one starts with, made while the current one plays so that
/// the next starts without a wait.
fn prepare_next(state: &AppState) -> Option<Effect> {
    let next = state.queue.items.get(state.queue.current? + 1)?;
    let narration = next.narration.as_deref().cloned();
    Some(Effect::PrepareItem {
        url: next
            .link
            .clone()
            .or_else(|| narration.as_ref().map(|n| n.url.clone()))?,
        narration,
        announce: state.listen.announce.then(|| super::Introduction {
            feed: next.feed.to_string(),
            title: next.title.clone(),
        }),
        speed: state.player.speed,
    })
}

/// What the player plays was found to be a recording (or speech) once its article was read.
pub(super) fn now_playing(
    state: &mut AppState,
    item: i64,
    recording: Option<String>,
    picture: Option<String>,
) {
    if state.player.item == Some(item) {
        state.player.speech = recording.is_none();
        state.player.recording = recording;
        if picture.is_some() {
            state.player.picture = picture;
        }
        state.dirty = true;
    }
}

/// The item playing ended: it is listened (and read), and the queue's next item plays.
pub(super) fn ended(state: &mut AppState) -> Vec<Effect> {
    let mut effects: Vec<Effect> = save_position(state, true).into_iter().collect();
    // Saved as listened: nothing more to save of it when the next item starts.
    state.player.link = None;
    let finished = state.player.item;
    let current = state
        .queue
        .current
        .filter(|&i| finished.is_some() && state.queue.items.get(i).map(|h| h.id) == finished);
    match current {
        Some(i) if i + 1 < state.queue.items.len() => {
            state.queue.current = Some(i + 1);
            effects.extend(start_current(state, false));
        }
        Some(_) => {
            state.queue.current = None;
            state.status = "the end of the queue".to_string();
            effects.push(save_queue(state));
        }
        None => {}
    }
    effects
}

/// Where the listener is in the item loaded, to save: when it has moved on since the last
/// save by [`SAVE_EVERY`], or always when `now` (a pause, leaving, quitting, the end).
pub(super) fn position_to_save(state: &mut AppState, now: bool) -> Option<Effect> {
    let p = &state.player;
    let moved = p.pos.abs_diff(p.saved_pos) >= SAVE_EVERY;
    if !now && !moved {
        return None;
    }
    save_position(state, false)
}

/// Saves where the listener is in the item loaded; `ended` when it played to its end.
pub(super) fn save_position(state: &mut AppState, ended: bool) -> Option<Effect> {
    let p = &mut state.player;
    let (item, url) = (p.item?, p.link.clone()?);
    // Nothing heard yet (still loading): an earlier position is not overwritten with zero.
    if !ended && p.pos.is_zero() && p.part.unwrap_or(0) == 0 {
        return None;
    }
    let heard = match &p.recording {
        Some(url) => Heard::Recording { url: url.clone() },
        None => Heard::Speech {
            part: p.part.unwrap_or(0),
        },
    };
    // Speech resumes at the start of the paragraph being spoken.
    let position = if p.speech { Duration::ZERO } else { p.pos };
    let listened = listening::listened(p.pos, p.total, ended);
    p.saved_pos = p.pos;
    if listened {
        let mark_read = state.listen.mark_read;
        if let Some(i) = state.headlines.position(item) {
            state.headlines.set_listened(i, true);
            if mark_read {
                state.headlines.set_read(i, true);
            }
        }
        for h in state.queue.items.iter_mut().filter(|h| h.id == item) {
            h.listened = true;
            h.read |= mark_read;
        }
    }
    Some(Effect::SavePosition {
        url,
        resume: Resume {
            heard,
            position,
            length: state.player.total,
            listened,
        },
    })
}

/// The queue as it now is, to be saved.
pub(super) fn save_queue(state: &AppState) -> Effect {
    Effect::SaveQueue {
        items: state.queue.ids(),
        current: state.queue.current,
    }
}

/// The headline of the open article (as the list has it), for the queue.
fn headline_of_open(state: &AppState, title: &str) -> Headline {
    let open = state.open.as_ref();
    let id = open.map_or(0, |o| o.id);
    state
        .headlines
        .position(id)
        .and_then(|i| state.headline_at(i))
        .unwrap_or_else(|| Headline {
            id,
            feed: "".into(),
            feed_url: "".into(),
            title: title.to_string(),
            link: open.map(|o| o.url.clone()),
            author: None,
            published: None,
            read: true,
            starred: false,
            listened: false,
            comments_url: None,
            narration: None,
        })
}
