//! Narration synthesized offline: the article's title, then each paragraph, spoken by an
//! engine (piper, espeak-ng, flite, or any command that writes WAV), one part at a time, just ahead of
//! the listener (see [`super::lookahead`]), into a cache on disk.
//!
//! Cache layout: `cache_dir/<key>/<index>.wav`, where `<key>` is 32 hex digits hashing the
//! article's cleaned text (every part, in order), the engine (with its command line for
//! `"command"`), the voice and the effective rate. Each file is 16-bit PCM WAV with a
//! canonical 44-byte header, written under a temporary name and renamed into place, so a file
//! with its final name is always complete and is never synthesized again.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

mod config;
mod engine;
mod piper;

pub use config::{Engine, NarrationConfig, TtsError};
use engine::check_flite_voice;
pub use engine::find_program;
pub use piper::{PiperVoice, find as find_piper};

use super::lookahead::{self, Step};
use super::timeline::Timeline;
use crate::audio::listening::Listening;
use crate::audio::wav::{self, WavInfo, WavWriter};
use crate::audio::{SpeechFeed, SpeechPart};
use crate::sanitize;

/// The engine's words per minute when nothing is configured.
pub const DEFAULT_RATE: u32 = 170;
/// Allowed `rate` values in the config.
pub const RATE_RANGE: std::ops::RangeInclusive<u32> = 80..=500;
/// Allowed narration speeds (the player's range).
pub const SPEED_RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;
/// What an empty part (a paragraph with nothing to say) becomes: this much silence.
pub const EMPTY_PART: Duration = Duration::from_millis(250);
/// Words per minute flite speaks at with `duration_stretch=1`, used to turn `rate` into a stretch.
const FLITE_NATURAL_RATE: f64 = 170.0;
/// Bumped whenever what is cached changes meaning.
const CACHE_FORMAT: &str = "herald-speech-1";

