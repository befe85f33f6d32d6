//! A long list: its texts read from the store a page at a time, around the rows shown.

use super::*;
use crate::model::{Headline, Listing};
use crate::store::worker::TextsFor;

const LONG: i64 = 10_000;

fn story(id: i64) -> Headline {
    let mut h = testdata::headline(id, &format!("Story number {id}"), id % 7 == 0);
    h.read = id % 2 == 0;
    h
}

/// The store's side: every headline of the archive, by id.
fn archive() -> Vec<Headline> {
    (1..=LONG).map(story).collect()
}

/// A long list as the app first has it: every headline's place, the top page's texts.
fn long_list() -> AppState {
    let all = archive();
    let listing = Listing {
        index: all.iter().collect(),
        texts: all[..crate::store::TOP_PAGE].to_vec(),
    };
    AppState::new(listing, (80, 24))
}

/// The texts asked for in `effects`, read from the archive and delivered as the worker does.
fn deliver_texts(s: &mut AppState, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        match effect {
            Effect::ReadTexts { ids, purpose } => {
                let result = Ok(ids.iter().map(|&id| story(id)).collect());
                let more = update(
                    s,
                    Msg::TextsRead {
                        asked: ids,
                        purpose,
                        result,
                    },
                );
                out.extend(deliver_texts(s, more));
            }
            other => out.push(other),
        }
    }
    out
}

fn asked(effects: &[Effect]) -> Option<(&[i64], TextsFor)> {
    effects.iter().find_map(|e| match e {
        Effect::ReadTexts { ids, purpose } => Some((&ids[..], *purpose)),
        _ => None,
    })
}

/// The titles of the rows on the screen, "…" for those not read yet.
fn shown_titles(s: &AppState) -> Vec<String> {
    let rows = s.list_rows();
    s.rows[s.list_offset..(s.list_offset + rows).min(s.rows.len())]
        .iter()
        .filter_map(|r| r.headline())
        .map(|i| s.texts_at(i).map_or("…".to_string(), |h| h.title.clone()))
        .collect()
}

#[test]
fn the_list_holds_the_texts_near_the_screen_only_and_reads_the_rest_as_it_scrolls() {
    let mut s = long_list();
    assert_eq!(s.headlines.len(), LONG as usize);
    assert_eq!(s.rows.len(), LONG as usize);
    // The top page came with the list: nothing to ask for at the top.
    let effects = key(&mut s, Action::Down);
    assert_eq!(asked(&effects), None);
    assert!(shown_titles(&s).iter().all(|t| t != "…"));

    // The end of the list: its rows have no texts yet and are asked for at once.
    let effects = key(&mut s, Action::Bottom);
    assert_eq!(s.selected, LONG as usize - 1);
    let (ids, purpose) = asked(&effects).expect("the end's texts asked for");
    assert_eq!(purpose, TextsFor::List);
    assert!(ids.contains(&LONG), "the last row is among them");
    assert!(ids.len() <= s.list_rows() + 2 * 150, "a page, not the list");
    assert!(shown_titles(&s).iter().all(|t| t == "…"));
    // Asked once: a key meanwhile does not ask again.
    assert_eq!(asked(&key(&mut s, Action::Up)), None);
    deliver_texts(&mut s, effects);
    assert!(
        shown_titles(&s)
            .iter()
            .all(|t| t.starts_with("Story number"))
    );
    assert_eq!(
        s.selected_headline().map(|h| h.title),
        Some(format!("Story number {}", LONG - 1))
    );

    // Down the whole list a screen at a time and back up: what is held stays a few pages.
    let mut held = 0;
    key(&mut s, Action::Top);
    for _ in 0..LONG {
        if s.selected + 1 == LONG as usize {
            break;
        }
        let effects = key(&mut s, Action::PageDown);
        deliver_texts(&mut s, effects);
        assert!(
            shown_titles(&s).iter().all(|t| t != "…"),
            "at {}",
            s.selected
        );
        held = held.max(s.texts.len());
    }
    assert_eq!(s.selected, LONG as usize - 1);
    assert!(held <= 4 * 150 + 2 * 150 + 24, "at most {held} held");
}

