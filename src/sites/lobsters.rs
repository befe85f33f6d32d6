//! Lobsters' public JSON: its listings as headlines, a story's comments as a thread.
//!
//! Lobsters has changed its JSON over the years: users are names or objects with `username`,
//! and a comment's level is `depth` (from 0) or `indent_level` (from 1). Both forms are read.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::LobstersListing;
use super::reddit::{count_of, fetch, from_json, parse_failure, trim_base};
use crate::comments::text::{Ids, markup_text};
use crate::failure::{Failure, FailureKind};
use crate::model::{Comment, CommentKind, CommentSource, CommentThread};
use crate::net::Net;
use crate::sanitize;
use crate::source::feed::FeedItem;

const SITE: &str = "Lobsters";

/// A story, from a listing or (with its `comments`) from its own page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Story {
    short_id: Option<String>,
    url: Option<String>,
    title: Option<String>,
    submitter_user: Option<User>,
    score: Option<i64>,
    comment_count: Option<i64>,
    tags: Option<Vec<String>>,
    description: Option<String>,
    created_at: Option<String>,
    comments: Option<Vec<StoryComment>>,
}

/// A comment of a story's page, in display order.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoryComment {
    short_id: Option<String>,
    /// The level from 0 (today's form).
    depth: Option<u64>,
    /// The level from 1 (older versions).
    indent_level: Option<u64>,
    parent_comment: Option<String>,
    commenting_user: Option<User>,
    comment: Option<String>,
    comment_plain: Option<String>,
    created_at: Option<String>,
    is_deleted: Option<bool>,
    is_moderated: Option<bool>,
}

/// A user: a name, or (older versions) an object with `username`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum User {
    Name(String),
    Object {
        #[serde(default)]
        username: Option<String>,
    },
}

pub async fn headlines(
    net: &Net,
    base: &str,
    listing: &LobstersListing,
) -> Result<Vec<FeedItem>, Failure> {
    let url = listing_url(base, listing)?;
    let body = fetch(net, SITE, &url).await?;
    parse_listing(&body, base).map_err(|e| parse_failure(SITE, &url, &e))
}

/// The comments of story `short_id`.
pub async fn thread(net: &Net, base: &str, short_id: &str) -> Result<CommentThread, Failure> {
    let short_id = short_id.trim();
    if !is_short_id(short_id) {
        return Err(Failure::new(
            FailureKind::BadAddress,
            format!(
                "{SITE}: \"{}\" is not a story id (letters and digits)",
                sanitize::line(short_id)
            ),
        ));
    }
    let url = format!("{}/s/{short_id}.json", trim_base(base));
    let body = fetch(net, SITE, &url).await?;
    parse_thread(&body).map_err(|e| parse_failure(SITE, &url, &e))
}

/// `<base>/hottest.json`, `/newest.json` or `/t/<tag>.json`.
pub fn listing_url(base: &str, listing: &LobstersListing) -> Result<String, Failure> {
    let base = trim_base(base);
    match listing {
        LobstersListing::Hottest => Ok(format!("{base}/hottest.json")),
        LobstersListing::Newest => Ok(format!("{base}/newest.json")),
        LobstersListing::Tag(tag) => {
            let tag = tag.trim();
            // Tags are short lowercase words; anything else would change the URL's meaning.
            let valid = !tag.is_empty()
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if valid {
                Ok(format!("{base}/t/{tag}.json"))
            } else {
                Err(Failure::new(
                    FailureKind::BadAddress,
                    format!(
                        "{SITE}: \"{}\" is not a tag (letters, digits, - and _)",
                        sanitize::line(tag)
                    ),
                ))
            }
        }
    }
}

/// A listing (an array of stories) as headlines.
pub fn parse_listing(json: &[u8], base: &str) -> Result<Vec<FeedItem>, String> {
    let stories: Vec<Story> =
        from_json(json, "not a Lobsters listing (expected a list of stories)")?;
    Ok(stories.iter().filter_map(|s| story_item(s, base)).collect())
}

/// A story page's `comments`, a flat list in display order, threaded.
pub fn parse_thread(json: &[u8]) -> Result<CommentThread, String> {
    const NOT_IT: &str = "not a Lobsters story (no comments list)";
    let story: Story = from_json(json, NOT_IT)?;
    let listed = story.comments.ok_or(NOT_IT)?;
    let mut ids = Ids::default();
    let mut comments = Vec::with_capacity(listed.len());
    let mut seen = std::collections::HashSet::new();
    // The comments above the current one, one per level: where a reply's parent is found when
    // the JSON does not name it.
    let mut open: Vec<(usize, String)> = Vec::new();
    for c in &listed {
        let level = level(c);
        while open.last().is_some_and(|(l, _)| *l >= level) {
            open.pop();
        }
        let mut comment = comment(c, &mut ids);
        let named = c
            .parent_comment
            .as_deref()
            .map(sanitize::line)
            .filter(|p| seen.contains(p));
        comment.parent = named.or_else(|| open.last().map(|(_, id)| id.clone()));
        open.push((level, comment.id.clone()));
        seen.insert(comment.id.clone());
        comments.push(comment);
    }
    // Depths follow from the parents, whatever levels the JSON claimed.
    Ok(CommentThread {
        source: Some(CommentSource::Lobsters),
        comments: crate::comments::thread(comments),
    })
}

