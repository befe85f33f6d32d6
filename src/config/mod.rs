//! `config.toml`: subscriptions and settings, and where herald keeps its files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod keys;
pub mod theme;

use crate::narration::NarrationConfig;
use crate::net::NetConfig;

/// One subscription: a feed URL, a site's home page (autodiscovery) or a local file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    pub url: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The site's home page, when `url` is its feed: what export writes as OPML's `htmlUrl`
    /// (import sets it from there).
    #[serde(default)]
    pub site: Option<String>,
}

impl FeedConfig {
    /// What to call the feed before its own title is known.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.url)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RefreshConfig {
    /// Feeds fetched at once, over all hosts. Only this machine feels it (sockets, memory):
    /// servers feel `per_host`, so it is high enough that a reader's feeds on many hosts are
    /// fetched in one wave.
    pub concurrency: usize,
    /// Feeds fetched at once from one host.
    pub per_host: usize,
    /// The app refreshes this often while it is open (`"30m"`, `"1h"`, `"1h30m"`); absent
    /// or `"off"`: only when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<Every>,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        RefreshConfig {
            concurrency: 128,
            per_host: 4,
            every: None,
        }
    }
}

impl RefreshConfig {
    /// How often the app refreshes on its own, if it does.
    pub fn period(&self) -> Option<std::time::Duration> {
        self.every.as_ref().and_then(|e| e.0)
    }
}

/// `[refresh] every`: a period as written (`"45m"`, `"2h"`, `"1h30m"`, `"off"`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct Every(Option<std::time::Duration>);

/// Feeds are not fetched on a timer more often than this: their servers would feel it.
pub const SHORTEST_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl TryFrom<String> for Every {
    type Error = String;

    fn try_from(text: String) -> Result<Every, String> {
        let written = text.trim();
        if written.eq_ignore_ascii_case("off") {
            return Ok(Every(None));
        }
        let wrong = || {
            format!(
                "[refresh] every = \"{written}\" is not a period; write minutes or hours \
                 such as \"30m\", \"2h\" or \"1h30m\", or \"off\""
            )
        };
        let mut secs: u64 = 0;
        let mut number = String::new();
        for c in written.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                _ => return Err(wrong()),
            };
            let n: u64 = number.parse().map_err(|_| wrong())?;
            secs = secs.saturating_add(n.saturating_mul(unit));
            number.clear();
        }
        if !number.is_empty() || written.is_empty() {
            return Err(wrong());
        }
        let period = std::time::Duration::from_secs(secs);
        if period < SHORTEST_EVERY {
            return Err(format!(
                "[refresh] every = \"{written}\" is too often; feeds are refreshed at most once \
                 a minute (\"1m\")"
            ));
        }
        Ok(Every(Some(period)))
    }
}

impl From<Every> for String {
    fn from(every: Every) -> String {
        match every.0 {
            None => "off".to_string(),
            Some(d) if d.as_secs() % 3600 == 0 => format!("{}h", d.as_secs() / 3600),
            Some(d) if d.as_secs() % 60 == 0 => format!("{}m", d.as_secs() / 60),
            Some(d) => format!("{}s", d.as_secs()),
        }
    }
}

/// `[reading]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadingConfig {
    /// Opening a headline marks it read.
    pub mark_on_open: bool,
}

