//! The plan of a rotation (replacing a device) without ever leaving the user without MFA: normally the
//! new device is enrolled first and the old one removed after; at IAM's limit of 8 one must go first,
//! and the plan says so and does it in that order. The texts here are what the user confirms.

use super::super::describe;
use crate::iam::{DeviceKind, MAX_DEVICES_PER_USER, MfaDevice};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateOrder {
    /// Enroll the new device, then deactivate (and delete) the old one.
    EnrollFirst,
    /// At the limit: deactivate (and delete) the old one, then enroll the new one.
    MakeRoomFirst,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotatePlan {
    pub user_name: String,
    pub old: MfaDevice,
    pub order: RotateOrder,
    /// The user's devices when the plan was made.
    pub device_count: usize,
}

impl RotatePlan {
    pub fn new(user_name: String, old: MfaDevice, device_count: usize) -> Self {
        let order = if device_count >= MAX_DEVICES_PER_USER {
            RotateOrder::MakeRoomFirst
        } else {
            RotateOrder::EnrollFirst
        };
        Self {
            user_name,
            old,
            order,
            device_count,
        }
    }

    /// Only virtual devices are entities that can (and should) be deleted.
    pub fn deletes_entity(&self) -> bool {
        self.old.kind() == DeviceKind::Virtual
    }

    /// What removing the old device means, in words.
    pub fn removal(&self) -> String {
        let name = describe(&self.old);
        match self.old.kind() {
            DeviceKind::Virtual => {
                format!("deactivate {name} and delete its virtual device entity")
            }
            DeviceKind::Hardware => {
                format!("deactivate {name} (a hardware token is not deleted, only unassigned)")
            }
            DeviceKind::Passkey | DeviceKind::Sms => {
                format!("deactivate {name} (it cannot be deleted, only deactivated)")
            }
        }
    }

    /// The statement confirmed before anything happens.
    pub fn plan_lines(&self) -> Vec<String> {
        let user = &self.user_name;
        match self.order {
            RotateOrder::EnrollFirst => vec![
                format!("Replace {} of {user}, in this order:", describe(&self.old)),
                format!("1. enroll a new device for {user} (the assign wizard opens);"),
                format!(
                    "2. once it is enabled, {} (asked again first).",
                    self.removal()
                ),
                format!("{user} keeps MFA all along. Cancel the wizard and nothing changes."),
            ],
            RotateOrder::MakeRoomFirst => vec![
                format!(
                    "{user} has {} MFA devices, the most IAM allows: one must go before a new one can be added.",
                    self.device_count
                ),
                "In this order:".to_string(),
                format!("1. {};", self.removal()),
                format!("2. enroll a new device for {user} (the assign wizard opens)."),
                format!(
                    "{user} keeps {} other devices meanwhile. Cancelling the wizard leaves the old one removed.",
                    self.device_count - 1
                ),
            ],
        }
    }

    /// The statement confirmed once the new device is enabled (enroll-first order).
    pub fn finish_lines(&self, new_serial: &str) -> Vec<String> {
        vec![
            format!(
                "The new device {new_serial} is enabled for {}.",
                self.user_name
            ),
            format!("Now {}.", self.removal()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Timestamp;

    fn device(serial: &str) -> MfaDevice {
        MfaDevice {
            user_name: "alice".into(),
            serial: serial.into(),
            enabled_at: Timestamp(0),
        }
    }

    #[test]
    fn below_the_limit_the_new_device_comes_first() {
        let plan = RotatePlan::new("alice".into(), device("arn:aws:iam::1:mfa/alice-phone"), 2);
        assert_eq!(plan.order, RotateOrder::EnrollFirst);
        assert!(plan.deletes_entity());
        let text = plan.plan_lines().join("\n");
        assert!(text.contains("1. enroll a new device for alice"), "{text}");
        assert!(
            text.contains(
                "2. once it is enabled, deactivate virtual device alice-phone and delete"
            )
        );
    }

    #[test]
    fn at_the_limit_one_must_go_first() {
        let plan = RotatePlan::new("alice".into(), device("GAHT60192319"), 8);
        assert_eq!(plan.order, RotateOrder::MakeRoomFirst);
        assert!(!plan.deletes_entity());
        let text = plan.plan_lines().join("\n");
        assert!(
            text.contains("has 8 MFA devices, the most IAM allows"),
            "{text}"
        );
        assert!(
            text.contains("1. deactivate hardware TOTP token GAHT60192319"),
            "{text}"
        );
        assert!(text.contains("keeps 7 other devices"), "{text}");
    }
}
