//! Word wrapping, measured in terminal columns (unicode-width), for every box and message that sizes
//! itself to what it shows: a wide character counts twice, a combining mark not at all.

use ratatui::style::Style;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

/// The narrowest a text is wrapped to, so a tiny terminal still gets words, not letters.
const MIN_WIDTH: usize = 10;

/// Word-wraps `text` to `width` columns, keeping its leading indentation on every line. A word longer
/// than the width stays whole on its own line (a serial or a command is better cut by the terminal
/// than broken where it cannot be copied).
pub fn wrap(text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    let width = width.max(MIN_WIDTH);
    let indent: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut current = indent.clone();
    for word in text.split_whitespace() {
        let used = current.width();
        let fresh = current.len() == indent.len();
        if !fresh && used + 1 + word.width() > width {
            lines.push(Line::styled(
                std::mem::replace(&mut current, indent.clone()),
                style,
            ));
        } else if !fresh {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(Line::styled(current, style));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wraps_on_words_and_keeps_the_indent() {
        let lines = wrap("  one two three four five six", Style::new(), 20);
        assert_eq!(texts(&lines), ["  one two three four", "  five six"]);
        let lines = wrap("  one two three four", Style::new(), 10);
        assert_eq!(texts(&lines), ["  one two", "  three", "  four"]);
        assert_eq!(wrap("", Style::new(), 10).len(), 1);
    }

    #[test]
    fn a_word_longer_than_the_width_stays_whole() {
        let long = "x".repeat(30);
        assert_eq!(
            texts(&wrap(&format!("a {long}"), Style::new(), 20)),
            ["a", long.as_str()]
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        // Five CJK characters are ten columns: two of them do not fit on a line of 10 with a space.
        let lines = wrap("名前名前名 名前", Style::new(), 10);
        assert_eq!(texts(&lines), ["名前名前名", "名前"]);
        assert!(lines.iter().all(|l| l.width() <= 10));
        // chars() would count 5 + 1 + 2 = 8 and keep them on one line of 16 columns.
    }
}
