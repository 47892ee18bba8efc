//! What each demo identity may do. Admin and root may do everything on IAM users; the self-service
//! identities follow AWS's "manage your own MFA device" policy: their own user and `mfa/*` only, and
//! the actions outside the policy's "allowed without MFA" list only within an MFA session.

use super::DemoIdentity;
use crate::iam::{Action, IamError};

/// Who holds a device, as far as a policy check cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Holder<'a> {
    Nobody,
    User(&'a str),
    /// The root user, or anyone else who is not an IAM user.
    Other,
}

/// The resource an action is checked against; each carries the ARN that a denial names.
#[derive(Debug, Clone, Copy)]
pub(super) enum Resource<'a> {
    /// An account-wide listing (ListUsers, ListVirtualMFADevices).
    Account { arn: &'a str },
    /// A user-scoped action: the user's name and ARN.
    User { name: &'a str, arn: &'a str },
    /// A device-scoped action on `mfa/...`.
    Device { arn: &'a str, holder: Holder<'a> },
}

impl Resource<'_> {
    fn arn(&self) -> &str {
        match self {
            Self::Account { arn } | Self::User { arn, .. } | Self::Device { arn, .. } => arn,
        }
    }
}

/// What the policy conditions look at besides the request.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Conditions {
    /// `aws:MultiFactorAuthPresent`: the caller signs with MFA session credentials.
    pub mfa_session: bool,
    /// Whether the caller already has an MFA device (enabling a first one needs no session).
    pub caller_has_device: bool,
}

/// The demo caller as the policy engine sees it.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    pub identity: DemoIdentity,
    pub account_id: String,
    pub arn: String,
    /// The IAM user behind the identity; `None` for root.
    pub user_name: Option<String>,
}

impl Caller {
    /// Ok when the identity's policy allows `action` on `resource`; otherwise the AccessDenied AWS gives.
    pub fn authorize(
        &self,
        action: Action,
        resource: Resource<'_>,
        conditions: Conditions,
    ) -> Result<(), IamError> {
        let me = match (self.identity, &self.user_name) {
            (DemoIdentity::Admin | DemoIdentity::Root, _) => return Ok(()),
            (_, None) => return Err(self.not_allowed(action, resource)),
            (_, Some(me)) => me.as_str(),
        };
        let own_user = matches!(resource, Resource::User { name, .. } if name == me);
        let own_or_free_device = matches!(
            resource,
            Resource::Device {
                holder: Holder::Nobody,
                ..
            }
        ) || matches!(resource, Resource::Device { holder: Holder::User(u), .. } if u == me);

        match action {
            Action::ListVirtualMfaDevices => Ok(()),
            Action::CreateVirtualMfaDevice if self.pins_device_name() => {
                let pinned = format!("arn:aws:iam::{}:mfa/{me}", self.account_id);
                if resource.arn() == pinned {
                    Ok(())
                } else {
                    Err(self.not_allowed(action, resource))
                }
            }
            Action::CreateVirtualMfaDevice => Ok(()),
            Action::GetUser | Action::ListMfaDevices | Action::ResyncMfaDevice if own_user => {
                Ok(())
            }
            // A first device needs no session: there is nothing to open one with yet.
            Action::EnableMfaDevice if own_user && !conditions.caller_has_device => Ok(()),
            Action::EnableMfaDevice | Action::DeactivateMfaDevice if own_user => {
                self.within_mfa_session(action, resource, conditions)
            }
            Action::DeleteVirtualMfaDevice if own_or_free_device => Ok(()),
            Action::TagMfaDevice | Action::UntagMfaDevice | Action::ListMfaDeviceTags
                if own_or_free_device =>
            {
                self.within_mfa_session(action, resource, conditions)
            }
            _ => Err(self.not_allowed(action, resource)),
        }
    }

    fn pins_device_name(&self) -> bool {
        self.identity == DemoIdentity::SelfServicePinned
    }

    /// The policy's "deny everything else unless signed in with MFA" statement.
    fn within_mfa_session(
        &self,
        action: Action,
        resource: Resource<'_>,
        conditions: Conditions,
    ) -> Result<(), IamError> {
        if conditions.mfa_session {
            return Ok(());
        }
        Err(IamError::access_denied(
            action,
            format!(
                "User: {} is not authorized to perform: {action} on resource: {} with an explicit deny in an identity-based policy",
                self.arn,
                resource.arn()
            ),
        ))
    }

