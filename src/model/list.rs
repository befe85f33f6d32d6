//! A long list of headlines held compactly: the app keeps every listed headline in memory,
//! and a [`Headline`] of its own per item (a dozen allocations, most of them repeating what
//! its neighbours say) would make that memory grow several times faster than the archive.
//!
//! Each headline is one fixed-size entry; its texts sit end to end in one shared buffer.
//! What many headlines repeat is kept once: feed names and URLs, authors, the part of a link
//! up to its last `/`, narration media types. A comments address that extends the link is
//! kept as that extension, a date as a number when it reads back exactly. Every headline
//! reads back equal to the one pushed.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Headline, Narration, NarrationSource};

const READ: u16 = 1;
const STARRED: u16 = 2;
const LISTENED: u16 = 4;
/// `Entry::time` holds the date.
const TIME: u16 = 8;
/// The date is the text after the comments address.
const RAW_TIME: u16 = 16;
/// The comments address is the link followed by one of `Tables::comment_tails`.
const COMMENTS_AFTER_LINK: u16 = 32;
/// The comments text is the whole comments address.
const COMMENTS: u16 = 64;
/// The texts are too long for the entry's lengths: they are kept whole in `long`.
const LONG: u16 = 128;
/// The headline has a narration in `narrations`.
const NARRATION: u16 = 256;

/// Where one headline's texts are kept and how long each is: 36 bytes.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// The item's id (one past 32 bits puts its headline in `Tables::long`).
    id: u32,
    /// Seconds since 1970 (with `TIME`).
    time: u32,
    /// Where the title starts in `texts`; the link's tail, the comments text and a raw date
    /// follow it.
    at: u32,
    feed: u32,
    /// Index + 1 into `authors`, 0 for none.
    author: u32,
    /// Index + 1 into `prefixes` of the link's head, 0 for no link.
    link: u32,
    title_len: u16,
    link_len: u16,
    /// The comments text's length (with `COMMENTS`), or the index into
    /// `Tables::comment_tails` of what follows the link (with `COMMENTS_AFTER_LINK`).
    comments_len: u16,
    raw_time_len: u16,
    /// The date's offset from UTC, in minutes (with `TIME`).
    offset: i16,
    flags: u16,
}

#[derive(Debug, Clone, PartialEq)]
struct NarrationEntry {
    /// The position of its headline: narrations are in the list's order.
    position: u32,
    /// Index into `prefixes` of the address's head.
    prefix: u32,
    at: u32,
    len: u16,
    /// Index + 1 into `media_types`, 0 for none.
    media_type: u16,
    source: NarrationSource,
}

/// Texts shared by many headlines, each kept once.
#[derive(Debug, Clone, Default, PartialEq)]
struct Shared {
    all: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32>,
}

impl Shared {
    fn index_of(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        let shared: Arc<str> = Arc::from(text);
        self.all.push(Arc::clone(&shared));
        self.index.insert(shared, i);
        i
    }

    /// Keeps `text` itself when it is already an `Arc`: the store shares one per feed.
    fn index_of_arc(&mut self, text: &Arc<str>) -> u32 {
        if let Some(&i) = self.index.get(&**text) {
            return i;
        }
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        self.all.push(Arc::clone(text));
        self.index.insert(Arc::clone(text), i);
        i
    }

    fn get(&self, i: u32) -> &Arc<str> {
        &self.all[i as usize]
    }
}

/// The headlines of a list, in order, held compactly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadlineList {
    entries: Vec<Entry>,
    texts: String,
    narrations: Vec<NarrationEntry>,
    /// Boxed: the list travels in messages, which stay small.
    tables: Box<Tables>,
}

/// What the entries refer to by number.
#[derive(Debug, Clone, Default, PartialEq)]
struct Tables {
    /// A feed's name and subscribed URL, by `Entry::feed`.
    feeds: Vec<(Arc<str>, Arc<str>)>,
    feed_index: HashMap<(Arc<str>, Arc<str>), u32>,
    authors: Shared,
    prefixes: Shared,
    media_types: Shared,
    /// What comments addresses add to their link (`#comments`, `#respond`).
    comment_tails: Shared,
    /// Headlines whose texts do not fit an entry's lengths, by their position.
    long: HashMap<u32, Box<Headline>>,
}

/// A link's head (up to and with its last `/`) and tail.
fn split_link(link: &str) -> (&str, &str) {
    let at = link.rfind('/').map_or(0, |i| i + 1);
    link.split_at(at)
}

/// The date as seconds and an offset, when writing them back gives the same text.
fn compact_time(date: &str) -> Option<(u32, i16)> {
    let parsed = chrono::DateTime::parse_from_rfc3339(date).ok()?;
    let time = u32::try_from(parsed.timestamp()).ok()?;
    let offset = i16::try_from(parsed.offset().local_minus_utc() / 60).ok()?;
    (parsed.timestamp_subsec_nanos() == 0 && written_time(time, offset).as_deref() == Some(date))
        .then_some((time, offset))
}

