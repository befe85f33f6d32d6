//! What sync with a server keeps in the store: the server's subscriptions, the server's id of
//! each item it gave, and an outbox of the marks made here that the server has not had yet.
//!
//! The outbox is filled by triggers, in the same transaction as the mark itself: whatever
//! marks an item (the app, `herald mark`, listening to the end, a mass mark), the mark cannot be
//! saved without its way to the server, and a kill -9 loses neither. Marks the server gave
//! (written by sync itself) are not sent back: a sync write removes the outbox rows it made.

use std::collections::{HashMap, HashSet};

use rusqlite::{Transaction, TransactionBehavior, params};

use super::{Store, StoreError};
use crate::source::feed::FeedItem;

pub(super) const SCHEMA: &str = r#"
-- Sync with a Google Reader API server (see sync.rs).
ALTER TABLE items ADD COLUMN remote_id TEXT;   -- the server's id of the item, in decimal
CREATE UNIQUE INDEX items_by_remote_id ON items (remote_id) WHERE remote_id IS NOT NULL;
CREATE TABLE sync_feeds (
    stream_id TEXT PRIMARY KEY,                -- the server's id, `feed/...`
    url TEXT NOT NULL,                         -- the feed's own address
    title TEXT,
    html_url TEXT,
    labels TEXT NOT NULL DEFAULT '[]'          -- JSON array of the server's labels (folders)
);
CREATE TABLE sync_outbox (
    id INTEGER PRIMARY KEY,
    remote_id TEXT NOT NULL,
    state TEXT NOT NULL,                       -- 'read' or 'starred'
    value INTEGER NOT NULL,
    made_at INTEGER NOT NULL
);
CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TRIGGER sync_outbox_read AFTER UPDATE OF read ON items
    WHEN NEW.remote_id IS NOT NULL AND NEW.read IS NOT OLD.read
BEGIN
    INSERT INTO sync_outbox (remote_id, state, value, made_at)
    VALUES (NEW.remote_id, 'read', NEW.read, CAST(strftime('%s', 'now') AS INTEGER));
END;
CREATE TRIGGER sync_outbox_starred AFTER UPDATE OF starred ON items
    WHEN NEW.remote_id IS NOT NULL AND NEW.starred IS NOT OLD.starred
BEGIN
    INSERT INTO sync_outbox (remote_id, state, value, made_at)
    VALUES (NEW.remote_id, 'starred', NEW.starred, CAST(strftime('%s', 'now') AS INTEGER));
END;
"#;

/// A subscription on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedFeed {
    pub stream_id: String,
    pub url: String,
    pub title: Option<String>,
    pub html_url: Option<String>,
    pub labels: Vec<String>,
}

/// An item as the server gave it, with its marks there.
#[derive(Debug, Clone)]
pub struct RemoteItem {
    /// Decimal.
    pub remote_id: String,
    /// The subscription's feed URL.
    pub feed_url: String,
    pub item: FeedItem,
    pub read: bool,
    pub starred: bool,
}

/// Which mark a change is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    Read,
    Starred,
}

impl MarkKind {
    fn column(self) -> &'static str {
        match self {
            MarkKind::Read => "read",
            MarkKind::Starred => "starred",
        }
    }
}

/// Marks to send: the items whose latest change set `kind` to `value`, and every outbox row
/// that sending them settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMarks {
    pub kind: MarkKind,
    pub value: bool,
    pub remote_ids: Vec<String>,
    pub rows: Vec<i64>,
}

/// The outbox row last written, so that a sync write can take back the rows it made itself.
fn outbox_end(tx: &Transaction) -> Result<i64, StoreError> {
    Ok(
        tx.query_row("SELECT COALESCE(MAX(id), 0) FROM sync_outbox", [], |r| {
            r.get(0)
        })?,
    )
}

fn take_back_outbox(tx: &Transaction, end: i64) -> Result<(), StoreError> {
    tx.execute("DELETE FROM sync_outbox WHERE id > ?1", [end])?;
    Ok(())
}

