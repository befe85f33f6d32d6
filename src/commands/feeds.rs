//! refresh, headlines, import, export.

use std::io::Write;
use std::path::Path;

use super::feed_choice::feeds_named;
use super::{Out, write_json};
use crate::reader::{AppError, Context, EXIT_FAILURE, EXIT_OK};
use crate::store::HeadlineQuery;
use crate::{sanitize, subscriptions, width};

pub async fn refresh<W: Write>(ctx: &Context, out: &mut Out<W>) -> Result<i32, AppError> {
    let mut store = ctx.store()?;
    // A damaged page may lie where no query of the refresh looks.
    store.check()?;
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
    if report.feeds == 0 {
        eprintln!(
            "herald: no subscriptions in {}; add [[feeds]] url = \"...\" there or run `herald import FILE`",
            ctx.paths.config.display()
        );
    }
    Ok(if report.refreshed > 0 || report.feeds == 0 {
        EXIT_OK
    } else {
        EXIT_FAILURE
    })
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
    let feed = args.feed.as_ref().map(|name| {
        ctx.config
            .feeds
            .iter()
            .find(|f| {
                f.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map_or_else(|| name.clone(), |f| f.url.clone())
    });
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
        if let Some(name) = ctx
            .config
            .feeds
            .iter()
            .find(|f| *f.url == *h.feed_url)
            .and_then(|f| f.name.clone())
        {
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

pub fn import<W: Write>(ctx: &Context, file: &Path, out: &mut Out<W>) -> Result<i32, AppError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| AppError::Failed(format!("could not read {}: {e}", file.display())))?;
    let feeds = subscriptions::parse_any(&text).map_err(|e| AppError::Failed(e.to_string()))?;
    let config_path = &ctx.paths.config;
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
    let (updated, added) = subscriptions::add_to_config(&existing, &feeds)
        .map_err(|e| AppError::Failed(e.to_string()))?;
    if let Some(dir) = config_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Write beside, then rename: a crash never leaves half a config.
    let tmp = config_path.with_extension("toml.tmp");
    std::fs::write(&tmp, updated)?;
    std::fs::rename(&tmp, config_path)?;
    out.line(&format!(
        "{added} feeds added to {} ({} already there)",
        config_path.display(),
        feeds.len() - added
    ))?;
    Ok(EXIT_OK)
}

pub fn export<W: Write>(ctx: &Context, out: &mut Out<W>) -> Result<i32, AppError> {
    let titles = ctx
        .store()
        .and_then(|s| Ok(s.feed_titles()?))
        .unwrap_or_default();
    let opml = subscriptions::export_opml(&ctx.config.feeds, |url| {
        titles
            .iter()
            .find(|(u, _)| u == url)
            .and_then(|(_, t)| t.clone())
    });
    out.line(opml.trim_end())?;
    Ok(EXIT_OK)
}
