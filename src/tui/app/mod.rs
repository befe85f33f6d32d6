//! The loop: terminal events (read on their own thread), effect results and player events
//! arrive in one channel, go through `update`, then one frame is drawn when something changed.
//! The loop sleeps until something arrives: no timer wakes it. Effects run on tokio tasks and
//! blocking threads; nothing here waits on the network, the disk or another process.

mod effects;
mod inbox;
mod input;
mod marks_out;
mod media;
mod memory;
mod playing;
mod signals;
mod terminal;

use std::sync::Arc;
use std::time::Duration;

use super::keymap::Keymap;
use super::state::AppState;
use super::theme::{Theme, no_color_requested};
use super::update::{Effect, Msg, update};
use super::view;
use crate::config::Config;
use crate::reader::{AppError, Context, EXIT_OK};
use crate::store::worker::{StoreCommand, StoreEvent, StoreWorker};
use crate::store::{
    FeedNames, FeedStatus, HeadlineCounts, HeadlineQuery, Store, StoreError, is_corrupt,
};
use effects::Effects;
use inbox::Inbox;

/// Headlines read before the first frame: more than any terminal shows at once. The rest of
/// a long list is read after that frame is drawn.
const FIRST_PAGE: usize = 200;

/// Runs the app on the cached headlines of the configured feeds until the reader quits.
pub fn run(ctx: Context) -> Result<i32, AppError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(AppError::Failed(
            "the app needs a terminal; see `herald --help` for the commands".to_string(),
        ));
    }
    let (keymap, conflicts) =
        Keymap::from_config(&ctx.config.keys).map_err(|e| ctx.config_error(e))?;
    let theme = Theme::from_config(&ctx.config.theme, no_color_requested())
        .map_err(|e| ctx.config_error(e))?;
    crate::logging::start(&ctx.paths.data.join("herald.log"));
    log::info!("herald {} starting", env!("CARGO_PKG_VERSION"));
    for conflict in &conflicts {
        log::warn!("keys: {conflict}");
    }
    let store = ctx.store()?;
    let subscribed = ctx.subscribed_urls();
    let names = FeedNames::from_config(&ctx.config.feeds);
    let (store, mut start, rebuilt) = match first_page(&store, &subscribed, &names) {
        Ok(read) => (store, read, None),
        Err(e) if is_corrupt(&e) => {
            let (store, notice) = Store::rebuild(&ctx.paths.data, store.file_id(), &e)?;
            let read = first_page(&store, &subscribed, &names)?;
            (store, read, Some(notice))
        }
        Err(e) => return Err(e.into()),
    };
    names.apply(&mut start.page);
    // A queue that cannot be read is not worth refusing to start over.
    let mut queue = store.queued_headlines(&subscribed).unwrap_or_else(|e| {
        log::warn!("the listening queue could not be read: {e}");
        (Vec::new(), None)
    });
    names.apply(&mut queue.0);
    let setup = Setup {
        keymap,
        theme,
        conflicts,
        rebuilt,
        queue,
    };
    // From here the terminal is the app's.
    ctx.enter_app();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(run_loop(Arc::new(ctx), store, start, setup));
    if let Err(e) = &result {
        log::error!("{e}");
    }
    log::info!("herald stopped");
    // A refresh still running on a blocking thread is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

/// What the first frame shows: the list's counts, its first page and the subscribed feeds.
struct Start {
    counts: HeadlineCounts,
    page: Vec<crate::model::Headline>,
    feeds: Vec<FeedStatus>,
}

fn first_page(
    store: &Store,
    subscribed: &[String],
    names: &FeedNames,
) -> Result<Start, StoreError> {
    let counts = store.headline_counts(subscribed, &HeadlineQuery::default())?;
    let page_query = HeadlineQuery {
        limit: Some(FIRST_PAGE),
        ..HeadlineQuery::default()
    };
    Ok(Start {
        counts,
        page: store.headlines(subscribed, &page_query)?,
        feeds: store.feed_statuses(subscribed, names)?,
    })
}

/// What the app starts with besides the headlines.
struct Setup {
    keymap: Keymap,
    theme: Theme,
    /// Key conflicts of the config, said at start.
    conflicts: Vec<String>,
    /// The notice of a damaged database rebuilt at start.
    rebuilt: Option<String>,
    /// The listening queue as it was left, and its current item.
    queue: (Vec<crate::model::Headline>, Option<usize>),
}

/// Checks the config's `[keys]` and `[theme]`, which only the app reads: every command checks
/// them, so that a mistake there is told at once whatever runs.
pub fn check_settings(config: &Config) -> Result<(), String> {
    Keymap::from_config(&config.keys)?;
    Theme::from_config(&config.theme, false)?;
    Ok(())
}

