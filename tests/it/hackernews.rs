//! Hacker News against a loopback server answering like its APIs: the Firebase items of
//! `../shared/corpus/comments/hn_firebase` (a story, a comment, a text post, a job), arranged
//! into a small thread with a deleted and a dead comment, and the same thread as Algolia's
//! nested tree. `refresh` + `headlines` of `hn:top`, `comments` from one Algolia request and
//! from the Firebase fallback, `read` of a story link and of a text post.
//!
//! A missing corpus: a skip note, or a failure when `CI=true`.

use crate::common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use common::*;
use serde_json::{Value, json};

const STORY: u64 = 8863;
const ASK: u64 = 121003;
const JOB: u64 = 192327;
const HN_LINK: &str = "https://news.ycombinator.com/item?id=8863";

/// The thread as it must come out: id, parent, depth, kind.
const EXPECTED: [(&str, Option<&str>, u64, &str); 8] = [
    ("101", None, 0, "normal"),
    ("104", Some("101"), 1, "deleted"),
    ("106", Some("104"), 2, "normal"),
    ("105", Some("101"), 1, "normal"),
    ("102", None, 0, "dead"),
    ("103", None, 0, "normal"),
    ("107", Some("103"), 1, "normal"),
    ("108", Some("107"), 2, "normal"),
];

/// How the Algolia route answers.
const ALGOLIA_OK: u8 = 0;
const ALGOLIA_FAILS: u8 = 1;

fn corpus_item(name: &str) -> Option<Value> {
    let path = shared().join("corpus/comments/hn_firebase").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("corpus item is JSON")),
        Err(e) => {
            assert!(!in_ci(), "{}: {e}", path.display());
            eprintln!("skipping: {} is missing ({e})", path.display());
            None
        }
    }
}

/// Firebase items by id: the corpus's story, text post and job, and comments made from the
/// corpus comment's fields.
fn firebase_items(port: u16) -> Option<BTreeMap<u64, Value>> {
    let mut story = corpus_item("item_8863_story.json")?;
    let ask = corpus_item("item_121003_story.json")?;
    let job = corpus_item("item_192327_job.json")?;
    let comment = corpus_item("item_2921983_comment.json")?;
    story["url"] = json!(format!("http://127.0.0.1:{port}/article.html"));
    story["kids"] = json!([101, 102, 103]);
    story["descendants"] = json!(EXPECTED.len());
    let reply = |id: u64, parent: u64, kids: &[u64], text: &str| {
        let mut c = comment.clone();
        c["id"] = json!(id);
        c["parent"] = json!(parent);
        c["kids"] = json!(kids);
        c["text"] = json!(text);
        c["time"] = json!(comment["time"].as_i64().expect("time") + id as i64);
        c
    };
    let mut items = BTreeMap::new();
    items.insert(STORY, story);
    items.insert(ASK, ask);
    items.insert(JOB, job);
    items.insert(
        101,
        reply(
            101,
            STORY,
            &[104, 105],
            comment["text"].as_str().expect("text"),
        ),
    );
    items.insert(
        104,
        json!({"deleted": true, "id": 104, "parent": 101, "kids": [106],
               "time": 1314211300, "type": "comment"}),
    );
    items.insert(
        106,
        reply(106, 104, &[], "Replying to a comment since deleted."),
    );
    items.insert(105, reply(105, 101, &[], "Second reply &amp; <i>more</i>."));
    let mut dead = reply(102, STORY, &[], "Flagged into oblivion.");
    dead["dead"] = json!(true);
    items.insert(102, dead);
    items.insert(
        103,
        reply(103, STORY, &[107], "<p>Top level.<p>Two paragraphs."),
    );
    items.insert(107, reply(107, 103, &[108], "Depth one."));
    items.insert(108, reply(108, 107, &[], "Depth two."));
    Some(items)
}

