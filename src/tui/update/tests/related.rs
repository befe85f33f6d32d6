//! Other coverage below the article: asked of the store's worker once the article is in,
//! shown after the article's text, and each item opened in place.

use std::sync::mpsc::channel;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::net::Validators;
use crate::source::feed::FeedItem;
use crate::store::worker::{StoreCommand, StoreEvent, StoreWorker};
use crate::store::{CacheKind, FeedUpdate, HeadlineQuery, Related, Store};

const GAZETTE: &str = "https://gazette.example/feed";
const COURIER: &str = "https://courier.example/feed";

fn feed_item(link: &str, title: &str, summary: &str, published: &str) -> FeedItem {
    FeedItem {
        key: link.to_string(),
        link: Some(link.to_string()),
        title: title.to_string(),
        author: None,
        published: chrono::DateTime::parse_from_rfc3339(published)
            .ok()
            .map(|p| p.with_timezone(&chrono::Utc)),
        summary: Some(summary.to_string()),
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

/// The small edition in the gazette, its ferry article saved; the courier tells the ferry
/// story in its own words, and one other.
fn archive() -> (Store, Vec<String>) {
    let mut store = Store::in_memory().expect("store");
    let urls = vec![GAZETTE.to_string(), COURIER.to_string()];
    let feeds = store.sync_feeds(&urls).expect("feeds");
    let gazette = testdata::headlines()
        .into_iter()
        .map(|h| {
            let link = h.link.clone().unwrap_or_default();
            let published = h.published.clone().unwrap_or_default();
            feed_item(&link, &h.title, "", &published)
        })
        .collect();
    let courier = vec![
        feed_item(
            "https://courier.example/ferry",
            "Harbour ferry to sail every forty minutes this winter",
            "The operator replaces the half-hourly summer timetable from December; early \
             commuter sailings keep their times.",
            "2026-11-11T10:00:00Z",
        ),
        feed_item(
            "https://courier.example/market",
            "Farmers' market moves to Saturdays",
            "Traders said a weekend slot would bring more shoppers.",
            "2026-11-11T09:00:00Z",
        ),
    ];
    for (feed, (title, items)) in feeds
        .iter()
        .zip([("The Harbour Gazette", gazette), ("Courier", courier)])
    {
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(title.to_string()),
            validators: Validators::default(),
            items,
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    let article = serde_json::to_string(&testdata::article(1, false)).expect("json");
    store
        .put_cached(CacheKind::Article, "https://gazette.example/1", &article)
        .expect("article");
    (store, urls)
}

fn screen(state: &AppState) -> Vec<String> {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    terminal
        .draw(|frame| crate::tui::view::draw(frame, state))
        .expect("drawn");
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect()
}

fn row_of(lines: &[String], needle: &str) -> Option<usize> {
    lines.iter().position(|l| l.contains(needle))
}

#[test]
fn other_coverage_is_asked_for_shown_below_the_article_and_opens() {
    let (store, urls) = archive();
    let list = store
        .headlines(&urls, &HeadlineQuery::default())
        .expect("list");
    let mut s = AppState::new(list, (80, 24));
    let dir = std::env::temp_dir().join(format!("herald-related-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (tx, rx) = channel();
    let names = crate::store::FeedNames::from_config(&[]);
    let worker = StoreWorker::start(store, dir.clone(), urls, names, move |e| {
        let _ = tx.send(e);
    })
    .expect("worker");

    s.selected = s
        .rows
        .iter()
        .position(|r| {
            matches!(r, crate::tui::state::Row::Headline(i)
            if s.texts_at(*i as usize).and_then(|h| h.link.as_deref()) == Some("https://gazette.example/1"))
        })
        .expect("the ferry headline");
    key(&mut s, Action::Open);
    let id = s.open.as_ref().expect("open").id;
    let effects = update(
        &mut s,
        Msg::ArticleLoaded {
            id,
            result: Ok(Box::new(testdata::article(1, false))),
            notice: None,
            layout: None,
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadRelated { id: asked } if *asked == id)),
        "{effects:?}"
    );
    // Nothing shows while it is looked for.
    key(&mut s, Action::Bottom);
    assert_eq!(row_of(&screen(&s), "Other coverage"), None);

    worker.send(StoreCommand::Related { id });
    let result = loop {
        match rx.recv_timeout(Duration::from_secs(10)).expect("an answer") {
            StoreEvent::Related {
                id: answered,
                result,
            } if answered == id => break result,
            _ => {}
        }
    };
    update(&mut s, Msg::RelatedFound { id, result });
    let related = s.open.as_ref().expect("open").related_items().to_vec();
    assert_eq!(related.len(), 1, "{related:?}");
    assert_eq!(
        related[0].headline.link.as_deref(),
        Some("https://courier.example/ferry")
    );

    // Below the article's last line, at the bottom of the scroll.
    key(&mut s, Action::Bottom);
    let lines = screen(&s);
    let last = row_of(&lines, "The summer timetable returns in April.").expect("article end");
    let heading = row_of(&lines, "Other coverage").expect("heading");
    let item = row_of(&lines, "1  Courier · Harbour ferry to sail").expect("item");
    assert!(last < heading && heading < item, "{lines:#?}");

    // A click on it opens it in place, as its headline would.
    let click = MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 10,
        row: u16::try_from(item).expect("a row"),
        modifiers: KeyModifiers::NONE,
    };
    let mut clicked = s.clone();
    let effects = update(&mut clicked, Msg::Mouse(click));
    let courier = related[0].headline.id;
    assert_eq!(clicked.open.as_ref().map(|o| o.id), Some(courier));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadArticle { url, .. }
            if url == "https://courier.example/ferry")),
        "{effects:?}"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SetRead { id, read: true } if *id == courier))
    );

    // So does its number then Enter; a number past the list says so.
    let mut typed = s.clone();
    type_keys(&mut typed, "2");
    assert!(press(&mut typed, KeyCode::Enter).is_empty());
    assert_eq!(typed.open.as_ref().map(|o| o.id), Some(id));
    assert!(typed.status.contains("there are 1"), "{}", typed.status);
    type_keys(&mut typed, "1");
    press(&mut typed, KeyCode::Enter);
    assert_eq!(typed.open.as_ref().map(|o| o.id), Some(courier));
    assert_eq!(typed.focus, Focus::Article);
    worker.finish();
    let _ = std::fs::remove_dir_all(dir);
}

