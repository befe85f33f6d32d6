//! `refresh`: every subscription fetched concurrently (a global and a per-host limit), one
//! failing feed never holding up the others. Each feed is written in a transaction of its own
//! as it arrives, so no lock is held across a network wait.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use url::Url;

use crate::config::Config;
use crate::failure::{Failure, FailureKind};
use crate::net::{Fetched, Limit, Net, Target};
use crate::source::{discover, feed};
use crate::store::{FeedState, FeedUpdate, Store, StoreError};

/// What a refresh did, for the summary line.
#[derive(Debug, Default)]
pub struct RefreshReport {
    pub feeds: usize,
    pub new_items: usize,
    /// Feeds that answered, changed or not.
    pub refreshed: usize,
    /// Feeds that failed, in config order.
    pub errors: Vec<FeedFailure>,
    /// Items deleted because their feed is no longer in the config.
    pub unsubscribed_items: usize,
    /// Read items deleted as older than `[retention]` allows.
    pub expired_items: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedFailure {
    /// The name a person knows the feed by.
    pub name: String,
    /// The subscribed URL.
    pub url: String,
    pub kind: FailureKind,
    /// What happened, for display.
    pub reason: String,
}

impl FeedFailure {
    /// The network could not be reached at all (no route, no name, refused): the usual
    /// state of a machine offline, worth less noise than a feed that answers wrongly.
    pub fn unreachable(&self) -> bool {
        self.kind == FailureKind::Unreachable
    }
}

impl RefreshReport {
    /// How many feeds failed because they could not be reached at all.
    pub fn unreachable(&self) -> usize {
        self.errors.iter().filter(|f| f.unreachable()).count()
    }
}

/// Refreshes every feed of `config` into `store`. `on_progress(done, total)` is called as feeds
/// finish, for a progress display.
pub async fn refresh(
    net: &Net,
    store: &mut Store,
    config: &Config,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RefreshReport, StoreError> {
    // With a sync server, the feeds it has come from it (see crate::sync), not from their sites.
    let synced: Vec<String> = match &config.sync {
        Some(_) => store.synced_feeds()?.into_iter().map(|f| f.url).collect(),
        None => Vec::new(),
    };
    let mut urls: Vec<String> = Vec::new();
    for f in &config.feeds {
        if !urls.contains(&f.url) && !synced.contains(&f.url) {
            urls.push(f.url.clone());
        }
    }
    let states = store.sync_feeds(&urls)?;
    let total = states.len();
    let global = Arc::new(Semaphore::new(config.refresh.concurrency));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, state) in states.iter().cloned().enumerate() {
        // `hn:top` is no URL: its host is the API's.
        let host = match crate::sites::listing(&state.url, &config.sources) {
            Some(crate::sites::Listing::HackerNews(_)) => {
                host_key(&config.sources.hackernews.firebase)
            }
            _ => host_key(state.feed_url.as_deref().unwrap_or(&state.url)),
        };
        let per_host = hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(config.refresh.per_host)))
            .clone();
        let global = global.clone();
        let net = net.clone();
        if let Some(listing) = crate::sites::listing(&state.url, &config.sources) {
            let sources = config.sources.clone();
            tasks.spawn(async move {
                let update = {
                    let _host = per_host.acquire_owned().await;
                    let _slot = global.acquire_owned().await;
                    site_update(&net, &sources, &listing).await
                };
                (index, update)
            });
            continue;
        }
        tasks.spawn(async move {
            let target = state.feed_url.as_deref().unwrap_or(&state.url);
            let downloaded = {
                // Host first, so a busy host does not hold global slots others could use. The
                // slots cover the download only: parsing must not hold up the next fetch.
                let _host = per_host.acquire_owned().await;
                let _slot = global.acquire_owned().await;
                net.get_conditional(target, Limit::Feed, &state.validators)
                    .await
            };
            (index, interpret(&net, &state, downloaded).await)
        });
    }
    let mut report = RefreshReport {
        feeds: total,
        ..RefreshReport::default()
    };
    // Results are written as they arrive, overlapping the slower feeds' downloads.
    let mut failures: Vec<(usize, Failure)> = Vec::new();
    let mut answered = vec![false; total];
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        done += 1;
        on_progress(done, total);
        // A task that panicked cannot say which feed it was; it is found missing below.
        let Ok((index, update)) = joined else {
            continue;
        };
        answered[index] = true;
        match &update {
            FeedUpdate::Failed(failure) => failures.push((index, failure.clone())),
            _ => report.refreshed += 1,
        }
        report.new_items += store.write_feed(states[index].id, &update)?;
    }
    for index in answered
        .iter()
        .enumerate()
        .filter(|(_, a)| !**a)
        .map(|(i, _)| i)
    {
        let failure = Failure::new(
            FailureKind::Internal,
            "refresh of this feed failed unexpectedly",
        );
        store.write_feed(states[index].id, &FeedUpdate::Failed(failure.clone()))?;
        failures.push((index, failure));
    }
    // Limits: what the config no longer subscribes to, and read items past [retention].
    urls.extend(synced);
    report.unsubscribed_items = store.delete_unsubscribed(&urls)?;
    report.expired_items = store.expire_items(&config.retention, chrono::Utc::now().timestamp())?;
    failures.sort_by_key(|(index, _)| *index);
    report.errors = failures
        .into_iter()
        .map(|(index, failure)| FeedFailure {
            name: feed_name(config, &states[index]),
            url: states[index].url.clone(),
            kind: failure.kind,
            reason: failure.reason,
        })
        .collect();
    Ok(report)
}

