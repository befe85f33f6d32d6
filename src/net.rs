//! The one HTTP client: timeouts, size caps on the decompressed body, redirects, conditional
//! GET and charset detection. Local paths and `file://` URLs are accepted wherever a URL is.

use std::path::PathBuf;
use std::time::Duration;

use encoding_rs::Encoding;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use url::Url;

use crate::failure::FailureKind;

pub const USER_AGENT: &str = concat!("herald/", env!("CARGO_PKG_VERSION"));

/// Network settings; `config.toml`'s `[network]` table.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetConfig {
    pub connect_timeout_secs: f64,
    pub timeout_secs: f64,
    pub max_feed_bytes: u64,
    pub max_page_bytes: u64,
    pub max_redirects: usize,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            connect_timeout_secs: 10.0,
            timeout_secs: 30.0,
            max_feed_bytes: 16 * 1024 * 1024,
            max_page_bytes: 32 * 1024 * 1024,
            max_redirects: 10,
        }
    }
}

/// Which size cap applies to a download.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    Feed,
    Page,
    /// A picture in an article: at most [`MAX_IMAGE_BYTES`] (or the page cap if smaller).
    Image,
}

/// Pictures larger than this are not worth their wait in a terminal.
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("not a URL or a readable file: {0}")]
    BadTarget(String),
    #[error("timed out after {0:.0} s")]
    Timeout(f64),
    #[error("response larger than the {} MB limit", .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("no secure connection: {0}")]
    Tls(String),
    #[error("{0}")]
    Transfer(String),
    #[error("could not read {path}: {err}")]
    File { path: String, err: std::io::Error },
}

impl NetError {
    /// What kind of failure this is, for counting and deciding; the text is for people.
    pub fn kind(&self) -> FailureKind {
        match self {
            NetError::BadTarget(_) => FailureKind::BadAddress,
            NetError::Timeout(_) => FailureKind::Timeout,
            NetError::TooLarge(_) => FailureKind::TooLarge,
            NetError::Status(status) => FailureKind::HttpStatus(*status),
            NetError::TooManyRedirects(_) => FailureKind::TooManyRedirects,
            NetError::Connect(_) => FailureKind::Unreachable,
            NetError::Tls(_) => FailureKind::Tls,
            NetError::Transfer(_) => FailureKind::Transfer,
            NetError::File { .. } => FailureKind::File,
        }
    }
}

/// HTTP validators kept per feed so an unchanged feed costs a 304.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful download.
#[derive(Debug, Clone)]
pub struct Response {
    /// Where the body came from after redirects.
    pub url: Url,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub validators: Validators,
}

impl Response {
    /// The body as text, decoded by [`decode_text`].
    pub fn text(&self) -> String {
        decode_text(&self.body, self.content_type.as_deref())
    }
}

#[derive(Debug)]
pub enum Fetched {
    NotModified,
    Fresh(Response),
}

/// Where to read something from.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Http(Url),
    File(PathBuf),
}

impl Target {
    /// Parses a URL, a `file://` URL or a local path.
    pub fn parse(input: &str) -> Result<Target, NetError> {
        let input = input.trim();
        if let Ok(url) = Url::parse(input) {
            match url.scheme() {
                "http" | "https" => return Ok(Target::Http(url)),
                "file" => {
                    return url
                        .to_file_path()
                        .map(Target::File)
                        .map_err(|_| NetError::BadTarget(input.to_string()));
                }
                _ => {}
            }
        }
        let path = PathBuf::from(input);
        if path.exists() {
            return Ok(Target::File(path));
        }
        Err(NetError::BadTarget(input.to_string()))
    }

    /// The URL that relative links in the document resolve against.
    pub fn base_url(&self) -> Url {
        match self {
            Target::Http(u) => u.clone(),
            Target::File(p) => std::fs::canonicalize(p)
                .ok()
                .and_then(|p| Url::from_file_path(p).ok())
                .unwrap_or_else(|| Url::parse("file:///").expect("constant URL")),
        }
    }
}

/// The shared HTTP client. Cheap to clone.
#[derive(Clone)]
pub struct Net {
    client: reqwest::Client,
    config: NetConfig,
}

