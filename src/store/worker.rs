//! The app's one writer: a thread that owns a store connection, runs its commands in the order
//! they were given, and watches for what other herald processes commit.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use super::listening::Resume;
use super::{
    FeedNames, FeedStatus, FileId, Hit, ListFingerprint, RELATED_LIMIT, Related, SearchError,
    SearchQuery, Store, StoreError, is_corrupt,
};
use crate::model::{Headline, Listing};

/// How often the database is asked whether another connection committed something, where
/// the system cannot say when its files change.
const WATCH_EVERY: Duration = Duration::from_millis(400);
/// After being told of a write, how long a commit may take to become visible: a writer
/// appends to the journal (which is watched) before it publishes the commit in shared memory
/// (which cannot be).
const SETTLE: Duration = Duration::from_millis(300);
const SETTLE_EVERY: Duration = Duration::from_millis(50);
/// Reloads for other processes' changes are at most this frequent: a refresh elsewhere
/// commits once per feed.
const RELOAD_GAP: Duration = Duration::from_millis(1000);
/// The app lists at most this many results of an archive search.
const SEARCH_LIMIT: usize = 200;

#[derive(Debug)]
pub enum StoreCommand {
    SetRead {
        id: i64,
        read: bool,
    },
    SetStarred {
        id: i64,
        starred: bool,
    },
    /// Many items marked at once (a feed, a group, the whole view, or that undone): one
    /// transaction, one [`StoreEvent::Saved`].
    SetReadMany {
        ids: Vec<i64>,
        read: bool,
    },
    /// Where the listener is in the article at `url`; when that makes it listened (and read,
    /// with `mark_read`), the list is read again to show it.
    SavePosition {
        url: String,
        resume: Resume,
        mark_read: bool,
    },
    /// Forget where the listener was in the article at `url`: it plays from the start.
    ForgetPosition {
        url: String,
    },
    /// The listening queue: items in order and the index of the one playing.
    SetQueue {
        items: Vec<i64>,
        current: Option<usize>,
    },
    /// Read the whole list of headlines.
    LoadHeadlines,
    /// Read the texts of headlines `ids` (a page the list shows, or what joins the queue).
    ReadTexts {
        ids: Vec<i64>,
        purpose: TextsFor,
    },
    /// Find the headlines whose title contains `needle` (case-folded).
    FindTitles {
        needle: String,
    },
    /// Search the archive; the answer names `asked`.
    Search {
        asked: u64,
        query: String,
    },
    /// Look for other coverage of item `id`.
    Related {
        id: i64,
    },
    /// Check every page of the file, rebuilding it when it is damaged.
    Check,
    /// A query elsewhere found the file `broken` damaged: rebuild it (unless that was done).
    Repair {
        broken: Option<FileId>,
        why: String,
    },
    /// The database's files changed on disk: another process may have committed.
    Look,
    /// End the thread, once what was sent before is done.
    Finish,
}

#[derive(Debug)]
pub enum StoreEvent {
    /// One mark command done, in the order given; `error` when it could not be saved.
    Saved { error: Option<String> },
    /// The list of headlines as the store has it now, with every command before it applied:
    /// asked for, or because another process changed the store.
    Headlines(Result<Listing, String>),
    /// The texts of headlines `asked` (those still in the store), for `purpose`.
    Texts {
        asked: Vec<i64>,
        purpose: TextsFor,
        result: Result<Vec<Headline>, String>,
    },
    /// The headlines whose title contains `needle`.
    TitlesFound {
        needle: String,
        result: Result<Vec<i64>, String>,
    },
    /// Every subscribed feed with its name and last error, read with the list and sent just
    /// before it.
    Feeds(Result<Vec<FeedStatus>, String>),
    /// The database was damaged and has been rebuilt (empty but for salvaged marks).
    Rebuilt { notice: String },
    /// The results of search `asked`, best first, or why there are none (one line).
    Found {
        asked: u64,
        result: Result<Vec<Hit>, String>,
    },
    /// Other coverage of item `id`, best first, or why it could not be looked for (one line).
    Related {
        id: i64,
        result: Result<Vec<Related>, String>,
    },
}

/// What headlines' texts are read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextsFor {
    /// The rows the list shows and those around them.
    List,
    /// Headlines joining the listening queue, in the order asked.
    Queue,
}

