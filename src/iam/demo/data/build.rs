//! Builds the demo account from a parsed file. Every entry goes through the `AccountState` builders, so
//! the file meets the very rules the live demo enforces; a refusal is reported at the entry's place in
//! the file, in words for the person who wrote it. Names, paths and tags are also checked here with
//! `validate`'s rules first, only to point at the exact value (the builders would refuse them too).

use std::ops::Range;

use toml::Spanned;

use super::error::{Located, line_and_column};
use super::schema::{self, DemoFile, DeviceKind as Entry};
use crate::clock::UnixSeconds;
use crate::iam::demo::DemoIdentity;
use crate::iam::demo::derive;
use crate::iam::demo::state::{AccountState, Owner};
use crate::iam::{
    DeviceKind, IamError, IamResult, MAX_DEVICES_PER_USER, NewVirtualDevice, Tag, validate,
};

const DAY: u64 = 86_400;

/// Further back than this is a typo (and would run past the start of the clock).
const MAX_DAYS_AGO: u64 = 36_500;

/// The account a file describes, ready for `DemoAccount`.
pub(in crate::iam::demo) struct Seeded {
    pub state: AccountState,
    pub identities: IdentityUsers,
    pub root: RootUser,
    /// How long before the start the credential report was generated; `None`: no report yet.
    pub report_seconds_ago: Option<u64>,
}

/// The IAM user each `--demo-as` identity signs in as.
#[derive(Debug, Clone)]
pub(in crate::iam::demo) struct IdentityUsers {
    admin: String,
    self_service: String,
    self_service_pinned: String,
}

impl IdentityUsers {
    /// The identity's user; root has none.
    pub fn user(&self, identity: DemoIdentity) -> Option<&str> {
        match identity {
            DemoIdentity::Admin => Some(&self.admin),
            DemoIdentity::SelfService => Some(&self.self_service),
            DemoIdentity::SelfServicePinned => Some(&self.self_service_pinned),
            DemoIdentity::Root => None,
        }
    }
}

/// The root user's dates, which GetUser answers for root relative to the demo's start.
#[derive(Debug, Clone, Copy)]
pub(in crate::iam::demo) struct RootUser {
    pub created_days_ago: u64,
    pub password_last_used_days_ago: Option<u64>,
}

/// The account `file` describes, built at `now`; `text` is the file's text, for "first at line N".
pub(super) fn account(file: &DemoFile, text: &str, now: UnixSeconds) -> Result<Seeded, Located> {
    let account = &file.account;
    let id = account.id.get_ref();
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Located::new(
            account.id.span(),
            format!("an AWS account ID is 12 digits, not {id:?}"),
        ));
    }
    let root = root_user(&account.root)?;
    let mut builder = Builder {
        text,
        now,
        state: AccountState::new(id),
        seen: Vec::new(),
    };
    for user in &account.users {
        builder.add_user(user, root.created_days_ago)?;
    }
    let identities = builder.identities(&account.identities)?;
    for user in &account.users {
        let owner = Owner::User(user.name.get_ref().clone());
        for device in &user.mfa_devices {
            builder.add_device(device, &owner, *user.created_days_ago.get_ref())?;
        }
    }
    if let Some(device) = &account.root.mfa_device {
        builder.add_device(device, &Owner::Root, root.created_days_ago)?;
    }
    for name in &account.unassigned.virtual_devices {
        builder.add_virtual(name, Vec::new())?;
    }
    for serial in &account.unassigned.hardware_tokens {
        builder.add_hardware(serial)?;
    }
    for user in &account.users {
        if let Some(profile) = &user.login_profile {
            let created = not_before(
                &profile.created_days_ago,
                *user.created_days_ago.get_ref(),
                &format!("{:?} was created", user.name.get_ref()),
            )?;
            let when = days_ago(now, created, &format!("password:{}", user.name.get_ref()));
            builder
                .state
                .add_login_profile(user.name.get_ref(), when)
                .map_err(|error| Located::new(user.name.span(), error.to_string()))?;
        }
    }
    let report_seconds_ago = match &account.credential_report {
        Some(report) => {
            let hours = *report.generated_hours_ago.get_ref();
            if hours > 24 * MAX_DAYS_AGO {
                return Err(Located::new(
                    report.generated_hours_ago.span(),
                    format!("{hours} hours ago is further back than {MAX_DAYS_AGO} days"),
                ));
            }
            Some(hours * 3_600)
        }
        None => None,
    };
    Ok(Seeded {
        state: builder.state,
        identities,
        root,
        report_seconds_ago,
    })
}

fn root_user(root: &schema::Root) -> Result<RootUser, Located> {
    let created_days_ago = days(&root.created_days_ago)?;
    let password_last_used_days_ago = root
        .password_last_used_days_ago
        .as_ref()
        .map(|last| not_before(last, created_days_ago, "the account was created"))
        .transpose()?;
    Ok(RootUser {
        created_days_ago,
        password_last_used_days_ago,
    })
}

