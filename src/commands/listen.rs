//! `listen`: an article's narration in one terminal line, redrawn in place, or written to a WAV
//! file. Its own recording when it has one, else (or with `--tts`) synthesized speech.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::Out;
use super::reading::load_article;
use crate::audio::player::{self, PlayerHandle};
use crate::audio::{AudioError, Command, PlayState, PlayerEvent, Track, format_time, stream};
use crate::cache::{Pin, Trimmer};
use crate::model::Narration;
use crate::narration::{playback, tts};
use crate::reader::{AppError, Context, EXIT_FAILURE, EXIT_OK, recording_length, saved_article};
use crate::store::Store;
use crate::store::listening::{self, Heard, Resume};

#[derive(Debug, Clone)]
pub struct ListenArgs {
    /// Synthesized speech even when the article has a recording.
    pub tts: bool,
    pub from: Option<Duration>,
    pub speed: f32,
    /// Write the narration here instead of playing it.
    pub out: Option<PathBuf>,
}

const SEEK_STEP: f64 = 10.0;
/// Playing, where the listener is is saved again after this much more has been heard.
const KEEP_EVERY: Duration = Duration::from_secs(5);
/// `M:SS`, `H:MM:SS` or plain seconds.
pub fn parse_time(s: &str) -> Result<Duration, String> {
    let mut secs = 0u64;
    for field in s.trim().split(':') {
        let n: u64 = field
            .parse()
            .map_err(|_| format!("`{s}` is not a time; write M:SS, e.g. 1:30"))?;
        secs = secs * 60 + n;
    }
    Ok(Duration::from_secs(secs))
}

pub fn listen<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    target: &str,
    args: &ListenArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    if !(0.5..=3.0).contains(&args.speed) {
        return Err(AppError::Failed(format!(
            "--speed {} is out of range: use 0.5 to 3",
            args.speed
        )));
    }
    // An article already read starts speaking at once from its saved copy.
    let article = match saved_article(ctx, target) {
        Some(article) => article,
        None => runtime.block_on(load_article(ctx, target))?,
    };
    let parts = tts::article_parts(&article);
    let recording = if args.tts {
        None
    } else {
        article.narration.clone()
    };
    let audio_cache = ctx.paths.cache.join("audio");
    let speech_cache = ctx.paths.cache.join("speech");
    std::fs::create_dir_all(&audio_cache)?;
    let failed = |e: &dyn std::fmt::Display| AppError::Failed(e.to_string());
    let trimmer = Trimmer::start(&ctx.paths.cache, ctx.config.cache.limit_bytes());

    // A start past the end is a mistake to say at once, not a silent end.
    if let (Some(from), Some(n), None) = (args.from, &recording, &args.out)
        && let Some(length) = runtime.block_on(recording_length(ctx, n))
        && from >= length
    {
        return Err(failed(&crate::audio::AudioError::PastEnd { from, length }));
    }

    if let Some(path) = &args.out {
        let written = match &recording {
            Some(n) => match recording_to_wav(ctx, runtime, n, &audio_cache, path, args) {
                Ok(length) => Some((length, "the article's recording".to_string())),
                // Past its end: the listener's mistake, said as such.
                Err(e @ AudioError::PastEnd { .. }) => return Err(failed(&e)),
                // A broken recording is not the end: the text is spoken instead.
                Err(e) => {
                    eprintln!(
                        "herald: the recording could not be played ({}); writing the text spoken instead",
                        crate::sanitize::line(&e.to_string())
                    );
                    None
                }
            },
            None => None,
        };
        let (length, what) = match written {
            Some(written) => written,
            None => {
                speech_to_wav(ctx, &parts, &speech_cache, path, args).map_err(|e| failed(&e))?
            }
        };
        out.line(&format!(
            "wrote {} ({}, {what})",
            path.display(),
            format_time(Some(length))
        ))?;
        trimmer.finish();
        return Ok(EXIT_OK);
    }

    // Where the listener stopped last time, unless told where to start.
    let key = if url::Url::parse(target).is_ok() {
        target.to_string()
    } else {
        article.url.clone()
    };
    let store = match ctx.store() {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("herald: where you stop will not be kept: {e}");
            None
        }
    };
    let resume = match (&store, args.from) {
        (Some(store), None) => store.position(&key).unwrap_or_else(|e| {
            eprintln!("herald: where you stopped could not be read: {e}");
            None
        }),
        _ => None,
    };
    let (resume_at, first) = match resume.as_ref().and_then(|r| r.start()) {
        Some((Heard::Recording { url }, at))
            if recording.as_ref().is_some_and(|n| n.url == *url) =>
        {
            (Some(at), 0)
        }
        Some((Heard::Speech { part }, _)) if recording.is_none() && *part < parts.len() => {
            (None, *part)
        }
        _ => (None, 0),
    };
    if let Some(at) = resume_at {
        out.line(&format!(
            "resuming at {} (--from 0 starts from the beginning)",
            format_time(Some(at))
        ))?;
    } else if first > 0 {
        out.line(&format!(
            "resuming at paragraph {first} (--from 0 starts from the beginning)"
        ))?;
    }
    // Before the line redrawn in place, which goes straight to the terminal.
    out.flush()?;
    let player = player::open_default(&ctx.net).map_err(|e| failed(&e))?;
    let mut session = Session {
        player,
        parts: parts.len(),
        speech: recording.is_none(),
        speed: args.speed,
        volume: 1.0,
        state: PlayState::Loading,
        pos: Duration::ZERO,
        total: None,
        part: None,
        first: 0,
        synthesis: None,
        carried: None,
        cache: trimmer.clone(),
        playing: None,
        kept: store.map(|store| Kept {
            store,
            key,
            recording: recording.as_ref().map(|n| n.url.clone()),
            mark_read: ctx.config.listen.mark_read,
            saved_pos: Duration::ZERO,
        }),
    };
    match &recording {
        Some(n) => {
            let track = playback::recording_track(n, &audio_cache);
            if let Track::Remote { cache, .. } = &track {
                session.playing = Some(trimmer.pin(cache));
            }
            session.player.send(Command::Load(track));
            if (args.speed - 1.0).abs() > f32::EPSILON {
                session.player.send(Command::Speed(args.speed));
            }
        }
        None => session.speak(&parts, first, ctx, &speech_cache)?,
    }
    if let Some(from) = args.from.or(resume_at) {
        session.player.send(Command::SeekTo(from));
    }
    session.player.send(Command::Play);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let _raw = if interactive { RawMode::enter() } else { None };
    let code = session.run(interactive, &parts, ctx, &speech_cache, out)?;
    trimmer.finish();
    Ok(code)
}

