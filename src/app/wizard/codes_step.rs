//! Step 5: two consecutive codes, six digits each, then EnableMFADevice. Where the seed is known the pair
//! is checked locally first (current, consecutive, not the same twice), and nothing is sent until it is
//! right; each message goes under the field it concerns.

use crossterm::event::{KeyCode, KeyEvent};

use super::{DeviceChoice, Dialog, Enabled, Problem, Purpose, Step, WizardState};
use crate::app::code_entry::CodePair;
use crate::app::{Ctx, Loadable, Nav};
use crate::iam::{IamError, IamResult, MAX_DEVICES_PER_USER, op};
use crate::otp::CodeField;

/// The step's two codes: the shared pair (`app::code_entry`).
pub type CodesForm = CodePair;

impl WizardState {
    pub(super) fn on_codes_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        if self.codes.handle_key(key) {
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Enter => return self.submit_codes(ctx),
            KeyCode::Esc => self.back_from_codes(),
            _ => {}
        }
        Nav::Stay
    }

    fn back_from_codes(&mut self) {
        let kind = self.enrollment.as_ref().map(|e| e.kind);
        if kind == Some(DeviceChoice::HardwareToken) {
            // Nothing was created for a token: the serial may simply be changed.
            self.enrollment = None;
            self.step = Step::Serial;
        } else {
            self.step = Step::Secret;
        }
    }

    fn enable_request(&self) -> Option<op::EnableMfaDevice> {
        let enrollment = self.enrollment.as_ref()?;
        Some(op::EnableMfaDevice {
            user_name: self.user_name.clone()?,
            serial: enrollment.serial.clone(),
            code1: self.codes.first().code(),
            code2: self.codes.second().code(),
        })
    }

    /// Checks the pair (against the seed when known) and sends it only when it is right.
    pub(super) fn submit_codes(&mut self, ctx: &mut Ctx) -> Nav {
        let Some(enrollment) = self.enrollment.as_ref() else {
            return Nav::Stay;
        };
        if self.is_waiting_for(&Purpose::KnownSeed(enrollment.serial.clone())) {
            return Nav::Stay;
        }
        if self
            .codes
            .check(enrollment.seed.as_ref(), ctx.now)
            .is_none()
        {
            self.step = Step::Codes;
            return Nav::Stay;
        }
        if let Some(request) = self.enable_request() {
            self.send(ctx, request, Purpose::Enable);
        }
        Nav::Stay
    }

    pub(super) fn on_enabled(&mut self, ctx: &mut Ctx, result: IamResult<()>) -> Nav {
        match result {
            Ok(()) => self.finish(ctx),
            // The answer may hide an activation: read the user's devices before saying anything.
            Err(error) if super::reconcile::enable_may_have_happened(&error) => {
                self.check_enable(ctx, error);
            }
            Err(error) => return self.on_enable_failed(ctx, error),
        }
        Nav::Stay
    }

    pub(super) fn finish(&mut self, ctx: &mut Ctx) {
        let devices_now = self.chosen_user_count().map(|n| n + 1);
        let (Some(enrollment), Some(user_name)) =
            (self.enrollment.as_mut(), self.user_name.clone())
        else {
            return;
        };
        enrollment.enabled_at = Some(ctx.now);
        // AWS's only copy of the secret is no longer needed: dropping it zeroizes it.
        enrollment.seed = None;
        if let Some(n) = devices_now {
            self.device_counts
                .insert(user_name.clone(), Loadable::Loaded(n));
        }
        self.enabled = Some(Enabled {
            user_name,
            serial: enrollment.serial.clone(),
            kind: enrollment.kind,
            at: ctx.now,
            devices_now,
        });
        self.codes = Default::default();
        self.step = Step::Done;
    }

    pub(super) fn on_enable_failed(&mut self, ctx: &mut Ctx, error: IamError) -> Nav {
        let user_name = self.user_name.clone().unwrap_or_default();
        let hardware =
            self.enrollment.as_ref().map(|e| e.kind) == Some(DeviceChoice::HardwareToken);
        match error {
            IamError::InvalidAuthenticationCode(message) => {
                self.codes = Default::default();
                self.codes.fail(
                    CodeField::First,
                    format!(
                        "AWS rejected the codes: {message} The device is kept: type fresh codes."
                    ),
                );
                self.step = Step::Codes;
            }
            IamError::EntityAlreadyExists(message) | IamError::NoSuchEntity(message)
                if hardware =>
            {
                self.serial.server_error = Some(message);
                self.enrollment = None;
                self.step = Step::Serial;
            }
            error if error.needs_mfa_session() => {
                let request = self.enable_request();
                let offered = request.and_then(|request| {
                    let reason = "Adding a second device needs an MFA session";
                    self.offer_mfa_session(ctx, &error, request, Purpose::Enable, reason)
                });
                if let Some(nav) = offered {
                    return nav;
                }
            }
            IamError::LimitExceeded(message) => {
                let problem = Problem::new(
                    format!(
                        "{user_name} has reached IAM's limit of {MAX_DEVICES_PER_USER} MFA devices"
                    ),
                    IamError::LimitExceeded(message),
                    Some(format!(
                        "Remove one of {user_name}'s devices, then enter fresh codes; or leave (l){}.",
                        leaving_note(self)
                    )),
                );
                self.dialog = Some(Dialog::Problem(problem));
            }
            error => {
                let advice = match &error {
                    IamError::AccessDenied { action, .. } => Some(format!(
                        "Your policy does not allow {action} for {user_name}. Ask an administrator, or leave (l){}.",
                        leaving_note(self)
                    )),
                    _ => None,
                };
                let mut problem = Problem::new("The device was not activated", error, advice);
                if let Some(request) = self.enable_request() {
                    problem = problem.retry_if_transient(request, Purpose::Enable);
                }
                self.dialog = Some(Dialog::Problem(problem));
            }
        }
        Nav::Stay
    }
}

/// What leaving does to the device, for advice that offers it.
fn leaving_note(state: &WizardState) -> &'static str {
    if state
        .enrollment
        .as_ref()
        .is_some_and(|e| e.needs_rollback())
    {
        ", which deletes the device this wizard created"
    } else {
        ""
    }
}
