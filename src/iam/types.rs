//! Domain types of the IAM layer. No SDK type crosses this boundary: the AWS adapter and the demo account
//! both speak in these.

use std::fmt;

use serde::Serialize;

use crate::otp::Seed;

/// A point in time, whole seconds since the Unix epoch (IAM dates carry no sub-second meaning for us).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// RFC 3339 in UTC, e.g. `2026-11-23T14:14:00Z`: for JSON and the CLI command hints.
    pub fn rfc3339(self) -> String {
        let format =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        self.to_datetime()
            .format(&format)
            .unwrap_or_else(|_| self.0.to_string())
    }

    fn to_datetime(self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp(self.0)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

/// Screens show `2026-11-23 14:14 UTC`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        match self.to_datetime().format(&format) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "@{}", self.0),
        }
    }
}

/// AWS partitions have their own ARN prefix; the console path and the CLI hint must use the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    pub fn from_arn(arn: &str) -> Option<Self> {
        match arn.split(':').nth(1)? {
            "aws" => Some(Self::Aws),
            "aws-cn" => Some(Self::AwsCn),
            "aws-us-gov" => Some(Self::AwsUsGov),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsCn => "aws-cn",
            Self::AwsUsGov => "aws-us-gov",
        }
    }

    /// Where the IAM console lives for this partition.
    pub fn console_url(self) -> &'static str {
        match self {
            Self::Aws => "https://console.aws.amazon.com/iam/",
            Self::AwsCn => "https://console.amazonaws.cn/iam/",
            Self::AwsUsGov => "https://console.amazonaws-us-gov.com/iam/",
        }
    }
}

/// What STS GetCallerIdentity says about the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// The kind of principal behind a caller ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Principal {
    Root,
    IamUser {
        user_name: String,
    },
    AssumedRole {
        role_name: String,
        session_name: String,
    },
    Federated {
        name: String,
    },
    Other,
}

impl CallerIdentity {
    pub fn partition(&self) -> Partition {
        Partition::from_arn(&self.arn).unwrap_or(Partition::Aws)
    }

    pub fn principal(&self) -> Principal {
        // arn:PARTITION:SERVICE::ACCOUNT:RESOURCE
        let resource = self.arn.splitn(6, ':').nth(5).unwrap_or_default();
        if resource == "root" {
            return Principal::Root;
        }
        let (kind, rest) = resource.split_once('/').unwrap_or((resource, ""));
        match kind {
            // IAM user names may sit under a path: user/division/alice
            "user" => Principal::IamUser {
                user_name: rest.rsplit('/').next().unwrap_or(rest).to_string(),
            },
            "assumed-role" => {
                let (role, session) = rest.split_once('/').unwrap_or((rest, ""));
                Principal::AssumedRole {
                    role_name: role.to_string(),
                    session_name: session.to_string(),
                }
            }
            "federated-user" => Principal::Federated {
                name: rest.to_string(),
            },
            _ => Principal::Other,
        }
    }

    /// The IAM user name when the caller is an IAM user.
    pub fn user_name(&self) -> Option<String> {
        match self.principal() {
            Principal::IamUser { user_name } => Some(user_name),
            _ => None,
        }
    }
}

/// How the app behaves for this caller (issue: who is calling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallerMode {
    /// May list users: the full app.
    Admin,
    /// An IAM user who may not list users: narrowed to their own devices.
    SelfService,
    /// The account root user: root MFA is console-only, IAM users' devices may still be managed.
    Root,
    /// An assumed role or a federated session: admin features, no "my devices".
    Role,
}

impl CallerMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::SelfService => "self-service",
            Self::Root => "root",
            Self::Role => "role session",
        }
    }

    /// Decide the mode from the principal and whether ListUsers is allowed.
    pub fn detect(principal: &Principal, may_list_users: bool) -> Self {
        match principal {
            Principal::Root => Self::Root,
            Principal::IamUser { .. } if may_list_users => Self::Admin,
            Principal::IamUser { .. } => Self::SelfService,
            Principal::AssumedRole { .. } | Principal::Federated { .. } | Principal::Other => {
                Self::Role
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub user_id: String,
    pub arn: String,
    pub path: String,
    pub created: Timestamp,
    pub password_last_used: Option<Timestamp>,
}

/// The kinds of MFA device IAM knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    Virtual,
    Hardware,
    Passkey,
    /// SMS text-message MFA, retired by AWS; old accounts may still show one.
    Sms,
}

impl DeviceKind {
    /// IAM tells the kind only through the serial number: virtual devices are `...:mfa/NAME` ARNs,
    /// passkeys and security keys are `...:u2f/...` ARNs, SMS devices `...:sms-mfa/...` ARNs, hardware
    /// TOTP tokens are bare serials (an ARN of no known kind is taken as hardware too: IAM has no other).
    pub fn from_serial(serial: &str) -> Self {
        if !serial.starts_with("arn:") {
            return Self::Hardware;
        }
        let resource = serial.splitn(6, ':').nth(5).unwrap_or_default();
        if resource.starts_with("u2f/") {
            Self::Passkey
        } else if resource.starts_with("sms-mfa/") {
            Self::Sms
        } else if resource.starts_with("mfa/") {
            Self::Virtual
        } else {
            Self::Hardware
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Virtual => "virtual",
            Self::Hardware => "hardware TOTP",
            Self::Passkey => "passkey/security key",
            Self::Sms => "SMS (retired)",
        }
    }
}

/// An MFA device assigned to a user (ListMFADevices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaDevice {
    pub user_name: String,
    pub serial: String,
    pub enabled_at: Timestamp,
}

impl MfaDevice {
    pub fn kind(&self) -> DeviceKind {
        DeviceKind::from_serial(&self.serial)
    }
}

