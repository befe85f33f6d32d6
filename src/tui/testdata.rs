//! A small edition for the app's tests: original text, fixed dates.

use crate::article::Article;
use crate::model::{Comment, CommentThread, Headline, Narration, NarrationSource};

pub fn headline(id: i64, title: &str, narrated: bool) -> Headline {
    Headline {
        id,
        feed: "The Harbour Gazette".into(),
        feed_url: "https://gazette.example/feed".into(),
        title: title.to_string(),
        link: Some(format!("https://gazette.example/{id}")),
        author: None,
        // Newest first, as the store lists them: item 1 is the latest.
        published: Some(format!("2026-11-{:02}T08:{:02}:00Z", 12 - id, id)),
        read: id % 3 == 0,
        starred: false,
        listened: false,
        comments_url: None,
        narration: narrated.then(|| Box::new(narration(id))),
    }
}

pub fn narration(id: i64) -> Narration {
    Narration {
        url: format!("https://gazette.example/audio/{id}.mp3"),
        media_type: Some("audio/mpeg".to_string()),
        source: NarrationSource::AudioElement,
    }
}

pub fn headlines() -> Vec<Headline> {
    vec![
        headline(1, "Ferry timetable changes for the winter season", true),
        headline(2, "Council approves new cycle lanes along the quay", false),
        headline(
            3,
            "Lighthouse restoration finished ahead of schedule",
            false,
        ),
        headline(4, "Fishing cooperative reports a record autumn catch", true),
    ]
}

const BODY: &str = "<p>The harbour ferry will run <b>every forty minutes</b> from the first of December, \
the operator said on Monday, replacing the half-hourly summer service.</p>\
<p>Commuters who travel before seven will see no change: the early sailings keep their current times. \
The <a href=\"https://gazette.example/timetable\">full timetable</a> is posted at both piers.</p>\
<h2>Why the change</h2>\
<p>Fewer passengers travel in the dark months, and the operator wants to service one of its two boats \
before spring.</p>\
<p>The summer timetable returns in April.</p>";

pub fn article(id: i64, narrated: bool) -> Article {
    let url = url::Url::parse(&format!("https://gazette.example/{id}"))
        .unwrap_or_else(|e| panic!("test url: {e}"));
    let mut a = Article::from_feed_content(
        "Ferry timetable changes for the winter season",
        BODY,
        &url,
        Some("Ada Marsh"),
        Some("2026-11-11T08:01:00Z"),
    )
    .unwrap_or_else(|e| panic!("test article: {e}"));
    a.narration = narrated.then(|| narration(id));
    a
}

pub fn thread() -> CommentThread {
    let comment = |id: &str, parent: Option<&str>, depth, author: &str, text: &str| Comment {
        id: id.to_string(),
        parent: parent.map(str::to_string),
        depth,
        author: author.to_string(),
        date: Some("2026-11-11T09:15:00Z".to_string()),
        text: text.to_string(),
        kind: crate::model::CommentKind::Normal,
    };
    CommentThread {
        source: Some(crate::model::CommentSource::PageMarkup),
        comments: vec![
            comment(
                "1",
                None,
                0,
                "Tom Reed",
                "Forty minutes is a long wait on a cold pier.",
            ),
            comment(
                "2",
                Some("1"),
                1,
                "Jane Holt",
                "The waiting room at the north pier is heated, at least.",
            ),
            comment(
                "3",
                None,
                0,
                "Sam Ortiz",
                "Good that the early boats stay as they are.",
            ),
        ],
    }
}

/// Delivers item `id`'s article and comments, as the loading tasks would.
pub fn deliver(s: &mut crate::tui::AppState, id: i64, narrated: bool) {
    use crate::tui::{Msg, update};
    update(
        s,
        Msg::ArticleLoaded {
            id,
            result: Ok(Box::new(article(id, narrated))),
            notice: None,
            layout: None,
        },
    );
    update(
        s,
        Msg::CommentsLoaded {
            id,
            result: Ok(thread()),
        },
    );
}

/// A resize as the app runs it: the layout it asks for is made and delivered.
pub fn resize(s: &mut crate::tui::AppState, cols: u16, rows: u16) {
    use crate::tui::update::{Effect, Layout, Msg, update};
    for effect in update(s, Msg::Resize(cols, rows)) {
        if let Effect::LayOut { id, article, width } = effect {
            let layout = Layout {
                width,
                rendered: article.render(width),
            };
            update(s, Msg::LaidOut { id, layout });
        }
    }
}
