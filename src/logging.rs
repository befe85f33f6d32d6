//! The app's log: a file in the data directory, never the terminal the app draws on.
//! `HERALD_LOG` sets the level (error, warn, info, debug, trace; info by default).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// A log larger than this is started afresh, so it never grows without bound.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

struct FileLog {
    file: Mutex<File>,
    level: log::LevelFilter,
}

impl log::Log for FileLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        // Libraries' chatter (decoders announce every stream) only when it is a problem.
        let level = if metadata.target().starts_with("herald") {
            self.level
        } else {
            self.level.min(log::LevelFilter::Warn)
        };
        metadata.level() <= level
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format!(
            "{} {:<5} {}: {}\n",
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"),
            record.level(),
            record.target(),
            // Messages may quote what feeds and servers said.
            crate::sanitize::line(&record.args().to_string())
        );
        if let Ok(mut file) = self.file.lock() {
            let _ = file.write_all(line.as_bytes());
        }
    }

    fn flush(&self) {
        if let Ok(mut file) = self.file.lock() {
            let _ = file.flush();
        }
    }
}

/// Sends the log to `path` from now on. A log that cannot be opened is not an error worth
/// stopping for: the app runs without one.
pub fn start(path: &Path) {
    let level = std::env::var("HERALD_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(log::LevelFilter::Info);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_BYTES);
    let file = OpenOptions::new()
        .create(true)
        .append(!too_big)
        .write(true)
        .truncate(too_big)
        .open(path);
    let Ok(file) = file else {
        return;
    };
    let logger = FileLog {
        file: Mutex::new(file),
        level,
    };
    // Lives as long as the process, as a logger must.
    if log::set_logger(Box::leak(Box::new(logger))).is_ok() {
        log::set_max_level(level);
    }
}
