use serde_json::Value;

use super::*;

fn corpus_files() -> Vec<std::path::PathBuf> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/comments/reddit");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        let msg = format!("no Reddit corpus in {}", dir.display());
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        crate::say!("skipped: {msg}");
    }
    files
}

/// What the raw JSON holds, walked independently of the parser: every t1 as (id, depth),
/// every `more` as (depth, count, number of children).
#[derive(Default)]
struct Walked {
    comments: Vec<(String, usize)>,
    stubs: Vec<(usize, usize, usize)>,
}

fn walk(listing: &Value, depth: usize, out: &mut Walked) {
    for thing in listing["data"]["children"].as_array().expect("children") {
        let data = &thing["data"];
        match thing["kind"].as_str() {
            Some("t1") => {
                out.comments
                    .push((data["id"].as_str().expect("id").to_string(), depth));
                if data["replies"].is_object() {
                    walk(&data["replies"], depth + 1, out);
                }
            }
            Some("more") => out.stubs.push((
                depth,
                data["count"].as_u64().expect("count") as usize,
                data["children"].as_array().expect("children").len(),
            )),
            other => panic!("unexpected thing {other:?}"),
        }
    }
}

#[test]
fn corpus_thread_has_every_comment_at_its_depth() {
    for file in corpus_files() {
        let bytes = std::fs::read(&file).expect("read corpus file");
        let raw: Value = serde_json::from_slice(&bytes).expect("corpus is JSON");
        let mut walked = Walked::default();
        walk(&raw[1], 0, &mut walked);
        assert!(!walked.comments.is_empty(), "{}", file.display());

        let thread = parse_thread(&bytes).expect("parses");
        assert_eq!(thread.source, Some(CommentSource::Reddit));
        let comments: Vec<(String, usize)> = thread
            .comments
            .iter()
            .filter(|c| matches!(c.kind, CommentKind::Normal | CommentKind::Deleted))
            .map(|c| (c.id.clone(), c.depth))
            .collect();
        assert_eq!(comments, walked.comments, "{}", file.display());
        let stubs: Vec<(usize, usize, usize)> = thread
            .comments
            .iter()
            .filter_map(|c| match &c.kind {
                CommentKind::More { count, children } => Some((c.depth, *count, children.len())),
                _ => None,
            })
            .collect();
        assert_eq!(stubs, walked.stubs, "{}", file.display());

        // Display order: a reply right after its parent (or its parent's earlier replies).
        let mut open: Vec<&str> = Vec::new();
        for c in &thread.comments {
            open.truncate(c.depth);
            assert_eq!(c.parent.as_deref(), open.last().copied(), "{}", c.id);
            open.push(&c.id);
        }
    }
}

#[test]
fn corpus_deleted_and_continue_stubs() {
    let files = corpus_files();
    if files.is_empty() {
        return; // corpus_files failed under CI=true, or said why it skipped
    }
    let file = files
        .into_iter()
        .find(|f| {
            f.to_string_lossy()
                .contains("test_replace__on_direct_comment")
        })
        .expect("the corpus holds test_replace__on_direct_comment");
    let thread = parse_thread(&std::fs::read(file).expect("read")).expect("parses");
    let deleted: Vec<&Comment> = thread
        .comments
        .iter()
        .filter(|c| c.kind == CommentKind::Deleted)
        .collect();
    assert_eq!(deleted.len(), 5);
    assert!(deleted.iter().all(|c| c.text == "[deleted]"));
    // The account is gone but the words are not: an ordinary comment.
    let orphan = thread
        .comments
        .iter()
        .find(|c| c.id == "d8r8zew")
        .expect("d8r8zew");
    assert_eq!(orphan.kind, CommentKind::Normal);
    assert_eq!(
        orphan.text,
        "Wait, what?\n\nIs Hardwick a Comcast shill now?"
    );
    let stub = thread
        .comments
        .iter()
        .find(|c| matches!(c.kind, CommentKind::More { .. }))
        .expect("a stub");
    assert_eq!(stub.text, "continue this thread");
    assert_eq!(stub.parent.as_deref(), Some("d8rzxi2"));
    assert_eq!(stub.depth, 10);
    let first = &thread.comments[0];
    assert_eq!(first.id, "d8r4im1");
    assert_eq!(first.author, "THE_GREAT_SHAZBOT");
    assert_eq!(first.date.as_deref(), Some("2016-10-14T01:24:05Z"));
}

