//! Importing subscriptions (OPML, newsboat `urls`) into the config without losing its comments
//! or layout, and exporting them as OPML.

use quick_xml::events::Event;

use crate::config::FeedConfig;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not valid OPML: {0}")]
    Opml(String),
    #[error("the config file is not valid TOML: {0}")]
    Config(String),
}

/// Reads OPML or a newsboat `urls` file, whichever `text` is.
pub fn parse_any(text: &str) -> Result<Vec<FeedConfig>, ImportError> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml") || t.starts_with("<opml") || t.starts_with("<!--") {
        parse_opml(t)
    } else {
        Ok(parse_newsboat_urls(t))
    }
}

/// OPML outlines with an `xmlUrl`; enclosing outlines without one become tags.
pub fn parse_opml(text: &str) -> Result<Vec<FeedConfig>, ImportError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    // One entry per open <outline>: the folder name it contributes, if any.
    let mut folders: Vec<Option<String>> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ImportError::Opml(format!("at byte {}: {e}", reader.buffer_position())))?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.name().as_ref() == "outline" {
                    folders.pop();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if element.name().as_ref() != "outline" {
            continue;
        }
        let mut xml_url = None;
        let mut title = None;
        let mut text_attr = None;
        for attr in element.attributes().flatten() {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            match attr.key.as_ref() {
                "xmlUrl" | "xmlurl" => xml_url = Some(value),
                "title" => title = Some(value),
                "text" => text_attr = Some(value),
                _ => {}
            }
        }
        let name = title
            .filter(|t| !t.is_empty())
            .or(text_attr.filter(|t| !t.is_empty()));
        match xml_url.filter(|u| !u.is_empty()) {
            Some(url) => {
                out.push(FeedConfig {
                    url,
                    name: name.map(|n| crate::sanitize::line(&n)),
                    tags: folders.iter().flatten().cloned().collect(),
                    site: None,
                });
                if !is_empty {
                    folders.push(None);
                }
            }
            None if !is_empty => folders.push(name.map(|n| crate::sanitize::line(&n))),
            None => {}
        }
    }
    Ok(out)
}

/// newsboat's `urls`: a URL a line, then tags in quotes or bare, `"~Name"` naming the feed;
/// `#` starts a comment; `query:` and `exec:`/`filter:` lines are not feeds herald can read.
pub fn parse_newsboat_urls(text: &str) -> Vec<FeedConfig> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = split_words(line).into_iter();
        let Some(url) = words.next() else { continue };
        if !(url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("file://"))
        {
            continue;
        }
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
                feed.tags.push(crate::sanitize::line(&word));
            }
        }
        out.push(feed);
    }
    out
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

/// Appends `feeds` not yet subscribed to the config text, keeping everything already there.
/// Returns the new text and how many were added.
pub fn add_to_config(
    config_text: &str,
    feeds: &[FeedConfig],
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
        array.push(table);
        known.push(f.url.clone());
        added += 1;
    }
    Ok((doc.to_string(), added))
}

/// OPML 2.0 of the subscriptions; `title_of` gives a feed's known title when it has no name.
pub fn export_opml(feeds: &[FeedConfig], title_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>herald subscriptions</title></head>\n  <body>\n",
    );
    for f in feeds {
        let title = f
            .name
            .clone()
            .or_else(|| title_of(&f.url))
            .unwrap_or_else(|| f.url.clone());
        let title = xml_escape(&crate::sanitize::line(&title));
        let mut line = format!(
            "    <outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"",
            xml_escape(&f.url)
        );
        if !f.tags.is_empty() {
            line.push_str(&format!(" category=\"{}\"", xml_escape(&f.tags.join(","))));
        }
        line.push_str("/>\n");
        out.push_str(&line);
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn xml_escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_folders_become_tags() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Tech"><outline text="A &amp; B" xmlUrl="http://a.example/feed"/></outline>
<outline text="C" xmlUrl="http://c.example/rss"/></body></opml>"#;
        let feeds = parse_any(opml).expect("valid OPML");
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].name.as_deref(), Some("A & B"));
        assert_eq!(feeds[0].tags, ["Tech"]);
        assert!(feeds[1].tags.is_empty());
    }

    #[test]
    fn newsboat_urls() {
        let urls = "# mine\nhttp://a.example/feed tech \"long tag\" \"~Alpha\"\n\n\"query:unread:unread = \\\"yes\\\"\"\nhttps://b.example/atom # note\n";
        let feeds = parse_any(urls).expect("parses");
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].name.as_deref(), Some("Alpha"));
        assert_eq!(feeds[0].tags, ["tech", "long tag"]);
        assert_eq!(feeds[1].url, "https://b.example/atom");
    }

    #[test]
    fn import_keeps_comments_and_skips_known() {
        let config = "# my feeds\n[[feeds]]\nurl = \"http://a.example/feed\" # first\n\n[refresh]\nper_host = 2 # be gentle\n";
        let feeds = parse_newsboat_urls("http://a.example/feed\nhttp://b.example/feed \"~B\"\n");
        let (text, added) = add_to_config(config, &feeds).expect("valid TOML");
        assert_eq!(added, 1);
        assert!(
            text.contains("# my feeds") && text.contains("# first") && text.contains("# be gentle")
        );
        let parsed = crate::config::Config::parse(&text, "t").expect("still valid");
        assert_eq!(parsed.feeds.len(), 2);
        assert_eq!(parsed.feeds[1].name.as_deref(), Some("B"));
    }

    #[test]
    fn export_round_trips() {
        let feeds = vec![FeedConfig {
            url: "http://a.example/feed?x=1&y=2".into(),
            name: Some("A \"quoted\"".into()),
            tags: vec![],
            site: None,
        }];
        let opml = export_opml(&feeds, |_| None);
        let back = parse_opml(&opml).expect("own OPML parses");
        assert_eq!(back, feeds);
    }
}
