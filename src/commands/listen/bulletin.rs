//! `listen --unread`: the unread stories as a bulletin, newest first, each introduced by a
//! short spoken line (its feed, and its title before a recording), played one after the other
//! or written into one WAV file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::session::{Outcome, RawMode, Session, finish};
use super::{Out, item_to_wav, load_item};
use crate::audio::format_time;
use crate::audio::join::{Piece, join_to_wav};
use crate::audio::player;
use crate::cache::Trimmer;
use crate::model::Headline;
use crate::narration::playback;
use crate::reader::{AppError, Context, EXIT_OK};
use crate::store::HeadlineQuery;

/// In a written bulletin: after an introduction, before its story.
const AFTER_INTRODUCTION: Duration = Duration::from_millis(400);
/// In a written bulletin: between one story and the next introduction.
const BETWEEN_STORIES: Duration = Duration::from_millis(1500);

/// Stories in a bulletin unless `--limit` says otherwise.
const DEFAULT_LIMIT: usize = 10;

/// A story of the bulletin, as the list knows it.
struct Story {
    feed: String,
    title: String,
    link: Option<String>,
}

impl Story {
    fn label(&self) -> String {
        format!("{} — {}", self.feed, self.title)
    }
}

pub(super) fn bulletin<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    args: &super::ListenArgs,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    if args.from.is_some_and(|from| !from.is_zero()) {
        return Err(AppError::Failed(
            "--from with --unread takes only 0 (every story from its beginning)".to_string(),
        ));
    }
    let stories = unread_stories(ctx, args)?;
    if stories.is_empty() {
        let whose = match &args.feed {
            Some(feed) => format!(" in {feed}"),
            None => String::new(),
        };
        return match &args.out {
            Some(_) => Err(AppError::Failed(format!(
                "nothing unread{whose} to listen to; no file written"
            ))),
            None => {
                out.line(&format!("nothing unread{whose} to listen to"))?;
                Ok(EXIT_OK)
            }
        };
    }
    let trimmer = Trimmer::start(&ctx.paths.cache, ctx.config.cache.limit_bytes());
    let code = match &args.out {
        Some(path) => write_bulletin(ctx, runtime, &stories, args, path, out),
        None => play_bulletin(ctx, runtime, &stories, args, &trimmer, out),
    };
    trimmer.finish();
    code
}

fn unread_stories(ctx: &Context, args: &super::ListenArgs) -> Result<Vec<Story>, AppError> {
    let store = ctx.store()?;
    if let Some(name) = &args.feed {
        crate::commands::feed_choice::feeds_named(ctx, &store, name)?;
    }
    let query = HeadlineQuery {
        feed: args.feed.as_deref().map(|name| ctx.feed_filter(name)),
        unread_only: true,
        limit: Some(args.limit.unwrap_or(DEFAULT_LIMIT)),
        ..HeadlineQuery::default()
    };
    let list = store.headlines(&ctx.subscribed_urls(), &query)?;
    Ok(list
        .into_iter()
        .map(|h: Headline| Story {
            feed: ctx.feed_name(&h.feed_url).unwrap_or(&h.feed).to_string(),
            title: h.title,
            link: h.link,
        })
        .collect())
}

/// The spoken line before a story, made in the speech cache; `None` when introductions are
/// turned off or it could not be made (said once, the story plays without it).
fn introduction(ctx: &Context, story: &Story, recording: bool, speed: f32) -> Option<PathBuf> {
    if !ctx.config.listen.announce {
        return None;
    }
    let text = playback::announcement_text(&story.feed, &story.title, recording);
    let speech_cache = ctx.paths.cache.join("speech");
    playback::announcement(&text, &ctx.config.narration, speed, &speech_cache)
        .map_err(|e| crate::say!("herald: the introduction could not be spoken: {e}"))
        .ok()
}

/// A story that cannot be listened to is said and left out; the bulletin goes on.
fn load_story(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    story: &Story,
    tts: bool,
) -> Option<super::Item> {
    let Some(link) = &story.link else {
        crate::say!(
            "herald: left out “{}”: it links to no article",
            crate::sanitize::line(&story.title)
        );
        return None;
    };
    load_item(ctx, runtime, link, tts)
        .map_err(|e| {
            crate::say!(
                "herald: left out “{}”: {}",
                crate::sanitize::line(&story.title),
                crate::sanitize::line(&e.to_string())
            );
        })
        .ok()
}

