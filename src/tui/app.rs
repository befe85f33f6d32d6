//! The loop: terminal events (read on their own thread), effect results and player events in,
//! `update`, then one frame when something changed. Effects run on tokio tasks; nothing here
//! waits on the network.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::keymap::Keymap;
use super::state::AppState;
use super::theme::{Theme, no_color_requested};
use super::update::{Effect, Layout, Msg, Refreshed, update};
use super::view;
use crate::article::Article;
use crate::audio::player::{self, PlayerHandle};
use crate::audio::{Command, PlayState, PlayerEvent, Track};
use crate::commands::{self, CommandError, Context, EXIT_OK};
use crate::narration::{Synthesis, playback};
use crate::store::worker::{StoreCommand, StoreEvent, StoreWorker};
use crate::store::{HeadlineCounts, HeadlineQuery, Store, StoreError, is_corrupt};

/// How often player events are collected while something plays.
const PLAYING_POLL: Duration = Duration::from_millis(100);
const PAUSED_POLL: Duration = Duration::from_millis(500);
/// Headlines read before the first frame: more than any terminal shows at once. The rest of
/// a long list is read after that frame is drawn.
const FIRST_PAGE: usize = 200;

/// Runs the app on the cached headlines of the configured feeds until the reader quits.
pub fn run(ctx: Context) -> Result<i32, CommandError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CommandError::Failed(
            "the app needs a terminal; see `herald --help` for the commands".to_string(),
        ));
    }
    let (keymap, conflicts) =
        Keymap::from_config(&ctx.config.keys).map_err(|e| config_error(&ctx, e))?;
    let theme = Theme::from_config(&ctx.config.theme, no_color_requested())
        .map_err(|e| config_error(&ctx, e))?;
    crate::logging::start(&ctx.paths.data.join("herald.log"));
    log::info!("herald {} starting", env!("CARGO_PKG_VERSION"));
    for conflict in &conflicts {
        log::warn!("keys: {conflict}");
    }
    let store = ctx.store()?;
    let subscribed = ctx.subscribed_urls();
    let (store, (counts, first_page), rebuilt) = match first_page(&store, &subscribed) {
        Ok(read) => (store, read, None),
        Err(e) if is_corrupt(&e) => {
            let (store, notice) = Store::rebuild(&ctx.paths.data, store.file_id(), &e)?;
            let read = first_page(&store, &subscribed)?;
            (store, read, Some(notice))
        }
        Err(e) => return Err(e.into()),
    };
    let setup = Setup {
        keymap,
        theme,
        conflicts,
        rebuilt,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(run_loop(Arc::new(ctx), store, first_page, counts, setup));
    if let Err(e) = &result {
        log::error!("{e}");
    }
    log::info!("herald stopped");
    // A refresh still running on a blocking thread is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

/// The list's counts and its first page.
fn first_page(
    store: &Store,
    subscribed: &[String],
) -> Result<(HeadlineCounts, Vec<crate::model::Headline>), StoreError> {
    let counts = store.headline_counts(subscribed, &HeadlineQuery::default())?;
    let page_query = HeadlineQuery {
        limit: Some(FIRST_PAGE),
        ..HeadlineQuery::default()
    };
    Ok((counts, store.headlines(subscribed, &page_query)?))
}

/// What the app starts with besides the headlines.
struct Setup {
    keymap: Keymap,
    theme: Theme,
    /// Key conflicts of the config, said at start.
    conflicts: Vec<String>,
    /// The notice of a damaged database rebuilt at start.
    rebuilt: Option<String>,
}

fn config_error(ctx: &Context, e: String) -> CommandError {
    CommandError::Config(crate::config::ConfigError::Value(format!(
        "{}: {e}",
        ctx.paths.config.display()
    )))
}

/// `store` becomes the store's worker, which reads the rest of the list when `first_page` is
/// not all of it.
async fn run_loop(
    ctx: Arc<Context>,
    store: Store,
    first_page: Vec<crate::model::Headline>,
    counts: HeadlineCounts,
    setup: Setup,
) -> Result<i32, CommandError> {
    let _guard = TerminalGuard::enter()?;
    // Before the input thread starts: the terminal's answer is read from stdin.
    let picker = super::images::picker(ctx.config.display.images);
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let size = terminal.size()?;
    let mut state = AppState::first_page(first_page, counts, (size.width, size.height));
    state.pictures = picker.is_some();
    state.keymap = setup.keymap;
    state.theme = setup.theme;
    state.tags = ctx
        .config
        .feeds
        .iter()
        .map(|f| (f.url.clone(), f.tags.clone()))
        .collect();
    if let Some(first) = setup.conflicts.first() {
        state.status = match setup.conflicts.len() {
            1 => format!("[keys]: {first}"),
            n => format!("[keys]: {first} (and {} more in the log)", n - 1),
        };
    }
    let (tx, mut rx) = unbounded_channel();
    spawn_input(tx.clone())?;
    spawn_signals(tx.clone())?;
    // The same connection reads the rest of the list: its page cache is warm.
    let worker = start_worker(&ctx, store, tx.clone())?;
    let mut rest_to_load = state.loading_rest.is_some();
    let mut effects = Effects::new(ctx, tx, picker, worker);
    if let Some(notice) = setup.rebuilt {
        state.status = crate::sanitize::line(&notice);
    }
    // Nothing cached yet (a first run): fetch at once rather than show an empty list.
    if state.headlines.is_empty() {
        for effect in update(&mut state, Msg::Key(super::keymap::Action::Refresh)) {
            effects.run(effect);
        }
    }
    let mut checked = false;
    loop {
        if state.dirty {
            terminal.draw(|frame| view::draw(frame, &state))?;
            state.dirty = false;
        }
        // The whole list once the first frame is out, so that reading it does not delay it;
        // then a check of the whole file, which a damaged one may fail.
        if std::mem::take(&mut rest_to_load) {
            effects.store.send(StoreCommand::LoadHeadlines);
        }
        if !std::mem::replace(&mut checked, true) {
            effects.store.send(StoreCommand::Check);
        }
        if state.quit {
            break;
        }
        let poll = match state.player.state {
            _ if !effects.has_player() => None,
            PlayState::Playing | PlayState::Loading => Some(PLAYING_POLL),
            PlayState::Paused => Some(PAUSED_POLL),
            PlayState::Stopped => None,
        };
        let mut pending = Vec::new();
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(msg) => pending.push(msg),
                None => break,
            },
            _ = tokio::time::sleep(poll.unwrap_or(Duration::MAX)), if poll.is_some() => {}
        }
        // Everything already waiting is handled before the next frame.
        while let Ok(msg) = rx.try_recv() {
            pending.push(msg);
        }
        effects.poll_device();
        pending.extend(effects.player_events());
        for msg in pending {
            for effect in update(&mut state, msg) {
                match effect {
                    Effect::Suspend => {
                        suspend(&mut terminal)?;
                        state.dirty = true;
                    }
                    effect => effects.run(effect),
                }
            }
        }
    }
    effects.store.finish();
    Ok(EXIT_OK)
}