/// `listen --out` of the article's recording, from `--from`, at `--speed`; returns its length.
fn recording_to_wav(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    narration: &Narration,
    audio_cache: &Path,
    path: &Path,
    args: &ListenArgs,
) -> Result<Duration, AudioError> {
    let file = match playback::local_file(&narration.url) {
        Some(path) => path,
        None => runtime.block_on(stream::fetch_to_cache(
            ctx.net.client(),
            &narration.url,
            &audio_cache.join(playback::cache_name(&narration.url)),
        ))?,
    };
    stream::decode_part_to_wav(&file, path, args.from.unwrap_or_default(), args.speed)
}

/// `listen --out` of synthesized speech: made whole at the speed (by the engine's rate), then
/// cut at `--from`. Returns its length and what it is.
fn speech_to_wav(
    ctx: &Context,
    parts: &[String],
    speech_cache: &Path,
    path: &Path,
    args: &ListenArgs,
) -> Result<(Duration, String), String> {
    let whole = match args.from {
        Some(_) => path.with_extension("whole.wav"),
        None => path.to_path_buf(),
    };
    let timeline = tts::synthesize_to_wav(
        parts,
        &ctx.config.narration,
        args.speed,
        speech_cache,
        &whole,
    )
    .map_err(|e| e.to_string())?;
    let mut total = timeline.total().unwrap_or_default();
    if let Some(from) = args.from {
        let cut = stream::decode_part_to_wav(&whole, path, from, 1.0);
        let _ = std::fs::remove_file(&whole);
        total = cut.map_err(|e| e.to_string())?;
    }
    let what = format!(
        "synthesized speech, {} parts, {:.3} s",
        timeline.parts(),
        total.as_secs_f64()
    );
    Ok((total, what))
}

struct Session {
    player: PlayerHandle,
    parts: usize,
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
}

/// Where the listener is in the article, kept in the store for the next time it plays.
struct Kept {
    store: Store,
    /// The article's address, under which its position is kept.
    key: String,
    recording: Option<String>,
    mark_read: bool,
    saved_pos: Duration,
}

