//! Where pages and feeds put an article's recording: `<audio>` elements, `og:audio`, JSON-LD
//! `audio`/`associatedMedia`, and feed enclosures.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde_json::Value;
use url::Url;

use super::{AudioFormat, Candidate, choose};
use crate::model::{Narration, NarrationSource};

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("constant selector")
}

static AUDIO: LazyLock<Selector> = LazyLock::new(|| selector("audio"));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta[property], meta[name]"));
static JSON_LD: LazyLock<Selector> =
    LazyLock::new(|| selector(r#"script[type="application/ld+json" i]"#));

/// The page's own recording, if it has one herald can play.
pub fn discover(doc: &Html, page_url: &Url) -> Option<Narration> {
    let mut found = audio_elements(doc, page_url);
    found.extend(og_audio(doc, page_url));
    found.extend(json_ld(doc, page_url));
    choose(found)
}

/// [`discover`] on HTML text.
pub fn discover_in_html(html: &str, page_url: &Url) -> Option<Narration> {
    discover(&crate::html::parse_document(html), page_url)
}

/// The best audio enclosure of a feed item, given as `(url, declared media type)`. Enclosures
/// are often images or video, so one counts only when its type (or, with no type, its
/// extension) says audio.
pub fn from_enclosures<'a>(
    enclosures: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    base: Option<&Url>,
) -> Option<Narration> {
    let found = enclosures
        .into_iter()
        .filter(
            |(url, mime)| match mime.map(str::trim).filter(|m| !m.is_empty()) {
                Some(m) => m.to_ascii_lowercase().starts_with("audio/") || m == "application/ogg",
                None => !matches!(
                    AudioFormat::classify(url, None),
                    None | Some(AudioFormat::Unknown)
                ),
            },
        )
        .filter_map(|(url, mime)| Candidate::new(url, mime, NarrationSource::FeedEnclosure, base))
        .collect();
    choose(found)
}

fn audio_elements(doc: &Html, base: &Url) -> Vec<Candidate> {
    let mut out = Vec::new();
    for audio in doc.select(&AUDIO) {
        let el = audio.value();
        if let Some(src) = el.attr("src") {
            out.extend(Candidate::new(
                src,
                el.attr("type"),
                NarrationSource::AudioElement,
                Some(base),
            ));
        }
        for source in audio
            .child_elements()
            .filter(|c| c.value().name() == "source")
        {
            if let Some(src) = source.value().attr("src") {
                let ty = source.value().attr("type");
                out.extend(Candidate::new(
                    src,
                    ty,
                    NarrationSource::AudioElement,
                    Some(base),
                ));
            }
        }
    }
    out
}

/// Open Graph: each `og:audio` starts a structured property; `:url`/`:secure_url` and `:type`
/// that follow describe it.
fn og_audio(doc: &Html, base: &Url) -> Vec<Candidate> {
    #[derive(Default)]
    struct Og<'a> {
        url: Option<&'a str>,
        secure: Option<&'a str>,
        ty: Option<&'a str>,
    }
    let mut groups: Vec<Og> = Vec::new();
    for meta in doc.select(&META) {
        let el = meta.value();
        let Some(prop) = el.attr("property").or_else(|| el.attr("name")) else {
            continue;
        };
        let Some(content) = el.attr("content") else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        if prop == "og:audio" {
            groups.push(Og {
                url: Some(content),
                ..Og::default()
            });
            continue;
        }
        if !prop.starts_with("og:audio:") {
            continue;
        }
        if groups.is_empty() {
            groups.push(Og::default());
        }
        let Some(g) = groups.last_mut() else { continue };
        match prop.as_str() {
            "og:audio:url" => g.url = g.url.or(Some(content)),
            "og:audio:secure_url" => g.secure = Some(content),
            "og:audio:type" => g.ty = Some(content),
            _ => {}
        }
    }
    groups
        .into_iter()
        .filter_map(|g| {
            let url = g.secure.or(g.url)?;
            Candidate::new(url, g.ty, NarrationSource::OgAudio, Some(base))
        })
        .collect()
}

