//! The Google Reader API, the subset every server implements (FreshRSS, Miniflux, Inoreader,
//! The Old Reader, BazQux): ClientLogin, `token`, `subscription/list`, `stream/items/ids`,
//! `stream/items/contents`, `edit-tag` and `subscription/quickadd`. Every request is counted.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;
use url::Url;

use super::SyncError;

/// Items asked for in one `stream/items/contents`.
const CONTENTS_BATCH: usize = 250;
/// Items marked in one `edit-tag`.
const EDIT_BATCH: usize = 1000;
/// Ids asked for in one page of `stream/items/ids`.
const IDS_PAGE: usize = 10_000;
/// The largest answer read: a page of 250 items' contents stays far below it.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
pub const READ: &str = "user/-/state/com.google/read";
pub const STARRED: &str = "user/-/state/com.google/starred";

pub struct Client {
    http: reqwest::Client,
    base: Url,
    auth: String,
    /// The `T` token POSTs need, fetched on the first POST.
    post_token: Option<String>,
    requests: AtomicUsize,
}

/// Logs in; the token it gives stands for the password from then on.
pub async fn login(
    http: &reqwest::Client,
    base: &Url,
    user: &str,
    password: &str,
) -> Result<String, SyncError> {
    let url = endpoint(base, "accounts/ClientLogin")?;
    let resp = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, FORM)
        .body(encode(&[("Email", user), ("Passwd", password)]))
        .send()
        .await
        .map_err(|e| SyncError::unreachable(base, &e))?;
    let status = resp.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(SyncError::Refused);
    }
    let body = read_body(resp, base).await?;
    if !status.is_success() {
        return Err(SyncError::Server(format!(
            "{} answered {status} to the login",
            base
        )));
    }
    let text = String::from_utf8_lossy(&body);
    text.lines()
        .find_map(|l| l.strip_prefix("Auth="))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| SyncError::Server(format!("{base} gave no token at login")))
}

const FORM: &str = "application/x-www-form-urlencoded";

