//! The resync form: two code fields, each with its message underneath.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::manage::resync::ResyncForm;
use crate::iam::device_name_from_serial;
use crate::otp::CodeField;
use crate::ui::{theme, widgets};

pub fn render(frame: &mut Frame, area: Rect, form: &ResyncForm) {
    let rect = widgets::centered(area, 72, 16);
    frame.render_widget(Clear, rect);
    let block = widgets::panel("Resync device").border_style(theme::focused_border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [intro, code1, code2, status, hints] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let check = if form.seed_known() {
        "The pair is checked against the device's secret before it is sent."
    } else {
        "Only the format can be checked here; IAM checks the pair."
    };
    let text = vec![
        Line::raw(format!(
            "{} of {}: enter the code shown now, wait for the next one, enter that.",
            device_name_from_serial(&form.serial),
            form.user_name
        )),
        Line::styled(check, theme::dim()),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), intro);
    let error_at = |field| {
        form.error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    };
    let focused = |field| !form.submitting && form.focus == field;
    widgets::text_field(
        frame,
        code1,
        "Code 1",
        &form.code1,
        focused(CodeField::First),
        error_at(CodeField::First),
        false,
    );
    widgets::text_field(
        frame,
        code2,
        "Code 2",
        &form.code2,
        focused(CodeField::Second),
        error_at(CodeField::Second),
        false,
    );
    if form.submitting {
        frame.render_widget(Line::styled("Resynchronizing…", theme::dim()), status);
    }
    frame.render_widget(
        widgets::hints_line(&[
            ("Enter", "next/resync"),
            ("Tab", "other field"),
            ("Esc", "cancel"),
        ]),
        hints,
    );
}
