//! The loop's one channel: messages for `update`, and what the effect runner's own work
//! delivers (an audio device opened, a narration ready to play). Everything that wakes the
//! loop comes through here; nothing wakes it on a timer.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use std::path::PathBuf;
use std::time::Duration;

use crate::audio::player::PlayerHandle;
use crate::audio::{AudioError, SpeechFeed, Track};
use crate::narration::Synthesis;
use crate::tui::update::Msg;

/// What a start made ready, off the loop.
pub(super) enum Started {
    Recording {
        track: Track,
        /// Where to start in it (the listener stopped there before).
        from: Option<Duration>,
        /// A spoken line played before it.
        intro: Option<PathBuf>,
    },
    Speech {
        synthesis: Synthesis,
        feed: SpeechFeed,
        first: usize,
        /// Tells one text from another: a narration remade of the same text (at another speed)
        /// carries on the clock of the one it replaces.
        text: u128,
        /// A spoken line played before it.
        intro: Option<PathBuf>,
    },
}

pub(super) enum Arrival {
    Msg(Msg),
    /// The audio device, opened off the loop.
    DeviceOpened(Result<PlayerHandle, AudioError>),
    /// A recording or speech made ready to play off the loop; `generation` tells a start
    /// overtaken by a later one.
    Started {
        generation: u64,
        result: Result<Started, String>,
    },
}

/// The sending end, cloned into every task and thread that reports to the loop.
#[derive(Clone)]
pub(super) struct Inbox(UnboundedSender<Arrival>);

impl Inbox {
    pub(super) fn new() -> (Inbox, UnboundedReceiver<Arrival>) {
        let (tx, rx) = unbounded_channel();
        (Inbox(tx), rx)
    }

    /// Sends a message for `update`; false once the loop has ended.
    pub(super) fn msg(&self, msg: Msg) -> bool {
        self.send(Arrival::Msg(msg))
    }

    pub(super) fn send(&self, arrival: Arrival) -> bool {
        self.0.send(arrival).is_ok()
    }
}
