//! The state machine: an Elm-style core. [`App::update`] takes a message (a key, a tick, the answer to an
//! earlier request) and returns [`Effect`]s for the runtime to carry out. No I/O and no ratatui here: the
//! `ui` module renders `&App`, the `runtime` module owns the terminal and performs the effects.
//!
//! Screens form a stack. Each screen is a state struct with an `update(&mut self, &mut Ctx, Event) -> Nav`;
//! requests a screen makes through [`Ctx::call`] are answered to that same screen instance, wherever it sits
//! in the stack, and dropped once it is gone.

pub mod code_entry;
pub mod coverage;
pub mod devices;
pub mod effect;
pub mod enrollment_marker;
pub mod graphics;
pub mod home;
pub mod manage;
pub mod mfa_session;
pub mod pending;
pub mod profiles;
pub mod session;
pub mod status;
pub mod text_input;
pub mod users;
pub mod virtual_devices;
pub mod wizard;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use effect::{Effect, Reply, Request, Response, Ticket};
pub use pending::Pending;
pub use session::{Colours, Loadable, Session};
pub use status::{Status, StatusKind};

use crate::clock::UnixSeconds;
use crate::iam::{MfaSession, Operation, op};

/// How long a notice stays in the status line.
const NOTICE_SECONDS: u64 = 6;

/// Input to the state machine.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock moved (the runtime ticks a few times a second; countdowns read `App::now`).
    Tick(UnixSeconds),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): it goes to the focused field as text, never as
    /// keystrokes, so a newline in it does not submit anything.
    Paste(String),
    Response(Ticket, Response),
}

/// What a screen is told.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Tick,
    /// Pasted text, for the focused field; screens without one ignore it.
    Paste(String),
    Response(Ticket, Response),
    /// The screen is on top again; `Outcome` says how the screen above it ended.
    Resumed(Outcome),
    /// The user asked to quit the app (Ctrl-C, or q at home). Answer `Nav::Quit` to agree, or stay and ask.
    QuitRequested,
}

/// How a screen that was pushed on top ended, for the screen below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Closed with nothing to report (Esc, back).
    Closed,
    /// A device was enrolled and enabled for a user.
    Enrolled { user_name: String, serial: String },
    /// An MFA session was started; requests that needed it may be sent again.
    MfaSessionStarted(MfaSession),
}

/// What a screen wants next.
#[derive(Debug)]
pub enum Nav {
    Stay,
    Push(NewScreen),
    Pop(Outcome),
    Replace(NewScreen),
    /// This screen agrees to the app quitting (screens below are asked in turn).
    Quit,
}

/// Every screen of the app.
#[derive(Debug)]
pub enum Screen {
    Home(home::HomeState),
    Wizard(Box<wizard::WizardState>),
    Users(users::UsersState),
    Coverage(coverage::CoverageState),
    UserDevices(devices::DevicesState),
    VirtualDevices(virtual_devices::VirtualDevicesState),
    MfaSession(mfa_session::MfaSessionState),
    Profiles(profiles::ProfilesState),
}

