//! `cache`: the size of each cache and of the database; `--trim` trims them now.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{Out, write_json};
use crate::reader::{AppError, Context, EXIT_OK};

/// What `cache --json` prints; sizes in bytes.
#[derive(Debug, Serialize)]
struct CacheReport {
    audio: u64,
    speech: u64,
    images: u64,
    /// The three caches together.
    caches: u64,
    /// `[cache] max_mb` in bytes; `null` for no limit.
    limit: Option<u64>,
    /// The database file and its write-ahead log.
    database: u64,
    /// What `--trim` removed; `null` without it.
    trimmed: Option<Trimmed>,
}

#[derive(Debug, Serialize)]
struct Trimmed {
    /// Files and narrations' folders removed from the caches, and their bytes.
    cache_entries: usize,
    cache_bytes: u64,
    /// Items of feeds no longer in the config.
    unsubscribed_items: usize,
    /// Read items past `[retention]`.
    expired_items: usize,
}

pub fn cache<W: Write>(
    ctx: &Context,
    trim: bool,
    json: bool,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let limit = ctx.config.cache.limit_bytes();
    let trimmed = if trim {
        Some(trim_now(ctx, limit)?)
    } else {
        None
    };
    let sizes = crate::cache::sizes(&ctx.paths.cache);
    let report = CacheReport {
        audio: sizes.audio,
        speech: sizes.speech,
        images: sizes.images,
        caches: sizes.total(),
        limit,
        database: database_bytes(&ctx.paths.database()),
        trimmed,
    };
    if json {
        write_json(out, &report)?;
        return Ok(EXIT_OK);
    }
    if let Some(t) = &report.trimmed {
        out.line(&format!(
            "trimmed {} cache entries ({}); deleted {} items of feeds no longer subscribed and {} old read items",
            t.cache_entries,
            bytes(t.cache_bytes),
            t.unsubscribed_items,
            t.expired_items
        ))?;
    }
    out.line(&format!("audio     {:>10}", bytes(report.audio)))?;
    out.line(&format!("speech    {:>10}", bytes(report.speech)))?;
    out.line(&format!("images    {:>10}", bytes(report.images)))?;
    let of = match limit {
        Some(l) => format!(" of {} ([cache] max_mb)", bytes(l)),
        None => " (no limit)".to_string(),
    };
    out.line(&format!("caches    {:>10}{of}", bytes(report.caches)))?;
    out.line(&format!("database  {:>10}", bytes(report.database)))?;
    Ok(EXIT_OK)
}

/// The caches to their limit, then the store: items of feeds no longer subscribed, read items
/// past `[retention]`, and the space they took.
fn trim_now(ctx: &Context, limit: Option<u64>) -> Result<Trimmed, AppError> {
    let caches = crate::cache::trim(&ctx.paths.cache, limit, &[]).map_err(|e| {
        AppError::Failed(format!(
            "could not trim the caches in {}: {e}",
            ctx.paths.cache.display()
        ))
    })?;
    let mut store = ctx.store()?;
    let unsubscribed_items = store.delete_unsubscribed(&ctx.subscribed_urls())?;
    let expired_items =
        store.expire_items(&ctx.config.retention, chrono::Utc::now().timestamp())?;
    store.compact()?;
    Ok(Trimmed {
        cache_entries: caches.removed,
        cache_bytes: caches.bytes,
        unsubscribed_items,
        expired_items,
    })
}

/// The database file and its write-ahead log; 0 when there is none yet.
fn database_bytes(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    [db, Path::new(&wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// `512 B`, `3.4 KB`, `12.0 MB`, `1.5 GB` (of 1024).
fn bytes(n: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_the_largest_unit_under_1024() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.0 KB");
        assert_eq!(bytes(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(bytes(1536 * 1024 * 1024), "1.5 GB");
        assert_eq!(bytes(3 << 40), "3072.0 GB");
    }
}
