//! The caches under the cache folder: recordings (`audio`), synthesized speech (`speech`, a
//! folder of parts per narration) and pictures (`images`), kept together within `[cache]
//! max_mb`, the least recently used going first.
//!
//! Use is the file's modification time: written when the entry is made, touched when it is used
//! again ([`Trimmer::pin`]). What is playing or on screen is pinned, and pins are shared with the
//! other herald processes on the same cache (see [`pins`]), so no process trims what another
//! plays. Every writer writes under a temporary name and renames into place, so a trimmer only
//! ever sees whole entries or temporary files; a temporary file is left alone while it is being
//! written and removed once abandoned (its writer killed). Trims of one cache take turns (a lock
//! file), so two processes never choose at once.
//!
//! The choice itself is [`select::choose`], apart from the file system.

pub mod pins;
pub mod select;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use serde::Serialize;

pub use pins::PinBoard;
use select::Entry;

/// The caches, by their folder under the cache folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Audio,
    Speech,
    Images,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Audio, Kind::Speech, Kind::Images];

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Audio => "audio",
            Kind::Speech => "speech",
            Kind::Images => "images",
        }
    }
}

/// Bytes in each cache, temporary files included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub audio: u64,
    pub speech: u64,
    pub images: u64,
}

impl Sizes {
    pub fn total(&self) -> u64 {
        self.audio + self.speech + self.images
    }

    fn add(&mut self, kind: Kind, bytes: u64) {
        match kind {
            Kind::Audio => self.audio += bytes,
            Kind::Speech => self.speech += bytes,
            Kind::Images => self.images += bytes,
        }
    }
}

/// What one trim removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TrimReport {
    /// Files and narrations' folders.
    pub removed: usize,
    pub bytes: u64,
}

/// The size of each cache under `cache_dir`.
pub fn sizes(cache_dir: &Path) -> Sizes {
    let mut sizes = Sizes::default();
    for (kind, entry) in scan(cache_dir) {
        sizes.add(kind, entry.bytes);
    }
    sizes
}

/// Trims the caches under `cache_dir` to `limit` bytes together (`None`: no limit; abandoned
/// temporary files go all the same), never touching `pinned` nor what other live herald
/// processes have pinned. Waits while another process trims the same cache.
pub fn trim(
    cache_dir: &Path,
    limit: Option<u64>,
    pinned: &[PathBuf],
) -> std::io::Result<TrimReport> {
    let root = match cache_dir.canonicalize() {
        Ok(root) => root,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(TrimReport::default()),
        Err(e) => return Err(e),
    };
    let turn = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(".trim.lock"))?;
    pins::lock(&turn)?;
    let mut pins = pins::live_pins(&root);
    pins.extend(pinned.iter().map(|p| pins::absolute(p)));
    let entries: Vec<Entry> = scan(&root).into_iter().map(|(_, e)| e).collect();
    let mut report = TrimReport::default();
    for i in select::choose(&entries, limit, SystemTime::now(), &pins) {
        let entry = &entries[i];
        let removed = if entry.path.is_dir() {
            std::fs::remove_dir_all(&entry.path)
        } else {
            std::fs::remove_file(&entry.path)
        };
        match removed {
            Ok(()) => {
                report.removed += 1;
                report.bytes += entry.bytes;
            }
            // Another process removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("cache: could not remove {}: {e}", entry.path.display()),
        }
    }
    Ok(report)
}

/// Marks `path` (a file or a folder) used now, so that it is among the last to be trimmed.
pub fn touch(path: &Path) {
    let touched = File::open(path).and_then(|f| f.set_modified(SystemTime::now()));
    if let Err(e) = touched
        && e.kind() != std::io::ErrorKind::NotFound
    {
        log::debug!("cache: could not mark {} used: {e}", path.display());
    }
}

/// A temporary name: `.x.part` and `.herald-download-…` (recordings), `.tmp-…` (speech),
/// `x.part` (pictures).
fn is_partial(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".part")
}

/// Every entry of every cache: files, and for speech each narration's folder as one entry (its
/// temporary files apart).
fn scan(root: &Path) -> Vec<(Kind, Entry)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let Ok(children) = std::fs::read_dir(root.join(kind.folder())) else {
            continue;
        };
        for child in children.flatten() {
            let Ok(meta) = child.metadata() else {
                continue;
            };
            let path = child.path();
            let partial = is_partial(&child.file_name().to_string_lossy());
            if meta.is_dir() {
                if kind == Kind::Speech && !partial {
                    out.extend(narration(path, &meta).into_iter().map(|e| (kind, e)));
                }
                continue;
            }
            out.push((
                kind,
                Entry {
                    path,
                    bytes: meta.len(),
                    used: modified(&meta),
                    partial,
                },
            ));
        }
    }
    out
}

