//! Inputs the fuzzers (fuzz/) found that broke herald, replayed through the very functions the
//! fuzz targets run (fuzz/entries.rs). Each must now return with no panic at all, not even one
//! caught inside herald (a caught parser panic still cost the whole document), and with the
//! properties those functions assert. The inputs are files in tests/data/fuzz/<target>/.

#[path = "../../fuzz/entries.rs"]
mod entries;

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Once;

thread_local! {
    static PANICS: Cell<usize> = const { Cell::new(0) };
    static UNCONTAINED: Cell<usize> = const { Cell::new(0) };
}

/// Counts every panic on the thread it happens on, caught or not, and apart those outside
/// `herald::shield`.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            if !herald::shield::active() {
                UNCONTAINED.with(|p| p.set(p.get() + 1));
            }
            previous(info);
        }));
    });
}

/// Runs `run` on every input kept for `target` and checks it panicked nowhere; returns how
/// many inputs there were.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    replay_counting(target, run, &PANICS)
}

/// As [`replay`], tolerating panics contained by `herald::shield`.
fn replay_allowing_contained(target: &str, run: fn(&[u8])) -> usize {
    replay_counting(target, run, &UNCONTAINED)
}

fn replay_counting(
    target: &str,
    run: fn(&[u8]),
    counter: &'static std::thread::LocalKey<Cell<usize>>,
) -> usize {
    count_panics();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    inputs.sort();
    for input in &inputs {
        let data = std::fs::read(input).expect("regression input");
        let before = counter.with(Cell::get);
        run(&data);
        let panics = counter.with(Cell::get) - before;
        assert_eq!(panics, 0, "{} panicked inside herald", input.display());
    }
    inputs.len()
}

/// The `version` of an `<rss>` tag that is not ASCII; an XML declaration after the prolog
/// (quick-xml panicked changing the encoding); an author's address next to a character of
/// more than one byte (feed-rs panicked slicing it).
#[test]
fn feed_inputs_the_fuzzer_found() {
    assert_eq!(replay("feed", entries::feed), 9);
}

/// A Reddit `morechildren` answer that is a number or a list, not an object (indexing it to
/// write panicked). The list is a reduction of the 280 KB comments page the fuzzer sent.
#[test]
fn comments_inputs_the_fuzzer_found() {
    assert_eq!(replay("comments", entries::comments), 2);
}

/// Streams symphonia 0.5 takes for raw AAC (ADTS) whose length estimate panics (a step of 0,
/// or a subtraction below 0), and AAC frames its decoder indexes past a table on (reduced by
/// libFuzzer from 150 and 300 KB inputs): contained, they are a damaged recording.
#[test]
fn audio_probe_inputs_the_fuzzer_found() {
    assert_eq!(
        replay_allowing_contained("audio_probe", entries::audio_probe),
        5
    );
    let data = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/fuzz/audio_probe/adts-length-step-of-zero"),
    )
    .expect("input");
    let len = data.len() as u64;
    let decoded =
        herald::audio::stream::decode_seekable(std::io::Cursor::new(data), len, Some("aac"));
    assert!(
        matches!(&decoded, Err(herald::audio::AudioError::Decode(m)) if m.contains("damaged")),
        "{:?}",
        decoded.err()
    );
}
