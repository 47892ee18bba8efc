//! AWS Organizations, as the IAM layer sees it: the member accounts (ListAccounts), and the way into
//! one of them (sts:AssumeRole into a role of one name), which yields an [`Iam`] signed with that
//! account's temporary credentials. The credentials never leave the IAM layer: the state machine gets
//! the account's identity, the runtime keeps the [`Iam`].

use std::sync::Arc;

use async_trait::async_trait;

use super::{Code, Iam, IamResult};

/// An account's state in the organization (`Account.State`; the deprecated `Status` is not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    /// A state this version does not know; such accounts are not scanned.
    Other,
}

/// One account of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    pub status: AccountStatus,
}

impl OrgAccount {
    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active
    }
}

/// The code a role that requires MFA asks for (AssumeRole's SerialNumber and TokenCode).
#[derive(Debug, Clone)]
pub struct RoleMfa {
    pub serial: String,
    pub code: Code,
}

/// Reaching member accounts from the caller's account (management or delegated administrator).
#[async_trait]
pub trait Organization: Send + Sync {
    /// An [`Iam`] acting in `account_id` through `role_name`, or why not (NoSuchEntity-like AccessDenied
    /// for a missing role, an SCP's denial...).
    async fn assume_role(
        &self,
        account_id: &str,
        role_name: &str,
        mfa: Option<RoleMfa>,
    ) -> IamResult<Arc<dyn Iam>>;
}

/// The ARN of a role of one name in an account; the partition is the caller's.
pub fn role_arn(partition: &str, account_id: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:role/{role_name}")
}
