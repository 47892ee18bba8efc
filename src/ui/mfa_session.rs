//! The MFA-session prompt: why a session is needed, the caller's devices to pick from, the code field.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::field::{self, Field};
use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::mfa_session::MfaSessionState;
use crate::app::{App, Loadable};
use crate::iam::{DeviceKind, MfaDevice, Principal, device_name_from_serial};

/// What the session is and where its credentials live; each line fits an 80-column terminal.
const EXPLANATION: [&str; 4] = [
    "Your account's policy allows this only when you have signed in with MFA.",
    "Type the current code of one of your devices: iam-mfa asks AWS STS for",
    "temporary credentials (GetSessionToken) and signs the next calls with them.",
    "They are held in memory only, and last 12 hours (AWS's default).",
];

pub fn render(frame: &mut Frame, area: Rect, state: &MfaSessionState, app: &App) {
    let block = widgets::panel("MFA session");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [reason_area, explanation_area, body] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(EXPLANATION.len() as u16 + 1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Line::styled(state.reason.clone(), theme::warning()))
            .wrap(Wrap { trim: true }),
        reason_area,
    );
    let explanation: Vec<Line> = EXPLANATION.iter().map(|line| Line::raw(*line)).collect();
    frame.render_widget(Paragraph::new(explanation), explanation_area);

    if let Some(principal) = app.session.principal().filter(|p| !is_iam_user(p)) {
        frame.render_widget(
            Paragraph::new(not_an_iam_user(&principal)).wrap(Wrap { trim: true }),
            body,
        );
        return;
    }
    match &state.devices {
        Loadable::Loading => widgets::loading(frame, body, "your MFA devices"),
        Loadable::Failed(error) => widgets::failed(frame, body, "your MFA devices", error),
        Loadable::Loaded(devices) if state.usable_devices().is_empty() => {
            frame.render_widget(
                Paragraph::new(no_usable_device(devices)).wrap(Wrap { trim: true }),
                body,
            );
        }
        Loadable::Loaded(devices) => render_form(frame, body, state, devices, app),
    }
}

fn is_iam_user(principal: &Principal) -> bool {
    matches!(principal, Principal::IamUser { .. })
}

fn not_an_iam_user(principal: &Principal) -> Vec<Line<'static>> {
    let who = match principal {
        Principal::Root => "the root user",
        _ => "a role or federated session",
    };
    vec![
        Line::styled(format!("You are signed in as {who}."), theme::error()),
        Line::raw(
            "An MFA session is opened with a device of your own IAM user. A role gets MFA when it is assumed (aws sts assume-role --serial-number ... --token-code ...): sign in again that way, then start iam-mfa.",
        ),
    ]
}

fn no_usable_device(devices: &[MfaDevice]) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        "None of your devices can open an MFA session.",
        theme::error(),
    )];
    if !devices.is_empty() {
        lines.push(Line::raw(
            "Passkeys and security keys answer the browser, not a six-digit code, so STS cannot take them.",
        ));
    }
    lines.push(Line::raw(
        "Assign a virtual or hardware TOTP device first: your first device needs no MFA session.",
    ));
    lines
}

fn render_form(
    frame: &mut Frame,
    area: Rect,
    state: &MfaSessionState,
    devices: &[MfaDevice],
    app: &App,
) {
    // The list as tall as it needs (scrolling when the terminal is short), the code field right under it.
    let field_height = field::height(state.code.message(), area.width);
    let fixed_rows = 1 + 1 + field_height + 1;
    let list_height =
        (devices.len() as u16).clamp(1, area.height.saturating_sub(fixed_rows).max(1));
    let [title_area, list_area, _, field_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(list_height),
        Constraint::Length(1),
        Constraint::Length(field_height),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Line::styled("Your devices", theme::title()), title_area);
    frame.render_widget(
        Paragraph::new(device_lines(state, devices, list_area.height)),
        list_area,
    );

    let selected = state.selected_device();
    let label = selected.map_or_else(
        || "Code".to_string(),
        |device| format!("Code from {}", display_name(device)),
    );
    let code = Field {
        label: &label,
        input: state.code.input(),
        focused: !state.is_starting(),
        message: state.code.message(),
    };
    field::render(frame, field_area, &code, &app.session);
    let status = if state.is_starting() {
        Line::styled("Asking AWS STS for a session…", theme::dim())
    } else if let Some(code) = selected.and_then(|d| state.demo_code(&d.serial, app.now)) {
        let code = field::shown_code(&code, &app.session);
        Line::from(vec![
            Span::styled("Demo account: ", theme::dim()),
            Span::raw("the device shows "),
            Span::styled(code, theme::accent()),
            Span::raw(format!(
                " now (next code in {}s)",
                crate::otp::seconds_left(app.now)
            )),
        ])
    } else {
        Line::default()
    };
    frame.render_widget(status, status_area);
}