/// The sending end; the thread ends when it is dropped or finished.
pub struct StoreWorker {
    tx: Sender<StoreCommand>,
    thread: std::thread::JoinHandle<()>,
}

impl StoreWorker {
    /// Starts the thread on `store`. `subscribed` names the feeds whose headlines are listed,
    /// `names` what the reader calls them; `events` is called on the worker's thread.
    pub fn start(
        store: Store,
        data_dir: PathBuf,
        subscribed: Vec<String>,
        names: FeedNames,
        events: impl Fn(StoreEvent) + Send + 'static,
    ) -> std::io::Result<StoreWorker> {
        let (tx, rx) = channel();
        let told = tx.clone();
        let told = super::watch::spawn(&data_dir, move || told.send(StoreCommand::Look).is_ok());
        let own = tx.clone();
        let mut worker = Worker {
            store,
            data_dir,
            subscribed,
            names,
            events: Box::new(events),
            seen_version: None,
            seen_list: None,
            last_reload: None,
            told,
            look_until: None,
            own,
        };
        let thread = std::thread::Builder::new()
            .name("herald-store".to_string())
            .spawn(move || worker.run(rx))?;
        Ok(StoreWorker { tx, thread })
    }

    pub fn send(&self, command: StoreCommand) {
        // The thread only ends with the app.
        let _ = self.tx.send(command);
    }

    /// A handle that sends commands from elsewhere.
    pub fn sender(&self) -> Sender<StoreCommand> {
        self.tx.clone()
    }

    /// Runs what was sent and ends the thread: marks made just before quitting are saved.
    pub fn finish(self) {
        let _ = self.tx.send(StoreCommand::Finish);
        if self.thread.join().is_err() {
            log::error!("store: the worker thread panicked");
        }
    }
}

/// What a look at the store found.
enum Look {
    TooSoon,
    Unchanged,
    Reloaded,
}

struct Worker {
    store: Store,
    data_dir: PathBuf,
    subscribed: Vec<String>,
    names: FeedNames,
    events: Box<dyn Fn(StoreEvent) + Send>,
    /// The store's data version, and what the list showed, when it was last read.
    seen_version: Option<i64>,
    seen_list: Option<ListFingerprint>,
    last_reload: Option<Instant>,
    /// Changes on disk are told ([`StoreCommand::Look`]): no need to ask from time to time.
    told: bool,
    /// A change was told and is looked for until this time (reloads are spaced out, and a
    /// commit shows a little after its write).
    look_until: Option<Instant>,
    /// The worker's own input, for what is done off its thread.
    own: Sender<StoreCommand>,
}

