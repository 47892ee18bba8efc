//! The Assign MFA device wizard, as the console does it and better: user, device name (and tags), device
//! type, set-up (QR code or secret key for an authenticator app, the serial of a hardware token), two
//! codes checked locally before they are sent, activation, and a summary.
//!
//! Nothing is lost on the way: a device this wizard created and has not enabled is deleted when the user
//! leaves (after asking), and [`WizardState::cleanup_requests`] names it when the app is killed.
//!
//! One module per step; each adds its key and answer handling to [`WizardState`]. This module holds the
//! state, the routing of events, and the bookkeeping of requests in flight.

mod codes_step;
mod dialog;
mod done;
#[cfg(test)]
mod fault_tests;
mod name_step;
mod paste;
mod reconcile;
mod rollback;
mod secret_step;
mod serial_step;
#[cfg(test)]
pub(crate) mod tests;
mod type_step;
mod user_step;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};
use zeroize::Zeroizing;

pub use codes_step::CodesForm;
pub use dialog::{Dialog, Problem};
pub use done::{Enabled, cli_command};
pub use name_step::{NameFocus, NameForm, NameProblem, OrphanOffer};
pub use reconcile::{Check, CreateAttempt};
pub use rollback::delete_command;
pub use secret_step::{QrScreen, SecretView, SecretViewMode};
pub use serial_step::SerialForm;
pub use type_step::{DeviceChoice, TypeChoice};
pub use user_step::{UserPicker, at_limit_message};

use super::{Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Request, Response, Ticket};
use crate::clock::UnixSeconds;
use crate::iam::{AssignmentFilter, IamError, IamResult, Operation, VirtualMfaDevice, op};
use crate::otp::Seed;

/// Where the wizard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    User,
    Name,
    Type,
    /// The QR code or secret key of a new virtual device.
    Secret,
    /// The serial number of a hardware TOTP token.
    Serial,
    Codes,
    Done,
}

/// The stages the step header lists; the secret and serial steps are both "set up".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    User,
    Name,
    Type,
    SetUp,
    Codes,
    Done,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::User,
        Phase::Name,
        Phase::Type,
        Phase::SetUp,
        Phase::Codes,
        Phase::Done,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Name => "Device name",
            Self::Type => "Device type",
            Self::SetUp => "Set up device",
            Self::Codes => "Codes",
            Self::Done => "Done",
        }
    }

    pub fn number(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Option<Phase> {
        Self::ALL.get(self.number()).copied()
    }
}

impl Step {
    pub fn phase(self) -> Phase {
        match self {
            Self::User => Phase::User,
            Self::Name => Phase::Name,
            Self::Type => Phase::Type,
            Self::Secret | Self::Serial => Phase::SetUp,
            Self::Codes => Phase::Codes,
            Self::Done => Phase::Done,
        }
    }
}

/// The device being set up.
#[derive(Debug)]
pub struct Enrollment {
    pub kind: DeviceChoice,
    /// The device name (virtual) or the token's serial (hardware).
    pub name: String,
    pub serial: String,
    /// Known for a virtual device (AWS's only copy) and for the demo's hardware tokens; dropped, and so
    /// zeroized, once the device is active.
    pub seed: Option<Seed>,
    /// The account label in the otpauth URI (the account ID, as the console's QR code has it).
    pub account_label: String,
    /// Created by this wizard: to be deleted if the user leaves before it is enabled.
    pub created_here: bool,
    pub enabled_at: Option<UnixSeconds>,
}

impl Enrollment {
    pub fn needs_rollback(&self) -> bool {
        self.created_here && self.enabled_at.is_none()
    }

    /// The URI an authenticator app scans, while the seed is held.
    pub fn otpauth_uri(&self) -> Option<Zeroizing<String>> {
        self.seed
            .as_ref()
            .map(|seed| seed.otpauth_uri(&self.name, &self.account_label))
    }
}

