//! An article's pictures through the real binary in a pseudo-terminal: a local server gives the
//! page and its pictures; vt100 answers no graphics query, so the app falls back to half-blocks.

use crate::common;

use std::io::Cursor;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::pty::{Pty, alsa_none, find, screen_text};
use common::*;

/// Red and blue stripes 10 pixels high, half a half-block cell at their natural size: every
/// cell of the picture is drawn as `▀` or `▄` in two colours.
fn striped_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(200, 100, |_, y| {
        if (y / 10) % 2 == 0 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([30, 30, 200])
        }
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// The rows holding half-block cells drawn in colour.
fn picture_rows(screen: &vt100::Screen) -> Vec<u16> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (u16::from(rows), u16::from(cols));
    (0..rows)
        .filter(|&row| {
            (0..cols).any(|col| {
                screen.cell(row, col).is_some_and(|c| {
                    matches!(c.contents(), "▀" | "▄")
                        && c.fgcolor() != vt100::Color::Default
                        && c.bgcolor() != vt100::Color::Default
                })
            })
        })
        .collect()
}

fn row_of(screen: &vt100::Screen, needle: &str) -> u16 {
    find(screen, needle)
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", screen_text(screen)))
        .0
}

#[test]
fn pictures_show_as_half_blocks_in_place_and_scrolling_does_not_wait_for_them() {
    let dir = temp_dir("tui-images");
    let png = striped_png();
    let filler =
        "<p>The timetable for the rest of the week follows the winter pattern.</p>".repeat(12);
    let page = format!(
        "<html><head><title>Harbour at dawn</title></head><body><article>\
         <h1>Harbour at dawn</h1>\
         <p>The harbour opened at dawn, as it has every day this winter, and the first boats \
         were out before the light, their crews counting the crates twice.</p>\
         <figure><img src=\"/harbour.png\" alt=\"The harbour at dawn\"></figure>\
         <p>Boats left one by one past the breakwater.</p>\
         <p><img src=\"/missing.png\" alt=\"A missing picture\"></p>\
         <p>Gulls followed them out to sea.</p>{filler}</article></body></html>"
    );
    // The feed names the article by its address on this server, known once it has started.
    let article_url = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let article_in = article_url.clone();
    // The picture is held back until the test has seen the view scroll.
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let gate_in = gate.clone();
    let server = TestServer::start(move |path, _| match path {
        "/feed.xml" => (
            200,
            vec![("Content-Type".into(), "application/rss+xml".into())],
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour Gazette\
                 </title><link>http://gazette.example/</link><description>d</description><item>\
                 <title>Harbour at dawn</title><link>{}</link><guid>h1</guid></item>\
                 </channel></rss>",
                article_in.get().map_or("", String::as_str)
            )
            .into_bytes(),
        ),
        "/article.html" => (
            200,
            vec![("Content-Type".into(), "text/html".into())],
            page.clone().into_bytes(),
        ),
        "/harbour.png" => {
            let (open, opened) = &*gate_in;
            let guard = open.lock().expect("gate");
            // The limit only keeps a failing test from hanging.
            let _ = opened
                .wait_timeout_while(guard, Duration::from_secs(60), |open| !*open)
                .expect("gate");
            (
                200,
                vec![("Content-Type".into(), "image/png".into())],
                png.clone(),
            )
        }
        _ => (404, Vec::new(), b"not found".to_vec()),
    });
    article_url
        .set(server.url("/article.html"))
        .expect("set once");
    write_config(&dir, &[server.url("/feed.xml")], "");
    let out = herald(&dir, &["refresh"]);
    assert!(out.status.success(), "refresh: {}", stdout(&out));

    let mut pty = Pty::herald(&dir, &alsa_none(&dir), &[], &[], 100, 40);
    pty.wait_for("Harbour at dawn");
    pty.press("\r");
    let loading = pty.wait_for("loading image: The harbour at dawn…");
    pty.wait_for("[image: A missing picture]");
    assert!(picture_rows(&loading).is_empty());

    // A key while the picture is on its way moves the view at once.
    let boats = row_of(&loading, "Boats left one by one");
    pty.press("j");
    let scrolled = pty.wait_until("the view to scroll by one line", |s| {
        find(s, "Boats left one by one").is_some_and(|(row, _)| row + 1 == boats)
    });
    assert!(
        picture_rows(&scrolled).is_empty(),
        "the picture came before the scroll:\n{}",
        screen_text(&scrolled)
    );
    assert!(screen_text(&scrolled).contains("loading image: The harbour at dawn…"));
    *gate.0.lock().expect("gate") = true;
    gate.1.notify_all();

    // Then the picture, in half-blocks, between its paragraphs.
    let shown = pty.wait_until("the picture in half-blocks", |s| {
        !picture_rows(s).is_empty()
    });
    let rows = picture_rows(&shown);
    let above = row_of(&shown, "their crews counting the crates twice");
    let below = row_of(&shown, "Boats left one by one");
    assert!(
        rows.iter().all(|&r| above < r && r < below),
        "picture rows {rows:?} not between rows {above} and {below}:\n{}",
        screen_text(&shown)
    );
    assert!(!screen_text(&shown).contains("loading image"));
    // The picture that could not be had is its alt text, after its paragraph.
    assert!(row_of(&shown, "[image: A missing picture]") > below);

    pty.press("q");
    pty.press("q");
    assert!(pty.wait_exit().success());
    server.stop();
}
