//! The one error type of the IAM layer. Every documented IAM error code is its own variant, with a message
//! a person understands; the AWS adapter and the demo account both produce these.

use thiserror::Error;

use super::Action;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IamError {
    #[error("That name is already taken: {0}")]
    EntityAlreadyExists(String),

    #[error(
        "IAM is still processing an earlier change to this entity; try again in a few seconds. ({0})"
    )]
    EntityTemporarilyUnmodifiable(String),

    #[error("AWS rejected the authentication codes: {0}")]
    InvalidAuthenticationCode(String),

    #[error("An IAM limit was reached: {0}")]
    LimitExceeded(String),

    #[error("Not found: {0}")]
    NoSuchEntity(String),

    #[error("IAM had an internal failure; try again. ({0})")]
    ServiceFailure(String),

    #[error("Another change to this entity happened at the same time; try again. ({0})")]
    ConcurrentModification(String),

    #[error("IAM rejected the input: {0}")]
    InvalidInput(String),

    #[error("The device is still assigned to a user; deactivate it first. ({0})")]
    DeleteConflict(String),

    /// `action` is the IAM/STS action that was denied, e.g. `iam:EnableMFADevice`.
    /// `mfa_required` is set when the denial comes from a policy that requires an MFA session.
    #[error("Access denied: you are not allowed to call {action}{}. {message}", if *mfa_required { " without an MFA session" } else { "" })]
    AccessDenied {
        action: Action,
        message: String,
        mfa_required: bool,
    },

    #[error("AWS kept throttling the request and the SDK gave up after its retries: {0}")]
    Throttled(String),

    #[error(
        "No usable AWS credentials: {0}. Configure a profile (aws configure / aws sso login), set AWS_PROFILE or pass --profile; or try the tool with --demo, which needs none."
    )]
    Credentials(String),

    #[error(
        "The credentials have expired: {0}. Refresh them (for SSO: aws sso login) and try again."
    )]
    ExpiredCredentials(String),

    #[error("Could not reach the IAM endpoint: {0}")]
    Network(String),

    #[error("{operation} is not supported by this endpoint: {message}")]
    NotImplemented { operation: String, message: String },

    #[error("Unexpected error{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Other {
        code: Option<String>,
        message: String,
    },
}

impl IamError {
    /// The IAM error code this variant stands for (for logs, JSON output and tests).
    pub fn code(&self) -> &str {
        match self {
            Self::EntityAlreadyExists(_) => "EntityAlreadyExists",
            Self::EntityTemporarilyUnmodifiable(_) => "EntityTemporarilyUnmodifiable",
            Self::InvalidAuthenticationCode(_) => "InvalidAuthenticationCode",
            Self::LimitExceeded(_) => "LimitExceeded",
            Self::NoSuchEntity(_) => "NoSuchEntity",
            Self::ServiceFailure(_) => "ServiceFailure",
            Self::ConcurrentModification(_) => "ConcurrentModification",
            Self::InvalidInput(_) => "InvalidInput",
            Self::DeleteConflict(_) => "DeleteConflict",
            Self::AccessDenied { .. } => "AccessDenied",
            Self::Throttled(_) => "Throttling",
            Self::Credentials(_) => "NoCredentials",
            Self::ExpiredCredentials(_) => "ExpiredToken",
            Self::Network(_) => "Network",
            Self::NotImplemented { .. } => "NotImplemented",
            Self::Other { code, .. } => code.as_deref().unwrap_or("Unknown"),
        }
    }

    pub fn access_denied(action: Action, message: impl Into<String>) -> Self {
        let message = message.into();
        let mfa_required = Self::is_explicit_deny(&message);
        Self::AccessDenied {
            action,
            message,
            mfa_required,
        }
    }

    /// True for the AccessDenied that a "require MFA" policy condition produces, so the UI can offer the
    /// MFA-session step instead of failing. AWS does not say which condition denied: the self-service
    /// policy (and the usual "force MFA" policies) deny with an explicit `Deny` when
    /// `aws:MultiFactorAuthPresent` is false, so an explicit deny is what we read as "needs a session".
    pub fn needs_mfa_session(&self) -> bool {
        matches!(
            self,
            Self::AccessDenied {
                mfa_required: true,
                ..
            }
        )
    }

    /// AWS: "... is not authorized to perform: iam:X on resource: Y with an explicit deny in an
    /// identity-based policy". Words like "MFA" are no sign: every MFA action and `:mfa/` ARN holds them,
    /// also in the "because no identity-based policy allows" denial that no session can lift, and in
    /// GetSessionToken's "MultiFactorAuthentication failed" (a wrong code).
    fn is_explicit_deny(message: &str) -> bool {
        message.to_ascii_lowercase().contains("explicit deny")
    }

