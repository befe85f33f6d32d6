//! `/`, `n` and `N`: the next match of the last search in the focused pane (headline titles
//! and feed names, the article's lines, or the comments), wrapping at the end.

use std::collections::HashSet;

use super::state::{AppState, Focus, Row};

/// Moves to the next (or previous) match of `state.search.query` and says where it is.
/// Returns the case-folded title to look for in the store first, when the list's search needs
/// it (the list holds no titles): the answer comes as `Msg::TitlesFound`.
pub fn step(state: &mut AppState, forward: bool) -> Option<String> {
    let needle = fold_case(&state.search.query);
    let query = state.search.query.clone();
    let found = match state.showing() {
        Focus::Headlines | Focus::Help => {
            if state
                .search
                .titles
                .as_ref()
                .is_none_or(|(n, _)| *n != needle)
            {
                state.search.forward = forward;
                state.status = format!("/{query}: searching…");
                return Some(needle);
            }
            headlines(state, &needle, forward)
        }
        Focus::Article => article(state, &needle, forward),
        Focus::Comments => comments(state, &needle, forward),
    };
    state.status = match found {
        Some((n, total)) => format!("/{query}: match {n} of {total}"),
        None => format!("/{query}: not found"),
    };
    None
}

pub use crate::width::fold_case;

/// Character ranges of `needle` (already case-folded) in `text`.
pub fn ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = fold_case(text).chars().collect();
    let pin: Vec<char> = needle.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + pin.len() <= hay.len() {
        if hay[i..i + pin.len()] == pin[..] {
            out.push((i, i + pin.len()));
            i += pin.len();
        } else {
            i += 1;
        }
    }
    out
}

fn contains(text: &str, needle: &str) -> bool {
    fold_case(text).contains(needle)
}

/// Of the candidates in order, the first after `at` (or before, going back), wrapping; with
/// the match's ordinal and how many there are.
fn next_of(candidates: &[usize], at: usize, forward: bool) -> Option<(usize, usize, usize)> {
    let i = if forward {
        candidates.iter().position(|&c| c > at).unwrap_or(0)
    } else {
        candidates
            .iter()
            .rposition(|&c| c < at)
            .unwrap_or(candidates.len().checked_sub(1)?)
    };
    candidates.get(i).map(|&c| (c, i + 1, candidates.len()))
}

/// The rows whose title (as the store found) or feed name holds the needle.
fn headlines(state: &mut AppState, needle: &str, forward: bool) -> Option<(usize, usize)> {
    let titles = &state.search.titles.as_ref()?.1;
    let list = &state.headlines;
    let feeds: HashSet<&str> = list
        .feed_names()
        .filter(|f| contains(f, needle))
        .map(|f| &**f)
        .collect();
    let hits: Vec<usize> = state
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| match r {
            Row::Headline(i) => {
                let i = *i as usize;
                titles.contains(&list.id(i)) || feeds.contains(&**list.feed(i))
            }
            Row::Group(_) => false,
        })
        .map(|(i, _)| i)
        .collect();
    let (row, n, total) = next_of(&hits, state.selected, forward)?;
    state.select_row(row, true);
    Some((n, total))
}

fn article(state: &mut AppState, needle: &str, forward: bool) -> Option<(usize, usize)> {
    let rows = state.article_rows();
    let open = state.open.as_mut()?;
    let lines = &open.rendered.as_ref()?.lines;
    let hits: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| contains(&l.text(), needle))
        .map(|(i, _)| i)
        .collect();
    // The match is shown two lines below the top, so "after" counts from there.
    let (line, n, total) = next_of(&hits, open.scroll + 2, forward)?;
    open.scroll = line.saturating_sub(2).min(lines.len().saturating_sub(rows));
    open.follow = false;
    Some((n, total))
}

fn comments(state: &mut AppState, needle: &str, forward: bool) -> Option<(usize, usize)> {
    let (width, rows) = (state.comments_width(), state.comments_rows());
    let open = state.open.as_mut()?;
    let thread = open.comments.loaded()?;
    let hits: Vec<usize> = thread
        .comments
        .iter()
        .enumerate()
        .filter(|(_, c)| contains(&c.text, needle) || contains(&c.author, needle))
        .map(|(i, _)| i)
        .collect();
    let (comment, n, total) = next_of(&hits, open.comment_selected, forward)?;
    // A match inside a folded thread unfolds the folds above it.
    let depth = thread.comments[comment].depth;
    let hidden_by: Vec<usize> = open
        .folded
        .iter()
        .copied()
        .filter(|&f| {
            f < comment
                && thread.comments[f].depth < depth
                && thread.comments[f + 1..=comment]
                    .iter()
                    .all(|c| c.depth > thread.comments[f].depth)
        })
        .collect();
    if !hidden_by.is_empty() {
        for f in hidden_by {
            open.folded.remove(&f);
        }
        open.relayout_comments(width);
    }
    open.comment_selected = comment;
    open.show_comment(rows);
    Some((n, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_ignore_case_and_count_characters() {
        assert_eq!(ranges("Ferry and FERRY", "ferry"), vec![(0, 5), (10, 15)]);
        assert_eq!(ranges("Straße ferry", "ferry"), vec![(7, 12)]);
        assert_eq!(ranges("nothing", "ferry"), Vec::<(usize, usize)>::new());
        assert_eq!(ranges("aaa", "aa"), vec![(0, 2)]);
    }

    #[test]
    fn the_next_match_wraps_around() {
        assert_eq!(next_of(&[2, 5, 9], 5, true), Some((9, 3, 3)));
        assert_eq!(next_of(&[2, 5, 9], 9, true), Some((2, 1, 3)));
        assert_eq!(next_of(&[2, 5, 9], 5, false), Some((2, 1, 3)));
        assert_eq!(next_of(&[2, 5, 9], 2, false), Some((9, 3, 3)));
        assert_eq!(next_of(&[], 2, false), None);
    }
}
