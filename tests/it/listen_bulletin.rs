//! `herald listen --unread --out`: the unread stories of the real WordPress written as one
//! bulletin, newest first, each story after its spoken introduction, checked by the timeline
//! it prints, by its length and by the silences between the stories in the WAV.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::wordpress::{self, SITE};
use common::*;

fn run(dir: &Path, args: &[&str]) -> Output {
    // No audio devices at all: writing a bulletin needs none.
    herald_on_alsa(dir, &common::pty::alsa_none(dir), args)
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn subscribed(name: &str, announce: bool) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[[feeds]]\nurl = \"{SITE}/?feed=rss2\"\nname = \"Local WordPress\"\n\n\
             [listen]\nannounce = {announce}\n"
        ),
    )
    .expect("write config");
    ok(&run(&dir, &["refresh"]), "refresh");
    dir
}

/// `M:SS` -> seconds.
fn seconds(t: &str) -> f64 {
    let (m, s) = t.split_once(':').expect("M:SS");
    m.parse::<f64>().expect("minutes") * 60.0 + s.parse::<f64>().expect("seconds")
}

/// One line of the printed timeline: where the story starts, its title, its own length.
struct Told {
    start: f64,
    title: String,
    length: f64,
}

fn timeline(stdout: &str) -> Vec<Told> {
    stdout
        .lines()
        .filter(|l| l.contains("/3  Local WordPress — "))
        .map(|l| {
            let start = seconds(l.split_whitespace().next().expect("start"));
            let rest = l.split_once("Local WordPress — ").expect("label").1;
            let (title, tail) = rest.rsplit_once("  (").expect("what");
            let length = seconds(
                tail.trim_end_matches(')')
                    .rsplit(", ")
                    .next()
                    .expect("length"),
            );
            Told {
                start,
                title: title.to_string(),
                length,
            }
        })
        .collect()
}

/// The WAV's length and the runs of digital silence at least `min` seconds long (start, end).
fn silences(path: &Path, min: f64) -> (f64, Vec<(f64, f64)>) {
    let bytes = std::fs::read(path).expect("WAV written");
    let info = herald::audio::wav::read_info(&bytes).expect("valid WAV");
    let data = &bytes[info.data_offset..info.data_offset + info.data_len];
    let frame = 2 * usize::from(info.channels);
    let rate = f64::from(info.sample_rate);
    let mut runs = Vec::new();
    let mut quiet_since = None;
    let frames = data.len() / frame;
    for (i, f) in data.chunks_exact(frame).enumerate() {
        let silent = f.iter().all(|b| *b == 0);
        match (silent, quiet_since) {
            (true, None) => quiet_since = Some(i),
            (false, Some(from)) => {
                if (i - from) as f64 / rate >= min {
                    runs.push((from as f64 / rate, i as f64 / rate));
                }
                quiet_since = None;
            }
            _ => {}
        }
    }
    (frames as f64 / rate, runs)
}

#[test]
fn three_unread_stories_are_written_in_order_each_after_its_introduction() {
    let Some(_site) = wordpress::available() else {
        return;
    };
    let dir = subscribed("bulletin-out", true);
    // The three newest unread stories, as the list gives them.
    let list = ok(
        &run(&dir, &["headlines", "--unread", "--limit", "3", "--json"]),
        "headlines",
    );
    let list: Vec<serde_json::Value> = serde_json::from_str(&list).expect("JSON");
    let titles: Vec<&str> = list
        .iter()
        .map(|h| h["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles.len(), 3);
    let unread_before = ok(&run(&dir, &["headlines", "--unread", "--count"]), "count");

    let wav = dir.join("b.wav");
    let wav_arg = wav.to_str().expect("path");
    let out = run(
        &dir,
        &["listen", "--unread", "--limit", "3", "--out", wav_arg],
    );
    let stdout = ok(&out, "listen --unread --out");
    let told = timeline(&stdout);
    assert_eq!(
        told.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
        titles,
        "{stdout}"
    );
    assert!(stdout.contains(", 3 stories)"), "{stdout}");
    // The reference article's own recording is among them, whole.
    assert!(
        told.iter().any(|t| (t.length - 260.0).abs() < 1.0),
        "{stdout}"
    );

    // Between stories, 1.5 s of silence ends where the next story's introduction starts.
    let (length, quiet) = silences(&wav, 1.2);
    let gaps: Vec<&(f64, f64)> = quiet.iter().filter(|(a, b)| b - a > 1.4).collect();
    assert_eq!(gaps.len(), 2, "{quiet:?}\n{stdout}");
    for (gap, next) in gaps.iter().zip(&told[1..]) {
        // The timeline is printed to the second; the silence may run on into the voice's own.
        assert!(
            gap.0 < next.start + 1.0 && gap.1 > next.start - 1.0 && gap.1 - gap.0 < 3.0,
            "silence {gap:?} before the story at {}",
            next.start
        );
    }

    // Each story is preceded by its introduction: the whole is longer than the stories and
    // the silences by at least a second of speech per story, and by less than ten.
    let stories: f64 = told.iter().map(|t| t.length).sum();
    let introductions = length - stories - 2.0 * 1.5 - 3.0 * 0.4;
    assert!(
        introductions > 3.0 && introductions < 30.0,
        "{length} s in all, {stories} s of stories: {introductions} s of introductions\n{stdout}"
    );

    // Without introductions, the stories and the silences between them only.
    let plain_dir = subscribed("bulletin-out-plain", false);
    let plain = plain_dir.join("b.wav");
    let plain_arg = plain.to_str().expect("path");
    let stdout = ok(
        &run(
            &plain_dir,
            &["listen", "--unread", "--limit", "3", "--out", plain_arg],
        ),
        "listen --unread --out without introductions",
    );
    let (plain_length, _) = silences(&plain, 1.2);
    let told = timeline(&stdout);
    assert_eq!(told[0].start, 0.0);
    let stories: f64 = told.iter().map(|t| t.length).sum();
    assert!(
        (plain_length - stories - 3.0).abs() < 3.0,
        "{plain_length} s for {stories} s of stories\n{stdout}"
    );
    // Writing a bulletin is not hearing it: nothing was marked read.
    let unread = ok(&run(&dir, &["headlines", "--unread", "--count"]), "count");
    assert_eq!(unread, unread_before);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain_dir);
}

#[test]
fn a_bulletin_of_nothing_unread_says_so_and_writes_no_file() {
    let dir = temp_dir("bulletin-empty");
    write_config(&dir, &[], "");
    let wav = dir.join("b.wav");
    let out = run(
        &dir,
        &["listen", "--unread", "--out", wav.to_str().expect("path")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing unread to listen to"), "{err}");
    assert!(!wav.exists());
    let out = run(&dir, &["listen", "--unread", "--from", "1:00"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--from with --unread takes only 0"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
