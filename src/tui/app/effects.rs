//! Runs `update`'s effects. Everything that waits on the network, the disk or another process
//! runs on a tokio task or a blocking thread and reports back through the inbox; a new load for
//! a slot aborts the previous one, whose result would be stale.

use std::sync::Arc;

use ratatui_image::picker::Picker;
use tokio::task::JoinHandle;

use super::inbox::{Arrival, Inbox};
use super::playing::Playing;
use crate::article::Article;
use crate::model::Narration;
use crate::reader::{self, Context};
use crate::store::is_corrupt;
use crate::store::worker::{StoreCommand, StoreWorker};
use crate::tui::update::{Effect, Layout, Msg};

pub(super) struct Effects {
    ctx: Arc<Context>,
    inbox: Inbox,
    article: Option<JoinHandle<()>>,
    /// Laying the open article out again after a resize.
    layout: Option<JoinHandle<()>>,
    comments: Option<JoinHandle<()>>,
    recording_length: Option<JoinHandle<()>>,
    /// Learning the lengths of the queue's recordings.
    queue_lengths: Option<JoinHandle<()>>,
    refresh: Option<JoinHandle<()>>,
    /// When the last refresh started, for `[refresh] every`.
    pub(super) refreshed_at: RefreshClock,
    /// Draws pictures for this terminal; `None` when they are off.
    picker: Option<Picker>,
    /// Pictures of the open article being loaded; dropped when another article opens.
    image_loads: Vec<JoinHandle<()>>,
    playing: Playing,
    /// Every write of the app goes through it, in order.
    pub(super) store: StoreWorker,
    /// Keeps the caches within `[cache] max_mb`, off the loop.
    cache: crate::cache::Trimmer,
    /// The open article's pictures: not trimmed while they are on screen.
    on_screen: Vec<crate::cache::Pin>,
}

impl Effects {
    pub(super) fn new(
        ctx: Arc<Context>,
        inbox: Inbox,
        picker: Option<Picker>,
        store: StoreWorker,
    ) -> Effects {
        let cache = crate::cache::Trimmer::start(&ctx.paths.cache, ctx.config.cache.limit_bytes());
        Effects {
            playing: Playing::new(Arc::clone(&ctx), inbox.clone(), cache.clone()),
            store,
            inbox,
            article: None,
            layout: None,
            comments: None,
            recording_length: None,
            queue_lengths: None,
            refresh: None,
            refreshed_at: Arc::new(std::sync::Mutex::new(std::time::Instant::now())),
            picker,
            image_loads: Vec::new(),
            cache,
            on_screen: Vec::new(),
            ctx,
        }
    }

    /// What arrived, as a message for `update`; the runner's own deliveries (the audio device,
    /// a start made ready) are taken here.
    pub(super) fn arrived(&mut self, arrival: Arrival) -> Option<Msg> {
        match arrival {
            Arrival::Msg(Msg::Player(event)) => Some(Msg::Player(self.playing.in_narration(event))),
            Arrival::Msg(msg) => Some(msg),
            Arrival::DeviceOpened(opened) => {
                self.playing.device_opened(opened);
                None
            }
            Arrival::Started { generation, result } => {
                self.playing.started(generation, result);
                None
            }
        }
    }

    pub(super) fn run(&mut self, effect: Effect) {
        match effect {
            Effect::LoadArticle { id, url, width } => self.load_article(id, url, width),
            Effect::LoadMoreReplies {
                id,
                url,
                stub,
                children,
            } => self.load_more_replies(id, url, stub, children),
            Effect::LayOut { id, article, width } => self.lay_out(id, *article, width),
            Effect::LoadComments { id, url } => self.load_comments(id, url),
            Effect::LoadImage {
                id,
                url,
                cols,
                rows,
            } => self.load_image(id, url, cols, rows),
            Effect::ProbeRecording { item, narration } => self.probe_recording(item, narration),
            Effect::ProbeQueue { items } => self.probe_queue(items),
            Effect::Player(command) => self.playing.command(command),
            Effect::StartSpeech {
                parts,
                first,
                speed,
                ..
            } => self.playing.start_speech(parts, first, speed),
            Effect::PlayItem {
                item,
                url,
                narration,
                parts,
                speech_only,
                from_start,
                speed,
                announce,
            } => self.playing.play_item(
                item,
                url,
                narration,
                parts,
                speech_only,
                from_start,
                speed,
                announce,
            ),
            Effect::PrepareItem {
                url,
                narration,
                announce,
                speed,
            } => self.playing.prepare(url, narration, announce, speed),
            Effect::SavePosition { url, resume } => self.store.send(StoreCommand::SavePosition {
                url,
                resume,
                mark_read: self.ctx.config.listen.mark_read,
            }),
            Effect::LoadPosition { item, url } => self.load_position(item, url),
            Effect::SaveQueue { items, current } => {
                self.store.send(StoreCommand::SetQueue { items, current })
            }
            Effect::SetRead { id, read } => self.store.send(StoreCommand::SetRead { id, read }),
            Effect::SetStarred { id, starred } => {
                self.store.send(StoreCommand::SetStarred { id, starred })
            }
            Effect::SetReadMany { ids, read } => {
                self.store.send(StoreCommand::SetReadMany { ids, read })
            }
            Effect::LoadHeadlines => self.store.send(StoreCommand::LoadHeadlines),
            Effect::ReadTexts { ids, purpose } => {
                self.store.send(StoreCommand::ReadTexts { ids, purpose });
            }
            Effect::FindTitles { needle } => self.store.send(StoreCommand::FindTitles { needle }),
            Effect::SearchArchive { asked, query } => {
                self.store.send(StoreCommand::Search { asked, query });
            }
            Effect::LoadRelated { id } => self.store.send(StoreCommand::Related { id }),
            Effect::OpenInBrowser(url) => self.open_in_browser(url),
            // The loop suspends: it owns the terminal, which this runner never touches.
            Effect::Suspend => {}
            Effect::Refresh => self.refresh(),
            Effect::Quit => self.quit(),
        }
    }

