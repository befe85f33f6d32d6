//! Which part of a synthesized narration is spoken at each moment.
//!
//! Parts (the title, then each paragraph) are synthesized one at a time, so their lengths
//! arrive one by one. A [`Timeline`] holds the lengths known so far; every answer that would
//! need an unknown length is `None`, never a guess.

use std::time::Duration;

/// The lengths of a narration's parts, as far as they are known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    durations: Vec<Option<Duration>>,
}

impl Timeline {
    /// A narration of `parts` parts, none of them known yet.
    pub fn new(parts: usize) -> Timeline {
        Timeline {
            durations: vec![None; parts],
        }
    }

    /// Records the length of `part`; parts beyond the narration are ignored.
    pub fn set(&mut self, part: usize, duration: Duration) {
        if let Some(d) = self.durations.get_mut(part) {
            *d = Some(duration);
        }
    }

    /// How many parts the narration has in all.
    pub fn parts(&self) -> usize {
        self.durations.len()
    }

    /// How many parts have a known length.
    pub fn known(&self) -> usize {
        self.durations.iter().filter(|d| d.is_some()).count()
    }

    /// The length of one part, once known.
    pub fn duration_of(&self, part: usize) -> Option<Duration> {
        self.durations.get(part).copied().flatten()
    }

    /// Where `part` starts, from the start of the narration: known once every part before it is.
    pub fn start_of(&self, part: usize) -> Option<Duration> {
        if part >= self.durations.len() {
            return None;
        }
        self.durations[..part].iter().copied().sum()
    }

    /// The length of the whole narration: exact once every part is known, `None` before.
    pub fn total(&self) -> Option<Duration> {
        self.durations.iter().copied().sum()
    }

    /// The part spoken at `t` from the start of the narration. `None` when `t` lies at or after
    /// the end, or beyond the parts known so far.
    pub fn part_at(&self, t: Duration) -> Option<usize> {
        self.part_at_from(0, t)
    }

    /// The part spoken `elapsed` after the start of part `first` (playback that began at a
    /// chosen paragraph): needs only the lengths from `first` on.
    pub fn part_at_from(&self, first: usize, elapsed: Duration) -> Option<usize> {
        let mut start = Duration::ZERO;
        for (i, d) in self.durations.iter().enumerate().skip(first) {
            let end = start + (*d)?;
            if elapsed < end {
                return Some(i);
            }
            start = end;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn nothing_known_answers_nothing() {
        let t = Timeline::new(3);
        assert_eq!((t.parts(), t.known()), (3, 0));
        assert_eq!(t.total(), None);
        assert_eq!(t.part_at(Duration::ZERO), None);
        assert_eq!(t.start_of(0), Some(Duration::ZERO));
        assert_eq!(t.start_of(1), None);
        assert_eq!(t.start_of(3), None);
    }

    #[test]
    fn parts_fill_in_order() {
        let mut t = Timeline::new(3);
        t.set(0, ms(500));
        assert_eq!(t.known(), 1);
        assert_eq!(t.part_at(ms(0)), Some(0));
        assert_eq!(t.part_at(ms(499)), Some(0));
        // Part 1's length is not known yet: no guess.
        assert_eq!(t.part_at(ms(500)), None);
        assert_eq!(t.start_of(1), Some(ms(500)));
        assert_eq!(t.start_of(2), None);
        assert_eq!(t.total(), None);

        t.set(1, ms(1000));
        t.set(2, ms(250));
        assert_eq!(t.known(), 3);
        assert_eq!(t.part_at(ms(500)), Some(1));
        assert_eq!(t.part_at(ms(1499)), Some(1));
        assert_eq!(t.part_at(ms(1500)), Some(2));
        assert_eq!(t.part_at(ms(1749)), Some(2));
        assert_eq!(t.part_at(ms(1750)), None);
        assert_eq!(t.start_of(2), Some(ms(1500)));
        assert_eq!(t.total(), Some(ms(1750)));
        assert_eq!(t.duration_of(1), Some(ms(1000)));
        assert_eq!(t.duration_of(3), None);
    }

    #[test]
    fn starting_at_a_later_part() {
        let mut t = Timeline::new(4);
        t.set(2, ms(300));
        t.set(3, ms(700));
        // Part 0 and 1 unknown: positions from the start are unknown, from part 2 they are not.
        assert_eq!(t.part_at(ms(0)), None);
        assert_eq!(t.start_of(2), None);
        assert_eq!(t.part_at_from(2, ms(0)), Some(2));
        assert_eq!(t.part_at_from(2, ms(299)), Some(2));
        assert_eq!(t.part_at_from(2, ms(300)), Some(3));
        assert_eq!(t.part_at_from(2, ms(1000)), None);
        assert_eq!(t.part_at_from(4, ms(0)), None);
        assert_eq!(t.total(), None);
        t.set(0, ms(100));
        t.set(1, ms(100));
        assert_eq!(t.total(), Some(ms(1200)));
        assert_eq!(t.part_at(ms(200)), Some(2));
    }

    #[test]
    fn empty_parts_are_skipped_and_out_of_range_ignored() {
        let mut t = Timeline::new(3);
        t.set(0, ms(100));
        t.set(1, Duration::ZERO);
        t.set(2, ms(100));
        t.set(7, ms(100));
        assert_eq!(t.parts(), 3);
        assert_eq!(t.part_at(ms(100)), Some(2));
        assert_eq!(t.start_of(1), t.start_of(2));
        assert_eq!(Timeline::new(0).total(), Some(Duration::ZERO));
        assert_eq!(Timeline::new(0).part_at(Duration::ZERO), None);
    }
}
