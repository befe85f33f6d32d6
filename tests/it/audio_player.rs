//! The player with no sound card: `rodio::Player::new()` gives the samples a device would take,
//! and a thread here pulls them at a chosen pace, keeping the output time they stand for.

use crate::common;
use crate::common::media::mp3_duration;

mod device;
mod range_server;

use device::*;
use range_server::Server;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use herald::audio::player::PlayerHandle;
use herald::audio::stream::decode_to_wav;
use herald::audio::wav::{WavWriter, read_info};
use herald::audio::{Command, PlayState, PlayerEvent, SpeechFeed, SpeechPart, Track};

fn errors(events: &[PlayerEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            PlayerEvent::Error(m) | PlayerEvent::Failed(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn sine_wav(path: &Path, freq: f32, secs: f32, rate: u32, amp: f32) -> PathBuf {
    let mut w = WavWriter::create(path, rate, 1).expect("wav");
    let n = (secs * rate as f32) as usize;
    w.write_f32(
        (0..n).map(|i| amp * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin()),
    )
    .expect("samples");
    w.finish().expect("finish");
    path.to_path_buf()
}

fn peak(s: &[f32]) -> f32 {
    s.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn rms(s: &[f32]) -> f32 {
    (s.iter().map(|v| v * v).sum::<f32>() / s.len().max(1) as f32).sqrt()
}

/// Frequency from zero crossings, for a mono window at `rate`.
fn frequency(s: &[f32], rate: f32) -> f32 {
    let crossings = s
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (s.len() as f32 / rate)
}

fn file(path: &Path) -> Track {
    Track::File {
        path: path.to_path_buf(),
        total_hint: None,
    }
}

/// The corpus mp3, or `None` (a failure in CI) when the shared corpus is absent.
fn corpus_mp3() -> Option<PathBuf> {
    let p = common::shared().join("corpus/audio/ljspeech-librivox/linda_johnson_01.mp3");
    if p.is_file() {
        return Some(p);
    }
    assert!(!common::in_ci(), "missing {}", p.display());
    eprintln!("skipped: {} is missing", p.display());
    None
}

#[test]
fn plays_pauses_to_silence_and_scales_volume() {
    let dir = common::temp_dir("audio-ppv");
    let wav = sine_wav(&dir.join("a.wav"), 440.0, 6.0, 16000, 0.5);
    let (h, out) = start(2.0);
    h.send(Command::Load(file(&wav)));
    wait_state(&h, PlayState::Playing);
    out.play_for(Duration::from_millis(200));
    let playing = out.record(Duration::from_millis(300));
    assert!(playing.len() > 4000, "output stalled: {}", playing.len());
    assert!(rms(&playing) > 0.3, "rms {}", rms(&playing));
    let full = peak(&playing);
    assert!((full - 0.5).abs() < 0.01, "peak {full}");
    assert!((frequency(&playing, 16000.0) - 440.0).abs() < 10.0);

    h.send(Command::Pause);
    wait_state(&h, PlayState::Paused);
    out.play_for(Duration::from_millis(100));
    let paused = out.record(Duration::from_millis(300));
    assert!(paused.len() > 4000, "output stalled while paused");
    assert!(paused.iter().all(|s| *s == 0.0), "sound while paused");

    h.send(Command::Volume(0.5));
    h.send(Command::Play);
    wait_state(&h, PlayState::Playing);
    out.play_for(Duration::from_millis(100));
    let half = peak(&out.record(Duration::from_millis(300)));
    assert!(
        (half / full - 0.5).abs() < 0.02,
        "volume 0.5 gave {half} against {full}"
    );
}

#[test]
fn seeks_move_the_position() {
    let dir = common::temp_dir("audio-seek");
    let wav = sine_wav(&dir.join("a.wav"), 440.0, 10.0, 16000, 0.5);
    let (h, _out) = start(1.0);
    h.send(Command::Load(file(&wav)));
    wait_state(&h, PlayState::Playing);
    h.send(Command::SeekTo(Duration::from_secs(6)));
    wait_for(
        &h,
        10,
        |e| matches!(e, PlayerEvent::Position { pos, .. } if *pos >= Duration::from_secs(6)),
    );
    let (pos, total, part) = next_position(&h);
    assert!(
        pos >= Duration::from_secs(6) && pos < Duration::from_millis(6600),
        "{pos:?}"
    );
    assert_eq!(total, Some(Duration::from_secs(10)));
    assert_eq!(part, None);
    h.send(Command::SeekBy(-3.0));
    wait_for(
        &h,
        10,
        |e| matches!(e, PlayerEvent::Position { pos, .. } if *pos < Duration::from_secs(5)),
    );
    let (pos, _, _) = next_position(&h);
    assert!(
        pos >= Duration::from_secs(3) && pos < Duration::from_millis(3800),
        "{pos:?}"
    );
}

#[test]
fn speed_two_advances_the_position_twice_as_fast() {
    let dir = common::temp_dir("audio-speed");
    let wav = sine_wav(&dir.join("a.wav"), 440.0, 60.0, 16000, 0.5);
    let (h, out) = start(4.0);
    h.send(Command::Load(file(&wav)));
    wait_state(&h, PlayState::Playing);
    let (p0, o0) = frozen(&h, &out);
    out.resume();
    out.advance(2.4);
    let (p1, o1) = frozen(&h, &out);
    let normal = (p1 - p0) / (o1 - o0);
    assert!((normal - 1.0).abs() < 0.02, "speed 1: {normal}");

    // The player takes commands in order: once the pause and play after the speed change are
    // answered, the new speed is in place, and the held output has played nothing meanwhile.
    h.send(Command::Speed(2.0));
    h.send(Command::Pause);
    wait_state(&h, PlayState::Paused);
    h.send(Command::Play);
    wait_state(&h, PlayState::Playing);
    out.resume();
    out.advance(2.4);
    let (p2, o2) = frozen(&h, &out);
    let fast = (p2 - p1) / (o2 - o1);
    assert!(
        (fast - 2.0).abs() < 0.04,
        "speed 2: {fast} ({p1}->{p2} over {o1}->{o2})"
    );
    out.resume();

    // A seek at speed 2 lands where asked, not at twice the target.
    h.send(Command::SeekTo(Duration::from_secs(10)));
    wait_for(
        &h,
        10,
        |e| matches!(e, PlayerEvent::Position { pos, .. } if pos.abs_diff(Duration::from_secs(10)) < Duration::from_millis(500)),
    );
}

#[test]
fn the_end_reports_ended_then_stopped() {
    let dir = common::temp_dir("audio-end");
    let wav = sine_wav(&dir.join("a.wav"), 440.0, 1.0, 16000, 0.5);
    let (h, _out) = start(2.0);
    h.send(Command::Load(file(&wav)));
    let seen = wait_for(&h, 20, |e| *e == PlayerEvent::Ended);
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let totals: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            PlayerEvent::Position { total, .. } => Some(*total),
            _ => None,
        })
        .collect();
    assert!(totals.len() >= 2, "{seen:?}");
    assert!(totals.iter().all(|t| *t == Some(Duration::from_secs(1))));
    let last = seen.iter().rev().find_map(|e| match e {
        PlayerEvent::Position { pos, .. } => Some(*pos),
        _ => None,
    });
    assert!(
        last.is_some_and(|p| p > Duration::from_millis(950)),
        "{last:?}"
    );
    wait_state(&h, PlayState::Stopped);
}

#[test]
fn mp3_total_and_seek() {
    let Some(mp3) = corpus_mp3() else { return };
    let expected = mp3_duration(&std::fs::read(&mp3).expect("mp3")).as_secs_f64();
    let (h, out) = start(1.0);
    h.send(Command::Load(file(&mp3)));
    wait_state(&h, PlayState::Playing);
    let (_, total, _) = next_position(&h);
    let total = total.expect("an mp3 knows its length").as_secs_f64();
    assert!(
        (total - expected).abs() / expected < 0.01,
        "{total} vs {expected}"
    );
    out.play_for(Duration::from_millis(300));
    assert!(
        rms(&out.record(Duration::from_millis(300))) > 0.005,
        "silent speech"
    );
    h.send(Command::SeekTo(Duration::from_secs(40)));
    let seen = wait_for(
        &h,
        10,
        |e| matches!(e, PlayerEvent::Position { pos, .. } if *pos >= Duration::from_secs(40)),
    );
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let (pos, _, _) = next_position(&h);
    assert!(pos < Duration::from_millis(40_800), "{pos:?}");
}

#[test]
fn truncated_mp3_plays_what_it_has_then_ends() {
    let Some(mp3) = corpus_mp3() else { return };
    let dir = common::temp_dir("audio-trunc");
    let bytes = std::fs::read(&mp3).expect("mp3");
    let cut = dir.join("cut.mp3");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 10 + 77]).expect("write");
    let (h, out) = start(4.0);
    h.send(Command::Load(file(&cut)));
    wait_state(&h, PlayState::Playing);
    out.play_for(Duration::from_millis(200));
    assert!(rms(&out.record(Duration::from_millis(200))) > 0.005);
    // 30% of 49.5 s is about 14.8 s of audio; the Xing header still claims the whole length.
    h.send(Command::SeekTo(Duration::from_secs(12)));
    let seen = wait_for(&h, 30, |e| *e == PlayerEvent::Ended);
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let last = seen.iter().rev().find_map(|e| match e {
        PlayerEvent::Position { pos, .. } => Some(*pos),
        _ => None,
    });
    assert!(
        last.is_some_and(|p| p > Duration::from_secs(14) && p < Duration::from_secs(16)),
        "{last:?}"
    );
    wait_state(&h, PlayState::Stopped);

    // A seek past the bytes present says so, once, and ends the track.
    h.send(Command::Load(file(&cut)));
    wait_state(&h, PlayState::Playing);
    h.send(Command::SeekTo(Duration::from_secs(40)));
    let seen = wait_for(&h, 30, |e| *e == PlayerEvent::Ended);
    wait_state(&h, PlayState::Stopped);
    assert_eq!(
        errors(&seen),
        ["cannot seek to 0:40: end of stream"],
        "{seen:?}"
    );
}

