//! `[keys]`: which keys do what in the app. Read here as written; the app makes its keymap of
//! it (`tui::keymap::Keymap::from_config`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An action's name and one key or a list of keys, which replace that action's defaults. An
/// empty list unbinds it.
pub type KeysConfig = BTreeMap<String, KeyList>;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    /// The keys as written, one or many alike.
    pub fn items(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}
