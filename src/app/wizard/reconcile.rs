//! Reconcile, then act (DESIGN.md 5b). A timeout, a dropped connection, a 5xx, or the answer the SDK's
//! retry of an applied call gets (EntityAlreadyExists, NoSuchEntity, DeleteConflict) says nothing sure
//! about what IAM did. After one the wizard reads IAM's state for what the call touched and acts on
//! what IAM holds:
//!
//! - EnableMFADevice: the serial on the user's ListMFADevices is a success, shown as the normal done
//!   screen (and never rolled back); otherwise the failure is told as before.
//! - CreateVirtualMFADevice: a device of that name that is unassigned and carries this attempt's
//!   enrollment marker (or, unmarked, held a name that was free just before) has a seed nobody has: it
//!   is deleted and created again, and the screen says so. A device that is not this attempt's leaves
//!   the name taken, as any other holder does.
//! - Rollback: before the delete, the user's devices (an assigned device is a success, not something to
//!   delete); after an unclear delete answer, the account's devices (gone is deleted).
//!
//! Nothing is deleted on a guess: when the read fails, the screen says what is unknown and offers to
//! read again.

use super::rollback::close;
use super::{Dialog, Problem, Purpose, Step, WizardState};
use crate::app::{Ctx, Loadable, Nav, Reply};
use crate::iam::{
    AssignmentFilter, IamError, IamResult, MfaDevice, Operation, Tag, VirtualMfaDevice, op,
};

use super::rollback::delete_command;

/// How many times a device whose create answer was lost is replaced before the wizard stops and says
/// so: IAM losing the answer again and again is a problem to report, not to loop on.
const MAX_REPLACEMENTS: u8 = 2;

/// A read of IAM's state after an unclear answer: what it settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// EnableMFADevice's answer was unclear: is the serial on the user's devices?
    Enabled,
    /// CreateVirtualMFADevice's answer was unclear: does a device of that name exist?
    Created,
    /// Its tags: does it carry this attempt's marker?
    CreatedTags(String),
    /// Deleting the device whose create answer was lost (nobody has its seed).
    ReplaceLost(String),
    /// Before a rollback deletes the wizard's device: is it assigned to the user?
    BeforeRollback { quit: bool },
    /// The rollback's delete answered unclearly or with DeleteConflict (`error`): is the device gone,
    /// or whose is it now?
    AfterRollback { quit: bool, error: IamError },
}

impl Check {
    pub fn busy_label(&self) -> &'static str {
        match self {
            Self::Enabled => {
                "IAM's answer to the activation was unclear: reading the user's devices…"
            }
            Self::Created | Self::CreatedTags(_) => {
                "IAM's answer to the create was lost: reading what IAM holds…"
            }
            Self::ReplaceLost(_) => {
                "The create's answer was lost, so nobody has that device's secret: deleting it…"
            }
            Self::BeforeRollback { .. } => {
                "Checking that the device is not in use before deleting it…"
            }
            Self::AfterRollback { .. } => {
                "The delete's answer was unclear: reading what IAM holds…"
            }
        }
    }
}

/// The create in flight or last sent: what recognises its device after a lost answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAttempt {
    pub name: String,
    /// The enrollment marker sent with it; `None` when the caller may not tag.
    pub marker: Option<Tag>,
    /// The account's list, read before, held no device of that name.
    pub name_was_free: bool,
    /// The unclear answer being settled.
    pub unclear: Option<IamError>,
}

/// An Enable answer after which the device may be assigned all the same.
pub fn enable_may_have_happened(error: &IamError) -> bool {
    error.may_hide_a_change()
        || matches!(
            error,
            IamError::EntityAlreadyExists(_)
                | IamError::NoSuchEntity(_)
                | IamError::ConcurrentModification(_)
        )
}

/// A Create answer after which the device may exist all the same.
pub fn create_may_have_happened(error: &IamError) -> bool {
    error.may_hide_a_change()
        || matches!(
            error,
            IamError::EntityAlreadyExists(_) | IamError::ConcurrentModification(_)
        )
}

