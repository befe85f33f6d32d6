//! read and comments: one article or one discussion, printed; fetching them, and the copy saved
//! for reading offline, is the reader's (`crate::reader`).

use std::io::Write;

use super::{Out, write_json};
use crate::article::Article;
use crate::dates::display_date;
use crate::model::{CommentKind, CommentThread, Narration};
use crate::reader::{self, AppError, Context, EXIT_OK, Notice};
use crate::store::{RELATED_LIMIT, Related, Story};

/// `read --json`: the article with its text as printed.
#[derive(serde::Serialize)]
struct ReadJson<'a> {
    url: &'a str,
    title: &'a str,
    byline: Option<&'a str>,
    published: Option<&'a str>,
    site_name: Option<&'a str>,
    paragraphs: &'a [String],
    text: String,
    lines: Vec<String>,
    links: &'a [String],
    narration: Option<&'a Narration>,
    /// Other coverage of the story in the reader's other feeds, best first.
    related: Vec<RelatedJson>,
}

/// An item of other coverage as `read --json` gives it (`id` as `headlines --json` has it).
#[derive(serde::Serialize)]
struct RelatedJson {
    id: i64,
    feed: String,
    title: String,
    link: Option<String>,
    published: Option<String>,
    /// How alike it is to the article, 0 to 1.
    score: f64,
}

