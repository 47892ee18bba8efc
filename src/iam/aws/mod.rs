//! The IAM layer on the real AWS SDK (aws-sdk-iam, aws-sdk-sts). Credentials and endpoint come from
//! aws-config's standard chain (environment, profiles, SSO; `AWS_ENDPOINT_URL` and
//! `AWS_ENDPOINT_URL_IAM` included) with the CLI's overrides on top.

mod convert;
mod errors;
mod org;
mod pages;
mod preflight;
pub mod profiles;
mod retries;
mod session;

pub use preflight::ConnectError;
pub use retries::iam_client_config;

use std::sync::{PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use zeroize::Zeroizing;

use super::{
    AccountSummary, Action, AssignmentFilter, CallerIdentity, CreatedVirtualDevice,
    CredentialReport, Iam, IamError, IamResult, LoginProfile, MAX_PAGE_SIZE, MfaDevice, MfaSession,
    NewVirtualDevice, ReportState, Tag, Timestamp, User, VirtualMfaDevice,
};
use errors::{CallSite, map_sdk_error};
use pages::{Page, collect_all};
use session::{ActiveSession, Clients, duration_seconds};

/// An unreachable endpoint should fail in seconds, not after the SDK's default wait.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// An endpoint that accepts the connection but never answers would otherwise hang the screen forever.
/// IAM answers in well under a second; these bound one attempt and the whole call with its retries.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// IAM is global and signs in us-east-1; without a configured region we use it rather than fail.
const FALLBACK_REGION: &str = "us-east-1";
/// The name the temporary credentials carry (shows in the SDK's own logs, never the keys).
const SESSION_PROVIDER_NAME: &str = "iam-mfa-session";

/// Where to find credentials and the endpoint: the standard chain plus the CLI's overrides.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// [`Iam`] on aws-sdk-iam and aws-sdk-sts.
pub struct AwsIam {
    /// The clients signed with the configured credentials.
    base: Clients,
    /// Set by [`Iam::start_mfa_session`]; while live, its clients replace `base`.
    session: RwLock<Option<ActiveSession>>,
    description: String,
    /// Named in network errors: the endpoint URL when one is set.
    endpoint: String,
    /// The profile asked for, named in credential errors (a typo in --profile looks like "no credentials").
    profile: Option<String>,
}

impl std::fmt::Debug for AwsIam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsIam")
            .field("description", &self.description)
            .field("mfa_session", &self.mfa_session())
            .finish_non_exhaustive()
    }
}

impl AwsIam {
    /// Loads the shared config (env, profiles, SSO) with the overrides applied, after checking what the
    /// SDK would panic on or misreport (see [`preflight`]). Credentials are resolved on the first call,
    /// so a profile that exists but holds none shows up there as [`IamError::Credentials`].
    pub async fn connect(settings: &AwsSettings) -> Result<Self, ConnectError> {
        if let Some(endpoint_url) = &settings.endpoint_url {
            preflight::endpoint_flag(endpoint_url)?;
        }
        // aws-config reads AWS_PROFILE itself; we read it to check it and to name it in the header.
        let profile = settings
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .filter(|profile| !profile.is_empty());
        if let Some(profile) = &profile {
            preflight::profile_exists(profile).await?;
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(CALL_TIMEOUT)
                .build(),
        );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint_url) = &settings.endpoint_url {
            loader = loader.endpoint_url(endpoint_url);
        }
        let config = loader.load().await;
        preflight::configured_endpoints(&config)?;
        Ok(Self::build(&config, profile.as_deref()))
    }

    /// Clients from an already loaded config (tests, or a caller with its own loading).
    pub fn from_sdk_config(config: &SdkConfig) -> Self {
        Self::build(config, None)
    }

    /// Wraps ready-made clients, e.g. aws-smithy-mocks clients in tests.
    pub fn from_clients(iam: aws_sdk_iam::Client, sts: aws_sdk_sts::Client) -> Self {
        let region = iam.config().region().map(|region| region.to_string());
        let description = describe(None, region.as_deref(), None);
        Self::new(Clients { iam, sts }, description.clone(), description, None)
    }

    fn build(config: &SdkConfig, profile: Option<&str>) -> Self {
        let config = if config.region().is_some() {
            config.clone()
        } else {
            config
                .to_builder()
                .region(Region::from_static(FALLBACK_REGION))
                .build()
        };
        let region = config.region().map(|region| region.to_string());
        let description = describe(profile, region.as_deref(), config.endpoint_url());
        let endpoint = config
            .endpoint_url()
            .map_or_else(|| description.clone(), str::to_string);
        let clients = Clients {
            iam: aws_sdk_iam::Client::from_conf(iam_client_config(&config).build()),
            sts: aws_sdk_sts::Client::new(&config),
        };
        Self::new(clients, description, endpoint, profile.map(str::to_string))
    }

    fn new(base: Clients, description: String, endpoint: String, profile: Option<String>) -> Self {
        Self {
            base,
            session: RwLock::new(None),
            description,
            endpoint,
            profile,
        }
    }

    /// The clients for the next call: the MFA session's while it lasts, otherwise the base ones.
    fn clients(&self) -> Clients {
        let session = self.session.read().unwrap_or_else(PoisonError::into_inner);
        match session.as_ref() {
            Some(active) if active.is_live(SystemTime::now()) => active.clients.clone(),
            _ => self.base.clone(),
        }
    }

    fn fail<E>(&self, action: Action, error: SdkError<E, HttpResponse>) -> IamError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut mapped = map_sdk_error(
            error,
            CallSite {
                action,
                endpoint: &self.endpoint,
            },
        );
        if let (IamError::Credentials(message), Some(profile)) = (&mut mapped, &self.profile) {
            message.push_str(&format!(" (profile {profile})"));
        }
        tracing::debug!(%action, code = mapped.code(), "AWS call failed");
        mapped
    }
}