    /// A failure after which the call may still have taken effect (DESIGN.md 5b): no answer in time, a
    /// dropped connection, a 5xx, throttling after the SDK's retries (an earlier attempt may have timed
    /// out after IAM applied it). The answers a retry of an applied call gets (EntityAlreadyExists,
    /// NoSuchEntity, DeleteConflict) depend on the call and are judged where it is made.
    pub fn may_hide_a_change(&self) -> bool {
        matches!(
            self,
            Self::Network(_) | Self::ServiceFailure(_) | Self::Throttled(_) | Self::Other { .. }
        )
    }

    /// True for an AccessDenied of `action`, whether the call was that action or needed it on the side
    /// (AWS names it in the message: CreateVirtualMFADevice with tags needs iam:TagMFADevice).
    pub fn denies(&self, action: Action) -> bool {
        match self {
            Self::AccessDenied {
                action: called,
                message,
                ..
            } => *called == action || message.contains(action.as_str()),
            _ => false,
        }
    }

    /// Errors worth a retry button rather than a change of input.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::ServiceFailure(_)
                | Self::ConcurrentModification(_)
                | Self::EntityTemporarilyUnmodifiable(_)
                | Self::Throttled(_)
                | Self::Network(_)
        )
    }
    /// Whether the call may have taken effect although it did not answer success: an *ambiguous*
    /// answer (DESIGN.md 5b). A timeout or a dropped connection (`Network`) and a 5xx say nothing of
    /// what IAM did; EntityAlreadyExists, NoSuchEntity and DeleteConflict are what the SDK's own retry
    /// of a call that did take effect meets (a create or enable finds its own result, a deactivate or
    /// delete finds the entity already gone or unassigned). After one, read IAM's state for what the
    /// call touched before acting; never act on the guess. Throttling, AccessDenied, ConcurrentModification
    /// and input errors are answered before IAM changes anything.
    pub fn may_have_applied(&self) -> bool {
        match self {
            Self::Network(_)
            | Self::ServiceFailure(_)
            | Self::EntityAlreadyExists(_)
            | Self::NoSuchEntity(_)
            | Self::DeleteConflict(_) => true,
            // STS and the AWS front ends answer a 5xx with these codes, which have no variant.
            Self::Other {
                code: Some(code), ..
            } => {
                matches!(
                    code.as_str(),
                    "InternalFailure" | "InternalError" | "ServiceUnavailable"
                )
            }
            _ => false,
        }
    }
}

pub type IamResult<T> = Result<T, IamError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_names_the_action() {
        let e = IamError::access_denied(
            Action::ListUsers,
            "User: arn:aws:iam::1:user/a is not authorized",
        );
        assert_eq!(
            e.to_string(),
            "Access denied: you are not allowed to call iam:ListUsers. User: arn:aws:iam::1:user/a is not authorized"
        );
        assert!(!e.needs_mfa_session());
    }

    #[test]
    fn an_implicit_deny_of_an_mfa_action_needs_no_session() {
        let e = IamError::access_denied(
            Action::EnableMfaDevice,
            "User: arn:aws:iam::1:user/a is not authorized to perform: iam:EnableMFADevice on resource: arn:aws:iam::1:mfa/a because no identity-based policy allows the iam:EnableMFADevice action",
        );
        assert!(!e.needs_mfa_session());
    }

    #[test]
    fn a_wrong_session_code_needs_no_session() {
        let e = IamError::access_denied(
            Action::GetSessionToken,
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        );
        assert!(!e.needs_mfa_session());
    }

    #[test]
    fn answers_that_may_hide_a_change_are_ambiguous() {
        let ambiguous = [
            IamError::Network("did not answer in time".into()),
            IamError::ServiceFailure("500".into()),
            IamError::EntityAlreadyExists("retry".into()),
            IamError::NoSuchEntity("retry".into()),
            IamError::DeleteConflict("retry".into()),
            IamError::Other {
                code: Some("InternalFailure".into()),
                message: "sts 500".into(),
            },
        ];
        for error in ambiguous {
            assert!(error.may_have_applied(), "{error:?}");
        }
        let definite = [
            IamError::Throttled("rate".into()),
            IamError::access_denied(Action::DeactivateMfaDevice, "no"),
            IamError::InvalidAuthenticationCode("wrong".into()),
            IamError::LimitExceeded("8".into()),
            IamError::ConcurrentModification("again".into()),
            IamError::Other {
                code: None,
                message: "not built".into(),
            },
        ];
        for error in definite {
            assert!(!error.may_have_applied(), "{error:?}");
        }
    }

    #[test]
    fn explicit_deny_is_read_as_mfa_required() {
        let e = IamError::access_denied(
            Action::DeactivateMfaDevice,
            "User: arn:aws:iam::1:user/a is not authorized to perform: iam:DeactivateMFADevice with an explicit deny in an identity-based policy",
        );
        assert!(e.needs_mfa_session());
        assert!(e.to_string().contains("without an MFA session"));
    }
}
