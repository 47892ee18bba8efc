//! Step 1: the user. An admin types to filter the account's users and picks one; the highlighted user's
//! device count (ListMFADevices) shows as "n of 8", and a user at 8 cannot be picked.

use crossterm::event::{KeyCode, KeyEvent};

use super::{Purpose, Step, WizardState};
use crate::app::text_input::{InputChange, TextInput};
use crate::app::{Ctx, Loadable, Nav};
use crate::iam::{IamError, IamResult, MAX_DEVICES_PER_USER, MfaDevice, User, op};

#[derive(Debug, Default)]
pub struct UserPicker {
    pub users: Loadable<Vec<User>>,
    pub filter: TextInput,
    /// Index into [`UserPicker::visible`].
    pub selected: usize,
    /// Why the highlighted user cannot be picked (at the limit).
    pub error: Option<String>,
    /// Enter was pressed on a user whose count was still loading: go on when it arrives.
    pub choosing: Option<String>,
}

impl UserPicker {
    /// The users whose name contains the filter, ignoring case.
    pub fn visible(&self) -> Vec<&User> {
        let filter = self.filter.value().to_lowercase();
        self.users
            .loaded()
            .map(|users| {
                users
                    .iter()
                    .filter(|u| u.name.to_lowercase().contains(&filter))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn highlighted(&self) -> Option<&User> {
        self.visible().get(self.selected).copied()
    }
}

/// The message of a user at the device limit.
pub fn at_limit_message(user_name: &str) -> String {
    format!(
        "{user_name} already has {MAX_DEVICES_PER_USER} of {MAX_DEVICES_PER_USER} MFA devices, the most IAM allows: remove one first (Users → {user_name})"
    )
}

impl WizardState {
    pub(super) fn on_user_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        let count = self.picker.visible().len();
        match key.code {
            KeyCode::Up => self.move_highlight(ctx, count, -1),
            KeyCode::Down => self.move_highlight(ctx, count, 1),
            KeyCode::Enter => self.pick_highlighted(ctx),
            KeyCode::Esc if !self.picker.filter.is_empty() => {
                self.picker.filter.clear();
                self.after_filter_change(ctx);
                Nav::Stay
            }
            KeyCode::Esc => self.leave_naming_lost(ctx, false),
            KeyCode::Char('r') if matches!(self.picker.users, Loadable::Failed(_)) => {
                self.picker.users = Loadable::Loading;
                self.send(ctx, op::ListUsers, Purpose::Users);
                Nav::Stay
            }
            _ => {
                if self.picker.filter.handle_key(key) == InputChange::Edited {
                    self.after_filter_change(ctx);
                }
                Nav::Stay
            }
        }
    }

    fn move_highlight(&mut self, ctx: &mut Ctx, count: usize, by: isize) -> Nav {
        if count > 0 {
            self.picker.selected =
                (self.picker.selected as isize + by).rem_euclid(count as isize) as usize;
            self.picker.error = None;
            self.count_highlighted(ctx);
        }
        Nav::Stay
    }

    pub(super) fn after_filter_change(&mut self, ctx: &mut Ctx) {
        self.picker.selected = 0;
        self.picker.error = None;
        self.count_highlighted(ctx);
    }

    /// Asks for the highlighted user's device count, once per user.
    fn count_highlighted(&mut self, ctx: &mut Ctx) {
        if let Some(name) = self.picker.highlighted().map(|u| u.name.clone()) {
            self.request_count(ctx, name);
        }
    }

    pub(super) fn request_count(&mut self, ctx: &mut Ctx, user_name: String) {
        if self.device_counts.contains_key(&user_name) {
            return;
        }
        self.device_counts
            .insert(user_name.clone(), Loadable::Loading);
        let request = op::ListMfaDevices {
            user_name: user_name.clone(),
        };
        self.send(ctx, request, Purpose::DeviceCount(user_name));
    }

    fn pick_highlighted(&mut self, ctx: &mut Ctx) -> Nav {
        if let Some(name) = self.picker.highlighted().map(|u| u.name.clone()) {
            self.pick(ctx, name);
        }
        Nav::Stay
    }

    fn pick(&mut self, ctx: &mut Ctx, name: String) {
        match self.device_counts.get(&name) {
            Some(Loadable::Loaded(n)) if *n >= MAX_DEVICES_PER_USER => {
                self.picker.error = Some(at_limit_message(&name));
            }
            Some(Loadable::Loading) => self.picker.choosing = Some(name),
            // A count that failed to load does not stop the wizard: IAM enforces the limit anyway.
            _ => self.choose_user(ctx, name),
        }
    }

    /// Moves on to the device name for `user_name`; the name defaults to the user name.
    pub(super) fn choose_user(&mut self, ctx: &mut Ctx, user_name: String) {
        self.request_count(ctx, user_name.clone());
        if self.user_name.as_deref() != Some(&user_name) || self.name.input.is_empty() {
            self.name.input.set(user_name.clone());
        }
        self.user_name = Some(user_name);
        self.picker.choosing = None;
        self.step = Step::Name;
    }

    pub(super) fn on_users(&mut self, ctx: &mut Ctx, users: IamResult<Vec<User>>) {
        // A caller who may not list users can still enroll for themselves.
        if let (Err(IamError::AccessDenied { .. }), Some(own)) =
            (&users, ctx.session.own_user_name())
        {
            self.user_fixed = true;
            self.choose_user(ctx, own);
            return;
        }
        self.picker.users = Loadable::from_result(users);
        self.picker.selected = 0;
        self.count_highlighted(ctx);
    }

    pub(super) fn on_device_count(
        &mut self,
        ctx: &mut Ctx,
        user_name: String,
        devices: IamResult<Vec<MfaDevice>>,
    ) {
        let count = devices.map(|devices| devices.len());
        self.device_counts
            .insert(user_name.clone(), Loadable::from_result(count));
        if self.picker.choosing.as_deref() == Some(&user_name) {
            self.picker.choosing = None;
            self.pick(ctx, user_name);
        }
    }
}
