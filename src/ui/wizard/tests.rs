//! Snapshots of every wizard step at 80x24 and 120x40, errors included, and the rendered QR code read
//! back from the terminal buffer and decoded by an independent decoder.

use std::sync::Arc;

use crossterm::event::KeyCode;

use crate::app::ctrl;
use crate::app::wizard::tests::{
    pair, press, seed_on_screen, to_name_step, to_secret_step, wizard,
};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::Iam;
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::qr::Shade;
use crate::qr::camera::{decode, luma, picture};
use crate::ui::qr::shade;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Drives a fresh demo app to a state at each size and snapshots the screen.
async fn snap(name: &str, identity: DemoIdentity, drive: impl AsyncFn(&mut Headless)) {
    for (cols, rows) in SIZES {
        let mut h = Headless::demo(identity, cols, rows).await;
        drive(&mut h).await;
        insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), h.render());
    }
}

/// The same with an account the test can also change behind the app's back.
async fn snap_with_account(name: &str, drive: impl AsyncFn(&mut Headless, &DemoAccount)) {
    for (cols, rows) in SIZES {
        let clock = ManualClock::at(FIXED_NOW);
        let account = Arc::new(
            DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()))
                .with_deterministic_seeds(),
        );
        let iam: Arc<dyn Iam> = account.clone();
        let mut h = Headless::new(iam, clock, true, cols, rows).await;
        drive(&mut h, &account).await;
        insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), h.render());
    }
}

const ADMIN: DemoIdentity = DemoIdentity::Admin;

#[tokio::test]
async fn user_step() {
    snap("user_step", ADMIN, async |h| {
        press(h, KeyCode::Char('a')).await
    })
    .await;
    snap("user_step_filtered", ADMIN, async |h| {
        press(h, KeyCode::Char('a')).await;
        h.type_text("en").await;
        press(h, KeyCode::Down).await;
    })
    .await;
    snap("user_step_loading", ADMIN, async |h| {
        h.auto_reply = false;
        press(h, KeyCode::Char('a')).await;
    })
    .await;
}

#[tokio::test]
async fn user_at_the_limit() {
    snap("user_at_limit", ADMIN, async |h| {
        press(h, KeyCode::Char('a')).await;
        h.type_text("alice").await;
        press(h, KeyCode::Enter).await;
    })
    .await;
}

#[tokio::test]
async fn name_step() {
    snap("name_step", ADMIN, async |h| to_name_step(h, "ben.c").await).await;
    snap("name_invalid", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        h.type_text(" phone").await;
    })
    .await;
    snap("name_taken", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        h.press(ctrl('u')).await;
        h.type_text("admin-iphone").await;
    })
    .await;
    snap("name_bad_tags", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Tab).await;
        h.type_text("team=ops, aws:owner=me").await;
    })
    .await;
    snap("name_orphan_offer", ADMIN, async |h| {
        to_name_step(h, "emma").await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    // Another run is enrolling the device that holds the name: `y` is refused, `!` insists.
    snap("name_in_progress_offer", ADMIN, async |h| {
        let theirs = crate::iam::NewVirtualDevice {
            name: "ben-phone".into(),
            path: None,
            tags: vec![crate::app::enrollment_marker::marker(FIXED_NOW - 180)],
        };
        h.iam.create_virtual_mfa_device(&theirs).await.unwrap();
        // The wizard lists the account's devices when it opens: after the other run's create.
        to_name_step(h, "ben.c").await;
        h.press(ctrl('u')).await;
        h.type_text("ben-phone").await;
        press(h, KeyCode::Enter).await;
        let text = h.screen_text();
        assert!(!text.contains("Nobody uses it"), "{text}");
        assert!(text.contains("since 14:11 UTC by another run"), "{text}");
        press(h, KeyCode::Char('y')).await;
        assert!(
            wizard(h).dialog.is_some(),
            "y does not free an enrollment in progress"
        );
    })
    .await;
}

#[tokio::test]
async fn type_step() {
    snap("type_step", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap("type_passkey", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
        press(h, KeyCode::Char('3')).await;
    })
    .await;
    snap("type_root", DemoIdentity::Root, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap("type_creating", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
        h.auto_reply = false;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap(
        "type_pinned_name",
        DemoIdentity::SelfServicePinned,
        async |h| {
            press(h, KeyCode::Char('a')).await;
            h.type_text("-phone").await;
            press(h, KeyCode::Enter).await;
            press(h, KeyCode::Enter).await;
        },
    )
    .await;
}

#[tokio::test]
async fn secret_step() {
    // The demo's seeds are deterministic in tests, so the code and the key are the same every run.
    snap("secret_qr", ADMIN, async |h| {
        to_secret_step(h, "ben.c").await
    })
    .await;
    snap("secret_qr_with_authenticator", ADMIN, async |h| {
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::F(2)).await;
    })
    .await;
    snap("secret_key", ADMIN, async |h| {
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Char('s')).await;
        press(h, KeyCode::Char('c')).await;
    })
    .await;
    snap("codes_virtual_with_authenticator", ADMIN, async |h| {
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
        press(h, KeyCode::F(2)).await;
        h.advance(7).await;
    })
    .await;
}

#[tokio::test]
async fn secret_step_without_secrets_on_screen() {
    // At 80x24 the code does not fit: the size it needs, and the offer of the key.
    let mut h = Headless::demo(ADMIN, 80, 24).await;
    to_secret_step(&mut h, "ben.c").await;
    insta::assert_snapshot!("secret_qr_too_small_80x24", h.render());
    snap("secret_redacted", ADMIN, async |h| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
    })
    .await;
    snap("secret_key_redacted", ADMIN, async |h| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Char('s')).await;
        press(h, KeyCode::Char('c')).await;
    })
    .await;
    snap("secret_save_path", ADMIN, async |h| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Char('w')).await;
    })
    .await;
}

