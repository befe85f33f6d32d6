//! Main-content extraction: dom_smoothie (a port of readability.js) over a cleaned copy of the
//! page, with a plain fallback when it finds nothing.

use std::collections::HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use super::ArticleError;
use crate::sanitize;

/// Elements deeper than this lose their tags (their text stays) in the copy readability gets.
/// dom_smoothie and html2text both take time quadratic in nesting depth (10 000 nested
/// `<div>`s: 34 s in dom_smoothie, 3.5 s in html2text; 100 000: minutes) and could recurse deep
/// enough to overflow a stack. A thread with a bigger stack would fix neither the time nor the
/// memory, so the nesting itself is capped before they see the page. Real articles stay far
/// below this.
pub const MAX_DEPTH: usize = 128;

/// What extraction found; every string already sanitized.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub title: String,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub excerpt: Option<String>,
    /// The main content as HTML, links absolute.
    pub content_html: String,
    /// The page's lead picture (`og:image` and the like): an absolute http(s) URL.
    pub image: Option<String>,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("constant selector")
}

static PLAYERS: LazyLock<Selector> = LazyLock::new(|| selector("audio, video"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time[datetime]"));
/// Comment sections: WordPress block and classic themes, older themes, schema.org markup.
static DISCUSSION: LazyLock<Selector> = LazyLock::new(|| {
    selector(
        "#comments, .comments-area, .wp-block-comments, ol.comment-list, ol.commentlist, \
         li.comment, [itemtype$=\"schema.org/Comment\"], #respond",
    )
});
/// Where the fallback looks for the text, most specific first.
static FALLBACK_ROOTS: LazyLock<[Selector; 4]> =
    LazyLock::new(|| ["article", "[role=main]", "main", "body"].map(selector));

/// Extracts the article from a parsed page.
pub fn extract(doc: &Html, page_url: &Url) -> Result<Extracted, ArticleError> {
    let mut skip = player_chrome(doc);
    // The discussion is not the article, and readability would take a commenter for the byline.
    skip.extend(doc.select(&DISCUSSION).map(|e| e.id()));
    let cleaned = serialize(doc.tree.root(), &skip, NEVER_CONTENT_LIGHT, None);

    // dom_smoothie accepts only http(s) document URLs; links in a local file are resolved
    // later, when the content is segmented.
    let doc_url = matches!(page_url.scheme(), "http" | "https").then(|| page_url.as_str());
    let readable = dom_smoothie::Readability::new(cleaned, doc_url, None)
        .and_then(|mut r| r.parse())
        .ok()
        .filter(|a| !a.text_content.trim().is_empty());

    let mut ex = match readable {
        Some(a) => Extracted {
            title: sanitize::line(&a.title),
            byline: clean_opt(a.byline.as_deref()).map(strip_by),
            published: clean_opt(a.published_time.as_deref()),
            site_name: clean_opt(a.site_name.as_deref()),
            excerpt: clean_opt(a.excerpt.as_deref()),
            content_html: sanitize::text(&a.content),
            image: a
                .image
                .as_deref()
                .and_then(|i| page_url.join(i.trim()).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .map(|u| sanitize::line(u.as_str())),
        },
        None => {
            let root = FALLBACK_ROOTS
                .iter()
                .find_map(|s| doc.select(s).find(|e| has_text(e, &skip)))
                .ok_or(ArticleError::NoText)?;
            Extracted {
                title: String::new(),
                byline: None,
                published: None,
                site_name: None,
                excerpt: None,
                content_html: content_of(*root, &skip, page_url),
                image: None,
            }
        }
    };
    if ex.title.is_empty() {
        ex.title = page_title(doc);
    }
    if ex.site_name.is_none() {
        ex.site_name = site_from_title(doc, &ex.title);
    }
    if ex.published.is_none() {
        ex.published = first_date(doc);
    }
    Ok(ex)
}

/// Cleans a feed item's full content (no readability pass: a feed already holds just the
/// article) into the same form [`extract`] returns.
pub fn clean_content(doc: &Html, page_url: &Url) -> String {
    let skip = player_chrome(doc);
    content_of(*doc.root_element(), &skip, page_url)
}

fn content_of(root: ego_tree::NodeRef<Node>, skip: &HashSet<NodeId>, base: &Url) -> String {
    let inner = serialize(root, skip, NEVER_CONTENT, Some(base));
    sanitize::text(&format!("<div>{inner}</div>"))
}

fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(sanitize::line).filter(|s| !s.is_empty())
}

/// Whether the element holds any text that the fallback would keep.
fn has_text(e: &ElementRef, skip: &HashSet<NodeId>) -> bool {
    let kept = serialize(**e, skip, NEVER_CONTENT, None);
    Html::parse_fragment(&kept)
        .root_element()
        .text()
        .any(|t| !t.trim().is_empty())
}

/// Themes print "By Name"; the byline is the name.
fn strip_by(byline: String) -> String {
    match byline.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => byline[3..].trim_start().to_string(),
        _ => byline,
    }
}

/// `<title>` is often "Article – Site": with no `og:site_name`, the rest is the site's name.
fn site_from_title(doc: &Html, title: &str) -> Option<String> {
    let full = sanitize::line(&doc.select(&TITLE).next()?.text().collect::<String>());
    let rest = full.strip_prefix(title)?.trim_start();
    let name = rest
        .strip_prefix(['–', '—', '|', '-', '·', ':'])
        .map(str::trim)?;
    (!name.is_empty()).then(|| name.to_string())
}

fn page_title(doc: &Html) -> String {
    [&*TITLE, &*H1]
        .into_iter()
        .filter_map(|s| doc.select(s).next())
        .map(|e| sanitize::line(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// The first `<time datetime>` that is not part of a comment: themes mark the post date this
/// way when the page carries no `article:published_time`.
fn first_date(doc: &Html) -> Option<String> {
    let in_comment = |e: &ElementRef| {
        e.ancestors().filter_map(ElementRef::wrap).any(|a| {
            let v = a.value();
            v.id().is_some_and(|id| id.contains("comment"))
                || v.classes().any(|c| c.contains("comment"))
        })
    };
    doc.select(&TIME)
        .find(|t| !in_comment(t))
        .and_then(|t| clean_opt(t.value().attr("datetime")))
}

/// Audio/video players and the "Listen to this article" label before them: player chrome, not
/// article text (the recording itself is found by narration discovery on the whole page).
fn player_chrome(doc: &Html) -> HashSet<NodeId> {
    let mut skip = HashSet::new();
    for player in doc.select(&PLAYERS) {
        // A figure holding just the player (and a caption) goes with it.
        let target = player
            .parent()
            .and_then(ElementRef::wrap)
            .filter(|p| {
                p.value().name() == "figure"
                    && p.child_elements()
                        .all(|c| matches!(c.value().name(), "audio" | "video" | "figcaption"))
            })
            .unwrap_or(player);
        skip.insert(target.id());
        let label = target
            .prev_siblings()
            .find(|n| match n.value() {
                Node::Text(t) => !t.trim().is_empty(),
                Node::Element(_) => true,
                _ => false,
            })
            .and_then(ElementRef::wrap);
        if let Some(label) = label {
            let text = sanitize::line(&label.text().collect::<String>()).to_lowercase();
            if text.chars().count() <= 60 && text.starts_with("listen") {
                skip.insert(label.id());
            }
        }
    }
    skip
}

/// Never article text, even in the fallback.
const NEVER_CONTENT: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "input", "textarea", "iframe", "object", "embed", "svg", "dialog",
];
/// What the copy handed to readability can lose: never text, and `<nav>` (site navigation by
/// definition, which readability sometimes keeps a heading of, e.g. WordPress's "Post
/// navigation"). JSON-LD scripts stay since readability reads metadata from them.
const NEVER_CONTENT_LIGHT: &[&str] = &["style", "template", "svg", "nav"];

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Serializes a subtree without recursion, dropping the `skip` nodes, elements named in
/// `drop`, comments, and the tags (not the text) of elements nested deeper than [`MAX_DEPTH`].
/// With `base`, `href` and `src` are made absolute.
pub(crate) fn serialize(
    root: ego_tree::NodeRef<Node>,
    skip: &HashSet<NodeId>,
    drop: &[&str],
    base: Option<&Url>,
) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut skipping: Option<NodeId> = None;
    let mut raw = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Doctype(_) => out.push_str("<!DOCTYPE html>"),
                    Node::Text(t) if raw > 0 => out.push_str(t),
                    Node::Text(t) => escape(&mut out, t, false),
                    Node::Element(el) => {
                        let name = el.name();
                        let ld_json = name == "script"
                            && el.attr("type").is_some_and(|t| t.contains("ld+json"));
                        if skip.contains(&node.id())
                            || (drop.contains(&name) && !ld_json)
                            || (name == "script" && !ld_json)
                        {
                            skipping = Some(node.id());
                            continue;
                        }
                        depth += 1;
                        if RAW_TEXT.contains(&name) {
                            raw += 1;
                        }
                        if node.id() == root.id() || depth > MAX_DEPTH {
                            continue;
                        }
                        out.push('<');
                        out.push_str(name);
                        for (attr, value) in el.attrs() {
                            out.push(' ');
                            out.push_str(attr);
                            out.push_str("=\"");
                            let resolved = match base {
                                Some(b) if matches!(attr, "href" | "src") => {
                                    b.join(value.trim()).map(String::from).ok()
                                }
                                _ => None,
                            };
                            escape(&mut out, resolved.as_deref().unwrap_or(value), true);
                            out.push('"');
                        }
                        out.push('>');
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if RAW_TEXT.contains(&name) {
                        raw -= 1;
                    }
                    if node.id() != root.id() && depth <= MAX_DEPTH && !VOID.contains(&name) {
                        out.push_str("</");
                        out.push_str(name);
                        out.push('>');
                    }
                    depth -= 1;
                }
            }
        }
    }
    out
}

