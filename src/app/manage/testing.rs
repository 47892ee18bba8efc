//! Test helpers for the device-management screens: an `Iam` wrapper that counts calls and fails chosen
//! ones, and ways into each screen through the keys a person would press.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use crossterm::event::KeyCode;

use crate::app::devices::DevicesState;
use crate::app::users::UsersState;
use crate::app::virtual_devices::VirtualDevicesState;
use crate::app::{Event, Outcome, Screen};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::{
    AssignmentFilter, CallerIdentity, CreatedVirtualDevice, Iam, IamError, IamResult, MfaDevice,
    MfaSession, NewVirtualDevice, Tag, User, VirtualMfaDevice,
};
use crate::otp::Seed;

/// Wraps a backend: counts every call by IAM action name, fails the actions told to, and can hide the
/// seeds (as AWS does).
pub struct Recording {
    inner: Arc<dyn Iam>,
    calls: Mutex<HashMap<&'static str, usize>>,
    failures: Mutex<HashMap<&'static str, IamError>>,
    pub hide_seeds: bool,
}

impl Recording {
    pub fn new(inner: Arc<dyn Iam>) -> Self {
        Self {
            inner,
            calls: Mutex::default(),
            failures: Mutex::default(),
            hide_seeds: false,
        }
    }

    /// Calls to `action` (e.g. "iam:ListMFADevices") since the last reset.
    pub fn calls(&self, action: &str) -> usize {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(action)
            .copied()
            .unwrap_or(0)
    }

    pub fn total_calls(&self) -> usize {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .sum()
    }

    pub fn reset(&self) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub fn fail(&self, action: &'static str, error: IamError) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(action, error);
    }

