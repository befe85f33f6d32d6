//! Limits through the real binary: the caches stay within `[cache] max_mb` while articles are
//! narrated and their pictures viewed, the newest kept; a feed taken out of the config loses its
//! items at the next refresh; `[retention]` deletes old read items and keeps the starred and the
//! unread.

use crate::common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pty::{Pty, alsa_none, screen_text};
use common::*;

const ARTICLES: usize = 20;
const MAX_MB: u64 = 5;
const LIMIT: u64 = MAX_MB * 1024 * 1024;

/// A picture of noise, which PNG cannot compress: about 390 KB, so 13 fit in the limit.
fn noise_png(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(360, 360, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// An article of about 90 words (half a minute of speech, 1.4 MB of WAV) with one picture.
fn article_page(n: usize) -> String {
    format!(
        "<html><head><title>Story {n:02}</title></head><body><article><h1>Story {n:02}</h1>\
         <p>Report {n:02} begins here. The harbour board met on Tuesday evening to settle the \
         winter timetable, and the ferry crews asked for an earlier first crossing.</p>\
         <figure><img src=\"/img/{n:02}.png\" alt=\"Picture {n:02}\"></figure>\
         <p>The board agreed after a long debate about the cost of the extra fuel, the wages of \
         the night crew and the noise the engines make before dawn, story {n}.</p>\
         <p>The new timetable starts next month and will be posted at every pier, in the \
         library and on the board's own pages, with the old one kept for reference.</p>\
         </article></body></html>"
    )
}

fn feed_xml(base: &str, items: &[(String, String, String)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, date)| {
            format!(
                "<item><title>{title}</title><link>{base}/article/{guid}</link><guid>{guid}</guid>\
                 <pubDate>{date}</pubDate></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour Gazette</title>\
         <link>{base}/</link><description>d</description>{items}</channel></rss>"
    )
}

fn rfc2822_days_ago(days: i64, minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days) + chrono::Duration::minutes(minutes))
        .to_rfc2822()
}

/// Bytes of every file under the three caches, at any depth.
fn cache_bytes(cache: &Path) -> u64 {
    fn walk(path: &Path) -> u64 {
        match std::fs::read_dir(path) {
            Ok(entries) => entries.flatten().map(|e| walk(&e.path())).sum(),
            Err(_) => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
    }
    ["audio", "speech", "images"]
        .iter()
        .map(|kind| walk(&cache.join(kind)))
        .sum()
}

fn speech_dirs(cache: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cache.join("speech"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Waits for the background trimmer to bring the caches within the limit.
fn wait_within_limit(cache: &Path, after: &str) {
    let start = Instant::now();
    while cache_bytes(cache) > LIMIT {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the caches hold {} bytes, over {LIMIT}, 20 s after {after}",
            cache_bytes(cache)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The rows holding half-block cells drawn in two colours: a picture.
fn picture_rows(screen: &vt100::Screen) -> usize {
    let (rows, cols) = screen.size();
    let (rows, cols) = (u16::from(rows), u16::from(cols));
    (0..rows)
        .filter(|&row| {
            (0..cols).any(|col| {
                screen.cell(row, col).is_some_and(|c| {
                    matches!(c.contents(), "▀" | "▄")
                        && c.fgcolor() != vt100::Color::Default
                        && c.bgcolor() != vt100::Color::Default
                })
            })
        })
        .count()
}

fn have_espeak() -> bool {
    if herald::narration::tts::find_program("espeak-ng").is_some() {
        return true;
    }
    assert!(
        !in_ci(),
        "espeak-ng is required in CI (apt-get install espeak-ng)"
    );
    eprintln!("note: espeak-ng is not installed; skipping");
    false
}

#[test]
fn narrating_and_viewing_pictures_of_20_articles_stays_within_max_mb_keeping_the_newest() {
    if !have_espeak() {
        return;
    }
    let dir = temp_dir("limits-caches");
    let cache = dir.join("data").join("cache");
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let base_in = base.clone();
    let server = TestServer::start(move |path, _| {
        let base = base_in.get().map_or("", String::as_str);
        let ok =
            |kind: &str, body: Vec<u8>| (200, vec![("Content-Type".into(), kind.into())], body);
        if path == "/feed.xml" {
            let items: Vec<_> = (1..=ARTICLES)
                .map(|n| {
                    (
                        format!("{n:02}"),
                        format!("Story {n:02}"),
                        rfc2822_days_ago(0, -60 + n as i64),
                    )
                })
                .collect();
            return ok("application/rss+xml", feed_xml(base, &items).into_bytes());
        }
        let number = |prefix: &str, suffix: &str| {
            path.strip_prefix(prefix)
                .and_then(|p| p.strip_suffix(suffix))
                .and_then(|n| n.parse::<usize>().ok())
        };
        if let Some(n) = number("/article/", "") {
            return ok("text/html", article_page(n).into_bytes());
        }
        if let Some(n) = number("/img/", ".png") {
            return ok("image/png", noise_png(n as u32));
        }
        (404, Vec::new(), b"not found".to_vec())
    });
    base.set(server.url("")).expect("set once");
    write_config(
        &dir,
        &[server.url("/feed.xml")],
        &format!("[cache]\nmax_mb = {MAX_MB}\n\n[display]\nimages = \"halfblocks\"\n"),
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));

    // Narration: each `listen` leaves the caches within the limit; the narrations kept are the
    // newest ones, the last always among them.
    let mut narrated = Vec::new();
    // Played to the end on ALSA's null device (which does not keep time): the parts played
    // are kept in the speech cache, as they are when a person listens.
    let alsa = dir.join("asound-null.conf");
    std::fs::write(&alsa, "pcm.!default { type null }\n").expect("write");
    for n in 1..=ARTICLES {
        let before = speech_dirs(&cache);
        let url = server.url(&format!("/article/{n:02}"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--config")
            .arg(dir.join("config.toml"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["listen", "--tts", &url])
            .env("ALSA_CONFIG_PATH", &alsa)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run herald listen");
        assert!(
            out.status.success(),
            "listen {n}: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let made: Vec<PathBuf> = speech_dirs(&cache)
            .into_iter()
            .filter(|d| !before.contains(d))
            .collect();
        assert_eq!(made.len(), 1, "narration {n} made {made:?}");
        narrated.push(made[0].clone());
        let total = cache_bytes(&cache);
        assert!(total <= LIMIT, "after narration {n}: {total} bytes");
    }
    let kept = speech_dirs(&cache);
    let first_kept = narrated
        .iter()
        .position(|d| kept.contains(d))
        .expect("some narration kept");
    assert_eq!(
        kept.len(),
        narrated.len() - first_kept,
        "the narrations kept are the newest ones: {kept:?}"
    );
    assert!(first_kept > 0, "nothing was trimmed");
    let per_narration = cache_bytes(&cache) / kept.len() as u64;
    eprintln!(
        "narration: {} of {ARTICLES} narrations kept, about {per_narration} bytes each, {} bytes in all",
        kept.len(),
        cache_bytes(&cache)
    );

    // Pictures, viewed in the app: newest headline first.
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 40);
    pty.wait_for("Story 20");
    let mut viewed = Vec::new();
    for n in (1..=ARTICLES).rev() {
        pty.press("\r");
        let text = format!("Report {n:02} begins here");
        pty.wait_until(&format!("article {n} with its picture"), |s| {
            screen_text(s).contains(&text) && picture_rows(s) > 0
        });
        let image =
            herald::tui::images::cache_path(&cache, &server.url(&format!("/img/{n:02}.png")));
        assert!(image.exists(), "picture {n} is not in the cache");
        viewed.push(image.clone());
        wait_within_limit(&cache, &format!("picture {n}"));
        // The picture on screen is never trimmed, however full the caches.
        assert!(image.exists(), "picture {n} was trimmed while on screen");
        pty.press("h");
        pty.wait_for("Story 01");
        pty.press("j");
    }
    pty.press("q");
    assert!(pty.wait_exit().success());
    server.stop();

    let total = cache_bytes(&cache);
    assert!(total <= LIMIT, "{total} bytes");
    // The pictures are newer than every narration: those went first, then the oldest pictures.
    assert!(speech_dirs(&cache).is_empty(), "{:?}", speech_dirs(&cache));
    let first_kept = viewed
        .iter()
        .position(|p| p.exists())
        .expect("some pictures kept");
    assert!(first_kept > 0, "no picture was trimmed");
    assert!(
        viewed[first_kept..].iter().all(|p| p.exists()),
        "the pictures kept are the newest ones"
    );
    eprintln!(
        "pictures: {} of {ARTICLES} kept, {total} bytes in the caches (limit {LIMIT})",
        viewed.len() - first_kept
    );

    // `herald cache` says the same.
    let out = herald(&dir, &["cache", "--json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["caches"].as_u64(), Some(total), "{report}");
    assert_eq!(report["limit"].as_u64(), Some(LIMIT), "{report}");
    assert_eq!(report["speech"].as_u64(), Some(0), "{report}");
    assert!(
        report["database"].as_u64().is_some_and(|b| b > 0),
        "{report}"
    );
    let text = stdout(&herald(&dir, &["cache"]));
    assert!(text.contains("of 5.0 MB ([cache] max_mb)"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server of two feeds, `a` and `b`, with `items` items each and their articles.
fn two_feeds(items: usize) -> TestServer {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let base_in = base.clone();
    let server = TestServer::start(move |path, _| {
        let base = base_in.get().map_or("", String::as_str);
        let feed = |name: &str| {
            let items: Vec<_> = (1..=items)
                .map(|n| {
                    (
                        format!("{name}{n}"),
                        format!("Story {name}{n}"),
                        rfc2822_days_ago(0, n as i64),
                    )
                })
                .collect();
            feed_xml(&format!("{base}/{name}"), &items)
        };
        match path {
            "/a.xml" => (200, Vec::new(), feed("a").into_bytes()),
            "/b.xml" => (200, Vec::new(), feed("b").into_bytes()),
            _ if path.contains("/article/") => (
                200,
                vec![("Content-Type".into(), "text/html".into())],
                article_page(1).into_bytes(),
            ),
            _ => (404, Vec::new(), Vec::new()),
        }
    });
    base.set(server.url("")).expect("set once");
    server
}

fn database(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("data").join("herald.db")).expect("open the database")
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn a_feed_taken_out_of_the_config_loses_its_items_at_the_next_refresh() {
    let dir = temp_dir("limits-removed");
    let server = two_feeds(3);
    let (a, b) = (server.url("/a.xml"), server.url("/b.xml"));
    write_config(&dir, &[a.clone(), b.clone()], "");
    let out = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&out).trim(), "2 feeds, 6 new items, 0 errors");
    // One of b's articles read, so saved; a starred item of b goes all the same.
    let b1 = server.url("/b/article/b1");
    assert!(herald(&dir, &["read", &b1]).status.success());
    {
        let db = database(&dir);
        db.execute("UPDATE items SET starred = 1 WHERE title = 'Story b2'", [])
            .expect("star");
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM articles WHERE url = '{b1}'")
            ),
            1
        );
    }

    write_config(&dir, &[a], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        "1 feeds, 0 new items, 0 errors; 3 items of feeds no longer subscribed deleted"
    );
    let db = database(&dir);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM items"), 3);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM items WHERE title LIKE 'Story b%'"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM feeds WHERE url = '{b}'")
        ),
        0
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), 0);
    // Said once: the next refresh has nothing more to delete.
    let out = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&out).trim(), "1 feeds, 0 new items, 0 errors");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn starred_and_unread_items_survive_keep_days_1_and_old_read_ones_go() {
    let dir = temp_dir("limits-retention");
    // The feed's listing, changed by the test: (guid, title, date).
    let listing: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let listing_in = listing.clone();
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let base_in = base.clone();
    let server = TestServer::start(move |path, _| match path {
        "/feed.xml" => {
            let items = listing_in.lock().expect("lock").clone();
            let base = base_in.get().map_or("", String::as_str);
            (200, Vec::new(), feed_xml(base, &items).into_bytes())
        }
        _ if path.starts_with("/article/") => (
            200,
            vec![("Content-Type".into(), "text/html".into())],
            article_page(2).into_bytes(),
        ),
        _ => (404, Vec::new(), Vec::new()),
    });
    base.set(server.url("")).expect("set once");
    let item = |guid: &str, days: i64| {
        (
            guid.to_string(),
            guid.to_string(),
            rfc2822_days_ago(days, 0),
        )
    };
    // Published ten days ago, all but the last.
    *listing.lock().expect("lock") = vec![
        item("read-old", 10),
        item("starred-old", 10),
        item("unread-old", 10),
        item("read-old-listed", 10),
        item("read-new", 0),
    ];
    write_config(
        &dir,
        &[server.url("/feed.xml")],
        "[retention]\nkeep_days = 1\n",
    );
    let out = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&out).trim(), "1 feeds, 5 new items, 0 errors");
    let read_old = server.url("/article/read-old");
    assert!(herald(&dir, &["read", &read_old]).status.success());
    assert!(herald(&dir, &["comments", &read_old]).status.success());
    {
        let db = database(&dir);
        db.execute_batch(
            "UPDATE items SET read = 1 WHERE title IN ('read-old', 'starred-old', 'read-old-listed', 'read-new');
             UPDATE items SET starred = 1 WHERE title = 'starred-old';
             -- As if that refresh was yesterday: the next one is a later listing.
             UPDATE items SET seen_at = seen_at - 86400;",
        )
        .expect("marks");
        assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM comments"), 1);
    }
    // The feed moves on: the first three old items leave it, one stays.
    *listing.lock().expect("lock") = vec![
        item("read-old-listed", 10),
        item("read-new", 0),
        item("unread-new", 0),
    ];
    let out = herald(&dir, &["refresh"]);
    assert_eq!(
        stdout(&out).trim(),
        "1 feeds, 1 new items, 0 errors; 1 old read items deleted"
    );
    let db = database(&dir);
    let mut titles: Vec<String> = db
        .prepare("SELECT title FROM items ORDER BY title")
        .expect("select")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("titles");
    titles.sort();
    assert_eq!(
        titles,
        [
            "read-new",
            "read-old-listed",
            "starred-old",
            "unread-new",
            "unread-old"
        ]
    );
    // Its saved article and comments went with it.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM comments"), 0);

    // `cache --trim` applies the same limits now; keep_days = 0 keeps everything.
    write_config(
        &dir,
        &[server.url("/feed.xml")],
        "[retention]\nkeep_days = 0\n",
    );
    db.execute("UPDATE items SET read = 1", [])
        .expect("all read");
    let out = herald(&dir, &["cache", "--trim", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        report["trimmed"]["expired_items"].as_u64(),
        Some(0),
        "{report}"
    );
    write_config(
        &dir,
        &[server.url("/feed.xml")],
        "[retention]\nkeep_days = 1\n",
    );
    let out = herald(&dir, &["cache", "--trim", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Now read, the unread old item goes; the starred one and those still listed stay.
    assert_eq!(
        report["trimmed"]["expired_items"].as_u64(),
        Some(1),
        "{report}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM items"), 4);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM items WHERE title = 'starred-old'"
        ),
        1
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