impl Worker {
    fn run(&mut self, rx: Receiver<StoreCommand>) {
        self.seen_version = self.store.data_version().ok();
        loop {
            let wait = if !self.told {
                Some(WATCH_EVERY)
            } else if self.look_until.is_some() {
                let gap = self
                    .last_reload
                    .map_or(Duration::ZERO, |at| RELOAD_GAP.saturating_sub(at.elapsed()));
                Some(gap.max(SETTLE_EVERY))
            } else {
                None
            };
            let received = match wait {
                Some(wait) => rx.recv_timeout(wait),
                // Nothing to do until told: an idle app is not woken.
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match received {
                Ok(StoreCommand::Finish) => return,
                Ok(StoreCommand::Look) => {
                    let until = Instant::now() + SETTLE;
                    self.look_until = Some(self.look_until.map_or(until, |u| u.max(until)));
                }
                Ok(command) => self.handle(command),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if !self.told {
                self.watch();
            } else if let Some(until) = self.look_until {
                match self.watch() {
                    Look::Reloaded => self.look_until = None,
                    Look::TooSoon => {}
                    Look::Unchanged if Instant::now() >= until => self.look_until = None,
                    Look::Unchanged => {}
                }
            }
        }
    }

    fn handle(&mut self, command: StoreCommand) {
        match command {
            StoreCommand::SetRead { id, read } => {
                let result = self.store.set_read(id, read);
                self.saved(result);
            }
            StoreCommand::SetStarred { id, starred } => {
                let result = self.store.set_starred(id, starred);
                self.saved(result);
            }
            StoreCommand::SetReadMany { ids, read } => {
                let result = self.store.set_read_many(&ids, read);
                self.saved(result);
            }
            StoreCommand::SavePosition {
                url,
                resume,
                mark_read,
            } => match self.store.save_position(&url, &resume, mark_read) {
                Ok(true) => self.reload(),
                Ok(false) => {}
                Err(e) => self.failed_quietly("the listening position", &e),
            },
            StoreCommand::ForgetPosition { url } => {
                if let Err(e) = self.store.forget_position(&url) {
                    self.failed_quietly("the listening position", &e);
                }
            }
            StoreCommand::SetQueue { items, current } => {
                if let Err(e) = self.store.set_queue(&items, current) {
                    self.failed_quietly("the listening queue", &e);
                }
            }
            StoreCommand::LoadHeadlines => self.reload(),
            StoreCommand::ReadTexts { ids, purpose } => {
                let result = self
                    .store
                    .headline_texts(&self.subscribed, &ids, &self.names);
                if let Err(e) = &result
                    && is_corrupt(e)
                {
                    self.repair(e);
                }
                let result = result.map_err(|e| e.to_string());
                (self.events)(StoreEvent::Texts {
                    asked: ids,
                    purpose,
                    result,
                });
            }
            StoreCommand::FindTitles { needle } => {
                let started = Instant::now();
                let result = self.store.titles_containing(
                    &self.subscribed,
                    &needle,
                    crate::width::fold_case,
                );
                if let Ok(found) = &result {
                    log::info!(
                        "store: {} titles found in {} ms",
                        found.len(),
                        started.elapsed().as_millis()
                    );
                }
                let result = result.map_err(|e| e.to_string());
                (self.events)(StoreEvent::TitlesFound { needle, result });
            }
            StoreCommand::Search { asked, query } => self.search(asked, query),
            StoreCommand::Related { id } => {
                let result = self
                    .store
                    .related_to_item(&self.subscribed, id, RELATED_LIMIT);
                if let Err(e) = &result
                    && is_corrupt(e)
                {
                    self.repair(e);
                }
                let result = result.map_err(|e| e.to_string());
                (self.events)(StoreEvent::Related { id, result });
            }
            StoreCommand::Check => self.check(),
            StoreCommand::Repair { broken, why } => {
                if broken.is_none() || broken == self.store.file_id() {
                    self.repair(&StoreError::Corrupt(why));
                }
            }
            StoreCommand::Look | StoreCommand::Finish => {}
        }
    }

    /// Checks every page of the file on a thread and a connection of its own: that reads the
    /// whole file (a second or more for a large one, from disk), and the pages of titles and
    /// the marks this thread serves must not wait behind it. A damaged file comes back as
    /// [`StoreCommand::Repair`].
    fn check(&mut self) {
        let path = super::db_path(&self.data_dir);
        let back = self.own.clone();
        let spawned = std::thread::Builder::new()
            .name("herald-store-check".to_string())
            .spawn(move || {
                // Behind everything else the machine does: it only has to end some time.
                // SAFETY: setpriority changes only this thread's niceness (Linux: who 0 is
                // the calling thread).
                unsafe {
                    libc::setpriority(libc::PRIO_PROCESS, 0, 19);
                }
                let checked = Store::open_at(&path).and_then(|store| {
                    // Each page is read once: a cache would only hold memory.
                    store.conn.pragma_update(None, "cache_size", -64)?;
                    store.check()
                });
                match checked {
                    Err(e) if is_corrupt(&e) => {
                        let why = match e {
                            StoreError::Corrupt(why) => why,
                            e => e.to_string(),
                        };
                        let broken = super::repair::file_id(&path);
                        let _ = back.send(StoreCommand::Repair { broken, why });
                    }
                    Err(e) => log::warn!("store: the check could not run: {e}"),
                    Ok(()) => {}
                }
            });
        if let Err(e) = spawned {
            log::warn!("store: the check could not start: {e}");
        }
    }

    /// A write the reader did not ask for by a key: logged, and the file repaired when damaged.
    fn failed_quietly(&mut self, what: &str, e: &StoreError) {
        log::warn!("store: {what} could not be saved: {e}");
        if is_corrupt(e) {
            self.repair(e);
        }
    }

    fn saved(&mut self, result: Result<(), StoreError>) {
        let error = match result {
            Ok(()) => None,
            Err(e) => {
                log::warn!("store: {e}");
                let error = Some(e.to_string());
                if is_corrupt(&e) {
                    self.repair(&e);
                }
                error
            }
        };
        (self.events)(StoreEvent::Saved { error });
    }

    fn search(&mut self, asked: u64, text: String) {
        let query = SearchQuery {
            text,
            limit: SEARCH_LIMIT,
            ..SearchQuery::default()
        };
        let now = chrono::Utc::now().timestamp();
        let mut result = self.store.search(&self.subscribed, &query, now);
        if let Ok(hits) = &mut result {
            for hit in hits.iter_mut() {
                self.names.apply(std::slice::from_mut(&mut hit.headline));
            }
        }
        if let Err(SearchError::Store(e)) = &result
            && is_corrupt(e)
        {
            self.repair(e);
        }
        let result = result.map_err(|e| e.to_string());
        (self.events)(StoreEvent::Found { asked, result });
    }

    /// Another connection committed since the list was read: read it again.
    fn watch(&mut self) -> Look {
        if self.last_reload.is_some_and(|at| at.elapsed() < RELOAD_GAP) {
            return Look::TooSoon;
        }
        let changed = self.store.data_version().and_then(|version| {
            if Some(version) == self.seen_version {
                return Ok(false);
            }
            self.seen_version = Some(version);
            Ok(Some(self.store.list_fingerprint()?) != self.seen_list)
        });
        match changed {
            Ok(true) => {
                self.reload();
                return Look::Reloaded;
            }
            Ok(false) => {}
            Err(e) if is_corrupt(&e) => self.repair(&e),
            Err(e) => log::warn!("store: {e}"),
        }
        Look::Unchanged
    }

    /// A sync server's subscriptions, the first sync's included, are listed as soon as they
    /// are known, not only from the next start (the table is empty without `[sync]`).
    fn add_server_feeds(&mut self) {
        let Ok(feeds) = self.store.synced_feeds() else {
            return;
        };
        for f in feeds {
            if !self.subscribed.contains(&f.url) {
                self.subscribed.push(f.url.clone());
            }
            if let Some(title) = &f.title {
                self.names.add_if_unnamed(&f.url, title);
            }
        }
    }

    fn reload(&mut self) {
        self.add_server_feeds();
        // Before reading: a change committed while reading is seen at the next look.
        self.seen_version = self.store.data_version().ok();
        self.last_reload = Some(Instant::now());
        // The list and its fingerprint from one snapshot; the list is sent before the
        // fingerprint's scan so that it is not kept waiting.
        let snapshot = self.store.conn.execute_batch("BEGIN");
        let feeds = self.store.feed_statuses(&self.subscribed, &self.names);
        let started = Instant::now();
        let list = self.store.listing(&self.subscribed, &self.names);
        if let Ok(list) = &list {
            log::info!(
                "store: the list read, {} headlines in {} ms",
                list.index.len(),
                started.elapsed().as_millis()
            );
        }
        if let Some(e) = [feeds.as_ref().err(), list.as_ref().err()]
            .into_iter()
            .flatten()
            .find(|e| is_corrupt(e))
        {
            let _ = self.store.conn.execute_batch("ROLLBACK");
            self.repair(e);
            return;
        }
        (self.events)(StoreEvent::Feeds(feeds.map_err(|e| e.to_string())));
        (self.events)(StoreEvent::Headlines(list.map_err(|e| e.to_string())));
        self.seen_list = self.store.list_fingerprint().ok();
        if snapshot.is_ok() {
            let _ = self.store.conn.execute_batch("COMMIT");
        }
    }

    fn repair(&mut self, why: &StoreError) {
        match Store::rebuild(&self.data_dir, self.store.file_id(), why) {
            Ok((store, notice)) => {
                self.store = store;
                (self.events)(StoreEvent::Rebuilt { notice });
                self.reload();
            }
            Err(e) => {
                log::error!("store: could not rebuild the database: {e}");
                (self.events)(StoreEvent::Headlines(Err(format!(
                    "the database is damaged and could not be rebuilt: {e}"
                ))));
            }
        }
    }
}
