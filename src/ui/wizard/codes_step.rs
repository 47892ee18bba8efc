//! Step 5: the two code fields with their messages, the live countdown, and the console's advice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::wizard::WizardState;
use crate::otp::{self, CodeField};
use crate::ui::field::{self, Field};
use crate::ui::theme;
use crate::ui::widgets;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let codes = &state.codes;
    let [
        device_area,
        code1_area,
        code2_area,
        countdown_area,
        note_area,
    ] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(field::height(codes.first().message(), area.width)),
        Constraint::Length(field::height(codes.second().message(), area.width)),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(area);
    if let Some(enrollment) = &state.enrollment {
        let device = Line::from(vec![
            Span::styled("Device  ", theme::dim()),
            Span::raw(enrollment.serial.clone()),
        ]);
        frame.render_widget(device, device_area);
    }
    for (area, label, which) in [
        (code1_area, "Authentication code 1", CodeField::First),
        (
            code2_area,
            "Authentication code 2 (the next code)",
            CodeField::Second,
        ),
    ] {
        let code = codes.field(which);
        let shown = Field {
            label,
            input: code.input(),
            focused: codes.focus() == which,
            message: code.message(),
        };
        field::render(frame, area, &shown, &app.session);
    }
    frame.render_widget(
        widgets::countdown_line(otp::seconds_left(app.now), countdown_area.width),
        countdown_area,
    );
    frame.render_widget(
        Paragraph::new(note(state)).wrap(Wrap { trim: true }),
        note_area,
    );
}

fn note(state: &WizardState) -> Vec<Line<'static>> {
    let checked = state.enrollment.as_ref().is_some_and(|e| e.seed.is_some());
    let check = if checked {
        "The pair is checked here before anything is sent."
    } else {
        "AWS checks the pair (this token's secret is not known here)."
    };
    vec![
        Line::raw("Type the code shown now, wait for it to change, then type the next one."),
        Line::styled(
            format!(
                "Press Enter right away: codes that wait too long leave the device out of sync. {check}"
            ),
            theme::dim(),
        ),
    ]
}
