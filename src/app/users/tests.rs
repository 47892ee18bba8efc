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
use crate::iam::faults::{Fault, FaultIam, Times};
use crate::iam::recording::RecordingIam;
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

/// What [`drive`] saw.
struct Driven {
    /// The most ListMFADevices calls out at once.
    most_out: usize,
    /// Users in the order they were first asked about.
    asked: Vec<String>,
    /// How many ListMFADevices calls were out as each effect was carried out.
    out: Vec<usize>,
}

/// Carries out effects one at a time as the runtime would, recording how many ListMFADevices calls
/// were out at once, and the order users were asked in. `on_each` may press keys between answers.
async fn drive(
    h: &mut Headless,
    first: Vec<Effect>,
    mut on_each: impl FnMut(usize) -> Option<crossterm::event::KeyEvent>,
) -> Driven {
    let mut pending: VecDeque<Effect> = first.into();
    let (mut most_out, mut asked, mut answered) = (0, Vec::new(), 0);
    let mut outs = Vec::new();
    while let Some(effect) = pending.pop_front() {
        let out = pending.iter().filter_map(list_mfa_user).count()
            + usize::from(list_mfa_user(&effect).is_some());
        most_out = most_out.max(out);
        outs.push(out);
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
    Driven {
        most_out,
        asked,
        out: outs,
    }
}

#[tokio::test]
async fn a_thousand_users_take_one_listing_each_with_at_most_eight_out() {
    let (demo, clock) = big_account(1000);
    let (mut h, iam) = on_account(demo, clock, 80, 24).await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    let Driven {
        most_out, asked, ..
    } = drive(&mut h, effects, |_| None).await;

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
    let Driven { asked, .. } = drive(&mut h, effects, |answered| {
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

// ----- throttling and failed rows -----

/// The app on `demo` with a fault layer (to make IAM throttle or fail) under a recording one.
async fn with_faults(
    demo: DemoAccount,
    clock: ManualClock,
    cols: u16,
    rows: u16,
) -> (Headless, Arc<FaultIam>, Arc<RecordingIam>) {
    let faults = Arc::new(FaultIam::new(Arc::new(demo)));
    let recording = Arc::new(RecordingIam::new(faults.clone()));
    let h = Headless::new(recording.clone(), clock, true, cols, rows).await;
    recording.reset();
    (h, faults, recording)
}

fn demo_account() -> (DemoAccount, ManualClock) {
    let clock = ManualClock::at(FIXED_NOW);
    let demo = DemoAccount::new(DemoIdentity::Admin, Arc::new(clock.clone()));
    (demo, clock)
}

fn throttled() -> IamError {
    IamError::Throttled("Rate exceeded".into())
}

/// Every row has its devices: none waiting, none failed.
fn assert_all_filled(h: &mut Headless) {
    let state = users(h);
    let rows = state.rows.loaded().expect("loaded");
    let unfilled: Vec<&str> = rows
        .iter()
        .filter(|row| row.mfa.total().is_none())
        .map(|row| row.user.name.as_str())
        .collect();
    assert!(unfilled.is_empty(), "not filled: {unfilled:?}");
    assert_eq!(state.details_failed, 0);
    assert_eq!(state.details_done, state.details_needed);
    let text = h.screen_text();
    assert!(!text.contains("could not"), "{text}");
}

#[tokio::test]
async fn throttling_for_a_share_of_the_listings_still_fills_every_row() {
    let (demo, clock) = demo_account();
    let (mut h, faults, iam) = with_faults(demo, clock, 120, 40).await;
    let share = Times::Share {
        percent: 40,
        seed: 1,
    };
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(throttled()),
        share,
    );
    testing::open_users(&mut h).await;
    assert_all_filled(&mut h);
    assert!(
        iam.calls(Action::ListMfaDevices) > 13,
        "the throttled listings were asked again: {}",
        iam.calls(Action::ListMfaDevices)
    );
    assert_eq!(row(users(&h), "alice.nguyen").mfa.count_text(), "8 of 8");
    assert_eq!(row(users(&h), "diego.alvarez").mfa.kinds_text(), "hardware");
}

#[tokio::test]
async fn a_thousand_users_under_throttling_fill_with_fewer_calls_out() {
    let (demo, clock) = big_account(1000);
    let (mut h, faults, iam) = with_faults(demo, clock, 80, 24).await;
    let share = Times::Share {
        percent: 20,
        seed: 42,
    };
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(throttled()),
        share,
    );
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    let driven = drive(&mut h, effects, |_| None).await;

    assert_all_filled(&mut h);
    let calls = iam.calls(Action::ListMfaDevices);
    assert!(
        (1100..1400).contains(&calls),
        "999 listings and about a quarter again for the throttled ones: {calls}"
    );
    assert_eq!(driven.most_out, MAX_IN_FLIGHT, "the ceiling, never more");
    // Once the first listings are answered, IAM's pushback keeps fewer out than the ceiling.
    let later = &driven.out[driven.out.len() / 4..];
    let average = later.iter().sum::<usize>() as f64 / later.len() as f64;
    assert!(
        average < (MAX_IN_FLIGHT as f64) / 2.0,
        "{average:.1} out on average under throttling"
    );
}

#[tokio::test]
async fn without_throttling_the_cap_stays_at_the_ceiling() {
    let (demo, clock) = big_account(200);
    let (mut h, _, _) = with_faults(demo, clock, 80, 24).await;
    let effects = h.app.update(Msg::Key(key(KeyCode::Char('u'))));
    let driven = drive(&mut h, effects, |_| None).await;
    assert_all_filled(&mut h);
    assert_eq!(users(&h).cap.get(), MAX_IN_FLIGHT);
    // Until the queue runs dry, every slot is used.
    let full = driven.out.iter().filter(|&&n| n == MAX_IN_FLIGHT).count();
    assert!(full > 150, "{full}");
}

#[tokio::test]
async fn rows_that_keep_failing_are_marked_and_r_fills_them_once_the_fault_clears() {
    let (demo, clock) = demo_account();
    let (mut h, faults, iam) = with_faults(demo, clock, 120, 40).await;
    let failure = IamError::ServiceFailure("Request ID 77: internal error".into());
    // The first three listings asked for: the first rows on screen (admin, alice, ben).
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(failure),
        Times::Next(3),
    );
    testing::open_users(&mut h).await;
    let state = users(&h);
    assert_eq!(state.details_failed, 3);
    assert_eq!(iam.calls(Action::ListMfaDevices), 13, "no retry of a 5xx");
    let marked: Vec<&str> = state
        .rows
        .loaded()
        .unwrap()
        .iter()
        .filter(|row| row.mfa.failed.is_some())
        .map(|row| row.user.name.as_str())
        .collect();
    assert_eq!(marked, ["admin", "alice.nguyen", "ben.carter"]);
    let text = h.screen_text();
    assert!(text.contains("could not load: ServiceFailure"), "{text}");
    assert!(text.contains("3 could not be read (r retries)"), "{text}");
    assert!(text.contains("r retry failed"), "{text}");

    iam.reset();
    press(&mut h, 'r').await;
    assert_eq!(
        iam.calls(Action::ListMfaDevices),
        3,
        "the failed rows alone"
    );
    assert_eq!(iam.calls(Action::ListUsers), 0, "no reload");
    assert_all_filled(&mut h);
    assert_eq!(row(users(&h), "admin").mfa.count_text(), "2 of 8");
    let text = h.screen_text();
    assert!(text.contains("r refresh"), "{text}");

    // With nothing failed, r reloads everything.
    press(&mut h, 'r').await;
    assert_eq!(iam.calls(Action::ListUsers), 1);
}

#[tokio::test]
async fn listings_throttled_every_time_are_marked_after_their_requeues() {
    let (demo, clock) = demo_account();
    let (mut h, faults, iam) = with_faults(demo, clock, 120, 40).await;
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(throttled()),
        Times::Always,
    );
    testing::open_users(&mut h).await;
    let state = users(&h);
    assert_eq!(state.details_failed, 13);
    assert_eq!(
        iam.calls(Action::ListMfaDevices),
        13 * (1 + THROTTLED_REQUEUES),
        "each row asked again a bounded number of times"
    );
    assert_eq!(state.cap.get(), 1, "stepped down to one");
    assert!(h.screen_text().contains("could not load: Throttling"));

    faults.clear();
    iam.reset();
    // R with failed rows is the full reload (r would ask about the failed rows alone).
    press(&mut h, 'R').await;
    assert_all_filled(&mut h);
    assert_eq!(iam.calls(Action::ListUsers), 1);
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
    // Some rows failed: marked, counted, and the retry key offered.
    let (demo, clock) = demo_account();
    let (mut h, faults, _) = with_faults(demo, clock, cols, rows).await;
    let failure = IamError::ServiceFailure("Request ID 77: internal error".into());
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(failure),
        Times::Next(2),
    );
    let denied = IamError::access_denied(Action::ListMfaDevices, "not allowed");
    faults.inject(
        Action::ListMfaDevices,
        Fault::FailBefore(denied),
        Times::Next(1),
    );
    testing::open_users(&mut h).await;
    assert_eq!(users(&h).details_failed, 3);
    insta::assert_snapshot!(format!("users_failed_rows_{size}"), h.render());
}

#[tokio::test]
async fn snapshots_80x24() {
    snapshot_states(80, 24).await;
}

#[tokio::test]
async fn snapshots_120x40() {
    snapshot_states(120, 40).await;
}
