//! Every step of deactivate, delete, rotate, resync and tags through every fault of `FaultIam` over the
//! demo account: IAM's final state (read from the demo account, past the faults) and what the screen
//! says. The rows of docs/FAULTS.md "What the devices screen does" name these tests.
//!
//! The faults: `FailBefore` (the call never reached IAM: a 5xx), `LoseAnswer` with a 5xx and with the
//! error the SDK's own retry meets (NoSuchEntity for a deactivate or a delete: the call took effect),
//! `Hang` and `HangAfterApplying`, which `Headless::call_timeout` turns into the SDK's "did not answer in
//! time" as the app's 30 s call timeout does.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;

use super::Dialog;
use super::rotation::Stage;
use crate::app::Outcome;
use crate::app::manage::testing::{
    self, demo_serial, devices, end_wizard, enroll_behind_the_screen, press, select_device,
};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::faults::{Fault, FaultIam, Times};
use crate::iam::{Action, AssignmentFilter, Iam, IamError, Tag};
use crate::otp::window;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    FailBefore,
    /// Applied, then a 5xx.
    LoseAnswer,
    /// Applied, then the error the SDK's retry meets.
    LoseAnswerRetried,
    Hang,
    HangAfterApplying,
}

const MODES: [Mode; 5] = [
    Mode::FailBefore,
    Mode::LoseAnswer,
    Mode::LoseAnswerRetried,
    Mode::Hang,
    Mode::HangAfterApplying,
];

impl Mode {
    /// The fault; `retried` is what the SDK's retry of an applied call meets.
    fn fault(self, retried: IamError) -> Fault {
        match self {
            Self::FailBefore => Fault::FailBefore(failure()),
            Self::LoseAnswer => Fault::LoseAnswer(failure()),
            Self::LoseAnswerRetried => Fault::LoseAnswer(retried),
            Self::Hang => Fault::Hang,
            Self::HangAfterApplying => Fault::HangAfterApplying,
        }
    }

    fn applies(self) -> bool {
        matches!(
            self,
            Self::LoseAnswer | Self::LoseAnswerRetried | Self::HangAfterApplying
        )
    }
}

fn failure() -> IamError {
    IamError::ServiceFailure("injected 500".into())
}

fn gone() -> IamError {
    IamError::NoSuchEntity("retried: the device is not assigned".into())
}

/// The seeded demo account behind a fault layer, calls timing out after 50 ms.
async fn faulty() -> (Headless, Arc<FaultIam>) {
    faulty_at(120, 40).await
}

async fn faulty_at(cols: u16, rows: u16) -> (Headless, Arc<FaultIam>) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()));
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let mut h = Headless::new(faults.clone(), clock, true, cols, rows).await;
    h.call_timeout = Some(Duration::from_millis(50));
    (h, faults)
}

