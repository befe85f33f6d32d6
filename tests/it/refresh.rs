//! `refresh` and `headlines` through the real binary, against loopback servers.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;

fn rss(items: usize) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title>",
    );
    for i in 0..items {
        s.push_str(&format!(
            "<item><title>Item {i}</title><link>http://example.org/{i}</link><guid>g{i}</guid>\
             <pubDate>Thu, 0{} Oct 2026 10:00:00 +0000</pubDate></item>",
            1 + i % 9
        ));
    }
    s.push_str("</channel></rss>");
    s.into_bytes()
}

#[test]
fn newsfixture_refresh_stores_every_headline_and_rerefresh_changes_nothing() {
    let site = NewsFixture::start(&["--feeds", "100", "--items", "50"]);
    let dir = temp_dir("fixture100");
    let feeds: Vec<String> = (0..100)
        .map(|i| site.url(&format!("/feed/{i}.xml")))
        .collect();
    write_config(&dir, &feeds, "");
    let first = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&first).trim(), "100 feeds, 5000 new items, 0 errors");
    assert!(first.status.success());
    let count = herald(&dir, &["headlines", "--count"]);
    assert_eq!(stdout(&count).trim(), "5000");
    let second = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&second).trim(), "100 feeds, 0 new items, 0 errors");
    assert_eq!(
        stdout(&herald(&dir, &["headlines", "--count"])).trim(),
        "5000"
    );
    let limited = herald(
        &dir,
        &["headlines", "--feed", "Fixture Desk 7", "--limit", "3"],
    );
    let lines: Vec<String> = stdout(&limited).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines.iter().all(|l| l.contains("Fixture Desk 7")),
        "{lines:?}"
    );
}

#[test]
fn conditional_get_sends_validators_and_honours_304() {
    let server = TestServer::start(|path, headers| {
        let etag = "\"v1\"";
        let lm = "Thu, 01 Oct 2026 00:00:00 GMT";
        let header = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        };
        match path {
            "/etag.xml" if header("If-None-Match") == Some(etag) => (304, vec![], vec![]),
            "/etag.xml" => (200, vec![("ETag".into(), etag.into())], rss(3)),
            "/lm.xml" if header("If-Modified-Since") == Some(lm) => (304, vec![], vec![]),
            "/lm.xml" => (200, vec![("Last-Modified".into(), lm.into())], rss(4)),
            _ => (404, vec![], b"no".to_vec()),
        }
    });
    let dir = temp_dir("conditional");
    write_config(&dir, &[server.url("/etag.xml"), server.url("/lm.xml")], "");
    assert_eq!(
        stdout(&herald(&dir, &["refresh"])).trim(),
        "2 feeds, 7 new items, 0 errors"
    );
    let again = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&again).trim(), "2 feeds, 0 new items, 0 errors");
    assert!(again.status.success());
    let seen = server.requests();
    assert_eq!(seen.len(), 4, "{seen:?}");
    let second_etag = seen
        .iter()
        .filter(|r| r.path == "/etag.xml")
        .nth(1)
        .expect("second fetch");
    assert_eq!(second_etag.header("If-None-Match"), Some("\"v1\""));
    assert_eq!(second_etag.status, 304);
    let second_lm = seen
        .iter()
        .filter(|r| r.path == "/lm.xml")
        .nth(1)
        .expect("second fetch");
    assert_eq!(
        second_lm.header("If-Modified-Since"),
        Some("Thu, 01 Oct 2026 00:00:00 GMT")
    );
    assert_eq!(second_lm.status, 304);
    // Everything fetched the first time is still there.
    assert_eq!(stdout(&herald(&dir, &["headlines", "--count"])).trim(), "7");
    let ua = seen[0].header("User-Agent").unwrap_or_default().to_string();
    assert!(ua.starts_with("herald/"), "{ua}");
}

