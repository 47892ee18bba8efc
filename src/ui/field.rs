//! The one renderer of a text field (every form: device name, tags, serial, codes, save path): its
//! label, the value with the cursor, and its message underneath, wrapped. Masking is decided here and
//! only here: a secret field (a code) shows dots on a redacted session (`--redact`), whoever draws it.
//! A value wider than the field scrolls, so the cursor (and, while typing at the end, the end) stays
//! in view; a `…` at the left says that text is hidden before it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::{theme, wrap::wrap};
use crate::app::Session;
use crate::app::text_input::TextInput;

/// Lines a field's message may take.
pub const MAX_MESSAGE_LINES: u16 = 3;

/// The marker before the value: `›` on the focused field.
const MARKER_WIDTH: u16 = 2;

/// A field to draw.
pub struct Field<'a> {
    pub label: &'a str,
    pub input: &'a TextInput,
    pub focused: bool,
    /// Said right under the value, where the text was typed.
    pub message: Option<&'a str>,
}

/// Whether the field's text is hidden: secrets on a redacted session.
pub fn masked(input: &TextInput, session: &Session) -> bool {
    input.is_secret() && session.redact
}

/// A code shown outside a field (the demo account's stand-in for the phone): dots on a redacted
/// session, like a code typed into a field.
pub fn shown_code(code: &str, session: &Session) -> String {
    if session.redact {
        "•".repeat(code.chars().count())
    } else {
        code.to_string()
    }
}

/// Rows a field takes at `width`: label, value, and its message (wrapped, at most
/// [`MAX_MESSAGE_LINES`], one row even when there is none).
pub fn height(message: Option<&str>, width: u16) -> u16 {
    2 + message_lines(message, width)
        .len()
        .clamp(1, usize::from(MAX_MESSAGE_LINES)) as u16
}

fn message_lines(message: Option<&str>, width: u16) -> Vec<Line<'static>> {
    message.map_or_else(Vec::new, |m| {
        wrap(&format!("  {m}"), theme::error(), usize::from(width))
    })
}

pub fn render(frame: &mut Frame, area: Rect, field: &Field, session: &Session) {
    if area.height == 0 {
        return;
    }
    let label_area = Rect { height: 1, ..area };
    frame.render_widget(
        Line::styled(field.label.to_string(), theme::title()),
        label_area,
    );
    if area.height < 2 {
        return;
    }
    let value_area = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    let shown = Shown::of(
        field.input,
        masked(field.input, session),
        value_area.width.saturating_sub(MARKER_WIDTH),
    );
    let marker = if field.focused { "› " } else { "  " };
    let style = if field.focused {
        theme::accent()
    } else {
        Style::new()
    };
    let mut spans = vec![Span::styled(marker, theme::accent())];
    if shown.scrolled {
        spans.push(Span::styled("…", theme::dim()));
    }
    spans.push(Span::styled(shown.text, style));
    frame.render_widget(Line::from(spans), value_area);
    if field.focused {
        let x = value_area.x + MARKER_WIDTH + shown.cursor_column;
        frame.set_cursor_position((x.min(value_area.right().saturating_sub(1)), value_area.y));
    }
    let message_area = Rect {
        y: area.y + 2,
        height: area.height - 2,
        ..area
    };
    frame.render_widget(
        Paragraph::new(message_lines(field.message, area.width)),
        message_area,
    );
}

/// A field drawn inline after a label of its own (the save path on the secret step): the part of the
/// value that fits in `width` columns, `…` first when text is hidden before it, and the cursor's
/// column in that text. Masked as [`render`] masks.
pub fn inline_value(input: &TextInput, session: &Session, width: u16) -> (String, u16) {
    let shown = Shown::of(input, masked(input, session), width);
    let text = if shown.scrolled {
        format!("…{}", shown.text)
    } else {
        shown.text
    };
    (text, shown.cursor_column)
}

/// The part of the value that fits, and where the cursor is in it.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    text: String,
    /// Columns from the start of the value's row (the `…` included) to the cursor.
    cursor_column: u16,
    /// Text is hidden to the left.
    scrolled: bool,
}

impl Shown {
    fn of(input: &TextInput, masked: bool, width: u16) -> Self {
        let chars: Vec<char> = if masked {
            input.value().chars().map(|_| '•').collect()
        } else {
            input.value().chars().collect()
        };
        let column = |c: &char| c.width().unwrap_or(0);
        let cursor = input.cursor().min(chars.len());
        let width = usize::from(width);
        let total: usize = chars.iter().map(column).sum();
        // At the end, the cursor takes a cell of its own after the text.
        if total + usize::from(cursor == chars.len()) <= width {
            let cursor_column = chars[..cursor].iter().map(column).sum::<usize>();
            return Self {
                text: chars.iter().collect(),
                cursor_column: cursor_column as u16,
                scrolled: false,
            };
        }
        // Scrolled: one column for `…`, one for the cursor cell; the text before the cursor takes the
        // rest, from the right.
        let room = width.saturating_sub(2);
        let mut start = cursor;
        let mut used = 0;
        while start > 0 && used + column(&chars[start - 1]) <= room {
            start -= 1;
            used += column(&chars[start]);
        }
        let mut end = cursor;
        let mut after = used;
        while end < chars.len() && after + column(&chars[end]) <= width.saturating_sub(1) {
            after += column(&chars[end]);
            end += 1;
        }
        let scrolled = start > 0;
        Self {
            text: chars[start..end].iter().collect(),
            cursor_column: (used + usize::from(scrolled)) as u16,
            scrolled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;
    use crossterm::event::KeyCode;

    fn input(value: &str) -> TextInput {
        TextInput::new().with_value(value)
    }

    #[test]
    fn a_value_that_fits_is_shown_whole() {
        let shown = Shown::of(&input("alice"), false, 10);
        assert_eq!(
            shown,
            Shown {
                text: "alice".into(),
                cursor_column: 5,
                scrolled: false
            }
        );
    }

    #[test]
    fn a_long_value_scrolls_so_its_end_and_the_cursor_stay_in_view() {
        let value = "a-very-long-device-name-that-does-not-fit";
        let shown = Shown::of(&input(value), false, 12);
        assert!(shown.scrolled);
        assert!(value.ends_with(&shown.text), "{shown:?}");
        // `…`, ten characters, and the cursor's cell: twelve columns.
        assert_eq!((shown.text.len(), shown.cursor_column), (10, 11));

        let mut at_start = input(value);
        at_start.handle_key(key(KeyCode::Home));
        let shown = Shown::of(&at_start, false, 12);
        assert_eq!((shown.scrolled, shown.cursor_column), (false, 0));
        assert!(value.starts_with(&shown.text));
        assert_eq!(shown.text.len(), 11);
    }

    #[test]
    fn wide_characters_count_their_columns() {
        let shown = Shown::of(&input("名前名前名前"), false, 8);
        assert!(shown.scrolled);
        // `…` + three wide characters (6) + the cursor cell: 8 columns.
        assert_eq!(shown.text, "前名前");
        assert_eq!(shown.cursor_column, 7);
    }

    #[test]
    fn only_secret_fields_are_masked_and_only_when_redacting() {
        let code = TextInput::code().secret().with_value("123456");
        let name = input("alice");
        let mut session = Session::new("demo", true, false);
        assert!(!masked(&code, &session));
        session.redact = true;
        assert!(masked(&code, &session));
        assert!(!masked(&name, &session));
        assert_eq!(Shown::of(&code, true, 20).text, "••••••");
    }
}
