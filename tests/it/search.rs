//! `herald search`: words from the feed, from saved articles and from saved comments, found
//! after a refresh and reading, with the ids `headlines --json` gives.

use crate::common;

use common::pty::{Pty, alsa_none};
use common::*;

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<item><title>Council budget agreed</title><link>/budget</link><guid>budget</guid>
<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
<description>The quillwort survey gets its money at last.</description></item>
<item><title>Birds on the breakwater</title><link>/birds</link><guid>birds</guid>
<pubDate>Tue, 01 Dec 2026 09:00:00 +0000</pubDate><description>A short note.</description></item>
<item><title>The old light</title><link>/light</link><guid>light</guid>
<pubDate>Wed, 02 Dec 2026 09:00:00 +0000</pubDate><description>Memories of the quay.</description></item>
</channel></rss>"#;

const BIRDS: &str = "<html><head><title>Birds on the breakwater</title></head><body><article>\
<h1>Birds on the breakwater</h1>\
<p>Every winter the breakwater fills with birds, and this year the cormorants came early.</p>\
<p>Wardens counted more of them than in any year since the harbour was rebuilt.</p>\
<p>They dry their wings on the rocks at low tide, facing the sun in long rows.</p>\
</article></body></html>";

const LIGHT: &str = "<html><head><title>The old light</title></head><body><article>\
<h1>The old light</h1><p>The tower at the end of the quay has stood for two hundred years.</p>\
<p>Its lamp was put out in the nineteen sixties, and the stairs have been closed since.</p>\
<p>The town wants to open it again for visitors next summer, if the money can be found.</p>\
</article><ol class=\"comment-list\"><li id=\"comment-1\" class=\"comment\">\
<article class=\"comment-body\"><div class=\"comment-author vcard\"><b class=\"fn\">Sam</b></div>\
<div class=\"comment-content\"><p>My grandfather was its lighthousekeeper until the end.</p></div>\
</article></li></ol></body></html>";

fn site() -> TestServer {
    TestServer::start(|path, _| {
        let (kind, body) = match path {
            "/feed.xml" => ("application/rss+xml", FEED),
            "/birds" => ("text/html", BIRDS),
            "/light" => ("text/html", LIGHT),
            _ => return (404, Vec::new(), Vec::new()),
        };
        (
            200,
            vec![("Content-Type".into(), kind.into())],
            body.as_bytes().to_vec(),
        )
    })
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

/// The ids and the matched places of `herald search --json QUERY`.
fn found(dir: &std::path::Path, query: &str) -> Vec<(i64, String)> {
    let text = ok(&herald(dir, &["search", "--json", query]));
    let list: serde_json::Value = serde_json::from_str(&text).expect("json");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|h| {
            (
                h["id"].as_i64().expect("id"),
                h["matched"].as_str().expect("matched").to_string(),
            )
        })
        .collect()
}

/// A data directory holding the site's feed, one article read and one thread of comments.
fn archive(name: &str) -> (std::path::PathBuf, TestServer, Vec<(String, i64)>) {
    let server = site();
    let dir = temp_dir(name);
    write_config(&dir, &[server.url("/feed.xml")], "");
    ok(&herald(&dir, &["refresh"]));
    ok(&herald(&dir, &["read", &server.url("/birds")]));
    ok(&herald(&dir, &["comments", &server.url("/light")]));
    let list: serde_json::Value =
        serde_json::from_str(&ok(&herald(&dir, &["headlines", "--json"]))).expect("json");
    let ids = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|h| {
            (
                h["title"].as_str().expect("title").to_string(),
                h["id"].as_i64().expect("id"),
            )
        })
        .collect();
    (dir, server, ids)
}

fn id(ids: &[(String, i64)], title: &str) -> i64 {
    ids.iter()
        .find(|(t, _)| t == title)
        .map(|(_, id)| *id)
        .expect("headline")
}

#[test]
fn words_in_a_summary_an_article_and_comments_are_found() {
    let (dir, server, ids) = archive("search-found");
    let (budget, birds, light) = (
        id(&ids, "Council budget agreed"),
        id(&ids, "Birds on the breakwater"),
        id(&ids, "The old light"),
    );
    assert_eq!(found(&dir, "quillwort"), vec![(budget, "summary".into())]);
    assert_eq!(found(&dir, "cormorants"), vec![(birds, "article".into())]);
    assert_eq!(
        found(&dir, "lighthousekeeper"),
        vec![(light, "comments".into())]
    );
    // The text form: date, feed, title, link, and the match in its words.
    let text = ok(&herald(&dir, &["search", "cormorants"]));
    assert!(
        text.starts_with("2026-12-01 09:00  Harbour Times  Birds on the breakwater\n"),
        "{text}"
    );
    assert!(text.contains(&server.url("/birds")), "{text}");
    assert!(
        text.contains("article: ") && text.contains("[cormorants]"),
        "{text}"
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn phrases_prefixes_and_not_narrow_the_search() {
    let (dir, server, ids) = archive("search-syntax");
    let birds = id(&ids, "Birds on the breakwater");
    let light = id(&ids, "The old light");
    assert_eq!(found(&dir, "\"the cormorants came\"").len(), 1);
    assert_eq!(found(&dir, "\"cormorants the came\"").len(), 0);
    assert_eq!(found(&dir, "cormo*"), vec![(birds, "article".into())]);
    let quay: Vec<i64> = found(&dir, "quay").iter().map(|h| h.0).collect();
    assert_eq!(
        quay,
        vec![light],
        "the summary of one item, the article unread"
    );
    assert_eq!(found(&dir, "breakwater NOT cormorants"), vec![]);
    assert_eq!(found(&dir, "breakwater OR quillwort").len(), 2);
    // --unread: reading the article marked it read.
    let unread = ok(&herald(
        &dir,
        &["search", "--json", "--unread", "breakwater"],
    ));
    assert_eq!(unread.trim(), "[]");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_malformed_query_says_so_in_one_line() {
    let (dir, server, _) = archive("search-malformed");
    for bad in ["breakwater AND", "\"unclosed", "covid-19"] {
        let out = herald(&dir, &["search", bad]);
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("herald: the search `{bad}` is not understood: ")),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = herald(&dir, &["search", "--since", "yesterday", "quay"]);
    assert!(!out.status.success());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_app_searches_the_archive_and_opens_a_result() {
    let (dir, server, _) = archive("search-app");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    pty.wait_for("Birds on the breakwater");
    pty.press("S");
    pty.wait_for("search the archive:");
    pty.press("lighthousekeeper\r");
    pty.wait_for("Search: lighthousekeeper (1 found)");
    pty.wait_for("comments: ");
    pty.press("\r");
    pty.wait_for("Its lamp was put out");
    // Back to the results, then to the list.
    pty.press("q");
    pty.wait_for("Search: lighthousekeeper (1 found)");
    pty.press("\x1b");
    pty.wait_for("Headlines");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
