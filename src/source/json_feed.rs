//! JSON Feed as sites publish it, put into the shape feed-rs reads. Real feeds write the version
//! as `http://jsonfeed.org/version/1` or with a trailing slash, give `tags` as one string, ids as
//! numbers (which the 1.1 spec tells readers to accept), an author as a bare name, an attachment
//! without its type; feed-rs refuses each of these, and the whole feed with it.

use serde_json::{Map, Value};

/// `text` with every field feed-rs reads in the type it expects: values of another type are
/// converted where the meaning is plain (a number id, a string of one tag) and dropped where it
/// is not. `None` when `text` is not a JSON object, left for feed-rs to report.
pub(crate) fn conform(text: &str) -> Option<String> {
    let Ok(Value::Object(mut feed)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    conform_version(&mut feed);
    if !matches!(feed.get("title"), Some(Value::String(_))) {
        let title = feed
            .remove("title")
            .and_then(scalar_text)
            .unwrap_or_default();
        feed.insert("title".into(), Value::String(title));
    }
    for key in [
        "home_page_url",
        "feed_url",
        "language",
        "description",
        "icon",
        "favicon",
    ] {
        optional_string(&mut feed, key);
    }
    conform_authors(&mut feed);
    let items = match feed.remove("items") {
        Some(Value::Array(items)) => items,
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    };
    let items = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(mut item) => {
                conform_item(&mut item);
                Some(Value::Object(item))
            }
            _ => None,
        })
        .collect();
    feed.insert("items".into(), Value::Array(items));
    serde_json::to_string(&feed).ok()
}

/// Any spelling of a 1.x version (http or https, `www.`, trailing slash, any case) becomes the
/// https form feed-rs checks for; other versions are left for feed-rs to name in its error.
fn conform_version(feed: &mut Map<String, Value>) {
    let Some(Value::String(version)) = feed.get("version") else {
        return;
    };
    let lower = version.trim().trim_end_matches('/').to_ascii_lowercase();
    let path = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let path = path.strip_prefix("www.").unwrap_or(path);
    if path == "jsonfeed.org/version/1" || path.starts_with("jsonfeed.org/version/1.") {
        let canonical = format!("https://{path}");
        feed.insert("version".into(), Value::String(canonical));
    }
}

fn conform_item(item: &mut Map<String, Value>) {
    optional_string(item, "id");
    for key in [
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
        "image",
        "banner_image",
        "date_published",
        "date_modified",
    ] {
        optional_string(item, key);
    }
    conform_authors(item);
    if let Some(tags) = item.remove("tags") {
        let tags: Vec<String> = match tags {
            Value::Array(tags) => tags.into_iter().filter_map(scalar_text).collect(),
            one => scalar_text(one).into_iter().collect(),
        };
        let tags = tags.into_iter().map(Value::String).collect();
        item.insert("tags".into(), Value::Array(tags));
    }
    if let Some(attachments) = item.remove("attachments") {
        let attachments = match attachments {
            Value::Array(list) => list,
            one @ Value::Object(_) => vec![one],
            _ => Vec::new(),
        };
        let attachments: Vec<Value> = attachments.into_iter().filter_map(attachment).collect();
        item.insert("attachments".into(), Value::Array(attachments));
    }
}

/// An attachment needs its URL; a missing type is left empty (the URL's extension then tells
/// whether it is audio), and a size that is not a whole number is dropped.
fn attachment(value: Value) -> Option<Value> {
    let Value::Object(mut a) = value else {
        return None;
    };
    optional_string(&mut a, "url");
    if !a.contains_key("url") {
        return None;
    }
    optional_string(&mut a, "title");
    let mime_type = a
        .remove("mime_type")
        .and_then(scalar_text)
        .unwrap_or_default();
    a.insert("mime_type".into(), Value::String(mime_type));
    if let Some(size) = a.remove("size_in_bytes") {
        let bytes = match &size {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            }),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        if let Some(bytes) = bytes {
            a.insert("size_in_bytes".into(), Value::from(bytes));
        }
    }
    Some(Value::Object(a))
}

