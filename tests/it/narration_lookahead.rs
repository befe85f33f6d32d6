//! Synthesis paced by the listener: a 1 MB article from a loopback server, spoken by espeak-ng
//! to the player, whose output a thread here pulls at a chosen pace (`rodio::Player::new()`:
//! no sound card, and unlike ALSA's null device it is paced).
//!
//! Time scale: playback runs at `HERALD_LOOKAHEAD_PACE` times real time (default 3) so that 30 s
//! of speech take 10 s; the pause is wall-clock time, because that is when a runaway synthesis
//! fills the cache: `HERALD_LOOKAHEAD_PAUSE_SECS` (default 30). The figures are printed
//! (`-- --nocapture`).

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use herald::audio::player::{PlayerHandle, with_player};
use herald::audio::{Command, PlayState, PlayerEvent, Track};
use herald::narration::lookahead::AHEAD;
use herald::narration::tts::{NarrationConfig, find_program};
use herald::narration::{article_parts, playback};
use herald::net::{Limit, Net, NetConfig};

/// True when espeak-ng can be used; in CI its absence fails the test.
fn have_espeak() -> bool {
    if find_program("espeak-ng").is_some() {
        return true;
    }
    assert!(
        !common::in_ci(),
        "espeak-ng is required in CI (apt-get install espeak-ng)"
    );
    eprintln!("note: espeak-ng is not installed; skipping");
    false
}

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v: &f64| *v > 0.0)
        .unwrap_or(default)
}

/// News copy in the style of ../shared/bench/newsfixture.py: sentences of 8 to 20 words,
/// paragraphs of 3 to 6 sentences, deterministic.
fn article_html(title: &str, min_bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "security",
        "regional",
        "transfer",
        "officials",
        "detention",
        "government",
        "forces",
        "report",
        "council",
        "market",
        "energy",
        "water",
        "election",
        "court",
        "ministry",
        "border",
        "talks",
        "agreement",
        "city",
        "province",
        "weather",
        "health",
        "school",
        "budget",
        "trade",
        "river",
        "harvest",
        "railway",
        "museum",
        "festival",
        "bridge",
        "port",
        "coast",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut html = format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>\n"
    );
    while html.len() < min_bytes {
        html.push_str("<p>");
        for _ in 0..3 + next(4) {
            let words: Vec<&str> = (0..8 + next(13))
                .map(|_| WORDS[next(WORDS.len())])
                .collect();
            let sentence = words.join(" ");
            let mut chars = sentence.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
            html.push(first);
            html.push_str(chars.as_str());
            html.push_str(". ");
        }
        html.push_str("</p>\n");
    }
    html.push_str("</article></body></html>\n");
    html
}

/// The article's parts as herald reads them from the page on a loopback server.
fn fetched_parts(html: String) -> Vec<String> {
    let body = html.into_bytes();
    let server = common::TestServer::start(move |_, _| {
        (
            200,
            vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body.clone(),
        )
    });
    let url = server.url("/news/long-read.html");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let net = Net::new(&NetConfig::default()).expect("client");
    let page = runtime
        .block_on(net.get(&url, Limit::Page))
        .expect("the page loads");
    let article = herald::article::Article::from_page(&page.text(), &page.url).expect("article");
    article_parts(&article)
}

