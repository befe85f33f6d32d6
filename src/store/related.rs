//! Other coverage of a story: the items of the reader's other feeds that report the same
//! story, found through the archive's search index.
//!
//! The story's title and opening text give stems weighted by where they stand and how rare
//! the archive says they are (its document frequency); the rarest are asked of the index at
//! once (bm25 picks the candidates, within a few days of the story and outside its own feed),
//! and each candidate is weighed the same way and kept only when it shares more than two
//! uncommon stems with the story and the two are alike enough (see [`terms::likeness`]), also
//! beyond the details they share most strongly. Showing nothing is better than showing a
//! story that is not the same.

mod terms;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};

use super::{HeadlineQuery, Store, StoreError};
use crate::model::Headline;

/// How many items of other coverage are shown at most.
pub const RELATED_LIMIT: usize = 5;
/// Other coverage is looked for this long before and after the story.
const WINDOW_SECONDS: i64 = 3 * 86_400;
/// The index is asked with this many of the story's stems, the rarest.
const QUERY_STEMS: usize = 12;
/// How many of the index's best matches are weighed.
const CANDIDATES: usize = 30;
/// A stem in more than a fiftieth of the archive (and more than `COMMON_FLOOR` items) says
/// too little to look for; how much more common it is, is not counted.
const COMMON_SHARE: u64 = 50;
const COMMON_FLOOR: u64 = 50;
/// How alike a candidate and the story must be (the cosine of their weighted stems)...
const THRESHOLD: f64 = 0.2;
/// ...and how alike beyond the two stems they share most strongly (often a place's or a
/// name's two words): reports of one story agree on more than who or where.
const THRESHOLD_BEYOND: f64 = 0.1;
const SET_ASIDE: usize = 2;

/// A story to find other coverage of.
#[derive(Debug, Clone, Default)]
pub struct Story {
    pub title: String,
    /// The opening text: summary, then the first words of the saved article.
    pub lead: String,
    /// The story's own item and feed, whose items are not other coverage.
    pub item: Option<i64>,
    pub feed: Option<i64>,
    pub link: Option<String>,
    /// When it was published (unix seconds).
    pub time: i64,
}

/// One item of other coverage, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub headline: Headline,
    /// How alike it is to the story, from the threshold to 1.
    pub score: f64,
}

/// A candidate as the index gave it.
struct Candidate {
    id: i64,
    title: String,
    summary: Option<String>,
    article: Option<String>,
    link: Option<String>,
}

