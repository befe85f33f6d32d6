//! How long other coverage of one item takes to find in an archive of 50,000 items:
//!
//!   cargo bench --bench related
//!
//! - `related/fixture_words`: the archive `bench/search.py` builds, made here the same way
//!   (500 feeds x 100 items, titles of 7 and summaries of 25 words drawn from
//!   `../shared/bench/newsfixture.py`'s 33 words, dated over 28 days). Every word is in most
//!   items, so no stem is rare enough to ask for: the cost is counting how common they are.
//! - `related/varied_words`: 50,000 items of words drawn from 20,000, common ones far more often
//!   than rare ones (as in prose), among them 300 stories each told by three feeds: the whole
//!   path, candidates asked of the index and each weighed.

use std::hint::black_box;

use chrono::TimeZone;
use criterion::{Criterion, criterion_group, criterion_main};

use herald::net::Validators;
use herald::source::feed::FeedItem;
use herald::store::{FeedUpdate, RELATED_LIMIT, Store};

const FEEDS: usize = 500;
const ITEMS: usize = 100;
/// 2026-10-01T00:00:00Z.
const START: i64 = 1_790_812_800;

const FIXTURE_WORDS: &str = "security regional transfer officials detention government forces \
    report council market energy water election court ministry border talks agreement city \
    province weather health school budget trade river harvest railway museum festival bridge \
    port coast";

/// A deterministic stream of numbers.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// An index below `n`, small ones far more often (roughly 1/rank).
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

fn item(feed: usize, n: usize, title: String, summary: String, time: i64) -> FeedItem {
    let link = format!("https://feed{feed}.example/{n}");
    FeedItem {
        key: link.clone(),
        link: Some(link),
        title,
        author: None,
        published: chrono::Utc.timestamp_opt(time, 0).single(),
        summary: Some(summary),
        content_html: None,
        comments_url: None,
        comments_feed: None,
        enclosures: Vec::new(),
        narration: None,
    }
}

/// An archive of `FEEDS` feeds whose items `make(feed, n)` gives.
fn archive(mut make: impl FnMut(usize, usize) -> FeedItem) -> (Store, Vec<String>) {
    let mut store = Store::in_memory().expect("store");
    let urls: Vec<String> = (0..FEEDS)
        .map(|f| format!("https://feed{f}.example/rss"))
        .collect();
    let feeds = store.sync_feeds(&urls).expect("feeds");
    for (f, feed) in feeds.iter().enumerate() {
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(format!("Desk {f}")),
            validators: Validators::default(),
            items: (0..ITEMS).map(|n| make(f, n)).collect(),
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    (store, urls)
}

fn id_of(store: &Store, feed: usize, n: usize) -> i64 {
    store
        .item_by_link(&format!("https://feed{feed}.example/{n}"))
        .expect("read")
        .expect("item")
        .id
}

fn fixture_words(c: &mut Criterion) {
    let words: Vec<&str> = FIXTURE_WORDS.split_whitespace().collect();
    let mut dice = Dice(7);
    let (store, urls) = archive(|f, n| {
        let mut sentence = |len: usize| -> String {
            (0..len)
                .map(|_| words[dice.below(words.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let time = START + (n % 28) as i64 * 86_400 + (n % 24) as i64 * 3_600;
        item(f, n, sentence(7), sentence(25), time)
    });
    let ids: Vec<i64> = (0..20).map(|k| id_of(&store, k * 25, k * 5)).collect();
    let found: usize = ids
        .iter()
        .map(|id| {
            store
                .related_to_item(&urls, *id, RELATED_LIMIT)
                .expect("related")
                .len()
        })
        .sum();
    println!("related/fixture_words: {found} items of other coverage found for 20 items");
    let mut k = 0;
    c.bench_function("related/fixture_words", |b| {
        b.iter(|| {
            k = (k + 1) % ids.len();
            black_box(
                store
                    .related_to_item(&urls, ids[k], RELATED_LIMIT)
                    .expect("related"),
            )
        })
    });
}

/// A pronounceable made-up word for each index.
fn word(i: usize) -> String {
    const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    let mut w = String::new();
    let mut i = i + 1;
    while i > 0 {
        w.push(CONSONANTS[i % CONSONANTS.len()] as char);
        i /= CONSONANTS.len();
        w.push(VOWELS[i % VOWELS.len()] as char);
        i /= VOWELS.len();
    }
    w
}

fn varied_words(c: &mut Criterion) {
    const VOCABULARY: usize = 20_000;
    const STORIES: usize = 300;
    let vocabulary: Vec<String> = (0..VOCABULARY).map(word).collect();
    let mut dice = Dice(11);
    // Each story: six rare words its reports share; reported by three feeds, at item
    // (story % ITEMS) of feeds story, story + 1 and story + 2.
    let stories: Vec<Vec<String>> = (0..STORIES)
        .map(|_| {
            (0..6)
                .map(|_| vocabulary[VOCABULARY / 2 + dice.below(VOCABULARY / 2)].clone())
                .collect()
        })
        .collect();
    let (store, urls) = archive(|f, n| {
        let prose = |len: usize, dice: &mut Dice| -> Vec<String> {
            (0..len)
                .map(|_| vocabulary[dice.zipf(VOCABULARY)].clone())
                .collect()
        };
        let time = START + (n % 28) as i64 * 86_400 + (f % 24) as i64 * 3_600;
        let story = (0..3)
            .map(|k| (f + FEEDS - k) % FEEDS)
            .find(|s| *s < STORIES && n == s % ITEMS);
        let (mut title, mut summary) = (prose(8, &mut dice), prose(30, &mut dice));
        if let Some(s) = story {
            let time_of_story = START + (s % ITEMS % 28) as i64 * 86_400;
            title.truncate(4);
            title.extend(stories[s][..3].iter().cloned());
            summary.truncate(20);
            summary.extend(stories[s].iter().cloned());
            return item(f, n, title.join(" "), summary.join(" "), time_of_story);
        }
        item(f, n, title.join(" "), summary.join(" "), time)
    });
    let ids: Vec<i64> = (0..20)
        .map(|k| {
            let s = k * 15;
            id_of(&store, s, s % ITEMS)
        })
        .collect();
    let found: usize = ids
        .iter()
        .map(|id| {
            store
                .related_to_item(&urls, *id, RELATED_LIMIT)
                .expect("related")
                .len()
        })
        .sum();
    println!(
        "related/varied_words: {found} items of other coverage found for 20 stories told three times"
    );
    let mut k = 0;
    c.bench_function("related/varied_words", |b| {
        b.iter(|| {
            k = (k + 1) % ids.len();
            black_box(
                store
                    .related_to_item(&urls, ids[k], RELATED_LIMIT)
                    .expect("related"),
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = fixture_words, varied_words
}
criterion_main!(benches);
