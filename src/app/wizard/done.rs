//! Step 6: the device is active. The summary, and the AWS CLI command that does the same (without the
//! codes, which are spent).

use crossterm::event::{KeyCode, KeyEvent};

use super::{DeviceChoice, WizardState};
use crate::app::{Nav, Outcome};
use crate::clock::UnixSeconds;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enabled {
    pub user_name: String,
    pub serial: String,
    pub kind: DeviceChoice,
    pub at: UnixSeconds,
    /// The user's MFA devices now, when the count was known before.
    pub devices_now: Option<usize>,
}

/// The equivalent AWS CLI command, with placeholders where the codes go.
pub fn cli_command(user_name: &str, serial: &str) -> String {
    format!(
        "aws iam enable-mfa-device --user-name {user_name} --serial-number {serial} --authentication-code1 <code 1> --authentication-code2 <code 2>"
    )
}

impl WizardState {
    pub(super) fn on_done_key(&mut self, key: KeyEvent) -> Nav {
        match (key.code, &self.enabled) {
            (KeyCode::Enter | KeyCode::Esc, Some(enabled)) => Nav::Pop(Outcome::Enrolled {
                user_name: enabled.user_name.clone(),
                serial: enabled.serial.clone(),
            }),
            _ => Nav::Stay,
        }
    }
}
