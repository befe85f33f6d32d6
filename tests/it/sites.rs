//! Reddit and Lobsters through the library against loopback servers: listings as headlines, a
//! real Reddit thread with every comment at its depth, its stubs loaded on request, and a
//! Lobsters story threaded.

use crate::common;

use std::path::PathBuf;

use common::{Reply, TestServer, herald, stdout, temp_dir, write_config};
use herald::failure::FailureKind;
use herald::model::{Comment, CommentKind, CommentSource};
use herald::net::{Net, NetConfig};
use herald::sites::{LobstersListing, lobsters, reddit};

fn net() -> Net {
    Net::new(&NetConfig {
        connect_timeout_secs: 5.0,
        timeout_secs: 20.0,
        ..NetConfig::default()
    })
    .expect("the HTTP client starts")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

fn json(body: impl Into<Vec<u8>>) -> Reply {
    (
        200,
        vec![("Content-Type".into(), "application/json".into())],
        body.into(),
    )
}

fn not_found() -> Reply {
    (404, Vec::new(), b"not here".to_vec())
}

/// The Reddit comments page of ../shared/corpus, or `None` to skip (a failure under CI).
fn reddit_corpus() -> Option<PathBuf> {
    let file = common::shared()
        .join("corpus/comments/reddit/TestCommentForest.test_replace__on_direct_comment__1.json");
    if file.exists() {
        return Some(file);
    }
    let msg = format!("{} is missing", file.display());
    assert!(!common::in_ci(), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// Every t1 of the raw JSON as (id, depth), in document order, walked without the library.
fn raw_comments(listing: &serde_json::Value, depth: usize, out: &mut Vec<(String, usize)>) {
    for thing in listing["data"]["children"].as_array().expect("children") {
        if thing["kind"] == "t1" {
            let id = thing["data"]["id"].as_str().expect("id").to_string();
            out.push((id, depth));
            if thing["data"]["replies"].is_object() {
                raw_comments(&thing["data"]["replies"], depth + 1, out);
            }
        }
    }
}

/// Each comment's parent is the nearest earlier comment one level up.
fn assert_display_order(comments: &[Comment]) {
    let mut open: Vec<&str> = Vec::new();
    for c in comments {
        assert!(c.depth <= open.len(), "{} jumps to depth {}", c.id, c.depth);
        open.truncate(c.depth);
        assert_eq!(c.parent.as_deref(), open.last().copied(), "{}", c.id);
        open.push(&c.id);
    }
}

/// The part of the thread below d8rzxi2, as Reddit answers `<permalink>d8rzxi2.json`: the
/// parent comment first, its replies nested.
const CONTINUED: &str = r#"[{"kind": "Listing", "data": {"children": []}},
 {"kind": "Listing", "data": {"children": [
  {"kind": "t1", "data": {"id": "d8rzxi2", "author": "upthread", "body": "Where it left off.",
   "created_utc": 1476450000, "replies": {"kind": "Listing", "data": {"children": [
    {"kind": "t1", "data": {"id": "d8s0001", "parent_id": "t1_d8rzxi2", "author": "next",
     "body_html": "<div class=\"md\"><p>Deeper still.</p></div>", "created_utc": 1476450100,
     "replies": {"kind": "Listing", "data": {"children": [
      {"kind": "t1", "data": {"id": "d8s0002", "parent_id": "t1_d8s0001", "author": "last",
       "body": "The bottom.", "created_utc": 1476450200, "replies": ""}}
     ]}}}}
   ]}}}}
 ]}}]"#;

#[test]
fn reddit_corpus_thread_in_full_and_its_continuation_on_request() {
    let Some(file) = reddit_corpus() else {
        return;
    };
    let corpus = std::fs::read(&file).expect("read the corpus");
    let served = corpus.clone();
    let server = TestServer::start(move |path, _| match path.split('?').next() {
        Some("/r/x/comments/abc/title.json") => json(served.clone()),
        Some("/r/x/comments/abc/title/d8rzxi2.json") => json(CONTINUED),
        _ => not_found(),
    });
    let base = server.url("");
    let net = net();
    runtime().block_on(async {
        let thread = reddit::thread(&net, &base, "/r/x/comments/abc/title/")
            .await
            .expect("the thread loads");
        assert_eq!(thread.source, Some(CommentSource::Reddit));

        let raw: serde_json::Value = serde_json::from_slice(&corpus).expect("JSON");
        let mut expected = Vec::new();
        raw_comments(&raw[1], 0, &mut expected);
        assert_eq!(expected.len(), 145, "SOURCE.txt counts 145 comments");
        let shown: Vec<(String, usize)> = thread
            .comments
            .iter()
            .filter(|c| !matches!(c.kind, CommentKind::More { .. }))
            .map(|c| (c.id.clone(), c.depth))
            .collect();
        assert_eq!(shown, expected);
        assert_display_order(&thread.comments);

        // Its one stub is "continue this thread": no ids, loaded as the part of the thread
        // below its parent.
        let stub = thread
            .comments
            .iter()
            .find(|c| matches!(c.kind, CommentKind::More { .. }))
            .expect("a stub");
        assert_eq!(
            stub.kind,
            CommentKind::More {
                count: 0,
                children: Vec::new()
            }
        );
        let parent = stub.parent.clone().expect("the stub answers a comment");
        let continued = reddit::thread(&net, &base, &format!("/r/x/comments/abc/title/{parent}/"))
            .await
            .expect("the continuation loads");
        let got: Vec<_> = continued
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.depth, c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("d8rzxi2", 0, "Where it left off."),
                ("d8s0001", 1, "Deeper still."),
                ("d8s0002", 2, "The bottom."),
            ]
        );
    });
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/r/x/comments/abc/title.json?raw_json=1",
            "/r/x/comments/abc/title/d8rzxi2.json?raw_json=1"
        ]
    );
}

