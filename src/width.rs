//! Display width: the terminal columns text takes. Wide characters (CJK, most emoji) take two,
//! combining marks and other zero-width characters none. Text is fitted, padded and wrapped by
//! these columns, the way the terminal and ratatui lay it out, and cut only between grapheme
//! clusters so that a mark never comes apart from its letter.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns `s` takes, measured grapheme by grapheme as ratatui draws it.
pub fn of(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    // Only zero-width characters (marks, joiners, selectors) and emoji make a grapheme's width
    // differ from its characters': without them the characters are summed, which is faster.
    let mut sum = 0;
    for c in s.chars() {
        match c.width() {
            Some(w) if w > 0 && c < '\u{1F000}' => sum += w,
            _ => return s.graphemes(true).map(UnicodeWidthStr::width).sum(),
        }
    }
    sum
}

/// Lower case, one char for one char, so that where a match is found in the folded text is
/// where it is in the original: searches compare and highlight by this.
pub fn fold_case(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// `s` in at most `width` columns: cut with `…` when it does not fit.
pub fn fit(s: &str, width: usize) -> Cow<'_, str> {
    if of(s) <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let room = width - 1;
    let mut used = 0;
    let mut end = 0;
    for (at, g) in s.grapheme_indices(true) {
        used += g.width();
        if used > room {
            break;
        }
        end = at + g.len();
    }
    let mut out = String::with_capacity(end + '…'.len_utf8());
    out.push_str(&s[..end]);
    out.push('…');
    Cow::Owned(out)
}

/// `s` in exactly `width` columns: fitted, then filled with spaces.
pub fn pad(s: &str, width: usize) -> String {
    let fitted = fit(s, width);
    let fill = width.saturating_sub(of(&fitted));
    let mut out = String::with_capacity(fitted.len() + fill);
    out.push_str(&fitted);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// `s` cut into pieces of at most `width` columns (at least one grapheme each), for text with
/// nowhere to break such as a URL.
pub fn cut(s: &str, width: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (at, g) in s.grapheme_indices(true) {
        let w = g.width();
        if used + w > width && at > start {
            pieces.push(&s[start..at]);
            (start, used) = (at, 0);
        }
        used += w;
    }
    if start < s.len() || pieces.is_empty() {
        pieces.push(&s[start..]);
    }
    pieces
}

/// Greedy wrap into lines of at most `width` columns. Lines break at whitespace, and between
/// characters of scripts written without spaces (Chinese, Japanese, Korean); a word with no
/// such place that is wider than `width` starts a line and is cut by columns, so that no line
/// is wider than `width` (a clipped pane would lose the rest of a long link).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let pieces = pieces(word).flat_map(|p| {
            if of(p) > width {
                cut(p, width)
            } else {
                vec![p]
            }
        });
        for (i, piece) in pieces.enumerate() {
            let w = of(piece);
            let mut gap = usize::from(i == 0 && !line.is_empty());
            if !line.is_empty() && used + gap + w > width {
                lines.push(std::mem::take(&mut line));
                (used, gap) = (0, 0);
            }
            if gap > 0 {
                line.push(' ');
            }
            line.push_str(piece);
            used += gap + w;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word cut where a line may break inside it.
fn pieces(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut chars = rest.char_indices();
        let (_, mut prev) = chars.next()?;
        let end = chars
            .find(|&(_, c)| {
                let here = break_between(prev, c);
                prev = c;
                here
            })
            .map_or(rest.len(), |(at, _)| at);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// A zero-width space: where a line may break, invisible otherwise. The article renderer
/// breaks lines there and drops it.
pub const BREAK: char = '\u{200B}';

/// `text` with [`BREAK`] at each place a line may break between two characters that no
/// whitespace separates; `prev` is the character just before `text`, if any.
pub fn mark_breaks(prev: Option<char>, text: &str) -> Cow<'_, str> {
    if !text.chars().any(ideographic) && !prev.is_some_and(ideographic) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut prev = prev;
    for c in text.chars() {
        if prev.is_some_and(|p| break_between(p, c)) {
            out.push(BREAK);
        }
        out.push(c);
        prev = Some(c);
    }
    Cow::Owned(out)
}

/// May a line break between `a` and `b`, which no whitespace separates? Around the characters
/// of scripts written without spaces, yes, except before closing punctuation and small kana,
/// after opening punctuation, and before a zero-width character (a combining mark, a joiner)
/// or after a joiner, which belong to the character beside them.
pub fn break_between(a: char, b: char) -> bool {
    (ideographic(a) || ideographic(b))
        && !a.is_whitespace()
        && !b.is_whitespace()
        && a != '\u{200D}'
        && b.width() != Some(0)
        && !NO_BREAK_AFTER.contains(&a)
        && !NO_BREAK_BEFORE.contains(&b)
}

/// Characters of scripts written without spaces between words.
fn ideographic(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FFF}'      // radicals, ideographic description
        | '\u{3000}'..='\u{303F}'    // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}'    // hiragana, katakana
        | '\u{3100}'..='\u{31FF}'    // bopomofo, compatibility jamo, kanbun, strokes
        | '\u{3200}'..='\u{4DBF}'    // enclosed and compatibility CJK, extension A
        | '\u{4E00}'..='\u{9FFF}'    // unified ideographs
        | '\u{A000}'..='\u{A4CF}'    // Yi
        | '\u{AC00}'..='\u{D7A3}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'    // compatibility forms
        | '\u{FF00}'..='\u{FFEF}'    // halfwidth and fullwidth forms
        | '\u{20000}'..='\u{3FFFD}' // supplementary ideographs
    )
}

/// Never at the start of a line: closing punctuation, small kana, iteration and length marks.
const NO_BREAK_BEFORE: &[char] = &[
    ')', ']', '}', '.', ',', ':', ';', '!', '?', '%', '”', '’', '…', '‥', '、', '。', '，', '．',
    '：', '；', '？', '！', '）', '］', '｝', '」', '』', '】', '〉', '》', '〕', '〗', '〙', '〛',
    '〞', '〟', '・', 'ー', '々', '〻', '゠', '〜', '～', '％', 'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ',
    'ゃ', 'ゅ', 'ょ', 'ゎ', 'ゕ', 'ゖ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ',
    'ヵ', 'ヶ', '｡', '｣', '､', 'ｰ',
];

/// Never at the end of a line: opening punctuation.
const NO_BREAK_AFTER: &[char] = &[
    '(', '[', '{', '“', '‘', '（', '［', '｛', '「', '『', '【', '〈', '《', '〔', '〖', '〘',
    '〚', '〝', '｢',
];

#[cfg(test)]
mod tests;
