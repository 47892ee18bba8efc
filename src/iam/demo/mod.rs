//! The demo account: an in-process IAM that follows the real rules. PLACEHOLDER: being written.

use crate::clock::SharedClock;

/// Who the demo caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DemoIdentity {
    /// An administrator who may list users and manage every device.
    #[default]
    Admin,
    /// An IAM user under the "manage your own MFA" policy (an MFA session is needed for some actions).
    SelfService,
    /// The account's root user.
    Root,
}

pub struct DemoAccount {}

impl DemoAccount {
    pub fn new(_identity: DemoIdentity, _clock: SharedClock) -> Self {
        Self {}
    }
}
