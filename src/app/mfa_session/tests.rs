//! The MFA-session prompt on the demo account: offered for the right denials only, wrong and right
//! codes, expiry, and what the demo shows.

use std::sync::Arc;

use super::testing::{offer_on, prompt};
use super::*;
use crate::app::{Msg, key};
use crate::clock::{Clock, ManualClock};
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::{Action, Iam};

const ME: &str = "jordan.lee";
const MY_DEVICE: &str = "arn:aws:iam::210987654321:mfa/jordan.lee-pixel";
const REASON: &str = "Removing a device needs an MFA session";

/// The denial a self-service user gets when removing a device without a session.
async fn denial(headless: &Headless) -> IamError {
    let error = headless
        .iam
        .deactivate_mfa_device(ME, MY_DEVICE)
        .await
        .expect_err("deactivating needs an MFA session");
    assert!(error.needs_mfa_session(), "{error}");
    error
}

async fn prompted() -> Headless {
    let mut headless = Headless::demo(DemoIdentity::SelfService, 80, 24).await;
    let error = denial(&headless).await;
    assert!(offer_on(&mut headless, &error, REASON).await);
    headless
}

fn current_code(headless: &Headless) -> String {
    let seed = headless
        .iam
        .known_seed(MY_DEVICE)
        .expect("the demo knows its seeds");
    seed.code_at(headless.clock.now())
}

/// Any code but the right one.
fn wrong_code(headless: &Headless) -> String {
    let right = current_code(headless);
    let first = if right.starts_with('1') { '2' } else { '1' };
    format!("{first}{}", &right[1..])
}

async fn submit(headless: &mut Headless, code: &str) {
    headless.type_text(code).await;
    headless.press_code(KeyCode::Enter).await;
}

#[tokio::test]
async fn the_prompt_lists_the_caller_s_own_devices() {
    let headless = prompted().await;
    let state = prompt(&headless).expect("the prompt is on top");
    assert_eq!(state.reason, REASON);
    let serials: Vec<&str> = state
        .usable_devices()
        .iter()
        .map(|d| d.serial.as_str())
        .collect();
    assert_eq!(serials, [MY_DEVICE]);
    assert_eq!(
        state.selected_device().map(|d| d.user_name.as_str()),
        Some(ME)
    );
}

#[tokio::test]
async fn a_wrong_code_is_explained_at_the_field_and_may_be_tried_again() {
    let mut headless = prompted().await;
    let wrong = wrong_code(&headless);
    submit(&mut headless, &wrong).await;
    let state = prompt(&headless).expect("still asking");
    let error = state.code.message().expect("a message at the code field");
    assert_eq!(
        error,
        "AWS did not accept that code; type the one jordan.lee-pixel shows now"
    );
    assert!(
        state.code.is_empty(),
        "the field is cleared for the next try"
    );
    assert_eq!(headless.app.session.mfa_session, None);
    assert!(
        headless
            .screen_text()
            .contains("AWS did not accept that code")
    );

    let right = current_code(&headless);
    submit(&mut headless, &right).await;
    assert!(prompt(&headless).is_none(), "the prompt closed");
    assert!(headless.app.session.mfa_session.is_some());
}

#[tokio::test]
async fn the_right_code_starts_a_session_and_the_denied_call_goes_through() {
    let mut headless = prompted().await;
    let right = current_code(&headless);
    submit(&mut headless, &right).await;

    assert!(matches!(headless.app.screen(), Screen::Home(_)));
    let session = headless.app.session.mfa_session.clone().expect("a session");
    assert_eq!(session.serial, MY_DEVICE);
    assert_eq!(session.expires_at.0, (FIXED_NOW + 12 * 3_600) as i64);
    assert_eq!(headless.iam.mfa_session(), Some(session));
    let notice = headless.app.notice().expect("a notice").text.clone();
    assert!(
        notice.contains("MFA session started with jordan.lee-pixel"),
        "{notice}"
    );
    assert!(notice.contains("2026-11-24 02:14 UTC"), "{notice}");
    assert!(
        headless
            .screen_text()
            .contains("MFA session until 02:14 UTC (12h 00m left)")
    );
    headless
        .iam
        .deactivate_mfa_device(ME, MY_DEVICE)
        .await
        .expect("allowed within the session");
}

#[tokio::test]
async fn an_expired_session_is_dropped_and_offered_again() {
    let mut headless = prompted().await;
    let right = current_code(&headless);
    submit(&mut headless, &right).await;
    assert!(headless.app.session.mfa_session.is_some());

    headless.advance(12 * 3_600 - 1).await;
    assert!(
        headless.app.session.mfa_session.is_some(),
        "still a second to go"
    );
    headless.advance(1).await;
    assert_eq!(headless.app.session.mfa_session, None);
    let notice = headless.app.notice().expect("a notice").text.clone();
    assert!(
        notice.contains("Your MFA session ended at 2026-11-24 02:14 UTC"),
        "{notice}"
    );
    assert!(!headless.screen_text().contains("MFA session until"));

    let error = denial(&headless).await;
    assert!(
        offer_on(&mut headless, &error, REASON).await,
        "offered again"
    );
    assert!(prompt(&headless).is_some());
}

