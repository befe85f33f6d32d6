//! What the store stops keeping: the items of feeds no longer subscribed, and read, unstarred
//! items past `[retention]`, each with its saved article, comments and recording length (those
//! are keyed by the item's link and recording URL, and kept while another item still has them).
//!
//! An item's age is its `sort_time`: the date it was published, or when herald first saw it when
//! the feed gives none. That is the date the list shows and sorts by, so "older than 90 days" is
//! what the reader sees; the time herald first saw it would make a newly added feed's old items
//! young. Either way, an item the feed still lists is never deleted: the next refresh would bring
//! it back unread. `seen_at`, written by every fetch that lists the item, tells which those are:
//! the items of a feed's latest listing share its greatest `seen_at`. (It counts in seconds: an
//! item dropped by a fetch in the same second as the one before waits for a later fetch.)

use rusqlite::{Transaction, TransactionBehavior};

use super::{Store, StoreError};
use crate::config::RetentionConfig;

const DAY: i64 = 24 * 60 * 60;

impl Store {
    /// Deletes the feeds whose URL is not in `subscribed`, with all their items (starred ones
    /// too: nothing shows them any more) and what was saved for those items. Returns how many
    /// items went. One short write transaction.
    pub fn delete_unsubscribed(&mut self, subscribed: &[String]) -> Result<usize, StoreError> {
        let subscribed = json(subscribed)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let gone = deleted(
            &tx,
            "DELETE FROM items WHERE feed_id IN
                (SELECT id FROM feeds WHERE url NOT IN (SELECT value FROM json_each(?1)))
             RETURNING link, audio_url",
            rusqlite::params![subscribed],
        )?;
        tx.execute(
            "DELETE FROM feeds WHERE url NOT IN (SELECT value FROM json_each(?1))",
            [&subscribed],
        )?;
        forget_saved(&tx, &gone)?;
        tx.commit()?;
        Ok(gone.len())
    }

    /// Deletes the read, unstarred items that are older than `keep_days` before `now` (unix
    /// seconds), or beyond a feed's newest `max_items`, and no longer listed by their feed.
    /// Returns how many went. One short write transaction.
    pub fn expire_items(
        &mut self,
        retention: &RetentionConfig,
        now: i64,
    ) -> Result<usize, StoreError> {
        if retention.keep_days == 0 && retention.max_items == 0 {
            return Ok(0);
        }
        let cutoff = now.saturating_sub(i64::from(retention.keep_days) * DAY);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let gone = deleted(
            &tx,
            "WITH listed AS (SELECT feed_id, MAX(seen_at) AS seen_at FROM items GROUP BY feed_id),
                  ranked AS (SELECT id, feed_id, seen_at, sort_time, read, starred,
                                    ROW_NUMBER() OVER (PARTITION BY feed_id
                                                       ORDER BY sort_time DESC, id DESC) AS rank
                             FROM items)
             DELETE FROM items WHERE id IN (
                SELECT r.id FROM ranked r JOIN listed l ON l.feed_id = r.feed_id
                WHERE r.read = 1 AND r.starred = 0 AND r.seen_at < l.seen_at
                  AND ((?1 > 0 AND r.sort_time < ?2) OR (?3 > 0 AND r.rank > ?3)))
             RETURNING link, audio_url",
            rusqlite::params![retention.keep_days, cutoff, retention.max_items],
        )?;
        forget_saved(&tx, &gone)?;
        tx.commit()?;
        Ok(gone.len())
    }

