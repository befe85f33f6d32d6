//! Remote recordings: an HTTP reader that plays while it downloads (stream-download over the one
//! `reqwest::Client` of [`crate::net::Net`]), the cache the finished download is kept in, the
//! checks that turn bad audio into a clear message, and decoding to WAV for `listen --out`.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rodio::{Decoder, Source};

use super::stretch::{SpeedControl, Stretched};
use stream_download::http::{Client, HttpStream, HttpStreamError};
use stream_download::source::SourceStream;
use stream_download::storage::temp::{TempStorageProvider, tempfile};
use stream_download::{Settings, StreamDownload, StreamInitializationError, StreamPhase};

use super::AudioError;
use super::wav::WavWriter;

/// A whole-request limit for audio. The client's own limit is meant for pages and feeds; a long
/// recording on a slow line takes longer than that. A stalled transfer is still caught:
/// stream-download reconnects when no chunk arrives for five seconds.
const AUDIO_REQUEST_TIMEOUT: Duration = Duration::from_secs(4 * 3600);

/// Bytes downloaded before the first read is answered (stream-download's default is 256 KB, over
/// a second of waiting on a 1.5 Mbit/s line; 16 KB is about a second of a 128 kbit/s podcast).
const PREFETCH_BYTES: u64 = 16 * 1024;

/// The shared client, with the audio request limit. stream-download asks its clients for a
/// `create()` it uses only when it makes the client itself; herald always hands the client in, so
/// a client made that way has none and every request it makes fails with [`NoClient`].
pub struct StreamClient(Option<reqwest::Client>);

impl StreamClient {
    pub fn new(client: &reqwest::Client) -> StreamClient {
        StreamClient(Some(client.clone()))
    }

    fn client(&self) -> Result<&reqwest::Client, StreamClientError> {
        self.0.as_ref().ok_or(StreamClientError::NoClient)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StreamClientError {
    #[error("no HTTP client was given to the audio stream")]
    NoClient,
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

impl Client for StreamClient {
    type Url = reqwest::Url;
    type Headers = reqwest::header::HeaderMap;
    type Response = reqwest::Response;
    type Error = StreamClientError;

    fn create() -> Self {
        StreamClient(None)
    }

    async fn get(&self, url: &Self::Url) -> Result<Self::Response, Self::Error> {
        Ok(self
            .client()?
            .get(url.clone())
            .timeout(AUDIO_REQUEST_TIMEOUT)
            .send()
            .await?)
    }

    async fn get_range(
        &self,
        url: &Self::Url,
        start: u64,
        end: Option<u64>,
    ) -> Result<Self::Response, Self::Error> {
        Ok(self
            .client()?
            .get(url.clone())
            .timeout(AUDIO_REQUEST_TIMEOUT)
            .header(
                stream_download::http::RANGE_HEADER_KEY,
                stream_download::http::format_range_header_bytes(start, end),
            )
            .send()
            .await?)
    }
}

/// The reader a remote recording is decoded from.
pub type RemoteReader = StreamDownload<TempStorageProvider>;

/// An open remote recording: bytes arrive in the background while the decoder reads.
pub struct RemoteAudio {
    pub reader: RemoteReader,
    pub content_length: Option<u64>,
    /// `type/subtype` from the server, lower case.
    pub content_type: Option<String>,
}

/// The innermost message of an error chain: reqwest's top line is generic.
pub(crate) fn root_cause(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg = s.to_string();
        source = s.source();
    }
    msg
}

fn http_status_error(status: reqwest::StatusCode, url: &str) -> AudioError {
    AudioError::Fetch(format!(
        "could not fetch the audio: HTTP {} {} ({url})",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error")
    ))
}

/// Content types that are certainly not audio a server meant to send.
fn not_audio_type(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type == "application/xhtml+xml"
        || content_type == "application/json"
}

/// Starts streaming `url`. Must run inside a tokio runtime (stream-download spawns its download
/// task there). When the whole file has arrived it is kept at `cache` (a temporary file in the
/// same folder, then a rename, so `cache` is never half-written).
pub async fn open_remote(
    client: &reqwest::Client,
    url: &str,
    cache: &Path,
) -> Result<RemoteAudio, AudioError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| AudioError::Fetch(format!("not an audio URL: {url} ({e})")))?;
    let stream = match HttpStream::new(StreamClient::new(client), parsed).await {
        Ok(s) => s,
        Err(HttpStreamError::ResponseFailure(e)) => {
            return Err(http_status_error(e.response().status(), url));
        }
        Err(HttpStreamError::FetchFailure(e)) => {
            return Err(AudioError::Fetch(format!(
                "could not fetch the audio: {}",
                root_cause(&e)
            )));
        }
    };
    let content_type = stream
        .content_type()
        .as_ref()
        .map(|t| format!("{}/{}", t.r#type, t.subtype).to_ascii_lowercase());
    if let Some(t) = content_type.as_deref().filter(|t| not_audio_type(t)) {
        return Err(AudioError::Decode(format!(
            "the server sent a document ({t}), not audio"
        )));
    }
    let content_length = stream.content_length();

    let dir = cache
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    // The cache is a convenience: without its folder the download still plays from the system's
    // temporary folder, and is copied into place if the folder appears.
    let storage_dir = if std::fs::create_dir_all(&dir).is_ok() {
        dir
    } else {
        std::env::temp_dir()
    };
    let temp_path: Arc<Mutex<Option<PathBuf>>> = Arc::default();
    let storage = TempStorageProvider::with_tempfile_builder({
        let temp_path = temp_path.clone();
        move || {
            let file = tempfile::Builder::new()
                .prefix(".herald-download-")
                .tempfile_in(&storage_dir)?;
            *temp_path.lock().unwrap_or_else(|e| e.into_inner()) = Some(file.path().to_owned());
            Ok(file)
        }
    });
    let cache = cache.to_path_buf();
    let settings = Settings::default()
        .prefetch_bytes(PREFETCH_BYTES)
        .on_progress(move |_stream, state, _cancel| {
            if matches!(state.phase, StreamPhase::Complete) {
                let temp = temp_path.lock().unwrap_or_else(|e| e.into_inner()).clone();
                if let Some(temp) = temp {
                    // Best effort: a failure leaves no cache and the next play streams again.
                    let _ = keep_download(&temp, &cache, content_length);
                }
            }
        });
    let reader = StreamDownload::from_stream(stream, storage, settings)
        .await
        .map_err(|e| match e {
            StreamInitializationError::StorageCreationFailure(e) => AudioError::Io(e),
            StreamInitializationError::StreamCreationFailure(e) => {
                AudioError::Fetch(format!("could not fetch the audio: {}", root_cause(&e)))
            }
        })?;
    Ok(RemoteAudio {
        reader,
        content_length,
        content_type,
    })
}

/// A sibling of `path` to write before renaming onto it.
pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "audio".to_string());
    path.with_file_name(format!(".{name}.{}.part", std::process::id()))
}

