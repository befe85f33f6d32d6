//! The real binary in a pseudo-terminal, its output fed to a terminal emulator (vt100): keys
//! in, the screen out as a person would see it, with its cells' attributes and colours, and
//! whatever else the output asked of the terminal (a title, a bell, a status report).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a screen may take to show what a test waits for (a shared, busy machine).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// ratatui ends every frame by hiding the cursor: a screen taken right after this sequence is
/// a whole frame, never half of one.
const FRAME_END: &[u8] = b"\x1b[?25l";

/// What the output asked of the terminal besides drawing on its screen.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    pub titles: Vec<String>,
    pub icon_names: Vec<String>,
    pub bells: usize,
    pub clipboard: usize,
    pub resizes: Vec<(u16, u16)>,
    /// Sequences vt100 does not implement, as `ESC [ params final` text: status reports
    /// (`6n`) and the like, which a real terminal would answer into the app's input.
    pub other_csi: Vec<String>,
    pub other_osc: Vec<String>,
    pub other_escapes: Vec<String>,
}

impl vt100::Callbacks for Requests {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.resizes.push(request);
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names
            .push(String::from_utf8_lossy(name).into_owned());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], _: &[u8]) {
        self.clipboard += 1;
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.clipboard += 1;
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        let bytes: Vec<u8> = [i1, i2, Some(b)].into_iter().flatten().collect();
        self.other_escapes
            .push(String::from_utf8_lossy(&bytes).into_owned());
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let intermediates: String = [i1, i2].into_iter().flatten().map(char::from).collect();
        let params: Vec<String> = params
            .iter()
            .map(|p| p.iter().map(u16::to_string).collect::<Vec<_>>().join(":"))
            .collect();
        self.other_csi
            .push(format!("{intermediates}{}{c}", params.join(";")));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let params: Vec<String> = params
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        self.other_osc.push(params.join(";"));
    }
}

/// Everything the terminal received, as parsed so far.
struct Received {
    parser: vt100::Parser<Requests>,
    raw: Vec<u8>,
    /// Whole frames, kept while a test records them.
    frames: Option<Vec<vt100::Screen>>,
    /// How far into [`FRAME_END`] the last bytes were.
    frame_end_matched: usize,
}

impl Received {
    fn take(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            self.frame_end_matched = if b == FRAME_END[self.frame_end_matched] {
                self.frame_end_matched + 1
            } else if b == FRAME_END[0] {
                1
            } else {
                0
            };
            if self.frame_end_matched == FRAME_END.len() {
                self.frame_end_matched = 0;
                self.parser.process(&bytes[start..=i]);
                start = i + 1;
                if let Some(frames) = &mut self.frames {
                    frames.push(self.parser.screen().clone());
                }
            }
        }
        self.parser.process(&bytes[start..]);
    }
}

pub struct Pty {
    child: Child,
    keys: File,
    received: Arc<Mutex<Received>>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader to let go of the terminal (see [`Pty::hang_up`]).
    stop_reading: Arc<AtomicBool>,
}

/// A new pseudo-terminal of `cols` x `rows`, master and slave. Both are opened close-on-exec
/// at once (openpty cannot): the tests share one process, and a program another test starts
/// meanwhile must not inherit them, or this terminal would stay open while that one runs.
fn open_pty(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let os_error = |what: &str| panic!("{what}: {}", std::io::Error::last_os_error());
    // SAFETY: posix_openpt opens a new descriptor, owned from here on by `master`.
    let master = unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        if fd < 0 {
            os_error("posix_openpt");
        }
        OwnedFd::from_raw_fd(fd)
    };
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: the descriptor is a pty master; ptsname_r writes at most `name.len()` bytes.
    unsafe {
        if libc::grantpt(master.as_raw_fd()) != 0 || libc::unlockpt(master.as_raw_fd()) != 0 {
            os_error("grantpt");
        }
        if libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()) != 0 {
            os_error("ptsname_r");
        }
    }
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: `name` is the NUL-terminated path ptsname_r wrote; open returns a new
    // descriptor, owned from here on by `slave`; TIOCSWINSZ only reads `size`.
    let slave = unsafe {
        let fd = libc::open(
            name.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            os_error("open the pty's slave");
        }
        let slave = OwnedFd::from_raw_fd(fd);
        if libc::ioctl(slave.as_raw_fd(), libc::TIOCSWINSZ, &size) != 0 {
            os_error("TIOCSWINSZ");
        }
        slave
    };
    (master, slave)
}

