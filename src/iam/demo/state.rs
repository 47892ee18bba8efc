//! The demo account's entities and IAM's rules for them: users, MFA devices (virtual, hardware TOTP,
//! passkey) and who they are assigned to. Nothing here knows who is calling: authorization is `policy`'s
//! job, and the caller checks it before it touches the state.

use std::collections::BTreeMap;

use super::derive;
use crate::clock::UnixSeconds;
use crate::iam::{
    AccountSummary, AssignmentFilter, CredentialReport, DeviceKind, IamError, IamResult,
    LoginProfile, MAX_DEVICES_PER_USER, MAX_TAGS, MfaDevice, NewVirtualDevice, ReportRow, Tag,
    Timestamp, User, VirtualMfaDevice, device_name_from_serial, validate,
};
use crate::otp::{self, Seed};

/// How a device of the root user shows in ListVirtualMFADevices. AWS's credential report names the root
/// user this way; it is no valid IAM user name, so it can never be mistaken for one.
pub const ROOT_LABEL: &str = "<root_account>";

/// Who a device is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Owner {
    User(String),
    Root,
}

impl Owner {
    fn label(&self) -> &str {
        match self {
            Self::User(name) => name,
            Self::Root => ROOT_LABEL,
        }
    }
}

#[derive(Debug, Clone)]
struct Assignment {
    owner: Owner,
    enabled_at: Timestamp,
}

#[derive(Debug)]
struct DeviceRecord {
    kind: DeviceKind,
    /// `None` for passkeys: WebAuthn has no shared secret.
    seed: Option<Seed>,
    assignment: Option<Assignment>,
    /// Only virtual devices carry tags.
    tags: Vec<Tag>,
}

#[derive(Debug)]
pub(super) struct AccountState {
    account_id: String,
    users: BTreeMap<String, User>,
    /// Every device, keyed by serial number: virtual devices (assigned or not), hardware tokens (assigned
    /// or in the demo's stock) and passkeys (always assigned).
    devices: BTreeMap<String, DeviceRecord>,
    /// Console passwords (login profiles): the user and when the password was set.
    login_profiles: BTreeMap<String, Timestamp>,
}

fn timestamp(now: UnixSeconds) -> Timestamp {
    Timestamp(i64::try_from(now).unwrap_or(i64::MAX))
}

fn invalid(message: String) -> IamError {
    IamError::InvalidInput(message)
}

fn no_such_user(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The user with name {name} cannot be found."))
}

fn no_such_device(serial: &str) -> IamError {
    IamError::NoSuchEntity(format!(
        "MFA device with serial number {serial} does not exist."
    ))
}

/// Both codes must be six digits before anything else is looked at (IAM's input validation).
fn validate_codes(code1: &str, code2: &str) -> IamResult<()> {
    for (field, code) in [
        ("AuthenticationCode1", code1),
        ("AuthenticationCode2", code2),
    ] {
        if !otp::is_code_format(code) {
            return Err(invalid(format!("{field} must be exactly 6 digits")));
        }
    }
    Ok(())
}

/// CreateVirtualMFADevice's input rules: name, path and tags.
pub(super) fn validate_new_device(request: &NewVirtualDevice) -> IamResult<()> {
    validate::device_name(&request.name).map_err(invalid)?;
    if let Some(path) = &request.path {
        validate::path(path).map_err(invalid)?;
    }
    validate::tags(&request.tags).map_err(invalid)
}

fn verify_pair(seed: &Seed, code1: &str, code2: &str, now: UnixSeconds) -> IamResult<()> {
    otp::check_pair(seed, code1, code2, now)
        .map_err(|problem| IamError::InvalidAuthenticationCode(problem.to_string()))
}

impl AccountState {
    pub fn new(account_id: &str) -> Self {
        Self {
            account_id: account_id.to_string(),
            users: BTreeMap::new(),
            devices: BTreeMap::new(),
            login_profiles: BTreeMap::new(),
        }
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn user_arn(&self, path: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:user{path}{name}", self.account_id)
    }

    /// The ARN a user name stands for in a policy check: with the user's path when the user exists.
    /// Checks the name first, as IAM validates input before it authorizes.
    pub fn user_resource(&self, name: &str) -> IamResult<String> {
        validate::user_name(name).map_err(invalid)?;
        Ok(match self.users.get(name) {
            Some(user) => user.arn.clone(),
            None => self.user_arn("/", name),
        })
    }

    pub fn virtual_serial(&self, path: Option<&str>, name: &str) -> String {
        format!(
            "arn:aws:iam::{}:mfa{}{name}",
            self.account_id,
            path.unwrap_or("/")
        )
    }

    // ----- building blocks (seeding and test helpers) -----

    pub fn add_user(
        &mut self,
        name: &str,
        path: &str,
        created: UnixSeconds,
        password_last_used: Option<UnixSeconds>,
    ) -> IamResult<User> {
        validate::user_name(name).map_err(invalid)?;
        validate::path(path).map_err(invalid)?;
        if self.users.keys().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(IamError::EntityAlreadyExists(format!(
                "User with name {name} already exists."
            )));
        }
        let user = User {
            name: name.to_string(),
            user_id: derive::id("AIDA", &format!("{}/{name}", self.account_id), 17),
            arn: self.user_arn(path, name),
            path: path.to_string(),
            created: timestamp(created),
            password_last_used: password_last_used.map(timestamp),
        };
        self.users.insert(name.to_string(), user.clone());
        Ok(user)
    }

