//! The queue view, over the panes: the queue's items with their lengths and the time left;
//! Enter plays the selected item, d removes it, J and K move it down and up, Esc closes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::audio::Command;
use crate::tui::state::AppState;

use super::{Effect, queue};

/// `Q`: the view opens on the current item; the lengths not known yet are asked for.
pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    if state.queue.items.is_empty() {
        state.status = "the queue is empty: a adds a headline, A the whole view".to_string();
        return Vec::new();
    }
    state.queue.view = Some(state.queue.current.unwrap_or(0));
    let unknown: Vec<_> = state
        .queue
        .items
        .iter()
        .filter(|h| !state.queue.lengths.contains_key(&h.id))
        .filter_map(|h| Some((h.id, h.narration.as_deref()?.clone())))
        .collect();
    if unknown.is_empty() {
        Vec::new()
    } else {
        vec![Effect::ProbeQueue { items: unknown }]
    }
}

/// A key while the view shows.
pub(super) fn key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(selected) = state.queue.view else {
        return Vec::new();
    };
    let len = state.queue.items.len();
    let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
    match key.code {
        KeyCode::Esc | KeyCode::Char('q' | 'Q') if plain => state.queue.view = None,
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.queue.view = None;
            return super::quit(state);
        }
        KeyCode::Up | KeyCode::Char('k') => state.queue.view = Some(selected.saturating_sub(1)),
        KeyCode::Down | KeyCode::Char('j') => {
            state.queue.view = Some((selected + 1).min(len.saturating_sub(1)));
        }
        KeyCode::Char('K') => return swap(state, selected, selected.checked_sub(1)),
        KeyCode::Char('J') => return swap(state, selected, Some(selected + 1)),
        KeyCode::Char('d') | KeyCode::Delete => return remove(state, selected),
        KeyCode::Enter => {
            state.queue.view = None;
            state.queue.current = Some(selected);
            return queue::start_current(state, false);
        }
        _ => {}
    }
    Vec::new()
}

/// Moves item `from` to `to` (a neighbour), the current item followed.
fn swap(state: &mut AppState, from: usize, to: Option<usize>) -> Vec<Effect> {
    let q = &mut state.queue;
    let Some(to) = to.filter(|&t| t < q.items.len()) else {
        return Vec::new();
    };
    q.items.swap(from, to);
    q.current = q.current.map(|c| match c {
        c if c == from => to,
        c if c == to => from,
        c => c,
    });
    q.view = Some(to);
    vec![queue::save_queue(state)]
}

/// Takes item `at` out of the queue; the one playing stops, its place kept for next time.
fn remove(state: &mut AppState, at: usize) -> Vec<Effect> {
    let q = &mut state.queue;
    if at >= q.items.len() {
        return Vec::new();
    }
    let removed = q.items.remove(at);
    q.current = match q.current {
        Some(c) if c == at => None,
        Some(c) if c > at => Some(c - 1),
        c => c,
    };
    q.view = (!q.items.is_empty()).then(|| at.min(q.items.len() - 1));
    state.status = format!(
        "taken out of the queue: {}",
        crate::sanitize::line(&removed.title)
    );
    let mut effects = Vec::new();
    if state.player.item == Some(removed.id) {
        effects.extend(queue::save_position(state, false));
        effects.push(Effect::Player(Command::Stop));
        state.player = crate::tui::state::PlayerSnapshot {
            volume: state.player.volume,
            speed: state.player.speed,
            ..Default::default()
        };
    }
    effects.push(queue::save_queue(state));
    effects
}
