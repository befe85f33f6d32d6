//! Several herald processes on one data directory: reads never wait for a refresh, two
//! refreshes at once both succeed, the app sees what other processes commit, kill -9 loses
//! nothing committed, and a damaged database is moved aside and rebuilt.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::pty::{Pty, alsa_none};
use common::*;

fn spawn_herald(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start herald")
}

fn db(dir: &Path) -> PathBuf {
    dir.join("data/herald.db")
}

fn sql(dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db(dir)).expect("open the database");
    conn.busy_timeout(Duration::from_secs(10)).expect("timeout");
    conn
}

fn integrity(dir: &Path) -> String {
    sql(dir)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

fn count(dir: &Path, condition: &str) -> i64 {
    sql(dir)
        .query_row(
            &format!("SELECT COUNT(*) FROM items WHERE {condition}"),
            [],
            |r| r.get(0),
        )
        .expect("count")
}

/// Titles of the items with `condition`, sorted.
fn titles(dir: &Path, condition: &str) -> Vec<String> {
    let conn = sql(dir);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT title FROM items WHERE {condition} ORDER BY title"
        ))
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn fixture_config(dir: &Path, fixture: &NewsFixture, feeds: usize, extra: &str) {
    let urls: Vec<String> = (0..feeds)
        .map(|i| fixture.url(&format!("/feed/{i}.xml")))
        .collect();
    write_config(dir, &urls, extra);
}

