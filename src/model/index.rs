//! The app's list of headlines as it orders, filters and groups them: per headline only its
//! id, its feed and its marks (16 bytes), so that the list stays small however large the
//! archive grows. The texts shown (titles, dates, links) are read from the store a page at a
//! time, for the rows around the ones on the screen.

use std::collections::HashMap;
use std::sync::Arc;

use super::Headline;

const READ: u8 = 1;
const STARRED: u8 = 2;
const LISTENED: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    id: i64,
    /// Index into `HeadlineIndex::feeds`.
    feed: u32,
    flags: u8,
}

/// Every headline of the list, in order: what is needed to order, filter, group and count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadlineIndex {
    entries: Vec<Entry>,
    /// A feed's name and subscribed URL, by `Entry::feed`.
    feeds: Vec<(Arc<str>, Arc<str>)>,
    feed_index: HashMap<Arc<str>, u32>,
}

impl HeadlineIndex {
    pub fn new() -> HeadlineIndex {
        HeadlineIndex::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a headline at the end; `feed` is its feed's name, `feed_url` its subscribed URL.
    pub fn push(&mut self, id: i64, feed: &Arc<str>, feed_url: &Arc<str>, marks: Marks) {
        let feed = match self.feed_index.get(&**feed_url) {
            Some(&i) if *self.feeds[i as usize].0 == **feed => i,
            _ => {
                let i = u32::try_from(self.feeds.len()).unwrap_or(u32::MAX);
                self.feeds.push((Arc::clone(feed), Arc::clone(feed_url)));
                self.feed_index.insert(Arc::clone(feed_url), i);
                i
            }
        };
        let mut flags = 0;
        for (on, flag) in [
            (marks.read, READ),
            (marks.starred, STARRED),
            (marks.listened, LISTENED),
        ] {
            if on {
                flags |= flag;
            }
        }
        self.entries.push(Entry { id, feed, flags });
    }

    /// Adds `h` at the end (its texts are not kept).
    pub fn push_headline(&mut self, h: &Headline) {
        let marks = Marks {
            read: h.read,
            starred: h.starred,
            listened: h.listened,
        };
        self.push(h.id, &h.feed, &h.feed_url, marks);
    }

    pub fn id(&self, i: usize) -> i64 {
        self.entries[i].id
    }

    pub fn read(&self, i: usize) -> bool {
        self.entries[i].flags & READ != 0
    }

    pub fn starred(&self, i: usize) -> bool {
        self.entries[i].flags & STARRED != 0
    }

    pub fn listened(&self, i: usize) -> bool {
        self.entries[i].flags & LISTENED != 0
    }

    /// Headline `i`'s marks.
    pub fn marks(&self, i: usize) -> Marks {
        Marks {
            read: self.read(i),
            starred: self.starred(i),
            listened: self.listened(i),
        }
    }

    fn set(&mut self, i: usize, flag: u8, on: bool) {
        let entry = &mut self.entries[i];
        if on {
            entry.flags |= flag;
        } else {
            entry.flags &= !flag;
        }
    }

    pub fn set_read(&mut self, i: usize, read: bool) {
        self.set(i, READ, read);
    }

    pub fn set_starred(&mut self, i: usize, starred: bool) {
        self.set(i, STARRED, starred);
    }

    pub fn set_listened(&mut self, i: usize, listened: bool) {
        self.set(i, LISTENED, listened);
    }

    /// The feed's name, shared by its headlines.
    pub fn feed(&self, i: usize) -> &Arc<str> {
        &self.feeds[self.entries[i].feed as usize].0
    }

    /// The feed's subscribed URL, shared by its headlines.
    pub fn feed_url(&self, i: usize) -> &Arc<str> {
        &self.feeds[self.entries[i].feed as usize].1
    }

    /// Every feed name the list holds, each once.
    pub fn feed_names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.feeds.iter().map(|(name, _)| name)
    }

    /// The position of headline `id`.
    pub fn position(&self, id: i64) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }

    /// Gives the memory reserved for growth back.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        self.feeds.shrink_to_fit();
    }
}

/// A headline's marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub read: bool,
    pub starred: bool,
    pub listened: bool,
}

impl<'a> FromIterator<&'a Headline> for HeadlineIndex {
    fn from_iter<I: IntoIterator<Item = &'a Headline>>(headlines: I) -> HeadlineIndex {
        let mut index = HeadlineIndex::new();
        for h in headlines {
            index.push_headline(h);
        }
        index
    }
}

/// The list as the store read it: every headline's place and marks, with the texts of the
/// first page (what the top of the list shows at once).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub index: HeadlineIndex,
    pub texts: Vec<Headline>,
}

impl From<Vec<Headline>> for Listing {
    /// A listing with every headline's texts (a short list, or a test's).
    fn from(headlines: Vec<Headline>) -> Listing {
        Listing {
            index: headlines.iter().collect(),
            texts: headlines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(id: i64, feed: &str, read: bool) -> Headline {
        Headline {
            id,
            feed: feed.into(),
            feed_url: format!("https://{feed}.example/feed").into(),
            title: format!("story {id}"),
            link: None,
            author: None,
            published: None,
            read,
            starred: false,
            listened: false,
            comments_url: None,
            narration: None,
        }
    }

    #[test]
    fn an_index_keeps_order_feeds_and_marks() {
        let all = [
            headline(7, "a", false),
            headline(3, "b", true),
            headline(9, "a", false),
        ];
        let mut index: HeadlineIndex = all.iter().collect();
        assert_eq!(index.len(), 3);
        assert_eq!((index.id(0), index.id(1), index.id(2)), (7, 3, 9));
        assert_eq!(&**index.feed(2), "a");
        assert_eq!(&**index.feed_url(1), "https://b.example/feed");
        assert!(index.read(1) && !index.read(0));
        assert_eq!(index.feed_names().count(), 2);
        index.set_starred(2, true);
        index.set_read(1, false);
        assert_eq!(
            index.marks(2),
            Marks {
                read: false,
                starred: true,
                listened: false
            }
        );
        assert!(!index.read(1));
        assert_eq!(index.position(9), Some(2));
        assert_eq!(index.position(4), None);
    }

    #[test]
    fn a_feed_renamed_between_headlines_keeps_each_name() {
        let mut renamed = headline(2, "a", false);
        renamed.feed = "A renamed".into();
        let index: HeadlineIndex = [headline(1, "a", false), renamed].iter().collect();
        assert_eq!(&**index.feed(0), "a");
        assert_eq!(&**index.feed(1), "A renamed");
    }

    #[test]
    fn an_entry_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }
}