/// A post whose thread Reddit cut short: a stub for three replies to `p1`, one more at the top.
const STUBBED: &str = r#"[{"kind": "Listing", "data": {"children": [
  {"kind": "t3", "data": {"id": "abc", "name": "t3_abc", "title": "Stubbed"}}]}},
 {"kind": "Listing", "data": {"children": [
  {"kind": "t1", "data": {"id": "p1", "parent_id": "t3_abc", "author": "root", "body": "Top.",
   "replies": {"kind": "Listing", "data": {"children": [
    {"kind": "t1", "data": {"id": "q1", "parent_id": "t1_p1", "author": "shown", "body": "Shown.", "replies": ""}},
    {"kind": "more", "data": {"count": 3, "name": "t1_r1", "id": "r1", "parent_id": "t1_p1",
     "depth": 1, "children": ["r1", "r2"]}}
   ]}}}},
  {"kind": "more", "data": {"count": 1, "name": "t1_z9", "id": "z9", "parent_id": "t3_abc",
   "depth": 0, "children": ["z9"]}}
 ]}}]"#;

/// What `/api/morechildren.json` answers for r1 and r2: flat, a reply of r1 among them, and a
/// further stub under r2.
const MORE_CHILDREN: &str = r#"{"json": {"errors": [], "data": {"things": [
  {"kind": "t1", "data": {"id": "r1", "parent_id": "t1_p1", "author": "one", "depth": 1,
   "body_html": "<div class=\"md\"><p>First hidden.</p></div>", "created_utc": 1700000000}},
  {"kind": "t1", "data": {"id": "r3", "parent_id": "t1_r1", "author": "three", "depth": 2,
   "body": "Reply to the first.", "created_utc": 1700000100}},
  {"kind": "t1", "data": {"id": "r2", "parent_id": "t1_p1", "author": "two", "depth": 1,
   "body": "[deleted]", "created_utc": 1700000200}},
  {"kind": "more", "data": {"count": 4, "id": "r4", "parent_id": "t1_r2", "depth": 2,
   "children": ["r4", "r5"]}}
]}}}"#;

