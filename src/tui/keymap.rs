//! Keys to actions: one table of defaults, changed by the `[keys]` table of the config; the
//! help screen lists the keys as they are bound.

use std::fmt;

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
    /// Enter: open the selected headline; in the comments, fold or unfold a thread.
    Open,
    /// Esc or q: back to the headlines (or out of help); quits from the headlines.
    Back,
    Quit,
    /// Stop the app and return to the shell (`fg` resumes it).
    Suspend,
    TogglePlay,
    /// Speak the article from the paragraph at the top of the view.
    PlayFromHere,
    SeekBack,
    SeekForward,
    SlowDown,
    SpeedUp,
    VolumeDown,
    VolumeUp,
    /// Switch between the article and its comments.
    ToggleComments,
    /// Fold or unfold the selected comment's replies.
    FoldThread,
    /// Follow the paragraph being spoken again.
    Follow,
    Search,
    /// Search every saved headline, article and comment, and list what matches.
    SearchArchive,
    SearchNext,
    SearchPrevious,
    ToggleRead,
    ToggleStar,
    /// Only unread headlines in the list, or all again.
    UnreadOnly,
    /// Only starred headlines in the list, or all again.
    StarredOnly,
    /// Every unread headline of the selected one's feed in the view marked read.
    MarkFeedRead,
    /// Every unread headline of the selected group marked read.
    MarkGroupRead,
    /// Every unread headline of the view marked read.
    MarkViewRead,
    /// The last mark of a feed, a group or the view undone.
    UndoMark,
    /// Open the next unread headline, across feeds.
    NextUnread,
    OpenInBrowser,
    /// Headlines newest first, by feed, or by tag.
    Group,
    Refresh,
    /// The selected headline, or the open article, joins the listening queue.
    QueueAdd,
    /// Every headline of the view joins the listening queue, unread first.
    QueueAll,
    NextItem,
    PreviousItem,
    /// The queue view: its items, to play, remove and reorder.
    ShowQueue,
    /// What plays (or the article) starts again from its beginning.
    PlayFromStart,
    Help,
}

/// One key press as the config writes it: `j`, `G`, `ctrl-c`, `space`, `pagedown`, `f5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn plain(code: KeyCode) -> KeyPress {
    KeyPress { code, mods: NONE }
}

