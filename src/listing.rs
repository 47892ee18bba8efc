//! `iam-mfa list`: devices as a table or JSON, for scripts and benchmarks. No terminal UI involved.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::{ListArgs, OutputFormat};
use crate::iam::{DeviceKind, Iam, IamResult, MfaDevice, Timestamp, VirtualMfaDevice};

/// One line of output, the same for both sources: a user's devices or the account's virtual devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    pub serial: String,
    pub user: Option<String>,
    pub kind: DeviceKind,
    pub enabled_at: Option<String>,
}

impl From<MfaDevice> for DeviceRow {
    fn from(device: MfaDevice) -> Self {
        Self {
            kind: device.kind(),
            enabled_at: Some(device.enabled_at.rfc3339()),
            serial: device.serial,
            user: Some(device.user_name),
        }
    }
}

impl From<VirtualMfaDevice> for DeviceRow {
    fn from(device: VirtualMfaDevice) -> Self {
        Self {
            kind: DeviceKind::from_serial(&device.serial),
            enabled_at: device.enabled_at.map(Timestamp::rfc3339),
            serial: device.serial,
            user: device.user_name,
        }
    }
}

/// What [`fetch`] is doing, for its progress line.
pub fn what(args: &ListArgs) -> String {
    match &args.user {
        Some(user) => format!("Listing the MFA devices of {}", visible(user)),
        None => "Listing the virtual MFA devices".into(),
    }
}

/// Fetches the rows `args` asks for: one user's devices of every kind, or the account's virtual devices.
pub async fn fetch(iam: &dyn Iam, args: &ListArgs) -> IamResult<Vec<DeviceRow>> {
    Ok(match &args.user {
        Some(user) => iam
            .list_mfa_devices(user)
            .await?
            .into_iter()
            .map(DeviceRow::from)
            .collect(),
        None => iam
            .list_virtual_mfa_devices(args.assignment)
            .await?
            .into_iter()
            .map(DeviceRow::from)
            .collect(),
    })
}

pub fn format(rows: &[DeviceRow], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(rows).expect("rows are plain data");
            text.push('\n');
            text
        }
        OutputFormat::Table => table(rows),
    }
}

fn table(rows: &[DeviceRow]) -> String {
    const HEADERS: [&str; 4] = ["SERIAL", "USER", "KIND", "ENABLED"];
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            [
                visible(&row.serial).into_owned(),
                row.user
                    .as_deref()
                    .map_or_else(|| "(unassigned)".into(), |user| visible(user).into_owned()),
                row.kind.label().to_string(),
                row.enabled_at.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: [&str; 4]| {
        let text = cols
            .iter()
            .zip(widths)
            .map(|(col, width)| format!("{col:<width$}"))
            .collect::<Vec<_>>()
            .join("  ");
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(HEADERS);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3]]);
    }
    out
}

/// A cell as a terminal should show it. Names come from IAM (or whatever answers at the endpoint):
/// a control character could start an escape sequence that rewrites the screen, and a bidirectional or
/// invisible format character reorders or hides what follows. Each becomes a visible `\u{..}`, and a
/// backslash is doubled so that such an escape cannot be faked. (JSON output is escaped by serde.)
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => shown.push_str("\\\\"),
            c if needs_escape(c) => {
                let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
            }
            c => shown.push(c),
        }
    }
    Cow::Owned(shown)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\\'
                | '\u{061c}' // Arabic letter mark
                | '\u{200b}'..='\u{200f}' // zero-width space, joiners, LRM, RLM
                | '\u{2028}'..='\u{202e}' // line and paragraph separators, embeddings, overrides
                | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, isolates
                | '\u{feff}' // zero-width no-break space
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<DeviceRow> {
        vec![
            DeviceRow::from(VirtualMfaDevice {
                serial: "arn:aws:iam::1:mfa/alice".into(),
                user_name: Some("alice".into()),
                user_arn: Some("arn:aws:iam::1:user/alice".into()),
                enabled_at: Some(Timestamp(0)),
            }),
            DeviceRow::from(VirtualMfaDevice {
                serial: "arn:aws:iam::1:mfa/orphan".into(),
                user_name: None,
                user_arn: None,
                enabled_at: None,
            }),
        ]
    }

    #[test]
    fn table_is_aligned() {
        assert_eq!(
            format(&rows(), OutputFormat::Table),
            "SERIAL                     USER          KIND     ENABLED\n\
             arn:aws:iam::1:mfa/alice   alice         virtual  1970-01-01T00:00:00Z\n\
             arn:aws:iam::1:mfa/orphan  (unassigned)  virtual  -\n"
        );
    }

    #[test]
    fn table_shows_control_and_bidi_characters_as_escapes() {
        let rows = vec![DeviceRow::from(VirtualMfaDevice {
            serial: "arn:aws:iam::1:mfa/\u{1b}[2Jx\u{202e}gpj.exe".into(),
            user_name: Some("a\\u{41}\tb\u{2066}".into()),
            user_arn: None,
            enabled_at: None,
        })];
        let table = format(&rows, OutputFormat::Table);
        let line = table.lines().nth(1).unwrap();
        assert!(
            line.starts_with("arn:aws:iam::1:mfa/\\u{1b}[2Jx\\u{202e}gpj.exe  a\\\\u{41}\\u{9}b\\u{2066}  virtual"),
            "{line}"
        );
        let raw = |c: char| c != '\n' && c != '\\' && needs_escape(c);
        assert!(!table.chars().any(raw), "{table:?}");
        assert_eq!(visible("plain.name-1"), Cow::Borrowed("plain.name-1"));
    }

    #[test]
    fn json_has_serial_user_kind_and_date() {
        let json: serde_json::Value =
            serde_json::from_str(&format(&rows(), OutputFormat::Json)).unwrap();
        assert_eq!(json[0]["serial"], "arn:aws:iam::1:mfa/alice");
        assert_eq!(json[0]["user"], "alice");
        assert_eq!(json[0]["kind"], "virtual");
        assert_eq!(json[1]["user"], serde_json::Value::Null);
    }
}
