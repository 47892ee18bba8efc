//! The wizard under faults (docs/FAULTS.md, "Enrollment"): FaultIam over the demo account at every
//! step of the authenticator-app and hardware-token enrollments, in each mode (fail before applying,
//! apply and lose the answer, hang), asserting what IAM holds afterwards (read from the demo account
//! below the faults) and what the screen says.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;

use super::tests::{assert_step, pair, press, seed_on_screen, to_name_step, wizard};
use super::{Dialog, Step};
use crate::app::ctrl;
use crate::app::enrollment_marker;
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::faults::{Fault, FaultIam, Times};
use crate::iam::{Action, AssignmentFilter, IamError, NewVirtualDevice, Tag};

const BEN: &str = "arn:aws:iam::210987654321:mfa/ben.carter";

/// The app on the demo account behind a fault layer.
async fn faulty(identity: DemoIdentity) -> (Headless, Arc<FaultIam>) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(identity, Arc::new(clock.clone())).with_deterministic_seeds();
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let h = Headless::new(faults.clone(), clock, true, 120, 40).await;
    (h, faults)
}

/// Virtual devices of that name in the account, with their holders, read past the faults.
async fn named(faults: &FaultIam, serial: &str) -> Vec<Option<String>> {
    let devices = faults
        .below()
        .list_virtual_mfa_devices(AssignmentFilter::Any);
    let devices = devices.await.expect("the demo lists");
    devices
        .into_iter()
        .filter(|d| d.serial == serial)
        .map(|d| d.user_name)
        .collect()
}

async fn assigned_to(faults: &FaultIam, user: &str, serial: &str) -> bool {
    let devices = faults.below().list_mfa_devices(user).await.expect("listed");
    devices.iter().any(|d| d.serial == serial)
}

/// The advice of the problem dialog up (its text wraps on screen).
fn problem_advice(h: &Headless) -> String {
    match &wizard(h).dialog {
        Some(Dialog::Problem(problem)) => problem.advice.clone().unwrap_or_default(),
        other => panic!("no problem dialog: {other:?}"),
    }
}

/// The answers an applied call's loss looks like: a timeout, a 5xx, and the SDK's retry meeting the
/// change the lost attempt made.
fn lost_answers(retry: IamError) -> [IamError; 3] {
    [
        IamError::Network("127.0.0.1 did not answer in time".into()),
        IamError::ServiceFailure("internal failure [injected]".into()),
        retry,
    ]
}

/// ben.carter, default name, authenticator app: at the QR step with the seed on screen.
async fn to_secret(h: &mut Headless) {
    to_name_step(h, "ben.c").await;
    press(h, KeyCode::Enter).await;
    press(h, KeyCode::Enter).await;
}

