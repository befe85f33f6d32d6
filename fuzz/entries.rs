//! What each fuzz target does with one input. The fuzz targets (fuzz_targets/) and the project's
//! regression tests (tests/it/fuzz_regressions.rs) both include this file, so an input the fuzzer
//! found is replayed through exactly the code it broke. Each function must return for any
//! input; the assertions are properties that hold for every input.
#![allow(dead_code)]

use herald::article::Article;
use herald::comments::{self, jsonld, markup, wp_rest};
use herald::model::Comment;
use herald::sites::{hackernews, lobsters, reddit};
use herald::source::feed;
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).expect("constant URL")
}

/// No control character but newline and tab, no bidi override or isolate: what the sanitizer
/// promises for multi-line text.
fn is_clean_text(s: &str) -> bool {
    !s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    })
}

fn is_clean_line(s: &str) -> bool {
    is_clean_text(s) && !s.contains(['\n', '\t'])
}

/// Feed parsing as a refresh does it: the sniffing, then decoding, prolog normalisation and
/// feed-rs (the comments-feed reading of the same bytes is in [`comments`]).
pub fn feed(data: &[u8]) {
    let _ = feed::looks_like_feed(data);
    let base = url("http://example.org/feed.xml");
    if let Ok(parsed) = feed::parse(data, None, &base) {
        assert!(parsed.title.as_deref().is_none_or(is_clean_line));
        for item in &parsed.items {
            assert!(!item.title.is_empty());
            assert!(is_clean_line(&item.title), "{:?}", item.title);
            assert!(item.author.as_deref().is_none_or(is_clean_line));
            assert!(item.summary.as_deref().is_none_or(is_clean_text));
        }
    }
}

/// Article extraction from a whole page and from a feed item's content, each rendered.
pub fn article(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let page = url("https://example.org/news/2026/story.html");
    let width = 20 + data.len() % 100;
    let from_page = Article::from_page(&html, &page);
    let from_feed = Article::from_feed_content("Title", &html, &page, Some("By"), None);
    for article in [from_page, from_feed].into_iter().flatten() {
        assert!(is_clean_line(&article.title));
        assert!(article.paragraphs.iter().all(|p| is_clean_text(p)));
        let rendered = article.render(width);
        for line in &rendered.lines {
            for span in &line.spans {
                assert!(is_clean_line(&span.text), "{:?}", span.text);
            }
        }
        let _ = article.render_for(width, false);
        let _ = article.text();
    }
}

/// Every comment parser; the first byte chooses which one reads the rest.
pub fn comments(data: &[u8]) {
    let Some((&which, input)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(input);
    let page = url("https://example.org/2026/10/story/");
    match which % 11 {
        0 => check_thread(&markup::parse(&text)),
        1 => check_thread(&jsonld::json_ld(&text)),
        2 => check_thread(&jsonld::microdata(&text)),
        3 => {
            let found = comments::discover(&text, &page);
            for thread in &found.in_page {
                check_thread(&thread.comments);
            }
        }
        4 => check_thread(&comments::feed::parse(input, None, &page)),
        5 => check_thread(&wp_rest::parse(&text)),
        6 => {
            let id = serde_json::from_slice::<serde_json::Value>(input)
                .ok()
                .and_then(|v| v["id"].as_u64())
                .unwrap_or(0);
            if let Ok(thread) = hackernews::algolia_thread(input, id) {
                check_thread(&thread.comments);
            }
        }
        7 => {
            if let Ok(thread) = reddit::parse_thread(input) {
                check_thread(&thread.comments);
            }
        }
        8 => {
            // Replies to a comment elsewhere: parents may lie outside the list.
            for c in reddit::parse_more_children(input).unwrap_or_default() {
                check_comment(&c);
            }
            let _ = reddit::parse_listing(input, "https://www.reddit.com");
        }
        9 => {
            if let Ok(thread) = lobsters::parse_thread(input) {
                check_thread(&thread.comments);
            }
        }
        _ => {
            let _ = lobsters::parse_listing(input, "https://lobste.rs");
        }
    }
}

fn check_comment(c: &Comment) {
    assert!(is_clean_line(&c.id), "{:?}", c.id);
    assert!(is_clean_line(&c.author), "{:?}", c.author);
    assert!(is_clean_text(&c.text), "{:?}", c.text);
    assert!(c.date.as_deref().is_none_or(is_clean_line));
}

/// Clean fields, and a tree in display order: a reply comes after its parent, one level deeper.
fn check_thread(comments: &[Comment]) {
    let mut depths = std::collections::HashMap::new();
    for c in comments {
        check_comment(c);
        match &c.parent {
            None => assert_eq!(c.depth, 0, "top-level comment {:?}", c.id),
            Some(p) => {
                let parent_depth = depths.get(p.as_str()).copied();
                assert_eq!(
                    parent_depth.map(|d| d + 1),
                    Some(c.depth),
                    "reply {:?}",
                    c.id
                );
            }
        }
        depths.insert(c.id.as_str(), c.depth);
    }
}

/// The sanitizer: its output is clean, and sanitizing again changes nothing.
pub fn sanitize(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let text = herald::sanitize::text(&input);
    assert!(is_clean_text(&text), "{text:?}");
    assert_eq!(herald::sanitize::text(&text), text);
    let line = herald::sanitize::line(&input);
    assert!(is_clean_line(&line), "{line:?}");
    assert_eq!(line.trim(), line);
    assert_eq!(herald::sanitize::line(&line), line);
}

/// Config parsing and validation; an error names the line and column inside the text.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(herald::config::ConfigError::Invalid { line, column, .. }) =
        herald::config::Config::parse(text, "config.toml")
    {
        assert!(line >= 1 && column >= 1);
        assert!(line <= text.lines().count().max(1) + 1);
    }
}

/// Audio probing: the checks and decoder a recording's length is read with, over bytes in
/// memory, then the first samples decoded. Building and decoding are shielded (symphonia 0.5's
/// ADTS reader and AAC decoder panic on some data, see `decode_seekable` and `Shielded`): a
/// panic contained there is the documented outcome, a damaged recording, so only others reach
/// the fuzzer.
pub fn audio_probe(data: &[u8]) {
    let_contained_panics_pass();
    let len = data.len() as u64;
    let reader = std::io::Cursor::new(data.to_vec());
    if let Ok(decoder) = herald::audio::stream::decode_seekable(reader, len, None) {
        let _ = rodio::Source::total_duration(&decoder);
        // As the player and `listen --out` pull samples: through the shield.
        for _ in herald::audio::stream::Shielded::new(decoder).take(4096) {}
    }
}

/// Wraps the panic hook in place (libFuzzer's, which aborts) so a panic inside
/// `herald::shield::run` goes by; any other still reaches it.
fn let_contained_panics_pass() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !herald::shield::active() {
                previous(info);
            }
        }));
    });
}
