//! Sync with a server people already run, over the Google Reader API: its subscriptions become
//! herald's feeds, its items herald's headlines, and read and starred go both ways.
//!
//! One sync: the marks made here go first (from the store's outbox, batched), then the ids of
//! items new since the last sync, of every unread item and of every starred one (three
//! requests when nothing is new), then the contents of the items herald lacks, then the
//! server's marks for every item it gave. A mark still waiting to be sent keeps its value here;
//! once sent, the server's state rules. The password is asked for only at login; the token that
//! stands for it is kept in the data directory, readable by its owner only.

pub mod greader;
mod password;
mod token;

use std::collections::HashSet;

use url::Url;

use crate::config::SyncConfig;
use crate::reader::Context;
use crate::source::feed::FeedItem;
use crate::store::sync::{MarkKind, RemoteItem, SyncedFeed};
use crate::store::{Store, StoreError};
use greader::Client;

/// The subscriptions are asked for again after this long (and whenever an item comes from a
/// feed herald does not know).
const SUBSCRIPTIONS_EVERY: i64 = 24 * 60 * 60;
/// Items crawled this long before the last sync are asked for again: clocks differ.
const OVERLAP_SECS: i64 = 120;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the server refused the user name or password")]
    Refused,
    /// The token kept from the last login is no longer accepted.
    #[error("the server no longer accepts the login token")]
    Expired,
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Server(String),
    #[error("{0}")]
    Password(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    fn unreachable(base: &Url, e: &reqwest::Error) -> SyncError {
        let mut cause: &dyn std::error::Error = e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let what = if e.is_timeout() {
            "timed out".to_string()
        } else {
            cause.to_string()
        };
        SyncError::Unreachable(format!("could not reach {base}: {what}"))
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Subscriptions on the server.
    pub feeds: usize,
    pub new_items: usize,
    /// Items whose mark went to the server.
    pub marks_sent: usize,
    /// Items whose mark here changed to the server's.
    pub marks_received: usize,
    /// Items whose mark is still waiting to be sent.
    pub pending: usize,
    /// Feeds of the config added to the server (`--push-subscriptions`).
    pub subscribed: usize,
    /// Feeds of the config the server lacks (added only when asked).
    pub not_on_server: Vec<String>,
    /// Items left out: their feed is not among the server's subscriptions.
    pub orphans: usize,
    /// HTTP requests made, the login included.
    pub requests: usize,
    /// Why marks could not be sent; they wait for the next sync.
    pub send_error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SyncOptions {
    /// Subscribe the server to the config's feeds it lacks.
    pub push_subscriptions: bool,
    /// Only send the marks waiting (as the app does soon after a mark).
    pub marks_only: bool,
}

/// Syncs with the server of `[sync]`. An error leaves the store as it was, but for what was
/// done before it (marks sent are sent).
pub async fn sync(
    ctx: &Context,
    store: &mut Store,
    opts: SyncOptions,
) -> Result<SyncReport, SyncError> {
    let Some(config) = &ctx.config.sync else {
        return Err(SyncError::Server(format!(
            "no [sync] in {}; add one to sync with a server (see config.example.toml)",
            ctx.paths.config.display()
        )));
    };
    let base =
        Url::parse(&config.url).map_err(|e| SyncError::Server(format!("[sync] url: {e}")))?;
    let tokens = token::Kept::new(&ctx.paths.data, &base, &config.user);
    let mut logins = 0;
    let auth = match tokens.read() {
        Some(auth) => auth,
        None => {
            logins += 1;
            login(ctx, config, &base, &tokens).await?
        }
    };
    let mut client = Client::new(ctx.net.client().clone(), base.clone(), auth);
    let outcome = match run(&mut client, ctx, store, opts).await {
        Err(SyncError::Expired) => {
            tokens.forget();
            logins += 1;
            let auth = login(ctx, config, &base, &tokens).await?;
            let before = client.requests();
            client = Client::new(ctx.net.client().clone(), base, auth);
            run(&mut client, ctx, store, opts).await.map(|mut r| {
                r.requests += before;
                r
            })
        }
        other => other,
    };
    let mut report = outcome?;
    report.requests += client.requests() + logins;
    report.pending = store.pending_count()?;
    Ok(report)
}

async fn login(
    ctx: &Context,
    config: &SyncConfig,
    base: &Url,
    tokens: &token::Kept,
) -> Result<String, SyncError> {
    let password = password::resolve(config)?;
    let auth = greader::login(ctx.net.client(), base, &config.user, &password).await?;
    if let Err(e) = tokens.write(&auth) {
        log::warn!("the sync login could not be kept ({e}); the next sync logs in again");
    }
    Ok(auth)
}

async fn run(
    client: &mut Client,
    ctx: &Context,
    store: &mut Store,
    opts: SyncOptions,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let started = chrono::Utc::now().timestamp();

    // What was marked here first: the server's answers below then include it.
    send_marks(client, store, &mut report).await?;
    if opts.marks_only {
        return Ok(report);
    }

    let last_sync: Option<i64> = store.sync_meta("synced_at")?.and_then(|s| s.parse().ok());
    let feeds_at: Option<i64> = store.sync_meta("feeds_at")?.and_then(|s| s.parse().ok());
    let mut feeds = store.synced_feeds()?;
    let mut feeds_fresh = false;
    if feeds.is_empty()
        || opts.push_subscriptions
        || feeds_at.is_none_or(|t| started - t > SUBSCRIPTIONS_EVERY)
    {
        feeds = subscriptions(client, store, started).await?;
        feeds_fresh = true;
    }
    if opts.push_subscriptions || feeds_fresh {
        let on_server: HashSet<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
        report.not_on_server = ctx
            .config
            .feeds
            .iter()
            .map(|f| f.url.clone())
            .filter(|u| !on_server.contains(u.as_str()) && u.starts_with("http"))
            .collect();
    }
    if opts.push_subscriptions && !report.not_on_server.is_empty() {
        for url in std::mem::take(&mut report.not_on_server) {
            client.subscribe(&url).await?;
            report.subscribed += 1;
        }
        feeds = subscriptions(client, store, started).await?;
    }

    let since = last_sync.map(|t| t - OVERLAP_SECS);
    let recent = client.item_ids(greader::READING_LIST, None, since).await?;
    let unread: HashSet<String> = client
        .item_ids(greader::READING_LIST, Some(greader::READ), None)
        .await?
        .into_iter()
        .collect();
    let starred: HashSet<String> = client
        .item_ids(greader::STARRED, None, None)
        .await?
        .into_iter()
        .collect();

    // Whatever herald lacks: new items, and unread or starred ones older than the last sync.
    let mut wanted: Vec<String> = recent;
    let mut seen: HashSet<String> = wanted.iter().cloned().collect();
    for id in unread.iter().chain(starred.iter()) {
        if seen.insert(id.clone()) {
            wanted.push(id.clone());
        }
    }
    let missing = store.unknown_remote_ids(&wanted)?;
    if !missing.is_empty() {
        let items = client.contents(&missing).await?;
        let mut converted = convert(&items, &feeds);
        if converted.orphans > 0 && !feeds_fresh {
            feeds = subscriptions(client, store, started).await?;
            converted = convert(&items, &feeds);
        }
        report.orphans = converted.orphans;
        report.new_items = store.write_remote_items(&converted.items)?;
    }
    report.marks_received = store.apply_remote_marks(&unread, &starred)?;
    report.feeds = feeds.len();
    store.set_sync_meta("synced_at", &started.to_string())?;
    Ok(report)
}

/// Sends the outbox, one request per batch of items given the same mark. A failure leaves the
/// marks not sent waiting, says why, and lets the rest of the sync go on.
async fn send_marks(
    client: &mut Client,
    store: &mut Store,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    for group in store.pending_marks()? {
        let tag = match group.kind {
            MarkKind::Read => greader::READ,
            MarkKind::Starred => greader::STARRED,
        };
        match client.edit_tag(&group.remote_ids, tag, group.value).await {
            Ok(()) => {
                store.marks_sent(&group.rows)?;
                report.marks_sent += group.remote_ids.len();
            }
            Err(SyncError::Expired) => return Err(SyncError::Expired),
            Err(e) => {
                report.send_error = Some(e.to_string());
                break;
            }
        }
    }
    Ok(())
}

async fn subscriptions(
    client: &Client,
    store: &mut Store,
    now: i64,
) -> Result<Vec<SyncedFeed>, SyncError> {
    let feeds: Vec<SyncedFeed> = client
        .subscriptions()
        .await?
        .into_iter()
        .filter_map(|s| {
            let url = s
                .url
                .clone()
                .or_else(|| s.id.strip_prefix("feed/").map(str::to_string))
                .filter(|u| Url::parse(u).is_ok())?;
            Some(SyncedFeed {
                labels: s
                    .categories
                    .iter()
                    .filter(|c| c.id.contains("/label/"))
                    .filter_map(|c| {
                        c.label
                            .clone()
                            .or_else(|| c.id.rsplit("/label/").next().map(str::to_string))
                    })
                    .map(|l| crate::sanitize::line(&l))
                    .filter(|l| !l.is_empty())
                    .collect(),
                stream_id: s.id,
                title: s
                    .title
                    .map(|t| crate::sanitize::line(&t))
                    .filter(|t| !t.is_empty()),
                html_url: s.html_url,
                url,
            })
        })
        .collect();
    store.put_synced_feeds(&feeds)?;
    store.set_sync_meta("feeds_at", &now.to_string())?;
    Ok(feeds)
}

struct Converted {
    items: Vec<RemoteItem>,
    orphans: usize,
}

/// The server's items as the store keeps them; those of a feed not among `feeds` are counted
/// and left out.
fn convert(items: &[greader::Item], feeds: &[SyncedFeed]) -> Converted {
    let mut out = Converted {
        items: Vec::with_capacity(items.len()),
        orphans: 0,
    };
    for item in items {
        let Some(remote_id) = greader::decimal_id(&item.id) else {
            continue;
        };
        let stream = item.origin.as_ref().and_then(|o| o.stream_id.as_deref());
        let Some(feed) = stream.and_then(|s| feeds.iter().find(|f| f.stream_id == s)) else {
            out.orphans += 1;
            continue;
        };
        out.items.push(RemoteItem {
            remote_id,
            feed_url: feed.url.clone(),
            item: feed_item(item),
            read: has_state(item, "read"),
            starred: has_state(item, "starred"),
        });
    }
    out
}

/// `user/-/state/com.google/read`, or with the user's number in place of `-`.
fn has_state(item: &greader::Item, state: &str) -> bool {
    let suffix = format!("/state/com.google/{state}");
    item.categories
        .iter()
        .any(|c| c.starts_with("user/") && c.ends_with(&suffix))
}

fn feed_item(item: &greader::Item) -> FeedItem {
    use crate::source::feed::html_to_text;
    let link = item
        .canonical
        .first()
        .or_else(|| item.alternate.first())
        .map(|l| l.href.trim().to_string())
        .filter(|l| Url::parse(l).is_ok());
    let title = item
        .title
        .as_deref()
        .map(|t| crate::sanitize::line(&html_to_text(t)))
        .filter(|t| !t.is_empty())
        .or_else(|| link.clone())
        .unwrap_or_else(|| "(untitled)".to_string());
    let html = item
        .content
        .as_ref()
        .or(item.summary.as_ref())
        .map(|c| c.content.clone())
        .filter(|c| !c.trim().is_empty());
    // The list and the archive's search take a plain-text summary.
    let summary = html.as_deref().map(|h| {
        let text = crate::sanitize::text(html_to_text(h).trim());
        crate::width::fit(&text, 600).into_owned()
    });
    let published = item.published.as_ref().and_then(|p| match p {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let enclosures: Vec<(String, Option<String>)> = item
        .enclosure
        .iter()
        .map(|e| (e.href.clone(), e.media_type.clone()))
        .collect();
    FeedItem {
        narration: crate::narration::from_enclosures(
            enclosures.iter().map(|(u, t)| (u.as_str(), t.as_deref())),
            None,
        ),
        key: String::new(),
        link,
        title,
        author: item
            .author
            .as_deref()
            .map(crate::sanitize::line)
            .filter(|a| !a.is_empty()),
        published: published.and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
        summary: summary.filter(|s| !s.is_empty()),
        content_html: html,
        comments_url: None,
        comments_feed: None,
        enclosures,
    }
}

#[cfg(test)]
mod tests;
