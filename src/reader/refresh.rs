//! A refresh as the app runs it: progress and notices as they come, then a one-line summary.

use super::Context;
use crate::refresh::{FeedFailure, RefreshReport};
use crate::store::{FileId, Store, StoreError};

/// A finished refresh: its summary for the status line and the feeds that failed.
#[derive(Debug, Clone)]
pub struct RefreshOutcome {
    pub summary: String,
    pub failures: Vec<FeedFailure>,
}

/// Refreshes every feed on a store of its own, telling `notice` of a rebuilt database and
/// `progress` of each feed done. On failure, the error and the database file it was met in.
pub async fn refresh(
    ctx: &Context,
    notice: &(dyn Fn(String) + Sync),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RefreshOutcome, (StoreError, Option<FileId>)> {
    let (mut store, rebuilt) = Store::open(&ctx.paths.data).map_err(|e| (e, None))?;
    if let Some(rebuilt) = rebuilt {
        notice(rebuilt);
    }
    // With a sync server, what it has comes from it first; a failure of it is said and the
    // feeds fetched from their sites still are.
    let synced = match &ctx.config.sync {
        Some(sync) => {
            let host = url::Url::parse(&sync.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            notice(format!("syncing with {host}…"));
            Some(super::sync(ctx, &mut store, crate::sync::SyncOptions::default()).await)
        }
        None => None,
    };
    let report = crate::refresh::refresh(&ctx.net, &mut store, &ctx.config, progress)
        .await
        .map_err(|e| (e, store.file_id()))?;
    log::info!(
        "refresh: {} feeds, {} new, {} failed, {} of them unreachable",
        report.feeds,
        report.new_items,
        report.errors.len(),
        report.unreachable()
    );
    for failure in &report.errors {
        log::info!(
            "refresh: {}: {} ({:?})",
            failure.name,
            failure.reason,
            failure.kind
        );
    }
    let mut line = summary(&report);
    match synced {
        Some(Ok(sync)) => {
            log::info!("sync: {sync:?}");
            line = format!(
                "synced: {} new, {} marks sent, {} received{}; {line}",
                sync.new_items,
                sync.marks_sent,
                sync.marks_received,
                match &sync.send_error {
                    Some(why) => format!(" ({} marks wait: {why})", sync.pending),
                    None => String::new(),
                }
            );
        }
        Some(Err(e)) => {
            log::warn!("sync: {e}");
            line = format!("sync failed: {e}; {line}");
        }
        None => {}
    }
    Ok(RefreshOutcome {
        summary: crate::sanitize::line(&line),
        failures: report.errors,
    })
}

/// `12 feeds, 30 new; 2 failed: name: reason`. Feeds that could not be reached at all (the
/// usual state offline) are only counted: `12 feeds, 0 new; 3 unreachable`.
pub fn summary(report: &RefreshReport) -> String {
    let mut s = format!("{} feeds, {} new", report.feeds, report.new_items);
    if report.unsubscribed_items > 0 {
        s.push_str(&format!(
            "; {} items of removed feeds deleted",
            report.unsubscribed_items
        ));
    }
    let (unreachable, failed): (Vec<_>, Vec<_>) =
        report.errors.iter().partition(|f| f.unreachable());
    if let Some(first) = failed.first() {
        s.push_str(&format!(
            "; {} failed: {}: {}",
            failed.len(),
            first.name,
            first.reason
        ));
    }
    if !unreachable.is_empty() {
        s.push_str(&format!("; {} unreachable", unreachable.len()));
    }
    if !report.errors.is_empty() {
        s.push_str(" (t groups by feed to see which)");
    }
    crate::sanitize::line(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureKind;

    #[test]
    fn the_refresh_summary_names_the_first_failure_and_counts_the_unreachable() {
        let failure = |name: &str, kind: FailureKind, reason: &str| FeedFailure {
            name: name.into(),
            url: format!("https://{name}.example/feed"),
            kind,
            reason: reason.into(),
        };
        let mut report = RefreshReport {
            feeds: 3,
            new_items: 7,
            refreshed: 2,
            errors: Vec::new(),
            unsubscribed_items: 0,
            expired_items: 0,
        };
        assert_eq!(summary(&report), "3 feeds, 7 new");
        report.errors = vec![
            failure("Gazette", FailureKind::Timeout, "timed out"),
            failure("Post", FailureKind::HttpStatus(404), "HTTP 404"),
        ];
        assert_eq!(
            summary(&report),
            "3 feeds, 7 new; 2 failed: Gazette: timed out (t groups by feed to see which)"
        );
        report.errors = vec![
            failure(
                "Wire",
                FailureKind::Unreachable,
                "could not connect: dns error: failed to lookup address",
            ),
            failure(
                "Subreddit",
                FailureKind::Unreachable,
                "Reddit: could not load http://h/r/rust.json: could not connect: refused",
            ),
        ];
        assert_eq!(
            summary(&report),
            "3 feeds, 7 new; 2 unreachable (t groups by feed to see which)"
        );
        report.unsubscribed_items = 380;
        assert_eq!(
            summary(&report),
            "3 feeds, 7 new; 380 items of removed feeds deleted; 2 unreachable (t groups by feed to see which)"
        );
    }
}
