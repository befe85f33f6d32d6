//! Importing subscriptions (OPML, newsboat `urls`) into the config without losing its comments
//! or layout, and exporting them as OPML so that importing the export gives them back whole.

mod newsboat;
mod opml;

pub use opml::{Learned, export as export_opml};

use crate::config::FeedConfig;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not valid OPML: {0}")]
    Opml(String),
    #[error("neither OPML nor a newsboat urls file: {0}")]
    NotSubscriptions(String),
    #[error("the config file is not valid TOML: {0}")]
    Config(String),
}

/// What a subscriptions file holds: the feeds herald can read, and what it cannot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    pub feeds: Vec<FeedConfig>,
    pub skipped: Vec<Skip>,
}

/// Why an entry was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// newsboat's `query:` feed, a search over its other feeds.
    Query,
    /// newsboat's `exec:` source, a program's output.
    Exec,
    /// newsboat's `filter:` source, a feed passed through a program.
    Filter,
    /// A urls line that does not start with a URL (its number, from 1).
    NotAUrl { line: usize },
    /// An OPML outline with no `xmlUrl` and no outlines inside.
    NoFeedUrl,
}

/// Reads OPML or a newsboat `urls` file, whichever `text` is; anything else is an error.
pub fn parse_any(text: &str) -> Result<Imported, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let start = text.trim_start();
    if start.starts_with('<') {
        opml::parse(start)
    } else if start.starts_with('{') || start.starts_with('[') {
        Err(ImportError::NotSubscriptions("it is JSON".into()))
    } else {
        // Untrimmed: its skipped lines are told by their numbers.
        newsboat::parse(text)
    }
}

/// `3 skipped: 2 newsboat query feeds, 1 exec: source`; `None` when nothing was.
pub fn skipped_summary(skipped: &[Skip]) -> Option<String> {
    if skipped.is_empty() {
        return None;
    }
    let count = |f: fn(&Skip) -> bool| skipped.iter().filter(|s| f(s)).count();
    let lines: Vec<String> = skipped
        .iter()
        .filter_map(|s| match s {
            Skip::NotAUrl { line } => Some(line.to_string()),
            _ => None,
        })
        .collect();
    let kinds = [
        (
            count(|s| *s == Skip::Query),
            "newsboat query feed",
            "newsboat query feeds",
        ),
        (count(|s| *s == Skip::Exec), "exec: source", "exec: sources"),
        (
            count(|s| *s == Skip::Filter),
            "filter: source",
            "filter: sources",
        ),
        (
            lines.len(),
            "line that is not a URL",
            "lines that are not URLs",
        ),
        (
            count(|s| *s == Skip::NoFeedUrl),
            "outline without xmlUrl",
            "outlines without xmlUrl",
        ),
    ];
    let mut parts: Vec<String> = kinds
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    if !lines.is_empty() {
        // Where the mistakes are: the first few line numbers.
        const SHOWN: usize = 5;
        let mut at = lines[..lines.len().min(SHOWN)].join(", ");
        if lines.len() > SHOWN {
            at.push_str(", ...");
        }
        if let Some(part) = parts.iter_mut().find(|p| p.contains("URL")) {
            part.push_str(&format!(" (line {at})"));
        }
    }
    Some(format!("{} skipped: {}", skipped.len(), parts.join(", ")))
}

