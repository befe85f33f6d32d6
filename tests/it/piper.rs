//! Narration by piper: its parts, their cache, speed, and its worker process.
//!
//! The real piper is taken from `HERALD_PIPER` (the `piper` program of its venv), else found as
//! the app finds it. Without it these tests skip with a note, except under `CI=true`, where they
//! fail.

use crate::common;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use herald::audio::SpeechPart;
use herald::audio::wav::read_info;
use herald::narration::tts::{self, EMPTY_PART, Engine, NarrationConfig, find_piper};

/// Words the worker script carries, so its processes can be told from others.
const WORKER_MARK: &str = "herald's piper worker";

/// One piper test at a time: two models loading at once on two cores would only slow both,
/// and the process check must see only its own worker.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The config for the installed piper, or `None` (with a note) when there is none.
fn piper() -> Option<NarrationConfig> {
    let program = std::env::var_os("HERALD_PIPER").map(PathBuf::from);
    match find_piper(program.as_deref(), None) {
        Ok(_) => Some(NarrationConfig {
            engine: Some(Engine::Piper),
            piper: program,
            ..NarrationConfig::default()
        }),
        Err(why) => {
            assert!(
                !common::in_ci(),
                "piper is required in CI (HERALD_PIPER=<venv>/bin/piper): {why}"
            );
            eprintln!("note: {why}; skipping");
            None
        }
    }
}

fn collect(feed: &herald::audio::SpeechFeed) -> Vec<SpeechPart> {
    let mut got = Vec::new();
    loop {
        match feed.rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => {
                feed.report(p.index, false);
                got.push(p);
            }
            Err(RecvTimeoutError::Disconnected) => return got,
            Err(RecvTimeoutError::Timeout) => panic!("no part within a minute"),
        }
    }
}

/// A part's samples as -1..1 and its sample rate; the WAV must be 16-bit mono with right sizes.
fn samples(path: &Path) -> (Vec<f32>, u32) {
    let bytes = std::fs::read(path).expect("part file");
    let info = read_info(&bytes).expect("valid WAV");
    assert_eq!((info.channels, info.bits_per_sample), (1, 16));
    let riff = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
    assert_eq!(riff as usize, bytes.len() - 8, "{}", path.display());
    let data = &bytes[info.data_offset..info.data_offset + info.data_len];
    let s = data
        .chunks_exact(2)
        .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) / 32768.0)
        .collect();
    (s, info.sample_rate)
}

fn seconds(path: &Path) -> f64 {
    let (s, rate) = samples(path);
    s.len() as f64 / f64::from(rate)
}

fn article() -> Vec<String> {
    vec![
        "Rain expected".to_string(),
        "Showers reach the coast tonight.".to_string(),
        String::new(),
        "The weekend stays dry.".to_string(),
    ]
}

