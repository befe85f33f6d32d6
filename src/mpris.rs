//! Media keys and the desktop: herald on the session bus as `org.mpris.MediaPlayer2.herald`,
//! so headset buttons, the desktop's media keys and `playerctl` steer what plays, and the
//! desktop shows it. Pure Rust D-Bus (zbus); no session bus means one log line and nothing else.
//!
//! The app tells [`MediaKeys::show`] what plays; what the desktop asks for comes back as
//! [`MediaCommand`]s through the callback given to [`MediaKeys::start`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mpris_server::zbus::{self, fdo};
use mpris_server::{
    LoopStatus, Metadata, PlaybackRate, PlaybackStatus, PlayerInterface, Property, RootInterface,
    Server, Signal, Time, TrackId, Volume,
};

/// What the desktop asks the player to do.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaCommand {
    Play,
    Pause,
    PlayPause,
    Stop,
    Next,
    Previous,
    /// Forwards (or backwards, when negative) by this many microseconds.
    SeekBy(i64),
    /// To this place in the recording's own time.
    SeekTo(Duration),
    /// The speed, 1.0 being normal.
    SetRate(f64),
    /// 0.0 to 1.0.
    SetVolume(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Stopped,
    Playing,
    Paused,
}

/// What plays, as the desktop should show it.
#[derive(Debug, Clone, PartialEq)]
pub struct NowPlaying {
    pub status: Status,
    /// Tells one queued item from the next; a new number is a new track for the desktop.
    pub track: u64,
    pub title: String,
    /// The feed, or the author.
    pub artist: Option<String>,
    pub url: Option<String>,
    pub art_url: Option<String>,
    pub length: Option<Duration>,
    /// In the recording's own time, when this was sent.
    pub position: Duration,
    pub rate: f64,
    pub volume: f64,
    pub can_next: bool,
    pub can_previous: bool,
}

impl Default for NowPlaying {
    fn default() -> Self {
        NowPlaying {
            status: Status::Stopped,
            track: 0,
            title: String::new(),
            artist: None,
            url: None,
            art_url: None,
            length: None,
            position: Duration::ZERO,
            rate: 1.0,
            volume: 1.0,
            can_next: false,
            can_previous: false,
        }
    }
}

/// The speeds the player offers (see `audio::stretch`).
const MINIMUM_RATE: f64 = 0.5;
const MAXIMUM_RATE: f64 = 3.0;

/// A jump of the position this much beyond what playing explains is a seek, which the desktop
/// is told of (it extrapolates the position itself between signals).
const SEEK_TOLERANCE: Duration = Duration::from_millis(1500);

type OnCommand = Arc<dyn Fn(MediaCommand) + Send + Sync>;

/// The handle the app keeps; dropping it takes herald off the bus.
pub struct MediaKeys {
    updates: tokio::sync::mpsc::UnboundedSender<NowPlaying>,
}

impl MediaKeys {
    /// Puts herald on the session bus, on the current tokio runtime. Where there is no
    /// session bus this logs one line and the handle does nothing.
    pub fn start(on_command: impl Fn(MediaCommand) + Send + Sync + 'static) -> MediaKeys {
        let (updates, rx) = tokio::sync::mpsc::unbounded_channel();
        let on_command: OnCommand = Arc::new(on_command);
        tokio::spawn(serve(on_command, rx));
        MediaKeys { updates }
    }

    /// Tells the desktop what plays now. Cheap: the bus is written off the caller's thread,
    /// and only with what changed.
    pub fn show(&self, now: NowPlaying) {
        // A closed channel means there is no bus: nothing to tell.
        let _ = self.updates.send(now);
    }
}

async fn serve(
    on_command: OnCommand,
    mut updates: tokio::sync::mpsc::UnboundedReceiver<NowPlaying>,
) {
    let shared = Arc::new(Mutex::new(Shown::default()));
    let remote = |shared: &Arc<Mutex<Shown>>| Remote {
        shown: Arc::clone(shared),
        on_command: Arc::clone(&on_command),
    };
    // A second herald on the same desktop takes an instance name, as the specification says.
    let server = match Server::new("herald", remote(&shared)).await {
        Ok(server) => server,
        Err(first) => {
            let instance = format!("herald.instance{}", std::process::id());
            match Server::new(&instance, remote(&shared)).await {
                Ok(server) => server,
                Err(_) => {
                    log::info!("media keys: not on the session bus ({first}); they are off");
                    return;
                }
            }
        }
    };
    log::info!("media keys: on the session bus as {}", server.bus_name());
    while let Some(now) = updates.recv().await {
        let (changed, seeked) = lock(&shared).take(now);
        if !changed.is_empty()
            && let Err(e) = server.properties_changed(changed).await
        {
            log::warn!("media keys: could not tell the desktop what plays: {e}");
        }
        if let Some(position) = seeked
            && let Err(e) = server.emit(Signal::Seeked { position }).await
        {
            log::warn!("media keys: could not tell the desktop of a seek: {e}");
        }
    }
}