impl Screen {
    fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match self {
            Self::Home(state) => state.update(ctx, event),
            Self::Wizard(state) => state.update(ctx, event),
            Self::Users(state) => state.update(ctx, event),
            Self::Coverage(state) => state.update(ctx, event),
            Self::UserDevices(state) => state.update(ctx, event),
            Self::VirtualDevices(state) => state.update(ctx, event),
            Self::MfaSession(state) => state.update(ctx, event),
            Self::Profiles(state) => state.update(ctx, event),
        }
    }

    /// Requests to send if the app is torn down without a chance to ask (SIGTERM, SIGHUP: the terminal is
    /// gone), so that nothing is left behind, e.g. the delete of a device created but not yet enabled.
    fn cleanup_requests(&self) -> Vec<Request> {
        match self {
            Self::Wizard(state) => state.cleanup_requests(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ScreenId(u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    App,
    Screen(ScreenId),
}

/// The app's notice: a status for the footer, until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Notice {
    status: Status,
    until: UnixSeconds,
}

/// Bookkeeping shared by every screen's context: tickets, their owners, the effects of this update.
#[derive(Debug, Default)]
struct Core {
    next_ticket: u64,
    next_screen_id: u64,
    owners: HashMap<Ticket, Owner>,
    effects: Vec<Effect>,
    notice: Option<Notice>,
    /// Counts the notices set, so the app can tell one set during this update from an earlier one.
    notices_set: u64,
}

impl Core {
    fn screen_id(&mut self) -> ScreenId {
        self.next_screen_id += 1;
        ScreenId(self.next_screen_id)
    }

    fn set_notice(&mut self, status: Status, now: UnixSeconds) {
        self.notices_set += 1;
        self.notice = Some(Notice {
            status,
            until: now + NOTICE_SECONDS,
        });
    }

    fn ticket(&mut self, owner: Owner) -> Ticket {
        self.next_ticket += 1;
        let ticket = Ticket(self.next_ticket);
        self.owners.insert(ticket, owner);
        ticket
    }
}

/// A screen made by [`Ctx::open`]: it has its identity from the start, so the requests its constructor
/// sends are answered to it, not to the screen that opened it.
#[derive(Debug)]
pub struct NewScreen {
    id: ScreenId,
    screen: Screen,
}

/// What a screen may use while it updates: the session, the time, and the way to ask for effects.
pub struct Ctx<'a> {
    pub session: &'a mut Session,
    pub now: UnixSeconds,
    /// The terminal size (columns, rows), for screens whose content depends on it (the QR code).
    pub size: (u16, u16),
    owner: Owner,
    core: &'a mut Core,
}

impl Ctx<'_> {
    /// Builds a screen to push or replace with; `make` runs with the new screen as the owner of the
    /// requests it sends.
    pub fn open(&mut self, make: impl FnOnce(&mut Ctx) -> Screen) -> NewScreen {
        let id = self.core.screen_id();
        let parent = std::mem::replace(&mut self.owner, Owner::Screen(id));
        let screen = make(self);
        self.owner = parent;
        NewScreen { id, screen }
    }

    /// Sends an IAM request; the answer comes back to this screen as `Event::Response(ticket, ..)`.
    /// Screens usually send through their [`Pending`], which remembers what the answer is for.
    pub fn call(&mut self, request: impl Into<Request>) -> Ticket {
        let ticket = self.core.ticket(self.owner);
        let request = request.into();
        self.core.effects.push(Effect::Call { ticket, request });
        ticket
    }

    pub fn copy_to_clipboard(&mut self, text: zeroize::Zeroizing<String>) -> Ticket {
        let ticket = self.core.ticket(self.owner);
        self.core.effects.push(Effect::Copy { ticket, text });
        ticket
    }

    pub fn save_file(
        &mut self,
        path: std::path::PathBuf,
        contents: zeroize::Zeroizing<Vec<u8>>,
        overwrite: bool,
    ) -> Ticket {
        let ticket = self.core.ticket(self.owner);
        self.core.effects.push(Effect::Save {
            ticket,
            path,
            contents,
            overwrite,
        });
        ticket
    }

    /// Asks for the profiles of the shared config files: `Response::Profiles`.
    pub fn list_profiles(&mut self) -> Ticket {
        let ticket = self.core.ticket(self.owner);
        self.core.effects.push(Effect::ListProfiles { ticket });
        ticket
    }

    /// Asks to connect the whole app to `profile`; once it answers the app starts over there (see
    /// [`App::switched`]), otherwise `Response::Switched(Err(..))` comes back to this screen.
    pub fn switch_profile(&mut self, profile: String) -> Ticket {
        let ticket = self.core.ticket(self.owner);
        self.core
            .effects
            .push(Effect::SwitchProfile { ticket, profile });
        ticket
    }

    /// A line in the status bar for a few seconds.
    pub fn notify(&mut self, text: impl Into<String>) {
        self.set_notice(Status::info(text));
    }

    pub fn notify_error(&mut self, text: impl Into<String>) {
        self.set_notice(Status::error(text));
    }

    fn set_notice(&mut self, status: Status) {
        self.core.set_notice(status, self.now);
    }
}

/// The whole state of the app.
#[derive(Debug)]
pub struct App {
    pub session: Session,
    pub now: UnixSeconds,
    pub size: (u16, u16),
    pub help_open: bool,
    stack: Vec<(ScreenId, Screen)>,
    core: Core,
    quitting: bool,
    /// The app's own requests: who is calling, and what they may do.
    pending: Pending<AppQuery>,
    /// Whether the probe for other users' devices was sent (it is sent once).
    others_probe_sent: bool,
    /// `Core::notices_set` when the current update began.
    notices_before_update: u64,
}

/// What the app itself asks, apart from any screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AppQuery {
    Identity,
    MayListUsers,
    OthersProbe,
}

