//! A user's devices on the demo account: every action, the refusals IAM gives, the MFA-session retry,
//! and the snapshots.

use crossterm::event::KeyCode;

use super::*;
use crate::app::manage::testing::{
    self, demo_serial, device_serials, devices, end_wizard, enroll_behind_the_screen, press,
    recorded, select_device,
};
use crate::headless::Headless;
use crate::iam::demo::DemoIdentity;
use crate::iam::{Action, IamError};
use crate::otp::window;

fn confirm_text(h: &Headless) -> String {
    match devices(h).dialog.as_deref() {
        Some(Dialog::Confirm(confirm)) => confirm.lines.join("\n"),
        other => panic!("expected a confirmation, found {other:?}"),
    }
}

fn message(h: &Headless) -> String {
    devices(h)
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn shows_kind_serial_date_and_tags() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 120, 40).await;
    assert_eq!(h.app.session.account(), Some(testing::DEMO_ACCOUNT));
    testing::open_devices_of(&mut h, "alice.nguyen").await;
    let state = devices(&h);
    assert_eq!(state.devices.loaded().unwrap().len(), 8);
    let phone = demo_serial("alice.nguyen-iphone");
    assert_eq!(
        state.tags[&phone].loaded().unwrap(),
        &[
            Tag::new("owner", "alice.nguyen"),
            Tag::new("team", "platform")
        ]
    );
    // Tags are asked for the virtual devices only.
    assert_eq!(iam.calls(Action::ListMfaDeviceTags), 6);
    let text = h.screen_text();
    assert!(text.contains("8 of 8 devices"), "{text}");
    assert!(text.contains("passkey/security key"), "{text}");
    assert!(text.contains("hardware TOTP"), "{text}");
    assert!(text.contains("owner=alice.nguyen, team=platform"), "{text}");
}

#[tokio::test]
async fn deactivate_then_delete_a_virtual_device() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "ben.carter").await;
    press(&mut h, 'd').await;
    let question = confirm_text(&h);
    assert!(
        question.contains("Deactivate virtual device ben.carter-android for ben.carter?"),
        "{question}"
    );
    assert!(
        question.contains("only MFA device: ben.carter will have no MFA left"),
        "{question}"
    );
    h.press_code(KeyCode::Enter).await;
    assert!(
        matches!(devices(&h).dialog.as_deref(), Some(Dialog::Confirm(_))),
        "Enter does not confirm"
    );
    press(&mut h, 'y').await;
    assert!(device_serials(&h, "ben.carter").await.is_empty());
    let serial = demo_serial("ben.carter-android");
    assert!(
        testing::unassigned_serials(&h).await.contains(&serial),
        "deactivated, not deleted yet"
    );
    let offer = confirm_text(&h);
    assert!(
        offer.contains("Delete the virtual device entity ben.carter-android?"),
        "{offer}"
    );
    assert!(offer.contains("frees its name"), "{offer}");
    press(&mut h, 'y').await;
    assert!(!testing::unassigned_serials(&h).await.contains(&serial));
    assert!(
        message(&h).contains("Deleted virtual device ben.carter-android"),
        "{}",
        message(&h)
    );
    assert!(h.screen_text().contains("ben.carter has no MFA device"));
}

#[tokio::test]
async fn declining_the_delete_keeps_the_entity_and_says_its_name_stays_taken() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "hannah.kim").await;
    press(&mut h, 'd').await;
    press(&mut h, 'y').await;
    press(&mut h, 'n').await;
    assert!(
        testing::unassigned_serials(&h)
            .await
            .contains(&demo_serial("hannah.kim-iphone"))
    );
    assert!(message(&h).contains("name stays taken"), "{}", message(&h));
}

