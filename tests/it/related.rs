//! `herald read`: other coverage of the story from the reader's other feeds, in `--json` as
//! `related` and at the end of the printed article; none for a story only one feed has.

use crate::common;

use common::pty::{Pty, alsa_none, find};
use common::*;

fn rss(title: &str, items: &[(&str, &str, &str, &str)]) -> String {
    let mut xml =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>");
    for (path, headline, date, summary) in items {
        xml.push_str(&format!(
            "<item><title>{headline}</title><link>{path}</link><guid>{path}</guid>\
             <pubDate>{date}</pubDate><description>{summary}</description></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

const TUESDAY: &str = "Tue, 01 Dec 2026 07:00:00 +0000";
const LATER: &str = "Tue, 01 Dec 2026 10:00:00 +0000";

fn feeds() -> [(&'static str, String); 3] {
    [
        (
            "/gazette.xml",
            rss(
                "Harbour Gazette",
                &[
                    (
                        "/gazette/bridge",
                        "Kestrel Bridge shut after engineers find cracks in main span",
                        TUESDAY,
                        "The Kestrel Bridge over the River Alde was closed to all traffic after an inspection found cracks in the steel of its central span.",
                    ),
                    (
                        "/gazette/harbour",
                        "Harbour master retires after forty years",
                        LATER,
                        "Gideon Pryce guided ships into the port for four decades.",
                    ),
                    (
                        "/gazette/repaint",
                        "Kestrel Bridge railings to be repainted",
                        LATER,
                        "The county will repaint the bridge's railings next spring.",
                    ),
                ],
            ),
        ),
        (
            "/ledger.xml",
            rss(
                "Northern Ledger",
                &[
                    (
                        "/ledger/crossing",
                        "Crossing over the Alde closed after cracks found",
                        LATER,
                        "Inspectors discovered cracks in the steel of the central span of Kestrel Bridge, forcing the county to close it to traffic.",
                    ),
                    (
                        "/ledger/fares",
                        "Bus fares frozen for a year",
                        TUESDAY,
                        "The regional transport authority froze single fares until next winter.",
                    ),
                ],
            ),
        ),
        (
            "/courier.xml",
            rss(
                "Valley Courier",
                &[
                    (
                        "/courier/library",
                        "Library to open on Sundays",
                        TUESDAY,
                        "Ashby library will open on Sunday afternoons from January after a popular trial.",
                    ),
                    (
                        "/courier/choir",
                        "Choir raises money for a new church roof",
                        LATER,
                        "The choir sang for twelve hours to replace the lead stolen from the roof.",
                    ),
                ],
            ),
        ),
    ]
}

fn page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )
}

fn site() -> TestServer {
    let feeds = feeds();
    let bridge = page(
        "Kestrel Bridge shut after engineers find cracks in main span",
        &[
            "The Kestrel Bridge over the River Alde was closed to all traffic on Tuesday morning.",
            "An inspection found cracks in the steel of its central span, and engineers said it was not safe.",
            "Drivers face a twelve mile detour through Lowmoor while the county decides what to do.",
        ],
    );
    let library = page(
        "Library to open on Sundays",
        &[
            "Ashby library will open on Sunday afternoons from January.",
            "A trial in the autumn proved popular with families, the council said.",
        ],
    );
    let crossing = page(
        "Crossing over the Alde closed after cracks found",
        &["Inspectors discovered cracks in the central span of Kestrel Bridge on Tuesday."],
    );
    TestServer::start(move |path, _| {
        let (kind, body) = match path {
            "/gazette/bridge" => ("text/html", bridge.clone()),
            "/ledger/crossing" => ("text/html", crossing.clone()),
            "/courier/library" => ("text/html", library.clone()),
            p => match feeds.iter().find(|(f, _)| *f == p) {
                Some((_, xml)) => ("application/rss+xml", xml.clone()),
                None => return (404, Vec::new(), Vec::new()),
            },
        };
        (
            200,
            vec![("Content-Type".into(), kind.into())],
            body.into_bytes(),
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

/// A data directory subscribed to the three feeds, refreshed.
fn subscribed(server: &TestServer, name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let urls: Vec<String> = ["/gazette.xml", "/ledger.xml", "/courier.xml"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    write_config(&dir, &urls, "");
    ok(&herald(&dir, &["refresh"]));
    dir
}

#[test]
fn read_shows_other_coverage_from_the_other_feeds() {
    let server = site();
    let dir = subscribed(&server, "related-read");
    let list: serde_json::Value =
        serde_json::from_str(&ok(&herald(&dir, &["headlines", "--json"]))).expect("json");
    let id_of = |link: &str| {
        list.as_array()
            .expect("a list")
            .iter()
            .find(|h| h["link"] == link)
            .and_then(|h| h["id"].as_i64())
            .expect("headline")
    };

    let bridge = server.url("/gazette/bridge");
    let read: serde_json::Value =
        serde_json::from_str(&ok(&herald(&dir, &["read", "--json", &bridge]))).expect("json");
    let related = read["related"].as_array().expect("related is a list");
    // The same story from the other feed; not the same feed's other story about the bridge.
    assert_eq!(related.len(), 1, "{related:?}");
    let r = &related[0];
    let crossing = server.url("/ledger/crossing");
    assert_eq!(r["id"].as_i64(), Some(id_of(&crossing)));
    assert_eq!(r["feed"], "Northern Ledger");
    assert_eq!(
        r["title"],
        "Crossing over the Alde closed after cracks found"
    );
    assert_eq!(r["link"], crossing.as_str());
    assert_eq!(r["published"], "2026-12-01T10:00:00+00:00");
    let score = r["score"].as_f64().expect("a score");
    assert!(score > 0.0 && score <= 1.0, "{score}");

    // Printed: a short list after the article.
    let text = ok(&herald(&dir, &["read", &bridge]));
    let (article, coverage) = text.split_once("\nOther coverage\n").expect(&text);
    assert!(article.contains("twelve mile detour"), "{text}");
    assert_eq!(
        coverage,
        format!(
            "  Northern Ledger · 2026-12-01 10:00\n    Crossing over the Alde closed after cracks \
             found\n    {crossing}\n"
        )
    );

    // A story no other feed tells: nothing, in either form.
    let library = server.url("/courier/library");
    let read: serde_json::Value =
        serde_json::from_str(&ok(&herald(&dir, &["read", "--json", &library]))).expect("json");
    assert_eq!(read["related"], serde_json::json!([]));
    let text = ok(&herald(&dir, &["read", &library]));
    assert!(!text.contains("Other coverage"), "{text}");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A left click at a cell (0-based), as an xterm reports it with SGR mouse mode.
fn click(pty: &mut Pty, (row, col): (u16, u16)) {
    pty.press(&format!(
        "\x1b[<0;{};{}M\x1b[<0;{};{}m",
        col + 1,
        row + 1,
        col + 1,
        row + 1
    ));
}

#[test]
fn the_app_shows_other_coverage_below_the_article_and_opens_it() {
    let server = site();
    let dir = subscribed(&server, "related-app");
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 30);
    let screen = pty.wait_for("Kestrel Bridge shut after engineers");
    let headline = find(&screen, "Kestrel Bridge shut after engineers").expect("headline");
    // The first click selects the headline, the second opens it.
    click(&mut pty, headline);
    click(&mut pty, headline);
    pty.wait_for("twelve mile detour");
    pty.press("G");
    let screen = pty.wait_for("1  Northern Ledger · Crossing over the Alde closed");
    let (heading, _) = find(&screen, "Other coverage").expect("the heading");
    let (last, _) = find(&screen, "twelve mile detour").expect("the article's end");
    let item = find(&screen, "1  Northern Ledger").expect("the item");
    assert!(last < heading && heading < item.0, "{}", pty.text());
    // Its number then Enter opens it in place.
    pty.press("1\r");
    pty.wait_for("Inspectors discovered cracks in the central span");
    pty.press("qq");
    assert!(pty.wait_exit().success());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
