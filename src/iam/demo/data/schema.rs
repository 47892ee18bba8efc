//! The shape of a demo data file, as serde reads it: one struct per TOML table, every key known
//! (`deny_unknown_fields`: a misspelt key is an error, not a silent default), and each value that a rule
//! checks kept with its place in the file (`Spanned`), so that a broken rule names its line.
//! `assets/demo-account.toml` explains each table to the people who write these files.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::error::Located;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoFile {
    /// The account the demo signs you in to. An organization's other accounts will sit beside it.
    pub account: Account,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Account {
    pub id: Spanned<String>,
    pub identities: Identities,
    pub root: Root,
    #[serde(default)]
    pub unassigned: Unassigned,
    #[serde(default)]
    pub users: Vec<User>,
    /// The credential report IAM last wrote; none: GetCredentialReport answers ReportNotPresent.
    pub credential_report: Option<CredentialReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CredentialReport {
    pub generated_hours_ago: Spanned<u64>,
}

/// A user's console password.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LoginProfile {
    pub created_days_ago: Spanned<u64>,
}

/// Who each `--demo-as` identity signs in as. The keys are spelt as `--demo-as` spells them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Identities {
    pub admin: Spanned<String>,
    pub self_service: Spanned<String>,
    pub self_service_pinned: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Root {
    pub created_days_ago: Spanned<u64>,
    pub password_last_used_days_ago: Option<Spanned<u64>>,
    pub mfa_device: Option<Spanned<Device>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Unassigned {
    #[serde(default)]
    pub virtual_devices: Vec<Spanned<String>>,
    #[serde(default)]
    pub hardware_tokens: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct User {
    pub name: Spanned<String>,
    pub path: Option<Spanned<String>>,
    pub created_days_ago: Spanned<u64>,
    pub password_last_used_days_ago: Option<Spanned<u64>>,
    pub login_profile: Option<LoginProfile>,
    #[serde(default)]
    pub mfa_devices: Vec<Spanned<Device>>,
}

/// One enabled device: `{ virtual = "NAME", ... }`, `{ hardware = "SERIAL", ... }` or
/// `{ passkey = "LABEL", ... }`. The kind is the key, so that a line reads like the console's list; serde
/// cannot say "exactly one of these keys" (and an untagged enum would lose the spans), so [`Device::kind`]
/// does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Device {
    #[serde(rename = "virtual")]
    pub virtual_name: Option<Spanned<String>>,
    pub hardware: Option<Spanned<String>>,
    pub passkey: Option<Spanned<String>>,
    pub enabled_days_ago: Spanned<u64>,
    /// Hours earlier still, for a device enabled today (`enabled_days_ago = 0`) at a known time: a
    /// device enabled after the credential report was written.
    pub enabled_hours_ago: Option<Spanned<u64>>,
    pub tags: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
}

/// What a [`Device`] entry is, once exactly one kind was given.
pub(super) enum DeviceKind<'a> {
    Virtual(&'a Spanned<String>),
    Hardware(&'a Spanned<String>),
    Passkey(&'a Spanned<String>),
}

impl Device {
    /// The entry's kind; `at` is the entry's place, for the error.
    pub fn kind(&self, at: std::ops::Range<usize>) -> Result<DeviceKind<'_>, Located> {
        let kinds = [
            self.virtual_name.as_ref().map(DeviceKind::Virtual),
            self.hardware.as_ref().map(DeviceKind::Hardware),
            self.passkey.as_ref().map(DeviceKind::Passkey),
        ];
        let mut given = kinds.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(kind), None) => Ok(kind),
            _ => Err(Located::new(
                at,
                "a device has exactly one of the keys virtual (a name), hardware (a serial) and passkey (a label)",
            )),
        }
    }

    /// The tags in the order the file lists them (the map sorts them by key; their places do not lie).
    pub fn tags_in_file_order(&self) -> Vec<(&Spanned<String>, &Spanned<String>)> {
        let mut tags: Vec<_> = self.tags.iter().flat_map(|t| t.get_ref().iter()).collect();
        tags.sort_by_key(|(key, _)| key.span().start);
        tags
    }
}

/// Reads the file's TOML into the structs above: syntax, shape, types and unknown keys.
pub(super) fn parse(text: &str) -> Result<DemoFile, Located> {
    toml::from_str(text).map_err(|error| Located {
        span: error.span(),
        message: error.message().trim_end().to_string(),
    })
}
