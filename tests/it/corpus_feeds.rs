//! Real-world feeds from ../shared/corpus/feeds: every well-formed feed parses with the right
//! number of items. feed-rs's golden `expected/` files give the counts for its fixtures; for the
//! others the count is the number of `<item>`/`<entry>` elements (or JSON Feed `items`).

use crate::common;

use std::path::{Path, PathBuf};

use herald::source::feed;

fn corpus() -> Option<PathBuf> {
    let dir = common::shared().join("corpus/feeds");
    if dir.join("INDEX.tsv").exists() {
        return Some(dir);
    }
    assert!(
        !common::in_ci(),
        "the feed corpus is missing at {}",
        dir.display()
    );
    println!("skipped: no feed corpus at {}", dir.display());
    None
}

fn base() -> url::Url {
    url::Url::parse("http://example.org/feed").expect("constant URL")
}

/// Rows of INDEX.tsv: (file, notes).
fn index(dir: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(dir.join("INDEX.tsv"))
        .expect("INDEX.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((
                cols.first()?.to_string(),
                cols.get(6).unwrap_or(&"").to_string(),
            ))
        })
        .collect()
}

fn expected_count(dir: &Path, file: &str) -> Option<usize> {
    let path = Path::new(file);
    let sub = path.parent()?.file_name()?.to_str()?;
    let stem = path.file_stem()?.to_str()?;
    let golden = dir.join(format!("feed-rs/expected/{sub}/{stem}.serde.json"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(golden).ok()?).ok()?;
    Some(json["entries"].as_array()?.len())
}

/// Items in a document by counting elements, decoding it the way herald does first.
fn counted_items(body: &[u8]) -> usize {
    let text = herald::net::decode_text(body, None);
    if text.trim_start().starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON feed");
        return json["items"].as_array().map_or(0, Vec::len);
    }
    let count = |tag: &str| {
        text.match_indices(tag)
            .filter(|(i, _)| {
                matches!(
                    text.as_bytes().get(i + tag.len()),
                    Some(b'>' | b' ' | b'\n' | b'\r' | b'\t' | b'/')
                )
            })
            .count()
    };
    count("<item") + count("<entry") + count("<rss:item") + count("<atom:entry")
}