/// From the secret step: the secret key view, Enter, two right codes, Enter.
async fn enter_codes(h: &mut Headless) {
    press(h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(h);
    press(h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(h, KeyCode::Enter).await;
}

// --- EnableMFADevice ---

#[tokio::test]
async fn a_lost_enable_answer_is_a_success_and_the_device_is_kept() {
    for error in lost_answers(IamError::EntityAlreadyExists(
        "MFA device already in use".into(),
    )) {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        to_secret(&mut h).await;
        faults.inject(
            Action::EnableMfaDevice,
            Fault::LoseAnswer(error.clone()),
            Times::Next(1),
        );
        enter_codes(&mut h).await;
        assert_step(&mut h, Step::Done);
        let text = h.screen_text();
        assert!(text.contains("now 2 of 8"), "{error:?}: {text}");
        assert!(!text.contains("not activated"), "{text}");
        assert!(wizard(&h).cleanup_requests().is_empty(), "no rollback");
        press(&mut h, KeyCode::Enter).await;
        assert!(assigned_to(&faults, "ben.carter", BEN).await, "{error:?}");
        assert_eq!(named(&faults, BEN).await, [Some("ben.carter".to_string())]);
    }
}

#[tokio::test]
async fn an_enable_that_failed_before_applying_is_told_and_leaving_deletes_the_device() {
    for error in [
        IamError::ServiceFailure("internal failure [injected]".into()),
        IamError::EntityAlreadyExists("already exists [injected]".into()),
    ] {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        to_secret(&mut h).await;
        faults.inject(
            Action::EnableMfaDevice,
            Fault::FailBefore(error.clone()),
            Times::Next(1),
        );
        enter_codes(&mut h).await;
        assert!(
            matches!(&wizard(&h).dialog, Some(Dialog::Problem(p)) if p.title == "The device was not activated"),
            "{error:?}: {}",
            h.screen_text()
        );
        assert_eq!(
            named(&faults, BEN).await,
            [None],
            "kept for another try, unassigned"
        );
        press(&mut h, KeyCode::Char('l')).await;
        assert!(matches!(
            wizard(&h).dialog,
            Some(Dialog::ConfirmLeave { .. })
        ));
        press(&mut h, KeyCode::Char('y')).await;
        assert!(named(&faults, BEN).await.is_empty(), "rolled back");
    }
}

#[tokio::test]
async fn an_unclear_enable_whose_check_fails_is_not_rolled_back_while_assigned() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_secret(&mut h).await;
    let lost = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::EnableMfaDevice,
        Fault::LoseAnswer(lost),
        Times::Next(1),
    );
    let down = IamError::Network("connection reset [injected]".into());
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(down),
        Times::Next(1),
    );
    enter_codes(&mut h).await;
    let text = h.screen_text();
    assert!(
        text.contains("Not known whether the device was activated"),
        "{text}"
    );
    assert!(problem_advice(&h).contains("nothing is deleted before IAM says"));
    // Leaving now: the rollback reads the user's devices first, finds it assigned, and keeps it.
    press(&mut h, KeyCode::Char('l')).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert_step(&mut h, Step::Done);
    let text = h.screen_text();
    assert!(
        text.contains("it is active, so nothing was deleted"),
        "{text}"
    );
    assert!(assigned_to(&faults, "ben.carter", BEN).await);
}

#[tokio::test]
async fn an_enable_that_hangs_after_applying_keeps_the_wizard_waiting_and_the_device_active() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_secret(&mut h).await;
    faults.inject(
        Action::EnableMfaDevice,
        Fault::HangAfterApplying,
        Times::Next(1),
    );
    h.auto_reply = false;
    enter_codes(&mut h).await;
    assert_eq!(h.settle_for(Duration::from_millis(50)).await, 1);
    assert!(h.screen_text().contains("Activating the device"));
    h.press(ctrl('c')).await;
    assert!(!h.app.is_quitting(), "no quit with an answer outstanding");
    assert!(h.screen_text().contains("Waiting for IAM's answer"));
    assert!(assigned_to(&faults, "ben.carter", BEN).await);
}

#[tokio::test]
async fn a_lost_hardware_enable_answer_is_a_success() {
    for error in lost_answers(IamError::EntityAlreadyExists(
        "MFA device already in use".into(),
    )) {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        to_name_step(&mut h, "emma").await;
        h.press(ctrl('u')).await;
        h.type_text("emma-token").await;
        press(&mut h, KeyCode::Enter).await;
        press(&mut h, KeyCode::Char('2')).await;
        h.type_text("GAHT60192320").await;
        press(&mut h, KeyCode::Enter).await;
        let seed = h.iam.known_seed("GAHT60192320").expect("a demo token");
        let (code1, code2) = pair(&seed, FIXED_NOW);
        faults.inject(
            Action::EnableMfaDevice,
            Fault::LoseAnswer(error.clone()),
            Times::Next(1),
        );
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        press(&mut h, KeyCode::Enter).await;
        assert_step(&mut h, Step::Done);
        assert!(
            assigned_to(&faults, "emma.schmidt", "GAHT60192320").await,
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_hardware_enable_failing_before_sends_back_to_the_serial_or_offers_a_retry() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_name_step(&mut h, "emma").await;
    h.press(ctrl('u')).await;
    h.type_text("emma-token").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('2')).await;
    h.type_text("GAHT60192320").await;
    press(&mut h, KeyCode::Enter).await;
    let seed = h.iam.known_seed("GAHT60192320").expect("a demo token");
    let (code1, code2) = pair(&seed, FIXED_NOW);
    let failure = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::EnableMfaDevice,
        Fault::FailBefore(failure),
        Times::Next(1),
    );
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    let text = h.screen_text();
    assert!(text.contains("The device was not activated"), "{text}");
    assert!(!assigned_to(&faults, "emma.schmidt", "GAHT60192320").await);
    press(&mut h, KeyCode::Char('r')).await;
    assert_step(&mut h, Step::Done);
    assert!(assigned_to(&faults, "emma.schmidt", "GAHT60192320").await);
}

