//! Comments in page markup: WordPress block themes, classic themes and the older
//! `cite.fn` / `.comment-body` markup. Threading follows the nesting of the comment elements;
//! `depth-N` classes are used only when a page lists replies without nesting them.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};

use super::text::{Ids, element_text, wp_comment_id};
use super::thread;
use crate::model::{Comment, CommentKind};
use crate::sanitize;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("constant selector is valid")
}

/// One comment each. `li.comment` covers all three WordPress families; the list-child forms
/// catch themes that drop the class but keep the list.
static COMMENT: LazyLock<Selector> = LazyLock::new(|| {
    sel(
        "li.comment, :is(ol.comment-list, ol.commentlist, ol.wp-block-comment-template) > li:not(.pingback):not(.trackback)",
    )
});

static AUTHOR: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    [
        ".wp-block-comment-author-name",
        ".comment-author .fn",
        "cite.fn",
        "b.fn",
        ".fn",
        ".comment-author",
    ]
    .map(sel)
    .into()
});

static DATE_CONTAINER: LazyLock<Selector> = LazyLock::new(|| {
    sel(".wp-block-comment-date, .comment-metadata, .commentmetadata, .comment-date")
});
static DATETIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));

static CONTENT: LazyLock<Vec<Selector>> = LazyLock::new(|| {
    [
        ".wp-block-comment-content",
        ".comment-content",
        ".comment-body",
    ]
    .map(sel)
    .into()
});

static ID: LazyLock<Selector> = LazyLock::new(|| sel("[id]"));

/// Everything around a comment's words: reply links, "says:", avatars, author and date lines.
const CHROME: &[&str] = &[
    "reply",
    "comment-reply-link",
    "wp-block-comment-reply-link",
    "says",
    "avatar",
    "wp-block-avatar",
    "comment-author",
    "wp-block-comment-author-name",
    "comment-meta",
    "comment-metadata",
    "commentmetadata",
    "wp-block-comment-date",
    "comment-edit-link",
    "wp-block-comment-edit-link",
    "edit-link",
    "comment-awaiting-moderation",
    "screen-reader-text",
    "children",
    "fn",
    "vcard",
];

/// The comments of a page, in display order. Comments without an `id="comment-N"` get an id
/// derived from their author and text.
pub fn parse(html: &str) -> Vec<Comment> {
    from_document(&crate::html::parse_document(html))
}

