//! Real-world feeds from ../shared/corpus/feeds: every well-formed feed parses with the right
//! number of items. feed-rs's golden `expected/` files give the counts for its fixtures; for the
//! others the count is the number of `<item>`/`<entry>` elements (or JSON Feed `items`).

mod common;

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
        let ill_formed =
            notes.contains("bozo") || notes.contains("invalid") || file.contains("illformed");
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
