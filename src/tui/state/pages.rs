//! The texts of the headlines the list shows (titles, dates, links), read from the store a
//! page at a time: those of the rows on the screen and of a margin around them, so that
//! scrolling finds them ready. The list itself holds only ids, feeds and marks.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::model::Headline;

use super::AppState;

/// Rows above and below the screen whose texts are kept ready.
pub const MARGIN: usize = 150;
/// More texts than this held, those far from the screen are let go.
const KEEP: usize = 4 * MARGIN;

/// Headlines' texts by id, for the rows around the screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    by_id: HashMap<i64, Headline>,
    /// Asked of the store and not here yet.
    asked: HashSet<i64>,
    /// Held from before the list was read again: shown until the store's are here.
    stale: HashSet<i64>,
}

impl Texts {
    pub fn get(&self, id: i64) -> Option<&Headline> {
        self.by_id.get(&id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Takes `texts` in, as fresh as the store has them.
    pub fn add(&mut self, texts: Vec<Headline>) {
        for h in texts {
            self.stale.remove(&h.id);
            self.by_id.insert(h.id, h);
        }
    }

    /// The list was read again: what is held may be older than the store, but for `fresh`.
    pub fn age(&mut self, fresh: Vec<Headline>) {
        self.stale = self.by_id.keys().copied().collect();
        self.add(fresh);
    }
}

impl AppState {
    /// The rows whose texts are kept ready: the screen's and a margin either side.
    fn text_rows(&self) -> Range<usize> {
        let end = (self.list_offset + self.list_rows() + MARGIN).min(self.rows.len());
        self.list_offset.saturating_sub(MARGIN).min(end)..end
    }

    fn text_ids(&self, rows: Range<usize>) -> impl Iterator<Item = i64> + '_ {
        self.rows[rows]
            .iter()
            .filter_map(|r| r.headline())
            .map(|i| self.headlines.id(i))
    }

    /// The ids whose texts should be asked of the store now, marked asked: when a row on the
    /// screen has none, when half a margin's worth is missing around it, or when those held
    /// may be out of date. `None` while nothing is wanted.
    pub fn texts_wanted(&mut self) -> Option<Vec<i64>> {
        let texts = &self.texts;
        let missing = |id: &i64| {
            (!texts.by_id.contains_key(id) || texts.stale.contains(id)) && !texts.asked.contains(id)
        };
        let screen = self.list_offset..(self.list_offset + self.list_rows()).min(self.rows.len());
        let urgent = self
            .text_ids(screen.start.min(screen.end)..screen.end)
            .any(|id| !texts.by_id.contains_key(&id) && !texts.asked.contains(&id));
        let wanted: Vec<i64> = self.text_ids(self.text_rows()).filter(missing).collect();
        let stale = wanted.iter().any(|id| texts.stale.contains(id));
        if wanted.is_empty() || !(urgent || stale || wanted.len() >= MARGIN / 2) {
            return None;
        }
        self.texts.asked.extend(wanted.iter().copied());
        Some(wanted)
    }

    /// The store's answer to `asked`: its texts kept, those far from the screen let go.
    pub fn texts_read(&mut self, asked: &[i64], result: Result<Vec<Headline>, String>) {
        for id in asked {
            self.texts.asked.remove(id);
        }
        match result {
            Ok(texts) => self.texts.add(texts),
            Err(e) => {
                self.status = format!(
                    "could not read the headlines' texts: {}",
                    crate::sanitize::line(&e)
                );
                // Not asked again at once: the next move of the list asks.
                return;
            }
        }
        self.trim_texts();
    }

    /// Lets go of the texts far from the screen, once many are held.
    fn trim_texts(&mut self) {
        if self.texts.by_id.len() <= KEEP {
            return;
        }
        let mut near: HashSet<i64> = self.text_ids(self.text_rows()).collect();
        near.extend(self.selected_id());
        near.extend(self.open.as_ref().map(|o| o.id));
        self.texts.by_id.retain(|id, _| near.contains(id));
        self.texts.stale.retain(|id| near.contains(id));
        self.texts.by_id.shrink_to(KEEP);
    }

    /// Headline `i` of the list whole, its marks as the list has them; `None` until its texts
    /// have been read.
    pub fn headline_at(&self, i: usize) -> Option<Headline> {
        let list = &self.headlines;
        let mut h = self.texts.get(list.id(i))?.clone();
        h.read = list.read(i);
        h.starred = list.starred(i);
        h.listened = list.listened(i);
        Some(h)
    }

    /// The texts of headline `i` of the list, once read (their marks may be older than the
    /// list's).
    pub fn texts_at(&self, i: usize) -> Option<&Headline> {
        self.texts.get(self.headlines.id(i))
    }

    /// Every headline of the list whole, as far as its texts are held.
    #[cfg(test)]
    pub fn all_headlines(&self) -> Vec<Headline> {
        (0..self.headlines.len())
            .filter_map(|i| self.headline_at(i))
            .collect()
    }
}
