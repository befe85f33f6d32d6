//! The data herald shows: headlines, articles, comments and narration. Plain data, serializable
//! for `--json` and the cache; every string in here has already been sanitized.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod index;
pub use index::{HeadlineIndex, Listing, Marks};

/// One comment of a thread, in display order: a reply follows its parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    /// The id of the comment this one answers; `None` for a top-level comment.
    pub parent: Option<String>,
    /// 0 for a top-level comment, parent's depth + 1 for a reply.
    pub depth: usize,
    pub author: String,
    /// As the site gives it, ISO 8601 where the source has one.
    pub date: Option<String>,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Deleted or dead (then shown as such, never dropped), or a stub for replies not loaded.
    #[serde(default, skip_serializing_if = "CommentKind::is_normal")]
    pub kind: CommentKind,
}

/// What a comment is besides an ordinary one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommentKind {
    #[default]
    Normal,
    /// Removed by its author or the site; its place in the thread stays.
    Deleted,
    /// Hidden by the site's moderation (Hacker News "dead").
    Dead,
    /// `count` more replies the site did not send; `children` names them for loading on
    /// request (Reddit's `more` objects).
    More { count: usize, children: Vec<String> },
}

impl CommentKind {
    pub fn is_normal(&self) -> bool {
        *self == CommentKind::Normal
    }
}

/// Where a thread came from, richest first when several are available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommentSource {
    PageMarkup,
    WordpressApi,
    CommentsFeed,
    JsonLd,
    Microdata,
    HackerNews,
    Reddit,
    Lobsters,
}

impl CommentSource {
    pub fn describe(self) -> &'static str {
        match self {
            CommentSource::PageMarkup => "the page",
            CommentSource::WordpressApi => "the WordPress API",
            CommentSource::CommentsFeed => "the comments feed",
            CommentSource::JsonLd => "the page's JSON-LD",
            CommentSource::Microdata => "the page's microdata",
            CommentSource::HackerNews => "Hacker News",
            CommentSource::Reddit => "Reddit",
            CommentSource::Lobsters => "Lobsters",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentThread {
    pub source: Option<CommentSource>,
    pub comments: Vec<Comment>,
}

/// Where an article's own narration was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NarrationSource {
    AudioElement,
    OgAudio,
    JsonLd,
    FeedEnclosure,
}

impl NarrationSource {
    pub fn describe(self) -> &'static str {
        match self {
            NarrationSource::AudioElement => "audio element in the page",
            NarrationSource::OgAudio => "og:audio in the page",
            NarrationSource::JsonLd => "JSON-LD in the page",
            NarrationSource::FeedEnclosure => "feed enclosure",
        }
    }
}

/// The article's own recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Narration {
    pub url: String,
    pub media_type: Option<String>,
    pub source: NarrationSource,
}

/// A headline as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    pub id: i64,
    /// The feed's name: the user's, else the feed's own title, else its URL. Shared by the
    /// headlines of one feed: a long list holds one copy per feed, not one per headline.
    pub feed: Arc<str>,
    /// The subscribed URL, shared like `feed`.
    pub feed_url: Arc<str>,
    pub title: String,
    pub link: Option<String>,
    /// Shared like `feed`: a feed's headlines often have the same few authors.
    pub author: Option<Arc<str>>,
    /// RFC 3339.
    pub published: Option<String>,
    pub read: bool,
    pub starred: bool,
    /// Heard past 90 % or to its end.
    #[serde(default)]
    pub listened: bool,
    pub comments_url: Option<String>,
    /// Boxed: most headlines have none, and a long list then holds a pointer for each.
    pub narration: Option<Box<Narration>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comments_kind_reads_plainly_in_json() {
        let json = |k: &CommentKind| serde_json::to_string(k).expect("serializes");
        assert_eq!(json(&CommentKind::Deleted), "\"deleted\"");
        assert_eq!(json(&CommentKind::Dead), "\"dead\"");
        let more = CommentKind::More {
            count: 2,
            children: vec!["a".into()],
        };
        assert_eq!(json(&more), r#"{"more":{"count":2,"children":["a"]}}"#);
        let back: CommentKind = serde_json::from_str(&json(&more)).expect("reads back");
        assert_eq!(back, more);
    }
}
