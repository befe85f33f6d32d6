//! Doing what a mouse event asks for (see [`crate::tui::mouse`]).

use crossterm::event::MouseEvent;

use crate::audio::Command;
use crate::tui::keymap::Action;
use crate::tui::mouse::{Pointer, pointer};
use crate::tui::state::{AppState, Focus};

use super::{Effect, key, player};

pub(super) fn mouse(state: &mut AppState, event: MouseEvent) -> Vec<Effect> {
    let Some(asked) = pointer(state, event) else {
        return Vec::new();
    };
    state.dirty = true;
    match asked {
        Pointer::Scroll { pane, rows } => {
            // The wheel scrolls the pane under the pointer, which then has the keys.
            state.focus = pane;
            if pane == Focus::Headlines && state.archive.is_some() {
                // The archive's results, shown in the list's place, scroll instead.
                let action = if rows < 0 { Action::Up } else { Action::Down };
                for _ in 0..rows.unsigned_abs() {
                    key(state, action);
                }
                return Vec::new();
            }
            state.move_by(rows);
            Vec::new()
        }
        Pointer::Key { pane, action } => {
            state.focus = pane;
            key(state, action)
        }
        Pointer::SelectHeadline(row) => {
            state.focus = Focus::Headlines;
            state.select_row(row, true);
            Vec::new()
        }
        Pointer::SelectComment(index) => {
            state.focus = Focus::Comments;
            let rows = state.comments_rows();
            if let Some(open) = state.open.as_mut() {
                open.comment_selected = index;
                open.show_comment(rows);
            }
            Vec::new()
        }
        Pointer::ChooseParagraph(paragraph) => {
            state.focus = Focus::Article;
            if let Some(open) = state.open.as_mut() {
                open.chosen = Some(paragraph);
            }
            let key = state.keymap.label(Action::PlayFromHere);
            state.status = format!("paragraph {} chosen: {key} speaks from it", paragraph + 1);
            Vec::new()
        }
        Pointer::OpenRelated(n) => {
            state.focus = Focus::Article;
            super::related::open(state, n)
        }
        Pointer::SeekTo(ratio) => player::seek_to(state, ratio),
        Pointer::TogglePlayer if state.player.item.is_some() => {
            vec![Effect::Player(Command::Toggle)]
        }
        Pointer::TogglePlayer | Pointer::Nothing => Vec::new(),
        Pointer::Focus(pane) => {
            state.focus = pane;
            Vec::new()
        }
    }
}
