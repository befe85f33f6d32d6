//! Colours and attributes: defaults, changed by the config's `[theme]` table, colours dropped
//! under `NO_COLOR` (the attributes stay, so the screen still reads).

use ratatui::style::{Color, Modifier, Style};

pub use crate::config::theme::ThemeConfig;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The focused pane's border and title.
    pub accent: Style,
    /// The selected headline or comment.
    pub selected: Style,
    pub unread: Style,
    /// The paragraph being spoken, and its mark in the gutter.
    pub spoken: Style,
    pub link: Style,
    pub heading: Style,
    /// Bylines, dates, feed names.
    pub meta: Style,
    pub author: Style,
    /// Group headers in the headline list.
    pub group: Style,
    pub status: Style,
    pub error: Style,
    /// The filled part of the progress gauges.
    pub gauge: Style,
    /// Text matching the search.
    pub matched: Style,
}

/// Every part: its name in `[theme]`, its attributes, and its default colours.
#[rustfmt::skip]
const PARTS: &[(&str, Modifier, Option<Color>, Option<Color>)] = &[
    ("accent", Modifier::BOLD, Some(Color::Cyan), None),
    ("selected", Modifier::REVERSED, None, None),
    ("unread", Modifier::BOLD, None, None),
    ("spoken", Modifier::BOLD, Some(Color::Yellow), None),
    ("link", Modifier::UNDERLINED, Some(Color::Blue), None),
    ("heading", Modifier::BOLD, Some(Color::Magenta), None),
    ("meta", Modifier::DIM, None, None),
    ("author", Modifier::BOLD, Some(Color::Green), None),
    ("group", Modifier::BOLD, Some(Color::Cyan), None),
    ("status", Modifier::REVERSED, None, None),
    ("error", Modifier::empty(), Some(Color::Red), None),
    ("gauge", Modifier::empty(), Some(Color::Green), None),
    ("matched", Modifier::REVERSED, Some(Color::Yellow), None),
];

impl Default for Theme {
    fn default() -> Self {
        Theme::from_config(&ThemeConfig::new(), false).unwrap_or_else(|_| Theme::plain())
    }
}

impl Theme {
    /// The defaults with `[theme]` applied; `no_color` keeps only the attributes.
    pub fn from_config(config: &ThemeConfig, no_color: bool) -> Result<Theme, String> {
        if let Some(name) = config.keys().find(|k| !PARTS.iter().any(|p| p.0 == *k)) {
            let names: Vec<&str> = PARTS.iter().map(|p| p.0).collect();
            return Err(format!(
                "[theme] {name}: no such part; the parts are {}",
                names.join(", ")
            ));
        }
        let mut styles = Vec::with_capacity(PARTS.len());
        for (name, modifier, fg, bg) in PARTS {
            let (fg, bg) = match config.get(*name) {
                Some(value) => parse_colours(value).map_err(|e| format!("[theme] {name}: {e}"))?,
                None => (*fg, *bg),
            };
            let mut style = Style::default().add_modifier(*modifier);
            if !no_color {
                if let Some(fg) = fg {
                    style = style.fg(fg);
                }
                if let Some(bg) = bg {
                    style = style.bg(bg);
                }
            }
            styles.push(style);
        }
        let part = |i: usize| styles[i];
        Ok(Theme {
            accent: part(0),
            selected: part(1),
            unread: part(2),
            spoken: part(3),
            link: part(4),
            heading: part(5),
            meta: part(6),
            author: part(7),
            group: part(8),
            status: part(9),
            error: part(10),
            gauge: part(11),
            matched: part(12),
        })
    }

    /// Attributes only, as under `NO_COLOR`.
    pub fn plain() -> Theme {
        let m = |m: Modifier| Style::default().add_modifier(m);
        Theme {
            accent: m(Modifier::BOLD),
            selected: m(Modifier::REVERSED),
            unread: m(Modifier::BOLD),
            spoken: m(Modifier::BOLD),
            link: m(Modifier::UNDERLINED),
            heading: m(Modifier::BOLD),
            meta: m(Modifier::DIM),
            author: m(Modifier::BOLD),
            group: m(Modifier::BOLD),
            status: m(Modifier::REVERSED),
            error: Style::default(),
            gauge: Style::default(),
            matched: m(Modifier::REVERSED),
        }
    }
}

/// True when the environment asks for no colour (<https://no-color.org>: set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// `yellow`, `#ffaa00`, `208`, `default`, or `white on blue`.
fn parse_colours(value: &str) -> Result<(Option<Color>, Option<Color>), String> {
    let (fg, bg) = match value.split_once(" on ") {
        Some((fg, bg)) => (fg.trim(), Some(bg.trim())),
        None => (value.trim(), None),
    };
    let colour = |s: &str| -> Result<Option<Color>, String> {
        if s.eq_ignore_ascii_case("default") || s.is_empty() {
            return Ok(None);
        }
        s.parse::<Color>().map(Some).map_err(|_| {
            format!(
                "{s:?} is not a colour; write a name (yellow, light-blue), #rrggbb, \
                 a number from 0 to 255, or \"white on blue\""
            )
        })
    };
    Ok((colour(fg)?, bg.map(colour).transpose()?.flatten()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_changes_colours_and_keeps_attributes() {
        let config: ThemeConfig = [
            ("spoken".to_string(), "#ffaa00".to_string()),
            ("selected".to_string(), "black on light-cyan".to_string()),
            ("link".to_string(), "default".to_string()),
        ]
        .into();
        let theme = Theme::from_config(&config, false).expect("valid");
        assert_eq!(
            theme.spoken,
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Rgb(0xff, 0xaa, 0x00))
        );
        assert_eq!(
            theme.selected,
            Style::default()
                .add_modifier(Modifier::REVERSED)
                .fg(Color::Black)
                .bg(Color::LightCyan)
        );
        assert_eq!(
            theme.link,
            Style::default().add_modifier(Modifier::UNDERLINED)
        );
        assert_eq!(
            theme.accent.fg,
            Some(Color::Cyan),
            "untouched parts keep their default"
        );
    }

    #[test]
    fn no_color_keeps_only_attributes() {
        let config: ThemeConfig = [("spoken".to_string(), "red".to_string())].into();
        let theme = Theme::from_config(&config, true).expect("valid");
        for style in [
            theme.spoken,
            theme.accent,
            theme.link,
            theme.matched,
            theme.error,
        ] {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
        assert_eq!(theme, Theme::plain());
    }

    #[test]
    fn unknown_parts_and_colours_say_what_to_write() {
        let bad_part: ThemeConfig = [("border".to_string(), "red".to_string())].into();
        let err = Theme::from_config(&bad_part, false).expect_err("unknown part");
        assert!(
            err.starts_with("[theme] border: no such part; the parts are accent"),
            "{err}"
        );
        let bad_colour: ThemeConfig = [("link".to_string(), "blurple".to_string())].into();
        let err = Theme::from_config(&bad_colour, false).expect_err("bad colour");
        assert!(err.contains("\"blurple\" is not a colour"), "{err}");
    }
}
