//! Step 3: the three kinds of device; the passkey explanation with the console path; for a root caller,
//! where root's own MFA is set (the console only).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::wizard::{DeviceChoice, WizardState};
use crate::iam::{CallerMode, Partition};
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let root = app.session.mode == Some(CallerMode::Root);
    let [main_area, root_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(if root { 4 } else { 0 }),
    ])
    .areas(area);
    let lines = if state.choice.explaining_passkey {
        passkey_lines(state, console_url(app))
    } else {
        choice_lines(state)
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), main_area);
    if root {
        let note = vec![
            Line::styled("You are signed in as the root user.", theme::warning()),
            Line::raw(format!(
                "This enrolls the IAM user's device. {}",
                root_console_path(app)
            )),
        ];
        frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), root_area);
    }
}

/// Where root's own MFA is set: the console only (the Coverage screen says it too).
pub fn root_console_path(app: &App) -> String {
    format!(
        "MFA for the root user itself can only be set in the console ({}): account menu > Security credentials > Assign MFA device.",
        console_url(app)
    )
}

fn console_url(app: &App) -> &'static str {
    let partition = app
        .session
        .identity
        .loaded()
        .map_or(Partition::Aws, |identity| identity.partition());
    partition.console_url()
}

fn choice_lines(state: &WizardState) -> Vec<Line<'static>> {
    let selected = state.choice.selected();
    let mut lines = Vec::new();
    for (index, choice) in DeviceChoice::ALL.into_iter().enumerate() {
        let is_selected = choice == selected;
        let marker = if is_selected { "› " } else { "  " };
        let style = if is_selected {
            theme::selected()
        } else {
            theme::title()
        };
        lines.push(Line::from(vec![
            Span::styled(marker, theme::accent()),
            Span::styled(format!("{}", index + 1), theme::key()),
            Span::raw("  "),
            Span::styled(choice.label(), style),
        ]));
        lines.push(Line::styled(
            format!("     {}", choice.description()),
            theme::dim(),
        ));
    }
    lines
}

fn passkey_lines(state: &WizardState, console_url: &str) -> Vec<Line<'static>> {
    let user = state.user_name.as_deref().unwrap_or("USER");
    vec![
        Line::styled(
            "Passkeys and security keys are registered in a browser",
            theme::title(),
        ),
        Line::raw(""),
        Line::raw(
            "AWS registers them with WebAuthn, between the browser and the key: no API or command-line tool can, so this wizard cannot either.",
        ),
        Line::raw(""),
        Line::raw(format!("In the IAM console ({console_url}):")),
        Line::styled(
            format!("  IAM > Users > {user} > Security credentials > Assign MFA device"),
            theme::accent(),
        ),
        Line::raw("then choose Passkey or security key and follow the browser's prompts."),
    ]
}
