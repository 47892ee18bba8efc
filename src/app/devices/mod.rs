//! A user's MFA devices (also "My MFA devices" for a self-service user): kind, serial or ARN, enable
//! date, and the tags of virtual devices. From here: deactivate (then offer to delete a virtual device's
//! entity, whose name stays taken otherwise), resync, rotate without ever leaving the user without MFA,
//! add a device, and edit tags. Every destructive step is stated and confirmed before it is sent; an
//! AccessDenied that wants an MFA session opens the MFA-session prompt and the request is sent again.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::manage::confirm::{Answer, Confirm};
use super::manage::list_cursor::ListCursor;
use super::manage::resync::{ResyncForm, ResyncStep};
use super::manage::rotate::{RotateOrder, RotatePlan, describe};
use super::manage::tags::{TagEditor, TagStep};
use super::{
    Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Request, Response, Screen, Ticket,
};
use super::{mfa_session, wizard};
use crate::iam::{
    Action, DeviceKind, IamError, IamResult, MAX_DEVICES_PER_USER, MfaDevice, Operation, Tag,
    device_name_from_serial, op,
};

/// What waits for `y` in the confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    Deactivate(MfaDevice),
    /// Delete the entity of a virtual device that was just deactivated.
    DeleteEntity(MfaDevice),
    StartRotation(RotatePlan),
    /// The new device is enabled: remove the old one.
    FinishRotation {
        plan: RotatePlan,
        new_serial: String,
    },
}

#[derive(Debug)]
pub enum Dialog {
    Confirm(Confirm<Planned>),
    Resync(ResyncForm),
    Tags(TagEditor),
}

/// Why a device is being deactivated or deleted: what comes after.
#[derive(Debug, Clone)]
enum Purpose {
    Remove,
    /// At the limit: make room, then open the wizard.
    MakeRoom(RotatePlan),
    FinishRotation {
        plan: RotatePlan,
        new_serial: String,
    },
}

#[derive(Debug, Clone)]
enum Step {
    Deactivate {
        device: MfaDevice,
        purpose: Purpose,
    },
    Delete {
        device: MfaDevice,
        purpose: Purpose,
    },
    Resync {
        device: MfaDevice,
    },
    Tag {
        serial: String,
        rename_from: Option<String>,
    },
    Untag {
        serial: String,
    },
}

/// A change: the request, how to read its answer, and what it is a step of.
#[derive(Debug)]
struct Work {
    request: Request,
    answer: fn(IamResult<Reply>) -> IamResult<()>,
    step: Step,
}

impl Work {
    fn new<O: Operation<Output = ()>>(operation: O, step: Step) -> Self {
        Self {
            request: operation.into(),
            answer: O::answer,
            step,
        }
    }
}

/// What a request of the screen is for.
#[derive(Debug)]
enum Wait {
    List,
    Tags(String),
    /// The seed of the device in the resync form, where the backend knows it.
    Seed(String),
    /// The one change in flight.
    Change(Box<Work>),
}

