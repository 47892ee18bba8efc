//! A user's MFA devices (also "My MFA devices" for a self-service user): kind, serial or ARN, enable
//! date, and the tags of virtual devices. From here: deactivate (then offer to delete a virtual device's
//! entity, whose name stays taken otherwise), resync, rotate without ever leaving the user without MFA,
//! add a device, and edit tags. Every destructive step is stated and confirmed before it is sent; an
//! AccessDenied that wants an MFA session opens the MFA-session prompt and the request is sent again.
//!
//! The screen has one change out at a time ([`change`]). An answer that may hide a change (DESIGN.md
//! 5b) is never taken at its word: [`reconcile`] reads what IAM holds, and the flow goes on from that.
//! The flows: [`removal`] (deactivate, delete a virtual device), [`rotation`] (its state machine) and
//! `rotating` (the screen driving it), [`resync`] and [`tags`] (the answers to their dialogs).

mod change;
mod describe;
mod reconcile;
mod removal;
mod resync;
mod rotating;
pub mod rotation;
mod tags;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::manage::confirm::{Answer, Confirm};
use super::manage::list_cursor::ListCursor;
use super::manage::resync::ResyncForm;
use super::manage::tags::TagEditor;
use super::wizard;
use super::{Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Response, Screen, Status, Ticket};
use crate::iam::{
    Action, DeviceKind, IamResult, MAX_DEVICES_PER_USER, MfaDevice, Operation, Tag,
    device_name_from_serial, op,
};
use change::ChangeRequest;
pub use describe::describe;
use reconcile::Check;
use rotation::Rotation;
use rotation::plan::RotatePlan;

/// What waits for `y` in the confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    Deactivate(MfaDevice),
    /// Delete the entity of a virtual device that was just deactivated.
    DeleteEntity(MfaDevice),
    StartRotation(RotatePlan),
    /// Go on with a rotation: remove the old device once the new one is enabled, or finish one that
    /// stopped half-way.
    ContinueRotation(Rotation),
}

#[derive(Debug)]
pub enum Dialog {
    Confirm(Confirm<Question>),
    Resync(ResyncForm),
    Tags(TagEditor),
}

/// What a request of the screen is for.
#[derive(Debug)]
enum Wait {
    List,
    Tags(String),
    /// The seed of the device in the resync form, where the backend knows it.
    Seed(String),
    /// The one change in flight.
    Change(Box<ChangeRequest>),
    /// A read of IAM's state after an ambiguous answer to a change (or before finishing a rotation).
    Check(Box<Check>),
}

#[derive(Debug)]
pub struct DevicesState {
    pub user_name: String,
    /// The caller's own devices ("My MFA devices").
    pub own: bool,
    pub devices: Loadable<Vec<MfaDevice>>,
    /// Tags of the virtual devices, by serial.
    pub tags: HashMap<String, Loadable<Vec<Tag>>>,
    pending: Pending<Wait>,
    pub cursor: ListCursor,
    /// Boxed: the forms are large and most of the time there is no dialog.
    pub dialog: Option<Box<Dialog>>,
    /// A change refused for want of an MFA session (and the action denied), sent again once one is
    /// started.
    after_session: Option<Box<(ChangeRequest, Action)>>,
    /// The rotation under way: waiting for the wizard, or for the answer to one of its steps.
    rotation: Option<Rotation>,
    /// A rotation that stopped half-way; `f` shows where it is and finishes it.
    pub unfinished: Option<Rotation>,
    /// The result of the last action, shown under the list until the next one.
    pub message: Option<Status>,
}

impl DevicesState {
    pub fn open(ctx: &mut Ctx, user_name: String) -> Self {
        let own = ctx.session.own_user_name().as_deref() == Some(user_name.as_str());
        let mut state = Self {
            user_name,
            own,
            devices: Loadable::Loading,
            tags: HashMap::new(),
            pending: Pending::default(),
            cursor: ListCursor::default(),
            dialog: None,
            after_session: None,
            rotation: None,
            unfinished: None,
            message: None,
        };
        state.reload(ctx);
        state
    }

    pub fn selected(&self) -> Option<&MfaDevice> {
        self.devices.loaded()?.get(self.cursor.selected)
    }

    fn device_count(&self) -> usize {
        self.devices.loaded().map_or(0, Vec::len)
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        self.devices = Loadable::Loading;
        self.tags.clear();
        // Answers to an earlier listing, and the tags it asked for, are stale.
        self.pending
            .forget(|wait| matches!(wait, Wait::List | Wait::Tags(_)));
        let listing = op::ListMfaDevices {
            user_name: self.user_name.clone(),
        };
        self.pending.call(ctx, listing, Wait::List);
    }

