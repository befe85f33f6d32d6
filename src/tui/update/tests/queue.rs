//! The listening queue: played from the list, added to, advancing by itself, and where the
//! listener stopped saved as it plays.

use super::*;
use crate::store::listening::Heard;

fn ids(s: &AppState) -> Vec<i64> {
    s.queue.ids()
}

#[test]
fn space_on_a_headline_plays_it_without_opening_and_a_queues_more() {
    let mut s = app();
    let effects = key(&mut s, Action::TogglePlay);
    assert!(s.open.is_none(), "nothing opened");
    assert_eq!(s.focus, Focus::Headlines);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::PlayItem { item: 1, url, narration: Some(_), parts: None, from_start: false, .. },
                Effect::Player(Command::Play),
                Effect::SaveQueue { items, current: Some(0) },
            ] if url == "https://gazette.example/1" && items == &[1]
        ),
        "{effects:?}"
    );
    assert_eq!(s.player.item, Some(1));
    key(&mut s, Action::Down);
    let effects = key(&mut s, Action::QueueAdd);
    // The item after the one playing has its introduction made while this one plays.
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::SaveQueue { items, current: Some(0) },
                Effect::PrepareItem { url, announce: Some(announce), .. },
            ] if items == &[1, 2] && announce.title == s.headline_at(1).expect("listed").title
                && announce.feed == "The Harbour Gazette" && url == "https://gazette.example/2"
        ),
        "{effects:?}"
    );
    key(&mut s, Action::Down);
    let effects = key(&mut s, Action::QueueAdd);
    assert!(
        matches!(effects.as_slice(), [Effect::SaveQueue { .. }]),
        "not the next item: nothing to make ready yet"
    );
    assert_eq!(ids(&s), vec![1, 2, 3]);
    assert!(key(&mut s, Action::QueueAdd).is_empty(), "already queued");
    assert_eq!(s.status, "already in the queue, 3 of 3");
    assert_eq!(s.queue.place_of(1).as_deref(), Some("1/3"));
}

#[test]
fn the_end_of_an_item_marks_it_listened_and_plays_the_next() {
    let mut s = app();
    key(&mut s, Action::TogglePlay);
    key(&mut s, Action::Down);
    key(&mut s, Action::QueueAdd);
    update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
    update(&mut s, position(250, None));
    let effects = update(&mut s, Msg::Player(PlayerEvent::Ended));
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::SavePosition { url, resume },
                Effect::PlayItem { item: 2, .. },
                Effect::Player(Command::Play),
                Effect::SaveQueue { current: Some(1), .. },
            ] if url == "https://gazette.example/1" && resume.listened
        ),
        "{effects:?}"
    );
    assert_eq!(s.player.item, Some(2));
    assert_eq!(s.player.state, PlayState::Loading);
    assert_eq!(s.queue.place_of(2).as_deref(), Some("2/2"));
    let first = s.headline_at(0).expect("listed");
    assert!(first.listened && first.read, "{first:?}");
    // The last item's end ends the queue.
    let effects = update(&mut s, Msg::Player(PlayerEvent::Ended));
    assert!(matches!(
        effects.last(),
        Some(Effect::SaveQueue { current: None, .. })
    ));
    assert_eq!(s.player.state, PlayState::Stopped);
}

#[test]
fn no_introduction_when_the_config_says_so() {
    let mut s = app();
    s.listen.announce = false;
    let effects = key(&mut s, Action::TogglePlay);
    assert!(matches!(
        effects.first(),
        Some(Effect::PlayItem { announce: None, .. })
    ));
    key(&mut s, Action::Down);
    let effects = key(&mut s, Action::QueueAdd);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::SaveQueue { .. },
            Effect::PrepareItem { announce: None, .. }
        ]
    ));
}

#[test]
fn listened_leaves_read_alone_when_the_config_says_so() {
    let mut s = app();
    s.listen.mark_read = false;
    s.selected = 1;
    key(&mut s, Action::TogglePlay);
    update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
    update(&mut s, position(240, None));
    let h = s.headline_at(1).expect("listed");
    assert!(h.listened && !h.read, "past 90 %: {h:?}");
}