fn refreshed(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "refresh failed: {}\n{}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

/// `N new items` of a refresh's summary line.
fn new_items(summary: &str) -> usize {
    summary
        .lines()
        .last()
        .and_then(|l| l.split(", ").nth(1))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary in {summary:?}"))
}

#[test]
fn two_refreshes_at_once_both_succeed_without_duplicates() {
    let _machine = common::loading_the_machine();
    let fixture = NewsFixture::start(&["--feeds", "60", "--items", "20", "--latency-ms", "20"]);
    for round in 0..3 {
        let dir = temp_dir(&format!("two-refreshes-{round}"));
        fixture_config(&dir, &fixture, 60, "");
        // A new data directory: both create the schema at once.
        let (a, b) = (
            spawn_herald(&dir, &["refresh"]),
            spawn_herald(&dir, &["refresh"]),
        );
        let (a, b) = (
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        );
        let (a, b) = (refreshed(&a), refreshed(&b));
        assert_eq!(count(&dir, "1"), 1200, "every item once");
        assert_eq!(new_items(&a) + new_items(&b), 1200, "{a} / {b}");
        // An existing one.
        let (a, b) = (
            spawn_herald(&dir, &["refresh"]),
            spawn_herald(&dir, &["refresh"]),
        );
        let (a, b) = (
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        );
        let (a, b) = (refreshed(&a), refreshed(&b));
        assert_eq!((new_items(&a), new_items(&b)), (0, 0));
        assert_eq!(count(&dir, "1"), 1200);
        assert_eq!(integrity(&dir), "ok");
    }
}

/// A feed that answers at once until `slow` is set, then after `delay`; `asked` counts the
/// requests as they come.
fn slow_feed(slow: Arc<AtomicBool>, asked: Arc<AtomicUsize>, delay: Duration) -> TestServer {
    TestServer::start(move |_, _| {
        asked.fetch_add(1, Ordering::SeqCst);
        if slow.load(Ordering::SeqCst) {
            std::thread::sleep(delay);
        }
        let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow desk</title>\
             <item><title>The slow story</title><link>http://slow.example/1</link><guid>s1</guid>\
             <pubDate>Thu, 01 Oct 2026 10:00:00 +0000</pubDate></item></channel></rss>";
        (200, vec![], body.as_bytes().to_vec())
    })
}

fn still_running(child: &mut Child) -> bool {
    child.try_wait().expect("try_wait").is_none()
}

#[test]
fn a_long_refresh_keeps_nobody_waiting() {
    let _machine = common::loading_the_machine();
    let fixture = NewsFixture::start(&["--feeds", "300", "--items", "5", "--latency-ms", "100"]);
    let slow = Arc::new(AtomicBool::new(false));
    let asked = Arc::new(AtomicUsize::new(0));
    let slow_server = slow_feed(slow.clone(), asked.clone(), Duration::from_secs(20));
    let dir = temp_dir("long-refresh");
    let mut urls: Vec<String> = (0..300)
        .map(|i| fixture.url(&format!("/feed/{i}.xml")))
        .collect();
    urls.push(slow_server.url("/feed.xml"));
    write_config(&dir, &urls, "[network]\ntimeout_secs = 60\n");
    refreshed(&herald(&dir, &["refresh"]));
    let alsa = alsa_none(&dir);
    let mut app = Pty::herald(&dir, &alsa, &[], &[], 120, 40);
    app.wait_for("Headlines (1501 unread)");

    slow.store(true, Ordering::SeqCst);
    let mut refresh = spawn_herald(&dir, &["refresh"]);
    // The refresh is under way once the slow feed has been asked.
    let since = Instant::now();
    while asked.load(Ordering::SeqCst) < 2 {
        assert!(since.elapsed() < Duration::from_secs(20), "never asked");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));

    let started = Instant::now();
    let out = herald(&dir, &["headlines", "--count"]);
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out).trim(), "1501");
    assert!(still_running(&mut refresh), "counted during the refresh");
    eprintln!("headlines --count during the refresh: {took:?}");

    // In the app: the first headline marked read, the second starred, the third opened.
    app.press("m");
    app.press("j");
    app.press("s");
    app.press("j");
    app.press("\r");
    app.wait_for("Comments (");
    assert!(!app.text().contains("Could not load"), "{}", app.text());
    app.press("q");
    // A second app starts while the refresh runs.
    let mut second = Pty::herald(&dir, &alsa, &[], &[], 100, 30);
    second.wait_for("Headlines (");
    second.press("qq");
    assert!(second.wait_exit().success());
    assert!(
        still_running(&mut refresh),
        "all of that during the refresh"
    );

    let out = refresh.wait_with_output().expect("refresh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.press("q");
    assert!(app.wait_exit().success());
    let json = stdout(&herald(&dir, &["headlines", "--json", "--limit", "3"]));
    let list: serde_json::Value = serde_json::from_str(&json).expect("json");
    let flag = |i: usize, key: &str| list[i][key].as_bool().unwrap_or(false);
    assert!(flag(0, "read") && !flag(0, "starred"), "{json}");
    assert!(flag(1, "starred") && !flag(1, "read"), "{json}");
    assert!(flag(2, "read"), "opened, so read: {json}");
    // And after a restart, the app shows them so.
    let mut again = Pty::herald(&dir, &alsa, &[], &[], 120, 40);
    again.wait_for("Headlines (1499 unread)");
    assert_eq!(
        again.screen().contents().matches('★').count(),
        1,
        "{}",
        again.text()
    );
    again.press("qq");
    assert!(again.wait_exit().success());
}

#[test]
fn the_app_shows_what_other_processes_commit_without_a_key() {
    let items = Arc::new(AtomicUsize::new(2));
    let served = items.clone();
    let server = TestServer::start(move |_, _| {
        let mut body = String::from(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk</title>",
        );
        for i in 0..served.load(Ordering::SeqCst) {
            body.push_str(&format!(
                "<item><title>Story number {i}</title><link>http://desk.example/{i}</link>\
                 <guid>d{i}</guid><pubDate>Thu, 01 Oct 2026 {:02}:00:00 +0000</pubDate></item>",
                10 + i
            ));
        }
        body.push_str("</channel></rss>");
        (200, vec![], body.into_bytes())
    });
    let dir = temp_dir("other-processes");
    write_config(&dir, &[server.url("/feed.xml")], "");
    refreshed(&herald(&dir, &["refresh"]));
    let alsa = alsa_none(&dir);
    let mut watcher = Pty::herald(&dir, &alsa, &[], &[], 100, 30);
    watcher.wait_for("Story number 1");

    // Headlines added by a refresh in another process.
    items.store(3, Ordering::SeqCst);
    refreshed(&herald(&dir, &["refresh"]));
    let committed = Instant::now();
    watcher.wait_for("Story number 2");
    eprintln!("a refresh elsewhere shown after {:?}", committed.elapsed());

    // A mark made in another app.
    let mut other = Pty::herald(&dir, &alsa, &[], &[], 100, 30);
    other.wait_for("Story number 2");
    other.press("s");
    other.wait_for("starred");
    let marked = Instant::now();
    watcher.wait_until("the star", |s| s.contents().contains('★'));
    eprintln!("a mark elsewhere shown after {:?}", marked.elapsed());
    other.press("qq");
    assert!(other.wait_exit().success());
    watcher.press("qq");
    assert!(watcher.wait_exit().success());
}

