//! Where everything is on a terminal of a given size, computed in one place: drawing, the
//! page sizes of scrolling and the mouse's hit-testing all read it here, so moving a row
//! moves it for all three.

use ratatui::layout::Rect;
use ratatui::widgets::Block;

/// Below this width the comments replace the article instead of sitting beside it.
pub const WIDE: u16 = 120;
/// Rows below every screen: the player bar and the status line.
pub const FOOTER: u16 = 2;
/// Columns left of the article's text, where the spoken paragraph is marked.
pub const GUTTER: u16 = 2;
/// Columns kept clear between the article's text and the pane's right border.
pub const ARTICLE_MARGIN: u16 = 1;
/// Columns left of the comments, where the selected one is marked.
pub const COMMENTS_MARGIN: u16 = 1;
/// The article's text is laid out no narrower than this, however narrow the pane.
const MIN_ARTICLE_WIDTH: usize = 20;

/// What the body of the screen is showing: the list, or the open article or its comments
/// (which a wide screen shows side by side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    List,
    Article,
    Comments,
}

/// The rectangles of one terminal size. The article's and the comments' are where they are
/// when read, whether or not they show now: the article is laid out for its width before it
/// opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    /// Wide enough for the comments beside the article.
    pub wide: bool,
    /// Everything above the player bar.
    pub body: Rect,
    pub player: Rect,
    pub status: Rect,
    /// Where help is drawn over the panes.
    pub help: Rect,
    pub article: ArticlePane,
    /// The comments pane, border included.
    pub comments: Rect,
}

/// The article pane and the rows inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArticlePane {
    /// Border included.
    pub pane: Rect,
    /// Inside the border.
    pub inner: Rect,
    /// Where text goes: inside the border, short of the margin on the right.
    pub text: Rect,
    pub title: Rect,
    /// Byline · date · site; while the article loads or fails, where that is said.
    pub byline: Rect,
    /// `▶ Listen to the article  0:00 / 4:12  ━━━──`.
    pub listen: Rect,
    /// The article's lines, their gutter first; a blank row above it parts it from the header.
    pub body: Rect,
}

/// The part of `area` that is row `n` of it (empty past its end).
fn row(area: Rect, n: u16) -> Rect {
    Rect {
        y: area.y.saturating_add(n),
        height: 1,
        ..area
    }
    .intersection(area)
}

impl ArticlePane {
    fn new(pane: Rect) -> ArticlePane {
        let inner = Block::bordered().inner(pane);
        let text = Rect {
            width: inner.width.saturating_sub(ARTICLE_MARGIN),
            ..inner
        };
        // Title, byline, listen bar, a blank row, then the body.
        let header = 4;
        let body = Rect {
            y: text.y.saturating_add(header),
            height: text.height.saturating_sub(header),
            ..text
        }
        .intersection(text);
        ArticlePane {
            pane,
            inner,
            text,
            title: row(text, 0),
            byline: row(text, 1),
            listen: row(text, 2),
            body,
        }
    }
}

impl Screen {
    /// The screen of a terminal whose area is `area`.
    pub fn new(area: Rect) -> Screen {
        // The footer's rows at the bottom, the rest above (worked out by hand: this runs for
        // every page size asked, and ratatui's layout solver is not cached here).
        // On a terminal too short for all, the body keeps a row, then the player bar.
        let body = Rect {
            height: area.height.saturating_sub(FOOTER).max(area.height.min(1)),
            ..area
        };
        let below = area.height - body.height;
        let player = Rect {
            y: body.bottom(),
            height: below.min(FOOTER - 1),
            ..area
        };
        let status = Rect {
            y: player.bottom(),
            height: below - player.height,
            ..area
        };
        let wide = area.width >= WIDE;
        let (article, comments) = if wide {
            let left = article_columns(body.width);
            (
                Rect {
                    width: left,
                    ..body
                },
                Rect {
                    x: body.x + left,
                    width: body.width - left,
                    ..body
                },
            )
        } else {
            (body, body)
        };
        Screen {
            wide,
            body,
            player,
            status,
            help: Rect {
                height: status.y.saturating_sub(area.y + 1),
                ..area
            },
            article: ArticlePane::new(article),
            comments,
        }
    }

    /// The screen of a terminal of `cols` x `rows`.
    pub fn of_size((cols, rows): (u16, u16)) -> Screen {
        Screen::new(Rect::new(0, 0, cols, rows))
    }

    /// The headline list's pane, and the article's and the comments' that show, for `shown`.
    pub fn panes(&self, shown: Shown) -> (Option<Rect>, Option<Rect>, Option<Rect>) {
        match shown {
            Shown::List => (Some(self.body), None, None),
            Shown::Article | Shown::Comments if self.wide => {
                (None, Some(self.article.pane), Some(self.comments))
            }
            Shown::Article => (None, Some(self.article.pane), None),
            Shown::Comments => (None, None, Some(self.comments)),
        }
    }

