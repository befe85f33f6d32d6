//! What is in use, told to every herald's trimmer, not only this one's. A process that pins
//! something keeps the list of its pinned paths in `<cache>/.pins/<id>.pins` and holds a lock
//! on `<id>.lock` for as long as it lives. The kernel drops that lock when the process ends,
//! however it ends (kill -9 too), so a list whose lock can be taken belongs to no one: it is
//! removed, and its pins no longer count.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The folder of the lists, inside the cache folder.
const FOLDER: &str = ".pins";
/// A lock file with no list beside it is removed after this long: its owner creates the lock,
/// then writes the list at once.
const ORPHAN_LOCK_AGE: Duration = Duration::from_secs(60);

static BOARDS: AtomicU64 = AtomicU64::new(0);

/// This process's pins. Changing them is a change in memory only, so a caller on the app's loop
/// never waits on the disk; [`PinBoard::publish`] writes them for the other processes. No file
/// is made before the first pin is published.
pub struct PinBoard {
    dir: PathBuf,
    id: String,
    /// One element per pin: a path pinned twice stays pinned until both pins go.
    pins: Mutex<Vec<PathBuf>>,
    /// Held locked while the list exists; `None` until the first publish with a pin (or while
    /// the lock file cannot be made).
    lock: Mutex<Option<File>>,
}

impl PinBoard {
    pub fn new(cache_dir: &Path) -> PinBoard {
        let n = BOARDS.fetch_add(1, Ordering::Relaxed);
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        PinBoard {
            dir: cache_dir.join(FOLDER),
            id: format!("{}-{started}-{n}", std::process::id()),
            pins: Mutex::default(),
            lock: Mutex::default(),
        }
    }

    /// Pins `path`: a file, or a folder and all it holds.
    pub fn add(&self, path: PathBuf) {
        lock_ignoring_poison(&self.pins).push(path);
    }

    /// Takes back one pin of `path`.
    pub fn remove(&self, path: &Path) {
        let mut pins = lock_ignoring_poison(&self.pins);
        if let Some(i) = pins.iter().position(|p| p == path) {
            pins.swap_remove(i);
        }
    }

    /// This process's pins, as they were given.
    pub fn own(&self) -> Vec<PathBuf> {
        lock_ignoring_poison(&self.pins).clone()
    }

    fn list_path(&self) -> PathBuf {
        self.dir.join(format!("{}.pins", self.id))
    }

    /// Writes the list for other processes: the lock first, so a list is never seen unlocked.
    /// A failure leaves the pins known to this process alone, and is logged.
    pub fn publish(&self) {
        let mut lock = lock_ignoring_poison(&self.lock);
        // Taken under the lock: a later publish always writes a later list.
        let pins = self.own();
        if lock.is_none() {
            if pins.is_empty() {
                return;
            }
            match self.take_lock() {
                Ok(file) => *lock = Some(file),
                Err(e) => {
                    log::warn!(
                        "cache: pins for other processes: {}: {e}",
                        self.dir.display()
                    );
                    return;
                }
            }
        }
        let mut bytes = Vec::new();
        for p in &pins {
            bytes.extend_from_slice(absolute(p).as_os_str().as_bytes());
            bytes.push(0);
        }
        let list = self.list_path();
        let temp = self.dir.join(format!("{}.pins.tmp", self.id));
        // Renamed into place: a reader sees the old list or the new one, never half of one.
        let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, &list));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            log::warn!("cache: pins for other processes: {}: {e}", list.display());
        }
    }

    fn take_lock(&self) -> std::io::Result<File> {
        std::fs::create_dir_all(&self.dir)?;
        let file = File::create(self.dir.join(format!("{}.lock", self.id)))?;
        if try_lock(&file)? {
            Ok(file)
        } else {
            Err(std::io::Error::other(
                "the lock file is held by another process",
            ))
        }
    }
}

fn lock_ignoring_poison<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Drop for PinBoard {
    fn drop(&mut self) {
        let lock = self.lock.get_mut().unwrap_or_else(PoisonError::into_inner);
        if lock.take().is_some() {
            // The list first: a list is never left without its lock.
            let _ = std::fs::remove_file(self.list_path());
            let _ = std::fs::remove_file(self.dir.join(format!("{}.lock", self.id)));
        }
    }
}

