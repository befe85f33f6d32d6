//! Clicks and the wheel.

use super::*;

fn click(s: &mut AppState, column: u16, row: u16) -> Vec<Effect> {
    update(
        s,
        Msg::Mouse(MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    )
}

#[test]
fn a_click_selects_a_headline_and_a_second_click_opens_it() {
    let mut s = app();
    // Row 0 is the border; headline rows start at 1.
    assert!(click(&mut s, 10, 3).is_empty());
    assert_eq!(s.selected, 2);
    let effects = click(&mut s, 10, 3);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { id: 3, .. }))
    );
    assert_eq!(s.focus, Focus::Article);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let mut s = opened(0, true);
    testdata::resize(&mut s, 160, 10);
    key(&mut s, Action::ToggleComments);
    let wheel = |s: &mut AppState, column| {
        update(
            s,
            Msg::Mouse(MouseEvent {
                kind: crossterm::event::MouseEventKind::ScrollDown,
                column,
                row: 4,
                modifiers: KeyModifiers::NONE,
            }),
        )
    };
    wheel(&mut s, 10);
    assert_eq!(s.focus, Focus::Article);
    assert_eq!(s.open.as_ref().expect("open").scroll, 3);
    wheel(&mut s, 120);
    assert_eq!(s.focus, Focus::Comments);
    assert!(s.open.as_ref().expect("open").comments_scroll > 0);
}

#[test]
fn clicking_the_listen_bar_plays_and_its_gauge_seeks() {
    let mut s = opened(0, true);
    // The listen bar: the pane's border, title, byline, then the bar (row 3).
    let effects = click(&mut s, 5, 3);
    assert!(matches!(
        effects.first(),
        Some(Effect::PlayItem { item: 1, .. })
    ));
    update(&mut s, position(0, None));
    let effects = click(&mut s, 5, 3);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Player(Command::Toggle)]
    ));
    // The gauge's last column (38 columns of text after the border, then 30 of gauge):
    // nearly the whole recording ahead.
    let effects = click(&mut s, 68, 3);
    assert!(
        matches!(effects.as_slice(), [Effect::Player(Command::SeekBy(d))] if *d > 200.0 && *d < 252.0),
        "{effects:?}"
    );
    // The player bar's gauge on the line above the status line.
    let effects = click(&mut s, 79, 22);
    assert!(matches!(effects.as_slice(), [Effect::Player(Command::SeekBy(d))] if *d > 200.0));
    let effects = click(&mut s, 1, 22);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Player(Command::Toggle)]
    ));
}

#[test]
fn a_clicked_paragraph_is_where_p_speaks_from() {
    let mut s = opened(0, true);
    let body_top = s.screen().article.body.y;
    let third = s
        .open
        .as_ref()
        .and_then(|o| o.rendered.as_ref())
        .and_then(|r| r.lines.iter().position(|l| l.block == Some(2)))
        .expect("a third block");
    assert!(click(&mut s, 10, body_top + third as u16).is_empty());
    assert_eq!(s.open.as_ref().expect("open").chosen, Some(2));
    assert_eq!(s.status, "paragraph 3 chosen: p speaks from it");
    let effects = key(&mut s, Action::PlayFromHere);
    assert!(matches!(
        effects.first(),
        Some(Effect::StartSpeech {
            item: 1,
            first: 3,
            ..
        })
    ));
    assert_eq!(s.open.as_ref().expect("open").chosen, None, "used once");
}
