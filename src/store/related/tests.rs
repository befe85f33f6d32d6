use chrono::TimeZone;

use super::super::FeedUpdate;
use super::*;
use crate::net::Validators;
use crate::source::feed::FeedItem;

const NOW: i64 = 1_800_000_000;

fn item(link: &str, title: &str, summary: &str, hours_ago: i64) -> FeedItem {
    FeedItem {
        key: link.to_string(),
        link: Some(link.to_string()),
        title: title.to_string(),
        author: None,
        published: chrono::Utc
            .timestamp_opt(NOW - hours_ago * 3_600, 0)
            .single(),
        summary: Some(summary.to_string()),
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

const STORY: (&str, &str) = (
    "Kestrel Bridge shut after engineers find cracks in its span",
    "The Kestrel Bridge over the Alde closed to traffic after inspectors found cracks in the steel.",
);
const RETOLD: (&str, &str) = (
    "Cracked Kestrel span closes the Alde crossing",
    "Engineers discovered cracks in the steel of Kestrel Bridge, and the county closed it to traffic.",
);

/// Feeds a, b and c; the story in a, told again by b, and unrelated items everywhere.
fn archive(retold: Vec<(&str, &str, i64)>) -> (Store, Vec<String>) {
    let mut store = Store::in_memory().expect("store");
    let urls: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|f| format!("https://{f}.example/rss"))
        .collect();
    let feeds = store.sync_feeds(&urls).expect("feeds");
    let filler = [
        ("Library opens on Sundays", "Families asked for it."),
        ("Choir sings for a new roof", "Twelve hours of song."),
        (
            "Bus fares frozen",
            "The authority cites the cost of living.",
        ),
        ("Harbour master retires", "Forty years on the quay."),
    ];
    for (n, feed) in feeds.iter().enumerate() {
        let mut items: Vec<FeedItem> = filler
            .iter()
            .enumerate()
            .map(|(i, (t, s))| item(&format!("https://f{n}.example/{i}"), t, s, 5))
            .collect();
        if n == 0 {
            items.push(item("https://a.example/story", STORY.0, STORY.1, 0));
        }
        for (feed_name, link, hours) in &retold {
            if *feed_name == ["a", "b", "c"][n] {
                items.push(item(link, RETOLD.0, RETOLD.1, *hours));
            }
        }
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(format!("Feed {n}")),
            validators: Validators::default(),
            items,
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    (store, urls)
}

fn related_links(store: &Store, urls: &[String]) -> Vec<String> {
    let id = store
        .item_by_link("https://a.example/story")
        .expect("read")
        .expect("item")
        .id;
    store
        .related_to_item(urls, id, RELATED_LIMIT)
        .expect("related")
        .into_iter()
        .map(|r| r.headline.link.unwrap_or_default())
        .collect()
}

#[test]
fn the_same_story_in_another_feed_is_found() {
    let (store, urls) = archive(vec![("b", "https://b.example/retold", 3)]);
    assert_eq!(related_links(&store, &urls), ["https://b.example/retold"]);
}

#[test]
fn the_story_s_own_feed_is_not_other_coverage() {
    let (store, urls) = archive(vec![("a", "https://a.example/retold", 3)]);
    assert_eq!(related_links(&store, &urls), Vec::<String>::new());
}

#[test]
fn coverage_days_apart_is_another_story() {
    let (store, urls) = archive(vec![("b", "https://b.example/retold", 24 * 10)]);
    assert_eq!(related_links(&store, &urls), Vec::<String>::new());
}

#[test]
fn the_same_article_reached_another_way_is_not_shown() {
    let (store, urls) = archive(vec![
        ("b", "http://www.a.example/story/?from=b", 3),
        ("c", "https://c.example/retold", 3),
        ("c", "https://c.example/retold/#again", 2),
    ]);
    assert_eq!(related_links(&store, &urls), ["https://c.example/retold"]);
}

#[test]
fn feeds_no_longer_subscribed_are_left_out() {
    let (store, urls) = archive(vec![("b", "https://b.example/retold", 3)]);
    let without_b = [urls[0].clone(), urls[2].clone()];
    assert_eq!(related_links(&store, &without_b), Vec::<String>::new());
}

#[test]
fn a_story_alone_shows_nothing() {
    let (store, urls) = archive(Vec::new());
    assert_eq!(related_links(&store, &urls), Vec::<String>::new());
    assert_eq!(
        store
            .related_to_item(&urls, -1, RELATED_LIMIT)
            .expect("related"),
        vec![]
    );
}