pub async fn read<W: Write>(
    ctx: &Context,
    target: &str,
    width: usize,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let article = load_article(ctx, target, reader::Marking::Read).await?;
    let rendered = article.render(width.max(20));
    let lines: Vec<String> = rendered.lines.iter().map(|l| l.text()).collect();
    let related = other_coverage(ctx, target, &article);
    if json {
        let value = ReadJson {
            url: &article.url,
            title: &article.title,
            byline: article.byline.as_deref(),
            published: article.published.as_deref(),
            site_name: article.site_name.as_deref(),
            paragraphs: &article.paragraphs,
            text: article.text(),
            lines,
            links: &rendered.links,
            narration: article.narration.as_ref(),
            related: related
                .iter()
                .map(|r| RelatedJson {
                    id: r.headline.id,
                    feed: r.headline.feed.to_string(),
                    title: r.headline.title.clone(),
                    link: r.headline.link.clone(),
                    published: r.headline.published.clone(),
                    score: (r.score * 1000.0).round() / 1000.0,
                })
                .collect(),
        };
        write_json(out, &value)?;
        return Ok(EXIT_OK);
    }
    let width = width.max(20);
    let title = if article.title.is_empty() {
        &article.url
    } else {
        &article.title
    };
    for line in crate::width::wrap(title, width) {
        out.line(&line)?;
    }
    let meta: Vec<String> = [
        article.byline.as_ref().map(|b| format!("By {b}")),
        article.published.as_deref().map(display_date),
        article.site_name.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !meta.is_empty() {
        for line in crate::width::wrap(&meta.join(" · "), width) {
            out.line(&line)?;
        }
    }
    out.line("")?;
    for line in &lines {
        out.line(line.trim_end())?;
    }
    if let Some(n) = &article.narration {
        out.line("")?;
        out.line(&format!("Listen: {} ({})", n.url, n.source.describe()))?;
    }
    if !related.is_empty() {
        out.line("")?;
        out.line("Other coverage")?;
        for r in &related {
            out.line(&related_line(r, width))?;
        }
    }
    Ok(EXIT_OK)
}

/// Other coverage of the article: of its item when the archive has it (whose feed is then
/// left out), else of its title and opening text. A failed look-up is said, and the article
/// printed all the same.
fn other_coverage(ctx: &Context, target: &str, article: &Article) -> Vec<Related> {
    let found = ctx.store().and_then(|store| {
        let story = match store.item_by_link(target).map_err(AppError::Store)? {
            Some(item) => store.story_of_item(item.id).map_err(AppError::Store)?,
            None => None,
        };
        let story = story.unwrap_or_else(|| story_of_article(article));
        store
            .related(&ctx.subscribed_urls(), &story, RELATED_LIMIT)
            .map_err(AppError::Store)
    });
    match found {
        Ok(mut related) => {
            for r in &mut related {
                if let Some(name) = ctx.feed_name(&r.headline.feed_url) {
                    r.headline.feed = name.into();
                }
            }
            related
        }
        Err(e) => {
            crate::say!(
                "herald: other coverage could not be looked up: {}",
                crate::sanitize::line(&e.to_string())
            );
            Vec::new()
        }
    }
}

/// An article the archive does not hold, as a story: its title and first paragraphs, at the
/// time it says it was published (else now).
fn story_of_article(article: &Article) -> Story {
    let time = article
        .published
        .as_deref()
        .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
        .map_or_else(|| chrono::Utc::now().timestamp(), |t| t.timestamp());
    Story {
        title: article.title.clone(),
        lead: article
            .paragraphs
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        link: Some(article.url.clone()),
        time,
        ..Story::default()
    }
}

/// `  Feed · 2026-11-30 08:00`, then the title wrapped to `width`, then the link.
fn related_line(r: &Related, width: usize) -> String {
    let h = &r.headline;
    let date = h.published.as_deref().map(display_date);
    let head: Vec<String> = [Some(h.feed.to_string()), date]
        .into_iter()
        .flatten()
        .map(|t| crate::sanitize::line(&t))
        .collect();
    let mut lines = vec![format!("  {}", head.join(" · "))];
    for line in crate::width::wrap(&crate::sanitize::line(&h.title), width.saturating_sub(4)) {
        lines.push(format!("    {line}"));
    }
    if let Some(link) = &h.link {
        lines.push(format!("    {}", crate::sanitize::line(link)));
    }
    lines.join("\n")
}

/// [`reader::fetch_article`], telling the user on stderr when an older copy is shown.
pub(crate) async fn load_article(
    ctx: &Context,
    target: &str,
    marking: reader::Marking,
) -> Result<Article, AppError> {
    let fetched = reader::fetch_article_marking(ctx, target, marking).await?;
    say(fetched.notice.as_ref());
    Ok(fetched.value)
}

/// A notice goes to stderr, so that what is printed stays the article or the thread.
fn say(notice: Option<&Notice>) {
    if let Some(notice) = notice {
        crate::say!("herald: {}", crate::sanitize::line(&notice.to_string()));
    }
}

pub async fn comments<W: Write>(
    ctx: &Context,
    target: &str,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let fetched = reader::fetch_comments(ctx, target).await?;
    say(fetched.notice.as_ref());
    let thread = fetched.value;
    if json {
        write_json(out, &thread)?;
        return Ok(EXIT_OK);
    }
    print_thread(&thread, out)?;
    Ok(EXIT_OK)
}

fn print_thread<W: Write>(thread: &CommentThread, out: &mut Out<W>) -> std::io::Result<()> {
    let n = thread.comments.len();
    let from = thread
        .source
        .map(|s| format!(" (from {})", s.describe()))
        .unwrap_or_default();
    out.line(&format!(
        "{n} comment{}{from}",
        if n == 1 { "" } else { "s" }
    ))?;
    for c in &thread.comments {
        let indent = "    ".repeat(c.depth);
        out.line("")?;
        let date = c
            .date
            .as_deref()
            .map(|d| format!(" · {}", display_date(d)))
            .unwrap_or_default();
        let mark = match c.kind {
            CommentKind::Deleted => " [deleted]",
            CommentKind::Dead => " [dead]",
            _ => "",
        };
        // A deleted comment's author is often the mark already.
        let mark = if c.author == mark.trim() { "" } else { mark };
        out.line(&format!("{indent}{}{date}{mark}", c.author))?;
        for paragraph in c.text.lines() {
            for line in
                crate::width::wrap(paragraph, WIDTH.saturating_sub(indent.len() + 2).max(30))
            {
                out.line(format!("{indent}  {line}").trim_end())?;
            }
        }
    }
    Ok(())
}

const WIDTH: usize = 80;
