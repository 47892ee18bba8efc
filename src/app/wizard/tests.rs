//! Flows of the wizard on the demo account, driven like a user would: keys in, screen text out.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::{Dialog, NameProblem, Step, WizardState};
use crate::app::{Request, Screen, ctrl};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::{AssignmentFilter, Iam, IamError, op};
use crate::otp::{self, Seed};

pub(crate) fn wizard(h: &Headless) -> &WizardState {
    match h.app.screen() {
        Screen::Wizard(state) => state,
        other => panic!("the wizard is not on top: {other:?}"),
    }
}

/// Asserts the step, showing the screen when it is another.
pub(crate) fn assert_step(h: &mut Headless, step: Step) {
    let actual = wizard(h).step;
    if actual != step {
        panic!("at {actual:?}, not {step:?}:\n{}", h.screen_text());
    }
}

pub(crate) async fn press(h: &mut Headless, code: KeyCode) {
    h.press_code(code).await;
}

/// Home → wizard → the user whose name starts with `filter` → the name step.
pub(crate) async fn to_name_step(h: &mut Headless, filter: &str) {
    press(h, KeyCode::Char('a')).await;
    h.type_text(filter).await;
    press(h, KeyCode::Enter).await;
    assert_step(h, Step::Name);
}

/// On to a created virtual device, its QR code on screen.
pub(crate) async fn to_secret_step(h: &mut Headless, filter: &str) {
    to_name_step(h, filter).await;
    press(h, KeyCode::Enter).await;
    press(h, KeyCode::Enter).await;
    assert_step(h, Step::Secret);
}

/// The seed as the secret-key view shows it: groups of four Base32 characters inside the panel.
pub(crate) fn seed_on_screen(h: &mut Headless) -> Seed {
    let text = h.screen_text();
    let groups: String = text
        .lines()
        .map(|line| line.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .filter(|line| {
            let words: Vec<&str> = line.split(' ').collect();
            words.len() >= 2
                && words.iter().all(|w| {
                    (1..=4).contains(&w.len())
                        && w.chars()
                            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
                })
        })
        .collect::<Vec<_>>()
        .join(" ");
    Seed::from_base32(&groups).unwrap_or_else(|e| panic!("no secret key on screen ({e}):\n{text}"))
}

/// The code pair a person would type now: the current code and the next one.
pub(crate) fn pair(seed: &Seed, now: u64) -> (String, String) {
    let window = otp::window(now);
    (
        seed.code_for_window(window),
        seed.code_for_window(window + 1),
    )
}

async fn unassigned(h: &Headless) -> Vec<String> {
    let devices = h
        .iam
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned)
        .await
        .unwrap();
    devices.into_iter().map(|d| d.serial).collect()
}

async fn admin() -> Headless {
    Headless::demo(DemoIdentity::Admin, 120, 40).await
}