/// A comment's level from 0: `depth`, or `indent_level` which counts from 1.
fn level(c: &StoryComment) -> usize {
    let as_usize = |n: Option<u64>| n.and_then(|n| usize::try_from(n).ok());
    as_usize(c.depth)
        .or_else(|| as_usize(c.indent_level).map(|n| n.saturating_sub(1)))
        .unwrap_or(0)
}

fn comment(c: &StoryComment, ids: &mut Ids) -> Comment {
    let author = user_name(c.commenting_user.as_ref());
    let text = match c.comment.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(html) => markup_text(html),
        None => markup_text(c.comment_plain.as_deref().unwrap_or("")),
    };
    let kind = if c.is_deleted == Some(true) {
        CommentKind::Deleted
    } else if c.is_moderated == Some(true) {
        CommentKind::Dead
    } else {
        CommentKind::Normal
    };
    Comment {
        id: ids.assign(c.short_id.as_deref(), &author, &text),
        parent: None,
        depth: 0,
        author,
        date: c
            .created_at
            .as_deref()
            .map(sanitize::line)
            .filter(|d| !d.is_empty()),
        text,
        kind,
    }
}

fn story_item(story: &Story, base: &str) -> Option<FeedItem> {
    let short_id = story.short_id.as_deref().filter(|id| is_short_id(id))?;
    let page = format!("{}/s/{short_id}", trim_base(base));
    let linked = story.url.as_deref().and_then(web_url);
    let title = sanitize::line(story.title.as_deref().unwrap_or(""));
    let author = Some(user_name(story.submitter_user.as_ref())).filter(|a| !a.is_empty());
    let mut facts = vec![
        count_of(story.score.unwrap_or(0), "point", "points"),
        count_of(story.comment_count.unwrap_or(0), "comment", "comments"),
    ];
    if let Some(host) = linked.as_ref().and_then(Url::host_str) {
        facts.push(sanitize::line(host.trim_start_matches("www.")));
    }
    let tags: Vec<String> = story
        .tags
        .iter()
        .flatten()
        .map(|t| sanitize::line(t))
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        facts.push(tags.join(", "));
    }
    let content_html = story
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(sanitize::text);
    Some(FeedItem {
        key: page.clone(),
        link: Some(linked.map_or_else(|| page.clone(), String::from)),
        title: if title.is_empty() {
            page.clone()
        } else {
            title
        },
        author,
        published: story
            .created_at
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc)),
        summary: Some(facts.join(" · ")),
        content_html,
        comments_url: Some(page),
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    })
}

/// A user as a name, or (older versions) as an object with `username`.
fn user_name(user: Option<&User>) -> String {
    let name = match user {
        Some(User::Name(name)) => name.as_str(),
        Some(User::Object { username }) => username.as_deref().unwrap_or(""),
        None => "",
    };
    sanitize::line(name)
}

/// Story ids are short base-36 strings: anything else would not be one, and could change a URL.
fn is_short_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 16 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

