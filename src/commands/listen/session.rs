//! The one-line player of `listen`: plays one item at a time (an article, or each story of a
//! bulletin in turn), redraws its line in place, takes single keys, and keeps where the
//! listener is.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::super::Out;
use crate::audio::player::PlayerHandle;
use crate::audio::{Command, PlayState, PlayerEvent, Track, format_time};
use crate::cache::{Pin, Trimmer};
use crate::model::Narration;
use crate::narration::{playback, tts};
use crate::reader::{AppError, Context};
use crate::store::Store;
use crate::store::listening::{self, Heard, Resume};

const SEEK_STEP: f64 = 10.0;
/// Playing, where the listener is is saved again after this much more has been heard.
const KEEP_EVERY: Duration = Duration::from_secs(5);

/// One thing to listen to: an article's text in parts and its own recording, if any.
pub(super) struct Item {
    pub parts: Vec<String>,
    pub recording: Option<Narration>,
    /// The article's address, under which where the listener stopped is kept.
    pub key: String,
}

/// How playing an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// It played to its end.
    Ended,
    /// The listener quit.
    Quit,
    /// The listener asked for the next (or previous) item of a bulletin.
    Next,
    Previous,
    /// It could not go on; the reason was said.
    Failed,
}

pub(super) struct Session {
    player: PlayerHandle,
    parts: Vec<String>,
    speech: bool,
    speed: f32,
    volume: f32,
    state: PlayState,
    pos: Duration,
    total: Option<Duration>,
    part: Option<usize>,
    /// The part speech was last started from: the player counts time from there.
    first: usize,
    /// Where `first` began in the narration remade by the last speed change, while the new
    /// one does not know yet (see [`playback::speech_clock`]).
    carried: Option<Duration>,
    /// Kept alive while its parts play: dropping it stops synthesis.
    synthesis: Option<tts::Synthesis>,
    cache: Trimmer,
    /// What plays, kept from being trimmed.
    playing: Option<Pin>,
    /// Where the listener is, saved as it plays; `None` when the store could not be opened.
    kept: Option<Kept>,
    store: Option<Store>,
    mark_read: bool,
    speech_cache: PathBuf,
    /// In a bulletin, which item this is (`2/3`); `<` and `>` then move between items.
    place: Option<String>,
}

/// Where the listener is in the item, kept in the store for the next time it plays.
struct Kept {
    /// The article's address, under which its position is kept.
    key: String,
    recording: Option<String>,
    saved_pos: Duration,
}

/// Where an item starts: a point in its recording, or a paragraph of its text.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Start {
    pub at: Option<Duration>,
    pub part: usize,
}

impl Start {
    /// What to tell the listener about a start picked up from last time.
    pub(super) fn resuming(&self) -> Option<String> {
        let again = "--from 0 starts from the beginning";
        match self.at {
            Some(at) => Some(format!("resuming at {} ({again})", format_time(Some(at)))),
            None if self.part > 0 => Some(format!("resuming at paragraph {} ({again})", self.part)),
            None => None,
        }
    }
}

impl Session {
    pub(super) fn new(
        player: PlayerHandle,
        speed: f32,
        cache: Trimmer,
        store: Option<Store>,
        ctx: &Context,
    ) -> Session {
        Session {
            player,
            parts: Vec::new(),
            speech: false,
            speed,
            volume: 1.0,
            state: PlayState::Loading,
            pos: Duration::ZERO,
            total: None,
            part: None,
            first: 0,
            carried: None,
            synthesis: None,
            cache,
            playing: None,
            kept: None,
            store,
            mark_read: ctx.config.listen.mark_read,
            speech_cache: ctx.paths.cache.join("speech"),
            place: None,
        }
    }

    /// Where the listener stopped in `item` last time; `None` when it was not heard before (or
    /// its position cannot be read).
    pub(super) fn resume_point(&self, item: &Item) -> Option<Start> {
        let store = self.store.as_ref()?;
        let resume = store.position(&item.key).unwrap_or_else(|e| {
            crate::say!("herald: where you stopped could not be read: {e}");
            None
        });
        match resume.as_ref().and_then(|r| r.start()) {
            Some((Heard::Recording { url }, at))
                if item.recording.as_ref().is_some_and(|n| n.url == *url) =>
            {
                Some(Start {
                    at: Some(at),
                    part: 0,
                })
            }
            Some((Heard::Speech { part }, _))
                if item.recording.is_none() && *part < item.parts.len() =>
            {
                Some(Start {
                    at: None,
                    part: *part,
                })
            }
            _ => None,
        }
    }

