//! A rotation as one state machine: [`Stage`] says exactly where it is (nothing changed yet; the new
//! device enabled; the old one deactivated; the old one gone), [`Rotation::next`] what comes next, and
//! [`Rotation::reconcile`] puts the stage where IAM's state says it is after an answer that may hide a
//! change (DESIGN.md 5b). A rotation that stops half-way reports both devices exactly, with the key
//! that finishes it and the aws CLI commands that do the same by hand.
//!
//! The order never drops the user to zero devices: in enroll-first order the old device is deactivated
//! only in [`Stage::NewEnabled`], which a reconcile reaches only when IAM lists the new device for the
//! user; at the limit (make-room order) the user keeps seven others.

pub mod plan;

use super::describe;
use crate::iam::{DeviceKind, MfaDevice};
use plan::{RotateOrder, RotatePlan};

/// Where a rotation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Confirmed; nothing changed yet.
    Planned,
    /// The new device is enabled; the old one is still assigned: the user has both.
    NewEnabled { new_serial: String },
    /// The old virtual device is deactivated: unassigned, it still exists (and its name is taken).
    OldDeactivated { new_serial: Option<String> },
    /// The old device is off the user for good: deleted (virtual), or deactivated (a hardware token or
    /// passkey has no entity to delete).
    OldRemoved { new_serial: Option<String> },
}

/// What a rotation does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Open the wizard for the new device.
    Enroll,
    DeactivateOld,
    DeleteOld,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub plan: RotatePlan,
    pub stage: Stage,
}

/// What IAM holds, read after an ambiguous answer: the user's devices and, when asked for, the
/// account's virtual devices (ListVirtualMFADevices, assigned or not).
#[derive(Debug, Clone, Copy)]
pub struct IamHolds<'a> {
    pub user_devices: &'a [MfaDevice],
    pub virtual_serials: Option<&'a [String]>,
}

impl Rotation {
    pub fn new(plan: RotatePlan) -> Self {
        Self {
            plan,
            stage: Stage::Planned,
        }
    }

    pub fn old(&self) -> &MfaDevice {
        &self.plan.old
    }

    fn old_is_virtual(&self) -> bool {
        self.plan.old.kind() == DeviceKind::Virtual
    }

    pub fn new_serial(&self) -> Option<&str> {
        match &self.stage {
            Stage::Planned => None,
            Stage::NewEnabled { new_serial } => Some(new_serial),
            Stage::OldDeactivated { new_serial } | Stage::OldRemoved { new_serial } => {
                new_serial.as_deref()
            }
        }
    }

    pub fn next(&self) -> NextStep {
        match (&self.stage, self.plan.order) {
            (Stage::Planned, RotateOrder::EnrollFirst) => NextStep::Enroll,
            (Stage::Planned | Stage::NewEnabled { .. }, _) => NextStep::DeactivateOld,
            (Stage::OldDeactivated { .. }, _) => NextStep::DeleteOld,
            (Stage::OldRemoved { new_serial: None }, _) => NextStep::Enroll,
            (
                Stage::OldRemoved {
                    new_serial: Some(_),
                },
                _,
            ) => NextStep::Done,
        }
    }

    pub fn is_done(&self) -> bool {
        self.next() == NextStep::Done
    }

    /// The wizard enabled `serial` for the user.
    pub fn enrolled(&mut self, serial: String) {
        self.stage = match &self.stage {
            Stage::Planned | Stage::NewEnabled { .. } => Stage::NewEnabled { new_serial: serial },
            Stage::OldDeactivated { .. } => Stage::OldDeactivated {
                new_serial: Some(serial),
            },
            Stage::OldRemoved { .. } => Stage::OldRemoved {
                new_serial: Some(serial),
            },
        };
    }

    /// DeactivateMFADevice of the old device answered success (or IAM showed it took effect).
    pub fn old_deactivated(&mut self) {
        let new_serial = self.new_serial().map(str::to_string);
        self.stage = if self.old_is_virtual() {
            Stage::OldDeactivated { new_serial }
        } else {
            Stage::OldRemoved { new_serial }
        };
    }

    /// DeleteVirtualMFADevice of the old device answered success (or IAM showed it took effect).
    pub fn old_deleted(&mut self) {
        let new_serial = self.new_serial().map(str::to_string);
        self.stage = Stage::OldRemoved { new_serial };
    }

