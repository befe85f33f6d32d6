//! `herald listen` through the real binary: playing to the end on ALSA's null device, writing
//! WAV files, and saying why when there is no audio device at all.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::media::mp3_duration;
use common::wordpress::{self, SITE};
use common::*;

/// An ALSA configuration whose default device is the null PCM (no sound card needed).
fn null_pcm(dir: &Path) -> std::path::PathBuf {
    let conf = dir.join("asound-null.conf");
    std::fs::write(
        &conf,
        "pcm.!default { type null }\nctl.!default { type hw card 0 }\n",
    )
    .expect("write");
    conf
}

use common::pty::alsa_none as no_pcm;

fn listen(dir: &Path, alsa: &Path, args: &[&str]) -> std::process::Output {
    herald_on_alsa(dir, alsa, &[&["listen"], args].concat())
}

fn wav_duration(path: &Path) -> Duration {
    let bytes = std::fs::read(path).expect("WAV written");
    herald::audio::wav::read_info(&bytes)
        .expect("valid WAV")
        .duration()
}

fn within_one_percent(a: Duration, b: Duration) -> bool {
    (a.as_secs_f64() - b.as_secs_f64()).abs() <= b.as_secs_f64() * 0.01
}

#[test]
fn the_reference_recording_plays_to_the_end_and_writes_a_wav() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = temp_dir("listen-wp");
    write_config(&dir, &[], "");
    let url = format!("{SITE}/?p=4");

    let played = listen(&dir, &null_pcm(&dir), &[&url]);
    let text = stdout(&played);
    assert!(
        played.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&played.stderr)
    );
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains("Listen to the article"), "{text}");

    let wav = dir.join("n.wav");
    let out = listen(
        &dir,
        &no_pcm(&dir),
        &[&url, "--out", wav.to_str().expect("path")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mp3 = std::fs::read(
        std::fs::read_dir(dir.join("data/cache/audio"))
            .expect("audio cache")
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "mp3"))
            .expect("cached mp3")
            .path(),
    )
    .expect("read mp3");
    let want = mp3_duration(&mp3);
    assert!(want > Duration::from_secs(60), "{want:?}");
    let got = wav_duration(&wav);
    assert!(within_one_percent(got, want), "WAV {got:?}, mp3 {want:?}");
    // The player's total, shown at the end, is the recording's length, and the elapsed time
    // has reached it: the whole recording played.
    let (elapsed, total) = last
        .split_once(" / ")
        .and_then(|(before, after)| {
            let elapsed = before.split_whitespace().last()?;
            let total = after.split_whitespace().next()?;
            Some((
                herald::commands::parse_time(elapsed).ok()?,
                herald::commands::parse_time(total).ok()?,
            ))
        })
        .unwrap_or_else(|| panic!("no elapsed / total in {last:?}"));
    assert!(
        (total.as_secs_f64() - want.as_secs_f64()).abs() <= 1.5,
        "{last} vs {want:?}"
    );
    assert_eq!(elapsed, total, "{last}");
}

#[test]
fn synthesized_speech_to_a_wav_matches_its_timeline() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = temp_dir("listen-tts");
    write_config(&dir, &[], "");
    let wav = dir.join("speech.wav");
    let out = listen(
        &dir,
        &no_pcm(&dir),
        &[
            &format!("{SITE}/?p=4"),
            "--tts",
            "--out",
            wav.to_str().expect("path"),
        ],
    );
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "wrote PATH (m:ss, synthesized speech, 14 parts, 252.345 s)"
    assert!(text.contains("14 parts"), "{text}");
    let seconds: f64 = text
        .rsplit(", ")
        .next()
        .and_then(|s| s.trim().trim_end_matches(')').strip_suffix(" s"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("timeline total in {text}"));
    let got = wav_duration(&wav);
    assert!(
        within_one_percent(got, Duration::from_secs_f64(seconds)),
        "WAV {got:?}, timeline {seconds} s"
    );
    assert!(got > Duration::from_secs(60), "{got:?}");
}

