//! Hacker News: story lists and items from the official Firebase API, whole comment trees from
//! Algolia's items API in one request, falling back to Firebase item by item.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use url::Url;

use super::{HackerNewsConfig, HnList, Story};
use crate::comments::text::markup_text;
use crate::failure::{Failure, FailureKind};
use crate::model::{Comment, CommentKind, CommentSource, CommentThread};
use crate::net::{Limit, Net};
use crate::sanitize;
use crate::source::feed::FeedItem;

/// Stories taken from the front of a list: the site's first page.
pub const MAX_STORIES: usize = 30;
/// Items fetched from Firebase at once.
const CONCURRENT_FETCHES: usize = 8;
/// Comments fetched from Firebase for one thread at most, so a huge thread cannot run on.
const MAX_FIREBASE_COMMENTS: usize = 2000;

/// An item as Firebase gives it (stories, comments, jobs, polls alike).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Item {
    id: u64,
    deleted: bool,
    dead: bool,
    #[serde(rename = "type")]
    kind: Option<String>,
    by: Option<String>,
    time: Option<i64>,
    text: Option<String>,
    url: Option<String>,
    title: Option<String>,
    score: Option<i64>,
    descendants: Option<i64>,
    kids: Vec<u64>,
}

/// A node of Algolia's tree.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AlgoliaItem {
    id: u64,
    author: Option<String>,
    text: Option<String>,
    created_at: Option<String>,
    created_at_i: Option<i64>,
    deleted: bool,
    dead: bool,
    children: Vec<AlgoliaItem>,
}

/// The discussion page of item `id`.
pub fn item_page(id: u64) -> String {
    format!("https://news.ycombinator.com/item?id={id}")
}

fn endpoint(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim().trim_end_matches('/'))
}

/// Downloads and decodes `url`; errors name the site and the URL.
async fn get_json<T: DeserializeOwned>(net: &Net, url: &str) -> Result<T, Failure> {
    let response = net.get(url, Limit::Feed).await.map_err(|e| {
        Failure::from(e).reworded(|e| sanitize::line(&format!("Hacker News: {e} from {url}")))
    })?;
    serde_json::from_slice(&response.body).map_err(|e| {
        Failure::new(
            FailureKind::Parse,
            sanitize::line(&format!(
                "Hacker News: {url} did not answer with the expected JSON ({e})"
            )),
        )
    })
}

fn no_item(id: u64) -> Failure {
    Failure::new(
        FailureKind::Missing,
        format!("Hacker News: there is no item {id}"),
    )
}

/// Fetches the items `ids` from Firebase, at most [`CONCURRENT_FETCHES`] at once, in the order
/// given; an item that does not exist is `Ok(None)`.
async fn fetch_items(net: &Net, firebase: &str, ids: &[u64]) -> Vec<Result<Option<Item>, Failure>> {
    let slots = Arc::new(Semaphore::new(CONCURRENT_FETCHES));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, id) in ids.iter().enumerate() {
        let net = net.clone();
        let slots = slots.clone();
        let url = endpoint(firebase, &format!("item/{id}.json"));
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            (index, get_json(&net, &url).await)
        });
    }
    let mut items: Vec<Result<Option<Item>, Failure>> = vec![Ok(None); ids.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, item)) = joined {
            items[index] = item;
        }
    }
    items
}

/// The first [`MAX_STORIES`] stories of `list`, as headlines.
pub async fn headlines(
    net: &Net,
    config: &HackerNewsConfig,
    list: HnList,
) -> Result<Vec<FeedItem>, Failure> {
    let url = endpoint(&config.firebase, &format!("{}stories.json", list.name()));
    let mut ids: Vec<u64> = get_json(net, &url).await?;
    ids.truncate(MAX_STORIES);
    let items = fetch_items(net, &config.firebase, &ids).await;
    if !ids.is_empty() && !items.iter().any(|i| matches!(i, Ok(Some(_)))) {
        // Offline halfway through is still offline: the first item's failure says which.
        let kind = items
            .iter()
            .find_map(|i| i.as_ref().err())
            .map_or(FailureKind::Missing, |f| f.kind);
        return Err(Failure::new(
            kind,
            format!(
                "Hacker News: none of the {} stories of {url} could be read",
                ids.len()
            ),
        ));
    }
    Ok(items
        .into_iter()
        .flatten()
        .flatten()
        .filter(|i| !i.deleted && !i.dead)
        .filter_map(story_item)
        .collect())
}

