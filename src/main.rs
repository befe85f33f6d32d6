//! The `herald` command: parses arguments and runs a subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use herald::commands::{self, HeadlinesArgs, Out};
use herald::config::Paths;
use herald::reader::{AppError, Context};

#[derive(Parser)]
#[command(
    name = "herald",
    version,
    about = "Read and listen to the news in a terminal"
)]
struct Cli {
    /// Config file to use instead of the default (~/.config/herald/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the database and caches, instead of the platform's data directory.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Clone)]
enum Command {
    /// Fetch every subscribed feed; prints failing feeds, then a summary.
    Refresh,
    /// List cached headlines, newest first.
    Headlines {
        /// Only this feed (its name, title or URL).
        #[arg(long, value_name = "NAME")]
        feed: Option<String>,
        /// Only unread headlines.
        #[arg(long)]
        unread: bool,
        /// At most N headlines.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
        /// Print only how many headlines there are.
        #[arg(long)]
        count: bool,
    },
    /// Search the saved headlines, summaries, articles and comments; best matches first.
    Search {
        /// Words, "a phrase", prefix*, AND, OR, NOT, parentheses (SQLite FTS5 syntax).
        query: String,
        /// Only this feed (its name, title or URL).
        #[arg(long, value_name = "NAME")]
        feed: Option<String>,
        /// Only items dated from then on (2026-11-30, or an RFC 3339 time).
        #[arg(long, value_name = "DATE", value_parser = commands::parse_since)]
        since: Option<i64>,
        /// Only unread items.
        #[arg(long)]
        unread: bool,
        /// At most N results.
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
    },
    /// Show an article: its title, byline, text, links, and its narration when it has one.
    Read {
        /// The article's URL, a file:// URL or a local path.
        target: String,
        /// Wrap the text at N columns.
        #[arg(long, value_name = "N", default_value_t = 80)]
        width: usize,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
    },
    /// Listen to an article: its own recording, or synthesized speech. Space pauses, ←/→ seek
    /// 10 s, [ and ] change speed, + and - volume, q quits. With --unread, a bulletin of the
    /// unread stories, newest first; < and > move between them.
    Listen {
        /// The article's URL, a file:// URL or a local path.
        #[arg(required_unless_present = "unread", conflicts_with = "unread")]
        target: Option<String>,
        /// A bulletin of the unread stories, each introduced by its feed (and title).
        #[arg(long)]
        unread: bool,
        /// The bulletin's stories from this feed only (its name or URL).
        #[arg(long, value_name = "NAME", conflicts_with = "target")]
        feed: Option<String>,
        /// At most this many stories in the bulletin (10 unless given).
        #[arg(long, value_name = "N", conflicts_with = "target")]
        limit: Option<usize>,
        /// Synthesized speech even when the article has its own recording.
        #[arg(long)]
        tts: bool,
        /// Start here (M:SS).
        #[arg(long, value_name = "M:SS", value_parser = commands::parse_time)]
        from: Option<std::time::Duration>,
        /// Playback speed (synthesized speech changes the voice's rate, not its pitch).
        #[arg(long, value_name = "X", default_value_t = 1.0)]
        speed: f32,
        /// Write the narration to this WAV file instead of playing it (no audio device needed).
        #[arg(long, value_name = "FILE.wav")]
        out: Option<PathBuf>,
    },
    /// Show an article's comments, threaded.
    Comments {
        /// The article's URL, a file:// URL or a local path.
        target: String,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
    },
    /// Mark items read, unread, starred or unstarred: by id or link, or a feed's, all, or the
    /// older items.
    Mark {
        /// What to do to the items.
        action: MarkAction,
        /// Items: ids as `headlines --json` prints them, or their links.
        #[arg(value_name = "ID|URL")]
        items: Vec<String>,
        /// Every item of this feed (its name, title or URL); read and unread only.
        #[arg(long, value_name = "NAME")]
        feed: Option<String>,
        /// Every item of every feed; read and unread only.
        #[arg(long)]
        all: bool,
        /// Only items dated before then (2026-11-30, or an RFC 3339 time); read and unread only.
        #[arg(long, value_name = "DATE", value_parser = commands::parse_since)]
        before: Option<i64>,
    },
    /// Add the feeds of an OPML file or a newsboat `urls` file to the config (made if there is
    /// none); says what it skipped and why.
    Import {
        /// The OPML or urls file.
        file: PathBuf,
    },
    /// Print the subscriptions as OPML: names, tags (folders and categories), each feed's URL
    /// (the one a home page led to) and its site.
    Export,
    /// Sync subscriptions, items and read/starred marks with the server of [sync] (FreshRSS,
    /// Miniflux, Inoreader and others, over the Google Reader API).
    Sync {
        /// Subscribe the server to the config's feeds it does not have yet.
        #[arg(long)]
        push_subscriptions: bool,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
    },
    /// Show the size of each cache (audio, speech, images) and of the database.
    Cache {
        /// Trim now: the caches to [cache] max_mb, and from the database the items of feeds no
        /// longer in the config and the read items past [retention].
        #[arg(long)]
        trim: bool,
        /// Print JSON (see README).
        #[arg(long)]
        json: bool,
    },
}

/// `herald mark`'s first argument.
#[derive(Clone, Copy, clap::ValueEnum)]
enum MarkAction {
    Read,
    Unread,
    Star,
    Unstar,
}

impl From<MarkAction> for commands::MarkAction {
    fn from(action: MarkAction) -> Self {
        match action {
            MarkAction::Read => commands::MarkAction::Read,
            MarkAction::Unread => commands::MarkAction::Unread,
            MarkAction::Star => commands::MarkAction::Star,
            MarkAction::Unstar => commands::MarkAction::Unstar,
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let paths = Paths::resolve(cli.config, cli.data_dir);
    let code = match run(paths, cli.command) {
        Ok(code) => code,
        // The reader of the output went away (`herald headlines | head`): what it wanted, it
        // had.
        Err(AppError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            // Not `eprintln!`: it panics when stderr is closed (a terminal that went away).
            use std::io::Write;
            let said = herald::sanitize::text(&e.to_string());
            let _ = writeln!(std::io::stderr(), "herald: {said}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}

fn run(paths: Paths, command: Option<Command>) -> Result<i32, AppError> {
    // Import writes the config, so it may be the one to create it.
    if let Some(Command::Import { file }) = &command {
        let mut out = stdout();
        let code = commands::import(&paths, file, &mut out)?;
        out.flush()?;
        return Ok(code);
    }
    let ctx = Context::load(paths)?;
    herald::tui::check_settings(&ctx.config).map_err(|e| ctx.config_error(e))?;
    let Some(command) = command else {
        return herald::tui::run(ctx);
    };
    match run_command(&ctx, command.clone()) {
        // A damaged database is moved aside and the command runs again on a new one.
        Err(e) if ctx.repair(&e)? => run_command(&ctx, command),
        result => result,
    }
}

fn run_command(ctx: &Context, command: Command) -> Result<i32, AppError> {
    let mut out = stdout();
    let code = match command {
        Command::Refresh => runtime()?.block_on(commands::refresh(ctx, &mut out))?,
        Command::Headlines {
            feed,
            unread,
            limit,
            json,
            count,
        } => {
            let args = HeadlinesArgs {
                feed,
                unread,
                limit,
                json,
                count,
            };
            commands::headlines(ctx, &args, &mut out)?
        }
        Command::Search {
            query,
            feed,
            since,
            unread,
            limit,
            json,
        } => {
            let args = commands::SearchArgs {
                query,
                feed,
                since,
                unread,
                limit,
                json,
            };
            commands::search(ctx, &args, &mut out)?
        }
        Command::Read {
            target,
            width,
            json,
        } => runtime()?.block_on(commands::read(ctx, &target, width, json, &mut out))?,
        Command::Listen {
            target,
            unread: _,
            feed,
            limit,
            tts,
            from,
            speed,
            out: wav,
        } => {
            let args = commands::ListenArgs {
                tts,
                from,
                speed,
                out: wav,
                feed,
                limit,
            };
            commands::listen(ctx, &runtime()?, target.as_deref(), &args, &mut out)?
        }
        Command::Comments { target, json } => {
            runtime()?.block_on(commands::comments(ctx, &target, json, &mut out))?
        }
        Command::Mark {
            action,
            items,
            feed,
            all,
            before,
        } => {
            let args = commands::MarkArgs {
                action: action.into(),
                items,
                feed,
                all,
                before,
            };
            let code = commands::mark(ctx, &args, &mut out)?;
            if ctx.config.sync.is_some() {
                runtime()?.block_on(commands::send_marks(ctx, &mut out))?;
            }
            code
        }
        Command::Import { file } => commands::import(&ctx.paths, &file, &mut out)?,
        Command::Export => commands::export(ctx, &mut out)?,
        Command::Cache { trim, json } => commands::cache(ctx, trim, json, &mut out)?,
        Command::Sync {
            push_subscriptions,
            json,
        } => {
            let opts = herald::sync::SyncOptions {
                push_subscriptions,
                marks_only: false,
            };
            runtime()?.block_on(commands::sync(ctx, opts, json, &mut out))?
        }
    };
    out.flush()?;
    Ok(code)
}

fn stdout() -> Out<std::io::BufWriter<std::io::StdoutLock<'static>>> {
    Out::new(std::io::BufWriter::new(std::io::stdout().lock()))
}

fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
