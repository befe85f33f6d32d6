//! The app's frame costs, without a terminal: `update` plus a full `view::draw` on ratatui's
//! `TestBackend` at 120x40, as the loop does for each key.
//!
//!   cargo bench --bench tui
//!
//! - `scroll_key_1mb_article`: one Down key in a ~1 MB article (its comments beside it),
//!   handled and drawn.
//! - `first_frame_50k_headlines`: the first frame of a list of 50,000 headlines on a new
//!   terminal (every cell written). Building the list is excluded: the app reads it from the
//!   store, which `bench/tui_start.py` measures with the whole program.
//! - `headline_key_50k`: one Down key in that list, handled and drawn.
//! - `article_loaded/1mb_laid_out`: the 1 MB article arriving and laid out by `update`.
//!
//! Under `cargo test --all-targets` each runs once, on a 64 KB article.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use herald::article::Article;
use herald::model::{Comment, CommentSource, CommentThread, Headline, Narration, NarrationSource};
use herald::tui::{Action, AppState, Msg, update, view};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const HEADLINES: usize = 50_000;

const WORDS: &[&str] = &[
    "harbour",
    "council",
    "ferry",
    "winter",
    "season",
    "quay",
    "lighthouse",
    "record",
    "autumn",
    "catch",
    "cycle",
    "lanes",
    "timetable",
    "market",
    "school",
    "library",
    "river",
    "harvest",
    "railway",
    "museum",
    "festival",
    "bridge",
    "port",
    "coast",
    "the",
    "of",
    "and",
    "a",
    "to",
];

/// A deterministic word stream (a linear congruential generator over `WORDS`).
struct Words(u64);

impl Words {
    fn next(&mut self) -> &'static str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        WORDS[(self.0 >> 33) as usize % WORDS.len()]
    }

    fn sentence(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.next()).collect();
        let mut s = words.join(" ");
        s[..1].make_ascii_uppercase();
        s
    }
}

/// About `bytes` of article HTML: paragraphs with links and emphasis, a heading every 20.
fn article_html(bytes: usize) -> String {
    let mut words = Words(7);
    let mut html = String::with_capacity(bytes + 1024);
    let mut n = 0;
    while html.len() < bytes {
        if n % 20 == 0 {
            html.push_str(&format!("<h2>{}</h2>", words.sentence(5)));
        }
        html.push_str(&format!(
            "<p>{}. <em>{}</em>, <a href=\"https://news.example/{n}\">{}</a>. {}.</p>\n",
            words.sentence(40),
            words.sentence(6),
            words.sentence(4),
            words.sentence(30),
        ));
        n += 1;
    }
    html
}

fn headline(i: usize) -> Headline {
    let (feed, item) = (i % 500, i / 500);
    let link = format!("http://127.0.0.1:8900/article/{feed}/{item}.html");
    Headline {
        id: i as i64 + 1,
        feed: format!("Fixture Desk {feed}").into(),
        feed_url: format!("http://127.0.0.1:8900/feed/{feed}.xml").into(),
        title: Words(i as u64).sentence(7),
        link: Some(link.clone()),
        author: Some(format!("Desk {feed}").into()),
        published: Some(format!(
            "2026-10-{:02}T{:02}:00:00+00:00",
            28 - item % 28,
            item % 24
        )),
        read: i % 7 == 0,
        starred: false,
        listened: false,
        comments_url: Some(format!("{link}#comments")),
        narration: (item % 5 == 0).then(|| {
            Box::new(Narration {
                url: "http://127.0.0.1:8900/audio/narration.mp3".to_string(),
                media_type: Some("audio/mpeg".to_string()),
                source: NarrationSource::FeedEnclosure,
            })
        }),
    }
}

fn thread() -> CommentThread {
    let mut words = Words(11);
    CommentThread {
        source: Some(CommentSource::PageMarkup),
        comments: (0..6)
            .map(|k| Comment {
                id: k.to_string(),
                parent: None,
                depth: 0,
                author: format!("Reader {k}"),
                date: Some("2026-10-01T09:00:00+00:00".to_string()),
                text: words.sentence(60),
                kind: herald::model::CommentKind::Normal,
            })
            .collect(),
    }
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(COLS, ROWS)).unwrap_or_else(|e| panic!("terminal: {e}"))
}

