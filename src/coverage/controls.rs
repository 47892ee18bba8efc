//! The controls and their rules. Titles as the current texts name them: AWS Security Hub's
//! Foundational Security Best Practices (FSBP) and the CIS AWS Foundations Benchmark v7.0, whose
//! numbers moved between versions (v1.4 to 4.0.1: 1.10 / 1.5 / 1.6; v5: 1.9 / 1.4 / 1.5; v6: 2.9 /
//! 2.4 / 2.5).
//!
//! Four questions, asked by seven controls: FSBP IAM.5 and CIS 2.10 ask the same thing, as do IAM.9 and
//! CIS 2.5, IAM.6 and CIS 2.6; IAM.19 has no CIS twin.

use serde::Serialize;

use super::picture::{Known, PasswordSource, Picture, ReportFacts, UserFacts};
use crate::iam::{CredentialReport, DeviceKind, REPORT_ROOT_USER, Timestamp};

/// The question a control asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    /// Every IAM user with a console password has MFA.
    ConsoleUsersMfa,
    /// Every IAM user has MFA.
    AllUsersMfa,
    /// The root user has MFA.
    RootMfa,
    /// The root user's MFA is not a virtual device.
    RootHardwareMfa,
}

impl Check {
    pub const ALL: [Check; 4] = [
        Self::ConsoleUsersMfa,
        Self::AllUsersMfa,
        Self::RootMfa,
        Self::RootHardwareMfa,
    ];

    /// The controls that ask this question, FSBP first.
    pub fn controls(self) -> impl Iterator<Item = &'static Control> {
        CONTROLS.iter().filter(move |control| control.check == self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Framework {
    #[serde(rename = "FSBP")]
    Fsbp,
    #[serde(rename = "CIS 7.0")]
    Cis7,
}

impl Framework {
    pub fn label(self) -> &'static str {
        match self {
            Self::Fsbp => "FSBP",
            Self::Cis7 => "CIS 7.0",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: &'static str,
    pub framework: Framework,
    pub title: &'static str,
    pub check: Check,
}

pub const CONTROLS: [Control; 7] = [
    Control {
        id: "IAM.5",
        framework: Framework::Fsbp,
        title: "MFA should be enabled for all IAM users that have a console password",
        check: Check::ConsoleUsersMfa,
    },
    Control {
        id: "IAM.19",
        framework: Framework::Fsbp,
        title: "MFA should be enabled for all IAM users",
        check: Check::AllUsersMfa,
    },
    Control {
        id: "IAM.9",
        framework: Framework::Fsbp,
        title: "MFA should be enabled for the root user",
        check: Check::RootMfa,
    },
    Control {
        id: "IAM.6",
        framework: Framework::Fsbp,
        title: "Hardware MFA should be enabled for the root user",
        check: Check::RootHardwareMfa,
    },
    Control {
        id: "2.10",
        framework: Framework::Cis7,
        title: "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
        check: Check::ConsoleUsersMfa,
    },
    Control {
        id: "2.5",
        framework: Framework::Cis7,
        title: "Ensure MFA is enabled for the 'root' user account",
        check: Check::RootMfa,
    },
    Control {
        id: "2.6",
        framework: Framework::Cis7,
        title: "Ensure hardware MFA is enabled for the 'root' user account",
        check: Check::RootHardwareMfa,
    },
];

/// A control by its ID (`IAM.5`, `2.10`; `CIS 2.10` too), ignoring case.
pub fn find(id: &str) -> Option<&'static Control> {
    let id = id.trim();
    let bare = id
        .strip_prefix("CIS ")
        .or_else(|| id.strip_prefix("cis "))
        .unwrap_or(id);
    CONTROLS
        .iter()
        .find(|control| control.id.eq_ignore_ascii_case(bare))
}

/// How a check came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// Nothing in scope (no user has a console password, or there are no users).
    NotApplicable,
    /// Answers still on their way.
    Waiting,
    /// It cannot be judged: the data is missing, and this says which and why.
    Unknown(String),
}

/// Who fails, and why, in words an admin acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// An IAM user's name, or `<root_account>` (as the credential report names root).
    pub principal: String,
    pub reason: String,
}

