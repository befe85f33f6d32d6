//! The order of search results: bm25 relevance divided by 1 + age/90 days, equal ranks newest
//! first; and the walk that finds the best few without weighing every match's age.
//!
//! A common word matches most of the archive. Its matches' relevance comes from the index in one
//! pass, but their ages and filters need each item's row. The walk takes the matches from the
//! most relevant down and stops once no match left can rank among the best: recency only ever
//! divides relevance by 1 or more, and by no less than the newest item's age makes it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Age at which an item needs twice the relevance of today's to rank beside it (90 days).
const RECENCY_SECONDS: f64 = 7_776_000.0;

/// What the walk needs to know of a matched item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Item {
    pub sort_time: i64,
    /// False when the search's filters (feed, date, unread) leave the item out.
    pub wanted: bool,
}

/// bm25 relevance (negative, lower is better) weighed by age: lower is better.
pub(super) fn rank(relevance: f64, sort_time: i64, now: i64) -> f64 {
    relevance / age_divisor(sort_time, now)
}

/// 1 for an item of `now` or later, growing as 1 + age/90 days.
fn age_divisor(sort_time: i64, now: i64) -> f64 {
    1.0 + now.saturating_sub(sort_time).max(0) as f64 / RECENCY_SECONDS
}

/// A match placed: ordered best first.
#[derive(Debug, Clone, Copy)]
struct Placed {
    rank: f64,
    sort_time: i64,
    id: i64,
}

impl Ord for Placed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank
            .total_cmp(&other.rank)
            .then(other.sort_time.cmp(&self.sort_time))
            .then(other.id.cmp(&self.id))
    }
}

impl PartialOrd for Placed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Placed {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Placed {}

/// The ids of the best `limit` of `matches` (item id, bm25 relevance), best first.
/// `newest` is the sort time of the archive's newest item (any item: it bounds the recency of
/// every match); `item` looks a match up, `None` for an item that is gone.
pub(super) fn best<E>(
    mut matches: Vec<(i64, f64)>,
    limit: usize,
    now: i64,
    newest: i64,
    mut item: impl FnMut(i64) -> Result<Option<Item>, E>,
) -> Result<Vec<i64>, E> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    matches.sort_unstable_by(|a, b| a.1.total_cmp(&b.1));
    // No item is newer than the newest, so none is divided by less than this: a match whose
    // relevance weighed by it is already worse than the last of a full list cannot enter it,
    // and neither can any after it, being no more relevant.
    let least_divisor = age_divisor(newest, now);
    let mut kept: BinaryHeap<Placed> = BinaryHeap::with_capacity(limit.min(matches.len()) + 1);
    for (id, relevance) in matches {
        if kept.len() == limit
            && kept
                .peek()
                .is_some_and(|worst| relevance / least_divisor > worst.rank)
        {
            break;
        }
        let Some(found) = item(id)? else { continue };
        if !found.wanted {
            continue;
        }
        kept.push(Placed {
            rank: rank(relevance, found.sort_time, now),
            sort_time: found.sort_time,
            id,
        });
        if kept.len() > limit {
            kept.pop();
        }
    }
    Ok(kept.into_sorted_vec().into_iter().map(|p| p.id).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::convert::Infallible;

    use super::*;

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    /// Every match ranked, sorted, and cut: what the walk must agree with.
    fn sorted_all(items: &HashMap<i64, (f64, Item)>, limit: usize, now: i64) -> Vec<i64> {
        let mut all: Vec<Placed> = items
            .iter()
            .filter(|(_, (_, item))| item.wanted)
            .map(|(&id, &(relevance, item))| Placed {
                rank: rank(relevance, item.sort_time, now),
                sort_time: item.sort_time,
                id,
            })
            .collect();
        all.sort();
        all.into_iter().take(limit).map(|p| p.id).collect()
    }

    fn walk(items: &HashMap<i64, (f64, Item)>, limit: usize, now: i64) -> Vec<i64> {
        let matches = items.iter().map(|(&id, &(r, _))| (id, r)).collect();
        let newest = items.values().map(|(_, i)| i.sort_time).max().unwrap_or(0);
        best::<Infallible>(matches, limit, now, newest, |id| {
            Ok(items.get(&id).map(|(_, item)| *item))
        })
        .unwrap_or_else(|never| match never {})
    }

    #[test]
    fn age_divides_relevance_and_equal_ranks_go_newest_first() {
        let item = |days_old: i64| Item {
            sort_time: NOW - days_old * DAY,
            wanted: true,
        };
        let items = HashMap::from([
            // Twice as relevant, 90 days old: ranks beside today's, and after it (older).
            (1, (-2.0, item(90))),
            (2, (-1.0, item(0))),
            // More relevant than today's, but not twice: 90 days puts it behind.
            (3, (-1.5, item(90))),
            // Equal to item 2 but a day older.
            (4, (-1.0, item(1))),
            (5, (-0.1, item(0))),
        ]);
        assert_eq!(walk(&items, 10, NOW), vec![2, 1, 4, 3, 5]);
        assert_eq!(rank(-2.0, NOW - 90 * DAY, NOW), -1.0);
        assert_eq!(rank(-2.0, NOW + DAY, NOW), -2.0, "no bonus for the future");
    }

    #[test]
    fn the_walk_agrees_with_ranking_every_match() {
        // A deterministic spread of relevance, ages (some in the future) and filters.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..40 {
            let n = 1 + (next() % 400) as i64;
            let items: HashMap<i64, (f64, Item)> = (1..=n)
                .map(|id| {
                    // Few distinct relevances and ages, so ties are common.
                    let relevance = -((next() % 12) as f64) * 0.25;
                    let sort_time = NOW - (next() % 300) as i64 * DAY / 2 + 5 * DAY;
                    let wanted = round % 3 != 0 || next() % 4 != 0;
                    (id, (relevance, Item { sort_time, wanted }))
                })
                .collect();
            for limit in [0, 1, 5, 20, 1000] {
                assert_eq!(
                    walk(&items, limit, NOW),
                    sorted_all(&items, limit, NOW),
                    "round {round}, limit {limit}"
                );
            }
        }
    }

    #[test]
    fn the_walk_stops_at_the_last_match_that_can_rank() {
        let today = Item {
            sort_time: NOW,
            wanted: true,
        };
        let items: Vec<(i64, f64)> = (1..=1000).map(|id| (id, -1.0 / id as f64)).collect();
        let mut looked_up = 0;
        let best = best::<Infallible>(items, 3, NOW, NOW, |_| {
            looked_up += 1;
            Ok(Some(today))
        })
        .unwrap_or_else(|never| match never {});
        assert_eq!(best, vec![1, 2, 3]);
        assert_eq!(looked_up, 3);
    }
}
