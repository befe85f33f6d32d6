//! An article opening, arriving, failing and laid out again.

use super::*;

#[test]
fn enter_marks_the_item_loading_and_asks_for_its_article_and_comments() {
    let mut s = app();
    key(&mut s, Action::Down);
    let effects = key(&mut s, Action::Open);
    assert_eq!(s.focus, Focus::Article);
    assert!(s.headlines.read(1));
    let open = s.open.as_ref().expect("an open item");
    assert_eq!(open.id, 2);
    assert_eq!(open.article, Loadable::Loading);
    assert_eq!(open.comments, Loadable::Loading);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::SetRead { id: 2, read: true },
            Effect::LoadArticle { id: 2, url: a, width: 75 },
            Effect::LoadPosition { item: 2, url: p },
            Effect::LoadComments { id: 2, url: c },
        ] if a == "https://gazette.example/2" && c == a && p == a
    ));
}

#[test]
fn a_result_for_an_article_already_left_is_dropped() {
    let mut s = app();
    key(&mut s, Action::Open);
    key(&mut s, Action::Back);
    key(&mut s, Action::Down);
    key(&mut s, Action::Open);
    s.dirty = false;
    let stale = Msg::ArticleLoaded {
        id: 1,
        result: Ok(Box::new(testdata::article(1, true))),
        notice: None,
        layout: None,
    };
    assert!(update(&mut s, stale).is_empty());
    let stale_comments = Msg::CommentsLoaded {
        id: 1,
        result: Ok(testdata::thread()),
    };
    update(&mut s, stale_comments);
    let open = s.open.as_ref().expect("an open item");
    assert_eq!((open.id, &open.article), (2, &Loadable::Loading));
    assert_eq!(open.comments, Loadable::Loading);
    assert!(!s.dirty, "a dropped result draws nothing");

    update(
        &mut s,
        Msg::ArticleLoaded {
            id: 2,
            result: Ok(Box::new(testdata::article(2, false))),
            notice: Some("offline; showing the saved copy".into()),
            layout: None,
        },
    );
    let open = s.open.as_ref().expect("an open item");
    assert!(open.article.loaded().is_some());
    assert!(open.rendered.as_ref().is_some_and(|r| !r.lines.is_empty()));
    assert_eq!(open.rendered_width, s.article_width());
    assert_eq!(s.status, "offline; showing the saved copy");
    assert!(s.dirty);
}

#[test]
fn a_recording_s_length_is_learned_when_its_article_loads() {
    let mut s = app();
    key(&mut s, Action::Open);
    let effects = update(
        &mut s,
        Msg::ArticleLoaded {
            id: 1,
            result: Ok(Box::new(testdata::article(1, true))),
            notice: None,
            layout: None,
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::ProbeRecording { item: 1, narration }, Effect::LoadRelated { id: 1 }]
            if narration.url == "https://gazette.example/audio/1.mp3"
    ));
    let length = |item| Msg::RecordingLength {
        item,
        total: Some(Duration::from_secs(252)),
    };
    update(&mut s, length(1));
    assert_eq!(
        s.open.as_ref().expect("open").recording_total,
        Some(Duration::from_secs(252))
    );

    // The reader moved on before the length came: it is dropped.
    key(&mut s, Action::Back);
    key(&mut s, Action::Down);
    key(&mut s, Action::Open);
    s.dirty = false;
    assert!(update(&mut s, length(1)).is_empty());
    assert_eq!(s.open.as_ref().expect("open").recording_total, None);
    assert!(!s.dirty, "a dropped length draws nothing");
    let effects = update(
        &mut s,
        Msg::ArticleLoaded {
            id: 2,
            result: Ok(Box::new(testdata::article(2, false))),
            notice: None,
            layout: None,
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::LoadRelated { id: 2 }]),
        "no recording, nothing to learn: {effects:?}"
    );
}

