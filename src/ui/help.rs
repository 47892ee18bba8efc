//! The help overlay (`?`): what the app is for, the keys of this screen and the keys everywhere.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme;
use super::widgets::{self, KeyHint};

const GLOBAL_KEYS: [KeyHint; 4] = [
    ("?", "show or hide this help"),
    ("Esc", "back / cancel"),
    (
        "Ctrl-C",
        "quit (asks first if a device would be left half set up)",
    ),
    ("↑↓ Tab", "move"),
];

pub fn render(frame: &mut Frame, area: Rect, screen_keys: &[KeyHint]) {
    let mut lines = vec![
        Line::raw("iam-mfa assigns and maintains AWS IAM MFA devices, as the console does."),
        Line::raw(""),
        Line::styled("This screen", theme::title()),
    ];
    lines.extend(screen_keys.iter().map(key_line));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Everywhere", theme::title()));
    lines.extend(GLOBAL_KEYS.iter().map(key_line));
    widgets::dialog(frame, area, "Help", lines, &[("Esc", "close")]);
}

fn key_line((key, action): &KeyHint) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {key:<8}"), theme::key()),
        Span::raw(action.to_string()),
    ])
}
