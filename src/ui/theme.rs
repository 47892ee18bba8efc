//! Colours and styles in one place. Kept to the 16 basic colours plus bold/dim so the app reads the same
//! on light and dark terminals and over SSH; the QR code alone uses explicit black and white.

use ratatui::style::{Color, Modifier, Style};

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn border() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

pub fn focused_border() -> Style {
    Style::new().fg(Color::Cyan)
}
