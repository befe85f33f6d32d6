//! Joins audio files into one WAV, one after the other with silence between them: a bulletin
//! written by `listen --unread --out`. The pieces may differ in rate and channels (a voice's
//! 22.05 kHz mono line before a 44.1 kHz stereo recording): all are converted to the richest
//! format among them, so that none loses quality.

use std::num::NonZero;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rodio::Source;
use rodio::source::UniformSourceIterator;

use super::AudioError;
use super::stream::{Shielded, decode_file, partial_path};
use super::wav::WavWriter;

/// One file of the joined whole, and the silence after it.
#[derive(Debug, Clone)]
pub struct Piece {
    pub path: PathBuf,
    pub silence_after: Duration,
}

/// Writes `pieces` into `out` (beside it first, then renamed); returns where each piece starts
/// in the whole and the whole's length.
pub fn join_to_wav(pieces: &[Piece], out: &Path) -> Result<(Vec<Duration>, Duration), AudioError> {
    let mut rate = 0u32;
    let mut channels = 0u16;
    for piece in pieces {
        let decoder = decode_file(&piece.path)?;
        rate = rate.max(decoder.sample_rate().get());
        channels = channels.max(decoder.channels().get());
    }
    let (Some(rate), Some(channels)) = (NonZero::new(rate), NonZero::new(channels)) else {
        return Err(AudioError::Decode("nothing to join".to_string()));
    };
    let partial = partial_path(out);
    let written = write_all(pieces, &partial, rate, channels).and_then(|done| {
        std::fs::rename(&partial, out).map_err(|e| AudioError::Decode(e.to_string()))?;
        Ok(done)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn write_all(
    pieces: &[Piece],
    path: &Path,
    rate: NonZero<u32>,
    channels: NonZero<u16>,
) -> Result<(Vec<Duration>, Duration), AudioError> {
    let io =
        |e: std::io::Error| AudioError::Decode(format!("cannot write {}: {e}", path.display()));
    let mut writer = WavWriter::create(path, rate.get(), channels.get()).map_err(io)?;
    let frames_per_sec = u64::from(rate.get());
    let mut frames = 0u64;
    let mut starts = Vec::with_capacity(pieces.len());
    let mut buf = Vec::with_capacity(8192);
    for piece in pieces {
        starts.push(Duration::from_secs_f64(
            frames as f64 / frames_per_sec as f64,
        ));
        let decoder = Shielded::new(decode_file(&piece.path)?);
        let mut samples = 0u64;
        for s in UniformSourceIterator::new(decoder, channels, rate) {
            buf.push(s);
            samples += 1;
            if buf.len() == buf.capacity() {
                writer.write_f32(buf.drain(..)).map_err(io)?;
            }
        }
        writer.write_f32(buf.drain(..)).map_err(io)?;
        // Whole frames only, so that the channels stay in step across pieces.
        let partial = samples % u64::from(channels.get());
        if partial != 0 {
            let pad = u64::from(channels.get()) - partial;
            writer
                .write_f32(std::iter::repeat_n(0.0, pad as usize))
                .map_err(io)?;
            samples += pad;
        }
        let silence = (piece.silence_after.as_secs_f64() * frames_per_sec as f64).round() as u64;
        writer
            .write_f32(std::iter::repeat_n(
                0.0,
                (silence * u64::from(channels.get())) as usize,
            ))
            .map_err(io)?;
        frames += samples / u64::from(channels.get()) + silence;
    }
    let total = writer.finish().map_err(io)?;
    Ok((starts, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::wav::read_info;

    fn tone(path: &Path, rate: u32, channels: u16, secs: f64) {
        let mut w = WavWriter::create(path, rate, channels).expect("create");
        let frames = (secs * f64::from(rate)) as usize;
        let samples = (0..frames).flat_map(|i| {
            let v = (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 0.5;
            std::iter::repeat_n(v, channels as usize)
        });
        w.write_f32(samples).expect("samples");
        w.finish().expect("finish");
    }

    #[test]
    fn pieces_of_different_formats_join_in_the_richest_with_their_silences() {
        let dir = std::env::temp_dir().join(format!("herald-join-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let (a, b) = (dir.join("a.wav"), dir.join("b.wav"));
        tone(&a, 22050, 1, 1.0);
        tone(&b, 44100, 2, 2.0);
        let out = dir.join("joined.wav");
        let pieces = [
            Piece {
                path: a.clone(),
                silence_after: Duration::from_millis(500),
            },
            Piece {
                path: b.clone(),
                silence_after: Duration::ZERO,
            },
        ];
        let (starts, total) = join_to_wav(&pieces, &out).expect("joined");
        let bytes = std::fs::read(&out).expect("read");
        let info = read_info(&bytes).expect("a WAV");
        assert_eq!((info.sample_rate, info.channels), (44100, 2));
        assert!((total.as_secs_f64() - 3.5).abs() < 0.01, "{total:?}");
        assert_eq!(starts[0], Duration::ZERO);
        assert!((starts[1].as_secs_f64() - 1.5).abs() < 0.01, "{starts:?}");
        // The half second after the first piece is silent; the tone on either side is not.
        let sample = |t: f64| {
            let frame = (t * 44100.0) as usize;
            let at = info.data_offset + frame * 4;
            i16::from_le_bytes([bytes[at], bytes[at + 1]])
        };
        let loudest = |from: f64, to: f64| {
            let mut t = from;
            let mut m = 0i16;
            while t < to {
                m = m.max(sample(t).saturating_abs());
                t += 1.0 / 44100.0;
            }
            m
        };
        assert!(loudest(0.2, 0.8) > 10_000);
        assert_eq!(loudest(1.02, 1.48), 0);
        assert!(loudest(1.6, 3.4) > 10_000);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
