//! A recording's length before it plays, so a listen bar can say `0:00 / 4:12` from the start.
//! Only the headers are read: a local or already cached file in place, a remote one through the
//! same streaming reader the player uses, dropped (and its download stopped) once the decoder
//! has said how long it is.

use std::path::PathBuf;
use std::time::Duration;

use rodio::Source;

use super::stream::{decode_file, decode_remote, open_remote};
use super::{AudioError, Track};

/// How long `track` plays, when its format says so (`Ok(None)` when it does not, and for
/// synthesized speech, whose length is known only as its parts are made). A hint the track
/// carries is used only when the decoder cannot tell.
pub async fn track_length(
    client: &reqwest::Client,
    track: Track,
) -> Result<Option<Duration>, AudioError> {
    match track {
        Track::File { path, total_hint } => Ok(file_length(path).await?.or(total_hint)),
        // A finished download is read in place, with no network.
        Track::Remote {
            cache, total_hint, ..
        } if cache.is_file() => Ok(file_length(cache).await?.or(total_hint)),
        Track::Remote {
            url,
            cache,
            total_hint,
        } => {
            let audio = open_remote(client, &url, &cache).await?;
            // Decoding starts with blocking reads that wait for the first bytes.
            let total =
                blocking(move || decode_remote(audio, &url).map(|d| d.total_duration())).await?;
            Ok(total.or(total_hint))
        }
        Track::Speech(_) => Ok(None),
    }
}

async fn file_length(path: PathBuf) -> Result<Option<Duration>, AudioError> {
    blocking(move || decode_file(&path).map(|d| d.total_duration())).await
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AudioError> + Send + 'static,
) -> Result<T, AudioError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AudioError::Decode(format!("reading the recording stopped: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::audio::wav::WavWriter;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    }

    /// A silent mono WAV of `secs` seconds at 8 kHz.
    fn wav(path: &Path, secs: usize) {
        let mut w = WavWriter::create(path, 8000, 1).expect("create WAV");
        w.write_i16(&vec![0; 8000 * secs]).expect("samples");
        w.finish().expect("finish WAV");
    }

    #[test]
    fn lengths_come_from_the_file_or_the_cached_download() {
        let dir = std::env::temp_dir().join(format!("herald-probe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let rt = runtime();
        let client = reqwest::Client::new();

        let local = dir.join("local.wav");
        wav(&local, 3);
        let file = Track::File {
            path: local,
            total_hint: Some(Duration::from_secs(99)),
        };
        assert_eq!(
            rt.block_on(track_length(&client, file)).expect("a length"),
            Some(Duration::from_secs(3)),
            "the decoder's length wins over the hint"
        );

        // Cached: no request is made (nothing listens on port 9).
        let cache = dir.join("cached.wav");
        wav(&cache, 2);
        let remote = Track::Remote {
            url: "http://127.0.0.1:9/episode.wav".to_string(),
            cache,
            total_hint: None,
        };
        assert_eq!(
            rt.block_on(track_length(&client, remote))
                .expect("read from the cache"),
            Some(Duration::from_secs(2))
        );
        let uncached = Track::Remote {
            url: "http://127.0.0.1:9/episode.wav".to_string(),
            cache: dir.join("missing.wav"),
            total_hint: None,
        };
        assert!(matches!(
            rt.block_on(track_length(&client, uncached)),
            Err(AudioError::Fetch(_))
        ));

        let page = dir.join("page.mp3");
        std::fs::write(&page, "<!DOCTYPE html><html><body>Not found</body></html>").expect("write");
        let not_audio = Track::File {
            path: page,
            total_hint: None,
        };
        assert!(matches!(
            rt.block_on(track_length(&client, not_audio)),
            Err(AudioError::Decode(m)) if m.contains("web page")
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
