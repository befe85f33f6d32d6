//! Narration: an article's own recording (where to find it and which of several copies
//! herald can play), or speech synthesized from its text ([`tts`]) with its [`timeline`].

mod discover;
pub mod lookahead;
pub mod playback;
pub mod timeline;
pub mod tts;

pub use discover::{discover, discover_in_html, from_enclosures};
pub use timeline::Timeline;
pub use tts::{Engine, NarrationConfig, Synthesis, TtsError, article_parts, synthesize_to_wav};

use url::Url;

use crate::model::{Narration, NarrationSource};
use crate::sanitize;

/// The decodable formats, best first: rodio (symphonia) has no Opus decoder, and mp3 is the
/// most widely seekable while streaming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AudioFormat {
    Mp3,
    Mp4,
    Vorbis,
    Flac,
    Wav,
    /// Declared as audio but of a kind we cannot tell; tried only when nothing better exists.
    Unknown,
}

impl AudioFormat {
    /// What `url` with the declared `media_type` most likely holds; `None` when it is not audio
    /// herald can play (Opus, WebM, video, images...).
    pub fn classify(url: &str, media_type: Option<&str>) -> Option<AudioFormat> {
        let by_extension = Self::from_extension(&extension(url));
        if let Some(Err(())) = by_extension {
            return None;
        }
        let declared = media_type
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty());
        if let Some(t) = &declared {
            if t.contains("opus") {
                return None; // audio/opus, or audio/ogg; codecs=opus
            }
            let essence = t.split(';').next().unwrap_or_default().trim();
            if let Some(f) = Self::from_mime(essence) {
                return Some(f);
            }
            if !essence.starts_with("audio/") {
                return None;
            }
        }
        match by_extension {
            Some(Ok(f)) => Some(f),
            Some(Err(())) => None,
            // An `audio/...` type we do not know, or an extensionless URL in an audio element.
            None => Some(AudioFormat::Unknown),
        }
    }

    fn from_mime(essence: &str) -> Option<AudioFormat> {
        Some(match essence {
            "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg" | "audio/x-mp3" => {
                AudioFormat::Mp3
            }
            "audio/mp4" | "audio/x-m4a" | "audio/m4a" | "audio/aac" | "audio/x-aac"
            | "audio/mp4a-latm" => AudioFormat::Mp4,
            "audio/ogg" | "audio/vorbis" | "audio/x-vorbis+ogg" | "application/ogg" => {
                AudioFormat::Vorbis
            }
            "audio/flac" | "audio/x-flac" => AudioFormat::Flac,
            "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => AudioFormat::Wav,
            _ => return None,
        })
    }

    /// `Some(Err)` for extensions known not to be playable audio.
    fn from_extension(ext: &str) -> Option<Result<AudioFormat, ()>> {
        Some(Ok(match ext {
            "mp3" => AudioFormat::Mp3,
            "m4a" | "aac" | "mp4" | "m4b" => AudioFormat::Mp4,
            "ogg" | "oga" => AudioFormat::Vorbis,
            "flac" => AudioFormat::Flac,
            "wav" => AudioFormat::Wav,
            "opus" | "webm" | "weba" | "mkv" | "m4v" | "mov" | "avi" | "jpg" | "jpeg" | "png"
            | "gif" | "webp" | "svg" | "html" | "htm" | "pdf" => return Some(Err(())),
            _ => return None,
        }))
    }

    /// The media type to hand the player when the page declared none.
    pub fn mime(self) -> Option<&'static str> {
        match self {
            AudioFormat::Mp3 => Some("audio/mpeg"),
            AudioFormat::Mp4 => Some("audio/mp4"),
            AudioFormat::Vorbis => Some("audio/ogg"),
            AudioFormat::Flac => Some("audio/flac"),
            AudioFormat::Wav => Some("audio/wav"),
            AudioFormat::Unknown => None,
        }
    }
}

/// The lowercase extension of the URL's last path segment (query and fragment ignored).
fn extension(url: &str) -> String {
    let path = Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.split(['?', '#']).next().unwrap_or_default().to_string());
    let last = path.rsplit('/').next().unwrap_or_default();
    match last.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

/// One recording found somewhere, before the choice among several.
#[derive(Debug, Clone)]
struct Candidate {
    url: String,
    media_type: Option<String>,
    source: NarrationSource,
}

