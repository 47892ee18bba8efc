//! The Users screen: every user, filtered as you type and sorted by name or MFA state, with a column of
//! their devices ("2 of 8", and the kinds). Built for thousands of users: the list shows as soon as
//! ListUsers answers; one account-wide ListVirtualMFADevices(Assigned) fills in every user's virtual
//! devices at once; the per-user ListMFADevices (the only way to see hardware tokens and passkeys) go
//! out at most [`MAX_IN_FLIGHT`] at a time, the rows on screen first, then the filtered ones, then the
//! rest. Every key costs at most a filter and a sort of the list, never a pass per user per user.
//!
//! Under throttling the list still fills: a user's listing answered Throttling (after the SDK's own
//! retries) halves the number out at once ([`RequestCap`]) and goes back in the queue, up to
//! [`THROTTLED_REQUEUES`] times; a row that still fails is marked, and `r` asks again about the failed
//! rows alone (`R` reloads everything).

use std::collections::HashMap;

use crossterm::event::KeyCode;

use super::manage::list_cursor::ListCursor;
use super::manage::request_cap::RequestCap;
use super::manage::user_mfa_summary::{KindCounts, MfaSummary};
use super::text_input::{InputChange, TextInput};
use super::{
    Ctx, Event, Loadable, Nav, Outcome, Pending, Reply, Response, Screen, Ticket, devices,
};
use crate::iam::{
    AssignmentFilter, IamError, IamResult, MfaDevice, Operation, User, VirtualMfaDevice, op,
};

/// The most per-user ListMFADevices calls out at once (IAM throttles bursts; 8 keeps the list filling
/// quickly without tripping it). Throttling lowers it for a while: see [`RequestCap`].
pub const MAX_IN_FLIGHT: usize = 8;

/// How many times a user's listing answered Throttling goes back in the queue before the row is
/// marked failed. Each answer already carries the SDK's retries with backoff, and the cap halves at
/// each one, so the later tries go out into a quieter account.
pub const THROTTLED_REQUEUES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    /// Users without MFA first, then by device count; users not known yet last.
    MfaState,
}

impl SortBy {
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::MfaState => "MFA state",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    Waiting,
    InFlight,
    Done,
    /// The account-wide listing told everything (8 virtual devices): no call needed.
    Skipped,
}

/// What a request of the screen is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    Users,
    /// The account-wide ListVirtualMFADevices(Assigned).
    Assigned,
    /// One user's ListMFADevices, for the row at this position.
    Devices(usize),
    /// A per-user listing of an earlier load: it counts toward the bound, and its answer is dropped.
    Stale,
}

#[derive(Debug)]
pub struct UserRow {
    pub user: User,
    pub mfa: MfaSummary,
    /// Lower-case name and path, for the filter.
    search: String,
    fetch: Fetch,
    /// Throttling answers to this user's listing since it was last asked for by a person.
    throttled: usize,
}

#[derive(Debug)]
pub struct UsersState {
    pub rows: Loadable<Vec<UserRow>>,
    by_name: HashMap<String, usize>,
    /// Positions in `rows` that pass the filter, in sort order.
    pub shown: Vec<usize>,
    pub filter: TextInput,
    pub filtering: bool,
    pub sort: SortBy,
    pub cursor: ListCursor,
    page: usize,
    pending: Pending<Wait>,
    /// The account-wide listing, when it answers before ListUsers.
    early_virtual: Option<Vec<VirtualMfaDevice>>,
    /// Whether the account-wide listing has answered (either way).
    virtual_done: bool,
    pub virtual_error: Option<crate::iam::IamError>,
    /// Scan positions for the next user to ask about (they only move forward until the list changes).
    shown_scan: usize,
    all_scan: usize,
    /// Users whose device list is known (or failed), and how many need one at all.
    pub details_done: usize,
    pub details_needed: usize,
    pub details_failed: usize,
    /// How many per-user listings may be out now.
    pub cap: RequestCap,
}

impl UsersState {
    pub fn open(ctx: &mut Ctx) -> Self {
        let mut state = Self {
            rows: Loadable::Loading,
            by_name: HashMap::new(),
            shown: Vec::new(),
            filter: TextInput::new().max_len(128),
            filtering: false,
            sort: SortBy::Name,
            cursor: ListCursor::default(),
            page: ListCursor::page_for(ctx.size.1),
            pending: Pending::default(),
            early_virtual: None,
            virtual_done: false,
            virtual_error: None,
            shown_scan: 0,
            all_scan: 0,
            details_done: 0,
            details_needed: 0,
            details_failed: 0,
            cap: RequestCap::new(MAX_IN_FLIGHT),
        };
        state.load(ctx);
        state
    }

