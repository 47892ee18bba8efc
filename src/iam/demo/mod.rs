//! The demo account: an in-process IAM that follows the real rules (code pairs checked with TOTP, the
//! 8-device limit, DeleteConflict, name rules, AWS's error codes) and AWS's "manage your own MFA" policy
//! for the self-service identities. `--demo` runs the whole app on it; tests use it for every flow.
//!
//! The parts: `state` holds the entities and IAM's rules, `policy` decides who may do what, `session`
//! plays STS GetSessionToken, `data` reads the account the demo starts with (`assets/demo-account.toml`,
//! or the file `--demo-data` names).

mod data;
mod derive;
mod policy;
pub mod profiles;
mod session;
mod state;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use self::policy::{Caller, Conditions, Holder, Resource};
use self::state::{AccountState, Owner};
use crate::clock::{SharedClock, UnixSeconds};
use crate::iam::{
    AccountSummary, Action, AssignmentFilter, CallerIdentity, CreatedVirtualDevice,
    CredentialReport, Iam, IamError, IamResult, LoginProfile, MfaDevice, MfaSession,
    NewVirtualDevice, ReportState, Tag, Timestamp, User, VirtualMfaDevice, validate,
};
use crate::otp::Seed;

pub use self::data::DemoDataError;
pub use self::state::ROOT_LABEL;

/// Who the demo caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DemoIdentity {
    /// An administrator who may list users and manage every device.
    #[default]
    Admin,
    /// An IAM user under AWS's policy for managing one's own MFA (an MFA session is needed for some
    /// actions).
    // No double quotes in these texts: clap_complete puts them unescaped inside double-quoted strings
    // of the fish and zsh scripts (tested in src/generate.rs).
    SelfService,
    /// A self-service user under the older policy that pins the device name to the user name.
    SelfServicePinned,
    /// The account's root user.
    Root,
}

/// The in-memory account. The lock is only ever held inside a synchronous block, never across an await.
pub struct DemoAccount {
    caller: Caller,
    caller_user_id: String,
    clock: SharedClock,
    /// When the demo started: the root user's dates are relative to it.
    started_at: UnixSeconds,
    root: data::RootUser,
    state: Mutex<AccountState>,
    session: Mutex<Option<MfaSession>>,
    /// The latest credential report; `None` until one is generated (GetCredentialReport then answers
    /// ReportNotPresent, as IAM does).
    report: Mutex<Option<CredentialReport>>,
    /// New devices get seeds derived from their serial instead of random ones: reproducible snapshots.
    deterministic_seeds: bool,
}

const DAY: u64 = 86_400;
/// IAM makes a new credential report only when the last one is older than this.
const REPORT_MAX_AGE: i64 = 4 * 3_600;

impl DemoAccount {
    /// The built-in demo account (`assets/demo-account.toml`).
    pub fn new(identity: DemoIdentity, clock: SharedClock) -> Self {
        let seeded = Self::builtin(clock.now());
        Self::from_seeded(identity, clock, seeded)
    }

    /// The demo account a `--demo-data` file describes; `Err` says which rule which line breaks.
    pub fn from_file(
        identity: DemoIdentity,
        clock: SharedClock,
        path: &Path,
    ) -> Result<Self, DemoDataError> {
        let seeded = data::Source::read(path)?.load(clock.now())?;
        Ok(Self::from_seeded(identity, clock, seeded))
    }

    /// An account holding only the caller's own user (none for root): for tests that build their own.
    /// The account ID, the identities' user names and root's dates are the built-in account's.
    pub fn empty(identity: DemoIdentity, clock: SharedClock) -> Self {
        let builtin = Self::builtin(clock.now());
        let mut state = AccountState::new(builtin.state.account_id());
        if let Some(name) = builtin.identities.user(identity) {
            state
                .add_user(name, "/", clock.now(), None)
                .expect("the identities' user names are valid");
        }
        let seeded = data::Seeded {
            state,
            report_seconds_ago: None,
            ..builtin
        };
        Self::from_seeded(identity, clock, seeded)
    }

    fn builtin(now: UnixSeconds) -> data::Seeded {
        data::Source::builtin()
            .load(now)
            .expect("the built-in demo data follows IAM's rules (tested)")
    }