#[tokio::test]
async fn a_passkey_is_only_deactivated_and_the_question_says_so() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "chloe.martin").await;
    let passkey = devices(&h)
        .devices
        .loaded()
        .unwrap()
        .iter()
        .find(|d| d.kind() == DeviceKind::Passkey)
        .unwrap()
        .serial
        .clone();
    select_device(&mut h, &passkey).await;
    press(&mut h, 'd').await;
    assert!(confirm_text(&h).contains("cannot be deleted as entities, only deactivated"));
    press(&mut h, 'y').await;
    assert!(
        devices(&h).dialog.is_none(),
        "no delete offer for a passkey"
    );
    assert_eq!(iam.calls(Action::DeleteVirtualMfaDevice), 0);
    assert_eq!(
        device_serials(&h, "chloe.martin").await,
        [demo_serial("chloe.martin-iphone")]
    );
    // Nor resync nor tags.
    select_device(&mut h, &demo_serial("chloe.martin-iphone")).await;
    press(&mut h, 'd').await;
    press(&mut h, 'n').await;
    assert_eq!(message(&h), "Nothing changed");
}

#[tokio::test]
async fn hardware_tokens_take_no_tags_and_passkeys_no_resync() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "diego.alvarez").await;
    press(&mut h, 't').await;
    assert!(message(&h).contains("Only virtual devices take tags"));
    testing::back_home(&mut h).await;
    testing::open_devices_of(&mut h, "chloe.martin").await;
    let passkey = devices(&h).devices.loaded().unwrap()[1].serial.clone();
    select_device(&mut h, &passkey).await;
    press(&mut h, 's').await;
    assert!(message(&h).contains("nothing to resync"), "{}", message(&h));
}

async fn type_codes(h: &mut Headless, code1: &str, code2: &str) {
    h.type_text(code1).await;
    h.type_text(code2).await;
    h.press_code(KeyCode::Enter).await;
}

fn resync_error(h: &Headless) -> Option<(CodeField, String)> {
    match devices(h).dialog.as_deref() {
        Some(Dialog::Resync(form)) => [CodeField::First, CodeField::Second]
            .into_iter()
            .find_map(|field| Some((field, form.codes.field(field).message()?.to_string()))),
        other => panic!("expected the resync form, found {other:?}"),
    }
}

use crate::otp::CodeField;

#[tokio::test]
async fn resync_checks_the_pair_locally_when_the_seed_is_known() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "farah.haddad").await;
    let serial = demo_serial("farah.haddad-pixel");
    let seed = h.iam.known_seed(&serial).expect("the demo knows its seeds");
    let now = window(crate::headless::FIXED_NOW);
    press(&mut h, 's').await;
    // Same code twice: caught at code 2, nothing sent.
    let current = seed.code_for_window(now);
    type_codes(&mut h, &current, &current).await;
    let (field, text) = resync_error(&h).unwrap();
    assert_eq!(field, CodeField::Second);
    assert!(text.contains("Both codes are the same"), "{text}");
    // Letters are refused where they are typed.
    h.press_code(KeyCode::Backspace).await;
    press(&mut h, 'x').await;
    assert!(resync_error(&h).unwrap().1.contains("Digits only"));
    // A wrong pair (typo in code 1).
    press(&mut h, 'q').await;
    h.press_code(KeyCode::Esc).await;
    press(&mut h, 's').await;
    let wrong = if current == "000000" {
        "111111"
    } else {
        "000000"
    };
    type_codes(&mut h, wrong, &seed.code_for_window(now + 1)).await;
    let (field, text) = resync_error(&h).unwrap();
    assert_eq!(field, CodeField::First);
    assert!(text.contains("Code 1 does not match"), "{text}");
    assert_eq!(iam.calls(Action::ResyncMfaDevice), 0);
    // The right pair.
    h.press_code(KeyCode::Esc).await;
    press(&mut h, 's').await;
    type_codes(&mut h, &seed.code_for_window(now - 1), &current).await;
    assert_eq!(iam.calls(Action::ResyncMfaDevice), 1);
    assert!(devices(&h).dialog.is_none());
    assert!(message(&h).contains("Resynchronized virtual device farah.haddad-pixel"));
}

