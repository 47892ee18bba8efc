//! Virtual MFA devices on the demo account: the filter, the orphan sweep with its report, IAM's
//! DeleteConflict for a device assigned meanwhile, and the snapshots.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::*;
use crate::app::enrollment_marker::marker;
use crate::app::manage::testing::{
    self, demo_serial, on_account, press, recorded, virtual_devices,
};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::faults::{Fault, FaultIam, Times};
use crate::iam::{Action, IamError, NewVirtualDevice};
use crate::otp::window;

const ORPHANS: [&str; 3] = ["ben.carter-iphone", "emma.schmidt", "hannah.kim-new-phone"];

async fn open(h: &mut Headless) {
    press(h, 'v').await;
    assert!(
        matches!(h.app.screen(), Screen::VirtualDevices(_)),
        "{}",
        h.screen_text()
    );
}

#[tokio::test]
async fn the_filter_cycles_any_assigned_unassigned() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 120, 40).await;
    open(&mut h).await;
    let all = virtual_devices(&h).devices.loaded().unwrap().len();
    press(&mut h, 'f').await;
    assert_eq!(virtual_devices(&h).filter, AssignmentFilter::Assigned);
    let assigned = virtual_devices(&h).devices.loaded().unwrap().len();
    press(&mut h, 'f').await;
    let unassigned: Vec<String> = virtual_devices(&h)
        .devices
        .loaded()
        .unwrap()
        .iter()
        .map(|d| d.name().to_string())
        .collect();
    assert_eq!(unassigned, ORPHANS);
    assert_eq!(all, assigned + ORPHANS.len());
    assert_eq!(
        iam.calls(Action::ListVirtualMfaDevices),
        3,
        "the filter is IAM's own"
    );
    press(&mut h, 'f').await;
    assert_eq!(virtual_devices(&h).filter, AssignmentFilter::Any);
    let text = h.screen_text();
    assert!(
        text.contains("admin-iphone") && text.contains("unassigned"),
        "{text}"
    );
}

#[tokio::test]
async fn sweep_the_orphans_after_one_confirmation_that_lists_them() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    open(&mut h).await;
    // An assigned device cannot be marked.
    press(&mut h, ' ').await;
    assert!(virtual_devices(&h).marked.is_empty());
    assert!(
        virtual_devices(&h)
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("is assigned to")
    );
    press(&mut h, 'u').await;
    assert_eq!(virtual_devices(&h).marked.len(), 3);
    press(&mut h, 'd').await;
    let confirm = virtual_devices(&h)
        .confirm
        .as_ref()
        .expect("one confirmation");
    assert_eq!(confirm.lines[0], "Delete 3 unassigned virtual MFA devices:");
    for name in ORPHANS {
        assert!(
            confirm.lines.contains(&format!("  {}", demo_serial(name))),
            "{:?}",
            confirm.lines
        );
    }
    assert_eq!(
        iam.calls(Action::DeleteVirtualMfaDevice),
        0,
        "nothing before y"
    );
    press(&mut h, 'y').await;
    let sweep = virtual_devices(&h).sweep.as_ref().expect("the report");
    assert_eq!(sweep.deleted.len(), 3);
    assert!(sweep.failed.is_empty());
    assert!(
        h.screen_text().contains("Deleted 3:"),
        "{}",
        h.screen_text()
    );
    assert!(testing::unassigned_serials(&h).await.is_empty());
    press(&mut h, 'x').await;
    assert!(
        virtual_devices(&h).sweep.is_none(),
        "any key closes the report"
    );
    assert!(virtual_devices(&h).marked.is_empty());
    press(&mut h, 'f').await;
    press(&mut h, 'f').await;
    assert!(
        h.screen_text()
            .contains("No unassigned virtual devices: nothing to sweep.")
    );
}

#[tokio::test]
async fn a_device_assigned_since_the_listing_fails_with_delete_conflict_and_the_rest_go() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    open(&mut h).await;
    press(&mut h, 'f').await;
    press(&mut h, 'f').await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    // Meanwhile, someone enables one of the orphans for emma.
    let serial = demo_serial("emma.schmidt");
    let seed = h.iam.known_seed(&serial).unwrap();
    let w = window(FIXED_NOW);
    h.iam
        .enable_mfa_device(
            "emma.schmidt",
            &serial,
            &seed.code_for_window(w - 1),
            &seed.code_for_window(w),
        )
        .await
        .unwrap();
    press(&mut h, 'y').await;
    let sweep = virtual_devices(&h).sweep.as_ref().unwrap();
    assert_eq!(sweep.deleted.len(), 2);
    assert_eq!(sweep.failed.len(), 1);
    assert_eq!(sweep.failed[0].0, serial);
    assert_eq!(sweep.failed[0].1.code(), "DeleteConflict");
    let text = h.screen_text();
    assert!(
        text.contains("Failed 1:") && text.contains("DeleteConflict"),
        "{text}"
    );
}