pub(crate) fn escape(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://news.example/a/story").expect("url")
    }

    #[test]
    fn tame_cuts_only_what_is_too_deep() {
        let page = r#"<div class="a>b"><!-- <div> --><script>"<div>"</script><p>x<br/>y</div>"#;
        assert!(matches!(
            crate::html::tame(page),
            std::borrow::Cow::Borrowed(_)
        ));
        let n = crate::html::MAX_DEPTH + 100;
        let deep = format!(
            "<body>{}<p>deep</p>{}</body>",
            "<DIV>".repeat(n),
            "</div>".repeat(n)
        );
        let cut = crate::html::tame(&deep);
        assert_eq!(cut.matches("<DIV>").count(), crate::html::MAX_DEPTH);
        assert_eq!(cut.matches("</div>").count(), crate::html::MAX_DEPTH);
        assert!(cut.contains("<p>deep</p>"));
        // Unclosed paragraphs and list items do not count as nesting.
        let sloppy = "<ul><li>a<li>b</ul><p>c<p>d".repeat(crate::html::MAX_DEPTH);
        assert!(matches!(
            crate::html::tame(&sloppy),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn serialize_round_trips_and_caps_depth() {
        let doc = Html::parse_document(
            r#"<p title='a"b'>x &amp; <b>y</b><br>z</p><!-- c --><script>if (a<b) {}</script>"#,
        );
        let s = serialize(doc.tree.root(), &HashSet::new(), &[], None);
        assert!(
            s.contains(r#"<p title="a&quot;b">x &amp; <b>y</b><br>z</p>"#),
            "{s}"
        );
        assert!(!s.contains("<!--") && !s.contains("script"));

        let deep = format!("{}<p>deep</p>{}", "<div>".repeat(500), "</div>".repeat(500));
        let s = serialize(
            Html::parse_document(&deep).tree.root(),
            &HashSet::new(),
            &[],
            None,
        );
        assert!(s.matches("<div>").count() < MAX_DEPTH);
        assert_eq!(s.matches("<div>").count(), s.matches("</div>").count());
        assert!(s.contains("deep"));
    }

    #[test]
    fn fallback_resolves_links_and_drops_chrome() {
        // Too little text for readability to call it an article.
        let doc = Html::parse_document(
            r#"<body><nav>Menu</nav><article><p>Short <a href="/x">note</a>.</p></article></body>"#,
        );
        let ex = extract(&doc, &url()).expect("extracted");
        assert!(
            ex.content_html.contains(r#"href="https://news.example/x""#),
            "{}",
            ex.content_html
        );
        assert!(!ex.content_html.contains("Menu"));
    }

    #[test]
    fn nothing_readable_is_an_error() {
        let doc = Html::parse_document("<html><body><nav>only nav</nav> </body></html>");
        let err = extract(&doc, &url()).expect_err("no text");
        assert_eq!(
            err.to_string(),
            "no readable article text found in the page"
        );
    }

    #[test]
    fn listen_label_and_player_are_dropped() {
        let doc = Html::parse_document(
            r#"<div><p><strong>Listen to the article</strong></p><!-- x -->
            <audio controls><source src="/a.mp3"><a href="/a.mp3">/a.mp3</a></audio>
            <p>Body.</p></div>"#,
        );
        let s = serialize(doc.tree.root(), &player_chrome(&doc), &[], None);
        assert!(
            !s.contains("Listen") && !s.contains("a.mp3") && s.contains("Body."),
            "{s}"
        );
    }
}
