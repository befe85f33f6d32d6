//! Searching the archive: an FTS5 index over each item's title, summary, author and feed name,
//! and the plain text of its saved article and comments.
//!
//! The index row of an item has the item's id as its rowid. Triggers note the items the refresh
//! adds or changes (an unchanged item costs nothing), which it indexes before each feed's
//! transaction ends ([`index_pending`]), and drop the row when retention deletes the item;
//! saving an article or comments indexes their text ([`index_saved`]).

mod ranking;

use std::collections::HashSet;
use std::sync::Arc;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use super::{CacheKind, Store, StoreError};
use crate::article::Article;
use crate::model::{CommentThread, Headline, Narration, NarrationSource};

/// The schema version that brought the index: migrating to it also indexes what is there.
pub(super) const VERSION: usize = 6;

/// The migration: the index, and the triggers that follow the items and feeds.
pub(super) const SCHEMA: &str = r#"
-- The text searched by `herald search` and the app's archive search; rowid = items.id.
CREATE VIRTUAL TABLE search USING fts5 (
    title, summary, author, feed, article, comments,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Items written or changed since the index last took them in: a refresh indexes them at the end
-- of each feed's transaction, in one statement (FTS5 writes its terms out at every statement
-- that fires a trigger, which one statement per item would make slow).
CREATE TABLE search_pending (id INTEGER PRIMARY KEY);
CREATE TRIGGER search_item_added AFTER INSERT ON items BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (new.id);
END;
CREATE TRIGGER search_item_changed AFTER UPDATE OF title, summary, author ON items
WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary
     OR old.author IS NOT new.author BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (new.id);
END;
CREATE TRIGGER search_item_gone AFTER DELETE ON items BEGIN
    DELETE FROM search WHERE rowid = old.id;
    DELETE FROM search_pending WHERE id = old.id;
END;
CREATE TRIGGER search_feed_named AFTER UPDATE OF title ON feeds
WHEN old.title IS NOT new.title BEGIN
    UPDATE search SET feed = COALESCE(new.title, new.url)
    WHERE rowid IN (SELECT id FROM items WHERE feed_id = new.id);
END;
INSERT INTO search (rowid, title, summary, author, feed)
    SELECT i.id, i.title, i.summary, i.author, COALESCE(f.title, f.url)
    FROM items i JOIN feeds f ON f.id = i.feed_id;
"#;

/// Indexes the items written or changed since the last call (see `search_pending`): changed
/// ones keep their saved text; a new one takes that of another item with the same link, if any.
pub(super) fn index_pending(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE search SET (title, summary, author) =
            (SELECT title, summary, author FROM items WHERE id = search.rowid)
         WHERE rowid IN (SELECT id FROM search_pending)",
    )?
    .execute([])?;
    conn.prepare_cached(
        "INSERT INTO search (rowid, title, summary, author, feed, article, comments)
         SELECT i.id, i.title, i.summary, i.author, COALESCE(f.title, f.url), s.article, s.comments
         FROM search_pending p JOIN items i ON i.id = p.id JOIN feeds f ON f.id = i.feed_id
         LEFT JOIN search s ON s.rowid =
             (SELECT o.id FROM items o WHERE o.link = i.link AND o.id <> i.id LIMIT 1)
         WHERE NOT EXISTS (SELECT 1 FROM search x WHERE x.rowid = p.id)",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM search_pending")?
        .execute([])?;
    Ok(())
}

/// What the migration cannot do in SQL: index the articles and comments already saved.
pub(super) fn index_existing(conn: &Connection) -> Result<(), StoreError> {
    for kind in [CacheKind::Article, CacheKind::Comments] {
        let mut stmt = conn.prepare(&format!("SELECT url, json FROM {}", kind.table()))?;
        let saved: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (url, json) in saved {
            index_saved(conn, kind, &url, &json)?;
        }
    }
    Ok(())
}

/// Indexes the plain text of a saved article or comment thread for the items it belongs to
/// (those linking to `url`). Other kinds, and JSON that does not read as one, index nothing.
pub(super) fn index_saved(
    conn: &Connection,
    kind: CacheKind,
    url: &str,
    json: &str,
) -> Result<(), StoreError> {
    let (column, text) = match kind {
        CacheKind::Article => match serde_json::from_str::<Article>(json) {
            Ok(article) => ("article", article_text(&article)),
            Err(_) => return Ok(()),
        },
        CacheKind::Comments => match serde_json::from_str::<CommentThread>(json) {
            Ok(thread) => ("comments", comments_text(&thread)),
            Err(_) => return Ok(()),
        },
        CacheKind::RecordingLength => return Ok(()),
    };
    conn.prepare_cached(&format!(
        "UPDATE search SET {column} = ?2 WHERE rowid IN (SELECT id FROM items WHERE link = ?1)"
    ))?
    .execute(params![url, text])?;
    Ok(())
}

