//! Reddit's public JSON: a subreddit's listing as headlines, a post's comments as a thread, and
//! the replies its `more` stubs name, loaded on request.
//!
//! Requests ask for `raw_json=1` so HTML bodies come unescaped; an escaped body (a server that
//! ignores it) is unescaped here as well.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use url::Url;

use crate::comments::text::{Ids, markup_text};
use crate::failure::{Failure, FailureKind};
use crate::model::{Comment, CommentKind, CommentSource, CommentThread};
use crate::net::{Limit, Net, NetError};
use crate::sanitize;
use crate::source::feed::FeedItem;

const SITE: &str = "Reddit";

/// Reddit answers at most this many ids per `morechildren` request.
const MORE_CHILDREN_PER_REQUEST: usize = 100;

/// `{"kind": "Listing", "data": {"children": [...]}}`; a thing of another kind lists nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listing {
    kind: String,
    data: ListingData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListingData {
    children: Vec<Thing>,
}

impl Listing {
    fn children(&self) -> Option<&[Thing]> {
        (self.kind == "Listing").then_some(self.data.children.as_slice())
    }
}

/// A post (`t3`), a comment (`t1`) or a `more` stub. One shape holds the fields herald reads
/// of each kind, all optional: a thing of another kind, or missing some, still parses.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Thing {
    kind: String,
    data: ThingData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ThingData {
    id: Option<String>,
    author: Option<String>,
    /// Seconds since the epoch (a float).
    created_utc: Option<f64>,
    /// `t1_<id>` or `t3_<id>`.
    parent_id: Option<String>,
    body: Option<String>,
    body_html: Option<String>,
    replies: Replies,
    /// A `more` stub's count of replies, and the ids it names.
    count: Option<u64>,
    children: Vec<String>,
    permalink: Option<String>,
    is_self: Option<bool>,
    url: Option<String>,
    title: Option<String>,
    score: Option<i64>,
    num_comments: Option<i64>,
    domain: Option<String>,
    selftext_html: Option<String>,
}

/// A comment's replies: a listing, or `""` when it has none.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Replies {
    Listing(Box<Listing>),
    Empty(IgnoredAny),
}

impl Default for Replies {
    fn default() -> Self {
        Replies::Empty(IgnoredAny)
    }
}

impl Replies {
    fn children(&self) -> Option<&[Thing]> {
        match self {
            Replies::Listing(listing) => listing.children(),
            Replies::Empty(_) => None,
        }
    }
}

