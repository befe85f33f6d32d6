//! RSS 0.9x/1.0/2.0, Atom and JSON Feed, parsed by feed-rs into sanitized items.

use feed_rs::model::{FeedType, LinkTarget};
use quick_xml::events::Event;
use url::Url;

use super::json_feed;
use crate::net::decode_text;
use crate::sanitize;

/// One entry of a feed, ready for the store.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The entry's guid (or Atom id), or its link when it has none: what deduplicates it.
    pub key: String,
    pub link: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    /// Plain-text summary.
    pub summary: Option<String>,
    /// Full content HTML when the feed carries it (`content:encoded`, Atom content).
    pub content_html: Option<String>,
    /// The discussion page (`<comments>`).
    pub comments_url: Option<String>,
    /// The comments feed (`wfw:commentRss`).
    pub comments_feed: Option<String>,
    /// Audio enclosures: URL and media type.
    pub enclosures: Vec<(String, Option<String>)>,
    /// The enclosure herald would play, resolved against the feed's own URL (so a local feed may
    /// name a local recording, and a web feed never can).
    pub narration: Option<crate::model::Narration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub items: Vec<FeedItem>,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a feed: {0}")]
    Invalid(String),
}

/// True when `body` starts like an XML or JSON feed rather than an HTML page.
pub fn looks_like_feed(body: &[u8]) -> bool {
    // Decoded, so a UTF-16 or UTF-32 feed is recognised too; whole code units of either.
    let head = decode_text(&body[..body.len().min(1024)], None).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        return head.contains("jsonfeed.org");
    }
    let after_decl = find_root(head).map_or("", |i| &head[i..]);
    after_decl.starts_with("<rss")
        || after_decl.starts_with("<feed")
        || after_decl.starts_with("<rdf:rdf")
        || after_decl.starts_with("<channel")
}

/// Parses a feed. `base` resolves relative links; `content_type` is the HTTP header, which names
/// the charset when the document does not start with a BOM.
pub fn parse(body: &[u8], content_type: Option<&str>, base: &Url) -> Result<ParsedFeed, FeedError> {
    let feed = match parse_raw(body, content_type, base)? {
        Some(feed) => feed,
        None => {
            return Ok(ParsedFeed {
                title: None,
                items: Vec::new(),
            });
        }
    };
    let title = feed
        .title
        .as_ref()
        .map(|t| sanitize::line(&html_to_text(&t.content)))
        .filter(|t| !t.is_empty());
    let json = feed.feed_type == FeedType::JSON;
    let items = feed
        .entries
        .into_iter()
        .map(|e| item_from_entry(e, base, json))
        .collect();
    Ok(ParsedFeed { title, items })
}

/// The feed-rs model of a document, decoded herald's way (a JSON Feed also made lenient first) and shielded from parser panics; `None` for an RSS document with nothing in it
/// (valid, and empty, though feed-rs rejects it).
pub fn parse_raw(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<Option<feed_rs::model::Feed>, FeedError> {
    let text = decode_text(body, content_type);
    let utf8 = if is_json(&text) {
        json_feed::conform(&text).unwrap_or(text).into_bytes()
    } else {
        // Declarations last: rewriting the root tag can change where quoted values end.
        let xml = strip_declarations(&normalize_root(space_out_addresses(&text).into_owned()));
        if is_empty_rss(&xml) {
            return Ok(None);
        }
        xml.into_bytes()
    };
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .id_generator(|links, title, _| {
            // No guid: the link deduplicates, else the title.
            match links.first() {
                Some(l) => format!("link:{}", l.href),
                None => format!(
                    "title:{}",
                    title.as_ref().map_or("", |t| t.content.as_str())
                ),
            }
        })
        .build();
    // A parser bug on hostile input must cost one feed, not the whole refresh.
    crate::shield::run(|| parser.parse(utf8.as_slice()))
        .ok_or_else(|| FeedError::Invalid("the feed parser gave up on this document".into()))?
        .map(Some)
        .map_err(|e| FeedError::Invalid(sanitize::line(&e.to_string())))
}

fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Old RSS dialects feed-rs does not dispatch on: `<rss>` without a version or of 0.93/0.94
/// (shaped like 2.0), and RSS 0.90's Netscape namespace (shaped like RSS 1.0).
fn normalize_root(mut xml: String) -> String {
    const RSS_090_NS: &str = "http://channel.netscape.com/rdf/simple/0.9/";
    if let Some(i) = xml.find(RSS_090_NS) {
        xml.replace_range(i..i + RSS_090_NS.len(), "http://purl.org/rss/1.0/");
        return xml;
    }
    let Some(start) = find_root(&xml).filter(|&i| xml[i..].starts_with("<rss")) else {
        return xml;
    };
    let Some(len) = xml[start..].find('>') else {
        return xml;
    };
    let tag = &xml[start..start + len];
    let known = [
        "version=\"2.0\"",
        "version=\"0.91\"",
        "version=\"0.92\"",
        "version='2.0'",
    ];
    if known.iter().any(|k| tag.contains(k)) {
        return xml;
    }
    let without_version = match tag.find("version=") {
        Some(v) => {
            let value = &tag[v + "version=".len()..];
            // Quoted up to the closing quote; unquoted (ill-formed) up to the next space.
            let len = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].find(q).map_or(value.len(), |e| e + 2),
                _ => value.find(char::is_whitespace).unwrap_or(value.len()),
            };
            format!("{}{}", &tag[..v], &value[len..])
        }
        None => tag.to_string(),
    };
    let fixed = format!("<rss version=\"2.0\"{}", &without_version[4..]);
    xml.replace_range(start..start + len, &fixed);
    xml
}