/// What a request in flight is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Users,
    Taken,
    DeviceCount(String),
    /// The tags of the unassigned device that holds the typed name: is another run enrolling it?
    OrphanTags(String),
    DeleteOrphan(String),
    Create,
    KnownSeed(String),
    Enable,
    RollBack {
        quit: bool,
    },
    /// A read of IAM's state after an answer that may hide a change (`reconcile`).
    Check(Check),
    Copy,
    Save,
}

impl Purpose {
    /// What the wizard shows while it waits for this answer; `None` for answers it does not wait for.
    pub fn busy_label(&self) -> Option<&'static str> {
        match self {
            Self::OrphanTags(_) => Some("Reading the tags of the device that holds the name…"),
            Self::DeleteOrphan(_) => Some("Deleting the unassigned device that held the name…"),
            Self::Create => Some("Creating the virtual MFA device…"),
            Self::Enable => Some("Activating the device (EnableMFADevice)…"),
            Self::RollBack { .. } => Some("Deleting the device this wizard created…"),
            Self::Check(check) => Some(check.busy_label()),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct WizardState {
    pub step: Step,
    /// The user the device is for, once chosen.
    pub user_name: Option<String>,
    /// The user was given (self-service, Rotate): there is no user step to go back to.
    pub user_fixed: bool,
    pub picker: UserPicker,
    /// MFA devices per user (ListMFADevices), for "n of 8".
    pub device_counts: HashMap<String, Loadable<usize>>,
    /// Every virtual device in the account, listed once when the wizard opens, so that a taken name is
    /// told as it is typed.
    pub taken: Loadable<Vec<VirtualMfaDevice>>,
    pub name: NameForm,
    pub choice: TypeChoice,
    pub enrollment: Option<Enrollment>,
    pub secret: SecretView,
    pub serial: SerialForm,
    pub codes: CodesForm,
    pub enabled: Option<Enabled>,
    pub dialog: Option<Dialog>,
    /// Demo mode only: the panel that plays the phone.
    pub demo: bool,
    pub authenticator_open: bool,
    requests: Pending<Purpose>,
    /// A request denied for want of an MFA session: sent again once one is started.
    after_session: Option<(Request, Purpose, IamError)>,
    /// Ctrl-C came while the device was being created: once IAM's answer is in, delete what was
    /// created and quit.
    quit_pending: bool,
    /// The create in flight or last sent, to recognise its device after a lost answer.
    create_attempt: Option<CreateAttempt>,
    /// CreateVirtualMFADevice with tags was denied for want of iam:TagMFADevice: create unmarked.
    may_not_tag: bool,
    /// Devices deleted because their create answer was lost (bounded, so a flaky IAM ends in a message;
    /// the secret step says so).
    pub replaced_lost: u8,
    /// The unassigned device the user agreed to delete for its name: deleted only when the virtual
    /// device is created (a hardware token needs no name).
    orphan_to_free: Option<String>,
    /// EnableMFADevice's unclear answer, while the user's devices are read.
    unclear_enable: Option<IamError>,
    /// A device whose create answer was lost and whose delete failed: leaving names it.
    lost_device: Option<String>,
}

impl WizardState {
    fn new(ctx: &Ctx) -> Self {
        Self {
            step: Step::User,
            user_name: None,
            user_fixed: false,
            picker: UserPicker::default(),
            device_counts: HashMap::new(),
            taken: Loadable::Loading,
            name: NameForm::default(),
            choice: TypeChoice::default(),
            enrollment: None,
            secret: SecretView::default(),
            serial: SerialForm::default(),
            codes: CodesForm::default(),
            enabled: None,
            dialog: None,
            demo: ctx.session.demo,
            authenticator_open: false,
            requests: Pending::default(),
            after_session: None,
            quit_pending: false,
            create_attempt: None,
            may_not_tag: false,
            replaced_lost: 0,
            orphan_to_free: None,
            unclear_enable: None,
            lost_device: None,
        }
    }

    /// From Home: an admin picks the user; a self-service caller is their own user.
    pub fn open(ctx: &mut Ctx) -> Self {
        let own_user = ctx
            .session
            .is_self_service()
            .then(|| ctx.session.own_user_name())
            .flatten();
        if let Some(user_name) = own_user {
            return Self::open_for_user(ctx, user_name);
        }
        let mut state = Self::new(ctx);
        state.send(ctx, op::ListUsers, Purpose::Users);
        state.list_taken(ctx);
        state
    }

    /// For a given user (Rotate on the devices screen): starts at the device name.
    pub fn open_for_user(ctx: &mut Ctx, user_name: String) -> Self {
        let mut state = Self::new(ctx);
        state.user_fixed = true;
        state.list_taken(ctx);
        state.choose_user(ctx, user_name);
        state
    }

    /// The delete of a device this wizard created and has not enabled, for a teardown with no chance
    /// to ask.
    pub fn cleanup_requests(&self) -> Vec<Request> {
        self.enrollment
            .iter()
            .filter(|e| e.needs_rollback())
            .map(|e| {
                Request::from(op::DeleteVirtualMfaDevice {
                    serial: e.serial.clone(),
                })
            })
            .collect()
    }

    /// What the wizard waits for, if anything: keys wait too.
    pub fn busy(&self) -> Option<&'static str> {
        self.requests.purposes().find_map(Purpose::busy_label)
    }

    pub fn is_waiting_for(&self, purpose: &Purpose) -> bool {
        self.requests.waits_for(purpose)
    }

    /// The seed whose codes the virtual authenticator shows.
    pub fn authenticator_seed(&self) -> Option<&Seed> {
        let enrollment = self.enrollment.as_ref()?;
        if enrollment.enabled_at.is_some() {
            return None;
        }
        enrollment.seed.as_ref()
    }

    /// The device count of the chosen user, when known.
    pub fn chosen_user_count(&self) -> Option<usize> {
        let user = self.user_name.as_ref()?;
        self.device_counts.get(user)?.loaded().copied()
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => self.on_key(ctx, key),
            // Countdowns read the clock when drawn.
            Event::Tick => Nav::Stay,
            Event::Paste(text) => self.on_paste(ctx, &text),
            Event::Response(ticket, response) => self.on_response(ctx, ticket, response),
            Event::Resumed(outcome) => self.on_resumed(ctx, outcome),
            Event::QuitRequested => self.on_quit_requested(ctx),
        }
    }

