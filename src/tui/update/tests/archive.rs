//! `S`: the archive searched by the store's worker, its results listed and opened.

use std::sync::mpsc::{Receiver, channel};

use super::*;
use crate::net::Validators;
use crate::source::feed::FeedItem;
use crate::store::worker::{StoreCommand, StoreEvent, StoreWorker};
use crate::store::{CacheKind, FeedUpdate, HeadlineQuery, Place, Store};

const FEED: &str = "https://gazette.example/feed";

/// A store with the small edition: a summary on item 2, item 1's article saved and item 3's
/// comments saved; and the app showing its list.
fn archive() -> (Store, AppState) {
    let mut store = Store::in_memory().expect("store");
    let urls = [FEED.to_string()];
    let feeds = store.sync_feeds(&urls).expect("feeds");
    let items = testdata::headlines()
        .into_iter()
        .map(|h| FeedItem {
            key: h.link.clone().unwrap_or_default(),
            link: h.link.clone(),
            title: h.title.clone(),
            author: None,
            published: h
                .published
                .as_deref()
                .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
                .map(|p| p.with_timezone(&chrono::Utc)),
            summary: (h.id == 2).then(|| "Painters chose ochre for the railings.".to_string()),
            content_html: None,
            comments_url: None,
            comments_feed: None,
            enclosures: Vec::new(),
            narration: None,
        })
        .collect();
    let update = FeedUpdate::Fresh {
        feed_url: None,
        title: Some("The Harbour Gazette".to_string()),
        validators: Validators::default(),
        items,
    };
    store.write_feed(feeds[0].id, &update).expect("write");
    let article = serde_json::to_string(&testdata::article(1, false)).expect("json");
    store
        .put_cached(CacheKind::Article, "https://gazette.example/1", &article)
        .expect("article");
    let thread = serde_json::to_string(&testdata::thread()).expect("json");
    store
        .put_cached(CacheKind::Comments, "https://gazette.example/3", &thread)
        .expect("comments");
    let list = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("list");
    (store, AppState::new(list, (80, 24)))
}