impl Finding {
    pub fn is_root(&self) -> bool {
        self.principal == REPORT_ROOT_USER
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub failing: Vec<Finding>,
    /// Where a figure came from the credential report, or the report disagrees with the live state.
    pub notes: Vec<String>,
}

/// What scanners that read the credential report will say until IAM writes the next one.
pub const CATCH_UP: &str = "Security Hub and other scanners reading the credential report will catch up after the next report (IAM writes one at most every 4 hours)";

pub fn judge(check: Check, picture: &Picture) -> Verdict {
    match check {
        Check::ConsoleUsersMfa => users(picture, true),
        Check::AllUsersMfa => users(picture, false),
        Check::RootMfa => root(picture, false),
        Check::RootHardwareMfa => root(picture, true),
    }
}

fn verdict(status: Status) -> Verdict {
    Verdict {
        status,
        failing: Vec::new(),
        notes: Vec::new(),
    }
}

fn users(picture: &Picture, console_only: bool) -> Verdict {
    match &picture.user_list {
        Known::Waiting => return verdict(Status::Waiting),
        Known::Failed(error) => {
            return verdict(Status::Unknown(format!(
                "the users could not be listed: {error}"
            )));
        }
        Known::Known(()) => {}
    }
    let mut failing = Vec::new();
    let mut unknown = Vec::new();
    let mut waiting = false;
    let mut in_scope = 0;
    let mut from_report = None;
    for (name, facts) in &picture.users {
        let password = match &facts.password {
            Known::Known(password) => Some(*password),
            Known::Waiting => {
                waiting |= console_only;
                None
            }
            Known::Failed(error) => {
                if console_only {
                    unknown.push(format!("{name}'s console password: {error}"));
                }
                None
            }
        };
        if let Some(password) = password
            && let PasswordSource::Report(at) = password.source
        {
            from_report = Some(at);
        }
        if console_only && !password.is_some_and(|p| p.enabled) {
            continue;
        }
        in_scope += 1;
        match &facts.devices {
            Known::Waiting => waiting = true,
            Known::Failed(error) => unknown.push(format!("{name}'s MFA devices: {error}")),
            Known::Known(devices) if devices.is_empty() => failing.push(Finding {
                principal: name.clone(),
                reason: user_reason(facts),
            }),
            Known::Known(_) => {}
        }
    }
    let mut notes = Vec::new();
    if console_only && let Some(at) = from_report {
        notes.push(format!(
            "Console passwords from the credential report of {at}; MFA devices live."
        ));
    }
    notes.extend(disagreements(picture));
    let status = if !unknown.is_empty() {
        Status::Unknown(unknown.join("; "))
    } else if waiting {
        Status::Waiting
    } else if !failing.is_empty() {
        Status::Failed
    } else if in_scope == 0 {
        Status::NotApplicable
    } else {
        Status::Passed
    };
    Verdict {
        status,
        failing,
        notes,
    }
}

/// Why a user without MFA fails, saying whether the user can sign in to the console at all: "no MFA"
/// on a key-only service account is another matter than on a person who signs in.
fn user_reason(facts: &UserFacts) -> String {
    match facts.has_password() {
        Some(true) => "console password and no MFA device".to_string(),
        Some(false) => "no MFA device (no console password: access keys only)".to_string(),
        None => "no MFA device".to_string(),
    }
}

/// Users whose live MFA state differs from the report's `mfa_active`.
fn disagreements(picture: &Picture) -> Vec<String> {
    let Some(report) = picture.report.ready() else {
        return Vec::new();
    };
    picture
        .users
        .iter()
        .filter_map(|(name, facts)| {
            let live = facts.has_mfa()?;
            let row = report.user(name)?;
            (row.mfa_active != live).then(|| disagreement(name, live, report))
        })
        .collect()
}

fn disagreement(who: &str, live: bool, report: &CredentialReport) -> String {
    let (now, then) = if live {
        ("has MFA now", "without")
    } else {
        ("has no MFA now", "with")
    };
    format!(
        "{who} {now}; the credential report of {} lists {who} {then} it. {CATCH_UP}.",
        report.generated_at
    )
}

fn root(picture: &Picture, hardware: bool) -> Verdict {
    let report = picture.report.ready();
    let report_row = report.and_then(CredentialReport::root);
    let mut notes = Vec::new();
    // Live first (AccountMFAEnabled); the report's root row only when the summary is not to be had.
    let enabled = match (&picture.summary, report_row) {
        (Known::Known(summary), row) => {
            if let (Some(row), Some(report)) = (row, report)
                && row.mfa_active != summary.root_mfa_enabled
            {
                notes.push(disagreement(
                    "the root user",
                    summary.root_mfa_enabled,
                    report,
                ));
            }
            summary.root_mfa_enabled
        }
        (Known::Waiting, _) => return verdict(Status::Waiting),
        (Known::Failed(_), Some(row)) => {
            notes.push(format!(
                "Root's MFA from the credential report of {} (GetAccountSummary failed).",
                report.map_or(Timestamp(0), |r| r.generated_at)
            ));
            row.mfa_active
        }
        (Known::Failed(error), None) => {
            if matches!(
                picture.report,
                ReportFacts::Ready(_) | ReportFacts::Unavailable(_)
            ) {
                return verdict(Status::Unknown(format!(
                    "whether root has MFA: GetAccountSummary failed ({error}) and no credential report lists root"
                )));
            }
            return verdict(Status::Waiting);
        }
    };
    let fail = |reason: String, notes: Vec<String>| Verdict {
        status: Status::Failed,
        failing: vec![Finding {
            principal: REPORT_ROOT_USER.to_string(),
            reason,
        }],
        notes,
    };
    if !enabled {
        return fail(
            "the root user has no MFA device (AccountMFAEnabled is 0)".to_string(),
            notes,
        );
    }
    if !hardware {
        return Verdict {
            status: Status::Passed,
            failing: Vec::new(),
            notes,
        };
    }
    match &picture.virtual_devices {
        Known::Waiting => verdict(Status::Waiting),
        Known::Failed(error) => verdict(Status::Unknown(format!(
            "whether root's MFA device is virtual: ListVirtualMFADevices failed ({error})"
        ))),
        Known::Known(devices) => match devices.iter().find(|device| device.is_roots()) {
            Some(device) => fail(
                format!(
                    "the root user's MFA device {} is a {} device (ListVirtualMFADevices lists it for {}), not hardware",
                    device.name(),
                    DeviceKind::from_serial(&device.serial).label(),
                    device.user_arn.as_deref().unwrap_or("root"),
                ),
                notes,
            ),
            None => Verdict {
                status: Status::Passed,
                failing: Vec::new(),
                notes,
            },
        },
    }
}
