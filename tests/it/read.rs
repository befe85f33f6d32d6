//! `read` and `comments` beyond the happy path: the feed's full text when the page is gone, the
//! cached copy offline, local files.

use crate::common;

use common::*;

const PAGE: &str = "<html><head><title>A quiet morning</title></head><body><nav>Home | About</nav>\
<article><h1>A quiet morning</h1><p class=\"byline\">By Ada Lane</p>\
<p>The harbour was calm at dawn, and the first ferries left on time for the islands.</p>\
<p>Fishermen said the <a href=\"https://example.org/tides\">tides</a> had been kind all week, and the market opened early.</p>\
<p>By noon the wind had turned, but the boats were already home and the nets were drying on the quay.</p>\
<audio src=\"/morning.mp3\"></audio></article>\
<ol class=\"comment-list\"><li id=\"comment-1\" class=\"comment\"><article class=\"comment-body\">\
<div class=\"comment-author vcard\"><b class=\"fn\">Sam</b></div>\
<div class=\"comment-content\"><p>Lovely piece.</p></div></article>\
<ol class=\"children\"><li id=\"comment-2\" class=\"comment\"><article class=\"comment-body\">\
<div class=\"comment-author vcard\"><b class=\"fn\">Ada Lane</b></div>\
<div class=\"comment-content\"><p>Thank you, Sam.</p></div></article></li></ol></li></ol>\
<footer>Harbour Times</footer></body></html>";

#[test]
fn reads_a_local_file_and_a_file_url() {
    let dir = temp_dir("read-file");
    write_config(&dir, &[], "");
    let path = dir.join("page.html");
    std::fs::write(&path, PAGE).expect("write page");
    for target in [
        path.display().to_string(),
        format!("file://{}", path.display()),
    ] {
        let out = herald(&dir, &["read", &target]);
        assert!(
            out.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = stdout(&out);
        assert!(text.starts_with("A quiet morning\n"), "{text}");
        assert!(
            text.contains("tides[1]") && text.contains("[1] https://example.org/tides"),
            "numbered link:\n{text}"
        );
        assert!(text.contains("morning.mp3"), "Listen line:\n{text}");
        assert!(
            !text.contains("Home | About")
                && !text.contains("Harbour Times")
                && !text.contains("Lovely piece"),
            "{text}"
        );
        let comments = stdout(&herald(&dir, &["comments", &target]));
        assert!(comments.starts_with("2 comments"), "{comments}");
        assert!(
            comments.contains("\n    Ada Lane"),
            "reply indented:\n{comments}"
        );
    }
}

#[test]
fn offline_the_saved_copy_is_shown() {
    let server = TestServer::start(|_, _| {
        (
            200,
            vec![("Content-Type".into(), "text/html".into())],
            PAGE.as_bytes().to_vec(),
        )
    });
    let url = server.url("/morning");
    let dir = temp_dir("read-offline");
    write_config(&dir, &[], "[network]\nconnect_timeout_secs = 2\n");
    let online = stdout(&herald(&dir, &["read", &url]));
    let online_comments = stdout(&herald(&dir, &["comments", &url]));
    server.stop();
    let again = herald(&dir, &["read", &url]);
    assert!(again.status.success());
    assert_eq!(stdout(&again), online);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("showing the copy saved when it was last read"),
        "{err}"
    );
    let comments = herald(&dir, &["comments", &url]);
    assert_eq!(stdout(&comments), online_comments);
    let never_read = herald(&dir, &["read", &server.url("/other")]);
    assert_eq!(never_read.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&never_read.stderr).starts_with("herald: http://127.0.0.1:"));
}

#[test]
fn the_feed_text_stands_in_for_a_page_that_cannot_be_fetched() {
    let closed = ClosedPort::new();
    let dead = closed.url("/gone");
    let feed = format!(
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>T</title>\
         <item><title>Night trains return</title><link>{dead}</link><guid>n1</guid>\
         <content:encoded><![CDATA[<p>The night trains are back on the coast line from Monday.</p><p>Tickets are on sale now.</p>]]></content:encoded>\
         <enclosure url=\"http://127.0.0.1:1/n.mp3\" type=\"audio/mpeg\" length=\"1\"/></item></channel></rss>"
    );
    let server = TestServer::start(move |_, _| (200, vec![], feed.clone().into_bytes()));
    let dir = temp_dir("read-feed-text");
    write_config(
        &dir,
        &[server.url("/feed.xml")],
        "[network]\nconnect_timeout_secs = 2\n",
    );
    herald(&dir, &["refresh"]);
    let out = herald(&dir, &["read", &dead]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.starts_with("Night trains return"), "{text}");
    assert!(text.contains("Tickets are on sale now."), "{text}");
    assert!(
        text.contains("Listen: http://127.0.0.1:1/n.mp3 (feed enclosure)"),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("showing the full text the feed carried"),
        "{err}"
    );
}

#[test]
fn read_width_40_fits_every_line_in_40_columns() {
    let dir = temp_dir("read-width");
    write_config(&dir, &[], "");
    let page = "<html><head><title>Harbour news</title>\
        <meta property=\"og:site_name\" content=\"The Harbour Times of the Northern Isles\">\
        <meta property=\"article:published_time\" content=\"2026-11-19T11:30:00Z\">\
        </head><body><article>\
        <h1>A headline long enough that it has to be wrapped over several lines</h1>\
        <p class=\"byline\">By Ada Lane and Sam Ortiz</p>\
        <p>The harbour was calm at dawn, and the first ferries left on time for the islands.</p>\
        <p>Pneumonoultramicroscopicsilicovolcanoconiosisandthensomemoreletters is one word.</p>\
        <p>The timetable is at https://example.org/timetables/winter/2026/ferries-and-buses.pdf \
        for anyone who asks.</p>\
        <ul><li>An item in a list that runs on for longer than forty columns, at least.</li></ul>\
        <blockquote><p>A quotation that is indented and also longer than the width.</p></blockquote>\
        <p>Accents — élégant, naïve, façade — count one column each, as they show.</p>\
        </article></body></html>";
    let path = dir.join("page.html");
    std::fs::write(&path, page).expect("write page");
    let out = herald(
        &dir,
        &["read", "--width", "40", &path.display().to_string()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for line in text.lines() {
        let columns = unicode_width::UnicodeWidthStr::width(line);
        assert!(columns <= 40, "{columns} columns: {line:?}\n{text}");
    }
    // Nothing was cut to fit: every word is there.
    let words: Vec<&str> = text.split_whitespace().collect();
    for word in [
        "headline",
        "lines",
        "Ortiz",
        "Isles",
        "islands.",
        "Pneumonoultramicroscopicsilicovolcanoconiosisandthensomemoreletters",
        "least.",
        "width.",
        "façade",
    ] {
        let joined = text.replace('\n', "");
        assert!(
            words.contains(&word) || joined.contains(word),
            "{word} missing:\n{text}"
        );
    }
}