#[tokio::test]
async fn full_enrollment_with_codes_from_the_secret_on_screen() {
    let mut h = admin().await;
    let before = unassigned(&h).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    assert_eq!(
        wizard(&h).codes.focus(),
        otp::CodeField::Second,
        "focus moves on after six digits"
    );
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;

    assert_step(&mut h, Step::Done);
    let state = wizard(&h);
    let serial = "arn:aws:iam::210987654321:mfa/ben.carter";
    assert!(
        state.enrollment.as_ref().unwrap().seed.is_none(),
        "the seed is dropped once active"
    );
    assert!(state.cleanup_requests().is_empty());
    let devices = h.iam.list_mfa_devices("ben.carter").await.unwrap();
    assert!(devices.iter().any(|d| d.serial == serial), "{devices:?}");
    assert_eq!(unassigned(&h).await, before);
    let text = h.screen_text();
    assert!(text.contains("now 2 of 8"), "{text}");
    assert!(
        text.contains("aws iam enable-mfa-device --user-name ben.carter --serial-number"),
        "{text}"
    );

    press(&mut h, KeyCode::Enter).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[tokio::test]
async fn cancel_after_creation_leaves_no_unassigned_device() {
    let mut h = admin().await;
    let before = unassigned(&h).await;
    to_secret_step(&mut h, "ben.c").await;
    assert_eq!(unassigned(&h).await.len(), before.len() + 1);
    press(&mut h, KeyCode::Esc).await;
    assert!(matches!(
        wizard(&h).dialog,
        Some(Dialog::ConfirmLeave { quit: false })
    ));
    press(&mut h, KeyCode::Char('n')).await;
    assert!(wizard(&h).dialog.is_none(), "n stays in the wizard");
    press(&mut h, KeyCode::Esc).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    assert_eq!(unassigned(&h).await, before);
}

#[tokio::test]
async fn cancel_before_creation_just_closes() {
    let mut h = admin().await;
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Esc).await;
    assert_eq!(wizard(&h).step, Step::Name);
    press(&mut h, KeyCode::Esc).await;
    assert_eq!(wizard(&h).step, Step::User);
    press(&mut h, KeyCode::Esc).await;
    assert!(
        wizard(&h).picker.filter.is_empty(),
        "Esc clears the filter first"
    );
    press(&mut h, KeyCode::Esc).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[tokio::test]
async fn wrong_pair_is_rejected_locally_and_nothing_is_sent() {
    let mut h = admin().await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Enter).await;
    h.auto_reply = false;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    // Reversed: code 2 is not the one after code 1.
    h.type_text(&code2).await;
    h.type_text(&code1).await;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(h.pending_count(), 0, "nothing was sent");
    let codes = &wizard(&h).codes;
    assert!(codes.first().message().is_none());
    assert!(
        codes
            .second()
            .message()
            .unwrap()
            .contains("right after code 1"),
        "{codes:?}"
    );
    // The same code twice.
    press(&mut h, KeyCode::Backspace).await;
    h.press(ctrl('u')).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(h.pending_count(), 0);
    assert!(
        wizard(&h)
            .codes
            .second()
            .message()
            .unwrap()
            .contains("same")
    );
    assert!(h.screen_text().contains("Both codes are the same"));
}

#[tokio::test]
async fn refused_characters_are_told_at_the_field() {
    let mut h = admin().await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    h.type_text("12x").await;
    let codes = &wizard(&h).codes;
    assert_eq!(codes.first().value(), "12");
    assert_eq!(codes.first().message(), Some("Digits only: 'x' is not one"));
    h.type_text("3").await;
    assert!(
        wizard(&h).codes.first().message().is_none(),
        "typing on clears the message"
    );
}

#[tokio::test]
async fn codes_gone_stale_in_transit_come_back_to_the_codes_with_the_device_kept() {
    let mut h = admin().await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    // IAM's clock has moved on two minutes; the app's has not: the local check passes, AWS refuses.
    h.clock.advance(120);
    press(&mut h, KeyCode::Enter).await;
    let state = wizard(&h);
    assert_eq!(state.step, Step::Codes);
    assert!(
        state
            .codes
            .first()
            .message()
            .unwrap()
            .starts_with("AWS rejected the codes")
    );
    assert!(state.codes.first().is_empty() && state.codes.second().is_empty());
    assert!(
        state.enrollment.as_ref().unwrap().needs_rollback(),
        "the device is kept"
    );
    assert_eq!(state.cleanup_requests().len(), 1);
}