/// What `api/morechildren` answers: `json.data.things`, or `json.errors`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoreChildren {
    json: MoreChildrenJson,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoreChildrenJson {
    /// Whatever Reddit says is wrong, shown as it is.
    errors: Option<Vec<serde_json::Value>>,
    data: Option<MoreChildrenData>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoreChildrenData {
    things: Option<Vec<Thing>>,
}

/// `json` as a `T`; `not_it` says what it is not when it is JSON of another shape.
pub(super) fn from_json<T: DeserializeOwned>(json: &[u8], not_it: &str) -> Result<T, String> {
    serde_json::from_slice(json).map_err(|e| {
        if e.is_data() {
            format!("{not_it} ({e})")
        } else {
            format!("not JSON ({e})")
        }
    })
}

/// The posts of `subreddit` (`rust`, `r/rust`, or `rust+programming`; empty for the front page).
pub async fn headlines(net: &Net, base: &str, subreddit: &str) -> Result<Vec<FeedItem>, Failure> {
    let url = listing_url(base, subreddit)?;
    let body = fetch(net, SITE, &url).await?;
    parse_listing(&body, base).map_err(|e| parse_failure(SITE, &url, &e))
}

/// The comments of the post at `permalink` (`/r/x/comments/abc/title/`, or the full URL).
pub async fn thread(net: &Net, base: &str, permalink: &str) -> Result<CommentThread, Failure> {
    let url = format!(
        "{}{}.json?raw_json=1",
        trim_base(base),
        post_path(permalink)?
    );
    let body = fetch(net, SITE, &url).await?;
    parse_thread(&body).map_err(|e| parse_failure(SITE, &url, &e))
}

/// The comments a `more` stub names (its `children`), in display order.
///
/// Each comment has `parent` set as Reddit gives it. `depth` is relative to this list: 0 for a
/// comment whose parent is not in it (the stub's own parent, usually), parent's depth + 1 for
/// the others; the caller splices the list in place of the stub and adds the stub's depth.
/// A stub with no children ("continue this thread") is loaded instead with [`thread`] on
/// `<permalink><stub's parent id>/`, which gives that part of the thread with its parent first.
pub async fn more(
    net: &Net,
    base: &str,
    permalink: &str,
    children: &[String],
) -> Result<Vec<Comment>, Failure> {
    let post = post_id(permalink).ok_or_else(|| {
        Failure::new(
            FailureKind::BadAddress,
            format!("{SITE}: no post id in {}", sanitize::line(permalink)),
        )
    })?;
    let mut ids = Ids::default();
    let mut comments = Vec::new();
    let wanted: Vec<&str> = children
        .iter()
        .map(String::as_str)
        .filter(|id| is_reddit_id(id))
        .collect();
    if wanted.is_empty() {
        return Err(Failure::new(
            FailureKind::BadAddress,
            format!(
                "{SITE}: this stub names no replies to load; a \"continue this thread\" stub \
                 loads as the thread of its parent comment"
            ),
        ));
    }
    for batch in wanted.chunks(MORE_CHILDREN_PER_REQUEST) {
        let url = format!(
            "{}/api/morechildren.json?api_type=json&raw_json=1&link_id=t3_{post}&children={}",
            trim_base(base),
            batch.join(",")
        );
        let body = fetch(net, SITE, &url).await?;
        let things = more_children_things(&body)
            .map_err(|f| f.reworded(|e| format!("{SITE}: {}: {e}", sanitize::line(&url))))?;
        comments.extend(things.iter().filter_map(|t| flat_comment(t, &mut ids)));
    }
    Ok(thread_relative(comments))
}

/// `<base>/r/<subreddit>.json`, or `<base>/hot.json` for the front page.
pub fn listing_url(base: &str, subreddit: &str) -> Result<String, Failure> {
    let name = subreddit.trim().trim_matches('/');
    let name = name
        .strip_prefix("r/")
        .unwrap_or(name)
        .trim_end_matches('/');
    if name.is_empty() {
        return Ok(format!("{}/hot.json?raw_json=1", trim_base(base)));
    }
    // Subreddit names are letters, digits and `_`; `+` joins several. Anything else would
    // change the URL's meaning.
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
    {
        return Err(Failure::new(
            FailureKind::BadAddress,
            format!(
                "{SITE}: \"{}\" is not a subreddit name (letters, digits and _ only)",
                sanitize::line(name)
            ),
        ));
    }
    Ok(format!("{}/r/{name}.json?raw_json=1", trim_base(base)))
}

/// A listing's posts (`kind: "t3"`) as headlines; comment pages and other things are skipped.
pub fn parse_listing(json: &[u8], base: &str) -> Result<Vec<FeedItem>, String> {
    const NOT_IT: &str = "not a Reddit listing";
    let listing: Listing = from_json(json, NOT_IT)?;
    let children = listing.children().ok_or(NOT_IT)?;
    Ok(children
        .iter()
        .filter(|thing| thing.kind == "t3")
        .filter_map(|thing| post_item(&thing.data, base))
        .collect())
}

/// A comments page, `[Listing(t3 post), Listing(t1 comments)]`, as a thread in display order.
/// Deleted and removed comments keep their place; `more` stubs become
/// [`CommentKind::More`] comments where Reddit put them.
pub fn parse_thread(json: &[u8]) -> Result<CommentThread, String> {
    const NOT_IT: &str = "not a Reddit comments page (expected a post and its comments)";
    let pages: Vec<Listing> = from_json(json, NOT_IT)?;
    let comments = pages.get(1).and_then(Listing::children).ok_or(NOT_IT)?;
    let mut ids = Ids::default();
    let mut out = Vec::new();
    // Walked with a stack instead of recursion, so a deep thread cannot exhaust ours.
    let mut stack: Vec<(&Thing, usize, Option<String>)> =
        comments.iter().rev().map(|t| (t, 0, None)).collect();
    while let Some((thing, depth, parent)) = stack.pop() {
        let Some(mut comment) = comment_from_thing(thing, &mut ids) else {
            continue;
        };
        comment.depth = depth;
        comment.parent = parent;
        if let Some(replies) = thing.data.replies.children() {
            let id = Some(comment.id.clone());
            stack.extend(replies.iter().rev().map(|t| (t, depth + 1, id.clone())));
        }
        out.push(comment);
    }
    Ok(CommentThread {
        source: Some(CommentSource::Reddit),
        comments: out,
    })
}

/// A `morechildren` answer (`json.data.things`) as comments in display order, depths relative
/// to the list as [`more`] describes.
pub fn parse_more_children(json: &[u8]) -> Result<Vec<Comment>, Failure> {
    let things = more_children_things(json)?;
    let mut ids = Ids::default();
    let comments = things
        .iter()
        .filter_map(|t| flat_comment(t, &mut ids))
        .collect();
    Ok(thread_relative(comments))
}

fn more_children_things(json: &[u8]) -> Result<Vec<Thing>, Failure> {
    const NOT_IT: &str = "not a morechildren answer (no json.data.things)";
    let answer: MoreChildren =
        from_json(json, NOT_IT).map_err(|e| Failure::new(FailureKind::Parse, e))?;
    let json = answer.json;
    if let Some(errors) = json.errors.filter(|e| !e.is_empty()) {
        let said: Vec<String> = errors
            .iter()
            .map(|e| sanitize::line(&e.to_string()))
            .collect();
        return Err(Failure::new(
            FailureKind::Refused,
            format!("Reddit refused: {}", said.join("; ")),
        ));
    }
    json.data
        .and_then(|d| d.things)
        .ok_or_else(|| Failure::new(FailureKind::Parse, NOT_IT))
}

/// A comment from a flat list, its parent taken from `parent_id`.
fn flat_comment(thing: &Thing, ids: &mut Ids) -> Option<Comment> {
    let mut comment = comment_from_thing(thing, ids)?;
    comment.parent = thing
        .data
        .parent_id
        .as_deref()
        .and_then(|p| p.strip_prefix("t1_"))
        .filter(|id| is_reddit_id(id))
        .map(str::to_string);
    Some(comment)
}

/// Threads a flat list, keeping the given parent of comments whose parent is not in the list
/// (which `comments::thread` would clear): the caller needs it to place them.
fn thread_relative(comments: Vec<Comment>) -> Vec<Comment> {
    let given: std::collections::HashMap<String, Option<String>> = comments
        .iter()
        .map(|c| (c.id.clone(), c.parent.clone()))
        .collect();
    let mut threaded = crate::comments::thread(comments);
    for c in threaded.iter_mut().filter(|c| c.parent.is_none()) {
        c.parent = given.get(&c.id).cloned().flatten();
    }
    threaded
}

/// A `t1` comment or a `more` stub, with parent and depth left for the caller to set.
fn comment_from_thing(thing: &Thing, ids: &mut Ids) -> Option<Comment> {
    let data = &thing.data;
    match thing.kind.as_str() {
        "t1" => Some(comment(data, ids)),
        "more" => Some(more_stub(data, ids)),
        _ => None,
    }
}

fn comment(data: &ThingData, ids: &mut Ids) -> Comment {
    let author = sanitize::line(str_or_empty(&data.author));
    let body = str_or_empty(&data.body).trim();
    // "[deleted]" by its author, "[removed]" by moderators. An author of "[deleted]" with a body
    // only means the account is gone: the text is still there to read.
    let deleted = body == "[deleted]" || body == "[removed]";
    let text = match data.body_html.as_deref() {
        Some(html) if !deleted => html_text(html),
        _ => markup_text(body),
    };
    Comment {
        id: ids.assign(data.id.as_deref(), &author, &text),
        parent: None,
        depth: 0,
        author,
        date: timestamp(data.created_utc).map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)),
        text,
        kind: if deleted {
            CommentKind::Deleted
        } else {
            CommentKind::Normal
        },
    }
}

