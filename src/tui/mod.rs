//! The terminal app: headlines, the article with its comments, and the player.
//!
//! [`update::update`] is pure (a message in, effects out); [`app`] runs the loop and the
//! effects; [`view`] draws the state where [`screen`] puts each part, which is also where the
//! mouse's clicks are looked up and how far the keys scroll. See `ARCHITECTURE.md` for the
//! flow of one key press.

pub mod app;
pub mod images;
pub mod keymap;
mod mouse;
pub mod screen;
mod search;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;

#[cfg(test)]
mod layering_tests;
#[cfg(test)]
mod testdata;

pub use app::{check_settings, run};
pub use keymap::{Action, Keymap};
pub use state::{AppState, Focus, Loadable, OpenItem, PlayerSnapshot};
pub use update::{Effect, Msg, update};
