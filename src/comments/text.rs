//! HTML to plain text for comment bodies, and the id bookkeeping every source shares.

use std::collections::HashSet;

use scraper::{ElementRef, Node};

use crate::sanitize;

/// Elements whose content is never reader-visible text.
const INVISIBLE: &[&str] = &[
    "script", "style", "template", "noscript", "head", "img", "svg", "video", "audio", "iframe",
    "object", "canvas", "button", "input", "select", "textarea",
];

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "table",
    "tr",
    "hr",
    "dl",
    "dt",
    "dd",
    "address",
    "main",
    "nav",
    "form",
    "details",
    "summary",
];

/// The text of `root`: paragraphs separated by blank lines, whitespace collapsed as a browser
/// would, sanitized. Elements for which `skip` holds are left out with all they contain; the
/// root itself is never skipped.
pub(crate) fn element_text(root: ElementRef, skip: &dyn Fn(ElementRef) -> bool) -> String {
    let mut w = Writer::default();
    let mut pre = 0usize;
    // Walked with a cursor instead of recursion: a hostile page may nest elements 100,000 deep.
    let Some(mut node) = root.first_child() else {
        return w.finish();
    };
    'walk: loop {
        let mut descend = false;
        match node.value() {
            Node::Text(t) => w.text(t, pre > 0),
            Node::Element(e) => {
                let name = e.name();
                let skipped = INVISIBLE.contains(&name) || ElementRef::wrap(node).is_some_and(skip);
                if !skipped {
                    if name == "br" {
                        w.line_break();
                    } else if BLOCKS.contains(&name) {
                        w.paragraph_break();
                        pre += usize::from(name == "pre");
                    }
                    descend = true;
                }
            }
            _ => {}
        }
        if descend {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
            w.close(node.value(), &mut pre);
        }
        loop {
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) if parent.id() != root.id() => {
                    node = parent;
                    w.close(node.value(), &mut pre);
                }
                _ => break 'walk,
            }
        }
    }
    w.finish()
}

/// A body that may be HTML (feeds, JSON-LD, REST) as plain text.
pub(crate) fn markup_text(s: &str) -> String {
    if s.contains(['<', '&']) {
        let doc = crate::html::parse_fragment(s);
        element_text(doc.root_element(), &|_| false)
    } else {
        let mut w = Writer::default();
        w.text(s, false);
        w.finish()
    }
}

/// Collects text the way a browser lays it out, in paragraphs.
#[derive(Default)]
struct Writer {
    paragraphs: Vec<String>,
    current: String,
    space: bool,
}

impl Writer {
    fn text(&mut self, s: &str, pre: bool) {
        if pre {
            self.current.push_str(s);
            return;
        }
        // A blank line inside text separates paragraphs: plain-text bodies (RSS descriptions)
        // have no <p> to do it.
        let parts: Vec<&str> = s.split('\n').collect();
        let last = parts.len() - 1;
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                self.space = true;
                if i < last && part.trim().is_empty() {
                    self.paragraph_break();
                }
            }
            self.words(part);
        }
    }

    fn words(&mut self, s: &str) {
        let mut pending = self.space || s.starts_with(char::is_whitespace);
        let mut any = false;
        for word in s.split_whitespace() {
            if pending && !self.current.is_empty() && !self.current.ends_with('\n') {
                self.current.push(' ');
            }
            self.current.push_str(word);
            pending = true;
            any = true;
        }
        self.space = if any {
            s.ends_with(char::is_whitespace)
        } else {
            pending
        };
    }

    fn close(&mut self, node: &Node, pre: &mut usize) {
        if let Node::Element(e) = node {
            if BLOCKS.contains(&e.name()) {
                self.paragraph_break();
                *pre = pre.saturating_sub(usize::from(e.name() == "pre"));
            }
        }
    }

    fn line_break(&mut self) {
        let kept = self.current.trim_end().len();
        self.current.truncate(kept);
        if !self.current.is_empty() {
            self.current.push('\n');
        }
        self.space = false;
    }

    fn paragraph_break(&mut self) {
        let paragraph = std::mem::take(&mut self.current);
        // Sanitized per paragraph so one made only of escape sequences leaves no empty gap.
        let paragraph = sanitize::text(&paragraph);
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            self.paragraphs.push(paragraph.to_string());
        }
        self.space = false;
    }

    fn finish(mut self) -> String {
        self.paragraph_break();
        self.paragraphs.join("\n\n")
    }
}

/// Hands out ids unique within one thread.
#[derive(Default)]
pub(crate) struct Ids(HashSet<String>);

impl Ids {
    /// `given` (sanitized) when the source has one, else an id derived from the comment's content,
    /// so it stays the same across reloads; a repeat gets a `~N` suffix.
    pub(crate) fn assign(&mut self, given: Option<&str>, author: &str, text: &str) -> String {
        let base = given
            .map(sanitize::line)
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| {
                // 64 of the 128 bits are plenty among one thread's comments.
                let hash = crate::cache_key::fnv1a_128(&[author.as_bytes(), text.as_bytes()]);
                format!("h{:016x}", hash as u64)
            });
        let mut id = base.clone();
        let mut n = 1;
        while !self.0.insert(id.clone()) {
            n += 1;
            id = format!("{base}~{n}");
        }
        id
    }
}

/// `comment-12`, `li-comment-12`, `div-comment-12`, or a URL ending in `#comment-12`: `12`.
pub(crate) fn wp_comment_id(s: &str) -> Option<&str> {
    let s = s.rsplit('#').next().unwrap_or(s);
    let s = s
        .strip_prefix("li-")
        .or_else(|| s.strip_prefix("div-"))
        .unwrap_or(s);
    s.strip_prefix("comment-").filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_whitespace() {
        let html = "<div> Hello\n  <b>big</b>\tworld <p>Second<br> line</p>\n\n<p>\n</p><pre>a  b</pre><script>x()</script></div>";
        assert_eq!(markup_text(html), "Hello big world\n\nSecond\nline\n\na  b");
        assert_eq!(markup_text("one\n\ntwo\nthree"), "one\n\ntwo three");
        assert_eq!(markup_text("Tom &amp; Jerry"), "Tom & Jerry");
    }

    #[test]
    fn ids() {
        let mut ids = Ids::default();
        assert_eq!(ids.assign(Some("7"), "a", "b"), "7");
        assert_eq!(ids.assign(Some("7"), "a", "b"), "7~2");
        let generated = ids.assign(None, "a", "b");
        assert!(generated.starts_with('h'));
        assert_eq!(Ids::default().assign(None, "a", "b"), generated);
        assert_ne!(Ids::default().assign(None, "a", "c"), generated);
        assert_eq!(wp_comment_id("div-comment-3"), Some("3"));
        assert_eq!(wp_comment_id("http://x/p/#comment-9"), Some("9"));
        assert_eq!(wp_comment_id("comments"), None);
    }
}
