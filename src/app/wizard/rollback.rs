//! Leaving the wizard. Before anything was created it simply closes; after it created a virtual device
//! that is not enabled yet, it asks, deletes that device, and only then leaves, so no orphan is left
//! behind. If the delete fails, it says which device remains and the command that removes it.
//!
//! A rollback deletes only what IAM shows unassigned at that moment: it reads the user's devices first
//! (an Enable whose answer was lost may have assigned it: then it is a success, and stays), and an
//! unclear answer to the delete is settled by reading the account's devices (`reconcile`).

use crossterm::event::{KeyCode, KeyEvent};

use super::{Check, Dialog, Purpose, WizardState};
use crate::app::manage::confirm::{Answer, Confirm};
use crate::app::{Ctx, Nav, Outcome};
use crate::iam::{AssignmentFilter, IamError, IamResult, op};

/// The command that removes a virtual device left behind.
pub fn delete_command(serial: &str) -> String {
    format!("aws iam delete-virtual-mfa-device --serial-number {serial}")
}

pub(super) fn close(quit: bool) -> Nav {
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

    /// Leaves at once, naming a device whose create answer was lost and that could not be deleted.
    pub(super) fn leave_naming_lost(&mut self, ctx: &mut Ctx, quit: bool) -> Nav {
        if let Some(serial) = self.lost_device.take() {
            ctx.notify_error(format!(
                "{serial} remains and nobody has its secret; remove it with: {}",
                delete_command(&serial)
            ));
        }
        self.leave(quit)
    }

    /// Reads the user's devices, then deletes the wizard's device if it is not among them.
    pub(super) fn roll_back(&mut self, ctx: &mut Ctx, quit: bool) {
        if self.enrollment.is_none() {
            return;
        }
        match self.user_name.clone() {
            Some(user_name) => self.send(
                ctx,
                op::ListMfaDevices { user_name },
                Purpose::Check(Check::BeforeRollback { quit }),
            ),
            None => self.delete_for_rollback(ctx, quit),
        }
    }

    pub(super) fn delete_for_rollback(&mut self, ctx: &mut Ctx, quit: bool) {
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
            // Assigned after all: to this user (an Enable whose answer was lost) or to someone else.
            Err(error @ IamError::DeleteConflict(_)) => {
                self.send(
                    ctx,
                    op::ListVirtualMfaDevices {
                        filter: AssignmentFilter::Any,
                    },
                    Purpose::Check(Check::AfterRollback { quit, error }),
                );
                Nav::Stay
            }
            Err(error) if error.may_hide_a_change() => {
                self.send(
                    ctx,
                    op::ListVirtualMfaDevices {
                        filter: AssignmentFilter::Any,
                    },
                    Purpose::Check(Check::AfterRollback { quit, error }),
                );
                Nav::Stay
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
