//! With a sync server, marks made in the app go to it in the background soon after they are
//! made: a few seconds after the last of a run of marks, so that the run goes in one request.
//! A failure leaves them in the store's outbox for the next sync; it is only logged.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::reader::Context;
use crate::sync::SyncOptions;

/// How long after a mark, with no other mark meanwhile, it is sent.
const QUIET: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub(super) struct MarkSender {
    tx: UnboundedSender<()>,
}

impl MarkSender {
    /// `None` without `[sync]`. Must be called within the app's runtime.
    pub(super) fn start(ctx: Arc<Context>) -> Option<MarkSender> {
        ctx.config.sync.as_ref()?;
        let (tx, mut rx) = unbounded_channel::<()>();
        tokio::spawn(async move {
            while rx.recv().await.is_some() {
                // Later marks of the same run wait with it.
                loop {
                    match tokio::time::timeout(QUIET, rx.recv()).await {
                        Ok(Some(())) => continue,
                        Ok(None) => return,
                        Err(_) => break,
                    }
                }
                send(&ctx).await;
            }
        });
        Some(MarkSender { tx })
    }

    /// A mark was saved.
    pub(super) fn marked(&self) {
        let _ = self.tx.send(());
    }
}

async fn send(ctx: &Context) {
    let mut store = match ctx.store() {
        Ok(store) => store,
        Err(e) => return log::warn!("marks not sent: {e}"),
    };
    let opts = SyncOptions {
        marks_only: true,
        ..SyncOptions::default()
    };
    match crate::reader::sync(ctx, &mut store, opts).await {
        Ok(r) if r.send_error.is_none() => log::info!("{} marks sent", r.marks_sent),
        Ok(r) => log::info!(
            "{} marks wait for the next sync: {}",
            r.pending,
            r.send_error.unwrap_or_default()
        ),
        Err(e) => log::info!("marks wait for the next sync: {e}"),
    }
}
