//! The boxes over a step: waiting, the orphan offer, the pinned-name offer, problems, the confirmation
//! before deleting the wizard's device, and what remains when that delete failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::app::wizard::{Dialog, Problem, WizardState, delete_command};
use crate::ui::theme;
use crate::ui::widgets::{self, KeyHint};
use crate::ui::wrap::wrap;

/// The widest a dialog's text runs, for reading comfort.
const MAX_TEXT_WIDTH: u16 = 72;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState) {
    let width = usize::from(area.width.saturating_sub(8).min(MAX_TEXT_WIDTH));
    if let Some(label) = state.busy() {
        widgets::dialog(
            frame,
            area,
            "Please wait",
            wrap(label, Style::new(), width),
            &[],
        );
        return;
    }
    let Some(dialog) = &state.dialog else {
        return;
    };
    let (title, lines) = content(dialog, state, width);
    widgets::dialog(frame, area, &title, lines, &hints(dialog));
}

fn content(dialog: &Dialog, state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let plain = Style::new();
    let user = state.user_name.as_deref().unwrap_or("your user");
    match dialog {
        Dialog::OrphanOffer { serial } => {
            let mut lines = wrap(
                &format!(
                    "The name “{}” belongs to an unassigned virtual device:",
                    state.name.input.value()
                ),
                plain,
                width,
            );
            lines.extend(wrap(&format!("  {serial}"), theme::accent(), width));
            lines.extend(wrap(
                "Nobody uses it: an enrollment that was never finished, or a device removed but not deleted. Delete it and use the name?",
                plain,
                width,
            ));
            ("Name held by an unused device".to_string(), lines)
        }
        Dialog::PinnedName { denied } => {
            let mut lines = wrap(
                &format!("Creating a device named “{denied}” was denied."),
                plain,
                width,
            );
            lines.extend(wrap(
                &format!(
                    "Older “manage your own MFA” policies allow a virtual device only when it is named after the user (mfa/{user})."
                ),
                plain,
                width,
            ));
            lines.extend(wrap(
                &format!("Press u to use “{user}” as the device name."),
                theme::accent(),
                width,
            ));
            ("Device name not allowed".to_string(), lines)
        }
        Dialog::Problem(problem) => (problem.title.clone(), problem_lines(problem, width)),
        Dialog::ConfirmLeave { quit } => {
            let serial = state.enrollment.as_ref().map_or("", |e| e.serial.as_str());
            let mut lines = wrap(
                "This wizard created a device that is not active yet:",
                plain,
                width,
            );
            lines.extend(wrap(&format!("  {serial}"), theme::accent(), width));
            lines.extend(wrap(
                "Leaving deletes it, so that no unused device is left behind.",
                plain,
                width,
            ));
            if *quit {
                lines.extend(wrap("Then iam-mfa closes.", theme::dim(), width));
            }
            ("Leave the wizard?".to_string(), lines)
        }
        Dialog::RollbackFailed { serial, error, .. } => {
            let mut lines = wrap(
                &format!("{serial} remains in the account."),
                theme::warning(),
                width,
            );
            lines.extend(wrap(&error.to_string(), plain, width));
            lines.extend(wrap("Remove it later with:", plain, width));
            lines.extend(wrap(&delete_command(serial), theme::accent(), width));
            ("The device could not be deleted".to_string(), lines)
        }
    }
}

fn problem_lines(problem: &Problem, width: usize) -> Vec<Line<'static>> {
    let mut lines = wrap(&problem.error.to_string(), theme::error(), width);
    if let Some(advice) = &problem.advice {
        lines.extend(wrap(advice, theme::dim(), width));
    }
    lines
}

pub fn hints(dialog: &Dialog) -> Vec<KeyHint> {
    match dialog {
        Dialog::OrphanOffer { .. } => vec![("y", "delete it and go on"), ("n", "another name")],
        Dialog::PinnedName { .. } => vec![("u", "use the user name"), ("Esc", "back")],
        Dialog::Problem(problem) if problem.retry.is_some() => {
            vec![("r", "retry"), ("Enter", "back"), ("l", "leave the wizard")]
        }
        Dialog::Problem(_) => vec![("Enter", "back"), ("l", "leave the wizard")],
        Dialog::ConfirmLeave { .. } => vec![("y", "delete and leave"), ("n", "stay")],
        Dialog::RollbackFailed { .. } => vec![("r", "retry"), ("l", "leave it"), ("Esc", "stay")],
    }
}