    fn from_seeded(identity: DemoIdentity, clock: SharedClock, seeded: data::Seeded) -> Self {
        let data::Seeded {
            state,
            identities,
            root,
            report_seconds_ago,
        } = seeded;
        let user_name = identities.user(identity).map(String::from);
        let account_id = state.account_id().to_string();
        let (arn, caller_user_id) = match &user_name {
            Some(name) => {
                let user = state
                    .user(name)
                    .expect("the caller's user is in the account");
                (user.arn.clone(), user.user_id.clone())
            }
            None => (
                format!("arn:aws:iam::{account_id}:root"),
                account_id.clone(),
            ),
        };
        let account = Self {
            caller: Caller {
                identity,
                account_id,
                arn,
                user_name,
            },
            caller_user_id,
            started_at: clock.now(),
            root,
            clock,
            state: Mutex::new(state),
            session: Mutex::new(None),
            report: Mutex::new(None),
            deterministic_seeds: false,
        };
        if let Some(ago) = report_seconds_ago {
            let at = to_timestamp(account.started_at.saturating_sub(ago));
            let report = account.report_at(&account.state(), at);
            *account.report_slot() = Some(report);
        }
        account
    }

    /// The credential report of the account as it stood at `at`.
    fn report_at(&self, state: &AccountState, at: Timestamp) -> CredentialReport {
        let root_arn = format!("arn:aws:iam::{}:root", self.caller.account_id);
        state.credential_report(at, &root_arn, self.root_user().password_last_used)
    }

    fn report_slot(&self) -> MutexGuard<'_, Option<CredentialReport>> {
        self.report.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Gives a user a console password, set now (CreateLoginProfile; the demo has no such screen).
    pub fn add_login_profile(&self, user_name: &str) -> IamResult<()> {
        let now = self.clock.now();
        self.state().add_login_profile(user_name, now)
    }

    /// Devices created from now on get a seed derived from their serial rather than a random one, so that
    /// tests see the same QR code and secret on every run.
    pub fn with_deterministic_seeds(mut self) -> Self {
        self.deterministic_seeds = true;
        self
    }

    pub fn identity(&self) -> DemoIdentity {
        self.caller.identity
    }

    pub fn account_id(&self) -> &str {
        &self.caller.account_id
    }

    /// Adds an IAM user created now (IAM's name and path rules apply).
    pub fn add_user(&self, name: &str, path: &str) -> IamResult<User> {
        let now = self.clock.now();
        self.state().add_user(name, path, now, None)
    }

    /// Creates a virtual device with a seed derived from its name and assigns it without a code check,
    /// as if it had been enabled before the demo started. Returns the serial.
    pub fn add_assigned_virtual_device(
        &self,
        user_name: &str,
        device_name: &str,
    ) -> IamResult<String> {
        let now = self.clock.now();
        let mut state = self.state();
        let request = NewVirtualDevice {
            name: device_name.to_string(),
            path: None,
            tags: Vec::new(),
        };
        let serial = state.create_virtual(&request, derive::seed(device_name))?;
        state.assign_unchecked(&serial, Owner::User(user_name.to_string()), now)?;
        Ok(serial)
    }

    /// Puts a hardware TOTP token in the stock of unassigned tokens that EnableMFADevice accepts.
    pub fn stock_hardware_token(&self, serial: &str, seed: Seed) -> IamResult<()> {
        self.state().stock_hardware_token(serial, seed)
    }

    /// Registers a passkey on a user, as the console does (no API can). Returns its serial.
    pub fn register_passkey(&self, user_name: &str, key_label: &str) -> IamResult<String> {
        let now = self.clock.now();
        self.state().register_passkey(user_name, key_label, now)
    }

    /// Serial numbers of the unassigned hardware tokens, for the demo's "virtual authenticator" panel.
    pub fn hardware_stock(&self) -> Vec<String> {
        self.state().hardware_stock()
    }