fn article_text(article: &Article) -> String {
    let mut text = article.byline.clone().unwrap_or_default();
    for paragraph in &article.paragraphs {
        text.push('\n');
        text.push_str(paragraph);
    }
    text
}

fn comments_text(thread: &CommentThread) -> String {
    let mut text = String::new();
    for comment in &thread.comments {
        text.push_str(&comment.author);
        text.push('\n');
        text.push_str(&comment.text);
        text.push('\n');
    }
    text
}

/// What to search for, and where.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// FTS5 query syntax: words, "phrases", prefix*, AND, OR, NOT, column:word.
    pub text: String,
    /// Matches a feed's subscribed URL, discovered feed URL or title (case-insensitive).
    pub feed: Option<String>,
    /// Only items from this time on (unix seconds).
    pub since: Option<i64>,
    pub unread_only: bool,
    pub limit: usize,
}

/// The part of an item a search matched, in the order they are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Title,
    Summary,
    Article,
    Comments,
    Author,
    Feed,
}

impl Place {
    /// Each place with its column in the index.
    const COLUMNS: [(Place, usize); 6] = [
        (Place::Title, 0),
        (Place::Summary, 1),
        (Place::Article, 4),
        (Place::Comments, 5),
        (Place::Author, 2),
        (Place::Feed, 3),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Place::Title => "title",
            Place::Summary => "summary",
            Place::Article => "article",
            Place::Comments => "comments",
            Place::Author => "author",
            Place::Feed => "feed",
        }
    }
}

/// A few words around a match, as they are stored (untrusted: sanitize before showing).
/// The matched words are the pieces marked true.
pub type Snippet = Vec<(String, bool)>;

/// One result, best first in [`Store::search`]'s list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub headline: Headline,
    pub place: Place,
    pub snippet: Snippet,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search `{query}` is not understood: {reason}")]
    Malformed { query: String, reason: String },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Marks around the matched words in snippets: control characters, which the stored text
/// (sanitized as it was read) does not hold.
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';
/// How many words a snippet holds.
const SNIPPET_WORDS: usize = 12;

