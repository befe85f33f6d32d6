//! `refresh` and `headlines` through the real binary, against loopback servers.

mod common;

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
    assert!(text.ends_with("2 feeds, 2 new items, 1 errors\n"), "{text}");
    assert!(out.status.success());
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
    assert_eq!(
        stdout(&herald(&dir, &["headlines", "--feed", "Other", "--count"])).trim(),
        "0"
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