/// A device that takes samples at `pace` times real time, counting the seconds of output it
/// took (silence included: an empty queue and a paused player still give samples).
struct PacedOutput {
    micros: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl PacedOutput {
    fn start(pace: f64) -> (PlayerHandle, PacedOutput) {
        let (player, mut out) = rodio::Player::new();
        let micros = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (Arc::clone(&micros), Arc::clone(&stop));
        std::thread::spawn(move || {
            use rodio::Source;
            let started = Instant::now();
            let mut pulled = 0.0f64;
            while !s.load(Ordering::SeqCst) {
                let due = started.elapsed().as_secs_f64() * pace;
                while pulled < due {
                    let per_sec =
                        f64::from(out.sample_rate().get()) * f64::from(out.channels().get());
                    if out.next().is_none() {
                        break;
                    }
                    pulled += 1.0 / per_sec;
                }
                m.store((pulled * 1e6) as u64, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(4));
            }
        });
        let net = Net::new(&NetConfig::default()).expect("client");
        (with_player(player, &net), PacedOutput { micros, stop })
    }

    fn secs(&self) -> f64 {
        self.micros.load(Ordering::SeqCst) as f64 / 1e6
    }
}

impl Drop for PacedOutput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The parts in the speech cache and their bytes (temporary files left out).
#[derive(Debug, Clone, Copy, PartialEq)]
struct CacheSize {
    parts: usize,
    bytes: u64,
    /// Seconds of speech they hold (16-bit mono at 22050 Hz, espeak-ng's format).
    speech_secs: f64,
    longest_secs: f64,
}

fn cache_size(dir: &Path) -> CacheSize {
    let mut size = CacheSize {
        parts: 0,
        bytes: 0,
        speech_secs: 0.0,
        longest_secs: 0.0,
    };
    let Ok(folders) = std::fs::read_dir(dir) else {
        return size;
    };
    for folder in folders.flatten() {
        for file in std::fs::read_dir(folder.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".wav") {
                continue;
            }
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            let secs = len.saturating_sub(44) as f64 / 2.0 / 22050.0;
            size.parts += 1;
            size.bytes += len;
            size.speech_secs += secs;
            size.longest_secs = size.longest_secs.max(secs);
        }
    }
    size
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The player's events, with the output's seconds when each was seen.
struct Events<'a> {
    player: &'a PlayerHandle,
    out: &'a PacedOutput,
    seen: Vec<(f64, PlayerEvent)>,
}

impl Events<'_> {
    /// Takes events until `want` holds for one; fails after `secs` of wall time.
    fn until(&mut self, secs: u64, mut want: impl FnMut(&PlayerEvent) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Some(e) = self.player.recv_timeout(left) {
                let done = want(&e);
                if let PlayerEvent::Error(msg) | PlayerEvent::Failed(msg) = &e {
                    panic!("player error: {msg}");
                }
                self.seen.push((self.out.secs(), e));
                if done {
                    return;
                }
            }
        }
        let tail: Vec<_> = self.seen.iter().rev().take(10).collect();
        panic!("timed out after {secs} s; last events: {tail:?}");
    }

    fn position_at_least(&mut self, secs: u64, at: Duration) -> Duration {
        let mut pos = Duration::ZERO;
        self.until(secs, |e| match e {
            PlayerEvent::Position { pos: p, .. } => {
                pos = *p;
                *p >= at
            }
            _ => false,
        });
        pos
    }
}

