//! The mouse: what an event asks for, read off what is drawn under the pointer. A click
//! selects (or opens what is already selected), the wheel scrolls the pane under it, a click
//! on the listen bar or the player bar plays or pauses, and a click on their gauges seeks
//! there. `update` does what is asked, as it does a key's action.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::keymap::Action;
use super::state::{AppState, Focus};
use super::view::{Hit, hit};

/// Rows one turn of the wheel scrolls.
const WHEEL_ROWS: isize = 3;

/// What a mouse event asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pointer {
    /// The wheel: `pane` takes the keys and scrolls by `rows`.
    Scroll { pane: Focus, rows: isize },
    /// `pane` takes the keys and `action` acts, as its key would: a click on the selected
    /// headline opens it, one on the listen bar plays.
    Key { pane: Focus, action: Action },
    /// A click on a headline not yet selected.
    SelectHeadline(usize),
    /// A click on a comment (its index in the thread).
    SelectComment(usize),
    /// A click on a paragraph: `p` speaks from it.
    ChooseParagraph(usize),
    /// A click on an item of other coverage below the article: it opens.
    OpenRelated(usize),
    /// A click on a gauge, at this fraction of the narration.
    SeekTo(f64),
    /// A click on the player bar: pause or resume what is loaded.
    TogglePlayer,
    /// A click elsewhere in a pane: it takes the keys.
    Focus(Focus),
    /// A click on nothing.
    Nothing,
}

/// What `event` asks for, if anything.
pub fn pointer(state: &AppState, event: MouseEvent) -> Option<Pointer> {
    if state.focus == Focus::Help {
        return None;
    }
    let target = hit(state, event.column, event.row);
    match event.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let rows = if event.kind == MouseEventKind::ScrollDown {
                WHEEL_ROWS
            } else {
                -WHEEL_ROWS
            };
            target.pane().map(|pane| Pointer::Scroll { pane, rows })
        }
        MouseEventKind::Down(MouseButton::Left) => Some(click(state, target)),
        _ => None,
    }
}

fn click(state: &AppState, target: Hit) -> Pointer {
    match target {
        Hit::Headline(row) if row == state.selected => Pointer::Key {
            pane: Focus::Headlines,
            action: Action::Open,
        },
        Hit::Headline(row) => Pointer::SelectHeadline(row),
        Hit::Comment(index) => Pointer::SelectComment(index),
        Hit::Paragraph(paragraph) => Pointer::ChooseParagraph(paragraph),
        Hit::Related(n) => Pointer::OpenRelated(n),
        Hit::ListenBar => Pointer::Key {
            pane: Focus::Article,
            action: Action::TogglePlay,
        },
        Hit::ListenGauge(ratio) | Hit::PlayerGauge(ratio) => Pointer::SeekTo(ratio),
        Hit::PlayerBar => Pointer::TogglePlayer,
        Hit::Pane(pane) => Pointer::Focus(pane),
        Hit::Nothing => Pointer::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;
    use crate::tui::testdata;

    fn event(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn a_click_asks_for_what_is_under_it_and_changes_nothing_itself() {
        let mut s = AppState::new(testdata::headlines(), (80, 24));
        let before = s.clone();
        let left = MouseEventKind::Down(MouseButton::Left);
        // Row 1 is the selected headline (inside the border), row 2 the next one.
        assert_eq!(
            pointer(&s, event(left, 5, 1)),
            Some(Pointer::Key {
                pane: Focus::Headlines,
                action: Action::Open
            })
        );
        assert_eq!(
            pointer(&s, event(left, 5, 2)),
            Some(Pointer::SelectHeadline(1))
        );
        assert_eq!(
            pointer(&s, event(MouseEventKind::ScrollDown, 5, 2)),
            Some(Pointer::Scroll {
                pane: Focus::Headlines,
                rows: WHEEL_ROWS
            })
        );
        assert_eq!(pointer(&s, event(left, 5, 22)), Some(Pointer::TogglePlayer));
        assert_eq!(pointer(&s, event(MouseEventKind::Moved, 5, 2)), None);
        assert_eq!(s, before);
        s.focus = Focus::Help;
        assert_eq!(pointer(&s, event(left, 5, 2)), None);
    }
}
