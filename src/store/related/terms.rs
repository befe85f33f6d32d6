//! The pure part of finding other coverage: a story's words as weighted stems, and how alike
//! two stories are. No SQL here: the document frequencies come from the caller.

use std::collections::HashMap;

/// A title's words count this many times a word of the opening text.
pub const TITLE_WEIGHT: f64 = 2.0;
/// Words of the opening text of a saved article that are taken (after the summary).
pub const LEAD_WORDS: usize = 60;

/// Words that say nothing about which story it is.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "last", "least", "less", "like", "made", "make", "many", "may", "me", "more",
    "most", "much", "must", "my", "new", "next", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "said", "same",
    "says", "say", "she", "should", "since", "so", "some", "still", "such", "than", "that", "the",
    "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "two", "under", "until", "up", "upon", "us", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "without",
    "would", "yet", "you", "your", "yours", "week", "year", "years", "today", "yesterday",
    "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "morning", "evening", "night", "first", "three", "four", "five", "told", "according", "around",
    "across", "among", "news", "report", "reports", "reported",
];

/// The lower-cased words of `text`, as the index splits them: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// A light stem, so that `closed`, `closes` and `closure`'s neighbours `closing` meet: common
/// endings go, and a final `e`. Numbers and short words stay as they are.
pub fn stem(word: &str) -> String {
    if word.chars().count() <= 3 || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    const ENDINGS: &[(&str, &str)] = &[
        ("ations", ""),
        ("ation", ""),
        ("ating", ""),
        ("ated", ""),
        ("ates", ""),
        ("ate", ""),
        ("ings", ""),
        ("ing", ""),
        ("ied", "y"),
        ("ies", "y"),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
        ("s", ""),
    ];
    let mut stem = word.to_string();
    for (ending, instead) in ENDINGS {
        if let Some(base) = word.strip_suffix(ending) {
            let kept_s = *ending == "s" && ["ss", "us", "is"].iter().any(|e| word.ends_with(e));
            if base.chars().count() >= 3 && !kept_s {
                stem = format!("{base}{instead}");
                break;
            }
        }
    }
    if stem.chars().count() >= 4 && stem.ends_with('e') {
        stem.pop();
    }
    stem
}

/// The stems of a story that may tell it apart, with the weight of where they were found.
pub fn stems(title: &str, lead: &str) -> HashMap<String, f64> {
    let mut found: HashMap<String, f64> = HashMap::new();
    for (text, weight) in [(title, TITLE_WEIGHT), (lead, 1.0)] {
        for word in words(text) {
            if word.chars().count() < 2 || STOPWORDS.contains(&word.as_str()) {
                continue;
            }
            let w = found.entry(stem(&word)).or_insert(0.0);
            *w = w.max(weight);
        }
    }
    found
}

/// The opening text of a story: its summary, then the first words of its saved article.
pub fn lead(summary: Option<&str>, article: Option<&str>) -> String {
    let mut lead = summary.unwrap_or_default().to_string();
    if let Some(article) = article {
        for word in article.split_whitespace().take(LEAD_WORDS) {
            lead.push(' ');
            lead.push_str(word);
        }
    }
    lead
}

