//! The one store: SQLite in the data directory. Feeds, items, read/starred flags, HTTP
//! validators, and cached articles and comments.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::model::{Headline, Narration, NarrationSource};
use crate::net::Validators;
use crate::source::feed::FeedItem;

pub mod known_feeds;
pub mod listening;
mod listing;
pub mod marks;
mod pages;
mod related;
mod repair;
mod retention;
mod search;
pub mod sync;
mod views;
mod watch;
pub mod worker;

pub use listing::TOP_PAGE;
pub use related::{RELATED_LIMIT, Related, Story};
pub use repair::{FileId, is_corrupt};
pub use search::{Hit, Place, SearchError, SearchQuery, Snippet};
pub use views::{FeedNames, FeedStatus};
pub use watch::ListFingerprint;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,          -- as subscribed in the config
    feed_url TEXT,                     -- the feed found by autodiscovery, when url is a page
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    last_error TEXT,
    refreshed_at INTEGER
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,                 -- guid, or link when there is none
    link TEXT,
    title TEXT NOT NULL,
    author TEXT,
    published TEXT,
    sort_time INTEGER NOT NULL,        -- published, else first seen (unix seconds)
    summary TEXT,
    content TEXT,
    comments_url TEXT,
    comments_feed TEXT,
    audio_url TEXT,
    audio_type TEXT,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
);
CREATE INDEX items_by_time ON items (sort_time DESC);
CREATE INDEX items_by_link ON items (link);
CREATE TABLE articles (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
CREATE TABLE comments (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
"#,
    r#"
-- The length of a recording, by its URL, learned before it is played.
CREATE TABLE recordings (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
"#,
    r#"
-- Read and starred marks saved from a damaged database, given back to their items as the
-- refresh brings those items again.
CREATE TABLE salvaged_marks (
    feed_url TEXT NOT NULL,
    key TEXT NOT NULL,
    read INTEGER NOT NULL,
    starred INTEGER NOT NULL,
    PRIMARY KEY (feed_url, key)
);
"#,
    r#"
-- When a fetch of its feed last listed the item (unix seconds): retention keeps what the feed
-- still lists (see retention.rs).
ALTER TABLE items ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- Listening (see listening.rs): where the listener stopped in each article, by its link; the
-- queue in order; which items were heard to their end.
CREATE TABLE listen_positions (
    url TEXT PRIMARY KEY,
    recording TEXT,                    -- the recording heard, or NULL for synthesized speech
    part INTEGER,                      -- of synthesized speech
    position_ms INTEGER NOT NULL,
    length_ms INTEGER,
    listened INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE TABLE listen_queue (
    slot INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
    current INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE items ADD COLUMN listened INTEGER NOT NULL DEFAULT 0;
"#,
    search::SCHEMA,
    sync::SCHEMA,
    r#"
-- The list's counts (how many headlines, how many unread) read from this index alone rather
-- than from every item's row: the app shows them on its first frame.
CREATE INDEX items_by_feed_read ON items (feed_id, read);
"#,
    r#"
-- The app's list (every headline's place, feed and marks, in the list's order) read from this
-- index alone rather than from every item's row. It serves all the time index served.
DROP INDEX items_by_time;
CREATE INDEX items_in_list ON items (sort_time DESC, id DESC, feed_id, read, starred, listened);
"#,
];

/// The page cache while the whole list is read (negative: KiB).
const LIST_CACHE_KIB: i64 = -64;

/// How long a write waits for another process's write to end before it fails. Writes are
/// short (one feed's items at most), so this is only reached when something is stuck.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("could not create the data directory {path}: {err}")]
    Dir { path: String, err: std::io::Error },
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    #[error("the database was made by a newer herald (schema version {0})")]
    NewerSchema(usize),
    #[error("could not move the damaged database aside: {0}")]
    Aside(std::io::Error),
}

pub struct Store {
    conn: Connection,
}

/// A subscription as the store knows it.
#[derive(Debug, Clone, Default)]
pub struct FeedState {
    pub id: i64,
    pub url: String,
    pub feed_url: Option<String>,
    pub title: Option<String>,
    pub validators: Validators,
}

/// What one refresh learned about one feed.
pub enum FeedUpdate {
    NotModified,
    Fresh {
        feed_url: Option<String>,
        title: Option<String>,
        validators: Validators,
        items: Vec<FeedItem>,
    },
    /// The kind counts in summaries; `last_error` keeps the reason, for people.
    Failed(crate::failure::Failure),
}

/// Filters for [`Store::headlines`].
#[derive(Debug, Clone, Default)]
pub struct HeadlineQuery {
    /// Matches a feed's subscribed URL, discovered feed URL or title (case-insensitive).
    pub feed: Option<String>,
    pub unread_only: bool,
    pub limit: Option<usize>,
    /// Only these items (the listening queue's).
    pub ids: Option<Vec<i64>>,
}

/// The size of a list of headlines, counted by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeadlineCounts {
    pub total: usize,
    pub unread: usize,
}

/// Switches the database to WAL. SQLite answers a switch that meets another process's lock
/// with SQLITE_BUSY at once, not through the busy handler (two herald processes creating a new
/// database at once), so this waits as the busy timeout would.
fn use_wal(conn: &Connection) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    loop {
        let mode: Result<String, _> =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0));
        match mode {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Store {
    /// Opens (or creates) the database under `data_dir`. A database that will not open is moved
    /// aside and rebuilt; the returned notice tells the user so. Subscriptions live in the config,
    /// so nothing the user wrote is lost.
    pub fn open(data_dir: &Path) -> Result<(Store, Option<String>), StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|err| StoreError::Dir {
            path: data_dir.display().to_string(),
            err,
        })?;
        let path = db_path(data_dir);
        let broken = repair::file_id(&path);
        match Store::open_at(&path) {
            Ok(store) => Ok((store, None)),
            // Busy, locked or unwritable is not broken: say so and leave the file alone.
            Err(e) if !is_corrupt(&e) => Err(e),
            Err(e) => {
                let (store, notice) = Store::rebuild(data_dir, broken, &e)?;
                Ok((store, Some(notice)))
            }
        }
    }

    /// A private in-memory store, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn open_at(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // First, so that switching to WAL waits for another process instead of failing.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers never wait for the writer, and a kill mid-write loses nothing committed.
        use_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A large write leaves a large journal behind; it is cut back at the next checkpoint.
        conn.pragma_update(None, "journal_size_limit", 16 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        // The usual case, a schema already current, takes no lock: a refresh writing must not
        // keep another process from starting.
        if self.schema_version()? == MIGRATIONS.len() {
            return Ok(());
        }
        // Several herald processes may open a new database at once: read the version again
        // and migrate under one write lock, so that only one of them creates the schema.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)?;
            if i + 1 == search::VERSION {
                search::index_existing(&tx)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn schema_version(&self) -> Result<usize, StoreError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > MIGRATIONS.len() {
            return Err(StoreError::NewerSchema(version));
        }
        Ok(version)
    }

    /// Changes committed by any other connection since the last call give another number:
    /// how the app learns that another herald process refreshed or marked something.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// SQLite's quick check of every page: an error when the file is damaged.
    pub fn check(&self) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
        let findings: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        match findings.first().map(String::as_str) {
            Some("ok") => Ok(()),
            _ => Err(StoreError::Corrupt(findings.join("; "))),
        }
    }

    /// Makes sure every subscribed URL has a row and returns their states, in `urls` order.
    pub fn sync_feeds(&mut self, urls: &[String]) -> Result<Vec<FeedState>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO feeds (url) VALUES (?1)")?;
            for url in urls {
                insert.execute([url])?;
            }
        }
        tx.commit()?;
        let mut out = Vec::with_capacity(urls.len());
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, feed_url, title, etag, last_modified FROM feeds WHERE url = ?1",
        )?;
        for url in urls {
            let state = stmt.query_row([url], |r| {
                Ok(FeedState {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    feed_url: r.get(2)?,
                    title: r.get(3)?,
                    validators: Validators {
                        etag: r.get(4)?,
                        last_modified: r.get(5)?,
                    },
                })
            })?;
            out.push(state);
        }
        Ok(out)
    }

    /// Records what one feed's refresh gave, in a transaction of its own: a refresh never
    /// holds the write lock while it waits on the network. Returns how many items were new.
    pub fn write_feed(&mut self, feed_id: i64, update: &FeedUpdate) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let new_items = write_update(&tx, feed_id, update)?;
        search::index_pending(&tx)?;
        tx.commit()?;
        Ok(new_items)
    }

    /// Cached headlines, newest first, restricted to `subscribed` feed URLs.
    pub fn headlines(
        &self,
        subscribed: &[String],
        q: &HeadlineQuery,
    ) -> Result<Vec<Headline>, StoreError> {
        let mut all = Vec::new();
        self.each_headline(subscribed, q, |h| all.push(h))?;
        Ok(all)
    }

    /// Each headline [`Store::headlines`] lists, in order, one at a time: a long list is
    /// never whole in memory in the store's form.
    fn each_headline(
        &self,
        subscribed: &[String],
        q: &HeadlineQuery,
        mut each: impl FnMut(Headline),
    ) -> Result<(), StoreError> {
        // Unfiltered, CROSS JOIN keeps items the outer loop, read newest first from the time
        // index: a first page stops early and the whole list needs no sort of every row (whose
        // memory would outlive the read). One feed's items, or a page of ids, are fewer by
        // their own index.
        let join = if q.feed.is_some() || q.ids.is_some() {
            "JOIN"
        } else {
            "CROSS JOIN"
        };
        let mut sql = format!(
            "SELECT i.id, COALESCE(f.title, f.url), i.title, i.link, i.author, i.published, i.read,
                    i.starred, i.comments_url, i.audio_url, i.audio_type, f.url, i.listened
             FROM items i {join} feeds f ON f.id = i.feed_id
             WHERE f.url IN (SELECT value FROM json_each(?1))"
        );
        self.filter_sql(&mut sql, q);
        sql.push_str(" ORDER BY i.sort_time DESC, i.id DESC");
        if let Some(limit) = q.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let feed = q.feed.clone().unwrap_or_default();
        let mut stmt = self.conn.prepare(&sql)?;
        // One shared copy of each feed's name and URL and of each author, however many
        // headlines they have.
        let mut shared: HashSet<Arc<str>> = HashSet::new();
        let mut share = |text: &str| -> Arc<str> {
            if let Some(s) = shared.get(text) {
                return Arc::clone(s);
            }
            let s: Arc<str> = Arc::from(text);
            shared.insert(Arc::clone(&s));
            s
        };
        let rows = stmt.query_map(params![subscribed, feed], |r| {
            let audio_url: Option<String> = r.get(9)?;
            Ok(Headline {
                id: r.get(0)?,
                feed: share(r.get_ref(1)?.as_str()?),
                feed_url: share(r.get_ref(11)?.as_str()?),
                title: r.get(2)?,
                link: r.get(3)?,
                author: r.get_ref(4)?.as_str_or_null()?.map(&mut share),
                published: r.get(5)?,
                read: r.get(6)?,
                starred: r.get(7)?,
                listened: r.get(12)?,
                comments_url: r.get(8)?,
                narration: audio_url.map(|url| {
                    Box::new(Narration {
                        url,
                        media_type: r.get(10).ok().flatten(),
                        source: NarrationSource::FeedEnclosure,
                    })
                }),
            })
        })?;
        for row in rows {
            each(row?);
        }
        Ok(())
    }

    /// How many headlines [`Store::headlines`] would list, without loading them.
    pub fn count_headlines(
        &self,
        subscribed: &[String],
        q: &HeadlineQuery,
    ) -> Result<usize, StoreError> {
        let mut sql = String::from(
            "SELECT COUNT(*) FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE f.url IN (SELECT value FROM json_each(?1))",
        );
        self.filter_sql(&mut sql, q);
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let feed = q.feed.clone().unwrap_or_default();
        let n: i64 = self
            .conn
            .query_row(&sql, params![subscribed, feed], |r| r.get(0))?;
        let n = usize::try_from(n).unwrap_or(0);
        Ok(q.limit.map_or(n, |l| n.min(l)))
    }

    /// How many headlines [`Store::headlines`] would list and how many of them are unread,
    /// without loading them.
    pub fn headline_counts(
        &self,
        subscribed: &[String],
        q: &HeadlineQuery,
    ) -> Result<HeadlineCounts, StoreError> {
        let mut sql = String::from(
            "SELECT COUNT(*), COALESCE(SUM(i.read = 0), 0) FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE f.url IN (SELECT value FROM json_each(?1))",
        );
        self.filter_sql(&mut sql, q);
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let feed = q.feed.clone().unwrap_or_default();
        let (total, unread): (i64, i64) =
            self.conn.query_row(&sql, params![subscribed, feed], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(HeadlineCounts {
            total: usize::try_from(total).unwrap_or(0),
            unread: usize::try_from(unread).unwrap_or(0),
        })
    }

    fn filter_sql(&self, sql: &mut String, q: &HeadlineQuery) {
        if q.feed.is_some() {
            sql.push_str(
                " AND (?2 = f.url COLLATE NOCASE OR ?2 = f.feed_url COLLATE NOCASE OR ?2 = f.title COLLATE NOCASE)",
            );
        } else {
            sql.push_str(" AND ?2 = ''");
        }
        if q.unread_only {
            sql.push_str(" AND i.read = 0");
        }
        if let Some(ids) = &q.ids {
            // Numbers, written out: nothing of the user's reaches the SQL.
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            sql.push_str(&format!(" AND i.id IN ({})", ids.join(",")));
        }
    }

    /// Names feeds by their subscribed URL: the feed's own title once known.
    pub fn feed_titles(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT url, title FROM feeds")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The feed item whose link is `url`, for its full content and enclosure.
    pub fn item_by_link(&self, url: &str) -> Result<Option<StoredItem>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, title, content, audio_url, audio_type, comments_feed, author, published,
                        comments_url
                 FROM items WHERE link = ?1 ORDER BY id LIMIT 1",
                [url],
                |r| {
                    Ok(StoredItem {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        content_html: r.get(2)?,
                        audio_url: r.get(3)?,
                        audio_type: r.get(4)?,
                        comments_feed: r.get(5)?,
                        author: r.get(6)?,
                        published: r.get(7)?,
                        comments_url: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn set_read(&self, item_id: i64, read: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE items SET read = ?2 WHERE id = ?1",
            params![item_id, read],
        )?;
        Ok(())
    }

    pub fn set_starred(&self, item_id: i64, starred: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE items SET starred = ?2 WHERE id = ?1",
            params![item_id, starred],
        )?;
        Ok(())
    }

    /// Caches a serialized article or comment thread.
    pub fn put_cached(&self, kind: CacheKind, url: &str, json: &str) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO {} (url, json, fetched_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (url) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at",
            kind.table()
        );
        self.conn
            .execute(&sql, params![url, json, chrono::Utc::now().timestamp()])?;
        search::index_saved(&self.conn, kind, url, json)
    }

    pub fn get_cached(&self, kind: CacheKind, url: &str) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT json FROM {} WHERE url = ?1", kind.table());
        Ok(self.conn.query_row(&sql, [url], |r| r.get(0)).optional()?)
    }
}