/// How much of `texts` an entry's comments address takes.
fn comments_text_len(e: &Entry) -> u32 {
    if e.flags & COMMENTS != 0 {
        u32::from(e.comments_len)
    } else {
        0
    }
}

fn written_time(time: u32, offset: i16) -> Option<String> {
    let offset = chrono::FixedOffset::east_opt(i32::from(offset) * 60)?;
    Some(
        chrono::DateTime::from_timestamp(i64::from(time), 0)?
            .with_timezone(&offset)
            .to_rfc3339(),
    )
}

impl HeadlineList {
    pub fn new() -> HeadlineList {
        HeadlineList::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `h` at the end of the list.
    pub fn push(&mut self, h: &Headline) {
        let feed_key = (Arc::clone(&h.feed), Arc::clone(&h.feed_url));
        let feed = match self.tables.feed_index.get(&feed_key) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.tables.feeds.len()).unwrap_or(u32::MAX);
                self.tables.feeds.push(feed_key.clone());
                self.tables.feed_index.insert(feed_key, i);
                i
            }
        };
        let mut entry = Entry {
            id: u32::try_from(h.id).unwrap_or(0),
            time: 0,
            at: 0,
            feed,
            author: 0,
            link: 0,
            title_len: 0,
            link_len: 0,
            comments_len: 0,
            raw_time_len: 0,
            offset: 0,
            flags: 0,
        };
        for (set, flag) in [(h.read, READ), (h.starred, STARRED), (h.listened, LISTENED)] {
            if set {
                entry.flags |= flag;
            }
        }
        let fits = |s: Option<&str>| s.is_none_or(|s| s.len() <= usize::from(u16::MAX));
        let texts_fit = [
            Some(h.title.as_str()),
            h.link.as_deref(),
            h.comments_url.as_deref(),
            h.published.as_deref(),
            h.narration.as_ref().map(|n| n.url.as_str()),
        ]
        .into_iter()
        .all(fits);
        let position = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let at = u32::try_from(self.texts.len()).ok();
        let (true, Some(at), Ok(_)) = (texts_fit, at, u32::try_from(h.id)) else {
            entry.flags |= LONG;
            self.tables.long.insert(position, Box::new(h.clone()));
            self.entries.push(entry);
            return;
        };
        entry.at = at;
        entry.author = h
            .author
            .as_ref()
            .map_or(0, |a| self.tables.authors.index_of_arc(a) + 1);
        self.texts.push_str(&h.title);
        entry.title_len = h.title.len() as u16;
        if let Some(link) = &h.link {
            let (head, tail) = split_link(link);
            entry.link = self.tables.prefixes.index_of(head) + 1;
            self.texts.push_str(tail);
            entry.link_len = tail.len() as u16;
        }
        if let Some(comments) = &h.comments_url {
            let tail = h
                .link
                .as_deref()
                .and_then(|l| comments.strip_prefix(l))
                .and_then(|tail| u16::try_from(self.tables.comment_tails.index_of(tail)).ok());
            match tail {
                Some(tail) => {
                    entry.flags |= COMMENTS_AFTER_LINK;
                    entry.comments_len = tail;
                }
                None => {
                    entry.flags |= COMMENTS;
                    self.texts.push_str(comments);
                    entry.comments_len = comments.len() as u16;
                }
            }
        }
        if let Some(date) = &h.published {
            match compact_time(date) {
                Some((time, offset)) => {
                    entry.flags |= TIME;
                    (entry.time, entry.offset) = (time, offset);
                }
                None => {
                    entry.flags |= RAW_TIME;
                    self.texts.push_str(date);
                    entry.raw_time_len = date.len() as u16;
                }
            }
        }
        if let Some(n) = &h.narration {
            let (head, tail) = split_link(&n.url);
            let narration = NarrationEntry {
                position,
                prefix: self.tables.prefixes.index_of(head),
                at: u32::try_from(self.texts.len()).unwrap_or(u32::MAX),
                len: tail.len() as u16,
                media_type: n.media_type.as_deref().map_or(0, |m| {
                    u16::try_from(self.tables.media_types.index_of(m) + 1).unwrap_or(0)
                }),
                source: n.source,
            };
            self.texts.push_str(tail);
            self.narrations.push(narration);
            entry.flags |= NARRATION;
        }
        self.entries.push(entry);
    }

    fn text(&self, at: u32, len: u16) -> &str {
        let at = at as usize;
        self.texts.get(at..at + usize::from(len)).unwrap_or("")
    }

    fn long(&self, i: usize) -> Option<&Headline> {
        let entry = &self.entries[i];
        (entry.flags & LONG != 0)
            .then(|| self.tables.long.get(&(i as u32)).map(|h| &**h))
            .flatten()
    }

    pub fn id(&self, i: usize) -> i64 {
        match self.long(i) {
            Some(h) => h.id,
            None => i64::from(self.entries[i].id),
        }
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

    fn set(&mut self, i: usize, flag: u16, on: bool) {
        let entry = &mut self.entries[i];
        if on {
            entry.flags |= flag;
        } else {
            entry.flags &= !flag;
        }
        if entry.flags & LONG != 0
            && let Some(h) = self.tables.long.get_mut(&(i as u32))
        {
            match flag {
                READ => h.read = on,
                STARRED => h.starred = on,
                _ => h.listened = on,
            }
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

    pub fn title(&self, i: usize) -> &str {
        match self.long(i) {
            Some(h) => &h.title,
            None => self.text(self.entries[i].at, self.entries[i].title_len),
        }
    }

    /// The feed's name, shared by its headlines.
    pub fn feed(&self, i: usize) -> &Arc<str> {
        &self.tables.feeds[self.entries[i].feed as usize].0
    }

    /// The feed's subscribed URL, shared by its headlines.
    pub fn feed_url(&self, i: usize) -> &Arc<str> {
        &self.tables.feeds[self.entries[i].feed as usize].1
    }

    pub fn has_link(&self, i: usize) -> bool {
        match self.long(i) {
            Some(h) => h.link.is_some(),
            None => self.entries[i].link != 0,
        }
    }

    pub fn has_narration(&self, i: usize) -> bool {
        match self.long(i) {
            Some(h) => h.narration.is_some(),
            None => self.entries[i].flags & NARRATION != 0,
        }
    }

    pub fn published(&self, i: usize) -> Option<String> {
        if let Some(h) = self.long(i) {
            return h.published.clone();
        }
        let e = &self.entries[i];
        if e.flags & TIME != 0 {
            written_time(e.time, e.offset)
        } else if e.flags & RAW_TIME != 0 {
            let at = e.at + u32::from(e.title_len) + u32::from(e.link_len);
            Some(
                self.text(at + comments_text_len(e), e.raw_time_len)
                    .to_string(),
            )
        } else {
            None
        }
    }

    pub fn link(&self, i: usize) -> Option<String> {
        if let Some(h) = self.long(i) {
            return h.link.clone();
        }
        let e = &self.entries[i];
        let head = e.link.checked_sub(1)?;
        let tail = self.text(e.at + u32::from(e.title_len), e.link_len);
        Some(format!("{}{tail}", self.tables.prefixes.get(head)))
    }

    /// Headline `i` whole, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<Headline> {
        let e = self.entries.get(i)?;
        if let Some(h) = self.long(i) {
            return Some(h.clone());
        }
        let link = self.link(i);
        let comments_at = e.at + u32::from(e.title_len) + u32::from(e.link_len);
        let comments_url = if e.flags & COMMENTS_AFTER_LINK != 0 {
            let tail = self.tables.comment_tails.get(u32::from(e.comments_len));
            link.as_deref().map(|l| format!("{l}{tail}"))
        } else if e.flags & COMMENTS != 0 {
            Some(self.text(comments_at, e.comments_len).to_string())
        } else {
            None
        };
        let narration = (e.flags & NARRATION != 0).then_some(()).and_then(|()| {
            let at = self
                .narrations
                .binary_search_by_key(&(i as u32), |n| n.position)
                .ok()?;
            let n = &self.narrations[at];
            Some(Box::new(Narration {
                url: format!(
                    "{}{}",
                    self.tables.prefixes.get(n.prefix),
                    self.text(n.at, n.len)
                ),
                media_type: n
                    .media_type
                    .checked_sub(1)
                    .map(|m| self.tables.media_types.get(u32::from(m)).to_string()),
                source: n.source,
            }))
        });
        let (feed, feed_url) = &self.tables.feeds[e.feed as usize];
        Some(Headline {
            id: i64::from(e.id),
            feed: Arc::clone(feed),
            feed_url: Arc::clone(feed_url),
            title: self.title(i).to_string(),
            link,
            author: e
                .author
                .checked_sub(1)
                .map(|a| Arc::clone(self.tables.authors.get(a))),
            published: self.published(i),
            read: self.read(i),
            starred: self.starred(i),
            listened: self.listened(i),
            comments_url,
            narration,
        })
    }

    /// The position of headline `id`.
    pub fn position(&self, id: i64) -> Option<usize> {
        match u32::try_from(id) {
            Ok(short) => (0..self.len()).find(|&i| {
                let e = &self.entries[i];
                (e.id == short && e.flags & LONG == 0) || self.long(i).is_some_and(|h| h.id == id)
            }),
            Err(_) => (0..self.len()).find(|&i| self.long(i).is_some_and(|h| h.id == id)),
        }
    }

    /// Every headline, whole, in order.
    pub fn iter(&self) -> impl Iterator<Item = Headline> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    pub fn to_vec(&self) -> Vec<Headline> {
        self.iter().collect()
    }

    /// Gives the memory reserved for growth back.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        self.texts.shrink_to_fit();
        self.narrations.shrink_to_fit();
    }
}

