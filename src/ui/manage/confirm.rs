//! The yes/no dialog before a destructive action.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::manage::confirm::Confirm;
use crate::ui::widgets;
use crate::ui::wrap::wrap;

pub fn render<A>(frame: &mut Frame, area: Rect, confirm: &Confirm<A>) {
    let width = super::dialog_text_width(area);
    let lines = confirm
        .lines
        .iter()
        .flat_map(|line| wrap(line, Style::new(), width))
        .collect();
    widgets::dialog(
        frame,
        area,
        &confirm.title,
        lines,
        &[("y", confirm.yes_label), ("n/Esc", "cancel")],
    );
}
