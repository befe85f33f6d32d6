//! Screens drawn through `TestBackend` and compared with insta snapshots in `snapshots/`.

use std::time::Duration;

use unicode_segmentation::UnicodeSegmentation;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::audio::{PlayState, PlayerEvent};
use crate::tui::keymap::Action;
use crate::tui::state::AppState;
use crate::tui::testdata;
use crate::tui::update::{Msg, update};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn screen(state: &AppState) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..w {
            let symbol = buffer[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(symbol);
            skip = unicode_columns(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Columns a cell's symbol covers (the cells it hides after it are skipped).
fn unicode_columns(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width()
}

/// Compares the screen with its snapshot in `snapshots/` (`cargo insta review`, or
/// `INSTA_UPDATE=always cargo test --lib tui`, after a deliberate change).
fn check(name: &str, state: &AppState) {
    let snapshot = format!("{name}_{}x{}", state.size.0, state.size.1);
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(snapshot, screen(state));
    });
}

fn app(size: (u16, u16)) -> AppState {
    AppState::new(testdata::headlines(), size)
}

fn opened(size: (u16, u16), narrated: bool) -> AppState {
    let mut s = app(size);
    update(&mut s, Msg::Key(Action::Open));
    let id = s.headlines.id(0);
    testdata::deliver(&mut s, id, narrated);
    s
}

#[test]
fn headlines() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Down));
        check("headlines", &s);
    }
}

#[test]
fn article_with_comments() {
    for size in SIZES {
        let s = opened(size, true);
        check("article", &s);
    }
}

#[test]
fn narrow_terminals_show_the_comments_instead_of_the_article() {
    let mut s = opened((80, 24), true);
    update(&mut s, Msg::Key(Action::ToggleComments));
    check("comments", &s);
}

#[test]
fn speech_marks_the_paragraph_being_spoken() {
    for size in SIZES {
        let mut s = opened(size, false);
        update(&mut s, Msg::Key(Action::TogglePlay));
        update(&mut s, Msg::Player(PlayerEvent::State(PlayState::Playing)));
        update(
            &mut s,
            Msg::Player(PlayerEvent::Position {
                pos: Duration::from_secs(62),
                total: Some(Duration::from_secs(252)),
                part: Some(2),
            }),
        );
        check("speaking", &s);
    }
}

#[test]
fn loading() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Open));
        check("loading", &s);
    }
}

#[test]
fn error() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Open));
        update(
            &mut s,
            Msg::ArticleLoaded {
                id: 1,
                result: Err("https://gazette.example/1: connection refused".into()),
                notice: None,
                layout: None,
            },
        );
        update(
            &mut s,
            Msg::CommentsLoaded {
                id: 1,
                result: Err("https://gazette.example/1: connection refused".into()),
            },
        );
        check("error", &s);
    }
}

#[test]
fn help() {
    for size in SIZES {
        let mut s = app(size);
        update(&mut s, Msg::Key(Action::Help));
        check("help", &s);
    }
}

#[test]
fn help_lists_every_binding() {
    let s = {
        let mut s = app((160, 48));
        update(&mut s, Msg::Key(Action::Help));
        s
    };
    let text = screen(&s);
    for a in crate::tui::keymap::ACTIONS {
        assert!(text.contains(a.help), "help lacks {}", a.name);
    }
}

#[test]
fn help_shows_the_keys_as_configured() {
    let mut s = app((160, 48));
    let keys = [(
        "refresh".to_string(),
        crate::tui::keymap::KeyList::Many(vec!["R".into(), "f5".into()]),
    )]
    .into();
    s.keymap = crate::tui::Keymap::from_config(&keys).expect("valid").0;
    update(&mut s, Msg::Key(Action::Help));
    let text = screen(&s);
    assert!(text.contains(" R F5       refresh the feeds"), "{text}");
}

#[test]
fn grouped_by_feed() {
    let mut s = app((80, 24));
    let mut headlines = s.all_headlines();
    headlines[2].feed = "Coast Weekly".into();
    headlines[2].feed_url = "https://coast.example/feed".into();
    s.set_headlines(headlines);
    s.regroup();
    update(&mut s, Msg::Key(Action::Group));
    check("grouped", &s);
}

#[test]
fn search_matches_stand_out() {
    let mut s = opened((80, 24), true);
    s.search.query = "forty".into();
    let (w, h) = s.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, &s))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let text = screen(&s);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("forty"))
        .expect("the word shows");
    let x = crate::width::of(&line[..line.find("forty").expect("found")]);
    let cell = &buffer[(x as u16, y as u16)];
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        "{cell:?}"
    );
}

