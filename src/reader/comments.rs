//! An article's comments: fetched from its discussion site or its page, or, when they cannot be
//! had, those saved when they were last read; and the replies a "more replies" stub stands for.

use std::sync::Arc;

use super::saved::{self, Fetched, Unavailable};
use super::{AppError, Context};
use crate::model::{Comment, CommentThread};
use crate::net::Limit;
use crate::sites::Discussion;
use crate::store::{CacheKind, Store};

/// The comments saved when the article was last read, if any.
pub fn saved_comments(ctx: &Context, target: &str) -> Option<CommentThread> {
    saved::saved(&ctx.store().ok()?, CacheKind::Comments, target)
}

/// The comments to show when an article's discussion is opened: those saved when they were
/// last read (read on a blocking thread), else [`fetch_comments`].
pub async fn open_comments(
    ctx: &Arc<Context>,
    target: &str,
) -> Result<Fetched<CommentThread>, AppError> {
    let (shared, url) = (Arc::clone(ctx), target.to_string());
    let kept = tokio::task::spawn_blocking(move || saved_comments(&shared, &url))
        .await
        .ok()
        .flatten();
    match kept {
        Some(thread) => Ok(Fetched::fresh(thread)),
        None => fetch_comments(ctx, target).await,
    }
}

/// The discussion site's thread for `target`: a discussion site's link, or an item whose
/// `<comments>` is one (hnrss, Lobsters's feeds, and the sites' own headlines, whose link is
/// the article).
fn discussion_of(ctx: &Context, store: &Store, target: &str) -> Option<Discussion> {
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
) -> Result<Vec<Comment>, AppError> {
    let store = ctx.store()?;
    match discussion_of(ctx, &store, target) {
        Some(Discussion::Reddit { permalink }) => crate::sites::reddit::more(
            &ctx.net,
            &ctx.config.sources.reddit.base,
            &permalink,
            children,
        )
        .await
        .map_err(|failure| AppError::Failed(failure.reason)),
        _ => Err(AppError::Failed(format!(
            "{target}: only a Reddit discussion has replies to load"
        ))),
    }
}

/// The comments of the article at `target`, fetched (and saved) or, when they cannot be had,
/// those saved when they were last read; the notice says so.
pub async fn fetch_comments(
    ctx: &Context,
    target: &str,
) -> Result<Fetched<CommentThread>, AppError> {
    let store = ctx.store()?;
    let fetched = match discussion_of(ctx, &store, target) {
        Some(discussion) => crate::sites::thread(&ctx.net, &ctx.config.sources, &discussion)
            .await
            .map_err(|failure| Unavailable::because(failure.reason)),
        None => match ctx.net.get(target, Limit::Page).await {
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
            Err(e) => Err(Unavailable::at(target, e)),
        },
    };
    match fetched {
        Ok(thread) => {
            saved::keep(&store, CacheKind::Comments, target, &thread)?;
            Ok(Fetched::fresh(thread))
        }
        Err(why) => saved::saved_instead(&store, CacheKind::Comments, target, why)
            .map_err(|why| AppError::Failed(why.to_string())),
    }
}
