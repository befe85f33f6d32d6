//! Timings that tests only bound by "nothing hangs":
//!
//!   cargo bench --bench pipeline
//!
//! - `narration/first_part_of_14`: starting synthesis of a 14-part, ~630-word article with
//!   espeak-ng until its first part (the title) is ready: the wait before speech begins.
//! - `narration/all_14_from_the_cache`: the same article again, every part from the cache.
//! - `narration/piper_first_part_cold`: the same with piper, nothing cached: starting its
//!   worker, loading the voice and speaking the title (the first audio of a new article).
//! - `narration/piper_first_part_cached`: the same once the title is in the cache.
//! - `article/hundred_thousand_nested_divs`: extracting and laying out a hostile page of
//!   100,000 nested `<div>`s.
//!
//! Without espeak-ng, or piper (`HERALD_PIPER=<venv>/bin/piper`, else found as the app finds
//! it), their figures are left out with a note.

use std::hint::black_box;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use herald::article::Article;
use herald::audio::SpeechFeed;
use herald::narration::tts::{self, Engine, NarrationConfig, find_program};

fn article_parts() -> Vec<String> {
    let sentence = "The council met on Tuesday to discuss the new budget, and members argued for hours about roads, schools and parks.";
    let mut parts = vec!["City council approves the budget after a long night".to_string()];
    for i in 0..13 {
        parts.push(format!(
            "{sentence} Paragraph {i} adds a little more detail here: {sentence}"
        ));
    }
    parts
}

/// Every part, as a listener reaching each one as it arrives.
fn drain(feed: &SpeechFeed) -> usize {
    let mut n = 0;
    loop {
        match feed.rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => {
                feed.report(p.index, false);
                n += 1;
            }
            Err(RecvTimeoutError::Disconnected) => return n,
            Err(RecvTimeoutError::Timeout) => panic!("no part within a minute"),
        }
    }
}

fn narration(c: &mut Criterion) {
    if find_program("espeak-ng").is_none() {
        eprintln!("note: espeak-ng is not installed; narration timings left out");
        return;
    }
    let parts = article_parts();
    let config = NarrationConfig {
        engine: Some(Engine::EspeakNg),
        ..NarrationConfig::default()
    };
    let mut group = c.benchmark_group("narration");
    group.sample_size(10);
    let cold = std::env::temp_dir().join(format!("herald-bench-tts-{}", std::process::id()));
    group.bench_function("first_part_of_14", |b| {
        b.iter(|| {
            let _ = std::fs::remove_dir_all(&cold);
            let mut s = tts::start(parts.clone(), 0, &config, 1.0, &cold).expect("start");
            let feed = s.take_feed().expect("feed");
            let first = feed
                .rx
                .recv_timeout(Duration::from_secs(10))
                .expect("part 0");
            black_box(first);
            // Dropping the synthesis stops the engine: only the first part is timed.
        })
    });
    let warm = std::env::temp_dir().join(format!("herald-bench-tts-warm-{}", std::process::id()));
    let mut s = tts::start(parts.clone(), 0, &config, 1.0, &warm).expect("start");
    assert_eq!(drain(&s.take_feed().expect("feed")), parts.len());
    s.wait().expect("complete");
    group.bench_function("all_14_from_the_cache", |b| {
        b.iter(|| {
            let mut s = tts::start(parts.clone(), 0, &config, 1.0, &warm).expect("start");
            assert_eq!(drain(&s.take_feed().expect("feed")), parts.len());
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&cold);
    let _ = std::fs::remove_dir_all(&warm);
}

fn piper(c: &mut Criterion) {
    let program = std::env::var_os("HERALD_PIPER").map(std::path::PathBuf::from);
    if let Err(why) = tts::find_piper(program.as_deref(), None) {
        eprintln!("note: {why}; piper timings left out");
        return;
    }
    let config = NarrationConfig {
        engine: Some(Engine::Piper),
        piper: program,
        ..NarrationConfig::default()
    };
    let parts: Vec<String> = article_parts().into_iter().take(4).collect();
    let first_part = |dir: &std::path::Path| {
        let mut s = tts::start(parts.clone(), 0, &config, 1.0, dir).expect("start");
        let feed = s.take_feed().expect("feed");
        let first = feed
            .rx
            .recv_timeout(Duration::from_secs(30))
            .expect("part 0");
        // Dropping the synthesis kills the worker: only the first part is timed.
        black_box(first)
    };
    let mut group = c.benchmark_group("narration");
    group.sample_size(10);
    let cold = std::env::temp_dir().join(format!("herald-bench-piper-{}", std::process::id()));
    group.bench_function("piper_first_part_cold", |b| {
        b.iter(|| {
            let _ = std::fs::remove_dir_all(&cold);
            first_part(&cold)
        })
    });
    group.bench_function("piper_first_part_cached", |b| b.iter(|| first_part(&cold)));
    group.finish();
    let _ = std::fs::remove_dir_all(&cold);
}

fn nested_divs(c: &mut Criterion) {
    let n = 100_000;
    let html = format!(
        "<html><body>{}<p>deep</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let url = url::Url::parse("http://example.com/deep").expect("url");
    let mut group = c.benchmark_group("article");
    group.sample_size(10);
    group.bench_function("hundred_thousand_nested_divs", |b| {
        b.iter(|| {
            let article = Article::from_page(&html, &url).expect("the text is found");
            black_box(article.render(80).lines.len())
        })
    });
    group.finish();
}

criterion_group!(benches, narration, piper, nested_divs);
criterion_main!(benches);
