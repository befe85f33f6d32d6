//! Putting an article's narration on the player: its own recording as a [`Track`], or speech
//! synthesized from its parts. Shared by `herald listen` and the terminal app.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::timeline::Timeline;
use super::tts::{self, Discarding, NarrationConfig, Synthesis, TtsError};
use crate::audio::{SpeechFeed, Track};
use crate::model::Narration;

/// A cache file name for a recording's URL: a hash of the URL and its extension when it has a
/// short alphanumeric one.
pub fn cache_name(url: &str) -> String {
    let ext = Path::new(url.split(['?', '#']).next().unwrap_or_default())
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("audio");
    format!(
        "{:032x}.{ext}",
        crate::cache_key::fnv1a_128(&[url.as_bytes()])
    )
}

/// The track that plays a recording: a local file for `file://` URLs, else streamed while it
/// downloads into `audio_cache`.
pub fn recording_track(narration: &Narration, audio_cache: &Path) -> Track {
    match local_file(&narration.url) {
        Some(path) => Track::File {
            path,
            total_hint: None,
        },
        None => Track::Remote {
            url: narration.url.clone(),
            cache: audio_cache.join(cache_name(&narration.url)),
            total_hint: None,
        },
    }
}

/// The path of a `file://` recording (a local page's own, as in the demo edition).
pub fn local_file(url: &str) -> Option<PathBuf> {
    url::Url::parse(url)
        .ok()
        .filter(|u| u.scheme() == "file")?
        .to_file_path()
        .ok()
}

/// Starts synthesizing `parts` from part `first`; the feed goes to the player as
/// `Track::Speech`, and the `Synthesis` must be kept alive while it plays.
pub fn start_speech(
    parts: Vec<String>,
    first: usize,
    config: &NarrationConfig,
    speed: f32,
    cache: &Path,
) -> Result<(Synthesis, SpeechFeed), TtsError> {
    let mut synthesis = tts::start(parts, first, config, speed, cache)?;
    let feed = synthesis.take_feed().ok_or(TtsError::Stopped)?;
    Ok((synthesis, feed))
}

/// What becomes of `previous` when `next` replaces it: when `next` speaks from another folder
/// of the cache (another speed, or another text), the parts `previous` made ahead of its
/// listener will never be heard and are deleted once the player lets go of them; from the same
/// folder, `next` may hand them over again, so they stay.
pub fn replace_speech(previous: Option<Synthesis>, next: &Synthesis) -> Option<Discarding> {
    let previous = previous?;
    (previous.dir() != next.dir()).then(|| previous.discard_ahead())
}

/// The line that introduces an item of the listening queue: its feed's name, and its title
/// when a recording follows (synthesized narration speaks the title itself).
pub fn announcement_text(feed: &str, title: &str, recording: bool) -> String {
    let sentence = |s: &str| {
        let s = s.trim();
        if s.ends_with(['.', '!', '?']) {
            s.to_string()
        } else {
            format!("{s}.")
        }
    };
    let mut text = sentence(feed);
    if recording && !title.trim().is_empty() {
        text.push(' ');
        text.push_str(&sentence(title));
    }
    text
}

/// `text` spoken into a WAV file of the speech cache, made once (kept under a hash of the
/// text, the voice and the speed).
pub fn announcement(
    text: &str,
    config: &NarrationConfig,
    speed: f32,
    speech_cache: &Path,
) -> Result<PathBuf, TtsError> {
    let dir = speech_cache.join("announcements");
    let key = format!("{config:?}{speed}");
    let path = dir.join(format!(
        "{:032x}.wav",
        crate::cache_key::fnv1a_128(&[text.as_bytes(), key.as_bytes()])
    ));
    if path.is_file() {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|err| TtsError::Cache {
        path: dir.clone(),
        err,
    })?;
    // Written aside, then moved: a file half made is never taken for a whole one, and two
    // made at once (prepared ahead, and asked for) do not write into each other.
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = path.with_extension(format!("{}-{n}.part", std::process::id()));
    tts::synthesize_to_wav(&[text.to_string()], config, speed, speech_cache, &partial)?;
    let trimmed = trim_file(&partial, &path);
    let _ = std::fs::remove_file(&partial);
    trimmed.map_err(|err| TtsError::Cache {
        path: path.clone(),
        err,
    })?;
    Ok(path)
}