impl WizardState {
    pub(super) fn on_check(
        &mut self,
        ctx: &mut Ctx,
        check: Check,
        result: IamResult<Reply>,
    ) -> Nav {
        match check {
            Check::Enabled => self.on_enable_checked(ctx, op::ListMfaDevices::answer(result)),
            Check::Created => {
                self.on_create_checked(ctx, op::ListVirtualMfaDevices::answer(result))
            }
            Check::CreatedTags(serial) => {
                self.on_created_tags(ctx, serial, op::ListMfaDeviceTags::answer(result))
            }
            Check::ReplaceLost(serial) => {
                self.on_lost_deleted(ctx, serial, op::DeleteVirtualMfaDevice::answer(result))
            }
            Check::BeforeRollback { quit } => {
                self.on_rollback_checked(ctx, quit, op::ListMfaDevices::answer(result))
            }
            Check::AfterRollback { quit, error } => {
                let devices = op::ListVirtualMfaDevices::answer(result);
                self.on_rollback_rechecked(ctx, quit, error, devices)
            }
        }
    }

    fn send_check(&mut self, ctx: &mut Ctx, check: Check) {
        match check.clone() {
            Check::Enabled | Check::BeforeRollback { .. } => {
                let Some(user_name) = self.user_name.clone() else {
                    return;
                };
                self.send(ctx, op::ListMfaDevices { user_name }, Purpose::Check(check));
            }
            Check::Created | Check::AfterRollback { .. } => {
                let list = op::ListVirtualMfaDevices {
                    filter: AssignmentFilter::Any,
                };
                self.send(ctx, list, Purpose::Check(check));
            }
            Check::CreatedTags(serial) => {
                self.send(ctx, op::ListMfaDeviceTags { serial }, Purpose::Check(check));
            }
            Check::ReplaceLost(serial) => {
                let delete = op::DeleteVirtualMfaDevice { serial };
                self.send(ctx, delete, Purpose::Check(check));
            }
        }
    }

    /// A problem whose `r` reads IAM's state again.
    fn unsettled(&mut self, title: &str, error: IamError, advice: String, check: Check) {
        let mut problem = Problem::new(title, error, Some(advice));
        let request = match &check {
            Check::Enabled | Check::BeforeRollback { .. } => self
                .user_name
                .clone()
                .map(|user_name| op::ListMfaDevices { user_name }.into()),
            Check::Created | Check::AfterRollback { .. } => Some(
                op::ListVirtualMfaDevices {
                    filter: AssignmentFilter::Any,
                }
                .into(),
            ),
            Check::CreatedTags(serial) => Some(
                op::ListMfaDeviceTags {
                    serial: serial.clone(),
                }
                .into(),
            ),
            Check::ReplaceLost(serial) => Some(
                op::DeleteVirtualMfaDevice {
                    serial: serial.clone(),
                }
                .into(),
            ),
        };
        problem.retry = request.map(|request| (request, Purpose::Check(check)));
        self.dialog = Some(Dialog::Problem(problem));
    }

    fn enrolled_serial(&self) -> String {
        self.enrollment
            .as_ref()
            .map(|e| e.serial.clone())
            .unwrap_or_default()
    }

    /// The device is on the user's list: activated, whatever the answer said.
    fn shown_active(&mut self, ctx: &mut Ctx, devices: &[MfaDevice]) {
        if let Some(user_name) = self.user_name.clone() {
            // `finish` counts the new device on top of what was known before.
            let before = devices.len().saturating_sub(1);
            self.device_counts
                .insert(user_name, Loadable::Loaded(before));
        }
        self.finish(ctx);
    }

    // --- EnableMFADevice ---

    pub(super) fn check_enable(&mut self, ctx: &mut Ctx, error: IamError) {
        tracing::info!(%error, "EnableMFADevice answered unclearly: reading the user's devices");
        self.unclear_enable = Some(error);
        self.send_check(ctx, Check::Enabled);
    }

    fn on_enable_checked(&mut self, ctx: &mut Ctx, devices: IamResult<Vec<MfaDevice>>) -> Nav {
        let serial = self.enrolled_serial();
        let Some(error) = self.unclear_enable.clone() else {
            return Nav::Stay;
        };
        match devices {
            Ok(devices) if devices.iter().any(|d| d.serial == serial) => {
                tracing::info!(%error, serial, "IAM shows the device assigned: it was activated");
                self.unclear_enable = None;
                self.shown_active(ctx, &devices);
                Nav::Stay
            }
            Ok(_) => {
                self.unclear_enable = None;
                self.on_enable_failed(ctx, error)
            }
            Err(read_error) => {
                let user = self.user_name.clone().unwrap_or_default();
                let advice = format!(
                    "The answer to EnableMFADevice was unclear, and reading {user}'s devices failed too ({read_error}). Press r to read them again: nothing is deleted before IAM says whether the device is active."
                );
                self.unsettled(
                    "Not known whether the device was activated",
                    error,
                    advice,
                    Check::Enabled,
                );
                Nav::Stay
            }
        }
    }