/// One line per device, the selected one marked; passkeys shown but not selectable. When the list is
/// taller than `height`, the window follows the selection.
fn device_lines(state: &MfaSessionState, devices: &[MfaDevice], height: u16) -> Vec<Line<'static>> {
    let selected_serial = state.selected_device().map(|d| d.serial.clone());
    let name_width = devices
        .iter()
        .map(|d| display_name(d).chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line<'static>> = devices
        .iter()
        .map(|device| {
            let name = format!("{:<name_width$}", display_name(device));
            if device.kind() == DeviceKind::Passkey {
                return Line::styled(
                    format!("  {name}  passkey: browser only, cannot open a session"),
                    theme::dim(),
                );
            }
            let is_selected = selected_serial.as_deref() == Some(device.serial.as_str());
            let marker = if is_selected { "› " } else { "  " };
            let name_style = if is_selected {
                theme::selected()
            } else {
                theme::title()
            };
            Line::from(vec![
                Span::styled(marker, theme::accent()),
                Span::styled(name, name_style),
                Span::styled(
                    format!(
                        "  {:<13}  enabled {}",
                        device.kind().label(),
                        device.enabled_at
                    ),
                    theme::dim(),
                ),
            ])
        })
        .collect();
    let height = usize::from(height.max(1));
    let selected_row = devices
        .iter()
        .position(|d| Some(&d.serial) == selected_serial.as_ref())
        .unwrap_or(0);
    let start = (selected_row + 1).saturating_sub(height);
    lines.into_iter().skip(start).take(height).collect()
}

/// Virtual devices by their name; hardware tokens and passkeys by their serial's last part.
fn display_name(device: &MfaDevice) -> &str {
    device_name_from_serial(&device.serial)
}

pub fn hints(state: &MfaSessionState) -> Vec<KeyHint> {
    if matches!(state.devices, Loadable::Failed(_)) {
        return vec![("r", "retry"), ("Esc", "back")];
    }
    if state.is_starting() {
        return vec![("Esc", "back")];
    }
    vec![
        ("↑↓", "device"),
        ("0-9", "code"),
        ("Enter", "start session"),
        ("Esc", "back"),
    ]
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyCode;

    use crate::app::mfa_session::testing::offer_on;
    use crate::clock::Clock;
    use crate::headless::Headless;
    use crate::iam::demo::DemoIdentity;

    const MY_DEVICE: &str = "arn:aws:iam::210987654321:mfa/jordan.lee-pixel";

    /// The prompt as a self-service user sees it after trying to remove their device.
    async fn prompt(cols: u16, rows: u16) -> Headless {
        let mut headless = Headless::demo(DemoIdentity::SelfService, cols, rows).await;
        let error = headless
            .iam
            .deactivate_mfa_device("jordan.lee", MY_DEVICE)
            .await
            .expect_err("needs an MFA session");
        let reason = "Removing jordan.lee-pixel needs an MFA session.";
        assert!(offer_on(&mut headless, &error, reason).await);
        headless
    }

    #[tokio::test]
    async fn mfa_session_prompt_80x24() {
        let mut headless = prompt(80, 24).await;
        insta::assert_snapshot!("mfa_session_prompt_80x24", headless.render());
    }

    #[tokio::test]
    async fn mfa_session_prompt_120x40() {
        let mut headless = prompt(120, 40).await;
        headless.type_text("12").await;
        insta::assert_snapshot!("mfa_session_prompt_120x40", headless.render());
    }

    #[tokio::test]
    async fn mfa_session_prompt_wrong_code_80x24() {
        let mut headless = prompt(80, 24).await;
        let right = headless
            .iam
            .known_seed(MY_DEVICE)
            .unwrap()
            .code_at(headless.clock.now());
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        headless.type_text(wrong).await;
        headless.press_code(KeyCode::Enter).await;
        insta::assert_snapshot!("mfa_session_prompt_wrong_code_80x24", headless.render());
    }
}
