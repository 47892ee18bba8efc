//! The MFA-session prompt. Where the account's policy allows an action only "signed in with MFA" (the
//! self-service policy's explicit deny), the asking screen pushes this prompt through [`offer`]: pick one of
//! your own devices, type its current code, and STS GetSessionToken opens a session whose temporary
//! credentials the IAM layer keeps in memory and signs the next calls with. The prompt then pops with
//! [`Outcome::MfaSessionStarted`], and the screen below sends its request again.

use crossterm::event::KeyCode;

use super::code_entry::CodeInput;
use super::{Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Response, Screen, Ticket};
use crate::iam::{
    DeviceKind, IamError, IamResult, MfaDevice, MfaSession, Operation, Principal,
    device_name_from_serial, op,
};
use crate::otp::Seed;

/// What a request of the prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wait {
    Devices,
    /// The demo account's seed of one of the caller's devices.
    Seed(String),
    /// GetSessionToken.
    Start,
}

#[derive(Debug)]
pub struct MfaSessionState {
    /// What needs the session, in the asking screen's words ("Removing a device needs an MFA session").
    pub reason: String,
    /// The caller's own devices, passkeys included (they are shown, but cannot open a session).
    pub devices: Loadable<Vec<MfaDevice>>,
    /// Index into [`Self::usable_devices`].
    pub selected: usize,
    /// The code, with its message: a refused key, a wrong code, or why STS said no.
    pub code: CodeInput,
    /// The demo account's seeds of the caller's devices, so the prompt can show their current codes.
    demo_seeds: Vec<(String, Seed)>,
    pending: Pending<Wait>,
}

impl MfaSessionState {
    /// `reason` says what needs the session ("Removing a device needs an MFA session").
    pub fn open(ctx: &mut Ctx, reason: String) -> Self {
        let mut state = Self {
            reason,
            devices: Loadable::Loading,
            selected: 0,
            code: CodeInput::default(),
            demo_seeds: Vec::new(),
            pending: Pending::default(),
        };
        state.load_devices(ctx);
        state
    }