/// A pseudo-random generator for the kill moments: the same moments every run.
fn moments(n: usize, max_ms: u64) -> Vec<Duration> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(x % max_ms)
        })
        .collect()
}

#[test]
fn kill_9_during_a_refresh_loses_nothing_committed() {
    let _machine = common::loading_the_machine();
    let fixture = NewsFixture::start(&["--feeds", "120", "--items", "40", "--latency-ms", "10"]);
    let dir = temp_dir("kill-refresh");
    // Half the feeds first, and marks on some of their items.
    fixture_config(&dir, &fixture, 60, "");
    refreshed(&herald(&dir, &["refresh"]));
    sql(&dir)
        .execute_batch(
            "UPDATE items SET starred = 1 WHERE id % 7 = 0;
             UPDATE items SET read = 1 WHERE id % 5 = 0;",
        )
        .expect("marks");
    let starred = titles(&dir, "starred");
    let read = titles(&dir, "read");
    assert!(!starred.is_empty() && !read.is_empty());
    fixture_config(&dir, &fixture, 120, "");
    for (round, at) in moments(10, 1200).into_iter().enumerate() {
        let mut refresh = spawn_herald(&dir, &["refresh"]);
        std::thread::sleep(at);
        let _ = refresh.kill();
        let _ = refresh.wait();
        assert_eq!(integrity(&dir), "ok", "round {round}, killed after {at:?}");
        assert_eq!(titles(&dir, "starred"), starred, "round {round}");
        assert_eq!(titles(&dir, "read"), read, "round {round}");
        let items = count(&dir, "1");
        assert!((2400..=4800).contains(&items), "{items} items");
    }
    refreshed(&herald(&dir, &["refresh"]));
    assert_eq!(count(&dir, "1"), 4800);
    assert_eq!(titles(&dir, "starred"), starred);
}

