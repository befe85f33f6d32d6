//! The search box and `n`/`N`.

use super::*;

#[test]
fn slash_searches_the_headlines_and_n_finds_the_next_match() {
    let mut s = app();
    type_keys(&mut s, "/");
    assert_eq!(s.search.typing.as_deref(), Some(""));
    // Keys go to the box while it is open: `q` does not quit.
    type_keys(&mut s, "qe");
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    assert!(!s.quit);
    type_keys(&mut s, "ER");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.search.typing, None);
    // In headlines 1 ("Ferry ... winter") and 4 ("... cooperative ...").
    assert_eq!(s.selected, 3);
    assert_eq!(s.status, "/ER: match 2 of 2");
    key(&mut s, Action::SearchNext);
    assert_eq!((s.selected, s.status.as_str()), (0, "/ER: match 1 of 2"));
    key(&mut s, Action::SearchPrevious);
    assert_eq!(s.selected, 3);
    type_keys(&mut s, "/");
    type_keys(&mut s, "zebra");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.status, "/zebra: not found");
    assert_eq!(s.selected, 3, "nothing found: the selection stays");
    type_keys(&mut s, "/x");
    press(&mut s, KeyCode::Esc);
    assert_eq!(
        (s.search.typing.as_ref(), s.search.query.as_str()),
        (None, "zebra")
    );
}

#[test]
fn search_in_the_article_scrolls_to_the_line_and_in_the_comments_selects_one() {
    let mut s = opened(0, true);
    testdata::resize(&mut s, 60, 12);
    type_keys(&mut s, "/");
    type_keys(&mut s, "spring");
    press(&mut s, KeyCode::Enter);
    let open = s.open.as_ref().expect("open");
    let lines = &open.rendered.as_ref().expect("rendered").lines;
    let line = lines
        .iter()
        .position(|l| l.text().contains("spring"))
        .expect("the word is in the article");
    assert!((open.scroll..open.scroll + s.article_rows()).contains(&line));
    assert!(open.scroll > 0);
    assert!(!open.follow, "a search is the reader scrolling away");
    assert_eq!(s.status, "/spring: match 1 of 1");

    key(&mut s, Action::ToggleComments);
    type_keys(&mut s, "/");
    type_keys(&mut s, "early boats");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.open.as_ref().expect("open").comment_selected, 2);
}

#[test]
fn a_search_match_inside_a_folded_thread_unfolds_it() {
    let mut s = opened(0, true);
    key(&mut s, Action::ToggleComments);
    key(&mut s, Action::FoldThread);
    assert!(s.open.as_ref().expect("open").folded.contains(&0));
    type_keys(&mut s, "/");
    type_keys(&mut s, "heated");
    press(&mut s, KeyCode::Enter);
    let open = s.open.as_ref().expect("open");
    assert_eq!(open.comment_selected, 1);
    assert!(open.folded.is_empty());
}
