//! Synthesized speech on the player: the parts as they arrive from the synthesizer, those
//! handed to rodio, and where the listener is in the whole narration.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use super::super::listening::Listener;
use super::super::tracked::PosCell;
use super::super::{SpeechFeed, SpeechPart};

pub(super) struct Speech {
    /// `None` once the synthesizer has hung up.
    pub(super) rx: Option<Receiver<SpeechPart>>,
    /// Tells the synthesizer where the listener is; dropping it lets go of the narration.
    pub(super) listener: Listener,
    pub(super) parts: usize,
    pub(super) first: usize,
    /// Indexed by part number.
    pub(super) arrived: Vec<Option<SpeechPart>>,
    /// The parts handed to rodio since the last clear, in order, with their positions.
    pub(super) queued: Vec<(usize, Arc<PosCell>)>,
    /// The next part to hand to rodio.
    pub(super) next: usize,
    /// Where to start in the next part handed to rodio (a seek into its middle).
    pub(super) pending_offset: Option<Duration>,
}

impl Speech {
    pub(super) fn new(feed: SpeechFeed) -> Speech {
        let (parts, first) = (feed.parts, feed.first.min(feed.parts));
        let (rx, listener) = feed.into_parts();
        Speech {
            rx: Some(rx),
            listener,
            parts,
            first,
            arrived: vec![None; parts],
            queued: Vec::new(),
            next: first,
            pending_offset: None,
        }
    }

    /// Tells the synthesizer which part the listener is at (the number of parts once all are
    /// heard); it wakes only when that or `paused` changes.
    pub(super) fn report_listener(&self, paused: bool) {
        let part = self.position().1.unwrap_or(self.parts);
        self.listener.report(part, paused);
    }

    /// Takes in the parts that have arrived.
    pub(super) fn receive(&mut self) {
        while let Some(rx) = &self.rx {
            match rx.try_recv() {
                Ok(part) => {
                    if (self.first..self.parts).contains(&part.index) {
                        let i = part.index;
                        self.arrived[i] = Some(part);
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.rx = None,
            }
        }
    }

    pub(super) fn duration(&self, part: usize) -> Option<Duration> {
        self.arrived.get(part)?.as_ref().map(|p| p.duration)
    }

    /// Where `part` starts on the timeline, if every part before it has arrived.
    pub(super) fn start_of(&self, part: usize) -> Option<Duration> {
        (self.first..part).map(|i| self.duration(i)).sum()
    }

    pub(super) fn total(&self) -> Option<Duration> {
        self.start_of(self.parts)
    }

    /// The position and the part being spoken.
    pub(super) fn position(&self) -> (Duration, Option<usize>) {
        let current = self
            .queued
            .iter()
            .rev()
            .find(|(_, c)| c.started())
            .or(self.queued.first());
        match current {
            Some((part, cell)) => (
                self.start_of(*part).unwrap_or_default() + cell.pos(),
                Some(*part),
            ),
            None => (
                self.start_of(self.next).unwrap_or_default(),
                (self.next < self.parts).then_some(self.next),
            ),
        }
    }

    /// The part holding `target` and the offset in it; `None` when the target lies beyond the
    /// parts that have arrived in an unbroken run, with the first part not yet there.
    pub(super) fn locate(&self, target: Duration) -> Result<(usize, Duration), usize> {
        let mut start = Duration::ZERO;
        for part in self.first..self.parts {
            let Some(d) = self.duration(part) else {
                return Err(part);
            };
            if target < start + d {
                return Ok((part, target - start));
            }
            start += d;
        }
        Err(self.parts)
    }

    /// Everything has been handed to rodio, or nothing more will come.
    pub(super) fn nothing_to_come(&self) -> bool {
        self.next >= self.parts || (self.rx.is_none() && self.arrived[self.next].is_none())
    }
}