    fn state(&self) -> MutexGuard<'_, AccountState> {
        // A panic while holding the lock leaves the state as consistent as the operation left it: every
        // operation checks before it changes anything.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn session_slot(&self) -> MutexGuard<'_, Option<MfaSession>> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn caller_owner(&self) -> Owner {
        match &self.caller.user_name {
            Some(name) => Owner::User(name.clone()),
            None => Owner::Root,
        }
    }

    fn conditions(&self, state: &AccountState) -> Conditions {
        Conditions {
            mfa_session: self.mfa_session().is_some(),
            caller_has_device: state.device_count(&self.caller_owner()) > 0,
        }
    }

    fn authorize(
        &self,
        state: &AccountState,
        action: Action,
        resource: Resource<'_>,
    ) -> IamResult<()> {
        self.caller
            .authorize(action, resource, self.conditions(state))
    }

    fn account_resource(&self, kind: &str) -> String {
        format!("arn:aws:iam::{}:{kind}/", self.caller.account_id)
    }

    /// Authorizes a user-scoped action and runs it.
    fn on_user<R>(
        &self,
        action: Action,
        user_name: &str,
        run: impl FnOnce(&mut AccountState, UnixSeconds) -> IamResult<R>,
    ) -> IamResult<R> {
        let mut state = self.state();
        let arn = state.user_resource(user_name)?;
        self.authorize(
            &state,
            action,
            Resource::User {
                name: user_name,
                arn: &arn,
            },
        )?;
        run(&mut state, self.clock.now())
    }

    /// Authorizes a device-scoped action (on `mfa/...`) and runs it.
    fn on_device<R>(
        &self,
        action: Action,
        serial: &str,
        run: impl FnOnce(&mut AccountState) -> IamResult<R>,
    ) -> IamResult<R> {
        validate::serial_number(serial).map_err(IamError::InvalidInput)?;
        let mut state = self.state();
        let holder = match state.owner_of(serial) {
            None => Holder::Nobody,
            Some(Owner::User(name)) => Holder::User(name),
            Some(Owner::Root) => Holder::Other,
        };
        self.caller.authorize(
            action,
            Resource::Device {
                arn: serial,
                holder,
            },
            self.conditions(&state),
        )?;
        run(&mut state)
    }

    /// A moment `days` before the demo started (root's dates: whole days, as they always were).
    fn days_before_start(&self, days: u64) -> Timestamp {
        to_timestamp(self.started_at.saturating_sub(days * DAY))
    }

    /// What GetUser without a name answers for root: the account's root "user".
    fn root_user(&self) -> User {
        User {
            name: ROOT_LABEL.to_string(),
            user_id: self.caller.account_id.clone(),
            arn: self.caller.arn.clone(),
            path: "/".to_string(),
            created: self.days_before_start(self.root.created_days_ago),
            password_last_used: self
                .root
                .password_last_used_days_ago
                .map(|days| self.days_before_start(days)),
        }
    }
}

fn to_timestamp(unix: UnixSeconds) -> Timestamp {
    Timestamp(i64::try_from(unix).unwrap_or(i64::MAX))
}

#[async_trait]
impl Iam for DemoAccount {
    async fn caller_identity(&self) -> IamResult<CallerIdentity> {
        Ok(CallerIdentity {
            account: self.caller.account_id.clone(),
            arn: self.caller.arn.clone(),
            user_id: self.caller_user_id.clone(),
        })
    }

