//! The reading list: unread-only and starred-only views with the groupings, marks of a feed, a
//! group or the view and their undo, the next unread, feeds as the store has them, and the
//! refresh on a timer.

use std::collections::HashSet;
use std::sync::mpsc::channel;

use super::*;
use crate::store::FeedStatus;
use crate::store::worker::{StoreCommand, StoreEvent, StoreWorker};
use crate::tui::state::Row;

const COAST: &str = "https://coast.example/feed";

/// The small edition (items 1, 2, 4 unread; 3 read), items 3 and 4 from a second feed.
fn two_feeds() -> AppState {
    let mut list = testdata::headlines();
    for h in &mut list[2..] {
        h.feed = "Coast Weekly".into();
        h.feed_url = COAST.into();
    }
    AppState::new(list, (80, 24))
}

fn shown_ids(s: &AppState) -> Vec<i64> {
    s.rows
        .iter()
        .filter_map(|r| match r {
            Row::Headline(i) => Some(s.headlines.id(*i as usize)),
            Row::Group(_) => None,
        })
        .collect()
}

fn groups(s: &AppState) -> Vec<(String, usize, usize, Option<String>)> {
    s.rows
        .iter()
        .filter_map(|r| match r {
            Row::Group(_) => s
                .group(*r)
                .map(|g| (g.name.clone(), g.unread, g.total, g.error.clone())),
            Row::Headline(_) => None,
        })
        .collect()
}

fn select(s: &mut AppState, id: i64) {
    s.selected = s.row_of(id).expect("listed");
}

#[test]
fn unread_only_narrows_the_list_and_keeps_the_headline_being_read() {
    let mut s = two_feeds();
    key(&mut s, Action::UnreadOnly);
    assert_eq!(shown_ids(&s), vec![1, 2, 4]);
    assert_eq!(s.status, "unread only: 3 headlines");
    // Opened, it is read, and stays listed while the view lasts.
    key(&mut s, Action::Open);
    assert!(s.headlines.read(0));
    key(&mut s, Action::Back);
    assert_eq!(shown_ids(&s), vec![1, 2, 4]);
    // Marked read by `m`, too.
    key(&mut s, Action::Down);
    key(&mut s, Action::ToggleRead);
    assert_eq!(shown_ids(&s), vec![1, 2, 4]);
    // The view again: only what is unread now.
    key(&mut s, Action::UnreadOnly);
    assert_eq!(s.status, "all 4 headlines");
    key(&mut s, Action::UnreadOnly);
    assert_eq!(shown_ids(&s), vec![4]);
    assert_eq!(s.shown, 1);
}

#[test]
fn filters_combine_with_the_groupings() {
    let mut s = two_feeds();
    s.headlines.set_starred(1, true);
    s.headlines.set_starred(2, true);
    s.regroup();
    key(&mut s, Action::StarredOnly);
    assert_eq!(shown_ids(&s), vec![2, 3]);
    key(&mut s, Action::UnreadOnly);
    assert_eq!(s.status, "unread and starred only: 1 headlines");
    assert_eq!(shown_ids(&s), vec![2]);
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::ByFeed);
    // Coast Weekly shows nothing unread and starred: left out of a narrowed view.
    assert_eq!(
        groups(&s),
        vec![("The Harbour Gazette".to_string(), 2, 2, None)]
    );
    key(&mut s, Action::UnreadOnly);
    key(&mut s, Action::StarredOnly);
    assert_eq!(
        groups(&s).iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
        vec!["Coast Weekly", "The Harbour Gazette"]
    );
    assert_eq!(shown_ids(&s), vec![3, 4, 1, 2]);
}