pub(crate) fn from_document(doc: &Html) -> Vec<Comment> {
    let items: Vec<ElementRef> = doc.select(&COMMENT).collect();
    let index: HashMap<_, usize> = items.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
    // The comment an element belongs to: the nearest enclosing comment element.
    let owner = |el: ElementRef| el.ancestors().find_map(|a| index.get(&a.id()).copied());
    let is_chrome = |el: ElementRef| {
        index.contains_key(&el.id())
            || el.value().name() == "form"
            || CHROME.iter().any(|c| el.value().classes().any(|k| k == *c))
    };

    let mut ids = Ids::default();
    // Per item: its id when kept (comments with neither author nor text are dropped).
    let mut kept: Vec<Option<String>> = Vec::with_capacity(items.len());
    // Per kept comment: its `depth-N` class.
    let mut depth_class: Vec<Option<usize>> = Vec::new();
    let mut comments = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let own = |s: &Selector| item.select(s).find(|m| owner(*m) == Some(i));

        let author = AUTHOR
            .iter()
            .find_map(own)
            .map(|el| {
                let name = sanitize::line(&element_text(el, &|e| {
                    e.value().classes().any(|k| k == "says" || k == "avatar")
                }));
                name.strip_suffix("says:")
                    .unwrap_or(&name)
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();

        let container = own(&DATE_CONTAINER);
        let date = container
            .and_then(|c| c.select(&DATETIME).next())
            .or_else(|| own(&DATETIME))
            .and_then(|t| t.attr("datetime"))
            .map(sanitize::line)
            .filter(|d| !d.is_empty())
            .or_else(|| {
                container
                    .map(|c| sanitize::line(&element_text(c, &is_chrome)))
                    .filter(|d| !d.is_empty())
            });

        let body = CONTENT.iter().find_map(own).unwrap_or(*item);
        let text = element_text(body, &is_chrome);

        if author.is_empty() && text.is_empty() {
            kept.push(None);
            continue;
        }
        let given = std::iter::once(*item)
            .chain(item.select(&ID).filter(|m| owner(*m) == Some(i)))
            .find_map(|el| el.attr("id").and_then(wp_comment_id));
        let id = ids.assign(given, &author, &text);

        // The nearest enclosing comment that was kept.
        let mut up = owner(*item);
        let parent = loop {
            match up {
                Some(j) => match &kept[j] {
                    Some(id) => break Some(id.clone()),
                    None => up = owner(items[j]),
                },
                None => break None,
            }
        };
        kept.push(Some(id.clone()));
        depth_class.push(
            item.value()
                .classes()
                .find_map(|c| c.strip_prefix("depth-")?.parse().ok()),
        );
        comments.push(Comment {
            id,
            parent,
            depth: 0,
            author,
            date,
            text,
            kind: CommentKind::Normal,
        });
    }

    if comments.iter().all(|c| c.parent.is_none()) {
        let depths: Vec<usize> = depth_class.into_iter().flatten().collect();
        if depths.len() == comments.len() {
            thread_by_depth_class(&mut comments, &depths);
        }
    }
    thread(comments)
}

/// Flat markup that still says `depth-N`: a comment answers the last one shown at depth N-1.
/// Used only when the classes form a valid outline (start at 1, never skip a level).
fn thread_by_depth_class(comments: &mut [Comment], depths: &[usize]) {
    let valid =
        depths.first() == Some(&1) && depths.windows(2).all(|w| w[1] >= 1 && w[1] <= w[0] + 1);
    if !valid || depths.iter().all(|&d| d == 1) {
        return;
    }
    let mut open: Vec<String> = Vec::new();
    for (c, &d) in comments.iter_mut().zip(depths) {
        open.truncate(d - 1);
        c.parent = open.last().cloned();
        open.push(c.id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::test_support::{HOSTILE, assert_clean};

    const BLOCK: &str = r##"<ol class="wp-block-comment-template">
<li id="comment-2" class="comment even thread-even depth-1">
 <div class="wp-block-columns"><div class="wp-block-column"><div class="wp-block-avatar"><img alt="A Avatar" src="x"></div></div>
 <div class="wp-block-column">
  <div class="wp-block-comment-author-name"><a href="http://ann.example/">Ann</a></div>
  <div class="wp-block-comment-date"><time datetime="2026-11-19T11:30:00+00:00"><a href="#comment-2">November 19, 2026</a></time></div>
  <div class="wp-block-comment-content"><p>First para.</p>
<p>Second para.</p></div>
  <div class="wp-block-comment-reply-link"><a class="comment-reply-link" href="?replytocom=2">Reply</a></div>
 </div></div>
 <ol><li id="comment-3" class="comment odd depth-2">
  <div class="wp-block-comment-author-name">Bob</div>
  <div class="wp-block-comment-date"><time datetime="2026-11-19T12:00:00+00:00">Nov 19</time></div>
  <div class="wp-block-comment-content"><p>Reply one deep.</p></div>
  <ol><li id="comment-5" class="comment depth-3">
   <div class="wp-block-comment-author-name">Cy</div>
   <div class="wp-block-comment-content"><p>Reply two deep.</p></div>
  </li></ol>
 </li></ol>
</li>
<li id="comment-4" class="comment depth-1">
 <div class="wp-block-comment-author-name">Dee</div>
 <div class="wp-block-comment-content"><p>Top again.</p></div>
</li></ol>"##;

    fn summary(cs: &[Comment]) -> Vec<(&str, Option<&str>, usize, &str)> {
        cs.iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.parent.as_deref(),
                    c.depth,
                    c.author.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn block_theme() {
        let cs = parse(BLOCK);
        assert_eq!(
            summary(&cs),
            [
                ("2", None, 0, "Ann"),
                ("3", Some("2"), 1, "Bob"),
                ("5", Some("3"), 2, "Cy"),
                ("4", None, 0, "Dee")
            ]
        );
        assert_eq!(cs[0].text, "First para.\n\nSecond para.");
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T11:30:00+00:00"));
        assert_eq!(cs[2].text, "Reply two deep.");
        assert_eq!(cs[2].date, None);
    }

    #[test]
    fn classic_theme() {
        let html = r##"<ol class="comment-list">
<li id="comment-2" class="comment depth-1 parent"><article id="div-comment-2" class="comment-body">
 <footer class="comment-meta"><div class="comment-author vcard"><img class="avatar" src="a"> <b class="fn"><a href="http://x/" class="url">Ann</a></b> <span class="says">says:</span></div>
 <div class="comment-metadata"><a href="#comment-2"><time datetime="2026-11-19T11:30:00+00:00">November 19, 2026 at 11:30 am</time></a> <span class="edit-link"><a class="comment-edit-link">Edit</a></span></div></footer>
 <div class="comment-content"><p>Hello <em>there</em>.</p><p>Bye.</p></div>
 <div class="reply"><a class="comment-reply-link">Reply</a></div></article>
 <ol class="children"><li id="comment-3" class="comment depth-2"><article id="div-comment-3" class="comment-body">
  <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Bob</b> <span class="says">says:</span></div></footer>
  <div class="comment-content"><p>Answer.</p></div></article>
  <ol class="children"><li id="comment-9" class="comment depth-3"><article class="comment-body">
   <div class="comment-author vcard"><b class="fn">Cy</b></div><div class="comment-content"><p>Deeper.</p></div></article></li></ol>
 </li></ol>
</li></ol>"##;
        let cs = parse(html);
        assert_eq!(
            summary(&cs),
            [
                ("2", None, 0, "Ann"),
                ("3", Some("2"), 1, "Bob"),
                ("9", Some("3"), 2, "Cy")
            ]
        );
        assert_eq!(cs[0].text, "Hello there.\n\nBye.");
        assert_eq!(cs[0].date.as_deref(), Some("2026-11-19T11:30:00+00:00"));
    }

    #[test]
    fn older_markup_text_directly_in_comment_body() {
        let html = r##"<ol class="commentlist">
<li class="comment even thread-even depth-1" id="li-comment-1"><div id="div-comment-1" class="comment-body">
 <div class="comment-author vcard"><img class="avatar" src="a"> <cite class="fn"><a href="http://w/" class="url">Mr WordPress</a></cite> <span class="says">says:</span></div>
 <div class="comment-meta commentmetadata"><a href="#comment-1">March 3, 2010 at 5:32 pm</a>&nbsp;&nbsp;<a class="comment-edit-link">(Edit)</a></div>
 <p>Hi, this is a comment.</p><p>Second.</p>
 <div class="reply"><a class="comment-reply-link">Reply</a></div></div>
 <ul class="children"><li class="comment depth-2" id="li-comment-2"><div class="comment-body">
  <div class="comment-author vcard"><cite class="fn">Jo</cite> <span class="says">says:</span></div>
  <p>Thanks!</p></div>
  <ul class="children"><li class="comment depth-3"><div class="comment-body"><cite class="fn">Kim</cite><p>Deep.</p></div></li></ul>
 </li></ul>
</li></ol>"##;
        let cs = parse(html);
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[0].id, "1");
        assert_eq!(cs[0].author, "Mr WordPress");
        assert_eq!(cs[0].date.as_deref(), Some("March 3, 2010 at 5:32 pm"));
        assert_eq!(cs[0].text, "Hi, this is a comment.\n\nSecond.");
        assert_eq!(
            (cs[1].id.as_str(), cs[1].parent.as_deref(), cs[1].depth),
            ("2", Some("1"), 1)
        );
        assert_eq!(cs[1].text, "Thanks!");
        assert_eq!((cs[2].parent.as_deref(), cs[2].depth), (Some("2"), 2));
        assert_eq!(
            (cs[2].author.as_str(), cs[2].text.as_str()),
            ("Kim", "Deep.")
        );
        assert!(cs[2].id.starts_with('h'), "generated id: {}", cs[2].id);
        assert_eq!(parse(html)[2].id, cs[2].id, "generated ids are stable");
    }

    #[test]
    fn flat_list_threaded_by_depth_classes() {
        let html = r#"<ol class="comment-list">
<li class="comment depth-1" id="comment-1"><b class="fn">A</b><div class="comment-content">a</div></li>
<li class="comment depth-2" id="comment-2"><b class="fn">B</b><div class="comment-content">b</div></li>
<li class="comment depth-3" id="comment-3"><b class="fn">C</b><div class="comment-content">c</div></li>
<li class="comment depth-1" id="comment-4"><b class="fn">D</b><div class="comment-content">d</div></li></ol>"#;
        let cs = parse(html);
        assert_eq!(
            summary(&cs),
            [
                ("1", None, 0, "A"),
                ("2", Some("1"), 1, "B"),
                ("3", Some("2"), 2, "C"),
                ("4", None, 0, "D")
            ]
        );
    }

    #[test]
    fn no_ids_no_comment_body() {
        let html = r#"<ol class="comment-list"><li class="comment"><div class="comment-author"><b class="fn">NAME</b></div><div class="comment-content"><p>TEXT</p></div></li></ol>"#;
        let cs = parse(html);
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].author.as_str(), cs[0].text.as_str()),
            ("NAME", "TEXT")
        );
        assert_eq!((cs[0].parent.as_deref(), cs[0].depth), (None, 0));
    }

    /// What Python's `html.escape` leaves of the hostile string (it only escapes `&<>"'`),
    /// and the same with every control character as a numeric reference.
    fn escaped_forms() -> [String; 2] {
        let refs = HOSTILE
            .chars()
            .map(|c| {
                if c.is_control() || c == '\u{202e}' {
                    format!("&#x{:x};", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect();
        [HOSTILE.to_string(), refs]
    }

    #[test]
    fn escape_sequences_never_survive() {
        for t in escaped_forms() {
            // The markup of newsfixture's /fault/escape-article.
            let html = format!(
                r#"<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{t} {t}</p><ol class="comment-list"><li class="comment"><div class="comment-author"><b class="fn">{t}</b></div><div class="comment-content"><p>{t}</p></div></li></ol></article></body></html>"#
            );
            let cs = parse(&html);
            assert_eq!(cs.len(), 1);
            assert_clean(&cs[0]);
            assert!(cs[0].author.contains("RED") && cs[0].text.contains("evil"));
            // In ids and dates too.
            let html = format!(
                r#"<ol class="comment-list"><li class="comment" id="comment-{t}"><b class="fn">{t}</b><div class="comment-metadata">{t}</div><div class="comment-content">{t}</div></li></ol>"#
            );
            parse(&html).iter().for_each(assert_clean);
        }
        assert_eq!(
            parse(&format!(
                r#"<li class="comment"><b class="fn">{HOSTILE}</b></li>"#
            ))[0]
                .author,
            "REDevil"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // html5ever itself is quadratic in nesting depth, so the depth stays modest; the small
        // stack is what would catch a recursive walk.
        let html = format!(
            r#"<ol class="comment-list"><li class="comment"><b class="fn">A</b><div class="comment-content">{}deep{}</div></li></ol>"#,
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse(&html).remove(0).text)
            .expect("thread starts")
            .join()
            .expect("no stack overflow");
        assert_eq!(text, "deep");
    }
}
