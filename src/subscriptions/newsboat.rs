//! newsboat's `urls` file: a URL a line, then tags in quotes or bare, `"~Name"` naming the feed,
//! `!` hiding it; `#` starts a comment. Its `query:`, `exec:` and `filter:` lines are feeds
//! newsboat makes itself (a search over other feeds, a program's output): herald cannot read
//! them, so they are counted as skipped, with lines that are not URLs at all.

use super::{ImportError, Imported, Skip};
use crate::config::FeedConfig;

pub fn parse(text: &str) -> Result<Imported, ImportError> {
    let mut imported = Imported::default();
    let mut recognised = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = split_words(line).into_iter();
        let Some(url) = words.next() else { continue };
        let skip = if url.starts_with("query:") {
            Some(Skip::Query)
        } else if url.starts_with("exec:") {
            Some(Skip::Exec)
        } else if url.starts_with("filter:") {
            Some(Skip::Filter)
        } else if is_url(&url) {
            None
        } else {
            Some(Skip::NotAUrl { line: n + 1 })
        };
        if let Some(skip) = skip {
            recognised |= !matches!(skip, Skip::NotAUrl { .. });
            imported.skipped.push(skip);
            continue;
        }
        recognised = true;
        let mut feed = FeedConfig {
            url,
            name: None,
            tags: Vec::new(),
            site: None,
        };
        for word in words {
            if word.starts_with('#') {
                break;
            }
            if let Some(name) = word.strip_prefix('~') {
                feed.name = Some(crate::sanitize::line(name));
            } else if !word.starts_with('!') {
                let tag = crate::sanitize::line(&word);
                if !tag.is_empty() && !feed.tags.contains(&tag) {
                    feed.tags.push(tag);
                }
            }
        }
        imported.feeds.push(feed);
    }
    if !recognised && !imported.skipped.is_empty() {
        return Err(ImportError::NotSubscriptions(
            "no line starts with a feed's URL (http://, https:// or file://)".into(),
        ));
    }
    Ok(imported)
}

fn is_url(word: &str) -> bool {
    ["http://", "https://", "file://"]
        .iter()
        .any(|scheme| word.len() > scheme.len() && word.starts_with(scheme))
}

fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut w = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => w.extend(chars.next()),
                    c => w.push(c),
                }
            }
            words.push(w);
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                w.push(c);
                chars.next();
            }
            words.push(w);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_names_and_tags() {
        let urls = "# mine\nhttp://a.example/feed tech \"long tag\" \"~Alpha\" !hidden\n\nhttps://b.example/atom # note\n";
        let got = parse(urls).expect("parses");
        assert_eq!(got.feeds.len(), 2);
        assert_eq!(got.feeds[0].name.as_deref(), Some("Alpha"));
        assert_eq!(got.feeds[0].tags, ["tech", "long tag"]);
        assert_eq!(got.feeds[1].url, "https://b.example/atom");
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn newsboat_own_feeds_and_non_urls_are_skipped_by_kind() {
        let urls = "http://a.example/feed\n\"query:Unread:unread = \\\"yes\\\"\"\n\
                    \"query:Starred:flags # \\\"s\\\"\"\n\"exec:~/bin/weather\"\n\
                    \"filter:~/bin/clean:http://c.example/rss\"\nwww.d.example/feed\n";
        let got = parse(urls).expect("parses");
        assert_eq!(got.feeds.len(), 1);
        assert_eq!(
            got.skipped,
            [
                Skip::Query,
                Skip::Query,
                Skip::Exec,
                Skip::Filter,
                Skip::NotAUrl { line: 6 }
            ]
        );
    }

    #[test]
    fn a_file_of_other_text_is_not_a_urls_file() {
        let err = parse("{\n  \"feeds\": [\"http://a.example/feed\"]\n}\n").expect_err("JSON");
        assert!(matches!(err, ImportError::NotSubscriptions(_)), "{err}");
        // Only comments and blank lines: a urls file with nothing in it yet.
        let got = parse("# nothing yet\n\n").expect("empty urls file");
        assert!(got.feeds.is_empty() && got.skipped.is_empty());
    }
}
