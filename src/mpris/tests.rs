use std::sync::{Arc, Mutex};
use std::time::Duration;

use mpris_server::{Metadata, PlaybackStatus, PlayerInterface, Property, Time};

use super::{MediaCommand, NowPlaying, Remote, Shown, Status, metadata, track_id};

fn playing(position: u64) -> NowPlaying {
    NowPlaying {
        status: Status::Playing,
        track: 3,
        title: "Harbour Town opens its first tidal power station".into(),
        artist: Some("The Herald Demo Edition".into()),
        url: Some("https://demo.example/harbour".into()),
        art_url: None,
        length: Some(Duration::from_secs(260)),
        position: Duration::from_secs(position),
        rate: 1.0,
        volume: 1.0,
        can_next: true,
        can_previous: false,
    }
}

/// A remote whose requests are recorded, showing `now`.
fn remote(now: NowPlaying) -> (Remote, Arc<Mutex<Vec<MediaCommand>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&asked);
    let mut shown = Shown::default();
    let _ = shown.take(now);
    let remote = Remote {
        shown: Arc::new(Mutex::new(shown)),
        on_command: Arc::new(move |c| record.lock().expect("lock").push(c)),
    };
    (remote, asked)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn a_new_item_shows_its_metadata_status_and_controls() {
    let mut shown = Shown::default();
    let (changed, seeked) = shown.take(playing(0));
    assert_eq!(seeked, None);
    assert!(changed.contains(&Property::PlaybackStatus(PlaybackStatus::Playing)));
    assert!(changed.contains(&Property::CanGoNext(true)));
    let Some(Property::Metadata(m)) = changed
        .iter()
        .find(|p| matches!(p, Property::Metadata(_)))
        .cloned()
    else {
        panic!("no metadata in {changed:?}");
    };
    assert_eq!(
        m.title(),
        Some("Harbour Town opens its first tidal power station")
    );
    assert_eq!(
        m.artist(),
        Some(vec!["The Herald Demo Edition".to_string()])
    );
    assert_eq!(m.length(), Some(Time::from_secs(260)));
    assert_eq!(m.trackid(), Some(track_id(3)));
}

#[test]
fn playing_on_changes_nothing_a_seek_is_signalled() {
    let mut shown = Shown::default();
    let _ = shown.take(playing(10));
    // A second later at the next second: what playing explains, nothing to tell.
    let (changed, seeked) = shown.take(playing(10));
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(seeked, None);
    let (changed, seeked) = shown.take(playing(60));
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(seeked, Some(Time::from_secs(60)));
    // A pause is a status change, not a seek.
    let mut paused = playing(60);
    paused.status = Status::Paused;
    let (changed, seeked) = shown.take(paused);
    assert_eq!(
        changed,
        vec![Property::PlaybackStatus(PlaybackStatus::Paused)]
    );
    assert_eq!(seeked, None);
}

#[test]
fn the_position_runs_on_while_playing_at_the_rate_and_stops_at_the_end() {
    let mut shown = Shown::default();
    let mut now = playing(100);
    now.rate = 2.0;
    let _ = shown.take(now);
    std::thread::sleep(Duration::from_millis(50));
    let position = shown.position();
    assert!(position >= Duration::from_millis(100_100), "{position:?}");
    let _ = shown.take(playing(300));
    assert_eq!(shown.position(), Duration::from_secs(260));
}

#[test]
fn the_desktops_requests_reach_the_app() {
    let (remote, asked) = remote(playing(30));
    block_on(async {
        remote.play_pause().await.expect("play-pause");
        remote.next().await.expect("next");
        remote.seek(Time::from_secs(-10)).await.expect("seek");
        remote
            .set_position(track_id(3), Time::from_secs(60))
            .await
            .expect("position");
        // Another track's position, or past the end: ignored.
        remote
            .set_position(track_id(4), Time::from_secs(60))
            .await
            .expect("other track");
        remote
            .set_position(track_id(3), Time::from_secs(600))
            .await
            .expect("past the end");
        remote.set_rate(1.5).await.expect("rate");
        remote.set_rate(9.0).await.expect("too fast");
        remote.set_rate(0.0).await.expect("zero");
        remote.set_volume(0.4).await.expect("volume");
    });
    assert_eq!(
        *asked.lock().expect("lock"),
        vec![
            MediaCommand::PlayPause,
            MediaCommand::Next,
            MediaCommand::SeekBy(-10_000_000),
            MediaCommand::SeekTo(Duration::from_secs(60)),
            MediaCommand::SetRate(1.5),
            MediaCommand::SetRate(3.0),
            MediaCommand::Pause,
            MediaCommand::SetVolume(0.4),
        ]
    );
}

#[test]
fn feed_text_reaches_the_desktop_clean() {
    let mut now = playing(0);
    now.title = "Breaking\u{1b}]0;owned\u{7} news\nsecond line".into();
    let m: Metadata = metadata(&now);
    let title = m.title().expect("title");
    assert!(!title.chars().any(char::is_control), "{title:?}");
    assert!(title.starts_with("Breaking"), "{title:?}");
    // Nothing playing: empty metadata.
    assert_eq!(metadata(&NowPlaying::default()), Metadata::new());
}