/// Appends `feeds` not yet subscribed to the config text, keeping everything already there.
/// A feed counts as subscribed when a subscribed page led to it: `discovered` holds such pairs
/// (page, feed). Returns the new text and how many were added.
pub fn add_to_config(
    config_text: &str,
    feeds: &[FeedConfig],
    discovered: &[(String, String)],
) -> Result<(String, usize), ImportError> {
    let mut doc: toml_edit::DocumentMut = config_text
        .parse()
        .map_err(|e: toml_edit::TomlError| ImportError::Config(e.to_string()))?;
    let mut known: Vec<String> = doc
        .get("feeds")
        .and_then(|f| f.as_array_of_tables())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("url").and_then(|u| u.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let led_to: Vec<String> = discovered
        .iter()
        .filter(|(page, _)| known.contains(page))
        .map(|(_, feed)| feed.clone())
        .collect();
    known.extend(led_to);
    let array = doc
        .entry("feeds")
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| ImportError::Config("`feeds` must be a list of [[feeds]] tables".into()))?;
    let mut added = 0;
    for f in feeds {
        if known.contains(&f.url) {
            continue;
        }
        let mut table = toml_edit::Table::new();
        table.insert("url", toml_edit::value(f.url.as_str()));
        if let Some(name) = &f.name {
            table.insert("name", toml_edit::value(name.as_str()));
        }
        if !f.tags.is_empty() {
            let tags: toml_edit::Array = f.tags.iter().map(String::as_str).collect();
            table.insert("tags", toml_edit::value(tags));
        }
        if let Some(site) = &f.site {
            table.insert("site", toml_edit::value(site.as_str()));
        }
        array.push(table);
        known.push(f.url.clone());
        added += 1;
    }
    Ok((doc.to_string(), added))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_file_decides_the_reader() {
        let opml = "\u{feff}<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\
                    <outline text=\"A\" xmlUrl=\"http://a.example/feed\"/></body></opml>";
        assert_eq!(parse_any(opml).expect("OPML").feeds.len(), 1);
        let urls = "\n\nhttp://a.example/feed\nhttp://b.example/feed\nfeed.xml\n";
        let got = parse_any(urls).expect("urls");
        assert_eq!(got.feeds.len(), 2);
        assert_eq!(got.skipped, [Skip::NotAUrl { line: 5 }]);
        for json in ["{\"feeds\": []}", "[\"http://a.example/feed\"]"] {
            let err = parse_any(json).expect_err("JSON").to_string();
            assert_eq!(err, "neither OPML nor a newsboat urls file: it is JSON");
        }
        let err = parse_any("<html><body>hello</body></html>").expect_err("HTML");
        assert!(err.to_string().contains("<html>, not <opml>"), "{err}");
    }

    #[test]
    fn skips_are_counted_by_why() {
        assert_eq!(skipped_summary(&[]), None);
        let skipped = [Skip::Query, Skip::Exec, Skip::Query];
        assert_eq!(
            skipped_summary(&skipped).as_deref(),
            Some("3 skipped: 2 newsboat query feeds, 1 exec: source")
        );
        let skipped = [
            Skip::NotAUrl { line: 3 },
            Skip::Filter,
            Skip::NotAUrl { line: 9 },
        ];
        assert_eq!(
            skipped_summary(&skipped).as_deref(),
            Some("3 skipped: 1 filter: source, 2 lines that are not URLs (line 3, 9)")
        );
    }

    #[test]
    fn import_keeps_comments_and_skips_what_is_subscribed() {
        let config = "# my feeds\n[[feeds]]\nurl = \"http://a.example/feed\" # first\n\n[refresh]\nper_host = 2 # be gentle\n";
        // The third is the feed the first (a page) led to: subscribed already.
        let feeds = parse_any(
            "http://a.example/feed\nhttp://b.example/feed \"~B\"\nhttp://a.example/feed.xml\n",
        )
        .expect("urls")
        .feeds;
        let discovered = [(
            "http://a.example/feed".to_string(),
            "http://a.example/feed.xml".to_string(),
        )];
        let (text, added) = add_to_config(config, &feeds, &discovered).expect("valid TOML");
        assert_eq!(added, 1);
        assert!(
            text.contains("# my feeds") && text.contains("# first") && text.contains("# be gentle")
        );
        let parsed = crate::config::Config::parse(&text, "t").expect("still valid");
        assert_eq!(parsed.feeds.len(), 2);
        assert_eq!(parsed.feeds[1].name.as_deref(), Some("B"));
    }

    #[test]
    fn every_field_reaches_the_config() {
        let feeds = [FeedConfig {
            url: "http://a.example/feed.xml".into(),
            name: Some("A".into()),
            tags: vec!["news".into(), "local".into()],
            site: Some("http://a.example/".into()),
        }];
        let (text, added) = add_to_config("", &feeds, &[]).expect("valid TOML");
        assert_eq!(added, 1);
        let parsed = crate::config::Config::parse(&text, "t").expect("valid config");
        assert_eq!(parsed.feeds, feeds);
    }
}
