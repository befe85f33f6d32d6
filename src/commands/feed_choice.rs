//! `--feed NAME`: which subscribed feeds a name means, or an error that lists the names there
//! are. A feed answers to the name the config gives it, its URL, the feed its home page led to,
//! and its own title, all regardless of case (as the store matches them).

use crate::config::FeedConfig;
use crate::reader::{AppError, Context};
use crate::store::Store;
use crate::store::known_feeds::KnownFeed;

/// So many names fit an error line; the rest are counted.
const LISTED: usize = 30;

/// The subscribed URLs of the feeds `name` means; an error when it means none.
pub fn feeds_named(ctx: &Context, store: &Store, name: &str) -> Result<Vec<String>, AppError> {
    let known = store.known_feeds()?;
    let urls = matching(&ctx.config.feeds, &known, name);
    if urls.is_empty() {
        return Err(AppError::Failed(unknown_feed(ctx, &known, name)));
    }
    Ok(urls)
}

fn matching(feeds: &[FeedConfig], known: &[KnownFeed], name: &str) -> Vec<String> {
    let is = |s: Option<&str>| s.is_some_and(|s| s.eq_ignore_ascii_case(name));
    feeds
        .iter()
        .filter(|f| {
            let k = known.iter().find(|k| k.url == f.url);
            is(f.name.as_deref())
                || is(Some(&f.url))
                || is(k.and_then(|k| k.feed_url.as_deref()))
                || is(k.and_then(|k| k.title.as_deref()))
        })
        .map(|f| f.url.clone())
        .collect()
}

/// What each subscription is called: its name in the config, else its title, else its URL.
fn names(feeds: &[FeedConfig], known: &[KnownFeed]) -> Vec<String> {
    feeds
        .iter()
        .map(|f| {
            f.name
                .clone()
                .or_else(|| {
                    known
                        .iter()
                        .find(|k| k.url == f.url)
                        .and_then(|k| k.title.clone())
                })
                .unwrap_or_else(|| f.url.clone())
        })
        .collect()
}

fn unknown_feed(ctx: &Context, known: &[KnownFeed], name: &str) -> String {
    let names = names(&ctx.config.feeds, known);
    if names.is_empty() {
        return format!(
            "no feed is called \"{name}\": there are no subscriptions in {}",
            ctx.paths.config.display()
        );
    }
    format!(
        "no feed is called \"{name}\"; the feeds are: {}",
        list(&names)
    )
}

fn list(names: &[String]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| crate::sanitize::line(n))
        .collect();
    let mut text = shown.join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(
            ", and {} more (`herald export` lists them all)",
            names.len() - LISTED
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str, name: Option<&str>) -> FeedConfig {
        FeedConfig {
            url: url.into(),
            name: name.map(str::to_string),
            tags: Vec::new(),
            site: None,
        }
    }

    #[test]
    fn a_feed_answers_to_its_name_url_discovered_feed_and_title() {
        let feeds = [
            feed("https://a.example/", Some("Alpha")),
            feed("https://b.example/rss", None),
            feed("https://c.example/rss", None),
        ];
        let known = [
            KnownFeed {
                url: "https://a.example/".into(),
                feed_url: Some("https://a.example/feed.xml".into()),
                title: Some("Alpha Daily".into()),
            },
            KnownFeed {
                url: "https://b.example/rss".into(),
                feed_url: None,
                title: Some("Beta".into()),
            },
        ];
        for name in [
            "alpha",
            "HTTPS://A.EXAMPLE/",
            "https://a.example/feed.xml",
            "Alpha daily",
        ] {
            assert_eq!(
                matching(&feeds, &known, name),
                ["https://a.example/"],
                "{name}"
            );
        }
        assert_eq!(matching(&feeds, &known, "beta"), ["https://b.example/rss"]);
        assert!(matching(&feeds, &known, "Gamma").is_empty());
        assert_eq!(
            names(&feeds, &known),
            ["Alpha", "Beta", "https://c.example/rss"]
        );
    }

    #[test]
    fn a_long_list_of_names_is_cut() {
        let names: Vec<String> = (0..LISTED + 5).map(|n| format!("Feed {n}")).collect();
        let text = list(&names);
        assert!(text.starts_with("Feed 0, Feed 1, "), "{text}");
        assert!(
            text.ends_with(", and 5 more (`herald export` lists them all)"),
            "{text}"
        );
        assert!(!text.contains(&format!("Feed {LISTED}")), "{text}");
    }
}
