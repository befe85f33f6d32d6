//! The bundled demo edition (assets/demo) goes through the same code as a real site: its feed,
//! its pages, extraction, comments and narration, all offline.

use crate::common;

use common::*;

fn demo(file: &str) -> String {
    root().join("assets/demo").join(file).display().to_string()
}

#[test]
fn the_demo_edition_reads_comments_and_narrates_offline() {
    let dir = temp_dir("demo");
    write_config(&dir, &[demo("feed.xml")], "");
    assert_eq!(
        stdout(&herald(&dir, &["refresh"])).trim(),
        "1 feeds, 2 new items, 0 errors"
    );
    let headlines = stdout(&herald(&dir, &["headlines"]));
    let first = headlines.lines().next().unwrap_or_default();
    assert!(
        first.contains("Tidal Power Station") && first.ends_with('♪'),
        "{headlines}"
    );

    let read = stdout(&herald(&dir, &["read", &demo("tidal-power.html")]));
    assert!(
        read.starts_with("Harbour Town Opens Its First Tidal Power Station\nBy Marta Quell"),
        "{read}"
    );
    assert!(
        read.contains("Schools in the district will be able to visit"),
        "{read}"
    );
    for chrome in [
        "Front page",
        "Leave A Reply",
        "Good to see the breakwater",
        "sample text written for herald",
    ] {
        assert!(
            !read.contains(chrome),
            "{chrome:?} is not the article:\n{read}"
        );
    }
    assert!(
        read.contains("Listen: file://") && read.contains("tidal-power.ogg"),
        "{read}"
    );

    let comments = herald(&dir, &["comments", &demo("tidal-power.html"), "--json"]);
    let thread: serde_json::Value = serde_json::from_slice(&comments.stdout).expect("JSON");
    let list = thread["comments"].as_array().expect("comments");
    assert_eq!(list.len(), 4);
    assert_eq!(list[1]["author"], "Marta Quell");
    assert_eq!(list[1]["depth"], 1);
    assert_eq!(list[1]["parent"], list[0]["id"]);

    let wav = dir.join("demo.wav");
    let out = herald(
        &dir,
        &[
            "listen",
            &demo("tidal-power.html"),
            "--out",
            wav.to_str().expect("path"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info =
        herald::audio::wav::read_info(&std::fs::read(&wav).expect("WAV")).expect("valid WAV");
    assert!(info.duration().as_secs() >= 60, "{:?}", info.duration());

    // The article without a recording is narrated by the offline voice.
    let speech = dir.join("speech.wav");
    let out = herald(
        &dir,
        &[
            "listen",
            &demo("night-library.html"),
            "--out",
            speech.to_str().expect("path"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("synthesized speech, 5 parts"),
        "{}",
        stdout(&out)
    );
}
