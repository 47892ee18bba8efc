//! The boxes over a step: waiting, the orphan offer, the pinned-name offer, problems, the confirmation
//! before deleting the wizard's device, and what remains when that delete failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::app::enrollment_marker::{Standing, in_progress_reason};
use crate::app::wizard::{Dialog, OrphanOffer, Problem, WizardState, delete_command};
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
        Dialog::OrphanOffer(offer) => orphan_offer(offer, state, width),
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

/// What the tags of the device holding the name say, and what `y` does (or why it does nothing).
fn orphan_offer(
    offer: &OrphanOffer,
    state: &WizardState,
    width: usize,
) -> (String, Vec<Line<'static>>) {
    let plain = Style::new();
    let mut lines = wrap(
        &format!(
            "The name “{}” belongs to an unassigned virtual device:",
            state.name.input.value()
        ),
        plain,
        width,
    );
    lines.extend(wrap(&format!("  {}", offer.serial), theme::accent(), width));
    let (title, about) = match &offer.standing {
        Ok(Standing::InProgress { since }) => (
            "Name held by an enrollment in progress",
            format!(
                "Not abandoned: {}. Deleting it would break that enrollment. Choose another name{}",
                in_progress_reason(*since),
                if offer.insisted {
                    "; or press y to delete it anyway (when this device is created)."
                } else {
                    ", or press ! if you are sure that enrollment was given up."
                }
            ),
        ),
        Ok(Standing::Abandoned { since: Some(since) }) => (
            "Name held by an unused device",
            format!(
                "Its enrollment started at {since} and was never finished. Delete it (when the new device is created) and use the name?"
            ),
        ),
        Ok(Standing::Abandoned { since: None }) => (
            "Name held by an unused device",
            "It carries no enrollment marker: an enrollment that was never finished, or a device removed but not deleted. Delete it (when the new device is created) and use the name?".to_string(),
        ),
        Err(why) => (
            "Name held by an unassigned device",
            format!(
                "Its tags could not be read ({why}), so whether another run is enrolling it is not known. Delete it (when the new device is created) and use the name?"
            ),
        ),
    };
    let style = if offer.blocked() {
        theme::warning()
    } else {
        plain
    };
    lines.extend(wrap(&about, style, width));
    (title.to_string(), lines)
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
        Dialog::OrphanOffer(offer) if offer.blocked() => {
            vec![("n", "another name"), ("!", "free it anyway")]
        }
        Dialog::OrphanOffer(_) => vec![("y", "delete it and go on"), ("n", "another name")],
        Dialog::PinnedName { .. } => vec![("u", "use the user name"), ("Esc", "back")],
        Dialog::Problem(problem) if problem.retry.is_some() => {
            vec![("r", "retry"), ("Enter", "back"), ("l", "leave the wizard")]
        }
        Dialog::Problem(_) => vec![("Enter", "back"), ("l", "leave the wizard")],
        Dialog::ConfirmLeave { .. } => vec![("y", "delete and leave"), ("n", "stay")],
        Dialog::RollbackFailed { .. } => vec![("r", "retry"), ("l", "leave it"), ("Esc", "stay")],
    }
}