/// `author` (1.0) and `authors` (1.1): a bare name is a person of that name; a single person
/// where a list belongs is a list of one.
fn conform_authors(obj: &mut Map<String, Value>) {
    if let Some(author) = obj.remove("author").and_then(person) {
        obj.insert("author".into(), author);
    }
    if let Some(authors) = obj.remove("authors") {
        let authors = match authors {
            Value::Array(list) => list,
            one => vec![one],
        };
        let authors: Vec<Value> = authors.into_iter().filter_map(person).collect();
        obj.insert("authors".into(), Value::Array(authors));
    }
}

fn person(value: Value) -> Option<Value> {
    let mut p = match value {
        Value::String(name) => Map::from_iter([("name".to_string(), Value::String(name))]),
        Value::Object(mut p) => {
            optional_string(&mut p, "name");
            optional_string(&mut p, "url");
            optional_string(&mut p, "avatar");
            p
        }
        _ => return None,
    };
    if let Some(Value::String(name)) = p.get_mut("name") {
        *name = super::feed::space_out_addresses(name).into_owned();
    }
    Some(Value::Object(p))
}

/// Keeps `key` only as a string: a number or boolean becomes its text, anything else goes.
fn optional_string(obj: &mut Map<String, Value>, key: &str) {
    if matches!(obj.get(key), Some(Value::String(_)) | None) {
        return;
    }
    if let Some(text) = obj.remove(key).and_then(scalar_text) {
        obj.insert(key.to_string(), Value::String(text));
    }
}

fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conformed(json: &str) -> Value {
        serde_json::from_str(&conform(json).expect("an object")).expect("JSON out")
    }

    #[test]
    fn every_spelling_of_version_1_is_read_as_https() {
        for (given, want) in [
            (
                "http://jsonfeed.org/version/1",
                "https://jsonfeed.org/version/1",
            ),
            (
                "https://jsonfeed.org/version/1/",
                "https://jsonfeed.org/version/1",
            ),
            (
                "http://jsonfeed.org/version/1.1/",
                "https://jsonfeed.org/version/1.1",
            ),
            (
                "https://jsonfeed.org/version/1.1",
                "https://jsonfeed.org/version/1.1",
            ),
            (
                " HTTPS://www.JSONFeed.org/version/1 ",
                "https://jsonfeed.org/version/1",
            ),
        ] {
            let v = conformed(&format!(r#"{{"version":"{given}","items":[]}}"#));
            assert_eq!(v["version"], want, "{given}");
        }
        let other = conformed(r#"{"version":"https://jsonfeed.org/version/2"}"#);
        assert_eq!(other["version"], "https://jsonfeed.org/version/2");
    }

    #[test]
    fn fields_of_other_types_are_converted_or_dropped() {
        let v = conformed(
            r#"{"version":"x","title":7,"author":"Ann","authors":{"name":"Bo"},
                "items":[{"id":42,"tags":"news","title":["no"],"author":{"name":5},
                          "attachments":{"url":"/a.mp3","size_in_bytes":"12"}},
                         "not an item",
                         {"id":"b","tags":["x",1,null,{}],"attachments":[{"title":"no url"},
                          {"url":"/b.mp3","mime_type":"audio/mpeg","size_in_bytes":-1}]}]}"#,
        );
        assert_eq!(v["title"], "7");
        assert_eq!(v["author"]["name"], "Ann");
        assert_eq!(v["authors"][0]["name"], "Bo");
        let items = v["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], "42");
        assert_eq!(items[0]["tags"], serde_json::json!(["news"]));
        assert!(items[0].get("title").is_none());
        assert_eq!(items[0]["author"]["name"], "5");
        assert_eq!(items[0]["attachments"][0]["mime_type"], "");
        assert_eq!(items[0]["attachments"][0]["size_in_bytes"], 12);
        assert_eq!(items[1]["tags"], serde_json::json!(["x", "1"]));
        let attachments = items[1]["attachments"].as_array().expect("attachments");
        assert_eq!(attachments.len(), 1);
        assert!(attachments[0].get("size_in_bytes").is_none());
    }

    #[test]
    fn missing_title_and_items_are_empty() {
        let v = conformed(r#"{"version":"https://jsonfeed.org/version/1"}"#);
        assert_eq!(v["title"], "");
        assert_eq!(v["items"], serde_json::json!([]));
        assert!(conform("[1, 2]").is_none());
        assert!(conform("{not json").is_none());
    }
}
