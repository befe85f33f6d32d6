//! The headline list: marks, the browser, grouping, refreshing and the list from the store.

use super::*;

#[test]
fn refresh_runs_once_reports_progress_and_keeps_the_selection() {
    let mut s = app();
    key(&mut s, Action::Down);
    assert!(matches!(
        key(&mut s, Action::Refresh).as_slice(),
        [Effect::Refresh]
    ));
    assert!(
        key(&mut s, Action::Refresh).is_empty(),
        "one refresh at a time"
    );
    update(
        &mut s,
        Msg::RefreshProgress {
            done: 37,
            total: 100,
        },
    );
    assert_eq!(s.status, "refreshing 37/100");
    let mut fresh = vec![testdata::headline(9, "A new headline", false)];
    fresh.extend(testdata::headlines());
    update(
        &mut s,
        Msg::RefreshDone(Ok(RefreshOutcome {
            summary: "5 feeds, 1 new".into(),
            failures: Vec::new(),
        })),
    );
    assert_eq!(s.status, "5 feeds, 1 new");
    assert!(!s.refreshing);
    update(&mut s, Msg::HeadlinesLoaded(Ok(fresh.into())));
    assert_eq!(s.selected_headline().map(|h| h.id), Some(2));
    assert_eq!(s.headlines.len(), 5);
    update(&mut s, Msg::RefreshDone(Err("database is locked".into())));
    assert_eq!(s.status, "refresh failed: database is locked");
}

#[test]
fn m_and_s_change_read_and_star_and_save_them() {
    let mut s = app();
    let effects = key(&mut s, Action::ToggleRead);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SetRead { id: 1, read: true }]
    ));
    assert!(s.headlines.read(0));
    let effects = key(&mut s, Action::ToggleRead);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SetRead { id: 1, read: false }]
    ));
    assert_eq!(s.status, "marked unread");
    let effects = key(&mut s, Action::ToggleStar);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SetStarred {
            id: 1,
            starred: true
        }]
    ));
    assert!(s.headlines.starred(0));
    // In the article, they act on the article being read.
    let mut s = opened(1, false);
    let effects = key(&mut s, Action::ToggleStar);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SetStarred {
            id: 2,
            starred: true
        }]
    ));
}

#[test]
fn o_opens_the_article_or_after_a_count_one_of_its_links() {
    let mut s = app();
    assert!(matches!(
        key(&mut s, Action::OpenInBrowser).as_slice(),
        [Effect::OpenInBrowser(u)] if u == "https://gazette.example/1"
    ));
    let mut s = opened(0, true);
    type_keys(&mut s, "1");
    assert_eq!(s.count, Some(1));
    let effects = type_and_get(&mut s, 'o');
    assert!(
        matches!(effects.as_slice(), [Effect::OpenInBrowser(u)] if u == "https://gazette.example/timetable"),
        "{effects:?}"
    );
    assert_eq!(s.count, None, "a count is used once");
    type_keys(&mut s, "7");
    assert!(type_and_get(&mut s, 'o').is_empty());
    assert_eq!(s.status, "no link [7]: this article has 1");
}

fn group(s: &AppState, row: usize) -> Option<&crate::tui::state::Group> {
    s.group(s.rows[row])
}

#[test]
fn a_list_row_stays_small_as_there_is_one_per_headline() {
    assert!(std::mem::size_of::<crate::tui::state::Row>() <= 8);
}

#[test]
fn t_groups_by_feed_then_by_tag_then_newest_first() {
    let mut s = app();
    let mut headlines = s.all_headlines();
    headlines[2].feed = "Coast Weekly".into();
    headlines[2].feed_url = "https://coast.example/feed".into();
    s.set_headlines(headlines);
    s.tags = [(
        "https://coast.example/feed".to_string(),
        vec!["local".to_string()],
    )]
    .into();
    s.regroup();
    key(&mut s, Action::Down);
    let chosen = s.selected_headline().map(|h| h.id);
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::ByFeed);
    let first = group(&s, 0).expect("a group first");
    assert_eq!((first.name.as_str(), first.total), ("Coast Weekly", 1));
    assert_eq!(
        s.selected_headline().map(|h| h.id),
        chosen,
        "the selection stays on its headline"
    );
    key(&mut s, Action::Top);
    assert!(
        s.selected_index().is_some(),
        "a group's header is never selected"
    );
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::ByTag);
    assert_eq!(group(&s, 0).map(|g| g.name.as_str()), Some("local"));
    assert!(
        s.rows
            .iter()
            .filter_map(|r| s.group(*r))
            .any(|g| g.name == "untagged" && g.total == 3)
    );
    key(&mut s, Action::Group);
    assert_eq!(s.grouping, Grouping::Newest);
    assert_eq!(s.rows.len(), s.headlines.len());
}

