//! The desktop's media controls (MPRIS) steering the real app, through `playerctl` on a
//! session bus of the test's own: what plays, its length, play-pause and seeking.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::media::ogg_vorbis_duration;
use common::pty::{PacedAlsa, Pty, listen_times, screen_text};
use common::*;

const TIDAL: &str = "Harbour Town Opens Its First Tidal Power Station";
const NIGHT: &str = "Night Library Pilot Keeps Reading Rooms Open Until Midnight";

/// A session bus for this test alone, gone with it.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    fn start() -> Option<SessionBus> {
        let spawned = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut daemon = match spawned {
            Ok(daemon) => daemon,
            Err(e) => {
                assert!(!in_ci(), "dbus-daemon: {e}");
                eprintln!("skipped: no dbus-daemon here ({e})");
                return None;
            }
        };
        let mut address = String::new();
        let stdout = daemon.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut address)
            .expect("the bus's address");
        Some(SessionBus {
            daemon,
            address: address.trim().to_string(),
        })
    }

    /// `playerctl -p herald ARGS` on this bus: its output, or why it failed.
    fn playerctl(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("playerctl")
            .args(["-p", "herald"])
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Asks until herald answers (it joins the bus just after it starts).
    fn ask(&self, args: &[&str], ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            match self.playerctl(args) {
                Ok(out) if ready(&out) => return out,
                other if start.elapsed() > PATIENCE => {
                    panic!("playerctl {args:?}: {other:?}")
                }
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

const PATIENCE: Duration = common::pty::PATIENCE;

fn offline_demo(dir: &Path, bus: &SessionBus) -> Vec<(&'static str, String)> {
    let demo = root().join("assets/demo/feed.xml").display().to_string();
    write_config(dir, &[demo], "");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    vec![
        ("HOME", home.display().to_string()),
        (
            "XDG_CONFIG_HOME",
            home.join(".config").display().to_string(),
        ),
        ("XDG_CACHE_HOME", home.join(".cache").display().to_string()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.clone()),
    ]
}

#[test]
fn playerctl_sees_what_plays_and_steers_it() {
    let Some(bus) = SessionBus::start() else {
        return;
    };
    if let Err(e) = Command::new("playerctl").arg("--version").output() {
        assert!(!in_ci(), "playerctl: {e}");
        eprintln!("skipped: no playerctl here ({e})");
        return;
    }
    let dir = temp_dir("media-keys");
    let env = offline_demo(&dir, &bus);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Paced about as a sound card would: the recording lasts longer than the test's steps.
    let device = PacedAlsa::new(&dir, 400_000);
    let mut pty = Pty::herald(&dir, &device.conf, &[], &env, 120, 40);
    pty.wait_for(TIDAL);
    // On the bus, nothing playing yet.
    bus.ask(&["status"], |s| s == "Stopped");

    pty.press("\r");
    pty.wait_for("Comments (4)");
    pty.press(" ");
    pty.wait_until("the elapsed time to advance", |s| {
        listen_times(s).is_some_and(|(elapsed, _)| elapsed > Duration::ZERO)
    });
    bus.ask(&["status"], |s| s == "Playing");
    assert_eq!(bus.ask(&["metadata", "title"], |s| !s.is_empty()), TIDAL);
    assert_eq!(
        bus.ask(&["metadata", "artist"], |s| !s.is_empty()),
        "The Herald Demo Edition"
    );
    let recording = std::fs::read(root().join("assets/demo/tidal-power.ogg")).expect("ogg");
    let length = ogg_vorbis_duration(&recording);
    let micros: u64 = bus
        .ask(&["metadata", "mpris:length"], |s| !s.is_empty())
        .parse()
        .expect("a length in microseconds");
    let told = Duration::from_micros(micros);
    assert!(
        told.abs_diff(length) < Duration::from_secs(1),
        "told {told:?}, the recording lasts {length:?}"
    );

    // Play-pause from the desktop pauses the app.
    bus.playerctl(&["play-pause"]).expect("play-pause");
    let screen = pty.wait_for("⏸");
    bus.ask(&["status"], |s| s == "Paused");
    let (paused_at, _) = listen_times(&screen).expect("the listen bar");

    // A position from the desktop moves the app there.
    bus.playerctl(&["position", "60"]).expect("position");
    let screen = pty.wait_until("the elapsed time to reach 1:00", |s| {
        listen_times(s).is_some_and(|(elapsed, _)| elapsed >= Duration::from_secs(60))
    });
    let (elapsed, _) = listen_times(&screen).expect("the listen bar");
    assert!(
        elapsed < Duration::from_secs(62) && elapsed > paused_at,
        "{}",
        screen_text(&screen)
    );
    let position: f64 = bus
        .ask(&["position"], |s| !s.is_empty())
        .parse()
        .expect("seconds");
    assert!((59.0..62.0).contains(&position), "position {position}");

    // And play again.
    bus.playerctl(&["play-pause"]).expect("play-pause");
    pty.wait_until("playing again", |s| screen_text(s).contains("▶ "));
    bus.ask(&["status"], |s| s == "Playing");

    // The other story queued from the list; next from the desktop goes on to it.
    pty.press("q");
    pty.wait_for("Headlines");
    pty.press("j");
    pty.press("a");
    pty.wait_for("1/2");
    bus.playerctl(&["next"]).expect("next");
    pty.wait_for("2/2");
    assert_eq!(bus.ask(&["metadata", "title"], |s| s == NIGHT), NIGHT);

    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_no_session_bus_the_app_runs_as_before() {
    let dir = temp_dir("media-keys-none");
    let demo = root().join("assets/demo/feed.xml").display().to_string();
    write_config(&dir, &[demo], "");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let home = home.display().to_string();
    let nowhere = format!("unix:path={}/no-bus", dir.display());
    let env = [
        ("HOME", home.as_str()),
        ("DBUS_SESSION_BUS_ADDRESS", nowhere.as_str()),
    ];
    let mut pty = Pty::herald(&dir, &common::pty::alsa_null(&dir), &[], &env, 100, 30);
    pty.wait_for(TIDAL);
    pty.press("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(dir.join("data/herald.log")).unwrap_or_default();
    let said: Vec<&str> = log.lines().filter(|l| l.contains("media keys")).collect();
    assert_eq!(said.len(), 1, "{log}");
    assert!(said[0].contains("not on the session bus"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
