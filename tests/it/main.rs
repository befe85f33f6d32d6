//! The integration tests, in one binary: linking the crate once rather than once per file is
//! most of what building them costs. One module per topic; `common` holds what they share.

mod common;

mod article_deep;
mod article_wordpress;
mod audio_player;
mod bulletin;
mod comments_wordpress;
mod corpus_feeds;
mod corpus_readability;
mod demo_edition;
mod faults;
mod fuzz_regressions;
mod hackernews;
mod idle_wakeups;
mod limits;
mod listen;
mod listen_bulletin;
mod listen_speed;
mod mark;
mod media_keys;
mod narration_lookahead;
mod narration_tts;
mod opml;
mod piper;
mod read;
mod refresh;
mod related;
mod related_eval;
mod search;
mod sites;
mod store_concurrency;
mod sync;
mod tui_demo;
mod tui_hostile;
mod tui_images;
mod tui_long_list;
mod tui_pty;
mod tui_views;
mod tui_wordpress;
mod wordpress_cli;
