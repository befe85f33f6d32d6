//! Tells the store's worker when the database files change on disk (inotify on the data
//! directory), so that other processes' commits are seen at once and an idle app is never
//! woken to look.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

/// The files whose changes matter: the database and its write-ahead journal.
const WATCHED: [&[u8]; 2] = [b"herald.db", b"herald.db-wal"];

/// Starts a thread that calls `changed` after each burst of writes to the database files of
/// `data_dir`, until it returns false. False when the system cannot watch files (the caller
/// then looks from time to time instead).
pub fn spawn(data_dir: &Path, changed: impl Fn() -> bool + Send + 'static) -> bool {
    let Some(fd) = watch(data_dir) else {
        return false;
    };
    std::thread::Builder::new()
        .name("herald-watch".to_string())
        .spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                // SAFETY: reads into a buffer this function owns, from a descriptor it owns.
                let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
                let Ok(n) = usize::try_from(n) else {
                    if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return;
                };
                if touches_database(&buf[..n]) && !changed() {
                    return;
                }
            }
        })
        .is_ok()
}

fn watch(data_dir: &Path) -> Option<OwnedFd> {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: inotify_init1 takes flags only; the descriptor is owned at once.
    let raw = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
    if raw < 0 {
        return None;
    }
    // SAFETY: `raw` is a new descriptor that nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    let mut path = data_dir.as_os_str().as_bytes().to_vec();
    path.push(0);
    // The directory, not the files: the journal is made anew after the last connection closes.
    let mask = libc::IN_MODIFY | libc::IN_CREATE | libc::IN_MOVED_TO | libc::IN_DELETE;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    let wd = unsafe { libc::inotify_add_watch(fd.as_raw_fd(), path.as_ptr().cast(), mask) };
    (wd >= 0).then_some(fd)
}

/// Whether a read of inotify events names one of the database files.
fn touches_database(events: &[u8]) -> bool {
    // struct inotify_event: wd i32, mask u32, cookie u32, len u32, then `len` bytes of name.
    const HEADER: usize = 16;
    let mut at = 0;
    while at + HEADER <= events.len() {
        let len = u32::from_ne_bytes([
            events[at + 12],
            events[at + 13],
            events[at + 14],
            events[at + 15],
        ]) as usize;
        let name = events
            .get(at + HEADER..at + HEADER + len)
            .unwrap_or_default();
        let name = name.split(|b| *b == 0).next().unwrap_or_default();
        if WATCHED.contains(&name) {
            return true;
        }
        at += HEADER + len;
    }
    false
}

/// See [`super::Store::list_fingerprint`].
#[derive(Debug, Clone, PartialEq)]
pub struct ListFingerprint {
    counts: [f64; 4],
    /// Why feeds failed, as the last refresh (whichever process ran it) left it: few and short.
    errors: String,
}

impl super::Store {
    /// A summary of what the list of headlines shows (which items there are, their marks,
    /// the feeds' names and errors), so that a commit elsewhere that changed none of it (an
    /// article saved for offline reading, say) does not make the app read the whole list again.
    pub fn list_fingerprint(&self) -> Result<ListFingerprint, super::StoreError> {
        // Marks weighted by a hash of the id: two changes cancel out only by accident.
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM items), (SELECT COALESCE(MAX(id), 0) FROM items),
                    (SELECT TOTAL(read * ((id * 2654435761) % 4294967291)
                                  + starred * ((id * 40503) % 65521)) FROM items),
                    (SELECT TOTAL(LENGTH(title)) + COUNT(*) FROM feeds),
                    (SELECT COALESCE(GROUP_CONCAT(id || ':' || last_error, char(10)), '')
                     FROM (SELECT id, last_error FROM feeds
                           WHERE last_error IS NOT NULL ORDER BY id))",
            [],
            |r| {
                Ok(ListFingerprint {
                    counts: [
                        r.get::<_, i64>(0)? as f64,
                        r.get::<_, i64>(1)? as f64,
                        r.get(2)?,
                        r.get(3)?,
                    ],
                    errors: r.get(4)?,
                })
            },
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str) -> Vec<u8> {
        let mut padded = name.as_bytes().to_vec();
        padded.resize(name.len().div_ceil(16) * 16, 0);
        let mut e = Vec::new();
        for n in [1u32, libc::IN_MODIFY, 0, padded.len() as u32] {
            e.extend_from_slice(&n.to_ne_bytes());
        }
        e.extend(padded);
        e
    }

    #[test]
    fn only_the_database_and_its_journal_count() {
        assert!(touches_database(&event("herald.db-wal")));
        assert!(touches_database(&event("herald.db")));
        assert!(!touches_database(&event("herald.log")));
        assert!(!touches_database(&event("herald.db-shm")));
        let mut both = event("herald.log");
        both.extend(event("herald.db"));
        assert!(touches_database(&both));
        assert!(!touches_database(&[1, 2, 3]), "a short read is no event");
    }

    #[test]
    fn a_write_to_the_database_calls_back() {
        let dir = std::env::temp_dir().join(format!("herald-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let (tx, rx) = std::sync::mpsc::channel();
        assert!(spawn(&dir, move || tx.send(()).is_ok()));
        std::fs::write(dir.join("herald.log"), "not the database").expect("write");
        std::fs::write(dir.join("herald.db-wal"), "a commit").expect("write");
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("told of the write");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
