//! The profiles of the shared config and credentials files (`AWS_CONFIG_FILE`,
//! `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/`), read the way aws-config reads them, and the
//! [`Connector`] that builds an [`AwsIam`] for one of them.

use std::sync::Arc;

use async_trait::async_trait;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

use super::{AwsIam, AwsSettings};
use crate::iam::Iam;
use crate::iam::connect::{ConnectFailure, Connector, ProfileInfo, find_profile};

/// Every profile of the files `env` points at, sorted by name.
pub async fn list(env: &Env, fs: &Fs) -> Result<Vec<ProfileInfo>, ConnectFailure> {
    let set = aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None)
        .await
        .map_err(|error| ConnectFailure(format!("Could not read the AWS config files: {error}")))?;
    let mut profiles: Vec<ProfileInfo> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|profile| {
            let get = |key: &str| profile.get(key).map(str::to_string);
            ProfileInfo {
                name: profile.name().to_string(),
                sso: get("sso_start_url").is_some() || get("sso_session").is_some(),
                region: get("region"),
                role_arn: get("role_arn"),
                source_profile: get("source_profile"),
            }
        })
        .collect();
    profiles.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(profiles)
}

/// Connects to the profiles of the real config files, keeping the command line's region and endpoint.
pub struct AwsConnector {
    /// The settings the app started with; the profile is replaced on each switch.
    pub settings: AwsSettings,
}

#[async_trait]
impl Connector for AwsConnector {
    async fn profiles(&self) -> Result<Vec<ProfileInfo>, ConnectFailure> {
        list(&Env::real(), &Fs::real()).await
    }

    async fn connect(&self, profile: &str) -> Result<Arc<dyn Iam>, ConnectFailure> {
        let info = find_profile(&self.profiles().await.unwrap_or_default(), profile);
        let settings = AwsSettings {
            profile: Some(profile.to_string()),
            ..self.settings.clone()
        };
        let iam = AwsIam::connect(&settings)
            .await
            .map_err(|error| ConnectFailure(format!("Profile {profile}: {error}")))?;
        iam.caller_identity()
            .await
            .map_err(|error| ConnectFailure::of_first_call(&info, &error))?;
        Ok(Arc::new(iam))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No real profile: the files are the test's own, HOME points at an empty directory.
    async fn listed(config: &str, credentials: &str) -> Vec<ProfileInfo> {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config");
        let credentials_path = dir.path().join("credentials");
        std::fs::write(&config_path, config).unwrap();
        std::fs::write(&credentials_path, credentials).unwrap();
        let env = Env::from_slice(&[
            ("AWS_CONFIG_FILE", config_path.to_str().unwrap()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                credentials_path.to_str().unwrap(),
            ),
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        list(&env, &Fs::real()).await.unwrap()
    }

    #[tokio::test]
    async fn profiles_come_with_sso_region_and_role() {
        let config = "\
[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile legacy-sso]
sso_start_url = https://old.awsapps.com/start

[profile audit]
role_arn = arn:aws:iam::444455556666:role/Audit
source_profile = ci

[default]
region = us-east-1
";
        let credentials = "[ci]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n";
        let profiles = listed(config, credentials).await;
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["audit", "ci", "default", "legacy-sso", "prod-admin"]
        );
        let by_name = |name: &str| profiles.iter().find(|p| p.name == name).unwrap();
        assert!(by_name("prod-admin").sso && by_name("legacy-sso").sso);
        assert!(!by_name("ci").sso && !by_name("audit").sso);
        assert_eq!(by_name("prod-admin").region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            by_name("audit").role_arn.as_deref(),
            Some("arn:aws:iam::444455556666:role/Audit")
        );
        assert_eq!(by_name("audit").source_profile.as_deref(), Some("ci"));
        assert_eq!(by_name("default").region.as_deref(), Some("us-east-1"));
    }

    #[tokio::test]
    async fn no_files_means_no_profiles() {
        assert_eq!(listed("", "").await, Vec::new());
    }

    #[test]
    fn an_sso_profile_that_cannot_sign_in_says_to_log_in_again() {
        let mut profile = ProfileInfo::named("prod-admin");
        profile.sso = true;
        let error = crate::iam::IamError::Credentials("the SSO session has expired".into());
        let failure = ConnectFailure::of_first_call(&profile, &error);
        assert!(
            failure
                .0
                .starts_with("Run aws sso login --profile prod-admin:"),
            "{failure}"
        );
        profile.sso = false;
        let failure = ConnectFailure::of_first_call(&profile, &error);
        assert!(!failure.0.contains("aws sso login --profile"), "{failure}");
        assert!(
            failure
                .0
                .starts_with("Profile prod-admin could not be used")
        );
    }
}