    /// The devices that can open a session: virtual and hardware TOTP. Passkeys answer a browser's
    /// WebAuthn challenge, not a six-digit code, so GetSessionToken cannot take them.
    pub fn usable_devices(&self) -> Vec<&MfaDevice> {
        self.devices
            .loaded()
            .map(|devices| {
                devices
                    .iter()
                    .filter(|d| d.kind() != DeviceKind::Passkey)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn selected_device(&self) -> Option<&MfaDevice> {
        self.usable_devices().get(self.selected).copied()
    }

    /// True while GetSessionToken is on its way.
    pub fn is_starting(&self) -> bool {
        self.pending.waits_for(&Wait::Start)
    }

    /// The demo device's current code, when the backend is the demo account and knows the seed.
    pub fn demo_code(&self, serial: &str, now: crate::clock::UnixSeconds) -> Option<String> {
        self.demo_seeds
            .iter()
            .find(|(known, _)| known == serial)
            .map(|(_, seed)| seed.code_at(now))
    }

    /// Asks for the caller's own devices; waits while the caller's identity is still unknown.
    fn load_devices(&mut self, ctx: &mut Ctx) {
        match ctx.session.own_user_name() {
            Some(user_name) => {
                self.devices = Loadable::Loading;
                let listing = op::ListMfaDevices { user_name };
                self.pending.replace(ctx, listing, Wait::Devices);
            }
            None => self.pending.forget(|wait| *wait == Wait::Devices),
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => self.on_key(ctx, key),
            Event::Response(ticket, Response::Iam(result)) => self.on_response(ctx, ticket, result),
            Event::Tick => {
                // Opened before GetCallerIdentity answered: ask once the caller's name is known.
                if !self.pending.waits_for(&Wait::Devices) && self.devices.is_loading() {
                    self.load_devices(ctx);
                }
                Nav::Stay
            }
            Event::QuitRequested => Nav::Quit,
            Event::Paste(text) => {
                // Not while STS answers: the code sent is the one shown.
                if !self.is_starting() {
                    self.code.paste(&text);
                }
                Nav::Stay
            }
            Event::Response(..) | Event::Resumed(_) => Nav::Stay,
        }
    }

    fn on_key(&mut self, ctx: &mut Ctx, key: crossterm::event::KeyEvent) -> Nav {
        // While GetSessionToken is on its way, stay: leaving would drop an answer that switches the
        // credentials, and the header would not show the session that is then in force.
        if self.is_starting() {
            if key.code == KeyCode::Esc {
                ctx.notify("Waiting for STS to answer; Esc closes once it has");
            }
            return Nav::Stay;
        }
        if key.code == KeyCode::Esc {
            return Nav::Pop(Outcome::Closed);
        }
        match key.code {
            KeyCode::Up => self.move_selection(-1),
            KeyCode::Down | KeyCode::Tab => self.move_selection(1),
            KeyCode::Enter => self.submit(ctx),
            KeyCode::Char('r') if matches!(self.devices, Loadable::Failed(_)) => {
                self.load_devices(ctx)
            }
            _ => {
                self.code.handle_key(key);
            }
        }
        Nav::Stay
    }

    fn move_selection(&mut self, step: isize) {
        let count = self.usable_devices().len();
        if count > 0 {
            self.selected = (self.selected as isize + step).rem_euclid(count as isize) as usize;
        }
    }

    fn submit(&mut self, ctx: &mut Ctx) {
        let Some(serial) = self.selected_device().map(|d| d.serial.clone()) else {
            return;
        };
        if !crate::otp::is_code_format(self.code.value()) {
            self.code
                .set_message("Type all six digits of the code the device shows now");
            return;
        }
        self.code.clear_message();
        let request = op::StartMfaSession {
            serial,
            code: self.code.code(),
            duration: None,
        };
        self.pending.call(ctx, request, Wait::Start);
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, result: IamResult<Reply>) -> Nav {
        match self.pending.take(ticket) {
            Some(Wait::Devices) => self.on_devices(ctx, op::ListMfaDevices::answer(result)),
            Some(Wait::Start) => return self.on_started(ctx, op::StartMfaSession::answer(result)),
            Some(Wait::Seed(serial)) => {
                // Seeds come only from the demo account.
                if let Ok(Some(seed)) = op::KnownSeed::answer(result) {
                    self.demo_seeds.push((serial, seed));
                }
            }
            None => {}
        }
        Nav::Stay
    }

    fn on_devices(&mut self, ctx: &mut Ctx, result: IamResult<Vec<MfaDevice>>) {
        self.devices = Loadable::from_result(result);
        self.selected = 0;
        if ctx.session.demo {
            let serials: Vec<String> = self
                .usable_devices()
                .iter()
                .map(|d| d.serial.clone())
                .collect();
            // Seeds asked for an earlier list are of no use any more.
            self.pending.forget(|wait| matches!(wait, Wait::Seed(_)));
            for serial in serials {
                let asked = op::KnownSeed {
                    serial: serial.clone(),
                };
                self.pending.call(ctx, asked, Wait::Seed(serial));
            }
        }
    }

    fn on_started(&mut self, ctx: &mut Ctx, result: IamResult<MfaSession>) -> Nav {
        match result {
            Ok(session) => {
                ctx.notify(format!(
                    "MFA session started with {}; it lasts until {}",
                    device_name_from_serial(&session.serial),
                    session.expires_at
                ));
                ctx.session.mfa_session = Some(session.clone());
                Nav::Pop(Outcome::MfaSessionStarted(session))
            }
            // Either backend answers a code STS turned down so (the adapter reads STS's AccessDenied
            // "MultiFactorAuthentication failed" as a bad code).
            Err(IamError::InvalidAuthenticationCode(_)) => {
                let device = self
                    .selected_device()
                    .map_or("the device", |d| device_name_from_serial(&d.serial));
                self.code.set_message(format!(
                    "AWS did not accept that code; type the one {device} shows now"
                ));
                self.code.clear();
                Nav::Stay
            }
            Err(error) => {
                self.code.set_message(error.to_string());
                Nav::Stay
            }
        }
    }
}

/// When `error` is the AccessDenied of a missing MFA session, the screen to push (the MFA-session prompt);
/// the asking screen gets `Event::Resumed(Outcome::MfaSessionStarted(..))` and should then retry.
///
/// Not offered while a session is in force (the denial is then about something else, and asking again
/// would go round in circles), nor to root or a role session: GetSessionToken opens a session for an
/// IAM user with one of their own devices (a role gets MFA when it is assumed).
pub fn offer(ctx: &mut Ctx, error: &IamError, reason: &str) -> Option<Nav> {
    if !error.needs_mfa_session() || ctx.session.live_mfa_session(ctx.now).is_some() {
        return None;
    }
    if ctx
        .session
        .principal()
        .is_some_and(|principal| !matches!(principal, Principal::IamUser { .. }))
    {
        return None;
    }
    let reason = reason.to_string();
    Some(Nav::Push(ctx.open(|ctx| {
        Screen::MfaSession(MfaSessionState::open(ctx, reason))
    })))
}

/// Opening the prompt from tests the way a screen does, without a screen that asks.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::app::{Msg, Owner};
    use crate::clock::Clock;
    use crate::headless::Headless;

    /// Calls [`offer`] as the screen on top would, pushes the prompt when offered, and lets the prompt's
    /// first requests run. True when the prompt was offered.
    pub async fn offer_on(headless: &mut Headless, error: &IamError, reason: &str) -> bool {
        let app = &mut headless.app;
        // `offer` opens the prompt with `Ctx::open`, so its requests are its own whoever asks.
        let mut ctx = Ctx {
            session: &mut app.session,
            now: app.now,
            size: app.size,
            owner: Owner::App,
            core: &mut app.core,
        };
        let Some(Nav::Push(screen)) = offer(&mut ctx, error, reason) else {
            return false;
        };
        app.push(screen);
        // The requests wait in the app; the next message hands them to the headless runtime.
        let now = headless.clock.now();
        headless.send(Msg::Tick(now)).await;
        true
    }

    /// The prompt on top, if it is.
    pub fn prompt(headless: &Headless) -> Option<&MfaSessionState> {
        match headless.app.screen() {
            Screen::MfaSession(state) => Some(state),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