/// The store's worker, its events sent into the loop.
fn start_worker(
    ctx: &Context,
    store: Store,
    tx: UnboundedSender<Msg>,
) -> std::io::Result<StoreWorker> {
    StoreWorker::start(
        store,
        ctx.paths.data.clone(),
        ctx.subscribed_urls(),
        move |event| {
            let msg = match event {
                StoreEvent::Saved { error } => Msg::MarkSaved { error },
                StoreEvent::Headlines(list) => Msg::HeadlinesLoaded(list),
                StoreEvent::Rebuilt { notice } => Msg::StoreRebuilt { notice },
                StoreEvent::Found { asked, result } => Msg::ArchiveFound { asked, result },
            };
            let _ = tx.send(msg);
        },
    )
}

/// Reads the terminal on a thread of its own, keys and resizes sent on as messages. When the
/// terminal cannot be read any more, the app quits.
fn spawn_input(tx: UnboundedSender<Msg>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("herald-input".to_string())
        .spawn(move || {
            loop {
                match crossterm::event::read() {
                    Ok(event) => {
                        if let Some(msg) = terminal_msg(event)
                            && tx.send(msg).is_err()
                        {
                            return;
                        }
                    }
                    Err(_) => {
                        let _ = tx.send(Msg::Terminate);
                        return;
                    }
                }
            }
        })?;
    Ok(())
}

fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Input(key)),
        Event::Mouse(mouse) => match mouse.kind {
            // Moves and drags would wake the loop for nothing.
            MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                Some(Msg::Mouse(mouse))
            }
            _ => None,
        },
        Event::Resize(cols, rows) => Some(Msg::Resize(cols, rows)),
        _ => None,
    }
}

/// SIGTERM, SIGHUP and SIGINT leave the app as `q` does, the terminal restored.
fn spawn_signals(tx: UnboundedSender<Msg>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hangup.recv() => "SIGHUP",
            _ = interrupt.recv() => "SIGINT",
        };
        log::info!("{name}: quitting");
        let _ = tx.send(Msg::Terminate);
    });
    Ok(())
}

/// Ctrl-Z: the terminal as the shell left it, the process stopped until `fg`, then the
/// app's screen again.
fn suspend(terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>) -> std::io::Result<()> {
    restore();
    // SIGSTOP rather than SIGTSTP: it cannot be caught, so it stops the process whatever
    // handlers are installed; the shell reports the job as stopped all the same.
    // SAFETY: raise only sends a signal to this process.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    enter()?;
    // A new terminal has empty buffers, so the next frame is drawn whole on the cleared
    // screen. (`Terminal::clear` would ask the terminal where its cursor is, an answer the
    // input thread may read first.)
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    *terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    Ok(())
}

/// Runs effects: loads on tokio tasks (a new load for a slot aborts the previous one), player
/// commands over the player's channel.
struct Effects {
    ctx: Arc<Context>,
    tx: UnboundedSender<Msg>,
    article: Option<JoinHandle<()>>,
    /// Laying the open article out again after a resize.
    layout: Option<JoinHandle<()>>,
    comments: Option<JoinHandle<()>>,
    recording_length: Option<JoinHandle<()>>,
    refresh: Option<JoinHandle<()>>,
    /// Draws pictures for this terminal; `None` when they are off.
    picker: Option<Picker>,
    /// Pictures of the open article being loaded; dropped when another article opens.
    image_loads: Vec<JoinHandle<()>>,
    player: Device,
    /// Synthesized speech being played, and the part it started from.
    speech: Option<(Synthesis, usize)>,
    /// Every write of the app goes through it, in order.
    store: StoreWorker,
    /// Keeps the caches within `[cache] max_mb`, off the loop.
    cache: crate::cache::Trimmer,
    /// The recording or narration last put on the player: not trimmed while it may play.
    playing: Option<crate::cache::Pin>,
    /// The open article's pictures: not trimmed while they are on screen.
    on_screen: Vec<crate::cache::Pin>,
}

