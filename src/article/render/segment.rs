//! Content HTML cut into blocks by a walk over its DOM: paragraphs, headings, list items,
//! preformatted text and tables, each with the HTML html2text later renders, and the pictures
//! between them.

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};
use url::Url;

use super::{Block, Kind, REF_SCHEME, SegmentImage, Segmented};
use crate::article::extract::escape;
use crate::sanitize;

/// Cuts content HTML into blocks. A heading at the very start that repeats `title` is left out:
/// the title is shown (and spoken) on its own.
pub(crate) fn segment(content_html: &str, title: &str, base: &Url) -> Segmented {
    let doc = crate::html::parse_document(content_html);
    let mut w = Walker {
        base: Some(base),
        title: norm(title),
        ..Walker::default()
    };
    let mut skipping: Option<NodeId> = None;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => w.text_node(t),
                    Node::Element(_) => {
                        if let Some(el) = ElementRef::wrap(node)
                            && !w.open(el)
                        {
                            skipping = Some(node.id());
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => match skipping {
                Some(id) if id == node.id() => skipping = None,
                Some(_) => {}
                None if node.value().is_element() => w.close(),
                None => {}
            },
        }
    }
    w.flush();
    Segmented {
        blocks: w.blocks,
        links: w.links,
        images: w.images,
    }
}

fn norm(s: &str) -> String {
    sanitize::line(s).to_lowercase()
}

/// Plain text of a non-preformatted run: whitespace collapsed, `<br>` kept as a line break.
fn clean_run(s: &str) -> String {
    s.split('\n')
        .map(sanitize::line)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Preformatted text keeps its spacing; only blank edges go.
fn clean_pre(s: &str) -> String {
    let text = sanitize::text(s);
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end].join("\n")
}

/// What closing an element must undo.
#[derive(Debug)]
enum Opened {
    Nothing,
    Block,
    Heading,
    Quote,
    List,
    Item,
    /// The root of a `<pre>` or data table, collected whole.
    Whole,
    /// A tag inside a whole block, with the text separator it adds when closed.
    RawTag(Option<&'static str>, &'static str),
    Inline,
}

#[derive(Debug)]
struct OpenInline {
    tag: Option<&'static str>,
    open: String,
    /// For a link: its href and, once it has shown text, its index in `links`.
    link: Option<(String, Option<usize>)>,
}

#[derive(Debug, Default)]
struct Walker<'a> {
    base: Option<&'a Url>,
    title: String,
    blocks: Vec<Block>,
    links: Vec<String>,
    html: String,
    text: String,
    stack: Vec<Opened>,
    inline: Vec<OpenInline>,
    kinds: Vec<Kind>,
    quote: usize,
    /// Per open list: ordered?, next number.
    lists: Vec<(bool, i64)>,
    marker: Option<String>,
    /// Inside a `<pre>` or data table: no block breaks until it closes.
    whole: Option<Kind>,
    images: Vec<SegmentImage>,
    /// Pictures met inside the block being collected: they go after it, so that a picture
    /// inside a paragraph does not cut it in two.
    pending_images: Vec<(String, String)>,
}

const BLOCKS: &[&str] = &[
    "html",
    "body",
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "hr",
    "address",
    "details",
    "summary",
    "fieldset",
    "legend",
    "center",
    "hgroup",
    "form",
    "menu",
    "dir",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];
/// Never text a reader sees.
const IGNORED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "button", "input", "select",
    "textarea", "audio", "video", "iframe", "object", "embed", "canvas", "map",
];

fn inline_tag(name: &str) -> Option<&'static str> {
    match name {
        "em" | "i" | "cite" | "dfn" | "var" => Some("em"),
        "strong" | "b" => Some("strong"),
        "code" | "kbd" | "samp" | "tt" => Some("code"),
        "s" | "strike" | "del" => Some("s"),
        _ => None,
    }
}

