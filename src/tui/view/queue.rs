//! The queue view, over the panes: each item with its feed and length, the current one
//! marked, and the time left to hear.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, fit, pane};
use crate::audio::format_time;
use crate::tui::state::AppState;

const WIDTH: u16 = 72;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let q = &state.queue;
    let Some(selected) = q.view else {
        return;
    };
    let rect = centered(area, WIDTH, q.items.len() as u16 + 2);
    let inner = usize::from(rect.width.saturating_sub(2));
    let rows = usize::from(rect.height.saturating_sub(2));
    let top = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = q
        .items
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, h)| {
            let mark = if Some(i) == q.current { "▶" } else { " " };
            let heard = if h.listened { "✓" } else { " " };
            let length = format!("  {}", format_time(q.lengths.get(&h.id).copied()));
            let what = format!("{mark}{heard}{:>2}. {} · {}", i + 1, h.feed, h.title);
            let room = inner.saturating_sub(crate::width::of(&length));
            let text = format!("{}{length}", crate::width::pad(&fit(&what, room), room));
            let line = Line::raw(text);
            if i == selected {
                line.style(state.theme.selected)
            } else {
                line
            }
        })
        .collect();
    let playing = state
        .player
        .item
        .map(|id| (id, state.player.pos, state.player.total));
    let (left, unknown) = q.time_left(playing);
    let left = match unknown {
        0 => format!("{} left", format_time(Some(left))),
        n => format!("{} left + {n} of unknown length", format_time(Some(left))),
    };
    let place = q
        .current
        .map(|c| format!("{}/{}", c + 1, q.items.len()))
        .unwrap_or_else(|| format!("{} items", q.items.len()));
    let title = format!(" Queue {place} · {left} · Enter plays, d removes, J/K move ");
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(pane(title, true, state)), rect);
}
