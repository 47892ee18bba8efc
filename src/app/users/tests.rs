//! The Users screen on the demo account: the list, filter, sort, the MFA columns, the call budget with
//! a thousand users, and its snapshots.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use crossterm::event::KeyCode;

use super::*;
use crate::app::manage::testing::{self, on_account, press, recorded, users};
use crate::app::manage::user_mfa_summary::MfaRank;
use crate::app::{Effect, Msg, key};
use crate::clock::ManualClock;
use crate::headless::{FIXED_NOW, Headless};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::iam::{Action, IamError, Request, op};
use crate::runtime::executor;

fn row<'a>(state: &'a UsersState, name: &str) -> &'a UserRow {
    let index = state.by_name[name];
    &state.rows.loaded().expect("loaded")[index]
}

fn shown_names(state: &UsersState) -> Vec<String> {
    let rows = state.rows.loaded().expect("loaded");
    state
        .shown
        .iter()
        .map(|&i| rows[i].user.name.clone())
        .collect()
}

#[tokio::test]
async fn lists_every_user_with_device_counts_and_kinds() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 120, 40).await;
    testing::open_users(&mut h).await;
    let state = users(&h);
    assert_eq!(state.shown.len(), 13);
    assert_eq!(row(state, "alice.nguyen").mfa.count_text(), "8 of 8");
    assert_eq!(
        row(state, "chloe.martin").mfa.kinds_text(),
        "virtual, passkey"
    );
    assert_eq!(row(state, "diego.alvarez").mfa.kinds_text(), "hardware");
    assert_eq!(row(state, "sam.wilson").mfa.kinds_text(), "no MFA");
    assert!(!state.details_loading());
    // One listing of users, one of the assigned virtual devices, and one per user (nobody in the demo
    // has eight virtual devices, the one case that needs no call: see the thousand-user test).
    assert_eq!(iam.calls(Action::ListUsers), 1);
    assert_eq!(iam.calls(Action::ListVirtualMfaDevices), 1);
    assert_eq!(iam.calls(Action::ListMfaDevices), 13);
    let text = h.screen_text();
    assert!(text.contains("alice.nguyen"), "{text}");
    assert!(text.contains("13 users"), "{text}");
}

#[tokio::test]
async fn filter_as_you_type_and_sort_by_mfa_state() {
    let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_users(&mut h).await;
    press(&mut h, '/').await;
    h.type_text("FIN").await;
    assert_eq!(
        shown_names(users(&h)),
        ["chloe.martin", "diego.alvarez", "priya.raman"],
        "name or path"
    );
    h.press_code(KeyCode::Esc).await;
    assert_eq!(users(&h).shown.len(), 13, "Esc clears the filter");
    press(&mut h, 's').await;
    let names = shown_names(users(&h));
    let first_with_mfa = names
        .iter()
        .position(|n| row(users(&h), n).mfa.rank() != MfaRank::Known(0))
        .unwrap();
    assert!(
        names[..first_with_mfa].contains(&"sam.wilson".to_string()),
        "{names:?}"
    );
    assert_eq!(names.last().unwrap(), "alice.nguyen", "most devices last");
    assert!(h.screen_text().contains("sorted by MFA state"));
}

#[tokio::test]
async fn enter_opens_the_users_devices_and_coming_back_refreshes_that_user() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    testing::open_devices_of(&mut h, "ben.carter").await;
    assert_eq!(testing::devices(&h).user_name, "ben.carter");
    iam.reset();
    h.press_code(KeyCode::Esc).await;
    assert_eq!(
        iam.calls(Action::ListMfaDevices),
        1,
        "only the user just seen is asked again"
    );
    assert_eq!(row(users(&h), "ben.carter").mfa.count_text(), "1 of 8");
}

#[tokio::test]
async fn refresh_drops_the_answers_of_the_earlier_load() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 80, 24).await;
    h.auto_reply = false;
    testing::open_users(&mut h).await;
    press(&mut h, 'r').await;
    h.settle().await;
    assert_eq!(iam.calls(Action::ListUsers), 2);
    let state = users(&h);
    assert_eq!(state.details_done, state.details_needed);
    assert_eq!(state.in_flight(), 0);
    assert_eq!(row(state, "admin").mfa.count_text(), "2 of 8");
}