impl Store {
    /// The server's subscriptions as last synced.
    pub fn synced_feeds(&self) -> Result<Vec<SyncedFeed>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stream_id, url, title, html_url, labels FROM sync_feeds ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            let labels: String = r.get(4)?;
            Ok(SyncedFeed {
                stream_id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                html_url: r.get(3)?,
                labels: serde_json::from_str(&labels).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the server's subscriptions with `feeds`.
    pub fn put_synced_feeds(&mut self, feeds: &[SyncedFeed]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM sync_feeds", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO sync_feeds (stream_id, url, title, html_url, labels)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for f in feeds {
                let labels = serde_json::to_string(&f.labels).unwrap_or_else(|_| "[]".into());
                insert.execute(params![f.stream_id, f.url, f.title, f.html_url, labels])?;
                tx.execute("INSERT OR IGNORE INTO feeds (url) VALUES (?1)", [&f.url])?;
                tx.execute(
                    "UPDATE feeds SET title = COALESCE(title, ?2), last_error = NULL WHERE url = ?1",
                    params![f.url, f.title],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Of `ids`, those no item here has.
    pub fn unknown_remote_ids(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let known: HashSet<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT remote_id FROM items WHERE remote_id IN (SELECT value FROM json_each(?1))",
            )?;
            let json = super::retention::json(ids)?;
            stmt.query_map([json], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        Ok(ids
            .iter()
            .filter(|i| !known.contains(*i))
            .cloned()
            .collect())
    }

    /// Writes items the server gave, with its marks, in one transaction; an item already here
    /// from its feed (same link, not yet known to the server) is taken for it rather than
    /// doubled. Returns how many are new.
    pub fn write_remote_items(&mut self, items: &[RemoteItem]) -> Result<usize, StoreError> {
        let now = chrono::Utc::now().timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let end = outbox_end(&tx)?;
        let mut new = 0;
        {
            let mut feed_ids: HashMap<&str, i64> = HashMap::new();
            let mut adopt = tx.prepare_cached(
                "UPDATE items SET remote_id = ?3, read = ?4, starred = ?5
                 WHERE feed_id = ?1 AND link = ?2 AND remote_id IS NULL",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO items (feed_id, key, link, title, author, published, sort_time,
                    summary, content, audio_url, audio_type, seen_at, remote_id, read, starred)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, ?12), ?8, ?9, ?10, ?11, ?12, ?13,
                    ?14, ?15)
                 ON CONFLICT (feed_id, key) DO UPDATE SET title = excluded.title,
                    summary = excluded.summary, content = excluded.content, seen_at = ?12,
                    remote_id = excluded.remote_id",
            )?;
            for r in items {
                let feed_id = match feed_ids.get(r.feed_url.as_str()) {
                    Some(id) => *id,
                    None => {
                        tx.execute(
                            "INSERT OR IGNORE INTO feeds (url) VALUES (?1)",
                            [&r.feed_url],
                        )?;
                        let id: i64 = tx.query_row(
                            "SELECT id FROM feeds WHERE url = ?1",
                            [&r.feed_url],
                            |row| row.get(0),
                        )?;
                        feed_ids.insert(&r.feed_url, id);
                        id
                    }
                };
                let i = &r.item;
                if let Some(link) = &i.link
                    && adopt.execute(params![feed_id, link, r.remote_id, r.read, r.starred])? > 0
                {
                    continue;
                }
                let audio = &i.narration;
                let changed = insert.execute(params![
                    feed_id,
                    format!("greader:{}", r.remote_id),
                    i.link,
                    i.title,
                    i.author,
                    i.published.map(|p| p.to_rfc3339()),
                    i.published.map(|p| p.timestamp()),
                    i.summary,
                    i.content_html,
                    audio.as_ref().map(|a| a.url.as_str()),
                    audio.as_ref().and_then(|a| a.media_type.as_deref()),
                    now,
                    r.remote_id,
                    r.read,
                    r.starred,
                ])?;
                new += changed;
            }
        }
        super::search::index_pending(&tx)?;
        take_back_outbox(&tx, end)?;
        tx.commit()?;
        Ok(new)
    }

    /// Marks waiting for the server, grouped by what they set: for an item changed several
    /// times, only its latest change is sent, and sending it settles the earlier rows too.
    pub fn pending_marks(&self) -> Result<Vec<PendingMarks>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, remote_id, state, value FROM sync_outbox ORDER BY id")?;
        let rows: Vec<(i64, String, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        // (item, kind) -> (latest value, its rows)
        let mut latest: HashMap<(String, MarkKind), (bool, Vec<i64>)> = HashMap::new();
        let mut order: Vec<(String, MarkKind)> = Vec::new();
        for (id, remote_id, state, value) in rows {
            let kind = match state.as_str() {
                "read" => MarkKind::Read,
                "starred" => MarkKind::Starred,
                _ => continue,
            };
            let entry = latest.entry((remote_id.clone(), kind)).or_insert_with(|| {
                order.push((remote_id, kind));
                (value, Vec::new())
            });
            entry.0 = value;
            entry.1.push(id);
        }
        let mut groups: Vec<PendingMarks> = Vec::new();
        for key in order {
            let Some((value, rows)) = latest.remove(&key) else {
                continue;
            };
            let (remote_id, kind) = key;
            match groups
                .iter_mut()
                .find(|g| g.kind == kind && g.value == value)
            {
                Some(g) => {
                    g.remote_ids.push(remote_id);
                    g.rows.extend(rows);
                }
                None => groups.push(PendingMarks {
                    kind,
                    value,
                    remote_ids: vec![remote_id],
                    rows,
                }),
            }
        }
        Ok(groups)
    }

    /// How many items have a mark waiting for the server.
    pub fn pending_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(DISTINCT remote_id || state) FROM sync_outbox",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The server has these rows' marks.
    pub fn marks_sent(&mut self, rows: &[i64]) -> Result<(), StoreError> {
        let json = super::retention::json(rows)?;
        self.conn.execute(
            "DELETE FROM sync_outbox WHERE id IN (SELECT value FROM json_each(?1))",
            [json],
        )?;
        Ok(())
    }

    /// Gives the server's marks to the items it gave: read unless in `unread`, starred when in
    /// `starred`; an item with a mark of that kind still waiting to be sent keeps its own.
    /// Returns how many items changed.
    pub fn apply_remote_marks(
        &mut self,
        unread: &HashSet<String>,
        starred: &HashSet<String>,
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let end = outbox_end(&tx)?;
        let mut changed = 0;
        for (kind, set, value_when_in) in [
            (MarkKind::Read, unread, false),
            (MarkKind::Starred, starred, true),
        ] {
            let ids: Vec<&String> = set.iter().collect();
            let json = super::retention::json(&ids)?;
            let column = kind.column();
            let sql = format!(
                "UPDATE items SET {column} = CASE WHEN remote_id IN (SELECT value FROM json_each(?1))
                    THEN ?2 ELSE ?3 END
                 WHERE remote_id IS NOT NULL
                   AND {column} IS NOT (CASE WHEN remote_id IN (SELECT value FROM json_each(?1))
                    THEN ?2 ELSE ?3 END)
                   AND remote_id NOT IN (SELECT remote_id FROM sync_outbox
                                         WHERE state = ?4 AND id <= ?5)"
            );
            changed += tx.execute(
                &sql,
                params![json, value_when_in, !value_when_in, column, end],
            )?;
        }
        take_back_outbox(&tx, end)?;
        tx.commit()?;
        Ok(changed)
    }

    pub fn sync_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM sync_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_sync_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sync_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(remote: &str, link: &str) -> RemoteItem {
        RemoteItem {
            remote_id: remote.to_string(),
            feed_url: "https://example.org/feed".to_string(),
            item: FeedItem {
                key: link.to_string(),
                link: Some(link.to_string()),
                title: format!("Story {remote}"),
                author: None,
                published: None,
                summary: None,
                content_html: Some("<p>Text</p>".to_string()),
                comments_url: None,
                comments_feed: None,
                enclosures: Vec::new(),
                narration: None,
            },
            read: false,
            starred: false,
        }
    }

    fn flags(store: &Store, remote: &str) -> (bool, bool) {
        store
            .conn
            .query_row(
                "SELECT read, starred FROM items WHERE remote_id = ?1",
                [remote],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("item")
    }

    fn id_of(store: &Store, remote: &str) -> i64 {
        store
            .conn
            .query_row("SELECT id FROM items WHERE remote_id = ?1", [remote], |r| {
                r.get(0)
            })
            .expect("item")
    }

    #[test]
    fn marks_made_here_wait_in_the_outbox_and_marks_from_the_server_do_not() {
        let mut store = Store::in_memory().expect("store");
        let mut read_there = item("2", "https://example.org/2");
        read_there.read = true;
        let new = store
            .write_remote_items(&[item("1", "https://example.org/1"), read_there])
            .expect("write");
        assert_eq!(new, 2);
        assert_eq!(flags(&store, "2"), (true, false));
        assert!(store.pending_marks().expect("pending").is_empty());

        // Marked here: waiting, the latest change of each item only.
        store.set_read(id_of(&store, "1"), true).expect("mark");
        store.set_starred(id_of(&store, "1"), true).expect("star");
        store.set_read(id_of(&store, "2"), false).expect("mark");
        store.set_read(id_of(&store, "2"), true).expect("mark");
        store.set_read(id_of(&store, "2"), false).expect("mark");
        let pending = store.pending_marks().expect("pending");
        assert_eq!(pending.len(), 3, "{pending:?}");
        let unread = pending
            .iter()
            .find(|g| g.kind == MarkKind::Read && !g.value)
            .expect("unread group");
        assert_eq!(unread.remote_ids, vec!["2".to_string()]);
        assert_eq!(unread.rows.len(), 3);
        assert_eq!(store.pending_count().expect("count"), 3);

        // The server's marks do not overwrite what waits to be sent, and are not sent back.
        let unread_there: HashSet<String> = HashSet::new();
        let starred_there: HashSet<String> = ["2".to_string()].into();
        let changed = store
            .apply_remote_marks(&unread_there, &starred_there)
            .expect("apply");
        assert_eq!(changed, 1, "only item 2's star came from the server");
        assert_eq!(flags(&store, "1"), (true, true));
        assert_eq!(flags(&store, "2"), (false, true));
        assert_eq!(store.pending_count().expect("count"), 3);

        for g in store.pending_marks().expect("pending") {
            store.marks_sent(&g.rows).expect("sent");
        }
        assert_eq!(store.pending_count().expect("count"), 0);
        // Once sent, the server's answer rules.
        let changed = store
            .apply_remote_marks(&["1".to_string()].into(), &HashSet::new())
            .expect("apply");
        assert_eq!(changed, 4);
        assert_eq!(flags(&store, "1"), (false, false));
        assert_eq!(flags(&store, "2"), (true, false));
        assert_eq!(store.pending_count().expect("count"), 0);
    }

    #[test]
    fn an_item_already_here_from_its_feed_is_taken_not_doubled() {
        let mut store = Store::in_memory().expect("store");
        store
            .sync_feeds(&["https://example.org/feed".to_string()])
            .expect("feeds");
        store
            .conn
            .execute(
                "INSERT INTO items (feed_id, key, link, title, sort_time)
                 VALUES (1, 'guid-1', 'https://example.org/1', 'Story', 0)",
                [],
            )
            .expect("insert");
        let mut there = item("77", "https://example.org/1");
        there.read = true;
        assert_eq!(store.write_remote_items(&[there]).expect("write"), 0);
        let n: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 1);
        assert_eq!(flags(&store, "77"), (true, false));
        assert!(store.pending_marks().expect("pending").is_empty());
        assert_eq!(
            store
                .unknown_remote_ids(&["77".into(), "78".into()])
                .expect("ids"),
            vec!["78".to_string()]
        );
    }
}
