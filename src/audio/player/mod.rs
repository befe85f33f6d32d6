//! The player thread: it owns the output and rodio's `Player`, takes [`Command`]s over one
//! channel and hands [`PlayerEvent`]s to a sink as they happen (a `Position` five times a second
//! while playing): a channel read through the handle, or the caller's own loop. It checks on
//! playback only while something plays; stopped or paused, it sleeps until told something, and
//! with nothing loaded the output device is closed too.
//!
//! Position is measured on the decoded source itself, below rodio's speed control, so it is the
//! position in the recording whatever the speed and after any seek. Narration is a timeline of
//! parts: the position is the sum of the lengths of the parts before the one being spoken plus
//! the position in it. The timeline starts at the feed's `first` part (parts before it are not
//! part of this playback and are ignored if they arrive). A seek lands in the part that holds the
//! target time and plays on from there; a seek past the parts synthesized so far lands at the
//! start of the next part to come and waits for it (state `Loading`), because where the target
//! falls inside parts of unknown length cannot be known. The player tells the synthesizer which
//! part the listener is at and whether it is paused, so that speech is made just ahead of it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use rodio::Source;

use super::device::open_device;
use super::stretch::{SpeedControl, Stretched};
use super::tracked::{PosCell, Tracked};
use super::{AudioError, Command, PlayState, PlayerEvent, Track, stream};
use crate::net::Net;
use speech::Speech;

mod speech;

/// How often the thread wakes to check on playback while something plays; with nothing
/// playing (or paused) it sleeps until a command or an opened recording arrives.
const TICK: Duration = Duration::from_millis(25);
/// How often a `Position` goes out while playing.
const REPORT_EVERY: Duration = Duration::from_millis(200);
/// How long after a pause its position is reported again, once rodio has applied it.
const SETTLE: Duration = Duration::from_millis(60);

/// Where the player's events go, as they happen: called on the player thread (and, for an
/// output error, on the audio thread).
pub type EventSink = Arc<dyn Fn(PlayerEvent) + Send + Sync>;

/// What wakes the player thread: a command, or a recording opened off it.
enum Input {
    Command(Command),
    Opened(Opened),
}

/// The controls of a running player thread. Dropping it ends the thread.
pub struct PlayerHandle {
    tx: Sender<Input>,
    /// The events, for a handle made without a sink of its own; empty otherwise.
    events: Receiver<PlayerEvent>,
}

impl PlayerHandle {
    /// Sends a command; a player thread that has ended ignores it.
    pub fn send(&self, cmd: Command) {
        let _ = self.tx.send(Input::Command(cmd));
    }

    /// Events from the player, in order.
    pub fn events(&self) -> &Receiver<PlayerEvent> {
        &self.events
    }

    pub fn try_recv(&self) -> Option<PlayerEvent> {
        self.events.try_recv().ok()
    }

