//! The cost of keeping the voice at another speed:
//!
//!   cargo bench --bench stretch
//!
//! `stretch/ten_seconds_48k_stereo_at_1.5x`: time-stretching ten seconds of a 48 kHz stereo
//! recording. Divided by ten seconds it is the share of one core that playback at 1.5x takes.

use std::hint::black_box;
use std::num::NonZero;

use criterion::{Criterion, criterion_group, criterion_main};
use rodio::buffer::SamplesBuffer;

use herald::audio::stretch::{SpeedControl, Stretched};

const RATE: u32 = 48_000;

fn ten_seconds() -> Vec<f32> {
    (0..RATE as usize * 10)
        .flat_map(|n| {
            let t = n as f32 / RATE as f32;
            let s: f32 = (1..=12)
                .map(|k| (std::f32::consts::TAU * 110.0 * k as f32 * t).sin() / k as f32)
                .sum();
            [0.2 * s, 0.2 * s]
        })
        .collect()
}

fn stretch(c: &mut Criterion) {
    let samples = ten_seconds();
    let (channels, rate) = (NonZero::new(2).unwrap(), NonZero::new(RATE).unwrap());
    let mut group = c.benchmark_group("stretch");
    group.sample_size(10);
    for speed in [1.0, 1.5, 2.0] {
        group.bench_function(format!("ten_seconds_48k_stereo_at_{speed}x"), |b| {
            b.iter(|| {
                let source = SamplesBuffer::new(channels, rate, samples.clone());
                black_box(Stretched::new(source, SpeedControl::new(speed)).count())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, stretch);
criterion_main!(benches);