fn lock(shown: &Mutex<Shown>) -> MutexGuard<'_, Shown> {
    // Nothing in here can be left half-written by a panic: take it as it is.
    shown
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What the desktop was last told, and when, to answer its questions between updates.
#[derive(Default)]
struct Shown {
    now: NowPlaying,
    at: Option<Instant>,
}

impl Shown {
    /// Where playback is now, the time since the last update played at the rate.
    fn position(&self) -> Duration {
        let played = match (self.now.status, self.at) {
            (Status::Playing, Some(at)) => at.elapsed().mul_f64(self.now.rate.max(0.0)),
            _ => Duration::ZERO,
        };
        let position = self.now.position + played;
        self.now.length.map_or(position, |l| position.min(l))
    }

    /// Keeps `now`; returns the properties that changed and, after a seek, where to.
    fn take(&mut self, now: NowPlaying) -> (Vec<Property>, Option<Time>) {
        let expected = self.position();
        let old = std::mem::replace(&mut self.now, now);
        self.at = Some(Instant::now());
        let now = &self.now;
        let mut changed = Vec::new();
        if old.status != now.status {
            changed.push(Property::PlaybackStatus(status(now.status)));
        }
        let new_track = old.track != now.track;
        if new_track
            || old.title != now.title
            || old.artist != now.artist
            || old.url != now.url
            || old.art_url != now.art_url
            || old.length != now.length
        {
            changed.push(Property::Metadata(metadata(now)));
        }
        if old.rate != now.rate {
            changed.push(Property::Rate(now.rate));
        }
        if old.volume != now.volume {
            changed.push(Property::Volume(now.volume));
        }
        if old.can_next != now.can_next {
            changed.push(Property::CanGoNext(now.can_next));
        }
        if old.can_previous != now.can_previous {
            changed.push(Property::CanGoPrevious(now.can_previous));
        }
        let jumped = now.position.abs_diff(expected) > SEEK_TOLERANCE;
        let seeked = (!new_track && jumped).then(|| time(now.position));
        (changed, seeked)
    }
}

fn status(status: Status) -> PlaybackStatus {
    match status {
        Status::Stopped => PlaybackStatus::Stopped,
        Status::Playing => PlaybackStatus::Playing,
        Status::Paused => PlaybackStatus::Paused,
    }
}

