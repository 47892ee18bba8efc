//! Text the wizard lays out itself: word wrapping (so boxes and fields are sized to what they show) and
//! a labelled field whose message may take more than one line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::text_input::TextInput;
use crate::ui::{theme, widgets};

/// Lines a field's message may take.
pub const MAX_MESSAGE_LINES: u16 = 3;

/// Word-wraps `text` to `width` columns, keeping its leading indentation on every line.
pub fn wrap(text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    let width = width.max(20);
    let indent: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut current = indent.clone();
    for word in text.split_whitespace() {
        let used = current.chars().count();
        let fresh = used == indent.len();
        if !fresh && used + 1 + word.chars().count() > width {
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

/// Rows a field takes: label, value, and its message (wrapped, at most [`MAX_MESSAGE_LINES`]).
pub fn field_height(error: Option<&str>, width: u16) -> u16 {
    2 + message_lines(error, width)
        .len()
        .min(usize::from(MAX_MESSAGE_LINES))
        .max(1) as u16
}

fn message_lines(error: Option<&str>, width: u16) -> Vec<Line<'static>> {
    error.map_or_else(Vec::new, |e| {
        wrap(&format!("  {e}"), theme::error(), usize::from(width))
    })
}

/// A labelled field with its message under it, wrapped where it is long.
pub fn field(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    input: &TextInput,
    focused: bool,
    error: Option<&str>,
    masked: bool,
) {
    // The shared field draws label, value and a one-line message row; ours replaces that row.
    let top = Rect {
        height: area.height.min(3),
        ..area
    };
    widgets::text_field(frame, top, label, input, focused, None, masked);
    let message = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    frame.render_widget(Paragraph::new(message_lines(error, area.width)), message);
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
    }

    #[test]
    fn a_word_longer_than_the_width_stays_whole() {
        let long = "x".repeat(30);
        assert_eq!(
            texts(&wrap(&format!("a {long}"), Style::new(), 20)),
            ["a", long.as_str()]
        );
    }
}