/// The style of the first cell showing `symbol`.
fn style_of(state: &AppState, symbol: &str) -> ratatui::style::Style {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal never fails");
    terminal
        .draw(|frame| super::draw(frame, state))
        .expect("drawing to a test terminal never fails");
    let buffer = terminal.backend().buffer();
    let cell = buffer
        .content()
        .iter()
        .find(|c| c.symbol() == symbol)
        .unwrap_or_else(|| panic!("{symbol} not on screen"));
    cell.style()
}

#[test]
fn colours_come_from_the_theme_and_no_color_leaves_only_attributes() {
    let mut s = opened((80, 24), false);
    update(&mut s, Msg::Key(Action::TogglePlay));
    update(
        &mut s,
        Msg::Player(PlayerEvent::Position {
            pos: Duration::from_secs(62),
            total: Some(Duration::from_secs(252)),
            part: Some(1),
        }),
    );
    let spoken = style_of(&s, "▌");
    assert_eq!(spoken.fg, Some(ratatui::style::Color::Yellow));
    let config = [("spoken".to_string(), "#ff8800".to_string())].into();
    s.theme = crate::tui::theme::Theme::from_config(&config, false).expect("valid");
    assert_eq!(
        style_of(&s, "▌").fg,
        Some(ratatui::style::Color::Rgb(0xff, 0x88, 0x00))
    );
    s.theme = crate::tui::theme::Theme::from_config(&config, true).expect("valid");
    let plain = style_of(&s, "▌");
    assert!(
        matches!(plain.fg, None | Some(ratatui::style::Color::Reset)),
        "{plain:?}"
    );
    assert!(plain.add_modifier.contains(ratatui::style::Modifier::BOLD));
}

#[test]
fn nothing_cached_says_how_to_fetch() {
    let s = AppState::new(Vec::new(), (80, 24));
    let text = screen(&s);
    assert!(text.contains("No headlines yet. Press r to fetch your feeds."));
}

/// The display column where `needle` starts on the line of `screen` that shows it.
fn column_of(screen: &str, needle: &str) -> usize {
    let line = screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not on screen:\n{screen}"));
    let at = line.find(needle).unwrap_or_default();
    crate::width::of(&line[..at])
}

/// Two feeds, one named in Japanese, one in Latin letters, and a title in Chinese too long
/// for the row.
fn feeds_named_in_two_scripts(size: (u16, u16)) -> AppState {
    let mut japanese = testdata::headline(1, "Ferry timetable changes for the winter season", true);
    japanese.feed = "日本語ニュース".into();
    japanese.feed_url = "https://nihongo.example/feed".into();
    let mut latin = testdata::headline(2, "Council approves new cycle lanes along the quay", false);
    latin.feed = "Big Desk".into();
    latin.feed_url = "https://bigdesk.example/feed".into();
    let mut chinese = testdata::headline(
        3,
        "港口渡轮将从十二月一日起每四十分钟一班以取代夏季的半小时班次",
        true,
    );
    chinese.feed = "日本語ニュース".into();
    chinese.feed_url = "https://nihongo.example/feed".into();
    AppState::new(vec![japanese, latin, chinese], size)
}

#[test]
fn titles_line_up_whatever_the_script_of_the_feed_name() {
    for size in SIZES {
        let s = feeds_named_in_two_scripts(size);
        let text = screen(&s);
        let japanese = column_of(&text, "Ferry timetable");
        let latin = column_of(&text, "Council approves");
        let chinese = column_of(&text, "港口渡轮");
        assert_eq!(japanese, latin, "{text}");
        assert_eq!(chinese, latin, "{text}");
        // Border, mark, time, the feed's column as wide as its widest name (14), a space.
        assert_eq!(latin, 1 + 2 + 13 + 14 + 1, "{text}");
        // Every row fills the pane exactly: the right border stays in its column.
        for line in text.lines().skip(1).take(3) {
            assert_eq!(crate::width::of(line), usize::from(size.0), "{line:?}");
        }
        check("two_scripts", &s);
    }
}

const CHINESE: &str = "<p>港口 渡轮公司周一表示，从十二月一日起，渡轮将每四十分钟一班，取代夏季每半小时一班的服务。\
七点以前出行的通勤者不会受到影响：早班船保持现有时间。完整的时刻表张贴在两个码头。</p>\
<p>Fewer passengers travel in the dark months（冬季乘客较少）, and the operator wants to service one \
of its two boats before spring.</p>";

