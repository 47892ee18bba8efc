//! Step 2: the device name with its live check, and the optional tags.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::wizard::{NameFocus, NameProblem, WizardState, at_limit_message};
use crate::ui::field::{self, Field};
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let at_limit = state.user_at_limit();
    let problem = state.name_problem();
    let name_error = problem.as_ref().map(NameProblem::message);
    let tags_error = state.name.parsed_tags().err();
    let [limit_area, name_area, tags_area, note_area] = Layout::vertical([
        Constraint::Length(if at_limit { 3 } else { 0 }),
        Constraint::Length(field::height(name_error.as_deref(), area.width) + 1),
        Constraint::Length(field::height(tags_error.as_deref(), area.width) + 1),
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
    let name = Field {
        label: "Device name (unique in the account)",
        input: &state.name.input,
        focused: focus == NameFocus::Name,
        message: name_error.as_deref(),
    };
    field::render(frame, name_area, &name, &app.session);
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
    let tags = Field {
        label: "Tags (optional): key=value, key=value",
        input: &state.name.tags,
        focused: focus == NameFocus::Tags,
        message: tags_error.as_deref(),
    };
    field::render(frame, tags_area, &tags, &app.session);
    let note = "Authenticator apps show the device name with the account. Tags are set at creation (they need iam:TagMFADevice).";
    frame.render_widget(
        Paragraph::new(Line::styled(note, theme::dim())).wrap(Wrap { trim: true }),
        note_area,
    );
}
