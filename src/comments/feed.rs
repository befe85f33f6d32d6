//! A comments feed (RSS or Atom), e.g. WordPress's `<article-url>feed/` or an item's
//! `wfw:commentRss`. Flat, oldest first, except where WordPress's "In reply to <a>Name</a>."
//! names a parent that is in the same feed: then the reply is threaded under it.

use scraper::{ElementRef, Node};

use super::text::{Ids, markup_text, wp_comment_id};
use super::thread;
use crate::model::{Comment, CommentKind};
use crate::sanitize;

const HINT: &str = "In reply to";

/// The comments of a feed document; anything that is not a feed gives an empty list.
pub fn parse(body: &[u8], content_type: Option<&str>, url: &url::Url) -> Vec<Comment> {
    let Ok(Some(feed)) = crate::source::feed::parse_raw(body, content_type, url) else {
        return Vec::new();
    };
    let mut entries = feed.entries;
    // Feeds list the newest first; a thread reads oldest first. Without every date the
    // feed's own order is all there is.
    if entries.iter().all(|e| e.published.or(e.updated).is_some()) {
        entries.sort_by_key(|e| e.published.or(e.updated));
    } else {
        entries.reverse();
    }

    let mut ids = Ids::default();
    let mut comments: Vec<Comment> = Vec::new();
    for e in entries {
        let title = e.title.as_ref().map(|t| sanitize::line(&t.content));
        let author = e
            .authors
            .iter()
            .find_map(|p| p.name.as_deref())
            .map(sanitize::line)
            .filter(|a| !a.is_empty())
            // WordPress titles its comment items "By: Name".
            .or_else(|| {
                title
                    .as_deref()?
                    .strip_prefix("By:")
                    .map(|a| a.trim().to_string())
            })
            .unwrap_or_default();
        let body = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let mut text = markup_text(&body);
        let given = e
            .links
            .iter()
            .find_map(|l| wp_comment_id(&l.href))
            .or_else(|| wp_comment_id(&e.id))
            .map(str::to_string);

        let mut parent = None;
        if let Some((parent_id, name)) = reply_hint(&body) {
            let prefix = format!("{HINT} {name}.");
            // Reliable only when the parent is an earlier comment of this same feed; otherwise the
            // line stays in the text, where it still tells the reader whom this answers.
            if comments.iter().any(|c| c.id == parent_id) && text.starts_with(&prefix) {
                text = text[prefix.len()..].trim_start().to_string();
                parent = Some(parent_id);
            }
        }
        let id = ids.assign(given.as_deref(), &author, &text);
        comments.push(Comment {
            id,
            parent,
            depth: 0,
            author,
            date: e.published.or(e.updated).map(|d| d.to_rfc3339()),
            text,
            kind: CommentKind::Normal,
        });
    }
    thread(comments)
}