/// A minimal Ogg Opus file: the identification header on its own page (enough to be told
/// apart; no Opus decoder exists here to play more).
fn opus_file(path: &Path) -> PathBuf {
    let shared = common::shared().join("corpus/audio/rodio/music.opus");
    if shared.is_file() {
        return shared;
    }
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]);
    let mut page = b"OggS\0\x02".to_vec();
    page.extend_from_slice(&[0; 8]); // granule position
    page.extend_from_slice(&1u32.to_le_bytes()); // serial
    page.extend_from_slice(&0u32.to_le_bytes()); // sequence
    page.extend_from_slice(&[0; 4]); // CRC, filled below
    page.push(1);
    page.push(head.len() as u8);
    page.extend_from_slice(&head);
    let crc = ogg_crc(&page);
    page[22..26].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(path, &page).expect("write");
    path.to_path_buf()
}

fn ogg_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn load_error(h: &PlayerHandle, track: Track) -> String {
    h.send(Command::Load(track));
    let seen = wait_for(h, 20, |e| matches!(e, PlayerEvent::Failed(_)));
    wait_state(h, PlayState::Stopped);
    errors(&seen).remove(0)
}

#[test]
fn bad_local_audio_gives_clear_errors() {
    let dir = common::temp_dir("audio-bad");
    let (h, _out) = start(1.0);
    let missing = load_error(&h, file(&dir.join("nope.mp3")));
    assert!(missing.contains("cannot open"), "{missing}");
    let page = dir.join("page.mp3");
    std::fs::write(&page, "<!DOCTYPE html><html><body>Moved</body></html>").expect("write");
    let msg = load_error(&h, file(&page));
    assert!(msg.contains("web page"), "{msg}");
    let msg = load_error(&h, file(&opus_file(&dir.join("a.opus"))));
    assert!(msg.contains("Opus audio cannot be played"), "{msg}");
    let junk = dir.join("junk.mp3");
    std::fs::write(&junk, vec![0x55u8; 4096]).expect("write");
    let msg = load_error(&h, file(&junk));
    assert!(msg.contains("not a recognized audio format"), "{msg}");
    // The player still works after all that.
    let wav = sine_wav(&dir.join("ok.wav"), 440.0, 1.0, 16000, 0.5);
    h.send(Command::Load(file(&wav)));
    wait_for(&h, 20, |e| *e == PlayerEvent::Ended);
}

