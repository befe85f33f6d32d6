//! The article: title, byline · date, the listen bar with its gauge, then the styled text with
//! the paragraph being spoken marked in the gutter and search matches standing out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use super::player_bar::mark;
use super::{fit, gauge_spans, pane};
use crate::article::{self, StyledLine};
use crate::audio::{PlayState, format_time};
use crate::dates::display_date;
use crate::tui::images::ImageState;
use crate::tui::screen::{ArticlePane, GUTTER};
use crate::tui::search;
use crate::tui::state::{AppState, Loadable, OpenItem, RelatedRow};
use crate::tui::theme::Theme;

/// The listen bar's gauge is at most this wide.
const GAUGE_MAX: usize = 30;

pub(super) fn draw(
    frame: &mut Frame,
    geometry: &ArticlePane,
    state: &AppState,
    open: &OpenItem,
    focused: bool,
) {
    let theme = &state.theme;
    frame.render_widget(pane(" Article ".to_string(), focused, state), geometry.pane);
    let width = usize::from(geometry.text.width);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let title = Line::from(Span::styled(fit(&open.title, width), bold));
    // Each header row is a paragraph of one line: a line's style covers only its text.
    frame.render_widget(Paragraph::new(title), geometry.title);
    // Below the title, what is said while the article loads or when it failed.
    let below_title = Rect {
        y: geometry.byline.y,
        height: geometry.text.bottom().saturating_sub(geometry.byline.y),
        ..geometry.text
    };
    let a = match &open.article {
        Loadable::Loading => {
            let lines = vec![Line::raw(""), Line::raw("Loading the article…")];
            frame.render_widget(Paragraph::new(lines), below_title);
            return;
        }
        Loadable::Failed(reason) => {
            let lines = vec![
                Line::raw(""),
                Line::styled("Could not load the article:", theme.error),
                Line::raw(reason.as_str()),
            ];
            let text = Paragraph::new(lines).wrap(Wrap { trim: false });
            frame.render_widget(text, below_title);
            return;
        }
        Loadable::Loaded(a) => a,
    };
    let meta: Vec<String> = [
        a.byline.as_ref().map(|b| format!("By {b}")),
        a.published.as_deref().map(display_date),
        a.site_name.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let meta = Line::styled(fit(&meta.join(" · "), width), theme.meta);
    frame.render_widget(Paragraph::new(meta), geometry.byline);
    let listen = Paragraph::new(listen_bar(state, open, width));
    frame.render_widget(listen, geometry.listen);
    let Some(rendered) = &open.rendered else {
        return;
    };
    let spoken = state
        .player
        .paragraph()
        .filter(|_| state.player.item == Some(open.id));
    let needle = search::fold_case(&state.search.query);
    let rows = usize::from(geometry.body.height);
    let mut lines: Vec<Line> = rendered
        .lines
        .iter()
        .skip(open.scroll)
        .take(rows)
        .map(|l| {
            let mark = if spoken.is_some() && l.block == spoken {
                Mark::Spoken
            } else if open.chosen.is_some() && l.block == open.chosen {
                Mark::Chosen
            } else {
                Mark::None
            };
            body_line(l, mark, theme, &needle)
        })
        .collect();
    // Other coverage follows the article's last line.
    let below = open.scroll.saturating_sub(rendered.lines.len());
    let related = open.related_rows();
    for row in related.iter().skip(below).take(rows - lines.len()) {
        lines.push(related_line(*row, open, width, theme));
    }
    frame.render_widget(Paragraph::new(lines), geometry.body);
    // The pictures go right of the gutter.
    let body = Rect {
        x: geometry.body.x + GUTTER.min(geometry.body.width),
        width: geometry.body.width.saturating_sub(GUTTER),
        ..geometry.body
    };
    draw_images(frame, body, rendered, open, theme);
}

/// Pictures over the rows kept for them, clipped where they are scrolled out; one still
/// loading, or that failed, is a line of its alt text.
fn draw_images(
    frame: &mut Frame,
    body: Rect,
    rendered: &article::Rendered,
    open: &OpenItem,
    theme: &Theme,
) {
    let (top, bottom) = (open.scroll, open.scroll + usize::from(body.height));
    for image in &rendered.images {
        if image.line >= bottom || image.line + image.rows <= top {
            continue;
        }
        // Rows above the view are negative: the picture is drawn from its visible part.
        let Ok(y) = i16::try_from(image.line as i64 - top as i64) else {
            continue;
        };
        let label = match open.images.get(&image.url) {
            Some(ImageState::Ready(picture)) => {
                let at = SignedPosition { x: 0, y };
                frame.render_widget(SlicedImage::new(&picture.0, at), body);
                continue;
            }
            Some(ImageState::Failed(_)) => image.label(),
            None | Some(ImageState::Loading) if image.alt.is_empty() => {
                "loading image…".to_string()
            }
            None | Some(ImageState::Loading) => format!("loading image: {}…", image.alt),
        };
        if let Ok(row) = u16::try_from(y) {
            let area = Rect {
                y: body.y + row,
                height: 1,
                ..body
            };
            let text = fit(&label, usize::from(body.width));
            frame.render_widget(Paragraph::new(Line::styled(text, theme.meta)), area);
        }
    }
}

/// The listen bar's text before its gauge, the gauge's fill, and its width. The recording's
/// length is known before it plays; the player's, once it reports one, wins.
fn listen_parts(state: &AppState, open: &OpenItem, width: usize) -> (String, f64, usize) {
    let p = &state.player;
    let speech = open.article.loaded().is_some_and(|a| a.narration.is_none());
    let recording = open.recording_total.filter(|_| !speech);
    let (icon, pos, total) = if p.item == Some(open.id) {
        let icon = match p.state {
            PlayState::Stopped => "▶",
            s => mark(s),
        };
        (icon, p.pos, p.total.or(recording.filter(|_| !p.speech)))
    } else {
        ("▶", open.resume_at.unwrap_or_default(), recording)
    };
    let what = if speech { " (synthesized speech)" } else { "" };
    let mut text = format!(
        "{icon} Listen to the article{what}  {} / {}  ",
        format_time(Some(pos)),
        format_time(total)
    );
    // Speech picks up at the paragraph where the listener stopped.
    if let Some(part) = open
        .resume_part
        .filter(|_| speech && p.item != Some(open.id))
    {
        text.push_str(&format!("from paragraph {part}  "));
    }
    let ratio = match total {
        Some(total) if !total.is_zero() => pos.as_secs_f64() / total.as_secs_f64(),
        _ => 0.0,
    };
    let cols = width.saturating_sub(crate::width::of(&text)).min(GAUGE_MAX);
    // Too narrow for a useful gauge: the time alone.
    let cols = if cols < 5 { 0 } else { cols };
    (text, ratio, cols)
}

/// `▶ Listen to the article  0:00 / 4:12  ━━━━──────`, with this article's time when it is
/// the one loaded.
fn listen_bar(state: &AppState, open: &OpenItem, width: usize) -> Line<'static> {
    let (text, ratio, cols) = listen_parts(state, open, width);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled(fit(&text, width), bold)];
    if cols > 0 {
        spans.extend(gauge_spans(ratio, cols, state.theme.gauge));
    }
    Line::from(spans)
}

