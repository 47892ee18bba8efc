//! `--redact` is total: no seed, QR module, typed code or demo code on any screen that could show one
//! (wizard secret step, codes, done, the demo authenticator, the resync form, the MFA-session prompt).
//! Each screen is driven twice, once without redaction to show that the test sees the secrets there
//! (so it can fail), once with it; the assertions read the screen text, not a snapshot.

use crossterm::event::KeyCode;

use crate::app::mfa_session::testing::offer_on;
use crate::app::wizard::tests::{pair, press, to_secret_step, wizard};
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::DemoIdentity;
use crate::otp::{self, Seed};
use crate::qr::{LOWER_HALF, UPPER_HALF};
use crate::ui::qr::shade;

/// What must not be on a redacted screen: the seed and every code near now.
fn secrets_of(seed: &Seed) -> Vec<String> {
    let window = otp::window(FIXED_NOW);
    let mut secrets = vec![seed.as_base32().to_string()];
    secrets.extend((window - 2..=window + 2).map(|w| seed.code_for_window(w)));
    secrets
}

/// The secrets found on screen, by index (never by value: a test prints no secret). Spaces and box
/// borders are ignored, so a seed in groups of four over lines, or a code as "123 456", is found too.
fn shown(h: &mut Headless, secrets: &[String]) -> Vec<usize> {
    let text: String = h
        .screen_text()
        .chars()
        .filter(|c| !c.is_whitespace() && !('\u{2500}'..='\u{257f}').contains(c))
        .collect();
    (0..secrets.len())
        .filter(|&i| text.contains(&secrets[i]))
        .collect()
}

/// Cells painted as QR modules: both colours the QR's own, or a half block.
fn qr_cells(h: &mut Headless) -> usize {
    let buffer = h.render().buffer().clone();
    buffer
        .content
        .iter()
        .filter(|cell| {
            (shade(cell.fg).is_some() && shade(cell.bg).is_some())
                || cell.symbol().contains([UPPER_HALF, LOWER_HALF])
        })
        .count()
}

fn assert_redacted(h: &mut Headless, secrets: &[String], screen: &str) {
    assert_eq!(
        shown(h, secrets),
        Vec::<usize>::new(),
        "{screen}: secrets on the redacted screen:\n{}",
        h.screen_text()
    );
    assert_eq!(
        qr_cells(h),
        0,
        "{screen}: QR modules on the redacted screen"
    );
}

/// The wizard at the codes step for ben.c, both codes typed, the demo authenticator open.
async fn wizard_at_codes(redact: bool) -> (Headless, Vec<String>) {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    h.app.session.redact = redact;
    to_secret_step(&mut h, "ben.c").await;
    let seed = wizard(&h)
        .enrollment
        .as_ref()
        .unwrap()
        .seed
        .clone()
        .unwrap();
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::F(2)).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    (h, secrets_of(&seed))
}

#[tokio::test]
async fn the_wizard_secret_step_shows_no_seed_and_no_qr_code() {
    for redact in [false, true] {
        let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
        h.app.session.redact = redact;
        to_secret_step(&mut h, "ben.c").await;
        let seed = wizard(&h)
            .enrollment
            .as_ref()
            .unwrap()
            .seed
            .clone()
            .unwrap();
        let secrets = secrets_of(&seed);
        // The QR code first, with the demo authenticator open; then the secret key.
        press(&mut h, KeyCode::F(2)).await;
        if redact {
            assert_redacted(&mut h, &secrets, "secret step, QR code");
        } else {
            assert!(
                qr_cells(&mut h) > 0,
                "the QR code is drawn without --redact"
            );
            assert!(!shown(&mut h, &secrets).is_empty(), "the demo codes show");
        }
        press(&mut h, KeyCode::F(2)).await;
        press(&mut h, KeyCode::Char('s')).await;
        if redact {
            assert_redacted(&mut h, &secrets, "secret step, secret key");
        } else {
            assert!(shown(&mut h, &secrets).contains(&0), "the seed shows");
        }
    }
}

#[tokio::test]
async fn the_wizard_codes_and_done_steps_show_no_code() {
    let (mut plain, secrets) = wizard_at_codes(false).await;
    assert!(
        shown(&mut plain, &secrets).len() >= 2,
        "typed and demo codes show"
    );

    let (mut h, secrets) = wizard_at_codes(true).await;
    assert_redacted(&mut h, &secrets, "codes step");
    press(&mut h, KeyCode::Enter).await;
    assert!(
        h.screen_text().contains("Authenticator app"),
        "{}",
        h.screen_text()
    );
    assert_redacted(&mut h, &secrets, "done step");
}

/// The resync form on admin's first user's first device, both codes typed.
async fn resync_form(redact: bool) -> (Headless, Vec<String>) {
    let mut h = Headless::demo(DemoIdentity::Admin, 100, 32).await;
    h.app.session.redact = redact;
    for code in [KeyCode::Char('u'), KeyCode::Enter, KeyCode::Char('s')] {
        h.press_code(code).await;
    }
    let serial = match h.app.screen() {
        crate::app::Screen::UserDevices(state) => match state.dialog.as_deref() {
            Some(crate::app::devices::Dialog::Resync(form)) => form.serial.clone(),
            other => panic!("expected the resync form, found {other:?}"),
        },
        _ => panic!("expected a user's devices"),
    };
    let seed = h.iam.known_seed(&serial).expect("the demo knows its seeds");
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    (h, secrets_of(&seed))
}

#[tokio::test]
async fn the_resync_form_shows_no_typed_or_demo_code() {
    let (mut plain, secrets) = resync_form(false).await;
    assert!(
        shown(&mut plain, &secrets).len() >= 2,
        "typed and demo codes show"
    );
    let (mut h, secrets) = resync_form(true).await;
    assert!(h.screen_text().contains("Resync device"));
    assert!(h.screen_text().contains("••••••"), "{}", h.screen_text());
    assert_redacted(&mut h, &secrets, "resync form");
}

const MY_DEVICE: &str = "arn:aws:iam::210987654321:mfa/jordan.lee-pixel";

/// The MFA-session prompt of the self-service user, a code half typed.
async fn mfa_prompt(redact: bool) -> (Headless, Vec<String>) {
    let mut h = Headless::demo(DemoIdentity::SelfService, 100, 32).await;
    h.app.session.redact = redact;
    let error = h
        .iam
        .deactivate_mfa_device("jordan.lee", MY_DEVICE)
        .await
        .expect_err("needs an MFA session");
    assert!(
        offer_on(
            &mut h,
            &error,
            "Removing jordan.lee-pixel needs an MFA session."
        )
        .await
    );
    let seed = h
        .iam
        .known_seed(MY_DEVICE)
        .expect("the demo knows its seeds");
    let code = seed.code_at(FIXED_NOW);
    h.type_text(&code).await;
    (h, secrets_of(&seed))
}

#[tokio::test]
async fn the_mfa_session_prompt_shows_no_typed_or_demo_code() {
    let (mut plain, secrets) = mfa_prompt(false).await;
    assert!(
        plain.screen_text().contains("the device shows"),
        "{}",
        plain.screen_text()
    );
    assert!(!shown(&mut plain, &secrets).is_empty(), "the codes show");
    let (mut h, secrets) = mfa_prompt(true).await;
    assert!(
        h.screen_text().contains("the device shows ••••••"),
        "{}",
        h.screen_text()
    );
    assert_redacted(&mut h, &secrets, "MFA-session prompt");
}