impl Pty {
    /// Runs `cmd` as the session leader of a new `cols` x `rows` pseudo-terminal, its
    /// controlling terminal, with `TERM=xterm-256color`.
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16) -> Pty {
        let (master, slave) = open_pty(cols, rows);
        cmd.env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start the program in the terminal");
        // The slave's copies held by `cmd` close here: the reader sees the end when the
        // program and its children have closed theirs.
        drop(cmd);
        let keys = File::from(master.try_clone().expect("dup"));
        let received = Arc::new(Mutex::new(Received {
            parser: vt100::Parser::new_with_callbacks(
                std::num::NonZeroU16::new(rows).expect("rows > 0"),
                std::num::NonZeroU16::new(cols).expect("cols > 0"),
                0,
                Requests::default(),
            ),
            raw: Vec::new(),
            frames: None,
            frame_end_matched: 0,
        }));
        let sink = Arc::clone(&received);
        let mut output = File::from(master);
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::Relaxed) {
                let mut ready = libc::pollfd {
                    fd: output.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: poll reads and writes only `ready`, one descriptor this thread owns.
                if unsafe { libc::poll(&mut ready, 1, 50) } == 0 {
                    continue;
                }
                // A read error (EIO) is the other side closing.
                match output.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => lock(&sink).take(&buf[..n]),
                }
            }
        });
        Pty {
            child,
            keys,
            received,
            reader: Some(reader),
            stop_reading,
        }
    }

    /// herald with `--config dir/config.toml --data-dir dir/data`, then `args`, with `env`
    /// set; its ALSA configuration is `alsa` (see [`alsa_null`], [`alsa_none`]).
    pub fn herald(
        dir: &Path,
        alsa: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Pty {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
        cmd.arg("--config")
            .arg(dir.join("config.toml"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(args)
            .env("ALSA_CONFIG_PATH", alsa)
            .envs(env.iter().copied());
        Pty::spawn(cmd, cols, rows)
    }

    /// Resizes the terminal, as a person dragging the window does: the program gets SIGWINCH.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        use std::os::fd::AsRawFd;
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let nonzero = |n: u16| std::num::NonZeroU16::new(n).expect("a terminal has a size");
        lock(&self.received)
            .parser
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        // SAFETY: TIOCSWINSZ reads a winsize from the pointer, on a descriptor this owns.
        let rc = unsafe { libc::ioctl(self.keys.as_raw_fd(), libc::TIOCSWINSZ, &size) };
        assert_eq!(rc, 0, "TIOCSWINSZ");
    }

    /// The process id of the program.
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("a pid fits an i32")
    }

    /// The terminal as it is now.
    pub fn screen(&self) -> vt100::Screen {
        lock(&self.received).parser.screen().clone()
    }

    /// The screen's text, one line per row, trailing blanks cut.
    pub fn text(&self) -> String {
        screen_text(&self.screen())
    }

    pub fn requests(&self) -> Requests {
        lock(&self.received).parser.callbacks().clone()
    }

    /// Every byte the program wrote to the terminal.
    pub fn raw(&self) -> Vec<u8> {
        lock(&self.received).raw.clone()
    }

    /// Keeps every whole frame from now on, for [`Pty::frames`].
    pub fn record_frames(&self) {
        lock(&self.received).frames = Some(Vec::new());
    }

    /// The frames kept since [`Pty::record_frames`], in order; keeps recording.
    pub fn frames(&self) -> Vec<vt100::Screen> {
        lock(&self.received).frames.clone().unwrap_or_default()
    }

    /// Waits until `ready` holds for the screen, and returns that screen.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) -> vt100::Screen {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if start.elapsed() > PATIENCE {
                panic!(
                    "never saw {what}; the screen shows:\n{}",
                    screen_text(&screen)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, needle: &str) -> vt100::Screen {
        self.wait_until(&format!("{needle:?}"), |s| screen_text(s).contains(needle))
    }

    pub fn wait_gone(&self, needle: &str) -> vt100::Screen {
        self.wait_until(&format!("{needle:?} go away"), |s| {
            !screen_text(s).contains(needle)
        })
    }

    pub fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).expect("write keys");
    }

    /// Closes the terminal, as closing its window does: the program gets SIGHUP, and what it
    /// writes to the terminal from then on fails.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        // The last descriptor of the terminal's master side.
        self.keys = File::open("/dev/null").expect("/dev/null");
    }

    /// Waits for the program to end, then for the last of its output to be parsed.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!(
                    "the program did not quit; the screen shows:\n{}",
                    self.text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
            while !reader.is_finished() && start.elapsed() < PATIENCE {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(
                reader.is_finished(),
                "the terminal stayed open after the program ended"
            );
            reader.join().expect("the reader thread");
        }
        status
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn lock(received: &Mutex<Received>) -> MutexGuard<'_, Received> {
    received.lock().unwrap_or_else(|e| e.into_inner())
}