/// `store` becomes the store's worker, which reads the rest of the list when `first_page` is
/// not all of it.
async fn run_loop(
    ctx: Arc<Context>,
    store: Store,
    start: Start,
    setup: Setup,
) -> Result<i32, AppError> {
    let _guard = terminal::TerminalGuard::enter()?;
    // Before the input thread starts: the terminal's answer is read from stdin.
    let picker = super::images::picker(ctx.config.display.images);
    let mut terminal = terminal::AppTerminal::new()?;
    let size = terminal.size()?;
    let mut state = AppState::first_page(start.page, start.counts, (size.width, size.height));
    state.mark_on_open = ctx.config.reading.mark_on_open;
    state.pictures = picker.is_some();
    state.keymap = setup.keymap;
    state.theme = setup.theme;
    (state.queue.items, state.queue.current) = setup.queue;
    state.listen = ctx.config.listen.clone();
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
    let (inbox, mut arrivals) = Inbox::new();
    input::spawn_input(inbox.clone())?;
    signals::spawn_signals(inbox.clone())?;
    // The same connection reads the rest of the list: its page cache is warm.
    let marks_out = marks_out::MarkSender::start(Arc::clone(&ctx));
    let worker = start_worker(&ctx, store, inbox.clone(), marks_out)?;
    let mut rest_to_load = state.loading_rest.is_some();
    let media_keys = {
        let inbox = inbox.clone();
        crate::mpris::MediaKeys::start(move |command| {
            inbox.msg(Msg::Media(command));
        })
    };
    let mut media = media::MediaShown::new(media_keys);
    let every = ctx.config.refresh.period();
    let mut effects = Effects::new(ctx, inbox.clone(), picker, worker);
    if let Some(every) = every {
        effects::refresh_every(every, Arc::clone(&effects.refreshed_at), inbox);
    }
    for effect in update(&mut state, Msg::FeedsLoaded(Ok(start.feeds))) {
        effects.run(effect);
    }
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
        media.show(&state);
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
        let Some(first) = arrivals.recv().await else {
            break;
        };
        // Everything already waiting is handled before the next frame.
        let mut pending = vec![first];
        while let Ok(arrival) = arrivals.try_recv() {
            pending.push(arrival);
        }
        for arrival in pending {
            let Some(msg) = effects.arrived(arrival) else {
                continue;
            };
            let list_replaced = matches!(msg, Msg::HeadlinesLoaded(Ok(_)));
            for effect in update(&mut state, msg) {
                match effect {
                    Effect::Suspend => {
                        terminal::suspend(&mut terminal)?;
                        state.dirty = true;
                    }
                    effect => effects.run(effect),
                }
            }
            if list_replaced {
                memory::give_back();
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
    inbox: Inbox,
    marks_out: Option<marks_out::MarkSender>,
) -> std::io::Result<StoreWorker> {
    StoreWorker::start(
        store,
        ctx.paths.data.clone(),
        ctx.subscribed_urls(),
        FeedNames::from_config(&ctx.config.feeds),
        move |event| {
            let msg = match event {
                StoreEvent::Saved { error } => {
                    if let (None, Some(sender)) = (&error, &marks_out) {
                        sender.marked();
                    }
                    Msg::MarkSaved { error }
                }
                StoreEvent::Headlines(list) => Msg::HeadlinesLoaded(list),
                StoreEvent::Feeds(feeds) => Msg::FeedsLoaded(feeds),
                StoreEvent::Rebuilt { notice } => Msg::StoreRebuilt { notice },
                StoreEvent::Found { asked, result } => Msg::ArchiveFound { asked, result },
                StoreEvent::Related { id, result } => Msg::RelatedFound { id, result },
                StoreEvent::Texts {
                    asked,
                    purpose,
                    result,
                } => Msg::TextsRead {
                    asked,
                    purpose,
                    result,
                },
                StoreEvent::TitlesFound { needle, result } => Msg::TitlesFound { needle, result },
            };
            inbox.msg(msg);
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example config's `[keys]` and `[theme]`, their commented-out entries written out.
    fn example_settings() -> String {
        let text = include_str!("../../../config.example.toml");
        let mut out = String::new();
        let mut in_section = false;
        for line in text.lines() {
            if line.starts_with('[') {
                in_section = line == "[keys]" || line == "[theme]";
                if in_section {
                    out.push_str(line);
                    out.push('\n');
                }
                continue;
            }
            let Some(entries) = line.strip_prefix("# ").filter(|_| in_section) else {
                continue;
            };
            // `a = "x"    b = ["y", "z"]    # what it is`
            for entry in entries.split("  ").map(str::trim) {
                let name = entry.split_once(" = ").map_or("", |(name, _)| name);
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    out.push_str(entry);
                    out.push('\n');
                }
            }
        }
        out
    }

    #[test]
    fn the_example_configs_keys_and_theme_are_valid() {
        let settings = example_settings();
        let config = Config::parse(&settings, "config.example.toml").expect("parses");
        assert!(config.keys.len() > 30, "{settings}");
        assert_eq!(config.theme.len(), 13, "{settings}");
        assert_eq!(check_settings(&config), Ok(()));
        let (_, conflicts) = Keymap::from_config(&config.keys).expect("keymap");
        assert_eq!(
            conflicts,
            Vec::<String>::new(),
            "the defaults, as documented"
        );
    }

    #[test]
    fn an_unknown_action_or_part_is_an_error() {
        let config = Config::parse("[keys]\nfly = \"x\"\n", "c").expect("parses");
        let e = check_settings(&config).expect_err("no such action");
        assert!(e.starts_with("[keys] fly: no such action"), "{e}");
        let config = Config::parse("[theme]\nsky = \"blue\"\n", "c").expect("parses");
        let e = check_settings(&config).expect_err("no such part");
        assert!(e.starts_with("[theme] sky: no such part"), "{e}");
    }
}
