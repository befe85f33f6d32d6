//! How far ahead of the listener synthesis goes, as a rule apart from any engine or file.
//!
//! Parts from the listener's on are handed to the player until they hold at least [`AHEAD`] of
//! speech and [`AHEAD_PARTS`] parts after the one being spoken, so the next part is always
//! ready before the current one ends; then nothing is made until the listener moves. Nothing
//! at all is made while paused. Parts before `first` (playback started at a later paragraph)
//! are only measured, for the clock, once the look-ahead is full.

use std::time::Duration;

use super::timeline::Timeline;
use crate::audio::listening::ListenerAt;

/// Speech made ready ahead of the listener, counted from the start of the part being spoken.
pub const AHEAD: Duration = Duration::from_secs(60);
/// Parts made ready after the one being spoken, however short they are.
pub const AHEAD_PARTS: usize = 2;

/// What synthesis does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Make part `i` (or take it from the cache) and hand it to the player.
    Speak(usize),
    /// Learn the length of part `i`, before `first`, for the clock; no file is kept.
    Measure(usize),
    /// Nothing until the listener moves or resumes.
    Wait,
    /// Every part from `first` on is handed over and every length is known.
    Done,
}

/// The next step for a narration played from part `first`, given which parts were handed to
/// the player, the lengths known so far, and where the listener is.
pub fn next_step(first: usize, handed: &[bool], timeline: &Timeline, at: ListenerAt) -> Step {
    if at.paused {
        return Step::Wait;
    }
    let parts = handed.len();
    let current = at.part.max(first);
    if let Some(missing) = (current..parts).find(|&i| !handed[i]) {
        if missing == current {
            return Step::Speak(missing);
        }
        let ready_after = missing - current - 1;
        let ready_speech: Duration = (current..missing)
            .map(|i| timeline.duration_of(i).unwrap_or_default())
            .sum();
        if ready_after < AHEAD_PARTS || ready_speech < AHEAD {
            return Step::Speak(missing);
        }
        return measure_or(first, timeline, Step::Wait);
    }
    let all_handed = handed.iter().skip(first).all(|h| *h);
    measure_or(
        first,
        timeline,
        if all_handed { Step::Done } else { Step::Wait },
    )
}

fn measure_or(first: usize, timeline: &Timeline, otherwise: Step) -> Step {
    (0..first.min(timeline.parts()))
        .find(|&i| timeline.duration_of(i).is_none())
        .map_or(otherwise, Step::Measure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn at(part: usize) -> ListenerAt {
        ListenerAt {
            part,
            paused: false,
            gone: false,
        }
    }

    /// A narration of `lengths` (seconds) with the first `handed` parts from `first` made.
    fn made(lengths: &[u64], first: usize, handed: usize) -> (Vec<bool>, Timeline) {
        let mut timeline = Timeline::new(lengths.len());
        let mut flags = vec![false; lengths.len()];
        for i in first..(first + handed).min(lengths.len()) {
            flags[i] = true;
            timeline.set(i, secs(lengths[i]));
        }
        (flags, timeline)
    }

    #[test]
    fn speaks_until_a_minute_and_two_parts_are_ready_then_waits() {
        let lengths = [20; 10];
        let (h, t) = made(&lengths, 0, 0);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Speak(0));
        // Parts 0..3 make 60 s from the start of part 0, but only 2 after it.
        let (h, t) = made(&lengths, 0, 3);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Wait);
        let (h, t) = made(&lengths, 0, 2);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Speak(2));
        // The listener moves on: the window moves with it.
        let (h, t) = made(&lengths, 0, 3);
        assert_eq!(next_step(0, &h, &t, at(1)), Step::Speak(3));
        let (h, t) = made(&lengths, 0, 4);
        assert_eq!(next_step(0, &h, &t, at(1)), Step::Wait);
    }

    #[test]
    fn short_parts_fill_a_minute_and_long_ones_still_keep_two_ready() {
        let short = [5; 30];
        let (h, t) = made(&short, 0, 11);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Speak(11));
        let (h, t) = made(&short, 0, 12);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Wait);
        let long = [300; 6];
        let (h, t) = made(&long, 0, 2);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Speak(2));
        let (h, t) = made(&long, 0, 3);
        assert_eq!(next_step(0, &h, &t, at(0)), Step::Wait);
    }

    #[test]
    fn nothing_is_made_while_paused() {
        let lengths = [20; 10];
        for handed in [0, 1, 3] {
            let (h, t) = made(&lengths, 0, handed);
            let paused = ListenerAt {
                paused: true,
                ..at(0)
            };
            assert_eq!(next_step(0, &h, &t, paused), Step::Wait);
        }
    }

    #[test]
    fn a_seek_past_what_is_made_speaks_from_there() {
        let lengths = [20; 10];
        let (h, t) = made(&lengths, 0, 4);
        assert_eq!(next_step(0, &h, &t, at(7)), Step::Speak(7));
        let (mut h, mut t) = (h, t);
        h[7] = true;
        t.set(7, secs(20));
        assert_eq!(next_step(0, &h, &t, at(7)), Step::Speak(8));
    }

    #[test]
    fn parts_before_first_are_measured_once_the_look_ahead_is_full() {
        let lengths = [20; 10];
        let (h, t) = made(&lengths, 5, 2);
        assert_eq!(next_step(5, &h, &t, at(5)), Step::Speak(7));
        let (h, mut t) = made(&lengths, 5, 3);
        assert_eq!(next_step(5, &h, &t, at(5)), Step::Measure(0));
        for i in 0..5 {
            t.set(i, secs(20));
        }
        assert_eq!(next_step(5, &h, &t, at(5)), Step::Wait);
        // Not while paused either.
        let (h, t) = made(&lengths, 5, 3);
        let paused = ListenerAt {
            paused: true,
            ..at(5)
        };
        assert_eq!(next_step(5, &h, &t, paused), Step::Wait);
    }

    #[test]
    fn the_end_is_done_once_every_length_is_known() {
        let lengths = [20; 4];
        let (h, t) = made(&lengths, 0, 4);
        assert_eq!(next_step(0, &h, &t, at(2)), Step::Done);
        // Heard to the end, from a later part: the earlier ones still need measuring.
        let (h, t) = made(&lengths, 2, 2);
        assert_eq!(next_step(2, &h, &t, at(4)), Step::Measure(0));
        assert_eq!(next_step(0, &[], &Timeline::new(0), at(0)), Step::Done);
    }
}
