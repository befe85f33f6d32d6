//! The listening bulletin in the real app, in a pseudo-terminal, its audio captured in real
//! time from an ALSA device with no sound card: a headline played from the list, two more
//! queued, the next starting by itself when one ends, the queue and the position kept across a
//! restart, and what was heard marked listened and read. And `herald listen` picking up where
//! it stopped.

use crate::common;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pty::{Pty, screen_text};
use common::*;

/// The capture's format, forced by ALSA's `plug` whatever the player asks for.
const RATE: u32 = 48_000;
const CHANNELS: u32 = 2;
const BYTES_PER_SEC: u64 = RATE as u64 * CHANNELS as u64 * 2;
/// Loudness and pitch are judged over windows this long.
const WINDOW: Duration = Duration::from_millis(20);
/// Each item's tone: the items are told apart in the capture by their pitch.
const TONES: [f64; 3] = [440.0, 660.0, 990.0];

/// A mono 16-bit WAV file of a steady tone: loud from its first sample to its last.
fn tone_wav(path: &Path, seconds: f64, hz: f64) {
    let rate = 22_050u32;
    let frames = (seconds * f64::from(rate)) as u32;
    let mut bytes = Vec::with_capacity(44 + frames as usize * 2);
    let data_len = frames * 2;
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&rate.to_le_bytes());
    bytes.extend_from_slice(&(rate * 2).to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..frames {
        let t = f64::from(i) / f64::from(rate);
        let sample = (0.5 * (2.0 * std::f64::consts::PI * hz * t).sin() * 32767.0) as i16;
        bytes.extend_from_slice(&sample.to_le_bytes());
    }
    std::fs::write(path, bytes).expect("write the tone");
}

/// An edition of three articles, each with a recording of `seconds[i]`, newest first.
fn edition(dir: &Path, seconds: [f64; 3]) -> Vec<String> {
    let titles = [
        "Tide Mill Turns Again After Forty Years",
        "Ferry Crews Rehearse The Winter Timetable",
        "Harbour Choir Records Its First Album",
    ];
    let mut items = String::new();
    for (i, title) in titles.iter().enumerate() {
        let page = format!("story-{i}.html");
        let audio = format!("story-{i}.wav");
        tone_wav(&dir.join(&audio), seconds[i], TONES[i]);
        std::fs::write(
            dir.join(&page),
            format!(
                "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
                 <audio controls src=\"{audio}\"></audio><p>The quay was busy from dawn, and the harbour master counted the boats as \
                 they came in one by one under a clear sky.</p></article></body></html>"
            ),
        )
        .expect("write a page");
        items.push_str(&format!(
            "<item><title>{title}</title><link>{page}</link><guid>bulletin-{i}</guid>\
             <pubDate>Mon, {:02} Nov 2026 08:00:00 +0000</pubDate>\
             <enclosure url=\"{audio}\" length=\"0\" type=\"audio/wav\"/></item>\n",
            16 - i
        ));
    }
    std::fs::write(
        dir.join("feed.xml"),
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>The Quay Bulletin</title>\
             <link>index.html</link><description>Test edition</description>\n{items}</channel></rss>"
        ),
    )
    .expect("write the feed");
    titles.iter().map(|t| t.to_string()).collect()
}

/// What was heard between two items.
#[derive(Debug)]
struct Between {
    before: Duration,
    after: Duration,
    sound: Duration,
}

/// What a window of the capture held.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sound {
    Silence,
    /// Item `i`'s tone.
    Tone(usize),
    /// Anything else: the spoken line introducing an item.
    Other,
}

/// When a window of the capture played, and what it held.
type Window = (Instant, Sound);