#[test]
fn well_formed_feeds_parse_with_the_right_item_count() {
    let Some(dir) = corpus() else { return };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, notes) in index(&dir) {
        let ill_formed = is_ill_formed(&file, &notes);
        let body = std::fs::read(dir.join(&file)).expect("corpus file");
        let parsed = feed::parse(&body, None, &base());
        if ill_formed {
            continue; // parsed or rejected, it must only not panic, which reaching here shows
        }
        let want = expected_count(&dir, &file).unwrap_or_else(|| counted_items(&body));
        match parsed {
            Ok(f) if f.items.len() == want => checked += 1,
            Ok(f) => failures.push(format!("{file}: {} items, expected {want}", f.items.len())),
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    println!("{checked} well-formed feeds parsed with the right item count");
    assert!(
        failures.is_empty(),
        "{} feeds wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 80, "only {checked} feeds checked");
}

/// Files their source marks as broken: feedparser's "bozo expected" and ill-formed cases,
/// feed-rs's invalid ones. ("Expect: not bozo" is a well-formed feed.)
fn is_ill_formed(file: &str, notes: &str) -> bool {
    notes.contains("bozo expected")
        || notes.contains("ill-formed")
        || notes.contains("invalid")
        || file.contains("illformed")
}

/// Well-formed corpus files, with their expected item counts.
fn well_formed(dir: &Path) -> Vec<(String, Vec<u8>, usize)> {
    index(dir)
        .into_iter()
        .filter(|(file, notes)| !is_ill_formed(file, notes))
        .map(|(file, _)| {
            let body = std::fs::read(dir.join(&file)).expect("corpus file");
            let want = expected_count(dir, &file).unwrap_or_else(|| counted_items(&body));
            (file, body, want)
        })
        .collect()
}

/// The corpus's JSON Feeds as sites also publish them: each version spelling readers meet,
/// `tags` as one string, `author` (1.0) or `authors` (1.1) alone, ids as numbers.
#[test]
fn json_feeds_parse_in_every_published_variant() {
    let Some(dir) = corpus() else { return };
    let json_feeds: Vec<_> = well_formed(&dir)
        .into_iter()
        .filter(|(file, _, _)| file.ends_with(".json"))
        .collect();
    assert!(
        json_feeds.len() >= 4,
        "only {} JSON Feeds",
        json_feeds.len()
    );
    let versions = [
        "http://jsonfeed.org/version/1",
        "https://jsonfeed.org/version/1",
        "https://jsonfeed.org/version/1/",
        "http://jsonfeed.org/version/1/",
        "http://jsonfeed.org/version/1.1",
        "https://jsonfeed.org/version/1.1/",
    ];
    let mut checked = 0;
    for (file, body, want) in json_feeds {
        let original: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        for version in versions {
            let mut feed = original.clone();
            feed["version"] = version.into();
            let items = feed["items"].as_array_mut().expect("items");
            for (n, item) in items.iter_mut().enumerate() {
                let tags = item.get("tags").and_then(|t| t.as_array()).map(|t| {
                    t.iter()
                        .filter_map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                item["tags"] = tags.unwrap_or_else(|| "news".into()).into();
                if let Some(id) = item.get("id").and_then(|i| i.as_str()) {
                    // A numeric id where the original's is a number in text.
                    if let Ok(number) = id.parse::<u64>() {
                        item["id"] = number.into();
                    }
                }
                // Alternate the author's spelling: 1.0's object, 1.1's list, a bare name.
                let object = item.as_object_mut().expect("item object");
                object.remove("author");
                object.remove("authors");
                let name = format!("Writer {n}");
                match n % 3 {
                    0 => object.insert("author".into(), serde_json::json!({ "name": name })),
                    1 => object.insert("authors".into(), serde_json::json!([{ "name": name }])),
                    _ => object.insert("author".into(), name.into()),
                };
            }
            let text = serde_json::to_vec(&feed).expect("JSON out");
            let parsed = feed::parse(&text, None, &base())
                .unwrap_or_else(|e| panic!("{file} as {version}: {e}"));
            assert_eq!(parsed.items.len(), want, "{file} as {version}");
            for (n, item) in parsed.items.iter().enumerate() {
                assert_eq!(
                    item.author.as_deref(),
                    Some(format!("Writer {n}").as_str()),
                    "{file} as {version}, item {n}"
                );
            }
            checked += 1;
        }
    }
    println!("{checked} JSON Feed variants parsed with the right item count");
}

/// `text` in UTF-16 or UTF-32 with its byte order mark.
fn encode(text: &str, unit: usize, little: bool) -> Vec<u8> {
    let mut units: Vec<u32> = vec![0xfeff];
    if unit == 2 {
        units.extend(text.encode_utf16().map(u32::from));
    } else {
        units.extend(text.chars().map(u32::from));
    }
    units
        .into_iter()
        .flat_map(|u| match (unit, little) {
            (2, true) => (u as u16).to_le_bytes().to_vec(),
            (2, false) => (u as u16).to_be_bytes().to_vec(),
            (_, true) => u.to_le_bytes().to_vec(),
            (_, false) => u.to_be_bytes().to_vec(),
        })
        .collect()
}

/// Every well-formed corpus feed stored as UTF-8 parses the same when saved as UTF-16 or
/// UTF-32 with a byte order mark, whatever its declaration says.
#[test]
fn utf16_and_utf32_feeds_parse_with_the_right_item_count() {
    let Some(dir) = corpus() else { return };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, body, want) in well_formed(&dir) {
        let Ok(text) = std::str::from_utf8(&body).map(|t| t.trim_start_matches('\u{feff}')) else {
            continue; // a legacy encoding: its text is not known apart from herald's decoding
        };
        if text.contains('\0') {
            continue; // UTF-16 without a BOM, whose bytes happen to be valid UTF-8
        }
        for (unit, little) in [(2, true), (2, false), (4, true), (4, false)] {
            let what = format!(
                "{file} in UTF-{} {}",
                unit * 8,
                if little { "LE" } else { "BE" }
            );
            match feed::parse(&encode(text, unit, little), None, &base()) {
                Ok(f) if f.items.len() == want => checked += 1,
                Ok(f) => failures.push(format!("{what}: {} items, expected {want}", f.items.len())),
                Err(e) => failures.push(format!("{what}: {e}")),
            }
        }
    }
    println!("{checked} re-encoded feeds parsed with the right item count");
    assert!(
        failures.is_empty(),
        "{} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 4 * 70, "only {checked} re-encoded feeds checked");
}

#[test]
fn every_item_has_a_title_without_control_characters() {
    let Some(dir) = corpus() else { return };
    for (file, _) in index(&dir) {
        let body = std::fs::read(dir.join(&file)).expect("corpus file");
        if let Ok(f) = feed::parse(&body, None, &base()) {
            for item in f.items {
                assert!(!item.title.is_empty(), "{file}");
                assert!(
                    !item.title.chars().any(char::is_control),
                    "{file}: {:?}",
                    item.title
                );
            }
        }
    }
}
