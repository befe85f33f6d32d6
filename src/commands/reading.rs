//! read and comments: one article or one discussion, from the network or, offline, the cache.

use std::io::Write;

use super::{CommandError, Context, EXIT_OK, Out, write_json};
use crate::article::Article;
use crate::model::{CommentKind, CommentThread, Narration};
use crate::net::{Limit, Response};
use crate::store::{CacheKind, Store};

/// Fetches the page at `target`; `Err` carries the reason for a person.
async fn fetch_page(ctx: &Context, target: &str) -> Result<Response, String> {
    ctx.net
        .get(target, Limit::Page)
        .await
        .map_err(|e| e.to_string())
}

/// Reads a cached JSON value, or explains that there is none.
fn cached<T: serde::de::DeserializeOwned>(store: &Store, kind: CacheKind, url: &str) -> Option<T> {
    store
        .get_cached(kind, url)
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
}

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
}

pub async fn read<W: Write>(
    ctx: &Context,
    target: &str,
    width: usize,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, CommandError> {
    let article = load_article(ctx, target).await?;
    let rendered = article.render(width.max(20));
    let lines: Vec<String> = rendered.lines.iter().map(|l| l.text()).collect();
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
    Ok(EXIT_OK)
}

/// The copy of the article saved when it was last read, if any.
pub fn saved_article(ctx: &Context, target: &str) -> Option<Article> {
    cached(&ctx.store().ok()?, CacheKind::Article, target)
}

/// The comments saved when the article was last read, if any.
pub fn saved_comments(ctx: &Context, target: &str) -> Option<CommentThread> {
    cached(&ctx.store().ok()?, CacheKind::Comments, target)
}

/// [`fetch_article`], telling the user on stderr when an older copy is shown.
pub(crate) async fn load_article(ctx: &Context, target: &str) -> Result<Article, CommandError> {
    let (article, notice) = fetch_article(ctx, target).await?;
    if let Some(notice) = notice {
        eprintln!("herald: {}", crate::sanitize::line(&notice));
    }
    Ok(article)
}

/// The article at `target`: fetched and extracted (and cached), or, when the page cannot be
/// had, the copy saved when it was last read, or the full text its feed carried. The notice
/// says when an older copy is shown, and why.
pub async fn fetch_article(
    ctx: &Context,
    target: &str,
) -> Result<(Article, Option<String>), CommandError> {
    let store = ctx.store()?;
    if let Some(discussion) = crate::sites::discussion(target, &ctx.config.sources)
        .filter(crate::sites::Discussion::has_story)
    {
        return site_article(ctx, store, target, &discussion).await;
    }
    let item = store.item_by_link(target)?;
    let (article, notice) = match fetch_page(ctx, target).await {
        Ok(page) => {
            let from_page = Article::from_page(&page.text(), &page.url);
            let mut article = match (from_page, &item) {
                (Ok(a), _) => a,
                // The page has no readable text, but the feed carried the whole article.
                (Err(e), Some(i)) => from_feed_item(i, target)
                    .ok_or_else(|| CommandError::Failed(format!("{target}: {e}")))?,
                (Err(e), None) => return Err(CommandError::Failed(format!("{target}: {e}"))),
            };
            if article.narration.is_none() {
                article.narration = item.as_ref().and_then(enclosure);
            }
            if let Ok(text) = serde_json::to_string(&article) {
                store.put_cached(CacheKind::Article, target, &text)?;
            }
            if let Some(i) = &item {
                store.set_read(i.id, true)?;
            }
            (article, None)
        }
        Err(reason) => match cached::<Article>(&store, CacheKind::Article, target) {
            Some(article) => (
                article,
                Some(format!(
                    "{target}: {reason}; showing the copy saved when it was last read"
                )),
            ),
            None => match item.as_ref().and_then(|i| from_feed_item(i, target)) {
                Some(article) => (
                    article,
                    Some(format!(
                        "{target}: {reason}; showing the full text the feed carried"
                    )),
                ),
                None => return Err(CommandError::Failed(format!("{target}: {reason}"))),
            },
        },
    };
    Ok((article, notice))
}

/// The article of a discussion site's post at `target`: the page it links to, or the post's own
/// text (Ask HN); offline, the copy saved when it was last read.
async fn site_article(
    ctx: &Context,
    // Owned: a borrowed store would make the future unsendable (the app spawns it).
    store: Store,
    target: &str,
    discussion: &crate::sites::Discussion,
) -> Result<(Article, Option<String>), CommandError> {
    let story = match crate::sites::story(&ctx.net, &ctx.config.sources, discussion).await {
        Ok(story) => story,
        Err(reason) => {
            return match cached::<Article>(&store, CacheKind::Article, target) {
                Some(article) => Ok((
                    article,
                    Some(format!(
                        "{target}: {reason}; showing the copy saved when it was last read"
                    )),
                )),
                None => Err(CommandError::Failed(reason.reason)),
            };
        }
    };
    let own_text = |reason: String| -> Result<Article, CommandError> {
        let url =
            url::Url::parse(target).map_err(|e| CommandError::Failed(format!("{target}: {e}")))?;
        // A post with neither text nor a readable link still has its title.
        let html = story.text_html.clone().unwrap_or_else(|| {
            let mut html = "<p>".to_string();
            crate::article::extract::escape(&mut html, &story.title, false);
            html + "</p>"
        });
        Article::from_feed_content(
            &story.title,
            &html,
            &url,
            story.author.as_deref(),
            story.published.as_deref(),
        )
        .map_err(|e| CommandError::Failed(format!("{target}: {reason}{e}")))
    };
    let (article, notice) = match &story.link {
        None => (own_text(String::new())?, None),
        Some(link) => match fetch_page(ctx, link).await {
            Ok(page) => match Article::from_page(&page.text(), &page.url) {
                Ok(article) => (article, None),
                Err(e) => (own_text(format!("{link}: {e}; "))?, None),
            },
            Err(reason) if story.text_html.is_some() => (
                own_text(String::new())?,
                Some(format!("{link}: {reason}; showing the post's own text")),
            ),
            Err(reason) => match cached::<Article>(&store, CacheKind::Article, target) {
                Some(article) => (
                    article,
                    Some(format!(
                        "{link}: {reason}; showing the copy saved when it was last read"
                    )),
                ),
                None => return Err(CommandError::Failed(format!("{link}: {reason}"))),
            },
        },
    };
    if let Ok(text) = serde_json::to_string(&article) {
        store.put_cached(CacheKind::Article, target, &text)?;
    }
    // A text post's headline links to its discussion: reading it reads the headline.
    if let Some(item) = store.item_by_link(target)? {
        store.set_read(item.id, true)?;
    }
    Ok((article, notice))
}

fn from_feed_item(item: &crate::store::StoredItem, target: &str) -> Option<Article> {
    let html = item.content_html.as_deref()?;
    let url = url::Url::parse(target).ok()?;
    let mut article = Article::from_feed_content(
        &item.title,
        html,
        &url,
        item.author.as_deref(),
        item.published.as_deref(),
    )
    .ok()?;
    if article.narration.is_none() {
        article.narration = enclosure(item);
    }
    Some(article)
}

fn enclosure(item: &crate::store::StoredItem) -> Option<Narration> {
    let url = item.audio_url.as_deref()?;
    crate::narration::from_enclosures([(url, item.audio_type.as_deref())], None)
}

pub async fn comments<W: Write>(
    ctx: &Context,
    target: &str,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, CommandError> {
    let (thread, notice) = fetch_comments(ctx, target).await?;
    if let Some(notice) = notice {
        eprintln!("herald: {}", crate::sanitize::line(&notice));
    }
    if json {
        write_json(out, &thread)?;
        return Ok(EXIT_OK);
    }
    print_thread(&thread, out)?;
    Ok(EXIT_OK)
}

/// The discussion site's thread for `target`: a discussion site's link, or an item whose
/// `<comments>` is one (hnrss, Lobsters's feeds, and the sites' own headlines, whose link is
/// the article).
fn discussion_of(ctx: &Context, store: &Store, target: &str) -> Option<crate::sites::Discussion> {
    crate::sites::discussion(target, &ctx.config.sources).or_else(|| {
        store
            .item_by_link(target)
            .ok()
            .flatten()
            .and_then(|i| i.comments_url)
            .and_then(|u| crate::sites::discussion(&u, &ctx.config.sources))
    })
}

/// The replies a "more replies" stub in the discussion of `target` stands for (`children`
/// are the ids the stub names), with depths from 0 for those that answer the stub's parent.
pub async fn more_replies(
    ctx: &Context,
    target: &str,
    children: &[String],
) -> Result<Vec<crate::model::Comment>, CommandError> {
    let store = ctx.store()?;
    match discussion_of(ctx, &store, target) {
        Some(crate::sites::Discussion::Reddit { permalink }) => crate::sites::reddit::more(
            &ctx.net,
            &ctx.config.sources.reddit.base,
            &permalink,
            children,
        )
        .await
        .map_err(|failure| CommandError::Failed(failure.reason)),
        _ => Err(CommandError::Failed(format!(
            "{target}: only a Reddit discussion has replies to load"
        ))),
    }
}

/// The comments of the article at `target`, fetched (and cached) or, when the page cannot be
/// had, those saved when it was last read; the notice says so.
pub async fn fetch_comments(
    ctx: &Context,
    target: &str,
) -> Result<(CommentThread, Option<String>), CommandError> {
    let store = ctx.store()?;
    let discussion = discussion_of(ctx, &store, target);
    if let Some(discussion) = discussion {
        let fetched = crate::sites::thread(&ctx.net, &ctx.config.sources, &discussion).await;
        return saved_or(&store, target, fetched.map_err(|failure| failure.reason));
    }
    let fetched = match fetch_page(ctx, target).await {
        Ok(page) => {
            let item_feed = store
                .item_by_link(target)?
                .or(store.item_by_link(page.url.as_str())?)
                .and_then(|i| i.comments_feed);
            Ok(
                crate::comments::load(&ctx.net, &page.text(), &page.url, item_feed.as_deref())
                    .await,
            )
        }
        Err(reason) => Err(format!("{target}: {reason}")),
    };
    saved_or(&store, target, fetched)
}

/// A thread just fetched, saved for reading offline; or, when it could not be had, the one
/// saved when it was last read, with a notice saying so.
fn saved_or(
    store: &Store,
    target: &str,
    fetched: Result<CommentThread, String>,
) -> Result<(CommentThread, Option<String>), CommandError> {
    let (thread, notice) = match fetched {
        Ok(thread) => {
            if let Ok(text) = serde_json::to_string(&thread) {
                store.put_cached(CacheKind::Comments, target, &text)?;
            }
            (thread, None)
        }
        Err(reason) => match cached::<CommentThread>(store, CacheKind::Comments, target) {
            Some(thread) => (
                thread,
                Some(format!(
                    "{reason}; showing the comments saved when it was last read"
                )),
            ),
            None => return Err(CommandError::Failed(reason)),
        },
    };
    Ok((thread, notice))
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

/// ISO 8601 dates read as `2026-11-19 11:30`; anything else is shown as the site gave it.
pub fn display_date(date: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(date)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| date.to_string())
}