/// How rare a stem is in an archive of `total` items, `docs` of which hold it (BM25's idf).
pub fn rarity(docs: u64, total: u64) -> f64 {
    let (n, df) = (total as f64, docs.min(total) as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A story's stems weighted by where they were found and how rare they are.
pub type Profile = HashMap<String, f64>;

/// Weighs `stems` by `rarity`; stems the archive does not hold are left out.
pub fn profile(stems: &HashMap<String, f64>, rarity: impl Fn(&str) -> Option<f64>) -> Profile {
    stems
        .iter()
        .filter_map(|(s, w)| rarity(s).map(|r| (s.clone(), w * r)))
        .collect()
}

/// The `n` stems that weigh most, heaviest first (ties by the stem, so the choice is stable).
pub fn heaviest(profile: &Profile, n: usize) -> Vec<&str> {
    let mut all: Vec<(&str, f64)> = profile.iter().map(|(s, w)| (s.as_str(), *w)).collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    all.into_iter().take(n).map(|(s, _)| s).collect()
}

/// How alike two stories are, from 0 to 1: the cosine of their profiles.
pub fn likeness(a: &Profile, b: &Profile) -> f64 {
    let dot: f64 = a.iter().filter_map(|(s, w)| b.get(s).map(|v| w * v)).sum();
    let norm = |p: &Profile| p.values().map(|w| w * w).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na * nb)
}

/// How alike two stories stay once the `n` stems they share most strongly are set aside: a
/// place or a name they have in common is not yet the same story; agreeing beyond it is.
pub fn likeness_beyond(a: &Profile, b: &Profile, n: usize) -> f64 {
    let mut shared: Vec<(&str, f64)> = a
        .iter()
        .filter_map(|(s, w)| b.get(s).map(|v| (s.as_str(), w * v)))
        .collect();
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    let aside: Vec<&str> = shared.iter().take(n).map(|(s, _)| *s).collect();
    let without = |p: &Profile| -> Profile {
        p.iter()
            .filter(|(s, _)| !aside.contains(&s.as_str()))
            .map(|(s, w)| (s.clone(), *w))
            .collect()
    };
    likeness(&without(a), &without(b))
}

/// A link as it names an article: without scheme, `www.`, query, fragment or final slash, so
/// that the same article reached two ways is known to be the same.
pub fn link_key(link: &str) -> String {
    let link = link.trim();
    let link = link.split_once("://").map_or(link, |(_, rest)| rest);
    let link = link.strip_prefix("www.").unwrap_or(link);
    let link = link.split(['?', '#']).next().unwrap_or(link);
    link.trim_end_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_share_a_stem() {
        for group in [
            &["close", "closed", "closes", "closing"][..],
            &["flood", "floods", "flooded", "flooding"],
            &["evacuate", "evacuated", "evacuation", "evacuating"],
            &["ferry", "ferries"],
            &["house", "houses", "housing"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(stems.iter().all(|s| *s == stems[0]), "{group:?}: {stems:?}");
        }
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("class"), "class");
        assert_eq!(stem("2026"), "2026");
        assert_ne!(stem("court"), stem("course"));
    }

    #[test]
    fn stopwords_and_single_letters_are_left_out_and_titles_weigh_more() {
        let s = stems(
            "The Bridge is closed",
            "Engineers closed the bridge on Monday, a day early",
        );
        assert_eq!(s.get("bridg"), Some(&TITLE_WEIGHT));
        assert_eq!(s.get("engineer"), Some(&1.0));
        assert_eq!(s.get("clos"), Some(&TITLE_WEIGHT));
        for gone in ["the", "is", "on", "monday", "a"] {
            assert!(!s.contains_key(gone), "{gone}");
        }
    }

    #[test]
    fn likeness_is_one_for_the_same_story_and_zero_for_nothing_shared() {
        let a = profile(&stems("Kestrel bridge closed", "cracks found"), |_| {
            Some(1.0)
        });
        let b = profile(&stems("Harvest festival", "pumpkins"), |_| Some(1.0));
        assert!((likeness(&a, &a) - 1.0).abs() < 1e-9);
        assert_eq!(likeness(&a, &b), 0.0);
        assert_eq!(likeness(&a, &Profile::new()), 0.0);
        let c = profile(&stems("Cracks close Kestrel bridge", ""), |_| Some(1.0));
        let l = likeness(&a, &c);
        assert!(l > 0.5 && l < 1.0, "{l}");
        // Beyond the four stems they share, nothing is alike.
        assert!(likeness_beyond(&a, &c, 3) > 0.0);
        assert_eq!(likeness_beyond(&a, &c, 4), 0.0);
        assert!(likeness_beyond(&a, &a, 1) > 0.9);
    }

    #[test]
    fn rarer_stems_weigh_more() {
        assert!(rarity(1, 1000) > rarity(100, 1000));
        assert!(rarity(1000, 1000) > 0.0);
        assert!(
            rarity(5000, 1000) > 0.0,
            "a count past the total is the total"
        );
        let p = profile(&stems("kestrel harbour", ""), |s| {
            Some(if s == "kestrel" { 3.0 } else { 1.0 })
        });
        assert_eq!(heaviest(&p, 1), vec!["kestrel"]);
    }

    #[test]
    fn the_same_article_reached_two_ways_has_one_key() {
        assert_eq!(
            link_key("https://www.news.example/a/b/?utm=x#top"),
            link_key("http://news.example/a/b")
        );
        assert_ne!(
            link_key("https://news.example/a"),
            link_key("https://news.example/b")
        );
    }

    #[test]
    fn the_lead_is_the_summary_then_the_article_s_first_words() {
        let article = (0..100)
            .map(|n| format!("w{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let lead = lead(Some("Summary."), Some(&article));
        assert!(lead.starts_with("Summary. w0 w1"));
        assert_eq!(lead.split_whitespace().count(), 1 + LEAD_WORDS);
        assert_eq!(super::lead(None, None), "");
    }
}
