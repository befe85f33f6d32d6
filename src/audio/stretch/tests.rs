use std::num::NonZero;
use std::time::Duration;

use rodio::Source;
use rodio::buffer::SamplesBuffer;

use super::{SpeedControl, Stretched};

const RATE: u32 = 48_000;
const STEREO: NonZero<u16> = NonZero::new(2).expect("two channels");
const RATE_HZ: NonZero<u32> = NonZero::new(RATE).expect("a rate");

/// A voice-like sound: a 110 Hz buzz rich in harmonics, its loudness rising and falling four
/// times a second like syllables, the same in both channels.
fn voice(seconds: f32, f0: f32) -> Vec<f32> {
    let frames = (seconds * RATE as f32) as usize;
    let mut out = Vec::with_capacity(frames * 2);
    for n in 0..frames {
        let t = n as f32 / RATE as f32;
        let buzz: f32 = (1..=20)
            .map(|k| (std::f32::consts::TAU * f0 * k as f32 * t).sin() / k as f32)
            .sum();
        let syllables = 0.6 + 0.4 * (std::f32::consts::TAU * 4.0 * t).sin();
        let s = 0.3 * buzz * syllables;
        out.extend([s, s]);
    }
    out
}

fn source(samples: Vec<f32>) -> SamplesBuffer {
    SamplesBuffer::new(STEREO, RATE_HZ, samples)
}

/// The median fundamental of the left channel, by autocorrelation over 40 ms windows, looking
/// between 70 and 300 Hz (a speaking voice).
fn median_f0(interleaved: &[f32]) -> f32 {
    let left: Vec<f32> = interleaved.iter().step_by(2).copied().collect();
    let window = (RATE / 25) as usize;
    let (shortest, longest) = ((RATE / 300) as usize, (RATE / 70) as usize);
    let mut found: Vec<f32> = left
        .chunks_exact(window + longest)
        .filter_map(|w| {
            let energy: f32 = w[..window].iter().map(|s| s * s).sum();
            if energy < 1e-3 {
                return None;
            }
            let lag = (shortest..=longest).max_by(|&a, &b| {
                let corr = |lag: usize| -> f32 { (0..window).map(|i| w[i] * w[i + lag]).sum() };
                corr(a).total_cmp(&corr(b))
            })?;
            Some(RATE as f32 / lag as f32)
        })
        .collect();
    assert!(!found.is_empty(), "no voiced window");
    found.sort_by(f32::total_cmp);
    found[found.len() / 2]
}

fn frames(samples: &[f32]) -> f32 {
    (samples.len() / 2) as f32
}

#[test]
fn the_pitch_finder_hears_a_higher_voice() {
    assert!((median_f0(&voice(1.0, 110.0)) - 110.0).abs() < 2.0);
    assert!((median_f0(&voice(1.0, 165.0)) - 165.0).abs() < 3.0);
}

#[test]
fn faster_or_slower_the_voice_keeps_its_pitch() {
    let input = voice(3.0, 110.0);
    for speed in [0.5, 0.75, 1.5, 2.0, 3.0] {
        let out: Vec<f32> =
            Stretched::new(source(input.clone()), SpeedControl::new(speed)).collect();
        let expected = frames(&input) / speed;
        assert!(
            (frames(&out) - expected).abs() < expected * 0.01,
            "{speed}x: {} frames, expected {expected}",
            frames(&out)
        );
        let f0 = median_f0(&out);
        assert!((f0 - 110.0).abs() < 110.0 * 0.03, "{speed}x: F0 {f0} Hz");
    }
}

#[test]
fn at_normal_speed_the_recording_comes_out_as_it_went_in() {
    let input = voice(1.0, 110.0);
    let out: Vec<f32> = Stretched::new(source(input.clone()), SpeedControl::new(1.0)).collect();
    assert_eq!(out.len(), input.len());
    // libsonic works in 16 bits.
    let worst = out
        .iter()
        .zip(&input)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst < 1e-4, "differs by {worst}");
}

#[test]
fn a_speed_change_is_heard_while_playing() {
    let input = voice(3.0, 110.0);
    let speed = SpeedControl::new(1.0);
    let mut stretched = Stretched::new(source(input.clone()), speed.clone());
    // The first second at 1x, then the other two at 2x.
    let first: Vec<f32> = stretched.by_ref().take(RATE as usize * 2).collect();
    speed.set(2.0);
    let rest: Vec<f32> = stretched.collect();
    assert_eq!(frames(&first), RATE as f32);
    let expected = RATE as f32 * 2.0 / 2.0;
    assert!(
        (frames(&rest) - expected).abs() < expected * 0.02,
        "{} frames after the change, expected {expected}",
        frames(&rest)
    );
}

