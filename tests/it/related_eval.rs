//! How well other coverage is found: invented stories, each reported by two to four outlets in
//! their own words (tests/data/related/stories.json), among hundreds of items that share their
//! places, topics and some names but not their stories. Every report of a story asks for its
//! other coverage; so do stories only one outlet has and near misses, which count against
//! precision when anything is found for them.
//!
//! `cargo test --test it related_eval:: -- --nocapture` prints the figures.

use std::collections::{BTreeSet, HashMap};

use chrono::TimeZone;
use herald::net::Validators;
use herald::source::feed::FeedItem;
use herald::store::{FeedUpdate, RELATED_LIMIT, Store};

use crate::common;

/// 2026-11-01T00:00:00Z: day 0 of the invented month.
const START: i64 = 1_793_491_200;
/// Unrelated items, made from the word lists below.
const BACKGROUND: usize = 320;

#[derive(serde::Deserialize)]
struct Data {
    stories: Vec<Story>,
    singles: Vec<Item>,
    near_misses: Vec<Item>,
}

#[derive(serde::Deserialize)]
struct Story {
    day: i64,
    reports: Vec<Item>,
}

#[derive(serde::Deserialize, Clone)]
struct Item {
    feed: String,
    #[serde(default)]
    day: i64,
    hour: i64,
    title: String,
    summary: String,
}

fn feed_url(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("https://{slug}.example/rss")
}

/// The archive: every item under its outlet's feed, with its link; returns the store, the
/// subscribed feeds and each item's link by its place (story, report) or single/near miss.
struct Archive {
    store: Store,
    subscribed: Vec<String>,
    /// Item ids by link.
    ids: HashMap<String, i64>,
}

fn build(items: &[(String, Item)]) -> Archive {
    let mut store = Store::in_memory().expect("store");
    let mut by_feed: HashMap<String, Vec<FeedItem>> = HashMap::new();
    for (link, item) in items {
        let published = chrono::Utc
            .timestamp_opt(START + item.day * 86_400 + item.hour * 3_600, 0)
            .single();
        by_feed
            .entry(item.feed.clone())
            .or_default()
            .push(FeedItem {
                key: link.clone(),
                link: Some(link.clone()),
                title: item.title.clone(),
                author: None,
                published,
                summary: Some(item.summary.clone()),
                content_html: None,
                comments_url: None,
                comments_feed: None,
                enclosures: Vec::new(),
                narration: None,
            });
    }
    let names: Vec<String> = by_feed.keys().cloned().collect();
    let subscribed: Vec<String> = names.iter().map(|n| feed_url(n)).collect();
    let feeds = store.sync_feeds(&subscribed).expect("feeds");
    for (name, feed) in names.iter().zip(&feeds) {
        let update = FeedUpdate::Fresh {
            feed_url: None,
            title: Some(name.clone()),
            validators: Validators::default(),
            items: by_feed.remove(name).unwrap_or_default(),
        };
        store.write_feed(feed.id, &update).expect("write");
    }
    let ids = items
        .iter()
        .map(|(link, _)| {
            let id = store.item_by_link(link).expect("read").expect("item").id;
            (link.clone(), id)
        })
        .collect();
    Archive {
        store,
        subscribed,
        ids,
    }
}

fn load() -> Data {
    let path = common::root().join("tests/data/related/stories.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/related/stories.json");
    serde_json::from_str(&text).expect("the stories read")
}

/// A deterministic stream of numbers (a linear congruential generator): the same background
/// every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "Lowmoor", "Ashby", "Fenwick", "Dunmore", "Marlow", "Holm", "Tarrant", "Wickham", "Carrick",
    "Elmstead", "Brackley", "Millbank", "Oakhurst", "Redhill", "Stanway", "Beckford", "Thornbury",
    "Glenholm", "Kirkby", "Saltmarsh",
];

#[rustfmt::skip]
const PEOPLE: &[&str] = &[
    "Siobhan Brennan", "Tunde Okafor", "Margaret Hale", "Ravi Menon", "Agnes Quist",
    "Tom Whitlock", "Yusuf Demir", "Clara Voss", "Owen Price", "Hana Sato", "Peter Lund",
    "Grace Mbeki", "Liam Doyle", "Nadia Petrov", "Ewan Reid", "Sofia Marin",
];