/// The result of the last action, shown under the list until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
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
    after_session: Option<Box<(Work, Action)>>,
    /// A rotation waiting for the wizard to enroll the new device.
    rotation: Option<RotatePlan>,
    pub message: Option<Message>,
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
            message: None,
        };
        state.reload(ctx);
        state
    }

    pub fn selected(&self) -> Option<&MfaDevice> {
        self.devices.loaded()?.get(self.cursor.selected)
    }

    /// The change in flight, if any.
    fn work(&self) -> Option<&Work> {
        self.pending.purposes().find_map(|wait| match wait {
            Wait::Change(work) => Some(work.as_ref()),
            _ => None,
        })
    }

    /// What is being done right now, for the screen.
    pub fn working_on(&self) -> Option<String> {
        let work = self.work()?;
        Some(match &work.step {
            Step::Deactivate { device, .. } => format!("Deactivating {}…", describe(device)),
            Step::Delete { device, .. } => format!("Deleting {}…", describe(device)),
            Step::Resync { device } => format!("Resynchronizing {}…", describe(device)),
            Step::Tag { .. } | Step::Untag { .. } => "Saving tags…".to_string(),
        })
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
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    fn say_error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => self.on_key(ctx, key),
            Event::Response(ticket, Response::Iam(result)) => self.on_response(ctx, ticket, result),
            Event::Resumed(outcome) => self.on_resumed(ctx, outcome),
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }

    fn on_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        match self.dialog.take().map(|dialog| *dialog) {
            Some(Dialog::Confirm(confirm)) => return self.on_confirm(ctx, key, confirm),
            Some(Dialog::Resync(mut form)) => {
                match form.handle_key(key, ctx.now) {
                    ResyncStep::Stay => self.show(Dialog::Resync(form)),
                    ResyncStep::Cancel => {}
                    ResyncStep::Submit(request) => {
                        let device = self.selected().cloned();
                        self.show(Dialog::Resync(form));
                        if let Some(device) = device {
                            self.start(ctx, Work::new(request, Step::Resync { device }));
                        }
                    }
                }
                return Nav::Stay;
            }
            Some(Dialog::Tags(mut editor)) => {
                let step = editor.handle_key(key);
                let serial = editor.serial.clone();
                if step != TagStep::Close {
                    self.show(Dialog::Tags(editor));
                }
                match step {
                    TagStep::Stay | TagStep::Close => {}
                    TagStep::Save { tag, rename_from } => {
                        let request = op::TagMfaDevice {
                            serial: serial.clone(),
                            tags: vec![tag],
                        };
                        let step = Step::Tag {
                            serial,
                            rename_from,
                        };
                        self.start(ctx, Work::new(request, step));
                    }
                    TagStep::Remove { key } => self.untag(ctx, serial, key),
                }
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
        if self.work().is_some() {
            if matches!(key.code, KeyCode::Char('a' | 'd' | 's' | 'o' | 't')) {
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
                if let Some(device) = self.selected().cloned() {
                    let plan = RotatePlan::new(self.user_name.clone(), device, self.device_count());
                    let confirm = Confirm::new(
                        "Rotate device",
                        plan.plan_lines(),
                        "go ahead",
                        Planned::StartRotation(plan),
                    );
                    self.show(Dialog::Confirm(confirm));
                }
                Nav::Stay
            }
            KeyCode::Char('t') => {
                self.open_tags();
                Nav::Stay
            }
            _ => Nav::Stay,
        }
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

    fn deactivate_question(&self, device: MfaDevice) -> Confirm<Planned> {
        let user = &self.user_name;
        let mut lines = vec![format!("Deactivate {} for {user}?", describe(&device))];
        lines.push(match device.kind() {
            DeviceKind::Virtual => format!(
                "{user} can no longer sign in with it. The virtual device entity stays in the account, its name taken, until it is deleted: you will be asked next."
            ),
            DeviceKind::Hardware => format!(
                "{user} can no longer sign in with it. The token stays known to IAM, unassigned: hardware tokens cannot be deleted, only deactivated."
            ),
            DeviceKind::Passkey => format!(
                "{user} can no longer sign in with it. Passkeys and security keys cannot be deleted as entities, only deactivated; to use it again, register it in the console."
            ),
            DeviceKind::Sms => format!(
                "{user} can no longer sign in with it. AWS retired SMS MFA: it cannot be enabled again."
            ),
        });
        if self.device_count() == 1 {
            lines.push(format!(
                "It is {user}'s only MFA device: {user} will have no MFA left."
            ));
        }
        Confirm::new(
            "Deactivate device",
            lines,
            "deactivate",
            Planned::Deactivate(device),
        )
    }

    fn delete_question(device: MfaDevice) -> Confirm<Planned> {
        let lines = vec![
            format!("Delete the virtual device entity {}?", device_name_from_serial(&device.serial)),
            device.serial.clone(),
            "It is no longer assigned; deleting it frees its name. Its secret is gone for good: entries for it in authenticator apps stop working.".to_string(),
            "Press n to keep it (unassigned).".to_string(),
        ];
        Confirm::new(
            "Delete virtual device",
            lines,
            "delete",
            Planned::DeleteEntity(device),
        )
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

    fn on_confirm(&mut self, ctx: &mut Ctx, key: KeyEvent, confirm: Confirm<Planned>) -> Nav {
        match Confirm::<Planned>::answer(key) {
            Answer::Undecided => {
                self.show(Dialog::Confirm(confirm));
                Nav::Stay
            }
            Answer::No => {
                match confirm.action {
                    Planned::DeleteEntity(device) => self.say(format!(
                        "Kept {} unassigned; its name stays taken until it is deleted (Virtual MFA devices screen)",
                        describe(&device)
                    )),
                    Planned::FinishRotation { plan, new_serial } => self.say(format!(
                        "Kept {}: {} now has both it and {new_serial}",
                        describe(&plan.old),
                        plan.user_name
                    )),
                    _ => self.say("Nothing changed"),
                }
                Nav::Stay
            }
            Answer::Yes => match confirm.action {
                Planned::Deactivate(device) => {
                    self.deactivate(ctx, device, Purpose::Remove);
                    Nav::Stay
                }
                Planned::DeleteEntity(device) => {
                    self.delete(ctx, device, Purpose::Remove);
                    Nav::Stay
                }
                Planned::StartRotation(plan) => match plan.order {
                    RotateOrder::EnrollFirst => {
                        self.rotation = Some(plan);
                        self.open_wizard(ctx)
                    }
                    RotateOrder::MakeRoomFirst => {
                        let old = plan.old.clone();
                        self.deactivate(ctx, old, Purpose::MakeRoom(plan));
                        Nav::Stay
                    }
                },
                Planned::FinishRotation { plan, new_serial } => {
                    let old = plan.old.clone();
                    self.deactivate(ctx, old, Purpose::FinishRotation { plan, new_serial });
                    Nav::Stay
                }
            },
        }
    }

    fn deactivate(&mut self, ctx: &mut Ctx, device: MfaDevice, purpose: Purpose) {
        let request = op::DeactivateMfaDevice {
            user_name: self.user_name.clone(),
            serial: device.serial.clone(),
        };
        self.start(
            ctx,
            Work::new(request, Step::Deactivate { device, purpose }),
        );
    }

    fn delete(&mut self, ctx: &mut Ctx, device: MfaDevice, purpose: Purpose) {
        let request = op::DeleteVirtualMfaDevice {
            serial: device.serial.clone(),
        };
        self.start(ctx, Work::new(request, Step::Delete { device, purpose }));
    }

    fn untag(&mut self, ctx: &mut Ctx, serial: String, key: String) {
        let request = op::UntagMfaDevice {
            serial: serial.clone(),
            keys: vec![key],
        };
        self.start(ctx, Work::new(request, Step::Untag { serial }));
    }

    fn start(&mut self, ctx: &mut Ctx, work: Work) {
        self.pending
            .call(ctx, work.request.clone(), Wait::Change(Box::new(work)));
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
            Some(Wait::Change(work)) => {
                return match (work.answer)(result) {
                    Ok(()) => self.on_done(ctx, work.step),
                    Err(error) => self.on_failed(ctx, *work, error),
                };
            }
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

    fn on_done(&mut self, ctx: &mut Ctx, step: Step) -> Nav {
        match step {
            Step::Deactivate { device, purpose } => {
                let is_virtual = device.kind() == DeviceKind::Virtual;
                match purpose {
                    Purpose::Remove => {
                        self.say(format!(
                            "Deactivated {} for {}",
                            describe(&device),
                            self.user_name
                        ));
                        if is_virtual {
                            self.show(Dialog::Confirm(Self::delete_question(device)));
                        }
                    }
                    purpose if is_virtual => {
                        self.delete(ctx, device, purpose);
                        return Nav::Stay;
                    }
                    purpose => return self.removed_for_rotation(ctx, purpose),
                }
            }
            Step::Delete {
                device,
                purpose: Purpose::Remove,
            } => self.say(format!(
                "Deleted {}; its name is free again",
                describe(&device)
            )),
            Step::Delete { purpose, .. } => return self.removed_for_rotation(ctx, purpose),
            Step::Resync { device } => {
                self.dialog = None;
                self.say(format!(
                    "Resynchronized {}: its codes are accepted again",
                    describe(&device)
                ));
                return Nav::Stay;
            }
            Step::Tag {
                serial,
                rename_from: Some(old_key),
            } => {
                self.untag(ctx, serial, old_key);
                return Nav::Stay;
            }
            Step::Tag { serial, .. } | Step::Untag { serial } => {
                if let Some(Dialog::Tags(editor)) = self.dialog.as_deref_mut() {
                    editor.saved();
                }
                self.list_tags(ctx, serial);
                return Nav::Stay;
            }
        }
        self.reload(ctx);
        Nav::Stay
    }

    /// The old device is gone (deactivated, and deleted if virtual): the rotation's next step.
    fn removed_for_rotation(&mut self, ctx: &mut Ctx, purpose: Purpose) -> Nav {
        match purpose {
            Purpose::MakeRoom(plan) => {
                // No reload here: requests sent with a push belong to the pushed screen. The list is
                // reloaded when the wizard closes.
                self.say(format!(
                    "Removed {}; now enroll the new device",
                    describe(&plan.old)
                ));
                self.rotation = Some(plan);
                self.open_wizard(ctx)
            }
            Purpose::FinishRotation { plan, new_serial } => {
                self.say(format!(
                    "Rotated: {} replaced by {new_serial}",
                    describe(&plan.old)
                ));
                self.reload(ctx);
                Nav::Stay
            }
            Purpose::Remove => {
                self.reload(ctx);
                Nav::Stay
            }
        }
    }

    fn on_failed(&mut self, ctx: &mut Ctx, work: Work, error: IamError) -> Nav {
        let reason = match work.step {
            Step::Deactivate { .. } | Step::Delete { .. } => {
                "Removing a device needs an MFA session"
            }
            Step::Resync { .. } => "Resyncing a device needs an MFA session",
            Step::Tag { .. } | Step::Untag { .. } => "Changing tags needs an MFA session",
        };
        if let (IamError::AccessDenied { action, .. }, Some(nav)) =
            (&error, mfa_session::offer(ctx, &error, reason))
        {
            self.after_session = Some(Box::new((work, *action)));
            return nav;
        }
        self.report_failure(work.step, &error);
        Nav::Stay
    }

    fn report_failure(&mut self, step: Step, error: &IamError) {
        match step {
            Step::Resync { .. } => {
                if let Some(Dialog::Resync(form)) = self.dialog.as_deref_mut() {
                    form.failed(error);
                }
            }
            Step::Tag { .. } | Step::Untag { .. } => {
                if let Some(Dialog::Tags(editor)) = self.dialog.as_deref_mut() {
                    editor.failed(error.to_string());
                }
            }
            Step::Deactivate { device, purpose } | Step::Delete { device, purpose } => {
                let stopped = match purpose {
                    Purpose::Remove => String::new(),
                    Purpose::MakeRoom(_) => {
                        " The rotation stopped before the new device.".to_string()
                    }
                    Purpose::FinishRotation { new_serial, .. } => {
                        format!(
                            " The new device {new_serial} is enabled; the old one is still there."
                        )
                    }
                };
                self.say_error(format!(
                    "Could not remove {}: {error}.{stopped}",
                    describe(&device)
                ));
            }
        }
    }

    fn on_resumed(&mut self, ctx: &mut Ctx, outcome: Outcome) -> Nav {
        if let Some(pending) = self.after_session.take() {
            let (work, action) = *pending;
            match outcome {
                // The session now signs every call: the same request goes through.
                Outcome::MfaSessionStarted(_) => self.start(ctx, work),
                _ => {
                    let error = IamError::AccessDenied {
                        action,
                        message: "No MFA session was started.".to_string(),
                        mfa_required: true,
                    };
                    self.report_failure(work.step, &error);
                }
            }
            return Nav::Stay;
        }
        let rotation = self.rotation.take();
        match (outcome, rotation) {
            (Outcome::Enrolled { serial, .. }, Some(plan))
                if plan.order == RotateOrder::EnrollFirst =>
            {
                self.show(Dialog::Confirm(Confirm::new(
                    "Finish rotation",
                    plan.finish_lines(&serial),
                    "remove old device",
                    Planned::FinishRotation {
                        plan,
                        new_serial: serial,
                    },
                )));
            }
            (Outcome::Enrolled { serial, .. }, Some(plan)) => {
                self.say(format!(
                    "Rotated: {} replaced by {serial}",
                    describe(&plan.old)
                ));
            }
            (Outcome::Enrolled { serial, .. }, None) => {
                self.say(format!("Enrolled {serial} for {}", self.user_name));
            }
            (_, Some(plan)) if plan.order == RotateOrder::EnrollFirst => {
                self.say("Rotation cancelled: nothing changed");
            }
            (_, Some(plan)) => self.say_error(format!(
                "{} was removed, but no new device was enrolled",
                describe(&plan.old)
            )),
            (_, None) => {}
        }
        self.reload(ctx);
        Nav::Stay
    }
}

#[cfg(test)]
mod tests;
