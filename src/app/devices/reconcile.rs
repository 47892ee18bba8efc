//! Reconcile, then act (DESIGN.md 5b). After an answer that may hide a change, the screen reads IAM's
//! state for what the change touched, and decides from that alone: the user's devices
//! (ListMFADevices) for a deactivate, a resync and every rotation step; the account's virtual devices
//! (ListVirtualMFADevices) for a delete, and for a rotation whose old virtual device left the user's
//! list; the device's tags (ListMFADeviceTags) for a tag change. When a read fails too, the screen says
//! it cannot tell, and changes nothing more.

use super::change::{Change, ChangeRequest};
use super::rotation::IamHolds;
use super::{DevicesState, Wait, describe};
use crate::app::{Ctx, Nav, Reply};
use crate::iam::{AssignmentFilter, IamError, IamResult, MfaDevice, Operation, Tag, op};

/// A check in progress: the change it is about, the ambiguous answer (none when the check comes before
/// finishing a stopped rotation), and what has been read so far.
#[derive(Debug)]
pub struct Check {
    pub sent: ChangeRequest,
    pub error: Option<IamError>,
    user_devices: Option<Vec<MfaDevice>>,
    virtual_serials: Option<Vec<String>>,
    tags: Option<Vec<Tag>>,
}

/// The reads a check makes, one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Read {
    UserDevices,
    VirtualDevices,
    /// The tags of the device with this serial.
    Tags(String),
}

/// What a check found.
pub enum Found<'a> {
    /// IAM shows the change took effect.
    Applied,
    /// IAM shows it did not.
    NotApplied,
    /// A rotation: its stage is now where IAM says (in `DevicesState::rotation`).
    Rotation,
    /// A resync: IAM shows no sync state; the user's devices, to tell whether the device is still there.
    Devices(&'a [MfaDevice]),
}

impl Check {
    fn new(sent: ChangeRequest, error: Option<IamError>) -> Self {
        Self {
            sent,
            error,
            user_devices: None,
            virtual_serials: None,
            tags: None,
        }
    }
}

impl DevicesState {
    /// Starts a check of `sent`'s change after `error` (or, with none, before finishing a rotation).
    pub(super) fn check(&mut self, ctx: &mut Ctx, sent: ChangeRequest, error: Option<IamError>) {
        self.read_next(ctx, Check::new(sent, error));
    }

    fn next_read(&self, check: &Check) -> Option<Read> {
        let has_devices = check.user_devices.is_some();
        match &check.sent.change {
            Change::Deactivate(_) | Change::Resync(_) => {
                (!has_devices).then_some(Read::UserDevices)
            }
            Change::Delete(_) => check
                .virtual_serials
                .is_none()
                .then_some(Read::VirtualDevices),
            Change::Rotation(_) => match &check.user_devices {
                None => Some(Read::UserDevices),
                Some(devices) => {
                    let wants = self
                        .rotation
                        .as_ref()
                        .is_some_and(|r| r.needs_virtual_list(devices));
                    (wants && check.virtual_serials.is_none()).then_some(Read::VirtualDevices)
                }
            },
            Change::Tag { serial, .. } | Change::Untag { serial, .. } => {
                check.tags.is_none().then(|| Read::Tags(serial.clone()))
            }
        }
    }

    /// Sends the check's next read, or decides when it has read enough.
    fn read_next(&mut self, ctx: &mut Ctx, check: Check) -> Nav {
        let Some(read) = self.next_read(&check) else {
            return self.decide(ctx, check);
        };
        match read {
            Read::UserDevices => {
                let request = op::ListMfaDevices {
                    user_name: self.user_name.clone(),
                };
                self.pending
                    .call(ctx, request, Wait::Check(Box::new(check)));
            }
            Read::VirtualDevices => {
                let request = op::ListVirtualMfaDevices {
                    filter: AssignmentFilter::Any,
                };
                self.pending
                    .call(ctx, request, Wait::Check(Box::new(check)));
            }
            Read::Tags(serial) => {
                let request = op::ListMfaDeviceTags { serial };
                self.pending
                    .call(ctx, request, Wait::Check(Box::new(check)));
            }
        }
        Nav::Stay
    }

    pub(super) fn on_check_answer(
        &mut self,
        ctx: &mut Ctx,
        mut check: Check,
        result: IamResult<Reply>,
    ) -> Nav {
        let read = self.next_read(&check);
        let failed = match read {
            Some(Read::UserDevices) => op::ListMfaDevices::answer(result)
                .map(|devices| check.user_devices = Some(devices))
                .err(),
            Some(Read::VirtualDevices) => op::ListVirtualMfaDevices::answer(result)
                .map(|devices| {
                    check.virtual_serials = Some(devices.into_iter().map(|d| d.serial).collect());
                })
                .err(),
            Some(Read::Tags(_)) => op::ListMfaDeviceTags::answer(result)
                .map(|tags| check.tags = Some(tags))
                .err(),
            None => None,
        };
        if let Some(read_error) = failed {
            self.cannot_tell(ctx, check, &read_error);
            return Nav::Stay;
        }
        self.read_next(ctx, check)
    }

