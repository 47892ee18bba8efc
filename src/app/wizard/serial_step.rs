//! Step 4 for a hardware TOTP token: its serial number, checked as typed. Where the backend knows the
//! token's seed (the demo account does; AWS never says), the codes are checked locally as for an app.

use crossterm::event::{KeyCode, KeyEvent};

use super::{DeviceChoice, Enrollment, Purpose, Step, WizardState};
use crate::app::text_input::TextInput;
use crate::app::{Ctx, Nav};
use crate::iam::{IamResult, op, validate};
use crate::otp::Seed;

#[derive(Debug, Default)]
pub struct SerialForm {
    pub input: TextInput,
    /// What IAM said about this serial (already in use, no such token).
    pub server_error: Option<String>,
}

impl SerialForm {
    /// The message under the field: IAM's rule first, then what IAM said.
    pub fn problem(&self) -> Option<String> {
        validate::serial_number(self.input.value())
            .err()
            .or_else(|| self.server_error.clone())
    }
}

impl WizardState {
    pub(super) fn on_serial_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        match key.code {
            KeyCode::Enter if self.serial.problem().is_none() => self.use_serial(ctx),
            KeyCode::Enter => {}
            KeyCode::Esc => self.step = Step::Type,
            _ => {
                if self.serial.input.handle_key(key) == crate::app::text_input::InputChange::Edited
                {
                    self.serial.server_error = None;
                }
            }
        }
        Nav::Stay
    }

    fn use_serial(&mut self, ctx: &mut Ctx) {
        let serial = self.serial.input.value().to_string();
        self.enrollment = Some(Enrollment {
            kind: DeviceChoice::HardwareToken,
            name: serial.clone(),
            serial: serial.clone(),
            seed: None,
            account_label: String::new(),
            created_here: false,
            enabled_at: None,
        });
        self.send(
            ctx,
            op::KnownSeed {
                serial: serial.clone(),
            },
            Purpose::KnownSeed(serial),
        );
        self.codes = Default::default();
        self.step = Step::Codes;
    }

    pub(super) fn on_known_seed(&mut self, serial: String, result: IamResult<Option<Seed>>) {
        let Some(enrollment) = self.enrollment.as_mut().filter(|e| e.serial == serial) else {
            return;
        };
        if let Ok(seed) = result {
            enrollment.seed = seed;
        }
    }
}