    fn on_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        if self.busy().is_some() {
            return Nav::Stay;
        }
        if key.code == KeyCode::F(2) && self.demo {
            self.authenticator_open = !self.authenticator_open;
            return Nav::Stay;
        }
        if let Some(dialog) = self.dialog.take() {
            return self.on_dialog_key(ctx, dialog, key);
        }
        match self.step {
            Step::User => self.on_user_key(ctx, key),
            Step::Name => self.on_name_key(ctx, key),
            Step::Type => self.on_type_key(ctx, key),
            Step::Secret => self.on_secret_key(ctx, key),
            Step::Serial => self.on_serial_key(ctx, key),
            Step::Codes => self.on_codes_key(ctx, key),
            Step::Done => self.on_done_key(key),
        }
    }

    fn on_dialog_key(&mut self, ctx: &mut Ctx, dialog: Dialog, key: KeyEvent) -> Nav {
        match dialog {
            Dialog::OrphanOffer(offer) => self.on_orphan_offer_key(ctx, offer, key),
            Dialog::PinnedName { denied } => self.on_pinned_name_key(ctx, denied, key),
            Dialog::Problem(problem) => self.on_problem_key(ctx, problem, key),
            Dialog::ConfirmLeave { quit } => self.on_confirm_leave_key(ctx, quit, key),
            Dialog::RollbackFailed {
                serial,
                error,
                quit,
            } => self.on_rollback_failed_key(ctx, serial, error, quit, key),
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, response: Response) -> Nav {
        let Some(purpose) = self.requests.take(ticket) else {
            return Nav::Stay;
        };
        match (purpose, response) {
            (Purpose::Copy, Response::Copied(result)) => self.on_copied(ctx, result),
            (Purpose::Save, Response::Saved(result)) => self.on_saved(ctx, result),
            (purpose, Response::Iam(result)) => return self.on_iam_answer(ctx, purpose, result),
            (purpose, other) => {
                tracing::debug!(?purpose, ?other, "an answer of the wrong kind");
            }
        }
        Nav::Stay
    }

    /// Each purpose reads the answer of its own operation.
    fn on_iam_answer(&mut self, ctx: &mut Ctx, purpose: Purpose, result: IamResult<Reply>) -> Nav {
        match purpose {
            Purpose::Users => self.on_users(ctx, op::ListUsers::answer(result)),
            Purpose::Taken => self.on_taken(op::ListVirtualMfaDevices::answer(result)),
            Purpose::DeviceCount(user) => {
                self.on_device_count(ctx, user, op::ListMfaDevices::answer(result));
            }
            Purpose::OrphanTags(serial) => {
                self.on_orphan_tags(ctx, serial, op::ListMfaDeviceTags::answer(result));
            }
            Purpose::DeleteOrphan(serial) => {
                let deleted = op::DeleteVirtualMfaDevice::answer(result);
                return self.on_orphan_deleted(ctx, serial, deleted);
            }
            Purpose::Create => {
                return self.on_created(ctx, op::CreateVirtualMfaDevice::answer(result));
            }
            Purpose::KnownSeed(serial) => self.on_known_seed(serial, op::KnownSeed::answer(result)),
            Purpose::Enable => return self.on_enabled(ctx, op::EnableMfaDevice::answer(result)),
            Purpose::RollBack { quit } => {
                let deleted = op::DeleteVirtualMfaDevice::answer(result);
                return self.on_rolled_back(ctx, quit, deleted);
            }
            Purpose::Check(check) => return self.on_check(ctx, check, result),
            Purpose::Copy | Purpose::Save => {}
        }
        Nav::Stay
    }

    fn on_resumed(&mut self, ctx: &mut Ctx, outcome: Outcome) -> Nav {
        let Some((request, purpose, error)) = self.after_session.take() else {
            return Nav::Stay;
        };
        match outcome {
            Outcome::MfaSessionStarted(_) if purpose == Purpose::Enable => {
                // The codes were checked before the prompt; check them again, they may have gone stale.
                self.submit_codes(ctx)
            }
            Outcome::MfaSessionStarted(_) => {
                self.send(ctx, request, purpose);
                Nav::Stay
            }
            _ => {
                self.dialog = Some(Dialog::Problem(Problem::new(
                    "No MFA session was started",
                    error,
                    Some(
                        "Without one this step cannot go on. Try again, or leave the wizard."
                            .into(),
                    ),
                )));
                Nav::Stay
            }
        }
    }

    fn on_quit_requested(&mut self, ctx: &mut Ctx) -> Nav {
        if self.creating() {
            // Quitting now would leave whatever the create makes: wait for it, delete it, then quit.
            self.quit_pending = true;
            ctx.notify(
                "Quitting once IAM has answered the create: the device it makes is deleted first",
            );
            return Nav::Stay;
        }
        if self.busy().is_some() {
            ctx.notify("Waiting for IAM's answer: press Ctrl-C again once it is in");
            return Nav::Stay;
        }
        self.leave_naming_lost(ctx, true)
    }

    /// Sends a request and remembers what it is for.
    fn send(&mut self, ctx: &mut Ctx, request: impl Into<Request>, purpose: Purpose) {
        self.requests.call(ctx, request, purpose);
    }

    fn list_taken(&mut self, ctx: &mut Ctx) {
        self.send(
            ctx,
            op::ListVirtualMfaDevices {
                filter: AssignmentFilter::Any,
            },
            Purpose::Taken,
        );
    }

    fn on_taken(&mut self, result: IamResult<Vec<VirtualMfaDevice>>) {
        self.taken = Loadable::from_result(result);
    }

    /// Offers the MFA-session prompt for a denial that needs one, remembering the request to send again.
    fn offer_mfa_session(
        &mut self,
        ctx: &mut Ctx,
        error: &IamError,
        request: impl Into<Request>,
        purpose: Purpose,
        reason: &str,
    ) -> Option<Nav> {
        let nav = super::mfa_session::offer(ctx, error, reason)?;
        self.after_session = Some((request.into(), purpose, error.clone()));
        Some(nav)
    }
}