/// Home → a hardware token from the demo's stock for emma.schmidt → the codes step.
async fn to_hardware_codes(h: &mut Headless) {
    to_name_step(h, "emma").await;
    h.press(ctrl('u')).await;
    h.type_text("emma-token").await;
    press(h, KeyCode::Enter).await;
    press(h, KeyCode::Char('2')).await;
    h.type_text("GAHT60192320").await;
    press(h, KeyCode::Enter).await;
}

#[tokio::test]
async fn serial_step() {
    snap("serial_step_too_short", ADMIN, async |h| {
        to_name_step(h, "ben.c").await;
        press(h, KeyCode::Enter).await;
        press(h, KeyCode::Char('2')).await;
        h.type_text("GAHT601").await;
    })
    .await;
}

#[tokio::test]
async fn codes_step() {
    snap("codes_step", ADMIN, to_hardware_codes).await;
    snap("codes_refused_character", ADMIN, async |h| {
        to_hardware_codes(h).await;
        h.type_text("12x").await;
    })
    .await;
    snap("codes_wrong_pair", ADMIN, async |h| {
        to_hardware_codes(h).await;
        let seed = h.iam.known_seed("GAHT60192320").unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code2).await;
        h.type_text(&code1).await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap("codes_stale_code", ADMIN, async |h| {
        to_hardware_codes(h).await;
        let seed = h.iam.known_seed("GAHT60192320").unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        h.advance(95).await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap("codes_with_authenticator", ADMIN, async |h| {
        to_hardware_codes(h).await;
        h.advance(17).await;
        press(h, KeyCode::F(2)).await;
    })
    .await;
    snap("codes_redacted", ADMIN, async |h| {
        h.app.session.redact = true;
        to_hardware_codes(h).await;
        h.type_text("123").await;
        press(h, KeyCode::F(2)).await;
    })
    .await;
}

#[tokio::test]
async fn codes_rejected_by_aws() {
    snap("codes_invalid_authentication_code", ADMIN, async |h| {
        to_hardware_codes(h).await;
        let seed = h.iam.known_seed("GAHT60192320").unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        // IAM's clock moves on, the app's does not: the local check passes, AWS refuses.
        h.clock.advance(120);
        press(h, KeyCode::Enter).await;
    })
    .await;
}

#[tokio::test]
async fn done_step() {
    snap("done_hardware", ADMIN, async |h| {
        to_hardware_codes(h).await;
        let seed = h.iam.known_seed("GAHT60192320").unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        press(h, KeyCode::Enter).await;
    })
    .await;
    snap("done_virtual", ADMIN, async |h| {
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Char('s')).await;
        let seed = seed_on_screen(h);
        press(h, KeyCode::Enter).await;
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        press(h, KeyCode::Enter).await;
    })
    .await;
}

#[tokio::test]
async fn limit_exceeded_on_enable() {
    snap_with_account("codes_limit_exceeded", async |h, account| {
        to_hardware_codes(h).await;
        for i in 0..8 {
            account
                .add_assigned_virtual_device("emma.schmidt", &format!("emma-extra-{i}"))
                .unwrap();
        }
        let seed = h.iam.known_seed("GAHT60192320").unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        h.type_text(&code1).await;
        h.type_text(&code2).await;
        press(h, KeyCode::Enter).await;
    })
    .await;
}

#[tokio::test]
async fn rollback() {
    snap("rollback_confirm", ADMIN, async |h| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
        press(h, KeyCode::Esc).await;
    })
    .await;
    snap("rollback_confirm_quit", ADMIN, async |h| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
        h.press(ctrl('c')).await;
    })
    .await;
    snap_with_account("rollback_failed", async |h, account| {
        h.app.session.redact = true;
        to_secret_step(h, "ben.c").await;
        // Someone enables the device behind the wizard's back: now it cannot be deleted.
        let serial = wizard(h).enrollment.as_ref().unwrap().serial.clone();
        let seed = wizard(h).enrollment.as_ref().unwrap().seed.clone().unwrap();
        let (code1, code2) = pair(&seed, FIXED_NOW);
        account
            .enable_mfa_device("oliver.brown", &serial, &code1, &code2)
            .await
            .unwrap();
        press(h, KeyCode::Esc).await;
        press(h, KeyCode::Char('y')).await;
    })
    .await;
}

