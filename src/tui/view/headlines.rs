//! The headline list: unread mark, time, source, title, and ♪ when narration is known.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, pane};
use crate::model::Headline;
use crate::tui::state::{AppState, Focus};

/// Columns given to the feed's name.
const SOURCE: usize = 16;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let unread = state.unread();
    let block = pane(
        format!(" Headlines ({unread} unread) "),
        state.screen() == Focus::Headlines,
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
    let offset = (state.selected + 1).saturating_sub(rows);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = state
        .headlines
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, h)| row(h, width, i == state.selected))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row(h: &Headline, width: usize, selected: bool) -> Line<'static> {
    let mark = if h.starred {
        "★"
    } else if h.read {
        " "
    } else {
        "●"
    };
    let time = h.published.as_deref().map(short_time).unwrap_or_default();
    let narration = if h.narration.is_some() { " ♪" } else { "" };
    let fixed = 2 + 12 + 1 + SOURCE + 1 + narration.chars().count();
    let title = fit(&h.title, width.saturating_sub(fixed));
    let mut style = Style::default();
    if !h.read {
        style = style.add_modifier(Modifier::BOLD);
    }
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let text = format!(
        "{mark} {time:<12} {source:<SOURCE$} {title}{narration}",
        source = fit(&h.feed, SOURCE)
    );
    let pad = width.saturating_sub(text.chars().count());
    Line::from(vec![Span::styled(text + &" ".repeat(pad), style)])
}

/// `Nov 19 11:30` from RFC 3339, else the start of what the feed gave.
fn short_time(date: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(date)
        .map(|d| d.format("%b %d %H:%M").to_string())
        .unwrap_or_else(|_| fit(date, 12))
}