fn is_empty_rss(xml: &str) -> bool {
    find_root(xml).is_some_and(|i| xml[i..].starts_with("<rss")) && !xml.contains("<channel")
}

/// Byte offset of the root element's start tag.
fn find_root(xml: &str) -> Option<usize> {
    let mut offset = 0;
    loop {
        let i = offset + xml[offset..].find('<')?;
        let rest = &xml[i..];
        let skip = if rest.starts_with("<?") {
            rest.find("?>").map(|e| e + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|e| e + 1)
        } else {
            return Some(i);
        };
        offset = i + skip?;
    }
}

/// Removes every XML declaration, wherever quick-xml (feed-rs's reader) finds one. One in the
/// prolog may name an encoding the text no longer has (herald hands feed-rs UTF-8), and one
/// that names an encoding anywhere later makes quick-xml panic. quick-xml itself finds them, so
/// comments, CDATA sections and quoted values are read exactly as feed-rs will read them.
fn strip_declarations(xml: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().trim_text(false);
    let mut declarations = Vec::new();
    loop {
        let start = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Decl(_)) => declarations.push((start, reader.buffer_position())),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            // feed-rs stops at an error, though it may read an event or two beyond it: reading
            // on finds the declarations there too.
            Err(_) if reader.buffer_position() > start => {}
            Err(_) => break,
        }
    }
    if declarations.is_empty() {
        return xml.to_string();
    }
    let mut out = String::with_capacity(xml.len());
    let mut from = 0;
    for (start, end) in declarations {
        let (start, end) = (to_index(start), to_index(end));
        // Positions are at `<` and after `>`, always character boundaries.
        if let (Some(kept), true) = (xml.get(from..start), xml.is_char_boundary(end)) {
            out.push_str(kept);
            from = end;
        }
    }
    out.push_str(xml.get(from..).unwrap_or_default());
    out
}