fn web_url(url: &str) -> Option<Url> {
    let url = Url::parse(&sanitize::line(url)).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(t: &CommentThread) -> Vec<(&str, Option<&str>, usize)> {
        t.comments
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth))
            .collect()
    }

    #[test]
    fn threads_by_depth_in_display_order() {
        // Today's form: `depth` from 0, users by name, `parent_comment` named.
        let json = r#"{"short_id": "q1w2e3", "title": "Sorting in place", "comments": [
          {"short_id": "aa1", "depth": 0, "parent_comment": null, "commenting_user": "ada",
           "comment": "<p>First &amp; foremost.</p>", "created_at": "2026-01-02T10:00:00.000-06:00",
           "is_deleted": false, "is_moderated": false},
          {"short_id": "bb2", "depth": 1, "parent_comment": "aa1", "commenting_user": "bea",
           "comment": "<p>Agreed.</p><p>Mostly.</p>", "is_deleted": false, "is_moderated": false},
          {"short_id": "cc3", "depth": 2, "commenting_user": "cyd",
           "comment": "", "comment_plain": "", "is_deleted": true, "is_moderated": false},
          {"short_id": "dd4", "depth": 1, "parent_comment": "aa1", "commenting_user": "dan",
           "comment": "<p>Off topic.</p>", "is_deleted": false, "is_moderated": true},
          {"short_id": "ee5", "depth": 0, "commenting_user": "eve", "comment_plain": "plain only"}
        ]}"#;
        let t = parse_thread(json.as_bytes()).expect("parses");
        assert_eq!(t.source, Some(CommentSource::Lobsters));
        assert_eq!(
            shape(&t),
            [
                ("aa1", None, 0),
                ("bb2", Some("aa1"), 1),
                ("cc3", Some("bb2"), 2),
                ("dd4", Some("aa1"), 1),
                ("ee5", None, 0),
            ]
        );
        assert_eq!(t.comments[0].text, "First & foremost.");
        assert_eq!(t.comments[1].text, "Agreed.\n\nMostly.");
        assert_eq!(t.comments[2].kind, CommentKind::Deleted);
        assert_eq!(t.comments[3].kind, CommentKind::Dead);
        assert_eq!(t.comments[4].text, "plain only");
        assert_eq!(
            t.comments[0].date.as_deref(),
            Some("2026-01-02T10:00:00.000-06:00")
        );
    }

    #[test]
    fn older_form_indent_level_and_user_objects() {
        let json = r#"{"comments": [
          {"short_id": "x1", "indent_level": 1, "commenting_user": {"username": "old\u001b]0;t\u0007"}, "comment": "<p>a</p>"},
          {"short_id": "x2", "indent_level": 2, "commenting_user": {"username": "b"}, "comment": "<p>b</p>"},
          {"short_id": "x3", "indent_level": 4, "commenting_user": {"username": "c"}, "comment": "<p>skips a level</p>"},
          {"short_id": "x4", "indent_level": 2, "commenting_user": {"username": "d"}, "comment": "<p>d</p>"}
        ]}"#;
        let t = parse_thread(json.as_bytes()).expect("parses");
        assert_eq!(
            shape(&t),
            [
                ("x1", None, 0),
                ("x2", Some("x1"), 1),
                ("x3", Some("x2"), 2),
                ("x4", Some("x1"), 1),
            ]
        );
        assert_eq!(t.comments[0].author, "old");
        assert!(parse_thread(b"[]").is_err());
    }

    #[test]
    fn listing_links_summary_and_text_posts() {
        let json = r#"[
          {"short_id": "ab12cd", "short_id_url": "https://lobste.rs/s/ab12cd", "title": "A linked story",
           "url": "https://www.example.org/post", "score": 42, "comment_count": 7,
           "created_at": "2026-01-02T10:00:00.000-06:00", "submitter_user": "ada",
           "comments_url": "https://lobste.rs/s/ab12cd/a_linked_story", "description": "",
           "tags": ["rust", "performance"]},
          {"short_id": "ef34gh", "title": "Ask: a text post", "url": "", "score": 1, "comment_count": 0,
           "created_at": "2026-01-03T08:30:00Z", "submitter_user": {"username": "bea"},
           "description": "<p>What do you use?</p>", "tags": ["ask"]},
          {"short_id": "../x", "title": "bad id"}
        ]"#;
        let items = parse_listing(json.as_bytes(), "http://l.test/").expect("parses");
        assert_eq!(items.len(), 2);
        let linked = &items[0];
        assert_eq!(linked.link.as_deref(), Some("https://www.example.org/post"));
        assert_eq!(
            linked.comments_url.as_deref(),
            Some("http://l.test/s/ab12cd")
        );
        assert_eq!(linked.author.as_deref(), Some("ada"));
        assert_eq!(
            linked.summary.as_deref(),
            Some("42 points · 7 comments · example.org · rust, performance")
        );
        assert_eq!(
            linked.published.map(|d| d.to_rfc3339()),
            Some("2026-01-02T16:00:00+00:00".into())
        );
        let text = &items[1];
        assert_eq!(text.link.as_deref(), Some("http://l.test/s/ef34gh"));
        assert_eq!(text.author.as_deref(), Some("bea"));
        assert_eq!(text.summary.as_deref(), Some("1 point · 0 comments · ask"));
        assert_eq!(
            text.content_html.as_deref(),
            Some("<p>What do you use?</p>")
        );
    }

    #[test]
    fn listing_urls() {
        let base = "https://lobste.rs/";
        assert_eq!(
            listing_url(base, &LobstersListing::Hottest).as_deref(),
            Ok("https://lobste.rs/hottest.json")
        );
        assert_eq!(
            listing_url(base, &LobstersListing::Newest).as_deref(),
            Ok("https://lobste.rs/newest.json")
        );
        assert_eq!(
            listing_url(base, &LobstersListing::Tag("rust".into())).as_deref(),
            Ok("https://lobste.rs/t/rust.json")
        );
        assert!(listing_url(base, &LobstersListing::Tag("a/../b".into())).is_err());
    }
}
