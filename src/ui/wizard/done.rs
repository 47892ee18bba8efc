//! Step 6: what was assigned, to whom, when, the count now, and the AWS CLI equivalent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::wizard::{DeviceChoice, WizardState, cli_command};
use crate::iam::{MAX_DEVICES_PER_USER, Timestamp};
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState) {
    let Some(enabled) = &state.enabled else {
        return;
    };
    let row = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<9}"), theme::dim()),
            Span::raw(value),
        ])
    };
    let count = enabled.devices_now.map_or_else(
        || "one more".to_string(),
        |n| format!("now {n} of {MAX_DEVICES_PER_USER}"),
    );
    let at = Timestamp(i64::try_from(enabled.at).unwrap_or(i64::MAX));
    let mut lines = vec![
        Line::styled(
            "✓ The MFA device is assigned and active.",
            theme::ok().patch(theme::title()),
        ),
        Line::raw(""),
        row("Device", enabled.serial.clone()),
        row("Type", enabled.kind.label().to_string()),
        row("User", enabled.user_name.clone()),
        row("Enabled", at.to_string()),
        row("Devices", count),
        Line::raw(""),
        Line::styled("The same with the AWS CLI:", theme::dim()),
        Line::styled(
            cli_command(&enabled.user_name, &enabled.serial),
            theme::accent(),
        ),
    ];
    if enabled.kind == DeviceChoice::AuthenticatorApp {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "The secret key has been wiped from memory.",
            theme::dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