/// The store's worker, its events in a channel, as the app runs it.
fn worker(store: Store, name: &str) -> (StoreWorker, Receiver<StoreEvent>, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("herald-archive-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (tx, rx) = channel();
    let names = crate::store::FeedNames::default();
    let worker = StoreWorker::start(
        store,
        dir.clone(),
        vec![FEED.to_string()],
        names,
        move |e| {
            let _ = tx.send(e);
        },
    )
    .expect("worker");
    (worker, rx, dir)
}

/// Types `S`, the query and Enter, runs the effect through the worker, and delivers its answer.
fn search(s: &mut AppState, worker: &StoreWorker, rx: &Receiver<StoreEvent>, query: &str) {
    type_keys(s, "S");
    type_keys(s, query);
    let effects = press(s, KeyCode::Enter);
    let [Effect::SearchArchive { asked, query }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(matches!(
        s.archive.as_ref().map(|a| &a.results),
        Some(Loadable::Loading)
    ));
    worker.send(StoreCommand::Search {
        asked: *asked,
        query: query.clone(),
    });
    loop {
        let event = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the worker answers");
        if let StoreEvent::Found { asked, result } = event {
            update(s, Msg::ArchiveFound { asked, result });
            return;
        }
    }
}

fn found(s: &AppState) -> Vec<(String, Place)> {
    let hits = s
        .archive
        .as_ref()
        .and_then(|a| a.results.loaded())
        .expect("results");
    hits.iter()
        .map(|h| (h.headline.title.clone(), h.place))
        .collect()
}

#[test]
fn words_of_a_summary_an_article_and_comments_are_found_and_opened() {
    let (store, mut s) = archive();
    let (worker, rx, dir) = worker(store, "found");
    search(&mut s, &worker, &rx, "ochre");
    assert_eq!(
        found(&s),
        vec![(s.headline_at(1).expect("listed").title, Place::Summary)]
    );
    search(&mut s, &worker, &rx, "sailings");
    assert_eq!(
        found(&s),
        vec![(s.headline_at(0).expect("listed").title, Place::Article)]
    );
    search(&mut s, &worker, &rx, "heated");
    assert_eq!(
        found(&s),
        vec![(s.headline_at(2).expect("listed").title, Place::Comments)]
    );
    assert!(s.status.starts_with("1 found for heated"), "{}", s.status);
    // Enter opens the result, as its headline would open.
    let effects = key(&mut s, Action::Open);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { url, .. }
            if url == "https://gazette.example/3")),
        "{effects:?}"
    );
    assert_eq!(s.focus, Focus::Article);
    // Back shows the results again; back once more, the list.
    key(&mut s, Action::Back);
    assert!(s.archive.is_some());
    key(&mut s, Action::Back);
    assert!(s.archive.is_none() && !s.quit);
    search(&mut s, &worker, &rx, "heated AND");
    let failed = s.archive.as_ref().map(|a| a.results.clone());
    let Some(Loadable::Failed(e)) = failed else {
        panic!("{failed:?}");
    };
    assert!(
        e.starts_with("the search `heated AND` is not understood"),
        "{e}"
    );
    worker.finish();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_answer_to_an_earlier_search_is_dropped() {
    let (_, mut s) = archive();
    type_keys(&mut s, "Sferry");
    press(&mut s, KeyCode::Enter);
    type_keys(&mut s, "Spier");
    let effects = press(&mut s, KeyCode::Enter);
    let [Effect::SearchArchive { asked, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    update(
        &mut s,
        Msg::ArchiveFound {
            asked: asked - 1,
            result: Ok(Vec::new()),
        },
    );
    assert!(matches!(
        s.archive.as_ref().map(|a| &a.results),
        Some(Loadable::Loading)
    ));
    // Results that come after the reader went back to the list are dropped too.
    key(&mut s, Action::Back);
    update(
        &mut s,
        Msg::ArchiveFound {
            asked: *asked,
            result: Ok(Vec::new()),
        },
    );
    assert!(s.archive.is_none());
}

#[test]
fn results_move_with_the_keys_and_leave_the_list_alone() {
    let (store, mut s) = archive();
    let (worker, rx, dir) = worker(store, "keys");
    search(&mut s, &worker, &rx, "the");
    let total = found(&s).len();
    assert!(total >= 3, "{total}");
    key(&mut s, Action::Bottom);
    assert_eq!(s.archive.as_ref().map(|a| a.selected), Some(total - 1));
    key(&mut s, Action::Up);
    assert_eq!(s.archive.as_ref().map(|a| a.selected), Some(total - 2));
    // The wheel over them moves through the results, not the list under them.
    let before = s.selected;
    update(
        &mut s,
        Msg::Mouse(MouseEvent {
            kind: crossterm::event::MouseEventKind::ScrollUp,
            column: 10,
            row: 4,
            modifiers: KeyModifiers::NONE,
        }),
    );
    let moved = s.archive.as_ref().map(|a| a.selected);
    assert!(moved < Some(total - 2), "{moved:?}");
    assert_eq!(s.selected, before);
    key(&mut s, Action::ToggleRead);
    assert_eq!(s.selected, before);
    assert!(s.unsaved_marks.is_empty(), "the hidden list is not marked");
    for action in [
        Action::MarkFeedRead,
        Action::MarkViewRead,
        Action::NextUnread,
        Action::UnreadOnly,
        Action::QueueAll,
    ] {
        assert!(key(&mut s, action).is_empty(), "{action:?}");
        assert_eq!(s.status, "Esc goes back to the list first", "{action:?}");
    }
    assert!(s.unsaved_marks.is_empty() && s.open.is_none() && s.queue.items.is_empty());
    assert!(!s.filter.active());
    worker.finish();
    let _ = std::fs::remove_dir_all(dir);
}
