//! Every IAM, STS and Organizations action the product calls, by name. Denials name them, the demo account authorizes
//! them, the fault and recording layers count and fail calls by them: one vocabulary instead of
//! `"iam:..."` strings, so a typo is a compile error rather than a test that silently never matches.

use std::fmt;

/// Declares [`Action`] from one line per action: the variant and the name IAM policies use.
macro_rules! actions {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, )*) => {
        /// An IAM or STS action, as IAM policies and AccessDenied messages name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The policy name, e.g. `iam:EnableMFADevice`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Action::$variant => $name, )*
                }
            }
        }
    };
}

actions! {
    GetCallerIdentity = "sts:GetCallerIdentity",
    GetSessionToken = "sts:GetSessionToken",
    ListUsers = "iam:ListUsers",
    GetUser = "iam:GetUser",
    ListMfaDevices = "iam:ListMFADevices",
    ListVirtualMfaDevices = "iam:ListVirtualMFADevices",
    CreateVirtualMfaDevice = "iam:CreateVirtualMFADevice",
    EnableMfaDevice = "iam:EnableMFADevice",
    DeactivateMfaDevice = "iam:DeactivateMFADevice",
    ResyncMfaDevice = "iam:ResyncMFADevice",
    DeleteVirtualMfaDevice = "iam:DeleteVirtualMFADevice",
    TagMfaDevice = "iam:TagMFADevice",
    UntagMfaDevice = "iam:UntagMFADevice",
    ListMfaDeviceTags = "iam:ListMFADeviceTags",
    GetLoginProfile = "iam:GetLoginProfile",
    GetAccountSummary = "iam:GetAccountSummary",
    GenerateCredentialReport = "iam:GenerateCredentialReport",
    GetCredentialReport = "iam:GetCredentialReport",
    ListAccounts = "organizations:ListAccounts",
    AssumeRole = "sts:AssumeRole",
}

impl Action {
    /// The API operation without its service prefix, as the API reference names it: `EnableMFADevice`.
    pub fn operation(self) -> &'static str {
        let name = self.as_str();
        name.split_once(':')
            .map_or(name, |(_, operation)| operation)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_service_prefixed_and_unique() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        for name in &names {
            assert!(
                ["iam:", "sts:", "organizations:"]
                    .iter()
                    .any(|service| name.starts_with(service)),
                "{name}"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn shows_as_policies_name_it() {
        assert_eq!(Action::EnableMfaDevice.to_string(), "iam:EnableMFADevice");
        assert_eq!(Action::GetSessionToken.operation(), "GetSessionToken");
    }
}
