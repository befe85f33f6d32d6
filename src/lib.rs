//! herald: read and listen to the news in a terminal.
//!
//! Everything the app shows is available here without a terminal: configuration, the HTTP
//! client, feeds, the store, articles, comments and narration discovery.
#![deny(clippy::unwrap_used)]

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