/// A `*_days_ago` value within reach of the clock.
fn days(value: &Spanned<u64>) -> Result<u64, Located> {
    let days = *value.get_ref();
    if days > MAX_DAYS_AGO {
        return Err(Located::new(
            value.span(),
            format!("{days} days ago is further back than {MAX_DAYS_AGO} days (100 years)"),
        ));
    }
    Ok(days)
}

/// A `*_days_ago` value that is not older than `limit` days, the age of what it belongs to.
fn not_before(value: &Spanned<u64>, limit: u64, what: &str) -> Result<u64, Located> {
    let days = days(value)?;
    if days > limit {
        return Err(Located::new(
            value.span(),
            format!("{days} days ago is before {what} ({limit} days ago)"),
        ));
    }
    Ok(days)
}

/// A moment `days` ago, at a time of day that differs from entry to entry.
fn days_ago(now: UnixSeconds, days: u64, label: &str) -> UnixSeconds {
    now.saturating_sub(days * DAY + derive::below(label, 10 * 3_600))
}

fn at<T>(value: &Spanned<T>) -> impl Fn(String) -> Located + '_ {
    move |message| Located::new(value.span(), message)
}

/// `value` checked with one of `validate`'s rules. Those rules speak to someone typing in a form ("Enter a
/// user name"); an empty value in a file gets words of its own.
fn checked(
    value: &Spanned<String>,
    what: &str,
    rule: fn(&str) -> Result<(), String>,
) -> Result<(), Located> {
    if value.get_ref().is_empty() {
        return Err(Located::new(value.span(), format!("the {what} is empty")));
    }
    rule(value.get_ref()).map_err(at(value))
}

struct Builder<'a> {
    text: &'a str,
    now: UnixSeconds,
    state: AccountState,
    /// What was added so far ("user:NAME", "virtual:NAME", ...) and where, to say where a duplicate was
    /// first defined.
    seen: Vec<(String, Range<usize>)>,
}