/// Text as an engine should get it: no control characters, nothing an engine reads as markup
/// (`<...>` SSML, espeak-ng's `[[phonemes]]`), whitespace collapsed to single spaces.
pub fn clean_text(text: &str) -> String {
    let safe = sanitize::text(text);
    let mapped: String = safe
        .chars()
        .map(|c| match c {
            '<' | '>' | '[' | ']' | '{' | '}' | '\\' | '`' => ' ',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What narration speaks for an article: the title, then each paragraph (part `i + 1` is
/// paragraph `i`).
pub fn article_parts(article: &crate::article::Article) -> Vec<String> {
    std::iter::once(&article.title)
        .chain(&article.paragraphs)
        .cloned()
        .collect()
}

/// A narration being synthesized. Hand [`Synthesis::take_feed`] to the player, which reports
/// where the listener is; synthesis keeps just ahead of that. Dropping the `Synthesis`, or the
/// player letting go of the feed, stops the synthesis (a running engine is killed).
pub struct Synthesis {
    feed: Option<SpeechFeed>,
    timeline: Arc<Mutex<Timeline>>,
    outcome: Arc<Mutex<Outcome>>,
    stop: Arc<AtomicBool>,
    /// Set by [`Synthesis::discard_ahead`]: the parts handed over beyond the listener go.
    discard: Arc<AtomicBool>,
    listening: Arc<Listening>,
    handle: Option<JoinHandle<()>>,
    dir: PathBuf,
}

/// A synthesis deleting the parts it made ahead of the listener; see
/// [`Synthesis::discard_ahead`].
#[derive(Debug)]
pub struct Discarding(Option<JoinHandle<()>>);

impl Discarding {
    /// Waits until the files are deleted.
    pub fn wait(mut self) {
        if let Some(h) = self.0.take() {
            // The worker never panics on purpose; there is nothing to report either way.
            let _ = h.join();
        }
    }
}

#[derive(Debug)]
enum Outcome {
    Running,
    Done,
    Stopped,
    Failed(TtsError),
}

impl std::fmt::Debug for Synthesis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synthesis")
            .field("dir", &self.dir)
            .field("timeline", &self.timeline())
            .finish_non_exhaustive()
    }
}

impl Synthesis {
    /// The parts as they are made, for the player; `None` once taken.
    pub fn take_feed(&mut self) -> Option<SpeechFeed> {
        self.feed.take()
    }

    /// The timeline the synthesis fills in, shared: lock it to read the latest.
    pub fn shared_timeline(&self) -> Arc<Mutex<Timeline>> {
        Arc::clone(&self.timeline)
    }

    /// A copy of the timeline as it is now.
    pub fn timeline(&self) -> Timeline {
        lock(&self.timeline).clone()
    }

    /// The cache folder holding this narration's parts.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True once every part is synthesized, or synthesis stopped or failed.
    pub fn is_finished(&self) -> bool {
        !matches!(*lock(&self.outcome), Outcome::Running)
    }

    /// Why synthesis failed, if it did (the feed then ends early).
    pub fn error(&self) -> Option<String> {
        match &*lock(&self.outcome) {
            Outcome::Failed(e) => Some(e.to_string()),
            _ => None,
        }
    }

    /// Stops, and once the player has let go of the feed (at most [`RELEASE_WAIT`] later),
    /// deletes the parts handed over beyond the one the listener was at: for narration made
    /// again at another speed, whose look-ahead at the old speed will never be heard.
    pub fn discard_ahead(mut self) -> Discarding {
        self.discard.store(true, Ordering::SeqCst);
        let handle = self.handle.take();
        drop(self);
        Discarding(handle)
    }

    /// Waits for the synthesis to end and returns the whole timeline: every part from `first`
    /// is made as the listener reaches it (the feed's [`SpeechFeed::report`]), then the parts
    /// before `first` are measured.
    pub fn wait(mut self) -> Result<Timeline, TtsError> {
        if let Some(h) = self.handle.take() {
            // The worker never panics on purpose; a panic is reported as a stopped synthesis.
            let _ = h.join();
        }
        match std::mem::replace(&mut *lock(&self.outcome), Outcome::Stopped) {
            Outcome::Done => Ok(self.timeline()),
            Outcome::Failed(e) => Err(e),
            Outcome::Running | Outcome::Stopped => Err(TtsError::Stopped),
        }
    }
}

impl Drop for Synthesis {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.listening.wake();
    }
}

/// How long a discarding synthesis waits for the player to let go of the feed before it
/// deletes the parts anyway.
pub const RELEASE_WAIT: Duration = Duration::from_secs(5);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts synthesizing `parts` (the title, then each paragraph) from part `first` on, in
/// order, each part sent on the feed as soon as it is ready, just ahead of the listener the
/// feed reports. Lengths of parts already in the cache are known at once; the parts before
/// `first` are measured (not kept) once the look-ahead is full, so the timeline becomes
/// complete. `speed` (0.5 to 3.0) multiplies the engine's rate. Fails at once when the engine
/// is missing.
pub fn start(
    parts: Vec<String>,
    first: usize,
    config: &NarrationConfig,
    speed: f32,
    cache_dir: &Path,
) -> Result<Synthesis, TtsError> {
    if first >= parts.len() && !(parts.is_empty() && first == 0) {
        return Err(TtsError::Invalid(format!(
            "cannot start at part {first}: the narration has {} parts",
            parts.len()
        )));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let discard = Arc::new(AtomicBool::new(false));
    let mut job = Job::new(&parts, config, speed, cache_dir, Arc::clone(&stop))?;
    let n = parts.len();
    let (tx, rx) = mpsc::channel();
    let feed = SpeechFeed::new(n, first, rx);
    let listening = feed.watch();
    let timeline = Arc::new(Mutex::new(Timeline::new(n)));
    let outcome = Arc::new(Mutex::new(Outcome::Running));
    let dir = job.dir.clone();
    let (t, o, l, d) = (
        Arc::clone(&timeline),
        Arc::clone(&outcome),
        Arc::clone(&listening),
        Arc::clone(&discard),
    );
    let handle = std::thread::Builder::new()
        .name("herald-tts".to_string())
        .spawn(move || {
            let mut handed = vec![false; n];
            let result = job.run(first, &t, &tx, &l, &mut handed);
            *lock(&o) = result;
            drop(tx);
            if d.load(Ordering::SeqCst) {
                job.discard_ahead(&handed, &l);
            }
        })
        .map_err(|err| TtsError::Cache {
            path: dir.clone(),
            err,
        })?;
    Ok(Synthesis {
        feed: Some(feed),
        timeline,
        outcome,
        stop,
        discard,
        listening,
        handle: Some(handle),
        dir,
    })
}

/// The whole narration as one WAV at `out` (the parts in order, in the engine's format).
/// Parts already in the cache of [`start`] are read from it; the others are written straight
/// to `out`, not kept (the file is the copy). Returns the timeline of the parts.
pub fn synthesize_to_wav(
    parts: &[String],
    config: &NarrationConfig,
    speed: f32,
    cache_dir: &Path,
    out: &Path,
) -> Result<Timeline, TtsError> {
    let mut job = Job::new(
        parts,
        config,
        speed,
        cache_dir,
        Arc::new(AtomicBool::new(false)),
    )?;
    let mut timeline = Timeline::new(parts.len());
    let out_err = |err| TtsError::Cache {
        path: out.to_path_buf(),
        err,
    };
    let mut writer: Option<WavWriter<std::fs::File>> = None;
    for i in 0..parts.len() {
        let audio = job.audio(i)?;
        let w = match &mut writer {
            Some(w) => w,
            None => writer.insert(
                WavWriter::create(out, audio.sample_rate, audio.channels).map_err(out_err)?,
            ),
        };
        if (audio.sample_rate, audio.channels) != (w.sample_rate(), w.channels()) {
            return Err(TtsError::Invalid(format!(
                "the engine wrote parts in different formats ({} Hz, {} channels, then {} Hz, {} channels); they cannot be joined",
                w.sample_rate(),
                w.channels(),
                audio.sample_rate,
                audio.channels
            )));
        }
        w.write_i16(&audio.samples).map_err(out_err)?;
        timeline.set(i, audio.duration());
    }
    match writer {
        Some(w) => {
            w.finish().map_err(out_err)?;
        }
        None => {
            // No parts at all: an empty but valid file.
            WavWriter::create(out, 22050, 1)
                .and_then(WavWriter::finish)
                .map_err(out_err)?;
        }
    }
    Ok(timeline)
}

/// One part's sound, in memory: 16-bit samples, interleaved.
struct PartAudio {
    sample_rate: u32,
    channels: u16,
    samples: Vec<i16>,
}

impl PartAudio {
    /// Its length, as [`WavWriter::finish`] reports it for the same samples.
    fn duration(&self) -> Duration {
        let frames = self.samples.len() as u64 / u64::from(self.channels.max(1));
        Duration::from_secs_f64(frames as f64 / f64::from(self.sample_rate.max(1)))
    }
}

/// Everything needed to make (or find) one part.
struct Job {
    engine: Engine,
    program: PathBuf,
    /// For piper, the model file.
    voice: String,
    /// Piper's environment and voice, when the engine is piper.
    piper: Option<PiperVoice>,
    /// Piper's worker, started when the first part is to be made and kept until the job ends.
    worker: Option<piper::Worker>,
    /// Words per minute after the speed.
    rate: u32,
    /// Length multiplier relative to 170 words per minute.
    stretch: f64,
    command: Vec<String>,
    texts: Vec<String>,
    dir: PathBuf,
    stop: Arc<AtomicBool>,
    /// The engine's sample rate and channels, once seen: for silent parts.
    format: Option<(u32, u16)>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Job {
    fn new(
        parts: &[String],
        config: &NarrationConfig,
        speed: f32,
        cache_dir: &Path,
        stop: Arc<AtomicBool>,
    ) -> Result<Job, TtsError> {
        config.validate().map_err(TtsError::Invalid)?;
        if !speed.is_finite() || !SPEED_RANGE.contains(&speed) {
            return Err(TtsError::Invalid(format!(
                "speed {speed} is outside {}..={}",
                SPEED_RANGE.start(),
                SPEED_RANGE.end()
            )));
        }
        let rate = (f64::from(config.rate) * f64::from(speed)).round() as u32;
        let stretch = FLITE_NATURAL_RATE / (f64::from(config.rate) * f64::from(speed));
        let (engine, piper) = resolve_engine(config)?;
        let mut voice = config.voice_for(engine).to_string();
        let program = match engine {
            Engine::Piper => {
                let found = piper
                    .as_ref()
                    .ok_or_else(|| TtsError::NotInstalled("piper is not installed".to_string()))?;
                voice = found.model.to_string_lossy().into_owned();
                found.python.clone()
            }
            Engine::EspeakNg => find_program("espeak-ng").ok_or_else(|| {
                TtsError::NotInstalled(
                    "espeak-ng is not installed (apt-get install espeak-ng)".to_string(),
                )
            })?,
            Engine::Flite => {
                let p = find_program("flite").ok_or_else(|| {
                    TtsError::NotInstalled(
                        "flite is not installed (apt-get install flite)".to_string(),
                    )
                })?;
                check_flite_voice(&p, &voice)?;
                p
            }
            Engine::Command => {
                let name = config.command.first().map(String::as_str).unwrap_or("");
                find_program(name).ok_or_else(|| {
                    TtsError::NotInstalled(format!(
                        "the narration command `{name}` is not installed or not executable; install it or fix [narration] command in the config"
                    ))
                })?
            }
        };
        let texts: Vec<String> = parts.iter().map(|p| clean_text(p)).collect();
        let rate_key = match engine {
            Engine::Flite | Engine::Piper => format!("stretch={stretch:.4}"),
            _ => format!("rate={rate}"),
        };
        let mut key: Vec<&[u8]> = vec![
            CACHE_FORMAT.as_bytes(),
            engine.name().as_bytes(),
            voice.as_bytes(),
            rate_key.as_bytes(),
        ];
        if engine == Engine::Command {
            key.extend(config.command.iter().map(String::as_bytes));
        }
        let n = texts.len().to_string();
        key.push(n.as_bytes());
        key.extend(texts.iter().map(String::as_bytes));
        let dir = cache_dir.join(format!("{:032x}", crate::cache_key::fnv1a_128(&key)));
        std::fs::create_dir_all(&dir).map_err(|err| TtsError::Cache {
            path: dir.clone(),
            err,
        })?;
        Ok(Job {
            engine,
            program,
            voice,
            piper,
            worker: None,
            rate,
            stretch,
            command: config.command.clone(),
            texts,
            dir,
            stop,
            format: None,
        })
    }

    /// Sends `first..` on the feed as the listener's look-ahead needs them, and measures
    /// `..first`, until every length is known or the synthesis is stopped. `handed` marks the
    /// parts sent.
    fn run(
        &mut self,
        first: usize,
        timeline: &Mutex<Timeline>,
        tx: &Sender<SpeechPart>,
        listening: &Listening,
        handed: &mut [bool],
    ) -> Outcome {
        {
            // Lengths of parts already cached are free: the clock knows them at once.
            let mut t = lock(timeline);
            for i in 0..self.texts.len() {
                if let Some((_, duration)) = cached(&self.path_of(i)) {
                    t.set(i, duration);
                }
            }
        }
        loop {
            let at = listening.get();
            if self.stop.load(Ordering::SeqCst) || at.gone {
                return Outcome::Stopped;
            }
            let step = lookahead::next_step(first, handed, &lock(timeline), at);
            let done = match step {
                Step::Speak(i) => self.part(i).map(|part| {
                    lock(timeline).set(i, part.duration);
                    handed[i] = true;
                    // A closed feed means the player let go: nothing more is needed.
                    tx.send(part).is_err()
                }),
                Step::Measure(i) => self.audio(i).map(|audio| {
                    lock(timeline).set(i, audio.duration());
                    false
                }),
                Step::Wait => {
                    let stop = &self.stop;
                    listening.wait_until(|now| *now != at || stop.load(Ordering::SeqCst));
                    Ok(false)
                }
                Step::Done => return Outcome::Done,
            };
            match done {
                Ok(false) => {}
                Ok(true) | Err(TtsError::Stopped) => return Outcome::Stopped,
                Err(e) => return Outcome::Failed(e),
            }
        }
    }

    /// Deletes the parts handed over beyond the one the listener was at, once the player has
    /// let go of them (or after [`RELEASE_WAIT`]): deleting a part the player is about to open
    /// would make it fail.
    fn discard_ahead(&self, handed: &[bool], listening: &Listening) {
        let at = listening.wait_until_for(RELEASE_WAIT, |at| at.gone);
        for (i, _) in handed
            .iter()
            .enumerate()
            .skip(at.part + 1)
            .filter(|(_, h)| **h)
        {
            let path = self.path_of(i);
            if let Err(e) = std::fs::remove_file(&path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                log::warn!("speech cache: cannot delete {}: {e}", path.display());
            }
        }
    }

    fn path_of(&self, index: usize) -> PathBuf {
        self.dir.join(format!("{index}.wav"))
    }

    /// Part `index` from the cache, or synthesized into it.
    fn part(&mut self, index: usize) -> Result<SpeechPart, TtsError> {
        let path = self.path_of(index);
        if let Some((info, duration)) = cached(&path) {
            self.format.get_or_insert((info.sample_rate, info.channels));
            return Ok(SpeechPart {
                index,
                path,
                duration,
            });
        }
        let audio = self.render(index)?;
        let duration = self.store(&path, &audio)?;
        Ok(SpeechPart {
            index,
            path,
            duration,
        })
    }

    /// Part `index`'s sound: read from the cache when it is there, else synthesized (and not
    /// stored).
    fn audio(&mut self, index: usize) -> Result<PartAudio, TtsError> {
        let path = self.path_of(index);
        if cached(&path).is_some()
            && let Ok(bytes) = std::fs::read(&path)
            && let Ok(info) = wav::read_info(&bytes)
        {
            self.format.get_or_insert((info.sample_rate, info.channels));
            return Ok(PartAudio {
                sample_rate: info.sample_rate,
                channels: info.channels,
                samples: samples_i16(&bytes, &info),
            });
        }
        self.render(index)
    }

    /// Synthesizes part `index`; an empty part is a short silence.
    fn render(&mut self, index: usize) -> Result<PartAudio, TtsError> {
        let text = self.texts.get(index).cloned().unwrap_or_default();
        let spoken = if text.is_empty() {
            None
        } else {
            self.synthesize(index, &text)?
        };
        let audio = match spoken {
            Some((bytes, info)) => PartAudio {
                sample_rate: info.sample_rate,
                channels: info.channels,
                samples: samples_i16(&bytes, &info),
            },
            None => {
                // Nothing to say: silence in the engine's format, learnt from a full stop if
                // no part has shown it yet.
                let (rate, channels) = match self.format {
                    Some(f) => f,
                    None => self
                        .synthesize(index, ".")?
                        .map(|(_, info)| (info.sample_rate, info.channels))
                        // An engine may write a valid but empty WAV, which tells the format.
                        .or(self.format)
                        .ok_or_else(|| TtsError::Engine {
                            engine: self.engine.name(),
                            part: index,
                            detail: "it wrote no audio for a full stop".to_string(),
                        })?,
                };
                let frames = (u64::from(rate) * EMPTY_PART.as_millis() as u64 / 1000) as usize;
                PartAudio {
                    sample_rate: rate,
                    channels,
                    samples: vec![0i16; frames * usize::from(channels)],
                }
            }
        };
        self.format
            .get_or_insert((audio.sample_rate, audio.channels));
        Ok(audio)
    }

    /// Writes a part under a temporary name, then renames it into place.
    fn store(&self, path: &Path, audio: &PartAudio) -> Result<Duration, TtsError> {
        let tmp = self.temp_path("wav");
        let cache_err = |err| TtsError::Cache {
            path: path.to_path_buf(),
            err,
        };
        let result = WavWriter::create(&tmp, audio.sample_rate, audio.channels)
            .and_then(|mut w| {
                w.write_i16(&audio.samples)?;
                w.finish()
            })
            .and_then(|d| std::fs::rename(&tmp, path).map(|()| d));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(cache_err)
    }

    fn temp_path(&self, ext: &str) -> PathBuf {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        self.dir
            .join(format!(".tmp-{}-{n}.{ext}", std::process::id()))
    }
}

/// The engine `config` asks for, or when it names none, piper when it is installed with a
/// voice, else espeak-ng (the choice is logged). Piper's installation comes with it.
fn resolve_engine(config: &NarrationConfig) -> Result<(Engine, Option<PiperVoice>), TtsError> {
    let find = || piper::find(config.piper.as_deref(), config.voice.as_deref());
    match config.engine {
        Some(Engine::Piper) => find()
            .map(|v| (Engine::Piper, Some(v)))
            .map_err(TtsError::NotInstalled),
        Some(engine) => Ok((engine, None)),
        None => Ok(match find() {
            Ok(v) => {
                log_choice(format!("narration by piper, voice {}", v.model.display()));
                (Engine::Piper, Some(v))
            }
            Err(why) => {
                log_choice(format!("narration by espeak-ng: {why}"));
                (Engine::EspeakNg, None)
            }
        }),
    }
}

/// Logs which engine narration uses when it differs from the last time.
fn log_choice(message: String) {
    static LAST: Mutex<String> = Mutex::new(String::new());
    let mut last = lock(&LAST);
    if *last != message {
        log::info!("{message}");
        *last = message;
    }
}

/// A cached part's format and length: its header must match the file's size exactly (the
/// cache writes canonical 44-byte headers), else it is made again.
fn cached(path: &Path) -> Option<(WavInfo, Duration)> {
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let mut header = [0u8; 44];
    f.read_exact(&mut header).ok()?;
    let info = wav::read_info(&header).ok()?;
    let declared = u32::from_le_bytes(header.get(40..44)?.try_into().ok()?);
    if info.data_offset != 44 || info.bits_per_sample != 16 || 44 + u64::from(declared) != len {
        return None;
    }
    let info = WavInfo {
        data_len: declared as usize,
        ..info
    };
    Some((info, info.duration()))
}

/// The samples of 8, 16, 24 or 32-bit integer PCM as 16-bit.
fn samples_i16(bytes: &[u8], info: &WavInfo) -> Vec<i16> {
    let end = (info.data_offset + info.data_len).min(bytes.len());
    let data = bytes.get(info.data_offset..end).unwrap_or_default();
    match info.bits_per_sample {
        8 => data.iter().map(|&b| (i16::from(b) - 128) << 8).collect(),
        24 => data
            .chunks_exact(3)
            .map(|c| i16::from_le_bytes([c[1], c[2]]))
            .collect(),
        32 => data
            .chunks_exact(4)
            .map(|c| i16::from_le_bytes([c[2], c[3]]))
            .collect(),
        _ => data
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
