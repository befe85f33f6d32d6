//! Feed autodiscovery: a site's home page names its feeds in `<link rel="alternate">`.

use scraper::Selector;
use url::Url;

const FEED_TYPES: [&str; 4] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
];

/// The feeds a page advertises, best first: the site's own feed before comment feeds, and in
/// the order the page lists them otherwise.
pub fn feed_links(html: &str, page_url: &Url) -> Vec<Url> {
    let doc = crate::html::parse_document(html);
    let selector = Selector::parse("link[rel][href]").expect("constant selector");
    let base = doc
        .select(&Selector::parse("base[href]").expect("constant selector"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut found: Vec<(bool, Url)> = doc
        .select(&selector)
        .filter(|l| {
            let v = l.value();
            let rel = v.attr("rel").unwrap_or_default().to_ascii_lowercase();
            let ty = v
                .attr("type")
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            rel.split_whitespace().any(|r| r == "alternate")
                && FEED_TYPES.contains(&ty.as_str())
                // WordPress's JSON link is its REST API, not a JSON Feed.
                && !(ty == "application/json"
                    && v.attr("href").is_some_and(|h| h.contains("/wp-json/")))
        })
        .filter_map(|l| {
            let v = l.value();
            let url = base.join(v.attr("href")?.trim()).ok()?;
            let title = v.attr("title").unwrap_or_default().to_ascii_lowercase();
            let is_comments = title.contains("comment") || url.path().contains("/comments/");
            Some((is_comments, url))
        })
        .collect();
    found.sort_by_key(|(is_comments, _)| *is_comments);
    let mut out: Vec<Url> = Vec::new();
    for (_, u) in found {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_site_feed_over_comments() {
        let html = r#"<html><head>
<link rel="alternate" type="application/rss+xml" title="Site &raquo; Comments Feed" href="/comments/feed/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/4">
<link rel="alternate" type="application/rss+xml" title="Site &raquo; Feed" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://other.example/atom.xml">
</head></html>"#;
        let page = Url::parse("http://127.0.0.1:8080/").expect("constant URL");
        let links = feed_links(html, &page);
        let shown: Vec<&str> = links.iter().map(Url::as_str).collect();
        assert_eq!(
            shown,
            [
                "http://127.0.0.1:8080/feed/",
                "https://other.example/atom.xml",
                "http://127.0.0.1:8080/comments/feed/"
            ]
        );
    }
}