impl Default for ReadingConfig {
    fn default() -> Self {
        ReadingConfig { mark_on_open: true }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub feeds: Vec<FeedConfig>,
    pub network: NetConfig,
    pub refresh: RefreshConfig,
    /// Synthesized narration, for articles without a recording of their own.
    #[serde(default)]
    pub narration: NarrationConfig,
    /// Keys of the app: an action's name and its keys (the app checks the names).
    pub keys: keys::KeysConfig,
    /// Colours of the app: a part's name and its colours (the app checks them).
    pub theme: theme::ThemeConfig,
    /// Where the discussion sites' APIs live (`[sources.hackernews]`, `.reddit`, `.lobsters`).
    pub sources: crate::sites::SourcesConfig,
    /// How articles are shown.
    pub display: DisplayConfig,
    /// How much disk the caches of recordings, speech and pictures may take.
    pub cache: CacheConfig,
    /// How long read items are kept.
    pub retention: RetentionConfig,
    /// The listening queue and what listening marks.
    pub listen: ListenConfig,
    /// What reading marks.
    pub reading: ReadingConfig,
    /// A server to sync subscriptions, items and marks with; none unless set.
    pub sync: Option<SyncConfig>,
}

/// `[sync]`: a server speaking the Google Reader API (FreshRSS, Miniflux, Inoreader...).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// The protocol; only `"greader"` for now.
    #[serde(default = "SyncConfig::default_api")]
    pub api: String,
    /// The API's base, e.g. `https://rss.example.org/api/greader.php`.
    pub url: String,
    pub user: String,
    /// A command whose first line of output is the password (a password manager's).
    #[serde(default)]
    pub password_command: Option<String>,
    /// The environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// The password in clear: accepted, with a warning.
    #[serde(default)]
    pub password: Option<String>,
}

impl SyncConfig {
    fn default_api() -> String {
        "greader".to_string()
    }
}

/// `[listen]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenConfig {
    /// Each item of the queue is introduced by its feed's name and its title, spoken.
    pub announce: bool,
    /// An article heard past 90 % (or to its end) is marked read as well as listened.
    pub mark_read: bool,
}

impl Default for ListenConfig {
    fn default() -> Self {
        ListenConfig {
            announce: true,
            mark_read: true,
        }
    }
}

/// `[cache]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Megabytes (MiB) the audio, speech and image caches may take together; 0: no limit.
    pub max_mb: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig { max_mb: 500 }
    }
}

impl CacheConfig {
    /// The limit in bytes; `None` when there is none.
    pub fn limit_bytes(&self) -> Option<u64> {
        (self.max_mb > 0).then(|| self.max_mb.saturating_mul(1024 * 1024))
    }
}

/// `[retention]`. Unread and starred items are always kept.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Read items dated more than this many days ago are deleted; 0: kept forever.
    pub keep_days: u32,
    /// Read items of a feed beyond its newest this many are deleted; 0: no limit.
    pub max_items: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            keep_days: 90,
            max_items: 0,
        }
    }
}

/// `[display]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DisplayConfig {
    pub images: ImagesMode,
}

/// How an article's pictures are drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImagesMode {
    /// The terminal's own graphics (kitty, sixel, iTerm2) when it answers that it has one,
    /// else half-block characters.
    #[default]
    Auto,
    /// Half-block characters, whatever the terminal.
    Halfblocks,
    /// No pictures: their alt text instead.
    Off,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {err}")]
    Read { path: String, err: std::io::Error },
    #[error("{path}:{line}:{column}: {message}\n  {hint}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
        hint: String,
    },
    #[error("{0}")]
    Value(String),
}

