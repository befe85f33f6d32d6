//! The CLI's subcommands, as library functions that write to any output: `main.rs` only parses
//! arguments and calls these.

mod cache;
mod feeds;
mod listen;
mod reading;
mod search;

pub use cache::cache;
pub use feeds::{HeadlinesArgs, export, headlines, import, refresh};
pub use listen::{ListenArgs, listen, parse_time, recording_length};
pub use reading::{
    comments, display_date, fetch_article, fetch_comments, more_replies, read, saved_article,
    saved_comments,
};
pub use search::{SearchArgs, parse_since, search};

use std::io::Write;

use crate::config::{Config, ConfigError, Paths};
use crate::net::{Net, NetError};
use crate::store::{FileId, Store, StoreError, is_corrupt};

/// Exit statuses: 0 success, 1 failure, 2 configuration or usage error.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_CONFIG: i32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Net(#[from] NetError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Failed(String),
}

impl CommandError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CommandError::Config(_) => EXIT_CONFIG,
            _ => EXIT_FAILURE,
        }
    }
}

/// What every command needs: where things are, the settings, and the one HTTP client.
pub struct Context {
    pub paths: Paths,
    pub config: Config,
    pub net: Net,
    /// The database file last opened, to know it again when it turns out damaged.
    opened: std::sync::Mutex<Option<FileId>>,
}

impl Context {
    pub fn load(paths: Paths) -> Result<Context, CommandError> {
        let mut config = Config::load(&paths.config, paths.config_given)?;
        // A first run, with no config file anywhere: the bundled demo edition and public feeds.
        if !paths.config_given && !paths.config.exists() && config.feeds.is_empty() {
            config.feeds = crate::demo::feeds(&paths.data)?;
        }
        let net = Net::new(&config.network)?;
        Ok(Context {
            paths,
            config,
            net,
            opened: std::sync::Mutex::new(None),
        })
    }

    /// Opens the store, telling the user on stderr when a broken database was rebuilt.
    pub fn store(&self) -> Result<Store, CommandError> {
        let (store, notice) = Store::open(&self.paths.data)?;
        if let Some(notice) = notice {
            eprintln!("herald: {}", crate::sanitize::text(&notice));
        }
        if let Ok(mut opened) = self.opened.lock() {
            *opened = store.file_id();
        }
        Ok(store)
    }

    /// Moves the damaged database aside and makes a new one, telling the user on stderr.
    /// Returns false when `error` is not damage, which a new database would not mend.
    pub fn repair(&self, error: &CommandError) -> Result<bool, CommandError> {
        let CommandError::Store(e) = error else {
            return Ok(false);
        };
        if !is_corrupt(e) {
            return Ok(false);
        }
        let broken = self.opened.lock().ok().and_then(|o| *o);
        let (store, notice) = Store::rebuild(&self.paths.data, broken, e)?;
        eprintln!("herald: {}", crate::sanitize::text(&notice));
        if let Ok(mut opened) = self.opened.lock() {
            *opened = store.file_id();
        }
        Ok(true)
    }

    pub fn subscribed_urls(&self) -> Vec<String> {
        self.config.feeds.iter().map(|f| f.url.clone()).collect()
    }
}

/// Output that passes everything through the sanitizer on its way to the terminal, so no
/// untrusted byte reaches it whatever path it took.
pub struct Out<W: Write> {
    inner: W,
}

impl<W: Write> Out<W> {
    pub fn new(inner: W) -> Self {
        Out { inner }
    }

    pub fn line(&mut self, s: &str) -> std::io::Result<()> {
        self.inner.write_all(crate::sanitize::text(s).as_bytes())?;
        self.inner.write_all(b"\n")
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a value as pretty JSON (serde escapes control characters, so it is safe as is).
pub fn write_json<W: Write, T: serde::Serialize>(
    out: &mut Out<W>,
    value: &T,
) -> Result<(), CommandError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CommandError::Failed(e.to_string()))?;
    out.line(&text)?;
    Ok(())
}
