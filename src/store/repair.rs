//! A damaged database: moved aside with its journal, a new one made in its place, and the read
//! and starred marks that still read carried over, to be given back as the refresh brings
//! their items again.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, params};

use super::pages::{self, Value};
use super::{BUSY_TIMEOUT, Store, StoreError, db_path};

/// Rows of the damaged file read at once; a range that fails is split until the bad rows are
/// alone, so that one bad page costs only its own rows.
const SALVAGE_CHUNK: i64 = 512;

/// A file's identity, to tell the damaged database from one another process already rebuilt.
pub type FileId = (u64, u64);

/// Errors that mean the file is not a usable database, as opposed to one that is busy or
/// cannot be written.
pub fn is_corrupt(e: &StoreError) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e {
        StoreError::Corrupt(_) => true,
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, _)) => {
            matches!(f.code, DatabaseCorrupt | NotADatabase)
        }
        _ => false,
    }
}

pub fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Store {
    /// Moves the damaged database of `data_dir` aside and makes a new one, keeping the marks
    /// that can still be read. `broken` is the file found damaged: when the file in place is
    /// another one, another herald process has rebuilt it meanwhile and it is only opened.
    /// Returns the new store and a notice for the user.
    pub fn rebuild(
        data_dir: &Path,
        broken: Option<FileId>,
        why: &StoreError,
    ) -> Result<(Store, String), StoreError> {
        let path = db_path(data_dir);
        let _lock = RepairLock::take(data_dir)?;
        if broken.is_some() && file_id(&path) != broken {
            let store = Store::open_at(&path)?;
            let notice = format!(
                "the database {} was damaged ({why}) and another herald has rebuilt it",
                path.display()
            );
            return Ok((store, notice));
        }
        let aside = aside_name(&path);
        std::fs::rename(&path, &aside).map_err(StoreError::Aside)?;
        // The journal goes with it: it may hold committed changes the file does not.
        for ext in ["-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{ext}", path.display()));
            let to = PathBuf::from(format!("{}{ext}", aside.display()));
            if let Err(e) = std::fs::rename(&from, &to)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return Err(StoreError::Aside(e));
            }
        }
        let mut store = Store::open_at(&path)?;
        let kept = salvage_marks(&aside, &mut store);
        forget_old_asides(data_dir);
        log::warn!(
            "store: {} damaged ({why}); moved to {}, {kept} marks kept",
            path.display(),
            aside.display()
        );
        let kept = match kept {
            0 => String::new(),
            1 => ", keeping 1 read or starred mark".to_string(),
            n => format!(", keeping {n} read or starred marks"),
        };
        let notice = format!(
            "the database {} is damaged ({why}); it was moved to {} and a new one made{kept}. Run `herald refresh` to fetch your feeds again.",
            path.display(),
            aside.display()
        );
        Ok((store, notice))
    }

    /// The identity of the file this store has open.
    pub fn file_id(&self) -> Option<FileId> {
        self.conn.path().and_then(|p| file_id(Path::new(p)))
    }
}

/// Gives a feed's newly arrived items the marks saved from a damaged database.
pub(super) fn give_back_marks(
    tx: &rusqlite::Transaction,
    feed_id: i64,
) -> Result<(), rusqlite::Error> {
    let any: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM salvaged_marks)")?
        .query_row([], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    tx.prepare_cached(
        "UPDATE items SET read = items.read OR m.read, starred = items.starred OR m.starred
         FROM salvaged_marks m, feeds f
         WHERE items.feed_id = ?1 AND f.id = ?1 AND m.feed_url = f.url AND m.key = items.key",
    )?
    .execute([feed_id])?;
    tx.prepare_cached(
        "DELETE FROM salvaged_marks
         WHERE feed_url = (SELECT url FROM feeds WHERE id = ?1)
           AND key IN (SELECT key FROM items WHERE feed_id = ?1)",
    )?
    .execute([feed_id])?;
    Ok(())
}

/// A salvaged mark: the feed's subscribed URL and the item's key, read and starred.
type SalvagedMark = (String, String, bool, bool);

