//! An article as herald reads it: the main text of a page (or of a feed item), its metadata,
//! the paragraphs narration speaks, and a rendering for the terminal.

pub mod extract;
pub mod render;

use serde::{Deserialize, Serialize};
use url::Url;

pub use render::{IMAGE_ROWS, ImageRef, Rendered, Span, Style, StyledLine};

use crate::model::Narration;
use crate::{narration, sanitize};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArticleError {
    #[error("no readable article text found in the page")]
    NoText,
}

/// Every string in here has been sanitized; it is cached as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub url: String,
    pub title: String,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    /// The cleaned main content, links absolute.
    pub content_html: String,
    /// The plain text of each block of the body in reading order (paragraphs, headings, list
    /// items, quotes, preformatted blocks, tables); what narration speaks after the title.
    pub paragraphs: Vec<String>,
    /// Link targets in order of first appearance, numbered from 1 in the rendering.
    pub links: Vec<String>,
    pub narration: Option<Narration>,
    /// The page's lead picture, shown above the text unless the text holds it already.
    #[serde(default)]
    pub image: Option<String>,
}

impl Article {
    /// Extracts the article from a whole page. Narration is looked for in the whole page, not
    /// just the extracted content: readability may drop the `<audio>` element.
    pub fn from_page(html: &str, page_url: &Url) -> Result<Article, ArticleError> {
        let doc = crate::html::parse_document(html);
        let narration = narration::discover(&doc, page_url);
        let ex = extract::extract(&doc, page_url)?;
        let mut article = Article::assemble(page_url, ex.title, ex.content_html, narration)?;
        article.byline = ex.byline;
        article.published = ex.published;
        article.site_name = ex.site_name;
        article.image = ex.image;
        Ok(article)
    }

    /// The article from a feed item's full content, for when the page cannot be fetched.
    pub fn from_feed_content(
        title: &str,
        content_html: &str,
        url: &Url,
        byline: Option<&str>,
        published: Option<&str>,
    ) -> Result<Article, ArticleError> {
        let doc = crate::html::parse_document(content_html);
        let narration = narration::discover(&doc, url);
        let content = extract::clean_content(&doc, url);
        let mut article = Article::assemble(url, sanitize::line(title), content, narration)?;
        let clean = |s: Option<&str>| s.map(sanitize::line).filter(|s| !s.is_empty());
        article.byline = clean(byline);
        article.published = clean(published);
        Ok(article)
    }

    fn assemble(
        url: &Url,
        title: String,
        content_html: String,
        narration: Option<Narration>,
    ) -> Result<Article, ArticleError> {
        let seg = render::segment(&content_html, &title, url);
        if seg.blocks.is_empty() {
            return Err(ArticleError::NoText);
        }
        Ok(Article {
            url: sanitize::line(url.as_str()),
            title,
            byline: None,
            published: None,
            site_name: None,
            content_html,
            paragraphs: seg.blocks.into_iter().map(|b| b.text).collect(),
            links: seg.links,
            narration,
            image: None,
        })
    }

    /// The body laid out for `width` columns, links numbered as in [`Article::links`], with
    /// rows kept for its pictures.
    pub fn render(&self, width: usize) -> Rendered {
        self.render_for(width, true)
    }

    /// As [`Article::render`]; without `pictures`, each picture is a line of its alt text.
    pub fn render_for(&self, width: usize, pictures: bool) -> Rendered {
        render::render(&self.segment(), width, pictures)
    }