/// Where the listen bar's gauge starts (in columns from the inside of the pane's border) and
/// its width.
pub(super) fn listen_gauge(
    state: &AppState,
    open: &OpenItem,
    pane: &ArticlePane,
) -> (usize, usize) {
    let width = usize::from(pane.text.width);
    let (text, _, cols) = listen_parts(state, open, width);
    (crate::width::of(&text), cols)
}

/// A row of other coverage: `  Other coverage …`, then `  1  Feed · Title`.
fn related_line(row: RelatedRow, open: &OpenItem, width: usize, theme: &Theme) -> Line<'static> {
    let items = open.related_items();
    match row {
        RelatedRow::Blank => Line::raw(""),
        RelatedRow::Heading => {
            let bold = Style::default().add_modifier(Modifier::BOLD);
            let hint = match items.len() {
                1 => "  (1 then Enter, or a click, opens it)".to_string(),
                n => format!("  (1–{n} then Enter, or a click, opens one)"),
            };
            Line::from(vec![
                Span::raw("  "),
                Span::styled("Other coverage", bold),
                Span::styled(fit(&hint, width.saturating_sub(16)), theme.meta),
            ])
        }
        RelatedRow::Item(n) => {
            let Some(item) = items.get(n) else {
                return Line::raw("");
            };
            let h = &item.headline;
            let number = format!("  {}  ", n + 1);
            let feed = format!("{} · ", h.feed);
            let rest = width.saturating_sub(crate::width::of(&number));
            let feed = fit(&feed, rest);
            let title = fit(&h.title, rest.saturating_sub(crate::width::of(&feed)));
            Line::from(vec![
                Span::styled(number, theme.accent),
                Span::styled(feed, theme.meta),
                Span::styled(title, theme.link),
            ])
        }
    }
}

