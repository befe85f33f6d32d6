//! Drawing: reads the state, never changes it, never waits.

mod article;
pub mod comments;
mod headlines;
mod help;
mod player_bar;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::state::{AppState, FOOTER, Focus, article_columns};

/// Draws one frame.
pub fn draw(frame: &mut Frame, state: &AppState) {
    let [body, player, status] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(FOOTER - 1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    match state.screen() {
        Focus::Article | Focus::Comments => match &state.open {
            Some(open) if state.wide() => {
                let [left, right] = Layout::horizontal([
                    Constraint::Length(article_columns(body.width)),
                    Constraint::Min(1),
                ])
                .areas(body);
                article::draw(frame, left, state, open, state.screen() == Focus::Article);
                comments::draw(frame, right, open, state.screen() == Focus::Comments);
            }
            Some(open) if state.screen() == Focus::Comments => {
                comments::draw(frame, body, open, true)
            }
            Some(open) => article::draw(frame, body, state, open, true),
            None => headlines::draw(frame, body, state),
        },
        _ => headlines::draw(frame, body, state),
    }
    player_bar::draw(frame, player, &state.player);
    frame.render_widget(
        Paragraph::new(Line::raw(state.status.as_str()))
            .style(Style::default().add_modifier(Modifier::REVERSED)),
        status,
    );
    if state.focus == Focus::Help {
        help::draw(frame, body);
    }
}

/// A bordered pane, its title bold when it has the focus.
fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::DIM)
    };
    Block::bordered().title(title).border_style(style)
}

/// The first `width` characters of `s`, with `…` when cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
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
