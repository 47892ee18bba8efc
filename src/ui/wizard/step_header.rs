//! Where the user is and what comes next: the six stages with the finished ones ticked, then a line
//! with the step number, the user the device is for, and the next stage.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::wizard::{Phase, WizardState};
use crate::iam::MAX_DEVICES_PER_USER;
use crate::ui::theme;

pub const HEIGHT: u16 = 2;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState) {
    frame.render_widget(Paragraph::new(vec![stages(state), position(state)]), area);
}

fn stages(state: &WizardState) -> Line<'static> {
    let current = state.step.phase();
    let mut spans = Vec::new();
    for (i, phase) in Phase::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme::dim()));
        }
        let (text, style) = match phase.cmp(&current) {
            std::cmp::Ordering::Less => (format!("✓ {}", phase.label()), theme::ok()),
            std::cmp::Ordering::Equal => (
                format!(" {} {} ", phase.number(), phase.label()),
                theme::selected().patch(theme::title()),
            ),
            std::cmp::Ordering::Greater => (
                format!("{} {}", phase.number(), phase.label()),
                theme::dim(),
            ),
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn position(state: &WizardState) -> Line<'static> {
    let phase = state.step.phase();
    let mut spans = vec![Span::raw(format!(
        "Step {} of {}",
        phase.number(),
        Phase::ALL.len()
    ))];
    if let Some(user) = &state.user_name {
        spans.push(Span::styled("  ·  for ", theme::dim()));
        spans.push(Span::styled(user.clone(), theme::title()));
        if let Some(count) = state.chosen_user_count() {
            spans.push(Span::raw(format!(
                " ({count} of {MAX_DEVICES_PER_USER} devices)"
            )));
        }
    }
    if let Some(next) = phase.next() {
        spans.push(Span::styled("  ·  next: ", theme::dim()));
        spans.push(Span::raw(next.label()));
    }
    Line::from(spans)
}
