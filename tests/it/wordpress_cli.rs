//! End to end against the real WordPress of ../shared/wordpress: `read`, `comments` and a home
//! page subscription, through the real binary, in the block theme and a classic theme.

use crate::common;

use common::wordpress::{self, SITE};
use common::*;

const TITLE: &str = "Iraq Begins Transfer of ISIS Prisoners from Syria Amid Security Concerns";

/// The 13 body paragraphs as the reader sees them on the reference page.
fn reference_paragraphs() -> Vec<String> {
    let seed =
        std::fs::read_to_string(shared().join("seed/article-page.txt")).expect("seed article");
    let lines: Vec<&str> = seed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines
        .iter()
        .position(|l| *l == TITLE)
        .expect("title in seed")
        + 1;
    let end = lines
        .iter()
        .position(|l| *l == "Fact Checker")
        .expect("fact box in seed");
    lines[start..end].iter().map(|l| l.to_string()).collect()
}

/// Text of the site's navigation, sidebar, comments, comment form and footer, in either theme.
const NOT_THE_ARTICLE: [&str; 12] = [
    "Skip to content",
    "Research, monitoring and analysis",
    "Recent Posts",
    "Recent Comments",
    "Archives",
    "Post navigation",
    "Proudly powered by",
    "Leave a Reply",
    "Save my name, email",
    "Your email address will not be published",
    "Consolidating the detainees",
    "Daniel Brooks",
];

/// Words of a text in order, without wrapping, punctuation spacing or link markers.
fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .filter(|w| {
            !(w.starts_with('[') && w.ends_with(']') && w[1..w.len() - 1].parse::<u32>().is_ok())
        })
        .map(str::to_string)
        .collect()
}

fn check_read_and_comments(theme: &str) {
    let dir = temp_dir(&format!("wp-{theme}"));
    write_config(&dir, &[], "");
    let url = format!("{SITE}/?p=4");

    let read = herald(&dir, &["read", &url]);
    assert!(
        read.status.success(),
        "{theme}: read failed: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert_no_control_bytes("read", &read.stdout);
    let text = stdout(&read);
    assert!(text.starts_with(TITLE), "{theme}: title first:\n{text}");
    // Each paragraph, in order, as a run of words (the output is wrapped).
    let body = words(&text).join(" ");
    let mut at = 0;
    for (i, p) in reference_paragraphs().iter().enumerate() {
        let p = words(p).join(" ");
        let found = body[at..].find(&p).unwrap_or_else(|| {
            panic!(
                "{theme}: paragraph {} missing or out of order:\n{p}\n---\n{text}",
                i + 1
            )
        });
        at += found + p.len();
    }
    for unwanted in NOT_THE_ARTICLE {
        assert!(
            !text.contains(unwanted),
            "{theme}: {unwanted:?} is not the article:\n{text}"
        );
    }
    let listen = text
        .lines()
        .find(|l| l.starts_with("Listen: "))
        .unwrap_or_else(|| panic!("{theme}: no Listen line:\n{text}"));
    assert!(
        listen.contains("article-narration.mp3"),
        "{theme}: {listen}"
    );

    let json = herald(&dir, &["read", &url, "--json"]);
    let article: serde_json::Value = serde_json::from_slice(&json.stdout).expect("read --json");
    assert_eq!(article["title"], TITLE);
    let paragraphs: Vec<String> = article["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        paragraphs,
        reference_paragraphs(),
        "{theme}: --json paragraphs"
    );
    let audio = article["narration"]["url"].as_str().unwrap_or_default();
    assert!(
        audio
            .split('?')
            .next()
            .unwrap_or_default()
            .ends_with(".mp3"),
        "{theme}: {audio}"
    );

    let comments = herald(&dir, &["comments", &url]);
    assert!(comments.status.success());
    assert_no_control_bytes("comments", &comments.stdout);
    let text = stdout(&comments);
    assert!(text.starts_with("6 comments"), "{theme}:\n{text}");
    for author in [
        "Daniel Brooks",
        "Mary L. Williams",
        "Samuel Reed",
        "William Taylor",
        "Oliver X. Lopez",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(author)),
            "{theme}: {author} at depth 0:\n{text}"
        );
    }
    assert!(
        text.lines().any(|l| l.starts_with("    Hannah Ortiz")),
        "{theme}: the reply indented:\n{text}"
    );

    let json = herald(&dir, &["comments", &url, "--json"]);
    let thread: serde_json::Value = serde_json::from_slice(&json.stdout).expect("comments --json");
    let list = thread["comments"].as_array().expect("comments");
    assert_eq!(list.len(), 6);
    let reply = list
        .iter()
        .find(|c| c["author"] == "Hannah Ortiz")
        .expect("the reply");
    assert_eq!(reply["depth"], 1);
    let parent = list
        .iter()
        .find(|c| c["id"] == reply["parent"])
        .expect("its parent");
    assert_eq!(parent["author"], "Daniel Brooks");
}

#[test]
fn wordpress_read_comments_and_home_page_subscription() {
    let Some(site) = wordpress::available() else {
        return;
    };
    check_read_and_comments("twentytwentythree");

    let dir = temp_dir("wp-home");
    write_config(&dir, &[format!("{SITE}/")], "");
    let refresh = herald(&dir, &["refresh"]);
    assert_eq!(stdout(&refresh).trim(), "1 feeds, 5 new items, 0 errors");
    let headlines = stdout(&herald(&dir, &["headlines"]));
    assert_eq!(headlines.lines().count(), 5, "{headlines}");
    assert!(
        headlines.lines().next().unwrap_or_default().contains(TITLE),
        "{headlines}"
    );

    site.with_theme("twentytwentyone", || {
        check_read_and_comments("twentytwentyone")
    });
}