    fn load_article(&mut self, id: i64, url: String, width: usize) {
        for load in self.image_loads.drain(..) {
            load.abort();
        }
        self.on_screen.clear();
        let pictures = self.picker.is_some();
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        replace(
            &mut self.article,
            tokio::spawn(async move {
                let (result, notice) =
                    // Opening marks it read in the list (`[reading] mark_on_open`), not here.
                    match reader::open_article(&ctx, &url, reader::Marking::Unchanged).await {
                        Ok(fetched) => (Ok(fetched.value), fetched.notice.map(|n| n.to_string())),
                        Err(e) => (Err(e.to_string()), None),
                    };
                let laid_out = match result {
                    Ok(article) => lay_out(article, width, pictures).await,
                    Err(e) => Err(e),
                };
                let (result, layout) = match laid_out {
                    Ok((article, layout)) => (Ok(article), Some(layout)),
                    Err(e) => (Err(e), None),
                };
                inbox.msg(Msg::ArticleLoaded {
                    id,
                    result,
                    notice,
                    layout,
                });
            }),
        );
    }

    fn load_more_replies(&mut self, id: i64, url: String, stub: usize, children: Vec<String>) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        tokio::spawn(async move {
            let result = reader::more_replies(&ctx, &url, &children)
                .await
                .map_err(|e| e.to_string());
            inbox.msg(Msg::MoreReplies {
                id,
                stub,
                children,
                result,
            });
        });
    }

    fn lay_out(&mut self, id: i64, article: Article, width: usize) {
        let pictures = self.picker.is_some();
        let inbox = self.inbox.clone();
        replace(
            &mut self.layout,
            tokio::spawn(async move {
                if let Ok((_, layout)) = lay_out(article, width, pictures).await {
                    inbox.msg(Msg::LaidOut { id, layout });
                }
            }),
        );
    }

    fn load_comments(&mut self, id: i64, url: String) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        replace(
            &mut self.comments,
            tokio::spawn(async move {
                let result = reader::open_comments(&ctx, &url)
                    .await
                    .map(|fetched| fetched.value)
                    .map_err(|e| e.to_string());
                inbox.msg(Msg::CommentsLoaded { id, result });
            }),
        );
    }

    fn load_image(&mut self, id: i64, url: String, cols: u16, rows: u16) {
        let Some(picker) = self.picker.clone() else {
            return;
        };
        self.image_loads.retain(|load| !load.is_finished());
        let kept = crate::tui::images::cache_path(&self.ctx.paths.cache, &url);
        self.on_screen.push(self.cache.pin(&kept));
        let (ctx, inbox, cache) = (
            Arc::clone(&self.ctx),
            self.inbox.clone(),
            self.cache.clone(),
        );
        self.image_loads.push(tokio::spawn(async move {
            let result =
                crate::tui::images::load(&ctx.net, &ctx.paths.cache, picker, &url, cols, rows)
                    .await;
            match &result {
                Ok(_) => cache.added(),
                Err(e) => log::info!("image {url}: {e}"),
            }
            inbox.msg(Msg::ImageLoaded { id, url, result });
        }));
    }

    fn probe_recording(&mut self, item: i64, narration: Narration) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        replace(
            &mut self.recording_length,
            tokio::spawn(async move {
                let total = reader::recording_length(&ctx, &narration).await;
                inbox.msg(Msg::RecordingLength { item, total });
            }),
        );
    }

    /// Reads where the listener stopped in an article, on a connection of its own.
    fn load_position(&self, item: i64, url: String) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        tokio::task::spawn_blocking(move || {
            let resume = super::playing::saved_position(&ctx, &url);
            inbox.msg(Msg::PositionLoaded { item, resume });
        });
    }

    /// The lengths of the queue's recordings, one at a time (each read from the file's
    /// headers, or remembered).
    fn probe_queue(&mut self, items: Vec<(i64, Narration)>) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        replace(
            &mut self.queue_lengths,
            tokio::spawn(async move {
                for (item, narration) in items {
                    let total = reader::recording_length(&ctx, &narration).await;
                    inbox.msg(Msg::RecordingLength { item, total });
                }
            }),
        );
    }

    fn open_in_browser(&self, url: String) {
        let inbox = self.inbox.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = crate::browser::open(&url) {
                log::warn!("browser: {e}");
                inbox.msg(Msg::Notice(e));
            }
        });
    }

    /// One refresh at a time. The store is not `Sync`: it runs on a blocking thread of its own.
    fn refresh(&mut self) {
        if self.refresh.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        if let Ok(mut at) = self.refreshed_at.lock() {
            *at = std::time::Instant::now();
        }
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        let runtime = tokio::runtime::Handle::current();
        let worker = self.store.sender();
        self.refresh = Some(tokio::task::spawn_blocking(move || {
            let notice = |notice: String| {
                inbox.msg(Msg::Notice(notice));
            };
            let progress = |done: usize, total: usize| {
                inbox.msg(Msg::RefreshProgress { done, total });
            };
            let result = runtime.block_on(reader::refresh(&ctx, &notice, &progress));
            let result = result.map_err(|(e, broken)| {
                // The worker rebuilds it, and the app refreshes again.
                if is_corrupt(&e) {
                    let _ = worker.send(StoreCommand::Repair {
                        broken,
                        why: e.to_string(),
                    });
                }
                e.to_string()
            });
            inbox.msg(Msg::RefreshDone(result));
        }));
    }

    fn quit(&mut self) {
        for handle in [
            &self.article,
            &self.layout,
            &self.comments,
            &self.recording_length,
            &self.queue_lengths,
            &self.refresh,
        ]
        .into_iter()
        .flatten()
        {
            handle.abort();
        }
        for load in &self.image_loads {
            load.abort();
        }
        self.playing.quit();
    }
}