const fn ch(c: char) -> KeyPress {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> KeyPress {
    KeyPress {
        code: KeyCode::Char(c),
        mods: CTRL,
    }
}

/// An action, its name in `[keys]`, what help says of it, and its default keys.
pub struct ActionInfo {
    pub action: Action,
    pub name: &'static str,
    pub help: &'static str,
    pub keys: &'static [KeyPress],
}

/// Every action, in the order help lists them.
#[rustfmt::skip]
pub const ACTIONS: &[ActionInfo] = &[
    info(Action::Up, "up", "previous headline/comment, scroll up", &[plain(KeyCode::Up), ch('k')]),
    info(Action::Down, "down", "next headline/comment, scroll down", &[plain(KeyCode::Down), ch('j')]),
    info(Action::PageUp, "page_up", "a page up", &[plain(KeyCode::PageUp), ch('b')]),
    info(Action::PageDown, "page_down", "a page down", &[plain(KeyCode::PageDown), ch('f')]),
    info(Action::Top, "top", "to the top", &[plain(KeyCode::Home), ch('g')]),
    info(Action::Bottom, "bottom", "to the bottom", &[plain(KeyCode::End), ch('G')]),
    info(Action::NextFocus, "next_pane", "next pane", &[plain(KeyCode::Tab)]),
    info(Action::Open, "open", "open the headline / fold a thread", &[plain(KeyCode::Enter), ch('l')]),
    info(Action::Back, "back", "back (quits from the headlines)", &[plain(KeyCode::Esc), ch('q'), ch('h')]),
    info(Action::Quit, "quit", "quit", &[ctrl('c')]),
    info(Action::Suspend, "suspend", "suspend (fg resumes)", &[ctrl('z')]),
    info(Action::TogglePlay, "play_pause", "listen to the article / pause", &[ch(' ')]),
    info(Action::PlayFromHere, "play_from_here", "speak from the clicked/top paragraph", &[ch('p')]),
    info(Action::SeekBack, "seek_back", "back 10 s", &[plain(KeyCode::Left)]),
    info(Action::SeekForward, "seek_forward", "forward 10 s", &[plain(KeyCode::Right)]),
    info(Action::SlowDown, "slower", "slower", &[ch('[')]),
    info(Action::SpeedUp, "faster", "faster", &[ch(']')]),
    info(Action::VolumeDown, "volume_down", "volume down", &[ch('-')]),
    info(Action::VolumeUp, "volume_up", "volume up", &[ch('+'), ch('=')]),
    info(Action::ToggleComments, "comments", "article / comments", &[ch('c')]),
    info(Action::FoldThread, "fold", "fold or unfold the replies", &[ch('z')]),
    info(Action::Follow, "follow", "follow the paragraph being spoken", &[ch('F')]),
    info(Action::Search, "search", "search the headlines or the article", &[ch('/')]),
    info(Action::SearchArchive, "search_archive", "search the whole archive", &[ch('S')]),
    info(Action::SearchNext, "search_next", "next match", &[ch('n')]),
    info(Action::SearchPrevious, "search_previous", "previous match", &[ch('N')]),
    info(Action::ToggleRead, "toggle_read", "mark read / unread", &[ch('m')]),
    info(Action::ToggleStar, "toggle_star", "star / unstar", &[ch('s')]),
    info(Action::NextUnread, "next_unread", "open the next unread headline", &[ch('.')]),
    info(Action::UnreadOnly, "unread_only", "unread only / all", &[ch('U')]),
    info(Action::StarredOnly, "starred_only", "starred only / all", &[ch('*')]),
    info(Action::MarkFeedRead, "mark_feed_read", "mark the feed read (in the view)", &[ch('M')]),
    info(Action::MarkGroupRead, "mark_group_read", "mark the group read (catch up)", &[ch('C')]),
    info(Action::MarkViewRead, "mark_view_read", "mark the whole view read", &[ch('X')]),
    info(Action::UndoMark, "undo_mark", "undo the last feed/group/view mark", &[ch('u')]),
    info(Action::OpenInBrowser, "open_in_browser", "open in the browser", &[ch('o')]),
    info(Action::Group, "group", "newest first / by feed / by tag", &[ch('t')]),
    info(Action::Refresh, "refresh", "refresh the feeds", &[ch('r')]),
    info(Action::QueueAdd, "queue_add", "add to the listening queue", &[ch('a')]),
    info(Action::QueueAll, "queue_all", "queue the whole view, unread first", &[ch('A')]),
    info(Action::ShowQueue, "queue", "listening queue: Enter d J K Esc", &[ch('Q')]),
    info(Action::NextItem, "next_item", "next item of the queue", &[ch('>')]),
    info(Action::PreviousItem, "previous_item", "previous item of the queue", &[ch('<')]),
    info(Action::PlayFromStart, "play_from_start", "play from the beginning", &[ch('^')]),
    info(Action::Help, "help", "this help", &[ch('?')]),
];

const fn info(
    action: Action,
    name: &'static str,
    help: &'static str,
    keys: &'static [KeyPress],
) -> ActionInfo {
    ActionInfo {
        action,
        name,
        help,
        keys,
    }
}

pub use crate::config::keys::{KeyList, KeysConfig};

/// The keys as bound: one entry per action, in help's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bound: Vec<(Action, Vec<KeyPress>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bound: ACTIONS
                .iter()
                .map(|a| (a.action, a.keys.to_vec()))
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with `[keys]` applied, and the conflicts it made, for a person. Unknown
    /// actions and unreadable keys are errors.
    pub fn from_config(keys: &KeysConfig) -> Result<(Keymap, Vec<String>), String> {
        let mut map = Keymap::default();
        let mut chosen: Vec<(KeyPress, Action)> = Vec::new();
        let mut conflicts = Vec::new();
        for (name, list) in keys {
            let Some(info) = ACTIONS.iter().find(|a| a.name == name) else {
                let names: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
                return Err(format!(
                    "[keys] {name}: no such action; the actions are {}",
                    names.join(", ")
                ));
            };
            let mut presses = Vec::new();
            for text in list.items() {
                let press: KeyPress = text.parse().map_err(|e| format!("[keys] {name}: {e}"))?;
                if let Some((_, other)) = chosen
                    .iter()
                    .find(|(k, a)| *k == press && *a != info.action)
                {
                    conflicts.push(format!(
                        "{press} is bound to both {} and {name} in [keys]; {} keeps it",
                        action_name(*other),
                        action_name(*other)
                    ));
                    continue;
                }
                chosen.push((press, info.action));
                presses.push(press);
            }
            if let Some(entry) = map.bound.iter_mut().find(|(a, _)| *a == info.action) {
                entry.1 = presses;
            }
        }
        // A key the config gave to one action is taken from the action that had it by default.
        for (press, action) in &chosen {
            for (other, presses) in map.bound.iter_mut() {
                if other != action && presses.contains(press) {
                    presses.retain(|p| p != press);
                    conflicts.push(format!(
                        "{press} now does {}, no longer {}",
                        action_name(*action),
                        action_name(*other)
                    ));
                }
            }
        }
        Ok((map, conflicts))
    }

    /// The action bound to a key press; releases and unbound keys give `None`. Shift is
    /// ignored for characters (the character already says it: `G`, `?`, `+`).
    pub fn resolve(&self, key: KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let press = KeyPress::from_event(key);
        self.bound
            .iter()
            .find(|(_, presses)| presses.contains(&press))
            .map(|(a, _)| *a)
    }

    /// The keys of an action, as help shows them: `↑ k`.
    pub fn label(&self, action: Action) -> String {
        self.bound
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, presses)| {
                presses
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }

    /// Help's lines: the keys and what they do, for every action that has a key.
    pub fn help(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .map(|a| (self.label(a.action), a.help))
            .filter(|(label, _)| !label.is_empty())
            .collect()
    }
}