#[tokio::test]
async fn ctrl_c_after_creation_confirms_deletes_then_quits() {
    let mut h = admin().await;
    let before = unassigned(&h).await;
    to_secret_step(&mut h, "ben.c").await;
    let serial = wizard(&h).enrollment.as_ref().unwrap().serial.clone();
    assert_eq!(
        h.app.cleanup_requests(),
        vec![Request::from(op::DeleteVirtualMfaDevice { serial })]
    );
    h.press(ctrl('c')).await;
    assert!(matches!(
        wizard(&h).dialog,
        Some(Dialog::ConfirmLeave { quit: true })
    ));
    assert!(!h.app.is_quitting());
    press(&mut h, KeyCode::Enter).await;
    assert!(!h.app.is_quitting(), "only y deletes");
    h.press(ctrl('c')).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert!(h.app.is_quitting());
    assert_eq!(unassigned(&h).await, before);
}

#[tokio::test]
async fn ctrl_c_before_creation_quits_at_once() {
    let mut h = admin().await;
    to_name_step(&mut h, "ben.c").await;
    h.press(ctrl('c')).await;
    assert!(h.app.is_quitting());
}

#[tokio::test]
async fn hardware_token_from_the_demo_stock() {
    let mut h = admin().await;
    to_name_step(&mut h, "emma").await;
    h.press(ctrl('u')).await;
    h.type_text("emma-token").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('2')).await;
    assert_eq!(wizard(&h).step, Step::Serial);
    h.type_text("GAHT6019").await;
    assert!(wizard(&h).serial.problem().unwrap().contains("9 to 256"));
    h.type_text("2320").await;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(wizard(&h).step, Step::Codes);
    let seed = h
        .iam
        .known_seed("GAHT60192320")
        .expect("a demo token's seed");
    assert!(
        wizard(&h).authenticator_seed().is_some(),
        "the demo told the token's seed"
    );
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    assert_step(&mut h, Step::Done);
    let devices = h.iam.list_mfa_devices("emma.schmidt").await.unwrap();
    assert!(
        devices.iter().any(|d| d.serial == "GAHT60192320"),
        "{devices:?}"
    );
    assert!(
        wizard(&h).cleanup_requests().is_empty(),
        "a token is never deleted"
    );
}

#[tokio::test]
async fn a_token_in_use_sends_back_to_the_serial() {
    let mut h = admin().await;
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('2')).await;
    // admin's own token.
    h.type_text("GAHT60192318").await;
    press(&mut h, KeyCode::Enter).await;
    let seed = h.iam.known_seed("GAHT60192318").unwrap();
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    let state = wizard(&h);
    assert_eq!(state.step, Step::Serial);
    assert!(
        state.serial.problem().unwrap().contains("already in use"),
        "{:?}",
        state.serial
    );
}

#[tokio::test]
async fn a_user_at_eight_devices_cannot_be_picked() {
    let mut h = admin().await;
    press(&mut h, KeyCode::Char('a')).await;
    h.type_text("alice").await;
    press(&mut h, KeyCode::Enter).await;
    let state = wizard(&h);
    assert_eq!(state.step, Step::User);
    assert!(state.picker.error.as_deref().unwrap().contains("8 of 8"));
}

#[tokio::test]
async fn a_name_held_by_an_orphan_is_freed_on_request() {
    let mut h = admin().await;
    let orphan = "arn:aws:iam::210987654321:mfa/emma.schmidt".to_string();
    assert!(unassigned(&h).await.contains(&orphan));
    to_name_step(&mut h, "emma").await;
    assert_eq!(
        wizard(&h).name_problem(),
        Some(NameProblem::Orphan {
            serial: orphan.clone()
        })
    );
    press(&mut h, KeyCode::Enter).await;
    assert!(matches!(
        wizard(&h).dialog,
        Some(Dialog::OrphanOffer { .. })
    ));
    assert!(
        !h.screen_text().contains("Nobody uses it"),
        "{}",
        h.screen_text()
    );
    press(&mut h, KeyCode::Enter).await;
    assert!(wizard(&h).dialog.is_some(), "only y frees the name");
    press(&mut h, KeyCode::Char('y')).await;
    assert_eq!(wizard(&h).step, Step::Type);
    assert!(
        unassigned(&h).await.contains(&orphan),
        "deleted only once the new device is created"
    );
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(wizard(&h).step, Step::Secret, "the freed name is used");
    assert!(h.screen_text().contains("Deleted the unassigned device"));
    let devices = h
        .iam
        .list_virtual_mfa_devices(AssignmentFilter::Any)
        .await
        .unwrap();
    let named: Vec<_> = devices.iter().filter(|d| d.serial == orphan).collect();
    assert_eq!(named.len(), 1, "the new device holds the name");
}