/// A virtual MFA device entity (ListVirtualMFADevices), assigned or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualMfaDevice {
    pub serial: String,
    /// The user it is assigned to; `None` for an unassigned device.
    pub user_name: Option<String>,
    /// That user's ARN: `arn:...:root` for the root user's device, whatever the device is named.
    pub user_arn: Option<String>,
    pub enabled_at: Option<Timestamp>,
}

impl VirtualMfaDevice {
    pub fn is_assigned(&self) -> bool {
        self.user_name.is_some()
    }

    /// Whether the root user holds it: its user's ARN ends in `:root`. Never by the device's name,
    /// which can be anything (and a user may own one named `root-account-mfa-device`).
    pub fn is_roots(&self) -> bool {
        self.user_arn
            .as_deref()
            .is_some_and(|arn| arn.rsplit(':').next() == Some("root"))
    }

    /// The device name: the last segment of the ARN (`arn:aws:iam::1:mfa/path/NAME` -> `NAME`).
    pub fn name(&self) -> &str {
        device_name_from_serial(&self.serial)
    }
}

pub fn device_name_from_serial(serial: &str) -> &str {
    serial.rsplit('/').next().unwrap_or(serial)
}

/// The Any/Assigned/Unassigned filter of ListVirtualMFADevices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentFilter {
    #[default]
    Any,
    Assigned,
    Unassigned,
}

impl AssignmentFilter {
    pub fn matches(self, assigned: bool) -> bool {
        match self {
            Self::Any => true,
            Self::Assigned => assigned,
            Self::Unassigned => !assigned,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Assigned => "assigned",
            Self::Unassigned => "unassigned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// What CreateVirtualMFADevice needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVirtualDevice {
    pub name: String,
    /// `None` means IAM's default path `/`.
    pub path: Option<String>,
    pub tags: Vec<Tag>,
}

/// The answer of CreateVirtualMFADevice. The seed is the only copy AWS will ever give: it zeroizes itself.
#[derive(Debug)]
pub struct CreatedVirtualDevice {
    pub serial: String,
    pub seed: Seed,
}

/// Temporary credentials from STS GetSessionToken, held in memory only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaSession {
    /// The device whose code opened the session.
    pub serial: String,
    pub expires_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> CallerIdentity {
        CallerIdentity {
            account: "123456789012".into(),
            arn: arn.into(),
            user_id: "AIDA".into(),
        }
    }

    #[test]
    fn principal_from_arn() {
        assert_eq!(
            caller("arn:aws:iam::123456789012:root").principal(),
            Principal::Root
        );
        assert_eq!(
            caller("arn:aws:iam::123456789012:user/ops/alice").principal(),
            Principal::IamUser {
                user_name: "alice".into()
            }
        );
        assert_eq!(
            caller("arn:aws-cn:sts::123456789012:assumed-role/Admin/bob").principal(),
            Principal::AssumedRole {
                role_name: "Admin".into(),
                session_name: "bob".into()
            }
        );
        assert_eq!(
            caller("arn:aws:sts::123456789012:federated-user/carol").principal(),
            Principal::Federated {
                name: "carol".into()
            }
        );
        assert_eq!(
            caller("arn:aws-us-gov:iam::1:root").partition(),
            Partition::AwsUsGov
        );
    }

    #[test]
    fn mode_detection() {
        let user = Principal::IamUser {
            user_name: "a".into(),
        };
        assert_eq!(CallerMode::detect(&user, true), CallerMode::Admin);
        assert_eq!(CallerMode::detect(&user, false), CallerMode::SelfService);
        assert_eq!(CallerMode::detect(&Principal::Root, true), CallerMode::Root);
        let role = Principal::AssumedRole {
            role_name: "r".into(),
            session_name: "s".into(),
        };
        assert_eq!(CallerMode::detect(&role, false), CallerMode::Role);
    }

    #[test]
    fn device_kind_from_serial() {
        assert_eq!(
            DeviceKind::from_serial("arn:aws:iam::1:mfa/alice"),
            DeviceKind::Virtual
        );
        assert_eq!(
            DeviceKind::from_serial("arn:aws:iam::1:u2f/user/alice/key-ABC"),
            DeviceKind::Passkey
        );
        assert_eq!(
            DeviceKind::from_serial("GAHT12345678"),
            DeviceKind::Hardware
        );
        assert_eq!(
            DeviceKind::from_serial("arn:aws:iam::1:sms-mfa/alice"),
            DeviceKind::Sms
        );
        assert_eq!(
            DeviceKind::from_serial("arn:aws:iam::1:root-account-mfa-device"),
            DeviceKind::Hardware
        );
        assert_eq!(
            device_name_from_serial("arn:aws:iam::1:mfa/team/alice-phone"),
            "alice-phone"
        );
    }

    #[test]
    fn roots_device_by_user_arn_not_by_name() {
        let device = |name: &str, arn: Option<&str>| VirtualMfaDevice {
            serial: format!("arn:aws:iam::1:mfa/{name}"),
            user_name: arn.map(|_| "x".to_string()),
            user_arn: arn.map(str::to_string),
            enabled_at: None,
        };
        assert!(device("my-phone", Some("arn:aws:iam::1:root")).is_roots());
        assert!(!device("root-account-mfa-device", Some("arn:aws:iam::1:user/bob")).is_roots());
        assert!(!device("root-account-mfa-device", None).is_roots());
        assert!(!device("x", Some("arn:aws:iam::1:user/root")).is_roots());
    }

    #[test]
    fn timestamp_formats() {
        let t = Timestamp(1_795_443_240); // 2026-11-23 14:14 UTC
        assert_eq!(t.to_string(), "2026-11-23 14:14 UTC");
        assert_eq!(t.rfc3339(), "2026-11-23T14:14:00Z");
    }
}