#[test]
fn reddit_more_stub_loads_its_replies_in_place() {
    let server = TestServer::start(|path, _| {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        match route {
            "/r/x/comments/abc/title.json" => json(STUBBED),
            "/api/morechildren.json"
                if query.contains("link_id=t3_abc") && query.contains("children=r1,r2") =>
            {
                json(MORE_CHILDREN)
            }
            _ => not_found(),
        }
    });
    let base = server.url("/");
    let net = net();
    runtime().block_on(async {
        let mut thread = reddit::thread(&net, &base, "/r/x/comments/abc/title/")
            .await
            .expect("the thread loads");
        let shape: Vec<_> = thread
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.depth, c.text.as_str()))
            .collect();
        assert_eq!(
            shape,
            [
                ("p1", 0, "Top."),
                ("q1", 1, "Shown."),
                ("more-t1_p1", 1, "3 more replies"),
                ("more-t3_abc", 0, "1 more reply"),
            ]
        );
        let at = 2;
        let CommentKind::More { children, .. } = thread.comments[at].kind.clone() else {
            panic!("a stub at {at}");
        };
        let loaded = reddit::more(&net, &base, "/r/x/comments/abc/title/", &children)
            .await
            .expect("the stub's replies load");
        let got: Vec<_> = loaded
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth))
            .collect();
        assert_eq!(
            got,
            [
                ("r1", Some("p1"), 0),
                ("r3", Some("r1"), 1),
                ("r2", Some("p1"), 0),
                ("more-t1_r2", Some("r2"), 1),
            ]
        );
        assert_eq!(loaded[0].text, "First hidden.");
        assert_eq!(loaded[2].kind, CommentKind::Deleted);
        assert_eq!(
            loaded[3].kind,
            CommentKind::More {
                count: 4,
                children: vec!["r4".into(), "r5".into()]
            }
        );

        // Spliced in place of the stub at its depth, the thread stays in display order.
        let stub_depth = thread.comments[at].depth;
        let spliced = loaded.into_iter().map(|mut c| {
            c.depth += stub_depth;
            c
        });
        thread.comments.splice(at..=at, spliced);
        assert_display_order(&thread.comments);
        assert_eq!(thread.comments.len(), 7);
    });
}

#[test]
fn reddit_listing_and_an_error_a_person_can_act_on() {
    let listing = r#"{"kind": "Listing", "data": {"after": "t3_b2", "children": [
      {"kind": "t3", "data": {"id": "a1", "title": "Faster builds with less", "url": "https://blog.example.net/builds",
       "permalink": "/r/rust/comments/a1/faster_builds_with_less/", "author": "ferris",
       "created_utc": 1767225600.0, "score": 321, "num_comments": 54, "is_self": false,
       "domain": "blog.example.net", "selftext_html": null}},
      {"kind": "t3", "data": {"id": "b2", "title": "What are you working on this week?",
       "url": "https://www.reddit.com/r/rust/comments/b2/what_are_you_working_on/",
       "permalink": "/r/rust/comments/b2/what_are_you_working_on/", "author": "AutoModerator",
       "created_utc": 1767229200.0, "score": 12, "num_comments": 30, "is_self": true,
       "domain": "self.rust", "selftext_html": "<!-- SC_OFF --><div class=\"md\"><p>Tell us.</p></div><!-- SC_ON -->"}}
    ]}}"#;
    let server = TestServer::start(move |path, _| match path {
        "/r/rust.json?raw_json=1" => json(listing),
        "/r/busy.json?raw_json=1" => (429, Vec::new(), b"Too Many Requests".to_vec()),
        _ => not_found(),
    });
    let base = server.url("");
    let net = net();
    runtime().block_on(async {
        let items = reddit::headlines(&net, &base, "rust")
            .await
            .expect("the listing loads");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title, "Faster builds with less");
        assert_eq!(
            items[0].link.as_deref(),
            Some("https://blog.example.net/builds")
        );
        let page = format!("{base}/r/rust/comments/a1/faster_builds_with_less/");
        assert_eq!(items[0].comments_url.as_deref(), Some(page.as_str()));
        assert_eq!(items[0].key, page);
        assert_eq!(
            items[0].summary.as_deref(),
            Some("321 points · 54 comments · blog.example.net")
        );
        let own = format!("{base}/r/rust/comments/b2/what_are_you_working_on/");
        assert_eq!(items[1].link.as_deref(), Some(own.as_str()));
        assert_eq!(items[1].comments_url.as_deref(), Some(own.as_str()));

        let err = reddit::headlines(&net, &base, "busy")
            .await
            .expect_err("429");
        assert_eq!(err.kind, FailureKind::HttpStatus(429));
        assert_eq!(
            err.reason,
            format!(
                "Reddit: HTTP 429 from {base}/r/busy.json?raw_json=1: too many requests; try again later"
            )
        );
    });
}

