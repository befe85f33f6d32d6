//! The mouse: a click selects (or opens what is already selected), the wheel scrolls the
//! pane under it, a click on the listen bar or the player bar plays or pauses, and a click on
//! their gauges seeks there.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use crate::audio::Command;

use super::state::{AppState, Focus};
use super::update::{Effect, move_by, select_row, show_comment};
use super::view::{Hit, hit};

/// Rows one turn of the wheel scrolls.
const WHEEL_ROWS: isize = 3;

pub fn handle(state: &mut AppState, event: MouseEvent) -> Vec<Effect> {
    if state.focus == Focus::Help {
        return Vec::new();
    }
    let target = hit(state, event.column, event.row);
    match event.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let Some(pane) = target.pane() else {
                return Vec::new();
            };
            let delta = if event.kind == MouseEventKind::ScrollDown {
                WHEEL_ROWS
            } else {
                -WHEEL_ROWS
            };
            // The wheel scrolls the pane under the pointer, which then has the keys.
            state.focus = pane;
            move_by(state, delta);
            state.dirty = true;
            Vec::new()
        }
        MouseEventKind::Down(MouseButton::Left) => {
            let effects = click(state, target);
            state.dirty = true;
            effects
        }
        _ => Vec::new(),
    }
}

fn click(state: &mut AppState, target: Hit) -> Vec<Effect> {
    match target {
        Hit::Headline(row) => {
            state.focus = Focus::Headlines;
            if row == state.selected {
                return super::update::update(
                    state,
                    super::update::Msg::Key(super::keymap::Action::Open),
                );
            }
            select_row(state, row, true);
            Vec::new()
        }
        Hit::Comment(index) => {
            state.focus = Focus::Comments;
            let rows = state.comments_rows();
            if let Some(open) = state.open.as_mut() {
                open.comment_selected = index;
                show_comment(open, rows);
            }
            Vec::new()
        }
        Hit::Paragraph(paragraph) => {
            state.focus = Focus::Article;
            if let Some(open) = state.open.as_mut() {
                open.chosen = Some(paragraph);
            }
            let key = state.keymap.label(super::keymap::Action::PlayFromHere);
            state.status = format!("paragraph {} chosen: {key} speaks from it", paragraph + 1);
            Vec::new()
        }
        Hit::ListenBar => {
            state.focus = Focus::Article;
            super::update::update(
                state,
                super::update::Msg::Key(super::keymap::Action::TogglePlay),
            )
        }
        Hit::ListenGauge(ratio) | Hit::PlayerGauge(ratio) => seek_to(state, ratio),
        Hit::PlayerBar => {
            if state.player.item.is_some() {
                vec![Effect::Player(Command::Toggle)]
            } else {
                Vec::new()
            }
        }
        Hit::Pane(pane) => {
            state.focus = pane;
            Vec::new()
        }
        Hit::Nothing => Vec::new(),
    }
}

/// A click on a gauge: that fraction of the narration, as a relative seek (speech counts
/// time over the whole narration, which only the app knows).
fn seek_to(state: &mut AppState, ratio: f64) -> Vec<Effect> {
    let Some(total) = state.player.total.filter(|_| state.player.item.is_some()) else {
        state.status = "nothing to seek in: its length is not known yet".to_string();
        return Vec::new();
    };
    let target = total.as_secs_f64() * ratio.clamp(0.0, 1.0);
    let delta = target - state.player.pos.as_secs_f64();
    state.status = format!(
        "to {}",
        crate::audio::format_time(Some(std::time::Duration::from_secs_f64(target)))
    );
    vec![Effect::Player(Command::SeekBy(delta))]
}
