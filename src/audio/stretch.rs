//! Speed that keeps the voice. A recording played faster or slower is time-stretched by
//! libsonic (the speech-grade stretcher espeak-ng itself links), not resampled: rodio's own
//! speed control raises the pitch with the speed, which makes a narrator squeak at 1.5x.

use std::ffi::{c_float, c_int, c_void};
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rodio::Source;
use rodio::source::SeekError;

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

/// Frames read from the recording at once: a few milliseconds, so that a speed change is heard
/// at once and the recording's position, published as it is read, moves as evenly as what is
/// heard (a larger chunk made it run ahead, then wait, by the chunk's length).
const CHUNK_FRAMES: usize = 256;

type Format = (rodio::ChannelCount, rodio::SampleRate);

/// A recording played at the speed of a [`SpeedControl`], its pitch kept. Elapsed time and
/// seeking stay in the recording's own seconds: only what comes out is shorter or longer.
pub struct Stretched<S: Source> {
    inner: S,
    speed: SpeedControl,
    /// The stream and the format it was made for; a recording may change format between spans.
    stretcher: Option<(Stretcher, Format)>,
    applied: f32,
    input: Vec<f32>,
    /// Stretched samples not yet taken, all of `format`. Kept filled between calls, so that the
    /// span length and format are known whenever rodio asks (empty only at the end).
    output: Vec<f32>,
    taken: usize,
    format: Format,
    ended: bool,
}

impl<S: Source> Stretched<S> {
    pub fn new(source: S, speed: SpeedControl) -> Stretched<S> {
        let format = (source.channels(), source.sample_rate());
        let mut stretched = Stretched {
            inner: source,
            speed,
            stretcher: None,
            applied: f32::NAN,
            input: Vec::new(),
            output: Vec::new(),
            taken: 0,
            format,
            ended: false,
        };
        stretched.refill();
        stretched
    }

    /// Stretches the recording until some output is ready; false once everything has come out.
    fn refill(&mut self) -> bool {
        self.output.clear();
        self.taken = 0;
        while self.output.is_empty() && !self.ended {
            // At a span boundary a decoder tells the next span's format only once its first
            // sample is decoded: take that sample first.
            let mut first = None;
            if self.inner.current_span_len() == Some(0) {
                first = self.inner.next();
                self.ended = first.is_none();
            }
            let format = (self.inner.channels(), self.inner.sample_rate());
            // A new format: what the stretcher still holds comes out first, in the old one.
            if let Some((mut old, old_format)) = self.stretcher.take_if(|(_, f)| *f != format) {
                old.flush();
                old.read_into(&mut self.output);
                if !self.output.is_empty() {
                    self.format = old_format;
                    return true;
                }
            }
            if self.stretcher.is_none() {
                let Some(new) = Stretcher::new(format.1.get(), format.0.get()) else {
                    log::warn!("audio: the time-stretcher ran out of memory; playback ends here");
                    self.ended = true;
                    return false;
                };
                self.stretcher = Some((new, format));
                self.applied = f32::NAN;
            }
            let Some((stretcher, _)) = self.stretcher.as_mut() else {
                return false;
            };
            let speed = self.speed.get();
            if speed != self.applied {
                stretcher.set_speed(speed);
                self.applied = speed;
            }
            // No further than the end of the inner span, after which its format may change.
            let chunk = CHUNK_FRAMES * usize::from(format.0.get());
            let taken = usize::from(first.is_some());
            let wanted = match self.inner.current_span_len() {
                Some(left) if left > 0 || taken > 0 => (left + taken).min(chunk),
                _ => chunk,
            };
            self.input.clear();
            self.input.extend(first);
            let rest = wanted.saturating_sub(self.input.len());
            self.input.extend(self.inner.by_ref().take(rest));
            self.ended |= self.input.len() < wanted;
            if !stretcher.write(&self.input) {
                log::warn!("audio: the time-stretcher ran out of memory; playback ends here");
                self.ended = true;
                return false;
            }
            if self.ended {
                stretcher.flush();
            }
            stretcher.read_into(&mut self.output);
            self.format = format;
        }
        !self.output.is_empty()
    }
}

impl<S: Source> Iterator for Stretched<S> {
    type Item = rodio::Sample;

    fn next(&mut self) -> Option<rodio::Sample> {
        if self.taken == self.output.len() && !self.refill() {
            return None;
        }
        let sample = self.output.get(self.taken).copied();
        self.taken += 1;
        if self.taken == self.output.len() {
            self.refill();
        }
        sample
    }
}

impl<S: Source> Source for Stretched<S> {
    fn current_span_len(&self) -> Option<usize> {
        Some(self.output.len() - self.taken)
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.format.0
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.format.1
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), SeekError> {
        self.inner.try_seek(pos)?;
        // What the stretcher holds belongs to the old place.
        self.stretcher = None;
        self.ended = false;
        self.refill();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