#[test]
fn no_audio_device_is_one_line_and_non_zero_but_out_still_works() {
    let dir = temp_dir("listen-nodev");
    write_config(&dir, &[], "");
    let page = dir.join("page.html");
    std::fs::write(
        &page,
        "<html><head><title>Short note</title></head><body><article><h1>Short note</h1>\
         <p>The library opens at nine on Saturdays from next week, and the reading room stays open late.</p>\
         <p>Volunteers will run a storytelling hour for children every Sunday morning.</p></article></body></html>",
    )
    .expect("write page");
    let page = page.to_str().expect("path");
    let out = listen(&dir, &no_pcm(&dir), &[page]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("no audio output"), "{err}");
    assert_no_control_bytes("stderr", &out.stderr);
    let wav = dir.join("note.wav");
    let written = listen(
        &dir,
        &no_pcm(&dir),
        &[page, "--out", wav.to_str().expect("path")],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(wav_duration(&wav) > Duration::from_secs(2));
}

/// A recording that is gone or is a web page is not the end: the article's text is spoken
/// (or written) instead, after one line saying why.
#[test]
fn bad_recordings_are_spoken_instead_with_a_reason() {
    let server = TestServer::start(|path, _| match path {
        "/html.mp3" => (
            200,
            vec![("Content-Type".into(), "audio/mpeg".into())],
            b"<!DOCTYPE html><html><body>Not found, but with a 200</body></html>".to_vec(),
        ),
        _ => (404, vec![], b"no".to_vec()),
    });
    let dir = temp_dir("listen-bad");
    write_config(&dir, &[], "");
    for audio in ["/missing.mp3", "/html.mp3"] {
        let page = dir.join("page.html");
        std::fs::write(
            &page,
            format!(
                "<html><head><title>Ferry times</title></head><body><article><h1>Ferry times</h1>\
                 <audio src=\"{}\"></audio><p>The winter timetable starts on Monday with two extra crossings a day.</p>\
                 <p>Tickets bought before then stay valid until the end of the month.</p></article></body></html>",
                server.url(audio)
            ),
        )
        .expect("write page");
        let out = listen(&dir, &null_pcm(&dir), &[page.to_str().expect("path")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{audio}: {err}");
        assert!(!err.contains("panicked"), "{audio}: {err}");
        let said: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(said.len(), 1, "{audio}: one line: {err}");
        assert!(
            said[0].contains("speaking the text instead"),
            "{audio}: {err}"
        );
        assert_no_control_bytes("stderr", err.replace('\r', "").as_bytes());
        // Spoken to its end: the last line shows the paragraphs.
        let text = stdout(&out);
        assert!(text.contains("[paragraph"), "{audio}: {text}");

        let wav = dir.join("x.wav");
        let written = listen(
            &dir,
            &no_pcm(&dir),
            &[
                page.to_str().expect("path"),
                "--out",
                wav.to_str().expect("path"),
            ],
        );
        let err = String::from_utf8_lossy(&written.stderr);
        assert!(written.status.success(), "{audio}: --out: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{audio}: {err}");
        assert!(
            err.contains("writing the text spoken instead"),
            "{audio}: {err}"
        );
        assert!(wav_duration(&wav) > Duration::from_secs(2), "{audio}");
    }
}

/// A mono 16-bit WAV of `secs` seconds of a quiet tone.
fn tone_wav(path: &Path, secs: u32) {
    const RATE: u32 = 8000;
    let samples = RATE * secs;
    let mut bytes = Vec::with_capacity(44 + 2 * samples as usize);
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + 2 * samples).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
    bytes.extend_from_slice(&RATE.to_le_bytes());
    bytes.extend_from_slice(&(RATE * 2).to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&(2 * samples).to_le_bytes());
    for i in 0..samples {
        let t = i as f32 / RATE as f32;
        let s = (2000.0 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()) as i16;
        bytes.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, bytes).expect("write the WAV");
}

/// The elapsed time on the screen once it has not changed for half a second.
fn settled(pty: &common::pty::Pty, times: &impl Fn(&vt100::Screen) -> Duration) -> Duration {
    let mut last = times(&pty.screen());
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(500));
        let now = times(&pty.screen());
        if now == last {
            return now;
        }
        last = now;
    }
    panic!(
        "the elapsed time never settled; the screen shows:\n{}",
        pty.text()
    );
}

