//! Connecting the whole app to another profile without restarting: the profiles the shared config files
//! define, and a fresh backend for one of them. The runtime holds a [`Connector`] and swaps the backend it
//! calls only once the new one has answered who it is, so a profile that fails to load leaves the
//! previous one in use.

use std::sync::Arc;

use async_trait::async_trait;

use super::Iam;

/// One profile of the shared config or credentials file, as the Profiles screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    /// Signs in through IAM Identity Center (`sso_start_url` or `sso_session`).
    pub sso: bool,
    pub region: Option<String>,
    /// Assumes this role (`role_arn`), with the credentials of `source_profile` when set.
    pub role_arn: Option<String>,
    pub source_profile: Option<String>,
}

impl ProfileInfo {
    /// A profile with nothing but a name (credentials file entries, tests).
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            sso: false,
            region: None,
            role_arn: None,
            source_profile: None,
        }
    }
}

/// Why a profile could not be used; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConnectFailure(pub String);

impl ConnectFailure {
    /// The failure of a profile's first call, with the fix an expired SSO sign-in needs.
    pub fn of_first_call(profile: &ProfileInfo, error: &super::IamError) -> Self {
        use super::IamError;
        let credentials = matches!(
            error,
            IamError::Credentials(_) | IamError::ExpiredCredentials(_)
        );
        if profile.sso && credentials {
            // The fix first: the detail is long and the same every time.
            return Self(format!(
                "Run aws sso login --profile {}: the profile's SSO sign-in has expired or was never made ({})",
                profile.name,
                error.code()
            ));
        }
        Self(format!(
            "Profile {} could not be used: {error}",
            profile.name
        ))
    }
}

/// Lists profiles and builds the backend for one; held by the runtime (I/O happens here, never in the
/// state machine).
#[async_trait]
pub trait Connector: Send + Sync {
    async fn profiles(&self) -> Result<Vec<ProfileInfo>, ConnectFailure>;

    /// A backend for `profile` that has answered GetCallerIdentity (so its credentials work).
    async fn connect(&self, profile: &str) -> Result<Arc<dyn Iam>, ConnectFailure>;
}

/// Finds `name` among the listed profiles (a profile that vanished from the file since the listing is
/// still tried, by name only).
pub fn find_profile(profiles: &[ProfileInfo], name: &str) -> ProfileInfo {
    profiles
        .iter()
        .find(|profile| profile.name == name)
        .cloned()
        .unwrap_or_else(|| ProfileInfo::named(name))
}
