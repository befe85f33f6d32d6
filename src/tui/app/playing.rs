//! The player as the app drives it: the audio device opened on first use, a recording or
//! speech made ready to play off the loop (directories made, the speech engine found and
//! started), player commands kept in order behind a start still being made ready, and the
//! player's events, pushed into the loop, counted in the whole narration.

use std::sync::Arc;

use super::inbox::{Arrival, Inbox, Started};
use crate::audio::player::{self, PlayerHandle};
use crate::audio::{AudioError, Command, PlayerEvent, Track};
use crate::cache::{Pin, Trimmer};
use crate::model::Narration;
use crate::narration::{Synthesis, playback};
use crate::reader::{Context, Marking};
use crate::store::Store;
use crate::store::listening::{Heard, Resume};
use crate::tui::update::{Introduction, Msg};

/// Where the listener stopped in the article at `url`, read on a connection of its own (the
/// store's worker only writes); `None` when nowhere, or when the store cannot say.
pub(super) fn saved_position(ctx: &Context, url: &str) -> Option<Resume> {
    let read = Store::open(&ctx.paths.data).and_then(|(store, _)| store.position(url));
    read.unwrap_or_else(|e| {
        log::warn!("listening position of {url}: {e}");
        None
    })
}

/// See [`Playing::prepare`]; on a blocking thread.
fn prepare(
    ctx: &Arc<Context>,
    runtime: &tokio::runtime::Handle,
    url: &str,
    narration: Option<Narration>,
    announce: Option<Introduction>,
    speed: f32,
    keep: impl Fn(&std::path::Path),
) -> Result<(), String> {
    let start = saved_position(ctx, url);
    let start = start.as_ref().and_then(|r| r.start());
    let (narration, parts) = match narration {
        Some(narration) => (Some(narration), Vec::new()),
        None => {
            // Read now, the article is kept: the item's start reads the kept copy. Made ready
            // is not heard: it stays unread.
            let article = runtime
                .block_on(crate::reader::open_article(ctx, url, Marking::Unchanged))
                .map_err(|e| e.to_string())?
                .value;
            let parts = crate::narration::article_parts(&article);
            (article.narration, parts)
        }
    };
    let speech_cache = ctx.paths.cache.join("speech");
    if let Some(a) = announce.filter(|_| start.is_none()) {
        let text = playback::announcement_text(&a.feed, &a.title, narration.is_some());
        playback::announcement(&text, &ctx.config.narration, speed, &speech_cache)
            .map_err(|e| e.to_string())?;
    }
    match narration {
        Some(narration) => {
            if playback::local_file(&narration.url).is_none() {
                let file = ctx
                    .paths
                    .cache
                    .join("audio")
                    .join(playback::cache_name(&narration.url));
                keep(&file);
                runtime
                    .block_on(crate::audio::stream::fetch_to_cache(
                        ctx.net.client(),
                        &narration.url,
                        &file,
                    ))
                    .map_err(|e| e.to_string())?;
            }
        }
        None => {
            let first = match start {
                Some((Heard::Speech { part }, _)) if *part < parts.len() => *part,
                _ => 0,
            };
            let (synthesis, feed) =
                playback::start_speech(parts, first, &ctx.config.narration, speed, &speech_cache)
                    .map_err(|e| e.to_string())?;
            keep(synthesis.dir());
            // The first part in the cache is enough: the rest is made as the item plays.
            let made = feed.rx.recv_timeout(PREPARE_WAIT);
            drop(synthesis);
            made.map_err(|_| "its first part was not made in time".to_string())?;
        }
    }
    Ok(())
}

/// How long making the next item's first part of speech may take.
const PREPARE_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The audio device: opened on first use, off the loop thread.
enum Device {
    Closed,
    /// Commands sent before the device was ready, in order.
    Opening(Vec<Command>),
    Open(PlayerHandle),
}

/// Synthesized speech on the player.
struct Speaking {
    synthesis: Synthesis,
    /// The part it started from.
    first: usize,
    /// See [`Started::Speech`].
    text: u128,
    /// See [`playback::speech_clock`].
    carried: Option<std::time::Duration>,
}

/// Tells one text to speak from another.
fn text_key(parts: &[String]) -> u128 {
    let fields: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    crate::cache_key::fnv1a_128(&fields)
}

