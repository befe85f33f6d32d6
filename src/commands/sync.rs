//! `sync`: subscriptions, items and marks with the server of `[sync]`.

use std::io::Write;

use super::{Out, write_json};
use crate::reader::{AppError, Context, EXIT_FAILURE, EXIT_OK};
use crate::sync::{SyncOptions, SyncReport};

pub async fn sync<W: Write>(
    ctx: &Context,
    opts: SyncOptions,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let mut store = ctx.store()?;
    let report = crate::reader::sync(ctx, &mut store, opts).await?;
    if json {
        write_json(out, &report)?;
    } else {
        out.line(&summary(&report))?;
        if !report.not_on_server.is_empty() {
            out.line(&format!(
                "{} feeds of the config are not on the server; `herald sync --push-subscriptions` adds them: {}",
                report.not_on_server.len(),
                report.not_on_server.join(", ")
            ))?;
        }
    }
    if let Some(why) = &report.send_error {
        crate::say!(
            "herald: {} marks wait for the next sync: {}",
            report.pending,
            crate::sanitize::line(why)
        );
        return Ok(EXIT_FAILURE);
    }
    Ok(EXIT_OK)
}

/// `12 new items, 3 marks sent, 5 received, 0 pending (4 requests)`.
pub fn summary(r: &SyncReport) -> String {
    let mut s = format!(
        "{} feeds, {} new items, {} marks sent, {} received, {} pending",
        r.feeds, r.new_items, r.marks_sent, r.marks_received, r.pending
    );
    if r.subscribed > 0 {
        s.push_str(&format!("; {} feeds added to the server", r.subscribed));
    }
    if r.orphans > 0 {
        s.push_str(&format!(
            "; {} items of feeds the server does not list left out",
            r.orphans
        ));
    }
    s.push_str(&format!(" ({} requests)", r.requests));
    crate::sanitize::line(&s)
}

/// After `herald mark`: the marks go to the server at once, so that the other machines see
/// them soon and a later mark there comes after this one. Offline, they wait for the next sync;
/// the marks themselves are made either way.
pub async fn send_marks<W: Write>(ctx: &Context, out: &mut Out<W>) -> Result<(), AppError> {
    let mut store = ctx.store()?;
    let opts = SyncOptions {
        marks_only: true,
        ..SyncOptions::default()
    };
    match crate::reader::sync(ctx, &mut store, opts).await {
        Ok(r) if r.send_error.is_none() => {
            if r.marks_sent > 0 {
                out.line(&format!("{} sent to the sync server", r.marks_sent))?;
            }
        }
        Ok(r) => crate::say!(
            "herald: {} marks wait for the next sync: {}",
            r.pending,
            crate::sanitize::line(r.send_error.as_deref().unwrap_or_default())
        ),
        Err(e) => crate::say!(
            "herald: the marks wait for the next sync: {}",
            crate::sanitize::line(&e.to_string())
        ),
    }
    Ok(())
}
