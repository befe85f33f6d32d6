//! A device with no sound card: `rodio::Player::new()` gives the samples a device would take,
//! and a thread here pulls them at a chosen pace, keeping the output time they stand for; and
//! the player's events as they come.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use herald::audio::player::{PlayerHandle, with_player};
use herald::audio::{PlayState, PlayerEvent};
use herald::net::{Net, NetConfig};
use rodio::Source;

/// What the fake device took.
pub(super) struct Output {
    samples: Arc<Mutex<Vec<f32>>>,
    /// Seconds of output pulled (samples / (rate x channels) as reported at each sample, so a
    /// faster speed, which raises the reported rate, counts as a device would play it).
    secs: Arc<Mutex<f64>>,
    hold: Arc<AtomicBool>,
    held: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    pace: f64,
}

impl Output {
    /// Pulls `out` at `pace` times real time.
    pub(super) fn spawn(mut out: rodio::queue::SourcesQueueOutput, pace: f64) -> Output {
        let o = Output {
            samples: Arc::default(),
            secs: Arc::default(),
            hold: Arc::default(),
            held: Arc::default(),
            stop: Arc::default(),
            pace,
        };
        let (samples, secs, hold, held, stop) = (
            o.samples.clone(),
            o.secs.clone(),
            o.hold.clone(),
            o.held.clone(),
            o.stop.clone(),
        );
        std::thread::spawn(move || {
            let mut pulled = 0.0f64;
            let mut target = 0.0f64;
            let mut last = Instant::now();
            while !stop.load(Ordering::SeqCst) {
                if hold.load(Ordering::SeqCst) {
                    held.store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(2));
                    last = Instant::now();
                    continue;
                }
                held.store(false, Ordering::SeqCst);
                let now = Instant::now();
                target += (now - last).as_secs_f64() * pace;
                last = now;
                let mut buf = Vec::new();
                while pulled < target {
                    let per_sec =
                        f64::from(out.sample_rate().get() * u32::from(out.channels().get()));
                    match out.next() {
                        Some(s) => {
                            buf.push(s);
                            pulled += 1.0 / per_sec;
                        }
                        None => break,
                    }
                }
                samples.lock().expect("samples").extend(buf);
                *secs.lock().expect("secs") = pulled;
                std::thread::sleep(Duration::from_millis(4));
            }
        });
        o
    }

    pub(super) fn len(&self) -> usize {
        self.samples.lock().expect("samples").len()
    }

    pub(super) fn slice(&self, from: usize, to: usize) -> Vec<f32> {
        self.samples.lock().expect("samples")[from..to].to_vec()
    }

    pub(super) fn secs(&self) -> f64 {
        *self.secs.lock().expect("secs")
    }

    pub(super) fn hold(&self) {
        self.hold.store(true, Ordering::SeqCst);
        while !self.held.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    pub(super) fn resume(&self) {
        self.hold.store(false, Ordering::SeqCst);
    }

    /// Waits until the device has taken `secs` more seconds of output.
    pub(super) fn advance(&self, secs: f64) {
        let until = self.secs() + secs;
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.secs() < until {
            assert!(
                Instant::now() < deadline,
                "output stalled at {}",
                self.secs()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the device has taken what it takes in `d` at its pace: the output's own
    /// progress, however slow a busy machine makes it.
    pub(super) fn play_for(&self, d: Duration) {
        self.advance(d.as_secs_f64() * self.pace);
    }

    /// Samples the device takes over its next `d` at its pace.
    pub(super) fn record(&self, d: Duration) -> Vec<f32> {
        let from = self.len();
        self.play_for(d);
        self.slice(from, self.len())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

pub(super) fn start(pace: f64) -> (PlayerHandle, Output) {
    let (player, out) = rodio::Player::new();
    let output = Output::spawn(out, pace);
    (with_player(player, &net()), output)
}

/// Events until one matches; panics with what was seen on timeout.
pub(super) fn wait_for(
    h: &PlayerHandle,
    secs: u64,
    mut want: impl FnMut(&PlayerEvent) -> bool,
) -> Vec<PlayerEvent> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Some(e) = h.recv_timeout(left) {
            let done = want(&e);
            seen.push(e);
            if done {
                return seen;
            }
        }
    }
    panic!("timed out; events seen: {seen:?}");
}

pub(super) fn wait_state(h: &PlayerHandle, s: PlayState) -> Vec<PlayerEvent> {
    wait_for(h, 20, |e| *e == PlayerEvent::State(s))
}

pub(super) fn next_position(h: &PlayerHandle) -> (Duration, Option<Duration>, Option<usize>) {
    let seen = wait_for(h, 10, |e| matches!(e, PlayerEvent::Position { .. }));
    match seen.last() {
        Some(PlayerEvent::Position { pos, total, part }) => (*pos, *total, *part),
        _ => unreachable!("wait_for returns the matching event last"),
    }
}

pub(super) fn drain(h: &PlayerHandle) -> Vec<PlayerEvent> {
    std::iter::from_fn(|| h.try_recv()).collect()
}

/// Output stopped, then the position the player reports and the output time, which now agree:
/// the held output takes no samples, so two reports in a row giving the same position show the
/// player has caught up with it.
pub(super) fn frozen(h: &PlayerHandle, out: &Output) -> (f64, f64) {
    out.hold();
    drain(h);
    let (mut last, _, _) = next_position(h);
    loop {
        let (pos, _, _) = next_position(h);
        if pos == last {
            return (pos.as_secs_f64(), out.secs());
        }
        last = pos;
    }
}

pub(super) fn net() -> Net {
    Net::new(&NetConfig::default()).expect("client")
}
