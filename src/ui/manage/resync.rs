//! The resync form: two code fields, each with its message underneath.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::App;
use crate::app::manage::resync::ResyncForm;
use crate::iam::device_name_from_serial;
use crate::otp::CodeField;
use crate::ui::field::{self, Field};
use crate::ui::{theme, widgets};

pub fn render(frame: &mut Frame, area: Rect, form: &ResyncForm, app: &App) {
    const WIDTH: u16 = 72;
    // The panel's border and the two fields' rows beyond their first message line.
    let inner_width = WIDTH.min(area.width).saturating_sub(2);
    let heights = [CodeField::First, CodeField::Second]
        .map(|which| field::height(form.codes.field(which).message(), inner_width));
    let rect = widgets::centered(area, WIDTH, 10 + heights[0] + heights[1]);
    frame.render_widget(Clear, rect);
    let block = widgets::panel("Resync device").border_style(theme::focused_border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [intro, code1, code2, status, hints] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(heights[0]),
        Constraint::Length(heights[1]),
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
    for (area, label, which) in [
        (code1, "Code 1", CodeField::First),
        (code2, "Code 2", CodeField::Second),
    ] {
        let code = form.codes.field(which);
        let shown = Field {
            label,
            input: code.input(),
            focused: !form.submitting && form.codes.focus() == which,
            message: code.message(),
        };
        field::render(frame, area, &shown, &app.session);
    }
    let mut status_lines = vec![widgets::countdown_line(
        crate::otp::seconds_left(app.now),
        status.width,
    )];
    if form.submitting {
        status_lines.push(Line::styled("Resynchronizing…", theme::dim()));
    } else if let Some(line) = demo_codes_line(form, app) {
        status_lines.push(line);
    }
    frame.render_widget(Paragraph::new(status_lines), status);
    frame.render_widget(
        widgets::hints_line(&[
            ("Enter", "next/resync"),
            ("Tab", "other field"),
            ("Esc", "cancel"),
        ]),
        hints,
    );
}

/// On the demo account the device's codes are shown, so the flow works (and records) without a phone.
fn demo_codes_line(form: &ResyncForm, app: &App) -> Option<Line<'static>> {
    if !app.session.demo {
        return None;
    }
    let (now, next) = form.device_codes(app.now)?;
    let (now, next) = (
        field::shown_code(&now, &app.session),
        field::shown_code(&next, &app.session),
    );
    Some(Line::from(vec![
        ratatui::text::Span::styled("Demo authenticator  now ", theme::dim()),
        ratatui::text::Span::styled(now, theme::title()),
        ratatui::text::Span::styled("  next ", theme::dim()),
        ratatui::text::Span::styled(next, theme::title()),
    ]))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::KeyCode;

    use crate::clock::ManualClock;
    use crate::headless::{FIXED_NOW, Headless};
    use crate::iam::demo::{DemoAccount, DemoIdentity};

    /// Opens the resync form on admin's first device, with the app in demo mode or not.
    async fn resync_form(demo: bool) -> Headless {
        let clock = ManualClock::at(FIXED_NOW);
        let account = DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()));
        let mut headless = Headless::new(Arc::new(account), clock, demo, 100, 32).await;
        for code in [KeyCode::Char('u'), KeyCode::Enter, KeyCode::Char('s')] {
            headless.press_code(code).await;
        }
        headless
    }

    #[tokio::test]
    async fn the_device_codes_show_in_demo_mode_only() {
        let mut demo = resync_form(true).await;
        let screen = demo.screen_text();
        assert!(screen.contains("Code changes in 30s"), "{screen}");
        assert!(screen.contains("Demo authenticator  now "), "{screen}");

        let mut real = resync_form(false).await;
        let screen = real.screen_text();
        assert!(screen.contains("Code changes in 30s"), "{screen}");
        assert!(!screen.contains("Demo authenticator"), "{screen}");
    }
}