#[test]
fn escaped_bodies_stubs_and_hostile_text() {
    let json = r#"[{"kind": "Listing", "data": {"children": []}},
      {"kind": "Listing", "data": {"children": [
        {"kind": "t1", "data": {"id": "a1", "author": "x\u001b[31m", "body": "b",
          "body_html": "&lt;div class=\"md\"&gt;&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;&lt;/div&gt;",
          "created_utc": 0, "replies": {"kind": "Listing", "data": {"children": [
            {"kind": "t1", "data": {"id": "b2", "author": "y", "body": "[removed]", "replies": ""}},
            {"kind": "more", "data": {"count": 12, "children": ["c3", "d4", "../x"], "parent_id": "t1_a1"}}
          ]}}}},
        {"kind": "more", "data": {"count": 1, "children": ["e5"], "parent_id": "t3_p"}}
      ]}}]"#;
    let t = parse_thread(json.as_bytes()).expect("parses");
    let got: Vec<_> = t
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth, c.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("a1", None, 0, "Tom & Jerry"),
            ("b2", Some("a1"), 1, "[removed]"),
            ("more-t1_a1", Some("a1"), 1, "12 more replies"),
            ("more-t3_p", None, 0, "1 more reply"),
        ]
    );
    assert_eq!(t.comments[0].author, "x");
    assert_eq!(t.comments[1].kind, CommentKind::Deleted);
    assert_eq!(
        t.comments[2].kind,
        CommentKind::More {
            count: 12,
            children: vec!["c3".into(), "d4".into()]
        }
    );
    assert!(parse_thread(b"{}").is_err());
    assert!(parse_thread(b"not json").is_err());
}

#[test]
fn more_children_depths_are_relative_and_parents_kept() {
    let json = r#"{"json": {"errors": [], "data": {"things": [
        {"kind": "t1", "data": {"id": "c1", "parent_id": "t1_p", "author": "a", "body": "one"}},
        {"kind": "t1", "data": {"id": "c3", "parent_id": "t1_c1", "author": "b", "body": "three"}},
        {"kind": "more", "data": {"count": 2, "children": ["c5", "c6"], "parent_id": "t1_c3"}},
        {"kind": "t1", "data": {"id": "c2", "parent_id": "t1_p", "author": "c", "body": "two"}}
    ]}}}"#;
    let got: Vec<_> = parse_more_children(json.as_bytes())
        .expect("parses")
        .into_iter()
        .map(|c| (c.id, c.parent, c.depth))
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        [
            ("c1".into(), s("p"), 0),
            ("c3".into(), s("c1"), 1),
            ("more-t1_c3".into(), s("c3"), 2),
            ("c2".into(), s("p"), 0),
        ]
    );
    let refused = br#"{"json": {"errors": [["RATELIMIT", "slow down", "ratelimit"]]}}"#;
    let err = parse_more_children(refused).expect_err("refused");
    assert_eq!(err.kind, FailureKind::Refused);
    assert!(err.reason.contains("RATELIMIT"), "{err}");
}