/// What the gutter shows beside a line.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    None,
    /// The paragraph being spoken.
    Spoken,
    /// The paragraph the reader clicked, which `p` speaks from.
    Chosen,
}

fn body_line(line: &StyledLine, mark: Mark, theme: &Theme, needle: &str) -> Line<'static> {
    let spoken = mark == Mark::Spoken;
    let gutter = match mark {
        Mark::Spoken => Span::styled("▌ ", theme.spoken),
        Mark::Chosen => Span::styled("› ", theme.accent),
        Mark::None => Span::raw("  "),
    };
    let mut spans = vec![gutter];
    let matches = search::ranges(&line.text(), needle);
    let mut at = 0;
    for s in &line.spans {
        let base = style(&s.style, spoken, theme);
        let len = s.text.chars().count();
        let (from, to) = (at, at + len);
        at = to;
        let hits: Vec<(usize, usize)> = matches
            .iter()
            .filter(|(a, b)| *a < to && *b > from)
            .map(|(a, b)| ((*a).max(from) - from, (*b).min(to) - from))
            .collect();
        if hits.is_empty() {
            spans.push(Span::styled(s.text.clone(), base));
            continue;
        }
        let chars: Vec<char> = s.text.chars().collect();
        let mut i = 0;
        for (a, b) in hits {
            spans.push(Span::styled(chars[i..a].iter().collect::<String>(), base));
            spans.push(Span::styled(
                chars[a..b].iter().collect::<String>(),
                base.patch(theme.matched),
            ));
            i = b;
        }
        spans.push(Span::styled(chars[i..].iter().collect::<String>(), base));
    }
    Line::from(spans)
}

/// The theme's styles for the text's kinds; the spoken paragraph in the `spoken` style.
fn style(s: &article::Style, spoken: bool, theme: &Theme) -> Style {
    let mut style = Style::default();
    if s.bold {
        style = style.add_modifier(Modifier::BOLD);
    }
    if s.emphasis || s.quote {
        style = style.add_modifier(Modifier::ITALIC);
    }
    if s.heading.is_some() {
        style = style.patch(theme.heading);
    }
    if s.heading == Some(1) {
        style = style.add_modifier(Modifier::UNDERLINED);
    }
    if s.link.is_some() {
        style = style.patch(theme.link);
    }
    if s.code || s.preformatted {
        style = style.add_modifier(Modifier::DIM);
    }
    if s.strikeout {
        style = style.add_modifier(Modifier::CROSSED_OUT);
    }
    if spoken {
        style = style.patch(theme.spoken);
    }
    style
}