    /// Loads `item` into the player and plays it from `start`, after `announcement` when
    /// there is one. `place` is its place in a bulletin.
    pub(super) fn begin(
        &mut self,
        item: Item,
        start: Start,
        announcement: Option<PathBuf>,
        place: Option<String>,
        ctx: &Context,
    ) -> Result<(), AppError> {
        self.player.send(Command::Stop);
        self.synthesis = None;
        self.playing = None;
        self.state = PlayState::Loading;
        (self.pos, self.total, self.part, self.first, self.carried) =
            (Duration::ZERO, None, None, 0, None);
        self.place = place;
        self.speech = item.recording.is_none();
        self.parts = item.parts;
        self.kept = self.store.as_ref().map(|_| Kept {
            key: item.key,
            recording: item.recording.as_ref().map(|n| n.url.clone()),
            saved_pos: Duration::ZERO,
        });
        if let Some(path) = announcement {
            self.player.send(Command::Announce(path));
        }
        match &item.recording {
            Some(n) => {
                let audio_cache = ctx.paths.cache.join("audio");
                let track = playback::recording_track(n, &audio_cache);
                if let Track::Remote { cache, .. } = &track {
                    self.playing = Some(self.cache.pin(cache));
                }
                self.player.send(Command::Load(track));
                if (self.speed - 1.0).abs() > f32::EPSILON {
                    self.player.send(Command::Speed(self.speed));
                }
            }
            None => self.speak(start.part, ctx)?,
        }
        if let Some(at) = start.at {
            self.player.send(Command::SeekTo(at));
        }
        self.player.send(Command::Play);
        Ok(())
    }

    /// Starts speaking from `first`, at the session's speed (the engine's rate, not the pitch).
    fn speak(&mut self, first: usize, ctx: &Context) -> Result<(), AppError> {
        let (synthesis, feed) = playback::start_speech(
            self.parts.clone(),
            first,
            &ctx.config.narration,
            self.speed,
            &self.speech_cache,
        )
        .map_err(|e| AppError::Failed(e.to_string()))?;
        self.player.send(Command::Load(Track::Speech(feed)));
        self.playing = Some(self.cache.pin(synthesis.dir()));
        self.cache.added();
        // The same article remade (at another speed): its clock goes on.
        self.carried = self.synthesis.as_ref().and_then(|previous| {
            let before = (&previous.timeline(), self.first, self.carried);
            playback::carried_start(Some(before), self.parts.len(), first)
        });
        // The player lets go of the previous feed on this load; the discarding waits for that.
        let _ = playback::replace_speech(self.synthesis.take(), &synthesis);
        self.synthesis = Some(synthesis);
        self.first = first;
        Ok(())
    }

    /// The position in the whole narration and its length.
    fn clock(&self) -> (Option<Duration>, Option<Duration>) {
        match self.synthesis.as_ref().filter(|_| self.speech) {
            Some(synthesis) => {
                playback::speech_clock(&synthesis.timeline(), self.first, self.pos, self.carried)
            }
            None => (Some(self.pos), self.total),
        }
    }

    /// Saves where the listener is: always when `now` (a pause, quitting, the end), else once
    /// it has moved on by a few seconds. A failure is said once and saving stops.
    fn keep(&mut self, now: bool, ended: bool) {
        let (pos, total) = self.clock();
        let (pos, part) = (pos.unwrap_or(self.pos), self.part);
        let (Some(kept), Some(store)) = (self.kept.as_mut(), self.store.as_mut()) else {
            return;
        };
        if !now && pos.abs_diff(kept.saved_pos) < KEEP_EVERY {
            return;
        }
        kept.saved_pos = pos;
        let resume = Resume {
            heard: match &kept.recording {
                Some(url) => Heard::Recording { url: url.clone() },
                None => Heard::Speech {
                    part: part.unwrap_or(0),
                },
            },
            // Speech resumes at the start of the paragraph being spoken.
            position: if kept.recording.is_some() {
                pos
            } else {
                Duration::ZERO
            },
            length: total,
            listened: listening::listened(pos, total, ended),
        };
        if let Err(e) = store.save_position(&kept.key, &resume, self.mark_read) {
            // From the start of the line: raw mode does not return the carriage.
            crate::say_raw!("\rherald: where you stopped could not be kept: {e}\r\n");
            self.store = None;
        }
    }

    fn line(&self) -> String {
        let mark = match self.state {
            PlayState::Playing => '▶',
            PlayState::Paused => '⏸',
            PlayState::Loading => '…',
            PlayState::Stopped => '■',
        };
        // Speech restarted from a later part (a speed change) counts from there; the timeline
        // gives the time in the whole narration once the earlier parts are known again.
        let (pos, total) = self.clock();
        let mut line = format!(
            "{mark} Listen to the article  {} / {}",
            format_time(pos),
            format_time(total)
        );
        if let Some(part) = self.part.filter(|_| self.speech) {
            line.push_str(&format!("  [paragraph {}/{}]", part + 1, self.parts.len()));
        }
        if (self.speed - 1.0).abs() > f32::EPSILON {
            line.push_str(&format!("  {:.2}x", self.speed));
        }
        if (self.volume - 1.0).abs() > f32::EPSILON {
            line.push_str(&format!("  vol {:.0}%", self.volume * 100.0));
        }
        if let Some(place) = &self.place {
            line.push_str(&format!("  [{place}]"));
        }
        line
    }

