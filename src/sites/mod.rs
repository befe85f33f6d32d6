//! Discussion sites read through their public JSON APIs instead of feeds: Hacker News, Reddit
//! and Lobsters. A subscription's URL may name one of their listings ([`listing`]), and a link
//! to one of their discussions ([`discussion`]) is read through the site's API, wherever it
//! comes from: the command line, a headline, or a feed item's `<comments>`.

pub mod hackernews;
pub mod lobsters;
pub mod reddit;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::failure::{Failure, FailureKind};
use crate::model::CommentThread;
use crate::net::Net;
use crate::source::feed::FeedItem;

/// `config.toml`'s `[sources]` table: where each site's API lives (tests point them at local
/// servers).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourcesConfig {
    pub hackernews: HackerNewsConfig,
    pub reddit: RedditConfig,
    pub lobsters: LobstersConfig,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HackerNewsConfig {
    /// The official API: lists of stories and one item per request.
    pub firebase: String,
    /// The search API, which returns a whole comment tree in one request; `""` turns it off.
    pub algolia: Option<String>,
}

impl Default for HackerNewsConfig {
    fn default() -> Self {
        HackerNewsConfig {
            firebase: "https://hacker-news.firebaseio.com/v0".into(),
            algolia: Some("https://hn.algolia.com/api/v1".into()),
        }
    }
}

impl HackerNewsConfig {
    /// The Algolia base, unless turned off.
    pub fn algolia(&self) -> Option<&str> {
        self.algolia
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedditConfig {
    pub base: String,
}

impl Default for RedditConfig {
    fn default() -> Self {
        RedditConfig {
            base: "https://www.reddit.com".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LobstersConfig {
    pub base: String,
}

impl Default for LobstersConfig {
    fn default() -> Self {
        LobstersConfig {
            base: "https://lobste.rs".into(),
        }
    }
}

/// One of Hacker News's story lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HnList {
    Top,
    New,
    Best,
    Ask,
    Show,
}

impl HnList {
    /// The name in `hn:<name>`.
    pub fn name(self) -> &'static str {
        match self {
            HnList::Top => "top",
            HnList::New => "new",
            HnList::Best => "best",
            HnList::Ask => "ask",
            HnList::Show => "show",
        }
    }

    fn from_name(name: &str) -> Option<HnList> {
        [
            HnList::Top,
            HnList::New,
            HnList::Best,
            HnList::Ask,
            HnList::Show,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }
}

/// One of Lobsters's story lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LobstersListing {
    Hottest,
    Newest,
    Tag(String),
}

/// A subscription read through a site's API rather than as a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    HackerNews(HnList),
    Reddit { subreddit: String },
    Lobsters(LobstersListing),
}

impl Listing {
    /// The feed's title, until the user names it.
    pub fn title(&self) -> String {
        match self {
            Listing::HackerNews(list) => format!("Hacker News: {}", list.name()),
            Listing::Reddit { subreddit } => format!("r/{subreddit}"),
            Listing::Lobsters(LobstersListing::Hottest) => "Lobsters".into(),
            Listing::Lobsters(LobstersListing::Newest) => "Lobsters: newest".into(),
            Listing::Lobsters(LobstersListing::Tag(tag)) => format!("Lobsters: {tag}"),
        }
    }
}

/// A discussion on one of the sites, as its API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discussion {
    HackerNews(u64),
    /// The post's path, `/r/<sub>/comments/<id>/<slug>/`.
    Reddit {
        permalink: String,
    },
    Lobsters {
        short_id: String,
    },
}

impl Discussion {
    /// Whether [`story`] reads this site's posts; the others' links are read as web pages.
    pub fn has_story(&self) -> bool {
        matches!(self, Discussion::HackerNews(_))
    }
}

/// A discussion's own post: what `read` shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub title: String,
    /// The article the post links to; `None` for a text post (Ask HN).
    pub link: Option<String>,
    /// The post's own text, HTML.
    pub text_html: Option<String>,
    pub author: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
}

const HN_SITE: &str = "news.ycombinator.com";
const REDDIT_HOSTS: &[&str] = &["reddit.com", "www.reddit.com", "old.reddit.com"];
const LOBSTERS_HOSTS: &[&str] = &["lobste.rs", "www.lobste.rs"];

