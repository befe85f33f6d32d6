//! The headline list as shown: the view's filters (unread only, starred only) with its grouping
//! (newest first, by feed, by tag) laid out in rows; and what the marks of many headlines and
//! the next unread act on, read off those rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::HeadlineIndex;

use super::{AppState, Focus, Group, Grouping, Row};

/// Which headlines the list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub unread_only: bool,
    pub starred_only: bool,
    /// Headlines read or unstarred one by one while listed: they stay until the filter
    /// changes, so that the one being read does not vanish from under the reader.
    pub kept: HashSet<i64>,
}

impl Filter {
    /// Whether the list shows headline `i` of `list`.
    pub fn shows(&self, list: &HeadlineIndex, i: usize) -> bool {
        let kept = || self.kept.contains(&list.id(i));
        (!self.unread_only || !list.read(i) || kept())
            && (!self.starred_only || list.starred(i) || kept())
    }

    pub fn active(&self) -> bool {
        self.unread_only || self.starred_only
    }

    /// What the list is narrowed to, for its title and the status line.
    pub fn describe(&self) -> Option<&'static str> {
        match (self.unread_only, self.starred_only) {
            (false, false) => None,
            (true, false) => Some("unread only"),
            (false, true) => Some("starred only"),
            (true, true) => Some("unread and starred only"),
        }
    }
}

/// What a mark of many headlines covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The selected headline's feed, as far as the view shows it.
    Feed,
    /// The group the selection is in.
    Group,
    /// Everything the view shows.
    View,
}

/// A mark of many headlines, kept so that it can be undone.
#[derive(Debug, Clone, PartialEq)]
pub struct MassMark {
    pub ids: Vec<i64>,
    /// What was marked, for the status line: a feed's or a group's name, or "the view".
    pub what: String,
}

impl AppState {
    /// The rows for the filter and the grouping; headline `keep` selected when it is there,
    /// else the headline nearest the row that was selected.
    pub(super) fn lay_out_rows(&mut self, keep: Option<i64>) {
        // The old rows go first: a long list's rows are not held twice.
        self.rows = Vec::new();
        self.groups = Vec::new();
        let shown = (0..self.headlines.len()).filter(|&i| self.filter.shows(&self.headlines, i));
        self.rows = match self.grouping {
            Grouping::Newest => shown.map(|i| Row::Headline(i as u32)).collect(),
            Grouping::ByFeed => {
                self.shown = shown.count();
                let (rows, groups) = self.feed_rows();
                self.groups = groups;
                rows
            }
            Grouping::ByTag => {
                self.shown = shown.count();
                let (rows, groups) = self.tag_rows();
                self.groups = groups;
                rows
            }
        };
        if self.grouping == Grouping::Newest {
            self.shown = self.rows.len();
        }
        let before = self.selected;
        match keep.and_then(|id| self.row_of(id)) {
            Some(row) => self.selected = row,
            None => {
                self.selected = 0;
                self.select_row(before.min(self.rows.len().saturating_sub(1)), true);
            }
        }
        self.keep_selection_visible();
    }

    /// A group for every subscribed feed, by name: empty and failing ones too, so that a
    /// feed's error can be read. A filtered view leaves out the feeds it shows nothing of,
    /// unless they fail.
    fn feed_rows(&self) -> (Vec<Row>, Vec<Group>) {
        struct Members {
            name: String,
            error: Option<String>,
            all: Vec<usize>,
        }
        let mut groups: BTreeMap<(String, String), Members> = BTreeMap::new();
        let mut key_of: HashMap<&str, (String, String)> = HashMap::new();
        for feed in &self.feeds {
            let key = (feed.name.to_lowercase(), feed.url.clone());
            key_of.insert(feed.url.as_str(), key.clone());
            groups.insert(
                key,
                Members {
                    name: feed.name.clone(),
                    error: feed.last_error.clone(),
                    all: Vec::new(),
                },
            );
        }
        for i in 0..self.headlines.len() {
            let (feed, feed_url) = (self.headlines.feed(i), self.headlines.feed_url(i));
            let key = key_of
                .entry(feed_url)
                .or_insert_with(|| (feed.to_lowercase(), feed_url.to_string()));
            groups
                .entry(key.clone())
                .or_insert_with(|| Members {
                    name: feed.to_string(),
                    error: None,
                    all: Vec::new(),
                })
                .all
                .push(i);
        }
        let (mut rows, mut headers) = (Vec::new(), Vec::new());
        for members in groups.into_values() {
            let shown = self.shown_of(&members.all);
            if self.filter.active() && shown.is_empty() && members.error.is_none() {
                continue;
            }
            let group = (members.name, &members.all[..], members.error);
            self.push_group(&mut rows, &mut headers, group, shown);
        }
        (rows, headers)
    }

