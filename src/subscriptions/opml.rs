//! OPML 2.0 subscription lists, read and written so that herald's own export comes back whole.
//!
//! A feed is an `<outline>` with an `xmlUrl`; `htmlUrl` is its site. Tags are both the folders
//! (enclosing outlines without an `xmlUrl`) and the comma-separated `category` attribute: readers
//! differ in which they use, so export writes the first tag as a folder and every tag in
//! `category`, and import takes both. A feed's name is its `title` (else its `text`).
//!
//! OPML requires `text`, so a feed herald has no name for is exported with its title (or URL)
//! there, which other readers show. So that importing does not turn that into a name, herald
//! marks the outline `herald:unnamed="true"`, in a namespace of its own: OPML 2.0 allows
//! attributes beyond its own only in a namespace, and readers ignore ones they do not know.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use super::{ImportError, Imported, Skip};
use crate::config::FeedConfig;

/// herald's OPML namespace (a `tag:` URI, RFC 4151: a name, never fetched).
const NAMESPACE: &str = "tag:herald,2026:opml";

/// What refreshing taught herald about a subscription, for its export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Learned {
    /// The feed a home page led to.
    pub feed_url: Option<String>,
    /// The feed's own title.
    pub title: Option<String>,
}

/// One open `<outline>` while reading.
struct Open {
    /// The tag a folder gives the feeds inside it.
    folder: Option<String>,
    /// A folder with no outline inside, at its end, was not a feed either.
    is_feed: bool,
    has_children: bool,
}

/// Reads the feeds of an OPML document; an XML document of another kind is an error.
pub fn parse(text: &str) -> Result<Imported, ImportError> {
    let mut reader = quick_xml::NsReader::from_str(text);
    let mut imported = Imported::default();
    let mut open: Vec<Open> = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ImportError::Opml(format!("at byte {}: {e}", reader.buffer_position())))?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.local_name().as_ref() == "outline"
                    && let Some(closed) = open.pop()
                    && !closed.is_feed
                    && !closed.has_children
                {
                    imported.skipped.push(Skip::NoFeedUrl);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name();
        if !seen_root {
            seen_root = true;
            if name.as_ref() != "opml" {
                return Err(ImportError::NotSubscriptions(format!(
                    "it is XML, but its root element is <{}>, not <opml>{}",
                    crate::sanitize::line(name.as_ref()),
                    if matches!(name.as_ref(), "rss" | "feed" | "RDF") {
                        " (a feed itself? subscribe to it with [[feeds]] url = \"...\" in the config)"
                    } else {
                        ""
                    }
                )));
            }
        }
        if name.as_ref() != "outline" {
            continue;
        }
        if let Some(parent) = open.last_mut() {
            parent.has_children = true;
        }
        let outline = Outline::read(&reader, element);
        let folders = open.iter().filter_map(|o| o.folder.clone());
        let entry = match outline.feed(folders) {
            Some(feed) => {
                imported.feeds.push(feed);
                Open {
                    folder: None,
                    is_feed: true,
                    has_children: false,
                }
            }
            None => {
                if is_empty {
                    imported.skipped.push(Skip::NoFeedUrl);
                }
                Open {
                    folder: outline.name(),
                    is_feed: false,
                    has_children: false,
                }
            }
        };
        if !is_empty {
            open.push(entry);
        }
    }
    if !seen_root {
        return Err(ImportError::Opml("no <opml> element".into()));
    }
    Ok(imported)
}

/// The attributes of one `<outline>` that herald reads.
#[derive(Default)]
struct Outline {
    xml_url: Option<String>,
    html_url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    category: Option<String>,
    unnamed: bool,
}

impl Outline {
    fn read(reader: &quick_xml::NsReader<&[u8]>, element: &BytesStart) -> Outline {
        let mut outline = Outline::default();
        for attr in element.attributes().flatten() {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            let value = (!value.is_empty()).then_some(value);
            let (namespace, local) = reader.resolver().resolve_attribute(attr.key);
            match namespace {
                ResolveResult::Unbound => match local.as_ref() {
                    // Some writers spell it in lower case.
                    "xmlUrl" | "xmlurl" => outline.xml_url = value,
                    "htmlUrl" | "htmlurl" => outline.html_url = value,
                    "title" => outline.title = value,
                    "text" => outline.text = value,
                    "category" => outline.category = value,
                    _ => {}
                },
                ResolveResult::Bound(Namespace(ns))
                    if ns == NAMESPACE && local.as_ref() == "unnamed" =>
                {
                    outline.unnamed = value.as_deref() == Some("true");
                }
                _ => {}
            }
        }
        outline
    }

