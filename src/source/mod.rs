//! Where headlines come from: feeds (RSS, Atom, JSON Feed) and sites' home pages (autodiscovery).

pub mod discover;
pub mod feed;
mod json_feed;