/// Puts the finished download at `cache`: linked (or copied) next to it, then renamed.
fn keep_download(temp: &Path, cache: &Path, content_length: Option<u64>) -> std::io::Result<()> {
    let len = std::fs::metadata(temp)?.len();
    if content_length.is_some_and(|expected| expected != len) || len == 0 {
        return Err(std::io::Error::other("download incomplete"));
    }
    let partial = partial_path(cache);
    let _ = std::fs::remove_file(&partial);
    if std::fs::hard_link(temp, &partial).is_err() {
        std::fs::copy(temp, &partial)?;
    }
    std::fs::rename(&partial, cache).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
}

/// Says what is wrong with bytes that cannot be audio herald plays, from their first bytes.
pub fn sniff(head: &[u8]) -> Option<AudioError> {
    if head.is_empty() {
        return Some(AudioError::Decode("the file is empty".to_string()));
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<!doctype")
        || trimmed.starts_with("<html")
        || trimmed.starts_with("<?xml")
        || trimmed.starts_with("<head")
        || trimmed.starts_with("<body")
    {
        return Some(AudioError::Decode(
            "this is a web page, not audio".to_string(),
        ));
    }
    if head.starts_with(b"OggS") && head.windows(8).any(|w| w == b"OpusHead") {
        return Some(AudioError::Decode(
            "Opus audio cannot be played (no Opus decoder is available)".to_string(),
        ));
    }
    None
}

/// The decoder's complaint in words a listener can use.
pub fn decoder_error(e: rodio::decoder::DecoderError) -> AudioError {
    use rodio::decoder::DecoderError as E;
    AudioError::Decode(match e {
        E::UnrecognizedFormat | E::NoStreams => "not a recognized audio format".to_string(),
        E::IoError(msg) => format!("could not read the audio: {msg}"),
        E::DecodeError(msg) => format!("the audio is damaged: {msg}"),
        E::LimitError(msg) => format!("the audio exceeds a decoder limit: {msg}"),
        E::ResetRequired => "the decoder needs a reset it cannot do here".to_string(),
    })
}

/// Reads the first bytes of `reader` and rewinds it.
fn read_head<R: Read + Seek>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut head = vec![0; 512];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    head.truncate(got);
    reader.seek(SeekFrom::Start(0))?;
    Ok(head)
}

/// The extension or content type symphonia takes as a hint.
fn hint_of(url_or_path: &str) -> Option<String> {
    let last = url_or_path
        .split(['?', '#'])
        .next()?
        .rsplit('/')
        .next()?
        .to_string();
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5).then(|| ext.to_ascii_lowercase())
}

