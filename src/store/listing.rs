//! The app's list read in two parts: every headline's place and marks at once (small), and
//! the texts of a page of them when the list shows it.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::params;

use super::{FeedNames, HeadlineQuery, LIST_CACHE_KIB, Store, StoreError};
use crate::model::{Headline, HeadlineIndex, Listing, Marks};

/// The texts a listing brings with it: the top of the list, shown as it arrives.
pub const TOP_PAGE: usize = 200;

impl Store {
    /// Every headline of `subscribed`, newest first (as [`Store::headlines`] orders them),
    /// with the texts of the first `TOP_PAGE`; feed names as `names` has them.
    pub fn listing(&self, subscribed: &[String], names: &FeedNames) -> Result<Listing, StoreError> {
        let top = HeadlineQuery {
            limit: Some(TOP_PAGE),
            ..HeadlineQuery::default()
        };
        let mut texts = self.headlines(subscribed, &top)?;
        names.apply(&mut texts);
        Ok(Listing {
            index: self.headline_index(subscribed, names)?,
            texts,
        })
    }

    /// Every headline's id, feed and marks, in the list's order.
    pub fn headline_index(
        &self,
        subscribed: &[String],
        names: &FeedNames,
    ) -> Result<HeadlineIndex, StoreError> {
        // Each row is read once: a large page cache would only hold memory meanwhile.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", LIST_CACHE_KIB)?;
        let read = self.read_index(subscribed, names);
        self.conn.pragma_update(None, "cache_size", cache)?;
        let mut index = read?;
        index.shrink_to_fit();
        Ok(index)
    }