/// A story (or job, or poll) as a headline: its title, the article it links to (the
/// discussion page for a text post), and points, comments and the linked site as its summary.
fn story_item(item: Item) -> Option<FeedItem> {
    let title = sanitize::line(item.title.as_deref()?);
    if title.is_empty() {
        return None;
    }
    let page = item_page(item.id);
    let article = item.url.as_deref().and_then(web_link);
    let site = article
        .as_ref()
        .and_then(|u| u.host_str())
        .map(|h| h.trim_start_matches("www.").to_string());
    let mut facts = Vec::new();
    if let Some(score) = item.score {
        facts.push(plural(score, "point"));
    }
    if let Some(n) = item.descendants {
        facts.push(plural(n, "comment"));
    }
    let headline = match &site {
        Some(site) => format!("{title} ({site})"),
        None => title,
    };
    // The facts ride in the title too: headline lists show titles only.
    let title = std::iter::once(headline)
        .chain(facts.iter().cloned())
        .collect::<Vec<_>>()
        .join(" · ");
    let summary = facts
        .into_iter()
        .chain(site)
        .collect::<Vec<_>>()
        .join(" · ");
    Some(FeedItem {
        key: page.clone(),
        link: Some(article.map_or_else(|| page.clone(), String::from)),
        title,
        author: item
            .by
            .as_deref()
            .map(sanitize::line)
            .filter(|a| !a.is_empty()),
        published: item
            .time
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
        summary: (!summary.is_empty()).then_some(summary),
        content_html: None,
        comments_url: Some(page),
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    })
}

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// An http(s) link from the site: anything else (`javascript:`, `file:`) is not followed.
fn web_link(s: &str) -> Option<Url> {
    Url::parse(s.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// The post of discussion `id`: what it links to, or its own text.
pub async fn story(net: &Net, config: &HackerNewsConfig, id: u64) -> Result<Story, Failure> {
    let url = endpoint(&config.firebase, &format!("item/{id}.json"));
    let item: Option<Item> = get_json(net, &url).await?;
    let item = item.ok_or_else(|| no_item(id))?;
    Ok(Story {
        title: sanitize::line(item.title.as_deref().unwrap_or_default()),
        link: item.url.as_deref().and_then(web_link).map(String::from),
        text_html: item.text.filter(|t| !t.trim().is_empty()),
        author: item.by.as_deref().map(sanitize::line),
        published: item.time.and_then(rfc3339),
    })
}

fn rfc3339(unix: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.to_rfc3339())
}

/// The comments of story `id`: from Algolia in one request when it is configured and answers,
/// else from Firebase.
pub async fn thread(
    net: &Net,
    config: &HackerNewsConfig,
    id: u64,
) -> Result<CommentThread, Failure> {
    if let Some(algolia) = config.algolia() {
        let url = endpoint(algolia, &format!("items/{id}"));
        let answer = net
            .get(&url, Limit::Feed)
            .await
            .map_err(|e| format!("{e} from {url}"))
            .and_then(|response| algolia_thread(&response.body, id));
        match answer {
            Ok(thread) => return Ok(thread),
            Err(reason) => log::info!(
                "{}; reading the comments from Firebase",
                sanitize::line(&format!("Hacker News: {reason}"))
            ),
        }
    }
    from_firebase(net, &config.firebase, id).await
}

/// The comments of story `id` from Algolia's answer for it (its items API), flattened into
/// display order; an error says why the answer cannot be used.
pub fn algolia_thread(json: &[u8], id: u64) -> Result<CommentThread, String> {
    let root: AlgoliaItem = serde_json::from_slice(json)
        .map_err(|e| format!("Algolia did not answer with the expected JSON ({e})"))?;
    if root.id != id {
        return Err(format!("Algolia answered for item {}, not {id}", root.id));
    }
    Ok(from_algolia(root))
}

fn thread_of(comments: Vec<Comment>) -> CommentThread {
    CommentThread {
        source: Some(CommentSource::HackerNews),
        comments,
    }
}

/// Algolia's nested tree, flattened into display order.
fn from_algolia(root: AlgoliaItem) -> CommentThread {
    let mut comments = Vec::new();
    // Walked with a stack, not recursion: the depth is the site's to choose.
    let mut stack: Vec<(AlgoliaItem, Option<u64>, usize)> = root
        .children
        .into_iter()
        .rev()
        .map(|c| (c, None, 0))
        .collect();
    while let Some((mut node, parent, depth)) = stack.pop() {
        let children = std::mem::take(&mut node.children);
        stack.extend(
            children
                .into_iter()
                .rev()
                .map(|c| (c, Some(node.id), depth + 1)),
        );
        // Algolia keeps a deleted comment's place but gives it neither author nor text.
        let deleted = node.deleted || (node.author.is_none() && node.text.is_none());
        let date = node
            .created_at_i
            .and_then(rfc3339)
            .or_else(|| node.created_at.as_deref().and_then(normalize_date));
        comments.push(comment(
            node.id,
            parent,
            depth,
            node.author.as_deref(),
            date,
            node.text.as_deref(),
            deleted,
            node.dead,
        ));
    }
    thread_of(comments)
}

fn normalize_date(s: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc).to_rfc3339())
}

