//! `listen`: an article's narration in one terminal line, redrawn in place, or written to a WAV
//! file. Its own recording when it has one, else (or with `--tts`) synthesized speech. With
//! `--unread`, a bulletin: the unread stories one after the other, each introduced by a line.

mod bulletin;
mod session;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Out;
use super::reading::load_article;
use crate::audio::player;
use crate::audio::{AudioError, format_time, stream};
use crate::cache::Trimmer;
use crate::model::Narration;
use crate::narration::{playback, tts};
use crate::reader::{
    AppError, Context, EXIT_FAILURE, EXIT_OK, Marking, recording_length, saved_article,
};
use session::{Item, Outcome, RawMode, Session, Start};

#[derive(Debug, Clone)]
pub struct ListenArgs {
    /// Synthesized speech even when the article has a recording.
    pub tts: bool,
    pub from: Option<Duration>,
    pub speed: f32,
    /// Write the narration here instead of playing it.
    pub out: Option<PathBuf>,
    /// The bulletin's stories from this feed only.
    pub feed: Option<String>,
    /// At most this many stories in the bulletin (ten unless given).
    pub limit: Option<usize>,
}

/// `M:SS`, `H:MM:SS` or plain seconds.
pub fn parse_time(s: &str) -> Result<Duration, String> {
    let mut secs = 0u64;
    for field in s.trim().split(':') {
        let n: u64 = field
            .parse()
            .map_err(|_| format!("`{s}` is not a time; write M:SS, e.g. 1:30"))?;
        secs = secs * 60 + n;
    }
    Ok(Duration::from_secs(secs))
}

/// `target` is the article, or `None` for the bulletin of `--unread`.
pub fn listen<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    target: Option<&str>,
    args: &ListenArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    if !(0.5..=3.0).contains(&args.speed) {
        return Err(AppError::Failed(format!(
            "--speed {} is out of range: use 0.5 to 3",
            args.speed
        )));
    }
    match target {
        Some(target) => article(ctx, runtime, target, args, out),
        None => bulletin::bulletin(ctx, runtime, args, out),
    }
}

/// An article's text and recording, from its saved copy when it was read before.
fn load_item(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    target: &str,
    tts: bool,
) -> Result<Item, AppError> {
    // An article already read starts speaking at once from its saved copy. Fetching it marks
    // nothing: it counts as read once it has been heard.
    let article = match saved_article(ctx, target) {
        Some(article) => article,
        None => runtime.block_on(load_article(ctx, target, Marking::Unchanged))?,
    };
    Ok(Item {
        parts: tts::article_parts(&article),
        recording: if tts { None } else { article.narration.clone() },
        key: if url::Url::parse(target).is_ok() {
            target.to_string()
        } else {
            article.url.clone()
        },
    })
}

fn article<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    target: &str,
    args: &ListenArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let item = load_item(ctx, runtime, target, args.tts)?;
    let failed = |e: &dyn std::fmt::Display| AppError::Failed(e.to_string());
    let trimmer = Trimmer::start(&ctx.paths.cache, ctx.config.cache.limit_bytes());

    // A start past the end is a mistake to say at once, not a silent end.
    if let (Some(from), Some(n), None) = (args.from, &item.recording, &args.out)
        && let Some(length) = runtime.block_on(recording_length(ctx, n))
        && from >= length
    {
        return Err(failed(&AudioError::PastEnd { from, length }));
    }

    if let Some(path) = &args.out {
        let (length, what) = item_to_wav(ctx, runtime, &item, path, args.from, args.speed)?;
        out.line(&format!(
            "wrote {} ({}, {what})",
            path.display(),
            format_time(Some(length))
        ))?;
        trimmer.finish();
        return Ok(EXIT_OK);
    }

    let store = match ctx.store() {
        Ok(store) => Some(store),
        Err(e) => {
            crate::say!("herald: where you stop will not be kept: {e}");
            None
        }
    };
    let player = player::open_default(&ctx.net).map_err(|e| failed(&e))?;
    let mut session = Session::new(player, args.speed, trimmer.clone(), store, ctx);
    // Where the listener stopped last time, unless told where to start.
    let start = match args.from {
        Some(from) => Start {
            at: Some(from),
            part: 0,
        },
        None => {
            let start = session.resume_point(&item).unwrap_or_default();
            if let Some(note) = start.resuming() {
                out.line(&note)?;
            }
            start
        }
    };
    // Before the line redrawn in place, which goes straight to the terminal.
    out.flush()?;
    session.begin(item, start, None, None, ctx)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let _raw = if interactive { RawMode::enter() } else { None };
    let outcome = session.run(interactive, ctx, out)?;
    trimmer.finish();
    Ok(match outcome {
        Outcome::Failed => EXIT_FAILURE,
        _ => EXIT_OK,
    })
}

