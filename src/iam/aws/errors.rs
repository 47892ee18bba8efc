//! Every failure of an SDK call becomes one [`IamError`]: service errors by their IAM/STS error code,
//! failures before a response by what went wrong (credentials, network), and answers the SDK could not
//! read (moto's HTML page for an operation it does not implement) as "not implemented".
//! Messages are one line, for people: no Debug dumps of SDK structs.

use std::error::Error;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::iam::{Action, IamError};

/// What a failed call was: named in AccessDenied, NotImplemented and network messages.
#[derive(Debug, Clone, Copy)]
pub(super) struct CallSite<'a> {
    /// The IAM or STS action, e.g. `iam:EnableMFADevice`.
    pub action: Action,
    /// Where the call went, e.g. `http://127.0.0.1:5000` or `AWS (us-east-1)`.
    pub endpoint: &'a str,
}

const NO_DETAILS: &str = "no details given";

/// Maps any SDK error of an IAM or STS call to our error type.
pub(super) fn map_sdk_error<E>(error: SdkError<E, HttpResponse>, call: CallSite<'_>) -> IamError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    match &error {
        SdkError::ServiceError(context) => {
            let service_error = context.err();
            from_service_error(
                service_error.code(),
                service_error.message(),
                context.raw().status().as_u16(),
                call,
            )
        }
        SdkError::ResponseError(context) => IamError::NotImplemented {
            operation: call.action.operation().to_string(),
            message: format!(
                "the endpoint answered HTTP {} with a response that is not an AWS answer ({})",
                context.raw().status().as_u16(),
                root_cause(&error)
            ),
        },
        SdkError::TimeoutError(_) => IamError::Network(format!(
            "{} did not answer in time ({})",
            call.endpoint,
            root_cause(&error)
        )),
        SdkError::DispatchFailure(failure) => {
            if let Some(credentials) = find_credentials_error(&error) {
                return credentials_error(credentials);
            }
            if failure.is_timeout() {
                IamError::Network(format!("{} did not answer in time", call.endpoint))
            } else if failure.is_io() {
                IamError::Network(format!(
                    "cannot connect to {}: {}",
                    call.endpoint,
                    root_cause(&error)
                ))
            } else {
                IamError::Other {
                    code: None,
                    message: format!("the request was not sent: {}", root_cause(&error)),
                }
            }
        }
        // Construction failures are ours (a missing required field, a bad region or endpoint).
        _ => match find_credentials_error(&error) {
            Some(credentials) => credentials_error(credentials),
            None => IamError::Other {
                code: None,
                message: format!("the request could not be built: {}", root_cause(&error)),
            },
        },
    }
}

/// Maps an error response by its error code (the `<Code>` of IAM's and STS's XML errors).
pub(super) fn from_service_error(
    code: Option<&str>,
    message: Option<&str>,
    http_status: u16,
    call: CallSite<'_>,
) -> IamError {
    let message = one_line(message.unwrap_or(NO_DETAILS));
    let Some(code) = code else {
        // moto answers operations it does not implement with an HTML page and status 500; real AWS
        // always sends a code.
        if matches!(http_status, 500 | 501) {
            return IamError::NotImplemented {
                operation: call.action.operation().to_string(),
                message: format!("the endpoint answered HTTP {http_status} with no error code"),
            };
        }
        return IamError::Other {
            code: None,
            message: format!("HTTP {http_status} with no error code: {message}"),
        };
    };
    match code {
        "EntityAlreadyExists" => IamError::EntityAlreadyExists(message),
        "EntityTemporarilyUnmodifiable" => IamError::EntityTemporarilyUnmodifiable(message),
        "InvalidAuthenticationCode" => IamError::InvalidAuthenticationCode(message),
        "LimitExceeded" => IamError::LimitExceeded(message),
        "NoSuchEntity" => IamError::NoSuchEntity(message),
        "ServiceFailure" => IamError::ServiceFailure(message),
        "ConcurrentModification" => IamError::ConcurrentModification(message),
        "InvalidInput" | "ValidationError" => IamError::InvalidInput(message),
        "DeleteConflict" => IamError::DeleteConflict(message),
        "AccessDenied" | "AccessDeniedException" => access_denied(call, message),
        "Throttling" | "ThrottlingException" => IamError::Throttled(message),
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            IamError::ExpiredCredentials(message)
        }
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
            IamError::Credentials(format!("AWS does not accept them ({code}: {message})"))
        }
        other => IamError::Other {
            code: Some(other.to_string()),
            message,
        },
    }
}