#[test]
fn a_pause_stops_synthesis_and_playing_on_is_seamless() {
    let _machine = common::keeping_pace();
    if !have_espeak() {
        return;
    }
    let pace = env_f64("HERALD_LOOKAHEAD_PACE", 3.0);
    let pause = Duration::from_secs_f64(env_f64("HERALD_LOOKAHEAD_PAUSE_SECS", 30.0));
    let into = Duration::from_secs(30);
    let play_on = Duration::from_secs(90);
    let wall = |speech: Duration| (speech.as_secs_f64() / pace) as u64 + 30;

    let html = article_html("A very long read about the regional budget", 1_000_000);
    let parts = fetched_parts(html.clone());
    let text: usize = parts.iter().map(String::len).sum();
    assert!(
        parts.len() > 1000 && text > 800_000,
        "{} parts, {text} bytes of text from {} bytes of page",
        parts.len(),
        html.len()
    );

    let dir = common::temp_dir("lookahead-pause");
    let cache = dir.join("speech");
    let (synthesis, feed) =
        playback::start_speech(parts, 0, &espeak_ng(), 1.0, &cache).expect("speech starts");
    let (player, out) = PacedOutput::start(pace);
    player.send(Command::Load(Track::Speech(feed)));
    player.send(Command::Play);
    let mut events = Events {
        player: &player,
        out: &out,
        seen: Vec::new(),
    };
    let paused_at = events.position_at_least(wall(into), into);
    player.send(Command::Pause);
    events.until(5, |e| *e == PlayerEvent::State(PlayState::Paused));
    // A part in hand when the pause came may still land: that is the "at most 2 parts".
    let before = cache_size(&cache);
    std::thread::sleep(pause);
    let after = cache_size(&cache);
    let grown = (
        after.parts as i64 - before.parts as i64,
        mb(after.bytes) - mb(before.bytes),
    );
    eprintln!(
        "paused at {:.1} s for {:.0} s (pace {pace}x): cache {} parts / {:.1} MB -> {} parts / {:.1} MB, grown by {} parts / {:.1} MB",
        paused_at.as_secs_f64(),
        pause.as_secs_f64(),
        before.parts,
        mb(before.bytes),
        after.parts,
        mb(after.bytes),
        grown.0,
        grown.1
    );
    assert!(
        grown.0 <= 2 && grown.1 <= 20.0,
        "synthesis went on while paused: {before:?} -> {after:?}"
    );
    // Ahead of the listener, not of the article: the look-ahead (a minute, or two parts after
    // the one being spoken) plus the part that crossed it.
    let bound = AHEAD.as_secs_f64() + 3.0 * after.longest_secs + 1.0;
    assert!(
        after.speech_secs <= paused_at.as_secs_f64() + bound,
        "{:.0} s of speech made for a listener at {:.0} s",
        after.speech_secs,
        paused_at.as_secs_f64()
    );

    // Playing on: the position carries on from where it paused, the output never waits for a
    // part (no Loading, no silence the position does not account for), and every part plays.
    let resumed_at = events.seen.len();
    player.send(Command::Play);
    let end = paused_at + play_on;
    events.position_at_least(wall(play_on), end);
    let after_play: Vec<&(f64, PlayerEvent)> = events.seen[resumed_at..].iter().collect();
    let states: Vec<&PlayerEvent> = after_play
        .iter()
        .map(|(_, e)| e)
        .filter(|e| matches!(e, PlayerEvent::State(_)))
        .collect();
    assert_eq!(
        states,
        [&PlayerEvent::State(PlayState::Playing)],
        "playing on waited for speech"
    );
    let positions: Vec<(f64, Duration, usize)> = after_play
        .iter()
        .filter_map(|(out_secs, e)| match e {
            PlayerEvent::Position {
                pos,
                part: Some(part),
                ..
            } => Some((*out_secs, *pos, *part)),
            _ => None,
        })
        .collect();
    let (first, last) = (positions[0], positions[positions.len() - 1]);
    assert!(
        first.1 >= paused_at && first.1 <= paused_at + Duration::from_secs(2),
        "resumed at {:?} after pausing at {paused_at:?}",
        first.1
    );
    for pair in positions.windows(2) {
        let ((_, p0, part0), (_, p1, part1)) = (pair[0], pair[1]);
        assert!(p1 >= p0, "the position went back: {p0:?} -> {p1:?}");
        assert!(
            part1 == part0 || part1 == part0 + 1,
            "part {part0} then {part1}: a part was skipped"
        );
    }
    let heard = (last.1 - first.1).as_secs_f64();
    let output = last.0 - first.0;
    eprintln!(
        "played on: {:.1} s of speech in {output:.1} s of output, parts {} to {}",
        heard, first.2, last.2
    );
    assert!(
        heard >= output - 1.0,
        "{output:.1} s of output carried only {heard:.1} s of speech: playback waited"
    );
    assert!(last.2 > first.2, "no new part was reached");
    let end_cache = cache_size(&cache);
    eprintln!(
        "at {:.1} s: cache {} parts / {:.1} MB ({:.0} s of speech)",
        last.1.as_secs_f64(),
        end_cache.parts,
        mb(end_cache.bytes),
        end_cache.speech_secs
    );
    let bound = AHEAD.as_secs_f64() + 3.0 * end_cache.longest_secs + 1.0;
    assert!(
        end_cache.speech_secs <= last.1.as_secs_f64() + bound,
        "{:.0} s of speech made for a listener at {:.0} s",
        end_cache.speech_secs,
        last.1.as_secs_f64()
    );
    drop(player);
    drop(synthesis);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_seek_past_what_is_made_plays_on_from_there() {
    let _machine = common::keeping_pace();
    if !have_espeak() {
        return;
    }
    let parts = fetched_parts(article_html("A shorter read", 40_000));
    let dir = common::temp_dir("lookahead-seek");
    let cache = dir.join("speech");
    let (_synthesis, feed) =
        playback::start_speech(parts, 0, &espeak_ng(), 1.0, &cache).expect("speech starts");
    let (player, out) = PacedOutput::start(3.0);
    player.send(Command::Load(Track::Speech(feed)));
    player.send(Command::Play);
    let mut events = Events {
        player: &player,
        out: &out,
        seen: Vec::new(),
    };
    events.position_at_least(30, Duration::from_secs(3));
    let made = cache_size(&cache);
    assert!(
        made.speech_secs < 300.0,
        "{made:?}: synthesis ran far ahead"
    );
    // Ten minutes on: past everything made, so playback goes on from the next part to come.
    let target = Duration::from_secs(600);
    player.send(Command::SeekTo(target));
    let mut landed = None;
    events.until(30, |e| match e {
        PlayerEvent::Position {
            pos,
            part: Some(part),
            ..
        } if *pos > Duration::from_secs(10) => {
            landed = Some((*pos, *part));
            true
        }
        _ => false,
    });
    let (pos, part) = landed.expect("a position after the seek");
    let mut reached = part;
    events.until(60, |e| match e {
        PlayerEvent::Position {
            part: Some(p),
            pos: at,
            ..
        } => {
            reached = *p;
            *at > pos + Duration::from_secs(30)
        }
        _ => false,
    });
    assert!(
        reached > part,
        "playback stopped at part {part} after the seek"
    );
    let later = cache_size(&cache);
    assert!(
        later.parts > made.parts,
        "{made:?} -> {later:?}: nothing made after the seek"
    );
    drop(player);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same through `herald listen --tts` in a terminal, on ALSA paced by the test: the pause
/// key stops synthesis there too. The pause here is 10 s of wall-clock time.
#[test]
fn listen_tts_in_a_terminal_makes_nothing_while_paused() {
    let _machine = common::keeping_pace();
    use common::pty::{PacedAlsa, Pty, listen_times, screen_text};
    if !have_espeak() {
        return;
    }
    let html = article_html("A very long read about the regional budget", 1_000_000);
    let body = html.into_bytes();
    let server = common::TestServer::start(move |_, _| {
        (
            200,
            vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body.clone(),
        )
    });
    let dir = common::temp_dir("lookahead-listen");
    common::write_config(&dir, &[], "");
    let cache = dir.join("data/cache/speech");
    let device = PacedAlsa::new(&dir, 1_000_000);
    let url = server.url("/news/long-read.html");
    let mut pty = Pty::herald(&dir, &device.conf, &["listen", "--tts", &url], &[], 100, 5);
    let elapsed = |s: &vt100::Screen| listen_times(s).map(|(e, _)| e);
    pty.wait_until("ten seconds of speech", |s| {
        elapsed(s).is_some_and(|e| e >= Duration::from_secs(10))
    });
    pty.press(" ");
    let screen = pty.wait_for("⏸ Listen to the article");
    let paused_at = elapsed(&screen).expect("a position");
    let before = cache_size(&cache);
    std::thread::sleep(Duration::from_secs(10));
    let after = cache_size(&cache);
    eprintln!(
        "listen --tts paused at {paused_at:?} for 10 s: {} parts / {:.1} MB -> {} parts / {:.1} MB",
        before.parts,
        mb(before.bytes),
        after.parts,
        mb(after.bytes)
    );
    assert!(
        after.parts <= before.parts + 2 && mb(after.bytes) - mb(before.bytes) <= 20.0,
        "synthesis went on while paused: {before:?} -> {after:?}"
    );
    assert!(
        after.speech_secs
            <= paused_at.as_secs_f64() + AHEAD.as_secs_f64() + 3.0 * after.longest_secs + 1.0,
        "{after:?} made for a listener at {paused_at:?}"
    );
    let from = pty.raw().len();
    pty.press(" ");
    pty.wait_until("the position to pass the pause by 20 s", |s| {
        elapsed(s).is_some_and(|e| e >= paused_at + Duration::from_secs(20))
    });
    let since = String::from_utf8_lossy(&pty.raw()[from..]).into_owned();
    assert!(
        !since.contains("… Listen to the article"),
        "playing on waited for speech:\n{}",
        screen_text(&pty.screen())
    );
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn espeak_ng() -> NarrationConfig {
    NarrationConfig {
        engine: Some(herald::narration::Engine::EspeakNg),
        ..NarrationConfig::default()
    }
}
