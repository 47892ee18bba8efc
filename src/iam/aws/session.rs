//! The IAM and STS clients in use, and the MFA session that replaces them: after GetSessionToken every
//! call is signed with the temporary credentials, until they expire. They live in memory only.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

use crate::iam::MfaSession;

/// GetSessionToken's DurationSeconds range.
const MIN_SESSION_SECONDS: u64 = 900;
const MAX_SESSION_SECONDS: u64 = 129_600;

/// One IAM and one STS client signed with the same credentials.
#[derive(Clone, Debug)]
pub(super) struct Clients {
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    /// The same clients (endpoint, region, retries, HTTP client, interceptors) with other credentials.
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        let iam = self
            .iam
            .config()
            .to_builder()
            .credentials_provider(credentials.clone())
            .build();
        let sts = self
            .sts
            .config()
            .to_builder()
            .credentials_provider(credentials)
            .build();
        Self {
            iam: aws_sdk_iam::Client::from_conf(iam),
            sts: aws_sdk_sts::Client::from_conf(sts),
        }
    }
}

/// An MFA session in force: what the UI sees, and the clients that carry its credentials.
#[derive(Debug)]
pub(super) struct ActiveSession {
    pub info: MfaSession,
    pub expires: SystemTime,
    pub clients: Clients,
}

impl ActiveSession {
    pub fn is_live(&self, now: SystemTime) -> bool {
        now < self.expires
    }
}

/// DurationSeconds for GetSessionToken: clamped to what STS accepts; `None` leaves AWS's default (12 h).
pub(super) fn duration_seconds(duration: Option<Duration>) -> Option<i32> {
    duration.map(|d| d.as_secs().clamp(MIN_SESSION_SECONDS, MAX_SESSION_SECONDS) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_duration_is_clamped_to_the_sts_range() {
        assert_eq!(duration_seconds(None), None);
        assert_eq!(duration_seconds(Some(Duration::from_secs(60))), Some(900));
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(3600))),
            Some(3600)
        );
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(7 * 24 * 3600))),
            Some(129_600)
        );
    }
}