    /// Rows the headline list shows.
    pub fn list_rows(&self) -> usize {
        usize::from(Block::bordered().inner(self.body).height).max(1)
    }

    /// Body lines the article pane shows.
    pub fn article_rows(&self) -> usize {
        usize::from(self.article.body.height).max(1)
    }

    /// Rows the comments pane shows.
    pub fn comments_rows(&self) -> usize {
        usize::from(Block::bordered().inner(self.comments).height).max(1)
    }

    /// The width the article's text is laid out for: the text area after the gutter that
    /// marks the paragraph being spoken.
    pub fn article_width(&self) -> usize {
        usize::from(self.article.text.width.saturating_sub(GUTTER)).max(MIN_ARTICLE_WIDTH)
    }

    /// The width of the comments' text: inside their border, after the margin that marks the
    /// selected one.
    pub fn comments_width(&self) -> usize {
        usize::from(
            Block::bordered()
                .inner(self.comments)
                .width
                .saturating_sub(COMMENTS_MARGIN),
        )
    }
}

/// The feed column of a headline list row is never narrower than this (when a name needs it).
const MIN_FEED_COLUMN: usize = 12;

/// Columns of the feed's name in a headline list row `width` columns wide, its widest name
/// `widest` columns: all of it, as long as it leaves two thirds of the row to the rest.
pub fn feed_column(width: usize, widest: usize) -> usize {
    widest.min((width / 3).max(MIN_FEED_COLUMN))
}

/// Columns of the article pane when the comments sit beside it (the rest is theirs).
pub fn article_columns(total: u16) -> u16 {
    total.saturating_mul(3) / 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sizes_of_the_panes_follow_from_their_rectangles() {
        let narrow = Screen::of_size((80, 24));
        assert!(!narrow.wide);
        assert_eq!(narrow.list_rows(), 20);
        assert_eq!(narrow.comments_rows(), 20);
        // Four header rows above the body.
        assert_eq!(narrow.article_rows(), 16);
        assert_eq!(narrow.article.listen.y, 3);
        assert_eq!(narrow.article.body.y, 5);
        assert_eq!(narrow.article_width(), 80 - 2 - GUTTER as usize - 1);
        assert_eq!(narrow.comments_width(), 80 - 2 - 1);
        let wide = Screen::of_size((160, 48));
        assert!(wide.wide);
        assert_eq!(wide.article.pane.width, 96);
        assert_eq!(wide.comments.x, 96);
        assert_eq!(wide.article_width(), 96 - 2 - 2 - 1);
        assert_eq!(wide.comments_width(), 64 - 2 - 1);
    }

    /// Worked out by hand, they are what ratatui's solver gives for the same constraints (as
    /// the screen was laid out before), so nothing drawn moves.
    #[test]
    fn the_rectangles_are_those_ratatui_s_layout_makes() {
        use ratatui::layout::{Constraint, Layout};
        for height in 0..40 {
            for width in (0..8).chain(78..82).chain(115..250) {
                let area = Rect::new(3, 2, width, height);
                let screen = Screen::new(area);
                let [body, player, status] = Layout::vertical([
                    Constraint::Min(1),
                    Constraint::Length(FOOTER - 1),
                    Constraint::Length(1),
                ])
                .areas(area);
                let at = (width, height);
                assert_eq!(
                    (screen.body, screen.player, screen.status),
                    (body, player, status),
                    "{at:?}"
                );
                if width >= WIDE {
                    let [left, right] = Layout::horizontal([
                        Constraint::Length(article_columns(body.width)),
                        Constraint::Min(1),
                    ])
                    .areas(body);
                    assert_eq!(
                        (screen.article.pane, screen.comments),
                        (left, right),
                        "{at:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_feed_column_is_as_wide_as_the_widest_name_the_row_allows() {
        // "Local WordPress" whole at 80 and at 120 columns.
        assert_eq!(feed_column(78, 15), 15);
        assert_eq!(feed_column(118, 15), 15);
        // A long name takes up to a third of the row.
        assert_eq!(feed_column(78, 60), 26);
        assert_eq!(feed_column(118, 60), 39);
        assert_eq!(feed_column(238, 60), 60);
        // A narrow row still gives a name some room.
        assert_eq!(feed_column(20, 60), MIN_FEED_COLUMN);
        assert_eq!(feed_column(118, 0), 0);
    }

    #[test]
    fn a_tiny_terminal_has_at_least_a_row_to_scroll_by() {
        let tiny = Screen::of_size((10, 3));
        assert_eq!(tiny.list_rows(), 1);
        assert_eq!(tiny.article_rows(), 1);
        assert_eq!(tiny.article_width(), MIN_ARTICLE_WIDTH);
        assert_eq!(tiny.article.listen.height, 0);
    }
}
