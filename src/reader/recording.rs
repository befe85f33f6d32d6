//! A recording's length before it plays, remembered for remote recordings.

use std::time::Duration;

use super::Context;
use crate::audio::{Track, probe};
use crate::model::Narration;
use crate::narration::playback;
use crate::store::CacheKind;

/// A recording's length as the store keeps it.
#[derive(serde::Serialize, serde::Deserialize)]
struct KnownLength {
    seconds: f64,
}

/// The length of an article's recording, before it plays. A remote recording's length is kept
/// in the store once learned, so that a reopened article shows it at once, offline too; a local
/// file's is read from the file each time (it may change). `None` when it cannot be had.
pub async fn recording_length(ctx: &Context, narration: &Narration) -> Option<Duration> {
    let track = playback::recording_track(narration, &ctx.paths.cache.join("audio"));
    let remote = matches!(track, Track::Remote { .. });
    if remote
        && let Some(known) = ctx
            .store()
            .ok()
            .and_then(|s| {
                s.get_cached(CacheKind::RecordingLength, &narration.url)
                    .ok()
            })
            .flatten()
            .and_then(|json| serde_json::from_str::<KnownLength>(&json).ok())
            .and_then(|k| Duration::try_from_secs_f64(k.seconds).ok())
    {
        return Some(known);
    }
    let length = probe::track_length(ctx.net.client(), track)
        .await
        .ok()
        .flatten()?;
    if remote
        && let Ok(json) = serde_json::to_string(&KnownLength {
            seconds: length.as_secs_f64(),
        })
        && let Ok(store) = ctx.store()
    {
        // Best effort: without it the next opening reads the recording's headers again.
        let _ = store.put_cached(CacheKind::RecordingLength, &narration.url, &json);
    }
    Some(length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;
    use crate::model::NarrationSource;

    fn narration(url: &str) -> Narration {
        Narration {
            url: url.to_string(),
            media_type: None,
            source: NarrationSource::FeedEnclosure,
        }
    }

    #[test]
    fn a_remote_recording_length_once_known_is_read_from_the_store() {
        let dir = std::env::temp_dir().join(format!("herald-length-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("config.toml"), "").expect("config");
        let paths = Paths {
            config: dir.join("config.toml"),
            config_given: true,
            data: dir.join("data"),
            cache: dir.join("data/cache"),
        };
        let ctx = Context::load(paths).expect("context");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // Nothing listens on port 9: unknown until the store has it.
        let offline = narration("http://127.0.0.1:9/episode.mp3");
        assert_eq!(rt.block_on(recording_length(&ctx, &offline)), None);
        let store = ctx.store().expect("store");
        store
            .put_cached(
                CacheKind::RecordingLength,
                &offline.url,
                r#"{"seconds":252.5}"#,
            )
            .expect("cached");
        assert_eq!(
            rt.block_on(recording_length(&ctx, &offline)),
            Some(Duration::from_secs_f64(252.5))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
