//! Speed that keeps the voice. A recording played faster or slower is time-stretched by
//! libsonic (the speech-grade stretcher espeak-ng itself links), not resampled: rodio's own
//! speed control raises the pitch with the speed, which makes a narrator squeak at 1.5x.

use std::ffi::{c_float, c_int, c_void};
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rodio::Source;
use rodio::source::{SeekError, UniformSourceIterator};

#[link(name = "sonic")]
unsafe extern "C" {
    fn sonicCreateStream(sample_rate: c_int, channels: c_int) -> *mut c_void;
    fn sonicDestroyStream(stream: *mut c_void);
    fn sonicSetSpeed(stream: *mut c_void, speed: c_float);
    fn sonicWriteFloatToStream(
        stream: *mut c_void,
        samples: *const c_float,
        frames: c_int,
    ) -> c_int;
    fn sonicReadFloatFromStream(stream: *mut c_void, samples: *mut c_float, frames: c_int)
    -> c_int;
    fn sonicFlushStream(stream: *mut c_void) -> c_int;
    fn sonicSamplesAvailable(stream: *mut c_void) -> c_int;
}

/// The speeds a recording can be played at; beyond them speech stops being understood.
pub const SLOWEST: f32 = 0.5;
pub const FASTEST: f32 = 3.0;

/// A libsonic stream: interleaved samples in, the same voice at another speed out.
pub struct Stretcher {
    stream: NonNull<c_void>,
    channels: usize,
}

// SAFETY: the stream is plain heap memory owned by this value alone; libsonic keeps no global
// state, so it may move between threads.
unsafe impl Send for Stretcher {}

impl Stretcher {
    /// `None` when libsonic cannot allocate its buffers.
    pub fn new(sample_rate: u32, channels: u16) -> Option<Stretcher> {
        let rate = c_int::try_from(sample_rate).ok()?;
        // SAFETY: plain constructor; a null result is handled.
        let stream = unsafe { sonicCreateStream(rate, c_int::from(channels)) };
        Some(Stretcher {
            stream: NonNull::new(stream)?,
            channels: usize::from(channels.max(1)),
        })
    }

    pub fn set_speed(&mut self, speed: f32) {
        // SAFETY: the stream is valid for the life of `self`.
        unsafe { sonicSetSpeed(self.stream.as_ptr(), speed.clamp(SLOWEST, FASTEST)) }
    }

    /// Feeds whole frames of interleaved samples; a trailing partial frame is dropped.
    /// Returns false when libsonic could not grow its buffers.
    pub fn write(&mut self, samples: &[f32]) -> bool {
        let frames = samples.len() / self.channels;
        let Ok(frames) = c_int::try_from(frames) else {
            return false;
        };
        if frames == 0 {
            return true;
        }
        // SAFETY: `samples` holds at least `frames * channels` floats, which libsonic copies.
        unsafe { sonicWriteFloatToStream(self.stream.as_ptr(), samples.as_ptr(), frames) != 0 }
    }

    /// Pushes out what libsonic still holds, at the end of the input.
    pub fn flush(&mut self) {
        // SAFETY: the stream is valid for the life of `self`.
        unsafe {
            sonicFlushStream(self.stream.as_ptr());
        }
    }

    /// Appends every sample ready to `out`.
    pub fn read_into(&mut self, out: &mut Vec<f32>) {
        // SAFETY: the stream is valid for the life of `self`.
        let ready = unsafe { sonicSamplesAvailable(self.stream.as_ptr()) };
        let Ok(frames) = usize::try_from(ready) else {
            return;
        };
        if frames == 0 {
            return;
        }
        let start = out.len();
        out.resize(start + frames * self.channels, 0.0);
        // SAFETY: `out[start..]` has room for `ready` frames, all libsonic may write.
        let read = unsafe {
            sonicReadFloatFromStream(self.stream.as_ptr(), out[start..].as_mut_ptr(), ready)
        };
        let read = usize::try_from(read).unwrap_or(0).min(frames);
        out.truncate(start + read * self.channels);
    }
}

