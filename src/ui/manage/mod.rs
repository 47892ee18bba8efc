//! Renderers of the device-management dialogs and forms (`app::manage`).

pub mod confirm;
pub mod resync;
pub mod tags;

use ratatui::style::Style;
use ratatui::text::Line;

/// Breaks `text` into lines of at most `width` characters at spaces, so a dialog (whose height counts
/// lines) shows every word. Leading spaces of the text are kept on its first line.
pub fn wrapped(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let width = width.max(10);
    let indent: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut current = indent.clone();
    for word in text.split_whitespace() {
        let len = current.chars().count();
        if len > indent.len() && len + 1 + word.chars().count() > width {
            lines.push(Line::styled(
                std::mem::replace(&mut current, indent.clone()),
                style,
            ));
        }
        if current.chars().count() > indent.len() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(Line::styled(current, style));
    lines
}

/// The text width a dialog over `area` can use.
pub fn dialog_text_width(area: ratatui::layout::Rect) -> usize {
    usize::from(area.width.saturating_sub(8)).min(90)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_keeps_the_indent() {
        let lines = wrapped("  one two three four", 10, Style::new());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["  one two", "  three", "  four"]);
        assert_eq!(wrapped("", 10, Style::new()).len(), 1);
    }
}