    /// No statement allows it: an MFA session would not help.
    fn not_allowed(&self, action: Action, resource: Resource<'_>) -> IamError {
        IamError::access_denied(
            action,
            format!(
                "User: {} is not authorized to perform: {action} on resource: {} because no identity-based policy allows the {action} action",
                self.arn,
                resource.arn(),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "210987654321";
    const ME: &str = "jordan.lee";
    const MY_ARN: &str = "arn:aws:iam::210987654321:user/engineering/jordan.lee";
    const OTHER_ARN: &str = "arn:aws:iam::210987654321:user/alice.nguyen";

    fn caller(identity: DemoIdentity) -> Caller {
        let (arn, user_name) = match identity {
            DemoIdentity::Root => (format!("arn:aws:iam::{ACCOUNT}:root"), None),
            DemoIdentity::Admin => (format!("arn:aws:iam::{ACCOUNT}:user/admin"), Some("admin")),
            DemoIdentity::SelfService => (MY_ARN.to_string(), Some(ME)),
            DemoIdentity::SelfServicePinned => (MY_ARN.to_string(), Some(ME)),
        };
        Caller {
            identity,
            account_id: ACCOUNT.into(),
            arn,
            user_name: user_name.map(String::from),
        }
    }

    fn me() -> Resource<'static> {
        Resource::User {
            name: ME,
            arn: MY_ARN,
        }
    }

    fn other() -> Resource<'static> {
        Resource::User {
            name: "alice.nguyen",
            arn: OTHER_ARN,
        }
    }

    fn device(arn: &'static str, holder: Holder<'static>) -> Resource<'static> {
        Resource::Device { arn, holder }
    }

    const NO_SESSION_NO_DEVICE: Conditions = Conditions {
        mfa_session: false,
        caller_has_device: false,
    };
    const NO_SESSION: Conditions = Conditions {
        mfa_session: false,
        caller_has_device: true,
    };
    const SESSION: Conditions = Conditions {
        mfa_session: true,
        caller_has_device: true,
    };

    /// Ok, or whether the denial asks for an MFA session.
    fn outcome(
        identity: DemoIdentity,
        action: Action,
        resource: Resource<'_>,
        conditions: Conditions,
    ) -> Result<(), bool> {
        caller(identity)
            .authorize(action, resource, conditions)
            .map_err(|e| e.needs_mfa_session())
    }

    #[test]
    fn admin_and_root_may_do_everything_without_a_session() {
        for identity in [DemoIdentity::Admin, DemoIdentity::Root] {
            for &action in Action::ALL {
                for resource in [other(), device("arn:aws:iam::1:mfa/x", Holder::User("bob"))] {
                    assert_eq!(outcome(identity, action, resource, NO_SESSION), Ok(()));
                }
            }
        }
    }

    #[test]
    fn self_service_may_not_list_users_and_it_is_no_mfa_matter() {
        let resource = Resource::Account {
            arn: "arn:aws:iam::210987654321:user/",
        };
        let error = caller(DemoIdentity::SelfService)
            .authorize(Action::ListUsers, resource, SESSION)
            .unwrap_err();
        assert!(!error.needs_mfa_session());
        assert!(
            error.to_string().contains(Action::ListUsers.as_str()),
            "{error}"
        );
        assert!(error.to_string().contains(MY_ARN), "{error}");
    }

    #[test]
    fn self_service_may_not_touch_another_user_even_with_a_session() {
        for action in [
            Action::GetUser,
            Action::ListMfaDevices,
            Action::EnableMfaDevice,
            Action::DeactivateMfaDevice,
            Action::ResyncMfaDevice,
        ] {
            for conditions in [NO_SESSION, SESSION, NO_SESSION_NO_DEVICE] {
                assert_eq!(
                    outcome(DemoIdentity::SelfService, action, other(), conditions),
                    Err(false),
                    "{action:?}"
                );
            }
        }
    }

    #[test]
    fn self_service_reads_and_resyncs_its_own_without_a_session() {
        for action in [
            Action::GetUser,
            Action::ListMfaDevices,
            Action::ResyncMfaDevice,
        ] {
            assert_eq!(
                outcome(DemoIdentity::SelfService, action, me(), NO_SESSION),
                Ok(())
            );
        }
        let account = Resource::Account {
            arn: "arn:aws:iam::210987654321:mfa/",
        };
        assert_eq!(
            outcome(
                DemoIdentity::SelfService,
                Action::ListVirtualMfaDevices,
                account,
                NO_SESSION
            ),
            Ok(())
        );
    }

