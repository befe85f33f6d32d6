//! What the app's views ask of the store beside the list of headlines: every subscribed feed
//! with the name the reader knows it by and why its last refresh failed (whoever refreshed),
//! and read marks on many items at once.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{TransactionBehavior, params};

use super::{Store, StoreError};
use crate::config::FeedConfig;
use crate::model::Headline;

/// The names the reader gave feeds in the config, by subscribed URL, made safe for a terminal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedNames(HashMap<String, Arc<str>>);

impl FeedNames {
    pub fn from_config(feeds: &[FeedConfig]) -> FeedNames {
        FeedNames(
            feeds
                .iter()
                .filter_map(|f| {
                    let name = crate::sanitize::line(f.name.as_deref()?.trim());
                    (!name.is_empty()).then(|| (f.url.clone(), Arc::from(name)))
                })
                .collect(),
        )
    }

    /// Names `url` by `name` unless it has a name already (the config's comes first).
    pub fn add_if_unnamed(&mut self, url: &str, name: &str) {
        let name = crate::sanitize::line(name.trim());
        if !name.is_empty() && !self.0.contains_key(url) {
            self.0.insert(url.to_string(), Arc::from(name));
        }
    }

    /// The reader's name for the feed subscribed at `url`, if they gave one.
    pub fn get(&self, url: &str) -> Option<&Arc<str>> {
        self.0.get(url)
    }

    /// Headlines of the feeds the reader named carry that name (one shared copy per feed).
    pub fn apply(&self, headlines: &mut [Headline]) {
        if self.0.is_empty() {
            return;
        }
        for h in headlines {
            if let Some(name) = self.0.get(&*h.feed_url) {
                h.feed = Arc::clone(name);
            }
        }
    }
}

/// A subscribed feed as the app's by-feed view shows it, whether or not it has items.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedStatus {
    /// The subscribed URL.
    pub url: String,
    /// The reader's name, else the feed's own title, else its URL.
    pub name: String,
    /// Why its last refresh failed, by whichever herald process refreshed it.
    pub last_error: Option<String>,
}

impl Store {
    /// Every feed of `subscribed`, in that order, including those never refreshed yet.
    pub fn feed_statuses(
        &self,
        subscribed: &[String],
        names: &FeedNames,
    ) -> Result<Vec<FeedStatus>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT url, title, last_error FROM feeds")?;
        let known: HashMap<String, (Option<String>, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<Result<_, _>>()?;
        let mut seen = std::collections::HashSet::new();
        Ok(subscribed
            .iter()
            .filter(|url| seen.insert(url.as_str()))
            .map(|url| {
                let (title, last_error) = known.get(url).cloned().unwrap_or_default();
                let name = names
                    .get(url)
                    .map(|n| n.to_string())
                    .or(title)
                    .unwrap_or_else(|| url.clone());
                FeedStatus {
                    url: url.clone(),
                    name,
                    last_error,
                }
            })
            .collect())
    }

    /// Marks the items `ids` read or unread, all or none.
    pub fn set_read_many(&mut self, ids: &[i64], read: bool) -> Result<(), StoreError> {
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE items SET read = ?2 WHERE id IN (SELECT value FROM json_each(?1))",
            params![ids, read],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{FeedUpdate, HeadlineQuery};

    fn feed(url: &str, name: Option<&str>) -> FeedConfig {
        FeedConfig {
            url: url.into(),
            name: name.map(str::to_string),
            tags: Vec::new(),
            site: None,
        }
    }

    fn item(key: &str) -> crate::source::feed::FeedItem {
        crate::source::feed::FeedItem {
            key: key.into(),
            title: format!("Item {key}"),
            link: Some(format!("https://a.example/{key}")),
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

    #[test]
    fn every_subscribed_feed_has_a_status_named_as_the_reader_named_it() {
        let mut store = Store::in_memory().expect("store");
        let urls = vec![
            "https://a.example/feed".to_string(),
            "https://b.example/feed".to_string(),
            "https://c.example/feed".to_string(),
            "https://never.example/feed".to_string(),
        ];
        let states = store.sync_feeds(&urls[..3]).expect("sync");
        store
            .write_feed(
                states[0].id,
                &FeedUpdate::Fresh {
                    feed_url: None,
                    title: Some("A's own title".into()),
                    validators: Default::default(),
                    items: vec![item("1")],
                },
            )
            .expect("write");
        store
            .write_feed(
                states[1].id,
                &FeedUpdate::Failed(crate::failure::Failure::new(
                    crate::failure::FailureKind::HttpStatus(500),
                    "HTTP 500",
                )),
            )
            .expect("write");
        let names = FeedNames::from_config(&[
            feed(&urls[0], Some("Local \u{1b}[31mWordPress")),
            feed(&urls[2], Some("  ")),
        ]);
        let statuses = store.feed_statuses(&urls, &names).expect("statuses");
        let seen: Vec<(&str, Option<&str>)> = statuses
            .iter()
            .map(|s| (s.name.as_str(), s.last_error.as_deref()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("Local WordPress", None),
                ("https://b.example/feed", Some("HTTP 500")),
                ("https://c.example/feed", None),
                ("https://never.example/feed", None),
            ]
        );

        let mut list = store
            .headlines(&urls, &HeadlineQuery::default())
            .expect("list");
        assert_eq!(&*list[0].feed, "A's own title");
        names.apply(&mut list);
        assert_eq!(&*list[0].feed, "Local WordPress");
    }

    #[test]
    fn many_items_are_marked_at_once_and_back() {
        let mut store = Store::in_memory().expect("store");
        let urls = vec!["https://a.example/feed".to_string()];
        let states = store.sync_feeds(&urls).expect("sync");
        store
            .write_feed(
                states[0].id,
                &FeedUpdate::Fresh {
                    feed_url: None,
                    title: None,
                    validators: Default::default(),
                    items: (0..5).map(|i| item(&i.to_string())).collect(),
                },
            )
            .expect("write");
        let unread = |store: &Store| {
            store
                .headline_counts(&urls, &HeadlineQuery::default())
                .expect("counts")
                .unread
        };
        let list = store
            .headlines(&urls, &HeadlineQuery::default())
            .expect("list");
        let ids: Vec<i64> = list[..3].iter().map(|h| h.id).collect();
        store.set_read_many(&ids, true).expect("mark");
        assert_eq!(unread(&store), 2);
        store.set_read_many(&ids, false).expect("unmark");
        assert_eq!(unread(&store), 5);
    }

    #[test]
    fn a_feeds_new_error_changes_the_lists_fingerprint() {
        let mut store = Store::in_memory().expect("store");
        let urls = vec!["https://a.example/feed".to_string()];
        let states = store.sync_feeds(&urls).expect("sync");
        let before = store.list_fingerprint().expect("fingerprint");
        let failed = |reason: &str| {
            FeedUpdate::Failed(crate::failure::Failure::new(
                crate::failure::FailureKind::HttpStatus(500),
                reason,
            ))
        };
        store
            .write_feed(states[0].id, &failed("HTTP 500"))
            .expect("write");
        let failing = store.list_fingerprint().expect("fingerprint");
        assert_ne!(failing, before);
        // As long, another reason: another list to show.
        store
            .write_feed(states[0].id, &failed("HTTP 503"))
            .expect("write");
        assert_ne!(store.list_fingerprint().expect("fingerprint"), failing);
        store
            .write_feed(states[0].id, &FeedUpdate::NotModified)
            .expect("write");
        assert_eq!(store.list_fingerprint().expect("fingerprint"), before);
    }
}
