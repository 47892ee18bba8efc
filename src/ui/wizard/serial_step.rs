//! Step 4 for a hardware TOTP token: the serial number, checked as typed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::wizard::WizardState;
use crate::ui::field::{self, Field};
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let problem = if state.serial.input.is_empty() {
        None
    } else {
        state.serial.problem()
    };
    let [field_area, note_area] = Layout::vertical([
        Constraint::Length(field::height(problem.as_deref(), area.width) + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    let serial = Field {
        label: "Serial number (on the back of the token)",
        input: &state.serial.input,
        focused: true,
        message: problem.as_deref(),
    };
    field::render(frame, field_area, &serial, &app.session);
    let note = vec![
        Line::raw(
            "The token must not be assigned to anyone yet. After Enter, type two consecutive codes from its display.",
        ),
        Line::styled(
            "IAM takes 9 to 256 characters: letters, digits and + = / : , . @ _ -",
            theme::dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), note_area);
}
