//! The context every command and the app work in, and the error they stop on.

use crate::config::{Config, ConfigError, Paths};
use crate::net::{Net, NetError};
use crate::store::{FileId, Store, StoreError, is_corrupt};

/// Exit statuses: 0 success, 1 failure, 2 configuration or usage error.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_CONFIG: i32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
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

impl AppError {
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Config(_) => EXIT_CONFIG,
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
    /// Set while the app owns the terminal: notices go to the log, never to stderr, which
    /// would write over the screen.
    in_app: std::sync::atomic::AtomicBool,
}

/// With a sync server, its subscriptions (as last synced) are feeds as those of the config are:
/// named by their titles there, tagged by its labels. A feed in both keeps the config's name.
fn add_server_feeds(config: &mut Config, paths: &Paths) {
    let feeds = match Store::open(&paths.data).and_then(|(store, _)| store.synced_feeds()) {
        Ok(feeds) => feeds,
        Err(e) => {
            log::warn!("the sync server's feeds could not be read: {e}");
            return;
        }
    };
    for f in feeds {
        if config.feeds.iter().any(|c| c.url == f.url) {
            continue;
        }
        config.feeds.push(crate::config::FeedConfig {
            url: f.url,
            name: f.title,
            tags: f.labels,
            site: f.html_url,
        });
    }
}

impl Context {
    pub fn load(paths: Paths) -> Result<Context, AppError> {
        let mut config = Config::load(&paths.config, paths.config_given)?;
        // A first run, with no config file anywhere: the bundled demo edition and public feeds.
        if !paths.config_given && !paths.config.exists() && config.feeds.is_empty() {
            config.feeds = crate::demo::feeds(&paths.data)?;
        }
        if config.sync.is_some() {
            add_server_feeds(&mut config, &paths);
        }
        let net = Net::new(&config.network)?;
        Ok(Context {
            paths,
            config,
            net,
            opened: std::sync::Mutex::new(None),
            in_app: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// A mistake in the config file's values, named with the file it is in.
    pub fn config_error(&self, e: impl std::fmt::Display) -> AppError {
        AppError::Config(ConfigError::Value(format!(
            "{}: {e}",
            self.paths.config.display()
        )))
    }

    /// From now on the app owns the terminal: what [`Context::store`] would say on stderr goes
    /// to the log.
    pub fn enter_app(&self) {
        self.in_app
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Opens the store, telling the user on stderr when a broken database was rebuilt (in the
    /// app, the log).
    pub fn store(&self) -> Result<Store, AppError> {
        let (store, notice) = Store::open(&self.paths.data)?;
        if let Some(notice) = notice {
            if self.in_app.load(std::sync::atomic::Ordering::Relaxed) {
                log::warn!("{notice}");
            } else {
                crate::say!("herald: {}", crate::sanitize::text(&notice));
            }
        }
        if let Ok(mut opened) = self.opened.lock() {
            *opened = store.file_id();
        }
        Ok(store)
    }

    /// Moves the damaged database aside and makes a new one, telling the user on stderr.
    /// Returns false when `error` is not damage, which a new database would not mend.
    pub fn repair(&self, error: &AppError) -> Result<bool, AppError> {
        let AppError::Store(e) = error else {
            return Ok(false);
        };
        if !is_corrupt(e) {
            return Ok(false);
        }
        let broken = self.opened.lock().ok().and_then(|o| *o);
        let (store, notice) = Store::rebuild(&self.paths.data, broken, e)?;
        crate::say!("herald: {}", crate::sanitize::text(&notice));
        if let Ok(mut opened) = self.opened.lock() {
            *opened = store.file_id();
        }
        Ok(true)
    }

    pub fn subscribed_urls(&self) -> Vec<String> {
        self.config.feeds.iter().map(|f| f.url.clone()).collect()
    }

    /// The name given to the feed subscribed at `url` in the config, if any.
    pub fn feed_name(&self, url: &str) -> Option<&str> {
        self.config
            .feeds
            .iter()
            .find(|f| f.url == url)
            .and_then(|f| f.name.as_deref())
    }

    /// A feed named on the command line, as the store's filter takes it: a name given in the
    /// config stands for its URL; anything else is matched by the store (URL or title).
    pub fn feed_filter(&self, name: &str) -> String {
        self.config
            .feeds
            .iter()
            .find(|f| {
                f.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map_or_else(|| name.to_string(), |f| f.url.clone())
    }
}