#[test]
fn an_article_is_narrated_by_piper_with_its_timeline_and_cached() {
    let _one = one_at_a_time();
    let Some(config) = piper() else { return };
    let dir = common::temp_dir("piper-article");
    let parts = article();
    let mut s = tts::start(parts.clone(), 0, &config, 1.0, &dir).expect("start");
    let got = collect(&s.take_feed().expect("feed"));
    let timeline = s.wait().expect("complete");
    assert_eq!(got.len(), parts.len());
    for (i, part) in got.iter().enumerate() {
        assert_eq!(part.index, i);
        let (audio, rate) = samples(&part.path);
        assert_eq!(rate, 22_050, "part {i}");
        let length = audio.len() as f64 / f64::from(rate);
        assert!(
            (length - part.duration.as_secs_f64()).abs() < 0.001,
            "part {i}"
        );
        assert_eq!(timeline.duration_of(i), Some(part.duration), "part {i}");
        if parts[i].is_empty() {
            assert!(part.duration.abs_diff(EMPTY_PART) < Duration::from_millis(1));
        } else {
            assert!(length > 0.5, "part {i} lasts {length} s");
            let loud = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(loud > 0.3, "part {i} is nearly silent ({loud})");
        }
    }
    assert!(timeline.total().is_some());

    // The same article again: every part comes from the cache, untouched.
    let first = std::fs::metadata(&got[0].path).expect("part 0");
    let mut again = tts::start(parts.clone(), 0, &config, 1.0, &dir).expect("start again");
    let feed = again.take_feed().expect("feed");
    let part = feed
        .rx
        .recv_timeout(Duration::from_secs(5))
        .expect("part 0");
    assert_eq!(again.timeline(), timeline, "lengths known from the cache");
    assert_eq!(part.path, got[0].path);
    let now = std::fs::metadata(&part.path).expect("part 0");
    assert_eq!(
        (now.ino(), now.mtime_nsec()),
        (first.ino(), first.mtime_nsec())
    );
    drop(feed);
    drop(again);

    // Another engine or voice never shares piper's parts.
    let espeak = NarrationConfig {
        engine: Some(Engine::EspeakNg),
        ..NarrationConfig::default()
    };
    if tts::find_program("espeak-ng").is_some() {
        let other = tts::start(parts, 0, &espeak, 1.0, &dir).expect("espeak-ng");
        assert_ne!(other.dir(), s_dir(&got));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn s_dir(parts: &[SpeechPart]) -> &Path {
    parts[0].path.parent().expect("cache folder")
}

#[test]
fn a_faster_speed_shortens_piper_parts_and_keeps_the_pitch() {
    let _one = one_at_a_time();
    let Some(config) = piper() else { return };
    let dir = common::temp_dir("piper-speed");
    let parts = vec![
        "Speed test".to_string(),
        "Members of the council argued about roads, schools and parks for most of the evening."
            .to_string(),
    ];
    let spoken = |speed: f32| {
        let mut s = tts::start(parts.clone(), 0, &config, speed, &dir).expect("start");
        let got = collect(&s.take_feed().expect("feed"));
        s.wait().expect("complete");
        got
    };
    let normal = spoken(1.0);
    let fast = spoken(1.5);
    assert_ne!(s_dir(&normal), s_dir(&fast), "each speed has its own parts");
    let (slow_len, fast_len) = (seconds(&normal[1].path), seconds(&fast[1].path));
    let ratio = fast_len / slow_len;
    assert!(
        (ratio - 1.0 / 1.5).abs() < 0.1 / 1.5,
        "1.5x lasts {fast_len:.2} s for {slow_len:.2} s at 1x (ratio {ratio:.3})"
    );
    let (a, rate) = samples(&normal[1].path);
    let (b, _) = samples(&fast[1].path);
    let (f0_normal, f0_fast) = (
        common::pitch::median_f0(&a, rate),
        common::pitch::median_f0(&b, rate),
    );
    assert!(
        (f0_fast / f0_normal - 1.0).abs() < 0.12,
        "pitch {f0_normal:.0} Hz at 1x, {f0_fast:.0} Hz at 1.5x"
    );
    eprintln!(
        "piper: {slow_len:.2} s at 1x, {fast_len:.2} s at 1.5x; median pitch {f0_normal:.0} Hz, {f0_fast:.0} Hz"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Our child processes that run the piper worker.
fn workers() -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The parent is the fourth field, after the name in parentheses.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if parent == Some(me) && String::from_utf8_lossy(&cmdline).contains(WORKER_MARK) {
            found.push(pid);
        }
    }
    found
}

#[test]
fn the_piper_worker_ends_with_the_synthesis() {
    let _one = one_at_a_time();
    let Some(config) = piper() else { return };
    let dir = common::temp_dir("piper-stop");
    let parts: Vec<String> = (0..6)
        .map(|i| format!("Paragraph {i} says a few words about the weather."))
        .collect();
    let mut s = tts::start(parts, 0, &config, 1.0, &dir).expect("start");
    let feed = s.take_feed().expect("feed");
    feed.rx
        .recv_timeout(Duration::from_secs(30))
        .expect("part 0");
    assert_eq!(workers().len(), 1, "one worker for the whole article");
    drop(s);
    let since = Instant::now();
    while !workers().is_empty() {
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "the piper worker is still running after the synthesis was dropped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(feed);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A piper whose Python dies at once: the narration fails with an error naming piper and
/// what it said, and does not wait for it. Needs no real piper.
#[test]
fn a_crashing_piper_is_an_error_naming_it() {
    // Its fake worker carries the same script, which the process check would count.
    let _one = one_at_a_time();
    let dir = common::temp_dir("piper-crash");
    let bin = dir.join("venv/bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for (name, body) in [
        ("piper", "#!/bin/sh\nexit 0\n"),
        (
            "python3",
            "#!/bin/sh\necho 'RuntimeError: the model is corrupt' >&2\nexit 3\n",
        ),
    ] {
        let path = bin.join(name);
        std::fs::write(&path, body).expect("script");
        let mut perm = std::fs::metadata(&path).expect("script").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&path, perm).expect("chmod");
    }
    let model = dir.join("voice.onnx");
    std::fs::write(&model, b"").expect("model");
    std::fs::write(dir.join("voice.onnx.json"), b"{}").expect("model config");
    let config = NarrationConfig {
        engine: Some(Engine::Piper),
        piper: Some(bin.join("piper")),
        voice: Some(model.to_string_lossy().into_owned()),
        ..NarrationConfig::default()
    };
    let mut s = tts::start(article(), 0, &config, 1.0, &dir.join("cache")).expect("start");
    let got = collect(&s.take_feed().expect("feed"));
    assert!(got.is_empty());
    let e = s.wait().expect_err("piper crashed").to_string();
    assert!(e.contains("piper"), "{e}");
    assert!(e.contains("the model is corrupt"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
