//! The headline list: unread mark, time, source, title, and ♪ when narration is known; under
//! group headers when grouped by feed or tag.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, highlight, pane};
use crate::model::Headline;
use crate::tui::search;
use crate::tui::state::{AppState, Focus, Group, Grouping, Row};
use crate::width;

/// Columns given to the feed's name.
const SOURCE: usize = 16;
/// Columns given to the time.
const TIME: usize = 12;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let unread = state.unread();
    let grouping = match state.grouping {
        Grouping::Newest => "",
        Grouping::ByFeed => " by feed",
        Grouping::ByTag => " by tag",
    };
    let block = pane(
        format!(" Headlines{grouping} ({unread} unread) "),
        state.showing() == Focus::Headlines,
        state,
    );
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
                &state.headlines[*h],
                width,
                i == state.selected,
                &needle,
            ),
            Row::Group(group) => {
                let Group {
                    name,
                    unread,
                    total,
                    error,
                } = &**group;
                let error = error
                    .as_deref()
                    .map(|e| format!(" · ⚠ {e}"))
                    .unwrap_or_default();
                let text = fit(&format!("{name} ({unread}/{total}){error}"), width);
                Line::from(Span::styled(text, state.theme.group))
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn headline(
    state: &AppState,
    h: &Headline,
    width: usize,
    selected: bool,
    needle: &str,
) -> Line<'static> {
    let theme = &state.theme;
    let mark = if h.starred {
        "★"
    } else if h.read {
        " "
    } else {
        "●"
    };
    let time = h.published.as_deref().map(short_time).unwrap_or_default();
    let narration = match (h.listened, h.narration.is_some()) {
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
        format!("{} ", width::pad(&h.feed, SOURCE))
    };
    let prefix = format!("{indent}{mark} {} {source}", width::pad(&time, TIME));
    let fixed = width::of(&prefix) + width::of(narration);
    let title = fit(&h.title, width.saturating_sub(fixed));
    let mut base = Style::default();
    if !h.read {
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