pub(super) struct Playing {
    ctx: Arc<Context>,
    inbox: Inbox,
    device: Device,
    /// The last start asked for: the result of an earlier one is stale and dropped.
    generation: u64,
    /// While a start is being made ready, the player commands that came after it, in order.
    behind_start: Option<Vec<Command>>,
    /// Synthesized speech being played.
    speech: Option<Speaking>,
    cache: Trimmer,
    /// The recording or narration last put on the player: not trimmed while it may play.
    pin: Option<Pin>,
    /// What was made ready for the queue's next item: not trimmed before it plays.
    prepared: Arc<std::sync::Mutex<Option<Pin>>>,
}

impl Playing {
    pub(super) fn new(ctx: Arc<Context>, inbox: Inbox, cache: Trimmer) -> Playing {
        Playing {
            ctx,
            inbox,
            device: Device::Closed,
            generation: 0,
            behind_start: None,
            speech: None,
            cache,
            pin: None,
            prepared: Arc::default(),
        }
    }

    /// Speaks `parts` from `first` at `speed`.
    pub(super) fn start_speech(&mut self, parts: Vec<String>, first: usize, speed: f32) {
        let cache = self.ctx.paths.cache.join("speech");
        let config = self.ctx.config.narration.clone();
        self.start(move || {
            let text = text_key(&parts);
            let (synthesis, feed) = playback::start_speech(parts, first, &config, speed, &cache)
                .map_err(|e| e.to_string())?;
            Ok(Started::Speech {
                synthesis,
                feed,
                first,
                text,
                intro: None,
            })
        });
    }