/// The pins of every live herald using `cache_dir` (this one's included), removing the lists of
/// processes that have ended.
pub fn live_pins(cache_dir: &Path) -> Vec<PathBuf> {
    let dir = cache_dir.join(FOLDER);
    let Ok(names) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut pins = Vec::new();
    for entry in names.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some(id) = name.strip_suffix(".pins") {
            let lock = dir.join(format!("{id}.lock"));
            match owner_alive(&lock) {
                Ok(true) => {
                    if let Ok(bytes) = std::fs::read(&path) {
                        pins.extend(
                            bytes
                                .split(|&b| b == 0)
                                .filter(|p| !p.is_empty())
                                .map(|p| PathBuf::from(std::ffi::OsString::from_vec(p.to_vec()))),
                        );
                    }
                }
                Ok(false) => {
                    let _ = std::fs::remove_file(&path);
                    let _ = std::fs::remove_file(&lock);
                }
                Err(e) => log::warn!("cache: {}: {e}", lock.display()),
            }
        } else if name.ends_with(".lock") || name.ends_with(".pins.tmp") {
            // Left by a process that ended between making its lock and writing its list.
            let id = name.trim_end_matches(".lock").trim_end_matches(".pins.tmp");
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > ORPHAN_LOCK_AGE);
            if old
                && !dir.join(format!("{id}.pins")).exists()
                && owner_alive(&path).is_ok_and(|a| !a)
            {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    pins
}

/// Whether the process that made `lock` still holds it. A missing lock file has no owner.
fn owner_alive(lock: &Path) -> std::io::Result<bool> {
    let file = match File::open(lock) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    // Taken: no one holds it. Dropping the file releases it again.
    Ok(!try_lock(&file)?)
}

/// An exclusive lock on `file` if it is free: `Ok(false)` when another open file holds it.
fn try_lock(file: &File) -> std::io::Result<bool> {
    // SAFETY: flock only reads the descriptor, which `file` keeps open during the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}

/// Waits for the exclusive lock on `file`; released when the file is closed.
pub(super) fn lock(file: &File) -> std::io::Result<()> {
    // SAFETY: as in `try_lock`.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The same path however a process named it (relative, through a link), so that one process's
/// pin matches another's scan. A path that does not exist yet keeps its name under its real
/// folder.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name())
        && let Ok(dir) = dir.canonicalize()
    {
        return dir.join(name);
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("herald-pins-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn pins_are_seen_once_published_and_a_path_pinned_twice_needs_both_gone() {
        let dir = temp("live");
        let board = PinBoard::new(&dir);
        let file = dir.join("images").join("ab");
        board.add(file.clone());
        board.add(file.clone());
        // In memory only until published.
        assert!(live_pins(&dir).is_empty());
        board.publish();
        let expected = absolute(&file);
        assert_eq!(live_pins(&dir), [expected.clone(), expected.clone()]);
        board.remove(&file);
        board.publish();
        assert_eq!(live_pins(&dir), [expected]);
        board.remove(&file);
        board.publish();
        assert!(live_pins(&dir).is_empty());
        drop(board);
        // Nothing left behind by a board that ended normally.
        let left: Vec<_> = std::fs::read_dir(dir.join(FOLDER))
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_board_that_never_pinned_makes_no_file() {
        let dir = temp("none");
        PinBoard::new(&dir).publish();
        assert!(!dir.join(FOLDER).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_list_whose_owner_is_gone_is_removed() {
        let dir = temp("dead");
        let pins = dir.join(FOLDER);
        std::fs::create_dir_all(&pins).unwrap_or_else(|e| panic!("{e}"));
        // As a process killed while pinning leaves it: the list and an unlocked lock file.
        std::fs::write(pins.join("1-2-3.pins"), b"/c/speech/ab\0")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(pins.join("1-2-3.lock"), b"").unwrap_or_else(|e| panic!("{e}"));
        // And a list with no lock file at all.
        std::fs::write(pins.join("4-5-6.pins"), b"/c/images/x\0").unwrap_or_else(|e| panic!("{e}"));
        assert!(live_pins(&dir).is_empty());
        assert!(!pins.join("1-2-3.pins").exists() && !pins.join("1-2-3.lock").exists());
        assert!(!pins.join("4-5-6.pins").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_live_list_is_read_by_another_reader_holding_no_lock_of_its_own() {
        let dir = temp("other");
        let board = PinBoard::new(&dir);
        board.add(dir.join("speech").join("cd"));
        board.publish();
        // Another board of the same cache (another process, as far as the files go) sees it.
        let other = PinBoard::new(&dir);
        assert!(other.own().is_empty());
        assert_eq!(live_pins(&dir).len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
