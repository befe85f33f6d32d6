//! Every misbehaving endpoint of newsfixture gives a one-line reason while the other feeds
//! refresh normally; nothing hangs past the timeout, memory stays bounded, and no output carries
//! a control byte.

use crate::common;

use std::time::{Duration, Instant};

use common::*;

const FAULTS: [&str; 13] = [
    "slow",
    "reset",
    "huge",
    "gzipbomb",
    "redirect-loop",
    "500",
    "404",
    "not-xml",
    "latin1",
    "escape",
    "truncated-audio",
    "billion-laughs",
    "deep-nesting",
];

/// Faults that are feeds that parse (billion-laughs: its entities are never expanded).
const PARSEABLE: [&str; 3] = ["latin1", "escape", "billion-laughs"];

/// Faults that `read` and `comments` must refuse; the others are pages of some kind, shown.
const NOT_ARTICLES: [&str; 8] = [
    "slow",
    "reset",
    "huge",
    "gzipbomb",
    "redirect-loop",
    "500",
    "404",
    "truncated-audio",
];

const TIMEOUT_SECS: u64 = 4;

/// Nothing hangs: a limit well past every fault timing out one after another. That feeds are
/// fetched at once is shown by counting requests in flight, in refresh.rs.
const HANG_LIMIT: Duration = Duration::from_secs(TIMEOUT_SECS * 30);

#[test]
fn faults_as_feeds() {
    let _machine = common::loading_the_machine();
    let site = NewsFixture::start(&["--feeds", "3", "--items", "5"]);
    let dir = temp_dir("faults");
    let mut feeds: Vec<String> = FAULTS
        .iter()
        .map(|f| site.url(&format!("/fault/{f}")))
        .collect();
    feeds.extend((0..3).map(|i| site.url(&format!("/feed/{i}.xml"))));
    write_config(
        &dir,
        &feeds,
        &format!("[network]\ntimeout_secs = {TIMEOUT_SECS}\n"),
    );

    let started = Instant::now();
    let (out, peak_mb) = herald_with_peak_rss(&dir, &["refresh"]);
    let took = started.elapsed();
    let text = stdout(&out);
    assert_no_control_bytes("refresh stdout", &out.stdout);
    assert_no_control_bytes("refresh stderr", &out.stderr);
    assert!(took < HANG_LIMIT, "refresh took {took:?}:\n{text}");
    let failing: Vec<&str> = FAULTS
        .iter()
        .copied()
        .filter(|f| !PARSEABLE.contains(f))
        .collect();
    for fault in &failing {
        let url = site.url(&format!("/fault/{fault}"));
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("{url}:")))
            .collect();
        assert_eq!(lines.len(), 1, "one reason for {fault}:\n{text}");
        assert!(
            lines[0].len() > url.len() + 5,
            "a reason, not just a name: {}",
            lines[0]
        );
    }
    let summary = text.lines().last().unwrap_or_default();
    // 3 good feeds, latin1 (1 item) and escape (1 item).
    assert_eq!(
        summary,
        // A server that answers badly is reachable: none of these is unreachable.
        format!(
            "16 feeds, 17 new items, {} errors (0 unreachable)",
            failing.len()
        ),
        "{text}"
    );
    assert!(out.status.success());
    assert!(peak_mb < 200.0, "refresh grew to {peak_mb:.0} MB");

    let headlines = herald(&dir, &["headlines"]);
    assert_no_control_bytes("headlines", &headlines.stdout);
    let listed = stdout(&headlines);
    assert!(
        listed.contains("Résumé of the éléction"),
        "latin1 decoded:\n{listed}"
    );
    assert!(
        listed.contains("REDevil"),
        "escape feed shown harmlessly:\n{listed}"
    );
    let json = herald(&dir, &["headlines", "--json"]);
    assert_no_control_bytes("headlines --json", &json.stdout);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert!(
        !parsed.to_string().contains("\\u001b"),
        "no escapes inside the JSON strings either"
    );
}

#[test]
fn faults_as_articles() {
    let _machine = common::loading_the_machine();
    let site = NewsFixture::start(&["--feeds", "1", "--items", "1"]);
    let dir = temp_dir("fault-articles");
    write_config(
        &dir,
        &[],
        &format!("[network]\ntimeout_secs = {TIMEOUT_SECS}\n"),
    );
    let mut urls: Vec<String> = FAULTS
        .iter()
        .map(|f| site.url(&format!("/fault/{f}")))
        .collect();
    urls.push(site.url("/fault/escape-article"));
    let runs: Vec<_> = urls
        .iter()
        .map(|url| {
            let (dir, url) = (dir.clone(), url.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let (read, read_mb) = herald_with_peak_rss(&dir, &["read", &url]);
                let (comments, comments_mb) =
                    herald_with_peak_rss(&dir, &["comments", &url, "--json"]);
                let peak_mb = read_mb.max(comments_mb);
                (url, started.elapsed(), read, comments, peak_mb)
            })
        })
        .collect();
    let mut peak_mb: f64 = 0.0;
    for run in runs {
        let (url, took, read, comments, run_mb) = run.join().expect("thread");
        peak_mb = peak_mb.max(run_mb);
        assert!(took < HANG_LIMIT, "{url} took {took:?}");
        for (what, out) in [("read", &read), ("comments", &comments)] {
            assert_no_control_bytes(&format!("{what} {url} stdout"), &out.stdout);
            assert_no_control_bytes(&format!("{what} {url} stderr"), &out.stderr);
            let err = String::from_utf8_lossy(&out.stderr);
            let refused = NOT_ARTICLES
                .iter()
                .any(|f| url.ends_with(&format!("/fault/{f}")));
            if refused {
                assert_eq!(out.status.code(), Some(1), "{what} {url}: {err}");
                assert_eq!(
                    err.trim_end().lines().count(),
                    1,
                    "{what} {url}: one line:\n{err}"
                );
                assert!(err.contains(&url), "{what} {url}: names the source: {err}");
            } else {
                assert!(out.status.success(), "{what} {url}: {err}");
                assert!(!out.stdout.is_empty(), "{what} {url}: shows something");
            }
        }
    }
    assert!(peak_mb < 200.0, "a run grew to {peak_mb:.0} MB");

    let escape = herald(&dir, &["read", &site.url("/fault/escape-article")]);
    assert!(
        escape.status.success(),
        "{}",
        String::from_utf8_lossy(&escape.stderr)
    );
    assert!(stdout(&escape).contains("REDevil"), "{}", stdout(&escape));
    let thread = herald(&dir, &["comments", &site.url("/fault/escape-article")]);
    assert!(
        stdout(&thread).starts_with("1 comment"),
        "{}",
        stdout(&thread)
    );
    assert!(stdout(&thread).contains("REDevil"), "{}", stdout(&thread));
}