fn more_stub(data: &ThingData, ids: &mut Ids) -> Comment {
    let children: Vec<String> = data
        .children
        .iter()
        .filter(|id| is_reddit_id(id))
        .cloned()
        .collect();
    let count = data
        .count
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(children.len());
    let text = match count {
        // Reddit's "continue this thread": the replies are too deep to list here.
        0 if children.is_empty() => "continue this thread".to_string(),
        1 => "1 more reply".to_string(),
        n => format!("{n} more replies"),
    };
    let stub_id = format!("more-{}", str_or_empty(&data.parent_id));
    Comment {
        id: ids.assign(Some(&stub_id), "", &text),
        parent: None,
        depth: 0,
        author: String::new(),
        date: None,
        text,
        kind: CommentKind::More { count, children },
    }
}

fn post_item(data: &ThingData, base: &str) -> Option<FeedItem> {
    let permalink = sanitize::line(str_or_empty(&data.permalink));
    if !permalink.starts_with('/') {
        return None;
    }
    let page = format!("{}{permalink}", trim_base(base));
    let is_self = data.is_self.unwrap_or(false);
    let link = if is_self {
        page.clone()
    } else {
        web_url(base, str_or_empty(&data.url)).unwrap_or_else(|| page.clone())
    };
    let title = sanitize::line(str_or_empty(&data.title));
    let author = Some(sanitize::line(str_or_empty(&data.author))).filter(|a| !a.is_empty());
    let mut facts = vec![
        count_of(data.score.unwrap_or(0), "point", "points"),
        count_of(data.num_comments.unwrap_or(0), "comment", "comments"),
    ];
    let domain = sanitize::line(str_or_empty(&data.domain));
    if !domain.is_empty() {
        facts.push(domain);
    }
    let content_html = data
        .selftext_html
        .as_deref()
        .filter(|_| is_self)
        .map(|html| sanitize::text(&unescape_html(html)))
        .filter(|html| !html.trim().is_empty());
    Some(FeedItem {
        key: page.clone(),
        link: Some(link),
        title: if title.is_empty() {
            page.clone()
        } else {
            title
        },
        author,
        published: timestamp(data.created_utc),
        summary: Some(facts.join(" · ")),
        content_html,
        comments_url: Some(page),
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    })
}