impl Builder<'_> {
    /// " (first at line N)" for the entry an IAM uniqueness rule matched, ignoring case as IAM does.
    fn first_at(&self, key: &str) -> String {
        self.seen
            .iter()
            .find(|(seen, _)| seen.eq_ignore_ascii_case(key))
            .map(|(_, span)| {
                format!(
                    " (first at line {})",
                    line_and_column(self.text, span.start).0
                )
            })
            .unwrap_or_default()
    }

    /// A builder's answer for the entry `key` at `at`: remembered once added; refused by an IAM
    /// uniqueness rule, said by `clash` (given " (first at line N)"); any other refusal in IAM's words.
    fn added<T>(
        &mut self,
        answer: IamResult<T>,
        key: String,
        at: Range<usize>,
        clash: impl FnOnce(String) -> String,
    ) -> Result<T, Located> {
        match answer {
            Ok(value) => {
                self.seen.push((key, at));
                Ok(value)
            }
            Err(IamError::EntityAlreadyExists(_)) => {
                Err(Located::new(at, clash(self.first_at(&key))))
            }
            Err(other) => Err(Located::new(at, other.to_string())),
        }
    }

    fn add_user(&mut self, user: &schema::User, account_age: u64) -> Result<(), Located> {
        let name = &user.name;
        checked(name, "user name", validate::user_name)?;
        if let Some(path) = &user.path {
            validate::path(path.get_ref()).map_err(at(path))?;
        }
        let created = not_before(
            &user.created_days_ago,
            account_age,
            "the account was created",
        )?;
        let last_used = user
            .password_last_used_days_ago
            .as_ref()
            .map(|last| not_before(last, created, "the user was created"))
            .transpose()?;
        let label = name.get_ref();
        let path = user.path.as_ref().map_or("/", |path| path.get_ref());
        let added = self.state.add_user(
            label,
            path,
            days_ago(self.now, created, label),
            last_used.map(|days| days_ago(self.now, days, label)),
        );
        self.added(added, format!("user:{label}"), name.span(), |first| {
            format!("the user {label:?} is defined twice{first}: IAM user names are unique, ignoring case")
        })?;
        Ok(())
    }

    fn identities(&self, identities: &schema::Identities) -> Result<IdentityUsers, Located> {
        let user = |identity: &str, name: &Spanned<String>| match self.state.user(name.get_ref()) {
            Ok(user) => Ok(user.name.clone()),
            Err(_) => Err(Located::new(
                name.span(),
                format!(
                    "--demo-as {identity} signs in as {:?}, who is not in [[account.users]]",
                    name.get_ref()
                ),
            )),
        };
        Ok(IdentityUsers {
            admin: user("admin", &identities.admin)?,
            self_service: user("self-service", &identities.self_service)?,
            self_service_pinned: user("self-service-pinned", &identities.self_service_pinned)?,
        })
    }

    /// An entry of a user's `mfa_devices`, or root's `mfa_device`; `owner_age` is how many days ago the
    /// owner was created.
    fn add_device(
        &mut self,
        entry: &Spanned<schema::Device>,
        owner: &Owner,
        owner_age: u64,
    ) -> Result<(), Located> {
        let device = entry.get_ref();
        let kind = device.kind(entry.span())?;
        let owner_name = match owner {
            Owner::User(name) => name.as_str(),
            Owner::Root => "root",
        };
        let enabled = not_before(
            &device.enabled_days_ago,
            owner_age,
            &format!("{owner_name:?} was created"),
        )?;
        if let (Some(tags), Entry::Hardware(_) | Entry::Passkey(_)) = (&device.tags, &kind) {
            return Err(Located::new(
                tags.span(),
                "only virtual devices have tags: IAM tags no hardware token or passkey",
            ));
        }
        match kind {
            Entry::Virtual(name) => {
                let serial = self.add_virtual(name, tags(device)?)?;
                let when = match &device.enabled_hours_ago {
                    Some(hours) if enabled == 0 => {
                        self.now.saturating_sub(hours.get_ref().min(&23) * 3_600)
                    }
                    Some(hours) => {
                        return Err(Located::new(
                            hours.span(),
                            "enabled_hours_ago is for a device enabled today: set enabled_days_ago = 0",
                        ));
                    }
                    None => days_ago(self.now, enabled, name.get_ref()),
                };
                self.assign(&serial, owner, when, entry)
            }
            Entry::Hardware(serial) => {
                self.add_hardware(serial)?;
                let when = days_ago(self.now, enabled, serial.get_ref());
                self.assign(serial.get_ref(), owner, when, entry)
            }
            Entry::Passkey(label) => {
                let Owner::User(user) = owner else {
                    return Err(Located::new(
                        label.span(),
                        "the demo has no passkeys for root: give root a virtual device or a hardware token",
                    ));
                };
                checked(label, "passkey label", validate::device_name)?;
                let when = days_ago(self.now, enabled, label.get_ref());
                let answer = self.state.register_passkey(user, label.get_ref(), when);
                if let Err(IamError::LimitExceeded(_)) = answer {
                    return Err(too_many_devices(user, entry));
                }
                let key = format!("passkey:{user}/{}", label.get_ref());
                self.added(answer, key, label.span(), |first| {
                    format!(
                        "the passkey {:?} is registered twice on {user:?}{first}",
                        label.get_ref()
                    )
                })?;
                Ok(())
            }
        }
    }

    /// Creates a virtual device (unassigned) with the seed derived from its name; returns its serial.
    fn add_virtual(&mut self, name: &Spanned<String>, tags: Vec<Tag>) -> Result<String, Located> {
        checked(name, "device name", validate::device_name)?;
        let request = NewVirtualDevice {
            name: name.get_ref().clone(),
            path: None,
            tags,
        };
        let answer = self
            .state
            .create_virtual(&request, derive::seed(name.get_ref()));
        let key = format!("virtual:{}", name.get_ref());
        self.added(answer, key, name.span(), |first| {
            format!(
                "a virtual MFA device named {:?} is already in the account{first}: device names are unique, ignoring case",
                name.get_ref()
            )
        })
    }

    /// Puts a hardware token in the account (unassigned) with the seed derived from its serial.
    fn add_hardware(&mut self, serial: &Spanned<String>) -> Result<(), Located> {
        let text = serial.get_ref();
        checked(serial, "serial number", validate::serial_number)?;
        if DeviceKind::from_serial(text) != DeviceKind::Hardware {
            return Err(Located::new(
                serial.span(),
                format!(
                    "{text:?} is no hardware token's serial (an ARN names a virtual device or passkey): use the serial printed on the token"
                ),
            ));
        }
        let answer = self.state.stock_hardware_token(text, derive::seed(text));
        self.added(answer, format!("hardware:{text}"), serial.span(), |first| {
            format!("the hardware token {text:?} is listed twice{first}: serial numbers are unique")
        })
    }

    fn assign(
        &mut self,
        serial: &str,
        owner: &Owner,
        when: UnixSeconds,
        entry: &Spanned<schema::Device>,
    ) -> Result<(), Located> {
        self.state
            .assign_unchecked(serial, owner.clone(), when)
            .map_err(|error| match (error, owner) {
                (IamError::LimitExceeded(_), Owner::User(user)) => too_many_devices(user, entry),
                (other, _) => Located::new(entry.span(), other.to_string()),
            })
    }
}

fn too_many_devices(user: &str, entry: &Spanned<schema::Device>) -> Located {
    Located::new(
        entry.span(),
        format!(
            "with this one {user:?} has {} MFA devices: IAM allows at most {MAX_DEVICES_PER_USER} per user",
            MAX_DEVICES_PER_USER + 1
        ),
    )
}

/// A virtual device's tags in the file's order, each checked where it stands.
fn tags(device: &schema::Device) -> Result<Vec<Tag>, Located> {
    let mut tags = Vec::new();
    for (key, value) in device.tags_in_file_order() {
        validate::tag_key(key.get_ref()).map_err(at(key))?;
        validate::tag_value(value.get_ref()).map_err(at(value))?;
        tags.push(Tag::new(key.get_ref().as_str(), value.get_ref().as_str()));
        // The set so far: the 51st tag, or a key repeated in other case, is refused where it stands.
        validate::tags(&tags).map_err(at(key))?;
    }
    Ok(tags)
}