fn chinese_article(size: (u16, u16)) -> AppState {
    let mut s = app(size);
    update(&mut s, Msg::Key(Action::Open));
    let url = url::Url::parse("https://gazette.example/1").unwrap_or_else(|e| panic!("{e}"));
    let article = crate::article::Article::from_feed_content(
        "渡轮冬季时刻表",
        CHINESE,
        &url,
        Some("Ada Marsh"),
        Some("2026-11-11T08:01:00Z"),
    )
    .unwrap_or_else(|e| panic!("test article: {e}"));
    update(
        &mut s,
        Msg::ArticleLoaded {
            id: 1,
            result: Ok(Box::new(article)),
            notice: None,
            layout: None,
        },
    );
    s
}

#[test]
fn a_chinese_paragraph_fills_its_lines() {
    for size in SIZES {
        let s = chinese_article(size);
        let width = s.article_width();
        let open = s.open.as_ref().expect("open");
        let rendered = open.rendered.as_ref().expect("laid out");
        let first: Vec<String> = rendered
            .lines
            .iter()
            .filter(|l| l.block == Some(0))
            .map(|l| l.text())
            .collect();
        assert!(first.len() > 1, "{first:?}");
        // The long run after `港口 ` starts beside it instead of leaving it alone on a line.
        assert!(first[0].starts_with("港口 渡轮"), "{first:?}");
        for line in &first[..first.len() - 1] {
            let w = crate::width::of(line);
            // A wide character or a punctuation mark kept off the next line's start may leave
            // at most two columns.
            assert!(w <= width && w + 2 >= width, "{w} of {width}: {first:?}");
        }
        check("chinese", &s);
    }
}

#[test]
fn the_article_keeps_a_column_before_its_right_border() {
    for size in SIZES {
        for s in [opened(size, true), chinese_article(size)] {
            let text = screen(&s);
            let pane = usize::from(if s.wide() {
                crate::tui::screen::article_columns(size.0)
            } else {
                size.0
            });
            for line in text.lines().skip(1).take(usize::from(size.1) - 4) {
                let cells: Vec<&str> = line
                    .graphemes(true)
                    .flat_map(|g| {
                        std::iter::once(g).chain(std::iter::repeat_n(
                            "",
                            crate::width::of(g).saturating_sub(1),
                        ))
                    })
                    .collect();
                // The border's column, and the blank one before it.
                assert_eq!(cells.get(pane - 1), Some(&"│"), "{line:?}\n{text}");
                assert_eq!(cells.get(pane - 2), Some(&" "), "{line:?}\n{text}");
            }
        }
    }
}

#[test]
fn the_player_bar_fits_a_wide_title_and_its_gauge_starts_where_clicks_expect() {
    for size in SIZES {
        let mut s = app(size);
        s.player = crate::tui::state::PlayerSnapshot {
            state: PlayState::Playing,
            pos: Duration::from_secs(62),
            total: Some(Duration::from_secs(252)),
            title: "港口渡轮将从十二月一日起每四十分钟一班以取代夏季的半小时班次".repeat(3),
            item: Some(1),
            ..Default::default()
        };
        let text = screen(&s);
        let bar = text
            .lines()
            .nth(usize::from(size.1) - 2)
            .expect("player row");
        assert!(bar.starts_with("▶ 港口渡轮"), "{bar}");
        assert!(bar.contains('…') && bar.contains("1:02 / 4:12"), "{bar}");
        // The gauge reaches the last column, and starts where hit-testing puts it.
        assert_eq!(crate::width::of(bar), usize::from(size.0), "{bar}");
        let (start, cols) = super::player_bar::gauge(&s, usize::from(size.0));
        let gauge_at = bar.find(['━', '─']).expect("a gauge");
        assert_eq!(crate::width::of(&bar[..gauge_at]), start, "{bar}");
        assert_eq!(crate::width::of(&bar[gauge_at..]), cols, "{bar}");
    }
}

/// The row and column (in cells) where `needle` is drawn, searching rows from the top.
fn drawn_at(state: &AppState, needle: &str) -> Option<(u16, u16)> {
    screen(state).lines().enumerate().find_map(|(y, line)| {
        let at = line.find(needle)?;
        let x = crate::width::of(&line[..at]);
        Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
    })
}