impl App {
    /// A new app on the home screen, and the first requests: who is calling, and what may they list.
    pub fn new(session: Session, now: UnixSeconds, size: (u16, u16)) -> (Self, Vec<Effect>) {
        let mut app = Self {
            session,
            now,
            size,
            help_open: false,
            stack: Vec::new(),
            core: Core::default(),
            quitting: false,
            pending: Pending::default(),
            others_probe_sent: false,
            notices_before_update: 0,
        };
        let id = app.core.screen_id();
        app.push(NewScreen {
            id,
            screen: Screen::Home(home::HomeState::default()),
        });
        app.app_call(op::CallerIdentity, AppQuery::Identity);
        app.app_call(op::MayListUsers, AppQuery::MayListUsers);
        let effects = std::mem::take(&mut app.core.effects);
        (app, effects)
    }

    /// The screen on top.
    pub fn screen(&self) -> &Screen {
        &self
            .stack
            .last()
            .expect("the stack always holds a screen")
            .1
    }

    /// Every screen, bottom first (the renderer draws only the top; tests look deeper).
    pub fn screens(&self) -> impl Iterator<Item = &Screen> {
        self.stack.iter().map(|(_, screen)| screen)
    }

    /// The notice for the footer, while it lasts.
    pub fn notice(&self) -> Option<&Status> {
        self.core
            .notice
            .as_ref()
            .filter(|n| n.until > self.now)
            .map(|n| &n.status)
    }

    pub fn is_quitting(&self) -> bool {
        self.quitting
    }

