//! Playing, speaking, seeking and following the spoken paragraph.

use super::*;

#[test]
fn space_plays_the_recording_then_toggles_it() {
    let mut s = opened(0, true);
    let effects = key(&mut s, Action::TogglePlay);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::PlayItem { item: 1, narration: Some(narration), from_start: false, .. },
            Effect::Player(Command::Play),
            Effect::SaveQueue { items, current: Some(0) },
        ] if narration.url == "https://gazette.example/audio/1.mp3" && items == &[1]
    ));
    assert_eq!(s.player.state, PlayState::Loading);
    assert_eq!(s.player.item, Some(1));
    assert!(!s.player.speech);
    let effects = key(&mut s, Action::TogglePlay);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Player(Command::Toggle)]
    ));
    // From the headlines, space still pauses what plays.
    key(&mut s, Action::Back);
    let effects = key(&mut s, Action::TogglePlay);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Player(Command::Toggle)]
    ));
}

#[test]
fn an_article_without_a_recording_is_spoken_title_first() {
    let mut s = opened(1, false);
    let effects = key(&mut s, Action::TogglePlay);
    let Some(Effect::PlayItem {
        item,
        narration: None,
        parts: Some(parts),
        ..
    }) = effects.first()
    else {
        panic!("expected speech, got {effects:?}");
    };
    let article = s
        .open
        .as_ref()
        .and_then(|o| o.article.loaded())
        .expect("loaded");
    assert_eq!(*item, 2);
    assert_eq!(parts[0], article.title);
    assert_eq!(&parts[1..], article.paragraphs.as_slice());
    assert!(s.player.speech);
}

#[test]
fn p_speaks_from_the_paragraph_at_the_top_of_the_view() {
    let mut s = opened(0, true);
    testdata::resize(&mut s, 80, 12);
    let paragraph_two = s
        .open
        .as_ref()
        .and_then(|o| o.rendered.as_ref())
        .and_then(|r| r.lines.iter().position(|l| l.block == Some(1)))
        .expect("a second paragraph");
    // Scrolled to the blank line just above the second paragraph.
    for _ in 0..paragraph_two - 1 {
        key(&mut s, Action::Down);
    }
    let effects = key(&mut s, Action::PlayFromHere);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::StartSpeech {
                item: 1,
                first: 2,
                ..
            },
            Effect::Player(Command::Play),
        ]
    ));
    assert!(
        s.player.speech,
        "speech even though the article has a recording"
    );
    assert!(s.open.as_ref().expect("open").follow);
    assert_eq!(s.status, "speaking from paragraph 2 of 5");
    key(&mut s, Action::Back);
    assert!(
        key(&mut s, Action::PlayFromHere).is_empty(),
        "only in the article"
    );
}

#[test]
fn nothing_to_play_says_why() {
    let mut s = app();
    key(&mut s, Action::Open);
    assert!(key(&mut s, Action::TogglePlay).is_empty());
    assert_eq!(s.status, "it plays once the article has loaded");
    assert!(key(&mut s, Action::SeekForward).is_empty());
}

#[test]
fn seek_and_volume_go_to_the_player() {
    let mut s = opened(0, true);
    key(&mut s, Action::TogglePlay);
    let seek = key(&mut s, Action::SeekBack);
    assert!(matches!(seek.as_slice(), [Effect::Player(Command::SeekBy(x))] if *x == -SEEK_STEP));
    let vol = key(&mut s, Action::VolumeDown);
    assert!(
        matches!(vol.as_slice(), [Effect::Player(Command::Volume(v))] if (*v - 0.9).abs() < 1e-6)
    );
    assert_eq!(s.status, "volume 90%");
}

#[test]
fn the_view_follows_the_spoken_paragraph_until_the_reader_scrolls_away() {
    let mut s = opened(1, false);
    // A short terminal, so that the last paragraph lies below the first screen.
    testdata::resize(&mut s, 60, 12);
    key(&mut s, Action::TogglePlay);
    let last = s
        .open
        .as_ref()
        .and_then(|o| o.article.loaded())
        .map(|a| a.paragraphs.len())
        .expect("loaded");
    update(&mut s, position(30, Some(last)));
    let rows = s.article_rows();
    let open = s.open.as_ref().expect("open");
    let lines = &open.rendered.as_ref().expect("rendered").lines;
    let spoken = lines
        .iter()
        .position(|l| l.block == Some(last - 1))
        .expect("the last paragraph is rendered");
    assert!(open.scroll > 0, "followed down");
    assert!((open.scroll..open.scroll + rows).contains(&spoken));

    key(&mut s, Action::Top);
    assert!(!s.open.as_ref().expect("open").follow);
    update(&mut s, position(31, Some(1)));
    assert_eq!(
        s.open.as_ref().expect("open").scroll,
        0,
        "stays where the reader went"
    );
    update(&mut s, position(40, Some(last)));
    assert_eq!(s.open.as_ref().expect("open").scroll, 0);
    key(&mut s, Action::Follow);
    assert!(
        s.open.as_ref().expect("open").scroll > 0,
        "jumps back to the voice"
    );
}