    /// Puts a hardware TOTP token in the demo's stock: unassigned, ready for EnableMFADevice.
    pub fn stock_hardware_token(&mut self, serial: &str, seed: Seed) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        if DeviceKind::from_serial(serial) != DeviceKind::Hardware
            || self.devices.contains_key(serial)
        {
            return Err(IamError::EntityAlreadyExists(format!(
                "A device with serial number {serial} already exists."
            )));
        }
        self.devices.insert(
            serial.to_string(),
            DeviceRecord {
                kind: DeviceKind::Hardware,
                seed: Some(seed),
                assignment: None,
                tags: Vec::new(),
            },
        );
        Ok(())
    }

    /// Registers a passkey as the console would (the API cannot): assigned to the user from the start.
    pub fn register_passkey(
        &mut self,
        user_name: &str,
        key_label: &str,
        now: UnixSeconds,
    ) -> IamResult<String> {
        self.user(user_name)?;
        validate::device_name(key_label).map_err(invalid)?;
        self.check_device_limit(user_name)?;
        let serial = format!(
            "arn:aws:iam::{}:u2f/user/{user_name}/{key_label}-{}",
            self.account_id,
            derive::id("", &format!("{user_name}/{key_label}"), 26)
        );
        validate::serial_number(&serial).map_err(invalid)?;
        // The serial is derived from user and label: the same pair again would replace the first key.
        if self.devices.contains_key(&serial) {
            return Err(IamError::EntityAlreadyExists(format!(
                "{user_name} already has a passkey labelled {key_label}."
            )));
        }
        self.devices.insert(
            serial.clone(),
            DeviceRecord {
                kind: DeviceKind::Passkey,
                seed: None,
                assignment: Some(Assignment {
                    owner: Owner::User(user_name.to_string()),
                    enabled_at: timestamp(now),
                }),
                tags: Vec::new(),
            },
        );
        Ok(serial)
    }

    /// Assigns an existing, unassigned TOTP device without a code check: for seeding (the devices were
    /// enabled "before" the demo started) and the root user's device (enabled in the console).
    pub fn assign_unchecked(
        &mut self,
        serial: &str,
        owner: Owner,
        now: UnixSeconds,
    ) -> IamResult<()> {
        if let Owner::User(name) = &owner {
            self.user(name)?;
            self.check_device_limit(name)?;
        }
        self.free_totp_device(serial)?;
        self.assign(serial, owner, now);
        Ok(())
    }

    // ----- users -----

    pub fn user(&self, name: &str) -> IamResult<&User> {
        validate::user_name(name).map_err(invalid)?;
        self.users.get(name).ok_or_else(|| no_such_user(name))
    }

    pub fn users(&self) -> Vec<User> {
        self.users.values().cloned().collect()
    }

    // ----- console passwords -----

    /// Gives an existing user a console password set at `created` (CreateLoginProfile).
    pub fn add_login_profile(&mut self, user_name: &str, created: UnixSeconds) -> IamResult<()> {
        self.user(user_name)?;
        if self.login_profiles.contains_key(user_name) {
            return Err(IamError::EntityAlreadyExists(format!(
                "Login Profile for user {user_name} already exists."
            )));
        }
        self.login_profiles
            .insert(user_name.to_string(), timestamp(created));
        Ok(())
    }

    /// GetLoginProfile: `None` for a user without a console password.
    pub fn login_profile(&self, user_name: &str) -> IamResult<Option<LoginProfile>> {
        self.user(user_name)?;
        Ok(self
            .login_profiles
            .get(user_name)
            .map(|created| LoginProfile {
                user_name: user_name.to_string(),
                created: *created,
            }))
    }

    /// The credential report as IAM would have written it at `at`: only what existed then counts
    /// (users created, passwords set, devices enabled by that moment), so a device enabled since
    /// shows as the disagreement a scanner reading the report would have.
    pub fn credential_report(
        &self,
        at: Timestamp,
        root_arn: &str,
        root_password_last_used: Option<Timestamp>,
    ) -> CredentialReport {
        let mfa_active_then = |owner: &Owner| {
            self.devices_of(owner)
                .any(|(_, assignment)| assignment.enabled_at <= at)
        };
        let root = ReportRow {
            user: ROOT_LABEL.to_string(),
            arn: root_arn.to_string(),
            password_enabled: None,
            password_last_used: root_password_last_used.filter(|used| *used <= at),
            mfa_active: mfa_active_then(&Owner::Root),
        };
        let users = self
            .users
            .values()
            .filter(|user| user.created <= at)
            .map(|user| ReportRow {
                user: user.name.clone(),
                arn: user.arn.clone(),
                password_enabled: Some(
                    self.login_profiles
                        .get(&user.name)
                        .is_some_and(|set| *set <= at),
                ),
                password_last_used: user.password_last_used.filter(|used| *used <= at),
                mfa_active: mfa_active_then(&Owner::User(user.name.clone())),
            });
        CredentialReport {
            generated_at: at,
            rows: std::iter::once(root).chain(users).collect(),
        }
    }

    /// GetAccountSummary's MFA figures.
    pub fn account_summary(&self) -> AccountSummary {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        AccountSummary {
            root_mfa_enabled: self.device_count(&Owner::Root) > 0,
            users: count(self.users.len()),
            mfa_devices: count(
                self.devices
                    .values()
                    .filter(|d| d.kind == DeviceKind::Virtual)
                    .count(),
            ),
            mfa_devices_in_use: count(
                self.devices
                    .values()
                    .filter(|d| d.assignment.is_some())
                    .count(),
            ),
        }
    }

    // ----- devices: reading -----

    fn devices_of<'a>(
        &'a self,
        owner: &'a Owner,
    ) -> impl Iterator<Item = (&'a String, &'a Assignment)> {
        self.devices.iter().filter_map(move |(serial, device)| {
            device
                .assignment
                .as_ref()
                .filter(|assignment| assignment.owner == *owner)
                .map(|assignment| (serial, assignment))
        })
    }

    pub fn device_count(&self, owner: &Owner) -> usize {
        self.devices_of(owner).count()
    }

    /// ListMFADevices: the user's devices of every kind, oldest first.
    pub fn mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>> {
        self.user(user_name)?;
        let owner = Owner::User(user_name.to_string());
        let mut devices: Vec<MfaDevice> = self
            .devices_of(&owner)
            .map(|(serial, assignment)| MfaDevice {
                user_name: user_name.to_string(),
                serial: serial.clone(),
                enabled_at: assignment.enabled_at,
            })
            .collect();
        devices.sort_by(|a, b| (a.enabled_at, &a.serial).cmp(&(b.enabled_at, &b.serial)));
        Ok(devices)
    }

    /// ListVirtualMFADevices: virtual devices only, no tags (as AWS).
    pub fn virtual_devices(&self, filter: AssignmentFilter) -> Vec<VirtualMfaDevice> {
        self.devices
            .iter()
            .filter(|(_, device)| device.kind == DeviceKind::Virtual)
            .filter(|(_, device)| filter.matches(device.assignment.is_some()))
            .map(|(serial, device)| VirtualMfaDevice {
                serial: serial.clone(),
                user_name: device
                    .assignment
                    .as_ref()
                    .map(|a| a.owner.label().to_string()),
                user_arn: device.assignment.as_ref().map(|a| self.owner_arn(&a.owner)),
                enabled_at: device.assignment.as_ref().map(|a| a.enabled_at),
            })
            .collect()
    }

    /// The ARN ListVirtualMFADevices gives a device's user: root's is the account's `:root`.
    fn owner_arn(&self, owner: &Owner) -> String {
        match owner {
            Owner::User(name) => self
                .users
                .get(name)
                .map_or_else(|| self.user_arn("/", name), |user| user.arn.clone()),
            Owner::Root => format!("arn:aws:iam::{}:root", self.account_id),
        }
    }

    /// Who a device is assigned to; `None` when it is unassigned or does not exist.
    pub fn owner_of(&self, serial: &str) -> Option<&Owner> {
        self.devices
            .get(serial)?
            .assignment
            .as_ref()
            .map(|a| &a.owner)
    }

    /// The seed of any device the account holds (none for passkeys).
    pub fn seed(&self, serial: &str) -> Option<Seed> {
        self.devices.get(serial)?.seed.clone()
    }

    /// The seed of a TOTP device assigned to `owner`, for GetSessionToken.
    pub fn seed_of_owned(&self, owner: &Owner, serial: &str) -> Option<&Seed> {
        let device = self.devices.get(serial)?;
        let assigned_to_owner = device
            .assignment
            .as_ref()
            .is_some_and(|a| a.owner == *owner);
        device.seed.as_ref().filter(|_| assigned_to_owner)
    }

    /// Serial numbers of the hardware tokens in stock (unassigned), for the demo's panel.
    pub fn hardware_stock(&self) -> Vec<String> {
        self.devices
            .iter()
            .filter(|(_, d)| d.kind == DeviceKind::Hardware && d.assignment.is_none())
            .map(|(serial, _)| serial.clone())
            .collect()
    }

    // ----- devices: IAM operations -----

    /// CreateVirtualMFADevice. The name is unique in the account, ignoring case and path, as IAM names are.
    pub fn create_virtual(&mut self, request: &NewVirtualDevice, seed: Seed) -> IamResult<String> {
        validate_new_device(request)?;
        let taken = self.devices.iter().any(|(serial, device)| {
            device.kind == DeviceKind::Virtual
                && device_name_from_serial(serial).eq_ignore_ascii_case(&request.name)
        });
        if taken {
            return Err(IamError::EntityAlreadyExists(format!(
                "MFADevice entity at the same path and name already exists: a virtual MFA device named {} already exists in this account (an unassigned one keeps its name until it is deleted).",
                request.name
            )));
        }
        let serial = self.virtual_serial(request.path.as_deref(), &request.name);
        self.devices.insert(
            serial.clone(),
            DeviceRecord {
                kind: DeviceKind::Virtual,
                seed: Some(seed),
                assignment: None,
                tags: request.tags.clone(),
            },
        );
        Ok(serial)
    }

    fn check_device_limit(&self, user_name: &str) -> IamResult<()> {
        if self.device_count(&Owner::User(user_name.to_string())) >= MAX_DEVICES_PER_USER {
            return Err(IamError::LimitExceeded(format!(
                "User {user_name} already has {MAX_DEVICES_PER_USER} MFA devices, the most IAM allows; remove one first."
            )));
        }
        Ok(())
    }

    /// The device as EnableMFADevice sees it: it exists, takes codes, and is free.
    fn free_totp_device(&self, serial: &str) -> IamResult<&DeviceRecord> {
        let device = self
            .devices
            .get(serial)
            .ok_or_else(|| no_such_device(serial))?;
        if device.kind == DeviceKind::Passkey {
            return Err(invalid(format!(
                "{serial} is a passkey or security key: those are registered in the IAM console (WebAuthn), not through the API."
            )));
        }
        if let Some(assignment) = &device.assignment {
            return Err(IamError::EntityAlreadyExists(format!(
                "MFA Device is already in use: {serial} is assigned to {}.",
                assignment.owner.label()
            )));
        }
        Ok(device)
    }

    fn assign(&mut self, serial: &str, owner: Owner, now: UnixSeconds) {
        if let Some(device) = self.devices.get_mut(serial) {
            device.assignment = Some(Assignment {
                owner,
                enabled_at: timestamp(now),
            });
        }
    }

    /// EnableMFADevice.
    pub fn enable(
        &mut self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
        now: UnixSeconds,
    ) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        validate_codes(code1, code2)?;
        self.user(user_name)?;
        let device = self.free_totp_device(serial)?;
        self.check_device_limit(user_name)?;
        let seed = device.seed.as_ref().ok_or_else(|| no_such_device(serial))?;
        verify_pair(seed, code1, code2, now)?;
        self.assign(serial, Owner::User(user_name.to_string()), now);
        Ok(())
    }

    fn assigned_to_user(&self, user_name: &str, serial: &str) -> IamResult<&DeviceRecord> {
        self.user(user_name)?;
        self.devices
            .get(serial)
            .filter(|device| {
                device
                    .assignment
                    .as_ref()
                    .is_some_and(|a| a.owner == Owner::User(user_name.to_string()))
            })
            .ok_or_else(|| {
                IamError::NoSuchEntity(format!(
                    "MFA device {serial} is not assigned to user {user_name}."
                ))
            })
    }

    /// DeactivateMFADevice: a virtual device stays (unassigned, its name still taken), a hardware token
    /// goes back to stock, a passkey is gone.
    pub fn deactivate(&mut self, user_name: &str, serial: &str) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        let kind = self.assigned_to_user(user_name, serial)?.kind;
        if kind == DeviceKind::Passkey {
            self.devices.remove(serial);
        } else if let Some(device) = self.devices.get_mut(serial) {
            device.assignment = None;
        }
        Ok(())
    }

    /// ResyncMFADevice: virtual and hardware TOTP devices assigned to the user.
    pub fn resync(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
        now: UnixSeconds,
    ) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        validate_codes(code1, code2)?;
        let device = self.assigned_to_user(user_name, serial)?;
        let seed = device.seed.as_ref().ok_or_else(|| {
            invalid(format!(
                "{serial} is a passkey or security key: only virtual and hardware TOTP devices can be resynchronized."
            ))
        })?;
        verify_pair(seed, code1, code2, now)
    }

    /// DeleteVirtualMFADevice.
    pub fn delete_virtual(&mut self, serial: &str) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        let device = self.virtual_device(serial)?;
        if let Some(assignment) = &device.assignment {
            return Err(IamError::DeleteConflict(format!(
                "{serial} is assigned to {}.",
                assignment.owner.label()
            )));
        }
        self.devices.remove(serial);
        Ok(())
    }

    fn virtual_device(&self, serial: &str) -> IamResult<&DeviceRecord> {
        self.devices
            .get(serial)
            .filter(|device| device.kind == DeviceKind::Virtual)
            .ok_or_else(|| {
                IamError::NoSuchEntity(format!(
                    "VirtualMFADevice with serial number {serial} does not exist."
                ))
            })
    }

    fn virtual_device_mut(&mut self, serial: &str) -> IamResult<&mut DeviceRecord> {
        self.virtual_device(serial)?;
        self.devices
            .get_mut(serial)
            .ok_or_else(|| no_such_device(serial))
    }

    /// TagMFADevice: a key already present (ignoring case) gets the new tag; at most 50 in all.
    pub fn tag(&mut self, serial: &str, tags: &[Tag]) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        validate::tags(tags).map_err(invalid)?;
        let device = self.virtual_device_mut(serial)?;
        let mut merged = device.tags.clone();
        for tag in tags {
            match merged
                .iter_mut()
                .find(|t| t.key.eq_ignore_ascii_case(&tag.key))
            {
                Some(existing) => *existing = tag.clone(),
                None => merged.push(tag.clone()),
            }
        }
        if merged.len() > MAX_TAGS {
            return Err(IamError::LimitExceeded(format!(
                "A device has at most {MAX_TAGS} tags; this would make {}.",
                merged.len()
            )));
        }
        device.tags = merged;
        Ok(())
    }

    /// UntagMFADevice: keys match ignoring case; absent keys are no error.
    pub fn untag(&mut self, serial: &str, keys: &[String]) -> IamResult<()> {
        validate::serial_number(serial).map_err(invalid)?;
        for key in keys {
            validate::tag_key(key).map_err(invalid)?;
        }
        let device = self.virtual_device_mut(serial)?;
        device
            .tags
            .retain(|tag| !keys.iter().any(|key| key.eq_ignore_ascii_case(&tag.key)));
        Ok(())
    }

    /// ListMFADeviceTags.
    pub fn tags(&self, serial: &str) -> IamResult<Vec<Tag>> {
        validate::serial_number(serial).map_err(invalid)?;
        Ok(self.virtual_device(serial)?.tags.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::window;

    const NOW: UnixSeconds = 1_800_000_015; // 15 s into a window
    const ACCOUNT: &str = "210987654321";

    fn state_with_user(name: &str) -> AccountState {
        let mut state = AccountState::new(ACCOUNT);
        state.add_user(name, "/", NOW - 86_400, None).unwrap();
        state
    }

    fn create(state: &mut AccountState, name: &str) -> (String, Seed) {
        let seed = Seed::generate();
        let request = NewVirtualDevice {
            name: name.into(),
            path: None,
            tags: vec![],
        };
        (state.create_virtual(&request, seed.clone()).unwrap(), seed)
    }

    /// The previous and current codes at `now`: the pair a person types.
    fn pair(seed: &Seed, now: UnixSeconds) -> (String, String) {
        let w = window(now);
        (seed.code_for_window(w - 1), seed.code_for_window(w))
    }

    fn enable(state: &mut AccountState, user: &str, serial: &str, seed: &Seed) -> IamResult<()> {
        let (c1, c2) = pair(seed, NOW);
        state.enable(user, serial, &c1, &c2, NOW)
    }

    #[test]
    fn create_returns_an_arn_serial_with_path() {
        let mut state = AccountState::new(ACCOUNT);
        let (serial, _) = create(&mut state, "alice-phone");
        assert_eq!(serial, "arn:aws:iam::210987654321:mfa/alice-phone");
        let request = NewVirtualDevice {
            name: "bob-phone".into(),
            path: Some("/engineering/".into()),
            tags: vec![],
        };
        let serial = state.create_virtual(&request, Seed::generate()).unwrap();
        assert_eq!(
            serial,
            "arn:aws:iam::210987654321:mfa/engineering/bob-phone"
        );
        assert_eq!(state.virtual_devices(AssignmentFilter::Unassigned).len(), 2);
    }

    #[test]
    fn create_refuses_bad_names_paths_and_tags() {
        let mut state = AccountState::new(ACCOUNT);
        let request = |name: &str, path: Option<&str>, tags: Vec<Tag>| NewVirtualDevice {
            name: name.into(),
            path: path.map(String::from),
            tags,
        };
        for bad in [
            request("alice phone", None, vec![]),
            request("", None, vec![]),
            request("alice", Some("engineering"), vec![]),
            request("alice", None, vec![Tag::new("aws:x", "y")]),
            request(
                "alice",
                None,
                vec![Tag::new("Team", "a"), Tag::new("team", "b")],
            ),
            request(
                "alice",
                None,
                (0..51).map(|i| Tag::new(format!("k{i}"), "v")).collect(),
            ),
        ] {
            let error = state.create_virtual(&bad, Seed::generate()).unwrap_err();
            assert_eq!(error.code(), "InvalidInput", "{bad:?}");
        }
        assert!(state.virtual_devices(AssignmentFilter::Any).is_empty());
    }

    #[test]
    fn device_names_are_unique_in_the_account_ignoring_case_and_path() {
        let mut state = AccountState::new(ACCOUNT);
        create(&mut state, "alice-phone");
        for (name, path) in [
            ("alice-phone", None),
            ("Alice-Phone", None),
            ("alice-phone", Some("/x/")),
        ] {
            let request = NewVirtualDevice {
                name: name.into(),
                path: path.map(String::from),
                tags: vec![],
            };
            let error = state
                .create_virtual(&request, Seed::generate())
                .unwrap_err();
            assert_eq!(error.code(), "EntityAlreadyExists");
        }
    }

    #[test]
    fn enable_with_a_valid_pair_assigns_the_device() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        enable(&mut state, "alice", &serial, &seed).unwrap();
        let devices = state.mfa_devices("alice").unwrap();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].serial, serial);
        assert_eq!(devices[0].enabled_at, Timestamp(NOW as i64));
        assert_eq!(state.owner_of(&serial), Some(&Owner::User("alice".into())));
    }

    #[test]
    fn enable_accepts_a_pair_checked_at_either_side_of_a_window_edge() {
        let seed = Seed::generate();
        let edge = 1_800_000_030; // first second of a window
        for now in [edge - 1, edge] {
            let mut state = state_with_user("alice");
            let request = NewVirtualDevice {
                name: "p".into(),
                path: None,
                tags: vec![],
            };
            let serial = state.create_virtual(&request, seed.clone()).unwrap();
            // Typed in the last second of one window and the first of the next.
            let (c1, c2) = (
                seed.code_for_window(window(edge - 1)),
                seed.code_for_window(window(edge)),
            );
            assert_eq!(
                state.enable("alice", &serial, &c1, &c2, now),
                Ok(()),
                "at {now}"
            );
        }
    }

    #[test]
    fn enable_rejects_wrong_codes_saying_why() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        let w = window(NOW);
        let stale = (seed.code_for_window(w - 3), seed.code_for_window(w - 2));
        let reversed = (seed.code_for_window(w), seed.code_for_window(w - 1));
        let same = (seed.code_for_window(w), seed.code_for_window(w));
        for ((c1, c2), why) in [(stale, "stale"), (reversed, "right after"), (same, "same")] {
            let error = state.enable("alice", &serial, &c1, &c2, NOW).unwrap_err();
            assert_eq!(error.code(), "InvalidAuthenticationCode");
            assert!(error.to_string().contains(why), "{error}");
        }
        // A code from another seed: a typo as far as this seed is concerned.
        let other = Seed::generate();
        let (c1, c2) = pair(&other, NOW);
        let error = state.enable("alice", &serial, &c1, &c2, NOW).unwrap_err();
        assert_eq!(error.code(), "InvalidAuthenticationCode");
        assert!(state.owner_of(&serial).is_none(), "still unassigned");
    }

    #[test]
    fn enable_wants_six_digit_codes() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        let (c1, c2) = pair(&seed, NOW);
        for (a, b) in [
            ("12345", c2.as_str()),
            (c1.as_str(), "12345a"),
            ("1234567", c2.as_str()),
        ] {
            let error = state.enable("alice", &serial, a, b, NOW).unwrap_err();
            assert_eq!(error.code(), "InvalidInput", "{a} {b}");
        }
    }

    #[test]
    fn enable_needs_an_existing_user_and_device() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        let error = enable(&mut state, "nobody", &serial, &seed).unwrap_err();
        assert_eq!(error.code(), "NoSuchEntity");
        let missing = state.virtual_serial(None, "never-created");
        let error = enable(&mut state, "alice", &missing, &seed).unwrap_err();
        assert_eq!(error.code(), "NoSuchEntity");
        // A hardware serial the demo does not stock.
        let error = enable(&mut state, "alice", "GAHT99999999", &seed).unwrap_err();
        assert_eq!(error.code(), "NoSuchEntity");
        let error = enable(&mut state, "alice", "short", &seed).unwrap_err();
        assert_eq!(error.code(), "InvalidInput");
    }

    #[test]
    fn enable_refuses_a_device_already_assigned() {
        let mut state = state_with_user("alice");
        state.add_user("bob", "/", NOW, None).unwrap();
        let (serial, seed) = create(&mut state, "shared");
        enable(&mut state, "alice", &serial, &seed).unwrap();
        for user in ["alice", "bob"] {
            let error = enable(&mut state, user, &serial, &seed).unwrap_err();
            assert_eq!(error.code(), "EntityAlreadyExists");
            assert!(error.to_string().contains("alice"), "{error}");
        }
    }

    #[test]
    fn a_ninth_device_exceeds_the_limit() {
        let mut state = state_with_user("alice");
        for i in 0..MAX_DEVICES_PER_USER {
            let (serial, seed) = create(&mut state, &format!("alice-{i}"));
            enable(&mut state, "alice", &serial, &seed).unwrap();
        }
        let (serial, seed) = create(&mut state, "alice-9");
        let error = enable(&mut state, "alice", &serial, &seed).unwrap_err();
        assert_eq!(error.code(), "LimitExceeded");
        assert_eq!(
            state.mfa_devices("alice").unwrap().len(),
            MAX_DEVICES_PER_USER
        );
    }

    #[test]
    fn hardware_tokens_come_from_stock_and_return_to_it() {
        let mut state = state_with_user("alice");
        let seed = Seed::generate();
        state
            .stock_hardware_token("GAHT60192320", seed.clone())
            .unwrap();
        assert_eq!(state.hardware_stock(), ["GAHT60192320"]);
        enable(&mut state, "alice", "GAHT60192320", &seed).unwrap();
        assert!(state.hardware_stock().is_empty());
        assert_eq!(
            state.mfa_devices("alice").unwrap()[0].kind(),
            DeviceKind::Hardware
        );
        // Hardware tokens are no virtual devices.
        assert!(state.virtual_devices(AssignmentFilter::Any).is_empty());
        state.deactivate("alice", "GAHT60192320").unwrap();
        assert_eq!(state.hardware_stock(), ["GAHT60192320"]);
        assert_eq!(
            state.delete_virtual("GAHT60192320").unwrap_err().code(),
            "NoSuchEntity"
        );
    }

    #[test]
    fn a_passkey_label_is_a_name_and_registered_once_per_user() {
        let mut state = state_with_user("alice");
        state.add_user("bob", "/", NOW, None).unwrap();
        let error = state.register_passkey("alice", "my key", NOW).unwrap_err();
        assert_eq!(error.code(), "InvalidInput");
        state.register_passkey("alice", "yubikey", NOW).unwrap();
        let error = state.register_passkey("alice", "yubikey", NOW).unwrap_err();
        assert_eq!(error.code(), "EntityAlreadyExists");
        assert_eq!(state.mfa_devices("alice").unwrap().len(), 1);
        state.register_passkey("bob", "yubikey", NOW).unwrap();
    }

    #[test]
    fn passkeys_cannot_be_enabled_or_resynced_by_api() {
        let mut state = state_with_user("alice");
        let serial = state.register_passkey("alice", "yubikey-5c", NOW).unwrap();
        assert_eq!(DeviceKind::from_serial(&serial), DeviceKind::Passkey);
        assert!(state.seed(&serial).is_none());
        let error = state
            .enable("alice", &serial, "123456", "654321", NOW)
            .unwrap_err();
        assert_eq!(error.code(), "InvalidInput");
        let error = state
            .resync("alice", &serial, "123456", "654321", NOW)
            .unwrap_err();
        assert_eq!(error.code(), "InvalidInput");
        // Deactivating a passkey removes it.
        state.deactivate("alice", &serial).unwrap();
        assert!(state.mfa_devices("alice").unwrap().is_empty());
    }

    #[test]
    fn deactivate_keeps_the_virtual_device_and_its_name() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        enable(&mut state, "alice", &serial, &seed).unwrap();
        state.deactivate("alice", &serial).unwrap();
        assert!(state.mfa_devices("alice").unwrap().is_empty());
        let unassigned = state.virtual_devices(AssignmentFilter::Unassigned);
        assert_eq!(unassigned.len(), 1);
        assert_eq!(unassigned[0].serial, serial);
        let request = NewVirtualDevice {
            name: "alice-phone".into(),
            path: None,
            tags: vec![],
        };
        let error = state
            .create_virtual(&request, Seed::generate())
            .unwrap_err();
        assert_eq!(error.code(), "EntityAlreadyExists");
    }

    #[test]
    fn deactivate_needs_the_device_assigned_to_that_user() {
        let mut state = state_with_user("alice");
        state.add_user("bob", "/", NOW, None).unwrap();
        let (serial, seed) = create(&mut state, "alice-phone");
        assert_eq!(
            state.deactivate("alice", &serial).unwrap_err().code(),
            "NoSuchEntity"
        );
        enable(&mut state, "alice", &serial, &seed).unwrap();
        assert_eq!(
            state.deactivate("bob", &serial).unwrap_err().code(),
            "NoSuchEntity"
        );
        assert_eq!(
            state.deactivate("carol", &serial).unwrap_err().code(),
            "NoSuchEntity"
        );
        assert_eq!(state.owner_of(&serial), Some(&Owner::User("alice".into())));
    }

    #[test]
    fn delete_refuses_assigned_and_unknown_devices() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        enable(&mut state, "alice", &serial, &seed).unwrap();
        assert_eq!(
            state.delete_virtual(&serial).unwrap_err().code(),
            "DeleteConflict"
        );
        state.deactivate("alice", &serial).unwrap();
        state.delete_virtual(&serial).unwrap();
        assert_eq!(
            state.delete_virtual(&serial).unwrap_err().code(),
            "NoSuchEntity"
        );
        assert!(
            state.seed(&serial).is_none(),
            "the seed goes with the device"
        );
        // The name is free again.
        create(&mut state, "alice-phone");
    }

    #[test]
    fn resync_checks_the_pair_on_assigned_devices() {
        let mut state = state_with_user("alice");
        let (serial, seed) = create(&mut state, "alice-phone");
        let (c1, c2) = pair(&seed, NOW);
        assert_eq!(
            state
                .resync("alice", &serial, &c1, &c2, NOW)
                .unwrap_err()
                .code(),
            "NoSuchEntity",
            "not assigned yet"
        );
        enable(&mut state, "alice", &serial, &seed).unwrap();
        let later = NOW + 600;
        let (c1, c2) = pair(&seed, later);
        assert_eq!(state.resync("alice", &serial, &c1, &c2, later), Ok(()));
        let error = state.resync("alice", &serial, &c2, &c1, later).unwrap_err();
        assert_eq!(error.code(), "InvalidAuthenticationCode");
        let error = state.resync("alice", &serial, "1", &c1, later).unwrap_err();
        assert_eq!(error.code(), "InvalidInput");
    }

    #[test]
    fn tags_merge_case_insensitively_and_stay_within_fifty() {
        let mut state = AccountState::new(ACCOUNT);
        let (serial, _) = create(&mut state, "alice-phone");
        state
            .tag(
                &serial,
                &[Tag::new("Team", "ops"), Tag::new("owner", "alice")],
            )
            .unwrap();
        state.tag(&serial, &[Tag::new("team", "platform")]).unwrap();
        assert_eq!(
            state.tags(&serial).unwrap(),
            [Tag::new("team", "platform"), Tag::new("owner", "alice")]
        );
        state
            .untag(&serial, &["TEAM".into(), "absent".into()])
            .unwrap();
        assert_eq!(state.tags(&serial).unwrap(), [Tag::new("owner", "alice")]);

        let many: Vec<Tag> = (0..49).map(|i| Tag::new(format!("k{i}"), "v")).collect();
        state.tag(&serial, &many).unwrap();
        assert_eq!(state.tags(&serial).unwrap().len(), 50);
        let error = state
            .tag(&serial, &[Tag::new("one-more", "v")])
            .unwrap_err();
        assert_eq!(error.code(), "LimitExceeded");
        assert_eq!(
            state
                .tag(&serial, &[Tag::new("aws:x", "v")])
                .unwrap_err()
                .code(),
            "InvalidInput"
        );
        assert_eq!(
            state.untag(&serial, &["".into()]).unwrap_err().code(),
            "InvalidInput"
        );
    }

    #[test]
    fn tags_exist_only_on_virtual_devices() {
        let mut state = state_with_user("alice");
        state
            .stock_hardware_token("GAHT60192320", Seed::generate())
            .unwrap();
        let passkey = state.register_passkey("alice", "key", NOW).unwrap();
        let missing = state.virtual_serial(None, "missing");
        for serial in ["GAHT60192320", passkey.as_str(), missing.as_str()] {
            assert_eq!(state.tags(serial).unwrap_err().code(), "NoSuchEntity");
            assert_eq!(
                state.tag(serial, &[Tag::new("a", "b")]).unwrap_err().code(),
                "NoSuchEntity"
            );
            assert_eq!(
                state.untag(serial, &["a".into()]).unwrap_err().code(),
                "NoSuchEntity"
            );
        }
    }

    #[test]
    fn created_tags_are_kept_but_not_listed_with_the_device() {
        let mut state = AccountState::new(ACCOUNT);
        let request = NewVirtualDevice {
            name: "alice-phone".into(),
            path: None,
            tags: vec![Tag::new("team", "ops")],
        };
        let serial = state.create_virtual(&request, Seed::generate()).unwrap();
        assert_eq!(state.tags(&serial).unwrap(), [Tag::new("team", "ops")]);
        // VirtualMfaDevice has no tag field at all: ListVirtualMFADevices returns none.
        assert_eq!(
            state.virtual_devices(AssignmentFilter::Any)[0].serial,
            serial
        );
    }

    #[test]
    fn virtual_device_listing_filters_by_assignment() {
        let mut state = state_with_user("alice");
        let (assigned, seed) = create(&mut state, "a-assigned");
        create(&mut state, "b-orphan");
        enable(&mut state, "alice", &assigned, &seed).unwrap();
        let names = |filter| {
            state
                .virtual_devices(filter)
                .iter()
                .map(|d| d.name().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(AssignmentFilter::Any), ["a-assigned", "b-orphan"]);
        assert_eq!(names(AssignmentFilter::Assigned), ["a-assigned"]);
        assert_eq!(names(AssignmentFilter::Unassigned), ["b-orphan"]);
        let listed = state.virtual_devices(AssignmentFilter::Assigned);
        assert_eq!(listed[0].user_name.as_deref(), Some("alice"));
        assert_eq!(listed[0].enabled_at, Some(Timestamp(NOW as i64)));
    }

    #[test]
    fn users_are_validated_unique_and_listed() {
        let mut state = AccountState::new(ACCOUNT);
        let user = state
            .add_user("alice", "/engineering/", NOW, Some(NOW))
            .unwrap();
        assert_eq!(user.arn, "arn:aws:iam::210987654321:user/engineering/alice");
        assert!(user.user_id.starts_with("AIDA"));
        assert_eq!(
            state.add_user("ALICE", "/", NOW, None).unwrap_err().code(),
            "EntityAlreadyExists"
        );
        assert_eq!(
            state.add_user("a b", "/", NOW, None).unwrap_err().code(),
            "InvalidInput"
        );
        assert_eq!(
            state.add_user("bob", "x", NOW, None).unwrap_err().code(),
            "InvalidInput"
        );
        assert_eq!(state.user("bob").unwrap_err().code(), "NoSuchEntity");
        assert_eq!(state.mfa_devices("bob").unwrap_err().code(), "NoSuchEntity");
        assert_eq!(state.mfa_devices("a b").unwrap_err().code(), "InvalidInput");
        assert_eq!(state.users(), [user]);
    }

    #[test]
    fn root_devices_are_listed_under_the_root_label() {
        let mut state = AccountState::new(ACCOUNT);
        let (serial, seed) = create(&mut state, "root-account-mfa-device");
        state.assign_unchecked(&serial, Owner::Root, NOW).unwrap();
        let listed = state.virtual_devices(AssignmentFilter::Assigned);
        assert_eq!(listed[0].user_name.as_deref(), Some(ROOT_LABEL));
        assert_eq!(state.seed_of_owned(&Owner::Root, &serial), Some(&seed));
        assert_eq!(
            state.seed_of_owned(&Owner::User("root".into()), &serial),
            None
        );
        assert_eq!(
            state.delete_virtual(&serial).unwrap_err().code(),
            "DeleteConflict"
        );
    }
}