/// When the last refresh started (or the app did): `[refresh] every` counts from it, so that
/// one started by `r` puts the next timed one a whole period later.
pub(super) type RefreshClock = Arc<std::sync::Mutex<std::time::Instant>>;

/// `[refresh] every`: a task that sleeps until a period has passed since the last refresh
/// started and says a refresh is due, until the loop ends. `update` skips it while a refresh
/// runs.
pub(super) fn refresh_every(every: std::time::Duration, clock: RefreshClock, inbox: Inbox) {
    tokio::spawn(async move {
        loop {
            let since = clock.lock().map(|t| t.elapsed()).unwrap_or(every);
            if since < every {
                tokio::time::sleep(every - since).await;
                continue;
            }
            if !inbox.msg(Msg::RefreshDue) {
                return;
            }
            // The refresh it starts sets the clock; one already running is waited out.
            tokio::time::sleep(every).await;
        }
    });
}

/// The article laid out for `width` columns on a blocking thread: a long one takes a while.
async fn lay_out(
    article: Article,
    width: usize,
    pictures: bool,
) -> Result<(Box<Article>, Layout), String> {
    tokio::task::spawn_blocking(move || {
        let rendered = article.render_for(width, pictures);
        (Box::new(article), Layout { width, rendered })
    })
    .await
    .map_err(|e| format!("the article could not be laid out: {e}"))
}

/// Aborts the task in `slot` (its result would be stale) and keeps `new` there.
fn replace(slot: &mut Option<JoinHandle<()>>, new: JoinHandle<()>) {
    if let Some(old) = slot.replace(new) {
        old.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// When the timer first says a refresh is due, if it does by `until`.
    async fn first_due(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<Arrival>,
        until: Instant,
    ) -> Option<Instant> {
        while let Ok(Some(arrival)) = tokio::time::timeout_at(until.into(), rx.recv()).await {
            if matches!(arrival, Arrival::Msg(Msg::RefreshDue)) {
                return Some(Instant::now());
            }
        }
        None
    }

    #[tokio::test]
    async fn a_refresh_started_by_hand_puts_the_timed_one_a_period_later() {
        let every = Duration::from_secs(2);
        let (inbox, mut rx) = Inbox::new();
        let start = Instant::now();
        let clock: RefreshClock = Arc::new(std::sync::Mutex::new(start));
        refresh_every(every, Arc::clone(&clock), inbox);
        // `r` at 0.3 s: nothing is due at 2 s, where the timer counting from the start would
        // fire (it cannot fire before the clock says, however late this thread runs).
        tokio::time::sleep_until((start + Duration::from_millis(300)).into()).await;
        let pressed = Instant::now();
        *clock.lock().expect("clock") = pressed;
        let old_time = start + every + Duration::from_millis(200);
        assert_eq!(first_due(&mut rx, old_time).await, None);
        // A period after the press it is due.
        let due = first_due(&mut rx, pressed + every + Duration::from_secs(10)).await;
        assert!(due.is_some_and(|at| at >= pressed + every), "{due:?}");
    }
}