#[tokio::test]
async fn without_the_seed_iam_refuses_a_wrong_pair_and_the_message_is_at_the_codes() {
    let clock = crate::clock::ManualClock::at(crate::headless::FIXED_NOW);
    let demo =
        crate::iam::demo::DemoAccount::new(DemoIdentity::Admin, std::sync::Arc::new(clock.clone()));
    let recording = crate::iam::recording::RecordingIam::new(std::sync::Arc::new(demo));
    recording.hide_seeds(true);
    let recording = std::sync::Arc::new(recording);
    let mut h = Headless::new(recording.clone(), clock, true, 80, 24).await;
    testing::open_devices_of(&mut h, "oliver.brown").await;
    press(&mut h, 's').await;
    type_codes(&mut h, "123456", "654321").await;
    assert_eq!(
        recording.calls(Action::ResyncMfaDevice),
        1,
        "only the format could be checked here"
    );
    let (field, text) = resync_error(&h).unwrap();
    assert_eq!(field, CodeField::Second);
    assert!(
        text.contains("AWS rejected the authentication codes"),
        "{text}"
    );
    assert!(
        h.screen_text()
            .contains("Only the format can be checked here")
    );
}

#[tokio::test]
async fn tags_add_edit_and_remove() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 120, 40).await;
    testing::open_devices_of(&mut h, "admin").await;
    let serial = demo_serial("admin-iphone");
    select_device(&mut h, &serial).await;
    press(&mut h, 't').await;
    press(&mut h, 'a').await;
    h.type_text("owner").await;
    h.press_code(KeyCode::Enter).await;
    h.type_text("it-ops").await;
    h.press_code(KeyCode::Enter).await;
    let tags = h.iam.list_mfa_device_tags(&serial).await.unwrap();
    assert_eq!(
        tags,
        [
            Tag::new("purpose", "break-glass"),
            Tag::new("owner", "it-ops")
        ]
    );
    // Edit the value of "purpose" (first row).
    press(&mut h, 'e').await;
    h.press_code(KeyCode::Backspace).await;
    h.type_text("X").await;
    h.press_code(KeyCode::Enter).await;
    let tags = h.iam.list_mfa_device_tags(&serial).await.unwrap();
    assert_eq!(tags[0], Tag::new("purpose", "break-glasX"));
    // Rename the key of "owner": the old key goes.
    h.press_code(KeyCode::Down).await;
    press(&mut h, 'e').await;
    h.press_code(KeyCode::Tab).await;
    h.press(crate::app::ctrl('u')).await;
    h.type_text("team").await;
    h.press_code(KeyCode::Tab).await;
    h.press_code(KeyCode::Enter).await;
    let tags = h.iam.list_mfa_device_tags(&serial).await.unwrap();
    assert_eq!(
        tags,
        [
            Tag::new("purpose", "break-glasX"),
            Tag::new("team", "it-ops")
        ]
    );
    // Remove, after y.
    press(&mut h, 'd').await;
    assert!(
        h.screen_text().contains("Remove the tag \"team\""),
        "{}",
        h.screen_text()
    );
    press(&mut h, 'y').await;
    let tags = h.iam.list_mfa_device_tags(&serial).await.unwrap();
    assert_eq!(tags, [Tag::new("purpose", "break-glasX")]);
    let Some(Dialog::Tags(editor)) = devices(&h).dialog.as_deref() else {
        panic!("the editor stays open")
    };
    assert_eq!(editor.tags.len(), 1);
    h.press_code(KeyCode::Esc).await;
    assert!(h.screen_text().contains("purpose=break-glasX"));
}

#[tokio::test]
async fn iam_refuses_a_fifty_first_tag_that_the_screen_could_not_know_about() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    let serial = demo_serial("admin-iphone");
    let many: Vec<Tag> = (0..48).map(|i| Tag::new(format!("k{i}"), "v")).collect();
    h.iam.tag_mfa_device(&serial, &many).await.unwrap();
    testing::open_devices_of(&mut h, "admin").await;
    select_device(&mut h, &serial).await;
    press(&mut h, 't').await;
    // Someone else adds the 50th meanwhile.
    h.iam
        .tag_mfa_device(&serial, &[Tag::new("late", "")])
        .await
        .unwrap();
    press(&mut h, 'a').await;
    h.type_text("one-more").await;
    h.press_code(KeyCode::Enter).await;
    h.press_code(KeyCode::Enter).await;
    let Some(Dialog::Tags(editor)) = devices(&h).dialog.as_deref() else {
        panic!("editor")
    };
    let (_, error) = editor.form.as_ref().unwrap().error.clone().unwrap();
    assert!(error.contains("An IAM limit was reached"), "{error}");
    // Now the editor knows there are 50: adding is refused before any call.
    h.press_code(KeyCode::Esc).await;
    h.press_code(KeyCode::Esc).await;
    h.press_code(KeyCode::Char('r')).await;
    press(&mut h, 't').await;
    press(&mut h, 'a').await;
    assert!(
        h.screen_text().contains("at most 50 tags"),
        "{}",
        h.screen_text()
    );
}

