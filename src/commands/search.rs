//! `herald search`: the archive's items matching a query, best first.

use std::io::Write;

use super::feed_choice::feeds_named;
use super::{Out, write_json};
use crate::dates::display_date;
use crate::model::Headline;
use crate::reader::{AppError, Context, EXIT_OK};
use crate::sanitize;
use crate::store::{Hit, Place, SearchError, SearchQuery};

#[derive(Debug, Clone, Default)]
pub struct SearchArgs {
    pub query: String,
    pub feed: Option<String>,
    /// Unix seconds.
    pub since: Option<i64>,
    pub unread: bool,
    pub limit: usize,
    pub json: bool,
}

/// A result as `--json` prints it: the headline as `headlines --json` gives it (same id),
/// where the query matched and the words around the match.
#[derive(serde::Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    headline: &'a Headline,
    matched: Place,
    snippet: String,
}

pub fn search<W: Write>(
    ctx: &Context,
    args: &SearchArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let store = ctx.store()?;
    if let Some(name) = &args.feed {
        feeds_named(ctx, &store, name)?;
    }
    let query = SearchQuery {
        text: args.query.clone(),
        feed: args.feed.as_ref().map(|name| ctx.feed_filter(name)),
        since: args.since,
        unread_only: args.unread,
        limit: args.limit,
    };
    let now = chrono::Utc::now().timestamp();
    let mut hits = store
        .search(&ctx.subscribed_urls(), &query, now)
        .map_err(|e| match e {
            SearchError::Malformed { .. } => AppError::Failed(e.to_string()),
            SearchError::Store(e) => AppError::Store(e),
        })?;
    for hit in &mut hits {
        if let Some(name) = ctx.feed_name(&hit.headline.feed_url) {
            hit.headline.feed = name.into();
        }
    }
    if args.json {
        let list: Vec<JsonHit> = hits
            .iter()
            .map(|h| JsonHit {
                headline: &h.headline,
                matched: h.place,
                snippet: sanitize::line(
                    &h.snippet
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect::<String>(),
                ),
            })
            .collect();
        write_json(out, &list)?;
        return Ok(EXIT_OK);
    }
    if hits.is_empty() {
        crate::say!("herald: nothing matches `{}`", sanitize::line(&args.query));
    }
    for hit in &hits {
        out.line(&result_lines(hit))?;
    }
    Ok(EXIT_OK)
}

/// Three lines: date, feed and title; the link; where it matched, with the matched words in
/// brackets.
fn result_lines(hit: &Hit) -> String {
    let h = &hit.headline;
    let date = h.published.as_deref().map(display_date).unwrap_or_default();
    let snippet: String = hit
        .snippet
        .iter()
        .map(|(text, marked)| {
            if *marked {
                format!("[{text}]")
            } else {
                text.clone()
            }
        })
        .collect();
    format!(
        "{}  {}  {}\n    {}\n    {}: {}",
        sanitize::line(&date),
        sanitize::line(&h.feed),
        sanitize::line(&h.title),
        sanitize::line(h.link.as_deref().unwrap_or("(no link)")),
        hit.place.name(),
        sanitize::line(&snippet)
    )
}

/// `--since`: a date (`2026-11-30`, midnight UTC) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<i64, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| {
            format!("`{text}` is not a date: write it as 2026-11-30 or 2026-11-30T08:00:00Z")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_dates_and_times() {
        assert_eq!(parse_since("2026-11-30"), Ok(1_795_996_800));
        assert_eq!(parse_since("2026-11-30T01:00:00+01:00"), Ok(1_795_996_800));
        let err = parse_since("last week").expect_err("not a date");
        assert!(err.contains("2026-11-30"), "{err}");
    }

    #[test]
    fn a_result_shows_where_it_matched() {
        let hit = Hit {
            headline: Headline {
                id: 1,
                feed: "Harbour\u{1b}[2J News".into(),
                feed_url: "https://news.example/rss".into(),
                title: "Ferry".to_string(),
                link: Some("https://news.example/1".to_string()),
                author: None,
                published: Some("2026-11-30T08:00:00+00:00".to_string()),
                read: false,
                starred: false,
                listened: false,
                comments_url: None,
                narration: None,
            },
            place: Place::Comments,
            snippet: vec![
                ("the old ".to_string(), false),
                ("lighthouse".to_string(), true),
                (" keeper".to_string(), false),
            ],
        };
        assert_eq!(
            result_lines(&hit),
            "2026-11-30 08:00  Harbour News  Ferry\n    https://news.example/1\n    \
             comments: the old [lighthouse] keeper"
        );
    }
}