impl Net {
    pub fn new(config: &NetConfig) -> Result<Net, NetError> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs_f64(
                config.connect_timeout_secs.max(0.1),
            ))
            .timeout(Duration::from_secs_f64(config.timeout_secs.max(0.1)))
            .redirect(reqwest::redirect::Policy::limited(config.max_redirects))
            .gzip(true)
            .brotli(true)
            .pool_max_idle_per_host(8)
            .build()
            .map_err(|e| NetError::Transfer(format!("could not start the HTTP client: {e}")))?;
        Ok(Net {
            client,
            config: config.clone(),
        })
    }

    /// The underlying client, for streaming audio through the same settings.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    fn cap(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Feed => self.config.max_feed_bytes,
            Limit::Page => self.config.max_page_bytes,
            Limit::Image => MAX_IMAGE_BYTES.min(self.config.max_page_bytes),
        }
    }

    /// Downloads `target` (URL, `file://` URL or path).
    pub async fn get(&self, target: &str, limit: Limit) -> Result<Response, NetError> {
        match self
            .get_conditional(target, limit, &Validators::default())
            .await?
        {
            Fetched::Fresh(r) => Ok(r),
            Fetched::NotModified => Err(NetError::Status(304)),
        }
    }

    /// Downloads `target`, sending `If-None-Match` / `If-Modified-Since` from `validators`.
    pub async fn get_conditional(
        &self,
        target: &str,
        limit: Limit,
        validators: &Validators,
    ) -> Result<Fetched, NetError> {
        match Target::parse(target)? {
            Target::File(path) => self.read_file(path, limit).await.map(Fetched::Fresh),
            Target::Http(url) => self.http_get(url, limit, validators).await,
        }
    }

    async fn read_file(&self, path: PathBuf, limit: Limit) -> Result<Response, NetError> {
        let cap = self.cap(limit);
        let shown = path.display().to_string();
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|err| NetError::File {
                path: shown.clone(),
                err,
            })?;
        if meta.len() > cap {
            return Err(NetError::TooLarge(cap));
        }
        let body = tokio::fs::read(&path).await.map_err(|err| NetError::File {
            path: shown.clone(),
            err,
        })?;
        Ok(Response {
            url: Target::File(path).base_url(),
            body,
            content_type: None,
            validators: Validators::default(),
        })
    }

    async fn http_get(
        &self,
        url: Url,
        limit: Limit,
        validators: &Validators,
    ) -> Result<Fetched, NetError> {
        let cap = self.cap(limit);
        let mut request = self.client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = request.send().await.map_err(|e| self.classify(e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(NetError::Status(status.as_u16()));
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let final_url = resp.url().clone();
        // Counted on the decompressed body, so a gzip bomb stops at the cap.
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(e))? {
            if (body.len() + chunk.len()) as u64 > cap {
                return Err(NetError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Fresh(Response {
            url: final_url,
            body,
            content_type,
            validators,
        }))
    }

    fn classify(&self, e: reqwest::Error) -> NetError {
        if e.is_timeout() {
            return NetError::Timeout(self.config.timeout_secs);
        }
        if e.is_redirect() {
            return NetError::TooManyRedirects(self.config.max_redirects);
        }
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        let mut invalid_data = false;
        // reqwest's top line is generic; the root cause says what happened.
        while let Some(s) = source {
            msg = s.to_string();
            invalid_data |= s
                .downcast_ref::<std::io::Error>()
                .is_some_and(is_invalid_data);
            source = s.source();
        }
        // The TLS handshake is part of connecting, but a server that answers it wrongly (a bad
        // certificate, not TLS at all) was reached: rustls says so as invalid data.
        if e.is_connect() && invalid_data {
            NetError::Tls(msg)
        } else if e.is_connect() {
            NetError::Connect(msg)
        } else {
            NetError::Transfer(msg)
        }
    }
}

/// Whether an I/O error is, or wraps, invalid data (io errors nest: hyper wraps the TLS
/// layer's, and an io error's `source` skips the one it wraps).
fn is_invalid_data(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::InvalidData
        || error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<std::io::Error>())
            .is_some_and(is_invalid_data)
}

/// Decodes a document: the charset from a BOM, then the HTTP header, then the XML declaration or
/// `<meta charset>`, then detection.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    if let Some(text) = decode_utf32_with_bom(body) {
        return text;
    }
    let (encoding, skip) = detect_encoding(body, content_type);
    let (text, _) = encoding.decode_without_bom_handling(&body[skip..]);
    text.into_owned()
}