/// Firebase's items, fetched level by level (each level's items at once, bounded) and then
/// laid out in the site's order: each comment's replies in its `kids` order, right after it.
async fn from_firebase(net: &Net, firebase: &str, id: u64) -> Result<CommentThread, Failure> {
    let url = endpoint(firebase, &format!("item/{id}.json"));
    let story: Option<Item> = get_json(net, &url).await?;
    let story = story.ok_or_else(|| no_item(id))?;
    let mut found: HashMap<u64, Item> = HashMap::new();
    let mut level = story.kids.clone();
    while !level.is_empty() && found.len() < MAX_FIREBASE_COMMENTS {
        level.truncate(MAX_FIREBASE_COMMENTS - found.len());
        let items = fetch_items(net, firebase, &level).await;
        level = Vec::new();
        for item in items.into_iter().flatten().flatten() {
            if found.contains_key(&item.id) {
                continue; // a cycle in hostile data
            }
            level.extend(item.kids.iter().copied());
            found.insert(item.id, item);
        }
    }
    let mut comments = Vec::new();
    let mut stack: Vec<(u64, Option<u64>, usize)> =
        story.kids.iter().rev().map(|&k| (k, None, 0)).collect();
    while let Some((kid, parent, depth)) = stack.pop() {
        // A comment that could not be fetched is left out, with its replies.
        let Some(item) = found.remove(&kid) else {
            continue;
        };
        stack.extend(item.kids.iter().rev().map(|&k| (k, Some(kid), depth + 1)));
        let date = item.time.and_then(rfc3339);
        comments.push(comment(
            item.id,
            parent,
            depth,
            item.by.as_deref(),
            date,
            item.text.as_deref(),
            item.deleted,
            item.dead,
        ));
    }
    Ok(thread_of(comments))
}

