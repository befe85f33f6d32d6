//! A hostile page of 100 000 nested `<div>`s: no stack overflow, bounded memory (its time is
//! measured by `cargo bench --bench pipeline`). In its own test binary so the process's peak
//! memory is this test's alone.

use herald::article::Article;
use url::Url;

/// Peak resident memory of this process (Linux), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

#[test]
fn hundred_thousand_nested_divs() {
    let n = 100_000;
    let html = format!(
        "<html><body>{}<p>deep</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let url = Url::parse("http://example.com/deep").expect("url");
    let article = Article::from_page(&html, &url).expect("the text is still found");
    let lines = article.render(80).lines;
    assert_eq!(article.paragraphs, ["deep"]);
    assert!(lines.iter().any(|l| l.text() == "deep"));
    println!("peak RSS {:?} MB", peak_rss_mb());
    if let Some(mb) = peak_rss_mb() {
        assert!(mb < 150, "peak RSS {mb} MB");
    }
}