impl Store {
    /// The items of the `subscribed` feeds matching `q`, best first, at most `q.limit`.
    /// `now` (unix seconds) is when recency is measured from.
    pub fn search(
        &self,
        subscribed: &[String],
        q: &SearchQuery,
        now: i64,
    ) -> Result<Vec<Hit>, SearchError> {
        let malformed = |reason: String| SearchError::Malformed {
            query: q.text.clone(),
            reason,
        };
        if q.text.trim().is_empty() {
            return Err(malformed(
                "it is empty; give a word to look for".to_string(),
            ));
        }
        // Relevance first, from the index alone (which also tells a malformed query apart):
        // bm25, negative, lower is better; a title word weighs 4 times an article word, a
        // summary word twice. Age weighs it after (ranking.rs), for the few that can rank.
        let mut matches: Vec<(i64, f64)> = self
            .conn
            .prepare_cached(
                "SELECT rowid, bm25(search, 4.0, 2.0, 1.0, 1.0, 1.0, 1.0)
                 FROM search WHERE search MATCH ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_map([&q.text], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .map_err(|e| query_error(e, &malformed))?;
        let feeds = self.feeds_searched(subscribed, q.feed.as_deref())?;
        // A named feed holds few of a common word's matches: its items are picked out first,
        // not found one by one among all the matches.
        if q.feed.is_some() {
            let in_feeds = self.items_of(&feeds)?;
            matches.retain(|(id, _)| in_feeds.contains(id));
        }
        if matches.is_empty() || feeds.is_empty() {
            return Ok(Vec::new());
        }
        let newest: i64 = self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(sort_time), 0) FROM items")
            .and_then(|mut stmt| stmt.query_row([], |r| r.get(0)))
            .map_err(StoreError::from)?;
        let since = q.since.unwrap_or(i64::MIN);
        let mut lookup = self
            .conn
            .prepare_cached("SELECT feed_id, sort_time, read FROM items WHERE id = ?1")
            .map_err(StoreError::from)?;
        let ids = ranking::best(matches, q.limit, now, newest, |id| {
            lookup
                .query_row([id], |r| {
                    let (feed, sort_time, read): (i64, i64, bool) =
                        (r.get(0)?, r.get(1)?, r.get(2)?);
                    Ok(ranking::Item {
                        sort_time,
                        wanted: feeds.contains(&feed)
                            && sort_time >= since
                            && !(q.unread_only && read),
                    })
                })
                .optional()
        })
        .map_err(StoreError::from)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = self.hits(&q.text, &ids).map_err(SearchError::Store)?;
        hits.sort_by_key(|h| ids.iter().position(|&id| id == h.headline.id));
        Ok(hits)
    }

    /// The ids of the `subscribed` feeds a search looks in: those `feed` names, if given
    /// (its subscribed URL, discovered feed URL or title, case-insensitive).
    fn feeds_searched(
        &self,
        subscribed: &[String],
        feed: Option<&str>,
    ) -> Result<HashSet<i64>, StoreError> {
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM feeds f
             WHERE f.url IN (SELECT value FROM json_each(?1))
               AND (?2 = '' OR ?2 = f.url COLLATE NOCASE OR ?2 = f.feed_url COLLATE NOCASE
                    OR ?2 = f.title COLLATE NOCASE)",
        )?;
        let ids = stmt.query_map(params![subscribed, feed.unwrap_or_default()], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// The ids of the items of `feeds`.
    fn items_of(&self, feeds: &HashSet<i64>) -> Result<HashSet<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM items WHERE feed_id = ?1")?;
        let mut ids = HashSet::new();
        for feed in feeds {
            for id in stmt.query_map([feed], |r| r.get(0))? {
                ids.insert(id?);
            }
        }
        Ok(ids)
    }

    /// The headlines of `ids`, with where `query` matched each and a snippet of it.
    fn hits(&self, query: &str, ids: &[i64]) -> Result<Vec<Hit>, StoreError> {
        let snippets: Vec<String> = Place::COLUMNS
            .iter()
            .map(|(_, c)| format!("snippet(search, {c}, char(2), char(3), '…', {SNIPPET_WORDS})"))
            .collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT i.id, COALESCE(f.title, f.url), i.title, i.link, i.author, i.published,
                    i.read, i.starred, i.comments_url, i.audio_url, i.audio_type, f.url,
                    i.listened, {}
             FROM search JOIN items i ON i.id = search.rowid JOIN feeds f ON f.id = i.feed_id
             WHERE search MATCH ?1 AND +search.rowid IN (SELECT value FROM json_each(?2))",
            snippets.join(", ")
        ))?;
        // `+rowid`: the matches are read once and the few wanted kept. Handed to the index,
        // each id would be a search of its own, which for a prefix means gathering every
        // word it begins (a millisecond each for a common one).
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let rows = stmt.query_map(params![query, ids], |r| {
            let audio_url: Option<String> = r.get(9)?;
            let headline = Headline {
                id: r.get(0)?,
                feed: Arc::from(r.get::<_, String>(1)?),
                feed_url: Arc::from(r.get::<_, String>(11)?),
                title: r.get(2)?,
                link: r.get(3)?,
                author: r.get::<_, Option<String>>(4)?.map(Arc::from),
                published: r.get(5)?,
                read: r.get(6)?,
                starred: r.get(7)?,
                comments_url: r.get(8)?,
                listened: r.get(12)?,
                narration: audio_url.map(|url| {
                    Box::new(Narration {
                        url,
                        media_type: r.get(10).ok().flatten(),
                        source: NarrationSource::FeedEnclosure,
                    })
                }),
            };
            let mut found = None;
            for (n, (place, _)) in Place::COLUMNS.iter().enumerate() {
                let text: Option<String> = r.get(13 + n)?;
                if let Some(text) = text.filter(|t| t.contains(OPEN)) {
                    found = Some((*place, split_snippet(&text)));
                    break;
                }
            }
            // A query of NOT alone marks no words: the title stands for the item.
            let (place, snippet) =
                found.unwrap_or_else(|| (Place::Title, vec![(headline.title.clone(), false)]));
            Ok(Hit {
                headline,
                place,
                snippet,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A failed search: a mistake in the query (SQLite's generic error: the SQL is fixed, so the
/// query text caused it) is the user's to mend; anything else is the store's.
fn query_error(e: rusqlite::Error, malformed: &impl Fn(String) -> SearchError) -> SearchError {
    match &e {
        rusqlite::Error::SqliteFailure(f, Some(message)) if f.code == ErrorCode::Unknown => {
            let reason = message.strip_prefix("fts5: ").unwrap_or(message);
            let reason = reason.replace("near \"\"", "at its end");
            malformed(format!(
                "{reason} (words, \"a phrase\", prefix*, AND, OR, NOT, parentheses and title:word \
                 work; put other characters inside double quotes)"
            ))
        }
        _ => SearchError::Store(e.into()),
    }
}

/// Splits a snippet at its marks into pieces, the matched ones marked true.
fn split_snippet(text: &str) -> Snippet {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut marked = false;
    for c in text.chars() {
        if c == OPEN || c == CLOSE {
            if !current.is_empty() {
                pieces.push((std::mem::take(&mut current), marked));
            }
            marked = c == OPEN;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        pieces.push((current, marked));
    }
    pieces
}

#[cfg(test)]
mod tests;