#[test]
fn a_feed_is_marked_read_at_once_and_undone() {
    let mut s = two_feeds();
    key(&mut s, Action::UnreadOnly);
    select(&mut s, 1);
    let effects = key(&mut s, Action::MarkFeedRead);
    let [Effect::SetReadMany { ids, read: true }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(ids, &vec![1, 2]);
    assert_eq!(s.status, "The Harbour Gazette: 2 marked read — u to undo");
    assert_eq!(s.unsaved_marks.len(), 1, "one save for the whole feed");
    // Gone from the unread view, the selection on what is left.
    assert_eq!(shown_ids(&s), vec![4]);
    assert_eq!(s.selected_headline().map(|h| h.id), Some(4));
    // A list read before the save keeps the marks.
    update(
        &mut s,
        Msg::HeadlinesLoaded(Ok(testdata::headlines().into())),
    );
    assert!(s.headlines.read(0) && s.headlines.read(1));

    let effects = key(&mut s, Action::UndoMark);
    let [Effect::SetReadMany { ids, read: false }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(ids, &vec![1, 2]);
    assert_eq!(s.status, "The Harbour Gazette: 2 unread again");
    assert_eq!(shown_ids(&s), vec![1, 2, 4]);
    assert!(key(&mut s, Action::UndoMark).is_empty());
    assert!(s.status.starts_with("nothing to undo"), "{}", s.status);
}

#[test]
fn a_group_or_the_whole_view_is_marked_read() {
    let mut s = two_feeds();
    s.tags = [(COAST.to_string(), vec!["local".to_string()])].into();
    // Newest first has no groups.
    assert!(key(&mut s, Action::MarkGroupRead).is_empty());
    assert!(
        s.status.starts_with("newest first has no groups"),
        "{}",
        s.status
    );
    key(&mut s, Action::Group);
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::ByTag);
    select(&mut s, 4);
    let effects = key(&mut s, Action::MarkGroupRead);
    assert!(
        matches!(effects.as_slice(), [Effect::SetReadMany { ids, read: true }] if ids == &vec![4]),
        "{effects:?}"
    );
    assert_eq!(s.status, "local: 1 marked read — u to undo");
    // Nothing unread left in it: said, nothing saved.
    assert!(key(&mut s, Action::MarkGroupRead).is_empty());
    assert_eq!(s.status, "local: nothing unread to mark");
    // The whole view; the undo is for the last mark only.
    let effects = key(&mut s, Action::MarkViewRead);
    assert!(
        matches!(effects.as_slice(), [Effect::SetReadMany { ids, read: true }] if ids == &vec![1, 2]),
        "{effects:?}"
    );
    assert_eq!(s.status, "the view: 2 marked read — u to undo");
    assert_eq!(s.unread(), 0);
    key(&mut s, Action::UndoMark);
    assert_eq!(s.unread(), 2);
    assert!(s.headlines.read(3), "the earlier mark stays");
}

#[test]
fn the_undo_key_said_is_the_one_bound() {
    let mut s = two_feeds();
    let keys = [(
        "undo_mark".to_string(),
        crate::tui::keymap::KeyList::One("ctrl-u".into()),
    )]
    .into();
    s.keymap = crate::tui::Keymap::from_config(&keys).expect("keys").0;
    key(&mut s, Action::MarkViewRead);
    assert_eq!(s.status, "the view: 3 marked read — Ctrl-u to undo");
}

#[test]
fn marks_of_many_wait_for_the_whole_list() {
    let page = testdata::headlines()[..2].to_vec();
    let counts = crate::store::HeadlineCounts {
        total: 4,
        unread: 3,
    };
    let mut s = AppState::first_page(page, counts, (80, 24));
    assert!(key(&mut s, Action::MarkViewRead).is_empty());
    assert!(s.status.contains("still being read"), "{}", s.status);
    assert_eq!(s.unread(), 3);
}

#[test]
fn next_unread_goes_across_feeds_and_opens_it() {
    let mut s = two_feeds();
    s.headlines.set_read(1, true);
    key(&mut s, Action::Group);
    // By feed: Coast Weekly (3 read, 4 unread), then The Harbour Gazette (1 unread, 2 read).
    select(&mut s, 3);
    let effects = key(&mut s, Action::NextUnread);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { id: 4, .. }))
    );
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(4));
    assert_eq!(s.focus, Focus::Article);
    assert!(s.headlines.read(3), "opened, it is read");
    // From the article, on to the next feed.
    let effects = key(&mut s, Action::NextUnread);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { id: 1, .. }))
    );
    assert_eq!(s.selected_headline().map(|h| h.id), Some(1));
    assert!(key(&mut s, Action::NextUnread).is_empty());
    assert_eq!(s.status, "no unread headline left");
}

#[test]
fn without_mark_on_open_next_unread_moves_past_the_one_being_read() {
    let mut s = two_feeds();
    s.mark_on_open = false;
    let effects = key(&mut s, Action::NextUnread);
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(1));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::SetRead { .. })),
        "{effects:?}"
    );
    assert!(!s.headlines.read(0));
    key(&mut s, Action::NextUnread);
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(2));
    key(&mut s, Action::NextUnread);
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(4));
    // Round to the top: the first is still unread.
    key(&mut s, Action::NextUnread);
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(1));
}

