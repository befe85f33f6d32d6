use super::*;
use chrono::TimeZone;

/// Item `n` of feed `feed`, published a minute after item `n - 1`; shared by the store's tests.
pub(super) fn item(feed: usize, n: i64) -> FeedItem {
    let link = format!("https://feed{feed}.example/{n}");
    FeedItem {
        key: link.clone(),
        link: Some(link),
        title: format!("Story {n} of feed {feed}"),
        author: None,
        // Two feeds publish at the same times: ties are broken by id.
        published: chrono::Utc
            .timestamp_opt(1_790_000_000 + n * 60, 0)
            .single(),
        summary: None,
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

/// Two feeds of `per_feed` items each.
pub(super) fn two_feeds(per_feed: i64) -> (Store, Vec<String>) {
    let mut store = Store::in_memory().expect("store");
    let urls = vec![
        "https://feed0.example/rss".to_string(),
        "https://feed1.example/rss".to_string(),
    ];
    let feeds = store.sync_feeds(&urls).expect("feeds");
    for (i, feed) in feeds.iter().enumerate() {
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(format!("Feed {i}")),
            validators: Validators::default(),
            items: (0..per_feed).map(|n| item(i, n)).collect(),
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    (store, urls)
}

#[test]
fn a_first_page_is_the_start_of_the_whole_list() {
    let (store, urls) = two_feeds(30);
    let all = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("all");
    assert_eq!(all.len(), 60);
    assert!(
        all.windows(2)
            .all(|w| (&w[0].published, w[0].id) > (&w[1].published, w[1].id)),
        "newest first, ties by id"
    );
    let first_page = HeadlineQuery {
        limit: Some(7),
        ..HeadlineQuery::default()
    };
    let page = store.headlines(&urls, &first_page).expect("page");
    assert_eq!(page, all[..7]);
    let one_feed = HeadlineQuery {
        feed: Some("Feed 1".to_string()),
        limit: Some(5),
        ..HeadlineQuery::default()
    };
    let feed = store.headlines(&urls, &one_feed).expect("one feed");
    let expected: Vec<_> = all
        .iter()
        .filter(|h| &*h.feed == "Feed 1")
        .take(5)
        .collect();
    assert_eq!(feed.iter().collect::<Vec<_>>(), expected);
}

#[test]
fn headlines_of_one_feed_share_its_name_and_url() {
    let (store, urls) = two_feeds(3);
    let all = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("all");
    let of = |name: &str| -> Vec<&Headline> { all.iter().filter(|h| &*h.feed == name).collect() };
    let (a, b) = (of("Feed 0"), of("Feed 1"));
    assert_eq!((a.len(), b.len()), (3, 3));
    assert!(a.iter().all(|h| Arc::ptr_eq(&h.feed, &a[0].feed)));
    assert!(a.iter().all(|h| Arc::ptr_eq(&h.feed_url, &a[0].feed_url)));
    assert_eq!(&*b[0].feed_url, "https://feed1.example/rss");
}

#[test]
fn the_lists_fingerprint_changes_with_marks_and_items_only() {
    let (mut store, urls) = two_feeds(3);
    let ids: Vec<i64> = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("all")
        .iter()
        .map(|h| h.id)
        .collect();
    let before = store.list_fingerprint().expect("fingerprint");
    store
        .put_cached(CacheKind::Article, "https://feed0.example/0", "{}")
        .expect("cache");
    assert_eq!(store.list_fingerprint().expect("fingerprint"), before);
    store.set_read(ids[0], true).expect("read");
    let one = store.list_fingerprint().expect("fingerprint");
    assert_ne!(one, before);
    store.set_read(ids[0], false).expect("unread");
    store.set_starred(ids[1], true).expect("star");
    assert_ne!(store.list_fingerprint().expect("fingerprint"), before);
    store.set_starred(ids[1], false).expect("unstar");
    assert_eq!(store.list_fingerprint().expect("fingerprint"), before);
    let feeds = store.sync_feeds(&urls).expect("feeds");
    let update = FeedUpdate::Fresh {
        feed_url: None,
        title: None,
        validators: Validators::default(),
        items: vec![item(0, 99)],
    };
    store.write_feed(feeds[0].id, &update).expect("write");
    assert_ne!(store.list_fingerprint().expect("fingerprint"), before);
}

#[test]
fn counts_cover_the_whole_list_and_its_unread() {
    let (store, urls) = two_feeds(4);
    let all = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("all");
    store.set_read(all[0].id, true).expect("read");
    store.set_read(all[5].id, true).expect("read");
    let counts = store
        .headline_counts(&urls, &HeadlineQuery::default())
        .expect("counts");
    assert_eq!(
        counts,
        HeadlineCounts {
            total: 8,
            unread: 6
        }
    );
    let none = store
        .headline_counts(&[], &HeadlineQuery::default())
        .expect("counts");
    assert_eq!(none, HeadlineCounts::default());
}