fn encode(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

fn endpoint(base: &Url, path: &str) -> Result<Url, SyncError> {
    let mut s = base.as_str().trim_end_matches('/').to_string();
    s.push('/');
    s.push_str(path);
    Url::parse(&s).map_err(|e| SyncError::Server(format!("{base}: {e}")))
}

async fn read_body(mut resp: reqwest::Response, base: &Url) -> Result<Vec<u8>, SyncError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SyncError::unreachable(base, &e))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(SyncError::Server(format!(
                "{base} sent an answer larger than {} MB",
                MAX_BODY / (1024 * 1024)
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug, Deserialize)]
struct SubscriptionList {
    #[serde(default)]
    subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub categories: Vec<Category>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, rename = "htmlUrl")]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ItemRefs {
    #[serde(default, rename = "itemRefs")]
    item_refs: Vec<ItemRef>,
    #[serde(default)]
    continuation: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct ItemRef {
    id: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct Contents {
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub published: Option<serde_json::Value>,
    #[serde(default)]
    pub canonical: Vec<Link>,
    #[serde(default)]
    pub alternate: Vec<Link>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub origin: Option<Origin>,
    #[serde(default)]
    pub summary: Option<Content>,
    #[serde(default)]
    pub content: Option<Content>,
    #[serde(default)]
    pub enclosure: Vec<Enclosure>,
    #[serde(default)]
    pub author: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub href: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Origin {
    #[serde(default, rename = "streamId")]
    pub stream_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub content: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Enclosure {
    pub href: String,
    #[serde(default, rename = "type")]
    pub media_type: Option<String>,
}

/// An item id in the decimal form `stream/items/ids` gives, from either form: decimal, or
/// `tag:google.com,2005:reader/item/` and 16 hexadecimal digits.
pub fn decimal_id(id: &str) -> Option<String> {
    let id = id.trim();
    if let Some(hex) = id.strip_prefix("tag:google.com,2005:reader/item/") {
        return u64::from_str_radix(hex, 16).ok().map(|n| n.to_string());
    }
    id.parse::<u64>().ok().map(|n| n.to_string())
}

impl Client {
    pub fn new(http: reqwest::Client, base: Url, auth: String) -> Client {
        Client {
            http,
            base,
            auth,
            post_token: None,
            requests: AtomicUsize::new(0),
        }
    }

    /// Requests made so far (the login is counted by the caller).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    async fn check(&self, resp: reqwest::Response, what: &str) -> Result<Vec<u8>, SyncError> {
        let status = resp.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(SyncError::Expired);
        }
        let body = read_body(resp, &self.base).await?;
        if !status.is_success() {
            return Err(SyncError::Server(format!(
                "{} answered {status} to {what}",
                self.base
            )));
        }
        Ok(body)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, SyncError> {
        let mut url = endpoint(&self.base, path)?;
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .http
            .get(url)
            .header("Authorization", format!("GoogleLogin auth={}", self.auth))
            .send()
            .await
            .map_err(|e| SyncError::unreachable(&self.base, &e))?;
        let body = self.check(resp, path).await?;
        serde_json::from_slice(&body).map_err(|e| {
            SyncError::Server(format!(
                "{}: {path} gave JSON herald cannot read: {e}",
                self.base
            ))
        })
    }

    async fn post(&mut self, path: &str, form: &[(&str, String)]) -> Result<Vec<u8>, SyncError> {
        let token = match &self.post_token {
            Some(t) => t.clone(),
            None => {
                let url = endpoint(&self.base, "reader/api/0/token")?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let resp = self
                    .http
                    .get(url)
                    .header("Authorization", format!("GoogleLogin auth={}", self.auth))
                    .send()
                    .await
                    .map_err(|e| SyncError::unreachable(&self.base, &e))?;
                let body = self.check(resp, "token").await?;
                let t = String::from_utf8_lossy(&body).trim().to_string();
                self.post_token = Some(t.clone());
                t
            }
        };
        let mut fields: Vec<(&str, String)> = form.to_vec();
        fields.push(("T", token));
        let url = endpoint(&self.base, path)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .http
            .post(url)
            .header("Authorization", format!("GoogleLogin auth={}", self.auth))
            .header(reqwest::header::CONTENT_TYPE, FORM)
            .body(encode(
                &fields
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect::<Vec<_>>(),
            ))
            .send()
            .await
            .map_err(|e| SyncError::unreachable(&self.base, &e))?;
        self.check(resp, path).await
    }

    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, SyncError> {
        let list: SubscriptionList = self
            .get(
                "reader/api/0/subscription/list",
                &[("output", "json".to_string())],
            )
            .await?;
        Ok(list.subscriptions)
    }

    /// The ids of `stream`'s items, newest first: all of them, or those crawled since `since`
    /// (unix seconds), leaving out those in `exclude`.
    pub async fn item_ids(
        &self,
        stream: &str,
        exclude: Option<&str>,
        since: Option<i64>,
    ) -> Result<Vec<String>, SyncError> {
        let mut ids = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let mut query = vec![
                ("s", stream.to_string()),
                ("n", IDS_PAGE.to_string()),
                ("output", "json".to_string()),
            ];
            if let Some(x) = exclude {
                query.push(("xt", x.to_string()));
            }
            if let Some(t) = since {
                query.push(("ot", t.to_string()));
            }
            if let Some(c) = &continuation {
                query.push(("c", c.clone()));
            }
            let page: ItemRefs = self.get("reader/api/0/stream/items/ids", &query).await?;
            let before = ids.len();
            ids.extend(page.item_refs.iter().filter_map(|r| match &r.id {
                serde_json::Value::String(s) => decimal_id(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }));
            continuation = match page.continuation {
                Some(serde_json::Value::String(c)) if !c.is_empty() => Some(c),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            // A server repeating its last page must not keep herald asking forever.
            if continuation.is_none() || ids.len() == before {
                break;
            }
        }
        Ok(ids)
    }

    /// The items of `ids`, in batches.
    pub async fn contents(&mut self, ids: &[String]) -> Result<Vec<Item>, SyncError> {
        let mut items = Vec::with_capacity(ids.len());
        for batch in ids.chunks(CONTENTS_BATCH) {
            let mut form: Vec<(&str, String)> = batch.iter().map(|i| ("i", i.clone())).collect();
            form.push(("output", "json".to_string()));
            let body = self
                .post("reader/api/0/stream/items/contents", &form)
                .await?;
            let contents: Contents = serde_json::from_slice(&body).map_err(|e| {
                SyncError::Server(format!(
                    "{}: stream/items/contents gave JSON herald cannot read: {e}",
                    self.base
                ))
            })?;
            items.extend(contents.items);
        }
        Ok(items)
    }

    /// Adds (or removes) `tag` to the items of `ids`, in batches; returns the requests made.
    pub async fn edit_tag(
        &mut self,
        ids: &[String],
        tag: &str,
        add: bool,
    ) -> Result<(), SyncError> {
        for batch in ids.chunks(EDIT_BATCH) {
            let mut form: Vec<(&str, String)> = batch.iter().map(|i| ("i", i.clone())).collect();
            form.push((if add { "a" } else { "r" }, tag.to_string()));
            self.post("reader/api/0/edit-tag", &form).await?;
        }
        Ok(())
    }

    /// Subscribes the account to the feed at `url`.
    pub async fn subscribe(&mut self, url: &str) -> Result<(), SyncError> {
        self.post(
            "reader/api/0/subscription/quickadd",
            &[("quickadd", url.to_string())],
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_in_either_form_are_decimal() {
        assert_eq!(
            decimal_id("tag:google.com,2005:reader/item/000661b1956e2442").as_deref(),
            Some("1796265204393026")
        );
        assert_eq!(
            decimal_id("1796265204393026").as_deref(),
            Some("1796265204393026")
        );
        assert_eq!(decimal_id("tag:google.com,2005:reader/item/zz"), None);
        assert_eq!(decimal_id("feed/1"), None);
    }
}
