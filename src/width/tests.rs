use super::*;

#[test]
fn wide_characters_take_two_columns_and_marks_none() {
    assert_eq!(of("Big Desk"), 8);
    assert_eq!(of("日本語ニュース"), 14);
    assert_eq!(of("新闻"), 4);
    // An emoji, and one made of three joined.
    assert_eq!(of("🎉"), 2);
    assert_eq!(of("👩‍💻"), 2);
    // `e` + COMBINING ACUTE ACCENT, `n` + COMBINING TILDE.
    assert_eq!(of("cafe\u{301} man\u{303}ana"), 11);
    assert_eq!(of("a\u{200B}b"), 2);
    // A skin tone joins the emoji before it; a selector asks for the emoji's wide form.
    assert_eq!(of("👍🏽"), 2);
    assert_eq!(of("\u{2764}\u{FE0F}"), 2);
    assert_eq!(of("● Nov 11 08:01 日本語"), 21);
    assert_eq!(of(""), 0);
}

#[test]
fn fit_counts_columns() {
    assert_eq!(fit("Big Desk", 16), "Big Desk");
    assert_eq!(fit("日本語ニュース", 14), "日本語ニュース");
    // 13 columns: six wide characters and the ellipsis.
    assert_eq!(fit("日本語ニュース", 13), "日本語ニュー…");
    // A wide character that would cross the edge is left out whole.
    assert_eq!(fit("日本語ニュース", 12), "日本語ニュ…");
    assert_eq!(of(&fit("日本語ニュース", 12)), 11);
    assert_eq!(fit("🎉🎉🎉", 4), "🎉…");
    assert_eq!(fit("abc", 0), "");
    assert_eq!(fit("abcdef", 1), "…");
}

#[test]
fn fit_keeps_marks_and_joined_emoji_whole() {
    // The combining accent stays with its `e`: cutting after the `e` would drop it.
    assert_eq!(fit("cafe\u{301}s and more", 6), "cafe\u{301}s…");
    assert_eq!(fit("cafe\u{301}s and more", 5), "cafe\u{301}…");
    // A joined emoji is kept or dropped whole, never cut between its parts.
    assert_eq!(fit("👩‍💻👩‍💻 coders", 5), "👩‍💻👩‍💻…");
    assert_eq!(fit("👩‍💻👩‍💻 coders", 4), "👩‍💻…");
    // Zero-width characters cost nothing.
    assert_eq!(fit("a\u{200B}b\u{200B}c", 3), "a\u{200B}b\u{200B}c");
}

#[test]
fn pad_fills_to_the_columns() {
    assert_eq!(pad("Big Desk", 10), "Big Desk  ");
    assert_eq!(pad("日本語", 10), "日本語    ");
    assert_eq!(of(&pad("日本語ニュース", 16)), 16);
    // Cut one column short of a wide character: a space makes up the column.
    assert_eq!(pad("日本語ニュース", 12), "日本語ニュ… ");
    assert_eq!(of(&pad("🎉 party", 4)), 4);
    assert_eq!(pad("cafe\u{301}", 6), "cafe\u{301}  ");
}

#[test]
fn cut_splits_by_columns() {
    assert_eq!(cut("abcdefg", 3), ["abc", "def", "g"]);
    assert_eq!(cut("日本語ニュース", 5), ["日本", "語ニ", "ュー", "ス"]);
    assert_eq!(
        cut("e\u{301}e\u{301}e\u{301}", 2),
        ["e\u{301}e\u{301}", "e\u{301}"]
    );
    // Too narrow for one wide character: it gets a piece anyway.
    assert_eq!(cut("日本", 1), ["日", "本"]);
    assert_eq!(cut("", 4), [""]);
}

#[test]
fn wrap_counts_columns() {
    assert_eq!(wrap("the quick brown fox", 9), ["the quick", "brown fox"]);
    // Accented letters are one column each, however they are encoded.
    assert_eq!(
        wrap("cafe\u{301} cafe\u{301} cafe\u{301}", 10),
        ["cafe\u{301} cafe\u{301}", "cafe\u{301}"]
    );
    // Wide emoji take two columns.
    assert_eq!(wrap("🎉🎉 🎉🎉 🎉🎉", 10), ["🎉🎉 🎉🎉", "🎉🎉"]);
    assert_eq!(wrap("", 10), [""]);
    // A word wider than the line is cut into lines of the width, starting a line of its own.
    assert_eq!(
        wrap("see https://example.org/a/long/path now", 12),
        ["see", "https://exam", "ple.org/a/lo", "ng/path now"]
    );
    assert_eq!(wrap("ab 🎉🎉🎉", 3), ["ab", "🎉", "🎉", "🎉"]);
}

#[test]
fn chinese_breaks_between_characters_without_leaving_a_short_line() {
    let text = "据报道 港口渡轮将从十二月一日起每四十分钟一班以取代夏季的半小时班次";
    let lines = wrap(text, 20);
    // The long run after the space starts on the first line, beside the first word.
    assert_eq!(lines[0], "据报道 港口渡轮将从");
    for line in &lines {
        assert!(of(line) <= 20, "{line:?} is {} columns", of(line));
    }
    for line in &lines[..lines.len() - 1] {
        assert!(of(line) >= 19, "{line:?} is short: {lines:?}");
    }
    assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
}

#[test]
fn punctuation_stays_with_its_word() {
    // `。` and `」` never start a line, `「` never ends one.
    let lines = wrap("他说「好的」。然后走了", 10);
    for line in &lines {
        assert!(!line.starts_with(['。', '」', '，']), "{lines:?}");
        assert!(!line.ends_with('「'), "{lines:?}");
        assert!(of(line) <= 10, "{lines:?}");
    }
    assert_eq!(lines, ["他说「好", "的」。然后", "走了"]);
}

#[test]
fn latin_words_among_chinese_stay_whole() {
    assert_eq!(wrap("使用Rust语言编写", 8), ["使用Rust", "语言编写"]);
}

#[test]
fn breaks_are_marked_between_ideographs_only() {
    assert_eq!(mark_breaks(None, "plain text"), "plain text");
    assert!(matches!(mark_breaks(None, "plain text"), Cow::Borrowed(_)));
    assert_eq!(
        mark_breaks(None, "新闻报道"),
        "新\u{200B}闻\u{200B}报\u{200B}道"
    );
    // The text before sets whether its first character may start a line.
    assert_eq!(mark_breaks(Some('新'), "闻"), "\u{200B}闻");
    assert_eq!(mark_breaks(Some('新'), "。"), "。");
    assert_eq!(mark_breaks(None, "好。"), "好。");
    assert_eq!(mark_breaks(None, "新 闻"), "新 闻");
    assert_eq!(mark_breaks(None, "用Rust写"), "用\u{200B}Rust\u{200B}写");
}

#[test]
fn marks_and_joiners_are_never_split_off() {
    // A combining mark and a variation selector after an ideograph stay with it.
    assert!(!break_between('新', '\u{301}'));
    assert!(!break_between('新', '\u{FE0F}'));
    assert!(!break_between('\u{200D}', '新'));
    assert!(break_between('新', '闻'));
    assert!(!break_between('a', 'b'));
    assert!(!break_between('新', ' '));
}