    /// Plays item `item` (its article at `url`) from where the listener stopped in it, unless
    /// `from_start`: its recording `narration`, else speech of `parts`; with neither, what its
    /// article has.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn play_item(
        &mut self,
        item: i64,
        url: String,
        narration: Option<Narration>,
        parts: Option<Vec<String>>,
        speech_only: bool,
        from_start: bool,
        speed: f32,
        announce: Option<Introduction>,
    ) {
        let (ctx, inbox) = (Arc::clone(&self.ctx), self.inbox.clone());
        let runtime = tokio::runtime::Handle::current();
        self.start(move || {
            let resume = if from_start {
                None
            } else {
                saved_position(&ctx, &url)
            };
            let mut picture = None;
            let (narration, parts) = match (narration, parts) {
                (Some(narration), _) => (Some(narration), Vec::new()),
                (None, Some(parts)) => (None, parts),
                (None, None) => {
                    // Listening is not reading: heard past 90 %, it is marked then.
                    let article = runtime
                        .block_on(crate::reader::open_article(&ctx, &url, Marking::Unchanged))
                        .map_err(|e| e.to_string())?
                        .value;
                    let parts = crate::narration::article_parts(&article);
                    picture = article.image.clone();
                    (article.narration.filter(|_| !speech_only), parts)
                }
            };
            inbox.msg(Msg::NowPlaying {
                item,
                recording: narration.as_ref().map(|n| n.url.clone()),
                picture,
            });
            let start = resume.as_ref().and_then(|r| r.start());
            // An item picked up where it stopped is not introduced again.
            let intro = announce.filter(|_| start.is_none()).and_then(|a| {
                let text = playback::announcement_text(&a.feed, &a.title, narration.is_some());
                let speech = ctx.paths.cache.join("speech");
                playback::announcement(&text, &ctx.config.narration, speed, &speech)
                    .map_err(|e| log::warn!("announcement: {e}"))
                    .ok()
            });
            match narration {
                Some(narration) => {
                    let audio = ctx.paths.cache.join("audio");
                    std::fs::create_dir_all(&audio)
                        .map_err(|e| format!("{}: {e}", audio.display()))?;
                    let from = match start {
                        Some((Heard::Recording { url }, at)) if *url == narration.url => Some(at),
                        _ => None,
                    };
                    Ok(Started::Recording {
                        track: playback::recording_track(&narration, &audio),
                        from,
                        intro,
                    })
                }
                None => {
                    let first = match start {
                        Some((Heard::Speech { part }, _)) if *part < parts.len() => *part,
                        _ => 0,
                    };
                    let cache = ctx.paths.cache.join("speech");
                    let text = text_key(&parts);
                    let (synthesis, feed) =
                        playback::start_speech(parts, first, &ctx.config.narration, speed, &cache)
                            .map_err(|e| e.to_string())?;
                    Ok(Started::Speech {
                        synthesis,
                        feed,
                        first,
                        text,
                        intro,
                    })
                }
            }
        });
    }

    /// Makes ready what the queue's next item starts with while the current one plays, so
    /// that it starts without a wait: its introduction, and its recording downloaded into the
    /// cache, or the part of its speech it starts from synthesized into the cache.
    pub(super) fn prepare(
        &self,
        url: String,
        narration: Option<Narration>,
        announce: Option<Introduction>,
        speed: f32,
    ) {
        let (ctx, cache) = (Arc::clone(&self.ctx), self.cache.clone());
        let prepared = Arc::clone(&self.prepared);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            // Pinned before it is written, so a trim meanwhile cannot take it; the pin of the
            // item made ready before is let go.
            let keep = |path: &std::path::Path| {
                let pin = cache.pin(path);
                if let Ok(mut slot) = prepared.lock() {
                    *slot = Some(pin);
                }
            };
            if let Err(e) = prepare(&ctx, &runtime, &url, narration, announce, speed, keep) {
                log::info!("the next item could not be made ready ({url}): {e}");
            }
            cache.added();
        });
    }

    /// Makes a start ready on a blocking thread: it touches the disk and may spawn the speech
    /// engine. Commands sent meanwhile wait behind it.
    fn start(&mut self, prepare: impl FnOnce() -> Result<Started, String> + Send + 'static) {
        self.generation += 1;
        let generation = self.generation;
        self.behind_start.get_or_insert_with(Vec::new);
        let inbox = self.inbox.clone();
        tokio::task::spawn_blocking(move || {
            inbox.send(Arrival::Started {
                generation,
                result: prepare(),
            });
        });
    }

    /// A start is ready: it goes on the player, then what waited behind it.
    pub(super) fn started(&mut self, generation: u64, result: Result<Started, String>) {
        if generation != self.generation {
            // Overtaken by a later start; dropping its synthesis stops it.
            return;
        }
        let waited = self.behind_start.take().unwrap_or_default();
        match result {
            Ok(Started::Recording { track, from, intro }) => {
                self.speech = None;
                self.pin = match &track {
                    Track::Remote { cache, .. } => Some(self.cache.pin(cache)),
                    _ => None,
                };
                self.cache.added();
                self.load(track, intro);
                if let Some(from) = from {
                    self.send(Command::SeekTo(from));
                }
            }
            Ok(Started::Speech {
                synthesis,
                feed,
                first,
                text,
                intro,
            }) => {
                self.pin = Some(self.cache.pin(synthesis.dir()));
                self.cache.added();
                self.load(Track::Speech(feed), intro);
                let previous = self.speech.take();
                let carried = previous.as_ref().filter(|p| p.text == text).and_then(|p| {
                    let before = (&p.synthesis.timeline(), p.first, p.carried);
                    playback::carried_start(Some(before), synthesis.timeline().parts(), first)
                });
                let _ = playback::replace_speech(previous.map(|p| p.synthesis), &synthesis);
                self.speech = Some(Speaking {
                    synthesis,
                    first,
                    text,
                    carried,
                });
            }
            Err(reason) => self.failed(reason),
        }
        for command in waited {
            self.send(command);
        }
    }

    /// A command for the player, in order with the starts asked for before it. A stop while a
    /// start is being made ready makes that start stale; of what waited behind it, only the
    /// settings (volume, speed) still count.
    pub(super) fn command(&mut self, command: Command) {
        if matches!(command, Command::Stop)
            && let Some(waited) = self.behind_start.take()
        {
            self.generation += 1;
            for setting in waited
                .into_iter()
                .filter(|c| matches!(c, Command::Volume(_) | Command::Speed(_)))
            {
                self.send(setting);
            }
        }
        match &mut self.behind_start {
            Some(waiting) => waiting.push(command),
            None => self.send(command),
        }
    }

    /// Ends the player at once, whatever waits.
    pub(super) fn quit(&mut self) {
        self.behind_start = None;
        self.send(Command::Quit);
    }

    /// Loads a track, after the spoken line `intro` when there is one. The audio device is
    /// opened the first time, on a blocking thread; what is sent meanwhile waits for it. The
    /// player pushes its events into the loop.
    fn load(&mut self, track: Track, intro: Option<std::path::PathBuf>) {
        if matches!(self.device, Device::Closed) {
            let (net, inbox) = (self.ctx.net.clone(), self.inbox.clone());
            tokio::task::spawn_blocking(move || {
                let events = inbox.clone();
                let opened = player::open_default_to(&net, move |event| {
                    events.msg(Msg::Player(event));
                });
                inbox.send(Arrival::DeviceOpened(opened));
            });
            self.device = Device::Opening(Vec::new());
        }
        if let Some(intro) = intro {
            self.send(Command::Announce(intro));
        }
        self.send(Command::Load(track));
    }

    fn send(&mut self, command: Command) {
        match &mut self.device {
            Device::Open(player) => player.send(command),
            Device::Opening(queued) => queued.push(command),
            Device::Closed => {}
        }
    }

    /// Takes the audio device once it has opened, and sends it what waited.
    pub(super) fn device_opened(&mut self, opened: Result<PlayerHandle, AudioError>) {
        let Device::Opening(queued) = &mut self.device else {
            return;
        };
        match opened {
            Ok(player) => {
                for command in queued.drain(..) {
                    player.send(command);
                }
                self.device = Device::Open(player);
            }
            Err(e) => {
                self.device = Device::Closed;
                self.speech = None;
                self.failed(e.to_string());
            }
        }
    }

    fn failed(&self, reason: String) {
        log::warn!("playback: {reason}");
        self.inbox.msg(Msg::PlaybackFailed(reason));
    }

    /// A player event as the app shows it: speech positions counted in the whole narration.
    pub(super) fn in_narration(&self, event: PlayerEvent) -> PlayerEvent {
        match (event, &self.speech) {
            (PlayerEvent::Position { pos, total, part }, Some(speaking)) => {
                let (whole_pos, whole_total) = playback::speech_clock(
                    &speaking.synthesis.timeline(),
                    speaking.first,
                    pos,
                    speaking.carried,
                );
                PlayerEvent::Position {
                    pos: whole_pos.unwrap_or(pos),
                    total: whole_total.or(total),
                    part,
                }
            }
            (event, _) => event,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;

    /// A player side on a scratch directory, removed when the test ends.
    fn playing(
        name: &str,
    ) -> (
        Playing,
        tokio::sync::mpsc::UnboundedReceiver<Arrival>,
        Scratch,
    ) {
        let dir =
            std::env::temp_dir().join(format!("herald-playing-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("config.toml"), "").expect("config");
        let ctx = Context::load(Paths {
            config: dir.join("config.toml"),
            config_given: true,
            data: dir.join("data"),
            cache: dir.join("data/cache"),
        })
        .expect("context");
        let (inbox, arrivals) = Inbox::new();
        let cache = Trimmer::start(&dir.join("data/cache"), None);
        (
            Playing::new(Arc::new(ctx), inbox, cache),
            arrivals,
            Scratch(dir),
        )
    }

    struct Scratch(std::path::PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn local(path: &str) -> Result<Started, String> {
        Ok(Started::Recording {
            track: Track::File {
                path: path.into(),
                total_hint: None,
            },
            from: None,
            intro: None,
        })
    }

    /// The generation of the next start ready, as the blocking thread reports it.
    async fn ready(arrivals: &mut tokio::sync::mpsc::UnboundedReceiver<Arrival>) -> u64 {
        match arrivals.recv().await {
            Some(Arrival::Started { generation, .. }) => generation,
            _ => panic!("expected a start made ready"),
        }
    }

    #[tokio::test]
    async fn a_start_overtaken_by_another_is_dropped_and_commands_wait_for_the_last() {
        let (mut playing, mut arrivals, _scratch) = playing("overtaken");
        playing.start(|| local("/a.ogg"));
        playing.command(Command::Play);
        playing.start(|| local("/b.ogg"));
        playing.command(Command::Volume(0.5));
        // The two starts are made ready on threads of their own: either may arrive first.
        let mut made = [ready(&mut arrivals).await, ready(&mut arrivals).await];
        made.sort_unstable();
        let [first, second] = made;
        assert_eq!((first, second), (1, 2));
        playing.started(first, local("/a.ogg"));
        assert!(
            matches!(playing.device, Device::Closed),
            "the stale start loads nothing"
        );
        assert!(matches!(
            playing.behind_start.as_deref(),
            Some([Command::Play, Command::Volume(_)])
        ));
        // The last start fails: it is said, and what waited goes on to the player in order.
        playing.started(second, Err("no engine".into()));
        assert!(playing.behind_start.is_none());
        assert!(matches!(
            arrivals.try_recv(),
            Ok(Arrival::Msg(Msg::PlaybackFailed(reason))) if reason == "no engine"
        ));
    }

    #[tokio::test]
    async fn a_stop_makes_the_start_being_made_ready_stale() {
        let (mut playing, mut arrivals, _scratch) = playing("stopped");
        playing.start(|| local("/a.ogg"));
        playing.command(Command::Play);
        playing.command(Command::Stop);
        assert!(playing.behind_start.is_none(), "the stop goes out at once");
        let generation = ready(&mut arrivals).await;
        playing.started(generation, local("/a.ogg"));
        assert!(
            matches!(playing.device, Device::Closed),
            "nothing loaded after the stop"
        );
        assert!(arrivals.try_recv().is_err());
    }
}
