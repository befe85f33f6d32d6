//! Content HTML -> blocks (the paragraphs narration speaks) -> styled lines.
//!
//! The content is first cut into blocks by a walk over the DOM; each block is then rendered
//! alone by html2text. Rendering block by block is what lets every line say which paragraph
//! it belongs to, without matching rendered text back to the source.

use html2text::render::RichAnnotation;

use crate::sanitize;

mod segment;

pub(crate) use segment::segment;

/// An article laid out for a terminal of some width.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rendered {
    pub lines: Vec<StyledLine>,
    /// Link targets in order of first appearance; `Style::link` and the `[n]` markers
    /// (n = index + 1) refer to them. Also listed at the end of `lines`.
    pub links: Vec<String>,
    /// The pictures, in reading order, each over blank rows of `lines` kept for it.
    pub images: Vec<ImageRef>,
}

/// A picture of the article and the rows kept for it in [`Rendered::lines`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageRef {
    /// An absolute http(s) URL, sanitized.
    pub url: String,
    /// The `alt` text, sanitized to one line; may be empty.
    pub alt: String,
    /// The first of its rows in `lines`.
    pub line: usize,
    pub rows: usize,
}

impl ImageRef {
    /// What stands in for the picture as text: `[image: alt]`.
    pub fn label(&self) -> String {
        if self.alt.is_empty() {
            "[image]".to_string()
        } else {
            format!("[image: {}]", self.alt)
        }
    }
}

/// Rows kept for each picture: room for one at a readable size, the same whatever its shape,
/// so that the text below does not move when it arrives.
pub const IMAGE_ROWS: usize = 12;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyledLine {
    pub spans: Vec<Span>,
    /// Index into `Article::paragraphs` of the block this line shows; `None` for blank lines
    /// and the link list.
    pub block: Option<usize>,
}

impl StyledLine {
    /// The line as plain text.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub bold: bool,
    pub emphasis: bool,
    pub code: bool,
    pub preformatted: bool,
    pub strikeout: bool,
    /// 1..=6 for heading text.
    pub heading: Option<u8>,
    pub quote: bool,
    /// Index into `links` for link text and its `[n]` marker.
    pub link: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Text,
    Heading(u8),
    Pre,
    Table,
}