/// Background topics: titles and summaries with a place ({p}), a person ({n}) and a number
/// ({k}). Some share the stories' vocabulary (bridges, floods, fires, strikes, ferries,
/// hospitals, schools) without being their stories.
#[rustfmt::skip]
const TOPICS: &[(&str, &str)] = &[
    ("{p} library extends its opening hours",
     "The library in {p} will stay open until eight on weekday evenings from next month, the council said."),
    ("New playground for {p} primary school",
     "Pupils at {p} primary helped design a playground paid for by a parents' appeal that raised {k} thousand pounds."),
    ("Roadworks to close {p} high street for {k} weeks",
     "Gas pipe replacement will shut the high street in {p} to through traffic, with diversions signed."),
    ("{p} cricket club marks its centenary",
     "Members of the {p} cricket club celebrated a hundred years with a match against a touring side."),
    ("Police appeal after burglary at {p} jeweller",
     "Thieves took watches worth {k} thousand pounds from a shop in {p}; officers want to hear from witnesses."),
    ("{p} farmers' market moves to Saturdays",
     "Traders at the {p} market said a weekend slot would bring more shoppers."),
    ("{n} named {p} citizen of the year",
     "{n} was honoured for {k} years of volunteering at the {p} food bank."),
    ("Cycle lanes planned for {p} ring road",
     "Consultation opens on protected cycle lanes along the {p} ring road, costing {k} million pounds."),
    ("{p} swimming pool to shut for repairs",
     "The pool in {p} will close for {k} weeks while its roof and changing rooms are repaired."),
    ("Birdwatchers count {k} species at {p} reserve",
     "Volunteers recorded {k} species of bird at the {p} nature reserve during the annual survey."),
    ("{p} church bells ring again after restoration",
     "The bells of the parish church in {p} rang out for the first time in {k} years after being recast."),
    ("Plans for {k} homes in {p} submitted",
     "A developer has applied to build {k} homes on fields at the edge of {p}, including affordable housing."),
    ("{p} Athletic sign striker {n}",
     "{p} Athletic have signed {n} on a two year contract after a trial."),
    ("Care home in {p} praised by inspectors",
     "Inspectors rated a care home in {p} outstanding, praising its kind staff and activities."),
    ("Dog show raises money for {p} hospice",
     "More than {k} dogs entered a fun show that raised money for the hospice in {p}."),
    ("Pothole complaints double in {p}",
     "Drivers in {p} reported {k} potholes this winter, twice as many as last year."),
    ("{p} theatre announces spring season",
     "The theatre in {p} will stage {k} productions this spring, including a new comedy by {n}."),
    ("Street lights dimmed in {p} to save energy",
     "The council will dim street lights in {p} after midnight to cut its electricity bill."),
    ("Faster broadband reaches {p}",
     "Homes in {p} can now order full fibre broadband after engineers laid {k} kilometres of cable."),
    ("{p} brewery to create {k} jobs",
     "A brewery in {p} will hire {k} people as it opens a second brewhouse."),
    ("Volunteers plant {k} trees in {p} woods",
     "Families planted {k} oak and birch saplings in the woods above {p}."),
    ("Speed cameras on {p} road after crashes",
     "Average speed cameras will be installed on the road into {p} after a series of crashes."),
    ("{p} post office to close",
     "The post office in {p} will close next month; services will move to a nearby shop."),
    ("Local artists exhibit in {p}",
     "Paintings and pottery by {k} local artists are on show at the {p} gallery until January."),
    ("Weight limit for old {p} bridge",
     "Lorries will be banned from the old bridge in {p} after an inspection found worn bearings."),
    ("Flood alert for low lying parts of {p}",
     "River levels near {p} are rising after heavy rain and residents are told to be ready to move belongings."),
    ("Chimney fire damages {p} cottage",
     "Firefighters were called to a cottage in {p} where a chimney fire spread into the roof."),
    ("Bus drivers in {p} to vote on strike",
     "Drivers at the {p} depot will vote on strike action over a pay offer of {k} percent."),
    ("{p} hospital ward reopens after refurbishment",
     "A ward at the hospital in {p} reopened with {k} beds after a year of work."),
    ("Winter ferry timetable for {p}",
     "Fewer sailings will leave {p} harbour from November under the winter timetable."),
    ("Inspectors praise {p} primary school",
     "Inspectors rated the primary school in {p} good, praising its reading lessons."),
    ("{p} council agrees its budget",
     "Councillors in {p} agreed a budget that protects libraries but cuts grass cutting."),
    ("Factory in {p} wins export award",
     "A firm making pumps in {p} won an export award after sales abroad grew by {k} percent."),
];

