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
                    let known = state
                        .texts
                        .get(id)
                        .or_else(|| state.queue.items.iter().find(|h| h.id == id));
                    self.item = Some((
                        id,
                        known.map(|h| h.feed.to_string()),
                        known.and_then(|h| h.link.clone()),
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
            art_url: picture_of(state, p.item),
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

/// The lead picture of the item playing: read with its article to play it, or the open
/// article's when that is the one playing. A web address the desktop fetches itself.
fn picture_of(state: &AppState, item: Option<i64>) -> Option<String> {
    let open = || {
        let open = state.open.as_ref().filter(|o| Some(o.id) == item)?;
        open.article.loaded()?.image.clone()
    };
    let image = state
        .player
        .picture
        .clone()
        .filter(|_| state.player.item == item)
        .or_else(open)?;
    let scheme = url::Url::parse(&image).ok()?.scheme().to_string();
    matches!(scheme.as_str(), "http" | "https" | "file").then_some(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testdata;
    use crate::tui::{Msg, update};

    fn open_with_picture(image: Option<&str>) -> AppState {
        let mut s = AppState::new(testdata::headlines(), (80, 24));
        let id = s.headlines.id(0);
        update(&mut s, Msg::Key(crate::tui::keymap::Action::Open));
        let mut article = testdata::article(id, true);
        article.image = image.map(str::to_string);
        update(
            &mut s,
            Msg::ArticleLoaded {
                id,
                result: Ok(Box::new(article)),
                notice: None,
                layout: None,
            },
        );
        s
    }

    #[test]
    fn the_open_article_playing_shows_its_picture_and_no_other_does() {
        let s = open_with_picture(Some("https://example.org/harbour.jpg"));
        let id = s.headlines.id(0);
        assert_eq!(
            picture_of(&s, Some(id)).as_deref(),
            Some("https://example.org/harbour.jpg")
        );
        assert_eq!(picture_of(&s, Some(id + 1000)), None);
        assert_eq!(picture_of(&s, None), None);
        // A data: URL or an address the desktop cannot fetch is not offered.
        let s = open_with_picture(Some("data:image/png;base64,AAAA"));
        assert_eq!(picture_of(&s, Some(id)), None);
        let s = open_with_picture(None);
        assert_eq!(picture_of(&s, Some(id)), None);
    }

    #[test]
    fn an_item_played_from_the_queue_shows_the_picture_of_its_article_read_to_play_it() {
        let mut s = AppState::new(testdata::headlines(), (80, 24));
        let id = s.headlines.id(1);
        s.player = s.player.starting(id, "Queued".into(), true);
        assert_eq!(picture_of(&s, Some(id)), None);
        update(
            &mut s,
            Msg::NowPlaying {
                item: id,
                recording: None,
                picture: Some("https://example.org/quay.png".into()),
            },
        );
        assert_eq!(
            picture_of(&s, Some(id)).as_deref(),
            Some("https://example.org/quay.png")
        );
        // The next item starts with none until its own is known.
        s.player = s.player.starting(id + 1, "Next".into(), true);
        assert_eq!(picture_of(&s, Some(id + 1)), None);
    }
}
