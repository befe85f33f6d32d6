//! Comments of an article, from wherever the site offers them: its page markup, JSON-LD or
//! microdata, its comments feed, or the WordPress REST API. Each source module is a pure parser
//! giving comments in display order; [`load`] picks the richest thread it can get.

pub mod feed;
pub mod jsonld;
pub mod markup;
pub(crate) mod text;
pub mod wp_rest;

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use crate::model::{Comment, CommentSource, CommentThread};
use crate::net::{Limit, Net, Response};

/// What a page offers: the threads found in it, and where else its comments may be had.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discovered {
    /// One thread per in-page source that has comments (markup, JSON-LD, microdata).
    pub in_page: Vec<CommentThread>,
    /// The article's own comments feed (never the site-wide one).
    pub feed: Option<Url>,
    /// The WordPress REST URL of the post's comments.
    pub wp_rest: Option<Url>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("constant selector is valid")
}

static ALTERNATE: LazyLock<Selector> = LazyLock::new(|| sel("link[rel~=alternate][href]"));
static SHORTLINK: LazyLock<Selector> = LazyLock::new(|| sel("link[rel~=shortlink][href]"));
static CANONICAL: LazyLock<Selector> = LazyLock::new(|| sel("link[rel~=canonical][href]"));
static API_ROOT: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"link[rel="https://api.w.org/"][href]"#));
static GENERATOR: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"meta[name="generator"][content^="WordPress"]"#));
static BODY: LazyLock<Selector> = LazyLock::new(|| sel("body[class]"));

/// The comments in `page_html` itself and the other sources it points at. Only http(s) URLs
/// are offered, whatever the page says.
pub fn discover(page_html: &str, page_url: &Url) -> Discovered {
    let doc = crate::html::parse_document(page_html);
    let in_page = [
        (CommentSource::PageMarkup, markup::from_document(&doc)),
        (CommentSource::JsonLd, jsonld::json_ld_in(&doc)),
        (CommentSource::Microdata, jsonld::microdata_in(&doc)),
    ]
    .into_iter()
    .filter(|(_, comments)| !comments.is_empty())
    .map(|(source, comments)| CommentThread {
        source: Some(source),
        comments,
    })
    .collect();

    let article = doc
        .select(&CANONICAL)
        .find_map(|l| web_url(page_url, l.attr("href")?))
        .unwrap_or_else(|| page_url.clone());
    let post_id = wp_post_id(&doc, page_url);
    let api_root = doc
        .select(&API_ROOT)
        .find_map(|l| web_url(page_url, l.attr("href")?));
    let wordpress =
        post_id.is_some() || api_root.is_some() || doc.select(&GENERATOR).next().is_some();

    let feed = comments_feed_link(&doc, page_url, &article)
        .or_else(|| wordpress.then(|| wp_feed_url(&article)).flatten())
        .filter(is_web);
    let wp_rest = post_id.and_then(|id| {
        let root = api_root.or_else(|| web_url(page_url, "/wp-json/"))?;
        wp_rest::comments_url(&root, id)
    });
    Discovered {
        in_page,
        feed,
        wp_rest,
    }
}