    async fn may_list_users(&self) -> IamResult<bool> {
        match self.list_users().await {
            Ok(_) => Ok(true),
            Err(IamError::AccessDenied { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn list_users(&self) -> IamResult<Vec<User>> {
        let state = self.state();
        let arn = self.account_resource("user");
        self.authorize(&state, Action::ListUsers, Resource::Account { arn: &arn })?;
        Ok(state.users())
    }

    async fn get_user(&self, user_name: Option<&str>) -> IamResult<User> {
        match user_name.or(self.caller.user_name.as_deref()) {
            Some(name) => self.on_user(Action::GetUser, name, |state, _| state.user(name).cloned()),
            // IAM's GetUser without a name works for root too and describes the root user.
            None => Ok(self.root_user()),
        }
    }

    async fn list_mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>> {
        self.on_user(Action::ListMfaDevices, user_name, |state, _| {
            state.mfa_devices(user_name)
        })
    }

    async fn list_virtual_mfa_devices(
        &self,
        filter: AssignmentFilter,
    ) -> IamResult<Vec<VirtualMfaDevice>> {
        let state = self.state();
        let arn = self.account_resource("mfa");
        self.authorize(
            &state,
            Action::ListVirtualMfaDevices,
            Resource::Account { arn: &arn },
        )?;
        Ok(state.virtual_devices(filter))
    }

    async fn create_virtual_mfa_device(
        &self,
        request: &NewVirtualDevice,
    ) -> IamResult<CreatedVirtualDevice> {
        state::validate_new_device(request)?;
        let mut state = self.state();
        let serial = state.virtual_serial(request.path.as_deref(), &request.name);
        let resource = Resource::Device {
            arn: &serial,
            holder: Holder::Nobody,
        };
        self.authorize(&state, Action::CreateVirtualMfaDevice, resource)?;
        // Tags at creation need iam:TagMFADevice too, as on AWS.
        if !request.tags.is_empty() {
            self.authorize(&state, Action::TagMfaDevice, resource)?;
        }
        let seed = if self.deterministic_seeds {
            derive::seed(&serial)
        } else {
            Seed::generate()
        };
        let serial = state.create_virtual(request, seed.clone())?;
        Ok(CreatedVirtualDevice { serial, seed })
    }

    async fn enable_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.on_user(Action::EnableMfaDevice, user_name, |state, now| {
            state.enable(user_name, serial, code1, code2, now)
        })
    }

    async fn deactivate_mfa_device(&self, user_name: &str, serial: &str) -> IamResult<()> {
        self.on_user(Action::DeactivateMfaDevice, user_name, |state, _| {
            state.deactivate(user_name, serial)
        })
    }

    async fn resync_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.on_user(Action::ResyncMfaDevice, user_name, |state, now| {
            state.resync(user_name, serial, code1, code2, now)
        })
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> IamResult<()> {
        self.on_device(Action::DeleteVirtualMfaDevice, serial, |state| {
            state.delete_virtual(serial)
        })
    }

    async fn tag_mfa_device(&self, serial: &str, tags: &[Tag]) -> IamResult<()> {
        self.on_device(Action::TagMfaDevice, serial, |state| {
            state.tag(serial, tags)
        })
    }

    async fn untag_mfa_device(&self, serial: &str, keys: &[String]) -> IamResult<()> {
        self.on_device(Action::UntagMfaDevice, serial, |state| {
            state.untag(serial, keys)
        })
    }

    async fn get_login_profile(&self, user_name: &str) -> IamResult<Option<LoginProfile>> {
        self.on_user(Action::GetLoginProfile, user_name, |state, _| {
            state.login_profile(user_name)
        })
    }

    async fn account_summary(&self) -> IamResult<AccountSummary> {
        let state = self.state();
        let arn = self.account_resource("user");
        self.authorize(
            &state,
            Action::GetAccountSummary,
            Resource::Account { arn: &arn },
        )?;
        Ok(state.account_summary())
    }

    async fn generate_credential_report(&self) -> IamResult<ReportState> {
        let state = self.state();
        let arn = self.account_resource("user");
        self.authorize(
            &state,
            Action::GenerateCredentialReport,
            Resource::Account { arn: &arn },
        )?;
        let now = to_timestamp(self.clock.now());
        let mut slot = self.report_slot();
        if slot
            .as_ref()
            .is_some_and(|report| now.0 - report.generated_at.0 < REPORT_MAX_AGE)
        {
            return Ok(ReportState::Complete);
        }
        // The demo writes it at once; IAM says STARTED first, and so does the demo.
        *slot = Some(self.report_at(&state, now));
        Ok(ReportState::Started)
    }

    async fn credential_report(&self) -> IamResult<CredentialReport> {
        let state = self.state();
        let arn = self.account_resource("user");
        self.authorize(
            &state,
            Action::GetCredentialReport,
            Resource::Account { arn: &arn },
        )?;
        drop(state);
        self.report_slot().clone().ok_or_else(|| IamError::Other {
            code: Some("ReportNotPresent".to_string()),
            message: "Credential report not present. Call GenerateCredentialReport first.".into(),
        })
    }

    async fn list_mfa_device_tags(&self, serial: &str) -> IamResult<Vec<Tag>> {
        self.on_device(Action::ListMfaDeviceTags, serial, |state| {
            state.tags(serial)
        })
    }

    async fn start_mfa_session(
        &self,
        serial: &str,
        code: &str,
        duration: Option<Duration>,
    ) -> IamResult<MfaSession> {
        validate::serial_number(serial).map_err(IamError::InvalidInput)?;
        if !crate::otp::is_code_format(code) {
            return Err(IamError::InvalidInput(
                "TokenCode must be exactly 6 digits".into(),
            ));
        }
        let now = self.clock.now();
        let opens = {
            let state = self.state();
            state
                .seed_of_owned(&self.caller_owner(), serial)
                .is_some_and(|seed| session::code_is_current(seed, code, now))
        };
        if !opens {
            return Err(session::mfa_failed());
        }
        let seconds = session::duration_seconds(duration, self.caller.user_name.is_none());
        let opened = session::open(serial, now, seconds);
        *self.session_slot() = Some(opened.clone());
        Ok(opened)
    }

    fn mfa_session(&self) -> Option<MfaSession> {
        let now = self.clock.now();
        self.session_slot()
            .as_ref()
            .filter(|s| session::is_active(s, now))
            .cloned()
    }

    fn known_seed(&self, serial: &str) -> Option<Seed> {
        self.state().seed(serial)
    }

    fn describe(&self) -> String {
        let user = self.caller.user_name.as_deref().unwrap_or("root");
        let who = match self.caller.identity {
            DemoIdentity::Admin => "admin".to_string(),
            DemoIdentity::Root => "root".to_string(),
            DemoIdentity::SelfService => format!("{user} (self-service)"),
            DemoIdentity::SelfServicePinned => {
                format!("{user} (self-service, pinned device name)")
            }
        };
        format!("demo account {} as {who}", self.caller.account_id)
    }
}
