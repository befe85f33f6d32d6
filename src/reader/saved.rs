//! The copy saved for reading offline: kept whenever an article or its comments are fetched,
//! shown instead when they cannot be fetched, with a notice saying so and why.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::AppError;
use crate::store::{CacheKind, Store};

/// What could not be had, and why: `https://example.org/a: could not connect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unavailable {
    /// The address that failed; `None` when the reason already names it.
    pub url: Option<String>,
    pub reason: String,
}

impl Unavailable {
    pub fn at(url: &str, reason: impl std::fmt::Display) -> Unavailable {
        Unavailable {
            url: Some(url.to_string()),
            reason: reason.to_string(),
        }
    }

    pub fn because(reason: impl Into<String>) -> Unavailable {
        Unavailable {
            url: None,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.url {
            Some(url) => write!(f, "{url}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// What is shown instead of what could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The article as saved when it was last read.
    SavedArticle,
    /// The comments as saved when they were last read.
    SavedComments,
    /// The full text the feed carried.
    FeedText,
    /// A discussion site's post's own text, its link being unreachable.
    PostText,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shown::SavedArticle => "the copy saved when it was last read",
            Shown::SavedComments => "the comments saved when it was last read",
            Shown::FeedText => "the full text the feed carried",
            Shown::PostText => "the post's own text",
        })
    }
}

/// Something older or lesser is shown, and why: `url: reason; showing ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub unavailable: Unavailable,
    pub shown: Shown,
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; showing {}", self.unavailable, self.shown)
    }
}

/// An article or thread, and the notice when it is not the one just fetched.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    pub value: T,
    pub notice: Option<Notice>,
}

impl<T> Fetched<T> {
    pub fn fresh(value: T) -> Fetched<T> {
        Fetched {
            value,
            notice: None,
        }
    }

    pub fn instead(value: T, unavailable: Unavailable, shown: Shown) -> Fetched<T> {
        Fetched {
            value,
            notice: Some(Notice { unavailable, shown }),
        }
    }
}

/// Saves `value`, just fetched, for reading offline.
pub(super) fn keep<T: Serialize>(
    store: &Store,
    kind: CacheKind,
    target: &str,
    value: &T,
) -> Result<(), AppError> {
    if let Ok(text) = serde_json::to_string(value) {
        store.put_cached(kind, target, &text)?;
    }
    Ok(())
}

/// The copy saved for `target`, if any.
pub(super) fn saved<T: DeserializeOwned>(
    store: &Store,
    kind: CacheKind,
    target: &str,
) -> Option<T> {
    store
        .get_cached(kind, target)
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
}

/// The copy saved for `target` in place of what could not be had, with the notice saying so;
/// `why` given back when none was saved.
pub(super) fn saved_instead<T: DeserializeOwned>(
    store: &Store,
    kind: CacheKind,
    target: &str,
    why: Unavailable,
) -> Result<Fetched<T>, Unavailable> {
    let shown = match kind {
        CacheKind::Comments => Shown::SavedComments,
        _ => Shown::SavedArticle,
    };
    match saved(store, kind, target) {
        Some(value) => Ok(Fetched::instead(value, why, shown)),
        None => Err(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_say_what_failed_and_what_is_shown_instead() {
        let notice = Notice {
            unavailable: Unavailable::at("https://example.org/a", "could not connect"),
            shown: Shown::SavedArticle,
        };
        assert_eq!(
            notice.to_string(),
            "https://example.org/a: could not connect; showing the copy saved when it was last read"
        );
        let notice = Notice {
            unavailable: Unavailable::because("Reddit: HTTP 503"),
            shown: Shown::SavedComments,
        };
        assert_eq!(
            notice.to_string(),
            "Reddit: HTTP 503; showing the comments saved when it was last read"
        );
    }

    #[test]
    fn the_saved_copy_stands_in_and_nothing_saved_gives_the_reason_back() {
        let dir = std::env::temp_dir().join(format!("herald-saved-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (store, _) = Store::open(&dir).expect("store");
        let why = Unavailable::at("https://example.org/a", "timed out");
        let none: Result<Fetched<Vec<String>>, _> = saved_instead(
            &store,
            CacheKind::Comments,
            "https://example.org/a",
            why.clone(),
        );
        assert_eq!(none.err(), Some(why.clone()));
        keep(
            &store,
            CacheKind::Comments,
            "https://example.org/a",
            &vec!["hi"],
        )
        .expect("kept");
        let shown: Fetched<Vec<String>> =
            saved_instead(&store, CacheKind::Comments, "https://example.org/a", why)
                .expect("saved copy");
        assert_eq!(shown.value, vec!["hi".to_string()]);
        assert_eq!(shown.notice.map(|n| n.shown), Some(Shown::SavedComments));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