#[test]
fn failing_feeds_show_on_their_group() {
    let mut s = app();
    update(
        &mut s,
        Msg::RefreshDone(Ok(RefreshOutcome {
            summary: "1 feeds, 0 new; 1 unreachable".into(),
            failures: vec![FeedFailure {
                name: "The Harbour Gazette".into(),
                url: "https://gazette.example/feed".into(),
                kind: crate::failure::FailureKind::Unreachable,
                reason: "could not connect: \u{1b}[31mrefused".into(),
            }],
        })),
    );
    key(&mut s, Action::Group);
    assert_eq!(
        group(&s, 0).and_then(|g| g.error.as_deref()),
        Some("could not connect: refused")
    );
    // A feed that never answered has a group of its own, to show why.
    update(
        &mut s,
        Msg::RefreshDone(Ok(RefreshOutcome {
            summary: String::new(),
            failures: vec![FeedFailure {
                name: "Wire".into(),
                url: "https://wire.example/feed".into(),
                kind: crate::failure::FailureKind::Unreachable,
                reason: "could not connect: no route".into(),
            }],
        })),
    );
    assert!(
        s.rows
            .iter()
            .filter_map(|r| s.group(*r))
            .any(|g| g.name == "Wire" && g.total == 0 && g.error.is_some())
    );
}

fn first_page() -> AppState {
    let page = testdata::headlines()[..2].to_vec();
    let counts = crate::store::HeadlineCounts {
        total: 4,
        unread: 3,
    };
    AppState::first_page(page, counts, (80, 24))
}

#[test]
fn the_first_page_shows_the_whole_lists_counts_until_the_list_arrives() {
    let mut s = first_page();
    assert_eq!(s.status, "4 headlines · ? for help");
    assert_eq!(s.unread(), 3);
    key(&mut s, Action::Down);
    key(&mut s, Action::Open);
    key(&mut s, Action::Back);
    assert_eq!(s.unread(), 2, "the opened headline is read");

    s.dirty = false;
    update(
        &mut s,
        Msg::HeadlinesLoaded(Ok(testdata::headlines().into())),
    );
    assert!(s.dirty);
    assert_eq!((s.headlines.len(), s.loading_rest), (4, None));
    assert_eq!(
        s.selected_headline().map(|h| h.id).unwrap_or_default(),
        2,
        "the selection stays"
    );
    assert!(s.headlines.read(1), "opened before the list came");
    assert_eq!(s.unread(), 2);
    key(&mut s, Action::Bottom);
    assert_eq!(s.selected_headline().map(|h| h.id).unwrap_or_default(), 4);
}

#[test]
fn marks_not_yet_saved_survive_a_list_read_before_them() {
    let mut s = app();
    // The second headline: marked read and starred, and a list read by the store before
    // either was saved comes back.
    key(&mut s, Action::Down);
    key(&mut s, Action::ToggleRead);
    key(&mut s, Action::ToggleStar);
    assert_eq!(s.unsaved_marks.len(), 2);
    update(
        &mut s,
        Msg::HeadlinesLoaded(Ok(testdata::headlines().into())),
    );
    let second = s.headline_at(1).expect("listed");
    assert!(
        second.read && second.starred,
        "the reader's marks are newer"
    );
    // Once both are saved, a list from the store is taken as it is: another process may
    // have changed them since.
    update(&mut s, Msg::MarkSaved { error: None });
    update(&mut s, Msg::MarkSaved { error: None });
    assert!(s.unsaved_marks.is_empty());
    update(
        &mut s,
        Msg::HeadlinesLoaded(Ok(testdata::headlines().into())),
    );
    let second = s.headline_at(1).expect("listed");
    assert!(!second.read && !second.starred);
    assert_eq!(s.selected_headline().map(|h| h.id), Some(second.id));
    update(
        &mut s,
        Msg::MarkSaved {
            error: Some("disk full".into()),
        },
    );
    assert_eq!(s.status, "could not save: disk full");
}

#[test]
fn a_rebuilt_store_is_said_and_refreshed() {
    let mut s = app();
    let effects = update(
        &mut s,
        Msg::StoreRebuilt {
            notice: "the database herald.db is damaged".into(),
        },
    );
    assert!(matches!(effects.as_slice(), [Effect::Refresh]));
    assert!(s.refreshing);
    assert_eq!(s.status, "the database herald.db is damaged");
    let again = update(
        &mut s,
        Msg::StoreRebuilt {
            notice: "again".into(),
        },
    );
    assert!(again.is_empty(), "one refresh at a time");
}

#[test]
fn a_list_that_cannot_be_read_leaves_the_first_page() {
    let mut s = first_page();
    update(&mut s, Msg::HeadlinesLoaded(Err("disk I/O error".into())));
    assert_eq!(s.headlines.len(), 2);
    assert_eq!(s.status, "could not read every headline: disk I/O error");
}