    pub fn clear_failures(&self) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn record(&self, action: &'static str) -> IamResult<()> {
        *self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(action)
            .or_default() += 1;
        match self
            .failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(action)
        {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl Iam for Recording {
    async fn caller_identity(&self) -> IamResult<CallerIdentity> {
        self.record("sts:GetCallerIdentity")?;
        self.inner.caller_identity().await
    }
    async fn may_list_users(&self) -> IamResult<bool> {
        self.inner.may_list_users().await
    }
    async fn list_users(&self) -> IamResult<Vec<User>> {
        self.record("iam:ListUsers")?;
        self.inner.list_users().await
    }
    async fn get_user(&self, user_name: Option<&str>) -> IamResult<User> {
        self.record("iam:GetUser")?;
        self.inner.get_user(user_name).await
    }
    async fn list_mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>> {
        self.record("iam:ListMFADevices")?;
        self.inner.list_mfa_devices(user_name).await
    }
    async fn list_virtual_mfa_devices(
        &self,
        filter: AssignmentFilter,
    ) -> IamResult<Vec<VirtualMfaDevice>> {
        self.record("iam:ListVirtualMFADevices")?;
        self.inner.list_virtual_mfa_devices(filter).await
    }
    async fn create_virtual_mfa_device(
        &self,
        request: &NewVirtualDevice,
    ) -> IamResult<CreatedVirtualDevice> {
        self.record("iam:CreateVirtualMFADevice")?;
        self.inner.create_virtual_mfa_device(request).await
    }
    async fn enable_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.record("iam:EnableMFADevice")?;
        self.inner
            .enable_mfa_device(user_name, serial, code1, code2)
            .await
    }
    async fn deactivate_mfa_device(&self, user_name: &str, serial: &str) -> IamResult<()> {
        self.record("iam:DeactivateMFADevice")?;
        self.inner.deactivate_mfa_device(user_name, serial).await
    }
    async fn resync_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        self.record("iam:ResyncMFADevice")?;
        self.inner
            .resync_mfa_device(user_name, serial, code1, code2)
            .await
    }
    async fn delete_virtual_mfa_device(&self, serial: &str) -> IamResult<()> {
        self.record("iam:DeleteVirtualMFADevice")?;
        self.inner.delete_virtual_mfa_device(serial).await
    }
    async fn tag_mfa_device(&self, serial: &str, tags: &[Tag]) -> IamResult<()> {
        self.record("iam:TagMFADevice")?;
        self.inner.tag_mfa_device(serial, tags).await
    }
    async fn untag_mfa_device(&self, serial: &str, keys: &[String]) -> IamResult<()> {
        self.record("iam:UntagMFADevice")?;
        self.inner.untag_mfa_device(serial, keys).await
    }
    async fn list_mfa_device_tags(&self, serial: &str) -> IamResult<Vec<Tag>> {
        self.record("iam:ListMFADeviceTags")?;
        self.inner.list_mfa_device_tags(serial).await
    }
    async fn start_mfa_session(
        &self,
        serial: &str,
        code: &str,
        duration: Option<Duration>,
    ) -> IamResult<MfaSession> {
        self.record("sts:GetSessionToken")?;
        self.inner.start_mfa_session(serial, code, duration).await
    }
    fn mfa_session(&self) -> Option<MfaSession> {
        self.inner.mfa_session()
    }
    fn known_seed(&self, serial: &str) -> Option<Seed> {
        if self.hide_seeds {
            None
        } else {
            self.inner.known_seed(serial)
        }
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// The app on the seeded demo account, its calls recorded.
pub async fn recorded(identity: DemoIdentity, cols: u16, rows: u16) -> (Headless, Arc<Recording>) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(identity, Arc::new(clock.clone()));
    on_account(demo, clock, cols, rows).await
}

/// The app on a demo account the test built (`DemoAccount::empty` and its helpers).
pub async fn on_account(
    demo: DemoAccount,
    clock: ManualClock,
    cols: u16,
    rows: u16,
) -> (Headless, Arc<Recording>) {
    let recording = Arc::new(Recording::new(Arc::new(demo)));
    let headless = Headless::new(recording.clone(), clock, true, cols, rows).await;
    recording.reset();
    (headless, recording)
}

pub async fn press(h: &mut Headless, c: char) {
    h.press_code(KeyCode::Char(c)).await;
}

/// Home → Users.
pub async fn open_users(h: &mut Headless) {
    press(h, 'u').await;
}

/// Home → Users → filter to `user_name` → Enter.
pub async fn open_devices_of(h: &mut Headless, user_name: &str) {
    open_users(h).await;
    press(h, '/').await;
    h.type_text(user_name).await;
    h.press_code(KeyCode::Enter).await;
    h.press_code(KeyCode::Enter).await;
    assert!(
        matches!(h.app.screen(), Screen::UserDevices(_)),
        "{}",
        h.screen_text()
    );
}

/// Esc until the home screen is on top.
pub async fn back_home(h: &mut Headless) {
    for _ in 0..5 {
        if matches!(h.app.screen(), Screen::Home(_)) {
            return;
        }
        h.press_code(KeyCode::Esc).await;
    }
    panic!("Esc did not lead home:\n{}", h.screen_text());
}

pub fn users(h: &Headless) -> &UsersState {
    match h.app.screen() {
        Screen::Users(state) => state,
        other => panic!("expected the Users screen, found {other:?}"),
    }
}

pub fn devices(h: &Headless) -> &DevicesState {
    match h.app.screen() {
        Screen::UserDevices(state) => state,
        other => panic!("expected a user's devices, found {other:?}"),
    }
}

pub fn virtual_devices(h: &Headless) -> &VirtualDevicesState {
    match h.app.screen() {
        Screen::VirtualDevices(state) => state,
        other => panic!("expected the virtual devices, found {other:?}"),
    }
}

/// Moves the cursor of the devices screen to the device with `serial`.
pub async fn select_device(h: &mut Headless, serial: &str) {
    h.press_code(KeyCode::Home).await;
    for _ in 0..8 {
        if devices(h).selected().is_some_and(|d| d.serial == serial) {
            return;
        }
        h.press_code(KeyCode::Down).await;
    }
    panic!("{serial} is not listed:\n{}", h.screen_text());
}

/// Closes the wizard on top as if it had ended with `outcome`, and lets the screen below react (the
/// wizard's own flow is tested with the wizard).
pub async fn end_wizard(h: &mut Headless, outcome: Outcome) {
    let (_, top) = h.app.stack.pop().expect("a screen");
    assert!(
        matches!(top, Screen::Wizard(_)),
        "the wizard was on top, not {top:?}"
    );
    let below = h.app.stack.last().expect("a screen below").0;
    h.app.deliver(below, Event::Resumed(outcome));
    // The effects of that delivery go out with the next update.
    h.advance(0).await;
}

/// Creates and enables a new virtual device for `user_name` through the backend, as the wizard would.
pub async fn enroll_behind_the_screen(h: &Headless, user_name: &str, device_name: &str) -> String {
    let created = h
        .iam
        .create_virtual_mfa_device(&NewVirtualDevice {
            name: device_name.into(),
            path: None,
            tags: vec![],
        })
        .await
        .expect("created");
    let window = crate::otp::window(crate::clock::Clock::now(&h.clock));
    let (code1, code2) = (
        created.seed.code_for_window(window - 1),
        created.seed.code_for_window(window),
    );
    h.iam
        .enable_mfa_device(user_name, &created.serial, &code1, &code2)
        .await
        .expect("enabled");
    created.serial
}

/// Names of a user's devices on the backend.
pub async fn device_serials(h: &Headless, user_name: &str) -> Vec<String> {
    h.iam
        .list_mfa_devices(user_name)
        .await
        .expect("listed")
        .into_iter()
        .map(|d| d.serial)
        .collect()
}

/// The seeded demo account's ID (checked against the caller identity in the devices tests).
pub const DEMO_ACCOUNT: &str = "210987654321";

pub fn demo_serial(device_name: &str) -> String {
    format!("arn:aws:iam::{DEMO_ACCOUNT}:mfa/{device_name}")
}