    // --- CreateVirtualMFADevice ---

    pub(super) fn check_create(&mut self, ctx: &mut Ctx, error: IamError) -> Nav {
        tracing::info!(%error, "CreateVirtualMFADevice answered unclearly: reading the account's devices");
        if let Some(attempt) = self.create_attempt.as_mut() {
            attempt.unclear = Some(error);
        }
        self.send_check(ctx, Check::Created);
        Nav::Stay
    }

    fn unclear_create(&self) -> IamError {
        self.create_attempt
            .as_ref()
            .and_then(|a| a.unclear.clone())
            .unwrap_or_else(|| IamError::ServiceFailure("no answer".into()))
    }

    fn on_create_checked(
        &mut self,
        ctx: &mut Ctx,
        devices: IamResult<Vec<VirtualMfaDevice>>,
    ) -> Nav {
        let Some(attempt) = self.create_attempt.clone() else {
            return Nav::Stay;
        };
        let error = self.unclear_create();
        let devices = match devices {
            Ok(devices) => devices,
            Err(read_error) => {
                let advice = format!(
                    "The answer to CreateVirtualMFADevice was lost, and listing the account's virtual devices failed ({read_error}). If IAM made the device, nobody has its secret and it must be deleted: press r to read again."
                );
                self.quit_pending = false;
                self.unsettled(
                    "Not known whether the device was created",
                    error,
                    advice,
                    Check::Created,
                );
                return Nav::Stay;
            }
        };
        let holder = devices
            .iter()
            .find(|d| d.name().eq_ignore_ascii_case(&attempt.name))
            .cloned();
        self.taken = Loadable::Loaded(devices);
        match holder {
            None => self.create_made_nothing(ctx, error),
            Some(device) if device.is_assigned() => self.name_taken_meanwhile(),
            Some(device) if attempt.marker.is_some() => {
                self.send_check(ctx, Check::CreatedTags(device.serial));
                Nav::Stay
            }
            Some(device) if attempt.name_was_free => self.replace_lost(ctx, device.serial),
            Some(_) => self.name_taken_meanwhile(),
        }
    }

    /// IAM holds no device of that name: the create did not take effect.
    fn create_made_nothing(&mut self, ctx: &mut Ctx, error: IamError) -> Nav {
        self.create_attempt = None;
        if std::mem::take(&mut self.quit_pending) {
            return Nav::Quit;
        }
        if matches!(error, IamError::EntityAlreadyExists(_)) {
            // Taken and gone again meanwhile: the name step reads the fresh list.
            self.step = Step::Name;
            return Nav::Stay;
        }
        let name = self.name.input.value().to_string();
        let request = self.create_request(ctx);
        let problem = Problem::new(
            "Could not create the virtual MFA device",
            error,
            Some(format!(
                "IAM holds no device named {name}: nothing was created."
            )),
        )
        .retry_if_transient(request, Purpose::Create);
        self.dialog = Some(Dialog::Problem(problem));
        Nav::Stay
    }

    /// Another device holds the name (assigned, or not made by this attempt): the name step says whose.
    fn name_taken_meanwhile(&mut self) -> Nav {
        self.create_attempt = None;
        if std::mem::take(&mut self.quit_pending) {
            return Nav::Quit;
        }
        self.step = Step::Name;
        Nav::Stay
    }

    fn on_created_tags(&mut self, ctx: &mut Ctx, serial: String, tags: IamResult<Vec<Tag>>) -> Nav {
        let Some(attempt) = self.create_attempt.clone() else {
            return Nav::Stay;
        };
        match tags {
            Ok(tags) if attempt.marker.as_ref().is_some_and(|m| tags.contains(m)) => {
                self.replace_lost(ctx, serial)
            }
            Ok(_) => self.name_taken_meanwhile(),
            Err(read_error) => {
                let advice = format!(
                    "The answer to CreateVirtualMFADevice was lost; IAM now holds an unassigned device {serial}, and its tags could not be read ({read_error}), so nothing tells whether this run made it. Nothing was deleted: press r to read them again."
                );
                self.quit_pending = false;
                self.step = Step::Name;
                self.unsettled(
                    "Not known whose device this is",
                    self.unclear_create(),
                    advice,
                    Check::CreatedTags(serial),
                );
                Nav::Stay
            }
        }
    }