/// Algolia's nested tree of item `id`, from the Firebase items.
fn algolia_tree(items: &BTreeMap<u64, Value>, id: u64) -> Value {
    let item = &items[&id];
    let time = item["time"].as_i64().unwrap_or(0);
    let deleted = item["deleted"].as_bool().unwrap_or(false);
    let children: Vec<Value> = item["kids"]
        .as_array()
        .map(|kids| {
            kids.iter()
                .filter_map(Value::as_u64)
                .map(|k| algolia_tree(items, k))
                .collect()
        })
        .unwrap_or_default();
    let created = chrono::DateTime::from_timestamp(time, 0)
        .expect("time")
        .format("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string();
    json!({
        "id": id,
        "created_at": created,
        "created_at_i": time,
        "type": item["type"],
        "author": if deleted { Value::Null } else { item["by"].clone() },
        "text": if deleted { Value::Null } else { item["text"].clone() },
        "title": item.get("title"),
        "url": item.get("url"),
        "points": item.get("score"),
        "parent_id": item.get("parent"),
        "dead": item["dead"].as_bool().unwrap_or(false),
        "children": children,
    })
}

const ARTICLE: &str = "<!doctype html><html><head><title>Dropbox screencast</title></head><body>\
<nav>Home · About</nav><article><h1>Throw away your USB drive</h1>\
<p>Dropbox keeps your files in sync between every computer you use, without you thinking about it.</p>\
<p>Drop a file into the folder and it appears everywhere else a moment later, with every older version kept.</p>\
<p>Sharing a folder with a friend is one click, and the files are still there when the laptop is not.</p>\
</article><footer>Copyright</footer></body></html>";

struct Site {
    server: TestServer,
    algolia: Arc<AtomicU8>,
}

/// The APIs under `/v0` (Firebase) and `/algolia` (Algolia), and the story's article.
fn start() -> Option<Site> {
    let port = Arc::new(OnceLock::new());
    let items: Arc<OnceLock<BTreeMap<u64, Value>>> = Arc::new(OnceLock::new());
    let algolia = Arc::new(AtomicU8::new(ALGOLIA_OK));
    let (items_in, algolia_in, port_in) = (items.clone(), algolia.clone(), port.clone());
    let server = TestServer::start(move |path, _| {
        let json_reply = |v: &Value| {
            (
                200,
                vec![("Content-Type".into(), "application/json".into())],
                v.to_string().into_bytes(),
            )
        };
        let Some(items) = items_in.get() else {
            return (503, Vec::new(), b"not ready".to_vec());
        };
        if path == "/v0/topstories.json" {
            return json_reply(&json!([STORY, ASK, JOB, 999]));
        }
        if let Some(id) = path
            .strip_prefix("/v0/item/")
            .and_then(|p| p.strip_suffix(".json"))
        {
            let id: u64 = id.parse().unwrap_or(0);
            return json_reply(items.get(&id).unwrap_or(&Value::Null));
        }
        if let Some(id) = path.strip_prefix("/algolia/items/") {
            if algolia_in.load(Ordering::SeqCst) == ALGOLIA_FAILS {
                return (500, Vec::new(), b"overloaded".to_vec());
            }
            return match id.parse::<u64>() {
                Ok(id) if items.contains_key(&id) => json_reply(&algolia_tree(items, id)),
                _ => (404, Vec::new(), b"{}".to_vec()),
            };
        }
        if path == "/hnrss.xml" {
            let port = port_in.get().copied().unwrap_or(0);
            let feed = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hacker News: Front Page</title>\
                 <link>https://news.ycombinator.com/</link><item><title>My YC app</title>\
                 <link>http://127.0.0.1:{port}/elsewhere.html</link>\
                 <comments>{HN_LINK}</comments><guid>{HN_LINK}</guid></item></channel></rss>"
            );
            return (
                200,
                vec![("Content-Type".into(), "application/rss+xml".into())],
                feed.into_bytes(),
            );
        }
        if path == "/article.html" {
            return (
                200,
                vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
                ARTICLE.as_bytes().to_vec(),
            );
        }
        (404, Vec::new(), b"not found".to_vec())
    });
    port.set(server.port).expect("port set once");
    items
        .set(firebase_items(server.port)?)
        .expect("items set once");
    Some(Site { server, algolia })
}

fn configure(name: &str, site: &Site, algolia: bool) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let algolia = if algolia {
        site.server.url("/algolia")
    } else {
        String::new()
    };
    write_config(
        &dir,
        &["hn:top".to_string()],
        &format!(
            "[sources.hackernews]\nfirebase = \"{}\"\nalgolia = \"{algolia}\"\n",
            site.server.url("/v0")
        ),
    );
    dir
}

fn run_ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = herald(dir, args);
    assert!(
        out.status.success(),
        "herald {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_control_bytes("output", &out.stdout);
    stdout(&out)
}

fn comments_json(dir: &std::path::Path, target: &str) -> Value {
    serde_json::from_str(&run_ok(dir, &["comments", target, "--json"])).expect("comments JSON")
}

fn shape(thread: &Value) -> Vec<(String, Option<String>, u64, String)> {
    thread["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_string(),
                c["parent"].as_str().map(str::to_string),
                c["depth"].as_u64().expect("depth"),
                // `"kind": "deleted"`, left out for an ordinary comment.
                c["kind"].as_str().unwrap_or("normal").to_string(),
            )
        })
        .collect()
}

fn expected_shape() -> Vec<(String, Option<String>, u64, String)> {
    EXPECTED
        .iter()
        .map(|(id, parent, depth, kind)| {
            (
                id.to_string(),
                parent.map(str::to_string),
                *depth,
                kind.to_string(),
            )
        })
        .collect()
}