/// Writes one feed's update in `tx`; returns how many items were new.
fn write_update(
    tx: &rusqlite::Transaction,
    feed_id: i64,
    update: &FeedUpdate,
) -> Result<usize, StoreError> {
    let now = chrono::Utc::now().timestamp();
    match update {
        FeedUpdate::NotModified => {
            tx.prepare_cached(
                "UPDATE feeds SET last_error = NULL, refreshed_at = ?2 WHERE id = ?1",
            )?
            .execute(params![feed_id, now])?;
            Ok(0)
        }
        FeedUpdate::Failed(failure) => {
            tx.prepare_cached("UPDATE feeds SET last_error = ?2 WHERE id = ?1")?
                .execute(params![feed_id, failure.reason])?;
            Ok(0)
        }
        FeedUpdate::Fresh {
            feed_url,
            title,
            validators,
            items,
        } => {
            tx.prepare_cached(
                "UPDATE feeds SET feed_url = COALESCE(?2, feed_url), title = COALESCE(?3, title),
                    etag = ?4, last_modified = ?5, last_error = NULL, refreshed_at = ?6 WHERE id = ?1",
            )?
            .execute(params![feed_id, feed_url, title, validators.etag, validators.last_modified, now])?;
            let count = |tx: &rusqlite::Transaction| -> Result<i64, rusqlite::Error> {
                tx.prepare_cached("SELECT COUNT(*) FROM items WHERE feed_id = ?1")?
                    .query_row([feed_id], |r| r.get(0))
            };
            let before = count(tx)?;
            // An item seen before keeps its flags and first-seen time; its text may have changed.
            let mut upsert = tx.prepare_cached(
                "INSERT INTO items (feed_id, key, link, title, author, published, sort_time, summary,
                    content, comments_url, comments_feed, audio_url, audio_type, seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, ?14), ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (feed_id, key) DO UPDATE SET seen_at = ?14, link = excluded.link,
                    title = excluded.title, author = excluded.author, published = excluded.published,
                    summary = excluded.summary, content = excluded.content,
                    comments_url = excluded.comments_url, comments_feed = excluded.comments_feed,
                    audio_url = excluded.audio_url, audio_type = excluded.audio_type,
                    sort_time = COALESCE(?7, items.sort_time)",
            )?;
            for item in items {
                let audio = &item.narration;
                upsert.execute(params![
                    feed_id,
                    item.key,
                    item.link,
                    item.title,
                    item.author,
                    item.published.map(|p| p.to_rfc3339()),
                    item.published.map(|p| p.timestamp()),
                    item.summary,
                    item.content_html,
                    item.comments_url,
                    item.comments_feed,
                    audio.as_ref().map(|a| a.url.as_str()),
                    audio.as_ref().and_then(|a| a.media_type.as_deref()),
                    now,
                ])?;
            }
            let new_items = usize::try_from(count(tx)? - before).unwrap_or(0);
            if new_items > 0 {
                repair::give_back_marks(tx, feed_id)?;
            }
            Ok(new_items)
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum CacheKind {
    Article,
    Comments,
    /// A recording's length, keyed by the recording's URL.
    RecordingLength,
}

impl CacheKind {
    fn table(self) -> &'static str {
        match self {
            CacheKind::Article => "articles",
            CacheKind::Comments => "comments",
            CacheKind::RecordingLength => "recordings",
        }
    }
}

/// What the store keeps of a feed item beyond its headline.
#[derive(Debug, Clone)]
pub struct StoredItem {
    pub id: i64,
    pub title: String,
    pub content_html: Option<String>,
    pub audio_url: Option<String>,
    pub audio_type: Option<String>,
    pub comments_feed: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    /// The discussion page (`<comments>`).
    pub comments_url: Option<String>,
}

/// Where the database lives in a data directory.
fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("herald.db")
}

#[cfg(test)]
mod tests;