fn part(dir: &Path, index: usize, freq: f32, secs: f32) -> SpeechPart {
    let path = sine_wav(
        &dir.join(format!("part{index}.wav")),
        freq,
        secs,
        16000,
        0.5,
    );
    SpeechPart {
        index,
        duration: read_info(&std::fs::read(&path).expect("wav"))
            .expect("info")
            .duration(),
        path,
    }
}

#[test]
fn speech_parts_play_in_order_as_they_arrive() {
    let dir = common::temp_dir("audio-speech");
    let parts = [
        part(&dir, 0, 300.0, 0.6),
        part(&dir, 1, 500.0, 0.8),
        part(&dir, 2, 700.0, 0.7),
    ];
    let (tx, rx) = mpsc::channel();
    let (h, _out) = start(1.0);
    tx.send(parts[0].clone()).expect("send");
    h.send(Command::Load(Track::Speech(SpeechFeed::new(3, 0, rx))));
    wait_state(&h, PlayState::Playing);
    let (_, total, part0) = next_position(&h);
    assert_eq!(
        (total, part0),
        (None, Some(0)),
        "total unknown until all parts are in"
    );
    tx.send(parts[1].clone()).expect("send");
    std::thread::sleep(Duration::from_millis(150));
    tx.send(parts[2].clone()).expect("send");
    let seen = wait_for(&h, 20, |e| *e == PlayerEvent::Ended);
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let positions: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            PlayerEvent::Position { pos, total, part } => Some((*pos, *total, *part)),
            _ => None,
        })
        .collect();
    let order: Vec<usize> = positions
        .iter()
        .filter_map(|p| p.2)
        .fold(vec![], |mut v, p| {
            if v.last() != Some(&p) {
                v.push(p);
            }
            v
        });
    assert_eq!(order, vec![0, 1, 2], "{positions:?}");
    assert!(
        positions.windows(2).all(|w| w[0].0 <= w[1].0),
        "{positions:?}"
    );
    let sum: Duration = parts.iter().map(|p| p.duration).sum();
    assert_eq!(positions.last().and_then(|p| p.1), Some(sum));
    for (pos, _, part) in &positions {
        let start: Duration = parts[..part.unwrap_or(0)].iter().map(|p| p.duration).sum();
        assert!(*pos >= start, "{pos:?} before part {part:?} begins");
    }
    assert!(
        positions
            .last()
            .is_some_and(|p| p.0 > sum - Duration::from_millis(50))
    );
    wait_state(&h, PlayState::Stopped);
}