/// Row `row`'s text from column `from` for `width` columns, trailing blanks cut.
pub fn row_text(screen: &vt100::Screen, row: u16, from: u16, width: u16) -> String {
    let mut line = String::new();
    for col in from..from.saturating_add(width) {
        match screen.cell(row, col) {
            Some(cell) if cell.is_wide_continuation() => {}
            Some(cell) if cell.has_contents() => line.push_str(cell.contents()),
            Some(_) => line.push(' '),
            None => break,
        }
    }
    line.trim_end().to_string()
}

/// The whole screen's text, one line per row.
pub fn screen_text(screen: &vt100::Screen) -> String {
    let (rows, cols) = screen.size();
    (0..rows.get())
        .map(|r| row_text(screen, r, 0, cols.get()) + "\n")
        .collect()
}

/// Row and column of the first `needle` on the screen (columns counted in cells).
pub fn find(screen: &vt100::Screen, needle: &str) -> Option<(u16, u16)> {
    let (rows, cols) = screen.size();
    (0..rows.get()).find_map(|r| {
        let text = row_text(screen, r, 0, cols.get());
        text.find(needle)
            .map(|byte| (r, herald::width::of(&text[..byte]) as u16))
    })
}

/// `(elapsed, total)` of the article's listen bar, `Listen to the article … 1:02 / 4:12`;
/// `None` for a total shown as `--:--`.
pub fn listen_times(screen: &vt100::Screen) -> Option<(Duration, Option<Duration>)> {
    let text = screen_text(screen);
    let line = text.lines().find(|l| l.contains("Listen to the article"))?;
    let (before, after) = line.split_once(" / ")?;
    let elapsed = before.split_whitespace().last()?;
    let total = after.split_whitespace().next()?;
    Some((
        herald::commands::parse_time(elapsed).ok()?,
        herald::commands::parse_time(total).ok(),
    ))
}

/// An ALSA configuration whose default device is the null PCM: playback works with no sound
/// card (and is not paced in real time).
pub fn alsa_null(dir: &Path) -> PathBuf {
    let conf = dir.join("asound-null.conf");
    std::fs::write(
        &conf,
        "pcm.!default { type null }\nctl.!default { type hw card 0 }\n",
    )
    .expect("write the ALSA configuration");
    conf
}

/// An ALSA configuration with no devices at all.
pub fn alsa_none(dir: &Path) -> PathBuf {
    let conf = dir.join("asound-none.conf");
    std::fs::write(&conf, "\n").expect("write the ALSA configuration");
    conf
}

/// An ALSA default device paced by the test: the file plugin over the null device, writing
/// every sample into a FIFO that a thread here drains at `bytes_per_sec`. The null device alone
/// is not paced at all: a minute of audio ends between two of the app's frames.
pub struct PacedAlsa {
    pub conf: PathBuf,
    fifo: PathBuf,
    stop: Arc<AtomicBool>,
}

impl PacedAlsa {
    pub fn new(dir: &Path, bytes_per_sec: u64) -> PacedAlsa {
        let fifo = dir.join("alsa-samples.fifo");
        let _ = std::fs::remove_file(&fifo);
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: mkfifo reads a NUL-terminated path.
        let rc = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
        assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
        let conf = dir.join("asound-paced.conf");
        std::fs::write(
            &conf,
            format!(
                "pcm.!default {{ type file slave.pcm \"null\" file \"{}\" format \"raw\" }}\n\
                 pcm.null {{ type null }}\nctl.!default {{ type hw card 0 }}\n",
                fifo.display()
            ),
        )
        .expect("write the ALSA configuration");
        let stop = Arc::new(AtomicBool::new(false));
        let (path, done) = (fifo.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            // The device may be opened more than once (probed, then played): open again after
            // each writer has gone.
            while !done.load(Ordering::SeqCst) {
                let Ok(mut samples) = File::open(&path) else {
                    return;
                };
                let (start, mut taken) = (Instant::now(), 0u64);
                while let Ok(n) = samples.read(&mut buf) {
                    if n == 0 || done.load(Ordering::SeqCst) {
                        break;
                    }
                    taken += n as u64;
                    let due = Duration::from_secs_f64(taken as f64 / bytes_per_sec as f64);
                    if let Some(wait) = due.checked_sub(start.elapsed()) {
                        std::thread::sleep(wait);
                    }
                }
            }
        });
        PacedAlsa { conf, fifo, stop }
    }
}

impl Drop for PacedAlsa {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes a drain waiting for a writer; fails harmlessly when none is waiting.
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.fifo);
    }
}

/// `m:ss` as a listen bar shows a length.
pub fn minutes_seconds(d: Duration) -> String {
    format!("{}:{:02}", d.as_secs() / 60, d.as_secs() % 60)
}