    /// Every read is in: what IAM holds decides.
    fn decide(&mut self, ctx: &mut Ctx, check: Check) -> Nav {
        let Check {
            sent,
            error,
            user_devices,
            virtual_serials,
            tags,
        } = check;
        let holds = |serial: &str| {
            user_devices
                .iter()
                .flatten()
                .any(|device| device.serial == serial)
        };
        let found = match &sent.change {
            Change::Deactivate(device) if holds(&device.serial) => Found::NotApplied,
            Change::Deactivate(_) => Found::Applied,
            Change::Delete(device) => {
                let listed = virtual_serials
                    .iter()
                    .flatten()
                    .any(|s| *s == device.serial);
                if listed {
                    Found::NotApplied
                } else {
                    Found::Applied
                }
            }
            Change::Rotation(_) => {
                if let Some(rotation) = self.rotation.as_mut() {
                    rotation.reconcile(IamHolds {
                        user_devices: user_devices.as_deref().unwrap_or_default(),
                        virtual_serials: virtual_serials.as_deref(),
                    });
                }
                Found::Rotation
            }
            Change::Resync(_) => Found::Devices(user_devices.as_deref().unwrap_or_default()),
            Change::Tag { tag, .. } => {
                let saved = tags
                    .iter()
                    .flatten()
                    .any(|t| t.key.eq_ignore_ascii_case(&tag.key) && t.value == tag.value);
                if saved {
                    Found::Applied
                } else {
                    Found::NotApplied
                }
            }
            Change::Untag { key, .. } => {
                let still = tags
                    .iter()
                    .flatten()
                    .any(|t| t.key.eq_ignore_ascii_case(key));
                if still {
                    Found::NotApplied
                } else {
                    Found::Applied
                }
            }
        };
        self.settle(ctx, sent, error, found)
    }

    /// Acts on what the check found.
    fn settle(
        &mut self,
        ctx: &mut Ctx,
        sent: ChangeRequest,
        error: Option<IamError>,
        found: Found<'_>,
    ) -> Nav {
        let lost = error.as_ref().map_or_else(String::new, IamError::to_string);
        match (sent.change, found) {
            (Change::Rotation(step), _) => self.rotation_reconciled(ctx, step, error.as_ref()),
            (Change::Deactivate(device), Found::Applied) => {
                self.deactivated(ctx, device, Some(&lost));
                Nav::Stay
            }
            (Change::Delete(device), Found::Applied) => {
                self.deleted(ctx, &device, Some(&lost));
                Nav::Stay
            }
            (Change::Deactivate(device), _) => {
                self.say_error(format!(
                    "Could not deactivate {}: {lost}. IAM still lists it for {}: nothing changed.",
                    describe(&device),
                    self.user_name
                ));
                Nav::Stay
            }
            (Change::Delete(device), _) => {
                self.delete_not_done(device, &lost);
                Nav::Stay
            }
            (Change::Resync(device), found) => {
                let assigned = matches!(found, Found::Devices(devices)
                    if devices.iter().any(|d| d.serial == device.serial));
                self.resync_unconfirmed(&device, assigned, &lost);
                Nav::Stay
            }
            (change @ (Change::Tag { .. } | Change::Untag { .. }), Found::Applied) => {
                self.on_done(ctx, change)
            }
            (Change::Tag { .. } | Change::Untag { .. }, _) => {
                self.tags_not_saved(format!("Not saved, as IAM's tags show: {lost}"));
                Nav::Stay
            }
        }
    }

    /// A read of the check failed as well: nothing more is done, and the screen says what is unknown.
    fn cannot_tell(&mut self, ctx: &mut Ctx, check: Check, read_error: &IamError) {
        let lost = check
            .error
            .as_ref()
            .map_or_else(String::new, |e| format!(" after \"{e}\""));
        let what = match &check.sent.change {
            Change::Deactivate(device) => format!("whether {} was deactivated", describe(device)),
            Change::Delete(device) => format!("whether {} was deleted", describe(device)),
            Change::Rotation(_) => "where the rotation is".to_string(),
            Change::Resync(device) => format!("whether {} was resynchronized", describe(device)),
            Change::Tag { .. } | Change::Untag { .. } => "whether the tags were saved".to_string(),
        };
        let text = format!(
            "Could not tell {what}{lost}: reading IAM failed too ({read_error}). Refresh (r) to see."
        );
        match check.sent.change {
            Change::Rotation(_) => self.rotation_stopped(
                ctx,
                &format!("could not tell where it is{lost}: reading IAM failed too ({read_error})"),
            ),
            Change::Resync(_) => {
                self.dialog = None;
                self.say_error(text);
            }
            Change::Tag { .. } | Change::Untag { .. } => self.tags_not_saved(text),
            Change::Deactivate(_) | Change::Delete(_) => self.say_error(text),
        }
    }
}
