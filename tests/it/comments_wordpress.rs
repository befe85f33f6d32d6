//! The comment parsers against a real WordPress (`../shared/wordpress/`, 127.0.0.1:8080), post 4:
//! six comments, Hannah Ortiz's (comment 3) answering Daniel Brooks's (comment 2).
//!
//! Unreachable server: a skip note, or a failure when `CI=true`.

use crate::common;

use herald::comments::{self, feed, markup, wp_rest};
use herald::model::{Comment, CommentSource};
use herald::net::{Limit, Net, NetConfig};
use url::Url;

const SITE: &str = "http://127.0.0.1:8080";

/// id, parent, depth, author, date, start of text.
type Expected = (
    &'static str,
    Option<&'static str>,
    usize,
    &'static str,
    &'static str,
    &'static str,
);

/// In display order.
const EXPECTED: [Expected; 6] = [
    (
        "2",
        None,
        0,
        "Daniel Brooks",
        "2026-11-19T11:30:00+00:00",
        "The decision by Iraq to accept",
    ),
    (
        "3",
        Some("2"),
        1,
        "Hannah Ortiz",
        "2026-11-19T12:37:00+00:00",
        "This transfer highlights",
    ),
    (
        "4",
        None,
        0,
        "Mary L. Williams",
        "2026-11-19T13:44:00+00:00",
        "The decision to transfer ISIS",
    ),
    (
        "5",
        None,
        0,
        "Samuel Reed",
        "2026-11-19T14:51:00+00:00",
        "Transferring high-risk ISIS",
    ),
    (
        "6",
        None,
        0,
        "William Taylor",
        "2026-11-19T15:58:00+00:00",
        "Curious to see how Iraq",
    ),
    (
        "7",
        None,
        0,
        "Oliver X. Lopez",
        "2026-11-19T17:05:00+00:00",
        "Interesting move by Iraq",
    ),
];

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

/// Post 4's page (through the `/?p=4` redirect) with its final URL, or `None` to skip.
async fn post_page(net: &Net) -> Option<(String, Url)> {
    let _site = common::wordpress::available()?;
    match net.get(&format!("{SITE}/?p=4"), Limit::Page).await {
        Ok(r) => Some((r.text(), r.url)),
        Err(e) => {
            let msg = format!(
                "WordPress at {SITE} is unreachable ({e}); start ../shared/wordpress/setup.sh"
            );
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("skipped: {msg}");
            None
        }
    }
}

async fn get(net: &Net, url: &Url, limit: Limit) -> Vec<u8> {
    net.get(url.as_str(), limit)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .body
}

fn assert_thread(what: &str, got: &[Comment]) {
    assert_eq!(got.len(), EXPECTED.len(), "{what}: {got:#?}");
    for (c, (id, parent, depth, author, date, text)) in got.iter().zip(EXPECTED) {
        assert_eq!(c.id, id, "{what}");
        assert_eq!(c.parent.as_deref(), parent, "{what}: parent of {id}");
        assert_eq!(c.depth, depth, "{what}: depth of {id}");
        assert_eq!(c.author, author, "{what}");
        assert_eq!(c.date.as_deref(), Some(date), "{what}: date of {id}");
        assert!(
            c.text.starts_with(text),
            "{what}: text of {id}: {:?}",
            c.text
        );
        assert!(
            !c.text.contains("Reply") && !c.text.contains('\n'),
            "{what}: {:?}",
            c.text
        );
    }
}

#[test]
fn page_markup_rest_and_feed_agree() {
    runtime().block_on(async {
        let net = net();
        let Some((html, url)) = post_page(&net).await else {
            return;
        };
        assert!(
            url.path().contains("iraq-begins-transfer"),
            "redirected to {url}"
        );
        // Whichever theme is active (block or classic), the markup gives the whole thread.
        let page = markup::parse(&html);
        assert_thread("page markup", &page);
        let texts = |cs: &[Comment]| cs.iter().map(|c| c.text.clone()).collect::<Vec<_>>();

        let found = comments::discover(&html, &url);
        let rest = found.wp_rest.expect("a REST URL for post 4");
        assert_eq!(
            rest.as_str(),
            format!("{SITE}/wp-json/wp/v2/comments?post=4&per_page=100")
        );
        let body = get(&net, &rest, Limit::Page).await;
        let rest = wp_rest::parse(&String::from_utf8_lossy(&body));
        assert_thread("REST", &rest);
        assert_eq!(texts(&rest), texts(&page));

        let feed_url = found.feed.expect("the article's comments feed");
        assert_eq!(feed_url.as_str(), format!("{}feed/", url.as_str()));
        let feed = feed::parse(&get(&net, &feed_url, Limit::Feed).await, None, &feed_url);
        assert_eq!(feed.len(), 6, "{feed:#?}");
        // The feed's "In reply to" names a parent in the same feed, so it threads too.
        assert_thread("comments feed", &feed);
        assert_eq!(texts(&feed), texts(&page));
    });
}

#[test]
fn load_gives_the_threaded_page() {
    runtime().block_on(async {
        let net = net();
        let Some((html, url)) = post_page(&net).await else {
            return;
        };
        let thread = comments::load(&net, &html, &url, None).await;
        assert_eq!(thread.source, Some(CommentSource::PageMarkup));
        assert_thread("load", &thread.comments);

        // Without comments in the page, load turns to the REST API (threaded, so it beats the feed).
        let bare = html.replace("comment", "c0mment");
        let thread = comments::load(&net, &bare, &url, None).await;
        assert_eq!(thread.source, Some(CommentSource::WordpressApi));
        assert_thread("load without page comments", &thread.comments);
    });
}
