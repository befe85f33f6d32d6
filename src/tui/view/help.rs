//! Help: the keys exactly as the keymap binds them, scrolled when they do not fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, pane};
use crate::tui::state::AppState;

/// Lines of help besides the keys: the mouse.
const MOUSE: &[(&str, &str)] = &[
    ("click", "select; again to open"),
    ("wheel", "scroll the pane under it"),
    ("bar click", "play / pause; on a gauge: seek"),
];

/// Columns given to the keys.
const KEYS: usize = 10;

fn lines(state: &AppState) -> Vec<Line<'static>> {
    state
        .keymap
        .help()
        .into_iter()
        .map(|(keys, help)| (keys, help.to_string()))
        .chain(MOUSE.iter().map(|(k, h)| (k.to_string(), h.to_string())))
        .map(|(keys, help)| Line::raw(format!(" {} {help}", keys_column(&keys))))
        .collect()
}

/// The keys in their column; keys bound to more than it holds push the help to the right.
fn keys_column(keys: &str) -> String {
    let fill = KEYS.saturating_sub(crate::width::of(keys));
    format!("{keys}{}", " ".repeat(fill))
}

/// How many lines help has.
pub fn rows(state: &AppState) -> usize {
    lines(state).len()
}

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let lines = lines(state);
    let total = lines.len();
    let rect = centered(area, 56, total as u16 + 2);
    let shown = usize::from(rect.height.saturating_sub(2));
    let scroll = state.help_scroll.min(total.saturating_sub(shown));
    let title = if shown < total {
        format!(
            " Keys {}-{} of {} (↓ more, Esc closes) ",
            scroll + 1,
            (scroll + shown).min(total),
            total
        )
    } else {
        " Keys (Esc closes) ".to_string()
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(scroll).collect::<Vec<_>>())
            .block(pane(title, true, state)),
        rect,
    );
}