/// An http(s) URL from a page: a remote page must not point herald at local files.
fn web_url(base: &Url, href: &str) -> Option<Url> {
    base.join(href.trim()).ok().filter(is_web)
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// A `<link rel="alternate">` to an RSS or Atom feed whose title mentions comments, skipping the
/// site-wide comments feed WordPress lists beside the article's; one under the article's own URL
/// wins.
fn comments_feed_link(doc: &Html, page_url: &Url, article: &Url) -> Option<Url> {
    let candidates: Vec<Url> = doc
        .select(&ALTERNATE)
        .filter(|l| {
            let ty = l.attr("type").unwrap_or_default().to_ascii_lowercase();
            let title = l.attr("title").unwrap_or_default().to_lowercase();
            matches!(ty.trim(), "application/rss+xml" | "application/atom+xml")
                && title.contains("comment")
        })
        .filter_map(|l| web_url(page_url, l.attr("href")?))
        .filter(|u| {
            let site_wide = ["/comments/feed/", "/comments/feed", "/comments/feed/atom/"]
                .iter()
                .any(|p| u.path().ends_with(p))
                || (u
                    .query_pairs()
                    .any(|(k, v)| k == "feed" && v.starts_with("comments-"))
                    && !u.query_pairs().any(|(k, _)| k == "p" || k == "page_id"));
            !site_wide
        })
        .collect();
    let mine = candidates
        .iter()
        .find(|u| u.as_str().starts_with(article.as_str()))
        .cloned();
    mine.or_else(|| candidates.into_iter().next())
}

/// `<article-url>feed/`, or `?p=ID&feed=rss2` where the site has no pretty permalinks.
fn wp_feed_url(article: &Url) -> Option<Url> {
    let mut url = article.clone();
    url.set_fragment(None);
    if url.query_pairs().any(|(k, _)| k == "p" || k == "page_id") {
        url.query_pairs_mut().append_pair("feed", "rss2");
        return Some(url);
    }
    url.set_query(None);
    let path = url.path().to_string();
    url.set_path(&format!("{}/feed/", path.trim_end_matches('/')));
    Some(url)
}

/// The post id from the shortlink (`?p=ID`), the REST alternate (`/wp/v2/posts/ID`) or the body
/// class (`postid-ID`, `page-id-ID`).
fn wp_post_id(doc: &Html, page_url: &Url) -> Option<u64> {
    let from_shortlink = || {
        doc.select(&SHORTLINK).find_map(|l| {
            let url = web_url(page_url, l.attr("href")?)?;
            url.query_pairs()
                .filter(|(k, _)| k == "p" || k == "page_id")
                .find_map(|(_, v)| v.parse().ok())
        })
    };
    let from_rest_link = || {
        doc.select(&ALTERNATE)
            .filter(|l| {
                l.attr("type")
                    .is_some_and(|t| t.trim() == "application/json")
            })
            .find_map(|l| {
                let url = web_url(page_url, l.attr("href")?)?;
                let route = url
                    .query_pairs()
                    .find(|(k, _)| k == "rest_route")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_else(|| url.path().to_string());
                let (rest, id) = route.trim_end_matches('/').rsplit_once('/')?;
                let kind = rest.rsplit('/').next()?;
                (rest.contains("wp/v2/") && (kind == "posts" || kind == "pages"))
                    .then(|| id.parse().ok())
                    .flatten()
            })
    };
    let from_body_class = || {
        doc.select(&BODY).next().and_then(|b| {
            b.value().classes().find_map(|c| {
                c.strip_prefix("postid-")
                    .or_else(|| c.strip_prefix("page-id-"))?
                    .parse()
                    .ok()
            })
        })
    };
    from_shortlink()
        .or_else(from_rest_link)
        .or_else(from_body_class)
}

/// Loads the richest thread for an article page (see [`richest`]). The page's own threads come
/// first; the REST API and comments feeds (the page's, and `feed_comments_url`, an item's
/// `wfw:commentRss`) are fetched, concurrently, only when the page holds no threaded thread.
/// A source that fails to download or parse is skipped silently.
pub async fn load(
    net: &Net,
    page_html: &str,
    page_url: &Url,
    feed_comments_url: Option<&str>,
) -> CommentThread {
    let found = discover(page_html, page_url);
    let mut candidates = found.in_page;
    if candidates.iter().any(is_threaded) {
        return richest(candidates);
    }
    let item_feed = feed_comments_url
        .and_then(|u| web_url(page_url, u))
        .filter(|u| Some(u) != found.feed.as_ref());
    let (rest, page_feed, item_feed) = tokio::join!(
        fetch(net, found.wp_rest, Limit::Page, |r| wp_rest::parse(
            &r.text()
        )),
        fetch(net, found.feed, Limit::Feed, |r| feed::parse(
            &r.body,
            r.content_type.as_deref(),
            &r.url
        )),
        fetch(net, item_feed, Limit::Feed, |r| feed::parse(
            &r.body,
            r.content_type.as_deref(),
            &r.url
        )),
    );
    let fetched = [
        (CommentSource::WordpressApi, rest),
        (CommentSource::CommentsFeed, page_feed),
        (CommentSource::CommentsFeed, item_feed),
    ];
    candidates.extend(fetched.into_iter().map(|(source, comments)| CommentThread {
        source: Some(source),
        comments,
    }));
    richest(candidates)
}

async fn fetch(
    net: &Net,
    url: Option<Url>,
    limit: Limit,
    parse: fn(&Response) -> Vec<Comment>,
) -> Vec<Comment> {
    let Some(url) = url else {
        return Vec::new();
    };
    match net.get(url.as_str(), limit).await {
        Ok(response) => parse(&response),
        Err(_) => Vec::new(),
    }
}

fn is_threaded(thread: &CommentThread) -> bool {
    thread.comments.iter().any(|c| c.depth > 0)
}

/// The thread to show, ranked by, in order:
/// 1. threaded (at least one reply) over flat: a reply out of context reads as nonsense, and
///    a flat source cannot show replies at all;
/// 2. more comments over fewer: feeds keep only the newest few, pages paginate;
/// 3. the source, in [`CommentSource`] order (page markup, REST, feed, JSON-LD, microdata): on a
///    tie, what the site itself shows.
///
/// No candidate, or only empty ones, gives an empty thread with no source.
pub fn richest(candidates: impl IntoIterator<Item = CommentThread>) -> CommentThread {
    let rank = |source: Option<CommentSource>| match source {
        Some(CommentSource::PageMarkup) => 0,
        Some(CommentSource::WordpressApi) => 1,
        Some(CommentSource::CommentsFeed) => 2,
        Some(CommentSource::JsonLd) => 3,
        Some(CommentSource::Microdata) => 4,
        // A discussion site's thread is the only candidate where it is loaded.
        Some(CommentSource::HackerNews | CommentSource::Reddit | CommentSource::Lobsters) => 5,
        None => 6,
    };
    candidates
        .into_iter()
        .filter(|t| !t.comments.is_empty())
        .min_by_key(|t| {
            (
                !is_threaded(t),
                std::cmp::Reverse(t.comments.len()),
                rank(t.source),
            )
        })
        .unwrap_or(CommentThread {
            source: None,
            comments: Vec::new(),
        })
}

/// Puts comments in display order: each reply right after its parent (and the parent's earlier
/// replies), siblings in the order given, `depth` from the tree. `parent` on input is what the
/// source claims; a parent that is missing (or the comment itself) makes a top-level comment,
/// and a cycle is broken where it is first met. Ids must be unique.
pub(crate) fn thread(comments: Vec<Comment>) -> Vec<Comment> {
    let index: HashMap<&str, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut children = vec![Vec::new(); comments.len()];
    let mut roots = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        match c.parent.as_deref().and_then(|p| index.get(p)) {
            Some(&p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut order: Vec<(usize, Option<usize>, usize)> = Vec::with_capacity(comments.len());
    let mut seen = vec![false; comments.len()];
    // Comments caught in a cycle are reachable from no root: start from them in input order.
    let starts = roots.into_iter().chain(0..comments.len());
    let mut stack = Vec::new();
    for start in starts {
        if seen[start] {
            continue;
        }
        stack.push((start, None, 0));
        while let Some((i, parent, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push((i, parent, depth));
            stack.extend(children[i].iter().rev().map(|&c| (c, Some(i), depth + 1)));
        }
    }
    let ids: Vec<String> = comments.iter().map(|c| c.id.clone()).collect();
    let mut slots: Vec<Option<Comment>> = comments.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, parent, depth)| {
            let mut c = slots[i].take()?;
            c.parent = parent.map(|p| ids[p].clone());
            c.depth = depth;
            Some(c)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::model::Comment;

    pub(crate) const HOSTILE: &str =
        "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m\u{9b}6n\u{202e}evil\x07";

    /// No control character (but newline) and no bidi override in any field.
    pub(crate) fn assert_clean(c: &Comment) {
        let fields = [&c.id, &c.author, &c.text]
            .into_iter()
            .chain(c.parent.as_ref())
            .chain(c.date.as_ref());
        for field in fields {
            assert!(
                !field.chars().any(|ch| (ch.is_control() && ch != '\n')
                    || ('\u{202a}'..='\u{202e}').contains(&ch)
                    || ('\u{2066}'..='\u{2069}').contains(&ch)),
                "unsafe character left in {field:?}"
            );
        }
    }

    pub(crate) fn shape(cs: &[Comment]) -> Vec<(String, Option<String>, usize, String)> {
        cs.iter()
            .map(|c| (c.id.clone(), c.parent.clone(), c.depth, c.author.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, parent: Option<&str>) -> Comment {
        Comment {
            id: id.into(),
            parent: parent.map(Into::into),
            depth: 0,
            author: id.to_uppercase(),
            date: None,
            text: format!("text {id}"),
            kind: crate::model::CommentKind::Normal,
        }
    }

    fn order(cs: &[Comment]) -> Vec<(&str, Option<&str>, usize)> {
        cs.iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth))
            .collect()
    }

    #[test]
    fn thread_orders_replies_after_parents() {
        let cs = thread(vec![
            c("a", None),
            c("b", None),
            c("c", Some("a")),
            c("d", Some("c")),
            c("e", Some("a")),
            c("f", Some("missing")),
            c("g", Some("g")),
        ]);
        assert_eq!(
            order(&cs),
            [
                ("a", None, 0),
                ("c", Some("a"), 1),
                ("d", Some("c"), 2),
                ("e", Some("a"), 1),
                ("b", None, 0),
                ("f", None, 0),
                ("g", None, 0)
            ]
        );
    }

    #[test]
    fn thread_breaks_cycles_without_losing_comments() {
        let cs = thread(vec![c("x", Some("y")), c("y", Some("x")), c("z", None)]);
        assert_eq!(
            order(&cs),
            [("z", None, 0), ("x", None, 0), ("y", Some("x"), 1)]
        );
    }

    fn t(source: CommentSource, n: usize, replies: bool) -> CommentThread {
        let comments = (0..n)
            .map(|i| {
                let parent = (replies && i > 0).then(|| "0".to_string());
                c(&i.to_string(), parent.as_deref())
            })
            .collect();
        CommentThread {
            source: Some(source),
            comments: thread(comments),
        }
    }

    #[test]
    fn richest_ranks_threaded_then_count_then_source() {
        use CommentSource::*;
        let pick = |ts: Vec<CommentThread>| richest(ts).source;
        // Threaded beats flat, even with fewer comments.
        assert_eq!(
            pick(vec![t(CommentsFeed, 10, false), t(WordpressApi, 6, true)]),
            Some(WordpressApi)
        );
        // Among threaded (or among flat), more beats fewer.
        assert_eq!(
            pick(vec![t(PageMarkup, 3, true), t(WordpressApi, 6, true)]),
            Some(WordpressApi)
        );
        assert_eq!(
            pick(vec![t(PageMarkup, 3, false), t(CommentsFeed, 6, false)]),
            Some(CommentsFeed)
        );
        // A tie goes to the page's own markup, whatever the order given.
        assert_eq!(
            pick(vec![
                t(Microdata, 6, true),
                t(WordpressApi, 6, true),
                t(PageMarkup, 6, true)
            ]),
            Some(PageMarkup)
        );
        assert_eq!(
            pick(vec![t(JsonLd, 2, false), t(CommentsFeed, 2, false)]),
            Some(CommentsFeed)
        );
        // Nothing to show.
        assert_eq!(
            richest(vec![t(PageMarkup, 0, false)]),
            CommentThread {
                source: None,
                comments: vec![]
            }
        );
        assert_eq!(richest(Vec::new()).source, None);
    }

    const WP_HEAD: &str = r#"<html><head>
<link rel="alternate" type="application/rss+xml" title="Site &raquo; Feed" href="https://ex.org/feed/" />
<link rel="alternate" type="application/rss+xml" title="Site &raquo; Comments Feed" href="https://ex.org/comments/feed/" />
<link rel="alternate" type="application/rss+xml" title="Site &raquo; A Post Comments Feed" href="https://ex.org/2026/11/19/a-post/feed/" />
<link rel="https://api.w.org/" href="https://ex.org/wp-json/" />
<link rel="alternate" type="application/json" href="https://ex.org/wp-json/wp/v2/posts/4" />
<link rel="canonical" href="https://ex.org/2026/11/19/a-post/" />
<link rel='shortlink' href='https://ex.org/?p=4' />
</head><body class="single postid-4"><ol class="comment-list"><li class="comment" id="comment-2"><b class="fn">Ann</b><div class="comment-content">hi</div></li></ol></body></html>"#;

    #[test]
    fn discovers_wordpress_sources() {
        let page = Url::parse("https://ex.org/2026/11/19/a-post/?utm=x").expect("test URL");
        let d = discover(WP_HEAD, &page);
        assert_eq!(
            d.feed.map(String::from).as_deref(),
            Some("https://ex.org/2026/11/19/a-post/feed/")
        );
        assert_eq!(
            d.wp_rest.map(String::from).as_deref(),
            Some("https://ex.org/wp-json/wp/v2/comments?post=4&per_page=100")
        );
        assert_eq!(d.in_page.len(), 1);
        assert_eq!(d.in_page[0].source, Some(CommentSource::PageMarkup));
    }

    #[test]
    fn post_id_from_each_signal_alone() {
        let page = Url::parse("https://ex.org/a-post/").expect("test URL");
        let rest = |html: &str| discover(html, &page).wp_rest.map(String::from);
        let want = Some("https://ex.org/wp-json/wp/v2/comments?post=7&per_page=100".to_string());
        assert_eq!(rest(r#"<link rel="shortlink" href="/?p=7">"#), want);
        assert_eq!(
            rest(r#"<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">"#),
            want
        );
        assert_eq!(rest(r#"<body class="page-template page-id-7">"#), want);
        assert_eq!(
            rest(r#"<body class="postid-x"><link rel="shortlink" href="file:///?p=7">"#),
            None
        );
    }

    #[test]
    fn feed_guess_and_non_wordpress_pages() {
        let page = Url::parse("https://ex.org/a-post").expect("test URL");
        // WordPress without a comments feed link: the article's feed/ by convention.
        let d = discover(r#"<meta name="generator" content="WordPress 6.1">"#, &page);
        assert_eq!(
            d.feed.map(String::from).as_deref(),
            Some("https://ex.org/a-post/feed/")
        );
        let plain = Url::parse("https://ex.org/?p=4").expect("test URL");
        let d = discover(r#"<body class="postid-4">"#, &plain);
        assert_eq!(
            d.feed.map(String::from).as_deref(),
            Some("https://ex.org/?p=4&feed=rss2")
        );
        // Any other site: only a link saying "comments".
        let d = discover(
            r#"<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/1/2.xml">"#,
            &page,
        );
        assert_eq!(
            d.feed.map(String::from).as_deref(),
            Some("https://ex.org/comments/1/2.xml")
        );
        assert_eq!(d.wp_rest, None);
        assert_eq!(discover("<p>nothing</p>", &page), Discovered::default());
        // A local page offers nothing to fetch.
        let file = Url::parse("file:///tmp/a-post.html").expect("test URL");
        let d = discover(r#"<body class="postid-4">"#, &file);
        assert_eq!((d.feed, d.wp_rest), (None, None));
    }

    #[test]
    fn load_is_send() {
        fn send<T: Send>(_: &T) {}
        let net = Net::new(&crate::net::NetConfig::default()).expect("client starts");
        let url = Url::parse("https://ex.org/").expect("test URL");
        send(&load(&net, "", &url, None));
    }

    #[tokio::test]
    async fn load_keeps_a_threaded_page_and_skips_what_fails() {
        let net = Net::new(&crate::net::NetConfig {
            connect_timeout_secs: 2.0,
            timeout_secs: 2.0,
            ..Default::default()
        })
        .expect("client starts");
        let threaded = r#"<ol class="comment-list"><li class="comment" id="comment-1"><b class="fn">A</b><div class="comment-content">a</div>
<ol class="children"><li class="comment" id="comment-2"><b class="fn">B</b><div class="comment-content">b</div></li></ol></li></ol>"#;
        // Port 9 on loopback refuses: were anything fetched, it would fail, not hang.
        let url = Url::parse("http://127.0.0.1:9/p/").expect("test URL");
        let html = format!(r#"<body class="postid-1">{threaded}"#);
        let got = load(&net, &html, &url, Some("/p/feed/")).await;
        assert_eq!(got.source, Some(CommentSource::PageMarkup));
        assert_eq!(got.comments.len(), 2);
        // Flat page, every alternative failing: the page's thread stands.
        let flat = r#"<body class="postid-1"><ol class="comment-list"><li class="comment"><b class="fn">A</b><div class="comment-content">a</div></li></ol>"#;
        let got = load(&net, flat, &url, Some("/p/feed/")).await;
        assert_eq!(
            (got.source, got.comments.len()),
            (Some(CommentSource::PageMarkup), 1)
        );
    }
}