#[test]
fn size_cap_counts_the_decompressed_body() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&spaces).expect("compress");
    }
    let bomb = gz.finish().expect("compress");
    assert!(bomb.len() < 1 << 20);
    let server = TestServer::start(move |path, _| match path {
        "/bomb.xml" => (
            200,
            vec![("Content-Encoding".into(), "gzip".into())],
            bomb.clone(),
        ),
        _ => (200, vec![], rss(2)),
    });
    let dir = temp_dir("sizecap");
    write_config(&dir, &[server.url("/bomb.xml"), server.url("/ok.xml")], "");
    let out = herald(&dir, &["refresh"]);
    let text = stdout(&out);
    assert!(
        text.contains("bomb.xml: response larger than the 16 MB limit"),
        "{text}"
    );
    assert!(
        text.ends_with("2 feeds, 2 new items, 1 errors (0 unreachable)\n"),
        "{text}"
    );
    assert!(out.status.success());
}

#[test]
fn offline_a_subreddit_a_lobsters_page_and_hn_top_count_as_unreachable() {
    let dir = temp_dir("offline-sites");
    let _offline = subscribe_to_offline_sites(&dir);
    let out = herald(&dir, &["refresh"]);
    let text = stdout(&out);
    assert_eq!(
        text.lines().last(),
        Some("3 feeds, 0 new items, 3 errors (3 unreachable)"),
        "{text}"
    );
    for (feed, site) in [
        ("https://www.reddit.com/r/rust", "Reddit"),
        ("https://lobste.rs/", "Lobsters"),
        ("hn:top", "Hacker News"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{feed}: {site}: "))
                    && l.contains("could not connect")),
            "{feed} says why:\n{text}"
        );
    }
    assert_eq!(out.status.code(), Some(1), "nothing refreshed: {text}");
}

/// A feed on a closed port, one answering 500 and a page that names no feed: only the first
/// is unreachable, and each failure has its kind.
#[test]
fn a_closed_port_is_unreachable_a_500_and_a_page_without_a_feed_are_not() {
    let server = TestServer::start(|path, _| match path {
        "/broken.xml" => (500, vec![], b"oops".to_vec()),
        "/page.html" => (
            200,
            vec![("Content-Type".into(), "text/html".into())],
            b"<html><head><title>A shop</title></head><body><p>No news here.</p></body></html>"
                .to_vec(),
        ),
        _ => (404, vec![], Vec::new()),
    });
    let closed_port = ClosedPort::new();
    let closed = closed_port.url("/feed.xml");
    let broken = server.url("/broken.xml");
    let page = server.url("/page.html");
    let feeds = [closed.clone(), broken.clone(), page.clone()];
    let dir = temp_dir("failure-kinds");
    write_config(&dir, &feeds, "");

    let out = herald(&dir, &["refresh"]);
    let text = stdout(&out);
    assert_eq!(
        text.lines().last(),
        Some("3 feeds, 0 new items, 3 errors (1 unreachable)"),
        "{text}"
    );
    assert!(text.contains(&format!("{broken}: HTTP 500\n")), "{text}");
    assert!(
        text.contains(&format!(
            "{page}: not a feed, and the page links to no feed"
        )),
        "{text}"
    );

    use herald::failure::FailureKind;
    let config = herald::config::Config::parse(
        &std::fs::read_to_string(dir.join("config.toml")).expect("config"),
        "config.toml",
    )
    .expect("a valid config");
    let net = herald::net::Net::new(&config.network).expect("the HTTP client starts");
    let (mut store, _) =
        herald::store::Store::open(&dir.join("library-data")).expect("the store opens");
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(herald::refresh::refresh(
            &net,
            &mut store,
            &config,
            &|_, _| {},
        ))
        .expect("refresh");
    let kinds: Vec<(&str, FailureKind)> = report
        .errors
        .iter()
        .map(|f| (f.url.as_str(), f.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (closed.as_str(), FailureKind::Unreachable),
            (broken.as_str(), FailureKind::HttpStatus(500)),
            (page.as_str(), FailureKind::NotAFeed),
        ]
    );
    assert_eq!(report.unreachable(), 1);
}

