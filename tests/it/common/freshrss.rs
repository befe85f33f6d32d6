//! The real FreshRSS of ../shared/freshrss on 127.0.0.1:8081, started empty for each test that
//! takes it, and asked about its own state through its Google Reader API (with curl, as a
//! person would check it).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const API: &str = "http://127.0.0.1:8081/api/greader.php";
pub const USER: &str = "alice";
pub const PASSWORD: &str = "alice-api-pass";

/// One test at a time: each starts the server from empty.
static IN_USE: Mutex<()> = Mutex::new(());

pub struct Server(#[allow(dead_code)] MutexGuard<'static, ()>);

fn script(name: &str) -> std::path::PathBuf {
    super::shared().join("freshrss").join(name)
}

fn run(name: &str, fresh: bool) -> Result<(), String> {
    let path = script(name);
    if !path.exists() {
        return Err(format!("{} is missing", path.display()));
    }
    let out = Command::new("bash")
        .arg(&path)
        .env("FRESH", if fresh { "1" } else { "0" })
        .output()
        .map_err(|e| format!("could not run {}: {e}", path.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed:\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The server, started from empty, for the caller alone until dropped. Outside CI a machine
/// that cannot run it skips (`None`); in CI that is a failure.
pub fn fresh() -> Option<Server> {
    let server = Server(IN_USE.lock().unwrap_or_else(|e| e.into_inner()));
    match run("setup.sh", true) {
        Ok(()) => Some(server),
        Err(why) => {
            assert!(!super::in_ci(), "FreshRSS could not be started: {why}");
            eprintln!("skipped: FreshRSS is not available: {why}");
            None
        }
    }
}

/// A `[sync]` section for this server (or `url` in its place, a proxy's). The command prints
/// the password without holding it whole, as a password manager would.
pub fn sync_config(url: &str) -> String {
    let (head, tail) = PASSWORD.split_at(6);
    format!(
        "[sync]\nurl = \"{url}\"\nuser = \"{USER}\"\npassword_command = \"printf '%s%s' '{head}' '{tail}'\"\n"
    )
}

impl Server {
    pub fn stop(&self) {
        run("stop.sh", false).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Started again with its data.
    pub fn start(&self) {
        run("setup.sh", false).unwrap_or_else(|e| panic!("{e}"));
    }

    /// The server fetches its feeds now.
    pub fn actualize(&self) {
        run("actualize.sh", false).unwrap_or_else(|e| panic!("{e}"));
    }

    fn auth(&self) -> String {
        let out = Command::new("curl")
            .args(["-s", "-d", &format!("Email={USER}&Passwd={PASSWORD}")])
            .arg(format!("{API}/accounts/ClientLogin"))
            .output()
            .expect("curl runs");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Auth=").map(str::to_string))
            .expect("the server logs alice in")
    }

    /// A GET of the API, its JSON answer.
    pub fn get(&self, path: &str) -> serde_json::Value {
        let out = Command::new("curl")
            .args(["-s", "-H"])
            .arg(format!("Authorization: GoogleLogin auth={}", self.auth()))
            .arg(format!("{API}/reader/api/0/{path}"))
            .output()
            .expect("curl runs");
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    fn ids(&self, query: &str) -> BTreeSet<String> {
        let answer = self.get(&format!("stream/items/ids?{query}&n=10000&output=json"));
        answer["itemRefs"]
            .as_array()
            .map(|refs| {
                refs.iter()
                    .filter_map(|r| r["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn all_ids(&self) -> BTreeSet<String> {
        self.ids("s=user/-/state/com.google/reading-list")
    }

    pub fn unread_ids(&self) -> BTreeSet<String> {
        self.ids("s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read")
    }

    pub fn starred_ids(&self) -> BTreeSet<String> {
        self.ids("s=user/-/state/com.google/starred")
    }

    /// Titles, links and publication times (unix seconds) of the reading list, as the server
    /// gives them.
    pub fn reading_list(&self) -> BTreeSet<(String, String, i64)> {
        let ids: Vec<String> = self.all_ids().into_iter().collect();
        let mut list = BTreeSet::new();
        for batch in ids.chunks(200) {
            let mut cmd = Command::new("curl");
            cmd.args(["-s", "-H"])
                .arg(format!("Authorization: GoogleLogin auth={}", self.auth()));
            for id in batch {
                cmd.args(["-d", &format!("i={id}")]);
            }
            let out = cmd
                .arg(format!(
                    "{API}/reader/api/0/stream/items/contents?output=json"
                ))
                .output()
                .expect("curl runs");
            let answer: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("contents JSON");
            for item in answer["items"].as_array().into_iter().flatten() {
                let link = item["canonical"][0]["href"]
                    .as_str()
                    .or(item["alternate"][0]["href"].as_str())
                    .unwrap_or_default();
                let published = match &item["published"] {
                    serde_json::Value::String(s) => s.parse().unwrap_or_default(),
                    other => other.as_i64().unwrap_or_default(),
                };
                list.insert((
                    item["title"].as_str().unwrap_or_default().to_string(),
                    link.to_string(),
                    published,
                ));
            }
        }
        list
    }
}

/// A proxy before the server on a port of its own: it counts the requests by their path and,
/// when told, answers 500 to `edit-tag` instead of passing it on.
pub struct Proxy {
    pub port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    pub fail_edit_tag: Arc<AtomicBool>,
}

impl Proxy {
    pub fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(AtomicBool::new(false));
        let (seen_in, fail_in) = (Arc::clone(&seen), Arc::clone(&fail));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, fail) = (Arc::clone(&seen_in), Arc::clone(&fail_in));
                std::thread::spawn(move || {
                    let _ = relay(stream, &seen, &fail);
                });
            }
        });
        Proxy {
            port,
            seen,
            fail_edit_tag: fail,
        }
    }

    /// The API's address through the proxy.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/api/greader.php", self.port)
    }

    /// The paths asked for so far (without their queries), in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn forget(&self) {
        self.seen.lock().expect("lock").clear();
    }
}

/// One request: read whole, passed on with `Connection: close`, its answer passed back whole.
fn relay(
    mut client: TcpStream,
    seen: &Mutex<Vec<String>>,
    fail: &AtomicBool,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    let head_end = loop {
        let n = client.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = client.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    seen.lock().expect("lock").push(path.clone());
    if fail.load(Ordering::SeqCst) && path.ends_with("/edit-tag") {
        client.write_all(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\nError",
        )?;
        return Ok(());
    }
    let mut lines: Vec<&str> = head[..head.len() - 4]
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let mut request = lines.join("\r\n").into_bytes();
    request.extend_from_slice(b"\r\n\r\n");
    request.extend_from_slice(&buf[head_end..]);
    let mut server = TcpStream::connect("127.0.0.1:8081")?;
    server.write_all(&request)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    // The answer's own Connection header is replaced: the client must not keep this one.
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |at| at + 4);
    let answer_head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut head_lines: Vec<&str> = answer_head
        .trim_end_matches("\r\n\r\n")
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    head_lines.push("Connection: close");
    let mut out = head_lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(&answer[end..]);
    client.write_all(&out)
}