impl Config {
    /// Reads `path`. A missing file at the default location is an empty config; a missing file
    /// named on the command line is an error.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default());
            }
            Err(err) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    err,
                });
            }
        };
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses config text; `path` only names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            let message = e.message().trim().to_string();
            let hint = if message.contains("unknown field") {
                "remove or rename that key; config.example.toml lists every option".to_string()
            } else if message.contains("missing field") {
                "add the missing key; every [[feeds]] entry needs a url".to_string()
            } else {
                "fix that line; config.example.toml shows the expected form".to_string()
            };
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                column,
                message,
                hint,
            }
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &str) -> Result<(), ConfigError> {
        if self.refresh.concurrency == 0 || self.refresh.per_host == 0 {
            return Err(ConfigError::Value(format!(
                "{path}: [refresh] concurrency and per_host must be at least 1"
            )));
        }
        self.narration
            .validate()
            .map_err(|e| ConfigError::Value(format!("{path}: {e}")))?;
        if let Some(f) = self.feeds.iter().find(|f| {
            f.url.trim().starts_with("hn:")
                && crate::sites::listing(&f.url, &self.sources).is_none()
        }) {
            return Err(ConfigError::Value(format!(
                "{path}: no Hacker News list is called \"{}\"; use hn:top, hn:new, hn:best, hn:ask or hn:show",
                f.url.trim()
            )));
        }
        if let Some(sync) = &self.sync {
            if sync.api != "greader" {
                return Err(ConfigError::Value(format!(
                    "{path}: [sync] api = \"{}\" is not known; herald speaks \"greader\" (the Google Reader API of FreshRSS, Miniflux, Inoreader and others)",
                    sync.api
                )));
            }
            if url::Url::parse(&sync.url).is_err() {
                return Err(ConfigError::Value(format!(
                    "{path}: [sync] url = \"{}\" is not a URL; give the API's address, e.g. https://rss.example.org/api/greader.php",
                    sync.url
                )));
            }
            let given = [
                sync.password_command.is_some(),
                sync.password_env.is_some(),
                sync.password.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err(ConfigError::Value(format!(
                    "{path}: [sync] needs one of password_command (a command printing the password), password_env (a variable holding it) or password"
                )));
            }
        }
        if let Some(f) = self.feeds.iter().find(|f| f.url.trim().is_empty()) {
            return Err(ConfigError::Value(format!(
                "{path}: a [[feeds]] entry{} has an empty url; give it the feed's address",
                f.name
                    .as_deref()
                    .map(|n| format!(" (name = \"{n}\")"))
                    .unwrap_or_default()
            )));
        }
        Ok(())
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where herald reads its config and keeps its database and caches.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    /// True when the config file was named on the command line.
    pub config_given: bool,
    pub data: PathBuf,
    pub cache: PathBuf,
}

impl Paths {
    /// The defaults of the platform (XDG on Linux), overridden by `--config` and `--data-dir`.
    pub fn resolve(config: Option<PathBuf>, data_dir: Option<PathBuf>) -> Paths {
        let dirs = directories::ProjectDirs::from("", "", "herald");
        let config_given = config.is_some();
        let config = config.unwrap_or_else(|| match &dirs {
            Some(d) => d.config_dir().join("config.toml"),
            None => PathBuf::from("herald.toml"),
        });
        let (data, cache) = match data_dir {
            Some(d) => (d.clone(), d.join("cache")),
            None => match &dirs {
                Some(d) => (d.data_dir().to_path_buf(), d.cache_dir().to_path_buf()),
                None => (PathBuf::from(".herald"), PathBuf::from(".herald/cache")),
            },
        };
        Paths {
            config,
            config_given,
            data,
            cache,
        }
    }