#[test]
fn speech_seeks_land_in_the_right_part_and_wait_for_missing_ones() {
    let dir = common::temp_dir("audio-speech-seek");
    let parts = [
        part(&dir, 0, 300.0, 1.0),
        part(&dir, 1, 600.0, 1.0),
        part(&dir, 2, 900.0, 1.0),
    ];
    let (tx, rx) = mpsc::channel();
    let (h, out) = start(1.0);
    tx.send(parts[0].clone()).expect("send");
    tx.send(parts[1].clone()).expect("send");
    h.send(Command::Load(Track::Speech(SpeechFeed::new(3, 0, rx))));
    wait_state(&h, PlayState::Playing);
    h.send(Command::SeekTo(Duration::from_millis(1300)));
    wait_for(
        &h,
        10,
        |e| matches!(e, PlayerEvent::Position { part: Some(1), pos, .. } if *pos >= Duration::from_millis(1300)),
    );
    out.play_for(Duration::from_millis(100));
    let heard = out.record(Duration::from_millis(250));
    assert!(
        (frequency(&heard, 16000.0) - 600.0).abs() < 15.0,
        "not part 1"
    );

    // Part 2 has not been synthesized: the seek waits at its start.
    h.send(Command::SeekTo(Duration::from_secs(5)));
    let seen = wait_for(&h, 10, |e| *e == PlayerEvent::State(PlayState::Loading));
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let (pos, total, part) = next_position(&h);
    assert_eq!((pos, total, part), (Duration::from_secs(2), None, Some(2)));
    out.play_for(Duration::from_millis(200));
    assert!(
        out.record(Duration::from_millis(200))
            .iter()
            .all(|s| *s == 0.0)
    );
    tx.send(parts[2].clone()).expect("send");
    wait_state(&h, PlayState::Playing);
    out.play_for(Duration::from_millis(100));
    let heard = out.record(Duration::from_millis(250));
    assert!(
        (frequency(&heard, 16000.0) - 900.0).abs() < 15.0,
        "not part 2"
    );
    let seen = wait_for(&h, 10, |e| *e == PlayerEvent::Ended);
    assert!(seen.iter().any(|e| matches!(e, PlayerEvent::Position { total: Some(t), .. } if *t == Duration::from_secs(3))));
}