    fn read_index(
        &self,
        subscribed: &[String],
        names: &FeedNames,
    ) -> Result<HeadlineIndex, StoreError> {
        // The subscribed feeds, each named once; then the items in the list's order from
        // `items_in_list` alone (no item's row read, no join), those of other feeds skipped.
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare(
            "SELECT id, url, COALESCE(title, url) FROM feeds
             WHERE url IN (SELECT value FROM json_each(?1))",
        )?;
        let mut feeds: HashMap<i64, (Arc<str>, Arc<str>)> = HashMap::new();
        let mut rows = stmt.query(params![subscribed])?;
        while let Some(r) = rows.next()? {
            let url: String = r.get(1)?;
            let own: String = r.get(2)?;
            let name = names.get(&url).cloned().unwrap_or_else(|| Arc::from(own));
            feeds.insert(r.get(0)?, (name, Arc::from(url)));
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, feed_id, read, starred, listened FROM items INDEXED BY items_in_list
             ORDER BY sort_time DESC, id DESC",
        )?;
        let mut index = HeadlineIndex::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some((feed, feed_url)) = feeds.get(&r.get::<_, i64>(1)?) else {
                continue;
            };
            let marks = Marks {
                read: r.get(2)?,
                starred: r.get(3)?,
                listened: r.get(4)?,
            };
            index.push(r.get(0)?, feed, feed_url, marks);
        }
        Ok(index)
    }

    /// The headlines `ids` of `subscribed` whole, in no particular order (those that are
    /// gone are left out).
    pub fn headline_texts(
        &self,
        subscribed: &[String],
        ids: &[i64],
        names: &FeedNames,
    ) -> Result<Vec<Headline>, StoreError> {
        let q = HeadlineQuery {
            ids: Some(ids.to_vec()),
            ..HeadlineQuery::default()
        };
        let mut texts = self.headlines(subscribed, &q)?;
        names.apply(&mut texts);
        Ok(texts)
    }

    /// The headlines of `subscribed` whose title contains `needle`, compared as `fold`
    /// makes them (the list's own search, which matches as the screen highlights).
    pub fn titles_containing(
        &self,
        subscribed: &[String],
        needle: &str,
        fold: impl Fn(&str) -> String,
    ) -> Result<Vec<i64>, StoreError> {
        // SQLite picks the titles that may match first, so that only those are folded here:
        // LIKE ignores the case of ASCII letters and compares every other character as it is,
        // which is folding's answer too for characters without case (CJK, digits, marks).
        let uncased = |c: char| c.is_lowercase() == c.is_uppercase();
        let like = if needle.chars().all(|c| c.is_ascii() || uncased(c)) {
            let escaped = needle
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        } else {
            "%".to_string()
        };
        let mut stmt = self.conn.prepare(
            "SELECT i.id, i.title FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE f.url IN (SELECT value FROM json_each(?1)) AND i.title LIKE ?2 ESCAPE '\\'",
        )?;
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let mut found = Vec::new();
        let mut rows = stmt.query(params![subscribed, like])?;
        while let Some(r) = rows.next()? {
            let title = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            if fold(title).contains(needle) {
                found.push(r.get(0)?);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Validators;
    use crate::store::FeedUpdate;
    use crate::store::tests::{item, two_feeds};

    #[test]
    fn the_index_lists_what_the_headlines_list_in_the_same_order() {
        let (store, urls) = two_feeds(300);
        let all = store
            .headlines(&urls, &HeadlineQuery::default())
            .expect("read");
        let names = FeedNames::default();
        let listing = store.listing(&urls, &names).expect("listing");
        let ids: Vec<i64> = (0..listing.index.len())
            .map(|i| listing.index.id(i))
            .collect();
        assert_eq!(ids, all.iter().map(|h| h.id).collect::<Vec<_>>());
        assert_eq!(listing.texts, all[..TOP_PAGE]);
        assert_eq!(&**listing.index.feed(0), &*all[0].feed);
        assert_eq!(listing.index.feed_names().count(), 2);

        let two = store
            .headline_texts(&urls, &[all[3].id, all[1].id, -5], &names)
            .expect("texts");
        let mut got: Vec<i64> = two.iter().map(|h| h.id).collect();
        got.sort_unstable();
        let mut want = vec![all[3].id, all[1].id];
        want.sort_unstable();
        assert_eq!(got, want);

        let found = store
            .titles_containing(&urls, "story 299 of feed 1", |t| t.to_lowercase())
            .expect("found");
        let wanted = all.iter().find(|h| h.title == "Story 299 of feed 1");
        assert_eq!(found, vec![wanted.expect("there").id]);
        // LIKE's wildcards are only themselves.
        for needle in ["story_2", "story%2", "story\\"] {
            let found = store
                .titles_containing(&urls, needle, |t| t.to_lowercase())
                .expect("found");
            assert_eq!(found, Vec::<i64>::new(), "{needle}");
        }
    }

    #[test]
    fn the_index_names_feeds_as_the_reader_does() {
        let (store, urls) = two_feeds(2);
        let config = [crate::config::FeedConfig {
            url: urls[0].clone(),
            name: Some("Local Paper".into()),
            tags: Vec::new(),
            site: None,
        }];
        let names = FeedNames::from_config(&config);
        let listing = store.listing(&urls, &names).expect("listing");
        let at = (0..listing.index.len())
            .find(|&i| &**listing.index.feed_url(i) == urls[0].as_str())
            .expect("listed");
        assert_eq!(&**listing.index.feed(at), "Local Paper");
        assert!(listing.texts.iter().any(|h| &*h.feed == "Local Paper"));
    }

    #[test]
    fn titles_with_and_without_case_are_found_as_the_screen_folds_them() {
        let (mut store, urls) = two_feeds(1);
        let feeds = store.sync_feeds(&urls).expect("feeds");
        let mut cjk = item(0, 50);
        cjk.title = "港口 Ferry 渡轮".into();
        let mut greek = item(0, 51);
        greek.title = "ΑΘΉΝΑ harbour".into();
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some("Feed 0".into()),
            validators: Validators::default(),
            items: vec![cjk, greek],
        };
        store.write_feed(feeds[0].id, &update).expect("write");
        let all = store
            .headlines(&urls, &HeadlineQuery::default())
            .expect("read");
        let id_of = |title: &str| all.iter().find(|h| h.title == title).map(|h| h.id);
        let find = |needle: &str| {
            store
                .titles_containing(&urls, needle, crate::width::fold_case)
                .expect("found")
        };
        // Through LIKE: CJK and ASCII; by folding every title: a cased Greek needle.
        assert_eq!(
            find("港口 ferry"),
            vec![id_of("港口 Ferry 渡轮").expect("there")]
        );
        assert_eq!(find("渡轮"), vec![id_of("港口 Ferry 渡轮").expect("there")]);
        assert_eq!(find("αθήνα"), vec![id_of("ΑΘΉΝΑ harbour").expect("there")]);
        assert_eq!(find("港 story"), Vec::<i64>::new());
    }
}