#[test]
fn the_position_is_saved_every_few_seconds_and_on_pause_and_quit() {
    let mut s = app();
    key(&mut s, Action::TogglePlay);
    update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
    assert!(update(&mut s, position(3, None)).is_empty());
    let saved = update(&mut s, position(5, None));
    assert!(
        matches!(
            saved.as_slice(),
            [Effect::SavePosition { resume, .. }]
                if resume.position == Duration::from_secs(5)
                    && resume.heard == Heard::Recording { url: "https://gazette.example/audio/1.mp3".into() }
                    && !resume.listened
        ),
        "{saved:?}"
    );
    assert!(update(&mut s, position(8, None)).is_empty());
    update(&mut s, position(9, None));
    let paused = update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Paused)));
    assert!(matches!(
        paused.as_slice(),
        [Effect::SavePosition { resume, .. }] if resume.position == Duration::from_secs(9)
    ));
    let quit = key(&mut s, Action::Quit);
    assert!(matches!(
        quit.as_slice(),
        [
            Effect::SavePosition { .. },
            Effect::Player(Command::Stop),
            Effect::Quit
        ]
    ));
}

#[test]
fn after_a_restart_next_resumes_the_current_item_and_from_start_starts_over() {
    let mut s = app();
    s.queue.items = s.all_headlines()[..3].to_vec();
    s.queue.current = Some(1);
    let effects = key(&mut s, Action::NextItem);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::PlayItem {
                    item: 2,
                    from_start: false,
                    ..
                },
                ..
            ]
        ),
        "{effects:?}"
    );
    let effects = key(&mut s, Action::NextItem);
    assert!(matches!(
        effects.as_slice(),
        [Effect::PlayItem { item: 3, .. }, ..]
    ));
    let effects = key(&mut s, Action::PreviousItem);
    assert!(matches!(
        effects.as_slice(),
        [Effect::PlayItem { item: 2, .. }, ..]
    ));
    let effects = key(&mut s, Action::PlayFromStart);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::PlayItem {
                item: 2,
                from_start: true,
                ..
            },
            ..
        ]
    ));
}

#[test]
fn a_queues_the_selected_group_unread_first() {
    let mut s = app();
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::ByFeed);
    let effects = key(&mut s, Action::QueueAll);
    let group: Vec<crate::model::Headline> = s.all_headlines().into_iter().collect();
    let mut expected: Vec<i64> = group.iter().filter(|h| !h.read).map(|h| h.id).collect();
    expected.extend(group.iter().filter(|h| h.read).map(|h| h.id));
    assert!(matches!(effects.as_slice(), [Effect::SaveQueue { .. }]));
    // One feed: its group is the whole list, in the list's order within read and unread.
    let mut in_list_order: Vec<i64> = s
        .rows
        .iter()
        .filter_map(|r| match r {
            crate::tui::state::Row::Headline(i) => Some(s.headlines.id(*i as usize)),
            _ => None,
        })
        .collect();
    let unread: Vec<i64> = in_list_order
        .iter()
        .copied()
        .filter(|id| {
            s.all_headlines()
                .into_iter()
                .any(|h| h.id == *id && !h.read)
        })
        .collect();
    in_list_order.retain(|id| !unread.contains(id));
    let want: Vec<i64> = unread.into_iter().chain(in_list_order).collect();
    assert_eq!(ids(&s), want);
    assert_eq!(ids(&s).len(), expected.len());
}

#[test]
fn an_opened_article_shows_where_its_recording_stopped() {
    let mut s = opened(0, true);
    update(
        &mut s,
        Msg::PositionLoaded {
            item: 1,
            resume: Some(crate::store::listening::Resume {
                heard: Heard::Recording {
                    url: "https://gazette.example/audio/1.mp3".into(),
                },
                position: Duration::from_secs(60),
                length: Some(Duration::from_secs(260)),
                listened: false,
            }),
        },
    );
    assert_eq!(
        s.open.as_ref().and_then(|o| o.resume_at),
        Some(Duration::from_secs(60))
    );
}

