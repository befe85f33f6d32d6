//! A source that publishes where it is, for the player thread to read without asking rodio.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use rodio::Source;
use rodio::source::{SeekError, TrackPosition};

use super::stream;

/// Where one source is, written by the audio thread, read by the player thread.
#[derive(Debug, Default)]
pub(super) struct PosCell {
    nanos: AtomicU64,
    started: AtomicBool,
}

impl PosCell {
    pub(super) fn at(pos: Duration) -> Arc<PosCell> {
        let cell = PosCell::default();
        cell.set(pos);
        Arc::new(cell)
    }

    fn set(&self, pos: Duration) {
        self.nanos.store(
            u64::try_from(pos.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(super) fn pos(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }

    pub(super) fn started(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }
}

/// A source that publishes its own position (in its own time, so speed does not change it),
/// shielded from its decoder's panics.
pub(super) struct Tracked<S> {
    inner: TrackPosition<stream::Shielded<S>>,
    cell: Arc<PosCell>,
    countdown: u32,
}

/// Samples between two position updates.
const PUBLISH_EVERY: u32 = 64;

impl<S: Source> Tracked<S> {
    pub(super) fn new(source: S, cell: Arc<PosCell>) -> Tracked<S> {
        Tracked {
            inner: stream::Shielded::new(source).track_position(),
            cell,
            countdown: 0,
        }
    }

    fn publish(&self) {
        self.cell.set(self.inner.get_pos());
    }
}

impl<S: Source> Iterator for Tracked<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        let sample = self.inner.next();
        if sample.is_none() {
            self.publish();
        } else if self.countdown == 0 {
            self.cell.started.store(true, Ordering::Relaxed);
            self.publish();
            self.countdown = PUBLISH_EVERY;
        } else {
            self.countdown -= 1;
        }
        sample
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<S: Source> Source for Tracked<S> {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), SeekError> {
        let result = self.inner.try_seek(pos);
        self.publish();
        result
    }
}
