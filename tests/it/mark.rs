//! `herald mark`: items read, unread, starred by id, link, feed, all or date, seen by
//! `headlines --json` and by another process watching the store; unknown ids and feeds are
//! one-line errors (and so is an unknown `--feed` of `headlines` and `search`).

use std::path::Path;
use std::process::Output;

use crate::common;

use common::*;

const HARBOUR: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<item><title>Council budget agreed</title><link>http://harbour.example/budget</link>
<guid>budget</guid><pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate></item>
<item><title>Birds on the breakwater</title><link>http://harbour.example/birds</link>
<guid>birds</guid><pubDate>Tue, 01 Dec 2026 09:00:00 +0000</pubDate></item>
<item><title>The old light</title><link>http://harbour.example/light</link>
<guid>light</guid><pubDate>Wed, 02 Dec 2026 09:00:00 +0000</pubDate></item>
</channel></rss>"#;

const VALLEY: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Post</title>
<item><title>Flood defences tested</title><link>http://valley.example/flood</link>
<guid>flood</guid><pubDate>Sun, 29 Nov 2026 09:00:00 +0000</pubDate></item>
<item><title>Market day moved</title><link>http://valley.example/market</link>
<guid>market</guid><pubDate>Tue, 01 Dec 2026 12:00:00 +0000</pubDate></item>
</channel></rss>"#;

fn site() -> TestServer {
    TestServer::start(|path, _| {
        let body = match path {
            "/harbour.xml" => HARBOUR,
            "/valley.xml" => VALLEY,
            _ => return (404, Vec::new(), Vec::new()),
        };
        (
            200,
            vec![("Content-Type".into(), "application/rss+xml".into())],
            body.as_bytes().to_vec(),
        )
    })
}

