//! The comments, threaded: each reply indented under its parent, `author · date` above the
//! text, the selected comment marked, folded threads counted in their header.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{highlight, pane};
use crate::tui::search;
use crate::tui::state::{AppState, CommentRowKind, Loadable, OpenItem};

pub(super) fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    open: &OpenItem,
    focused: bool,
) {
    let theme = &state.theme;
    let title = match &open.comments {
        Loadable::Loaded(t) => format!(" Comments ({}) ", t.comments.len()),
        _ => " Comments ".to_string(),
    };
    let block = pane(title, focused, state);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = match &open.comments {
        Loadable::Loading => vec![Line::raw("Loading the comments…")],
        Loadable::Failed(reason) => {
            let text = vec![
                Line::styled("Could not load the comments:", theme.error),
                Line::raw(reason.clone()),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
            return;
        }
        Loadable::Loaded(thread) if thread.comments.is_empty() => {
            vec![Line::raw("No comments.")]
        }
        Loadable::Loaded(_) => {
            let needle = search::fold_case(&state.search.query);
            open.comment_rows
                .iter()
                .skip(open.comments_scroll)
                .take(usize::from(inner.height))
                .map(|row| {
                    let selected = focused && row.comment == open.comment_selected;
                    let mut base = Style::default();
                    if row.kind == CommentRowKind::Header {
                        base = base.patch(theme.author);
                        if selected {
                            base = base.patch(theme.selected);
                        }
                    }
                    // A bar in the margin beside the selected comment, so its extent shows.
                    let mark = if selected && row.kind != CommentRowKind::Blank {
                        Span::styled("▌", theme.accent)
                    } else {
                        Span::raw(" ")
                    };
                    let mut spans = vec![mark, Span::raw(" ".repeat(row.indent))];
                    spans.extend(highlight(
                        &row.text,
                        &needle,
                        base,
                        base.patch(theme.matched),
                    ));
                    Line::from(spans)
                })
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