#[tokio::test]
async fn choosing_a_hardware_token_leaves_the_orphan_that_held_the_name() {
    let mut h = admin().await;
    let orphan = "arn:aws:iam::210987654321:mfa/emma.schmidt".to_string();
    to_name_step(&mut h, "emma").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert_step(&mut h, Step::Type);
    press(&mut h, KeyCode::Char('2')).await;
    assert_step(&mut h, Step::Serial);
    assert!(
        unassigned(&h).await.contains(&orphan),
        "a hardware token needs no name: nothing deleted"
    );
}

#[tokio::test]
async fn names_are_checked_as_typed() {
    let mut h = admin().await;
    to_name_step(&mut h, "ben.c").await;
    h.type_text(" x").await;
    assert!(matches!(
        wizard(&h).name_problem(),
        Some(NameProblem::Invalid(_))
    ));
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(
        wizard(&h).step,
        Step::Name,
        "an invalid name does not go on"
    );
    h.press(ctrl('u')).await;
    h.type_text("ADMIN-IPHONE").await;
    assert_eq!(
        wizard(&h).name_problem(),
        Some(NameProblem::Assigned {
            user_name: "admin".into()
        }),
        "IAM names ignore case"
    );
    h.press(ctrl('u')).await;
    h.type_text("ben-new").await;
    press(&mut h, KeyCode::Tab).await;
    h.type_text("aws:x=1").await;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(wizard(&h).step, Step::Name, "bad tags do not go on");
    h.press(ctrl('u')).await;
    h.type_text("team=ops, cost=42").await;
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(wizard(&h).step, Step::Type);
    press(&mut h, KeyCode::Enter).await;
    let tags = h
        .iam
        .list_mfa_device_tags("arn:aws:iam::210987654321:mfa/ben-new")
        .await
        .unwrap();
    let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        ["team", "cost", "iam-mfa:enrollment-started"],
        "the user's tags and the enrollment marker"
    );
    assert_eq!(tags[2].value, "2026-11-23T14:14:00Z");
}

#[tokio::test]
async fn pinned_policy_offers_the_user_name() {
    let mut h = Headless::demo(DemoIdentity::SelfServicePinned, 120, 40).await;
    press(&mut h, KeyCode::Char('a')).await;
    let state = wizard(&h);
    assert_eq!(
        (state.step, state.user_name.as_deref()),
        (Step::Name, Some("priya.raman"))
    );
    assert_eq!(state.name.input.value(), "priya.raman");
    h.type_text("-phone").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(
        matches!(&wizard(&h).dialog, Some(Dialog::PinnedName { denied }) if denied == "priya.raman-phone"),
        "{:?}",
        wizard(&h).dialog
    );
    press(&mut h, KeyCode::Char('u')).await;
    let state = wizard(&h);
    assert_eq!(state.step, Step::Secret);
    assert_eq!(
        state.enrollment.as_ref().unwrap().serial,
        "arn:aws:iam::210987654321:mfa/priya.raman"
    );
}