fn action_name(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|a| a.action == action)
        .map_or("?", |a| a.name)
}

impl KeyPress {
    pub fn from_event(key: KeyEvent) -> KeyPress {
        let mods = match key.code {
            KeyCode::Char(_) => key.modifiers - KeyModifiers::SHIFT,
            _ => key.modifiers,
        };
        KeyPress {
            code: key.code,
            mods,
        }
    }

    /// How help shows it: arrows as arrows, `Ctrl-c`, `PgDn`.
    fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        out + &key
    }
}

/// Named keys the config may use, besides single characters.
const NAMED: &[(&str, KeyCode)] = &[
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
];

impl std::str::FromStr for KeyPress {
    type Err = String;

    fn from_str(text: &str) -> Result<KeyPress, String> {
        let mut mods = NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, m) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            // `-` alone is a key, so `ctrl--` is Ctrl and minus.
            if rest.len() == prefix.len() {
                break;
            }
            mods |= m;
            rest = &rest[prefix.len()..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                match NAMED.iter().find(|(n, _)| *n == lower) {
                    Some((_, code)) => *code,
                    None => match lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                        Some(n @ 1..=12) => KeyCode::F(n),
                        _ => {
                            return Err(format!(
                                "{text:?} is not a key; write one character (j, G, ?), \
                                 a name (space, enter, esc, tab, up, pagedown, home, f5...) \
                                 optionally after ctrl-, alt- or shift-"
                            ));
                        }
                    },
                }
            }
        };
        let code = match code {
            // Shift is part of the character itself (`G`), as `from_event` reads it...
            KeyCode::Char(c) => {
                mods -= KeyModifiers::SHIFT;
                // ...but terminals send Ctrl-Z as Ctrl and `z`.
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            code => code,
        };
        Ok(KeyPress { code, mods })
    }
}

