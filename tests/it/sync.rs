//! Sync with the real FreshRSS over the Google Reader API, two data directories as two
//! machines A and B: the same items, marks going both ways, marks kept while the server is
//! away or failing, a wrong password, and the requests a sync costs.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::freshrss::{self, API, PASSWORD, Proxy};
use common::pty::{Pty, alsa_null};
use common::wordpress::{self, SITE};
use common::*;

use common::herald as run;

/// Everything a command printed, kept to look for the password in afterwards.
struct Printed(Vec<u8>);

impl Printed {
    fn ok(&mut self, out: Output, what: &str) -> String {
        self.0.extend_from_slice(&out.stdout);
        self.0.extend_from_slice(&out.stderr);
        assert!(
            out.status.success(),
            "{what}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn sync(&mut self, dir: &Path, what: &str) -> serde_json::Value {
        let out = self.ok(run(dir, &["sync", "--json"]), what);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{what}: {e}: {out}"))
    }
}

fn machine(name: &str, feeds: &[String], sync_url: &str) -> PathBuf {
    let dir = temp_dir(name);
    let mut config = String::new();
    for url in feeds {
        config.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n\n"));
    }
    config.push_str(&freshrss::sync_config(sync_url));
    std::fs::write(dir.join("config.toml"), config).expect("write config");
    dir
}

fn headlines(printed: &mut Printed, dir: &Path) -> Vec<serde_json::Value> {
    let out = printed.ok(run(dir, &["headlines", "--json"]), "headlines");
    serde_json::from_str(&out).expect("JSON")
}

/// Links of the headlines that are read (or starred).
fn marked(list: &[serde_json::Value], flag: &str) -> BTreeSet<String> {
    list.iter()
        .filter(|h| h[flag] == true)
        .filter_map(|h| h["link"].as_str().map(str::to_string))
        .collect()
}

fn id_of(list: &[serde_json::Value], link: &str) -> String {
    list.iter()
        .find(|h| h["link"] == link)
        .and_then(|h| h["id"].as_i64())
        .map(|id| id.to_string())
        .unwrap_or_else(|| panic!("no headline links to {link}"))
}

/// No file of `dir` holds `secret`.
fn assert_nowhere(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_nowhere(&path, secret);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the password is in {}",
                path.display()
            );
        }
    }
}

