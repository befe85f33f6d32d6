use chrono::TimeZone;

use super::super::{FeedUpdate, MIGRATIONS};
use super::*;
use crate::net::Validators;
use crate::source::feed::FeedItem;

const NOW: i64 = 1_800_000_000;
const FEED: &str = "https://news.example/rss";

fn item(n: i64, title: &str, summary: Option<&str>, days_old: i64) -> FeedItem {
    let link = format!("https://news.example/{n}");
    FeedItem {
        key: link.clone(),
        link: Some(link),
        title: title.to_string(),
        author: Some("Ada Writer".to_string()),
        published: chrono::Utc
            .timestamp_opt(NOW - days_old * 86_400, 0)
            .single(),
        summary: summary.map(str::to_string),
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

fn write(store: &mut Store, items: Vec<FeedItem>) {
    let feeds = store.sync_feeds(&[FEED.to_string()]).expect("feeds");
    let update = FeedUpdate::Fresh {
        feed_url: None,
        title: Some("Harbour News".to_string()),
        validators: Validators::default(),
        items,
    };
    store.write_feed(feeds[0].id, &update).expect("write");
}

fn article_json(paragraphs: &[&str]) -> String {
    serde_json::json!({
        "url": "https://news.example/1", "title": "t", "byline": null, "published": null,
        "site_name": null, "content_html": "", "paragraphs": paragraphs, "links": [],
        "narration": null
    })
    .to_string()
}

fn comments_json(text: &str) -> String {
    serde_json::json!({
        "source": null,
        "comments": [{"id": "1", "parent": null, "depth": 0, "author": "kim",
                      "date": null, "text": text}]
    })
    .to_string()
}

fn search(store: &Store, text: &str) -> Vec<(i64, Place)> {
    let q = SearchQuery {
        text: text.to_string(),
        limit: 20,
        ..SearchQuery::default()
    };
    store
        .search(&[FEED.to_string()], &q, NOW)
        .expect("search")
        .iter()
        .map(|h| (h.headline.id, h.place))
        .collect()
}

fn archive() -> (Store, Vec<i64>) {
    let mut store = Store::in_memory().expect("store");
    write(
        &mut store,
        vec![
            item(1, "Ferry timetable changes", Some("The winter schedule"), 1),
            item(
                2,
                "Harbour wall repaired",
                Some("Masons used lime mortar"),
                2,
            ),
            item(3, "Council meets", None, 3),
        ],
    );
    store
        .put_cached(
            CacheKind::Article,
            "https://news.example/1",
            &article_json(&["The captain spoke of cormorants nesting."]),
        )
        .expect("article");
    store
        .put_cached(
            CacheKind::Comments,
            "https://news.example/3",
            &comments_json("I remember the old lighthouse keeper."),
        )
        .expect("comments");
    let ids = (1..=3)
        .map(|n| {
            store
                .item_by_link(&format!("https://news.example/{n}"))
                .expect("read")
                .expect("item")
                .id
        })
        .collect();
    (store, ids)
}

#[test]
fn words_are_found_where_they_are() {
    let (store, ids) = archive();
    assert_eq!(search(&store, "cormorants"), vec![(ids[0], Place::Article)]);
    assert_eq!(
        search(&store, "lighthouse"),
        vec![(ids[2], Place::Comments)]
    );
    assert_eq!(search(&store, "mortar"), vec![(ids[1], Place::Summary)]);
    assert_eq!(search(&store, "ferry"), vec![(ids[0], Place::Title)]);
    assert_eq!(
        search(&store, "harbour").len(),
        3,
        "the feed's name is searched"
    );
    assert_eq!(
        search(&store, "paragraphs OR depth"),
        vec![],
        "JSON is not indexed"
    );
}

#[test]
fn phrases_prefixes_and_not_work() {
    let (store, ids) = archive();
    assert_eq!(search(&store, "\"lime mortar\"").len(), 1);
    assert_eq!(search(&store, "\"mortar lime\"").len(), 0);
    assert_eq!(search(&store, "cormor*"), vec![(ids[0], Place::Article)]);
    let not: Vec<i64> = search(&store, "writer NOT ferry")
        .iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(not.len(), 2);
    assert!(!not.contains(&ids[0]));
    assert_eq!(search(&store, "ferry OR mortar").len(), 2);
}

#[test]
fn a_snippet_marks_the_matched_words() {
    let (store, _) = archive();
    let q = SearchQuery {
        text: "cormorants".to_string(),
        limit: 5,
        ..SearchQuery::default()
    };
    let hits = store.search(&[FEED.to_string()], &q, NOW).expect("search");
    let marked: Vec<&str> = hits[0]
        .snippet
        .iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(marked, ["cormorants"]);
}

#[test]
fn a_malformed_query_is_a_typed_error() {
    let (store, _) = archive();
    for bad in [
        "ferry AND",
        "\"unclosed",
        "(ferry",
        "nosuchcolumn:ferry",
        "  ",
    ] {
        let q = SearchQuery {
            text: bad.to_string(),
            limit: 5,
            ..SearchQuery::default()
        };
        let nothing_subscribed = store.search(&[], &q, NOW);
        assert!(matches!(
            nothing_subscribed,
            Err(SearchError::Malformed { .. })
        ));
        match store.search(&[FEED.to_string()], &q, NOW) {
            Err(e @ SearchError::Malformed { .. }) => {
                let line = e.to_string();
                assert!(line.starts_with(&format!("the search `{bad}` is not understood: ")));
                assert!(!line.contains('\n'), "{line}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn newer_items_rank_first_among_equals() {
    let mut store = Store::in_memory().expect("store");
    write(
        &mut store,
        vec![
            item(1, "Tide report", None, 200),
            item(2, "Tide report", None, 1),
            item(3, "Tide report", None, 30),
        ],
    );
    let order: Vec<i64> = search(&store, "tide").iter().map(|h| h.0).collect();
    let id = |n: i64| {
        store
            .item_by_link(&format!("https://news.example/{n}"))
            .expect("read")
            .expect("item")
            .id
    };
    assert_eq!(order, vec![id(2), id(3), id(1)]);
}

/// Every match (of the feed `feed_id`, if given) ranked in SQL, the order the search must
/// give.
fn ranked_in_sql(store: &Store, q: &SearchQuery, feed_id: Option<i64>) -> Vec<i64> {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT search.rowid FROM search JOIN items i ON i.id = search.rowid
             WHERE search MATCH ?1 AND i.sort_time >= ?2 AND (?3 = 0 OR i.read = 0)
               AND (?6 IS NULL OR i.feed_id = ?6)
             ORDER BY bm25(search, 4.0, 2.0, 1.0, 1.0, 1.0, 1.0)
                        / (1.0 + MAX(0, ?4 - i.sort_time) / 7776000.0),
                      i.sort_time DESC, i.id DESC
             LIMIT ?5",
        )
        .expect("prepare");
    let rows = stmt
        .query_map(
            params![
                q.text,
                q.since.unwrap_or(i64::MIN),
                q.unread_only,
                NOW,
                q.limit as i64,
                feed_id
            ],
            |r| r.get(0),
        )
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

#[test]
fn results_rank_as_bm25_over_age_with_the_newest_first_among_equals() {
    let words = ["tide", "ferry", "quay", "storm", "gull", "harbour", "mast"];
    let mut store = Store::in_memory().expect("store");
    let items: Vec<FeedItem> = (0..150)
        .map(|n: usize| {
            let word = |k: usize| words[(n * k + n / 7) % words.len()];
            let title = format!("{} {} {}", word(1), word(3), word(5));
            let summary = format!("{} {} {} {}", word(2), word(4), word(2), word(6));
            // Ages repeat, so many matches tie and go newest first, then by id.
            let days_old = (n % 40) as i64 * 5 - 10;
            item(n as i64, &title, Some(&summary), days_old)
        })
        .collect();
    write(&mut store, items);
    for id in (1..150).step_by(4) {
        store.set_read(id, true).expect("read");
    }
    for text in [
        "tide",
        "gull OR mast",
        "qu*",
        "\"storm gull\"",
        "harbour NOT ferry",
    ] {
        for (limit, since, unread_only) in [
            (1, None, false),
            (20, None, false),
            (500, None, false),
            (10, Some(NOW - 60 * 86_400), false),
            (10, None, true),
        ] {
            let q = SearchQuery {
                text: text.to_string(),
                feed: None,
                since,
                unread_only,
                limit,
            };
            let found: Vec<i64> = store
                .search(&[FEED.to_string()], &q, NOW)
                .expect("search")
                .iter()
                .map(|h| h.headline.id)
                .collect();
            let expected = ranked_in_sql(&store, &q, None);
            assert!(!expected.is_empty(), "{text}");
            assert_eq!(
                found, expected,
                "{text}, limit {limit}, {since:?}, {unread_only}"
            );
        }
    }
}

#[test]
fn a_named_feed_keeps_its_own_matches_in_rank_order() {
    let mut store = Store::in_memory().expect("store");
    let other = "https://other.example/rss".to_string();
    let feeds = store
        .sync_feeds(&[FEED.to_string(), other.clone()])
        .expect("feeds");
    for (n, feed) in feeds.iter().enumerate() {
        let items = (0..30)
            .map(|k: i64| {
                let mut it = item(
                    k,
                    &format!("Tide {} ferry", if k % 3 == 0 { "tide" } else { "quay" }),
                    Some(&"tide ".repeat(1 + (k % 4) as usize)),
                    k * 7 % 50,
                );
                it.key = format!("{n}-{k}");
                it
            })
            .collect();
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(["Harbour News", "Other Desk"][n].to_string()),
            validators: Validators::default(),
            items,
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    let q = SearchQuery {
        text: "tide".to_string(),
        feed: Some("other desk".to_string()),
        limit: 12,
        ..SearchQuery::default()
    };
    let found: Vec<i64> = store
        .search(&[FEED.to_string(), other], &q, NOW)
        .expect("search")
        .iter()
        .map(|h| h.headline.id)
        .collect();
    let expected = ranked_in_sql(&store, &q, Some(feeds[1].id));
    assert_eq!(expected.len(), 12);
    assert_eq!(found, expected);
}

#[test]
fn filters_narrow_the_results() {
    let (store, ids) = archive();
    store.set_read(ids[1], true).expect("read");
    let q = |unread_only, since, feed: Option<&str>| SearchQuery {
        text: "writer".to_string(),
        feed: feed.map(str::to_string),
        since,
        unread_only,
        limit: 10,
    };
    let count = |q: SearchQuery| store.search(&[FEED.to_string()], &q, NOW).expect("s").len();
    assert_eq!(count(q(false, None, None)), 3);
    assert_eq!(count(q(true, None, None)), 2);
    assert_eq!(count(q(false, Some(NOW - 2 * 86_400 - 10), None)), 2);
    assert_eq!(count(q(false, None, Some("harbour news"))), 3);
    assert_eq!(count(q(false, None, Some("other"))), 0);
    assert_eq!(
        store.search(&[], &q(false, None, None), NOW).expect("s"),
        vec![]
    );
}

#[test]
fn the_index_follows_changes_and_deletions() {
    let (mut store, ids) = archive();
    // The refresh brings the first item again, renamed.
    let mut renamed = item(1, "Ferry cancelled", Some("The winter schedule"), 1);
    renamed.summary = Some("Storm warning".to_string());
    write(&mut store, vec![renamed]);
    assert_eq!(search(&store, "timetable"), vec![]);
    assert_eq!(search(&store, "storm"), vec![(ids[0], Place::Summary)]);
    assert_eq!(search(&store, "cormorants").len(), 1, "the article stays");
    // The feed takes a new name.
    let feeds = store.sync_feeds(&[FEED.to_string()]).expect("feeds");
    let renamed = FeedUpdate::Fresh {
        feed_url: None,
        title: Some("Quayside Times".to_string()),
        validators: Validators::default(),
        items: Vec::new(),
    };
    store.write_feed(feeds[0].id, &renamed).expect("write");
    let by_feed = search(&store, "quayside");
    assert_eq!(by_feed.len(), 3);
    assert!(by_feed.iter().all(|(_, place)| *place == Place::Feed));
    // Retention takes the read item its feed no longer lists.
    store.set_read(ids[1], true).expect("read");
    store
        .conn
        .execute(
            "UPDATE items SET seen_at = seen_at - 10 WHERE id = ?1",
            [ids[1]],
        )
        .expect("listed earlier");
    let retention = crate::config::RetentionConfig {
        keep_days: 1,
        ..Default::default()
    };
    let gone = store.expire_items(&retention, NOW).expect("expire");
    assert_eq!(gone, 1);
    assert_eq!(search(&store, "mortar"), vec![]);
    let count: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM search", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 2);
    // The index agrees with its text, and stays whole when `cache --trim` merges it.
    let check = "INSERT INTO search (search) VALUES ('integrity-check')";
    store.conn.execute(check, []).expect("integrity");
    store.compact().expect("compact");
    store.conn.execute(check, []).expect("integrity");
    assert_eq!(search(&store, "storm"), vec![(ids[0], Place::Summary)]);
}

#[test]
fn a_new_item_linking_to_a_saved_article_takes_its_text() {
    let (mut store, ids) = archive();
    let other = "https://other.example/rss".to_string();
    let feeds = store
        .sync_feeds(&[FEED.to_string(), other.clone()])
        .expect("feeds");
    let mut again = item(1, "Ferry news elsewhere", None, 1);
    again.key = "elsewhere".to_string();
    let update = FeedUpdate::Fresh {
        feed_url: None,
        title: Some("Other".to_string()),
        validators: Validators::default(),
        items: vec![again],
    };
    store.write_feed(feeds[1].id, &update).expect("write");
    let q = SearchQuery {
        text: "cormorants".to_string(),
        limit: 5,
        ..SearchQuery::default()
    };
    let found: Vec<(i64, Place)> = store
        .search(&[FEED.to_string(), other], &q, NOW)
        .expect("search")
        .iter()
        .map(|h| (h.headline.id, h.place))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&(ids[0], Place::Article)));
    assert!(found.iter().all(|(_, place)| *place == Place::Article));
}

#[test]
fn a_schema_5_database_is_indexed_when_it_migrates() {
    let dir = std::env::temp_dir().join(format!("herald-search-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("herald.db");
    {
        let conn = Connection::open(&path).expect("open");
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).expect("migration");
        }
        conn.pragma_update(None, "user_version", 5)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO feeds (id, url, title) VALUES (1, 'https://news.example/rss', 'Old Feed');
             INSERT INTO items (id, feed_id, key, link, title, summary, sort_time)
             VALUES (7, 1, 'a', 'https://news.example/a', 'Quay opened', 'Bunting everywhere', 1),
                    (8, 1, 'b', 'https://news.example/b', 'Other', NULL, 2);",
        )
        .expect("rows");
        conn.execute(
            "INSERT INTO articles (url, json, fetched_at) VALUES ('https://news.example/b', ?1, 0)",
            [article_json(&["A walrus was seen."])],
        )
        .expect("article");
        conn.execute(
            "INSERT INTO comments (url, json, fetched_at) VALUES ('https://news.example/a', ?1, 0)",
            [comments_json("Splendid fireworks")],
        )
        .expect("comments");
    }
    let store = Store::open_at(&path).expect("migrates");
    assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
    assert_eq!(search(&store, "bunting"), vec![(7, Place::Summary)]);
    assert_eq!(search(&store, "walrus"), vec![(8, Place::Article)]);
    assert_eq!(search(&store, "fireworks"), vec![(7, Place::Comments)]);
    assert_eq!(search(&store, "\"old feed\"").len(), 2);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snippets_split_at_their_marks() {
    assert_eq!(
        split_snippet("a \u{2}b\u{3} c"),
        vec![
            ("a ".to_string(), false),
            ("b".to_string(), true),
            (" c".to_string(), false)
        ]
    );
}