#[test]
fn listing_links_summary_and_self_posts() {
    let json = r#"{"kind": "Listing", "data": {"children": [
        {"kind": "t3", "data": {"title": "A  link\n post", "url": "https://example.com/a?b=1",
          "permalink": "/r/rust/comments/abc/a_link_post/", "author": "alice",
          "created_utc": 1700000000.0, "score": 123, "num_comments": 45, "is_self": false,
          "domain": "example.com"}},
        {"kind": "t3", "data": {"title": "Ask", "url": "https://www.reddit.com/r/rust/comments/def/ask/",
          "permalink": "/r/rust/comments/def/ask/", "author": "bob", "created_utc": 1700000100,
          "score": 1, "num_comments": 1, "is_self": true, "domain": "self.rust",
          "selftext_html": "&lt;div class=\"md\"&gt;&lt;p&gt;Why?&lt;/p&gt;&lt;/div&gt;"}},
        {"kind": "t3", "data": {"title": "no permalink"}},
        {"kind": "t5", "data": {"title": "a subreddit"}}
    ]}}"#;
    let items = parse_listing(json.as_bytes(), "http://r.test/").expect("parses");
    assert_eq!(items.len(), 2);
    let link = &items[0];
    assert_eq!(link.title, "A link post");
    assert_eq!(link.link.as_deref(), Some("https://example.com/a?b=1"));
    let page = "http://r.test/r/rust/comments/abc/a_link_post/";
    assert_eq!(link.comments_url.as_deref(), Some(page));
    assert_eq!(link.key, page);
    assert_eq!(link.author.as_deref(), Some("alice"));
    assert_eq!(
        link.summary.as_deref(),
        Some("123 points · 45 comments · example.com")
    );
    assert_eq!(
        link.published.map(|d| d.to_rfc3339()),
        Some("2023-11-14T22:13:20+00:00".into())
    );
    let ask = &items[1];
    assert_eq!(
        ask.link.as_deref(),
        Some("http://r.test/r/rust/comments/def/ask/")
    );
    assert_eq!(
        ask.summary.as_deref(),
        Some("1 point · 1 comment · self.rust")
    );
    assert_eq!(
        ask.content_html.as_deref(),
        Some("<div class=\"md\"><p>Why?</p></div>")
    );
    assert!(parse_listing(b"[]", "http://r.test").is_err());
}

#[test]
fn urls_and_names() {
    let base = "https://www.reddit.com/";
    assert_eq!(
        listing_url(base, "r/rust/").as_deref(),
        Ok("https://www.reddit.com/r/rust.json?raw_json=1")
    );
    assert_eq!(
        listing_url(base, "").as_deref(),
        Ok("https://www.reddit.com/hot.json?raw_json=1")
    );
    assert!(listing_url(base, "rust/../../api").is_err());
    assert_eq!(
        post_path("https://www.reddit.com/r/x/comments/abc/title/").as_deref(),
        Ok("/r/x/comments/abc/title")
    );
    assert!(post_path("/r/x/about").is_err());
    assert_eq!(post_id("/r/x/comments/abc/title/"), Some("abc"));
}

#[test]
fn a_stub_without_ids_is_not_fetched() {
    let net = Net::new(&crate::net::NetConfig::default()).expect("client");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let err = rt
        .block_on(more(
            &net,
            "http://127.0.0.1:9",
            "/r/x/comments/abc/t/",
            &[],
        ))
        .expect_err("nothing to load");
    assert!(err.reason.contains("continue this thread"), "{err}");
}

#[test]
fn errors_say_what_to_do() {
    let e = fetch_error(SITE, "http://h/r/rust.json", &NetError::Status(429));
    assert_eq!(
        e,
        "Reddit: HTTP 429 from http://h/r/rust.json: too many requests; try again later"
    );
}

#[test]
fn nulls_missing_fields_and_other_kinds_are_read_leniently() {
    let json = r#"{"kind": "Listing", "data": {"children": [
        {"kind": "t5", "data": {"display_name": "rust", "title": "Rust", "subscribers": 1}},
        {"kind": "t3", "data": {"permalink": "/r/x/comments/abc/t/", "title": "T", "score": null,
          "num_comments": 3, "selftext_html": null, "is_self": true, "created_utc": 1700000000}},
        {"kind": "t3", "data": {"title": "no permalink"}},
        {"kind": "t3"}
    ]}}"#;
    let items = parse_listing(json.as_bytes(), "http://r.test").expect("parses");
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].link.as_deref(),
        Some("http://r.test/r/x/comments/abc/t/")
    );
    assert_eq!(items[0].summary.as_deref(), Some("0 points · 3 comments"));
    assert_eq!(items[0].content_html, None);
    assert_eq!(
        items[0].published.map(|d| d.timestamp()),
        Some(1_700_000_000)
    );
    let err = parse_listing(
        br#"{"kind": "Listing", "data": {"children": 3}}"#,
        "http://r.test",
    )
    .expect_err("children must be a list");
    assert!(err.starts_with("not a Reddit listing ("), "{err}");
    let err = parse_listing(b"{", "http://r.test").expect_err("not JSON");
    assert!(err.starts_with("not JSON ("), "{err}");
}
