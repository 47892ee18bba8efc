//! Test helpers for the device-management screens: the app on a recorded demo account, and ways into
//! each screen through the keys a person would press.

use std::sync::Arc;

use crossterm::event::KeyCode;

use crate::app::devices::DevicesState;
use crate::app::users::UsersState;
use crate::app::virtual_devices::VirtualDevicesState;
use crate::app::{Event, Outcome, Screen};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::NewVirtualDevice;
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::recording::RecordingIam;

/// The app on the seeded demo account, its calls recorded.
pub async fn recorded(
    identity: DemoIdentity,
    cols: u16,
    rows: u16,
) -> (Headless, Arc<RecordingIam>) {
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
) -> (Headless, Arc<RecordingIam>) {
    let recording = Arc::new(RecordingIam::new(Arc::new(demo)));
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

/// The serials of the unassigned virtual devices, asked of the backend past the app.
pub async fn unassigned_serials(h: &Headless) -> Vec<String> {
    let list = h
        .iam
        .list_virtual_mfa_devices(crate::iam::AssignmentFilter::Unassigned)
        .await
        .expect("the demo account lists its devices");
    list.into_iter().map(|d| d.serial).collect()
}