/// The listing a subscription's `url` names, if it is one: `hn:top` (`new`, `best`, `ask`,
/// `show`), a subreddit (`https://www.reddit.com/r/rust`), or Lobsters's front page,
/// `/newest` or `/t/<tag>`. Feeds on those sites (`.rss`) stay feeds.
pub fn listing(url: &str, config: &SourcesConfig) -> Option<Listing> {
    let url = url.trim();
    if let Some(name) = url.strip_prefix("hn:") {
        return HnList::from_name(&name.to_ascii_lowercase()).map(Listing::HackerNews);
    }
    let parsed = Url::parse(url).ok()?;
    if let Some(path) = site_path(&parsed, REDDIT_HOSTS, &config.reddit.base) {
        return match path.as_slice() {
            [r, sub] if r == "r" && is_name(sub) => Some(Listing::Reddit {
                subreddit: sub.clone(),
            }),
            _ => None,
        };
    }
    let path = site_path(&parsed, LOBSTERS_HOSTS, &config.lobsters.base)?;
    match path.as_slice() {
        [] => Some(Listing::Lobsters(LobstersListing::Hottest)),
        [page] if page == "newest" => Some(Listing::Lobsters(LobstersListing::Newest)),
        [t, tag] if t == "t" && is_name(tag) => {
            Some(Listing::Lobsters(LobstersListing::Tag(tag.clone())))
        }
        _ => None,
    }
}

/// The discussion a link points at, if it is one of the sites': a Hacker News item
/// (`https://news.ycombinator.com/item?id=N`), a Reddit post
/// (`https://www.reddit.com/r/<sub>/comments/<id>/<slug>/`) or a Lobsters story
/// (`https://lobste.rs/s/<short_id>/<slug>`).
pub fn discussion(url: &str, config: &SourcesConfig) -> Option<Discussion> {
    let parsed = Url::parse(url.trim()).ok()?;
    if site_path(&parsed, &[HN_SITE], "").is_some_and(|p| p == ["item"]) {
        return parsed
            .query_pairs()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| v.parse().ok())
            .map(Discussion::HackerNews);
    }
    if let Some(path) = site_path(&parsed, REDDIT_HOSTS, &config.reddit.base) {
        return match path.as_slice() {
            [r, sub, comments, id, rest @ ..]
                if r == "r"
                    && comments == "comments"
                    && is_name(sub)
                    && is_name(id)
                    && rest.len() <= 2 =>
            {
                let slug = rest.first().map(|s| format!("{s}/")).unwrap_or_default();
                Some(Discussion::Reddit {
                    permalink: format!("/r/{sub}/comments/{id}/{slug}"),
                })
            }
            _ => None,
        };
    }
    let path = site_path(&parsed, LOBSTERS_HOSTS, &config.lobsters.base)?;
    match path.as_slice() {
        [s, short_id, ..] if s == "s" && is_name(short_id) => Some(Discussion::Lobsters {
            short_id: short_id.clone(),
        }),
        _ => None,
    }
}

/// The path segments of `url` (empty ones dropped) when it is on one of `hosts` over http(s),
/// or under the configured `base` (same scheme, host and port, below its path).
fn site_path(url: &Url, hosts: &[&str], base: &str) -> Option<Vec<String>> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let segments = |path: &str| -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let host = url.host_str()?.to_ascii_lowercase();
    if hosts.contains(&host.as_str()) {
        return Some(segments(url.path()));
    }
    let base = Url::parse(base.trim()).ok()?;
    let same_origin = base.scheme() == url.scheme()
        && base.host_str() == url.host_str()
        && base.port_or_known_default() == url.port_or_known_default();
    let prefix = base.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(prefix)?;
    (same_origin && (rest.is_empty() || rest.starts_with('/'))).then(|| segments(rest))
}

/// A subreddit, tag or post id: letters, digits, `_` and `-` (so `.rss` feeds are not taken).
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The headlines of a listing.
pub async fn items(
    net: &Net,
    config: &SourcesConfig,
    listing: &Listing,
) -> Result<Vec<FeedItem>, Failure> {
    match listing {
        Listing::HackerNews(list) => hackernews::headlines(net, &config.hackernews, *list).await,
        Listing::Reddit { subreddit } => {
            reddit::headlines(net, &config.reddit.base, subreddit).await
        }
        Listing::Lobsters(l) => lobsters::headlines(net, &config.lobsters.base, l).await,
    }
}

/// A discussion's whole comment thread.
pub async fn thread(
    net: &Net,
    config: &SourcesConfig,
    discussion: &Discussion,
) -> Result<CommentThread, Failure> {
    match discussion {
        Discussion::HackerNews(id) => hackernews::thread(net, &config.hackernews, *id).await,
        Discussion::Reddit { permalink } => {
            reddit::thread(net, &config.reddit.base, permalink).await
        }
        Discussion::Lobsters { short_id } => {
            lobsters::thread(net, &config.lobsters.base, short_id).await
        }
    }
}