/// One paragraph-like unit of the body.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    kind: Kind,
    quote: usize,
    list_depth: usize,
    /// The list bullet or number, on the first block of a list item.
    marker: Option<String>,
    /// The block's own HTML, as handed to html2text (links carry their `[n]` markers).
    html: String,
    /// Plain sanitized text: what narration speaks and `Article::text` joins.
    pub(crate) text: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Segmented {
    pub(crate) blocks: Vec<Block>,
    pub(crate) links: Vec<String>,
    /// Pictures, each shown before block `before` (after the last block when it is
    /// `blocks.len()`). Not blocks: they have no text, and block indices are narration's.
    pub(crate) images: Vec<SegmentImage>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SegmentImage {
    pub(crate) before: usize,
    pub(crate) url: String,
    pub(crate) alt: String,
}

/// Marker links use this scheme; page links are restricted to real schemes so they never clash.
const REF_SCHEME: &str = "herald-ref:";

/// Below this many columns html2text is given room anyway (lines then overflow).
const MIN_WIDTH: usize = 10;

/// With `pictures`, each picture gets [`IMAGE_ROWS`] blank rows to be drawn over; without,
/// one line of its alt text.
pub(crate) fn render(seg: &Segmented, width: usize, pictures: bool) -> Rendered {
    let mut lines = Vec::new();
    let mut images = Vec::new();
    let mut prev: Option<&Block> = None;
    let mut pending = seg.images.iter().peekable();
    for (i, block) in seg.blocks.iter().enumerate() {
        let mut after_image = false;
        while let Some(image) = pending.next_if(|im| im.before <= i) {
            if !lines.is_empty() {
                lines.push(StyledLine::default());
            }
            push_image(image, pictures, &mut lines, &mut images);
            after_image = true;
        }
        if let Some(p) = prev {
            // List items of one list stay together.
            if after_image || !(p.list_depth > 0 && block.list_depth > 0 && block.marker.is_some())
            {
                lines.push(StyledLine::default());
            }
        }
        render_block(block, i, width, &seg.links, &mut lines);
        prev = Some(block);
    }
    for image in pending {
        lines.push(StyledLine::default());
        push_image(image, pictures, &mut lines, &mut images);
    }
    if !seg.links.is_empty() {
        lines.push(StyledLine::default());
        for (i, link) in seg.links.iter().enumerate() {
            let style = Style {
                link: Some(i),
                ..Style::default()
            };
            let text = format!("[{}] {link}", i + 1);
            // URLs have no spaces to wrap at: cut them at the width.
            for piece in crate::width::cut(&text, width.max(MIN_WIDTH)) {
                let span = Span {
                    text: piece.to_string(),
                    style,
                };
                lines.push(StyledLine {
                    spans: vec![span],
                    block: None,
                });
            }
        }
    }
    Rendered {
        lines,
        links: seg.links.clone(),
        images,
    }
}

fn push_image(
    image: &SegmentImage,
    pictures: bool,
    lines: &mut Vec<StyledLine>,
    images: &mut Vec<ImageRef>,
) {
    let image = ImageRef {
        url: image.url.clone(),
        alt: image.alt.clone(),
        line: lines.len(),
        rows: if pictures { IMAGE_ROWS } else { 1 },
    };
    if pictures {
        lines.extend(std::iter::repeat_n(StyledLine::default(), image.rows));
        images.push(image);
    } else {
        lines.push(StyledLine {
            spans: vec![Span {
                text: image.label(),
                style: Style {
                    emphasis: true,
                    ..Style::default()
                },
            }],
            block: None,
        });
    }
}

fn render_block(
    block: &Block,
    index: usize,
    width: usize,
    links: &[String],
    out: &mut Vec<StyledLine>,
) {
    let quote = "│ ".repeat(block.quote);
    let indent = "  ".repeat(block.list_depth.saturating_sub(1));
    let marker = block.marker.clone().unwrap_or_default();
    let hang = if block.list_depth > 0 && marker.is_empty() {
        "  ".to_string()
    } else {
        String::new()
    };
    let first_prefix = format!("{indent}{marker}{hang}");
    let cont_prefix = " ".repeat(crate::width::of(&first_prefix));
    let inner = width
        .saturating_sub(crate::width::of(&quote) + cont_prefix.len())
        .max(MIN_WIDTH);

    let heading = match block.kind {
        Kind::Heading(n) => Some(n),
        _ => None,
    };
    let html = match block.kind {
        Kind::Text => format!("<p>{}</p>", block.html),
        Kind::Heading(n) => format!("<h{n}>{}</h{n}>", block.html),
        Kind::Pre | Kind::Table => block.html.clone(),
    };
    let base = Style {
        heading,
        quote: block.quote > 0,
        ..Style::default()
    };
    let rendered: Vec<Vec<Span>> = match html2text::config::rich()
        .link_footnotes(false)
        .unicode_strikeout(false)
        .allow_width_overflow()
        .lines_from_read(html.as_bytes(), inner)
    {
        Ok(lines) => lines
            .iter()
            .map(|l| {
                let spans = l.tagged_strings().map(|ts| Span {
                    text: span_text(&ts.s),
                    style: style_of(&ts.tag, base, links),
                });
                let mut spans: Vec<Span> = spans.filter(|s| !s.text.is_empty()).collect();
                if heading.is_some() {
                    strip_heading_hashes(&mut spans);
                }
                spans
            })
            .collect(),
        // Not expected with overflow allowed; the plain text is still worth showing.
        Err(_) => block
            .text
            .lines()
            .map(|l| {
                vec![Span {
                    text: l.to_string(),
                    style: base,
                }]
            })
            .collect(),
    };
    let start = rendered
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(rendered.len());
    let end = rendered
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    for (n, spans) in rendered[start..end].iter().enumerate() {
        let mut line = Vec::with_capacity(spans.len() + 2);
        if !quote.is_empty() {
            line.push(Span {
                text: quote.clone(),
                style: Style {
                    quote: true,
                    ..Style::default()
                },
            });
        }
        let prefix = if n == 0 { &first_prefix } else { &cont_prefix };
        if !prefix.is_empty() {
            line.push(Span {
                text: prefix.clone(),
                style: Style {
                    quote: block.quote > 0,
                    ..Style::default()
                },
            });
        }
        line.extend(spans.iter().cloned());
        out.push(StyledLine {
            spans: line,
            block: Some(index),
        });
    }
}

/// Span text keeps its spacing (alignment in tables and code) but holds no control
/// characters at all, tabs included.
fn span_text(s: &str) -> String {
    sanitize::text(s).replace('\t', "    ").replace('\n', " ")
}

fn style_of(tags: &[RichAnnotation], base: Style, links: &[String]) -> Style {
    let mut s = base;
    for tag in tags {
        match tag {
            RichAnnotation::Strong => s.bold = true,
            RichAnnotation::Emphasis => s.emphasis = true,
            RichAnnotation::Code => s.code = true,
            RichAnnotation::Preformat(_) => s.preformatted = true,
            RichAnnotation::Strikeout => s.strikeout = true,
            RichAnnotation::Link(url) => {
                s.link = match url.strip_prefix(REF_SCHEME) {
                    Some(n) => n.parse().ok(),
                    None => links.iter().position(|l| l == url),
                }
            }
            _ => {}
        }
    }
    s
}

/// html2text writes headings as `## text`: the level is in the style, the hashes go.
fn strip_heading_hashes(spans: &mut Vec<Span>) {
    let mut stripped_hashes = false;
    while let Some(first) = spans.first_mut() {
        let before = first.text.len();
        let rest = first.text.trim_start_matches('#');
        stripped_hashes |= rest.len() != before;
        let rest = if stripped_hashes {
            rest.strip_prefix(' ').unwrap_or(rest)
        } else {
            rest
        };
        first.text = rest.to_string();
        if !first.text.is_empty() || !stripped_hashes {
            break;
        }
        spans.remove(0);
    }
    spans.retain(|s| !s.text.is_empty());
}