impl Effects {
    fn new(
        ctx: Arc<Context>,
        tx: UnboundedSender<Msg>,
        picker: Option<Picker>,
        store: StoreWorker,
    ) -> Effects {
        Effects {
            store,
            tx,
            article: None,
            layout: None,
            comments: None,
            recording_length: None,
            refresh: None,
            picker,
            image_loads: Vec::new(),
            player: Device::Closed,
            speech: None,
            cache: crate::cache::Trimmer::start(&ctx.paths.cache, ctx.config.cache.limit_bytes()),
            playing: None,
            on_screen: Vec::new(),
            ctx,
        }
    }

    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::LoadArticle { id, url, width } => {
                for load in self.image_loads.drain(..) {
                    load.abort();
                }
                self.on_screen.clear();
                let pictures = self.picker.is_some();
                let (ctx, tx) = (Arc::clone(&self.ctx), self.tx.clone());
                replace(
                    &mut self.article,
                    tokio::spawn(async move {
                        let (result, notice) =
                            match cached(&ctx, &url, commands::saved_article).await {
                                Some(article) => (Ok(article), None),
                                None => match commands::fetch_article(&ctx, &url).await {
                                    Ok((article, notice)) => (Ok(article), notice),
                                    Err(e) => (Err(e.to_string()), None),
                                },
                            };
                        let laid_out = match result {
                            Ok(article) => lay_out(article, width, pictures).await,
                            Err(e) => Err(e),
                        };
                        let msg = match laid_out {
                            Ok((article, layout)) => Msg::ArticleLoaded {
                                id,
                                result: Ok(article),
                                notice,
                                layout: Some(layout),
                            },
                            Err(e) => Msg::ArticleLoaded {
                                id,
                                result: Err(e),
                                notice,
                                layout: None,
                            },
                        };
                        let _ = tx.send(msg);
                    }),
                );
            }
            Effect::LoadMoreReplies {
                id,
                url,
                stub,
                children,
            } => {
                let (ctx, tx) = (Arc::clone(&self.ctx), self.tx.clone());
                tokio::spawn(async move {
                    let result = commands::more_replies(&ctx, &url, &children)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::MoreReplies {
                        id,
                        stub,
                        children,
                        result,
                    });
                });
            }
            Effect::LayOut { id, article, width } => {
                let pictures = self.picker.is_some();
                let tx = self.tx.clone();
                replace(
                    &mut self.layout,
                    tokio::spawn(async move {
                        if let Ok((_, layout)) = lay_out(*article, width, pictures).await {
                            let _ = tx.send(Msg::LaidOut { id, layout });
                        }
                    }),
                );
            }
            Effect::LoadComments { id, url } => {
                let (ctx, tx) = (Arc::clone(&self.ctx), self.tx.clone());
                replace(
                    &mut self.comments,
                    tokio::spawn(async move {
                        let result = match cached(&ctx, &url, commands::saved_comments).await {
                            Some(thread) => Ok(thread),
                            None => commands::fetch_comments(&ctx, &url)
                                .await
                                .map(|(thread, _)| thread)
                                .map_err(|e| e.to_string()),
                        };
                        let _ = tx.send(Msg::CommentsLoaded { id, result });
                    }),
                );
            }
            Effect::LoadImage {
                id,
                url,
                cols,
                rows,
            } => {
                let Some(picker) = self.picker.clone() else {
                    return;
                };
                self.image_loads.retain(|load| !load.is_finished());
                let kept = super::images::cache_path(&self.ctx.paths.cache, &url);
                self.on_screen.push(self.cache.pin(&kept));
                let (ctx, tx, cache) = (Arc::clone(&self.ctx), self.tx.clone(), self.cache.clone());
                self.image_loads.push(tokio::spawn(async move {
                    let result =
                        super::images::load(&ctx.net, &ctx.paths.cache, picker, &url, cols, rows)
                            .await;
                    match &result {
                        Ok(_) => cache.added(),
                        Err(e) => log::info!("image {url}: {e}"),
                    }
                    let _ = tx.send(Msg::ImageLoaded { id, url, result });
                }));
            }
            Effect::ProbeRecording { item, narration } => {
                let (ctx, tx) = (Arc::clone(&self.ctx), self.tx.clone());
                replace(
                    &mut self.recording_length,
                    tokio::spawn(async move {
                        let total = commands::recording_length(&ctx, &narration).await;
                        let _ = tx.send(Msg::RecordingLength { item, total });
                    }),
                );
            }
            Effect::Player(command) => {
                self.send(command);
            }
            Effect::PlayRecording { narration, .. } => {
                let audio = self.ctx.paths.cache.join("audio");
                if let Err(e) = std::fs::create_dir_all(&audio) {
                    self.failed(format!("{}: {e}", audio.display()));
                    return;
                }
                self.speech = None;
                let track = playback::recording_track(&narration, &audio);
                self.playing = match &track {
                    Track::Remote { cache, .. } => Some(self.cache.pin(cache)),
                    _ => None,
                };
                self.cache.added();
                self.load(track);
            }
            Effect::StartSpeech {
                parts,
                first,
                speed,
                ..
            } => {
                let cache = self.ctx.paths.cache.join("speech");
                match playback::start_speech(
                    parts,
                    first,
                    &self.ctx.config.narration,
                    speed,
                    &cache,
                ) {
                    Ok((synthesis, feed)) => {
                        self.playing = Some(self.cache.pin(synthesis.dir()));
                        self.cache.added();
                        self.load(Track::Speech(feed));
                        let previous = self.speech.take().map(|(s, _)| s);
                        let _ = playback::replace_speech(previous, &synthesis);
                        self.speech = Some((synthesis, first));
                    }
                    Err(e) => self.failed(e.to_string()),
                }
            }
            Effect::SetRead { id, read } => {
                self.store.send(StoreCommand::SetRead { id, read });
            }
            Effect::SetStarred { id, starred } => {
                self.store.send(StoreCommand::SetStarred { id, starred });
            }
            Effect::LoadHeadlines => self.store.send(StoreCommand::LoadHeadlines),
            Effect::SearchArchive { asked, query } => {
                self.store.send(StoreCommand::Search { asked, query });
            }
            Effect::OpenInBrowser(url) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = crate::browser::open(&url) {
                        log::warn!("browser: {e}");
                        let _ = tx.send(Msg::Notice(e));
                    }
                });
            }
            // The loop suspends: it owns the terminal, which this runner never touches.
            Effect::Suspend => {}
            Effect::Refresh => {
                if self.refresh.as_ref().is_some_and(|h| !h.is_finished()) {
                    return;
                }
                let (ctx, tx) = (Arc::clone(&self.ctx), self.tx.clone());
                // The store is not `Sync`: the refresh runs on a blocking thread of its own.
                let runtime = tokio::runtime::Handle::current();
                let worker = self.store.sender();
                self.refresh = Some(tokio::task::spawn_blocking(move || {
                    let result = runtime.block_on(refresh(&ctx, &tx));
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
                    let _ = tx.send(Msg::RefreshDone(result));
                }));
            }
            Effect::Quit => {
                for handle in [
                    &self.article,
                    &self.layout,
                    &self.comments,
                    &self.recording_length,
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
                self.send(Command::Quit);
            }
        }
    }

    /// Loads a track. The audio device is opened the first time, on a blocking thread; what
    /// is sent meanwhile waits for it.
    fn load(&mut self, track: Track) {
        if matches!(self.player, Device::Closed) {
            let (done, rx) = tokio::sync::oneshot::channel();
            let (net, tx) = (self.ctx.net.clone(), self.tx.clone());
            tokio::task::spawn_blocking(move || {
                let _ = done.send(player::open_default(&net));
                // Wakes the loop, which then takes the device.
                let _ = tx.send(Msg::Tick);
            });
            self.player = Device::Opening {
                rx,
                queued: Vec::new(),
            };
        }
        self.send(Command::Load(track));
    }

    fn send(&mut self, command: Command) {
        match &mut self.player {
            Device::Open(player) => player.send(command),
            Device::Opening { queued, .. } => queued.push(command),
            Device::Closed => {}
        }
    }

    fn has_player(&self) -> bool {
        !matches!(self.player, Device::Closed)
    }

    /// Takes the audio device once it has opened, and sends it what waited.
    fn poll_device(&mut self) {
        let Device::Opening { rx, queued } = &mut self.player else {
            return;
        };
        match rx.try_recv() {
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
            Ok(Ok(player)) => {
                for command in queued.drain(..) {
                    player.send(command);
                }
                self.player = Device::Open(player);
            }
            Ok(Err(e)) => {
                self.player = Device::Closed;
                self.speech = None;
                self.failed(e.to_string());
            }
            Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                self.player = Device::Closed;
                self.failed("the audio device could not be opened".to_string());
            }
        }
    }

    fn failed(&self, reason: String) {
        log::warn!("playback: {reason}");
        let _ = self.tx.send(Msg::PlaybackFailed(reason));
    }

    /// The player's events so far; speech positions counted in the whole narration.
    fn player_events(&mut self) -> Vec<Msg> {
        let Device::Open(player) = &self.player else {
            return Vec::new();
        };
        let mut out = Vec::new();
        while let Some(event) = player.try_recv() {
            let event = match (event, &self.speech) {
                (PlayerEvent::Position { pos, total, part }, Some((synthesis, first))) => {
                    let (whole_pos, whole_total) =
                        playback::speech_clock(&synthesis.timeline(), *first, pos);
                    PlayerEvent::Position {
                        pos: whole_pos.unwrap_or(pos),
                        total: whole_total.or(total),
                        part,
                    }
                }
                (event, _) => event,
            };
            out.push(Msg::Player(event));
        }
        out
    }
}