/// A Lobsters story page in today's form: `depth` from 0, users by name, `parent_comment`.
const STORY: &str = r#"{
  "short_id": "k7m2qp", "short_id_url": "http://lobsters.test/s/k7m2qp",
  "created_at": "2026-02-10T09:12:00.000-06:00", "title": "Writing a tiny allocator",
  "url": "https://alloc.example.com/tiny", "score": 37, "flags": 0, "comment_count": 6,
  "description": "", "description_plain": "", "submitter_user": "marisol",
  "comments_url": "http://lobsters.test/s/k7m2qp/writing_tiny_allocator", "tags": ["c", "programming"],
  "comments": [
    {"short_id": "c1aaaa", "created_at": "2026-02-10T09:40:00.000-06:00", "is_deleted": false,
     "is_moderated": false, "score": 9, "parent_comment": null, "depth": 0,
     "comment": "<p>Nice write-up. The free list trick is neat.</p>",
     "comment_plain": "Nice write-up. The free list trick is neat.", "commenting_user": "tovah"},
    {"short_id": "c2bbbb", "created_at": "2026-02-10T10:02:00.000-06:00", "is_deleted": false,
     "is_moderated": false, "score": 4, "parent_comment": "c1aaaa", "depth": 1,
     "comment": "<p>It falls over with <code>realloc</code> though.</p>", "commenting_user": "ibrahim"},
    {"short_id": "c3cccc", "created_at": "2026-02-10T10:30:00.000-06:00", "is_deleted": false,
     "is_moderated": false, "score": 3, "parent_comment": "c2bbbb", "depth": 2,
     "comment": "<p>Fixed in part two.</p>", "commenting_user": "marisol"},
    {"short_id": "c4dddd", "created_at": "2026-02-10T11:00:00.000-06:00", "is_deleted": true,
     "is_moderated": false, "score": 0, "parent_comment": "c1aaaa", "depth": 1,
     "comment": "<p>[deleted]</p>", "commenting_user": "gone"},
    {"short_id": "c5eeee", "created_at": "2026-02-10T12:15:00.000-06:00", "is_deleted": false,
     "is_moderated": true, "score": -2, "parent_comment": null, "depth": 0,
     "comment": "<p>Removed by a moderator.</p>", "commenting_user": "noisy"},
    {"short_id": "c6ffff", "created_at": "2026-02-10T13:00:00.000-06:00", "is_deleted": false,
     "is_moderated": false, "score": 2, "parent_comment": "c5eeee", "depth": 1,
     "comment": "<p>Still a fair question.</p>", "commenting_user": "tovah"}
  ]
}"#;