    fn show(&mut self, dialog: Dialog) {
        self.dialog = Some(Box::new(dialog));
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Status::info(text));
    }

    fn say_error(&mut self, text: impl Into<String>) {
        self.message = Some(Status::error(text));
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => self.on_key(ctx, key),
            Event::Response(ticket, Response::Iam(result)) => self.on_response(ctx, ticket, result),
            Event::Resumed(outcome) => self.on_resumed(ctx, outcome),
            Event::QuitRequested => Nav::Quit,
            Event::Paste(text) => {
                self.on_paste(&text);
                Nav::Stay
            }
            _ => Nav::Stay,
        }
    }

    /// Pasted text goes to the field of the open form, if any; the list itself takes no text.
    fn on_paste(&mut self, text: &str) {
        match self.dialog.as_deref_mut() {
            Some(Dialog::Resync(form)) => form.paste(text),
            Some(Dialog::Tags(editor)) => editor.paste(text),
            Some(Dialog::Confirm(_)) | None => {}
        }
    }

    fn on_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        match self.dialog.take().map(|dialog| *dialog) {
            Some(Dialog::Confirm(confirm)) => return self.on_confirm(ctx, key, confirm),
            Some(Dialog::Resync(form)) => {
                self.on_resync_key(ctx, key, form);
                return Nav::Stay;
            }
            Some(Dialog::Tags(editor)) => {
                self.on_tags_key(ctx, key, editor);
                return Nav::Stay;
            }
            None => {}
        }
        let len = self.device_count();
        if self
            .cursor
            .handle_key(key, len, ListCursor::page_for(ctx.size.1))
        {
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Esc => return Nav::Pop(Outcome::Closed),
            KeyCode::Char('r') => {
                self.reload(ctx);
                return Nav::Stay;
            }
            _ => {}
        }
        if self.busy() {
            if matches!(key.code, KeyCode::Char('a' | 'd' | 's' | 'o' | 't' | 'f')) {
                self.say_error("Wait for the current change to finish");
            }
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Char('a') => self.add_device(ctx),
            KeyCode::Char('d') => {
                if let Some(device) = self.selected().cloned() {
                    self.show(Dialog::Confirm(self.deactivate_question(device)));
                }
                Nav::Stay
            }
            KeyCode::Char('s') => {
                self.open_resync(ctx);
                Nav::Stay
            }
            KeyCode::Char('o') => {
                self.ask_rotation();
                Nav::Stay
            }
            KeyCode::Char('f') => {
                self.ask_to_finish_rotation();
                Nav::Stay
            }
            KeyCode::Char('t') => {
                self.open_tags();
                Nav::Stay
            }
            _ => Nav::Stay,
        }
    }

    /// A change or its check is out: no other may start.
    fn busy(&self) -> bool {
        self.pending
            .any(|wait| matches!(wait, Wait::Change(_) | Wait::Check(_)))
    }

    fn add_device(&mut self, ctx: &mut Ctx) -> Nav {
        if self.device_count() >= MAX_DEVICES_PER_USER {
            self.say_error(format!(
                "{} has {MAX_DEVICES_PER_USER} MFA devices, the most IAM allows: remove one first, or rotate (o) to replace one",
                self.user_name
            ));
            return Nav::Stay;
        }
        self.open_wizard(ctx)
    }

    fn open_wizard(&mut self, ctx: &mut Ctx) -> Nav {
        let user_name = self.user_name.clone();
        Nav::Push(ctx.open(|ctx| {
            Screen::Wizard(Box::new(wizard::WizardState::open_for_user(ctx, user_name)))
        }))
    }

    fn open_resync(&mut self, ctx: &mut Ctx) {
        let Some(device) = self.selected().cloned() else {
            return;
        };
        if device.kind() == DeviceKind::Passkey {
            self.say_error(
                "Passkeys and security keys have no codes, so there is nothing to resync",
            );
            return;
        }
        // Where the backend knows the seed (the demo account), the form checks the pair before sending.
        let asked = op::KnownSeed {
            serial: device.serial.clone(),
        };
        self.pending
            .call(ctx, asked, Wait::Seed(device.serial.clone()));
        self.show(Dialog::Resync(ResyncForm::open(
            self.user_name.clone(),
            device.serial,
        )));
    }

    fn open_tags(&mut self) {
        let Some(device) = self.selected().cloned() else {
            return;
        };
        if device.kind() != DeviceKind::Virtual {
            self.say_error(
                "Only virtual devices take tags: IAM has none for hardware tokens or passkeys",
            );
            return;
        }
        let tags = match self.tags.get(&device.serial) {
            Some(Loadable::Loaded(tags)) => tags.clone(),
            Some(Loadable::Failed(error)) => {
                self.say_error(format!("Could not load the tags: {error}"));
                return;
            }
            _ => {
                self.say("The tags are still loading; try again in a moment");
                return;
            }
        };
        let name = device_name_from_serial(&device.serial).to_string();
        self.show(Dialog::Tags(TagEditor::new(device.serial, name, tags)));
    }

    fn on_confirm(&mut self, ctx: &mut Ctx, key: KeyEvent, confirm: Confirm<Question>) -> Nav {
        match Confirm::<Question>::answer(key) {
            Answer::Undecided => {
                self.show(Dialog::Confirm(confirm));
                Nav::Stay
            }
            Answer::No => {
                match confirm.action {
                    Question::DeleteEntity(device) => self.kept_unassigned(&device),
                    Question::ContinueRotation(rotation) => self.rotation_left(rotation),
                    Question::Deactivate(_) | Question::StartRotation(_) => {
                        self.say("Nothing changed");
                    }
                }
                Nav::Stay
            }
            Answer::Yes => match confirm.action {
                Question::Deactivate(device) => {
                    self.deactivate(ctx, device);
                    Nav::Stay
                }
                Question::DeleteEntity(device) => {
                    self.delete(ctx, device);
                    Nav::Stay
                }
                Question::StartRotation(plan) => self.drive_rotation(ctx, Rotation::new(plan)),
                Question::ContinueRotation(rotation) => self.continue_rotation(ctx, rotation),
            },
        }
    }

    fn list_tags(&mut self, ctx: &mut Ctx, serial: String) {
        let listing = op::ListMfaDeviceTags {
            serial: serial.clone(),
        };
        self.pending.call(ctx, listing, Wait::Tags(serial));
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, result: IamResult<Reply>) -> Nav {
        match self.pending.take(ticket) {
            Some(Wait::List) => self.on_list(ctx, op::ListMfaDevices::answer(result)),
            Some(Wait::Tags(serial)) => {
                self.on_tags(serial, op::ListMfaDeviceTags::answer(result));
            }
            Some(Wait::Seed(serial)) => {
                if let (Some(Dialog::Resync(form)), Ok(Some(seed))) =
                    (self.dialog.as_deref_mut(), op::KnownSeed::answer(result))
                    && form.serial == serial
                {
                    form.set_seed(seed);
                }
            }
            Some(Wait::Change(sent)) => return self.on_change_answer(ctx, *sent, result),
            Some(Wait::Check(check)) => return self.on_check_answer(ctx, *check, result),
            // Not ours (any more): a stale answer.
            None => {}
        }
        Nav::Stay
    }

    fn on_tags(&mut self, serial: String, result: IamResult<Vec<Tag>>) {
        let tags = Loadable::from_result(result);
        if let (Some(Dialog::Tags(editor)), Loadable::Loaded(tags)) =
            (self.dialog.as_deref_mut(), &tags)
            && editor.serial == serial
        {
            editor.set_tags(tags.clone());
        }
        self.tags.insert(serial, tags);
    }

    fn on_list(&mut self, ctx: &mut Ctx, result: IamResult<Vec<MfaDevice>>) {
        let devices = match result {
            Ok(devices) => devices,
            Err(error) => {
                self.devices = Loadable::Failed(error);
                return;
            }
        };
        for device in devices.iter().filter(|d| d.kind() == DeviceKind::Virtual) {
            self.list_tags(ctx, device.serial.clone());
            self.tags.insert(device.serial.clone(), Loadable::Loading);
        }
        self.cursor
            .keep_visible(devices.len(), ListCursor::page_for(ctx.size.1));
        self.devices = Loadable::Loaded(devices);
    }

    fn on_resumed(&mut self, ctx: &mut Ctx, outcome: Outcome) -> Nav {
        if let Some(pending) = self.after_session.take() {
            let (sent, action) = *pending;
            self.after_mfa_session(ctx, sent, action, &outcome);
            return Nav::Stay;
        }
        if let Some(rotation) = self.rotation.take() {
            return self.rotation_after_wizard(ctx, rotation, outcome);
        }
        if let Outcome::Enrolled { serial, .. } = outcome {
            self.say(format!("Enrolled {serial} for {}", self.user_name));
        }
        self.reload(ctx);
        Nav::Stay
    }
}

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod tests;