/// A discussion's own post: its title and the article it links to, or its text.
pub async fn story(
    net: &Net,
    config: &SourcesConfig,
    discussion: &Discussion,
) -> Result<Story, Failure> {
    let unsupported = |reason: &str| Err(Failure::new(FailureKind::Unsupported, reason));
    match discussion {
        Discussion::HackerNews(id) => hackernews::story(net, &config.hackernews, *id).await,
        Discussion::Reddit { .. } => unsupported("Reddit: reading a post is not supported yet"),
        Discussion::Lobsters { .. } => {
            unsupported("Lobsters: reading a story is not supported yet")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SourcesConfig {
        let mut c = SourcesConfig::default();
        c.reddit.base = "http://127.0.0.1:9001/reddit".into();
        c.lobsters.base = "http://127.0.0.1:9002".into();
        c
    }

    #[test]
    fn hacker_news_listings() {
        let c = config();
        assert_eq!(
            listing("hn:top", &c),
            Some(Listing::HackerNews(HnList::Top))
        );
        assert_eq!(
            listing(" hn:Show ", &c),
            Some(Listing::HackerNews(HnList::Show))
        );
        for name in ["new", "best", "ask"] {
            assert!(listing(&format!("hn:{name}"), &c).is_some(), "{name}");
        }
        assert_eq!(listing("hn:jobs", &c), None);
        assert_eq!(listing("https://news.ycombinator.com/rss", &c), None);
    }

    #[test]
    fn reddit_listings() {
        let c = config();
        let rust = Some(Listing::Reddit {
            subreddit: "rust".into(),
        });
        for url in [
            "https://www.reddit.com/r/rust",
            "https://www.reddit.com/r/rust/",
            "https://old.reddit.com/r/rust",
            "https://reddit.com/r/rust/",
            "http://127.0.0.1:9001/reddit/r/rust",
        ] {
            assert_eq!(listing(url, &c), rust, "{url}");
        }
        for url in [
            "https://www.reddit.com/r/rust/.rss",
            "https://www.reddit.com/r/rust.rss",
            "https://www.reddit.com/",
            "http://127.0.0.1:9001/r/rust",
            "http://127.0.0.1:9003/reddit/r/rust",
        ] {
            assert_eq!(listing(url, &c), None, "{url}");
        }
    }

    #[test]
    fn lobsters_listings() {
        let c = config();
        let hottest = Some(Listing::Lobsters(LobstersListing::Hottest));
        assert_eq!(listing("https://lobste.rs/", &c), hottest);
        assert_eq!(listing("https://lobste.rs", &c), hottest);
        assert_eq!(listing("http://127.0.0.1:9002/", &c), hottest);
        assert_eq!(
            listing("https://lobste.rs/newest", &c),
            Some(Listing::Lobsters(LobstersListing::Newest))
        );
        assert_eq!(
            listing("https://lobste.rs/t/rust/", &c),
            Some(Listing::Lobsters(LobstersListing::Tag("rust".into())))
        );
        for url in [
            "https://lobste.rs/rss",
            "https://lobste.rs/t/rust.rss",
            "https://lobste.rs/s/abc123",
            "https://example.org/",
        ] {
            assert_eq!(listing(url, &c), None, "{url}");
        }
    }

    #[test]
    fn discussions() {
        let c = config();
        assert_eq!(
            discussion("https://news.ycombinator.com/item?id=8863", &c),
            Some(Discussion::HackerNews(8863))
        );
        assert_eq!(
            discussion("https://news.ycombinator.com/item?id=x", &c),
            None
        );
        assert_eq!(discussion("https://news.ycombinator.com/news", &c), None);
        let post = Some(Discussion::Reddit {
            permalink: "/r/rust/comments/abc12/a_title/".into(),
        });
        for url in [
            "https://www.reddit.com/r/rust/comments/abc12/a_title/",
            "https://old.reddit.com/r/rust/comments/abc12/a_title",
            "http://127.0.0.1:9001/reddit/r/rust/comments/abc12/a_title/",
        ] {
            assert_eq!(discussion(url, &c), post, "{url}");
        }
        assert_eq!(
            discussion("https://www.reddit.com/r/rust/comments/abc12", &c),
            Some(Discussion::Reddit {
                permalink: "/r/rust/comments/abc12/".into()
            })
        );
        assert_eq!(discussion("https://www.reddit.com/r/rust", &c), None);
        let story = Some(Discussion::Lobsters {
            short_id: "x1y2z3".into(),
        });
        for url in [
            "https://lobste.rs/s/x1y2z3",
            "https://lobste.rs/s/x1y2z3/some_story",
            "http://127.0.0.1:9002/s/x1y2z3/some_story",
        ] {
            assert_eq!(discussion(url, &c), story, "{url}");
        }
        assert_eq!(discussion("https://lobste.rs/t/rust", &c), None);
        assert_eq!(discussion("hn:top", &c), None);
    }

    #[test]
    fn algolia_can_be_turned_off() {
        let mut c = HackerNewsConfig::default();
        assert!(c.algolia().is_some());
        c.algolia = Some(String::new());
        assert_eq!(c.algolia(), None);
    }
}
