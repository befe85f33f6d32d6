//! The player bar: what is playing, where, speed and volume, and a gauge; on every screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, gauge_spans};
use crate::audio::{PlayState, format_time};
use crate::tui::state::AppState;

/// The gauge is at most this wide.
const GAUGE_MAX: usize = 30;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let (text, ratio, cols) = parts(state, usize::from(area.width));
    let mut spans = vec![Span::raw(text)];
    if cols > 0 {
        spans.extend(gauge_spans(ratio, cols, state.theme.gauge));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(super) fn mark(state: PlayState) -> &'static str {
    match state {
        PlayState::Playing => "▶",
        PlayState::Paused => "⏸",
        PlayState::Loading => "…",
        PlayState::Stopped => "■",
    }
}

/// Where the gauge starts and how wide it is.
pub(super) fn gauge(state: &AppState, width: usize) -> (usize, usize) {
    let (_, _, cols) = parts(state, width);
    (width - cols, cols)
}

/// `▶ Title  1:02 / 4:12  1.25x  vol 80%  ` before a gauge filling the rest of `width`.
fn parts(state: &AppState, width: usize) -> (String, f64, usize) {
    let p = &state.player;
    let Some(item) = p.item else {
        let text = match state.queue.current_item() {
            Some(h) => format!(
                "■ {} · {} · {} · > plays it",
                state.queue.place_of(h.id).unwrap_or_default(),
                h.feed,
                h.title
            ),
            None => "■ nothing playing · Space listens to the open article".to_string(),
        };
        return (fit(&text, width), 0.0, 0);
    };
    let mut tail = format!(
        "  {} / {}  ",
        format_time(Some(p.pos)),
        format_time(p.total)
    );
    if (p.speed - 1.0).abs() > 0.001 {
        tail.push_str(&format!("{:.2}x  ", p.speed));
    }
    if (p.volume - 1.0).abs() > 0.01 {
        tail.push_str(&format!("vol {:.0}%  ", p.volume * 100.0));
    }
    let rest = width.saturating_sub(2 + crate::width::of(&tail));
    let cols = (rest / 3).min(GAUGE_MAX);
    let queued = state
        .queue
        .place_of(item)
        .zip(state.queue.current_item())
        .map(|(place, h)| format!("{place} · {} · ", h.feed))
        .unwrap_or_default();
    let title = fit(&format!("{queued}{}", p.title), rest - cols);
    let ratio = match p.total {
        Some(total) if !total.is_zero() => (p.pos.as_secs_f64() / total.as_secs_f64()).min(1.0),
        _ => 0.0,
    };
    let pad = " ".repeat(rest - cols - crate::width::of(&title));
    (format!("{} {title}{pad}{tail}", mark(p.state)), ratio, cols)
}