/// Each story's introduction and narration into one WAV file, with a line per story saying
/// where it starts.
fn write_bulletin<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    stories: &[Story],
    args: &super::ListenArgs,
    path: &Path,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let work = work_dir(path);
    std::fs::create_dir_all(&work)?;
    let written = (|| {
        let mut pieces = Vec::new();
        let mut told = Vec::new();
        for (i, story) in stories.iter().enumerate() {
            let Some(item) = load_story(ctx, runtime, story, args.tts) else {
                continue;
            };
            if let Some(line) = introduction(ctx, story, item.recording.is_some(), args.speed) {
                pieces.push(Piece {
                    path: line,
                    silence_after: AFTER_INTRODUCTION,
                });
            }
            let file = work.join(format!("story-{i}.wav"));
            let (length, what) = item_to_wav(ctx, runtime, &item, &file, None, args.speed)?;
            told.push((pieces.len(), story, length, what));
            pieces.push(Piece {
                path: file,
                silence_after: BETWEEN_STORIES,
            });
        }
        if let Some(last) = pieces.last_mut() {
            last.silence_after = Duration::ZERO;
        } else {
            return Err(AppError::Failed(
                "none of the unread stories could be listened to; no file written".to_string(),
            ));
        }
        // Where each story's introduction starts: its first piece.
        let (starts, total) =
            join_to_wav(&pieces, path).map_err(|e| AppError::Failed(e.to_string()))?;
        let n = told.len();
        for (k, (piece, story, length, what)) in told.iter().enumerate() {
            let first = if ctx.config.listen.announce && *piece > 0 {
                piece - 1
            } else {
                *piece
            };
            out.line(&format!(
                "{}  {}/{n}  {}  ({what}, {})",
                format_time(starts.get(first).copied()),
                k + 1,
                crate::sanitize::line(&story.label()),
                format_time(Some(*length))
            ))?;
        }
        out.line(&format!(
            "wrote {} ({}, {n} {})",
            path.display(),
            format_time(Some(total)),
            if n == 1 { "story" } else { "stories" }
        ))?;
        Ok(EXIT_OK)
    })();
    let _ = std::fs::remove_dir_all(&work);
    written
}

/// Beside the output, so the pieces are on its file system; named for this process, so two
/// bulletins written at once do not share it.
fn work_dir(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.parts", std::process::id()))
}

/// The stories played one after the other in the one-line player: `>` and `<` move between
/// them, each resumes where it was left and is marked listened (and read) when heard.
fn play_bulletin<W: Write>(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    stories: &[Story],
    args: &super::ListenArgs,
    trimmer: &Trimmer,
    out: &mut Out<W>,
) -> Result<i32, AppError> {
    let store = match ctx.store() {
        Ok(store) => Some(store),
        Err(e) => {
            crate::say!("herald: where you stop will not be kept: {e}");
            None
        }
    };
    let player = player::open_default(&ctx.net).map_err(|e| AppError::Failed(e.to_string()))?;
    let mut session = Session::new(player, args.speed, trimmer.clone(), store, ctx);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let _raw = if interactive { RawMode::enter() } else { None };
    let n = stories.len();
    let mut i = 0;
    // Backwards when the listener went back past a story that cannot be played.
    let mut forward = true;
    while i < n {
        let story = &stories[i];
        let heading = format!("{}/{n}  {}", i + 1, crate::sanitize::line(&story.label()));
        finish(out, interactive, &heading)?;
        let Some(item) = load_story(ctx, runtime, story, args.tts) else {
            match (forward, i) {
                (false, 0) => forward = true,
                (false, _) => i -= 1,
                (true, _) => i += 1,
            }
            continue;
        };
        // `--from 0`: every story from its beginning.
        let start = match args.from {
            Some(_) => None,
            None => session.resume_point(&item),
        };
        if let Some(note) = start.and_then(|s| s.resuming()) {
            finish(out, interactive, &note)?;
        }
        // A story picked up where it was left needs no introduction again.
        let intro = match start {
            None => introduction(ctx, story, item.recording.is_some(), args.speed),
            Some(_) => None,
        };
        let place = Some(format!("{}/{n}", i + 1));
        session.begin(item, start.unwrap_or_default(), intro, place, ctx)?;
        match session.run(interactive, ctx, out)? {
            Outcome::Quit => break,
            Outcome::Previous => {
                forward = false;
                i = i.saturating_sub(1);
            }
            Outcome::Ended | Outcome::Next | Outcome::Failed => {
                forward = true;
                i += 1;
            }
        }
    }
    Ok(EXIT_OK)
}