    /// Plays the item begun until it ends or the listener leaves it.
    pub(super) fn run<W: Write>(
        &mut self,
        interactive: bool,
        ctx: &Context,
        out: &mut Out<W>,
    ) -> Result<Outcome, AppError> {
        let mut shown = String::new();
        loop {
            while let Some(ev) = self
                .player
                .recv_timeout(Duration::from_millis(if interactive { 50 } else { 200 }))
            {
                match ev {
                    PlayerEvent::State(s) => {
                        self.state = s;
                        if s == PlayState::Paused {
                            self.keep(true, false);
                        }
                    }
                    PlayerEvent::Position { pos, total, part } => {
                        self.pos = pos;
                        self.total = total.or(self.total);
                        self.part = part.or(self.part);
                        if self.state == PlayState::Playing {
                            self.keep(false, false);
                        }
                    }
                    PlayerEvent::Ended => {
                        self.keep(true, true);
                        self.state = PlayState::Stopped;
                        finish(out, interactive, &self.line())?;
                        return Ok(Outcome::Ended);
                    }
                    // A broken recording is not the end: the article's text is spoken.
                    PlayerEvent::Failed(e) if !self.speech => {
                        crate::say_raw!(
                            "\rherald: the recording could not be played ({}); speaking the text instead\r\n",
                            crate::sanitize::line(&e)
                        );
                        self.speech = true;
                        self.total = None;
                        if let Some(kept) = self.kept.as_mut() {
                            // What is kept from now on is where the speech is.
                            kept.recording = None;
                        }
                        self.speak(0, ctx)?;
                        self.player.send(Command::Play);
                    }
                    PlayerEvent::Error(e) | PlayerEvent::Failed(e) => {
                        if interactive {
                            let _ = write!(std::io::stdout(), "\r\n");
                        }
                        crate::say!("herald: {}", crate::sanitize::line(&e));
                        return Ok(Outcome::Failed);
                    }
                }
                if !interactive {
                    continue;
                }
                break;
            }
            if interactive {
                let line = self.line();
                if line != shown {
                    redraw(&line)?;
                    shown = line;
                }
                if event::poll(Duration::ZERO)?
                    && let Event::Key(key) = event::read()?
                    && key.kind != KeyEventKind::Release
                    && let Some(outcome) = self.key(key.code, key.modifiers, ctx)?
                {
                    self.keep(true, false);
                    finish(out, true, &self.line())?;
                    return Ok(outcome);
                }
            }
        }
    }

    /// Handles one key; `Some` when it leaves the item.
    fn key(
        &mut self,
        code: KeyCode,
        modifiers: KeyModifiers,
        ctx: &Context,
    ) -> Result<Option<Outcome>, AppError> {
        match code {
            KeyCode::Char('q') | KeyCode::Esc => return Ok(Some(Outcome::Quit)),
            KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => {
                return Ok(Some(Outcome::Quit));
            }
            KeyCode::Char('>') if self.place.is_some() => return Ok(Some(Outcome::Next)),
            KeyCode::Char('<') if self.place.is_some() => return Ok(Some(Outcome::Previous)),
            KeyCode::Char(' ') => self.player.send(Command::Toggle),
            KeyCode::Left => self.player.send(Command::SeekBy(-SEEK_STEP)),
            KeyCode::Right => self.player.send(Command::SeekBy(SEEK_STEP)),
            KeyCode::Char('+') | KeyCode::Char('=') => {
                self.volume = (self.volume + 0.1).min(2.0);
                self.player.send(Command::Volume(self.volume));
            }
            KeyCode::Char('-') => {
                self.volume = (self.volume - 0.1).max(0.0);
                self.player.send(Command::Volume(self.volume));
            }
            KeyCode::Char(c @ ('[' | ']')) => {
                self.speed = crate::audio::step_speed(self.speed, c == ']');
                if self.speech {
                    // Re-synthesize from the paragraph being spoken at the new rate.
                    self.speak(self.part.unwrap_or(0), ctx)?;
                    self.player.send(Command::Play);
                } else {
                    self.player.send(Command::Speed(self.speed));
                }
            }
            _ => {}
        }
        Ok(None)
    }
}

pub(super) fn redraw(line: &str) -> std::io::Result<()> {
    // Cut to the terminal's width: a line that wrapped would leave its first part behind at
    // the next redraw of the current line.
    let cols = crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c));
    let line = crate::width::fit(line, cols.saturating_sub(1).max(1));
    let mut stdout = std::io::stdout();
    crossterm::execute!(
        stdout,
        crossterm::cursor::MoveToColumn(0),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::CurrentLine),
        crossterm::style::Print(&line)
    )?;
    stdout.flush()
}

pub(super) fn finish<W: Write>(
    out: &mut Out<W>,
    interactive: bool,
    line: &str,
) -> std::io::Result<()> {
    if interactive {
        redraw(line)?;
        let mut stdout = std::io::stdout();
        stdout.write_all(b"\r\n")?;
        stdout.flush()
    } else {
        out.line(line)
    }
}

/// Raw mode for single keys, restored on drop (also when unwinding from a panic).
pub(super) struct RawMode;

impl RawMode {
    pub(super) fn enter() -> Option<RawMode> {
        crossterm::terminal::enable_raw_mode().ok().map(|_| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}