impl Session {
    /// Starts speaking from `first`, at the session's speed (the engine's rate, not the pitch).
    fn speak(
        &mut self,
        parts: &[String],
        first: usize,
        ctx: &Context,
        cache: &Path,
    ) -> Result<(), AppError> {
        let (synthesis, feed) = playback::start_speech(
            parts.to_vec(),
            first,
            &ctx.config.narration,
            self.speed,
            cache,
        )
        .map_err(|e| AppError::Failed(e.to_string()))?;
        self.player.send(Command::Load(Track::Speech(feed)));
        self.playing = Some(self.cache.pin(synthesis.dir()));
        self.cache.added();
        // The same article remade (at another speed): its clock goes on.
        self.carried = self.synthesis.as_ref().and_then(|previous| {
            let before = (&previous.timeline(), self.first, self.carried);
            playback::carried_start(Some(before), parts.len(), first)
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
        let Some(kept) = self.kept.as_mut() else {
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
        if let Err(e) = kept.store.save_position(&kept.key, &resume, kept.mark_read) {
            // From the start of the line: raw mode does not return the carriage.
            eprint!("\rherald: where you stopped could not be kept: {e}\r\n");
            self.kept = None;
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
            line.push_str(&format!("  [paragraph {}/{}]", part + 1, self.parts));
        }
        if (self.speed - 1.0).abs() > f32::EPSILON {
            line.push_str(&format!("  {:.2}x", self.speed));
        }
        if (self.volume - 1.0).abs() > f32::EPSILON {
            line.push_str(&format!("  vol {:.0}%", self.volume * 100.0));
        }
        line
    }

    fn run<W: Write>(
        &mut self,
        interactive: bool,
        parts: &[String],
        ctx: &Context,
        cache: &Path,
        out: &mut Out<W>,
    ) -> Result<i32, AppError> {
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
                        return Ok(EXIT_OK);
                    }
                    // A broken recording is not the end: the article's text is spoken.
                    PlayerEvent::Failed(e) if !self.speech => {
                        eprint!(
                            "\rherald: the recording could not be played ({}); speaking the text instead\r\n",
                            crate::sanitize::line(&e)
                        );
                        self.speech = true;
                        self.total = None;
                        if let Some(kept) = self.kept.as_mut() {
                            // What is kept from now on is where the speech is.
                            kept.recording = None;
                        }
                        self.speak(parts, 0, ctx, cache)?;
                        self.player.send(Command::Play);
                    }
                    PlayerEvent::Error(e) | PlayerEvent::Failed(e) => {
                        if interactive {
                            println!("\r");
                        }
                        eprintln!("herald: {}", crate::sanitize::line(&e));
                        return Ok(EXIT_FAILURE);
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
                if event::poll(Duration::ZERO)? {
                    if let Event::Key(key) = event::read()? {
                        if key.kind != KeyEventKind::Release
                            && !self.key(key.code, key.modifiers, parts, ctx, cache)?
                        {
                            self.keep(true, false);
                            finish(out, true, &self.line())?;
                            return Ok(EXIT_OK);
                        }
                    }
                }
            }
        }
    }

    /// Handles one key; false means quit.
    fn key(
        &mut self,
        code: KeyCode,
        modifiers: KeyModifiers,
        parts: &[String],
        ctx: &Context,
        cache: &Path,
    ) -> Result<bool, AppError> {
        match code {
            KeyCode::Char('q') | KeyCode::Esc => return Ok(false),
            KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => return Ok(false),
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
                    let from = self.part.unwrap_or(0);
                    self.speak(parts, from, ctx, cache)?;
                    self.player.send(Command::Play);
                } else {
                    self.player.send(Command::Speed(self.speed));
                }
            }
            _ => {}
        }
        Ok(true)
    }
}

fn redraw(line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout();
    crossterm::execute!(
        stdout,
        crossterm::cursor::MoveToColumn(0),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::CurrentLine),
        crossterm::style::Print(line)
    )?;
    stdout.flush()
}

fn finish<W: Write>(out: &mut Out<W>, interactive: bool, line: &str) -> std::io::Result<()> {
    if interactive {
        redraw(line)?;
        print!("\r\n");
        std::io::stdout().flush()
    } else {
        out.line(line)
    }
}

/// Raw mode for single keys, restored on drop (also when unwinding from a panic).
struct RawMode;

impl RawMode {
    fn enter() -> Option<RawMode> {
        crossterm::terminal::enable_raw_mode().ok().map(|_| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}
