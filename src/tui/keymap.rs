//! Keys to actions: one table, which the help screen lists as it is.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks for; what it does depends on the focused pane (see `update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Tab: the next pane.
    NextFocus,
    /// Enter: open the selected headline.
    Open,
    /// Esc or q: back to the headlines (or out of help); quits from the headlines.
    Back,
    Quit,
    TogglePlay,
    /// Speak the article from the paragraph at the top of the view.
    PlayFromHere,
    SeekBack,
    SeekForward,
    VolumeDown,
    VolumeUp,
    /// Switch between the article and its comments.
    ToggleComments,
    /// Follow the paragraph being spoken again.
    Follow,
    Refresh,
    Help,
}

/// One binding: the keys, as the help screen shows them, and what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;

/// The default keys, in the order help lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        label: "↑ k",
        action: Action::Up,
        help: "previous headline / scroll up",
    },
    Binding {
        keys: &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        label: "↓ j",
        action: Action::Down,
        help: "next headline / scroll down",
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE), (KeyCode::Char('b'), NONE)],
        label: "PgUp b",
        action: Action::PageUp,
        help: "a page up",
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE), (KeyCode::Char('f'), NONE)],
        label: "PgDn f",
        action: Action::PageDown,
        help: "a page down",
    },
    Binding {
        keys: &[(KeyCode::Home, NONE), (KeyCode::Char('g'), NONE)],
        label: "Home g",
        action: Action::Top,
        help: "to the top",
    },
    Binding {
        keys: &[(KeyCode::End, NONE), (KeyCode::Char('G'), NONE)],
        label: "End G",
        action: Action::Bottom,
        help: "to the bottom",
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        action: Action::NextFocus,
        help: "next pane",
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE), (KeyCode::Char('l'), NONE)],
        label: "Enter l",
        action: Action::Open,
        help: "open the headline",
    },
    Binding {
        keys: &[
            (KeyCode::Esc, NONE),
            (KeyCode::Char('q'), NONE),
            (KeyCode::Char('h'), NONE),
        ],
        label: "Esc q h",
        action: Action::Back,
        help: "back (quits from the headlines)",
    },
    Binding {
        keys: &[(KeyCode::Char('c'), KeyModifiers::CONTROL)],
        label: "Ctrl-c",
        action: Action::Quit,
        help: "quit",
    },
    Binding {
        keys: &[(KeyCode::Char(' '), NONE)],
        label: "Space",
        action: Action::TogglePlay,
        help: "listen to the article / pause",
    },
    Binding {
        keys: &[(KeyCode::Char('p'), NONE)],
        label: "p",
        action: Action::PlayFromHere,
        help: "speak from the paragraph at the top",
    },
    Binding {
        keys: &[(KeyCode::Left, NONE)],
        label: "←",
        action: Action::SeekBack,
        help: "back 10 s",
    },
    Binding {
        keys: &[(KeyCode::Right, NONE)],
        label: "→",
        action: Action::SeekForward,
        help: "forward 10 s",
    },
    Binding {
        keys: &[(KeyCode::Char('-'), NONE)],
        label: "-",
        action: Action::VolumeDown,
        help: "volume down",
    },
    Binding {
        keys: &[(KeyCode::Char('+'), NONE), (KeyCode::Char('='), NONE)],
        label: "+ =",
        action: Action::VolumeUp,
        help: "volume up",
    },
    Binding {
        keys: &[(KeyCode::Char('c'), NONE)],
        label: "c",
        action: Action::ToggleComments,
        help: "article / comments",
    },
    Binding {
        keys: &[(KeyCode::Char('F'), NONE)],
        label: "F",
        action: Action::Follow,
        help: "follow the paragraph being spoken",
    },
    Binding {
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        action: Action::Refresh,
        help: "refresh the feeds",
    },
    Binding {
        keys: &[(KeyCode::Char('?'), NONE)],
        label: "?",
        action: Action::Help,
        help: "this help",
    },
];

/// The action bound to a key press; releases and unbound keys give `None`. Shift is ignored
/// for characters (the character already says it: `G`, `?`, `+`).
pub fn resolve(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let mods = match key.code {
        KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|&(c, m)| c == key.code && m == mods))
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> Option<Action> {
        resolve(KeyEvent::new(code, mods))
    }

    #[test]
    fn arrows_and_vim_keys_move() {
        assert_eq!(press(KeyCode::Down, NONE), Some(Action::Down));
        assert_eq!(press(KeyCode::Char('j'), NONE), Some(Action::Down));
        assert_eq!(press(KeyCode::Char('k'), NONE), Some(Action::Up));
        assert_eq!(
            press(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            press(KeyCode::Char('?'), KeyModifiers::SHIFT),
            Some(Action::Help)
        );
    }

    #[test]
    fn control_keys_are_not_their_plain_letters() {
        assert_eq!(
            press(KeyCode::Char('c'), NONE),
            Some(Action::ToggleComments)
        );
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(press(KeyCode::Char('j'), KeyModifiers::CONTROL), None);
    }

    #[test]
    fn releases_and_unbound_keys_do_nothing() {
        let mut release = KeyEvent::new(KeyCode::Char('q'), NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(resolve(release), None);
        assert_eq!(press(KeyCode::Char('z'), NONE), None);
    }

    #[test]
    fn no_key_is_bound_twice_and_every_key_reaches_its_binding() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for key in b.keys {
                assert!(!seen.contains(key), "{key:?} bound twice");
                seen.push(*key);
                assert_eq!(press(key.0, key.1), Some(b.action), "{key:?}");
            }
        }
    }
}