#[test]
fn a_seek_goes_to_the_recordings_own_second() {
    let input = voice(3.0, 110.0);
    let mut stretched = Stretched::new(source(input), SpeedControl::new(1.5));
    let _: Vec<f32> = stretched.by_ref().take(RATE as usize).collect();
    stretched
        .try_seek(Duration::from_secs(2))
        .expect("a buffer seeks");
    let rest: Vec<f32> = stretched.collect();
    // One second of the recording left, heard in two thirds of a second.
    let expected = RATE as f32 / 1.5;
    assert!(
        (frames(&rest) - expected).abs() < expected * 0.02,
        "{} frames after the seek, expected {expected}",
        frames(&rest)
    );
}

#[test]
fn speeds_out_of_range_are_held_to_it() {
    let speed = SpeedControl::new(10.0);
    assert_eq!(speed.get(), super::FASTEST);
    speed.set(f32::NAN);
    assert_eq!(speed.get(), 1.0);
    speed.set(0.1);
    assert_eq!(speed.get(), super::SLOWEST);
}

/// A recording as rodio's decoders give it: spans of one format each, and a span length of 0
/// before the first sample is decoded.
struct Decoded {
    spans: Vec<(u16, u32, Vec<f32>)>,
    span: usize,
    at: usize,
    started: bool,
}

impl Decoded {
    fn new(spans: Vec<(u16, u32, Vec<f32>)>) -> Decoded {
        Decoded {
            spans,
            span: 0,
            at: 0,
            started: false,
        }
    }
}

impl Iterator for Decoded {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        self.started = true;
        loop {
            let (_, _, samples) = self.spans.get(self.span)?;
            if let Some(s) = samples.get(self.at) {
                self.at += 1;
                return Some(*s);
            }
            self.span += 1;
            self.at = 0;
        }
    }
}

impl Source for Decoded {
    fn current_span_len(&self) -> Option<usize> {
        if !self.started {
            return Some(0);
        }
        let (_, _, samples) = self.spans.get(self.span)?;
        Some(samples.len() - self.at)
    }

    fn channels(&self) -> NonZero<u16> {
        let (c, _, _) = self.spans[self.span.min(self.spans.len() - 1)];
        NonZero::new(c).expect("channels")
    }

    fn sample_rate(&self) -> NonZero<u32> {
        let (_, r, _) = self.spans[self.span.min(self.spans.len() - 1)];
        NonZero::new(r).expect("rate")
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

#[test]
fn a_decoder_that_has_not_started_is_not_taken_for_empty() {
    let input = voice(1.0, 110.0);
    let decoded = Decoded::new(vec![(2, RATE, input.clone())]);
    let out: Vec<f32> = Stretched::new(decoded, SpeedControl::new(1.5)).collect();
    let expected = frames(&input) / 1.5;
    assert!((frames(&out) - expected).abs() < expected * 0.01);
}

#[test]
fn a_change_of_format_midway_is_passed_on_at_a_span_boundary() {
    // A second of stereo at 48 kHz, then a second of mono at 22,050 Hz.
    let stereo = voice(1.0, 110.0);
    let mono: Vec<f32> = voice(1.0, 110.0)
        .into_iter()
        .step_by(2)
        .take(22_050)
        .collect();
    let decoded = Decoded::new(vec![(2, RATE, stereo), (1, 22_050, mono)]);
    let mut stretched = Stretched::new(decoded, SpeedControl::new(2.0));
    let mut heard: Vec<(u16, u32, usize)> = Vec::new();
    loop {
        let span = stretched.current_span_len().expect("a length");
        if span == 0 {
            break;
        }
        let format = (stretched.channels().get(), stretched.sample_rate().get());
        let got = stretched.by_ref().take(span).count();
        assert_eq!(got, span);
        match heard.last_mut() {
            Some((c, r, n)) if (*c, *r) == format => *n += got,
            _ => heard.push((format.0, format.1, got)),
        }
    }
    assert_eq!(heard.len(), 2, "{heard:?}");
    let (c0, r0, n0) = heard[0];
    let (c1, r1, n1) = heard[1];
    assert_eq!((c0, r0, c1, r1), (2, RATE, 1, 22_050));
    // Each second heard in about half a second (libsonic pads what it flushes at the change),
    // in whole frames of its own format.
    let half = |n: usize, rate: u32| (n as f32 - rate as f32 / 2.0).abs() < rate as f32 * 0.03;
    assert!(half(n0 / 2, RATE), "{n0}");
    assert!(half(n1, 22_050), "{n1}");
    assert_eq!(n0 % 2, 0);
}
