//! Lengths of audio files read from their own framing, independently of the decoders herald
//! uses, to check what herald says about them.

use std::time::Duration;

/// Length of an MPEG audio file by walking its frame headers (independent of the decoder).
pub fn mp3_duration(bytes: &[u8]) -> Duration {
    let mut i = 0;
    // Skip an ID3v2 tag.
    if bytes.starts_with(b"ID3") && bytes.len() > 10 {
        let size = bytes[6..10]
            .iter()
            .fold(0usize, |a, b| (a << 7) | usize::from(b & 0x7f));
        i = 10 + size;
    }
    let mut seconds = 0.0;
    while i + 4 <= bytes.len() {
        let h = &bytes[i..i + 4];
        if h[0] != 0xff || h[1] & 0xe0 != 0xe0 {
            i += 1;
            continue;
        }
        let version = (h[1] >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
        let layer = (h[1] >> 1) & 3; // 1 = layer III
        let bitrate_index = usize::from(h[2] >> 4);
        let rate_index = usize::from((h[2] >> 2) & 3);
        if layer != 1
            || bitrate_index == 0
            || bitrate_index == 15
            || rate_index == 3
            || version == 1
        {
            i += 1;
            continue;
        }
        let mpeg1 = version == 3;
        let bitrates_v1 = [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ];
        let bitrates_v2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        let rates = [44100, 48000, 32000];
        let rate = rates[rate_index]
            >> if mpeg1 {
                0
            } else if version == 2 {
                1
            } else {
                2
            };
        let kbps = if mpeg1 {
            bitrates_v1[bitrate_index]
        } else {
            bitrates_v2[bitrate_index]
        };
        let samples = if mpeg1 { 1152 } else { 576 };
        let padding = usize::from((h[2] >> 1) & 1);
        let len = samples / 8 * kbps * 1000 / rate + padding;
        seconds += samples as f64 / rate as f64;
        i += len.max(1);
    }
    Duration::from_secs_f64(seconds)
}

/// Length of an Ogg Vorbis file: the last page's granule position (samples per channel) over
/// the sample rate of the identification header.
pub fn ogg_vorbis_duration(bytes: &[u8]) -> Duration {
    assert!(bytes.starts_with(b"OggS"), "not an Ogg file");
    // The first page holds the identification header: 0x01 "vorbis", version (4 bytes),
    // channels (1), sample rate (4, little-endian).
    let segments = usize::from(bytes[26]);
    let packet = &bytes[27 + segments..];
    assert!(packet.starts_with(b"\x01vorbis"), "not Vorbis");
    let rate = u32::from_le_bytes(packet[12..16].try_into().expect("4 bytes"));
    let last = bytes
        .windows(4)
        .rposition(|w| w == b"OggS")
        .expect("an Ogg page");
    let granule = u64::from_le_bytes(bytes[last + 6..last + 14].try_into().expect("8 bytes"));
    Duration::from_secs_f64(granule as f64 / f64::from(rate))
}