#[test]
fn headlines_list_the_top_stories_with_points_and_comments() {
    let Some(site) = start() else { return };
    let dir = configure("hn-headlines", &site, false);
    let refresh = run_ok(&dir, &["refresh"]);
    // What may follow the error count (a breakdown of it) is not this test's concern.
    assert!(
        refresh.starts_with("1 feeds, 3 new items, 0 errors"),
        "{refresh}"
    );
    let list = run_ok(&dir, &["headlines"]);
    assert!(
        list.contains(
            "Hacker News: top  My YC app: Dropbox - Throw away your USB drive (127.0.0.1) · 111 points · 8 comments"
        ),
        "{list}"
    );
    assert!(
        list.contains("Ask HN: The Arc Effect · 25 points · 16 comments"),
        "{list}"
    );
    assert!(
        list.contains("Justin.tv is looking for a Lead Flash Engineer!"),
        "{list}"
    );
    assert_eq!(
        list.lines().count(),
        3,
        "the missing item 999 is left out:\n{list}"
    );

    let json: Value =
        serde_json::from_str(&run_ok(&dir, &["headlines", "--json"])).expect("headlines JSON");
    let story = json
        .as_array()
        .expect("array")
        .iter()
        .find(|h| {
            h["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("My YC app"))
        })
        .expect("the story");
    assert_eq!(story["link"], json!(site.server.url("/article.html")));
    assert_eq!(story["comments_url"], json!(HN_LINK));
    assert_eq!(story["author"], json!("dhouston"));
    assert_eq!(story["feed"], json!("Hacker News: top"));
    let ask = json
        .as_array()
        .expect("array")
        .iter()
        .find(|h| h["title"].as_str().is_some_and(|t| t.starts_with("Ask HN")))
        .expect("the text post");
    assert_eq!(
        ask["link"],
        json!("https://news.ycombinator.com/item?id=121003"),
        "a text post links to its discussion"
    );
}

#[test]
fn comments_come_from_one_algolia_request() {
    let Some(site) = start() else { return };
    let dir = configure("hn-algolia", &site, true);
    let thread = comments_json(&dir, HN_LINK);
    assert_eq!(thread["source"], json!("hacker-news"));
    assert_eq!(shape(&thread), expected_shape());
    let requests: Vec<String> = site.server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        requests,
        ["/algolia/items/8863"],
        "one request for the whole tree"
    );
    let c = &thread["comments"];
    assert_eq!(c[0]["author"], json!("norvig"));
    assert!(
        c[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Aw shucks, guys ... you make me blush")
                && t.contains("\n\nTell you what")),
        "{}",
        c[0]["text"]
    );
    assert_eq!(c[0]["date"], json!("2011-08-24T18:40:28+00:00"));
    assert_eq!(c[1]["text"], json!("[deleted]"));
    assert_eq!(c[3]["text"], json!("Second reply & more."));
    assert_eq!(c[4]["text"], json!("Flagged into oblivion."));
    assert_eq!(c[5]["text"], json!("Top level.\n\nTwo paragraphs."));

    let text = run_ok(&dir, &["comments", HN_LINK]);
    assert!(text.starts_with("8 comments (from Hacker News)"), "{text}");
    assert!(
        text.contains("\n    [deleted] · 2011-08-24 18:41\n      [deleted]\n"),
        "{text}"
    );
    assert!(
        text.contains("\nnorvig · 2011-08-24 18:40 [dead]\n  Flagged into oblivion."),
        "{text}"
    );
    assert!(
        text.contains("\n        norvig · 2011-08-24 18:40\n          Depth two."),
        "{text}"
    );
}

#[test]
fn firebase_gives_the_same_tree_when_algolia_fails_or_is_off() {
    let Some(site) = start() else { return };
    let with_algolia = comments_json(&configure("hn-reference", &site, true), HN_LINK);

    site.algolia.store(ALGOLIA_FAILS, Ordering::SeqCst);
    let fallback = comments_json(&configure("hn-fallback", &site, true), HN_LINK);
    assert_eq!(shape(&fallback), expected_shape());
    assert_eq!(
        fallback, with_algolia,
        "the same thread, text and dates included"
    );

    let before = site.server.requests().len();
    let off = comments_json(&configure("hn-off", &site, false), HN_LINK);
    assert_eq!(off, with_algolia);
    let requests: Vec<String> = site.server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        !requests.iter().any(|p| p.starts_with("/algolia")),
        "{requests:?}"
    );
    assert_eq!(
        requests.len(),
        1 + EXPECTED.len(),
        "the story, then each comment once: {requests:?}"
    );
}