// --- CreateVirtualMFADevice ---

#[tokio::test]
async fn a_lost_create_answer_leaves_no_orphan_the_device_is_made_again() {
    for error in lost_answers(IamError::EntityAlreadyExists(
        "MFADevice entity exists".into(),
    )) {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        faults.inject(
            Action::CreateVirtualMfaDevice,
            Fault::LoseAnswer(error.clone()),
            Times::Next(1),
        );
        to_secret(&mut h).await;
        assert_step(&mut h, Step::Secret);
        let text = h.screen_text();
        assert!(
            text.contains("Create's answer lost: deleted ben.carter (nobody had its secret)")
                && text.contains("IAM lost the answer to the first create"),
            "{error:?}: {text}"
        );
        assert_eq!(named(&faults, BEN).await, [None], "one device, the new one");
        enter_codes(&mut h).await;
        assert_step(&mut h, Step::Done);
        assert!(assigned_to(&faults, "ben.carter", BEN).await);
    }
}

#[tokio::test]
async fn a_create_that_failed_before_applying_made_nothing_and_says_so() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    let failure = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::CreateVirtualMfaDevice,
        Fault::FailBefore(failure),
        Times::Next(1),
    );
    to_secret(&mut h).await;
    let text = h.screen_text();
    assert!(
        text.contains("Could not create the virtual MFA device"),
        "{text}"
    );
    assert!(text.contains("nothing was created"), "{text}");
    assert!(named(&faults, BEN).await.is_empty());
    press(&mut h, KeyCode::Char('r')).await;
    assert_step(&mut h, Step::Secret);
    assert_eq!(named(&faults, BEN).await, [None]);
}

#[tokio::test]
async fn an_answer_lost_again_and_again_ends_in_a_message_and_no_orphan() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    let lost = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::CreateVirtualMfaDevice,
        Fault::LoseAnswer(lost),
        Times::Always,
    );
    to_secret(&mut h).await;
    let text = h.screen_text();
    assert!(
        text.contains("IAM keeps losing the answer to the create"),
        "{text}"
    );
    assert!(text.contains("nothing is left behind"), "{text}");
    assert!(named(&faults, BEN).await.is_empty());
}

#[tokio::test]
async fn a_lost_create_whose_device_cannot_be_deleted_is_named_with_the_command() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    let lost = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::CreateVirtualMfaDevice,
        Fault::LoseAnswer(lost),
        Times::Next(1),
    );
    let denied = IamError::access_denied(Action::DeleteVirtualMfaDevice, "not today [injected]");
    faults.inject(
        Action::DeleteVirtualMfaDevice,
        Fault::FailBefore(denied),
        Times::Always,
    );
    to_secret(&mut h).await;
    let text = h.screen_text();
    assert!(text.contains("A device nobody can use remains"), "{text}");
    assert!(
        text.contains("delete-virtual-mfa-device --serial-number"),
        "{text}"
    );
    assert!(
        problem_advice(&h).contains(&super::delete_command(BEN)),
        "the command names the device"
    );
    // Leaving says it once more, in the status line of the screen below.
    press(&mut h, KeyCode::Char('l')).await;
    let text = h.screen_text();
    assert!(text.contains("remains and nobody has its secret"), "{text}");
    assert_eq!(
        named(&faults, BEN).await,
        [None],
        "what IAM holds is what was said"
    );
}

#[tokio::test]
async fn a_device_of_another_run_is_not_taken_for_the_lost_one() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    // Another run creates the name meanwhile (its own marker); our create then meets EntityAlreadyExists.
    let theirs = NewVirtualDevice {
        name: "ben.carter".into(),
        path: None,
        tags: vec![enrollment_marker::marker(FIXED_NOW - 60)],
    };
    faults
        .below()
        .create_virtual_mfa_device(&theirs)
        .await
        .unwrap();
    press(&mut h, KeyCode::Enter).await;
    assert_step(&mut h, Step::Name);
    assert_eq!(
        named(&faults, BEN).await,
        [None],
        "the other run's device is kept"
    );
    press(&mut h, KeyCode::Enter).await;
    let text = h.screen_text();
    assert!(
        text.contains("enrollment in progress since 14:13 UTC by another run"),
        "{text}"
    );
}

