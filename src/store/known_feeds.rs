//! What refreshing taught the store about each subscription: the feed a home page led to and
//! the feed's own title. Export writes the one, and `--feed NAME` is matched against both.

use super::{Store, StoreError};

/// A subscription as refreshing left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFeed {
    /// As subscribed in the config.
    pub url: String,
    /// The feed autodiscovery found, when `url` is a page rather than a feed.
    pub feed_url: Option<String>,
    pub title: Option<String>,
}

impl Store {
    /// Every feed the store has a row for (subscribed now or before).
    pub fn known_feeds(&self) -> Result<Vec<KnownFeed>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, feed_url, title FROM feeds ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(KnownFeed {
                url: r.get(0)?,
                feed_url: r.get(1)?,
                title: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
