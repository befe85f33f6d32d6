//! Help: the keys exactly as the keymap binds them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, pane};
use crate::tui::keymap::BINDINGS;

pub(super) fn draw(frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| Line::raw(format!(" {:<9} {}", b.label, b.help)))
        .collect();
    let rect = centered(area, 52, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(pane(" Keys (Esc closes) ".to_string(), true)),
        rect,
    );
}