/// The player tells the synthesizer where the listener is: the part being spoken (or waited
/// for), paused or not, and that it let go of the narration.
#[test]
fn speech_playback_reports_the_listeners_part_and_pause() {
    let dir = common::temp_dir("audio-speech-listener");
    let parts = [
        part(&dir, 0, 300.0, 0.6),
        part(&dir, 1, 500.0, 0.6),
        part(&dir, 2, 700.0, 0.6),
    ];
    let (tx, rx) = mpsc::channel();
    let (h, _out) = start(1.0);
    let feed = SpeechFeed::new(3, 0, rx);
    let watch = feed.watch();
    tx.send(parts[0].clone()).expect("send");
    h.send(Command::Load(Track::Speech(feed)));
    wait_state(&h, PlayState::Playing);
    let within = Duration::from_secs(5);
    let at = watch.wait_until_for(within, |at| at.part == 0);
    assert_eq!((at.part, at.paused, at.gone), (0, false, false));
    h.send(Command::Pause);
    assert!(watch.wait_until_for(within, |at| at.paused).paused);
    tx.send(parts[1].clone()).expect("send");
    h.send(Command::Play);
    assert!(!watch.wait_until_for(within, |at| !at.paused).paused);
    assert_eq!(watch.wait_until_for(within, |at| at.part == 1).part, 1);
    tx.send(parts[2].clone()).expect("send");
    assert_eq!(watch.wait_until_for(within, |at| at.part == 2).part, 2);
    wait_for(&h, 10, |e| *e == PlayerEvent::Ended);
    assert!(watch.wait_until_for(within, |at| at.gone).gone);
}

#[test]
fn decode_to_wav_keeps_the_length() {
    let Some(mp3) = corpus_mp3() else { return };
    let dir = common::temp_dir("audio-decode");
    let out = dir.join("n.wav");
    let d = decode_to_wav(&mp3, &out).expect("decode").as_secs_f64();
    let expected = mp3_duration(&std::fs::read(&mp3).expect("mp3")).as_secs_f64();
    assert!((d - expected).abs() / expected < 0.01, "{d} vs {expected}");
    let info = read_info(&std::fs::read(&out).expect("wav")).expect("valid WAV");
    assert_eq!(
        (info.sample_rate, info.channels, info.bits_per_sample),
        (32000, 1, 16)
    );
    assert!((info.duration().as_secs_f64() - d).abs() < 0.001);
    let err = decode_to_wav(&opus_file(&dir.join("a.opus")), &dir.join("o.wav"))
        .expect_err("no Opus decoder");
    assert!(err.to_string().contains("Opus"), "{err}");
    assert!(!dir.join("o.wav").exists());
}