// ----- the rendered QR code scans -----

const SURROUND_MODULES: usize = 3;

/// The QR code as a camera would see the terminal: the cells painted in the QR's two colours, rebuilt
/// from their symbols and colours alone, two modules per cell, framed by `terminal` shade.
fn photograph_qr(h: &mut Headless, terminal: Shade) -> Vec<Vec<u8>> {
    let buffer = h.render().buffer().clone();
    let area = buffer.area;
    let is_qr = |x: u16, y: u16| {
        let cell = &buffer[(x, y)];
        shade(cell.fg).is_some() && shade(cell.bg).is_some()
    };
    let cells: Vec<(u16, u16)> = (0..area.height)
        .flat_map(|y| (0..area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| is_qr(x, y))
        .collect();
    assert!(
        !cells.is_empty(),
        "no QR code on screen:\n{}",
        h.screen_text()
    );
    let (x0, x1) = (
        cells.iter().map(|c| c.0).min().unwrap(),
        cells.iter().map(|c| c.0).max().unwrap(),
    );
    let (y0, y1) = (
        cells.iter().map(|c| c.1).min().unwrap(),
        cells.iter().map(|c| c.1).max().unwrap(),
    );
    let mut modules: Vec<Vec<u8>> = Vec::new();
    for y in y0..=y1 {
        let half = |covers: &[&str]| -> Vec<u8> {
            (x0..=x1)
                .map(|x| {
                    let cell = &buffer[(x, y)];
                    let color = if covers.contains(&cell.symbol()) {
                        cell.fg
                    } else {
                        cell.bg
                    };
                    luma(shade(color).expect("every cell of the code is black or white"))
                })
                .collect()
        };
        modules.push(half(&["▀", "█"]));
        modules.push(half(&["▄", "█"]));
    }
    picture(modules, SURROUND_MODULES, luma(terminal))
}

#[tokio::test]
async fn rendered_qr_code_decodes_to_the_uri_with_the_seed_on_screen_in_both_polarities() {
    let mut h = Headless::demo(ADMIN, 120, 40).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Char('s')).await;
    let expected = seed.otpauth_uri("ben.carter", "210987654321");

    // Black on white, in a dark terminal: only the code's own quiet zone sets it apart.
    let pixels = photograph_qr(&mut h, Shade::Black);
    assert_eq!(decode(&pixels, false), vec![expected.to_string()]);

    press(&mut h, KeyCode::Char('i')).await;
    let pixels = photograph_qr(&mut h, Shade::White);
    assert!(
        decode(&pixels, false).is_empty(),
        "inverted: a plain scan fails"
    );
    let decoded = decode(&pixels, true);
    assert_eq!(decoded, vec![expected.to_string()]);
    assert!(decoded[0].contains(&format!("secret={}", seed.as_base32())));
}

#[tokio::test]
async fn a_window_too_short_for_code_and_words_stacked_shows_them_side_by_side() {
    // 100x34 leaves 27 rows in the panel: the code fits beside the instructions, not under them.
    let mut h = Headless::demo(ADMIN, 100, 34).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    press(&mut h, KeyCode::Char('s')).await;
    insta::assert_snapshot!("secret_qr_beside_text_100x34", h.render());
    let expected = seed.otpauth_uri("ben.carter", "210987654321");
    let pixels = photograph_qr(&mut h, Shade::Black);
    assert_eq!(decode(&pixels, false), vec![expected.to_string()]);
}
