//! Step 3: the device type. An authenticator app is created here (CreateVirtualMFADevice); a hardware
//! token goes on to its serial number; a passkey or security key can only be registered in a browser,
//! so the wizard explains and shows the console path.

use crossterm::event::{KeyCode, KeyEvent};

use super::{CreateAttempt, Dialog, Enrollment, Problem, Purpose, Step, WizardState, reconcile};
use crate::app::{Ctx, Nav, enrollment_marker};
use crate::iam::{
    Action, CreatedVirtualDevice, IamError, IamResult, NewVirtualDevice, VirtualMfaDevice, op,
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

    /// The create, marked as an enrollment in progress where the caller may tag; remembered as the
    /// attempt whose device a lost answer hides.
    pub(super) fn create_request(&mut self, ctx: &Ctx) -> op::CreateVirtualMfaDevice {
        let name = self.name.input.value().to_string();
        let mut tags = self.name.parsed_tags().unwrap_or_default();
        let marker = (!self.may_not_tag).then(|| enrollment_marker::marker(ctx.now));
        tags.extend(marker.clone());
        let name_was_free = self.taken.loaded().is_some_and(|devices| {
            !devices
                .iter()
                .any(|device| device.name().eq_ignore_ascii_case(&name))
        });
        self.create_attempt = Some(CreateAttempt {
            name: name.clone(),
            marker,
            name_was_free,
            unclear: None,
        });
        op::CreateVirtualMfaDevice {
            device: NewVirtualDevice {
                name,
                path: None,
                tags,
            },
        }
    }

    /// Creates the virtual device; first deletes the orphan that held its name, if the user agreed.
    pub(super) fn create_virtual(&mut self, ctx: &mut Ctx) {
        if let Some(serial) = self.orphan_to_free.clone() {
            let delete = op::DeleteVirtualMfaDevice {
                serial: serial.clone(),
            };
            self.send(ctx, delete, Purpose::DeleteOrphan(serial));
            return;
        }
        let request = self.create_request(ctx);
        self.send(ctx, request, Purpose::Create);
    }

    pub(super) fn on_created(
        &mut self,
        ctx: &mut Ctx,
        result: IamResult<CreatedVirtualDevice>,
    ) -> Nav {
        let created = match result {
            Ok(created) => created,
            Err(error) if reconcile::create_may_have_happened(&error) => {
                return self.check_create(ctx, error);
            }
            Err(_) if std::mem::take(&mut self.quit_pending) => {
                // Nothing was created: quit as asked.
                self.create_attempt = None;
                return Nav::Quit;
            }
            Err(error) => {
                self.create_attempt = None;
                return self.on_create_failed(ctx, error);
            }
        };
        self.create_attempt = None;
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
            // Ctrl-C came while it was being made: nobody will enroll it.
            ctx.notify("Ctrl-C: deleting the device just created, then quitting");
            self.roll_back(ctx, true);
        }
        Nav::Stay
    }

    /// A create that certainly made nothing (or whose name another device holds).
    pub(super) fn on_create_failed(&mut self, ctx: &mut Ctx, error: IamError) -> Nav {
        let name = self.name.input.value().to_string();
        let user_name = self.user_name.clone().unwrap_or_default();
        let own_tags = self.name.parsed_tags().unwrap_or_default();
        match error {
            // The marker needs iam:TagMFADevice. Without it the device is created unmarked: another
            // run cannot tell it from an abandoned one (docs: README, "The enrollment marker").
            error
                if error.denies(Action::TagMfaDevice)
                    && own_tags.is_empty()
                    && !self.may_not_tag =>
            {
                tracing::info!(%error, "creating without the enrollment marker");
                self.may_not_tag = true;
                ctx.notify(format!(
                    "Your policy does not allow {}: the device is created without the enrollment-in-progress marker",
                    Action::TagMfaDevice
                ));
                self.create_virtual(ctx);
            }
            IamError::EntityAlreadyExists(message) => {
                self.name.server_error = Some(format!("Taken: {message}"));
                self.step = Step::Name;
                // Our list was stale: read it again so the name's holder can be told (and freed).
                self.list_taken(ctx);
            }
            error @ IamError::AccessDenied { .. } if error.needs_mfa_session() => {
                let request = self.create_request(ctx);
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
                let request = self.create_request(ctx);
                let problem =
                    Problem::new("Could not create the virtual MFA device", error, advice)
                        .retry_if_transient(request, Purpose::Create);
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
