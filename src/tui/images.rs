//! An article's pictures, loaded off the loop (`update` says which: those in view or about to
//! be): fetched once through the one HTTP client, kept on disk, decoded and encoded for the
//! terminal on a blocking thread. The loop only ever sees the finished picture or its failure.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use ratatui_image::sliced::SlicedProtocol;

use crate::config::ImagesMode;
use crate::net::{Limit, Net};

/// A picture encoded for the terminal, ready to be drawn any number of times.
#[derive(Clone)]
pub struct Picture(pub Arc<SlicedProtocol>);

impl Picture {
    /// Columns and rows it covers.
    pub fn size(&self) -> Size {
        self.0.size()
    }
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let size = self.size();
        write!(f, "Picture({}x{})", size.width, size.height)
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Picture) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// One picture of the open article.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageState {
    Loading,
    Ready(Picture),
    /// Why not, for the log; the reader sees the alt text.
    Failed(String),
}

/// The open article's pictures by URL.
pub type Images = HashMap<String, ImageState>;

/// The picker for `mode`, made before anything else reads the terminal: asking the terminal
/// which graphics it has means reading its answer from stdin. A terminal that does not answer
/// in time gets half-blocks. `None` when pictures are off.
pub fn picker(mode: ImagesMode) -> Option<Picker> {
    match mode {
        ImagesMode::Off => None,
        ImagesMode::Halfblocks => Some(Picker::halfblocks()),
        // The query's reader outlives its timeout and would take the first keys of a terminal
        // that never answers: only terminals known for graphics are asked.
        ImagesMode::Auto if !graphics_terminal(|name| std::env::var(name).ok()) => {
            Some(Picker::halfblocks())
        }
        ImagesMode::Auto => {
            let options = ratatui_image::picker::cap_parser::QueryStdioOptions {
                timeout: QUERY_TIMEOUT,
                ..Default::default()
            };
            let picker = Picker::from_query_stdio_with_options(options).unwrap_or_else(|e| {
                log::info!("images: the terminal's graphics could not be learned: {e}");
                Picker::halfblocks()
            });
            log::info!("images: drawn with {:?}", picker.protocol_type());
            Some(picker)
        }
    }
}

/// Whether the environment names a terminal that draws pictures (kitty, sixel or iTerm2).
fn graphics_terminal(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    let term = var("TERM").unwrap_or_default();
    let program = var("TERM_PROGRAM").unwrap_or_default();
    set("KITTY_WINDOW_ID")
        || set("WEZTERM_EXECUTABLE")
        || set("KONSOLE_VERSION")
        || set("GHOSTTY_RESOURCES_DIR")
        || ["kitty", "foot", "wezterm", "ghostty", "mlterm", "contour"]
            .iter()
            .any(|t| term.contains(t))
        || ["iTerm.app", "WezTerm", "ghostty", "vscode", "mintty", "rio"]
            .iter()
            .any(|p| program == *p)
}

/// How long the terminal has to say which graphics it has. Terminals answer at once; one
/// that does not answer at all costs this much at start.
const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(300);

/// Fetches (or reads the kept copy of) `url` and encodes it to fit `cols` x `rows` cells.
pub async fn load(
    net: &Net,
    cache_dir: &Path,
    picker: Picker,
    url: &str,
    cols: u16,
    rows: u16,
) -> Result<Picture, String> {
    let kept = cache_path(cache_dir, url);
    let bytes = match read_kept(kept.clone()).await {
        Some(bytes) => bytes,
        None => {
            let response = net
                .get(url, Limit::Image)
                .await
                .map_err(|e| e.to_string())?;
            let bytes = response.body;
            keep(kept, bytes.clone()).await;
            bytes
        }
    };
    tokio::task::spawn_blocking(move || encode(&picker, &bytes, cols, rows))
        .await
        .map_err(|e| format!("the picture could not be decoded: {e}"))?
}