    pub fn recv_timeout(&self, timeout: Duration) -> Option<PlayerEvent> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for PlayerHandle {
    fn drop(&mut self) {
        let _ = self.tx.send(Input::Command(Command::Quit));
    }
}

/// A sink into a channel, read through the handle.
fn channel_sink() -> (EventSink, Receiver<PlayerEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let sink: EventSink = Arc::new(move |event| {
        if let Ok(tx) = tx.lock() {
            let _ = tx.send(event);
        }
    });
    (sink, rx)
}

/// Opens the default output device on a new player thread, its events read through the
/// handle. Failure is reported here, as one line; whatever ALSA writes to stderr while trying
/// never reaches the terminal.
pub fn open_default(net: &Net) -> Result<PlayerHandle, AudioError> {
    let (sink, events) = channel_sink();
    open_with(net, sink, events)
}

/// [`open_default`], its events handed to `sink` as they happen: a caller with a loop of its
/// own has them pushed into it, and nobody polls.
pub fn open_default_to(
    net: &Net,
    sink: impl Fn(PlayerEvent) + Send + Sync + 'static,
) -> Result<PlayerHandle, AudioError> {
    // The handle's own channel stays empty.
    let (_, events) = mpsc::channel();
    open_with(net, Arc::new(sink), events)
}

fn open_with(
    net: &Net,
    sink: EventSink,
    events: Receiver<PlayerEvent>,
) -> Result<PlayerHandle, AudioError> {
    let (tx, rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::sync_channel(1);
    let (net, own_tx) = (net.clone(), tx.clone());
    std::thread::Builder::new()
        .name("herald-player".to_string())
        .spawn(move || {
            let device = match open_device(Arc::clone(&sink)) {
                Ok(d) => d,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let player = rodio::Player::connect_new(device.mixer());
            let _ = ready_tx.send(Ok(()));
            let mut engine = Engine::new(player, sink, net, own_tx);
            engine.output = Output::Device(Some(device));
            engine.run(rx);
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(PlayerHandle { tx, events }),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(AudioError::NoDevice(
            "the audio thread stopped while opening the device".to_string(),
        )),
    }
}

/// A player thread around a `Player` the caller made, such as `rodio::Player::new()` whose
/// samples a test pulls itself.
pub fn with_player(player: rodio::Player, net: &Net) -> PlayerHandle {
    let (tx, rx) = mpsc::channel();
    let (sink, events) = channel_sink();
    let engine = Engine::new(player, sink, net.clone(), tx.clone());
    // Spawning only fails when the system is out of threads; the handle then reports nothing,
    // like a player whose thread has ended.
    let _ = std::thread::Builder::new()
        .name("herald-player".to_string())
        .spawn(move || engine.run(rx));
    PlayerHandle { tx, events }
}

type BoxedSource = Box<dyn Source + Send>;

/// A recording opened off the player thread.
struct Opened {
    generation: u64,
    result: Result<BoxedSource, AudioError>,
    total_hint: Option<Duration>,
}

struct Recording {
    cell: Arc<PosCell>,
    total: Option<Duration>,
    /// Played faster or slower by time-stretching: the voice keeps its pitch.
    speed: SpeedControl,
}

enum Current {
    Nothing,
    /// A recording being opened off the thread.
    Opening,
    Recording(Recording),
    Speech(Speech),
}

/// Where the player plays.
enum Output {
    /// The default device, open while something is loaded and closed when nothing is, so that
    /// its audio thread (woken for every period of samples, silence too) sleeps as well.
    Device(Option<rodio::MixerDeviceSink>),
    /// A player the caller made and pulls itself.
    Given,
}

struct Engine {
    player: rodio::Player,
    output: Output,
    events: EventSink,
    net: Net,
    runtime: Option<tokio::runtime::Runtime>,
    /// The thread's own input, for recordings opened off it.
    opened_tx: Sender<Input>,
    generation: u64,
    state: PlayState,
    paused: bool,
    volume: f32,
    speed: f32,
    current: Current,
    /// A seek asked for while a recording was being opened: made once it has opened.
    seek_on_open: Option<Duration>,
    /// Played before the next track loaded.
    announcement: Option<PathBuf>,
    last_report: Instant,
    /// Set by a pause: rodio applies it at its next periodic access, so the position moves on a
    /// little after the pause; it is reported once more when it has settled.
    settle_at: Option<Instant>,
}

impl Engine {
    fn new(player: rodio::Player, events: EventSink, net: Net, opened_tx: Sender<Input>) -> Engine {
        Engine {
            player,
            output: Output::Given,
            events,
            net,
            runtime: None,
            opened_tx,
            generation: 0,
            state: PlayState::Stopped,
            paused: false,
            volume: 1.0,
            speed: 1.0,
            current: Current::Nothing,
            seek_on_open: None,
            announcement: None,
            last_report: Instant::now(),
            settle_at: None,
        }
    }

    fn run(mut self, rx: Receiver<Input>) {
        loop {
            let input = if self.needs_ticks() {
                rx.recv_timeout(TICK)
            } else {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            };
            match input {
                Ok(Input::Command(Command::Quit)) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Input::Command(cmd)) => self.command(cmd),
                Ok(Input::Opened(opened)) => self.opened(opened),
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.tick();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }

    /// True while something plays (or waits for its next part to play): the end of a track,
    /// parts arriving and the position are checked every [`TICK`]. Nothing loaded, or paused,
    /// the thread sleeps until told something.
    fn needs_ticks(&self) -> bool {
        if self.settle_at.is_some() {
            return true;
        }
        match self.current {
            Current::Nothing | Current::Opening => false,
            Current::Recording(_) | Current::Speech(_) => !self.paused,
        }
    }

    fn emit(&self, event: PlayerEvent) {
        (self.events)(event);
    }

    fn set_state(&mut self, state: PlayState) {
        if self.state != state {
            self.state = state;
            self.emit(PlayerEvent::State(state));
        }
    }

    fn fail(&mut self, e: AudioError) {
        self.emit(PlayerEvent::Failed(e.to_string()));
        self.current = Current::Nothing;
        self.set_state(PlayState::Stopped);
        self.close_idle();
    }

    /// Opens the device again for a new track, when it was closed.
    fn reopen(&mut self) -> Result<(), AudioError> {
        if matches!(self.output, Output::Device(None)) {
            let device = open_device(Arc::clone(&self.events))?;
            self.player = rodio::Player::connect_new(device.mixer());
            self.player.set_volume(self.volume);
            self.output = Output::Device(Some(device));
        }
        Ok(())
    }

    /// Closes the device once nothing is loaded.
    fn close_idle(&mut self) {
        if matches!(self.output, Output::Device(Some(_)))
            && matches!(self.current, Current::Nothing)
        {
            // A player on no device: empty, it plays nothing until a track opens one again.
            self.player = rodio::Player::new().0;
            self.output = Output::Device(None);
        }
    }

    /// The position, the total and the part being spoken, when something is loaded.
    fn position(&self) -> Option<(Duration, Option<Duration>, Option<usize>)> {
        match &self.current {
            Current::Nothing | Current::Opening => None,
            Current::Recording(r) => Some((r.cell.pos(), r.total, None)),
            Current::Speech(s) => {
                let (pos, part) = s.position();
                Some((pos, s.total(), part))
            }
        }
    }

    fn report_position(&mut self) {
        self.last_report = Instant::now();
        if let Some((pos, total, part)) = self.position() {
            let pos = total.map_or(pos, |t| pos.min(t));
            self.emit(PlayerEvent::Position { pos, total, part });
        }
    }

    /// Empties rodio's queue (which waits for the output to take the skip).
    fn clear(&mut self) {
        if !self.player.empty() {
            self.player.clear();
        }
    }

    fn unload(&mut self) {
        self.generation += 1;
        self.seek_on_open = None;
        self.clear();
        self.current = Current::Nothing;
    }

    /// Plays or holds what was just queued, as the listener last asked.
    fn resume_as_asked(&mut self) {
        if self.paused {
            self.player.pause();
            self.set_state(PlayState::Paused);
        } else {
            self.player.play();
            self.set_state(PlayState::Playing);
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Load(track) => self.load(track),
            Command::Announce(path) => self.announcement = Some(path),
            Command::Play => self.play(),
            Command::Pause => self.pause(),
            Command::Toggle => {
                if self.paused || self.state == PlayState::Paused {
                    self.play();
                } else {
                    self.pause();
                }
            }
            Command::SeekTo(t) => self.seek(t),
            Command::SeekBy(secs) => {
                if let Some((pos, _, _)) = self.position() {
                    let target = (pos.as_secs_f64() + secs).max(0.0);
                    self.seek(Duration::try_from_secs_f64(target).unwrap_or_default());
                }
            }
            Command::Speed(s) => {
                self.speed = if s.is_finite() {
                    s.clamp(0.5, 3.0)
                } else {
                    1.0
                };
                // Narration changes the engine's rate instead: pitch stays natural.
                if let Current::Recording(r) = &self.current {
                    r.speed.set(self.speed);
                }
            }
            Command::Volume(v) => {
                self.volume = if v.is_finite() {
                    v.clamp(0.0, 2.0)
                } else {
                    1.0
                };
                self.player.set_volume(self.volume);
            }
            Command::Stop => {
                self.announcement = None;
                self.unload();
                self.paused = false;
                self.set_state(PlayState::Stopped);
                self.close_idle();
            }
            Command::Quit => {}
        }
    }

    fn play(&mut self) {
        if matches!(self.current, Current::Nothing) {
            self.set_state(PlayState::Stopped);
            return;
        }
        self.paused = false;
        self.player.play();
        let waiting = match &self.current {
            Current::Opening => true,
            Current::Speech(s) => self.player.empty() && !s.nothing_to_come(),
            _ => false,
        };
        self.set_state(if waiting {
            PlayState::Loading
        } else {
            PlayState::Playing
        });
        self.report_position();
    }

    fn pause(&mut self) {
        if matches!(self.current, Current::Nothing) {
            return;
        }
        self.paused = true;
        self.player.pause();
        self.set_state(PlayState::Paused);
        self.report_position();
        self.settle_at = Some(Instant::now() + SETTLE);
    }

    fn load(&mut self, track: Track) {
        self.unload();
        self.paused = false;
        self.set_state(PlayState::Loading);
        if let Err(e) = self.reopen() {
            return self.fail(e);
        }
        // Ahead of the track in rodio's queue: the track's own position starts when it does.
        if let Some(path) = self.announcement.take() {
            match stream::decode_file(&path) {
                Ok(line) => {
                    self.player.set_speed(1.0);
                    self.player.append(line);
                }
                Err(e) => log::warn!("announcement {}: {e}", path.display()),
            }
        }
        match track {
            Track::File { path, total_hint } => self.load_file(&path, total_hint),
            Track::Remote {
                url,
                cache,
                total_hint,
            } => {
                if cache.is_file() {
                    match stream::decode_file(&cache) {
                        Ok(d) => return self.start_recording(Box::new(d), total_hint),
                        // A damaged cache is replaced by a fresh download.
                        Err(_) => {
                            let _ = std::fs::remove_file(&cache);
                        }
                    }
                }
                self.open_remote(url, cache, total_hint);
            }
            Track::Speech(feed) => {
                self.player.set_speed(1.0);
                self.current = Current::Speech(Speech::new(feed));
                self.feed_speech();
                self.report_position();
            }
        }
    }

    fn load_file(&mut self, path: &Path, total_hint: Option<Duration>) {
        match stream::decode_file(path) {
            Ok(d) => self.start_recording(Box::new(d), total_hint),
            Err(e) => self.fail(e),
        }
    }

    fn runtime(&mut self) -> Result<tokio::runtime::Handle, AudioError> {
        if let Some(rt) = &self.runtime {
            return Ok(rt.handle().clone());
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("herald-audio-net")
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        self.runtime = Some(rt);
        Ok(handle)
    }

    fn open_remote(
        &mut self,
        url: String,
        cache: std::path::PathBuf,
        total_hint: Option<Duration>,
    ) {
        let handle = match self.runtime() {
            Ok(h) => h,
            Err(e) => return self.fail(e),
        };
        self.current = Current::Opening;
        let client = self.net.client().clone();
        let tx = self.opened_tx.clone();
        let generation = self.generation;
        // Opening waits for the server and the first bytes: never on this thread.
        let spawned = std::thread::Builder::new()
            .name("herald-audio-open".to_string())
            .spawn(move || {
                let result = handle
                    .block_on(stream::open_remote(&client, &url, &cache))
                    .and_then(|audio| stream::decode_remote(audio, &url))
                    .map(|d| Box::new(d) as BoxedSource);
                let _ = tx.send(Input::Opened(Opened {
                    generation,
                    result,
                    total_hint,
                }));
            });
        if let Err(e) = spawned {
            self.fail(AudioError::Io(e));
        }
    }

    fn start_recording(&mut self, source: BoxedSource, total_hint: Option<Duration>) {
        let total = source.total_duration().or(total_hint);
        let cell = PosCell::at(Duration::ZERO);
        let speed = SpeedControl::new(self.speed);
        // rodio's own speed control would resample, raising the pitch with the speed.
        self.player.set_speed(1.0);
        self.player.set_volume(self.volume);
        let tracked = Tracked::new(source, cell.clone());
        self.player.append(Stretched::new(tracked, speed.clone()));
        self.current = Current::Recording(Recording { cell, total, speed });
        if let Some(target) = self.seek_on_open.take() {
            self.seek(target);
        }
        self.resume_as_asked();
        self.report_position();
    }

    /// Hands rodio the parts that have arrived, in order.
    fn feed_speech(&mut self) {
        let Current::Speech(speech) = &mut self.current else {
            return;
        };
        speech.receive();
        let mut appended = false;
        let mut errors = Vec::new();
        while speech.next < speech.parts {
            let Some(part) = speech.arrived[speech.next].clone() else {
                break;
            };
            let offset = speech.pending_offset.take().unwrap_or_default();
            match stream::decode_file(&part.path) {
                Ok(decoder) => {
                    let cell = PosCell::at(offset);
                    let mut source = Tracked::new(decoder, cell.clone());
                    if !offset.is_zero()
                        && let Err(e) = source.try_seek(offset)
                    {
                        errors.push(format!("cannot seek in part {}: {e}", part.index));
                    }
                    self.player.append(source);
                    speech.queued.push((part.index, cell));
                    appended = true;
                }
                Err(e) => errors.push(format!("narration part {}: {e}", part.index)),
            }
            speech.next += 1;
        }
        for e in errors {
            self.emit(PlayerEvent::Error(e));
        }
        if appended && matches!(self.state, PlayState::Loading) {
            self.resume_as_asked();
        }
    }

    fn seek(&mut self, target: Duration) {
        match &mut self.current {
            Current::Nothing => return,
            Current::Opening => {
                self.seek_on_open = Some(target);
                return;
            }
            Current::Recording(r) => {
                let target = r.total.map_or(target, |t| target.min(t));
                if !self.player.empty() {
                    // rodio plays at 1.0 above the stretcher, so its seek is in the recording's time.
                    if let Err(e) = self.player.try_seek(target) {
                        self.emit(PlayerEvent::Error(format!(
                            "cannot seek to {}: {}",
                            super::format_time(Some(target)),
                            stream::root_cause(&e)
                        )));
                    }
                }
            }
            Current::Speech(s) => {
                s.receive();
                let (part, offset) = match s.locate(target) {
                    Ok(found) => found,
                    Err(missing) => (missing, Duration::ZERO),
                };
                s.queued.clear();
                s.next = part;
                s.pending_offset = Some(offset);
                self.clear();
                if !self.paused {
                    self.set_state(PlayState::Loading);
                }
                self.feed_speech();
            }
        }
        self.report_position();
    }

    /// A recording opened off the thread; one opened for a track since replaced is dropped.
    fn opened(&mut self, opened: Opened) {
        if opened.generation != self.generation || !matches!(self.current, Current::Opening) {
            return;
        }
        match opened.result {
            Ok(source) => self.start_recording(source, opened.total_hint),
            Err(e) => self.fail(e),
        }
    }

    fn tick(&mut self) {
        match &self.current {
            Current::Recording(_) if self.player.empty() => self.finish(),
            Current::Speech(_) => {
                self.feed_speech();
                if let Current::Speech(s) = &self.current {
                    s.report_listener(self.paused);
                }
                if let Current::Speech(s) = &self.current
                    && self.player.empty()
                {
                    if s.nothing_to_come() {
                        if s.next < s.parts {
                            let msg = format!(
                                "the narration stopped early: part {} of {} never arrived",
                                s.next + 1,
                                s.parts
                            );
                            self.emit(PlayerEvent::Error(msg));
                        }
                        self.finish();
                    } else if !self.paused {
                        self.set_state(PlayState::Loading);
                    }
                }
            }
            _ => {}
        }
        let active = matches!(self.state, PlayState::Playing | PlayState::Loading);
        if active && self.last_report.elapsed() >= REPORT_EVERY {
            self.report_position();
        }
        if let Some(at) = self.settle_at
            && Instant::now() >= at
        {
            self.settle_at = None;
            if self.paused {
                self.report_position();
            }
        }
    }

    /// The end of the track.
    fn finish(&mut self) {
        self.report_position();
        self.current = Current::Nothing;
        self.paused = false;
        self.emit(PlayerEvent::Ended);
        self.set_state(PlayState::Stopped);
        self.close_idle();
    }
}