/// The audio device: opened on first use, off the loop thread.
enum Device {
    Closed,
    Opening {
        rx: tokio::sync::oneshot::Receiver<Result<PlayerHandle, crate::audio::AudioError>>,
        /// Commands sent before the device was ready, in order.
        queued: Vec<Command>,
    },
    Open(PlayerHandle),
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

/// A cached article or thread, read off the async workers.
async fn cached<T: Send + 'static>(
    ctx: &Arc<Context>,
    url: &str,
    read: fn(&Context, &str) -> Option<T>,
) -> Option<T> {
    let (ctx, url) = (Arc::clone(ctx), url.to_string());
    tokio::task::spawn_blocking(move || read(&ctx, &url))
        .await
        .ok()
        .flatten()
}

/// Refreshes every feed, reporting progress. On failure, the error and the database file it
/// was met in.
async fn refresh(
    ctx: &Context,
    tx: &UnboundedSender<Msg>,
) -> Result<Refreshed, (StoreError, Option<crate::store::FileId>)> {
    let (mut store, notice) = Store::open(&ctx.paths.data).map_err(|e| (e, None))?;
    if let Some(notice) = notice {
        let _ = tx.send(Msg::Notice(notice));
    }
    let progress = |done: usize, total: usize| {
        let _ = tx.send(Msg::RefreshProgress { done, total });
    };
    let report = crate::refresh::refresh(&ctx.net, &mut store, &ctx.config, &progress)
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
    Ok(Refreshed {
        summary: summary(&report),
        failures: report.errors,
    })
}