/// What the screen says, its rows joined and the borders taken out, so a sentence wrapped over two
/// rows is found whole.
fn said(h: &mut Headless) -> String {
    let text = h.screen_text().replace(['│', '─', '┌', '┐', '└', '┘'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The user's devices, read from the demo account past the faults.
async fn assigned(faults: &FaultIam, user: &str) -> Vec<String> {
    let listed = faults.below().list_mfa_devices(user).await.expect("listed");
    listed.into_iter().map(|d| d.serial).collect()
}

async fn exists(faults: &FaultIam, serial: &str) -> bool {
    let listed = faults
        .below()
        .list_virtual_mfa_devices(AssignmentFilter::Any);
    listed
        .await
        .expect("listed")
        .iter()
        .any(|d| d.serial == serial)
}

fn dialog_title(h: &Headless) -> Option<String> {
    match devices(h).dialog.as_deref() {
        Some(Dialog::Confirm(confirm)) => Some(confirm.title.clone()),
        _ => None,
    }
}

// ----- deactivate -----

#[tokio::test]
async fn deactivate_through_every_fault() {
    let serial = demo_serial("ben.carter-android");
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        testing::open_devices_of(&mut h, "ben.carter").await;
        press(&mut h, 'd').await;
        faults.inject(
            Action::DeactivateMfaDevice,
            mode.fault(gone()),
            Times::Next(1),
        );
        press(&mut h, 'y').await;
        let text = said(&mut h);
        if mode.applies() {
            assert!(assigned(&faults, "ben.carter").await.is_empty(), "{mode:?}");
            assert!(
                text.contains("Deactivated virtual device ben.carter-android for ben.carter (IAM's answer was unclear"),
                "{mode:?}: {text}"
            );
            assert!(text.contains("it no longer lists the device"), "{text}");
            assert_eq!(dialog_title(&h).as_deref(), Some("Delete virtual device"));
        } else {
            assert_eq!(
                assigned(&faults, "ben.carter").await,
                std::slice::from_ref(&serial)
            );
            assert!(
                text.contains("Could not deactivate virtual device ben.carter-android"),
                "{mode:?}: {text}"
            );
            assert!(
                text.contains("IAM still lists it for ben.carter: nothing changed."),
                "{text}"
            );
            assert!(devices(&h).dialog.is_none(), "no delete offer");
        }
        assert!(exists(&faults, &serial).await, "never deleted on a guess");
    }
}

#[tokio::test]
async fn a_refused_deactivate_is_not_checked_and_a_failed_check_says_it_cannot_tell() {
    let (mut h, faults) = faulty().await;
    testing::open_devices_of(&mut h, "ben.carter").await;
    press(&mut h, 'd').await;
    let throttled = IamError::Throttled("Rate exceeded".into());
    faults.inject(
        Action::DeactivateMfaDevice,
        Fault::FailBefore(throttled),
        Times::Next(1),
    );
    press(&mut h, 'y').await;
    let text = said(&mut h);
    assert!(
        text.contains("Could not remove virtual device ben.carter-android: AWS kept throttling"),
        "{text}"
    );
    assert_eq!(assigned(&faults, "ben.carter").await.len(), 1);

    // Applied, answer lost, and the check's read fails too.
    press(&mut h, 'd').await;
    faults.inject(
        Action::DeactivateMfaDevice,
        Fault::LoseAnswer(failure()),
        Times::Next(1),
    );
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(failure()),
        Times::Next(1),
    );
    press(&mut h, 'y').await;
    let text = said(&mut h);
    assert!(
        text.contains("Could not tell whether virtual device ben.carter-android was deactivated"),
        "{text}"
    );
    assert!(text.contains("reading IAM failed too"), "{text}");
    assert!(devices(&h).dialog.is_none(), "nothing offered on a guess");
    assert!(assigned(&faults, "ben.carter").await.is_empty());
}

// ----- delete -----

#[tokio::test]
async fn delete_through_every_fault() {
    let serial = demo_serial("ben.carter-android");
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        testing::open_devices_of(&mut h, "ben.carter").await;
        press(&mut h, 'd').await;
        press(&mut h, 'y').await;
        assert_eq!(dialog_title(&h).as_deref(), Some("Delete virtual device"));
        faults.inject(
            Action::DeleteVirtualMfaDevice,
            mode.fault(gone()),
            Times::Next(1),
        );
        press(&mut h, 'y').await;
        let text = said(&mut h);
        if mode.applies() {
            assert!(!exists(&faults, &serial).await, "{mode:?}");
            assert!(
                text.contains("Deleted virtual device ben.carter-android; its name is free again (IAM's answer was unclear"),
                "{mode:?}: {text}"
            );
        } else {
            assert!(exists(&faults, &serial).await, "{mode:?}");
            assert!(
                text.contains("The delete did not happen")
                    && text.contains("IAM still lists the device"),
                "{mode:?}: {text}"
            );
            // The question is back: y tries again.
            assert_eq!(dialog_title(&h).as_deref(), Some("Delete virtual device"));
            press(&mut h, 'y').await;
            assert!(
                !exists(&faults, &serial).await,
                "{mode:?}: the retry deletes"
            );
            assert!(said(&mut h).contains("Deleted virtual device ben.carter-android"));
        }
    }
}

