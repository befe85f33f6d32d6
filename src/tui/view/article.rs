//! The article: title, byline · date, the listen bar, then the styled text with the paragraph
//! being spoken marked in the gutter.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::player_bar::mark;
use super::{fit, pane};
use crate::article::{self, StyledLine};
use crate::audio::{PlayState, format_time};
use crate::commands::display_date;
use crate::tui::state::{AppState, Loadable, OpenItem};

pub(super) fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    open: &OpenItem,
    focused: bool,
) {
    let block = pane(" Article ".to_string(), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::styled(fit(&open.title, width), bold))];
    match &open.article {
        Loadable::Loading => {
            lines.push(Line::raw(""));
            lines.push(Line::raw("Loading the article…"));
        }
        Loadable::Failed(reason) => {
            lines.push(Line::raw(""));
            lines.push(Line::raw("Could not load the article:"));
            lines.push(Line::raw(reason.as_str()));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
            return;
        }
        Loadable::Loaded(a) => {
            let meta: Vec<String> = [
                a.byline.as_ref().map(|b| format!("By {b}")),
                a.published.as_deref().map(display_date),
                a.site_name.clone(),
            ]
            .into_iter()
            .flatten()
            .collect();
            lines.push(Line::raw(fit(&meta.join(" · "), width)));
            lines.push(Line::from(Span::styled(
                fit(&listen_bar(state, open, a.narration.is_none()), width),
                bold,
            )));
            lines.push(Line::raw(""));
            if let Some(rendered) = &open.rendered {
                let spoken = state
                    .player
                    .paragraph()
                    .filter(|_| state.player.item == Some(open.id));
                let rows = usize::from(inner.height).saturating_sub(lines.len());
                lines.extend(
                    rendered
                        .lines
                        .iter()
                        .skip(open.scroll)
                        .take(rows)
                        .map(|l| body_line(l, spoken.is_some() && l.block == spoken)),
                );
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `▶ Listen to the article  0:00 / 4:12`, with this article's time when it is the one loaded.
/// The recording's length is known before it plays; the player's, once it reports one, wins.
fn listen_bar(state: &AppState, open: &OpenItem, speech: bool) -> String {
    let p = &state.player;
    let recording = open.recording_total.filter(|_| !speech);
    let (icon, pos, total) = if p.item == Some(open.id) {
        let icon = match p.state {
            PlayState::Stopped => "▶",
            s => mark(s),
        };
        (icon, p.pos, p.total.or(recording.filter(|_| !p.speech)))
    } else {
        ("▶", std::time::Duration::ZERO, recording)
    };
    let what = if speech { " (synthesized speech)" } else { "" };
    format!(
        "{icon} Listen to the article{what}  {} / {}",
        format_time(Some(pos)),
        format_time(total)
    )
}

fn body_line(line: &StyledLine, spoken: bool) -> Line<'static> {
    let gutter = if spoken { "▌ " } else { "  " };
    let mut spans = vec![Span::raw(gutter)];
    spans.extend(
        line.spans
            .iter()
            .map(|s| Span::styled(s.text.clone(), style(&s.style, spoken))),
    );
    Line::from(spans)
}

/// Terminal attributes only, no colours: readable on any theme and under `NO_COLOR`.
fn style(s: &article::Style, spoken: bool) -> Style {
    let mut m = Modifier::empty();
    if s.bold || s.heading.is_some() || spoken {
        m |= Modifier::BOLD;
    }
    if s.emphasis || s.quote {
        m |= Modifier::ITALIC;
    }
    if s.link.is_some() || s.heading == Some(1) {
        m |= Modifier::UNDERLINED;
    }
    if s.code || s.preformatted {
        m |= Modifier::DIM;
    }
    if s.strikeout {
        m |= Modifier::CROSSED_OUT;
    }
    Style::default().add_modifier(m)
}