#[test]
fn failures_are_kept_for_the_view() {
    let mut s = app();
    key(&mut s, Action::Open);
    update(
        &mut s,
        Msg::ArticleLoaded {
            id: 1,
            result: Err("connection refused".into()),
            notice: None,
            layout: None,
        },
    );
    update(
        &mut s,
        Msg::CommentsLoaded {
            id: 1,
            result: Err("timed out".into()),
        },
    );
    let open = s.open.as_ref().expect("an open item");
    assert_eq!(open.article, Loadable::Failed("connection refused".into()));
    assert_eq!(open.comments, Loadable::Failed("timed out".into()));
}

#[test]
fn error_texts_cannot_drive_the_terminal() {
    let mut s = app();
    key(&mut s, Action::Open);
    let hostile = "bad\u{1b}]0;owned\u{7}\u{1b}[2J gateway\r\nreply".to_string();
    update(
        &mut s,
        Msg::ArticleLoaded {
            id: 1,
            result: Err(hostile.clone()),
            notice: None,
            layout: None,
        },
    );
    update(&mut s, Msg::Player(PlayerEvent::Error(hostile.clone())));
    let open = s.open.as_ref().expect("open");
    assert_eq!(open.article, Loadable::Failed("bad gateway reply".into()));
    assert_eq!(s.status, "playback stopped: bad gateway reply");
    update(&mut s, Msg::RefreshDone(Err(hostile)));
    assert_eq!(s.status, "refresh failed: bad gateway reply");
}

#[test]
fn reopening_the_open_item_does_not_fetch_it_again() {
    let mut s = opened(0, true);
    key(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::Headlines);
    assert!(key(&mut s, Action::Open).is_empty());
    assert_eq!(s.focus, Focus::Article);
}

#[test]
fn a_resize_lays_the_article_out_again() {
    let mut s = opened(0, true);
    let narrow = s.open.as_ref().expect("open").rendered_width;
    testdata::resize(&mut s, 160, 48);
    let open = s.open.as_ref().expect("open");
    assert_eq!(open.rendered_width, s.article_width());
    assert_ne!(open.rendered_width, narrow);
    let widest = open
        .rendered
        .as_ref()
        .expect("rendered")
        .lines
        .iter()
        .map(|l| crate::width::of(&l.text()))
        .max();
    assert!(widest.is_some_and(|w| w <= s.article_width()));
}

#[test]
fn the_layout_is_made_off_the_loop_and_a_stale_one_is_dropped() {
    let mut s = opened(0, true);
    update(&mut s, Msg::Resize(60, 8));
    // Scrolled to the third paragraph, laid out at 80 columns.
    let third = |s: &AppState| {
        s.open
            .as_ref()
            .and_then(|o| o.rendered.as_ref())
            .and_then(|r| r.lines.iter().position(|l| l.block == Some(2)))
            .expect("a third paragraph")
    };
    s.open.as_mut().expect("open").scroll = third(&s);
    let effects = update(&mut s, Msg::Resize(120, 8));
    let Some(Effect::LayOut { id, article, width }) = effects.into_iter().next() else {
        panic!("a new width asks for a layout");
    };
    assert_eq!((id, width), (1, s.article_width()));
    assert_ne!(
        s.open.as_ref().expect("open").rendered_width,
        width,
        "the old layout shows meanwhile"
    );
    let stale = Layout {
        width: 40,
        rendered: article.render(40),
    };
    update(
        &mut s,
        Msg::LaidOut {
            id: 1,
            layout: stale,
        },
    );
    assert_ne!(s.open.as_ref().expect("open").rendered_width, 40);
    let layout = Layout {
        width,
        rendered: article.render(width),
    };
    update(&mut s, Msg::LaidOut { id: 1, layout });
    let open = s.open.as_ref().expect("open");
    assert_eq!(open.rendered_width, width);
    assert_eq!(
        open.scroll,
        third(&s),
        "the reader's paragraph stays at the top"
    );
}
