//! schema.org `Comment`s: in JSON-LD (`comment` on an Article, a DiscussionForumPosting or any
//! other node, replies in the comment's own `comment`, `@graph` nodes linked by `parentItem`) and
//! in microdata (`itemtype` ending in `schema.org/Comment`, replies nested inside).

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};

use super::text::{Ids, element_text, markup_text, wp_comment_id};
use super::thread;
use crate::model::{Comment, CommentKind};
use crate::sanitize;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("constant selector is valid")
}

static SCRIPT: LazyLock<Selector> = LazyLock::new(|| sel("script[type]"));
static ITEM: LazyLock<Selector> = LazyLock::new(|| sel("[itemscope][itemtype]"));
static PROP: LazyLock<Selector> = LazyLock::new(|| sel("[itemprop]"));

/// The `Comment`s of a page's JSON-LD scripts, in the order given, replies after parents.
pub fn json_ld(html: &str) -> Vec<Comment> {
    json_ld_in(&crate::html::parse_document(html))
}

/// The microdata `Comment`s of a page, in document order.
pub fn microdata(html: &str) -> Vec<Comment> {
    microdata_in(&crate::html::parse_document(html))
}

/// A comment as found, before ids are settled.
struct Found {
    /// `@id` or `url`: what other nodes use to point at it.
    key: Option<String>,
    given_id: Option<String>,
    parent: Option<usize>,
    parent_key: Option<String>,
    author: String,
    date: Option<String>,
    text: String,
}

pub(crate) fn json_ld_in(doc: &Html) -> Vec<Comment> {
    let mut found = Vec::new();
    for script in doc.select(&SCRIPT) {
        let ty = script.attr("type").unwrap_or_default().to_ascii_lowercase();
        if !ty.starts_with("application/ld+json") {
            continue;
        }
        let src: String = script.text().collect();
        let src = src.trim();
        let src = src
            .strip_prefix("<![CDATA[")
            .and_then(|s| s.strip_suffix("]]>"))
            .unwrap_or(src);
        // serde_json stops at 128 levels of nesting, which bounds the recursion below.
        if let Ok(v) = serde_json::from_str::<Value>(src) {
            collect(&v, None, &mut found);
        }
    }
    finish(found)
}

fn collect(v: &Value, parent: Option<usize>, out: &mut Vec<Found>) {
    match v {
        Value::Array(items) => items.iter().for_each(|x| collect(x, parent, out)),
        Value::Object(o) if is_comment(o) => {
            let key = ["@id", "url"].iter().find_map(|k| string(o.get(*k)));
            // The same node may be both in `@graph` and under its article.
            if key.is_some() && out.iter().any(|f| f.key == key) {
                return;
            }
            let i = out.len();
            out.push(Found {
                given_id: string(o.get("identifier"))
                    .or_else(|| key.as_deref().and_then(wp_comment_id).map(str::to_string))
                    .or_else(|| key.clone()),
                key,
                parent,
                parent_key: o.get("parentItem").and_then(|p| {
                    string(Some(p))
                        .or_else(|| ["@id", "url"].iter().find_map(|k| string(p.get(*k))))
                }),
                author: o.get("author").map(name_of).unwrap_or_default(),
                date: ["dateCreated", "datePublished", "dateModified"]
                    .iter()
                    .find_map(|k| string(o.get(*k)))
                    .map(|d| sanitize::line(&d)),
                text: ["text", "description"]
                    .iter()
                    .find_map(|k| string(o.get(*k)))
                    .map(|t| markup_text(&t))
                    .unwrap_or_default(),
            });
            if let Some(replies) = o.get("comment") {
                collect(replies, Some(i), out);
            }
        }
        Value::Object(o) => o.values().for_each(|x| collect(x, None, out)),
        _ => {}
    }
}