/// UTF-32 is outside the web's encodings (encoding_rs has none) but XML allows it.
fn decode_utf32_with_bom(body: &[u8]) -> Option<String> {
    let little = match body {
        [0xff, 0xfe, 0, 0, ..] => true,
        [0, 0, 0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let units = body[4..].chunks_exact(4).map(|c| {
        let b = [c[0], c[1], c[2], c[3]];
        if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    });
    Some(
        units
            .map(|u| char::from_u32(u).unwrap_or('\u{fffd}'))
            .collect(),
    )
}

/// The encoding of `body` and the length of its BOM.
pub fn detect_encoding(body: &[u8], content_type: Option<&str>) -> (&'static Encoding, usize) {
    if let Some((enc, len)) = Encoding::for_bom(body) {
        return (enc, len);
    }
    // XML without a BOM announces UTF-16 by its first bytes (XML 1.0, appendix F).
    match body {
        [0, b'<', 0, b'?', ..] => return (encoding_rs::UTF_16BE, 0),
        [b'<', 0, b'?', 0, ..] => return (encoding_rs::UTF_16LE, 0),
        _ => {}
    }
    if let Some(enc) = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
    {
        return (enc, 0);
    }
    if let Some(enc) = declared_in_document(body) {
        // Files re-saved as UTF-8 often keep their old `<meta charset>`; multi-byte text that
        // is valid UTF-8 is practically never legacy-encoded text, so it is read as UTF-8.
        if enc != encoding_rs::UTF_8 && !body.is_ascii() && std::str::from_utf8(body).is_ok() {
            return (encoding_rs::UTF_8, 0);
        }
        return (enc, 0);
    }
    if std::str::from_utf8(body).is_ok() {
        return (encoding_rs::UTF_8, 0);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    (detector.guess(None, chardetng::Utf8Detection::Allow), 0)
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim_matches('\'').to_string())
    })
}