fn time(d: Duration) -> Time {
    Time::from_micros(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

fn track_id(track: u64) -> TrackId {
    TrackId::try_from(format!("/org/herald/track/{track}")).unwrap_or(TrackId::NO_TRACK)
}

/// Feed text goes to the desktop as one clean line: no control characters, no escapes.
fn clean(text: &str) -> String {
    crate::sanitize::line(text)
}

fn metadata(now: &NowPlaying) -> Metadata {
    if now.status == Status::Stopped && now.title.is_empty() {
        return Metadata::new();
    }
    let mut m = Metadata::new();
    m.set_trackid(Some(track_id(now.track)));
    m.set_title(Some(clean(&now.title)));
    m.set_artist(now.artist.as_deref().map(|a| [clean(a)]));
    m.set_url(now.url.as_deref().map(clean));
    m.set_art_url(now.art_url.as_deref().map(clean));
    m.set_length(now.length.map(time));
    m
}

/// Answers the desktop from what was last shown; sends its requests to the app.
struct Remote {
    shown: Arc<Mutex<Shown>>,
    on_command: OnCommand,
}

impl Remote {
    fn ask(&self, command: MediaCommand) -> fdo::Result<()> {
        (self.on_command)(command);
        Ok(())
    }

    fn now(&self) -> NowPlaying {
        lock(&self.shown).now.clone()
    }
}

impl RootInterface for Remote {
    async fn raise(&self) -> fdo::Result<()> {
        Ok(())
    }

    async fn quit(&self) -> fdo::Result<()> {
        Ok(())
    }

    async fn can_quit(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn set_fullscreen(&self, _fullscreen: bool) -> zbus::Result<()> {
        Ok(())
    }

    async fn can_set_fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn can_raise(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn has_track_list(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn identity(&self) -> fdo::Result<String> {
        Ok("herald".into())
    }

    async fn desktop_entry(&self) -> fdo::Result<String> {
        Ok("herald".into())
    }

    async fn supported_uri_schemes(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }

    async fn supported_mime_types(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

impl PlayerInterface for Remote {
    async fn next(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::Next)
    }

    async fn previous(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::Previous)
    }

    async fn pause(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::Pause)
    }

    async fn play_pause(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::PlayPause)
    }

    async fn stop(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::Stop)
    }

    async fn play(&self) -> fdo::Result<()> {
        self.ask(MediaCommand::Play)
    }

    async fn seek(&self, offset: Time) -> fdo::Result<()> {
        self.ask(MediaCommand::SeekBy(offset.as_micros()))
    }

    async fn set_position(&self, track: TrackId, position: Time) -> fdo::Result<()> {
        // The specification: a position for another track, or out of range, is ignored.
        let now = self.now();
        let micros = u64::try_from(position.as_micros()).ok();
        let Some(to) = micros.map(Duration::from_micros) else {
            return Ok(());
        };
        if track != track_id(now.track) || now.length.is_some_and(|l| to > l) {
            return Ok(());
        }
        self.ask(MediaCommand::SeekTo(to))
    }

    async fn open_uri(&self, _uri: String) -> fdo::Result<()> {
        Err(fdo::Error::NotSupported(
            "herald opens articles from its own list".into(),
        ))
    }

    async fn playback_status(&self) -> fdo::Result<PlaybackStatus> {
        Ok(status(self.now().status))
    }

    async fn loop_status(&self) -> fdo::Result<LoopStatus> {
        Ok(LoopStatus::None)
    }

    async fn set_loop_status(&self, _loop_status: LoopStatus) -> zbus::Result<()> {
        Err(zbus::Error::Unsupported)
    }

    async fn rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(self.now().rate)
    }

    async fn set_rate(&self, rate: PlaybackRate) -> zbus::Result<()> {
        // A rate of 0 means pause, by the specification; others are held to what the player
        // offers.
        if rate == 0.0 {
            (self.on_command)(MediaCommand::Pause);
        } else if rate.is_finite() {
            (self.on_command)(MediaCommand::SetRate(
                rate.clamp(MINIMUM_RATE, MAXIMUM_RATE),
            ));
        }
        Ok(())
    }

    async fn shuffle(&self) -> fdo::Result<bool> {
        Ok(false)
    }

    async fn set_shuffle(&self, _shuffle: bool) -> zbus::Result<()> {
        Err(zbus::Error::Unsupported)
    }

    async fn metadata(&self) -> fdo::Result<Metadata> {
        Ok(metadata(&self.now()))
    }

    async fn volume(&self) -> fdo::Result<Volume> {
        Ok(self.now().volume)
    }

    async fn set_volume(&self, volume: Volume) -> zbus::Result<()> {
        if volume.is_finite() {
            (self.on_command)(MediaCommand::SetVolume(volume.clamp(0.0, 1.0)));
        }
        Ok(())
    }

    async fn position(&self) -> fdo::Result<Time> {
        Ok(time(lock(&self.shown).position()))
    }

    async fn minimum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(MINIMUM_RATE)
    }

    async fn maximum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(MAXIMUM_RATE)
    }

    async fn can_go_next(&self) -> fdo::Result<bool> {
        Ok(self.now().can_next)
    }

    async fn can_go_previous(&self) -> fdo::Result<bool> {
        Ok(self.now().can_previous)
    }

    async fn can_play(&self) -> fdo::Result<bool> {
        Ok(self.now().status != Status::Stopped || !self.now().title.is_empty())
    }

    async fn can_pause(&self) -> fdo::Result<bool> {
        Ok(self.now().status != Status::Stopped)
    }

    async fn can_seek(&self) -> fdo::Result<bool> {
        Ok(self.now().status != Status::Stopped)
    }

    async fn can_control(&self) -> fdo::Result<bool> {
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