fn is_comment(o: &Map<String, Value>) -> bool {
    let is = |t: &str| t == "Comment" || t.ends_with("/Comment") || t.ends_with(":Comment");
    match o.get("@type") {
        Some(Value::String(t)) => is(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `"Name"`, `{"name": "Name"}` or a list of either: the first name.
fn name_of(v: &Value) -> String {
    let name = match v {
        Value::Array(items) => return items.first().map(name_of).unwrap_or_default(),
        Value::Object(o) => string(o.get("name")),
        other => string(Some(other)),
    };
    sanitize::line(&name.unwrap_or_default())
}

fn finish(found: Vec<Found>) -> Vec<Comment> {
    let mut ids = Ids::default();
    let assigned: Vec<String> = found
        .iter()
        .map(|f| ids.assign(f.given_id.as_deref(), &f.author, &f.text))
        .collect();
    let by_key: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((f.key.as_deref()?, i)))
        .collect();
    let comments = found
        .iter()
        .zip(&assigned)
        .map(|(f, id)| {
            let parent = f
                .parent
                .or_else(|| by_key.get(f.parent_key.as_deref()?).copied())
                .map(|p| assigned[p].clone());
            Comment {
                id: id.clone(),
                parent,
                depth: 0,
                author: f.author.clone(),
                date: f.date.clone(),
                text: f.text.clone(),
                kind: CommentKind::Normal,
            }
        })
        .collect();
    thread(comments)
}

pub(crate) fn microdata_in(doc: &Html) -> Vec<Comment> {
    let items: Vec<ElementRef> = doc
        .select(&ITEM)
        .filter(|e| {
            e.attr("itemtype").is_some_and(|t| {
                t.split_whitespace()
                    .any(|t| t.trim_end_matches('/').ends_with("schema.org/Comment"))
            })
        })
        .collect();
    let index: HashMap<_, usize> = items.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
    let mut found = Vec::with_capacity(items.len());
    for item in &items {
        let prop = |name: &str| {
            item.select(&PROP).find(|p| {
                has_token(p.attr("itemprop"), name)
                    && scope_of(*p).map(|s| s.id()) == Some(item.id())
            })
        };
        let author = prop("author")
            .map(|a| {
                let named = a.attr("itemscope").and(a.select(&PROP).find(|p| {
                    has_token(p.attr("itemprop"), "name")
                        && scope_of(*p).map(|s| s.id()) == Some(a.id())
                }));
                sanitize::line(&value(named.unwrap_or(a)))
            })
            .unwrap_or_default();
        let date = ["dateCreated", "datePublished", "dateModified"]
            .iter()
            .find_map(|k| prop(k))
            .map(|d| sanitize::line(&value(d)))
            .filter(|d| !d.is_empty());
        let text = prop("text")
            .map(|t| match t.attr("content") {
                Some(c) => markup_text(c),
                None => element_text(t, &|e| index.contains_key(&e.id())),
            })
            .unwrap_or_default();
        let given_id = item
            .attr("id")
            .or_else(|| item.attr("itemid"))
            .map(|id| wp_comment_id(id).unwrap_or(id).to_string());
        let parent = item.ancestors().find_map(|a| index.get(&a.id()).copied());
        found.push(Found {
            key: None,
            given_id,
            parent,
            parent_key: None,
            author,
            date,
            text,
        });
    }
    finish(found)
}

fn has_token(attr: Option<&str>, name: &str) -> bool {
    attr.is_some_and(|a| a.split_whitespace().any(|t| t == name))
}

/// The item a property belongs to: the nearest enclosing `itemscope`.
fn scope_of(el: ElementRef) -> Option<ElementRef> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.attr("itemscope").is_some())
}