fn related(id: i64, title: &str) -> Related {
    let mut headline = testdata::headline(id, title, false);
    headline.feed = "Courier\u{1b}[2J".into();
    Related {
        headline,
        score: 0.5,
    }
}

#[test]
fn an_answer_for_another_article_is_dropped_and_text_is_cleaned() {
    let mut s = opened(0, false);
    let id = s.open.as_ref().expect("open").id;
    update(
        &mut s,
        Msg::RelatedFound {
            id: id + 1,
            result: Ok(vec![related(9, "Elsewhere")]),
        },
    );
    assert_eq!(
        s.open.as_ref().map(|o| &o.related),
        Some(&Loadable::Loading)
    );
    update(
        &mut s,
        Msg::RelatedFound {
            id,
            result: Ok(vec![related(9, "Ferry \u{1b}]0;owned\u{7}news")]),
        },
    );
    let items = s.open.as_ref().expect("open").related_items().to_vec();
    assert_eq!(items.len(), 1);
    assert!(!items[0].headline.title.contains('\u{1b}'));
    assert!(!items[0].headline.feed.contains('\u{1b}'));
}

#[test]
fn no_other_coverage_adds_no_rows_and_enter_does_nothing() {
    let mut s = opened(0, false);
    let id = s.open.as_ref().expect("open").id;
    let before = s.open.as_ref().expect("open").body_lines();
    update(
        &mut s,
        Msg::RelatedFound {
            id,
            result: Ok(Vec::new()),
        },
    );
    assert_eq!(s.open.as_ref().expect("open").body_lines(), before);
    update(
        &mut s,
        Msg::RelatedFound {
            id,
            result: Err("database error: disk I/O error".to_string()),
        },
    );
    assert_eq!(s.open.as_ref().expect("open").body_lines(), before);
    key(&mut s, Action::Bottom);
    assert_eq!(row_of(&screen(&s), "Other coverage"), None);
    assert!(key(&mut s, Action::Open).is_empty());
    assert_eq!(s.open.as_ref().map(|o| o.id), Some(id));
}