#[test]
fn the_keys_of_listen_pause_seek_change_volume_and_speed_and_quit() {
    use common::pty::{PacedAlsa, Pty, listen_times, screen_text};
    let dir = temp_dir("listen-keys");
    write_config(&dir, &[], "");
    tone_wav(&dir.join("talk.wav"), 300);
    let page = dir.join("talk.html");
    std::fs::write(
        &page,
        "<html><head><title>Harbour talk</title></head><body><article><h1>Harbour talk</h1>\
         <p>The harbour master talks about the winter timetable and the new pier.</p>\
         <audio src=\"talk.wav\"></audio></article></body></html>",
    )
    .expect("write the page");
    // Several times real time: the test waits for positions, never for the clock.
    let device = PacedAlsa::new(&dir, 2_000_000);
    let mut pty = Pty::herald(
        &dir,
        &device.conf,
        &["listen", &page.display().to_string()],
        &[],
        100,
        5,
    );
    let both = |s: &vt100::Screen| listen_times(s).unwrap_or((Duration::ZERO, None));
    let times = |s: &vt100::Screen| both(s).0;
    let screen = pty.wait_until("twelve seconds played", |s| {
        screen_text(s).contains("▶ Listen to the article") && times(s) >= Duration::from_secs(12)
    });
    assert_eq!(both(&screen).1, Some(Duration::from_secs(300)));

    // Space pauses; while paused the arrows move the position by ten seconds. The pause is
    // reported at once and again when it has settled (the device takes a few more samples),
    // so the figure is read once it has held for half a second.
    pty.press(" ");
    pty.wait_for("⏸ Listen to the article");
    let at = settled(&pty, &times);
    pty.press("\x1b[C");
    pty.wait_until("ten seconds on", |s| {
        times(s) >= at + Duration::from_secs(10)
    });
    let on = settled(&pty, &times);
    assert!(on <= at + Duration::from_secs(11), "{at:?} -> {on:?}");
    pty.press("\x1b[D");
    pty.press("\x1b[D");
    // Both seeks made, then the figure once it holds: a pause applied late by a starved audio
    // thread can leave the position a fraction of a second on, which the display may round
    // either way.
    pty.wait_until("twenty seconds back", |s| {
        times(s) + Duration::from_secs(19) <= on
    });
    let back = settled(&pty, &times);
    assert!(
        back + Duration::from_secs(21) >= on && back + Duration::from_secs(19) <= on,
        "{on:?} -> {back:?}"
    );
    assert!(screen_text(&pty.screen()).contains("⏸ Listen to the article"));

    // Volume in steps of 10%, speed through its steps and back.
    pty.press("+");
    pty.wait_for("vol 110%");
    pty.press("--");
    pty.wait_for("vol 90%");
    pty.press("]");
    pty.wait_for("1.10x");
    pty.press("]");
    pty.wait_for("1.25x");
    pty.press("[");
    pty.wait_for("1.10x");
    pty.press("[");
    // At normal speed the bar names no speed: `… 0:12 / 5:00  vol 90%`.
    pty.wait_until("normal speed", |s| {
        screen_text(s)
            .lines()
            .any(|l| l.contains("Listen to the article") && l.ends_with(" / 5:00  vol 90%"))
    });

    // Space plays on from where it was.
    pty.press(" ");
    pty.wait_until("playing on", |s| {
        screen_text(s).contains("▶ Listen to the article")
            && times(s) > on - Duration::from_secs(20)
    });
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}\n{}", pty.text());
    let last = pty.text();
    assert!(last.contains("Listen to the article"), "{last}");
    let _ = std::fs::remove_dir_all(&dir);
}