#[tokio::test]
async fn rotate_enrolls_first_then_removes_the_old_device() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "oliver.brown").await;
    press(&mut h, 'o').await;
    let plan = confirm_text(&h);
    assert!(
        plan.contains("1. enroll a new device for oliver.brown"),
        "{plan}"
    );
    press(&mut h, 'y').await;
    assert!(matches!(h.app.screen(), Screen::Wizard(_)));
    let new_serial = enroll_behind_the_screen(&h, "oliver.brown", "oliver.brown-new").await;
    end_wizard(
        &mut h,
        Outcome::Enrolled {
            user_name: "oliver.brown".into(),
            serial: new_serial.clone(),
        },
    )
    .await;
    let question = confirm_text(&h);
    assert!(
        question.contains(&format!("The new device {new_serial} is enabled")),
        "{question}"
    );
    assert!(question.contains(
        "deactivate virtual device oliver.brown-authy and delete its virtual device entity"
    ));
    press(&mut h, 'y').await;
    assert_eq!(
        device_serials(&h, "oliver.brown").await,
        std::slice::from_ref(&new_serial)
    );
    assert!(
        !testing::unassigned_serials(&h)
            .await
            .contains(&demo_serial("oliver.brown-authy")),
        "the old entity is deleted"
    );
    assert!(message(&h).contains("Rotated"), "{}", message(&h));
}

#[tokio::test]
async fn cancelling_the_wizard_of_a_rotation_changes_nothing() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "oliver.brown").await;
    press(&mut h, 'o').await;
    press(&mut h, 'y').await;
    end_wizard(&mut h, Outcome::Closed).await;
    assert_eq!(message(&h), "Rotation cancelled: nothing changed");
    assert_eq!(iam.calls(Action::DeactivateMfaDevice), 0);
}

#[tokio::test]
async fn at_eight_devices_rotation_makes_room_first_in_the_order_confirmed() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "alice.nguyen").await;
    // Adding a ninth is refused before the wizard.
    press(&mut h, 'a').await;
    assert!(
        message(&h).contains("8 MFA devices, the most IAM allows"),
        "{}",
        message(&h)
    );
    // IAM itself would refuse it too.
    let ninth = enroll_attempt(&h, "alice.nguyen").await;
    assert!(
        matches!(ninth, Err(IamError::LimitExceeded(_))),
        "{ninth:?}"
    );
    let old = demo_serial("alice.nguyen-ipad");
    select_device(&mut h, &old).await;
    press(&mut h, 'o').await;
    let plan = confirm_text(&h);
    assert!(
        plan.contains("has 8 MFA devices, the most IAM allows: one must go"),
        "{plan}"
    );
    assert!(
        plan.contains("1. deactivate virtual device alice.nguyen-ipad and delete"),
        "{plan}"
    );
    press(&mut h, 'y').await;
    assert!(
        matches!(h.app.screen(), Screen::Wizard(_)),
        "the wizard opens once there is room"
    );
    let serials = device_serials(&h, "alice.nguyen").await;
    assert_eq!(serials.len(), 7);
    assert!(!serials.contains(&old));
    assert!(!testing::unassigned_serials(&h).await.contains(&old));
    let new_serial = enroll_behind_the_screen(&h, "alice.nguyen", "alice.nguyen-new").await;
    end_wizard(
        &mut h,
        Outcome::Enrolled {
            user_name: "alice.nguyen".into(),
            serial: new_serial,
        },
    )
    .await;
    assert!(message(&h).contains("Rotated: virtual device alice.nguyen-ipad replaced by"));
    assert_eq!(device_serials(&h, "alice.nguyen").await.len(), 8);
}