#[tokio::test]
async fn a_delete_conflict_is_checked_and_nothing_is_deleted() {
    let (mut h, faults) = faulty().await;
    testing::open_devices_of(&mut h, "ben.carter").await;
    let serial = demo_serial("ben.carter-android");
    press(&mut h, 'd').await;
    press(&mut h, 'y').await;
    // Someone assigns it again meanwhile; the demo answers DeleteConflict, as AWS does.
    let seed = faults.known_seed(&serial).expect("seed");
    let w = window(FIXED_NOW);
    faults
        .enable_mfa_device(
            "ben.carter",
            &serial,
            &seed.code_for_window(w - 1),
            &seed.code_for_window(w),
        )
        .await
        .expect("enabled again");
    press(&mut h, 'y').await;
    let text = said(&mut h);
    assert!(text.contains("The delete did not happen"), "{text}");
    assert!(text.contains("still assigned"), "{text}");
    assert_eq!(assigned(&faults, "ben.carter").await, [serial]);
}

// ----- rotate -----

/// oliver.brown at the "Finish rotation" question: the new device enabled behind the screen.
async fn rotation_at_finish(h: &mut Headless) -> String {
    testing::open_devices_of(h, "oliver.brown").await;
    press(h, 'o').await;
    press(h, 'y').await;
    let new_serial = enroll_behind_the_screen(h, "oliver.brown", "oliver.brown-new").await;
    end_wizard(
        h,
        Outcome::Enrolled {
            user_name: "oliver.brown".into(),
            serial: new_serial.clone(),
        },
    )
    .await;
    assert_eq!(dialog_title(h).as_deref(), Some("Finish rotation"));
    new_serial
}

#[tokio::test]
async fn rotation_deactivate_of_the_old_device_through_every_fault() {
    let old = demo_serial("oliver.brown-authy");
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        let new_serial = rotation_at_finish(&mut h).await;
        faults.inject(
            Action::DeactivateMfaDevice,
            mode.fault(gone()),
            Times::Next(1),
        );
        press(&mut h, 'y').await;
        let text = said(&mut h);
        let held = assigned(&faults, "oliver.brown").await;
        if mode.applies() {
            // IAM shows it deactivated: the rotation went on and deleted it.
            assert_eq!(held, std::slice::from_ref(&new_serial), "{mode:?}");
            assert!(!exists(&faults, &old).await, "{mode:?}");
            assert!(
                text.contains("Rotated: virtual device oliver.brown-authy replaced by"),
                "{text}"
            );
            continue;
        }
        assert_eq!(held.len(), 2, "{mode:?}: both devices");
        assert_eq!(
            dialog_title(&h).as_deref(),
            Some("Rotation stopped half-way")
        );
        assert!(
            text.contains(&format!("New: {new_serial}, enabled for oliver.brown.")),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "Old: virtual device oliver.brown-authy ({old}), still enabled for oliver.brown."
            )),
            "{text}"
        );
        assert!(text.contains("oliver.brown has two MFA devices"), "{text}");
        assert!(
            text.contains("y finishes it: deactivates the old device, then deletes it."),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "aws iam deactivate-mfa-device \\ --user-name oliver.brown \\ --serial-number {old}"
            )),
            "{text}"
        );
        // y finishes it, from IAM's state.
        press(&mut h, 'y').await;
        assert_eq!(
            assigned(&faults, "oliver.brown").await,
            std::slice::from_ref(&new_serial)
        );
        assert!(!exists(&faults, &old).await);
        assert!(said(&mut h).contains("Rotated"), "{mode:?}");
    }
}