/// "1 point", "12 points".
pub(super) fn count_of(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A post's path without the trailing slash, from its permalink or full URL.
fn post_path(permalink: &str) -> Result<String, Failure> {
    let permalink = permalink.trim();
    let path = match Url::parse(permalink) {
        Ok(url) => url.path().to_string(),
        Err(_) => permalink.to_string(),
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".json").unwrap_or(path);
    if !path.starts_with('/') || post_id(path).is_none() {
        return Err(Failure::new(
            FailureKind::BadAddress,
            format!(
                "{SITE}: \"{}\" is not a post's permalink (/r/<subreddit>/comments/<id>/…)",
                sanitize::line(permalink)
            ),
        ));
    }
    Ok(path.to_string())
}

/// The post id of `/r/x/comments/<id>/title/`.
fn post_id(permalink: &str) -> Option<&str> {
    let mut segments = permalink.split(['/', '?', '#']);
    segments.find(|s| *s == "comments")?;
    segments.next().filter(|id| is_reddit_id(id))
}

/// Reddit ids are base-36: anything else would not be one, and could change a URL.
fn is_reddit_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 16 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

fn str_or_empty(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

/// Seconds since the epoch, as Reddit gives them (a float).
fn timestamp(secs: Option<f64>) -> Option<DateTime<Utc>> {
    let secs = secs.filter(|s| s.is_finite())?;
    DateTime::from_timestamp(secs as i64, 0)
}

/// An absolute http(s) URL, or one relative to `base` (Reddit links its galleries so).
fn web_url(base: &str, url: &str) -> Option<String> {
    let url = sanitize::line(url);
    let url = match Url::parse(&url) {
        Ok(url) => url,
        Err(_) if url.starts_with('/') => Url::parse(trim_base(base)).ok()?.join(&url).ok()?,
        Err(_) => return None,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// Comment HTML as plain text, whether or not Reddit escaped it.
fn html_text(html: &str) -> String {
    markup_text(&unescape_html(html))
}

/// Without `raw_json=1` Reddit sends HTML escaped once more (`&lt;div class="md"&gt;`).
fn unescape_html(html: &str) -> String {
    if html.trim_start().starts_with("&lt;") {
        crate::html::parse_fragment(html)
            .root_element()
            .text()
            .collect()
    } else {
        html.to_string()
    }
}

pub(super) fn trim_base(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

/// The body at `url`, or an error a person can act on.
pub(super) async fn fetch(net: &Net, site: &str, url: &str) -> Result<Vec<u8>, Failure> {
    net.get(url, Limit::Feed)
        .await
        .map(|response| response.body)
        .map_err(|e| Failure::new(e.kind(), fetch_error(site, url, &e)))
}

/// An answer that is not what the site's API gives.
pub(super) fn parse_failure(site: &str, url: &str, err: &str) -> Failure {
    Failure::new(
        FailureKind::Parse,
        format!("{site}: {}: {err}", sanitize::line(url)),
    )
}

fn fetch_error(site: &str, url: &str, err: &NetError) -> String {
    let url = sanitize::line(url);
    match err {
        NetError::Status(status) => {
            let advice = match status {
                429 => ": too many requests; try again later",
                403 => ": access denied (a private or quarantined community?)",
                404 => ": not found",
                500.. => ": the site is having trouble; try again later",
                _ => "",
            };
            format!("{site}: {err} from {url}{advice}")
        }
        _ => format!("{site}: could not load {url}: {err}"),
    }
}

#[cfg(test)]
mod tests;
