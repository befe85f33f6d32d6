//! An article: fetched and extracted, or, when it cannot be had, the copy saved when it was
//! last read, the full text its feed carried, or a discussion site's post's own text.

use std::sync::Arc;

use super::saved::{self, Fetched, Shown, Unavailable};
use super::{AppError, Context};
use crate::article::Article;
use crate::model::Narration;
use crate::net::{Limit, Response};
use crate::store::{CacheKind, Store, StoredItem};

/// Fetches the page at `target`.
async fn fetch_page(ctx: &Context, target: &str) -> Result<Response, Unavailable> {
    ctx.net
        .get(target, Limit::Page)
        .await
        .map_err(|e| Unavailable::at(target, e))
}

/// The copy of the article saved when it was last read, if any.
pub fn saved_article(ctx: &Context, target: &str) -> Option<Article> {
    saved::saved(&ctx.store().ok()?, CacheKind::Article, target)
}

/// The article to show when it is opened: the copy saved when it was last read (read on a
/// blocking thread), else [`fetch_article`].
pub async fn open_article(
    ctx: &Arc<Context>,
    target: &str,
    marking: Marking,
) -> Result<Fetched<Article>, AppError> {
    let (shared, url) = (Arc::clone(ctx), target.to_string());
    let kept = tokio::task::spawn_blocking(move || saved_article(&shared, &url))
        .await
        .ok()
        .flatten();
    match kept {
        Some(article) => Ok(Fetched::fresh(article)),
        None => fetch_article_marking(ctx, target, marking).await,
    }
}

/// What fetching an article does to its headline: reading it marks it read; listening leaves
/// that to the listener having heard it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marking {
    Read,
    Unchanged,
}

/// The article at `target`: fetched and extracted (and saved), or, when the page cannot be
/// had, the copy saved when it was last read, or the full text its feed carried. The notice
/// says when an older copy is shown, and why. Its headline is marked read.
pub async fn fetch_article(ctx: &Context, target: &str) -> Result<Fetched<Article>, AppError> {
    fetch_article_marking(ctx, target, Marking::Read).await
}

/// [`fetch_article`], marking its headline as `marking` says.
pub async fn fetch_article_marking(
    ctx: &Context,
    target: &str,
    marking: Marking,
) -> Result<Fetched<Article>, AppError> {
    let store = ctx.store()?;
    if let Some(discussion) = crate::sites::discussion(target, &ctx.config.sources)
        .filter(crate::sites::Discussion::has_story)
    {
        return site_article(ctx, store, target, &discussion, marking).await;
    }
    let item = store.item_by_link(target)?;
    let page = match fetch_page(ctx, target).await {
        Ok(page) => page,
        Err(why) => {
            return saved::saved_instead(&store, CacheKind::Article, target, why).or_else(|why| {
                match item.as_ref().and_then(|i| from_feed_item(i, target)) {
                    Some(article) => Ok(Fetched::instead(article, why, Shown::FeedText)),
                    None => Err(AppError::Failed(why.to_string())),
                }
            });
        }
    };
    let mut article = match (Article::from_page(&page.text(), &page.url), &item) {
        (Ok(a), _) => a,
        // The page has no readable text, but the feed carried the whole article.
        (Err(e), Some(i)) => {
            from_feed_item(i, target).ok_or_else(|| AppError::Failed(format!("{target}: {e}")))?
        }
        (Err(e), None) => return Err(AppError::Failed(format!("{target}: {e}"))),
    };
    if article.narration.is_none() {
        article.narration = item.as_ref().and_then(enclosure);
    }
    saved::keep(&store, CacheKind::Article, target, &article)?;
    if let Some(i) = item.as_ref().filter(|_| marking == Marking::Read) {
        store.set_read(i.id, true)?;
    }
    Ok(Fetched::fresh(article))
}

/// The article of a discussion site's post at `target`: the page it links to, or the post's own
/// text (Ask HN); offline, the copy saved when it was last read.
async fn site_article(
    ctx: &Context,
    // Owned: a borrowed store would make the future unsendable (the app spawns it).
    store: Store,
    target: &str,
    discussion: &crate::sites::Discussion,
    marking: Marking,
) -> Result<Fetched<Article>, AppError> {
    let story = match crate::sites::story(&ctx.net, &ctx.config.sources, discussion).await {
        Ok(story) => story,
        Err(failure) => {
            let why = Unavailable::at(target, &failure);
            return saved::saved_instead(&store, CacheKind::Article, target, why)
                .map_err(|_| AppError::Failed(failure.reason));
        }
    };
    let own_text = |reason: String| -> Result<Article, AppError> {
        let url =
            url::Url::parse(target).map_err(|e| AppError::Failed(format!("{target}: {e}")))?;
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
        .map_err(|e| AppError::Failed(format!("{target}: {reason}{e}")))
    };
    let shown = match &story.link {
        None => Fetched::fresh(own_text(String::new())?),
        Some(link) => match fetch_page(ctx, link).await {
            Ok(page) => match Article::from_page(&page.text(), &page.url) {
                Ok(article) => Fetched::fresh(article),
                Err(e) => Fetched::fresh(own_text(format!("{link}: {e}; "))?),
            },
            Err(why) if story.text_html.is_some() => {
                Fetched::instead(own_text(String::new())?, why, Shown::PostText)
            }
            Err(why) => saved::saved_instead(&store, CacheKind::Article, target, why)
                .map_err(|why| AppError::Failed(why.to_string()))?,
        },
    };
    saved::keep(&store, CacheKind::Article, target, &shown.value)?;
    // A text post's headline links to its discussion: reading it reads the headline.
    if marking == Marking::Read
        && let Some(item) = store.item_by_link(target)?
    {
        store.set_read(item.id, true)?;
    }
    Ok(shown)
}

fn from_feed_item(item: &StoredItem, target: &str) -> Option<Article> {
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

fn enclosure(item: &StoredItem) -> Option<Narration> {
    let url = item.audio_url.as_deref()?;
    crate::narration::from_enclosures([(url, item.audio_type.as_deref())], None)
}
