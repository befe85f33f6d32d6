//! WAV files: reading the header of an engine's output (fixing the placeholder sizes a pipe
//! leaves), and writing 16-bit PCM for `listen --out` and the speech cache.
//!
//! Written here rather than with `hound`: its reader trusts the sizes a pipe leaves as
//! placeholders, and its writer switches to a 68-byte header above two channels, where the
//! speech cache recognizes a complete file by its canonical 44-byte one.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

/// The format and where the samples are in a WAV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavInfo {
    pub sample_rate: u32,
    pub channels: u16,
    pub bits_per_sample: u16,
    /// Byte offset of the first sample.
    pub data_offset: usize,
    /// Bytes of sample data actually present.
    pub data_len: usize,
}

impl WavInfo {
    pub fn duration(&self) -> Duration {
        let frame = u64::from(self.channels) * u64::from(self.bits_per_sample / 8);
        if frame == 0 || self.sample_rate == 0 {
            return Duration::ZERO;
        }
        let frames = self.data_len as u64 / frame;
        Duration::from_secs_f64(frames as f64 / f64::from(self.sample_rate))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("not a WAV file: {0}")]
    Invalid(&'static str),
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// Reads the header. Sizes larger than the file (an engine writing to a pipe cannot know them)
/// are taken from the bytes actually present.
pub fn read_info(bytes: &[u8]) -> Result<WavInfo, WavError> {
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(WavError::Invalid("no RIFF/WAVE header"));
    }
    let mut at = 12;
    let mut format = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_at(bytes, at + 4).ok_or(WavError::Invalid("truncated chunk"))? as usize;
        let body = at + 8;
        if id == b"fmt " {
            let channels = u16_at(bytes, body + 2).ok_or(WavError::Invalid("short fmt chunk"))?;
            let sample_rate =
                u32_at(bytes, body + 4).ok_or(WavError::Invalid("short fmt chunk"))?;
            let bits = u16_at(bytes, body + 14).ok_or(WavError::Invalid("short fmt chunk"))?;
            format = Some((sample_rate, channels, bits));
        } else if id == b"data" {
            let (sample_rate, channels, bits_per_sample) =
                format.ok_or(WavError::Invalid("data before fmt"))?;
            let data_len = size.min(bytes.len() - body);
            return Ok(WavInfo {
                sample_rate,
                channels,
                bits_per_sample,
                data_offset: body,
                data_len,
            });
        }
        at = body.saturating_add(size + (size & 1));
    }
    Err(WavError::Invalid("no data chunk"))
}

/// Rewrites the RIFF and data sizes to match the bytes present (espeak-ng writing to stdout
/// leaves 0x7ffff000 there, which decoders read as a 13-hour file).
pub fn fix_sizes(bytes: &mut [u8]) -> Result<WavInfo, WavError> {
    let info = read_info(bytes)?;
    let riff = (bytes.len() - 8) as u32;
    bytes[4..8].copy_from_slice(&riff.to_le_bytes());
    let data_size_at = info.data_offset - 4;
    bytes[data_size_at..info.data_offset].copy_from_slice(&(info.data_len as u32).to_le_bytes());
    Ok(info)
}

/// Writes 16-bit PCM, the sizes filled in by [`WavWriter::finish`].
pub struct WavWriter<W: Write + Seek> {
    out: BufWriter<W>,
    channels: u16,
    sample_rate: u32,
    data_bytes: u64,
}

impl WavWriter<std::fs::File> {
    pub fn create(path: &Path, sample_rate: u32, channels: u16) -> std::io::Result<Self> {
        WavWriter::new(std::fs::File::create(path)?, sample_rate, channels)
    }
}

impl<W: Write + Seek> WavWriter<W> {
    pub fn new(inner: W, sample_rate: u32, channels: u16) -> std::io::Result<Self> {
        let mut w = WavWriter {
            out: BufWriter::new(inner),
            channels,
            sample_rate,
            data_bytes: 0,
        };
        w.write_header(0)?;
        Ok(w)
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn channels(&self) -> u16 {
        self.channels
    }

    fn write_header(&mut self, data_bytes: u32) -> std::io::Result<()> {
        let block_align = self.channels * 2;
        let out = &mut self.out;
        out.write_all(b"RIFF")?;
        out.write_all(&(36 + data_bytes).to_le_bytes())?;
        out.write_all(b"WAVEfmt ")?;
        out.write_all(&16u32.to_le_bytes())?;
        out.write_all(&1u16.to_le_bytes())?; // PCM
        out.write_all(&self.channels.to_le_bytes())?;
        out.write_all(&self.sample_rate.to_le_bytes())?;
        out.write_all(&(self.sample_rate * u32::from(block_align)).to_le_bytes())?;
        out.write_all(&block_align.to_le_bytes())?;
        out.write_all(&16u16.to_le_bytes())?;
        out.write_all(b"data")?;
        out.write_all(&data_bytes.to_le_bytes())
    }

    pub fn write_i16(&mut self, samples: &[i16]) -> std::io::Result<()> {
        for s in samples {
            self.out.write_all(&s.to_le_bytes())?;
        }
        self.data_bytes += samples.len() as u64 * 2;
        Ok(())
    }

    /// Samples in -1.0..=1.0 (rodio's), clipped and converted to 16 bits.
    pub fn write_f32(&mut self, samples: impl IntoIterator<Item = f32>) -> std::io::Result<()> {
        for s in samples {
            let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            self.out.write_all(&v.to_le_bytes())?;
            self.data_bytes += 2;
        }
        Ok(())
    }

    /// Fills in the sizes; returns the length written.
    pub fn finish(mut self) -> std::io::Result<Duration> {
        let data = u32::try_from(self.data_bytes)
            .map_err(|_| std::io::Error::other("WAV larger than 4 GB"))?;
        self.out.flush()?;
        self.out.seek(SeekFrom::Start(0))?;
        self.write_header(data)?;
        self.out.flush()?;
        let frames = self.data_bytes / (2 * u64::from(self.channels.max(1)));
        Ok(Duration::from_secs_f64(
            frames as f64 / f64::from(self.sample_rate.max(1)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_it_reads() {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = WavWriter::new(&mut buf, 22050, 1).expect("header");
        w.write_i16(&vec![1000; 22050]).expect("samples");
        let d = w.finish().expect("finish");
        assert_eq!(d, Duration::from_secs(1));
        let info = read_info(buf.get_ref()).expect("valid WAV");
        assert_eq!(
            (info.sample_rate, info.channels, info.bits_per_sample),
            (22050, 1, 16)
        );
        assert_eq!(info.duration(), Duration::from_secs(1));
    }

    #[test]
    fn pipe_placeholder_sizes_are_fixed() {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = WavWriter::new(&mut buf, 8000, 1).expect("header");
        w.write_i16(&[0; 4000]).expect("samples");
        w.finish().expect("finish");
        let mut bytes = buf.into_inner();
        bytes[4..8].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        let info = fix_sizes(&mut bytes).expect("valid");
        assert_eq!(info.duration(), Duration::from_millis(500));
        assert_eq!(u32_at(&bytes, 40), Some(8000));
    }
}