#[tokio::test]
async fn ctrl_c_while_the_create_is_in_flight_waits_deletes_and_quits() {
    for lost in [false, true] {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        to_name_step(&mut h, "ben.c").await;
        press(&mut h, KeyCode::Enter).await;
        if lost {
            let error = IamError::Network("127.0.0.1 did not answer in time".into());
            faults.inject(
                Action::CreateVirtualMfaDevice,
                Fault::LoseAnswer(error),
                Times::Next(1),
            );
        }
        h.auto_reply = false;
        press(&mut h, KeyCode::Enter).await;
        h.press(ctrl('c')).await;
        assert!(!h.app.is_quitting());
        let text = h.screen_text();
        assert!(
            text.contains("Quitting once IAM has answered the create"),
            "{text}"
        );
        h.settle().await;
        assert!(h.app.is_quitting(), "lost: {lost}");
        assert!(named(&faults, BEN).await.is_empty(), "lost: {lost}");
    }
}

#[tokio::test]
async fn a_create_hanging_after_applying_holds_the_wizard_and_ctrl_c_is_told() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    faults.inject(
        Action::CreateVirtualMfaDevice,
        Fault::HangAfterApplying,
        Times::Next(1),
    );
    h.auto_reply = false;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(h.settle_for(Duration::from_millis(50)).await, 1);
    assert!(h.screen_text().contains("Creating the virtual MFA device"));
    h.press(ctrl('c')).await;
    assert!(!h.app.is_quitting());
    assert!(
        h.screen_text()
            .contains("Quitting once IAM has answered the create")
    );
    // IAM made it; the runtime's exit path deletes it once the answer (or the SDK's timeout) is in.
    assert_eq!(named(&faults, BEN).await, [None]);
    assert!(wizard(&h).creating());
}

#[tokio::test]
async fn without_permission_to_tag_the_device_is_created_unmarked_and_the_screen_says_so() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    let denied = IamError::access_denied(
        Action::CreateVirtualMfaDevice,
        "User: arn:aws:iam::210987654321:user/admin is not authorized to perform: iam:TagMFADevice on resource: arn:aws:iam::210987654321:mfa/ben.carter",
    );
    faults.inject(
        Action::CreateVirtualMfaDevice,
        Fault::FailBefore(denied),
        Times::Next(1),
    );
    to_secret(&mut h).await;
    assert_step(&mut h, Step::Secret);
    let text = h.screen_text();
    assert!(
        text.contains("without the enrollment-in-progress marker"),
        "{text}"
    );
    let tags: Vec<Tag> = faults.below().list_mfa_device_tags(BEN).await.unwrap();
    assert!(tags.is_empty(), "{tags:?}");
}

// --- Rollback ---

#[tokio::test]
async fn a_rollback_whose_delete_answer_was_lost_reads_the_list_and_counts_it_deleted() {
    for lost in lost_answers(IamError::NoSuchEntity("gone [injected]".into())) {
        let (mut h, faults) = faulty(DemoIdentity::Admin).await;
        to_secret(&mut h).await;
        faults.inject(
            Action::DeleteVirtualMfaDevice,
            Fault::LoseAnswer(lost.clone()),
            Times::Next(1),
        );
        press(&mut h, KeyCode::Esc).await;
        press(&mut h, KeyCode::Char('y')).await;
        let text = h.screen_text();
        assert!(
            text.contains("Deleted the unused device"),
            "{lost:?}: {text}"
        );
        assert!(named(&faults, BEN).await.is_empty());
    }
}

#[tokio::test]
async fn a_rollback_whose_delete_failed_before_says_what_remains() {
    let (mut h, faults) = faulty(DemoIdentity::Admin).await;
    to_secret(&mut h).await;
    let failure = IamError::ServiceFailure("internal failure [injected]".into());
    faults.inject(
        Action::DeleteVirtualMfaDevice,
        Fault::FailBefore(failure),
        Times::Next(1),
    );
    press(&mut h, KeyCode::Esc).await;
    press(&mut h, KeyCode::Char('y')).await;
    let text = h.screen_text();
    assert!(text.contains("remains in the account"), "{text}");
    assert_eq!(named(&faults, BEN).await, [None]);
    press(&mut h, KeyCode::Char('r')).await;
    assert!(named(&faults, BEN).await.is_empty(), "the retry deleted it");
}
