//! Article extraction against the real WordPress on 127.0.0.1:8080 (whichever theme it runs;
//! `HERALD_WP_URL` overrides the address; by default it is started when down). Unreachable: a
//! failure under `CI=true`, else a skip.

use crate::common;

use std::time::Duration;

use herald::article::Article;
use herald::net::{Limit, Net, NetConfig};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/article-page.txt"
);
const TITLE: &str = "Iraq Begins Transfer of ISIS Prisoners from Syria Amid Security Concerns";

fn site() -> String {
    std::env::var("HERALD_WP_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_string())
}

/// The post's page after WordPress's 301 from `/?p=ID`, or `None` (after a skip note) when
/// the server cannot be reached outside CI.
fn fetch(post: u32) -> Option<(String, url::Url)> {
    let _site = match std::env::var("HERALD_WP_URL") {
        Ok(_) => None,
        Err(_) => Some(common::wordpress::available()?),
    };
    let config = NetConfig {
        connect_timeout_secs: 3.0,
        timeout_secs: 20.0,
        ..NetConfig::default()
    };
    let net = Net::new(&config).expect("HTTP client");
    let target = format!("{}/?p={post}", site());
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(30), net.get(&target, Limit::Page)).await
    }) {
        Ok(Ok(resp)) => Some((resp.text(), resp.url)),
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out".to_string(),
            };
            let msg = format!("WordPress at {} is not reachable ({why})", site());
            assert!(
                !common::in_ci(),
                "{msg}; CI=true requires it (see ../shared/wordpress/)"
            );
            println!("skipping: {msg}");
            None
        }
    }
}

/// The 13 body paragraphs as a reader sees them.
fn seed_paragraphs() -> Vec<String> {
    let seed = std::fs::read_to_string(SEED)
        .expect("read the seed article ../shared/seed/article-page.txt");
    let paras: Vec<&str> = seed.split("\n\n").map(str::trim).collect();
    let first = paras
        .iter()
        .position(|p| p.starts_with("Iraqi authorities have initiated"))
        .expect("first paragraph in seed");
    let last = paras
        .iter()
        .position(|p| p.starts_with("As regional dynamics continue"))
        .expect("last paragraph in seed");
    paras[first..=last].iter().map(|p| p.to_string()).collect()
}

#[test]
fn iraq_article_is_its_13_paragraphs_and_its_mp3() {
    let Some((html, url)) = fetch(4) else { return };
    assert!(
        url.path().starts_with("/2026/11/19/iraq-begins-transfer"),
        "redirected to {url}"
    );
    let a = Article::from_page(&html, &url).expect("article");
    assert_eq!(a.title, TITLE);
    let want = seed_paragraphs();
    assert_eq!(want.len(), 13);
    assert_eq!(a.paragraphs, want);
    assert_eq!(a.byline.as_deref(), Some("Editorial Desk"));
    assert!(
        a.published
            .as_deref()
            .is_some_and(|p| p.starts_with("2026-11-19")),
        "{:?}",
        a.published
    );

    let n = a.narration.as_ref().expect("the page has a narration");
    assert!(n.url.contains("/article-narration.mp3"), "{}", n.url);
    assert_eq!(n.media_type.as_deref(), Some("audio/mpeg"));

    // Neither the player, its label, the comments, the reply form, nor the site's chrome.
    let rendered: String = a.render(80).lines.iter().map(|l| l.text() + "\n").collect();
    for text in [a.text(), a.content_html.clone(), rendered] {
        let lower = text.to_lowercase();
        for unwanted in [
            "listen to the article",
            "leave a reply",
            "daniel brooks",
            "the decision by iraq to accept",
            "comments",
            "post navigation",
            "all rights reserved",
            "disinformation commission",
            "search",
            "posted in",
            "tags:",
            ".ogg",
        ] {
            assert!(!lower.contains(unwanted), "{unwanted:?} found in:\n{text}");
        }
    }
}

#[test]
fn weather_article_keeps_its_download_link_but_not_the_player() {
    let Some((html, url)) = fetch(9) else { return };
    let a = Article::from_page(&html, &url).expect("article");
    assert_eq!(
        a.title,
        "Weather Service Issues Guidance Ahead of Winter Storm Season"
    );
    assert_eq!(a.paragraphs.len(), 5, "{:#?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("The national weather service on Monday"));
    // The author's own download link is body text; the player's caption is not.
    assert_eq!(a.paragraphs[4], "Download the audio report (MP3)");
    assert!(!a.text().contains("Listen to this report"));
    let n = a.narration.as_ref().expect("narration");
    assert_eq!(a.links, std::slice::from_ref(&n.url));
    assert!(n.url.ends_with(".mp3"));
}