/// Decodes a picture and encodes it for the terminal, at most `cols` x `rows` cells.
pub fn encode(picker: &Picker, bytes: &[u8], cols: u16, rows: u16) -> Result<Picture, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    // A small file can claim a huge picture: decoding stops at these.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| e.to_string())?;
    let protocol = SlicedProtocol::new_with_resize(
        picker,
        decoded,
        Size::new(cols.max(1), rows.max(1)),
        Resize::Fit(None),
    )
    .map_err(|e| e.to_string())?;
    Ok(Picture(Arc::new(protocol)))
}

const MAX_SIDE: u32 = 16_384;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// Where a picture's bytes are kept: one file per URL under the cache's `images` folder.
pub fn cache_path(cache_dir: &Path, url: &str) -> PathBuf {
    let key = crate::cache_key::fnv1a_128(&[url.as_bytes()]);
    cache_dir.join("images").join(format!("{key:032x}"))
}

async fn read_kept(path: PathBuf) -> Option<Vec<u8>> {
    tokio::fs::read(path).await.ok()
}

/// Keeping a copy is a saving, not a need: a failure is only logged.
async fn keep(path: PathBuf, bytes: Vec<u8>) {
    if let Some(dir) = path.parent()
        && let Err(e) = tokio::fs::create_dir_all(dir).await
    {
        log::warn!("images: {}: {e}", dir.display());
        return;
    }
    // Written beside, then renamed: a reader never finds half a file.
    let partial = path.with_extension("part");
    let written = async {
        tokio::fs::write(&partial, &bytes).await?;
        tokio::fs::rename(&partial, &path).await
    };
    if let Err(e) = written.await {
        log::warn!("images: {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::article::{Article, IMAGE_ROWS};
    use crate::tui::keymap::Action;
    use crate::tui::state::AppState;
    use crate::tui::testdata;
    use crate::tui::update::{Effect, Msg, update};

    /// A `w` x `h` PNG of red and blue stripes 10 pixels high, half a cell of half-blocks at
    /// their natural size: every cell holds both colours, so every one is drawn as `▀` or `▄`.
    fn png(w: u32, h: u32) -> Vec<u8> {
        let stripe = 10;
        let img = image::RgbImage::from_fn(w, h, |_, y| {
            if (y / stripe) % 2 == 0 {
                image::Rgb([200, 30, 30])
            } else {
                image::Rgb([30, 30, 200])
            }
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("png: {e}"));
        out
    }

    const HARBOUR: &str = "https://gazette.example/img/harbour.png";
    const BROKEN: &str = "https://gazette.example/img/missing.png";
    const FERRY: &str = "https://gazette.example/img/ferry.png";

    fn article() -> Article {
        let url = url::Url::parse("https://gazette.example/7").unwrap_or_else(|e| panic!("{e}"));
        let body = format!(
            "<p>The harbour opened at dawn.</p>\
             <figure><img src=\"/img/harbour.png\" alt=\"The harbour at dawn\"></figure>\
             <p>Boats left one by one.</p>\
             <p><img src=\"{BROKEN}\" alt=\"A missing \u{1b}[31mpicture\"> Gulls followed them.</p>\
             {}\
             <p><img data-src=\"/img/ferry.png\" alt=\"The ferry\"></p><p>The end.</p>",
            "<p>Filler paragraph.</p>".repeat(20)
        );
        Article::from_feed_content("Harbour", &body, &url, None, None)
            .unwrap_or_else(|e| panic!("article: {e}"))
    }

    fn texts(rendered: &crate::article::Rendered) -> Vec<String> {
        rendered.lines.iter().map(|l| l.text()).collect()
    }

    #[test]
    fn only_terminals_known_for_graphics_are_asked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(graphics_terminal(env(&[("TERM", "xterm-kitty")])));
        assert!(graphics_terminal(env(&[("TERM_PROGRAM", "iTerm.app")])));
        assert!(!graphics_terminal(env(&[("TERM", "xterm-256color")])));
        assert!(!graphics_terminal(env(&[("KITTY_WINDOW_ID", "")])));
    }

    #[test]
    fn pictures_keep_rows_where_they_are_in_the_text() {
        let a = article();
        let r = a.render(60);
        let urls: Vec<&str> = r.images.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(urls, [HARBOUR, BROKEN, FERRY]);
        let lines = texts(&r);
        let harbour = &r.images[0];
        assert_eq!(harbour.alt, "The harbour at dawn");
        assert_eq!(harbour.rows, IMAGE_ROWS);
        // Between its paragraphs, a blank line either side.
        assert_eq!(lines[harbour.line - 2], "The harbour opened at dawn.");
        assert!(
            lines[harbour.line - 1..harbour.line + IMAGE_ROWS + 1]
                .iter()
                .all(String::is_empty)
        );
        assert_eq!(
            lines[harbour.line + IMAGE_ROWS + 1],
            "Boats left one by one."
        );
        // A picture inside a paragraph goes after it, the paragraph whole; alt text sanitized.
        let broken = &r.images[1];
        assert_eq!(lines[broken.line - 2], "Gulls followed them.");
        assert!(!broken.alt.contains('\u{1b}'), "{:?}", broken.alt);
        // The paragraphs narration speaks are the text's alone.
        assert_eq!(a.paragraphs.len(), 3 + 20 + 1, "{:?}", a.paragraphs);
    }

    #[test]
    fn without_pictures_each_is_a_line_of_its_alt_text() {
        let r = article().render_for(60, false);
        assert!(r.images.is_empty());
        let lines = texts(&r);
        let at = lines
            .iter()
            .position(|l| l == "[image: The harbour at dawn]")
            .unwrap_or_else(|| panic!("{lines:#?}"));
        assert_eq!(lines[at - 2], "The harbour opened at dawn.");
        assert_eq!(lines[at + 2], "Boats left one by one.");
    }

    #[test]
    fn the_lead_picture_comes_first_unless_the_text_holds_it() {
        let mut a = article();
        a.image = Some("https://gazette.example/lead.jpg".to_string());
        let r = a.render(60);
        assert_eq!(r.images[0].url, "https://gazette.example/lead.jpg");
        assert_eq!(r.images[0].line, 0);
        a.image = Some(HARBOUR.to_string());
        assert_eq!(a.render(60).images.len(), 3);
    }

    /// The app with `article` open as item `id`, pictures on; the effects its delivery asked for.
    fn opened(size: (u16, u16)) -> (AppState, i64, Vec<Effect>) {
        let mut s = AppState::new(testdata::headlines(), size);
        s.pictures = true;
        update(&mut s, Msg::Key(Action::Open));
        let id = s
            .open
            .as_ref()
            .map(|o| o.id)
            .unwrap_or_else(|| panic!("open"));
        let effects = update(
            &mut s,
            Msg::ArticleLoaded {
                id,
                result: Ok(Box::new(article())),
                notice: None,
                layout: None,
            },
        );
        (s, id, effects)
    }

    fn image_loads(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::LoadImage { url, .. } => Some(url.clone()),
                _ => None,
            })
            .collect()
    }

    fn loaded(id: i64, url: &str, result: Result<Picture, String>) -> Msg {
        Msg::ImageLoaded {
            id,
            url: url.to_string(),
            result,
        }
    }

    fn picture() -> Picture {
        encode(&Picker::halfblocks(), &png(120, 60), 40, IMAGE_ROWS as u16)
            .unwrap_or_else(|e| panic!("encode: {e}"))
    }

    #[test]
    fn pictures_in_view_are_asked_for_once_and_the_rest_as_they_come_near() {
        let (mut s, _, effects) = opened((80, 24));
        assert_eq!(image_loads(&effects), [HARBOUR, BROKEN]);
        assert!(image_loads(&update(&mut s, Msg::Tick)).is_empty());
        let mut asked = Vec::new();
        for _ in 0..60 {
            asked.extend(image_loads(&update(&mut s, Msg::Key(Action::Down))));
        }
        assert_eq!(asked, [FERRY]);
    }

    #[test]
    fn scrolling_while_a_picture_loads_is_not_held_up() {
        let (mut s, _, _) = opened((80, 24));
        s.focus = crate::tui::Focus::Article;
        let scroll = |s: &AppState| s.open.as_ref().map_or(0, |o| o.scroll);
        let before = scroll(&s);
        update(&mut s, Msg::Key(Action::Down));
        update(&mut s, Msg::Key(Action::Down));
        assert_eq!(scroll(&s), before + 2);
        let open = s.open.as_ref().unwrap_or_else(|| panic!("open"));
        assert_eq!(open.images.get(HARBOUR), Some(&ImageState::Loading));
    }

    #[test]
    fn a_picture_for_an_article_no_longer_open_is_dropped() {
        let (mut s, id, _) = opened((80, 24));
        update(&mut s, Msg::Key(Action::Back));
        update(&mut s, Msg::Key(Action::Down));
        update(&mut s, Msg::Key(Action::Open));
        assert_ne!(s.open.as_ref().map(|o| o.id), Some(id));
        update(&mut s, loaded(id, HARBOUR, Ok(picture())));
        assert!(s.open.as_ref().is_some_and(|o| o.images.is_empty()));
    }

    #[test]
    fn a_picture_that_arrives_is_kept_and_one_that_fails_says_why() {
        let (mut s, id, _) = opened((80, 24));
        let p = picture();
        update(&mut s, loaded(id, HARBOUR, Ok(p.clone())));
        update(&mut s, loaded(id, BROKEN, Err("HTTP 404".to_string())));
        // Never asked for: dropped.
        update(&mut s, loaded(id, FERRY, Ok(picture())));
        let images = &s.open.as_ref().unwrap_or_else(|| panic!("open")).images;
        assert_eq!(images.get(HARBOUR), Some(&ImageState::Ready(p)));
        assert_eq!(
            images.get(BROKEN),
            Some(&ImageState::Failed("HTTP 404".to_string()))
        );
        assert_eq!(images.get(FERRY), None);
    }

    fn screen(s: &AppState) -> String {
        let (w, h) = s.size;
        let mut terminal =
            Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("terminal: {e}"));
        terminal
            .draw(|frame| crate::tui::view::draw(frame, s))
            .unwrap_or_else(|e| panic!("draw: {e}"));
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    fn check(name: &str, s: &AppState) {
        insta::with_settings!({
            snapshot_path => "view/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, screen(s));
        });
    }

    #[test]
    fn pictures_sit_between_their_paragraphs_on_screen() {
        let (mut s, id, _) = opened((80, 30));
        s.focus = crate::tui::Focus::Article;
        check("article_images_loading_80x30", &s);
        let cols = u16::try_from(s.article_width()).unwrap_or(u16::MAX);
        let p = encode(
            &Picker::halfblocks(),
            &png(200, 100),
            cols,
            IMAGE_ROWS as u16,
        )
        .unwrap_or_else(|e| panic!("encode: {e}"));
        update(&mut s, loaded(id, HARBOUR, Ok(p)));
        update(&mut s, loaded(id, BROKEN, Err("HTTP 404".to_string())));
        check("article_images_80x30", &s);
        // Scrolled so the picture's top is above the view: its lower part still shows.
        for _ in 0..6 {
            update(&mut s, Msg::Key(Action::Down));
        }
        let shown = screen(&s);
        assert!(shown.contains('▀') || shown.contains('▄'), "{shown}");
        assert!(!shown.contains("The harbour opened at dawn."), "{shown}");
    }
}