#[test]
fn a_headline_opened_before_its_texts_are_read_opens_when_they_come() {
    let mut s = long_list();
    let effects = key(&mut s, Action::Bottom);
    // Enter before the texts are here: nothing opens yet.
    let opened = key(&mut s, Action::Open);
    assert!(s.open.is_none());
    assert_eq!(s.status, "opening…");
    assert!(
        !opened
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { .. }))
    );
    let effects = deliver_texts(&mut s, effects);
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(LONG));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { id, .. } if *id == LONG))
    );
}

#[test]
fn a_list_read_again_keeps_showing_its_texts_and_reads_them_afresh() {
    let mut s = long_list();
    let effects = key(&mut s, Action::Bottom);
    deliver_texts(&mut s, effects);
    // Another process renamed a story: the list is read again, the top page's texts with it.
    let all = archive();
    let listing = Listing {
        index: all.iter().collect(),
        texts: all[..crate::store::TOP_PAGE].to_vec(),
    };
    let effects = update(&mut s, Msg::HeadlinesLoaded(Ok(listing)));
    assert!(
        shown_titles(&s).iter().all(|t| t != "…"),
        "no flash of empty rows"
    );
    let (ids, _) = asked(&effects).expect("the rows shown are read again");
    assert!(ids.contains(&LONG));
}

#[test]
fn the_lists_search_asks_the_store_and_goes_to_the_match() {
    let mut s = long_list();
    type_keys(&mut s, "/");
    type_keys(&mut s, "number 9999");
    let effects = update(
        &mut s,
        Msg::Input(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert_eq!(s.status, "/number 9999: searching…");
    let needle = effects
        .iter()
        .find_map(|e| match e {
            Effect::FindTitles { needle } => Some(needle.clone()),
            _ => None,
        })
        .expect("the store is asked");
    assert_eq!(needle, "number 9999");
    // An answer for another search is dropped.
    update(
        &mut s,
        Msg::TitlesFound {
            needle: "other".into(),
            result: Ok(vec![1]),
        },
    );
    assert_eq!(s.selected, 0);
    let effects = update(
        &mut s,
        Msg::TitlesFound {
            needle,
            result: Ok(vec![9999]),
        },
    );
    assert_eq!(s.status, "/number 9999: match 1 of 1");
    assert_eq!(s.headlines.id(s.selected), 9999);
    assert!(asked(&effects).is_some_and(|(ids, _)| ids.contains(&9999)));
    // `n` finds it again without asking.
    let effects = key(&mut s, Action::SearchNext);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FindTitles { .. }))
    );
    assert_eq!(s.status, "/number 9999: match 1 of 1");
}

#[test]
fn the_whole_view_joins_the_queue_once_its_texts_are_read() {
    let mut s = long_list();
    key(&mut s, Action::UnreadOnly);
    let effects = key(&mut s, Action::QueueAll);
    let (ids, purpose) = asked(&effects).expect("the view's texts asked for");
    assert_eq!(purpose, TextsFor::Queue);
    assert_eq!(ids.len(), LONG as usize / 2, "the unread half");
    assert!(s.queue.items.is_empty());
    deliver_texts(&mut s, effects);
    assert_eq!(s.queue.items.len(), LONG as usize / 2);
    assert_eq!(s.queue.items[0].title, "Story number 1");
    assert!(s.queue.items.iter().all(|h| !h.read));
    assert_eq!(
        s.status,
        format!("queued {} more: {} in the queue", LONG / 2, LONG / 2)
    );
}

#[test]
fn a_headline_waiting_to_open_is_let_go_when_its_texts_cannot_be_read() {
    let mut s = long_list();
    let effects = key(&mut s, Action::Bottom);
    let (ids, purpose) = asked(&effects).expect("asked");
    let ids = ids.to_vec();
    key(&mut s, Action::Open);
    assert_eq!(s.open_when_read, Some(LONG));
    update(
        &mut s,
        Msg::TextsRead {
            asked: ids,
            purpose,
            result: Err("disk I/O error".into()),
        },
    );
    assert!(s.open.is_none());
    assert_eq!(s.open_when_read, None);
    assert_eq!(
        s.status,
        "could not read the headlines' texts: disk I/O error"
    );
}