/// Reads what marks it can from the damaged file at `aside` into `store`; returns how many.
fn salvage_marks(aside: &Path, store: &mut Store) -> usize {
    let mut feeds: HashMap<i64, String> = HashMap::new();
    let mut items: Vec<(i64, String, bool, bool)> = Vec::new();
    let mut marks: Vec<SalvagedMark> = Vec::new();
    if let Ok(old) = Connection::open_with_flags(
        aside,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        let _ = old.busy_timeout(BUSY_TIMEOUT);
        // The journal's pages into the file, for the page scan below.
        let _ = old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        feeds.extend(read_by_rowid(
            &old,
            "feeds",
            "SELECT id, url FROM feeds WHERE id BETWEEN ?1 AND ?2",
            |r| Ok((r.get(0)?, r.get(1)?)),
        ));
        items = read_by_rowid(
            &old,
            "items",
            "SELECT feed_id, key, read, starred FROM items
             WHERE id BETWEEN ?1 AND ?2 AND (read OR starred)",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        );
        // Marks an earlier repair saved that no refresh has given back yet.
        marks = read_by_rowid(
            &old,
            "salvaged_marks",
            "SELECT feed_url, key, read, starred FROM salvaged_marks WHERE rowid BETWEEN ?1 AND ?2",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        );
    }
    // Rows the b-trees no longer reach, straight from the pages.
    let scanned = pages::table_rows(aside);
    for (rowid, values) in &scanned {
        match values.as_slice() {
            [
                Value::Null,
                Value::Text(url),
                ..,
                Value::Int(_) | Value::Null,
            ] if values.len() == 8 => {
                feeds.entry(*rowid).or_insert_with(|| url.clone());
            }
            [
                Value::Text(url),
                Value::Text(key),
                Value::Int(read),
                Value::Int(starred),
            ] => {
                marks.push((url.clone(), key.clone(), *read != 0, *starred != 0));
            }
            _ => {}
        }
    }
    items.extend(
        scanned
            .into_iter()
            .filter_map(|(_, values)| match values.get(..16)? {
                [
                    Value::Null,
                    Value::Int(feed),
                    Value::Text(key),
                    ..,
                    Value::Int(read),
                    Value::Int(starred),
                ] if *read != 0 || *starred != 0 => {
                    Some((*feed, key.clone(), *read != 0, *starred != 0))
                }
                _ => None,
            }),
    );
    // One mark an item: set if any copy of it has it set.
    let mut by_item: HashMap<(String, String), (bool, bool)> = HashMap::new();
    let items = items.into_iter().filter_map(|(feed, key, read, starred)| {
        Some((feeds.get(&feed)?.clone(), key, read, starred))
    });
    for (feed_url, key, read, starred) in items.chain(marks) {
        let mark = by_item.entry((feed_url, key)).or_default();
        *mark = (mark.0 || read, mark.1 || starred);
    }
    let saved = (|| -> Result<usize, rusqlite::Error> {
        let tx = store.conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO salvaged_marks (feed_url, key, read, starred) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for ((feed_url, key), (read, starred)) in &by_item {
                insert.execute(params![feed_url, key, read, starred])?;
            }
        }
        tx.commit()?;
        Ok(by_item.len())
    })();
    saved.unwrap_or_else(|e| {
        log::warn!("store: the salvaged marks could not be saved: {e}");
        0
    })
}

/// Every row of `table` that `sql` (with `?1`/`?2` a rowid range) can still read, skipping
/// the ranges that fail.
fn read_by_rowid<T>(
    conn: &Connection,
    table: &str,
    sql: &str,
    row: impl Fn(&rusqlite::Row) -> Result<T, rusqlite::Error> + Copy,
) -> Vec<T> {
    let max: Option<i64> = conn
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
        .ok()
        .flatten();
    let Some(max) = max else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut ranges: Vec<(i64, i64)> = (0..=max / SALVAGE_CHUNK)
        .rev()
        .map(|c| (c * SALVAGE_CHUNK, c * SALVAGE_CHUNK + SALVAGE_CHUNK - 1))
        .collect();
    while let Some((lo, hi)) = ranges.pop() {
        let read = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_map(params![lo, hi], row)?
                .collect::<Result<Vec<T>, _>>()
        });
        match read {
            Ok(rows) => out.extend(rows),
            Err(_) if lo < hi => {
                let mid = lo + (hi - lo) / 2;
                ranges.push((mid + 1, hi));
                ranges.push((lo, mid));
            }
            Err(_) => {}
        }
    }
    out
}

