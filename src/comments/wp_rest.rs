//! The WordPress REST API: `/wp-json/wp/v2/comments?post=ID&per_page=100`, threaded by `parent`.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::text::{Ids, markup_text};
use super::thread;
use crate::model::{Comment, CommentKind};
use crate::sanitize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Rest {
    id: u64,
    parent: u64,
    author_name: String,
    date: Option<String>,
    date_gmt: Option<String>,
    content: Rendered,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Rendered {
    rendered: String,
}

/// The comments of one REST response in display order: chronological among siblings, a reply
/// right after its parent. Anything that is not a list of comments gives an empty list.
pub fn parse(json: &str) -> Vec<Comment> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Vec::new();
    };
    // One malformed entry should not cost the others.
    let mut items: Vec<Rest> = items
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    // `date_gmt` is UTC without an offset; saying so makes it comparable with the page's dates.
    let when = |c: &Rest| {
        c.date_gmt
            .as_ref()
            .map(|d| format!("{d}+00:00"))
            .or_else(|| c.date.clone())
    };
    items.sort_by_key(|c| (when(c), c.id));
    let mut ids = Ids::default();
    let comments = items
        .iter()
        .map(|c| {
            let author = sanitize::line(&c.author_name);
            let text = markup_text(&c.content.rendered);
            Comment {
                id: ids.assign(Some(&c.id.to_string()), &author, &text),
                parent: (c.parent != 0).then(|| c.parent.to_string()),
                depth: 0,
                author,
                date: when(c).map(|d| sanitize::line(&d)),
                text,
                kind: CommentKind::Normal,
            }
        })
        .collect();
    thread(comments)
}

/// The comments URL for post `post_id` under the REST root `api_root` (the page's
/// `<link rel="https://api.w.org/">`), which is `?rest_route=/` on sites without pretty links.
pub fn comments_url(api_root: &Url, post_id: u64) -> Option<Url> {
    let mut url = if api_root.query_pairs().any(|(k, _)| k == "rest_route") {
        let mut url = api_root.clone();
        let kept: Vec<(String, String)> = api_root
            .query_pairs()
            .filter(|(k, _)| k != "rest_route")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("rest_route", "/wp/v2/comments");
        url
    } else {
        let mut root = api_root.clone();
        if !root.path().ends_with('/') {
            root.set_path(&format!("{}/", root.path()));
        }
        root.set_query(None);
        root.join("wp/v2/comments").ok()?
    };
    url.set_fragment(None);
    url.query_pairs_mut()
        .append_pair("post", &post_id.to_string())
        .append_pair("per_page", "100");
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_by_parent_chronologically() {
        // Newest first, as WordPress sends it; 6 answers 5 which answers 2.
        let json = r#"[
 {"id": 7, "parent": 0, "author_name": "Late", "date": "2026-11-19T17:05:00", "date_gmt": "2026-11-19T17:05:00", "content": {"rendered": "<p>Last.</p>\n"}},
 {"id": 6, "parent": 5, "author_name": "Deep", "date_gmt": "2026-11-19T16:00:00", "content": {"rendered": "<p>Two deep.</p>"}},
 {"id": 5, "parent": 2, "author_name": "Mid", "date_gmt": "2026-11-19T15:00:00", "content": {"rendered": "<p>One deep.</p>"}},
 {"id": 3, "parent": 0, "author_name": "Second", "date_gmt": "2026-11-19T12:00:00", "content": {"rendered": "<p>a</p><p>b</p>"}},
 {"id": 2, "parent": 0, "author_name": "First", "date_gmt": "2026-11-19T11:30:00", "content": {"rendered": "<p>First!</p>"}},
 {"id": "broken"}
]"#;
        let cs = parse(json);
        let got: Vec<_> = cs
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth))
            .collect();
        assert_eq!(
            got,
            [
                ("2", None, 0),
                ("5", Some("2"), 1),
                ("6", Some("5"), 2),
                ("3", None, 0),
                ("7", None, 0)
            ]
        );
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T11:30:00+00:00"));
        assert_eq!(cs[3].text, "a\n\nb");
        assert_eq!(cs[4].author, "Late");
    }

    #[test]
    fn orphans_and_errors() {
        // A reply whose parent is on another page is shown at the top level.
        let cs =
            parse(r#"[{"id": 9, "parent": 4, "author_name": "X", "content": {"rendered": "hi"}}]"#);
        assert_eq!((cs[0].parent.as_deref(), cs[0].depth), (None, 0));
        assert!(
            parse(r#"{"code": "rest_post_invalid_id", "message": "Invalid post ID."}"#).is_empty()
        );
        assert!(parse("<html>").is_empty());
    }

    #[test]
    fn hostile_fields_are_sanitized() {
        let t =
            "\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31mRED\\u001b[0m\\u009b6n\\u202eevil\\u0007";
        let json = format!(
            r#"[{{"id": 1, "author_name": "{t}", "date": "{t}", "content": {{"rendered": "<p>{t}</p>"}}}}]"#
        );
        let cs = parse(&json);
        assert_eq!(cs[0].author, "REDevil");
        assert_eq!(cs[0].text, "REDevil");
        assert_eq!(cs[0].date.as_deref(), Some("REDevil"));
    }

    #[test]
    fn urls() {
        let root = Url::parse("https://ex.org/blog/wp-json/").expect("test URL");
        assert_eq!(
            comments_url(&root, 4).map(String::from).as_deref(),
            Some("https://ex.org/blog/wp-json/wp/v2/comments?post=4&per_page=100")
        );
        let root = Url::parse("https://ex.org/?rest_route=/").expect("test URL");
        assert_eq!(
            comments_url(&root, 4).map(String::from).as_deref(),
            Some("https://ex.org/?rest_route=%2Fwp%2Fv2%2Fcomments&post=4&per_page=100")
        );
    }
}
