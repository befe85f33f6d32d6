use std::time::Duration;

use super::{Heard, Resume, listened};
use crate::net::Validators;
use crate::source::feed::FeedItem;
use crate::store::{FeedUpdate, Store};

const ARTICLE: &str = "https://news.example/harbour";
const RECORDING: &str = "https://news.example/harbour.mp3";

fn item(n: u32) -> FeedItem {
    let link = if n == 0 {
        ARTICLE.to_string()
    } else {
        format!("https://news.example/{n}")
    };
    FeedItem {
        key: link.clone(),
        link: Some(link),
        title: format!("Story {n}"),
        author: None,
        published: None,
        summary: None,
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

/// A store holding one feed of `n` items; returns it with the items' ids, in order.
fn store_with(n: u32) -> (Store, Vec<i64>) {
    let mut store = Store::in_memory().expect("store");
    let id = store
        .sync_feeds(&["https://news.example/rss".into()])
        .expect("feeds")[0]
        .id;
    let update = FeedUpdate::Fresh {
        feed_url: None,
        title: Some("News".into()),
        validators: Validators::default(),
        items: (0..n).map(item).collect(),
    };
    store.write_feed(id, &update).expect("write");
    let ids = (0..n)
        .map(|i| {
            let link = item(i).link.unwrap_or_default();
            store.item_by_link(&link).expect("item").expect("there").id
        })
        .collect();
    (store, ids)
}

fn marks(store: &Store) -> (bool, bool) {
    store
        .conn
        .query_row(
            "SELECT read, listened FROM items WHERE link = ?1",
            [ARTICLE],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("item")
}

fn at(seconds: u64, listened: bool) -> Resume {
    Resume {
        heard: Heard::Recording {
            url: RECORDING.into(),
        },
        position: Duration::from_secs(seconds),
        length: Some(Duration::from_secs(260)),
        listened,
    }
}

#[test]
fn a_position_is_kept_and_playing_again_starts_there() {
    let (mut store, _) = store_with(1);
    assert_eq!(store.position(ARTICLE).expect("read"), None);
    assert!(
        !store
            .save_position(ARTICLE, &at(60, false), true)
            .expect("save")
    );
    let resume = store.position(ARTICLE).expect("read").expect("kept");
    assert_eq!(resume, at(60, false));
    let heard = Heard::Recording {
        url: RECORDING.into(),
    };
    assert_eq!(resume.start(), Some((&heard, Duration::from_secs(60))));
    // Later, further on: the newer position replaces it.
    store
        .save_position(ARTICLE, &at(75, false), true)
        .expect("save");
    let resume = store.position(ARTICLE).expect("read").expect("kept");
    assert_eq!(resume.position, Duration::from_secs(75));
    assert_eq!(marks(&store), (false, false));
    store.forget_position(ARTICLE).expect("forget");
    assert_eq!(store.position(ARTICLE).expect("read"), None);
}

#[test]
fn speech_resumes_at_its_part() {
    let (mut store, _) = store_with(1);
    let resume = Resume {
        heard: Heard::Speech { part: 7 },
        position: Duration::from_millis(1500),
        length: None,
        listened: false,
    };
    store.save_position(ARTICLE, &resume, true).expect("save");
    let kept = store.position(ARTICLE).expect("read").expect("kept");
    assert_eq!(kept, resume);
    assert_eq!(
        kept.start(),
        Some((&Heard::Speech { part: 7 }, Duration::from_millis(1500)))
    );
}

#[test]
fn heard_nearly_to_the_end_is_listened_and_read_and_starts_again_from_the_top() {
    let length = Some(Duration::from_secs(260));
    assert!(!listened(Duration::from_secs(233), length, false));
    assert!(listened(Duration::from_secs(234), length, false));
    assert!(listened(Duration::from_secs(3), None, true));
    assert!(!listened(Duration::from_secs(3), None, false));

    let (mut store, _) = store_with(1);
    assert!(
        store
            .save_position(ARTICLE, &at(250, true), true)
            .expect("save")
    );
    assert_eq!(marks(&store), (true, true));
    // Only the first time counts as becoming listened.
    assert!(
        !store
            .save_position(ARTICLE, &at(255, true), true)
            .expect("save")
    );
    let resume = store.position(ARTICLE).expect("read").expect("kept");
    assert_eq!(resume.start(), None);
}

#[test]
fn listened_leaves_the_read_mark_alone_when_asked_to() {
    let (mut store, _) = store_with(1);
    store
        .save_position(ARTICLE, &at(259, true), false)
        .expect("save");
    assert_eq!(marks(&store), (false, true));
}

#[test]
fn the_queue_keeps_its_order_and_what_was_playing() {
    let (mut store, ids) = store_with(4);
    assert_eq!(store.queue().expect("queue"), (vec![], None));
    let order = vec![ids[2], ids[0], ids[3]];
    store.set_queue(&order, Some(1)).expect("set");
    assert_eq!(store.queue().expect("queue"), (order, Some(1)));
    // An item that no longer exists is left out; a deleted item leaves the queue.
    store
        .set_queue(&[ids[1], 9_999, ids[3]], None)
        .expect("set");
    store
        .conn
        .execute("DELETE FROM items WHERE id = ?1", [ids[1]])
        .expect("delete");
    assert_eq!(store.queue().expect("queue"), (vec![ids[3]], None));
}

#[test]
fn positions_go_with_their_items() {
    let (mut store, _) = store_with(1);
    store
        .save_position(ARTICLE, &at(60, false), true)
        .expect("save");
    store.delete_unsubscribed(&[]).expect("delete");
    assert_eq!(store.position(ARTICLE).expect("read"), None);
}

#[test]
fn the_queue_reads_back_as_headlines_in_its_order_and_shows_what_was_listened() {
    let (mut store, ids) = store_with(3);
    let subscribed = vec!["https://news.example/rss".to_string()];
    store
        .set_queue(&[ids[2], ids[0], ids[1]], Some(1))
        .expect("queue");
    store
        .save_position(ARTICLE, &at(250, true), true)
        .expect("save");
    let (queued, current) = store.queued_headlines(&subscribed).expect("read");
    let order: Vec<i64> = queued.iter().map(|h| h.id).collect();
    assert_eq!(order, vec![ids[2], ids[0], ids[1]]);
    assert_eq!(current, Some(1));
    assert!(queued[1].listened && queued[1].read, "{:?}", queued[1]);
    assert!(!queued[0].listened && !queued[0].read);
    // Not subscribed any more: not in the queue.
    let (none, current) = store.queued_headlines(&[]).expect("read");
    assert!(none.is_empty() && current.is_none());
}
