//! herald: read and listen to the news in a terminal.
//!
//! Everything the app shows is available here without a terminal: configuration, the HTTP
//! client, feeds, the store, articles, comments and narration discovery.
#![deny(clippy::unwrap_used)]

/// `eprintln!` that a closed stderr does not turn into a panic: a line for a person who is no
/// longer there (a terminal closed, `2>&-`, a pipe's reader gone) is dropped.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// [`say!`] without the line's end (a terminal in raw mode wants `\r\n`).
#[macro_export]
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod article;
pub mod audio;
pub mod browser;
pub mod cache;
pub mod cache_key;
pub mod commands;
pub mod comments;
pub mod config;
pub mod dates;
pub mod demo;
pub mod failure;
pub mod html;
pub mod logging;
pub mod model;
pub mod mpris;
pub mod narration;
pub mod net;
pub mod reader;
pub mod refresh;
pub mod sanitize;
pub mod shield;
pub mod sites;
pub mod source;
pub mod store;
pub mod subscriptions;
pub mod sync;
pub mod tui;
pub mod width;