#[tokio::test]
async fn a_second_device_of_a_self_service_user_asks_for_an_mfa_session() {
    let mut h = Headless::demo(DemoIdentity::SelfService, 120, 40).await;
    press(&mut h, KeyCode::Char('a')).await;
    assert_eq!(wizard(&h).user_name.as_deref(), Some("jordan.lee"));
    h.type_text("-phone").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(
        matches!(h.app.screen(), Screen::MfaSession(_)),
        "the MFA-session prompt is pushed"
    );
    // A code from the device jordan.lee already has opens the session; the enable is sent again.
    let existing = h
        .iam
        .known_seed("arn:aws:iam::210987654321:mfa/jordan.lee-pixel")
        .unwrap();
    h.type_text(&existing.code_at(FIXED_NOW)).await;
    press(&mut h, KeyCode::Enter).await;
    assert_step(&mut h, Step::Done);
    let devices = h.iam.list_mfa_devices("jordan.lee").await.unwrap();
    assert_eq!(devices.len(), 2, "{devices:?}");
}

#[tokio::test]
async fn limit_reached_during_enrollment_is_explained_with_a_way_out() {
    let clock = ManualClock::at(FIXED_NOW);
    let account = Arc::new(DemoAccount::new(
        DemoIdentity::Admin,
        Arc::new(clock.clone()),
    ));
    let iam: Arc<dyn Iam> = account.clone();
    let mut h = Headless::new(iam, clock, true, 120, 40).await;
    let before = unassigned(&h).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    // Meanwhile, someone else fills ben.carter up to the limit.
    for i in 0..7 {
        account
            .add_assigned_virtual_device("ben.carter", &format!("ben-extra-{i}"))
            .unwrap();
    }
    press(&mut h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    press(&mut h, KeyCode::Enter).await;
    match &wizard(&h).dialog {
        Some(Dialog::Problem(problem)) => {
            assert!(matches!(problem.error, IamError::LimitExceeded(_)));
            assert!(problem.title.contains("limit of 8"));
        }
        other => panic!("{other:?}"),
    }
    press(&mut h, KeyCode::Char('l')).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    assert_eq!(unassigned(&h).await, before);
}

#[tokio::test]
async fn virtual_authenticator_shows_the_codes_of_the_device_in_demo_mode_only() {
    let mut h = admin().await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::F(2)).await;
    let (now, next) = pair(&seed, FIXED_NOW);
    let text = h.screen_text();
    assert!(
        text.contains(&format!("{} {}", &now[..3], &now[3..])),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} {}", &next[..3], &next[3..])),
        "{text}"
    );

    let clock = ManualClock::at(FIXED_NOW);
    let iam: Arc<dyn Iam> = Arc::new(DemoAccount::new(
        DemoIdentity::Admin,
        Arc::new(clock.clone()),
    ));
    let mut real = Headless::new(iam, clock, false, 120, 40).await;
    to_secret_step(&mut real, "ben.c").await;
    press(&mut real, KeyCode::F(2)).await;
    assert!(
        !wizard(&real).authenticator_open,
        "no virtual authenticator outside demo mode"
    );
}

#[tokio::test]
async fn copy_and_save_go_where_asked() {
    let mut h = admin().await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Char('c')).await;
    assert_eq!(h.copied.len(), 1);
    assert_eq!(h.copied[0].as_str(), seed.as_base32());
    assert!(h.screen_text().contains("Copied to the test clipboard"));

    press(&mut h, KeyCode::Char('w')).await;
    h.press(ctrl('u')).await;
    h.type_text("/tmp/ben-secret.txt").await;
    press(&mut h, KeyCode::Enter).await;
    let (path, contents) = h.saved.last().expect("a save");
    assert_eq!(path.to_str(), Some("/tmp/ben-secret.txt"));
    assert!(String::from_utf8_lossy(contents).contains(seed.grouped().as_str()));

    press(&mut h, KeyCode::Char('s')).await; // back to the QR code: saves a PNG
    press(&mut h, KeyCode::Char('w')).await;
    press(&mut h, KeyCode::Enter).await;
    let (path, contents) = h.saved.last().unwrap();
    assert_eq!(path.to_str(), Some("ben.carter-mfa-qr.png"));
    assert!(contents.starts_with(b"\x89PNG"));
}
