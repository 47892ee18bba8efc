//! The one change the devices screen has out at a time: what it is ([`Change`]), the request, and how
//! its answer is read. An answer is one of three: success; a refusal that says nothing changed; or an
//! ambiguous one (`IamError::may_have_applied`), after which IAM's state is read before anything else
//! happens (`reconcile`).

use super::rotation::NextStep;
use super::{DevicesState, Dialog, Wait, describe};
use crate::app::{Ctx, Nav, Outcome, Reply, Request, mfa_session};
use crate::iam::{Action, IamError, IamResult, MfaDevice, Operation, Tag, op};

/// What a change in flight does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Deactivate a device on its own (for a virtual one, the delete is offered after).
    Deactivate(MfaDevice),
    /// Delete the entity of a deactivated virtual device.
    Delete(MfaDevice),
    /// A step of the rotation under way (`DevicesState::rotation`): deactivate or delete the old device.
    Rotation(NextStep),
    Resync(MfaDevice),
    /// Tag a device; when a key was renamed, `rename_from` is the old key, removed next.
    Tag {
        serial: String,
        tag: Tag,
        rename_from: Option<String>,
    },
    Untag {
        serial: String,
        key: String,
    },
}

/// A change sent: the request (kept to send it again after an MFA session), how to read its answer,
/// and what it is.
#[derive(Debug)]
pub struct ChangeRequest {
    pub request: Request,
    pub answer: fn(IamResult<Reply>) -> IamResult<()>,
    pub change: Change,
}

impl ChangeRequest {
    pub fn new<O: Operation<Output = ()>>(operation: O, change: Change) -> Self {
        Self {
            request: operation.into(),
            answer: O::answer,
            change,
        }
    }
}

impl DevicesState {
    /// The change in flight (or being checked), if any.
    fn change(&self) -> Option<&Change> {
        self.pending.purposes().find_map(|wait| match wait {
            Wait::Change(sent) => Some(&sent.change),
            Wait::Check(check) => Some(&check.sent.change),
            _ => None,
        })
    }

    /// A check is out: after an unclear answer (true), or before finishing a rotation (false).
    fn checking(&self) -> Option<bool> {
        self.pending.purposes().find_map(|wait| match wait {
            Wait::Check(check) => Some(check.error.is_some()),
            _ => None,
        })
    }

    /// What is being done right now, for the screen.
    pub fn working_on(&self) -> Option<String> {
        let change = self.change()?;
        match self.checking() {
            Some(true) => {
                return Some("No clear answer from IAM: reading what it holds now…".to_string());
            }
            Some(false) => return Some("Reading where the rotation is…".to_string()),
            None => {}
        }
        let rotation_old = || {
            self.rotation
                .as_ref()
                .map_or_else(String::new, |r| describe(r.old()))
        };
        Some(match change {
            Change::Deactivate(device) => format!("Deactivating {}…", describe(device)),
            Change::Rotation(NextStep::DeactivateOld) => {
                format!("Deactivating {}…", rotation_old())
            }
            Change::Delete(device) => format!("Deleting {}…", describe(device)),
            Change::Rotation(_) => format!("Deleting {}…", rotation_old()),
            Change::Resync(device) => format!("Resynchronizing {}…", describe(device)),
            Change::Tag { .. } | Change::Untag { .. } => "Saving tags…".to_string(),
        })
    }

    pub(super) fn start(&mut self, ctx: &mut Ctx, sent: ChangeRequest) {
        self.pending
            .call(ctx, sent.request.clone(), Wait::Change(Box::new(sent)));
    }

    pub(super) fn on_change_answer(
        &mut self,
        ctx: &mut Ctx,
        sent: ChangeRequest,
        result: IamResult<Reply>,
    ) -> Nav {
        match (sent.answer)(result) {
            Ok(()) => self.on_done(ctx, sent.change),
            Err(error) if error.may_have_applied() => {
                self.check(ctx, sent, Some(error));
                Nav::Stay
            }
            Err(error) => self.on_refused(ctx, sent, error),
        }
    }

    /// The change took effect (IAM said so, or its state shows it).
    pub(super) fn on_done(&mut self, ctx: &mut Ctx, change: Change) -> Nav {
        match change {
            Change::Deactivate(device) => self.deactivated(ctx, device, None),
            Change::Delete(device) => self.deleted(ctx, &device, None),
            Change::Rotation(step) => return self.rotation_step_done(ctx, step),
            Change::Resync(device) => self.resynced(&device),
            Change::Tag {
                serial,
                rename_from,
                ..
            } => self.tagged(ctx, serial, rename_from),
            Change::Untag { serial, .. } => self.tags_saved(ctx, serial),
        }
        Nav::Stay
    }

    /// IAM refused, and nothing changed: an MFA session may lift the refusal; else say why.
    fn on_refused(&mut self, ctx: &mut Ctx, sent: ChangeRequest, error: IamError) -> Nav {
        let reason = match sent.change {
            Change::Deactivate(_) | Change::Delete(_) | Change::Rotation(_) => {
                "Removing a device needs an MFA session"
            }
            Change::Resync(_) => "Resyncing a device needs an MFA session",
            Change::Tag { .. } | Change::Untag { .. } => "Changing tags needs an MFA session",
        };
        if let (IamError::AccessDenied { action, .. }, Some(nav)) =
            (&error, mfa_session::offer(ctx, &error, reason))
        {
            self.after_session = Some(Box::new((sent, *action)));
            return nav;
        }
        self.report_refusal(ctx, sent.change, &error);
        Nav::Stay
    }

    /// The prompt for an MFA session closed: send the change again within the session, or report it.
    pub(super) fn after_mfa_session(
        &mut self,
        ctx: &mut Ctx,
        sent: ChangeRequest,
        action: Action,
        outcome: &Outcome,
    ) {
        match outcome {
            // The session now signs every call: the same request goes through.
            Outcome::MfaSessionStarted(_) => self.start(ctx, sent),
            _ => {
                let error = IamError::AccessDenied {
                    action,
                    message: "No MFA session was started.".to_string(),
                    mfa_required: true,
                };
                self.report_refusal(ctx, sent.change, &error);
            }
        }
    }

    /// Says that `change` did not happen, and why.
    pub(super) fn report_refusal(&mut self, ctx: &mut Ctx, change: Change, error: &IamError) {
        match change {
            Change::Resync(_) => {
                if let Some(Dialog::Resync(form)) = self.dialog.as_deref_mut() {
                    form.failed(error);
                }
            }
            Change::Tag { .. } | Change::Untag { .. } => {
                if let Some(Dialog::Tags(editor)) = self.dialog.as_deref_mut() {
                    editor.failed(error.to_string());
                }
            }
            Change::Deactivate(device) | Change::Delete(device) => {
                self.say_error(format!("Could not remove {}: {error}.", describe(&device)));
            }
            Change::Rotation(_) => self.rotation_stopped(ctx, &error.to_string()),
        }
    }
}

/// The request of a change, built from what it is.
pub fn deactivate_request(user_name: &str, device: &MfaDevice) -> op::DeactivateMfaDevice {
    op::DeactivateMfaDevice {
        user_name: user_name.to_string(),
        serial: device.serial.clone(),
    }
}

pub fn delete_request(device: &MfaDevice) -> op::DeleteVirtualMfaDevice {
    op::DeleteVirtualMfaDevice {
        serial: device.serial.clone(),
    }
}
