//! What listening leaves behind: where the listener stopped in each article, so that playing
//! it again picks up there, and the listening queue, so that it outlives a restart. An article
//! heard nearly to its end counts as listened, and read.

use std::time::Duration;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{HeadlineQuery, Store, StoreError};
use crate::model::Headline;

/// Heard this far, an article counts as listened: the end of a narration is often a sign-off.
pub const LISTENED_SHARE: f64 = 0.9;

/// What was playing for an article: its own recording, or its narration synthesized from the
/// text (whose timeline is counted in parts, since its length changes with the voice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Recording { url: String },
    Speech { part: usize },
}

/// Where the listener stopped in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    pub heard: Heard,
    /// In the recording's own time (for speech: from the start of the part).
    pub position: Duration,
    pub length: Option<Duration>,
    /// Heard past [`LISTENED_SHARE`] or to its end: playing it again starts from the beginning.
    pub listened: bool,
}

impl Resume {
    /// Where playing this article again should start, or `None` for the beginning.
    pub fn start(&self) -> Option<(&Heard, Duration)> {
        let begun =
            !self.position.is_zero() || matches!(self.heard, Heard::Speech { part } if part > 0);
        (!self.listened && begun).then_some((&self.heard, self.position))
    }
}

/// Whether `position` of `length` is far enough to count as listened.
pub fn listened(position: Duration, length: Option<Duration>, ended: bool) -> bool {
    ended
        || length.is_some_and(|l| {
            !l.is_zero() && position.as_secs_f64() >= l.as_secs_f64() * LISTENED_SHARE
        })
}

impl Store {
    /// Records where the listener is in the article at `article_url`. When that counts as
    /// listened the article's items are marked listened, and read when `mark_read`. Returns
    /// whether this made it listened.
    pub fn save_position(
        &mut self,
        article_url: &str,
        resume: &Resume,
        mark_read: bool,
    ) -> Result<bool, StoreError> {
        let (recording, part) = match &resume.heard {
            Heard::Recording { url } => (Some(url.as_str()), None),
            Heard::Speech { part } => (None, i64::try_from(*part).ok()),
        };
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let was_listened: bool = tx
            .query_row(
                "SELECT listened FROM listen_positions WHERE url = ?1",
                [article_url],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false);
        tx.execute(
            "INSERT INTO listen_positions (url, recording, part, position_ms, length_ms, listened,
                                           updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (url) DO UPDATE SET recording = excluded.recording,
                 part = excluded.part, position_ms = excluded.position_ms,
                 length_ms = excluded.length_ms, listened = excluded.listened,
                 updated_at = excluded.updated_at",
            params![
                article_url,
                recording,
                part,
                millis(resume.position),
                resume.length.map(millis),
                resume.listened,
                chrono::Utc::now().timestamp(),
            ],
        )?;
        let newly = resume.listened && !was_listened;
        if newly {
            tx.execute(
                "UPDATE items SET listened = 1, read = read OR ?2 WHERE link = ?1",
                params![article_url, mark_read],
            )?;
        }
        tx.commit()?;
        Ok(newly)
    }

    /// Where the listener stopped in the article at `article_url`, if anywhere.
    pub fn position(&self, article_url: &str) -> Result<Option<Resume>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT recording, part, position_ms, length_ms, listened
                 FROM listen_positions WHERE url = ?1",
                [article_url],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                },
            )
            .optional()?;
        let duration = |ms: i64| Duration::from_millis(u64::try_from(ms).unwrap_or(0));
        Ok(
            row.map(|(recording, part, position, length, listened)| Resume {
                heard: match recording {
                    Some(url) => Heard::Recording { url },
                    None => Heard::Speech {
                        part: part.and_then(|p| usize::try_from(p).ok()).unwrap_or(0),
                    },
                },
                position: duration(position),
                length: length.map(duration),
                listened,
            }),
        )
    }

    /// Forgets where the listener stopped: the article plays from its beginning next time.
    pub fn forget_position(&self, article_url: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM listen_positions WHERE url = ?1", [article_url])?;
        Ok(())
    }

    /// Replaces the listening queue: `items` in order, `current` the index of the one playing.
    pub fn set_queue(&mut self, items: &[i64], current: Option<usize>) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM listen_queue", [])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO listen_queue (slot, item_id, current)
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM items WHERE id = ?2)",
            )?;
            for (slot, item) in items.iter().enumerate() {
                insert.execute(params![slot as i64, item, current == Some(slot)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The listening queue as last set, without the items deleted since, and the index of
    /// the one that was playing.
    pub fn queue(&self) -> Result<(Vec<i64>, Option<usize>), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT item_id, current FROM listen_queue ORDER BY slot")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let current = rows.iter().position(|(_, current)| *current);
        Ok((rows.into_iter().map(|(id, _)| id).collect(), current))
    }

    /// The listening queue's headlines in order (of the `subscribed` feeds), and the index of
    /// the one that was playing.
    pub fn queued_headlines(
        &self,
        subscribed: &[String],
    ) -> Result<(Vec<Headline>, Option<usize>), StoreError> {
        let (ids, current) = self.queue()?;
        if ids.is_empty() {
            return Ok((Vec::new(), None));
        }
        let query = HeadlineQuery {
            ids: Some(ids.clone()),
            ..HeadlineQuery::default()
        };
        let mut found = self.headlines(subscribed, &query)?;
        let current_id = current.and_then(|i| ids.get(i)).copied();
        found.sort_by_key(|h| ids.iter().position(|id| *id == h.id));
        let current = current_id.and_then(|id| found.iter().position(|h| h.id == id));
        Ok((found, current))
    }
}

#[cfg(test)]
mod tests;