/// A ninth device through the backend, as the wizard would try it.
async fn enroll_attempt(h: &Headless, user_name: &str) -> Result<(), IamError> {
    let request = crate::iam::NewVirtualDevice {
        name: "ninth".into(),
        path: None,
        tags: vec![],
    };
    let created = h.iam.create_virtual_mfa_device(&request).await?;
    let w = window(crate::headless::FIXED_NOW);
    let result = h
        .iam
        .enable_mfa_device(
            user_name,
            &created.serial,
            &created.seed.code_for_window(w - 1),
            &created.seed.code_for_window(w),
        )
        .await;
    h.iam.delete_virtual_mfa_device(&created.serial).await?;
    result
}

#[tokio::test]
async fn a_self_service_user_removes_a_device_after_starting_an_mfa_session() {
    let (mut h, iam) = recorded(DemoIdentity::SelfService, 80, 24).await;
    press(&mut h, 'm').await;
    assert!(devices(&h).own);
    assert!(h.screen_text().contains("My MFA devices (jordan.lee)"));
    press(&mut h, 'd').await;
    press(&mut h, 'y').await;
    assert!(
        matches!(h.app.screen(), Screen::MfaSession(_)),
        "{}",
        h.screen_text()
    );
    assert_eq!(iam.calls(Action::DeactivateMfaDevice), 1);
    let serial = demo_serial("jordan.lee-pixel");
    let seed = h.iam.known_seed(&serial).unwrap();
    h.type_text(&seed.code_at(crate::headless::FIXED_NOW)).await;
    h.press_code(KeyCode::Enter).await;
    assert!(
        matches!(h.app.screen(), Screen::UserDevices(_)),
        "{}",
        h.screen_text()
    );
    assert_eq!(
        iam.calls(Action::DeactivateMfaDevice),
        2,
        "sent again within the session"
    );
    assert!(device_serials(&h, "jordan.lee").await.is_empty());
    assert!(confirm_text(&h).contains("Delete the virtual device entity jordan.lee-pixel?"));
}

#[tokio::test]
async fn closing_the_mfa_session_prompt_reports_that_nothing_was_removed() {
    let (mut h, _) = recorded(DemoIdentity::SelfService, 80, 24).await;
    press(&mut h, 'm').await;
    press(&mut h, 'd').await;
    press(&mut h, 'y').await;
    h.press_code(KeyCode::Esc).await;
    assert!(
        message(&h).contains("without an MFA session"),
        "{}",
        message(&h)
    );
    assert_eq!(device_serials(&h, "jordan.lee").await.len(), 1);
}

// ----- snapshots -----

async fn snapshot_states(cols: u16, rows: u16) {
    let size = format!("{cols}x{rows}");
    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    testing::open_users(&mut h).await;
    press(&mut h, '/').await;
    h.type_text("alice").await;
    h.press_code(KeyCode::Enter).await;
    h.auto_reply = false;
    h.press_code(KeyCode::Enter).await;
    insta::assert_snapshot!(format!("devices_loading_{size}"), h.render());
    h.settle().await;
    h.auto_reply = true;
    insta::assert_snapshot!(format!("devices_loaded_{size}"), h.render());
    press(&mut h, 'o').await;
    insta::assert_snapshot!(format!("devices_rotate_at_limit_{size}"), h.render());
    h.press_code(KeyCode::Esc).await;
    press(&mut h, 's').await;
    insta::assert_snapshot!(format!("devices_resync_{size}"), h.render());
    h.press_code(KeyCode::Esc).await;
    press(&mut h, 't').await;
    insta::assert_snapshot!(format!("devices_tags_{size}"), h.render());

    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    testing::open_devices_of(&mut h, "sam.wilson").await;
    insta::assert_snapshot!(format!("devices_empty_{size}"), h.render());

    let (mut h, iam) = recorded(DemoIdentity::Admin, cols, rows).await;
    iam.fail(
        Action::ListMfaDevices,
        IamError::NoSuchEntity("The user with name admin cannot be found.".into()),
    );
    press(&mut h, 'm').await;
    insta::assert_snapshot!(format!("devices_error_{size}"), h.render());
    iam.clear_failures();
    press(&mut h, 'r').await;
    assert_eq!(devices(&h).devices.loaded().map(Vec::len), Some(2), "retry");
}

#[tokio::test]
async fn snapshots_80x24() {
    snapshot_states(80, 24).await;
}

#[tokio::test]
async fn snapshots_120x40() {
    snapshot_states(120, 40).await;
}