#[test]
fn positions_within_the_same_second_draw_nothing() {
    let mut s = opened(0, true);
    key(&mut s, Action::TogglePlay);
    update(&mut s, position(3, None));
    s.dirty = false;
    update(
        &mut s,
        Msg::Player(PlayerEvent::Position {
            pos: Duration::from_millis(3_400),
            total: Some(Duration::from_secs(252)),
            part: None,
        }),
    );
    assert!(!s.dirty);
    assert_eq!(s.player.pos, Duration::from_millis(3_400));
    update(&mut s, position(4, None));
    assert!(s.dirty);
}

#[test]
fn player_errors_and_the_end_stop_the_snapshot() {
    let mut s = opened(0, true);
    key(&mut s, Action::TogglePlay);
    update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
    assert_eq!(s.player.state, PlayState::Playing);
    update(
        &mut s,
        Msg::Player(PlayerEvent::Error("device lost".into())),
    );
    assert_eq!(s.player.state, PlayState::Stopped);
    assert_eq!(s.status, "playback stopped: device lost");
    update(&mut s, Msg::PlaybackFailed("no audio output".into()));
    assert_eq!(s.status, "cannot play: no audio output");
    assert_eq!(s.player.item, None);
    let retry = key(&mut s, Action::TogglePlay);
    assert!(matches!(
        retry.first(),
        Some(Effect::PlayItem { item: 1, .. })
    ));
}

#[test]
fn speed_keys_change_a_recordings_speed_and_restart_speech_at_the_new_rate() {
    let mut s = opened(0, true);
    key(&mut s, Action::TogglePlay);
    let effects = key(&mut s, Action::SpeedUp);
    assert!(
        matches!(effects.as_slice(), [Effect::Player(Command::Speed(x))] if (*x - 1.1).abs() < 1e-6)
    );
    assert_eq!(s.status, "speed 1.10x");

    let mut s = opened(1, false);
    key(&mut s, Action::TogglePlay);
    update(&mut s, position(20, Some(3)));
    let effects = key(&mut s, Action::SlowDown);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::StartSpeech { item: 2, first: 3, speed, .. }, Effect::Player(Command::Play)]
                if (*speed - 0.9).abs() < 1e-6
        ),
        "{effects:?}"
    );
    // The next narration starts at the chosen speed.
    key(&mut s, Action::Back);
    key(&mut s, Action::Up);
    key(&mut s, Action::Open);
    testdata::deliver(&mut s, 1, true);
    let effects = key(&mut s, Action::TogglePlay);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::SavePosition { url, .. },
                Effect::PlayItem { item: 1, .. },
                Effect::Player(Command::Speed(x)),
                Effect::Player(Command::Play),
                Effect::SaveQueue { .. },
            ] if (*x - 0.9).abs() < 1e-6 && url == "https://gazette.example/2"
        ),
        "{effects:?}"
    );
}

#[test]
fn a_speed_change_while_speech_is_paused_keeps_it_paused() {
    let mut s = opened(1, false);
    key(&mut s, Action::TogglePlay);
    update(&mut s, position(20, Some(3)));
    update(
        &mut s,
        Msg::Player(crate::audio::PlayerEvent::State(PlayState::Paused)),
    );
    let effects = key(&mut s, Action::SpeedUp);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::StartSpeech { first: 3, .. },
                Effect::Player(Command::Pause)
            ]
        ),
        "{effects:?}"
    );
}

/// Article `id` (with a recording) arriving.
fn article_loaded(id: i64) -> Msg {
    Msg::ArticleLoaded {
        id,
        result: Ok(Box::new(testdata::article(id, true))),
        notice: None,
        layout: None,
    }
}

#[test]
fn space_before_the_article_has_loaded_plays_it_once_it_has() {
    let mut s = app();
    key(&mut s, Action::Open);
    let early = key(&mut s, Action::TogglePlay);
    assert!(!early.iter().any(|e| matches!(e, Effect::PlayItem { .. })));
    assert_eq!(s.status, "it plays once the article has loaded");
    let id = s.headlines.id(0);
    let effects = update(&mut s, article_loaded(id));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::PlayItem { item, .. } if *item == id)),
        "{effects:?}"
    );
    // Once: a second load of the same article (laid out again) plays nothing more.
    let again = update(&mut s, article_loaded(id));
    assert!(!again.iter().any(|e| matches!(e, Effect::PlayItem { .. })));
}

#[test]
fn space_on_an_article_that_failed_to_load_says_there_is_nothing_to_play() {
    let mut s = app();
    key(&mut s, Action::Open);
    let id = s.headlines.id(0);
    update(
        &mut s,
        Msg::ArticleLoaded {
            id,
            result: Err("connection refused".into()),
            notice: None,
            layout: None,
        },
    );
    key(&mut s, Action::TogglePlay);
    assert_eq!(s.status, "the article could not be loaded: nothing to play");
}
