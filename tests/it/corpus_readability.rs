//! Extraction quality over Mozilla's readability test pages (news and blog articles only):
//! token F1 of the text `herald read --json` gives (the real binary, reading the page from its
//! file) against the suite's expected output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common;

use scraper::{Html, Node};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/readability");
const MIN_MEAN_F1: f64 = 0.98;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(CORPUS);
    if dir.join("INDEX.tsv").is_file() {
        return Some(dir.to_path_buf());
    }
    let msg = format!("readability corpus not found at {}", dir.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg} (CI=true: the corpus is required)");
    }
    println!("skipping corpus test: {msg}");
    None
}

/// Lowercase alphanumeric runs.
fn tokens(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for t in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        *counts.entry(t.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// Multiset precision/recall F1.
fn f1(got: &str, want: &str) -> f64 {
    let (g, w) = (tokens(got), tokens(want));
    let common: usize = g
        .iter()
        .map(|(t, n)| (*n).min(w.get(t).copied().unwrap_or(0)))
        .sum();
    let (ng, nw): (usize, usize) = (g.values().sum(), w.values().sum());
    if ng == 0 && nw == 0 {
        return 1.0;
    }
    if common == 0 {
        return 0.0;
    }
    let (p, r) = (common as f64 / ng as f64, common as f64 / nw as f64);
    2.0 * p * r / (p + r)
}

/// The text a reader of expected.html sees: every text node, minus scripts and styles.
fn expected_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.root().descendants() {
        if let Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    matches!(
                        e.name(),
                        "script" | "style" | "noscript" | "template" | "head"
                    )
                })
            });
            if !hidden {
                out.push_str(t);
            }
        }
    }
    out
}

#[test]
fn news_pages_score_a_mean_f1_of_at_least_0_98() {
    let Some(dir) = corpus_dir() else { return };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("read INDEX.tsv");
    let work = common::temp_dir("readability");
    common::write_config(&work, &[], "");
    let mut scores = Vec::new();
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.get(3) != Some(&"yes") {
            continue;
        }
        let page = dir.join(cols[0]);
        let source = page.join("source.html");
        let expected =
            std::fs::read_to_string(page.join("expected.html")).expect("read expected.html");
        let out = common::herald(
            &work,
            &["read", "--json", source.to_str().expect("UTF-8 path")],
        );
        let got = match serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            Ok(article) => article["text"].as_str().unwrap_or_default().to_string(),
            Err(_) => {
                println!(
                    "{:<40} error: {}",
                    cols[0],
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                String::new()
            }
        };
        let score = f1(&got, &expected_text(&expected));
        println!("{:<40} F1 {score:.4}", cols[0]);
        scores.push(score);
    }
    assert!(
        !scores.is_empty(),
        "no news_or_blog_article rows in INDEX.tsv"
    );
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    println!("mean F1 over {} pages: {mean:.4}", scores.len());
    assert!(
        mean >= MIN_MEAN_F1,
        "mean F1 {mean:.4} is below {MIN_MEAN_F1}"
    );
}

#[test]
fn f1_is_a_multiset_measure() {
    assert_eq!(f1("a b c", "c b a"), 1.0);
    assert_eq!(f1("a a", "a"), 2.0 * 0.5 * 1.0 / 1.5);
    assert_eq!(f1("x", "y"), 0.0);
    assert_eq!(f1("", "y"), 0.0);
    assert_eq!(
        expected_text("<p>Hi <b>there</b><script>no</script></p>"),
        "Hi there"
    );
}