    /// Whether a reconcile needs the account's virtual devices too: only IAM's list of them tells a
    /// deactivated virtual device from a deleted one.
    pub fn needs_virtual_list(&self, user_devices: &[MfaDevice]) -> bool {
        self.old_is_virtual() && !holds(user_devices, &self.plan.old.serial)
    }

    /// Puts the stage where IAM's state says it is. Only facts IAM lists move it: the new device counts
    /// as enabled when the user's list holds it; the old one as deactivated when the user's list no
    /// longer holds it, and as deleted when the account's list of virtual devices does not hold it
    /// either.
    pub fn reconcile(&mut self, iam: IamHolds<'_>) {
        let new_serial = self
            .new_serial()
            .filter(|serial| holds(iam.user_devices, serial))
            .map(str::to_string);
        let old = &self.plan.old.serial;
        self.stage = if holds(iam.user_devices, old) {
            match new_serial {
                Some(new_serial) => Stage::NewEnabled { new_serial },
                None => Stage::Planned,
            }
        } else if self.old_is_virtual()
            && iam
                .virtual_serials
                .is_none_or(|listed| listed.iter().any(|s| s == old))
        {
            // Not asked for (or still listed): the entity is there until IAM says otherwise.
            Stage::OldDeactivated { new_serial }
        } else {
            Stage::OldRemoved { new_serial }
        };
    }

    /// One line per device: what IAM holds for each now.
    pub fn state_lines(&self) -> Vec<String> {
        let user = &self.plan.user_name;
        let old = describe(&self.plan.old);
        let serial = &self.plan.old.serial;
        let new_line = match self.new_serial() {
            Some(new_serial) => format!("New: {new_serial}, enabled for {user}."),
            None => format!("New: none yet; {user} keeps the other devices meanwhile."),
        };
        let old_line = match &self.stage {
            Stage::Planned | Stage::NewEnabled { .. } => {
                format!("Old: {old} ({serial}), still enabled for {user}.")
            }
            Stage::OldDeactivated { .. } => format!(
                "Old: {old}, deactivated; it still exists as an unassigned virtual device with serial {serial}."
            ),
            Stage::OldRemoved { .. } if self.old_is_virtual() => {
                format!("Old: {old}, deactivated and deleted.")
            }
            Stage::OldRemoved { .. } => format!("Old: {old}, deactivated."),
        };
        let mut lines = vec![new_line, old_line];
        if let Stage::NewEnabled { .. } = &self.stage {
            lines.push(format!("{user} has two MFA devices: both sign in."));
        }
        lines
    }

    /// What finishing the rotation does, in words (the retry key's statement).
    pub fn finish_words(&self) -> String {
        match self.next() {
            NextStep::Enroll => "y opens the assign wizard for the new device.".to_string(),
            NextStep::DeactivateOld if self.old_is_virtual() => {
                "y finishes it: deactivates the old device, then deletes it.".to_string()
            }
            NextStep::DeactivateOld => "y finishes it: deactivates the old device.".to_string(),
            NextStep::DeleteOld if self.new_serial().is_none() => {
                "y finishes it: deletes the old device, then opens the assign wizard.".to_string()
            }
            NextStep::DeleteOld => "y finishes it: deletes the old device.".to_string(),
            NextStep::Done => "Nothing is left to do.".to_string(),
        }
    }

    /// The aws CLI commands that finish the removal of the old device, one shell line a string (long
    /// ones continued with `\` so that no line is wrapped in a dialog).
    pub fn cli_commands(&self) -> Vec<String> {
        let serial = &self.plan.old.serial;
        let delete = [
            "aws iam delete-virtual-mfa-device \\".to_string(),
            format!("  --serial-number {serial}"),
        ];
        let mut lines = Vec::new();
        match self.next() {
            NextStep::DeactivateOld => {
                lines.push("aws iam deactivate-mfa-device \\".to_string());
                lines.push(format!("  --user-name {} \\", self.plan.user_name));
                lines.push(format!("  --serial-number {serial}"));
                if self.old_is_virtual() {
                    lines.extend(delete);
                }
            }
            NextStep::DeleteOld => lines.extend(delete),
            NextStep::Enroll | NextStep::Done => {}
        }
        lines
    }