impl Walker<'_> {
    /// Returns false when the element's subtree is to be skipped.
    fn open(&mut self, el: ElementRef) -> bool {
        let name = el.value().name();
        if IGNORED.contains(&name) || el.value().attr("hidden").is_some() {
            return false;
        }
        if name == "br" {
            self.html.push_str("<br>");
            self.text.push('\n');
            self.stack.push(Opened::Nothing);
            return true;
        }
        if name == "a" {
            return self.open_link(el);
        }
        if name == "img" {
            self.image(el);
            return false;
        }
        if let Some(kind) = self.whole {
            let keep = kind == Kind::Table
                && matches!(
                    name,
                    "table" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th" | "caption"
                );
            let tag = match inline_tag(name) {
                Some(t) => Some(t),
                None if keep => BLOCKS.iter().copied().find(|b| *b == name),
                None => None,
            };
            if let Some(t) = tag {
                self.html.push('<');
                self.html.push_str(t);
                if let Some(span) = el.value().attr("colspan").filter(|_| keep) {
                    self.html.push_str(" colspan=\"");
                    escape(&mut self.html, span, true);
                    self.html.push('"');
                }
                self.html.push('>');
            }
            let sep = match name {
                "tr" | "caption" => "\n",
                n if BLOCKS.contains(&n) => " ",
                _ => "",
            };
            self.text.push_str(if sep == "\n" { "" } else { sep });
            self.stack.push(Opened::RawTag(tag, sep));
            return true;
        }
        if !BLOCKS.contains(&name) {
            let tag = inline_tag(name);
            let open = tag.map(|t| format!("<{t}>")).unwrap_or_default();
            self.html.push_str(&open);
            self.inline.push(OpenInline {
                tag,
                open,
                link: None,
            });
            self.stack.push(Opened::Inline);
            return true;
        }
        self.flush();
        let opened = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let is_title = self.blocks.is_empty()
                    && !self.title.is_empty()
                    && norm(&el.text().collect::<String>()) == self.title;
                if is_title {
                    return false;
                }
                self.kinds.push(Kind::Heading(name.as_bytes()[1] - b'0'));
                Opened::Heading
            }
            "blockquote" => {
                self.quote += 1;
                Opened::Quote
            }
            "ul" | "ol" | "menu" | "dir" => {
                let start = el.value().attr("start").and_then(|s| s.trim().parse().ok());
                self.lists.push((name == "ol", start.unwrap_or(1)));
                Opened::List
            }
            "li" => {
                let value = el
                    .value()
                    .attr("value")
                    .and_then(|s| s.trim().parse::<i64>().ok());
                self.marker = Some(match self.lists.last_mut() {
                    Some((true, next)) => {
                        let n = value.unwrap_or(*next);
                        *next = n + 1;
                        format!("{n}. ")
                    }
                    _ => "• ".to_string(),
                });
                Opened::Item
            }
            "pre" => self.open_whole(Kind::Pre, "<pre>"),
            "table" if is_data_table(el) => self.open_whole(Kind::Table, "<table>"),
            _ => Opened::Block,
        };
        self.stack.push(opened);
        true
    }

    /// Notes a picture with an http(s) source; lazy-loading pages keep it in `data-src`.
    fn image(&mut self, el: ElementRef) {
        let src = ["src", "data-src"]
            .iter()
            .filter_map(|a| el.value().attr(a))
            .filter_map(|s| match self.base {
                Some(b) => b.join(s.trim()).ok(),
                None => Url::parse(s.trim()).ok(),
            })
            .find(|u| matches!(u.scheme(), "http" | "https"));
        if let Some(url) = src {
            let alt = sanitize::line(el.value().attr("alt").unwrap_or_default());
            self.pending_images
                .push((sanitize::line(url.as_str()), alt));
        }
    }

    fn open_whole(&mut self, kind: Kind, tag: &str) -> Opened {
        self.whole = Some(kind);
        self.kinds.push(kind);
        self.html.push_str(tag);
        Opened::Whole
    }

    fn open_link(&mut self, el: ElementRef) -> bool {
        let href = el
            .value()
            .attr("href")
            .and_then(|h| match self.base {
                Some(b) => b.join(h.trim()).ok(),
                None => Url::parse(h.trim()).ok(),
            })
            .filter(|u| matches!(u.scheme(), "http" | "https" | "mailto" | "ftp"))
            .map(|u| sanitize::line(u.as_str()));
        let open = match &href {
            Some(h) => {
                let mut o = String::from("<a href=\"");
                escape(&mut o, h, true);
                o.push_str("\">");
                o
            }
            None => String::new(),
        };
        self.html.push_str(&open);
        let tag = href.is_some().then_some("a");
        self.inline.push(OpenInline {
            tag,
            open,
            link: href.map(|h| (h, None)),
        });
        self.stack.push(Opened::Inline);
        true
    }

    fn close(&mut self) {
        match self.stack.pop() {
            None | Some(Opened::Nothing) => {}
            Some(Opened::Block) => self.flush(),
            Some(Opened::Heading) => {
                self.flush();
                self.kinds.pop();
            }
            Some(Opened::Quote) => {
                self.flush();
                self.quote -= 1;
            }
            Some(Opened::List) => {
                self.flush();
                self.lists.pop();
            }
            Some(Opened::Item) => {
                self.flush();
                self.marker = None;
            }
            Some(Opened::Whole) => {
                self.html.push_str(if self.whole == Some(Kind::Pre) {
                    "</pre>"
                } else {
                    "</table>"
                });
                self.flush();
                self.whole = None;
                self.kinds.pop();
            }
            Some(Opened::RawTag(tag, sep)) => {
                if let Some(t) = tag {
                    self.html.push_str(&format!("</{t}>"));
                }
                if sep == "\n" {
                    self.text.push('\n');
                }
            }
            Some(Opened::Inline) => {
                let Some(open) = self.inline.pop() else {
                    return;
                };
                if let Some(t) = open.tag {
                    self.html.push_str(&format!("</{t}>"));
                }
                if let Some((_, Some(idx))) = open.link {
                    let n = idx + 1;
                    self.html
                        .push_str(&format!("<a href=\"{REF_SCHEME}{idx}\">[{n}]</a>"));
                }
            }
        }
    }

    fn text_node(&mut self, t: &str) {
        if self.whole.is_none() && t.trim().is_empty() {
            if !self.text.ends_with(char::is_whitespace) && !self.text.is_empty() {
                self.html.push(' ');
                self.text.push(' ');
            }
            return;
        }
        if !t.trim().is_empty() {
            // The innermost link shows text: it gets its number now, in reading order.
            if let Some(OpenInline {
                link: Some((href, idx @ None)),
                ..
            }) = self.inline.iter_mut().rev().find(|o| o.link.is_some())
            {
                let i = match self.links.iter().position(|l| l == href) {
                    Some(i) => i,
                    None => {
                        self.links.push(href.clone());
                        self.links.len() - 1
                    }
                };
                *idx = Some(i);
            }
        }
        // html2text breaks lines only at spaces and zero-width spaces: text in scripts without
        // spaces gets the latter where a line may break, or a long run would go whole to the
        // next line.
        let t_marked = match self.whole {
            Some(Kind::Pre) => std::borrow::Cow::Borrowed(t),
            _ => crate::width::mark_breaks(self.text.chars().next_back(), t),
        };
        escape(&mut self.html, &t_marked, false);
        self.text.push_str(t);
    }

    /// Ends the current run as a block (if it holds text) and starts the next one inside the
    /// same inline elements.
    fn flush(&mut self) {
        let kind = self.kinds.last().copied().unwrap_or(Kind::Text);
        let text = match kind {
            Kind::Pre => clean_pre(&self.text),
            _ => clean_run(&self.text),
        };
        if !text.is_empty() {
            let mut html = std::mem::take(&mut self.html);
            for open in self.inline.iter().rev() {
                if let Some(t) = open.tag {
                    html.push_str(&format!("</{t}>"));
                }
            }
            self.blocks.push(Block {
                kind,
                quote: self.quote,
                list_depth: self.lists.len(),
                marker: self.marker.take(),
                html,
                text,
            });
        }
        let before = self.blocks.len();
        self.images.extend(
            self.pending_images
                .drain(..)
                .map(|(url, alt)| SegmentImage { before, url, alt }),
        );
        self.html.clear();
        self.text.clear();
        for open in &self.inline {
            self.html.push_str(&open.open);
        }
    }
}

/// A table of data rather than layout: no blocks inside its cells, and not marked as layout.
fn is_data_table(el: ElementRef) -> bool {
    if el
        .value()
        .attr("role")
        .is_some_and(|r| r == "presentation" || r == "none")
    {
        return false;
    }
    !el.descendent_elements().skip(1).any(|d| {
        matches!(
            d.value().name(),
            "p" | "div"
                | "table"
                | "ul"
                | "ol"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "pre"
                | "section"
                | "article"
                | "dl"
        )
    })
}