#[test]
fn a_home_page_subscription_finds_its_feed() {
    let server = TestServer::start(|path, _| {
        match path {
        "/" => (
            200,
            vec![("Content-Type".into(), "text/html".into())],
            b"<html><head><link rel=\"alternate\" type=\"application/rss+xml\" title=\"Comments Feed\" href=\"/comments.xml\">\
              <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Feed\" href=\"/feed.xml\"></head><body>Home</body></html>"
                .to_vec(),
        ),
        "/feed.xml" => (200, vec![("ETag".into(), "\"x\"".into())], rss(5)),
        _ => (404, vec![], vec![]),
    }
    });
    let dir = temp_dir("autodiscovery");
    write_config(&dir, &[server.url("/")], "");
    assert_eq!(
        stdout(&herald(&dir, &["refresh"])).trim(),
        "1 feeds, 5 new items, 0 errors"
    );
    assert_eq!(stdout(&herald(&dir, &["headlines"])).lines().count(), 5);
    // The discovered feed is remembered and fetched directly, conditionally.
    assert_eq!(
        stdout(&herald(&dir, &["refresh"])).trim(),
        "1 feeds, 0 new items, 0 errors"
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/", "/feed.xml", "/feed.xml"]);
}

#[test]
fn headlines_json_and_filters() {
    let server = TestServer::start(|_, _| (200, vec![], rss(3)));
    let dir = temp_dir("json");
    write_config(
        &dir,
        &[],
        &format!(
            "[[feeds]]\nurl = \"{}\"\nname = \"Mine\"\n",
            server.url("/f.xml")
        ),
    );
    herald(&dir, &["refresh"]);
    let out = herald(&dir, &["headlines", "--json", "--feed", "Mine", "--unread"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["feed"], "Mine");
    assert_eq!(list[0]["title"], "Item 2");
    assert_eq!(list[0]["read"], false);
    // A feed that is not there is an error naming those that are, not an empty list.
    let other = herald(&dir, &["headlines", "--feed", "Other", "--count"]);
    assert!(!other.status.success());
    assert_eq!(stdout(&other), "");
    assert_eq!(
        String::from_utf8_lossy(&other.stderr),
        "herald: no feed is called \"Other\"; the feeds are: Mine\n"
    );
}

#[test]
fn a_broken_config_names_the_line_and_exits_2() {
    let dir = temp_dir("badconfig");
    std::fs::write(
        dir.join("config.toml"),
        "[[feeds]]\nurl = \"http://a.example/\"\nlimit = 3\n",
    )
    .expect("write");
    let out = herald(&dir, &["headlines"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:3:1"), "{err}");
    assert!(err.contains("unknown field `limit`"), "{err}");
}

#[test]
fn a_broken_database_is_moved_aside_and_rebuilt() {
    let server = TestServer::start(|_, _| (200, vec![], rss(2)));
    let dir = temp_dir("baddb");
    write_config(&dir, &[server.url("/f.xml")], "");
    std::fs::create_dir_all(dir.join("data")).expect("mkdir");
    std::fs::write(
        dir.join("data/herald.db"),
        b"this is not a database, it is garbage text........",
    )
    .expect("write");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), "1 feeds, 2 new items, 0 errors");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is damaged") && err.contains("moved to"),
        "{err}"
    );
    let aside = std::fs::read_dir(dir.join("data"))
        .expect("list")
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("herald.db.broken-")
        });
    assert!(aside);
}

#[test]
fn import_and_export_subscriptions() {
    let dir = temp_dir("import");
    std::fs::write(
        dir.join("config.toml"),
        "# my herald\n[network]\ntimeout_secs = 20 # slow line\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("urls"),
        "http://a.example/feed \"~Alpha\" news\nhttp://b.example/rss\n",
    )
    .expect("write");
    let out = herald(
        &dir,
        &["import", dir.join("urls").to_str().expect("utf-8 path")],
    );
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with("2 feeds added"),
        "{}",
        stdout(&out)
    );
    let config = std::fs::read_to_string(dir.join("config.toml")).expect("read");
    assert!(
        config.contains("# my herald") && config.contains("# slow line"),
        "{config}"
    );
    let opml = stdout(&herald(&dir, &["export"]));
    assert!(
        opml.contains("text=\"Alpha\"") && opml.contains("xmlUrl=\"http://b.example/rss\""),
        "{opml}"
    );
    std::fs::write(dir.join("subs.opml"), &opml).expect("write");
    let again = herald(
        &dir,
        &[
            "import",
            dir.join("subs.opml").to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        stdout(&again).starts_with("0 feeds added"),
        "{}",
        stdout(&again)
    );
}

