//! The demo edition bundled in the binary (assets/demo): with no config file, herald starts on it
//! plus a few public feeds, so the first run works, offline too. It is written to the data
//! directory and read from there like any local site.

use std::path::{Path, PathBuf};

use crate::config::FeedConfig;

const FILES: &[(&str, &[u8])] = &[
    ("feed.xml", include_bytes!("../assets/demo/feed.xml")),
    (
        "tidal-power.html",
        include_bytes!("../assets/demo/tidal-power.html"),
    ),
    (
        "tidal-power.ogg",
        include_bytes!("../assets/demo/tidal-power.ogg"),
    ),
    (
        "night-library.html",
        include_bytes!("../assets/demo/night-library.html"),
    ),
];

/// Well-known public feeds offered beside the demo edition; offline they show as unreachable.
const PUBLIC_FEEDS: &[(&str, &str)] = &[
    (
        "BBC News – World",
        "https://feeds.bbci.co.uk/news/world/rss.xml",
    ),
    ("Hacker News", "https://news.ycombinator.com/rss"),
    (
        "NASA Breaking News",
        "https://www.nasa.gov/news-release/feed/",
    ),
];

/// Writes the demo edition under `data_dir/demo` (again when a file is missing or differs) and
/// returns the path of its feed.
pub fn install(data_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = data_dir.join("demo");
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in FILES {
        let path = dir.join(name);
        let same = std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64);
        if !same {
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)?;
        }
    }
    Ok(dir.join("feed.xml"))
}

/// The subscriptions of a first run: the demo edition, then the public feeds.
pub fn feeds(data_dir: &Path) -> std::io::Result<Vec<FeedConfig>> {
    let demo = install(data_dir)?;
    let mut feeds = vec![FeedConfig {
        url: demo.display().to_string(),
        name: Some("The Herald Demo Edition".to_string()),
        tags: vec!["demo".to_string()],
        site: None,
    }];
    feeds.extend(PUBLIC_FEEDS.iter().map(|(name, url)| FeedConfig {
        url: (*url).to_string(),
        name: Some((*name).to_string()),
        tags: vec!["news".to_string()],
        site: None,
    }));
    Ok(feeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_the_edition_once_and_repairs_it() {
        let dir = std::env::temp_dir().join(format!("herald-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let feed = install(&dir).expect("installed");
        assert!(feed.ends_with("demo/feed.xml"));
        for (name, bytes) in FILES {
            assert_eq!(
                std::fs::read(dir.join("demo").join(name)).expect("written"),
                *bytes
            );
        }
        std::fs::remove_file(dir.join("demo/tidal-power.ogg")).expect("remove");
        install(&dir).expect("installed again");
        assert!(dir.join("demo/tidal-power.ogg").exists());
        let first = feeds(&dir).expect("feeds");
        assert_eq!(first[0].url, feed.display().to_string());
        assert!(first.len() > 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
