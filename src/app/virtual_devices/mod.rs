//! Every virtual MFA device in the account, with the Any/Assigned/Unassigned filter, the assigned user and
//! the enable date; and the orphan sweep: mark unassigned devices (abandoned enrollments that keep their
//! names taken), confirm once with the list in front of you, then see what was deleted and what failed.

use std::collections::{BTreeSet, VecDeque};

use crossterm::event::{KeyCode, KeyEvent};

use super::Status;
use super::manage::confirm::{Answer, Confirm};
use super::manage::list_cursor::ListCursor;
use super::{
    Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Response, Screen, Ticket, devices,
};
use crate::iam::{
    AssignmentFilter, IamError, IamResult, Operation, VirtualMfaDevice, device_name_from_serial,
    op, validate,
};

/// The deletes of one sweep, sent one after the other (a sweep is a handful of devices; one at a time
/// keeps the report in order and IAM unthrottled).
#[derive(Debug)]
pub struct Sweep {
    queue: VecDeque<String>,
    /// The device being deleted now.
    current: Option<String>,
    pub total: usize,
    pub deleted: Vec<String>,
    pub failed: Vec<(String, IamError)>,
}

impl Sweep {
    pub fn done_count(&self) -> usize {
        self.deleted.len() + self.failed.len()
    }
}

/// What a request of the screen is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wait {
    List,
    /// One delete of the sweep.
    Delete(String),
}

#[derive(Debug)]
pub struct VirtualDevicesState {
    pub filter: AssignmentFilter,
    pub devices: Loadable<Vec<VirtualMfaDevice>>,
    pending: Pending<Wait>,
    pub cursor: ListCursor,
    /// Serials marked for the sweep (unassigned devices only).
    pub marked: BTreeSet<String>,
    pub confirm: Option<Confirm<Vec<String>>>,
    /// The sweep under way, or finished and shown until dismissed.
    pub sweep: Option<Sweep>,
    pub message: Option<Status>,
}

impl VirtualDevicesState {
    pub fn open(ctx: &mut Ctx) -> Self {
        let mut state = Self {
            filter: AssignmentFilter::Any,
            devices: Loadable::Loading,
            pending: Pending::default(),
            cursor: ListCursor::default(),
            marked: BTreeSet::new(),
            confirm: None,
            sweep: None,
            message: None,
        };
        state.reload(ctx);
        state
    }

    pub fn selected(&self) -> Option<&VirtualMfaDevice> {
        self.devices.loaded()?.get(self.cursor.selected)
    }

    /// Whether the sweep is still deleting.
    pub fn sweeping(&self) -> bool {
        self.sweep.as_ref().is_some_and(|s| s.current.is_some())
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        self.devices = Loadable::Loading;
        let listing = op::ListVirtualMfaDevices {
            filter: self.filter,
        };
        self.pending.replace(ctx, listing, Wait::List);
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => self.on_key(ctx, key),
            Event::Response(ticket, Response::Iam(result)) => {
                self.on_response(ctx, ticket, result);
                Nav::Stay
            }
            Event::Resumed(_) => {
                // A user's devices may have changed on the screen that closed.
                self.reload(ctx);
                Nav::Stay
            }
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }

    fn on_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        if let Some(confirm) = self.confirm.take() {
            match Confirm::<Vec<String>>::answer(key) {
                Answer::Yes => self.start_sweep(ctx, confirm.action),
                Answer::No => self.message = Some(Status::warning("Nothing deleted")),
                Answer::Undecided => self.confirm = Some(confirm),
            }
            return Nav::Stay;
        }
        if self.sweeping() {
            return Nav::Stay;
        }
        if self.sweep.is_some() {
            // The report is up: any key closes it.
            self.sweep = None;
            return Nav::Stay;
        }
        let len = self.devices.loaded().map_or(0, Vec::len);
        if self
            .cursor
            .handle_key(key, len, ListCursor::page_for(ctx.size.1))
        {
            return Nav::Stay;
        }
        self.message = None;
        match key.code {
            KeyCode::Esc => Nav::Pop(Outcome::Closed),
            KeyCode::Char('r') => {
                self.reload(ctx);
                Nav::Stay
            }
            KeyCode::Char('f') => {
                self.filter = match self.filter {
                    AssignmentFilter::Any => AssignmentFilter::Assigned,
                    AssignmentFilter::Assigned => AssignmentFilter::Unassigned,
                    AssignmentFilter::Unassigned => AssignmentFilter::Any,
                };
                self.reload(ctx);
                Nav::Stay
            }
            KeyCode::Char(' ') => {
                self.toggle_mark();
                Nav::Stay
            }
            KeyCode::Char('u') => {
                self.mark_all_unassigned();
                Nav::Stay
            }
            KeyCode::Char('d') => {
                self.ask_sweep();
                Nav::Stay
            }
            KeyCode::Enter => self.open_user(ctx),
            _ => Nav::Stay,
        }
    }

    fn toggle_mark(&mut self) {
        let Some(device) = self.selected() else {
            return;
        };
        if let Some(user) = &device.user_name {
            self.message = Some(Status::warning(format!(
                "{} is assigned to {user}: deactivate it on the user's devices first (Enter)",
                device.name()
            )));
            return;
        }
        let serial = device.serial.clone();
        if !self.marked.remove(&serial) {
            self.marked.insert(serial);
        }
    }

    fn mark_all_unassigned(&mut self) {
        if let Some(devices) = self.devices.loaded() {
            self.marked.extend(
                devices
                    .iter()
                    .filter(|d| !d.is_assigned())
                    .map(|d| d.serial.clone()),
            );
        }
    }

    /// One confirmation, listing every device the sweep will delete.
    fn ask_sweep(&mut self) {
        let mut serials: Vec<String> = self.marked.iter().cloned().collect();
        if serials.is_empty() {
            match self.selected() {
                Some(device) if !device.is_assigned() => serials.push(device.serial.clone()),
                Some(device) => {
                    self.message = Some(Status::warning(format!(
                        "{} is assigned: only unassigned devices can be deleted; mark them with space",
                        device.name()
                    )));
                    return;
                }
                None => return,
            }
        }
        let count = serials.len();
        let mut lines = vec![format!(
            "Delete {count} unassigned virtual MFA device{}:",
            if count == 1 { "" } else { "s" }
        )];
        lines.extend(serials.iter().map(|serial| format!("  {serial}")));
        lines.push("Their names become free; their secrets are gone for good.".to_string());
        self.confirm = Some(Confirm::new(
            "Delete unassigned devices",
            lines,
            "delete",
            serials,
        ));
    }

    fn start_sweep(&mut self, ctx: &mut Ctx, serials: Vec<String>) {
        self.sweep = Some(Sweep {
            total: serials.len(),
            queue: serials.into(),
            current: None,
            deleted: Vec::new(),
            failed: Vec::new(),
        });
        self.send_next_delete(ctx);
    }

    fn send_next_delete(&mut self, ctx: &mut Ctx) {
        let Some(sweep) = &mut self.sweep else {
            return;
        };
        match sweep.queue.pop_front() {
            Some(serial) => {
                let delete = op::DeleteVirtualMfaDevice {
                    serial: serial.clone(),
                };
                self.pending.call(ctx, delete, Wait::Delete(serial.clone()));
                sweep.current = Some(serial);
            }
            None => {
                sweep.current = None;
                self.marked.clear();
                self.reload(ctx);
            }
        }
    }

    fn open_user(&mut self, ctx: &mut Ctx) -> Nav {
        let Some(user) = self.selected().and_then(|d| d.user_name.clone()) else {
            return Nav::Stay;
        };
        if validate::user_name(&user).is_err() {
            // The root user's device: root MFA is managed in the console only.
            self.message = Some(Status::warning(
                "This device belongs to the root user: manage it in the console",
            ));
            return Nav::Stay;
        }
        Nav::Push(ctx.open(|ctx| Screen::UserDevices(devices::DevicesState::open(ctx, user))))
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, result: IamResult<Reply>) {
        match self.pending.take(ticket) {
            Some(Wait::List) => self.on_list(ctx, op::ListVirtualMfaDevices::answer(result)),
            Some(Wait::Delete(serial)) => {
                self.on_deleted(ctx, serial, op::DeleteVirtualMfaDevice::answer(result));
            }
            // The answer to an earlier listing.
            None => {}
        }
    }

    fn on_list(&mut self, ctx: &mut Ctx, result: IamResult<Vec<VirtualMfaDevice>>) {
        self.devices = Loadable::from_result(result);
        if let Some(devices) = self.devices.loaded() {
            let len = devices.len();
            // Marks of devices that are gone or now assigned would be deleted blind.
            let unassigned: BTreeSet<&String> = devices
                .iter()
                .filter(|d| !d.is_assigned())
                .map(|d| &d.serial)
                .collect();
            self.marked.retain(|serial| unassigned.contains(serial));
            self.cursor
                .keep_visible(len, ListCursor::page_for(ctx.size.1));
        }
    }

    fn on_deleted(&mut self, ctx: &mut Ctx, serial: String, result: IamResult<()>) {
        let Some(sweep) = &mut self.sweep else {
            return;
        };
        sweep.current = None;
        match result {
            Ok(()) => sweep.deleted.push(serial),
            Err(error) => sweep.failed.push((serial, error)),
        }
        self.send_next_delete(ctx);
    }
}

/// The device name for lists and reports.
pub fn short_name(serial: &str) -> &str {
    device_name_from_serial(serial)
}

#[cfg(test)]
mod tests;
