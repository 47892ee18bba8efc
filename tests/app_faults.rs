//! The app itself (driven headless, `iam_mfa::headless::Headless`) over the real SDK client, through
//! the fault proxy in front of moto (docs/FAULTS.md): what the devices screen does when the SDK's own
//! retries meet "applied, answer lost", and when a step of a rotation fails for good. moto's state is
//! read with a clean client afterwards. The same flows over the demo account, through every fault, are
//! `src/app/devices/fault_tests.rs`; the real binary in a pty is `tests/e2e_flows.rs`.

mod support;

use std::sync::Arc;

use crossterm::event::KeyCode;
use iam_mfa::app::Screen;
use iam_mfa::app::devices::Dialog;
use iam_mfa::clock::ManualClock;
use iam_mfa::headless::{FIXED_NOW, Headless};
use iam_mfa::iam::{AssignmentFilter, Iam, NewVirtualDevice};
use support::fault_proxy::{Fault, FaultProxy, FaultyEndpoint, Rule};
use support::moto;

const DELETE: &str = "DeleteVirtualMFADevice";

/// A user at IAM's limit of 8 devices on moto (moto does not enforce it; the app counts): the user and
/// the serial of the first device, the one the test rotates.
async fn user_at_the_limit(prefix: &str) -> (String, String) {
    let user = moto::create_user(prefix).await;
    let iam = moto::aws_iam();
    let mut first = None;
    for i in 0..8 {
        let device = NewVirtualDevice {
            name: format!("{user}-d{i}"),
            path: None,
            tags: vec![],
        };
        let created = iam
            .create_virtual_mfa_device(&device)
            .await
            .expect("create");
        iam.enable_mfa_device(&user, &created.serial, "123456", "654321")
            .await
            .expect("enable");
        first.get_or_insert(created.serial);
    }
    (user, first.expect("eight devices"))
}

async fn assigned_on_moto(user: &str) -> Vec<String> {
    let listed = moto::aws_iam()
        .list_mfa_devices(user)
        .await
        .expect("listed");
    listed.into_iter().map(|d| d.serial).collect()
}

async fn on_moto(filter: AssignmentFilter) -> Vec<String> {
    let listed = moto::aws_iam().list_virtual_mfa_devices(filter).await;
    listed
        .expect("listed")
        .into_iter()
        .map(|d| d.serial)
        .collect()
}

/// The app on `endpoint`, on the devices screen of `user`, the cursor on `serial`.
async fn devices_of(endpoint: &FaultyEndpoint, user: &str, serial: &str) -> Headless {
    let iam: Arc<dyn Iam> = Arc::new(endpoint.aws_iam());
    let mut h = Headless::new(iam, ManualClock::at(FIXED_NOW), false, 120, 40).await;
    for key in ['u', '/'] {
        h.press_code(KeyCode::Char(key)).await;
    }
    h.type_text(user).await;
    h.press_code(KeyCode::Enter).await;
    h.press_code(KeyCode::Enter).await;
    for _ in 0..8 {
        let Screen::UserDevices(state) = h.app.screen() else {
            panic!("not the devices screen:\n{}", h.screen_text());
        };
        if state.selected().is_some_and(|d| d.serial == serial) {
            return h;
        }
        h.press_code(KeyCode::Down).await;
    }
    panic!("{serial} is not listed:\n{}", h.screen_text());
}

/// The screen's words, rows joined and borders out, so a wrapped sentence is found whole.
fn said(h: &mut Headless) -> String {
    let text = h.screen_text().replace(['│', '─', '╭', '╮', '╰', '╯'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dialog_title(h: &Headless) -> Option<String> {
    match h.app.screen() {
        Screen::UserDevices(state) => match state.dialog.as_deref() {
            Some(Dialog::Confirm(confirm)) => Some(confirm.title.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_rotation_whose_old_device_delete_fails_says_exactly_where_it_is_and_finishes() {
    let (user, old) = user_at_the_limit("rot-half").await;
    let endpoint = FaultProxy::from_env().endpoint("rotation-delete-fails");
    // Every attempt of the delete (the SDK makes 3) fails before moto.
    endpoint.add(
        Rule::new(DELETE, Fault::Error500)
            .times(3)
            .matching("SerialNumber", &old),
    );
    let mut h = devices_of(&endpoint, &user, &old).await;
    h.press_code(KeyCode::Char('o')).await;
    assert!(said(&mut h).contains("has 8 MFA devices, the most IAM allows"));
    h.press_code(KeyCode::Char('y')).await;

    assert_eq!(endpoint.modes(DELETE), ["error-500"; 3]);
    let assigned = assigned_on_moto(&user).await;
    assert_eq!(assigned.len(), 7, "deactivated");
    assert!(!assigned.contains(&old));
    assert!(
        on_moto(AssignmentFilter::Unassigned).await.contains(&old),
        "an unassigned orphan, as the screen says"
    );
    assert_eq!(
        dialog_title(&h).as_deref(),
        Some("Rotation stopped half-way")
    );
    let text = said(&mut h);
    assert!(
        text.contains(&format!(
            "deactivated; it still exists as an unassigned virtual device with serial {old}."
        )),
        "{text}"
    );
    assert!(text.contains("New: none yet"), "{text}");
    assert!(
        text.contains(&format!(
            "aws iam delete-virtual-mfa-device \\ --serial-number {old}"
        )),
        "{text}"
    );

    // y reads moto's state, deletes the old device, and opens the wizard for the new one.
    h.press_code(KeyCode::Char('y')).await;
    assert!(
        !on_moto(AssignmentFilter::Any).await.contains(&old),
        "finished"
    );
    assert!(
        matches!(h.app.screen(), Screen::Wizard(_)),
        "{}",
        h.screen_text()
    );
    assert_eq!(assigned_on_moto(&user).await.len(), 7);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_rotation_whose_delete_answer_is_lost_reads_moto_and_goes_on() {
    let (user, old) = user_at_the_limit("rot-lost").await;
    let endpoint = FaultProxy::from_env().endpoint("rotation-delete-lost");
    // The delete reaches moto, its answer is lost; the SDK's retry meets NoSuchEntity.
    endpoint.add(Rule::new(DELETE, Fault::ApplyThen500).matching("SerialNumber", &old));
    let mut h = devices_of(&endpoint, &user, &old).await;
    h.press_code(KeyCode::Char('o')).await;
    h.press_code(KeyCode::Char('y')).await;

    assert_eq!(endpoint.modes(DELETE), ["apply-then-500", "forward"]);
    assert!(!on_moto(AssignmentFilter::Any).await.contains(&old));
    assert_eq!(assigned_on_moto(&user).await.len(), 7);
    // The reads that settled it went through the same endpoint.
    assert!(!endpoint.seen("ListVirtualMFADevices").is_empty());
    assert!(
        matches!(h.app.screen(), Screen::Wizard(_)),
        "the rotation went on to the new device:\n{}",
        h.screen_text()
    );
}