/// A decoder over a local file, with its byte length so it can seek.
pub fn decode_file(path: &Path) -> Result<Decoder<BufReader<File>>, AudioError> {
    let file = File::open(path)
        .map_err(|e| AudioError::Decode(format!("cannot open {}: {e}", path.display())))?;
    let len = file.metadata()?.len();
    let hint = hint_of(&path.to_string_lossy());
    decode_seekable(BufReader::new(file), len, hint.as_deref())
}

/// A decoder over a whole recording of `byte_len` bytes that can seek (a file, or bytes in
/// memory), once its first bytes show it may be audio. `hint` is its extension.
pub fn decode_seekable<R: Read + Seek + Send + Sync + 'static>(
    mut reader: R,
    byte_len: u64,
    hint: Option<&str>,
) -> Result<Decoder<R>, AudioError> {
    let head = read_head(&mut reader)?;
    if let Some(e) = sniff(&head) {
        return Err(e);
    }
    let mut builder = Decoder::builder()
        .with_data(reader)
        .with_byte_len(byte_len)
        .with_seekable(true);
    if let Some(ext) = hint {
        builder = builder.with_hint(ext);
    }
    build(builder)
}

/// Builds the decoder, shielded: symphonia 0.5's raw AAC (ADTS) reader panics estimating the
/// length of a short stream or one whose first frame lies past its middle, and probing takes
/// any bytes with an ADTS sync word for such a stream.
fn build<R: Read + Seek + Send + Sync + 'static>(
    builder: rodio::decoder::DecoderBuilder<R>,
) -> Result<Decoder<R>, AudioError> {
    crate::shield::run(|| builder.build())
        .ok_or_else(|| {
            AudioError::Decode("the audio is damaged: the decoder gave up on it".into())
        })?
        .map_err(decoder_error)
}

/// A decoder over a remote recording. Blocks until the first bytes arrive: call it off the
/// thread that answers commands.
pub fn decode_remote(
    mut audio: RemoteAudio,
    url: &str,
) -> Result<Decoder<RemoteReader>, AudioError> {
    let head = read_head(&mut audio.reader)
        .map_err(|e| AudioError::Fetch(format!("could not fetch the audio: {e}")))?;
    if let Some(e) = sniff(&head) {
        return Err(e);
    }
    // Accurate seeking in an mp3 reads every frame up to the target, which over the network means
    // waiting for the whole download before it; a coarse seek jumps to the estimated byte and
    // lets stream-download fetch from there with a Range request.
    let mut builder = Decoder::builder()
        .with_data(audio.reader)
        .with_seekable(true)
        .with_coarse_seek(true);
    if let Some(len) = audio.content_length {
        builder = builder.with_byte_len(len);
    }
    if let Some(ext) = hint_of(url) {
        builder = builder.with_hint(&ext);
    }
    if let Some(t) = &audio.content_type {
        builder = builder.with_mime_type(t);
    }
    build(builder)
}

/// A decoded recording whose decoder may panic on damaged data (symphonia 0.5's AAC decoder
/// indexes past its tables on some frames): the recording ends where the decoder gave up, and
/// the thread pulling samples (the audio output's, or `listen --out`) lives on.
pub struct Shielded<S> {
    inner: S,
    gave_up: bool,
}

impl<S> Shielded<S> {
    pub fn new(inner: S) -> Shielded<S> {
        Shielded {
            inner,
            gave_up: false,
        }
    }
}

impl<S: Iterator> Iterator for Shielded<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        if self.gave_up {
            return None;
        }
        let sample = crate::shield::run(|| self.inner.next());
        if sample.is_none() {
            log::warn!("the audio decoder gave up on damaged data; the recording ends there");
            self.gave_up = true;
        }
        sample.flatten()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.inner.size_hint().1)
    }
}

impl<S: Source> Source for Shielded<S> {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    fn try_seek(&mut self, pos: Duration) -> Result<(), rodio::source::SeekError> {
        match crate::shield::run(|| self.inner.try_seek(pos)) {
            Some(result) => result,
            None => {
                self.gave_up = true;
                Err(rodio::source::SeekError::NotSupported {
                    underlying_source: "a damaged recording",
                })
            }
        }
    }
}

/// Decodes a recording to 16-bit PCM WAV at `out` (written beside it, then renamed); returns
/// the length written. Needs no audio device.
pub fn decode_to_wav(input: &Path, out: &Path) -> Result<Duration, AudioError> {
    decode_part_to_wav(input, out, Duration::ZERO, 1.0)
}

