//! The audit's result as a table for people or JSON for scripts (the shape issue 11 fixes).

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::coverage::controls::judge;
use crate::coverage::{Control, Framework, Picture, Status};
use crate::iam::{DeviceKind, Timestamp};
use crate::listing::visible;

/// Every selected control judged, and the users as seen.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub account_id: String,
    pub generated_at: String,
    pub credential_report_generated_at: Option<String>,
    pub controls: Vec<ControlResult>,
    pub users: Vec<UserRow>,
    /// Freshness and disagreement notes (table only; the JSON shape has no place for them).
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    #[serde(skip)]
    pub control: &'static Control,
    pub id: &'static str,
    pub framework: Framework,
    pub title: &'static str,
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    pub failing: Vec<FailingRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailingRow {
    pub principal: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub user: String,
    /// `null` when it could not be read.
    pub console_password: Option<bool>,
    pub password_last_used: Option<String>,
    pub mfa_devices: Vec<DeviceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceRow {
    pub serial: String,
    pub kind: DeviceKind,
}

fn status_name<S: serde::Serializer>(status: &Status, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(status_label(status))
}

fn status_label(status: &Status) -> &'static str {
    match status {
        Status::Passed => "PASSED",
        Status::Failed => "FAILED",
        Status::NotApplicable => "NOT_APPLICABLE",
        // The audit waits for every answer and stops on an unknown: neither reaches the output.
        Status::Waiting => "WAITING",
        Status::Unknown(_) => "UNKNOWN",
    }
}

impl Audit {
    pub fn judge(
        account_id: &str,
        now: Timestamp,
        picture: &Picture,
        selected: &[&'static Control],
    ) -> Self {
        let mut notes: Vec<String> = Vec::new();
        let controls = selected
            .iter()
            .map(|control| {
                let verdict = judge(control.check, picture);
                for note in verdict.notes {
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                ControlResult {
                    control,
                    id: control.id,
                    framework: control.framework,
                    title: control.title,
                    status: verdict.status,
                    failing: verdict
                        .failing
                        .into_iter()
                        .map(|finding| FailingRow {
                            principal: finding.principal,
                            reason: finding.reason,
                        })
                        .collect(),
                }
            })
            .collect();
        let report = picture.report.ready();
        let users = picture
            .users
            .values()
            .map(|facts| {
                let last_used = facts.user.password_last_used.or_else(|| {
                    report
                        .and_then(|report| report.user(&facts.user.name))
                        .and_then(|row| row.password_last_used)
                });
                UserRow {
                    user: facts.user.name.clone(),
                    console_password: facts.has_password(),
                    password_last_used: last_used.map(Timestamp::rfc3339),
                    mfa_devices: facts
                        .devices
                        .known()
                        .into_iter()
                        .flatten()
                        .map(|device| DeviceRow {
                            serial: device.serial.clone(),
                            kind: device.kind(),
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            account_id: account_id.to_string(),
            generated_at: now.rfc3339(),
            credential_report_generated_at: report.map(|report| report.generated_at.rfc3339()),
            controls,
            users,
            notes,
        }
    }

    pub fn failed(&self) -> bool {
        self.controls
            .iter()
            .any(|result| result.status == Status::Failed)
    }
}

pub fn format(audit: &Audit, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(audit).expect("plain data");
            text.push('\n');
            text
        }
        OutputFormat::Table => table(audit),
    }
}

fn table(audit: &Audit) -> String {
    let mut out = String::new();
    let report = audit.credential_report_generated_at.as_deref().map_or_else(
        || "no credential report: console passwords read live".to_string(),
        |at| format!("console passwords from the credential report of {at}"),
    );
    let _ = writeln!(
        out,
        "Account {} at {}; MFA devices live, {report}.",
        audit.account_id, audit.generated_at
    );
    let headers = ["CONTROL", "FRAMEWORK", "STATUS", "FAILING", "TITLE"];
    let rows: Vec<[String; 5]> = audit
        .controls
        .iter()
        .map(|result| {
            [
                result.id.to_string(),
                result.framework.label().to_string(),
                status_label(&result.status).to_string(),
                result.failing.len().to_string(),
                result.title.to_string(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: [&str; 5]| {
        let text: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", text.join("  ").trim_end());
    };
    line(headers);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    for result in audit.controls.iter().filter(|r| !r.failing.is_empty()) {
        let _ = writeln!(out, "\n{} {} failing:", result.framework.label(), result.id);
        for finding in &result.failing {
            let _ = writeln!(
                out,
                "  {}: {}",
                visible(&finding.principal),
                visible(&finding.reason)
            );
        }
    }
    if !audit.notes.is_empty() {
        let _ = writeln!(out);
        for note in &audit.notes {
            let _ = writeln!(out, "Note: {}", visible(note));
        }
    }
    out
}