impl Store {
    /// The story of item `id`, from its title, summary and saved article.
    pub fn story_of_item(&self, id: i64) -> Result<Option<Story>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT i.title, i.summary, s.article, i.feed_id, i.link, i.sort_time
                 FROM items i LEFT JOIN search s ON s.rowid = i.id WHERE i.id = ?1",
            )?
            .query_row([id], |r| {
                let summary: Option<String> = r.get(1)?;
                let article: Option<String> = r.get(2)?;
                Ok(Story {
                    title: r.get(0)?,
                    lead: terms::lead(summary.as_deref(), article.as_deref()),
                    item: Some(id),
                    feed: Some(r.get(3)?),
                    link: r.get(4)?,
                    time: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// Other coverage of item `id` in the `subscribed` feeds: at most `limit` items.
    pub fn related_to_item(
        &self,
        subscribed: &[String],
        id: i64,
        limit: usize,
    ) -> Result<Vec<Related>, StoreError> {
        match self.story_of_item(id)? {
            Some(story) => self.related(subscribed, &story, limit),
            None => Ok(Vec::new()),
        }
    }

    /// Other coverage of `story` in the `subscribed` feeds, best first, at most `limit`.
    pub fn related(
        &self,
        subscribed: &[String],
        story: &Story,
        limit: usize,
    ) -> Result<Vec<Related>, StoreError> {
        let total: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM items")?
            .query_row([], |r| r.get(0))?;
        let total = u64::try_from(total).unwrap_or(0).max(1);
        let docs = Docs::new(self, total);
        let rarity = |stem: &str| -> Result<Option<f64>, StoreError> {
            Ok(match docs.of(stem)? {
                0 => None,
                n => Some(terms::rarity(n, total)),
            })
        };
        let own = weigh(&terms::stems(&story.title, &story.lead), &rarity)?;
        // Stems common across the archive find everything: they are weighed, not asked for.
        let mut asked = Vec::new();
        for stem in terms::heaviest(&own, own.len()) {
            if !docs.common(docs.of(stem)?) {
                asked.push(stem);
            }
            if asked.len() == QUERY_STEMS {
                break;
            }
        }
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        let query = format!(
            "{{title summary article}} : ({})",
            asked
                .iter()
                .map(|s| match_term(s))
                .collect::<Vec<_>>()
                .join(" OR ")
        );
        let candidates = self.candidates(subscribed, story, &query)?;
        let mut seen: HashSet<String> = story
            .link
            .as_deref()
            .map(terms::link_key)
            .into_iter()
            .collect();
        let mut kept: Vec<(i64, f64)> = Vec::new();
        for c in candidates {
            let key = c.link.as_deref().map(terms::link_key);
            if key.as_ref().is_some_and(|k| seen.contains(k)) {
                continue;
            }
            if let Some(score) = agreement(&own, &c, &docs, &rarity)? {
                seen.extend(key);
                kept.push((c.id, score));
            }
        }
        if kept.is_empty() {
            return Ok(Vec::new());
        }
        kept.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(limit);
        let ids: Vec<i64> = kept.iter().map(|(id, _)| *id).collect();
        let headlines = self.headlines(
            subscribed,
            &HeadlineQuery {
                ids: Some(ids),
                ..HeadlineQuery::default()
            },
        )?;
        let mut related: Vec<Related> = headlines
            .into_iter()
            .filter_map(|headline| {
                let score = kept.iter().find(|(id, _)| *id == headline.id)?.1;
                Some(Related { headline, score })
            })
            .collect();
        related.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.headline.id.cmp(&b.headline.id))
        });
        Ok(related)
    }

    /// The index's best matches of `query` in the other subscribed feeds, near the story's time.
    fn candidates(
        &self,
        subscribed: &[String],
        story: &Story,
        query: &str,
    ) -> Result<Vec<Candidate>, StoreError> {
        let subscribed = serde_json::to_string(subscribed).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare_cached(
            "SELECT search.rowid, i.title, i.summary, search.article, i.link
             FROM search JOIN items i ON i.id = search.rowid
             WHERE search MATCH ?1
               AND i.feed_id IN (SELECT id FROM feeds WHERE url IN (SELECT value FROM json_each(?2)))
               AND i.feed_id IS NOT ?3 AND i.id IS NOT ?4
               AND i.sort_time BETWEEN ?5 AND ?6
             ORDER BY bm25(search, 4.0, 2.0, 0.0, 0.0, 1.0, 0.0), i.id
             LIMIT ?7",
        )?;
        let rows = stmt.query_map(
            params![
                query,
                subscribed,
                story.feed,
                story.item,
                story.time.saturating_sub(WINDOW_SECONDS),
                story.time.saturating_add(WINDOW_SECONDS),
                CANDIDATES as i64
            ],
            |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    summary: r.get(2)?,
                    article: r.get(3)?,
                    link: r.get(4)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// How alike candidate `c` is to the story whose profile is `own`, when it is alike enough.
fn agreement(
    own: &terms::Profile,
    c: &Candidate,
    docs: &Docs,
    rarity: &impl Fn(&str) -> Result<Option<f64>, StoreError>,
) -> Result<Option<f64>, StoreError> {
    let lead = terms::lead(c.summary.as_deref(), c.article.as_deref());
    let stems = terms::stems(&c.title, &lead);
    // Reports of one story share more uncommon stems than the strongest ones set aside: a
    // candidate sharing fewer is not weighed (weighing counts how common each of its stems is).
    let mut shared = 0;
    for stem in stems.keys().filter(|s| own.contains_key(*s)) {
        if !docs.common(docs.of(stem)?) {
            shared += 1;
        }
    }
    if shared <= SET_ASIDE {
        return Ok(None);
    }
    let theirs = weigh(&stems, rarity)?;
    let score = terms::likeness(own, &theirs);
    let beyond = terms::likeness_beyond(own, &theirs, SET_ASIDE);
    Ok((score >= THRESHOLD && beyond >= THRESHOLD_BEYOND).then_some(score))
}

/// A stem as the index is asked for it: a prefix, so that the forms the stem stands for
/// match (`ferry` for `ferries` asks `ferr*`); numbers and short words exactly.
fn match_term(stem: &str) -> String {
    if stem.chars().count() <= 3 || stem.chars().any(|c| c.is_ascii_digit()) {
        format!("\"{stem}\"")
    } else {
        format!("\"{}\"*", stem.strip_suffix('y').unwrap_or(stem))
    }
}

/// `stems` weighed by their rarity; those the archive does not hold are left out.
fn weigh(
    stems: &HashMap<String, f64>,
    rarity: &impl Fn(&str) -> Result<Option<f64>, StoreError>,
) -> Result<terms::Profile, StoreError> {
    let mut found = HashMap::new();
    for stem in stems.keys() {
        found.insert(stem.clone(), rarity(stem)?);
    }
    Ok(terms::profile(stems, |s| found.get(s).copied().flatten()))
}

/// How many items hold a stem, counted once per stem and only up to the count that makes it
/// common: counting further would say nothing more, and would take long.
struct Docs<'a> {
    store: &'a Store,
    cap: u64,
    counted: RefCell<HashMap<String, u64>>,
}

impl<'a> Docs<'a> {
    fn new(store: &'a Store, total: u64) -> Docs<'a> {
        Docs {
            store,
            cap: (total / COMMON_SHARE).max(COMMON_FLOOR),
            counted: RefCell::new(HashMap::new()),
        }
    }

    /// A count past the cap: the stem is common.
    fn common(&self, docs: u64) -> bool {
        docs > self.cap
    }

    fn of(&self, stem: &str) -> Result<u64, StoreError> {
        if let Some(n) = self.counted.borrow().get(stem) {
            return Ok(*n);
        }
        let n: i64 = self
            .store
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM (SELECT 1 FROM search WHERE search MATCH ?1 LIMIT ?2)",
            )?
            .query_row(
                params![
                    format!("{{title summary article}} : {}", match_term(stem)),
                    i64::try_from(self.cap + 1).unwrap_or(i64::MAX)
                ],
                |r| r.get(0),
            )?;
        let n = u64::try_from(n).unwrap_or(0);
        self.counted.borrow_mut().insert(stem.to_string(), n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