/// The name a person knows a feed by: theirs, else the feed's title, else its URL.
fn feed_name(config: &Config, state: &FeedState) -> String {
    config
        .feeds
        .iter()
        .find(|f| f.url == state.url)
        .and_then(|f| f.name.clone())
        .or_else(|| state.title.clone())
        .unwrap_or_else(|| state.url.clone())
}

/// A discussion site's listing, read through its API: no conditional GET, every story fresh.
async fn site_update(
    net: &Net,
    sources: &crate::sites::SourcesConfig,
    listing: &crate::sites::Listing,
) -> FeedUpdate {
    match crate::sites::items(net, sources, listing).await {
        Ok(items) => FeedUpdate::Fresh {
            feed_url: None,
            title: Some(listing.title()),
            validators: crate::net::Validators::default(),
            items,
        },
        Err(failure) => FeedUpdate::Failed(failure),
    }
}

fn host_key(target: &str) -> String {
    match Target::parse(target) {
        Ok(Target::Http(u)) => format!(
            "{}:{}",
            u.host_str().unwrap_or(""),
            u.port_or_known_default().unwrap_or(0)
        ),
        _ => "local".to_string(),
    }
}

/// Turns one subscription's download into an update: a feed is parsed; a home page is searched
/// for the feed it names, which is then fetched.
async fn interpret(
    net: &Net,
    state: &FeedState,
    downloaded: Result<Fetched, crate::net::NetError>,
) -> FeedUpdate {
    let resp = match downloaded {
        Ok(Fetched::NotModified) => return FeedUpdate::NotModified,
        Ok(Fetched::Fresh(r)) => r,
        Err(e) => return FeedUpdate::Failed(e.into()),
    };
    let discovered = state.feed_url.clone();
    if feed::looks_like_feed(&resp.body) {
        return parsed(
            &resp.body,
            resp.content_type.as_deref(),
            &resp.url,
            discovered,
            resp.validators,
        );
    }
    // Not a feed: a page that may name its feeds.
    let links = discover::feed_links(&resp.text(), &resp.url);
    if links.is_empty() {
        // Maybe a feed that does not start like one; let the parser decide.
        return match feed::parse(&resp.body, resp.content_type.as_deref(), &resp.url) {
            Ok(f) if !f.items.is_empty() || f.title.is_some() => {
                fresh(f, discovered, resp.validators)
            }
            _ => FeedUpdate::Failed(Failure::new(
                FailureKind::NotAFeed,
                "not a feed, and the page links to no feed (no <link rel=\"alternate\">)",
            )),
        };
    }
    let mut last_error = Failure::new(FailureKind::NotAFeed, "");
    for link in links.iter().take(3) {
        match net.get(link.as_str(), Limit::Feed).await {
            Ok(r) if feed::looks_like_feed(&r.body) => {
                return parsed(
                    &r.body,
                    r.content_type.as_deref(),
                    &r.url,
                    Some(link.to_string()),
                    r.validators,
                );
            }
            Ok(_) => {
                last_error = Failure::new(FailureKind::NotAFeed, format!("{link} is not a feed"))
            }
            Err(e) => last_error = Failure::from(e).reworded(|e| format!("{link}: {e}")),
        }
    }
    FeedUpdate::Failed(last_error.reworded(|e| format!("the page's feed could not be read: {e}")))
}

fn parsed(
    body: &[u8],
    content_type: Option<&str>,
    url: &Url,
    feed_url: Option<String>,
    validators: crate::net::Validators,
) -> FeedUpdate {
    match feed::parse(body, content_type, url) {
        Ok(f) => fresh(f, feed_url, validators),
        Err(e) => FeedUpdate::Failed(Failure::new(FailureKind::Parse, e.to_string())),
    }
}

fn fresh(
    f: feed::ParsedFeed,
    feed_url: Option<String>,
    validators: crate::net::Validators,
) -> FeedUpdate {
    FeedUpdate::Fresh {
        feed_url,
        title: f.title,
        validators,
        items: f.items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreachable_failures_count_as_unreachable() {
        let failure = |kind| FeedFailure {
            name: "n".into(),
            url: "hn:top".into(),
            kind,
            // The words do not decide: a site's prefix or wording cannot hide the kind.
            reason: "Reddit: could not load http://x/: could not connect".into(),
        };
        let report = RefreshReport {
            errors: vec![
                failure(FailureKind::Unreachable),
                failure(FailureKind::Timeout),
                failure(FailureKind::HttpStatus(503)),
                failure(FailureKind::Unreachable),
                failure(FailureKind::NotAFeed),
            ],
            ..RefreshReport::default()
        };
        assert_eq!(report.unreachable(), 2);
        assert!(!report.errors[1].unreachable());
    }
}
