//! The player bar: what is playing, where, and a gauge; shown on every screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::fit;
use crate::audio::{PlayState, format_time};
use crate::tui::state::PlayerSnapshot;

pub(super) fn draw(frame: &mut Frame, area: Rect, p: &PlayerSnapshot) {
    frame.render_widget(
        Paragraph::new(Line::raw(line(p, usize::from(area.width)))),
        area,
    );
}

pub(super) fn mark(state: PlayState) -> &'static str {
    match state {
        PlayState::Playing => "▶",
        PlayState::Paused => "⏸",
        PlayState::Loading => "…",
        PlayState::Stopped => "■",
    }
}

/// `▶ Title  1:02 / 4:12  ━━━━───` filling `width` columns.
fn line(p: &PlayerSnapshot, width: usize) -> String {
    if p.item.is_none() {
        return fit(
            "■ nothing playing · Space listens to the open article",
            width,
        );
    }
    let time = format!(
        "  {} / {}  ",
        format_time(Some(p.pos)),
        format_time(p.total)
    );
    let volume = if (p.volume - 1.0).abs() > 0.01 {
        format!("vol {:.0}%  ", p.volume * 100.0)
    } else {
        String::new()
    };
    let rest = width.saturating_sub(2 + time.chars().count() + volume.chars().count());
    let gauge_cols = (rest / 3).min(30);
    let title = fit(&p.title, rest - gauge_cols);
    let ratio = match p.total {
        Some(total) if !total.is_zero() => (p.pos.as_secs_f64() / total.as_secs_f64()).min(1.0),
        _ => 0.0,
    };
    let filled = (ratio * gauge_cols as f64).round() as usize;
    let gauge = "━".repeat(filled) + &"─".repeat(gauge_cols - filled);
    let pad = " ".repeat(rest - gauge_cols - title.chars().count());
    format!("{} {title}{pad}{time}{volume}{gauge}", mark(p.state))
}
