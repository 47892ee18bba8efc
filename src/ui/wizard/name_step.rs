//! Step 2: the device name with its live check, and the optional tags.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::text;
use crate::app::wizard::{NameFocus, NameProblem, WizardState, at_limit_message};
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState) {
    let at_limit = state.user_at_limit();
    let problem = state.name_problem();
    let name_error = problem.as_ref().map(NameProblem::message);
    let tags_error = state.name.parsed_tags().err();
    let [limit_area, name_area, tags_area, note_area] = Layout::vertical([
        Constraint::Length(if at_limit { 3 } else { 0 }),
        Constraint::Length(text::field_height(name_error.as_deref(), area.width) + 1),
        Constraint::Length(text::field_height(tags_error.as_deref(), area.width) + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    if at_limit {
        let user = state.user_name.as_deref().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::styled(at_limit_message(user), theme::error()))
                .wrap(Wrap { trim: true }),
            limit_area,
        );
    }
    let focus = state.name.focus;
    text::field(
        frame,
        name_area,
        "Device name (unique in the account)",
        &state.name.input,
        focus == NameFocus::Name,
        name_error.as_deref(),
        false,
    );
    if problem.is_none() {
        let free = if state.taken.loaded().is_some() {
            "  ✓ free in this account"
        } else {
            "  ✓ a valid name"
        };
        frame.render_widget(
            Line::styled(free, theme::ok()),
            Rect {
                y: name_area.y + 2,
                height: 1,
                ..name_area
            },
        );
    }
    text::field(
        frame,
        tags_area,
        "Tags (optional): key=value, key=value",
        &state.name.tags,
        focus == NameFocus::Tags,
        tags_error.as_deref(),
        false,
    );
    let note = "Authenticator apps show the device name with the account. Tags are set at creation (they need iam:TagMFADevice).";
    frame.render_widget(
        Paragraph::new(Line::styled(note, theme::dim())).wrap(Wrap { trim: true }),
        note_area,
    );
}