/// Below this, a sample of an announcement counts as silence.
const QUIET: u16 = 300;
/// Silence kept at either end of an announcement: the engine's own (a third of a second at
/// its end) would be heard as a gap between items.
const MARGIN: Duration = Duration::from_millis(30);

/// The 16-bit WAV at `from` written to `to` without its silence at either end.
fn trim_file(from: &Path, to: &Path) -> std::io::Result<()> {
    let bytes = std::fs::read(from)?;
    let invalid = |e: crate::audio::wav::WavError| std::io::Error::other(e.to_string());
    let info = crate::audio::wav::read_info(&bytes).map_err(invalid)?;
    if info.bits_per_sample != 16 {
        // Not the engines' usual format: kept as it is.
        return std::fs::copy(from, to).map(|_| ());
    }
    let data = &bytes[info.data_offset..info.data_offset + info.data_len];
    let samples: Vec<i16> = data
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let kept = trim_silence(&samples, info.channels, info.sample_rate);
    let partial = to.with_extension("trim.part");
    let mut writer =
        crate::audio::wav::WavWriter::create(&partial, info.sample_rate, info.channels)?;
    writer.write_i16(kept)?;
    writer.finish()?;
    std::fs::rename(&partial, to)
}

/// `samples` (interleaved) without the silence at either end, but for [`MARGIN`].
fn trim_silence(samples: &[i16], channels: u16, rate: u32) -> &[i16] {
    let channels = usize::from(channels.max(1));
    let loud = |s: &i16| s.unsigned_abs() >= QUIET;
    let (Some(first), Some(last)) = (
        samples.iter().position(loud),
        samples.iter().rposition(loud),
    ) else {
        return samples;
    };
    let margin = (MARGIN.as_secs_f64() * f64::from(rate)) as usize * channels;
    let start = (first / channels * channels).saturating_sub(margin);
    let end = ((last / channels + 1) * channels + margin).min(samples.len());
    &samples[start..end]
}

/// Speech started from part `first` counts time from there: the position and length in the
/// whole narration, once the timeline knows the parts before `first`. Until then the position
/// counts from `carried`, where `first` began in the narration this one replaced (a speed
/// change makes it again from the part being spoken: the clock goes on, it does not jump back
/// to 0:00), and the length is unknown.
pub fn speech_clock(
    timeline: &Timeline,
    first: usize,
    pos: Duration,
    carried: Option<Duration>,
) -> (Option<Duration>, Option<Duration>) {
    match timeline.start_of(first) {
        Some(offset) => (Some(offset + pos), timeline.total()),
        None => (carried.map(|start| start + pos), None),
    }
}