impl Candidate {
    /// Resolves `raw` against `base`, keeping only http(s) URLs, and file URLs for a page that is
    /// itself a local file (a web page must never point herald at local files).
    fn new(
        raw: &str,
        media_type: Option<&str>,
        source: NarrationSource,
        base: Option<&Url>,
    ) -> Option<Candidate> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let url = match base {
            Some(b) => b.join(raw).ok()?,
            None => Url::parse(raw).ok()?,
        };
        let local_page = base.is_some_and(|b| b.scheme() == "file");
        if !(matches!(url.scheme(), "http" | "https") || (local_page && url.scheme() == "file")) {
            return None;
        }
        let media_type = media_type.map(sanitize::line).filter(|t| !t.is_empty());
        Some(Candidate {
            url: sanitize::line(url.as_str()),
            media_type,
            source,
        })
    }
}

fn source_rank(s: NarrationSource) -> u8 {
    match s {
        NarrationSource::AudioElement => 0,
        NarrationSource::OgAudio => 1,
        NarrationSource::JsonLd => 2,
        NarrationSource::FeedEnclosure => 3,
    }
}

/// The best playable candidate: by format first, then by where it was found, then by order.
fn choose(candidates: Vec<Candidate>) -> Option<Narration> {
    candidates
        .into_iter()
        .filter_map(|c| {
            let format = AudioFormat::classify(&c.url, c.media_type.as_deref())?;
            Some((format, c))
        })
        .enumerate()
        .min_by_key(|(i, (f, c))| (*f, source_rank(c.source), *i))
        .map(|(_, (format, c))| Narration {
            media_type: c.media_type.or_else(|| format.mime().map(str::to_string)),
            url: c.url,
            source: c.source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_type_then_extension() {
        use AudioFormat::*;
        let c = AudioFormat::classify;
        assert_eq!(c("http://a/x.mp3?_=1", None), Some(Mp3));
        assert_eq!(c("http://a/x", Some("audio/mpeg")), Some(Mp3));
        assert_eq!(c("http://a/x.m4a", None), Some(Mp4));
        assert_eq!(c("http://a/x.ogg", Some("audio/ogg")), Some(Vorbis));
        assert_eq!(c("http://a/x.ogg", Some("audio/ogg; codecs=opus")), None);
        assert_eq!(
            c("http://a/x.ogg", Some("audio/ogg; codecs=\"opus\"")),
            None
        );
        assert_eq!(c("http://a/x.opus", None), None);
        assert_eq!(c("http://a/x.opus", Some("audio/ogg")), None);
        assert_eq!(c("http://a/x", Some("audio/opus")), None);
        assert_eq!(c("http://a/x.mp4", Some("video/mp4")), None);
        assert_eq!(c("http://a/x.webm", None), None);
        assert_eq!(c("http://a/x.FLAC", None), Some(Flac));
        assert_eq!(c("http://a/listen?id=3", None), Some(Unknown));
    }

    #[test]
    fn prefers_format_over_source_and_order() {
        let mk = |u: &str, s| Candidate::new(u, None, s, None);
        let cands = [
            mk("http://a/1.wav", NarrationSource::AudioElement),
            mk("http://a/2.ogg", NarrationSource::AudioElement),
            mk("http://a/3.opus", NarrationSource::AudioElement),
            mk("http://a/4.flac", NarrationSource::AudioElement),
            mk("http://a/5.m4a", NarrationSource::JsonLd),
            mk("http://a/6.mp3", NarrationSource::JsonLd),
            mk("http://a/7.mp3", NarrationSource::OgAudio),
        ];
        let mut all: Vec<Candidate> = cands.into_iter().flatten().collect();
        let order = ["7.mp3", "6.mp3", "5.m4a", "2.ogg", "4.flac", "1.wav"];
        for expected in order {
            let n = choose(all.clone()).expect("a candidate");
            assert!(n.url.ends_with(expected), "{} instead of {expected}", n.url);
            all.retain(|c| c.url != n.url);
        }
        assert_eq!(choose(all), None, "opus must never be chosen");
    }

    #[test]
    fn infers_a_media_type_and_rejects_non_http() {
        let base = Url::parse("https://site/a/b").expect("url");
        let c = Candidate::new("../x.mp3", None, NarrationSource::AudioElement, Some(&base));
        let n = choose(c.into_iter().collect()).expect("narration");
        assert_eq!(n.url, "https://site/x.mp3");
        assert_eq!(n.media_type.as_deref(), Some("audio/mpeg"));
        assert!(
            Candidate::new(
                "javascript:alert(1)",
                None,
                NarrationSource::OgAudio,
                Some(&base)
            )
            .is_none()
        );
        assert!(
            Candidate::new(
                "data:audio/mp3;base64,AA",
                None,
                NarrationSource::OgAudio,
                None
            )
            .is_none()
        );
    }
}
