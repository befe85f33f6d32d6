//! The bundled demo edition in the real app, in a pseudo-terminal: the first run with no config
//! and no network, its recording played on ALSA's null device, and the other article spoken
//! with the spoken paragraph marked and followed.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::media::ogg_vorbis_duration;
use common::pty::{
    PATIENCE, PacedAlsa, Pty, alsa_null, find, listen_times, minutes_seconds, row_text, screen_text,
};
use common::*;

const TIDAL: &str = "Harbour Town Opens Its First Tidal Power Station";
const NIGHT: &str = "Night Library Pilot Keeps Reading Rooms Open Until Midnight";

fn demo(file: &str) -> String {
    root().join("assets/demo").join(file).display().to_string()
}

/// True when a command runs with `--version` (or `--help`); when it does not, a failure in
/// CI and a skip, with a note, elsewhere.
fn required(program: &str, args: &[&str], why: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(!in_ci(), "`{program} {}` failed: {why}", args.join(" "));
        eprintln!("skipped: `{program} {}` failed here: {why}", args.join(" "));
    }
    ok
}

/// The README's run command on a clean machine: no config file, an empty home, and no network
/// at all (a network namespace of its own, where no route leads anywhere).
#[test]
fn the_first_run_opens_the_demo_edition_offline_and_plays_its_recording() {
    if !required(
        "unshare",
        &["-n", "true"],
        "a network namespace keeps the first run's public feeds off the network (needs root)",
    ) {
        return;
    }
    let dir = temp_dir("tui-first-run");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut cmd = Command::new("unshare");
    cmd.arg("-n")
        .arg(env!("CARGO_BIN_EXE_herald"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("ALSA_CONFIG_PATH", alsa_null(&dir));
    let mut pty = Pty::spawn(cmd, 120, 40);

    pty.wait_for(TIDAL);
    pty.wait_for(NIGHT);
    // The public feeds were tried, and could not be reached: said once, quietly.
    let screen = pty.wait_for("4 feeds, 2 new; 3 unreachable");
    assert!(
        screen_text(&screen).contains("Headlines (2 unread)"),
        "{}",
        screen_text(&screen)
    );
    assert!(
        !home.join(".config/herald/config.toml").exists(),
        "the first run writes no config"
    );

    let recording = std::fs::read(demo("tidal-power.ogg")).expect("the demo recording");
    let length = minutes_seconds(ogg_vorbis_duration(&recording));
    eprintln!("the demo recording lasts {length}");
    pty.press("\r");
    // The recording's length before anything plays.
    let screen = pty.wait_for(&format!("▶ Listen to the article  0:00 / {length}"));
    assert!(
        screen_text(&screen).contains("■ nothing playing"),
        "{}",
        screen_text(&screen)
    );
    // The comments beside the article, the reply under its parent.
    let screen = pty.wait_for("Comments (4)");
    let text = screen_text(&screen);
    let (pane_row, pane_col) = find(&screen, "Comments (4)").expect("the comments pane");
    assert!(
        pane_col >= 72,
        "the comments sit right of the article:\n{text}"
    );
    let (reply_row, reply_col) = find(&screen, "↳ Marta Quell").expect("Marta Quell's reply");
    assert!(reply_row > pane_row && reply_col > pane_col, "{text}");

    pty.press(" ");
    let screen = pty.wait_until("the elapsed time advance", |s| {
        listen_times(s).is_some_and(|(elapsed, _)| elapsed > Duration::ZERO)
    });
    let (_, total) = listen_times(&screen).expect("the listen bar");
    assert_eq!(
        total.map(minutes_seconds).as_deref(),
        Some(length.as_str()),
        "the player's length is the one shown before:\n{}",
        screen_text(&screen)
    );

    pty.press("q");
    pty.wait_for("Headlines (1 unread)");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let screen = pty.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is shown again");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the article's body is drawn in a narrow terminal: inside the pane's border, below the
/// title, byline, listen bar and a blank row, right of the two-column gutter.
const BODY_TOP: u16 = 5;
const GUTTER_COL: u16 = 1;
const TEXT_COL: u16 = 3;

/// What one frame shows of the speech: the paragraph marked as spoken (its index among the
/// article's paragraphs), the first body line shown, and the elapsed time.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    spoken: Option<usize>,
    first_line: String,
    elapsed: Option<Duration>,
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn seen(screen: &vt100::Screen, paragraphs: &[String]) -> Seen {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let body = BODY_TOP..rows - 3;
    let width = cols - TEXT_COL - 1;
    let marked: Vec<u16> = body
        .clone()
        .filter(|&r| {
            screen
                .cell(r, GUTTER_COL)
                .is_some_and(|c| c.contents() == "▌")
        })
        .collect();
    for &r in &marked {
        for c in TEXT_COL..TEXT_COL + width {
            let cell = screen.cell(r, c).expect("a cell");
            assert!(
                !cell.has_contents() || cell.contents() == " " || cell.bold(),
                "the spoken line is bold, row {r} column {c}:\n{}",
                screen_text(screen)
            );
        }
    }
    let spoken = (!marked.is_empty()).then(|| {
        let text = normalize(
            &marked
                .iter()
                .map(|&r| row_text(screen, r, TEXT_COL, width))
                .collect::<Vec<_>>()
                .join(" "),
        );
        paragraphs
            .iter()
            .position(|p| normalize(p).contains(&text))
            .unwrap_or_else(|| {
                panic!(
                    "the marked lines {text:?} are not one paragraph:\n{}",
                    screen_text(screen)
                )
            })
    });
    Seen {
        spoken,
        first_line: row_text(screen, BODY_TOP, TEXT_COL, width),
        elapsed: listen_times(screen).map(|(e, _)| e),
    }
}

/// Reads the article once (as `herald read --json`) for its paragraphs.
fn paragraphs(dir: &Path, target: &str) -> Vec<String> {
    let out = herald(dir, &["read", target, "--json"]);
    assert!(out.status.success(), "read: {}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    json["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| p.as_str().expect("text").to_string())
        .collect()
}

#[test]
fn synthesized_speech_marks_the_spoken_paragraph_and_the_view_follows_it() {
    if !required(
        "espeak-ng",
        &["--version"],
        "the default narration voice is espeak-ng",
    ) {
        return;
    }
    let dir = temp_dir("tui-speech");
    write_config(&dir, &[demo("feed.xml")], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    let paragraphs = paragraphs(&dir, &demo("night-library.html"));
    assert_eq!(paragraphs.len(), 4, "{paragraphs:#?}");
    let last = paragraphs.len() - 1;

    // Played at a few times real time (2 MB of samples a second), so that every paragraph
    // lasts several of the app's frames.
    let device = PacedAlsa::new(&dir, 2_000_000);
    // Six body rows: the article does not fit.
    let mut pty = Pty::herald(&dir, &device.conf, &[], &[], 80, 14);
    pty.wait_for("Night Library Pilot");
    pty.press("j\r");
    let before = pty.wait_for("Listen to the article (synthesized speech)  0:00 / --:--");
    let at_open = seen(&before, &paragraphs);
    assert_eq!(at_open.spoken, None);
    let last_start: String = paragraphs[last].chars().take(30).collect();
    assert!(
        !screen_text(&before).contains(&last_start),
        "the last paragraph starts below the first screen:\n{}",
        screen_text(&before)
    );

    pty.record_frames();
    pty.press(" ");
    let start = std::time::Instant::now();
    let frames = loop {
        let frames = pty.frames();
        if frames
            .iter()
            .any(|f| seen(f, &paragraphs).spoken == Some(last))
        {
            break frames;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the last paragraph was never marked; in {} frames: {:?}\nthe screen shows:\n{}",
            frames.len(),
            frames
                .iter()
                .map(|f| seen(f, &paragraphs))
                .map(|s| (s.spoken, s.elapsed))
                .collect::<Vec<_>>(),
            pty.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let marked: Vec<Seen> = frames
        .iter()
        .map(|f| seen(f, &paragraphs))
        .filter(|s| s.spoken.is_some())
        .collect();
    let mut order: Vec<usize> = marked.iter().filter_map(|s| s.spoken).collect();
    order.dedup();
    eprintln!(
        "{} frames, {} with a paragraph marked; marked in turn: {order:?}",
        frames.len(),
        marked.len()
    );
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "the mark only moves down: {order:?}"
    );
    assert!(
        order.len() >= 3 && order.last() == Some(&last),
        "the mark went through the paragraphs to the last: {order:?}"
    );
    let first = marked.first().expect("a marked frame");
    let at_last = marked
        .iter()
        .find(|s| s.spoken == Some(last))
        .expect("the last paragraph marked");
    assert_ne!(
        at_last.first_line, at_open.first_line,
        "the view scrolled to follow the voice"
    );
    assert!(
        at_last.elapsed > first.elapsed,
        "time went on as the mark moved down: {:?} then {:?}",
        first.elapsed,
        at_last.elapsed
    );

    pty.press("q");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `]` while synthesized speech is paused: the speech is made again at the new speed from the
/// paragraph being spoken, and stays paused; its clock goes on from where that paragraph began
/// rather than back to 0:00.
#[test]
fn a_speed_change_while_speech_is_paused_stays_paused_and_keeps_its_clock() {
    if !required(
        "espeak-ng",
        &["--version"],
        "the default narration voice is espeak-ng",
    ) {
        return;
    }
    let dir = temp_dir("tui-speech-speed");
    write_config(&dir, &[demo("feed.xml")], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));
    // About real time (16-bit mono at 22,050 Hz is 44 KB a second; rodio may open more).
    let device = PacedAlsa::new(&dir, 200_000);
    let mut pty = Pty::herald(&dir, &device.conf, &[], &[], 100, 30);
    pty.wait_for("Night Library Pilot");
    pty.press("j\r");
    pty.wait_for("Listen to the article (synthesized speech)");
    pty.press(" ");
    // Well into the narration, past its title.
    let playing = pty.wait_until("a few seconds of speech", |s| {
        listen_times(s).is_some_and(|(elapsed, _)| elapsed >= Duration::from_secs(6))
    });
    let _ = playing;
    pty.press(" ");
    let paused = pty.wait_for("⏸");
    let (before, _) = listen_times(&paused).expect("the listen bar");
    pty.press("]");
    pty.wait_for("speed 1.10x");
    // Given time to have started, had it been going to.
    std::thread::sleep(Duration::from_secs(3));
    let after = pty.screen();
    let text = screen_text(&after);
    assert!(text.contains("⏸"), "still paused:\n{text}");
    let (elapsed, _) = listen_times(&after).expect("the listen bar");
    assert!(
        elapsed <= before && before - elapsed < Duration::from_secs(30) && !elapsed.is_zero(),
        "the clock went from {before:?} to {elapsed:?}:\n{text}"
    );
    pty.press("q");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
