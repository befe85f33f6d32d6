//! Narration discovery (interim: enclosures only; replaced by the full discovery module).
use crate::model::{Narration, NarrationSource};

pub fn choose_enclosure(enclosures: &[(String, Option<String>)]) -> Option<Narration> {
    enclosures
        .iter()
        .find(|(_, t)| t.as_deref().is_some_and(|t| t.starts_with("audio/")))
        .map(|(url, t)| Narration {
            url: url.clone(),
            media_type: t.clone(),
            source: NarrationSource::FeedEnclosure,
        })
}