fn queued_three() -> AppState {
    let mut s = app();
    key(&mut s, Action::TogglePlay);
    key(&mut s, Action::Down);
    key(&mut s, Action::QueueAdd);
    key(&mut s, Action::Down);
    key(&mut s, Action::QueueAdd);
    s
}

#[test]
fn the_queue_view_asks_for_lengths_and_counts_the_time_left() {
    let mut s = queued_three();
    let effects = key(&mut s, Action::ShowQueue);
    assert_eq!(s.queue.view, Some(0));
    let narrated: Vec<i64> = s
        .queue
        .items
        .iter()
        .filter(|h| h.narration.is_some())
        .map(|h| h.id)
        .collect();
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::ProbeQueue { items }] if items.iter().map(|(id, _)| *id).collect::<Vec<_>>() == narrated
        ),
        "{effects:?}"
    );
    update(&mut s, position(60, None));
    update(
        &mut s,
        Msg::RecordingLength {
            item: 2,
            total: Some(Duration::from_secs(100)),
        },
    );
    // 252 - 60 of the first, 100 of the second, the third unknown.
    let playing = Some((1, s.player.pos, s.player.total));
    let expected_unknown = usize::from(!s.queue.lengths.contains_key(&3));
    assert_eq!(
        s.queue.time_left(playing),
        (Duration::from_secs(192 + 100), expected_unknown)
    );
    // Keys go to the view while it shows; Esc closes it.
    update(
        &mut s,
        Msg::Input(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert_eq!(s.queue.view, None);
}

#[test]
fn the_queue_view_reorders_removes_and_plays() {
    let mut s = queued_three();
    key(&mut s, Action::ShowQueue);
    // J moves the playing item down: it stays the current one.
    let effects = type_and_get(&mut s, 'J');
    assert!(matches!(
        effects.as_slice(),
        [Effect::SaveQueue { items, current: Some(1) }] if items == &[2, 1, 3]
    ));
    assert_eq!(s.queue.view, Some(1));
    type_and_get(&mut s, 'K');
    assert_eq!(ids(&s), vec![1, 2, 3]);
    assert_eq!(s.queue.current, Some(0));
    // d on the last item takes it out.
    type_and_get(&mut s, 'j');
    type_and_get(&mut s, 'j');
    let effects = type_and_get(&mut s, 'd');
    assert!(matches!(
        effects.as_slice(),
        [Effect::SaveQueue { items, current: Some(0) }] if items == &[1, 2]
    ));
    // Enter plays the selected one.
    let effects = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::PlayItem { item: 2, .. }, ..]),
        "{effects:?}"
    );
    assert_eq!(s.queue.view, None);
    assert_eq!(s.queue.current, Some(1));
    // Taking out the item playing stops it.
    key(&mut s, Action::ShowQueue);
    update(&mut s, position(30, None));
    let effects = type_and_get(&mut s, 'd');
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::SavePosition { .. },
                Effect::Player(Command::Stop),
                Effect::SaveQueue { current: None, .. }
            ]
        ),
        "{effects:?}"
    );
    assert_eq!(s.player.item, None);
}

#[test]
fn an_opened_spoken_article_shows_the_paragraph_it_resumes_at() {
    let mut s = opened(1, false);
    update(
        &mut s,
        Msg::PositionLoaded {
            item: 2,
            resume: Some(crate::store::listening::Resume {
                heard: Heard::Speech { part: 3 },
                position: Duration::ZERO,
                length: None,
                listened: false,
            }),
        },
    );
    let open = s.open.as_ref().expect("open");
    assert_eq!((open.resume_at, open.resume_part), (None, Some(3)));
}

#[test]
fn space_on_an_item_that_ended_plays_it_again() {
    let mut s = app();
    key(&mut s, Action::TogglePlay);
    update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
    update(&mut s, Msg::Player(PlayerEvent::Ended));
    assert_eq!(s.player.state, PlayState::Stopped);
    let effects = key(&mut s, Action::TogglePlay);
    assert!(
        matches!(effects.first(), Some(Effect::PlayItem { item: 1, .. })),
        "{effects:?}"
    );
}