    /// The device this attempt made and whose seed was lost with the answer: delete it.
    fn replace_lost(&mut self, ctx: &mut Ctx, serial: String) -> Nav {
        tracing::warn!(
            serial,
            "the create's answer was lost: deleting the device nobody has the secret of"
        );
        self.send_check(ctx, Check::ReplaceLost(serial));
        Nav::Stay
    }

    fn on_lost_deleted(&mut self, ctx: &mut Ctx, serial: String, result: IamResult<()>) -> Nav {
        match result {
            Ok(()) | Err(IamError::NoSuchEntity(_)) => {
                self.forget_taken(&serial);
                self.create_attempt = None;
                self.lost_device = None;
                let said = format!(
                    "The answer to CreateVirtualMFADevice was lost, so nobody had the secret of {serial}: deleted it"
                );
                if std::mem::take(&mut self.quit_pending) {
                    ctx.notify(said);
                    return Nav::Quit;
                }
                self.replaced_lost += 1;
                if self.replaced_lost > MAX_REPLACEMENTS {
                    self.step = Step::Name;
                    self.dialog = Some(Dialog::Problem(Problem::new(
                        "IAM keeps losing the answer to the create",
                        self.unclear_create(),
                        Some(format!(
                            "{said}. It happened {} times in a row, so the wizard stopped; nothing is left behind. Try again later.",
                            self.replaced_lost
                        )),
                    )));
                    return Nav::Stay;
                }
                // The secret step says it too, for as long as it is up.
                ctx.notify(format!(
                    "Create's answer lost: deleted {} (nobody had its secret) and created it again",
                    crate::iam::device_name_from_serial(&serial)
                ));
                self.create_virtual(ctx);
                Nav::Stay
            }
            Err(error) => {
                self.quit_pending = false;
                self.lost_device = Some(serial.clone());
                self.step = Step::Name;
                let advice = format!(
                    "The answer to CreateVirtualMFADevice was lost, so nobody has the secret of {serial}, and deleting it failed. Press r to delete it again, or remove it later with: {}",
                    delete_command(&serial)
                );
                self.unsettled(
                    "A device nobody can use remains",
                    error,
                    advice,
                    Check::ReplaceLost(serial),
                );
                Nav::Stay
            }
        }
    }

    // --- Rollback ---

    fn on_rollback_checked(
        &mut self,
        ctx: &mut Ctx,
        quit: bool,
        devices: IamResult<Vec<MfaDevice>>,
    ) -> Nav {
        let serial = self.enrolled_serial();
        match devices {
            Ok(devices) if devices.iter().any(|d| d.serial == serial) => {
                let user = self.user_name.clone().unwrap_or_default();
                self.shown_active(ctx, &devices);
                ctx.notify(format!(
                    "IAM shows {serial} assigned to {user}: it is active, so nothing was deleted"
                ));
                if quit { Nav::Quit } else { Nav::Stay }
            }
            Ok(_) => {
                self.delete_for_rollback(ctx, quit);
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

    fn on_rollback_rechecked(
        &mut self,
        ctx: &mut Ctx,
        quit: bool,
        error: IamError,
        devices: IamResult<Vec<VirtualMfaDevice>>,
    ) -> Nav {
        let serial = self.enrolled_serial();
        let still_there = devices.map(|devices| devices.into_iter().find(|d| d.serial == serial));
        match still_there {
            Ok(None) => {
                self.enrollment = None;
                self.forget_taken(&serial);
                ctx.notify(format!("Deleted the unused device {serial}"));
                close(quit)
            }
            // Assigned to this user: the user's list then shows it, and it is a success.
            Ok(Some(device))
                if device.user_name.is_some() && device.user_name == self.user_name =>
            {
                self.roll_back(ctx, quit);
                Nav::Stay
            }
            Ok(Some(_)) | Err(_) => {
                self.dialog = Some(Dialog::RollbackFailed {
                    serial,
                    error,
                    quit,
                });
                Nav::Stay
            }
        }
    }

    /// A create, or the reads that settle its answer, in flight.
    pub(super) fn creating(&self) -> bool {
        self.requests.any(|purpose| {
            matches!(
                purpose,
                Purpose::Create
                    | Purpose::Check(
                        Check::Created | Check::CreatedTags(_) | Check::ReplaceLost(_)
                    )
            )
        })
    }
}
