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

/// Columns of one column of help, border included.
const WIDTH: u16 = 56;

fn lines(state: &AppState) -> Vec<String> {
    state
        .keymap
        .help()
        .into_iter()
        .map(|(keys, help)| (keys, help.to_string()))
        .chain(MOUSE.iter().map(|(k, h)| (k.to_string(), h.to_string())))
        .map(|(keys, help)| format!(" {} {help}", keys_column(&keys)))
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

/// Help in one column, or in two side by side when one does not fit the height and two fit
/// the width; scrolled when that is still too long.
pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let lines = lines(state);
    let total = lines.len();
    // Two columns as wide as the widest line, a border around and a gap between.
    let widest = lines.iter().map(|l| crate::width::of(l)).max().unwrap_or(0);
    let two = u16::try_from(2 * widest + 4).unwrap_or(u16::MAX);
    let columns = if total + 2 > usize::from(area.height) && area.width >= two {
        2
    } else {
        1
    };
    let per_column = total.div_ceil(columns);
    let (width, column) = match columns {
        1 => (WIDTH, usize::from(WIDTH - 2)),
        _ => (two, widest),
    };
    let rect = centered(
        area,
        width,
        u16::try_from(per_column + 2).unwrap_or(u16::MAX),
    );
    let shown = usize::from(rect.height.saturating_sub(2));
    let scroll = state.help_scroll.min(per_column.saturating_sub(shown));
    let title = if shown < per_column {
        format!(
            " Keys {}-{} of {} (↓ more, Esc closes) ",
            scroll + 1,
            (scroll + shown).min(per_column),
            per_column
        )
    } else {
        " Keys (Esc closes) ".to_string()
    };
    let rows: Vec<Line> = (scroll..per_column)
        .take(shown)
        .map(|row| {
            let mut text = crate::width::pad(&lines[row], column);
            for c in 1..columns {
                if let Some(line) = lines.get(c * per_column + row) {
                    text.push_str("  ");
                    text.push_str(line);
                }
            }
            Line::raw(text)
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(rows).block(pane(title, true, state)), rect);
}
