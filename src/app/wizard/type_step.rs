//! Step 3: the device type. An authenticator app is created here (CreateVirtualMFADevice); a hardware
//! token goes on to its serial number; a passkey or security key can only be registered in a browser,
//! so the wizard explains and shows the console path.

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, Enrollment, Problem, Purpose, Step, WizardState};
use crate::app::{Ctx, Nav};
use crate::iam::{
    CreatedVirtualDevice, IamError, IamResult, NewVirtualDevice, VirtualMfaDevice, op,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    AuthenticatorApp,
    HardwareToken,
    Passkey,
}

impl DeviceChoice {
    pub const ALL: [DeviceChoice; 3] = [
        DeviceChoice::AuthenticatorApp,
        DeviceChoice::HardwareToken,
        DeviceChoice::Passkey,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => "Authenticator app",
            Self::HardwareToken => "Hardware TOTP token",
            Self::Passkey => "Passkey or security key",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::AuthenticatorApp => {
                "A virtual device: scan a QR code or type the secret key into an app"
            }
            Self::HardwareToken => {
                "A token with a serial number on the back that shows six-digit codes"
            }
            Self::Passkey => "FIDO2/WebAuthn: registered in a browser only, not through the API",
        }
    }
}

#[derive(Debug, Default)]
pub struct TypeChoice {
    pub selected: usize,
    /// The passkey explanation is open.
    pub explaining_passkey: bool,
}

impl TypeChoice {
    pub fn selected(&self) -> DeviceChoice {
        DeviceChoice::ALL[self.selected.min(DeviceChoice::ALL.len() - 1)]
    }
}

impl WizardState {
    pub(super) fn on_type_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        let count = DeviceChoice::ALL.len();
        if self.choice.explaining_passkey {
            if matches!(key.code, KeyCode::Enter | KeyCode::Esc) {
                self.choice.explaining_passkey = false;
            }
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Up => self.choice.selected = (self.choice.selected + count - 1) % count,
            KeyCode::Down | KeyCode::Tab => {
                self.choice.selected = (self.choice.selected + 1) % count
            }
            KeyCode::Char(c @ '1'..='3') => {
                self.choice.selected = c as usize - '1' as usize;
                return self.take_choice(ctx);
            }
            KeyCode::Enter => return self.take_choice(ctx),
            KeyCode::Esc => self.step = Step::Name,
            _ => {}
        }
        Nav::Stay
    }

    fn take_choice(&mut self, ctx: &mut Ctx) -> Nav {
        match self.choice.selected() {
            DeviceChoice::AuthenticatorApp => self.create_virtual(ctx),
            DeviceChoice::HardwareToken => self.step = Step::Serial,
            DeviceChoice::Passkey => self.choice.explaining_passkey = true,
        }
        Nav::Stay
    }

    fn create_request(&self) -> op::CreateVirtualMfaDevice {
        op::CreateVirtualMfaDevice {
            device: NewVirtualDevice {
                name: self.name.input.value().to_string(),
                path: None,
                tags: self.name.parsed_tags().unwrap_or_default(),
            },
        }
    }

    fn create_virtual(&mut self, ctx: &mut Ctx) {
        let request = self.create_request();
        self.send(ctx, request, Purpose::Create);
    }

    pub(super) fn on_created(
        &mut self,
        ctx: &mut Ctx,
        result: IamResult<CreatedVirtualDevice>,
    ) -> Nav {
        let created = match result {
            Ok(created) => created,
            Err(error) => {
                self.quit_pending = false;
                return self.on_create_failed(ctx, error);
            }
        };
        if let crate::app::Loadable::Loaded(devices) = &mut self.taken {
            devices.push(VirtualMfaDevice {
                serial: created.serial.clone(),
                user_name: None,
                user_arn: None,
                enabled_at: None,
            });
        }
        let account_label = ctx
            .session
            .account()
            .map(str::to_string)
            .or_else(|| self.user_name.clone())
            .unwrap_or_default();
        self.enrollment = Some(Enrollment {
            kind: DeviceChoice::AuthenticatorApp,
            name: self.name.input.value().to_string(),
            serial: created.serial,
            seed: Some(created.seed),
            account_label,
            created_here: true,
            enabled_at: None,
        });
        self.codes = Default::default();
        self.step = Step::Secret;
        if std::mem::take(&mut self.quit_pending) {
            self.dialog = Some(Dialog::ConfirmLeave { quit: true });
        }
        Nav::Stay
    }

    fn on_create_failed(&mut self, ctx: &mut Ctx, error: IamError) -> Nav {
        let name = self.name.input.value().to_string();
        let user_name = self.user_name.clone().unwrap_or_default();
        match error {
            IamError::EntityAlreadyExists(message) => {
                self.name.server_error = Some(format!("Taken: {message}"));
                self.step = Step::Name;
                // Our list was stale: read it again so the name's holder can be told (and freed).
                self.list_taken(ctx);
            }
            error @ IamError::AccessDenied { .. } if error.needs_mfa_session() => {
                let request = self.create_request();
                if let Some(nav) = self.offer_mfa_session(
                    ctx,
                    &error,
                    request,
                    Purpose::Create,
                    "Creating a device needs an MFA session",
                ) {
                    return nav;
                }
            }
            IamError::AccessDenied { .. } if !name.eq_ignore_ascii_case(&user_name) => {
                self.dialog = Some(Dialog::PinnedName { denied: name });
            }
            error => {
                let advice = create_advice(&error);
                let problem =
                    Problem::new("Could not create the virtual MFA device", error, advice)
                        .retry_if_transient(self.create_request(), Purpose::Create);
                self.dialog = Some(Dialog::Problem(problem));
            }
        }
        Nav::Stay
    }

    pub(super) fn on_pinned_name_key(
        &mut self,
        ctx: &mut Ctx,
        denied: String,
        key: KeyEvent,
    ) -> Nav {
        match key.code {
            KeyCode::Char('u') | KeyCode::Enter => {
                if let Some(user_name) = self.user_name.clone() {
                    self.name.input.set(user_name);
                    self.create_virtual(ctx);
                }
            }
            KeyCode::Esc => self.step = Step::Name,
            _ => self.dialog = Some(Dialog::PinnedName { denied }),
        }
        Nav::Stay
    }
}

fn create_advice(error: &IamError) -> Option<String> {
    match error {
        IamError::LimitExceeded(_) => Some(
            "The account has reached an IAM quota. Delete unused virtual devices (Virtual MFA devices → sweep orphans) and try again.".into(),
        ),
        IamError::AccessDenied { action, .. } => Some(format!(
            "Your policy does not allow {action}. Ask an administrator for it, or leave the wizard."
        )),
        _ => None,
    }
}
