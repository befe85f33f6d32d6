//! Helpers shared by the integration tests: the real binary, loopback servers, byte checks.
#![allow(dead_code)]

pub mod freshrss;
pub mod media;
pub mod pitch;
pub mod pty;
pub mod wordpress;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The crate's root, for paths to ../shared.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shared() -> PathBuf {
    root().join("../shared")
}

/// True when running in CI, where missing shared data or servers are failures, not skips.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Tests whose checks need the machine to keep pace with a clock (speech made faster than it is
/// heard) never run while others load it (hundreds of feeds, a dozen processes at once); tests
/// of one kind share it. Each holds a [`MachineShare`] while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    KeepingPace,
    Loading,
}

/// Which kind of test has the machine, and how many of them.
static MACHINE: Mutex<(Option<Use>, usize)> = Mutex::new((None, 0));
static MACHINE_FREED: Condvar = Condvar::new();

/// The machine shared with tests of the same kind, until dropped.
pub struct MachineShare(());

fn share_machine(kind: Use) -> MachineShare {
    let mut machine = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
    while machine.0.is_some_and(|k| k != kind) {
        machine = MACHINE_FREED
            .wait(machine)
            .unwrap_or_else(|e| e.into_inner());
    }
    *machine = (Some(kind), machine.1 + 1);
    MachineShare(())
}

impl Drop for MachineShare {
    fn drop(&mut self) {
        let mut machine = MACHINE.lock().unwrap_or_else(|e| e.into_inner());
        machine.1 -= 1;
        if machine.1 == 0 {
            machine.0 = None;
            MACHINE_FREED.notify_all();
        }
    }
}

/// For a test that keeps pace with a clock: never while another loads the machine.
pub fn keeping_pace() -> MachineShare {
    share_machine(Use::KeepingPace)
}

/// For a test that loads the machine: never while another keeps pace.
pub fn loading_the_machine() -> MachineShare {
    share_machine(Use::Loading)
}