    /// The plain body text, paragraphs separated by blank lines, without link markers.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The blocks again, from the stored HTML: the same function made `paragraphs`, so the
    /// block indices of rendered lines match.
    fn segment(&self) -> render::Segmented {
        let base = Url::parse(&self.url).ok();
        let mut seg = match base {
            Some(base) => render::segment(&self.content_html, &self.title, &base),
            None => render::Segmented::default(),
        };
        if let Some(lead) = &self.image
            && !seg.images.iter().any(|i| &i.url == lead)
        {
            let lead = render::SegmentImage {
                before: 0,
                url: lead.clone(),
                alt: String::new(),
            };
            seg.images.insert(0, lead);
        }
        seg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NarrationSource;

    fn url() -> Url {
        Url::parse("https://news.example/2026/story").expect("url")
    }

    const PAGE: &str = r#"<html><head><title>The Long Story of the Day &#8211; Example News</title></head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>The Long Story of the Day</h1>
        <p>First paragraph of the story with enough words to look like an article body to a
        reader, and a <a href="/source">linked source</a> for good measure.</p>
        <h2>A section</h2>
        <p>Second paragraph, <em>emphasised</em> and <strong>strong</strong>, and again the
        <a href="https://news.example/source">same source</a> then <a href="/other">another</a>.</p>
        <ul><li>Point one</li><li>Point two</li></ul>
        <blockquote><p>A quotation from someone important enough to be quoted at length.</p></blockquote>
        <p>Third paragraph that closes the story with yet more words so it is long enough.</p>
        </article><footer>Copyright footer</footer>
        <audio src="/narration.mp3"></audio></body></html>"#;

    #[test]
    fn page_to_paragraphs_links_and_narration() {
        let a = Article::from_page(PAGE, &url()).expect("article");
        assert_eq!(a.title, "The Long Story of the Day");
        assert_eq!(a.site_name.as_deref(), Some("Example News"));
        assert_eq!(a.paragraphs.len(), 7, "{:#?}", a.paragraphs);
        assert!(a.paragraphs[0].starts_with("First paragraph"));
        assert_eq!(a.paragraphs[1], "A section");
        assert_eq!(a.paragraphs[3..5], ["Point one", "Point two"]);
        assert_eq!(
            a.links,
            ["https://news.example/source", "https://news.example/other"]
        );
        assert!(
            !a.text().contains("[1]")
                && !a.text().contains("Home")
                && !a.text().contains("Copyright")
        );
        assert!(
            a.text()
                .contains("linked source for good measure.\n\nA section\n\nSecond")
        );
        let n = a.narration.as_ref().expect("narration");
        assert_eq!(
            (n.url.as_str(), n.source),
            (
                "https://news.example/narration.mp3",
                NarrationSource::AudioElement
            )
        );
    }

    #[test]
    fn render_marks_links_headings_lists_and_quotes() {
        let a = Article::from_page(PAGE, &url()).expect("article");
        let r = a.render(40);
        assert_eq!(r.links, a.links);
        let texts: Vec<String> = r.lines.iter().map(StyledLine::text).collect();
        let all = texts.join("\n");
        assert!(
            all.contains("linked source[1]")
                && all.contains("same source[1]")
                && all.contains("another[2]"),
            "{all}"
        );
        assert!(
            r.lines.iter().all(|l| crate::width::of(&l.text()) <= 40),
            "{all}"
        );

        let heading = r
            .lines
            .iter()
            .find(|l| l.block == Some(1))
            .expect("heading line");
        assert_eq!(heading.text(), "A section");
        assert!(heading.spans.iter().all(|s| s.style.heading == Some(2)));

        let spans: Vec<&Span> = r.lines.iter().flat_map(|l| &l.spans).collect();
        let find = |t: &str| {
            spans
                .iter()
                .find(|s| s.text.contains(t))
                .map(|s| s.style)
                .expect(t)
        };
        assert!(find("emphasised").emphasis && find("strong").bold);
        assert_eq!(find("another").link, Some(1));
        assert_eq!(find("[2]").link, Some(1));
        assert!(
            texts.contains(&"• Point one".to_string())
                && texts.contains(&"• Point two".to_string())
        );
        let quote = r
            .lines
            .iter()
            .find(|l| l.block == Some(5))
            .expect("quote line");
        assert!(quote.spans.iter().all(|s| s.style.quote), "{quote:?}");
        // Every block shows up, in order, and the links are listed last.
        let blocks: Vec<usize> = r.lines.iter().filter_map(|l| l.block).collect();
        assert!(blocks.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(blocks.last(), Some(&(a.paragraphs.len() - 1)));
        assert_eq!(
            texts.last().map(String::as_str),
            Some("[2] https://news.example/other")
        );
    }

    #[test]
    fn hostile_text_leaves_no_control_characters() {
        // Raw in the source, and as character references (which map &#x9b; to '›', as HTML says).
        let raw = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m\u{9b}6n\u{202e}evil\x07";
        let evil = "&#x1b;]0;pwned&#x07;&#x1b;[2J&#x1b;[31mRED&#x1b;[0m&#x9b;6n&#x202e;evil&#x07;";
        let body = format!(
            "<p>{raw} {evil} {}</p>",
            "Words of an ordinary paragraph. ".repeat(20)
        );
        let html = format!(
            r#"<html><head><title>{raw}</title><meta name="author" content="{evil}">
            <meta property="og:site_name" content="{evil}"></head><body><article><h1>{evil}</h1>{body}
            <p><a href="/x{evil}">{evil}</a></p><pre>{evil}</pre></article></body></html>"#
        );
        let a = Article::from_page(&html, &url()).expect("article");
        let json = serde_json::to_string(&a).expect("json");
        let back: Article = serde_json::from_str(&json).expect("round trip");
        assert_eq!(back, a);
        let bad = |s: &str| {
            s.chars()
                .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        };
        let mut strings = vec![&a.url, &a.title, &a.content_html];
        strings.extend(a.byline.iter().chain(&a.published).chain(&a.site_name));
        strings.extend(a.paragraphs.iter().chain(&a.links));
        for s in strings {
            assert!(!bad(s), "control character in {s:?}");
        }
        assert_eq!(a.title, "REDevil");
        assert!(
            a.paragraphs[0].starts_with("REDevil RED›6nevil Words"),
            "{}",
            a.paragraphs[0]
        );
        for l in a.render(50).lines {
            for s in &l.spans {
                assert!(
                    !s.text.chars().any(char::is_control),
                    "control character in {:?}",
                    s.text
                );
            }
        }
    }

    #[test]
    fn feed_content_without_readability() {
        let html = r#"<p>Short item with <a href="/more">a link</a>.</p>
            <audio controls><source src="/a.ogg" type="audio/ogg"></audio><script>x()</script>"#;
        let a = Article::from_feed_content(" Item\n", html, &url(), Some("Ann"), None)
            .expect("article");
        assert_eq!(a.title, "Item");
        assert_eq!(a.byline.as_deref(), Some("Ann"));
        assert_eq!(a.paragraphs, ["Short item with a link."]);
        assert_eq!(a.links, ["https://news.example/more"]);
        assert_eq!(
            a.narration.map(|n| n.url),
            Some("https://news.example/a.ogg".to_string())
        );
        assert_eq!(
            Article::from_feed_content("x", "<p> </p>", &url(), None, None),
            Err(ArticleError::NoText)
        );
    }

    #[test]
    fn pre_and_tables_are_one_block_each() {
        let html = "<p>Intro</p><pre>fn main() {\n    go();\n}</pre>\
            <table><tr><th>City</th><th>Temp</th></tr><tr><td>Oslo</td><td>-3</td></tr></table>";
        let a = Article::from_feed_content("t", html, &url(), None, None).expect("article");
        assert_eq!(
            a.paragraphs,
            ["Intro", "fn main() {\n    go();\n}", "City Temp\nOslo -3"]
        );
        let r = a.render(30);
        let pre: Vec<String> = r
            .lines
            .iter()
            .filter(|l| l.block == Some(1))
            .map(StyledLine::text)
            .collect();
        assert_eq!(pre, ["fn main() {", "    go();", "}"]);
        assert!(
            r.lines
                .iter()
                .filter(|l| l.block == Some(1))
                .all(|l| l.spans.iter().all(|s| s.style.preformatted))
        );
        assert!(
            r.lines
                .iter()
                .any(|l| l.block == Some(2) && l.text().contains("Oslo"))
        );
    }

    #[test]
    fn chinese_breaks_between_characters_across_inline_tags_but_not_in_pre() {
        let html = "<p>港口 渡轮公司<b>周一</b>表示，从十二月一日起，渡轮将每四十分钟一班。</p>\
            <pre>港口渡轮公司周一表示从十二月一日起</pre>";
        let a = Article::from_feed_content("t", html, &url(), None, None).expect("article");
        // Narration and search read the text as written.
        assert_eq!(
            a.paragraphs[0],
            "港口 渡轮公司周一表示，从十二月一日起，渡轮将每四十分钟一班。"
        );
        let r = a.render(16);
        let lines: Vec<String> = r.lines.iter().map(StyledLine::text).collect();
        let text: Vec<&str> = r
            .lines
            .iter()
            .zip(&lines)
            .filter(|(l, _)| l.block == Some(0))
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            text,
            [
                "港口 渡轮公司周",
                "一表示，从十二月",
                "一日起，渡轮将每",
                "四十分钟一班。"
            ],
            "{lines:?}"
        );
        // The break marks never reach the screen.
        assert!(lines.iter().all(|l| !l.contains(crate::width::BREAK)));
        // Preformatted text is cut only where it overflows, as before.
        let pre: Vec<&str> = r
            .lines
            .iter()
            .zip(&lines)
            .filter(|(l, _)| l.block == Some(1))
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(pre, ["港口渡轮公司周一", "表示从十二月一日", "起"]);
    }
}