#[tokio::test]
async fn rotation_delete_of_the_old_device_through_every_fault() {
    let old = demo_serial("oliver.brown-authy");
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        let new_serial = rotation_at_finish(&mut h).await;
        faults.inject(
            Action::DeleteVirtualMfaDevice,
            mode.fault(gone()),
            Times::Next(1),
        );
        press(&mut h, 'y').await;
        let text = said(&mut h);
        assert_eq!(
            assigned(&faults, "oliver.brown").await,
            std::slice::from_ref(&new_serial),
            "{mode:?}: the new device alone, enabled"
        );
        if mode.applies() {
            assert!(!exists(&faults, &old).await, "{mode:?}");
            assert!(text.contains("Rotated"), "{mode:?}: {text}");
            continue;
        }
        // Issue 8 item 3: the old device is an unassigned orphan, and the screen says so exactly.
        assert!(exists(&faults, &old).await, "{mode:?}");
        assert!(testing::unassigned_serials(&h).await.contains(&old));
        assert_eq!(
            dialog_title(&h).as_deref(),
            Some("Rotation stopped half-way")
        );
        assert!(
            text.contains(&format!("New: {new_serial}, enabled for oliver.brown.")),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "Old: virtual device oliver.brown-authy, deactivated; it still exists as an unassigned virtual device with serial {old}."
            )),
            "{text}"
        );
        assert!(
            text.contains("y finishes it: deletes the old device."),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "aws iam delete-virtual-mfa-device \\ --serial-number {old}"
            )),
            "{text}"
        );
        assert!(
            !text.contains("still there"),
            "the old wording is gone: {text}"
        );
        // Esc leaves it; f brings the report back; y finishes.
        h.press_code(KeyCode::Esc).await;
        assert!(
            said(&mut h).contains("f finish rotation"),
            "the key is offered"
        );
        press(&mut h, 'f').await;
        assert_eq!(
            dialog_title(&h).as_deref(),
            Some("Rotation stopped half-way")
        );
        press(&mut h, 'y').await;
        assert!(!exists(&faults, &old).await, "{mode:?}: finished");
        assert!(said(&mut h).contains("Rotated"));
        assert!(devices(&h).unfinished.is_none());
    }
}

#[tokio::test]
async fn finishing_reads_iam_first_and_never_removes_the_old_device_while_the_new_one_is_missing() {
    let (mut h, faults) = faulty().await;
    let new_serial = rotation_at_finish(&mut h).await;
    // The new device is removed behind the screen before the user confirms.
    faults
        .deactivate_mfa_device("oliver.brown", &new_serial)
        .await
        .expect("deactivated");
    press(&mut h, 'y').await;
    let old = demo_serial("oliver.brown-authy");
    assert_eq!(
        assigned(&faults, "oliver.brown").await,
        [old],
        "the user keeps the old device"
    );
    let text = said(&mut h);
    assert!(
        text.contains("IAM does not list the new device for the user"),
        "{text}"
    );
    assert!(
        text.contains("stays enabled; nothing was removed"),
        "{text}"
    );
}

#[tokio::test]
async fn at_the_limit_a_rotation_through_every_fault_of_its_first_removal() {
    let old = demo_serial("alice.nguyen-ipad");
    for (action, step) in [
        (Action::DeactivateMfaDevice, "deactivate"),
        (Action::DeleteVirtualMfaDevice, "delete"),
    ] {
        for mode in MODES {
            let (mut h, faults) = faulty().await;
            testing::open_devices_of(&mut h, "alice.nguyen").await;
            select_device(&mut h, &old).await;
            press(&mut h, 'o').await;
            faults.inject(action, mode.fault(gone()), Times::Next(1));
            press(&mut h, 'y').await;
            let held = assigned(&faults, "alice.nguyen").await;
            let case = format!("{step} {mode:?}");
            if mode.applies() {
                assert!(
                    matches!(h.app.screen(), crate::app::Screen::Wizard(_)),
                    "{case}: the wizard opens once there is room"
                );
                assert_eq!(held.len(), 7, "{case}");
                assert!(!exists(&faults, &old).await, "{case}");
                continue;
            }
            if step == "deactivate" {
                assert_eq!(held.len(), 8, "{case}: nothing changed");
                let text = said(&mut h);
                assert!(
                    text.contains("The rotation stopped before the new device: nothing changed."),
                    "{case}: {text}"
                );
                continue;
            }
            assert_eq!(held.len(), 7, "{case}");
            assert!(exists(&faults, &old).await, "{case}");
            let text = said(&mut h);
            assert!(
                text.contains("New: none yet; alice.nguyen keeps the other devices meanwhile."),
                "{case}: {text}"
            );
            assert!(
                text.contains("still exists as an unassigned virtual device"),
                "{text}"
            );
            assert!(
                text.contains(
                    "y finishes it: deletes the old device, then opens the assign wizard."
                ),
                "{text}"
            );
            press(&mut h, 'y').await;
            assert!(!exists(&faults, &old).await, "{case}: finished");
            assert!(matches!(h.app.screen(), crate::app::Screen::Wizard(_)));
        }
    }
}