impl Drop for Stretcher {
    fn drop(&mut self) {
        // SAFETY: created by sonicCreateStream, destroyed once.
        unsafe { sonicDestroyStream(self.stream.as_ptr()) }
    }
}

/// The speed of a playing recording, changed from another thread while it plays.
#[derive(Clone, Debug)]
pub struct SpeedControl(Arc<AtomicU32>);

impl SpeedControl {
    pub fn new(speed: f32) -> SpeedControl {
        let control = SpeedControl(Arc::new(AtomicU32::new(0)));
        control.set(speed);
        control
    }

    pub fn set(&self, speed: f32) {
        let speed = if speed.is_finite() {
            speed.clamp(SLOWEST, FASTEST)
        } else {
            1.0
        };
        self.0.store(speed.to_bits(), Ordering::Relaxed);
    }

    pub fn get(&self) -> f32 {
        f32::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Frames read from the recording at once: about 20 ms, small enough that a speed change is
/// heard at once and the recording's position stays close to what is heard.
const CHUNK_FRAMES: usize = 1024;

/// A recording played at the speed of a [`SpeedControl`], its pitch kept. Elapsed time and
/// seeking stay in the recording's own seconds: only what comes out is shorter or longer.
pub struct Stretched<S: Source> {
    /// The recording in one format from start to end, which libsonic needs.
    inner: UniformSourceIterator<S>,
    stretcher: Option<Stretcher>,
    speed: SpeedControl,
    applied: f32,
    input: Vec<f32>,
    output: Vec<f32>,
    taken: usize,
    ended: bool,
}

impl<S: Source> Stretched<S> {
    pub fn new(source: S, speed: SpeedControl) -> Stretched<S> {
        let (channels, rate) = (source.channels(), source.sample_rate());
        Stretched {
            inner: UniformSourceIterator::new(source, channels, rate),
            stretcher: Stretcher::new(rate.get(), channels.get()),
            speed,
            applied: f32::NAN,
            input: Vec::with_capacity(CHUNK_FRAMES * usize::from(channels.get())),
            output: Vec::new(),
            taken: 0,
            ended: false,
        }
    }

    /// Stretches the next chunk of the recording; false once everything has come out.
    fn refill(&mut self) -> bool {
        let channels = usize::from(self.inner.channels().get());
        let Some(stretcher) = self.stretcher.as_mut() else {
            return false;
        };
        self.output.clear();
        self.taken = 0;
        while self.output.is_empty() && !self.ended {
            let speed = self.speed.get();
            if speed != self.applied {
                stretcher.set_speed(speed);
                self.applied = speed;
            }
            self.input.clear();
            self.input
                .extend(self.inner.by_ref().take(CHUNK_FRAMES * channels));
            if self.input.len() < CHUNK_FRAMES * channels {
                self.ended = true;
            }
            if !stretcher.write(&self.input) {
                log::warn!("audio: the time-stretcher ran out of memory; playback ends here");
                return false;
            }
            if self.ended {
                stretcher.flush();
            }
            stretcher.read_into(&mut self.output);
        }
        !self.output.is_empty()
    }
}

impl<S: Source> Iterator for Stretched<S> {
    type Item = rodio::Sample;

    fn next(&mut self) -> Option<rodio::Sample> {
        if self.stretcher.is_none() {
            return self.inner.next();
        }
        if self.taken == self.output.len() && !self.refill() {
            return None;
        }
        let sample = self.output.get(self.taken).copied();
        self.taken += 1;
        sample
    }
}

impl<S: Source> Source for Stretched<S> {
    fn current_span_len(&self) -> Option<usize> {
        // One format throughout, as the inner iterator makes it.
        None
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
        self.inner.try_seek(pos)?;
        // What libsonic holds belongs to the old place: start a fresh stream.
        let (channels, rate) = (self.inner.channels(), self.inner.sample_rate());
        self.stretcher = Stretcher::new(rate.get(), channels.get());
        self.applied = f32::NAN;
        self.output.clear();
        self.taken = 0;
        self.ended = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
