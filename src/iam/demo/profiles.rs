//! Fictional profiles for the demo, so the Profiles screen and a switch show without AWS: each profile is
//! a demo identity, and switching back to a profile finds the account as it was left. One SSO profile's
//! token has "expired", to show how a profile that cannot load is reported.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use super::{DemoAccount, DemoIdentity};
use crate::iam::connect::{ConnectFailure, Connector, ProfileInfo, find_profile};
use crate::iam::{Iam, IamError};

/// The profile the demo starts in.
pub const START_PROFILE: &str = "default";
/// The SSO profile whose sign-in has expired.
pub const EXPIRED_SSO_PROFILE: &str = "sandbox-sso";

fn profile(name: &str, sso: bool, region: &str, role: Option<(&str, &str)>) -> ProfileInfo {
    ProfileInfo {
        name: name.into(),
        sso,
        region: Some(region.into()),
        role_arn: role.map(|(arn, _)| arn.into()),
        source_profile: role.map(|(_, source)| source.into()),
    }
}

/// The demo's profiles and who each signs in as (`None`: cannot sign in).
fn catalogue() -> Vec<(ProfileInfo, Option<DemoIdentity>)> {
    vec![
        (
            profile(START_PROFILE, false, "us-east-1", None),
            Some(DemoIdentity::Admin),
        ),
        (
            profile("jordan", false, "eu-west-1", None),
            Some(DemoIdentity::SelfService),
        ),
        (
            profile("priya", false, "eu-west-1", None),
            Some(DemoIdentity::SelfServicePinned),
        ),
        (
            profile(
                "break-glass",
                false,
                "us-east-1",
                Some(("arn:aws:iam::210987654321:role/BreakGlass", START_PROFILE)),
            ),
            Some(DemoIdentity::Root),
        ),
        (
            profile(EXPIRED_SSO_PROFILE, true, "eu-central-1", None),
            None,
        ),
    ]
}

/// Makes the demo account for an identity (built-in data, or the `--demo-data` file).
pub type MakeAccount = Box<dyn Fn(DemoIdentity) -> DemoAccount + Send + Sync>;

pub struct DemoConnector {
    make: MakeAccount,
    /// Accounts already made, by profile: a switch back finds its devices where they were.
    made: Mutex<HashMap<String, Arc<dyn Iam>>>,
}

impl DemoConnector {
    /// `start` is the account the app started with, under [`START_PROFILE`].
    pub fn new(start: Arc<dyn Iam>, make: MakeAccount) -> Self {
        let made = HashMap::from([(START_PROFILE.to_string(), start)]);
        Self {
            make,
            made: Mutex::new(made),
        }
    }
}

#[async_trait]
impl Connector for DemoConnector {
    async fn profiles(&self) -> Result<Vec<ProfileInfo>, ConnectFailure> {
        Ok(catalogue().into_iter().map(|(info, _)| info).collect())
    }

    async fn connect(&self, name: &str) -> Result<Arc<dyn Iam>, ConnectFailure> {
        let catalogue = catalogue();
        let infos: Vec<ProfileInfo> = catalogue.iter().map(|(info, _)| info.clone()).collect();
        let info = find_profile(&infos, name);
        let Some((_, identity)) = catalogue.iter().find(|(info, _)| info.name == name) else {
            return Err(ConnectFailure(format!(
                "Profile {name} is not one of the demo's profiles"
            )));
        };
        let Some(identity) = *identity else {
            let expired = IamError::ExpiredCredentials(
                "the SSO session associated with this profile has expired".into(),
            );
            return Err(ConnectFailure::of_first_call(&info, &expired));
        };
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let iam = made
            .entry(name.to_string())
            .or_insert_with(|| Arc::new((self.make)(identity)))
            .clone();
        Ok(iam)
    }
}