#[test]
fn the_by_feed_view_lists_every_feed_with_its_last_error() {
    let mut s = two_feeds();
    key(&mut s, Action::Group);
    let feed = |url: &str, name: &str, error: Option<&str>| FeedStatus {
        url: url.into(),
        name: name.into(),
        last_error: error.map(str::to_string),
    };
    update(
        &mut s,
        Msg::FeedsLoaded(Ok(vec![
            feed("https://gazette.example/feed", "Local WordPress", None),
            feed(COAST, "Coast Weekly", None),
            feed("https://empty.example/feed", "Empty \u{1b}[2JFeed", None),
            feed(
                "https://down.example/feed",
                "Down",
                Some("HTTP 503 \u{1b}]0;title\u{7}Service Unavailable"),
            ),
        ])),
    );
    assert_eq!(
        groups(&s),
        vec![
            ("Coast Weekly".to_string(), 1, 2, None),
            (
                "Down".to_string(),
                0,
                0,
                Some("HTTP 503 Service Unavailable".to_string())
            ),
            ("Empty Feed".to_string(), 0, 0, None),
            ("Local WordPress".to_string(), 2, 2, None),
        ]
    );
    // The headlines still carry the name they came with, until the store's list follows.
    assert_eq!(s.widest_feed, "The Harbour Gazette".len());
    // Narrowed, the failing feed still shows, the empty one not.
    key(&mut s, Action::UnreadOnly);
    let names: Vec<String> = groups(&s).into_iter().map(|g| g.0).collect();
    assert_eq!(names, vec!["Coast Weekly", "Down", "Local WordPress"]);
    // A refresh of the app's own clears what it fixed and says what failed.
    update(
        &mut s,
        Msg::RefreshDone(Ok(RefreshOutcome {
            summary: "4 feeds, 0 new".into(),
            failures: vec![FeedFailure {
                name: "Coast Weekly".into(),
                url: COAST.into(),
                kind: crate::failure::FailureKind::Timeout,
                reason: "timed out".into(),
            }],
        })),
    );
    let errors: Vec<(String, Option<String>)> =
        groups(&s).into_iter().map(|g| (g.0, g.3)).collect();
    assert_eq!(
        errors,
        vec![
            ("Coast Weekly".to_string(), Some("timed out".to_string())),
            ("Local WordPress".to_string(), None),
        ]
    );
}

#[test]
fn the_search_finds_a_feed_by_its_name() {
    let mut s = two_feeds();
    type_keys(&mut s, "/coast");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.status, "/coast: match 1 of 2");
    assert_eq!(s.selected_headline().map(|h| h.id), Some(3));
}

#[test]
fn a_refresh_on_the_timer_runs_like_r_and_never_twice_at_once() {
    let mut s = two_feeds();
    assert!(matches!(
        update(&mut s, Msg::RefreshDue).as_slice(),
        [Effect::Refresh]
    ));
    assert!(s.refreshing);
    assert!(update(&mut s, Msg::RefreshDue).is_empty());
}

/// The store's worker names feeds as the config does: in the list, with the feeds (which
/// come first), and in the archive's results.
#[test]
fn the_worker_names_feeds_as_the_config_does() {
    let mut store = crate::store::Store::in_memory().expect("store");
    let urls = vec![COAST.to_string(), "https://never.example/feed".to_string()];
    let feeds = store.sync_feeds(&urls[..1]).expect("sync");
    let item = crate::source::feed::FeedItem {
        key: "k1".into(),
        link: Some("https://coast.example/1".into()),
        title: "Harbour wall repaired".into(),
        author: None,
        published: None,
        summary: None,
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    };
    store
        .write_feed(
            feeds[0].id,
            &crate::store::FeedUpdate::Fresh {
                feed_url: None,
                title: Some("coast.example — all posts".into()),
                validators: Default::default(),
                items: vec![item],
            },
        )
        .expect("write");
    let names = crate::store::FeedNames::from_config(&[crate::config::FeedConfig {
        url: COAST.into(),
        name: Some("Local WordPress".into()),
        tags: Vec::new(),
        site: None,
    }]);
    let dir = std::env::temp_dir().join(format!("herald-views-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (tx, rx) = channel();
    let worker = StoreWorker::start(store, dir.clone(), urls, names, move |e| {
        let _ = tx.send(e);
    })
    .expect("worker");
    worker.send(StoreCommand::LoadHeadlines);
    worker.send(StoreCommand::Search {
        asked: 1,
        query: "harbour".into(),
    });
    let mut s = AppState::new(Vec::new(), (80, 24));
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the worker answers");
        match event {
            StoreEvent::Feeds(feeds) => {
                seen.push("feeds");
                update(&mut s, Msg::FeedsLoaded(feeds));
            }
            StoreEvent::Headlines(list) => {
                seen.push("headlines");
                update(&mut s, Msg::HeadlinesLoaded(list));
            }
            StoreEvent::Found { result, .. } => {
                seen.push("found");
                let hits = result.expect("hits");
                assert_eq!(&*hits[0].headline.feed, "Local WordPress");
            }
            _ => {}
        }
    }
    worker.finish();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(seen, vec!["feeds", "headlines", "found"]);
    assert_eq!(&**s.headlines.feed(0), "Local WordPress");
    let names: HashSet<&str> = s.feeds.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["Local WordPress", "https://never.example/feed"].into()
    );
}