    /// The report of a rotation that stopped before its end: why, where both devices are, and how to
    /// finish (the key, and by hand).
    pub fn stopped_lines(&self, why: &str) -> Vec<String> {
        let mut lines = vec![format!("The rotation stopped half-way: {why}")];
        lines.extend(self.state_lines());
        lines.push(self.finish_words());
        let commands = self.cli_commands();
        if !commands.is_empty() {
            lines.push("Or finish by hand:".to_string());
            lines.extend(commands.into_iter().map(|line| format!("  {line}")));
        }
        lines
    }
}

fn holds(devices: &[MfaDevice], serial: &str) -> bool {
    devices.iter().any(|device| device.serial == serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Timestamp;

    const OLD: &str = "arn:aws:iam::1:mfa/alice-old";
    const NEW: &str = "arn:aws:iam::1:mfa/alice-new";

    fn device(serial: &str) -> MfaDevice {
        MfaDevice {
            user_name: "alice".into(),
            serial: serial.into(),
            enabled_at: Timestamp(0),
        }
    }

    fn rotation(serial: &str, devices: usize) -> Rotation {
        Rotation::new(RotatePlan::new("alice".into(), device(serial), devices))
    }

    #[test]
    fn enroll_first_walks_new_enabled_old_deactivated_old_deleted() {
        let mut r = rotation(OLD, 2);
        assert_eq!(r.next(), NextStep::Enroll);
        r.enrolled(NEW.into());
        assert_eq!(r.next(), NextStep::DeactivateOld);
        r.old_deactivated();
        assert_eq!(
            r.stage,
            Stage::OldDeactivated {
                new_serial: Some(NEW.into())
            }
        );
        assert_eq!(r.next(), NextStep::DeleteOld);
        r.old_deleted();
        assert!(r.is_done());
    }

    #[test]
    fn make_room_first_removes_then_enrolls() {
        let mut r = rotation("GAHT1", 8);
        assert_eq!(r.next(), NextStep::DeactivateOld);
        r.old_deactivated();
        assert_eq!(r.stage, Stage::OldRemoved { new_serial: None }, "no entity");
        assert_eq!(r.next(), NextStep::Enroll);
        r.enrolled(NEW.into());
        assert!(r.is_done());
    }

    #[test]
    fn reconcile_reads_each_stage_from_iam() {
        let mut r = rotation(OLD, 2);
        r.enrolled(NEW.into());
        let both = [device(NEW), device(OLD)];
        r.reconcile(IamHolds {
            user_devices: &both,
            virtual_serials: None,
        });
        assert_eq!(r.next(), NextStep::DeactivateOld, "deactivate did not take");
        let new_only = [device(NEW)];
        assert!(r.needs_virtual_list(&new_only));
        r.reconcile(IamHolds {
            user_devices: &new_only,
            virtual_serials: Some(&[OLD.to_string()]),
        });
        assert_eq!(r.next(), NextStep::DeleteOld, "deactivated, still there");
        r.reconcile(IamHolds {
            user_devices: &new_only,
            virtual_serials: Some(&[]),
        });
        assert!(r.is_done(), "gone from both lists");
    }

    #[test]
    fn a_new_device_iam_does_not_list_is_not_counted_so_the_old_one_stays() {
        let mut r = rotation(OLD, 2);
        r.enrolled(NEW.into());
        r.reconcile(IamHolds {
            user_devices: &[device(OLD)],
            virtual_serials: None,
        });
        assert_eq!(r.stage, Stage::Planned);
        assert_eq!(
            r.next(),
            NextStep::Enroll,
            "never deactivate the only device"
        );
    }

    #[test]
    fn the_half_way_report_names_both_devices_and_the_command() {
        let mut r = rotation(OLD, 2);
        r.enrolled(NEW.into());
        r.old_deactivated();
        let text = r.stopped_lines("the delete failed").join("\n");
        assert!(
            text.contains(&format!("New: {NEW}, enabled for alice.")),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "deactivated; it still exists as an unassigned virtual device with serial {OLD}"
            )),
            "{text}"
        );
        assert!(
            text.contains("y finishes it: deletes the old device."),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "  aws iam delete-virtual-mfa-device \\\n    --serial-number {OLD}"
            )),
            "{text}"
        );
        let mut r = rotation(OLD, 2);
        r.enrolled(NEW.into());
        let text = r.stopped_lines("the deactivate failed").join("\n");
        assert!(text.contains("alice has two MFA devices"), "{text}");
        assert!(text.contains("aws iam deactivate-mfa-device"), "{text}");
        assert!(text.contains("--user-name alice"), "{text}");
    }
}
