//! Marks made from the command line (`herald mark`): items read or unread, starred or not, named
//! by id or link, or every item of some feeds. Each call is one short write transaction, so the
//! app of another herald process sees its commit (the database's data_version) at once.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::{Store, StoreError};

/// The flag a mark sets or clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Read,
    Starred,
}

impl Flag {
    /// The items column: a constant, so nothing of the user's reaches the SQL.
    fn column(self) -> &'static str {
        match self {
            Flag::Read => "read",
            Flag::Starred => "starred",
        }
    }
}

/// Items named one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamedItems {
    /// Ids, as `herald headlines --json` prints them.
    pub ids: Vec<i64>,
    /// Links: every item linking there (the same story may be in several feeds).
    pub links: Vec<String>,
}

/// Every item of some feeds, optionally only the older ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedItems {
    /// Subscribed URLs of the feeds.
    pub feeds: Vec<String>,
    /// Only items dated before this (unix seconds; undated items by when they were first seen).
    pub before: Option<i64>,
}

/// What a mark did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marked {
    /// Items whose flag changed.
    pub changed: usize,
    /// Items that already had it.
    pub already: usize,
    /// Ids and links that name no item of a subscribed feed. When there are any, nothing was
    /// marked: a mistyped id must not leave half of a list marked.
    pub unknown: Vec<String>,
}

impl Store {
    /// Sets (`on`) or clears `flag` on the named items of the `subscribed` feeds, all or none.
    pub fn mark_items(
        &mut self,
        subscribed: &[String],
        named: &NamedItems,
        flag: Flag,
        on: bool,
    ) -> Result<Marked, StoreError> {
        let subscribed = json_list(subscribed);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut found = BTreeSet::new();
        let mut unknown = Vec::new();
        {
            let mut by_id = tx.prepare_cached(
                "SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id
                 WHERE i.id = ?1 AND f.url IN (SELECT value FROM json_each(?2))",
            )?;
            for id in &named.ids {
                match by_id
                    .query_row(params![id, subscribed], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    Some(id) => {
                        found.insert(id);
                    }
                    None => unknown.push(id.to_string()),
                }
            }
            let mut by_link = tx.prepare_cached(
                "SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id
                 WHERE i.link = ?1 AND f.url IN (SELECT value FROM json_each(?2))",
            )?;
            for link in &named.links {
                let ids: Vec<i64> = by_link
                    .query_map(params![link, subscribed], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                if ids.is_empty() {
                    unknown.push(link.clone());
                }
                found.extend(ids);
            }
        }
        if !unknown.is_empty() {
            // Dropping the transaction rolls it back; nothing was written anyway.
            return Ok(Marked {
                unknown,
                ..Marked::default()
            });
        }
        let changed = {
            let mut set = tx.prepare_cached(&format!(
                "UPDATE items SET {col} = ?2 WHERE id = ?1 AND {col} != ?2",
                col = flag.column()
            ))?;
            let mut changed = 0;
            for id in &found {
                changed += set.execute(params![id, on])?;
            }
            changed
        };
        tx.commit()?;
        Ok(Marked {
            changed,
            already: found.len() - changed,
            unknown,
        })
    }

    /// Sets (`on`) or clears `flag` on every item of `which` feeds, in one transaction.
    pub fn mark_feeds(
        &mut self,
        which: &FeedItems,
        flag: Flag,
        on: bool,
    ) -> Result<Marked, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let feeds = json_list(&which.feeds);
        let before = which.before.unwrap_or(i64::MAX);
        let matched = count_items(&tx, &feeds, before)?;
        let changed = tx.execute(
            &format!(
                "UPDATE items SET {col} = ?3 WHERE {col} != ?3 AND sort_time < ?2
                 AND feed_id IN (SELECT id FROM feeds WHERE url IN (SELECT value FROM json_each(?1)))",
                col = flag.column()
            ),
            params![feeds, before, on],
        )?;
        tx.commit()?;
        Ok(Marked {
            changed,
            already: matched.saturating_sub(changed),
            unknown: Vec::new(),
        })
    }
}

fn count_items(tx: &Transaction, feeds: &str, before: i64) -> Result<usize, StoreError> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM items WHERE sort_time < ?2
         AND feed_id IN (SELECT id FROM feeds WHERE url IN (SELECT value FROM json_each(?1)))",
        params![feeds, before],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// A list of strings as the JSON array `json_each` reads.
fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Validators;
    use crate::store::tests::item;
    use crate::store::{FeedUpdate, HeadlineQuery};

    /// Two feeds of three items each; the second feed's third item links where the first
    /// feed's first item does.
    fn store() -> (Store, Vec<String>) {
        let mut store = Store::in_memory().expect("store");
        let urls = vec![
            "https://feed0.example/rss".to_string(),
            "https://feed1.example/rss".to_string(),
        ];
        let feeds = store.sync_feeds(&urls).expect("feeds");
        for (i, feed) in feeds.iter().enumerate() {
            let mut items: Vec<_> = (0..3).map(|n| item(i, n)).collect();
            if i == 1 {
                items[2].link = Some("https://feed0.example/0".into());
            }
            let update = FeedUpdate::Fresh {
                feed_url: None,
                title: Some(format!("Feed {i}")),
                validators: Validators::default(),
                items,
            };
            store.write_feed(feed.id, &update).expect("write");
        }
        (store, urls)
    }

    /// (title, read, starred) of every headline, by title.
    fn flags(store: &Store, urls: &[String]) -> Vec<(String, bool, bool)> {
        let mut list: Vec<_> = store
            .headlines(urls, &HeadlineQuery::default())
            .expect("headlines")
            .into_iter()
            .map(|h| (h.title, h.read, h.starred))
            .collect();
        list.sort();
        list
    }

    fn id_of(store: &Store, urls: &[String], title: &str) -> i64 {
        store
            .headlines(urls, &HeadlineQuery::default())
            .expect("headlines")
            .into_iter()
            .find(|h| h.title == title)
            .map(|h| h.id)
            .expect("headline")
    }

    #[test]
    fn items_by_id_and_link() {
        let (mut store, urls) = store();
        let id = id_of(&store, &urls, "Story 1 of feed 0");
        let named = NamedItems {
            ids: vec![id],
            links: vec!["https://feed0.example/0".into()],
        };
        let marked = store
            .mark_items(&urls, &named, Flag::Read, true)
            .expect("mark");
        // The link names two items, one in each feed.
        assert_eq!((marked.changed, marked.already), (3, 0));
        let read: Vec<String> = flags(&store, &urls)
            .into_iter()
            .filter(|f| f.1)
            .map(|f| f.0)
            .collect();
        assert_eq!(
            read,
            [
                "Story 0 of feed 0",
                "Story 1 of feed 0",
                "Story 2 of feed 1"
            ]
        );
        let again = store
            .mark_items(&urls, &named, Flag::Read, true)
            .expect("mark again");
        assert_eq!((again.changed, again.already), (0, 3));
        let starred = store
            .mark_items(&urls, &named, Flag::Starred, true)
            .expect("star");
        assert_eq!(starred.changed, 3);
        assert!(flags(&store, &urls).iter().all(|f| f.1 == f.2));
    }

    #[test]
    fn an_unknown_id_or_link_marks_nothing() {
        let (mut store, urls) = store();
        let id = id_of(&store, &urls, "Story 1 of feed 0");
        let before = flags(&store, &urls);
        let named = NamedItems {
            ids: vec![id, 9999],
            links: vec!["https://nowhere.example/".into()],
        };
        let marked = store
            .mark_items(&urls, &named, Flag::Read, true)
            .expect("mark");
        assert_eq!(marked.unknown, ["9999", "https://nowhere.example/"]);
        assert_eq!(marked.changed, 0);
        assert_eq!(flags(&store, &urls), before);
        // An item of a feed no longer subscribed is not one of the list's.
        let marked = store
            .mark_items(
                &urls[1..],
                &NamedItems {
                    ids: vec![id],
                    links: vec![],
                },
                Flag::Read,
                true,
            )
            .expect("mark");
        assert_eq!(marked.unknown, [id.to_string()]);
    }

    #[test]
    fn a_feed_and_the_items_before_a_time() {
        let (mut store, urls) = store();
        let feed0 = FeedItems {
            feeds: vec![urls[0].clone()],
            before: None,
        };
        let marked = store
            .mark_feeds(&feed0, Flag::Read, true)
            .expect("mark feed");
        assert_eq!((marked.changed, marked.already), (3, 0));
        let read: Vec<bool> = flags(&store, &urls).iter().map(|f| f.1).collect();
        assert_eq!(read, [true, false, true, false, true, false]);
        // Items 0 and 1 of both feeds are dated before 1_790_000_120.
        let older = FeedItems {
            feeds: urls.clone(),
            before: Some(1_790_000_120),
        };
        let marked = store
            .mark_feeds(&older, Flag::Read, false)
            .expect("mark older unread");
        assert_eq!((marked.changed, marked.already), (2, 2));
        let read: Vec<bool> = flags(&store, &urls).iter().map(|f| f.1).collect();
        assert_eq!(read, [false, false, false, false, true, false]);
    }
}
