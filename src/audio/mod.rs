//! Listening: the player thread that owns the output device, the tracks it plays, and the
//! messages in and out. Nothing outside this module touches rodio.

mod device;
pub mod join;
pub mod listening;
pub mod player;
pub mod probe;
pub mod stream;
pub mod stretch;
mod tracked;
pub mod wav;

use std::path::PathBuf;
use std::time::Duration;

/// What the player can play.
#[derive(Debug)]
pub enum Track {
    /// A local file (a downloaded recording, a cached one, or a file the user named).
    File {
        path: PathBuf,
        /// The length the feed or the server claims, trusted only when the decoder cannot tell.
        total_hint: Option<Duration>,
    },
    /// A remote recording, played while it downloads; kept in `cache` when complete.
    Remote {
        url: String,
        cache: PathBuf,
        total_hint: Option<Duration>,
    },
    /// Synthesized narration: parts (title, then paragraphs) arrive in order as they are made.
    Speech(SpeechFeed),
}

/// One synthesized part of a narration: a WAV file and its exact length.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechPart {
    /// 0 is the title, then the article's paragraphs in order.
    pub index: usize,
    pub path: PathBuf,
    pub duration: Duration,
}

/// Parts of a narration as they are synthesized, first part first. Whoever plays them reports
/// where the listener is ([`SpeechFeed::report`]): the synthesizer stays just ahead of that.
#[derive(Debug)]
pub struct SpeechFeed {
    /// How many parts the narration has in all.
    pub parts: usize,
    /// Playback starts at this part (a reader choosing a paragraph).
    pub first: usize,
    pub rx: std::sync::mpsc::Receiver<SpeechPart>,
    listener: listening::Listener,
}

impl SpeechFeed {
    /// A feed whose listener starts at part `first`, playing; dropping the feed (or the
    /// reporting end taken by [`SpeechFeed::into_parts`]) tells the synthesizer nobody listens.
    pub fn new(
        parts: usize,
        first: usize,
        rx: std::sync::mpsc::Receiver<SpeechPart>,
    ) -> SpeechFeed {
        SpeechFeed {
            parts,
            first,
            rx,
            listener: listening::Listener::new(first),
        }
    }

    /// The listener's place, for the synthesizer to wait on.
    pub fn watch(&self) -> std::sync::Arc<listening::Listening> {
        self.listener.watch()
    }

    /// The listener is at `part` (the one being spoken, or the next to be), paused or not.
    pub fn report(&self, part: usize, paused: bool) {
        self.listener.report(part, paused);
    }

    /// The receiving end and the listener's reporting end, apart.
    pub fn into_parts(self) -> (std::sync::mpsc::Receiver<SpeechPart>, listening::Listener) {
        (self.rx, self.listener)
    }
}

/// Commands to the player thread.
#[derive(Debug)]
pub enum Command {
    Load(Track),
    /// A short spoken line (a WAV file) played before the next track loaded.
    Announce(PathBuf),
    Play,
    Pause,
    Toggle,
    /// Seek to a position from the start.
    SeekTo(Duration),
    /// Seek forward (positive) or back (negative) by seconds.
    SeekBy(f64),
    /// Playback speed, 0.5 to 3.0 (recordings only; speech changes the engine's rate instead).
    Speed(f32),
    /// Volume, 0.0 to 1.0 (may go to 2.0).
    Volume(f32),
    Stop,
    /// Ends the player thread.
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayState {
    Stopped,
    Loading,
    Playing,
    Paused,
}

/// Events from the player thread, position a few times a second while playing.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayerEvent {
    State(PlayState),
    Position {
        pos: Duration,
        /// `None` while unknown: shown as `--:--`, never guessed.
        total: Option<Duration>,
        /// For speech: the part being spoken.
        part: Option<usize>,
    },
    Ended,
    /// Something went wrong, but what is loaded stays (a seek refused, a part missing).
    Error(String),
    /// What was loaded cannot be played at all (gone, a page, a format not played): nothing
    /// is loaded any more.
    Failed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio output: {0}")]
    NoDevice(String),
    #[error("cannot play this audio: {0}")]
    Decode(String),
    #[error("{0}")]
    Fetch(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{} is past the end: the recording is {} long", format_time(Some(*from)), format_time(Some(*length)))]
    PastEnd { from: Duration, length: Duration },
}

/// The speeds the speed keys step through.
pub const SPEEDS: [f32; 9] = [0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0];

/// The next speed up or down from `current`, staying within [`SPEEDS`].
pub fn step_speed(current: f32, faster: bool) -> f32 {
    let i = SPEEDS
        .iter()
        .position(|s| *s >= current - 0.01)
        .unwrap_or(SPEEDS.len() - 1);
    let i = if faster {
        (i + 1).min(SPEEDS.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    SPEEDS[i]
}

/// `m:ss` (or `h:mm:ss`), and `--:--` for an unknown length.
pub fn format_time(t: Option<Duration>) -> String {
    let Some(t) = t else {
        return "--:--".to_string();
    };
    let s = t.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_like_a_player() {
        assert_eq!(format_time(Some(Duration::from_secs(0))), "0:00");
        assert_eq!(format_time(Some(Duration::from_secs(252))), "4:12");
        assert_eq!(format_time(Some(Duration::from_secs(3725))), "1:02:05");
        assert_eq!(format_time(None), "--:--");
    }

    #[test]
    fn speeds_step_and_stop_at_the_ends() {
        assert_eq!(step_speed(1.0, true), 1.1);
        assert_eq!(step_speed(1.0, false), 0.9);
        assert_eq!(step_speed(2.0, true), 2.0);
        assert_eq!(step_speed(0.5, false), 0.5);
        // A speed given on the command line that is not a step goes to the nearest one.
        assert_eq!(step_speed(1.3, true), 1.75);
    }
}
