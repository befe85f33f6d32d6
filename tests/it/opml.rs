//! Subscriptions round trip: `export`, `import` into a config that does not exist yet, `export`
//! again gives the same OPML, with names, tags, sites and the feed a home page led to; `import`
//! says what it skipped and why, and refuses a file that is no list of subscriptions.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common;

use common::*;

fn rss(title: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>
<item><title>First</title><link>http://example.org/{title}/1</link><guid>1</guid></item>
</channel></rss>"#
    )
}

/// Three feeds, and a home page that links to a fourth.
fn site() -> TestServer {
    TestServer::start(|path, _| {
        let (kind, body) = match path {
            "/harbour.xml" => ("application/rss+xml", rss("Harbour Times")),
            "/valley.xml" => ("application/rss+xml", rss("Valley Post")),
            "/hill.xml" => ("application/rss+xml", rss("Hill Gazette")),
            "/home/" => (
                "text/html",
                "<html><head><title>Home</title><link rel=\"alternate\" \
                 type=\"application/rss+xml\" href=\"/home/feed.xml\"></head><body>Hi</body></html>"
                    .to_string(),
            ),
            "/home/feed.xml" => ("application/rss+xml", rss("Home Page News")),
            _ => return (404, Vec::new(), Vec::new()),
        };
        (
            200,
            vec![("Content-Type".into(), kind.into())],
            body.into_bytes(),
        )
    })
}

/// herald with this config file and data directory.
fn herald_at(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run herald")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

#[test]
fn export_import_export_gives_the_same_opml() {
    let server = site();
    let dir = temp_dir("opml-round-trip");
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feeds]]\nurl = \"{harbour}\"\nname = \"Harbour\"\ntags = [\"news\", \"local\"]\n\n\
             [[feeds]]\nurl = \"{valley}\"\n\n\
             [[feeds]]\nurl = \"{home}\"\ntags = [\"local\"]\n\n\
             [[feeds]]\nurl = \"{hill}\"\nname = \"The Hill\"\ntags = [\"news\"]\nsite = \"http://hill.example/\"\n",
            harbour = server.url("/harbour.xml"),
            valley = server.url("/valley.xml"),
            home = server.url("/home/"),
            hill = server.url("/hill.xml"),
        ),
    )
    .expect("write config");
    let data = dir.join("data");
    assert!(ok(&herald_at(&config, &data, &["refresh"])).starts_with("4 feeds, 4 new items"));

    let first = ok(&herald_at(&config, &data, &["export"]));
    // The feed a home page led to, with the page as its site; no invented name.
    assert!(
        first.contains(&format!(
            r#"<outline type="rss" text="Home Page News" title="Home Page News" herald:unnamed="true" xmlUrl="{}" htmlUrl="{}" category="local"/>"#,
            server.url("/home/feed.xml"),
            server.url("/home/")
        )),
        "{first}"
    );
    assert!(
        first.contains(r#"herald:unnamed="true" xmlUrl=""#)
            && first.contains(r#"text="Valley Post""#),
        "{first}"
    );
    assert!(
        first.contains(r#"<outline text="news" title="news">"#)
            && first.contains(r#"category="news,local""#),
        "{first}"
    );
    let file = dir.join("subscriptions.opml");
    std::fs::write(&file, &first).expect("write OPML");

    // A new config, in a directory that does not exist yet either.
    let new_config = dir.join("elsewhere/herald.toml");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let said = ok(&herald_at(&new_config, &data, &["import", file_arg]));
    assert_eq!(
        said,
        format!(
            "4 feeds added to {} (0 already there)\n",
            new_config.display()
        )
    );
    let imported = std::fs::read_to_string(&new_config).expect("the config was made");
    let parsed = herald::config::Config::parse(&imported, "new").expect("a valid config");
    let feeds: Vec<_> = parsed
        .feeds
        .iter()
        .map(|f| {
            (
                f.url.as_str(),
                f.name.as_deref(),
                f.tags.join(","),
                f.site.as_deref(),
            )
        })
        .collect();
    let (harbour, valley, home, home_feed, hill) = (
        server.url("/harbour.xml"),
        server.url("/valley.xml"),
        server.url("/home/"),
        server.url("/home/feed.xml"),
        server.url("/hill.xml"),
    );
    assert_eq!(
        feeds,
        [
            (harbour.as_str(), Some("Harbour"), "news,local".into(), None),
            (
                hill.as_str(),
                Some("The Hill"),
                "news".into(),
                Some("http://hill.example/")
            ),
            (valley.as_str(), None, String::new(), None),
            (
                home_feed.as_str(),
                None,
                "local".into(),
                Some(home.as_str())
            ),
        ]
    );

    let second = ok(&herald_at(&new_config, &data, &["export"]));
    assert_eq!(second, first);
    // Imported again, everything is there already.
    let said = ok(&herald_at(&new_config, &data, &["import", file_arg]));
    assert!(said.starts_with("0 feeds added to "), "{said}");
    assert!(said.ends_with("(4 already there)\n"), "{said}");
}

#[test]
fn import_says_what_it_skipped_and_refuses_other_files() {
    let dir = temp_dir("opml-skipped");
    let config = dir.join("config.toml");
    let data = dir.join("data");
    let urls = dir.join("urls");
    std::fs::write(
        &urls,
        "# newsboat\nhttp://a.example/feed news \"~Alpha\"\n\"query:Unread:unread = \\\"yes\\\"\"\n\
         \"query:Today:age < 1\"\n\"exec:~/bin/weather\"\nhttps://b.example/atom\n",
    )
    .expect("write urls");
    let said = ok(&herald_at(
        &config,
        &data,
        &["import", urls.to_str().expect("path")],
    ));
    assert_eq!(
        said,
        format!(
            "2 feeds added to {} (0 already there)\n3 skipped: 2 newsboat query feeds, 1 exec: source\n",
            config.display()
        )
    );

    let json = dir.join("feeds.json");
    std::fs::write(&json, "{\"feeds\": [\"http://c.example/feed\"]}\n").expect("write json");
    let before = std::fs::read_to_string(&config).expect("config");
    let out = herald_at(&config, &data, &["import", json.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "herald: {}: neither OPML nor a newsboat urls file: it is JSON\n",
            json.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&config).expect("config"), before);

    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "remember to buy milk\nand bread\n").expect("write notes");
    let out = herald_at(&config, &data, &["import", notes.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no line starts with a feed's URL"), "{err}");
}
