//! The Assign MFA device wizard: the step header, the current step in a panel, the demo's virtual
//! authenticator beside it when open, and any dialog on top.

mod authenticator;
mod codes_step;
mod dialogs;
mod done;
mod name_step;
mod qr_full_screen;
#[cfg(test)]
mod qr_tests;
mod secret_step;
mod serial_step;
mod step_header;
#[cfg(test)]
mod tests;
pub mod type_step;
mod user_step;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::wizard::{Step, WizardState};

/// Columns the virtual authenticator takes beside the step; on narrower screens it goes below.
const AUTHENTICATOR_WIDTH: u16 = 30;
const AUTHENTICATOR_HEIGHT: u16 = 6;
/// The body width from which the authenticator fits beside the step.
const SIDE_BY_SIDE_FROM: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let [header_area, body] =
        Layout::vertical([Constraint::Length(step_header::HEIGHT), Constraint::Min(1)]).areas(area);
    step_header::render(frame, header_area, state);
    let (step_area, authenticator_area) = split_for_authenticator(body, state, app);
    render_step(frame, step_area, state, app);
    if let Some(area) = authenticator_area {
        authenticator::render(frame, area, state, app);
    }
    dialogs::render(frame, body, state);
}

/// The QR code alone on the whole terminal, when the secret step shows its full-screen view; `false`
/// (nothing drawn) otherwise.
pub fn render_full_screen(frame: &mut Frame, state: &WizardState, app: &App) -> bool {
    let Some(shape) = qr_full_screen::shape(state, app) else {
        return false;
    };
    qr_full_screen::render(frame, state, app, shape);
    true
}

/// Room for the authenticator panel, when it is open and has a device to show.
fn split_for_authenticator(body: Rect, state: &WizardState, app: &App) -> (Rect, Option<Rect>) {
    let shown =
        app.session.demo && state.authenticator_open && state.authenticator_seed().is_some();
    if !shown {
        return (body, None);
    }
    if body.width >= SIDE_BY_SIDE_FROM {
        let [step, panel] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(AUTHENTICATOR_WIDTH)])
                .areas(body);
        let panel = Rect {
            height: panel.height.min(AUTHENTICATOR_HEIGHT),
            ..panel
        };
        (step, Some(panel))
    } else {
        let [step, panel] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(AUTHENTICATOR_HEIGHT)])
                .areas(body);
        (step, Some(panel))
    }
}

fn render_step(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let block = widgets::panel(step_title(state));
    let inner = block.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(block, area);
    match state.step {
        Step::User => user_step::render(frame, inner, state),
        Step::Name => name_step::render(frame, inner, state, app),
        Step::Type => type_step::render(frame, inner, state, app),
        Step::Secret => secret_step::render(frame, inner, state, app),
        Step::Serial => serial_step::render(frame, inner, state, app),
        Step::Codes => codes_step::render(frame, inner, state, app),
        Step::Done => done::render(frame, inner, state),
    }
}

fn step_title(state: &WizardState) -> &'static str {
    match state.step {
        Step::User => "Choose the user",
        Step::Name => "Name the device",
        Step::Type => "Choose the device type",
        Step::Secret => "Set up the authenticator app",
        Step::Serial => "Hardware TOTP token",
        Step::Codes => "Enter two consecutive codes",
        Step::Done => "Device assigned",
    }
}

pub fn hints(state: &WizardState) -> Vec<KeyHint> {
    if state.busy().is_some() {
        return Vec::new();
    }
    if let Some(dialog) = &state.dialog {
        return dialogs::hints(dialog);
    }
    let mut hints = match state.step {
        Step::User => user_step::hints(state),
        Step::Name if state.user_at_limit() => vec![("Esc", "back")],
        Step::Name => vec![("Tab", "name/tags"), ("Enter", "next"), ("Esc", "back")],
        Step::Type if state.choice.explaining_passkey => vec![("Enter", "back to the list")],
        Step::Type => vec![("↑↓", "move"), ("Enter", "choose"), ("Esc", "back")],
        Step::Secret => secret_step::hints(state),
        Step::Serial => vec![("Enter", "next"), ("Esc", "back")],
        Step::Codes => vec![
            ("Tab", "other code"),
            ("Enter", "activate"),
            ("Esc", "back"),
        ],
        Step::Done => vec![("Enter", "finish")],
    };
    let set_up = matches!(state.step, Step::Secret | Step::Codes);
    if state.demo
        && set_up
        && state.authenticator_seed().is_some()
        && state.secret.save_path.is_none()
    {
        hints.push(("F2", "demo app"));
    }
    hints
}