/// GetSessionToken answers a wrong or stale code with AccessDenied "MultiFactorAuthentication failed":
/// that is a bad code, not a missing permission, and must not send the user to the MFA-session step.
fn access_denied(call: CallSite<'_>, message: String) -> IamError {
    if call.action == Action::GetSessionToken
        && message
            .to_ascii_lowercase()
            .contains("multifactorauthentication failed")
    {
        return IamError::InvalidAuthenticationCode(message);
    }
    IamError::access_denied(call.action, message)
}

fn find_credentials_error<'e>(error: &'e (dyn Error + 'static)) -> Option<&'e CredentialsError> {
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(credentials) = error.downcast_ref::<CredentialsError>() {
            return Some(credentials);
        }
        current = error.source();
    }
    None
}

fn credentials_error(error: &CredentialsError) -> IamError {
    let message = match error {
        CredentialsError::CredentialsNotLoaded(_) => {
            "none found in the environment, config files or SSO".to_string()
        }
        CredentialsError::ProviderTimedOut(_) => "loading them timed out".to_string(),
        other => format!("loading them failed: {}", chain_text(other)),
    };
    IamError::Credentials(message)
}

/// The innermost cause's text: for a refused connection "Connection refused (os error 111)" rather
/// than the SDK's generic "dispatch failure".
fn root_cause(error: &(dyn Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    one_line(&current.to_string())
}

/// Every level of an error chain, outermost first, without repeats.
fn chain_text(error: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(error) = current {
        let text = one_line(&error.to_string());
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}

/// Collapses line breaks and runs of spaces, so a message fits a status line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use aws_credential_types::provider::error::CredentialsError;
    use aws_sdk_iam::operation::enable_mfa_device::EnableMFADeviceError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    const ENABLE: CallSite<'static> = CallSite {
        action: Action::EnableMfaDevice,
        endpoint: "http://127.0.0.1:9",
    };
    const SESSION: CallSite<'static> = CallSite {
        action: Action::GetSessionToken,
        endpoint: "http://127.0.0.1:9",
    };

    fn coded(code: &str, message: &str) -> IamError {
        from_service_error(Some(code), Some(message), 400, ENABLE)
    }

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty())
    }

    #[test]
    fn each_documented_code_has_its_variant() {
        type Variant = fn(String) -> IamError;
        let cases: [(&str, Variant); 10] = [
            ("EntityAlreadyExists", IamError::EntityAlreadyExists),
            (
                "EntityTemporarilyUnmodifiable",
                IamError::EntityTemporarilyUnmodifiable,
            ),
            (
                "InvalidAuthenticationCode",
                IamError::InvalidAuthenticationCode,
            ),
            ("LimitExceeded", IamError::LimitExceeded),
            ("NoSuchEntity", IamError::NoSuchEntity),
            ("ServiceFailure", IamError::ServiceFailure),
            ("ConcurrentModification", IamError::ConcurrentModification),
            ("InvalidInput", IamError::InvalidInput),
            ("ValidationError", IamError::InvalidInput),
            ("DeleteConflict", IamError::DeleteConflict),
        ];
        for (code, variant) in cases {
            assert_eq!(
                coded(code, "the message"),
                variant("the message".into()),
                "{code}"
            );
        }
    }

    #[test]
    fn access_denied_names_the_action_of_the_call() {
        for code in ["AccessDenied", "AccessDeniedException"] {
            let error = coded(code, "User: arn:aws:iam::1:user/a is not authorized");
            assert_eq!(
                error,
                IamError::access_denied(
                    Action::EnableMfaDevice,
                    "User: arn:aws:iam::1:user/a is not authorized"
                )
            );
            assert!(!error.needs_mfa_session());
        }
    }

    #[test]
    fn explicit_deny_asks_for_an_mfa_session() {
        let error = coded(
            "AccessDenied",
            "User: arn:aws:iam::1:user/a is not authorized to perform: iam:DeactivateMFADevice with an explicit deny",
        );
        assert!(error.needs_mfa_session());
    }

    #[test]
    fn wrong_session_code_is_a_bad_code_not_a_missing_permission() {
        let message = "MultiFactorAuthentication failed, unable to validate MFA code";
        let error = from_service_error(Some("AccessDenied"), Some(message), 403, SESSION);
        assert_eq!(error, IamError::InvalidAuthenticationCode(message.into()));
        // Any other denial of GetSessionToken stays a denial naming sts:GetSessionToken.
        let other = from_service_error(Some("AccessDenied"), Some("not authorized"), 403, SESSION);
        assert_eq!(
            other,
            IamError::access_denied(Action::GetSessionToken, "not authorized")
        );
    }

    #[test]
    fn throttling_expiry_and_bad_keys() {
        for code in ["Throttling", "ThrottlingException"] {
            assert_eq!(
                coded(code, "Rate exceeded"),
                IamError::Throttled("Rate exceeded".into())
            );
        }
        for code in ["ExpiredToken", "ExpiredTokenException", "RequestExpired"] {
            assert_eq!(
                coded(code, "expired"),
                IamError::ExpiredCredentials("expired".into())
            );
        }
        for code in [
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "UnrecognizedClientException",
        ] {
            let error = coded(
                code,
                "The security token included in the request is invalid.",
            );
            assert!(
                matches!(&error, IamError::Credentials(m) if m.contains(code)),
                "{error:?}"
            );
        }
    }

    #[test]
    fn unknown_code_keeps_code_and_message() {
        assert_eq!(
            coded("MalformedPolicyDocument", "bad\n  policy"),
            IamError::Other {
                code: Some("MalformedPolicyDocument".into()),
                message: "bad policy".into()
            }
        );
    }

    #[test]
    fn status_500_without_code_is_not_implemented() {
        let error = from_service_error(None, None, 500, ENABLE);
        assert_eq!(
            error,
            IamError::NotImplemented {
                operation: "EnableMFADevice".into(),
                message: "the endpoint answered HTTP 500 with no error code".into()
            }
        );
        assert!(matches!(
            from_service_error(None, Some("teapot"), 418, ENABLE),
            IamError::Other { code: None, .. }
        ));
    }

    #[test]
    fn missing_message_says_so() {
        assert_eq!(
            from_service_error(Some("NoSuchEntity"), None, 404, ENABLE),
            IamError::NoSuchEntity(NO_DETAILS.into())
        );
    }

    #[test]
    fn sdk_service_error_uses_its_metadata() {
        let meta = ErrorMetadata::builder()
            .code("LimitExceeded")
            .message("Too many MFA devices")
            .build();
        let error = SdkError::service_error(EnableMFADeviceError::generic(meta), response(409));
        assert_eq!(
            map_sdk_error(error, ENABLE),
            IamError::LimitExceeded("Too many MFA devices".into())
        );
    }

    #[test]
    fn connection_refused_is_a_network_error_naming_the_endpoint() {
        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let error: SdkError<EnableMFADeviceError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        assert_eq!(
            map_sdk_error(error, ENABLE),
            IamError::Network("cannot connect to http://127.0.0.1:9: Connection refused".into())
        );
    }

    #[test]
    fn connect_timeout_is_a_network_error() {
        let error: SdkError<EnableMFADeviceError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::timeout("connect timed out".into()));
        assert_eq!(
            map_sdk_error(error, ENABLE),
            IamError::Network("http://127.0.0.1:9 did not answer in time".into())
        );
    }

    #[test]
    fn a_call_that_runs_out_of_time_is_a_network_error() {
        let error: SdkError<EnableMFADeviceError, HttpResponse> =
            SdkError::timeout_error("operation attempt timeout (10s) exceeded");
        let mapped = map_sdk_error(error, ENABLE);
        assert!(
            matches!(&mapped, IamError::Network(m) if m.starts_with("http://127.0.0.1:9 did not answer in time")),
            "{mapped:?}"
        );
    }

    #[test]
    fn missing_credentials_say_how_to_fix() {
        let not_loaded = CredentialsError::not_loaded("no providers in chain provided credentials");
        let error: SdkError<EnableMFADeviceError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(not_loaded), None));
        let mapped = map_sdk_error(error, ENABLE);
        assert!(matches!(mapped, IamError::Credentials(_)), "{mapped:?}");
        assert!(mapped.to_string().contains("aws sso login"), "{mapped}");
    }

    #[test]
    fn unreadable_response_is_not_implemented() {
        let error: SdkError<EnableMFADeviceError, HttpResponse> =
            SdkError::response_error("<html>Internal Server Error</html>", response(500));
        let mapped = map_sdk_error(error, ENABLE);
        assert!(
            matches!(&mapped, IamError::NotImplemented { operation, .. } if operation == "EnableMFADevice"),
            "{mapped:?}"
        );
        assert!(!mapped.to_string().contains('\n'));
    }
}
