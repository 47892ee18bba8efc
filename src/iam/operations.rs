//! The operation table: every IAM/STS operation the product uses, one entry each. From it
//! (`generate.rs`) come the [`Iam`] trait, the [`Request`] and [`Reply`] enums, the `op::` request
//! structs with their typed [`Operation::answer`], the dispatch [`Request::send`] and the forwarding
//! of every layer ([`Layered`](crate::iam::layer::Layered)).
//!
//! To add an operation: one entry here (an [`Action`] line too if it calls an action not yet named),
//! then its implementation in `aws/mod.rs` and `demo/mod.rs`, which the compiler asks for.
//!
//! An entry reads `Name => fn method(argument: OwnedType, ..; value: Copy, ..) -> Output, calls
//! Action;`. Arguments are named by the type a `Request` holds; the trait method borrows them (`String`
//! → `&str`, see [`Arg`]), except the small `Copy` values after the `;`, which it takes as they are.

#[macro_use]
mod generate;
mod args;

use std::time::Duration;

pub use args::{Arg, Borrowed, Code};

use super::{
    AccountSummary, Action, AssignmentFilter, CallerIdentity, CreatedVirtualDevice,
    CredentialReport, IamError, IamResult, LoginProfile, MfaDevice, MfaSession, NewVirtualDevice,
    ReportState, Tag, User, VirtualMfaDevice,
};
use crate::otp::Seed;

iam_operations! {
    /// STS GetCallerIdentity.
    CallerIdentity => fn caller_identity() -> CallerIdentity, calls GetCallerIdentity;

    /// Whether the caller may call ListUsers (asks for one user; AccessDenied means no).
    MayListUsers => fn may_list_users() -> bool, calls ListUsers;

    /// Every user in the account, all pages.
    ListUsers => fn list_users() -> Vec<User>, calls ListUsers;

    /// GetUser; `None` asks for the caller's own user.
    GetUser => fn get_user(user_name: Option<String>) -> User, calls GetUser;

    /// The MFA devices assigned to a user, all pages.
    ListMfaDevices => fn list_mfa_devices(user_name: String) -> Vec<MfaDevice>, calls ListMfaDevices;

    /// Every virtual MFA device matching the filter, all pages.
    ListVirtualMfaDevices => fn list_virtual_mfa_devices(; filter: AssignmentFilter)
        -> Vec<VirtualMfaDevice>, calls ListVirtualMfaDevices;

    /// A new virtual device; its seed comes in this answer and never again.
    CreateVirtualMfaDevice => fn create_virtual_mfa_device(device: NewVirtualDevice)
        -> CreatedVirtualDevice, calls CreateVirtualMfaDevice;

    /// Assigns a device to a user, proven by two consecutive codes from it.
    EnableMfaDevice => fn enable_mfa_device(user_name: String, serial: String, code1: Code, code2: Code)
        -> (), calls EnableMfaDevice;

    /// Unassigns a device from a user (a virtual device's entity stays until deleted).
    DeactivateMfaDevice => fn deactivate_mfa_device(user_name: String, serial: String)
        -> (), calls DeactivateMfaDevice;

    /// Brings a device whose clock drifted back in step, with two consecutive codes.
    ResyncMfaDevice => fn resync_mfa_device(user_name: String, serial: String, code1: Code, code2: Code)
        -> (), calls ResyncMfaDevice;

    /// Deletes an unassigned virtual device entity, which frees its name.
    DeleteVirtualMfaDevice => fn delete_virtual_mfa_device(serial: String)
        -> (), calls DeleteVirtualMfaDevice;

    /// Adds or overwrites tags on a virtual device.
    TagMfaDevice => fn tag_mfa_device(serial: String, tags: Vec<Tag>) -> (), calls TagMfaDevice;

    /// Removes tags, by key, from a virtual device.
    UntagMfaDevice => fn untag_mfa_device(serial: String, keys: Vec<String>) -> (), calls UntagMfaDevice;

    /// A virtual device's tags, all pages.
    ListMfaDeviceTags => fn list_mfa_device_tags(serial: String) -> Vec<Tag>, calls ListMfaDeviceTags;

    /// A user's console password; `None` when the user has none (IAM answers NoSuchEntity).
    GetLoginProfile => fn get_login_profile(user_name: String) -> Option<LoginProfile>,
        calls GetLoginProfile;

    /// GetAccountSummary: whether root has MFA (`AccountMFAEnabled`), live.
    GetAccountSummary => fn account_summary() -> AccountSummary, calls GetAccountSummary;

    /// Asks IAM to make a credential report (at most one every 4 hours) and says how far it got.
    GenerateCredentialReport => fn generate_credential_report() -> ReportState,
        calls GenerateCredentialReport;

    /// The latest credential report, parsed; as old as its `generated_at`.
    GetCredentialReport => fn credential_report() -> CredentialReport, calls GetCredentialReport;

    /// STS GetSessionToken with a code from one of the caller's devices; on success every later call is
    /// signed with the temporary credentials (held in memory only).
    StartMfaSession => fn start_mfa_session(serial: String, code: Code; duration: Option<Duration>)
        -> MfaSession, calls GetSessionToken;
}

/// What an `op::` request answers: the link from a request to the type of its reply.
pub trait Operation: Into<Request> {
    type Output;
    /// The IAM/STS action it calls; `None` for what the backend answers without a call.
    const ACTION: Option<Action>;

    /// This operation's answer out of the result of its request. A reply to another operation is a bug
    /// (answers are routed by ticket), but it becomes an error here, the one place, never a panic or a
    /// silent default.
    fn answer(result: IamResult<Reply>) -> IamResult<Self::Output>;
}

fn mismatch(expected: &'static str, got: &Reply) -> IamError {
    IamError::Other {
        code: Some("UnexpectedReply".to_string()),
        message: format!(
            "a {expected} request was answered with the reply to {}",
            got.operation()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_of_another_operation_is_an_error() {
        let result = Ok(Reply::ListUsers(Vec::new()));
        let error = op::ListMfaDevices::answer(result).unwrap_err();
        assert_eq!(error.code(), "UnexpectedReply");
        assert_eq!(
            error.to_string(),
            "Unexpected error (UnexpectedReply): a ListMfaDevices request was answered with the reply to ListUsers"
        );
    }

    #[test]
    fn answers_and_errors_pass_through() {
        let devices = op::ListMfaDevices::answer(Ok(Reply::ListMfaDevices(Vec::new())));
        assert_eq!(devices, Ok(Vec::new()));
        let denied = IamError::access_denied(Action::ListUsers, "no");
        assert_eq!(op::ListUsers::answer(Err(denied.clone())), Err(denied));
    }

    #[test]
    fn requests_name_their_action_and_hide_their_codes() {
        let request = Request::from(op::EnableMfaDevice {
            user_name: "alice".into(),
            serial: "arn:aws:iam::1:mfa/alice".into(),
            code1: Code::from("123456"),
            code2: Code::from("654321"),
        });
        assert_eq!(request.action(), Action::EnableMfaDevice.as_str());
        assert_eq!(op::StartMfaSession::ACTION, Some(Action::GetSessionToken));
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("123456") && !shown.contains("654321"),
            "{shown}"
        );
        let seed = Request::from(op::KnownSeed { serial: "x".into() });
        assert_eq!(seed.action(), "KnownSeed");
        assert_eq!(op::KnownSeed::ACTION, None);
    }
}
