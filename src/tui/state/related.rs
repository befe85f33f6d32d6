//! Other coverage below the open article: the rows it adds after the article's text, where
//! drawing, scrolling and the mouse all find them.

use crate::store::Related;

use super::{Loadable, OpenItem};

/// What a row of the section below the article shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelatedRow {
    /// Parts the section from the article.
    Blank,
    Heading,
    /// Item `n` (from 0) of other coverage.
    Item(usize),
}

impl OpenItem {
    /// Other coverage once found: nothing while it is looked for, when it failed or when
    /// there is none.
    pub fn related_items(&self) -> &[Related] {
        match &self.related {
            Loadable::Loaded(items) => items,
            _ => &[],
        }
    }

    /// The rows of other coverage, after the article's own lines.
    pub fn related_rows(&self) -> Vec<RelatedRow> {
        let items = self.related_items().len();
        if items == 0 {
            return Vec::new();
        }
        [RelatedRow::Blank, RelatedRow::Heading]
            .into_iter()
            .chain((0..items).map(RelatedRow::Item))
            .collect()
    }

    /// Lines the article pane scrolls through: the article's and other coverage's.
    pub fn body_lines(&self) -> usize {
        let article = self.rendered.as_ref().map_or(0, |r| r.lines.len());
        article + self.related_rows().len()
    }

    /// What line `line` of the body is, when it is below the article's text.
    pub fn related_row_at(&self, line: usize) -> Option<RelatedRow> {
        let article = self.rendered.as_ref()?.lines.len();
        self.related_rows().get(line.checked_sub(article)?).copied()
    }
}
