//! Every virtual MFA device in the account, with the Any/Assigned/Unassigned filter, the assigned user and
//! the enable date; and the orphan sweep: mark unassigned devices (abandoned enrollments that keep their
//! names taken), confirm once with the list in front of you, then see what was deleted and what failed.
//!
//! Before the confirmation the sweep reads each device's tags: one that another run of the app marked
//! as an enrollment in progress less than `enrollment_marker::IN_PROGRESS_FOR` ago is left out, and
//! the confirmation says why, unless the user insists (`!`). After the sweep, a delete whose answer was
//! unclear is settled by the fresh listing: a device no longer there was deleted.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crossterm::event::{KeyCode, KeyEvent};

use super::Status;
use super::enrollment_marker::{Standing, in_progress_reason};
use super::manage::confirm::{Answer, Confirm};
use super::manage::list_cursor::ListCursor;
use super::{
    Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Response, Screen, Ticket, devices,
};
use crate::iam::{
    AssignmentFilter, IamError, IamResult, Operation, Tag, VirtualMfaDevice,
    device_name_from_serial, op, validate,
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

    /// A delete whose answer may hide its effect, settled by the listing after the sweep: a device no
    /// longer listed was deleted.
    fn settle_unclear(&mut self, listed: &BTreeSet<&String>) {
        let (gone, still): (Vec<_>, Vec<_>) = std::mem::take(&mut self.failed)
            .into_iter()
            .partition(|(serial, error)| error.may_hide_a_change() && !listed.contains(serial));
        self.failed = still;
        self.deleted
            .extend(gone.into_iter().map(|(serial, _)| serial));
    }
}

/// What a request of the screen is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wait {
    List,
    /// The tags of a device the sweep would delete (its enrollment marker).
    Tags(String),
    /// One delete of the sweep.
    Delete(String),
}

/// The devices a sweep would delete, with what their tags say, before and while the confirmation is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vetting {
    pub serials: Vec<String>,
    /// Per serial, once read; `Err`: the tags could not be read (why).
    pub standings: BTreeMap<String, Result<Standing, String>>,
    /// The user pressed `!`: enrollments in progress are deleted too.
    pub insisted: bool,
}

impl Vetting {
    fn complete(&self) -> bool {
        self.standings.len() == self.serials.len()
    }

    fn in_progress(&self, serial: &str) -> Option<crate::iam::Timestamp> {
        match self.standings.get(serial) {
            Some(Ok(Standing::InProgress { since })) => Some(*since),
            _ => None,
        }
    }

    /// The devices to delete: all of them if the user insisted, else those nobody is enrolling.
    fn to_delete(&self) -> Vec<String> {
        self.serials
            .iter()
            .filter(|serial| self.insisted || self.in_progress(serial).is_none())
            .cloned()
            .collect()
    }

    fn held_back(&self) -> Vec<(String, crate::iam::Timestamp)> {
        if self.insisted {
            return Vec::new();
        }
        self.serials
            .iter()
            .filter_map(|serial| Some((serial.clone(), self.in_progress(serial)?)))
            .collect()
    }
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
    /// The tags of the devices to sweep, being read or read (the confirmation is built from them).
    pub vetting: Option<Vetting>,
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
            vetting: None,
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
            let holding_back = self
                .vetting
                .as_ref()
                .is_some_and(|v| !v.held_back().is_empty());
            if key.code == KeyCode::Char('!') && holding_back {
                if let Some(vetting) = self.vetting.as_mut() {
                    vetting.insisted = true;
                }
                self.build_confirm();
                return Nav::Stay;
            }
            match Confirm::<Vec<String>>::answer(key) {
                Answer::Yes if confirm.action.is_empty() => {
                    self.vetting = None;
                    self.message = Some(Status::warning("Nothing deleted"));
                }
                Answer::Yes => {
                    self.vetting = None;
                    self.start_sweep(ctx, confirm.action);
                }
                Answer::No => {
                    self.vetting = None;
                    self.message = Some(Status::warning("Nothing deleted"));
                }
                Answer::Undecided => self.confirm = Some(confirm),
            }
            return Nav::Stay;
        }
        if self.vetting.is_some() {
            // Reading the tags: the confirmation comes next.
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
                self.ask_sweep(ctx);
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

    /// Reads the tags of every device the sweep would delete; the confirmation follows.
    fn ask_sweep(&mut self, ctx: &mut Ctx) {
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
        for serial in &serials {
            let tags = op::ListMfaDeviceTags {
                serial: serial.clone(),
            };
            self.pending.call(ctx, tags, Wait::Tags(serial.clone()));
        }
        self.vetting = Some(Vetting {
            serials,
            standings: BTreeMap::new(),
            insisted: false,
        });
    }

    fn on_tags(&mut self, ctx: &Ctx, serial: String, tags: IamResult<Vec<Tag>>) {
        let Some(vetting) = self.vetting.as_mut() else {
            return;
        };
        let standing = tags
            .map(|tags| Standing::of(&tags, ctx.now))
            .map_err(|error| error.to_string());
        vetting.standings.insert(serial, standing);
        if vetting.complete() {
            self.build_confirm();
        }
    }

    /// One confirmation, listing every device the sweep will delete and each it leaves out, and why.
    fn build_confirm(&mut self) {
        let Some(vetting) = &self.vetting else {
            return;
        };
        let serials = vetting.to_delete();
        let held = vetting.held_back();
        let count = serials.len();
        let mut lines = vec![format!(
            "Delete {count} unassigned virtual MFA device{}:",
            if count == 1 { "" } else { "s" }
        )];
        for serial in &serials {
            let line = match vetting.standings.get(serial) {
                Some(Err(_)) => format!("  {serial} (tags not readable: in use or not, unknown)"),
                Some(Ok(Standing::InProgress { since })) => {
                    format!("  {serial} (you insisted: {})", in_progress_reason(*since))
                }
                _ => format!("  {serial}"),
            };
            lines.push(line);
        }
        if !held.is_empty() {
            lines.push(format!(
                "Left out, {} (press ! to delete them too):",
                if held.len() == 1 {
                    "an enrollment in progress"
                } else {
                    "enrollments in progress"
                }
            ));
            for (serial, since) in &held {
                lines.push(format!("  {serial}"));
                lines.push(format!("    {}", in_progress_reason(*since)));
            }
        }
        if count > 0 {
            lines.push("Their names become free; their secrets are gone for good.".to_string());
        }
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
            Some(Wait::Tags(serial)) => {
                self.on_tags(ctx, serial, op::ListMfaDeviceTags::answer(result));
            }
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
            let listed: BTreeSet<&String> = devices.iter().map(|d| &d.serial).collect();
            if let Some(sweep) = self.sweep.as_mut().filter(|s| s.current.is_none()) {
                sweep.settle_unclear(&listed);
            }
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
            // Gone: deleted by this call (a retry after a lost answer meets NoSuchEntity) or another.
            Ok(()) | Err(IamError::NoSuchEntity(_)) => sweep.deleted.push(serial),
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