#[tokio::test]
async fn a_refused_delete_of_the_old_device_stops_the_rotation_with_the_same_report() {
    let (mut h, faults) = faulty().await;
    rotation_at_finish(&mut h).await;
    let denied = IamError::access_denied(Action::DeleteVirtualMfaDevice, "not allowed");
    faults.inject(
        Action::DeleteVirtualMfaDevice,
        Fault::FailBefore(denied),
        Times::Next(1),
    );
    press(&mut h, 'y').await;
    let rotation = devices(&h).unfinished.clone().expect("unfinished");
    assert!(matches!(
        rotation.stage,
        Stage::OldDeactivated {
            new_serial: Some(_)
        }
    ));
    let text = said(&mut h);
    assert!(text.contains("Access denied"), "{text}");
    assert!(text.contains("aws iam delete-virtual-mfa-device"), "{text}");
}

// ----- resync -----

async fn open_resync_with_good_codes(h: &mut Headless) {
    testing::open_devices_of(h, "farah.haddad").await;
    let serial = demo_serial("farah.haddad-pixel");
    let seed = h.iam.known_seed(&serial).expect("seed");
    let now = window(FIXED_NOW);
    press(h, 's').await;
    h.type_text(&seed.code_for_window(now - 1)).await;
    h.type_text(&seed.code_for_window(now)).await;
}

