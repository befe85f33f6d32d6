//! Drawing: reads the state, never changes it, never waits. Where each part goes comes from
//! [`Screen`], which also tells [`hit`] what a mouse click hit.

mod archive;
mod article;
mod comments;
mod headlines;
mod help;
mod player_bar;
mod queue;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::screen::Screen;
use super::state::{AppState, Focus, RelatedRow, Row};

pub use help::rows as help_rows;

/// Draws one frame.
pub fn draw(frame: &mut Frame, state: &AppState) {
    let screen = Screen::new(frame.area());
    let (list, article, comments) = screen.panes(state.shown());
    if let Some(area) = list {
        match &state.archive {
            Some(archive) => archive::draw(frame, area, state, archive),
            None => headlines::draw(frame, area, state),
        }
    }
    if let (Some(_), Some(open)) = (article, &state.open) {
        let focused = state.showing() == Focus::Article;
        article::draw(frame, &screen.article, state, open, focused);
    }
    if let (Some(area), Some(open)) = (comments, &state.open) {
        comments::draw(frame, area, state, open, state.showing() == Focus::Comments);
    }
    player_bar::draw(frame, screen.player, state);
    frame.render_widget(status_line(state), screen.status);
    if state.focus == Focus::Help {
        help::draw(frame, screen.help, state);
    }
    if state.queue.view.is_some() {
        queue::draw(frame, screen.help, state);
    }
}

/// The status line, or the search box while one is typed.
fn status_line(state: &AppState) -> Paragraph<'_> {
    let line = match &state.search.typing {
        Some(typing) => Line::from(vec![
            Span::raw(if state.search.archive {
                "search the archive: "
            } else {
                "/"
            }),
            Span::raw(typing.as_str()),
            Span::raw("▏"),
            Span::raw("   Enter searches, Esc cancels"),
        ]),
        None => Line::raw(state.status.as_str()),
    };
    Paragraph::new(line).style(state.theme.status)
}

/// What a mouse click at a cell hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// A row of the headline list.
    Headline(usize),
    /// A row of a comment (its index in the thread).
    Comment(usize),
    /// A paragraph of the article's text.
    Paragraph(usize),
    /// An item of other coverage below the article (from 0).
    Related(usize),
    ListenBar,
    /// A gauge, at this fraction of its length.
    ListenGauge(f64),
    PlayerBar,
    PlayerGauge(f64),
    /// Elsewhere in a pane.
    Pane(Focus),
    Nothing,
}

impl Hit {
    /// The pane the cell belongs to, for the wheel.
    pub fn pane(self) -> Option<Focus> {
        match self {
            Hit::Headline(_) => Some(Focus::Headlines),
            Hit::Comment(_) => Some(Focus::Comments),
            Hit::ListenBar | Hit::ListenGauge(_) | Hit::Paragraph(_) | Hit::Related(_) => {
                Some(Focus::Article)
            }
            Hit::Pane(p) => Some(p),
            _ => None,
        }
    }
}

/// What is drawn at column `x`, row `y`.
pub fn hit(state: &AppState, x: u16, y: u16) -> Hit {
    let screen = state.screen();
    let (list, article, comments) = screen.panes(state.shown());
    let at = Position::new(x, y);
    let inside = |r: Rect| r.contains(at);
    let inner = |r: Rect| Block::bordered().inner(r);
    if inside(screen.player) {
        let (start, cols) = player_bar::gauge(state, usize::from(screen.player.width));
        return match gauge_ratio(x - screen.player.x, start, cols) {
            Some(ratio) => Hit::PlayerGauge(ratio),
            None => Hit::PlayerBar,
        };
    }
    if let Some(list) = list.filter(|r| inside(*r)) {
        let body = inner(list);
        // The archive's results hold no rows of the list.
        if state.archive.is_none() && inside(body) {
            let row = state.list_offset + usize::from(y - body.y);
            if matches!(state.rows.get(row), Some(Row::Headline(_))) {
                return Hit::Headline(row);
            }
        }
        return Hit::Pane(Focus::Headlines);
    }
    if let (Some(_), Some(open)) = (article.filter(|r| inside(*r)), &state.open) {
        let pane = &screen.article;
        // Rows are counted across the whole inside of the border, margin and gutter too.
        let on_row = |r: Rect| r.height > 0 && y >= r.y && y < r.bottom() && inside(pane.inner);
        if on_row(pane.listen) && open.article.loaded().is_some() {
            let (start, cols) = article::listen_gauge(state, open, pane);
            return match gauge_ratio(x - pane.inner.x, start, cols) {
                Some(ratio) => Hit::ListenGauge(ratio),
                None => Hit::ListenBar,
            };
        }
        if on_row(pane.body) {
            let line = open.scroll + usize::from(y - pane.body.y);
            if let Some(paragraph) = open
                .rendered
                .as_ref()
                .and_then(|r| r.lines.get(line))
                .and_then(|l| l.block)
            {
                return Hit::Paragraph(paragraph);
            }
            if let Some(RelatedRow::Item(n)) = open.related_row_at(line) {
                return Hit::Related(n);
            }
        }
        return Hit::Pane(Focus::Article);
    }
    if let (Some(pane), Some(open)) = (comments.filter(|r| inside(*r)), &state.open) {
        let body = inner(pane);
        if inside(body) {
            let row = open.comments_scroll + usize::from(y - body.y);
            if let Some(r) = open.comment_rows.get(row) {
                return Hit::Comment(r.comment);
            }
        }
        return Hit::Pane(Focus::Comments);
    }
    Hit::Nothing
}

/// Where in a gauge of `cols` columns starting at `start` column `x` falls, if it does.
fn gauge_ratio(x: u16, start: usize, cols: usize) -> Option<f64> {
    let x = usize::from(x);
    (cols > 0 && x >= start && x < start + cols).then(|| (x - start) as f64 / cols as f64)
}

/// A bordered pane, its title in the accent style when it has the focus.
fn pane(title: String, focused: bool, state: &AppState) -> Block<'static> {
    let style = if focused {
        state.theme.accent
    } else {
        state.theme.meta
    };
    Block::bordered().title(title).border_style(style)
}

/// `s` in at most `width` columns, with `…` when cut.
fn fit(s: &str, width: usize) -> String {
    crate::width::fit(s, width).into_owned()
}

/// `text` in `base` style, the search's matches of `needle` (case-folded) in `matched` style.
fn highlight(text: &str, needle: &str, base: Style, matched: Style) -> Vec<Span<'static>> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, end) in super::search::ranges(text, needle) {
        spans.push(Span::styled(
            chars[at..start].iter().collect::<String>(),
            base,
        ));
        spans.push(Span::styled(
            chars[start..end].iter().collect::<String>(),
            matched,
        ));
        at = end;
    }
    spans.push(Span::styled(chars[at..].iter().collect::<String>(), base));
    spans
}

/// `filled` of `cols` columns as a gauge: `━━━━────`.
fn gauge_spans(ratio: f64, cols: usize, filled_style: Style) -> Vec<Span<'static>> {
    let filled = ((ratio.clamp(0.0, 1.0)) * cols as f64).round() as usize;
    vec![
        Span::styled("━".repeat(filled), filled_style),
        Span::raw("─".repeat(cols - filled.min(cols))),
    ]
}

/// A rectangle of at most `w` x `h` in the middle of `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
