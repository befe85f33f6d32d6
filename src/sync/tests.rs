use super::*;

fn feeds() -> Vec<SyncedFeed> {
    vec![SyncedFeed {
        stream_id: "feed/2".into(),
        url: "http://127.0.0.1:8080/?feed=rss2".into(),
        title: Some("The Disinformation Commission".into()),
        html_url: None,
        labels: vec!["World".into()],
    }]
}

fn item(json: &str) -> greader::Item {
    serde_json::from_str(json).expect("item JSON")
}

#[test]
fn an_item_of_the_server_becomes_a_headline_with_its_marks() {
    let it = item(
        r#"{"id":"tag:google.com,2005:reader/item/000661b1956e2442","published":"1795080600",
            "title":"Iraq Begins &amp; Ends","canonical":[{"href":"http://127.0.0.1:8080/2026/11/19/x/"}],
            "categories":["user/-/state/com.google/reading-list","user/1005/state/com.google/read",
                          "user/-/state/com.google/starred","World"],
            "origin":{"streamId":"feed/2"},
            "summary":{"content":"<p>The <b>first</b> transfer.</p>"},
            "enclosure":[{"href":"http://127.0.0.1:8080/n.mp3","type":"audio/mpeg"}],
            "author":"Editorial Desk"}"#,
    );
    let orphan = item(r#"{"id":"5","origin":{"streamId":"feed/99"},"title":"Lost"}"#);
    let converted = convert(&[it, orphan], &feeds());
    assert_eq!(converted.orphans, 1);
    let r = &converted.items[0];
    assert_eq!(r.remote_id, "1796265204393026");
    assert_eq!(r.feed_url, "http://127.0.0.1:8080/?feed=rss2");
    assert!(r.read && r.starred);
    assert_eq!(r.item.title, "Iraq Begins & Ends");
    assert_eq!(
        r.item.link.as_deref(),
        Some("http://127.0.0.1:8080/2026/11/19/x/")
    );
    assert_eq!(r.item.summary.as_deref(), Some("The first transfer."));
    assert_eq!(r.item.published.map(|p| p.timestamp()), Some(1_795_080_600));
    assert_eq!(
        r.item.narration.as_ref().map(|n| n.url.as_str()),
        Some("http://127.0.0.1:8080/n.mp3")
    );
    assert_eq!(r.item.author.as_deref(), Some("Editorial Desk"));
}

#[test]
fn a_state_is_only_the_users_own() {
    // A label that happens to end like a state is not the state.
    let it = item(r#"{"id":"7","categories":["user/-/label/state/com.google/read"]}"#);
    assert!(
        has_state(&it, "read"),
        "labels are user/... too: the suffix decides"
    );
    let it = item(r#"{"id":"7","categories":["World/state/com.google/read"]}"#);
    assert!(!has_state(&it, "read"));
}
