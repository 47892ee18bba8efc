//! STS GetSessionToken as the demo account plays it: which codes open a session and for how long.

use std::time::Duration;

use crate::clock::UnixSeconds;
use crate::iam::{IamError, MfaSession, Timestamp};
use crate::otp::{self, Seed};

pub(super) const DEFAULT_SECONDS: u64 = 43_200;
pub(super) const MIN_SECONDS: u64 = 900;
pub(super) const MAX_SECONDS: u64 = 129_600;
/// Sessions of the root user last at most an hour, and that is also their default (STS documentation).
pub(super) const ROOT_MAX_SECONDS: u64 = 3_600;

/// How long a session lasts: the request clamped to STS's range, or the default.
pub(super) fn duration_seconds(requested: Option<Duration>, root: bool) -> u64 {
    let (default, max) = if root {
        (ROOT_MAX_SECONDS, ROOT_MAX_SECONDS)
    } else {
        (DEFAULT_SECONDS, MAX_SECONDS)
    };
    requested
        .map_or(default, |d| d.as_secs())
        .clamp(MIN_SECONDS, max)
}

/// STS accepts the code of the current window or the one before (a code typed as it changed).
pub(super) fn code_is_current(seed: &Seed, code: &str, now: UnixSeconds) -> bool {
    let current = otp::window(now);
    otp::is_code_format(code)
        && [current, current - 1]
            .iter()
            .any(|w| seed.code_for_window(*w) == code)
}

/// What STS says for a wrong code or a serial that is not the caller's (with AccessDenied).
pub(super) const MFA_FAILED: &str = "MultiFactorAuthentication failed, unable to validate MFA code";

/// A wrong code or a serial that is not the caller's. STS answers AccessDenied with [`MFA_FAILED`];
/// the AWS adapter reads that as a bad code, and the demo answers as the adapter does, so the app
/// sees one error from either backend.
pub(super) fn mfa_failed() -> IamError {
    IamError::InvalidAuthenticationCode(MFA_FAILED.to_string())
}

pub(super) fn open(serial: &str, now: UnixSeconds, seconds: u64) -> MfaSession {
    MfaSession {
        serial: serial.to_string(),
        expires_at: Timestamp(i64::try_from(now.saturating_add(seconds)).unwrap_or(i64::MAX)),
    }
}

/// A session is in force until the clock reaches its expiry.
pub(super) fn is_active(session: &MfaSession, now: UnixSeconds) -> bool {
    i64::try_from(now).is_ok_and(|now| now < session.expires_at.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_defaults_and_clamps() {
        assert_eq!(duration_seconds(None, false), 43_200);
        assert_eq!(duration_seconds(Some(Duration::from_secs(60)), false), 900);
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(3_600)), false),
            3_600
        );
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(200_000)), false),
            129_600
        );
    }

    #[test]
    fn root_sessions_last_an_hour_at_most() {
        assert_eq!(duration_seconds(None, true), 3_600);
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(43_200)), true),
            3_600
        );
        assert_eq!(
            duration_seconds(Some(Duration::from_secs(1_800)), true),
            1_800
        );
        assert_eq!(duration_seconds(Some(Duration::from_secs(10)), true), 900);
    }

    #[test]
    fn current_and_previous_codes_open_a_session() {
        let seed = Seed::from_bytes(b"12345678901234567890");
        let now = 1_111_111_110; // first second of a window
        let w = otp::window(now);
        assert!(code_is_current(&seed, &seed.code_for_window(w), now));
        assert!(code_is_current(&seed, &seed.code_for_window(w - 1), now));
        assert!(!code_is_current(&seed, &seed.code_for_window(w - 2), now));
        assert!(!code_is_current(&seed, &seed.code_for_window(w + 1), now));
        assert!(!code_is_current(&seed, "12345", now));
    }

    #[test]
    fn a_session_ends_at_its_expiry() {
        let session = open("GAHT60192318", 1_000, 900);
        assert_eq!(session.expires_at, Timestamp(1_900));
        assert!(is_active(&session, 1_899));
        assert!(!is_active(&session, 1_900));
    }

    #[test]
    fn a_failed_code_is_a_bad_code_not_a_request_for_a_session() {
        let error = mfa_failed();
        assert_eq!(
            error,
            IamError::InvalidAuthenticationCode(MFA_FAILED.into())
        );
        assert!(!error.needs_mfa_session());
    }
}
