//! The comments, threaded: each reply indented under its parent, `author · date` above the text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::pane;
use crate::commands::{display_date, wrap};
use crate::model::CommentThread;
use crate::tui::state::{Loadable, OpenItem};

/// Deeper replies are indented no further.
const MAX_INDENT: usize = 6;

pub(super) fn draw(frame: &mut Frame, area: Rect, open: &OpenItem, focused: bool) {
    let title = match &open.comments {
        Loadable::Loaded(t) => format!(" Comments ({}) ", t.comments.len()),
        _ => " Comments ".to_string(),
    };
    let block = pane(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = match &open.comments {
        Loadable::Loading => vec![Line::raw("Loading the comments…")],
        Loadable::Failed(reason) => {
            let text = vec![
                Line::raw("Could not load the comments:"),
                Line::raw(reason.clone()),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
            return;
        }
        Loadable::Loaded(thread) if thread.comments.is_empty() => {
            vec![Line::raw("No comments.")]
        }
        Loadable::Loaded(thread) => thread_lines(thread, usize::from(inner.width)),
    };
    let lines: Vec<Line> = lines.into_iter().skip(open.comments_scroll).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// How many rows the thread takes at `width` columns (inside the pane's border).
pub fn rows(thread: &CommentThread, width: usize) -> usize {
    thread_lines(thread, width).len()
}

fn thread_lines(thread: &CommentThread, width: usize) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    for (i, c) in thread.comments.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        let indent = "  ".repeat(c.depth.min(MAX_INDENT));
        let date = c
            .date
            .as_deref()
            .map(|d| format!(" · {}", display_date(d)))
            .unwrap_or_default();
        let marker = if c.depth > 0 { "↳ " } else { "" };
        lines.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(format!("{marker}{}{date}", c.author), bold),
        ]));
        let text_width = width.saturating_sub(indent.len() + 2).max(10);
        for (j, paragraph) in c.text.split("\n\n").enumerate() {
            if j > 0 {
                lines.push(Line::raw(""));
            }
            for l in wrap(paragraph, text_width) {
                lines.push(Line::raw(format!("{indent}  {l}")));
            }
        }
    }
    lines
}