/// Requests a server is answering at once, and the most it answered at once.
#[derive(Default)]
struct Peak {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Peak {
    /// Counts one request in on each of `peaks` for `hold`, long enough for the others the
    /// limits let through to arrive meanwhile.
    fn hold(peaks: &[&Peak], hold: Duration) {
        for peak in peaks {
            let now = peak.now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.most.fetch_max(now, Ordering::SeqCst);
        }
        std::thread::sleep(hold);
        for peak in peaks {
            peak.now.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

/// A host serving `/feed/N.xml`, counting its own requests and those of every host together,
/// each held for `hold`.
fn counted_host(own: Arc<Peak>, all: Arc<Peak>, hold: Duration) -> TestServer {
    TestServer::start(move |path, _| {
        Peak::hold(&[&own, &all], hold);
        match path.strip_prefix("/feed/") {
            Some(_) => (200, vec![], rss(1)),
            None => (404, vec![], Vec::new()),
        }
    })
}

#[test]
fn refresh_fetches_four_feeds_per_host_at_once_and_no_more_than_the_global_limit() {
    let all = Arc::new(Peak::default());
    let hosts: Vec<(Arc<Peak>, TestServer)> = (0..3)
        .map(|_| {
            let own = Arc::new(Peak::default());
            let server = counted_host(own.clone(), all.clone(), Duration::from_millis(300));
            (own, server)
        })
        .collect();
    let feeds: Vec<String> = hosts
        .iter()
        .flat_map(|(_, server)| (0..10).map(|i| server.url(&format!("/feed/{i}.xml"))))
        .collect();

    // The defaults: 4 per host, the global limit (128) far away.
    let dir = temp_dir("limits-per-host");
    write_config(&dir, &feeds, "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("30 feeds, 30 new items, 0 errors"),
        "{}",
        stdout(&out)
    );
    let per_host: Vec<usize> = hosts.iter().map(|(peak, _)| peak.most()).collect();
    assert_eq!(per_host, [4, 4, 4], "peak requests per host");
    assert_eq!(all.most(), 12, "all hosts together");

    // A global limit below the hosts' sum holds them all to it.
    let (global, dir) = (Arc::new(Peak::default()), temp_dir("limits-global"));
    let hosts: Vec<TestServer> = (0..3)
        .map(|_| counted_host(Arc::default(), global.clone(), Duration::from_millis(300)))
        .collect();
    let feeds: Vec<String> = hosts
        .iter()
        .flat_map(|server| (0..4).map(|i| server.url(&format!("/feed/{i}.xml"))))
        .collect();
    write_config(&dir, &feeds, "[refresh]\nconcurrency = 6\n");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(global.most(), 6, "peak requests with concurrency = 6");
}

#[test]
fn refresh_fetches_at_most_128_feeds_at_once_by_default() {
    // 33 hosts of 4 feeds: 132 feeds the per-host limit would let through together.
    let global = Arc::new(Peak::default());
    let hosts: Vec<TestServer> = (0..33)
        .map(|_| counted_host(Arc::default(), global.clone(), Duration::from_secs(1)))
        .collect();
    let feeds: Vec<String> = hosts
        .iter()
        .flat_map(|server| (0..4).map(|i| server.url(&format!("/feed/{i}.xml"))))
        .collect();
    let dir = temp_dir("limits-default-global");
    write_config(&dir, &feeds, "");
    let out = herald(&dir, &["refresh"]);
    assert!(
        stdout(&out).starts_with("132 feeds, 132 new items, 0 errors"),
        "{}",
        stdout(&out)
    );
    assert_eq!(global.most(), 128, "peak requests over all hosts");
}

#[test]
fn a_hacker_news_listing_fetches_eight_items_at_once() {
    let peak = Arc::new(Peak::default());
    let counted = peak.clone();
    let server = TestServer::start(move |path, _| {
        let json = |v: serde_json::Value| {
            (
                200,
                vec![("Content-Type".into(), "application/json".into())],
                v.to_string().into_bytes(),
            )
        };
        if path == "/v0/topstories.json" {
            return json(serde_json::json!((1..=40).collect::<Vec<u64>>()));
        }
        let Some(id) = path
            .strip_prefix("/v0/item/")
            .and_then(|p| p.strip_suffix(".json"))
            .and_then(|id| id.parse::<u64>().ok())
        else {
            return (404, vec![], Vec::new());
        };
        Peak::hold(&[&counted], Duration::from_millis(300));
        json(serde_json::json!({
            "id": id, "type": "story", "by": "ada", "time": 1_790_000_000 + id,
            "title": format!("Story {id}"), "url": format!("http://example.org/{id}"),
            "score": 1, "descendants": 0
        }))
    });
    let dir = temp_dir("limits-hn");
    write_config(
        &dir,
        &["hn:top".to_string()],
        &format!(
            "[sources.hackernews]\nfirebase = \"{}\"\nalgolia = \"\"\n",
            server.url("/v0")
        ),
    );
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "{}", stdout(&out));
    // The first page: 30 of the 40 stories.
    assert!(
        stdout(&out).starts_with("1 feeds, 30 new items, 0 errors"),
        "{}",
        stdout(&out)
    );
    assert_eq!(peak.most(), 8, "peak item requests");
}

#[test]
fn refresh_fails_when_every_feed_fails_and_succeeds_when_one_answers() {
    let server = TestServer::start(|path, _| match path {
        "/good.xml" => (200, vec![], rss(2)),
        _ => (500, vec![], b"broken".to_vec()),
    });
    let closed = TestServer::start(|_, _| (200, vec![], Vec::new()));
    closed.stop();
    let (broken, offline) = (server.url("/broken.xml"), closed.url("/feed.xml"));

    let dir = temp_dir("refresh-all-fail");
    write_config(&dir, &[broken.clone(), offline.clone()], "");
    let out = herald(&dir, &["refresh"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let summary = text.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("2 feeds, 0 new items, 2 errors"),
        "{text}"
    );
    // One line for each failure, naming the feed.
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains(&broken) && l.contains("500")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.contains(&offline)), "{text}");

    let dir = temp_dir("refresh-one-answers");
    write_config(&dir, &[broken, server.url("/good.xml")], "");
    let out = herald(&dir, &["refresh"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("2 feeds, 2 new items, 1 errors"),
        "{}",
        stdout(&out)
    );
}

/// The schema as version 1 created it, word for word.
const SCHEMA_V1: &str = r#"
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    feed_url TEXT,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    last_error TEXT,
    refreshed_at INTEGER
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    link TEXT,
    title TEXT NOT NULL,
    author TEXT,
    published TEXT,
    sort_time INTEGER NOT NULL,
    summary TEXT,
    content TEXT,
    comments_url TEXT,
    comments_feed TEXT,
    audio_url TEXT,
    audio_type TEXT,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
);
CREATE INDEX items_by_time ON items (sort_time DESC);
CREATE INDEX items_by_link ON items (link);
CREATE TABLE articles (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
CREATE TABLE comments (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
PRAGMA user_version = 1;
"#;

/// What version 2 added.
const SCHEMA_V2: &str = r#"
CREATE TABLE recordings (url TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);
PRAGMA user_version = 2;
"#;

fn user_version(db: &rusqlite::Connection) -> i64 {
    db.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

#[test]
fn a_database_of_schema_version_1_is_migrated_keeping_its_marks() {
    migrated_keeps_marks(&[SCHEMA_V1], "migrate-v1");
}

#[test]
fn a_database_of_schema_version_2_is_migrated_keeping_its_marks() {
    migrated_keeps_marks(&[SCHEMA_V1, SCHEMA_V2], "migrate-v2");
}

/// A database made by `schema`, with one item read and starred and a saved article, opened by
/// herald and refreshed.
fn migrated_keeps_marks(schema: &[&str], name: &str) {
    let server = TestServer::start(|_, _| (200, vec![], rss(3)));
    let feed = server.url("/f.xml");
    let dir = temp_dir(name);
    write_config(&dir, std::slice::from_ref(&feed), "");
    std::fs::create_dir_all(dir.join("data")).expect("mkdir");
    {
        let db = rusqlite::Connection::open(dir.join("data/herald.db")).expect("create");
        for sql in schema {
            db.execute_batch(sql).expect("old schema");
        }
        db.execute(
            "INSERT INTO feeds (id, url, title) VALUES (1, ?1, 'Test feed')",
            [&feed],
        )
        .expect("feed");
        db.execute_batch(
            "INSERT INTO items (feed_id, key, link, title, published, sort_time, read, starred)
               VALUES (1, 'g0', 'http://example.org/0', 'Item 0', '2026-10-01T10:00:00Z',
                       1790848800, 1, 1),
                      (1, 'g1', 'http://example.org/1', 'Item 1', '2026-10-02T10:00:00Z',
                       1790935200, 0, 0);
             INSERT INTO articles (url, json, fetched_at)
               VALUES ('http://example.org/0', '{\"saved\":true}', 1790848900);",
        )
        .expect("items");
    }

    let out = herald(&dir, &["refresh"]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    // Only the item the old database did not hold is new.
    assert!(
        stdout(&out).starts_with("1 feeds, 1 new items, 0 errors"),
        "{}",
        stdout(&out)
    );

    let fresh = temp_dir(&format!("{name}-fresh"));
    write_config(&fresh, std::slice::from_ref(&feed), "");
    assert!(herald(&fresh, &["refresh"]).status.success());
    let current = user_version(
        &rusqlite::Connection::open(fresh.join("data/herald.db")).expect("fresh database"),
    );

    let db = rusqlite::Connection::open(dir.join("data/herald.db")).expect("open");
    assert!(current > 2, "schema version {current}");
    assert_eq!(user_version(&db), current);
    // What the later versions add is there.
    for sql in [
        "SELECT COUNT(*) FROM recordings",
        "SELECT COUNT(*) FROM salvaged_marks",
        "SELECT COUNT(*) FROM items WHERE seen_at > 0",
    ] {
        db.query_row(sql, [], |r| r.get::<_, i64>(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let marks: Vec<(String, i64, i64)> = db
        .prepare("SELECT key, read, starred FROM items ORDER BY key")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .expect("items");
    assert_eq!(
        marks,
        [
            ("g0".to_string(), 1, 1),
            ("g1".to_string(), 0, 0),
            ("g2".to_string(), 0, 0)
        ]
    );
    let saved: String = db
        .query_row(
            "SELECT json FROM articles WHERE url = 'http://example.org/0'",
            [],
            |r| r.get(0),
        )
        .expect("the saved article is still there");
    assert_eq!(saved, "{\"saved\":true}");
    // The marks show where a reader sees them.
    let starred = stdout(&herald(&dir, &["headlines", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&starred).expect("headlines JSON");
    let item0 = list
        .as_array()
        .and_then(|items| items.iter().find(|h| h["title"] == "Item 0"))
        .unwrap_or_else(|| panic!("Item 0 listed: {starred}"));
    assert_eq!(item0["read"], true, "{item0}");
    assert_eq!(item0["starred"], true, "{item0}");
}

/// An RSS feed of `titles`, the first dated latest; `None` dates leave `pubDate` out.
fn titled_rss(titles: &[(&str, Option<u8>)]) -> Vec<u8> {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>");
    for (i, (title, day)) in titles.iter().enumerate() {
        let date = day
            .map(|d| format!("<pubDate>Thu, {d:02} Oct 2026 10:00:00 +0000</pubDate>"))
            .unwrap_or_default();
        s.push_str(&format!(
            "<item><title>{title}</title><link>http://example.org/{i}</link><guid>{title}</guid>{date}</item>"
        ));
    }
    s.push_str("</channel></rss>");
    s.into_bytes()
}

#[test]
fn headlines_line_titles_up_by_display_column() {
    let server = TestServer::start(|path, _| match path {
        "/ja.xml" => (
            200,
            vec![],
            titled_rss(&[
                ("東京の新しい駅が開業", Some(3)),
                ("Tokyo ferry resumes", Some(1)),
            ]),
        ),
        _ => (
            200,
            vec![],
            titled_rss(&[("Quay lanes approved", Some(2)), ("Undated notice", None)]),
        ),
    });
    let dir = temp_dir("widths");
    let name_feeds = |japanese: &str, latin: &str| {
        write_config(
            &dir,
            &[],
            &format!(
                "[[feeds]]\nurl = \"{}\"\nname = \"{japanese}\"\n\n[[feeds]]\nurl = \"{}\"\nname = \"{latin}\"\n",
                server.url("/ja.xml"),
                server.url("/big.xml")
            ),
        )
    };
    name_feeds("日本語ニュース", "Big Desk");
    assert!(herald(&dir, &["refresh"]).status.success());
    let list = || {
        let out = herald(&dir, &["headlines"]);
        assert!(out.status.success());
        stdout(&out)
    };
    let column = |text: &str, title: &str| {
        let line = text
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title} not listed:\n{text}"));
        herald::width::of(&line[..line.find(title).unwrap_or_default()])
    };
    let text = list();
    let titles = [
        "東京の新しい駅が開業",
        "Tokyo ferry resumes",
        "Quay lanes approved",
        "Undated notice",
    ];
    let columns: Vec<usize> = titles.iter().map(|t| column(&text, t)).collect();
    // Mark, date, the widest name (`日本語ニュース`, 14 columns), two spaces between each.
    assert_eq!(columns, [2 + 16 + 2 + 14 + 2; 4], "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.contains("Big Desk        Quay lanes approved"),
        "the Latin name is padded to the Japanese one's 14 columns:\n{text}"
    );

    // A name too long for the column is cut, in columns: 11 wide characters and `…`.
    name_feeds("日本語ニュース日本語ニュース東京", "Big Desk");
    let text = list();
    let columns: Vec<usize> = titles.iter().map(|t| column(&text, t)).collect();
    assert_eq!(columns, [2 + 16 + 2 + 24 + 2; 4], "{text}");
    assert!(text.contains("  日本語ニュース日本語ニ…   東京"), "{text}");
}

#[test]
fn output_nobody_reads_ends_quietly() {
    let dir = temp_dir("broken-pipe");
    let feed = dir.join("feed.xml");
    std::fs::write(&feed, rss(20)).expect("write the feed");
    write_config(&dir, &[feed.display().to_string()], "");
    assert!(herald(&dir, &["refresh"]).status.success());
    // `herald headlines | head -0`: the pipe's reading end is closed before anything is written.
    let mut ends = [0; 2];
    // SAFETY: pipe writes two new descriptors into `ends`, each owned from here on.
    assert_eq!(unsafe { libc::pipe(ends.as_mut_ptr()) }, 0);
    let (read_end, write_end) = unsafe {
        use std::os::fd::{FromRawFd, OwnedFd};
        (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1]))
    };
    drop(read_end);
    for args in [&["headlines"][..], &["headlines", "--json"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--config")
            .arg(dir.join("config.toml"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(args)
            .stdout(std::process::Stdio::from(
                write_end.try_clone().expect("dup"),
            ))
            .output()
            .expect("run herald");
        assert!(out.status.success(), "{args:?}: {}", out.status);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
    // A line for stderr whose reader is gone is dropped, not a panic: the same status as when
    // it is read.
    let said = herald(&dir, &["search", "zebra"]);
    assert!(stdout(&said).is_empty() && !said.stderr.is_empty());
    let unread = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["search", "zebra"])
        .stderr(std::process::Stdio::from(
            write_end.try_clone().expect("dup"),
        ))
        .output()
        .expect("run herald");
    assert_eq!(unread.status.code(), said.status.code());
    let _ = std::fs::remove_dir_all(&dir);
}