/// A narration's folder as one entry, last used when the folder or any part was last touched,
/// and its temporary files each as one.
fn narration(dir: PathBuf, meta: &std::fs::Metadata) -> Vec<Entry> {
    let mut folder = Entry {
        path: dir.clone(),
        bytes: 0,
        used: modified(meta),
        partial: false,
    };
    let mut partials = Vec::new();
    for file in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let Ok(meta) = file.metadata() else {
            continue;
        };
        let used = modified(&meta);
        // Being written: the folder is in use.
        folder.used = folder.used.max(used);
        if is_partial(&file.file_name().to_string_lossy()) {
            partials.push(Entry {
                path: file.path(),
                bytes: meta.len(),
                used,
                partial: true,
            });
        } else {
            folder.bytes += meta.len();
        }
    }
    partials.push(folder);
    partials
}

fn modified(meta: &std::fs::Metadata) -> SystemTime {
    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)
}

/// How often a running trimmer looks again unasked: parts of speech and finished downloads
/// arrive without anyone telling it.
const PERIOD: Duration = Duration::from_secs(30);

/// Keeps the caches within their limit from a thread of its own: once at start, whenever told
/// an entry was added, and every [`PERIOD`]. The thread also does the disk work of pins (marking
/// used, publishing the list), so that pinning from the app's loop never waits on the disk.
/// Clones share the thread, which ends when the last clone is dropped.
#[derive(Clone)]
pub struct Trimmer {
    inner: Arc<Inner>,
}

struct Inner {
    tx: Sender<Request>,
    board: Arc<PinBoard>,
}

enum Request {
    Trim,
    /// Mark used now.
    Touch(PathBuf),
    /// The pins changed: write them for the other processes.
    Publish,
    /// One last trim; the sender is told when it is done.
    Finish(Sender<()>),
}

/// Keeps a path from being trimmed, by this or any other herald, while it lives.
pub struct Pin {
    path: PathBuf,
    board: Arc<PinBoard>,
    /// Gone once the trimmer has ended: the list then goes with the board.
    trimmer: Weak<Inner>,
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pin({})", self.path.display())
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        self.board.remove(&self.path);
        if let Some(inner) = self.trimmer.upgrade() {
            let _ = inner.tx.send(Request::Publish);
        }
    }
}

impl Trimmer {
    /// Starts trimming `cache_dir` to `limit` bytes (`None`: no limit) at once.
    pub fn start(cache_dir: &Path, limit: Option<u64>) -> Trimmer {
        let board = Arc::new(PinBoard::new(cache_dir));
        let (tx, rx) = mpsc::channel();
        let (dir, own) = (cache_dir.to_path_buf(), Arc::clone(&board));
        let spawned = std::thread::Builder::new()
            .name("herald-cache".to_string())
            .spawn(move || run(&dir, limit, &own, &rx));
        if let Err(e) = spawned {
            log::warn!("cache: the trimmer could not start: {e}");
        }
        Trimmer {
            inner: Arc::new(Inner { tx, board }),
        }
    }

    /// Keeps `path` (a file, or a folder with all it holds) from being trimmed by any herald
    /// until the pin is dropped, and marks it used. Pinning a path not yet written is fine.
    /// Does no disk work itself.
    pub fn pin(&self, path: &Path) -> Pin {
        self.inner.board.add(path.to_path_buf());
        let _ = self.inner.tx.send(Request::Touch(path.to_path_buf()));
        let _ = self.inner.tx.send(Request::Publish);
        Pin {
            path: path.to_path_buf(),
            board: Arc::clone(&self.inner.board),
            trimmer: Arc::downgrade(&self.inner),
        }
    }

    /// Says an entry was added: a trim follows soon, on the trimmer's thread.
    pub fn added(&self) {
        let _ = self.inner.tx.send(Request::Trim);
    }

    /// Trims once more and waits for it: for commands, before they exit.
    pub fn finish(self) {
        let (done, wait) = mpsc::channel();
        if self.inner.tx.send(Request::Finish(done)).is_ok() {
            let _ = wait.recv();
        }
    }
}

