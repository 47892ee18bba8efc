//! What the collector knows about one account so far.

use std::collections::BTreeMap;

use crate::iam::{
    AccountSummary, CredentialReport, IamError, MfaDevice, Timestamp, User, VirtualMfaDevice,
};

/// One fact on its way: asked, answered, or failed (with IAM's error, to say why).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Known<T> {
    #[default]
    Waiting,
    Known(T),
    Failed(IamError),
}

impl<T> Known<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Self::Known(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_waiting(&self) -> bool {
        matches!(self, Self::Waiting)
    }
}

/// Where a user's console-password state came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSource {
    /// GetLoginProfile, now.
    Live,
    /// The credential report, as old as its `generated_at`.
    Report(Timestamp),
}

/// Whether a user has a console password, and how we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Password {
    pub enabled: bool,
    pub source: PasswordSource,
}

/// One IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFacts {
    pub user: User,
    pub password: Known<Password>,
    /// Always live (ListMFADevices): MFA state never comes from the report.
    pub devices: Known<Vec<MfaDevice>>,
}

impl UserFacts {
    pub fn has_mfa(&self) -> Option<bool> {
        self.devices.known().map(|devices| !devices.is_empty())
    }

    pub fn has_password(&self) -> Option<bool> {
        self.password.known().map(|password| password.enabled)
    }
}

/// The credential report, as far as it got.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReportFacts {
    /// Asked IAM to generate one; `polls` answers said "not ready yet".
    #[default]
    Generating,
    Polling {
        polls: u32,
    },
    /// Generated; fetching it.
    Fetching,
    Ready(CredentialReport),
    /// None to be had (denied, not ready in time, unreadable): passwords come from GetLoginProfile.
    Unavailable(String),
}

impl ReportFacts {
    pub fn ready(&self) -> Option<&CredentialReport> {
        match self {
            Self::Ready(report) => Some(report),
            _ => None,
        }
    }

    pub fn is_settled(&self) -> bool {
        matches!(self, Self::Ready(_) | Self::Unavailable(_))
    }
}

/// Everything known about one account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picture {
    /// `Known(())` once ListUsers answered; the users themselves are in `users`.
    pub user_list: Known<()>,
    pub users: BTreeMap<String, UserFacts>,
    /// GetAccountSummary: root's `AccountMFAEnabled`, live.
    pub summary: Known<AccountSummary>,
    /// ListVirtualMFADevices: root's device is virtual when one of these belongs to `...:root`.
    pub virtual_devices: Known<Vec<VirtualMfaDevice>>,
    pub report: ReportFacts,
}

impl Picture {
    /// Root's virtual device, found by its user's ARN (never by its name).
    pub fn root_virtual_device(&self) -> Option<Option<&VirtualMfaDevice>> {
        self.virtual_devices
            .known()
            .map(|devices| devices.iter().find(|device| device.is_roots()))
    }

    /// Whether anything is still on its way.
    pub fn is_complete(&self) -> bool {
        !self.user_list.is_waiting()
            && !self.summary.is_waiting()
            && !self.virtual_devices.is_waiting()
            && self.report.is_settled()
            && self
                .users
                .values()
                .all(|user| !user.devices.is_waiting() && !user.password.is_waiting())
    }
}
