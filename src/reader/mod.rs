//! What both faces of herald do with the news, apart from how they show it: the context every
//! command and the app work in, an article or its comments fetched with the copy saved for
//! reading offline as the fallback, more replies of a discussion, a recording's length, and a
//! refresh with its summary. The CLI (`commands`) and the app (`tui`) only present the results.

mod article;
mod comments;
mod context;
mod recording;
mod refresh;
mod saved;
mod sync;

pub use article::{Marking, fetch_article, fetch_article_marking, open_article, saved_article};
pub use comments::{fetch_comments, more_replies, open_comments, saved_comments};
pub use context::{AppError, Context, EXIT_CONFIG, EXIT_FAILURE, EXIT_OK};
pub use recording::recording_length;
pub use refresh::{RefreshOutcome, refresh, summary};
pub use saved::{Fetched, Notice, Shown, Unavailable};
pub use sync::sync;