#[tokio::test]
async fn a_failed_user_listing_is_marked_on_the_row() {
    let (mut h, iam) = recorded(DemoIdentity::Admin, 120, 40).await;
    iam.fail(
        Action::ListMfaDevices,
        IamError::access_denied(Action::ListMfaDevices, "not allowed"),
    );
    testing::open_users(&mut h).await;
    let state = users(&h);
    assert_eq!(state.details_failed, 13);
    assert_eq!(
        row(state, "ben.carter").mfa.count_text(),
        "1+ of 8",
        "the virtual listing still counts"
    );
    assert!(h.screen_text().contains("13 could not be read"));
}

/// An account of `n` users: every third has a virtual device, every tenth a passkey, and two have the
/// full eight virtual devices.
fn big_account(n: usize) -> (DemoAccount, ManualClock) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::empty(DemoIdentity::Admin, Arc::new(clock.clone()));
    for i in 0..n {
        let name = format!("user{i:04}");
        demo.add_user(&name, "/").unwrap();
        if i % 3 == 0 {
            demo.add_assigned_virtual_device(&name, &format!("{name}-phone"))
                .unwrap();
        }
        if i % 10 == 0 {
            demo.register_passkey(&name, "key").unwrap();
        }
    }
    for name in ["user0001", "user0002"] {
        for d in 0..8 {
            demo.add_assigned_virtual_device(name, &format!("{name}-{d}"))
                .unwrap();
        }
    }
    (demo, clock)
}

fn list_mfa_user(effect: &Effect) -> Option<&str> {
    match effect {
        Effect::Call {
            request: Request::ListMfaDevices(op::ListMfaDevices { user_name }),
            ..
        } => Some(user_name),
        _ => None,
    }
}

/// Carries out effects one at a time as the runtime would, recording how many ListMFADevices calls
/// were out at once, and the order users were asked in. `on_each` may press keys between answers.
async fn drive(
    h: &mut Headless,
    first: Vec<Effect>,
    mut on_each: impl FnMut(usize) -> Option<crossterm::event::KeyEvent>,
) -> (usize, Vec<String>) {
    let mut pending: VecDeque<Effect> = first.into();
    let (mut most_out, mut asked, mut answered) = (0, Vec::new(), 0);
    while let Some(effect) = pending.pop_front() {
        let out = pending.iter().filter_map(list_mfa_user).count()
            + usize::from(list_mfa_user(&effect).is_some());
        most_out = most_out.max(out);
        let Effect::Call { ticket, request } = effect else {
            continue;
        };
        if list_mfa_user(&Effect::Call {
            ticket,
            request: request.clone(),
        })
        .is_some()
        {
            answered += 1;
        }
        let result = executor::execute(h.iam.as_ref(), request).await;
        pending.extend(
            h.app
                .update(Msg::Response(ticket, crate::app::Response::Iam(result))),
        );
        for effect in &pending {
            if let Some(user) = list_mfa_user(effect)
                && !asked.contains(&user.to_string())
            {
                asked.push(user.to_string());
            }
        }
        if let Some(key) = on_each(answered) {
            pending.extend(h.app.update(Msg::Key(key)));
        }
    }
    (most_out, asked)
}