/// One comment, its HTML text made plain and safe; deleted and dead ones keep their place.
#[allow(clippy::too_many_arguments)]
fn comment(
    id: u64,
    parent: Option<u64>,
    depth: usize,
    author: Option<&str>,
    date: Option<String>,
    text_html: Option<&str>,
    deleted: bool,
    dead: bool,
) -> Comment {
    let kind = if deleted {
        CommentKind::Deleted
    } else if dead {
        CommentKind::Dead
    } else {
        CommentKind::Normal
    };
    let text = sanitize::text(&markup_text(text_html.unwrap_or_default()));
    let text = match (&kind, text.trim().is_empty()) {
        (CommentKind::Deleted, true) => "[deleted]".to_string(),
        (CommentKind::Dead, true) => "[dead]".to_string(),
        _ => text,
    };
    Comment {
        id: id.to_string(),
        parent: parent.map(|p| p.to_string()),
        depth,
        author: author
            .map(sanitize::line)
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| match kind {
                CommentKind::Deleted => "[deleted]".to_string(),
                _ => "[unknown]".to_string(),
            }),
        date,
        text,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The story list answers, then the network goes: the stories' failure is unreachable too.
    #[test]
    fn stories_lost_to_a_network_gone_midway_are_unreachable() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let firebase = format!("http://{}/v0", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                // Closed before the list is sent, so every item request finds nobody.
                drop(listener);
                let mut request = [0u8; 4096];
                let _ = conn.read(&mut request);
                let body = "[1,2,3]";
                let _ = write!(
                    conn,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let config = HackerNewsConfig {
            firebase,
            algolia: None,
        };
        let net = Net::new(&crate::net::NetConfig::default()).expect("client");
        let err = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(headlines(&net, &config, HnList::Top))
            .expect_err("no story can be read");
        assert!(err.reason.contains("none of the 3 stories"), "{err}");
        assert_eq!(err.kind, FailureKind::Unreachable, "{err}");
    }

    #[test]
    fn story_headline_has_points_comments_and_site() {
        let item: Item = serde_json::from_str(
            r#"{"by":"dhouston","descendants":71,"id":8863,"kids":[8952],"score":111,
                "time":1175714200,"title":"My YC app: Dropbox","type":"story",
                "url":"http://www.getdropbox.com/u/2/screencast.html"}"#,
        )
        .expect("story JSON");
        let h = story_item(item).expect("a headline");
        assert_eq!(
            h.title,
            "My YC app: Dropbox (getdropbox.com) · 111 points · 71 comments"
        );
        assert_eq!(
            h.summary.as_deref(),
            Some("111 points · 71 comments · getdropbox.com")
        );
        assert_eq!(
            h.link.as_deref(),
            Some("http://www.getdropbox.com/u/2/screencast.html")
        );
        assert_eq!(h.comments_url.as_deref(), Some(item_page(8863).as_str()));
        assert_eq!(h.key, item_page(8863));
    }

    #[test]
    fn text_post_links_to_its_discussion() {
        let item: Item = serde_json::from_str(
            r#"{"by":"tel","id":121003,"score":1,"text":"<i>or</i> HN","time":1203647620,
                "title":"Ask HN: \u001b[2JThe Arc Effect","type":"story","url":"javascript:alert(1)"}"#,
        )
        .expect("story JSON");
        let h = story_item(item).expect("a headline");
        assert_eq!(h.title, "Ask HN: The Arc Effect · 1 point");
        assert_eq!(h.link, h.comments_url);
    }

    #[test]
    fn algolia_tree_keeps_deleted_and_dead_in_place() {
        let root: AlgoliaItem = serde_json::from_str(
            r#"{"id":1,"children":[
                {"id":2,"author":"a","text":"<p>Hi &amp; bye","created_at_i":1314211127,"children":[
                    {"id":3,"author":null,"text":null,"children":[
                        {"id":4,"author":"c","text":"under a deleted one","children":[]}]}]},
                {"id":5,"author":"d","text":"","dead":true,"children":[]}]}"#,
        )
        .expect("tree JSON");
        let t = from_algolia(root);
        let shape: Vec<_> = t
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.depth, c.kind.clone()))
            .collect();
        assert_eq!(
            shape,
            [
                ("2", None, 0, CommentKind::Normal),
                ("3", Some("2"), 1, CommentKind::Deleted),
                ("4", Some("3"), 2, CommentKind::Normal),
                ("5", None, 0, CommentKind::Dead),
            ]
        );
        assert_eq!(t.comments[0].text, "Hi & bye");
        assert_eq!(
            t.comments[0].date.as_deref(),
            Some("2011-08-24T18:38:47+00:00")
        );
        assert_eq!(t.comments[1].text, "[deleted]");
        assert_eq!(t.comments[3].text, "[dead]");
    }
}
