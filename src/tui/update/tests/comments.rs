//! The comments: folding, stepping, replies loaded in a stub's place.

use super::*;

#[test]
fn folding_hides_the_replies_and_counts_them() {
    let mut s = opened(0, true);
    key(&mut s, Action::ToggleComments);
    let before = s.open.as_ref().expect("open").comment_rows.len();
    key(&mut s, Action::Open);
    let open = s.open.as_ref().expect("open");
    assert!(open.comment_rows.len() < before);
    assert!(
        open.comment_rows.iter().all(|r| r.comment != 1),
        "the reply is hidden"
    );
    assert!(
        open.comment_rows[0].text.ends_with("[+1 reply]"),
        "{:?}",
        open.comment_rows[0]
    );
    // j goes past the hidden reply to the next thread.
    key(&mut s, Action::Down);
    assert_eq!(s.open.as_ref().expect("open").comment_selected, 2);
    key(&mut s, Action::FoldThread);
    assert_eq!(s.status, "no replies to fold");
    key(&mut s, Action::Up);
    key(&mut s, Action::FoldThread);
    assert_eq!(s.open.as_ref().expect("open").comment_rows.len(), before);
}

#[test]
fn j_and_k_step_through_the_comments_one_by_one() {
    let mut s = opened(0, true);
    key(&mut s, Action::ToggleComments);
    key(&mut s, Action::Down);
    assert_eq!(s.open.as_ref().expect("open").comment_selected, 1);
    key(&mut s, Action::Down);
    key(&mut s, Action::Down);
    assert_eq!(
        s.open.as_ref().expect("open").comment_selected,
        2,
        "stops at the last"
    );
    key(&mut s, Action::Up);
    assert_eq!(s.open.as_ref().expect("open").comment_selected, 1);
}

fn reddit_like() -> CommentThread {
    let mut thread = testdata::thread();
    // After Jane Holt's reply: a stub for two more replies to Tom Reed.
    thread.comments.insert(
        2,
        Comment {
            id: "more-1".into(),
            parent: Some("1".into()),
            depth: 1,
            author: String::new(),
            date: None,
            text: String::new(),
            kind: CommentKind::More {
                count: 2,
                children: vec!["a".into(), "b".into()],
            },
        },
    );
    thread
}

#[test]
fn enter_on_a_stub_loads_its_replies_in_its_place() {
    let mut s = opened(0, true);
    update(
        &mut s,
        Msg::CommentsLoaded {
            id: 1,
            result: Ok(reddit_like()),
        },
    );
    key(&mut s, Action::ToggleComments);
    key(&mut s, Action::Down);
    key(&mut s, Action::Down);
    let open = s.open.as_ref().expect("open");
    assert_eq!(open.comment_selected, 2);
    let stub_row = open
        .comment_rows
        .iter()
        .find(|r| r.comment == 2 && r.kind == crate::tui::state::CommentRowKind::Header)
        .expect("the stub's row");
    assert_eq!(stub_row.text, "↳ ⋯ 2 more replies (Enter loads)");
    let effects = key(&mut s, Action::Open);
    let Some(Effect::LoadMoreReplies {
        id,
        url,
        stub,
        children,
    }) = effects.into_iter().next()
    else {
        panic!("Enter on a stub loads it");
    };
    assert_eq!(
        (id, url.as_str(), stub),
        (1, "https://gazette.example/1", 2)
    );
    assert_eq!(s.status, "loading 2 more replies…");

    let reply = |id: &str, parent: Option<&str>, depth| Comment {
        id: id.into(),
        parent: parent.map(Into::into),
        depth,
        author: format!("Reader {id}"),
        date: None,
        text: "A reply that was not sent at first.".into(),
        kind: CommentKind::Normal,
    };
    // A stale answer (another stub's) changes nothing.
    update(
        &mut s,
        Msg::MoreReplies {
            id: 1,
            stub: 2,
            children: vec!["z".into()],
            result: Ok(vec![reply("z", None, 0)]),
        },
    );
    assert_eq!(
        s.open
            .as_ref()
            .and_then(|o| o.comments.loaded())
            .map(|t| t.comments.len()),
        Some(4)
    );
    update(
        &mut s,
        Msg::MoreReplies {
            id: 1,
            stub,
            children,
            result: Ok(vec![reply("a", None, 0), reply("b", Some("a"), 1)]),
        },
    );
    let thread = s
        .open
        .as_ref()
        .and_then(|o| o.comments.loaded())
        .expect("thread");
    let shape: Vec<(&str, usize, Option<&str>)> = thread
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.depth, c.parent.as_deref()))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("1", 0, None),
            ("2", 1, Some("1")),
            ("a", 1, Some("1")),
            ("b", 2, Some("a")),
            ("3", 0, None),
        ]
    );
    assert_eq!(s.status, "2 more replies loaded");
}

#[test]
fn deleted_and_dead_comments_keep_their_place_and_say_so() {
    let mut thread = testdata::thread();
    thread.comments[0].kind = CommentKind::Deleted;
    thread.comments[0].text = "[deleted]".into();
    thread.comments[2].kind = CommentKind::Dead;
    let rows = crate::tui::state::layout_comments(&thread, &Default::default(), 60);
    let headers: Vec<&str> = rows
        .iter()
        .filter(|r| r.kind == crate::tui::state::CommentRowKind::Header)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(
        headers,
        vec![
            "Tom Reed · 2026-11-11 09:15 · deleted",
            "↳ Jane Holt · 2026-11-11 09:15",
            "Sam Ortiz · 2026-11-11 09:15 · dead",
        ]
    );
}