#[tokio::test]
async fn no_offer_for_other_denials_or_within_a_session() {
    let mut headless = Headless::demo(DemoIdentity::SelfService, 80, 24).await;
    let not_allowed = headless.iam.list_users().await.expect_err("self-service");
    assert!(!offer_on(&mut headless, &not_allowed, REASON).await);
    let network = IamError::Network("down".into());
    assert!(!offer_on(&mut headless, &network, REASON).await);

    let denied = denial(&headless).await;
    headless.app.session.mfa_session = Some(crate::iam::MfaSession {
        serial: MY_DEVICE.into(),
        expires_at: crate::iam::Timestamp(FIXED_NOW as i64 + 60),
    });
    assert!(
        !offer_on(&mut headless, &denied, REASON).await,
        "a session is in force"
    );
    assert!(matches!(headless.app.screen(), Screen::Home(_)));
}

#[tokio::test]
async fn root_and_roles_are_not_offered_a_session() {
    let mut headless = Headless::demo(DemoIdentity::Root, 80, 24).await;
    let explicit = IamError::access_denied(
        Action::DeactivateMfaDevice,
        "... with an explicit deny in a service control policy",
    );
    assert!(!offer_on(&mut headless, &explicit, REASON).await);
}

#[tokio::test]
async fn only_digits_are_typed_and_six_are_needed() {
    let mut headless = prompted().await;
    headless.type_text("12a").await;
    let state = prompt(&headless).unwrap();
    assert_eq!(state.code.value(), "12");
    assert_eq!(state.code.message(), Some("Digits only: 'a' is not one"));
    headless.press_code(KeyCode::Enter).await;
    let state = prompt(&headless).unwrap();
    assert_eq!(
        state.code.message(),
        Some("Type all six digits of the code the device shows now")
    );
    assert!(!state.is_starting(), "nothing was sent");
    headless.type_text("3456").await;
    assert_eq!(prompt(&headless).unwrap().code.message(), None);
    headless.type_text("7").await;
    assert_eq!(
        prompt(&headless).unwrap().code.message(),
        Some("A code has six digits: this one is complete")
    );
}

#[tokio::test]
async fn esc_closes_the_prompt_without_a_session() {
    let mut headless = prompted().await;
    headless.press(key(KeyCode::Esc)).await;
    assert!(matches!(headless.app.screen(), Screen::Home(_)));
    assert_eq!(headless.app.session.mfa_session, None);
}

#[tokio::test]
async fn esc_waits_for_a_session_request_in_flight() {
    let mut headless = prompted().await;
    let right = current_code(&headless);
    headless.auto_reply = false;
    submit(&mut headless, &right).await;
    assert!(prompt(&headless).unwrap().is_starting());
    headless.press(key(KeyCode::Esc)).await;
    assert!(prompt(&headless).is_some(), "still waiting for STS");
    headless.settle().await;
    assert!(
        headless.app.session.mfa_session.is_some(),
        "the session is shown"
    );
}

#[tokio::test]
async fn passkeys_are_shown_but_cannot_open_a_session() {
    let clock = ManualClock::at(FIXED_NOW);
    let account = Arc::new(DemoAccount::new(
        DemoIdentity::SelfService,
        Arc::new(clock.clone()),
    ));
    let passkey = account
        .register_passkey(ME, "yubikey-5c")
        .expect("registered");
    let mut headless = Headless::new(account, clock, true, 100, 30).await;
    let error = denial(&headless).await;
    assert!(offer_on(&mut headless, &error, REASON).await);

    let state = prompt(&headless).unwrap();
    assert_eq!(state.devices.loaded().map(Vec::len), Some(2));
    assert!(state.usable_devices().iter().all(|d| d.serial != passkey));
    // Moving through the list never lands on the passkey.
    headless.press_code(KeyCode::Down).await;
    assert_eq!(
        prompt(&headless)
            .unwrap()
            .selected_device()
            .map(|d| d.serial.as_str()),
        Some(MY_DEVICE)
    );
    assert!(
        headless
            .screen_text()
            .contains("passkey: browser only, cannot open a session")
    );
}

#[tokio::test]
async fn the_demo_shows_the_device_s_current_code() {
    let mut headless = prompted().await;
    let code = current_code(&headless);
    assert!(
        headless
            .screen_text()
            .contains(&format!("the device shows {code} now")),
        "{}",
        headless.screen_text()
    );
}

#[tokio::test]
async fn a_prompt_opened_before_the_identity_is_known_asks_once_it_is() {
    let clock = ManualClock::at(FIXED_NOW);
    let iam: Arc<dyn Iam> = Arc::new(DemoAccount::new(
        DemoIdentity::SelfService,
        Arc::new(clock.clone()),
    ));
    let mut headless = Headless::new(iam, clock, true, 80, 24).await;
    let identity = std::mem::take(&mut headless.app.session.identity);
    let error = denial(&headless).await;
    assert!(offer_on(&mut headless, &error, REASON).await);
    assert!(prompt(&headless).unwrap().devices.is_loading());

    headless.app.session.identity = identity;
    headless.send(Msg::Tick(FIXED_NOW + 1)).await;
    assert_eq!(prompt(&headless).unwrap().usable_devices().len(), 1);
}