/// The list with headline 0 open on an article of about `bytes`, laid out, its comments beside.
fn reading(bytes: usize) -> AppState {
    let url = url::Url::parse("http://127.0.0.1:8900/article/0/0.html")
        .unwrap_or_else(|e| panic!("url: {e}"));
    let article = Article::from_feed_content(
        "A very long article",
        &article_html(bytes),
        &url,
        Some("Desk 0"),
        Some("2026-10-01T00:00:00+00:00"),
    )
    .unwrap_or_else(|e| panic!("article: {e}"));
    let mut state = AppState::new(vec![headline(0)], (COLS, ROWS));
    update(&mut state, Msg::Key(Action::Open));
    let id = state.headlines.id(0);
    let result = Ok(Box::new(article));
    update(
        &mut state,
        Msg::ArticleLoaded {
            id,
            result,
            notice: None,
            layout: None,
        },
    );
    let result = Ok(thread());
    update(&mut state, Msg::CommentsLoaded { id, result });
    state
}

/// Criterion passes `--bench` under `cargo bench`; without it the benches run once as tests.
fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn scroll_key(c: &mut Criterion) {
    let bytes = if benchmarking() { 1 << 20 } else { 64 << 10 };
    let mut state = reading(bytes);
    let lines = state
        .open
        .as_ref()
        .and_then(|o| o.rendered.as_ref())
        .map_or(0, |r| r.lines.len());
    assert!(lines > 100, "the article was laid out: {lines} lines");
    let last_top = lines.saturating_sub(state.article_rows());
    let mut terminal = terminal();
    terminal
        .draw(|f| view::draw(f, &state))
        .unwrap_or_else(|e| panic!("draw: {e}"));
    c.bench_function("scroll_key_1mb_article", |b| {
        b.iter(|| {
            // Back to the top at the end, so that every key moves the view.
            if let Some(open) = state.open.as_mut().filter(|o| o.scroll >= last_top) {
                open.scroll = 0;
            }
            black_box(update(&mut state, Msg::Key(Action::Down)));
            terminal
                .draw(|f| view::draw(f, &state))
                .unwrap_or_else(|e| panic!("draw: {e}"));
        })
    });
}

fn headlines(c: &mut Criterion) {
    let mut state = AppState::new(
        (0..HEADLINES).map(headline).collect::<Vec<Headline>>(),
        (COLS, ROWS),
    );
    c.bench_function("first_frame_50k_headlines", |b| {
        b.iter(|| {
            let mut terminal = terminal();
            terminal
                .draw(|f| view::draw(f, &state))
                .unwrap_or_else(|e| panic!("draw: {e}"));
            black_box(terminal);
        })
    });
    let mut terminal = terminal();
    c.bench_function("headline_key_50k", |b| {
        b.iter(|| {
            if state.selected + 1 >= HEADLINES {
                state.selected = 0;
            }
            black_box(update(&mut state, Msg::Key(Action::Down)));
            terminal
                .draw(|f| view::draw(f, &state))
                .unwrap_or_else(|e| panic!("draw: {e}"));
        })
    });
}

/// The article arriving: `update` lays it out for the pane's width, on the loop's thread.
fn article_loaded(c: &mut Criterion) {
    let bytes = if benchmarking() { 1 << 20 } else { 64 << 10 };
    let state = reading(bytes);
    let (id, article) = match &state.open {
        Some(open) => (open.id, open.article.loaded().cloned()),
        None => panic!("an open article"),
    };
    let article = article.unwrap_or_else(|| panic!("a loaded article"));
    let mut group = c.benchmark_group("article_loaded");
    group.sample_size(10);
    group.bench_function("1mb_laid_out", |b| {
        b.iter_batched(
            || (state.clone(), Box::new(article.clone())),
            |(mut state, article)| {
                let notice = None;
                update(
                    &mut state,
                    Msg::ArticleLoaded {
                        id,
                        result: Ok(article),
                        notice,
                        layout: None,
                    },
                );
                state
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, scroll_key, headlines, article_loaded);
criterion_main!(benches);