#[tokio::test]
async fn cancelling_the_sweep_deletes_nothing() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    h.press_code(KeyCode::Esc).await;
    assert_eq!(iam.calls(Action::DeleteVirtualMfaDevice), 0);
    assert_eq!(testing::unassigned_serials(&h).await.len(), 3);
    assert_eq!(
        virtual_devices(&h)
            .message
            .as_ref()
            .map(|m| m.text.as_str()),
        Some("Nothing deleted")
    );
}

#[tokio::test]
async fn enter_opens_the_assigned_users_devices() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    open(&mut h).await;
    h.press_code(KeyCode::Enter).await;
    let user = testing::devices(&h).user_name.clone();
    assert!(!user.is_empty());
}

// ----- enrollments in progress and faults -----

/// Another run's wizard, `minutes_ago` into its enrollment: an unassigned device with the marker.
async fn another_runs_device(h: &Headless, name: &str, minutes_ago: u64) -> String {
    let device = NewVirtualDevice {
        name: name.into(),
        path: None,
        tags: vec![marker(FIXED_NOW - minutes_ago * 60)],
    };
    let created = h.iam.create_virtual_mfa_device(&device).await.unwrap();
    created.serial
}

#[tokio::test]
async fn the_sweep_leaves_out_another_runs_enrollment_in_progress_and_says_why() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 120, 40).await;
    let running = another_runs_device(&h, "run1-phone", 2).await;
    let stale = another_runs_device(&h, "run0-phone", 20).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    let confirm = virtual_devices(&h)
        .confirm
        .as_ref()
        .expect("the confirmation");
    assert_eq!(confirm.lines[0], "Delete 4 unassigned virtual MFA devices:");
    assert!(!confirm.action.contains(&running));
    assert!(
        confirm.action.contains(&stale),
        "an old marker is abandoned"
    );
    let left_out = confirm
        .lines
        .iter()
        .position(|line| line.starts_with("Left out"))
        .expect("the devices left out are named");
    assert_eq!(
        confirm.lines[left_out + 1..left_out + 3],
        [
            format!("  {running}"),
            "    enrollment in progress since 14:12 UTC by another run".to_string()
        ]
    );
    let text = h.screen_text();
    assert!(
        text.contains("enrollment in progress since 14:12 UTC by another run"),
        "{text}"
    );
    assert!(text.contains("press ! to delete them too"), "{text}");
    press(&mut h, 'y').await;
    assert_eq!(testing::unassigned_serials(&h).await, [running]);
}

#[tokio::test]
async fn insisting_sweeps_an_enrollment_in_progress_too() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 120, 40).await;
    let running = another_runs_device(&h, "run1-phone", 2).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    press(&mut h, '!').await;
    let confirm = virtual_devices(&h)
        .confirm
        .as_ref()
        .expect("the confirmation");
    assert!(confirm.action.contains(&running));
    assert!(
        h.screen_text()
            .contains("you insisted: enrollment in progress"),
        "{}",
        h.screen_text()
    );
    press(&mut h, 'y').await;
    assert!(testing::unassigned_serials(&h).await.is_empty());
}

#[tokio::test]
async fn a_sweep_of_only_an_enrollment_in_progress_deletes_nothing_on_y() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 120, 40).await;
    let running = another_runs_device(&h, "run1-phone", 2).await;
    open(&mut h).await;
    let row = virtual_devices(&h)
        .devices
        .loaded()
        .unwrap()
        .iter()
        .position(|d| d.serial == running)
        .unwrap();
    for _ in 0..row {
        h.press_code(KeyCode::Down).await;
    }
    press(&mut h, 'd').await;
    assert!(
        h.screen_text().contains("Delete 0 unassigned"),
        "{}",
        h.screen_text()
    );
    press(&mut h, 'y').await;
    assert_eq!(iam.calls(Action::DeleteVirtualMfaDevice), 0);
    assert!(testing::unassigned_serials(&h).await.contains(&running));
}

async fn faulty_sweep(fault: Fault) -> (Headless, Arc<FaultIam>) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()));
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let mut h = Headless::new(faults.clone(), clock, true, 120, 40).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    faults.inject(Action::DeleteVirtualMfaDevice, fault, Times::Next(1));
    press(&mut h, 'y').await;
    (h, faults)
}

