//! The desktop's view of what plays (MPRIS): told when it changes, never on a timer.

use crate::audio::PlayState;
use crate::mpris::{MediaKeys, NowPlaying, Status};
use crate::tui::state::AppState;

/// What the desktop was last told, and the feed and link of the item it concerned (looked up
/// once per item, not on every position).
pub(super) struct MediaShown {
    keys: MediaKeys,
    last: Option<NowPlaying>,
    item: Option<(i64, Option<String>, Option<String>)>,
}

impl MediaShown {
    pub(super) fn new(keys: MediaKeys) -> MediaShown {
        MediaShown {
            keys,
            last: None,
            item: None,
        }
    }

    /// Tells the desktop what plays, when that changed.
    pub(super) fn show(&mut self, state: &AppState) {
        let p = &state.player;
        let (artist, url) = match p.item {
            Some(id) => {
                if self.item.as_ref().is_none_or(|(known, _, _)| *known != id) {
                    let headline = state.headlines.iter().find(|h| h.id == id);
                    self.item = Some((
                        id,
                        headline.map(|h| h.feed.to_string()),
                        headline.and_then(|h| h.link.clone()),
                    ));
                }
                let (_, artist, url) = self.item.clone().unwrap_or_default();
                (artist, url)
            }
            None => (None, None),
        };
        let now = NowPlaying {
            status: match (p.item, p.state) {
                (None, _) | (_, PlayState::Stopped) => Status::Stopped,
                (_, PlayState::Paused) => Status::Paused,
                (_, PlayState::Playing | PlayState::Loading) => Status::Playing,
            },
            track: p.item.map_or(0, |id| id.unsigned_abs()),
            title: p.title.clone(),
            artist,
            url,
            art_url: None,
            length: p.total,
            position: p.pos,
            rate: f64::from(p.speed),
            volume: f64::from(p.volume),
            can_next: state
                .queue
                .current
                .is_some_and(|i| i + 1 < state.queue.items.len()),
            can_previous: state.queue.current.is_some_and(|i| i > 0),
        };
        if self.last.as_ref() != Some(&now) {
            self.keys.show(now.clone());
            self.last = Some(now);
        }
    }
}