/// An ALSA default device that plays in real time into a capture kept here: every sample the
/// player hands the device, converted by `plug` to 16-bit stereo at [`RATE`], written by the
/// file plugin into a FIFO that a thread drains at the rate a sound card would. A stretch where
/// nothing was written counts as silence, as a sound card's underrun would sound.
struct Capture {
    conf: PathBuf,
    fifo: PathBuf,
    stop: Arc<AtomicBool>,
    /// The start of each window on the capture's clock, and what it held.
    windows: Arc<Mutex<Vec<Window>>>,
}

impl Capture {
    fn new(dir: &Path) -> Capture {
        let fifo = dir.join("capture.fifo");
        let _ = std::fs::remove_file(&fifo);
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: mkfifo reads a NUL-terminated path.
        let rc = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
        assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
        let conf = dir.join("asound-capture.conf");
        std::fs::write(
            &conf,
            format!(
                "pcm.!default {{ type plug slave {{ pcm \"tap\" format S16_LE rate {RATE} channels {CHANNELS} }} }}\n\
                 pcm.tap {{ type file slave.pcm \"null\" file \"{}\" format \"raw\" }}\n\
                 pcm.null {{ type null }}\nctl.!default {{ type hw card 0 }}\n",
                fifo.display()
            ),
        )
        .expect("write the ALSA configuration");
        let stop = Arc::new(AtomicBool::new(false));
        let windows = Arc::new(Mutex::new(Vec::new()));
        let (path, done, kept) = (fifo.clone(), Arc::clone(&stop), Arc::clone(&windows));
        std::thread::spawn(move || drain(&path, &done, &kept));
        Capture {
            conf,
            fifo,
            stop,
            windows,
        }
    }

    /// Between the end of item `first` and the start of item `first + 1`: the silence before
    /// the first sound after the one (the spoken line introducing the next, or the next
    /// itself), the silence after the last sound before the other, and how long the sound
    /// between them lasted. A stretch with no samples at all counts as silence, as a card
    /// would play it.
    fn between(&self, first: usize) -> Option<Between> {
        let windows = self.windows.lock().expect("windows");
        // A window at a seam may read as another pitch: an item is where five windows in a
        // row hold its tone.
        let next = windows
            .windows(5)
            .position(|run| run.iter().all(|(_, s)| *s == Sound::Tone(first + 1)))?;
        let last = windows[..next]
            .windows(5)
            .rposition(|run| run.iter().all(|(_, s)| *s == Sound::Tone(first)))?
            + 4;
        let ends = windows[last].0 + WINDOW;
        let starts = windows[next].0;
        // A lone window of sound is a seam (a tone cut or begun mid-window), not something
        // heard between.
        let between = &windows[last + 1..next];
        let sounds: Vec<Instant> = between
            .iter()
            .enumerate()
            .filter(|(i, (_, s))| {
                let sounding = |j: Option<usize>| {
                    j.and_then(|j| between.get(j))
                        .is_some_and(|(_, s)| *s != Sound::Silence)
                };
                *s != Sound::Silence && (sounding(i.checked_sub(1)) || sounding(Some(i + 1)))
            })
            .map(|(_, (at, _))| *at)
            .collect();
        Some(match (sounds.first(), sounds.last()) {
            (Some(&first_sound), Some(&last_sound)) => Between {
                before: first_sound.saturating_duration_since(ends),
                after: starts.saturating_duration_since(last_sound + WINDOW),
                sound: last_sound + WINDOW - first_sound,
            },
            _ => Between {
                before: starts.saturating_duration_since(ends),
                after: Duration::ZERO,
                sound: Duration::ZERO,
            },
        })
    }

    /// How long each item was heard, in windows.
    fn heard(&self) -> [Duration; 3] {
        let mut heard = [Duration::ZERO; 3];
        for (_, sound) in self.windows.lock().expect("windows").iter() {
            if let Sound::Tone(i) = sound {
                heard[*i] += WINDOW;
            }
        }
        heard
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.fifo);
    }
}

use std::os::unix::fs::OpenOptionsExt;