#[tokio::test]
async fn a_sweep_delete_whose_answer_was_lost_is_reported_deleted() {
    for error in [
        IamError::ServiceFailure("internal failure [injected]".into()),
        IamError::Network("127.0.0.1 did not answer in time".into()),
        IamError::NoSuchEntity("gone [injected]".into()),
    ] {
        let (mut h, faults) = faulty_sweep(Fault::LoseAnswer(error.clone())).await;
        let sweep = virtual_devices(&h).sweep.as_ref().unwrap();
        assert_eq!(sweep.deleted.len(), 3, "{error:?}: {:?}", sweep.failed);
        assert!(
            h.screen_text().contains("Deleted 3:"),
            "{}",
            h.screen_text()
        );
        let left = faults
            .below()
            .list_virtual_mfa_devices(AssignmentFilter::Unassigned);
        assert!(left.await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_sweep_delete_that_failed_before_is_reported_failed_and_the_device_stays() {
    let failure = IamError::ServiceFailure("internal failure [injected]".into());
    let (mut h, faults) = faulty_sweep(Fault::FailBefore(failure)).await;
    let sweep = virtual_devices(&h).sweep.as_ref().unwrap();
    assert_eq!((sweep.deleted.len(), sweep.failed.len()), (2, 1));
    let text = h.screen_text();
    assert!(
        text.contains("Failed 1:") && text.contains("Deleted 2:"),
        "{text}"
    );
    let left = faults
        .below()
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned);
    assert_eq!(left.await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_tag_read_that_hangs_holds_the_confirmation_and_deletes_nothing() {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()));
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let mut h = Headless::new(faults.clone(), clock, true, 120, 40).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    faults.inject(Action::ListMfaDeviceTags, Fault::Hang, Times::Next(1));
    h.auto_reply = false;
    press(&mut h, 'd').await;
    assert_eq!(h.settle_for(std::time::Duration::from_millis(50)).await, 1);
    assert!(virtual_devices(&h).confirm.is_none());
    press(&mut h, 'y').await;
    h.settle().await;
    let left = faults
        .below()
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned);
    assert_eq!(left.await.unwrap().len(), 3, "nothing deleted");
}

async fn in_progress_snapshot(cols: u16, rows: u16) {
    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    another_runs_device(&h, "run1-phone", 2).await;
    open(&mut h).await;
    press(&mut h, 'u').await;
    press(&mut h, 'd').await;
    insta::assert_snapshot!(
        format!("virtual_sweep_confirm_in_progress_{cols}x{rows}"),
        h.render()
    );
}

#[tokio::test]
async fn snapshot_in_progress() {
    in_progress_snapshot(80, 24).await;
    in_progress_snapshot(120, 40).await;
}

// ----- snapshots -----

async fn snapshot_states(cols: u16, rows: u16) {
    let size = format!("{cols}x{rows}");
    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    h.auto_reply = false;
    open(&mut h).await;
    insta::assert_snapshot!(format!("virtual_loading_{size}"), h.render());
    h.settle().await;
    h.auto_reply = true;
    insta::assert_snapshot!(format!("virtual_loaded_{size}"), h.render());
    press(&mut h, 'f').await;
    press(&mut h, 'f').await;
    press(&mut h, ' ').await;
    h.press_code(KeyCode::Down).await;
    press(&mut h, ' ').await;
    press(&mut h, 'd').await;
    insta::assert_snapshot!(format!("virtual_sweep_confirm_{size}"), h.render());
    press(&mut h, 'y').await;
    insta::assert_snapshot!(format!("virtual_sweep_report_{size}"), h.render());

    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::empty(DemoIdentity::Admin, Arc::new(clock.clone()));
    let (mut h, _) = on_account(demo, clock, cols, rows).await;
    open(&mut h).await;
    insta::assert_snapshot!(format!("virtual_empty_{size}"), h.render());

    let (mut h, iam) = recorded(DemoIdentity::Admin, cols, rows).await;
    iam.fail(
        Action::ListVirtualMfaDevices,
        crate::iam::IamError::access_denied(
            Action::ListVirtualMfaDevices,
            "User: arn:aws:iam::210987654321:user/admin is not authorized to perform: iam:ListVirtualMFADevices",
        ),
    );
    open(&mut h).await;
    insta::assert_snapshot!(format!("virtual_error_{size}"), h.render());
    iam.clear_failures();
    press(&mut h, 'r').await;
    assert!(virtual_devices(&h).devices.loaded().is_some(), "retry");
}

#[tokio::test]
async fn snapshots_80x24() {
    snapshot_states(80, 24).await;
}

#[tokio::test]
async fn snapshots_120x40() {
    snapshot_states(120, 40).await;
}
