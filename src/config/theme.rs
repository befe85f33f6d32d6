//! `[theme]`: the app's colours. Read here as written; the app makes its theme of it
//! (`tui::theme::Theme::from_config`).

use std::collections::BTreeMap;

/// A part's name and `"colour"` or `"colour on colour"`.
pub type ThemeConfig = BTreeMap<String, String>;
