//! refresh, headlines, import, export.

use std::io::Write;
use std::path::Path;

use super::feed_choice::feeds_named;
use super::{Out, write_json};
use crate::config::{Config, Paths};
use crate::reader::{AppError, Context, EXIT_FAILURE, EXIT_OK};
use crate::store::{HeadlineQuery, Store};
use crate::{sanitize, subscriptions, width};

pub async fn refresh<W: Write>(ctx: &Context, out: &mut Out<W>) -> Result<i32, AppError> {
    let mut store = ctx.store()?;
    // A damaged page may lie where no query of the refresh looks.
    store.check()?;
    // With a sync server, what it has comes from it first; its failure does not stop the
    // feeds fetched from their sites.
    let mut sync_failed = false;
    if ctx.config.sync.is_some() {
        match crate::reader::sync(ctx, &mut store, crate::sync::SyncOptions::default()).await {
            Ok(report) => {
                out.line(&format!("sync: {}", super::sync::summary(&report)))?;
                if let Some(why) = &report.send_error {
                    crate::say!(
                        "herald: {} marks wait for the next sync: {}",
                        report.pending,
                        crate::sanitize::line(why)
                    );
                    sync_failed = true;
                }
            }
            Err(e) => {
                crate::say!("herald: {}", crate::sanitize::line(&e.to_string()));
                sync_failed = true;
            }
        }
    }
    let report = crate::refresh::refresh(&ctx.net, &mut store, &ctx.config, &|_, _| {}).await?;
    for crate::refresh::FeedFailure { name, reason, .. } in &report.errors {
        out.line(&format!(
            "{}: {}",
            crate::sanitize::line(name),
            crate::sanitize::line(reason)
        ))?;
    }
    let mut summary = format!(
        "{} feeds, {} new items, {} errors",
        report.feeds,
        report.new_items,
        report.errors.len()
    );
    // Offline, every feed fails alike; counted apart, the other failures stand out.
    if !report.errors.is_empty() {
        summary.push_str(&format!(" ({} unreachable)", report.unreachable()));
    }
    if report.unsubscribed_items > 0 {
        summary.push_str(&format!(
            "; {} items of feeds no longer subscribed deleted",
            report.unsubscribed_items
        ));
    }
    if report.expired_items > 0 {
        summary.push_str(&format!(
            "; {} old read items deleted",
            report.expired_items
        ));
    }
    out.line(&summary)?;
    if report.feeds == 0 && ctx.config.sync.is_none() {
        crate::say!(
            "herald: no subscriptions in {}; add [[feeds]] url = \"...\" there or run `herald import FILE`",
            ctx.paths.config.display()
        );
    }
    Ok(
        if !sync_failed && (report.refreshed > 0 || report.feeds == 0) {
            EXIT_OK
        } else {
            EXIT_FAILURE
        },
    )
}

#[derive(Debug, Clone, Default)]
pub struct HeadlinesArgs {
    pub feed: Option<String>,
    pub unread: bool,
    pub limit: Option<usize>,
    pub json: bool,
    pub count: bool,
}

pub fn headlines<W: Write>(
    ctx: &Context,
    args: &HeadlinesArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let store = ctx.store()?;
    let urls = ctx.subscribed_urls();
    if let Some(name) = &args.feed {
        feeds_named(ctx, &store, name)?;
    }
    // A feed may be named by the name the user gave it in the config.
    let feed = args.feed.as_deref().map(|name| ctx.feed_filter(name));
    let query = HeadlineQuery {
        feed,
        unread_only: args.unread,
        limit: args.limit,
        ..HeadlineQuery::default()
    };
    if args.count {
        out.line(&store.count_headlines(&urls, &query)?.to_string())?;
        return Ok(EXIT_OK);
    }
    let mut list = store.headlines(&urls, &query)?;
    for h in &mut list {
        if let Some(name) = ctx.feed_name(&h.feed_url) {
            h.feed = name.into();
        }
    }
    if args.json {
        write_json(out, &list)?;
        return Ok(EXIT_OK);
    }
    // Titles line up in a column after the widest feed name (measured in terminal columns).
    let names: Vec<String> = list.iter().map(|h| sanitize::line(&h.feed)).collect();
    let source = names
        .iter()
        .map(|n| width::of(n))
        .max()
        .unwrap_or(0)
        .min(SOURCE_MAX);
    for (h, name) in list.iter().zip(&names) {
        let mark = if h.read { ' ' } else { '●' };
        let date = h.published.as_deref().map(short_date).unwrap_or_default();
        let listen = if h.narration.is_some() { " ♪" } else { "" };
        out.line(&format!(
            "{mark} {}  {}  {}{listen}",
            width::pad(&date, DATE),
            width::pad(name, source),
            sanitize::line(&h.title)
        ))?;
    }
    Ok(EXIT_OK)
}