    /// Requests out right now (per-user listings, of this load and of earlier ones).
    pub fn in_flight(&self) -> usize {
        self.pending
            .count(|wait| matches!(wait, Wait::Devices(_) | Wait::Stale))
    }

    /// The user under the cursor.
    pub fn selected_user(&self) -> Option<&UserRow> {
        let rows = self.rows.loaded()?;
        self.shown.get(self.cursor.selected).map(|&i| &rows[i])
    }

    /// Whether per-user details are still coming.
    pub fn details_loading(&self) -> bool {
        self.rows.loaded().is_some() && self.details_done < self.details_needed
    }

    fn load(&mut self, ctx: &mut Ctx) {
        self.pending
            .repurpose(|wait| matches!(wait, Wait::Devices(_)).then_some(Wait::Stale));
        self.pending
            .forget(|wait| matches!(wait, Wait::Users | Wait::Assigned));
        self.rows = Loadable::Loading;
        self.by_name.clear();
        self.shown.clear();
        self.early_virtual = None;
        self.virtual_done = false;
        self.virtual_error = None;
        (self.details_done, self.details_needed, self.details_failed) = (0, 0, 0);
        self.pending.call(ctx, op::ListUsers, Wait::Users);
        let assigned = op::ListVirtualMfaDevices {
            filter: AssignmentFilter::Assigned,
        };
        self.pending.call(ctx, assigned, Wait::Assigned);
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        self.page = ListCursor::page_for(ctx.size.1);
        match event {
            Event::Key(key) if self.filtering => {
                match key.code {
                    KeyCode::Enter | KeyCode::Down => self.filtering = false,
                    KeyCode::Esc => {
                        self.filtering = false;
                        self.filter.clear();
                        self.refilter(ctx);
                    }
                    _ => {
                        if self.filter.handle_key(key) == InputChange::Edited {
                            self.refilter(ctx);
                        }
                    }
                }
                Nav::Stay
            }
            // The filter takes a paste while it is being typed (a newline in it does not end it).
            Event::Paste(text) if self.filtering => {
                if self.filter.paste(&text) == InputChange::Edited {
                    self.refilter(ctx);
                }
                Nav::Stay
            }
            Event::Key(key) => {
                if self.cursor.handle_key(key, self.shown.len(), self.page) {
                    // New rows on screen go first.
                    self.send_more(ctx);
                    return Nav::Stay;
                }
                match key.code {
                    KeyCode::Esc if !self.filter.is_empty() => {
                        self.filter.clear();
                        self.refilter(ctx);
                        Nav::Stay
                    }
                    KeyCode::Esc => Nav::Pop(Outcome::Closed),
                    KeyCode::Char('/') => {
                        self.filtering = true;
                        Nav::Stay
                    }
                    KeyCode::Char('s') => {
                        self.sort = match self.sort {
                            SortBy::Name => SortBy::MfaState,
                            SortBy::MfaState => SortBy::Name,
                        };
                        self.refilter(ctx);
                        Nav::Stay
                    }
                    KeyCode::Char('r') if self.details_failed > 0 => {
                        self.retry_failed(ctx);
                        Nav::Stay
                    }
                    KeyCode::Char('r' | 'R') => {
                        self.load(ctx);
                        Nav::Stay
                    }
                    KeyCode::Enter => match self.selected_user() {
                        Some(row) => {
                            let name = row.user.name.clone();
                            Nav::Push(ctx.open(|ctx| {
                                Screen::UserDevices(devices::DevicesState::open(ctx, name))
                            }))
                        }
                        None => Nav::Stay,
                    },
                    _ => Nav::Stay,
                }
            }
            Event::Response(ticket, Response::Iam(result)) => {
                self.on_response(ctx, ticket, result);
                Nav::Stay
            }
            Event::Resumed(_) => {
                // The user's devices may have changed on the screen that just closed.
                if let Some(name) = self.selected_user().map(|row| row.user.name.clone()) {
                    self.ask_again(ctx, &name);
                }
                Nav::Stay
            }
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, result: IamResult<Reply>) {
        match self.pending.take(ticket) {
            Some(Wait::Stale) => self.send_more(ctx),
            Some(Wait::Users) => self.on_users(ctx, op::ListUsers::answer(result)),
            Some(Wait::Assigned) => {
                self.virtual_done = true;
                match op::ListVirtualMfaDevices::answer(result) {
                    Ok(devices) => match self.rows.loaded() {
                        Some(_) => self.apply_virtual(&devices),
                        None => self.early_virtual = Some(devices),
                    },
                    // Each user's own listing still tells everything; this one only saved calls.
                    Err(error) => self.virtual_error = Some(error),
                }
                self.count_needed();
                self.after_change(ctx);
            }
            Some(Wait::Devices(index)) => {
                self.on_user_devices(index, op::ListMfaDevices::answer(result));
                self.after_change(ctx);
            }
            // The answer to an earlier load's listing.
            None => {}
        }
    }

    fn on_users(&mut self, ctx: &mut Ctx, result: IamResult<Vec<User>>) {
        let users = match result {
            Ok(users) => users,
            Err(error) => {
                self.rows = Loadable::Failed(error);
                return;
            }
        };
        let rows: Vec<UserRow> = users
            .into_iter()
            .map(|user| UserRow {
                search: format!("{} {}", user.name, user.path).to_lowercase(),
                user,
                mfa: MfaSummary::default(),
                fetch: Fetch::Waiting,
                throttled: 0,
            })
            .collect();
        self.by_name = rows
            .iter()
            .enumerate()
            .map(|(i, row)| (row.user.name.clone(), i))
            .collect();
        self.rows = Loadable::Loaded(rows);
        if let Some(devices) = self.early_virtual.take() {
            self.apply_virtual(&devices);
        }
        self.count_needed();
        self.refilter(ctx);
    }

    /// Counts every user's virtual devices from the one account-wide listing.
    fn apply_virtual(&mut self, devices: &[VirtualMfaDevice]) {
        let Loadable::Loaded(rows) = &mut self.rows else {
            return;
        };
        for row in rows.iter_mut() {
            row.mfa.virtual_listed = Some(0);
        }
        for device in devices {
            // The root user's device is listed too, under a name that is no IAM user's.
            let Some(&index) = device
                .user_name
                .as_ref()
                .and_then(|name| self.by_name.get(name))
            else {
                continue;
            };
            let listed = &mut rows[index].mfa.virtual_listed;
            *listed = Some(listed.unwrap_or(0) + 1);
        }
        for row in rows.iter_mut() {
            if row.fetch == Fetch::Waiting && row.mfa.complete_from_listing() {
                row.fetch = Fetch::Skipped;
            }
        }
    }

    fn count_needed(&mut self) {
        let Some(rows) = self.rows.loaded() else {
            return;
        };
        self.details_needed = rows
            .iter()
            .filter(|row| row.fetch != Fetch::Skipped)
            .count();
        self.details_done = rows.iter().filter(|row| row.fetch == Fetch::Done).count();
    }

    fn on_user_devices(&mut self, index: usize, result: IamResult<Vec<MfaDevice>>) {
        let throttled = matches!(result, Err(IamError::Throttled(_)));
        if throttled {
            self.cap.on_throttled();
        } else {
            self.cap.on_answer();
        }
        let Loadable::Loaded(rows) = &mut self.rows else {
            return;
        };
        let row = &mut rows[index];
        if throttled && row.throttled < THROTTLED_REQUEUES {
            row.throttled += 1;
            row.fetch = Fetch::Waiting;
            self.rescan_from(index);
            return;
        }
        row.fetch = Fetch::Done;
        match result {
            Ok(devices) => {
                row.mfa.devices = Some(KindCounts::of(&devices));
                row.mfa.failed = None;
                row.mfa.virtual_listed = Some(count_virtual(&devices));
            }
            Err(error) => {
                row.mfa.failed = Some(error.code().to_string());
                self.details_failed += 1;
            }
        }
        self.details_done += 1;
    }

    /// After new data: keep the sort current (only the MFA sort depends on it) and send more requests.
    fn after_change(&mut self, ctx: &mut Ctx) {
        if self.sort == SortBy::MfaState {
            self.refilter(ctx);
        } else {
            self.send_more(ctx);
        }
    }

    /// Recomputes the shown rows (filter, then sort), keeping the selected user selected.
    fn refilter(&mut self, ctx: &mut Ctx) {
        let Some(rows) = self.rows.loaded() else {
            return;
        };
        let selected = self.shown.get(self.cursor.selected).copied();
        let needle = self.filter.value().to_lowercase();
        self.shown = (0..rows.len())
            .filter(|&i| rows[i].search.contains(&needle))
            .collect();
        match self.sort {
            SortBy::Name => self
                .shown
                .sort_by(|&a, &b| rows[a].user.name.cmp(&rows[b].user.name)),
            SortBy::MfaState => self.shown.sort_by(|&a, &b| {
                (rows[a].mfa.rank(), &rows[a].user.name)
                    .cmp(&(rows[b].mfa.rank(), &rows[b].user.name))
            }),
        }
        if let Some(position) = selected.and_then(|s| self.shown.iter().position(|&i| i == s)) {
            self.cursor.selected = position;
        }
        self.cursor.keep_visible(self.shown.len(), self.page);
        self.shown_scan = 0;
        self.send_more(ctx);
    }

    /// Fills the free request slots, most visible users first.
    fn send_more(&mut self, ctx: &mut Ctx) {
        if !self.virtual_done {
            // The account-wide listing may make some per-user calls unneeded: wait for it.
            return;
        }
        while self.in_flight() < self.cap.get() {
            let Some(index) = self.next_to_ask() else {
                return;
            };
            let Loadable::Loaded(rows) = &mut self.rows else {
                return;
            };
            rows[index].fetch = Fetch::InFlight;
            let user_name = rows[index].user.name.clone();
            let listing = op::ListMfaDevices { user_name };
            self.pending.call(ctx, listing, Wait::Devices(index));
        }
    }

    fn next_to_ask(&mut self) -> Option<usize> {
        let rows = self.rows.loaded()?;
        let waiting = |i: usize| rows[i].fetch == Fetch::Waiting;
        let on_screen = self.cursor.visible(self.shown.len(), self.page);
        if let Some(&i) = self.shown[on_screen].iter().find(|&&i| waiting(i)) {
            return Some(i);
        }
        while let Some(&i) = self.shown.get(self.shown_scan) {
            if waiting(i) {
                return Some(i);
            }
            self.shown_scan += 1;
        }
        while self.all_scan < rows.len() {
            if waiting(self.all_scan) {
                return Some(self.all_scan);
            }
            self.all_scan += 1;
        }
        None
    }

    /// Asks about one user again (after their devices screen closed).
    fn ask_again(&mut self, ctx: &mut Ctx, name: &str) {
        let Some(&index) = self.by_name.get(name) else {
            return;
        };
        let Loadable::Loaded(rows) = &mut self.rows else {
            return;
        };
        match rows[index].fetch {
            Fetch::Waiting | Fetch::InFlight => return,
            Fetch::Done => self.details_done -= 1,
            Fetch::Skipped => self.details_needed += 1,
        }
        if rows[index].mfa.failed.take().is_some() {
            self.details_failed -= 1;
        }
        rows[index].fetch = Fetch::Waiting;
        rows[index].throttled = 0;
        self.rescan_from(index);
        self.send_more(ctx);
    }

    /// `r` with failed rows: asks again about those alone, at the cap as it stands.
    fn retry_failed(&mut self, ctx: &mut Ctx) {
        let Loadable::Loaded(rows) = &mut self.rows else {
            return;
        };
        let mut first = None;
        for (index, row) in rows.iter_mut().enumerate() {
            if row.fetch == Fetch::Done && row.mfa.failed.take().is_some() {
                row.fetch = Fetch::Waiting;
                row.throttled = 0;
                first.get_or_insert(index);
                self.details_done -= 1;
                self.details_failed -= 1;
            }
        }
        if let Some(index) = first {
            self.rescan_from(index);
        }
        self.send_more(ctx);
    }

    /// Row `index` waits again: the scans for the next user to ask about must see it.
    fn rescan_from(&mut self, index: usize) {
        self.all_scan = self.all_scan.min(index);
        self.shown_scan = 0;
    }
}

fn count_virtual(devices: &[MfaDevice]) -> usize {
    devices
        .iter()
        .filter(|d| d.kind() == crate::iam::DeviceKind::Virtual)
        .count()
}

#[cfg(test)]
mod tests;
