//! What the Users screen knows about one user's MFA devices, as it arrives: first the count of virtual
//! devices (from the one account-wide listing), then every device (from the user's own listing).

use crate::iam::{DeviceKind, MAX_DEVICES_PER_USER, MfaDevice};

/// How many devices of each kind a user has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub virtual_devices: usize,
    pub hardware: usize,
    pub passkeys: usize,
    pub sms: usize,
}

impl KindCounts {
    pub fn of(devices: &[MfaDevice]) -> Self {
        let mut counts = Self::default();
        for device in devices {
            match device.kind() {
                DeviceKind::Virtual => counts.virtual_devices += 1,
                DeviceKind::Hardware => counts.hardware += 1,
                DeviceKind::Passkey => counts.passkeys += 1,
                DeviceKind::Sms => counts.sms += 1,
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.virtual_devices + self.hardware + self.passkeys + self.sms
    }

    /// "virtual ×2, passkey" (counts only where more than one).
    pub fn kinds_text(&self) -> String {
        [
            (self.virtual_devices, DeviceKind::Virtual),
            (self.hardware, DeviceKind::Hardware),
            (self.passkeys, DeviceKind::Passkey),
            (self.sms, DeviceKind::Sms),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, kind)| match n {
            1 => kind.short_label().to_string(),
            n => format!("{} ×{n}", kind.short_label()),
        })
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Short names for a narrow column.
trait ShortLabel {
    fn short_label(self) -> &'static str;
}

impl ShortLabel for DeviceKind {
    fn short_label(self) -> &'static str {
        match self {
            DeviceKind::Virtual => "virtual",
            DeviceKind::Hardware => "hardware",
            DeviceKind::Passkey => "passkey",
            DeviceKind::Sms => "SMS",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaSummary {
    /// Virtual devices assigned to the user, from ListVirtualMFADevices(Assigned).
    pub virtual_listed: Option<usize>,
    /// Every device, from the user's ListMFADevices.
    pub devices: Option<KindCounts>,
    /// Why the user's own listing failed.
    pub failed: Option<String>,
}

/// Where a user sorts by MFA state: no device first (what an admin looks for), then by count, then
/// the users not known yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MfaRank {
    Known(usize),
    AtLeast(usize),
    Unknown,
}

impl MfaSummary {
    /// True when the account-wide listing already tells everything: a user with 8 virtual devices has
    /// room for nothing else, so their own listing is not needed.
    pub fn complete_from_listing(&self) -> bool {
        self.virtual_listed
            .is_some_and(|n| n >= MAX_DEVICES_PER_USER)
    }

    pub fn total(&self) -> Option<usize> {
        match (&self.devices, self.virtual_listed) {
            (Some(counts), _) => Some(counts.total()),
            (None, Some(n)) if n >= MAX_DEVICES_PER_USER => Some(n),
            _ => None,
        }
    }

    pub fn rank(&self) -> MfaRank {
        match (self.total(), self.virtual_listed) {
            (Some(n), _) => MfaRank::Known(n),
            (None, Some(n)) if n > 0 => MfaRank::AtLeast(n),
            _ => MfaRank::Unknown,
        }
    }

    /// The device-count column: "2 of 8", "1+ of 8" while only the virtual ones are known, "…" before.
    pub fn count_text(&self) -> String {
        match self.rank() {
            MfaRank::Known(n) => format!("{n} of {MAX_DEVICES_PER_USER}"),
            MfaRank::AtLeast(n) => format!("{n}+ of {MAX_DEVICES_PER_USER}"),
            MfaRank::Unknown if self.failed.is_some() => "?".to_string(),
            MfaRank::Unknown => "…".to_string(),
        }
    }

    /// The kinds column.
    pub fn kinds_text(&self) -> String {
        match (&self.devices, self.virtual_listed, &self.failed) {
            (Some(counts), _, _) if counts.total() == 0 => "no MFA".to_string(),
            (Some(counts), _, _) => counts.kinds_text(),
            (None, Some(n), _) if n >= MAX_DEVICES_PER_USER => format!("virtual ×{n}"),
            (None, _, Some(error)) => format!("could not load: {error}"),
            (None, Some(n), None) if n > 0 => "virtual, …".to_string(),
            (None, _, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Timestamp;

    fn device(serial: &str) -> MfaDevice {
        MfaDevice {
            user_name: "u".into(),
            serial: serial.into(),
            enabled_at: Timestamp(0),
        }
    }

    #[test]
    fn the_columns_fill_in_as_data_arrives() {
        let mut summary = MfaSummary::default();
        assert_eq!(
            (summary.count_text(), summary.rank()),
            ("…".to_string(), MfaRank::Unknown)
        );
        summary.virtual_listed = Some(1);
        assert_eq!(summary.count_text(), "1+ of 8");
        assert_eq!(summary.kinds_text(), "virtual, …");
        summary.devices = Some(KindCounts::of(&[
            device("arn:aws:iam::1:mfa/a"),
            device("GAHT1234567"),
            device("arn:aws:iam::1:u2f/user/u/key"),
            device("arn:aws:iam::1:u2f/user/u/key2"),
        ]));
        assert_eq!(summary.count_text(), "4 of 8");
        assert_eq!(summary.kinds_text(), "virtual, hardware, passkey ×2");
        assert_eq!(summary.rank(), MfaRank::Known(4));
    }

    #[test]
    fn users_without_mfa_sort_first_and_unknown_last() {
        let none = MfaSummary {
            devices: Some(KindCounts::default()),
            ..Default::default()
        };
        let some = MfaSummary {
            virtual_listed: Some(2),
            ..Default::default()
        };
        assert_eq!(none.kinds_text(), "no MFA");
        assert!(none.rank() < some.rank());
        assert!(some.rank() < MfaSummary::default().rank());
    }

    #[test]
    fn eight_virtual_devices_need_no_further_call() {
        let full = MfaSummary {
            virtual_listed: Some(8),
            ..Default::default()
        };
        assert!(full.complete_from_listing());
        assert_eq!(full.count_text(), "8 of 8");
        assert!(
            !MfaSummary {
                virtual_listed: Some(7),
                ..Default::default()
            }
            .complete_from_listing()
        );
    }
}