/// Columns of `2026-10-01 14:00`.
const DATE: usize = 16;
/// Feed names wider than this are cut, so that one long name does not push every title away.
const SOURCE_MAX: usize = 24;

/// `2026-10-01T14:00:00+00:00` -> `2026-10-01 14:00`.
fn short_date(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| width::fit(rfc3339, DATE).into_owned())
}

/// Adds the feeds of an OPML or newsboat `urls` file to the config at `paths.config`, creating
/// it when there is none: it needs neither the config's settings nor a network.
pub fn import<W: Write>(paths: &Paths, file: &Path, out: &mut Out<W>) -> Result<i32, AppError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| AppError::Failed(format!("could not read {}: {e}", file.display())))?;
    let imported = subscriptions::parse_any(&text)
        .map_err(|e| AppError::Failed(format!("{}: {e}", file.display())))?;
    let config_path = &paths.config;
    let existing = match std::fs::read_to_string(config_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(AppError::Failed(format!(
                "could not read {}: {e}",
                config_path.display()
            )));
        }
    };
    let (updated, added) =
        subscriptions::add_to_config(&existing, &imported.feeds, &discovered_feeds(paths))
            .map_err(|e| AppError::Failed(format!("{}: {e}", config_path.display())))?;
    // A config herald would not start with is not written (the mistake was there before).
    Config::parse(&updated, &config_path.display().to_string())?;
    if let Some(dir) = config_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Failed(format!("could not create {}: {e}", dir.display())))?;
    }
    // Write beside, then rename: a crash never leaves half a config.
    let tmp = config_path.with_extension("toml.tmp");
    std::fs::write(&tmp, updated)
        .and_then(|()| std::fs::rename(&tmp, config_path))
        .map_err(|e| AppError::Failed(format!("could not write {}: {e}", config_path.display())))?;
    out.line(&format!(
        "{added} {} added to {} ({} already there)",
        if added == 1 { "feed" } else { "feeds" },
        config_path.display(),
        imported.feeds.len() - added
    ))?;
    if let Some(skipped) = subscriptions::skipped_summary(&imported.skipped) {
        out.line(&skipped)?;
    }
    Ok(EXIT_OK)
}

/// Subscribed pages and the feeds they led to, from the database when there is one (an import
/// makes none).
fn discovered_feeds(paths: &Paths) -> Vec<(String, String)> {
    if !paths.database().exists() {
        return Vec::new();
    }
    let known = Store::open(&paths.data)
        .and_then(|(store, _)| store.known_feeds())
        .unwrap_or_default();
    known
        .into_iter()
        .filter_map(|k| Some((k.url, k.feed_url?)))
        .collect()
}

pub fn export<W: Write>(ctx: &Context, out: &mut Out<W>) -> Result<i32, AppError> {
    let known = ctx.store()?.known_feeds()?;
    let opml = subscriptions::export_opml(&ctx.config.feeds, |url| {
        let learned = known.iter().find(|k| k.url == url);
        subscriptions::Learned {
            feed_url: learned.and_then(|k| k.feed_url.clone()),
            // A feed a page led to (subscribed to since, as an import does) is called as the
            // page's feed was.
            title: learned.and_then(|k| k.title.clone()).or_else(|| {
                known
                    .iter()
                    .find(|k| k.feed_url.as_deref() == Some(url))
                    .and_then(|k| k.title.clone())
            }),
        }
    });
    out.line(opml.trim_end())?;
    Ok(EXIT_OK)
}
