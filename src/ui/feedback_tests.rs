//! One rule for dialogs and feedback, checked on the screen: deletes need `y`, a notice sits above the
//! key hints and goes when the screen changes, a field's message is shown whole, a paste is text, and
//! a long value scrolls so its end stays in view.

use crossterm::event::KeyCode;

use crate::app::Screen;
use crate::app::wizard::tests::{pair, press, to_name_step, to_secret_step, wizard};
use crate::app::wizard::{Dialog, Step};
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::AssignmentFilter;
use crate::iam::demo::DemoIdentity;

async fn admin(cols: u16, rows: u16) -> Headless {
    Headless::demo(DemoIdentity::Admin, cols, rows).await
}

async fn unassigned(h: &Headless) -> Vec<String> {
    let devices = h
        .iam
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned)
        .await
        .unwrap();
    devices.into_iter().map(|d| d.serial).collect()
}

fn footer(h: &mut Headless) -> Vec<String> {
    let text = h.screen_text();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len() - 2..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

#[tokio::test]
async fn the_wizard_deletes_only_on_y() {
    // Leaving: Enter does not delete the wizard's device, y does.
    let mut h = admin(80, 24).await;
    let before = unassigned(&h).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Esc).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(matches!(
        wizard(&h).dialog,
        Some(Dialog::ConfirmLeave { .. })
    ));
    assert_eq!(
        unassigned(&h).await.len(),
        before.len() + 1,
        "Enter deleted"
    );
    press(&mut h, KeyCode::Char('y')).await;
    assert_eq!(unassigned(&h).await, before);

    // The orphan holding a name: Enter keeps it; y agrees to free the name, and the orphan goes when
    // the authenticator app's device is created in its place (not before the type is chosen).
    let mut h = admin(80, 24).await;
    let orphan = "arn:aws:iam::210987654321:mfa/emma.schmidt".to_string();
    to_name_step(&mut h, "emma").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(matches!(
        wizard(&h).dialog,
        Some(Dialog::OrphanOffer { .. })
    ));
    assert!(unassigned(&h).await.contains(&orphan), "Enter deleted");
    press(&mut h, KeyCode::Char('y')).await;
    assert!(
        unassigned(&h).await.contains(&orphan),
        "deleted before the type was chosen"
    );
    press(&mut h, KeyCode::Char('1')).await;
    let now_unassigned = unassigned(&h).await;
    assert_eq!(
        now_unassigned
            .iter()
            .filter(|serial| **serial == orphan)
            .count(),
        1,
        "the old entity was replaced by the new device of the same name"
    );
}

#[tokio::test]
async fn after_a_cancel_the_notice_is_above_the_key_hints() {
    let mut h = admin(80, 24).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Esc).await;
    press(&mut h, KeyCode::Char('y')).await;
    assert!(matches!(h.app.screen(), Screen::Home(_)));
    let footer = footer(&mut h);
    assert!(
        footer[0].contains("Deleted the unused device"),
        "{footer:?}"
    );
    assert!(footer[1].contains("? help"), "{footer:?}");
}

#[tokio::test]
async fn a_notice_from_an_earlier_action_goes_when_the_screen_changes() {
    let mut h = admin(80, 24).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('c')).await;
    assert!(h.app.notice().is_some_and(|n| n.text.contains("Copied")));
    // Leaving deletes the device: that notice is the one to read on the home screen.
    press(&mut h, KeyCode::Esc).await;
    press(&mut h, KeyCode::Char('y')).await;
    let notice = h.app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Deleted the unused device"), "{notice}");
    // Opening the Users screen: the home screen's notice does not follow.
    press(&mut h, KeyCode::Char('u')).await;
    assert!(matches!(h.app.screen(), Screen::Users(_)));
    assert_eq!(h.app.notice(), None);
    assert!(!h.screen_text().contains("Deleted the unused device"));
}

#[tokio::test]
async fn the_resync_message_is_shown_whole() {
    let mut h = admin(80, 24).await;
    for code in [KeyCode::Char('u'), KeyCode::Enter, KeyCode::Char('s')] {
        h.press_code(code).await;
    }
    // The same code twice: the longest message the pair check gives.
    h.type_text("123456123456").await;
    h.press_code(KeyCode::Enter).await;
    let text: String = h
        .screen_text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("the next code and") && text.contains("enter that as code 2"),
        "{}",
        h.screen_text()
    );
}

#[tokio::test]
async fn a_paste_is_text_in_the_focused_field_and_never_submits() {
    let mut h = admin(80, 24).await;
    to_name_step(&mut h, "ben.c").await;
    // The name field: a newline in the paste neither submits nor lets "1" choose a device type.
    h.press(crate::app::ctrl('u')).await;
    h.paste("ben-paste\n1").await;
    assert_eq!(wizard(&h).step, Step::Name);
    assert_eq!(wizard(&h).name.input.value(), "ben-paste1");
    assert!(h.screen_text().contains("ben-paste1"));

    // The codes: a pasted pair fills both, and is not sent.
    let mut h = admin(80, 24).await;
    to_secret_step(&mut h, "ben.c").await;
    let seed = wizard(&h)
        .enrollment
        .as_ref()
        .unwrap()
        .seed
        .clone()
        .unwrap();
    press(&mut h, KeyCode::Enter).await;
    let (code1, code2) = pair(&seed, FIXED_NOW);
    h.paste(&format!("{code1}\n{code2}\n")).await;
    let codes = &wizard(&h).codes;
    assert_eq!(
        (codes.first().value(), codes.second().value()),
        (code1.as_str(), code2.as_str())
    );
    assert_eq!(wizard(&h).step, Step::Codes, "nothing was submitted");
    press(&mut h, KeyCode::Enter).await;
    assert_eq!(wizard(&h).step, Step::Done);
}

#[tokio::test]
async fn a_long_value_scrolls_so_its_end_and_the_cursor_stay_in_view() {
    let mut h = admin(80, 24).await;
    to_name_step(&mut h, "ben.c").await;
    h.press(crate::app::ctrl('u')).await;
    let long = format!("{}-end", "x".repeat(100));
    h.paste(&long).await;
    let text = h.screen_text();
    assert!(text.contains("…xxx"), "{text}");
    assert!(text.contains("xxx-end"), "{text}");
}

#[tokio::test]
async fn a_long_save_path_scrolls_on_its_line() {
    let mut h = admin(80, 24).await;
    to_secret_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Char('w')).await;
    h.press(crate::app::ctrl('u')).await;
    h.paste(&format!("/tmp/{}/end.png", "deep".repeat(30)))
        .await;
    let text = h.screen_text();
    assert!(text.contains("…"), "{text}");
    assert!(text.contains("deep/end.png"), "{text}");
}
