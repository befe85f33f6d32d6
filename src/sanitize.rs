//! The one place that makes untrusted text (feeds, pages, comments, headers) safe for a terminal.
//!
//! Removes C0/C1 control characters except newline and tab, whole escape sequences (so no
//! `[2J` residue is left behind), and bidi override/isolate characters that could reorder
//! what the reader sees.

/// Safe multi-line text: keeps `\n` and `\t`, drops every other control character and escape sequence.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {
                // CRLF becomes LF; a lone CR (which would overwrite the line) becomes a newline too.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Safe single-line text (titles, names, dates): like [`text`], with every run of whitespace,
/// newlines included, collapsed to one space and the ends trimmed.
pub fn line(input: &str) -> String {
    let cleaned = text(input);
    let mut out = String::with_capacity(cleaned.len());
    for word in cleaned.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: consume the rest of the sequence (CSI, OSC/DCS/APC/PM/SOS strings, or a two-byte escape).
fn skip_escape(chars: &mut Chars) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // intermediate bytes, then one final byte
            while let Some(&c) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&c) {
                    break;
                }
            }
        }
        Some(c) if ('\u{30}'..='\u{7e}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI parameters and intermediates up to the final byte (0x40..=0x7e).
fn skip_csi(chars: &mut Chars) {
    while let Some(&c) = chars.peek() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            chars.next();
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            return; // malformed: stop without eating ordinary text
        }
        chars.next();
    }
}

/// A control string ends at BEL, ST (ESC \) or the C1 ST; cap its length so a missing
/// terminator cannot swallow the whole text.
fn skip_string(chars: &mut Chars) {
    let mut eaten = 0;
    while let Some(&c) = chars.peek() {
        match c {
            '\u{7}' | '\u{9c}' => {
                chars.next();
                return;
            }
            '\u{1b}' => {
                chars.next();
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            '\n' => return,
            _ => {
                eaten += 1;
                if eaten > 512 {
                    return;
                }
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_sequences_and_controls() {
        let hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x1b[0m\u{9b}6n\u{202e}evil\x07";
        assert_eq!(text(hostile), "REDevil");
    }

    #[test]
    fn keeps_newlines_tabs_and_unicode() {
        assert_eq!(text("a\tb\nc — ü 日本"), "a\tb\nc — ü 日本");
        assert_eq!(text("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn line_collapses_whitespace() {
        assert_eq!(line("  Hello\n\t world \x1b[1m!\n"), "Hello world !");
    }

    #[test]
    fn unterminated_osc_does_not_eat_everything() {
        // The string is cut off after 512 characters ("0;" and 510 x); the rest is text.
        let s = format!("\x1b]0;{}", "x".repeat(2000));
        assert_eq!(text(&s), "x".repeat(1490));
        // A newline ends an unterminated string too.
        assert_eq!(text("\x1b]0;title\nvisible"), "\nvisible");
    }

    #[test]
    fn no_output_ever_contains_controls() {
        let all: String = (0u32..0x200).filter_map(char::from_u32).collect();
        let out = text(&all);
        assert!(
            out.chars()
                .all(|c| !c.is_control() || c == '\n' || c == '\t')
        );
    }
}
