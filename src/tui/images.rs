//! An article's pictures: which to load (those in view or about to be), and loading one off
//! the loop: fetched once through the one HTTP client, kept on disk, decoded and encoded for the
//! terminal on a blocking thread. The loop only ever sees the finished picture or its failure.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use ratatui_image::sliced::SlicedProtocol;

use super::state::AppState;
use super::update::Effect;
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

/// Pictures this many screens below the view are loaded already, so that scrolling down
/// finds them ready.
const LOOKAHEAD_SCREENS: usize = 1;

/// Loads for the pictures of the open article that are in view or about to be and not yet
/// asked for; each is marked loading, so it is asked for once.
pub fn wanted(state: &mut AppState) -> Vec<Effect> {
    if !state.pictures {
        return Vec::new();
    }
    let rows = state.article_rows();
    let cols = state.article_width();
    let Some(open) = state.open.as_mut() else {
        return Vec::new();
    };
    let Some(rendered) = &open.rendered else {
        return Vec::new();
    };
    let top = open.scroll;
    let bottom = open.scroll + rows * (1 + LOOKAHEAD_SCREENS);
    let mut effects = Vec::new();
    for image in &rendered.images {
        let visible = image.line < bottom && image.line + image.rows > top;
        if visible && !open.images.contains_key(&image.url) {
            open.images.insert(image.url.clone(), ImageState::Loading);
            effects.push(Effect::LoadImage {
                id: open.id,
                url: image.url.clone(),
                cols: u16::try_from(cols).unwrap_or(u16::MAX),
                rows: u16::try_from(image.rows).unwrap_or(u16::MAX),
            });
        }
    }
    effects
}

/// The picker for `mode`, made before anything else reads the terminal: asking the terminal
/// which graphics it has means reading its answer from stdin. A terminal that does not answer
/// in time gets half-blocks. `None` when pictures are off.
pub fn picker(mode: ImagesMode) -> Option<Picker> {
    match mode {
        ImagesMode::Off => None,
        ImagesMode::Halfblocks => Some(Picker::halfblocks()),
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
    use super::*;

    /// A `w` x `h` PNG, top half red and bottom half blue.
    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |_, y| {
            if y < h / 2 {
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

    #[test]
    fn encodes_to_fit_the_cells() {
        let picture = encode(&Picker::halfblocks(), &png(400, 200), 30, 12)
            .unwrap_or_else(|e| panic!("encode: {e}"));
        let size = picture.size();
        assert!(size.width <= 30 && size.height <= 12, "{size:?}");
        assert!(size.width > 0 && size.height > 0, "{size:?}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(encode(&Picker::halfblocks(), b"<html>not a picture", 30, 12).is_err());
        assert!(encode(&Picker::halfblocks(), &png(40, 20)[..30], 30, 12).is_err());
    }

    #[test]
    fn one_cache_file_per_url() {
        let dir = Path::new("/cache");
        let a = cache_path(dir, "https://a.example/1.png");
        assert_eq!(a, cache_path(dir, "https://a.example/1.png"));
        assert_ne!(a, cache_path(dir, "https://a.example/2.png"));
        assert!(a.starts_with("/cache/images"));
    }
}