impl fmt::Display for KeyPress {
    /// As the config writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(c) => match NAMED.iter().find(|(_, code)| *code == self.code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{c}"),
            },
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(map: &Keymap, code: KeyCode, mods: KeyModifiers) -> Option<Action> {
        map.resolve(KeyEvent::new(code, mods))
    }

    fn config(pairs: &[(&str, &[&str])]) -> KeysConfig {
        pairs
            .iter()
            .map(|(a, ks)| {
                (
                    a.to_string(),
                    KeyList::Many(ks.iter().map(|k| k.to_string()).collect()),
                )
            })
            .collect()
    }

    #[test]
    fn arrows_and_vim_keys_move() {
        let map = Keymap::default();
        assert_eq!(press(&map, KeyCode::Down, NONE), Some(Action::Down));
        assert_eq!(press(&map, KeyCode::Char('j'), NONE), Some(Action::Down));
        assert_eq!(press(&map, KeyCode::Char('k'), NONE), Some(Action::Up));
        assert_eq!(
            press(&map, KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            press(&map, KeyCode::Char('?'), KeyModifiers::SHIFT),
            Some(Action::Help)
        );
    }

    #[test]
    fn control_keys_are_not_their_plain_letters() {
        let map = Keymap::default();
        assert_eq!(
            press(&map, KeyCode::Char('c'), NONE),
            Some(Action::ToggleComments)
        );
        assert_eq!(press(&map, KeyCode::Char('c'), CTRL), Some(Action::Quit));
        assert_eq!(press(&map, KeyCode::Char('z'), CTRL), Some(Action::Suspend));
        assert_eq!(press(&map, KeyCode::Char('j'), CTRL), None);
    }

    #[test]
    fn releases_and_unbound_keys_do_nothing() {
        let map = Keymap::default();
        let mut release = KeyEvent::new(KeyCode::Char('q'), NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(map.resolve(release), None);
        assert_eq!(press(&map, KeyCode::Char('x'), NONE), None);
    }

    #[test]
    fn no_default_key_is_bound_twice_and_every_key_reaches_its_action() {
        let map = Keymap::default();
        let mut seen = Vec::new();
        for a in ACTIONS {
            for key in a.keys {
                assert!(!seen.contains(key), "{key} bound twice");
                seen.push(*key);
                assert_eq!(press(&map, key.code, key.mods), Some(a.action), "{key}");
            }
        }
    }

    #[test]
    fn keys_read_as_the_config_writes_them() {
        let parse = |s: &str| s.parse::<KeyPress>();
        assert_eq!(parse("j"), Ok(ch('j')));
        assert_eq!(parse("G"), Ok(ch('G')));
        assert_eq!(parse("space"), Ok(ch(' ')));
        assert_eq!(parse("ctrl-c"), Ok(ctrl('c')));
        assert_eq!(parse("Ctrl-Z"), Ok(ctrl('z')));
        assert_eq!(parse("-"), Ok(ch('-')));
        assert_eq!(parse("ctrl--"), Ok(ctrl('-')));
        assert_eq!(parse("PageDown"), Ok(plain(KeyCode::PageDown)));
        assert_eq!(parse("f5"), Ok(plain(KeyCode::F(5))));
        assert!(parse("hyper-x").is_err());
        assert!(parse("f13").is_err());
        for a in ACTIONS {
            for key in a.keys {
                assert_eq!(key.to_string().parse::<KeyPress>(), Ok(*key), "{key}");
            }
        }
    }

    #[test]
    fn the_config_replaces_an_actions_keys_and_help_shows_them() {
        let (map, conflicts) = Keymap::from_config(&config(&[
            ("play_pause", &["x", "ctrl-p"]),
            ("search", &[]),
        ]))
        .expect("valid");
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert_eq!(
            press(&map, KeyCode::Char('x'), NONE),
            Some(Action::TogglePlay)
        );
        assert_eq!(press(&map, KeyCode::Char(' '), NONE), None);
        assert_eq!(press(&map, KeyCode::Char('/'), NONE), None);
        let help = map.help();
        assert!(help.contains(&("x Ctrl-p".to_string(), "listen to the article / pause")));
        assert!(
            help.iter()
                .all(|(_, h)| *h != "search the headlines or the article")
        );
    }

    #[test]
    fn conflicts_are_reported_and_the_config_wins_over_a_default() {
        let (map, conflicts) =
            Keymap::from_config(&config(&[("toggle_star", &["j"]), ("refresh", &["R"])]))
                .expect("valid");
        assert_eq!(
            press(&map, KeyCode::Char('j'), NONE),
            Some(Action::ToggleStar)
        );
        assert_eq!(press(&map, KeyCode::Down, NONE), Some(Action::Down));
        assert_eq!(conflicts, vec!["j now does toggle_star, no longer down"]);

        let (map, conflicts) =
            Keymap::from_config(&config(&[("help", &["x"]), ("search", &["x"])])).expect("valid");
        assert_eq!(
            conflicts,
            vec!["x is bound to both help and search in [keys]; help keeps it"]
        );
        assert_eq!(press(&map, KeyCode::Char('x'), NONE), Some(Action::Help));
    }

    #[test]
    fn unknown_actions_and_keys_are_errors_that_say_what_to_write() {
        let err = Keymap::from_config(&config(&[("jump", &["j"])])).expect_err("unknown");
        assert!(
            err.starts_with("[keys] jump: no such action; the actions are up, down"),
            "{err}"
        );
        let err = Keymap::from_config(&config(&[("help", &["hyper-h"])])).expect_err("bad key");
        assert!(err.contains("\"hyper-h\" is not a key"), "{err}");
    }
}
