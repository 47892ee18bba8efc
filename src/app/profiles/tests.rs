//! The Profiles screen on the demo's fictional profiles: the listing, a switch (identity and mode asked
//! again, header updated, screens reset, state kept per profile), a profile that cannot sign in, and the
//! snapshots.

use crossterm::event::KeyCode;

use super::*;
use crate::app::Screen;
use crate::app::manage::testing::press;
use crate::headless::Headless;
use crate::iam::demo::DemoIdentity;
use crate::iam::demo::profiles::EXPIRED_SSO_PROFILE;
use crate::iam::{CallerMode, Principal};

fn profiles(h: &Headless) -> &ProfilesState {
    match h.app.screen() {
        Screen::Profiles(state) => state,
        other => panic!("not the Profiles screen: {other:?}"),
    }
}

async fn open(h: &mut Headless) {
    press(h, 'p').await;
    assert!(
        matches!(h.app.screen(), Screen::Profiles(_)),
        "{}",
        h.screen_text()
    );
}

/// Moves the cursor to `name` and presses Enter.
async fn switch_to(h: &mut Headless, name: &str) {
    let index = profiles(h)
        .profiles()
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no profile {name}"));
    press_code(h, KeyCode::Home).await;
    for _ in 0..index {
        press_code(h, KeyCode::Down).await;
    }
    press_code(h, KeyCode::Enter).await;
}

async fn press_code(h: &mut Headless, code: KeyCode) {
    h.press_code(code).await;
}

#[tokio::test]
async fn the_demo_profiles_are_listed_with_sso_region_and_role() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    open(&mut h).await;
    let names: Vec<&str> = profiles(&h)
        .profiles()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "default",
            "jordan",
            "priya",
            "break-glass",
            EXPIRED_SSO_PROFILE
        ]
    );
    let text = h.screen_text();
    assert!(
        text.contains("SSO") && text.contains("eu-central-1"),
        "{text}"
    );
    assert!(
        text.contains("arn:aws:iam::210987654321:role/BreakGlass via default"),
        "{text}"
    );
    press_code(&mut h, KeyCode::Esc).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[tokio::test]
async fn a_switch_starts_the_app_over_as_the_new_profile() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    assert_eq!(h.app.session.mode, Some(CallerMode::Admin));
    open(&mut h).await;
    switch_to(&mut h, "jordan").await;
    // Home alone, the new caller found out again, the mode decided again.
    assert_eq!(h.app.screens().count(), 1);
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    assert_eq!(
        h.app.session.principal(),
        Some(Principal::IamUser {
            user_name: "jordan.lee".into()
        })
    );
    assert_eq!(h.app.session.mode, Some(CallerMode::SelfService));
    assert_eq!(h.app.session.profile.as_deref(), Some("jordan"));
    let text = h.screen_text();
    assert!(
        text.contains("profile jordan") && text.contains("user jordan.lee"),
        "the header names the new profile and caller: {text}"
    );
    assert!(text.contains("Now using profile jordan"), "{text}");
    // The new profile's screens call through it: its own devices only.
    assert!(
        !text.contains("Users"),
        "a self-service user has no Users entry: {text}"
    );
    // Back again: the list marks the profile in use.
    open(&mut h).await;
    assert_eq!(profiles(&h).current.as_deref(), Some("jordan"));
    assert!(h.screen_text().contains("jordan (in use)"));
    switch_to(&mut h, "default").await;
    assert_eq!(h.app.session.mode, Some(CallerMode::Admin));
}

#[tokio::test]
async fn a_profile_that_cannot_sign_in_says_why_and_the_current_one_stays() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    open(&mut h).await;
    switch_to(&mut h, EXPIRED_SSO_PROFILE).await;
    let state = profiles(&h);
    assert!(state.connecting.is_none());
    let failure = state.failure.clone().expect("the failure is shown");
    assert!(
        failure.0.contains(&format!(
            "Run aws sso login --profile {EXPIRED_SSO_PROFILE}:"
        )),
        "{failure}"
    );
    let text = h.screen_text();
    assert!(
        text.contains(&format!(
            "Run aws sso login --profile {EXPIRED_SSO_PROFILE}:"
        )) && text.contains("current profile stays in use"),
        "{text}"
    );
    // Still the admin, and still working.
    assert_eq!(h.app.session.mode, Some(CallerMode::Admin));
    press_code(&mut h, KeyCode::Esc).await;
    press(&mut h, 'u').await;
    assert!(matches!(h.app.screen(), Screen::Users(_)));
    assert!(h.screen_text().contains("sam.wilson"));
}

#[tokio::test]
async fn a_switch_back_finds_the_profile_as_it_was_left() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    let first = h.iam.clone();
    let same = |a: &std::sync::Arc<dyn crate::iam::Iam>,
                b: &std::sync::Arc<dyn crate::iam::Iam>| {
        std::ptr::addr_eq(std::sync::Arc::as_ptr(a), std::sync::Arc::as_ptr(b))
    };
    open(&mut h).await;
    switch_to(&mut h, "priya").await;
    assert_eq!(h.app.session.mode, Some(CallerMode::SelfService));
    assert!(!same(&first, &h.iam), "calls go to the new profile");
    open(&mut h).await;
    switch_to(&mut h, "default").await;
    assert!(same(&first, &h.iam), "the same account, devices and all");
    assert_eq!(h.app.session.mode, Some(CallerMode::Admin));
}

#[tokio::test]
async fn snapshots() {
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut h = Headless::demo(DemoIdentity::Admin, cols, rows).await;
        h.auto_reply = false;
        press(&mut h, 'p').await;
        insta::assert_snapshot!(format!("profiles_loading_{cols}x{rows}"), h.render());
        h.settle().await;
        insta::assert_snapshot!(format!("profiles_{cols}x{rows}"), h.render());
        h.auto_reply = true;
        switch_to(&mut h, EXPIRED_SSO_PROFILE).await;
        insta::assert_snapshot!(format!("profiles_failed_{cols}x{rows}"), h.render());
    }
}