/// Where part `first` began in `previous`'s narration, for [`speech_clock`] of the one that
/// replaces it: known when `previous` told the same text (as many parts) and reached `first`,
/// or itself carried a start from before.
pub fn carried_start(
    previous: Option<(&Timeline, usize, Option<Duration>)>,
    parts: usize,
    first: usize,
) -> Option<Duration> {
    let (timeline, previous_first, carried) = previous?;
    if timeline.parts() != parts {
        return None;
    }
    if let Some(start) = timeline.start_of(first) {
        return Some(start);
    }
    // The previous one itself started later than its timeline knows: count from its start.
    let base = carried?;
    let between: Option<Duration> = (previous_first..first)
        .map(|part| timeline.duration_of(part))
        .sum();
    (first >= previous_first).then_some(base + between?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NarrationSource;

    fn narration(url: &str) -> Narration {
        Narration {
            url: url.to_string(),
            media_type: None,
            source: NarrationSource::AudioElement,
        }
    }

    #[test]
    fn an_announcement_names_the_feed_and_the_title_before_a_recording() {
        assert_eq!(
            announcement_text(
                "The Herald Demo Edition",
                "Harbour Town Opens Its First Tidal Power Station",
                true
            ),
            "The Herald Demo Edition. Harbour Town Opens Its First Tidal Power Station."
        );
        // Speech says the title itself.
        assert_eq!(announcement_text("Big Desk!", "Title?", false), "Big Desk!");
    }

    #[test]
    fn an_announcement_loses_its_silence_at_either_end_but_a_margin() {
        let rate = 1_000;
        let mut samples = vec![0i16; 2 * 400];
        samples.extend(std::iter::repeat_n(8_000i16, 2 * 100));
        samples.extend(vec![5i16; 2 * 300]);
        let kept = trim_silence(&samples, 2, rate);
        // 30 ms of margin either side of the 100 ms that sound, in stereo frames.
        assert_eq!(kept.len(), 2 * (30 + 100 + 30));
        assert_eq!(kept[2 * 30], 8_000);
        assert_eq!(kept[2 * 29], 0);
        // Silence alone is left as it is.
        assert_eq!(trim_silence(&[0; 10], 1, rate).len(), 10);
    }

    #[test]
    fn local_recordings_play_as_files_and_remote_ones_stream_into_the_cache() {
        let dir = Path::new("/cache/audio");
        match recording_track(&narration("file:///tmp/a.mp3"), dir) {
            Track::File { path, .. } => assert_eq!(path, PathBuf::from("/tmp/a.mp3")),
            other => panic!("expected a file, got {other:?}"),
        }
        match recording_track(&narration("https://example.org/a.mp3?x=1"), dir) {
            Track::Remote { url, cache, .. } => {
                assert_eq!(url, "https://example.org/a.mp3?x=1");
                assert!(cache.starts_with(dir));
                assert_eq!(cache.extension().and_then(|e| e.to_str()), Some("mp3"));
            }
            other => panic!("expected a stream, got {other:?}"),
        }
    }

    #[test]
    fn speech_from_a_later_part_counts_from_its_start() {
        let mut t = Timeline::new(3);
        t.set(2, Duration::from_secs(5));
        let at = Duration::from_secs(1);
        assert_eq!(speech_clock(&t, 2, at, None), (None, None));
        // Carried from the narration it replaced: the clock goes on from there.
        assert_eq!(
            speech_clock(&t, 2, at, Some(Duration::from_secs(20))),
            (Some(Duration::from_secs(21)), None)
        );
        t.set(0, Duration::from_secs(2));
        t.set(1, Duration::from_secs(3));
        assert_eq!(
            speech_clock(&t, 2, at, Some(Duration::from_secs(20))),
            (Some(Duration::from_secs(6)), Some(Duration::from_secs(10)))
        );
    }

    #[test]
    fn a_remade_narration_carries_where_its_part_began() {
        let mut old = Timeline::new(4);
        for part in 0..3 {
            old.set(part, Duration::from_secs(10));
        }
        let s = Duration::from_secs;
        // The old one knew where part 2 began.
        assert_eq!(carried_start(Some((&old, 0, None)), 4, 2), Some(s(20)));
        // Another text: nothing carried.
        assert_eq!(carried_start(Some((&old, 0, None)), 5, 2), None);
        // The old one had itself started at part 1 (after 12 s, carried), knowing only its own
        // parts: part 3 began 12 + 10 + 10 s in.
        let mut later = Timeline::new(4);
        later.set(1, s(10));
        later.set(2, s(10));
        assert_eq!(
            carried_start(Some((&later, 1, Some(s(12)))), 4, 3),
            Some(s(32))
        );
        assert_eq!(carried_start(Some((&later, 1, None)), 4, 3), None);
        assert_eq!(carried_start(None, 4, 3), None);
    }
}
