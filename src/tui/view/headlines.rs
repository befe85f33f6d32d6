//! The headline list: unread mark, time, source, title, and ♪ when narration is known; under
//! group headers when grouped by feed or tag.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, highlight, pane};
use crate::tui::state::{AppState, Focus, Group, Grouping, Row};
use crate::tui::{screen, search};
use crate::width;

/// Columns given to the time.
const TIME: usize = 12;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let block = pane(title(state), state.showing() == Focus::Headlines, state);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.headlines.is_empty() {
        frame.render_widget(
            Paragraph::new("No headlines yet. Press r to fetch your feeds."),
            inner,
        );
        return;
    }
    let rows = usize::from(inner.height).max(1);
    let width = usize::from(inner.width);
    let source = screen::feed_column(width, state.widest_feed);
    let needle = search::fold_case(&state.search.query);
    let lines: Vec<Line> = state
        .rows
        .iter()
        .enumerate()
        .skip(state.list_offset)
        .take(rows)
        .map(|(i, row)| match row {
            Row::Headline(h) => headline(
                state,
                *h as usize,
                (width, source),
                i == state.selected,
                &needle,
            ),
            Row::Group(_) => {
                let Some(Group {
                    name,
                    unread,
                    total,
                    error,
                }) = state.group(*row)
                else {
                    return Line::default();
                };
                let error = error
                    .as_deref()
                    .map(|e| format!(" · ⚠ {e}"))
                    .unwrap_or_default();
                let text = fit(&format!("{name} ({unread}/{total}){error}"), width);
                Line::from(Span::styled(text, state.theme.group))
            }
        })
        .collect();
    if lines.is_empty() {
        let empty = match state.filter.describe() {
            Some(filter) => format!("Nothing here ({filter})."),
            None => "Nothing here.".to_string(),
        };
        frame.render_widget(Paragraph::new(empty), inner);
        return;
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// ` Headlines by feed (12 unread) `; narrowed, what it is narrowed to and how many show:
/// ` Headlines by feed · unread only (412 shown, 412 unread) `.
fn title(state: &AppState) -> String {
    let unread = state.unread();
    let grouping = match state.grouping {
        Grouping::Newest => "",
        Grouping::ByFeed => " by feed",
        Grouping::ByTag => " by tag",
    };
    match state.filter.describe() {
        Some(filter) => format!(
            " Headlines{grouping} · {filter} ({} shown, {unread} unread) ",
            state.shown
        ),
        None => format!(" Headlines{grouping} ({unread} unread) "),
    }
}

/// One headline's row; `(width, source)`: the row's columns and its feed column's.
fn headline(
    state: &AppState,
    h: usize,
    (width, source_width): (usize, usize),
    selected: bool,
    needle: &str,
) -> Line<'static> {
    let theme = &state.theme;
    let list = &state.headlines;
    // Its texts arrive from the store a moment after it comes into view.
    let texts = state.texts_at(h);
    let (read, starred) = (list.read(h), list.starred(h));
    let mark = if starred {
        "★"
    } else if read {
        " "
    } else {
        "●"
    };
    let time = texts
        .and_then(|t| t.published.as_deref())
        .map(short_time)
        .unwrap_or_default();
    let has_narration = texts.is_some_and(|t| t.narration.is_some());
    let narration = match (list.listened(h), has_narration) {
        (true, true) => " ✓♪",
        (true, false) => " ✓",
        (false, true) => " ♪",
        (false, false) => "",
    };
    let grouped = state.grouping != Grouping::Newest;
    let indent = if grouped { "  " } else { "" };
    let source = if state.grouping == Grouping::ByFeed {
        String::new()
    } else {
        format!("{} ", width::pad(list.feed(h), source_width))
    };
    let prefix = format!("{indent}{mark} {} {source}", width::pad(&time, TIME));
    let fixed = width::of(&prefix) + width::of(narration);
    let title = fit(texts.map_or("…", |t| &t.title), width.saturating_sub(fixed));
    let mut base = Style::default();
    if !read {
        base = base.patch(theme.unread);
    }
    if selected {
        base = base.patch(theme.selected);
    }
    let mut spans = vec![Span::styled(prefix, base)];
    spans.extend(highlight(&title, needle, base, base.patch(theme.matched)));
    let pad = width.saturating_sub(fixed + width::of(&title));
    spans.push(Span::styled(
        format!("{narration}{}", " ".repeat(pad)),
        base,
    ));
    Line::from(spans)
}

/// `Nov 19 11:30` from RFC 3339, else the start of what the feed gave.
fn short_time(date: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(date)
        .map(|d| d.format("%b %d %H:%M").to_string())
        .unwrap_or_else(|_| fit(date, TIME))
}