/// `12 feeds, 30 new; 2 failed: name: reason`. Feeds that could not be reached at all (the
/// usual state offline) are only counted: `12 feeds, 0 new; 3 unreachable`.
pub fn summary(report: &crate::refresh::RefreshReport) -> String {
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

/// Raw mode and the alternate screen while it lives; restored on drop and on panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> std::io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if crate::shield::active() {
                // Caught: it costs one document, and the app goes on on this screen.
                log::warn!("a parser gave up on a document: {info}");
                return;
            }
            restore();
            log::error!("panic: {info}");
            previous(info);
        }));
        let guard = TerminalGuard;
        enter()?;
        Ok(guard)
    }
}

fn enter() -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableMouseCapture,
        crossterm::cursor::Hide
    )
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // The default hook again: nothing to restore once the app has left.
        let _ = std::panic::take_hook();
    }
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureKind;
    use crate::refresh::FeedFailure;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};

    #[test]
    fn terminal_events_become_messages() {
        let key = Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
        assert!(matches!(terminal_msg(key), Some(Msg::Input(k)) if k.code == KeyCode::Char('j')));
        assert!(matches!(
            terminal_msg(Event::Resize(100, 30)),
            Some(Msg::Resize(100, 30))
        ));
        assert!(terminal_msg(Event::FocusGained).is_none());
        let mouse = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 3,
                row: 4,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert!(matches!(
            terminal_msg(mouse(MouseEventKind::ScrollDown)),
            Some(Msg::Mouse(_))
        ));
        assert!(terminal_msg(mouse(MouseEventKind::Moved)).is_none());
    }

    #[test]
    fn the_refresh_summary_names_the_first_failure_and_counts_the_unreachable() {
        let failure = |name: &str, kind: FailureKind, reason: &str| FeedFailure {
            name: name.into(),
            url: format!("https://{name}.example/feed"),
            kind,
            reason: reason.into(),
        };
        let mut report = crate::refresh::RefreshReport {
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
