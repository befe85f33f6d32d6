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

/// Speech started from part `first` counts time from there: the position and length in the
/// whole narration, once the timeline knows the parts before `first` (else both unknown).
pub fn speech_clock(
    timeline: &Timeline,
    first: usize,
    pos: Duration,
) -> (Option<Duration>, Option<Duration>) {
    match timeline.start_of(first) {
        Some(offset) => (Some(offset + pos), timeline.total()),
        None => (None, None),
    }
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
        assert_eq!(speech_clock(&t, 2, at), (None, None));
        t.set(0, Duration::from_secs(2));
        t.set(1, Duration::from_secs(3));
        assert_eq!(
            speech_clock(&t, 2, at),
            (Some(Duration::from_secs(6)), Some(Duration::from_secs(10)))
        );
    }
}