    fn tag_rows(&self) -> (Vec<Row>, Vec<Group>) {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut untagged = Vec::new();
        for i in 0..self.headlines.len() {
            match self
                .tags
                .get(&**self.headlines.feed_url(i))
                .filter(|t| !t.is_empty())
            {
                Some(tags) => {
                    for tag in tags {
                        groups.entry(tag.clone()).or_default().push(i);
                    }
                }
                None => untagged.push(i),
            }
        }
        if !untagged.is_empty() {
            groups.insert(String::new(), untagged);
        }
        let (mut rows, mut headers) = (Vec::new(), Vec::new());
        let mut last = None;
        for (tag, all) in groups {
            let shown = self.shown_of(&all);
            if shown.is_empty() {
                continue;
            }
            if tag.is_empty() {
                last = Some((all, shown));
                continue;
            }
            self.push_group(&mut rows, &mut headers, (tag, &all, None), shown);
        }
        // Untagged feeds last, after every tag.
        if let Some((all, shown)) = last {
            let untagged = ("untagged".to_string(), &all[..], None);
            self.push_group(&mut rows, &mut headers, untagged, shown);
        }
        (rows, headers)
    }

    fn shown_of(&self, members: &[usize]) -> Vec<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| self.filter.shows(&self.headlines, i))
            .collect()
    }

    /// A group's header, counting all its headlines, then the rows of those shown.
    fn push_group(
        &self,
        rows: &mut Vec<Row>,
        groups: &mut Vec<Group>,
        (name, all, error): (String, &[usize], Option<String>),
        shown: Vec<usize>,
    ) {
        rows.push(Row::Group(groups.len() as u32));
        groups.push(Group {
            name,
            unread: all.iter().filter(|&&i| !self.headlines.read(i)).count(),
            total: all.len(),
            error,
        });
        rows.extend(shown.into_iter().map(|i| Row::Headline(i as u32)));
    }

    /// The row of the headline the keys act on: the one being read outside the list, else
    /// the selected one.
    fn current_row(&self) -> Option<usize> {
        let reading = self
            .open
            .as_ref()
            .filter(|_| self.showing() != Focus::Headlines)
            .and_then(|o| self.row_of(o.id));
        reading.or_else(|| self.selected_index().map(|_| self.selected))
    }

    /// The row of headline `id`, when the view shows it.
    pub fn row_of(&self, id: i64) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.headline().is_some_and(|i| self.headlines.id(i) == id))
    }

    /// The unread headlines a mark of `scope` covers, and what to call them; or why there
    /// is nothing to mark, for a person.
    pub fn mark_targets(&self, scope: Scope) -> Result<MassMark, String> {
        let at = self.current_row();
        let (what, rows) = match scope {
            Scope::View => (
                self.filter
                    .describe()
                    .map_or("the view".to_string(), |f| format!("the view ({f})")),
                0..self.rows.len(),
            ),
            Scope::Feed => {
                let Some(i) = at.and_then(|r| self.rows.get(r)).and_then(|r| r.headline()) else {
                    return Err("no headline selected".to_string());
                };
                let feed_url = self.headlines.feed_url(i);
                let ids = self.unread_ids(0..self.rows.len(), |o| {
                    self.headlines.feed_url(o) == feed_url
                });
                return Ok(MassMark {
                    ids,
                    what: self.headlines.feed(i).to_string(),
                });
            }
            Scope::Group => {
                if self.grouping == Grouping::Newest {
                    return Err(
                        "newest first has no groups: t groups by feed or tag; M marks the feed"
                            .to_string(),
                    );
                }
                let Some(at) = at else {
                    return Err("no headline selected".to_string());
                };
                let Some((start, group)) = self.rows[..=at]
                    .iter()
                    .enumerate()
                    .rev()
                    .find_map(|(start, r)| Some((start, self.group(*r)?)))
                else {
                    return Err("no group selected".to_string());
                };
                let end = self.rows[start + 1..]
                    .iter()
                    .position(|r| matches!(r, Row::Group(_)))
                    .map_or(self.rows.len(), |n| start + 1 + n);
                (group.name.clone(), start..end)
            }
        };
        Ok(MassMark {
            ids: self.unread_ids(rows, |_| true),
            what,
        })
    }

    /// The unread headlines of `rows` that `wanted` accepts, each once.
    fn unread_ids(&self, rows: std::ops::Range<usize>, wanted: impl Fn(usize) -> bool) -> Vec<i64> {
        let mut seen = HashSet::new();
        let list = &self.headlines;
        self.rows[rows]
            .iter()
            .filter_map(|r| r.headline())
            .filter(|&i| !list.read(i) && wanted(i) && seen.insert(list.id(i)))
            .map(|i| list.id(i))
            .collect()
    }

    /// The row of the next unread headline after the one being read (or from the selected
    /// one, in the list), across groups, round to the top after the last.
    pub fn next_unread_row(&self) -> Option<usize> {
        let reading = self.open.as_ref().map(|o| o.id);
        let start = match self.current_row() {
            // The headline being read is not the next one.
            Some(row)
                if self.rows[row]
                    .headline()
                    .is_some_and(|i| Some(self.headlines.id(i)) == reading) =>
            {
                row + 1
            }
            Some(row) => row,
            None => 0,
        };
        let unread = |r: &usize| {
            self.rows[*r]
                .headline()
                .is_some_and(|i| !self.headlines.read(i))
        };
        (start.min(self.rows.len())..self.rows.len())
            .chain(0..start.min(self.rows.len()))
            .find(unread)
    }
}
