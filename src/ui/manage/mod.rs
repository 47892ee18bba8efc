//! Renderers of the device-management dialogs and forms (`app::manage`).

pub mod confirm;
pub mod resync;
pub mod tags;

/// The text width a dialog over `area` can use.
pub fn dialog_text_width(area: ratatui::layout::Rect) -> usize {
    usize::from(area.width.saturating_sub(8)).min(90)
}