/// "AWS (profile dev, eu-west-1)", or "AWS endpoint http://127.0.0.1:5000" when one is set.
fn describe(profile: Option<&str>, region: Option<&str>, endpoint_url: Option<&str>) -> String {
    if let Some(url) = endpoint_url {
        return format!("AWS endpoint {url}");
    }
    let parts: Vec<String> = profile
        .map(|profile| format!("profile {profile}"))
        .into_iter()
        .chain(region.map(str::to_string))
        .collect();
    if parts.is_empty() {
        "AWS".to_string()
    } else {
        format!("AWS ({})", parts.join(", "))
    }
}

#[async_trait]
impl Iam for AwsIam {
    async fn caller_identity(&self) -> IamResult<CallerIdentity> {
        let output = self
            .clients()
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.fail(Action::GetCallerIdentity, e))?;
        Ok(CallerIdentity {
            account: output.account.unwrap_or_default(),
            arn: output.arn.unwrap_or_default(),
            user_id: output.user_id.unwrap_or_default(),
        })
    }

    async fn may_list_users(&self) -> IamResult<bool> {
        let result = self
            .clients()
            .iam
            .list_users()
            .max_items(1)
            .send()
            .await
            .map_err(|e| self.fail(Action::ListUsers, e));
        match result {
            Ok(_) => Ok(true),
            Err(IamError::AccessDenied { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn list_users(&self) -> IamResult<Vec<User>> {
        let iam = self.clients().iam;
        collect_all(|marker| {
            let request = iam.list_users().max_items(MAX_PAGE_SIZE).set_marker(marker);
            async move {
                let output = request
                    .send()
                    .await
                    .map_err(|e| self.fail(Action::ListUsers, e))?;
                let users = output.users.into_iter().map(convert::user).collect();
                Ok(Page::new(users, output.is_truncated, output.marker))
            }
        })
        .await
    }

    async fn get_user(&self, user_name: Option<&str>) -> IamResult<User> {
        let output = self
            .clients()
            .iam
            .get_user()
            .set_user_name(user_name.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.fail(Action::GetUser, e))?;
        output
            .user
            .map(convert::user)
            .ok_or_else(|| IamError::Other {
                code: None,
                message: "GetUser answered without a user".into(),
            })
    }

    async fn list_mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>> {
        let iam = self.clients().iam;
        collect_all(|marker| {
            let request = iam
                .list_mfa_devices()
                .user_name(user_name)
                .max_items(MAX_PAGE_SIZE)
                .set_marker(marker);
            async move {
                let output = request
                    .send()
                    .await
                    .map_err(|e| self.fail(Action::ListMfaDevices, e))?;
                let devices = output
                    .mfa_devices
                    .into_iter()
                    .map(convert::mfa_device)
                    .collect();
                Ok(Page::new(devices, output.is_truncated, output.marker))
            }
        })
        .await
    }

    async fn list_virtual_mfa_devices(
        &self,
        filter: AssignmentFilter,
    ) -> IamResult<Vec<VirtualMfaDevice>> {
        let iam = self.clients().iam;
        collect_all(|marker| {
            let request = iam
                .list_virtual_mfa_devices()
                .assignment_status(convert::assignment_status(filter))
                .max_items(MAX_PAGE_SIZE)
                .set_marker(marker);
            async move {
                let output = request
                    .send()
                    .await
                    .map_err(|e| self.fail(Action::ListVirtualMfaDevices, e))?;
                let devices = output
                    .virtual_mfa_devices
                    .into_iter()
                    .map(convert::virtual_mfa_device)
                    .collect();
                Ok(Page::new(devices, output.is_truncated, output.marker))
            }
        })
        .await
    }

    async fn create_virtual_mfa_device(
        &self,
        request: &NewVirtualDevice,
    ) -> IamResult<CreatedVirtualDevice> {
        let tags = (!request.tags.is_empty())
            .then(|| convert::sdk_tags(&request.tags))
            .transpose()?;
        let output = self
            .clients()
            .iam
            .create_virtual_mfa_device()
            .virtual_mfa_device_name(&request.name)
            .set_path(request.path.clone())
            .set_tags(tags)
            .send()
            .await
            .map_err(|e| self.fail(Action::CreateVirtualMfaDevice, e))?;
        let mut device = output.virtual_mfa_device.ok_or_else(|| IamError::Other {
            code: None,
            message: "CreateVirtualMFADevice answered without the device".into(),
        })?;
        // The QR image encodes the seed too; we render our own, so wipe it now.
        drop(Zeroizing::new(
            device
                .qr_code_png
                .take()
                .map(aws_smithy_types::Blob::into_inner),
        ));
        let seed = convert::seed(device.base32_string_seed.take())?;
        Ok(CreatedVirtualDevice {
            serial: device.serial_number,
            seed,
        })
    }

    async fn enable_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.clients()
            .iam
            .enable_mfa_device()
            .user_name(user_name)
            .serial_number(serial)
            .authentication_code1(code1)
            .authentication_code2(code2)
            .send()
            .await
            .map_err(|e| self.fail(Action::EnableMfaDevice, e))?;
        Ok(())
    }

    async fn deactivate_mfa_device(&self, user_name: &str, serial: &str) -> IamResult<()> {
        self.clients()
            .iam
            .deactivate_mfa_device()
            .user_name(user_name)
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| self.fail(Action::DeactivateMfaDevice, e))?;
        Ok(())
    }

    async fn resync_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.clients()
            .iam
            .resync_mfa_device()
            .user_name(user_name)
            .serial_number(serial)
            .authentication_code1(code1)
            .authentication_code2(code2)
            .send()
            .await
            .map_err(|e| self.fail(Action::ResyncMfaDevice, e))?;
        Ok(())
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> IamResult<()> {
        self.clients()
            .iam
            .delete_virtual_mfa_device()
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| self.fail(Action::DeleteVirtualMfaDevice, e))?;
        Ok(())
    }

    async fn tag_mfa_device(&self, serial: &str, tags: &[Tag]) -> IamResult<()> {
        self.clients()
            .iam
            .tag_mfa_device()
            .serial_number(serial)
            .set_tags(Some(convert::sdk_tags(tags)?))
            .send()
            .await
            .map_err(|e| self.fail(Action::TagMfaDevice, e))?;
        Ok(())
    }

    async fn untag_mfa_device(&self, serial: &str, keys: &[String]) -> IamResult<()> {
        self.clients()
            .iam
            .untag_mfa_device()
            .serial_number(serial)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(|e| self.fail(Action::UntagMfaDevice, e))?;
        Ok(())
    }

    async fn list_mfa_device_tags(&self, serial: &str) -> IamResult<Vec<Tag>> {
        let iam = self.clients().iam;
        collect_all(|marker| {
            let request = iam
                .list_mfa_device_tags()
                .serial_number(serial)
                .max_items(MAX_PAGE_SIZE)
                .set_marker(marker);
            async move {
                let output = request
                    .send()
                    .await
                    .map_err(|e| self.fail(Action::ListMfaDeviceTags, e))?;
                let tags = output.tags.into_iter().map(convert::tag).collect();
                Ok(Page::new(tags, output.is_truncated, output.marker))
            }
        })
        .await
    }

    async fn get_login_profile(&self, user_name: &str) -> IamResult<Option<LoginProfile>> {
        let result = self
            .clients()
            .iam
            .get_login_profile()
            .user_name(user_name)
            .send()
            .await
            .map_err(|e| self.fail(Action::GetLoginProfile, e));
        match result {
            Ok(output) => Ok(output.login_profile.map(|profile| LoginProfile {
                created: convert::timestamp(&profile.create_date),
                user_name: profile.user_name,
            })),
            // No login profile is how IAM says "no console password" (the user exists: we listed it).
            Err(IamError::NoSuchEntity(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn account_summary(&self) -> IamResult<AccountSummary> {
        let output = self
            .clients()
            .iam
            .get_account_summary()
            .send()
            .await
            .map_err(|e| self.fail(Action::GetAccountSummary, e))?;
        Ok(convert::account_summary(
            output.summary_map.unwrap_or_default(),
        ))
    }

    async fn generate_credential_report(&self) -> IamResult<ReportState> {
        let output = self
            .clients()
            .iam
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| self.fail(Action::GenerateCredentialReport, e))?;
        Ok(convert::report_state(output.state.as_ref()))
    }

    async fn credential_report(&self) -> IamResult<CredentialReport> {
        let output = self
            .clients()
            .iam
            .get_credential_report()
            .send()
            .await
            .map_err(|e| self.fail(Action::GetCredentialReport, e))?;
        convert::credential_report(output)
    }

    async fn start_mfa_session(
        &self,
        serial: &str,
        code: &str,
        duration: Option<Duration>,
    ) -> IamResult<MfaSession> {
        // Always with the base credentials: STS refuses GetSessionToken signed with session credentials.
        let output = self
            .base
            .sts
            .get_session_token()
            .serial_number(serial)
            .token_code(code)
            .set_duration_seconds(duration_seconds(duration))
            .send()
            .await
            .map_err(|e| self.fail(Action::GetSessionToken, e))?;
        let credentials =
            temporary_credentials(output.credentials, "GetSessionToken", SESSION_PROVIDER_NAME)?;
        // temporary_credentials always sets the expiry.
        let expires = credentials.expiry().unwrap_or(SystemTime::UNIX_EPOCH);
        let expires_secs = expires
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
        let info = MfaSession {
            serial: serial.to_string(),
            expires_at: Timestamp(expires_secs),
        };
        let active = ActiveSession {
            info: info.clone(),
            expires,
            clients: self.base.with_credentials(credentials),
        };
        *self.session.write().unwrap_or_else(PoisonError::into_inner) = Some(active);
        Ok(info)
    }

    fn mfa_session(&self) -> Option<MfaSession> {
        let session = self.session.read().unwrap_or_else(PoisonError::into_inner);
        session
            .as_ref()
            .filter(|active| active.is_live(SystemTime::now()))
            .map(|active| active.info.clone())
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// STS's temporary credentials (GetSessionToken, AssumeRole) as the SDK's, with their expiry; an answer
/// without them, or with an expiry time that cannot be read, is an error naming the operation.
fn temporary_credentials(
    answered: Option<aws_sdk_sts::types::Credentials>,
    operation: &str,
    provider: &'static str,
) -> IamResult<Credentials> {
    let temporary = answered.ok_or_else(|| IamError::Other {
        code: None,
        message: format!("{operation} answered without credentials"),
    })?;
    let expires = SystemTime::try_from(temporary.expiration).map_err(|_| IamError::Other {
        code: None,
        message: format!("{operation} answered with an unreadable expiry time"),
    })?;
    Ok(Credentials::new(
        temporary.access_key_id,
        temporary.secret_access_key,
        Some(temporary.session_token),
        Some(expires),
        provider,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_names_profile_region_or_endpoint() {
        assert_eq!(
            describe(Some("dev"), Some("eu-west-1"), None),
            "AWS (profile dev, eu-west-1)"
        );
        assert_eq!(describe(None, Some("us-east-1"), None), "AWS (us-east-1)");
        assert_eq!(
            describe(
                Some("dev"),
                Some("eu-west-1"),
                Some("http://127.0.0.1:5000")
            ),
            "AWS endpoint http://127.0.0.1:5000"
        );
        assert_eq!(describe(None, None, None), "AWS");
    }

    #[test]
    fn a_config_without_region_falls_back_to_us_east_1() {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .build();
        let iam = AwsIam::from_sdk_config(&config);
        assert_eq!(iam.describe(), "AWS (us-east-1)");
        assert_eq!(
            iam.base.iam.config().region().map(|r| r.as_ref()),
            Some(FALLBACK_REGION)
        );
    }
}