    /// Requests that leave nothing behind when the app is killed without a chance to ask.
    pub fn cleanup_requests(&self) -> Vec<Request> {
        self.screens().flat_map(Screen::cleanup_requests).collect()
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        self.notices_before_update = self.core.notices_set;
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => {}
            Msg::Tick(now) => {
                self.now = now;
                self.end_expired_mfa_session();
                self.deliver_to_top(Event::Tick);
            }
            Msg::Resize(cols, rows) => self.size = (cols, rows),
            Msg::Paste(text) if !self.help_open => self.deliver_to_top(Event::Paste(text)),
            Msg::Paste(_) => {}
            Msg::Response(ticket, response) => self.on_response(ticket, response),
        }
        if self.quitting && !self.core.effects.iter().any(|e| matches!(e, Effect::Quit)) {
            self.core.effects.push(Effect::Quit);
        }
        std::mem::take(&mut self.core.effects)
    }

    fn on_key(&mut self, key: KeyEvent) {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            self.help_open = false;
            self.request_quit();
            return;
        }
        if self.help_open {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::F(1)
            ) {
                self.help_open = false;
            }
            return;
        }
        if matches!(key.code, KeyCode::Char('?') | KeyCode::F(1)) {
            self.help_open = true;
            return;
        }
        self.deliver_to_top(Event::Key(key));
    }

    /// Asks the screens, top first, whether the app may quit; one that wants to confirm stays on top.
    fn request_quit(&mut self) {
        let Some(top) = self.stack.last().map(|(id, _)| *id) else {
            self.quitting = true;
            return;
        };
        self.deliver(top, Event::QuitRequested);
    }

    fn on_response(&mut self, ticket: Ticket, response: Response) {
        // The runtime already calls through the new profile: the app follows, whoever asked.
        if let Response::Switched(Ok(switched)) = response {
            self.core.owners.remove(&ticket);
            self.switched(switched);
            return;
        }
        match self.core.owners.remove(&ticket) {
            Some(Owner::App) => self.on_app_response(ticket, response),
            Some(Owner::Screen(id)) if self.stack.iter().any(|(sid, _)| *sid == id) => {
                self.deliver(id, Event::Response(ticket, response));
            }
            // The screen that asked is gone: the answer is stale.
            _ => tracing::debug!(?ticket, "dropped a response for a screen that was closed"),
        }
    }

    fn on_app_response(&mut self, ticket: Ticket, response: Response) {
        let Response::Iam(result) = response else {
            return;
        };
        match self.pending.take(ticket) {
            Some(AppQuery::Identity) => self
                .session
                .record_identity(op::CallerIdentity::answer(result)),
            Some(AppQuery::MayListUsers) => self
                .session
                .record_list_probe(op::MayListUsers::answer(result)),
            Some(AppQuery::OthersProbe) => self
                .session
                .record_others_probe(op::ListMfaDevices::answer(result)),
            // An earlier probe, asked again since.
            None => {}
        }
        // Listing users is not enough to be an admin: see `session`.
        if !self.others_probe_sent
            && let Some(request) = self.session.others_probe()
        {
            self.others_probe_sent = true;
            self.app_call(request, AppQuery::OthersProbe);
        }
        if let Some(problem) = self.session.mode_problem() {
            let text = format!(
                "Could not tell whether you manage other users, so your mode is unknown: {problem}"
            );
            self.app_notice(Status::error(text));
        }
    }

    /// Starts over on another profile: a new session (identity and mode asked again, no MFA session),
    /// the home screen alone. Answers still out for the old profile's screens find them gone.
    fn switched(&mut self, switched: effect::Switched) {
        let graphics = self.session.graphics;
        self.session = Session::new(switched.backend, self.session.demo, self.session.redact);
        self.session.graphics = graphics;
        self.session.profile = Some(switched.profile.clone());
        self.stack.clear();
        self.pending.forget(|_| true);
        self.others_probe_sent = false;
        let id = self.core.screen_id();
        self.push(NewScreen {
            id,
            screen: Screen::Home(home::HomeState::default()),
        });
        self.app_call(op::CallerIdentity, AppQuery::Identity);
        self.app_call(op::MayListUsers, AppQuery::MayListUsers);
        self.app_notice(Status::info(format!(
            "Now using profile {}",
            switched.profile
        )));
    }

    /// Asks again whether the caller may list users: a policy that requires MFA for everything denies
    /// ListUsers until an MFA session starts, and again once it ends.
    fn recheck_may_list_users(&mut self) {
        if self.session.own_user_name().is_some() {
            // The answer to an earlier probe, if still out, is stale.
            self.pending
                .forget(|query| *query == AppQuery::MayListUsers);
            self.app_call(op::MayListUsers, AppQuery::MayListUsers);
        }
    }

    /// Once the MFA session expires the IAM layer signs with the base credentials again: say so, and the
    /// next call that needs a session offers the prompt again.
    fn end_expired_mfa_session(&mut self) {
        if let Some(ended) = self.session.end_expired_mfa_session(self.now) {
            let text = format!(
                "Your MFA session ended at {}; actions that need one will ask for a code again",
                ended.expires_at
            );
            self.app_notice(Status::info(text));
            self.recheck_may_list_users();
        }
    }

    fn app_notice(&mut self, status: Status) {
        self.core.set_notice(status, self.now);
    }

    /// The screen on top changed: a notice from an earlier action is about the screen left behind, and
    /// goes; one set during this update says what the change did ("Deleted the unused device …") and
    /// stays.
    fn drop_earlier_notice(&mut self) {
        if self.core.notices_set == self.notices_before_update {
            self.core.notice = None;
        }
    }

    fn app_call(&mut self, request: impl Into<Request>, query: AppQuery) {
        let ticket = self.core.ticket(Owner::App);
        let request = request.into();
        self.core.effects.push(Effect::Call { ticket, request });
        self.pending.add(ticket, query);
    }

    fn push(&mut self, new: NewScreen) {
        self.stack.push((new.id, new.screen));
    }

    fn deliver_to_top(&mut self, event: Event) {
        if let Some(top) = self.stack.last().map(|(id, _)| *id) {
            self.deliver(top, event);
        }
    }

    /// Runs one screen's update and applies its navigation (only the top screen may navigate).
    fn deliver(&mut self, id: ScreenId, event: Event) {
        let Some(index) = self.stack.iter().position(|(sid, _)| *sid == id) else {
            return;
        };
        let is_top = index + 1 == self.stack.len();
        let mut ctx = Ctx {
            session: &mut self.session,
            now: self.now,
            size: self.size,
            owner: Owner::Screen(id),
            core: &mut self.core,
        };
        let nav = self.stack[index].1.update(&mut ctx, event);
        if !is_top {
            if !matches!(nav, Nav::Stay) {
                tracing::debug!(?nav, "ignored navigation from a screen that is not on top");
            }
            return;
        }
        if !matches!(nav, Nav::Stay) {
            self.drop_earlier_notice();
        }
        match nav {
            Nav::Stay => {}
            Nav::Push(screen) => self.push(screen),
            Nav::Replace(screen) => {
                self.stack.pop();
                self.push(screen);
            }
            Nav::Pop(outcome) => {
                self.stack.pop();
                if matches!(outcome, Outcome::MfaSessionStarted(_)) {
                    self.recheck_may_list_users();
                }
                match self.stack.last().map(|(id, _)| *id) {
                    Some(below) => self.deliver(below, Event::Resumed(outcome)),
                    None => self.quitting = true,
                }
            }
            Nav::Quit => {
                self.stack.pop();
                match self.stack.last().map(|(id, _)| *id) {
                    Some(below) => self.deliver(below, Event::QuitRequested),
                    None => self.quitting = true,
                }
            }
        }
    }
}

/// Keys as tests and screens write them.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}