fn run(dir: &Path, limit: Option<u64>, board: &PinBoard, rx: &mpsc::Receiver<Request>) {
    let pass = || match trim(dir, limit, &board.own()) {
        Ok(r) if r.removed > 0 => log::info!(
            "cache: trimmed {} entries, {} bytes, to stay within {limit:?} bytes",
            r.removed,
            r.bytes
        ),
        Ok(_) => {}
        Err(e) => log::warn!("cache: could not trim {}: {e}", dir.display()),
    };
    pass();
    loop {
        let first = match rx.recv_timeout(PERIOD) {
            Ok(request) => request,
            Err(RecvTimeoutError::Timeout) => Request::Trim,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Whatever came meanwhile is answered at once: one publish, one trim.
        let (mut publish, mut trim_now, mut finish) = (false, false, None);
        for request in std::iter::once(first).chain(rx.try_iter()) {
            match request {
                Request::Touch(path) => touch(&path),
                Request::Publish => publish = true,
                Request::Trim => trim_now = true,
                Request::Finish(done) => {
                    trim_now = true;
                    finish = Some(done);
                }
            }
        }
        // Others see this process's pins before it trims: they may be trimming too.
        if publish || trim_now {
            board.publish();
        }
        if trim_now {
            pass();
        }
        if let Some(done) = finish {
            let _ = done.send(());
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("herald-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn write(path: &Path, bytes: usize, age_secs: u64) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, vec![7u8; bytes]).unwrap_or_else(|e| panic!("{e}"));
        let when = SystemTime::now() - Duration::from_secs(age_secs);
        File::open(path)
            .and_then(|f| f.set_modified(when))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn age(path: &Path, age_secs: u64) {
        let when = SystemTime::now() - Duration::from_secs(age_secs);
        File::open(path)
            .and_then(|f| f.set_modified(when))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn all_three_caches_are_trimmed_together_oldest_first_and_pins_are_kept() {
        let dir = temp("trim");
        let k = 1024;
        // Oldest first: a narration (two parts), a recording, two pictures.
        let speech = dir.join("speech").join("0a");
        write(&speech.join("0.wav"), 40 * k, 500);
        write(&speech.join("1.wav"), 40 * k, 500);
        age(&speech, 500);
        write(&dir.join("audio").join("rec.mp3"), 50 * k, 400);
        write(&dir.join("images").join("old"), 30 * k, 300);
        write(&dir.join("images").join("new"), 30 * k, 10);
        // Written now by someone: counted, never removed.
        write(&dir.join("audio").join(".rec2.mp3.77.part"), 5 * k, 0);
        let before = sizes(&dir);
        assert_eq!(
            before,
            Sizes {
                audio: 55 * k as u64,
                speech: 80 * k as u64,
                images: 60 * k as u64
            }
        );
        // The recording is playing: pinned, so the next oldest after the narration go.
        let report = trim(
            &dir,
            Some(100 * k as u64),
            &[dir.join("audio").join("rec.mp3")],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.removed, 2, "{report:?}");
        assert!(!speech.exists());
        assert!(!dir.join("images").join("old").exists());
        assert!(dir.join("audio").join("rec.mp3").exists());
        assert!(dir.join("images").join("new").exists());
        assert!(sizes(&dir).total() <= 100 * k as u64);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_narration_touched_by_use_outlives_older_ones_and_abandoned_parts_go() {
        let dir = temp("touch");
        let a = dir.join("speech").join("aa");
        let b = dir.join("speech").join("bb");
        write(&a.join("0.wav"), 1000, 900);
        age(&a, 900);
        write(&b.join("0.wav"), 1000, 100);
        // Left by a synthesis killed two hours ago.
        write(&b.join(".tmp-9-1.wav"), 500, 7200);
        age(&b, 100);
        // Played again: marked used now.
        touch(&a);
        let report = trim(&dir, Some(1000), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.removed, 2, "{report:?}");
        assert!(a.join("0.wav").exists());
        assert!(!b.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Waits (up to 10 s) for the trimmer's thread to have published what `done` checks.
    fn eventually(what: &str, done: impl Fn() -> bool) {
        let start = std::time::Instant::now();
        while !done() {
            assert!(start.elapsed() < Duration::from_secs(10), "never: {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_trimmer_pins_for_other_processes_too_and_finishes_with_a_trim() {
        let dir = temp("trimmer");
        let shown = dir.join("images").join("shown");
        write(&shown, 4000, 600);
        let trimmer = Trimmer::start(&dir, Some(4000));
        let pin = trimmer.pin(&shown);
        let listed = pins::absolute(&shown);
        eventually("the pin listed for other processes", || {
            pins::live_pins(&dir).contains(&listed)
        });
        // It was marked used (before it was listed); age it again, older than what comes next.
        let touched = std::fs::metadata(&shown)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(touched.elapsed().unwrap_or_default() < Duration::from_secs(60));
        age(&shown, 600);
        write(&dir.join("images").join("newer"), 4000, 10);
        // Another process's trim, which knows nothing of this one but its list of pins.
        trim(&dir, Some(4000), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(shown.exists());
        assert!(!dir.join("images").join("newer").exists());
        drop(pin);
        eventually("the pin taken back", || pins::live_pins(&dir).is_empty());
        write(&dir.join("images").join("newest"), 4000, 0);
        trimmer.finish();
        assert!(!shown.exists());
        assert!(dir.join("images").join("newest").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