/// `listen --out` of one item from `from` at `speed`: its recording, or when it has none (or
/// it cannot be played) its text spoken. Returns the length written and what it is.
fn item_to_wav(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    item: &Item,
    path: &Path,
    from: Option<Duration>,
    speed: f32,
) -> Result<(Duration, String), AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::Failed(e.to_string());
    let audio_cache = ctx.paths.cache.join("audio");
    std::fs::create_dir_all(&audio_cache)?;
    if let Some(n) = &item.recording {
        match recording_to_wav(ctx, runtime, n, &audio_cache, path, from, speed) {
            Ok(length) => return Ok((length, "the article's recording".to_string())),
            // Past its end: the listener's mistake, said as such.
            Err(e @ AudioError::PastEnd { .. }) => return Err(failed(&e)),
            // A broken recording is not the end: the text is spoken instead.
            Err(e) => crate::say!(
                "herald: the recording could not be played ({}); writing the text spoken instead",
                crate::sanitize::line(&e.to_string())
            ),
        }
    }
    let speech_cache = ctx.paths.cache.join("speech");
    speech_to_wav(ctx, &item.parts, &speech_cache, path, from, speed).map_err(|e| failed(&e))
}

/// `listen --out` of the article's recording, from `from`, at `speed`; returns its length.
fn recording_to_wav(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    narration: &Narration,
    audio_cache: &Path,
    path: &Path,
    from: Option<Duration>,
    speed: f32,
) -> Result<Duration, AudioError> {
    let file = match playback::local_file(&narration.url) {
        Some(path) => path,
        None => runtime.block_on(stream::fetch_to_cache(
            ctx.net.client(),
            &narration.url,
            &audio_cache.join(playback::cache_name(&narration.url)),
        ))?,
    };
    stream::decode_part_to_wav(&file, path, from.unwrap_or_default(), speed)
}

/// `listen --out` of synthesized speech: made whole at the speed (by the engine's rate), then
/// cut at `--from`. Returns its length and what it is.
fn speech_to_wav(
    ctx: &Context,
    parts: &[String],
    speech_cache: &Path,
    path: &Path,
    from: Option<Duration>,
    speed: f32,
) -> Result<(Duration, String), String> {
    let whole = match from {
        Some(_) => path.with_extension("whole.wav"),
        None => path.to_path_buf(),
    };
    let timeline =
        tts::synthesize_to_wav(parts, &ctx.config.narration, speed, speech_cache, &whole)
            .map_err(|e| e.to_string())?;
    let mut total = timeline.total().unwrap_or_default();
    if let Some(from) = from {
        let cut = stream::decode_part_to_wav(&whole, path, from, 1.0);
        let _ = std::fs::remove_file(&whole);
        total = cut.map_err(|e| e.to_string())?;
    }
    let what = format!(
        "synthesized speech, {} parts, {:.3} s",
        timeline.parts(),
        total.as_secs_f64()
    );
    Ok((total, what))
}