/// Every `audio` and `associatedMedia` anywhere in every JSON-LD block (`@graph` included).
fn json_ld(doc: &Html, base: &Url) -> Vec<Candidate> {
    let mut out = Vec::new();
    for script in doc.select(&JSON_LD) {
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        // serde_json caps nesting at 128 while parsing; walk with a stack all the same.
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    for (key, media) in map {
                        match key.as_str() {
                            "audio" => media_objects(media, false, base, &mut out),
                            "associatedMedia" => media_objects(media, true, base, &mut out),
                            _ => stack.push(media),
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A JSON-LD media value: a URL string, an object, or a list of them. `associatedMedia` also
/// holds images and video, so there an object must say it is audio.
fn media_objects(value: &Value, must_say_audio: bool, base: &Url, out: &mut Vec<Candidate>) {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    };
    for item in items {
        match item {
            Value::String(url) if !must_say_audio => {
                out.extend(Candidate::new(
                    url,
                    None,
                    NarrationSource::JsonLd,
                    Some(base),
                ));
            }
            Value::Object(map) => {
                let str_of = |k: &str| map.get(k).and_then(Value::as_str);
                let Some(url) = str_of("contentUrl").or_else(|| str_of("url")) else {
                    continue;
                };
                let format = str_of("encodingFormat").map(normalize_format);
                let is_audio_type = match map.get("@type") {
                    Some(Value::String(t)) => t.contains("Audio"),
                    Some(Value::Array(ts)) => ts
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|t| t.contains("Audio")),
                    _ => false,
                };
                let says_audio =
                    is_audio_type || format.as_deref().is_some_and(|f| f.starts_with("audio/"));
                if must_say_audio && !says_audio {
                    continue;
                }
                out.extend(Candidate::new(
                    url,
                    format.as_deref(),
                    NarrationSource::JsonLd,
                    Some(base),
                ));
            }
            _ => {}
        }
    }
}

/// `encodingFormat` is a MIME type or, often, a bare extension such as `mp3`.
fn normalize_format(f: &str) -> String {
    let f = f.trim();
    if f.contains('/') {
        return f.to_string();
    }
    let probe = format!("x.{}", f.trim_start_matches('.'));
    match AudioFormat::classify(&probe, None) {
        Some(fmt) => fmt.mime().unwrap_or(f).to_string(),
        // Something we cannot play (e.g. "opus"): keep a type that says so.
        None => format!("audio/{f}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example/2026/story/").expect("url")
    }

    fn find(html: &str) -> Option<Narration> {
        discover_in_html(html, &page())
    }

    #[test]
    fn audio_src_relative() {
        let n =
            find(r#"<p>x</p><audio controls src="../media/story.mp3"></audio>"#).expect("found");
        assert_eq!(n.url, "https://news.example/2026/media/story.mp3");
        assert_eq!(n.source, NarrationSource::AudioElement);
        assert_eq!(n.media_type.as_deref(), Some("audio/mpeg"));
    }

    #[test]
    fn audio_sources_prefer_mp3_over_ogg_and_opus() {
        let html = r#"<audio class="wp-audio-shortcode">
            <source type="audio/ogg; codecs=opus" src="/a.ogg"/>
            <source type="audio/ogg" src="/b.ogg?_=1"/>
            <source type="audio/mpeg" src="/c.mp3?_=1"/>
            <a href="/c.mp3">/c.mp3</a></audio>"#;
        let n = find(html).expect("found");
        assert_eq!(n.url, "https://news.example/c.mp3?_=1");
        assert_eq!(n.media_type.as_deref(), Some("audio/mpeg"));
    }

    #[test]
    fn only_opus_means_none() {
        assert_eq!(
            find(
                r#"<audio src="/a.opus"></audio><audio><source src="/b" type="audio/opus"></audio>"#
            ),
            None
        );
        assert_eq!(find("<p>no audio here</p>"), None);
    }

    #[test]
    fn og_audio_with_secure_url_and_type() {
        let html = r#"<head>
            <meta property="og:audio" content="http://cdn.example/a.ogg">
            <meta property="og:audio:secure_url" content="https://cdn.example/a.ogg">
            <meta property="og:audio:type" content="audio/ogg">
            <meta property="og:audio:url" content="/b.m4a">
            <meta property="og:audio:type" content="audio/mp4">
            </head>"#;
        // The second `:url` without a new `og:audio` belongs to the first group, which already
        // has a URL: it does not replace it.
        let n = find(html).expect("found");
        assert_eq!(n.url, "https://cdn.example/a.ogg");
        assert_eq!(n.source, NarrationSource::OgAudio);

        let two = r#"<meta property="og:audio" content="/a.ogg"><meta property="og:audio" content="/b.m4a">
            <meta property="og:audio:type" content="audio/mp4">"#;
        let n = find(two).expect("found");
        assert_eq!(n.url, "https://news.example/b.m4a");
        assert_eq!(n.media_type.as_deref(), Some("audio/mp4"));
    }

    #[test]
    fn json_ld_audio_and_graph_associated_media() {
        let html = r#"<script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"WebPage","name":"x"},
              {"@type":"NewsArticle","associatedMedia":[
                  {"@type":"ImageObject","contentUrl":"/pic.jpg"},
                  {"@type":"AudioObject","contentUrl":"/narr.m4a","encodingFormat":"audio/mp4"}]}]}
            </script>"#;
        let n = find(html).expect("found");
        assert_eq!(n.url, "https://news.example/narr.m4a");
        assert_eq!(n.source, NarrationSource::JsonLd);

        let html = r#"<script type="application/ld+json">[{"@type":"Article",
            "audio":{"@type":"AudioObject","url":"https://a.example/s","encodingFormat":"mp3"}}]</script>"#;
        let n = find(html).expect("found");
        assert_eq!(n.url, "https://a.example/s");
        assert_eq!(n.media_type.as_deref(), Some("audio/mpeg"));

        let opus = r#"<script type="application/ld+json">{"audio":{"contentUrl":"/s","encodingFormat":"opus"}}</script>"#;
        assert_eq!(find(opus), None);
        assert_eq!(
            find(r#"<script type="application/ld+json">{ not json</script>"#),
            None
        );
    }

    #[test]
    fn audio_element_beats_og_and_json_ld_of_the_same_format() {
        let html = r#"<meta property="og:audio" content="/og.mp3">
            <script type="application/ld+json">{"audio":"/ld.mp3"}</script>
            <audio src="/el.mp3"></audio>"#;
        assert_eq!(
            find(html).expect("found").url,
            "https://news.example/el.mp3"
        );
    }

    #[test]
    fn enclosures_only_audio() {
        let base = page();
        let encl = [
            ("https://cdn.example/pic.jpg", Some("image/jpeg")),
            ("https://cdn.example/v.mp4", Some("video/mp4")),
            ("https://cdn.example/a.opus", Some("audio/opus")),
            ("https://cdn.example/a.ogg", Some("audio/ogg")),
            ("/rel/a.mp3", Some("audio/mpeg")),
        ];
        let n = from_enclosures(encl, Some(&base)).expect("found");
        assert_eq!(n.url, "https://news.example/rel/a.mp3");
        assert_eq!(n.source, NarrationSource::FeedEnclosure);

        assert_eq!(
            from_enclosures([("https://cdn.example/file", None)], None),
            None
        );
        let n = from_enclosures([("https://cdn.example/a.flac", None)], None).expect("found");
        assert_eq!(n.media_type.as_deref(), Some("audio/flac"));
        assert_eq!(
            from_enclosures([("https://cdn.example/v.mp4", Some("video/mp4"))], None),
            None
        );
    }

    #[test]
    fn local_audio_only_for_local_pages() {
        let html = r#"<audio src="file:///etc/passwd"></audio><audio src="n.mp3"></audio>"#;
        let web = Url::parse("https://example.org/a/").expect("constant URL");
        assert_eq!(
            discover_in_html(html, &web).map(|n| n.url),
            Some("https://example.org/a/n.mp3".to_string())
        );
        let local = Url::parse("file:///srv/demo/a.html").expect("constant URL");
        let found = discover_in_html(r#"<audio src="n.mp3"></audio>"#, &local).map(|n| n.url);
        assert_eq!(found.as_deref(), Some("file:///srv/demo/n.mp3"));
    }
}