/// Both feeds refreshed; the harbour one named "Harbour" in the config.
fn archive(name: &str) -> (std::path::PathBuf, TestServer) {
    let server = site();
    let dir = temp_dir(name);
    let config = format!(
        "[[feeds]]\nurl = \"{}\"\nname = \"Harbour\"\n\n[[feeds]]\nurl = \"{}\"\n",
        server.url("/harbour.xml"),
        server.url("/valley.xml")
    );
    std::fs::write(dir.join("config.toml"), config).expect("write config");
    ok(&herald(&dir, &["refresh"]));
    (dir, server)
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

/// A failure: its stderr, which must be one line.
fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "succeeded: {}", stdout(out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    err
}

/// (title, id, read, starred) of every headline, newest first.
fn headlines(dir: &Path) -> Vec<(String, i64, bool, bool)> {
    let text = ok(&herald(dir, &["headlines", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&text).expect("json");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|h| {
            (
                h["title"].as_str().expect("title").to_string(),
                h["id"].as_i64().expect("id"),
                h["read"].as_bool().expect("read"),
                h["starred"].as_bool().expect("starred"),
            )
        })
        .collect()
}

fn id(dir: &Path, title: &str) -> String {
    headlines(dir)
        .into_iter()
        .find(|h| h.0 == title)
        .map(|h| h.1.to_string())
        .expect("headline")
}

/// Titles of the read headlines.
fn read(dir: &Path) -> Vec<String> {
    headlines(dir)
        .into_iter()
        .filter(|h| h.2)
        .map(|h| h.0)
        .collect()
}

#[test]
fn items_marked_by_id_and_link() {
    let (dir, _server) = archive("mark-items");
    assert!(read(&dir).is_empty());
    let birds = id(&dir, "Birds on the breakwater");
    assert_eq!(
        ok(&herald(&dir, &["mark", "read", &birds])),
        "1 marked read\n"
    );
    assert_eq!(read(&dir), ["Birds on the breakwater"]);
    assert_eq!(
        ok(&herald(
            &dir,
            &["mark", "read", &birds, "http://valley.example/flood"]
        )),
        "1 marked read (1 already read)\n"
    );
    assert_eq!(
        read(&dir),
        ["Birds on the breakwater", "Flood defences tested"]
    );
    assert_eq!(
        ok(&herald(&dir, &["mark", "unread", &birds])),
        "1 marked unread\n"
    );
    assert_eq!(read(&dir), ["Flood defences tested"]);

    assert_eq!(ok(&herald(&dir, &["mark", "star", &birds])), "1 starred\n");
    let starred: Vec<String> = headlines(&dir)
        .into_iter()
        .filter(|h| h.3)
        .map(|h| h.0)
        .collect();
    assert_eq!(starred, ["Birds on the breakwater"]);
    assert_eq!(
        ok(&herald(&dir, &["mark", "unstar", &birds])),
        "1 unstarred\n"
    );
    assert!(headlines(&dir).iter().all(|h| !h.3));
}

#[test]
fn a_feed_all_and_the_older_items() {
    let (dir, server) = archive("mark-feeds");
    // By the config's name, any case.
    assert_eq!(
        ok(&herald(&dir, &["mark", "read", "--feed", "harbour"])),
        "3 marked read\n"
    );
    assert_eq!(
        read(&dir),
        [
            "The old light",
            "Birds on the breakwater",
            "Council budget agreed"
        ]
    );
    // By the feed's own title, and by its URL.
    assert_eq!(
        ok(&herald(&dir, &["mark", "read", "--feed", "Valley Post"])),
        "2 marked read\n"
    );
    assert_eq!(
        ok(&herald(
            &dir,
            &["mark", "unread", "--feed", &server.url("/valley.xml")]
        )),
        "2 marked unread\n"
    );
    assert_eq!(read(&dir).len(), 3);
    assert_eq!(
        ok(&herald(&dir, &["mark", "read", "--all"])),
        "2 marked read (3 already read)\n"
    );
    // Before 1 December: the budget (30 Nov) and the flood (29 Nov).
    assert_eq!(
        ok(&herald(&dir, &["mark", "unread", "--before", "2026-12-01"])),
        "2 marked unread\n"
    );
    assert_eq!(
        read(&dir),
        [
            "The old light",
            "Market day moved",
            "Birds on the breakwater"
        ]
    );
    assert_eq!(
        ok(&herald(
            &dir,
            &[
                "mark",
                "unread",
                "--feed",
                "Harbour",
                "--before",
                "2026-12-02"
            ]
        )),
        "1 marked unread (1 already unread)\n"
    );
    assert_eq!(read(&dir), ["The old light", "Market day moved"]);
}

#[test]
fn unknown_items_and_feeds_are_one_line_errors() {
    let (dir, _server) = archive("mark-unknown");
    let birds = id(&dir, "Birds on the breakwater");
    let err = failed(&herald(
        &dir,
        &["mark", "read", &birds, "999999", "http://nowhere.example/x"],
    ));
    assert!(
        err.contains("unknown items 999999, http://nowhere.example/x: nothing was marked"),
        "{err}"
    );
    assert!(read(&dir).is_empty(), "all or nothing");
    let err = failed(&herald(&dir, &["mark", "read", "yesterday"]));
    assert!(err.contains("\"yesterday\" is neither"), "{err}");

    // Every command that takes --feed says which feeds there are.
    for args in [
        &["mark", "read", "--feed", "Nope"][..],
        &["headlines", "--feed", "Nope"],
        &["search", "--feed", "Nope", "budget"],
    ] {
        let err = failed(&herald(&dir, args));
        assert!(
            err.contains("no feed is called \"Nope\"; the feeds are: Harbour, Valley Post"),
            "{args:?}: {err}"
        );
    }
    assert!(read(&dir).is_empty());
    let err = failed(&herald(&dir, &["mark", "star", "--all"]));
    assert!(err.contains("star and unstar take ids or links"), "{err}");
}

#[test]
fn another_process_watching_the_store_sees_the_marks() {
    let (dir, _server) = archive("mark-watched");
    let (watcher, _) = herald::store::Store::open(&dir.join("data")).expect("the store opens");
    let seen = watcher.data_version().expect("data_version");
    let birds = id(&dir, "Birds on the breakwater");
    assert_eq!(watcher.data_version().expect("data_version"), seen);
    ok(&herald(&dir, &["mark", "read", &birds]));
    assert_ne!(
        watcher.data_version().expect("data_version"),
        seen,
        "the commit of another process changes data_version"
    );
}