/// The background items: each place and topic paired at most once, spread over the month
/// and the outlets.
fn background(outlets: &[String]) -> Vec<(String, Item)> {
    let mut dice = Dice(20_261_203);
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut items = Vec::new();
    while items.len() < BACKGROUND {
        let (p, t) = (dice.below(PLACES.len()), dice.below(TOPICS.len()));
        if !pairs.insert((p, t)) {
            continue;
        }
        let fill = |s: &str, dice: &mut Dice| {
            s.replace("{p}", PLACES[p])
                .replace("{n}", PEOPLE[dice.below(PEOPLE.len())])
                .replace("{k}", &(2 + dice.below(60)).to_string())
        };
        let k = dice.0;
        let title = fill(TOPICS[t].0, &mut dice);
        dice.0 = k;
        let summary = fill(TOPICS[t].1, &mut dice);
        let item = Item {
            feed: outlets[dice.below(outlets.len())].clone(),
            day: dice.below(27) as i64,
            hour: dice.below(24) as i64,
            title,
            summary,
        };
        items.push((format!("https://background.example/{}", items.len()), item));
    }
    items
}

#[test]
fn other_coverage_is_found_precisely_and_mostly() {
    let data = load();
    let mut items: Vec<(String, Item)> = Vec::new();
    // Each report of story s: its link, and the links of its other reports.
    let mut expected: Vec<(String, BTreeSet<String>)> = Vec::new();
    for (s, story) in data.stories.iter().enumerate() {
        let links: Vec<String> = (0..story.reports.len())
            .map(|r| format!("https://story.example/{s}/{r}"))
            .collect();
        let feeds: BTreeSet<&str> = story.reports.iter().map(|r| r.feed.as_str()).collect();
        assert_eq!(
            feeds.len(),
            story.reports.len(),
            "story {s}: one report per outlet"
        );
        for (report, link) in story.reports.iter().zip(&links) {
            let mut item = report.clone();
            item.day = story.day;
            items.push((link.clone(), item));
            let others = links.iter().filter(|l| *l != link).cloned().collect();
            expected.push((link.clone(), others));
        }
    }
    let alone: Vec<String> = (0..data.singles.len())
        .map(|n| format!("https://single.example/{n}"))
        .chain((0..data.near_misses.len()).map(|n| format!("https://near.example/{n}")))
        .collect();
    for (link, item) in alone
        .iter()
        .zip(data.singles.iter().chain(&data.near_misses))
    {
        items.push((link.clone(), item.clone()));
    }
    let outlets: Vec<String> = items
        .iter()
        .map(|(_, i)| i.feed.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    items.extend(background(&outlets));
    assert!(data.stories.len() >= 20 && items.len() >= expected.len() + 300);
    let archive = build(&items);
    let link_of: HashMap<i64, &String> = archive.ids.iter().map(|(l, id)| (*id, l)).collect();
    let found = |link: &str| -> Vec<String> {
        let related = archive
            .store
            .related_to_item(&archive.subscribed, archive.ids[link], RELATED_LIMIT)
            .expect("related");
        assert!(related.len() <= RELATED_LIMIT);
        assert!(
            related.windows(2).all(|w| w[0].score >= w[1].score),
            "best first"
        );
        related
            .iter()
            .map(|r| link_of[&r.headline.id].clone())
            .collect()
    };
    let (mut shown, mut right, mut wanted) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for (link, others) in &expected {
        let got = found(link);
        shown += got.len();
        right += got.iter().filter(|g| others.contains(*g)).count();
        wanted += others.len().min(RELATED_LIMIT);
        for g in got.iter().filter(|g| !others.contains(*g)) {
            misses.push(format!("{link} showed {g}"));
        }
    }
    let mut quiet = 0;
    for link in &alone {
        let got = found(link);
        shown += got.len();
        if got.is_empty() {
            quiet += 1;
        }
        for g in got {
            misses.push(format!("{link} (alone) showed {g}"));
        }
    }
    let precision = right as f64 / shown.max(1) as f64;
    let recall = right as f64 / wanted as f64;
    println!(
        "other coverage: {} stories, {} reports, {} items in all; {shown} shown, {right} right, \
         {wanted} wanted; precision {precision:.3}, recall {recall:.3}; {quiet} of {} items \
         with no other coverage showed none",
        data.stories.len(),
        expected.len(),
        items.len(),
        alone.len()
    );
    for miss in &misses {
        println!("  wrong: {miss}");
    }
    assert!(precision >= 0.8, "precision {precision:.3}");
    assert!(recall >= 0.6, "recall {recall:.3}");
    // Stories only one outlet has show nothing, one after the other.
    for n in 0..data.singles.len() {
        let link = format!("https://single.example/{n}");
        assert_eq!(
            found(&link),
            Vec::<String>::new(),
            "{}",
            data.singles[n].title
        );
    }
}
