//! The Coverage screen on the demo account: the controls judged live, the failing lists, snapshots, and
//! a failing user fixed through the wizard from the screen.

use crossterm::event::KeyCode;

use super::*;
use crate::app::wizard::Step;
use crate::app::wizard::tests::{assert_step, pair, seed_on_screen};
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::DemoIdentity;

fn coverage(h: &Headless) -> &CoverageState {
    match h.app.screen() {
        Screen::Coverage(state) => state,
        other => panic!("expected the Coverage screen, found {other:?}"),
    }
}

async fn open(cols: u16, rows: u16) -> Headless {
    let mut h = Headless::demo(DemoIdentity::Admin, cols, rows).await;
    h.press_code(KeyCode::Char('c')).await;
    assert!(coverage(&h).is_complete(), "{}", h.screen_text());
    h
}

/// Moves to the control with `id` and opens its failing list.
async fn open_failing(h: &mut Headless, id: &str) {
    let index = CONTROLS.iter().position(|c| c.id == id).expect("a control");
    h.press_code(KeyCode::Home).await;
    for _ in 0..index {
        h.press_code(KeyCode::Down).await;
    }
    h.press_code(KeyCode::Enter).await;
    assert_eq!(coverage(h).failing.as_ref().map(|v| v.control), Some(index));
}

fn failing_names(h: &Headless) -> Vec<String> {
    let (_, failing) = coverage(h).failing_list().expect("a failing list");
    failing.into_iter().map(|f| f.principal).collect()
}

#[tokio::test]
async fn every_control_has_a_row_with_its_status_and_both_ids() {
    let mut h = open(120, 40).await;
    let text = h.screen_text();
    for control in CONTROLS {
        let start: String = control.title.chars().take(60).collect();
        assert!(text.contains(&start), "{}: {text}", control.id);
    }
    let iam5 = text
        .lines()
        .find(|line| line.contains("IAM.5 "))
        .expect("an IAM.5 row");
    assert!(iam5.contains("FAIL"), "{iam5}");
    assert!(iam5.contains("2.10"), "the CIS twin beside it: {iam5}");
    assert!(iam5.contains(" 3 "), "three failing: {iam5}");
    let iam6 = text
        .lines()
        .find(|line| line.contains("IAM.6 "))
        .expect("an IAM.6 row");
    assert!(iam6.contains("FAIL"), "{iam6}");
}

#[tokio::test]
async fn rows_show_checking_before_the_answers() {
    let mut h = Headless::demo(DemoIdentity::Admin, 120, 40).await;
    h.auto_reply = false;
    h.press_code(KeyCode::Char('c')).await;
    let text = h.screen_text();
    assert!(text.contains("checking"), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[tokio::test]
async fn iam5_lists_the_console_users_without_mfa() {
    let mut h = open(120, 40).await;
    open_failing(&mut h, "IAM.5").await;
    assert_eq!(
        failing_names(&h),
        ["emma.schmidt", "priya.raman", "sam.wilson"]
    );
    let text = h.screen_text();
    for name in ["emma.schmidt", "priya.raman", "sam.wilson"] {
        assert!(text.contains(name), "{text}");
    }
    h.press_code(KeyCode::Esc).await;
    assert!(coverage(&h).failing.is_none());
    h.press_code(KeyCode::Esc).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
}

#[tokio::test]
async fn iam6_names_roots_virtual_device_and_the_console_path() {
    let mut h = open(120, 40).await;
    open_failing(&mut h, "IAM.6").await;
    let text = h.screen_text();
    assert!(text.contains("<root_account>"), "{text}");
    assert!(
        text.contains("ops-shared-phone is a virtual device"),
        "{text}"
    );
    assert!(
        text.contains("can only be set in the console"),
        "the console path for root: {text}"
    );
    // No wizard for root.
    h.press_code(KeyCode::Char('a')).await;
    assert!(matches!(h.app.screen(), Screen::Coverage(_)));
}

#[tokio::test]
async fn a_failing_user_fixed_in_the_wizard_no_longer_fails() {
    let mut h = open(120, 40).await;
    open_failing(&mut h, "IAM.5").await;
    assert_eq!(failing_names(&h)[2], "sam.wilson");
    h.press_code(KeyCode::Down).await;
    h.press_code(KeyCode::Down).await;
    h.press_code(KeyCode::Char('a')).await;
    assert_step(&mut h, Step::Name);
    h.press_code(KeyCode::Enter).await;
    h.press_code(KeyCode::Enter).await;
    assert_step(&mut h, Step::Secret);
    h.press_code(KeyCode::Char('s')).await;
    let seed = seed_on_screen(&mut h);
    h.press_code(KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.type_text(&code1).await;
    h.type_text(&code2).await;
    h.press_code(KeyCode::Enter).await;
    assert_step(&mut h, Step::Done);
    h.press_code(KeyCode::Enter).await;

    assert!(coverage(&h).is_complete(), "{}", h.screen_text());
    assert_eq!(failing_names(&h), ["emma.schmidt", "priya.raman"]);
    let text = h.screen_text();
    assert!(!text.contains("sam.wilson"), "{text}");
}

#[tokio::test]
async fn snapshots() {
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut h = open(cols, rows).await;
        let size = format!("{cols}x{rows}");
        insta::assert_snapshot!(format!("coverage_loaded_{size}"), h.render());
        open_failing(&mut h, "IAM.5").await;
        insta::assert_snapshot!(format!("coverage_failing_{size}"), h.render());
    }
}