/// A property's value as microdata defines it for the elements comments use.
fn value(el: ElementRef) -> String {
    let v = &el.value();
    match v.name() {
        "meta" => v.attr("content").unwrap_or_default().to_string(),
        "time" => v
            .attr("datetime")
            .map(str::to_string)
            .unwrap_or_else(|| el.text().collect()),
        _ => v
            .attr("content")
            .map(str::to_string)
            .unwrap_or_else(|| el.text().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::test_support::{HOSTILE, assert_clean, shape};

    #[test]
    fn json_ld_nested_replies() {
        let html = r#"<script type="application/ld+json">{"@context": "https://schema.org",
 "@type": "DiscussionForumPosting", "headline": "Q",
 "comment": [
  {"@type": "Comment", "@id": "https://x/p#comment-1", "author": {"@type": "Person", "name": "Ann"},
   "dateCreated": "2026-11-19T10:00:00Z", "text": "Top &amp; first",
   "comment": [{"@type": "Comment", "identifier": 2, "author": "Bob", "text": "<p>one</p><p>deep</p>",
     "comment": {"@type": "Comment", "author": [{"name": "Cy"}], "text": "two deep"}}]},
  {"@type": "Comment", "author": {"name": "Dee"}, "text": "second top"}
 ]}</script>"#;
        let cs = json_ld(html);
        assert_eq!(
            shape(&cs),
            [
                ("1".into(), None, 0, "Ann".into()),
                ("2".into(), Some("1".into()), 1, "Bob".into()),
                (cs[2].id.clone(), Some("2".into()), 2, "Cy".into()),
                (cs[3].id.clone(), None, 0, "Dee".into())
            ]
        );
        assert_eq!(cs[0].text, "Top & first");
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T10:00:00Z"));
        assert_eq!(cs[1].text, "one\n\ndeep");
    }

    #[test]
    fn json_ld_graph_with_parent_items() {
        let html = r##"<script type="application/ld+json">{"@graph": [
 {"@type": "Article", "@id": "#a", "comment": [{"@id": "#c1"}]},
 {"@type": ["Comment"], "@id": "#c1", "author": "Ann", "text": "a", "datePublished": "2026-01-01"},
 {"@type": "Comment", "@id": "#c2", "author": "Bob", "text": "b", "parentItem": {"@id": "#c1"}},
 {"@type": "Comment", "@id": "#c3", "author": "Cy", "text": "c", "parentItem": "#c2"}
]}</script><script type="application/ld+json">not json</script>"##;
        let cs = json_ld(html);
        let depths: Vec<usize> = cs.iter().map(|c| c.depth).collect();
        assert_eq!(depths, [0, 1, 2]);
        assert_eq!(cs[2].parent.as_deref(), Some(cs[1].id.as_str()));
    }

    #[test]
    fn microdata_nested_by_containment() {
        let html = r#"<div itemscope itemtype="https://schema.org/Article">
<div itemprop="comment" itemscope itemtype="https://schema.org/Comment" id="comment-1">
  <span itemprop="author" itemscope itemtype="https://schema.org/Person"><a href="/u/ann"><span itemprop="name">Ann</span></a> (admin)</span>
  <time itemprop="dateCreated" datetime="2026-11-19T10:00:00Z">yesterday</time>
  <div itemprop="text"><p>Hello.</p><p>World.</p></div>
  <div itemprop="comment" itemscope itemtype="http://schema.org/Comment">
    <span itemprop="author">Bob</span><meta itemprop="datePublished" content="2026-11-20">
    <div itemprop="text">one deep</div>
    <div itemscope itemtype="http://schema.org/Comment"><span itemprop="author">Cy</span><p itemprop="text">two deep</p></div>
  </div>
</div>
<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Dee</span><p itemprop="text">top</p></div>
</div>"#;
        let cs = microdata(html);
        let got: Vec<_> = cs.iter().map(|c| (c.author.as_str(), c.depth)).collect();
        assert_eq!(got, [("Ann", 0), ("Bob", 1), ("Cy", 2), ("Dee", 0)]);
        assert_eq!(cs[0].id, "1");
        assert_eq!(cs[0].text, "Hello.\n\nWorld.");
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T10:00:00Z"));
        assert_eq!(cs[1].date.as_deref(), Some("2026-11-20"));
        assert_eq!(
            cs[1].text, "one deep",
            "a reply's text stays out of its parent's"
        );
        assert_eq!(cs[2].parent.as_deref(), Some(cs[1].id.as_str()));
    }

    #[test]
    fn hostile_fields_are_sanitized() {
        let j = serde_json::to_string(HOSTILE).expect("a string serializes");
        let html = format!(
            r#"<script type="application/ld+json">{{"comment": [{{"@type": "Comment", "@id": {j}, "author": {j}, "dateCreated": {j}, "text": {j}}}]}}</script>
<div itemscope itemtype="https://schema.org/Comment" id="{HOSTILE}"><span itemprop="author">{HOSTILE}</span><meta itemprop="dateCreated" content="{HOSTILE}"><p itemprop="text">{HOSTILE}</p></div>"#
        );
        let all: Vec<Comment> = json_ld(&html).into_iter().chain(microdata(&html)).collect();
        assert_eq!(all.len(), 2);
        all.iter().for_each(assert_clean);
        assert!(
            all.iter()
                .all(|c| c.author == "REDevil" && c.text == "REDevil")
        );
    }
}