#[test]
fn lobsters_story_threaded_and_listings() {
    let hottest = r#"[
      {"short_id": "k7m2qp", "title": "Writing a tiny allocator", "url": "https://alloc.example.com/tiny",
       "score": 37, "comment_count": 6, "created_at": "2026-02-10T09:12:00.000-06:00",
       "submitter_user": "marisol", "description": "", "tags": ["c", "programming"]},
      {"short_id": "t9x8w7", "title": "Ask: what do you read on the train?", "url": "",
       "score": 5, "comment_count": 11, "created_at": "2026-02-11T07:00:00.000Z",
       "submitter_user": {"username": "ibrahim"}, "description": "<p>Books, papers, feeds?</p>",
       "tags": ["ask"]}
    ]"#;
    let server = TestServer::start(move |path, _| match path {
        "/s/k7m2qp.json" => json(STORY),
        "/hottest.json" | "/t/c.json" => json(hottest),
        _ => not_found(),
    });
    let base = server.url("");
    let net = net();
    runtime().block_on(async {
        let thread = lobsters::thread(&net, &base, "k7m2qp")
            .await
            .expect("the story loads");
        assert_eq!(thread.source, Some(CommentSource::Lobsters));
        let got: Vec<_> = thread
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth, &c.kind))
            .collect();
        use CommentKind::*;
        assert_eq!(
            got,
            [
                ("c1aaaa", None, 0, &Normal),
                ("c2bbbb", Some("c1aaaa"), 1, &Normal),
                ("c3cccc", Some("c2bbbb"), 2, &Normal),
                ("c4dddd", Some("c1aaaa"), 1, &Deleted),
                ("c5eeee", None, 0, &Dead),
                ("c6ffff", Some("c5eeee"), 1, &Normal),
            ]
        );
        assert_eq!(
            thread.comments[1].text,
            "It falls over with realloc though."
        );
        assert_eq!(thread.comments[0].author, "tovah");

        for listing in [LobstersListing::Hottest, LobstersListing::Tag("c".into())] {
            let items = lobsters::headlines(&net, &base, &listing)
                .await
                .expect("the listing loads");
            assert_eq!(items.len(), 2, "{listing:?}");
            assert_eq!(
                items[0].link.as_deref(),
                Some("https://alloc.example.com/tiny")
            );
            let story = format!("{base}/s/k7m2qp");
            assert_eq!(items[0].comments_url.as_deref(), Some(story.as_str()));
            assert_eq!(
                items[0].summary.as_deref(),
                Some("37 points · 6 comments · alloc.example.com · c, programming")
            );
            let text_post = format!("{base}/s/t9x8w7");
            assert_eq!(items[1].link.as_deref(), Some(text_post.as_str()));
            assert_eq!(items[1].author.as_deref(), Some("ibrahim"));
            assert_eq!(
                items[1].summary.as_deref(),
                Some("5 points · 11 comments · ask")
            );
        }
        let err = lobsters::headlines(&net, &base, &LobstersListing::Newest)
            .await
            .expect_err("404");
        assert_eq!(err.kind, FailureKind::HttpStatus(404));
        assert_eq!(
            err.reason,
            format!("Lobsters: HTTP 404 from {base}/newest.json: not found")
        );
    });
}

/// `herald comments` with a Reddit permalink and a Lobsters story link, and `refresh` of a
/// subreddit and of Lobsters's front page, all through the routing of the configured bases.
#[test]
fn the_cli_reads_both_sites_through_their_links_and_subscriptions() {
    let Some(file) = reddit_corpus() else {
        return;
    };
    let corpus = std::fs::read(&file).expect("read the corpus");
    let listing = r#"{"kind": "Listing", "data": {"children": [
      {"kind": "t3", "data": {"id": "abc", "title": "A thread worth reading", "url": "https://blog.example.net/post",
       "permalink": "/r/x/comments/abc/title/", "author": "ferris", "created_utc": 1767225600.0,
       "score": 321, "num_comments": 145, "is_self": false, "domain": "blog.example.net"}}]}}"#;
    let reddit_site = TestServer::start(move |path, _| match path.split('?').next() {
        Some("/r/x/comments/abc/title.json") => json(corpus.clone()),
        Some("/r/x.json") => json(listing),
        _ => not_found(),
    });
    let hottest = r#"[{"short_id": "k7m2qp", "title": "Writing a tiny allocator",
       "url": "https://alloc.example.com/tiny", "score": 37, "comment_count": 6,
       "created_at": "2026-02-10T09:12:00.000-06:00", "submitter_user": "marisol",
       "description": "", "tags": ["c"]}]"#;
    let lobsters_site = TestServer::start(move |path, _| match path {
        "/s/k7m2qp.json" => json(STORY),
        "/hottest.json" => json(hottest),
        _ => not_found(),
    });
    let dir = temp_dir("sites-cli");
    write_config(
        &dir,
        &[reddit_site.url("/r/x"), lobsters_site.url("/")],
        &format!(
            "[sources.reddit]\nbase = \"{}\"\n[sources.lobsters]\nbase = \"{}\"\n",
            reddit_site.url(""),
            lobsters_site.url("")
        ),
    );
    let run = |args: &[&str]| {
        let out = herald(&dir, args);
        assert!(
            out.status.success(),
            "herald {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    let refreshed = run(&["refresh"]);
    assert!(
        refreshed.contains("2 feeds, 2 new items, 0 errors"),
        "{refreshed}"
    );
    let headlines: serde_json::Value =
        serde_json::from_str(&run(&["headlines", "--json"])).expect("JSON");
    let titles: Vec<&str> = headlines
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|h| h["title"].as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("A thread worth reading")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Writing a tiny allocator")),
        "{titles:?}"
    );

    let reddit: serde_json::Value = serde_json::from_str(&run(&[
        "comments",
        &reddit_site.url("/r/x/comments/abc/title/"),
        "--json",
    ]))
    .expect("JSON");
    assert_eq!(reddit["source"], "reddit");
    let comments = reddit["comments"].as_array().expect("comments");
    assert_eq!(
        comments
            .iter()
            .filter(|c| c["kind"].get("more").is_none())
            .count(),
        145
    );
    // Opening the headline's link (the blog post) gets the Reddit discussion too.
    let by_article: serde_json::Value = serde_json::from_str(&run(&[
        "comments",
        "https://blog.example.net/post",
        "--json",
    ]))
    .expect("JSON");
    assert_eq!(by_article["source"], "reddit");

    let lobsters = run(&[
        "comments",
        &lobsters_site.url("/s/k7m2qp/writing_a_tiny_allocator"),
    ]);
    assert!(
        lobsters.starts_with("6 comments (from Lobsters)"),
        "{lobsters}"
    );
    assert!(
        lobsters.contains("\n    "),
        "replies are indented:\n{lobsters}"
    );
}