    pub fn database(&self) -> PathBuf {
        self.data.join("herald.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_feeds_and_defaults() {
        let c = Config::parse(
            "[[feeds]]\nurl = \"https://a.example/feed\"\nname = \"A\"\ntags = [\"x\"]\n\n[refresh]\nper_host = 2\n",
            "t.toml",
        )
        .expect("valid config");
        assert_eq!(c.feeds.len(), 1);
        assert_eq!(c.refresh.per_host, 2);
        assert_eq!(c.refresh.concurrency, 128);
        assert_eq!(c.network.timeout_secs, 30.0);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Config::parse("[[feeds]]\nurl = \"a\"\nnmae = \"typo\"\n", "c.toml")
            .expect_err("unknown key");
        let s = e.to_string();
        assert!(s.starts_with("c.toml:3:"), "{s}");
        assert!(s.contains("nmae"), "{s}");
    }

    #[test]
    fn example_config_is_valid() {
        let text = include_str!("../../config.example.toml");
        let c = Config::parse(text, "config.example.toml").expect("example parses");
        assert_eq!(c.narration, NarrationConfig::default());
    }

    #[test]
    fn sources_table() {
        let c = Config::parse(
            "[[feeds]]\nurl = \"hn:top\"\n\n[sources.hackernews]\nfirebase = \"http://127.0.0.1:1/v0\"\nalgolia = \"\"\n\n[sources.lobsters]\nbase = \"http://127.0.0.1:2\"\n",
            "s.toml",
        )
        .expect("valid sources");
        assert_eq!(c.sources.hackernews.firebase, "http://127.0.0.1:1/v0");
        assert_eq!(c.sources.hackernews.algolia(), None);
        assert_eq!(c.sources.reddit.base, "https://www.reddit.com");
        assert_eq!(c.sources.lobsters.base, "http://127.0.0.1:2");
        let e = Config::parse("[sources.hackernews]\nalgolai = \"x\"\n", "s.toml")
            .expect_err("unknown key");
        assert!(e.to_string().starts_with("s.toml:2:"), "{e}");
        let e =
            Config::parse("[[feeds]]\nurl = \"hn:jobs\"\n", "s.toml").expect_err("no such list");
        assert!(e.to_string().contains("hn:top"), "{e}");
    }

    #[test]
    fn limits_tables() {
        let c = Config::parse("", "l.toml").expect("empty config");
        assert_eq!(c.cache.limit_bytes(), Some(500 * 1024 * 1024));
        assert_eq!((c.retention.keep_days, c.retention.max_items), (90, 0));
        let c = Config::parse(
            "[cache]\nmax_mb = 0\n\n[retention]\nkeep_days = 7\nmax_items = 200\n",
            "l.toml",
        )
        .expect("valid limits");
        assert_eq!(c.cache.limit_bytes(), None);
        assert_eq!((c.retention.keep_days, c.retention.max_items), (7, 200));
        let e = Config::parse("[retention]\nkeep = 7\n", "l.toml").expect_err("unknown key");
        assert!(e.to_string().starts_with("l.toml:2:"), "{e}");
        let e = Config::parse("[cache]\nmax_mb = -1\n", "l.toml").expect_err("negative");
        assert!(e.to_string().starts_with("l.toml:2:"), "{e}");
    }

    #[test]
    fn refresh_every_and_reading_tables() {
        let c = Config::parse("", "r.toml").expect("empty config");
        assert_eq!(c.refresh.period(), None);
        assert!(c.reading.mark_on_open);
        let minutes = |text: &str| {
            Config::parse(&format!("[refresh]\nevery = \"{text}\"\n"), "r.toml")
                .map(|c| c.refresh.period().map(|d| d.as_secs() / 60))
        };
        assert_eq!(minutes("30m").expect("valid"), Some(30));
        assert_eq!(minutes("2h").expect("valid"), Some(120));
        assert_eq!(minutes("1h30m").expect("valid"), Some(90));
        assert_eq!(minutes("off").expect("valid"), None);
        for wrong in ["30", "half an hour", "", "m", "30x"] {
            let e = minutes(wrong).expect_err(wrong).to_string();
            assert!(e.contains("is not a period"), "{wrong}: {e}");
            assert!(e.starts_with("r.toml:2:"), "{wrong}: {e}");
        }
        let e = minutes("10s").expect_err("too often").to_string();
        assert!(e.contains("at most once a minute"), "{e}");
        let c = Config::parse("[reading]\nmark_on_open = false\n", "r.toml").expect("valid");
        assert!(!c.reading.mark_on_open);
    }

    #[test]
    fn narration_table() {
        let c = Config::parse(
            "[narration]\nengine = \"command\"\nvoice = \"amy\"\nrate = 200\ncommand = [\"piper\", \"--output_file\", \"{out}\"]\n",
            "n.toml",
        )
        .expect("valid narration");
        assert_eq!(c.narration.engine, Some(crate::narration::Engine::Command));
        assert_eq!(
            (
                c.narration.voice_for(crate::narration::Engine::Command),
                c.narration.rate
            ),
            ("amy", 200)
        );
        assert_eq!(c.narration.command.len(), 3);
        let e = Config::parse("[narration]\nengine = \"command\"\n", "n.toml")
            .expect_err("command engine without a command");
        assert!(e.to_string().contains("[narration]"), "{e}");
        let e = Config::parse("[narration]\nspeed = 2\n", "n.toml").expect_err("unknown key");
        assert!(e.to_string().starts_with("n.toml:2:"), "{e}");
    }
}
