//! The boxes the wizard puts over a step: offers, confirmations and problems. Every one of them has a
//! way on and a way out.

use crossterm::event::{KeyCode, KeyEvent};

use super::{OrphanOffer, Purpose, WizardState};
use crate::app::{Ctx, Nav, Request};
use crate::iam::IamError;

#[derive(Debug)]
pub enum Dialog {
    /// The name is held by an unassigned device: delete it (when the device is created) and go on?
    OrphanOffer(OrphanOffer),
    /// Creation was denied for a name other than the user's: older self-service policies pin the
    /// device name to the user name.
    PinnedName {
        denied: String,
    },
    Problem(Problem),
    /// Leaving would abandon a created, not yet enabled device: delete it? `quit`: the app is closing.
    ConfirmLeave {
        quit: bool,
    },
    /// The delete of the wizard's device failed: it remains, and this says how to remove it.
    RollbackFailed {
        serial: String,
        error: IamError,
        quit: bool,
    },
}

/// A failed request: what happened, why, and what the user can do.
#[derive(Debug)]
pub struct Problem {
    pub title: String,
    pub error: IamError,
    pub advice: Option<String>,
    /// Sent again with `r` (transient failures).
    pub retry: Option<(Request, Purpose)>,
}

impl Problem {
    pub fn new(title: impl Into<String>, error: IamError, advice: Option<String>) -> Self {
        Self {
            title: title.into(),
            error,
            advice,
            retry: None,
        }
    }

    /// Offers `r` to send the request again when the failure may pass on its own.
    pub fn retry_if_transient(mut self, request: impl Into<Request>, purpose: Purpose) -> Self {
        if self.error.is_transient() {
            self.retry = Some((request.into(), purpose));
        }
        self
    }
}

impl WizardState {
    pub(super) fn on_problem_key(&mut self, ctx: &mut Ctx, problem: Problem, key: KeyEvent) -> Nav {
        match key.code {
            KeyCode::Enter | KeyCode::Esc => Nav::Stay,
            KeyCode::Char('r') if problem.retry.is_some() => {
                if let Some((request, purpose)) = problem.retry {
                    self.send(ctx, request, purpose);
                }
                Nav::Stay
            }
            KeyCode::Char('l') => self.leave_naming_lost(ctx, false),
            _ => {
                self.dialog = Some(Dialog::Problem(problem));
                Nav::Stay
            }
        }
    }
}
