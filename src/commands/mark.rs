//! `herald mark`: items read, unread, starred or unstarred from the command line, by id or link,
//! or every item of a feed, of all feeds, or dated before a day.

use std::io::Write;

use super::Out;
use super::feed_choice::feeds_named;
use crate::reader::{AppError, Context, EXIT_OK};
use crate::store::marks::{FeedItems, Flag, Marked, NamedItems};

/// What to do to the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkAction {
    Read,
    Unread,
    Star,
    Unstar,
}

impl MarkAction {
    fn flag(self) -> (Flag, bool) {
        match self {
            MarkAction::Read => (Flag::Read, true),
            MarkAction::Unread => (Flag::Read, false),
            MarkAction::Star => (Flag::Starred, true),
            MarkAction::Unstar => (Flag::Starred, false),
        }
    }

    /// The past tense, as the summary line says it.
    fn done(self) -> &'static str {
        match self {
            MarkAction::Read => "marked read",
            MarkAction::Unread => "marked unread",
            MarkAction::Star => "starred",
            MarkAction::Unstar => "unstarred",
        }
    }

    /// What the items that needed nothing already were.
    fn state(self) -> &'static str {
        match self {
            MarkAction::Read => "read",
            MarkAction::Unread => "unread",
            MarkAction::Star => "starred",
            MarkAction::Unstar => "not starred",
        }
    }
}

#[derive(Debug, Clone)]
pub struct MarkArgs {
    pub action: MarkAction,
    /// Ids (as `headlines --json` prints them) or links.
    pub items: Vec<String>,
    /// Every item of this feed.
    pub feed: Option<String>,
    /// Every item of every subscribed feed.
    pub all: bool,
    /// Only items dated before this (unix seconds).
    pub before: Option<i64>,
}

/// Which items the arguments name.
#[derive(Debug, PartialEq)]
enum Selection {
    Named(NamedItems),
    /// Every item of the named feed (or of all feeds), maybe only the older ones.
    Feeds {
        feed: Option<String>,
        before: Option<i64>,
    },
}

fn selection(args: &MarkArgs) -> Result<Selection, String> {
    let bulk = args.feed.is_some() || args.all || args.before.is_some();
    if !args.items.is_empty() && bulk {
        return Err(
            "name items (ids or links) or choose them with --feed, --all or --before, not both"
                .into(),
        );
    }
    if args.all && args.feed.is_some() {
        return Err("--all and --feed choose different items: give one of them".into());
    }
    if bulk {
        if matches!(args.action, MarkAction::Star | MarkAction::Unstar) {
            return Err(
                "star and unstar take ids or links; --feed, --all and --before are for read and unread"
                    .into(),
            );
        }
        return Ok(Selection::Feeds {
            feed: args.feed.clone(),
            before: args.before,
        });
    }
    if args.items.is_empty() {
        return Err("which items? give ids or links (`herald headlines --json` prints both), or --feed NAME, --all or --before DATE".into());
    }
    let mut named = NamedItems::default();
    for item in &args.items {
        if let Ok(id) = item.parse::<i64>() {
            named.ids.push(id);
        } else if item.contains("://") {
            named.links.push(item.clone());
        } else {
            return Err(format!(
                "\"{item}\" is neither an item's id nor a link: `herald headlines --json` prints both"
            ));
        }
    }
    Ok(Selection::Named(named))
}

pub fn mark<W: Write>(ctx: &Context, args: &MarkArgs, out: &mut Out<W>) -> Result<i32, AppError> {
    let selection = selection(args).map_err(AppError::Failed)?;
    let mut store = ctx.store()?;
    let (flag, on) = args.action.flag();
    let marked = match selection {
        Selection::Named(named) => {
            let marked = store.mark_items(&ctx.subscribed_urls(), &named, flag, on)?;
            if !marked.unknown.is_empty() {
                return Err(AppError::Failed(unknown_items(&marked.unknown)));
            }
            marked
        }
        Selection::Feeds { feed, before } => {
            let feeds = match &feed {
                Some(name) => feeds_named(ctx, &store, name)?,
                None => ctx.subscribed_urls(),
            };
            store.mark_feeds(&FeedItems { feeds, before }, flag, on)?
        }
    };
    out.line(&summary(args.action, &marked))?;
    Ok(EXIT_OK)
}

fn unknown_items(unknown: &[String]) -> String {
    let (what, them) = if unknown.len() == 1 {
        ("unknown item", "it")
    } else {
        ("unknown items", "them")
    };
    format!(
        "{what} {}: nothing was marked; `herald headlines --json` lists the ids and links there are (did a refresh remove {them}?)",
        unknown.join(", ")
    )
}

/// `3 marked read`, and how many already were when some were.
fn summary(action: MarkAction, marked: &Marked) -> String {
    let mut line = format!("{} {}", marked.changed, action.done());
    if marked.already > 0 {
        line.push_str(&format!(" ({} already {})", marked.already, action.state()));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(action: MarkAction, items: &[&str]) -> MarkArgs {
        MarkArgs {
            action,
            items: items.iter().map(|s| s.to_string()).collect(),
            feed: None,
            all: false,
            before: None,
        }
    }

    #[test]
    fn ids_and_links_are_told_apart() {
        let got = selection(&args(MarkAction::Read, &["12", "https://a.example/1", "7"]));
        assert_eq!(
            got,
            Ok(Selection::Named(NamedItems {
                ids: vec![12, 7],
                links: vec!["https://a.example/1".into()],
            }))
        );
        let err = selection(&args(MarkAction::Read, &["twelve"])).expect_err("not an id");
        assert!(err.contains("\"twelve\""), "{err}");
    }

    #[test]
    fn a_selection_is_items_or_feeds_never_both_nor_neither() {
        assert!(selection(&args(MarkAction::Read, &[])).is_err());
        let mut both = args(MarkAction::Read, &["1"]);
        both.all = true;
        assert!(selection(&both).is_err());
        let mut all_of_one = args(MarkAction::Read, &[]);
        all_of_one.all = true;
        all_of_one.feed = Some("Alpha".into());
        assert!(selection(&all_of_one).is_err());
        let mut feed = args(MarkAction::Unread, &[]);
        feed.feed = Some("Alpha".into());
        feed.before = Some(10);
        assert_eq!(
            selection(&feed),
            Ok(Selection::Feeds {
                feed: Some("Alpha".into()),
                before: Some(10)
            })
        );
        let mut star_all = args(MarkAction::Star, &[]);
        star_all.all = true;
        assert!(selection(&star_all).is_err());
    }

    #[test]
    fn the_summary_says_what_changed() {
        let marked = |changed, already| Marked {
            changed,
            already,
            unknown: Vec::new(),
        };
        assert_eq!(summary(MarkAction::Read, &marked(3, 0)), "3 marked read");
        assert_eq!(
            summary(MarkAction::Unstar, &marked(1, 2)),
            "1 unstarred (2 already not starred)"
        );
        assert!(unknown_items(&["99".into()]).starts_with("unknown item 99: nothing was marked;"));
    }
}
