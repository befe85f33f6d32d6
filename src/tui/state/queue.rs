//! The listening queue as the app holds it.

use std::collections::HashMap;
use std::time::Duration;

use crate::model::Headline;

/// The listening queue: headlines in the order they play, and the one playing (or next to).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queue {
    pub items: Vec<Headline>,
    pub current: Option<usize>,
    /// Lengths of the items' narrations, as learned (probed, or reported while playing).
    pub lengths: HashMap<i64, Duration>,
    /// The selected row while the queue view shows.
    pub view: Option<usize>,
}

impl Queue {
    pub fn position(&self, id: i64) -> Option<usize> {
        self.items.iter().position(|h| h.id == id)
    }

    pub fn ids(&self) -> Vec<i64> {
        self.items.iter().map(|h| h.id).collect()
    }

    pub fn current_item(&self) -> Option<&Headline> {
        self.current.and_then(|i| self.items.get(i))
    }

    /// What is left to hear: of the item playing (at `pos` of `total`), then of every item
    /// after it; and how many of those have a length not known yet.
    pub fn time_left(
        &self,
        playing: Option<(i64, Duration, Option<Duration>)>,
    ) -> (Duration, usize) {
        let Some(current) = self.current else {
            return (Duration::ZERO, 0);
        };
        let (mut left, mut unknown) = (Duration::ZERO, 0);
        for (i, h) in self.items.iter().enumerate().skip(current) {
            let length = match playing {
                Some((id, pos, total)) if id == h.id && i == current => total
                    .or(self.lengths.get(&id).copied())
                    .map(|t| t.saturating_sub(pos)),
                _ => self.lengths.get(&h.id).copied(),
            };
            match length {
                Some(l) => left += l,
                None => unknown += 1,
            }
        }
        (left, unknown)
    }

    /// `2/3` when `id` is the queue's current item.
    pub fn place_of(&self, id: i64) -> Option<String> {
        let current = self
            .current
            .filter(|&i| self.items.get(i).is_some_and(|h| h.id == id))?;
        Some(format!("{}/{}", current + 1, self.items.len()))
    }
}
