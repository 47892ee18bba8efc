//! What IAM says about the account as a whole and about console sign-in: the account summary, login
//! profiles and the credential report. Domain types only; `aws` and `demo` produce them.

use serde::Serialize;

use super::Timestamp;

/// The name the credential report gives the root user's row (no valid IAM user name looks like it).
pub const REPORT_ROOT_USER: &str = "<root_account>";

/// A user's console password (GetLoginProfile). A user without one has no login profile at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginProfile {
    pub user_name: String,
    pub created: Timestamp,
}

/// The parts of GetAccountSummary that concern MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    /// `AccountMFAEnabled`: whether the root user has an MFA device. Always live.
    pub root_mfa_enabled: bool,
    pub users: u32,
    pub mfa_devices: u32,
    pub mfa_devices_in_use: u32,
}

/// GenerateCredentialReport's answer: AWS makes at most one report every 4 hours and says where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportState {
    Started,
    InProgress,
    Complete,
}

/// The credential report (GetCredentialReport), parsed. Its figures are as old as `generated_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialReport {
    pub generated_at: Timestamp,
    pub rows: Vec<ReportRow>,
}

/// One line of the report: the columns MFA coverage reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// The user name, or [`REPORT_ROOT_USER`] for the root user.
    pub user: String,
    pub arn: String,
    /// `None` where the report has no answer (AWS writes `N/A` for root, moto `not_supported`).
    pub password_enabled: Option<bool>,
    pub password_last_used: Option<Timestamp>,
    pub mfa_active: bool,
}

impl ReportRow {
    pub fn is_root(&self) -> bool {
        self.user == REPORT_ROOT_USER
    }
}

impl CredentialReport {
    /// The report's CSV (`Content`, decoded) into rows. Columns are found by their header names, so
    /// an added column is no break; a missing one is an error naming it.
    pub fn parse(csv_text: &[u8], generated_at: Timestamp) -> Result<Self, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv_text);
        let headers = reader
            .headers()
            .map_err(|error| format!("the credential report is not CSV: {error}"))?
            .clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .ok_or_else(|| format!("the credential report has no {name} column"))
        };
        let user = column("user")?;
        let arn = column("arn")?;
        let password_enabled = column("password_enabled")?;
        let password_last_used = column("password_last_used")?;
        let mfa_active = column("mfa_active")?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record =
                record.map_err(|error| format!("the credential report is not CSV: {error}"))?;
            let field = |index: usize| record.get(index).unwrap_or_default();
            rows.push(ReportRow {
                user: field(user).to_string(),
                arn: field(arn).to_string(),
                password_enabled: report_bool(field(password_enabled)),
                password_last_used: report_time(field(password_last_used)),
                mfa_active: report_bool(field(mfa_active)).unwrap_or(false),
            });
        }
        Ok(Self { generated_at, rows })
    }

    /// The row of a user (not root).
    pub fn user(&self, name: &str) -> Option<&ReportRow> {
        self.rows
            .iter()
            .find(|row| !row.is_root() && row.user == name)
    }

    pub fn root(&self) -> Option<&ReportRow> {
        self.rows.iter().find(|row| row.is_root())
    }
}

/// `true` / `false`; anything else (`N/A`, moto's `not_supported`) is no answer.
fn report_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "TRUE" => Some(true),
        "false" | "FALSE" => Some(false),
        _ => None,
    }
}

/// ISO 8601 with offset (`2026-11-23T14:14:00+00:00`); `N/A`, `no_information` and the like are none.
fn report_time(text: &str) -> Option<Timestamp> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|time| Timestamp(time.unix_timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As AWS documents the report (the first columns of its 22), root's row first.
    const AWS_REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-20T10:00:00+00:00,not_supported,not_supported,true,false\n\
alice,arn:aws:iam::123456789012:user/alice,2021-01-01T00:00:00+00:00,true,2026-11-22T09:30:00+00:00,N/A,N/A,false,false\n\
ci,arn:aws:iam::123456789012:user/svc/ci,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true\n";

    #[test]
    fn rows_by_header_name_with_root_recognized() {
        let report = CredentialReport::parse(AWS_REPORT.as_bytes(), Timestamp(5)).unwrap();
        assert_eq!(report.rows.len(), 3);
        let root = report.root().unwrap();
        assert!(root.mfa_active);
        assert_eq!(root.password_enabled, None);
        let alice = report.user("alice").unwrap();
        assert_eq!(alice.password_enabled, Some(true));
        assert_eq!(alice.password_last_used, Some(Timestamp(1_795_339_800)));
        assert!(!alice.mfa_active);
        let ci = report.user("ci").unwrap();
        assert_eq!(ci.password_enabled, Some(false));
        assert_eq!(ci.password_last_used, None);
        assert!(report.user(REPORT_ROOT_USER).is_none());
    }

    #[test]
    fn a_missing_column_is_named() {
        let error = CredentialReport::parse(b"user,arn\nalice,x\n", Timestamp(0)).unwrap_err();
        assert_eq!(
            error,
            "the credential report has no password_enabled column"
        );
    }
}