/// A fresh directory for one test's config and data, never the same twice: the tests share
/// one process and run at once.
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("herald-test-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the herald binary with `--config` and `--data-dir` in `dir`.
pub fn herald(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run herald")
}

/// [`herald`] with the ALSA configuration at `alsa` (`pty::alsa_none`: no devices at all).
pub fn herald_on_alsa(dir: &Path, alsa: &Path, args: &[&str]) -> Output {
    command(dir, args)
        .env("ALSA_CONFIG_PATH", alsa)
        .output()
        .expect("run herald")
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
    cmd.arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .stdin(Stdio::null());
    cmd
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn write_config(dir: &Path, feeds: &[String], extra: &str) {
    let mut text = String::new();
    for url in feeds {
        text.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n\n"));
    }
    text.push_str(extra);
    std::fs::write(dir.join("config.toml"), text).expect("write config");
}

/// Fails when `bytes` hold a control character other than newline, or any escape sequence
/// introducer, in raw or UTF-8 (C1) form.
pub fn assert_no_control_bytes(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| {
        c.is_control() && c != '\n'
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        let start = i.saturating_sub(40);
        panic!(
            "{what}: control character U+{:04X} at byte {i}: {:?}",
            c as u32,
            &text[start..(i + 40).min(text.len())]
        );
    }
}

/// The deterministic news site of ../shared/bench/newsfixture.py on a free loopback port.
pub struct NewsFixture {
    child: Child,
    pub port: u16,
}

impl NewsFixture {
    /// The fixture must be told its port before it binds it: a port found free can be taken
    /// meanwhile by another test's server, so a fixture that could not start tries another.
    pub fn start(args: &[&str]) -> NewsFixture {
        let script = shared().join("bench/newsfixture.py");
        assert!(script.exists(), "{} is missing", script.display());
        let mut said = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new("python3")
                .arg(&script)
                .arg("--port")
                .arg(port.to_string())
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 runs newsfixture.py");
            let mut line = String::new();
            let out = child.stdout.take().expect("piped stdout");
            BufReader::new(out)
                .read_line(&mut line)
                .expect("read the fixture's first line");
            if line.starts_with("serving") {
                return NewsFixture { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
            said = line;
        }
        panic!("the news fixture did not start on any of 5 free ports; it said: {said:?}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for NewsFixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A loopback port bound and never listened on, for as long as this lives: connections to it
/// are refused, and no other test's server can be given it meanwhile (as one could be a port
/// merely found free, the tests sharing one process).
pub struct ClosedPort {
    _socket: std::os::fd::OwnedFd,
    pub port: u16,
}

impl ClosedPort {
    pub fn new() -> ClosedPort {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        let os_error = |what: &str| panic!("{what}: {}", std::io::Error::last_os_error());
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: socket returns a new descriptor, owned from here on by `socket`; a zeroed
        // sockaddr_in is valid, and bind and getsockname read or write at most `len` bytes of it.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
            if fd < 0 {
                os_error("socket");
            }
            let socket = OwnedFd::from_raw_fd(fd);
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let addr_ptr = (&raw mut addr).cast::<libc::sockaddr>();
            if libc::bind(socket.as_raw_fd(), addr_ptr, len) != 0 {
                os_error("bind");
            }
            let mut got = len;
            if libc::getsockname(socket.as_raw_fd(), addr_ptr, &mut got) != 0 {
                os_error("getsockname");
            }
            ClosedPort {
                _socket: socket,
                port: u16::from_be(addr.sin_port),
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// Subscriptions to a subreddit, a Lobsters page and `hn:top`, their sites' APIs at a loopback
/// port nobody listens on: what they are on a machine offline. Keep the port until the test
/// ends.
#[must_use = "the port is closed only while it is held"]
pub fn subscribe_to_offline_sites(dir: &Path) -> ClosedPort {
    let port = ClosedPort::new();
    let closed = port.url("");
    write_config(
        dir,
        &[
            "https://www.reddit.com/r/rust".into(),
            "https://lobste.rs/".into(),
            "hn:top".into(),
        ],
        &format!(
            "[sources.hackernews]\nfirebase = \"{closed}/v0\"\nalgolia = \"\"\n\n\
             [sources.reddit]\nbase = \"{closed}\"\n\n[sources.lobsters]\nbase = \"{closed}\"\n"
        ),
    );
    port
}

/// A request as a [`TestServer`] saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a [`TestServer`] route answers: status, headers, body.
pub type Reply = (u16, Vec<(String, String)>, Vec<u8>);
type Handler = dyn Fn(&str, &[(String, String)]) -> Reply + Send + Sync;

/// A minimal HTTP/1.1 server on loopback that records every request it answers.
pub struct TestServer {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<SeenRequest>>>,
    stopped: Arc<std::sync::atomic::AtomicBool>,
}

impl TestServer {
    pub fn start(
        handler: impl Fn(&str, &[(String, String)]) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let seen_in = seen.clone();
        let stopped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = stopped.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break; // drops this connection and the listener: the port is closed
                }
                let handler = handler.clone();
                let seen = seen_in.clone();
                std::thread::spawn(move || serve(stream, &*handler, &seen));
            }
        });
        TestServer {
            port,
            seen,
            stopped,
        }
    }

    /// Closes the server's port, as a site gone offline.
    pub fn stop(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accept loop
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().expect("lock").clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<SeenRequest>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let (status, reply_headers, reply_body) = handler(&path, &headers);
        seen.lock().expect("lock").push(SeenRequest {
            path,
            headers,
            status,
        });
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n",
            reply_body.len()
        );
        for (k, v) in &reply_headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&reply_body).is_err() {
            return;
        }
    }
}

/// Runs herald as [`herald`] does, and returns with its output the largest resident set it
/// (or a child it waited for) reached, in MB: its own, not that of other tests' children.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which std's wait cannot replace"
)]
pub fn herald_with_peak_rss(dir: &Path, args: &[&str]) -> (Output, f64) {
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run herald");
    let mut err = child.stderr.take().expect("piped stderr");
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let mut stdout = Vec::new();
    let _ = child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_end(&mut stdout);
    let stderr = stderr.join().expect("stderr reader");
    let pid = i32::try_from(child.id()).expect("a pid fits in pid_t");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 reaps the child started above and
    // writes only into the two locals.
    let (reaped, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        (libc::wait4(pid, &mut status, 0, &mut usage), usage)
    };
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout,
        stderr,
    };
    (output, usage.ru_maxrss as f64 / 1024.0)
}
