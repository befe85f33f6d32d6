//! Which cache entries go when the caches are over their limit: the least recently used first,
//! never a pinned one (in use by this or another herald), and leftovers of interrupted writes
//! once no writer can still be at them. Pure: the entries come from a scan, the choice goes
//! back to the file system.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// One thing the trimmer may remove: a file, or a narration's folder of parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    pub bytes: u64,
    /// When it was last written or used (use touches it).
    pub used: SystemTime,
    /// A file under a temporary name: being written, or left by a writer that was killed.
    pub partial: bool,
}

/// A temporary file not written to for this long was left by a writer that died: writers write
/// without pause until they rename their file into place.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(60 * 60);

/// True when `pin` protects `entry`: the entry itself, something inside it (a part of a
/// narration's folder), or a folder holding it.
pub fn covers(pin: &Path, entry: &Path) -> bool {
    pin.starts_with(entry) || entry.starts_with(pin)
}

/// The indices of `entries` to remove so that the rest fit in `limit` bytes (`None`: no limit),
/// oldest use first. Pinned entries, empty ones (nothing to free: a narration's folder about
/// to be filled) and partial files still being written are never chosen (they count towards
/// the total all the same); abandoned partial files always are. When what may not be removed
/// is over the limit by itself, everything else goes and the total stays over.
pub fn choose(
    entries: &[Entry],
    limit: Option<u64>,
    now: SystemTime,
    pinned: &[PathBuf],
) -> Vec<usize> {
    let abandoned = |e: &Entry| {
        e.partial
            && now
                .duration_since(e.used)
                .is_ok_and(|age| age >= ABANDONED_AFTER)
    };
    let mut chosen: Vec<usize> = (0..entries.len())
        .filter(|&i| abandoned(&entries[i]))
        .collect();
    let Some(limit) = limit else {
        return chosen;
    };
    let mut total: u64 = entries
        .iter()
        .filter(|e| !abandoned(e))
        .map(|e| e.bytes)
        .sum();
    let mut candidates: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            let e = &entries[i];
            // An empty entry frees nothing: it is a narration's folder about to be filled.
            !e.partial && e.bytes > 0 && !pinned.iter().any(|p| covers(p, &e.path))
        })
        .collect();
    candidates.sort_by(|&a, &b| {
        (entries[a].used, &entries[a].path).cmp(&(entries[b].used, &entries[b].path))
    });
    for i in candidates {
        if total <= limit {
            break;
        }
        total -= entries[i].bytes;
        chosen.push(i);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1 << 20;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn entry(path: &str, mb: u64, used: u64) -> Entry {
        Entry {
            path: PathBuf::from(path),
            bytes: mb * MB,
            used: at(used),
            partial: false,
        }
    }

    fn paths(entries: &[Entry], chosen: &[usize]) -> Vec<String> {
        chosen
            .iter()
            .map(|&i| entries[i].path.display().to_string())
            .collect()
    }

    #[test]
    fn the_least_recently_used_go_first_until_the_rest_fit() {
        let entries = [
            entry("/c/images/b", 2, 30),
            entry("/c/speech/a", 3, 10),
            entry("/c/audio/c", 2, 20),
            entry("/c/images/d", 1, 40),
        ];
        // 8 MB in all: the oldest (3 MB) is not enough for 4 MB, the next one (2 MB) is.
        let chosen = choose(&entries, Some(4 * MB), at(100), &[]);
        assert_eq!(paths(&entries, &chosen), ["/c/speech/a", "/c/audio/c"]);
        let chosen = choose(&entries, Some(2 * MB), at(100), &[]);
        assert_eq!(
            paths(&entries, &chosen),
            ["/c/speech/a", "/c/audio/c", "/c/images/b"]
        );
        // Within the limit: nothing.
        assert!(choose(&entries, Some(8 * MB), at(100), &[]).is_empty());
        // No limit at all: nothing either.
        assert!(choose(&entries, None, at(100), &[]).is_empty());
    }

    #[test]
    fn pinned_entries_are_never_chosen_however_old() {
        let entries = [
            entry("/c/speech/playing", 3, 0),
            entry("/c/images/on-screen", 1, 1),
            entry("/c/audio/old", 1, 2),
            entry("/c/images/new", 1, 50),
        ];
        // A part of the narration's folder pins the folder; a file pins itself.
        let pins = [
            PathBuf::from("/c/speech/playing/4.wav"),
            PathBuf::from("/c/images/on-screen"),
        ];
        let mut entries = entries.to_vec();
        // A narration's folder just made, not yet holding a part.
        entries.push(entry("/c/speech/starting", 0, 60));
        let chosen = choose(&entries, Some(MB), at(100), &pins);
        assert_eq!(paths(&entries, &chosen), ["/c/audio/old", "/c/images/new"]);
        // Pins alone over the limit: all the rest goes, the pinned stay.
        for i in chosen {
            assert!(!pins.iter().any(|p| covers(p, &entries[i].path)));
        }
    }

    #[test]
    fn a_folder_pin_covers_what_is_inside_it() {
        assert!(covers(
            Path::new("/c/speech"),
            Path::new("/c/speech/ab/1.wav")
        ));
        assert!(covers(
            Path::new("/c/speech/ab/1.wav"),
            Path::new("/c/speech/ab")
        ));
        // Components, not text: `ab` does not cover `abc`.
        assert!(!covers(
            Path::new("/c/speech/ab"),
            Path::new("/c/speech/abc")
        ));
    }

    #[test]
    fn partial_files_are_kept_while_written_and_removed_once_abandoned() {
        let now = at(10_000);
        let writing = Entry {
            partial: true,
            used: now - Duration::from_secs(5),
            ..entry("/c/audio/.x.mp3.12.part", 4, 0)
        };
        let abandoned = Entry {
            partial: true,
            used: now - ABANDONED_AFTER - Duration::from_secs(1),
            ..entry("/c/speech/ab/.tmp-9-1.wav", 1, 0)
        };
        let entries = [writing, abandoned, entry("/c/images/a", 1, 9_000)];
        // Without a limit the abandoned file still goes; the one being written never does,
        // but it counts: 4 MB of it leave no room for the picture under 4 MB.
        assert_eq!(
            paths(&entries, &choose(&entries, None, now, &[])),
            ["/c/speech/ab/.tmp-9-1.wav"]
        );
        assert_eq!(
            paths(&entries, &choose(&entries, Some(4 * MB), now, &[])),
            ["/c/speech/ab/.tmp-9-1.wav", "/c/images/a"]
        );
    }

    #[test]
    fn the_newest_entries_are_the_ones_kept() {
        let entries: Vec<Entry> = (0..20)
            .map(|n| entry(&format!("/c/images/{n:02}"), 1, n))
            .collect();
        let chosen = choose(&entries, Some(5 * MB), at(100), &[]);
        let mut kept: Vec<usize> = (0..20).filter(|i| !chosen.contains(i)).collect();
        kept.sort();
        assert_eq!(kept, [15, 16, 17, 18, 19]);
    }

    #[test]
    fn equal_times_are_broken_by_path_so_every_process_chooses_alike() {
        let entries = [entry("/c/images/b", 1, 5), entry("/c/images/a", 1, 5)];
        let chosen = choose(&entries, Some(MB), at(100), &[]);
        assert_eq!(paths(&entries, &chosen), ["/c/images/a"]);
    }
}