/// `<?xml ... encoding="X"?>` or `<meta charset="X">` / `<meta http-equiv ... charset=X>` near the start.
fn declared_in_document(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let label = if head.trim_start().starts_with("<?xml") {
        let decl_end = head.find("?>")?;
        attr_value(&head[..decl_end], "encoding")
    } else {
        head.find("charset=")
            .map(|i| &head[i + "charset=".len()..])
            .map(|rest| {
                rest.trim_start_matches(['"', '\''])
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
    }?;
    let enc = Encoding::for_label(label.as_bytes())?;
    // A document that could declare UTF-16 in ASCII is not UTF-16; the HTML spec ignores it too.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(enc)
}

fn attr_value(s: &str, name: &str) -> Option<String> {
    let i = s.find(name)?;
    let rest = s[i + name.len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_priority() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>caf\xe9</t>";
        assert!(decode_text(latin1, None).contains("café"));
        // The header wins over the declaration.
        let utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>café</t>".as_bytes();
        assert!(decode_text(utf8, Some("text/xml; charset=utf-8")).contains("café"));
        // A BOM wins over everything.
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("café".as_bytes());
        assert_eq!(
            decode_text(&bom, Some("text/html; charset=iso-8859-1")),
            "café"
        );
        let html = b"<html><head><meta charset=\"windows-1252\"></head><body>\x93hi\x94</body>";
        assert!(decode_text(html, None).contains("\u{201c}hi\u{201d}"));
    }

    #[test]
    fn valid_utf8_beats_a_stale_declaration() {
        let page = "<meta charset=\"gb2312\"><title>人工智能</title>";
        assert!(decode_text(page.as_bytes(), None).contains("人工智能"));
    }

    #[test]
    fn detects_undeclared_legacy_text() {
        let body = "Le r\u{e9}sum\u{e9} de l'\u{e9}l\u{e9}ction \u{e0} Montr\u{e9}al, d\u{e9}j\u{e0} \u{e9}t\u{e9}"
            .chars()
            .map(|c| c as u32 as u8)
            .collect::<Vec<u8>>();
        assert!(decode_text(&body, None).contains("résumé"));
    }

    /// A loopback server that answers each connection with `reply` (nothing when `None`: it
    /// holds the connection open without a word).
    fn server(reply: Option<Vec<u8>>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for mut conn in listener.incoming().flatten() {
                let mut request = [0u8; 4096];
                let _ = conn.read(&mut request);
                match &reply {
                    Some(bytes) => {
                        let _ = conn.write_all(bytes);
                    }
                    None => held.push(conn),
                }
            }
        });
        format!("http://{addr}/feed")
    }

    fn fetch(config: &NetConfig, url: &str) -> Result<Response, NetError> {
        let net = Net::new(config).expect("client");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(net.get(url, Limit::Feed))
    }

    #[test]
    fn every_net_error_has_its_kind() {
        let io = || std::io::Error::from(std::io::ErrorKind::NotFound);
        let cases = [
            (NetError::BadTarget("x".into()), FailureKind::BadAddress),
            (NetError::Timeout(3.0), FailureKind::Timeout),
            (NetError::TooLarge(1), FailureKind::TooLarge),
            (NetError::Status(500), FailureKind::HttpStatus(500)),
            (NetError::Status(404), FailureKind::HttpStatus(404)),
            (
                NetError::TooManyRedirects(10),
                FailureKind::TooManyRedirects,
            ),
            (
                NetError::Connect("refused".into()),
                FailureKind::Unreachable,
            ),
            (NetError::Tls("bad certificate".into()), FailureKind::Tls),
            (NetError::Transfer("reset".into()), FailureKind::Transfer),
            (
                NetError::File {
                    path: "/x".into(),
                    err: io(),
                },
                FailureKind::File,
            ),
        ];
        for (error, kind) in cases {
            assert_eq!(error.kind(), kind, "{error}");
        }
    }

    #[test]
    fn a_closed_port_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let err = fetch(
            &NetConfig::default(),
            &format!("http://127.0.0.1:{port}/feed"),
        )
        .expect_err("nobody listens");
        assert!(matches!(err, NetError::Connect(_)), "{err:?}");
        assert_eq!(err.kind(), FailureKind::Unreachable);
    }

    #[test]
    fn a_server_that_does_not_speak_tls_is_reached_not_unreachable() {
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
        let url = server(Some(reply.to_vec())).replace("http://", "https://");
        let err = fetch(&NetConfig::default(), &url).expect_err("no TLS");
        assert!(matches!(err, NetError::Tls(_)), "{err:?}");
        assert_eq!(err.kind(), FailureKind::Tls);
    }

    #[test]
    fn a_server_that_never_answers_is_a_timeout_not_unreachable() {
        let config = NetConfig {
            timeout_secs: 0.3,
            ..NetConfig::default()
        };
        let err = fetch(&config, &server(None)).expect_err("no answer");
        assert!(matches!(err, NetError::Timeout(_)), "{err:?}");
        assert_eq!(err.kind(), FailureKind::Timeout);
    }

    #[test]
    fn an_error_status_is_an_http_status_failure() {
        let reply =
            b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let err = fetch(&NetConfig::default(), &server(Some(reply.to_vec()))).expect_err("500");
        assert_eq!(err.kind(), FailureKind::HttpStatus(500), "{err}");
    }

    #[test]
    fn a_body_over_the_cap_is_too_large() {
        let config = NetConfig {
            max_feed_bytes: 1000,
            ..NetConfig::default()
        };
        let mut reply =
            b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n".to_vec();
        reply.extend(std::iter::repeat_n(b'x', 5000));
        let err = fetch(&config, &server(Some(reply))).expect_err("over the cap");
        assert_eq!(err.kind(), FailureKind::TooLarge, "{err}");
    }

    #[test]
    fn targets() {
        assert!(matches!(
            Target::parse("https://example.org/feed"),
            Ok(Target::Http(_))
        ));
        assert!(matches!(Target::parse("file:///tmp"), Ok(Target::File(_))));
        assert!(matches!(Target::parse("/"), Ok(Target::File(_))));
        assert!(Target::parse("no such thing").is_err());
    }
}