#[tokio::test]
async fn a_thousand_users_take_one_listing_each_with_at_most_eight_out() {
    let (demo, clock) = big_account(1000);
    let (mut h, iam) = on_account(demo, clock, 80, 24).await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    let (most_out, asked) = drive(&mut h, effects, |_| None).await;

    assert_eq!(most_out, MAX_IN_FLIGHT, "the bound is used, never passed");
    assert_eq!(iam.calls(Action::ListUsers), 1);
    assert_eq!(iam.calls(Action::ListVirtualMfaDevices), 1);
    // 1,001 users (the admin too), less the two whose eight virtual devices say everything.
    assert_eq!(iam.calls(Action::ListMfaDevices), 999);
    assert_eq!(iam.total_calls(), 1001);
    assert_eq!(asked.len(), 999, "nobody is asked twice");
    let unique: HashSet<&String> = asked.iter().collect();
    assert_eq!(unique.len(), 999);
    // The rows on screen (sorted by name: admin, user0000, user0003...) are asked first.
    let page = ListCursor::page_for(24);
    let first_rows: Vec<String> = shown_names(users(&h))
        .into_iter()
        .filter(|n| !["user0001", "user0002"].contains(&n.as_str()))
        .take(page)
        .collect();
    assert_eq!(asked[..page], first_rows[..]);

    let state = users(&h);
    assert_eq!((state.details_done, state.details_needed), (999, 999));
    assert_eq!(row(state, "user0010").mfa.kinds_text(), "passkey");
    assert_eq!(row(state, "user0030").mfa.kinds_text(), "virtual, passkey");
    assert_eq!(row(state, "user0001").mfa.count_text(), "8 of 8");
    assert!(h.screen_text().contains("1001 users"));
}

#[tokio::test]
async fn typing_a_filter_while_loading_asks_about_the_matching_users_next() {
    let (demo, clock) = big_account(1000);
    let (mut h, _) = on_account(demo, clock, 80, 24).await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    let mut typed = "/user09".chars();
    // After the first ten answers, type the filter one key per answer.
    let (_, asked) = drive(&mut h, effects, |answered| {
        (answered >= 10)
            .then(|| typed.next().map(|c| key(KeyCode::Char(c))))
            .flatten()
    })
    .await;
    // Once the filter is complete, every user0900..user0999 is asked before anyone else left.
    let first_filtered = asked.iter().position(|n| n.starts_with("user09")).unwrap();
    let block = &asked[first_filtered..first_filtered + 100];
    assert!(block.iter().all(|n| n.starts_with("user09")), "{block:?}");
    assert!(
        first_filtered < 40,
        "the filter was typed early: {first_filtered}"
    );
}

// ----- snapshots -----

async fn snapshot_states(cols: u16, rows: u16) {
    let size = format!("{cols}x{rows}");
    // Loading.
    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    h.auto_reply = false;
    testing::open_users(&mut h).await;
    insta::assert_snapshot!(format!("users_loading_{size}"), h.render());
    h.settle().await;
    insta::assert_snapshot!(format!("users_loaded_{size}"), h.render());
    // The list is there, the per-user details still coming.
    let (mut h, _) = recorded(DemoIdentity::Admin, cols, rows).await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    for effect in effects {
        let Effect::Call { ticket, request } = effect else {
            continue;
        };
        let result = executor::execute(h.iam.as_ref(), request).await;
        let more = h
            .app
            .update(Msg::Response(ticket, crate::app::Response::Iam(result)));
        assert!(
            more.iter().all(|e| list_mfa_user(e).is_some()),
            "only per-user listings follow"
        );
    }
    assert_eq!(users(&h).in_flight(), MAX_IN_FLIGHT);
    insta::assert_snapshot!(format!("users_filling_{size}"), h.render());
    // Empty: the root user of an account without IAM users.
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::empty(DemoIdentity::Root, Arc::new(clock.clone()));
    let (mut h, _) = on_account(demo, clock, cols, rows).await;
    testing::open_users(&mut h).await;
    insta::assert_snapshot!(format!("users_empty_{size}"), h.render());
    // Error.
    let (mut h, iam) = recorded(DemoIdentity::Admin, cols, rows).await;
    iam.fail(
        Action::ListUsers,
        IamError::ServiceFailure("Request ID 1f0c: internal error".into()),
    );
    testing::open_users(&mut h).await;
    insta::assert_snapshot!(format!("users_error_{size}"), h.render());
    // Retry, once IAM answers again.
    iam.clear_failures();
    press(&mut h, 'r').await;
    assert_eq!(users(&h).shown.len(), 13);
}

#[tokio::test]
async fn snapshots_80x24() {
    snapshot_states(80, 24).await;
}

#[tokio::test]
async fn snapshots_120x40() {
    snapshot_states(120, 40).await;
}