    fn name(&self) -> Option<String> {
        self.title
            .as_deref()
            .or(self.text.as_deref())
            .map(crate::sanitize::line)
            .filter(|n| !n.is_empty())
    }

    /// The feed this outline subscribes to, tagged with its folders and categories; `None` for
    /// a folder or an outline of something else.
    fn feed(&self, folders: impl Iterator<Item = String>) -> Option<FeedConfig> {
        let url = self.xml_url.clone()?;
        let mut tags: Vec<String> = Vec::new();
        let categories = self.category.iter().flat_map(|c| c.split(','));
        // A category is a path, `/Tech/Rust`, or a word; the leading slash is not the tag's.
        let categories = categories.map(|c| c.trim().trim_start_matches('/').to_string());
        for tag in folders.chain(categories) {
            let tag = crate::sanitize::line(&tag);
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        // A name that is only the URL (as older exports wrote) is no name either.
        let name = self.name().filter(|name| !self.unnamed && *name != url);
        Some(FeedConfig {
            site: self.html_url.clone().filter(|site| *site != url),
            url,
            name,
            tags,
        })
    }
}

/// OPML 2.0 of `feeds`, in their order except that feeds whose first tag is the same are put
/// together, in a folder where the first of them is. `learned` tells what refreshing found out
/// about a subscribed URL.
pub fn export(feeds: &[FeedConfig], learned: impl Fn(&str) -> Learned) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\" xmlns:herald=\"{NAMESPACE}\">\n  <head><title>herald subscriptions</title></head>\n  <body>\n"
    );
    let mut done = vec![false; feeds.len()];
    for (i, feed) in feeds.iter().enumerate() {
        if done[i] {
            continue;
        }
        let Some(folder) = feed.tags.first() else {
            out.push_str(&format!("    {}\n", outline(feed, &learned(&feed.url))));
            continue;
        };
        let folder = xml_escape(&crate::sanitize::line(folder));
        out.push_str(&format!(
            "    <outline text=\"{folder}\" title=\"{folder}\">\n"
        ));
        for (j, member) in feeds.iter().enumerate().skip(i) {
            if !done[j] && member.tags.first() == feed.tags.first() {
                done[j] = true;
                out.push_str(&format!(
                    "      {}\n",
                    outline(member, &learned(&member.url))
                ));
            }
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// One feed's `<outline/>`.
fn outline(feed: &FeedConfig, learned: &Learned) -> String {
    let shown = feed
        .name
        .clone()
        .or_else(|| learned.title.clone())
        .unwrap_or_else(|| feed.url.clone());
    let shown = xml_escape(&crate::sanitize::line(&shown));
    let mut line = format!("<outline type=\"rss\" text=\"{shown}\" title=\"{shown}\"");
    if feed.name.is_none() {
        line.push_str(" herald:unnamed=\"true\"");
    }
    // A home page's feed is what other readers can subscribe to; the page is the site.
    let xml_url = learned.feed_url.as_deref().unwrap_or(&feed.url);
    line.push_str(&format!(" xmlUrl=\"{}\"", xml_escape(xml_url)));
    let site = feed
        .site
        .as_deref()
        .or((xml_url != feed.url).then_some(feed.url.as_str()));
    if let Some(site) = site {
        line.push_str(&format!(" htmlUrl=\"{}\"", xml_escape(site)));
    }
    // A tag holding a comma cannot be one of `category`'s; as a folder (a first tag) it is kept.
    let tags: Vec<String> = feed
        .tags
        .iter()
        .map(|t| crate::sanitize::line(t))
        .filter(|t| !t.contains(','))
        .collect();
    if !tags.is_empty() {
        line.push_str(&format!(" category=\"{}\"", xml_escape(&tags.join(","))));
    }
    line.push_str("/>");
    line
}

fn xml_escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str, name: Option<&str>, tags: &[&str]) -> FeedConfig {
        FeedConfig {
            url: url.into(),
            name: name.map(str::to_string),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            site: None,
        }
    }

    #[test]
    fn folders_and_categories_become_tags() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Tech"><outline text="Rust"><outline text="A &amp; B" xmlUrl="http://a.example/feed" category="/News, Tech,,weekly"/></outline></outline>
<outline text="C" title="The C" xmlUrl="http://c.example/rss" htmlUrl="http://c.example/"/></body></opml>"#;
        let got = parse(opml).expect("valid OPML");
        assert_eq!(
            got.feeds,
            [
                feed(
                    "http://a.example/feed",
                    Some("A & B"),
                    &["Tech", "Rust", "News", "weekly"]
                ),
                FeedConfig {
                    site: Some("http://c.example/".into()),
                    ..feed("http://c.example/rss", Some("The C"), &[])
                },
            ]
        );
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn outlines_that_are_not_feeds_are_skipped_and_other_xml_is_an_error() {
        let opml = r#"<opml version="2.0"><body><outline text="a note"/>
<outline text="empty folder"></outline><outline text="F"><outline text="f" xmlUrl="http://f.example/"/></outline></body></opml>"#;
        let got = parse(opml).expect("valid OPML");
        assert_eq!(got.feeds.len(), 1);
        assert_eq!(got.skipped, [Skip::NoFeedUrl, Skip::NoFeedUrl]);
        let err = parse("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>")
            .expect_err("a feed, not OPML");
        let err = err.to_string();
        assert!(err.contains("<rss>, not <opml>"), "{err}");
        assert!(parse("<opml><body><outline").is_err(), "cut short");
    }

    #[test]
    fn the_unnamed_mark_is_read_only_in_herald_namespace() {
        let opml = format!(
            r#"<opml version="2.0" xmlns:h="{NAMESPACE}" xmlns:other="urn:x"><body>
<outline text="Shown title" h:unnamed="true" xmlUrl="http://a.example/feed"/>
<outline text="Named" other:unnamed="true" xmlUrl="http://b.example/feed"/></body></opml>"#
        );
        let got = parse(&opml).expect("valid OPML");
        assert_eq!(got.feeds[0].name, None);
        assert_eq!(got.feeds[1].name.as_deref(), Some("Named"));
        let opml = r#"<opml version="2.0"><body>
<outline text="http://a.example/feed" xmlUrl="http://a.example/feed"/></body></opml>"#;
        assert_eq!(parse(opml).expect("valid OPML").feeds[0].name, None);
    }

    #[test]
    fn export_then_import_keeps_everything() {
        let feeds = vec![
            feed(
                "http://a.example/feed?x=1&y=2",
                Some("A \"quoted\""),
                &["news", "tech"],
            ),
            feed("http://b.example/rss", None, &[]),
            feed("http://home.example/", Some("Home"), &["tech"]),
            FeedConfig {
                site: Some("http://d.example/".into()),
                ..feed("http://d.example/atom", None, &["news"])
            },
            feed("http://e.example/rss", Some("E"), &["a, b", "c"]),
        ];
        let learned = |url: &str| match url {
            "http://b.example/rss" => Learned {
                feed_url: None,
                title: Some("Bee <News>".into()),
            },
            "http://home.example/" => Learned {
                feed_url: Some("http://home.example/feed.xml".into()),
                title: Some("Home Page".into()),
            },
            _ => Learned::default(),
        };
        let opml = export(&feeds, learned);
        assert!(opml.contains(
            r#"<outline type="rss" text="Bee &lt;News&gt;" title="Bee &lt;News&gt;" herald:unnamed="true" xmlUrl="http://b.example/rss"/>"#
        ), "{opml}");
        assert!(opml.contains(
            r#"<outline type="rss" text="Home" title="Home" xmlUrl="http://home.example/feed.xml" htmlUrl="http://home.example/" category="tech"/>"#
        ), "{opml}");
        let back = parse(&opml).expect("own OPML parses");
        assert!(back.skipped.is_empty());
        // Feeds of one first tag come together, in a folder where the first of them was.
        let expected = vec![
            feeds[0].clone(),
            feeds[3].clone(),
            feeds[1].clone(),
            FeedConfig {
                url: "http://home.example/feed.xml".into(),
                site: Some("http://home.example/".into()),
                ..feeds[2].clone()
            },
            feeds[4].clone(),
        ];
        assert_eq!(back.feeds, expected);
        // Exported again, what came back is the same document.
        let again = export(&back.feeds, |url| match url {
            "http://b.example/rss" => learned(url),
            _ => Learned::default(),
        });
        assert_eq!(again, opml);
    }
}