#[test]
fn kill_9_of_the_app_loses_no_saved_mark() {
    let fixture = NewsFixture::start(&["--feeds", "4", "--items", "30"]);
    let dir = temp_dir("kill-app");
    fixture_config(&dir, &fixture, 4, "");
    refreshed(&herald(&dir, &["refresh"]));
    let alsa = alsa_none(&dir);
    let mut app = Pty::herald(&dir, &alsa, &[], &[], 100, 30);
    app.wait_for("Headlines (120 unread)");
    app.press(&"mj".repeat(10));
    app.wait_for("Headlines (110 unread)");
    // Saved before the kill: the worker commits each mark as it comes.
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(&dir, "read") < 10 {
        assert!(Instant::now() < deadline, "the marks were never saved");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Then a burst, killed in the middle of its saving.
    app.press(&"sj".repeat(30));
    std::thread::sleep(Duration::from_millis(30));
    // SAFETY: kill sends a signal to the child this test started.
    unsafe {
        libc::kill(app.pid(), libc::SIGKILL);
    }
    let _ = app.wait_exit();
    assert_eq!(integrity(&dir), "ok");
    assert_eq!(count(&dir, "read"), 10, "the marks saved before the kill");
    refreshed(&herald(&dir, &["refresh"]));
    assert_eq!(count(&dir, "read"), 10);
}

/// A data directory of `feeds` x 50 fixture items, some marked, its file checkpointed.
fn marked_store(name: &str, fixture: &NewsFixture, feeds: usize) -> PathBuf {
    let dir = temp_dir(name);
    fixture_config(&dir, fixture, feeds, "");
    refreshed(&herald(&dir, &["refresh"]));
    let conn = sql(&dir);
    conn.execute_batch(
        "UPDATE items SET starred = 1 WHERE id % 9 = 0;
         UPDATE items SET read = 1 WHERE id % 4 = 0;",
    )
    .expect("marks");
    drop(conn);
    dir
}

/// Garbage over `len` bytes from `offset` of the database file.
fn damage(dir: &Path, offset: u64, len: usize) {
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(db(dir))
        .expect("open the file");
    file.seek(SeekFrom::Start(offset)).expect("seek");
    let garbage: Vec<u8> = (0..len).map(|i| (i * 7 + 13) as u8).collect();
    file.write_all(&garbage).expect("write garbage");
}

fn moved_aside(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("data"))
        .expect("list")
        .flatten()
        .any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("herald.db.broken-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
}

/// "keeping N read or starred marks" of a notice.
fn kept(notice: &str) -> i64 {
    notice
        .split("keeping ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn damaged_pages_are_moved_aside_and_the_marks_that_read_come_back() {
    let fixture = NewsFixture::start(&["--feeds", "20", "--items", "50"]);
    let dir = marked_store("damaged-pages", &fixture, 20);
    let marked = count(&dir, "read OR starred");
    damage(&dir, 8192, 8192);
    let out = herald(&dir, &["headlines", "--count"]);
    let notice = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{notice}");
    assert!(
        notice.contains("is damaged") && notice.contains("moved to"),
        "{notice}"
    );
    assert_eq!(stdout(&out).trim(), "0", "a new, empty database");
    assert!(moved_aside(&dir));
    let kept = kept(&notice);
    eprintln!("marks kept: {kept} of {marked}");
    assert!(
        kept > 0 && kept <= marked,
        "kept {kept} of {marked}: {notice}"
    );
    refreshed(&herald(&dir, &["refresh"]));
    assert_eq!(
        count(&dir, "1"),
        1000,
        "the refresh brings the headlines back"
    );
    assert_eq!(
        count(&dir, "read OR starred"),
        kept,
        "the kept marks given back"
    );
    assert_eq!(integrity(&dir), "ok");
}

#[test]
fn a_damaged_header_is_moved_aside_and_the_command_succeeds() {
    let fixture = NewsFixture::start(&["--feeds", "5", "--items", "50"]);
    let dir = marked_store("damaged-header", &fixture, 5);
    damage(&dir, 0, 100);
    let out = herald(&dir, &["refresh"]);
    let notice = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        notice.contains("is damaged") && notice.contains("moved to"),
        "{notice}"
    );
    assert_eq!(new_items(&refreshed(&out)), 250);
    assert!(moved_aside(&dir));
    assert_eq!(count(&dir, "1"), 250);
}

#[test]
fn the_app_rebuilds_a_damaged_database_and_refreshes() {
    let fixture = NewsFixture::start(&["--feeds", "20", "--items", "50"]);
    let dir = marked_store("damaged-app", &fixture, 20);
    damage(&dir, 8192, 8192);
    let alsa = alsa_none(&dir);
    let mut app = Pty::herald(&dir, &alsa, &[], &[], 120, 40);
    // The whole file is checked after the first frame; the rebuilt store is refreshed.
    app.wait_until("the headlines back", |s| {
        s.contents().contains("Headlines (") && s.contents().contains("Fixture Desk")
    });
    app.wait_for("20 feeds, 1000 new");
    app.press("qq");
    assert!(app.wait_exit().success());
    // Said in the app and the log, never on stderr over the screen.
    let raw = String::from_utf8_lossy(&app.raw()).into_owned();
    assert!(!raw.contains("herald: "), "{raw}");
    assert!(moved_aside(&dir));
    let log = std::fs::read_to_string(dir.join("data/herald.log")).unwrap_or_default();
    assert!(log.contains("damaged"), "{log}");
    assert_eq!(count(&dir, "1"), 1000);
}