impl From<Vec<Headline>> for HeadlineList {
    fn from(headlines: Vec<Headline>) -> HeadlineList {
        headlines.into_iter().collect()
    }
}

impl FromIterator<Headline> for HeadlineList {
    fn from_iter<I: IntoIterator<Item = Headline>>(headlines: I) -> HeadlineList {
        let mut list = HeadlineList::new();
        for h in headlines {
            list.push(&h);
        }
        list.shrink_to_fit();
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_small_as_there_is_one_per_headline() {
        assert!(std::mem::size_of::<Entry>() <= 36);
    }

    fn headline(id: i64) -> Headline {
        Headline {
            id,
            feed: "Gazette".into(),
            feed_url: "https://gazette.example/feed".into(),
            title: format!("Story {id}"),
            link: Some(format!("https://gazette.example/2026/12/{id}.html")),
            author: Some("Ada".into()),
            published: Some("2026-12-03T08:30:00+01:00".into()),
            read: false,
            starred: false,
            listened: false,
            comments_url: Some(format!(
                "https://gazette.example/2026/12/{id}.html#comments"
            )),
            narration: None,
        }
    }

    #[test]
    fn every_headline_reads_back_as_it_was_pushed() {
        let mut odd = headline(2);
        odd.published = Some("Tue, 02 Dec 2026 10:00:00 GMT".into());
        odd.comments_url = Some("https://talk.example/t/2".into());
        odd.link = Some("no-slash".into());
        odd.read = true;
        odd.starred = true;
        odd.narration = Some(Box::new(Narration {
            url: "https://cdn.example/a/2.mp3".into(),
            media_type: Some("audio/mpeg".into()),
            source: NarrationSource::FeedEnclosure,
        }));
        let mut bare = headline(3);
        (bare.link, bare.comments_url, bare.author, bare.published) = (None, None, None, None);
        bare.comments_url = Some("https://talk.example/t/3".into());
        bare.listened = true;
        let mut long = headline(4);
        long.title = "x".repeat(70_000);
        let mut fraction = headline(5);
        fraction.published = Some("2026-12-03T08:30:00.250Z".into());
        let mut zulu = headline(6);
        zulu.published = Some("2026-12-03T08:30:00Z".into());
        let mut ancient = headline(7);
        ancient.published = Some("1901-01-01T00:00:00+00:00".into());
        let mut heard = headline(8);
        heard.narration = Some(Box::new(Narration {
            url: "https://cdn.example/a/8.mp3".into(),
            media_type: None,
            source: NarrationSource::AudioElement,
        }));
        let huge_id = headline(i64::from(u32::MAX) + 7);
        let all = vec![
            huge_id,
            headline(1),
            odd,
            bare,
            long,
            fraction,
            zulu,
            ancient,
            heard,
            headline(9),
        ];
        let list = HeadlineList::from(all.clone());
        assert_eq!(list.to_vec(), all);
        assert_eq!(list.len(), 10);
        assert_eq!(list.title(4).len(), 70_000);
        assert_eq!(list.position(5), Some(5));
        assert_eq!(list.position(i64::from(u32::MAX) + 7), Some(0));
        assert_eq!(list.id(0), i64::from(u32::MAX) + 7);
        assert!(list.has_narration(2) && !list.has_narration(1));
    }

    #[test]
    fn marks_change_in_place() {
        let mut long = headline(2);
        long.link = Some(format!("https://gazette.example/{}", "p".repeat(70_000)));
        let mut list = HeadlineList::from(vec![headline(1), long]);
        for i in 0..2 {
            list.set_read(i, true);
            list.set_starred(i, true);
            list.set_listened(i, true);
            list.set_starred(i, false);
            let h = list.get(i).expect("listed");
            assert!(h.read && h.listened && !h.starred);
            assert!(list.read(i) && list.listened(i) && !list.starred(i));
        }
    }

    #[test]
    fn a_feeds_headlines_share_its_name() {
        let list = HeadlineList::from(vec![headline(1), headline(2)]);
        assert!(Arc::ptr_eq(list.feed(0), list.feed(1)));
        assert_eq!(&**list.feed_url(1), "https://gazette.example/feed");
    }
}
