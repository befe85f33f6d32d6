//! The app's list of headlines as it orders, filters and groups them: per headline only its
//! id, its feed and its marks (8 bytes), so that the list stays small however large the
//! archive grows. The texts shown (titles, dates, links) are read from the store a page at a
//! time, for the rows around the ones on the screen.

use std::collections::HashMap;
use std::sync::Arc;

use super::Headline;

const READ: u32 = 1;
const STARRED: u32 = 2;
const LISTENED: u32 = 4;
/// The marks take the low bits of `Entry::feed_and_marks`, the feed's index the rest.
const MARK_BITS: u32 = 3;
/// `Entry::id` of a headline whose id does not fit: its id is in `HeadlineIndex::long_ids`.
const LONG_ID: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    id: u32,
    /// Index into `HeadlineIndex::feeds`, shifted by `MARK_BITS`, and the marks.
    feed_and_marks: u32,
}

impl Entry {
    fn feed(&self) -> usize {
        (self.feed_and_marks >> MARK_BITS) as usize
    }
}

/// Every headline of the list, in order: what is needed to order, filter, group and count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadlineIndex {
    entries: Vec<Entry>,
    /// A feed's name and subscribed URL, by `Entry::feed`.
    feeds: Vec<(Arc<str>, Arc<str>)>,
    feed_index: HashMap<Arc<str>, u32>,
    /// The ids that do not fit an entry (none, in practice: SQLite counts ids up from 1), by
    /// position.
    long_ids: HashMap<u32, i64>,
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
        let mut feed_and_marks = feed.min(u32::MAX >> MARK_BITS) << MARK_BITS;
        for (on, flag) in [
            (marks.read, READ),
            (marks.starred, STARRED),
            (marks.listened, LISTENED),
        ] {
            if on {
                feed_and_marks |= flag;
            }
        }
        let short = match u32::try_from(id) {
            Ok(short) if short != LONG_ID => short,
            _ => {
                let at = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.long_ids.insert(at, id);
                LONG_ID
            }
        };
        self.entries.push(Entry {
            id: short,
            feed_and_marks,
        });
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
        match self.entries[i].id {
            LONG_ID => self.long_ids.get(&(i as u32)).copied().unwrap_or(-1),
            short => i64::from(short),
        }
    }

    pub fn read(&self, i: usize) -> bool {
        self.entries[i].feed_and_marks & READ != 0
    }

    pub fn starred(&self, i: usize) -> bool {
        self.entries[i].feed_and_marks & STARRED != 0
    }

    pub fn listened(&self, i: usize) -> bool {
        self.entries[i].feed_and_marks & LISTENED != 0
    }

    /// Headline `i`'s marks.
    pub fn marks(&self, i: usize) -> Marks {
        Marks {
            read: self.read(i),
            starred: self.starred(i),
            listened: self.listened(i),
        }
    }

    fn set(&mut self, i: usize, flag: u32, on: bool) {
        let entry = &mut self.entries[i];
        if on {
            entry.feed_and_marks |= flag;
        } else {
            entry.feed_and_marks &= !flag;
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
        &self.feeds[self.entries[i].feed()].0
    }

    /// The feed's subscribed URL, shared by its headlines.
    pub fn feed_url(&self, i: usize) -> &Arc<str> {
        &self.feeds[self.entries[i].feed()].1
    }

    /// Every feed name the list holds, each once.
    pub fn feed_names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.feeds.iter().map(|(name, _)| name)
    }

    /// The position of headline `id`.
    pub fn position(&self, id: i64) -> Option<usize> {
        match u32::try_from(id) {
            Ok(short) if short != LONG_ID => self.entries.iter().position(|e| e.id == short),
            _ => self
                .long_ids
                .iter()
                .find(|&(_, &long)| long == id)
                .map(|(&at, _)| at as usize),
        }
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
    fn an_entry_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 8);
    }

    #[test]
    fn ids_past_32_bits_read_back() {
        let big = i64::from(u32::MAX) + 7;
        let index: HeadlineIndex = [
            headline(big, "a", true),
            headline(i64::from(u32::MAX), "a", false),
            headline(5, "b", false),
        ]
        .iter()
        .collect();
        assert_eq!(index.id(0), big);
        assert_eq!(index.id(1), i64::from(u32::MAX));
        assert_eq!(index.id(2), 5);
        assert_eq!(index.position(big), Some(0));
        assert_eq!(index.position(i64::from(u32::MAX)), Some(1));
        assert!(index.read(0) && !index.read(1));
        assert_eq!(&**index.feed(2), "b");
    }
}
