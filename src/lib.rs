//! herald: read and listen to the news in a terminal.
//!
//! Everything the app shows is available here without a terminal: configuration, the HTTP
//! client, feeds, the store, articles, comments and narration discovery.
#![deny(clippy::unwrap_used)]

pub mod config;
pub mod model;
pub mod net;
pub mod sanitize;
pub mod narration;
pub mod source;
pub mod store;
pub mod refresh;
pub mod subscriptions;
pub mod commands;
