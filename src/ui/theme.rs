//! Colours and styles in one place. Kept to the 16 basic colours plus bold/dim so the app reads the same
//! on light and dark terminals and over SSH; the QR code alone uses explicit black and white.
//!
//! Under `NO_COLOR` ([`Colours::Off`]) every style keeps its modifiers and loses its colour; styles
//! that only had a colour get a modifier instead (bold for keys, warnings and errors, bold for the
//! focused border against the dim ones), so what stood out still does.
//!
//! The choice is the session's ([`crate::app::Session::colours`]). [`render`](super::render) hands it
//! to the theme once per frame ([`using`]) rather than through every drawing function: every widget
//! asks the theme, and a parameter on each would touch every screen for one bit.

use std::cell::Cell;

use ratatui::style::{Color, Modifier, Style};

use crate::app::Colours;

thread_local! {
    /// The frame being drawn on this thread: set by [`using`] for the length of one render.
    static COLOURS: Cell<Colours> = const { Cell::new(Colours::On) };
}

/// Styles follow `colours` until the guard is dropped (then the previous choice again).
#[must_use = "the choice lasts as long as the guard"]
pub fn using(colours: Colours) -> Using {
    Using(COLOURS.replace(colours))
}

pub struct Using(Colours);

impl Drop for Using {
    fn drop(&mut self) {
        COLOURS.set(self.0);
    }
}

/// The choice in force for the frame being drawn.
pub fn colours() -> Colours {
    COLOURS.get()
}

/// `style` with its colour, or under `NO_COLOR` with `instead` in its place.
fn coloured(style: Style, instead: Modifier) -> Style {
    match colours() {
        Colours::On => style,
        Colours::Off => Style {
            fg: None,
            bg: None,
            ..style
        }
        .add_modifier(instead),
    }
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

pub fn accent() -> Style {
    coloured(Style::new().fg(Color::Cyan), Modifier::empty())
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn key() -> Style {
    coloured(
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        Modifier::empty(),
    )
}

pub fn ok() -> Style {
    coloured(Style::new().fg(Color::Green), Modifier::empty())
}

pub fn warning() -> Style {
    coloured(Style::new().fg(Color::Yellow), Modifier::BOLD)
}

pub fn error() -> Style {
    coloured(Style::new().fg(Color::Red), Modifier::BOLD)
}

pub fn border() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

pub fn focused_border() -> Style {
    coloured(Style::new().fg(Color::Cyan), Modifier::BOLD)
}
