//! `herald listen --out` at other speeds and from a later start: the recording is
//! time-stretched (shorter or longer, the voice at its own pitch), and a start past the end is
//! an error that gives the length.

use crate::common;

use std::path::Path;

use common::wordpress::{self, SITE};
use common::*;

fn listen(dir: &Path, args: &[&str]) -> std::process::Output {
    // No audio devices at all: nothing here may need one.
    let alsa = common::pty::alsa_none(dir);
    herald_on_alsa(dir, &alsa, &[&["listen"], args].concat())
}

/// Writes the narration of `url` with `args` to a WAV; returns its first channel and rate.
fn written(dir: &Path, url: &str, name: &str, args: &[&str]) -> (Vec<f32>, u32) {
    let wav = dir.join(name);
    let mut all = vec![url, "--out", wav.to_str().expect("path")];
    all.extend_from_slice(args);
    let out = listen(dir, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&wav).expect("WAV written");
    let info = herald::audio::wav::read_info(&bytes).expect("valid WAV");
    assert_eq!(info.bits_per_sample, 16);
    let data = &bytes[info.data_offset..info.data_offset + info.data_len];
    let first: Vec<f32> = data
        .chunks_exact(2 * usize::from(info.channels))
        .map(|frame| f32::from(i16::from_le_bytes([frame[0], frame[1]])) / 32768.0)
        .collect();
    (first, info.sample_rate)
}

fn seconds(samples: &[f32], rate: u32) -> f64 {
    samples.len() as f64 / f64::from(rate)
}

#[test]
fn a_recording_written_faster_or_slower_keeps_its_voice() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = temp_dir("listen-speed");
    write_config(&dir, &[], "");
    let url = format!("{SITE}/?p=4");
    let (normal, rate) = written(&dir, &url, "1.wav", &[]);
    let length = seconds(&normal, rate);
    let f0 = common::pitch::median_f0(&normal, rate);
    assert!(
        (90.0..115.0).contains(&f0),
        "the narrator's voice at {f0:.1} Hz"
    );
    for speed in ["0.75", "1.5", "2"] {
        let (fast, rate) = written(&dir, &url, &format!("{speed}.wav"), &["--speed", speed]);
        let factor: f64 = speed.parse().expect("speed");
        let got = seconds(&fast, rate);
        let want = length / factor;
        assert!(
            (got - want).abs() <= want * 0.01,
            "{speed}x: {got:.2} s, want {want:.2} s"
        );
        let pitch = common::pitch::median_f0(&fast, rate);
        assert!(
            (pitch - f0).abs() <= f0 * 0.03,
            "{speed}x: the voice at {pitch:.1} Hz, {f0:.1} Hz at 1x"
        );
    }
}

#[test]
fn from_writes_what_is_left_and_a_start_past_the_end_gives_the_length() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = temp_dir("listen-from");
    write_config(&dir, &[], "");
    let url = format!("{SITE}/?p=4");
    let (rest, rate) = written(&dir, &url, "rest.wav", &["--from", "4:00"]);
    let got = seconds(&rest, rate);
    assert!((got - 20.0).abs() <= 0.5, "{got:.2} s after 4:00 of 4:20");
    let wav = dir.join("past.wav");
    for args in [
        vec![
            url.as_str(),
            "--from",
            "9:99",
            "--out",
            wav.to_str().expect("path"),
        ],
        vec![url.as_str(), "--from", "4:21"],
    ] {
        let out = listen(&dir, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.contains("4:20"), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert!(!wav.exists());
}

#[test]
fn synthesized_speech_written_from_a_minute_on_leaves_out_that_minute() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = temp_dir("listen-tts-from");
    write_config(&dir, &[], "");
    let url = format!("{SITE}/?p=4");
    let (whole, rate) = written(&dir, &url, "whole.wav", &["--tts"]);
    let (rest, _) = written(&dir, &url, "rest.wav", &["--tts", "--from", "1:00"]);
    let (whole, rest) = (seconds(&whole, rate), seconds(&rest, rate));
    assert!(whole > 90.0, "{whole:.1} s");
    assert!(
        (whole - 60.0 - rest).abs() <= 0.5,
        "{rest:.2} s from 1:00 of {whole:.2} s"
    );
}