#[test]
fn two_machines_see_the_same_items_and_marks() {
    let Some(site) = wordpress::available() else {
        return;
    };
    let Some(server) = freshrss::fresh() else {
        return;
    };
    let fixture = NewsFixture::start(&["--feeds", "1", "--items", "12"]);
    let wp_feed = format!("{SITE}/?feed=rss2");
    let fixture_feed = fixture.url("/feed/0.xml");
    let mut printed = Printed(Vec::new());

    // A's config has two feeds the server lacks: said, then added when asked.
    let a = machine("sync-a", &[wp_feed.clone(), fixture_feed.clone()], API);
    let out = printed.ok(run(&a, &["sync"]), "first sync of A");
    assert!(
        out.contains("2 feeds of the config are not on the server"),
        "{out}"
    );
    let out = printed.ok(run(&a, &["sync", "--push-subscriptions"]), "push");
    assert!(out.contains("2 feeds added to the server"), "{out}");
    server.actualize();
    let report = printed.sync(&a, "A syncs");
    eprintln!("A's sync: {report}");

    // A has the server's reading list: titles, links, dates.
    let on_server = server.reading_list();
    assert_eq!(on_server.len(), 5 + 12, "{on_server:?}");
    let list = headlines(&mut printed, &a);
    let here: BTreeSet<(String, String, i64)> = list
        .iter()
        .map(|h| {
            let published = h["published"]
                .as_str()
                .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
                .map(|p| p.timestamp())
                .unwrap_or_default();
            (
                h["title"].as_str().unwrap_or_default().to_string(),
                h["link"].as_str().unwrap_or_default().to_string(),
                published,
            )
        })
        .collect();
    assert_eq!(here, on_server);
    // Feeds are named by their titles on the server.
    assert!(
        list.iter()
            .any(|h| h["feed"] == "The Disinformation Commission"),
        "{list:?}"
    );

    // The article's text came with the item: with the site out of reach it still reads.
    let night_bus = format!("{SITE}/2026/11/18/city-council-approves-expanded-night-bus-service/");
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--config")
        .arg(a.join("config.toml"))
        .arg("--data-dir")
        .arg(a.join("data"))
        .args(["read", &night_bus])
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .output()
        .expect("run herald");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("shift workers, hospital"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(site);

    // B, with no feeds of its own, has the same.
    let b = machine("sync-b", &[], API);
    printed.sync(&b, "B syncs");
    let b_list = headlines(&mut printed, &b);
    assert_eq!(b_list.len(), list.len());

    // A marks three read and stars one from the command line, and one read in the app.
    let links: Vec<String> = list
        .iter()
        .filter_map(|h| h["link"].as_str().map(str::to_string))
        .collect();
    let ids: Vec<String> = links[..3].iter().map(|l| id_of(&list, l)).collect();
    let mut args = vec!["mark", "read"];
    args.extend(ids.iter().map(String::as_str));
    // `herald mark` sends what it marked at once.
    let out = printed.ok(run(&a, &args), "mark read");
    assert!(out.contains("3 sent to the sync server"), "{out}");
    assert_eq!(server.unread_ids().len(), on_server.len() - 3);
    let out = printed.ok(run(&a, &["mark", "star", &id_of(&list, &links[4])]), "star");
    assert!(out.contains("1 sent to the sync server"), "{out}");
    let mut pty = Pty::herald(&a, &alsa_null(&a), &[], &[], 120, 30);
    let fourth = list
        .iter()
        .find(|h| h["link"] == links[3].as_str())
        .and_then(|h| h["title"].as_str())
        .expect("title")
        .to_string();
    pty.wait_for(&fourth);
    // The list is newest first, as the JSON: the fourth row is the fourth headline.
    pty.press("jjj");
    pty.press("m");
    pty.wait_until("the fourth marked read", |s| {
        common::pty::screen_text(s)
            .lines()
            .any(|l| l.contains(&fourth) && !l.contains('●'))
    });
    // The app sends its mark by itself, soon after.
    let waited = std::time::Instant::now();
    while server.unread_ids().len() != on_server.len() - 4 {
        assert!(
            waited.elapsed() < common::pty::PATIENCE,
            "the app's mark never reached the server"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    pty.press("q");
    assert!(pty.wait_exit().success());

    let report = printed.sync(&a, "A has nothing left to send");
    assert_eq!(report["marks_sent"], 0, "{report}");
    assert_eq!(report["pending"], 0, "{report}");
    let unread_there = server.unread_ids();
    assert_eq!(unread_there.len(), on_server.len() - 4);
    assert_eq!(server.starred_ids().len(), 1);

    printed.sync(&b, "B receives them");
    let b_list = headlines(&mut printed, &b);
    let read_a = marked(&headlines(&mut printed, &a), "read");
    assert_eq!(marked(&b_list, "read"), read_a);
    assert_eq!(read_a.len(), 4);
    assert_eq!(
        marked(&b_list, "starred"),
        BTreeSet::from([links[4].clone()])
    );

    // B marks one unread again; A learns it.
    let out = printed.ok(
        run(&b, &["mark", "unread", &id_of(&b_list, &links[0])]),
        "unread",
    );
    assert!(out.contains("1 sent to the sync server"), "{out}");
    let report = printed.sync(&a, "A receives");
    assert_eq!(report["marks_received"], 1, "{report}");
    let a_list = headlines(&mut printed, &a);
    assert!(!marked(&a_list, "read").contains(&links[0]));
    assert_eq!(server.unread_ids().len(), on_server.len() - 3);

    // Nothing new: at most three requests.
    let report = printed.sync(&a, "A again");
    assert!(report["requests"].as_u64().unwrap_or(99) <= 3, "{report}");

    // The password is nowhere: not in the data, the log or anything printed.
    assert_nowhere(&a, PASSWORD);
    assert_nowhere(&b, PASSWORD);
    assert!(
        !printed
            .0
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the password was printed"
    );
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn marks_wait_while_the_server_is_away_or_failing_and_then_go_through() {
    let Some(server) = freshrss::fresh() else {
        return;
    };
    let fixture = NewsFixture::start(&["--feeds", "1", "--items", "220"]);
    let proxy = Proxy::start();
    let a = machine("sync-away", &[fixture.url("/feed/0.xml")], &proxy.url());
    let mut printed = Printed(Vec::new());
    printed.ok(run(&a, &["sync", "--push-subscriptions"]), "push");
    server.actualize();
    printed.sync(&a, "first sync");
    let total = server.all_ids().len();
    assert_eq!(total, 220);
    assert_eq!(headlines(&mut printed, &a).len(), 220);

    // The server stopped: five marked read in the app, which is then killed.
    server.stop();
    let mut pty = Pty::herald(&a, &alsa_null(&a), &[], &[], 120, 30);
    pty.wait_for("Headlines");
    for _ in 0..5 {
        pty.press("mj");
    }
    pty.wait_until("five marked read", |s| {
        common::pty::screen_text(s)
            .lines()
            .filter(|l| l.contains('●'))
            .count()
            > 0
            && unread_rows(s) + 5 <= rows_listed(s)
    });
    // The marks are saved off the screen's thread: give the store a moment, then kill.
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on the child's pid.
    unsafe { libc::kill(pty.pid(), libc::SIGKILL) };
    let _ = pty.wait_exit();
    server.start();
    let report = printed.sync(&a, "after the restart");
    assert_eq!(report["marks_sent"], 5, "{report}");
    assert_eq!(server.unread_ids().len(), total - 5);

    // A server answering 500 to edit-tag: the marks wait, and say so.
    proxy.fail_edit_tag.store(true, Ordering::SeqCst);
    let out = run(&a, &["mark", "read", "--all"]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    let out = printed.ok(out, "mark all");
    assert!(out.contains("215 marked read"), "{out}");
    assert!(said.contains("215 marks wait for the next sync"), "{said}");
    let out = run(&a, &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("215 marks wait for the next sync") && err.contains("500"),
        "{err}"
    );
    assert_eq!(server.unread_ids().len(), total - 5);

    proxy.fail_edit_tag.store(false, Ordering::SeqCst);
    proxy.forget();
    let report = printed.sync(&a, "the server answers again");
    assert_eq!(report["marks_sent"], 215, "{report}");
    let edits = proxy
        .seen()
        .iter()
        .filter(|p| p.ends_with("/edit-tag"))
        .count();
    assert!(edits <= 2, "{edits} edit-tag requests for 215 marks");
    assert!(server.unread_ids().is_empty());

    // Nothing new: at most three requests, counted by the proxy.
    proxy.forget();
    printed.sync(&a, "nothing new");
    assert!(proxy.seen().len() <= 3, "{:?}", proxy.seen());
    let _ = std::fs::remove_dir_all(&a);
}

fn rows_listed(s: &vt100::Screen) -> usize {
    common::pty::screen_text(s)
        .lines()
        .filter(|l| l.contains("Port") || l.contains("Fixture Desk"))
        .count()
}

fn unread_rows(s: &vt100::Screen) -> usize {
    common::pty::screen_text(s)
        .lines()
        .filter(|l| l.contains('●'))
        .count()
}

#[test]
fn a_wrong_password_is_one_line_naming_sync_and_changes_nothing() {
    let Some(_server) = freshrss::fresh() else {
        return;
    };
    let dir = temp_dir("sync-wrong");
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[sync]\nurl = \"{API}\"\nuser = \"alice\"\npassword_command = \"echo not-the-password\"\n"
        ),
    )
    .expect("config");
    // A store with something in it, to see that nothing changes.
    let out = run(&dir, &["headlines", "--count"]);
    assert!(out.status.success());
    let db = dir.join("data/herald.db");
    let before = std::fs::read(&db).expect("db");
    let out = run(&dir, &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("[sync]") && err.contains("password_command") && err.contains("refused"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).expect("db"), before);
    assert!(!dir.join("data/sync-token").exists());
    assert!(!err.contains("not-the-password"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn r_in_the_app_syncs_and_lists_what_the_server_has() {
    let Some(server) = freshrss::fresh() else {
        return;
    };
    let fixture = NewsFixture::start(&["--feeds", "1", "--items", "6"]);
    let mut printed = Printed(Vec::new());
    let pusher = machine("sync-pusher", &[fixture.url("/feed/0.xml")], API);
    printed.ok(run(&pusher, &["sync", "--push-subscriptions"]), "push");
    server.actualize();

    // A machine that knows nothing yet: its first sync is the app's `r`.
    let b = machine("sync-app", &[], API);
    let mut pty = Pty::herald(&b, &alsa_null(&b), &[], &[], 120, 30);
    pty.wait_for("Headlines");
    pty.press("r");
    let screen = pty.wait_for("synced: 6 new");
    let text = common::pty::screen_text(&screen);
    eprintln!("{text}");
    // The feed is named by its title on the server, and its headlines are listed at once.
    pty.wait_until("the server's headlines", |s| {
        common::pty::screen_text(s)
            .lines()
            .filter(|l| l.contains("Fixture Desk 0"))
            .count()
            >= 6
    });
    pty.press("q");
    assert!(pty.wait_exit().success());
    let _ = std::fs::remove_dir_all(&pusher);
    let _ = std::fs::remove_dir_all(&b);
}