    /// Gives the space of deleted rows back to the file system (the file does not shrink by
    /// itself). Rewrites the whole database: for an explicit trim, not for every refresh.
    pub fn compact(&self) -> Result<(), StoreError> {
        // The search index's segments merged into one, which searches then read the faster.
        self.conn
            .execute("INSERT INTO search (search) VALUES ('optimize')", [])?;
        let free: i64 = self
            .conn
            .pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        if free == 0 {
            return Ok(());
        }
        self.conn.execute_batch("VACUUM")?;
        // The rewrite went through the write-ahead log: empty it into the file.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// The link and recording URL of each item a `DELETE … RETURNING link, audio_url` removed.
type Gone = Vec<(Option<String>, Option<String>)>;

fn deleted(tx: &Transaction, sql: &str, params: impl rusqlite::Params) -> Result<Gone, StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes the saved articles, comments and recording lengths of items that are gone, unless
/// an item still there has the same link or recording.
fn forget_saved(tx: &Transaction, gone: &Gone) -> Result<(), StoreError> {
    if gone.is_empty() {
        return Ok(());
    }
    let links: Vec<&str> = gone.iter().filter_map(|(l, _)| l.as_deref()).collect();
    let links = json(&links)?;
    for table in ["articles", "comments", "listen_positions"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE url IN (SELECT value FROM json_each(?1))
                 AND url NOT IN (SELECT link FROM items WHERE link IS NOT NULL)"
            ),
            [&links],
        )?;
    }
    let recordings: Vec<&str> = gone.iter().filter_map(|(_, a)| a.as_deref()).collect();
    tx.execute(
        "DELETE FROM recordings WHERE url IN (SELECT value FROM json_each(?1))
         AND url NOT IN (SELECT audio_url FROM items WHERE audio_url IS NOT NULL)",
        [json(&recordings)?],
    )?;
    Ok(())
}

