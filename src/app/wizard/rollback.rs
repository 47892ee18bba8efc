//! Leaving the wizard. Before anything was created it simply closes; after it created a virtual device
//! that is not enabled yet, it asks, deletes that device, and only then leaves, so no orphan is left
//! behind. If the delete fails, it says which device remains and the command that removes it.

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, Purpose, WizardState};
use crate::app::manage::confirm::{Answer, Confirm};
use crate::app::{Ctx, Nav, Outcome};
use crate::iam::{IamError, IamResult, op};

/// The command that removes a virtual device left behind.
pub fn delete_command(serial: &str) -> String {
    format!("aws iam delete-virtual-mfa-device --serial-number {serial}")
}

fn close(quit: bool) -> Nav {
    if quit {
        Nav::Quit
    } else {
        Nav::Pop(Outcome::Closed)
    }
}

impl WizardState {
    /// Leaves now, or first asks to delete the device this wizard created. `quit`: the app is closing.
    pub(super) fn leave(&mut self, quit: bool) -> Nav {
        if self.enrollment.as_ref().is_some_and(|e| e.needs_rollback()) {
            self.dialog = Some(Dialog::ConfirmLeave { quit });
            return Nav::Stay;
        }
        close(quit)
    }

    fn roll_back(&mut self, ctx: &mut Ctx, quit: bool) {
        let Some(serial) = self.enrollment.as_ref().map(|e| e.serial.clone()) else {
            return;
        };
        self.send(
            ctx,
            op::DeleteVirtualMfaDevice { serial },
            Purpose::RollBack { quit },
        );
    }

    pub(super) fn on_confirm_leave_key(&mut self, ctx: &mut Ctx, quit: bool, key: KeyEvent) -> Nav {
        // A delete: only `y` goes ahead, as in every confirmation (`manage::confirm`).
        match Confirm::<()>::answer(key) {
            Answer::Yes => self.roll_back(ctx, quit),
            Answer::No => {}
            Answer::Undecided => self.dialog = Some(Dialog::ConfirmLeave { quit }),
        }
        Nav::Stay
    }

    pub(super) fn on_rolled_back(
        &mut self,
        ctx: &mut Ctx,
        quit: bool,
        result: IamResult<()>,
    ) -> Nav {
        let Some(serial) = self.enrollment.as_ref().map(|e| e.serial.clone()) else {
            return Nav::Stay;
        };
        match result {
            // Already gone is as good as deleted.
            Ok(()) | Err(IamError::NoSuchEntity(_)) => {
                self.enrollment = None;
                self.forget_taken(&serial);
                ctx.notify(format!("Deleted the unused device {serial}"));
                close(quit)
            }
            Err(error) => {
                self.dialog = Some(Dialog::RollbackFailed {
                    serial,
                    error,
                    quit,
                });
                Nav::Stay
            }
        }
    }

    pub(super) fn on_rollback_failed_key(
        &mut self,
        ctx: &mut Ctx,
        serial: String,
        error: IamError,
        quit: bool,
        key: KeyEvent,
    ) -> Nav {
        match key.code {
            KeyCode::Char('r') => self.roll_back(ctx, quit),
            KeyCode::Char('l') => {
                ctx.notify_error(format!(
                    "{serial} remains; remove it with: {}",
                    delete_command(&serial)
                ));
                return close(quit);
            }
            KeyCode::Esc => {}
            _ => {
                self.dialog = Some(Dialog::RollbackFailed {
                    serial,
                    error,
                    quit,
                })
            }
        }
        Nav::Stay
    }
}