/// In the app: a subreddit's post opened, its discussion beside the article, and Enter on a
/// "more replies" stub loading the replies in its place.
#[test]
fn in_the_app_enter_on_a_stub_loads_its_replies() {
    use common::pty::{Pty, alsa_none};
    let listing = r#"{"kind": "Listing", "data": {"children": [
      {"kind": "t3", "data": {"id": "abc", "title": "Stubbed", "url": "/post.html",
       "permalink": "/r/x/comments/abc/title/", "author": "root", "created_utc": 1767225600.0,
       "score": 3, "num_comments": 6, "is_self": false, "domain": "example.net"}}]}}"#;
    let page = "<html><head><title>Stubbed</title></head><body><article><h1>Stubbed</h1>\
                <p>A post whose discussion has more replies than the site sends at first.</p>\
                </article></body></html>";
    let server = TestServer::start(move |path, _| {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        match route {
            "/r/x.json" => json(listing),
            "/post.html" => (
                200,
                vec![("Content-Type".into(), "text/html".into())],
                page.as_bytes().to_vec(),
            ),
            "/r/x/comments/abc/title.json" => json(STUBBED),
            "/api/morechildren.json" if query.contains("children=r1,r2") => json(MORE_CHILDREN),
            _ => not_found(),
        }
    });
    let dir = temp_dir("sites-app-more");
    write_config(
        &dir,
        &[server.url("/r/x")],
        &format!("[sources.reddit]\nbase = \"{}\"\n", server.url("")),
    );
    assert!(herald(&dir, &["refresh"]).status.success());
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 160, 40);
    pty.wait_for("Stubbed");
    pty.press("\r");
    pty.wait_for("A post whose discussion has more replies");
    pty.wait_for("⋯ 3 more replies (Enter loads)");
    // To the comments, then down past the root and its shown reply to the stub.
    pty.press("\tjj");
    pty.press("\r");
    let screen = pty.wait_for("First hidden.");
    let text = common::pty::screen_text(&screen);
    assert!(text.contains("Reply to the first."), "{text}");
    assert!(
        !text.contains("⋯ 3 more replies"),
        "the stub gave way:\n{text}"
    );
    assert!(text.contains("⋯ 4 more replies (Enter loads)"), "{text}");
    pty.wait_for("3 more replies loaded");
    pty.press("qq");
    assert!(pty.wait_exit().success());
}