#[tokio::test]
async fn resync_through_every_fault() {
    let serial = demo_serial("farah.haddad-pixel");
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        open_resync_with_good_codes(&mut h).await;
        faults.inject(
            Action::ResyncMfaDevice,
            mode.fault(failure()),
            Times::Next(1),
        );
        h.press_code(KeyCode::Enter).await;
        let text = said(&mut h);
        // IAM has no readable sync state: whatever happened, the screen says it is unconfirmed.
        assert!(
            text.contains("Resync of virtual device farah.haddad-pixel unconfirmed"),
            "{mode:?}: {text}"
        );
        assert!(
            text.contains(
                "IAM cannot show whether it took. Sign in with it to check, or resync again (s)"
            ),
            "{text}"
        );
        assert!(devices(&h).dialog.is_none());
        // A resync changes no assignment, whatever the fault.
        assert!(
            assigned(&faults, "farah.haddad").await.contains(&serial),
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn a_resync_of_a_device_gone_meanwhile_says_so() {
    let (mut h, faults) = faulty().await;
    open_resync_with_good_codes(&mut h).await;
    let serial = demo_serial("farah.haddad-pixel");
    faults
        .deactivate_mfa_device("farah.haddad", &serial)
        .await
        .expect("deactivated");
    faults.inject(
        Action::ResyncMfaDevice,
        Fault::FailBefore(failure()),
        Times::Next(1),
    );
    h.press_code(KeyCode::Enter).await;
    let text = said(&mut h);
    assert!(
        text.contains("IAM no longer lists it for farah.haddad"),
        "{text}"
    );
}

// ----- tags -----

/// admin-iphone's tag editor, a new tag typed and Enter on its value pending.
async fn tag_form(h: &mut Headless) -> String {
    testing::open_devices_of(h, "admin").await;
    let serial = demo_serial("admin-iphone");
    select_device(h, &serial).await;
    press(h, 't').await;
    press(h, 'a').await;
    h.type_text("owner").await;
    h.press_code(KeyCode::Enter).await;
    h.type_text("it-ops").await;
    serial
}

fn editor_error(h: &Headless) -> Option<String> {
    match devices(h).dialog.as_deref() {
        Some(Dialog::Tags(editor)) => editor
            .form
            .as_ref()
            .and_then(|form| form.error.as_ref().map(|(_, text)| text.clone()))
            .or_else(|| editor.error.clone()),
        other => panic!("expected the tag editor, found {other:?}"),
    }
}

#[tokio::test]
async fn a_tag_save_through_every_fault() {
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        let serial = tag_form(&mut h).await;
        let network = IamError::Network("connection reset".into());
        faults.inject(Action::TagMfaDevice, mode.fault(network), Times::Next(1));
        h.press_code(KeyCode::Enter).await;
        let tags = faults.below().list_mfa_device_tags(&serial).await.unwrap();
        let saved = tags.contains(&Tag::new("owner", "it-ops"));
        assert_eq!(saved, mode.applies(), "{mode:?}");
        if mode.applies() {
            assert_eq!(editor_error(&h), None, "{mode:?}: saved, form closed");
            assert!(said(&mut h).contains("owner"), "listed");
        } else {
            let error = editor_error(&h).expect("said at the form");
            assert!(
                error.contains("Not saved, as IAM's tags show"),
                "{mode:?}: {error}"
            );
        }
    }
}

#[tokio::test]
async fn a_tag_removal_through_every_fault() {
    for mode in MODES {
        let (mut h, faults) = faulty().await;
        testing::open_devices_of(&mut h, "admin").await;
        let serial = demo_serial("admin-iphone");
        select_device(&mut h, &serial).await;
        press(&mut h, 't').await;
        press(&mut h, 'd').await;
        faults.inject(
            Action::UntagMfaDevice,
            mode.fault(failure()),
            Times::Next(1),
        );
        press(&mut h, 'y').await;
        let tags = faults.below().list_mfa_device_tags(&serial).await.unwrap();
        assert_eq!(tags.is_empty(), mode.applies(), "{mode:?}");
        let error = editor_error(&h);
        if mode.applies() {
            assert_eq!(error, None, "{mode:?}");
        } else {
            let error = error.expect("said over the list");
            assert!(
                error.contains("Not saved, as IAM's tags show"),
                "{mode:?}: {error}"
            );
            let text = said(&mut h);
            assert!(text.contains("Not saved, as IAM's tags show"), "{text}");
        }
    }
}

#[tokio::test]
async fn a_tag_check_that_cannot_read_the_tags_says_it_cannot_tell() {
    let (mut h, faults) = faulty().await;
    tag_form(&mut h).await;
    faults.inject(
        Action::TagMfaDevice,
        Fault::LoseAnswer(failure()),
        Times::Next(1),
    );
    faults.inject(
        Action::ListMfaDeviceTags,
        Fault::FailBefore(failure()),
        Times::Next(1),
    );
    h.press_code(KeyCode::Enter).await;
    let error = editor_error(&h).expect("said at the form");
    assert!(
        error.contains("Could not tell whether the tags were saved"),
        "{error}"
    );
}

// ----- snapshots -----

/// The report of a rotation whose delete of the old device failed, and the list under it once it is
/// left (the `f` key offered).
async fn snapshot_stopped_rotation(cols: u16, rows: u16) {
    let size = format!("{cols}x{rows}");
    let (mut h, faults) = faulty_at(cols, rows).await;
    rotation_at_finish(&mut h).await;
    faults.inject(
        Action::DeleteVirtualMfaDevice,
        Fault::FailBefore(failure()),
        Times::Next(1),
    );
    press(&mut h, 'y').await;
    insta::assert_snapshot!(format!("devices_rotation_stopped_{size}"), h.render());
    h.press_code(KeyCode::Esc).await;
    insta::assert_snapshot!(format!("devices_rotation_unfinished_{size}"), h.render());
}

#[tokio::test]
async fn snapshots_80x24() {
    snapshot_stopped_rotation(80, 24).await;
}

#[tokio::test]
async fn snapshots_120x40() {
    snapshot_stopped_rotation(120, 40).await;
}