fn to_index(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// feed-rs panics on an author (`<author>`, `dc:creator`, a JSON Feed name) holding an email
/// address right next to a character of more than one byte, as in `Ann «ann@example.org»`.
/// A space there keeps the text and spares the feed: the address is a run of ASCII characters
/// around an `@`, and a space is put between it and a non-ASCII character, or a character
/// reference (`&...;`) that may stand for one.
pub(crate) fn space_out_addresses(text: &str) -> std::borrow::Cow<'_, str> {
    let is_part = |c: char| c.is_ascii_graphic() && c != '&' && c != ';';
    let needs_space_before = |c: char| !c.is_ascii() || c == ';';
    let needs_space_after = |c: char| !c.is_ascii() || c == '&';
    let mut inserts = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_part(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = text[at..]
            .char_indices()
            .find(|&(_, c)| !is_part(c))
            .map_or(text.len(), |(i, _)| at + i);
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(needs_space_before)
        {
            inserts.push(start);
        }
        if text[end..].chars().next().is_some_and(needs_space_after) {
            inserts.push(end);
        }
    }
    if inserts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    inserts.sort_unstable();
    inserts.dedup();
    let mut out = String::with_capacity(text.len() + inserts.len());
    let mut from = 0;
    for i in inserts {
        out.push_str(&text[from..i]);
        out.push(' ');
        from = i;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// `json`: the entry is a JSON Feed item, whose attachments feed-rs gives as links with a type
/// (and no rel); they are its enclosures, never its link.
fn item_from_entry(e: feed_rs::model::Entry, base: &Url, json: bool) -> FeedItem {
    let resolve = |href: &str| -> String {
        base.join(href.trim())
            .map(|u| u.to_string())
            .unwrap_or_else(|_| href.trim().to_string())
    };
    let is_attachment = |l: &&feed_rs::model::Link| json && l.media_type.is_some();
    let page_links = || e.links.iter().filter(|l| !is_attachment(l));
    let link = page_links()
        .find(|l| l.target.is_none() && matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| page_links().find(|l| l.target.is_none()))
        .map(|l| resolve(&l.href));
    let target_link = |t: LinkTarget| {
        e.links
            .iter()
            .find(|l| l.target == Some(t.clone()))
            .map(|l| resolve(&l.href))
    };
    let comments_url = target_link(LinkTarget::Comments);
    let comments_feed = target_link(LinkTarget::CommentsFeed);
    let mut enclosures: Vec<(String, Option<String>)> = e
        .media
        .iter()
        .flat_map(|m| m.content.iter())
        .filter_map(|c| {
            let url = c.url.as_ref()?.to_string();
            Some((url, c.content_type.as_ref().map(|t| t.to_string())))
        })
        .collect();
    // Atom enclosures and JSON Feed attachments arrive as links.
    enclosures.extend(
        e.links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("enclosure") || is_attachment(l))
            .map(|l| (resolve(&l.href), l.media_type.clone())),
    );
    let title = e
        .title
        .as_ref()
        .map(|t| sanitize::line(&html_to_text(&t.content)))
        .filter(|t| !t.is_empty())
        .or_else(|| link.clone())
        .unwrap_or_else(|| "(untitled)".to_string());
    let author = e
        .authors
        .iter()
        .find_map(|p| p.name.as_deref())
        .map(sanitize::line)
        .filter(|a| !a.is_empty());
    let summary = e
        .summary
        .as_ref()
        .map(|s| sanitize::text(html_to_text(&s.content).trim()))
        .filter(|s| !s.is_empty());
    let content_html = e
        .content
        .and_then(|c| c.body)
        .filter(|b| !b.trim().is_empty());
    let key = if e.id.is_empty() {
        link.clone().unwrap_or_else(|| title.clone())
    } else {
        e.id
    };
    let narration = crate::narration::from_enclosures(
        enclosures.iter().map(|(u, t)| (u.as_str(), t.as_deref())),
        Some(base),
    );
    FeedItem {
        narration,
        key,
        link,
        title,
        author,
        published: e.published.or(e.updated),
        summary,
        content_html,
        comments_url,
        comments_feed,
        enclosures,
    }
}

/// Feed titles and summaries may hold markup and entities; readers want the text.
pub(crate) fn html_to_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.to_string();
    }
    let fragment = crate::html::parse_fragment(s);
    fragment.root_element().text().collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://example.org/feed.xml").expect("constant URL")
    }

    #[test]
    fn rss_with_enclosure_comments_and_guid() {
        let xml = br#"<?xml version="1.0"?><rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>T</title>
<item><title>One &amp; two</title><link>/a</link><guid>g1</guid><comments>/a#c</comments>
<wfw:commentRss>/a/feed/</wfw:commentRss><enclosure url="/n.mp3" length="1" type="audio/mpeg"/>
<pubDate>Thu, 01 Oct 2026 10:00:00 +0000</pubDate><description>&lt;p&gt;Hi &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>No guid</title><link>http://example.org/b</link></item></channel></rss>"#;
        let f = parse(xml, None, &base()).expect("parses");
        assert_eq!(f.title.as_deref(), Some("T"));
        let a = &f.items[0];
        assert_eq!(a.key, "g1");
        assert_eq!(a.title, "One & two");
        assert_eq!(a.link.as_deref(), Some("http://example.org/a"));
        assert_eq!(a.comments_url.as_deref(), Some("http://example.org/a#c"));
        assert_eq!(
            a.comments_feed.as_deref(),
            Some("http://example.org/a/feed/")
        );
        assert_eq!(a.enclosures[0].0, "http://example.org/n.mp3");
        assert_eq!(a.summary.as_deref(), Some("Hi there"));
        assert!(a.published.is_some());
        assert_eq!(f.items[1].key, "link:http://example.org/b");
    }

    #[test]
    fn header_charset_beats_declaration() {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Café</title></channel></rss>";
        let f = parse(
            xml.as_bytes(),
            Some("application/rss+xml; charset=utf-8"),
            &base(),
        )
        .expect("parses");
        assert_eq!(f.title.as_deref(), Some("Café"));
        let latin1: Vec<u8> = xml.chars().map(|c| c as u32 as u8).collect();
        let f = parse(&latin1, None, &base()).expect("parses");
        assert_eq!(f.title.as_deref(), Some("Café"));
    }

    #[test]
    fn escapes_are_removed() {
        let xml = "<rss version=\"2.0\"><channel><title>&#x1b;]0;pwned&#x7;x</title><item><title>a&#x1b;[2Jb</title></item></channel></rss>";
        let f = parse(xml.as_bytes(), None, &base()).expect("parses");
        assert_eq!(f.items[0].title, "ab");
        assert_eq!(f.title.as_deref(), Some("x"));
    }

    #[test]
    fn json_feeds_as_published_parse() {
        let json = r#"{"version": "http://jsonfeed.org/version/1", "title": "J",
            "author": {"name": "Feed Author"},
            "items": [
              {"id": 1, "url": "/one", "title": "One", "tags": "news",
               "attachments": [{"url": "/one.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10}]},
              {"id": "2", "url": "/two", "title": "Two", "authors": [{"name": "Bo"}]},
              {"id": "3", "title": "Three", "author": "Cy",
               "attachments": {"url": "/three.mp3"}}
            ]}"#;
        let f = parse(json.as_bytes(), None, &base()).expect("parses");
        assert_eq!(f.title.as_deref(), Some("J"));
        assert_eq!(f.items.len(), 3);
        let [one, two, three] = &f.items[..] else {
            unreachable!("three items")
        };
        assert_eq!(one.key, "1");
        assert_eq!(one.link.as_deref(), Some("http://example.org/one"));
        assert_eq!(one.author.as_deref(), Some("Feed Author"));
        assert_eq!(
            one.enclosures,
            vec![(
                "http://example.org/one.mp3".to_string(),
                Some("audio/mpeg".to_string())
            )]
        );
        assert!(one.narration.is_some());
        assert_eq!(two.author.as_deref(), Some("Bo"));
        assert_eq!(three.author.as_deref(), Some("Cy"));
        // An attachment is never the item's link, and without a type its extension says audio.
        assert_eq!(three.link, None);
        assert!(three.narration.is_some());

        for version in [
            "https://jsonfeed.org/version/1/",
            "http://jsonfeed.org/version/1.1",
            "https://jsonfeed.org/version/1.1/",
        ] {
            let json = format!(r#"{{"version":"{version}","title":"V","items":[{{"id":"a"}}]}}"#);
            let f = parse(json.as_bytes(), None, &base()).expect(version);
            assert_eq!(f.items.len(), 1, "{version}");
        }
        let unknown = r#"{"version":"https://jsonfeed.org/version/2","title":"V","items":[]}"#;
        assert!(parse(unknown.as_bytes(), None, &base()).is_err());
    }

    /// `text` in UTF-16 or UTF-32, with its byte order mark.
    fn encode(text: &str, unit: usize, little: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut push = |u: u32| match (unit, little) {
            (2, true) => out.extend((u as u16).to_le_bytes()),
            (2, false) => out.extend((u as u16).to_be_bytes()),
            (_, true) => out.extend(u.to_le_bytes()),
            (_, false) => out.extend(u.to_be_bytes()),
        };
        push(0xfeff);
        for c in text.chars() {
            if unit == 2 {
                let mut buf = [0; 2];
                c.encode_utf16(&mut buf)
                    .iter()
                    .for_each(|&u| push(u32::from(u)));
            } else {
                push(c as u32);
            }
        }
        out
    }

    #[test]
    fn utf16_and_utf32_feeds_with_a_bom_parse() {
        let rss = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Café 🎧</title><item><title>Ünïcode</title></item><item><title>b</title></item></channel></rss>";
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Café 🎧</title><entry><id>a</id><title>Ünïcode</title></entry><entry><id>b</id><title>b</title></entry></feed>";
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Café 🎧","items":[{"id":"a","title":"Ünïcode"},{"id":"b","title":"b"}]}"#;
        for doc in [rss, atom, json] {
            for (unit, little) in [(2, true), (2, false), (4, true), (4, false)] {
                let body = encode(doc, unit, little);
                let what = format!(
                    "{} in UTF-{} {}",
                    &doc[..5],
                    unit * 8,
                    if little { "LE" } else { "BE" }
                );
                assert!(looks_like_feed(&body), "{what}");
                let f = parse(&body, None, &base()).expect(&what);
                assert_eq!(f.title.as_deref(), Some("Café 🎧"), "{what}");
                assert_eq!(f.items.len(), 2, "{what}");
                assert_eq!(f.items[0].title, "Ünïcode", "{what}");
            }
        }
    }

    #[test]
    fn markup_inside_a_json_feed_is_not_taken_for_its_root() {
        // An item whose HTML starts like an empty RSS document must not empty the feed.
        let json = r#"{"version":"https://jsonfeed.org/version/1","title":"J","items":[{"id":"a","content_html":"<rss>"}]}"#;
        let f = parse(json.as_bytes(), None, &base()).expect("parses");
        assert_eq!(f.items.len(), 1);
    }

    #[test]
    fn a_declaration_past_the_prolog_is_dropped_outside_cdata() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
<?xml version="1.0" encoding="ISO-8859-1"?><item><title>a</title>
<description><![CDATA[<pre><?xml version="1.0" encoding="ISO-8859-1"?></pre>]]></description></item>
<!-- <?xml encoding="koi8-r"?> --><item><title>b</title></item></channel></rss>"#;
        let f = parse_raw(xml.as_bytes(), None, &base())
            .expect("parses")
            .expect("a feed");
        assert_eq!(f.entries.len(), 2);
        let summary = f.entries[0].summary.as_ref().map(|s| s.content.as_str());
        assert!(
            summary.is_some_and(|s| s.contains("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")),
            "{summary:?}"
        );
        assert_eq!(
            strip_declarations(
                r#"<a x="<?xml version='1.0'?>"><?xml-stylesheet href="s"?><?xml ?></a>"#
            ),
            r#"<a x="<?xml version='1.0'?>"><?xml-stylesheet href="s"?></a>"#
        );
    }

    #[test]
    fn a_version_attribute_of_any_shape_is_replaced() {
        for tag in [
            "<rss version=\u{ff}\"x\">",
            "<rss version=ÿ>",
            "<rss version=\"0.94\">",
            "<rss version='é'>",
            "<rss version=\"",
        ] {
            let xml = format!(
                "{tag}<channel><title>T</title><item><title>a</title></item></channel></rss>"
            );
            let _ = parse(xml.as_bytes(), None, &base());
        }
        let xml = "<rss version=\"0.94\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item><title>a</title></item></channel></rss>";
        let f = parse(xml.as_bytes(), None, &base()).expect("parses");
        assert_eq!(f.items.len(), 1);
    }

    #[test]
    fn authors_with_an_address_beside_any_character_parse() {
        let authors = [
            "Ann «ann@example.org»",
            "Ann &#171;ann@example.org&#187;",
            "«ann@example.org» Ann Example",
            "Ann ‹mailto:ann@example.org›",
            "ann@example.org",
        ];
        for author in authors {
            let xml = format!(
                "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><managingEditor>{author}</managingEditor>\
                 <item><title>a</title><author>{author}</author><dc:creator>{author}</dc:creator></item></channel></rss>"
            );
            let f = parse(xml.as_bytes(), None, &base()).expect(author);
            assert_eq!(f.items.len(), 1, "{author}");
            let json = serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1", "title": "J",
                "authors": [{"name": author}], "items": [{"id": "a", "author": author}]
            });
            let f = parse(json.to_string().as_bytes(), None, &base()).expect(author);
            assert_eq!(f.items.len(), 1, "{author}");
        }
        assert_eq!(space_out_addresses("Ann «a@b.org»"), "Ann « a@b.org »");
        assert_eq!(
            space_out_addresses("x &#171;a@b.org&#187;"),
            "x &#171; a@b.org &#187;"
        );
        assert_eq!(space_out_addresses("a@b.org, c@d.org"), "a@b.org, c@d.org");
        assert_eq!(space_out_addresses("é@é"), "é @ é");
    }

    #[test]
    fn recognises_feeds() {
        assert!(looks_like_feed(b"<?xml version=\"1.0\"?>\n<!-- c --><rss>"));
        assert!(looks_like_feed(
            b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        ));
        assert!(looks_like_feed(
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}"
        ));
        assert!(!looks_like_feed(b"<!DOCTYPE html><html>"));
    }
}
