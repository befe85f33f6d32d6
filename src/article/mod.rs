//! An article as herald reads it: the main text of a page (or of a feed item), its metadata,
//! the paragraphs narration speaks, and a rendering for the terminal.

pub mod extract;
pub mod render;

use scraper::Html;
use serde::{Deserialize, Serialize};
use url::Url;

pub use render::{Rendered, Span, Style, StyledLine};

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
}

impl Article {
    /// Extracts the article from a whole page. Narration is looked for in the whole page, not
    /// just the extracted content: readability may drop the `<audio>` element.
    pub fn from_page(html: &str, page_url: &Url) -> Result<Article, ArticleError> {
        let doc = Html::parse_document(html);
        let narration = narration::discover(&doc, page_url);
        let ex = extract::extract(&doc, page_url)?;
        let mut article = Article::assemble(page_url, ex.title, ex.content_html, narration)?;
        article.byline = ex.byline;
        article.published = ex.published;
        article.site_name = ex.site_name;
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
        let doc = Html::parse_document(content_html);
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
        })
    }

    /// The body laid out for `width` columns, links numbered as in [`Article::links`].
    pub fn render(&self, width: usize) -> Rendered {
        render::render(&self.segment(), width)
    }

    /// The plain body text, paragraphs separated by blank lines, without link markers.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The blocks again, from the stored HTML: the same function made `paragraphs`, so the
    /// block indices of rendered lines match.
    fn segment(&self) -> render::Segmented {
        let base = Url::parse(&self.url).ok();
        match base {
            Some(base) => render::segment(&self.content_html, &self.title, &base),
            None => render::Segmented::default(),
        }
    }
}

