//! An idle app sleeps: with nothing playing and no key pressed, none of its threads wakes on a
//! timer, before anything has played and after a recording has played to its end. Counted from
//! the kernel's own tally of each thread's context switches (a thread that sleeps and is woken
//! adds one; so does one preempted while it spins), over seconds of the app showing the demo
//! edition offline.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::pty::{Pty, alsa_null};
use common::*;

/// How long the app is watched while idle.
const WATCHED: Duration = Duration::from_secs(8);
/// Wakes allowed over [`WATCHED`]: a handful, for one-off events (a blocking thread of the
/// runtime ending after its keep-alive); a timer of 1 Hz or more would exceed it.
const ALLOWED: u64 = 4;

/// Each thread of `pid`: its name and its context switches so far, voluntary (it slept and was
/// woken) and not (it was preempted while running).
fn switches(pid: i32) -> BTreeMap<u32, (String, u64)> {
    let mut threads = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return threads;
    };
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        // A thread may end between the listing and the read.
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let count = |name: &str| field(name).and_then(|v| v.parse::<u64>().ok());
        // Preemptions too: a thread spinning on the CPU never sleeps, but is switched out.
        let switched = count("voluntary_ctxt_switches:")
            .zip(count("nonvoluntary_ctxt_switches:"))
            .map(|(woken, preempted)| woken + preempted);
        if let (Some(name), Some(switched)) = (field("Name:"), switched) {
            threads.insert(tid, (name, switched));
        }
    }
    threads
}

/// Wakes between two tallies, per thread (`name/tid`): the switches a thread added, all of a
/// thread that started in between, and one for a thread that ended (its last wake).
fn wakes(
    before: &BTreeMap<u32, (String, u64)>,
    after: &BTreeMap<u32, (String, u64)>,
) -> BTreeMap<String, u64> {
    let mut woke = BTreeMap::new();
    for (tid, (name, count)) in after {
        let earlier = before.get(tid).map_or(0, |(_, c)| *c);
        woke.insert(format!("{name}/{tid}"), count.saturating_sub(earlier));
    }
    for (tid, (name, _)) in before {
        if !after.contains_key(tid) {
            woke.insert(format!("{name}/{tid} (ended)"), 1);
        }
    }
    woke
}

fn idle_wakes(pid: i32, watched: Duration) -> (u64, BTreeMap<String, u64>) {
    let before = switches(pid);
    assert!(!before.is_empty(), "the app's threads are listed in /proc");
    std::thread::sleep(watched);
    let woke = wakes(&before, &switches(pid));
    (woke.values().sum(), woke)
}

/// The demo edition and a feed on a loopback port nobody listens on, with an empty home.
fn offline_demo(dir: &Path) -> Vec<(&'static str, String)> {
    let closed = format!("http://127.0.0.1:{}/feed.xml", free_port());
    let demo = root().join("assets/demo/feed.xml").display().to_string();
    write_config(dir, &[demo, closed], "");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    vec![
        ("HOME", home.display().to_string()),
        (
            "XDG_CONFIG_HOME",
            home.join(".config").display().to_string(),
        ),
        ("XDG_CACHE_HOME", home.join(".cache").display().to_string()),
    ]
}

#[test]
fn an_idle_app_does_not_wake() {
    let dir = temp_dir("idle-wakeups");
    let env = offline_demo(&dir);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut pty = Pty::herald(&dir, &alsa_null(&dir), &[], &env, 120, 40);
    // The first frame, then the refresh the first run starts, its summary on the status line.
    pty.wait_for("Harbour Town Opens Its First Tidal Power Station");
    pty.wait_for("2 feeds, 2 new; 1 unreachable");
    // Start-up's last work (the store's check, the trimmer's first pass, the refresh's blocking
    // thread ending) is done well within this.
    std::thread::sleep(Duration::from_secs(12));

    let (total, woke) = idle_wakes(pty.pid(), WATCHED);
    let per_second = total as f64 / WATCHED.as_secs_f64();
    eprintln!(
        "idle for {:.0} s: {total} wakes ({per_second:.2} per second) over {} threads: {woke:?}",
        WATCHED.as_secs_f64(),
        woke.len()
    );
    assert!(
        total <= ALLOWED,
        "the idle app woke {total} times in {:.0} s: {woke:?}",
        WATCHED.as_secs_f64()
    );

    // Played to its end (ALSA's null device does not pace it), then idle again.
    pty.press("\r");
    pty.wait_for("Comments (4)");
    pty.press(" ");
    pty.wait_until("the recording to play and end", |s| {
        common::pty::screen_text(s).contains("■ ")
            && common::pty::listen_times(s).is_some_and(|(elapsed, _)| elapsed > Duration::ZERO)
    });
    // The blocking threads that opened the device and made the recording ready end after
    // tokio's keep-alive of 10 s.
    std::thread::sleep(Duration::from_secs(12));
    let (total, woke) = idle_wakes(pty.pid(), WATCHED);
    eprintln!(
        "after playing, idle for {:.0} s: {total} wakes over {} threads: {woke:?}",
        WATCHED.as_secs_f64(),
        woke.len()
    );
    assert!(
        total <= ALLOWED,
        "after playing, the idle app woke {total} times in {:.0} s: {woke:?}",
        WATCHED.as_secs_f64()
    );

    pty.press("q");
    pty.wait_for("Headlines (1 unread)");
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