    #[test]
    fn enabling_a_first_device_needs_no_session_but_another_does() {
        let enable = |conditions| {
            outcome(
                DemoIdentity::SelfService,
                Action::EnableMfaDevice,
                me(),
                conditions,
            )
        };
        assert_eq!(enable(NO_SESSION_NO_DEVICE), Ok(()));
        assert_eq!(enable(NO_SESSION), Err(true));
        assert_eq!(enable(SESSION), Ok(()));
    }

    #[test]
    fn deactivating_needs_a_session_with_an_explicit_deny() {
        let error = caller(DemoIdentity::SelfService)
            .authorize(Action::DeactivateMfaDevice, me(), NO_SESSION)
            .unwrap_err();
        assert!(error.needs_mfa_session());
        assert_eq!(
            error,
            IamError::AccessDenied {
                action: Action::DeactivateMfaDevice,
                message: format!(
                    "User: {MY_ARN} is not authorized to perform: iam:DeactivateMFADevice on resource: {MY_ARN} with an explicit deny in an identity-based policy"
                ),
                mfa_required: true,
            }
        );
        assert_eq!(
            outcome(
                DemoIdentity::SelfService,
                Action::DeactivateMfaDevice,
                me(),
                SESSION
            ),
            Ok(())
        );
    }

    #[test]
    fn tagging_needs_a_session_and_an_own_or_unassigned_device() {
        let mine = device(
            "arn:aws:iam::210987654321:mfa/jordan.lee-pixel",
            Holder::User(ME),
        );
        let free = device("arn:aws:iam::210987654321:mfa/orphan", Holder::Nobody);
        let theirs = device(
            "arn:aws:iam::210987654321:mfa/alice-phone",
            Holder::User("alice.nguyen"),
        );
        let roots = device(
            "arn:aws:iam::210987654321:mfa/ops-shared-phone",
            Holder::Other,
        );
        for action in [
            Action::TagMfaDevice,
            Action::UntagMfaDevice,
            Action::ListMfaDeviceTags,
        ] {
            for resource in [mine, free] {
                assert_eq!(
                    outcome(DemoIdentity::SelfService, action, resource, NO_SESSION),
                    Err(true)
                );
                assert_eq!(
                    outcome(DemoIdentity::SelfService, action, resource, SESSION),
                    Ok(())
                );
            }
            for resource in [theirs, roots] {
                assert_eq!(
                    outcome(DemoIdentity::SelfService, action, resource, SESSION),
                    Err(false)
                );
            }
        }
    }

    #[test]
    fn deleting_is_allowed_for_own_and_unassigned_devices_only() {
        let delete = |holder| {
            outcome(
                DemoIdentity::SelfService,
                Action::DeleteVirtualMfaDevice,
                device("arn:aws:iam::210987654321:mfa/x", holder),
                NO_SESSION,
            )
        };
        assert_eq!(delete(Holder::Nobody), Ok(()));
        assert_eq!(delete(Holder::User(ME)), Ok(()));
        assert_eq!(delete(Holder::User("alice.nguyen")), Err(false));
        assert_eq!(delete(Holder::Other), Err(false));
    }

    #[test]
    fn self_service_may_create_any_name_but_pinned_only_its_own() {
        let named = |arn| device(arn, Holder::Nobody);
        let any = named("arn:aws:iam::210987654321:mfa/jordan-phone");
        let pinned = named("arn:aws:iam::210987654321:mfa/jordan.lee");
        let pinned_with_path = named("arn:aws:iam::210987654321:mfa/engineering/jordan.lee");
        let create = Action::CreateVirtualMfaDevice;
        assert_eq!(
            outcome(DemoIdentity::SelfService, create, any, NO_SESSION),
            Ok(())
        );
        assert_eq!(
            outcome(DemoIdentity::SelfServicePinned, create, pinned, NO_SESSION),
            Ok(())
        );
        for resource in [any, pinned_with_path] {
            let error = caller(DemoIdentity::SelfServicePinned)
                .authorize(create, resource, SESSION)
                .unwrap_err();
            assert!(!error.needs_mfa_session());
            let text = error.to_string();
            assert!(text.contains(create.as_str()), "{text}");
            assert!(text.contains(resource.arn()), "{text}");
        }
    }
}