/// WordPress starts a reply's content with `In reply to <a href="...#comment-N">Name</a>.`:
/// the parent's id and the name as the text shows it.
fn reply_hint(body: &str) -> Option<(String, String)> {
    let doc = crate::html::parse_fragment(body);
    let mut before = String::new();
    for node in doc.root_element().descendants() {
        match node.value() {
            Node::Text(t) => before.push_str(t),
            Node::Element(e) if e.name() == "a" => {
                if before.trim() != HINT {
                    return None;
                }
                let id = wp_comment_id(e.attr("href")?)?;
                let a = ElementRef::wrap(node)?;
                let name = sanitize::line(&a.text().collect::<String>());
                return Some((sanitize::line(id), name));
            }
            _ => {}
        }
        if before.len() > HINT.len() + 16 {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    fn base() -> url::Url {
        url::Url::parse("http://example.org/feed/").expect("constant URL")
    }

    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Comments on: Post</title>
<item><title>By: Cy</title><link>http://x/post/#comment-5</link><dc:creator><![CDATA[Cy]]></dc:creator>
 <pubDate>Thu, 19 Nov 2026 14:00:00 +0000</pubDate>
 <description><![CDATA[In reply to <a href="http://x/post/#comment-3">Bob</a>.

Two deep.]]></description>
 <content:encoded><![CDATA[<p>In reply to <a href="http://x/post/#comment-3">Bob</a>.</p>
<p>Two deep.</p>]]></content:encoded></item>
<item><title>By: Bob</title><link>http://x/post/#comment-3</link><dc:creator>Bob</dc:creator>
 <pubDate>Thu, 19 Nov 2026 13:00:00 +0000</pubDate>
 <description><![CDATA[In reply to <a href="http://x/post/#comment-2">Ann</a>.

One deep.]]></description></item>
<item><title>By: Dan</title><link>http://x/post/#comment-4</link><dc:creator>Dan</dc:creator>
 <pubDate>Thu, 19 Nov 2026 12:30:00 +0000</pubDate>
 <content:encoded><![CDATA[<p>In reply to <a href="http://x/post/#comment-1">Old</a>.</p><p>Parent not in feed.</p>]]></content:encoded></item>
<item><title>By: Ann</title><link>http://x/post/#comment-2</link><dc:creator>Ann</dc:creator>
 <pubDate>Thu, 19 Nov 2026 12:00:00 +0000</pubDate>
 <content:encoded><![CDATA[<p>First &amp; foremost.</p><p>Para two.</p>]]></content:encoded></item>
</channel></rss>"#;

    #[test]
    fn rss_oldest_first_with_reliable_reply_hints() {
        let cs = parse(RSS.as_bytes(), None, &base());
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.parent.as_deref(),
                    c.depth,
                    c.author.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("2", None, 0, "Ann"),
                ("3", Some("2"), 1, "Bob"),
                ("5", Some("3"), 2, "Cy"),
                ("4", None, 0, "Dan")
            ]
        );
        assert_eq!(cs[0].text, "First & foremost.\n\nPara two.");
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T12:00:00+00:00"));
        assert_eq!(cs[1].text, "One deep.");
        assert_eq!(cs[2].text, "Two deep.");
        // The parent is not in the feed: flat, and the hint stays readable.
        assert_eq!(cs[3].text, "In reply to Old.\n\nParent not in feed.");
    }

    #[test]
    fn atom_and_title_fallback() {
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>c</title>
<entry><id>tag:x,2026:c1</id><title>By: Eve</title><updated>2026-11-19T10:00:00Z</updated>
<content type="html">&lt;p&gt;Hello&lt;/p&gt;</content></entry></feed>"#;
        let cs = parse(atom.as_bytes(), None, &base());
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].author.as_str(), cs[0].text.as_str()),
            ("Eve", "Hello")
        );
        assert!(parse(b"<html><body>not a feed</body></html>", None, &base()).is_empty());
    }

    #[test]
    fn hostile_fields_are_sanitized() {
        let t = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m\u{9b}6n\u{202e}evil\x07";
        // XML 1.0 forbids most C0 characters, so a feed can only carry them as lenient parsers
        // read them; C1 and bidi characters are legal.
        let xml = format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>x</title><item><title>{t}</title><link>http://x/#comment-{t}</link><dc:creator>{t}</dc:creator><description>{t}</description></item></channel></rss>"#
        );
        let cs = parse(xml.as_bytes(), None, &base());
        assert_eq!(cs.len(), 1);
        for c in &cs {
            crate::comments::test_support::assert_clean(c);
        }
        let c1 = "\u{9b}6n\u{202e}evil";
        let xml = format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>By: {c1}</title><description>&lt;p&gt;{c1}&lt;/p&gt;</description></item></channel></rss>"#
        );
        let cs = parse(xml.as_bytes(), None, &base());
        assert_eq!(
            (cs[0].author.as_str(), cs[0].text.as_str()),
            ("evil", "evil")
        );
    }
}
