//! A loopback HTTP server for one audio file, honouring `Range` and throttled.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A loopback HTTP server that honours `Range` and sends `bytes_per_sec` at most.
pub(super) struct Server {
    pub(super) addr: String,
    requests: Arc<Mutex<Vec<String>>>,
    pub(super) sent: Arc<AtomicU64>,
}

impl Server {
    pub(super) fn start(audio: Vec<u8>, bytes_per_sec: u64) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = format!("http://{}", listener.local_addr().expect("addr"));
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let sent: Arc<AtomicU64> = Arc::default();
        let audio = Arc::new(audio);
        let (reqs, sent2) = (requests.clone(), sent.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (audio, reqs, sent) = (audio.clone(), reqs.clone(), sent2.clone());
                std::thread::spawn(move || serve(conn, &audio, bytes_per_sec, &reqs, &sent));
            }
        });
        Server {
            addr,
            requests,
            sent,
        }
    }

    pub(super) fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("requests").clone()
    }
}

fn serve(
    mut conn: TcpStream,
    audio: &[u8],
    rate: u64,
    reqs: &Mutex<Vec<String>>,
    sent: &AtomicU64,
) {
    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            let (a, b) = v.trim().split_once('-').unwrap_or((v.trim(), ""));
            range = Some((a.parse::<u64>().unwrap_or(0), b.parse::<u64>().ok()));
        }
    }
    reqs.lock().expect("log").push(format!("{path} {range:?}"));
    let (status, ctype, body): (&str, &str, &[u8]) = match path.as_str() {
        "/ep.mp3" | "/fast/ep.mp3" => ("200 OK", "audio/mpeg", audio),
        "/page.mp3" => (
            "200 OK",
            "audio/mpeg",
            b"<!DOCTYPE html>\n<html><head><title>Log in</title></head><body>Log in</body></html>",
        ),
        "/doc.mp3" => ("200 OK", "text/html; charset=utf-8", b"<p>gone</p>"),
        _ => ("404 Not Found", "text/plain", b"not found"),
    };
    let len = body.len() as u64;
    let (status, from, to) = match range {
        Some((a, b)) if status.starts_with("200") && a < len => (
            "206 Partial Content",
            a,
            b.map_or(len - 1, |b| b.min(len - 1)),
        ),
        _ => (status, 0, len.saturating_sub(1)),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nAccept-Ranges: bytes\r\nContent-Length: {}\r\nConnection: close\r\n",
        if len == 0 { 0 } else { to - from + 1 }
    );
    if status.starts_with("206") {
        head.push_str(&format!("Content-Range: bytes {from}-{to}/{len}\r\n"));
    }
    head.push_str("\r\n");
    if conn.write_all(head.as_bytes()).is_err() || len == 0 {
        return;
    }
    let body = &body[from as usize..=to as usize];
    let throttled = rate > 0 && !path.starts_with("/fast/");
    let chunk = 8192;
    let started = Instant::now();
    let mut done = 0usize;
    for piece in body.chunks(chunk) {
        if conn.write_all(piece).is_err() {
            return;
        }
        done += piece.len();
        sent.fetch_add(piece.len() as u64, Ordering::SeqCst);
        if throttled {
            let due = Duration::from_secs_f64(done as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
    }
}
