//! Guarding the HTML parser: html5ever's tree building is quadratic in nesting depth (a page of
//! 100,000 nested `<div>`s takes minutes), so every page is tamed here before any parse.

use std::borrow::Cow;

/// Parses a whole page, tamed.
pub fn parse_document(html: &str) -> scraper::Html {
    scraper::Html::parse_document(&tame(html))
}

/// Parses a fragment (feed summaries, comment bodies), tamed.
pub fn parse_fragment(html: &str) -> scraper::Html {
    scraper::Html::parse_fragment(&tame(html))
}

/// Open elements allowed by [`tame`] before any parser sees the page.
pub const MAX_DEPTH: usize = 512;

/// Elements with an optional end tag (the parser closes them implicitly: they cannot stack up)
/// and void elements are not counted as nesting.
const NOT_NESTING: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rtc", "rp",
    "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body", "area", "base", "br",
    "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "frame", "basefont", "bgsound", "image",
];
/// Their content is text up to their end tag.
const RAW_CONTENT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Removes the start and end tags of elements nested deeper than [`MAX_DEPTH`] from the
/// page text, keeping everything else byte for byte (and returning the page untouched when
/// nothing is that deep). html5ever itself takes time quadratic in depth (every `<div>` start
/// tag looks down the whole stack of open elements for a `<p>` to close: 20 000 nested
/// `<div>`s take 3.7 s, 100 000 take 90 s), so the nesting must be cut before parsing; a
/// linear scan of the tags is enough for that, and the article extractor then caps it further.
pub fn tame(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let (mut i, mut depth, mut dropped) = (0usize, 0usize, 0usize);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        let rest = &b[start + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, start + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"!") || rest.starts_with(b"?") {
            i = find(b, start + 1, b">").map_or(b.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(b, name_start + name_len);
        i = end;
        let nests = !NOT_NESTING.contains(&name.as_str()) && !b[..end].ends_with(b"/>");
        if closing {
            if nests {
                if dropped > 0 {
                    dropped -= 1;
                    cuts.push((start, end));
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        } else if RAW_CONTENT.contains(&name.as_str()) {
            i = find_end_tag(b, end, &name).unwrap_or(b.len());
        } else if nests {
            if depth >= MAX_DEPTH {
                dropped += 1;
                cuts.push((start, end));
            } else {
                depth += 1;
            }
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (s, e) in cuts {
        out.push_str(&html[from..s]);
        from = e;
    }
    out.push_str(&html[from..]);
    Cow::Owned(out)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The start of `</name` (any case) at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.len() + 2;
    b.get(from..)?
        .windows(n)
        .position(|w| w.starts_with(b"</") && w[2..].eq_ignore_ascii_case(name.as_bytes()))
        .map(|p| from + p)
}

/// Just past the `>` that ends a tag whose name ends at `from`; quotes count only as attribute
/// values (right after `=`).
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut last = b' ';
    while i < b.len() {
        let c = b[i];
        if c == b'>' {
            return i + 1;
        }
        if (c == b'"' || c == b'\'') && last == b'=' {
            match b[i + 1..].iter().position(|&q| q == c) {
                Some(p) => i += p + 1,
                None => return b.len(),
            }
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_untouched() {
        let page = "<html><body><script>if (a<b) {}</script><div><p>Hi<br>there</p><!-- <div> --></div></body></html>";
        assert!(matches!(tame(page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let n = 100_000;
        let page = format!(
            "<html><body>{}<p>deep</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let tamed = tame(&page);
        assert_eq!(tamed.matches("<div>").count(), MAX_DEPTH);
        assert!(tamed.contains("<p>deep</p>") || tamed.contains("deep"));
        let doc = scraper::Html::parse_document(&tamed);
        assert!(doc.root_element().text().any(|t| t.contains("deep")));
    }
}