#[test]
fn remote_audio_plays_before_the_download_ends_then_is_cached() {
    let Some(mp3) = corpus_mp3() else { return };
    let bytes = std::fs::read(&mp3).expect("mp3");
    let server = Server::start(bytes.clone(), 150 * 1024);
    let dir = common::temp_dir("audio-remote");
    let cache = dir.join("cache/ep.mp3");
    let track = || Track::Remote {
        url: format!("{}/ep.mp3", server.addr),
        cache: cache.clone(),
        total_hint: None,
    };
    let (h, out) = start(1.0);
    let asked = Instant::now();
    h.send(Command::Load(track()));
    let seen = wait_state(&h, PlayState::Playing);
    let first_sound = asked.elapsed();
    assert!(errors(&seen).is_empty(), "{seen:?}");
    let sent = server.sent.load(Ordering::SeqCst);
    assert!(sent < bytes.len() as u64 / 2, "waited for {sent} bytes");
    assert!(!cache.exists(), "cached before the download ended");
    out.play_for(Duration::from_millis(200));
    assert!(
        rms(&out.record(Duration::from_millis(300))) > 0.005,
        "silence"
    );
    eprintln!(
        "remote: playing after {first_sound:?}, {sent} of {} bytes sent",
        bytes.len()
    );

    // Far ahead of the download: a Range request fetches it.
    h.send(Command::SeekTo(Duration::from_secs(40)));
    let seen = wait_for(
        &h,
        20,
        |e| matches!(e, PlayerEvent::Position { pos, .. } if *pos >= Duration::from_secs(40)),
    );
    assert!(errors(&seen).is_empty(), "{seen:?}");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.starts_with("/ep.mp3 Some((") && !r.contains("Some((0,")),
        "{:?}",
        server.requests()
    );
    out.play_for(Duration::from_millis(200));
    assert!(
        rms(&out.record(Duration::from_millis(300))) > 0.005,
        "silence after seek"
    );

    let deadline = Instant::now() + Duration::from_secs(40);
    while !cache.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(std::fs::read(&cache).expect("cache written"), bytes);
    let leftovers: Vec<_> = std::fs::read_dir(cache.parent().expect("dir"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Played again: from the cache, without the network.
    let before = server.requests().len();
    h.send(Command::Load(track()));
    wait_state(&h, PlayState::Playing);
    let (_, total, _) = next_position(&h);
    assert!(total.is_some());
    assert_eq!(server.requests().len(), before);
}

#[test]
fn bad_remote_audio_gives_clear_errors() {
    let server = Server::start(b"unused".to_vec(), 0);
    let dir = common::temp_dir("audio-remote-bad");
    let remote = |p: &str| Track::Remote {
        url: format!("{}{p}", server.addr),
        cache: dir.join("c").join(p.trim_start_matches('/')),
        total_hint: None,
    };
    let (h, _out) = start(1.0);
    let msg = load_error(&h, remote("/missing.mp3"));
    assert!(msg.contains("HTTP 404"), "{msg}");
    let msg = load_error(&h, remote("/page.mp3"));
    assert!(msg.contains("web page"), "{msg}");
    let msg = load_error(&h, remote("/doc.mp3"));
    assert!(msg.contains("text/html"), "{msg}");
    assert!(!dir.join("c/missing.mp3").exists());
}

#[tokio::test]
async fn remote_recordings_decode_to_wav_through_the_cache() {
    let Some(mp3) = corpus_mp3() else { return };
    let bytes = std::fs::read(&mp3).expect("mp3");
    let server = Server::start(bytes.clone(), 0);
    let dir = common::temp_dir("audio-remote-wav");
    let net = net();
    let cache = dir.join("cache/ep.mp3");
    let d = herald::audio::stream::decode_url_to_wav(
        net.client(),
        &format!("{}/fast/ep.mp3", server.addr),
        &cache,
        &dir.join("n.wav"),
    )
    .await
    .expect("decoded");
    assert_eq!(std::fs::read(&cache).expect("cached"), bytes);
    let expected = mp3_duration(&bytes).as_secs_f64();
    assert!((d.as_secs_f64() - expected).abs() / expected < 0.01);
    let err = herald::audio::stream::decode_url_to_wav(
        net.client(),
        &format!("{}/missing.mp3", server.addr),
        &dir.join("cache/missing.mp3"),
        &dir.join("m.wav"),
    )
    .await
    .expect_err("404");
    assert!(err.to_string().contains("404"), "{err}");
}

#[test]
fn the_default_device_opens_or_says_why_in_one_line() {
    match herald::audio::player::open_default(&net()) {
        Ok(h) => {
            // Commands are taken in order, so whatever the volume change says comes before the
            // error of the missing file loaded after it.
            h.send(Command::Volume(0.5));
            let missing = std::env::temp_dir().join("herald-no-such-file.wav");
            h.send(Command::Load(file(&missing)));
            let seen = wait_for(&h, 10, |e| matches!(e, PlayerEvent::Failed(_)));
            let errs = errors(&seen);
            assert_eq!(errs.len(), 1, "{seen:?}");
            assert!(errs[0].contains("cannot open"), "{seen:?}");
        }
        Err(herald::audio::AudioError::NoDevice(why)) => {
            assert!(!why.is_empty() && !why.contains('\n'), "{why:?}");
        }
        Err(e) => panic!("not a device error: {e}"),
    }
}