#[test]
fn read_gives_the_linked_article_or_the_posts_text_and_headlines_get_the_discussion() {
    let Some(site) = start() else { return };
    let dir = configure("hn-read", &site, true);
    let article = run_ok(&dir, &["read", HN_LINK]);
    assert!(
        article.contains("Dropbox keeps your files in sync"),
        "{article}"
    );
    assert!(!article.contains("Copyright"), "{article}");

    let ask = run_ok(
        &dir,
        &["read", "https://news.ycombinator.com/item?id=121003"],
    );
    assert!(ask.starts_with("Ask HN: The Arc Effect"), "{ask}");
    assert!(
        ask.contains("I get the impression that with Arc being released"),
        "{ask}"
    );

    // The app opens a headline by its link, the article: its comments are the discussion's.
    run_ok(&dir, &["refresh"]);
    run_ok(
        &dir,
        &["read", "https://news.ycombinator.com/item?id=121003"],
    );
    let unread = run_ok(&dir, &["headlines", "--unread"]);
    assert!(
        !unread.contains("Ask HN"),
        "reading a text post marks it read:\n{unread}"
    );
    let article_link = site.server.url("/article.html");
    let thread = comments_json(&dir, &article_link);
    assert_eq!(shape(&thread), expected_shape());

    // Offline, both come from what was saved.
    site.server.stop();
    let again = comments_json(&dir, &article_link);
    assert_eq!(shape(&again), expected_shape());
    let offline = herald(&dir, &["read", HN_LINK]);
    assert!(
        offline.status.success(),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    assert!(stdout(&offline).contains("Dropbox keeps your files in sync"));
}

#[test]
fn a_feed_item_whose_comments_link_is_hacker_news_gets_that_discussion() {
    let Some(site) = start() else { return };
    let dir = temp_dir("hn-hnrss");
    write_config(
        &dir,
        &[site.server.url("/hnrss.xml")],
        &format!(
            "[sources.hackernews]\nfirebase = \"{}\"\nalgolia = \"{}\"\n",
            site.server.url("/v0"),
            site.server.url("/algolia")
        ),
    );
    run_ok(&dir, &["refresh"]);
    // The article itself is not even there: the thread comes from the site's API.
    let thread = comments_json(&dir, &site.server.url("/elsewhere.html"));
    assert_eq!(thread["source"], json!("hacker-news"));
    assert_eq!(shape(&thread), expected_shape());
}

#[test]
fn in_the_app_a_story_opens_with_its_article_and_the_discussion_beside_it() {
    use common::pty::{Pty, alsa_none, find, screen_text};
    let Some(site) = start() else { return };
    let dir = configure("hn-app", &site, true);
    run_ok(&dir, &["refresh"]);
    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 160, 40);
    // The headline carries the story's points, comments and site.
    let screen = pty.wait_for("My YC app: Dropbox");
    let (row, _) = find(&screen, "My YC app: Dropbox").expect("the story's headline");
    let headline = screen_text(&screen)
        .lines()
        .nth(usize::from(row))
        .unwrap_or_default()
        .to_string();
    assert!(headline.contains("points"), "{headline}");
    // Newest first, the story is not at the top: search for it.
    pty.press("/Dropbox\r");
    pty.wait_for("/Dropbox: match 1 of 1");
    pty.press("\r");
    // The linked article in the article pane, not the HN page.
    let screen = pty.wait_for("Drop a file into the folder and it appears everywhere else");
    // Synthesized narration of the linked article is offered: the page has no recording.
    pty.wait_for("Listen to the article (synthesized speech)");
    // The discussion beside it, from Algolia, threaded.
    let screen = if screen_text(&screen).contains("Comments (8)") {
        screen
    } else {
        pty.wait_for("Comments (8)")
    };
    let (comments_row, comments_col) = find(&screen, "Comments (8)").expect("comments pane");
    assert_eq!(comments_row, 0, "beside the article");
    let text = screen_text(&screen);
    assert!(text.contains("norvig"), "{text}");
    assert!(
        text.contains("· deleted"),
        "the deleted comment keeps its place:\n{text}"
    );
    assert!(
        text.contains("· dead"),
        "the dead comment is marked:\n{text}"
    );
    // A reply is indented under its parent within the comments pane, whose text starts two
    // columns right of its border, after the margin that marks the selected comment (the title
    // `┌ Comments` starts two columns left of the word).
    let indented = text.lines().any(|l| {
        l.chars()
            .skip(usize::from(comments_col))
            .collect::<String>()
            .starts_with("  ↳ ")
    });
    assert!(indented, "{text}");
    pty.press("qq");
    assert!(pty.wait_exit().success());
}
