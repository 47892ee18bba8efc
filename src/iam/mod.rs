//! The IAM layer: one trait over every operation the product uses, with two implementations, the real
//! AWS SDK ([`aws::AwsIam`]) and the in-process demo account ([`demo::DemoAccount`]). It knows nothing of
//! the screen, and no SDK type leaves it.

mod action;
pub mod aws;
pub mod demo;
mod error;
pub mod recording;
mod types;
pub mod validate;

use std::time::Duration;

use async_trait::async_trait;

pub use action::Action;
pub use error::{IamError, IamResult};
pub use types::*;

use crate::otp::Seed;

/// IAM's largest page: lists ask for it so that a thousand devices take one round trip.
pub const MAX_PAGE_SIZE: i32 = 1000;
/// How many MFA devices of any kind a user may have (since November 2022).
pub const MAX_DEVICES_PER_USER: usize = 8;
/// IAM's tag limits on one resource.
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_KEY_LEN: usize = 128;
pub const MAX_TAG_VALUE_LEN: usize = 256;

#[async_trait]
pub trait Iam: Send + Sync {
    /// STS GetCallerIdentity.
    async fn caller_identity(&self) -> IamResult<CallerIdentity>;

    /// Whether the caller may call ListUsers (asks for one user; AccessDenied means no).
    async fn may_list_users(&self) -> IamResult<bool>;

    /// Every user in the account, all pages.
    async fn list_users(&self) -> IamResult<Vec<User>>;

    /// GetUser; `None` asks for the caller's own user.
    async fn get_user(&self, user_name: Option<&str>) -> IamResult<User>;

    /// The MFA devices assigned to a user, all pages.
    async fn list_mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>>;

    /// Every virtual MFA device matching the filter, all pages.
    async fn list_virtual_mfa_devices(
        &self,
        filter: AssignmentFilter,
    ) -> IamResult<Vec<VirtualMfaDevice>>;

    async fn create_virtual_mfa_device(
        &self,
        request: &NewVirtualDevice,
    ) -> IamResult<CreatedVirtualDevice>;

    async fn enable_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()>;

    async fn deactivate_mfa_device(&self, user_name: &str, serial: &str) -> IamResult<()>;

    async fn resync_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()>;

    async fn delete_virtual_mfa_device(&self, serial: &str) -> IamResult<()>;

    async fn tag_mfa_device(&self, serial: &str, tags: &[Tag]) -> IamResult<()>;

    async fn untag_mfa_device(&self, serial: &str, keys: &[String]) -> IamResult<()>;

    async fn list_mfa_device_tags(&self, serial: &str) -> IamResult<Vec<Tag>>;

    /// STS GetSessionToken with a code from one of the caller's devices; on success every later call is
    /// signed with the temporary credentials (held in memory only).
    async fn start_mfa_session(
        &self,
        serial: &str,
        code: &str,
        duration: Option<Duration>,
    ) -> IamResult<MfaSession>;

    /// The MFA session in force, if any and not expired.
    fn mfa_session(&self) -> Option<MfaSession>;

    /// The seed of an existing device when this backend knows it (only the demo account does: AWS never
    /// returns a seed after creation). Lets resync check the code pair locally.
    fn known_seed(&self, _serial: &str) -> Option<Seed> {
        None
    }

    /// A short description of where calls go, for the header ("demo account", "AWS eu-west-1", ...).
    fn describe(&self) -> String;
}