/// Damaged databases kept for a person to look at; older ones are deleted, so that a disk
/// that keeps damaging the file does not fill up with copies of it.
const ASIDES_KEPT: usize = 2;

fn forget_old_asides(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    for name in asides_to_forget(&names, ASIDES_KEPT) {
        match std::fs::remove_file(data_dir.join(&name)) {
            Ok(()) => log::info!("store: deleted the old damaged copy {name}"),
            Err(e) => log::warn!("store: could not delete the old damaged copy {name}: {e}"),
        }
    }
}

/// Of the files in a data directory, those of damaged copies beyond the `keep` newest (each
/// with its journal). The names carry the time they were moved aside, so they sort by it.
fn asides_to_forget(names: &[String], keep: usize) -> Vec<String> {
    const PREFIX: &str = "herald.db.broken-";
    let copy = |name: &str| -> Option<(String, u32)> {
        let stamp = name.strip_prefix(PREFIX)?;
        let stamp = stamp
            .strip_suffix("-wal")
            .or_else(|| stamp.strip_suffix("-shm"))
            .unwrap_or(stamp);
        // `YYYYmmdd-HHMMSS` and, for a second copy within one second, `-N`.
        let (time, rest) = (stamp.get(..15)?, stamp.get(15..)?);
        let mut shape = time.bytes().enumerate();
        if !shape.all(|(i, b)| {
            if i == 8 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }) {
            return None;
        }
        let n = match rest {
            "" => 1,
            _ => rest.strip_prefix('-')?.parse().ok()?,
        };
        Some((time.to_string(), n))
    };
    let mut copies: Vec<(String, u32)> = names.iter().filter_map(|n| copy(n)).collect();
    copies.sort_unstable();
    copies.dedup();
    let old = &copies[..copies.len().saturating_sub(keep)];
    names
        .iter()
        .filter(|n| copy(n).is_some_and(|c| old.contains(&c)))
        .cloned()
        .collect()
}

fn aside_name(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let mut aside = PathBuf::from(format!("{}.broken-{stamp}", path.display()));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = PathBuf::from(format!("{}.broken-{stamp}-{n}", path.display()));
    }
    aside
}

/// One repair at a time among herald processes on one data directory.
struct RepairLock {
    _file: std::fs::File,
}

impl RepairLock {
    fn take(data_dir: &Path) -> Result<RepairLock, StoreError> {
        use std::os::fd::AsRawFd;
        let path = data_dir.join("herald.db.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(StoreError::Aside)?;
        // SAFETY: flock on a descriptor this struct owns; released when the file is closed.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(StoreError::Aside(std::io::Error::last_os_error()));
        }
        Ok(RepairLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::asides_to_forget;

    #[test]
    fn only_the_newest_damaged_copies_are_kept_with_their_journals() {
        let names: Vec<String> = [
            "herald.db",
            "herald.db-wal",
            "herald.db.broken-20261101-100000",
            "herald.db.broken-20261101-100000-wal",
            "herald.db.broken-20261101-100000-shm",
            "herald.db.broken-20261101-100000-2",
            "herald.db.broken-20261101-100000-2-wal",
            "herald.db.broken-20261102-090000",
            "herald.db.broken-20261203-080000",
            "herald.db.broken-20261203-080000-shm",
            "herald.db.broken-notes",
            "herald.db.broken-2026é1101-100000",
            "herald.log",
        ]
        .map(String::from)
        .into();
        let mut gone = asides_to_forget(&names, 2);
        gone.sort();
        assert_eq!(
            gone,
            [
                "herald.db.broken-20261101-100000",
                "herald.db.broken-20261101-100000-2",
                "herald.db.broken-20261101-100000-2-wal",
                "herald.db.broken-20261101-100000-shm",
                "herald.db.broken-20261101-100000-wal",
            ]
        );
        assert!(asides_to_forget(&names[..4], 2).is_empty());
    }
}
