//! Guarding the HTML parser: html5ever's tree building is quadratic in nesting depth (a page of
//! 100,000 nested `<div>`s takes minutes), so every page is tamed here before any parse.

use std::borrow::Cow;

/// Deeper than any real page: tags nested beyond this are dropped, their text kept.
pub const MAX_DEPTH: usize = 256;

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Parses a whole page, tamed.
pub fn parse_document(html: &str) -> scraper::Html {
    scraper::Html::parse_document(&tame(html))
}

/// Parses a fragment (feed summaries, comment bodies), tamed.
pub fn parse_fragment(html: &str) -> scraper::Html {
    scraper::Html::parse_fragment(&tame(html))
}

/// `html` with element tags beyond [`MAX_DEPTH`] levels of nesting removed. Linear time; returns
/// the input untouched (no copy) for every ordinary page.
pub fn tame(html: &str) -> Cow<'_, str> {
    if max_depth(html) <= MAX_DEPTH {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() / 2);
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut last = 0;
    for tag in tags(html) {
        match tag.kind {
            TagKind::Open => {
                if depth >= MAX_DEPTH {
                    out.push_str(&html[last..tag.start]);
                    last = tag.end;
                    dropped += 1;
                }
                depth += 1;
            }
            TagKind::Close => {
                depth = depth.saturating_sub(1);
                if depth >= MAX_DEPTH && dropped > 0 {
                    out.push_str(&html[last..tag.start]);
                    last = tag.end;
                    dropped -= 1;
                }
            }
        }
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

fn max_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0;
    for tag in tags(html) {
        match tag.kind {
            TagKind::Open => {
                depth += 1;
                max = max.max(depth);
            }
            TagKind::Close => depth = depth.saturating_sub(1),
        }
    }
    max
}

#[derive(Clone, Copy, PartialEq)]
enum TagKind {
    Open,
    Close,
}

struct Tag {
    kind: TagKind,
    start: usize,
    end: usize,
}

/// Start and end tags of non-void elements, skipping comments and the raw text of
/// script/style/textarea/title, which may contain `<` freely.
fn tags(html: &str) -> impl Iterator<Item = Tag> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let lt = i + memchr(b'<', &bytes[i..])?;
            i = lt + 1;
            if html[lt..].starts_with("<!--") {
                i = html[lt + 4..]
                    .find("-->")
                    .map_or(bytes.len(), |e| lt + 4 + e + 3);
                continue;
            }
            let close = bytes.get(i) == Some(&b'/');
            let name_start = if close { i + 1 } else { i };
            let name_len = bytes[name_start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                .count();
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                continue;
            }
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            let gt = match memchr(b'>', &bytes[name_start..]) {
                Some(g) => name_start + g + 1,
                None => return None,
            };
            i = gt;
            if VOID.contains(&name.as_str()) || (!close && bytes[gt - 2] == b'/') {
                continue;
            }
            if !close && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
                // Skip to the matching end tag; its text is not markup.
                let end_tag = format!("</{name}");
                let rest = html[gt..].to_ascii_lowercase();
                i = rest.find(&end_tag).map_or(bytes.len(), |e| gt + e);
            }
            let kind = if close { TagKind::Close } else { TagKind::Open };
            return Some(Tag {
                kind,
                start: lt,
                end: gt,
            });
        }
        None
    })
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
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
        assert!(max_depth(&tamed) <= MAX_DEPTH);
        assert!(tamed.contains("<p>deep</p>") || tamed.contains("deep"));
        let doc = scraper::Html::parse_document(&tamed);
        assert!(doc.root_element().text().any(|t| t.contains("deep")));
    }
}
