//! The archive's search results in the list's place: date, feed and title, then where the
//! query matched with the words around the match.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{fit, pane};
use crate::store::Hit;
use crate::tui::screen::feed_column;
use crate::tui::state::{AppState, ArchiveSearch, Focus, Loadable};
use crate::width;

/// Columns given to the date.
const DATE: usize = 10;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &AppState, archive: &ArchiveSearch) {
    let query = crate::sanitize::line(&archive.query);
    let title = match &archive.results {
        Loadable::Loaded(hits) => format!(" Search: {query} ({} found) ", hits.len()),
        _ => format!(" Search: {query} "),
    };
    let block = pane(
        fit(&title, usize::from(area.width).saturating_sub(2)),
        state.showing() == Focus::Headlines,
        state,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let hits = match &archive.results {
        Loadable::Loading => {
            frame.render_widget(Paragraph::new("Searching…"), inner);
            return;
        }
        Loadable::Failed(e) => {
            frame.render_widget(Paragraph::new(e.as_str()).wrap(Wrap { trim: true }), inner);
            return;
        }
        Loadable::Loaded(hits) => hits,
    };
    if hits.is_empty() {
        frame.render_widget(
            Paragraph::new("Nothing matches. S searches again, Esc goes back to the list."),
            inner,
        );
        return;
    }
    let width = usize::from(inner.width);
    let shown = (usize::from(inner.height) / 2).max(1);
    let lines: Vec<Line> = hits
        .iter()
        .enumerate()
        .skip(archive.offset)
        .take(shown)
        .flat_map(|(i, hit)| result(state, hit, width, i == archive.selected))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Two lines: the headline, and the place it matched with the matched words marked.
fn result(state: &AppState, hit: &Hit, width: usize, selected: bool) -> [Line<'static>; 2] {
    let theme = &state.theme;
    let h = &hit.headline;
    let mut base = Style::default();
    if !h.read {
        base = base.patch(theme.unread);
    }
    if selected {
        base = base.patch(theme.selected);
    }
    let date = h
        .published
        .as_deref()
        .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mark = if h.read { ' ' } else { '●' };
    let prefix = format!(
        "{mark} {} {} ",
        width::pad(&date, DATE),
        width::pad(&h.feed, feed_column(width, state.widest_feed))
    );
    let title = fit(&h.title, width.saturating_sub(width::of(&prefix)));
    let pad = width.saturating_sub(width::of(&prefix) + width::of(&title));
    let first = Line::from(vec![
        Span::styled(prefix, base),
        Span::styled(format!("{title}{}", " ".repeat(pad)), base),
    ]);
    let place = format!("    {}: ", hit.place.name());
    let mut room = width.saturating_sub(width::of(&place));
    let mut spans = vec![Span::styled(place, theme.meta)];
    for (text, marked) in &hit.snippet {
        if room == 0 {
            break;
        }
        let piece = fit(text, room);
        room = room.saturating_sub(width::of(&piece));
        let style = if *marked { theme.matched } else { theme.meta };
        spans.push(Span::styled(piece, style));
    }
    [first, Line::from(spans)]
}
