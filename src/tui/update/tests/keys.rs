//! Moving between the panes, help, suspending and the configured keys.

use super::*;

#[test]
fn back_leaves_help_then_the_article_then_quits() {
    let mut s = opened(0, true);
    key(&mut s, Action::Help);
    assert_eq!((s.focus, s.showing()), (Focus::Help, Focus::Article));
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
    testdata::resize(&mut s, 80, 10);
    key(&mut s, Action::ToggleComments);
    key(&mut s, Action::Bottom);
    let total = s.open.as_ref().expect("open").comment_rows.len();
    let last_top = total - s.comments_rows();
    assert!(last_top > 0, "the thread is longer than the pane");
    assert_eq!(s.open.as_ref().expect("open").comments_scroll, last_top);
    key(&mut s, Action::Down);
    assert_eq!(s.open.as_ref().expect("open").comments_scroll, last_top);
    key(&mut s, Action::Top);
    assert_eq!(s.open.as_ref().expect("open").comments_scroll, 0);
}

#[test]
fn help_scrolls_and_takes_the_keys() {
    let mut s = app();
    testdata::resize(&mut s, 80, 12);
    key(&mut s, Action::Help);
    key(&mut s, Action::Down);
    key(&mut s, Action::Down);
    assert_eq!(s.help_scroll, 2);
    key(&mut s, Action::Bottom);
    assert_eq!(s.help_scroll, crate::tui::view::help_rows(&s) - 1);
    assert_eq!(s.selected, 0, "the list behind did not move");
    key(&mut s, Action::Help);
    assert_eq!(s.focus, Focus::Headlines);
}

#[test]
fn suspend_and_signals() {
    let mut s = app();
    assert!(matches!(
        key(&mut s, Action::Suspend).as_slice(),
        [Effect::Suspend]
    ));
    let effects = update(&mut s, Msg::Terminate);
    assert!(s.quit);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Player(Command::Stop), Effect::Quit]
    ));
}

#[test]
fn keys_follow_the_configured_keymap() {
    let mut s = app();
    let keys = [(
        "play_pause".to_string(),
        crate::tui::keymap::KeyList::One("x".to_string()),
    )]
    .into();
    s.keymap = crate::tui::Keymap::from_config(&keys).expect("valid").0;
    let mut s = {
        let keymap = s.keymap.clone();
        let mut o = opened(0, true);
        o.keymap = keymap;
        o
    };
    assert!(
        type_and_get(&mut s, ' ').is_empty(),
        "space is no longer bound"
    );
    assert!(matches!(
        type_and_get(&mut s, 'x').first(),
        Some(Effect::PlayItem { .. })
    ));
}