#[test]
fn clicks_land_on_what_is_drawn_under_them() {
    use crate::tui::update::Effect;
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    for size in SIZES {
        for narrated in [true, false] {
            let mut s = opened(size, narrated);
            // The listen bar, wherever drawing puts it, is what a click there plays.
            let (x, y) = drawn_at(&s, "Listen to the article").expect("a listen bar");
            assert_eq!(super::hit(&s, x, y), super::Hit::ListenBar, "{size:?}");
            let effects = update(&mut s, click(x, y));
            assert!(
                matches!(
                    effects.first(),
                    Some(Effect::PlayItem {
                        from_start: false,
                        ..
                    })
                ),
                "{size:?}: {effects:?}"
            );
            // The rows above and below it are not the bar.
            assert_ne!(super::hit(&s, x, y - 1), super::Hit::ListenBar);
            assert_ne!(super::hit(&s, x, y + 1), super::Hit::ListenBar);
            // Each paragraph's first line drawn is the paragraph a click there chooses.
            let open = s.open.as_ref().expect("open");
            let lines = &open.rendered.as_ref().expect("laid out").lines;
            let firsts: Vec<(usize, String)> = lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.block.map(|b| (b, i)))
                .filter(|(b, i)| *i == 0 || lines[i - 1].block != Some(*b))
                .map(|(b, i)| (b, lines[i].text()))
                .take(3)
                .collect();
            assert!(firsts.len() >= 2, "{firsts:?}");
            for (block, text) in firsts {
                let start: String = text.chars().take(20).collect();
                let (x, y) = drawn_at(&s, &start).expect("the paragraph on screen");
                assert_eq!(
                    super::hit(&s, x, y),
                    super::Hit::Paragraph(block),
                    "{size:?}: {start}"
                );
            }
        }
    }
}

/// The archive searched for `heated`, its answer delivered: one comment found, with text
/// that would drive the terminal were it not cleaned.
fn archive_results(size: (u16, u16)) -> AppState {
    let mut s = app(size);
    update(&mut s, Msg::Key(Action::SearchArchive));
    for c in "heated".chars() {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        update(&mut s, Msg::Input(key));
    }
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    update(&mut s, Msg::Input(enter));
    let mut headline = testdata::headline(3, "Lighthouse \u{1b}[2Jrestoration finished", false);
    headline.feed = "The Harbour Gazette".into();
    let hit = crate::store::Hit {
        headline,
        place: crate::store::Place::Comments,
        snippet: vec![
            ("…the waiting room at the north pier is ".to_string(), false),
            ("heated".to_string(), true),
            (", at least.\u{1b}]0;owned\u{7}".to_string(), false),
        ],
    };
    let asked = s.archive_asked;
    update(
        &mut s,
        Msg::ArchiveFound {
            asked,
            result: Ok(vec![hit]),
        },
    );
    s
}

#[test]
fn archive_results_show_where_they_matched() {
    for size in SIZES {
        let s = archive_results(size);
        check("archive", &s);
        let text = screen(&s);
        assert!(
            !text.contains('\u{1b}') && !text.contains("owned"),
            "{text}"
        );
        assert!(text.contains("comments: …the waiting room"), "{text}");
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("comments: "))
            .expect("the snippet shows");
        let x = crate::width::of(&line[..line.find("heated").expect("found")]);
        let mut terminal =
            Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal never fails");
        terminal
            .draw(|frame| super::draw(frame, &s))
            .expect("drawing to a test terminal never fails");
        let cell = &terminal.backend().buffer()[(x as u16, y as u16)];
        assert_eq!(cell.fg, s.theme.matched.fg.unwrap_or_default());
        assert!(
            cell.modifier.contains(s.theme.matched.add_modifier),
            "the matched word stands out"
        );
    }
}

#[test]
fn the_queue_view_lists_the_items_and_the_time_left() {
    let mut s = app((100, 30));
    update(&mut s, Msg::Key(Action::TogglePlay));
    update(&mut s, Msg::Key(Action::Down));
    update(&mut s, Msg::Key(Action::QueueAdd));
    update(
        &mut s,
        Msg::Player(crate::audio::PlayerEvent::State(PlayState::Playing)),
    );
    update(
        &mut s,
        Msg::Player(crate::audio::PlayerEvent::Position {
            pos: Duration::from_secs(62),
            total: Some(Duration::from_secs(252)),
            part: None,
        }),
    );
    update(&mut s, Msg::Key(Action::ShowQueue));
    let text = screen(&s);
    assert!(
        text.contains("Queue 1/2 · 3:10 left + 1 of unknown length"),
        "{text}"
    );
    assert!(
        text.contains("▶  1. The Harbour Gazette · Ferry timetable"),
        "{text}"
    );
    assert!(text.contains("4:12"), "{text}");
    assert!(
        text.contains("   2. The Harbour Gazette · Council approves"),
        "{text}"
    );
    // The player bar says where in the queue.
    assert!(
        text.contains("▶ 1/2 · The Harbour Gazette · Ferry"),
        "{text}"
    );
}

#[test]
fn the_listen_bar_says_where_speech_picks_up() {
    let mut s = opened((100, 30), false);
    if let Some(open) = s.open.as_mut() {
        open.resume_part = Some(3);
    }
    let text = screen(&s);
    assert!(
        text.contains("Listen to the article (synthesized speech)  0:00 / --:--  from paragraph 3"),
        "{text}"
    );
}