pub(super) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::super::{CacheKind, FeedUpdate};
    use super::*;
    use crate::net::Validators;
    use crate::source::feed::FeedItem;

    const NOW: i64 = 1_800_000_000;

    fn item(feed: &str, n: u32, days_old: i64) -> FeedItem {
        let link = format!("https://{feed}.example/{n}");
        FeedItem {
            key: link.clone(),
            link: Some(link),
            title: format!("{feed} {n}"),
            author: None,
            published: chrono::Utc.timestamp_opt(NOW - days_old * DAY, 0).single(),
            summary: None,
            content_html: None,
            comments_url: None,
            comments_feed: None,
            enclosures: Vec::new(),
            narration: None,
        }
    }

    /// Writes one fetch of `feed` listing `items`.
    fn fetch(store: &mut Store, feed: &str, items: Vec<FeedItem>) {
        let url = format!("https://{feed}.example/rss");
        let id = store.sync_feeds(&[url]).expect("feeds")[0].id;
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(feed.to_string()),
            validators: Validators::default(),
            items,
        };
        store.write_feed(id, &update).expect("write");
    }

    /// The titles of every item, in order.
    fn titles(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT title FROM items ORDER BY title")
            .expect("select");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("titles")
    }

    fn set(store: &Store, title: &str, column: &str) {
        store
            .conn
            .execute(
                &format!("UPDATE items SET {column} = 1 WHERE title = ?1"),
                [title],
            )
            .expect("update");
    }

    /// The second fetch must carry a later `seen_at` than the first: the writer stamps items
    /// with the clock, so the first fetch's items are moved back a day.
    fn age_all(store: &Store) {
        store
            .conn
            .execute("UPDATE items SET seen_at = seen_at - 86400", [])
            .expect("age");
    }

    #[test]
    fn read_items_past_keep_days_go_unless_starred_unread_or_still_listed() {
        let mut store = Store::in_memory().expect("store");
        fetch(
            &mut store,
            "a",
            vec![
                item("a", 1, 10),
                item("a", 2, 10),
                item("a", 3, 10),
                item("a", 4, 10),
            ],
        );
        age_all(&store);
        // The feed now lists item 4 (still old) and a new one: 1, 2 and 3 have left it.
        fetch(&mut store, "a", vec![item("a", 4, 10), item("a", 5, 0)]);
        for title in ["a 1", "a 2", "a 4", "a 5"] {
            set(&store, title, "read");
        }
        set(&store, "a 2", "starred");
        store
            .put_cached(CacheKind::Article, "https://a.example/1", "{}")
            .expect("saved");
        store
            .put_cached(CacheKind::Comments, "https://a.example/1", "{}")
            .expect("saved");
        let keep = RetentionConfig {
            keep_days: 1,
            max_items: 0,
        };
        assert_eq!(store.expire_items(&keep, NOW).expect("expire"), 1);
        // 2 starred, 3 unread, 4 still listed, 5 young.
        assert_eq!(titles(&store), ["a 2", "a 3", "a 4", "a 5"]);
        assert_eq!(
            store
                .get_cached(CacheKind::Article, "https://a.example/1")
                .expect("read"),
            None
        );
        assert_eq!(
            store
                .get_cached(CacheKind::Comments, "https://a.example/1")
                .expect("read"),
            None
        );
        // Forever: nothing goes.
        let forever = RetentionConfig {
            keep_days: 0,
            max_items: 0,
        };
        set(&store, "a 3", "read");
        assert_eq!(store.expire_items(&forever, NOW).expect("expire"), 0);
        // Ten days is not past 30.
        let month = RetentionConfig {
            keep_days: 30,
            max_items: 0,
        };
        assert_eq!(store.expire_items(&month, NOW).expect("expire"), 0);
        assert_eq!(store.expire_items(&keep, NOW).expect("expire"), 1);
        assert_eq!(titles(&store), ["a 2", "a 4", "a 5"]);
    }

    #[test]
    fn max_items_keeps_each_feeds_newest_and_every_unread_or_starred_one() {
        let mut store = Store::in_memory().expect("store");
        fetch(
            &mut store,
            "a",
            (1..=6).map(|n| item("a", n, 10 - i64::from(n))).collect(),
        );
        fetch(
            &mut store,
            "b",
            (1..=3).map(|n| item("b", n, 10 - i64::from(n))).collect(),
        );
        age_all(&store);
        fetch(&mut store, "a", vec![item("a", 7, 0)]);
        fetch(&mut store, "b", vec![item("b", 4, 0)]);
        store
            .conn
            .execute("UPDATE items SET read = 1", [])
            .expect("all read");
        store
            .conn
            .execute("UPDATE items SET read = 0 WHERE title = 'a 1'", [])
            .expect("one unread");
        set(&store, "a 2", "starred");
        let three = RetentionConfig {
            keep_days: 0,
            max_items: 3,
        };
        // a: 7, 6, 5 are its newest three; 4 and 3 go; 2 is starred and 1 unread. b: 4 items,
        // its oldest goes.
        assert_eq!(store.expire_items(&three, NOW).expect("expire"), 3);
        assert_eq!(
            titles(&store),
            ["a 1", "a 2", "a 5", "a 6", "a 7", "b 2", "b 3", "b 4"]
        );
    }

    #[test]
    fn a_feed_no_longer_subscribed_goes_with_its_items_and_saved_copies() {
        let mut store = Store::in_memory().expect("store");
        fetch(&mut store, "a", vec![item("a", 1, 0), item("a", 2, 0)]);
        fetch(&mut store, "b", vec![item("b", 1, 0)]);
        // Feed b links to a's first article too: that saved copy stays.
        store
            .conn
            .execute(
                "UPDATE items SET link = 'https://a.example/1' WHERE title = 'b 1'",
                [],
            )
            .expect("shared link");
        set(&store, "a 2", "starred");
        for link in ["https://a.example/1", "https://a.example/2"] {
            store
                .put_cached(CacheKind::Article, link, "{}")
                .expect("saved");
        }
        let kept = vec!["https://b.example/rss".to_string()];
        assert_eq!(store.delete_unsubscribed(&kept).expect("delete"), 2);
        assert_eq!(titles(&store), ["b 1"]);
        let feeds: Vec<String> = store
            .feed_titles()
            .expect("feeds")
            .into_iter()
            .map(|(url, _)| url)
            .collect();
        assert_eq!(feeds, kept);
        let saved = |link: &str| {
            store
                .get_cached(CacheKind::Article, link)
                .expect("read")
                .is_some()
        };
        assert!(saved("https://a.example/1"));
        assert!(!saved("https://a.example/2"));
        // Nothing more the second time.
        assert_eq!(store.delete_unsubscribed(&kept).expect("delete"), 0);
    }
}