/// [`decode_to_wav`] from `from` on, time-stretched to `speed` (its pitch kept). A `from` past
/// the end is an error that gives the recording's length.
pub fn decode_part_to_wav(
    input: &Path,
    out: &Path,
    from: Duration,
    speed: f32,
) -> Result<Duration, AudioError> {
    let mut decoder = decode_file(input)?;
    if !from.is_zero() {
        if let Some(length) = decoder.total_duration()
            && from >= length
        {
            return Err(AudioError::PastEnd { from, length });
        }
        decoder.try_seek(from).map_err(|e| {
            AudioError::Decode(format!(
                "cannot start at {}: {e}",
                super::format_time(Some(from))
            ))
        })?;
    }
    let channels = decoder.channels();
    let rate = decoder.sample_rate();
    // rodio's UniformSourceIterator yields nothing for some mp3s (LAME, 22.05 kHz mono); the
    // decoder's own samples are used, in the first span's format.
    let samples: Box<dyn Iterator<Item = f32>> = if speed == 1.0 {
        Box::new(Shielded::new(decoder))
    } else {
        Box::new(Stretched::new(
            Shielded::new(decoder),
            SpeedControl::new(speed),
        ))
    };
    let partial = partial_path(out);
    let written = (|| {
        let mut writer = WavWriter::create(&partial, rate.get(), channels.get())?;
        let mut buf = Vec::with_capacity(8192);
        for s in samples {
            buf.push(s);
            if buf.len() == buf.capacity() {
                writer.write_f32(buf.drain(..))?;
            }
        }
        writer.write_f32(buf.drain(..))?;
        let d = writer.finish()?;
        std::fs::rename(&partial, out)?;
        Ok::<_, std::io::Error>(d)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    let d = written?;
    if d.is_zero() {
        let _ = std::fs::remove_file(out);
        return Err(AudioError::Decode(
            "the recording holds no audio".to_string(),
        ));
    }
    Ok(d)
}

/// Downloads `url` to `cache` (unless it is already there) with the shared client; returns the
/// cache path. The body goes to a temporary file beside `cache`, renamed when complete.
pub async fn fetch_to_cache(
    client: &reqwest::Client,
    url: &str,
    cache: &Path,
) -> Result<PathBuf, AudioError> {
    if cache.is_file() {
        return Ok(cache.to_path_buf());
    }
    let mut resp = client
        .get(url)
        .timeout(AUDIO_REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| AudioError::Fetch(format!("could not fetch the audio: {}", root_cause(&e))))?;
    if !resp.status().is_success() {
        return Err(http_status_error(resp.status(), url));
    }
    if let Some(t) = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| not_audio_type(t))
    {
        return Err(AudioError::Decode(format!(
            "the server sent a document ({t}), not audio"
        )));
    }
    if let Some(dir) = cache.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = partial_path(cache);
    let result = async {
        let mut file = std::io::BufWriter::new(File::create(&partial)?);
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            AudioError::Fetch(format!("the audio download failed: {}", root_cause(&e)))
        })? {
            file.write_all(&chunk)?;
        }
        file.flush()?;
        drop(file);
        std::fs::rename(&partial, cache)?;
        Ok::<_, AudioError>(())
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map(|()| cache.to_path_buf())
}

/// `listen --out` for a remote recording: download to `cache`, then decode to `out`.
pub async fn decode_url_to_wav(
    client: &reqwest::Client,
    url: &str,
    cache: &Path,
    out: &Path,
) -> Result<Duration, AudioError> {
    let cached = fetch_to_cache(client, url, cache).await?;
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || decode_to_wav(&cached, &out))
        .await
        .map_err(|e| AudioError::Decode(format!("decoding stopped: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_pages_and_opus() {
        assert!(matches!(
            sniff(b"  <!DOCTYPE html><html><body>Not found</body></html>"),
            Some(AudioError::Decode(m)) if m.contains("web page")
        ));
        let mut ogg = b"OggS\0\x02".to_vec();
        ogg.extend_from_slice(&[0; 22]);
        ogg.extend_from_slice(b"OpusHead\x01\x01");
        assert!(matches!(sniff(&ogg), Some(AudioError::Decode(m)) if m.contains("Opus")));
        assert!(sniff(b"ID3\x04\0\0\0\0\0\0").is_none());
        assert!(sniff(b"").is_some());
    }

    #[test]
    fn hints_come_from_the_last_path_segment() {
        assert_eq!(
            hint_of("https://x.org/a.b/ep.MP3?x=1.2").as_deref(),
            Some("mp3")
        );
        assert_eq!(hint_of("https://x.org/a.b/episode").as_deref(), None);
        assert_eq!(hint_of("/tmp/n.wav").as_deref(), Some("wav"));
    }

    #[test]
    fn partial_files_sit_beside_their_target() {
        let p = partial_path(Path::new("/c/audio/ep.mp3"));
        assert_eq!(p.parent(), Some(Path::new("/c/audio")));
        assert!(p.to_string_lossy().ends_with(".part"));
    }
}