/// Reads the FIFO as a sound card would play it: each window starts when the one before has
/// played, or when its samples arrive if they came late.
fn drain(path: &Path, done: &AtomicBool, windows: &Mutex<Vec<Window>>) {
    let window_bytes = (BYTES_PER_SEC as f64 * WINDOW.as_secs_f64()) as usize;
    let mut buf = vec![0u8; window_bytes];
    let mut played_until = Instant::now();
    while !done.load(Ordering::SeqCst) {
        let Ok(mut samples) = File::open(path) else {
            return;
        };
        loop {
            let mut filled = 0;
            let mut waited = false;
            while filled < buf.len() {
                let asked = Instant::now();
                match samples.read(&mut buf[filled..]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => filled += n,
                }
                // Samples already there are read at once; a read that had to wait for them
                // means the card would have run dry.
                waited |= asked.elapsed() > Duration::from_millis(2);
            }
            if filled < buf.len() || done.load(Ordering::SeqCst) {
                break;
            }
            let start = if waited {
                played_until.max(Instant::now())
            } else {
                played_until
            };
            windows
                .lock()
                .expect("windows")
                .push((start, sound_of(&buf)));
            played_until = start + WINDOW;
            if let Some(wait) = played_until.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
}

/// What a window of 16-bit stereo holds: silence, one item's tone (a steady sine at the
/// amplitude written, its pitch from the zero crossings of the left channel), or other sound.
fn sound_of(window: &[u8]) -> Sound {
    let left: Vec<i16> = window
        .chunks_exact(4)
        .map(|f| i16::from_le_bytes([f[0], f[1]]))
        .collect();
    let peak = left.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    if peak < 1_000 {
        return Sound::Silence;
    }
    let crossings = left.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count() as f64;
    let hz = crossings / 2.0 / WINDOW.as_secs_f64();
    // A crossing more or less than the tone's, as a window rarely starts at one.
    const ONE_CROSSING_HZ: f64 = 1.0 / WINDOW.as_secs_f64();
    // The tones were written at half of full scale.
    let steady = (15_500..=17_000).contains(&peak);
    let tone = TONES.iter().position(|t| (t - hz).abs() <= ONE_CROSSING_HZ);
    match tone {
        Some(i) if steady => Sound::Tone(i),
        _ => Sound::Other,
    }
}

/// Whether the default narration engine runs here (the spoken line introducing each item is
/// made with it); in CI it must.
fn speech_engine_here() -> bool {
    let ok = std::process::Command::new("espeak-ng")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || !in_ci(),
        "espeak-ng is needed for the spoken introductions"
    );
    if !ok {
        eprintln!("espeak-ng is not here: the introductions are not checked");
    }
    ok
}

/// The player bar's `elapsed / total`, the bottom row holding one.
fn bar_times(screen: &vt100::Screen) -> Option<(Duration, Duration)> {
    let text = screen_text(screen);
    let line = text.lines().rev().find(|l| l.contains(" / "))?;
    let (before, after) = line.split_once(" / ")?;
    let elapsed = herald::commands::parse_time(before.split_whitespace().last()?).ok()?;
    let total = herald::commands::parse_time(after.split_whitespace().next()?).ok()?;
    Some((elapsed, total))
}

/// The row of the headline list showing `title`.
fn row_of(screen: &vt100::Screen, title: &str) -> String {
    let text = screen_text(screen);
    text.lines()
        .find(|l| l.contains(title) && !l.contains(" · "))
        .unwrap_or_else(|| panic!("no row for {title:?}:\n{text}"))
        .to_string()
}

#[test]
fn a_queue_plays_on_by_itself_and_picks_up_after_a_restart() {
    let dir = temp_dir("bulletin-queue");
    let titles = edition(&dir, [3.0, 30.0, 30.0]);
    write_config(&dir, &[dir.join("feed.xml").display().to_string()], "");
    let espeak = speech_engine_here();
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let capture = Capture::new(&dir);

    let mut pty = Pty::herald(&dir, &capture.conf, &[], &[], 120, 30);
    pty.wait_for(&titles[2]);
    // Space on the first headline plays it without opening it; `a` on the next two.
    pty.press(" ");
    pty.wait_for("1/1 · The Quay Bulletin");
    pty.press("ja");
    pty.press("ja");
    pty.wait_for("1/3 · The Quay Bulletin");
    // The first ends after 3 s; the second starts by itself.
    let screen = pty.wait_for(&format!("2/3 · The Quay Bulletin · {}", titles[1]));
    let after_one = pty.wait_until("the second item to play", |s| {
        screen_text(s).contains("2/3 ·")
            && bar_times(s).is_some_and(|(e, _)| e >= Duration::from_secs(4))
    });
    let heard = capture.heard();
    eprintln!("heard of each item: {heard:?}");
    assert!(
        heard[0] >= Duration::from_millis(2_800),
        "the first item heard whole: {heard:?}"
    );
    let between = capture
        .between(0)
        .expect("the second item heard after the first");
    eprintln!("between the first item and the second: {between:?}");
    assert!(
        between.before < Duration::from_millis(300) && between.after < Duration::from_millis(300),
        "silence between items: {between:?}\n{}",
        screen_text(&screen)
    );
    if espeak {
        assert!(
            between.sound >= Duration::from_millis(800),
            "the second item was introduced: {between:?}"
        );
    }
    // The first is listened and read at once.
    let row = row_of(&after_one, &titles[0]);
    assert!(row.contains('✓') && !row.contains('●'), "{row}");

    // Quit in the middle of the second.
    let (stopped_at, _) = bar_times(&pty.screen()).expect("the player bar's time");
    pty.press("q");
    assert!(pty.wait_exit().success());
    let json = herald(&dir, &["headlines", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let first_item = list
        .as_array()
        .and_then(|l| l.iter().find(|h| h["title"] == titles[0].as_str()))
        .expect("the first item");
    assert_eq!(first_item["read"], true, "{first_item}");
    assert_eq!(first_item["listened"], true, "{first_item}");

    // Restarted: the queue is there, and the current item goes on where it stopped.
    let mut pty = Pty::herald(&dir, &capture.conf, &[], &[], 120, 30);
    let screen = pty.wait_for(&format!("2/3 · The Quay Bulletin · {}", titles[1]));
    let row = row_of(&screen, &titles[0]);
    assert!(row.contains('✓') && !row.contains('●'), "{row}");
    // Its article shows where it stopped before it plays.
    pty.press("j\r");
    pty.wait_for(&format!(
        "▶ Listen to the article  {} / 0:30",
        common::pty::minutes_seconds(stopped_at)
    ));
    pty.press("q");
    pty.wait_for("Headlines (");
    pty.press(">");
    let resumed = pty.wait_until("the second item to play on", |s| {
        screen_text(s).contains("▶ 2/3") && bar_times(s).is_some_and(|(e, _)| !e.is_zero())
    });
    let (resumed_at, _) = bar_times(&resumed).expect("the time");
    eprintln!("stopped at {stopped_at:?}, resumed at {resumed_at:?}");
    assert!(
        resumed_at + Duration::from_secs(2) >= stopped_at
            && resumed_at <= stopped_at + Duration::from_secs(2),
        "stopped at {stopped_at:?}, resumed at {resumed_at:?}"
    );
    // `^` starts it again from the beginning.
    pty.press("^");
    pty.wait_until("the item to start over", |s| {
        screen_text(s).contains("2/3") && bar_times(s).is_some_and(|(e, _)| e < stopped_at)
    });
    pty.press("q");
    assert!(pty.wait_exit().success());
    drop(capture);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listen_picks_up_where_it_stopped_and_from_0_starts_over() {
    let dir = temp_dir("bulletin-listen");
    edition(&dir, [30.0, 3.0, 3.0]);
    write_config(&dir, &[], "");
    let capture = Capture::new(&dir);
    let page = dir.join("story-0.html").display().to_string();
    let target = format!("file://{page}");

    let mut pty = Pty::herald(&dir, &capture.conf, &["listen", &target], &[], 100, 10);
    pty.wait_until("four seconds heard", |s| {
        bar_times(s).is_some_and(|(e, _)| e >= Duration::from_secs(4))
    });
    pty.press("q");
    assert!(pty.wait_exit().success());
    let (stopped_at, _) = bar_times(&pty.screen()).expect("the last line");

    let mut pty = Pty::herald(&dir, &capture.conf, &["listen", &target], &[], 100, 10);
    let screen = pty.wait_for("resuming at 0:0");
    let said = screen_text(&screen);
    let resumed = pty.wait_until("the time shown", |s| {
        bar_times(s).is_some_and(|(e, _)| !e.is_zero())
    });
    let (resumed_at, _) = bar_times(&resumed).expect("the time");
    eprintln!("stopped at {stopped_at:?}; {said:?} then {resumed_at:?}");
    assert!(
        resumed_at + Duration::from_secs(2) >= stopped_at
            && resumed_at <= stopped_at + Duration::from_secs(2),
        "stopped at {stopped_at:?}, resumed at {resumed_at:?}"
    );
    pty.press("q");
    assert!(pty.wait_exit().success());

    let mut pty = Pty::herald(
        &dir,
        &capture.conf,
        &["listen", &target, "--from", "0"],
        &[],
        100,
        10,
    );
    let screen = pty.wait_until("playing from the start", |s| {
        bar_times(s).is_some_and(|(e, _)| e < Duration::from_secs(2))
            && screen_text(s).contains('▶')
    });
    assert!(
        !screen_text(&screen).contains("resuming"),
        "{}",
        screen_text(&screen)
    );
    pty.press("q");
    assert!(pty.wait_exit().success());
    drop(capture);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_next_recording_is_fetched_while_the_current_item_plays() {
    let dir = temp_dir("bulletin-prepare");
    let titles = edition(&dir, [30.0, 4.0, 4.0]);
    tone_wav(&dir.join("served.wav"), 4.0, TONES[1]);
    let served = std::fs::read(dir.join("served.wav")).expect("the served recording");
    let server = TestServer::start(move |path, _| match path {
        "/next.wav" => (
            200,
            vec![("Content-Type".into(), "audio/wav".into())],
            served.clone(),
        ),
        _ => (404, Vec::new(), Vec::new()),
    });
    // The second item's recording is on the server.
    let feed = std::fs::read_to_string(dir.join("feed.xml")).expect("the feed");
    let feed = feed.replace(
        "url=\"story-1.wav\"",
        &format!("url=\"{}\"", server.url("/next.wav")),
    );
    std::fs::write(dir.join("feed.xml"), feed).expect("write the feed");
    write_config(
        &dir,
        &[dir.join("feed.xml").display().to_string()],
        "[listen]\nannounce = false\n",
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let capture = Capture::new(&dir);
    let fetched = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/next.wav")
            .count()
    };

    let mut pty = Pty::herald(&dir, &capture.conf, &[], &[], 120, 30);
    pty.wait_for(&titles[2]);
    pty.press(" ");
    pty.wait_for("1/1 · The Quay Bulletin");
    pty.press("ja");
    pty.wait_for("1/2 · The Quay Bulletin");
    let start = Instant::now();
    while fetched() == 0 {
        assert!(
            start.elapsed() < common::pty::PATIENCE,
            "the next recording was never fetched"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its length may not show yet at the moment of the fetch: the first time shown after it.
    let screen = pty.wait_until("the player bar's time", |s| bar_times(s).is_some());
    let (elapsed, _) = bar_times(&screen).expect("the player bar's time");
    eprintln!("the next recording was fetched at {elapsed:?} into the first item");
    assert!(
        screen_text(&screen).contains("1/2 ·") && elapsed < Duration::from_secs(25),
        "fetched while the first item plays:\n{}",
        screen_text(&screen)
    );
    // The next item plays from the cache: not fetched again.
    pty.press(">");
    pty.wait_until("the second item to play", |s| {
        screen_text(s).contains("▶ 2/2") && bar_times(s).is_some_and(|(e, _)| !e.is_zero())
    });
    assert_eq!(fetched(), 1, "{:?}", server.requests());
    pty.press("q");
    assert!(pty.wait_exit().success());
    drop(capture);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_next_items_first_part_of_speech_is_made_while_the_current_item_plays() {
    if !speech_engine_here() {
        return;
    }
    let dir = temp_dir("bulletin-speech-ahead");
    let titles = edition(&dir, [30.0, 4.0, 4.0]);
    // The second article has no recording: it is spoken.
    let feed = std::fs::read_to_string(dir.join("feed.xml")).expect("the feed");
    let feed = feed.replace(
        "<enclosure url=\"story-1.wav\" length=\"0\" type=\"audio/wav\"/>",
        "",
    );
    std::fs::write(dir.join("feed.xml"), feed).expect("write the feed");
    let page = std::fs::read_to_string(dir.join("story-1.html")).expect("the page");
    let page = page.replace("<audio controls src=\"story-1.wav\"></audio>", "");
    std::fs::write(dir.join("story-1.html"), page).expect("write the page");
    write_config(
        &dir,
        &[dir.join("feed.xml").display().to_string()],
        "[listen]\nannounce = false\n",
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let speech = dir.join("data/cache/speech");
    // Parts of speech in the cache, whatever directory each narration keeps them in.
    let parts = || -> usize {
        let Ok(dirs) = std::fs::read_dir(&speech) else {
            return 0;
        };
        dirs.flatten()
            .filter(|d| d.path().is_dir())
            .filter_map(|d| std::fs::read_dir(d.path()).ok())
            .flat_map(|files| files.flatten())
            .filter(|f| f.path().extension().is_some_and(|e| e == "wav"))
            .count()
    };
    let capture = Capture::new(&dir);
    let mut pty = Pty::herald(&dir, &capture.conf, &[], &[], 120, 30);
    pty.wait_for(&titles[2]);
    pty.press(" ");
    pty.wait_for("1/1 · The Quay Bulletin");
    assert_eq!(parts(), 0, "nothing spoken yet");
    pty.press("ja");
    let start = Instant::now();
    while parts() == 0 {
        assert!(
            start.elapsed() < common::pty::PATIENCE,
            "the next item's first part was never made"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let screen = pty.wait_until("the player bar's time", |s| bar_times(s).is_some());
    let (elapsed, _) = bar_times(&screen).expect("the time");
    eprintln!(
        "the next item's first part was made {:?} after it was queued, at {elapsed:?} into the first item",
        start.elapsed()
    );
    assert!(
        screen_text(&screen).contains("1/2 ·") && elapsed < Duration::from_secs(25),
        "made while the first item plays:\n{}",
        screen_text(&screen)
    );
    pty.press("q");
    assert!(pty.wait_exit().success());
    drop(capture);
    // Made ready is not heard: the next item is still unread.
    let json = herald(&dir, &["headlines", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let next = list
        .as_array()
        .and_then(|l| l.iter().find(|h| h["title"] == titles[1].as_str()))
        .expect("the next item");
    assert_eq!(next["read"], false, "{next}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A recording that turns out to be a web page is not the end of the bulletin: that item's
/// text is spoken instead, with a word on the status line, and the queue goes on after it.
#[test]
fn a_broken_recording_is_spoken_instead_and_the_queue_goes_on() {
    if !speech_engine_here() {
        return;
    }
    let dir = temp_dir("bulletin-broken");
    let titles = edition(&dir, [3.0, 3.0, 30.0]);
    std::fs::write(
        dir.join("story-1.wav"),
        "<html><body>Not found</body></html>",
    )
    .expect("break the recording");
    write_config(&dir, &[dir.join("feed.xml").display().to_string()], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let capture = Capture::new(&dir);

    let mut pty = Pty::herald(&dir, &capture.conf, &[], &[], 120, 30);
    pty.wait_for(&titles[2]);
    pty.press(" ");
    pty.wait_for("1/1 · The Quay Bulletin");
    pty.press("ja");
    pty.press("ja");
    pty.wait_for("1/3 · The Quay Bulletin");
    // The second's recording fails: its text is spoken instead.
    pty.wait_for("speaking the text instead");
    pty.wait_for(&format!("2/3 · The Quay Bulletin · {}", titles[1]));
    // And after it, the third plays.
    pty.wait_for(&format!("3/3 · The Quay Bulletin · {}", titles[2]));
    pty.wait_until("the third item to play", |s| {
        bar_times(s).is_some_and(|(e, _)| e >= Duration::from_secs(1))
    });
    let heard = capture.heard();
    assert!(heard[2] > Duration::ZERO, "the third item heard: {heard:?}");
    pty.press("q");
    assert!(pty.wait_exit().success());

    // `listen --out` writes the spoken text instead, and says so.
    let page = dir.join("story-1.html").display().to_string();
    let wav = dir.join("spoken.wav");
    let out = herald(
        &dir,
        &["listen", &page, "--out", wav.to_str().expect("path")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("writing the text spoken instead"), "{err}");
    let bytes = std::fs::read(&wav).expect("a WAV written");
    let info = herald::audio::wav::read_info(&bytes).expect("a WAV");
    assert!(
        info.duration() > Duration::from_secs(3),
        "{:?} of speech",
        info.duration()
    );
    drop(capture);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listen_unread_plays_the_stories_one_after_the_other_and_marks_what_was_heard() {
    let dir = temp_dir("bulletin-listen-unread");
    let titles = edition(&dir, [3.0, 30.0, 30.0]);
    write_config(
        &dir,
        &[dir.join("feed.xml").display().to_string()],
        "[listen]\nannounce = false\n",
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let capture = Capture::new(&dir);

    let mut pty = Pty::herald(&dir, &capture.conf, &["listen", "--unread"], &[], 120, 12);
    // Newest first; the first, three seconds long, gives way to the second by itself.
    pty.wait_for(&format!("1/3  The Quay Bulletin — {}", titles[0]));
    pty.wait_for(&format!("2/3  The Quay Bulletin — {}", titles[1]));
    pty.wait_until("the second playing", |s| {
        screen_text(s).contains("▶ Listen to the article") && screen_text(s).contains("[2/3]")
    });
    // `>` leaves it for the third, `<` goes back to it.
    pty.press(">");
    pty.wait_for(&format!("3/3  The Quay Bulletin — {}", titles[2]));
    pty.wait_for("[3/3]");
    pty.press("<");
    pty.wait_until("the second again", |s| {
        screen_text(s)
            .lines()
            .filter(|l| l.contains(&format!("2/3  The Quay Bulletin — {}", titles[1])))
            .count()
            == 2
    });
    pty.press("q");
    assert!(pty.wait_exit().success(), "{}", pty.text());
    drop(capture);

    // Heard to its end: listened and read. Begun, or skipped: still unread.
    let out = herald(&dir, &["headlines", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).expect("JSON");
    let state = |title: &str| {
        let h = list.iter().find(|h| h["title"] == title).expect("headline");
        (h["read"].as_bool(), h["listened"].as_bool())
    };
    assert_eq!(state(&titles[0]), (Some(true), Some(true)));
    assert_eq!(state(&titles[1]), (Some(false), Some(false)));
    assert_eq!(state(&titles[2]), (Some(false), Some(false)));
    let _ = std::fs::remove_dir_all(&dir);
}
